/* evpn_agent: the I/O edge around evpn_model: netlink events and dumps in,
 * shadow requests out, FRR liveness, life cycle. See evpn.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "evpn_agent_int.h"
#include "evpn_nlmsg.h"
#include "evpn_shadow.h"
#include "nl_sock.h"
#include "vx_time.h"

#define FRR_CHECK_NS (100ull * 1000 * 1000)
#define POLL_MAX_MS 100

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

void evpn_agent_cfg_default(struct evpn_agent_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dstport = 4789;
	strcpy(cfg->frr_rundir, "/run/frr");
	strcpy(cfg->port_prefix, "ev");
	evpn_model_cfg_default(&cfg->model);
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

void evpn_agent_enter(struct evpn_agent *a) { a->depth++; }

void evpn_agent_leave(struct evpn_agent *a)
{
	if (--a->depth > 0)
		return;
	/* applying may report and so queue more: run until the queue is empty */
	for (unsigned i = 0; i < a->nq; i++) {
		struct evpn_deferred d = a->q[i];

		a->depth++;
		(void)evpn_agent_apply(a, &d);
		a->depth--;
	}
	a->nq = 0;
}

int evpn_agent_defer(struct evpn_agent *a, const struct evpn_deferred *d)
{
	if (a->nq == a->capq) {
		unsigned cap = a->capq ? a->capq * 2 : 64;
		struct evpn_deferred *q = realloc(a->q, cap * sizeof(*q));

		if (q == NULL)
			return -ENOMEM;
		a->q = q;
		a->capq = cap;
	}
	a->q[a->nq++] = *d;
	return 0;
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
		evpn_set_msg(msg, msglen, "evpn: %s (%s)", "no local VTEP address", -EINVAL);
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
		evpn_set_msg(msg, msglen, "evpn: opening %s: %s", "netlink", err);
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

	evpn_vni_names(a, v->vni, vx, br);
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
	evpn_agent_enter(a);
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
	evpn_agent_leave(a);
	due = evpn_model_next_due(a->m);
	if (due <= now_ns)
		return 1;
	if (due - now_ns < (uint64_t)POLL_MAX_MS * 1000000)
		return (int)((due - now_ns) / 1000000) + 1;
	return POLL_MAX_MS;
}

