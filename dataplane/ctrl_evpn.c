/* The EVPN agent wired to the switch's tables. See ctrl_evpn.h. */
#include "ctrl_evpn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dp_ctrl.h"
#include "evpn.h"
#include "evpn_frr.h"
#include "vgroup.h"
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
	struct vgroup_registry groups;         /**< multihomed segments' VTEPs */
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

/* The FDB dest for a remote MAC: its VTEP, or for a MAC behind a multihomed
 * segment (an fdb nexthop group) the VTEP group the workers spread flows
 * over. -1 if a registry is full. */
static int remote_dest(struct dp_ctrl *c, const struct vx_ip *vteps, unsigned n, uint32_t nhg)
{
	uint16_t vi[VGROUP_MAX_VTEPS];
	unsigned k = 0;
	bool changed;
	int gi;

	for (unsigned i = 0; i < n && k < VGROUP_MAX_VTEPS; i++) {
		int x = ctrl_vtep_index(c, &vteps[i], true);
		if (x >= 0)
			vi[k++] = (uint16_t)x;
	}
	if (k == 0)
		return -1;
	if (nhg == 0)
		return vi[0];
	gi = vgroup_set(&c->evpn->groups, nhg, vi, k, &changed);
	if (gi < 0)
		return vi[0]; /* no group left: one VTEP still reaches the MAC */
	if (changed)
		c->dirty = true;
	return (int)(DP_DEST_VGROUP | (uint32_t)gi);
}

static void remote_mac_set(void *arg, uint32_t vni, const uint8_t mac[6], const struct vx_ip *vteps,
			   unsigned n, uint32_t nhg)
{
	struct dp_ctrl *c = ev_ctrl(arg);
	uint16_t bd = ctrl_bd_of_vni(c, vni);
	struct fdb_result old = { 0 }, now;
	enum fdb_learn_result r;
	int dest;

	if (bd == DP_NO_BD || n == 0)
		return;
	dest = remote_dest(c, vteps, n, nhg);
	if (dest < 0)
		return;
	if (c->dirty) { /* VTEPs and groups must be in the workers' tables before the MAC */
		char msg[128];
		ctrl_publish(c, msg, sizeof(msg));
	}
	r = fdb_learn(c->fdb, fdb_key(bd, mac), FDB_KIND_EVPN, (uint32_t)dest, vx_now_s(), &old);
	if (r != FDB_LEARN_NEW && r != FDB_LEARN_MOVED && r != FDB_LEARN_REFRESH) {
		if (vgroup_dest_is_group((uint32_t)dest))
			vgroup_forget_unused(&c->evpn->groups, vgroup_dest_index((uint32_t)dest));
		return;
	}
	now = (struct fdb_result){ .dest = (uint32_t)dest, .kind = FDB_KIND_EVPN };
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

	if (e == NULL)
		return;
	vgroup_track(&e->groups, now, before);
	if (bd >= FDB_BD_MAX || c->bd_vni[bd] == 0 || dp_bd_key_is_seg(c->bd_vni[bd]))
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
	in->vgroups = &e->groups;
	if (c->cfg.evpn.suppress && e->n_remote > 0)
		in->nd = nd_table_build(e->remote, e->n_remote);
}

const struct vgroup_def *ctrl_evpn_group(const struct dp_ctrl *c, uint32_t dest)
{
	uint16_t i = vgroup_dest_index(dest);

	if (c->evpn == NULL || !vgroup_dest_is_group(dest) || i >= c->evpn->groups.n ||
	    c->evpn->groups.g[i].nhg == 0)
		return NULL;
	return &c->evpn->groups.g[i];
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

struct frr_macs {
	struct evpn_frr_mac *v;
	unsigned n, cap;
};

static int frr_mac_add(void *arg, const struct evpn_frr_mac *m)
{
	struct frr_macs *f = arg;

	if (grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)) != 0)
		return -ENOMEM;
	f->v[f->n++] = *m;
	return 0;
}

static int frr_mac_cmp(const void *a, const void *b)
{
	const struct evpn_frr_mac *x = a, *y = b;

	if (x->vni != y->vni)
		return x->vni < y->vni ? -1 : 1;
	return memcmp(x->mac, y->mac, 6);
}

int ctrl_evpn_frr_macs(struct dp_ctrl *c, struct evpn_frr_mac **out, char *why, unsigned len)
{
	struct frr_macs f = { 0 };
	char *text;
	size_t tlen;
	unsigned bad;
	int rc;

	*out = NULL;
	if (c->evpn == NULL) {
		snprintf(why, len, "EVPN off");
		return -ENOENT;
	}
	rc = evpn_frr_vty(c->cfg.evpn.frr_rundir, "zebra", "show evpn mac vni all json", 300,
			  &text, &tlen, why, len);
	if (rc != 0)
		return rc;
	rc = evpn_frr_parse_macs(text, tlen, 0, frr_mac_add, &f, &bad);
	free(text);
	if (rc < 0 || f.n != (unsigned)rc) {
		snprintf(why, len, "zebra's reply to 'show evpn mac vni all json' is not its MAC list");
		free(f.v);
		return rc < 0 ? rc : -ENOMEM;
	}
	if (f.n > 1)
		qsort(f.v, f.n, sizeof(*f.v), frr_mac_cmp);
	why[0] = '\0';
	if (bad)
		snprintf(why, len, "%u entries of zebra's reply skipped as malformed", bad);
	*out = f.v;
	return (int)f.n;
}

const struct evpn_frr_mac *ctrl_evpn_frr_find(const struct evpn_frr_mac *macs, int n, uint32_t vni,
					      const uint8_t mac[6])
{
	struct evpn_frr_mac key = { .vni = vni };

	if (macs == NULL || n <= 0)
		return NULL;
	memcpy(key.mac, mac, 6);
	return bsearch(&key, macs, (size_t)n, sizeof(*macs), frr_mac_cmp);
}

void ctrl_evpn_show(struct dp_ctrl *c, int (*vni)(void *arg, const struct evpn_vni_view *v),
		    int (*mac)(void *arg, const struct evpn_mac_view *v, const char *port),
		    int (*neigh)(void *arg, const struct evpn_neigh_view *v), void *arg)
{
	struct evpn_show_ops ops = { .vni = vni, .mac = mac, .neigh = neigh };

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
