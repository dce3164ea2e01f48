/* evpn_model_int: the model's entries, shared by evpn_model.c (VNIs,
 * devices, holds, resync), evpn_fdb.c (MACs), evpn_flood.c (flood lists),
 * evpn_nexthop.c (fdb nexthops) and evpn_neigh.c (MAC/IP). Not for use
 * outside the model.
 *
 * Every entry keeps three views side by side: what the kernel holds now (k*),
 * what the dataplane asked for locally (local*), and what was last reported
 * through evpn_ops (em*). evaluate() compares them and reports the difference;
 * a deletion goes through the pending list (hold / grace) first.
 */
#ifndef EVPN_MODEL_INT_H
#define EVPN_MODEL_INT_H

#include "evpn_hash.h"
#include "evpn_model.h"

/* Our own request was sent this long ago without a reflection: stop
 * treating the entry as "ours in flight" (the request probably failed). */
#define EVPN_PENDING_NS (1000ull * 1000 * 1000)

enum evpn_pend_kind { PEND_MAC = 1, PEND_NEIGH, PEND_FLOOD };

/** A held deletion, linked in the model's list sorted by due time. */
struct evpn_pend {
	struct evpn_pend *prev, *next;
	uint64_t due;
	uint8_t kind;    /**< enum evpn_pend_kind */
	bool linked;
};

struct evpn_vni;

struct evpn_mac {
	struct evpn_hnode h;        /* key: mac, in v->macs */
	struct evpn_vni *v;
	uint8_t mac[6];
	/* kernel view */
	int kmaster;                /**< port of the bridge entry, 0 = none */
	bool kmaster_ext;
	bool kself;                 /**< vxlan self entry present */
	struct vx_ip kself_dst;
	uint32_t kself_nh;
	bool mark_master, mark_self;
	/* local (dataplane) */
	int local_port;             /**< stand-in ifindex, 0 = not local */
	uint64_t local_sent;        /**< when our request went out, 0 = reflected */
	/* reported */
	bool em;
	struct vx_ip em_dst;        /**< single VTEP (em_nhg == 0) */
	uint32_t em_nhg;
	uint64_t em_sig;            /**< hash of nhg and the VTEP list reported */
	struct evpn_pend pend;
	/* duplicate detection */
	uint8_t last_origin;        /**< enum evpn_origin of the last decision, 0 none */
	uint8_t moves;
	bool dup;
	uint64_t dup_t0;
};

struct evpn_neigh {
	struct evpn_hnode h;        /* key: struct vx_ip, in v->neighs */
	struct evpn_vni *v;
	struct vx_ip ip;
	/* kernel view */
	bool kpresent, kext, mark;
	uint16_t kstate;
	uint8_t kmac[6];
	/* local */
	bool local;
	uint8_t lmac[6];
	uint64_t local_sent;
	/* reported */
	bool em;
	uint8_t em_mac[6];
	struct evpn_pend pend;
};

struct evpn_flood {
	struct evpn_flood *next;
	struct evpn_vni *v;
	struct vx_ip ip;
	bool kpresent, mark, em;
	struct evpn_pend pend;
};

struct evpn_vni {
	uint32_t vni;
	int vxlan_ifindex, br_ifindex;
	unsigned n_ports;
	struct evpn_hash macs, neighs;
	struct evpn_flood *flood;
	unsigned local_macs, remote_macs, local_neighs, remote_neighs, held;
};

struct evpn_dev {
	struct evpn_hnode h;        /* key: ifindex */
	int ifindex;
	uint32_t vni;
	enum evpn_dev_role role;
	bool pinned;                /**< registered by the edge: only DELLINK forgets it */
	bool mark;
};

/** An fdb nexthop (gw = VTEP) or an fdb nexthop group (members). */
struct evpn_nh {
	struct evpn_hnode h;        /* key: id */
	uint32_t id;
	bool group;
	struct vx_ip gw;
	uint32_t members[EVPN_MAX_VTEPS];
	unsigned n_members;
	bool mark;
};

struct evpn_model {
	struct evpn_model_cfg cfg;
	const struct evpn_ops *ops;
	void *ops_arg;
	const struct evpn_shadow_ops *shadow;
	void *shadow_arg;
	struct evpn_vni **vnis;     /* sorted by vni */
	unsigned n_vnis, cap_vnis;
	struct evpn_hash devs, nhs;
	struct evpn_pend pending;   /* list head (sentinel) */
	bool frr_known, frr_up;
	uint64_t grace_until;
	bool resyncing;
	struct evpn_model_stats st;
};

static inline uint64_t evpn_ms(uint32_t ms) { return (uint64_t)ms * 1000000ull; }

/* evpn_model.c */
struct evpn_vni *evpn_vni_find(const struct evpn_model *m, uint32_t vni);
struct evpn_dev *evpn_dev_find(const struct evpn_model *m, int ifindex);
/** Hold a deletion (no-op if already held). */
void evpn_pend_hold(struct evpn_model *m, struct evpn_pend *p, enum evpn_pend_kind kind,
		    uint64_t now);
void evpn_pend_cancel(struct evpn_model *m, struct evpn_pend *p);

/* evpn_fdb.c: MACs */
int evpn_fdb_input(struct evpn_model *m, const struct nl_neigh *n, uint64_t now);
/** Compare a MAC's views and report the difference. May free e. */
void evpn_mac_evaluate(struct evpn_model *m, struct evpn_mac *e, uint64_t now);
/** A held MAC deletion is due: report it or re-evaluate. */
void evpn_mac_due(struct evpn_model *m, struct evpn_mac *e, uint64_t now);
/** The device went away: drop the kernel state that lived on it. */
void evpn_fdb_dev_gone(struct evpn_model *m, struct evpn_vni *v, int ifindex, uint64_t now);
/** Mark/sweep MACs, flood entries and nexthops. */
void evpn_fdb_mark(struct evpn_model *m);
void evpn_fdb_sweep(struct evpn_model *m, uint64_t now);
/** Drop every MAC and flood entry of v, reporting deletions at once. */
void evpn_fdb_vni_flush(struct evpn_model *m, struct evpn_vni *v);

/* evpn_flood.c: flood lists */
int evpn_flood_input(struct evpn_model *m, struct evpn_vni *v, const struct nl_neigh *n,
		     uint64_t now);
void evpn_flood_due(struct evpn_model *m, struct evpn_flood *f, uint64_t now);
void evpn_flood_dev_gone(struct evpn_model *m, struct evpn_vni *v, uint64_t now);
void evpn_flood_mark(struct evpn_vni *v);
void evpn_flood_sweep(struct evpn_model *m, struct evpn_vni *v, uint64_t now);
void evpn_flood_flush(struct evpn_model *m, struct evpn_vni *v);

/* evpn_nexthop.c: fdb nexthops and groups */
int evpn_nh_input(struct evpn_model *m, const struct nl_nexthop *nh, uint64_t now);
/** The VTEPs nexthop id stands for (a gateway, or its group's members'). */
unsigned evpn_nh_resolve(const struct evpn_model *m, uint32_t id, struct vx_ip *out);
void evpn_nh_mark(struct evpn_model *m);
void evpn_nh_sweep(struct evpn_model *m, uint64_t now);
void evpn_nh_free_all(struct evpn_model *m);

/* evpn_neigh.c */
int evpn_neigh_input(struct evpn_model *m, struct evpn_vni *v, const struct nl_neigh *n,
		     uint64_t now);
void evpn_neigh_due(struct evpn_model *m, struct evpn_neigh *e, uint64_t now);
void evpn_neigh_dev_gone(struct evpn_model *m, struct evpn_vni *v, uint64_t now);
void evpn_neigh_mark(struct evpn_model *m);
void evpn_neigh_sweep(struct evpn_model *m, uint64_t now);
void evpn_neigh_vni_flush(struct evpn_model *m, struct evpn_vni *v);

/* hashing */
static inline uint64_t evpn_mac_hash(const uint8_t mac[6]) { return evpn_hash_bytes(mac, 6, 0); }
static inline uint64_t evpn_ip_hash(const struct vx_ip *ip)
{
	return evpn_hash_bytes(ip, sizeof(*ip), 1);
}
static inline uint64_t evpn_id_hash(uint32_t id) { return evpn_hash_bytes(&id, sizeof(id), 2); }

#endif
