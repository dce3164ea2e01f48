/* vgroup: VTEP groups, the remote VTEPs of one multihomed Ethernet segment.
 *
 * A MAC behind an all-active segment is reachable through every VTEP of the
 * segment. FRR hands such a MAC to the agent as an fdb entry on a nexthop
 * group; the FDB entry then names a VTEP group (dest = DP_DEST_VGROUP | index)
 * instead of one VTEP, and the worker picks the group member per flow. When
 * the segment changes (a VTEP withdraws its A-D routes), only the group
 * changes: every MAC on it follows in one snapshot, with no per-MAC churn.
 *
 * The registry is the control thread's (keyed by FRR's nexthop group id,
 * reference-counted by the FDB entries naming it); the snapshot carries the
 * per-flow slot tables workers read. Pure: no EAL, no I/O.
 */
#ifndef VGROUP_H
#define VGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "fdb.h"

#define VGROUP_MAX 1024          /**< groups in the registry */
#define VGROUP_MAX_VTEPS 16      /**< VTEPs per group (an ES rarely has more than 4) */
#define VGROUP_SLOTS 64          /**< per-flow slots: no division per packet */
#define VGROUP_NONE 0xffffu

/** FDB dest bit of a remote entry: the low bits are a VTEP group index, not a
 *  VTEP index (VTEP indices stay below 0x10000). */
#define DP_DEST_VGROUP 0x10000u

static inline bool vgroup_dest_is_group(uint32_t dest)
{
	return (dest & DP_DEST_VGROUP) != 0;
}
static inline uint16_t vgroup_dest_index(uint32_t dest)
{
	return (uint16_t)(dest & 0xffffu);
}

/** One group as the control thread knows it: members sorted ascending. */
struct vgroup_def {
	uint32_t nhg;        /**< FRR's nexthop group id; 0 = free slot */
	uint32_t refs;       /**< FDB entries naming this group */
	uint16_t n;
	uint16_t vtep[VGROUP_MAX_VTEPS];
};

struct vgroup_registry {
	uint16_t n;          /**< highest used index + 1 */
	uint64_t full;       /**< set() refused: registry or member list full */
	struct vgroup_def g[VGROUP_MAX];
};

/**
 * The group index for nhg with these member VTEP indices (any order, at most
 * VGROUP_MAX_VTEPS are kept), creating it or replacing its members. *changed
 * is set when workers must see a new snapshot. -1 if the registry is full.
 * A new group has no references until an FDB entry names it (vgroup_track).
 */
int vgroup_set(struct vgroup_registry *r, uint32_t nhg, const uint16_t *vteps, unsigned n,
	       bool *changed);
/** Follow an FDB entry change (kind 0 = none): references of the groups the
 *  entry named before and names now. A group nothing names is freed. */
void vgroup_track(struct vgroup_registry *r, const struct fdb_result *now,
		  const struct fdb_result *before);
/** Free group i if no FDB entry names it (its entry could not be written). */
void vgroup_forget_unused(struct vgroup_registry *r, int i);
/** Groups in use. */
unsigned vgroup_count(const struct vgroup_registry *r);

/** What workers read: flow slot -> VTEP index. */
struct dp_vgroup {
	uint16_t slot[VGROUP_SLOTS];
};

/**
 * Fill a group's slots from its members. Slot i belongs to member i % n while
 * that member's VTEP is usable (usable[vtep], vtep < n_usable); the slots of
 * unusable members go to the usable ones in turn, so a VTEP that loses its
 * next hop moves only the flows it had. With no usable member every slot
 * names the first member (the worker then drops and counts the frame as
 * unresolved).
 */
void vgroup_fill(struct dp_vgroup *out, const struct vgroup_def *def, const bool *usable,
		 unsigned n_usable);

/** The VTEP a flow uses. Bits 10..15 of the flow hash: independent of the
 *  bits the team's member choice uses. */
static inline uint16_t vgroup_pick(const struct dp_vgroup *g, uint32_t flow_hash)
{
	return g->slot[(flow_hash >> 10) & (VGROUP_SLOTS - 1)];
}

#endif
