/* Tests for vxswd/eal_args: the EAL command line built from the config. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cu_main.h"
#include "eal_args.h"

static int find(const struct eal_args *ea, const char *s)
{
	for (int i = 0; i < ea->argc; i++)
		if (strcmp(ea->argv[i], s) == 0)
			return i;
	return -1;
}

static struct cfg two_ports(struct cfg_port *p, const char *dev0, const char *dev1)
{
	struct cfg c;

	cfg_init(&c);
	memset(p, 0, 2 * sizeof(*p));
	snprintf(p[0].devargs, sizeof(p[0].devargs), "%s", dev0);
	snprintf(p[1].devargs, sizeof(p[1].devargs), "%s", dev1);
	c.ports = p;
	c.n_ports = 2;
	c.global.workers = 2;
	return c;
}

static void test_vdevs_become_vdev_args_and_pci_is_disabled(void)
{
	struct cfg_port p[2];
	struct cfg c = two_ports(p, "net_tap0,iface=vxsw0", "net_af_packet0,iface=eth1");
	struct eal_args ea;

	CU_ASSERT_EQUAL(eal_args_build(&ea, &c, false, 0, NULL), 0);
	CU_ASSERT_STRING_EQUAL(ea.argv[0], "vxswd");
	int i = find(&ea, "net_tap0,iface=vxsw0");
	CU_ASSERT_TRUE(i > 0 && strcmp(ea.argv[i - 1], "--vdev") == 0);
	CU_ASSERT_TRUE(find(&ea, "--no-pci") > 0);
	CU_ASSERT_TRUE(find(&ea, "--no-huge") > 0);
	CU_ASSERT_TRUE(find(&ea, "--no-shconf") > 0);
	/* DPDK 22.11 refuses --in-memory together with --no-huge */
	CU_ASSERT_EQUAL(find(&ea, "--in-memory"), -1);
	i = find(&ea, "-l");
	CU_ASSERT_TRUE(i > 0 && strcmp(ea.argv[i + 1], "0-2") == 0); /* main + 2 workers */
	CU_ASSERT_PTR_NULL(ea.argv[ea.argc]);
}

static void test_pci_devices_are_allowed_and_hugepages_used_when_free(void)
{
	struct cfg_port p[2];
	struct cfg c = two_ports(p, "0000:03:00.0", "net_vhost0,iface=/run/vm1.sock");
	struct eal_args ea;

	CU_ASSERT_EQUAL(eal_args_build(&ea, &c, true, 0, NULL), 0);
	int i = find(&ea, "0000:03:00.0");
	CU_ASSERT_TRUE(i > 0 && strcmp(ea.argv[i - 1], "-a") == 0);
	CU_ASSERT_EQUAL(find(&ea, "--no-pci"), -1);
	CU_ASSERT_EQUAL(find(&ea, "--no-huge"), -1);
	CU_ASSERT_TRUE(find(&ea, "--in-memory") > 0);
}

static void test_operator_eal_args_override_defaults(void)
{
	struct cfg_port p[2];
	struct cfg c = two_ports(p, "net_null0", "net_null1");
	char *extra[] = { "-l", "0,3", "--file-prefix", "x", "-m", "512" };
	struct eal_args ea;

	CU_ASSERT_EQUAL(eal_args_build(&ea, &c, false, 6, extra), 0);
	CU_ASSERT_EQUAL(find(&ea, "0-2"), -1);
	CU_ASSERT_EQUAL(find(&ea, "--in-memory"), -1);
	CU_ASSERT_EQUAL(find(&ea, "--no-huge"), -1);
	CU_ASSERT_EQUAL(find(&ea, "--no-shconf"), -1);
	CU_ASSERT_TRUE(find(&ea, "0,3") > 0);
	CU_ASSERT_TRUE(find(&ea, "512") > 0);
}

static void test_too_many_arguments_is_an_error_not_an_overflow(void)
{
	struct cfg_port p[2];
	struct cfg c = two_ports(p, "net_null0", "net_null1");
	char *extra[EAL_ARGS_MAX + 10];
	struct eal_args ea;

	for (int i = 0; i < EAL_ARGS_MAX + 10; i++)
		extra[i] = "-v";
	CU_ASSERT_EQUAL(eal_args_build(&ea, &c, false, EAL_ARGS_MAX + 10, extra), -E2BIG);
	CU_ASSERT_TRUE(ea.argc < EAL_ARGS_MAX);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("eal_args", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_vdevs_become_vdev_args_and_pci_is_disabled);
	CU_ADD(s, test_pci_devices_are_allowed_and_hugepages_used_when_free);
	CU_ADD(s, test_operator_eal_args_override_defaults);
	CU_ADD(s, test_too_many_arguments_is_an_error_not_an_overflow);
	return CU_get_error();
}
