/* The control thread: registries, FDB writes, snapshots. See dp_ctrl.h. */
#include "dp_ctrl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "ctrl_evpn.h"
#include "ctrl_nexthop.h"
#include "vx_log.h"
#include "vx_time.h"

#define LEARN_EVENTS_PER_POLL 16384

uint16_t ctrl_bd_of_vni(const struct dp_ctrl *c, uint32_t vni)
{
	for (uint16_t bd = 0; bd < FDB_BD_MAX; bd++)
		if (c->bd_vni[bd] == vni && vni != 0)
			return bd;
	return DP_NO_BD;
}

int ctrl_vtep_index(struct dp_ctrl *c, const struct vx_ip *ip, bool create)
{
	int free_slot = -1;

	for (uint16_t i = 0; i < c->n_vteps; i++) {
		if (vx_ip_eq(&c->vteps[i].ip, ip))
			return i;
		if (free_slot < 0 && !vx_ip_is_set(&c->vteps[i].ip))
			free_slot = i;
	}
	if (!create)
		return -1;
	if (free_slot < 0) {
		if (c->n_vteps == DP_MAX_VTEPS) {
			c->vtep_table_full++;
			return -1;
		}
		free_slot = c->n_vteps++;
	}
	memset(&c->vteps[free_slot], 0, sizeof(c->vteps[free_slot]));
	memset(&c->vmeta[free_slot], 0, sizeof(c->vmeta[free_slot]));
	c->vteps[free_slot].ip = *ip;
	c->vmeta[free_slot].why = "not resolved yet";
	c->dirty = true;
	ctrl_resolve_vtep(c, (uint16_t)free_slot);
	return free_slot;
}

void ctrl_fdb_notify(struct dp_ctrl *c, fdb_key_t key, const struct fdb_result *now,
		     const struct fdb_result *before)
{
	ctrl_evpn_fdb_changed(c, key, now, before);
}

static void on_removed(void *arg, fdb_key_t key, const struct fdb_result *r)
{
	static const struct fdb_result gone = { 0 };

	ctrl_fdb_notify(arg, key, &gone, r);
}

/* ---- configuration -> registries and FDB ---- */

static bool ports_same(const struct cfg *a, const struct cfg *b)
{
	if (a->n_ports != b->n_ports || a->n_teams != b->n_teams ||
	    strcmp(a->vtep.team, b->vtep.team) != 0 ||
	    (a->n_teams && memcmp(a->teams, b->teams, a->n_teams * sizeof(*a->teams)) != 0))
		return false;
	for (unsigned i = 0; i < a->n_ports; i++)
		if (strcmp(a->ports[i].name, b->ports[i].name) != 0 ||
		    strcmp(a->ports[i].devargs, b->ports[i].devargs) != 0 ||
		    a->ports[i].role != b->ports[i].role)
			return false;
	return true;
}

static bool port_binding_same(const struct cfg_port *a, const struct cfg_port *b)
{
	return a->mode == b->mode && a->access_vni == b->access_vni &&
	       strcmp(a->access_segment, b->access_segment) == 0 && a->n_vlans == b->n_vlans &&
	       (a->n_vlans == 0 || memcmp(a->vlans, b->vlans, a->n_vlans * sizeof(*a->vlans)) == 0);
}

static void flush_bd(struct dp_ctrl *c, uint16_t bd)
{
	static const enum fdb_kind kinds[] = { 0, FDB_KIND_STATIC_LOCAL, FDB_KIND_STATIC_REMOTE,
					       FDB_KIND_EVPN };

	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		fdb_flush(c->fdb, bd, kinds[k], -1, on_removed, c);
}

static bool seg_key_in(const struct cfg *cfg, uint32_t key)
{
	for (unsigned i = 0; i < cfg->n_segs; i++)
		if (dp_segment_key(cfg, &cfg->segs[i]) == key)
			return true;
	return false;
}

/* The bd of a registry key (VNI or segment key), allocated if new. */
static uint16_t bd_alloc(struct dp_ctrl *c, uint32_t key)
{
	uint16_t bd = ctrl_bd_of_vni(c, key);

	for (uint16_t b = 0; bd == DP_NO_BD && b < FDB_BD_MAX; b++)
		if (c->bd_vni[b] == 0) {
			bd = b;
			c->bd_vni[b] = key;
		}
	return bd;
}

static int sync_bds(struct dp_ctrl *c, const struct cfg *next, char *msg, unsigned msglen)
{
	for (uint16_t bd = 0; bd < FDB_BD_MAX; bd++) {
		uint32_t k = c->bd_vni[bd];

		if (k != 0 && (dp_bd_key_is_seg(k) ? !seg_key_in(next, k)
						   : cfg_vni_by_id(next, k) == NULL)) {
			flush_bd(c, bd);
			fdb_set_bd_limit(c->fdb, bd, 0);
			c->bd_vni[bd] = 0;
		}
	}
	for (unsigned i = 0; i < next->n_vnis; i++) {
		const struct cfg_vni *v = &next->vnis[i];
		uint16_t bd = bd_alloc(c, v->id);

		if (bd == DP_NO_BD)
			goto full;
		fdb_set_bd_limit(c->fdb, bd, v->mac_limit);
		if (!v->learning)
			fdb_flush(c->fdb, bd, FDB_KIND_REMOTE, -1, on_removed, c);
	}
	for (unsigned i = 0; i < next->n_segs; i++) {
		const struct cfg_segment *g = &next->segs[i];
		uint32_t key = dp_segment_key(next, g);
		uint16_t bd = key ? bd_alloc(c, key) : DP_NO_BD;

		if (bd == DP_NO_BD)
			goto full;
		fdb_set_bd_limit(c->fdb, bd, g->mac_limit);
		if (!g->learning)
			fdb_flush(c->fdb, bd, FDB_KIND_LOCAL, DP_DEST_UPLINK, on_removed, c);
	}
	return 0;
full:
	snprintf(msg, msglen, "more than %u VNIs and segments", FDB_BD_MAX);
	return -ENOSPC;
}

static int register_vteps(struct dp_ctrl *c, const struct cfg *next, char *msg, unsigned msglen)
{
	for (uint16_t i = 0; i < c->n_vteps; i++) {
		c->vmeta[i].configured = false;
		c->vmeta[i].static_nh = false;
	}
	for (unsigned i = 0; i < next->n_vnis; i++)
		for (unsigned f = 0; f < next->vnis[i].n_flood; f++) {
			int vi = ctrl_vtep_index(c, &next->vnis[i].flood[f], true);
			if (vi < 0)
				goto full;
			c->vmeta[vi].configured = true;
		}
	for (unsigned i = 0; i < next->n_fdb; i++) {
		if (!vx_ip_is_set(&next->fdb[i].remote))
			continue;
		int vi = ctrl_vtep_index(c, &next->fdb[i].remote, true);
		if (vi < 0)
			goto full;
		c->vmeta[vi].configured = true;
	}
	for (unsigned i = 0; i < next->n_nexthops; i++) {
		int vi = ctrl_vtep_index(c, &next->nexthops[i].vtep, true);
		if (vi < 0)
			goto full;
		c->vmeta[vi].configured = true;
	}
	return 0;
full:
	snprintf(msg, msglen, "more than %u remote VTEPs", DP_MAX_VTEPS);
	return -ENOSPC;
}

static bool static_same(const struct cfg_fdb_static *a, const struct cfg_fdb_static *b)
{
	return a->vni == b->vni && memcmp(a->mac, b->mac, 6) == 0 &&
	       strcmp(a->port, b->port) == 0 && vx_ip_eq(&a->remote, &b->remote);
}

static bool static_listed(const struct cfg *cfg, const struct cfg_fdb_static *e)
{
	for (unsigned i = 0; i < cfg->n_fdb; i++)
		if (static_same(&cfg->fdb[i], e))
			return true;
	return false;
}

static int port_index(const struct cfg *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void sync_statics(struct dp_ctrl *c, const struct cfg *prev, const struct cfg *next)
{
	uint32_t now = vx_now_s();

	for (unsigned i = 0; prev != NULL && i < prev->n_fdb; i++) {
		const struct cfg_fdb_static *e = &prev->fdb[i];
		uint16_t bd = ctrl_bd_of_vni(c, e->vni);
		if (bd != DP_NO_BD && !static_listed(next, e))
			fdb_delete(c->fdb, fdb_key(bd, e->mac));
	}
	for (unsigned i = 0; i < next->n_fdb; i++) {
		const struct cfg_fdb_static *e = &next->fdb[i];
		uint16_t bd = ctrl_bd_of_vni(c, e->vni);
		int dest = vx_ip_is_set(&e->remote) ? ctrl_vtep_index(c, &e->remote, false)
						    : port_index(next, e->port);
		enum fdb_kind kind = vx_ip_is_set(&e->remote) ? FDB_KIND_STATIC_REMOTE
							      : FDB_KIND_STATIC_LOCAL;
		struct fdb_result old = { 0 }, cur = { .dest = (uint32_t)dest, .kind = kind };

		if (bd == DP_NO_BD || dest < 0)
			continue;
		fdb_learn(c->fdb, fdb_key(bd, e->mac), kind, (uint32_t)dest, now, &old);
		if (old.kind == FDB_KIND_EVPN) /* configured wins; the agent's entry is gone */
			ctrl_fdb_notify(c, fdb_key(bd, e->mac), &cur, &old);
	}
}

static void flush_rebound_ports(struct dp_ctrl *c, const struct cfg *next)
{
	for (unsigned i = 0; i < next->n_ports && i < c->cfg.n_ports; i++)
		if (!port_binding_same(&c->cfg.ports[i], &next->ports[i]))
			fdb_flush(c->fdb, -1, FDB_KIND_LOCAL, i, on_removed, c);
}

int ctrl_publish(struct dp_ctrl *c, char *msg, unsigned msglen)
{
	uint16_t eth[DP_MAX_PORTS], mtu[DP_MAX_PORTS];
	bool link_up[DP_MAX_PORTS];
	struct dp_team teams[DP_MAX_TEAMS];
	struct dp_build_input in = {
		.cfg = &c->cfg, .eth_port = eth, .mtu = mtu, .link_up = link_up,
		.bd_vni = c->bd_vni, .vteps = c->vteps, .n_vteps = c->n_vteps,
		.teams = teams, .n_teams = ctrl_teams_fill(c, teams),
		.underlay_team = c->underlay_team,
	};
	struct dp_snapshot *s;

	ctrl_evpn_build_input(c, &in);
	for (uint16_t i = 0; i < c->cfg.n_ports && i < DP_MAX_PORTS; i++) {
		eth[i] = c->dp.ports[i].eth_port;
		mtu[i] = c->dp.ports[i].mtu;
		link_up[i] = c->dp.ports[i].link_up;
	}
	s = dp_snapshot_build(&in, msg, msglen);
	if (s == NULL)
		return -ENOMEM;
	s->generation = ++c->generation;
	dp_publish(&c->dp, s);
	c->dirty = false;
	return 0;
}

int ctrl_apply(struct dp_ctrl *c, const struct cfg *next, char *msg, unsigned msglen)
{
	struct cfg copy;
	int rc;

	if (!ports_same(&c->cfg, next)) {
		snprintf(msg, msglen,
			 "ports and teams cannot be added, removed or changed while running");
		return -EINVAL;
	}
	rc = cfg_copy(&copy, next);
	if (rc != 0) {
		snprintf(msg, msglen, "out of memory");
		return rc;
	}
	flush_rebound_ports(c, next);
	if ((rc = sync_bds(c, next, msg, msglen)) != 0 ||
	    (rc = register_vteps(c, next, msg, msglen)) != 0) {
		cfg_free(&copy);
		return rc;
	}
	sync_statics(c, &c->cfg, next);
	cfg_free(&c->cfg);
	c->cfg = copy;
	ctrl_evpn_sync(c);
	ctrl_resolve_all(c);
	return ctrl_publish(c, msg, msglen);
}

int ctrl_init(struct dp_ctrl *c, const struct cfg *cfg, char *msg, unsigned msglen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->host_ifindex = -1;
	for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
		c->port_ifindex[p] = -1;
		c->carrier[p] = -1;
	}
	rc = cfg_copy(&c->cfg, cfg);
	if (rc != 0)
		return rc;
	c->fdb = fdb_create(cfg->global.fdb_max);
	if (c->fdb == NULL) {
		snprintf(msg, msglen, "cannot allocate an FDB of %u entries", cfg->global.fdb_max);
		return -ENOMEM;
	}
	rc = dp_init(&c->dp, cfg, c->fdb, msg, msglen);
	if (rc != 0)
		return rc;
	rc = ctrl_nexthop_init(c, msg, msglen);
	if (rc != 0)
		return rc;
	rc = ctrl_teams_init(c, msg, msglen);
	if (rc != 0)
		return rc;
	if ((rc = sync_bds(c, cfg, msg, msglen)) != 0 ||
	    (rc = register_vteps(c, cfg, msg, msglen)) != 0)
		return rc;
	sync_statics(c, NULL, cfg);
	rc = ctrl_evpn_init(c, msg, msglen);
	if (rc != 0)
		return rc;
	ctrl_resolve_all(c);
	rc = ctrl_publish(c, msg, msglen);
	if (rc != 0)
		return rc;
	atomic_store(&c->dp.now_s, vx_now_s());
	c->dirty = true; /* republish with the link states read at start */
	return dp_start(&c->dp, msg, msglen);
}

/* ---- the loop ---- */

static void learn_one(struct dp_ctrl *c, const struct fdb_learn_event *e, uint32_t now)
{
	struct fdb_result before = { 0 }, after;
	enum fdb_learn_result r;
	uint32_t dest = e->port;

	if (e->kind == FDB_EVENT_NEIGH) {
		struct vx_ip ip = { .af = e->vtep_af };
		uint8_t mac[6];

		memcpy(ip.a, e->vtep_ip, sizeof(ip.a));
		fdb_key_mac(e->key, mac);
		ctrl_evpn_neigh_seen(c, fdb_key_bd(e->key), e->port, &ip, mac);
		return;
	}
	if (e->kind == FDB_KIND_REMOTE) {
		struct vx_ip ip = { .af = e->vtep_af };
		int vi;

		memcpy(ip.a, e->vtep_ip, sizeof(ip.a));
		vi = ctrl_vtep_index(c, &ip, true);
		if (vi < 0) {
			c->learn_refused++;
			return;
		}
		if (c->vmeta[vi].configured == false)
			c->vmeta[vi].learned = true;
		if (c->dirty) /* the VTEP must be in the workers' table before the MAC */
			ctrl_publish(c, (char[128]){ 0 }, 128);
		dest = (uint32_t)vi;
	}
	r = fdb_learn(c->fdb, e->key, (enum fdb_kind)e->kind, dest, now, &before);
	if (r == FDB_LEARN_NEW || r == FDB_LEARN_MOVED) {
		after = (struct fdb_result){ .dest = dest, .kind = e->kind };
		ctrl_fdb_notify(c, e->key, &after, &before);
	} else if (r != FDB_LEARN_REFRESH && r != FDB_LEARN_STATIC) {
		c->learn_refused++;
	}
}

/* Take up to LEARN_EVENTS_PER_POLL events (the rest of the loop must run
 * too); true if the ring still holds some, so the caller polls again at once
 * instead of sleeping while workers refill it. */
static bool drain_learn(struct dp_ctrl *c, uint32_t now)
{
	struct fdb_learn_event ev[64];
	unsigned total = 0, n;

	do {
		n = rte_ring_dequeue_burst_elem(c->dp.learn_ring, ev, sizeof(ev[0]), 64, NULL);
		for (unsigned i = 0; i < n; i++)
			learn_one(c, &ev[i], now);
		total += n;
	} while (n > 0 && total < LEARN_EVENTS_PER_POLL);
	return n > 0 && !rte_ring_empty(c->dp.learn_ring);
}

static void drain_slowproto(struct dp_ctrl *c)
{
	struct rte_mbuf *m[32];
	unsigned n = rte_ring_dequeue_burst(c->dp.slow_ring, (void **)m, 32, NULL);
	uint64_t now_ns = vx_now_ns();

	for (unsigned i = 0; i < n; i++) {
		ctrl_team_slowproto(c, m[i]->port, rte_pktmbuf_mtod(m[i], const uint8_t *),
				    rte_pktmbuf_data_len(m[i]), now_ns);
		rte_pktmbuf_free(m[i]);
	}
}

/* An uplink is up when its PMD says so and the kernel carrier (af_packet and
 * af_xdp PMDs report up forever) does not say otherwise. */
static void links_update(struct dp_ctrl *c, uint64_t now_ns)
{
	for (uint16_t p = 0; p < c->dp.n_ports; p++)
		if (c->cfg.ports[p].role == CFG_ROLE_UPLINK)
			ctrl_team_port_link(c, p, c->dp.ports[p].link_up && c->carrier[p] != 0,
					    now_ns);
}

void ctrl_kernel_link(struct dp_ctrl *c, int ifindex, bool carrier)
{
	for (uint16_t p = 0; p < c->dp.n_ports; p++)
		if (c->port_ifindex[p] == ifindex && ifindex > 0 && c->carrier[p] != carrier) {
			c->carrier[p] = carrier;
			VX_INFO("port %s: carrier %s", c->cfg.ports[p].name, carrier ? "up" : "down");
			links_update(c, vx_now_ns());
		}
}

bool ctrl_poll(struct dp_ctrl *c)
{
	uint64_t now_ns = vx_now_ns();
	uint32_t now = (uint32_t)(now_ns / 1000000000ull);
	bool busy;

	atomic_store_explicit(&c->dp.now_s, now, memory_order_relaxed);
	busy = drain_learn(c, now);
	drain_slowproto(c);
	ctrl_nexthop_poll(c, now);
	ctrl_teams_poll(c, now_ns);
	ctrl_evpn_poll(c, now_ns);
	if (now != c->last_age_s) {
		c->last_age_s = now;
		fdb_age(c->fdb, now, c->cfg.global.aging_s, on_removed, c);
		if (dp_links_refresh(&c->dp))
			c->dirty = true;
		links_update(c, now_ns);
	}
	if (c->dirty) {
		char msg[128];
		if (ctrl_publish(c, msg, sizeof(msg)) != 0)
			VX_ERR("cannot publish forwarding tables: %s", msg);
	}
	return busy;
}

int ctrl_fd(const struct dp_ctrl *c)
{
	return ctrl_nexthop_fd(c);
}

void ctrl_fini(struct dp_ctrl *c)
{
	dp_stop(&c->dp);
	ctrl_evpn_fini(c);
	ctrl_teams_fini(c);
	ctrl_nexthop_fini(c);
	fdb_destroy(c->fdb);
	c->fdb = NULL;
	cfg_free(&c->cfg);
}
