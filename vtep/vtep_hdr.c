/* vtep_hdr: VXLAN outer header parse (vtep_classify) and build (rewrite, encap).
 *
 * Frames come straight from a NIC or a fuzzer: any length, any bytes, any
 * alignment. Every read is preceded by a bounds check against what the frame
 * holds, and multi-byte fields are read through DPDK's packed wire structs
 * (alignment 1) or byte by byte, never through wider casts.
 */
#include "vtep_hdr.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#define ETH_LEN   14
#define IP4_LEN   20
#define IP6_LEN   40
#define UDP_LEN   8
#define VXLAN_LEN 8
#define VXLAN_FLAG_I 0x08 /* first byte of the VXLAN header: "VNI valid" */

/* rte_ether_hdr is 2-byte aligned, so it is only used for its size; the
 * others are packed and safe to overlay on any byte of a frame. */
_Static_assert(sizeof(struct rte_ether_hdr) == ETH_LEN, "Ethernet header size");
_Static_assert(sizeof(struct rte_ipv4_hdr) == IP4_LEN, "IPv4 header size");
_Static_assert(sizeof(struct rte_ipv6_hdr) == IP6_LEN, "IPv6 header size");
_Static_assert(sizeof(struct rte_udp_hdr) == UDP_LEN, "UDP header size");
_Static_assert(sizeof(struct rte_vxlan_hdr) == VXLAN_LEN, "VXLAN header size");
_Static_assert(_Alignof(struct rte_ipv4_hdr) == 1 && _Alignof(struct rte_ipv6_hdr) == 1 &&
	       _Alignof(struct rte_udp_hdr) == 1 && _Alignof(struct rte_vxlan_hdr) == 1,
	       "wire structs overlaid on unaligned frames must be packed");
_Static_assert(VTEP_OUTER_LEN_V4 == ETH_LEN + IP4_LEN + UDP_LEN + VXLAN_LEN, "v4 outer");
_Static_assert(VTEP_OUTER_LEN_V6 == ETH_LEN + IP6_LEN + UDP_LEN + VXLAN_LEN, "v6 outer");
_Static_assert(VTEP_ENCAP_INNER_MAX == 65535 - IP4_LEN - UDP_LEN - VXLAN_LEN, "inner max");

static const char *const drop_names[VTEP_DROP_COUNT] = {
#define X(e, s) [VTEP_DROP_##e] = s,
#include "vtep_drop.def"
#undef X
};

const char *vtep_drop_name(enum vtep_drop d)
{
	if ((unsigned int)d >= VTEP_DROP_COUNT)
		return "unknown";
	return drop_names[d];
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Unaligned loads in host order (memcpy: no wider casts on frame bytes). */
static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* ---- decap side -------------------------------------------------------- */

/* The IPv4 header checksum verifies (RFC 1071: the header sums to 0xffff).
 * The option-less header, nearly every packet's, is summed in five 4-byte
 * loads; the sum's byte order does not matter for this test. */
static inline bool ipv4_cksum_ok(const uint8_t *ip, uint32_t hlen)
{
	uint64_t sum;

	if (hlen != IP4_LEN)
		return rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip) == 0;
	sum = (uint64_t)ld32(ip) + ld32(ip + 4) + ld32(ip + 8) + ld32(ip + 12) + ld32(ip + 16);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static enum vtep_class drop(struct vtep_decap_info *info, enum vtep_drop why)
{
	info->drop = why;
	return VTEP_CLASS_DROP;
}

/* The UDP datagram at frame + l4 is to our port; room is the IP payload
 * length, already known to lie inside the frame. */
static enum vtep_class classify_vxlan(const uint8_t *frame, uint32_t l4, uint32_t room,
				      const struct vtep_local *local,
				      struct vtep_decap_info *info)
{
	const struct rte_udp_hdr *udp = (const void *)(frame + l4);
	const struct rte_vxlan_hdr *vx = (const void *)(frame + l4 + UDP_LEN);
	const uint8_t *inner = frame + l4 + UDP_LEN + VXLAN_LEN;
	uint32_t udp_len, inner_len;
	uint16_t inner_type;

	if (room < UDP_LEN)
		return drop(info, VTEP_DROP_TRUNCATED);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < UDP_LEN + VXLAN_LEN || udp_len > room)
		return drop(info, VTEP_DROP_UDP_BAD_LENGTH);
	/* From here the VXLAN header lies inside the datagram, so inside the frame. */
	if (!(((const uint8_t *)vx)[0] & VXLAN_FLAG_I))
		return drop(info, VTEP_DROP_VXLAN_NO_I_FLAG);
	inner_len = udp_len - UDP_LEN - VXLAN_LEN;
	if (inner_len < ETH_LEN)
		return drop(info, VTEP_DROP_INNER_TRUNCATED);
	inner_type = rd16(inner + 12);
	if (!local->allow_inner_vlan &&
	    (inner_type == RTE_ETHER_TYPE_VLAN || inner_type == RTE_ETHER_TYPE_QINQ))
		return drop(info, VTEP_DROP_INNER_VLAN);

	info->vni = rte_be_to_cpu_32(vx->vx_vni) >> 8;
	info->inner_off = (uint16_t)(l4 + UDP_LEN + VXLAN_LEN);
	info->inner_len = (uint16_t)inner_len;
	return VTEP_CLASS_VXLAN;
}

/* Is the UDP destination port at frame + l4 ours? -1 if it is not in room. */
static int udp_port_is_ours(const uint8_t *frame, uint32_t l4, uint32_t room,
			    const struct vtep_local *local)
{
	if (room < 4)
		return -1;
	return rd16(frame + l4 + 2) == local->udp_port;
}

static enum vtep_class classify_ipv4(const uint8_t *frame, uint32_t len,
				     const struct vtep_local *local,
				     struct vtep_decap_info *info)
{
	const struct rte_ipv4_hdr *ip = (const void *)(frame + ETH_LEN);
	uint32_t avail = len - ETH_LEN, hlen, tot, room;
	uint16_t frag;
	int ours;

	if (avail < IP4_LEN)
		return drop(info, VTEP_DROP_TRUNCATED);
	if (local->ip4.af != AF_INET || memcmp(&ip->dst_addr, local->ip4.a, 4) != 0)
		return VTEP_CLASS_HOST;
	info->outer_src.af = AF_INET;
	memcpy(info->outer_src.a, &ip->src_addr, 4);

	hlen = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hlen < IP4_LEN || tot < hlen || tot > avail)
		return drop(info, VTEP_DROP_IPV4_BAD_HEADER);
	/* hlen <= tot <= avail: the whole header, options included, is readable. */
	if (!ipv4_cksum_ok((const uint8_t *)ip, hlen))
		return drop(info, VTEP_DROP_IPV4_BAD_CKSUM);
	if (ip->next_proto_id != IPPROTO_UDP)
		return VTEP_CLASS_HOST;

	/* Later fragments carry no UDP header: protocol UDP is enough to refuse them. */
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag & RTE_IPV4_HDR_OFFSET_MASK)
		return drop(info, VTEP_DROP_IPV4_FRAGMENT);
	room = tot - hlen;
	ours = udp_port_is_ours(frame, ETH_LEN + hlen, room, local);
	if (ours < 0)
		return drop(info, (frag & RTE_IPV4_HDR_MF_FLAG) ? VTEP_DROP_IPV4_FRAGMENT
							     : VTEP_DROP_TRUNCATED);
	if (!ours)
		return VTEP_CLASS_HOST;
	if (frag & RTE_IPV4_HDR_MF_FLAG)
		return drop(info, VTEP_DROP_IPV4_FRAGMENT);
	return classify_vxlan(frame, ETH_LEN + hlen, room, local, info);
}

static enum vtep_class classify_ipv6(const uint8_t *frame, uint32_t len,
				     const struct vtep_local *local,
				     struct vtep_decap_info *info)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)(frame + ETH_LEN);
	uint32_t avail = len - ETH_LEN, room;
	int ours;

	if (avail < IP6_LEN)
		return drop(info, VTEP_DROP_TRUNCATED);
	if (local->ip6.af != AF_INET6 || memcmp(ip6->dst_addr, local->ip6.a, 16) != 0)
		return VTEP_CLASS_HOST;
	info->outer_src.af = AF_INET6;
	memcpy(info->outer_src.a, ip6->src_addr, 16);

	room = rte_be_to_cpu_16(ip6->payload_len);
	if ((frame[ETH_LEN] >> 4) != 6 || room > avail - IP6_LEN)
		return drop(info, VTEP_DROP_IPV6_BAD_HEADER);
	/* Extension headers (and ICMPv6, ND) are the host's business. */
	if (ip6->proto != IPPROTO_UDP)
		return VTEP_CLASS_HOST;
	ours = udp_port_is_ours(frame, ETH_LEN + IP6_LEN, room, local);
	if (ours < 0)
		return drop(info, VTEP_DROP_TRUNCATED);
	if (!ours)
		return VTEP_CLASS_HOST;
	return classify_vxlan(frame, ETH_LEN + IP6_LEN, room, local, info);
}

/* The common frame, untagged IPv4 VXLAN without IP options, to us and valid
 * in every respect, accepted with a few wide loads. Anything else, every
 * drop included, goes the long way, which gives this frame the same answer. */
static inline bool classify_fast(const uint8_t *frame, uint32_t len,
				 const struct vtep_local *local, struct vtep_decap_info *info)
{
	const uint8_t *ip = frame + ETH_LEN, *udp = ip + IP4_LEN, *vx = udp + UDP_LEN;
	uint32_t tot, udp_len;
	uint16_t inner_type;

	if (len < ETH_LEN + IP4_LEN + UDP_LEN + VXLAN_LEN + ETH_LEN ||
	    (rte_le_to_cpu_32(ld32(frame + 12)) & 0xffffff) != 0x450008 || /* 08 00 45 */
	    local->ip4.af != AF_INET || ld32(ip + 16) != ld32(local->ip4.a) ||
	    ip[9] != IPPROTO_UDP ||
	    (rd16(ip + 6) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
	    rd16(udp + 2) != local->udp_port || !(vx[0] & VXLAN_FLAG_I))
		return false;
	tot = rd16(ip + 2);
	udp_len = rd16(udp + 4);
	inner_type = rd16(vx + VXLAN_LEN + 12);
	if (tot > len - ETH_LEN || udp_len < UDP_LEN + VXLAN_LEN + ETH_LEN ||
	    IP4_LEN + udp_len > tot || !ipv4_cksum_ok(ip, IP4_LEN) ||
	    (!local->allow_inner_vlan &&
	     (inner_type == RTE_ETHER_TYPE_VLAN || inner_type == RTE_ETHER_TYPE_QINQ)))
		return false;
	info->vni = rte_be_to_cpu_32(ld32(vx + 4)) >> 8;
	info->outer_src.af = AF_INET;
	memcpy(info->outer_src.a, ip + 12, 4);
	info->inner_off = ETH_LEN + IP4_LEN + UDP_LEN + VXLAN_LEN;
	info->inner_len = (uint16_t)(udp_len - UDP_LEN - VXLAN_LEN);
	return true;
}

enum vtep_class vtep_classify(const uint8_t *frame, uint32_t len,
			      const struct vtep_local *local,
			      struct vtep_decap_info *info)
{
	memset(info, 0, sizeof(*info));
	if (classify_fast(frame, len, local, info))
		return VTEP_CLASS_VXLAN;
	if (len < ETH_LEN)
		return drop(info, VTEP_DROP_TRUNCATED);

	switch (rd16(frame + 12)) {
	case RTE_ETHER_TYPE_SLOW:
		return VTEP_CLASS_SLOWPROTO;
	case RTE_ETHER_TYPE_IPV4:
		return classify_ipv4(frame, len, local, info);
	case RTE_ETHER_TYPE_IPV6:
		return classify_ipv6(frame, len, local, info);
	default:
		/* ARP, LLDP, and outer 802.1Q/802.1ad: tunnels run untagged. */
		return VTEP_CLASS_HOST;
	}
}

/* ---- encap side -------------------------------------------------------- */

int vtep_rewrite_init(struct vtep_rewrite *rw, const struct vtep_rewrite_params *p)
{
	uint8_t *h = rw->hdr;
	uint8_t af = p->src_ip.af;
	struct rte_udp_hdr *udp;
	struct rte_vxlan_hdr *vx;

	memset(rw, 0, sizeof(*rw));
	if ((af != AF_INET && af != AF_INET6) || p->dst_ip.af != af ||
	    p->ttl == 0 || p->udp_port == 0)
		return -EINVAL;

	memcpy(h, p->dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(h + RTE_ETHER_ADDR_LEN, p->src_mac, RTE_ETHER_ADDR_LEN);
	if (af == AF_INET) {
		struct rte_ipv4_hdr *ip = (void *)(h + ETH_LEN);

		wr16(h + 12, RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		/* Never fragmented on the way: the dataplane drops what exceeds the MTU. */
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = p->ttl;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, p->src_ip.a, 4);
		memcpy(&ip->dst_addr, p->dst_ip.a, 4);
		rw->len = VTEP_OUTER_LEN_V4;
		for (unsigned i = 0; i < IP4_LEN; i += 2)
			rw->ip4_sum += rd16(h + ETH_LEN + i);
	} else {
		struct rte_ipv6_hdr *ip6 = (void *)(h + ETH_LEN);

		wr16(h + 12, RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = p->ttl;
		memcpy(ip6->src_addr, p->src_ip.a, 16);
		memcpy(ip6->dst_addr, p->dst_ip.a, 16);
		rw->len = VTEP_OUTER_LEN_V6;
	}
	udp = (void *)(h + rw->len - UDP_LEN - VXLAN_LEN);
	udp->dst_port = rte_cpu_to_be_16(p->udp_port);
	vx = (void *)(udp + 1);
	vx->vx_flags = rte_cpu_to_be_32((uint32_t)VXLAN_FLAG_I << 24);
	rw->af = af;
	return 0;
}

/* The VNI and UDP source port of a header whose UDP header is at udp. */
static inline void put_vni_sport(struct rte_udp_hdr *udp, uint32_t vni, uint16_t sport)
{
	struct rte_vxlan_hdr *vx = (void *)(udp + 1);

	vx->vx_vni = rte_cpu_to_be_32((vni & VTEP_VNI_MAX) << 8);
	udp->src_port = rte_cpu_to_be_16(sport);
}

/* IPv6: the UDP checksum covers the inner frame. Out of line, so that the
 * IPv4 path saves no registers for it. */
static __attribute__((noinline)) void encap_ipv6(uint8_t *out, const struct vtep_rewrite *rw,
						 uint32_t vni, uint16_t sport, uint16_t udp_len)
{
	struct rte_ipv6_hdr *ip6 = (void *)(out + ETH_LEN);
	struct rte_udp_hdr *udp = (void *)(out + ETH_LEN + IP6_LEN);

	memcpy(out, rw->hdr, VTEP_OUTER_LEN_V6);
	put_vni_sport(udp, vni, sport);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	/* Mandatory over IPv6 (RFC 8200); DPDK sends a computed 0 as 0xffff. */
	ip6->payload_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
}

void vtep_encap(uint8_t *out, const struct vtep_rewrite *rw, uint32_t vni,
		uint16_t sport, uint16_t inner_len)
{
	struct rte_ipv4_hdr *ip = (void *)(out + ETH_LEN);
	struct rte_udp_hdr *udp = (void *)(out + ETH_LEN + IP4_LEN);
	uint16_t udp_len = (uint16_t)(UDP_LEN + VXLAN_LEN + inner_len);
	uint16_t total = (uint16_t)(IP4_LEN + udp_len);
	uint32_t sum = rw->ip4_sum + total;

	if (rw->af != AF_INET) {
		encap_ipv6(out, rw, vni, sport, udp_len);
		return;
	}
	/* A constant size: a few vector moves, not a call to memcpy. */
	memcpy(out, rw->hdr, VTEP_OUTER_LEN_V4);
	put_vni_sport(udp, vni, sport);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	/* The template's header and UDP checksums are 0: UDP stays 0 (RFC 7348).
	 * The header checksum: the template's sum plus the one word that
	 * changes per packet, folded (RFC 1071). */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->total_length = rte_cpu_to_be_16(total);
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~sum);
}

/* ---- flow hash --------------------------------------------------------- */

/* Per packet on the encap path, so it must be cheap: the fields are loaded
 * straight from the frame into registers (no key struct in memory, whose
 * mixed-size stores would stall the loads that follow) and folded with
 * CRC32-C, one instruction per 8 bytes with SSE4.2 (DPDK's x86 build targets
 * it); a multiply-mix where there is no CRC32 unit. A final multiply-xorshift
 * makes every output bit depend on every input bit. */

#define FLOW_HASH_SEED 0x5678abcdu

static inline uint32_t fold(uint32_t h, uint64_t w)
{
#if defined(__SSE4_2__)
	return (uint32_t)__builtin_ia32_crc32di(h, w);
#else
	uint64_t x = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x ^ (x >> 29));
#endif
}

static inline uint32_t finish(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* TCP/UDP/SCTP ports if the L4 header is there, else 0. */
static inline uint64_t l4_ports(uint8_t proto, const uint8_t *l4, uint32_t avail)
{
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP) && avail >= 4)
		return ld32(l4);
	return 0;
}

static uint32_t hash_ipv4(uint32_t h, const uint8_t *ip, uint32_t avail)
{
	uint32_t hlen;
	uint64_t ports = 0;

	if (avail < IP4_LEN || (ip[0] >> 4) != 4)
		return fold(h, 0);
	hlen = (uint32_t)(ip[0] & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	/* Fragments hash without ports so all pieces of a datagram stay in order. */
	if (!(rd16(ip + 6) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) &&
	    hlen >= IP4_LEN && hlen <= avail)
		ports = l4_ports(ip[9], ip + hlen, avail - hlen);
	h = fold(h, ld64(ip + 12));                      /* source and destination */
	return fold(h, ports | (uint64_t)ip[9] << 32);   /* ports and protocol */
}

static uint32_t hash_ipv6(uint32_t h, const uint8_t *ip6, uint32_t avail)
{
	if (avail < IP6_LEN || (ip6[0] >> 4) != 6)
		return fold(h, 0);
	/* Extension headers are not walked: such flows hash on addresses only. */
	h = fold(h, ld64(ip6 + 8));
	h = fold(h, ld64(ip6 + 16));
	h = fold(h, ld64(ip6 + 24));
	h = fold(h, ld64(ip6 + 32));
	return fold(h, l4_ports(ip6[6], ip6 + IP6_LEN, avail - IP6_LEN) | (uint64_t)ip6[6] << 32);
}

/* The common frame, untagged IPv4 without options or fragmentation carrying
 * TCP/UDP/SCTP, tested with two 8-byte loads; its hash is folded straight from
 * the frame. Same value as the general path below. */
static inline bool hash_fast(const uint8_t *inner, uint32_t len, uint32_t *hash)
{
	uint64_t w1, w2;
	uint8_t proto;
	uint32_t h;

	if (len < ETH_LEN + IP4_LEN + 4)
		return false;
	w1 = rte_le_to_cpu_64(ld64(inner + 8));  /* bytes 12-14: type 08 00, version/IHL 45 */
	w2 = rte_le_to_cpu_64(ld64(inner + 16)); /* bytes 20-21: flags/offset, 23: protocol */
	proto = (uint8_t)(w2 >> 56);
	if (((w1 >> 32) & 0xffffff) != 0x450008 || ((w2 >> 32) & 0xff3f) != 0 ||
	    (proto != IPPROTO_UDP && proto != IPPROTO_TCP && proto != IPPROTO_SCTP))
		return false;
	h = fold(FLOW_HASH_SEED, ld64(inner));
	h = fold(h, ld32(inner + 8) | (uint64_t)RTE_ETHER_TYPE_IPV4 << 32);
	h = fold(h, ld64(inner + ETH_LEN + 12));
	*hash = finish(fold(h, ld32(inner + ETH_LEN + IP4_LEN) | (uint64_t)proto << 32));
	return true;
}

uint32_t vtep_flow_hash(const uint8_t *inner, uint32_t len)
{
	uint32_t h = FLOW_HASH_SEED, off = ETH_LEN;
	uint16_t type;

	if (hash_fast(inner, len, &h))
		return h;
	if (len < ETH_LEN) {
		/* Not a frame: hash what there is (a 0-byte input may come with NULL). */
		for (uint32_t i = 0; i < len; i++)
			h = fold(h, inner[i]);
		return finish(h);
	}
	type = rd16(inner + 12);
	/* At most two VLAN tags are skipped; the VLAN id is not part of the flow. */
	for (int tags = 0; tags < 2 && len - off >= 4 &&
	     (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ); tags++) {
		type = rd16(inner + off + 2);
		off += 4;
	}
	h = fold(h, ld64(inner));                                 /* dst MAC, src MAC */
	h = fold(h, ld32(inner + 8) | (uint64_t)type << 32);      /* rest of src, type */
	if (type == RTE_ETHER_TYPE_IPV4)
		h = hash_ipv4(h, inner + off, len - off);
	else if (type == RTE_ETHER_TYPE_IPV6)
		h = hash_ipv6(h, inner + off, len - off);
	return finish(h);
}
