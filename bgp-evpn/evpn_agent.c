/* evpn_agent: the I/O edge around evpn_model: netlink events and dumps in,
 * shadow requests out, FRR liveness, stand-in ports. See evpn.h. */
#include "evpn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "evpn_hash.h"
#include "evpn_nlmsg.h"
#include "evpn_shadow.h"
#include "nl_sock.h"
#include "vx_time.h"

#define container_of(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

#define FRR_CHECK_NS (100ull * 1000 * 1000)
#define POLL_MAX_MS 100
#define N_DUMPS 4
#define PORT_K_MAX 10000

/* Links first (devices), nexthops before the fdb entries that use them. */
static const struct {
	uint16_t type;
	uint8_t family;
} dumps[N_DUMPS] = {
	{ RTM_GETLINK, AF_UNSPEC },
	{ RTM_GETNEXTHOP, AF_UNSPEC },
	{ RTM_GETNEIGH, AF_BRIDGE },
	{ RTM_GETNEIGH, AF_UNSPEC },
};

struct evpn_port {
	struct evpn_hnode h;    /* key: (vni, name) */
	uint32_t vni;
	int ifindex;
	unsigned k;
	char ifname[16];
	char name[64];          /* the vxsw port name (truncated) */
};

struct deferred {
	bool neigh;
	bool present;
	uint32_t vni;
	uint8_t mac[6];
	struct vx_ip ip;
	char port[64];
};

struct evpn_agent {
	struct evpn_agent_cfg cfg;
	struct evpn_model *m;
	struct nl_sock *nl;
	struct evpn_shadow *sh;
	struct evpn_hash ports;
	unsigned n_ports;
	uint64_t now;
	/* resync */
	uint32_t dump_seq[N_DUMPS];
	unsigned dump_wait;          /* bit i: dumps[i] not finished */
	unsigned dump_intr;          /* bit i: dumps[i] was inconsistent */
	bool synced;
	/* FRR */
	uint64_t frr_checked;
	int zebra_pid, bgpd_pid;
	/* re-entrancy */
	unsigned depth;
	struct deferred *q;
	unsigned nq, capq;
	/* counters */
	uint64_t nl_msgs, enobufs, requests, request_errors;
	char last_error[160];
};

void evpn_agent_cfg_default(struct evpn_agent_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dstport = 4789;
	strcpy(cfg->frr_rundir, "/run/frr");
	strcpy(cfg->port_prefix, "ev");
	evpn_model_cfg_default(&cfg->model);
}

static void set_msg(char *msg, size_t msglen, const char *fmt, const char *s, int err)
{
	if (msg != NULL && msglen > 0)
		snprintf(msg, msglen, fmt, s, strerror(-err));
}

/* ---- shadow requests from the model (asynchronous; answers counted) ---- */

static int send_req(struct evpn_agent *a, const void *req, int n)
{
	int err;

	if (n < 0)
		return n;
	err = nl_sock_send(a->nl, req, (size_t)n);
	a->requests++;
	if (err < 0) {
		a->request_errors++;
		snprintf(a->last_error, sizeof(a->last_error), "sending a shadow request: %s",
			 strerror(-err));
	}
	return err;
}

static int shadow_fdb(void *arg, int port, const uint8_t mac[6], bool add)
{
	struct evpn_agent *a = arg;
	_Alignas(4) uint8_t req[128];

	return send_req(a, req, evpn_build_fdb(req, sizeof(req), port, mac, add,
					       nl_sock_next_seq(a->nl)));
}

static int shadow_neigh(void *arg, int br, const struct vx_ip *ip, const uint8_t mac[6], bool add)
{
	struct evpn_agent *a = arg;
	_Alignas(4) uint8_t req[128];

	return send_req(a, req, evpn_build_neigh(req, sizeof(req), br, ip, mac, add,
						 nl_sock_next_seq(a->nl)));
}

static const struct evpn_shadow_ops shadow_ops = { .fdb = shadow_fdb, .neigh = shadow_neigh };

/* ---- deferred local events (made from inside a callback) ---- */

static void enter(struct evpn_agent *a) { a->depth++; }

static int apply_deferred(struct evpn_agent *a, const struct deferred *d);

static void leave(struct evpn_agent *a)
{
	if (--a->depth > 0)
		return;
	/* applying may report and so queue more: run until the queue is empty */
	for (unsigned i = 0; i < a->nq; i++) {
		struct deferred d = a->q[i];

		a->depth++;
		(void)apply_deferred(a, &d);
		a->depth--;
	}
	a->nq = 0;
}

static int defer(struct evpn_agent *a, const struct deferred *d)
{
	if (a->nq == a->capq) {
		unsigned cap = a->capq ? a->capq * 2 : 64;
		struct deferred *q = realloc(a->q, cap * sizeof(*q));

		if (q == NULL)
			return -ENOMEM;
		a->q = q;
		a->capq = cap;
	}
	a->q[a->nq++] = *d;
	return 0;
}

/* ---- ports ---- */

static uint64_t port_hash(uint32_t vni, const char *name)
{
	return evpn_hash_bytes(name, strlen(name), vni);
}

struct port_key {
	uint32_t vni;
	const char *name;
};

static bool port_eq(const struct evpn_hnode *n, const void *key)
{
	const struct evpn_port *p = container_of(n, struct evpn_port, h);
	const struct port_key *k = key;

	return p->vni == k->vni && strcmp(p->name, k->name) == 0;
}

static struct evpn_port *port_find(struct evpn_agent *a, uint32_t vni, const char *name)
{
	char n[64];
	struct port_key k = { vni, n };
	struct evpn_hnode *h;

	snprintf(n, sizeof(n), "%s", name);
	h = evpn_hash_find(&a->ports, port_hash(vni, n), &k, port_eq);
	return h != NULL ? container_of(h, struct evpn_port, h) : NULL;
}

struct port_walk {
	uint32_t vni;
	int ifindex;
	uint64_t used[PORT_K_MAX / 64 + 1];
	struct evpn_port *found;
};

static int port_scan(void *arg, struct evpn_hnode *n)
{
	struct port_walk *w = arg;
	struct evpn_port *p = container_of(n, struct evpn_port, h);

	if (p->vni == w->vni && p->k < PORT_K_MAX)
		w->used[p->k / 64] |= 1ull << (p->k % 64);
	if (w->ifindex != 0 && p->ifindex == w->ifindex)
		w->found = p;
	return 0;
}

static struct evpn_port *port_by_ifindex(struct evpn_agent *a, int ifindex)
{
	struct port_walk w = { .ifindex = ifindex };

	if (ifindex != 0)
		evpn_hash_walk(&a->ports, port_scan, &w);
	return w.found;
}

int evpn_port_add(struct evpn_agent *a, uint32_t vni, const char *port, char *msg,
		  size_t msglen)
{
	struct port_walk w = { .vni = vni };
	struct evpn_port *p;
	char peer[16];
	bool reused;
	int br = evpn_model_vni_dev(a->m, vni, EVPN_DEV_BRIDGE), err;
	unsigned k = 0;

	if (port == NULL || port[0] == '\0')
		return -EINVAL;
	if (port_find(a, vni, port) != NULL)
		return 0;
	if (br == 0) {
		set_msg(msg, msglen, "evpn: VNI of port %s has no shadow bridge (%s)", port, -ENOENT);
		return -ENOENT;
	}
	evpn_hash_walk(&a->ports, port_scan, &w);
	while (k < PORT_K_MAX && (w.used[k / 64] & (1ull << (k % 64))))
		k++;
	if (k == PORT_K_MAX)
		return -ENOSPC;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->vni = vni;
	p->k = k;
	snprintf(p->name, sizeof(p->name), "%s", port);
	snprintf(p->ifname, sizeof(p->ifname), "%s%up%u", a->cfg.port_prefix, vni, k);
	snprintf(peer, sizeof(peer), "%s%uq%u", a->cfg.port_prefix, vni, k);
	err = evpn_shadow_port_add(a->sh, p->ifname, peer, br, port, &p->ifindex, &reused, msg,
				   msglen);
	if (err == 0)
		err = evpn_model_dev_set(a->m, p->ifindex, vni, EVPN_DEV_PORT, a->now);
	if (err < 0) {
		free(p);
		return err;
	}
	evpn_hash_add(&a->ports, &p->h, port_hash(vni, p->name));
	a->n_ports++;
	if (reused)
		evpn_agent_resync(a); /* adopt or clean what an earlier run left on it */
	return 0;
}

static void port_remove(struct evpn_agent *a, struct evpn_port *p)
{
	/* forgetting the device drops its local MACs; deleting it flushes them */
	evpn_model_dev_set(a->m, p->ifindex, p->vni, EVPN_DEV_NONE, a->now);
	if (!a->cfg.keep_shadow)
		(void)evpn_shadow_del(a->sh, p->ifname);
	evpn_hash_del(&a->ports, &p->h);
	a->n_ports--;
	free(p);
}

int evpn_port_del(struct evpn_agent *a, uint32_t vni, const char *port)
{
	struct evpn_port *p = port_find(a, vni, port);

	if (p == NULL)
		return -ENOENT;
	enter(a);
	port_remove(a, p);
	leave(a);
	return 0;
}

/* ---- VNIs ---- */

static void vni_names(const struct evpn_agent *a, uint32_t vni, char vx[16], char br[16])
{
	snprintf(vx, 16, "%s%u", a->cfg.model.vxlan_prefix, vni);
	snprintf(br, 16, "%s%u", a->cfg.model.bridge_prefix, vni);
}

int evpn_vni_add(struct evpn_agent *a, uint32_t vni, char *msg, size_t msglen)
{
	char vx[16], br[16];
	struct evpn_shadow_vni c = { .vni = vni, .vxlan_name = vx, .bridge_name = br,
				     .local = a->cfg.local_vtep, .dstport = a->cfg.dstport };
	int vx_if, br_if, err;
	bool reused;

	enter(a);
	err = evpn_model_vni_add(a->m, vni);
	if (err < 0) {
		if (msg != NULL && msglen > 0)
			snprintf(msg, msglen, "evpn: VNI %u: %s", vni,
				 err == -EEXIST ? "already has EVPN" : strerror(-err));
		leave(a);
		return err;
	}
	vni_names(a, vni, vx, br);
	err = evpn_shadow_vni_add(a->sh, &c, &vx_if, &br_if, &reused, msg, msglen);
	if (err == 0)
		err = evpn_model_dev_set(a->m, br_if, vni, EVPN_DEV_BRIDGE, a->now);
	if (err == 0)
		err = evpn_model_dev_set(a->m, vx_if, vni, EVPN_DEV_VXLAN, a->now);
	if (err < 0)
		evpn_model_vni_del(a->m, vni);
	else if (reused)
		evpn_agent_resync(a); /* adopt or clean what an earlier run left */
	leave(a);
	return err;
}

struct vni_ports {
	uint32_t vni;
	struct evpn_port *list[64];
	unsigned n;
};

static int collect_ports(void *arg, struct evpn_hnode *n)
{
	struct vni_ports *v = arg;
	struct evpn_port *p = container_of(n, struct evpn_port, h);

	if (p->vni == v->vni && v->n < sizeof(v->list) / sizeof(v->list[0]))
		v->list[v->n++] = p;
	return 0;
}

static void vni_remove(struct evpn_agent *a, uint32_t vni)
{
	char vx[16], br[16];
	struct vni_ports v = { .vni = vni };

	do { /* in rounds: the list holds a bounded number */
		v.n = 0;
		evpn_hash_walk(&a->ports, collect_ports, &v);
		for (unsigned i = 0; i < v.n; i++)
			port_remove(a, v.list[i]);
	} while (v.n > 0);
	evpn_model_vni_del(a->m, vni);
	if (!a->cfg.keep_shadow) {
		vni_names(a, vni, vx, br);
		(void)evpn_shadow_del(a->sh, vx);
		(void)evpn_shadow_del(a->sh, br);
	}
}

int evpn_vni_del(struct evpn_agent *a, uint32_t vni)
{
	if (!evpn_model_has_vni(a->m, vni))
		return -ENOENT;
	enter(a);
	vni_remove(a, vni);
	leave(a);
	return 0;
}

/* ---- local state ---- */

static int apply_deferred(struct evpn_agent *a, const struct deferred *d)
{
	struct evpn_port *p;
	int err;

	if (d->neigh)
		return evpn_model_local_neigh(a->m, d->vni, &d->ip, d->mac, d->present,
					      vx_now_ns());
	p = port_find(a, d->vni, d->port);
	if (p == NULL && !d->present)
		return 0;
	if (p == NULL) {
		err = evpn_port_add(a, d->vni, d->port, a->last_error, sizeof(a->last_error));
		if (err < 0)
			return err;
		p = port_find(a, d->vni, d->port);
		if (p == NULL)
			return -ENOENT;
	}
	return evpn_model_local_mac(a->m, d->vni, p->ifindex, d->mac, d->present, vx_now_ns());
}

int evpn_local_mac(struct evpn_agent *a, uint32_t vni, const char *port, const uint8_t mac[6],
		   bool present)
{
	struct deferred d = { .vni = vni, .present = present };
	int err;

	if (port == NULL || mac == NULL)
		return -EINVAL;
	memcpy(d.mac, mac, 6);
	snprintf(d.port, sizeof(d.port), "%s", port);
	if (a->depth > 0)
		return defer(a, &d);
	enter(a);
	err = apply_deferred(a, &d);
	leave(a);
	return err;
}

int evpn_local_neigh(struct evpn_agent *a, uint32_t vni, const struct vx_ip *ip,
		     const uint8_t mac[6], bool present)
{
	struct deferred d = { .neigh = true, .vni = vni, .present = present };
	int err;

	if (ip == NULL || (present && mac == NULL))
		return -EINVAL;
	d.ip = *ip;
	if (mac != NULL)
		memcpy(d.mac, mac, 6);
	if (a->depth > 0)
		return defer(a, &d);
	enter(a);
	err = apply_deferred(a, &d);
	leave(a);
	return err;
}

/* ---- netlink input and resync ---- */

void evpn_agent_resync(struct evpn_agent *a)
{
	evpn_model_resync_begin(a->m);
	a->synced = false;
	a->dump_wait = 0;
	a->dump_intr = 0;
	for (unsigned i = 0; i < N_DUMPS; i++) {
		int err = nl_sock_dump(a->nl, dumps[i].type, dumps[i].family, &a->dump_seq[i]);

		/* a dump that could not be sent stays queued in nl_sock; one that
		 * could not be queued is asked for again by evpn_agent_poll() */
		if (err < 0)
			snprintf(a->last_error, sizeof(a->last_error), "dump request: %s",
				 strerror(-err));
		if (err == -ENOSPC || err == -EINVAL)
			a->dump_seq[i] = 0;
		a->dump_wait |= 1u << i;
	}
}

static void dump_retry(struct evpn_agent *a)
{
	for (unsigned i = 0; i < N_DUMPS; i++)
		if ((a->dump_wait & (1u << i)) && a->dump_seq[i] == 0)
			(void)nl_sock_dump(a->nl, dumps[i].type, dumps[i].family, &a->dump_seq[i]);
}

static int dump_index(const struct evpn_agent *a, uint32_t seq)
{
	for (unsigned i = 0; i < N_DUMPS; i++)
		if ((a->dump_wait & (1u << i)) && a->dump_seq[i] == seq && seq != 0)
			return (int)i;
	return -1;
}

static void dump_done(struct evpn_agent *a, unsigned i)
{
	if (a->dump_intr & (1u << i)) {
		/* inconsistent: an entry may be missing, and would be swept */
		a->dump_intr &= ~(1u << i);
		if (nl_sock_dump(a->nl, dumps[i].type, dumps[i].family, &a->dump_seq[i]) == 0)
			return;
	}
	a->dump_wait &= ~(1u << i);
	if (a->dump_wait == 0) {
		evpn_model_resync_end(a->m, a->now);
		a->synced = true;
	}
}

static int on_msg(void *arg, const struct nl_msg *msg)
{
	struct evpn_agent *a = arg;
	int di = msg->seq != 0 ? dump_index(a, msg->seq) : -1;

	a->nl_msgs++;
	if (di >= 0 && (msg->flags & NLM_F_DUMP_INTR))
		a->dump_intr |= 1u << di;
	if (msg->kind == NL_DONE || (msg->kind == NL_ERROR && di >= 0)) {
		if (di >= 0)
			dump_done(a, (unsigned)di);
		return 0;
	}
	if (msg->kind == NL_ERROR) {
		/* the answer to a shadow request; deleting what is gone is fine */
		if (msg->error != 0 && msg->error != -ENOENT) {
			a->request_errors++;
			snprintf(a->last_error, sizeof(a->last_error), "shadow request: %s%s%s",
				 strerror(-msg->error), msg->err.msg[0] ? ": " : "", msg->err.msg);
		}
		return 0;
	}
	evpn_model_input(a->m, msg, a->now);
	return 0;
}

/* ---- FRR liveness ---- */

/** pid named in dir/name.pid if it is a live process called name, else 0. */
static int daemon_pid(const char *dir, const char *name)
{
	char path[192], buf[128], comm[32];
	FILE *f;
	int pid = 0;
	char state = 0;

	snprintf(path, sizeof(path), "%s/%s.pid", dir, name);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%d", &pid) != 1 || pid <= 0)
		pid = 0;
	fclose(f);
	if (pid == 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL || sscanf(buf, "%*d (%31[^)]) %c", comm, &state) != 2)
		state = 0;
	fclose(f);
	/* a recycled pid, or a zombie, is not the daemon */
	return state != 0 && state != 'Z' && strcmp(comm, name) == 0 ? pid : 0;
}

static void frr_check(struct evpn_agent *a, uint64_t now)
{
	if (a->frr_checked != 0 && now - a->frr_checked < FRR_CHECK_NS)
		return;
	a->frr_checked = now;
	a->zebra_pid = daemon_pid(a->cfg.frr_rundir, "zebra");
	a->bgpd_pid = daemon_pid(a->cfg.frr_rundir, "bgpd");
	evpn_model_frr_state(a->m, a->zebra_pid != 0 && a->bgpd_pid != 0, now);
}

/* ---- life cycle ---- */

int evpn_agent_create(const struct evpn_agent_cfg *cfg, const struct evpn_ops *ops,
		      void *ops_arg, struct evpn_agent **out, char *msg, size_t msglen)
{
	static const unsigned groups[] = { RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_NEXTHOP };
	struct evpn_agent *a;
	int err;

	*out = NULL;
	if (cfg->local_vtep.af != AF_INET && cfg->local_vtep.af != AF_INET6) {
		set_msg(msg, msglen, "evpn: %s (%s)", "no local VTEP address", -EINVAL);
		return -EINVAL;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	a->cfg = *cfg;
	if (a->cfg.dstport == 0)
		a->cfg.dstport = 4789;
	if (a->cfg.frr_rundir[0] == '\0')
		strcpy(a->cfg.frr_rundir, "/run/frr");
	if (a->cfg.port_prefix[0] == '\0')
		strcpy(a->cfg.port_prefix, "ev");
	a->cfg.port_prefix[sizeof(a->cfg.port_prefix) - 1] = '\0';
	a->now = vx_now_ns();
	err = evpn_hash_init(&a->ports, 64);
	if (err == 0)
		err = nl_sock_open(groups, sizeof(groups) / sizeof(groups[0]), &a->nl);
	if (err == 0)
		err = evpn_shadow_open(&a->sh);
	if (err == 0) {
		a->m = evpn_model_create(&a->cfg.model, ops, ops_arg, &shadow_ops, a);
		if (a->m == NULL)
			err = -ENOMEM;
	}
	if (err < 0) {
		set_msg(msg, msglen, "evpn: opening %s: %s", "netlink", err);
		evpn_agent_destroy(a);
		return err;
	}
	frr_check(a, a->now);
	evpn_agent_resync(a);
	*out = a;
	return 0;
}

static int destroy_port(void *arg, struct evpn_hnode *n)
{
	struct evpn_agent *a = arg;
	struct evpn_port *p = container_of(n, struct evpn_port, h);

	if (!a->cfg.keep_shadow && a->sh != NULL)
		(void)evpn_shadow_del(a->sh, p->ifname);
	evpn_hash_del(&a->ports, n);
	free(p);
	return 0;
}

static int destroy_vni(void *arg, const struct evpn_vni_view *v)
{
	struct evpn_agent *a = arg;
	char vx[16], br[16];

	vni_names(a, v->vni, vx, br);
	(void)evpn_shadow_del(a->sh, vx);
	(void)evpn_shadow_del(a->sh, br);
	return 0;
}

void evpn_agent_destroy(struct evpn_agent *a)
{
	if (a == NULL)
		return;
	/* straight to the devices: no model calls, so no callbacks */
	evpn_hash_walk(&a->ports, destroy_port, a);
	if (!a->cfg.keep_shadow && a->sh != NULL && a->m != NULL)
		evpn_model_walk_vnis(a->m, destroy_vni, a);
	evpn_model_destroy(a->m);
	evpn_shadow_close(a->sh);
	if (a->nl != NULL)
		nl_sock_close(a->nl);
	evpn_hash_fini(&a->ports);
	free(a->q);
	free(a);
}

int evpn_agent_fd(const struct evpn_agent *a)
{
	return nl_sock_fd(a->nl);
}

int evpn_agent_poll(struct evpn_agent *a, uint64_t now_ns)
{
	uint64_t due;
	int rc;

	a->now = now_ns;
	enter(a);
	for (;;) {
		rc = nl_sock_recv(a->nl, on_msg, a);
		if (rc != -ENOBUFS)
			break;
		/* the kernel dropped events: start over from dumps */
		a->enobufs++;
		evpn_agent_resync(a);
	}
	if (rc < 0 && rc != -EAGAIN)
		snprintf(a->last_error, sizeof(a->last_error), "netlink receive: %s", strerror(-rc));
	dump_retry(a);
	frr_check(a, now_ns);
	evpn_model_poll(a->m, now_ns);
	leave(a);
	due = evpn_model_next_due(a->m);
	if (due <= now_ns)
		return 1;
	if (due - now_ns < (uint64_t)POLL_MAX_MS * 1000000)
		return (int)((due - now_ns) / 1000000) + 1;
	return POLL_MAX_MS;
}

/* ---- show ---- */

struct show_ctx {
	struct evpn_agent *a;
	const struct evpn_show_ops *ops;
	void *arg;
	int stop;
};

static int show_mac(void *arg, const struct evpn_mac_view *v)
{
	struct show_ctx *c = arg;
	const struct evpn_port *p = v->origin == EVPN_LOCAL ?
					    port_by_ifindex(c->a, v->port_ifindex) : NULL;

	return c->stop = c->ops->mac(c->arg, v, p != NULL ? p->name : "");
}

static int show_neigh(void *arg, const struct evpn_neigh_view *v)
{
	struct show_ctx *c = arg;

	return c->stop = c->ops->neigh(c->arg, v);
}

static int show_vni(void *arg, const struct evpn_vni_view *v)
{
	struct show_ctx *c = arg;

	if (c->ops->vni != NULL && (c->stop = c->ops->vni(c->arg, v)) != 0)
		return c->stop;
	if (c->ops->mac != NULL)
		evpn_model_walk_macs(c->a->m, v->vni, show_mac, c);
	if (c->stop == 0 && c->ops->neigh != NULL)
		evpn_model_walk_neighs(c->a->m, v->vni, show_neigh, c);
	return c->stop;
}

struct one_vni {
	uint32_t vni;
	struct show_ctx *c;
};

static int show_one(void *arg, const struct evpn_vni_view *v)
{
	struct one_vni *o = arg;

	return v->vni == o->vni ? show_vni(o->c, v) | 1 : 0;
}

void evpn_agent_show(struct evpn_agent *a, uint32_t vni, const struct evpn_show_ops *ops,
		     void *arg)
{
	struct show_ctx c = { a, ops, arg, 0 };
	struct one_vni o = { vni, &c };

	if (vni == 0)
		evpn_model_walk_vnis(a->m, show_vni, &c);
	else
		evpn_model_walk_vnis(a->m, show_one, &o);
}

static int count_vni(void *arg, const struct evpn_vni_view *v)
{
	unsigned *n = arg;

	n[0]++;
	n[1] += v->remote_macs + v->n_flood;
	return 0;
}

void evpn_agent_status(struct evpn_agent *a, uint64_t now_ns, struct evpn_agent_status *st)
{
	unsigned n[2] = { 0, 0 };

	memset(st, 0, sizeof(*st));
	evpn_model_walk_vnis(a->m, count_vni, n);
	st->frr = evpn_model_frr(a->m, now_ns, &st->grace_left_ns);
	st->zebra_pid = a->zebra_pid;
	st->bgpd_pid = a->bgpd_pid;
	st->synced = a->synced;
	st->vnis = n[0];
	st->ports = a->n_ports;
	st->nl_msgs = a->nl_msgs;
	st->enobufs = a->enobufs;
	st->requests = a->requests;
	st->request_errors = a->request_errors;
	snprintf(st->last_error, sizeof(st->last_error), "%s", a->last_error);
	evpn_model_get_stats(a->m, &st->model);
	st->resyncs = st->model.resyncs;
	if (st->frr == EVPN_FRR_GRACE)
		snprintf(st->text, sizeof(st->text),
			 "FRR restarting (zebra %s, bgpd %s): keeping remote entries, %.1f s of "
			 "grace left",
			 a->zebra_pid ? "up" : "down", a->bgpd_pid ? "up" : "down",
			 (double)st->grace_left_ns / 1e9);
	else if (a->zebra_pid == 0 || a->bgpd_pid == 0)
		snprintf(st->text, sizeof(st->text),
			 "FRR absent: %s not running (no live pid in %s/%s.pid)",
			 a->zebra_pid == 0 ? "zebra" : "bgpd", a->cfg.frr_rundir,
			 a->zebra_pid == 0 ? "zebra" : "bgpd");
	else if (n[1] == 0 && n[0] > 0)
		snprintf(st->text, sizeof(st->text),
			 "FRR up (zebra %d, bgpd %d), nothing learned from BGP yet (no remote "
			 "VTEP in any VNI)", a->zebra_pid, a->bgpd_pid);
	else
		snprintf(st->text, sizeof(st->text), "FRR up (zebra %d, bgpd %d)", a->zebra_pid,
			 a->bgpd_pid);
}
