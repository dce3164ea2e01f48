/* lacp_ptx: the Periodic Transmission machine (802.1AX 6.4.13). The partner's
 * LACP_Timeout bit sets our rate: short -> every 1 s, long -> every 30 s. */
#include "lacp_internal.h"

static bool partner_short(const struct lacp_member *m)
{
	return m->partner.state & LACP_STATE_TIMEOUT;
}

static void enter(struct lacp_team *t, struct lacp_member *m, enum lacp_ptx_state s, const char *why)
{
	/* PERIODIC_TX comes and goes every period: only rate changes are recorded. */
	if (s != LACP_PTX_PERIODIC_TX && s != m->ptx_shown) {
		lacp_record(t, m, LACP_M_PERIODIC, m->ptx_shown, s, why);
		m->ptx_shown = s;
	} else if (s != m->ptx) {
		t->moves++;
	}
	m->ptx = s;
	switch (s) {
	case LACP_PTX_NO_PERIODIC:
		m->periodic = LACP_TIMER_OFF;
		break;
	case LACP_PTX_FAST_PERIODIC:
		m->periodic = lacp_timer_start(t->now, LACP_FAST_PERIODIC_NS);
		break;
	case LACP_PTX_SLOW_PERIODIC:
		m->periodic = lacp_timer_start(t->now, LACP_SLOW_PERIODIC_NS);
		break;
	case LACP_PTX_PERIODIC_TX:
		m->ntt = true;
		break;
	}
}

void lacp_ptx_step(struct lacp_team *t, struct lacp_member *m)
{
	bool expired = lacp_timer_expired(m->periodic, t->now);
	bool both_passive = !(m->actor.state & LACP_STATE_ACTIVITY) &&
			    !(m->partner.state & LACP_STATE_ACTIVITY);

	if (!m->port_enabled || !m->lacp_enabled || both_passive) {
		if (m->ptx != LACP_PTX_NO_PERIODIC)
			enter(t, m, LACP_PTX_NO_PERIODIC,
			      !m->port_enabled ? "link down" :
			      !m->lacp_enabled ? "lacp disabled" : "both sides passive");
		return;
	}
	switch (m->ptx) {
	case LACP_PTX_NO_PERIODIC:
		enter(t, m, LACP_PTX_FAST_PERIODIC, "periodic transmission allowed");
		break;
	case LACP_PTX_FAST_PERIODIC:
		if (expired)
			enter(t, m, LACP_PTX_PERIODIC_TX, "periodic timer");
		else if (!partner_short(m))
			enter(t, m, LACP_PTX_SLOW_PERIODIC, "partner asks for long timeout");
		break;
	case LACP_PTX_SLOW_PERIODIC:
		if (expired)
			enter(t, m, LACP_PTX_PERIODIC_TX, "periodic timer");
		else if (partner_short(m))
			enter(t, m, LACP_PTX_PERIODIC_TX, "partner asks for short timeout");
		break;
	case LACP_PTX_PERIODIC_TX:
		if (partner_short(m))
			enter(t, m, LACP_PTX_FAST_PERIODIC, "partner asks for short timeout");
		else
			enter(t, m, LACP_PTX_SLOW_PERIODIC, "partner asks for long timeout");
		break;
	}
}
