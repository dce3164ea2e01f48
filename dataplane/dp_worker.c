/* The worker loop: rx burst -> classify -> learn -> lookup -> encap/decap/flood -> tx.
 *
 * Hot path rules: no locks, no syscalls, no allocation except mbuf copies for
 * flooding, no logging; counters in this worker's own block.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_meter.h>
#include <rte_prefetch.h>

#include "dp.h"
#include "l4_csum.h"
#include "vtep_hdr.h"

#define DP_TXBUF 64

struct txbuf {
	uint16_t n;
	uint64_t bytes;      /* of the queued frames: no pass over them at flush */
	struct rte_mbuf *m[DP_TXBUF];
};

/* This worker's state of one rate limit (rte_meter trTCM) or storm limit
 * (srTCM), configured from the snapshot's parameters when their id changes. */
struct wmeter {
	uint32_t id;
	struct rte_meter_trtcm_profile prof;
	struct rte_meter_trtcm m;
};

struct wstorm {
	uint32_t id;
	struct rte_meter_srtcm_profile prof;
	struct rte_meter_srtcm m;
};

/* Everything a worker touches while handling one burst. */
struct wctx {
	struct dp *dp;
	struct dp_worker *w;
	const struct dp_snapshot *s;
	struct dp_lcore_stats *st;
	uint32_t now_s;
	uint16_t n_events;
	struct fdb_learn_event events[DP_BURST];
	struct txbuf tx[DP_MAX_PORTS];
	uint64_t tsc;        /* meter clock, read once per VM-port burst */
	struct wmeter port_m[DP_MAX_PORTS];
	struct wstorm storm_m[DP_MAX_PORTS][DP_STORMS];
	struct wmeter bd_m[FDB_BD_MAX];
};

static void tx_flush(struct wctx *c, uint16_t port)
{
	struct txbuf *b = &c->tx[port];
	uint16_t sent;

	if (b->n == 0)
		return;
	if (!c->s->ports[port].link_up) {
		c->st->port[port].drops += b->n;
		c->st->drop[DP_DROP_PORT_DOWN] += b->n;
		rte_pktmbuf_free_bulk(b->m, b->n);
		b->n = 0;
		b->bytes = 0;
		return;
	}
	sent = rte_eth_tx_burst(c->s->ports[port].eth_port, (uint16_t)c->w->id, b->m, b->n);
	if (sent < b->n) {
		for (uint16_t i = sent; i < b->n; i++)
			b->bytes -= b->m[i]->pkt_len;
		c->st->port[port].drops += b->n - sent;
		c->st->drop[DP_DROP_TX_FULL] += b->n - sent;
		rte_pktmbuf_free_bulk(&b->m[sent], b->n - sent);
	}
	c->st->port[port].tx_packets += sent;
	c->st->port[port].tx_bytes += b->bytes;
	b->n = 0;
	b->bytes = 0;
}

static inline void tx_enqueue(struct wctx *c, uint16_t port, struct rte_mbuf *m)
{
	struct txbuf *b = &c->tx[port];

	if (b->n == DP_TXBUF)
		tx_flush(c, port);
	b->bytes += m->pkt_len;
	b->m[b->n++] = m;
}

static inline void drop(struct wctx *c, struct rte_mbuf *m, enum dp_drop why)
{
	c->st->drop[why]++;
	rte_pktmbuf_free(m);
}

/* A drop once the frame's bridge domain is known: counted per VNI too. */
static inline void drop_bd(struct wctx *c, struct rte_mbuf *m, enum dp_drop why, uint16_t bd)
{
	c->st->bd[bd].drops++;
	drop(c, m, why);
}

static void events_flush(struct wctx *c)
{
	unsigned done;

	if (c->n_events == 0)
		return;
	done = rte_ring_enqueue_burst_elem(c->dp->learn_ring, c->events,
					   sizeof(struct fdb_learn_event), c->n_events, NULL);
	c->st->learn_events += done;
	c->st->drop[DP_DROP_LEARN_RING_FULL] += c->n_events - done;
	c->n_events = 0;
}

static inline struct fdb_learn_event *event_slot(struct wctx *c)
{
	if (c->n_events == DP_BURST)
		events_flush(c);
	return &c->events[c->n_events++];
}

/* The FDB keys of a burst's frames. Frames in a row of one flow (same bd,
 * source and destination MAC) share one key pair, looked up once. */
struct keyset {
	uint16_t n;                 /* distinct pairs */
	uint8_t pair[DP_BURST];     /* frame -> its pair */
	bool new_src[DP_BURST];     /* frame's source key differs from the frame before */
	fdb_key_t src[DP_BURST], dst[DP_BURST];
	struct fdb_result sres[DP_BURST], dres[DP_BURST];
};

static __rte_always_inline void keyset_add(struct keyset *ks, uint16_t frame, fdb_key_t src,
					   fdb_key_t dst)
{
	uint16_t n = ks->n;
	bool same_src = n > 0 && ks->src[n - 1] == src;

	if (!same_src || ks->dst[n - 1] != dst) {
		ks->src[n] = src;
		ks->dst[n] = dst;
		ks->n = ++n;
	}
	ks->pair[frame] = (uint8_t)(n - 1);
	ks->new_src[frame] = !same_src;
}

static inline void keyset_lookup(struct wctx *c, struct keyset *ks)
{
	fdb_lookup_bulk(c->dp->fdb, ks->src, ks->n, ks->sres);
	fdb_lookup_bulk(c->dp->fdb, ks->dst, ks->n, ks->dres);
}

static inline const uint8_t *eth_dst(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *);
}

static inline const uint8_t *eth_src(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *) + 6;
}

/* Remove the 802.1Q tag in place: move the MACs forward over it. */
static inline void vlan_strip(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	memmove(p + 4, p, 12);
	rte_pktmbuf_adj(m, 4);
}

/* To a trunk: tagged with the port's VLAN of bd. Consumes m. */
static __rte_noinline void deliver_tagged(struct wctx *c, struct rte_mbuf *m, uint16_t port,
					  uint16_t bd)
{
	int vlan = dp_port_vlan_in_bd(c->s, port, bd);

	if (vlan <= 0) {
		drop_bd(c, m, DP_DROP_VLAN_NOT_ALLOWED, bd);
		return;
	}
	m->vlan_tci = (uint16_t)vlan;
	if (rte_vlan_insert(&m) != 0) {
		drop(c, m, DP_DROP_DECAP_INNER_VLAN_TAG_LOST);
		return;
	}
	tx_enqueue(c, port, m);
}

/* Deliver to a local port of bd, tagging for trunks. Consumes m. */
static inline void deliver_local(struct wctx *c, struct rte_mbuf *m, uint16_t port, uint16_t bd)
{
	if (unlikely(c->s->ports[port].trunk))
		deliver_tagged(c, m, port, bd);
	else
		tx_enqueue(c, port, m);
}

/* Encapsulate toward the VTEP an FDB dest names (a VTEP, or a multihomed
 * segment's VTEP group) and queue on a member of its team. Consumes m.
 * f->hash is the inner flow hash: it gives the UDP source port, the group
 * member and, under the l3-l4 policy, the team member, so one VM's flows
 * spread over both. Inlined: a call here cost ~35 instructions a packet
 * (saved registers, arguments, the flow struct through memory). */
static __rte_always_inline void encap_to(struct wctx *c, struct rte_mbuf *m, uint32_t dest,
					 uint16_t bd, const struct dp_flow *f)
{
	const struct dp_vtep *v;
	const struct dp_team *t;
	struct dp_flow tf = *f;
	uint32_t inner_len = m->pkt_len;
	uint32_t vi = dp_remote_vtep(c->s, dest, f->hash);
	uint16_t port;
	uint8_t *hdr;

	if (vi >= c->s->n_vteps || !c->s->vteps[vi].resolved) {
		drop_bd(c, m, DP_DROP_VTEP_UNRESOLVED, bd);
		return;
	}
	v = &c->s->vteps[vi];
	if (vtep_outer_ip_len(&v->rw, inner_len) > v->mtu) {
		drop_bd(c, m, DP_DROP_MTU_EXCEEDED, bd);
		return;
	}
	t = &c->s->teams[v->team];
	if (t->hash == CFG_HASH_L2)
		tf.hash = v->hash_l2;
	else if (t->hash == CFG_HASH_L2L3)
		tf.hash = v->hash_l2l3;
	port = dp_team_pick(t, &tf);
	if (port == DP_NO_PORT) {
		drop_bd(c, m, DP_DROP_TEAM_DOWN, bd);
		return;
	}
	if (m->nb_segs != 1) {
		drop(c, m, DP_DROP_MULTI_SEGMENT);
		return;
	}
	hdr = (uint8_t *)rte_pktmbuf_prepend(m, v->rw.len);
	if (hdr == NULL) {
		drop(c, m, DP_DROP_NO_MBUF);
		return;
	}
	vtep_encap(hdr, &v->rw, c->s->bds[bd].vni, vtep_sport(f->hash), (uint16_t)inner_len);
	c->st->bd[bd].encap++;
	c->st->vtep[vi].tx_packets++;
	tx_enqueue(c, port, m);
}

/* Out of a VLAN-backed bd's team with the segment's tag (none for the native
 * segment). Consumes m. */
static void seg_out(struct wctx *c, struct rte_mbuf *m, uint16_t bd, const struct dp_flow *f)
{
	const struct dp_bd *b = &c->s->bds[bd];
	const struct dp_team *t;
	uint16_t port;

	if (b->team >= c->s->n_teams) {
		drop_bd(c, m, DP_DROP_NO_UPLINK, bd);
		return;
	}
	t = &c->s->teams[b->team];
	if (m->pkt_len > (uint32_t)t->mtu + RTE_ETHER_HDR_LEN) {
		drop_bd(c, m, DP_DROP_MTU_EXCEEDED, bd);
		return;
	}
	port = dp_team_pick(t, f);
	if (port == DP_NO_PORT) {
		drop_bd(c, m, DP_DROP_TEAM_DOWN, bd);
		return;
	}
	if (b->uplink_vlan != 0) {
		m->vlan_tci = b->uplink_vlan;
		if (rte_vlan_insert(&m) != 0) {
			drop(c, m, DP_DROP_NO_MBUF);
			return;
		}
	}
	c->st->bd[bd].encap++; /* VLAN-backed: frames out of the team */
	tx_enqueue(c, port, m);
}

/* The source MAC part of an FDB key, mixed (balance-src-mac teams). */
static inline uint32_t mac_hash(fdb_key_t key)
{
	uint64_t mac = key & 0xffffffffffffull;

	return (uint32_t)((mac * 0x9e3779b97f4a7c15ull) >> 32);
}

static inline uint32_t flow_hash(const struct rte_mbuf *m)
{
	return vtep_flow_hash(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m));
}

/* BUM: a copy to every other local member of bd, and (from a VM) to every
 * VTEP of the flood list. The original goes to the last target. */
static void flood(struct wctx *c, struct rte_mbuf *m, uint16_t in_port, uint16_t bd,
		  bool to_vteps, uint32_t src_mac_hash)
{
	const struct dp_bd *b = &c->s->bds[bd];
	struct dp_flow f = { .in_port = in_port, .src_mac_hash = src_mac_hash };
	unsigned n_targets = 0, done = 0;

	bool to_team = to_vteps && b->team != DP_NO_PORT;

	for (uint16_t i = 0; i < b->n_members; i++)
		n_targets += b->members[i].port != in_port;
	if (to_vteps) {
		n_targets += b->n_flood + to_team;
		if (b->n_flood || to_team)
			f.hash = flow_hash(m);
	}
	if (n_targets == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	for (uint16_t i = 0; i < b->n_members; i++) {
		uint16_t port = b->members[i].port;
		struct rte_mbuf *copy;

		if (port == in_port)
			continue;
		copy = ++done == n_targets ? m : rte_pktmbuf_copy(m, c->dp->pool, 0, UINT32_MAX);
		if (copy == NULL) {
			c->st->drop[DP_DROP_NO_MBUF]++;
			continue;
		}
		deliver_local(c, copy, port, bd);
	}
	for (uint16_t i = 0; to_vteps && i < b->n_flood; i++) {
		struct rte_mbuf *copy =
			++done == n_targets ? m : rte_pktmbuf_copy(m, c->dp->pool, 0, UINT32_MAX);
		if (copy == NULL) {
			c->st->drop[DP_DROP_NO_MBUF]++;
			continue;
		}
		c->st->bd[bd].flood++; /* head-end replicated copies, as the model says */
		encap_to(c, copy, b->flood[i], bd, &f);
	}
	if (to_team) /* VLAN-backed: one copy out of the team; the original is left */
		seg_out(c, m, bd, &f);
}

/* ---- frames from VM ports ---- */

static __rte_noinline bool wmeter_setup(struct wmeter *w, const struct dp_meter_cfg *cfg)
{
	struct rte_meter_trtcm_params p = { .cir = cfg->cir, .pir = cfg->pir, .cbs = cfg->cbs,
					    .pbs = cfg->pbs };

	w->id = 0;
	if (rte_meter_trtcm_profile_config(&w->prof, &p) != 0 ||
	    rte_meter_trtcm_config(&w->m, &w->prof) != 0)
		return false;
	w->id = cfg->id;
	return true;
}

/* Rate limit: true if the frame passes (green). Counts its colour. */
static inline bool meter_pass(struct wctx *c, struct wmeter *w, const struct dp_meter_cfg *cfg,
			      uint32_t len, uint64_t *colours)
{
	enum rte_color col;

	if (unlikely(w->id != cfg->id) && !wmeter_setup(w, cfg))
		return true;
	col = rte_meter_trtcm_color_blind_check(&w->m, &w->prof, c->tsc, len);
	colours[col]++;
	return col == RTE_COLOR_GREEN;
}

static __rte_noinline bool wstorm_setup(struct wstorm *w, const struct dp_meter_cfg *cfg)
{
	struct rte_meter_srtcm_params p = { .cir = cfg->cir, .cbs = cfg->cbs, .ebs = 0 };

	w->id = 0;
	if (rte_meter_srtcm_profile_config(&w->prof, &p) != 0 ||
	    rte_meter_srtcm_config(&w->m, &w->prof) != 0)
		return false;
	w->id = cfg->id;
	return true;
}

/* Storm control of flooded frames from VM port pi: one "byte" per frame, so
 * the meter counts frames per second. True if the frame may be flooded. */
static inline bool storm_pass(struct wctx *c, uint16_t pi, enum dp_storm k)
{
	const struct dp_meter_cfg *cfg = &c->s->ports[pi].storm[k];
	struct wstorm *w = &c->storm_m[pi][k];

	if (cfg->id == 0)
		return true;
	if (unlikely(w->id != cfg->id) && !wstorm_setup(w, cfg))
		return true;
	if (rte_meter_srtcm_color_blind_check(&w->m, &w->prof, rte_rdtsc(), 1) == RTE_COLOR_GREEN)
		return true;
	c->st->port[pi].storm_drops[k]++;
	return false;
}

/* The port's and the port group's rate limits. Consumes m if it fails one. */
static bool limits_pass(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd)
{
	const struct dp_port *p = &c->s->ports[pi];
	const struct dp_bd *b = &c->s->bds[bd];

	if (p->limit.id != 0 &&
	    !meter_pass(c, &c->port_m[pi], &p->limit, m->pkt_len, c->st->port[pi].meter)) {
		c->st->port[pi].drops++;
		drop(c, m, DP_DROP_RATE_LIMIT);
		return false;
	}
	if (b->limit.id != 0 &&
	    !meter_pass(c, &c->bd_m[bd], &b->limit, m->pkt_len, c->st->bd[bd].meter)) {
		drop_bd(c, m, DP_DROP_RATE_LIMIT, bd);
		return false;
	}
	return true;
}

static inline enum dp_storm bum_kind(const uint8_t *dst)
{
	return (dst[0] & dst[1] & dst[2] & dst[3] & dst[4] & dst[5]) == 0xff ? DP_STORM_BCAST
									      : DP_STORM_MCAST;
}

static void learn_local(struct wctx *c, fdb_key_t key, const struct fdb_result *r, uint16_t port)
{
	struct fdb_learn_event *e;

	if (!fdb_key_learnable(key))
		return;
	if (r->kind == FDB_KIND_LOCAL && r->dest == port) {
		fdb_touch(c->dp->fdb, key, c->now_s);
		return;
	}
	if (r->kind == FDB_KIND_STATIC_LOCAL || r->kind == FDB_KIND_STATIC_REMOTE)
		return;
	e = event_slot(c);
	*e = (struct fdb_learn_event){ .key = key, .kind = FDB_KIND_LOCAL, .port = port };
}

/* EVPN: tell the control thread which IP a local MAC uses (ARP/ND snooping). */
static void snoop_neigh(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd)
{
	struct fdb_learn_event *e;
	struct vx_ip ip;
	uint8_t mac[6];

	if (!nd_snoop(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), &ip, mac))
		return;
	c->st->nd_snooped++;
	e = event_slot(c);
	*e = (struct fdb_learn_event){ .key = fdb_key(bd, mac), .kind = FDB_EVENT_NEIGH,
				       .port = pi, .vtep_af = ip.af };
	memcpy(e->vtep_ip, ip.a, sizeof(e->vtep_ip));
}

/* ARP/ND suppression: answer a request for a known address back to the asker
 * instead of flooding it. Consumes m and returns true if answered. */
static bool suppress(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), out;
	enum nd_request kind;
	const uint8_t *mac;
	struct vx_ip target;

	kind = nd_request_parse(f, len, &target);
	if (kind == ND_NOT_A_REQUEST || m->nb_segs != 1 ||
	    (mac = nd_table_lookup(c->s->nd, bd, &target)) == NULL)
		return false;
	out = nd_reply_in_place(f, len, len + rte_pktmbuf_tailroom(m), kind, mac);
	if (out == 0)
		return false;
	if (out > len)
		rte_pktmbuf_append(m, (uint16_t)(out - len));
	c->st->nd_suppressed++;
	deliver_local(c, m, pi, bd);
	return true;
}

/*
 * A guest's vNIC (virtio over vhost-user) may hand over a frame whose TCP/UDP
 * checksum it left for "the NIC" to finish (the mbuf asks for L4 checksum
 * offload, l2_len/l3_len set, the field holding the pseudo-header sum). A
 * VXLAN tunnel has no NIC to finish it, so finish it here, in software.
 * Returns false if the frame is not what the flags say.
 */
static bool finish_l4_cksum(struct rte_mbuf *m)
{
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), off = m->l2_len + m->l3_len;
	uint16_t *field;

	m->ol_flags &= ~(RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM);
	if (m->nb_segs != 1 || m->l2_len < 14 || off + 8 > len ||
	    (l4 != RTE_MBUF_F_TX_TCP_CKSUM && l4 != RTE_MBUF_F_TX_UDP_CKSUM) ||
	    (l4 == RTE_MBUF_F_TX_TCP_CKSUM && off + 20 > len))
		return false;
	field = (uint16_t *)(p + off + (l4 == RTE_MBUF_F_TX_TCP_CKSUM ? 16 : 6));
	*field = 0;
	if ((p[m->l2_len] >> 4) == 4 && m->l3_len >= 20)
		*field = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)(p + m->l2_len), p + off);
	else if ((p[m->l2_len] >> 4) == 6 && m->l3_len >= 40)
		*field = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)(p + m->l2_len), p + off);
	else
		return false;
	return true;
}

/* Classify a VM-port frame, strip its tag and finish offloaded checksums.
 * Consumes m and returns false if it is dropped; else sets *bd. */
static __rte_always_inline bool vm_frame_in(struct wctx *c, struct rte_mbuf *m, uint16_t pi,
					    uint16_t *bd)
{
	const struct dp_port *p = &c->s->ports[pi];
	uint16_t vlan = 0;
	enum dp_classify_err err;

	err = dp_classify_vm(p, rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), bd,
			     &vlan);
	if (unlikely(err != DP_CLASSIFY_OK)) {
		static const enum dp_drop why[] = {
			[DP_CLASSIFY_RUNT] = DP_DROP_RUNT,
			[DP_CLASSIFY_NO_VNI] = DP_DROP_NO_VNI_FOR_PORT,
			[DP_CLASSIFY_TAGGED_ON_ACCESS] = DP_DROP_TAGGED_ON_ACCESS,
			[DP_CLASSIFY_VLAN_NOT_ALLOWED] = DP_DROP_VLAN_NOT_ALLOWED,
		};
		c->st->port[pi].drops++;
		drop(c, m, why[err]);
		return false;
	}
	if (unlikely(c->s->meters) && !limits_pass(c, m, pi, *bd))
		return false;
	if (vlan != 0 || p->trunk) {
		vlan_strip(m);
		if (m->l2_len >= 18)
			m->l2_len -= 4; /* offload offsets follow the frame */
	}
	if (p->kernel_csum && m->nb_segs == 1)
		l4_csum_finish(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m));
	if (unlikely(m->ol_flags & RTE_MBUF_F_TX_L4_MASK) && !finish_l4_cksum(m)) {
		c->st->port[pi].drops++;
		drop(c, m, DP_DROP_BAD_OFFLOAD);
		return false;
	}
	return true;
}

/* Forward one classified VM-port frame whose FDB answers are in. Consumes m. */
static __rte_always_inline void vm_forward(struct wctx *c, struct rte_mbuf *m, uint16_t pi,
					   uint16_t bd, fdb_key_t skey, const struct fdb_result *d)
{
	const struct dp_bd *b = &c->s->bds[bd];
	const bool bum = eth_dst(m)[0] & 1;

	if (unlikely(b->evpn)) {
		snoop_neigh(c, m, pi, bd);
		if (b->suppress && bum && suppress(c, m, pi, bd))
			return;
	}
	if (likely(!bum && fdb_kind_is_remote((enum fdb_kind)d->kind))) {
		struct dp_flow f = { .hash = flow_hash(m), .src_mac_hash = mac_hash(skey),
				     .in_port = pi };
		encap_to(c, m, d->dest, bd, &f);
	} else if (bum) {
		if (storm_pass(c, pi, bum_kind(eth_dst(m))))
			flood(c, m, pi, bd, true, mac_hash(skey));
		else
			drop_bd(c, m, DP_DROP_STORM_CONTROL, bd);
	} else if (d->kind == 0) {
		if (!b->flood_unknown)
			drop_bd(c, m, DP_DROP_UNKNOWN_UNICAST, bd);
		else if (storm_pass(c, pi, DP_STORM_UNKNOWN))
			flood(c, m, pi, bd, true, mac_hash(skey));
		else
			drop_bd(c, m, DP_DROP_STORM_CONTROL, bd);
	} else if (d->dest == DP_DEST_UPLINK) {
		struct dp_flow f = { .hash = flow_hash(m), .src_mac_hash = mac_hash(skey),
				     .in_port = pi };
		seg_out(c, m, bd, &f);
	} else if (d->dest == pi) {
		drop_bd(c, m, DP_DROP_SAME_PORT, bd);
	} else if (d->dest >= c->s->n_ports) {
		flood(c, m, pi, bd, true, mac_hash(skey));
	} else {
		deliver_local(c, m, (uint16_t)d->dest, bd);
	}
}

/* One stage at a time over the burst: classify and build keys, look all keys
 * up, then learn and forward. */
static __rte_noinline void vm_burst(struct wctx *c, uint16_t pi, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *ok[DP_BURST];
	struct keyset ks;
	uint16_t bds[DP_BURST], k = 0;
	uint64_t rx_bytes = 0;

	ks.n = 0;
	if (c->s->meters)
		c->tsc = rte_rdtsc();
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 2 < n) /* rx touched the mbufs, not always their data */
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		rx_bytes += m->pkt_len;
		if (!vm_frame_in(c, m, pi, &bds[k]))
			continue;
		keyset_add(&ks, k, fdb_key_at(bds[k], eth_src(m)), fdb_key_at(bds[k], eth_dst(m)));
		ok[k++] = m;
	}
	c->st->port[pi].rx_bytes += rx_bytes;
	c->st->port[pi].rx_packets += n;
	keyset_lookup(c, &ks);
	for (uint16_t i = 0; i < k; i++) {
		uint8_t j = ks.pair[i];

		/* A source like the one before got the same answer and was learned. */
		if (ks.new_src[i])
			learn_local(c, ks.src[j], &ks.sres[j], pi);
		vm_forward(c, ok[i], pi, bds[i], ks.src[j], &ks.dres[j]);
	}
}

/* ---- frames from uplinks ---- */

static void learn_remote(struct wctx *c, fdb_key_t key, const struct fdb_result *r,
			 const struct vx_ip *vtep)
{
	struct fdb_learn_event *e;

	if (!fdb_key_learnable(key))
		return;
	if (r->kind == FDB_KIND_REMOTE && r->dest < c->s->n_vteps &&
	    vx_ip_eq(&c->s->vteps[r->dest].ip, vtep)) {
		fdb_touch(c->dp->fdb, key, c->now_s);
		return;
	}
	if (r->kind != 0 && r->kind != FDB_KIND_REMOTE && r->kind != FDB_KIND_LOCAL)
		return; /* static or EVPN: the control plane decides */
	e = event_slot(c);
	*e = (struct fdb_learn_event){ .key = key, .kind = FDB_KIND_REMOTE, .vtep_af = vtep->af };
	memcpy(e->vtep_ip, vtep->a, sizeof(e->vtep_ip));
}

/* A MAC seen behind the team of a VLAN-backed bd. */
static void learn_uplink(struct wctx *c, fdb_key_t key, const struct fdb_result *r)
{
	struct fdb_learn_event *e;

	if (!fdb_key_learnable(key))
		return;
	if (r->kind == FDB_KIND_LOCAL && r->dest == DP_DEST_UPLINK) {
		fdb_touch(c->dp->fdb, key, c->now_s);
		return;
	}
	if (r->kind == FDB_KIND_STATIC_LOCAL || r->kind == FDB_KIND_STATIC_REMOTE)
		return;
	e = event_slot(c);
	*e = (struct fdb_learn_event){ .key = key, .kind = FDB_KIND_LOCAL, .port = DP_DEST_UPLINK };
}

/* Active-backup: segment frames are taken from the active member only, as a
 * bond does; the switch floods our own broadcasts back on the backup link. */
static inline bool seg_member_receives(const struct dp_snapshot *s, uint16_t pi)
{
	const struct dp_team *t = &s->teams[s->ports[pi].team];

	return t->mode != CFG_TEAM_ACTIVE_BACKUP || t->slot[0] == pi;
}

/* A frame of a VLAN-backed segment from its team: to local ports only. A
 * broadcast or multicast frame whose source is a local port's MAC is our own
 * flood coming back (switch-independent teams): dropped, not learned. */
static void seg_in(struct wctx *c, struct rte_mbuf *m, fdb_key_t skey,
		   const struct fdb_result *s, const struct fdb_result *d, uint16_t bd)
{
	if ((eth_dst(m)[0] & 1) && (s->kind == FDB_KIND_LOCAL || s->kind == FDB_KIND_STATIC_LOCAL) &&
	    s->dest < c->s->n_ports) {
		drop_bd(c, m, DP_DROP_UPLINK_REFLECTED, bd);
		return;
	}
	if (c->s->bds[bd].learning)
		learn_uplink(c, skey, s);
	if ((eth_dst(m)[0] & 1) || d->kind == 0)
		flood(c, m, DP_NO_PORT, bd, false, 0);
	else if (d->dest >= c->s->n_ports || fdb_kind_is_remote((enum fdb_kind)d->kind))
		drop_bd(c, m, DP_DROP_SAME_PORT, bd); /* behind the team it came from */
	else
		deliver_local(c, m, (uint16_t)d->dest, bd);
}

static void to_host(struct wctx *c, struct rte_mbuf *m, uint16_t pi)
{
	if (c->s->ports[pi].kernel_csum && m->nb_segs == 1)
		l4_csum_finish(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m));
	if (c->s->host_port == DP_NO_PORT) {
		drop(c, m, DP_DROP_NO_HOST_PORT);
		return;
	}
	c->st->punted_host++;
	tx_enqueue(c, c->s->host_port, m);
}

static void to_slowproto(struct wctx *c, struct rte_mbuf *m, uint16_t pi)
{
	m->port = pi;
	if (rte_ring_enqueue(c->dp->slow_ring, m) != 0) {
		drop(c, m, DP_DROP_SLOWPROTO_RING_FULL);
		return;
	}
	c->st->slowproto++;
}

/* The bd of the VNI of the frame before, for a run of one VNI. */
struct vni_seen {
	uint32_t vni;
	uint16_t bd;
};

/* An underlay frame: VXLAN to us is decapsulated in place (true, with vni->bd
 * and *vtep set); slow-protocol and host frames are handed on and anything
 * else dropped (false, m consumed). */
static __rte_always_inline bool underlay_in(struct wctx *c, struct rte_mbuf *m, uint16_t pi,
					    struct vni_seen *vni, struct vx_ip *vtep)
{
	struct vtep_decap_info info;
	enum vtep_class cls;

	cls = vtep_classify(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
			    &c->s->local, &info);
	if (cls == VTEP_CLASS_SLOWPROTO) {
		to_slowproto(c, m, pi);
		return false;
	}
	if (!c->s->ports[pi].collecting) {
		c->st->port[pi].drops++;
		drop(c, m, DP_DROP_NOT_COLLECTING);
		return false;
	}
	if (cls == VTEP_CLASS_HOST) {
		to_host(c, m, pi);
		return false;
	}
	if (cls == VTEP_CLASS_DROP) {
		c->st->port[pi].drops++;
		drop(c, m, (enum dp_drop)(DP_DROP_VTEP_OK + info.drop));
		return false;
	}
	if (info.vni != vni->vni) {
		vni->vni = info.vni;
		vni->bd = dp_vni_to_bd(c->s, info.vni);
	}
	if (vni->bd == DP_NO_BD) {
		c->st->port[pi].drops++;
		drop(c, m, DP_DROP_UNKNOWN_VNI);
		return false;
	}
	if (likely(m->nb_segs == 1)) { /* the inner frame lies inside the segment */
		m->data_off = (uint16_t)(m->data_off + info.inner_off);
		m->data_len = info.inner_len;
		m->pkt_len = info.inner_len;
	} else {
		rte_pktmbuf_adj(m, info.inner_off);
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - info.inner_len));
	}
	c->st->bd[vni->bd].decap++;
	*vtep = info.outer_src;
	return true;
}

/* Forward one decapsulated frame whose FDB answer is in. Consumes m. */
static __rte_always_inline void decap_forward(struct wctx *c, struct rte_mbuf *m, uint16_t bd,
					      const struct fdb_result *d)
{
	const bool bum = eth_dst(m)[0] & 1;

	if (likely(!bum && d->kind != 0 && d->dest < c->s->n_ports &&
		   !fdb_kind_is_remote((enum fdb_kind)d->kind)))
		deliver_local(c, m, (uint16_t)d->dest, bd);
	else if (d->kind == 0 && !bum && !c->s->bds[bd].flood_unknown)
		drop_bd(c, m, DP_DROP_UNKNOWN_UNICAST, bd);
	else if (bum || d->kind == 0 || d->dest >= c->s->n_ports)
		flood(c, m, DP_NO_PORT, bd, false, 0);
	else
		drop_bd(c, m, DP_DROP_SPLIT_HORIZON, bd); /* from a VTEP to a VTEP */
}

static __rte_noinline void uplink_burst(struct wctx *c, uint16_t pi, struct rte_mbuf **pkts,
					uint16_t n)
{
	struct rte_mbuf *ok[DP_BURST];
	struct vx_ip vtep[DP_BURST];
	struct keyset ks = { .n = 0 };
	uint16_t bds[DP_BURST], k = 0;
	bool seg[DP_BURST];
	const bool seg_uplink = c->s->ports[pi].seg_uplink;
	struct vni_seen vni = { .vni = 0, .bd = DP_NO_BD }; /* dp_vni_to_bd(0) */
	uint64_t rx_bytes = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t bd = 0;
		bool tagged;

		rx_bytes += m->pkt_len;
		seg[k] = false;
		switch (!seg_uplink ? DP_UPLINK_UNDERLAY
				    : dp_classify_uplink(c->s, pi, rte_pktmbuf_mtod(m, const uint8_t *),
							 rte_pktmbuf_data_len(m), &bd, &tagged)) {
		case DP_UPLINK_UNDERLAY:
			break;
		case DP_UPLINK_SEGMENT:
			if (!c->s->ports[pi].collecting || !seg_member_receives(c->s, pi)) {
				c->st->port[pi].drops++;
				drop(c, m, DP_DROP_NOT_COLLECTING);
				continue;
			}
			if (tagged)
				vlan_strip(m);
			c->st->bd[bd].decap++; /* VLAN-backed: frames in from the team */
			seg[k] = true;
			keyset_add(&ks, k, fdb_key_at(bd, eth_src(m)), fdb_key_at(bd, eth_dst(m)));
			bds[k] = bd;
			ok[k++] = m;
			continue;
		case DP_UPLINK_VLAN_UNKNOWN:
			c->st->port[pi].drops++;
			drop(c, m, DP_DROP_UPLINK_VLAN_UNKNOWN);
			continue;
		case DP_UPLINK_UNTAGGED:
			c->st->port[pi].drops++;
			drop(c, m, DP_DROP_UPLINK_UNTAGGED);
			continue;
		}
		if (!underlay_in(c, m, pi, &vni, &vtep[k]))
			continue;
		bd = vni.bd;
		keyset_add(&ks, k, fdb_key_at(bd, eth_src(m)), fdb_key_at(bd, eth_dst(m)));
		bds[k] = bd;
		ok[k++] = m;
	}
	c->st->port[pi].rx_bytes += rx_bytes;
	c->st->port[pi].rx_packets += n;
	keyset_lookup(c, &ks);
	for (uint16_t i = 0; i < k; i++) {
		struct rte_mbuf *m = ok[i];
		uint8_t j = ks.pair[i];

		if (seg_uplink && seg[i]) {
			seg_in(c, m, ks.src[j], &ks.sres[j], &ks.dres[j], bds[i]);
			continue;
		}
		/* A source like the one before, from the same VTEP, was learned
		 * already (equal keys mean one bd, so both frames are VXLAN). */
		if (c->s->bds[bds[i]].learning &&
		    (ks.new_src[i] || memcmp(&vtep[i], &vtep[i - 1], sizeof(vtep[i])) != 0))
			learn_remote(c, ks.src[j], &ks.sres[j], &vtep[i]);
		decap_forward(c, m, bds[i], &ks.dres[j]);
	}
}

/* ---- frames from the host tap: out the underlay team ---- */

static void host_burst(struct wctx *c, uint16_t pi, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_team *t =
		c->s->underlay_team < c->s->n_teams ? &c->s->teams[c->s->underlay_team] : NULL;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_flow f = { .in_port = pi };
		uint16_t port;

		c->st->port[pi].rx_bytes += m->pkt_len;
		if (t == NULL) {
			drop(c, m, DP_DROP_NO_UPLINK);
			continue;
		}
		f.hash = flow_hash(m);
		f.src_mac_hash = f.hash;
		port = dp_team_pick(t, &f);
		if (port == DP_NO_PORT)
			drop(c, m, DP_DROP_TEAM_DOWN);
		else
			tx_enqueue(c, port, m);
	}
	c->st->port[pi].rx_packets += n;
}

static void ctrl_tx_drain(struct wctx *c)
{
	struct rte_mbuf *m[DP_BURST];
	unsigned n = rte_ring_dequeue_burst(c->dp->ctrl_tx_ring, (void **)m, DP_BURST, NULL);

	for (unsigned i = 0; i < n; i++) {
		if (m[i]->port < c->s->n_ports)
			tx_enqueue(c, m[i]->port, m[i]);
		else
			rte_pktmbuf_free(m[i]);
	}
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct dp *dp = w->dp;
	/* Large (tx buffers for every port): on the worker's socket, not its stack. */
	struct wctx *c = rte_zmalloc_socket("vxsw_wctx", sizeof(*c), RTE_CACHE_LINE_SIZE,
					    (int)rte_socket_id());

	if (c == NULL)
		return -ENOMEM;
	c->dp = dp;
	c->w = w;
	c->st = w->stats;
	rte_rcu_qsbr_thread_register(dp->qsv, w->id);
	rte_rcu_qsbr_thread_online(dp->qsv, w->id);
	while (!atomic_load_explicit(&dp->stop, memory_order_relaxed)) {
		c->s = atomic_load_explicit(&dp->snap, memory_order_acquire);
		c->now_s = atomic_load_explicit(&dp->now_s, memory_order_relaxed);
		for (uint16_t q = 0; q < w->n_rxq; q++) {
			const struct dp_rxq *rq = &w->rxq[q];
			struct rte_mbuf *pkts[DP_BURST];
			uint16_t n = rte_eth_rx_burst(rq->eth_port, rq->queue, pkts, DP_BURST);

			if (n == 0)
				continue;
			switch (c->s->ports[rq->port].role) {
			case CFG_ROLE_VM:
			case CFG_ROLE_HOST_IF:
				vm_burst(c, rq->port, pkts, n);
				break;
			case CFG_ROLE_UPLINK:
				uplink_burst(c, rq->port, pkts, n);
				break;
			default:
				host_burst(c, rq->port, pkts, n);
				break;
			}
		}
		if (w->id == 0)
			ctrl_tx_drain(c);
		events_flush(c);
		for (uint16_t p = 0; p < c->s->n_ports; p++)
			tx_flush(c, p);
		rte_rcu_qsbr_quiescent(dp->qsv, w->id);
	}
	rte_rcu_qsbr_thread_offline(dp->qsv, w->id);
	rte_rcu_qsbr_thread_unregister(dp->qsv, w->id);
	rte_free(c);
	return 0;
}
