/* ctl_show: render operational state for vxswctl (control thread). */
#ifndef CTL_SHOW_H
#define CTL_SHOW_H

#include <stdbool.h>

struct dp_ctrl;

/** what: ports|vni|fdb|vtep|team|team-members|counters|drops; arg narrows
 *  team views to one team (NULL: all). *reply is malloc'd. 0 or -1. */
int ctl_show(struct dp_ctrl *c, const char *what, const char *arg, bool json, char **reply);

#endif
