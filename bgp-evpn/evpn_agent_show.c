/* evpn_agent_show: what `vxswctl show evpn` needs. See evpn.h. */
#include <string.h>

#include "evpn_agent_int.h"

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
					    evpn_agent_port_by_ifindex(c->a, v->port_ifindex) : NULL;

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
