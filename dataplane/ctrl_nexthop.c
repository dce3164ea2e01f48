/* Next-hop resolution for remote VTEPs. See ctrl_nexthop.h. */
#include "ctrl_nexthop.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dp_ctrl.h"
#include "nl_decode.h"
#include "nl_sock.h"
#include "vx_log.h"

/* The kernel interface a port's devargs name (an "iface=" argument, not
 * rx_iface= or text inside a file name), or "" if none. */
static void devargs_iface(const char *devargs, char *out, size_t len)
{
	const char *p = strstr(devargs, ",iface=");

	out[0] = '\0';
	if (p != NULL) {
		p += strlen(",iface=");
		snprintf(out, len, "%.*s", (int)strcspn(p, ","), p);
	}
}

/* Uplinks whose PMD sits on a kernel interface (af_packet, af_xdp) report
 * link up forever: their carrier comes from netlink instead. */
static void find_uplink_ifaces(struct dp_ctrl *c)
{
	for (unsigned i = 0; i < c->cfg.n_ports; i++) {
		char ifname[32];
		struct nl_link link;

		if (c->cfg.ports[i].role != CFG_ROLE_UPLINK)
			continue;
		devargs_iface(c->cfg.ports[i].devargs, ifname, sizeof(ifname));
		if (ifname[0] == '\0' || strchr(ifname, '/') != NULL ||
		    nl_link_get(ifname, &link) != 0)
			continue;
		c->port_ifindex[i] = link.ifindex;
		if (link.carrier_known)
			c->carrier[i] = link.carrier && link.admin_up;
	}
}

int ctrl_nexthop_init(struct dp_ctrl *c, char *msg, unsigned msglen)
{
	static const unsigned groups[] = { RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV4_ROUTE,
					   RTNLGRP_IPV6_ROUTE };
	struct nl_link link;
	int host = -1, rc;

	c->host_ifindex = -1;
	for (unsigned i = 0; i < c->cfg.n_ports; i++) {
		if (c->cfg.ports[i].role == CFG_ROLE_HOST)
			host = (int)i;
		if (c->cfg.ports[i].role == CFG_ROLE_UPLINK && host < 0)
			memcpy(c->src_mac, c->dp.ports[i].mac, 6);
	}
	rc = nl_sock_open(groups, sizeof(groups) / sizeof(groups[0]), &c->nl);
	if (rc != 0) {
		snprintf(msg, msglen, "cannot open a netlink socket: %s", strerror(-rc));
		return rc;
	}
	find_uplink_ifaces(c);
	if (host < 0)
		return 0; /* static next hops only; the outer source is the uplink's MAC */
	devargs_iface(c->cfg.ports[host].devargs, c->host_ifname, sizeof(c->host_ifname));
	if (c->host_ifname[0] == '\0')
		snprintf(c->host_ifname, sizeof(c->host_ifname), "dtap0"); /* DPDK's default */
	if (nl_link_get(c->host_ifname, &link) != 0) {
		snprintf(msg, msglen, "host port %s: no kernel interface '%s'",
			 c->cfg.ports[host].name, c->host_ifname);
		return -ENODEV;
	}
	c->host_ifindex = link.ifindex;
	if (link.has_mac)
		memcpy(c->src_mac, link.mac, 6);
	return 0;
}

void ctrl_nexthop_fini(struct dp_ctrl *c)
{
	if (c->nl != NULL)
		nl_sock_close(c->nl);
	c->nl = NULL;
}

int ctrl_nexthop_fd(const struct dp_ctrl *c)
{
	return c->nl != NULL ? nl_sock_fd(c->nl) : -1;
}

static const struct cfg_nexthop *static_nexthop(const struct cfg *cfg, const struct vx_ip *ip)
{
	for (unsigned i = 0; i < cfg->n_nexthops; i++)
		if (vx_ip_eq(&cfg->nexthops[i].vtep, ip))
			return &cfg->nexthops[i];
	return NULL;
}

static uint32_t team_hash(const uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t h = seed ^ 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static bool neigh_usable(const struct nl_neigh *n)
{
	return n->has_mac && !(n->state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NONE));
}

/* The outer destination MAC from the kernel; NULL-free "why" on failure. */
static const char *kernel_nexthop(struct dp_ctrl *c, const struct vx_ip *ip,
				  struct ctrl_vtep *m, uint8_t mac[6])
{
	struct nl_route rt;
	struct nl_neigh ne;

	if (c->host_ifindex < 0)
		return "no host port and no static next hop";
	if (nl_route_lookup(ip, &rt) != 0)
		return "no route to the VTEP in the host";
	if (rt.oif != c->host_ifindex)
		return "the host routes the VTEP via another interface";
	m->nh = vx_ip_is_set(&rt.gw) ? rt.gw : *ip;
	m->oif = rt.oif;
	if (nl_neigh_get(c->host_ifindex, &m->nh, &ne) == 0 && neigh_usable(&ne)) {
		memcpy(mac, ne.mac, 6);
		return NULL;
	}
	nl_neigh_resolve(c->host_ifindex, &m->nh);
	return "waiting for ARP/ND of the next hop";
}

void ctrl_resolve_vtep(struct dp_ctrl *c, uint16_t i)
{
	struct dp_vtep next = c->vteps[i];
	struct ctrl_vtep *m = &c->vmeta[i];
	const struct cfg_nexthop *nh = static_nexthop(&c->cfg, &next.ip);
	const struct vx_ip *local = next.ip.af == AF_INET ? &c->cfg.vtep.ip4 : &c->cfg.vtep.ip6;
	struct vtep_rewrite_params p = { .udp_port = c->cfg.vtep.udp_port, .ttl = c->cfg.vtep.ttl };
	int team = ctrl_team_for_port_name(c, nh != NULL ? nh->port : NULL);

	if (!vx_ip_is_set(&next.ip))
		return;
	next.resolved = false;
	m->static_nh = nh != NULL;
	if (!vx_ip_is_set(local)) {
		m->why = "no local VTEP address of this family";
	} else if (team < 0) {
		m->why = "no uplink";
	} else if (nh != NULL) {
		memcpy(p.dst_mac, nh->mac, 6);
		m->why = NULL;
	} else {
		m->why = kernel_nexthop(c, &next.ip, m, p.dst_mac);
	}
	if (m->why == NULL) {
		memcpy(p.src_mac, c->src_mac, 6);
		memcpy(m->nh_mac, p.dst_mac, 6);
		p.src_ip = *local;
		p.dst_ip = next.ip;
		next.team = (uint16_t)team;
		next.mtu = UINT16_MAX;
		for (unsigned k = 0; k < c->teams[team].n_members; k++)
			if (c->dp.ports[c->teams[team].members[k]].mtu < next.mtu)
				next.mtu = c->dp.ports[c->teams[team].members[k]].mtu;
		/* l2 and l2-l3 team hashes: fixed per VTEP (outer MACs, IPs) */
		next.hash_l2 = team_hash(p.dst_mac, 6, 0);
		next.hash_l2l3 = team_hash(next.ip.a, sizeof(next.ip.a), next.hash_l2);
		if (vtep_rewrite_init(&next.rw, &p) == 0)
			next.resolved = true;
		else
			m->why = "cannot build the outer header";
	}
	if (memcmp(&next, &c->vteps[i], sizeof(next)) != 0) {
		c->vteps[i] = next;
		c->dirty = true;
	}
}

void ctrl_resolve_all(struct dp_ctrl *c)
{
	for (uint16_t i = 0; i < c->n_vteps; i++)
		ctrl_resolve_vtep(c, i);
}

struct nl_poll {
	struct dp_ctrl *c;
	bool changed;
};

static int on_netlink(void *arg, const struct nl_msg *msg)
{
	struct nl_poll *np = arg;

	if (msg->kind == NL_LINK)
		ctrl_kernel_link(np->c, msg->link.ifindex,
				 !msg->link.deleted && msg->link.admin_up &&
				 (msg->link.carrier_known ? msg->link.carrier : msg->link.lower_up));
	if (msg->kind == NL_NEIGH || msg->kind == NL_ROUTE || msg->kind == NL_LINK)
		np->changed = true;
	return 0;
}

void ctrl_nexthop_poll(struct dp_ctrl *c, uint32_t now_s)
{
	struct nl_poll np = { .c = c };
	bool changed;

	if (c->nl != NULL && nl_sock_recv(c->nl, on_netlink, &np) == -ENOBUFS) {
		np.changed = true; /* overrun: we lost events, so re-read everything */
		find_uplink_ifaces(c);
	}
	changed = np.changed;
	if (changed) {
		ctrl_resolve_all(c);
	} else if (now_s != c->last_resolve_s) {
		/* Once a second, retry what is still unresolved (the kernel sends
		 * no event while a neighbour is INCOMPLETE). */
		c->last_resolve_s = now_s;
		for (uint16_t i = 0; i < c->n_vteps; i++)
			if (!c->vteps[i].resolved)
				ctrl_resolve_vtep(c, i);
	}
}
