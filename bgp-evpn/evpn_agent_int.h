/* evpn_agent_int: the agent's state, shared by evpn_agent.c (life cycle,
 * netlink input, resync, FRR liveness), evpn_agent_vni.c (VNIs, stand-in
 * ports, local state) and evpn_agent_show.c. Not for use outside the agent.
 */
#ifndef EVPN_AGENT_INT_H
#define EVPN_AGENT_INT_H

#include <stdio.h>
#include <string.h>

#include "evpn.h"
#include "evpn_hash.h"

#define N_DUMPS 4
#define PORT_K_MAX 10000

struct evpn_port {
	struct evpn_hnode h;    /* key: (vni, name) */
	uint32_t vni;
	int ifindex;
	unsigned k;
	char ifname[16];
	char name[64];          /* the vxsw port name (truncated) */
};

struct evpn_deferred {
	bool neigh;
	bool present;
	uint32_t vni;
	uint8_t mac[6];
	struct vx_ip ip;
	char port[64];
};

struct evpn_agent {
	struct evpn_agent_cfg cfg;
	struct evpn_model *m;
	struct nl_sock *nl;
	struct evpn_shadow *sh;
	struct evpn_hash ports;
	unsigned n_ports;
	uint64_t now;
	/* resync */
	uint32_t dump_seq[N_DUMPS];
	unsigned dump_wait;          /* bit i: dumps[i] not finished */
	unsigned dump_intr;          /* bit i: dumps[i] was inconsistent */
	bool synced;
	/* FRR */
	uint64_t frr_checked;
	int zebra_pid, bgpd_pid;
	/* re-entrancy */
	unsigned depth;
	struct evpn_deferred *q;
	unsigned nq, capq;
	/* counters */
	uint64_t nl_msgs, enobufs, requests, request_errors;
	char last_error[160];
};

static inline void evpn_set_msg(char *msg, size_t msglen, const char *fmt, const char *s, int err)
{
	if (msg != NULL && msglen > 0)
		snprintf(msg, msglen, fmt, s, strerror(-err));
}

static inline void evpn_vni_names(const struct evpn_agent *a, uint32_t vni, char vx[16],
				  char br[16])
{
	snprintf(vx, 16, "%s%u", a->cfg.model.vxlan_prefix, vni);
	snprintf(br, 16, "%s%u", a->cfg.model.bridge_prefix, vni);
}

/* evpn_agent.c: calls into the model are bracketed so that local events
 * reported from inside callbacks are queued (evpn_agent_defer) and applied
 * when the outermost call leaves */
void evpn_agent_enter(struct evpn_agent *a);
void evpn_agent_leave(struct evpn_agent *a);
int evpn_agent_defer(struct evpn_agent *a, const struct evpn_deferred *d);

/* evpn_agent_vni.c */
int evpn_agent_apply(struct evpn_agent *a, const struct evpn_deferred *d);
struct evpn_port *evpn_agent_port_by_ifindex(struct evpn_agent *a, int ifindex);

#endif
