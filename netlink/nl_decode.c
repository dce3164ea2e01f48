/* nl_decode: see nl_decode.h for the contract. Every read below is preceded by
 * a length check; libmnl's walkers stop silently at a bad attribute, so the
 * attribute loop here is our own (built on mnl_attr_ok/mnl_attr_next) and
 * fails when the attributes do not tile their payload exactly. */
#include "nl_decode.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

_Static_assert(sizeof(struct nexthop_grp) == 8, "nexthop_grp wire size");
_Static_assert(sizeof(struct rtnexthop) == 8, "rtnexthop wire size");
_Static_assert(sizeof(struct nlmsgerr) == 20, "nlmsgerr wire size");

#define MAX_ERRNO 4095

struct dec {
	struct nl_msg *m;
	const char *why;
	const struct nlattr *info_data; /* IFLA_INFO_DATA, read once the kind is known */
	struct vx_ip *hop_gw;           /* where a multipath hop's gateway goes */
};

typedef int (*attr_fn)(const struct nlattr *a, struct dec *d);

static int bad(struct dec *d, const char *why)
{
	d->why = why;
	return -1;
}

static enum nl_kind malformed(struct dec *d, const char *why)
{
	d->why = why;
	return NL_MALFORMED;
}

static bool aligned4(const void *p)
{
	return ((uintptr_t)p & 3) == 0;
}

/* Walk the attributes that must exactly fill [p, p + len). */
static int walk_attrs(const void *p, size_t len, attr_fn fn, struct dec *d)
{
	const struct nlattr *a = p;
	int rem = (int)len; /* callers bound len by a checked nlmsg_len <= INT_MAX */

	while (rem >= (int)sizeof(struct nlattr)) {
		if (!mnl_attr_ok(a, rem))
			return bad(d, "attribute length runs past its container");
		if (fn(a, d) < 0)
			return -1;
		rem -= (int)MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	if (rem > 0)
		return bad(d, "trailing bytes after attributes");
	return 0;
}

static int walk_nested(const struct nlattr *a, attr_fn fn, struct dec *d)
{
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return bad(d, "nested attribute too short");
	return walk_attrs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), fn, d);
}

/* Attributes of a message with fixed header size hdr_len. */
static int walk_msg(const struct nlmsghdr *nlh, size_t hdr_len, attr_fn fn, struct dec *d)
{
	size_t off = MNL_ALIGN(hdr_len);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);

	if (plen < hdr_len)
		return bad(d, "payload shorter than its family header");
	if (plen <= off)
		return 0;
	return walk_attrs((const uint8_t *)mnl_nlmsg_get_payload(nlh) + off, plen - off, fn, d);
}

static int get_u32(const struct nlattr *a, uint32_t *v, struct dec *d)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return bad(d, "u32 attribute of wrong size");
	*v = mnl_attr_get_u32(a);
	return 0;
}

static int get_int(const struct nlattr *a, int *v, struct dec *d)
{
	uint32_t u;

	if (get_u32(a, &u, d) < 0)
		return -1;
	if (u > INT_MAX)
		return bad(d, "ifindex out of range");
	*v = (int)u;
	return 0;
}

static int get_u16(const struct nlattr *a, uint16_t *v, struct dec *d)
{
	if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
		return bad(d, "u16 attribute of wrong size");
	*v = mnl_attr_get_u16(a);
	return 0;
}

static int get_u8(const struct nlattr *a, uint8_t *v, struct dec *d)
{
	if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
		return bad(d, "u8 attribute of wrong size");
	*v = mnl_attr_get_u8(a);
	return 0;
}

static int get_flag(const struct nlattr *a, bool *v, struct dec *d)
{
	if (mnl_attr_validate(a, MNL_TYPE_FLAG) < 0)
		return bad(d, "flag attribute with a payload");
	*v = true;
	return 0;
}

static size_t af_len(uint8_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

static void set_ip(struct vx_ip *ip, uint8_t af, const void *bytes)
{
	memset(ip, 0, sizeof(*ip));
	ip->af = af;
	memcpy(ip->a, bytes, af_len(af));
}

/* An address attribute whose size must match the message family. */
static int get_addr(const struct nlattr *a, uint8_t af, struct vx_ip *ip, struct dec *d)
{
	size_t n = af_len(af);

	if (n == 0 || mnl_attr_get_payload_len(a) != n)
		return bad(d, "address size does not match the family");
	set_ip(ip, af, mnl_attr_get_payload(a));
	return 0;
}

/* An address attribute of either family, told apart by its size. */
static int get_addr_any(const struct nlattr *a, struct vx_ip *ip, struct dec *d)
{
	uint16_t n = mnl_attr_get_payload_len(a);

	if (n != 4 && n != 16)
		return bad(d, "address is neither 4 nor 16 bytes");
	set_ip(ip, n == 4 ? AF_INET : AF_INET6, mnl_attr_get_payload(a));
	return 0;
}

/* A link-layer address. Devices use 6 (Ethernet), 0 (tun, wireguard), 4 (IPv4
 * tunnels), 8 (802.15.4), 16 (IPv6 tunnels, firewire) or 20 (InfiniBand) bytes;
 * only Ethernet yields a MAC, any other size is malformed. */
static int get_lladdr(const struct nlattr *a, bool eth_only, uint8_t mac[6], bool *has,
		      struct dec *d)
{
	uint16_t n = mnl_attr_get_payload_len(a);

	if (n == 6) {
		memcpy(mac, mnl_attr_get_payload(a), 6);
		*has = true;
		return 0;
	}
	if (!eth_only && (n == 0 || n == 4 || n == 8 || n == 16 || n == 20))
		return 0;
	return bad(d, "link-layer address of impossible size");
}

/* A NUL-terminated name that fits IFNAMSIZ. */
static int get_name(const struct nlattr *a, char out[16], struct dec *d)
{
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return bad(d, "name not NUL-terminated");
	if (strlen(mnl_attr_get_str(a)) > 15)
		return bad(d, "name longer than 15 bytes");
	strcpy(out, mnl_attr_get_str(a));
	return 0;
}

/* ---- links ---- */

static int vxlan_attr(const struct nlattr *a, struct dec *d)
{
	struct nl_link *l = &d->m->link;

	if (mnl_attr_get_type(a) != IFLA_VXLAN_ID)
		return 0;
	if (get_u32(a, &l->vni, d) < 0)
		return -1;
	l->has_vni = true;
	return 0;
}

static int linkinfo_attr(const struct nlattr *a, struct dec *d)
{
	switch (mnl_attr_get_type(a)) {
	case IFLA_INFO_KIND:
		return get_name(a, d->m->link.kind, d);
	case IFLA_INFO_DATA:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return bad(d, "nested attribute too short");
		d->info_data = a;
		return 0;
	}
	return 0;
}

static int link_attr(const struct nlattr *a, struct dec *d)
{
	struct nl_link *l = &d->m->link;
	uint8_t u8;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		return get_name(a, l->name, d);
	case IFLA_ADDRESS:
		return get_lladdr(a, false, l->mac, &l->has_mac, d);
	case IFLA_CARRIER:
		if (get_u8(a, &u8, d) < 0)
			return -1;
		l->carrier_known = true;
		l->carrier = u8 != 0;
		return 0;
	case IFLA_MTU:
		return get_u32(a, &l->mtu, d);
	case IFLA_MASTER:
		return get_int(a, &l->master, d);
	case IFLA_LINKINFO:
		if (walk_nested(a, linkinfo_attr, d) < 0)
			return -1;
		if (d->info_data != NULL && strcmp(l->kind, "vxlan") == 0)
			return walk_nested(d->info_data, vxlan_attr, d);
		return 0;
	}
	return 0;
}

static enum nl_kind decode_link(const struct nlmsghdr *nlh, struct dec *d)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nl_link *l = &d->m->link;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return malformed(d, "payload shorter than ifinfomsg");
	/* AF_BRIDGE: bridge port info (its DELLINK means "left the bridge");
	 * AF_INET6: IPv6 link info. Neither describes the device itself. */
	if (ifi->ifi_family == AF_BRIDGE || ifi->ifi_family == AF_INET6)
		return NL_NONE;
	if (ifi->ifi_family != AF_UNSPEC)
		return malformed(d, "link message of unknown family");
	if (ifi->ifi_index <= 0)
		return malformed(d, "link without an ifindex");
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->admin_up = (ifi->ifi_flags & IFF_UP) != 0;
	l->lower_up = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
	l->deleted = nlh->nlmsg_type == RTM_DELLINK;
	if (walk_msg(nlh, sizeof(*ifi), link_attr, d) < 0)
		return NL_MALFORMED;
	return NL_LINK;
}

/* ---- routes ---- */

static int via_attr(const struct nlattr *a, struct vx_ip *gw, struct dec *d)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	uint16_t n = mnl_attr_get_payload_len(a);
	struct rtvia via;

	if (n < sizeof(via))
		return bad(d, "RTA_VIA too short");
	memcpy(&via, p, sizeof(via));
	if ((via.rtvia_family != AF_INET && via.rtvia_family != AF_INET6) ||
	    n != sizeof(via) + af_len((uint8_t)via.rtvia_family))
		return bad(d, "RTA_VIA size does not match its family");
	set_ip(gw, (uint8_t)via.rtvia_family, p + sizeof(via));
	return 0;
}

static int hop_attr(const struct nlattr *a, struct dec *d)
{
	switch (mnl_attr_get_type(a)) {
	case RTA_GATEWAY:
		return get_addr(a, d->m->route.family, d->hop_gw, d);
	case RTA_VIA:
		return via_attr(a, d->hop_gw, d);
	}
	return 0;
}

/* RTA_MULTIPATH: rtnexthop records, each followed by its own attributes.
 * All hops are checked; the first one is reported. */
static int multipath_attr(const struct nlattr *a, struct dec *d)
{
	struct nl_route *r = &d->m->route;
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t rem = mnl_attr_get_payload_len(a);
	struct vx_ip scratch;
	size_t step;

	r->n_paths = 0;
	while (rem > 0) {
		struct rtnexthop nh;

		if (rem < sizeof(nh))
			return bad(d, "multipath hop truncated");
		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > rem)
			return bad(d, "multipath hop length out of bounds");
		if (nh.rtnh_ifindex < 0)
			return bad(d, "multipath hop with negative ifindex");
		if (r->n_paths == 0) {
			r->oif = nh.rtnh_ifindex;
			d->hop_gw = &r->gw;
		} else {
			d->hop_gw = &scratch;
		}
		if (walk_attrs(p + sizeof(nh), nh.rtnh_len - sizeof(nh), hop_attr, d) < 0)
			return -1;
		r->n_paths++;
		step = RTNH_ALIGN(nh.rtnh_len);
		if (step >= rem)
			break;
		rem -= step;
		p += step;
	}
	if (r->n_paths == 0)
		return bad(d, "empty RTA_MULTIPATH");
	return 0;
}

static int route_attr(const struct nlattr *a, struct dec *d)
{
	struct nl_route *r = &d->m->route;

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		return get_addr(a, r->family, &r->dst, d);
	case RTA_GATEWAY:
		return get_addr(a, r->family, &r->gw, d);
	case RTA_VIA:
		return via_attr(a, &r->gw, d);
	case RTA_PREFSRC:
		return get_addr(a, r->family, &r->prefsrc, d);
	case RTA_OIF:
		return get_int(a, &r->oif, d);
	case RTA_TABLE:
		return get_u32(a, &r->table, d);
	case RTA_PRIORITY:
		return get_u32(a, &r->priority, d);
	case RTA_NH_ID:
		return get_u32(a, &r->nh_id, d);
	case RTA_MULTIPATH:
		return multipath_attr(a, d);
	}
	return 0;
}

static enum nl_kind decode_route(const struct nlmsghdr *nlh, struct dec *d)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nl_route *r = &d->m->route;
	static const uint8_t zero[16];

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return malformed(d, "payload shorter than rtmsg");
	if (rtm->rtm_family == RTNL_FAMILY_IPMR || rtm->rtm_family == RTNL_FAMILY_IP6MR ||
	    rtm->rtm_family == AF_MPLS)
		return NL_NONE;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return malformed(d, "route of unknown family");
	if (rtm->rtm_dst_len > 8 * af_len(rtm->rtm_family))
		return malformed(d, "route prefix length too long");
	r->family = rtm->rtm_family;
	r->dst_len = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->flags = rtm->rtm_flags;
	r->table = rtm->rtm_table;
	set_ip(&r->dst, r->family, zero);
	r->deleted = nlh->nlmsg_type == RTM_DELROUTE;
	if (walk_msg(nlh, sizeof(*rtm), route_attr, d) < 0)
		return NL_MALFORMED;
	return NL_ROUTE;
}

/* ---- neighbours and fdb entries ---- */

static int neigh_attr(const struct nlattr *a, struct dec *d)
{
	struct nl_neigh *n = &d->m->neigh;

	switch (mnl_attr_get_type(a)) {
	case NDA_DST:
		if (n->family == AF_BRIDGE)
			return get_addr_any(a, &n->ip, d);
		return get_addr(a, n->family, &n->ip, d);
	case NDA_LLADDR:
		return get_lladdr(a, n->family == AF_BRIDGE, n->mac, &n->has_mac, d);
	case NDA_VNI:
		n->has_vni = true;
		return get_u32(a, &n->vni, d);
	case NDA_NH_ID:
		return get_u32(a, &n->nh_id, d);
	case NDA_MASTER:
		return get_int(a, &n->master, d);
	case NDA_VLAN:
		return get_u16(a, &n->vlan, d);
	case NDA_PROTOCOL:
		return get_u8(a, &n->protocol, d);
	case NDA_FLAGS_EXT:
		return get_u32(a, &n->ext_flags, d);
	}
	return 0;
}

static enum nl_kind decode_neigh(const struct nlmsghdr *nlh, struct dec *d)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct nl_neigh *n = &d->m->neigh;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ndm))
		return malformed(d, "payload shorter than ndmsg");
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6 &&
	    ndm->ndm_family != AF_BRIDGE)
		return malformed(d, "neighbour of unknown family");
	/* 0 is legal only for proxy entries not bound to a device */
	if (ndm->ndm_ifindex < 0)
		return malformed(d, "neighbour with negative ifindex");
	n->family = ndm->ndm_family;
	n->ifindex = ndm->ndm_ifindex;
	n->state = ndm->ndm_state;
	n->flags = ndm->ndm_flags;
	n->deleted = nlh->nlmsg_type == RTM_DELNEIGH;
	if (walk_msg(nlh, sizeof(*ndm), neigh_attr, d) < 0)
		return NL_MALFORMED;
	if (n->family != AF_BRIDGE && !vx_ip_is_set(&n->ip))
		return malformed(d, "IP neighbour without NDA_DST");
	return NL_NEIGH;
}

/* ---- nexthops ---- */

static int nh_group(const struct nlattr *a, struct dec *d)
{
	struct nl_nexthop *nh = &d->m->nh;
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a);
	struct nexthop_grp g;

	if (n == 0 || n % sizeof(g) != 0)
		return bad(d, "NHA_GROUP not a whole number of members");
	nh->n_group = 0;
	nh->group_truncated = n / sizeof(g) > NL_NH_GROUP_MAX;
	for (size_t i = 0; i < n / sizeof(g) && i < NL_NH_GROUP_MAX; i++) {
		memcpy(&g, p + i * sizeof(g), sizeof(g));
		nh->group[i].id = g.id;
		/* resvd1 is the weight's high byte since Linux 6.12 (0 before) */
		nh->group[i].weight = (((uint32_t)g.resvd1 << 8) | g.weight) + 1;
		nh->n_group++;
	}
	return 0;
}

static int nh_attr(const struct nlattr *a, struct dec *d)
{
	struct nl_nexthop *nh = &d->m->nh;

	switch (mnl_attr_get_type(a)) {
	case NHA_ID:
		return get_u32(a, &nh->id, d);
	case NHA_GROUP:
		return nh_group(a, d);
	case NHA_GROUP_TYPE:
		return get_u16(a, &nh->group_type, d);
	case NHA_BLACKHOLE:
		return get_flag(a, &nh->blackhole, d);
	case NHA_OIF:
		return get_int(a, &nh->oif, d);
	case NHA_GATEWAY:
		return get_addr(a, nh->family, &nh->gw, d);
	case NHA_FDB:
		return get_flag(a, &nh->fdb, d);
	}
	return 0;
}

static enum nl_kind decode_nexthop(const struct nlmsghdr *nlh, struct dec *d)
{
	const struct nhmsg *nhm = mnl_nlmsg_get_payload(nlh);
	struct nl_nexthop *nh = &d->m->nh;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*nhm))
		return malformed(d, "payload shorter than nhmsg");
	if (nhm->nh_family != AF_UNSPEC && nhm->nh_family != AF_INET &&
	    nhm->nh_family != AF_INET6)
		return malformed(d, "nexthop of unknown family");
	nh->family = nhm->nh_family;
	nh->protocol = nhm->nh_protocol;
	nh->flags = nhm->nh_flags;
	nh->deleted = nlh->nlmsg_type == RTM_DELNEXTHOP;
	if (walk_msg(nlh, sizeof(*nhm), nh_attr, d) < 0)
		return NL_MALFORMED;
	if (nh->id == 0)
		return malformed(d, "nexthop without NHA_ID");
	return NL_NEXTHOP;
}

/* ---- control messages ---- */

static int ack_attr(const struct nlattr *a, struct dec *d)
{
	const char *s;

	if (mnl_attr_get_type(a) != NLMSGERR_ATTR_MSG)
		return 0;
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return bad(d, "extended ACK message not NUL-terminated");
	s = mnl_attr_get_str(a);
	snprintf(d->m->err.msg, sizeof(d->m->err.msg), "%s", s);
	return 0;
}

static int check_errno(int e, struct dec *d)
{
	if (e > 0 || e < -MAX_ERRNO)
		return bad(d, "error code out of range");
	d->m->error = e;
	return 0;
}

static enum nl_kind decode_error(const struct nlmsghdr *nlh, struct dec *d)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t tlv = sizeof(*e);

	if (plen < sizeof(*e))
		return malformed(d, "NLMSG_ERROR shorter than nlmsgerr");
	if (check_errno(e->error, d) < 0)
		return NL_MALFORMED;
	d->m->err.req_type = e->msg.nlmsg_type;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_ERROR;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* the request was echoed in full; the TLVs follow it */
		if (e->msg.nlmsg_len < sizeof(e->msg) ||
		    e->msg.nlmsg_len > plen - sizeof(e->error))
			return malformed(d, "echoed request length out of bounds");
		tlv = sizeof(e->error) + MNL_ALIGN(e->msg.nlmsg_len);
	}
	if (tlv < plen && walk_attrs((const uint8_t *)e + tlv, plen - tlv, ack_attr, d) < 0)
		return NL_MALFORMED;
	return NL_ERROR;
}

static enum nl_kind decode_done(const struct nlmsghdr *nlh, struct dec *d)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	int e;

	if (plen == 0)
		return NL_DONE; /* old kernels sent no status */
	if (plen < sizeof(e))
		return malformed(d, "NLMSG_DONE status truncated");
	memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	if (check_errno(e, d) < 0)
		return NL_MALFORMED;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && plen > sizeof(e) &&
	    walk_attrs((const uint8_t *)mnl_nlmsg_get_payload(nlh) + sizeof(e),
		       plen - sizeof(e), ack_attr, d) < 0)
		return NL_MALFORMED;
	return NL_DONE;
}

enum nl_kind nl_decode(const void *buf, size_t len, struct nl_msg *out)
{
	const struct nlmsghdr *nlh = buf;
	struct dec d = { .m = out };
	enum nl_kind k;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || !aligned4(buf)) {
		d.why = "buffer misaligned";
		k = NL_MALFORMED;
	} else if (len < sizeof(*nlh)) {
		d.why = "truncated netlink header";
		k = NL_MALFORMED;
	} else {
		out->type = nlh->nlmsg_type;
		out->flags = nlh->nlmsg_flags;
		out->seq = nlh->nlmsg_seq;
		out->portid = nlh->nlmsg_pid;
		if (nlh->nlmsg_len < sizeof(*nlh))
			k = malformed(&d, "nlmsg_len shorter than the header");
		else if (nlh->nlmsg_len > len || nlh->nlmsg_len > INT_MAX)
			k = malformed(&d, "nlmsg_len beyond the buffer");
		else
			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:
				k = decode_error(nlh, &d);
				break;
			case NLMSG_DONE:
				k = decode_done(nlh, &d);
				break;
			case RTM_NEWLINK:
			case RTM_DELLINK:
				k = decode_link(nlh, &d);
				break;
			case RTM_NEWROUTE:
			case RTM_DELROUTE:
				k = decode_route(nlh, &d);
				break;
			case RTM_NEWNEIGH:
			case RTM_DELNEIGH:
				k = decode_neigh(nlh, &d);
				break;
			case RTM_NEWNEXTHOP:
			case RTM_DELNEXTHOP:
				k = decode_nexthop(nlh, &d);
				break;
			default:
				k = NL_NONE;
				break;
			}
	}
	if (k == NL_MALFORMED || k == NL_NONE) {
		/* drop whatever a failed decoder had filled in */
		memset(&out->link, 0, sizeof(*out) - offsetof(struct nl_msg, link));
		out->error = k == NL_MALFORMED ? -EBADMSG : 0;
	}
	out->kind = k;
	out->why = k == NL_MALFORMED ? d.why : NULL;
	return k;
}

int nl_decode_each(const void *buf, size_t len, nl_msg_cb cb, void *arg)
{
	const uint8_t *p = buf;
	struct nl_msg m;
	int n = 0;

	if (buf == NULL || !aligned4(buf))
		return -EINVAL;
	while (len > 0) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step;
		int rc;

		nl_decode(p, len, &m);
		n++;
		rc = cb(arg, &m);
		if (rc < 0)
			return rc;
		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			return -EBADMSG;
		step = MNL_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return n;
}

const char *nl_kind_name(enum nl_kind k)
{
	static const char *const names[] = {
		[NL_NONE] = "none",   [NL_LINK] = "link",   [NL_ROUTE] = "route",
		[NL_NEIGH] = "neigh", [NL_NEXTHOP] = "nexthop", [NL_DONE] = "done",
		[NL_ERROR] = "error", [NL_MALFORMED] = "malformed",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}
