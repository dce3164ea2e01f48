/* evpn_frr: what FRR's zebra itself says of EVPN MACs, for the operator.
 *
 * The kernel shadow carries no BGP detail; MAC mobility sequence numbers and
 * duplicate-address detection (a MAC that moved too often is flagged
 * duplicate, and frozen if FRR is configured to) live only in zebra. vxswd
 * asks zebra over its vty socket (<frr-rundir>/zebra.vty, the socket vtysh
 * uses) when an operator runs `vxswctl show evpn-mac`; nothing here runs on
 * a timer or per packet.
 *
 * evpn_frr_parse_macs() is pure (no I/O) and takes untrusted text: anything
 * that is not zebra's MAC document is refused, malformed entries are skipped
 * and counted. evpn_frr_vty() is the socket edge: blocking, bounded by a
 * timeout. Control thread only.
 */
#ifndef EVPN_FRR_H
#define EVPN_FRR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One MAC as zebra reports it. */
struct evpn_frr_mac {
	uint32_t vni;
	uint8_t mac[6];
	bool remote;           /**< zebra's "type": remote, else local */
	uint32_t local_seq;    /**< MAC mobility sequence we advertise */
	uint32_t remote_seq;   /**< ... the remote VTEP advertised */
	uint32_t moves;        /**< duplicate-detection count ("detectionCount") */
	bool duplicate;        /**< flagged duplicate: zebra stops following moves */
};

typedef int (*evpn_frr_mac_fn)(void *arg, const struct evpn_frr_mac *m);

/**
 * Parse the JSON of zebra's `show evpn mac vni all json` (an object per VNI)
 * or `show evpn mac vni N json` (one VNI's object; vni names it). Calls fn
 * for every well-formed MAC (a non-zero return stops). Returns the number of
 * MACs reported, or -EINVAL if the text is not such a document. *bad (may be
 * NULL) gets the number of entries skipped as malformed.
 */
int evpn_frr_parse_macs(const char *text, size_t len, uint32_t vni, evpn_frr_mac_fn fn,
			void *arg, unsigned *bad);

/**
 * Run one vty command on an FRR daemon (socket <rundir>/<daemon>.vty) and
 * return its output in *out (malloc'd, NUL-terminated; at most 16 MiB).
 * Waits at most timeout_ms in all. 0, or -errno (-ETIMEDOUT, -ECONNREFUSED,
 * -EPROTO for a reply that does not end as FRR ends them, -E2BIG), with msg
 * set for a person.
 */
int evpn_frr_vty(const char *rundir, const char *daemon, const char *cmd, int timeout_ms,
		 char **out, size_t *len, char *msg, size_t msglen);

#endif
