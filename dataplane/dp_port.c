/* Dataplane set-up and tear-down: ports, queues, pool, rings, RCU, workers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp.h"
#include "vtep_hdr.h"
#include "vx_log.h"

#define RX_DESC 1024
#define TX_DESC 1024
#define POOL_CACHE 256

/* The port name EAL gives a devargs string: what precedes the first comma. */
static void devargs_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

static int port_setup(struct dp *dp, uint16_t idx, const struct cfg_port *cp, char *msg,
		      unsigned msglen)
{
	struct dp_port_info *pi = &dp->ports[idx];
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	char ename[RTE_ETH_NAME_MAX_LEN];
	uint16_t eth, nrx, ntx;
	int rc;

	devargs_name(cp->devargs, ename, sizeof(ename));
	if (rte_eth_dev_get_port_by_name(ename, &eth) != 0) {
		snprintf(msg, msglen, "port %s: no DPDK device '%s' (devargs '%s' not probed)",
			 cp->name, ename, cp->devargs);
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(eth, &info);
	if (rc != 0) {
		snprintf(msg, msglen, "port %s: cannot read device info: %s", cp->name,
			 rte_strerror(-rc));
		return rc;
	}
	nrx = cp->rx_queues ? cp->rx_queues : (uint16_t)dp->n_workers;
	if (nrx > info.max_rx_queues)
		nrx = info.max_rx_queues;
	if (nrx > dp->n_workers)
		nrx = (uint16_t)dp->n_workers;
	ntx = (uint16_t)dp->n_workers;
	if (ntx > info.max_tx_queues) {
		snprintf(msg, msglen,
			 "port %s: %u workers need %u tx queues, device has %u (add queues to its devargs)",
			 cp->name, dp->n_workers, ntx, info.max_tx_queues);
		return -EINVAL;
	}
	if (nrx > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
			info.flow_type_rss_offloads;
	}
	/* Every mbuf vxswd sends is direct, has refcnt 1 and comes from its one
	 * pool (floods are deep copies): PMDs that can may free them in bulk. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	rc = rte_eth_dev_configure(eth, nrx, ntx, &conf);
	if (rc != 0) {
		snprintf(msg, msglen, "port %s: configure: %s", cp->name, rte_strerror(-rc));
		return rc;
	}
	for (uint16_t q = 0; q < nrx; q++) {
		rc = rte_eth_rx_queue_setup(eth, q, RX_DESC, (unsigned)rte_eth_dev_socket_id(eth),
					    NULL, dp->pool);
		if (rc != 0) {
			snprintf(msg, msglen, "port %s: rx queue %u: %s", cp->name, q,
				 rte_strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ntx; q++) {
		rc = rte_eth_tx_queue_setup(eth, q, TX_DESC, (unsigned)rte_eth_dev_socket_id(eth),
					    NULL);
		if (rc != 0) {
			snprintf(msg, msglen, "port %s: tx queue %u: %s", cp->name, q,
				 rte_strerror(-rc));
			return rc;
		}
	}
	/* Virtual devices often cannot change their MTU: then the device's own
	 * MTU is the limit the encap path checks against, and the operator is told. */
	pi->mtu = cp->mtu;
	if (rte_eth_dev_set_mtu(eth, cp->mtu) != 0) {
		uint16_t cur = cp->mtu;
		if (rte_eth_dev_get_mtu(eth, &cur) == 0 && cur < cp->mtu) {
			VX_WARN("port %s: cannot set MTU %u, using the device's %u", cp->name,
				cp->mtu, cur);
			pi->mtu = cur;
		}
	}
	pi->link_up = true; /* until the first link read says otherwise */
	snprintf(pi->name, sizeof(pi->name), "%s", cp->name);
	pi->eth_port = eth;
	pi->n_rxq = nrx;
	pi->n_txq = ntx;
	rte_eth_macaddr_get(eth, (struct rte_ether_addr *)pi->mac);
	return 0;
}

static void assign_queues(struct dp *dp)
{
	for (unsigned w = 0; w < dp->n_workers; w++)
		dp->workers[w].n_rxq = 0;
	for (uint16_t p = 0; p < dp->n_ports; p++) {
		for (uint16_t q = 0; q < dp->ports[p].n_rxq; q++) {
			struct dp_worker *w = &dp->workers[q % dp->n_workers];
			w->rxq[w->n_rxq++] = (struct dp_rxq){
				.port = p, .eth_port = dp->ports[p].eth_port, .queue = q };
		}
	}
}

/* Standard 2 KiB buffers unless a port's MTU needs more: AF_XDP takes
 * buffers of at most a page, and small buffers keep the pool in cache. */
static uint16_t mbuf_size(const struct cfg *cfg)
{
	unsigned need = RTE_MBUF_DEFAULT_BUF_SIZE;

	for (unsigned i = 0; i < cfg->n_ports; i++) {
		/* frame = L3 MTU + Ethernet and two tags, plus room to encapsulate */
		unsigned frame = cfg->ports[i].mtu + 14u + 8u + VTEP_OUTER_LEN_MAX;
		if (frame + RTE_PKTMBUF_HEADROOM > need)
			need = frame + RTE_PKTMBUF_HEADROOM;
	}
	return (uint16_t)need;
}

int dp_init(struct dp *dp, const struct cfg *cfg, struct fdb_table *fdb, char *msg,
	    unsigned msglen)
{
	unsigned lcore, n_mbufs;
	size_t qsz;
	int rc;

	memset(dp, 0, sizeof(*dp));
	dp->fdb = fdb;
	dp->n_workers = cfg->global.workers;
	if (dp->n_workers > DP_MAX_WORKERS || dp->n_workers > rte_lcore_count() - 1) {
		snprintf(msg, msglen, "%u workers need %u lcores; EAL has %u (use -l)",
			 dp->n_workers, dp->n_workers + 1, rte_lcore_count());
		return -EINVAL;
	}
	n_mbufs = cfg->global.mbufs ? cfg->global.mbufs
				    : cfg->n_ports * (RX_DESC + TX_DESC) * dp->n_workers + 8192;
	dp->pool = rte_pktmbuf_pool_create("vxsw_mbufs", n_mbufs, POOL_CACHE, 0, mbuf_size(cfg),
					   (int)rte_socket_id());
	dp->learn_ring = rte_ring_create_elem("vxsw_learn", sizeof(struct fdb_learn_event), 65536,
					      (int)rte_socket_id(), RING_F_SC_DEQ);
	dp->slow_ring = rte_ring_create("vxsw_slow", 1024, (int)rte_socket_id(), RING_F_SC_DEQ);
	dp->ctrl_tx_ring = rte_ring_create("vxsw_ctrl_tx", 1024, (int)rte_socket_id(),
					   RING_F_SC_DEQ);
	qsz = rte_rcu_qsbr_get_memsize(DP_MAX_WORKERS);
	dp->qsv = rte_zmalloc("vxsw_rcu", qsz, RTE_CACHE_LINE_SIZE);
	if (dp->pool == NULL || dp->learn_ring == NULL || dp->slow_ring == NULL ||
	    dp->ctrl_tx_ring == NULL || dp->qsv == NULL) {
		snprintf(msg, msglen, "cannot allocate pool/rings: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	rte_rcu_qsbr_init(dp->qsv, DP_MAX_WORKERS);
	lcore = rte_get_main_lcore();
	for (unsigned w = 0; w < dp->n_workers; w++) {
		lcore = rte_get_next_lcore(lcore, 1, 0);
		dp->workers[w] = (struct dp_worker){ .id = w, .lcore = lcore, .dp = dp };
		dp->workers[w].stats = rte_zmalloc("vxsw_stats", sizeof(struct dp_lcore_stats),
						   RTE_CACHE_LINE_SIZE);
		if (dp->workers[w].stats == NULL) {
			snprintf(msg, msglen, "cannot allocate counters");
			return -ENOMEM;
		}
	}
	for (uint16_t i = 0; i < cfg->n_ports; i++) {
		rc = port_setup(dp, i, &cfg->ports[i], msg, msglen);
		if (rc != 0)
			return rc;
		dp->n_ports = (uint16_t)(i + 1);
	}
	assign_queues(dp);
	return 0;
}

int dp_start(struct dp *dp, char *msg, unsigned msglen)
{
	for (uint16_t p = 0; p < dp->n_ports; p++) {
		int rc = rte_eth_dev_start(dp->ports[p].eth_port);
		if (rc != 0) {
			snprintf(msg, msglen, "port %s: start: %s", dp->ports[p].name,
				 rte_strerror(-rc));
			return rc;
		}
		rte_eth_promiscuous_enable(dp->ports[p].eth_port);
	}
	dp_links_refresh(dp);
	for (unsigned w = 0; w < dp->n_workers; w++) {
		int rc = rte_eal_remote_launch(dp_worker_main, &dp->workers[w], dp->workers[w].lcore);
		if (rc != 0) {
			snprintf(msg, msglen, "cannot launch worker on lcore %u", dp->workers[w].lcore);
			return rc;
		}
	}
	return 0;
}

static void drain_ring_mbufs(struct rte_ring *r)
{
	void *m;

	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

void dp_stop(struct dp *dp)
{
	atomic_store(&dp->stop, true);
	rte_eal_mp_wait_lcore();
	for (uint16_t p = 0; p < dp->n_ports; p++) {
		rte_eth_dev_stop(dp->ports[p].eth_port);
		rte_eth_dev_close(dp->ports[p].eth_port);
	}
	dp_snapshot_free(atomic_exchange(&dp->snap, NULL));
	drain_ring_mbufs(dp->slow_ring);
	drain_ring_mbufs(dp->ctrl_tx_ring);
	rte_ring_free(dp->learn_ring);
	rte_ring_free(dp->slow_ring);
	rte_ring_free(dp->ctrl_tx_ring);
	for (unsigned w = 0; w < dp->n_workers; w++)
		rte_free(dp->workers[w].stats);
	rte_free(dp->qsv);
	rte_mempool_free(dp->pool);
	dp->pool = NULL;
}

void dp_publish(struct dp *dp, struct dp_snapshot *s)
{
	struct dp_snapshot *old;

	old = atomic_exchange_explicit(&dp->snap, s, memory_order_acq_rel);
	/* Every worker passes a quiescent point once per loop: after that none
	 * can still hold the old pointer. */
	rte_rcu_qsbr_synchronize(dp->qsv, RTE_QSBR_THRID_INVALID);
	dp_snapshot_free(old);
}

void dp_stats_read(const struct dp *dp, struct dp_lcore_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned w = 0; w < dp->n_workers; w++)
		dp_stats_add(out, dp->workers[w].stats);
}

void dp_stats_clear(struct dp *dp)
{
	for (unsigned w = 0; w < dp->n_workers; w++)
		memset(dp->workers[w].stats, 0, sizeof(struct dp_lcore_stats));
}

bool dp_links_refresh(struct dp *dp)
{
	bool changed = false;

	for (uint16_t p = 0; p < dp->n_ports; p++) {
		struct rte_eth_link link;
		bool up;

		if (rte_eth_link_get_nowait(dp->ports[p].eth_port, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		changed |= up != dp->ports[p].link_up;
		dp->ports[p].link_up = up;
	}
	return changed;
}

int dp_ctrl_tx(struct dp *dp, uint16_t port, struct rte_mbuf *m)
{
	m->port = port;
	if (rte_ring_enqueue(dp->ctrl_tx_ring, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}
