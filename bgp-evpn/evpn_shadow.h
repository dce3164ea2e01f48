/* evpn_shadow: creates and removes the kernel shadow of a VNI (the devices
 * FRR watches), in the network namespace the calling thread is in when the
 * socket is opened.
 *
 * Contract
 * - Per VNI: a vxlan device (id VNI, local VTEP, dstport, nolearning),
 *   enslaved to a bridge (no STP, no VLAN filtering, no IPv6 addresses), its
 *   bridge port `learning off neigh_suppress on`; both up. Per VM-facing port:
 *   a stand-in bridge port (a dummy device, or a veth whose peer stays down
 *   where the kernel has no dummy driver), learning off, up.
 * - Existing devices of the right kind and parameters are reused (a restart
 *   keeps FRR's view and so the routes it advertises); others of that name
 *   are replaced.
 * - Synchronous: each call waits for the kernel's answers (at most
 *   NL_SYNC_TIMEOUT_MS per request). Control thread only; rare calls.
 * - Errors: -errno, and a sentence naming the device in msg.
 */
#ifndef EVPN_SHADOW_H
#define EVPN_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vx_addr.h"

struct evpn_shadow;

int evpn_shadow_open(struct evpn_shadow **out);
void evpn_shadow_close(struct evpn_shadow *sh);

struct evpn_shadow_vni {
	uint32_t vni;
	const char *vxlan_name;
	const char *bridge_name;
	struct vx_ip local;
	uint16_t dstport;
};

/** Create (or adopt) the VNI's vxlan device and bridge. *reused is true when
 *  both existed already. */
int evpn_shadow_vni_add(struct evpn_shadow *sh, const struct evpn_shadow_vni *c,
			int *vxlan_ifindex, int *br_ifindex, bool *reused, char *msg,
			size_t msglen);

/** Create (or adopt) a stand-in port named name on bridge br_ifindex, with
 *  alias as its description (the vxsw port name). peer_name names the veth
 *  peer if a veth is needed. */
int evpn_shadow_port_add(struct evpn_shadow *sh, const char *name, const char *peer_name,
			 int br_ifindex, const char *alias, int *ifindex, bool *reused,
			 char *msg, size_t msglen);

/** Remove a device by name; a missing one is not an error. */
int evpn_shadow_del(struct evpn_shadow *sh, const char *name);

#endif
