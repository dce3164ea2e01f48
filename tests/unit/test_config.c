/* Tests for config/: JSON -> struct cfg through the YANG model, semantic
 * validation with path-named errors, the JSON round trip and cfg_state. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg_model.h"
#include "cfg_state.h"
#include "cfg_yang.h"
#include "cu_main.h"

#define DATA VX_TEST_DATA "/config/"
#define TOP "/vxsw:vxsw"

static char err[CFG_ERR_MAX];

static int load(const char *file, struct cfg *c)
{
	char path[512];

	snprintf(path, sizeof(path), DATA "%s", file);
	return cfg_load_file(path, c, err, sizeof(err));
}

static int load_str(const char *json, struct cfg *c)
{
	return cfg_load_json(json, strlen(json), c, err, sizeof(err));
}

static struct vx_ip ip(const char *s)
{
	struct vx_ip a;

	CU_ASSERT_EQUAL_FATAL(vx_ip_parse(s, &a), 0);
	return a;
}

static bool ip_is(const struct vx_ip *a, const char *s)
{
	struct vx_ip b = ip(s);

	return vx_ip_eq(a, &b);
}

static bool mac_is(const uint8_t mac[6], const char *s)
{
	char buf[18];

	return strcmp(vx_mac_str(mac, buf, sizeof(buf)), s) == 0;
}

/* Deep equality of two configs, field by field. */
static bool cfg_equal(const struct cfg *a, const struct cfg *b)
{
	if (memcmp(&a->global, &b->global, sizeof(a->global)) != 0 ||
	    memcmp(&a->vtep, &b->vtep, sizeof(a->vtep)) != 0 || a->n_ports != b->n_ports ||
	    a->n_vnis != b->n_vnis || a->n_nexthops != b->n_nexthops || a->n_fdb != b->n_fdb)
		return false;
	for (unsigned i = 0; i < a->n_ports; i++) {
		const struct cfg_port *p = &a->ports[i], *q = &b->ports[i];

		if (strcmp(p->name, q->name) || strcmp(p->devargs, q->devargs) ||
		    p->role != q->role || p->mode != q->mode || p->access_vni != q->access_vni ||
		    p->mtu != q->mtu || p->rx_queues != q->rx_queues || p->n_vlans != q->n_vlans ||
		    (p->n_vlans && memcmp(p->vlans, q->vlans, p->n_vlans * sizeof(*p->vlans))))
			return false;
	}
	for (unsigned i = 0; i < a->n_vnis; i++) {
		const struct cfg_vni *v = &a->vnis[i], *w = &b->vnis[i];

		if (v->id != w->id || v->learning != w->learning || v->mac_limit != w->mac_limit ||
		    v->n_flood != w->n_flood ||
		    (v->n_flood && memcmp(v->flood, w->flood, v->n_flood * sizeof(*v->flood))))
			return false;
	}
	return (a->n_nexthops == 0 ||
		memcmp(a->nexthops, b->nexthops, a->n_nexthops * sizeof(*a->nexthops)) == 0) &&
	       (a->n_fdb == 0 || memcmp(a->fdb, b->fdb, a->n_fdb * sizeof(*a->fdb)) == 0);
}

static void test_full_config_parses_into_exact_structs(void)
{
	struct cfg c;
	const struct cfg_port *p;
	const struct cfg_vni *v;

	CU_ASSERT_EQUAL_FATAL(load("good-full.json", &c), 0);
	CU_ASSERT_EQUAL(c.global.workers, 4);
	CU_ASSERT_EQUAL(c.global.fdb_max, 65536);
	CU_ASSERT_EQUAL(c.global.aging_s, 600);
	CU_ASSERT_STRING_EQUAL(c.global.ctl_socket, "/tmp/vxsw-test.sock");
	CU_ASSERT(ip_is(&c.vtep.ip4, "192.0.2.1"));
	CU_ASSERT(ip_is(&c.vtep.ip6, "2001:db8::1"));
	CU_ASSERT_EQUAL(c.vtep.udp_port, 4790);
	CU_ASSERT_EQUAL(c.vtep.ttl, 32);
	CU_ASSERT(c.vtep.allow_inner_vlan);

	CU_ASSERT_EQUAL_FATAL(c.n_ports, 4);
	p = &c.ports[0];
	CU_ASSERT_STRING_EQUAL(p->name, "vm1");
	CU_ASSERT_STRING_EQUAL(p->devargs, "net_vhost0,iface=/run/vxsw/vm1.sock");
	CU_ASSERT_EQUAL(p->role, CFG_ROLE_VM);
	CU_ASSERT_EQUAL(p->mode, CFG_MODE_ACCESS);
	CU_ASSERT_EQUAL(p->access_vni, 100);
	CU_ASSERT_EQUAL(p->n_vlans, 0);
	CU_ASSERT_EQUAL(p->mtu, 1500);
	CU_ASSERT_EQUAL(p->rx_queues, 0);
	p = &c.ports[1];
	CU_ASSERT_STRING_EQUAL(p->name, "vm2");
	CU_ASSERT_EQUAL(p->mode, CFG_MODE_TRUNK);
	CU_ASSERT_EQUAL(p->access_vni, 0);
	CU_ASSERT_EQUAL_FATAL(p->n_vlans, 2);
	CU_ASSERT_EQUAL(p->vlans[0].vlan, 10);
	CU_ASSERT_EQUAL(p->vlans[0].vni, 100);
	CU_ASSERT_EQUAL(p->vlans[1].vlan, 20);
	CU_ASSERT_EQUAL(p->vlans[1].vni, 200);
	CU_ASSERT_EQUAL(p->mtu, 9000);
	p = &c.ports[2];
	CU_ASSERT_STRING_EQUAL(p->name, "up0");
	CU_ASSERT_STRING_EQUAL(p->devargs, "0000:03:00.0");
	CU_ASSERT_EQUAL(p->role, CFG_ROLE_UPLINK);
	CU_ASSERT_EQUAL(p->mtu, 1600);
	CU_ASSERT_EQUAL(p->rx_queues, 2);
	p = &c.ports[3];
	CU_ASSERT_STRING_EQUAL(p->name, "host");
	CU_ASSERT_EQUAL(p->role, CFG_ROLE_HOST);
	CU_ASSERT_EQUAL(p->mtu, 1500);

	CU_ASSERT_EQUAL_FATAL(c.n_vnis, 2);
	v = &c.vnis[0];
	CU_ASSERT_EQUAL(v->id, 100);
	CU_ASSERT(v->learning);
	CU_ASSERT_EQUAL(v->mac_limit, 0);
	CU_ASSERT_EQUAL_FATAL(v->n_flood, 2);
	CU_ASSERT(ip_is(&v->flood[0], "192.0.2.2"));
	CU_ASSERT(ip_is(&v->flood[1], "192.0.2.3"));
	v = &c.vnis[1];
	CU_ASSERT_EQUAL(v->id, 200);
	CU_ASSERT(!v->learning);
	CU_ASSERT_EQUAL(v->mac_limit, 1000);
	CU_ASSERT_EQUAL_FATAL(v->n_flood, 1);
	CU_ASSERT(ip_is(&v->flood[0], "2001:db8::2"));

	CU_ASSERT_EQUAL_FATAL(c.n_nexthops, 2);
	CU_ASSERT(ip_is(&c.nexthops[0].vtep, "192.0.2.2"));
	CU_ASSERT(mac_is(c.nexthops[0].mac, "02:00:00:aa:00:02"));
	CU_ASSERT_STRING_EQUAL(c.nexthops[0].port, "up0");
	CU_ASSERT(ip_is(&c.nexthops[1].vtep, "2001:db8::2"));
	CU_ASSERT_STRING_EQUAL(c.nexthops[1].port, "");

	CU_ASSERT_EQUAL_FATAL(c.n_fdb, 2);
	CU_ASSERT_EQUAL(c.fdb[0].vni, 100);
	CU_ASSERT(mac_is(c.fdb[0].mac, "02:00:00:00:01:01"));
	CU_ASSERT_STRING_EQUAL(c.fdb[0].port, "vm1");
	CU_ASSERT(!vx_ip_is_set(&c.fdb[0].remote));
	CU_ASSERT_EQUAL(c.fdb[1].vni, 200);
	CU_ASSERT_STRING_EQUAL(c.fdb[1].port, "");
	CU_ASSERT(ip_is(&c.fdb[1].remote, "2001:db8::2"));

	CU_ASSERT_PTR_EQUAL(cfg_port_by_name(&c, "up0"), &c.ports[2]);
	CU_ASSERT_PTR_NULL(cfg_port_by_name(&c, "up1"));
	CU_ASSERT_PTR_EQUAL(cfg_vni_by_id(&c, 200), &c.vnis[1]);
	CU_ASSERT_PTR_NULL(cfg_vni_by_id(&c, 300));
	cfg_free(&c);
	CU_ASSERT_EQUAL(c.n_ports, 0);
	CU_ASSERT_PTR_NULL(c.ports);
}

static void test_minimal_config_gets_all_defaults(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL_FATAL(load("good-minimal.json", &c), 0);
	CU_ASSERT_EQUAL(c.global.workers, 1);
	CU_ASSERT_EQUAL(c.global.fdb_max, 1048576);
	CU_ASSERT_EQUAL(c.global.aging_s, 300);
	CU_ASSERT_STRING_EQUAL(c.global.ctl_socket, "/run/vxsw/vxswd.sock");
	CU_ASSERT(!vx_ip_is_set(&c.vtep.ip4));
	CU_ASSERT(!vx_ip_is_set(&c.vtep.ip6));
	CU_ASSERT_EQUAL(c.vtep.udp_port, 4789);
	CU_ASSERT_EQUAL(c.vtep.ttl, 64);
	CU_ASSERT(!c.vtep.allow_inner_vlan);
	CU_ASSERT_EQUAL_FATAL(c.n_ports, 1);
	CU_ASSERT_EQUAL(c.ports[0].mode, CFG_MODE_ACCESS);
	CU_ASSERT_EQUAL(c.ports[0].mtu, 1500);
	CU_ASSERT_EQUAL(c.ports[0].rx_queues, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_vnis, 1);
	CU_ASSERT(c.vnis[0].learning);
	CU_ASSERT_EQUAL(c.vnis[0].mac_limit, 0);
	CU_ASSERT_EQUAL(c.vnis[0].n_flood, 0);
	CU_ASSERT_EQUAL(c.n_nexthops, 0);
	CU_ASSERT_EQUAL(c.n_fdb, 0);
	cfg_free(&c);
}

static void test_cfg_init_sets_documented_defaults(void)
{
	struct cfg c;

	memset(&c, 0xa5, sizeof(c));
	cfg_init(&c);
	CU_ASSERT_EQUAL(c.global.workers, 1);
	CU_ASSERT_EQUAL(c.global.fdb_max, 1048576);
	CU_ASSERT_EQUAL(c.global.aging_s, 300);
	CU_ASSERT_STRING_EQUAL(c.global.ctl_socket, "/run/vxsw/vxswd.sock");
	CU_ASSERT_EQUAL(c.vtep.udp_port, 4789);
	CU_ASSERT_EQUAL(c.vtep.ttl, 64);
	CU_ASSERT_EQUAL(c.n_ports + c.n_vnis + c.n_nexthops + c.n_fdb, 0);
	CU_ASSERT_PTR_NULL(c.ports);
	cfg_free(&c);
}

static const struct {
	const char *file;
	const char *msg;
} bad_files[] = {
	{ "bad-unknown-leaf.json",
	  TOP "/port[name='vm1']: Node \"speed\" not found as a child of \"port\" node." },
	{ "bad-wrong-type.json",
	  TOP "/global/workers: Invalid non-number-encoded uint16 value \"four\"." },
	{ "bad-vni-range.json",
	  TOP "/vni/id: Unsatisfied range - value \"16777216\" is out of the allowed range." },
	{ "bad-vlan-4095.json",
	  TOP "/port[name='vm1']/vlan/id: Unsatisfied range - value \"4095\" is out of the allowed range." },
	{ "bad-ip.json", TOP "/vtep/local-ipv4: Unsatisfied pattern - \"192.0.2.300\" does not conform" },
	{ "bad-mac.json",
	  TOP "/static-fdb[vni='100']/mac: Unsatisfied pattern - \"02:00:00:00:01\" does not conform" },
	{ "bad-missing-devargs.json",
	  TOP "/port[name='up0']/devargs: Mandatory node \"devargs\" instance does not exist." },
	{ "bad-vlan-no-vni.json",
	  TOP "/port[name='vm1']/vlan[id='20']/binding: Mandatory choice \"binding\" data do not exist." },
	{ "bad-access-vni-on-trunk.json",
	  TOP "/port[name='vm1']/access-vni: When condition \"../mode = 'access'\" not satisfied." },
	{ "bad-port-name.json", TOP "/port/name: Unsatisfied pattern - \"vm 1\" does not conform" },
	{ "bad-access-vni-missing.json",
	  TOP "/port[name='vm1']/access-vni: VNI 200 is not configured" },
	{ "bad-duplicate-vlan.json",
	  TOP "/port[name='vm1']/vlan[id='10']: Duplicate instance of \"vlan\"." },
	{ "bad-flood-family.json",
	  TOP "/vni[id='100']/flood-vtep[.='2001:db8::2']: 2001:db8::2 is IPv6 but the vtep has no local-ipv6" },
	{ "bad-flood-local.json",
	  TOP "/vni[id='100']/flood-vtep[.='192.0.2.1']: 192.0.2.1 is the local VTEP address" },
	{ "bad-flood-no-uplink.json",
	  TOP "/vni[id='100']/flood-vtep: remote VTEPs need an uplink port" },
	{ "bad-static-fdb-port.json",
	  TOP "/static-fdb[vni='200'][mac='02:00:00:00:01:01']/port: port 'vm1' is not in VNI 200" },
	{ "bad-static-both-dest.json",
	  TOP "/static-fdb[vni='100'][mac='02:00:00:00:01:01']: Data for both cases \"port\" and \"remote-vtep\" exist." },
	{ "bad-static-no-dest.json",
	  TOP "/static-fdb[vni='100'][mac='02:00:00:00:01:01']/dest: Mandatory choice \"dest\" data do not exist." },
	{ "bad-multicast-mac.json",
	  TOP "/static-fdb[vni='100'][mac='01:00:5e:00:00:01']/mac: 01:00:5e:00:00:01 is not a unicast MAC" },
	{ "bad-two-hosts.json",
	  TOP "/port[name='tap2']/role: only one host port is allowed, 'tap1' is one already" },
	{ "bad-trunk-no-vlan.json", TOP "/port[name='vm1']/vlan: a trunk port needs at least one vlan" },
	{ "bad-vm-no-vni.json",
	  TOP "/port[name='vm1']/access-vni: a vm access port needs an access-vni" },
	{ "bad-uplink-access-vni.json",
	  TOP "/port[name='up0']/access-vni: only vm ports belong to a VNI" },
	{ "bad-no-ports.json", TOP "/port: at least one port is required" },
	{ "bad-no-local-address.json",
	  TOP "/vtep: uplink 'up0' needs a local-ipv4 or local-ipv6 address" },
	{ "bad-nexthop-not-uplink.json",
	  TOP "/nexthop[vtep='192.0.2.2']/port: port 'vm1' is not an uplink" },
	{ "bad-nexthop-unknown-port.json",
	  TOP "/nexthop[vtep='192.0.2.2']/port: Invalid leafref value \"up9\"" },
	{ "bad-state-data.json", "/vxsw:state: Unexpected data state node \"state\" found." },
	{ "bad-truncated.json",
	  TOP "/port[name='vm1']: Invalid character sequence \"\", expected a JSON object's member." },
	{ "bad-empty.json", TOP ": no configuration (empty document)" },
};

static void test_each_bad_file_gives_its_message(void)
{
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct cfg c;
		int rc = load(bad_files[i].file, &c);
		bool ok = rc == -EINVAL && strstr(err, bad_files[i].msg) != NULL;

		if (!ok)
			fprintf(stderr, "\n%s: rc %d\n  got:  %s\n  want: %s\n", bad_files[i].file, rc,
				err, bad_files[i].msg);
		CU_ASSERT(ok);
		/* a failed load leaves an empty config that is safe to free */
		CU_ASSERT_EQUAL(c.n_ports, 0);
		cfg_free(&c);
	}
}

static void test_missing_file_names_file_and_errno(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL(load("nonexistent.json", &c), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, DATA "nonexistent.json: No such file or directory");
	CU_ASSERT_EQUAL(cfg_load_file(DATA, &c, err, sizeof(err)), -EISDIR);
	CU_ASSERT_STRING_EQUAL(err, DATA ": Is a directory");
	cfg_free(&c);
}

static void test_file_over_16_mib_is_refused(void)
{
	char path[] = "/tmp/vxsw-test-cfg-XXXXXX";
	int fd = mkstemp(path);
	struct cfg c;
	char want[64];

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ftruncate(fd, (16 << 20) + 1), 0);   /* sparse: no disk used */
	close(fd);
	CU_ASSERT_EQUAL(cfg_load_file(path, &c, err, sizeof(err)), -EFBIG);
	snprintf(want, sizeof(want), "%s: larger than 16 MiB", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	unlink(path);
	cfg_free(&c);
}

static void test_json_with_nul_byte_is_refused(void)
{
	static const char doc[] = "{\n\"vxsw:vxsw\": {}\0}";
	struct cfg c;

	CU_ASSERT_EQUAL(cfg_load_json(doc, sizeof(doc) - 1, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "line 2: NUL byte in document");
	cfg_free(&c);
}

static void test_whitespace_only_document_is_empty(void)
{
	struct cfg c;

	CU_ASSERT_EQUAL(load_str(" \n\t\n", &c), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP ": no configuration (empty document)");
	CU_ASSERT_EQUAL(load_str("{}", &c), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/port: at least one port is required");
	cfg_free(&c);
}

static void test_round_trip_through_json_is_identity(void)
{
	static const char *const files[] = { "good-full.json", "good-minimal.json" };

	for (size_t i = 0; i < 2; i++) {
		struct cfg a, b;
		char *j1, *j2;

		CU_ASSERT_EQUAL_FATAL(load(files[i], &a), 0);
		j1 = cfg_to_json(&a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j1);
		CU_ASSERT_EQUAL(load_str(j1, &b), 0);
		CU_ASSERT(cfg_equal(&a, &b));
		j2 = cfg_to_json(&b);
		CU_ASSERT_PTR_NOT_NULL(j2);
		if (j2 != NULL)
			CU_ASSERT_STRING_EQUAL(j1, j2);
		free(j1);
		free(j2);
		cfg_free(&a);
		cfg_free(&b);
	}
}

static void test_to_json_prints_resolved_values(void)
{
	struct cfg c;
	char *j;

	CU_ASSERT_EQUAL_FATAL(load("good-full.json", &c), 0);
	j = cfg_to_json(&c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"vxsw:vxsw\": {"));
	/* computed uplink MTU and defaults are explicit; uplinks carry no mode */
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"name\": \"up0\",\n        \"devargs\": \"0000:03:00.0\",\n"
				      "        \"role\": \"uplink\",\n        \"mtu\": 1600,\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"remote-vtep\": \"2001:db8::2\""));
	free(j);
	cfg_free(&c);
}

/* A config built in C, as the daemon does for runtime changes. */
static void build_two_port(struct cfg *c)
{
	cfg_init(c);
	c->vtep.ip4 = ip("198.51.100.1");
	c->n_ports = 2;
	c->ports = calloc(2, sizeof(*c->ports));
	strcpy(c->ports[0].name, "vm7");
	strcpy(c->ports[0].devargs, "net_tap7");
	c->ports[0].role = CFG_ROLE_VM;
	c->ports[0].access_vni = 7000;
	c->ports[0].mtu = 1500;
	strcpy(c->ports[1].name, "up0");
	strcpy(c->ports[1].devargs, "net_tap8");
	c->ports[1].role = CFG_ROLE_UPLINK;
	c->ports[1].mtu = 1600;
	c->n_vnis = 1;
	c->vnis = calloc(1, sizeof(*c->vnis));
	c->vnis[0].id = 7000;
	c->vnis[0].learning = true;
	c->vnis[0].n_flood = 1;
	c->vnis[0].flood = calloc(1, sizeof(struct vx_ip));
	c->vnis[0].flood[0] = ip("198.51.100.2");
}

static void test_struct_built_in_c_validates_and_round_trips(void)
{
	struct cfg a, b;
	char *j;

	build_two_port(&a);
	CU_ASSERT_EQUAL(cfg_validate(&a, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	j = cfg_to_json(&a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(load_str(j, &b), 0);
	CU_ASSERT(cfg_equal(&a, &b));
	free(j);
	cfg_free(&a);
	cfg_free(&b);
}

static void expect_invalid(const struct cfg *c, const char *msg)
{
	int rc = cfg_validate(c, err, sizeof(err));

	if (rc != -EINVAL || strcmp(err, msg) != 0)
		fprintf(stderr, "\n  got:  %d %s\n  want: %s\n", rc, err, msg);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, msg);
}

static void test_validate_catches_what_yang_would_for_structs(void)
{
	struct cfg c;

	build_two_port(&c);
	strcpy(c.ports[1].name, "vm7");
	expect_invalid(&c, TOP "/port[name='vm7']: duplicate port name");
	strcpy(c.ports[1].name, "up0");
	c.global.workers = 0;
	expect_invalid(&c, TOP "/global/workers: 0 is out of range 1..64");
	c.global.workers = 2;
	c.ports[0].mtu = 0;
	expect_invalid(&c, TOP "/port[name='vm7']/mtu: 0 is out of range 576..9216");
	c.ports[0].mtu = 1500;
	c.vnis[0].id = 16777216;
	c.ports[0].access_vni = 16777216;
	expect_invalid(&c, TOP "/port[name='vm7']/access-vni: VNI 16777216 is out of range 1..16777215");
	c.vnis[0].id = 7000;
	c.ports[0].access_vni = 7000;
	c.vnis[0].flood[0] = ip("2001:db8::9");
	expect_invalid(&c, TOP "/vni[id='7000']/flood-vtep[.='2001:db8::9']: 2001:db8::9 is IPv6 but "
			   "the vtep has no local-ipv6");
	c.vnis[0].flood[0] = ip("198.51.100.2");
	c.ports[1].mode = CFG_MODE_TRUNK;
	expect_invalid(&c, TOP "/port[name='up0']/mode: trunk mode is only for vm ports");
	c.ports[1].mode = CFG_MODE_ACCESS;
	c.vtep.ip4 = ip("224.0.0.1");
	expect_invalid(&c, TOP "/vtep/local-ipv4: 224.0.0.1 is not a usable unicast address");
	c.vtep.ip4 = ip("198.51.100.1");
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), 0);
	cfg_free(&c);
}

static void test_validate_refuses_duplicate_vnis_and_too_many(void)
{
	struct cfg c;
	struct cfg_vni *v;

	build_two_port(&c);
	v = realloc(c.vnis, 4097 * sizeof(*v));
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	c.vnis = v;
	memset(&v[1], 0, 4096 * sizeof(*v));
	v[1].id = 7000;
	c.n_vnis = 2;
	expect_invalid(&c, TOP "/vni[id='7000']: duplicate VNI");
	for (unsigned i = 1; i < 4097; i++)
		v[i].id = i;
	c.n_vnis = 4097;
	expect_invalid(&c, TOP "/vni: 4097 VNIs configured, at most 4096 are supported");
	c.n_vnis = 4096;
	CU_ASSERT_EQUAL(cfg_validate(&c, err, sizeof(err)), 0);
	cfg_free(&c);
}

static void test_static_fdb_macs_compare_as_bytes(void)
{
	static const char doc[] =
		"{\"vxsw:vxsw\": {"
		"\"port\": [{\"name\": \"vm1\", \"devargs\": \"net_tap0\", \"role\": \"vm\", \"access-vni\": 5}],"
		"\"vni\": [{\"id\": 5}],"
		"\"static-fdb\": [{\"vni\": 5, \"mac\": \"02:00:00:00:00:aa\", \"port\": \"vm1\"},"
		"                {\"vni\": 5, \"mac\": \"02:00:00:00:00:AA\", \"port\": \"vm1\"}]}}";
	struct cfg c;

	CU_ASSERT_EQUAL(load_str(doc, &c), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, TOP "/static-fdb[vni='5'][mac='02:00:00:00:00:aa']: duplicate entry");
	cfg_free(&c);
}

static void test_copy_is_deep(void)
{
	struct cfg a, b;

	CU_ASSERT_EQUAL_FATAL(load("good-full.json", &a), 0);
	CU_ASSERT_EQUAL_FATAL(cfg_copy(&b, &a), 0);
	CU_ASSERT(cfg_equal(&a, &b));
	CU_ASSERT_PTR_NOT_EQUAL(a.ports, b.ports);
	CU_ASSERT_PTR_NOT_EQUAL(a.ports[1].vlans, b.ports[1].vlans);
	CU_ASSERT_PTR_NOT_EQUAL(a.vnis[0].flood, b.vnis[0].flood);
	cfg_free(&a);
	CU_ASSERT_EQUAL(b.ports[1].vlans[1].vni, 200);
	CU_ASSERT(ip_is(&b.vnis[1].flood[0], "2001:db8::2"));
	CU_ASSERT_EQUAL(cfg_validate(&b, err, sizeof(err)), 0);
	cfg_free(&b);
}

/* ---- cfg_state ---- */

static struct cfg_state *small_state(void)
{
	struct cfg_state *s = cfg_state_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/role", "vm"), 0);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/port-id", "0"), 0);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/link", "up"), 0);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/rx-packets", "7"), 0);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/rx-packets", "12"), 0);
	CU_ASSERT_EQUAL(cfg_state_setf(s, "uplink", "/vxsw:state/port[name='%s']/role", "uplink0"), 0);
	CU_ASSERT_EQUAL(cfg_state_setf(s, "1", "/vxsw:state/port[name='%s']/port-id", "uplink0"), 0);
	CU_ASSERT_EQUAL(cfg_state_setf(s, "1234567", "/vxsw:state/port[name='%s']/rx-packets",
				       "uplink0"), 0);
	CU_ASSERT_EQUAL(cfg_state_setf(s, "3", "/vxsw:state/fdb/entries"), 0);
	CU_ASSERT_EQUAL(cfg_state_setf(s, "local", "/vxsw:state/fdb/entry[vni='%u'][mac='%s']/kind",
				       100, "02:00:00:00:00:01"), 0);
	return s;
}

static void test_state_json_is_model_data(void)
{
	struct cfg_state *s = small_state();
	char *j = cfg_state_json(s, "/vxsw:state/fdb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(j,
		"{\n"
		"  \"vxsw:state\": {\n"
		"    \"fdb\": {\n"
		"      \"entry\": [\n"
		"        {\n"
		"          \"vni\": 100,\n"
		"          \"mac\": \"02:00:00:00:00:01\",\n"
		"          \"kind\": \"local\"\n"
		"        }\n"
		"      ],\n"
		"      \"entries\": 3\n"
		"    }\n"
		"  }\n"
		"}\n");
	free(j);
	j = cfg_state_json(s, "/vxsw:state/port[name='vm1']");
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(j,
		"{\n"
		"  \"vxsw:state\": {\n"
		"    \"port\": [\n"
		"      {\n"
		"        \"name\": \"vm1\",\n"
		"        \"role\": \"vm\",\n"
		"        \"port-id\": 0,\n"
		"        \"link\": \"up\",\n"
		"        \"rx-packets\": \"12\"\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
	free(j);
	j = cfg_state_json(s, "/vxsw:state/vni");
	CU_ASSERT_STRING_EQUAL(j, "{}\n");
	free(j);
	j = cfg_state_json(s, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"name\": \"uplink0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"entries\": 3"));
	free(j);
	CU_ASSERT_PTR_NULL(cfg_state_json(s, "/vxsw:state/port[["));
	cfg_state_free(s);
}

static void test_state_table_is_aligned(void)
{
	struct cfg_state *s = small_state();
	char *t = cfg_state_table(s, "/vxsw:state/port");

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t,
		"name     role    devargs  port-id  link  mode  vni  rx-packets  rx-bytes  tx-packets  tx-bytes  drops\n"
		"vm1      vm      -              0  up    -     -            12         -           -         -      -\n"
		"uplink0  uplink  -              1  -     -     -       1234567         -           -         -      -\n");
	free(t);
	t = cfg_state_table(s, "/vxsw:state/port[name='uplink0']");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "\nuplink0  uplink"));
	CU_ASSERT_PTR_NULL(strstr(t, "vm1"));
	free(t);
	t = cfg_state_table(s, "/vxsw:state/fdb/entry");
	CU_ASSERT_STRING_EQUAL(t,
		"vni  mac                kind   port  remote-vtep  nexthop-group  age\n"
		"100  02:00:00:00:00:01  local  -     -                        -    -\n");
	free(t);
	t = cfg_state_table(s, "/vxsw:state/drop");
	CU_ASSERT_STRING_EQUAL(t, "name  count\n");
	free(t);
	CU_ASSERT_PTR_NULL(cfg_state_table(s, "/vxsw:state/fdb"));
	CU_ASSERT_PTR_NULL(cfg_state_table(s, "/vxsw:vxsw/port"));
	cfg_state_free(s);
}

static void test_state_set_checks_path_and_value(void)
{
	struct cfg_state *s = cfg_state_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/link", "sideways"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cfg_state_errmsg(s),
			       "/vxsw:state/port[name='vm1']/link: Invalid enumeration value \"sideways\".");
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/rx-packets", "-1"), -EINVAL);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/port[name='vm1']/speed", "1"), -EINVAL);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:vxsw/global/workers", "2"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cfg_state_errmsg(s), "/vxsw:vxsw/global/workers: not under /vxsw:state");
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/counter[name='rx-bursts']/value", "5"), 0);
	CU_ASSERT_EQUAL(cfg_state_del(s, "/vxsw:state/counter[name='rx-bursts']"), 0);
	CU_ASSERT_EQUAL(cfg_state_del(s, "/vxsw:state/counter[name='rx-bursts']"), -ENOENT);
	CU_ASSERT_EQUAL(cfg_state_set(s, "/vxsw:state/drop[name='no-vni']/count", "9"), 0);
	CU_ASSERT_EQUAL(cfg_state_del(s, "/vxsw:state"), 0);
	{
		char *j = cfg_state_json(s, NULL);

		CU_ASSERT_STRING_EQUAL(j, "{\n  \"vxsw:state\": {}\n}\n");
		free(j);
	}
	/* the shared context stays while a state is alive */
	CU_ASSERT_EQUAL(cfg_yang_cleanup(), -EBUSY);
	cfg_state_free(s);
}

static int suite_cleanup(void)
{
	return cfg_yang_cleanup();
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("config", NULL, suite_cleanup);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_full_config_parses_into_exact_structs);
	CU_ADD(s, test_minimal_config_gets_all_defaults);
	CU_ADD(s, test_cfg_init_sets_documented_defaults);
	CU_ADD(s, test_each_bad_file_gives_its_message);
	CU_ADD(s, test_missing_file_names_file_and_errno);
	CU_ADD(s, test_file_over_16_mib_is_refused);
	CU_ADD(s, test_json_with_nul_byte_is_refused);
	CU_ADD(s, test_whitespace_only_document_is_empty);
	CU_ADD(s, test_round_trip_through_json_is_identity);
	CU_ADD(s, test_to_json_prints_resolved_values);
	CU_ADD(s, test_struct_built_in_c_validates_and_round_trips);
	CU_ADD(s, test_validate_catches_what_yang_would_for_structs);
	CU_ADD(s, test_validate_refuses_duplicate_vnis_and_too_many);
	CU_ADD(s, test_static_fdb_macs_compare_as_bytes);
	CU_ADD(s, test_copy_is_deep);
	CU_ADD(s, test_state_json_is_model_data);
	CU_ADD(s, test_state_table_is_aligned);
	CU_ADD(s, test_state_set_checks_path_and_value);
	return CU_get_error();
}
