/* Tests for fdb: the per-VNI MAC table (learn rules, aging, limits, scale, concurrency). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cu_main.h"
#include "fdb.h"

/* ---- helpers ---- */

/** A unicast, locally administered MAC 02:00:n (32 bits of n). */
static fdb_key_t key_of(uint16_t bd, uint32_t n)
{
	const uint8_t mac[6] = { 0x02, 0x00, (uint8_t)(n >> 24), (uint8_t)(n >> 16),
				 (uint8_t)(n >> 8), (uint8_t)n };

	return fdb_key(bd, mac);
}

static struct fdb_result look(const struct fdb_table *t, fdb_key_t k)
{
	struct fdb_result r;

	fdb_lookup_bulk(t, &k, 1, &r);
	return r;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/** xorshift64*: deterministic test randomness. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

struct find_arg {
	fdb_key_t key;
	struct fdb_entry_view view;
	int found;
};

static int find_cb(void *arg, const struct fdb_entry_view *e)
{
	struct find_arg *f = arg;

	if (e->key != f->key)
		return 0;
	f->view = *e;
	f->found++;
	return 0;
}

/** last_seen of key as fdb_walk() reports it, or UINT32_MAX if absent. */
static uint32_t last_seen_of(const struct fdb_table *t, fdb_key_t key)
{
	struct find_arg f = { .key = key };

	fdb_walk(t, find_cb, &f);
	return f.found == 1 ? f.view.last_seen_s : UINT32_MAX;
}

struct removed_log {
	unsigned n;
	fdb_key_t keys[16];
	struct fdb_result r[16];
};

static void removed_cb(void *arg, fdb_key_t key, const struct fdb_result *r)
{
	struct removed_log *log = arg;

	if (log->n < 16) {
		log->keys[log->n] = key;
		log->r[log->n] = *r;
	}
	log->n++;
}

/* ---- keys and names ---- */

static void test_key_packs_bd_and_mac_and_round_trips(void)
{
	const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t back[6];
	fdb_key_t k = fdb_key(4095, mac);

	CU_ASSERT_EQUAL(k, 0x0fff021122334455ull);
	CU_ASSERT_EQUAL(fdb_key_bd(k), 4095);
	fdb_key_mac(k, back);
	CU_ASSERT_EQUAL(memcmp(back, mac, 6), 0);
	CU_ASSERT_NOT_EQUAL(fdb_key(1, mac), fdb_key(2, mac));
}

static void test_kind_and_result_names_are_stable(void)
{
	CU_ASSERT_STRING_EQUAL(fdb_kind_name(FDB_KIND_LOCAL), "local");
	CU_ASSERT_STRING_EQUAL(fdb_kind_name(FDB_KIND_REMOTE), "remote");
	CU_ASSERT_STRING_EQUAL(fdb_kind_name(FDB_KIND_STATIC_LOCAL), "static-local");
	CU_ASSERT_STRING_EQUAL(fdb_kind_name(FDB_KIND_STATIC_REMOTE), "static-remote");
	CU_ASSERT_STRING_EQUAL(fdb_kind_name(FDB_KIND_EVPN), "evpn");
	CU_ASSERT_STRING_EQUAL(fdb_kind_name((enum fdb_kind)0), "unknown");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_NEW), "new");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_REFRESH), "refresh");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_MOVED), "moved");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_STATIC), "static");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_VNI_LIMIT), "vni-limit");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_FULL), "full");
	CU_ASSERT_STRING_EQUAL(fdb_learn_result_name(FDB_LEARN_INVALID), "invalid");
	CU_ASSERT_TRUE(fdb_kind_is_remote(FDB_KIND_EVPN));
	CU_ASSERT_FALSE(fdb_kind_is_remote(FDB_KIND_STATIC_LOCAL));
}

static void test_create_rejects_zero_and_oversized_tables(void)
{
	errno = 0;
	CU_ASSERT_PTR_NULL(fdb_create(0));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(fdb_create(FDB_MAX_ENTRIES_LIMIT + 1));
	fdb_destroy(NULL);
}

/* ---- learn rules ---- */

static void test_multicast_broadcast_and_zero_macs_are_not_learned(void)
{
	struct fdb_table *t = fdb_create(64);
	const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	const uint8_t zero[6] = { 0 };
	struct fdb_stats s;

	CU_ASSERT_FALSE(fdb_mac_learnable(bcast));
	CU_ASSERT_EQUAL(fdb_learn(t, fdb_key(1, bcast), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_INVALID);
	CU_ASSERT_EQUAL(fdb_learn(t, fdb_key(1, mcast), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_INVALID);
	CU_ASSERT_EQUAL(fdb_learn(t, fdb_key(1, zero), FDB_KIND_REMOTE, 1, 0, NULL), FDB_LEARN_INVALID);
	CU_ASSERT_EQUAL(fdb_learn(t, fdb_key(0, zero), FDB_KIND_STATIC_LOCAL, 1, 0, NULL),
			FDB_LEARN_INVALID);
	/* Out-of-range bd and kind are refused too. */
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(FDB_BD_MAX, 1), FDB_KIND_LOCAL, 1, 0, NULL),
			FDB_LEARN_INVALID);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 1), (enum fdb_kind)0, 1, 0, NULL), FDB_LEARN_INVALID);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 1), (enum fdb_kind)6, 1, 0, NULL), FDB_LEARN_INVALID);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, 0);
	/* The reserved slot markers are plain misses. */
	CU_ASSERT_EQUAL(look(t, 0).kind, 0);
	CU_ASSERT_EQUAL(look(t, UINT64_MAX).kind, 0);
	CU_ASSERT_FALSE(fdb_touch(t, 0, 5));
	CU_ASSERT_EQUAL(fdb_delete(t, UINT64_MAX), -ENOENT);
	fdb_destroy(t);
}

static void test_learn_then_lookup_then_refresh_updates_age(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(7, 0x10);
	struct fdb_result r, old;
	struct fdb_stats s;

	CU_ASSERT_EQUAL(look(t, k).kind, 0);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 3, 100, &old), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(old.kind, 0);
	r = look(t, k);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(r.dest, 3);
	CU_ASSERT_EQUAL(last_seen_of(t, k), 100);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 3, 150, &old), FDB_LEARN_REFRESH);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(last_seen_of(t, k), 150);
	CU_ASSERT_TRUE(fdb_touch(t, k, 160));
	CU_ASSERT_EQUAL(last_seen_of(t, k), 160);
	CU_ASSERT_FALSE(fdb_touch(t, key_of(7, 0x11), 160));
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, 1);
	CU_ASSERT_EQUAL(s.learned, 1);
	CU_ASSERT_EQUAL(s.moved, 0);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 7), 1);
	fdb_destroy(t);
}

static void test_touch_slot_uses_the_slot_found_and_falls_back_when_it_moved(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(7, 0x10), other = key_of(7, 0x11);
	struct fdb_result r, stale, miss;

	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 3, 100, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, other, FDB_KIND_LOCAL, 3, 100, NULL), FDB_LEARN_NEW);
	r = look(t, k);
	CU_ASSERT_TRUE(fdb_touch_slot(t, &r, k, 120));
	CU_ASSERT_EQUAL(last_seen_of(t, k), 120);
	CU_ASSERT_EQUAL(last_seen_of(t, other), 100);
	/* An answer whose slot now holds another key (the writer moved the
	 * entry): the touch finds the key by probing instead. */
	stale = look(t, other);
	CU_ASSERT_TRUE(fdb_touch_slot(t, &stale, k, 130));
	CU_ASSERT_EQUAL(last_seen_of(t, k), 130);
	CU_ASSERT_EQUAL(last_seen_of(t, other), 100);
	stale.slot = UINT32_MAX;
	CU_ASSERT_TRUE(fdb_touch_slot(t, &stale, k, 140));
	CU_ASSERT_EQUAL(last_seen_of(t, k), 140);
	/* A miss touches nothing. */
	miss = look(t, key_of(7, 0x12));
	CU_ASSERT_FALSE(fdb_touch_slot(t, &miss, key_of(7, 0x12), 150));
	fdb_destroy(t);
}

static void test_learn_moves_mac_between_ports_and_reports_old_port(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(1, 0x20);
	struct fdb_result old;
	struct fdb_stats s;

	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 1, 10, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 2, 11, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(old.dest, 1);
	CU_ASSERT_EQUAL(look(t, k).dest, 2);
	CU_ASSERT_EQUAL(last_seen_of(t, k), 11);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, 1);
	CU_ASSERT_EQUAL(s.moved, 1);
	fdb_destroy(t);
}

static void test_learn_moves_mac_between_local_and_remote_and_reports_old_entry(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(1, 0x21);
	struct fdb_result old, r;

	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 4, 10, NULL), FDB_LEARN_NEW);
	/* Same number, other kind: port 4 vs VTEP 4 are different places. */
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_REMOTE, 4, 11, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(old.dest, 4);
	r = look(t, k);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_REMOTE);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 9, 12, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_REMOTE);
	CU_ASSERT_EQUAL(old.dest, 4);
	r = look(t, k);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(r.dest, 9);
	fdb_destroy(t);
}

static void test_static_entry_wins_over_dynamic_learns(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t a = key_of(1, 0x30), b = key_of(1, 0x31);
	struct fdb_result old, r;

	CU_ASSERT_EQUAL(fdb_learn(t, a, FDB_KIND_STATIC_LOCAL, 5, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, a, FDB_KIND_LOCAL, 6, 10, &old), FDB_LEARN_STATIC);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_STATIC_LOCAL);
	CU_ASSERT_EQUAL(old.dest, 5);
	CU_ASSERT_EQUAL(fdb_learn(t, a, FDB_KIND_REMOTE, 6, 10, NULL), FDB_LEARN_STATIC);
	CU_ASSERT_EQUAL(fdb_learn(t, b, FDB_KIND_STATIC_REMOTE, 2, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, b, FDB_KIND_LOCAL, 1, 10, NULL), FDB_LEARN_STATIC);
	r = look(t, a);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_STATIC_LOCAL);
	CU_ASSERT_EQUAL(r.dest, 5);
	r = look(t, b);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_STATIC_REMOTE);
	CU_ASSERT_EQUAL(r.dest, 2);
	CU_ASSERT_EQUAL(last_seen_of(t, a), 0); /* a refused learn does not refresh */
	fdb_destroy(t);
}

static void test_static_install_replaces_any_entry(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(2, 0x32);
	struct fdb_result old;

	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_STATIC_LOCAL, 1, 0, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_STATIC_LOCAL, 1, 0, NULL), FDB_LEARN_REFRESH);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_STATIC_REMOTE, 3, 0, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_STATIC_LOCAL);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_EVPN, 3, 0, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_STATIC_REMOTE);
	CU_ASSERT_EQUAL(look(t, k).kind, FDB_KIND_EVPN);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 2), 1);
	fdb_destroy(t);
}

static void test_evpn_entry_yields_to_local_learn_but_not_remote_learn(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(3, 0x40);
	struct fdb_result old, r;

	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_EVPN, 8, 0, NULL), FDB_LEARN_NEW);
	/* A data-plane REMOTE learn never overrides control-plane truth. */
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_REMOTE, 9, 5, &old), FDB_LEARN_STATIC);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_EVPN);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_REMOTE, 8, 5, NULL), FDB_LEARN_STATIC);
	r = look(t, k);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_EVPN);
	CU_ASSERT_EQUAL(r.dest, 8);
	/* MAC mobility: the VM now sends from a local port. */
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 2, 6, &old), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(old.kind, FDB_KIND_EVPN);
	CU_ASSERT_EQUAL(old.dest, 8);
	r = look(t, k);
	CU_ASSERT_EQUAL(r.kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(r.dest, 2);
	fdb_destroy(t);
}

static void test_same_mac_in_two_bds_is_two_entries(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t a = key_of(10, 0x50), b = key_of(11, 0x50);

	CU_ASSERT_EQUAL(fdb_learn(t, a, FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, b, FDB_KIND_REMOTE, 2, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(look(t, a).kind, FDB_KIND_LOCAL);
	CU_ASSERT_EQUAL(look(t, b).kind, FDB_KIND_REMOTE);
	CU_ASSERT_EQUAL(look(t, key_of(12, 0x50)).kind, 0);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 10), 1);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 11), 1);
	CU_ASSERT_EQUAL(fdb_delete(t, a), 0);
	CU_ASSERT_EQUAL(look(t, a).kind, 0);
	CU_ASSERT_EQUAL(look(t, b).dest, 2);
	fdb_destroy(t);
}

static void test_delete_removes_entry_and_reports_enoent_when_missing(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(1, 0x60);
	struct fdb_stats s;

	CU_ASSERT_EQUAL(fdb_delete(t, k), -ENOENT);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_STATIC_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_delete(t, k), 0);
	CU_ASSERT_EQUAL(fdb_delete(t, k), -ENOENT);
	CU_ASSERT_EQUAL(look(t, k).kind, 0);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, 0);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 1), 0);
	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_LOCAL, 2, 0, NULL), FDB_LEARN_NEW);
	fdb_destroy(t);
}

/* ---- limits ---- */

static void test_vni_limit_stops_dynamic_learns_and_is_counted(void)
{
	struct fdb_table *t = fdb_create(64);
	struct fdb_stats s;

	fdb_set_bd_limit(t, 5, 3);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 1), FDB_KIND_STATIC_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 2), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 3), FDB_KIND_REMOTE, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 4), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_VNI_LIMIT);
	CU_ASSERT_EQUAL(look(t, key_of(5, 4)).kind, 0);
	/* Existing entries still refresh and move; other VNIs are unaffected. */
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 2), FDB_KIND_LOCAL, 2, 1, NULL), FDB_LEARN_MOVED);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(6, 4), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	/* Static and EVPN installs skip the limit but count. */
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 5), FDB_KIND_EVPN, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 5), 4);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.limit_drops, 1);
	CU_ASSERT_EQUAL(s.entries, 5);
	/* Lifting the limit lets learning resume. */
	fdb_set_bd_limit(t, 5, 0);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(5, 4), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	fdb_destroy(t);
}

static void test_global_limit_stops_dynamic_learns_but_not_static(void)
{
	struct fdb_table *t = fdb_create(4); /* 16 slots: static cap 12 */
	struct fdb_stats s;
	uint32_t n;

	for (n = 1; n <= 4; n++)
		CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, n), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(2, 5), FDB_KIND_REMOTE, 1, 0, NULL), FDB_LEARN_FULL);
	for (n = 5; n <= 12; n++)
		CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, n), FDB_KIND_STATIC_REMOTE, 1, 0, NULL),
				FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 13), FDB_KIND_EVPN, 1, 0, NULL), FDB_LEARN_FULL);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, 12);
	CU_ASSERT_EQUAL(s.max_entries, 4);
	CU_ASSERT_EQUAL(s.full_drops, 2);
	for (n = 1; n <= 12; n++)
		CU_ASSERT_NOT_EQUAL(look(t, key_of(1, n)).kind, 0);
	fdb_destroy(t);
}

/* ---- aging and flushing ---- */

static void test_aging_removes_entry_exactly_after_aging_time(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t k = key_of(4, 0x70);
	struct removed_log log = { 0 };
	struct fdb_stats s;

	CU_ASSERT_EQUAL(fdb_learn(t, k, FDB_KIND_REMOTE, 7, 1000, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_age(t, 1299, 300, removed_cb, &log), 0);
	CU_ASSERT_EQUAL(look(t, k).kind, FDB_KIND_REMOTE);
	CU_ASSERT_EQUAL(fdb_age(t, 1300, 300, removed_cb, &log), 1);
	CU_ASSERT_EQUAL(look(t, k).kind, 0);
	CU_ASSERT_EQUAL(log.n, 1);
	CU_ASSERT_EQUAL(log.keys[0], k);
	CU_ASSERT_EQUAL(log.r[0].kind, FDB_KIND_REMOTE);
	CU_ASSERT_EQUAL(log.r[0].dest, 7);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.aged, 1);
	CU_ASSERT_EQUAL(s.entries, 0);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 4), 0);
	fdb_destroy(t);
}

static void test_touched_entry_survives_aging(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t quiet = key_of(4, 0x71), busy = key_of(4, 0x72);
	struct removed_log log = { 0 };

	CU_ASSERT_EQUAL(fdb_learn(t, quiet, FDB_KIND_LOCAL, 1, 1000, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, busy, FDB_KIND_LOCAL, 2, 1000, NULL), FDB_LEARN_NEW);
	CU_ASSERT_TRUE(fdb_touch(t, busy, 1200));
	CU_ASSERT_EQUAL(fdb_age(t, 1300, 300, removed_cb, &log), 1);
	CU_ASSERT_EQUAL(log.keys[0], quiet);
	CU_ASSERT_EQUAL(look(t, busy).dest, 2);
	CU_ASSERT_EQUAL(fdb_age(t, 1499, 300, removed_cb, &log), 0);
	CU_ASSERT_EQUAL(fdb_age(t, 1500, 300, removed_cb, &log), 1);
	CU_ASSERT_EQUAL(log.keys[1], busy);
	fdb_destroy(t);
}

static void test_static_and_evpn_entries_are_never_aged(void)
{
	struct fdb_table *t = fdb_create(64);

	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 1), FDB_KIND_STATIC_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 2), FDB_KIND_STATIC_REMOTE, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 3), FDB_KIND_EVPN, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, 4), FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_age(t, 100000, 0, NULL, NULL), 0); /* aging_s 0 = never */
	CU_ASSERT_EQUAL(fdb_age(t, 100000, 300, NULL, NULL), 1);
	CU_ASSERT_EQUAL(look(t, key_of(1, 1)).kind, FDB_KIND_STATIC_LOCAL);
	CU_ASSERT_EQUAL(look(t, key_of(1, 2)).kind, FDB_KIND_STATIC_REMOTE);
	CU_ASSERT_EQUAL(look(t, key_of(1, 3)).kind, FDB_KIND_EVPN);
	CU_ASSERT_EQUAL(look(t, key_of(1, 4)).kind, 0);
	fdb_destroy(t);
}

static void test_aging_is_safe_across_clock_wrap_and_future_last_seen(void)
{
	struct fdb_table *t = fdb_create(64);
	fdb_key_t wrapped = key_of(1, 1), future = key_of(1, 2);

	CU_ASSERT_EQUAL(fdb_learn(t, wrapped, FDB_KIND_LOCAL, 1, UINT32_MAX - 100, NULL),
			FDB_LEARN_NEW);
	CU_ASSERT_EQUAL(fdb_learn(t, future, FDB_KIND_LOCAL, 1, 0, NULL), FDB_LEARN_NEW);
	CU_ASSERT_TRUE(fdb_touch(t, future, 210)); /* a worker ahead of the control clock */
	CU_ASSERT_EQUAL(fdb_age(t, 198, 300, NULL, NULL), 0);
	CU_ASSERT_EQUAL(fdb_age(t, 199, 300, NULL, NULL), 1); /* 101 + 199 = 300 s idle */
	CU_ASSERT_EQUAL(look(t, wrapped).kind, 0);
	CU_ASSERT_EQUAL(look(t, future).kind, FDB_KIND_LOCAL);
	fdb_destroy(t);
}

static void test_aging_a_crowded_table_removes_exactly_the_stale_entries(void)
{
	enum { N = 3000 };
	struct fdb_table *t = fdb_create(N); /* 8192 slots, long runs */
	uint32_t seen[N];
	uint64_t s = 42;
	unsigned expect = 0, wrong = 0;
	struct fdb_stats st;

	for (uint32_t i = 0; i < N; i++) {
		seen[i] = (uint32_t)(rnd(&s) % 1000);
		CU_ASSERT_EQUAL(fdb_learn(t, key_of(1, i), FDB_KIND_LOCAL, i, seen[i], NULL),
				FDB_LEARN_NEW);
		expect += seen[i] + 300 <= 1100;
	}
	CU_ASSERT_EQUAL(fdb_age(t, 1100, 300, NULL, NULL), expect);
	for (uint32_t i = 0; i < N; i++) {
		struct fdb_result r = look(t, key_of(1, i));
		bool stale = seen[i] + 300 <= 1100;

		wrong += stale ? r.kind != 0 : (r.kind != FDB_KIND_LOCAL || r.dest != i);
	}
	CU_ASSERT_EQUAL(wrong, 0);
	fdb_get_stats(t, &st);
	CU_ASSERT_EQUAL(st.entries, N - expect);
	fdb_destroy(t);
}

static void test_flush_filters_by_bd_kind_and_dest(void)
{
	struct fdb_table *t = fdb_create(64);
	struct removed_log log = { 0 };

	fdb_learn(t, key_of(1, 1), FDB_KIND_LOCAL, 1, 0, NULL);
	fdb_learn(t, key_of(1, 2), FDB_KIND_LOCAL, 2, 0, NULL);
	fdb_learn(t, key_of(1, 3), FDB_KIND_REMOTE, 1, 0, NULL);
	fdb_learn(t, key_of(1, 4), FDB_KIND_STATIC_LOCAL, 1, 0, NULL);
	fdb_learn(t, key_of(2, 5), FDB_KIND_LOCAL, 1, 0, NULL);
	fdb_learn(t, key_of(2, 6), FDB_KIND_EVPN, 1, 0, NULL);

	/* Port 1 went down in bd 1: only its local dynamic entries go. */
	CU_ASSERT_EQUAL(fdb_flush(t, 1, FDB_KIND_LOCAL, 1, removed_cb, &log), 1);
	CU_ASSERT_EQUAL(log.keys[0], key_of(1, 1));
	/* kind 0 = all dynamic kinds; static and EVPN stay. */
	CU_ASSERT_EQUAL(fdb_flush(t, -1, 0, -1, NULL, NULL), 3);
	CU_ASSERT_EQUAL(look(t, key_of(1, 4)).kind, FDB_KIND_STATIC_LOCAL);
	CU_ASSERT_EQUAL(look(t, key_of(2, 6)).kind, FDB_KIND_EVPN);
	CU_ASSERT_EQUAL(fdb_flush(t, 2, FDB_KIND_EVPN, -1, NULL, NULL), 1);
	CU_ASSERT_EQUAL(fdb_flush(t, -1, FDB_KIND_STATIC_LOCAL, 2, NULL, NULL), 0);
	CU_ASSERT_EQUAL(fdb_flush(t, -1, FDB_KIND_STATIC_LOCAL, -1, NULL, NULL), 1);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 1), 0);
	CU_ASSERT_EQUAL(fdb_bd_count(t, 2), 0);
	fdb_destroy(t);
}

static int count_cb(void *arg, const struct fdb_entry_view *e)
{
	unsigned *n = arg;

	(void)e;
	return ++*n == 3;
}

static void test_walk_visits_every_entry_and_stops_early(void)
{
	struct fdb_table *t = fdb_create(64);
	struct find_arg f = { .key = key_of(9, 5) };
	unsigned n = 0;

	for (uint32_t i = 1; i <= 5; i++)
		fdb_learn(t, key_of(9, i), FDB_KIND_REMOTE, i * 10, i, NULL);
	fdb_walk(t, find_cb, &f);
	CU_ASSERT_EQUAL(f.found, 1);
	CU_ASSERT_EQUAL(f.view.r.kind, FDB_KIND_REMOTE);
	CU_ASSERT_EQUAL(f.view.r.dest, 50);
	CU_ASSERT_EQUAL(f.view.last_seen_s, 5);
	fdb_walk(t, count_cb, &n);
	CU_ASSERT_EQUAL(n, 3);
	fdb_destroy(t);
}

/* ---- churn, bulk, scale ---- */

static void test_churn_of_ten_table_sizes_keeps_lookups_correct_and_probes_short(void)
{
	enum { MAXE = 1024, KEYS = 4096 }; /* 2048 slots */
	struct fdb_table *t = fdb_create(MAXE);
	static uint32_t model[KEYS]; /* dest + 1, 0 = absent */
	uint64_t s = 7, ops = 10ull * 2048 * 2;
	unsigned live = 0, wrong = 0, bad_result = 0;
	uint32_t disp;

	memset(model, 0, sizeof(model));
	/* Hold ~700 live entries while inserting and deleting distinct keys. */
	for (uint64_t op = 0; op < ops; op++) {
		uint32_t i = (uint32_t)(rnd(&s) % KEYS);
		fdb_key_t k = key_of((uint16_t)(i % 3), i);

		if (model[i] != 0) {
			bad_result += fdb_delete(t, k) != 0;
			model[i] = 0;
			live--;
		} else if (live < 700) {
			bad_result += fdb_learn(t, k, FDB_KIND_LOCAL, (uint32_t)op, 0, NULL) !=
				      FDB_LEARN_NEW;
			model[i] = (uint32_t)op + 1;
			live++;
		}
		if (op % 4096 == 0) {
			for (uint32_t j = 0; j < KEYS; j++) {
				struct fdb_result r = look(t, key_of((uint16_t)(j % 3), j));

				wrong += model[j] ? r.dest != model[j] - 1 : r.kind != 0;
			}
		}
	}
	CU_ASSERT_EQUAL(bad_result, 0);
	CU_ASSERT_EQUAL(wrong, 0);
	disp = fdb_max_displacement(t);
	printf("\n    churn: %llu ops, %u live, max displacement %u ",
	       (unsigned long long)ops, live, disp);
	CU_ASSERT(disp < 64);
	fdb_destroy(t);
}

static void test_bulk_lookup_equals_single_lookups(void)
{
	enum { N = 200 };
	struct fdb_table *t = fdb_create(N);
	fdb_key_t keys[N];
	struct fdb_result bulk[N];
	unsigned differ = 0;

	for (uint32_t i = 0; i < N; i++) {
		keys[i] = key_of((uint16_t)(i % 5), i);
		if (i % 3 != 0)
			fdb_learn(t, keys[i], i % 2 ? FDB_KIND_LOCAL : FDB_KIND_EVPN, i, 0, NULL);
	}
	keys[7] = 0; /* reserved markers ride along as misses */
	keys[8] = UINT64_MAX;
	fdb_lookup_bulk(t, keys, N, bulk); /* more than one chunk of 64 */
	for (uint32_t i = 0; i < N; i++) {
		struct fdb_result one = look(t, keys[i]);

		differ += one.kind != bulk[i].kind || one.dest != bulk[i].dest;
		differ += (i % 3 != 0 && i != 7 && i != 8) ? bulk[i].dest != i : bulk[i].kind != 0;
	}
	CU_ASSERT_EQUAL(differ, 0);
	fdb_destroy(t);
}

static void test_million_entries_fit_and_the_next_learn_is_full(void)
{
	enum { N = 1000000, BURST = 64 };
	struct fdb_table *t = fdb_create(FDB_DEFAULT_MAX);
	unsigned bad = 0, missing = 0;
	struct fdb_stats s;
	double t0, t_ins, t_one, t_bulk;
	uint64_t sum = 0;
	size_t mem;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t0 = now_sec();
	for (uint32_t i = 0; i < N; i++)
		bad += fdb_learn(t, key_of((uint16_t)(i % FDB_BD_MAX), i),
				 i % 2 ? FDB_KIND_LOCAL : FDB_KIND_REMOTE, i, 1, NULL) !=
		       FDB_LEARN_NEW;
	t_ins = now_sec() - t0;
	CU_ASSERT_EQUAL(bad, 0);

	t0 = now_sec();
	for (uint32_t i = 0; i < N; i++) {
		struct fdb_result r = look(t, key_of((uint16_t)(i % FDB_BD_MAX), i));

		missing += r.dest != i || r.kind == 0;
	}
	t_one = now_sec() - t0;
	CU_ASSERT_EQUAL(missing, 0);

	t0 = now_sec();
	for (uint32_t i = 0; i < N; i += BURST) {
		fdb_key_t keys[BURST];
		struct fdb_result out[BURST];
		unsigned n = N - i < BURST ? N - i : BURST;

		for (unsigned j = 0; j < n; j++)
			keys[j] = key_of((uint16_t)((i + j) % FDB_BD_MAX), i + j);
		fdb_lookup_bulk(t, keys, n, out);
		for (unsigned j = 0; j < n; j++)
			missing += out[j].dest != i + j || out[j].kind == 0;
	}
	t_bulk = now_sec() - t0;
	CU_ASSERT_EQUAL(missing, 0);

	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, N);
	for (uint32_t bd = 0; bd < FDB_BD_MAX; bd++)
		sum += fdb_bd_count(t, (uint16_t)bd);
	CU_ASSERT_EQUAL(sum, N);
	mem = fdb_memory(t);
	printf("\n    1M: insert %.1f M/s, lookup %.1f M/s single, %.1f M/s bulk; "
	       "%zu bytes = %.1f B/entry, max displacement %u ",
	       N / t_ins / 1e6, N / t_one / 1e6, N / t_bulk / 1e6, mem, (double)mem / N,
	       fdb_max_displacement(t));

	/* Fill to the configured maximum; the next dynamic learn is refused. */
	for (uint32_t i = N; i < FDB_DEFAULT_MAX; i++)
		bad += fdb_learn(t, key_of(1, i), FDB_KIND_LOCAL, i, 1, NULL) != FDB_LEARN_NEW;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(fdb_learn(t, key_of(2, 0x7fffffff), FDB_KIND_LOCAL, 1, 1, NULL),
			FDB_LEARN_FULL);
	fdb_get_stats(t, &s);
	CU_ASSERT_EQUAL(s.entries, FDB_DEFAULT_MAX);
	CU_ASSERT_EQUAL(s.full_drops, 1);
	fdb_destroy(t);
}

/* ---- concurrency ---- */

/* One writer moves, deletes and reinserts keys in a small crowded table while
 * a reader bulk-looks them up. dest = key index << 20 | version, so a value
 * read for the wrong key shows. Stable keys are moved but never deleted: the
 * reader must always find them, even while deletes shift them between slots.
 * EVPN installs (not held to max_entries) crowd the table to ~70% so runs
 * are long and deletes relocate often; dynamic learns mix in while room. */
enum { CC_STABLE = 96, CC_VOLATILE = 96, CC_KEYS = CC_STABLE + CC_VOLATILE };

struct cc_shared {
	struct fdb_table *t;
	fdb_key_t keys[CC_KEYS];
	atomic_bool stop;
	uint64_t writes, reads;
	uint64_t wrong_value, stable_missing;
};

static void *cc_writer(void *arg)
{
	struct cc_shared *c = arg;
	bool present[CC_KEYS];
	uint32_t version = 0;
	uint64_t s = 99;
	double end = now_sec() + 1.0;

	for (unsigned i = 0; i < CC_KEYS; i++)
		present[i] = true;
	while (now_sec() < end) {
		for (unsigned n = 0; n < 1000; n++) {
			unsigned i = (unsigned)(rnd(&s) % CC_KEYS);
			uint32_t dest = (uint32_t)i << 20 | (++version & 0xfffff);
			enum fdb_kind kind = version % 3 == 0 ? FDB_KIND_LOCAL :
					     version % 3 == 1 ? FDB_KIND_REMOTE : FDB_KIND_EVPN;

			if (i >= CC_STABLE && present[i] && rnd(&s) % 2) {
				fdb_delete(c->t, c->keys[i]);
				present[i] = false;
			} else {
				if (fdb_learn(c->t, c->keys[i], kind, dest, version, NULL) !=
				    FDB_LEARN_FULL)
					present[i] = true;
			}
			c->writes++;
		}
	}
	atomic_store(&c->stop, true);
	return NULL;
}

static void *cc_reader(void *arg)
{
	struct cc_shared *c = arg;
	struct fdb_result out[CC_KEYS];

	while (!atomic_load(&c->stop)) {
		for (unsigned i = 0; i < CC_KEYS; i += 64)
			fdb_lookup_bulk(c->t, c->keys + i, CC_KEYS - i < 64 ? CC_KEYS - i : 64,
					out + i);
		for (unsigned i = 0; i < CC_KEYS; i++) {
			if (out[i].kind == 0) {
				c->stable_missing += i < CC_STABLE;
				continue;
			}
			c->wrong_value += (out[i].dest >> 20) != i ||
					  out[i].kind < FDB_KIND_LOCAL || out[i].kind > FDB_KIND_EVPN;
		}
		fdb_touch(c->t, c->keys[c->reads % CC_KEYS], (uint32_t)c->reads);
		c->reads++;
	}
	return NULL;
}

static void test_readers_see_only_values_written_for_their_key_during_writes(void)
{
	struct cc_shared c = { .t = fdb_create(128) }; /* 256 slots */
	pthread_t w, r;

	for (unsigned i = 0; i < CC_KEYS; i++) {
		c.keys[i] = key_of((uint16_t)(i % 2), i * 7919);
		fdb_learn(c.t, c.keys[i], FDB_KIND_EVPN, (uint32_t)i << 20, 0, NULL);
	}
	atomic_init(&c.stop, false);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&r, NULL, cc_reader, &c), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&w, NULL, cc_writer, &c), 0);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	printf("\n    concurrency: %llu writes, %llu bulk reads of %u keys ",
	       (unsigned long long)c.writes, (unsigned long long)c.reads, CC_KEYS);
	CU_ASSERT_EQUAL(c.wrong_value, 0);
	CU_ASSERT_EQUAL(c.stable_missing, 0);
	CU_ASSERT(c.reads > 0);
	fdb_destroy(c.t);
}

static void test_key_at_frame_equals_key_of_mac(void)
{
	const uint8_t hdr[14] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0xfe, 0xdc,
				  0xba, 0x98, 0x76, 0x54, 0x08, 0x00 };

	CU_ASSERT_EQUAL(fdb_key_at(7, hdr), fdb_key(7, hdr));         /* destination */
	CU_ASSERT_EQUAL(fdb_key_at(4095, hdr + 6), fdb_key(4095, hdr + 6)); /* source */
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("fdb", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_key_at_frame_equals_key_of_mac);
	CU_ADD(s, test_key_packs_bd_and_mac_and_round_trips);
	CU_ADD(s, test_kind_and_result_names_are_stable);
	CU_ADD(s, test_create_rejects_zero_and_oversized_tables);
	CU_ADD(s, test_multicast_broadcast_and_zero_macs_are_not_learned);
	CU_ADD(s, test_learn_then_lookup_then_refresh_updates_age);
	CU_ADD(s, test_touch_slot_uses_the_slot_found_and_falls_back_when_it_moved);
	CU_ADD(s, test_learn_moves_mac_between_ports_and_reports_old_port);
	CU_ADD(s, test_learn_moves_mac_between_local_and_remote_and_reports_old_entry);
	CU_ADD(s, test_static_entry_wins_over_dynamic_learns);
	CU_ADD(s, test_static_install_replaces_any_entry);
	CU_ADD(s, test_evpn_entry_yields_to_local_learn_but_not_remote_learn);
	CU_ADD(s, test_same_mac_in_two_bds_is_two_entries);
	CU_ADD(s, test_delete_removes_entry_and_reports_enoent_when_missing);
	CU_ADD(s, test_vni_limit_stops_dynamic_learns_and_is_counted);
	CU_ADD(s, test_global_limit_stops_dynamic_learns_but_not_static);
	CU_ADD(s, test_aging_removes_entry_exactly_after_aging_time);
	CU_ADD(s, test_touched_entry_survives_aging);
	CU_ADD(s, test_static_and_evpn_entries_are_never_aged);
	CU_ADD(s, test_aging_is_safe_across_clock_wrap_and_future_last_seen);
	CU_ADD(s, test_aging_a_crowded_table_removes_exactly_the_stale_entries);
	CU_ADD(s, test_flush_filters_by_bd_kind_and_dest);
	CU_ADD(s, test_walk_visits_every_entry_and_stops_early);
	CU_ADD(s, test_churn_of_ten_table_sizes_keeps_lookups_correct_and_probes_short);
	CU_ADD(s, test_bulk_lookup_equals_single_lookups);
	CU_ADD(s, test_million_entries_fit_and_the_next_learn_is_full);
	CU_ADD(s, test_readers_see_only_values_written_for_their_key_during_writes);
	return CU_get_error();
}
