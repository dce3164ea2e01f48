/* evpn_model: VNIs, devices, message dispatch, held deletions, FRR grace and
 * resync. See evpn_model.h for the contract, evpn_model_int.h for the views. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn_model_int.h"

void evpn_model_cfg_default(struct evpn_model_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->del_hold_ms = 2000;
	cfg->grace_ms = 120000;
	cfg->dup_moves = 5;
	cfg->dup_window_ms = 180000;
	strcpy(cfg->vxlan_prefix, "vxlan");
	strcpy(cfg->bridge_prefix, "br");
}

const char *evpn_frr_state_name(enum evpn_frr_state s)
{
	switch (s) {
	case EVPN_FRR_UNKNOWN: return "unknown";
	case EVPN_FRR_UP: return "up";
	case EVPN_FRR_DOWN: return "down";
	case EVPN_FRR_GRACE: return "grace";
	}
	return "?";
}

struct evpn_model *evpn_model_create(const struct evpn_model_cfg *cfg,
				     const struct evpn_ops *ops, void *ops_arg,
				     const struct evpn_shadow_ops *shadow, void *shadow_arg)
{
	static const struct evpn_ops no_ops;
	static const struct evpn_shadow_ops no_shadow;
	struct evpn_model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	if (cfg != NULL)
		m->cfg = *cfg;
	else
		evpn_model_cfg_default(&m->cfg);
	m->cfg.vxlan_prefix[sizeof(m->cfg.vxlan_prefix) - 1] = '\0';
	m->cfg.bridge_prefix[sizeof(m->cfg.bridge_prefix) - 1] = '\0';
	m->ops = ops != NULL ? ops : &no_ops;
	m->ops_arg = ops_arg;
	m->shadow = shadow != NULL ? shadow : &no_shadow;
	m->shadow_arg = shadow_arg;
	m->pending.next = m->pending.prev = &m->pending;
	if (evpn_hash_init(&m->devs, 64) < 0 || evpn_hash_init(&m->nhs, 64) < 0) {
		evpn_hash_fini(&m->devs);
		free(m);
		return NULL;
	}
	return m;
}

static int free_dev(void *arg, struct evpn_hnode *n)
{
	struct evpn_model *m = arg;

	evpn_hash_del(&m->devs, n);
	free(container_of(n, struct evpn_dev, h));
	return 0;
}

static void vni_free(struct evpn_model *m, struct evpn_vni *v)
{
	/* flushing reports; a destroyed model reports nothing */
	const struct evpn_ops *ops = m->ops;
	static const struct evpn_ops no_ops;

	m->ops = &no_ops;
	evpn_fdb_vni_flush(m, v);
	evpn_neigh_vni_flush(m, v);
	m->ops = ops;
	evpn_hash_fini(&v->macs);
	evpn_hash_fini(&v->neighs);
	free(v);
}

void evpn_model_destroy(struct evpn_model *m)
{
	if (m == NULL)
		return;
	for (unsigned i = 0; i < m->n_vnis; i++)
		vni_free(m, m->vnis[i]);
	free(m->vnis);
	evpn_hash_walk(&m->devs, free_dev, m);
	evpn_hash_fini(&m->devs);
	evpn_nh_free_all(m);
	evpn_hash_fini(&m->nhs);
	free(m);
}

/* ---- VNIs ---- */

static unsigned vni_pos(const struct evpn_model *m, uint32_t vni)
{
	unsigned lo = 0, hi = m->n_vnis;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (m->vnis[mid]->vni < vni)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct evpn_vni *evpn_vni_find(const struct evpn_model *m, uint32_t vni)
{
	unsigned i = vni_pos(m, vni);

	return i < m->n_vnis && m->vnis[i]->vni == vni ? m->vnis[i] : NULL;
}

bool evpn_model_has_vni(const struct evpn_model *m, uint32_t vni)
{
	return evpn_vni_find(m, vni) != NULL;
}

int evpn_model_vni_add(struct evpn_model *m, uint32_t vni)
{
	unsigned i = vni_pos(m, vni);
	struct evpn_vni *v;

	if (vni == 0 || vni > EVPN_VNI_MAX)
		return -EINVAL;
	if (i < m->n_vnis && m->vnis[i]->vni == vni)
		return -EEXIST;
	if (m->n_vnis == m->cap_vnis) {
		unsigned cap = m->cap_vnis ? m->cap_vnis * 2 : 16;
		struct evpn_vni **a = realloc(m->vnis, cap * sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		m->vnis = a;
		m->cap_vnis = cap;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	v->vni = vni;
	if (evpn_hash_init(&v->macs, 64) < 0 || evpn_hash_init(&v->neighs, 16) < 0) {
		evpn_hash_fini(&v->macs);
		free(v);
		return -ENOMEM;
	}
	memmove(&m->vnis[i + 1], &m->vnis[i], (m->n_vnis - i) * sizeof(m->vnis[0]));
	m->vnis[i] = v;
	m->n_vnis++;
	return 0;
}

struct drop_vni_devs {
	struct evpn_model *m;
	uint32_t vni;
};

static int drop_vni_dev(void *arg, struct evpn_hnode *n)
{
	struct drop_vni_devs *a = arg;
	struct evpn_dev *d = container_of(n, struct evpn_dev, h);

	if (d->vni == a->vni)
		free_dev(a->m, n);
	return 0;
}

int evpn_model_vni_del(struct evpn_model *m, uint32_t vni)
{
	unsigned i = vni_pos(m, vni);
	struct evpn_vni *v;
	struct drop_vni_devs a = { m, vni };

	if (i >= m->n_vnis || m->vnis[i]->vni != vni)
		return -ENOENT;
	v = m->vnis[i];
	evpn_fdb_vni_flush(m, v);
	evpn_neigh_vni_flush(m, v);
	evpn_hash_fini(&v->macs);
	evpn_hash_fini(&v->neighs);
	free(v);
	memmove(&m->vnis[i], &m->vnis[i + 1], (m->n_vnis - i - 1) * sizeof(m->vnis[0]));
	m->n_vnis--;
	evpn_hash_walk(&m->devs, drop_vni_dev, &a);
	return 0;
}

/* ---- devices ---- */

static bool dev_eq(const struct evpn_hnode *n, const void *key)
{
	return container_of(n, struct evpn_dev, h)->ifindex == *(const int *)key;
}

struct evpn_dev *evpn_dev_find(const struct evpn_model *m, int ifindex)
{
	struct evpn_hnode *n = evpn_hash_find(&m->devs, evpn_id_hash((uint32_t)ifindex), &ifindex,
					      dev_eq);

	return n != NULL ? container_of(n, struct evpn_dev, h) : NULL;
}

static void dev_forget(struct evpn_model *m, struct evpn_dev *d, uint64_t now)
{
	struct evpn_vni *v = evpn_vni_find(m, d->vni);

	evpn_hash_del(&m->devs, &d->h);
	if (v != NULL) {
		switch (d->role) {
		case EVPN_DEV_VXLAN:
			if (v->vxlan_ifindex == d->ifindex)
				v->vxlan_ifindex = 0;
			break;
		case EVPN_DEV_BRIDGE:
			if (v->br_ifindex == d->ifindex)
				v->br_ifindex = 0;
			evpn_neigh_dev_gone(m, v, now);
			break;
		case EVPN_DEV_PORT:
			if (v->n_ports > 0)
				v->n_ports--;
			break;
		case EVPN_DEV_NONE:
			break;
		}
		evpn_fdb_dev_gone(m, v, d->ifindex, now);
	}
	free(d);
}

static int dev_set(struct evpn_model *m, int ifindex, uint32_t vni, enum evpn_dev_role role,
		   bool pinned, uint64_t now_ns);

int evpn_model_dev_set(struct evpn_model *m, int ifindex, uint32_t vni,
		       enum evpn_dev_role role, uint64_t now_ns)
{
	return dev_set(m, ifindex, vni, role, true, now_ns);
}

static int dev_set(struct evpn_model *m, int ifindex, uint32_t vni, enum evpn_dev_role role,
		   bool pinned, uint64_t now_ns)
{
	struct evpn_dev *d = evpn_dev_find(m, ifindex);
	struct evpn_vni *v = evpn_vni_find(m, vni);

	if (ifindex <= 0)
		return -EINVAL;
	if (d != NULL) {
		d->mark = false;
		if (d->vni == vni && d->role == role) {
			d->pinned = d->pinned || pinned;
			return 0;
		}
		dev_forget(m, d, now_ns);
	}
	if (role == EVPN_DEV_NONE)
		return 0;
	if (v == NULL)
		return -ENOENT;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->ifindex = ifindex;
	d->vni = vni;
	d->role = role;
	d->pinned = pinned;
	evpn_hash_add(&m->devs, &d->h, evpn_id_hash((uint32_t)ifindex));
	if (role == EVPN_DEV_VXLAN)
		v->vxlan_ifindex = ifindex;
	else if (role == EVPN_DEV_BRIDGE)
		v->br_ifindex = ifindex;
	else
		v->n_ports++;
	return 0;
}

enum evpn_dev_role evpn_model_dev_get(const struct evpn_model *m, int ifindex, uint32_t *vni)
{
	const struct evpn_dev *d = evpn_dev_find(m, ifindex);

	if (d == NULL)
		return EVPN_DEV_NONE;
	if (vni != NULL)
		*vni = d->vni;
	return d->role;
}

int evpn_model_vni_dev(const struct evpn_model *m, uint32_t vni, enum evpn_dev_role role)
{
	const struct evpn_vni *v = evpn_vni_find(m, vni);

	if (v == NULL)
		return 0;
	return role == EVPN_DEV_VXLAN ? v->vxlan_ifindex : role == EVPN_DEV_BRIDGE ? v->br_ifindex : 0;
}

/** "<prefix><decimal VNI>" -> VNI, 0 if the name is not of that form. */
static uint32_t name_vni(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	uint32_t vni = 0;
	const char *p;

	if (pl == 0 || strncmp(name, prefix, pl) != 0 || name[pl] == '\0' || name[pl] == '0')
		return 0;
	for (p = name + pl; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || vni > EVPN_VNI_MAX)
			return 0;
		vni = vni * 10 + (uint32_t)(*p - '0');
	}
	return vni <= EVPN_VNI_MAX ? vni : 0;
}

static int link_input(struct evpn_model *m, const struct nl_link *l, uint64_t now)
{
	struct evpn_dev *d = evpn_dev_find(m, l->ifindex);
	enum evpn_dev_role role = EVPN_DEV_NONE;
	uint32_t vni = 0;

	if (l->deleted) {
		if (d == NULL)
			return 1;
		dev_forget(m, d, now);
		return 0;
	}
	if (strcmp(l->kind, "vxlan") == 0 && l->has_vni) {
		vni = name_vni(l->name, m->cfg.vxlan_prefix);
		if (vni != 0 && vni == l->vni)
			role = EVPN_DEV_VXLAN;
	} else if (strcmp(l->kind, "bridge") == 0) {
		vni = name_vni(l->name, m->cfg.bridge_prefix);
		if (vni != 0)
			role = EVPN_DEV_BRIDGE;
	}
	if (role == EVPN_DEV_NONE && l->master > 0) {
		const struct evpn_dev *br = evpn_dev_find(m, l->master);

		if (br != NULL && br->role == EVPN_DEV_BRIDGE) {
			vni = br->vni;
			role = EVPN_DEV_PORT;
		}
	}
	if (d != NULL && d->pinned) {
		/* the edge created it and knows better: this may be an event from
		 * before it was enslaved (only its deletion counts) */
		d->mark = false;
		return 0;
	}
	if (role == EVPN_DEV_NONE || evpn_vni_find(m, vni) == NULL) {
		/* a port leaving its bridge, or a device renamed away */
		if (d == NULL)
			return 1;
		dev_forget(m, d, now);
		return 0;
	}
	return dev_set(m, l->ifindex, vni, role, false, now) < 0 ? 1 : 0;
}

/* ---- input ---- */

int evpn_model_input(struct evpn_model *m, const struct nl_msg *msg, uint64_t now_ns)
{
	const struct evpn_dev *d;
	int rc;

	m->st.msgs++;
	switch (msg->kind) {
	case NL_MALFORMED:
		m->st.malformed++;
		return -EBADMSG;
	case NL_LINK:
		rc = link_input(m, &msg->link, now_ns);
		break;
	case NL_NEIGH:
		d = evpn_dev_find(m, msg->neigh.ifindex);
		if (d == NULL) {
			rc = 1;
		} else if (msg->neigh.family == AF_BRIDGE) {
			rc = evpn_fdb_input(m, &msg->neigh, now_ns);
		} else if (d->role == EVPN_DEV_BRIDGE) {
			struct evpn_vni *v = evpn_vni_find(m, d->vni);

			rc = v != NULL ? evpn_neigh_input(m, v, &msg->neigh, now_ns) : 1;
		} else {
			rc = 1; /* IP neighbours of the vxlan device or a port: not FRR's */
		}
		break;
	case NL_NEXTHOP:
		rc = evpn_nh_input(m, &msg->nh, now_ns);
		break;
	default:
		rc = 1;
		break;
	}
	if (rc == 1)
		m->st.ignored++;
	else if (rc < 0)
		m->st.unexpected++;
	return rc;
}

/* ---- held deletions ---- */

static void pend_unlink(struct evpn_pend *p)
{
	p->prev->next = p->next;
	p->next->prev = p->prev;
	p->prev = p->next = NULL;
	p->linked = false;
}

/* Insert keeping the list sorted by due; new dues are nearly always the
 * latest, so search from the tail. */
static void pend_insert(struct evpn_model *m, struct evpn_pend *p)
{
	struct evpn_pend *at = m->pending.prev;

	while (at != &m->pending && at->due > p->due)
		at = at->prev;
	p->prev = at;
	p->next = at->next;
	at->next->prev = p;
	at->next = p;
	p->linked = true;
}

static struct evpn_vni *pend_vni(struct evpn_pend *p)
{
	switch (p->kind) {
	case PEND_MAC: return container_of(p, struct evpn_mac, pend)->v;
	case PEND_NEIGH: return container_of(p, struct evpn_neigh, pend)->v;
	case PEND_FLOOD: return container_of(p, struct evpn_flood, pend)->v;
	}
	return NULL;
}

void evpn_pend_hold(struct evpn_model *m, struct evpn_pend *p, enum evpn_pend_kind kind,
		    uint64_t now)
{
	if (p->linked)
		return;
	p->kind = (uint8_t)kind;
	p->due = now + evpn_ms(m->cfg.del_hold_ms);
	if (m->grace_until > now && p->due < m->grace_until)
		p->due = m->grace_until;
	pend_insert(m, p);
	pend_vni(p)->held++;
	m->st.held++;
}

void evpn_pend_cancel(struct evpn_model *m, struct evpn_pend *p)
{
	(void)m;
	if (!p->linked)
		return;
	pend_unlink(p);
	pend_vni(p)->held--;
}

void evpn_model_poll(struct evpn_model *m, uint64_t now_ns)
{
	while (m->pending.next != &m->pending && m->pending.next->due <= now_ns) {
		struct evpn_pend *p = m->pending.next;

		pend_unlink(p);
		if (m->grace_until > now_ns) {
			/* FRR went down meanwhile: wait for it to come back */
			p->due = m->grace_until;
			pend_insert(m, p);
			continue;
		}
		pend_vni(p)->held--;
		if (m->grace_until != 0 && p->due == m->grace_until)
			m->st.expired_in_grace++; /* did not come back after a restart */
		switch (p->kind) {
		case PEND_MAC:
			evpn_mac_due(m, container_of(p, struct evpn_mac, pend), now_ns);
			break;
		case PEND_NEIGH:
			evpn_neigh_due(m, container_of(p, struct evpn_neigh, pend), now_ns);
			break;
		case PEND_FLOOD:
			evpn_flood_due(m, container_of(p, struct evpn_flood, pend), now_ns);
			break;
		}
	}
}

uint64_t evpn_model_next_due(const struct evpn_model *m)
{
	return m->pending.next != &m->pending ? m->pending.next->due : UINT64_MAX;
}

/* ---- FRR up/down ---- */

void evpn_model_frr_state(struct evpn_model *m, bool up, uint64_t now_ns)
{
	bool was_up = m->frr_known && m->frr_up;

	if (!up && was_up) {
		/* it was serving us: keep what it installed for the grace period
		 * (a second exit during grace restarts it) */
		m->grace_until = now_ns + evpn_ms(m->cfg.grace_ms);
		m->st.grace_periods++;
	}
	m->frr_known = true;
	m->frr_up = up;
}

enum evpn_frr_state evpn_model_frr(const struct evpn_model *m, uint64_t now_ns,
				   uint64_t *grace_left_ns)
{
	if (grace_left_ns != NULL)
		*grace_left_ns = m->grace_until > now_ns ? m->grace_until - now_ns : 0;
	if (!m->frr_known)
		return EVPN_FRR_UNKNOWN;
	if (m->grace_until > now_ns)
		return EVPN_FRR_GRACE;
	return m->frr_up ? EVPN_FRR_UP : EVPN_FRR_DOWN;
}

/* ---- resync ---- */

static int mark_dev(void *arg, struct evpn_hnode *n)
{
	(void)arg;
	container_of(n, struct evpn_dev, h)->mark = true;
	return 0;
}

void evpn_model_resync_begin(struct evpn_model *m)
{
	m->resyncing = true;
	m->st.resyncs++;
	evpn_hash_walk(&m->devs, mark_dev, m);
	evpn_fdb_mark(m);
	evpn_neigh_mark(m);
}

struct sweep_devs {
	struct evpn_model *m;
	uint64_t now;
};

static int sweep_dev(void *arg, struct evpn_hnode *n)
{
	struct sweep_devs *a = arg;
	struct evpn_dev *d = container_of(n, struct evpn_dev, h);

	if (d->mark) {
		a->m->st.swept++;
		dev_forget(a->m, d, a->now);
	}
	return 0;
}

void evpn_model_resync_end(struct evpn_model *m, uint64_t now_ns)
{
	struct sweep_devs a = { m, now_ns };

	if (!m->resyncing)
		return;
	m->resyncing = false;
	/* dev_forget() can free other entries, never other devices */
	evpn_hash_walk(&m->devs, sweep_dev, &a);
	evpn_fdb_sweep(m, now_ns);
	evpn_neigh_sweep(m, now_ns);
}

/* ---- show ---- */

void evpn_model_get_stats(const struct evpn_model *m, struct evpn_model_stats *s)
{
	*s = m->st;
}

void evpn_model_walk_vnis(const struct evpn_model *m,
			  int (*cb)(void *arg, const struct evpn_vni_view *v), void *arg)
{
	for (unsigned i = 0; i < m->n_vnis; i++) {
		const struct evpn_vni *v = m->vnis[i];
		struct vx_ip flood[256];
		struct evpn_vni_view view = {
			.vni = v->vni, .vxlan_ifindex = v->vxlan_ifindex,
			.br_ifindex = v->br_ifindex, .n_ports = v->n_ports,
			.local_macs = v->local_macs, .remote_macs = v->remote_macs,
			.local_neighs = v->local_neighs, .remote_neighs = v->remote_neighs,
			.held = v->held, .flood = flood,
		};

		for (const struct evpn_flood *f = v->flood; f != NULL; f = f->next)
			if (f->em && view.n_flood < sizeof(flood) / sizeof(flood[0]))
				flood[view.n_flood++] = f->ip;
		if (cb(arg, &view) != 0)
			return;
	}
}
