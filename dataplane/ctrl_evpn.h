/* ctrl_evpn: the EVPN agent (bgp-evpn/) wired to the switch's tables.
 *
 * With evpn/enabled, every VNI gets a kernel shadow for FRR. Local MAC
 * changes of the FDB and MAC/IPs snooped from the VMs' ARP/ND go out to the
 * agent (FRR advertises them); remote MACs, flood lists and MAC/IPs come back
 * as FDB_KIND_EVPN entries, per-VNI flood-list additions and the ARP/ND
 * suppression table. Control thread only; everything is a no-op when EVPN is
 * off.
 */
#ifndef CTRL_EVPN_H
#define CTRL_EVPN_H

#include <stdbool.h>
#include <stdint.h>

#include "fdb.h"
#include "nd_proxy.h"
#include "vx_addr.h"

struct dp_ctrl;
struct dp_build_input;
struct vgroup_def;

/** Create the agent and the shadows of the configured VNIs. */
int ctrl_evpn_init(struct dp_ctrl *c, char *msg, unsigned msglen);
void ctrl_evpn_fini(struct dp_ctrl *c);
int ctrl_evpn_fd(const struct dp_ctrl *c);
void ctrl_evpn_poll(struct dp_ctrl *c, uint64_t now_ns);
/** Follow the config after ctrl_apply(): VNIs and VM ports added/removed. */
void ctrl_evpn_sync(struct dp_ctrl *c);
/** An FDB change (the dp_ctrl fdb hook): local MACs to the agent. */
void ctrl_evpn_fdb_changed(struct dp_ctrl *c, fdb_key_t key, const struct fdb_result *now,
			   const struct fdb_result *before);
/** A MAC/IP snooped on local port `port` in bridge domain bd. */
void ctrl_evpn_neigh_seen(struct dp_ctrl *c, uint16_t bd, uint16_t port, const struct vx_ip *ip,
			  const uint8_t mac[6]);
/** Fill the EVPN parts of a snapshot: flood-list additions and the ND table. */
void ctrl_evpn_build_input(struct dp_ctrl *c, struct dp_build_input *in);
/** For show: the VTEP indices EVPN adds to bd's flood list; returns how many. */
unsigned ctrl_evpn_flood(const struct dp_ctrl *c, uint16_t bd, const uint16_t **list);
/** For show: the VTEP group an FDB dest names (a multihomed segment), NULL
 *  if none. */
const struct vgroup_def *ctrl_evpn_group(const struct dp_ctrl *c, uint32_t dest);
/** For show: FRR's own view of the EVPN MACs (sequence numbers, duplicate
 *  detection), asked from zebra now (blocks up to 300 ms). Returns the number of
 *  MACs in *out (malloc'd, sorted by VNI and MAC; free it), or -errno with
 *  why set. */
struct evpn_frr_mac;
int ctrl_evpn_frr_macs(struct dp_ctrl *c, struct evpn_frr_mac **out, char *why, unsigned len);
/** Find (vni, mac) in what ctrl_evpn_frr_macs() gave; NULL if FRR lacks it. */
const struct evpn_frr_mac *ctrl_evpn_frr_find(const struct evpn_frr_mac *macs, int n, uint32_t vni,
					      const uint8_t mac[6]);
/** For show: one line of status. */
void ctrl_evpn_status(struct dp_ctrl *c, char *buf, unsigned len);
struct evpn_mac_view;
struct evpn_neigh_view;
struct evpn_vni_view;
/** For show: visit the agent's VNIs, MACs and MAC/IPs (any visitor may be NULL). */
void ctrl_evpn_show(struct dp_ctrl *c, int (*vni)(void *arg, const struct evpn_vni_view *v),
		    int (*mac)(void *arg, const struct evpn_mac_view *v, const char *port),
		    int (*neigh)(void *arg, const struct evpn_neigh_view *v), void *arg);

#endif
