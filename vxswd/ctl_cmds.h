/* ctl_cmds: the vxswctl commands, run on the control thread.
 *
 * show ports|vni|fdb|vtep|counters|drops|config [--json]
 * add|del vni ID [learning on|off] [mac-limit N]
 * set port NAME access-vni ID | add|del port NAME vlan VID [vni ID]
 * add|del flood VNI IP, add fdb VNI MAC port NAME|remote IP, del fdb VNI MAC
 * clear counters
 * Changes are validated like a config file and applied whole or not at all.
 */
#ifndef CTL_CMDS_H
#define CTL_CMDS_H

struct dp_ctrl;

/** ctl_handler_fn for ctl_server: arg is the struct dp_ctrl. */
int ctl_cmds_handle(void *arg, int argc, char **argv, char **reply);

#endif
