/* telemetry: vxsw counters through DPDK telemetry (dpdk-telemetry.py):
 * /vxsw/ports, /vxsw/drops, /vxsw/vni. Callbacks run on DPDK's telemetry
 * thread and only read counters. */
#ifndef VXSW_TELEMETRY_H
#define VXSW_TELEMETRY_H

struct dp_ctrl;

void telemetry_register(struct dp_ctrl *c);

#endif
