/* Tests for lacp: two engines wired back to back on a fake clock — forming,
 * modes and rates, timeouts, link events, the transmit limit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "lacp.h"
#include "test_lacp_wire.h"

/* ---- helpers ---- */

/** Two 2-member teams A (id 1) and B (id 2), member i wired to member i. */
struct pair {
	struct wire w;
	struct lacp_team *a, *b;
	unsigned l0, l1;
};

static struct pair *pair_new(bool a_active, bool a_fast, bool b_active, bool b_fast)
{
	struct pair *p = calloc(1, sizeof(*p));

	CU_ASSERT_FATAL(p != NULL);
	wire_init(&p->w);
	p->a = wire_team(&p->w, 1, a_active, a_fast, 10, 2);
	p->b = wire_team(&p->w, 2, b_active, b_fast, 20, 2);
	p->l0 = wire_connect(&p->w, p->a, 0, p->b, 0);
	p->l1 = wire_connect(&p->w, p->a, 1, p->b, 1);
	return p;
}

static void pair_free(struct pair *p)
{
	CU_ASSERT_FALSE(p->w.stuck);
	wire_free(&p->w);
	free(p);
}

static bool all_dist(const struct pair *p)
{
	return dist(p->a, 0) && dist(p->a, 1) && dist(p->b, 0) && dist(p->b, 1);
}

static bool none_dist(const struct pair *p)
{
	return !dist(p->a, 0) && !dist(p->a, 1) && !dist(p->b, 0) && !dist(p->b, 1);
}

/** Run until everything distributes (or `limit` passes); returns when it did. */
static uint64_t run_until_all_dist(struct pair *p, uint64_t limit)
{
	uint64_t end = p->w.now + limit;

	while (!all_dist(p) && p->w.now < end)
		wire_run_for(&p->w, 10 * MS);
	return p->w.now;
}

/* ---- forming ---- */

static void test_two_active_fast_teams_aggregate_both_members_after_the_aggregate_wait(void)
{
	struct pair *p = pair_new(true, true, true, true);
	struct lacp_team_info ti;

	/* Both sides hear each other at once, then wait aggregate_wait_time (2 s). */
	wire_run_until(&p->w, WIRE_T0 + 2 * SEC - 1);
	CU_ASSERT(none_dist(p));
	CU_ASSERT_EQUAL(info_of(p->a, 0).mux, LACP_MUX_WAITING);
	wire_run_until(&p->w, WIRE_T0 + 2 * SEC);
	CU_ASSERT(all_dist(p));
	CU_ASSERT_EQUAL(lacp_team_distributing_mask(p->a), 0x3);

	struct lacp_member_info i = info_of(p->a, 0);
	CU_ASSERT_EQUAL(i.actor.state, LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION |
					LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING);
	CU_ASSERT_EQUAL(i.partner.state, i.actor.state);
	CU_ASSERT_EQUAL(i.partner.key, 20);
	CU_ASSERT_EQUAL(i.partner.port, 1);
	CU_ASSERT_EQUAL(i.partner.system[5], 2);
	CU_ASSERT_STRING_EQUAL(i.rx_name, "CURRENT");
	CU_ASSERT_STRING_EQUAL(i.mux_name, "COLLECTING_DISTRIBUTING");
	CU_ASSERT_STRING_EQUAL(i.periodic_name, "FAST_PERIODIC");
	CU_ASSERT_STRING_EQUAL(i.actor_churn_name, "NO_ACTOR_CHURN");
	CU_ASSERT_STRING_EQUAL(i.partner_churn_name, "NO_PARTNER_CHURN");
	CU_ASSERT(i.selected);
	CU_ASSERT_PTR_NULL(i.not_selected_why);
	CU_ASSERT(i.lacpdu_rx > 0);
	CU_ASSERT(i.stats.lacpdu_tx > 0);
	CU_ASSERT_EQUAL(i.malformed, 0);

	lacp_team_info(p->a, &ti);
	CU_ASSERT(ti.aggregator_bound);
	CU_ASSERT_EQUAL(ti.actor_key, 10);
	CU_ASSERT_EQUAL(ti.partner_key, 20);
	CU_ASSERT_EQUAL(ti.partner_system[5], 2);
	CU_ASSERT_EQUAL(ti.members, 2);
	CU_ASSERT_EQUAL(ti.distributing, 2);

	/* And it stays up: a minute of steady state at one LACPDU per second each way. */
	uint64_t t = p->w.now;
	wire_run_for(&p->w, 60 * SEC);
	CU_ASSERT(all_dist(p));
	CU_ASSERT_EQUAL(wire_sent(&p->w, p->a, 0, t + 1, t + 60 * SEC + 1), 60);
	pair_free(p);
}

static void test_active_and_passive_teams_aggregate(void)
{
	struct pair *p = pair_new(true, true, false, true);

	CU_ASSERT(run_until_all_dist(p, 5 * SEC) <= WIRE_T0 + 3 * SEC);
	CU_ASSERT(all_dist(p));
	/* The passive side answers, then keeps sending as its active partner asks. */
	uint64_t t = p->w.now;
	wire_run_for(&p->w, 10 * SEC);
	CU_ASSERT(wire_sent(&p->w, p->b, 0, t, p->w.now) >= 9);
	CU_ASSERT_FALSE(info_of(p->b, 0).actor.state & LACP_STATE_ACTIVITY);
	pair_free(p);
}

static void test_passive_teams_never_send_and_never_aggregate(void)
{
	struct pair *p = pair_new(false, true, false, true);

	wire_run_for(&p->w, 120 * SEC);
	CU_ASSERT(none_dist(p));
	CU_ASSERT_EQUAL(p->w.logn, 0);
	struct lacp_member_info i = info_of(p->a, 0);
	CU_ASSERT_EQUAL(i.periodic, LACP_PTX_NO_PERIODIC);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_DEFAULTED);
	CU_ASSERT_FALSE(i.selected);
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "no partner heard");
	CU_ASSERT_EQUAL(lacp_next_deadline(p->a), LACP_NO_DEADLINE);  /* nothing left to do */
	pair_free(p);
}

static void test_forming_survives_a_slow_wire(void)
{
	struct pair *p = calloc(1, sizeof(*p));

	wire_init(&p->w);
	p->a = wire_team(&p->w, 1, true, true, 10, 2);
	p->b = wire_team(&p->w, 2, true, true, 20, 2);
	p->l0 = wire_connect(&p->w, p->a, 0, p->b, 0);
	p->l1 = wire_connect(&p->w, p->a, 1, p->b, 1);
	p->w.links[p->l0].delay = 150 * MS;
	p->w.links[p->l1].delay = 400 * MS;
	CU_ASSERT(run_until_all_dist(p, 10 * SEC) < WIRE_T0 + 5 * SEC);
	wire_run_for(&p->w, 30 * SEC);
	CU_ASSERT(all_dist(p));
	pair_free(p);
}

/* ---- timeouts ---- */

static void test_silent_partner_takes_member_out_after_exactly_3_s_with_short_timeout(void)
{
	struct pair *p = pair_new(true, true, true, true);

	run_until_all_dist(p, 5 * SEC);
	wire_run_for(&p->w, 500 * MS);
	p->w.links[p->l0].drop[1] = true;  /* B's member 0 goes silent towards A */
	uint64_t last = p->w.links[p->l0].last_rx[0];
	CU_ASSERT(last > WIRE_T0);

	wire_run_until(&p->w, last + LACP_SHORT_TIMEOUT_NS - 1);
	CU_ASSERT(dist(p->a, 0));
	wire_run_until(&p->w, last + LACP_SHORT_TIMEOUT_NS);
	CU_ASSERT_FALSE(dist(p->a, 0));
	CU_ASSERT(dist(p->a, 1));
	struct lacp_member_info i = info_of(p->a, 0);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_EXPIRED);
	CU_ASSERT(i.actor.state & LACP_STATE_EXPIRED);
	CU_ASSERT_EQUAL(i.last_change_ns, last + LACP_SHORT_TIMEOUT_NS);
	CU_ASSERT_STRING_EQUAL(i.last_change_why, "partner timed out");
	CU_ASSERT(hist_has(p->a, 0, LACP_M_MUX, LACP_MUX_ATTACHED, "partner timed out", last));

	/* Another 3 s in EXPIRED and the partner is forgotten: defaulted, detached. */
	wire_run_until(&p->w, last + 2 * LACP_SHORT_TIMEOUT_NS);
	i = info_of(p->a, 0);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_DEFAULTED);
	CU_ASSERT_EQUAL(i.mux, LACP_MUX_DETACHED);
	CU_ASSERT(i.actor.state & LACP_STATE_DEFAULTED);
	/* Our detaching told B, which stops distributing on that link too. */
	wire_run_for(&p->w, 10 * MS);
	CU_ASSERT_FALSE(dist(p->b, 0));
	CU_ASSERT(dist(p->b, 1));

	/* Heard again: back after the aggregate wait. */
	p->w.links[p->l0].drop[1] = false;
	wire_run_for(&p->w, 4 * SEC);
	CU_ASSERT(all_dist(p));
	pair_free(p);
}

static void test_silent_partner_takes_member_out_after_exactly_90_s_with_long_timeout(void)
{
	struct pair *p = pair_new(true, false, true, false);

	run_until_all_dist(p, 5 * SEC);
	wire_run_for(&p->w, 45 * SEC);
	CU_ASSERT(all_dist(p));
	p->w.links[p->l0].drop[1] = true;
	uint64_t last = p->w.links[p->l0].last_rx[0];

	wire_run_until(&p->w, last + LACP_LONG_TIMEOUT_NS - 1);
	CU_ASSERT(dist(p->a, 0));
	wire_run_until(&p->w, last + LACP_LONG_TIMEOUT_NS);
	CU_ASSERT_FALSE(dist(p->a, 0));
	CU_ASSERT(dist(p->a, 1));
	CU_ASSERT_EQUAL(info_of(p->a, 0).rx, LACP_RCV_EXPIRED);
	pair_free(p);
}

static void test_our_rate_follows_the_partners_timeout_bit(void)
{
	struct pair *p = pair_new(true, true, true, true);
	uint64_t times[8];

	run_until_all_dist(p, 5 * SEC);
	/* B asks for the long timeout: A slows to one LACPDU per 30 s, B keeps 1 s. */
	CU_ASSERT_EQUAL(lacp_team_set_mode(p->b, true, false, p->w.now), 0);
	wire_run_for(&p->w, 5 * SEC);
	struct lacp_member_info i = info_of(p->a, 0);
	CU_ASSERT_EQUAL(i.periodic, LACP_PTX_SLOW_PERIODIC);
	CU_ASSERT_FALSE(i.partner.state & LACP_STATE_TIMEOUT);
	CU_ASSERT(hist_has(p->a, 0, LACP_M_PERIODIC, LACP_PTX_SLOW_PERIODIC, "long timeout", WIRE_T0));
	uint64_t t = p->w.now;
	wire_run_for(&p->w, 95 * SEC);
	CU_ASSERT(all_dist(p));
	unsigned n = wire_sent_times(&p->w, p->a, 0, t, times, 8);
	CU_ASSERT_EQUAL(n, 3);
	for (unsigned k = 1; k < n; k++)
		CU_ASSERT_EQUAL(times[k] - times[k - 1], LACP_SLOW_PERIODIC_NS);
	CU_ASSERT(wire_sent(&p->w, p->b, 0, t, p->w.now) >= 94);
	CU_ASSERT_EQUAL(info_of(p->b, 0).periodic, LACP_PTX_FAST_PERIODIC);

	/* Short again: A answers at once and goes back to 1 s. */
	CU_ASSERT_EQUAL(lacp_team_set_mode(p->b, true, true, p->w.now), 0);
	t = p->w.now;
	wire_run_for(&p->w, 10 * SEC);
	CU_ASSERT_EQUAL(info_of(p->a, 0).periodic, LACP_PTX_FAST_PERIODIC);
	CU_ASSERT(wire_sent(&p->w, p->a, 0, t, t + 1) >= 1);
	CU_ASSERT(wire_sent(&p->w, p->a, 0, t, p->w.now) >= 10);
	CU_ASSERT(all_dist(p));
	pair_free(p);
}

/* ---- link events ---- */

static void test_link_down_takes_member_out_at_once_and_link_up_brings_it_back(void)
{
	struct pair *p = pair_new(true, true, true, true);

	run_until_all_dist(p, 5 * SEC);
	wire_run_for(&p->w, 1 * SEC + 300 * MS);
	uint64_t down = p->w.now;
	wire_link_set(&p->w, p->l0, false);
	CU_ASSERT_FALSE(dist(p->a, 0));
	CU_ASSERT_FALSE(dist(p->b, 0));
	CU_ASSERT(dist(p->a, 1));
	CU_ASSERT(dist(p->b, 1));
	struct lacp_member_info i = info_of(p->a, 0);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_PORT_DISABLED);
	CU_ASSERT_EQUAL(i.mux, LACP_MUX_DETACHED);
	CU_ASSERT_EQUAL(i.periodic, LACP_PTX_NO_PERIODIC);
	CU_ASSERT_FALSE(i.link_up);
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "link down");
	CU_ASSERT(hist_has(p->a, 0, LACP_M_MUX, LACP_MUX_ATTACHED, "link down", down));
	CU_ASSERT_EQUAL(i.last_change_ns, down);

	/* A down link sends nothing and never reports churn. */
	uint64_t t = p->w.now;
	wire_run_for(&p->w, 100 * SEC);
	CU_ASSERT_EQUAL(wire_sent(&p->w, p->a, 0, t, p->w.now), 0);
	CU_ASSERT_EQUAL(info_of(p->a, 0).actor_churn, LACP_CHURN_MONITOR);
	CU_ASSERT(dist(p->a, 1));

	/* Up: both ends speak at once, so it is back after exactly the aggregate wait. */
	uint64_t up = p->w.now;
	wire_link_set(&p->w, p->l0, true);
	wire_run_until(&p->w, up + LACP_AGGREGATE_WAIT_NS - 1);
	CU_ASSERT_FALSE(dist(p->a, 0));
	wire_run_until(&p->w, up + LACP_AGGREGATE_WAIT_NS);
	CU_ASSERT(all_dist(p));
	pair_free(p);
}

static void test_member_remove_stops_distribution_and_the_rest_stays(void)
{
	struct pair *p = pair_new(true, true, true, true);

	run_until_all_dist(p, 5 * SEC);
	CU_ASSERT_EQUAL(lacp_member_remove(p->a, 1, p->w.now), 0);
	CU_ASSERT_EQUAL(lacp_member_remove(p->a, 1, p->w.now), -ENOENT);
	CU_ASSERT_FALSE(dist(p->a, 1));
	CU_ASSERT_EQUAL(lacp_team_distributing_mask(p->a), 0x1);
	/* B's member 1 no longer hears anything and leaves after 3 s. */
	wire_run_for(&p->w, 3 * SEC + 10 * MS);
	CU_ASSERT_FALSE(dist(p->b, 1));
	CU_ASSERT(dist(p->a, 0) && dist(p->b, 0));
	pair_free(p);
}

/* ---- transmit ---- */

/** An LACPDU from a made-up partner whose view of us is always wrong. */
static uint32_t frame_stale_view(uint8_t *f, uint16_t our_key_guess)
{
	struct lacp_pdu pdu = {
		.version = 1,
		.actor = { .system_priority = 1, .system = { 0x02, 0, 0, 0, 0, 9 }, .key = 5,
			   .port_priority = 1, .port = 1,
			   .state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION },
		.partner = { .key = our_key_guess },
	};
	const uint8_t src[6] = { 0x02, 0, 0, 0, 9, 1 };

	return lacp_pdu_build(f, LACP_FRAME_LEN, src, &pdu);
}

static void test_never_more_than_3_lacpdus_in_any_second_under_constant_ntt(void)
{
	static struct wire w;
	uint8_t f[LACP_FRAME_LEN];
	static uint64_t times[1024];

	wire_init(&w);
	struct lacp_team *a = wire_team(&w, 1, true, true, 10, 1);
	lacp_link_change(a, 0, true, w.now);
	uint64_t start = w.now;
	for (unsigned k = 0; k < 1000; k++) {  /* 10 s of stale partner views every 10 ms */
		wire_run_for(&w, 10 * MS);
		uint32_t len = frame_stale_view(f, (uint16_t)k);
		CU_ASSERT_EQUAL(lacp_rx(a, 0, f, len, w.now), LACP_RX_OK);
		wire_run_all(&w);
	}
	unsigned n = wire_sent_times(&w, a, 0, start, times, 1024);
	CU_ASSERT(n >= 29 && n <= 31);  /* the limit, and no starvation below it */
	for (unsigned k = 3; k < n; k++)
		CU_ASSERT(times[k] - times[k - 3] >= LACP_FAST_PERIODIC_NS);
	CU_ASSERT(lacp_next_deadline(a) > w.now);  /* the delayed one is scheduled, not busy */
	CU_ASSERT_FALSE(w.stuck);
	wire_free(&w);
}

static void test_failed_sends_are_counted_and_retried(void)
{
	struct pair *p = pair_new(true, true, true, true);
	struct wire_team *wa = wire_team_of(&p->w, p->a);

	run_until_all_dist(p, 5 * SEC);
	wa->fail_tx = 1;
	wire_run_for(&p->w, 2 * SEC + 500 * MS);
	CU_ASSERT(info_of(p->a, 0).stats.tx_errors >= 2);
	CU_ASSERT(dist(p->b, 0));  /* not yet timed out */
	wa->fail_tx = 0;
	wire_run_for(&p->w, 5 * SEC);
	CU_ASSERT(all_dist(p));
	pair_free(p);
}

static void test_next_deadline_is_the_next_timer(void)
{
	struct pair *p = pair_new(true, true, true, true);

	run_until_all_dist(p, 5 * SEC);
	wire_run_for(&p->w, 100 * MS);
	uint64_t d = lacp_next_deadline(p->a);
	CU_ASSERT(d > p->w.now && d <= p->w.now + LACP_FAST_PERIODIC_NS);
	/* Time that goes backwards is taken as the latest time seen. */
	lacp_run(p->a, WIRE_T0, wire_tx, wire_team_of(&p->w, p->a));
	CU_ASSERT(all_dist(p));
	CU_ASSERT_EQUAL(lacp_next_deadline(p->a), d);
	pair_free(p);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("lacp_engine", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_two_active_fast_teams_aggregate_both_members_after_the_aggregate_wait);
	CU_ADD(s, test_active_and_passive_teams_aggregate);
	CU_ADD(s, test_passive_teams_never_send_and_never_aggregate);
	CU_ADD(s, test_forming_survives_a_slow_wire);
	CU_ADD(s, test_silent_partner_takes_member_out_after_exactly_3_s_with_short_timeout);
	CU_ADD(s, test_silent_partner_takes_member_out_after_exactly_90_s_with_long_timeout);
	CU_ADD(s, test_our_rate_follows_the_partners_timeout_bit);
	CU_ADD(s, test_link_down_takes_member_out_at_once_and_link_up_brings_it_back);
	CU_ADD(s, test_member_remove_stops_distribution_and_the_rest_stays);
	CU_ADD(s, test_never_more_than_3_lacpdus_in_any_second_under_constant_ntt);
	CU_ADD(s, test_failed_sends_are_counted_and_retried);
	CU_ADD(s, test_next_deadline_is_the_next_timer);
	return CU_get_error();
}
