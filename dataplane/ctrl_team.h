/* ctrl_team: uplink teams on the control thread.
 *
 * Every uplink belongs to a team: a configured one, or a one-member team of
 * its own. The control thread decides which members carry traffic (link state
 * from the PMD and the kernel carrier, the LACP mux, active-backup order and
 * failback), runs the LACP engines (lacp/), answers markers, and tells the
 * physical switches after a failover in the modes without LACP (gratuitous
 * ARP / unsolicited NA for the VTEP addresses on the new members). Workers see
 * the result as struct dp_team in the snapshot. Control thread only.
 */
#ifndef CTRL_TEAM_H
#define CTRL_TEAM_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg_model.h"
#include "dp_snapshot.h"

struct dp_ctrl;
struct lacp_team;

struct ctrl_team {
	char name[CFG_NAME_MAX];
	bool implicit;                 /**< a loose uplink, not a configured team */
	enum cfg_team_mode mode;
	enum cfg_hash_policy hash;
	bool failback;
	uint16_t n_members;
	uint16_t members[DP_TEAM_MAX_MEMBERS]; /**< port indices, priority order */
	uint32_t link_mask;            /**< members whose link is up */
	int ab_current;                /**< active-backup: member in use, -1 none */
	struct lacp_team *lacp;        /**< mode lacp only */
	uint32_t active_mask;          /**< members carrying traffic */
	uint64_t changed_ns;
	const char *why;               /**< why active_mask last changed */
	uint64_t announcements;        /**< notify-switches frames sent */
};

/** Build the teams of c->cfg (after dp_init). 0 or -errno with msg. */
int ctrl_teams_init(struct dp_ctrl *c, char *msg, unsigned msglen);
void ctrl_teams_fini(struct dp_ctrl *c);
/** Timers, LACP transmit, active sets; marks c->dirty on a change. */
void ctrl_teams_poll(struct dp_ctrl *c, uint64_t now_ns);
/** A slow-protocol frame received on uplink port (from the worker ring). */
void ctrl_team_slowproto(struct dp_ctrl *c, uint16_t port, const uint8_t *frame, uint32_t len,
			 uint64_t now_ns);
/** The link of an uplink went up or down (PMD or kernel carrier). */
void ctrl_team_port_link(struct dp_ctrl *c, uint16_t port, bool up, uint64_t now_ns);
/** Team index of a port, -1 if it is not an uplink; *member its position. */
int ctrl_team_of_port(const struct dp_ctrl *c, uint16_t port, unsigned *member);
/** The team a next hop leaves by: the team of the named uplink port, or the
 *  underlay team for "". -1 if there is none. */
int ctrl_team_for_port_name(const struct dp_ctrl *c, const char *port);
/** Fill the snapshot's teams (out has DP_MAX_TEAMS slots); returns how many. */
uint16_t ctrl_teams_fill(const struct dp_ctrl *c, struct dp_team *out);

#endif
