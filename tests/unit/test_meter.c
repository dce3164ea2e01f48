/* Tests for dataplane/dp_meter: config limits -> per-worker rte_meter parameters. */
#include <string.h>

#include "cu_main.h"
#include "dp_meter.h"

static void test_no_limit_gives_no_meter(void)
{
	struct cfg_rate_limit l = { 0 };

	CU_ASSERT_EQUAL(dp_meter_from_limit(&l, 1).id, 0);
	CU_ASSERT_EQUAL(dp_meter_from_storm(0, 4).id, 0);
}

static void test_average_only_is_a_token_bucket_in_bytes(void)
{
	struct cfg_rate_limit l = { .average_kbps = 100000, .burst = 65536 };
	struct dp_meter_cfg m = dp_meter_from_limit(&l, 1);

	CU_ASSERT_NOT_EQUAL(m.id, 0);
	CU_ASSERT_EQUAL(m.cir, 12500000); /* 100 Mbit/s = 12.5 MB/s */
	CU_ASSERT_EQUAL(m.pir, m.cir);    /* both buckets alike */
	CU_ASSERT_EQUAL(m.cbs, 65536);
	CU_ASSERT_EQUAL(m.pbs, 65536);
}

static void test_rates_are_shared_between_workers_bursts_are_not(void)
{
	struct cfg_rate_limit l = { .average_kbps = 100000, .peak_kbps = 400000, .burst = 65536,
				    .peak_burst = 20000 };
	struct dp_meter_cfg m = dp_meter_from_limit(&l, 4);

	CU_ASSERT_EQUAL(m.cir, 3125000);
	CU_ASSERT_EQUAL(m.pir, 12500000);
	CU_ASSERT_EQUAL(m.cbs, 65536);
	CU_ASSERT_EQUAL(m.pbs, 20000);
}

static void test_peak_bucket_defaults_to_a_millisecond_but_one_jumbo_frame_at_least(void)
{
	struct cfg_rate_limit l = { .average_kbps = 1000000, .peak_kbps = 8000000, .burst = 65536 };

	CU_ASSERT_EQUAL(dp_meter_from_limit(&l, 1).pbs, 1000000); /* 1 GB/s for 1 ms */
	l.peak_kbps = 2000;
	l.average_kbps = 1000;
	CU_ASSERT_EQUAL(dp_meter_from_limit(&l, 1).pbs, DP_METER_MIN_PBS);
}

static void test_id_follows_the_parameters(void)
{
	struct cfg_rate_limit a = { .average_kbps = 1000, .burst = 2000 }, b = a;

	CU_ASSERT_EQUAL(dp_meter_from_limit(&a, 1).id, dp_meter_from_limit(&b, 1).id);
	b.burst = 2001;
	CU_ASSERT_NOT_EQUAL(dp_meter_from_limit(&a, 1).id, dp_meter_from_limit(&b, 1).id);
	CU_ASSERT_NOT_EQUAL(dp_meter_from_limit(&a, 1).id, dp_meter_from_limit(&a, 2).id);
}

static void test_storm_limits_count_frames_one_second_deep(void)
{
	struct dp_meter_cfg m = dp_meter_from_storm(1000, 2);

	CU_ASSERT_NOT_EQUAL(m.id, 0);
	CU_ASSERT_EQUAL(m.cir, 500);
	CU_ASSERT_EQUAL(m.cbs, 500);
	m = dp_meter_from_storm(1, 4); /* never below one frame per second */
	CU_ASSERT_EQUAL(m.cir, 1);
	CU_ASSERT_EQUAL(m.cbs, 1);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("meter", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_no_limit_gives_no_meter);
	CU_ADD(s, test_average_only_is_a_token_bucket_in_bytes);
	CU_ADD(s, test_rates_are_shared_between_workers_bursts_are_not);
	CU_ADD(s, test_peak_bucket_defaults_to_a_millisecond_but_one_jumbo_frame_at_least);
	CU_ADD(s, test_id_follows_the_parameters);
	CU_ADD(s, test_storm_limits_count_frames_one_second_deep);
	return CU_get_error();
}
