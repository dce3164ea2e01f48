/* nl_sock: see nl_sock.h for the contract. */
#include "nl_sock.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Kernel dump datagrams are at most 32 KiB; one message may exceed that. */
#define NL_SOCK_BUFSZ (64u << 10)
#define NL_DUMPQ 8

struct nl_dump {
	uint16_t type;
	uint8_t family;
	uint32_t seq;
};

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;
	uint32_t groups;              /* RTNLGRP_* bits for nl_sock_resync(), below 32 */
	bool nexthop_group;           /* RTNLGRP_NEXTHOP (32) */
	struct nl_dump q[NL_DUMPQ];   /* q[0] is in flight when busy */
	unsigned nq;
	bool busy;
	bool intr;                    /* the running dump saw NLM_F_DUMP_INTR */
	_Alignas(8) uint8_t buf[NL_SOCK_BUFSZ];
};

static void opt(struct mnl_socket *nl, int name)
{
	int one = 1;

	/* optional refinements (error text, short acks, strict requests) */
	(void)mnl_socket_setsockopt(nl, name, &one, sizeof(one));
}

/* A bound NETLINK_ROUTE socket with no groups. */
static int open_mnl(int flags, struct mnl_socket **out)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, flags | SOCK_CLOEXEC);
	int err;

	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	opt(nl, NETLINK_EXT_ACK);
	opt(nl, NETLINK_CAP_ACK);
	opt(nl, NETLINK_GET_STRICT_CHK);
	*out = nl;
	return 0;
}

int nl_sock_open(const unsigned *groups, size_t n_groups, struct nl_sock **out)
{
	struct nl_sock *s = calloc(1, sizeof(*s));
	int size = (int)NL_SOCK_RCVBUF;
	int fd, err;

	*out = NULL;
	if (s == NULL)
		return -ENOMEM;
	err = open_mnl(SOCK_NONBLOCK, &s->mnl);
	if (err < 0) {
		free(s);
		return err;
	}
	fd = mnl_socket_get_fd(s->mnl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	for (size_t i = 0; i < n_groups; i++) {
		int g = (int)groups[i];

		if (mnl_socket_setsockopt(s->mnl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0) {
			err = -errno;
			nl_sock_close(s);
			return err;
		}
		if (groups[i] < 32)
			s->groups |= 1u << groups[i];
		else if (groups[i] == RTNLGRP_NEXTHOP)
			s->nexthop_group = true;
	}
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = 1;
	*out = s;
	return 0;
}

void nl_sock_close(struct nl_sock *s)
{
	if (s == NULL)
		return;
	mnl_socket_close(s->mnl);
	free(s);
}

int nl_sock_fd(const struct nl_sock *s)
{
	return mnl_socket_get_fd(s->mnl);
}

uint32_t nl_sock_next_seq(struct nl_sock *s)
{
	if (++s->seq == 0) /* 0 is what kernel notifications carry */
		s->seq = 1;
	return s->seq;
}

int nl_sock_send(struct nl_sock *s, const void *req, size_t len)
{
	ssize_t n = mnl_socket_sendto(s->mnl, req, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Send the head of the queue if nothing is in flight. */
static int dump_kick(struct nl_sock *s)
{
	_Alignas(4) uint8_t req[64];
	int n, err;

	if (s->busy || s->nq == 0)
		return 0;
	n = nl_build_dump(req, sizeof(req), s->q[0].type, s->q[0].family, s->q[0].seq);
	if (n < 0)
		return n;
	err = nl_sock_send(s, req, (size_t)n);
	if (err == 0) {
		s->busy = true;
		s->intr = false;
	}
	return err;
}

static void dump_finished(struct nl_sock *s)
{
	struct nl_dump again = s->q[0];

	s->busy = false;
	memmove(&s->q[0], &s->q[1], (s->nq - 1) * sizeof(s->q[0]));
	s->nq--;
	if (s->intr) {
		again.seq = nl_sock_next_seq(s);
		s->q[s->nq++] = again;
	}
	(void)dump_kick(s); /* a failed send stays queued; retried on the next call */
}

int nl_sock_dump(struct nl_sock *s, uint16_t type, uint8_t family, uint32_t *seq)
{
	_Alignas(4) uint8_t probe[64];

	if (nl_build_dump(probe, sizeof(probe), type, family, 0) < 0)
		return -EINVAL;
	/* one waiting copy is enough; one in flight may already be stale */
	for (unsigned i = s->busy ? 1 : 0; i < s->nq; i++)
		if (s->q[i].type == type && s->q[i].family == family) {
			if (seq != NULL)
				*seq = s->q[i].seq;
			return 0;
		}
	if (s->nq == NL_DUMPQ)
		return -ENOSPC;
	s->q[s->nq] = (struct nl_dump){ .type = type, .family = family,
					.seq = nl_sock_next_seq(s) };
	if (seq != NULL)
		*seq = s->q[s->nq].seq;
	s->nq++;
	return dump_kick(s);
}

int nl_sock_resync(struct nl_sock *s)
{
	int err = 0;

	if (s->groups & (1u << RTNLGRP_LINK))
		err = err ? err : nl_sock_dump(s, RTM_GETLINK, AF_UNSPEC, NULL);
	if (s->groups & (1u << RTNLGRP_NEIGH)) {
		err = err ? err : nl_sock_dump(s, RTM_GETNEIGH, AF_UNSPEC, NULL);
		err = err ? err : nl_sock_dump(s, RTM_GETNEIGH, AF_BRIDGE, NULL);
	}
	if (s->groups & (1u << RTNLGRP_IPV4_ROUTE))
		err = err ? err : nl_sock_dump(s, RTM_GETROUTE, AF_INET, NULL);
	if (s->groups & (1u << RTNLGRP_IPV6_ROUTE))
		err = err ? err : nl_sock_dump(s, RTM_GETROUTE, AF_INET6, NULL);
	if (s->nexthop_group)
		err = err ? err : nl_sock_dump(s, RTM_GETNEXTHOP, AF_UNSPEC, NULL);
	return err;
}

struct recv_ctx {
	struct nl_sock *s;
	nl_msg_cb cb;
	void *arg;
};

static int on_msg(void *arg, const struct nl_msg *m)
{
	struct recv_ctx *c = arg;
	struct nl_sock *s = c->s;

	if (s->busy && m->seq == s->q[0].seq && m->portid == s->portid) {
		if (m->flags & NLM_F_DUMP_INTR)
			s->intr = true;
		if (m->kind == NL_DONE || m->kind == NL_ERROR)
			dump_finished(s);
	}
	return c->cb(c->arg, m);
}

int nl_sock_recv(struct nl_sock *s, nl_msg_cb cb, void *arg)
{
	struct recv_ctx c = { .s = s, .cb = cb, .arg = arg };
	int total = 0;

	(void)dump_kick(s);
	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = s->buf, .iov_len = sizeof(s->buf) };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(nl_sock_fd(s), &mh, MSG_DONTWAIT);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return total > 0 ? total : -EAGAIN;
		if (n < 0)
			return -errno; /* ENOBUFS: the kernel dropped messages */
		if (mh.msg_flags & MSG_TRUNC)
			return -ENOBUFS;
		if (mh.msg_namelen != sizeof(sa) || sa.nl_family != AF_NETLINK || sa.nl_pid != 0)
			continue;
		rc = nl_decode_each(s->buf, (size_t)n, on_msg, &c);
		if (rc >= 0)
			total += rc;
		else if (rc != -EBADMSG) /* a broken tail was reported to cb already */
			return rc;
	}
}

/* ---- one-shot transactions ---- */

struct txn {
	uint32_t portid;
	enum nl_kind want;   /* NL_ERROR for a plain ACK */
	void *out;           /* struct nl_link / nl_route / nl_neigh for want */
	int rc;
	bool done;
};

static int on_reply(void *arg, const struct nl_msg *m)
{
	struct txn *t = arg;

	if (t->done || m->seq != 1 || m->portid != t->portid)
		return 0; /* not ours */
	t->done = true;
	if (m->kind == NL_MALFORMED)
		t->rc = -EBADMSG;
	else if (m->kind == NL_ERROR)
		t->rc = m->error != 0 ? m->error : t->want == NL_ERROR ? 0 : -EPROTO;
	else if (m->kind == t->want && m->kind == NL_LINK)
		*(struct nl_link *)t->out = m->link;
	else if (m->kind == t->want && m->kind == NL_ROUTE)
		*(struct nl_route *)t->out = m->route;
	else if (m->kind == t->want && m->kind == NL_NEIGH)
		*(struct nl_neigh *)t->out = m->neigh;
	else
		t->rc = -EPROTO;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send req (built with seq 1) on a fresh socket and wait for its answer. */
static int transact(const void *req, size_t len, enum nl_kind want, void *out)
{
	struct txn t = { .want = want, .out = out };
	struct mnl_socket *nl;
	int64_t deadline = now_ms() + NL_SYNC_TIMEOUT_MS;
	uint8_t *buf = malloc(NL_SOCK_BUFSZ);
	int err;

	if (buf == NULL)
		return -ENOMEM;
	err = open_mnl(0, &nl);
	if (err < 0) {
		free(buf);
		return err;
	}
	t.portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, req, len) < 0) {
		t.rc = -errno;
		t.done = true;
	}
	while (!t.done) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = buf, .iov_len = NL_SOCK_BUFSZ };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			t.rc = -ETIMEDOUT;
			break;
		}
		n = recvmsg(pfd.fd, &mh, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			t.rc = -errno;
			break;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			t.rc = -EMSGSIZE;
			break;
		}
		if (sa.nl_pid == 0)
			(void)nl_decode_each(buf, (size_t)n, on_reply, &t);
	}
	mnl_socket_close(nl);
	free(buf);
	return t.rc;
}

int nl_route_lookup(const struct vx_ip *dst, struct nl_route *out)
{
	_Alignas(4) uint8_t req[64];
	int n = nl_build_route_get(req, sizeof(req), dst, 1);
	int err;

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return n;
	err = transact(req, (size_t)n, NL_ROUTE, out);
	if (err == 0 && out->type != RTN_UNICAST && out->type != RTN_LOCAL)
		err = -ENETUNREACH;
	return err;
}

int nl_neigh_get(int ifindex, const struct vx_ip *ip, struct nl_neigh *out)
{
	_Alignas(4) uint8_t req[64];
	int n = nl_build_neigh_get(req, sizeof(req), ifindex, ip, 1);

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return n;
	return transact(req, (size_t)n, NL_NEIGH, out);
}

int nl_neigh_resolve(int ifindex, const struct vx_ip *ip)
{
	_Alignas(4) uint8_t req[64];
	struct nl_neigh cur;
	bool create_only;
	int n, err;

	err = nl_neigh_get(ifindex, ip, &cur);
	if (err < 0 && err != -ENOENT)
		return err;
	/* NTF_USE would strip NUD_PERMANENT (Linux >= 5.16); resolved entries
	 * need nothing */
	if (err == 0 && (cur.state & (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE)))
		return 0;
	/* a missing entry is only created: if one appears meanwhile, leave it */
	create_only = err == -ENOENT;
	n = nl_build_neigh_use(req, sizeof(req), ifindex, ip, create_only, 1);
	if (n < 0)
		return n;
	err = transact(req, (size_t)n, NL_ERROR, NULL);
	return create_only && err == -EEXIST ? 0 : err;
}

int nl_link_get(const char *ifname, struct nl_link *out)
{
	_Alignas(4) uint8_t req[64];
	int n = nl_build_link_get(req, sizeof(req), ifname, 1);

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return n;
	return transact(req, (size_t)n, NL_LINK, out);
}
