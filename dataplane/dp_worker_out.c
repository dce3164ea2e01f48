/* What leaves a worker off the fast path: floods (head-end replication),
 * trunk tagging, VLAN-backed segments, the host and slow-protocol paths, and
 * the flushes of tx buffers and learn events. See dp_worker_int.h. */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_worker_int.h"
#include "l4_csum.h"

void dpw_tx_flush(struct wctx *c, uint16_t port)
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

void dpw_events_flush(struct wctx *c)
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

/* To a trunk: tagged with the port's VLAN of bd. Consumes m. */
void dpw_deliver_tagged(struct wctx *c, struct rte_mbuf *m, uint16_t port, uint16_t bd)
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

/* Out of a VLAN-backed bd's team with the segment's tag (none for the native
 * segment). Consumes m. */
void dpw_seg_out(struct wctx *c, struct rte_mbuf *m, uint16_t bd, const struct dp_flow *f)
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

/* BUM: a copy to every other local member of bd, and (from a VM) to every
 * VTEP of the flood list. The original goes to the last target. */
void dpw_flood(struct wctx *c, struct rte_mbuf *m, uint16_t in_port, uint16_t bd,
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
		dpw_seg_out(c, m, bd, &f);
}

/* A frame of a VLAN-backed segment from its team: to local ports only. A
 * broadcast or multicast frame whose source is a local port's MAC is our own
 * flood coming back (switch-independent teams): dropped, not learned. */
void dpw_seg_in(struct wctx *c, struct rte_mbuf *m, fdb_key_t skey,
		const struct fdb_result *s, const struct fdb_result *d, uint16_t bd)
{
	if ((eth_dst(m)[0] & 1) && (s->kind == FDB_KIND_LOCAL || s->kind == FDB_KIND_STATIC_LOCAL) &&
	    s->dest < c->s->n_ports) {
		drop_bd(c, m, DP_DROP_UPLINK_REFLECTED, bd);
		return;
	}
	if (c->s->bds[bd].learning)
		learn_local(c, skey, s, DP_DEST_UPLINK);
	if ((eth_dst(m)[0] & 1) || d->kind == 0)
		dpw_flood(c, m, DP_NO_PORT, bd, false, 0);
	else if (d->dest >= c->s->n_ports || fdb_kind_is_remote((enum fdb_kind)d->kind))
		drop_bd(c, m, DP_DROP_SAME_PORT, bd); /* behind the team it came from */
	else
		deliver_local(c, m, (uint16_t)d->dest, bd);
}

void dpw_to_host(struct wctx *c, struct rte_mbuf *m, uint16_t pi)
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

void dpw_to_slowproto(struct wctx *c, struct rte_mbuf *m, uint16_t pi)
{
	m->port = pi;
	if (rte_ring_enqueue(c->dp->slow_ring, m) != 0) {
		drop(c, m, DP_DROP_SLOWPROTO_RING_FULL);
		return;
	}
	c->st->slowproto++;
}

void dpw_host_burst(struct wctx *c, uint16_t pi, struct rte_mbuf **pkts, uint16_t n)
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

void dpw_ctrl_tx_drain(struct wctx *c)
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
