/* Tests for bgp-evpn/evpn_nlmsg: the requests the agent sends to its kernel
 * shadow, read back with nl_decode and libmnl. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "cu_main.h"
#include "evpn_nlmsg.h"
#include "nl_decode.h"

static uint32_t buf32[512];
static uint8_t *const buf = (uint8_t *)buf32;
static const uint8_t MAC[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };

static struct vx_ip ip(const char *s)
{
	struct vx_ip a;

	CU_ASSERT_FATAL(vx_ip_parse(s, &a) == 0);
	return a;
}

static const struct nlmsghdr *nlh(void) { return (const struct nlmsghdr *)buf; }

static void decode(int n, struct nl_msg *m)
{
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT((unsigned)n == nlh()->nlmsg_len);
	nl_decode(buf, (size_t)n, m);
}

/** The first attribute of type t directly under the message (after hdrlen). */
static const struct nlattr *attr(size_t hdrlen, uint16_t t)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh(), hdrlen)
		if (mnl_attr_get_type(a) == t)
			return a;
	return NULL;
}

static const struct nlattr *nested(const struct nlattr *in, uint16_t t)
{
	const struct nlattr *a;

	if (in == NULL)
		return NULL;
	mnl_attr_for_each_nested(a, in)
		if (mnl_attr_get_type(a) == t)
			return a;
	return NULL;
}

static void test_fdb_add_is_a_master_extern_learn_replace(void)
{
	struct nl_msg m;

	decode(evpn_build_fdb(buf, sizeof(buf32), 7, MAC, true, 42), &m);
	CU_ASSERT(nlh()->nlmsg_type == RTM_NEWNEIGH && nlh()->nlmsg_seq == 42);
	CU_ASSERT(nlh()->nlmsg_flags ==
		  (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE));
	CU_ASSERT_FATAL(m.kind == NL_NEIGH);
	CU_ASSERT(m.neigh.family == AF_BRIDGE && m.neigh.ifindex == 7);
	CU_ASSERT(m.neigh.flags == (NTF_MASTER | NTF_EXT_LEARNED));
	CU_ASSERT(m.neigh.has_mac && memcmp(m.neigh.mac, MAC, 6) == 0);
	CU_ASSERT(!vx_ip_is_set(&m.neigh.ip) && m.neigh.master == 0);
}

static void test_fdb_del_names_port_and_mac(void)
{
	struct nl_msg m;

	decode(evpn_build_fdb(buf, sizeof(buf32), 7, MAC, false, 1), &m);
	CU_ASSERT(nlh()->nlmsg_type == RTM_DELNEIGH);
	CU_ASSERT(m.kind == NL_NEIGH && m.neigh.deleted && m.neigh.flags == NTF_MASTER);
	CU_ASSERT(evpn_build_fdb(buf, sizeof(buf32), 0, MAC, true, 1) == -EINVAL);
	CU_ASSERT(evpn_build_fdb(buf, 40, 7, MAC, true, 1) == -ENOSPC);
}

static void test_neigh_add_is_permanent_not_extern_learn(void)
{
	struct vx_ip a = ip("2001:db8::11");
	struct nl_msg m;

	decode(evpn_build_neigh(buf, sizeof(buf32), 5, &a, MAC, true, 1), &m);
	CU_ASSERT_FATAL(m.kind == NL_NEIGH);
	CU_ASSERT(m.neigh.family == AF_INET6 && m.neigh.ifindex == 5);
	CU_ASSERT(m.neigh.state == NUD_PERMANENT && m.neigh.flags == 0);
	CU_ASSERT(vx_ip_eq(&m.neigh.ip, &a) && memcmp(m.neigh.mac, MAC, 6) == 0);
	a = ip("192.168.1.1");
	decode(evpn_build_neigh(buf, sizeof(buf32), 5, &a, NULL, false, 1), &m);
	CU_ASSERT(m.kind == NL_NEIGH && m.neigh.deleted && !m.neigh.has_mac);
	CU_ASSERT(evpn_build_neigh(buf, sizeof(buf32), 5, &a, NULL, true, 1) == -EINVAL);
}

static void test_vxlan_device_carries_vni_local_port_and_nolearning(void)
{
	struct vx_ip local = ip("10.0.0.1");
	struct evpn_link_info li;
	const struct nlattr *data;

	/* (nl_decode takes only the kernel's messages, which name an ifindex) */
	CU_ASSERT_FATAL(evpn_build_vxlan(buf, sizeof(buf32), "vxlan100", 100, &local, 4789, 3,
					 true, 1) > 0);
	CU_ASSERT(nlh()->nlmsg_flags & NLM_F_EXCL);
	CU_ASSERT_FATAL(evpn_parse_link(buf, sizeof(buf32), &li) == 0);
	CU_ASSERT_STRING_EQUAL(mnl_attr_get_str(attr(sizeof(struct ifinfomsg), IFLA_IFNAME)),
			       "vxlan100");
	CU_ASSERT_STRING_EQUAL(li.kind, "vxlan");
	CU_ASSERT(li.vni == 100 && li.master == 3 && li.up);
	CU_ASSERT(vx_ip_eq(&li.local, &local) && li.dstport == 4789);
	data = nested(nested(attr(sizeof(struct ifinfomsg), IFLA_LINKINFO), IFLA_INFO_DATA),
		      IFLA_VXLAN_LEARNING);
	CU_ASSERT(data != NULL && mnl_attr_get_u8(data) == 0);
	CU_ASSERT(evpn_build_vxlan(buf, sizeof(buf32), "vxlan-name-too-long", 100, &local, 4789,
				   0, true, 1) == -EINVAL);
	CU_ASSERT(evpn_build_vxlan(buf, sizeof(buf32), "vx", 1u << 24, &local, 4789, 0, true, 1) ==
		  -EINVAL);
}

static void test_veth_standin_has_its_peer_down_and_a_master(void)
{
	const struct nlattr *peer;
	const struct ifinfomsg *pi;
	struct evpn_link_info li;

	CU_ASSERT_FATAL(evpn_build_standin(buf, sizeof(buf32), "veth", "ev100p0", "ev100q0", 3,
					   1) > 0);
	CU_ASSERT_FATAL(evpn_parse_link(buf, sizeof(buf32), &li) == 0);
	CU_ASSERT(li.master == 3 && li.up);
	CU_ASSERT_STRING_EQUAL(li.kind, "veth");
	peer = nested(nested(attr(sizeof(struct ifinfomsg), IFLA_LINKINFO), IFLA_INFO_DATA),
		      VETH_INFO_PEER);
	CU_ASSERT_FATAL(peer != NULL);
	pi = mnl_attr_get_payload(peer);
	CU_ASSERT(!(pi->ifi_flags & IFF_UP));
	{
		const struct nlattr *a = (const void *)((const uint8_t *)pi + MNL_ALIGN(sizeof(*pi)));

		CU_ASSERT(mnl_attr_get_type(a) == IFLA_IFNAME);
		CU_ASSERT_STRING_EQUAL(mnl_attr_get_str(a), "ev100q0");
	}
	CU_ASSERT(evpn_build_standin(buf, sizeof(buf32), "veth", "ev100p0", NULL, 3, 1) == -EINVAL);
	CU_ASSERT(evpn_build_standin(buf, sizeof(buf32), "dummy", "ev100p0", NULL, 3, 1) > 0);
	CU_ASSERT(evpn_build_standin(buf, sizeof(buf32), "tun", "ev100p0", NULL, 3, 1) == -EINVAL);
}

static void test_bridge_port_flags_are_a_nested_protinfo(void)
{
	const struct nlattr *pi;
	const struct ifinfomsg *ifi;

	CU_ASSERT_FATAL(evpn_build_brport(buf, sizeof(buf32), 4, false, true, 1) > 0);
	ifi = mnl_nlmsg_get_payload(nlh());
	CU_ASSERT(nlh()->nlmsg_type == RTM_SETLINK && ifi->ifi_family == AF_BRIDGE &&
		  ifi->ifi_index == 4);
	pi = attr(sizeof(*ifi), IFLA_PROTINFO);
	CU_ASSERT_FATAL(pi != NULL);
	CU_ASSERT(pi->nla_type & NLA_F_NESTED);
	CU_ASSERT(mnl_attr_get_u8(nested(pi, IFLA_BRPORT_LEARNING)) == 0);
	CU_ASSERT(mnl_attr_get_u8(nested(pi, IFLA_BRPORT_NEIGH_SUPPRESS)) == 1);
}

static void test_link_helpers(void)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *a;

	CU_ASSERT_FATAL(evpn_build_link_set(buf, sizeof(buf32), 9, true, -1, 1) > 0);
	ifi = mnl_nlmsg_get_payload(nlh());
	CU_ASSERT(ifi->ifi_flags == IFF_UP && ifi->ifi_change == IFF_UP);
	CU_ASSERT(attr(sizeof(*ifi), IFLA_MASTER) == NULL);
	CU_ASSERT_FATAL(evpn_build_link_set(buf, sizeof(buf32), 9, false, 0, 1) > 0);
	CU_ASSERT(ifi->ifi_flags == 0 && mnl_attr_get_u32(attr(sizeof(*ifi), IFLA_MASTER)) == 0);
	CU_ASSERT_FATAL(evpn_build_link_alias(buf, sizeof(buf32), 9, "vm1-eth0", 1) > 0);
	a = attr(sizeof(*ifi), IFLA_IFALIAS);
	CU_ASSERT(a != NULL && mnl_attr_get_payload_len(a) == 8);
	CU_ASSERT_FATAL(evpn_build_no_ipv6(buf, sizeof(buf32), 9, 1) > 0);
	a = nested(nested(attr(sizeof(*ifi), IFLA_AF_SPEC), AF_INET6), IFLA_INET6_ADDR_GEN_MODE);
	CU_ASSERT(a != NULL && mnl_attr_get_u8(a) == IN6_ADDR_GEN_MODE_NONE);
	CU_ASSERT(evpn_build_link_del(buf, sizeof(buf32), 9, 1) > 0 &&
		  nlh()->nlmsg_type == RTM_DELLINK);
	CU_ASSERT(evpn_build_link_get(buf, sizeof(buf32), "", 1) == -EINVAL);
}

static void test_parse_link_rejects_other_messages(void)
{
	struct evpn_link_info li;

	CU_ASSERT(evpn_build_link_del(buf, sizeof(buf32), 9, 1) > 0);
	CU_ASSERT(evpn_parse_link(buf, sizeof(buf32), &li) == -EBADMSG);
	CU_ASSERT(evpn_parse_link(buf, 8, &li) == -EBADMSG);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("evpn_nlmsg", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_fdb_add_is_a_master_extern_learn_replace);
	CU_ADD(s, test_fdb_del_names_port_and_mac);
	CU_ADD(s, test_neigh_add_is_permanent_not_extern_learn);
	CU_ADD(s, test_vxlan_device_carries_vni_local_port_and_nolearning);
	CU_ADD(s, test_veth_standin_has_its_peer_down_and_a_master);
	CU_ADD(s, test_bridge_port_flags_are_a_nested_protinfo);
	CU_ADD(s, test_link_helpers);
	CU_ADD(s, test_parse_link_rejects_other_messages);
	return CUE_SUCCESS;
}
