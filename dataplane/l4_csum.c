/* Finishing unfinished TCP/UDP checksums. See l4_csum.h. */
#include "l4_csum.h"

#include <string.h>

#include <rte_ip.h>

#define ETH_LEN 14

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum16(const uint8_t *p, unsigned n, uint32_t sum)
{
	for (unsigned i = 0; i < n; i += 2)
		sum += rd16(p + i);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Offset of the checksum field in the L4 header, 0 if not TCP/UDP or short. */
static unsigned field_off(uint8_t proto, uint32_t l4_avail)
{
	if (proto == 6 && l4_avail >= 20)
		return 16;
	if (proto == 17 && l4_avail >= 8)
		return 6;
	return 0;
}

bool l4_csum_finish(uint8_t *f, uint32_t len)
{
	uint8_t *ip = f + ETH_LEN, *l4, proto;
	uint32_t l4_len, pseudo;
	unsigned off;
	uint16_t want;

	if (len < ETH_LEN + 40)
		return false;
	if (rd16(f + 12) == 0x0800 && (ip[0] >> 4) == 4) {
		unsigned ihl = (ip[0] & 0xfu) * 4u, total = rd16(ip + 2);

		if (ihl < 20 || total < ihl || ETH_LEN + total > len ||
		    (rd16(ip + 6) & 0x3fff) != 0) /* fragments: no L4 header to finish */
			return false;
		proto = ip[9];
		l4 = ip + ihl;
		l4_len = total - ihl;
		pseudo = sum16(ip + 12, 8, proto + l4_len);
		off = field_off(proto, l4_len);
		if (off == 0 || rd16(l4 + off) != fold(pseudo))
			return false;
		memset(l4 + off, 0, 2);
		want = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)ip, l4);
	} else if (rd16(f + 12) == 0x86dd && (ip[0] >> 4) == 6) {
		l4_len = rd16(ip + 4);
		if (ETH_LEN + 40 + l4_len > len)
			return false;
		proto = ip[6];
		l4 = ip + 40;
		pseudo = sum16(ip + 8, 32, proto + l4_len);
		off = field_off(proto, l4_len);
		if (off == 0 || rd16(l4 + off) != fold(pseudo))
			return false;
		memset(l4 + off, 0, 2);
		want = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)ip, l4);
	} else {
		return false;
	}
	memcpy(l4 + off, &want, 2);
	return true;
}
