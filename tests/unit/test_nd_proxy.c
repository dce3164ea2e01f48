/* Tests for dataplane/nd_proxy: ARP/ND suppression requests, replies, table. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "cu_main.h"
#include "nd_proxy.h"

static const uint8_t vm_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t far_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

static uint32_t arp_request(uint8_t *f, const char *sip, const char *tip)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[15] = 1, f[16] = 0x08, f[18] = 6, f[19] = 4, f[21] = 1;
	memcpy(f + 22, vm_mac, 6);
	inet_pton(AF_INET, sip, f + 28);
	inet_pton(AF_INET, tip, f + 38);
	return 60;
}

/* NS from fd00::1 for fd00::99 with a source link-layer address option. */
static uint32_t neighbor_solicit(uint8_t *f, const char *src, const char *target)
{
	uint8_t *ip6 = f + 14, *icmp = f + 54;

	memset(f, 0, 86);
	f[0] = 0x33, f[1] = 0x33, f[2] = 0xff, f[3] = 0, f[4] = 0, f[5] = 0x99;
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x86, f[13] = 0xdd;
	ip6[0] = 0x60, ip6[5] = 32, ip6[6] = 58, ip6[7] = 255;
	inet_pton(AF_INET6, src, ip6 + 8);
	inet_pton(AF_INET6, "ff02::1:ff00:99", ip6 + 24);
	icmp[0] = 135;
	inet_pton(AF_INET6, target, icmp + 8);
	icmp[24] = 1, icmp[25] = 1;
	memcpy(icmp + 26, vm_mac, 6);
	return 86;
}

static void test_arp_request_is_recognised_with_its_target(void)
{
	uint8_t f[64];
	struct vx_ip t, want;

	vx_ip_parse("10.0.0.99", &want);
	CU_ASSERT_EQUAL(nd_request_parse(f, arp_request(f, "10.0.0.1", "10.0.0.99"), &t),
			ND_ARP_REQUEST);
	CU_ASSERT_TRUE(vx_ip_eq(&t, &want));
}

static void test_gratuitous_and_probe_arp_are_not_requests(void)
{
	uint8_t f[64];
	struct vx_ip t;

	CU_ASSERT_EQUAL(nd_request_parse(f, arp_request(f, "10.0.0.1", "10.0.0.1"), &t),
			ND_NOT_A_REQUEST);
	CU_ASSERT_EQUAL(nd_request_parse(f, arp_request(f, "0.0.0.0", "10.0.0.5"), &t),
			ND_NOT_A_REQUEST);
	arp_request(f, "10.0.0.1", "10.0.0.99");
	f[21] = 2; /* a reply */
	CU_ASSERT_EQUAL(nd_request_parse(f, 60, &t), ND_NOT_A_REQUEST);
}

static void test_arp_reply_in_place_answers_the_requester(void)
{
	uint8_t f[64];
	uint32_t len = arp_request(f, "10.0.0.1", "10.0.0.99");
	uint8_t want_sip[4], want_tip[4];

	inet_pton(AF_INET, "10.0.0.99", want_sip);
	inet_pton(AF_INET, "10.0.0.1", want_tip);
	CU_ASSERT_EQUAL(nd_reply_in_place(f, len, sizeof(f), ND_ARP_REQUEST, far_mac), 60);
	CU_ASSERT_EQUAL(memcmp(f, vm_mac, 6), 0);        /* to the VM */
	CU_ASSERT_EQUAL(memcmp(f + 6, far_mac, 6), 0);   /* from the target */
	CU_ASSERT_EQUAL(f[21], 2);                       /* reply */
	CU_ASSERT_EQUAL(memcmp(f + 22, far_mac, 6), 0);  /* sender MAC */
	CU_ASSERT_EQUAL(memcmp(f + 28, want_sip, 4), 0); /* sender IP: the target */
	CU_ASSERT_EQUAL(memcmp(f + 32, vm_mac, 6), 0);   /* target MAC: the requester */
	CU_ASSERT_EQUAL(memcmp(f + 38, want_tip, 4), 0);
}

static void test_neighbor_solicit_is_recognised_and_dad_is_not(void)
{
	uint8_t f[96];
	struct vx_ip t, want;

	vx_ip_parse("fd00::99", &want);
	CU_ASSERT_EQUAL(nd_request_parse(f, neighbor_solicit(f, "fd00::1", "fd00::99"), &t),
			ND_NEIGHBOR_SOLICIT);
	CU_ASSERT_TRUE(vx_ip_eq(&t, &want));
	CU_ASSERT_EQUAL(nd_request_parse(f, neighbor_solicit(f, "::", "fd00::99"), &t),
			ND_NOT_A_REQUEST);
	neighbor_solicit(f, "fd00::1", "fd00::99");
	f[21] = 64; /* hop limit must be 255 (RFC 4861) */
	CU_ASSERT_EQUAL(nd_request_parse(f, 86, &t), ND_NOT_A_REQUEST);
}

static void test_na_reply_is_valid_icmpv6_from_the_target(void)
{
	uint8_t f[96];
	uint32_t len = neighbor_solicit(f, "fd00::1", "fd00::99");
	uint8_t src[16], dst[16];
	uint32_t sum = 32 + 58;

	inet_pton(AF_INET6, "fd00::99", src);
	inet_pton(AF_INET6, "fd00::1", dst);
	CU_ASSERT_EQUAL_FATAL(nd_reply_in_place(f, len, sizeof(f), ND_NEIGHBOR_SOLICIT, far_mac),
			      86);
	CU_ASSERT_EQUAL(memcmp(f, vm_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f + 6, far_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f + 22, src, 16), 0);
	CU_ASSERT_EQUAL(memcmp(f + 38, dst, 16), 0);
	CU_ASSERT_EQUAL(f[54], 136);
	CU_ASSERT_EQUAL(f[58], 0x60);                    /* solicited + override */
	CU_ASSERT_EQUAL(memcmp(f + 62, src, 16), 0);     /* target address */
	CU_ASSERT_EQUAL(memcmp(f + 80, far_mac, 6), 0);  /* target link-layer address */
	for (unsigned i = 22; i < 54; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	for (unsigned i = 54; i < 86; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	CU_ASSERT_EQUAL(sum, 0xffff);
}

static void test_truncated_requests_are_never_recognised(void)
{
	uint8_t a[64], n[96];
	struct vx_ip t;

	arp_request(a, "10.0.0.1", "10.0.0.99");
	neighbor_solicit(n, "fd00::1", "fd00::99");
	for (uint32_t len = 0; len < 42; len++)
		CU_ASSERT_EQUAL(nd_request_parse(a, len, &t), ND_NOT_A_REQUEST);
	for (uint32_t len = 0; len < 78; len++)
		CU_ASSERT_EQUAL(nd_request_parse(n, len, &t), ND_NOT_A_REQUEST);
	/* payload length claiming more than the frame holds */
	n[19] = 200;
	CU_ASSERT_EQUAL(nd_request_parse(n, 86, &t), ND_NOT_A_REQUEST);
	CU_ASSERT_EQUAL(nd_reply_in_place(n, 60, 60, ND_NEIGHBOR_SOLICIT, far_mac), 0);
}

static void test_table_finds_entries_per_bridge_domain(void)
{
	struct nd_entry e[3] = { { .bd = 1 }, { .bd = 2 }, { .bd = 1 } };
	struct vx_ip ip, other;

	vx_ip_parse("10.0.0.99", &e[0].ip);
	memcpy(e[0].mac, far_mac, 6);
	e[1].ip = e[0].ip;
	e[1].mac[5] = 0x42;
	vx_ip_parse("fd00::99", &e[2].ip);
	e[2].mac[5] = 0x66;
	struct nd_table *t = nd_table_build(e, 3);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(nd_table_size(t), 3);
	ip = e[0].ip;
	CU_ASSERT_EQUAL(memcmp(nd_table_lookup(t, 1, &ip), far_mac, 6), 0);
	CU_ASSERT_EQUAL(nd_table_lookup(t, 2, &ip)[5], 0x42); /* same IP, other VNI */
	CU_ASSERT_PTR_NULL(nd_table_lookup(t, 3, &ip));
	CU_ASSERT_EQUAL(nd_table_lookup(t, 1, &e[2].ip)[5], 0x66);
	vx_ip_parse("10.0.0.98", &other);
	CU_ASSERT_PTR_NULL(nd_table_lookup(t, 1, &other));
	CU_ASSERT_PTR_NULL(nd_table_lookup(NULL, 1, &ip));
	nd_table_free(t);
}

static void test_table_of_many_entries_finds_every_one(void)
{
	static struct nd_entry e[5000];

	for (unsigned i = 0; i < 5000; i++) {
		e[i] = (struct nd_entry){ .bd = (uint16_t)(i % 7), .ip = { .af = AF_INET } };
		e[i].ip.a[0] = 10, e[i].ip.a[2] = (uint8_t)(i >> 8), e[i].ip.a[3] = (uint8_t)i;
		e[i].mac[4] = (uint8_t)(i >> 8), e[i].mac[5] = (uint8_t)i;
	}
	struct nd_table *t = nd_table_build(e, 5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(nd_table_size(t), 5000);
	for (unsigned i = 0; i < 5000; i++) {
		const uint8_t *m = nd_table_lookup(t, e[i].bd, &e[i].ip);
		CU_ASSERT_FATAL(m != NULL && memcmp(m, e[i].mac, 6) == 0);
	}
	nd_table_free(t);
}

static void test_snoop_takes_sender_of_arp_and_source_of_ns(void)
{
	uint8_t f[96], mac[6];
	struct vx_ip ip, want;

	vx_ip_parse("10.0.0.1", &want);
	CU_ASSERT_TRUE(nd_snoop(f, arp_request(f, "10.0.0.1", "10.0.0.99"), &ip, mac));
	CU_ASSERT_TRUE(vx_ip_eq(&ip, &want));
	CU_ASSERT_EQUAL(memcmp(mac, vm_mac, 6), 0);
	CU_ASSERT_TRUE(nd_snoop(f, arp_request(f, "10.0.0.1", "10.0.0.1"), &ip, mac)); /* GARP */
	CU_ASSERT_FALSE(nd_snoop(f, arp_request(f, "0.0.0.0", "10.0.0.1"), &ip, mac)); /* probe */
	vx_ip_parse("fd00::1", &want);
	CU_ASSERT_TRUE(nd_snoop(f, neighbor_solicit(f, "fd00::1", "fd00::99"), &ip, mac));
	CU_ASSERT_TRUE(vx_ip_eq(&ip, &want));
	CU_ASSERT_FALSE(nd_snoop(f, neighbor_solicit(f, "::", "fd00::99"), &ip, mac)); /* DAD */
}

static void test_snoop_takes_target_of_na(void)
{
	uint8_t f[96], mac[6];
	struct vx_ip ip, want;
	uint32_t len = neighbor_solicit(f, "fd00::1", "fd00::99");

	/* the NA vxswd itself would send is a fine NA to snoop */
	nd_reply_in_place(f, len, sizeof(f), ND_NEIGHBOR_SOLICIT, far_mac);
	vx_ip_parse("fd00::99", &want);
	CU_ASSERT_TRUE(nd_snoop(f, 86, &ip, mac));
	CU_ASSERT_TRUE(vx_ip_eq(&ip, &want));
	CU_ASSERT_EQUAL(memcmp(mac, far_mac, 6), 0);
	for (uint32_t cut = 0; cut < 78; cut++)
		CU_ASSERT_FALSE(nd_snoop(f, cut, &ip, mac));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("nd_proxy", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_arp_request_is_recognised_with_its_target);
	CU_ADD(s, test_gratuitous_and_probe_arp_are_not_requests);
	CU_ADD(s, test_arp_reply_in_place_answers_the_requester);
	CU_ADD(s, test_neighbor_solicit_is_recognised_and_dad_is_not);
	CU_ADD(s, test_na_reply_is_valid_icmpv6_from_the_target);
	CU_ADD(s, test_truncated_requests_are_never_recognised);
	CU_ADD(s, test_table_finds_entries_per_bridge_domain);
	CU_ADD(s, test_table_of_many_entries_finds_every_one);
	CU_ADD(s, test_snoop_takes_sender_of_arp_and_source_of_ns);
	CU_ADD(s, test_snoop_takes_target_of_na);
	return CU_get_error();
}
