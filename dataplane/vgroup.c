/* VTEP groups: the registry and the workers' slot tables. See vgroup.h. */
#include "vgroup.h"

#include <string.h>

static void sort_unique(uint16_t *v, unsigned *n)
{
	unsigned k = 0;

	for (unsigned i = 1; i < *n; i++) { /* insertion sort: n <= 16 */
		uint16_t x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	for (unsigned i = 0; i < *n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	*n = k;
}

int vgroup_set(struct vgroup_registry *r, uint32_t nhg, const uint16_t *vteps, unsigned n,
	       bool *changed)
{
	uint16_t m[VGROUP_MAX_VTEPS];
	int free_slot = -1, at = -1;
	struct vgroup_def *g;

	*changed = false;
	if (nhg == 0 || n == 0)
		return -1;
	if (n > VGROUP_MAX_VTEPS) {
		r->full++; /* keep the first ones: still reachable, less spread */
		n = VGROUP_MAX_VTEPS;
	}
	memcpy(m, vteps, n * sizeof(*m));
	sort_unique(m, &n);
	for (uint16_t i = 0; i < r->n && at < 0; i++) {
		if (r->g[i].nhg == nhg)
			at = i;
		else if (r->g[i].nhg == 0 && free_slot < 0)
			free_slot = i;
	}
	if (at < 0) {
		if (free_slot < 0) {
			if (r->n == VGROUP_MAX) {
				r->full++;
				return -1;
			}
			free_slot = r->n++;
		}
		at = free_slot;
		r->g[at] = (struct vgroup_def){ .nhg = nhg };
	}
	g = &r->g[at];
	if (g->n != n || memcmp(g->vtep, m, n * sizeof(*m)) != 0) {
		g->n = (uint16_t)n;
		memcpy(g->vtep, m, n * sizeof(*m));
		*changed = true;
	}
	return at;
}

static void unref(struct vgroup_registry *r, uint16_t i)
{
	if (i >= r->n || r->g[i].refs == 0)
		return;
	if (--r->g[i].refs == 0) {
		r->g[i] = (struct vgroup_def){ 0 };
		while (r->n > 0 && r->g[r->n - 1].nhg == 0)
			r->n--;
	}
}

void vgroup_forget_unused(struct vgroup_registry *r, int i)
{
	if (i >= 0 && i < r->n && r->g[i].nhg != 0 && r->g[i].refs == 0) {
		r->g[i].refs = 1;
		unref(r, (uint16_t)i);
	}
}

static bool names_group(const struct fdb_result *x)
{
	return x != NULL && fdb_kind_is_remote((enum fdb_kind)x->kind) &&
	       vgroup_dest_is_group(x->dest);
}

void vgroup_track(struct vgroup_registry *r, const struct fdb_result *now,
		  const struct fdb_result *before)
{
	/* Reference the new one first: the same group before and after must
	 * not drop to zero in between. */
	if (names_group(now) && vgroup_dest_index(now->dest) < r->n)
		r->g[vgroup_dest_index(now->dest)].refs++;
	if (names_group(before))
		unref(r, vgroup_dest_index(before->dest));
}

unsigned vgroup_count(const struct vgroup_registry *r)
{
	unsigned k = 0;

	for (uint16_t i = 0; i < r->n; i++)
		k += r->g[i].nhg != 0;
	return k;
}

void vgroup_fill(struct dp_vgroup *out, const struct vgroup_def *def, const bool *usable,
		 unsigned n_usable)
{
	uint16_t up[VGROUP_MAX_VTEPS];
	unsigned nu = 0, turn = 0;

	for (unsigned k = 0; k < def->n; k++)
		if (def->vtep[k] < n_usable && usable[def->vtep[k]])
			up[nu++] = def->vtep[k];
	for (unsigned i = 0; i < VGROUP_SLOTS; i++) {
		uint16_t v = def->n ? def->vtep[i % def->n] : VGROUP_NONE;

		if (nu == 0)
			out->slot[i] = def->n ? def->vtep[0] : VGROUP_NONE;
		else if (v < n_usable && usable[v])
			out->slot[i] = v;
		else
			out->slot[i] = up[turn++ % nu];
	}
}
