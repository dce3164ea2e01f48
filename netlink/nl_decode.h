/* nl_decode: rtnetlink messages -> plain structs, and the requests vxswd sends.
 *
 * Contract
 * - Pure: no sockets, no I/O, no allocation, no global state. Any thread may call
 *   it; the socket side lives in nl_sock.[ch].
 * - Input is untrusted. nl_decode() reads only inside [buf, buf + len) and only
 *   inside the message's own nlmsg_len; every length (message, attribute, nested
 *   attribute, multipath hop, group array) is checked before use. A message that
 *   is not provably well formed is NL_MALFORMED, with a static reason in `why`.
 * - Kernel messages the daemon does not use (other types, or families the kernel
 *   legitimately sends such as AF_BRIDGE link info or multicast routes) are
 *   NL_NONE, not errors. A family that makes no sense for the type is malformed.
 * - Buffers passed in or built into must be 4-byte aligned (netlink alignment;
 *   any malloc'd or stack buffer of uint32_t/aligned type is).
 * - Builders write one request into a caller buffer and return its length, or
 *   -ENOSPC if it does not fit, -EINVAL for bad arguments.
 */
#ifndef NL_DECODE_H
#define NL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vx_addr.h"

enum nl_kind {
	NL_NONE,      /**< well formed, not decoded (type or family not used here) */
	NL_LINK,      /**< RTM_NEWLINK / RTM_DELLINK, ifi_family AF_UNSPEC */
	NL_ROUTE,     /**< RTM_NEWROUTE / RTM_DELROUTE, AF_INET / AF_INET6 */
	NL_NEIGH,     /**< RTM_NEWNEIGH / RTM_DELNEIGH, AF_INET / AF_INET6 / AF_BRIDGE */
	NL_NEXTHOP,   /**< RTM_NEWNEXTHOP / RTM_DELNEXTHOP */
	NL_DONE,      /**< NLMSG_DONE: end of a dump; nl_msg.error is its status */
	NL_ERROR,     /**< NLMSG_ERROR: nl_msg.error is 0 (an ACK) or -errno */
	NL_MALFORMED, /**< broken message; nl_msg.why says what is wrong */
};

/** Printable name of a kind ("link", "malformed", ...). */
const char *nl_kind_name(enum nl_kind k);

struct nl_link {
	int ifindex;
	char name[16];    /**< IFLA_IFNAME, "" if absent */
	char kind[16];    /**< IFLA_INFO_KIND ("veth", "vxlan", "bridge"), "" if absent */
	uint8_t mac[6];   /**< IFLA_ADDRESS when it is 6 bytes */
	bool has_mac;
	uint32_t flags;   /**< ifi_flags (IFF_*) */
	bool admin_up;    /**< IFF_UP */
	bool lower_up;    /**< IFF_LOWER_UP */
	bool carrier_known;
	bool carrier;     /**< IFLA_CARRIER when carrier_known */
	uint32_t mtu;     /**< IFLA_MTU, 0 if absent */
	int master;       /**< IFLA_MASTER, 0 = none */
	uint32_t vni;     /**< IFLA_VXLAN_ID of a vxlan device */
	bool has_vni;
	bool deleted;     /**< RTM_DELLINK */
};

struct nl_route {
	uint8_t family;     /**< AF_INET or AF_INET6 */
	uint8_t dst_len;
	uint8_t type;       /**< rtm_type: RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE... */
	uint8_t protocol;   /**< rtm_protocol */
	uint8_t scope;      /**< rtm_scope */
	uint32_t flags;     /**< rtm_flags */
	uint32_t table;     /**< RTA_TABLE, else rtm_table */
	uint32_t priority;  /**< RTA_PRIORITY (metric), 0 if absent */
	struct vx_ip dst;   /**< RTA_DST; the family's zero address if absent */
	struct vx_ip gw;    /**< RTA_GATEWAY or RTA_VIA; unset = on-link */
	struct vx_ip prefsrc; /**< RTA_PREFSRC; may be unset */
	int oif;            /**< RTA_OIF, 0 if absent */
	uint32_t nh_id;     /**< RTA_NH_ID, 0 = route does not use a nexthop object */
	unsigned n_paths;   /**< hops in RTA_MULTIPATH (gw/oif are the first), else 0 */
	bool deleted;       /**< RTM_DELROUTE */
};

struct nl_neigh {
	uint8_t family;   /**< AF_INET, AF_INET6 or AF_BRIDGE (fdb) */
	int ifindex;      /**< ndm_ifindex */
	struct vx_ip ip;  /**< NDA_DST: the neighbour; for AF_BRIDGE the remote VTEP */
	uint8_t mac[6];   /**< NDA_LLADDR when it is 6 bytes */
	bool has_mac;
	uint16_t state;   /**< ndm_state (NUD_*) */
	uint8_t flags;    /**< ndm_flags (NTF_SELF, NTF_EXT_LEARNED, NTF_ROUTER...) */
	uint32_t ext_flags; /**< NDA_FLAGS_EXT */
	uint32_t vni;     /**< NDA_VNI */
	bool has_vni;
	uint32_t nh_id;   /**< NDA_NH_ID (fdb nexthop group), 0 = none */
	int master;       /**< NDA_MASTER, 0 = none. The bridge's own fdb entries carry
			       this (the kernel never sets NTF_MASTER in them); the
			       vxlan driver's entries carry NTF_SELF instead */
	uint16_t vlan;    /**< NDA_VLAN, 0 = none */
	uint8_t protocol; /**< NDA_PROTOCOL (RTPROT_*), 0 if absent */
	bool deleted;     /**< RTM_DELNEIGH */
};

#define NL_NH_GROUP_MAX 64

struct nl_nh_member {
	uint32_t id;
	uint32_t weight;  /**< 1..65536 (the wire carries weight - 1) */
};

struct nl_nexthop {
	uint32_t id;        /**< NHA_ID, never 0 */
	uint8_t family;     /**< AF_UNSPEC (groups, blackhole), AF_INET, AF_INET6 */
	uint8_t protocol;   /**< nh_protocol */
	uint32_t flags;     /**< nh_flags (RTNH_F_*) */
	struct vx_ip gw;    /**< NHA_GATEWAY; for an fdb nexthop the remote VTEP */
	int oif;            /**< NHA_OIF, 0 if absent */
	bool fdb;           /**< NHA_FDB */
	bool blackhole;     /**< NHA_BLACKHOLE */
	uint16_t group_type; /**< NHA_GROUP_TYPE (NEXTHOP_GRP_TYPE_*) */
	struct nl_nh_member group[NL_NH_GROUP_MAX]; /**< NHA_GROUP members */
	unsigned n_group;   /**< members stored in group[] */
	bool group_truncated; /**< the message had more than NL_NH_GROUP_MAX */
	bool deleted;       /**< RTM_DELNEXTHOP */
};

struct nl_err {
	uint16_t req_type;  /**< nlmsg_type of the request that failed or was ACKed */
	char msg[128];      /**< extended ACK text (NLMSGERR_ATTR_MSG), "" if none */
};

/** One decoded message. Every field is initialised by nl_decode(). */
struct nl_msg {
	enum nl_kind kind;
	uint16_t type;     /**< nlmsg_type (0 when the header itself is unreadable) */
	uint16_t flags;    /**< nlmsg_flags: NLM_F_MULTI, NLM_F_DUMP_INTR... */
	uint32_t seq;
	uint32_t portid;   /**< nlmsg_pid */
	int error;         /**< NL_ERROR/NL_DONE: 0 or -errno; NL_MALFORMED: -EBADMSG */
	const char *why;   /**< NL_MALFORMED: static text naming the defect, else NULL */
	union {
		struct nl_link link;
		struct nl_route route;
		struct nl_neigh neigh;
		struct nl_nexthop nh;
		struct nl_err err;  /**< NL_ERROR and NL_DONE */
	};
};

/** Decode the message at buf, of which len bytes are readable. Fills *out
 *  completely and returns out->kind. A message whose nlmsg_len exceeds len
 *  or is below the header size is NL_MALFORMED. */
enum nl_kind nl_decode(const void *buf, size_t len, struct nl_msg *out);

/** Callback of nl_decode_each(): return 0 to go on, a negative value to stop. */
typedef int (*nl_msg_cb)(void *arg, const struct nl_msg *m);

/** Decode every message in a receive buffer and hand each to cb, malformed
 *  ones included (as NL_MALFORMED), in order. Returns the number of messages
 *  handed to cb; -EBADMSG if the buffer ends in a header that cannot be walked
 *  past (nlmsg_len below the header size, or beyond the buffer: cb has seen it
 *  as NL_MALFORMED first, or a tail shorter than a header); cb's negative
 *  value if it stopped; -EINVAL if buf is misaligned. */
int nl_decode_each(const void *buf, size_t len, nl_msg_cb cb, void *arg);

/** RTM_GETLINK / RTM_GETNEIGH / RTM_GETROUTE / RTM_GETNEXTHOP dump request
 *  (NLM_F_REQUEST | NLM_F_DUMP) with an all-zero family header. For fdb
 *  entries dump RTM_GETNEIGH with AF_BRIDGE; AF_UNSPEC gives ARP and ND. */
int nl_build_dump(void *buf, size_t len, uint16_t type, uint8_t family, uint32_t seq);

/** RTM_GETROUTE for one destination (a host route lookup, like `ip route get`). */
int nl_build_route_get(void *buf, size_t len, const struct vx_ip *dst, uint32_t seq);

/** RTM_GETNEIGH for one entry (ifindex, ip), like `ip neigh get`. */
int nl_build_neigh_get(void *buf, size_t len, int ifindex, const struct vx_ip *ip,
		       uint32_t seq);

/** RTM_NEWNEIGH with NTF_USE (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, plus
 *  NLM_F_EXCL if create_only): the kernel creates the entry if needed and runs
 *  neigh_event_send() on it, which sends an ARP request / neighbour
 *  solicitation (new, FAILED or INCOMPLETE entry) or re-probes a STALE one.
 *  Beware: since Linux 5.16 NTF_USE also strips NUD_PERMANENT from an existing
 *  entry and so destroys a static neighbour; send it without create_only only
 *  for entries known not to be PERMANENT/NOARP (nl_neigh_resolve() checks). */
int nl_build_neigh_use(void *buf, size_t len, int ifindex, const struct vx_ip *ip,
		       bool create_only, uint32_t seq);

/** RTM_GETLINK for one device by name (IFLA_IFNAME); name must be 1..15 chars. */
int nl_build_link_get(void *buf, size_t len, const char *ifname, uint32_t seq);

#endif
