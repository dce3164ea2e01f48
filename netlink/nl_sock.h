/* nl_sock: the rtnetlink I/O edge of the control thread (decoding is nl_decode).
 *
 * Contract
 * - Everything acts in the network namespace the calling thread is in when the
 *   socket is opened (or, for the one-shot helpers, when they are called).
 * - A struct nl_sock belongs to one thread (the control thread). Its socket is
 *   non-blocking: put nl_sock_fd() in epoll and call nl_sock_recv() when readable.
 * - Dumps are queued and sent one at a time (the kernel refuses a second dump on
 *   a socket while one runs); the next goes out when the previous one's
 *   NLMSG_DONE (or error) has been read. A dump the kernel marks inconsistent
 *   (NLM_F_DUMP_INTR) is queued again by itself.
 * - Overrun: when the kernel dropped events (receive queue full) or a datagram
 *   did not fit, nl_sock_recv() returns -ENOBUFS. State learned from events is
 *   then incomplete: call nl_sock_resync() and reconcile with the dumps.
 * - Only datagrams sent by the kernel (nl_pid 0) are accepted; others are dropped.
 * - The one-shot helpers (nl_route_lookup, nl_neigh_get, nl_neigh_resolve,
 *   nl_link_get) open their own socket, may be called from any thread, and block
 *   for at most NL_SYNC_TIMEOUT_MS.
 * - Return values: 0 (or a count) on success, -errno on failure.
 */
#ifndef NL_SOCK_H
#define NL_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "nl_decode.h"

#define NL_SYNC_TIMEOUT_MS 500
#define NL_SOCK_RCVBUF (32u << 20) /* asked for; SO_RCVBUF may cap it without CAP_NET_ADMIN */

struct nl_sock;

/** Open a NETLINK_ROUTE socket subscribed to RTNLGRP_* groups (any number,
 *  including groups above 31 such as RTNLGRP_NEXTHOP). */
int nl_sock_open(const unsigned *groups, size_t n_groups, struct nl_sock **out);
void nl_sock_close(struct nl_sock *s);
int nl_sock_fd(const struct nl_sock *s);

/** A fresh sequence number for a request sent with nl_sock_send(). */
uint32_t nl_sock_next_seq(struct nl_sock *s);
/** Send one request built by an nl_build_*() function. Replies and errors come
 *  back through nl_sock_recv() with the request's seq. */
int nl_sock_send(struct nl_sock *s, const void *req, size_t len);

/** Queue a dump (see nl_build_dump). *seq, if not NULL, receives the seq its
 *  messages and its NL_DONE will carry. A dump already waiting is not queued
 *  twice. If sending fails the error is returned and the dump stays queued;
 *  nl_sock_recv() retries it. */
int nl_sock_dump(struct nl_sock *s, uint16_t type, uint8_t family, uint32_t *seq);
/** Queue the dumps that cover the subscribed groups: links, IP neighbours and
 *  fdb entries, IPv4 and IPv6 routes, nexthops. */
int nl_sock_resync(struct nl_sock *s);

/** Read every datagram available without blocking, decode it and call cb for
 *  each message (NL_MALFORMED ones included). Returns the number of messages
 *  handed to cb, -EAGAIN if there was nothing to read, -ENOBUFS on overrun (see
 *  above), cb's negative value if it stopped, or another -errno. */
int nl_sock_recv(struct nl_sock *s, nl_msg_cb cb, void *arg);

/** The kernel's route to dst (like `ip route get`): oif, gw (unset = on-link),
 *  prefsrc, type. -ENETUNREACH (or the kernel's error) if there is none, with
 *  *out still filled when the kernel returned an unreachable/blackhole route. */
int nl_route_lookup(const struct vx_ip *dst, struct nl_route *out);

/** The neighbour entry for ip on ifindex right now (like `ip neigh get`); check
 *  out->has_mac and out->state. -ENOENT if the kernel has no entry. */
int nl_neigh_get(int ifindex, const struct vx_ip *ip, struct nl_neigh *out);

/** Make the kernel resolve ip on ifindex (ARP or ND): creates a missing entry
 *  and probes it, re-probes a STALE/FAILED/INCOMPLETE one, leaves REACHABLE,
 *  PERMANENT and NOARP entries alone (RTM_NEWNEIGH + NTF_USE, see
 *  nl_build_neigh_use). Returns once the kernel accepted the request. The
 *  kernel sends no event for INCOMPLETE; the outcome arrives as RTM_NEWNEIGH
 *  REACHABLE (with lladdr) or FAILED (after ~3 s of unanswered probes). */
int nl_neigh_resolve(int ifindex, const struct vx_ip *ip);

/** The device named ifname: ifindex, MAC, flags, carrier. -ENODEV if none. */
int nl_link_get(const char *ifname, struct nl_link *out);

#endif
