/* nl_build: the requests the control thread sends (pure: into a caller's buffer). */
#include "nl_decode.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

static size_t af_len(uint8_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

static bool aligned4(const void *p)
{
	return ((uintptr_t)p & 3) == 0;
}

static struct nlmsghdr *start(void *buf, size_t len, size_t need, uint16_t type,
			      uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (buf == NULL || !aligned4(buf) || len < need)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

static int fail(const void *buf)
{
	return buf == NULL || !aligned4(buf) ? -EINVAL : -ENOSPC;
}

int nl_build_dump(void *buf, size_t len, uint16_t type, uint8_t family, uint32_t seq)
{
	size_t hdr;
	struct nlmsghdr *nlh;

	switch (type) {
	case RTM_GETLINK:
		hdr = sizeof(struct ifinfomsg);
		break;
	case RTM_GETNEIGH:
		hdr = sizeof(struct ndmsg);
		break;
	case RTM_GETROUTE:
		hdr = sizeof(struct rtmsg);
		break;
	case RTM_GETNEXTHOP:
		hdr = sizeof(struct nhmsg);
		break;
	default:
		return -EINVAL;
	}
	nlh = start(buf, len, MNL_NLMSG_HDRLEN + MNL_ALIGN(hdr), type,
		    NLM_F_REQUEST | NLM_F_DUMP, seq);
	if (nlh == NULL)
		return fail(buf);
	/* every family header starts with its family byte */
	*(uint8_t *)mnl_nlmsg_put_extra_header(nlh, hdr) = family;
	return (int)nlh->nlmsg_len;
}

int nl_build_route_get(void *buf, size_t len, const struct vx_ip *dst, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t alen = dst ? af_len(dst->af) : 0;

	if (alen == 0)
		return -EINVAL;
	nlh = start(buf, len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*rtm)) +
		    MNL_ATTR_HDRLEN + alen, RTM_GETROUTE, NLM_F_REQUEST, seq);
	if (nlh == NULL)
		return fail(buf);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = dst->af;
	rtm->rtm_dst_len = (uint8_t)(8 * alen);
	mnl_attr_put(nlh, RTA_DST, alen, dst->a);
	return (int)nlh->nlmsg_len;
}

static int build_neigh(void *buf, size_t len, uint16_t type, uint16_t flags, uint8_t ntf,
		       int ifindex, const struct vx_ip *ip, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	size_t alen = ip ? af_len(ip->af) : 0;

	if (alen == 0 || ifindex <= 0)
		return -EINVAL;
	nlh = start(buf, len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ndm)) +
		    MNL_ATTR_HDRLEN + alen, type, flags, seq);
	if (nlh == NULL)
		return fail(buf);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = ip->af;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = ntf;
	ndm->ndm_state = NUD_NONE;
	mnl_attr_put(nlh, NDA_DST, alen, ip->a);
	return (int)nlh->nlmsg_len;
}

int nl_build_neigh_get(void *buf, size_t len, int ifindex, const struct vx_ip *ip,
		       uint32_t seq)
{
	return build_neigh(buf, len, RTM_GETNEIGH, NLM_F_REQUEST, 0, ifindex, ip, seq);
}

int nl_build_neigh_use(void *buf, size_t len, int ifindex, const struct vx_ip *ip,
		       bool create_only, uint32_t seq)
{
	/* No NLM_F_REPLACE: it only matters for lladdr updates, which NTF_USE skips. */
	uint16_t flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK;

	return build_neigh(buf, len, RTM_NEWNEIGH, create_only ? flags | NLM_F_EXCL : flags,
			   NTF_USE, ifindex, ip, seq);
}

int nl_build_link_get(void *buf, size_t len, const char *ifname, uint32_t seq)
{
	struct nlmsghdr *nlh;
	size_t n = ifname ? strnlen(ifname, 16) : 0;

	if (n == 0 || n > 15)
		return -EINVAL;
	nlh = start(buf, len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)) +
		    MNL_ALIGN(MNL_ATTR_HDRLEN + n + 1) + MNL_ATTR_HDRLEN + sizeof(uint32_t),
		    RTM_GETLINK, NLM_F_REQUEST, seq);
	if (nlh == NULL)
		return fail(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return (int)nlh->nlmsg_len;
}
