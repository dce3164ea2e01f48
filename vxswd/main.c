/* vxswd: the vxsw daemon. Validates its config, brings up the dataplane,
 * serves vxswctl, stops cleanly on SIGTERM/SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "cfg_yang.h"
#include "ctl_cmds.h"
#include "ctl_server.h"
#include "ctrl_evpn.h"
#include "dp_ctrl.h"
#include "eal_args.h"
#include "telemetry.h"
#include "vx_log.h"

#define POLL_MS 2 /* control loop period when idle: learn events wait at most this */
#define MSGLEN 512

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vxswd --config FILE [--ctl-socket PATH] [--check] [--verbose] [-- EAL-ARGS]\n"
		"  --config FILE      JSON instance data of the vxsw YANG module\n"
		"  --ctl-socket PATH  override global/ctl-socket\n"
		"  --check            validate the config and exit\n"
		"  --verbose          debug logging\n"
		"  EAL-ARGS           extra DPDK EAL arguments (e.g. -l 0-2, --file-prefix x)\n");
}

static bool hugepages_available(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	unsigned long n = 0;

	if (f == NULL)
		return false;
	if (fscanf(f, "%lu", &n) != 1)
		n = 0;
	fclose(f);
	return n >= 512; /* 1 GiB */
}

static int run(struct dp_ctrl *c, const char *sock_path)
{
	char msg[MSGLEN] = "";
	struct ctl_server *srv = ctl_server_open(sock_path, ctl_cmds_handle, c, msg, sizeof(msg));

	if (srv == NULL) {
		VX_ERR("%s", msg);
		return 1;
	}
	VX_INFO("running: %u ports, %u VNIs, %u workers; control socket %s", c->cfg.n_ports,
		c->cfg.n_vnis, c->cfg.global.workers, sock_path);
	bool busy = false;

	while (!stop_requested) {
		struct pollfd fds[16];
		unsigned n = ctl_server_pollfds(srv, fds, 14);

		if (ctrl_fd(c) >= 0)
			fds[n++] = (struct pollfd){ .fd = ctrl_fd(c), .events = POLLIN };
		if (ctrl_evpn_fd(c) >= 0)
			fds[n++] = (struct pollfd){ .fd = ctrl_evpn_fd(c), .events = POLLIN };
		if (poll(fds, n, busy ? 0 : POLL_MS) < 0 && errno != EINTR)
			break;
		ctl_server_run(srv);
		busy = ctrl_poll(c);
	}
	ctl_server_close(srv);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "ctl-socket", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sock = NULL;
	bool check = false;
	char msg[MSGLEN] = "";
	static struct dp_ctrl ctrl;
	struct eal_args ea;
	struct cfg cfg;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 's': sock = optarg; break;
		case 'k': check = true; break;
		case 'v': vx_log_set_level(VX_LOG_DEBUG); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (config == NULL) {
		usage(stderr);
		return 2;
	}
	cfg_init(&cfg);
	if (cfg_load_file(config, &cfg, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "vxswd: invalid config %s: %s\n", config, msg);
		cfg_free(&cfg);
		return 1;
	}
	if (check) {
		printf("%s: valid\n", config);
		cfg_free(&cfg);
		return 0;
	}
	if (sock != NULL)
		snprintf(cfg.global.ctl_socket, sizeof(cfg.global.ctl_socket), "%s", sock);
	if (eal_args_build(&ea, &cfg, hugepages_available(), argc - optind, argv + optind) != 0) {
		fprintf(stderr, "vxswd: too many EAL arguments\n");
		cfg_free(&cfg);
		return 2;
	}
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "vxswd: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		cfg_free(&cfg);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	rc = ctrl_init(&ctrl, &cfg, msg, sizeof(msg));
	if (rc != 0) {
		VX_ERR("start-up failed: %s", msg);
	} else {
		telemetry_register(&ctrl);
		rc = run(&ctrl, ctrl.cfg.global.ctl_socket);
		VX_INFO("stopping");
	}
	ctrl_fini(&ctrl);
	cfg_free(&cfg);
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
