/* cfg_model: the switch configuration as plain C structs.
 *
 * Produced by cfg_yang (from JSON instance data validated against
 * config/yang/vxsw.yang), checked by cfg_validate, consumed by vxswd.
 * Plain data: no libyang types leak out of config/. Not thread-safe; the
 * control thread owns it.
 */
#ifndef CFG_MODEL_H
#define CFG_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "vx_addr.h"

#define CFG_NAME_MAX 32
#define CFG_DEVARGS_MAX 256
#define CFG_PATH_MAX 108   /* sun_path */
#define CFG_ERR_MAX 512

enum cfg_port_role {
	CFG_ROLE_VM,      /**< a VM vNIC (vhost-user, tap, af_packet ...) */
	CFG_ROLE_UPLINK,  /**< toward the underlay (physical NIC, af_xdp, af_packet) */
	CFG_ROLE_HOST,    /**< the host exception path: a tap holding the underlay IP */
	CFG_ROLE_HOST_IF, /**< a host kernel interface (tap) bound to a segment like a VM port */
};

/** VM and host-interface ports: bound to segments, forwarded alike. */
static inline bool cfg_role_is_vm(int role)
{
	return role == CFG_ROLE_VM || role == CFG_ROLE_HOST_IF;
}

enum cfg_port_mode {
	CFG_MODE_ACCESS,  /**< untagged traffic belongs to access_vni */
	CFG_MODE_TRUNK,   /**< 802.1Q VLAN id -> VNI via vlans[] */
};

struct cfg_vlan_map {
	uint16_t vlan;   /**< 1..4094 */
	uint32_t vni;    /**< overlay segment, or 0 */
	char segment[CFG_NAME_MAX]; /**< VLAN-backed segment, or "" */
};

/** A bandwidth limit (average_kbps 0 = none); the loader fills defaults:
 *  burst 65536, peak 0 = no peak limit, peak_burst 0 = burst. */
struct cfg_rate_limit {
	uint32_t average_kbps;
	uint32_t peak_kbps;
	uint32_t burst;          /**< bytes */
	uint32_t peak_burst;     /**< bytes */
};

/** Storm control of a port, frames per second; 0 = no limit. */
struct cfg_storm {
	uint32_t broadcast;
	uint32_t multicast;
	uint32_t unknown_unicast;
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char devargs[CFG_DEVARGS_MAX];  /**< DPDK devargs, e.g. "net_tap0,iface=vm1" */
	enum cfg_port_role role;
	enum cfg_port_mode mode;        /**< VM ports only */
	uint32_t access_vni;            /**< VM access ports; 0 = none */
	char access_segment[CFG_NAME_MAX]; /**< VM access ports: VLAN-backed segment, or "" */
	struct cfg_vlan_map *vlans;     /**< VM trunk ports */
	unsigned n_vlans;
	uint16_t mtu;                   /**< L3 MTU 576..9216; the loader fills the
	                                     default 1500 (uplinks: 1600), code that
	                                     builds a port must set it */
	uint16_t rx_queues;             /**< 0 = one per worker where supported */
	struct cfg_rate_limit limit;    /**< ingress limit (vm and host-interface ports) */
	struct cfg_storm storm;
};

struct cfg_vni {
	uint32_t id;                    /**< 1..16777215 */
	bool learning;                  /**< flood-and-learn of remote MACs (default true) */
	uint32_t mac_limit;             /**< 0 = only the global limit */
	bool no_flood_unknown;          /**< drop unknown unicast (YANG: flood-unknown-unicast false) */
	struct vx_ip *flood;            /**< head-end replication list */
	unsigned n_flood;
	struct cfg_rate_limit limit;    /**< on what local ports send into the VNI */
};

/** A VLAN-backed segment: bridged onto a team with a tag, no VXLAN. */
struct cfg_segment {
	char name[CFG_NAME_MAX];
	uint16_t vlan;                  /**< 0 = untagged (native) */
	char team[CFG_NAME_MAX];
	bool learning;                  /**< learn MACs from the team (default true) */
	uint32_t mac_limit;
	struct cfg_rate_limit limit;
};

enum cfg_team_mode {
	CFG_TEAM_LACP,             /**< IEEE 802.1AX */
	CFG_TEAM_STATIC_IP_HASH,   /**< static LAG on the switch, hash policy */
	CFG_TEAM_ACTIVE_BACKUP,    /**< one member at a time, ordered failover */
	CFG_TEAM_BALANCE_VM_PORT,  /**< originating VM port pinned to a member */
	CFG_TEAM_BALANCE_SRC_MAC,  /**< member by source MAC hash */
};

enum cfg_hash_policy {
	CFG_HASH_L3L4,  /**< default: IPs and ports (VXLAN: the inner flow) */
	CFG_HASH_L2,
	CFG_HASH_L2L3,
};

#define CFG_TEAM_MAX_MEMBERS 8

/** Uplinks used as one. All-zero is a valid LACP team: active, fast,
 *  l3-l4; the loader fills the YANG defaults (priorities 32768). */
struct cfg_team {
	char name[CFG_NAME_MAX];
	enum cfg_team_mode mode;
	enum cfg_hash_policy hash;
	bool failback;                  /**< active-backup; YANG default true */
	bool lacp_passive;
	bool lacp_slow;
	uint16_t lacp_sys_prio;
	uint16_t lacp_key;              /**< 0 = the team's position + 1 */
	uint16_t lacp_port_prio;
	char members[CFG_TEAM_MAX_MEMBERS][CFG_NAME_MAX]; /**< uplink names, priority order */
	unsigned n_members;
};

const char *cfg_team_mode_name(enum cfg_team_mode m);
const char *cfg_hash_policy_name(enum cfg_hash_policy h);

struct cfg_vtep {
	struct vx_ip ip4;               /**< local IPv4 VTEP address (optional) */
	struct vx_ip ip6;               /**< local IPv6 VTEP address (optional) */
	uint16_t udp_port;              /**< default 4789 */
	uint8_t ttl;                    /**< default 64 */
	bool allow_inner_vlan;          /**< default false */
	char team[CFG_NAME_MAX];        /**< underlay team; "" = first team/uplink */
};

/** A static outer next hop for a remote VTEP (instead of the kernel's). */
struct cfg_nexthop {
	struct vx_ip vtep;
	uint8_t mac[6];
	char port[CFG_NAME_MAX];        /**< uplink name; "" = the first uplink */
};

struct cfg_fdb_static {
	uint32_t vni;
	uint8_t mac[6];
	char port[CFG_NAME_MAX];        /**< local port name, or "" */
	struct vx_ip remote;            /**< remote VTEP, or unset */
};

/** The EVPN agent (all-zero: off). The loader fills the YANG defaults. */
struct cfg_evpn {
	bool enabled;
	char frr_rundir[CFG_PATH_MAX];  /**< default /run/frr */
	uint32_t grace_s;               /**< default 120 */
	bool keep_shadow;
	bool suppress;                  /**< ARP/ND suppression, default true */
};

struct cfg_global {
	uint16_t workers;               /**< default 1 */
	uint32_t fdb_max;               /**< default 1048576 */
	uint32_t aging_s;               /**< default 300; 0 = never age */
	char ctl_socket[CFG_PATH_MAX];  /**< default /run/vxsw/vxswd.sock */
	uint32_t mbufs;                 /**< packet buffer pool size; 0 = automatic */
};

struct cfg {
	struct cfg_global global;
	struct cfg_vtep vtep;
	struct cfg_evpn evpn;
	struct cfg_port *ports;
	unsigned n_ports;
	struct cfg_vni *vnis;
	unsigned n_vnis;
	struct cfg_team *teams;
	unsigned n_teams;
	struct cfg_nexthop *nexthops;
	unsigned n_nexthops;
	struct cfg_fdb_static *fdb;
	unsigned n_fdb;
	struct cfg_segment *segs;
	unsigned n_segs;
};

/** Fill defaults into an empty config. */
void cfg_init(struct cfg *c);
/** Free everything cfg owns and leave it empty. */
void cfg_free(struct cfg *c);
/** Deep copy. Returns 0 or -ENOMEM. */
int cfg_copy(struct cfg *dst, const struct cfg *src);

const struct cfg_port *cfg_port_by_name(const struct cfg *c, const char *name);
const struct cfg_vni *cfg_vni_by_id(const struct cfg *c, uint32_t id);
const struct cfg_team *cfg_team_by_name(const struct cfg *c, const char *name);
const struct cfg_segment *cfg_segment_by_name(const struct cfg *c, const char *name);
/** The team that carries the underlay: vtep/team, else the first team; NULL
 *  without teams. */
const struct cfg_team *cfg_underlay_team(const struct cfg *c);
/** The team an uplink port belongs to, or NULL. */
const struct cfg_team *cfg_team_of_port(const struct cfg *c, const char *port);

/**
 * Semantic checks beyond what YANG can say (cross references, families,
 * conflicts), plus the model's ranges and key uniqueness again for structs
 * built in C. Reports the first problem. Returns 0 (err = ""), -ENOMEM, or
 * -EINVAL with err set to "PATH: reason", where
 * PATH is the YANG data path, e.g.
 * "/vxsw:vxsw/port[name='vm1']/access-vni: VNI 200 is not configured".
 */
int cfg_validate(const struct cfg *c, char *err, unsigned errlen);

#endif
