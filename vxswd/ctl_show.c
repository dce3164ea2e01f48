/* The "show" commands: operational state as vxsw YANG data, printed as a
 * table or JSON by cfg_state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_state.h"
#include "ctl_show.h"
#include "ctrl_evpn.h"
#include "dp_ctrl.h"
#include "evpn.h"
#include "evpn_frr.h"
#include "lacp.h"
#include "vgroup.h"
#include "vx_time.h"

#define S(...) cfg_state_setf(st, __VA_ARGS__)

static const char *const role_names[] = { "vm", "uplink", "host", "host-interface" };

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
		if (cfg_role_is_vm(p->role)) {
			S(p->mode == CFG_MODE_TRUNK ? "trunk" : "access",
			  "/vxsw:state/port[name='%s']/mode", n);
			if (p->mode == CFG_MODE_ACCESS && p->access_segment[0] != '\0')
				snprintf(vni, sizeof(vni), "segment %s", p->access_segment);
			else if (p->mode == CFG_MODE_ACCESS)
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

/* ips joined with commas into buf (cut short where it does not fit); the
 * length written, 0 for none. */
static size_t ips_join(const struct vx_ip *ips, unsigned n, char *buf, size_t len)
{
	char ip[VX_IP_STRLEN];
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "",
					vx_ip_str(&ips[i], ip, sizeof(ip)));
	return off < len ? off : len - 1;
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
		const uint16_t *extra = NULL;
		unsigned n_extra = ctrl_evpn_flood(c, bd, &extra);

		off = ips_join(v->flood, v->n_flood, flood, sizeof(flood));
		/* VTEPs from EVPN type-3 routes, marked as such */
		for (unsigned f = 0; f < n_extra && off < sizeof(flood); f++)
			if (extra[f] < c->n_vteps)
				off += (size_t)snprintf(flood + off, sizeof(flood) - off, "%s%s(evpn)",
							off ? "," : "",
							vx_ip_str(&c->vteps[extra[f]].ip, ip, sizeof(ip)));
		/* the effective setting: EVPN VNIs never learn remote MACs from traffic */
		S(v->learning && !c->cfg.evpn.enabled ? "true" : "false",
		  "/vxsw:state/vni[id='%u']/learning", v->id);
		S(u64s(b, fdb_bd_count(c->fdb, bd)), "/vxsw:state/vni[id='%u']/mac-count", v->id);
		S(off ? flood : "-", "/vxsw:state/vni[id='%u']/flood", v->id);
		S(u64s(b, t->bd[bd].encap), "/vxsw:state/vni[id='%u']/encap-packets", v->id);
		S(u64s(b, t->bd[bd].decap), "/vxsw:state/vni[id='%u']/decap-packets", v->id);
		S(u64s(b, t->bd[bd].flood), "/vxsw:state/vni[id='%u']/flood-packets", v->id);
		S(u64s(b, t->bd[bd].drops), "/vxsw:state/vni[id='%u']/drops", v->id);
	}
}

#define FDB_SHOW_MAX 10000u

struct fdb_show {
	struct dp_ctrl *c;
	struct cfg_state *st;
	uint32_t now;
	uint32_t vni;    /**< 0 = all */
	uint32_t shown;
	bool segments;       /**< list segment MACs, not VNI ones */
};

static const char *segment_of_bd(const struct dp_ctrl *c, uint16_t bd)
{
	for (unsigned i = 0; i < c->cfg.n_segs; i++)
		if (dp_segment_key(&c->cfg, &c->cfg.segs[i]) == c->bd_vni[bd])
			return c->cfg.segs[i].name;
	return "?";
}

/* Entries of VLAN-backed segments go to their own list (show segment-macs);
 * show fdb keeps the VNI ones. */
static int show_segment_mac(struct fdb_show *fs, const struct fdb_entry_view *e, uint16_t bd,
			    const char *m)
{
	struct cfg_state *st = fs->st;
	struct dp_ctrl *c = fs->c;
	const char *seg = segment_of_bd(c, bd);
	bool up = e->r.dest == DP_DEST_UPLINK;
	char b[24];

	if (!fs->segments)
		return 0;
#define E(v, leaf) S(v, "/vxsw:state/segment-mac[segment='%s'][mac='%s']/" leaf, seg, m)
	E(up ? "uplink" : fdb_kind_name((enum fdb_kind)e->r.kind), "kind");
	for (unsigned i = 0; up && i < c->cfg.n_segs; i++)
		if (strcmp(c->cfg.segs[i].name, seg) == 0)
			E(c->cfg.segs[i].team, "port");
	if (!up)
		E(e->r.dest < c->cfg.n_ports ? c->cfg.ports[e->r.dest].name : "?", "port");
	if (e->r.kind == FDB_KIND_LOCAL)
		E(u64s(b, fs->now >= e->last_seen_s ? fs->now - e->last_seen_s : 0), "age");
#undef E
	return 0;
}

/* A remote entry's VTEP, or the VTEPs of the multihomed segment it names
 * (space-separated) and FRR's nexthop group id. */
static void show_remote_dest(struct cfg_state *st, struct dp_ctrl *c, uint32_t dest, uint32_t vni,
			     const char *m)
{
	const struct vgroup_def *g = ctrl_evpn_group(c, dest);
	char list[VGROUP_MAX_VTEPS * (VX_IP_STRLEN + 1)] = "", ip[VX_IP_STRLEN], b[24];
	size_t used = 0;

#define E(v, leaf) S(v, "/vxsw:state/fdb/entry[vni='%u'][mac='%s']/" leaf, vni, m)
	if (g == NULL) {
		E(dest < c->n_vteps ? vx_ip_str(&c->vteps[dest].ip, ip, sizeof(ip)) : "?",
		  "remote-vtep");
		return;
	}
	for (unsigned k = 0; k < g->n && g->vtep[k] < c->n_vteps; k++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", k ? " " : "",
					 vx_ip_str(&c->vteps[g->vtep[k]].ip, ip, sizeof(ip)));
	E(list, "remote-vtep");
	E(u64s(b, g->nhg), "nexthop-group");
#undef E
}

static int show_fdb_entry(void *arg, const struct fdb_entry_view *e)
{
	struct fdb_show *fs = arg;
	struct cfg_state *st = fs->st;
	struct dp_ctrl *c = fs->c;
	uint16_t bd = fdb_key_bd(e->key);
	uint8_t mac[6];
	char m[18], b[24];
	uint32_t vni = bd < FDB_BD_MAX ? c->bd_vni[bd] : 0;

	if (fs->segments && !dp_bd_key_is_seg(vni))
		return 0;
	if (fs->vni != 0 && vni != fs->vni)
		return 0;
	if (fs->shown == FDB_SHOW_MAX)
		return 1; /* enough: the rest is counted, not listed */
	fs->shown++;
	fdb_key_mac(e->key, mac);
	vx_mac_str(mac, m, sizeof(m));
	if (dp_bd_key_is_seg(vni))
		return show_segment_mac(fs, e, bd, m);
#define E(v, leaf) S(v, "/vxsw:state/fdb/entry[vni='%u'][mac='%s']/" leaf, vni, m)
	E(fdb_kind_name((enum fdb_kind)e->r.kind), "kind");
	if (fdb_kind_is_remote((enum fdb_kind)e->r.kind))
		show_remote_dest(st, c, e->r.dest, vni, m);
	else
		E(e->r.dest < c->cfg.n_ports ? c->cfg.ports[e->r.dest].name : "?", "port");
	if (e->r.kind == FDB_KIND_LOCAL || e->r.kind == FDB_KIND_REMOTE)
		E(u64s(b, fs->now >= e->last_seen_s ? fs->now - e->last_seen_s : 0), "age");
#undef E
	return 0;
}

static void show_fdb(struct dp_ctrl *c, struct cfg_state *st, uint32_t vni)
{
	struct fdb_show fs = { .c = c, .st = st, .now = vx_now_s(), .vni = vni };
	struct fdb_stats s;
	char b[24];

	fdb_get_stats(c->fdb, &s);
	S(u64s(b, s.entries), "/vxsw:state/fdb/entries");
	S(u64s(b, s.max_entries), "/vxsw:state/fdb/max-entries");
	fdb_walk(c->fdb, show_fdb_entry, &fs);
	S(u64s(b, fs.shown), "/vxsw:state/fdb/shown");
}

static void show_segment_macs(struct dp_ctrl *c, struct cfg_state *st)
{
	struct fdb_show fs = { .c = c, .st = st, .now = vx_now_s(), .segments = true };

	fdb_walk(c->fdb, show_fdb_entry, &fs);
}

static const char *limit_str(const struct cfg_rate_limit *l, char *buf, size_t len)
{
	if (l->average_kbps == 0)
		return "-";
	if (l->peak_kbps != 0)
		snprintf(buf, len, "%u/%u kbit/s, burst %u", l->average_kbps, l->peak_kbps, l->burst);
	else
		snprintf(buf, len, "%u kbit/s, burst %u", l->average_kbps, l->burst);
	return buf;
}

/* Ports bound to a VNI (vni != 0) or a segment, as "a,b,c". */
static const char *bound_ports(const struct cfg *cfg, uint32_t vni, const char *seg, char *buf,
			       size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < cfg->n_ports && off < len; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		bool in = vni ? p->access_vni == vni : strcmp(p->access_segment, seg) == 0;

		for (unsigned v = 0; !in && v < p->n_vlans; v++)
			in = vni ? p->vlans[v].vni == vni : strcmp(p->vlans[v].segment, seg) == 0;
		if (in && cfg_role_is_vm(p->role))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "", p->name);
	}
	return off ? buf : "-";
}

static void show_one_segment(struct dp_ctrl *c, struct cfg_state *st,
			     const struct dp_lcore_stats *t, const char *name, uint16_t bd,
			     const struct cfg_rate_limit *l)
{
	char b[96];

#define G(v, leaf) S(v, "/vxsw:state/segment[name='%s']/" leaf, name)
	G(u64s(b, fdb_bd_count(c->fdb, bd)), "mac-count");
	G(limit_str(l, b, sizeof(b)), "rate-limit");
	G(u64s(b, t->bd[bd].meter[DP_GREEN]), "green");
	G(u64s(b, t->bd[bd].meter[DP_YELLOW]), "yellow");
	G(u64s(b, t->bd[bd].meter[DP_RED]), "red");
	G(u64s(b, t->bd[bd].drops), "drops");
#undef G
}

static void show_segments(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t)
{
	const char *under = c->n_teams ? c->teams[c->underlay_team].name : "-";
	char name[24], b[256];

	for (unsigned i = 0; i < c->cfg.n_vnis; i++) {
		const struct cfg_vni *v = &c->cfg.vnis[i];
		uint16_t bd = ctrl_bd_of_vni(c, v->id);

		if (bd == DP_NO_BD)
			continue;
		snprintf(name, sizeof(name), "vni:%u", v->id);
#define G(v, leaf) S(v, "/vxsw:state/segment[name='%s']/" leaf, name)
		G("overlay", "kind");
		G(u64s(b, v->id), "vni");
		G(under, "team");
		G(bound_ports(&c->cfg, v->id, NULL, b, sizeof(b)), "ports");
#undef G
		show_one_segment(c, st, t, name, bd, &v->limit);
	}
	for (unsigned i = 0; i < c->cfg.n_segs; i++) {
		const struct cfg_segment *g = &c->cfg.segs[i];
		uint16_t bd = ctrl_bd_of_vni(c, dp_segment_key(&c->cfg, g));

		if (bd == DP_NO_BD)
			continue;
#define G(v, leaf) S(v, "/vxsw:state/segment[name='%s']/" leaf, g->name)
		G("vlan", "kind");
		G(g->vlan ? u64s(b, g->vlan) : "untagged", "vlan");
		G(g->team, "team");
		G(bound_ports(&c->cfg, 0, g->name, b, sizeof(b)), "ports");
#undef G
		show_one_segment(c, st, t, g->name, bd, &g->limit);
	}
}

static void show_limits(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t)
{
	char b[96];

	for (uint16_t i = 0; i < c->cfg.n_ports; i++) {
		const struct cfg_port *p = &c->cfg.ports[i];
		const struct dp_port_stats *ps = &t->port[i];

		if (!cfg_role_is_vm(p->role))
			continue;
#define L(v, leaf) S(v, "/vxsw:state/port-limit[name='%s']/" leaf, p->name)
		L(limit_str(&p->limit, b, sizeof(b)), "rate-limit");
		L(u64s(b, ps->meter[DP_GREEN]), "green");
		L(u64s(b, ps->meter[DP_YELLOW]), "yellow");
		L(u64s(b, ps->meter[DP_RED]), "red");
		snprintf(b, sizeof(b), "%u/%u/%u", p->storm.broadcast, p->storm.multicast,
			 p->storm.unknown_unicast);
		L(b, "storm-control");
		L(u64s(b, ps->storm_drops[DP_STORM_BCAST]), "broadcast-dropped");
		L(u64s(b, ps->storm_drops[DP_STORM_MCAST]), "multicast-dropped");
		L(u64s(b, ps->storm_drops[DP_STORM_UNKNOWN]), "unknown-unicast-dropped");
#undef L
	}
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
		R(v->resolved && v->team < c->n_teams ? c->teams[v->team].name : "-", "uplink");
		R(u64s(b, t->vtep[i].tx_packets), "tx-packets");
#undef R
	}
}

static const char *party_str(const struct lacp_party *p, char *buf, size_t len)
{
	char st[64], mac[18];

	snprintf(buf, len, "%u,%s key %u port %u,%u %s", p->system_priority,
		 vx_mac_str(p->system, mac, sizeof(mac)), p->key, p->port_priority, p->port,
		 lacp_state_str(p->state, st, sizeof(st)));
	return buf;
}

static void team_member_names(const struct dp_ctrl *c, const struct ctrl_team *t, uint32_t mask,
			      char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned m = 0; m < t->n_members && off < len; m++)
		if (mask & (1u << m))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "",
						c->cfg.ports[t->members[m]].name);
	if (off == 0)
		snprintf(buf, len, "-");
}

static void show_team_member(struct dp_ctrl *c, struct cfg_state *st, const struct ctrl_team *t,
			     unsigned m, const struct dp_lcore_stats *tot, uint64_t now_ns)
{
	uint16_t port = t->members[m];
	const char *n = c->cfg.ports[port].name;
	struct lacp_member_info mi;
	char b[96];

#define M(v, leaf) S(v, "/vxsw:state/team-member[port='%s']/" leaf, n)
	M(t->name, "team");
	M(t->link_mask & (1u << m) ? "up" : "down", "link");
	M(t->active_mask & (1u << m) ? "yes" : "no", "distributing");
	M(u64s(b, tot->port[port].rx_packets), "rx-packets");
	M(u64s(b, tot->port[port].tx_packets), "tx-packets");
	if (t->lacp == NULL || lacp_member_info(t->lacp, m, &mi) != 0)
		return;
	M(mi.selected ? "yes" : (mi.not_selected_why ? mi.not_selected_why : "no"), "selected");
	M(mi.mux_name, "mux");
	M(mi.rx_name, "receive");
	M(mi.periodic_name, "periodic");
	M(party_str(&mi.actor, b, sizeof(b)), "actor");
	M(party_str(&mi.partner, b, sizeof(b)), "partner");
	M(u64s(b, mi.lacpdu_rx), "lacpdu-rx");
	M(u64s(b, mi.stats.lacpdu_tx), "lacpdu-tx");
	M(u64s(b, mi.malformed), "malformed");
	M(u64s(b, mi.marker_rx), "marker-rx");
	if (mi.last_change_ns != 0) {
		snprintf(b, sizeof(b), "%.1f", (double)(now_ns - mi.last_change_ns) / 1e9);
		M(b, "last-change");
		M(mi.last_change_why ? mi.last_change_why : "-", "why");
	}
#undef M
}

static void show_team(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *tot,
		      const char *only, bool members)
{
	uint64_t now_ns = vx_now_ns();
	char b[160];

	for (uint16_t i = 0; i < c->n_teams; i++) {
		const struct ctrl_team *t = &c->teams[i];
		const char *n = t->name;

		if (only != NULL && strcmp(only, n) != 0)
			continue;
		if (members) {
			for (unsigned m = 0; m < t->n_members; m++)
				show_team_member(c, st, t, m, tot, now_ns);
			continue;
		}
#define T(v, leaf) S(v, "/vxsw:state/team[name='%s']/" leaf, n)
		T(t->implicit ? "single" : cfg_team_mode_name(t->mode), "mode");
		T(cfg_hash_policy_name(t->hash), "hash-policy");
		team_member_names(c, t, UINT32_MAX, b, sizeof(b));
		T(b, "members");
		team_member_names(c, t, t->active_mask, b, sizeof(b));
		T(b, "active");
		if (t->lacp != NULL) {
			struct lacp_team_info ti;
			char mac[18];
			lacp_team_info(t->lacp, &ti);
			snprintf(b, sizeof(b), "%u,%s key %u", ti.partner_system_priority,
				 vx_mac_str(ti.partner_system, mac, sizeof(mac)), ti.partner_key);
			T(ti.aggregator_bound ? b : "-", "partner");
		}
		snprintf(b, sizeof(b), "%.1f", (double)(now_ns - t->changed_ns) / 1e9);
		T(t->changed_ns ? b : "-", "last-change");
		T(t->why, "why");
#undef T
	}
}

struct evpn_show_ctx {
	struct cfg_state *st;
	const struct evpn_frr_mac *frr;  /**< FRR's MACs, sorted */
	int n_frr;                       /**< < 0: FRR not asked or not answering */
};

/* What FRR's zebra says of the MAC: sequence numbers, duplicate detection. */
static void evpn_show_frr(const struct evpn_show_ctx *x, const struct evpn_mac_view *v,
			  const char *m)
{
	struct cfg_state *st = x->st;
	const struct evpn_frr_mac *f = ctrl_evpn_frr_find(x->frr, x->n_frr, v->vni, v->mac);
	char b[24];

#define E(val, leaf) S(val, "/vxsw:state/evpn-mac[vni='%u'][mac='%s']/" leaf, v->vni, m)
	if (x->n_frr < 0) {
		E("unknown", "frr");
		return;
	}
	if (f == NULL) {
		E("absent", "frr");
		return;
	}
	E(u64s(b, f->local_seq), "local-seq");
	E(u64s(b, f->remote_seq), "remote-seq");
	E(u64s(b, f->moves), "moves");
	E(f->duplicate ? "duplicate" : "ok", "frr");
#undef E
}

static int evpn_show_mac(void *arg, const struct evpn_mac_view *v, const char *port)
{
	struct evpn_show_ctx *x = arg;
	struct cfg_state *st = x->st;
	char m[18], vteps[256];
	size_t off = 0;

	vx_mac_str(v->mac, m, sizeof(m));
	off = ips_join(v->vteps, v->n_vteps, vteps, sizeof(vteps));
#define E(val, leaf) S(val, "/vxsw:state/evpn-mac[vni='%u'][mac='%s']/" leaf, v->vni, m)
	E(v->origin == EVPN_LOCAL ? "local" : "remote", "origin");
	E(port[0] ? port : "-", "port");
	E(off ? vteps : "-", "vteps");
	E(v->dup ? "duplicate" : v->held ? "held" : v->in_kernel ? "in-kernel" : "-", "state");
#undef E
	evpn_show_frr(x, v, m);
	return 0;
}

static int evpn_show_vni(void *arg, const struct evpn_vni_view *v)
{
	struct cfg_state *st = ((struct evpn_show_ctx *)arg)->st;
	char flood[512], b[24];
	size_t off = 0;

	off = ips_join(v->flood, v->n_flood, flood, sizeof(flood));
#define E(val, leaf) S(val, "/vxsw:state/evpn-vni[vni='%u']/" leaf, v->vni)
	E(u64s(b, v->local_macs), "local-macs");
	E(u64s(b, v->remote_macs), "remote-macs");
	E(u64s(b, v->local_neighs), "local-neighs");
	E(u64s(b, v->remote_neighs), "remote-neighs");
	E(u64s(b, v->held), "held");
	E(off ? flood : "-", "flood");
#undef E
	return 0;
}

static int evpn_show_neigh(void *arg, const struct evpn_neigh_view *v)
{
	struct cfg_state *st = ((struct evpn_show_ctx *)arg)->st;
	char ip[VX_IP_STRLEN], m[18];

	vx_ip_str(&v->ip, ip, sizeof(ip));
#define E(val, leaf) S(val, "/vxsw:state/evpn-neigh[vni='%u'][ip='%s']/" leaf, v->vni, ip)
	E(vx_mac_str(v->mac, m, sizeof(m)), "mac");
	E(v->origin == EVPN_LOCAL ? "local" : "remote", "origin");
	E(v->held ? "held" : v->in_kernel ? "in-kernel" : "-", "state");
#undef E
	return 0;
}

static void show_evpn(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t,
		      const char *part)
{
	char line[256], b[24];

	if (strcmp(part, "evpn") == 0) {
		ctrl_evpn_status(c, line, sizeof(line));
		S(line, "/vxsw:state/evpn/status");
		S(u64s(b, t->nd_suppressed), "/vxsw:state/evpn/arp-nd-suppressed");
		S(u64s(b, t->nd_snooped), "/vxsw:state/evpn/neigh-snooped");
		return;
	}
	if (strcmp(part, "evpn-mac") == 0) {
		struct evpn_frr_mac *frr = NULL;
		struct evpn_show_ctx x = { .st = st, .n_frr = -1 };

		if (c->evpn != NULL) {
			x.n_frr = ctrl_evpn_frr_macs(c, &frr, line, sizeof(line));
			x.frr = frr;
			if (line[0] != '\0')
				S(line, "/vxsw:state/evpn/frr-query");
		}
		ctrl_evpn_show(c, NULL, evpn_show_mac, NULL, &x);
		free(frr);
		return;
	}
	if (strcmp(part, "evpn-vni") == 0)
		ctrl_evpn_show(c, evpn_show_vni, NULL, NULL, &(struct evpn_show_ctx){ .st = st });
	else
		ctrl_evpn_show(c, NULL, NULL, evpn_show_neigh, &(struct evpn_show_ctx){ .st = st });
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

static const struct view {
	const char *what, *list, *subtree;
} views[] = {
	{ "ports", "/vxsw:state/port", "/vxsw:state/port" },
	{ "vni", "/vxsw:state/vni", "/vxsw:state/vni" },
	{ "fdb", "/vxsw:state/fdb/entry", "/vxsw:state/fdb" },
	{ "vtep", "/vxsw:state/vtep/remote", "/vxsw:state/vtep" },
	{ "counters", "/vxsw:state/counter", "/vxsw:state/counter" },
	{ "drops", "/vxsw:state/drop", "/vxsw:state/drop" },
	{ "team", "/vxsw:state/team", "/vxsw:state/team" },
	{ "team-members", "/vxsw:state/team-member", "/vxsw:state/team-member" },
	{ "evpn", NULL, "/vxsw:state/evpn" },
	{ "evpn-vni", "/vxsw:state/evpn-vni", "/vxsw:state/evpn-vni" },
	{ "evpn-mac", "/vxsw:state/evpn-mac", "/vxsw:state/evpn-mac" },
	{ "evpn-neigh", "/vxsw:state/evpn-neigh", "/vxsw:state/evpn-neigh" },
	{ "segments", "/vxsw:state/segment", "/vxsw:state/segment" },
	{ "segment-macs", "/vxsw:state/segment-mac", "/vxsw:state/segment-mac" },
	{ "limits", "/vxsw:state/port-limit", "/vxsw:state/port-limit" },
};
#define N_VIEWS (sizeof(views) / sizeof(views[0]))

static const struct view *find_view(const char *what)
{
	for (unsigned v = 0; v < N_VIEWS; v++)
		if (strcmp(views[v].what, what) == 0)
			return &views[v];
	return NULL;
}

static void fill(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t,
		 const struct view *v, const char *arg)
{
	const char *w = v->what;

	if (strcmp(w, "ports") == 0)
		show_ports(c, st, t);
	else if (strcmp(w, "vni") == 0)
		show_vni(c, st, t);
	else if (strcmp(w, "fdb") == 0)
		show_fdb(c, st, arg ? (uint32_t)strtoul(arg, NULL, 10) : 0);
	else if (strcmp(w, "vtep") == 0)
		show_vtep(c, st, t);
	else if (strcmp(w, "counters") == 0)
		show_counters(c, st, t);
	else if (strcmp(w, "drops") == 0)
		show_drops(st, t);
	else if (strcmp(w, "team") == 0 || strcmp(w, "team-members") == 0)
		show_team(c, st, t, arg, strcmp(w, "team-members") == 0);
	else if (strcmp(w, "segments") == 0)
		show_segments(c, st, t);
	else if (strcmp(w, "segment-macs") == 0)
		show_segment_macs(c, st);
	else if (strcmp(w, "limits") == 0)
		show_limits(c, st, t);
	else
		show_evpn(c, st, t, w);
}

/* The text of one view: an aligned table, with what a table cannot say. */
static char *view_text(struct dp_ctrl *c, struct cfg_state *st, const struct dp_lcore_stats *t,
		       const struct view *v)
{
	char *text = NULL;

	if (v->list == NULL) {
		/* the EVPN container: one "leaf: value" line each */
		char status[256];
		ctrl_evpn_status(c, status, sizeof(status));
		if (asprintf(&text, "status: %s\narp-nd-suppressed: %llu\nneigh-snooped: %llu\n",
			     status, (unsigned long long)t->nd_suppressed,
			     (unsigned long long)t->nd_snooped) < 0)
			text = NULL;
		return text;
	}
	text = cfg_state_table(st, v->list);
	if (text != NULL && strcmp(v->what, "fdb") == 0) {
		/* one summary line under the FDB table */
		struct fdb_stats s;
		char *withsum = NULL;
		unsigned lines = 0;

		fdb_get_stats(c->fdb, &s);
		for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
			lines++;
		if (asprintf(&withsum, "%s%u entries (max %u)%s\n", text, s.entries, s.max_entries,
			     lines > FDB_SHOW_MAX && s.entries > FDB_SHOW_MAX
				     ? ", first 10000 listed: narrow with a VNI" : "") >= 0) {
			free(text);
			text = withsum;
		}
	}
	return text;
}

int ctl_show(struct dp_ctrl *c, const char *const *parts, const char *arg, bool json, char **reply)
{
	struct dp_lcore_stats *t = malloc(sizeof(*t));
	struct cfg_state *st = cfg_state_new();
	const struct view *one = NULL;
	char *out = NULL;
	int rc = -1;

	*reply = NULL;
	if (t == NULL || st == NULL) {
		*reply = strdup("out of memory\n");
		goto done;
	}
	dp_stats_read(&c->dp, t);
	for (const char *const *p = parts; *p != NULL; p++) {
		const struct view *v = find_view(*p);
		if (v == NULL) {
			*reply = strdup("show what? ports|vni|fdb|vtep|team|team-members|evpn|counters|"
					"drops|config\n");
			goto done;
		}
		fill(c, st, t, v, arg);
		one = p == parts ? v : NULL;
	}
	if (cfg_state_errmsg(st)[0] != '\0') {
		if (asprintf(reply, "internal error building state: %s\n", cfg_state_errmsg(st)) < 0)
			*reply = NULL;
		goto done;
	}
	if (json) {
		/* one document: the view's subtree, or everything filled */
		out = cfg_state_json(st, one != NULL ? one->subtree : NULL);
	} else {
		out = strdup("");
		for (const char *const *p = parts; *p != NULL && out != NULL; p++) {
			char *text = view_text(c, st, t, find_view(*p)), *joined = NULL;
			if (text != NULL && asprintf(&joined, "%s%s%s", out, out[0] ? "\n" : "", text) < 0)
				joined = NULL;
			free(text);
			free(out);
			out = joined;
		}
	}
	*reply = out;
	rc = out != NULL ? 0 : -1;
done:
	cfg_state_free(st);
	free(t);
	return rc;
}
