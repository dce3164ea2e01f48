/* lacp_team: the public API: teams, members, events in, PDUs out, and what
 * `vxswctl show team` prints. Runs every member's machines until stable. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lacp_internal.h"

/* ---- names ---- */

static const char *const rcv_names[] = {
	[LACP_RCV_INITIALIZE] = "INITIALIZE",     [LACP_RCV_PORT_DISABLED] = "PORT_DISABLED",
	[LACP_RCV_EXPIRED] = "EXPIRED",           [LACP_RCV_LACP_DISABLED] = "LACP_DISABLED",
	[LACP_RCV_DEFAULTED] = "DEFAULTED",       [LACP_RCV_CURRENT] = "CURRENT",
};
static const char *const ptx_names[] = {
	[LACP_PTX_NO_PERIODIC] = "NO_PERIODIC",   [LACP_PTX_FAST_PERIODIC] = "FAST_PERIODIC",
	[LACP_PTX_SLOW_PERIODIC] = "SLOW_PERIODIC", [LACP_PTX_PERIODIC_TX] = "PERIODIC_TX",
};
static const char *const sel_names[] = {
	[LACP_SEL_UNSELECTED] = "UNSELECTED", [LACP_SEL_SELECTED] = "SELECTED",
};
static const char *const mux_names[] = {
	[LACP_MUX_DETACHED] = "DETACHED", [LACP_MUX_WAITING] = "WAITING",
	[LACP_MUX_ATTACHED] = "ATTACHED", [LACP_MUX_COLLECTING_DISTRIBUTING] = "COLLECTING_DISTRIBUTING",
};
static const char *const actor_churn_names[] = {
	[LACP_CHURN_NONE] = "NO_ACTOR_CHURN", [LACP_CHURN_MONITOR] = "ACTOR_CHURN_MONITOR",
	[LACP_CHURN_DETECTED] = "ACTOR_CHURN",
};
static const char *const partner_churn_names[] = {
	[LACP_CHURN_NONE] = "NO_PARTNER_CHURN", [LACP_CHURN_MONITOR] = "PARTNER_CHURN_MONITOR",
	[LACP_CHURN_DETECTED] = "PARTNER_CHURN",
};
static const char *const machine_names[] = {
	[LACP_M_RECEIVE] = "receive",   [LACP_M_PERIODIC] = "periodic",
	[LACP_M_SELECTION] = "selection", [LACP_M_MUX] = "mux",
	[LACP_M_ACTOR_CHURN] = "actor-churn", [LACP_M_PARTNER_CHURN] = "partner-churn",
};
_Static_assert(sizeof(machine_names) / sizeof(machine_names[0]) == LACP_M__COUNT, "machine names");

#define NAME_IN(tab, i) ((unsigned)(i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : "?")

const char *lacp_machine_name(enum lacp_machine m)
{
	return NAME_IN(machine_names, m);
}

const char *lacp_state_name(enum lacp_machine m, unsigned s)
{
	switch (m) {
	case LACP_M_RECEIVE: return NAME_IN(rcv_names, s);
	case LACP_M_PERIODIC: return NAME_IN(ptx_names, s);
	case LACP_M_SELECTION: return NAME_IN(sel_names, s);
	case LACP_M_MUX: return NAME_IN(mux_names, s);
	case LACP_M_ACTOR_CHURN: return NAME_IN(actor_churn_names, s);
	case LACP_M_PARTNER_CHURN: return NAME_IN(partner_churn_names, s);
	default: return "?";
	}
}

/* ---- shared by the machines ---- */

void lacp_record(struct lacp_team *t, struct lacp_member *m, enum lacp_machine mc,
		 unsigned from, unsigned to, const char *why)
{
	struct lacp_transition *h;

	if (from == to)
		return;
	t->moves++;
	h = &m->hist[m->hist_n++ % LACP_HISTORY];
	h->at_ns = t->now;
	h->machine = mc;
	h->from = (uint8_t)from;
	h->to = (uint8_t)to;
	h->why = why;
	if (mc == LACP_M_RECEIVE || mc == LACP_M_SELECTION || mc == LACP_M_MUX) {
		m->last_change_ns = t->now;
		m->last_change_why = why;
	}
}

void lacp_unselect(struct lacp_team *t, struct lacp_member *m, const char *why)
{
	if (m->sel == LACP_SEL_UNSELECTED)
		return;
	lacp_record(t, m, LACP_M_SELECTION, m->sel, LACP_SEL_UNSELECTED, why);
	m->sel = LACP_SEL_UNSELECTED;
	m->unselect_why = why;
}

/** Run every machine of every member until none moves. Each pass evaluates
 *  Receive first, so the others see a PDU's effect in the same pass. */
static void team_step(struct lacp_team *t)
{
	for (int pass = 0; pass < 64; pass++) {
		uint64_t before = t->moves;

		for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
			if (!t->m[i].present)
				continue;
			lacp_rx_step(t, &t->m[i]);
			lacp_ptx_step(t, &t->m[i]);
		}
		lacp_select_step(t);
		for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
			if (!t->m[i].present)
				continue;
			lacp_mux_step(t, &t->m[i]);
			lacp_churn_step(t, &t->m[i], 0);
			lacp_churn_step(t, &t->m[i], 1);
		}
		if (t->moves == before)
			return;
	}
}

static void set_now(struct lacp_team *t, uint64_t now)
{
	if (now > t->now)
		t->now = now;
}

static struct lacp_member *member(struct lacp_team *t, unsigned idx)
{
	return idx < LACP_MAX_MEMBERS && t->m[idx].present ? &t->m[idx] : NULL;
}

static const struct lacp_member *cmember(const struct lacp_team *t, unsigned idx)
{
	return idx < LACP_MAX_MEMBERS && t->m[idx].present ? &t->m[idx] : NULL;
}

/* ---- teams ---- */

static bool mac_is_zero(const uint8_t mac[6])
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

static int fail(const char **err, const char *msg, int rc)
{
	if (err)
		*err = msg;
	return rc;
}

int lacp_team_create(const struct lacp_team_cfg *cfg, struct lacp_team **out, const char **err)
{
	struct lacp_team *t;

	*out = NULL;
	if (cfg == NULL)
		return fail(err, "no team configuration", -EINVAL);
	if (mac_is_zero(cfg->system_mac) || (cfg->system_mac[0] & 1))
		return fail(err, "system MAC must be unicast and not zero", -EINVAL);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return fail(err, "out of memory", -ENOMEM);
	t->cfg = *cfg;
	*out = t;
	return 0;
}

void lacp_team_destroy(struct lacp_team *t)
{
	free(t);
}

static uint8_t admin_state(const struct lacp_team_cfg *c)
{
	return (uint8_t)((c->active ? LACP_STATE_ACTIVITY : 0) | (c->fast ? LACP_STATE_TIMEOUT : 0) |
			 LACP_STATE_AGGREGATION);
}

int lacp_team_set_mode(struct lacp_team *t, bool active, bool fast, uint64_t now_ns)
{
	set_now(t, now_ns);
	team_step(t);
	t->cfg.active = active;
	t->cfg.fast = fast;
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		struct lacp_member *m = member(t, i);

		if (m == NULL)
			continue;
		lacp_set_bit(&m->actor.state, LACP_STATE_ACTIVITY, active);
		lacp_set_bit(&m->actor.state, LACP_STATE_TIMEOUT, fast);
		m->ntt = true;
	}
	team_step(t);
	return 0;
}

/* ---- members ---- */

int lacp_member_add(struct lacp_team *t, unsigned idx, const struct lacp_member_cfg *cfg,
		    uint64_t now_ns, const char **err)
{
	struct lacp_member *m;

	if (idx >= LACP_MAX_MEMBERS)
		return fail(err, "member index out of range", -ERANGE);
	if (t->m[idx].present)
		return fail(err, "member slot already in use", -EEXIST);
	if (cfg == NULL || cfg->port == 0)
		return fail(err, "port number must be 1..65535", -EINVAL);
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++)
		if (t->m[i].present && t->m[i].cfg.port == cfg->port)
			return fail(err, "port number already used in this team", -EEXIST);

	set_now(t, now_ns);
	m = &t->m[idx];
	memset(m, 0, sizeof(*m));
	m->present = true;
	m->lacp_enabled = true;
	m->cfg = *cfg;
	if (m->cfg.key == 0)
		m->cfg.key = t->cfg.key;
	if (mac_is_zero(m->cfg.mac))
		memcpy(m->cfg.mac, t->cfg.system_mac, 6);

	m->actor.system_priority = t->cfg.system_priority;
	memcpy(m->actor.system, t->cfg.system_mac, 6);
	m->actor.key = m->cfg.key;
	m->actor.port_priority = m->cfg.port_priority;
	m->actor.port = m->cfg.port;
	m->actor.state = admin_state(&t->cfg);
	/* Partner_Admin_Port_State: short timeout, so an active member keeps
	 * sending every second while its partner is unknown. */
	m->partner_admin.state = LACP_STATE_TIMEOUT;

	m->current_while = m->periodic = m->wait_while = LACP_TIMER_OFF;
	m->churn_timer[0] = m->churn_timer[1] = LACP_TIMER_OFF;
	m->ptx = m->ptx_shown = LACP_PTX_NO_PERIODIC;
	m->sel = LACP_SEL_UNSELECTED;
	m->mux = LACP_MUX_DETACHED;
	m->churn[0] = m->churn[1] = LACP_CHURN_MONITOR;
	m->ntt = true;
	lacp_rx_begin(t, m);
	team_step(t);
	return 0;
}

int lacp_member_remove(struct lacp_team *t, unsigned idx, uint64_t now_ns)
{
	struct lacp_member *m = member(t, idx);

	if (m == NULL)
		return -ENOENT;
	set_now(t, now_ns);
	memset(m, 0, sizeof(*m));
	team_step(t);
	return 0;
}

int lacp_link_change(struct lacp_team *t, unsigned idx, bool up, uint64_t now_ns)
{
	struct lacp_member *m = member(t, idx);

	if (m == NULL)
		return -ENOENT;
	set_now(t, now_ns);
	team_step(t);
	if (m->port_enabled == up)
		return 0;
	m->port_enabled = up;
	lacp_churn_link(t, m, up);
	/* Speak at once on link up rather than a fast period later. */
	m->ntt = up;
	team_step(t);
	return 0;
}

int lacp_member_set_lacp_enabled(struct lacp_team *t, unsigned idx, bool enabled, uint64_t now_ns)
{
	struct lacp_member *m = member(t, idx);

	if (m == NULL)
		return -ENOENT;
	set_now(t, now_ns);
	team_step(t);
	m->lacp_enabled = enabled;
	m->ntt = enabled;
	team_step(t);
	return 0;
}

/* ---- events ---- */

enum lacp_rx_result lacp_rx(struct lacp_team *t, unsigned idx, const uint8_t *frame, uint32_t len,
			    uint64_t now_ns)
{
	struct lacp_member *m = member(t, idx);
	struct lacp_frame f;
	enum lacp_rx_result r;

	if (m == NULL)
		return LACP_RX_NO_MEMBER;
	set_now(t, now_ns);
	team_step(t);  /* timers that ran out before this frame act first */
	r = lacp_frame_parse(frame, len, &f);
	if (r == LACP_RX_OK) {
		lacp_rx_mark_moved(t, m, &f.pdu);
		m->pdu = &f.pdu;
		team_step(t);
		if (m->pdu != NULL) {
			m->pdu = NULL;  /* the Receive machine was not listening */
			r = LACP_RX_PORT_DISABLED;
		} else if (m->loopback) {
			r = LACP_RX_LOOPBACK;
		}
	} else if (r == LACP_RX_MARKER_ANSWERED) {
		r = lacp_marker_rx(t, m, &f.marker);
	}
	m->stats.rx[r]++;
	return r;
}

void lacp_run(struct lacp_team *t, uint64_t now_ns, lacp_tx_fn tx, void *arg)
{
	set_now(t, now_ns);
	team_step(t);
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++)
		if (t->m[i].present)
			lacp_tx_member(t, i, tx, arg);
}

static void earliest(uint64_t *d, uint64_t at, uint64_t now)
{
	if (at != LACP_TIMER_OFF && at > now && at < *d)
		*d = at;
}

uint64_t lacp_next_deadline(const struct lacp_team *t)
{
	uint64_t d = LACP_NO_DEADLINE;

	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		const struct lacp_member *m = cmember(t, i);
		uint64_t tx;

		if (m == NULL)
			continue;
		/* Timers at or before now have been acted on; only the running ones count. */
		if (m->rx == LACP_RCV_CURRENT || m->rx == LACP_RCV_EXPIRED)
			earliest(&d, m->current_while, t->now);
		if (m->ptx == LACP_PTX_FAST_PERIODIC || m->ptx == LACP_PTX_SLOW_PERIODIC)
			earliest(&d, m->periodic, t->now);
		if (m->mux == LACP_MUX_WAITING)
			earliest(&d, m->wait_while, t->now);
		for (int w = 0; w < 2; w++)
			if (m->churn[w] == LACP_CHURN_MONITOR)
				earliest(&d, m->churn_timer[w], t->now);
		tx = lacp_tx_deadline(t, m);
		if (tx < d)
			d = tx;
	}
	return d;
}

/* ---- observability ---- */

bool lacp_member_distributing(const struct lacp_team *t, unsigned idx)
{
	const struct lacp_member *m = cmember(t, idx);

	return m != NULL && m->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
}

uint32_t lacp_team_distributing_mask(const struct lacp_team *t)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++)
		if (lacp_member_distributing(t, i))
			mask |= 1u << i;
	return mask;
}

int lacp_member_info(const struct lacp_team *t, unsigned idx, struct lacp_member_info *out)
{
	const struct lacp_member *m = cmember(t, idx);

	if (m == NULL)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->link_up = m->port_enabled;
	out->lacp_enabled = m->lacp_enabled;
	out->actor = m->actor;
	out->partner = m->partner;
	out->rx = m->rx;
	out->periodic = m->ptx;
	out->mux = m->mux;
	out->actor_churn = m->churn[0];
	out->partner_churn = m->churn[1];
	out->rx_name = lacp_state_name(LACP_M_RECEIVE, m->rx);
	out->periodic_name = lacp_state_name(LACP_M_PERIODIC, m->ptx);
	out->mux_name = lacp_state_name(LACP_M_MUX, m->mux);
	out->actor_churn_name = lacp_state_name(LACP_M_ACTOR_CHURN, m->churn[0]);
	out->partner_churn_name = lacp_state_name(LACP_M_PARTNER_CHURN, m->churn[1]);
	out->selected = m->sel == LACP_SEL_SELECTED;
	out->distributing = m->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
	out->loopback = m->loopback;
	out->not_selected_why = lacp_not_selected_why(t, m);
	out->last_change_ns = m->last_change_ns;
	out->last_change_why = m->last_change_why ? m->last_change_why : "";
	out->stats = m->stats;
	out->lacpdu_rx = m->stats.rx[LACP_RX_OK] + m->stats.rx[LACP_RX_LOOPBACK];
	out->marker_rx = m->stats.rx[LACP_RX_MARKER_ANSWERED] + m->stats.rx[LACP_RX_MARKER_RATE_LIMITED] +
			 m->stats.rx[LACP_RX_MARKER_RESPONSE];
	for (unsigned r = 0; r < LACP_RX__COUNT; r++)
		if (lacp_rx_is_malformed(r))
			out->malformed += m->stats.rx[r];
	return 0;
}

unsigned lacp_member_history(const struct lacp_team *t, unsigned idx, struct lacp_transition *out,
			     unsigned max)
{
	const struct lacp_member *m = cmember(t, idx);
	unsigned n, first;

	if (m == NULL)
		return 0;
	n = m->hist_n < LACP_HISTORY ? m->hist_n : LACP_HISTORY;
	if (n > max)
		n = max;
	first = m->hist_n - n;
	for (unsigned i = 0; i < n; i++)
		out[i] = m->hist[(first + i) % LACP_HISTORY];
	return n;
}

void lacp_team_info(const struct lacp_team *t, struct lacp_team_info *out)
{
	memset(out, 0, sizeof(*out));
	out->cfg = t->cfg;
	out->aggregator_bound = t->agg_bound;
	if (t->agg_bound) {
		out->actor_key = t->agg.actor_key;
		out->partner_system_priority = t->agg.partner_system_priority;
		memcpy(out->partner_system, t->agg.partner_system, 6);
		out->partner_key = t->agg.partner_key;
	}
	for (unsigned i = 0; i < LACP_MAX_MEMBERS; i++) {
		const struct lacp_member *m = cmember(t, i);

		if (m == NULL)
			continue;
		out->members++;
		out->selected += m->sel == LACP_SEL_SELECTED;
		out->distributing += m->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
	}
}
