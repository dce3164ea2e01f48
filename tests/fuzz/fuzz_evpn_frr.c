/* libFuzzer target: arbitrary bytes as zebra's reply to `show evpn mac vni
 * all json`; every MAC reported must be well-formed. */
#include <stdint.h>
#include <stdlib.h>

#include "evpn_frr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *arg, const struct evpn_frr_mac *m)
{
	(void)arg;
	if (m->vni > 0xffffff)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned bad;
	int n = evpn_frr_parse_macs((const char *)data, size, 100, check, NULL, &bad);

	if (n < 0 && n != -22) /* -EINVAL is the only refusal */
		abort();
	return 0;
}
