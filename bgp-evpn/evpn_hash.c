/* evpn_hash: see evpn_hash.h. */
#include "evpn_hash.h"

#include <errno.h>
#include <stdlib.h>

int evpn_hash_init(struct evpn_hash *h, size_t n_buckets)
{
	size_t nb = 16;

	while (nb < n_buckets)
		nb <<= 1;
	h->b = calloc(nb, sizeof(*h->b));
	h->nb = h->b != NULL ? nb : 0;
	h->n = 0;
	return h->b != NULL ? 0 : -ENOMEM;
}

void evpn_hash_fini(struct evpn_hash *h)
{
	free(h->b);
	h->b = NULL;
	h->nb = h->n = 0;
}

struct evpn_hnode *evpn_hash_find(const struct evpn_hash *h, uint64_t hash, const void *key,
				  evpn_heq_fn eq)
{
	if (h->nb == 0)
		return NULL;
	for (struct evpn_hnode *n = h->b[hash & (h->nb - 1)]; n != NULL; n = n->next)
		if (n->hash == hash && eq(n, key))
			return n;
	return NULL;
}

static void grow(struct evpn_hash *h)
{
	size_t nb = h->nb * 2;
	struct evpn_hnode **b = calloc(nb, sizeof(*b));

	if (b == NULL)
		return;
	for (size_t i = 0; i < h->nb; i++) {
		struct evpn_hnode *n = h->b[i], *next;

		for (; n != NULL; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(h->b);
	h->b = b;
	h->nb = nb;
}

void evpn_hash_add(struct evpn_hash *h, struct evpn_hnode *node, uint64_t hash)
{
	if (h->nb == 0 && evpn_hash_init(h, 16) < 0)
		return; /* cannot happen for callers that checked init */
	if (h->n >= h->nb)
		grow(h);
	node->hash = hash;
	node->next = h->b[hash & (h->nb - 1)];
	h->b[hash & (h->nb - 1)] = node;
	h->n++;
}

void evpn_hash_del(struct evpn_hash *h, struct evpn_hnode *node)
{
	struct evpn_hnode **pp = &h->b[node->hash & (h->nb - 1)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == node) {
			*pp = node->next;
			node->next = NULL;
			h->n--;
			return;
		}
}

int evpn_hash_walk(struct evpn_hash *h, int (*cb)(void *arg, struct evpn_hnode *n), void *arg)
{
	for (size_t i = 0; i < h->nb; i++) {
		struct evpn_hnode *n = h->b[i], *next;

		for (; n != NULL; n = next) {
			int rc;

			next = n->next; /* cb may unlink n */
			rc = cb(arg, n);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

uint64_t evpn_hash_bytes(const void *p, size_t len, uint64_t seed)
{
	const uint8_t *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}
