/* Builders for address announcements. See announce.h. */
#include "announce.h"

#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

/* Ethernet header + ARP/RARP body (both 42 bytes), padded to 60. */
static size_t arp_like(uint8_t *buf, size_t cap, uint16_t ethertype, uint16_t op,
		       const uint8_t mac[6], const uint8_t sip[4], const uint8_t tmac[6],
		       const uint8_t tip[4])
{
	uint8_t *p = buf;

	if (cap < 60)
		return 0;
	memset(buf, 0, 60);
	p = put(p, bcast, 6);
	p = put(p, mac, 6);
	p = put16(p, ethertype);
	p = put16(p, 1);      /* Ethernet */
	p = put16(p, 0x0800); /* IPv4 */
	*p++ = 6;
	*p++ = 4;
	p = put16(p, op);
	p = put(p, mac, 6);
	p = put(p, sip, 4);
	p = put(p, tmac, 6);
	put(p, tip, 4);
	return 60;
}

size_t announce_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct vx_ip *ip)
{
	static const uint8_t zero[6];

	if (ip->af != AF_INET)
		return 0;
	return arp_like(buf, cap, 0x0806, 1, mac, ip->a, zero, ip->a);
}

size_t announce_rarp(uint8_t *buf, size_t cap, const uint8_t mac[6])
{
	static const uint8_t zero[4];

	return arp_like(buf, cap, 0x8035, 3, mac, zero, mac, zero);
}

size_t announce_unsolicited_na(uint8_t *buf, size_t cap, const uint8_t mac[6],
			       const struct vx_ip *ip)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
	const size_t icmp_len = 32; /* NA 24 + target link-layer option 8 */
	struct rte_ipv6_hdr *ip6;
	uint8_t *icmp, *p = buf;
	uint16_t ck;

	if (ip->af != AF_INET6 || cap < 14 + 40 + icmp_len)
		return 0;
	memset(buf, 0, 14 + 40 + icmp_len);
	p = put(p, all_nodes_mac, 6);
	p = put(p, mac, 6);
	p = put16(p, 0x86dd);
	ip6 = (struct rte_ipv6_hdr *)p;
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)icmp_len);
	ip6->proto = 58;     /* ICMPv6 */
	ip6->hop_limits = 255; /* RFC 4861: NDP must arrive with 255 */
	memcpy(ip6->src_addr, ip->a, 16);
	memcpy(ip6->dst_addr, all_nodes, 16);
	icmp = p + 40;
	icmp[0] = 136;       /* neighbour advertisement */
	icmp[4] = 0x20;      /* override, not solicited, not router */
	memcpy(icmp + 8, ip->a, 16);
	icmp[24] = 2;        /* target link-layer address option */
	icmp[25] = 1;        /* 8 bytes */
	memcpy(icmp + 26, mac, 6);
	ck = rte_ipv6_udptcp_cksum(ip6, icmp);
	memcpy(icmp + 2, &ck, 2);
	return 14 + 40 + icmp_len;
}
