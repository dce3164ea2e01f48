/* libFuzzer target for the EVPN model, in two modes chosen by the first byte:
 * raw (arbitrary bytes as a netlink receive buffer, decoded by
 * nl_decode_each() and fed to the model, with local MACs/neighbours, FRR
 * restarts, resyncs and the clock driven by the same bytes) and structured
 * (6-byte records that each become one well-formed message or call drawn
 * from small pools of devices, MACs, IPs, VTEPs and nexthop ids, so that the
 * model's own logic gets explored rather than the decoder's). Besides memory
 * safety (ASan) it checks that the reports are consistent: a fake dataplane
 * applies every report, and at the end it must hold exactly the remote MACs,
 * suppression entries and flood lists the model shows, and the per-VNI
 * counters must match the entries walked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "evpn_model.h"
#include "nl_decode.h"

#define MAXE 512

struct fake_entry {
	uint32_t vni;
	uint8_t mac[6];
	struct vx_ip ip;
};

static struct fake {
	struct fake_entry macs[MAXE], sups[MAXE];
	unsigned n_macs, n_sups;
	unsigned flood_n[2];
} dp;

static int find(const struct fake_entry *t, unsigned n, uint32_t vni, const uint8_t *mac,
		const struct vx_ip *ip)
{
	for (unsigned i = 0; i < n; i++)
		if (t[i].vni == vni && (mac == NULL || memcmp(t[i].mac, mac, 6) == 0) &&
		    (ip == NULL || vx_ip_eq(&t[i].ip, ip)))
			return (int)i;
	return -1;
}

/* keyed by (vni, ip) when ip is given, else by (vni, mac) */
static void put(struct fake_entry *t, unsigned *n, uint32_t vni, const uint8_t *mac,
		const struct vx_ip *ip)
{
	int i = find(t, *n, vni, ip != NULL ? NULL : mac, ip);

	if (i < 0) {
		if (*n == MAXE)
			abort();
		i = (int)(*n)++;
	}
	t[i].vni = vni;
	if (mac != NULL)
		memcpy(t[i].mac, mac, 6);
	if (ip != NULL)
		t[i].ip = *ip;
}

static void drop(struct fake_entry *t, unsigned *n, int i)
{
	t[i] = t[--*n];
}

static void mac_set(void *arg, uint32_t vni, const uint8_t mac[6], const struct vx_ip *vteps,
		    unsigned n, uint32_t nhg)
{
	(void)arg;
	(void)nhg;
	if (n == 0 || n > EVPN_MAX_VTEPS || (mac[0] & 1))
		abort();
	for (unsigned i = 0; i < n; i++)
		if (!vx_ip_is_set(&vteps[i]))
			abort();
	put(dp.macs, &dp.n_macs, vni, mac, NULL);
}

static void mac_del(void *arg, uint32_t vni, const uint8_t mac[6])
{
	int i = find(dp.macs, dp.n_macs, vni, mac, NULL);

	(void)arg;
	if (i < 0)
		abort(); /* deleting what was never set */
	drop(dp.macs, &dp.n_macs, i);
}

static void flood_set(void *arg, uint32_t vni, const struct vx_ip *vteps, unsigned n)
{
	(void)arg;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (vx_ip_eq(&vteps[i], &vteps[j]))
				abort(); /* a VTEP twice */
	dp.flood_n[vni == 100 ? 0 : 1] = n;
}

static void sup_set(void *arg, uint32_t vni, const struct vx_ip *ip, const uint8_t mac[6])
{
	(void)arg;
	put(dp.sups, &dp.n_sups, vni, mac, ip);
}

static void sup_del(void *arg, uint32_t vni, const struct vx_ip *ip)
{
	int i = find(dp.sups, dp.n_sups, vni, NULL, ip);

	(void)arg;
	if (i < 0)
		abort();
	drop(dp.sups, &dp.n_sups, i);
}

static int shadow_fdb(void *arg, int port, const uint8_t mac[6], bool add)
{
	(void)arg;
	(void)add;
	if (port <= 0 || (mac[0] & 1))
		abort();
	return 0;
}

static int shadow_neigh(void *arg, int br, const struct vx_ip *ip, const uint8_t mac[6], bool add)
{
	(void)arg;
	if (br <= 0 || !vx_ip_is_set(ip) || (add && mac == NULL))
		abort();
	return 0;
}

static const struct evpn_ops ops = {
	.remote_mac_set = mac_set, .remote_mac_del = mac_del, .flood_set = flood_set,
	.suppress_set = sup_set, .suppress_del = sup_del,
};
static const struct evpn_shadow_ops shadow = { .fdb = shadow_fdb, .neigh = shadow_neigh };

struct run {
	struct evpn_model *m;
	uint64_t now;
	const uint8_t *ctl;
	size_t n_ctl, i;
};

static uint8_t next_ctl(struct run *r)
{
	return r->n_ctl ? r->ctl[r->i++ % r->n_ctl] : 0;
}

static int on_msg(void *arg, const struct nl_msg *msg)
{
	struct run *r = arg;
	uint8_t c = next_ctl(r);
	uint32_t vni = (c & 0x40) ? 200 : 100;

	evpn_model_input(r->m, msg, r->now);
	r->now += (uint64_t)(c & 7) * 400000000ull; /* 0..2.8 s */
	/* the dataplane reacts to what the message names */
	if (msg->kind == NL_NEIGH && msg->neigh.has_mac && (c & 0x18) == 0x18) {
		bool present = (c & 0x20) != 0;
		int port = vni == 100 ? 3 : 6;
		int i = find(dp.macs, dp.n_macs, vni, msg->neigh.mac, NULL);

		if (evpn_model_local_mac(r->m, vni, port, msg->neigh.mac, present, r->now) == 0 &&
		    present && i >= 0)
			drop(dp.macs, &dp.n_macs, i); /* the local learn replaced it */
		if (msg->neigh.family != AF_BRIDGE) {
			i = find(dp.sups, dp.n_sups, vni, NULL, &msg->neigh.ip);
			if (evpn_model_local_neigh(r->m, vni, &msg->neigh.ip, msg->neigh.mac,
						   present, r->now) == 0 && present && i >= 0)
				drop(dp.sups, &dp.n_sups, i);
		}
	}
	if ((c & 0x87) == 0x80)
		evpn_model_frr_state(r->m, (c & 0x20) != 0, r->now);
	if ((c & 0x87) == 0x81)
		evpn_model_resync_begin(r->m);
	if ((c & 0x87) == 0x82)
		evpn_model_resync_end(r->m, r->now);
	evpn_model_poll(r->m, r->now);
	return 0;
}

/* ---- structured mode ---- */

static uint32_t mbuf32[1024];

static const uint8_t MACS[8][6] = {
	{ 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 }, { 2, 0, 0, 0, 0, 3 }, { 2, 0, 0, 0, 0, 4 },
	{ 0, 0, 0, 0, 0, 0 }, { 1, 0, 0x5e, 0, 0, 1 }, { 2, 0, 0, 0, 1, 1 }, { 2, 0, 0, 0, 1, 2 },
};
static const uint8_t VTEPS[4][4] = { { 10, 0, 0, 2 }, { 10, 0, 0, 3 }, { 10, 0, 0, 4 },
				     { 10, 0, 0, 2 } };
static const uint8_t IPS[4][4] = { { 192, 168, 0, 1 }, { 192, 168, 0, 2 }, { 192, 168, 0, 3 },
				   { 192, 168, 0, 4 } };
static const uint16_t STATES[8] = { NUD_NOARP, NUD_FAILED, NUD_PERMANENT, NUD_REACHABLE,
				    NUD_INCOMPLETE, NUD_STALE, NUD_NONE, NUD_NOARP | NUD_PERMANENT };

static struct nlmsghdr *msg_start(uint16_t type)
{
	struct nlmsghdr *nlh;

	memset(mbuf32, 0, sizeof(mbuf32));
	nlh = mnl_nlmsg_put_header(mbuf32);
	nlh->nlmsg_type = type;
	return nlh;
}

static void msg_feed(struct run *r, struct nlmsghdr *nlh)
{
	struct nl_msg msg;

	nl_decode(mbuf32, nlh->nlmsg_len, &msg);
	evpn_model_input(r->m, &msg, r->now);
}

static void fdb_msg(struct run *r, const uint8_t *b, bool self)
{
	bool del = b[3] & 2;
	int ifindex = 1 + b[1] % 7; /* 7: unknown */
	struct nlmsghdr *nlh = msg_start(del ? RTM_DELNEIGH : RTM_NEWNEIGH);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = STATES[b[4] % 8];
	ndm->ndm_flags = (uint8_t)((b[3] & 1 ? NTF_EXT_LEARNED : 0) | (self ? NTF_SELF : 0));
	if (!(b[3] & 4))
		mnl_attr_put(nlh, NDA_LLADDR, 6, MACS[b[2] % 8]);
	if (!self)
		mnl_attr_put_u32(nlh, NDA_MASTER, ifindex <= 3 ? 2 : 5);
	else if (b[3] & 8)
		mnl_attr_put_u32(nlh, NDA_NH_ID, (b[4] >> 4) % 4 ? 10u + (b[4] >> 4) % 3 : 1);
	else if (!(b[3] & 16))
		mnl_attr_put(nlh, NDA_DST, 4, VTEPS[(b[2] >> 3) % 4]);
	msg_feed(r, nlh);
}

static void ip_neigh_msg(struct run *r, const uint8_t *b)
{
	bool del = b[3] & 2;
	struct nlmsghdr *nlh = msg_start(del ? RTM_DELNEIGH : RTM_NEWNEIGH);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = b[1] & 1 ? 2 : 5;
	ndm->ndm_state = STATES[b[4] % 8];
	ndm->ndm_flags = b[3] & 1 ? NTF_EXT_LEARNED : 0;
	mnl_attr_put(nlh, NDA_DST, 4, IPS[b[2] % 4]);
	if (!(b[3] & 4))
		mnl_attr_put(nlh, NDA_LLADDR, 6, MACS[(b[2] >> 2) % 8]);
	msg_feed(r, nlh);
}

static void nh_msg(struct run *r, const uint8_t *b, bool group)
{
	bool del = b[3] & 2;
	struct nlmsghdr *nlh = msg_start(del ? RTM_DELNEXTHOP : RTM_NEWNEXTHOP);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	uint32_t id = group ? 10u + b[1] % 3 : 1u + b[1] % 4;

	nhm->nh_family = group ? AF_UNSPEC : AF_INET;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	if (!del) {
		if (!(b[3] & 4))
			mnl_attr_put(nlh, NHA_FDB, 0, NULL);
		if (group) {
			struct nexthop_grp g[4];
			unsigned n = 0;

			memset(g, 0, sizeof(g));
			for (unsigned i = 0; i < 4; i++)
				if (b[2] & (1u << i))
					g[n++].id = 1 + i;
			if (n > 0)
				mnl_attr_put(nlh, NHA_GROUP, n * sizeof(g[0]), g);
		} else {
			mnl_attr_put(nlh, NHA_GATEWAY, 4, VTEPS[b[2] % 4]);
		}
	}
	msg_feed(r, nlh);
}

static void link_msg(struct run *r, const uint8_t *b)
{
	static const char *const names[7] = { "", "vxlan100", "br100", "ev100p0", "vxlan200",
					      "br200", "ev200p0" };
	int ifindex = 1 + b[1] % 6;
	bool del = b[3] & 2;
	struct nlmsghdr *nlh = msg_start(del ? RTM_DELLINK : RTM_NEWLINK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *li, *data;
	bool vx = ifindex == 1 || ifindex == 4, br = ifindex == 2 || ifindex == 5;

	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, names[ifindex]);
	if (!br && !(b[3] & 4))
		mnl_attr_put_u32(nlh, IFLA_MASTER, ifindex <= 3 ? 2 : 5);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, vx ? "vxlan" : br ? "bridge" : "veth");
	if (vx) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, ifindex == 1 ? 100 : 200);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, li);
	msg_feed(r, nlh);
}

static void structured(struct run *r, const uint8_t *p, size_t n)
{
	for (; n >= 6; p += 6, n -= 6) {
		uint32_t vni = p[1] & 0x80 ? 200 : 100;
		struct vx_ip ip = { .af = AF_INET };
		bool present = !(p[3] & 2);
		int i;

		switch (p[0] % 11) {
		case 0: fdb_msg(r, p, false); break;
		case 1: fdb_msg(r, p, true); break;
		case 2: ip_neigh_msg(r, p); break;
		case 3: nh_msg(r, p, false); break;
		case 4: nh_msg(r, p, true); break;
		case 5:
			i = find(dp.macs, dp.n_macs, vni, MACS[p[2] % 8], NULL);
			if (evpn_model_local_mac(r->m, vni, p[1] & 1 ? (vni == 100 ? 3 : 6) : 1,
						 MACS[p[2] % 8], present, r->now) == 0 &&
			    present && i >= 0)
				drop(dp.macs, &dp.n_macs, i);
			break;
		case 6:
			memcpy(ip.a, IPS[p[2] % 4], 4);
			i = find(dp.sups, dp.n_sups, vni, NULL, &ip);
			if (evpn_model_local_neigh(r->m, vni, &ip, MACS[(p[2] >> 2) % 8], present,
						   r->now) == 0 && present && i >= 0)
				drop(dp.sups, &dp.n_sups, i);
			break;
		case 7: evpn_model_frr_state(r->m, present, r->now); break;
		case 8:
			if (present)
				evpn_model_resync_begin(r->m);
			else
				evpn_model_resync_end(r->m, r->now);
			break;
		case 9: link_msg(r, p); break;
		case 10: evpn_model_port_flush(r->m, p[1] & 1 ? 3 : 6, r->now); break;
		}
		r->now += (uint64_t)p[5] * 50000000ull; /* 0..12.75 s */
		evpn_model_poll(r->m, r->now);
	}
}

struct counts {
	unsigned local[2], remote[2], nlocal[2], nremote[2], remote_total, sup_total;
};

static int count_mac(void *arg, const struct evpn_mac_view *v)
{
	struct counts *c = arg;
	unsigned k = v->vni == 100 ? 0 : 1;

	if (v->origin == EVPN_LOCAL) {
		c->local[k]++;
	} else {
		c->remote[k]++;
		c->remote_total++;
		if (find(dp.macs, dp.n_macs, v->vni, v->mac, NULL) < 0)
			abort(); /* shown remote, never reported */
	}
	return 0;
}

static int count_neigh(void *arg, const struct evpn_neigh_view *v)
{
	struct counts *c = arg;
	unsigned k = v->vni == 100 ? 0 : 1;

	if (v->origin == EVPN_LOCAL) {
		c->nlocal[k]++;
	} else {
		c->nremote[k]++;
		c->sup_total++;
		if (find(dp.sups, dp.n_sups, v->vni, v->mac, &v->ip) < 0)
			abort();
	}
	return 0;
}

static int check_vni(void *arg, const struct evpn_vni_view *v)
{
	struct counts *c = arg;
	unsigned k = v->vni == 100 ? 0 : 1;

	if (v->local_macs != c->local[k] || v->remote_macs != c->remote[k] ||
	    v->local_neighs != c->nlocal[k] || v->remote_neighs != c->nremote[k] ||
	    v->n_flood != dp.flood_n[k])
		abort();
	return 0;
}

static void check(struct evpn_model *m)
{
	struct counts c;

	memset(&c, 0, sizeof(c));

	evpn_model_walk_macs(m, 0, count_mac, &c);
	evpn_model_walk_neighs(m, 0, count_neigh, &c);
	evpn_model_walk_vnis(m, check_vni, &c);
	if (c.remote_total != dp.n_macs || c.sup_total != dp.n_sups)
		abort(); /* reported, but no longer shown (a lost deletion) */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evpn_model_cfg cfg;
	struct run r = { 0 };
	size_t n_ctl = size > 0 ? data[0] % 16 : 0;
	void *copy;

	if (size < 1 + n_ctl)
		return 0;
	memset(&dp, 0, sizeof(dp));
	evpn_model_cfg_default(&cfg);
	cfg.dup_moves = 2;
	r.m = evpn_model_create(&cfg, &ops, NULL, &shadow, NULL);
	if (r.m == NULL)
		return 0;
	r.ctl = data + 1;
	r.n_ctl = n_ctl;
	r.now = 1;
	/* small ifindexes so that random messages hit them */
	evpn_model_vni_add(r.m, 100);
	evpn_model_vni_add(r.m, 200);
	evpn_model_dev_set(r.m, 1, 100, EVPN_DEV_VXLAN, 0);
	evpn_model_dev_set(r.m, 2, 100, EVPN_DEV_BRIDGE, 0);
	evpn_model_dev_set(r.m, 3, 100, EVPN_DEV_PORT, 0);
	evpn_model_dev_set(r.m, 4, 200, EVPN_DEV_VXLAN, 0);
	evpn_model_dev_set(r.m, 5, 200, EVPN_DEV_BRIDGE, 0);
	evpn_model_dev_set(r.m, 6, 200, EVPN_DEV_PORT, 0);
	evpn_model_frr_state(r.m, true, 0);
	size -= 1 + n_ctl;
	if (data[0] & 0x80) {
		structured(&r, data + 1 + n_ctl, size);
	} else if ((copy = malloc(size ? size : 1)) != NULL) {
		memcpy(copy, data + 1 + n_ctl, size);
		(void)nl_decode_each(copy, size, on_msg, &r);
		free(copy);
	}
	check(r.m);
	/* long after any hold and grace: nothing may stay held */
	evpn_model_resync_end(r.m, r.now);
	evpn_model_poll(r.m, r.now + 400ull * 1000000000ull);
	if (evpn_model_next_due(r.m) != UINT64_MAX)
		abort();
	check(r.m);
	evpn_model_vni_del(r.m, 100);
	evpn_model_destroy(r.m);
	return 0;
}
