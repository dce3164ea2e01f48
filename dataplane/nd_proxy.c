/* ARP/ND suppression: request parsing, in-place replies, the lookup table. */
#include "nd_proxy.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#define ETH_LEN 14
#define ARP_LEN 28
#define IP6_LEN 40
#define NS_LEN 24       /* ICMPv6 NS without options */
#define NA_FRAME_LEN (ETH_LEN + IP6_LEN + 32) /* NA + target link-layer option */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static enum nd_request parse_arp(const uint8_t *a, uint32_t avail, struct vx_ip *target)
{
	if (avail < ARP_LEN || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
	    rd16(a + 6) != 1)
		return ND_NOT_A_REQUEST;
	if (memcmp(a + 14, a + 24, 4) == 0 || is_zero(a + 14, 4))
		return ND_NOT_A_REQUEST; /* gratuitous or probe: the owner speaks */
	*target = (struct vx_ip){ .af = AF_INET };
	memcpy(target->a, a + 24, 4);
	return ND_ARP_REQUEST;
}

static enum nd_request parse_ns(const uint8_t *ip6, uint32_t avail, struct vx_ip *target)
{
	const uint8_t *icmp = ip6 + IP6_LEN;
	uint16_t plen;

	if (avail < IP6_LEN + NS_LEN || (ip6[0] >> 4) != 6 || ip6[6] != 58 || ip6[7] != 255)
		return ND_NOT_A_REQUEST;
	plen = rd16(ip6 + 4);
	if (plen < NS_LEN || plen > avail - IP6_LEN || icmp[0] != 135 || icmp[1] != 0)
		return ND_NOT_A_REQUEST;
	if (is_zero(ip6 + 8, 16) || icmp[8] == 0xff)
		return ND_NOT_A_REQUEST; /* DAD probe, or a multicast target */
	*target = (struct vx_ip){ .af = AF_INET6 };
	memcpy(target->a, icmp + 8, 16);
	return ND_NEIGHBOR_SOLICIT;
}

enum nd_request nd_request_parse(const uint8_t *frame, uint32_t len, struct vx_ip *target)
{
	uint16_t type;

	if (len < ETH_LEN)
		return ND_NOT_A_REQUEST;
	type = rd16(frame + 12);
	if (type == 0x0806)
		return parse_arp(frame + ETH_LEN, len - ETH_LEN, target);
	if (type == 0x86dd)
		return parse_ns(frame + ETH_LEN, len - ETH_LEN, target);
	return ND_NOT_A_REQUEST;
}

static uint32_t arp_reply(uint8_t *f, uint32_t len, const uint8_t mac[6])
{
	uint8_t *a = f + ETH_LEN, ip[4];

	memcpy(f, f + 6, 6);           /* to the requester */
	memcpy(f + 6, mac, 6);
	a[7] = 2;                      /* reply */
	memcpy(ip, a + 24, 4);
	memcpy(a + 18, a + 8, 10);     /* requester MAC+IP become the target */
	memcpy(a + 8, mac, 6);
	memcpy(a + 14, ip, 4);
	return len;
}

static uint32_t na_reply(uint8_t *f, uint32_t cap, const uint8_t mac[6])
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(f + ETH_LEN);
	uint8_t *icmp = f + ETH_LEN + IP6_LEN, target[16];
	uint16_t ck;

	if (cap < NA_FRAME_LEN)
		return 0;
	memcpy(target, icmp + 8, 16);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	memcpy(ip6->dst_addr, ip6->src_addr, 16); /* back to the soliciting node */
	memcpy(ip6->src_addr, target, 16);
	ip6->payload_len = rte_cpu_to_be_16(32);
	ip6->hop_limits = 255;
	memset(icmp, 0, 32);
	icmp[0] = 136;
	icmp[4] = 0x60;                /* solicited, override */
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2;                  /* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	ck = rte_ipv6_udptcp_cksum(ip6, icmp);
	memcpy(icmp + 2, &ck, 2);
	return NA_FRAME_LEN;
}

uint32_t nd_reply_in_place(uint8_t *frame, uint32_t len, uint32_t cap, enum nd_request kind,
			   const uint8_t target_mac[6])
{
	if (kind == ND_ARP_REQUEST && len >= ETH_LEN + ARP_LEN)
		return arp_reply(frame, len, target_mac);
	if (kind == ND_NEIGHBOR_SOLICIT && len >= ETH_LEN + IP6_LEN + NS_LEN)
		return na_reply(frame, cap, target_mac);
	return 0;
}

static bool snoop_arp(const uint8_t *a, uint32_t avail, struct vx_ip *ip, uint8_t mac[6])
{
	if (avail < ARP_LEN || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
	    (rd16(a + 6) != 1 && rd16(a + 6) != 2) || is_zero(a + 14, 4) || (a[8] & 1))
		return false;
	*ip = (struct vx_ip){ .af = AF_INET };
	memcpy(ip->a, a + 14, 4);
	memcpy(mac, a + 8, 6);
	return true;
}

static bool snoop_nd(const uint8_t *f, const uint8_t *ip6, uint32_t avail, struct vx_ip *ip,
		     uint8_t mac[6])
{
	const uint8_t *icmp = ip6 + IP6_LEN;
	uint16_t plen;

	if (avail < IP6_LEN + NS_LEN || (ip6[0] >> 4) != 6 || ip6[6] != 58 || ip6[7] != 255)
		return false;
	plen = rd16(ip6 + 4);
	if (plen < NS_LEN || plen > avail - IP6_LEN || icmp[1] != 0 || (f[6] & 1))
		return false;
	*ip = (struct vx_ip){ .af = AF_INET6 };
	memcpy(mac, f + 6, 6);
	if (icmp[0] == 135 && !is_zero(ip6 + 8, 16) && ip6[8] != 0xff) {
		memcpy(ip->a, ip6 + 8, 16);
		return true;
	}
	if (icmp[0] != 136 || icmp[8] == 0xff)
		return false;
	memcpy(ip->a, icmp + 8, 16);
	/* a target link-layer address option, if the first option is one */
	if (plen >= NS_LEN + 8 && icmp[24] == 2 && icmp[25] == 1)
		memcpy(mac, icmp + 26, 6);
	return true;
}

bool nd_snoop(const uint8_t *frame, uint32_t len, struct vx_ip *ip, uint8_t mac[6])
{
	uint16_t type;

	if (len < ETH_LEN)
		return false;
	type = rd16(frame + 12);
	if (type == 0x0806)
		return snoop_arp(frame + ETH_LEN, len - ETH_LEN, ip, mac);
	if (type == 0x86dd)
		return snoop_nd(frame, frame + ETH_LEN, len - ETH_LEN, ip, mac);
	return false;
}

/* ---- the table: open addressing, built once, read by any number ---- */

struct nd_table {
	uint32_t mask;
	unsigned n;
	struct nd_entry slot[];  /* ip.af == 0: empty */
};

static uint32_t nd_hash(uint16_t bd, const struct vx_ip *ip)
{
	uint64_t h = 0xcbf29ce484222325ull ^ bd ^ ((uint64_t)ip->af << 16);

	for (unsigned i = 0; i < (ip->af == AF_INET ? 4u : 16u); i++)
		h = (h ^ ip->a[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ (h >> 32));
}

struct nd_table *nd_table_build(const struct nd_entry *e, unsigned n)
{
	uint32_t size = 16;
	struct nd_table *t;

	while (size < 2u * n)
		size <<= 1;
	t = calloc(1, sizeof(*t) + size * sizeof(t->slot[0]));
	if (t == NULL)
		return NULL;
	t->mask = size - 1;
	for (unsigned i = 0; i < n; i++) {
		uint32_t h = nd_hash(e[i].bd, &e[i].ip) & t->mask;

		if (e[i].ip.af != AF_INET && e[i].ip.af != AF_INET6)
			continue;
		while (t->slot[h].ip.af != 0 &&
		       !(t->slot[h].bd == e[i].bd && vx_ip_eq(&t->slot[h].ip, &e[i].ip)))
			h = (h + 1) & t->mask;
		t->n += t->slot[h].ip.af == 0;
		t->slot[h] = e[i];
	}
	return t;
}

void nd_table_free(struct nd_table *t)
{
	free(t);
}

unsigned nd_table_size(const struct nd_table *t)
{
	return t != NULL ? t->n : 0;
}

const uint8_t *nd_table_lookup(const struct nd_table *t, uint16_t bd, const struct vx_ip *ip)
{
	uint32_t h;

	if (t == NULL || t->n == 0)
		return NULL;
	for (h = nd_hash(bd, ip) & t->mask; t->slot[h].ip.af != 0; h = (h + 1) & t->mask)
		if (t->slot[h].bd == bd && vx_ip_eq(&t->slot[h].ip, ip))
			return t->slot[h].mac;
	return NULL;
}
