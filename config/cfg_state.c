/* cfg_state: operational state kept as a libyang data tree under /vxsw:state. */
#include "cfg_state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_ctx.h"
#include "cfg_model.h"

#define STATE "/vxsw:state"

struct cfg_state {
	struct ly_ctx *ctx;
	struct lyd_node *root;          /* the vxsw:state container */
	char err[CFG_ERR_MAX];
};

struct cfg_state *cfg_state_new(void)
{
	struct cfg_state *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->ctx = cfg_ctx_get(s->err, sizeof(s->err));
	if (s->ctx == NULL ||
	    lyd_new_inner(NULL, cfg_ctx_module(), "state", 0, &s->root) != LY_SUCCESS) {
		free(s);
		return NULL;
	}
	cfg_ctx_hold();
	return s;
}

void cfg_state_free(struct cfg_state *s)
{
	if (s == NULL)
		return;
	lyd_free_all(s->root);
	cfg_ctx_release();
	free(s);
}

const char *cfg_state_errmsg(const struct cfg_state *s)
{
	return s->err;
}

static bool under_state(const char *path)
{
	size_t n = strlen(STATE);

	return path != NULL && strncmp(path, STATE, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

/* The caller's path names the node better than libyang's schema location. */
static int ly_fail_at(struct cfg_state *s, const char *path)
{
	struct ly_err_item *e = ly_err_last(s->ctx);

	snprintf(s->err, sizeof(s->err), "%s: %s", path,
		 e != NULL && e->msg != NULL ? e->msg : "unknown libyang error");
	ly_err_clean(s->ctx, NULL);
	return -EINVAL;
}

int cfg_state_set(struct cfg_state *s, const char *path, const char *value)
{
	s->err[0] = '\0';
	if (!under_state(path)) {
		snprintf(s->err, sizeof(s->err), "%s: not under " STATE, path ? path : "(null)");
		return -EINVAL;
	}
	if (lyd_new_path(s->root, NULL, path, value, LYD_NEW_PATH_UPDATE, NULL) != LY_SUCCESS)
		return ly_fail_at(s, path);
	return 0;
}

int cfg_state_setf(struct cfg_state *s, const char *value, const char *pathfmt, ...)
{
	char *path;
	va_list ap;
	int rc;

	va_start(ap, pathfmt);
	rc = vasprintf(&path, pathfmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	rc = cfg_state_set(s, path, value);
	free(path);
	return rc;
}

int cfg_state_del(struct cfg_state *s, const char *path)
{
	struct lyd_node *n;
	LY_ERR e;

	s->err[0] = '\0';
	if (!under_state(path)) {
		snprintf(s->err, sizeof(s->err), "%s: not under " STATE, path ? path : "(null)");
		return -EINVAL;
	}
	e = lyd_find_path(s->root, path, 0, &n);
	if (e == LY_ENOTFOUND || e == LY_EINCOMPLETE) {
		snprintf(s->err, sizeof(s->err), "%s: no such node", path);
		ly_err_clean(s->ctx, NULL);
		return -ENOENT;
	}
	if (e != LY_SUCCESS)
		return ly_fail_at(s, path);
	if (n == s->root) {
		while (lyd_child(s->root) != NULL)
			lyd_free_tree(lyd_child(s->root));
		return 0;
	}
	if (lysc_is_key(n->schema)) {
		snprintf(s->err, sizeof(s->err), "%s: a list key cannot be removed alone", path);
		return -EINVAL;
	}
	lyd_free_tree(n);
	return 0;
}

/* A copy of n with its parents, merged into *out. */
static LY_ERR add_with_parents(struct lyd_node **out, const struct lyd_node *n)
{
	struct lyd_node *dup, *top;
	LY_ERR e;

	e = lyd_dup_single(n, NULL, LYD_DUP_RECURSIVE | LYD_DUP_WITH_PARENTS, &dup);
	if (e != LY_SUCCESS)
		return e;
	for (top = dup; lyd_parent(top) != NULL; top = lyd_parent(top))
		;
	e = lyd_merge_tree(out, top, LYD_MERGE_DESTRUCT);
	if (e != LY_SUCCESS)
		lyd_free_all(top);
	return e;
}

char *cfg_state_json(struct cfg_state *s, const char *path)
{
	struct lyd_node *out = NULL;
	struct ly_set *set = NULL;
	char *str = NULL;
	LY_ERR e = LY_SUCCESS;

	if (path == NULL)
		path = STATE;
	if (lyd_find_xpath(s->root, path, &set) != LY_SUCCESS) {
		ly_fail_at(s, path);
		return NULL;
	}
	for (uint32_t i = 0; i < set->count && e == LY_SUCCESS; i++)
		e = add_with_parents(&out, set->dnodes[i]);
	ly_set_free(set, NULL);
	if (e == LY_SUCCESS && out == NULL)
		str = strdup("{}\n");
	else if (e == LY_SUCCESS &&
		 lyd_print_mem(&str, out, LYD_JSON, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_KEEPEMPTYCONT) !=
			 LY_SUCCESS)
		str = NULL;
	lyd_free_all(out);
	ly_err_clean(s->ctx, NULL);
	return str;
}

/* ---- tables ---- */

struct table {
	const struct lysc_node **cols;
	unsigned n_cols;
	size_t *width;
	bool *right;                    /* right-align numbers */
	const char **cells;             /* n_rows x n_cols, NULL = absent */
	unsigned n_rows;
};

static bool numeric(const struct lysc_node *leaf)
{
	LY_DATA_TYPE t = ((const struct lysc_node_leaf *)leaf)->type->basetype;

	return (t >= LY_TYPE_UINT8 && t <= LY_TYPE_UINT64) || t == LY_TYPE_DEC64 ||
	       (t >= LY_TYPE_INT8 && t <= LY_TYPE_INT64);
}

static int table_columns(struct table *t, const struct lysc_node *list)
{
	const struct lysc_node *c = NULL;
	unsigned n = 0;

	while ((c = lys_getnext(c, list, NULL, 0)) != NULL)
		n += c->nodetype == LYS_LEAF;
	t->cols = calloc(n ? n : 1, sizeof(*t->cols));
	t->width = calloc(n ? n : 1, sizeof(*t->width));
	t->right = calloc(n ? n : 1, sizeof(*t->right));
	if (t->cols == NULL || t->width == NULL || t->right == NULL)
		return -ENOMEM;
	while ((c = lys_getnext(c, list, NULL, 0)) != NULL) {
		if (c->nodetype != LYS_LEAF)
			continue;
		t->cols[t->n_cols] = c;
		t->width[t->n_cols] = strlen(c->name);
		t->right[t->n_cols] = numeric(c);
		t->n_cols++;
	}
	return 0;
}

static int table_rows(struct table *t, const struct ly_set *inst, const struct lysc_node *list)
{
	const struct lyd_node *ch;

	t->cells = calloc((size_t)inst->count * t->n_cols + 1, sizeof(*t->cells));
	if (t->cells == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < inst->count; i++) {
		const char **row = &t->cells[(size_t)t->n_rows * t->n_cols];

		if (inst->dnodes[i]->schema != list)
			continue;
		LY_LIST_FOR(lyd_child(inst->dnodes[i]), ch) {
			for (unsigned k = 0; k < t->n_cols; k++) {
				if (ch->schema != t->cols[k])
					continue;
				row[k] = lyd_get_value(ch);
				if (strlen(row[k]) > t->width[k])
					t->width[k] = strlen(row[k]);
			}
		}
		t->n_rows++;
	}
	return 0;
}

static void table_line(FILE *f, const struct table *t, const char **vals)
{
	for (unsigned k = 0; k < t->n_cols; k++) {
		const char *v = vals[k] != NULL ? vals[k] : "-";
		bool last = k + 1 == t->n_cols;

		if (k > 0)
			fputs("  ", f);
		if (t->right[k])
			fprintf(f, "%*s", (int)t->width[k], v);
		else if (last)
			fputs(v, f);
		else
			fprintf(f, "%-*s", (int)t->width[k], v);
	}
	fputc('\n', f);
}

static void table_free(struct table *t)
{
	free(t->cols);
	free(t->width);
	free(t->right);
	free(t->cells);
}

/* The one list schema node list_path names (predicates allowed), or NULL. */
static const struct lysc_node *list_schema(struct cfg_state *s, const char *list_path)
{
	struct ly_set *set = NULL;
	const struct lysc_node *list = NULL;

	if (lys_find_xpath(s->ctx, NULL, list_path, 0, &set) == LY_SUCCESS && set->count == 1 &&
	    set->snodes[0]->nodetype == LYS_LIST)
		list = set->snodes[0];
	ly_set_free(set, NULL);
	ly_err_clean(s->ctx, NULL);
	return list;
}

char *cfg_state_table(struct cfg_state *s, const char *list_path)
{
	struct table t = { 0 };
	const struct lysc_node *list;
	struct ly_set *inst = NULL;
	const char **hdr = NULL;
	char *buf = NULL;
	size_t len;
	FILE *f;

	if (!under_state(list_path) || (list = list_schema(s, list_path)) == NULL)
		return NULL;
	if (lyd_find_xpath(s->root, list_path, &inst) != LY_SUCCESS) {
		ly_fail_at(s, list_path);
		return NULL;
	}
	if (table_columns(&t, list) < 0 || table_rows(&t, inst, list) < 0 ||
	    (hdr = calloc(t.n_cols + 1, sizeof(*hdr))) == NULL)
		goto out;
	for (unsigned k = 0; k < t.n_cols; k++)
		hdr[k] = t.cols[k]->name;
	if ((f = open_memstream(&buf, &len)) == NULL)
		goto out;
	table_line(f, &t, hdr);
	for (unsigned r = 0; r < t.n_rows; r++)
		table_line(f, &t, &t.cells[(size_t)r * t.n_cols]);
	if (fclose(f) != 0) {
		free(buf);
		buf = NULL;
	}
out:
	free(hdr);
	table_free(&t);
	ly_set_free(inst, NULL);
	return buf;
}
