/* The "show" commands: operational state as vxsw YANG data, printed as a
 * table or JSON by cfg_state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_state.h"
#include "ctl_show.h"
#include "dp_ctrl.h"
#include "vx_time.h"

#define S(...) cfg_state_setf(st, __VA_ARGS__)

static const char *const role_names[] = { "vm", "uplink", "host" };

static char *u64s(char *buf, uint64_t v)
{
	snprintf(buf, 24, "%llu", (unsigned long long)v);
	return buf;
}

static void show_ports(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t)
{
	char b[24], vni[64];

	if (dp_links_refresh(&c->dp))
		c->dirty = true; /* picked up by the next ctrl_poll() */
	for (uint16_t i = 0; i < c->cfg.n_ports; i++) {
		const struct cfg_port *p = &c->cfg.ports[i];
		const char *n = p->name;

		S(role_names[p->role], "/vxsw:state/port[name='%s']/role", n);
		S(u64s(b, c->dp.ports[i].eth_port), "/vxsw:state/port[name='%s']/port-id", n);
		S(c->dp.ports[i].link_up ? "up" : "down", "/vxsw:state/port[name='%s']/link", n);
		if (p->role == CFG_ROLE_VM) {
			S(p->mode == CFG_MODE_TRUNK ? "trunk" : "access",
			  "/vxsw:state/port[name='%s']/mode", n);
			if (p->mode == CFG_MODE_ACCESS)
				snprintf(vni, sizeof(vni), "%u", p->access_vni);
			else
				snprintf(vni, sizeof(vni), "%u vlans", p->n_vlans);
			S(vni, "/vxsw:state/port[name='%s']/vni", n);
		}
		S(u64s(b, t->port[i].rx_packets), "/vxsw:state/port[name='%s']/rx-packets", n);
		S(u64s(b, t->port[i].rx_bytes), "/vxsw:state/port[name='%s']/rx-bytes", n);
		S(u64s(b, t->port[i].tx_packets), "/vxsw:state/port[name='%s']/tx-packets", n);
		S(u64s(b, t->port[i].tx_bytes), "/vxsw:state/port[name='%s']/tx-bytes", n);
		S(u64s(b, t->port[i].drops), "/vxsw:state/port[name='%s']/drops", n);
		S(p->devargs, "/vxsw:state/port[name='%s']/devargs", n);
	}
}

static void show_vni(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t)
{
	char b[24];

	for (unsigned i = 0; i < c->cfg.n_vnis; i++) {
		const struct cfg_vni *v = &c->cfg.vnis[i];
		uint16_t bd = ctrl_bd_of_vni(c, v->id);
		char flood[512] = "", ip[VX_IP_STRLEN];
		size_t off = 0;

		if (bd == DP_NO_BD)
			continue;
		for (unsigned f = 0; f < v->n_flood && off < sizeof(flood); f++)
			off += (size_t)snprintf(flood + off, sizeof(flood) - off, "%s%s",
						f ? "," : "", vx_ip_str(&v->flood[f], ip, sizeof(ip)));
		S(v->learning ? "true" : "false", "/vxsw:state/vni[id='%u']/learning", v->id);
		S(u64s(b, fdb_bd_count(c->fdb, bd)), "/vxsw:state/vni[id='%u']/mac-count", v->id);
		S(off ? flood : "-", "/vxsw:state/vni[id='%u']/flood", v->id);
		S(u64s(b, t->bd[bd].encap), "/vxsw:state/vni[id='%u']/encap-packets", v->id);
		S(u64s(b, t->bd[bd].decap), "/vxsw:state/vni[id='%u']/decap-packets", v->id);
		S(u64s(b, t->bd[bd].flood), "/vxsw:state/vni[id='%u']/flood-packets", v->id);
		S(u64s(b, t->bd[bd].drops), "/vxsw:state/vni[id='%u']/drops", v->id);
	}
}

struct fdb_show {
	struct dp_ctrl *c;
	struct cfg_state *st;
	uint32_t now;
};

static int show_fdb_entry(void *arg, const struct fdb_entry_view *e)
{
	struct fdb_show *fs = arg;
	struct cfg_state *st = fs->st;
	struct dp_ctrl *c = fs->c;
	uint16_t bd = fdb_key_bd(e->key);
	uint8_t mac[6];
	char m[18], b[24], ip[VX_IP_STRLEN];
	uint32_t vni = bd < FDB_BD_MAX ? c->bd_vni[bd] : 0;

	fdb_key_mac(e->key, mac);
	vx_mac_str(mac, m, sizeof(m));
#define E(v, leaf) S(v, "/vxsw:state/fdb/entry[vni='%u'][mac='%s']/" leaf, vni, m)
	E(fdb_kind_name((enum fdb_kind)e->r.kind), "kind");
	if (fdb_kind_is_remote((enum fdb_kind)e->r.kind))
		E(e->r.dest < c->n_vteps ? vx_ip_str(&c->vteps[e->r.dest].ip, ip, sizeof(ip)) : "?",
		  "remote-vtep");
	else
		E(e->r.dest < c->cfg.n_ports ? c->cfg.ports[e->r.dest].name : "?", "port");
	if (e->r.kind == FDB_KIND_LOCAL || e->r.kind == FDB_KIND_REMOTE)
		E(u64s(b, fs->now >= e->last_seen_s ? fs->now - e->last_seen_s : 0), "age");
#undef E
	return 0;
}

static void show_fdb(struct dp_ctrl *c, struct cfg_state *st)
{
	struct fdb_show fs = { .c = c, .st = st, .now = vx_now_s() };
	struct fdb_stats s;
	char b[24];

	fdb_get_stats(c->fdb, &s);
	S(u64s(b, s.entries), "/vxsw:state/fdb/entries");
	S(u64s(b, s.max_entries), "/vxsw:state/fdb/max-entries");
	fdb_walk(c->fdb, show_fdb_entry, &fs);
}

static void show_vtep(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t)
{
	char ip[VX_IP_STRLEN], m[18], b[24];

	if (vx_ip_is_set(&c->cfg.vtep.ip4))
		S(vx_ip_str(&c->cfg.vtep.ip4, ip, sizeof(ip)), "/vxsw:state/vtep/local-ipv4");
	if (vx_ip_is_set(&c->cfg.vtep.ip6))
		S(vx_ip_str(&c->cfg.vtep.ip6, ip, sizeof(ip)), "/vxsw:state/vtep/local-ipv6");
	S(u64s(b, c->cfg.vtep.udp_port), "/vxsw:state/vtep/udp-port");
	for (uint16_t i = 0; i < c->n_vteps; i++) {
		const struct dp_vtep *v = &c->vteps[i];
		const struct ctrl_vtep *mt = &c->vmeta[i];
		char a[VX_IP_STRLEN];

		if (!vx_ip_is_set(&v->ip))
			continue;
		vx_ip_str(&v->ip, a, sizeof(a));
#define R(v, leaf) S(v, "/vxsw:state/vtep/remote[address='%s']/" leaf, a)
		R(v->resolved ? "true" : "false", "resolved");
		R(v->resolved ? vx_mac_str(mt->nh_mac, m, sizeof(m)) : (mt->why ? mt->why : "-"),
		  "nexthop-mac");
		R(v->resolved ? c->cfg.ports[v->uplink].name : "-", "uplink");
		R(u64s(b, t->vtep[i].tx_packets), "tx-packets");
#undef R
	}
}

static void show_counters(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t)
{
	char b[24];
	const struct {
		const char *name;
		uint64_t v;
	} rows[] = {
		{ "learn-events", t->learn_events },
		{ "punted-to-host", t->punted_host },
		{ "slow-protocol-rx", t->slowproto },
		{ "slow-protocol-unclaimed", c->slowproto_unclaimed },
		{ "learn-refused", c->learn_refused },
		{ "vtep-table-full", c->vtep_table_full },
		{ "snapshot-generation", c->generation },
	};

	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		S(u64s(b, rows[i].v), "/vxsw:state/counter[name='%s']/value", rows[i].name);
}

static void show_drops(struct cfg_state *st, const struct dp_lcore_stats *t)
{
	char b[24];

	for (unsigned d = 0; d < DP_DROP_COUNT; d++)
		if (d != DP_DROP_VTEP_OK)
			S(u64s(b, t->drop[d]), "/vxsw:state/drop[name='%s']/count",
			  dp_drop_name((enum dp_drop)d));
}

int ctl_show(struct dp_ctrl *c, const char *what, bool json, char **reply)
{
	static const struct {
		const char *what, *list, *subtree;
	} views[] = {
		{ "ports", "/vxsw:state/port", "/vxsw:state/port" },
		{ "vni", "/vxsw:state/vni", "/vxsw:state/vni" },
		{ "fdb", "/vxsw:state/fdb/entry", "/vxsw:state/fdb" },
		{ "vtep", "/vxsw:state/vtep/remote", "/vxsw:state/vtep" },
		{ "counters", "/vxsw:state/counter", "/vxsw:state/counter" },
		{ "drops", "/vxsw:state/drop", "/vxsw:state/drop" },
	};
	struct dp_lcore_stats *t = malloc(sizeof(*t));
	struct cfg_state *st = cfg_state_new();
	unsigned v;
	int rc = 0;

	for (v = 0; v < sizeof(views) / sizeof(views[0]); v++)
		if (strcmp(views[v].what, what) == 0)
			break;
	if (t == NULL || st == NULL || v == sizeof(views) / sizeof(views[0])) {
		*reply = strdup(t == NULL || st == NULL ? "out of memory\n"
							: "show what? ports|vni|fdb|vtep|counters|drops|config\n");
		rc = -1;
		goto out;
	}
	dp_stats_read(&c->dp, t);
	switch (v) {
	case 0: show_ports(c, st, t); break;
	case 1: show_vni(c, st, t); break;
	case 2: show_fdb(c, st); break;
	case 3: show_vtep(c, st, t); break;
	case 4: show_counters(c, st, t); break;
	default: show_drops(st, t); break;
	}
	if (cfg_state_errmsg(st)[0] != '\0') {
		char *m = NULL;
		if (asprintf(&m, "internal error building state: %s\n", cfg_state_errmsg(st)) < 0)
			m = NULL;
		*reply = m;
		rc = -1;
		goto out;
	}
	*reply = json ? cfg_state_json(st, views[v].subtree) : cfg_state_table(st, views[v].list);
	if (!json && v == 2 && *reply != NULL) {
		/* One summary line under the FDB table. */
		struct fdb_stats s;
		char *withsum = NULL;
		fdb_get_stats(c->fdb, &s);
		if (asprintf(&withsum, "%s%u entries (max %u)\n", *reply, s.entries,
			     s.max_entries) >= 0) {
			free(*reply);
			*reply = withsum;
		}
	}
out:
	cfg_state_free(st);
	free(t);
	return rc;
}
