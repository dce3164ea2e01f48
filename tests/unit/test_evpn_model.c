/* Tests for bgp-evpn/evpn_model: rtnetlink messages as zebra and the kernel
 * send them (built with libmnl, decoded by nl_decode) in, evpn_ops reports and
 * shadow requests out, written to a log that each test compares as text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "cu_main.h"
#include "evpn_model.h"
#include "nl_decode.h"

/* ---- the world of every test: VNI 100 with vxlan100 (10), br100 (11) and
 * the stand-in port ev100p0 (12); hold 2 s, grace 60 s ---- */

enum { VX = 10, BR = 11, PORT = 12, PORT2 = 13 };
#define HOLD_MS 2000
#define GRACE_MS 60000

static struct evpn_model *m;
static char logbuf[8192];
static uint64_t now_ms;
static uint32_t buf32[2048];
static uint8_t *const buf = (uint8_t *)buf32;

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t MAC_L[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t ZERO[6];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	size_t n = strlen(logbuf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
}

static const char *mac_s(const uint8_t mac[6])
{
	static char b[4][18];
	static unsigned i;

	return vx_mac_str(mac, b[i++ % 4], 18);
}

static const char *ip_s(const struct vx_ip *ip)
{
	static char b[4][VX_IP_STRLEN];
	static unsigned i;

	return vx_ip_str(ip, b[i++ % 4], VX_IP_STRLEN);
}

static void vteps_s(const struct vx_ip *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		logf_("%s%s", i ? "," : "", ip_s(&v[i]));
}

static void on_mac_set(void *arg, uint32_t vni, const uint8_t mac[6], const struct vx_ip *vteps,
		       unsigned n, uint32_t nhg)
{
	(void)arg;
	logf_("mac_set %u %s ", vni, mac_s(mac));
	vteps_s(vteps, n);
	logf_(nhg ? " nhg=%u;" : ";", nhg);
}

static void on_mac_del(void *arg, uint32_t vni, const uint8_t mac[6])
{
	(void)arg;
	logf_("mac_del %u %s;", vni, mac_s(mac));
}

static void on_flood(void *arg, uint32_t vni, const struct vx_ip *vteps, unsigned n)
{
	(void)arg;
	logf_("flood %u [", vni);
	vteps_s(vteps, n);
	logf_("];");
}

static void on_sup_set(void *arg, uint32_t vni, const struct vx_ip *ip, const uint8_t mac[6])
{
	(void)arg;
	logf_("sup_set %u %s %s;", vni, ip_s(ip), mac_s(mac));
}

static void on_sup_del(void *arg, uint32_t vni, const struct vx_ip *ip)
{
	(void)arg;
	logf_("sup_del %u %s;", vni, ip_s(ip));
}

static void on_dup(void *arg, uint32_t vni, const uint8_t mac[6])
{
	(void)arg;
	logf_("dup %u %s;", vni, mac_s(mac));
}

static int on_fdb(void *arg, int port, const uint8_t mac[6], bool add)
{
	(void)arg;
	logf_("fdb %s %d %s;", add ? "add" : "del", port, mac_s(mac));
	return 0;
}

static int on_neigh(void *arg, int br, const struct vx_ip *ip, const uint8_t mac[6], bool add)
{
	(void)arg;
	if (add)
		logf_("neigh add %d %s %s;", br, ip_s(ip), mac_s(mac));
	else
		logf_("neigh del %d %s;", br, ip_s(ip));
	return 0;
}

static const struct evpn_ops ops = {
	.remote_mac_set = on_mac_set, .remote_mac_del = on_mac_del, .flood_set = on_flood,
	.suppress_set = on_sup_set, .suppress_del = on_sup_del, .mac_dup = on_dup,
};
static const struct evpn_shadow_ops shadow = { .fdb = on_fdb, .neigh = on_neigh };

/** The log since the last call, then cleared. */
static const char *take(void)
{
	static char out[sizeof(logbuf)];

	strcpy(out, logbuf);
	logbuf[0] = '\0';
	return out;
}

#define EXPECT(s) CU_ASSERT_STRING_EQUAL(take(), s)

static uint64_t ns(void) { return now_ms * 1000000ull; }
static void at(uint64_t ms)
{
	now_ms = ms;
	evpn_model_poll(m, ns());
}

static struct vx_ip ip(const char *s)
{
	struct vx_ip a;

	CU_ASSERT_FATAL(vx_ip_parse(s, &a) == 0);
	return a;
}

/* ---- message builders ---- */

static struct nlmsghdr *hdr(uint16_t type)
{
	struct nlmsghdr *nlh;

	memset(buf32, 0, sizeof(buf32));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	return nlh;
}

/** Decode what was built and feed it; returns evpn_model_input()'s value. */
static int feed(struct nlmsghdr *nlh)
{
	struct nl_msg msg;

	nl_decode(buf, nlh->nlmsg_len, &msg);
	return evpn_model_input(m, &msg, ns());
}

static int link_msg(bool del, int ifindex, const char *name, const char *kind, uint32_t vni,
		    int master)
{
	struct nlmsghdr *nlh = hdr(del ? RTM_DELLINK : RTM_NEWLINK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *li, *data;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (vni) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vni);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, li);
	return feed(nlh);
}

static struct nlmsghdr *ndmsg(bool del, uint8_t family, int ifindex, uint16_t state,
			      uint8_t flags)
{
	struct nlmsghdr *nlh = hdr(del ? RTM_DELNEIGH : RTM_NEWNEIGH);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = flags;
	return nlh;
}

/** The bridge's entry for mac on port (the vxlan device or a stand-in). */
static int fdb_master(bool del, int port, const uint8_t mac[6], bool ext)
{
	struct nlmsghdr *nlh = ndmsg(del, AF_BRIDGE, port, NUD_REACHABLE,
				     ext ? NTF_EXT_LEARNED : 0);

	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put_u32(nlh, NDA_MASTER, BR);
	return feed(nlh);
}

/** The vxlan device's own entry: dst (or "" and an nexthop id). */
static int fdb_self(bool del, const uint8_t mac[6], const char *dst, uint32_t nh)
{
	bool zero = memcmp(mac, ZERO, 6) == 0;
	struct nlmsghdr *nlh = ndmsg(del, AF_BRIDGE, VX, zero ? NUD_NOARP | NUD_PERMANENT :
				     NUD_REACHABLE, NTF_SELF | (zero ? 0 : NTF_EXT_LEARNED));

	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	if (dst[0]) {
		struct vx_ip a = ip(dst);

		mnl_attr_put(nlh, NDA_DST, a.af == AF_INET ? 4 : 16, a.a);
	}
	if (nh)
		mnl_attr_put_u32(nlh, NDA_NH_ID, nh);
	return feed(nlh);
}

static int flood(bool del, const char *dst) { return fdb_self(del, ZERO, dst, 0); }

/** A remote MAC as zebra installs it: master entry, then self entry. */
static void remote_mac(const uint8_t mac[6], const char *vtep)
{
	CU_ASSERT(fdb_master(false, VX, mac, true) == 0);
	CU_ASSERT(fdb_self(false, mac, vtep, 0) == 0);
}

static void remote_mac_gone(const uint8_t mac[6], const char *vtep)
{
	CU_ASSERT(fdb_master(true, VX, mac, true) == 0);
	CU_ASSERT(fdb_self(true, mac, vtep, 0) == 0);
}

static int neigh(bool del, const char *addr, const uint8_t *mac, uint16_t state, uint8_t flags)
{
	struct vx_ip a = ip(addr);
	struct nlmsghdr *nlh = ndmsg(del, a.af, BR, state, flags);

	mnl_attr_put(nlh, NDA_DST, a.af == AF_INET ? 4 : 16, a.a);
	if (mac)
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return feed(nlh);
}

static int nh_msg(bool del, uint32_t id, const char *gw, const uint32_t *members, unsigned n)
{
	struct nlmsghdr *nlh = hdr(del ? RTM_DELNEXTHOP : RTM_NEWNEXTHOP);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));

	nhm->nh_family = n ? AF_UNSPEC : (gw[0] && strchr(gw, ':') ? AF_INET6 : AF_INET);
	nhm->nh_protocol = 11; /* zebra */
	mnl_attr_put_u32(nlh, NHA_ID, id);
	if (!del) {
		mnl_attr_put(nlh, NHA_FDB, 0, NULL);
		if (n) {
			struct nexthop_grp g[8] = { { 0 } };

			for (unsigned i = 0; i < n; i++)
				g[i].id = members[i];
			mnl_attr_put(nlh, NHA_GROUP, n * sizeof(g[0]), g);
		} else {
			struct vx_ip a = ip(gw);

			mnl_attr_put(nlh, NHA_GATEWAY, a.af == AF_INET ? 4 : 16, a.a);
		}
	}
	return feed(nlh);
}

static struct evpn_model_stats stats(void)
{
	struct evpn_model_stats s;

	evpn_model_get_stats(m, &s);
	return s;
}

/* ---- fixture ---- */

/** The link messages of a dump (or of the devices' creation). */
static void dump_links(void)
{
	CU_ASSERT(link_msg(false, BR, "br100", "bridge", 0, 0) == 0);
	CU_ASSERT(link_msg(false, VX, "vxlan100", "vxlan", 100, BR) == 0);
	CU_ASSERT(link_msg(false, PORT, "ev100p0", "veth", 0, BR) == 0);
	CU_ASSERT(link_msg(false, PORT2, "ev100p1", "veth", 0, BR) == 0);
}

static void setup(void)
{
	struct evpn_model_cfg cfg;

	evpn_model_cfg_default(&cfg);
	cfg.del_hold_ms = HOLD_MS;
	cfg.grace_ms = GRACE_MS;
	cfg.dup_moves = 3;
	cfg.dup_window_ms = 10000;
	m = evpn_model_create(&cfg, &ops, NULL, &shadow, NULL);
	CU_ASSERT_FATAL(m != NULL);
	logbuf[0] = '\0';
	now_ms = 1000;
	CU_ASSERT(evpn_model_vni_add(m, 100) == 0);
	dump_links();
	evpn_model_frr_state(m, true, ns());
}

static void teardown(void)
{
	evpn_model_destroy(m);
	m = NULL;
}

#define TEST(name) static void name(void)
#define BEGIN setup()
#define END teardown()

/* ---- devices ---- */

TEST(test_devices_recognised_by_name_kind_and_vni)
{
	uint32_t vni = 0;

	BEGIN;
	CU_ASSERT(evpn_model_dev_get(m, VX, &vni) == EVPN_DEV_VXLAN && vni == 100);
	CU_ASSERT(evpn_model_dev_get(m, BR, &vni) == EVPN_DEV_BRIDGE);
	CU_ASSERT(evpn_model_dev_get(m, PORT, &vni) == EVPN_DEV_PORT);
	CU_ASSERT(evpn_model_vni_dev(m, 100, EVPN_DEV_VXLAN) == VX);
	/* wrong VNI in the device, untracked VNI, leading zero: not ours */
	CU_ASSERT(link_msg(false, 20, "vxlan100", "vxlan", 200, 0) == 1);
	CU_ASSERT(link_msg(false, 21, "br200", "bridge", 0, 0) == 1);
	CU_ASSERT(link_msg(false, 22, "br0100", "bridge", 0, 0) == 1);
	CU_ASSERT(evpn_model_dev_get(m, 20, NULL) == EVPN_DEV_NONE);
	/* a port leaving the bridge is forgotten */
	CU_ASSERT(link_msg(false, PORT2, "ev100p1", "veth", 0, 0) == 0);
	CU_ASSERT(evpn_model_dev_get(m, PORT2, NULL) == EVPN_DEV_NONE);
	EXPECT("");
	END;
}

TEST(test_device_registered_by_the_edge_survives_stale_link_events)
{
	BEGIN;
	CU_ASSERT(evpn_model_dev_set(m, 30, 100, EVPN_DEV_PORT, ns()) == 0);
	CU_ASSERT(evpn_model_local_mac(m, 100, 30, MAC_L, true, ns()) == 0);
	/* the kernel's first event for a new veth comes before it is enslaved */
	CU_ASSERT(link_msg(false, 30, "ev100p5", "veth", 0, 0) == 0);
	CU_ASSERT(evpn_model_dev_get(m, 30, NULL) == EVPN_DEV_PORT);
	CU_ASSERT(fdb_master(false, 30, MAC_L, true) == 0);
	EXPECT("fdb add 30 02:00:00:00:01:01;");
	/* only its deletion counts */
	CU_ASSERT(link_msg(true, 30, "ev100p5", "veth", 0, BR) == 0);
	CU_ASSERT(evpn_model_dev_get(m, 30, NULL) == EVPN_DEV_NONE);
	END;
}

/* ---- remote MACs ---- */

TEST(test_remote_mac_needs_master_and_self_entries)
{
	BEGIN;
	CU_ASSERT(fdb_master(false, VX, MAC_A, true) == 0);
	EXPECT("");
	CU_ASSERT(fdb_self(false, MAC_A, "10.0.0.2", 0) == 0);
	EXPECT("mac_set 100 02:00:00:00:02:01 10.0.0.2;");
	/* a refresh reports nothing */
	remote_mac(MAC_A, "10.0.0.2");
	EXPECT("");
	END;
}

TEST(test_self_entry_alone_is_not_a_remote_mac)
{
	BEGIN;
	CU_ASSERT(fdb_self(false, MAC_A, "10.0.0.2", 0) == 0);
	EXPECT("");
	END;
}

TEST(test_remote_mac_moves_between_vteps)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(fdb_self(false, MAC_A, "10.0.0.3", 0) == 0);
	EXPECT("mac_set 100 02:00:00:00:02:01 10.0.0.2;mac_set 100 02:00:00:00:02:01 10.0.0.3;");
	END;
}

TEST(test_remote_mac_deletion_is_held_then_reported)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	take();
	remote_mac_gone(MAC_A, "10.0.0.2");
	EXPECT("");
	CU_ASSERT(evpn_model_next_due(m) == (1000ull + HOLD_MS) * 1000000ull);
	at(1000 + HOLD_MS - 1);
	EXPECT("");
	at(1000 + HOLD_MS);
	EXPECT("mac_del 100 02:00:00:00:02:01;");
	CU_ASSERT(evpn_model_next_due(m) == UINT64_MAX);
	END;
}

TEST(test_remote_mac_back_during_hold_reports_nothing)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	take();
	remote_mac_gone(MAC_A, "10.0.0.2");
	at(1500);
	remote_mac(MAC_A, "10.0.0.2");
	at(5000);
	EXPECT("");
	CU_ASSERT(stats().reconciled == 1);
	END;
}

TEST(test_ipv6_vtep)
{
	BEGIN;
	remote_mac(MAC_A, "2001:db8::2");
	EXPECT("mac_set 100 02:00:00:00:02:01 2001:db8::2;");
	END;
}

/* ---- MAC mobility ---- */

TEST(test_remote_mac_learned_locally_becomes_local_at_once)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	take();
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, true, ns()) == 0);
	/* no remote_mac_del: the dataplane's own learn replaced the entry */
	EXPECT("fdb add 12 02:00:00:00:02:01;");
	CU_ASSERT(stats().mobility == 1);
	/* the kernel moves the bridge entry to the stand-in; the self entry stays */
	CU_ASSERT(fdb_master(false, PORT, MAC_A, true) == 0);
	CU_ASSERT(fdb_self(false, MAC_A, "10.0.0.2", 0) == 0);
	at(10000);
	EXPECT("");
	END;
}

TEST(test_stale_self_entry_after_move_back_to_local_is_ignored)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, true, ns()) == 0);
	CU_ASSERT(fdb_master(false, PORT, MAC_A, true) == 0);
	take();
	/* the VM leaves: local entry removed, FRR's stale self entry remains */
	at(3000);
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, false, ns()) == 0);
	EXPECT("fdb del 12 02:00:00:00:02:01;");
	CU_ASSERT(fdb_master(true, PORT, MAC_A, true) == 0);
	CU_ASSERT(fdb_self(false, MAC_A, "10.0.0.2", 0) == 0);
	at(20000);
	EXPECT("");
	END;
}

TEST(test_remote_install_after_takeover_wins)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, true, ns()) == 0);
	CU_ASSERT(fdb_master(false, PORT, MAC_A, true) == 0);
	take();
	/* FRR got a higher sequence from 10.0.0.3 and reinstalls it remote */
	at(2000);
	remote_mac(MAC_A, "10.0.0.3");
	/* between the bridge entry and the vxlan entry that follows it, the stale
	 * self entry's VTEP is all there is (the kernel sends no self event when
	 * zebra re-installs the same VTEP, so it cannot be ignored) */
	EXPECT("mac_set 100 02:00:00:00:02:01 10.0.0.2;mac_set 100 02:00:00:00:02:01 10.0.0.3;");
	CU_ASSERT(stats().remote_wins == 1);
	/* the dataplane drops its local entry: nothing left to remove */
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, false, ns()) == 0);
	EXPECT("");
	END;
}

TEST(test_remote_entry_seen_before_takeover_reflection_is_ignored)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, true, ns()) == 0);
	take();
	/* an event queued before our replace (e.g. a dump) */
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(fdb_master(false, PORT, MAC_A, true) == 0);
	EXPECT("");
	END;
}

TEST(test_mac_moving_too_often_is_reported_duplicate)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");                          /* remote */
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, true, ns()) == 0); /* move 1 */
	CU_ASSERT(fdb_master(false, PORT, MAC_A, true) == 0);
	at(3000);
	remote_mac(MAC_A, "10.0.0.2");                          /* move 2 */
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_A, true, ns()) == 0); /* move 3 */
	CU_ASSERT(strstr(take(), "dup 100 02:00:00:00:02:01;") != NULL);
	CU_ASSERT(stats().dup == 1);
	END;
}

/* ---- local state ---- */

TEST(test_local_mac_programs_the_shadow_once)
{
	BEGIN;
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_L, true, ns()) == 0);
	EXPECT("fdb add 12 02:00:00:00:01:01;");
	CU_ASSERT(fdb_master(false, PORT, MAC_L, true) == 0);
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_L, true, ns()) == 0);
	EXPECT("");
	/* moved to another port */
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT2, MAC_L, true, ns()) == 0);
	EXPECT("fdb add 13 02:00:00:00:01:01;");
	CU_ASSERT(fdb_master(false, PORT2, MAC_L, true) == 0);
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT2, MAC_L, false, ns()) == 0);
	EXPECT("fdb del 13 02:00:00:00:01:01;");
	END;
}

TEST(test_local_mac_rejects_bad_input)
{
	const uint8_t mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };

	BEGIN;
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, mcast, true, ns()) == -EINVAL);
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, ZERO, true, ns()) == -EINVAL);
	CU_ASSERT(evpn_model_local_mac(m, 100, VX, MAC_L, true, ns()) == -ENOENT);
	CU_ASSERT(evpn_model_local_mac(m, 200, PORT, MAC_L, true, ns()) == -ENOENT);
	EXPECT("");
	END;
}

TEST(test_local_neigh_programs_a_permanent_neighbour)
{
	struct vx_ip a = ip("192.168.100.11");

	BEGIN;
	CU_ASSERT(evpn_model_local_neigh(m, 100, &a, MAC_L, true, ns()) == 0);
	EXPECT("neigh add 11 192.168.100.11 02:00:00:00:01:01;");
	CU_ASSERT(neigh(false, "192.168.100.11", MAC_L, NUD_PERMANENT, 0) == 0);
	CU_ASSERT(evpn_model_local_neigh(m, 100, &a, MAC_L, true, ns()) == 0);
	EXPECT("");
	CU_ASSERT(evpn_model_local_neigh(m, 100, &a, NULL, false, ns()) == 0);
	EXPECT("neigh del 11 192.168.100.11;");
	END;
}

/* ---- MAC/IP (suppression) ---- */

TEST(test_remote_mac_ip_failed_then_deleted)
{
	BEGIN;
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	CU_ASSERT(neigh(false, "2001:db8:100::21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	EXPECT("sup_set 100 192.168.100.21 02:00:00:00:02:01;"
	       "sup_set 100 2001:db8:100::21 02:00:00:00:02:01;");
	CU_ASSERT(neigh(false, "192.168.100.21", NULL, NUD_FAILED, NTF_EXT_LEARNED) == 0);
	CU_ASSERT(neigh(true, "192.168.100.21", NULL, NUD_FAILED, NTF_EXT_LEARNED) == 0);
	EXPECT("");
	at(1000 + HOLD_MS);
	EXPECT("sup_del 100 192.168.100.21;");
	END;
}

TEST(test_remote_mac_ip_taken_over_locally_is_not_reported_deleted)
{
	struct vx_ip a = ip("192.168.100.21");

	BEGIN;
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	take();
	CU_ASSERT(evpn_model_local_neigh(m, 100, &a, MAC_L, true, ns()) == 0);
	EXPECT("neigh add 11 192.168.100.21 02:00:00:00:01:01;");
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_L, NUD_PERMANENT, 0) == 0);
	at(10000);
	EXPECT("");
	CU_ASSERT(stats().mobility == 1);
	/* FRR later installs it remote again (a newer sequence elsewhere) */
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_B, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	EXPECT("sup_set 100 192.168.100.21 02:00:00:00:02:02;");
	END;
}

TEST(test_resync_puts_back_a_lost_local_neighbour)
{
	struct vx_ip a = ip("192.168.100.11");
	char *log;

	BEGIN;
	CU_ASSERT(evpn_model_local_neigh(m, 100, &a, MAC_L, true, ns()) == 0);
	CU_ASSERT(neigh(false, "192.168.100.11", MAC_L, NUD_PERMANENT, 0) == 0);
	take();
	at(5000);
	evpn_model_resync_begin(m);
	dump_links();
	/* the dump has a permanent one we no longer want, not ours */
	CU_ASSERT(neigh(false, "192.168.100.12", MAC_L, NUD_PERMANENT, 0) == 0);
	evpn_model_resync_end(m, ns());
	log = strdup(take());
	CU_ASSERT(strstr(log, "neigh add 11 192.168.100.11 02:00:00:00:01:01;") != NULL);
	CU_ASSERT(strstr(log, "neigh del 11 192.168.100.12;") != NULL);
	CU_ASSERT(strlen(log) == strlen("neigh add 11 192.168.100.11 02:00:00:00:01:01;"
					"neigh del 11 192.168.100.12;"));
	free(log);
	END;
}

TEST(test_kernel_own_neighbours_are_ignored)
{
	BEGIN;
	CU_ASSERT(neigh(false, "192.168.100.30", MAC_A, NUD_REACHABLE, 0) == 1);
	EXPECT("");
	END;
}

/* ---- flood lists ---- */

TEST(test_flood_list_add_and_delete)
{
	BEGIN;
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	CU_ASSERT(flood(false, "10.0.0.3") == 0);
	EXPECT("flood 100 [10.0.0.2];flood 100 [10.0.0.2,10.0.0.3];");
	CU_ASSERT(flood(false, "10.0.0.3") == 0);
	CU_ASSERT(flood(true, "10.0.0.2") == 0);
	EXPECT("");
	at(1000 + HOLD_MS);
	EXPECT("flood 100 [10.0.0.3];");
	END;
}

/* ---- fdb nexthop groups (remote multihoming) ---- */

static void group_setup(void)
{
	const uint32_t both[] = { 1, 2 };

	CU_ASSERT(nh_msg(false, 1, "10.0.0.2", NULL, 0) == 0);
	CU_ASSERT(nh_msg(false, 2, "10.0.0.3", NULL, 0) == 0);
	CU_ASSERT(nh_msg(false, 10, "", both, 2) == 0);
	CU_ASSERT(fdb_master(false, VX, MAC_A, true) == 0);
	CU_ASSERT(fdb_self(false, MAC_A, "", 10) == 0);
	CU_ASSERT(fdb_master(false, VX, MAC_B, true) == 0);
	CU_ASSERT(fdb_self(false, MAC_B, "", 10) == 0);
}

TEST(test_group_spreads_mac_over_its_vteps)
{
	BEGIN;
	group_setup();
	EXPECT("mac_set 100 02:00:00:00:02:01 10.0.0.2,10.0.0.3 nhg=10;"
	       "mac_set 100 02:00:00:00:02:02 10.0.0.2,10.0.0.3 nhg=10;");
	END;
}

TEST(test_group_shrinking_in_one_message_is_a_mass_withdraw)
{
	const uint32_t one[] = { 1 };
	char *log;

	BEGIN;
	group_setup();
	take();
	CU_ASSERT(nh_msg(false, 10, "", one, 1) == 0);
	log = strdup(take());
	CU_ASSERT(strstr(log, "mac_set 100 02:00:00:00:02:01 10.0.0.2 nhg=10;") != NULL);
	CU_ASSERT(strstr(log, "mac_set 100 02:00:00:00:02:02 10.0.0.2 nhg=10;") != NULL);
	CU_ASSERT(strlen(log) == 2 * strlen("mac_set 100 02:00:00:00:02:01 10.0.0.2 nhg=10;"));
	free(log);
	/* then the member goes: nothing more to do */
	CU_ASSERT(nh_msg(true, 2, "", NULL, 0) == 0);
	at(10000);
	EXPECT("");
	END;
}

TEST(test_group_deleted_drops_its_macs)
{
	char *log;

	BEGIN;
	group_setup();
	take();
	CU_ASSERT(nh_msg(true, 10, "", NULL, 0) == 0);
	EXPECT("");
	CU_ASSERT(stats().group_drops == 2);
	at(1000 + HOLD_MS);
	log = strdup(take());
	CU_ASSERT(strstr(log, "mac_del 100 02:00:00:00:02:01;") != NULL);
	CU_ASSERT(strstr(log, "mac_del 100 02:00:00:00:02:02;") != NULL);
	free(log);
	END;
}

TEST(test_group_reinstalled_with_its_macs)
{
	const uint32_t both[] = { 1, 2 };

	BEGIN;
	group_setup();
	take();
	CU_ASSERT(nh_msg(true, 10, "", NULL, 0) == 0);
	/* zebra puts group and MACs back, same ids: nothing changes */
	CU_ASSERT(nh_msg(false, 10, "", both, 2) == 0);
	CU_ASSERT(fdb_self(false, MAC_A, "", 10) == 0);
	CU_ASSERT(fdb_self(false, MAC_B, "", 10) == 0);
	at(10000);
	EXPECT("");
	CU_ASSERT(stats().reconciled == 2);
	END;
}

TEST(test_member_vtep_change_updates_group_macs)
{
	BEGIN;
	group_setup();
	take();
	CU_ASSERT(nh_msg(false, 2, "10.0.0.7", NULL, 0) == 0);
	CU_ASSERT(strstr(take(), "mac_set 100 02:00:00:00:02:01 10.0.0.2,10.0.0.7 nhg=10;") != NULL);
	/* the same message again changes nothing */
	CU_ASSERT(nh_msg(false, 2, "10.0.0.7", NULL, 0) == 0);
	EXPECT("");
	END;
}

TEST(test_mac_waits_for_its_group)
{
	const uint32_t one[] = { 1 };

	BEGIN;
	CU_ASSERT(fdb_master(false, VX, MAC_A, true) == 0);
	CU_ASSERT(fdb_self(false, MAC_A, "", 10) == 0);
	CU_ASSERT(nh_msg(false, 10, "", one, 1) == 0);
	EXPECT("");
	CU_ASSERT(nh_msg(false, 1, "10.0.0.2", NULL, 0) == 0);
	EXPECT("mac_set 100 02:00:00:00:02:01 10.0.0.2 nhg=10;");
	END;
}

/* ---- FRR restart ---- */

TEST(test_frr_restart_holds_deletions_for_the_grace_period)
{
	uint64_t left;

	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	remote_mac(MAC_B, "10.0.0.2");
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	take();
	/* zebra exits: it deletes every remote entry, then the process ends */
	at(5000);
	remote_mac_gone(MAC_A, "10.0.0.2");
	remote_mac_gone(MAC_B, "10.0.0.2");
	CU_ASSERT(flood(true, "10.0.0.2") == 0);
	CU_ASSERT(neigh(true, "192.168.100.21", NULL, NUD_FAILED, NTF_EXT_LEARNED) == 0);
	at(6400);
	evpn_model_frr_state(m, false, ns());
	CU_ASSERT(evpn_model_frr(m, ns(), &left) == EVPN_FRR_GRACE);
	CU_ASSERT(left == GRACE_MS * 1000000ull);
	at(7000);
	at(30000);
	EXPECT("");
	/* it comes back and reinstalls what the peers still advertise */
	evpn_model_frr_state(m, true, ns());
	at(40000);
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	EXPECT("");
	CU_ASSERT(stats().reconciled == 3);
	at(6400 + GRACE_MS - 1);
	EXPECT("");
	CU_ASSERT(evpn_model_frr(m, ns(), NULL) == EVPN_FRR_GRACE);
	/* what did not come back goes when the grace period ends */
	at(6400 + GRACE_MS);
	EXPECT("mac_del 100 02:00:00:00:02:02;");
	CU_ASSERT(stats().expired_in_grace == 1);
	CU_ASSERT(evpn_model_frr(m, ns(), NULL) == EVPN_FRR_UP);
	END;
}

TEST(test_deletions_during_grace_wait_for_its_end)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	take();
	evpn_model_frr_state(m, false, ns());
	at(2000);
	remote_mac_gone(MAC_A, "10.0.0.2");
	at(2000 + HOLD_MS);
	EXPECT("");
	at(1000 + GRACE_MS);
	EXPECT("mac_del 100 02:00:00:00:02:01;");
	END;
}

TEST(test_frr_never_up_means_no_grace)
{
	BEGIN;
	evpn_model_frr_state(m, false, ns());
	evpn_model_frr_state(m, false, ns());
	CU_ASSERT(evpn_model_frr(m, ns(), NULL) == EVPN_FRR_GRACE);
	teardown();
	m = evpn_model_create(NULL, &ops, NULL, &shadow, NULL);
	CU_ASSERT(evpn_model_frr(m, 0, NULL) == EVPN_FRR_UNKNOWN);
	evpn_model_frr_state(m, false, 0);
	CU_ASSERT(evpn_model_frr(m, 0, NULL) == EVPN_FRR_DOWN);
	END;
}

/* ---- resync after ENOBUFS ---- */

TEST(test_resync_sweeps_what_the_dump_lacks_and_repairs_the_shadow)
{
	const uint8_t MAC_Z[6] = { 0x02, 0, 0, 0, 0x01, 0x09 };
	char *log;

	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	remote_mac(MAC_B, "10.0.0.2");
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	CU_ASSERT(flood(false, "10.0.0.3") == 0);
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_L, true, ns()) == 0);
	CU_ASSERT(fdb_master(false, PORT, MAC_L, true) == 0);
	take();
	/* events were lost; the re-dump shows: */
	at(4000);
	evpn_model_resync_begin(m);
	dump_links();
	remote_mac(MAC_A, "10.0.0.2");                   /* B is gone */
	CU_ASSERT(flood(false, "10.0.0.3") == 0);        /* 10.0.0.2 is gone */
	CU_ASSERT(fdb_master(false, PORT, MAC_Z, true) == 0); /* not ours any more */
	/* MAC_L lost from the shadow; the neighbour is gone */
	evpn_model_resync_end(m, ns());
	log = strdup(take());
	CU_ASSERT(strstr(log, "fdb add 12 02:00:00:00:01:01;") != NULL);
	CU_ASSERT(strstr(log, "fdb del 12 02:00:00:00:01:09;") != NULL);
	CU_ASSERT(strstr(log, "mac_") == NULL);
	free(log);
	CU_ASSERT(stats().shadow_repairs == 2);
	at(4000 + HOLD_MS);
	log = strdup(take());
	CU_ASSERT(strstr(log, "mac_del 100 02:00:00:00:02:02;") != NULL);
	CU_ASSERT(strstr(log, "flood 100 [10.0.0.3];") != NULL);
	CU_ASSERT(strstr(log, "sup_del 100 192.168.100.21;") != NULL);
	CU_ASSERT(strstr(log, "mac_del 100 02:00:00:00:02:01") == NULL);
	free(log);
	END;
}

TEST(test_resync_drops_devices_that_are_gone)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	take();
	evpn_model_resync_begin(m);
	CU_ASSERT(link_msg(false, BR, "br100", "bridge", 0, 0) == 0);
	evpn_model_resync_end(m, ns());
	CU_ASSERT(evpn_model_dev_get(m, VX, NULL) == EVPN_DEV_NONE);
	CU_ASSERT(evpn_model_dev_get(m, BR, NULL) == EVPN_DEV_BRIDGE);
	at(1000 + HOLD_MS);
	EXPECT("mac_del 100 02:00:00:00:02:01;");
	END;
}

/* ---- devices and VNIs going away ---- */

TEST(test_vxlan_device_deleted_withdraws_after_hold)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	take();
	CU_ASSERT(link_msg(true, VX, "vxlan100", "vxlan", 100, BR) == 0);
	EXPECT("");
	at(1000 + HOLD_MS);
	EXPECT("mac_del 100 02:00:00:00:02:01;flood 100 [];");
	END;
}

TEST(test_vni_del_reports_everything_at_once)
{
	BEGIN;
	remote_mac(MAC_A, "10.0.0.2");
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	CU_ASSERT(neigh(false, "192.168.100.21", MAC_A, NUD_NOARP, NTF_EXT_LEARNED) == 0);
	take();
	CU_ASSERT(evpn_model_vni_del(m, 100) == 0);
	EXPECT("mac_del 100 02:00:00:00:02:01;flood 100 [];sup_del 100 192.168.100.21;");
	CU_ASSERT(evpn_model_dev_get(m, VX, NULL) == EVPN_DEV_NONE);
	CU_ASSERT(evpn_model_vni_del(m, 100) == -ENOENT);
	CU_ASSERT(fdb_master(false, VX, MAC_A, true) == 1);
	END;
}

/* ---- bad input ---- */

TEST(test_malformed_and_unexpected_messages_are_counted)
{
	struct nlmsghdr *nlh;
	struct nl_msg msg;

	BEGIN;
	/* a neighbour whose attribute overruns the message */
	nlh = ndmsg(false, AF_BRIDGE, VX, NUD_REACHABLE, NTF_SELF);
	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC_A);
	((struct nlattr *)((uint8_t *)nlh + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ndmsg))))
		->nla_len = 200;
	CU_ASSERT(feed(nlh) == -EBADMSG);
	/* a vxlan entry neither master nor self, and one without a MAC */
	nlh = ndmsg(false, AF_BRIDGE, VX, NUD_REACHABLE, 0);
	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC_A);
	CU_ASSERT(feed(nlh) < 0);
	nlh = ndmsg(false, AF_BRIDGE, VX, NUD_REACHABLE, NTF_SELF);
	CU_ASSERT(feed(nlh) < 0);
	/* a flood entry without a destination; an fdb nexthop without gateway */
	CU_ASSERT(flood(false, "") < 0);
	nlh = hdr(RTM_NEWNEXTHOP);
	((struct nhmsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct nhmsg)))->nh_family =
		AF_INET;
	mnl_attr_put_u32(nlh, NHA_ID, 7);
	mnl_attr_put(nlh, NHA_FDB, 0, NULL);
	CU_ASSERT(feed(nlh) < 0);
	/* an unknown device: ignored */
	nlh = ndmsg(false, AF_BRIDGE, 99, NUD_REACHABLE, NTF_SELF);
	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC_A);
	CU_ASSERT(feed(nlh) == 1);
	/* acks and done: ignored */
	memset(&msg, 0, sizeof(msg));
	msg.kind = NL_DONE;
	CU_ASSERT(evpn_model_input(m, &msg, ns()) == 1);
	CU_ASSERT(stats().malformed == 1);
	CU_ASSERT(stats().unexpected == 4);
	EXPECT("");
	END;
}

/* ---- show ---- */

static int count_mac(void *arg, const struct evpn_mac_view *v)
{
	unsigned *c = arg;

	c[v->origin == EVPN_LOCAL ? 0 : 1]++;
	if (v->origin == EVPN_REMOTE)
		c[2] += v->n_vteps + (v->held ? 100 : 0);
	return 0;
}

static int get_vni(void *arg, const struct evpn_vni_view *v)
{
	*(struct evpn_vni_view *)arg = *v;
	((struct evpn_vni_view *)arg)->flood = NULL;
	return 0;
}

TEST(test_show_walks_macs_and_vnis)
{
	unsigned c[3] = { 0 };
	struct evpn_vni_view vv;

	BEGIN;
	group_setup();
	remote_mac(MAC_L, "10.0.0.9");
	CU_ASSERT(flood(false, "10.0.0.2") == 0);
	CU_ASSERT(evpn_model_local_mac(m, 100, PORT, MAC_L, true, ns()) == 0);
	remote_mac_gone(MAC_B, "");
	evpn_model_walk_macs(m, 0, count_mac, c);
	CU_ASSERT(c[0] == 1 && c[1] == 2 && c[2] == 4 + 100);
	evpn_model_walk_vnis(m, get_vni, &vv);
	CU_ASSERT(vv.vni == 100 && vv.local_macs == 1 && vv.remote_macs == 2 && vv.n_flood == 1 &&
		  vv.held == 1 && vv.vxlan_ifindex == VX && vv.n_ports == 2);
	END;
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("evpn_model", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_devices_recognised_by_name_kind_and_vni);
	CU_ADD(s, test_device_registered_by_the_edge_survives_stale_link_events);
	CU_ADD(s, test_remote_mac_needs_master_and_self_entries);
	CU_ADD(s, test_self_entry_alone_is_not_a_remote_mac);
	CU_ADD(s, test_remote_mac_moves_between_vteps);
	CU_ADD(s, test_remote_mac_deletion_is_held_then_reported);
	CU_ADD(s, test_remote_mac_back_during_hold_reports_nothing);
	CU_ADD(s, test_ipv6_vtep);
	CU_ADD(s, test_remote_mac_learned_locally_becomes_local_at_once);
	CU_ADD(s, test_stale_self_entry_after_move_back_to_local_is_ignored);
	CU_ADD(s, test_remote_install_after_takeover_wins);
	CU_ADD(s, test_remote_entry_seen_before_takeover_reflection_is_ignored);
	CU_ADD(s, test_mac_moving_too_often_is_reported_duplicate);
	CU_ADD(s, test_local_mac_programs_the_shadow_once);
	CU_ADD(s, test_local_mac_rejects_bad_input);
	CU_ADD(s, test_local_neigh_programs_a_permanent_neighbour);
	CU_ADD(s, test_remote_mac_ip_failed_then_deleted);
	CU_ADD(s, test_remote_mac_ip_taken_over_locally_is_not_reported_deleted);
	CU_ADD(s, test_resync_puts_back_a_lost_local_neighbour);
	CU_ADD(s, test_kernel_own_neighbours_are_ignored);
	CU_ADD(s, test_flood_list_add_and_delete);
	CU_ADD(s, test_group_spreads_mac_over_its_vteps);
	CU_ADD(s, test_group_shrinking_in_one_message_is_a_mass_withdraw);
	CU_ADD(s, test_group_deleted_drops_its_macs);
	CU_ADD(s, test_group_reinstalled_with_its_macs);
	CU_ADD(s, test_member_vtep_change_updates_group_macs);
	CU_ADD(s, test_mac_waits_for_its_group);
	CU_ADD(s, test_frr_restart_holds_deletions_for_the_grace_period);
	CU_ADD(s, test_deletions_during_grace_wait_for_its_end);
	CU_ADD(s, test_frr_never_up_means_no_grace);
	CU_ADD(s, test_resync_sweeps_what_the_dump_lacks_and_repairs_the_shadow);
	CU_ADD(s, test_resync_drops_devices_that_are_gone);
	CU_ADD(s, test_vxlan_device_deleted_withdraws_after_hold);
	CU_ADD(s, test_vni_del_reports_everything_at_once);
	CU_ADD(s, test_malformed_and_unexpected_messages_are_counted);
	CU_ADD(s, test_show_walks_macs_and_vnis);
	return CUE_SUCCESS;
}
