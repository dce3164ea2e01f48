/* evpn_agent_vni: VNIs and their shadows, stand-in ports, and the local
 * MACs and MAC/IPs the dataplane reports. See evpn.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evpn_agent_int.h"
#include "evpn_shadow.h"
#include "vx_time.h"

/* ---- ports ---- */

static uint64_t port_hash(uint32_t vni, const char *name)
{
	return evpn_hash_bytes(name, strlen(name), vni);
}

struct port_key {
	uint32_t vni;
	const char *name;
};

static bool port_eq(const struct evpn_hnode *n, const void *key)
{
	const struct evpn_port *p = container_of(n, struct evpn_port, h);
	const struct port_key *k = key;

	return p->vni == k->vni && strcmp(p->name, k->name) == 0;
}

static struct evpn_port *port_find(struct evpn_agent *a, uint32_t vni, const char *name)
{
	char n[64];
	struct port_key k = { vni, n };
	struct evpn_hnode *h;

	snprintf(n, sizeof(n), "%s", name);
	h = evpn_hash_find(&a->ports, port_hash(vni, n), &k, port_eq);
	return h != NULL ? container_of(h, struct evpn_port, h) : NULL;
}

struct port_walk {
	uint32_t vni;
	int ifindex;
	uint64_t used[PORT_K_MAX / 64 + 1];
	struct evpn_port *found;
};

static int port_scan(void *arg, struct evpn_hnode *n)
{
	struct port_walk *w = arg;
	struct evpn_port *p = container_of(n, struct evpn_port, h);

	if (p->vni == w->vni && p->k < PORT_K_MAX)
		w->used[p->k / 64] |= 1ull << (p->k % 64);
	if (w->ifindex != 0 && p->ifindex == w->ifindex)
		w->found = p;
	return 0;
}

struct evpn_port *evpn_agent_port_by_ifindex(struct evpn_agent *a, int ifindex)
{
	struct port_walk w = { .ifindex = ifindex };

	if (ifindex != 0)
		evpn_hash_walk(&a->ports, port_scan, &w);
	return w.found;
}

int evpn_port_add(struct evpn_agent *a, uint32_t vni, const char *port, char *msg,
		  size_t msglen)
{
	struct port_walk w = { .vni = vni };
	struct evpn_port *p;
	char peer[16];
	bool reused;
	int br = evpn_model_vni_dev(a->m, vni, EVPN_DEV_BRIDGE), err;
	unsigned k = 0;

	if (port == NULL || port[0] == '\0')
		return -EINVAL;
	if (port_find(a, vni, port) != NULL)
		return 0;
	if (br == 0) {
		evpn_set_msg(msg, msglen, "evpn: VNI of port %s has no shadow bridge (%s)", port, -ENOENT);
		return -ENOENT;
	}
	evpn_hash_walk(&a->ports, port_scan, &w);
	while (k < PORT_K_MAX && (w.used[k / 64] & (1ull << (k % 64))))
		k++;
	if (k == PORT_K_MAX)
		return -ENOSPC;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->vni = vni;
	p->k = k;
	snprintf(p->name, sizeof(p->name), "%s", port);
	snprintf(p->ifname, sizeof(p->ifname), "%s%up%u", a->cfg.port_prefix, vni, k);
	snprintf(peer, sizeof(peer), "%s%uq%u", a->cfg.port_prefix, vni, k);
	err = evpn_shadow_port_add(a->sh, p->ifname, peer, br, port, &p->ifindex, &reused, msg,
				   msglen);
	if (err == 0)
		err = evpn_model_dev_set(a->m, p->ifindex, vni, EVPN_DEV_PORT, a->now);
	if (err < 0) {
		free(p);
		return err;
	}
	evpn_hash_add(&a->ports, &p->h, port_hash(vni, p->name));
	a->n_ports++;
	if (reused)
		evpn_agent_resync(a); /* adopt or clean what an earlier run left on it */
	return 0;
}

static void port_remove(struct evpn_agent *a, struct evpn_port *p)
{
	/* forgetting the device drops its local MACs; deleting it flushes them */
	evpn_model_dev_set(a->m, p->ifindex, p->vni, EVPN_DEV_NONE, a->now);
	if (!a->cfg.keep_shadow)
		(void)evpn_shadow_del(a->sh, p->ifname);
	evpn_hash_del(&a->ports, &p->h);
	a->n_ports--;
	free(p);
}

int evpn_port_del(struct evpn_agent *a, uint32_t vni, const char *port)
{
	struct evpn_port *p = port_find(a, vni, port);

	if (p == NULL)
		return -ENOENT;
	evpn_agent_enter(a);
	port_remove(a, p);
	evpn_agent_leave(a);
	return 0;
}

/* ---- VNIs ---- */

int evpn_vni_add(struct evpn_agent *a, uint32_t vni, char *msg, size_t msglen)
{
	char vx[16], br[16];
	struct evpn_shadow_vni c = { .vni = vni, .vxlan_name = vx, .bridge_name = br,
				     .local = a->cfg.local_vtep, .dstport = a->cfg.dstport };
	int vx_if, br_if, err;
	bool reused;

	evpn_agent_enter(a);
	err = evpn_model_vni_add(a->m, vni);
	if (err < 0) {
		if (msg != NULL && msglen > 0)
			snprintf(msg, msglen, "evpn: VNI %u: %s", vni,
				 err == -EEXIST ? "already has EVPN" : strerror(-err));
		evpn_agent_leave(a);
		return err;
	}
	evpn_vni_names(a, vni, vx, br);
	err = evpn_shadow_vni_add(a->sh, &c, &vx_if, &br_if, &reused, msg, msglen);
	if (err == 0)
		err = evpn_model_dev_set(a->m, br_if, vni, EVPN_DEV_BRIDGE, a->now);
	if (err == 0)
		err = evpn_model_dev_set(a->m, vx_if, vni, EVPN_DEV_VXLAN, a->now);
	if (err < 0)
		evpn_model_vni_del(a->m, vni);
	else if (reused)
		evpn_agent_resync(a); /* adopt or clean what an earlier run left */
	evpn_agent_leave(a);
	return err;
}

struct vni_ports {
	uint32_t vni;
	struct evpn_port *list[64];
	unsigned n;
};

static int collect_ports(void *arg, struct evpn_hnode *n)
{
	struct vni_ports *v = arg;
	struct evpn_port *p = container_of(n, struct evpn_port, h);

	if (p->vni == v->vni && v->n < sizeof(v->list) / sizeof(v->list[0]))
		v->list[v->n++] = p;
	return 0;
}

static void vni_remove(struct evpn_agent *a, uint32_t vni)
{
	char vx[16], br[16];
	struct vni_ports v = { .vni = vni };

	do { /* in rounds: the list holds a bounded number */
		v.n = 0;
		evpn_hash_walk(&a->ports, collect_ports, &v);
		for (unsigned i = 0; i < v.n; i++)
			port_remove(a, v.list[i]);
	} while (v.n > 0);
	evpn_model_vni_del(a->m, vni);
	if (!a->cfg.keep_shadow) {
		evpn_vni_names(a, vni, vx, br);
		(void)evpn_shadow_del(a->sh, vx);
		(void)evpn_shadow_del(a->sh, br);
	}
}

int evpn_vni_del(struct evpn_agent *a, uint32_t vni)
{
	if (!evpn_model_has_vni(a->m, vni))
		return -ENOENT;
	evpn_agent_enter(a);
	vni_remove(a, vni);
	evpn_agent_leave(a);
	return 0;
}

/* ---- local state ---- */

int evpn_agent_apply(struct evpn_agent *a, const struct evpn_deferred *d)
{
	struct evpn_port *p;
	int err;

	if (d->neigh)
		return evpn_model_local_neigh(a->m, d->vni, &d->ip, d->mac, d->present,
					      vx_now_ns());
	p = port_find(a, d->vni, d->port);
	if (p == NULL && !d->present)
		return 0;
	if (p == NULL) {
		err = evpn_port_add(a, d->vni, d->port, a->last_error, sizeof(a->last_error));
		if (err < 0)
			return err;
		p = port_find(a, d->vni, d->port);
		if (p == NULL)
			return -ENOENT;
	}
	return evpn_model_local_mac(a->m, d->vni, p->ifindex, d->mac, d->present, vx_now_ns());
}

int evpn_local_mac(struct evpn_agent *a, uint32_t vni, const char *port, const uint8_t mac[6],
		   bool present)
{
	struct evpn_deferred d = { .vni = vni, .present = present };
	int err;

	if (port == NULL || mac == NULL)
		return -EINVAL;
	memcpy(d.mac, mac, 6);
	snprintf(d.port, sizeof(d.port), "%s", port);
	if (a->depth > 0)
		return evpn_agent_defer(a, &d);
	evpn_agent_enter(a);
	err = evpn_agent_apply(a, &d);
	evpn_agent_leave(a);
	return err;
}

int evpn_local_neigh(struct evpn_agent *a, uint32_t vni, const struct vx_ip *ip,
		     const uint8_t mac[6], bool present)
{
	struct evpn_deferred d = { .neigh = true, .vni = vni, .present = present };
	int err;

	if (ip == NULL || (present && mac == NULL))
		return -EINVAL;
	d.ip = *ip;
	if (mac != NULL)
		memcpy(d.mac, mac, 6);
	if (a->depth > 0)
		return evpn_agent_defer(a, &d);
	evpn_agent_enter(a);
	err = evpn_agent_apply(a, &d);
	evpn_agent_leave(a);
	return err;
}

