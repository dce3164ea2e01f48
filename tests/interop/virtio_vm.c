/* A "VM" for the vhost-user tests: forwards frames between DPDK ports 0 and 1 (a
 * net_virtio_user on vxswd's vhost socket and a net_tap the kernel can ping from).
 * Build: cc -O2 -o virtio_vm virtio_vm.c $(pkg-config --cflags --libs libdpdk) */
#include <signal.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_mempool *mp;
	if (rte_eal_init(argc, argv) < 0 || rte_eth_dev_count_avail() != 2)
		return 1;
	signal(SIGTERM, on_signal), signal(SIGINT, on_signal);
	mp = rte_pktmbuf_pool_create("vm", 2047, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	for (uint16_t p = 0; p < 2; p++)
		if (mp == NULL || rte_eth_dev_configure(p, 1, 1, &conf) != 0 ||
		    rte_eth_rx_queue_setup(p, 0, 256, SOCKET_ID_ANY, NULL, mp) != 0 ||
		    rte_eth_tx_queue_setup(p, 0, 256, SOCKET_ID_ANY, NULL) != 0 || rte_eth_dev_start(p) != 0)
			return 1;
	while (!stop) {
		unsigned moved = 0;
		for (uint16_t p = 0; p < 2; p++) {
			struct rte_mbuf *b[32];
			uint16_t n = rte_eth_rx_burst(p, 0, b, 32), s = rte_eth_tx_burst(p ^ 1, 0, b, n);
			rte_pktmbuf_free_bulk(b + s, n - s);
			moved += n;
		}
		if (moved == 0)
			usleep(200); /* functional tests only: leave the CPU to vxswd */
	}
	return rte_eal_cleanup() == 0 ? 0 : 1;
}
