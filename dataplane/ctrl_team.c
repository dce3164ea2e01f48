/* Uplink teams on the control thread. See ctrl_team.h. */
#include "ctrl_team.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "announce.h"
#include "dp_ctrl.h"
#include "lacp.h"
#include "vx_log.h"
#include "vx_time.h"

static uint32_t mask_of(unsigned n)
{
	return n >= 32 ? UINT32_MAX : (1u << n) - 1;
}

static int send_frame(struct dp_ctrl *c, uint16_t port, const uint8_t *frame, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->dp.pool);
	char *p;

	if (m == NULL)
		return -ENOMEM;
	p = rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -ENOSPC;
	}
	memcpy(p, frame, len);
	return dp_ctrl_tx(&c->dp, port, m);
}

struct lacp_tx_ctx {
	struct dp_ctrl *c;
	const struct ctrl_team *t;
};

static int lacp_tx(void *arg, unsigned member, const uint8_t *frame, uint32_t len)
{
	struct lacp_tx_ctx *x = arg;

	if (member >= x->t->n_members)
		return -EINVAL;
	return send_frame(x->c, x->t->members[member], frame, len);
}

static int lacp_setup(struct dp_ctrl *c, struct ctrl_team *t, const struct cfg_team *ct,
		      unsigned index, char *msg, unsigned msglen)
{
	struct lacp_team_cfg lc = {
		.system_priority = ct->lacp_sys_prio,
		.key = ct->lacp_key ? ct->lacp_key : (uint16_t)(index + 1),
		.active = !ct->lacp_passive,
		.fast = !ct->lacp_slow,
	};
	const char *err = NULL;
	uint64_t now = vx_now_ns();

	/* The system id is the first member's MAC: stable across restarts. */
	memcpy(lc.system_mac, c->dp.ports[t->members[0]].mac, 6);
	if (lacp_team_create(&lc, &t->lacp, &err) != 0) {
		snprintf(msg, msglen, "team %s: %s", t->name, err ? err : "cannot create LACP");
		return -EINVAL;
	}
	for (unsigned m = 0; m < t->n_members; m++) {
		struct lacp_member_cfg mc = {
			.port = (uint16_t)(m + 1),
			.port_priority = ct->lacp_port_prio,
			.key = lc.key,
		};
		memcpy(mc.mac, c->dp.ports[t->members[m]].mac, 6);
		if (lacp_member_add(t->lacp, m, &mc, now, &err) != 0) {
			snprintf(msg, msglen, "team %s: member %u: %s", t->name, m,
				 err ? err : "cannot add");
			return -EINVAL;
		}
		lacp_link_change(t->lacp, m, c->dp.ports[t->members[m]].link_up, now);
	}
	return 0;
}

static void update_active(struct dp_ctrl *c, uint16_t ti, uint64_t now_ns, const char *why);

static int port_index(const struct cfg *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

int ctrl_teams_init(struct dp_ctrl *c, char *msg, unsigned msglen)
{
	const struct cfg *cfg = &c->cfg;

	c->n_teams = 0;
	for (unsigned i = 0; i < cfg->n_teams; i++) {
		const struct cfg_team *ct = &cfg->teams[i];
		struct ctrl_team *t = &c->teams[c->n_teams++];

		*t = (struct ctrl_team){ .mode = ct->mode, .hash = ct->hash,
					 .failback = ct->failback, .ab_current = -1,
					 .why = "started" };
		snprintf(t->name, sizeof(t->name), "%s", ct->name);
		for (unsigned m = 0; m < ct->n_members && m < DP_TEAM_MAX_MEMBERS; m++) {
			int p = port_index(cfg, ct->members[m]);
			if (p < 0) {
				snprintf(msg, msglen, "team %s: no port %s", ct->name, ct->members[m]);
				return -EINVAL;
			}
			t->members[t->n_members++] = (uint16_t)p;
		}
		if (t->mode == CFG_TEAM_LACP && lacp_setup(c, t, ct, i, msg, msglen) != 0)
			return -EINVAL;
	}
	for (uint16_t p = 0; p < cfg->n_ports; p++) {
		struct ctrl_team *t;

		if (cfg->ports[p].role != CFG_ROLE_UPLINK ||
		    cfg_team_of_port(cfg, cfg->ports[p].name) != NULL)
			continue;
		if (c->n_teams == DP_MAX_TEAMS) {
			snprintf(msg, msglen, "too many teams");
			return -EINVAL;
		}
		t = &c->teams[c->n_teams++];
		*t = (struct ctrl_team){ .implicit = true, .mode = CFG_TEAM_STATIC_IP_HASH,
					 .n_members = 1, .members = { p }, .ab_current = -1,
					 .why = "started" };
		snprintf(t->name, sizeof(t->name), "%s", cfg->ports[p].name);
	}
	c->underlay_team = 0;
	for (uint16_t i = 0; i < c->n_teams; i++)
		if (strcmp(c->teams[i].name, cfg->vtep.team) == 0)
			c->underlay_team = i;
	for (uint16_t i = 0; i < c->n_teams; i++)
		for (unsigned m = 0; m < c->teams[i].n_members; m++)
			if (c->dp.ports[c->teams[i].members[m]].link_up &&
			    c->carrier[c->teams[i].members[m]] != 0)
				c->teams[i].link_mask |= 1u << m;
	/* Workers start with the first snapshot: give it the active sets. */
	for (uint16_t i = 0; i < c->n_teams; i++)
		update_active(c, i, vx_now_ns(), "started");
	return 0;
}

void ctrl_teams_fini(struct dp_ctrl *c)
{
	for (uint16_t i = 0; i < c->n_teams; i++) {
		lacp_team_destroy(c->teams[i].lacp);
		c->teams[i].lacp = NULL;
	}
	c->n_teams = 0;
}

int ctrl_team_of_port(const struct dp_ctrl *c, uint16_t port, unsigned *member)
{
	for (uint16_t i = 0; i < c->n_teams; i++)
		for (unsigned m = 0; m < c->teams[i].n_members; m++)
			if (c->teams[i].members[m] == port) {
				if (member != NULL)
					*member = m;
				return i;
			}
	return -1;
}

int ctrl_team_for_port_name(const struct dp_ctrl *c, const char *port)
{
	int p;

	if (c->n_teams == 0)
		return -1;
	if (port == NULL || port[0] == '\0')
		return c->underlay_team;
	p = port_index(&c->cfg, port);
	return p < 0 ? -1 : ctrl_team_of_port(c, (uint16_t)p, NULL);
}

/* active-backup: keep the member in use while it is up, unless failback
 * wants the first (highest-priority) member back. */
static uint32_t active_backup_mask(struct ctrl_team *t)
{
	int first = -1;

	for (unsigned m = 0; m < t->n_members && first < 0; m++)
		if (t->link_mask & (1u << m))
			first = (int)m;
	if (t->ab_current < 0 || !(t->link_mask & (1u << t->ab_current)) ||
	    (t->failback && first >= 0 && first < t->ab_current))
		t->ab_current = first;
	return t->ab_current < 0 ? 0 : 1u << t->ab_current;
}

/* Gratuitous ARP and unsolicited NA for the VTEP addresses (the addresses the
 * switches must find behind this host) on every newly active member. */
static void notify_switches(struct dp_ctrl *c, struct ctrl_team *t, uint32_t newly)
{
	uint8_t frame[ANNOUNCE_FRAME_MAX];

	for (unsigned m = 0; m < t->n_members; m++) {
		size_t len;

		if (!(newly & (1u << m)))
			continue;
		if ((len = announce_garp(frame, sizeof(frame), c->src_mac, &c->cfg.vtep.ip4)) &&
		    send_frame(c, t->members[m], frame, (uint32_t)len) == 0)
			t->announcements++;
		if ((len = announce_unsolicited_na(frame, sizeof(frame), c->src_mac,
						   &c->cfg.vtep.ip6)) &&
		    send_frame(c, t->members[m], frame, (uint32_t)len) == 0)
			t->announcements++;
	}
}

static void update_active(struct dp_ctrl *c, uint16_t ti, uint64_t now_ns, const char *why)
{
	struct ctrl_team *t = &c->teams[ti];
	uint32_t mask;

	switch (t->mode) {
	case CFG_TEAM_LACP:
		mask = lacp_team_distributing_mask(t->lacp) & t->link_mask;
		break;
	case CFG_TEAM_ACTIVE_BACKUP:
		mask = active_backup_mask(t);
		break;
	default:
		mask = t->link_mask;
		break;
	}
	mask &= mask_of(t->n_members);
	if (mask == t->active_mask)
		return;
	VX_INFO("team %s: active members 0x%x -> 0x%x (%s)", t->name, t->active_mask, mask, why);
	if (t->mode != CFG_TEAM_LACP && ti == c->underlay_team && t->active_mask != 0) {
		/* Newly active members must be announced. In the balance modes the
		 * members share the VTEP's MAC, so when one fails the switch may still
		 * point that MAC at the dead port: announce on every survivor. */
		uint32_t announce = mask & ~t->active_mask;
		if ((t->mode == CFG_TEAM_BALANCE_VM_PORT || t->mode == CFG_TEAM_BALANCE_SRC_MAC) &&
		    (t->active_mask & ~mask) != 0)
			announce = mask;
		notify_switches(c, t, announce);
	}
	t->active_mask = mask;
	t->changed_ns = now_ns;
	t->why = why;
	c->dirty = true;
}

void ctrl_teams_poll(struct dp_ctrl *c, uint64_t now_ns)
{
	for (uint16_t i = 0; i < c->n_teams; i++) {
		struct ctrl_team *t = &c->teams[i];

		if (t->lacp != NULL) {
			struct lacp_tx_ctx x = { .c = c, .t = t };
			if (lacp_next_deadline(t->lacp) <= now_ns)
				lacp_run(t->lacp, now_ns, lacp_tx, &x);
		}
		update_active(c, i, now_ns, t->lacp != NULL ? "LACP state" : "link state");
	}
}

void ctrl_team_slowproto(struct dp_ctrl *c, uint16_t port, const uint8_t *frame, uint32_t len,
			 uint64_t now_ns)
{
	unsigned member;
	int ti = ctrl_team_of_port(c, port, &member);
	struct ctrl_team *t;

	if (ti < 0 || c->teams[ti].lacp == NULL) {
		c->slowproto_unclaimed++;
		return;
	}
	t = &c->teams[ti];
	lacp_rx(t->lacp, member, frame, len, now_ns);
	struct lacp_tx_ctx x = { .c = c, .t = t };
	lacp_run(t->lacp, now_ns, lacp_tx, &x);
	update_active(c, (uint16_t)ti, now_ns, "LACP state");
}

void ctrl_team_port_link(struct dp_ctrl *c, uint16_t port, bool up, uint64_t now_ns)
{
	unsigned member;
	int ti = ctrl_team_of_port(c, port, &member);
	struct ctrl_team *t;
	uint32_t bit;

	if (ti < 0)
		return;
	t = &c->teams[ti];
	bit = 1u << member;
	if (!!(t->link_mask & bit) == up)
		return;
	t->link_mask = up ? t->link_mask | bit : t->link_mask & ~bit;
	if (t->lacp != NULL) {
		struct lacp_tx_ctx x = { .c = c, .t = t };
		lacp_link_change(t->lacp, member, up, now_ns);
		lacp_run(t->lacp, now_ns, lacp_tx, &x);
	}
	update_active(c, (uint16_t)ti, now_ns, up ? "member link up" : "member link down");
}

uint16_t ctrl_teams_fill(const struct dp_ctrl *c, struct dp_team *out)
{
	for (uint16_t i = 0; i < c->n_teams; i++) {
		const struct ctrl_team *t = &c->teams[i];
		struct dp_team *d = &out[i];

		*d = (struct dp_team){ .mode = (uint8_t)t->mode, .hash = (uint8_t)t->hash,
				       .n_members = t->n_members, .active_mask = t->active_mask,
				       .mtu = UINT16_MAX };
		for (unsigned m = 0; m < t->n_members; m++) {
			d->members[m] = t->members[m];
			if (c->dp.ports[t->members[m]].mtu < d->mtu)
				d->mtu = c->dp.ports[t->members[m]].mtu;
			if (t->active_mask & (1u << m))
				d->active[d->n_active++] = t->members[m];
		}
		dp_team_fill_slots(d);
	}
	return c->n_teams;
}
