/* Tests for lacp selection under faults: loopback, a partner that changes,
 * keys that do not match, competing LAGs, moved cables, individual links. */
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

/** Team id 1 whose member 1 has key 11 while member 0 has the team key 10. */
static struct lacp_team *team_split_keys(struct wire *w)
{
	struct lacp_team_cfg cfg = { .system_mac = { 0x02, 0, 0, 0, 0, 1 }, .system_priority = 32768,
				     .key = 10, .active = true, .fast = true };
	struct lacp_member_cfg m0 = { .port = 1, .port_priority = 32768 };
	struct lacp_member_cfg m1 = { .port = 2, .port_priority = 32768, .key = 11 };
	struct lacp_team *t = NULL;

	CU_ASSERT_FATAL(lacp_team_create(&cfg, &t, NULL) == 0);
	CU_ASSERT_FATAL(lacp_member_add(t, 0, &m0, w->now, NULL) == 0);
	CU_ASSERT_FATAL(lacp_member_add(t, 1, &m1, w->now, NULL) == 0);
	wire_add_team(w, t);
	return t;
}

/** An LACPDU frame from a made-up partner. */
static uint32_t frame_from(uint8_t *f, const struct lacp_party *actor, const struct lacp_party *partner)
{
	struct lacp_pdu pdu = { .version = 1, .actor = *actor };
	const uint8_t src[6] = { 0x02, 0, 0, 0, 0x77, 1 };

	if (partner)
		pdu.partner = *partner;
	return lacp_pdu_build(f, LACP_FRAME_LEN, src, &pdu);
}

/* ---- loopback ---- */

static void check_loopback(struct lacp_team *a, unsigned m)
{
	struct lacp_member_info i = info_of(a, m);

	CU_ASSERT_FALSE(i.distributing);
	CU_ASSERT_FALSE(i.selected);
	CU_ASSERT(i.loopback);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_CURRENT);
	CU_ASSERT_EQUAL(i.partner.system[5], 1);  /* ourselves */
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "loopback: partner is our own system");
	CU_ASSERT(i.stats.rx[LACP_RX_LOOPBACK] > 0);
	CU_ASSERT_EQUAL(i.stats.rx[LACP_RX_OK], 0);
}

static void test_member_wired_to_another_member_of_its_team_is_refused(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 2);
	struct lacp_team_info ti;

	wire_connect(w, a, 0, a, 1);
	wire_run_for(w, 20 * SEC);
	check_loopback(a, 0);
	check_loopback(a, 1);
	CU_ASSERT_EQUAL(info_of(a, 0).partner.port, 2);
	lacp_team_info(a, &ti);
	CU_ASSERT_FALSE(ti.aggregator_bound);
	wire_done(w);
}

static void test_member_wired_to_itself_is_refused(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);

	wire_connect(w, a, 0, a, 0);
	wire_run_for(w, 20 * SEC);
	check_loopback(a, 0);
	CU_ASSERT_EQUAL(info_of(a, 0).partner.port, 1);
	wire_done(w);
}

static void test_loopback_is_cleared_when_a_real_partner_answers(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 1);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 1);
	unsigned l = wire_connect(w, a, 0, a, 0);

	wire_run_for(w, 5 * SEC);
	check_loopback(a, 0);
	wire_replug(w, l, 1, b, 0);
	lacp_link_change(b, 0, true, w->now);
	wire_run_for(w, 3 * SEC);
	CU_ASSERT(dist(a, 0) && dist(b, 0));
	CU_ASSERT_FALSE(info_of(a, 0).loopback);
	wire_done(w);
}

/* ---- a partner that changes ---- */

static void test_partner_changing_system_id_detaches_then_reattaches(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 2);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);
	struct lacp_team *c = wire_team(w, 3, true, true, 30, 2);
	unsigned l0 = wire_connect(w, a, 0, b, 0), l1 = wire_connect(w, a, 1, b, 1);
	struct lacp_team_info ti;

	wire_run_for(w, 5 * SEC);
	CU_ASSERT(dist(a, 0) && dist(a, 1));

	/* Both links now reach C (say, the far end's system MAC changed). */
	uint64_t x = w->now;
	wire_replug(w, l0, 1, c, 0);
	wire_replug(w, l1, 1, c, 1);
	lacp_link_change(c, 0, true, x);
	lacp_link_change(c, 1, true, x);
	wire_run_all(w);
	wire_run_until(w, x);
	CU_ASSERT_FALSE(dist(a, 0));
	CU_ASSERT_FALSE(dist(a, 1));
	CU_ASSERT(hist_has(a, 0, LACP_M_SELECTION, LACP_SEL_UNSELECTED, "partner changed system id", x));
	CU_ASSERT(hist_has(a, 0, LACP_M_MUX, LACP_MUX_DETACHED, "partner changed system id", x));
	CU_ASSERT(hist_has(a, 1, LACP_M_MUX, LACP_MUX_DETACHED, "partner changed system id", x));

	wire_run_until(w, x + LACP_AGGREGATE_WAIT_NS);
	CU_ASSERT(dist(a, 0) && dist(a, 1) && dist(c, 0) && dist(c, 1));
	CU_ASSERT(hist_has(a, 0, LACP_M_MUX, LACP_MUX_COLLECTING_DISTRIBUTING, NULL, x));
	lacp_team_info(a, &ti);
	CU_ASSERT_EQUAL(ti.partner_system[5], 3);
	CU_ASSERT_EQUAL(ti.partner_key, 30);
	CU_ASSERT_EQUAL(info_of(a, 1).partner.system[5], 3);
	wire_done(w);
}

static void test_partner_changing_key_on_one_link_takes_only_that_link_out(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 2);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);
	struct lacp_team *b2 = wire_team(w, 2, true, true, 21, 2);  /* same system, other key */
	unsigned l1;

	wire_connect(w, a, 0, b, 0);
	l1 = wire_connect(w, a, 1, b, 1);
	wire_run_for(w, 5 * SEC);
	CU_ASSERT(dist(a, 0) && dist(a, 1));
	uint64_t x = w->now;
	wire_replug(w, l1, 1, b2, 1);
	lacp_link_change(b2, 1, true, x);
	wire_run_for(w, 10 * SEC);
	CU_ASSERT(dist(a, 0));
	CU_ASSERT_FALSE(dist(a, 1));
	CU_ASSERT(hist_has(a, 1, LACP_M_MUX, LACP_MUX_DETACHED, "partner changed key", x));
	CU_ASSERT_STRING_EQUAL(info_of(a, 1).not_selected_why, "partner key differs from the aggregator's");
	wire_done(w);
}

/* ---- keys and competing LAGs ---- */

static void test_members_with_different_keys_are_not_aggregated_together(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = team_split_keys(w);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);

	wire_connect(w, a, 0, b, 0);
	wire_connect(w, a, 1, b, 1);
	wire_run_for(w, 30 * SEC);
	/* A (lower system ID) decides: its best port, member 0, holds the aggregator. */
	CU_ASSERT(dist(a, 0) && dist(b, 0));
	CU_ASSERT_FALSE(dist(a, 1));
	CU_ASSERT_FALSE(dist(b, 1));
	struct lacp_member_info i = info_of(a, 1);
	CU_ASSERT_EQUAL(i.actor.key, 11);
	CU_ASSERT_EQUAL(i.mux, LACP_MUX_DETACHED);
	CU_ASSERT_FALSE(i.actor.state & LACP_STATE_SYNC);
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "our key differs from the aggregator's");
	i = info_of(b, 1);
	CU_ASSERT_EQUAL(i.partner.key, 11);
	CU_ASSERT_STRING_EQUAL(i.not_selected_why, "partner key differs from the aggregator's");
	CU_ASSERT_EQUAL(lacp_team_distributing_mask(a), 0x1);
	wire_done(w);
}

static void test_a_distributing_lag_is_not_preempted_by_a_better_one(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = team_split_keys(w);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);

	wire_connect(w, a, 1, b, 1);  /* the worse LAG comes up first and works */
	wire_run_for(w, 5 * SEC);
	CU_ASSERT(dist(a, 1) && dist(b, 1));
	wire_connect(w, a, 0, b, 0);
	wire_run_for(w, 30 * SEC);
	CU_ASSERT(dist(a, 1) && dist(b, 1));
	CU_ASSERT_FALSE(dist(a, 0));
	CU_ASSERT_FALSE(dist(b, 0));
	CU_ASSERT_STRING_EQUAL(info_of(a, 0).not_selected_why, "our key differs from the aggregator's");
	wire_done(w);
}

static void test_sides_that_bound_different_lags_converge_on_the_better_one(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = team_split_keys(w);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);
	unsigned l0, l1;

	/* One-way links: A hears only on link 0, B only on link 1, so A binds
	 * the LAG of member 0 and B the one of member 1. */
	l1 = wire_plug(w, a, 1, b, 1);
	w->links[l1].drop[1] = true;
	l0 = wire_plug(w, a, 0, b, 0);
	w->links[l0].drop[0] = true;
	wire_link_set(w, l1, true);
	wire_link_set(w, l0, true);
	wire_run_for(w, 2 * SEC + 500 * MS);
	CU_ASSERT(info_of(a, 0).selected);
	CU_ASSERT(info_of(b, 1).selected);
	w->links[l0].drop[0] = false;
	w->links[l1].drop[1] = false;
	wire_run_for(w, 10 * SEC);
	CU_ASSERT(dist(a, 0) && dist(b, 0));
	CU_ASSERT_FALSE(dist(a, 1) || dist(b, 1));
	CU_ASSERT(hist_has(b, 1, LACP_M_SELECTION, LACP_SEL_UNSELECTED, "preempted by a better LAG", WIRE_T0));
	wire_done(w);
}

static void test_port_priority_of_the_deciding_system_picks_the_lag(void)
{
	struct wire *w = wire_new();
	struct lacp_team_cfg cfg = { .system_mac = { 0x02, 0, 0, 0, 0, 1 }, .system_priority = 32768,
				     .key = 10, .active = true, .fast = true };
	struct lacp_member_cfg m0 = { .port = 1, .port_priority = 40000 };
	struct lacp_member_cfg m1 = { .port = 2, .port_priority = 100, .key = 11 };
	struct lacp_team *a = NULL;

	CU_ASSERT_FATAL(lacp_team_create(&cfg, &a, NULL) == 0);
	lacp_member_add(a, 0, &m0, w->now, NULL);
	lacp_member_add(a, 1, &m1, w->now, NULL);
	wire_add_team(w, a);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 2);
	wire_connect(w, a, 0, b, 0);
	wire_connect(w, a, 1, b, 1);
	wire_run_for(w, 10 * SEC);
	CU_ASSERT(dist(a, 1) && dist(b, 1));  /* member 1 has the better port priority */
	CU_ASSERT_FALSE(dist(a, 0) || dist(b, 0));
	wire_done(w);
}

/* ---- moved cables, individual links ---- */

static void test_partner_port_seen_on_another_member_resets_the_disabled_one(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 3);
	struct lacp_team *b = wire_team(w, 2, true, true, 20, 1);
	unsigned l = wire_connect(w, a, 0, b, 0);

	wire_run_for(w, 5 * SEC);
	CU_ASSERT(dist(a, 0));
	lacp_link_change(a, 0, false, w->now);  /* the cable leaves member 0 ... */
	CU_ASSERT_EQUAL(info_of(a, 0).partner.system[5], 2);
	uint64_t x = w->now;
	wire_replug(w, l, 0, a, 2);  /* ... and goes into member 2 */
	lacp_link_change(a, 2, true, x);
	wire_run_for(w, 3 * SEC);
	CU_ASSERT(dist(a, 2));
	struct lacp_member_info i = info_of(a, 0);
	CU_ASSERT_EQUAL(i.rx, LACP_RCV_PORT_DISABLED);
	CU_ASSERT_EQUAL(i.partner.system[5], 0);  /* forgotten: back to the defaults */
	CU_ASSERT(i.actor.state & LACP_STATE_DEFAULTED);
	CU_ASSERT(hist_has(a, 0, LACP_M_RECEIVE, LACP_RCV_INITIALIZE, "partner port moved", x));
	wire_done(w);
}

static void test_individual_partner_links_each_get_the_aggregator_alone(void)
{
	struct wire *w = wire_new();
	struct lacp_team *a = wire_team(w, 1, true, true, 10, 2);
	uint8_t f[LACP_FRAME_LEN];
	struct lacp_party p0 = { .system_priority = 1, .system = { 0x02, 0, 0, 0, 0, 0x77 }, .key = 5,
				 .port_priority = 1, .port = 1,
				 .state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_SYNC |
					  LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING };
	struct lacp_party p1 = p0;

	p1.port = 2;
	lacp_link_change(a, 0, true, w->now);
	lacp_link_change(a, 1, true, w->now);
	for (int k = 0; k < 6; k++) {  /* an individual partner, once a second for 6 s */
		uint32_t len = frame_from(f, &p0, NULL);
		CU_ASSERT_EQUAL(lacp_rx(a, 0, f, len, w->now), LACP_RX_OK);
		len = frame_from(f, &p1, NULL);
		CU_ASSERT_EQUAL(lacp_rx(a, 1, f, len, w->now), LACP_RX_OK);
		wire_run_for(w, 1 * SEC);
	}
	/* Individual links never share: member 0 (partner port 1, the better) has it. */
	CU_ASSERT(dist(a, 0));
	CU_ASSERT_FALSE(dist(a, 1));
	CU_ASSERT_STRING_EQUAL(info_of(a, 1).not_selected_why, "individual link: aggregator in use");
	CU_ASSERT(hist_has(a, 0, LACP_M_SELECTION, LACP_SEL_SELECTED, "individual link", WIRE_T0));
	wire_done(w);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("lacp_faults", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_member_wired_to_another_member_of_its_team_is_refused);
	CU_ADD(s, test_member_wired_to_itself_is_refused);
	CU_ADD(s, test_loopback_is_cleared_when_a_real_partner_answers);
	CU_ADD(s, test_partner_changing_system_id_detaches_then_reattaches);
	CU_ADD(s, test_partner_changing_key_on_one_link_takes_only_that_link_out);
	CU_ADD(s, test_members_with_different_keys_are_not_aggregated_together);
	CU_ADD(s, test_a_distributing_lag_is_not_preempted_by_a_better_one);
	CU_ADD(s, test_sides_that_bound_different_lags_converge_on_the_better_one);
	CU_ADD(s, test_port_priority_of_the_deciding_system_picks_the_lag);
	CU_ADD(s, test_partner_port_seen_on_another_member_resets_the_disabled_one);
	CU_ADD(s, test_individual_partner_links_each_get_the_aggregator_alone);
	return CU_get_error();
}
