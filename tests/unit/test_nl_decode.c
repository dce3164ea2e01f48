/* Tests for dataplane/nl_decode: rtnetlink messages built with libmnl, decoded
 * into nl_msg; malformed input is reported, never read past; request builders. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "cu_main.h"
#include "nl_decode.h"

static uint32_t buf32[1024]; /* 4 KiB, netlink-aligned */
static uint8_t *const buf = (uint8_t *)buf32;
static struct nl_msg m;

static const uint8_t MAC1[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x0a };

static struct vx_ip ip(const char *s)
{
	struct vx_ip a;

	CU_ASSERT_FATAL(vx_ip_parse(s, &a) == 0);
	return a;
}

static bool ip_is(const struct vx_ip *a, const char *s)
{
	struct vx_ip b = ip(s);

	return vx_ip_eq(a, &b);
}

static struct nlmsghdr *hdr(void *at, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	return nlh;
}

static struct nlmsghdr *link_msg(void *at, uint16_t type, int ifindex, unsigned flags)
{
	struct nlmsghdr *nlh = hdr(at, type, 1);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	return nlh;
}

static struct nlmsghdr *route_msg(void *at, uint16_t type, uint8_t family, uint8_t dst_len)
{
	struct nlmsghdr *nlh = hdr(at, type, 2);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_protocol = RTPROT_BOOT;
	return nlh;
}

static struct nlmsghdr *neigh_msg(void *at, uint16_t type, uint8_t family, int ifindex,
				  uint16_t state, uint8_t flags)
{
	struct nlmsghdr *nlh = hdr(at, type, 3);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = flags;
	return nlh;
}

static struct nlmsghdr *nh_msg(void *at, uint16_t type, uint8_t family, uint32_t id)
{
	struct nlmsghdr *nlh = hdr(at, type, 4);
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));

	nhm->nh_family = family;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	return nlh;
}

static void put_ip(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	struct vx_ip a = ip(s);

	mnl_attr_put(nlh, type, a.af == AF_INET ? 4 : 16, a.a);
}

static enum nl_kind decode(const struct nlmsghdr *nlh)
{
	return nl_decode(nlh, nlh->nlmsg_len, &m);
}

/* ---- links ---- */

static void test_link_up_with_carrier_and_mac(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP | IFF_LOWER_UP | IFF_RUNNING);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "uplink0");
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, MAC1);
	mnl_attr_put_u32(nlh, IFLA_MTU, 9000);
	mnl_attr_put_u8(nlh, IFLA_CARRIER, 1);
	mnl_attr_put_u32(nlh, IFLA_MASTER, 3);
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT_EQUAL(m.type, RTM_NEWLINK);
	CU_ASSERT_EQUAL(m.seq, 1);
	CU_ASSERT_EQUAL(m.link.ifindex, 7);
	CU_ASSERT_STRING_EQUAL(m.link.name, "uplink0");
	CU_ASSERT(m.link.has_mac && memcmp(m.link.mac, MAC1, 6) == 0);
	CU_ASSERT(m.link.admin_up && m.link.lower_up);
	CU_ASSERT(m.link.carrier_known && m.link.carrier);
	CU_ASSERT_EQUAL(m.link.mtu, 9000);
	CU_ASSERT_EQUAL(m.link.master, 3);
	CU_ASSERT_FALSE(m.link.deleted);
	CU_ASSERT_PTR_NULL(m.why);
}

static void test_link_down_without_carrier_and_deleted(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 8, 0);

	mnl_attr_put_u8(nlh, IFLA_CARRIER, 0);
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT_FALSE(m.link.admin_up || m.link.lower_up);
	CU_ASSERT(m.link.carrier_known && !m.link.carrier);
	CU_ASSERT_FALSE(m.link.has_mac);
	CU_ASSERT_STRING_EQUAL(m.link.name, "");

	nlh = link_msg(buf, RTM_DELLINK, 8, IFF_UP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "veth9");
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT(m.link.deleted);
	CU_ASSERT_FALSE(m.link.carrier_known);
}

static void test_link_reports_vxlan_kind_and_vni(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 9, IFF_UP);
	struct nlattr *li, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vxlan100");
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, 100);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT_STRING_EQUAL(m.link.kind, "vxlan");
	CU_ASSERT(m.link.has_vni);
	CU_ASSERT_EQUAL(m.link.vni, 100);
}

static void test_link_tunnel_address_is_no_mac(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 10, IFF_UP);
	uint8_t v4[4] = { 192, 0, 2, 1 };

	mnl_attr_put(nlh, IFLA_ADDRESS, 4, v4);
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT_FALSE(m.link.has_mac);
}

static void test_link_bridge_port_info_is_ignored(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 7, 0);

	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family = AF_BRIDGE;
	CU_ASSERT_EQUAL(decode(nlh), NL_NONE);
	CU_ASSERT_FALSE(m.link.deleted);
}

/* ---- routes ---- */

static void test_route_v4_with_gateway(void)
{
	struct nlmsghdr *nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, 24);

	put_ip(nlh, RTA_DST, "198.51.100.0");
	put_ip(nlh, RTA_GATEWAY, "192.0.2.254");
	put_ip(nlh, RTA_PREFSRC, "192.0.2.10");
	mnl_attr_put_u32(nlh, RTA_OIF, 4);
	mnl_attr_put_u32(nlh, RTA_TABLE, 254);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 20);
	CU_ASSERT_EQUAL(decode(nlh), NL_ROUTE);
	CU_ASSERT_EQUAL(m.route.family, AF_INET);
	CU_ASSERT(ip_is(&m.route.dst, "198.51.100.0"));
	CU_ASSERT_EQUAL(m.route.dst_len, 24);
	CU_ASSERT(ip_is(&m.route.gw, "192.0.2.254"));
	CU_ASSERT(ip_is(&m.route.prefsrc, "192.0.2.10"));
	CU_ASSERT_EQUAL(m.route.oif, 4);
	CU_ASSERT_EQUAL(m.route.table, 254);
	CU_ASSERT_EQUAL(m.route.priority, 20);
	CU_ASSERT_EQUAL(m.route.type, RTN_UNICAST);
	CU_ASSERT_EQUAL(m.route.n_paths, 0);
	CU_ASSERT_FALSE(m.route.deleted);
}

static void test_route_v6_onlink_deleted(void)
{
	struct nlmsghdr *nlh = route_msg(buf, RTM_DELROUTE, AF_INET6, 64);

	put_ip(nlh, RTA_DST, "2001:db8:1::");
	mnl_attr_put_u32(nlh, RTA_OIF, 5);
	CU_ASSERT_EQUAL(decode(nlh), NL_ROUTE);
	CU_ASSERT(ip_is(&m.route.dst, "2001:db8:1::"));
	CU_ASSERT_FALSE(vx_ip_is_set(&m.route.gw));
	CU_ASSERT_EQUAL(m.route.oif, 5);
	CU_ASSERT(m.route.deleted);
}

static void test_route_default_has_zero_dst(void)
{
	struct nlmsghdr *nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, 0);

	put_ip(nlh, RTA_GATEWAY, "192.0.2.1");
	CU_ASSERT_EQUAL(decode(nlh), NL_ROUTE);
	CU_ASSERT(ip_is(&m.route.dst, "0.0.0.0"));
	CU_ASSERT_EQUAL(m.route.table, RT_TABLE_MAIN);
}

static void put_hop(struct nlmsghdr *nlh, int ifindex, const char *gw)
{
	struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);
	size_t start = nlh->nlmsg_len;

	memset(nh, 0, sizeof(*nh));
	nh->rtnh_ifindex = ifindex;
	nlh->nlmsg_len += sizeof(*nh);
	put_ip(nlh, RTA_GATEWAY, gw);
	nh->rtnh_len = (unsigned short)(nlh->nlmsg_len - start);
}

static void test_route_multipath_reports_first_hop(void)
{
	struct nlmsghdr *nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, 32);
	struct nlattr *mp;

	put_ip(nlh, RTA_DST, "203.0.113.7");
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	put_hop(nlh, 11, "192.0.2.1");
	put_hop(nlh, 12, "192.0.2.129");
	mnl_attr_nest_end(nlh, mp);
	mp->nla_type = RTA_MULTIPATH; /* the kernel does not flag it nested */
	CU_ASSERT_EQUAL(decode(nlh), NL_ROUTE);
	CU_ASSERT_EQUAL(m.route.n_paths, 2);
	CU_ASSERT_EQUAL(m.route.oif, 11);
	CU_ASSERT(ip_is(&m.route.gw, "192.0.2.1"));
}

static void test_route_multicast_family_is_ignored(void)
{
	struct nlmsghdr *nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IPMR, 32);

	CU_ASSERT_EQUAL(decode(nlh), NL_NONE);
}

/* ---- neighbours ---- */

static void test_neigh_v4_reachable_with_lladdr(void)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_INET, 4, NUD_REACHABLE, 0);

	put_ip(nlh, NDA_DST, "192.0.2.254");
	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC1);
	mnl_attr_put_u8(nlh, NDA_PROTOCOL, RTPROT_ZEBRA);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT_EQUAL(m.neigh.family, AF_INET);
	CU_ASSERT_EQUAL(m.neigh.ifindex, 4);
	CU_ASSERT(ip_is(&m.neigh.ip, "192.0.2.254"));
	CU_ASSERT(m.neigh.has_mac && memcmp(m.neigh.mac, MAC1, 6) == 0);
	CU_ASSERT_EQUAL(m.neigh.state, NUD_REACHABLE);
	CU_ASSERT_EQUAL(m.neigh.protocol, RTPROT_ZEBRA);
	CU_ASSERT_FALSE(m.neigh.deleted);
}

static void test_neigh_v6_deleted_without_lladdr(void)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_DELNEIGH, AF_INET6, 4, NUD_FAILED, 0);

	put_ip(nlh, NDA_DST, "2001:db8::1");
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT(ip_is(&m.neigh.ip, "2001:db8::1"));
	CU_ASSERT_FALSE(m.neigh.has_mac);
	CU_ASSERT(m.neigh.deleted);
}

static void test_fdb_self_entry_has_vtep_and_vni(void)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_BRIDGE, 20,
					 NUD_REACHABLE | NUD_NOARP, NTF_SELF | NTF_EXT_LEARNED);

	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC1);
	put_ip(nlh, NDA_DST, "198.51.100.2");
	mnl_attr_put_u32(nlh, NDA_VNI, 100);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT_EQUAL(m.neigh.family, AF_BRIDGE);
	CU_ASSERT(ip_is(&m.neigh.ip, "198.51.100.2"));
	CU_ASSERT(m.neigh.has_vni);
	CU_ASSERT_EQUAL(m.neigh.vni, 100);
	CU_ASSERT_EQUAL(m.neigh.flags, NTF_SELF | NTF_EXT_LEARNED);
	CU_ASSERT(m.neigh.has_mac);
}

/* as the bridge sends it: NDA_MASTER, never NTF_MASTER */
static void test_fdb_master_ext_learned_entry(void)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_BRIDGE, 20, NUD_REACHABLE,
					 NTF_EXT_LEARNED);

	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC1);
	mnl_attr_put_u32(nlh, NDA_MASTER, 30);
	mnl_attr_put_u16(nlh, NDA_VLAN, 10);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT_EQUAL(m.neigh.master, 30);
	CU_ASSERT_EQUAL(m.neigh.vlan, 10);
	CU_ASSERT_EQUAL(m.neigh.flags, NTF_EXT_LEARNED);
	CU_ASSERT_FALSE(vx_ip_is_set(&m.neigh.ip));
	CU_ASSERT_FALSE(m.neigh.has_vni);
}

static void test_fdb_entry_via_nexthop_group_v6_vtep(void)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_BRIDGE, 20, NUD_NOARP, NTF_SELF);

	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC1);
	mnl_attr_put_u32(nlh, NDA_NH_ID, 500);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT_EQUAL(m.neigh.nh_id, 500);

	nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_BRIDGE, 20, NUD_NOARP, NTF_SELF);
	put_ip(nlh, NDA_DST, "2001:db8::7");
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT(ip_is(&m.neigh.ip, "2001:db8::7"));
}

/* ---- nexthops ---- */

static void test_nexthop_fdb_with_gateway(void)
{
	struct nlmsghdr *nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_INET, 301);

	put_ip(nlh, NHA_GATEWAY, "198.51.100.3");
	mnl_attr_put(nlh, NHA_FDB, 0, NULL);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEXTHOP);
	CU_ASSERT_EQUAL(m.nh.id, 301);
	CU_ASSERT_EQUAL(m.nh.family, AF_INET);
	CU_ASSERT(ip_is(&m.nh.gw, "198.51.100.3"));
	CU_ASSERT(m.nh.fdb);
	CU_ASSERT_EQUAL(m.nh.n_group, 0);
	CU_ASSERT_FALSE(m.nh.deleted);
}

static void test_nexthop_group_of_two_members(void)
{
	struct nlmsghdr *nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_UNSPEC, 400);
	struct nexthop_grp g[2] = { { .id = 301, .weight = 0 }, { .id = 302, .weight = 9 } };

	mnl_attr_put(nlh, NHA_GROUP, sizeof(g), g);
	mnl_attr_put_u16(nlh, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_MPATH);
	mnl_attr_put(nlh, NHA_FDB, 0, NULL);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEXTHOP);
	CU_ASSERT_EQUAL(m.nh.id, 400);
	CU_ASSERT_EQUAL(m.nh.n_group, 2);
	CU_ASSERT_EQUAL(m.nh.group[0].id, 301);
	CU_ASSERT_EQUAL(m.nh.group[0].weight, 1);
	CU_ASSERT_EQUAL(m.nh.group[1].id, 302);
	CU_ASSERT_EQUAL(m.nh.group[1].weight, 10);
	CU_ASSERT_FALSE(m.nh.group_truncated);
	CU_ASSERT(m.nh.fdb);

	nlh = nh_msg(buf, RTM_DELNEXTHOP, AF_UNSPEC, 400);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEXTHOP);
	CU_ASSERT(m.nh.deleted);
}

static void test_nexthop_group_larger_than_storage_is_flagged(void)
{
	struct nlmsghdr *nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_UNSPEC, 401);
	struct nexthop_grp g[NL_NH_GROUP_MAX + 1];

	memset(g, 0, sizeof(g));
	for (unsigned i = 0; i < NL_NH_GROUP_MAX + 1; i++)
		g[i].id = i + 1;
	mnl_attr_put(nlh, NHA_GROUP, sizeof(g), g);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEXTHOP);
	CU_ASSERT_EQUAL(m.nh.n_group, NL_NH_GROUP_MAX);
	CU_ASSERT(m.nh.group_truncated);
}

/* ---- control messages ---- */

static void test_error_carries_errno_and_ext_ack_text(void)
{
	struct nlmsghdr *nlh = hdr(buf, NLMSG_ERROR, 42);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = -EINVAL;
	e->msg.nlmsg_len = 44;
	e->msg.nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Invalid flags");
	CU_ASSERT_EQUAL(decode(nlh), NL_ERROR);
	CU_ASSERT_EQUAL(m.error, -EINVAL);
	CU_ASSERT_EQUAL(m.seq, 42);
	CU_ASSERT_EQUAL(m.err.req_type, RTM_NEWNEIGH);
	CU_ASSERT_STRING_EQUAL(m.err.msg, "Invalid flags");
}

static void test_error_zero_is_an_ack_and_done_has_status(void)
{
	struct nlmsghdr *nlh = hdr(buf, NLMSG_ERROR, 43);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	int *st;

	e->msg.nlmsg_len = 16;
	CU_ASSERT_EQUAL(decode(nlh), NL_ERROR);
	CU_ASSERT_EQUAL(m.error, 0);

	nlh = hdr(buf, NLMSG_DONE, 44);
	st = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*st = -EINTR;
	CU_ASSERT_EQUAL(decode(nlh), NL_DONE);
	CU_ASSERT_EQUAL(m.error, -EINTR);
}

/* ---- malformed input ---- */

static void assert_malformed(const struct nlmsghdr *nlh, size_t len)
{
	CU_ASSERT_EQUAL(nl_decode(nlh, len, &m), NL_MALFORMED);
	CU_ASSERT_EQUAL(m.kind, NL_MALFORMED);
	CU_ASSERT_EQUAL(m.error, -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(m.why);
}

static bool why_is(const char *reason)
{
	return m.why != NULL && strcmp(m.why, reason) == 0;
}

static void test_malformed_message_lengths(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);

	assert_malformed(nlh, nlh->nlmsg_len - 1);  /* nlmsg_len beyond the buffer */
	assert_malformed(nlh, 15);                  /* not even a header */
	nlh->nlmsg_len = 12;                        /* below the header size */
	assert_malformed(nlh, 64);
	nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	nlh->nlmsg_len = 16 + 8;                    /* shorter than ifinfomsg */
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_INET, 1);
	nlh->nlmsg_len = 16 + 4;                    /* shorter than nhmsg */
	assert_malformed(nlh, nlh->nlmsg_len);
}

static void test_malformed_attribute_running_past_the_message(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	a->nla_len = 64;
	assert_malformed(nlh, nlh->nlmsg_len);
	a->nla_len = 2;                             /* below an attribute header */
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	nlh->nlmsg_len += 2;                        /* stray bytes after the attributes */
	assert_malformed(nlh, nlh->nlmsg_len);
}

static void test_malformed_address_sizes(void)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_INET, 4, NUD_REACHABLE, 0);
	uint8_t b[16] = { 192, 0, 2, 1, 0, 0, 0 };

	put_ip(nlh, NDA_DST, "192.0.2.1");
	mnl_attr_put(nlh, NDA_LLADDR, 5, MAC1);
	assert_malformed(nlh, nlh->nlmsg_len);
	CU_ASSERT(why_is("link-layer address of impossible size"));

	nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, NTF_SELF);
	mnl_attr_put(nlh, NDA_LLADDR, 6, MAC1);
	mnl_attr_put(nlh, NDA_DST, 7, b);
	assert_malformed(nlh, nlh->nlmsg_len);

	nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_INET6, 4, NUD_REACHABLE, 0);
	mnl_attr_put(nlh, NDA_DST, 4, b);           /* v4-sized address in a v6 message */
	assert_malformed(nlh, nlh->nlmsg_len);

	nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, NTF_SELF);
	mnl_attr_put(nlh, NDA_LLADDR, 4, b);        /* fdb entries are Ethernet only */
	assert_malformed(nlh, nlh->nlmsg_len);

	nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, 24);
	mnl_attr_put(nlh, RTA_GATEWAY, 16, b);
	assert_malformed(nlh, nlh->nlmsg_len);

	nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_UNSPEC, 5); /* a group has no gateway */
	mnl_attr_put(nlh, NHA_GATEWAY, 4, b);
	assert_malformed(nlh, nlh->nlmsg_len);
}

static void test_malformed_nexthop_group_and_ids(void)
{
	struct nlmsghdr *nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_UNSPEC, 400);
	uint8_t g[12] = { 1 };

	mnl_attr_put(nlh, NHA_GROUP, sizeof(g), g);
	assert_malformed(nlh, nlh->nlmsg_len);
	CU_ASSERT(why_is("NHA_GROUP not a whole number of members"));

	nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_UNSPEC, 0);
	assert_malformed(nlh, nlh->nlmsg_len);

	nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_INET, 9);
	mnl_attr_put(nlh, NHA_FDB, 4, g);           /* a flag with a payload */
	assert_malformed(nlh, nlh->nlmsg_len);
}

static void test_malformed_ifname(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);

	mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth0");  /* no NUL */
	assert_malformed(nlh, nlh->nlmsg_len);
	CU_ASSERT(why_is("name not NUL-terminated"));
	CU_ASSERT_STRING_EQUAL(m.link.name, "");

	nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "sixteen-chars-xx");
	assert_malformed(nlh, nlh->nlmsg_len);
	CU_ASSERT(why_is("name longer than 15 bytes"));

	nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "fifteen-chars-x");
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT_STRING_EQUAL(m.link.name, "fifteen-chars-x");
}

static void test_malformed_scalar_sizes_and_families(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	uint64_t big = 1;

	mnl_attr_put(nlh, IFLA_MTU, sizeof(big), &big);
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	mnl_attr_put_u32(nlh, IFLA_CARRIER, 1);     /* u8 attribute sent as u32 */
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = link_msg(buf, RTM_NEWLINK, 0, IFF_UP);
	assert_malformed(nlh, nlh->nlmsg_len);

	nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_PACKET, 4, NUD_REACHABLE, 0);
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = neigh_msg(buf, RTM_NEWNEIGH, AF_INET, 4, NUD_REACHABLE, 0); /* no NDA_DST */
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = route_msg(buf, RTM_NEWROUTE, 77, 0);
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, 33);
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh = nh_msg(buf, RTM_NEWNEXTHOP, AF_BRIDGE, 1);
	assert_malformed(nlh, nlh->nlmsg_len);
}

static void test_malformed_multipath_hop(void)
{
	struct nlmsghdr *nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, 32);
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

	put_hop(nlh, 11, "192.0.2.1");
	mnl_attr_nest_end(nlh, mp);
	nh->rtnh_len = 40;                          /* beyond RTA_MULTIPATH */
	assert_malformed(nlh, nlh->nlmsg_len);
	nh->rtnh_len = 4;                           /* below a hop header */
	assert_malformed(nlh, nlh->nlmsg_len);
}

static void test_malformed_error_messages(void)
{
	struct nlmsghdr *nlh = hdr(buf, NLMSG_ERROR, 1);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = 5;                               /* errors are negative */
	assert_malformed(nlh, nlh->nlmsg_len);
	e->error = -EPERM;
	nlh->nlmsg_len -= 4;                        /* echoed header cut short */
	assert_malformed(nlh, nlh->nlmsg_len);
	nlh->nlmsg_len += 4;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;          /* claims a full echo that is not there */
	e->msg.nlmsg_len = 200;
	assert_malformed(nlh, nlh->nlmsg_len);
}

/* ---- nl_decode_each ---- */

struct seen {
	enum nl_kind kinds[8];
	int n;
	int stop_at;
};

static int record(void *arg, const struct nl_msg *msg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->kinds[s->n] = msg->kind;
	s->n++;
	return s->n == s->stop_at ? -ECANCELED : 0;
}

/* link, neigh with a 5-byte lladdr, route: returns the total length */
static size_t three_messages(void)
{
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 7, IFF_UP);
	size_t off = MNL_ALIGN(nlh->nlmsg_len);

	nlh = neigh_msg(buf + off, RTM_NEWNEIGH, AF_INET, 4, NUD_REACHABLE, 0);
	put_ip(nlh, NDA_DST, "192.0.2.1");
	mnl_attr_put(nlh, NDA_LLADDR, 5, MAC1);
	off += MNL_ALIGN(nlh->nlmsg_len);
	nlh = route_msg(buf + off, RTM_NEWROUTE, AF_INET, 0);
	return off + nlh->nlmsg_len;
}

static void test_each_reports_malformed_and_goes_on(void)
{
	struct seen s = { .stop_at = -1 };
	size_t len = three_messages();

	CU_ASSERT_EQUAL(nl_decode_each(buf, len, record, &s), 3);
	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_EQUAL(s.kinds[0], NL_LINK);
	CU_ASSERT_EQUAL(s.kinds[1], NL_MALFORMED);
	CU_ASSERT_EQUAL(s.kinds[2], NL_ROUTE);
}

static void test_each_stops_at_truncated_trailer(void)
{
	struct seen s = { .stop_at = -1 };
	size_t len = three_messages();

	CU_ASSERT_EQUAL(nl_decode_each(buf, len - 4, record, &s), -EBADMSG);
	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_EQUAL(s.kinds[2], NL_MALFORMED);

	memset(&s, 0, sizeof(s));
	s.stop_at = -1;
	CU_ASSERT_EQUAL(nl_decode_each(buf, len + 8, record, &s), -EBADMSG); /* 8-byte tail */
	CU_ASSERT_EQUAL(s.n, 4);

	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	CU_ASSERT_EQUAL(nl_decode_each(buf, len, record, &s), -ECANCELED);
	CU_ASSERT_EQUAL(nl_decode_each(buf + 1, len, record, &s), -EINVAL);
	CU_ASSERT_EQUAL(nl_decode_each(buf, 0, record, &s), 0);
}

/* ---- builders ---- */

static void test_build_dump_requests(void)
{
	static const uint16_t types[] = { RTM_GETLINK, RTM_GETNEIGH, RTM_GETROUTE, RTM_GETNEXTHOP };
	static const size_t hdrs[] = { sizeof(struct ifinfomsg), sizeof(struct ndmsg),
				       sizeof(struct rtmsg), sizeof(struct nhmsg) };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	for (unsigned i = 0; i < 4; i++) {
		memset(buf, 0xa5, 64);
		CU_ASSERT_EQUAL(nl_build_dump(buf, 64, types[i], AF_BRIDGE, 9 + i),
				(int)(16 + hdrs[i]));
		CU_ASSERT_EQUAL(nlh->nlmsg_type, types[i]);
		CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
		CU_ASSERT_EQUAL(nlh->nlmsg_seq, 9 + i);
		CU_ASSERT_EQUAL(nlh->nlmsg_len, 16 + hdrs[i]);
		CU_ASSERT_EQUAL(buf[16], AF_BRIDGE);
		for (size_t j = 17; j < 16 + hdrs[i]; j++)
			CU_ASSERT_EQUAL(buf[j], 0);
	}
	CU_ASSERT_EQUAL(nl_build_dump(buf, 64, RTM_GETADDR, AF_UNSPEC, 1), -EINVAL);
	CU_ASSERT_EQUAL(nl_build_dump(buf, 20, RTM_GETLINK, AF_UNSPEC, 1), -ENOSPC);
	CU_ASSERT_EQUAL(nl_build_dump(buf + 2, 64, RTM_GETLINK, AF_UNSPEC, 1), -EINVAL);
}

static void test_build_route_get(void)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct vx_ip dst = ip("2001:db8::9");
	int n = nl_build_route_get(buf, 64, &dst, 77);

	CU_ASSERT_EQUAL(n, 16 + 12 + 4 + 16);
	CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_GETROUTE);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST);
	CU_ASSERT_EQUAL(rtm->rtm_family, AF_INET6);
	CU_ASSERT_EQUAL(rtm->rtm_dst_len, 128);
	/* the request reads back as a route to that destination */
	nlh->nlmsg_type = RTM_NEWROUTE;
	CU_ASSERT_EQUAL(decode(nlh), NL_ROUTE);
	CU_ASSERT(vx_ip_eq(&m.route.dst, &dst));

	dst = ip("192.0.2.9");
	CU_ASSERT_EQUAL(nl_build_route_get(buf, 64, &dst, 78), 16 + 12 + 4 + 4);
	CU_ASSERT_EQUAL(rtm->rtm_dst_len, 32);
	CU_ASSERT_EQUAL(nl_build_route_get(buf, 35, &dst, 78), -ENOSPC);
	dst.af = 0;
	CU_ASSERT_EQUAL(nl_build_route_get(buf, 64, &dst, 78), -EINVAL);
}

static void test_build_neigh_use_and_get(void)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct vx_ip a = ip("192.0.2.254");

	CU_ASSERT_EQUAL(nl_build_neigh_use(buf, 64, 4, &a, true, 5), 16 + 12 + 8);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags,
			NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	CU_ASSERT_EQUAL(nl_build_neigh_use(buf, 64, 4, &a, false, 5), 16 + 12 + 8);
	CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_NEWNEIGH);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK);
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT_EQUAL(m.neigh.family, AF_INET);
	CU_ASSERT_EQUAL(m.neigh.ifindex, 4);
	CU_ASSERT(vx_ip_eq(&m.neigh.ip, &a));
	CU_ASSERT_EQUAL(m.neigh.flags, NTF_USE);
	CU_ASSERT_EQUAL(m.neigh.state, NUD_NONE);
	CU_ASSERT_FALSE(m.neigh.has_mac);

	a = ip("fe80::1");
	CU_ASSERT_EQUAL(nl_build_neigh_get(buf, 64, 6, &a, 6), 16 + 12 + 20);
	CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_GETNEIGH);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	CU_ASSERT_EQUAL(decode(nlh), NL_NEIGH);
	CU_ASSERT_EQUAL(m.neigh.ifindex, 6);
	CU_ASSERT_EQUAL(m.neigh.flags, 0);
	CU_ASSERT(vx_ip_eq(&m.neigh.ip, &a));

	CU_ASSERT_EQUAL(nl_build_neigh_use(buf, 64, 0, &a, false, 5), -EINVAL);
	CU_ASSERT_EQUAL(nl_build_neigh_use(buf, 47, 4, &a, false, 5), -ENOSPC);
}

static void test_build_link_get(void)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int n = nl_build_link_get(buf, 128, "tap0", 3);

	CU_ASSERT(n > 0);
	CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_GETLINK);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST);
	/* decodes as a link lookup by name, index 0 */
	nlh->nlmsg_type = RTM_NEWLINK;
	CU_ASSERT_EQUAL(decode(nlh), NL_MALFORMED); /* index 0 is not a device */
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index = 1;
	CU_ASSERT_EQUAL(decode(nlh), NL_LINK);
	CU_ASSERT_STRING_EQUAL(m.link.name, "tap0");

	CU_ASSERT_EQUAL(nl_build_link_get(buf, 128, "", 3), -EINVAL);
	CU_ASSERT_EQUAL(nl_build_link_get(buf, 128, "sixteen-chars-xx", 3), -EINVAL);
	CU_ASSERT_EQUAL(nl_build_link_get(buf, 40, "tap0", 3), -ENOSPC);
}

static void test_kind_names_print(void)
{
	CU_ASSERT_STRING_EQUAL(nl_kind_name(NL_MALFORMED), "malformed");
	CU_ASSERT_STRING_EQUAL(nl_kind_name(NL_NEXTHOP), "nexthop");
	CU_ASSERT_STRING_EQUAL(nl_kind_name((enum nl_kind)99), "?");
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("nl_decode", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_link_up_with_carrier_and_mac);
	CU_ADD(s, test_link_down_without_carrier_and_deleted);
	CU_ADD(s, test_link_reports_vxlan_kind_and_vni);
	CU_ADD(s, test_link_tunnel_address_is_no_mac);
	CU_ADD(s, test_link_bridge_port_info_is_ignored);
	CU_ADD(s, test_route_v4_with_gateway);
	CU_ADD(s, test_route_v6_onlink_deleted);
	CU_ADD(s, test_route_default_has_zero_dst);
	CU_ADD(s, test_route_multipath_reports_first_hop);
	CU_ADD(s, test_route_multicast_family_is_ignored);
	CU_ADD(s, test_neigh_v4_reachable_with_lladdr);
	CU_ADD(s, test_neigh_v6_deleted_without_lladdr);
	CU_ADD(s, test_fdb_self_entry_has_vtep_and_vni);
	CU_ADD(s, test_fdb_master_ext_learned_entry);
	CU_ADD(s, test_fdb_entry_via_nexthop_group_v6_vtep);
	CU_ADD(s, test_nexthop_fdb_with_gateway);
	CU_ADD(s, test_nexthop_group_of_two_members);
	CU_ADD(s, test_nexthop_group_larger_than_storage_is_flagged);
	CU_ADD(s, test_error_carries_errno_and_ext_ack_text);
	CU_ADD(s, test_error_zero_is_an_ack_and_done_has_status);
	CU_ADD(s, test_malformed_message_lengths);
	CU_ADD(s, test_malformed_attribute_running_past_the_message);
	CU_ADD(s, test_malformed_address_sizes);
	CU_ADD(s, test_malformed_nexthop_group_and_ids);
	CU_ADD(s, test_malformed_ifname);
	CU_ADD(s, test_malformed_scalar_sizes_and_families);
	CU_ADD(s, test_malformed_multipath_hop);
	CU_ADD(s, test_malformed_error_messages);
	CU_ADD(s, test_each_reports_malformed_and_goes_on);
	CU_ADD(s, test_each_stops_at_truncated_trailer);
	CU_ADD(s, test_build_dump_requests);
	CU_ADD(s, test_build_route_get);
	CU_ADD(s, test_build_neigh_use_and_get);
	CU_ADD(s, test_build_link_get);
	CU_ADD(s, test_kind_names_print);
	return CU_get_error();
}
