/* fdb_age: aging and flushing, both one sweep over the slots (writer only). */
#include "fdb_internal.h"

struct fdb_age_arg {
	uint32_t now_s, aging_s;
};

static bool fdb_age_match(void *arg, fdb_key_t key, const struct fdb_result *r,
			  uint32_t last_seen_s)
{
	const struct fdb_age_arg *a = arg;
	uint32_t idle = a->now_s - last_seen_s; /* wraps with the clock */

	(void)key;
	/* A last_seen ahead of now_s (a worker's newer second) wraps to a huge
	 * idle time: treat the upper half of the range as "in the future". */
	return fdb_kind_is_dynamic(r->kind) && idle < 0x80000000u && idle >= a->aging_s;
}

unsigned fdb_age(struct fdb_table *t, uint32_t now_s, uint32_t aging_s, fdb_removed_cb cb,
		 void *arg)
{
	struct fdb_age_arg a = { .now_s = now_s, .aging_s = aging_s };
	unsigned n;

	if (aging_s == 0)
		return 0;
	n = fdb_sweep(t, fdb_age_match, &a, cb, arg);
	t->aged += n;
	return n;
}

struct fdb_flush_arg {
	int bd;
	enum fdb_kind kind;
	int64_t dest;
};

static bool fdb_flush_match(void *arg, fdb_key_t key, const struct fdb_result *r,
			    uint32_t last_seen_s)
{
	const struct fdb_flush_arg *f = arg;

	(void)last_seen_s;
	if (f->bd >= 0 && fdb_key_bd(key) != (unsigned)f->bd)
		return false;
	if (f->kind == 0 ? !fdb_kind_is_dynamic(r->kind) : r->kind != (unsigned)f->kind)
		return false;
	return f->dest < 0 || r->dest == (uint64_t)f->dest;
}

unsigned fdb_flush(struct fdb_table *t, int bd, enum fdb_kind kind, int64_t dest,
		   fdb_removed_cb cb, void *arg)
{
	struct fdb_flush_arg f = { .bd = bd, .kind = kind, .dest = dest };

	return fdb_sweep(t, fdb_flush_match, &f, cb, arg);
}
