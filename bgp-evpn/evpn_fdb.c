/* evpn_fdb: MACs, from the bridge (master) and vxlan (self) fdb entries, and
 * the local MACs the dataplane reports. Flood lists are in evpn_flood.c,
 * fdb nexthops in evpn_nexthop.c. See evpn_model.h for the rules. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/neighbour.h>

#include "evpn_model_int.h"

static const uint8_t zero_mac[6];

static bool mac_learnable(const uint8_t mac[6])
{
	return !(mac[0] & 1) && memcmp(mac, zero_mac, 6) != 0;
}

/* ---- MACs ---- */

static bool mac_eq(const struct evpn_hnode *n, const void *key)
{
	return memcmp(container_of(n, struct evpn_mac, h)->mac, key, 6) == 0;
}

static struct evpn_mac *mac_find(struct evpn_vni *v, const uint8_t mac[6])
{
	struct evpn_hnode *n = evpn_hash_find(&v->macs, evpn_mac_hash(mac), mac, mac_eq);

	return n != NULL ? container_of(n, struct evpn_mac, h) : NULL;
}

static struct evpn_mac *mac_get(struct evpn_vni *v, const uint8_t mac[6])
{
	struct evpn_mac *e = mac_find(v, mac);

	if (e != NULL)
		return e;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->v = v;
	memcpy(e->mac, mac, 6);
	evpn_hash_add(&v->macs, &e->h, evpn_mac_hash(mac));
	return e;
}

static void mac_maybe_free(struct evpn_mac *e)
{
	if (e->kmaster != 0 || e->kself || e->local_port != 0 || e->em || e->pend.linked)
		return;
	evpn_hash_del(&e->v->macs, &e->h);
	free(e);
}

static bool local_inflight(const struct evpn_mac *e, uint64_t now)
{
	return e->local_sent != 0 && now - e->local_sent < EVPN_PENDING_NS;
}

/** Count local<->remote moves; report a MAC that moves too often. */
static void note_origin(struct evpn_model *m, struct evpn_mac *e, enum evpn_origin o,
			uint64_t now)
{
	if (e->last_origin != 0 && e->last_origin != o && m->cfg.dup_moves > 0) {
		if (e->moves == 0 || now - e->dup_t0 > evpn_ms(m->cfg.dup_window_ms)) {
			e->dup_t0 = now;
			e->moves = 0;
		}
		if (e->moves < UINT8_MAX)
			e->moves++;
		if (e->moves >= m->cfg.dup_moves && !e->dup) {
			e->dup = true;
			m->st.dup++;
			if (m->ops->mac_dup != NULL)
				m->ops->mac_dup(m->ops_arg, e->v->vni, e->mac);
		}
	}
	e->last_origin = (uint8_t)o;
}

/** The VTEPs FRR has for e right now, 0 if it is not remote. */
static unsigned mac_want(const struct evpn_model *m, const struct evpn_mac *e,
			 struct vx_ip *vteps, uint32_t *nhg)
{
	*nhg = 0;
	if (e->local_port != 0 || e->kmaster == 0 || e->kmaster != e->v->vxlan_ifindex || !e->kself)
		return 0;
	if (e->kself_nh != 0) {
		*nhg = e->kself_nh;
		return evpn_nh_resolve(m, e->kself_nh, vteps);
	}
	if (!vx_ip_is_set(&e->kself_dst))
		return 0;
	vteps[0] = e->kself_dst;
	return 1;
}

static void mac_report_del(struct evpn_model *m, struct evpn_mac *e)
{
	e->em = false;
	e->v->remote_macs--;
	m->st.mac_del++;
	if (m->ops->remote_mac_del != NULL)
		m->ops->remote_mac_del(m->ops_arg, e->v->vni, e->mac);
}

void evpn_mac_evaluate(struct evpn_model *m, struct evpn_mac *e, uint64_t now)
{
	struct vx_ip vteps[EVPN_MAX_VTEPS];
	uint32_t nhg;
	unsigned n = mac_want(m, e, vteps, &nhg);

	if (n > 0) {
		uint64_t sig = evpn_hash_bytes(vteps, n * sizeof(vteps[0]), nhg);
		bool same = e->em && e->em_nhg == nhg && e->em_sig == sig;

		if (e->pend.linked) {
			evpn_pend_cancel(m, &e->pend);
			if (same)
				m->st.reconciled++;
		}
		if (!same) {
			if (!e->em)
				e->v->remote_macs++;
			e->em = true;
			e->em_nhg = nhg;
			e->em_sig = sig;
			e->em_dst = nhg == 0 ? vteps[0] : (struct vx_ip){ 0 };
			m->st.mac_set++;
			note_origin(m, e, EVPN_REMOTE, now);
			if (m->ops->remote_mac_set != NULL)
				m->ops->remote_mac_set(m->ops_arg, e->v->vni, e->mac, vteps, n, nhg);
		}
	} else if (e->em) {
		if (e->local_port != 0) {
			/* moved here: the dataplane's local learn replaced it */
			evpn_pend_cancel(m, &e->pend);
			e->em = false;
			e->v->remote_macs--;
		} else {
			evpn_pend_hold(m, &e->pend, PEND_MAC, now);
		}
	}
	mac_maybe_free(e);
}

void evpn_mac_due(struct evpn_model *m, struct evpn_mac *e, uint64_t now)
{
	struct vx_ip vteps[EVPN_MAX_VTEPS];
	uint32_t nhg;

	if (e->em && mac_want(m, e, vteps, &nhg) == 0)
		mac_report_del(m, e);
	evpn_mac_evaluate(m, e, now);
}

/** FRR installed the bridge entry on the vxlan device while the MAC is
 *  local here: FRR decided it lives elsewhere now (a higher sequence). */
static void remote_wins(struct evpn_model *m, struct evpn_mac *e, uint64_t now)
{
	if (e->local_port == 0 || local_inflight(e, now))
		return;
	e->local_port = 0;
	e->local_sent = 0;
	e->v->local_macs--;
	m->st.remote_wins++;
}

/* ---- fdb messages ---- */

static int vxlan_entry(struct evpn_model *m, struct evpn_vni *v, const struct nl_neigh *n,
		       uint64_t now)
{
	struct evpn_mac *e;

	if (n->master != 0) {
		/* the bridge's entry: this MAC's port is the vxlan device */
		if (!mac_learnable(n->mac))
			return 1;
		e = n->deleted ? mac_find(v, n->mac) : mac_get(v, n->mac);
		if (e == NULL)
			return n->deleted ? 0 : -ENOMEM;
		if (n->deleted) {
			if (e->kmaster == n->ifindex)
				e->kmaster = 0;
		} else {
			e->kmaster = n->ifindex;
			e->kmaster_ext = (n->flags & NTF_EXT_LEARNED) != 0;
			e->mark_master = false;
			remote_wins(m, e, now);
		}
		evpn_mac_evaluate(m, e, now);
		return 0;
	}
	if (!(n->flags & NTF_SELF))
		return -EINVAL;
	if (memcmp(n->mac, zero_mac, 6) == 0)
		return evpn_flood_input(m, v, n, now);
	if (!mac_learnable(n->mac))
		return 1; /* multicast self entries (none from FRR) */
	e = n->deleted ? mac_find(v, n->mac) : mac_get(v, n->mac);
	if (e == NULL)
		return n->deleted ? 0 : -ENOMEM;
	if (n->deleted) {
		/* one remote of the entry; ignore another remote's deletion */
		if (e->kself && (!vx_ip_is_set(&n->ip) || vx_ip_eq(&n->ip, &e->kself_dst) ||
				 (n->nh_id != 0 && n->nh_id == e->kself_nh)))
			e->kself = false;
	} else {
		e->kself = true;
		e->kself_dst = n->ip;
		e->kself_nh = n->nh_id;
		e->mark_self = false;
	}
	evpn_mac_evaluate(m, e, now);
	return 0;
}

static int port_entry(struct evpn_model *m, struct evpn_vni *v, const struct nl_neigh *n,
		      uint64_t now)
{
	struct evpn_mac *e;

	if (n->master == 0 || !mac_learnable(n->mac))
		return 1; /* the port's own self entries */
	e = mac_find(v, n->mac);
	if (n->deleted) {
		if (e == NULL)
			return 1;
		if (e->kmaster == n->ifindex)
			e->kmaster = 0;
	} else {
		bool ext = (n->flags & NTF_EXT_LEARNED) != 0;

		if (e == NULL && !ext)
			return 1; /* the port's own address, or a stray learn */
		if (e == NULL && (e = mac_get(v, n->mac)) == NULL)
			return -ENOMEM;
		e->kmaster = n->ifindex;
		e->kmaster_ext = ext;
		e->mark_master = false;
		if (e->local_port == n->ifindex)
			e->local_sent = 0; /* our request is reflected */
	}
	evpn_mac_evaluate(m, e, now);
	return 0;
}

int evpn_fdb_input(struct evpn_model *m, const struct nl_neigh *n, uint64_t now)
{
	const struct evpn_dev *d = evpn_dev_find(m, n->ifindex);
	struct evpn_vni *v = d != NULL ? evpn_vni_find(m, d->vni) : NULL;

	if (v == NULL)
		return 1;
	if (!n->has_mac)
		return -EINVAL; /* every fdb entry has its MAC */
	if (d->role == EVPN_DEV_VXLAN)
		return vxlan_entry(m, v, n, now);
	if (d->role == EVPN_DEV_PORT)
		return port_entry(m, v, n, now);
	return 1; /* the bridge device's own entries */
}

/* ---- devices going away, resync, VNI removal ---- */

struct fdb_walk {
	struct evpn_model *m;
	struct evpn_vni *v;
	int ifindex;
	uint64_t now;
};

static int gone_mac(void *arg, struct evpn_hnode *hn)
{
	struct fdb_walk *a = arg;
	struct evpn_mac *e = container_of(hn, struct evpn_mac, h);

	if (e->kmaster == a->ifindex)
		e->kmaster = 0;
	if (a->v->vxlan_ifindex == 0)
		e->kself = false;
	if (e->local_port == a->ifindex) {
		e->local_port = 0;
		e->local_sent = 0;
		a->v->local_macs--;
	}
	evpn_mac_evaluate(a->m, e, a->now);
	return 0;
}

void evpn_fdb_dev_gone(struct evpn_model *m, struct evpn_vni *v, int ifindex, uint64_t now)
{
	struct fdb_walk a = { m, v, ifindex, now };

	evpn_hash_walk(&v->macs, gone_mac, &a);
	if (v->vxlan_ifindex == 0)
		evpn_flood_dev_gone(m, v, now);
}

static int mark_mac(void *arg, struct evpn_hnode *hn)
{
	struct evpn_mac *e = container_of(hn, struct evpn_mac, h);

	(void)arg;
	e->mark_master = e->kmaster != 0;
	e->mark_self = e->kself;
	return 0;
}

void evpn_fdb_mark(struct evpn_model *m)
{
	evpn_nh_mark(m);
	for (unsigned i = 0; i < m->n_vnis; i++) {
		evpn_hash_walk(&m->vnis[i]->macs, mark_mac, m);
		evpn_flood_mark(m->vnis[i]);
	}
}

static int sweep_mac(void *arg, struct evpn_hnode *hn)
{
	struct fdb_walk *a = arg;
	struct evpn_model *m = a->m;
	struct evpn_mac *e = container_of(hn, struct evpn_mac, h);
	const struct evpn_dev *d;

	if (e->mark_master) {
		e->kmaster = 0;
		e->mark_master = false;
		m->st.swept++;
	}
	if (e->mark_self) {
		e->kself = false;
		e->mark_self = false;
		m->st.swept++;
	}
	if (e->local_port != 0 && !local_inflight(e, a->now) &&
	    !(e->kmaster == e->local_port && e->kmaster_ext)) {
		if (e->kmaster != 0 && e->kmaster == a->v->vxlan_ifindex) {
			remote_wins(m, e, a->now);
		} else {
			/* the shadow lost it: put it back */
			e->local_sent = a->now;
			m->st.shadow_repairs++;
			m->st.shadow_fdb++;
			if (m->shadow->fdb != NULL)
				m->shadow->fdb(m->shadow_arg, e->local_port, e->mac, true);
		}
	} else if (e->local_port == 0 && e->kmaster != 0 && e->kmaster_ext &&
		   (d = evpn_dev_find(m, e->kmaster)) != NULL && d->role == EVPN_DEV_PORT) {
		/* ours from before (a lost delete, or an earlier run) */
		m->st.shadow_repairs++;
		m->st.shadow_fdb++;
		if (m->shadow->fdb != NULL)
			m->shadow->fdb(m->shadow_arg, e->kmaster, e->mac, false);
	}
	evpn_mac_evaluate(m, e, a->now);
	return 0;
}

void evpn_fdb_sweep(struct evpn_model *m, uint64_t now)
{
	struct fdb_walk a = { .m = m, .now = now };

	evpn_nh_sweep(m, now);
	for (unsigned i = 0; i < m->n_vnis; i++) {
		a.v = m->vnis[i];
		evpn_hash_walk(&a.v->macs, sweep_mac, &a);
		evpn_flood_sweep(m, a.v, now);
	}
}

static int flush_mac(void *arg, struct evpn_hnode *hn)
{
	struct fdb_walk *a = arg;
	struct evpn_mac *e = container_of(hn, struct evpn_mac, h);

	evpn_pend_cancel(a->m, &e->pend);
	if (e->em)
		mac_report_del(a->m, e);
	evpn_hash_del(&a->v->macs, hn);
	free(e);
	return 0;
}

void evpn_fdb_vni_flush(struct evpn_model *m, struct evpn_vni *v)
{
	struct fdb_walk a = { .m = m, .v = v };

	evpn_hash_walk(&v->macs, flush_mac, &a);
	evpn_flood_flush(m, v);
	v->local_macs = v->remote_macs = 0;
}

/* ---- local MACs ---- */

int evpn_model_local_mac(struct evpn_model *m, uint32_t vni, int port_ifindex,
			 const uint8_t mac[6], bool present, uint64_t now_ns)
{
	struct evpn_vni *v = evpn_vni_find(m, vni);
	const struct evpn_dev *d;
	struct evpn_mac *e;
	int port;

	if (v == NULL)
		return -ENOENT;
	if (!mac_learnable(mac))
		return -EINVAL;
	if (!present) {
		e = mac_find(v, mac);
		if (e == NULL || e->local_port == 0)
			return 0;
		port = e->local_port;
		e->local_port = 0;
		v->local_macs--;
		if (e->kmaster == port || local_inflight(e, now_ns)) {
			m->st.shadow_fdb++;
			if (m->shadow->fdb != NULL)
				m->shadow->fdb(m->shadow_arg, port, mac, false);
		}
		e->local_sent = 0;
		evpn_mac_evaluate(m, e, now_ns);
		return 0;
	}
	d = evpn_dev_find(m, port_ifindex);
	if (d == NULL || d->role != EVPN_DEV_PORT || d->vni != vni)
		return -ENOENT;
	e = mac_get(v, mac);
	if (e == NULL)
		return -ENOMEM;
	if (e->local_port == port_ifindex &&
	    ((e->kmaster == port_ifindex && e->kmaster_ext) || local_inflight(e, now_ns)))
		return 0; /* a refresh: the shadow has it */
	if (e->local_port == 0) {
		v->local_macs++;
		if (e->em)
			m->st.mobility++;
		note_origin(m, e, EVPN_LOCAL, now_ns);
	}
	e->local_port = port_ifindex;
	e->local_sent = now_ns != 0 ? now_ns : 1;
	m->st.shadow_fdb++;
	if (m->shadow->fdb != NULL)
		m->shadow->fdb(m->shadow_arg, port_ifindex, mac, true);
	evpn_mac_evaluate(m, e, now_ns);
	return 0;
}

struct port_flush {
	struct evpn_model *m;
	int port;
	uint64_t now;
};

static int flush_port_mac(void *arg, struct evpn_hnode *hn)
{
	struct port_flush *a = arg;
	struct evpn_mac *e = container_of(hn, struct evpn_mac, h);

	if (e->local_port == a->port)
		evpn_model_local_mac(a->m, e->v->vni, a->port, e->mac, false, a->now);
	return 0;
}

void evpn_model_port_flush(struct evpn_model *m, int port_ifindex, uint64_t now_ns)
{
	uint32_t vni;
	struct evpn_vni *v;
	struct port_flush a = { m, port_ifindex, now_ns };

	if (evpn_model_dev_get(m, port_ifindex, &vni) != EVPN_DEV_PORT ||
	    (v = evpn_vni_find(m, vni)) == NULL)
		return;
	evpn_hash_walk(&v->macs, flush_port_mac, &a);
}

/* ---- show ---- */

struct mac_show {
	const struct evpn_model *m;
	int (*cb)(void *arg, const struct evpn_mac_view *v);
	void *arg;
};

static int show_mac(void *arg, struct evpn_hnode *hn)
{
	struct mac_show *a = arg;
	const struct evpn_mac *e = container_of(hn, struct evpn_mac, h);
	struct vx_ip vteps[EVPN_MAX_VTEPS];
	struct evpn_mac_view view = { .vni = e->v->vni, .dup = e->dup, .vteps = vteps };

	memcpy(view.mac, e->mac, 6);
	if (e->local_port != 0) {
		view.origin = EVPN_LOCAL;
		view.port_ifindex = e->local_port;
		view.in_kernel = e->kmaster == e->local_port && e->kmaster_ext;
	} else if (e->em) {
		view.origin = EVPN_REMOTE;
		view.nhg = e->em_nhg;
		if (e->em_nhg != 0) {
			view.n_vteps = evpn_nh_resolve(a->m, e->em_nhg, vteps);
		} else {
			vteps[0] = e->em_dst;
			view.n_vteps = 1;
		}
		view.held = e->pend.linked;
		view.held_until_ns = e->pend.linked ? e->pend.due : 0;
	} else {
		return 0;
	}
	return a->cb(a->arg, &view);
}

void evpn_model_walk_macs(const struct evpn_model *m, uint32_t vni,
			  int (*cb)(void *arg, const struct evpn_mac_view *v), void *arg)
{
	struct mac_show a = { m, cb, arg };

	for (unsigned i = 0; i < m->n_vnis; i++)
		if (vni == 0 || m->vnis[i]->vni == vni)
			if (evpn_hash_walk(&m->vnis[i]->macs, show_mac, &a) != 0)
				return;
}
