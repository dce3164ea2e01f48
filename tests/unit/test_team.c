/* Tests for team member choice (dp_team_pick), LACP collecting in the
 * snapshot, and the notify-switches frames (announce.c). */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>

#include "announce.h"
#include "cu_main.h"
#include "dp_snapshot.h"

static struct dp_team team(uint8_t mode, unsigned n_members, uint32_t active_mask)
{
	struct dp_team t = { .mode = mode, .n_members = (uint16_t)n_members,
			     .active_mask = active_mask };

	for (unsigned m = 0; m < n_members; m++) {
		t.members[m] = (uint16_t)(10 + m);
		if (active_mask & (1u << m))
			t.active[t.n_active++] = (uint16_t)(10 + m);
	}
	dp_team_fill_slots(&t);
	return t;
}

static void test_team_without_active_member_picks_nothing(void)
{
	struct dp_team t = team(CFG_TEAM_LACP, 2, 0);
	struct dp_flow f = { .hash = 7 };

	CU_ASSERT_EQUAL(dp_team_pick(&t, &f), DP_NO_PORT);
}

static void test_active_backup_uses_first_active_member(void)
{
	struct dp_team t = team(CFG_TEAM_ACTIVE_BACKUP, 3, 0x6);

	for (uint32_t h = 0; h < 100; h++) {
		struct dp_flow f = { .hash = h, .in_port = (uint16_t)h, .src_mac_hash = h * 7 };
		CU_ASSERT_EQUAL(dp_team_pick(&t, &f), 11);
	}
}

static void test_hash_spreads_flows_within_sixty_percent(void)
{
	struct dp_team t = team(CFG_TEAM_LACP, 2, 0x3);
	unsigned on[2] = { 0 };

	/* flow hashes as the worker makes them: vtep_flow_hash of many flows is
	 * uniform; here a multiplicative sequence stands in for it */
	for (uint32_t i = 0; i < 1000; i++) {
		struct dp_flow f = { .hash = i * 2654435761u };
		on[dp_team_pick(&t, &f) - 10]++;
	}
	CU_ASSERT_TRUE(on[0] <= 600 && on[1] <= 600);
}

static void test_failover_moves_only_the_failed_members_flows(void)
{
	struct dp_team all = team(CFG_TEAM_STATIC_IP_HASH, 3, 0x7);
	struct dp_team two = team(CFG_TEAM_STATIC_IP_HASH, 3, 0x5); /* member 1 down */

	for (uint32_t h = 0; h < 3000; h++) {
		struct dp_flow f = { .hash = h * 2654435761u };
		uint16_t before = dp_team_pick(&all, &f), after = dp_team_pick(&two, &f);

		CU_ASSERT_NOT_EQUAL(after, 11);
		if (before != 11)
			CU_ASSERT_EQUAL(after, before); /* no reordering for the others */
	}
}

static void test_balance_vm_port_pins_each_vm_port(void)
{
	struct dp_team t = team(CFG_TEAM_BALANCE_VM_PORT, 2, 0x3);
	struct dp_team one = team(CFG_TEAM_BALANCE_VM_PORT, 2, 0x2);

	for (uint16_t port = 0; port < 8; port++) {
		struct dp_flow a = { .hash = 1, .in_port = port }, b = { .hash = 99, .in_port = port };
		CU_ASSERT_EQUAL(dp_team_pick(&t, &a), dp_team_pick(&t, &b)); /* flow-independent */
		CU_ASSERT_EQUAL(dp_team_pick(&t, &a), 10 + port % 2);
		CU_ASSERT_EQUAL(dp_team_pick(&one, &a), 11); /* re-pinned on failure */
	}
}

static void test_balance_src_mac_follows_the_source_mac(void)
{
	struct dp_team t = team(CFG_TEAM_BALANCE_SRC_MAC, 2, 0x3);
	struct dp_flow a = { .hash = 1, .src_mac_hash = 4 }, b = { .hash = 2, .src_mac_hash = 4 };
	struct dp_flow c = { .hash = 1, .src_mac_hash = 5 };

	CU_ASSERT_EQUAL(dp_team_pick(&t, &a), dp_team_pick(&t, &b));
	CU_ASSERT_NOT_EQUAL(dp_team_pick(&t, &a), dp_team_pick(&t, &c));
}

static void test_garp_announces_sender_and_target_ip(void)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	uint8_t f[ANNOUNCE_FRAME_MAX];
	struct vx_ip ip;

	vx_ip_parse("192.0.2.1", &ip);
	CU_ASSERT_EQUAL_FATAL(announce_garp(f, sizeof(f), mac, &ip), 60);
	CU_ASSERT_EQUAL(memcmp(f, "\xff\xff\xff\xff\xff\xff", 6), 0);
	CU_ASSERT_EQUAL(memcmp(f + 6, mac, 6), 0);
	CU_ASSERT_EQUAL(f[12], 0x08);
	CU_ASSERT_EQUAL(f[13], 0x06);
	CU_ASSERT_EQUAL(f[21], 1);                      /* request */
	CU_ASSERT_EQUAL(memcmp(f + 22, mac, 6), 0);     /* sender MAC */
	CU_ASSERT_EQUAL(memcmp(f + 28, ip.a, 4), 0);    /* sender IP */
	CU_ASSERT_EQUAL(memcmp(f + 38, ip.a, 4), 0);    /* target IP = sender IP */
	vx_ip_parse("2001:db8::1", &ip);
	CU_ASSERT_EQUAL(announce_garp(f, sizeof(f), mac, &ip), 0);
	CU_ASSERT_EQUAL(announce_garp(f, 59, mac, &ip), 0);
}

static void test_unsolicited_na_is_valid_icmpv6(void)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	uint8_t f[ANNOUNCE_FRAME_MAX];
	struct vx_ip ip;
	size_t len;

	vx_ip_parse("2001:db8::1", &ip);
	len = announce_unsolicited_na(f, sizeof(f), mac, &ip);
	CU_ASSERT_EQUAL_FATAL(len, 86);
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(f + 14);
	CU_ASSERT_EQUAL(ip6->proto, 58);
	CU_ASSERT_EQUAL(ip6->hop_limits, 255);
	CU_ASSERT_EQUAL(f[54], 136);                    /* NA */
	CU_ASSERT_EQUAL(f[58], 0x20);                   /* override only */
	CU_ASSERT_EQUAL(memcmp(f + 62, ip.a, 16), 0);   /* target */
	CU_ASSERT_EQUAL(memcmp(f + 80, mac, 6), 0);     /* target link-layer address */
	/* independent check: the ones-complement sum over the pseudo header and
	 * the ICMPv6 message, checksum included, is 0xffff */
	uint32_t sum = 32 + 58;
	for (unsigned i = 22; i < 54; i += 2) /* source and destination addresses */
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	for (unsigned i = 54; i < 86; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	CU_ASSERT_EQUAL(sum, 0xffff);
	vx_ip_parse("192.0.2.1", &ip);
	CU_ASSERT_EQUAL(announce_unsolicited_na(f, sizeof(f), mac, &ip), 0);
}

static void test_rarp_announces_the_mac(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	uint8_t f[ANNOUNCE_FRAME_MAX];

	CU_ASSERT_EQUAL_FATAL(announce_rarp(f, sizeof(f), mac), 60);
	CU_ASSERT_EQUAL(f[12], 0x80);
	CU_ASSERT_EQUAL(f[13], 0x35);
	CU_ASSERT_EQUAL(f[21], 3);                      /* reverse request */
	CU_ASSERT_EQUAL(memcmp(f + 32, mac, 6), 0);     /* target MAC */
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("team", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_team_without_active_member_picks_nothing);
	CU_ADD(s, test_active_backup_uses_first_active_member);
	CU_ADD(s, test_hash_spreads_flows_within_sixty_percent);
	CU_ADD(s, test_failover_moves_only_the_failed_members_flows);
	CU_ADD(s, test_balance_vm_port_pins_each_vm_port);
	CU_ADD(s, test_balance_src_mac_follows_the_source_mac);
	CU_ADD(s, test_garp_announces_sender_and_target_ip);
	CU_ADD(s, test_unsolicited_na_is_valid_icmpv6);
	CU_ADD(s, test_rarp_announces_the_mac);
	return CU_get_error();
}
