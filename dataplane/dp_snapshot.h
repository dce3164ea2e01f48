/* dp_snapshot: the read-only tables a worker forwards with.
 *
 * The control thread builds a new snapshot whenever configuration or a
 * next hop changes, publishes it with one atomic pointer store, and frees the
 * old one after an RCU grace period. Workers load the pointer once per loop
 * iteration and never write to it. Pure (no EAL): built and tested without DPDK.
 *
 * Indices that FDB entries hold (bridge domain = VNI index, VTEP index, port
 * index) are assigned by the control thread and stay stable across snapshots,
 * so an FDB entry never points at the wrong thing after a rebuild. A worker
 * still bounds-checks them: an entry may be newer than the snapshot it holds.
 */
#ifndef DP_SNAPSHOT_H
#define DP_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg_model.h"
#include "dp_meter.h"
#include "fdb.h"
#include "nd_proxy.h"
#include "vgroup.h"
#include "vtep_hdr.h"

#define DP_MAX_PORTS 64
#define DP_MAX_VTEPS 4096
#define DP_NO_BD 0xffffu
#define DP_NO_PORT 0xffffu
#define DP_VLAN_COUNT 4096

/** FDB_KIND_LOCAL dest of a MAC learned on the uplink team of a VLAN-backed
 *  bridge domain: "behind the bd's team" (each bd has one team). */
#define DP_DEST_UPLINK 0xfffeu

/** Registry key (bd -> key, like a VNI) of a VLAN-backed segment: its team's
 *  index and VLAN (0 = untagged) above the 24 VNI bits, so it never equals a
 *  VNI and stays the same while team and VLAN do. */
static inline uint32_t dp_seg_key(uint16_t team, uint16_t vlan)
{
	return 0x80000000u | ((uint32_t)team << 12) | vlan;
}
static inline bool dp_bd_key_is_seg(uint32_t key)
{
	return (key & 0x80000000u) != 0;
}

struct dp_port {
	uint16_t eth_port;   /**< DPDK port id */
	uint16_t team;       /**< uplinks: index of their team, else DP_NO_PORT */
	bool seg_uplink;     /**< uplinks whose team carries segments (classify tags) */
	uint8_t role;        /**< enum cfg_port_role */
	uint8_t trunk;       /**< VM trunk: 802.1Q tags map to bridge domains */
	uint16_t access_bd;  /**< access VM port: its bridge domain, else DP_NO_BD */
	uint16_t mtu;        /**< L3 MTU (uplinks: limit for encapsulated packets) */
	bool link_up;        /**< frames to a port whose link is down are dropped */
	bool collecting;     /**< uplinks: accept data frames (LACP: Collecting) */
	bool kernel_csum;    /**< AF_PACKET/AF_XDP: finish TCP/UDP checksums a veth left */
	uint16_t *vlan_bd;   /**< trunk: [DP_VLAN_COUNT] VLAN id -> bd or DP_NO_BD */
	uint8_t mac[6];      /**< the port's own MAC (uplinks: unused for now) */
	struct dp_meter_cfg limit;      /**< ingress rate limit (vm, host-interface) */
	struct dp_meter_cfg storm[3];   /**< enum dp_storm order: bcast, mcast, unknown */
};

/** A local port in a bridge domain and the tag it uses there (0 = untagged). */
struct dp_member {
	uint16_t port;
	uint16_t vlan;
};

struct dp_bd {
	uint32_t vni;        /**< 0 = unused slot */
	bool learning;       /**< learn remote MACs from decapsulated frames */
	bool flood_unknown;  /**< flood unknown unicast (else drop it) */
	bool evpn;           /**< snoop local MAC/IPs from ARP/ND for the EVPN agent */
	bool suppress;       /**< answer ARP/NS from the snapshot's nd table */
	uint16_t n_members;
	struct dp_member *members;
	uint16_t n_flood;
	uint16_t *flood;     /**< VTEP indices for head-end replication */
	uint16_t team;       /**< VLAN-backed: team index, DP_NO_PORT for a VNI */
	uint16_t uplink_vlan; /**< VLAN-backed: tag on the team, 0 = untagged */
	struct dp_meter_cfg limit; /**< on what local ports send into the bd */
};

#define DP_MAX_TEAMS DP_MAX_PORTS
#define DP_TEAM_MAX_MEMBERS 8

/** Uplinks used as one (a configured team, or one loose uplink on its own).
 *  The control thread decides which members carry traffic and fills slot[]. */
#define DP_TEAM_SLOTS 64
struct dp_team {
	uint8_t mode;        /**< enum cfg_team_mode */
	uint8_t hash;        /**< enum cfg_hash_policy */
	uint16_t n_members;
	uint16_t members[DP_TEAM_MAX_MEMBERS]; /**< port indices, priority order */
	uint32_t active_mask;                  /**< bit i: members[i] carries traffic */
	uint16_t n_active;
	uint16_t active[DP_TEAM_MAX_MEMBERS];  /**< the active members, in order */
	uint16_t mtu;        /**< smallest member MTU */
	/** Flow slot -> member port (DP_NO_PORT if none is active): a lookup
	 *  instead of a division per packet. See dp_team_fill_slots(). */
	uint16_t slot[DP_TEAM_SLOTS];
	/** VLAN-backed segments on this team: VLAN id -> bd ([DP_VLAN_COUNT],
	 *  DP_NO_BD where none), NULL if the team carries no segment. */
	uint16_t *vlan_bd;
	uint16_t native_bd;  /**< the untagged segment, DP_NO_BD if none */
	bool underlay;       /**< carries VXLAN and the host path */
};

/** What a worker knows of a frame when it picks a team member. */
struct dp_flow {
	uint32_t hash;       /**< per the team's hash policy */
	uint32_t src_mac_hash;
	uint16_t in_port;
};

/**
 * Fill slot[] from members and active_mask. Slot i belongs to member
 * i % n_members while that member is active, so a flow keeps its member
 * while the member stays up and only a failed member's flows move (to the
 * active members in turn): failover reorders nothing else.
 * active-backup: every slot is the first active member.
 */
void dp_team_fill_slots(struct dp_team *t);

/** The member a frame leaves on, DP_NO_PORT if none is active. */
static inline uint16_t dp_team_pick(const struct dp_team *t, const struct dp_flow *f)
{
	uint32_t key;

	switch (t->mode) {
	case CFG_TEAM_BALANCE_VM_PORT:
		key = f->in_port;
		break;
	case CFG_TEAM_BALANCE_SRC_MAC:
		key = f->src_mac_hash;
		break;
	default:
		key = f->hash ^ (f->hash >> 16); /* both halves of the hash count */
		break;
	}
	return t->slot[key % DP_TEAM_SLOTS];
}

struct dp_vtep {
	struct vx_ip ip;     /**< af == 0: unused slot */
	bool resolved;       /**< rw holds a usable outer header */
	uint16_t team;       /**< team index to send on */
	uint16_t mtu;        /**< that team's MTU */
	uint32_t hash_l2;    /**< team hash under policy l2 (outer MACs) */
	uint32_t hash_l2l3;  /**< team hash under policy l2-l3 (outer MACs and IPs) */
	struct vtep_rewrite rw;
};

/** VNI -> bridge domain, open addressing (2x FDB_BD_MAX slots). */
#define DP_VNI_MAP_SIZE (2 * FDB_BD_MAX)
struct dp_vni_slot {
	uint32_t vni;        /**< 0 = empty */
	uint16_t bd;
};

struct dp_snapshot {
	uint64_t generation;
	struct vtep_local local;
	uint16_t n_ports;
	struct dp_port ports[DP_MAX_PORTS];
	uint16_t host_port;  /**< port index of the host tap, DP_NO_PORT if none */
	uint16_t n_teams;
	struct dp_team teams[DP_MAX_TEAMS];
	uint16_t underlay_team; /**< carries the host path; DP_NO_PORT if no uplink */
	bool meters;         /**< any rate limit on a port or bd: workers read the clock */
	uint16_t n_bds;      /**< size of bds[] (highest bd + 1) */
	struct dp_bd *bds;
	uint16_t n_vteps;    /**< size of vteps[] (highest index + 1) */
	struct dp_vtep *vteps;
	uint16_t n_vgroups;  /**< size of vgroups[] */
	struct dp_vgroup *vgroups; /**< multihomed segments: per-flow VTEP choice */
	struct nd_table *nd; /**< ARP/ND suppression entries (owned), NULL if none */
	struct dp_vni_slot vni_map[DP_VNI_MAP_SIZE];
};

/** What the control thread knows that the config does not say. */
struct dp_build_input {
	const struct cfg *cfg;
	const uint16_t *eth_port;     /**< [cfg->n_ports] DPDK port ids */
	const uint16_t *mtu;          /**< [cfg->n_ports] effective MTU, NULL = config's */
	const bool *link_up;          /**< [cfg->n_ports] link state, NULL = all up */
	const uint32_t *bd_vni;       /**< [FDB_BD_MAX] bd -> VNI, 0 = free */
	const struct dp_vtep *vteps;  /**< [n_vteps] the VTEP registry */
	uint16_t n_vteps;
	const struct dp_team *teams;  /**< [n_teams] with their active sets */
	uint16_t n_teams;
	uint16_t underlay_team;
	/** EVPN: per bd, VTEP indices added to the configured flood list
	 *  (type-3 routes); NULL = none. */
	const uint16_t *const *extra_flood;
	const uint16_t *n_extra_flood;
	struct nd_table *nd;          /**< handed over to the snapshot */
	const struct vgroup_registry *vgroups; /**< EVPN VTEP groups, NULL = none */
};

/** The VTEP index an FDB remote dest names for a flow: dest itself, or the
 *  flow's member of the VTEP group it names (DP_MAX_VTEPS if none). */
static inline uint32_t dp_remote_vtep(const struct dp_snapshot *s, uint32_t dest, uint32_t hash)
{
	if (__builtin_expect(!vgroup_dest_is_group(dest), 1))
		return dest;
	if (vgroup_dest_index(dest) >= s->n_vgroups)
		return DP_MAX_VTEPS;
	return vgroup_pick(&s->vgroups[vgroup_dest_index(dest)], hash);
}

/** Build a snapshot. NULL on ENOMEM or inconsistent input (msg set). */
struct dp_snapshot *dp_snapshot_build(const struct dp_build_input *in, char *msg, unsigned msglen);
void dp_snapshot_free(struct dp_snapshot *s);

/** VNI -> bd, DP_NO_BD if the VNI is not configured. */
static inline uint16_t dp_vni_to_bd(const struct dp_snapshot *s, uint32_t vni)
{
	uint32_t i = (vni * 2654435761u) & (DP_VNI_MAP_SIZE - 1);

	if (vni == 0)
		return DP_NO_BD;
	for (unsigned n = 0; n < DP_VNI_MAP_SIZE; n++) {
		const struct dp_vni_slot *sl = &s->vni_map[i];
		if (sl->vni == vni)
			return sl->bd;
		if (sl->vni == 0)
			return DP_NO_BD;
		i = (i + 1) & (DP_VNI_MAP_SIZE - 1);
	}
	return DP_NO_BD;
}

/** Why a VM-port frame has no bridge domain (0 = it has one). */
enum dp_classify_err {
	DP_CLASSIFY_OK,
	DP_CLASSIFY_RUNT,
	DP_CLASSIFY_NO_VNI,          /**< access port without a VNI */
	DP_CLASSIFY_TAGGED_ON_ACCESS,
	DP_CLASSIFY_VLAN_NOT_ALLOWED, /**< trunk: untagged, or a VLAN not mapped */
};

/**
 * Map a frame received on a VM port to its bridge domain.
 * Sets *bd and *vlan (the 802.1Q id to strip, 0 if untagged).
 * Inline: every frame from a VM port passes here.
 */
static inline enum dp_classify_err dp_classify_vm(const struct dp_port *p, const uint8_t *frame,
						  uint32_t len, uint16_t *bd, uint16_t *vlan)
{
	uint16_t type;
	bool tagged;

	if (len < 14)
		return DP_CLASSIFY_RUNT;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	tagged = type == 0x8100 || type == 0x88a8; /* 802.1Q, 802.1ad */
	*vlan = 0;
	if (!p->trunk) {
		if (tagged)
			return DP_CLASSIFY_TAGGED_ON_ACCESS;
		if (p->access_bd == DP_NO_BD)
			return DP_CLASSIFY_NO_VNI;
		*bd = p->access_bd;
		return DP_CLASSIFY_OK;
	}
	/* Trunk: only 802.1Q (0x8100) with a mapped VLAN id; no native VLAN. */
	if (type != 0x8100)
		return DP_CLASSIFY_VLAN_NOT_ALLOWED;
	if (len < 18)
		return DP_CLASSIFY_RUNT;
	*vlan = (uint16_t)(((frame[14] << 8) | frame[15]) & 0x0fff);
	if (p->vlan_bd == NULL || p->vlan_bd[*vlan] == DP_NO_BD)
		return DP_CLASSIFY_VLAN_NOT_ALLOWED;
	*bd = p->vlan_bd[*vlan];
	return DP_CLASSIFY_OK;
}

/** What a frame received on an uplink is. */
enum dp_uplink_class {
	DP_UPLINK_UNDERLAY,     /**< VXLAN, slow protocols, host path: vtep_classify() */
	DP_UPLINK_SEGMENT,      /**< a VLAN-backed segment's frame; *bd set */
	DP_UPLINK_VLAN_UNKNOWN, /**< tagged with a VLAN no segment of the team has */
	DP_UPLINK_UNTAGGED,     /**< untagged on a segment team that is not the underlay
				     and has no native segment */
};

/**
 * Classify a frame from uplink port. A team without segments passes
 * everything to the underlay path, as before segments existed. On a team
 * with segments: 802.1Q tags select a segment (or are dropped), slow
 * protocols stay with the team, untagged frames go to the native segment,
 * else to the underlay path on the underlay team, else are dropped.
 * *tagged tells the caller to strip the tag.
 */
enum dp_uplink_class dp_classify_uplink(const struct dp_snapshot *s, uint16_t port,
					const uint8_t *frame, uint32_t len, uint16_t *bd,
					bool *tagged);

/** The registry key of a configured segment (dp_seg_key() of its team's
 *  position in cfg->teams and its VLAN); 0 if its team does not exist. */
uint32_t dp_segment_key(const struct cfg *c, const struct cfg_segment *g);

/** The tag a port uses in bd (0 = untagged), or -1 if the port is not in bd. */
int dp_port_vlan_in_bd(const struct dp_snapshot *s, uint16_t port, uint16_t bd);

#endif
