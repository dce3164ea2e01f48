/* evpn_nlmsg: the rtnetlink requests the EVPN agent sends to its kernel shadow.
 *
 * Pure builders in the style of nl_decode.h: each writes one request into a
 * 4-byte aligned caller buffer and returns its length, -ENOSPC if it does not
 * fit, -EINVAL for bad arguments. Every request asks for an ACK (NLM_F_ACK).
 * Device names are 1..15 characters.
 */
#ifndef EVPN_NLMSG_H
#define EVPN_NLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vx_addr.h"

/** `bridge fdb replace MAC dev <port> master extern_learn` (add) or
 *  `bridge fdb del MAC dev <port> master` (!add). */
int evpn_build_fdb(void *buf, size_t len, int port_ifindex, const uint8_t mac[6], bool add,
		   uint32_t seq);

/** `ip neigh replace IP lladdr MAC dev <br> nud permanent` (add) or
 *  `ip neigh del IP dev <br>` (!add, mac unused). */
int evpn_build_neigh(void *buf, size_t len, int br_ifindex, const struct vx_ip *ip,
		     const uint8_t mac[6], bool add, uint32_t seq);

/** A vxlan device: `ip link add NAME type vxlan id VNI local IP dstport PORT
 *  nolearning` enslaved to master (0 = none), up if up. */
int evpn_build_vxlan(void *buf, size_t len, const char *name, uint32_t vni,
		     const struct vx_ip *local, uint16_t dstport, int master, bool up,
		     uint32_t seq);

/** A bridge, down, with the kernel's defaults (no STP, not VLAN aware). */
int evpn_build_bridge(void *buf, size_t len, const char *name, uint32_t seq);

/** A stand-in port: kind "dummy", or "veth" with its peer peer_name (which
 *  stays down); enslaved to master, up. */
int evpn_build_standin(void *buf, size_t len, const char *kind, const char *name,
		       const char *peer_name, int master, uint32_t seq);

/** RTM_SETLINK: admin state, and (master >= 0) the master device (0 = none). */
int evpn_build_link_set(void *buf, size_t len, int ifindex, bool up, int master, uint32_t seq);

/** RTM_SETLINK: the device's alias (`ip link set X alias A`; the kernel
 *  ignores IFLA_IFALIAS when creating a device). */
int evpn_build_link_alias(void *buf, size_t len, int ifindex, const char *alias, uint32_t seq);

/** RTM_SETLINK: IPv6 address generation off (no link-local, no DAD). */
int evpn_build_no_ipv6(void *buf, size_t len, int ifindex, uint32_t seq);

/** Bridge port flags (`bridge link set dev X learning L neigh_suppress S`). */
int evpn_build_brport(void *buf, size_t len, int ifindex, bool learning, bool neigh_suppress,
		      uint32_t seq);

/** RTM_DELLINK by ifindex. */
int evpn_build_link_del(void *buf, size_t len, int ifindex, uint32_t seq);

/** RTM_GETLINK by name, answered with the device (or an error). */
int evpn_build_link_get(void *buf, size_t len, const char *name, uint32_t seq);

/** What evpn_parse_link() reads from an RTM_NEWLINK answer. */
struct evpn_link_info {
	int ifindex;
	int master;
	char kind[16];
	uint32_t vni;        /**< vxlan: IFLA_VXLAN_ID */
	struct vx_ip local;  /**< vxlan: IFLA_VXLAN_LOCAL / LOCAL6 */
	uint16_t dstport;    /**< vxlan: IFLA_VXLAN_PORT, host order */
	bool up;
};

/** Parse an RTM_NEWLINK message (nlh points at it, len bytes readable).
 *  0 or -EBADMSG. */
int evpn_parse_link(const void *nlh, size_t len, struct evpn_link_info *out);

#endif
