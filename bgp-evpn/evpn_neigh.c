/* evpn_neigh: MAC/IP bindings (IP neighbours on the VNI's bridge): the remote
 * ones FRR installs feed the ARP/ND suppression table, the local ones are
 * programmed so FRR advertises them. See evpn_model.h. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>

#include "evpn_model_int.h"

static const uint8_t zero_mac[6];

static bool neigh_eq(const struct evpn_hnode *n, const void *key)
{
	return vx_ip_eq(&container_of(n, struct evpn_neigh, h)->ip, key);
}

static struct evpn_neigh *neigh_find(struct evpn_vni *v, const struct vx_ip *ip)
{
	struct evpn_hnode *n = evpn_hash_find(&v->neighs, evpn_ip_hash(ip), ip, neigh_eq);

	return n != NULL ? container_of(n, struct evpn_neigh, h) : NULL;
}

static struct evpn_neigh *neigh_get(struct evpn_vni *v, const struct vx_ip *ip)
{
	struct evpn_neigh *e = neigh_find(v, ip);

	if (e != NULL)
		return e;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->v = v;
	e->ip = *ip;
	evpn_hash_add(&v->neighs, &e->h, evpn_ip_hash(ip));
	return e;
}

static void neigh_maybe_free(struct evpn_neigh *e)
{
	if (e->kpresent || e->local || e->em || e->pend.linked)
		return;
	evpn_hash_del(&e->v->neighs, &e->h);
	free(e);
}

static bool inflight(const struct evpn_neigh *e, uint64_t now)
{
	return e->local_sent != 0 && now - e->local_sent < EVPN_PENDING_NS;
}

/** FRR's remote binding: extern_learn and resolved (a deleted one turns FAILED first). */
static bool kernel_remote(const struct evpn_neigh *e)
{
	return e->kpresent && e->kext && e->kstate != NUD_NONE &&
	       !(e->kstate & (NUD_FAILED | NUD_INCOMPLETE)) && memcmp(e->kmac, zero_mac, 6) != 0;
}

/** Ours as the kernel holds it. */
static bool kernel_local(const struct evpn_neigh *e)
{
	return e->kpresent && !e->kext && (e->kstate & NUD_PERMANENT);
}

static void neigh_report_del(struct evpn_model *m, struct evpn_neigh *e)
{
	e->em = false;
	e->v->remote_neighs--;
	m->st.suppress_del++;
	if (m->ops->suppress_del != NULL)
		m->ops->suppress_del(m->ops_arg, e->v->vni, &e->ip);
}

/** Compare the views and report the difference. May free e. */
static void neigh_evaluate(struct evpn_model *m, struct evpn_neigh *e, uint64_t now)
{
	if (!e->local && kernel_remote(e)) {
		bool same = e->em && memcmp(e->em_mac, e->kmac, 6) == 0;

		if (e->pend.linked) {
			evpn_pend_cancel(m, &e->pend);
			if (same)
				m->st.reconciled++;
		}
		if (!same) {
			if (!e->em)
				e->v->remote_neighs++;
			e->em = true;
			memcpy(e->em_mac, e->kmac, 6);
			m->st.suppress_set++;
			if (m->ops->suppress_set != NULL)
				m->ops->suppress_set(m->ops_arg, e->v->vni, &e->ip, e->kmac);
		}
	} else if (e->em) {
		if (e->local) {
			/* moved here: the dataplane's snooping already has it */
			evpn_pend_cancel(m, &e->pend);
			e->em = false;
			e->v->remote_neighs--;
		} else {
			evpn_pend_hold(m, &e->pend, PEND_NEIGH, now);
		}
	}
	neigh_maybe_free(e);
}

void evpn_neigh_due(struct evpn_model *m, struct evpn_neigh *e, uint64_t now)
{
	if (e->em && (e->local || !kernel_remote(e)))
		neigh_report_del(m, e);
	neigh_evaluate(m, e, now);
}

static void remote_wins(struct evpn_model *m, struct evpn_neigh *e, uint64_t now)
{
	if (!e->local || inflight(e, now))
		return;
	e->local = false;
	e->local_sent = 0;
	e->v->local_neighs--;
	m->st.remote_wins++;
}

int evpn_neigh_input(struct evpn_model *m, struct evpn_vni *v, const struct nl_neigh *n,
		     uint64_t now)
{
	struct evpn_neigh *e = neigh_find(v, &n->ip);
	bool ext = (n->flags & NTF_EXT_LEARNED) != 0;

	if (n->deleted) {
		if (e == NULL)
			return 1;
		e->kpresent = false;
	} else {
		if (e == NULL && !ext && !(n->state & NUD_PERMANENT))
			return 1; /* the kernel's own resolution, not FRR's nor ours */
		if (e == NULL && (e = neigh_get(v, &n->ip)) == NULL)
			return -ENOMEM;
		e->kpresent = true;
		e->kext = ext;
		e->kstate = n->state;
		if (n->has_mac)
			memcpy(e->kmac, n->mac, 6);
		else if (!(n->state & (NUD_FAILED | NUD_INCOMPLETE)))
			memset(e->kmac, 0, 6);
		e->mark = false;
		if (kernel_remote(e))
			remote_wins(m, e, now);
		else if (e->local && kernel_local(e) && memcmp(e->kmac, e->lmac, 6) == 0)
			e->local_sent = 0; /* our request is reflected */
	}
	neigh_evaluate(m, e, now);
	return 0;
}

int evpn_model_local_neigh(struct evpn_model *m, uint32_t vni, const struct vx_ip *ip,
			   const uint8_t mac[6], bool present, uint64_t now_ns)
{
	struct evpn_vni *v = evpn_vni_find(m, vni);
	struct evpn_neigh *e;

	if (v == NULL)
		return -ENOENT;
	if (ip == NULL || (ip->af != AF_INET && ip->af != AF_INET6))
		return -EINVAL;
	if (!present) {
		e = neigh_find(v, ip);
		if (e == NULL || !e->local)
			return 0;
		e->local = false;
		v->local_neighs--;
		if ((kernel_local(e) || inflight(e, now_ns)) && v->br_ifindex != 0) {
			m->st.shadow_neigh++;
			if (m->shadow->neigh != NULL)
				m->shadow->neigh(m->shadow_arg, v->br_ifindex, ip, NULL, false);
		}
		e->local_sent = 0;
		neigh_evaluate(m, e, now_ns);
		return 0;
	}
	if (mac == NULL || (mac[0] & 1) || memcmp(mac, zero_mac, 6) == 0)
		return -EINVAL;
	if (v->br_ifindex == 0)
		return -ENOENT;
	e = neigh_get(v, ip);
	if (e == NULL)
		return -ENOMEM;
	if (e->local && memcmp(e->lmac, mac, 6) == 0 &&
	    ((kernel_local(e) && memcmp(e->kmac, mac, 6) == 0) || inflight(e, now_ns)))
		return 0;
	if (!e->local) {
		v->local_neighs++;
		if (e->em)
			m->st.mobility++;
	}
	e->local = true;
	memcpy(e->lmac, mac, 6);
	e->local_sent = now_ns != 0 ? now_ns : 1;
	m->st.shadow_neigh++;
	if (m->shadow->neigh != NULL)
		m->shadow->neigh(m->shadow_arg, v->br_ifindex, ip, mac, true);
	neigh_evaluate(m, e, now_ns);
	return 0;
}

/* ---- bridge gone, resync, VNI removal ---- */

struct neigh_walk {
	struct evpn_model *m;
	struct evpn_vni *v;
	uint64_t now;
};

static int gone_neigh(void *arg, struct evpn_hnode *hn)
{
	struct neigh_walk *a = arg;
	struct evpn_neigh *e = container_of(hn, struct evpn_neigh, h);

	e->kpresent = false;
	neigh_evaluate(a->m, e, a->now);
	return 0;
}

void evpn_neigh_dev_gone(struct evpn_model *m, struct evpn_vni *v, uint64_t now)
{
	struct neigh_walk a = { m, v, now };

	evpn_hash_walk(&v->neighs, gone_neigh, &a);
}

static int mark_neigh(void *arg, struct evpn_hnode *hn)
{
	struct evpn_neigh *e = container_of(hn, struct evpn_neigh, h);

	(void)arg;
	e->mark = e->kpresent;
	return 0;
}

void evpn_neigh_mark(struct evpn_model *m)
{
	for (unsigned i = 0; i < m->n_vnis; i++)
		evpn_hash_walk(&m->vnis[i]->neighs, mark_neigh, m);
}

static int sweep_neigh(void *arg, struct evpn_hnode *hn)
{
	struct neigh_walk *a = arg;
	struct evpn_model *m = a->m;
	struct evpn_neigh *e = container_of(hn, struct evpn_neigh, h);
	int br = a->v->br_ifindex;

	if (e->mark) {
		e->mark = false;
		e->kpresent = false;
		m->st.swept++;
	}
	if (e->local && !inflight(e, a->now) &&
	    !(kernel_local(e) && memcmp(e->kmac, e->lmac, 6) == 0)) {
		if (kernel_remote(e)) {
			remote_wins(m, e, a->now);
		} else if (br != 0) {
			e->local_sent = a->now;
			m->st.shadow_repairs++;
			m->st.shadow_neigh++;
			if (m->shadow->neigh != NULL)
				m->shadow->neigh(m->shadow_arg, br, &e->ip, e->lmac, true);
		}
	} else if (!e->local && kernel_local(e) && br != 0) {
		m->st.shadow_repairs++;
		m->st.shadow_neigh++;
		if (m->shadow->neigh != NULL)
			m->shadow->neigh(m->shadow_arg, br, &e->ip, NULL, false);
	}
	neigh_evaluate(m, e, a->now);
	return 0;
}

void evpn_neigh_sweep(struct evpn_model *m, uint64_t now)
{
	struct neigh_walk a = { .m = m, .now = now };

	for (unsigned i = 0; i < m->n_vnis; i++) {
		a.v = m->vnis[i];
		evpn_hash_walk(&a.v->neighs, sweep_neigh, &a);
	}
}

static int flush_neigh(void *arg, struct evpn_hnode *hn)
{
	struct neigh_walk *a = arg;
	struct evpn_neigh *e = container_of(hn, struct evpn_neigh, h);

	evpn_pend_cancel(a->m, &e->pend);
	if (e->em)
		neigh_report_del(a->m, e);
	evpn_hash_del(&a->v->neighs, hn);
	free(e);
	return 0;
}

void evpn_neigh_vni_flush(struct evpn_model *m, struct evpn_vni *v)
{
	struct neigh_walk a = { .m = m, .v = v };

	evpn_hash_walk(&v->neighs, flush_neigh, &a);
	v->local_neighs = v->remote_neighs = 0;
}

/* ---- show ---- */

struct neigh_show {
	int (*cb)(void *arg, const struct evpn_neigh_view *v);
	void *arg;
};

static int show_neigh(void *arg, struct evpn_hnode *hn)
{
	struct neigh_show *a = arg;
	const struct evpn_neigh *e = container_of(hn, struct evpn_neigh, h);
	struct evpn_neigh_view view = { .vni = e->v->vni, .ip = e->ip };

	if (e->local) {
		view.origin = EVPN_LOCAL;
		memcpy(view.mac, e->lmac, 6);
		view.in_kernel = kernel_local(e) && memcmp(e->kmac, e->lmac, 6) == 0;
	} else if (e->em) {
		view.origin = EVPN_REMOTE;
		memcpy(view.mac, e->em_mac, 6);
		view.held = e->pend.linked;
	} else {
		return 0;
	}
	return a->cb(a->arg, &view);
}

void evpn_model_walk_neighs(const struct evpn_model *m, uint32_t vni,
			    int (*cb)(void *arg, const struct evpn_neigh_view *v), void *arg)
{
	struct neigh_show a = { cb, arg };

	for (unsigned i = 0; i < m->n_vnis; i++)
		if (vni == 0 || m->vnis[i]->vni == vni)
			if (evpn_hash_walk(&m->vnis[i]->neighs, show_neigh, &a) != 0)
				return;
}
