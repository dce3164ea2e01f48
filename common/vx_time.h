/* vx_time: the monotonic clock, in seconds and nanoseconds.
 *
 * Pure modules never call these: they take "now" as an argument so tests can
 * drive them with a fake clock. Only edge code (vxswd, dataplane) reads the clock.
 */
#ifndef VX_TIME_H
#define VX_TIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t vx_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint32_t vx_now_s(void)
{
	return (uint32_t)(vx_now_ns() / 1000000000ull);
}

#endif
