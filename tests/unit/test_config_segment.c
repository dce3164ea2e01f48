/* Tests for port groups in the config: VLAN-backed segments, port bindings to
 * them, host interfaces, rate limits and storm control; parsing, defaults,
 * conflicts refused with exact "PATH: reason" messages, round trip. */
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

/* A config with two teams (underlay, t2) and one vm port; EXTRA_PORT is
 * more port entries, SEGS the vlan-segment list, VNIS more vni entries. */
static int load_parts(const char *extra_port, const char *segs, const char *vni_extra,
		      struct cfg *c)
{
	char json[4096];

	snprintf(json, sizeof(json),
		 "{\"vxsw:vxsw\": {\"vtep\": {\"local-ipv4\": \"192.0.2.1\"},"
		 " \"port\": [{\"name\": \"vm1\", \"devargs\": \"net_tap1\", \"role\": \"vm\","
		 " \"access-vni\": 100}%s,"
		 " {\"name\": \"up0\", \"devargs\": \"net_null0\", \"role\": \"uplink\"},"
		 " {\"name\": \"up1\", \"devargs\": \"net_null1\", \"role\": \"uplink\"}],"
		 " \"vni\": [{\"id\": 100%s}],"
		 " \"team\": [{\"name\": \"underlay\", \"mode\": \"active-backup\", \"member\": [\"up0\"]},"
		 " {\"name\": \"t2\", \"mode\": \"active-backup\", \"member\": [\"up1\"]}],"
		 " \"vlan-segment\": [%s]}}",
		 extra_port, vni_extra, segs);
	cfg_init(c);
	return cfg_load_json(json, strlen(json), c, err, sizeof(err));
}

static void expect_refused(const char *extra_port, const char *segs, const char *vni_extra,
			   const char *msg)
{
	struct cfg c;
	int rc = load_parts(extra_port, segs, vni_extra, &c);
	bool ok = rc == -EINVAL && strstr(err, msg) != NULL;

	if (!ok)
		fprintf(stderr, "\nrc %d\n  got:  %s\n  want: %s\n", rc, err, msg);
	CU_ASSERT(ok);
	cfg_free(&c);
}

static void test_segments_parse_with_bindings_limits_and_defaults(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL_FATAL(load_data("good-segments.json", &c), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_segs, 3);
	CU_ASSERT_STRING_EQUAL(c.segs[0].name, "mgmt");
	CU_ASSERT_EQUAL(c.segs[0].vlan, 10);
	CU_ASSERT_STRING_EQUAL(c.segs[0].team, "underlay");
	CU_ASSERT_TRUE(c.segs[0].learning);
	CU_ASSERT_EQUAL(c.segs[0].limit.average_kbps, 0);
	CU_ASSERT_FALSE(c.segs[1].learning);
	CU_ASSERT_EQUAL(c.segs[1].mac_limit, 64);
	CU_ASSERT_EQUAL(c.segs[2].vlan, 0); /* untagged on its own team */
	CU_ASSERT_EQUAL(c.segs[2].limit.average_kbps, 5000000);
	CU_ASSERT_EQUAL(c.segs[2].limit.burst, 1048576);
	CU_ASSERT_EQUAL(c.segs[2].limit.peak_kbps, 0);
	CU_ASSERT_EQUAL(c.vnis[0].limit.average_kbps, 1000000);
	CU_ASSERT_EQUAL(c.vnis[0].limit.burst, 65536); /* default */
	const struct cfg_port *vm1 = cfg_port_by_name(&c, "vm1");
	CU_ASSERT_EQUAL(vm1->limit.average_kbps, 100000);
	CU_ASSERT_EQUAL(vm1->limit.peak_kbps, 200000);
	CU_ASSERT_EQUAL(vm1->limit.burst, 131072);
	CU_ASSERT_EQUAL(vm1->storm.broadcast, 1000);
	CU_ASSERT_EQUAL(vm1->storm.multicast, 2000);
	CU_ASSERT_EQUAL(vm1->storm.unknown_unicast, 3000);
	CU_ASSERT_STRING_EQUAL(cfg_port_by_name(&c, "vm2")->access_segment, "migration");
	CU_ASSERT_EQUAL(cfg_port_by_name(&c, "vm2")->access_vni, 0);
	const struct cfg_port *vm3 = cfg_port_by_name(&c, "vm3");
	CU_ASSERT_EQUAL(vm3->vlans[0].vni, 100);
	CU_ASSERT_STRING_EQUAL(vm3->vlans[0].segment, "");
	CU_ASSERT_EQUAL(vm3->vlans[1].vni, 0);
	CU_ASSERT_STRING_EQUAL(vm3->vlans[1].segment, "storage");
	const struct cfg_port *mgmt = cfg_port_by_name(&c, "mgmt");
	CU_ASSERT_EQUAL(mgmt->role, CFG_ROLE_HOST_IF);
	CU_ASSERT_TRUE(cfg_role_is_vm(mgmt->role));
	CU_ASSERT_STRING_EQUAL(mgmt->access_segment, "mgmt");
	CU_ASSERT_PTR_EQUAL(cfg_segment_by_name(&c, "storage"), &c.segs[2]);
	CU_ASSERT_PTR_NULL(cfg_segment_by_name(&c, "nope"));
	CU_ASSERT_PTR_EQUAL(cfg_underlay_team(&c), &c.teams[0]);
	cfg_free(&c);
}

static void test_segments_round_trip_and_copy(void)
{
	struct cfg a, b, d;
	char *j1, *j2;

	CU_ASSERT_EQUAL_FATAL(load_data("good-segments.json", &a), 0);
	j1 = cfg_to_json(&a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j1);
	cfg_init(&b);
	CU_ASSERT_EQUAL_FATAL(cfg_load_json(j1, strlen(j1), &b, err, sizeof(err)), 0);
	j2 = cfg_to_json(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j2);
	CU_ASSERT_STRING_EQUAL(j1, j2);
	CU_ASSERT_EQUAL_FATAL(b.n_segs, 3);
	CU_ASSERT_EQUAL(memcmp(a.segs, b.segs, 3 * sizeof(*a.segs)), 0);
	for (unsigned i = 0; i < a.n_ports; i++) {
		CU_ASSERT_EQUAL(memcmp(&a.ports[i].limit, &b.ports[i].limit, sizeof(a.ports[i].limit)), 0);
		CU_ASSERT_EQUAL(memcmp(&a.ports[i].storm, &b.ports[i].storm, sizeof(a.ports[i].storm)), 0);
		CU_ASSERT_STRING_EQUAL(a.ports[i].access_segment, b.ports[i].access_segment);
	}
	CU_ASSERT_EQUAL_FATAL(cfg_copy(&d, &a), 0);
	CU_ASSERT_PTR_NOT_EQUAL(d.segs, a.segs);
	CU_ASSERT_EQUAL(memcmp(d.segs, a.segs, 3 * sizeof(*a.segs)), 0);
	free(j1);
	free(j2);
	cfg_free(&a);
	cfg_free(&b);
	cfg_free(&d);
}

static void test_vlan_in_two_segments_on_one_team_is_refused(void)
{
	expect_refused("", "{\"name\": \"a\", \"vlan\": 20, \"team\": \"t2\"},"
			   " {\"name\": \"b\", \"vlan\": 20, \"team\": \"t2\"}", "",
		       TOP "/vlan-segment[name='b']/vlan: VLAN 20 on team 't2' is already segment 'a'");
	expect_refused("", "{\"name\": \"a\", \"team\": \"t2\"}, {\"name\": \"b\", \"team\": \"t2\"}",
		       "",
		       TOP "/vlan-segment[name='b']/vlan: untagged (native) on team 't2' is already "
			   "segment 'a'");
}

static void test_same_vlan_on_two_teams_is_fine(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL(load_parts("", "{\"name\": \"a\", \"vlan\": 20, \"team\": \"t2\"},"
				       " {\"name\": \"b\", \"vlan\": 20, \"team\": \"underlay\"}",
				   "", &c), 0);
	cfg_free(&c);
}

static void test_untagged_segment_on_underlay_team_is_refused(void)
{
	expect_refused("", "{\"name\": \"a\", \"team\": \"underlay\"}", "",
		       TOP "/vlan-segment[name='a']/vlan: an untagged segment cannot use team "
			   "'underlay': its untagged frames are the underlay (VXLAN and host path)");
}

static void test_segment_on_missing_team_is_refused(void)
{
	expect_refused("", "{\"name\": \"a\", \"vlan\": 5, \"team\": \"nope\"}", "",
		       TOP "/vlan-segment[name='a']/team: Invalid leafref value \"nope\"");
}

static void test_host_interface_on_missing_segment_is_refused(void)
{
	expect_refused(", {\"name\": \"mgmt\", \"devargs\": \"net_tap9\", \"role\": \"host-interface\","
		       " \"access-segment\": \"mgmt\"}",
		       "{\"name\": \"storage\", \"vlan\": 5, \"team\": \"t2\"}", "",
		       TOP "/port[name='mgmt']/access-segment: Invalid leafref value \"mgmt\"");
}

static void test_host_interface_needs_a_segment_or_vni(void)
{
	expect_refused(", {\"name\": \"mgmt\", \"devargs\": \"net_tap9\", \"role\": \"host-interface\"}",
		       "", "", TOP "/port[name='mgmt']/access-vni: a vm access port needs an access-vni");
}

static void test_both_access_vni_and_segment_are_refused(void)
{
	expect_refused(", {\"name\": \"vm2\", \"devargs\": \"net_tap9\", \"role\": \"vm\","
		       " \"access-vni\": 100, \"access-segment\": \"s\"}",
		       "{\"name\": \"s\", \"vlan\": 5, \"team\": \"t2\"}", "",
		       TOP "/port[name='vm2']: set either access-vni or access-segment, not both");
}

static void test_trunk_vlan_to_missing_segment_is_refused(void)
{
	expect_refused(", {\"name\": \"vm2\", \"devargs\": \"net_tap9\", \"role\": \"vm\","
		       " \"mode\": \"trunk\", \"vlan\": [{\"id\": 7, \"segment\": \"zz\"}]}",
		       "{\"name\": \"s\", \"vlan\": 5, \"team\": \"t2\"}", "",
		       TOP "/port[name='vm2']/vlan[id='7']/segment: Invalid leafref value \"zz\"");
}

static void test_rate_limit_checks(void)
{
	expect_refused("", "", ", \"rate-limit\": {\"average-rate\": 2000, \"peak-rate\": 1000}",
		       TOP "/vni[id='100']/rate-limit/peak-rate: 1000 kbit/s is below the "
			   "average-rate 2000 kbit/s");
	expect_refused("", "", ", \"rate-limit\": {\"average-rate\": 2000, \"burst-size\": 100}",
		       TOP "/vni[id='100']/rate-limit/burst-size: Unsatisfied range - value \"100\" "
			   "is out of the allowed range.");
	expect_refused("", "", ", \"rate-limit\": {\"peak-rate\": 2000}",
		       TOP "/vni[id='100']/rate-limit/average-rate: Mandatory node \"average-rate\" "
			   "instance does not exist.");
	expect_refused("", "{\"name\": \"s\", \"vlan\": 5, \"team\": \"t2\","
		       " \"rate-limit\": {\"average-rate\": 10, \"peak-rate\": 9}}", "",
		       TOP "/vlan-segment[name='s']/rate-limit/peak-rate: 9 kbit/s is below the "
			   "average-rate 10 kbit/s");
}

static void test_limits_on_uplinks_are_refused_in_structs(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL_FATAL(load_data("good-segments.json", &c), 0);
	struct cfg_port *up = (struct cfg_port *)cfg_port_by_name(&c, "up1");
	up->storm.broadcast = 5;
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/port[name='up1']/rate-limit: only vm and host-interface "
				    "ports are limited");
	up->storm.broadcast = 0;
	c.segs[1].vlan = 10; /* same as mgmt on the underlay team */
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/vlan-segment[name='migration']/vlan: VLAN 10 on team "
				    "'underlay' is already segment 'mgmt'");
	c.segs[1].vlan = 4095;
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/vlan-segment[name='migration']/vlan: 4095 is out of range "
				    "0..4094");
	c.segs[1].vlan = 20;
	snprintf(c.segs[1].name, sizeof(c.segs[1].name), "mgmt");
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/port[name='vm2']/access-segment: segment 'migration' is "
				    "not configured");
	snprintf(((struct cfg_port *)cfg_port_by_name(&c, "vm2"))->access_segment, CFG_NAME_MAX,
		 "mgmt");
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/vlan-segment[name='mgmt']: duplicate segment");
	cfg_free(&c);
}

static int suite_cleanup(void)
{
	return cfg_yang_cleanup();
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("config-segments", NULL, suite_cleanup);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_segments_parse_with_bindings_limits_and_defaults);
	CU_ADD(s, test_segments_round_trip_and_copy);
	CU_ADD(s, test_vlan_in_two_segments_on_one_team_is_refused);
	CU_ADD(s, test_same_vlan_on_two_teams_is_fine);
	CU_ADD(s, test_untagged_segment_on_underlay_team_is_refused);
	CU_ADD(s, test_segment_on_missing_team_is_refused);
	CU_ADD(s, test_host_interface_on_missing_segment_is_refused);
	CU_ADD(s, test_host_interface_needs_a_segment_or_vni);
	CU_ADD(s, test_both_access_vni_and_segment_are_refused);
	CU_ADD(s, test_trunk_vlan_to_missing_segment_is_refused);
	CU_ADD(s, test_rate_limit_checks);
	CU_ADD(s, test_limits_on_uplinks_are_refused_in_structs);
	return CU_get_error();
}
