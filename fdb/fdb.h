/* fdb: the per-VNI MAC table. Pure: no EAL, no I/O, time passed in.
 *
 * One writer (the control thread) inserts, moves, ages and deletes; any number
 * of readers (workers) look up concurrently without locks. Readers see each
 * entry either before or after a write, never torn. Slots are fixed at
 * creation (sized for the configured maximum, 1M by default), so a reader
 * never follows a freed pointer.
 *
 * Key: a VNI's dense "bridge domain" index (16 bits, assigned by the control
 * thread, 0..FDB_BD_MAX-1) packed with the MAC into 8 bytes. Two key values
 * are reserved as slot markers and never name an entry: 0 (bd 0, the zero
 * MAC, which is unlearnable) and all-ones (bd 0xffff >= FDB_BD_MAX). Looking
 * up either, or any key with bd >= FDB_BD_MAX, is a miss.
 *
 * Layout: open addressing with linear probing over a power-of-two array of
 * 16-byte slots {key, packed value}, at least twice max_entries, plus one u32
 * last-seen second per slot; allocated once, never resized. Deleting shifts
 * later entries of the probe run back (no lasting tombstones), so churn never
 * lengthens probes. Readers validate every answer against a sequence counter
 * the writer bumps whenever a key leaves a slot, and probe again if it moved:
 * a hit never returns another key's value, and a present key is never missed
 * because the writer relocated it mid-probe. The writer never waits for
 * readers and nothing is freed before fdb_destroy(), so no RCU is needed.
 */
#ifndef FDB_H
#define FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDB_BD_MAX 4096u          /* VNIs (bridge domains) per switch */
#define FDB_DEFAULT_MAX 1048576u  /* entries */
#define FDB_DEFAULT_AGING_S 300u
#define FDB_MAX_ENTRIES_LIMIT (1u << 28) /* largest max_entries fdb_create() takes */

_Static_assert(FDB_BD_MAX < 0xffffu, "bd 0xffff is reserved for the slot tombstone");

typedef uint64_t fdb_key_t;

/** Pack (bd, mac) into a key. mac in wire order. */
static inline fdb_key_t fdb_key(uint16_t bd, const uint8_t mac[6])
{
	return ((uint64_t)bd << 48) | ((uint64_t)mac[0] << 40) | ((uint64_t)mac[1] << 32) |
	       ((uint64_t)mac[2] << 24) | ((uint64_t)mac[3] << 16) | ((uint64_t)mac[4] << 8) |
	       (uint64_t)mac[5];
}
/** fdb_key() for a MAC inside a frame, with one 8-byte load: the two bytes
 *  after the MAC must be readable (true for both MACs of an Ethernet header). */
static inline fdb_key_t fdb_key_at(uint16_t bd, const uint8_t *mac)
{
	uint64_t v;

	__builtin_memcpy(&v, mac, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return ((uint64_t)bd << 48) | (v >> 16);
}
static inline uint16_t fdb_key_bd(fdb_key_t k) { return (uint16_t)(k >> 48); }
static inline void fdb_key_mac(fdb_key_t k, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(k >> (40 - 8 * i));
}

/** Source MACs never learned: multicast/broadcast (I/G bit) and all-zero. */
static inline bool fdb_mac_learnable(const uint8_t mac[6])
{
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) != 0;
}

/** fdb_mac_learnable() of a key's MAC, without unpacking it. */
static inline bool fdb_key_learnable(fdb_key_t k)
{
	return !((k >> 40) & 1) && (k & 0xffffffffffffull) != 0;
}

/** Where a MAC lives and how we know it. */
enum fdb_kind {
	FDB_KIND_LOCAL = 1,   /**< learned on a local port; dest = port index */
	FDB_KIND_REMOTE,      /**< learned from decap; dest = VTEP index */
	FDB_KIND_STATIC_LOCAL,  /**< configured; never aged or moved by learning */
	FDB_KIND_STATIC_REMOTE,
	FDB_KIND_EVPN,        /**< installed by the EVPN agent; dest = VTEP index */
};
const char *fdb_kind_name(enum fdb_kind k);
static inline bool fdb_kind_is_remote(enum fdb_kind k)
{
	return k == FDB_KIND_REMOTE || k == FDB_KIND_STATIC_REMOTE || k == FDB_KIND_EVPN;
}

/** What a reader gets back. dest is a port index (local kinds) or a VTEP
 *  index (remote kinds). */
struct fdb_result {
	uint32_t dest;
	uint32_t slot; /**< lookups: where the entry was found (for fdb_touch_slot) */
	uint8_t kind;  /**< enum fdb_kind, 0 = miss */
};

struct fdb_table;

/** Create a table for up to max_entries dynamic entries (the slot array is
 *  rounded up to a power of two >= 2 * max_entries). NULL on ENOMEM, or when
 *  max_entries is 0 or above FDB_MAX_ENTRIES_LIMIT. */
struct fdb_table *fdb_create(uint32_t max_entries);
void fdb_destroy(struct fdb_table *t);

/* ---- readers (workers): lock-free ---- */

/** Look up n keys; out[i].kind == 0 on a miss. Prefetches ahead. */
void fdb_lookup_bulk(const struct fdb_table *t, const fdb_key_t *keys, unsigned n,
		     struct fdb_result *out);
/** Mark an entry as seen at now_s (coarse seconds): how aging learns that a
 *  local MAC is still alive without a control-thread event. Cheap: writes
 *  only when the stored second differs. Returns false on a miss. A touch that
 *  races with the writer relocating that entry may be lost (the entry then
 *  ages from its previous touch), which coarse aging tolerates. */
bool fdb_touch(const struct fdb_table *t, fdb_key_t key, uint32_t now_s);
/** fdb_touch() for an entry fdb_lookup_bulk() just found (r): one store into
 *  the slot it was found in while the key is still there, else the probe. */
bool fdb_touch_slot(const struct fdb_table *t, const struct fdb_result *r, fdb_key_t key,
		    uint32_t now_s);

/* ---- writer (control thread only) ---- */

/** Outcome of fdb_learn(). */
enum fdb_learn_result {
	FDB_LEARN_NEW,        /**< inserted */
	FDB_LEARN_REFRESH,    /**< same kind and dest: age refreshed */
	FDB_LEARN_MOVED,      /**< dest or kind changed (port->port, local<->remote) */
	FDB_LEARN_STATIC,     /**< a static entry exists: left alone */
	FDB_LEARN_VNI_LIMIT,  /**< the VNI is at its limit: not learned */
	FDB_LEARN_FULL,       /**< the table is at its global limit: not learned */
	FDB_LEARN_INVALID,    /**< unlearnable MAC or bad kind */
};
const char *fdb_learn_result_name(enum fdb_learn_result r);

/** Set the per-VNI (bridge domain) limit; 0 = no limit beyond the global one.
 *  Like the global max_entries it stops dynamic learns only and compares with
 *  the VNI's count of all kinds. */
void fdb_set_bd_limit(struct fdb_table *t, uint16_t bd, uint32_t limit);

/**
 * Learn or install: kind LOCAL/REMOTE are dynamic (aged; a static entry wins),
 * STATIC_* and EVPN replace whatever is there. An EVPN entry is replaced by
 * a LOCAL learn (MAC mobility: the VM moved here), reported as MOVED; a
 * REMOTE learn does not override it (EVPN is control-plane truth) and gets
 * FDB_LEARN_STATIC. Any kind with an unlearnable MAC, bd >= FDB_BD_MAX or a
 * kind outside enum fdb_kind gets FDB_LEARN_INVALID.
 * Limits: a new dynamic entry needs the table below max_entries (else FULL)
 * and its VNI below its limit (else VNI_LIMIT). Static and EVPN entries skip
 * both limits but are counted; they get FULL only when the slot array is 3/4
 * occupied, which keeps probes short.
 * If old is not NULL it receives the previous entry (kind 0 if there was
 * none): the one replaced on MOVED, the one kept on REFRESH or STATIC.
 */
enum fdb_learn_result fdb_learn(struct fdb_table *t, fdb_key_t key, enum fdb_kind kind,
				uint32_t dest, uint32_t now_s, struct fdb_result *old);

/** Delete one entry. Returns 0 or -ENOENT. */
int fdb_delete(struct fdb_table *t, fdb_key_t key);

/** Called for each entry removed by aging or flush, after its removal. It
 *  must not call fdb writer functions (the sweep is still running). */
typedef void (*fdb_removed_cb)(void *arg, fdb_key_t key, const struct fdb_result *r);

/** Remove dynamic entries not seen for aging_s seconds (last_seen + aging_s
 *  <= now_s, wrap-safe; a last_seen ahead of now_s is fresh). aging_s 0 =
 *  never. Static and EVPN entries are never aged. Returns how many. */
unsigned fdb_age(struct fdb_table *t, uint32_t now_s, uint32_t aging_s,
		 fdb_removed_cb cb, void *arg);

/** Flush entries matching: bd (or -1 for all), kind (0 = dynamic kinds only,
 *  or one kind), dest (or -1 for any). Returns how many. */
unsigned fdb_flush(struct fdb_table *t, int bd, enum fdb_kind kind, int64_t dest,
		   fdb_removed_cb cb, void *arg);

/** One entry as seen by fdb_walk(). */
struct fdb_entry_view {
	fdb_key_t key;
	struct fdb_result r;
	uint32_t last_seen_s;
};
/** Visit every entry (control thread). Stop early when cb returns non-zero. */
void fdb_walk(const struct fdb_table *t, int (*cb)(void *arg, const struct fdb_entry_view *e),
	      void *arg);

/** Counts for show/telemetry. */
struct fdb_stats {
	uint32_t entries;
	uint32_t max_entries;
	uint64_t learned, moved, aged, limit_drops, full_drops;
};
void fdb_get_stats(const struct fdb_table *t, struct fdb_stats *s);
uint32_t fdb_bd_count(const struct fdb_table *t, uint16_t bd);
/** Bytes of memory the table uses (for the benchmark's memory-per-entry). */
size_t fdb_memory(const struct fdb_table *t);
/** Longest distance of any entry from its home slot: the worst-case probe
 *  length minus one (control thread; walks the table). */
uint32_t fdb_max_displacement(const struct fdb_table *t);

/* ---- learn events: workers -> control thread through a ring ---- */

/** kind of an fdb_learn_event that reports a MAC/IP binding snooped from a
 *  local port's ARP/ND (for the EVPN agent), not a learn: key = (bd, MAC),
 *  port = the port, vtep_af/vtep_ip = the IP address. */
#define FDB_EVENT_NEIGH 0x80

/** What a worker saw; the control thread turns it into fdb_learn(). For
 *  REMOTE, dest is unknown to the worker: it sends the outer source IP and
 *  the control thread maps it to a VTEP index. */
struct fdb_learn_event {
	fdb_key_t key;
	uint8_t kind;        /**< FDB_KIND_LOCAL or FDB_KIND_REMOTE */
	uint8_t vtep_af;     /**< REMOTE: AF_INET/AF_INET6 */
	uint16_t port;       /**< LOCAL: port index */
	uint8_t vtep_ip[16]; /**< REMOTE: outer source address */
};

#endif
