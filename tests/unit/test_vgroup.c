/* Tests for VTEP groups (multihomed segments): the registry keyed by FRR's
 * nexthop group id, its reference counting by FDB entries, and the per-flow
 * choice workers make through dp_remote_vtep(). */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "dp_snapshot.h"
#include "vgroup.h"

static struct vgroup_registry *reg(void)
{
	return calloc(1, sizeof(struct vgroup_registry));
}

static struct fdb_result evpn_dest(int gi)
{
	return (struct fdb_result){ .dest = DP_DEST_VGROUP | (uint32_t)gi, .kind = FDB_KIND_EVPN };
}

/* CRC-like spread of flow hashes: every slot gets flows. */
static uint32_t flow(uint32_t i)
{
	return i * 2654435761u;
}

static void test_group_is_keyed_by_nexthop_group_and_members_sorted(void)
{
	struct vgroup_registry *r = reg();
	bool changed;
	int a = vgroup_set(r, 7001, (uint16_t[]){ 5, 2 }, 2, &changed);

	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_TRUE(changed);
	CU_ASSERT_EQUAL(r->g[0].n, 2);
	CU_ASSERT_EQUAL(r->g[0].vtep[0], 2);
	CU_ASSERT_EQUAL(r->g[0].vtep[1], 5);
	/* The same set in another order: nothing for the workers to see. */
	CU_ASSERT_EQUAL(vgroup_set(r, 7001, (uint16_t[]){ 2, 5, 5 }, 3, &changed), 0);
	CU_ASSERT_FALSE(changed);
	CU_ASSERT_EQUAL(vgroup_set(r, 7002, (uint16_t[]){ 2, 5 }, 2, &changed), 1);
	CU_ASSERT_EQUAL(vgroup_count(r), 2);
	free(r);
}

static void test_group_change_is_one_update_for_all_its_macs(void)
{
	struct vgroup_registry *r = reg();
	bool changed;
	int gi = vgroup_set(r, 9, (uint16_t[]){ 1, 2 }, 2, &changed);
	struct fdb_result now = evpn_dest(gi), none = { 0 };

	for (int mac = 0; mac < 100; mac++)
		vgroup_track(r, &now, &none);
	/* VTEP 2 leaves the segment: the first MAC's update changes the group... */
	CU_ASSERT_EQUAL(vgroup_set(r, 9, (uint16_t[]){ 1 }, 1, &changed), gi);
	CU_ASSERT_TRUE(changed);
	vgroup_track(r, &now, &now);
	/* ...and the other 99 see it already done. */
	for (int mac = 1; mac < 100; mac++) {
		CU_ASSERT_EQUAL(vgroup_set(r, 9, (uint16_t[]){ 1 }, 1, &changed), gi);
		CU_ASSERT_FALSE(changed);
		vgroup_track(r, &now, &now);
	}
	CU_ASSERT_EQUAL(r->g[gi].refs, 100);
	CU_ASSERT_EQUAL(r->g[gi].n, 1);
	free(r);
}

static void test_group_is_freed_when_no_entry_names_it(void)
{
	struct vgroup_registry *r = reg();
	bool changed;
	int a = vgroup_set(r, 1, (uint16_t[]){ 1, 2 }, 2, &changed);
	int b = vgroup_set(r, 2, (uint16_t[]){ 3, 4 }, 2, &changed);
	struct fdb_result ga = evpn_dest(a), gb = evpn_dest(b), none = { 0 };
	struct fdb_result local = { .dest = 3, .kind = FDB_KIND_LOCAL };

	vgroup_track(r, &ga, &none);
	vgroup_track(r, &ga, &none);
	vgroup_track(r, &gb, &none);
	vgroup_track(r, &none, &ga);      /* one MAC withdrawn */
	CU_ASSERT_EQUAL(r->g[a].nhg, 1);
	vgroup_track(r, &local, &ga);     /* the other moved here (mobility) */
	CU_ASSERT_EQUAL(r->g[a].nhg, 0);
	CU_ASSERT_EQUAL(vgroup_count(r), 1);
	/* The freed slot is reused. */
	CU_ASSERT_EQUAL(vgroup_set(r, 3, (uint16_t[]){ 7 }, 1, &changed), a);
	vgroup_forget_unused(r, a);       /* its FDB entry could not be written */
	CU_ASSERT_EQUAL(r->g[a].nhg, 0);
	vgroup_track(r, &none, &gb);
	CU_ASSERT_EQUAL(r->n, 0);
	/* Plain VTEP dests and unknown indices are not counted. */
	vgroup_track(r, &(struct fdb_result){ .dest = 4, .kind = FDB_KIND_EVPN }, &none);
	ga = evpn_dest(500);
	vgroup_track(r, &ga, &none);
	CU_ASSERT_EQUAL(vgroup_count(r), 0);
	free(r);
}

static void test_registry_refuses_when_full_and_caps_members(void)
{
	struct vgroup_registry *r = reg();
	uint16_t many[VGROUP_MAX_VTEPS + 4];
	bool changed;

	for (unsigned i = 0; i < VGROUP_MAX; i++)
		CU_ASSERT_EQUAL(vgroup_set(r, i + 1, (uint16_t[]){ 1 }, 1, &changed), (int)i);
	CU_ASSERT_EQUAL(vgroup_set(r, 99999, (uint16_t[]){ 1 }, 1, &changed), -1);
	CU_ASSERT_EQUAL(vgroup_set(r, 0, (uint16_t[]){ 1 }, 1, &changed), -1);
	CU_ASSERT_EQUAL(r->full, 1);
	for (unsigned i = 0; i < VGROUP_MAX_VTEPS + 4; i++)
		many[i] = (uint16_t)(100 - i);
	CU_ASSERT_EQUAL(vgroup_set(r, 1, many, VGROUP_MAX_VTEPS + 4, &changed), 0);
	CU_ASSERT_EQUAL(r->g[0].n, VGROUP_MAX_VTEPS);
	free(r);
}

static unsigned flows_to(const struct dp_snapshot *s, uint32_t dest, uint32_t vtep)
{
	unsigned k = 0;

	for (uint32_t i = 0; i < 1000; i++)
		k += dp_remote_vtep(s, dest, flow(i)) == vtep;
	return k;
}

static void test_flows_spread_over_the_group_and_leave_only_an_unusable_vtep(void)
{
	struct vgroup_def def = { .nhg = 1, .n = 3, .vtep = { 4, 6, 9 } };
	bool usable[10] = { [4] = true, [6] = true, [9] = true };
	struct dp_vgroup g, g2;
	struct dp_snapshot s = { .n_vgroups = 1, .vgroups = &g };
	uint32_t dest = DP_DEST_VGROUP | 0;
	uint16_t before[1000];

	vgroup_fill(&g, &def, usable, 10);
	for (uint16_t v = 4; v <= 9; v++) {
		unsigned k = flows_to(&s, dest, v);
		bool member = v == 4 || v == 6 || v == 9;

		CU_ASSERT(member ? k > 250 && k < 420 : k == 0);
	}
	for (uint32_t i = 0; i < 1000; i++)
		before[i] = (uint16_t)dp_remote_vtep(&s, dest, flow(i));
	/* VTEP 6 loses its next hop: only its flows move, to 4 and 9. */
	usable[6] = false;
	vgroup_fill(&g2, &def, usable, 10);
	s.vgroups = &g2;
	CU_ASSERT_EQUAL(flows_to(&s, dest, 6), 0);
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT(before[i] == 6 || dp_remote_vtep(&s, dest, flow(i)) == before[i]);
	CU_ASSERT(flows_to(&s, dest, 4) > 400);
	CU_ASSERT(flows_to(&s, dest, 9) > 400);
}

static void test_group_without_usable_vtep_and_plain_dests(void)
{
	struct vgroup_def def = { .nhg = 1, .n = 2, .vtep = { 3, 5 } };
	bool usable[8] = { 0 };
	struct dp_vgroup g;
	struct dp_snapshot s = { .n_vgroups = 1, .vgroups = &g };

	vgroup_fill(&g, &def, usable, 8);
	CU_ASSERT_EQUAL(flows_to(&s, DP_DEST_VGROUP, 3), 1000); /* dropped as unresolved */
	CU_ASSERT_EQUAL(dp_remote_vtep(&s, 17, 12345), 17);     /* a plain VTEP index */
	CU_ASSERT_EQUAL(dp_remote_vtep(&s, DP_DEST_VGROUP | 1, 1), DP_MAX_VTEPS);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("vgroup", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_group_is_keyed_by_nexthop_group_and_members_sorted);
	CU_ADD(s, test_group_change_is_one_update_for_all_its_macs);
	CU_ADD(s, test_group_is_freed_when_no_entry_names_it);
	CU_ADD(s, test_registry_refuses_when_full_and_caps_members);
	CU_ADD(s, test_flows_spread_over_the_group_and_leave_only_an_unusable_vtep);
	CU_ADD(s, test_group_without_usable_vtep_and_plain_dests);
	return CU_get_error();
}
