/* lacp: IEEE 802.1AX link aggregation (LACP v1) for uplink teams.
 *
 * Pure: no EAL, no I/O, no clock reads, no locks. Time comes in as now_ns (any
 * monotonic nanosecond clock; a smaller value than one seen before counts as
 * the later one) and LACPDUs go out through the lacp_tx_fn given to
 * lacp_run(). One team is owned by one thread (the control thread); nothing
 * here is safe to call concurrently on the same team. Workers never call in:
 * the control thread copies lacp_team_distributing_mask() to them.
 *
 * Each member port runs the clause 6.4 machines: Receive, Periodic
 * Transmission, Selection, Mux (coupled control), Transmit (at most 3 LACPDUs
 * per second) and Actor/Partner Churn Detection, plus a Marker responder.
 * A member carries traffic only in COLLECTING_DISTRIBUTING.
 *
 * Simplifications (see lacp_select.c): a team has exactly one aggregator.
 * It is bound to one Link Aggregation Group (actor key, partner system,
 * partner key); members whose LAG differs stay UNSELECTED. When several LAGs
 * are possible, the one holding the best port of the higher-priority system
 * wins; a LAG that is already distributing is never preempted. Members whose
 * partner was never heard (defaulted) or is our own system (loopback) are
 * never selected.
 *
 * Interface with the dataplane:
 * - Slow-protocol frames (ethertype 0x8809: LACPDUs, marker PDUs) received on
 *   an uplink are classified by vtep_classify() as VTEP_CLASS_SLOWPROTO,
 *   queued by the worker on a ring and handed on the control thread to the
 *   hook registered in struct dp_ctrl (ctrl_slowproto_fn), with the port
 *   index and the current time: call lacp_rx(), then lacp_run().
 * - LACPDUs are sent with dp_ctrl_tx() from the lacp_tx_fn, which queues them
 *   to worker 0 so the control thread never touches a tx queue.
 * - Carrier changes (netlink) go to lacp_link_change(), then lacp_run().
 * - Call lacp_run() again no later than lacp_next_deadline().
 * - Member choice will replace the "first uplink" in the worker (host path)
 *   and the per-VTEP uplink (encap path) with a per-team hash over the flow
 *   hash already computed for the UDP source port.
 */
#ifndef LACP_H
#define LACP_H

#include <stdbool.h>
#include <stdint.h>

#define LACP_ETHERTYPE 0x8809
#define LACP_SUBTYPE_LACP 1
#define LACP_SUBTYPE_MARKER 2

/** The slow-protocols multicast address 01:80:c2:00:00:02. */
static const uint8_t lacp_slow_proto_mac[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };

#include "lacp_pdu.h"

#define LACP_MAX_MEMBERS 8
#define LACP_SEC_NS 1000000000ull
#define LACP_FAST_PERIODIC_NS (1 * LACP_SEC_NS)
#define LACP_SLOW_PERIODIC_NS (30 * LACP_SEC_NS)
#define LACP_SHORT_TIMEOUT_NS (3 * LACP_SEC_NS)
#define LACP_LONG_TIMEOUT_NS (90 * LACP_SEC_NS)
#define LACP_AGGREGATE_WAIT_NS (2 * LACP_SEC_NS)
#define LACP_CHURN_DETECTION_NS (60 * LACP_SEC_NS)
#define LACP_TX_PER_FAST_PERIOD 3      /* LACPDUs in any fast_periodic_time */
#define LACP_MARKER_TX_PER_SEC 5       /* marker responses per member per second */
#define LACP_HISTORY 16                /* transitions kept per member */
#define LACP_NO_DEADLINE UINT64_MAX
#define LACP_SYSTEM_PRIORITY_DEFAULT 32768
#define LACP_PORT_PRIORITY_DEFAULT 32768

/* ---- states (printed by lacp_state_name) ---- */

/** Receive machine (802.1AX 6.4.12). */
enum lacp_rcv_state {
	LACP_RCV_INITIALIZE,
	LACP_RCV_PORT_DISABLED,
	LACP_RCV_EXPIRED,
	LACP_RCV_LACP_DISABLED,
	LACP_RCV_DEFAULTED,
	LACP_RCV_CURRENT,
};
/** Periodic Transmission machine (6.4.13). */
enum lacp_ptx_state {
	LACP_PTX_NO_PERIODIC,
	LACP_PTX_FAST_PERIODIC,
	LACP_PTX_SLOW_PERIODIC,
	LACP_PTX_PERIODIC_TX,
};
/** Mux machine, coupled control (6.4.15). */
enum lacp_mux_state {
	LACP_MUX_DETACHED,
	LACP_MUX_WAITING,
	LACP_MUX_ATTACHED,
	LACP_MUX_COLLECTING_DISTRIBUTING,
};
/** Selection Logic's Selected variable (6.4.14); STANDBY is never used. */
enum lacp_sel_state {
	LACP_SEL_UNSELECTED,
	LACP_SEL_SELECTED,
};
/** Actor and Partner Churn Detection machines (6.4.17): NO_x_CHURN,
 *  x_CHURN_MONITOR, x_CHURN. */
enum lacp_churn_state { LACP_CHURN_NONE, LACP_CHURN_MONITOR, LACP_CHURN_DETECTED };

enum lacp_machine {
	LACP_M_RECEIVE,
	LACP_M_PERIODIC,
	LACP_M_SELECTION,
	LACP_M_MUX,
	LACP_M_ACTOR_CHURN,
	LACP_M_PARTNER_CHURN,
	LACP_M__COUNT
};
const char *lacp_machine_name(enum lacp_machine m);
/** "CURRENT", "COLLECTING_DISTRIBUTING", "NO_ACTOR_CHURN"...; "?" if out of range. */
const char *lacp_state_name(enum lacp_machine m, unsigned state);

/* ---- configuration ---- */

struct lacp_team_cfg {
	uint8_t system_mac[6];       /**< actor System ID: unicast, not zero */
	uint16_t system_priority;    /**< lower is better */
	uint16_t key;                /**< actor admin key of every member unless overridden */
	bool active;                 /**< LACP_Activity: send even when the partner is silent */
	bool fast;                   /**< LACP_Timeout short: partner sends every 1 s, 3 s timeout */
	uint16_t collector_max_delay;  /**< tens of microseconds, sent in the collector TLV */
};

struct lacp_member_cfg {
	uint16_t port;            /**< actor port number: 1..65535, unique in the team */
	uint16_t port_priority;   /**< lower is better */
	uint16_t key;             /**< 0: the team's key */
	uint8_t mac[6];           /**< source MAC of its PDUs; all zero: the system MAC */
};

struct lacp_team;

/** Create a team with no members. 0, or -EINVAL (multicast or zero system MAC)
 *  / -ENOMEM with *err (if err) naming the reason. */
int lacp_team_create(const struct lacp_team_cfg *cfg, struct lacp_team **out, const char **err);
void lacp_team_destroy(struct lacp_team *t);

/** Change activity and timeout at run time; members tell their partners at once. */
int lacp_team_set_mode(struct lacp_team *t, bool active, bool fast, uint64_t now_ns);

/** Add member slot `member` (0..LACP_MAX_MEMBERS-1) with its link down.
 *  0, -ERANGE (slot), -EEXIST (slot used or port number taken) or -EINVAL
 *  (port 0), with *err. */
int lacp_member_add(struct lacp_team *t, unsigned member, const struct lacp_member_cfg *cfg,
		    uint64_t now_ns, const char **err);
/** Remove a member; it stops distributing at once. 0 or -ENOENT. */
int lacp_member_remove(struct lacp_team *t, unsigned member, uint64_t now_ns);

/** Carrier change. Down takes the member out of distribution at once. 0 or -ENOENT. */
int lacp_link_change(struct lacp_team *t, unsigned member, bool up, uint64_t now_ns);
/** LACP_Enabled (false for a half-duplex link): a disabled member is never
 *  selected and sends nothing. 0 or -ENOENT. */
int lacp_member_set_lacp_enabled(struct lacp_team *t, unsigned member, bool enabled,
				 uint64_t now_ns);

/** Hand in one received slow-protocol frame (whole Ethernet frame, FCS
 *  stripped, possibly padded, any alignment). Malformed frames are counted and
 *  change nothing else. Replies (LACPDUs, marker responses) go out on the next
 *  lacp_run(). */
enum lacp_rx_result lacp_rx(struct lacp_team *t, unsigned member, const uint8_t *frame,
			    uint32_t len, uint64_t now_ns);

/** Send one frame on member. The frame is valid only during the call.
 *  Return 0, or <0 if it could not be queued (counted; the LACPDU is retried). */
typedef int (*lacp_tx_fn)(void *arg, unsigned member, const uint8_t *frame, uint32_t len);

/** Advance every timer to now_ns, run the machines and send what is due
 *  (nothing is sent, and LACPDUs stay pending, when tx is NULL). */
void lacp_run(struct lacp_team *t, uint64_t now_ns, lacp_tx_fn tx, void *arg);

/** When lacp_run() must next be called (absolute ns, as passed in);
 *  a time not after the last now_ns means "now"; LACP_NO_DEADLINE if never. */
uint64_t lacp_next_deadline(const struct lacp_team *t);

/** True only in COLLECTING_DISTRIBUTING. */
bool lacp_member_distributing(const struct lacp_team *t, unsigned member);
/** Bit i set when member i is distributing. */
uint32_t lacp_team_distributing_mask(const struct lacp_team *t);

/* ---- observability (vxswctl show team) ---- */

struct lacp_member_stats {
	uint64_t rx[LACP_RX__COUNT];   /**< frames by what lacp_rx() made of them */
	uint64_t lacpdu_tx;
	uint64_t marker_response_tx;
	uint64_t tx_errors;            /**< lacp_tx_fn returned < 0 */
	uint64_t actor_churn;          /**< times ACTOR_CHURN was entered */
	uint64_t partner_churn;
};

/** One state change of one machine, and why. */
struct lacp_transition {
	uint64_t at_ns;
	enum lacp_machine machine;
	uint8_t from, to;              /**< states of `machine` (lacp_state_name) */
	const char *why;               /**< static string, e.g. "partner timed out" */
};

struct lacp_member_info {
	bool link_up, lacp_enabled;
	struct lacp_party actor;       /**< our operational values */
	struct lacp_party partner;     /**< partner's, as last heard (or defaults) */
	enum lacp_rcv_state rx;
	enum lacp_ptx_state periodic;
	enum lacp_mux_state mux;
	enum lacp_churn_state actor_churn, partner_churn;
	const char *rx_name, *periodic_name, *mux_name, *actor_churn_name, *partner_churn_name;
	bool selected, distributing, loopback;
	const char *not_selected_why;  /**< NULL when selected */
	uint64_t last_change_ns;       /**< last Receive/Selection/Mux change; 0 and "" before any */
	const char *last_change_why;
	uint64_t lacpdu_rx, marker_rx, malformed;  /**< sums over stats.rx */
	struct lacp_member_stats stats;
};

/** 0 or -ENOENT. */
int lacp_member_info(const struct lacp_team *t, unsigned member, struct lacp_member_info *out);
/** Copy up to max latest transitions, oldest first; returns how many. */
unsigned lacp_member_history(const struct lacp_team *t, unsigned member,
			     struct lacp_transition *out, unsigned max);

struct lacp_team_info {
	struct lacp_team_cfg cfg;      /**< current values (after set_mode) */
	bool aggregator_bound;         /**< a LAG holds the aggregator */
	uint16_t actor_key;            /**< the bound LAG: our key ... */
	uint16_t partner_system_priority;  /**< ... the partner system ... */
	uint8_t partner_system[6];
	uint16_t partner_key;          /**< ... and its key */
	unsigned members, selected, distributing;
};
void lacp_team_info(const struct lacp_team *t, struct lacp_team_info *out);

#endif
