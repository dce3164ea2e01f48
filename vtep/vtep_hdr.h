/* vtep_hdr: VXLAN (RFC 7348) header build and parse. Pure: no EAL, no I/O.
 *
 * Owns the wire format of the outer Ethernet/IPv4-or-IPv6/UDP/VXLAN headers.
 * Called by the dataplane workers (hot path) and by tests; thread-safe, no state.
 */
#ifndef VTEP_HDR_H
#define VTEP_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "vx_addr.h"

#define VTEP_UDP_PORT_DEFAULT 4789
#define VTEP_VNI_MAX 0xffffffu /* 24 bits */
#define VTEP_SPORT_MIN 49152   /* UDP source port range: 49152..65535 */

/* Outer header sizes: Ethernet 14 + IPv4 20 / IPv6 40 + UDP 8 + VXLAN 8. */
#define VTEP_OUTER_LEN_V4 50
#define VTEP_OUTER_LEN_V6 70
#define VTEP_OUTER_LEN_MAX VTEP_OUTER_LEN_V6
/* Largest inner frame whose IPv4 total length (20 + 8 + 8 + inner) fits 16 bits. */
#define VTEP_ENCAP_INNER_MAX 65499u

/** Why a frame was not decapsulated (see vtep_drop.def). */
enum vtep_drop {
#define X(e, s) VTEP_DROP_##e,
#include "vtep_drop.def"
#undef X
	VTEP_DROP_COUNT
};

/** Printable name of a drop reason ("ipv4-bad-checksum"). */
const char *vtep_drop_name(enum vtep_drop d);

/** What an uplink frame is, before decap. */
enum vtep_class {
	VTEP_CLASS_VXLAN,   /**< VXLAN to a local VTEP address and our port: decap */
	VTEP_CLASS_HOST,    /**< anything else: punt to the host exception path */
	VTEP_CLASS_SLOWPROTO, /**< ethertype 0x8809 (LACP/marker): to the team logic */
	VTEP_CLASS_DROP,    /**< VXLAN to us but malformed: see .drop */
};

/** The local VTEP: addresses we terminate and the UDP port we listen on. */
struct vtep_local {
	struct vx_ip ip4;   /**< af == 0 if no IPv4 VTEP address */
	struct vx_ip ip6;   /**< af == 0 if no IPv6 VTEP address */
	uint16_t udp_port;  /**< host order, usually 4789 */
	bool allow_inner_vlan; /**< default false: inner 802.1Q frames dropped */
};

/** Result of vtep_classify() for a VXLAN frame. */
struct vtep_decap_info {
	enum vtep_drop drop;   /**< VTEP_DROP_OK unless class == DROP */
	uint32_t vni;          /**< 24-bit VNI, host order */
	struct vx_ip outer_src; /**< the remote VTEP that sent it; set whenever the
				     frame is IP to a local address (also for drops) */
	uint16_t inner_off;    /**< offset of the inner Ethernet header in the frame */
	uint16_t inner_len;    /**< inner frame length (from the UDP length) */
};

/**
 * Classify a frame received on an uplink and, for VXLAN to us, validate it.
 *
 * The frame starts at its (outer) Ethernet header; len is its length.
 * VXLAN = untagged IPv4/IPv6, destination one of local's addresses, UDP to
 * local->udp_port. Checks: IPv4 version/IHL/total length/header checksum,
 * no fragments (MF or offset); IPv6 version/payload length (no extension
 * headers: next header must be UDP); UDP length fits; VXLAN I flag set
 * (reserved bits ignored); inner frame >= 14 bytes; inner 802.1Q/802.1ad
 * tagged frames dropped unless local->allow_inner_vlan.
 * A frame tagged 802.1Q on the outside is HOST (the host kernel decides),
 * except that it is never VXLAN. IPv4 to us that is a fragment of UDP to
 * our port is DROP/IPV4_FRAGMENT (the first fragment is recognised by port,
 * later fragments by protocol UDP alone).
 * Does not look at the VNI's existence: the caller does (unknown-vni drop).
 *
 * Precedence, so every frame gets exactly one answer:
 * - len < 14, or an IPv4/IPv6 frame too short to hold the fixed IP header
 *   (no legal Ethernet frame is that short): DROP/TRUNCATED.
 * - IP not addressed to a local address: HOST, however malformed; the host
 *   kernel owns that frame. OUTER_VLAN is never returned here (tagged = HOST);
 *   it names the drop for a caller that refuses tagged uplink frames.
 * - IP to a local address: the IP header is validated first whatever the
 *   protocol (bad version/IHL/lengths: IPV4_BAD_HEADER or IPV6_BAD_HEADER, bad
 *   checksum: IPV4_BAD_CKSUM), since protocol and port cannot be trusted before.
 *   Then not UDP to local->udp_port: HOST (BGP, ICMP, ND, other UDP).
 * - UDP to our port whose header is cut short inside the IP payload, or whose
 *   port cannot be read: TRUNCATED. UDP length < 16 (no room for UDP + VXLAN
 *   headers) or beyond the IP payload: UDP_BAD_LENGTH; 16..29 (inner frame
 *   under 14 bytes): INNER_TRUNCATED after the I flag check.
 * IPv4 options are skipped; Ethernet padding after the IP packet, and IP
 * bytes after the UDP datagram, are ignored. The UDP checksum is not verified:
 * IPv4 VXLAN senders send 0 (RFC 7348 recommends it), the inner packet's own
 * checksums protect its payload end to end, and common receivers (Linux, VPP)
 * skip it too; checking it would cost a pass over every byte of every frame.
 * info may not be NULL; it is fully written on every call.
 */
enum vtep_class vtep_classify(const uint8_t *frame, uint32_t len,
			      const struct vtep_local *local,
			      struct vtep_decap_info *info);

/**
 * A precomputed outer header toward one remote VTEP (VPP-style rewrite).
 * Built by the control thread when the next hop resolves; copied by workers.
 */
struct vtep_rewrite {
	uint8_t hdr[VTEP_OUTER_LEN_MAX]; /**< Eth/IP/UDP/VXLAN, lengths/VNI/sport zero */
	uint8_t len;   /**< VTEP_OUTER_LEN_V4 or VTEP_OUTER_LEN_V6 */
	uint8_t af;    /**< AF_INET or AF_INET6 */
	/** IPv4: ones-complement sum of the template's header words (total
	 *  length 0), so a packet's header checksum costs one add, not a pass
	 *  over the header. */
	uint32_t ip4_sum;
};

/** Parameters of a rewrite. Addresses must be of the same family. */
struct vtep_rewrite_params {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	struct vx_ip src_ip;
	struct vx_ip dst_ip;
	uint16_t udp_port; /**< destination port, host order */
	uint8_t ttl;       /**< IPv4 TTL / IPv6 hop limit */
};

/** Build the template. Returns 0 or -EINVAL (family mismatch/unset, or a
 *  zero TTL or UDP port, which would build undeliverable packets). */
int vtep_rewrite_init(struct vtep_rewrite *rw, const struct vtep_rewrite_params *p);

/**
 * Write the outer header in front of an inner frame.
 *
 * out points at rw->len bytes immediately followed by the inner frame of
 * inner_len bytes (the caller prepended the space). Fills VNI, source port,
 * IP and UDP lengths, IPv4 header checksum (DF set, UDP checksum 0) or the
 * IPv6 UDP checksum (which covers the inner frame, so it must be contiguous).
 * vni is masked to 24 bits. inner_len must be <= VTEP_ENCAP_INNER_MAX (the
 * IP length fields would wrap); the dataplane's MTU check keeps it far below.
 */
void vtep_encap(uint8_t *out, const struct vtep_rewrite *rw, uint32_t vni,
		uint16_t sport, uint16_t inner_len);

/**
 * Flow hash of an inner Ethernet frame: MACs, ethertype, and for IPv4/IPv6
 * the addresses, protocol and TCP/UDP ports when present. Same flow, same
 * hash; used for the UDP source port and for team member choice.
 * Up to two VLAN tags are skipped (the VLAN ID is not hashed); IPv4
 * fragments and IPv6 packets with extension headers hash without ports, so
 * the pieces of one datagram stay on one path. Reads at most len bytes.
 */
uint32_t vtep_flow_hash(const uint8_t *inner, uint32_t len);

/** UDP source port from a flow hash, in 49152..65535. */
static inline uint16_t vtep_sport(uint32_t hash)
{
	return (uint16_t)(VTEP_SPORT_MIN | ((hash ^ (hash >> 16)) & 0x3fff));
}

/** Size of the outer IP packet for an inner frame of inner_len bytes; the
 *  dataplane drops (never fragments) when this exceeds the uplink MTU. */
static inline uint32_t vtep_outer_ip_len(const struct vtep_rewrite *rw, uint32_t inner_len)
{
	return (uint32_t)rw->len - 14u + inner_len;
}

#endif
