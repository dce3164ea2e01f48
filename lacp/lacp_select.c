/* lacp_select: the Selection Logic (802.1AX 6.4.14), for a team with exactly
 * one aggregator.
 *
 * The standard gives every port an aggregator and lets ports with the same
 * LAG ID (actor key, partner system, partner key; individual links alone)
 * share one. A team has one aggregator, so:
 * - The aggregator is bound to one LAG ID while any member is selected for it
 *   or not yet detached; a member with another LAG ID stays UNSELECTED (and
 *   its Mux DETACHED, so it advertises Synchronization FALSE and the partner
 *   keeps it out too).
 * - When it is free, it goes to the LAG holding the best eligible member.
 *   "Best" follows the standard's priority rule: the system with the better
 *   System ID (priority, then MAC) decides, by its Port Identifier (port
 *   priority, then number); both sides compute the same order, so they agree.
 * - A better LAG preempts the bound one only while no member of the bound one
 *   is distributing: a working aggregation is never cut for a better one, but
 *   two sides that bound different LAGs (say, keys mismatched on one side,
 *   links heard in different orders) still converge.
 * - Eligible: link up, LACP enabled, a partner heard (not defaulted: no
 *   traffic without a partner) and not our own system (loopback).
 */
#include <string.h>

#include "lacp_internal.h"

void lacp_lag_of(const struct lacp_member *m, struct lacp_lag_id *out)
{
	bool individual = !(m->actor.state & LACP_STATE_AGGREGATION) ||
			  !(m->partner.state & LACP_STATE_AGGREGATION);

	memset(out, 0, sizeof(*out));
	out->actor_key = m->actor.key;
	out->partner_system_priority = m->partner.system_priority;
	memcpy(out->partner_system, m->partner.system, 6);
	out->partner_key = m->partner.key;
	out->individual_port = individual ? m->actor.port : 0;
}

bool lacp_lag_equal(const struct lacp_lag_id *a, const struct lacp_lag_id *b)
{
	return a->actor_key == b->actor_key && a->partner_system_priority == b->partner_system_priority &&
	       memcmp(a->partner_system, b->partner_system, 6) == 0 &&
	       a->partner_key == b->partner_key && a->individual_port == b->individual_port;
}

/** NULL when the member may be selected, else why not. */
static const char *ineligible_why(const struct lacp_member *m)
{
	if (!m->port_enabled)
		return "link down";
	if (!m->lacp_enabled)
		return "lacp disabled";
	if (m->loopback)
		return "loopback: partner is our own system";
	if ((m->rx != LACP_RCV_CURRENT && m->rx != LACP_RCV_EXPIRED) ||
	    (m->actor.state & LACP_STATE_DEFAULTED))
		return "no partner heard";
	return NULL;
}

static bool eligible(const struct lacp_member *m)
{
	return m->present && ineligible_why(m) == NULL;
}

/** Port Identifier of the controlling (better System ID) side: lower is better. */
static uint64_t rank(const struct lacp_member *m, unsigned idx)
{
	const struct lacp_party *a = &m->actor, *p = &m->partner;
	int c = a->system_priority != p->system_priority ? (a->system_priority < p->system_priority ? -1 : 1)
							  : memcmp(a->system, p->system, 6);
	const struct lacp_party *ctl = c <= 0 ? a : p;

	return (uint64_t)ctl->port_priority << 32 | (uint64_t)ctl->port << 16 | idx;
}

static void select_member(struct lacp_team *t, struct lacp_member *m)
{
	lacp_record(t, m, LACP_M_SELECTION, m->sel, LACP_SEL_SELECTED,
		    t->agg.individual_port ? "individual link takes the aggregator"
					   : "LAG matches the aggregator");
	m->sel = LACP_SEL_SELECTED;
	m->unselect_why = NULL;
}

void lacp_select_step(struct lacp_team *t)
{
	struct lacp_member *best = NULL;
	uint64_t best_rank = UINT64_MAX;
	bool bound_busy = false, bound_distributing = false;
	struct lacp_lag_id lag;

	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		struct lacp_member *m = &t->m[i];

		if (!m->present)
			continue;
		if (m->sel == LACP_SEL_SELECTED && !eligible(m))
			lacp_unselect(t, m, ineligible_why(m));
		if (m->sel == LACP_SEL_SELECTED || m->mux != LACP_MUX_DETACHED)
			bound_busy = true;
		if (m->mux == LACP_MUX_COLLECTING_DISTRIBUTING)
			bound_distributing = true;
		if (eligible(m) && rank(m, i) < best_rank) {
			best = m;
			best_rank = rank(m, i);
		}
	}
	if (!bound_busy)
		t->agg_bound = false;
	if (best == NULL)
		return;
	lacp_lag_of(best, &lag);
	if (!t->agg_bound) {
		t->agg = lag;
		t->agg_bound = true;
	} else if (!lacp_lag_equal(&lag, &t->agg) && !bound_distributing) {
		for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++)
			if (t->m[i].present && t->m[i].sel == LACP_SEL_SELECTED)
				lacp_unselect(t, &t->m[i], "preempted by a better LAG");
		return;  /* the aggregator is free once they have detached */
	}
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		struct lacp_member *m = &t->m[i];

		if (!eligible(m) || m->sel == LACP_SEL_SELECTED || m->mux != LACP_MUX_DETACHED)
			continue;
		lacp_lag_of(m, &lag);
		if (!lacp_lag_equal(&lag, &t->agg))
			continue;
		select_member(t, m);  /* an individual link's LAG ID holds its port: alone */
	}
}

/** For `show team`: why an unselected member is out, in a person's words. */
const char *lacp_not_selected_why(const struct lacp_team *t, const struct lacp_member *m)
{
	struct lacp_lag_id lag;

	if (m->sel == LACP_SEL_SELECTED)
		return NULL;
	if (ineligible_why(m) != NULL)
		return ineligible_why(m);
	if (m->mux != LACP_MUX_DETACHED)
		return "detaching";
	if (!t->agg_bound)
		return "aggregator free";
	lacp_lag_of(m, &lag);
	if (lag.actor_key != t->agg.actor_key)
		return "our key differs from the aggregator's";
	if (memcmp(lag.partner_system, t->agg.partner_system, 6) != 0 ||
	    lag.partner_system_priority != t->agg.partner_system_priority)
		return "partner system differs from the aggregator's";
	if (lag.partner_key != t->agg.partner_key)
		return "partner key differs from the aggregator's";
	return "individual link: aggregator in use";
}
