/* evpn: the EVPN control-plane agent. It keeps a kernel "shadow" of each EVPN
 * VNI in the network namespace FRR runs in (see docs/EVPN.md), writes the
 * dataplane's local MACs and MAC/IPs into it for zebra to advertise, and turns
 * what zebra installs there from BGP into evpn_ops calls for the dataplane.
 *
 * Contract
 * - Owner: the control thread. Nothing here is thread-safe. The agent acts in
 *   the network namespace the calling thread is in at evpn_agent_create().
 * - Driving it: put evpn_agent_fd() in poll() and call evpn_agent_poll() when
 *   it is readable AND at least as often as its return value (milliseconds)
 *   asks; that runs netlink input, held deletions, FRR liveness and resyncs.
 * - Output: the struct evpn_ops callbacks (evpn_model.h), called from inside
 *   evpn_agent_poll(), evpn_vni_del() and evpn_local_*(). They may call
 *   evpn_local_mac()/evpn_local_neigh() (e.g. from the fdb event hook that a
 *   remote_mac_set fired): those calls are queued and applied when the
 *   outermost agent call returns. They must not call the other functions.
 * - Local state in: evpn_local_mac() for every LOCAL learn/move/age of the
 *   dataplane (never for the EVPN entries the agent installed itself), and
 *   evpn_local_neigh() for snooped MAC/IPs. A MAC the agent reports remote
 *   that the dataplane learns locally becomes local at once (MAC mobility).
 * - Devices it creates are named <vxlan_prefix><VNI>, <bridge_prefix><VNI>
 *   and <port_prefix><VNI>p<k> (veth peer ...q<k>); the stand-in's alias is
 *   the vxsw port name. evpn_agent_destroy() removes them (unless keep_shadow).
 * - FRR liveness: zebra.pid and bgpd.pid in cfg.frr_rundir (the pid must name
 *   a live process of that name). FRR going away starts the grace period
 *   during which remote entries are kept (evpn_model.h).
 * - Errors: 0 or -errno; msg (may be NULL) gets a sentence for a person.
 */
#ifndef EVPN_H
#define EVPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evpn_model.h"
#include "vx_addr.h"

struct evpn_agent_cfg {
	struct vx_ip local_vtep;    /**< tunnel source; FRR must reach and advertise it */
	uint16_t dstport;           /**< VXLAN UDP port, default 4789 */
	char frr_rundir[108];       /**< holds zebra.pid and bgpd.pid; default /run/frr
				         (FRR started with -N NS uses /run/frr/NS) */
	char port_prefix[4];        /**< stand-in names, default "ev" */
	bool keep_shadow;           /**< destroy leaves the devices in place */
	struct evpn_model_cfg model;/**< holds, grace, duplicate detection, names */
};
/** Defaults for everything but local_vtep. */
void evpn_agent_cfg_default(struct evpn_agent_cfg *cfg);

struct evpn_agent;

/** Open the netlink sockets and start the first full dump. ops may be NULL. */
int evpn_agent_create(const struct evpn_agent_cfg *cfg, const struct evpn_ops *ops,
		      void *ops_arg, struct evpn_agent **out, char *msg, size_t msglen);
/** Remove the shadow devices (unless keep_shadow) and free everything. No
 *  callbacks are made. */
void evpn_agent_destroy(struct evpn_agent *a);

int evpn_agent_fd(const struct evpn_agent *a);
/** Do everything due at now_ns (monotonic). Returns the number of
 *  milliseconds after which it wants to be called again even if the fd stays
 *  quiet (1..100). */
int evpn_agent_poll(struct evpn_agent *a, uint64_t now_ns);
/** Forget what the events said and re-dump everything (mark and sweep); done
 *  by itself after a netlink overrun (ENOBUFS). */
void evpn_agent_resync(struct evpn_agent *a);

/** Start/stop EVPN for a VNI: create (or adopt) / remove its shadow. vni_del
 *  reports the VNI's remote entries deleted at once. */
int evpn_vni_add(struct evpn_agent *a, uint32_t vni, char *msg, size_t msglen);
int evpn_vni_del(struct evpn_agent *a, uint32_t vni);

/** A VM-facing port in a VNI gets a stand-in bridge port. evpn_local_mac()
 *  creates it on first use; port_del forgets the port's local MACs (FRR
 *  withdraws them). port is the vxsw port name (any length). */
int evpn_port_add(struct evpn_agent *a, uint32_t vni, const char *port, char *msg,
		  size_t msglen);
int evpn_port_del(struct evpn_agent *a, uint32_t vni, const char *port);

/** A local MAC learned/moved (present) or aged/flushed (!present). */
int evpn_local_mac(struct evpn_agent *a, uint32_t vni, const char *port, const uint8_t mac[6],
		   bool present);
/** A local MAC/IP binding (ARP/ND snooping); mac unused when !present. */
int evpn_local_neigh(struct evpn_agent *a, uint32_t vni, const struct vx_ip *ip,
		     const uint8_t mac[6], bool present);

/* ---- show ---- */

/** Visitors for evpn_agent_show(); any may be NULL; non-zero stops. */
struct evpn_show_ops {
	int (*vni)(void *arg, const struct evpn_vni_view *v);
	/** port: the vxsw port name of a local MAC, "" for remote ones */
	int (*mac)(void *arg, const struct evpn_mac_view *v, const char *port);
	int (*neigh)(void *arg, const struct evpn_neigh_view *v);
};
/** Per VNI (vni 0 = all, in VNI order): the VNI, then its MACs, then its
 *  MAC/IPs (in no particular order). */
void evpn_agent_show(struct evpn_agent *a, uint32_t vni, const struct evpn_show_ops *ops,
		     void *arg);

struct evpn_agent_status {
	enum evpn_frr_state frr;
	int zebra_pid, bgpd_pid;        /**< 0 = not running */
	uint64_t grace_left_ns;
	bool synced;                    /**< the last full dump is complete */
	unsigned vnis, ports;
	uint64_t nl_msgs, enobufs, resyncs, requests, request_errors;
	char last_error[160];           /**< "" if none */
	char text[200];                 /**< one line: "FRR up ...", "FRR absent: ..." */
	struct evpn_model_stats model;
};
void evpn_agent_status(struct evpn_agent *a, uint64_t now_ns, struct evpn_agent_status *st);

/* Integration notes (vxswd):
 * - Remote MACs: remote_mac_set -> fdb_learn(FDB_KIND_EVPN, ctrl_vtep_index(vtep)); with
 *   n > 1 VTEPs the dataplane needs a VTEP group (per-flow choice) or uses vteps[0].
 *   remote_mac_del -> fdb_delete only if the entry is still FDB_KIND_EVPN.
 * - Local MACs: dp_ctrl's fdb_event_fn -> evpn_local_mac() for LOCAL entries (learned,
 *   moved: present; aged, flushed, or replaced by EVPN: !present).
 * - flood_set -> the VNI's dynamic flood list; suppress_set/del -> ARP/ND suppression.
 * - Remote learning off in EVPN VNIs (cfg_vni.learning = false).
 */

#endif
