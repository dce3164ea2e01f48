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

#include "dp_worker_int.h"
#include "l4_csum.h"
#include "vtep_hdr.h"

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

/* ---- frames from VM ports ---- */

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
	if (unlikely(c->s->meters) && !dpw_limits_pass(c, m, pi, *bd))
		return false;
	if (vlan != 0 || p->trunk) {
		vlan_strip(m);
		if (m->l2_len >= 18)
			m->l2_len -= 4; /* offload offsets follow the frame */
	}
	if (p->kernel_csum && m->nb_segs == 1)
		l4_csum_finish(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m));
	if (unlikely(m->ol_flags & RTE_MBUF_F_TX_L4_MASK) && !dpw_finish_l4_cksum(m)) {
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
		dpw_snoop_neigh(c, m, pi, bd);
		if (b->suppress && bum && dpw_suppress(c, m, pi, bd))
			return;
	}
	if (likely(!bum && fdb_kind_is_remote((enum fdb_kind)d->kind))) {
		struct dp_flow f = { .hash = flow_hash(m), .src_mac_hash = mac_hash(skey),
				     .in_port = pi };
		encap_to(c, m, d->dest, bd, &f);
	} else if (bum) {
		if (dpw_storm_pass(c, pi, bum_kind(eth_dst(m))))
			dpw_flood(c, m, pi, bd, true, mac_hash(skey));
		else
			drop_bd(c, m, DP_DROP_STORM_CONTROL, bd);
	} else if (d->kind == 0) {
		if (!b->flood_unknown)
			drop_bd(c, m, DP_DROP_UNKNOWN_UNICAST, bd);
		else if (dpw_storm_pass(c, pi, DP_STORM_UNKNOWN))
			dpw_flood(c, m, pi, bd, true, mac_hash(skey));
		else
			drop_bd(c, m, DP_DROP_STORM_CONTROL, bd);
	} else if (d->dest == DP_DEST_UPLINK) {
		struct dp_flow f = { .hash = flow_hash(m), .src_mac_hash = mac_hash(skey),
				     .in_port = pi };
		dpw_seg_out(c, m, bd, &f);
	} else if (d->dest == pi) {
		drop_bd(c, m, DP_DROP_SAME_PORT, bd);
	} else if (d->dest >= c->s->n_ports) {
		dpw_flood(c, m, pi, bd, true, mac_hash(skey));
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
		fdb_touch_slot(c->dp->fdb, r, key, c->now_s);
		return;
	}
	if (r->kind != 0 && r->kind != FDB_KIND_REMOTE && r->kind != FDB_KIND_LOCAL)
		return; /* static or EVPN: the control plane decides */
	e = event_slot(c);
	*e = (struct fdb_learn_event){ .key = key, .kind = FDB_KIND_REMOTE, .vtep_af = vtep->af };
	memcpy(e->vtep_ip, vtep->a, sizeof(e->vtep_ip));
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
		dpw_to_slowproto(c, m, pi);
		return false;
	}
	if (!c->s->ports[pi].collecting) {
		c->st->port[pi].drops++;
		drop(c, m, DP_DROP_NOT_COLLECTING);
		return false;
	}
	if (cls == VTEP_CLASS_HOST) {
		dpw_to_host(c, m, pi);
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
	/* vtep_classify() saw the first segment only: a chained frame is dropped
	 * and counted, as on the VM side (never delivered with stray bytes). */
	if (unlikely(m->nb_segs != 1)) {
		c->st->port[pi].drops++;
		drop(c, m, DP_DROP_MULTI_SEGMENT);
		return false;
	}
	m->data_off = (uint16_t)(m->data_off + info.inner_off); /* inside the segment */
	m->data_len = info.inner_len;
	m->pkt_len = info.inner_len;
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
		dpw_flood(c, m, DP_NO_PORT, bd, false, 0);
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
			dpw_seg_in(c, m, ks.src[j], &ks.sres[j], &ks.dres[j], bds[i]);
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
				dpw_host_burst(c, rq->port, pkts, n);
				break;
			}
		}
		if (w->id == 0)
			dpw_ctrl_tx_drain(c);
		dpw_events_flush(c);
		for (uint16_t p = 0; p < c->s->n_ports; p++)
			dpw_tx_flush(c, p);
		rte_rcu_qsbr_quiescent(dp->qsv, w->id);
	}
	rte_rcu_qsbr_thread_offline(dp->qsv, w->id);
	rte_rcu_qsbr_thread_unregister(dp->qsv, w->id);
	rte_free(c);
	return 0;
}
