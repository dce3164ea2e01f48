/* fdb internals shared by fdb_table.c and fdb_age.c. Not for other modules. */
#ifndef FDB_INTERNAL_H
#define FDB_INTERNAL_H

#include <stdalign.h>
#include <stdatomic.h>

#include "fdb.h"

#define FDB_SLOT_EMPTY 0ull           /* bd 0 + zero MAC: never a valid key */
#define FDB_SLOT_TOMB UINT64_MAX      /* bd 0xffff: a hole the writer is filling */
#define FDB_CACHE_LINE 64

/** Value word: dest in bits 0..31, kind in 32..39; never 0 for a live entry. */
static inline uint64_t fdb_val_pack(enum fdb_kind kind, uint32_t dest)
{
	return (uint64_t)dest | ((uint64_t)kind << 32);
}

static inline struct fdb_result fdb_val_unpack(uint64_t v)
{
	return (struct fdb_result){ .dest = (uint32_t)v, .kind = (uint8_t)(v >> 32) };
}

static inline bool fdb_kind_is_dynamic(unsigned k)
{
	return k == FDB_KIND_LOCAL || k == FDB_KIND_REMOTE;
}

struct fdb_slot {
	_Atomic uint64_t key;
	_Atomic uint64_t val;
};
_Static_assert(sizeof(struct fdb_slot) == 16, "four slots per cache line");

struct fdb_table {
	/* Fixed at create; read by every lookup. */
	struct fdb_slot *slots;
	_Atomic uint32_t *last_seen;  /* per slot; workers store relaxed */
	uint64_t mask;                /* slots - 1 */
	size_t slots_bytes, last_seen_bytes; /* as mapped (fdb_map) */

	/* Bumped by the writer each time a key leaves a slot; readers retry when
	 * it changed during their probe. Own line: it is written, unlike the above. */
	alignas(FDB_CACHE_LINE) _Atomic uint64_t seq;

	/* Writer (control thread) only. */
	alignas(FDB_CACHE_LINE) uint32_t entries;
	uint32_t max_entries;  /* dynamic learns stop here */
	uint32_t hard_cap;     /* nothing is inserted beyond this (3/4 of slots) */
	uint64_t learned, moved, aged, limit_drops, full_drops;
	uint32_t bd_count[FDB_BD_MAX];
	uint32_t bd_limit[FDB_BD_MAX];
};

/** Decides whether fdb_sweep() removes an entry. */
typedef bool (*fdb_match_fn)(void *arg, fdb_key_t key, const struct fdb_result *r,
			     uint32_t last_seen_s);

/** Remove every entry match() accepts, calling cb (if any) for each after its
 *  removal. Returns how many. Writer only. */
unsigned fdb_sweep(struct fdb_table *t, fdb_match_fn match, void *match_arg, fdb_removed_cb cb,
		   void *cb_arg);

#endif
