/* lacp_tx: the Transmit machine (802.1AX 6.4.16) and the Marker responder
 * (6.5.4.2).
 *
 * NTT sends one LACPDU, but never more than LACP_TX_PER_FAST_PERIOD in any
 * fast_periodic_time window (sliding): a fourth waits for the oldest of the
 * last three to be a period old. Nothing is sent, and NTT is dropped, while
 * the Periodic machine is in NO_PERIODIC (link down, LACP disabled, or both
 * sides passive). Marker responses are answers, not LACP state, so they have
 * their own limit (LACP_MARKER_TX_PER_SEC per member, fixed one-second
 * windows, excess dropped and counted) to keep a marker flood from turning
 * into a response flood.
 */
#include "lacp_internal.h"

static bool may_send(const struct lacp_member *m)
{
	return m->port_enabled && m->lacp_enabled && m->ptx != LACP_PTX_NO_PERIODIC;
}

/** Earliest time the next LACPDU may go. */
static uint64_t tx_allowed_at(const struct lacp_member *m)
{
	if (m->tx_count < LACP_TX_PER_FAST_PERIOD)
		return 0;
	return lacp_timer_start(m->tx_at[m->tx_head], LACP_FAST_PERIODIC_NS);  /* oldest */
}

static void send_markers(struct lacp_member *m, unsigned idx, lacp_tx_fn tx, void *arg)
{
	uint8_t frame[LACP_FRAME_LEN];

	for (unsigned i = 0; i < m->marker_n; i++) {
		uint32_t len = lacp_marker_build(frame, sizeof(frame), m->cfg.mac, &m->marker_q[i], true);

		if (tx(arg, idx, frame, len) < 0)
			m->stats.tx_errors++;
		else
			m->stats.marker_response_tx++;
	}
	m->marker_n = 0;
}

void lacp_tx_member(struct lacp_team *t, unsigned idx, lacp_tx_fn tx, void *arg)
{
	struct lacp_member *m = &t->m[idx];
	uint8_t frame[LACP_FRAME_LEN];
	struct lacp_pdu pdu;
	uint32_t len;

	if (tx == NULL)
		return;
	send_markers(m, idx, tx, arg);
	if (!m->ntt)
		return;
	if (!may_send(m)) {
		m->ntt = false;
		return;
	}
	if (t->now < tx_allowed_at(m))
		return;
	pdu.version = LACP_VERSION;
	pdu.actor = m->actor;
	pdu.partner = m->partner;
	pdu.collector_max_delay = t->cfg.collector_max_delay;
	len = lacp_pdu_build(frame, sizeof(frame), m->cfg.mac, &pdu);
	/* A failed send uses its slot too, so retries are paced like sends. */
	m->tx_at[m->tx_head] = t->now;
	m->tx_head = (m->tx_head + 1) % LACP_TX_PER_FAST_PERIOD;
	if (m->tx_count < LACP_TX_PER_FAST_PERIOD)
		m->tx_count++;
	if (tx(arg, idx, frame, len) < 0) {
		m->stats.tx_errors++;
		return;
	}
	m->stats.lacpdu_tx++;
	m->ntt = false;
}

uint64_t lacp_tx_deadline(const struct lacp_team *t, const struct lacp_member *m)
{
	if (m->marker_n > 0)
		return t->now;
	if (!m->ntt)
		return LACP_TIMER_OFF;
	if (!may_send(m))
		return LACP_TIMER_OFF;  /* lacp_run() drops it whenever it comes */
	uint64_t at = tx_allowed_at(m);
	return at > t->now ? at : t->now;
}

enum lacp_rx_result lacp_marker_rx(struct lacp_team *t, struct lacp_member *m,
				   const struct lacp_marker *mk)
{
	if (!m->port_enabled)
		return LACP_RX_PORT_DISABLED;
	if (t->now >= lacp_timer_start(m->marker_window, LACP_SEC_NS)) {
		m->marker_window = t->now;
		m->marker_in_window = 0;
	}
	if (m->marker_in_window >= LACP_MARKER_TX_PER_SEC || m->marker_n >= LACP_MARKER_TX_PER_SEC)
		return LACP_RX_MARKER_RATE_LIMITED;
	m->marker_q[m->marker_n++] = *mk;
	m->marker_in_window++;
	return LACP_RX_MARKER_ANSWERED;
}
