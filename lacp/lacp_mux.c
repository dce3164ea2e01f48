/* lacp_mux: the Mux machine with coupled control (802.1AX 6.4.15) and the
 * Actor/Partner Churn Detection machines (6.4.17). */
#include "lacp_internal.h"

static bool selected(const struct lacp_member *m)
{
	return m->sel == LACP_SEL_SELECTED;
}

static bool partner_sync(const struct lacp_member *m)
{
	return m->partner.state & LACP_STATE_SYNC;
}

/** Ready: every member selected for the aggregator and WAITING has waited
 *  aggregate_wait_time, so links that come up together attach together. */
static bool ready(const struct lacp_team *t)
{
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		const struct lacp_member *o = &t->m[i];

		if (o->present && selected(o) && o->mux == LACP_MUX_WAITING &&
		    !lacp_timer_expired(o->wait_while, t->now))
			return false;
	}
	return true;
}

static void actor_bits(struct lacp_member *m, bool sync, bool col_dist)
{
	lacp_set_bit(&m->actor.state, LACP_STATE_SYNC, sync);
	lacp_set_bit(&m->actor.state, LACP_STATE_COLLECTING, col_dist);
	lacp_set_bit(&m->actor.state, LACP_STATE_DISTRIBUTING, col_dist);
}

static void enter(struct lacp_team *t, struct lacp_member *m, enum lacp_mux_state s, const char *why)
{
	lacp_record(t, m, LACP_M_MUX, m->mux, s, why);
	m->mux = s;
	switch (s) {
	case LACP_MUX_DETACHED:
		m->wait_while = LACP_TIMER_OFF;
		actor_bits(m, false, false);
		m->ntt = true;
		break;
	case LACP_MUX_WAITING:
		m->wait_while = lacp_timer_start(t->now, LACP_AGGREGATE_WAIT_NS);
		break;
	case LACP_MUX_ATTACHED:
		m->wait_while = LACP_TIMER_OFF;
		actor_bits(m, true, false);
		m->ntt = true;
		break;
	case LACP_MUX_COLLECTING_DISTRIBUTING:
		actor_bits(m, true, true);
		m->ntt = true;
		break;
	}
}

void lacp_mux_step(struct lacp_team *t, struct lacp_member *m)
{
	const char *unsel = m->unselect_why ? m->unselect_why : "unselected";

	switch (m->mux) {
	case LACP_MUX_DETACHED:
		if (selected(m))
			enter(t, m, LACP_MUX_WAITING, "selected");
		break;
	case LACP_MUX_WAITING:
		if (!selected(m))
			enter(t, m, LACP_MUX_DETACHED, unsel);
		else if (ready(t))
			enter(t, m, LACP_MUX_ATTACHED, "aggregate wait over");
		break;
	case LACP_MUX_ATTACHED:
		if (!selected(m))
			enter(t, m, LACP_MUX_DETACHED, unsel);
		else if (partner_sync(m))
			enter(t, m, LACP_MUX_COLLECTING_DISTRIBUTING, "partner in sync");
		break;
	case LACP_MUX_COLLECTING_DISTRIBUTING:
		if (!selected(m))
			enter(t, m, LACP_MUX_ATTACHED, unsel);
		else if (!partner_sync(m))
			enter(t, m, LACP_MUX_ATTACHED,
			      m->sync_lost_why ? m->sync_lost_why : "partner not in sync");
		break;
	}
}

/* ---- churn detection: [0] watches actor sync, [1] partner sync ---- */

static bool watched_sync(const struct lacp_member *m, int which)
{
	return (which ? m->partner.state : m->actor.state) & LACP_STATE_SYNC;
}

static void churn_enter(struct lacp_team *t, struct lacp_member *m, int which,
			enum lacp_churn_state s, const char *why)
{
	lacp_record(t, m, which ? LACP_M_PARTNER_CHURN : LACP_M_ACTOR_CHURN, m->churn[which], s, why);
	m->churn[which] = s;
	if (s == LACP_CHURN_MONITOR)
		m->churn_timer[which] = m->port_enabled ? lacp_timer_start(t->now, LACP_CHURN_DETECTION_NS)
							: LACP_TIMER_OFF;
	else
		m->churn_timer[which] = LACP_TIMER_OFF;
	if (s == LACP_CHURN_DETECTED) {
		if (which)
			m->stats.partner_churn++;
		else
			m->stats.actor_churn++;
	}
}

/** BEGIN or a port state change (re)starts monitoring; while the port is down
 *  the timer is stopped, so a down link never reports churn. */
void lacp_churn_link(struct lacp_team *t, struct lacp_member *m, bool up)
{
	for (int w = 0; w < 2; w++) {
		if (m->churn[w] != LACP_CHURN_MONITOR)
			churn_enter(t, m, w, LACP_CHURN_MONITOR, up ? "link up" : "link down");
		else
			m->churn_timer[w] = up ? lacp_timer_start(t->now, LACP_CHURN_DETECTION_NS)
					       : LACP_TIMER_OFF;
	}
}

void lacp_churn_step(struct lacp_team *t, struct lacp_member *m, int which)
{
	bool sync = watched_sync(m, which);

	if (!m->port_enabled)
		return;  /* held in MONITOR by lacp_churn_link() */
	switch (m->churn[which]) {
	case LACP_CHURN_NONE:
		if (!sync)
			churn_enter(t, m, which, LACP_CHURN_MONITOR, which ? "partner out of sync"
									  : "actor out of sync");
		break;
	case LACP_CHURN_MONITOR:
		if (sync)
			churn_enter(t, m, which, LACP_CHURN_NONE, "in sync");
		else if (lacp_timer_expired(m->churn_timer[which], t->now))
			churn_enter(t, m, which, LACP_CHURN_DETECTED, "no sync for 60 s");
		break;
	case LACP_CHURN_DETECTED:
		if (sync)
			churn_enter(t, m, which, LACP_CHURN_NONE, "in sync");
		break;
	}
}
