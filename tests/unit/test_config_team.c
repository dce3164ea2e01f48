/* Tests for uplink teams in the config: parsing, defaults, checks, round trip. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_yang.h"
#include "cu_main.h"

#define DATA VX_TEST_DATA "/config/"
#define TOP "/vxsw:vxsw"

static char err[CFG_ERR_MAX];

static int load_data(const char *name, struct cfg *c)
{
	char path[512];

	snprintf(path, sizeof(path), DATA "%s", name);
	cfg_init(c);
	return cfg_load_file(path, c, err, sizeof(err));
}

static void test_teams_parse_with_modes_members_and_lacp_settings(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL_FATAL(load_data("good-teams.json", &c), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_teams, 2);
	const struct cfg_team *u = &c.teams[0], *s = &c.teams[1];
	CU_ASSERT_STRING_EQUAL(u->name, "underlay");
	CU_ASSERT_EQUAL(u->mode, CFG_TEAM_LACP);
	CU_ASSERT_EQUAL(u->hash, CFG_HASH_L3L4);
	CU_ASSERT_EQUAL(u->n_members, 2);
	CU_ASSERT_STRING_EQUAL(u->members[0], "up1"); /* order is priority */
	CU_ASSERT_STRING_EQUAL(u->members[1], "up0");
	CU_ASSERT_TRUE(u->lacp_passive);
	CU_ASSERT_TRUE(u->lacp_slow);
	CU_ASSERT_EQUAL(u->lacp_sys_prio, 100);
	CU_ASSERT_EQUAL(u->lacp_key, 7);
	CU_ASSERT_EQUAL(u->lacp_port_prio, 32768);
	CU_ASSERT_TRUE(u->failback);
	CU_ASSERT_STRING_EQUAL(s->name, "storage");
	CU_ASSERT_EQUAL(s->mode, CFG_TEAM_ACTIVE_BACKUP);
	CU_ASSERT_EQUAL(s->hash, CFG_HASH_L2);
	CU_ASSERT_FALSE(s->failback);
	CU_ASSERT_FALSE(s->lacp_passive);
	CU_ASSERT_EQUAL(s->lacp_sys_prio, 32768);
	CU_ASSERT_EQUAL(s->lacp_key, 0);
	CU_ASSERT_STRING_EQUAL(c.vtep.team, "underlay");
	CU_ASSERT_PTR_EQUAL(cfg_team_of_port(&c, "up3"), s);
	CU_ASSERT_PTR_NULL(cfg_team_of_port(&c, "vm1"));
	cfg_free(&c);
}

static void test_teams_round_trip_through_json(void)
{
	struct cfg a, b;
	char *j1, *j2;

	CU_ASSERT_EQUAL_FATAL(load_data("good-teams.json", &a), 0);
	j1 = cfg_to_json(&a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j1);
	cfg_init(&b);
	CU_ASSERT_EQUAL_FATAL(cfg_load_json(j1, strlen(j1), &b, err, sizeof(err)), 0);
	j2 = cfg_to_json(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j2);
	CU_ASSERT_STRING_EQUAL(j1, j2);
	CU_ASSERT_EQUAL(memcmp(a.teams, b.teams, 2 * sizeof(*a.teams)), 0);
	free(j1);
	free(j2);
	cfg_free(&a);
	cfg_free(&b);
}

static void test_copy_keeps_teams(void)
{
	struct cfg a, b;

	CU_ASSERT_EQUAL_FATAL(load_data("good-teams.json", &a), 0);
	CU_ASSERT_EQUAL_FATAL(cfg_copy(&b, &a), 0);
	CU_ASSERT_EQUAL(b.n_teams, 2);
	CU_ASSERT_PTR_NOT_EQUAL(b.teams, a.teams);
	CU_ASSERT_STRING_EQUAL(b.teams[1].members[1], "up3");
	cfg_free(&a);
	cfg_free(&b);
}

static const struct {
	const char *file, *msg;
} bad_files[] = {
	{ "bad-team-member-twice.json",
	  TOP "/team[name='storage']/member: port 'up0' is already in team 'underlay'" },
	{ "bad-team-member-not-uplink.json",
	  TOP "/team[name='storage']/member: port 'vm1' is not an uplink" },
	{ "bad-team-vtep-unknown.json", "/vtep/team" },
	{ "bad-team-member-unknown.json", "/team[name='storage']/member" },
	{ "bad-team-mode.json", "/team[name='storage']/mode" },
	{ "bad-team-no-members.json",
	  TOP "/team[name='storage']/member: a team has 1..8 members" },
};

static void test_each_bad_team_file_names_path_and_reason(void)
{
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct cfg c;
		int rc = load_data(bad_files[i].file, &c);
		bool ok = rc == -EINVAL && strstr(err, bad_files[i].msg) != NULL;

		if (!ok)
			fprintf(stderr, "\n%s: rc %d\n  got:  %s\n  want: %s\n", bad_files[i].file, rc,
				err, bad_files[i].msg);
		CU_ASSERT(ok);
		cfg_free(&c);
	}
}

static void test_validate_refuses_struct_built_teams_that_break_rules(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL_FATAL(load_data("good-teams.json", &c), 0);
	c.teams[1].n_members = 0;
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/team[name='storage']/member: a team has 1..8 members");
	c.teams[1].n_members = 2;
	strcpy(c.teams[1].name, "underlay");
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/team[name='underlay']: duplicate team");
	strcpy(c.teams[1].name, "storage");
	strcpy(c.teams[1].members[1], "up2");
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/team[name='storage']/member: 'up2' listed twice");
	cfg_free(&c);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("config-teams", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_teams_parse_with_modes_members_and_lacp_settings);
	CU_ADD(s, test_teams_round_trip_through_json);
	CU_ADD(s, test_copy_keeps_teams);
	CU_ADD(s, test_each_bad_team_file_names_path_and_reason);
	CU_ADD(s, test_validate_refuses_struct_built_teams_that_break_rules);
	return CU_get_error();
}
