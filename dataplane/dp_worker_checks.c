/* Ingress work only some configurations need: rate limits and storm control
 * (rte_meter), ARP/ND snooping and suppression for EVPN, and finishing the
 * L4 checksums veth peers leave to offload. See dp_worker_int.h. */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_meter.h>

#include "dp_worker_int.h"
#include "l4_csum.h"
#include "nd_proxy.h"

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
bool dpw_storm_pass(struct wctx *c, uint16_t pi, enum dp_storm k)
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
bool dpw_limits_pass(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd)
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

/* EVPN: tell the control thread which IP a local MAC uses (ARP/ND snooping). */
void dpw_snoop_neigh(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd)
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
bool dpw_suppress(struct wctx *c, struct rte_mbuf *m, uint16_t pi, uint16_t bd)
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
bool dpw_finish_l4_cksum(struct rte_mbuf *m)
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
