/* dp_stats: per-lcore counters. Each worker writes only its own block (no
 * atomics, no sharing); the control thread sums blocks on read. */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdint.h>

#include "dp_snapshot.h"
#include "fdb.h"
#include "vtep_hdr.h"

/** All drop reasons: the decap ones first, then the dataplane's. */
enum dp_drop {
#define X(e, s) DP_DROP_VTEP_##e,
#include "vtep_drop.def"
#undef X
#define X(e, s) DP_DROP_##e,
#include "dp_drop.def"
#undef X
	DP_DROP_COUNT
};
const char *dp_drop_name(enum dp_drop d);

/** Meter colours: green passes, yellow and red are dropped. */
enum dp_colour { DP_GREEN, DP_YELLOW, DP_RED, DP_COLOURS };
/** Storm-control classes. */
enum dp_storm { DP_STORM_BCAST, DP_STORM_MCAST, DP_STORM_UNKNOWN, DP_STORMS };

struct dp_port_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, drops;
	uint64_t meter[DP_COLOURS];   /**< ingress rate limit, frames per colour */
	uint64_t storm_drops[DP_STORMS];
};

/** VNIs count VXLAN encap/decap; VLAN-backed segments count frames out of and
 *  into their team in the same fields. */
struct dp_bd_stats {
	uint64_t encap, decap, flood, drops;
	uint64_t meter[DP_COLOURS];
};

struct dp_vtep_stats {
	uint64_t tx_packets;
};

struct dp_lcore_stats {
	struct dp_port_stats port[DP_MAX_PORTS];
	uint64_t drop[DP_DROP_COUNT];
	struct dp_bd_stats bd[FDB_BD_MAX];
	struct dp_vtep_stats vtep[DP_MAX_VTEPS];
	uint64_t learn_events, punted_host, slowproto;
	uint64_t nd_suppressed, nd_snooped;
} __attribute__((aligned(64)));

/** Add every counter of src into dst. */
void dp_stats_add(struct dp_lcore_stats *dst, const struct dp_lcore_stats *src);

#endif
