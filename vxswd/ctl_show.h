/* ctl_show: render operational state for vxswctl (control thread). */
#ifndef CTL_SHOW_H
#define CTL_SHOW_H

#include <stdbool.h>

struct dp_ctrl;

/** Show one or more views (NULL-terminated names: ports, vni, fdb, vtep,
 *  team, team-members, evpn, evpn-mac, evpn-neigh, counters, drops) as
 *  tables, or as one JSON document. arg narrows: a team name for the team
 *  views, a VNI for fdb (NULL: all). *reply is malloc'd. 0 or -1. */
int ctl_show(struct dp_ctrl *c, const char *const *parts, const char *arg, bool json,
	     char **reply);

#endif
