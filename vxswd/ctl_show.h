/* ctl_show: render operational state for vxswctl (control thread). */
#ifndef CTL_SHOW_H
#define CTL_SHOW_H

#include <stdbool.h>

struct dp_ctrl;

/** what: ports|vni|fdb|vtep|counters|drops. *reply is malloc'd. 0 or -1. */
int ctl_show(struct dp_ctrl *c, const char *what, bool json, char **reply);

#endif
