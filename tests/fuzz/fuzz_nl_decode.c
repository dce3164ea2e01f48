/* libFuzzer target: arbitrary bytes as a netlink receive buffer.
 * The input is copied into an exact-size heap block (netlink-aligned) so that
 * ASan flags any read past the end; the callback checks the decoder's promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl_decode.h"

static int check(void *arg, const struct nl_msg *m)
{
	unsigned *sum = arg;

	switch (m->kind) {
	case NL_MALFORMED:
		if (m->why == NULL || m->error == 0)
			abort();
		break;
	case NL_LINK:
		if (strnlen(m->link.name, 16) > 15 || strnlen(m->link.kind, 16) > 15 ||
		    m->link.ifindex <= 0)
			abort();
		*sum += m->link.mac[5];
		break;
	case NL_ROUTE:
		if (m->route.dst.af != m->route.family)
			abort();
		*sum += m->route.gw.a[15] + (unsigned)m->route.oif;
		break;
	case NL_NEIGH:
		*sum += m->neigh.ip.a[15] + m->neigh.mac[5];
		break;
	case NL_NEXTHOP:
		if (m->nh.id == 0 || m->nh.n_group > NL_NH_GROUP_MAX)
			abort();
		for (unsigned i = 0; i < m->nh.n_group; i++)
			*sum += m->nh.group[i].id;
		break;
	case NL_ERROR:
	case NL_DONE:
		if (m->error > 0 || strnlen(m->err.msg, sizeof(m->err.msg)) >= sizeof(m->err.msg))
			abort();
		break;
	case NL_NONE:
		break;
	}
	if (m->kind != NL_MALFORMED && m->why != NULL)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sum = 0;
	void *copy = malloc(size ? size : 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	(void)nl_decode_each(copy, size, check, &sum);
	free(copy);
	return 0;
}
