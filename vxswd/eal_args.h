/* eal_args: the EAL command line vxswd builds from its config.
 * Pure (no EAL): unit-testable. */
#ifndef EAL_ARGS_H
#define EAL_ARGS_H

#include "cfg_model.h"

#define EAL_ARGS_MAX 128

struct eal_args {
	int argc;
	char *argv[EAL_ARGS_MAX];
	char store[8192];
	unsigned used;
};

/**
 * Build argv for rte_eal_init: each port's devargs as --vdev (virtual
 * devices, names starting "net_"/"eth_") or -a (PCI and others); -l with one
 * main lcore plus one per worker; --in-memory with hugepages, or
 * --no-huge -m 1024 --no-shconf without (DPDK refuses --in-memory with
 * --no-huge); then the operator's extra EAL arguments, which take precedence
 * (memory or file options given there replace ours). Returns 0 or -E2BIG.
 */
int eal_args_build(struct eal_args *ea, const struct cfg *cfg, bool use_hugepages,
		   int extra_argc, char **extra_argv);

#endif
