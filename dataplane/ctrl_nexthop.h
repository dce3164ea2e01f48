/* ctrl_nexthop: outer headers toward remote VTEPs.
 *
 * A VTEP's outer destination MAC and egress uplink come from a static next
 * hop in the config, or from the host kernel (the namespace vxswd runs in):
 * the route to the VTEP and the neighbour entry of its next hop on the host
 * tap, read through netlink. Unresolved next hops are asked for (the kernel
 * then sends ARP/ND through the host tap and the uplink) and retried each
 * second and on every neighbour or route change. Control thread only.
 */
#ifndef CTRL_NEXTHOP_H
#define CTRL_NEXTHOP_H

#include <stdint.h>

struct dp_ctrl;

/** Find the host tap's kernel interface and open the netlink socket. */
int ctrl_nexthop_init(struct dp_ctrl *c, char *msg, unsigned msglen);
void ctrl_nexthop_fini(struct dp_ctrl *c);
int ctrl_nexthop_fd(const struct dp_ctrl *c);
/** Read netlink events; re-resolve on changes and once a second. */
void ctrl_nexthop_poll(struct dp_ctrl *c, uint32_t now_s);
/** (Re)build VTEP i's outer header; marks the registry dirty if it changed. */
void ctrl_resolve_vtep(struct dp_ctrl *c, uint16_t i);
void ctrl_resolve_all(struct dp_ctrl *c);

#endif
