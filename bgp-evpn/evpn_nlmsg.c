/* evpn_nlmsg: see evpn_nlmsg.h. */
#include "evpn_nlmsg.h"

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

#define ACK_FLAGS (NLM_F_REQUEST | NLM_F_ACK)
#define HDR_ROOM 64 /* header plus family header, checked before each build */

static bool aligned4(const void *p) { return ((uintptr_t)p & 3u) == 0; }

static bool name_ok(const char *s)
{
	size_t n = s != NULL ? strnlen(s, IFNAMSIZ) : 0;

	return n > 0 && n < IFNAMSIZ;
}

static struct nlmsghdr *start(void *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (buf == NULL || !aligned4(buf) || len < HDR_ROOM)
		return NULL;
	memset(buf, 0, HDR_ROOM);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/* libmnl's _check variants refuse to write past len and return false. */
#define PUT(nlh, len, type, size, data)                                      \
	do {                                                                 \
		if (!mnl_attr_put_check(nlh, len, type, size, data))         \
			return -ENOSPC;                                      \
	} while (0)
#define PUT_U8(nlh, len, type, v)                                            \
	do {                                                                 \
		if (!mnl_attr_put_u8_check(nlh, len, type, v))               \
			return -ENOSPC;                                      \
	} while (0)
#define PUT_U32(nlh, len, type, v)                                           \
	do {                                                                 \
		if (!mnl_attr_put_u32_check(nlh, len, type, v))              \
			return -ENOSPC;                                      \
	} while (0)
#define PUT_STR(nlh, len, type, s)                                           \
	do {                                                                 \
		if (!mnl_attr_put_strz_check(nlh, len, type, s))             \
			return -ENOSPC;                                      \
	} while (0)
#define NEST(var, nlh, len, type)                                            \
	do {                                                                 \
		if ((var = mnl_attr_nest_start_check(nlh, len, type)) == NULL) \
			return -ENOSPC;                                      \
	} while (0)

static struct ndmsg *nd(struct nlmsghdr *nlh, uint8_t family, int ifindex, uint16_t state,
			uint8_t flags)
{
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = flags;
	return ndm;
}

int evpn_build_fdb(void *buf, size_t len, int port_ifindex, const uint8_t mac[6], bool add,
		   uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
				     add ? ACK_FLAGS | NLM_F_CREATE | NLM_F_REPLACE : ACK_FLAGS,
				     seq);

	if (nlh == NULL || port_ifindex <= 0 || mac == NULL)
		return nlh == NULL ? -ENOSPC : -EINVAL;
	/* extern_learn: never aged by the bridge, taken by zebra as local */
	nd(nlh, AF_BRIDGE, port_ifindex, NUD_REACHABLE, NTF_MASTER | (add ? NTF_EXT_LEARNED : 0));
	PUT(nlh, len, NDA_LLADDR, 6, mac);
	return (int)nlh->nlmsg_len;
}

int evpn_build_neigh(void *buf, size_t len, int br_ifindex, const struct vx_ip *ip,
		     const uint8_t mac[6], bool add, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
				     add ? ACK_FLAGS | NLM_F_CREATE | NLM_F_REPLACE : ACK_FLAGS,
				     seq);

	if (nlh == NULL)
		return -ENOSPC;
	if (br_ifindex <= 0 || ip == NULL || (ip->af != AF_INET && ip->af != AF_INET6) ||
	    (add && mac == NULL))
		return -EINVAL;
	/* permanent and not extern_learn: zebra advertises it (it takes
	 * extern_learn neighbours for its own remote ones) */
	nd(nlh, ip->af, br_ifindex, NUD_PERMANENT, 0);
	PUT(nlh, len, NDA_DST, ip->af == AF_INET ? 4 : 16, ip->a);
	if (add)
		PUT(nlh, len, NDA_LLADDR, 6, mac);
	return (int)nlh->nlmsg_len;
}

static struct ifinfomsg *ifi(struct nlmsghdr *nlh, uint8_t family, int ifindex)
{
	struct ifinfomsg *i = mnl_nlmsg_put_extra_header(nlh, sizeof(*i));

	i->ifi_family = family;
	i->ifi_index = ifindex;
	return i;
}

static void set_up(struct ifinfomsg *i, bool up)
{
	i->ifi_change |= IFF_UP;
	if (up)
		i->ifi_flags |= IFF_UP;
}

int evpn_build_vxlan(void *buf, size_t len, const char *name, uint32_t vni,
		     const struct vx_ip *local, uint16_t dstport, int master, bool up,
		     uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_NEWLINK,
				     ACK_FLAGS | NLM_F_CREATE | NLM_F_EXCL, seq);
	struct nlattr *li, *data;

	if (nlh == NULL)
		return -ENOSPC;
	if (!name_ok(name) || vni == 0 || vni > 0xffffff || local == NULL ||
	    (local->af != AF_INET && local->af != AF_INET6) || master < 0)
		return -EINVAL;
	set_up(ifi(nlh, AF_UNSPEC, 0), up);
	PUT_STR(nlh, len, IFLA_IFNAME, name);
	if (master > 0)
		PUT_U32(nlh, len, IFLA_MASTER, (uint32_t)master);
	NEST(li, nlh, len, IFLA_LINKINFO);
	PUT_STR(nlh, len, IFLA_INFO_KIND, "vxlan");
	NEST(data, nlh, len, IFLA_INFO_DATA);
	PUT_U32(nlh, len, IFLA_VXLAN_ID, vni);
	if (local->af == AF_INET)
		PUT(nlh, len, IFLA_VXLAN_LOCAL, 4, local->a);
	else
		PUT(nlh, len, IFLA_VXLAN_LOCAL6, 16, local->a);
	{
		uint16_t port = htons(dstport);

		PUT(nlh, len, IFLA_VXLAN_PORT, sizeof(port), &port);
	}
	PUT_U8(nlh, len, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return (int)nlh->nlmsg_len;
}

int evpn_build_bridge(void *buf, size_t len, const char *name, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_NEWLINK,
				     ACK_FLAGS | NLM_F_CREATE | NLM_F_EXCL, seq);
	struct nlattr *li;

	if (nlh == NULL)
		return -ENOSPC;
	if (!name_ok(name))
		return -EINVAL;
	ifi(nlh, AF_UNSPEC, 0);
	PUT_STR(nlh, len, IFLA_IFNAME, name);
	/* the defaults (no STP, no VLAN filtering) are what we want; naming
	 * them fails on kernels built without VLAN filtering */
	NEST(li, nlh, len, IFLA_LINKINFO);
	PUT_STR(nlh, len, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, li);
	return (int)nlh->nlmsg_len;
}

int evpn_build_standin(void *buf, size_t len, const char *kind, const char *name,
		       const char *peer_name, int master, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_NEWLINK,
				     ACK_FLAGS | NLM_F_CREATE | NLM_F_EXCL, seq);
	bool veth = kind != NULL && strcmp(kind, "veth") == 0;
	struct nlattr *li, *data, *peer;

	if (nlh == NULL)
		return -ENOSPC;
	if (!name_ok(name) || master <= 0 || kind == NULL ||
	    (!veth && strcmp(kind, "dummy") != 0) || (veth && !name_ok(peer_name)))
		return -EINVAL;
	set_up(ifi(nlh, AF_UNSPEC, 0), true);
	PUT_STR(nlh, len, IFLA_IFNAME, name);
	PUT_U32(nlh, len, IFLA_MASTER, (uint32_t)master);
	NEST(li, nlh, len, IFLA_LINKINFO);
	PUT_STR(nlh, len, IFLA_INFO_KIND, kind);
	if (veth) {
		struct ifinfomsg pi = { .ifi_family = AF_UNSPEC };

		NEST(data, nlh, len, IFLA_INFO_DATA);
		NEST(peer, nlh, len, VETH_INFO_PEER);
		/* the peer's ifinfomsg sits in front of its attributes */
		if (mnl_nlmsg_size(nlh->nlmsg_len + MNL_ALIGN(sizeof(pi))) > len)
			return -ENOSPC;
		memcpy(mnl_nlmsg_get_payload_tail(nlh), &pi, sizeof(pi));
		nlh->nlmsg_len += MNL_ALIGN(sizeof(pi));
		PUT_STR(nlh, len, IFLA_IFNAME, peer_name);
		mnl_attr_nest_end(nlh, peer);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, li);
	return (int)nlh->nlmsg_len;
}

int evpn_build_link_set(void *buf, size_t len, int ifindex, bool up, int master, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_SETLINK, ACK_FLAGS, seq);

	if (nlh == NULL)
		return -ENOSPC;
	if (ifindex <= 0)
		return -EINVAL;
	set_up(ifi(nlh, AF_UNSPEC, ifindex), up);
	if (master >= 0)
		PUT_U32(nlh, len, IFLA_MASTER, (uint32_t)master);
	return (int)nlh->nlmsg_len;
}

int evpn_build_link_alias(void *buf, size_t len, int ifindex, const char *alias, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_SETLINK, ACK_FLAGS, seq);

	if (nlh == NULL)
		return -ENOSPC;
	if (ifindex <= 0 || alias == NULL)
		return -EINVAL;
	ifi(nlh, AF_UNSPEC, ifindex);
	PUT(nlh, len, IFLA_IFALIAS, strnlen(alias, IFALIASZ - 1), alias);
	return (int)nlh->nlmsg_len;
}

int evpn_build_no_ipv6(void *buf, size_t len, int ifindex, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_SETLINK, ACK_FLAGS, seq);
	struct nlattr *spec, *in6;

	if (nlh == NULL)
		return -ENOSPC;
	if (ifindex <= 0)
		return -EINVAL;
	ifi(nlh, AF_UNSPEC, ifindex);
	NEST(spec, nlh, len, IFLA_AF_SPEC);
	NEST(in6, nlh, len, AF_INET6);
	PUT_U8(nlh, len, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, in6);
	mnl_attr_nest_end(nlh, spec);
	return (int)nlh->nlmsg_len;
}

int evpn_build_brport(void *buf, size_t len, int ifindex, bool learning, bool neigh_suppress,
		      uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_SETLINK, ACK_FLAGS, seq);
	struct nlattr *pi;

	if (nlh == NULL)
		return -ENOSPC;
	if (ifindex <= 0)
		return -EINVAL;
	ifi(nlh, AF_BRIDGE, ifindex);
	if ((pi = mnl_attr_nest_start_check(nlh, len, IFLA_PROTINFO)) == NULL)
		return -ENOSPC;
	pi->nla_type |= NLA_F_NESTED; /* the bridge wants it flagged */
	PUT_U8(nlh, len, IFLA_BRPORT_LEARNING, learning);
	PUT_U8(nlh, len, IFLA_BRPORT_NEIGH_SUPPRESS, neigh_suppress);
	mnl_attr_nest_end(nlh, pi);
	return (int)nlh->nlmsg_len;
}

int evpn_build_link_del(void *buf, size_t len, int ifindex, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_DELLINK, ACK_FLAGS, seq);

	if (nlh == NULL)
		return -ENOSPC;
	if (ifindex <= 0)
		return -EINVAL;
	ifi(nlh, AF_UNSPEC, ifindex);
	return (int)nlh->nlmsg_len;
}

int evpn_build_link_get(void *buf, size_t len, const char *name, uint32_t seq)
{
	struct nlmsghdr *nlh = start(buf, len, RTM_GETLINK, NLM_F_REQUEST, seq);

	if (nlh == NULL)
		return -ENOSPC;
	if (!name_ok(name))
		return -EINVAL;
	ifi(nlh, AF_UNSPEC, 0);
	PUT_STR(nlh, len, IFLA_IFNAME, name);
	return (int)nlh->nlmsg_len;
}

/* ---- parsing a link answer ---- */

static int vxlan_attr(const struct nlattr *a, void *arg)
{
	struct evpn_link_info *l = arg;
	uint16_t n = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case IFLA_VXLAN_ID:
		if (n == 4)
			l->vni = mnl_attr_get_u32(a);
		break;
	case IFLA_VXLAN_LOCAL:
		if (n == 4) {
			l->local.af = AF_INET;
			memcpy(l->local.a, mnl_attr_get_payload(a), 4);
		}
		break;
	case IFLA_VXLAN_LOCAL6:
		if (n == 16) {
			l->local.af = AF_INET6;
			memcpy(l->local.a, mnl_attr_get_payload(a), 16);
		}
		break;
	case IFLA_VXLAN_PORT:
		if (n == 2)
			l->dstport = ntohs(mnl_attr_get_u16(a));
		break;
	}
	return MNL_CB_OK;
}

static int linkinfo_attr(const struct nlattr *a, void *arg)
{
	struct evpn_link_info *l = arg;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) == 0) {
		size_t n = mnl_attr_get_payload_len(a);

		n = n < sizeof(l->kind) ? n : sizeof(l->kind) - 1;
		memcpy(l->kind, mnl_attr_get_payload(a), n);
		l->kind[sizeof(l->kind) - 1] = '\0';
	} else if (mnl_attr_get_type(a) == IFLA_INFO_DATA && strcmp(l->kind, "vxlan") == 0) {
		if (mnl_attr_parse_nested(a, vxlan_attr, l) < 0)
			return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *arg)
{
	struct evpn_link_info *l = arg;

	if (mnl_attr_get_type(a) == IFLA_MASTER && mnl_attr_get_payload_len(a) == 4)
		l->master = (int)mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == IFLA_LINKINFO &&
		 mnl_attr_parse_nested(a, linkinfo_attr, l) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int evpn_parse_link(const void *p, size_t len, struct evpn_link_info *out)
{
	const struct nlmsghdr *nlh = p;
	const struct ifinfomsg *i;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*nlh) || nlh->nlmsg_len > len || nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*i))
		return -EBADMSG;
	i = mnl_nlmsg_get_payload(nlh);
	out->ifindex = i->ifi_index;
	out->up = (i->ifi_flags & IFF_UP) != 0;
	/* a nested parse error leaves the fields read so far */
	if (mnl_attr_parse(nlh, sizeof(*i), link_attr, out) < 0)
		return -EBADMSG;
	return 0;
}
