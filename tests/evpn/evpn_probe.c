/* evpn_probe: the EVPN agent on its own, for tests/evpn/run.sh.
 *
 * Runs an evpn_agent in the current namespace and prints every evpn_ops
 * callback as one line on stdout ("<ms> mac_set 100 02:..:01 10.0.0.2", ...,
 * ms since start). Reads commands on stdin, one per line:
 *   mac VNI PORT MAC 1|0        evpn_local_mac()
 *   neigh VNI IP MAC|- 1|0      evpn_local_neigh()
 *   port VNI PORT / unport VNI PORT
 *   vni VNI / unvni VNI
 *   show | status | resync | quit
 * Exits 0 after quit, SIGTERM or end of input, having removed the shadow.
 *
 * Usage: evpn_probe --vtep IP [--frr-rundir DIR] [--vni N]... [--hold-ms N]
 *                   [--grace-ms N] [--keep]
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evpn.h"
#include "vx_time.h"

static uint64_t t0;
static volatile sig_atomic_t stop;

static unsigned long ms(void) { return (unsigned long)((vx_now_ns() - t0) / 1000000); }

static const char *mac_s(const uint8_t mac[6])
{
	static char b[4][18];
	static unsigned i;

	return vx_mac_str(mac, b[i++ % 4], 18);
}

static const char *ip_s(const struct vx_ip *ip)
{
	static char b[4][VX_IP_STRLEN];
	static unsigned i;

	return vx_ip_str(ip, b[i++ % 4], VX_IP_STRLEN);
}

static void vteps(const struct vx_ip *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", ip_s(&v[i]));
}

static void on_mac_set(void *arg, uint32_t vni, const uint8_t mac[6], const struct vx_ip *v,
		       unsigned n, uint32_t nhg)
{
	(void)arg;
	printf("%lu mac_set %u %s ", ms(), vni, mac_s(mac));
	vteps(v, n);
	printf(nhg ? " nhg=%u\n" : "\n", nhg);
}

static void on_mac_del(void *arg, uint32_t vni, const uint8_t mac[6])
{
	(void)arg;
	printf("%lu mac_del %u %s\n", ms(), vni, mac_s(mac));
}

static void on_flood(void *arg, uint32_t vni, const struct vx_ip *v, unsigned n)
{
	(void)arg;
	printf("%lu flood %u [", ms(), vni);
	vteps(v, n);
	printf("]\n");
}

static void on_sup_set(void *arg, uint32_t vni, const struct vx_ip *ip, const uint8_t mac[6])
{
	(void)arg;
	printf("%lu sup_set %u %s %s\n", ms(), vni, ip_s(ip), mac_s(mac));
}

static void on_sup_del(void *arg, uint32_t vni, const struct vx_ip *ip)
{
	(void)arg;
	printf("%lu sup_del %u %s\n", ms(), vni, ip_s(ip));
}

static void on_dup(void *arg, uint32_t vni, const uint8_t mac[6])
{
	(void)arg;
	printf("%lu dup %u %s\n", ms(), vni, mac_s(mac));
}

static const struct evpn_ops ops = {
	.remote_mac_set = on_mac_set, .remote_mac_del = on_mac_del, .flood_set = on_flood,
	.suppress_set = on_sup_set, .suppress_del = on_sup_del, .mac_dup = on_dup,
};

/* ---- show ---- */

static int show_vni(void *arg, const struct evpn_vni_view *v)
{
	(void)arg;
	printf("show vni %u vxlan=%d br=%d ports=%u local_macs=%u remote_macs=%u "
	       "local_neighs=%u remote_neighs=%u held=%u flood=[", v->vni, v->vxlan_ifindex,
	       v->br_ifindex, v->n_ports, v->local_macs, v->remote_macs, v->local_neighs,
	       v->remote_neighs, v->held);
	vteps(v->flood, v->n_flood);
	printf("]\n");
	return 0;
}

static int show_mac(void *arg, const struct evpn_mac_view *v, const char *port)
{
	(void)arg;
	if (v->origin == EVPN_LOCAL) {
		printf("show mac %u %s local port=%s in_kernel=%d\n", v->vni, mac_s(v->mac), port,
		       v->in_kernel);
	} else {
		printf("show mac %u %s remote ", v->vni, mac_s(v->mac));
		vteps(v->vteps, v->n_vteps);
		printf(" nhg=%u held=%d dup=%d\n", v->nhg, v->held, v->dup);
	}
	return 0;
}

static int show_neigh(void *arg, const struct evpn_neigh_view *v)
{
	(void)arg;
	printf("show neigh %u %s %s %s in_kernel=%d held=%d\n", v->vni, ip_s(&v->ip), mac_s(v->mac),
	       v->origin == EVPN_LOCAL ? "local" : "remote", v->in_kernel, v->held);
	return 0;
}

static const struct evpn_show_ops show_ops = { show_vni, show_mac, show_neigh };

static void status(struct evpn_agent *a)
{
	struct evpn_agent_status st;
	const struct evpn_model_stats *m = &st.model;

	evpn_agent_status(a, vx_now_ns(), &st);
	printf("%lu status frr=%s synced=%d vnis=%u ports=%u msgs=%llu enobufs=%llu resyncs=%llu "
	       "requests=%llu request_errors=%llu held=%llu reconciled=%llu "
	       "expired_in_grace=%llu grace_periods=%llu swept=%llu repairs=%llu malformed=%llu "
	       "unexpected=%llu mobility=%llu | %s%s%s\n",
	       ms(), evpn_frr_state_name(st.frr), st.synced, st.vnis, st.ports,
	       (unsigned long long)st.nl_msgs, (unsigned long long)st.enobufs,
	       (unsigned long long)st.resyncs, (unsigned long long)st.requests,
	       (unsigned long long)st.request_errors, (unsigned long long)m->held,
	       (unsigned long long)m->reconciled, (unsigned long long)m->expired_in_grace,
	       (unsigned long long)m->grace_periods, (unsigned long long)m->swept,
	       (unsigned long long)m->shadow_repairs, (unsigned long long)m->malformed,
	       (unsigned long long)m->unexpected, (unsigned long long)m->mobility, st.text,
	       st.last_error[0] ? " | last error: " : "", st.last_error);
}

/* ---- commands ---- */

static void result(const char *cmd, int err, const char *msg)
{
	if (err < 0)
		printf("%lu error %s: %s%s%s\n", ms(), cmd, strerror(-err), msg[0] ? ": " : "", msg);
	else
		printf("%lu ok %s\n", ms(), cmd);
}

static bool command(struct evpn_agent *a, char *line)
{
	char cmd[16] = "", s1[64] = "", s2[64] = "", s3[64] = "", msg[256] = "";
	unsigned vni = 0, on = 0;
	uint8_t mac[6];
	struct vx_ip ip;
	int n, err = -EINVAL;

	line[strcspn(line, "\r\n")] = '\0';
	n = sscanf(line, "%15s %u %63s %63s %63s", cmd, &vni, s1, s2, s3);
	if (n < 1)
		return true;
	if (strcmp(cmd, "quit") == 0)
		return false;
	if (strcmp(cmd, "show") == 0) {
		evpn_agent_show(a, 0, &show_ops, NULL);
		printf("show end\n");
		return true;
	}
	if (strcmp(cmd, "status") == 0) {
		status(a);
		return true;
	}
	if (strcmp(cmd, "resync") == 0) {
		evpn_agent_resync(a);
		err = 0;
	} else if (strcmp(cmd, "mac") == 0 && n == 5 && vx_mac_parse(s2, mac) == 0) {
		on = (unsigned)atoi(s3);
		err = evpn_local_mac(a, vni, s1, mac, on != 0);
	} else if (strcmp(cmd, "neigh") == 0 && n == 5 && vx_ip_parse(s1, &ip) == 0) {
		on = (unsigned)atoi(s3);
		err = on && vx_mac_parse(s2, mac) < 0 ? -EINVAL :
						    evpn_local_neigh(a, vni, &ip, on ? mac : NULL,
								     on != 0);
	} else if (strcmp(cmd, "port") == 0 && n == 3) {
		err = evpn_port_add(a, vni, s1, msg, sizeof(msg));
	} else if (strcmp(cmd, "unport") == 0 && n == 3) {
		err = evpn_port_del(a, vni, s1);
	} else if (strcmp(cmd, "vni") == 0 && n == 2) {
		err = evpn_vni_add(a, vni, msg, sizeof(msg));
	} else if (strcmp(cmd, "unvni") == 0 && n == 2) {
		err = evpn_vni_del(a, vni);
	}
	result(line, err, msg);
	return true;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct evpn_agent_cfg cfg;
	struct evpn_agent *a;
	uint32_t vnis[64];
	unsigned n_vnis = 0;
	char msg[256] = "", line[512];
	size_t used = 0;
	int timeout = 0, err;
	bool in_open = true;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = vx_now_ns();
	evpn_agent_cfg_default(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--keep") == 0) {
			cfg.keep_shadow = true;
			continue;
		}
		if (v == NULL)
			goto usage;
		i++;
		if (strcmp(argv[i - 1], "--vtep") == 0 && vx_ip_parse(v, &cfg.local_vtep) == 0)
			continue;
		if (strcmp(argv[i - 1], "--frr-rundir") == 0) {
			snprintf(cfg.frr_rundir, sizeof(cfg.frr_rundir), "%s", v);
			continue;
		}
		if (strcmp(argv[i - 1], "--vni") == 0 && n_vnis < 64) {
			vnis[n_vnis++] = (uint32_t)strtoul(v, NULL, 10);
			continue;
		}
		if (strcmp(argv[i - 1], "--hold-ms") == 0) {
			cfg.model.del_hold_ms = (uint32_t)strtoul(v, NULL, 10);
			continue;
		}
		if (strcmp(argv[i - 1], "--grace-ms") == 0) {
			cfg.model.grace_ms = (uint32_t)strtoul(v, NULL, 10);
			continue;
		}
		goto usage;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	err = evpn_agent_create(&cfg, &ops, NULL, &a, msg, sizeof(msg));
	if (err < 0) {
		fprintf(stderr, "evpn_probe: %s\n", msg);
		return 1;
	}
	for (unsigned i = 0; i < n_vnis; i++) {
		err = evpn_vni_add(a, vnis[i], msg, sizeof(msg));
		if (err < 0) {
			fprintf(stderr, "evpn_probe: %s\n", msg);
			evpn_agent_destroy(a);
			return 1;
		}
	}
	printf("%lu ready\n", ms());
	while (!stop) {
		struct pollfd fds[2] = { { .fd = evpn_agent_fd(a), .events = POLLIN },
					 { .fd = 0, .events = POLLIN } };

		if (poll(fds, in_open ? 2 : 1, timeout) < 0 && errno != EINTR)
			break;
		timeout = evpn_agent_poll(a, vx_now_ns());
		if (in_open && (fds[1].revents & (POLLIN | POLLHUP))) {
			ssize_t r = read(0, line + used, sizeof(line) - 1 - used);
			char *nl;

			if (r <= 0) {
				in_open = false;
				break; /* end of input: done */
			}
			used += (size_t)r;
			line[used] = '\0';
			while ((nl = strchr(line, '\n')) != NULL) {
				*nl = '\0';
				if (!command(a, line))
					stop = 1;
				memmove(line, nl + 1, used - (size_t)(nl + 1 - line) + 1);
				used -= (size_t)(nl + 1 - line);
			}
			if (used == sizeof(line) - 1)
				used = 0; /* an overlong line: drop it */
			timeout = evpn_agent_poll(a, vx_now_ns());
		}
	}
	evpn_agent_destroy(a);
	printf("%lu bye\n", ms());
	return 0;
usage:
	fprintf(stderr, "usage: evpn_probe --vtep IP [--frr-rundir DIR] [--vni N]... "
			"[--hold-ms N] [--grace-ms N] [--keep]\n");
	return 2;
}
