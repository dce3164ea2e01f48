/* cfg_json: struct cfg -> libyang tree -> JSON instance data (cfg_to_json). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cfg_ctx.h"
#include "cfg_yang.h"

static LY_ERR leaf(struct lyd_node *parent, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static LY_ERR leaf(struct lyd_node *parent, const char *name, const char *fmt, ...)
{
	char val[CFG_DEVARGS_MAX + 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return lyd_new_term(parent, NULL, name, val, 0, NULL);
}

static LY_ERR leaf_ip(struct lyd_node *parent, const char *name, const struct vx_ip *ip)
{
	char b[VX_IP_STRLEN];

	if (!vx_ip_is_set(ip))
		return LY_SUCCESS;
	return leaf(parent, name, "%s", vx_ip_str(ip, b, sizeof(b)));
}

static LY_ERR build_head(struct lyd_node *top, const struct cfg *c)
{
	const struct cfg_global *g = &c->global;
	const struct cfg_vtep *t = &c->vtep;
	struct lyd_node *n;
	LY_ERR e;

	if ((e = lyd_new_inner(top, NULL, "global", 0, &n)) ||
	    (e = leaf(n, "workers", "%u", g->workers)) ||
	    (e = leaf(n, "fdb-max-entries", "%u", g->fdb_max)) ||
	    (e = leaf(n, "fdb-aging-time", "%u", g->aging_s)) ||
	    (e = leaf(n, "ctl-socket", "%.*s", CFG_PATH_MAX - 1, g->ctl_socket)) ||
	    (e = leaf(n, "mbufs", "%u", g->mbufs)))
		return e;
	if ((e = lyd_new_inner(top, NULL, "vtep", 0, &n)) ||
	    (e = leaf_ip(n, "local-ipv4", &t->ip4)) ||
	    (e = leaf_ip(n, "local-ipv6", &t->ip6)) ||
	    (e = leaf(n, "udp-port", "%u", t->udp_port)) ||
	    (e = leaf(n, "ttl", "%u", t->ttl)) ||
	    (e = leaf(n, "allow-inner-vlan", "%s", t->allow_inner_vlan ? "true" : "false")))
		return e;
	if (t->team[0] != '\0' && (e = leaf(n, "team", "%.*s", CFG_NAME_MAX - 1, t->team)))
		return e;
	if ((e = lyd_new_inner(top, NULL, "evpn", 0, &n)) ||
	    (e = leaf(n, "enabled", "%s", c->evpn.enabled ? "true" : "false")) ||
	    (e = leaf(n, "frr-rundir", "%.*s", CFG_PATH_MAX - 1, c->evpn.frr_rundir)) ||
	    (e = leaf(n, "grace-period", "%u", c->evpn.grace_s)) ||
	    (e = leaf(n, "keep-shadow", "%s", c->evpn.keep_shadow ? "true" : "false")) ||
	    (e = leaf(n, "arp-nd-suppress", "%s", c->evpn.suppress ? "true" : "false")))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build_limit(struct lyd_node *parent, const struct cfg_rate_limit *l)
{
	struct lyd_node *n;
	LY_ERR e;

	if (l->average_kbps == 0)
		return LY_SUCCESS;
	if ((e = lyd_new_inner(parent, NULL, "rate-limit", 0, &n)) ||
	    (e = leaf(n, "average-rate", "%u", l->average_kbps)) ||
	    (e = leaf(n, "burst-size", "%u", l->burst)))
		return e;
	if (l->peak_kbps != 0 && (e = leaf(n, "peak-rate", "%u", l->peak_kbps)))
		return e;
	if (l->peak_burst != 0 && (e = leaf(n, "peak-burst-size", "%u", l->peak_burst)))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build_storm(struct lyd_node *parent, const struct cfg_storm *st)
{
	struct lyd_node *n;
	LY_ERR e;

	if (st->broadcast == 0 && st->multicast == 0 && st->unknown_unicast == 0)
		return LY_SUCCESS;
	if ((e = lyd_new_inner(parent, NULL, "storm-control", 0, &n)) ||
	    (e = leaf(n, "broadcast", "%u", st->broadcast)) ||
	    (e = leaf(n, "multicast", "%u", st->multicast)) ||
	    (e = leaf(n, "unknown-unicast", "%u", st->unknown_unicast)))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build_port(struct lyd_node *top, const struct cfg_port *p)
{
	static const char *const roles[] = {
		[CFG_ROLE_VM] = "vm", [CFG_ROLE_UPLINK] = "uplink", [CFG_ROLE_HOST] = "host",
		[CFG_ROLE_HOST_IF] = "host-interface",
	};
	char name[CFG_NAME_MAX];
	struct lyd_node *n, *vl;
	LY_ERR e;

	if ((unsigned)p->role > CFG_ROLE_HOST_IF)
		return LY_EINVAL;
	snprintf(name, sizeof(name), "%.*s", CFG_NAME_MAX - 1, p->name);
	if ((e = lyd_new_list(top, NULL, "port", 0, &n, name)) ||
	    (e = leaf(n, "devargs", "%.*s", CFG_DEVARGS_MAX - 1, p->devargs)) ||
	    (e = leaf(n, "role", "%s", roles[p->role])))
		return e;
	/* mode means something on vm ports only; keep uplinks and hosts terse */
	if ((cfg_role_is_vm(p->role) || p->mode != CFG_MODE_ACCESS) &&
	    (e = leaf(n, "mode", "%s", p->mode == CFG_MODE_TRUNK ? "trunk" : "access")))
		return e;
	if (p->access_vni != 0 && (e = leaf(n, "access-vni", "%u", p->access_vni)))
		return e;
	if (p->access_segment[0] != '\0' &&
	    (e = leaf(n, "access-segment", "%.*s", CFG_NAME_MAX - 1, p->access_segment)))
		return e;
	for (unsigned i = 0; i < p->n_vlans; i++) {
		const struct cfg_vlan_map *m = &p->vlans[i];
		char id[8];

		snprintf(id, sizeof(id), "%u", m->vlan);
		if ((e = lyd_new_list(n, NULL, "vlan", 0, &vl, id)) ||
		    (e = m->segment[0] != '\0'
			     ? leaf(vl, "segment", "%.*s", CFG_NAME_MAX - 1, m->segment)
			     : leaf(vl, "vni", "%u", m->vni)))
			return e;
	}
	if ((e = leaf(n, "mtu", "%u", p->mtu)) || (e = leaf(n, "rx-queues", "%u", p->rx_queues)) ||
	    (e = build_limit(n, &p->limit)) || (e = build_storm(n, &p->storm)))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build_vni(struct lyd_node *top, const struct cfg_vni *v)
{
	struct lyd_node *n;
	char id[12];
	LY_ERR e;

	snprintf(id, sizeof(id), "%u", v->id);
	if ((e = lyd_new_list(top, NULL, "vni", 0, &n, id)) ||
	    (e = leaf(n, "learning", "%s", v->learning ? "true" : "false")) ||
	    (e = leaf(n, "mac-limit", "%u", v->mac_limit)) ||
	    (e = leaf(n, "flood-unknown-unicast", "%s", v->no_flood_unknown ? "false" : "true")))
		return e;
	for (unsigned i = 0; i < v->n_flood; i++)
		if ((e = leaf_ip(n, "flood-vtep", &v->flood[i])))
			return e;
	return build_limit(n, &v->limit);
}

static LY_ERR build_segment(struct lyd_node *top, const struct cfg_segment *g)
{
	char name[CFG_NAME_MAX];
	struct lyd_node *n;
	LY_ERR e;

	snprintf(name, sizeof(name), "%.*s", CFG_NAME_MAX - 1, g->name);
	if ((e = lyd_new_list(top, NULL, "vlan-segment", 0, &n, name)) ||
	    (e = leaf(n, "vlan", "%u", g->vlan)) ||
	    (e = leaf(n, "team", "%.*s", CFG_NAME_MAX - 1, g->team)) ||
	    (e = leaf(n, "learning", "%s", g->learning ? "true" : "false")) ||
	    (e = leaf(n, "mac-limit", "%u", g->mac_limit)))
		return e;
	return build_limit(n, &g->limit);
}

static LY_ERR build_team(struct lyd_node *top, const struct cfg_team *t)
{
	char name[CFG_NAME_MAX];
	struct lyd_node *n, *l;
	LY_ERR e;

	snprintf(name, sizeof(name), "%.*s", CFG_NAME_MAX - 1, t->name);
	if ((e = lyd_new_list(top, NULL, "team", 0, &n, name)) ||
	    (e = leaf(n, "mode", "%s", cfg_team_mode_name(t->mode))) ||
	    (e = leaf(n, "hash-policy", "%s", cfg_hash_policy_name(t->hash))) ||
	    (e = leaf(n, "failback", "%s", t->failback ? "true" : "false")))
		return e;
	for (unsigned i = 0; i < t->n_members && i < CFG_TEAM_MAX_MEMBERS; i++)
		if ((e = leaf(n, "member", "%.*s", CFG_NAME_MAX - 1, t->members[i])))
			return e;
	if ((e = lyd_new_inner(n, NULL, "lacp", 0, &l)) ||
	    (e = leaf(l, "mode", "%s", t->lacp_passive ? "passive" : "active")) ||
	    (e = leaf(l, "rate", "%s", t->lacp_slow ? "slow" : "fast")) ||
	    (e = leaf(l, "system-priority", "%u", t->lacp_sys_prio)) ||
	    (e = leaf(l, "port-priority", "%u", t->lacp_port_prio)))
		return e;
	if (t->lacp_key != 0 && (e = leaf(l, "key", "%u", t->lacp_key)))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build_nexthop(struct lyd_node *top, const struct cfg_nexthop *h)
{
	char ip[VX_IP_STRLEN], mac[18];
	struct lyd_node *n;
	LY_ERR e;

	if ((e = lyd_new_list(top, NULL, "nexthop", 0, &n, vx_ip_str(&h->vtep, ip, sizeof(ip)))) ||
	    (e = leaf(n, "mac", "%s", vx_mac_str(h->mac, mac, sizeof(mac)))))
		return e;
	if (h->port[0] != '\0' && (e = leaf(n, "port", "%.*s", CFG_NAME_MAX - 1, h->port)))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build_fdb(struct lyd_node *top, const struct cfg_fdb_static *f)
{
	char vni[12], mac[18];
	struct lyd_node *n;
	LY_ERR e;

	snprintf(vni, sizeof(vni), "%u", f->vni);
	if ((e = lyd_new_list(top, NULL, "static-fdb", 0, &n, vni,
			      vx_mac_str(f->mac, mac, sizeof(mac)))))
		return e;
	if (f->port[0] != '\0' && (e = leaf(n, "port", "%.*s", CFG_NAME_MAX - 1, f->port)))
		return e;
	if ((e = leaf_ip(n, "remote-vtep", &f->remote)))
		return e;
	return LY_SUCCESS;
}

static LY_ERR build(struct lyd_node *top, const struct cfg *c)
{
	LY_ERR e = build_head(top, c);

	for (unsigned i = 0; !e && i < c->n_ports; i++)
		e = build_port(top, &c->ports[i]);
	for (unsigned i = 0; !e && i < c->n_vnis; i++)
		e = build_vni(top, &c->vnis[i]);
	for (unsigned i = 0; !e && i < c->n_teams; i++)
		e = build_team(top, &c->teams[i]);
	for (unsigned i = 0; !e && i < c->n_segs; i++)
		e = build_segment(top, &c->segs[i]);
	for (unsigned i = 0; !e && i < c->n_nexthops; i++)
		e = build_nexthop(top, &c->nexthops[i]);
	for (unsigned i = 0; !e && i < c->n_fdb; i++)
		e = build_fdb(top, &c->fdb[i]);
	return e;
}

char *cfg_to_json(const struct cfg *c)
{
	struct ly_ctx *ctx = cfg_ctx_get(NULL, 0);
	struct lyd_node *top = NULL;
	char *out = NULL;

	if (ctx == NULL)
		return NULL;
	/* Every value is written out, defaults included: the text shows what
	 * the switch runs with, and reloading it gives the same struct. */
	if (lyd_new_inner(NULL, cfg_ctx_module(), "vxsw", 0, &top) != LY_SUCCESS ||
	    build(top, c) != LY_SUCCESS ||
	    lyd_print_mem(&out, top, LYD_JSON, LYD_PRINT_WITHSIBLINGS) != LY_SUCCESS) {
		free(out);
		out = NULL;
	}
	lyd_free_all(top);
	ly_err_clean(ctx, NULL);
	return out;
}
