/* Tests for dataplane/dp_snapshot: building the worker tables from config,
 * VLAN/VNI mapping of VM ports, VNI lookup, flood lists. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cu_main.h"
#include "dp_snapshot.h"

/* A config: vm1 access VNI 100, vm2 trunk {10->100, 20->200}, up0, host. */
struct fixture {
	struct cfg cfg;
	struct cfg_vlan_map vlans[2];
	struct cfg_port ports[4];
	struct cfg_vni vnis[2];
	struct vx_ip flood[2];
	uint32_t bd_vni[FDB_BD_MAX];
	uint16_t eth[4];
	struct dp_vtep vteps[2];
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	cfg_init(&f->cfg);
	f->ports[0] = (struct cfg_port){ .name = "vm1", .role = CFG_ROLE_VM,
					 .mode = CFG_MODE_ACCESS, .access_vni = 100, .mtu = 1500 };
	f->vlans[0] = (struct cfg_vlan_map){ .vlan = 10, .vni = 100 };
	f->vlans[1] = (struct cfg_vlan_map){ .vlan = 20, .vni = 200 };
	f->ports[1] = (struct cfg_port){ .name = "vm2", .role = CFG_ROLE_VM,
					 .mode = CFG_MODE_TRUNK, .vlans = f->vlans, .n_vlans = 2 };
	f->ports[2] = (struct cfg_port){ .name = "up0", .role = CFG_ROLE_UPLINK, .mtu = 1600 };
	f->ports[3] = (struct cfg_port){ .name = "host", .role = CFG_ROLE_HOST };
	vx_ip_parse("192.0.2.2", &f->flood[0]);
	vx_ip_parse("192.0.2.3", &f->flood[1]);
	f->vnis[0] = (struct cfg_vni){ .id = 100, .learning = true, .flood = f->flood, .n_flood = 2 };
	f->vnis[1] = (struct cfg_vni){ .id = 200, .learning = false };
	f->cfg.ports = f->ports;
	f->cfg.n_ports = 4;
	f->cfg.vnis = f->vnis;
	f->cfg.n_vnis = 2;
	/* bds deliberately not in config order: indices come from the registry */
	f->bd_vni[3] = 100;
	f->bd_vni[7] = 200;
	for (uint16_t i = 0; i < 4; i++)
		f->eth[i] = (uint16_t)(10 + i);
	f->vteps[0].ip = f->flood[1]; /* registry order differs from flood order */
	f->vteps[1].ip = f->flood[0];
}

static struct dp_snapshot *build(struct fixture *f)
{
	struct dp_build_input in = { .cfg = &f->cfg, .eth_port = f->eth, .bd_vni = f->bd_vni,
				     .vteps = f->vteps, .n_vteps = 2 };
	char msg[128];
	struct dp_snapshot *s = dp_snapshot_build(&in, msg, sizeof(msg));

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

static void frame(uint8_t *buf, uint16_t tpid, uint16_t vlan)
{
	memset(buf, 0, 64);
	buf[0] = 0x02;
	buf[6] = 0x02;
	buf[11] = 1;
	buf[12] = (uint8_t)(tpid >> 8);
	buf[13] = (uint8_t)tpid;
	buf[14] = (uint8_t)(vlan >> 8);
	buf[15] = (uint8_t)vlan;
}

static void test_snapshot_maps_vnis_to_registry_bridge_domains(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	CU_ASSERT_EQUAL(dp_vni_to_bd(s, 100), 3);
	CU_ASSERT_EQUAL(dp_vni_to_bd(s, 200), 7);
	CU_ASSERT_EQUAL(dp_vni_to_bd(s, 300), DP_NO_BD);
	CU_ASSERT_EQUAL(dp_vni_to_bd(s, 0), DP_NO_BD);
	CU_ASSERT_EQUAL(s->n_bds, 8);
	CU_ASSERT_EQUAL(s->bds[3].vni, 100);
	CU_ASSERT_TRUE(s->bds[3].learning);
	CU_ASSERT_FALSE(s->bds[7].learning);
	CU_ASSERT_EQUAL(s->bds[0].vni, 0);
	dp_snapshot_free(s);
}

static void test_snapshot_lists_members_with_their_tags(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	CU_ASSERT_EQUAL(s->bds[3].n_members, 2);
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 0, 3), 0);   /* vm1 untagged */
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 1, 3), 10);  /* vm2 tag 10 */
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 1, 7), 20);
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 0, 7), -1);  /* vm1 not in VNI 200 */
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 2, 3), -1);  /* uplinks are never members */
	CU_ASSERT_EQUAL(dp_port_vlan_in_bd(s, 0, 99), -1);
	dp_snapshot_free(s);
}

static void test_snapshot_resolves_flood_list_to_vtep_indices(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	CU_ASSERT_EQUAL(s->bds[3].n_flood, 2);
	CU_ASSERT_EQUAL(s->bds[3].flood[0], 1); /* 192.0.2.2 is registry slot 1 */
	CU_ASSERT_EQUAL(s->bds[3].flood[1], 0);
	CU_ASSERT_EQUAL(s->bds[7].n_flood, 0);
	dp_snapshot_free(s);
}

static void test_snapshot_records_roles_uplinks_and_host_port(void)
{
	struct fixture f;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	CU_ASSERT_EQUAL(s->n_ports, 4);
	CU_ASSERT_EQUAL(s->ports[2].eth_port, 12);
	CU_ASSERT_TRUE(s->ports[2].collecting); /* uplinks take data frames */
	CU_ASSERT_FALSE(s->ports[0].collecting);
	CU_ASSERT_EQUAL(s->n_teams, 0);
	CU_ASSERT_EQUAL(s->underlay_team, DP_NO_PORT);
	CU_ASSERT_EQUAL(s->host_port, 3);
	CU_ASSERT_EQUAL(s->ports[0].access_bd, 3);
	CU_ASSERT_EQUAL(s->ports[2].access_bd, DP_NO_BD);
	dp_snapshot_free(s);
}

static void test_snapshot_refuses_flood_vtep_missing_from_registry(void)
{
	struct fixture f;
	char msg[128];
	fixture_init(&f);
	struct dp_build_input in = { .cfg = &f.cfg, .eth_port = f.eth, .bd_vni = f.bd_vni,
				     .vteps = f.vteps, .n_vteps = 1 };

	CU_ASSERT_PTR_NULL(dp_snapshot_build(&in, msg, sizeof(msg)));
	CU_ASSERT_STRING_EQUAL(msg, "VNI 100: flood VTEP not registered");
}

static void test_access_port_maps_untagged_and_drops_tagged(void)
{
	struct fixture f;
	uint8_t buf[64];
	uint16_t bd = 0xdead, vlan = 0xdead;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	frame(buf, 0x0800, 0);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[0], buf, 64, &bd, &vlan), DP_CLASSIFY_OK);
	CU_ASSERT_EQUAL(bd, 3);
	CU_ASSERT_EQUAL(vlan, 0);
	frame(buf, 0x8100, 10);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[0], buf, 64, &bd, &vlan),
			DP_CLASSIFY_TAGGED_ON_ACCESS);
	frame(buf, 0x88a8, 10);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[0], buf, 64, &bd, &vlan),
			DP_CLASSIFY_TAGGED_ON_ACCESS);
	dp_snapshot_free(s);
}

static void test_trunk_port_maps_listed_vlans_only(void)
{
	struct fixture f;
	uint8_t buf[64];
	uint16_t bd = 0, vlan = 0;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	frame(buf, 0x8100, 20);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan), DP_CLASSIFY_OK);
	CU_ASSERT_EQUAL(bd, 7);
	CU_ASSERT_EQUAL(vlan, 20);
	frame(buf, 0x8100, 0x3000 | 10); /* PCP bits are not part of the VLAN id */
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan), DP_CLASSIFY_OK);
	CU_ASSERT_EQUAL(vlan, 10);
	CU_ASSERT_EQUAL(bd, 3);
	frame(buf, 0x8100, 30);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan),
			DP_CLASSIFY_VLAN_NOT_ALLOWED);
	frame(buf, 0x8100, 0); /* priority-tagged: no VLAN */
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan),
			DP_CLASSIFY_VLAN_NOT_ALLOWED);
	frame(buf, 0x0800, 0); /* untagged: trunks have no native VLAN */
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan),
			DP_CLASSIFY_VLAN_NOT_ALLOWED);
	frame(buf, 0x88a8, 10); /* QinQ outer tag is not accepted on a trunk */
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 64, &bd, &vlan),
			DP_CLASSIFY_VLAN_NOT_ALLOWED);
	dp_snapshot_free(s);
}

static void test_classify_rejects_runts(void)
{
	struct fixture f;
	uint8_t buf[64];
	uint16_t bd, vlan;
	fixture_init(&f);
	struct dp_snapshot *s = build(&f);

	frame(buf, 0x8100, 10);
	for (uint32_t len = 0; len < 14; len++)
		CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[0], buf, len, &bd, &vlan), DP_CLASSIFY_RUNT);
	for (uint32_t len = 14; len < 18; len++)
		CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, len, &bd, &vlan), DP_CLASSIFY_RUNT);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[1], buf, 18, &bd, &vlan), DP_CLASSIFY_OK);
	dp_snapshot_free(s);
}

static void test_access_port_without_vni_has_no_bridge_domain(void)
{
	struct fixture f;
	uint8_t buf[64];
	uint16_t bd, vlan;
	fixture_init(&f);
	f.ports[0].access_vni = 999; /* not configured */
	struct dp_snapshot *s = build(&f);

	frame(buf, 0x0800, 0);
	CU_ASSERT_EQUAL(dp_classify_vm(&s->ports[0], buf, 64, &bd, &vlan), DP_CLASSIFY_NO_VNI);
	dp_snapshot_free(s);
}

static void test_vni_map_holds_4096_vnis(void)
{
	static struct fixture f;
	static struct cfg_vni many[FDB_BD_MAX];
	fixture_init(&f);
	for (unsigned i = 0; i < FDB_BD_MAX; i++) {
		many[i] = (struct cfg_vni){ .id = 0xffffff - i * 977, .learning = true };
		f.bd_vni[i] = many[i].id;
	}
	f.cfg.vnis = many;
	f.cfg.n_vnis = FDB_BD_MAX;
	f.ports[0].access_vni = many[5].id;
	f.vlans[0].vni = many[6].id;
	f.vlans[1].vni = many[7].id;
	struct dp_snapshot *s = build(&f);

	for (unsigned i = 0; i < FDB_BD_MAX; i++)
		CU_ASSERT_EQUAL_FATAL(dp_vni_to_bd(s, many[i].id), i);
	CU_ASSERT_EQUAL(dp_vni_to_bd(s, 1), DP_NO_BD);
	dp_snapshot_free(s);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("dp_snapshot", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_snapshot_maps_vnis_to_registry_bridge_domains);
	CU_ADD(s, test_snapshot_lists_members_with_their_tags);
	CU_ADD(s, test_snapshot_resolves_flood_list_to_vtep_indices);
	CU_ADD(s, test_snapshot_records_roles_uplinks_and_host_port);
	CU_ADD(s, test_snapshot_refuses_flood_vtep_missing_from_registry);
	CU_ADD(s, test_access_port_maps_untagged_and_drops_tagged);
	CU_ADD(s, test_trunk_port_maps_listed_vlans_only);
	CU_ADD(s, test_classify_rejects_runts);
	CU_ADD(s, test_access_port_without_vni_has_no_bridge_domain);
	CU_ADD(s, test_vni_map_holds_4096_vnis);
	return CU_get_error();
}
