/* Building the worker's read-only tables from config and control-thread state. */
#include "dp_snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_P_8021Q_BE0 0x81
#define ETH_P_8021Q_BE1 0x00
#define ETH_P_8021AD_BE0 0x88
#define ETH_P_8021AD_BE1 0xa8

static int vni_map_add(struct dp_snapshot *s, uint32_t vni, uint16_t bd)
{
	uint32_t i = (vni * 2654435761u) & (DP_VNI_MAP_SIZE - 1);

	for (unsigned n = 0; n < DP_VNI_MAP_SIZE; n++) {
		struct dp_vni_slot *sl = &s->vni_map[i];
		if (sl->vni == 0 || sl->vni == vni) {
			sl->vni = vni;
			sl->bd = bd;
			return 0;
		}
		i = (i + 1) & (DP_VNI_MAP_SIZE - 1);
	}
	return -ENOSPC;
}

static uint16_t bd_of_vni(const struct dp_build_input *in, uint32_t vni)
{
	for (uint16_t bd = 0; bd < FDB_BD_MAX; bd++)
		if (in->bd_vni[bd] == vni)
			return bd;
	return DP_NO_BD;
}

uint32_t dp_segment_key(const struct cfg *c, const struct cfg_segment *g)
{
	for (unsigned t = 0; t < c->n_teams; t++)
		if (strcmp(c->teams[t].name, g->team) == 0)
			return dp_seg_key((uint16_t)t, g->vlan);
	return 0;
}

static uint16_t bd_of_segment(const struct dp_build_input *in, const char *name)
{
	const struct cfg_segment *g = cfg_segment_by_name(in->cfg, name);
	uint32_t key = g != NULL ? dp_segment_key(in->cfg, g) : 0;

	return key != 0 ? bd_of_vni(in, key) : DP_NO_BD;
}

static int vtep_index(const struct dp_build_input *in, const struct vx_ip *ip)
{
	for (uint16_t i = 0; i < in->n_vteps; i++)
		if (vx_ip_eq(&in->vteps[i].ip, ip))
			return i;
	return -1;
}

static int build_vgroups(struct dp_snapshot *s, const struct dp_build_input *in)
{
	const struct vgroup_registry *r = in->vgroups;
	bool usable[DP_MAX_VTEPS];

	if (r == NULL || r->n == 0)
		return 0;
	s->vgroups = calloc(r->n, sizeof(*s->vgroups));
	if (s->vgroups == NULL)
		return -ENOMEM;
	s->n_vgroups = r->n;
	for (uint16_t i = 0; i < s->n_vteps; i++)
		usable[i] = s->vteps[i].resolved;
	for (uint16_t i = 0; i < r->n; i++)
		vgroup_fill(&s->vgroups[i], &r->g[i], usable, s->n_vteps);
	return 0;
}

static int add_member(struct dp_bd *b, uint16_t port, uint16_t vlan)
{
	struct dp_member *m = realloc(b->members, (b->n_members + 1u) * sizeof(*m));

	if (m == NULL)
		return -ENOMEM;
	b->members = m;
	m[b->n_members++] = (struct dp_member){ .port = port, .vlan = vlan };
	return 0;
}

static int build_ports(struct dp_snapshot *s, const struct dp_build_input *in, char *msg,
		       unsigned msglen)
{
	const struct cfg *c = in->cfg;

	if (c->n_ports > DP_MAX_PORTS) {
		snprintf(msg, msglen, "too many ports (%u > %u)", c->n_ports, DP_MAX_PORTS);
		return -EINVAL;
	}
	s->n_ports = (uint16_t)c->n_ports;
	for (uint16_t i = 0; i < c->n_ports; i++) {
		const struct cfg_port *cp = &c->ports[i];
		struct dp_port *p = &s->ports[i];

		p->eth_port = in->eth_port[i];
		p->team = DP_NO_PORT;
		p->role = (uint8_t)cp->role;
		p->mtu = in->mtu != NULL ? in->mtu[i] : cp->mtu;
		p->link_up = in->link_up != NULL ? in->link_up[i] : true;
		p->access_bd = DP_NO_BD;
		if (cp->role == CFG_ROLE_HOST)
			s->host_port = i;
		p->collecting = cp->role == CFG_ROLE_UPLINK;
		p->kernel_csum = strncmp(cp->devargs, "net_af_packet", 13) == 0 ||
				 strncmp(cp->devargs, "net_af_xdp", 10) == 0;
		if (!cfg_role_is_vm(cp->role))
			continue;
		p->limit = dp_meter_from_limit(&cp->limit, c->global.workers);
		p->storm[0] = dp_meter_from_storm(cp->storm.broadcast, c->global.workers);
		p->storm[1] = dp_meter_from_storm(cp->storm.multicast, c->global.workers);
		p->storm[2] = dp_meter_from_storm(cp->storm.unknown_unicast, c->global.workers);
		if (cp->mode == CFG_MODE_ACCESS) {
			p->access_bd = cp->access_vni ? bd_of_vni(in, cp->access_vni)
				       : cp->access_segment[0] ? bd_of_segment(in, cp->access_segment)
							       : DP_NO_BD;
			if (p->access_bd != DP_NO_BD &&
			    add_member(&s->bds[p->access_bd], i, 0) != 0)
				return -ENOMEM;
			continue;
		}
		p->trunk = 1;
		p->vlan_bd = malloc(DP_VLAN_COUNT * sizeof(*p->vlan_bd));
		if (p->vlan_bd == NULL)
			return -ENOMEM;
		for (unsigned v = 0; v < DP_VLAN_COUNT; v++)
			p->vlan_bd[v] = DP_NO_BD;
		for (unsigned v = 0; v < cp->n_vlans; v++) {
			uint16_t bd = cp->vlans[v].vni ? bd_of_vni(in, cp->vlans[v].vni)
				      : bd_of_segment(in, cp->vlans[v].segment);
			uint16_t vid = cp->vlans[v].vlan;

			if (bd == DP_NO_BD || vid == 0 || vid >= DP_VLAN_COUNT)
				continue;
			p->vlan_bd[vid] = bd;
			if (add_member(&s->bds[bd], i, vid) != 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Add a VTEP to a flood list once (config and EVPN may both name it). */
static void add_flood(struct dp_bd *b, uint16_t vi)
{
	for (uint16_t i = 0; i < b->n_flood; i++)
		if (b->flood[i] == vi)
			return;
	b->flood[b->n_flood++] = vi;
}

static int build_bds(struct dp_snapshot *s, const struct dp_build_input *in, char *msg,
		     unsigned msglen)
{
	const struct cfg *c = in->cfg;

	for (unsigned i = 0; i < c->n_vnis; i++) {
		const struct cfg_vni *v = &c->vnis[i];
		uint16_t bd = bd_of_vni(in, v->id);
		struct dp_bd *b;

		if (bd == DP_NO_BD) {
			snprintf(msg, msglen, "VNI %u has no bridge domain", v->id);
			return -EINVAL;
		}
		const bool evpn = c->evpn.enabled;
		const uint16_t n_extra = in->n_extra_flood ? in->n_extra_flood[bd] : 0;

		b = &s->bds[bd];
		b->vni = v->id;
		b->learning = v->learning && !evpn; /* with EVPN, BGP says where MACs are */
		b->flood_unknown = !v->no_flood_unknown;
		b->evpn = evpn;
		b->suppress = evpn && c->evpn.suppress;
		b->limit = dp_meter_from_limit(&v->limit, c->global.workers);
		if (vni_map_add(s, v->id, bd) != 0)
			return -ENOSPC;
		b->flood = calloc(v->n_flood + n_extra + 1u, sizeof(*b->flood));
		if (b->flood == NULL)
			return -ENOMEM;
		for (uint16_t f = 0; f < n_extra; f++)
			add_flood(b, in->extra_flood[bd][f]);
		for (unsigned f = 0; f < v->n_flood; f++) {
			int vi = vtep_index(in, &v->flood[f]);
			if (vi < 0) {
				snprintf(msg, msglen, "VNI %u: flood VTEP not registered", v->id);
				return -EINVAL;
			}
			add_flood(b, (uint16_t)vi);
		}
	}
	return 0;
}

static uint16_t *vlan_table(void)
{
	uint16_t *t = malloc(DP_VLAN_COUNT * sizeof(*t));

	for (unsigned v = 0; t != NULL && v < DP_VLAN_COUNT; v++)
		t[v] = DP_NO_BD;
	return t;
}

/* VLAN-backed segments: their bds and each team's VLAN -> bd table. */
static int build_segments(struct dp_snapshot *s, const struct dp_build_input *in, char *msg,
			  unsigned msglen)
{
	const struct cfg *c = in->cfg;

	for (uint16_t t = 0; t < s->n_teams; t++) {
		s->teams[t].vlan_bd = NULL;
		s->teams[t].native_bd = DP_NO_BD;
		s->teams[t].underlay = t == s->underlay_team;
		for (uint16_t m = 0; m < s->teams[t].n_members; m++)
			if (s->teams[t].members[m] < s->n_ports)
				s->ports[s->teams[t].members[m]].team = t;
	}
	for (unsigned i = 0; i < c->n_segs; i++) {
		const struct cfg_segment *g = &c->segs[i];
		uint32_t key = dp_segment_key(c, g);
		uint16_t bd = key ? bd_of_vni(in, key) : DP_NO_BD;
		uint16_t t = (uint16_t)((key >> 12) & 0xfff);
		struct dp_bd *b;

		if (bd == DP_NO_BD || t >= s->n_teams) {
			snprintf(msg, msglen, "segment %s has no bridge domain or team", g->name);
			return -EINVAL;
		}
		b = &s->bds[bd];
		b->learning = g->learning;
		b->flood_unknown = true;
		b->team = t;
		b->uplink_vlan = g->vlan;
		b->limit = dp_meter_from_limit(&g->limit, c->global.workers);
		if (g->vlan == 0) {
			s->teams[t].native_bd = bd;
			continue;
		}
		if (s->teams[t].vlan_bd == NULL && (s->teams[t].vlan_bd = vlan_table()) == NULL)
			return -ENOMEM;
		s->teams[t].vlan_bd[g->vlan] = bd;
	}
	/* a team with only a native segment still needs a (empty) VLAN table */
	for (uint16_t t = 0; t < s->n_teams; t++)
		if (s->teams[t].native_bd != DP_NO_BD && s->teams[t].vlan_bd == NULL &&
		    (s->teams[t].vlan_bd = vlan_table()) == NULL)
			return -ENOMEM;
	for (uint16_t p = 0; p < s->n_ports; p++)
		s->ports[p].seg_uplink = s->ports[p].team < s->n_teams &&
					 s->teams[s->ports[p].team].vlan_bd != NULL;
	for (uint16_t p = 0; p < s->n_ports; p++)
		s->meters |= s->ports[p].limit.id != 0;
	for (uint16_t b = 0; b < s->n_bds; b++)
		s->meters |= s->bds[b].limit.id != 0;
	return 0;
}

struct dp_snapshot *dp_snapshot_build(const struct dp_build_input *in, char *msg, unsigned msglen)
{
	struct dp_snapshot *s = calloc(1, sizeof(*s));
	uint16_t n_bds = 0;

	if (s == NULL)
		return NULL;
	msg[0] = '\0';
	s->host_port = DP_NO_PORT;
	s->local = (struct vtep_local){
		.ip4 = in->cfg->vtep.ip4,
		.ip6 = in->cfg->vtep.ip6,
		.udp_port = in->cfg->vtep.udp_port,
		.allow_inner_vlan = in->cfg->vtep.allow_inner_vlan,
	};
	for (uint16_t bd = 0; bd < FDB_BD_MAX; bd++)
		if (in->bd_vni[bd] != 0)
			n_bds = (uint16_t)(bd + 1);
	s->n_bds = n_bds;
	s->bds = calloc(n_bds ? n_bds : 1, sizeof(*s->bds));
	s->n_vteps = in->n_vteps;
	s->vteps = calloc(in->n_vteps ? in->n_vteps : 1, sizeof(*s->vteps));
	if (s->bds == NULL || s->vteps == NULL)
		goto fail;
	if (in->n_vteps)
		memcpy(s->vteps, in->vteps, in->n_vteps * sizeof(*s->vteps));
	if (build_vgroups(s, in) != 0)
		goto fail;
	if (in->n_teams > DP_MAX_TEAMS) {
		snprintf(msg, msglen, "too many teams");
		goto fail;
	}
	s->n_teams = in->n_teams;
	if (in->n_teams)
		memcpy(s->teams, in->teams, in->n_teams * sizeof(*s->teams));
	s->underlay_team = in->n_teams ? in->underlay_team : DP_NO_PORT;
	s->nd = in->nd;
	for (uint16_t b = 0; b < n_bds; b++)
		s->bds[b].team = DP_NO_PORT;
	for (uint16_t t = 0; t < s->n_teams; t++)
		s->teams[t].vlan_bd = NULL; /* owned by this snapshot from here on */
	if (build_bds(s, in, msg, msglen) != 0 || build_ports(s, in, msg, msglen) != 0 ||
	    build_segments(s, in, msg, msglen) != 0)
		goto fail;
	/* LACP: a member collects only while its mux is Collecting. */
	for (uint16_t t = 0; t < s->n_teams; t++)
		for (uint16_t m = 0; m < s->teams[t].n_members; m++)
			if (s->teams[t].mode == CFG_TEAM_LACP && s->teams[t].members[m] < s->n_ports)
				s->ports[s->teams[t].members[m]].collecting =
					(s->teams[t].active_mask >> m) & 1;
	return s;
fail:
	if (msg[0] == '\0')
		snprintf(msg, msglen, "out of memory building forwarding tables");
	dp_snapshot_free(s);
	return NULL;
}

void dp_snapshot_free(struct dp_snapshot *s)
{
	if (s == NULL)
		return;
	for (uint16_t i = 0; i < s->n_ports; i++)
		free(s->ports[i].vlan_bd);
	for (uint16_t t = 0; t < s->n_teams; t++)
		free(s->teams[t].vlan_bd);
	for (uint16_t b = 0; b < s->n_bds && s->bds; b++) {
		free(s->bds[b].members);
		free(s->bds[b].flood);
	}
	free(s->bds);
	free(s->vteps);
	free(s->vgroups);
	nd_table_free(s->nd);
	free(s);
}

enum dp_uplink_class dp_classify_uplink(const struct dp_snapshot *s, uint16_t port,
					const uint8_t *frame, uint32_t len, uint16_t *bd,
					bool *tagged)
{
	const struct dp_team *t;
	uint16_t vid;

	*tagged = false;
	if (port >= s->n_ports || s->ports[port].team >= s->n_teams || len < 14)
		return DP_UPLINK_UNDERLAY;
	t = &s->teams[s->ports[port].team];
	if (t->vlan_bd == NULL)
		return DP_UPLINK_UNDERLAY;
	if ((frame[12] == ETH_P_8021Q_BE0 && frame[13] == ETH_P_8021Q_BE1) ||
	    (frame[12] == ETH_P_8021AD_BE0 && frame[13] == ETH_P_8021AD_BE1)) {
		if (len < 18 || frame[12] != ETH_P_8021Q_BE0)
			return DP_UPLINK_VLAN_UNKNOWN;
		vid = (uint16_t)(((frame[14] << 8) | frame[15]) & 0x0fff);
		if (t->vlan_bd[vid] == DP_NO_BD)
			return DP_UPLINK_VLAN_UNKNOWN;
		*bd = t->vlan_bd[vid];
		*tagged = true;
		return DP_UPLINK_SEGMENT;
	}
	if (frame[12] == 0x88 && frame[13] == 0x09) /* slow protocols: the team's own */
		return DP_UPLINK_UNDERLAY;
	if (t->native_bd != DP_NO_BD) {
		*bd = t->native_bd;
		return DP_UPLINK_SEGMENT;
	}
	return t->underlay ? DP_UPLINK_UNDERLAY : DP_UPLINK_UNTAGGED;
}

int dp_port_vlan_in_bd(const struct dp_snapshot *s, uint16_t port, uint16_t bd)
{
	const struct dp_bd *b;

	if (bd >= s->n_bds)
		return -1;
	b = &s->bds[bd];
	for (uint16_t i = 0; i < b->n_members; i++)
		if (b->members[i].port == port)
			return b->members[i].vlan;
	return -1;
}

void dp_team_fill_slots(struct dp_team *t)
{
	for (unsigned i = 0; i < DP_TEAM_SLOTS; i++) {
		unsigned m = t->n_members ? i % t->n_members : 0;

		if (t->n_active == 0)
			t->slot[i] = DP_NO_PORT;
		else if (t->mode == CFG_TEAM_ACTIVE_BACKUP)
			t->slot[i] = t->active[0];
		else if (t->active_mask & (1u << m))
			t->slot[i] = t->members[m];
		else
			t->slot[i] = t->active[i % t->n_active];
	}
}
