/* evpn_flood: a VNI's flood list, from the zero-MAC self entries (one per
 * remote VTEP, from type-3 routes) on its vxlan device. See evpn_model.h. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "evpn_model_int.h"

/* ---- flood lists ---- */

static void flood_report(struct evpn_model *m, struct evpn_vni *v)
{
	struct vx_ip *l;
	unsigned n = 0, cap = 0;

	for (struct evpn_flood *f = v->flood; f != NULL; f = f->next)
		cap++;
	l = calloc(cap ? cap : 1, sizeof(*l));
	if (l == NULL)
		return; /* reported again on the next change */
	for (struct evpn_flood *f = v->flood; f != NULL; f = f->next)
		if (f->em)
			l[n++] = f->ip;
	m->st.flood_set++;
	if (m->ops->flood_set != NULL)
		m->ops->flood_set(m->ops_arg, v->vni, l, n);
	free(l);
}

static void flood_unlink(struct evpn_vni *v, struct evpn_flood *f)
{
	for (struct evpn_flood **pp = &v->flood; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			free(f);
			return;
		}
}

static void flood_evaluate(struct evpn_model *m, struct evpn_flood *f, uint64_t now)
{
	struct evpn_vni *v = f->v;

	if (f->kpresent) {
		if (f->pend.linked) {
			evpn_pend_cancel(m, &f->pend);
			m->st.reconciled++;
		}
		if (!f->em) {
			f->em = true;
			flood_report(m, v);
		}
	} else if (f->em) {
		evpn_pend_hold(m, &f->pend, PEND_FLOOD, now);
	} else if (!f->pend.linked) {
		flood_unlink(v, f);
	}
}

void evpn_flood_due(struct evpn_model *m, struct evpn_flood *f, uint64_t now)
{
	if (!f->kpresent && f->em) {
		f->em = false;
		flood_report(m, f->v);
	}
	flood_evaluate(m, f, now);
}

int evpn_flood_input(struct evpn_model *m, struct evpn_vni *v, const struct nl_neigh *n,
		     uint64_t now)
{
	struct evpn_flood *f = v->flood;

	if (!vx_ip_is_set(&n->ip))
		return -EINVAL; /* a flood entry without a destination */
	while (f != NULL && !vx_ip_eq(&f->ip, &n->ip))
		f = f->next;
	if (n->deleted) {
		if (f == NULL)
			return 0;
		f->kpresent = false;
	} else {
		if (f == NULL) {
			struct evpn_flood **tail = &v->flood;

			f = calloc(1, sizeof(*f));
			if (f == NULL)
				return -ENOMEM;
			f->v = v;
			f->ip = n->ip;
			while (*tail != NULL) /* keep arrival order in reports */
				tail = &(*tail)->next;
			*tail = f;
		}
		f->kpresent = true;
		f->mark = false;
	}
	flood_evaluate(m, f, now);
	return 0;
}

void evpn_flood_dev_gone(struct evpn_model *m, struct evpn_vni *v, uint64_t now)
{
	for (struct evpn_flood *f = v->flood, *next; f != NULL; f = next) {
		next = f->next; /* flood_evaluate may free f */
		f->kpresent = false;
		flood_evaluate(m, f, now);
	}
}

void evpn_flood_mark(struct evpn_vni *v)
{
	for (struct evpn_flood *f = v->flood; f != NULL; f = f->next)
		f->mark = f->kpresent;
}

void evpn_flood_sweep(struct evpn_model *m, struct evpn_vni *v, uint64_t now)
{
	for (struct evpn_flood *f = v->flood, *next; f != NULL; f = next) {
		next = f->next;
		if (f->mark) {
			f->mark = false;
			f->kpresent = false;
			m->st.swept++;
			flood_evaluate(m, f, now);
		}
	}
}

void evpn_flood_flush(struct evpn_model *m, struct evpn_vni *v)
{
	bool had = false;

	while (v->flood != NULL) {
		struct evpn_flood *f = v->flood;

		had = had || f->em;
		evpn_pend_cancel(m, &f->pend);
		v->flood = f->next;
		free(f);
	}
	if (had)
		flood_report(m, v);
}
