/* dp_ctrl: the control thread's state and the only writer of every table.
 *
 * Owns the running config, the bridge-domain and VTEP registries, the FDB
 * writes (learn events, aging, static entries) and next-hop resolution. Turns
 * all of it into dataplane snapshots. Control thread only; nothing here is
 * thread-safe, and nothing here runs per packet.
 */
#ifndef DP_CTRL_H
#define DP_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg_model.h"
#include "ctrl_team.h"
#include "dp.h"
#include "fdb.h"

struct nl_sock;
struct ctrl_evpn;

/** Per-VTEP facts the snapshot does not carry. */
struct ctrl_vtep {
	bool configured;     /**< named in a flood list, static FDB or next hop */
	bool learned;        /**< created by flood-and-learn from a decapsulated frame */
	bool static_nh;      /**< outer MAC from config, not from the kernel */
	struct vx_ip nh;     /**< next hop the kernel route gave (gateway or the VTEP) */
	uint8_t nh_mac[6];
	int oif;
	const char *why;     /**< why unresolved, for show vtep */
};

struct dp_ctrl {
	struct cfg cfg;
	struct dp dp;
	struct fdb_table *fdb;
	uint32_t bd_vni[FDB_BD_MAX];          /**< bd -> VNI, 0 = free */
	uint16_t n_vteps;
	struct dp_vtep vteps[DP_MAX_VTEPS];   /**< the registry snapshots copy */
	struct ctrl_vtep vmeta[DP_MAX_VTEPS];
	struct nl_sock *nl;                   /**< kernel routes, neighbours, carrier */
	int host_ifindex;
	int port_ifindex[DP_MAX_PORTS];       /**< uplinks' kernel interface, -1 if none */
	int8_t carrier[DP_MAX_PORTS];         /**< kernel carrier: -1 unknown, 0, 1 */
	uint16_t n_teams;
	struct ctrl_team teams[DP_MAX_TEAMS];
	uint16_t underlay_team;
	char host_ifname[32];
	uint8_t src_mac[6];                   /**< outer source MAC */
	bool dirty;                           /**< registry changed: publish */
	uint32_t last_resolve_s, last_age_s;
	uint64_t generation;
	uint64_t slowproto_unclaimed, learn_refused, vtep_table_full;
	struct ctrl_evpn *evpn;               /**< NULL unless evpn/enabled */
};

/** Bring the dataplane up for cfg (EAL already initialised). cfg is copied. */
int ctrl_init(struct dp_ctrl *c, const struct cfg *cfg, char *msg, unsigned msglen);
/** One control-loop step: events, aging, resolution, publication. True if
 *  learn events are still waiting (call again without sleeping). */
bool ctrl_poll(struct dp_ctrl *c);
/** File descriptor to poll() on besides the CLI socket (netlink), or -1. */
int ctrl_fd(const struct dp_ctrl *c);
/** Replace the configuration at runtime: whole or nothing. Ports cannot be
 *  added, removed or re-pointed at other devices while running. */
int ctrl_apply(struct dp_ctrl *c, const struct cfg *next, char *msg, unsigned msglen);
/** Stop workers and ports, free everything. */
void ctrl_fini(struct dp_ctrl *c);

/** bd of a VNI, DP_NO_BD if not configured. */
uint16_t ctrl_bd_of_vni(const struct dp_ctrl *c, uint32_t vni);
/** Build and publish a snapshot now (the registries changed). 0 or -errno. */
int ctrl_publish(struct dp_ctrl *c, char *msg, unsigned msglen);
/** Report an FDB change the control thread made (kind 0 = removed) to the
 *  parties that follow local MACs (the EVPN agent). */
void ctrl_fdb_notify(struct dp_ctrl *c, fdb_key_t key, const struct fdb_result *now,
		     const struct fdb_result *before);

/** A kernel link changed (netlink): carrier of the uplink on that ifindex. */
void ctrl_kernel_link(struct dp_ctrl *c, int ifindex, bool carrier);

/** VTEP index for ip, registering it if create; -1 if absent or full. */
int ctrl_vtep_index(struct dp_ctrl *c, const struct vx_ip *ip, bool create);

#endif
