/* evpn: the EVPN control-plane agent, synced with FRR through a kernel
 * shadow of each VNI (see shared DESIGN.md). To be built; the interfaces it
 * uses already exist:
 *
 * - Local MACs out: struct dp_ctrl's fdb_event_fn hook is called on the
 *   control thread for every FDB change (learned, moved, aged, flushed) with
 *   the VNI, the new and the previous entry; the agent mirrors LOCAL entries
 *   into the shadow bridge as extern_learn fdb entries.
 * - Remote MACs in: fdb_learn(..., FDB_KIND_EVPN, vtep_index, ...) with a
 *   VTEP index from ctrl_vtep_index(ip, create=true); a LOCAL learn over an
 *   EVPN entry is reported as a move (MAC mobility).
 * - Flood lists in: the VNI's flood list (struct cfg_vni.flood) applied with
 *   ctrl_apply(), or a future per-VNI dynamic list merged into the snapshot.
 * - Per-VNI remote learning off: cfg_vni.learning = false.
 * - Netlink decoding of AF_BRIDGE fdb entries, neighbours and fdb nexthop
 *   groups: dataplane/nl_decode.h.
 */
#ifndef EVPN_H
#define EVPN_H

#endif
