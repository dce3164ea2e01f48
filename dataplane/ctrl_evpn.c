/* The EVPN agent wired to the switch's tables. See ctrl_evpn.h. */
#include "ctrl_evpn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dp_ctrl.h"
#include "evpn.h"
#include "vx_log.h"
#include "vx_time.h"

#define NEIGH_MAX 65536u

/* A MAC/IP a local VM uses, as last told to the agent. */
struct local_neigh {
	uint16_t bd;
	struct vx_ip ip;
	uint8_t mac[6];
};

struct ctrl_evpn {
	struct evpn_agent *agent;
	uint32_t vnis[FDB_BD_MAX];             /**< VNIs the agent shadows */
	unsigned n_vnis;
	uint16_t *flood[FDB_BD_MAX];           /**< per bd: VTEPs from type-3 routes */
	uint16_t n_flood[FDB_BD_MAX];
	struct nd_entry *remote;               /**< MAC/IP routes: the suppression table */
	unsigned n_remote, cap_remote;
	struct local_neigh *local;
	unsigned n_local, cap_local;
	uint64_t dup_reports, neigh_dropped;
};

static struct dp_ctrl *ev_ctrl(void *arg)
{
	return arg;
}

static int grow(void **arr, unsigned *cap, unsigned need, size_t esize)
{
	void *p;
	unsigned n = *cap ? *cap : 64;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * esize);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

/* ---- from the agent: remote state in ---- */

static void remote_mac_set(void *arg, uint32_t vni, const uint8_t mac[6], const struct vx_ip *vteps,
			   unsigned n, uint32_t nhg)
{
	struct dp_ctrl *c = ev_ctrl(arg);
	uint16_t bd = ctrl_bd_of_vni(c, vni);
	struct fdb_result old = { 0 }, now;
	int vi;

	(void)nhg;
	if (bd == DP_NO_BD || n == 0)
		return;
	/* One VTEP per MAC for now: a multihomed MAC goes to the first VTEP of
	 * its group (per-flow spreading over the group is not done yet). */
	vi = ctrl_vtep_index(c, &vteps[0], true);
	if (vi < 0)
		return;
	if (c->dirty) { /* the VTEP must be in the workers' table before the MAC */
		char msg[128];
		ctrl_publish(c, msg, sizeof(msg));
	}
	fdb_learn(c->fdb, fdb_key(bd, mac), FDB_KIND_EVPN, (uint32_t)vi, vx_now_s(), &old);
	now = (struct fdb_result){ .dest = (uint32_t)vi, .kind = FDB_KIND_EVPN };
	ctrl_fdb_notify(c, fdb_key(bd, mac), &now, &old);
}

static void remote_mac_del(void *arg, uint32_t vni, const uint8_t mac[6])
{
	struct dp_ctrl *c = ev_ctrl(arg);
	uint16_t bd = ctrl_bd_of_vni(c, vni);
	fdb_key_t key;
	struct fdb_result r;

	if (bd == DP_NO_BD)
		return;
	key = fdb_key(bd, mac);
	fdb_lookup_bulk(c->fdb, &key, 1, &r);
	if (r.kind == FDB_KIND_EVPN && fdb_delete(c->fdb, key) == 0) {
		static const struct fdb_result gone = { 0 };
		ctrl_fdb_notify(c, key, &gone, &r);
	}
}

static void flood_set(void *arg, uint32_t vni, const struct vx_ip *vteps, unsigned n)
{
	struct dp_ctrl *c = ev_ctrl(arg);
	struct ctrl_evpn *e = c->evpn;
	uint16_t bd = ctrl_bd_of_vni(c, vni);
	uint16_t *list;
	unsigned k = 0;

	if (bd == DP_NO_BD)
		return;
	list = n ? calloc(n, sizeof(*list)) : NULL;
	if (n && list == NULL)
		return;
	for (unsigned i = 0; i < n; i++) {
		int vi = ctrl_vtep_index(c, &vteps[i], true);
		if (vi >= 0)
			list[k++] = (uint16_t)vi;
	}
	free(e->flood[bd]);
	e->flood[bd] = list;
	e->n_flood[bd] = (uint16_t)k;
	c->dirty = true;
}

static void suppress_set(void *arg, uint32_t vni, const struct vx_ip *ip, const uint8_t mac[6])
{
	struct dp_ctrl *c = ev_ctrl(arg);
	struct ctrl_evpn *e = c->evpn;
	uint16_t bd = ctrl_bd_of_vni(c, vni);
	unsigned i;

	if (bd == DP_NO_BD)
		return;
	for (i = 0; i < e->n_remote; i++)
		if (e->remote[i].bd == bd && vx_ip_eq(&e->remote[i].ip, ip))
			break;
	if (i == e->n_remote) {
		if (e->n_remote >= NEIGH_MAX ||
		    grow((void **)&e->remote, &e->cap_remote, e->n_remote + 1, sizeof(*e->remote)))
			return;
		e->n_remote++;
	}
	e->remote[i] = (struct nd_entry){ .bd = bd, .ip = *ip };
	memcpy(e->remote[i].mac, mac, 6);
	c->dirty = true;
}

static void suppress_del(void *arg, uint32_t vni, const struct vx_ip *ip)
{
	struct dp_ctrl *c = ev_ctrl(arg);
	struct ctrl_evpn *e = c->evpn;
	uint16_t bd = ctrl_bd_of_vni(c, vni);

	for (unsigned i = 0; i < e->n_remote; i++)
		if (e->remote[i].bd == bd && vx_ip_eq(&e->remote[i].ip, ip)) {
			e->remote[i] = e->remote[--e->n_remote];
			c->dirty = true;
			return;
		}
}

static void mac_dup(void *arg, uint32_t vni, const uint8_t mac[6])
{
	struct dp_ctrl *c = ev_ctrl(arg);
	char m[18];

	c->evpn->dup_reports++;
	VX_WARN("evpn: VNI %u: MAC %s keeps moving (duplicate detection)", vni,
		vx_mac_str(mac, m, sizeof(m)));
}

static const struct evpn_ops ops = {
	.remote_mac_set = remote_mac_set,
	.remote_mac_del = remote_mac_del,
	.flood_set = flood_set,
	.suppress_set = suppress_set,
	.suppress_del = suppress_del,
	.mac_dup = mac_dup,
};

/* ---- to the agent: local state out ---- */

static const char *port_name(const struct dp_ctrl *c, uint32_t port)
{
	return port < c->cfg.n_ports ? c->cfg.ports[port].name : NULL;
}

/* A local MAC left: its MAC/IPs go with it. */
static void drop_local_neighs(struct dp_ctrl *c, uint16_t bd, const uint8_t mac[6])
{
	struct ctrl_evpn *e = c->evpn;

	for (unsigned i = 0; i < e->n_local;) {
		struct local_neigh *n = &e->local[i];
		if (n->bd == bd && memcmp(n->mac, mac, 6) == 0) {
			evpn_local_neigh(e->agent, c->bd_vni[bd], &n->ip, n->mac, false);
			*n = e->local[--e->n_local];
		} else {
			i++;
		}
	}
}

void ctrl_evpn_fdb_changed(struct dp_ctrl *c, fdb_key_t key, const struct fdb_result *now,
			   const struct fdb_result *before)
{
	struct ctrl_evpn *e = c->evpn;
	uint16_t bd = fdb_key_bd(key);
	uint8_t mac[6];
	const char *port;

	if (e == NULL || bd >= FDB_BD_MAX || c->bd_vni[bd] == 0 || dp_bd_key_is_seg(c->bd_vni[bd]))
		return;
	fdb_key_mac(key, mac);
	if (now->kind == FDB_KIND_LOCAL && (port = port_name(c, now->dest)) != NULL) {
		evpn_local_mac(e->agent, c->bd_vni[bd], port, mac, true);
	} else if (before->kind == FDB_KIND_LOCAL && (port = port_name(c, before->dest)) != NULL) {
		evpn_local_mac(e->agent, c->bd_vni[bd], port, mac, false);
		drop_local_neighs(c, bd, mac);
	}
}

void ctrl_evpn_neigh_seen(struct dp_ctrl *c, uint16_t bd, uint16_t port, const struct vx_ip *ip,
			  const uint8_t mac[6])
{
	struct ctrl_evpn *e = c->evpn;
	unsigned i;

	(void)port;
	if (e == NULL || bd >= FDB_BD_MAX || c->bd_vni[bd] == 0 || dp_bd_key_is_seg(c->bd_vni[bd]))
		return;
	for (i = 0; i < e->n_local; i++)
		if (e->local[i].bd == bd && vx_ip_eq(&e->local[i].ip, ip))
			break;
	if (i < e->n_local && memcmp(e->local[i].mac, mac, 6) == 0)
		return; /* nothing new: most ARP traffic ends here */
	if (i == e->n_local) {
		if (e->n_local >= NEIGH_MAX ||
		    grow((void **)&e->local, &e->cap_local, e->n_local + 1, sizeof(*e->local))) {
			e->neigh_dropped++;
			return;
		}
		e->n_local++;
	}
	e->local[i] = (struct local_neigh){ .bd = bd, .ip = *ip };
	memcpy(e->local[i].mac, mac, 6);
	evpn_local_neigh(e->agent, c->bd_vni[bd], ip, mac, true);
}

/* ---- VNIs and ports ---- */

static bool agent_has_vni(const struct ctrl_evpn *e, uint32_t vni)
{
	for (unsigned i = 0; i < e->n_vnis; i++)
		if (e->vnis[i] == vni)
			return true;
	return false;
}

static void add_vni(struct dp_ctrl *c, const struct cfg_vni *v)
{
	struct ctrl_evpn *e = c->evpn;
	char msg[160] = "";

	if (evpn_vni_add(e->agent, v->id, msg, sizeof(msg)) != 0) {
		VX_ERR("evpn: VNI %u: %s", v->id, msg);
		return;
	}
	e->vnis[e->n_vnis++] = v->id;
	for (unsigned p = 0; p < c->cfg.n_ports; p++) {
		const struct cfg_port *cp = &c->cfg.ports[p];
		bool member = cfg_role_is_vm(cp->role) && cp->access_vni == v->id;

		for (unsigned k = 0; k < cp->n_vlans; k++)
			member |= cp->vlans[k].vni == v->id;
		if (member && evpn_port_add(e->agent, v->id, cp->name, msg, sizeof(msg)) != 0)
			VX_ERR("evpn: VNI %u port %s: %s", v->id, cp->name, msg);
	}
}

void ctrl_evpn_sync(struct dp_ctrl *c)
{
	struct ctrl_evpn *e = c->evpn;

	if (e == NULL)
		return;
	for (unsigned i = 0; i < e->n_vnis;) {
		if (cfg_vni_by_id(&c->cfg, e->vnis[i]) == NULL) {
			evpn_vni_del(e->agent, e->vnis[i]);
			e->vnis[i] = e->vnis[--e->n_vnis];
		} else {
			i++;
		}
	}
	for (unsigned i = 0; i < c->cfg.n_vnis; i++)
		if (!agent_has_vni(e, c->cfg.vnis[i].id))
			add_vni(c, &c->cfg.vnis[i]);
}

int ctrl_evpn_init(struct dp_ctrl *c, char *msg, unsigned msglen)
{
	struct evpn_agent_cfg ac;
	struct ctrl_evpn *e;
	int rc;

	if (!c->cfg.evpn.enabled)
		return 0;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	evpn_agent_cfg_default(&ac);
	ac.local_vtep = vx_ip_is_set(&c->cfg.vtep.ip4) ? c->cfg.vtep.ip4 : c->cfg.vtep.ip6;
	ac.dstport = c->cfg.vtep.udp_port;
	ac.keep_shadow = c->cfg.evpn.keep_shadow;
	ac.model.grace_ms = c->cfg.evpn.grace_s * 1000u;
	snprintf(ac.frr_rundir, sizeof(ac.frr_rundir), "%s", c->cfg.evpn.frr_rundir);
	c->evpn = e;
	rc = evpn_agent_create(&ac, &ops, c, &e->agent, msg, msglen);
	if (rc != 0) {
		free(e);
		c->evpn = NULL;
		return rc;
	}
	ctrl_evpn_sync(c);
	return 0;
}

void ctrl_evpn_fini(struct dp_ctrl *c)
{
	struct ctrl_evpn *e = c->evpn;

	if (e == NULL)
		return;
	evpn_agent_destroy(e->agent);
	for (unsigned bd = 0; bd < FDB_BD_MAX; bd++)
		free(e->flood[bd]);
	free(e->remote);
	free(e->local);
	free(e);
	c->evpn = NULL;
}

int ctrl_evpn_fd(const struct dp_ctrl *c)
{
	return c->evpn != NULL ? evpn_agent_fd(c->evpn->agent) : -1;
}

void ctrl_evpn_poll(struct dp_ctrl *c, uint64_t now_ns)
{
	struct ctrl_evpn *e = c->evpn;

	if (e == NULL)
		return;
	/* The agent asks to be called again within 1..100 ms: the control loop
	 * comes by every <= 10 ms, and sooner when the agent's fd is readable. */
	evpn_agent_poll(e->agent, now_ns);
}

void ctrl_evpn_build_input(struct dp_ctrl *c, struct dp_build_input *in)
{
	struct ctrl_evpn *e = c->evpn;

	if (e == NULL)
		return;
	in->extra_flood = (const uint16_t *const *)e->flood;
	in->n_extra_flood = e->n_flood;
	if (c->cfg.evpn.suppress && e->n_remote > 0)
		in->nd = nd_table_build(e->remote, e->n_remote);
}

void ctrl_evpn_status(struct dp_ctrl *c, char *buf, unsigned len)
{
	struct evpn_agent_status st;

	if (c->evpn == NULL) {
		snprintf(buf, len, "EVPN off (evpn/enabled false): static and flood-and-learn only");
		return;
	}
	evpn_agent_status(c->evpn->agent, vx_now_ns(), &st);
	snprintf(buf, len, "%s", st.text);
}

void ctrl_evpn_show(struct dp_ctrl *c,
		    int (*mac)(void *arg, const struct evpn_mac_view *v, const char *port),
		    int (*neigh)(void *arg, const struct evpn_neigh_view *v), void *arg)
{
	struct evpn_show_ops ops = { .mac = mac, .neigh = neigh };

	if (c->evpn != NULL)
		evpn_agent_show(c->evpn->agent, 0, &ops, arg);
}

unsigned ctrl_evpn_flood(const struct dp_ctrl *c, uint16_t bd, const uint16_t **list)
{
	if (c->evpn == NULL || bd >= FDB_BD_MAX)
		return 0;
	*list = c->evpn->flood[bd];
	return c->evpn->n_flood[bd];
}
