/* cfg_ctx: the process's libyang context with module vxsw, and libyang
 * errors turned into "PATH: reason" messages. */
#include "cfg_ctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_yang.h"
#include "vxsw_yang_embed.h"

#define TOP "/vxsw:vxsw"

static struct ly_ctx *g_ctx;
static const struct lys_module *g_mod;
static unsigned g_holders;

static void set_err(char *err, unsigned errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, unsigned errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

struct ly_ctx *cfg_ctx_get(char *err, unsigned errlen)
{
	struct ly_ctx *ctx;
	struct lys_module *mod;

	if (g_ctx != NULL)
		return g_ctx;
	/* Errors reach the user through err strings; libyang must not print them
	 * too. config/ is the process's only libyang user, so a global setting. */
	ly_log_options(LY_LOSTORE_LAST);
	if (ly_ctx_new(NULL, LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIRS, &ctx) != LY_SUCCESS) {
		set_err(err, errlen, "libyang: cannot create a context");
		return NULL;
	}
	if (lys_parse_mem(ctx, vxsw_yang_text, LYS_IN_YANG, &mod) != LY_SUCCESS) {
		cfg_ctx_error(ctx, err, errlen);
		ly_ctx_destroy(ctx);
		return NULL;
	}
	g_ctx = ctx;
	g_mod = mod;
	return g_ctx;
}

const struct lys_module *cfg_ctx_module(void)
{
	return g_mod;
}

void cfg_ctx_hold(void)
{
	g_holders++;
}

void cfg_ctx_release(void)
{
	if (g_holders > 0)
		g_holders--;
}

int cfg_yang_cleanup(void)
{
	if (g_holders > 0)
		return -EBUSY;
	if (g_ctx != NULL)
		ly_ctx_destroy(g_ctx);
	g_ctx = NULL;
	g_mod = NULL;
	return 0;
}

/* libyang 2.1 packs the location into one string:
 * 'Schema location "/a/b", data location "/a:b[k='1']", line number 4.'
 * Copy the data path (else the schema path) into out; *is_data tells which. */
static bool err_location(const char *s, char *out, size_t outlen, unsigned long *line,
			 bool *is_data)
{
	const char *p, *e, *l;

	*line = 0;
	out[0] = '\0';
	if (s == NULL)
		return false;
	l = strstr(s, "ine number ");
	if (l != NULL)
		*line = strtoul(l + 11, NULL, 10);
	p = strstr(s, "ata location \"");
	*is_data = p != NULL;
	if (p == NULL)
		p = strstr(s, "chema location \"");
	if (p == NULL)
		return false;
	p = strchr(p, '"') + 1;
	/* predicates may hold '"': the path ends at the last quote before the
	 * line number (or the end) */
	e = l != NULL ? l : s + strlen(s);
	while (e > p && *e != '"')
		e--;
	if (e <= p)
		return false;
	/* libyang 2.1 leaves the top container out of duplicate-instance paths
	 * ("/vxsw:port[name='a']/vlan[id='1']"); only config data is validated,
	 * so the missing container is vxsw */
	if (strncmp(p, TOP, strlen(TOP)) != 0 && strncmp(p, "/vxsw:state", 11) != 0 &&
	    strncmp(p, "/vxsw:", 6) == 0)
		snprintf(out, outlen, TOP "/%.*s", (int)(e - p - 6), p + 6);
	else
		snprintf(out, outlen, "%.*s", (int)(e - p), p);
	return true;
}

static void format_error(char *err, unsigned errlen, const char *path, const char *msg,
			 unsigned long line)
{
	if (path[0] != '\0' && line > 0)
		set_err(err, errlen, "%s: %s (line %lu)", path, msg, line);
	else if (path[0] != '\0')
		set_err(err, errlen, "%s: %s", path, msg);
	else if (line > 0)
		set_err(err, errlen, "line %lu: %s", line, msg);
	else
		set_err(err, errlen, TOP ": %s", msg);
}

void cfg_ctx_error(const struct ly_ctx *ctx, char *err, unsigned errlen)
{
	struct ly_err_item *e = ly_err_last(ctx);
	char path[256];
	unsigned long line;
	bool is_data;

	err_location(e != NULL ? e->path : NULL, path, sizeof(path), &line, &is_data);
	format_error(err, errlen, path,
		     e != NULL && e->msg != NULL ? e->msg : "unknown libyang error", line);
}

/* The first instance of parent (a data node set) lacking a child of schema
 * node miss (a leaf, or a choice with none of its cases present). */
static const struct lyd_node *lacking(const struct ly_set *parents, const struct lysc_node *miss)
{
	for (uint32_t i = 0; i < parents->count; i++) {
		const struct lyd_node *ch;
		bool found = false;

		LY_LIST_FOR(lyd_child(parents->dnodes[i]), ch) {
			for (const struct lysc_node *sn = ch->schema; sn != NULL && !found; sn = sn->parent)
				found = sn == miss;
			if (found)
				break;
		}
		if (!found)
			return parents->dnodes[i];
	}
	return NULL;
}

/*
 * libyang names only the schema node of a missing mandatory leaf or choice
 * ("/vxsw:vxsw/port/devargs"). Parse again without validation and find the
 * instance that lacks it, to say "/vxsw:vxsw/port[name='up0']/devargs".
 */
static void refine_mandatory(struct ly_ctx *ctx, const char *buf, char *err, unsigned errlen)
{
	struct ly_err_item *e = ly_err_last(ctx);
	char spath[256], msg[256], *slash, *dpath;
	const struct lysc_node *parent, *miss = NULL;
	struct lyd_node *tree = NULL;
	struct ly_set *set = NULL;
	const struct lyd_node *inst;
	unsigned long line;
	bool is_data;

	if (e == NULL || e->msg == NULL || strncmp(e->msg, "Mandatory ", 10) != 0 ||
	    !err_location(e->path, spath, sizeof(spath), &line, &is_data) || is_data)
		return;
	snprintf(msg, sizeof(msg), "%s", e->msg);
	slash = strrchr(spath, '/');
	if (slash == NULL || slash == spath)
		return;
	*slash = '\0';
	parent = lys_find_path(ctx, NULL, spath, 0);
	while (parent != NULL && (miss = lys_getnext(miss, parent, NULL, LYS_GETNEXT_WITHCHOICE)))
		if (strcmp(miss->name, slash + 1) == 0)
			break;
	if (miss == NULL ||
	    lyd_parse_data_mem(ctx, buf, LYD_JSON, LYD_PARSE_ONLY | LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
			       0, &tree) != LY_SUCCESS ||
	    lyd_find_xpath(tree, spath, &set) != LY_SUCCESS)
		goto out;
	inst = lacking(set, miss);
	if (inst != NULL && (dpath = lyd_path(inst, LYD_PATH_STD, NULL, 0)) != NULL) {
		char full[320];

		snprintf(full, sizeof(full), "%s/%s", dpath, slash + 1);
		format_error(err, errlen, full, msg, 0);
		free(dpath);
	}
out:
	ly_set_free(set, NULL);
	lyd_free_all(tree);
}

void cfg_ctx_parse_error(struct ly_ctx *ctx, const char *json, char *err, unsigned errlen)
{
	cfg_ctx_error(ctx, err, errlen);
	refine_mandatory(ctx, json, err, errlen);
	ly_err_clean(ctx, NULL);
}
