/* bondpeer: DPDK's bonding PMD in mode 4 (802.3ad) as the LACP partner of a vxsw team.
 *
 * Used by tests/team/run.sh and bench/team.sh in the peer namespace:
 *
 *   bondpeer EAL-ARGS --vdev net_af_packet0,iface=p0 --vdev net_af_packet1,iface=p1 \
 *            --vdev net_af_packet2,iface=t0 -- [--state FILE] [--no-carrier]
 *
 * Ports 0 and 1 become the members of bond "net_bonding0" (mode 4, transmit hash layer 3+4),
 * port 2 is the wire toward the ToR: every frame received on the bond goes out on port 2 and
 * the other way round.
 *
 * Two things the bonding PMD does not do by itself here:
 * - It sends its queued LACPDUs only from rte_eth_tx_burst() on the bond: the loop calls it
 *   (with no packets) at least every 10 ms.
 * - net_af_packet reports its link up forever, so the bond never sees a veth lose carrier.
 *   Unless --no-carrier, the program reads /sys/class/net/IF/carrier of each member every
 *   20 ms and takes a member out of the bond (rte_eth_bond_slave_remove) while its carrier is
 *   off, and puts it back (rte_eth_bond_slave_add) when it returns, as a switch would on a
 *   link loss.
 *
 * Once a second (and on every change) it rewrites FILE (--state) atomically, and prints to
 * stdout, one line per member:
 *   member IF port N in-bond yes|no active yes|no selected N actor-state 0xHH partner-state 0xHH
 *          actor-key N partner-key N partner-system MAC
 * then "bond active N rx N tx N wire-rx N wire-tx N".  actor-state bit 0x30 set means
 * collecting and distributing (802.1AX bits: 0x01 activity, 0x02 timeout, 0x04 aggregation,
 * 0x08 sync, 0x10 collecting, 0x20 distributing, 0x40 defaulted, 0x80 expired).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_eth_bond.h>
#include <rte_eth_bond_8023ad.h>
#include <rte_mbuf.h>

#define BURST 32
#define N_MEMBERS 2
#define WIRE 2

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int port_setup(uint16_t port, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if ((rc = rte_eth_dev_configure(port, 1, 1, &conf)) != 0)
		return rc;
	if ((rc = rte_eth_rx_queue_setup(port, 0, 512, rte_socket_id(), NULL, pool)) != 0)
		return rc;
	if ((rc = rte_eth_tx_queue_setup(port, 0, 512, rte_socket_id(), NULL)) != 0)
		return rc;
	if ((rc = rte_eth_dev_start(port)) != 0)
		return rc;
	rte_eth_promiscuous_enable(port);
	return 0;
}

/* Send what the other side cannot take: drop it. */
static void send_all(uint16_t port, struct rte_mbuf **m, uint16_t n, uint64_t *count)
{
	uint16_t sent = rte_eth_tx_burst(port, 0, m, n);

	*count += sent;
	for (uint16_t i = sent; i < n; i++)
		rte_pktmbuf_free(m[i]);
}

/* 1, 0, or -1 if it cannot be read. */
static int read_carrier(const char *ifname)
{
	char path[128], c = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}

struct member {
	uint16_t port;
	char ifname[RTE_ETH_NAME_MAX_LEN];
	bool in_bond;
};

static bool is_active(uint16_t bond, uint16_t port)
{
	uint16_t act[RTE_MAX_ETHPORTS];
	int n = rte_eth_bond_active_slaves_get(bond, act, RTE_MAX_ETHPORTS);

	for (int i = 0; i < n; i++)
		if (act[i] == port)
			return true;
	return false;
}

static void write_state(const char *file, uint16_t bond, const struct member *mb,
			const uint64_t *cnt)
{
	char tmp[512], line[1024];
	FILE *f = NULL;
	uint16_t act[RTE_MAX_ETHPORTS];
	int n_active = rte_eth_bond_active_slaves_get(bond, act, RTE_MAX_ETHPORTS);

	if (file != NULL) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", file);
		f = fopen(tmp, "w");
	}
	for (unsigned i = 0; i < N_MEMBERS; i++) {
		struct rte_eth_bond_8023ad_slave_info si;
		char mac[RTE_ETHER_ADDR_FMT_SIZE] = "-";

		memset(&si, 0, sizeof(si));
		if (mb[i].in_bond && rte_eth_bond_8023ad_slave_info(bond, mb[i].port, &si) == 0)
			rte_ether_format_addr(mac, sizeof(mac), &si.partner.system);
		snprintf(line, sizeof(line),
			 "member %s port %u in-bond %s active %s selected %d actor-state 0x%02x "
			 "partner-state 0x%02x actor-key %u partner-key %u partner-system %s\n",
			 mb[i].ifname, mb[i].port, mb[i].in_bond ? "yes" : "no",
			 is_active(bond, mb[i].port) ? "yes" : "no", (int)si.selected,
			 si.actor_state, si.partner_state, rte_be_to_cpu_16(si.actor.key),
			 rte_be_to_cpu_16(si.partner.key), mac);
		fputs(line, stdout);
		if (f != NULL)
			fputs(line, f);
	}
	snprintf(line, sizeof(line), "bond active %d rx %lu tx %lu wire-rx %lu wire-tx %lu\n",
		 n_active, (unsigned long)cnt[0], (unsigned long)cnt[1], (unsigned long)cnt[2],
		 (unsigned long)cnt[3]);
	fputs(line, stdout);
	fflush(stdout);
	if (f != NULL) {
		fputs(line, f);
		fclose(f);
		rename(tmp, file);
	}
}

int main(int argc, char **argv)
{
	const char *state_file = NULL;
	bool carrier = true;
	struct rte_mempool *pool;
	struct member mb[N_MEMBERS];
	uint64_t cnt[4] = { 0 }; /* bond rx, bond tx, wire rx, wire tx */
	uint64_t last_state = 0, last_carrier = 0, last_tx = 0;
	int ret, bond;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "bondpeer: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			state_file = argv[++i];
		else if (strcmp(argv[i], "--no-carrier") == 0)
			carrier = false;
		else {
			fprintf(stderr, "bondpeer: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (rte_eth_dev_count_avail() != 3) {
		fprintf(stderr, "bondpeer: need exactly 3 ports (2 members, 1 wire), have %u\n",
			rte_eth_dev_count_avail());
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	pool = rte_pktmbuf_pool_create("bondpeer", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "bondpeer: no mbuf pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (uint16_t i = 0; i < N_MEMBERS; i++) {
		char devargs[RTE_DEV_NAME_MAX_LEN];
		struct rte_eth_dev_info info;
		const char *p;

		mb[i].port = i;
		mb[i].in_bond = true;
		mb[i].ifname[0] = '\0';
		/* The kernel interface is the iface= of the vdev's devargs. */
		if (rte_eth_dev_info_get(i, &info) == 0 && info.device != NULL &&
		    rte_dev_devargs(info.device) != NULL) {
			snprintf(devargs, sizeof(devargs), "%s", rte_dev_devargs(info.device)->args);
			if ((p = strstr(devargs, "iface=")) != NULL) {
				snprintf(mb[i].ifname, sizeof(mb[i].ifname), "%s", p + 6);
				mb[i].ifname[strcspn(mb[i].ifname, ",")] = '\0';
			}
		}
		if (mb[i].ifname[0] == '\0')
			snprintf(mb[i].ifname, sizeof(mb[i].ifname), "port%u", i);
	}
	bond = rte_eth_bond_create("net_bonding0", BONDING_MODE_8023AD, (uint8_t)rte_socket_id());
	if (bond < 0) {
		fprintf(stderr, "bondpeer: rte_eth_bond_create: %d\n", bond);
		return 1;
	}
	for (unsigned i = 0; i < N_MEMBERS; i++)
		if ((ret = rte_eth_bond_slave_add((uint16_t)bond, mb[i].port)) != 0) {
			fprintf(stderr, "bondpeer: add member %u: %d\n", i, ret);
			return 1;
		}
	rte_eth_bond_xmit_policy_set((uint16_t)bond, BALANCE_XMIT_POLICY_LAYER34);
	if ((ret = port_setup((uint16_t)bond, pool)) != 0 || (ret = port_setup(WIRE, pool)) != 0) {
		fprintf(stderr, "bondpeer: port setup: %d\n", ret);
		return 1;
	}
	printf("bondpeer: bond port %d (mode 4, layer34) over %s %s, wire port %u, carrier %s\n",
	       bond, mb[0].ifname, mb[1].ifname, WIRE, carrier ? "watched" : "ignored");
	while (!stop) {
		struct rte_mbuf *m[BURST];
		uint16_t n1, n2;
		uint64_t now;
		bool changed = false;

		n1 = rte_eth_rx_burst((uint16_t)bond, 0, m, BURST);
		if (n1) {
			cnt[0] += n1;
			send_all(WIRE, m, n1, &cnt[3]);
		}
		n2 = rte_eth_rx_burst(WIRE, 0, m, BURST);
		if (n2) {
			cnt[2] += n2;
			send_all((uint16_t)bond, m, n2, &cnt[1]);
		}
		now = now_ms();
		if (now - last_tx >= 10) {
			/* Mode 4 sends its LACPDUs from here only. */
			rte_eth_tx_burst((uint16_t)bond, 0, NULL, 0);
			last_tx = now;
		}
		if (carrier && now - last_carrier >= 20) {
			last_carrier = now;
			for (unsigned i = 0; i < N_MEMBERS; i++) {
				int c = read_carrier(mb[i].ifname);

				if (c == 0 && mb[i].in_bond) {
					ret = rte_eth_bond_slave_remove((uint16_t)bond, mb[i].port);
					printf("bondpeer: %s carrier off: member removed (%d)\n",
					       mb[i].ifname, ret);
					mb[i].in_bond = ret != 0;
					changed = true;
				} else if (c == 1 && !mb[i].in_bond) {
					ret = rte_eth_bond_slave_add((uint16_t)bond, mb[i].port);
					printf("bondpeer: %s carrier on: member added (%d)\n",
					       mb[i].ifname, ret);
					mb[i].in_bond = ret == 0;
					changed = true;
				}
			}
		}
		if (changed || now - last_state >= 1000) {
			last_state = now;
			write_state(state_file, (uint16_t)bond, mb, cnt);
		}
		if (n1 == 0 && n2 == 0)
			usleep(50); /* two cores for everything: do not spin when idle */
	}
	printf("bondpeer: stopping\n");
	rte_eth_dev_stop((uint16_t)bond);
	rte_eth_dev_stop(WIRE);
	rte_eal_cleanup();
	return 0;
}
