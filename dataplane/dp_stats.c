#include "dp_stats.h"

static const char *const drop_names[DP_DROP_COUNT] = {
#define X(e, s) s,
#include "vtep_drop.def"
#undef X
#define X(e, s) s,
#include "dp_drop.def"
#undef X
};

const char *dp_drop_name(enum dp_drop d)
{
	return (unsigned)d < DP_DROP_COUNT ? drop_names[d] : "?";
}

static void add_u64s(uint64_t *dst, const uint64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
}

void dp_stats_add(struct dp_lcore_stats *dst, const struct dp_lcore_stats *src)
{
	/* The struct is nothing but uint64_t counters (and alignment padding). */
	_Static_assert(sizeof(struct dp_lcore_stats) % sizeof(uint64_t) == 0, "u64 only");
	add_u64s((uint64_t *)dst, (const uint64_t *)src, sizeof(*dst) / sizeof(uint64_t));
}
