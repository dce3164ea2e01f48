/* lacp_rx: the Receive machine (802.1AX 6.4.12) and its functions recordPDU,
 * recordDefault, update_Selected, update_Default_Selected and update_NTT. */
#include <string.h>

#include "lacp_internal.h"

static bool same_system(const struct lacp_party *a, const struct lacp_party *b)
{
	return a->system_priority == b->system_priority && memcmp(a->system, b->system, 6) == 0;
}

static bool agg_bit(const struct lacp_party *p)
{
	return p->state & LACP_STATE_AGGREGATION;
}

/** What differs between the LAG-relevant parameters of two party records,
 *  as a person would say it; NULL when nothing does. */
static const char *party_change(const struct lacp_party *was, const struct lacp_party *now)
{
	if (memcmp(was->system, now->system, 6) != 0)
		return "partner changed system id";
	if (was->system_priority != now->system_priority)
		return "partner changed system priority";
	if (was->key != now->key)
		return "partner changed key";
	if (was->port != now->port)
		return "partner changed port number";
	if (was->port_priority != now->port_priority)
		return "partner changed port priority";
	if (agg_bit(was) != agg_bit(now))
		return "partner changed aggregation bit";
	return NULL;
}

static void set_partner_sync(struct lacp_member *m, bool sync, const char *why)
{
	if (!sync && (m->partner.state & LACP_STATE_SYNC))
		m->sync_lost_why = why;
	lacp_set_bit(&m->partner.state, LACP_STATE_SYNC, sync);
}

static void record_default(struct lacp_member *m)
{
	m->partner = m->partner_admin;
	m->loopback = false;
	lacp_set_bit(&m->actor.state, LACP_STATE_DEFAULTED, true);
}

/** recordPDU: the PDU's actor becomes our partner; the partner is in sync when
 *  it says so and its view of us is right (or it is an individual link), as
 *  long as one of the two sides is active. */
static void record_pdu(struct lacp_team *t, struct lacp_member *m, const struct lacp_pdu *p)
{
	const struct lacp_party *a = &m->actor, *pa = &p->partner;
	bool matches = pa->port == a->port && pa->port_priority == a->port_priority &&
		       same_system(pa, a) && pa->key == a->key && agg_bit(pa) == agg_bit(a);
	bool active = (p->actor.state & LACP_STATE_ACTIVITY) || (a->state & LACP_STATE_ACTIVITY);
	bool sync = active && (p->actor.state & LACP_STATE_SYNC) && (matches || !agg_bit(&p->actor));
	bool had = m->partner.state & LACP_STATE_SYNC;

	m->partner = p->actor;
	lacp_set_bit(&m->partner.state, LACP_STATE_SYNC, had);
	set_partner_sync(m, sync, !active ? "both sides passive" :
				  !(p->actor.state & LACP_STATE_SYNC) ? "partner not in sync" :
				  "partner's view of us is out of date");
	m->loopback = p->actor.system_priority == t->cfg.system_priority &&
		      memcmp(p->actor.system, t->cfg.system_mac, 6) == 0;
	lacp_set_bit(&m->actor.state, LACP_STATE_DEFAULTED, false);
}

/** update_NTT: tell the partner at once when its view of us is stale. */
static void update_ntt(struct lacp_member *m, const struct lacp_pdu *p)
{
	const uint8_t bits = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_SYNC |
			     LACP_STATE_AGGREGATION;
	const struct lacp_party *a = &m->actor, *pa = &p->partner;

	if (pa->port != a->port || pa->port_priority != a->port_priority || !same_system(pa, a) ||
	    pa->key != a->key || ((pa->state ^ a->state) & bits))
		m->ntt = true;
}

static void enter(struct lacp_team *t, struct lacp_member *m, enum lacp_rcv_state s, const char *why)
{
	uint64_t now = t->now;

	if (m->rx != s)
		lacp_record(t, m, LACP_M_RECEIVE, m->rx, s, why);
	m->rx = s;
	switch (s) {
	case LACP_RCV_INITIALIZE:
		lacp_unselect(t, m, why);
		record_default(m);
		lacp_set_bit(&m->actor.state, LACP_STATE_EXPIRED, false);
		m->port_moved = false;
		m->current_while = LACP_TIMER_OFF;
		break;
	case LACP_RCV_PORT_DISABLED:
		set_partner_sync(m, false, why);
		/* Not in the standard's figure: a disabled port leaves its aggregator
		 * at once instead of lingering ATTACHED. */
		if (!m->port_enabled)
			lacp_unselect(t, m, why);
		m->current_while = LACP_TIMER_OFF;
		break;
	case LACP_RCV_EXPIRED:
		set_partner_sync(m, false, why);
		lacp_set_bit(&m->partner.state, LACP_STATE_TIMEOUT, true);
		m->current_while = lacp_timer_start(now, LACP_SHORT_TIMEOUT_NS);
		lacp_set_bit(&m->actor.state, LACP_STATE_EXPIRED, true);
		break;
	case LACP_RCV_LACP_DISABLED:
		lacp_unselect(t, m, why);
		record_default(m);
		lacp_set_bit(&m->partner.state, LACP_STATE_AGGREGATION, false);
		lacp_set_bit(&m->actor.state, LACP_STATE_EXPIRED, false);
		m->current_while = LACP_TIMER_OFF;
		break;
	case LACP_RCV_DEFAULTED: {
		const char *change = party_change(&m->partner, &m->partner_admin);

		if (change != NULL)  /* update_Default_Selected */
			lacp_unselect(t, m, why);
		record_default(m);
		lacp_set_bit(&m->actor.state, LACP_STATE_EXPIRED, false);
		m->current_while = LACP_TIMER_OFF;
		break;
	}
	case LACP_RCV_CURRENT: {
		const struct lacp_pdu *p = m->pdu;
		const char *change = party_change(&m->partner, &p->actor);

		m->pdu = NULL;
		if (change != NULL)  /* update_Selected */
			lacp_unselect(t, m, change);
		update_ntt(m, p);
		record_pdu(t, m, p);
		m->current_while = lacp_timer_start(now, (m->actor.state & LACP_STATE_TIMEOUT) ?
						    LACP_SHORT_TIMEOUT_NS : LACP_LONG_TIMEOUT_NS);
		lacp_set_bit(&m->actor.state, LACP_STATE_EXPIRED, false);
		break;
	}
	}
}

void lacp_rx_begin(struct lacp_team *t, struct lacp_member *m)
{
	m->rx = LACP_RCV_INITIALIZE;
	enter(t, m, LACP_RCV_INITIALIZE, "begin");
}

/** port_moved: a PDU from this partner port arrived on another member, so a
 *  disabled member still holding it re-initializes. */
void lacp_rx_mark_moved(struct lacp_team *t, const struct lacp_member *from, const struct lacp_pdu *pdu)
{
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		struct lacp_member *o = &t->m[i];

		if (o == from || !o->present || o->rx != LACP_RCV_PORT_DISABLED)
			continue;
		if (o->partner.port == pdu->actor.port && same_system(&o->partner, &pdu->actor))
			o->port_moved = true;
	}
}

void lacp_rx_step(struct lacp_team *t, struct lacp_member *m)
{
	bool expired = lacp_timer_expired(m->current_while, t->now);

	if (!m->port_enabled && !m->port_moved && m->rx != LACP_RCV_PORT_DISABLED) {
		enter(t, m, LACP_RCV_PORT_DISABLED, "link down");
		return;
	}
	/* Not in the figure, which leaves that to a port_enabled flap: turning
	 * LACP off on a running port goes through PORT_DISABLED to LACP_DISABLED. */
	if (!m->lacp_enabled && (m->rx == LACP_RCV_EXPIRED || m->rx == LACP_RCV_DEFAULTED ||
				 m->rx == LACP_RCV_CURRENT)) {
		enter(t, m, LACP_RCV_PORT_DISABLED, "lacp disabled");
		return;
	}
	switch (m->rx) {
	case LACP_RCV_INITIALIZE:
		enter(t, m, LACP_RCV_PORT_DISABLED, "initialized");
		break;
	case LACP_RCV_PORT_DISABLED:
		if (m->port_moved)
			enter(t, m, LACP_RCV_INITIALIZE, "partner port moved to another member");
		else if (m->port_enabled && m->lacp_enabled)
			enter(t, m, LACP_RCV_EXPIRED, "link up");
		else if (m->port_enabled)
			enter(t, m, LACP_RCV_LACP_DISABLED, "lacp disabled");
		break;
	case LACP_RCV_LACP_DISABLED:
		if (m->lacp_enabled)
			enter(t, m, LACP_RCV_PORT_DISABLED, "lacp enabled");
		break;
	case LACP_RCV_EXPIRED:
		if (m->pdu != NULL)
			enter(t, m, LACP_RCV_CURRENT, "partner heard");
		else if (expired)
			enter(t, m, LACP_RCV_DEFAULTED, "partner timed out");
		break;
	case LACP_RCV_DEFAULTED:
		if (m->pdu != NULL)
			enter(t, m, LACP_RCV_CURRENT, "partner heard");
		break;
	case LACP_RCV_CURRENT:
		if (m->pdu != NULL)
			enter(t, m, LACP_RCV_CURRENT, "partner heard");  /* re-entry */
		else if (expired)
			enter(t, m, LACP_RCV_EXPIRED, "partner timed out");
		break;
	}
}
