/* lacp internals shared by the machine files. Not for callers outside lacp/. */
#ifndef LACP_INTERNAL_H
#define LACP_INTERNAL_H

#include "lacp.h"

#define LACP_TIMER_OFF UINT64_MAX

/** Link Aggregation Group as seen from our side: who the aggregator is for. */
struct lacp_lag_id {
	uint16_t actor_key;
	uint16_t partner_system_priority;
	uint8_t partner_system[6];
	uint16_t partner_key;
	uint16_t individual_port;  /**< actor port of an individual link, else 0 */
};

struct lacp_member {
	bool present;
	bool port_enabled;        /**< carrier up */
	bool lacp_enabled;        /**< LACP_Enabled (full duplex) */
	bool ntt;                 /**< Need To Transmit */
	bool port_moved;
	bool loopback;            /**< partner is our own system */
	struct lacp_member_cfg cfg;
	struct lacp_party actor;          /**< Actor_Oper_* */
	struct lacp_party partner;        /**< Partner_Oper_* */
	struct lacp_party partner_admin;  /**< Partner_Admin_* (recordDefault) */
	const struct lacp_pdu *pdu;       /**< received, for the Receive machine */

	enum lacp_rcv_state rx;
	enum lacp_ptx_state ptx, ptx_shown;  /**< ptx_shown: last one recorded (no PERIODIC_TX) */
	enum lacp_sel_state sel;
	enum lacp_mux_state mux;
	enum lacp_churn_state churn[2];   /**< [0] actor, [1] partner */

	uint64_t current_while, periodic, wait_while, churn_timer[2];  /**< deadlines or OFF */
	const char *unselect_why;      /**< why Selected went UNSELECTED */
	const char *sync_lost_why;     /**< why Partner sync went FALSE */

	uint64_t tx_at[LACP_TX_PER_FAST_PERIOD];  /**< ring of the last LACPDU send times */
	unsigned tx_head, tx_count;
	struct lacp_marker marker_q[LACP_MARKER_TX_PER_SEC];
	unsigned marker_n;
	uint64_t marker_window;        /**< start of the current marker rate window */
	unsigned marker_in_window;

	struct lacp_member_stats stats;
	struct lacp_transition hist[LACP_HISTORY];
	unsigned hist_n;               /**< total recorded; ring index hist_n % LACP_HISTORY */
	uint64_t last_change_ns;       /**< of Receive, Selection or Mux: what decides traffic */
	const char *last_change_why;
};

struct lacp_team {
	struct lacp_team_cfg cfg;
	uint64_t now;                  /**< latest time seen */
	uint64_t moves;                /**< state changes so far: the step loop runs until stable */
	bool agg_bound;
	struct lacp_lag_id agg;
	struct lacp_member m[LACP_MAX_MEMBERS];
};

static inline bool lacp_timer_expired(uint64_t at, uint64_t now)
{
	return at != LACP_TIMER_OFF && now >= at;
}

static inline uint64_t lacp_timer_start(uint64_t now, uint64_t d)
{
	return now > LACP_TIMER_OFF - d ? LACP_TIMER_OFF - 1 : now + d;
}

static inline void lacp_set_bit(uint8_t *state, uint8_t bit, bool on)
{
	*state = on ? (uint8_t)(*state | bit) : (uint8_t)(*state & ~bit);
}

/* lacp_team.c */
void lacp_record(struct lacp_team *t, struct lacp_member *m, enum lacp_machine mc,
		 unsigned from, unsigned to, const char *why);
void lacp_unselect(struct lacp_team *t, struct lacp_member *m, const char *why);

/* Each *_step evaluates one machine once: at most one transition, which
 * bumps lacp_team.moves (lacp_record) so the team loop runs again. */

/* lacp_rx.c: Receive machine */
void lacp_rx_step(struct lacp_team *t, struct lacp_member *m);
void lacp_rx_begin(struct lacp_team *t, struct lacp_member *m);
void lacp_rx_mark_moved(struct lacp_team *t, const struct lacp_member *from, const struct lacp_pdu *pdu);

/* lacp_ptx.c: Periodic Transmission machine */
void lacp_ptx_step(struct lacp_team *t, struct lacp_member *m);

/* lacp_select.c: Selection Logic, for the whole team */
void lacp_select_step(struct lacp_team *t);
void lacp_lag_of(const struct lacp_member *m, struct lacp_lag_id *out);
bool lacp_lag_equal(const struct lacp_lag_id *a, const struct lacp_lag_id *b);
const char *lacp_not_selected_why(const struct lacp_team *t, const struct lacp_member *m);

/* lacp_mux.c: Mux and Churn Detection machines */
void lacp_mux_step(struct lacp_team *t, struct lacp_member *m);
void lacp_churn_step(struct lacp_team *t, struct lacp_member *m, int which);
void lacp_churn_link(struct lacp_team *t, struct lacp_member *m, bool up);

/* lacp_tx.c: Transmit machine and Marker responder */
void lacp_tx_member(struct lacp_team *t, unsigned idx, lacp_tx_fn tx, void *arg);
uint64_t lacp_tx_deadline(const struct lacp_team *t, const struct lacp_member *m);
enum lacp_rx_result lacp_marker_rx(struct lacp_team *t, struct lacp_member *m,
				   const struct lacp_marker *mk);

#endif
