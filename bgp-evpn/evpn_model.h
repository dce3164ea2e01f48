/* evpn_model: FRR's view of each EVPN VNI, rebuilt from the kernel shadow.
 *
 * Contract
 * - Pure: no sockets, no clock, no threads. Input is decoded rtnetlink
 *   messages (struct nl_msg from the namespace FRR runs in) and the local
 *   state the dataplane reports; output is calls through two ops tables:
 *   struct evpn_ops (what the dataplane must install: remote MACs, flood lists,
 *   the ARP/ND suppression table) and struct evpn_shadow_ops (fdb/neighbour
 *   requests the I/O edge must send to the kernel shadow). Time is passed in
 *   (nanoseconds, monotonic). One thread (the control thread) owns a model.
 * - Devices: a VNI is tracked once evpn_model_vni_add() names it; its devices
 *   are found by ifindex, registered by the edge when it creates them
 *   (evpn_model_dev_set) or recognised in link messages by name
 *   (<vxlan_prefix><VNI> of kind vxlan with that VNI, <bridge_prefix><VNI> of
 *   kind bridge; any other device enslaved to that bridge is a stand-in port).
 * - Remote MAC: a bridge (master) fdb entry of the VNI whose port is the vxlan
 *   device. Its VTEPs come from the vxlan device's own (self) entry for that
 *   MAC: NDA_DST, or NDA_NH_ID naming an fdb nexthop group. A self entry alone
 *   is not a remote MAC (FRR leaves stale ones behind when a MAC moves local).
 *   A master entry on a stand-in port with NTF_EXT_LEARNED is a local MAC as
 *   the kernel holds it (what the edge programmed).
 * - Remote MAC/IP: an AF_INET/AF_INET6 neighbour on the VNI's bridge with
 *   NTF_EXT_LEARNED and a usable state (not FAILED/INCOMPLETE).
 *   A PERMANENT neighbour without NTF_EXT_LEARNED is a local one.
 * - Flood list: 00:00:00:00:00:00 self entries on the vxlan device, one per VTEP.
 * - Emission: a set is reported at once and only when it changes anything.
 *   A deletion is held for cfg.del_hold_ms first (a stopping FRR deletes
 *   every remote entry before its processes end: zebra as it drops bgpd's
 *   session, tens of ms before the exit with small tables, longer with large
 *   ones; the hold lets the edge see the exit) and cancelled silently if the
 *   entry comes back unchanged. When the
 *   edge reports FRR down (evpn_model_frr_state) a grace period of
 *   cfg.grace_ms starts: deletions held then, and deletions seen until it ends,
 *   take effect only at its end, if the entry did not come back.
 * - MAC mobility: evpn_model_local_mac(present) for a MAC held remote makes it
 *   local at once (no remote_mac_del: the dataplane's own local learn already
 *   replaced the EVPN entry) and asks the shadow to take it over. Remote wins
 *   again only when FRR installs a remote entry after the takeover was seen.
 * - Resync (after ENOBUFS, or at start): evpn_model_resync_begin() marks every
 *   kernel-derived entry stale; the dumps that follow refresh what exists;
 *   evpn_model_resync_end() treats what stayed stale as deleted and repairs the
 *   shadow (re-adds local entries the kernel lost, removes ones not wanted).
 * - Never crashes on input: malformed or unexpected messages are counted.
 * - Errors: 0 or -errno.
 */
#ifndef EVPN_MODEL_H
#define EVPN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "nl_decode.h"
#include "vx_addr.h"

#define EVPN_VNI_MAX 0xffffffu
#define EVPN_MAX_VTEPS NL_NH_GROUP_MAX /* VTEPs of one MAC (an fdb nexthop group) */

/** What the dataplane must do. Every callback may be NULL. Pointers passed
 *  are valid during the call only. Callbacks must not call back into the
 *  model. */
struct evpn_ops {
	/** MAC is behind these VTEPs (n >= 1): install or update an EVPN entry;
	 *  spread flows across them when n > 1. nhg is the kernel fdb nexthop
	 *  group id when the MAC uses one (multihomed), else 0. */
	void (*remote_mac_set)(void *arg, uint32_t vni, const uint8_t mac[6],
			       const struct vx_ip *vteps, unsigned n, uint32_t nhg);
	/** The EVPN entry is gone: delete the dataplane entry only if it is
	 *  still an EVPN one (a local learn may have replaced it). */
	void (*remote_mac_del)(void *arg, uint32_t vni, const uint8_t mac[6]);
	/** The VNI's whole head-end replication list (n may be 0). */
	void (*flood_set)(void *arg, uint32_t vni, const struct vx_ip *vteps, unsigned n);
	/** Remote MAC/IP binding for ARP/ND suppression (add or replace). */
	void (*suppress_set)(void *arg, uint32_t vni, const struct vx_ip *ip, const uint8_t mac[6]);
	void (*suppress_del)(void *arg, uint32_t vni, const struct vx_ip *ip);
	/** A MAC moved between local and remote cfg.dup_moves times within
	 *  cfg.dup_window_ms: FRR is about to flag it duplicate (and freeze it
	 *  if so configured). For the operator. */
	void (*mac_dup)(void *arg, uint32_t vni, const uint8_t mac[6]);
};

/** Kernel requests the edge must send; the model sees their result as netlink
 *  events (the "reflection"), so a failed request is repaired by a resync. */
struct evpn_shadow_ops {
	/** `bridge fdb replace MAC dev <port> master extern_learn` (add) or
	 *  `bridge fdb del MAC dev <port> master` (!add). */
	int (*fdb)(void *arg, int port_ifindex, const uint8_t mac[6], bool add);
	/** `ip neigh replace IP lladdr MAC dev <bridge> nud permanent` (add) or
	 *  `ip neigh del IP dev <bridge>` (!add; mac may be NULL then). */
	int (*neigh)(void *arg, int br_ifindex, const struct vx_ip *ip, const uint8_t mac[6],
		     bool add);
};

struct evpn_model_cfg {
	uint32_t del_hold_ms;   /**< delay of every remote deletion (default 2000) */
	uint32_t grace_ms;      /**< FRR restart grace (default 120000) */
	uint32_t dup_moves;     /**< mac_dup after this many moves (default 5, 0 = off) */
	uint32_t dup_window_ms; /**< ... within this window (default 180000) */
	char vxlan_prefix[8];   /**< default "vxlan" */
	char bridge_prefix[8];  /**< default "br" */
};
/** The defaults above. */
void evpn_model_cfg_default(struct evpn_model_cfg *cfg);

enum evpn_dev_role { EVPN_DEV_NONE, EVPN_DEV_VXLAN, EVPN_DEV_BRIDGE, EVPN_DEV_PORT };

/** FRR as the edge sees it. */
enum evpn_frr_state {
	EVPN_FRR_UNKNOWN, /**< not reported yet */
	EVPN_FRR_UP,      /**< zebra and bgpd running */
	EVPN_FRR_DOWN,    /**< not running (never started, or gone after grace) */
	EVPN_FRR_GRACE,   /**< went down, or came back, less than grace_ms ago */
};
const char *evpn_frr_state_name(enum evpn_frr_state s);

struct evpn_model;

/** cfg NULL = defaults. ops and shadow may be NULL (nothing reported / sent). */
struct evpn_model *evpn_model_create(const struct evpn_model_cfg *cfg,
				     const struct evpn_ops *ops, void *ops_arg,
				     const struct evpn_shadow_ops *shadow, void *shadow_arg);
/** Free everything; reports nothing. */
void evpn_model_destroy(struct evpn_model *m);

/** Track a VNI (1..EVPN_VNI_MAX). -EEXIST if tracked, -EINVAL if out of range. */
int evpn_model_vni_add(struct evpn_model *m, uint32_t vni);
/** Forget a VNI and its devices: reports remote_mac_del, suppress_del and an
 *  empty flood_set for what it had, at once. -ENOENT if not tracked. */
int evpn_model_vni_del(struct evpn_model *m, uint32_t vni);
bool evpn_model_has_vni(const struct evpn_model *m, uint32_t vni);

/** Register (role != NONE) or forget (NONE) a device of a tracked VNI, e.g.
 *  right after creating it. -ENOENT if the VNI is not tracked. */
int evpn_model_dev_set(struct evpn_model *m, int ifindex, uint32_t vni,
		       enum evpn_dev_role role, uint64_t now_ns);
/** Role and VNI of an ifindex (NONE if unknown). */
enum evpn_dev_role evpn_model_dev_get(const struct evpn_model *m, int ifindex, uint32_t *vni);
/** ifindex of a VNI's vxlan device or bridge, 0 if not known. */
int evpn_model_vni_dev(const struct evpn_model *m, uint32_t vni, enum evpn_dev_role role);

/** Feed one decoded message. Returns 0 when it was used, 1 when it was well
 *  formed but not about a tracked device (ignored), -EBADMSG for
 *  NL_MALFORMED or a message that contradicts itself (counted). */
int evpn_model_input(struct evpn_model *m, const struct nl_msg *msg, uint64_t now_ns);

/** Local state from the dataplane. mac must be learnable (unicast, not zero);
 *  port_ifindex is the stand-in port of the VNI. present=false forgets it
 *  (and removes it from the shadow). -ENOENT unknown VNI/port, -EINVAL bad MAC. */
int evpn_model_local_mac(struct evpn_model *m, uint32_t vni, int port_ifindex,
			 const uint8_t mac[6], bool present, uint64_t now_ns);
/** Local MAC/IP (from ARP/ND snooping); mac ignored when !present. */
int evpn_model_local_neigh(struct evpn_model *m, uint32_t vni, const struct vx_ip *ip,
			   const uint8_t mac[6], bool present, uint64_t now_ns);
/** Forget every local MAC on a stand-in port (before the edge deletes it). */
void evpn_model_port_flush(struct evpn_model *m, int port_ifindex, uint64_t now_ns);

/** Mark-and-sweep reconciliation around a full re-dump (links, AF_BRIDGE and
 *  IP neighbours, nexthops). */
void evpn_model_resync_begin(struct evpn_model *m);
void evpn_model_resync_end(struct evpn_model *m, uint64_t now_ns);

/** FRR's daemons running (up) or not; starts/keeps the grace period. */
void evpn_model_frr_state(struct evpn_model *m, bool up, uint64_t now_ns);
enum evpn_frr_state evpn_model_frr(const struct evpn_model *m, uint64_t now_ns,
				   uint64_t *grace_left_ns);

/** Apply held deletions that are due. */
void evpn_model_poll(struct evpn_model *m, uint64_t now_ns);
/** When evpn_model_poll() next has work, UINT64_MAX if never. */
uint64_t evpn_model_next_due(const struct evpn_model *m);

/* ---- show ---- */

struct evpn_model_stats {
	uint64_t msgs, malformed, ignored, unexpected;
	uint64_t mac_set, mac_del, flood_set, suppress_set, suppress_del;
	uint64_t held, reconciled, expired_in_grace;
	uint64_t mobility, remote_wins, dup;
	uint64_t group_drops;           /**< MACs dropped with their nexthop group */
	uint64_t resyncs, swept;
	uint64_t shadow_fdb, shadow_neigh, shadow_repairs;
	uint64_t grace_periods;
};
void evpn_model_get_stats(const struct evpn_model *m, struct evpn_model_stats *s);

struct evpn_vni_view {
	uint32_t vni;
	int vxlan_ifindex, br_ifindex;
	unsigned n_ports;
	unsigned local_macs, remote_macs, local_neighs, remote_neighs;
	unsigned held;                  /**< deletions waiting (hold or grace) */
	const struct vx_ip *flood;      /**< emitted flood list */
	unsigned n_flood;
};

enum evpn_origin { EVPN_LOCAL = 1, EVPN_REMOTE };

struct evpn_mac_view {
	uint32_t vni;
	uint8_t mac[6];
	enum evpn_origin origin;
	int port_ifindex;               /**< LOCAL: stand-in port */
	bool in_kernel;                 /**< LOCAL: the shadow holds it */
	const struct vx_ip *vteps;      /**< REMOTE: as reported */
	unsigned n_vteps;
	uint32_t nhg;
	bool held;                      /**< REMOTE: gone from FRR, deletion held */
	uint64_t held_until_ns;
	bool dup;                       /**< mac_dup was reported */
};

struct evpn_neigh_view {
	uint32_t vni;
	struct vx_ip ip;
	uint8_t mac[6];
	enum evpn_origin origin;
	bool in_kernel;                 /**< LOCAL: the shadow holds it */
	bool held;
};

/** Visit VNIs in no particular order; cb returns non-zero to stop. */
void evpn_model_walk_vnis(const struct evpn_model *m,
			  int (*cb)(void *arg, const struct evpn_vni_view *v), void *arg);
/** Visit the MACs (vni 0 = all VNIs) that are local or remote. */
void evpn_model_walk_macs(const struct evpn_model *m, uint32_t vni,
			  int (*cb)(void *arg, const struct evpn_mac_view *v), void *arg);
void evpn_model_walk_neighs(const struct evpn_model *m, uint32_t vni,
			    int (*cb)(void *arg, const struct evpn_neigh_view *v), void *arg);

#endif
