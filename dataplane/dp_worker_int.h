/* dp_worker_int: what the worker's three files share. dp_worker.c holds the
 * loop and the fast path (VM and uplink bursts, encapsulation); dp_worker_out.c
 * what leaves a worker off that path (floods, trunk tagging, VLAN-backed
 * segments, the host and slow-protocol paths, flushes); dp_worker_checks.c the
 * ingress work only some configurations need (rate limits, storm control,
 * ARP/ND snooping and suppression, checksum finishing). Worker lcores only.
 */
#ifndef DP_WORKER_INT_H
#define DP_WORKER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_meter.h>

#include "dp.h"
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

/* ---- dp_worker_out.c ---- */
void dpw_tx_flush(struct wctx *c, uint16_t port);
void dpw_events_flush(struct wctx *c);
void dpw_deliver_tagged(struct wctx *c, struct rte_mbuf *m, uint16_t port, uint16_t bd);
void dpw_seg_out(struct wctx *c, struct rte_mbuf *m, uint16_t bd, const struct dp_flow *f);
void dpw_flood(struct wctx *c, struct rte_mbuf *m, uint16_t in_port, uint16_t bd,
	       bool to_vteps, uint32_t src_mac_hash);
void dpw_seg_in(struct wctx *c, struct rte_mbuf *m, fdb_key_t skey,
		const struct fdb_result *s, const struct fdb_result *d, uint16_t bd);
void dpw_to_host(struct wctx *c, struct rte_mbuf *m, uint16_t pi);
void dpw_to_slowproto(struct wctx *c, struct rte_mbuf *m, uint16_t pi);
void dpw_host_burst(struct wctx *c, uint16_t pi, struct rte_mbuf **pkts, uint16_t n);
void dpw_ctrl_tx_drain(struct wctx *c);

/* ---- dp_worker_checks.c ---- */
bool dpw_storm_pass(struct wctx *c, uint16_t pi, enum dp_storm k);
bool dpw_limits_pass(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd);
void dpw_snoop_neigh(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd);
bool dpw_suppress(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd);
bool dpw_finish_l4_cksum(struct rte_mbuf *m);

/* ---- inline helpers of all three ---- */

static inline void tx_enqueue(struct wctx *c, uint16_t port, struct rte_mbuf *m)
{
	struct txbuf *b = &c->tx[port];

	if (b->n == DP_TXBUF)
		dpw_tx_flush(c, port);
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

static inline struct fdb_learn_event *event_slot(struct wctx *c)
{
	if (c->n_events == DP_BURST)
		dpw_events_flush(c);
	return &c->events[c->n_events++];
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

/* Deliver to a local port of bd, tagging for trunks. Consumes m. */
static inline void deliver_local(struct wctx *c, struct rte_mbuf *m, uint16_t port, uint16_t bd)
{
	if (unlikely(c->s->ports[port].trunk))
		dpw_deliver_tagged(c, m, port, bd);
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

static inline enum dp_storm bum_kind(const uint8_t *dst)
{
	return (dst[0] & dst[1] & dst[2] & dst[3] & dst[4] & dst[5]) == 0xff ? DP_STORM_BCAST
									      : DP_STORM_MCAST;
}


/* Active-backup: segment frames are taken from the active member only, as a
 * bond does; the switch floods our own broadcasts back on the backup link. */
static inline bool seg_member_receives(const struct dp_snapshot *s, uint16_t pi)
{
	const struct dp_team *t = &s->teams[s->ports[pi].team];

	return t->mode != CFG_TEAM_ACTIVE_BACKUP || t->slot[0] == pi;
}


/* A MAC seen on local port `port` (DP_DEST_UPLINK: behind the team of a
 * VLAN-backed bd): touched if the FDB already says so, else an event for the
 * control thread (static entries are left alone). */
static inline void learn_local(struct wctx *c, fdb_key_t key, const struct fdb_result *r,
			       uint16_t port)
{
	struct fdb_learn_event *e;

	if (!fdb_key_learnable(key))
		return;
	if (r->kind == FDB_KIND_LOCAL && r->dest == port) {
		fdb_touch_slot(c->dp->fdb, r, key, c->now_s);
		return;
	}
	if (r->kind == FDB_KIND_STATIC_LOCAL || r->kind == FDB_KIND_STATIC_REMOTE)
		return;
	e = event_slot(c);
	*e = (struct fdb_learn_event){ .key = key, .kind = FDB_KIND_LOCAL, .port = port };
}

#endif
