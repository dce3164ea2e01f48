/* Tests for dataplane/l4_csum: finishing checksums a veth left unfinished. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>

#include "cu_main.h"
#include "l4_csum.h"

/* Ethernet + IPv4 + UDP (8) + 32 payload bytes, checksum complete. */
static uint32_t udp4(uint8_t *f)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	uint8_t *udp = f + 34;
	uint16_t ck;

	memset(f, 0, 74);
	f[12] = 0x08;
	ip->version_ihl = 0x45;
	ip->total_length = htons(20 + 8 + 32);
	ip->time_to_live = 64;
	ip->next_proto_id = 17;
	inet_pton(AF_INET, "10.0.0.1", &ip->src_addr);
	inet_pton(AF_INET, "10.0.0.2", &ip->dst_addr);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp[1] = 7, udp[3] = 9, udp[5] = 40;
	for (int i = 0; i < 32; i++)
		udp[8 + i] = (uint8_t)(i * 7);
	ck = rte_ipv4_udptcp_cksum(ip, udp);
	memcpy(udp + 6, &ck, 2);
	return 74;
}

/* The folded pseudo-header sum, as Linux leaves it for offload. */
static void make_partial(uint8_t *f)
{
	uint32_t sum = 17 + 40;

	for (int i = 26; i < 34; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[40] = (uint8_t)(sum >> 8);
	f[41] = (uint8_t)sum;
}

static void test_partial_udp_checksum_is_finished(void)
{
	uint8_t f[80], good[80];

	udp4(good);
	memcpy(f, good, 74);
	make_partial(f);
	CU_ASSERT_NOT_EQUAL(memcmp(f, good, 74), 0);
	CU_ASSERT_TRUE(l4_csum_finish(f, 74));
	CU_ASSERT_EQUAL(memcmp(f, good, 74), 0);
}

static void test_complete_checksum_is_left_alone(void)
{
	uint8_t f[80], good[80];

	udp4(good);
	memcpy(f, good, 74);
	CU_ASSERT_FALSE(l4_csum_finish(f, 74));
	CU_ASSERT_EQUAL(memcmp(f, good, 74), 0);
}

static void test_fragments_and_short_frames_are_left_alone(void)
{
	uint8_t f[80];

	udp4(f);
	make_partial(f);
	f[20] = 0x20; /* more fragments */
	CU_ASSERT_FALSE(l4_csum_finish(f, 74));
	udp4(f);
	make_partial(f);
	for (uint32_t len = 0; len < 74; len++)
		CU_ASSERT_FALSE(l4_csum_finish(f, len)); /* IP total length beyond the frame */
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("l4_csum", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_partial_udp_checksum_is_finished);
	CU_ADD(s, test_complete_checksum_is_left_alone);
	CU_ADD(s, test_fragments_and_short_frames_are_left_alone);
	return CU_get_error();
}
