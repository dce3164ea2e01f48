#include "eal_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int add(struct eal_args *ea, const char *s)
{
	size_t len = strlen(s) + 1;

	if (ea->argc + 1 >= EAL_ARGS_MAX || ea->used + len > sizeof(ea->store))
		return -E2BIG;
	memcpy(ea->store + ea->used, s, len);
	ea->argv[ea->argc++] = ea->store + ea->used;
	ea->argv[ea->argc] = NULL;
	ea->used += (unsigned)len;
	return 0;
}

static bool has_arg(int argc, char **argv, const char *a, const char *b)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], a) == 0 || (b != NULL && strncmp(argv[i], b, strlen(b)) == 0))
			return true;
	return false;
}

static bool is_vdev(const char *devargs)
{
	return strncmp(devargs, "net_", 4) == 0 || strncmp(devargs, "eth_", 4) == 0;
}

int eal_args_build(struct eal_args *ea, const struct cfg *cfg, bool use_hugepages,
		   int extra_argc, char **extra_argv)
{
	char buf[64];
	bool all_vdev = true;
	int rc = 0;

	memset(ea, 0, sizeof(*ea));
	rc |= add(ea, "vxswd");
	if (!has_arg(extra_argc, extra_argv, "-l", "--lcores") &&
	    !has_arg(extra_argc, extra_argv, "-c", NULL)) {
		snprintf(buf, sizeof(buf), "0-%u", cfg->global.workers);
		rc |= add(ea, "-l");
		rc |= add(ea, buf);
	}
	/* No shared runtime files, so several vxswd (or tests) can run side by
	 * side. --in-memory needs hugepages: DPDK refuses it with --no-huge. */
	bool own_mem = has_arg(extra_argc, extra_argv, "-m", "--socket-mem") ||
		       has_arg(extra_argc, extra_argv, "--no-huge", NULL);
	bool own_files = has_arg(extra_argc, extra_argv, "--file-prefix", "--file-prefix=") ||
			 has_arg(extra_argc, extra_argv, "--in-memory", NULL) ||
			 has_arg(extra_argc, extra_argv, "--no-shconf", NULL);
	if (use_hugepages && !own_mem && !own_files) {
		rc |= add(ea, "--in-memory");
	} else if (!use_hugepages && !own_mem) {
		rc |= add(ea, "--no-huge");
		rc |= add(ea, "-m");
		rc |= add(ea, "1024");
		if (!own_files)
			rc |= add(ea, "--no-shconf");
	}
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		all_vdev &= is_vdev(cfg->ports[i].devargs);
		rc |= add(ea, is_vdev(cfg->ports[i].devargs) ? "--vdev" : "-a");
		rc |= add(ea, cfg->ports[i].devargs);
	}
	if (all_vdev && !has_arg(extra_argc, extra_argv, "-a", "--allow"))
		rc |= add(ea, "--no-pci");
	rc |= add(ea, "--log-level=lib.eal:warning");
	for (int i = 0; i < extra_argc; i++)
		rc |= add(ea, extra_argv[i]);
	return rc ? -E2BIG : 0;
}
