/* dp: the running DPDK dataplane (the EAL edge of vxsw).
 *
 * Owns the ethdev ports, the mbuf pool, the worker lcores, the rings from
 * workers to the control thread and the RCU state. The control thread (the
 * EAL main lcore) calls everything here except dp_worker_main(), which runs
 * on each worker lcore.
 */
#ifndef DP_H
#define DP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "cfg_model.h"
#include "dp_snapshot.h"
#include "dp_stats.h"
#include "fdb.h"

#define DP_BURST 32
#define DP_MAX_WORKERS 16

/** One rx queue a worker polls. */
struct dp_rxq {
	uint16_t port;     /**< port index (snapshot order) */
	uint16_t eth_port;
	uint16_t queue;
};

struct dp_worker {
	unsigned id;       /**< 0..n_workers-1: RCU thread id and tx queue */
	unsigned lcore;
	struct dp *dp;
	uint16_t n_rxq;
	struct dp_rxq rxq[DP_MAX_PORTS];
	struct dp_lcore_stats *stats;
};

/** Link and identity of a port as the control thread last read them. */
struct dp_port_info {
	char name[CFG_NAME_MAX];
	uint16_t eth_port;
	uint16_t n_rxq, n_txq;
	bool link_up;
	uint16_t mtu;      /**< effective L3 MTU: config, or less if the device can't */
	uint8_t mac[6];
};

struct dp {
	uint16_t n_ports;
	struct dp_port_info ports[DP_MAX_PORTS];
	unsigned n_workers;
	struct dp_worker workers[DP_MAX_WORKERS];
	struct rte_mempool *pool;
	struct fdb_table *fdb;
	struct rte_ring *learn_ring;    /**< struct fdb_learn_event, MP/SC */
	struct rte_ring *slow_ring;     /**< mbufs of slow-protocol frames, MP/SC */
	struct rte_ring *ctrl_tx_ring;  /**< mbufs from the control thread, m->port = port index */
	struct rte_rcu_qsbr *qsv;
	_Atomic(struct dp_snapshot *) snap;
	_Atomic uint32_t now_s;         /**< coarse clock for workers, set by control */
	atomic_bool stop;
};

/** Ports from cfg (already probed by EAL through --vdev/-a), queues, pool,
 *  rings, RCU. Returns 0 or -errno with msg set. */
int dp_init(struct dp *dp, const struct cfg *cfg, struct fdb_table *fdb, char *msg,
	    unsigned msglen);
/** Start ports and launch workers on the EAL worker lcores. */
int dp_start(struct dp *dp, char *msg, unsigned msglen);
/** Stop workers (wait for them), stop and close ports, free everything. */
void dp_stop(struct dp *dp);

/** Publish a new snapshot and free the previous one after a grace period. */
void dp_publish(struct dp *dp, struct dp_snapshot *s);

/** Sum of all workers' counters. */
void dp_stats_read(const struct dp *dp, struct dp_lcore_stats *out);
/** Zero all workers' counters (racy by a few packets; fine for "clear"). */
void dp_stats_clear(struct dp *dp);
/** Refresh link state of every port; true if any changed. */
bool dp_links_refresh(struct dp *dp);

/** Send one frame out of a port from the control thread (through the
 *  worker's queue is not possible; uses a dedicated ring drained by worker 0).
 *  Takes ownership of m. Returns 0 or -ENOBUFS. */
int dp_ctrl_tx(struct dp *dp, uint16_t port, struct rte_mbuf *m);

/** Worker entry point (rte_eal_remote_launch). */
int dp_worker_main(void *arg);

#endif
