/* fdb_table: slot array, lock-free lookups, learn/delete by the single writer.
 *
 * Concurrency protocol (see fdb.h for the contract):
 *  - The writer publishes an entry by storing its value, then its key (release).
 *    A move of an existing key is one release store of the new value.
 *  - Whenever a key leaves a slot (delete, or the old copy of a relocated
 *    entry) the writer bumps t->seq before that slot can take a new value.
 *    A reader loads seq before probing and again after; if it changed, it
 *    probes again. So a hit's value was stored for that key, in that slot.
 *  - Deleting shifts later entries of the run back into the hole (Knuth's
 *    algorithm R). Each shift publishes the copy first, bumps seq, then
 *    retires the original: a reader that slipped between the two sees seq
 *    change and probes again instead of reporting a false miss.
 *  The reader never waits: a writer stalled mid-operation leaves a table in
 *  which every present key is still findable.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fdb_internal.h"

#define FDB_BULK_CHUNK 64u

/** murmur3's 64-bit finalizer: all key bits reach the low (index) bits. */
static inline uint64_t fdb_hash(fdb_key_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

/** Keys that can name an entry; the others are slot markers or out of range. */
static inline bool fdb_key_valid(fdb_key_t key)
{
	return key != FDB_SLOT_EMPTY && fdb_key_bd(key) < FDB_BD_MAX;
}

static void *fdb_alloc(size_t size)
{
	size = (size + FDB_CACHE_LINE - 1) & ~(size_t)(FDB_CACHE_LINE - 1);
	return aligned_alloc(FDB_CACHE_LINE, size);
}

#define FDB_HUGE (2u << 20)

/* The slot arrays (tens of MB at 1M entries) on 2 MiB pages where the kernel
 * has transparent huge pages: lookups land on random slots, and with 4 KiB
 * pages a table larger than the TLB reach costs a page walk per lookup.
 * The mapping is aligned to 2 MiB so that huge pages can back it. */
static void *fdb_map(size_t size, size_t *mapped)
{
	size_t len = (size + FDB_HUGE - 1) & ~(size_t)(FDB_HUGE - 1);
	uint8_t *p = mmap(NULL, len + FDB_HUGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + FDB_HUGE - 1) & ~(uintptr_t)(FDB_HUGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + len + FDB_HUGE)
		munmap(a + len, (size_t)(p + len + FDB_HUGE - (a + len)));
#ifdef MADV_HUGEPAGE
	madvise(a, len, MADV_HUGEPAGE); /* a hint: 4 KiB pages still work */
#endif
	*mapped = len;
	return a;
}

struct fdb_table *fdb_create(uint32_t max_entries)
{
	struct fdb_table *t;
	uint64_t n = 16;

	if (max_entries == 0 || max_entries > FDB_MAX_ENTRIES_LIMIT) {
		errno = EINVAL;
		return NULL;
	}
	while (n < 2ull * max_entries)
		n <<= 1;
	t = fdb_alloc(sizeof(*t));
	if (t == NULL)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->slots = fdb_map(n * sizeof(*t->slots), &t->slots_bytes);
	t->last_seen = fdb_map(n * sizeof(*t->last_seen), &t->last_seen_bytes);
	if (t->slots == NULL || t->last_seen == NULL) {
		fdb_destroy(t);
		errno = ENOMEM;
		return NULL;
	}
	for (uint64_t i = 0; i < n; i++) {
		atomic_init(&t->slots[i].key, FDB_SLOT_EMPTY);
		atomic_init(&t->slots[i].val, 0);
		atomic_init(&t->last_seen[i], 0);
	}
	atomic_init(&t->seq, 0);
	t->mask = n - 1;
	t->max_entries = max_entries;
	t->hard_cap = (uint32_t)(n - n / 4);
	return t;
}

void fdb_destroy(struct fdb_table *t)
{
	if (t == NULL)
		return;
	if (t->slots != NULL)
		munmap(t->slots, t->slots_bytes);
	if (t->last_seen != NULL)
		munmap(t->last_seen, t->last_seen_bytes);
	free(t);
}

/* ---- readers ---- */

/** Find key from its home slot; on a hit fill *val and *idx. Lock-free. */
static inline bool fdb_probe(const struct fdb_table *t, fdb_key_t key, uint64_t h, uint64_t *val,
			     uint64_t *idx)
{
	const struct fdb_slot *s = t->slots;
	const uint64_t mask = t->mask;

	for (;;) {
		uint64_t seq = atomic_load_explicit(&t->seq, memory_order_acquire);
		uint64_t i = h & mask, v = 0;
		bool hit = false;

		for (uint64_t n = 0; n <= mask; n++, i = (i + 1) & mask) {
			uint64_t k = atomic_load_explicit(&s[i].key, memory_order_acquire);

			if (k == key) {
				v = atomic_load_explicit(&s[i].val, memory_order_acquire);
				hit = true;
				break;
			}
			if (k == FDB_SLOT_EMPTY)
				break;
		}
		/* The acquire loads above keep this one after them. */
		if (atomic_load_explicit(&t->seq, memory_order_acquire) != seq)
			continue;
		*val = v;
		*idx = i;
		return hit;
	}
}

void fdb_lookup_bulk(const struct fdb_table *t, const fdb_key_t *keys, unsigned n,
		     struct fdb_result *out)
{
	uint64_t h[FDB_BULK_CHUNK];

	_Static_assert(FDB_BULK_CHUNK <= 64, "one bit per key of a chunk");
	for (unsigned base = 0; base < n; base += FDB_BULK_CHUNK) {
		unsigned m = n - base < FDB_BULK_CHUNK ? n - base : FDB_BULK_CHUNK;
		fdb_key_t prev = base > 0 ? keys[base - 1] : ~keys[0];
		uint64_t same = 0; /* bit i: key i equals the key before it */

		/* Hash everything first so the home slots load in parallel. Bursts
		 * often carry one flow: a key like the one before it is neither
		 * hashed nor probed but gets the answer before it (a writer's
		 * change between two equal keys of one burst is seen a burst later). */
		for (unsigned i = 0; i < m; i++) {
			fdb_key_t k = keys[base + i];

			if (k == prev) {
				same |= 1ull << i;
				continue;
			}
			prev = k;
			h[i] = fdb_hash(k);
			__builtin_prefetch(&t->slots[h[i] & t->mask], 0, 3);
		}
		for (unsigned i = 0; i < m; i++) {
			uint64_t v = 0, idx;

			if (same & (1ull << i)) {
				out[base + i] = out[base + i - 1];
				continue;
			}
			if (!fdb_key_valid(keys[base + i]) ||
			    !fdb_probe(t, keys[base + i], h[i], &v, &idx))
				v = idx = 0;
			out[base + i] = fdb_val_unpack(v);
			out[base + i].slot = (uint32_t)idx;
		}
	}
}

bool fdb_touch_slot(const struct fdb_table *t, const struct fdb_result *r, fdb_key_t key,
		    uint32_t now_s)
{
	uint64_t i = r->slot;

	/* Keys are unique: the key still in that slot means the entry is. */
	if (r->kind == 0 || i > t->mask ||
	    atomic_load_explicit(&t->slots[i].key, memory_order_relaxed) != key)
		return fdb_touch(t, key, now_s);
	if (atomic_load_explicit(&t->last_seen[i], memory_order_relaxed) != now_s)
		atomic_store_explicit(&t->last_seen[i], now_s, memory_order_relaxed);
	return true;
}

bool fdb_touch(const struct fdb_table *t, fdb_key_t key, uint32_t now_s)
{
	uint64_t v, i;

	if (!fdb_key_valid(key) || !fdb_probe(t, key, fdb_hash(key), &v, &i))
		return false;
	/* Relaxed: a lost or late touch only shifts aging by a second or a round. */
	if (atomic_load_explicit(&t->last_seen[i], memory_order_relaxed) != now_s)
		atomic_store_explicit(&t->last_seen[i], now_s, memory_order_relaxed);
	return true;
}

/* ---- writer ---- */

static inline uint64_t fdb_wkey(const struct fdb_table *t, uint64_t i)
{
	return atomic_load_explicit(&t->slots[i].key, memory_order_relaxed);
}

/** Writer probe: true with the key's slot, or false with the empty slot that
 *  ends its run (there always is one: entries <= hard_cap < slots). */
static bool fdb_wfind(const struct fdb_table *t, fdb_key_t key, uint64_t *idx)
{
	uint64_t i = fdb_hash(key) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint64_t k = fdb_wkey(t, i);

		if (k == key || k == FDB_SLOT_EMPTY) {
			*idx = i;
			return k == key;
		}
	}
}

static inline void fdb_seq_bump(struct fdb_table *t)
{
	atomic_fetch_add_explicit(&t->seq, 1, memory_order_release);
}

/** Remove the entry in slot hole and close the gap in its run. */
static void fdb_remove_at(struct fdb_table *t, uint64_t hole)
{
	struct fdb_slot *s = t->slots;
	const uint64_t mask = t->mask;
	uint16_t bd = fdb_key_bd(fdb_wkey(t, hole));

	atomic_store_explicit(&s[hole].key, FDB_SLOT_TOMB, memory_order_release);
	fdb_seq_bump(t);
	for (uint64_t j = (hole + 1) & mask;; j = (j + 1) & mask) {
		uint64_t k = fdb_wkey(t, j), home;

		if (k == FDB_SLOT_EMPTY)
			break;
		home = fdb_hash(k) & mask;
		/* Movable only if the hole lies on k's probe path (home..j). */
		if (((j - home) & mask) < ((j - hole) & mask))
			continue;
		atomic_store_explicit(&s[hole].val,
				      atomic_load_explicit(&s[j].val, memory_order_relaxed),
				      memory_order_release);
		atomic_store_explicit(&t->last_seen[hole],
				      atomic_load_explicit(&t->last_seen[j], memory_order_relaxed),
				      memory_order_relaxed);
		atomic_store_explicit(&s[hole].key, k, memory_order_release);
		fdb_seq_bump(t); /* copy visible before the original goes */
		atomic_store_explicit(&s[j].key, FDB_SLOT_TOMB, memory_order_release);
		fdb_seq_bump(t); /* key gone before slot j takes another value */
		hole = j;
	}
	atomic_store_explicit(&s[hole].key, FDB_SLOT_EMPTY, memory_order_release);
	t->entries--;
	t->bd_count[bd]--;
}

/** Rules for a key that is already in slot i. */
static enum fdb_learn_result fdb_update(struct fdb_table *t, uint64_t i, enum fdb_kind kind,
					uint32_t dest, uint32_t now_s, struct fdb_result *old)
{
	uint64_t cv = atomic_load_explicit(&t->slots[i].val, memory_order_relaxed);
	uint64_t nv = fdb_val_pack(kind, dest);
	struct fdb_result cur = fdb_val_unpack(cv);

	if (old != NULL)
		*old = cur;
	if (fdb_kind_is_dynamic(kind) && !fdb_kind_is_dynamic(cur.kind)) {
		/* Configured entries win; EVPN yields only to a local sighting. */
		if (!(cur.kind == FDB_KIND_EVPN && kind == FDB_KIND_LOCAL))
			return FDB_LEARN_STATIC;
	}
	atomic_store_explicit(&t->last_seen[i], now_s, memory_order_relaxed);
	if (cv == nv)
		return FDB_LEARN_REFRESH;
	atomic_store_explicit(&t->slots[i].val, nv, memory_order_release);
	t->moved++;
	return FDB_LEARN_MOVED;
}

enum fdb_learn_result fdb_learn(struct fdb_table *t, fdb_key_t key, enum fdb_kind kind,
				uint32_t dest, uint32_t now_s, struct fdb_result *old)
{
	uint16_t bd = fdb_key_bd(key);
	uint8_t mac[6];
	uint64_t i;

	if (old != NULL)
		*old = (struct fdb_result){ 0 };
	fdb_key_mac(key, mac);
	if (kind < FDB_KIND_LOCAL || kind > FDB_KIND_EVPN || bd >= FDB_BD_MAX ||
	    !fdb_mac_learnable(mac))
		return FDB_LEARN_INVALID;
	if (fdb_wfind(t, key, &i))
		return fdb_update(t, i, kind, dest, now_s, old);

	if (fdb_kind_is_dynamic(kind)) {
		if (t->entries >= t->max_entries) {
			t->full_drops++;
			return FDB_LEARN_FULL;
		}
		if (t->bd_limit[bd] != 0 && t->bd_count[bd] >= t->bd_limit[bd]) {
			t->limit_drops++;
			return FDB_LEARN_VNI_LIMIT;
		}
	}
	if (t->entries >= t->hard_cap) {
		t->full_drops++;
		return FDB_LEARN_FULL;
	}
	/* Slot i is empty and its last occupant's departure already bumped seq. */
	atomic_store_explicit(&t->last_seen[i], now_s, memory_order_relaxed);
	atomic_store_explicit(&t->slots[i].val, fdb_val_pack(kind, dest), memory_order_release);
	atomic_store_explicit(&t->slots[i].key, key, memory_order_release);
	t->entries++;
	t->bd_count[bd]++;
	t->learned++;
	return FDB_LEARN_NEW;
}

int fdb_delete(struct fdb_table *t, fdb_key_t key)
{
	uint64_t i;

	if (!fdb_key_valid(key) || !fdb_wfind(t, key, &i))
		return -ENOENT;
	fdb_remove_at(t, i);
	return 0;
}

unsigned fdb_sweep(struct fdb_table *t, fdb_match_fn match, void *match_arg, fdb_removed_cb cb,
		   void *cb_arg)
{
	uint64_t start = 0, off = 0;
	unsigned removed = 0;

	/* Start on an empty slot: no run wraps past it, so shifting entries back
	 * only ever moves them into the slot being examined or ahead of it. */
	while (fdb_wkey(t, start) != FDB_SLOT_EMPTY)
		start++;
	while (off <= t->mask) {
		uint64_t i = (start + off) & t->mask;
		uint64_t k = fdb_wkey(t, i);
		struct fdb_result r;

		if (k == FDB_SLOT_EMPTY) {
			off++;
			continue;
		}
		r = fdb_val_unpack(atomic_load_explicit(&t->slots[i].val, memory_order_relaxed));
		if (!match(match_arg, k, &r,
			   atomic_load_explicit(&t->last_seen[i], memory_order_relaxed))) {
			off++;
			continue;
		}
		fdb_remove_at(t, i); /* slot i may now hold a shifted entry: look again */
		removed++;
		if (cb != NULL)
			cb(cb_arg, k, &r);
	}
	return removed;
}

void fdb_walk(const struct fdb_table *t, int (*cb)(void *arg, const struct fdb_entry_view *e),
	      void *arg)
{
	for (uint64_t i = 0; i <= t->mask; i++) {
		struct fdb_entry_view e = { .key = fdb_wkey(t, i) };

		if (e.key == FDB_SLOT_EMPTY)
			continue;
		e.r = fdb_val_unpack(atomic_load_explicit(&t->slots[i].val, memory_order_relaxed));
		e.last_seen_s = atomic_load_explicit(&t->last_seen[i], memory_order_relaxed);
		if (cb(arg, &e) != 0)
			return;
	}
}

/* ---- limits, counters, names ---- */

void fdb_set_bd_limit(struct fdb_table *t, uint16_t bd, uint32_t limit)
{
	if (bd < FDB_BD_MAX)
		t->bd_limit[bd] = limit;
}

void fdb_get_stats(const struct fdb_table *t, struct fdb_stats *s)
{
	*s = (struct fdb_stats){
		.entries = t->entries,
		.max_entries = t->max_entries,
		.learned = t->learned,
		.moved = t->moved,
		.aged = t->aged,
		.limit_drops = t->limit_drops,
		.full_drops = t->full_drops,
	};
}

uint32_t fdb_bd_count(const struct fdb_table *t, uint16_t bd)
{
	return bd < FDB_BD_MAX ? t->bd_count[bd] : 0;
}

size_t fdb_memory(const struct fdb_table *t)
{
	size_t n = (size_t)t->mask + 1;

	return sizeof(*t) + n * sizeof(*t->slots) + n * sizeof(*t->last_seen);
}

uint32_t fdb_max_displacement(const struct fdb_table *t)
{
	uint64_t worst = 0;

	for (uint64_t i = 0; i <= t->mask; i++) {
		uint64_t k = fdb_wkey(t, i);
		uint64_t d = (i - (fdb_hash(k) & t->mask)) & t->mask;

		if (k != FDB_SLOT_EMPTY && d > worst)
			worst = d;
	}
	return (uint32_t)worst;
}

const char *fdb_kind_name(enum fdb_kind k)
{
	static const char *const names[] = {
		[FDB_KIND_LOCAL] = "local",
		[FDB_KIND_REMOTE] = "remote",
		[FDB_KIND_STATIC_LOCAL] = "static-local",
		[FDB_KIND_STATIC_REMOTE] = "static-remote",
		[FDB_KIND_EVPN] = "evpn",
	};

	if ((unsigned)k < sizeof(names) / sizeof(names[0]) && names[k] != NULL)
		return names[k];
	return "unknown";
}

const char *fdb_learn_result_name(enum fdb_learn_result r)
{
	static const char *const names[] = {
		[FDB_LEARN_NEW] = "new",
		[FDB_LEARN_REFRESH] = "refresh",
		[FDB_LEARN_MOVED] = "moved",
		[FDB_LEARN_STATIC] = "static",
		[FDB_LEARN_VNI_LIMIT] = "vni-limit",
		[FDB_LEARN_FULL] = "full",
		[FDB_LEARN_INVALID] = "invalid",
	};

	if ((unsigned)r < sizeof(names) / sizeof(names[0]) && names[r] != NULL)
		return names[r];
	return "unknown";
}
