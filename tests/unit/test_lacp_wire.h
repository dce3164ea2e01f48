/* A fake clock and "wire" for the LACP tests: teams are wired back to back
 * through their tx callbacks, links can drop or delay frames one way or both,
 * and time advances from one deadline (timer or frame arrival) to the next,
 * so every timer fires at its exact nanosecond. Header-only: static inline. */
#ifndef TEST_LACP_WIRE_H
#define TEST_LACP_WIRE_H

#include <stdio.h>
#include <string.h>

#include "cu_main.h"
#include "lacp.h"

#define SEC LACP_SEC_NS
#define MS (LACP_SEC_NS / 1000)
#define WIRE_TEAMS 4
#define WIRE_LINKS 8
#define WIRE_QUEUE 512
#define WIRE_LOG 8192
#define WIRE_T0 (5 * SEC)  /* tests start here, not at 0 */

struct wire;

struct wire_team {
	struct wire *w;
	struct lacp_team *t;
	uint8_t last[LACP_MAX_MEMBERS][LACP_FRAME_LEN];  /* last frame each member sent */
	uint32_t last_len[LACP_MAX_MEMBERS];
	int fail_tx;  /* tx callback returns -1 while set */
};

struct wire_end {
	struct lacp_team *t;
	unsigned m;
};

struct wire_link {
	struct wire_end end[2];
	bool up;
	bool drop[2];          /* drop what end[i] sends */
	uint64_t delay;
	uint64_t last_rx[2];   /* when end[i] last received an LACPDU */
};

struct wire_frame {
	uint64_t at;
	unsigned link, to;     /* delivered to links[link].end[to] */
	uint32_t len;
	uint8_t data[LACP_FRAME_LEN];
};

struct wire_log {
	uint64_t at;
	struct lacp_team *t;
	unsigned m;
	uint8_t subtype;
};

struct wire {
	uint64_t now;
	struct wire_team teams[WIRE_TEAMS];
	unsigned n_teams;
	struct wire_link links[WIRE_LINKS];
	unsigned n_links;
	struct wire_frame q[WIRE_QUEUE];
	unsigned qn;
	struct wire_log log[WIRE_LOG];
	unsigned logn;
	bool stuck;            /* a deadline that never moved on: engine bug */
};

static inline void wire_init(struct wire *w)
{
	memset(w, 0, sizeof(*w));
	w->now = WIRE_T0;
}

static inline struct wire_team *wire_team_of(struct wire *w, const struct lacp_team *t)
{
	for (unsigned i = 0; i < w->n_teams; i++)
		if (w->teams[i].t == t)
			return &w->teams[i];
	return NULL;
}

static inline int wire_tx(void *arg, unsigned member, const uint8_t *frame, uint32_t len)
{
	struct wire_team *wt = arg;
	struct wire *w = wt->w;

	if (wt->fail_tx)
		return -1;
	memcpy(wt->last[member], frame, len);
	wt->last_len[member] = len;
	if (w->logn < WIRE_LOG)
		w->log[w->logn++] = (struct wire_log){ w->now, wt->t, member, frame[LACP_ETH_HDR_LEN] };
	for (unsigned l = 0; l < w->n_links; l++) {
		struct wire_link *k = &w->links[l];

		for (unsigned from = 0; from < 2; from++) {
			if (k->end[from].t != wt->t || k->end[from].m != member)
				continue;
			if (!k->up || k->drop[from] || w->qn == WIRE_QUEUE)
				return 0;
			struct wire_frame *f = &w->q[w->qn++];
			f->at = w->now + k->delay;
			f->link = l;
			f->to = 1 - from;
			f->len = len;
			memcpy(f->data, frame, len);
			return 0;
		}
	}
	return 0;  /* unplugged member: the frame goes nowhere */
}

/** Put a team the test made itself on the wire (destroyed by wire_free). */
static inline void wire_add_team(struct wire *w, struct lacp_team *t)
{
	CU_ASSERT_FATAL(w->n_teams < WIRE_TEAMS);
	w->teams[w->n_teams].w = w;
	w->teams[w->n_teams].t = t;
	w->n_teams++;
}

/** Create a team with system MAC 02:00:00:00:00:id and n members, ports 1..n. */
static inline struct lacp_team *wire_team(struct wire *w, uint8_t id, bool active, bool fast,
					  uint16_t key, unsigned n)
{
	struct lacp_team_cfg cfg = {
		.system_mac = { 0x02, 0, 0, 0, 0, id },
		.system_priority = LACP_SYSTEM_PRIORITY_DEFAULT,
		.key = key, .active = active, .fast = fast,
	};
	struct lacp_team *t = NULL;

	CU_ASSERT_FATAL(lacp_team_create(&cfg, &t, NULL) == 0);
	wire_add_team(w, t);
	for (unsigned i = 0; i < n; i++) {
		struct lacp_member_cfg mc = {
			.port = (uint16_t)(i + 1), .port_priority = LACP_PORT_PRIORITY_DEFAULT,
			.mac = { 0x02, 0, 0, 0, id, (uint8_t)(i + 1) },
		};
		CU_ASSERT_FATAL(lacp_member_add(t, i, &mc, w->now, NULL) == 0);
	}
	return t;
}

static inline void wire_free(struct wire *w)
{
	for (unsigned i = 0; i < w->n_teams; i++)
		lacp_team_destroy(w->teams[i].t);
	w->n_teams = 0;
}

static inline void wire_run_team(struct wire *w, struct wire_team *wt)
{
	lacp_run(wt->t, w->now, wire_tx, wt);
}

static inline void wire_run_all(struct wire *w)
{
	for (unsigned i = 0; i < w->n_teams; i++)
		wire_run_team(w, &w->teams[i]);
}

/** Plug a link between (a, ma) and (b, mb), carrier still down. */
static inline unsigned wire_plug(struct wire *w, struct lacp_team *a, unsigned ma,
				 struct lacp_team *b, unsigned mb)
{
	unsigned l = w->n_links++;
	struct wire_link *k = &w->links[l];

	CU_ASSERT_FATAL(l < WIRE_LINKS);
	memset(k, 0, sizeof(*k));
	k->end[0] = (struct wire_end){ a, ma };
	k->end[1] = (struct wire_end){ b, mb };
	return l;
}

/** Carrier change on both ends; frames in flight on a cut link are lost. */
static inline void wire_link_set(struct wire *w, unsigned l, bool up)
{
	struct wire_link *k = &w->links[l];

	k->up = up;
	for (unsigned i = 0; !up && i < w->qn;) {
		if (w->q[i].link == l)
			w->q[i] = w->q[--w->qn];
		else
			i++;
	}
	lacp_link_change(k->end[0].t, k->end[0].m, up, w->now);
	if (k->end[1].t != k->end[0].t || k->end[1].m != k->end[0].m)
		lacp_link_change(k->end[1].t, k->end[1].m, up, w->now);
	wire_run_all(w);
}

/** Plug a link and bring both carriers up. */
static inline unsigned wire_connect(struct wire *w, struct lacp_team *a, unsigned ma,
				    struct lacp_team *b, unsigned mb)
{
	unsigned l = wire_plug(w, a, ma, b, mb);

	wire_link_set(w, l, true);
	return l;
}

/** Re-plug one end of a link to another team/member (a cable moved). */
static inline void wire_replug(struct wire *w, unsigned l, unsigned e, struct lacp_team *t, unsigned m)
{
	w->links[l].end[e] = (struct wire_end){ t, m };
}

static inline uint64_t wire_next(struct wire *w)
{
	uint64_t d = LACP_NO_DEADLINE;

	for (unsigned i = 0; i < w->n_teams; i++) {
		uint64_t t = lacp_next_deadline(w->teams[i].t);
		if (t < d)
			d = t;
	}
	for (unsigned i = 0; i < w->qn; i++)
		if (w->q[i].at < d)
			d = w->q[i].at;
	return d;
}

/** Deliver due frames (earliest first, in send order), then run every team. */
static inline void wire_step(struct wire *w)
{
	for (;;) {
		unsigned best = WIRE_QUEUE;

		for (unsigned i = 0; i < w->qn; i++)
			if (w->q[i].at <= w->now && (best == WIRE_QUEUE || w->q[i].at < w->q[best].at))
				best = i;
		if (best == WIRE_QUEUE)
			break;
		struct wire_frame f = w->q[best];
		memmove(&w->q[best], &w->q[best + 1], (w->qn - best - 1) * sizeof(f));
		w->qn--;
		struct wire_end *to = &w->links[f.link].end[f.to];
		if (lacp_rx(to->t, to->m, f.data, f.len, w->now) == LACP_RX_OK)
			w->links[f.link].last_rx[f.to] = w->now;
	}
	wire_run_all(w);
}

/** Advance the clock to `until`, acting at every deadline on the way. */
static inline void wire_run_until(struct wire *w, uint64_t until)
{
	uint64_t last = 0;
	unsigned same = 0;

	for (;;) {
		uint64_t d = wire_next(w);

		if (d > until)
			break;
		if (d > w->now)
			w->now = d;
		same = w->now == last ? same + 1 : 0;
		last = w->now;
		if (same > 1000) {  /* a deadline that stays "now": would busy-loop a daemon */
			w->stuck = true;
			CU_FAIL("lacp_next_deadline() does not move on");
			return;
		}
		wire_step(w);
	}
	if (until > w->now)
		w->now = until;
	wire_step(w);
}

static inline void wire_run_for(struct wire *w, uint64_t d)
{
	wire_run_until(w, w->now + d);
}

static inline bool dist(const struct lacp_team *t, unsigned m)
{
	return lacp_member_distributing(t, m);
}

static inline bool party_eq(const struct lacp_party *a, const struct lacp_party *b)
{
	return a->system_priority == b->system_priority && memcmp(a->system, b->system, 6) == 0 &&
	       a->key == b->key && a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static inline struct lacp_member_info info_of(const struct lacp_team *t, unsigned m)
{
	struct lacp_member_info i;

	CU_ASSERT_FATAL(lacp_member_info(t, m, &i) == 0);
	return i;
}

/** LACPDUs (subtype 1) member m of t sent in [from, to). */
static inline unsigned wire_sent(const struct wire *w, const struct lacp_team *t, unsigned m,
				 uint64_t from, uint64_t to)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->logn; i++)
		if (w->log[i].t == t && w->log[i].m == m && w->log[i].subtype == LACP_SUBTYPE_LACP &&
		    w->log[i].at >= from && w->log[i].at < to)
			n++;
	return n;
}

/** Times at which member m of t sent LACPDUs, from `from` on; returns count. */
static inline unsigned wire_sent_times(const struct wire *w, const struct lacp_team *t, unsigned m,
				       uint64_t from, uint64_t *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->logn && n < max; i++)
		if (w->log[i].t == t && w->log[i].m == m && w->log[i].subtype == LACP_SUBTYPE_LACP &&
		    w->log[i].at >= from)
			out[n++] = w->log[i].at;
	return n;
}

/** Whether member m recorded a transition of machine mc to state `to`
 *  (any state if to < 0) whose reason contains `why` (any if NULL), at or
 *  after `since`. */
static inline bool hist_has(const struct lacp_team *t, unsigned m, enum lacp_machine mc, int to,
			    const char *why, uint64_t since)
{
	struct lacp_transition h[LACP_HISTORY];
	unsigned n = lacp_member_history(t, m, h, LACP_HISTORY);

	for (unsigned i = 0; i < n; i++)
		if (h[i].machine == mc && (to < 0 || h[i].to == to) && h[i].at_ns >= since &&
		    (why == NULL || strstr(h[i].why, why) != NULL))
			return true;
	return false;
}

/** Print a member's history (for debugging a failing test). */
static inline void hist_dump(const struct lacp_team *t, unsigned m)
{
	struct lacp_transition h[LACP_HISTORY];
	unsigned n = lacp_member_history(t, m, h, LACP_HISTORY);

	for (unsigned i = 0; i < n; i++)
		printf("  %llu.%09llu %s %s -> %s (%s)\n", (unsigned long long)(h[i].at_ns / SEC),
		       (unsigned long long)(h[i].at_ns % SEC), lacp_machine_name(h[i].machine),
		       lacp_state_name(h[i].machine, h[i].from), lacp_state_name(h[i].machine, h[i].to),
		       h[i].why);
}

#endif
