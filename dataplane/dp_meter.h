/* dp_meter: rate limits and storm control as meter parameters for workers.
 *
 * Pure (no EAL): turns the config's limits (kbit/s, bytes, frames/s) into the
 * per-worker parameters of DPDK's rte_meter, which the workers run. Each worker
 * meters its own share of a port's or segment's traffic with its own state (no
 * sharing on the hot path), so rates are divided by the number of workers;
 * bucket depths are not. Byte rates count whole Ethernet frames as received
 * (no preamble, FCS or inter-frame gap).
 *
 * Rate limit: a colour-blind two-rate three-colour meter (RFC 2698, trTCM):
 * green = fits the average bucket (average-rate, burst-size) and the peak bucket
 * (peak-rate, peak-burst-size); yellow = within the peak but over the average;
 * red = over the peak. Green passes, yellow and red are dropped, so the long-term
 * rate is the average rate and bursts above it are capped at the peak rate.
 * Without a peak rate both buckets are the same: a plain token bucket.
 *
 * Storm control: a single-rate meter (srTCM) fed one "byte" per frame, so its
 * rate is frames per second; depth one second of the rate.
 */
#ifndef DP_METER_H
#define DP_METER_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg_model.h"

/** Meter parameters; id 0 = no meter. id changes whenever the parameters
 *  do, so a worker knows when to (re)configure its own meter state and keeps
 *  it across snapshots that did not change it. */
struct dp_meter_cfg {
	uint32_t id;
	uint64_t cir;   /**< bytes (storm: frames) per second, this worker's share */
	uint64_t pir;   /**< bytes per second (>= cir) */
	uint64_t cbs;   /**< bytes (storm: frames) */
	uint64_t pbs;   /**< bytes */
};

/** Smallest default peak bucket: one 9 KiB jumbo frame with its header. */
#define DP_METER_MIN_PBS 9234u

/** Limit -> trTCM parameters for one of workers workers; id 0 if no limit. */
struct dp_meter_cfg dp_meter_from_limit(const struct cfg_rate_limit *l, unsigned workers);
/** Storm limit in frames/s -> srTCM parameters (cir, cbs); id 0 if none. */
struct dp_meter_cfg dp_meter_from_storm(uint32_t fps, unsigned workers);

#endif
