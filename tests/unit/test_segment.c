/* Tests for VLAN-backed segments in dataplane/dp_snapshot: their bridge
 * domains, each team's VLAN -> segment table, port bindings, and how frames
 * from an uplink are classified (segment, underlay, dropped). */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "dp_snapshot.h"

/* Teams: t0 = underlay {up0} with segments s20 (VLAN 20), s30 (VLAN 30);
 * t1 = {up1} with the native segment "plain"; t2 = {up2} with s40 only;
 * t3 = {up3} with nothing. vm1 access s20, vm2 trunk 5 -> s30 and 6 -> VNI 100. */
struct fixture {
	struct cfg cfg;
	struct cfg_port ports[6];
	struct cfg_vlan_map vlans[2];
	struct cfg_vni vni;
	struct cfg_team teams[4];
	struct cfg_segment segs[4];
	uint32_t bd_vni[FDB_BD_MAX];
	uint16_t eth[6];
	struct dp_team dteams[4];
};

static void fixture_init(struct fixture *f)
{
	static const char *const up[] = { "up0", "up1", "up2", "up3" };

	memset(f, 0, sizeof(*f));
	cfg_init(&f->cfg);
	f->ports[0] = (struct cfg_port){ .name = "vm1", .role = CFG_ROLE_VM,
					 .access_segment = "s20", .mtu = 1500 };
	f->vlans[0] = (struct cfg_vlan_map){ .vlan = 5, .segment = "s30" };
	f->vlans[1] = (struct cfg_vlan_map){ .vlan = 6, .vni = 100 };
	f->ports[1] = (struct cfg_port){ .name = "vm2", .role = CFG_ROLE_HOST_IF,
					 .mode = CFG_MODE_TRUNK, .vlans = f->vlans, .n_vlans = 2 };
	for (unsigned i = 0; i < 4; i++) {
		f->ports[2 + i] = (struct cfg_port){ .role = CFG_ROLE_UPLINK, .mtu = 1600 };
		strcpy(f->ports[2 + i].name, up[i]);
		f->teams[i] = (struct cfg_team){ .mode = CFG_TEAM_ACTIVE_BACKUP, .n_members = 1 };
		snprintf(f->teams[i].name, CFG_NAME_MAX, "t%u", i);
		strcpy(f->teams[i].members[0], up[i]);
		f->dteams[i] = (struct dp_team){ .mode = CFG_TEAM_ACTIVE_BACKUP, .n_members = 1,
						 .members = { (uint16_t)(2 + i) } };
	}
	f->segs[0] = (struct cfg_segment){ .name = "s20", .vlan = 20, .team = "t0", .learning = true };
	f->segs[1] = (struct cfg_segment){ .name = "s30", .vlan = 30, .team = "t0" };
	f->segs[2] = (struct cfg_segment){ .name = "plain", .vlan = 0, .team = "t1" };
	f->segs[3] = (struct cfg_segment){ .name = "s40", .vlan = 40, .team = "t2" };
	f->vni = (struct cfg_vni){ .id = 100, .learning = true };
	f->cfg.ports = f->ports;
	f->cfg.n_ports = 6;
	f->cfg.vnis = &f->vni;
	f->cfg.n_vnis = 1;
	f->cfg.teams = f->teams;
	f->cfg.n_teams = 4;
	f->cfg.segs = f->segs;
	f->cfg.n_segs = 4;
	f->bd_vni[0] = 100;
	for (unsigned i = 0; i < 4; i++)
		f->bd_vni[9 - i] = dp_segment_key(&f->cfg, &f->segs[i]); /* bds 9, 8, 7, 6 */
	for (uint16_t i = 0; i < 6; i++)
		f->eth[i] = i;
}

static struct dp_snapshot *build(struct fixture *f)
{
	struct dp_build_input in = { .cfg = &f->cfg, .eth_port = f->eth, .bd_vni = f->bd_vni,
				     .teams = f->dteams, .n_teams = 4, .underlay_team = 0 };
	char msg[128];
	struct dp_snapshot *s = dp_snapshot_build(&in, msg, sizeof(msg));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

static void frame(uint8_t *buf, uint16_t type, uint16_t vlan)
{
	memset(buf, 0, 64);
	buf[0] = 0x02;
	buf[6] = 0x02;
	buf[12] = (uint8_t)(type >> 8);
	buf[13] = (uint8_t)type;
	buf[14] = (uint8_t)(vlan >> 8);
	buf[15] = (uint8_t)vlan;
}

static enum dp_uplink_class classify(const struct dp_snapshot *s, uint16_t port, uint16_t type,
				     uint16_t vlan, uint16_t *bd, bool *tagged)
{
	uint8_t buf[64];

	frame(buf, type, vlan);
	*bd = DP_NO_BD;
	return dp_classify_uplink(s, port, buf, sizeof(buf), bd, tagged);
}

static void test_segment_keys_never_equal_a_vni(void)
{
	CU_ASSERT_TRUE(dp_bd_key_is_seg(dp_seg_key(0, 0)));
	CU_ASSERT_TRUE(dp_seg_key(0, 0) > 16777215u);
	CU_ASSERT_NOT_EQUAL(dp_seg_key(1, 20), dp_seg_key(0, 20));
	CU_ASSERT_NOT_EQUAL(dp_seg_key(0, 20), dp_seg_key(0, 30));
	CU_ASSERT_FALSE(dp_bd_key_is_seg(16777215u));
}

static void test_segments_get_their_bds_teams_and_vlans(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	CU_ASSERT_EQUAL(s->bds[9].team, 0);
	CU_ASSERT_EQUAL(s->bds[9].uplink_vlan, 20);
	CU_ASSERT_TRUE(s->bds[9].learning);
	CU_ASSERT_FALSE(s->bds[8].learning);
	CU_ASSERT_TRUE(s->bds[9].flood_unknown);
	CU_ASSERT_EQUAL(s->bds[7].team, 1);
	CU_ASSERT_EQUAL(s->bds[7].uplink_vlan, 0);
	CU_ASSERT_EQUAL(s->bds[0].team, DP_NO_PORT); /* the VNI */
	CU_ASSERT_EQUAL(s->bds[0].vni, 100);
	CU_ASSERT_EQUAL(s->bds[9].vni, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->teams[0].vlan_bd);
	CU_ASSERT_EQUAL(s->teams[0].vlan_bd[20], 9);
	CU_ASSERT_EQUAL(s->teams[0].vlan_bd[30], 8);
	CU_ASSERT_EQUAL(s->teams[0].vlan_bd[40], DP_NO_BD);
	CU_ASSERT_EQUAL(s->teams[0].native_bd, DP_NO_BD);
	CU_ASSERT_EQUAL(s->teams[1].native_bd, 7);
	CU_ASSERT_PTR_NULL(s->teams[3].vlan_bd);
	CU_ASSERT_TRUE(s->teams[0].underlay);
	CU_ASSERT_FALSE(s->teams[1].underlay);
	CU_ASSERT_EQUAL(s->ports[2].team, 0);
	CU_ASSERT_EQUAL(s->ports[5].team, 3);
	CU_ASSERT_EQUAL(s->ports[0].team, DP_NO_PORT);
	dp_snapshot_free(s);
}

static void test_vm_and_host_interface_ports_bind_to_segments(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);
	uint8_t buf[64];
	uint16_t bd = 0, vlan = 0;

	CU_ASSERT_EQUAL(s->ports[0].access_bd, 9);
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 0, 9), 0);
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 1, 8), 5); /* trunk VLAN 5 -> s30 */
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 1, 0), 6); /* and 6 -> VNI 100 */
	frame(buf, 0x8100, 5);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan), DP_CLASSIFY_OK);
	CU_ASSERT_EQUAL(bd, 8);
	CU_ASSERT_EQUAL(vlan, 5);
	dp_snapshot_free(s);
}

static void test_uplink_frames_classify_by_team_and_tag(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);
	uint16_t bd;
	bool tagged;

	/* underlay team with segments: tags select, untagged stays underlay */
	CU_ASSERT_EQUAL(classify(s, 2, 0x8100, 20, &bd, &tagged), DP_UPLINK_SEGMENT);
	CU_ASSERT_EQUAL(bd, 9);
	CU_ASSERT_TRUE(tagged);
	CU_ASSERT_EQUAL(classify(s, 2, 0x8100, 0x2000 | 30, &bd, &tagged), DP_UPLINK_SEGMENT);
	CU_ASSERT_EQUAL(bd, 8); /* priority bits ignored */
	CU_ASSERT_EQUAL(classify(s, 2, 0x8100, 99, &bd, &tagged), DP_UPLINK_VLAN_UNKNOWN);
	CU_ASSERT_EQUAL(classify(s, 2, 0x88a8, 20, &bd, &tagged), DP_UPLINK_VLAN_UNKNOWN);
	CU_ASSERT_EQUAL(classify(s, 2, 0x0800, 0, &bd, &tagged), DP_UPLINK_UNDERLAY);
	CU_ASSERT_FALSE(tagged);
	/* native segment team: untagged to the segment, slow protocols to the team */
	CU_ASSERT_EQUAL(classify(s, 3, 0x0800, 0, &bd, &tagged), DP_UPLINK_SEGMENT);
	CU_ASSERT_EQUAL(bd, 7);
	CU_ASSERT_FALSE(tagged);
	CU_ASSERT_EQUAL(classify(s, 3, 0x8809, 0, &bd, &tagged), DP_UPLINK_UNDERLAY);
	CU_ASSERT_EQUAL(classify(s, 3, 0x8100, 20, &bd, &tagged), DP_UPLINK_VLAN_UNKNOWN);
	/* tagged-only team that is not the underlay: untagged frames are dropped */
	CU_ASSERT_EQUAL(classify(s, 4, 0x0800, 0, &bd, &tagged), DP_UPLINK_UNTAGGED);
	CU_ASSERT_EQUAL(classify(s, 4, 0x8100, 40, &bd, &tagged), DP_UPLINK_SEGMENT);
	CU_ASSERT_EQUAL(bd, 6);
	/* a team without segments behaves as before: everything to the underlay path */
	CU_ASSERT_EQUAL(classify(s, 5, 0x8100, 20, &bd, &tagged), DP_UPLINK_UNDERLAY);
	CU_ASSERT_EQUAL(classify(s, 5, 0x0800, 0, &bd, &tagged), DP_UPLINK_UNDERLAY);
	dp_snapshot_free(s);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("segments", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_segment_keys_never_equal_a_vni);
	CU_ADD(s, test_segments_get_their_bds_teams_and_vlans);
	CU_ADD(s, test_vm_and_host_interface_ports_bind_to_segments);
	CU_ADD(s, test_uplink_frames_classify_by_team_and_tag);
	return CU_get_error();
}
