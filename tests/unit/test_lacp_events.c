/* Tests for lacp events and bookkeeping: churn detection, the marker
 * responder, malformed frames changing nothing, recorded transitions, LACP
 * disabled, configuration errors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "lacp.h"
#include "test_lacp_wire.h"

/* ---- helpers ---- */

static struct wire *wire_new(void)
{
	struct wire *w = calloc(1, sizeof(*w));

	CU_ASSERT_FATAL(w != NULL);
	wire_init(w);
	return w;
}

static void wire_done(struct wire *w)
{
	CU_ASSERT_FALSE(w->stuck);
	wire_free(w);
	free(w);
}

static const uint8_t requester[6] = { 0x02, 0x10, 0x20, 0x30, 0x40, 0x50 };

static uint32_t frame_marker(uint8_t *f, uint32_t xid, bool response)
{
	const struct lacp_marker mk = { .requester_port = 0x0203, .transaction_id = xid };
	struct lacp_marker m = mk;

	memcpy(m.requester_system, requester, 6);
	return lacp_marker_build(f, LACP_FRAME_LEN, requester, &m, response);
}

/* ---- churn ---- */

static void test_churn_is_detected_after_exactly_60_s_without_sync(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);
	uint64_t up = w->now;

	lacp_link_change(a, 0, true, up);  /* carrier, but nobody speaks LACP there */
	wire_run_until(w, up + LACP_CHURN_DETECTION_NS - 1);
	struct lacp_member_info i = info_of(a, 0);
	CU_ASSERT_EQUAL(i.actor_churn, LACP_CHURN_MONITOR);
	CU_ASSERT_EQUAL(i.partner_churn, LACP_CHURN_MONITOR);
	CU_ASSERT_STRING_EQUAL(i.actor_churn_name, "ACTOR_CHURN_MONITOR");
	wire_run_until(w, up + LACP_CHURN_DETECTION_NS);
	i = info_of(a, 0);
	CU_ASSERT_STRING_EQUAL(i.actor_churn_name, "ACTOR_CHURN");
	CU_ASSERT_STRING_EQUAL(i.partner_churn_name, "PARTNER_CHURN");
	CU_ASSERT_EQUAL(i.stats.actor_churn, 1);
	CU_ASSERT_EQUAL(i.stats.partner_churn, 1);
	CU_ASSERT(hist_has(a, 0, LACP_M_ACTOR_CHURN, LACP_CHURN_DETECTED, "no sync for 60 s", up));
	/* Still defaulted and still trying at the fast rate. */
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_DEFAULTED);
	CU_ASSERT_EQUAL(wire_sent(w, a, 0, up + 50 * SEC, up + 60 * SEC), 10);
	wire_done(w);
}

static void test_churn_is_detected_on_a_member_cabled_to_another_system(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);
	struct lacp_team *c = wire_team(w, 3, true, true, 30, 2);

	wire_connect(w, a, 0, b, 0);
	wire_run_for(w, 5 * SEC);
	CU_ASSERT(dist(a, 0) && dist(b, 0));
	uint64_t x = w->now;
	wire_connect(w, b, 1, c, 1);  /* B's aggregator belongs to A: member 1 stays out */
	wire_run_until(w, x + LACP_CHURN_DETECTION_NS - 1);
	CU_ASSERT_EQUAL(info_of(b, 1).actor_churn, LACP_CHURN_MONITOR);
	wire_run_until(w, x + LACP_CHURN_DETECTION_NS);
	struct lacp_member_info i = info_of(b, 1);
	CU_ASSERT_FALSE(i.selected);
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "partner system differs from the aggregator's");
	CU_ASSERT_EQUAL(i.actor_churn, LACP_CHURN_DETECTED);
	CU_ASSERT_EQUAL(i.partner_churn, LACP_CHURN_NONE);  /* C is attached: in sync */
	/* C took B for its LAG and waits for a sync that never comes. */
	i = info_of(c, 1);
	CU_ASSERT(i.selected);
	CU_ASSERT_EQUAL(i.mux, LACP_MUX_ATTACHED);
	CU_ASSERT_EQUAL(i.actor_churn, LACP_CHURN_NONE);
	CU_ASSERT_EQUAL(i.partner_churn, LACP_CHURN_DETECTED);
	CU_ASSERT_EQUAL(info_of(b, 0).actor_churn, LACP_CHURN_NONE);
	CU_ASSERT(dist(a, 0) && dist(b, 0));
	wire_done(w);
}

/* ---- marker responder ---- */

static void test_marker_is_answered_with_its_fields_echoed(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 2);
	struct wire_team *wa = wire_team_of(w, a);
	uint8_t f[LACP_FRAME_LEN];
	struct lacp_frame out;

	lacp_link_change(a, 1, true, w->now);
	wire_run_for(w, 10 * SEC);
	frame_marker(f, 0xfeedf00d, false);
	CU_ASSERT_EQUAL(lacp_rx(a, 1, f, sizeof(f), w->now), LACP_RX_MARKER_ANSWERED);
	CU_ASSERT_EQUAL(lacp_next_deadline(a), w->now);  /* the answer is due now */
	unsigned before = w->logn;
	wire_run_all(w);
	CU_ASSERT_EQUAL(w->logn, before + 1);
	CU_ASSERT_EQUAL(w->log[before].subtype, LACP_SUBTYPE_MARKER);
	CU_ASSERT_EQUAL(wa->last_len[1], LACP_FRAME_LEN);
	CU_ASSERT_EQUAL(lacp_frame_parse(wa->last[1], wa->last_len[1], &out), LACP_RX_MARKER_RESPONSE);
	CU_ASSERT_EQUAL(out.marker.requester_port, 0x0203);
	CU_ASSERT_EQUAL(memcmp(out.marker.requester_system, requester, 6), 0);
	CU_ASSERT_EQUAL(out.marker.transaction_id, 0xfeedf00d);
	const uint8_t member_mac[6] = { 0x02, 0, 0, 0, 1, 2 };
	CU_ASSERT_EQUAL(memcmp(out.src, member_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(wa->last[1], lacp_slow_proto_mac, 6), 0);

	/* A response is counted and answered with nothing; a down link answers nothing. */
	frame_marker(f, 1, true);
	CU_ASSERT_EQUAL(lacp_rx(a, 1, f, sizeof(f), w->now), LACP_RX_MARKER_RESPONSE);
	frame_marker(f, 2, false);
	CU_ASSERT_EQUAL(lacp_rx(a, 0, f, sizeof(f), w->now), LACP_RX_PORT_DISABLED);
	before = w->logn;
	wire_run_all(w);
	CU_ASSERT_EQUAL(w->logn, before);
	struct lacp_member_info i = info_of(a, 1);
	CU_ASSERT_EQUAL(i.stats.marker_response_tx, 1);
	CU_ASSERT_EQUAL(i.stats.rx[LACP_RX_MARKER_ANSWERED], 1);
	CU_ASSERT_EQUAL(i.stats.rx[LACP_RX_MARKER_RESPONSE], 1);
	CU_ASSERT_EQUAL(i.marker_rx, 2);
	CU_ASSERT_EQUAL(i.malformed, 0);
	wire_done(w);
}

static void test_marker_flood_is_answered_at_most_5_times_a_second(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);
	uint8_t f[LACP_FRAME_LEN];
	unsigned answered = 0;

	lacp_link_change(a, 0, true, w->now);
	wire_run_for(w, 10 * SEC);
	uint64_t t = w->now;
	for (unsigned k = 0; k < 300; k++) {  /* 100 markers a second for 3 s */
		wire_run_until(w, t + k * 10 * MS);
		frame_marker(f, k, false);
		answered += lacp_rx(a, 0, f, sizeof(f), w->now) == LACP_RX_MARKER_ANSWERED;
	}
	wire_run_all(w);
	CU_ASSERT_EQUAL(answered, 15);
	struct lacp_member_info i = info_of(a, 0);
	CU_ASSERT_EQUAL(i.stats.marker_response_tx, 15);
	CU_ASSERT_EQUAL(i.stats.rx[LACP_RX_MARKER_RATE_LIMITED], 285);
	wire_done(w);
}

/* ---- malformed frames change nothing ---- */

struct mutation {
	unsigned at;   /* frame octet, or ~0u for "truncate to len" */
	uint8_t value;
	uint32_t len;
	enum lacp_rx_result want;
};

static const struct mutation mutations[] = {
	{ ~0u, 0, 0, LACP_RX_TRUNCATED },   { ~0u, 0, 13, LACP_RX_TRUNCATED },
	{ ~0u, 0, 16, LACP_RX_TRUNCATED },  { ~0u, 0, 40, LACP_RX_TRUNCATED },
	{ ~0u, 0, 60, LACP_RX_TRUNCATED },  { ~0u, 0, 123, LACP_RX_TRUNCATED },
	{ 0, 0x02, 124, LACP_RX_BAD_DST_MAC }, { 12, 0x81, 124, LACP_RX_BAD_ETHERTYPE },
	{ 14, 4, 124, LACP_RX_BAD_SUBTYPE },   { 15, 0, 124, LACP_RX_BAD_VERSION },
	{ 16, 2, 124, LACP_RX_BAD_ACTOR_TLV }, { 17, 18, 124, LACP_RX_BAD_ACTOR_LEN },
	{ 36, 0, 124, LACP_RX_BAD_PARTNER_TLV }, { 37, 21, 124, LACP_RX_BAD_PARTNER_LEN },
	{ 56, 2, 124, LACP_RX_BAD_COLLECTOR_TLV }, { 57, 14, 124, LACP_RX_BAD_COLLECTOR_LEN },
	{ 72, 3, 124, LACP_RX_BAD_TERMINATOR }, { 73, 1, 124, LACP_RX_BAD_TERMINATOR_LEN },
};

static void test_malformed_lacpdus_are_counted_by_reason_and_change_nothing(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 1);
	unsigned l = wire_connect(w, a, 0, b, 0);
	uint8_t good[LACP_FRAME_LEN], f[LACP_FRAME_LEN];
	const unsigned n = sizeof(mutations) / sizeof(mutations[0]);

	wire_run_for(w, 5 * SEC);
	CU_ASSERT(dist(a, 0));
	/* B goes silent; what A gets from now on is B's last LACPDU, each time broken. */
	memcpy(good, wire_team_of(w, b)->last[0], LACP_FRAME_LEN);
	w->links[l].drop[1] = true;
	uint64_t last = w->links[l].last_rx[0];
	for (unsigned k = 0; k < 25; k++) {  /* every 100 ms until after the timeout */
		const struct mutation *mu = &mutations[k % n];
		struct lacp_member_info before, after;

		wire_run_until(w, last + (k + 1) * 100 * MS);
		before = info_of(a, 0);
		memcpy(f, good, sizeof(f));
		if (mu->at != ~0u)
			f[mu->at] = mu->value;
		CU_ASSERT_EQUAL(lacp_rx(a, 0, f, mu->len, w->now), mu->want);
		after = info_of(a, 0);
		CU_ASSERT(party_eq(&before.partner, &after.partner));
		CU_ASSERT(party_eq(&before.actor, &after.actor));
		CU_ASSERT_EQUAL(before.rx, after.rx);
		CU_ASSERT_EQUAL(before.mux, after.mux);
		CU_ASSERT_EQUAL(before.periodic, after.periodic);
		CU_ASSERT_EQUAL(before.last_change_ns, after.last_change_ns);
		CU_ASSERT_EQUAL(after.stats.rx[mu->want], before.stats.rx[mu->want] + 1);
		CU_ASSERT_EQUAL(after.malformed, before.malformed + 1);
		CU_ASSERT_EQUAL(after.lacpdu_rx, before.lacpdu_rx);
	}
	/* None of them refreshed the partner: it still times out on the nanosecond. */
	wire_run_until(w, last + LACP_SHORT_TIMEOUT_NS - 1);
	CU_ASSERT(dist(a, 0));
	wire_run_until(w, last + LACP_SHORT_TIMEOUT_NS);
	CU_ASSERT_FALSE(dist(a, 0));
	CU_ASSERT_EQUAL(info_of(a, 0).malformed, 25);
	/* The untouched frame is still good. */
	CU_ASSERT_EQUAL(lacp_rx(a, 0, good, sizeof(good), w->now), LACP_RX_OK);
	wire_done(w);
}

/* ---- transitions and their reasons ---- */

static void test_a_timeout_is_recorded_step_by_step_with_reasons(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 1);
	unsigned l = wire_connect(w, a, 0, b, 0);
	struct lacp_transition h[LACP_HISTORY];

	wire_run_for(w, 5 * SEC);
	w->links[l].drop[1] = true;
	uint64_t last = w->links[l].last_rx[0];
	wire_run_until(w, last + 2 * LACP_SHORT_TIMEOUT_NS);
	unsigned n = lacp_member_history(a, 0, h, LACP_HISTORY);
	static const struct {
		enum lacp_machine mc;
		unsigned from, to;
		uint64_t at;
		const char *why;
	} want[] = {
		{ LACP_M_RECEIVE, LACP_RCV_CURRENT, LACP_RCV_EXPIRED, 3, "partner timed out" },
		{ LACP_M_MUX, LACP_MUX_COLLECTING_DISTRIBUTING, LACP_MUX_ATTACHED, 3, "partner timed out" },
		{ LACP_M_PARTNER_CHURN, LACP_CHURN_NONE, LACP_CHURN_MONITOR, 3, "partner out of sync" },
		{ LACP_M_RECEIVE, LACP_RCV_EXPIRED, LACP_RCV_DEFAULTED, 6, "partner timed out" },
		{ LACP_M_SELECTION, LACP_SEL_SELECTED, LACP_SEL_UNSELECTED, 6, "partner timed out" },
		{ LACP_M_MUX, LACP_MUX_ATTACHED, LACP_MUX_DETACHED, 6, "partner timed out" },
		{ LACP_M_ACTOR_CHURN, LACP_CHURN_NONE, LACP_CHURN_MONITOR, 6, "actor out of sync" },
	};
	const unsigned nw = sizeof(want) / sizeof(want[0]);
	CU_ASSERT_FATAL(n >= nw);
	for (unsigned k = 0; k < nw; k++) {
		const struct lacp_transition *t = &h[n - nw + k];
		CU_ASSERT_EQUAL(t->machine, want[k].mc);
		CU_ASSERT_EQUAL(t->from, want[k].from);
		CU_ASSERT_EQUAL(t->to, want[k].to);
		CU_ASSERT_EQUAL(t->at_ns, last + want[k].at * SEC);
		CU_ASSERT_STRING_EQUAL(t->why, want[k].why);
	}
	/* Fewer asked, fewer given: the latest ones, oldest first. */
	CU_ASSERT_EQUAL(lacp_member_history(a, 0, h, 2), 2);
	CU_ASSERT_EQUAL(h[1].machine, LACP_M_ACTOR_CHURN);
	CU_ASSERT_EQUAL(lacp_member_history(a, 5, h, 2), 0);
	CU_ASSERT_STRING_EQUAL(lacp_state_name(LACP_M_MUX, LACP_MUX_WAITING), "WAITING");
	CU_ASSERT_STRING_EQUAL(lacp_state_name(LACP_M_PARTNER_CHURN, LACP_CHURN_NONE), "NO_PARTNER_CHURN");
	CU_ASSERT_STRING_EQUAL(lacp_state_name(LACP_M_RECEIVE, 99), "?");
	CU_ASSERT_STRING_EQUAL(lacp_machine_name(LACP_M_SELECTION), "selection");
	wire_done(w);
}

/* ---- LACP disabled ---- */

static void test_lacp_disabled_member_is_never_selected_and_sends_nothing(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 2);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);

	wire_connect(w, a, 0, b, 0);
	wire_connect(w, a, 1, b, 1);
	wire_run_for(w, 5 * SEC);
	uint64_t x = w->now;
	CU_ASSERT_EQUAL(lacp_member_set_lacp_enabled(a, 0, false, x), 0);
	CU_ASSERT_FALSE(dist(a, 0));
	CU_ASSERT(dist(a, 1));
	struct lacp_member_info i = info_of(a, 0);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_LACP_DISABLED);
	CU_ASSERT_EQUAL(i.periodic, LACP_PTX_NO_PERIODIC);
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "lacp disabled");
	CU_ASSERT(hist_has(a, 0, LACP_M_SELECTION, LACP_SEL_UNSELECTED, "lacp disabled", x));
	CU_ASSERT(hist_has(a, 0, LACP_M_MUX, LACP_MUX_ATTACHED, "lacp disabled", x));
	wire_run_for(w, 10 * SEC);
	CU_ASSERT_EQUAL(wire_sent(w, a, 0, x + 1, w->now), 0);
	CU_ASSERT_FALSE(dist(b, 0));
	CU_ASSERT_EQUAL(lacp_member_set_lacp_enabled(a, 0, true, w->now), 0);
	wire_run_for(w, 3 * SEC);
	CU_ASSERT(dist(a, 0) && dist(b, 0));
	wire_done(w);
}

/* ---- configuration ---- */

static void test_bad_configuration_is_refused_with_a_reason(void)
{
	struct lacp_team_cfg cfg = { .system_mac = { 0x03, 0, 0, 0, 0, 1 }, .key = 1 };
	struct lacp_member_cfg mc = { .port = 1 };
	struct lacp_team *t = NULL;
	const char *err = NULL;
	struct lacp_member_info i;
	uint8_t f[LACP_FRAME_LEN] = { 0 };

	CU_ASSERT_EQUAL(lacp_team_create(&cfg, &t, &err), -EINVAL);
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_PTR_NOT_NULL(err);
	memset(cfg.system_mac, 0, 6);
	CU_ASSERT_EQUAL(lacp_team_create(&cfg, &t, &err), -EINVAL);
	CU_ASSERT_EQUAL(lacp_team_create(NULL, &t, &err), -EINVAL);
	cfg.system_mac[0] = 0x02;
	cfg.system_mac[5] = 0x01;
	CU_ASSERT_FATAL(lacp_team_create(&cfg, &t, &err) == 0);

	CU_ASSERT_EQUAL(lacp_member_add(t, LACP_MAX_MEMBERS, &mc, 0, &err), -ERANGE);
	CU_ASSERT_STRING_EQUAL(err, "member index out of range");
	mc.port = 0;
	CU_ASSERT_EQUAL(lacp_member_add(t, 0, &mc, 0, &err), -EINVAL);
	mc.port = 7;
	CU_ASSERT_EQUAL(lacp_member_add(t, 0, &mc, 0, &err), 0);
	CU_ASSERT_EQUAL(lacp_member_add(t, 0, &mc, 0, &err), -EEXIST);
	CU_ASSERT_EQUAL(lacp_member_add(t, 1, &mc, 0, &err), -EEXIST);
	CU_ASSERT_STRING_EQUAL(err, "port number already used in this team");

	CU_ASSERT_EQUAL(lacp_link_change(t, 1, true, 0), -ENOENT);
	CU_ASSERT_EQUAL(lacp_link_change(t, 99, true, 0), -ENOENT);
	CU_ASSERT_EQUAL(lacp_member_set_lacp_enabled(t, 1, true, 0), -ENOENT);
	CU_ASSERT_EQUAL(lacp_rx(t, 1, f, sizeof(f), 0), LACP_RX_NO_MEMBER);
	CU_ASSERT_EQUAL(lacp_member_info(t, 1, &i), -ENOENT);
	CU_ASSERT_FALSE(lacp_member_distributing(t, 1));
	CU_ASSERT_FALSE(lacp_member_distributing(t, 1000));
	/* A member's key and MAC default to the team's. */
	CU_ASSERT_EQUAL(lacp_member_info(t, 0, &i), 0);
	CU_ASSERT_EQUAL(i.actor.key, 1);
	CU_ASSERT_EQUAL(i.actor.port, 7);
	CU_ASSERT_EQUAL(i.actor.system[0], 0x02);
	CU_ASSERT_FALSE(i.link_up);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_PORT_DISABLED);
	CU_ASSERT_EQUAL(lacp_next_deadline(t), LACP_NO_DEADLINE);
	lacp_run(t, 1, NULL, NULL);  /* no tx function: timers only */
	lacp_team_destroy(t);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("lacp_events", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_churn_is_detected_after_exactly_60_s_without_sync);
	CU_ADD(s, test_churn_is_detected_on_a_member_cabled_to_another_system);
	CU_ADD(s, test_marker_is_answered_with_its_fields_echoed);
	CU_ADD(s, test_marker_flood_is_answered_at_most_5_times_a_second);
	CU_ADD(s, test_malformed_lacpdus_are_counted_by_reason_and_change_nothing);
	CU_ADD(s, test_a_timeout_is_recorded_step_by_step_with_reasons);
	CU_ADD(s, test_lacp_disabled_member_is_never_selected_and_sends_nothing);
	CU_ADD(s, test_bad_configuration_is_refused_with_a_reason);
	return CU_get_error();
}
