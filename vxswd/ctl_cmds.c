/* vxswctl commands: show, runtime configuration changes, clear. */
#include "ctl_cmds.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_yang.h"
#include "ctl_show.h"
#include "dp_ctrl.h"

#define ERRLEN 512

static int reply_msg(char **reply, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reply_msg(char **reply, int rc, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	*reply = m;
	return rc;
}

/* Set the editor's error message; returns -1. */
static int fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ERRLEN, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Grow an array by one zeroed element; returns it or NULL. */
static void *push(void **arr, unsigned *n, size_t esize)
{
	char *p = realloc(*arr, (*n + 1) * esize);

	if (p == NULL)
		return NULL;
	memset(p + *n * esize, 0, esize);
	*arr = p;
	return p + (*n)++ * esize;
}

static void remove_at(void *arr, unsigned *n, size_t esize, unsigned i)
{
	char *p = arr;

	memmove(p + i * esize, p + (i + 1) * esize, (*n - i - 1) * esize);
	(*n)--;
}

static struct cfg_vni *vni_mut(struct cfg *c, uint32_t id)
{
	return (struct cfg_vni *)cfg_vni_by_id(c, id);
}

static struct cfg_port *port_mut(struct cfg *c, const char *name)
{
	return (struct cfg_port *)cfg_port_by_name(c, name);
}

/* Each editor changes next (a copy of the running config) or explains why not. */

static int edit_vni(struct cfg *next, bool add, int argc, char **argv, char *err)
{
	uint32_t id, v;
	struct cfg_vni *vn;

	if (argc < 1 || parse_u32(argv[0], &id) != 0)
		return fail(err, "usage: add|del vni ID [learning on|off] [mac-limit N]");
	vn = vni_mut(next, id);
	if (!add) {
		if (vn == NULL)
			return fail(err, "VNI %u is not configured", id);
		free(vn->flood);
		remove_at(next->vnis, &next->n_vnis, sizeof(*vn), (unsigned)(vn - next->vnis));
		return 0;
	}
	if (vn == NULL) {
		vn = push((void **)&next->vnis, &next->n_vnis, sizeof(*vn));
		if (vn == NULL)
			return fail(err, "out of memory");
		vn->id = id;
		vn->learning = true;
	}
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return fail(err, "%s needs a value", argv[i]);
		if (strcmp(argv[i], "learning") == 0 &&
		    (strcmp(argv[i + 1], "on") == 0 || strcmp(argv[i + 1], "off") == 0))
			vn->learning = strcmp(argv[i + 1], "on") == 0;
		else if (strcmp(argv[i], "mac-limit") == 0 && parse_u32(argv[i + 1], &v) == 0)
			vn->mac_limit = v;
		else
			return fail(err, "bad option '%s %s'", argv[i], argv[i + 1]);
	}
	return 0;
}

static int edit_port(struct cfg *next, bool add, bool set, int argc, char **argv, char *err)
{
	struct cfg_port *p = argc > 0 ? port_mut(next, argv[0]) : NULL;
	uint32_t vid, vni;

	if (argc < 1)
		return fail(err, "usage: set port NAME access-vni ID | add|del port NAME vlan VID [vni ID]");
	if (p == NULL)
		return fail(err, "no port named '%s'", argv[0]);
	if (set) {
		if (argc != 3 || strcmp(argv[1], "access-vni") != 0 || parse_u32(argv[2], &vni) != 0)
			return fail(err, "usage: set port NAME access-vni ID");
		free(p->vlans);
		p->vlans = NULL;
		p->n_vlans = 0;
		p->mode = CFG_MODE_ACCESS;
		p->access_vni = vni;
		return 0;
	}
	if (argc < 3 || strcmp(argv[1], "vlan") != 0 || parse_u32(argv[2], &vid) != 0 ||
	    vid > UINT16_MAX)
		return fail(err, "usage: add|del port NAME vlan VID [vni ID]");
	for (unsigned i = 0; i < p->n_vlans; i++) {
		if (p->vlans[i].vlan != vid)
			continue;
		if (add)
			return fail(err, "port %s already maps VLAN %u", p->name, vid);
		remove_at(p->vlans, &p->n_vlans, sizeof(*p->vlans), i);
		return 0;
	}
	if (!add)
		return fail(err, "port %s does not map VLAN %u", p->name, vid);
	if (argc != 5 || strcmp(argv[3], "vni") != 0 || parse_u32(argv[4], &vni) != 0)
		return fail(err, "usage: add port NAME vlan VID vni ID");
	struct cfg_vlan_map *m = push((void **)&p->vlans, &p->n_vlans, sizeof(*m));
	if (m == NULL)
		return fail(err, "out of memory");
	*m = (struct cfg_vlan_map){ .vlan = (uint16_t)vid, .vni = vni };
	p->mode = CFG_MODE_TRUNK;
	p->access_vni = 0;
	return 0;
}

static int edit_flood(struct cfg *next, bool add, int argc, char **argv, char *err)
{
	struct cfg_vni *vn;
	struct vx_ip ip;
	uint32_t id;

	if (argc != 2 || parse_u32(argv[0], &id) != 0 || vx_ip_parse(argv[1], &ip) != 0)
		return fail(err, "usage: add|del flood VNI IP");
	vn = vni_mut(next, id);
	if (vn == NULL)
		return fail(err, "VNI %u is not configured", id);
	for (unsigned i = 0; i < vn->n_flood; i++) {
		if (!vx_ip_eq(&vn->flood[i], &ip))
			continue;
		if (add)
			return fail(err, "%s is already in VNI %u's flood list", argv[1], id);
		remove_at(vn->flood, &vn->n_flood, sizeof(ip), i);
		return 0;
	}
	if (!add)
		return fail(err, "%s is not in VNI %u's flood list", argv[1], id);
	struct vx_ip *slot = push((void **)&vn->flood, &vn->n_flood, sizeof(ip));
	if (slot == NULL)
		return fail(err, "out of memory");
	*slot = ip;
	return 0;
}

static int edit_fdb(struct cfg *next, bool add, int argc, char **argv, char *err)
{
	uint8_t mac[6];
	uint32_t vni;

	if (argc < 2 || parse_u32(argv[0], &vni) != 0 || vx_mac_parse(argv[1], mac) != 0)
		return fail(err, "usage: add fdb VNI MAC port NAME|remote IP; del fdb VNI MAC");
	for (unsigned i = 0; i < next->n_fdb; i++) {
		if (next->fdb[i].vni != vni || memcmp(next->fdb[i].mac, mac, 6) != 0)
			continue;
		if (add)
			return fail(err, "static entry %s in VNI %u exists", argv[1], vni);
		remove_at(next->fdb, &next->n_fdb, sizeof(next->fdb[0]), i);
		return 0;
	}
	if (!add)
		return fail(err, "no static entry %s in VNI %u", argv[1], vni);
	if (argc != 4 || (strcmp(argv[2], "port") != 0 && strcmp(argv[2], "remote") != 0))
		return fail(err, "usage: add fdb VNI MAC port NAME|remote IP");
	struct cfg_fdb_static *e = push((void **)&next->fdb, &next->n_fdb, sizeof(*e));
	if (e == NULL)
		return fail(err, "out of memory");
	e->vni = vni;
	memcpy(e->mac, mac, 6);
	if (strcmp(argv[2], "port") == 0)
		snprintf(e->port, sizeof(e->port), "%s", argv[3]);
	else if (vx_ip_parse(argv[3], &e->remote) != 0)
		return fail(err, "bad IP address '%s'", argv[3]);
	return 0;
}

/* Validate next exactly as a config file would be, then apply it. */
static int commit(struct dp_ctrl *c, const struct cfg *next, char *err)
{
	char *json = cfg_to_json(next);
	struct cfg checked;
	int rc;

	if (json == NULL) {
		/* Out-of-range values cannot even be printed: say which one. */
		if (cfg_validate(next, err, ERRLEN) == 0)
			fail(err, "cannot serialise the change");
		return -1;
	}
	cfg_init(&checked);
	rc = cfg_load_json(json, strlen(json), &checked, err, ERRLEN);
	free(json);
	if (rc == 0)
		rc = ctrl_apply(c, &checked, err, ERRLEN);
	cfg_free(&checked);
	return rc == 0 ? 0 : -1;
}

static int change(struct dp_ctrl *c, int argc, char **argv, char **reply)
{
	bool add = strcmp(argv[0], "add") == 0, set = strcmp(argv[0], "set") == 0;
	char err[ERRLEN] = "";
	struct cfg next;
	int rc;

	if (argc < 2)
		return reply_msg(reply, -1, "usage: %s vni|port|flood|fdb ...\n", argv[0]);
	if (cfg_copy(&next, &c->cfg) != 0)
		return reply_msg(reply, -1, "out of memory\n");
	if (strcmp(argv[1], "vni") == 0 && !set)
		rc = edit_vni(&next, add, argc - 2, argv + 2, err);
	else if (strcmp(argv[1], "port") == 0)
		rc = edit_port(&next, add, set, argc - 2, argv + 2, err);
	else if (strcmp(argv[1], "flood") == 0 && !set)
		rc = edit_flood(&next, add, argc - 2, argv + 2, err);
	else if (strcmp(argv[1], "fdb") == 0 && !set)
		rc = edit_fdb(&next, add, argc - 2, argv + 2, err);
	else
		rc = fail(err, "cannot %s '%s'", argv[0], argv[1]);
	if (rc == 0)
		rc = commit(c, &next, err);
	cfg_free(&next);
	return rc == 0 ? reply_msg(reply, 0, "applied\n") : reply_msg(reply, -1, "%s\n", err);
}

int ctl_cmds_handle(void *arg, int argc, char **argv, char **reply)
{
	struct dp_ctrl *c = arg;
	bool json = false;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(argv[0]));
			argc--;
			i--;
		}
	if (argc == 0)
		return reply_msg(reply, -1, "no command\n");
	if (strcmp(argv[0], "show") == 0 && argc == 2 && strcmp(argv[1], "config") == 0) {
		*reply = cfg_to_json(&c->cfg);
		return *reply != NULL ? 0 : reply_msg(reply, -1, "cannot print config\n");
	}
	if (strcmp(argv[0], "show") == 0 && argc == 3 && strcmp(argv[1], "team") == 0)
		return ctl_show(c, (const char *const[]){ "team", "team-members", NULL }, argv[2],
				json, reply);
	if (strcmp(argv[0], "show") == 0 && argc == 4 && strcmp(argv[1], "fdb") == 0 &&
	    strcmp(argv[2], "vni") == 0) {
		uint32_t vni;
		if (parse_u32(argv[3], &vni) != 0 || vni == 0)
			return reply_msg(reply, -1, "usage: show fdb [vni ID]\n");
		return ctl_show(c, (const char *const[]){ "fdb", NULL }, argv[3], json, reply);
	}
	if (strcmp(argv[0], "show") == 0 && argc == 2 && strcmp(argv[1], "evpn") == 0)
		return ctl_show(c, (const char *const[]){ "evpn", "evpn-vni", "evpn-mac",
								"evpn-neigh", NULL },
				NULL, json, reply);
	if (strcmp(argv[0], "show") == 0 && argc == 2)
		return ctl_show(c, (const char *const[]){ argv[1], NULL }, NULL, json, reply);
	if (strcmp(argv[0], "clear") == 0 && argc == 2 && strcmp(argv[1], "counters") == 0) {
		dp_stats_clear(&c->dp);
		return reply_msg(reply, 0, "counters cleared\n");
	}
	if (strcmp(argv[0], "add") == 0 || strcmp(argv[0], "del") == 0 ||
	    strcmp(argv[0], "set") == 0)
		return change(c, argc, argv, reply);
	return reply_msg(reply, -1, "unknown command '%s' (show, add, del, set, clear)\n", argv[0]);
}
