/* evpn_nexthop: fdb nexthops (id -> VTEP) and nexthop groups (id -> member
 * ids) that zebra creates for MACs behind a remote Ethernet Segment; a
 * change re-evaluates every MAC that uses the id directly or through a group.
 * See evpn_model.h. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "evpn_model_int.h"

/* ---- nexthops ---- */

static bool nh_eq(const struct evpn_hnode *n, const void *key)
{
	return container_of(n, struct evpn_nh, h)->id == *(const uint32_t *)key;
}

static struct evpn_nh *nh_find(const struct evpn_model *m, uint32_t id)
{
	struct evpn_hnode *n = evpn_hash_find(&m->nhs, evpn_id_hash(id), &id, nh_eq);

	return n != NULL ? container_of(n, struct evpn_nh, h) : NULL;
}

unsigned evpn_nh_resolve(const struct evpn_model *m, uint32_t id, struct vx_ip *out)
{
	const struct evpn_nh *nh = nh_find(m, id);
	unsigned n = 0;

	if (nh == NULL)
		return 0;
	if (!nh->group) {
		if (!vx_ip_is_set(&nh->gw))
			return 0;
		out[0] = nh->gw;
		return 1;
	}
	for (unsigned i = 0; i < nh->n_members; i++) {
		const struct evpn_nh *mem = nh_find(m, nh->members[i]);
		bool dup = false;

		if (mem == NULL || mem->group || !vx_ip_is_set(&mem->gw))
			continue;
		for (unsigned j = 0; j < n; j++)
			dup = dup || vx_ip_eq(&out[j], &mem->gw);
		if (!dup)
			out[n++] = mem->gw;
	}
	return n;
}

static int free_nh(void *arg, struct evpn_hnode *n)
{
	evpn_hash_del(&((struct evpn_model *)arg)->nhs, n);
	free(container_of(n, struct evpn_nh, h));
	return 0;
}

void evpn_nh_free_all(struct evpn_model *m)
{
	evpn_hash_walk(&m->nhs, free_nh, m);
}

/* ---- nexthop messages ---- */

struct nh_affect {
	struct evpn_model *m;
	uint32_t ids[EVPN_MAX_VTEPS + 1];
	unsigned n;
	bool drop;     /* the kernel dropped the fdb entries using ids[0] */
	uint64_t now;
};

static int affect_groups(void *arg, struct evpn_hnode *hn)
{
	struct nh_affect *a = arg;
	struct evpn_nh *g = container_of(hn, struct evpn_nh, h);

	if (!g->group || a->n >= sizeof(a->ids) / sizeof(a->ids[0]))
		return 0;
	for (unsigned i = 0; i < g->n_members; i++)
		if (g->members[i] == a->ids[0]) {
			a->ids[a->n++] = g->id;
			break;
		}
	return 0;
}

static int affect_mac(void *arg, struct evpn_hnode *hn)
{
	struct nh_affect *a = arg;
	struct evpn_mac *e = container_of(hn, struct evpn_mac, h);
	bool hit = false;

	if (!e->kself || e->kself_nh == 0)
		return 0;
	for (unsigned i = 0; i < a->n && !hit; i++)
		hit = e->kself_nh == a->ids[i];
	if (!hit)
		return 0;
	if (a->drop && e->kself_nh == a->ids[0]) {
		e->kself = false;
		a->m->st.group_drops++;
	}
	evpn_mac_evaluate(a->m, e, a->now);
	return 0;
}

/** Nexthop id changed (or went): re-evaluate every MAC that uses it directly
 *  or through a group. */
static void nh_changed(struct evpn_model *m, uint32_t id, bool drop, uint64_t now)
{
	struct nh_affect a = { .m = m, .ids = { id }, .n = 1, .drop = drop, .now = now };

	evpn_hash_walk(&m->nhs, affect_groups, &a);
	for (unsigned i = 0; i < m->n_vnis; i++)
		evpn_hash_walk(&m->vnis[i]->macs, affect_mac, &a);
}

static void nh_remove(struct evpn_model *m, struct evpn_nh *nh, uint64_t now)
{
	uint32_t id = nh->id;

	evpn_hash_del(&m->nhs, &nh->h);
	free(nh);
	/* the kernel silently drops the fdb entries that used it */
	nh_changed(m, id, true, now);
}

int evpn_nh_input(struct evpn_model *m, const struct nl_nexthop *x, uint64_t now)
{
	struct evpn_nh *nh = nh_find(m, x->id);
	bool group = x->n_group > 0;

	if (x->deleted) {
		if (nh == NULL)
			return 1;
		nh_remove(m, nh, now);
		return 0;
	}
	if (!x->fdb) {
		/* an id reused for a route nexthop: the fdb one is gone */
		if (nh != NULL)
			nh_remove(m, nh, now);
		return 1;
	}
	if (!group && !vx_ip_is_set(&x->gw))
		return -EINVAL; /* an fdb nexthop is a VTEP or a group */
	if (nh == NULL) {
		nh = calloc(1, sizeof(*nh));
		if (nh == NULL)
			return -ENOMEM;
		nh->id = x->id;
		evpn_hash_add(&m->nhs, &nh->h, evpn_id_hash(x->id));
	} else if (nh->group == group && vx_ip_eq(&nh->gw, &x->gw) &&
		   nh->n_members == x->n_group) {
		bool same = true;

		for (unsigned i = 0; i < x->n_group && same; i++)
			same = nh->members[i] == x->group[i].id;
		if (same) {
			nh->mark = false;
			return 0;
		}
	}
	nh->group = group;
	nh->gw = group ? (struct vx_ip){ 0 } : x->gw;
	nh->n_members = x->n_group;
	for (unsigned i = 0; i < x->n_group; i++)
		nh->members[i] = x->group[i].id;
	nh->mark = false;
	nh_changed(m, x->id, false, now);
	return 0;
}

static int mark_nh(void *arg, struct evpn_hnode *hn)
{
	(void)arg;
	container_of(hn, struct evpn_nh, h)->mark = true;
	return 0;
}

void evpn_nh_mark(struct evpn_model *m)
{
	evpn_hash_walk(&m->nhs, mark_nh, m);
}

struct nh_sweep {
	struct evpn_model *m;
	uint64_t now;
};

static int sweep_nh(void *arg, struct evpn_hnode *hn)
{
	struct nh_sweep *a = arg;
	struct evpn_nh *nh = container_of(hn, struct evpn_nh, h);

	if (nh->mark) {
		a->m->st.swept++;
		nh_remove(a->m, nh, a->now);
	}
	return 0;
}

void evpn_nh_sweep(struct evpn_model *m, uint64_t now)
{
	struct nh_sweep a = { m, now };

	/* removing one nexthop never frees another: the walk stays valid */
	evpn_hash_walk(&m->nhs, sweep_nh, &a);
}
