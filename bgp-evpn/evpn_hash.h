/* evpn_hash: a small intrusive chained hash map for the EVPN model's tables.
 *
 * Pure, single-threaded (the control thread). The caller embeds a struct
 * evpn_hnode in its entry, computes the 64-bit hash of the key itself and
 * supplies an equality callback on lookup. The bucket array doubles when the
 * load passes 1; it never shrinks. Nodes are not owned: removing one just
 * unlinks it.
 */
#ifndef EVPN_HASH_H
#define EVPN_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef container_of
/** The entry that embeds member p. */
#define container_of(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))
#endif

struct evpn_hnode {
	struct evpn_hnode *next;
	uint64_t hash;
};

struct evpn_hash {
	struct evpn_hnode **b;
	size_t nb;     /**< buckets, a power of two */
	size_t n;      /**< nodes */
};

/** True if node (whose hash matched) holds the key. */
typedef bool (*evpn_heq_fn)(const struct evpn_hnode *node, const void *key);

int evpn_hash_init(struct evpn_hash *h, size_t n_buckets);
void evpn_hash_fini(struct evpn_hash *h);
struct evpn_hnode *evpn_hash_find(const struct evpn_hash *h, uint64_t hash, const void *key,
				  evpn_heq_fn eq);
/** Link node (its key must not be present). Growing may fail silently: the
 *  node is still linked, chains just get longer. */
void evpn_hash_add(struct evpn_hash *h, struct evpn_hnode *node, uint64_t hash);
void evpn_hash_del(struct evpn_hash *h, struct evpn_hnode *node);

/** Visit every node; cb may remove the node it is given (and only that one).
 *  Stops when cb returns non-zero and returns that value. */
int evpn_hash_walk(struct evpn_hash *h, int (*cb)(void *arg, struct evpn_hnode *n), void *arg);

/** 64-bit hash of a byte string (FNV-1a folded through murmur3's finaliser). */
uint64_t evpn_hash_bytes(const void *p, size_t len, uint64_t seed);

#endif
