/* evpn_shadow: see evpn_shadow.h. */
#include "evpn_shadow.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "evpn_nlmsg.h"
#include "nl_sock.h"

#define SHADOW_BUFSZ 16384

struct evpn_shadow {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	bool no_dummy;       /* the kernel refused a dummy once: veth from then on */
	_Alignas(8) uint8_t req[1024];
	_Alignas(8) uint8_t buf[SHADOW_BUFSZ];
};

int evpn_shadow_open(struct evpn_shadow **out)
{
	struct evpn_shadow *sh = calloc(1, sizeof(*sh));
	int one = 1, err;

	*out = NULL;
	if (sh == NULL)
		return -ENOMEM;
	sh->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (sh->nl == NULL || mnl_socket_bind(sh->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		if (sh->nl != NULL)
			mnl_socket_close(sh->nl);
		free(sh);
		return err;
	}
	(void)mnl_socket_setsockopt(sh->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(sh->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	sh->portid = mnl_socket_get_portid(sh->nl);
	*out = sh;
	return 0;
}

void evpn_shadow_close(struct evpn_shadow *sh)
{
	if (sh == NULL)
		return;
	mnl_socket_close(sh->nl);
	free(sh);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct answer {
	struct evpn_link_info *link; /* RTM_GETLINK: filled from the reply */
	bool got_link;
};

/* Send the request in sh->req and wait for its ACK (or its reply and then
 * nothing more: a GETLINK by name answers with one message, no ACK). */
static int transact(struct evpn_shadow *sh, int n, struct answer *ans)
{
	struct nlmsghdr *req = (struct nlmsghdr *)sh->req;
	int64_t deadline = now_ms() + NL_SYNC_TIMEOUT_MS;

	if (n < 0)
		return n;
	req->nlmsg_seq = ++sh->seq;
	if (mnl_socket_sendto(sh->nl, req, (size_t)n) < 0)
		return -errno;
	for (;;) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(sh->nl), .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t len;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		len = recv(pfd.fd, sh->buf, sizeof(sh->buf), MSG_DONTWAIT);
		if (len < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (len < 0)
			return -errno;
		for (const struct nlmsghdr *nlh = (const void *)sh->buf; mnl_nlmsg_ok(nlh, (int)len);
		     nlh = mnl_nlmsg_next(nlh, (int *)&len)) {
			if (nlh->nlmsg_seq != sh->seq || nlh->nlmsg_pid != sh->portid)
				continue; /* a late answer to an earlier, timed-out request */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
					return -EBADMSG;
				return e->error;
			}
			if (nlh->nlmsg_type == RTM_NEWLINK && ans != NULL && ans->link != NULL) {
				ans->got_link = evpn_parse_link(nlh, nlh->nlmsg_len, ans->link) == 0;
				return ans->got_link ? 0 : -EBADMSG;
			}
		}
	}
}

static int link_get(struct evpn_shadow *sh, const char *name, struct evpn_link_info *l)
{
	struct answer ans = { .link = l };

	memset(l, 0, sizeof(*l));
	return transact(sh, evpn_build_link_get(sh->req, sizeof(sh->req), name, 0), &ans);
}

static int simple(struct evpn_shadow *sh, int n)
{
	return transact(sh, n, NULL);
}

int evpn_shadow_del(struct evpn_shadow *sh, const char *name)
{
	struct evpn_link_info l;
	int err = link_get(sh, name, &l);

	if (err == -ENODEV)
		return 0;
	if (err < 0)
		return err;
	err = simple(sh, evpn_build_link_del(sh->req, sizeof(sh->req), l.ifindex, 0));
	return err == -ENODEV ? 0 : err;
}

static int fail(char *msg, size_t msglen, int err, const char *what, const char *name)
{
	if (msg != NULL && msglen > 0)
		snprintf(msg, msglen, "evpn shadow: %s %s: %s", what, name, strerror(-err));
	return err;
}

/* Make name exist with kind; an existing device that does not fit
 * (fits() says no) is removed first. */
static int ensure(struct evpn_shadow *sh, const char *name, const char *kind,
		  bool (*fits)(const struct evpn_link_info *l, const void *arg), const void *arg,
		  int (*build)(struct evpn_shadow *sh, const void *arg), struct evpn_link_info *l,
		  bool *reused)
{
	int err = link_get(sh, name, l);

	*reused = false;
	if (err == 0 && strcmp(l->kind, kind) == 0 && (fits == NULL || fits(l, arg))) {
		*reused = true;
		return 0;
	}
	if (err == 0) {
		err = simple(sh, evpn_build_link_del(sh->req, sizeof(sh->req), l->ifindex, 0));
		if (err < 0 && err != -ENODEV)
			return err;
	} else if (err != -ENODEV) {
		return err;
	}
	err = build(sh, arg);
	if (err < 0)
		return err;
	return link_get(sh, name, l);
}

static bool vxlan_fits(const struct evpn_link_info *l, const void *arg)
{
	const struct evpn_shadow_vni *c = arg;

	return l->vni == c->vni && vx_ip_eq(&l->local, &c->local) && l->dstport == c->dstport;
}

static int vxlan_build(struct evpn_shadow *sh, const void *arg)
{
	const struct evpn_shadow_vni *c = arg;

	/* enslaved and brought up below, once the bridge is known */
	return simple(sh, evpn_build_vxlan(sh->req, sizeof(sh->req), c->vxlan_name, c->vni,
					   &c->local, c->dstport, 0, false, 0));
}

static int bridge_build(struct evpn_shadow *sh, const void *arg)
{
	const struct evpn_shadow_vni *c = arg;

	return simple(sh, evpn_build_bridge(sh->req, sizeof(sh->req), c->bridge_name, 0));
}

int evpn_shadow_vni_add(struct evpn_shadow *sh, const struct evpn_shadow_vni *c,
			int *vxlan_ifindex, int *br_ifindex, bool *reused, char *msg,
			size_t msglen)
{
	struct evpn_link_info br, vx;
	bool br_reused, vx_reused;
	int err;

	err = ensure(sh, c->bridge_name, "bridge", NULL, c, bridge_build, &br, &br_reused);
	if (err < 0)
		return fail(msg, msglen, err, "creating bridge", c->bridge_name);
	/* no link-local address, no DAD: the bridge carries no traffic */
	err = simple(sh, evpn_build_no_ipv6(sh->req, sizeof(sh->req), br.ifindex, 0));
	if (err < 0 && err != -EAFNOSUPPORT && err != -EOPNOTSUPP)
		return fail(msg, msglen, err, "disabling IPv6 on", c->bridge_name);
	err = ensure(sh, c->vxlan_name, "vxlan", vxlan_fits, c, vxlan_build, &vx, &vx_reused);
	if (err < 0)
		return fail(msg, msglen, err, "creating vxlan device", c->vxlan_name);
	err = simple(sh, evpn_build_link_set(sh->req, sizeof(sh->req), vx.ifindex, true,
					     br.ifindex, 0));
	if (err < 0)
		return fail(msg, msglen, err, "enslaving", c->vxlan_name);
	err = simple(sh, evpn_build_brport(sh->req, sizeof(sh->req), vx.ifindex, false, true, 0));
	if (err < 0)
		return fail(msg, msglen, err, "setting learning off neigh_suppress on for",
			    c->vxlan_name);
	err = simple(sh, evpn_build_link_set(sh->req, sizeof(sh->req), br.ifindex, true, -1, 0));
	if (err < 0)
		return fail(msg, msglen, err, "bringing up", c->bridge_name);
	*vxlan_ifindex = vx.ifindex;
	*br_ifindex = br.ifindex;
	*reused = br_reused && vx_reused;
	return 0;
}

struct standin {
	const char *name, *peer, *alias;
	int master;
};

static int standin_build(struct evpn_shadow *sh, const struct standin *s)
{
	int err = -EOPNOTSUPP;

	if (!sh->no_dummy) {
		err = simple(sh, evpn_build_standin(sh->req, sizeof(sh->req), "dummy", s->name,
						    NULL, s->master, 0));
		if (err == -EOPNOTSUPP || err == -ENOENT)
			sh->no_dummy = true; /* no dummy driver in this kernel */
	}
	if (sh->no_dummy)
		err = simple(sh, evpn_build_standin(sh->req, sizeof(sh->req), "veth", s->name,
						    s->peer, s->master, 0));
	return err;
}

int evpn_shadow_port_add(struct evpn_shadow *sh, const char *name, const char *peer_name,
			 int br_ifindex, const char *alias, int *ifindex, bool *reused,
			 char *msg, size_t msglen)
{
	const struct standin s = { name, peer_name, alias, br_ifindex };
	struct evpn_link_info l;
	int err = link_get(sh, name, &l);

	*reused = err == 0 && (strcmp(l.kind, "dummy") == 0 || strcmp(l.kind, "veth") == 0);
	if (!*reused) {
		if (err == 0)
			err = simple(sh, evpn_build_link_del(sh->req, sizeof(sh->req), l.ifindex, 0));
		if (err < 0 && err != -ENODEV)
			return fail(msg, msglen, err, "replacing", name);
		err = standin_build(sh, &s);
		if (err == 0)
			err = link_get(sh, name, &l);
		if (err < 0)
			return fail(msg, msglen, err, "creating stand-in port", name);
	} else {
		err = simple(sh, evpn_build_link_set(sh->req, sizeof(sh->req), l.ifindex, true,
						     br_ifindex, 0));
		if (err < 0)
			return fail(msg, msglen, err, "enslaving", name);
	}
	err = simple(sh, evpn_build_brport(sh->req, sizeof(sh->req), l.ifindex, false, false, 0));
	if (err < 0)
		return fail(msg, msglen, err, "setting learning off for", name);
	if (alias != NULL && alias[0] != '\0') {
		/* for the operator: which vxsw port this stands in for */
		err = simple(sh, evpn_build_link_alias(sh->req, sizeof(sh->req), l.ifindex, alias, 0));
		if (err < 0)
			return fail(msg, msglen, err, "setting the alias of", name);
	}
	*ifindex = l.ifindex;
	return 0;
}
