/* cfg_validate: the semantic checks YANG cannot express, on plain structs.
 *
 * Structs may come from cfg_yang or be built by the daemon, so ranges and
 * key uniqueness that the model already enforces are checked again here.
 * Errors name the data path in libyang's format, e.g.
 * "/vxsw:vxsw/port[name='vm1']/access-vni: VNI 200 is not configured".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_model.h"
#include "cfg_segment.h"
#include "cfg_team.h"

#define TOP "/vxsw:vxsw"
#define VNI_MAX 16777215u
#define VNIS_MAX 4096u

struct vctx {
	const struct cfg *c;
	uint32_t *vni_ids;      /* sorted copy of the configured VNI ids */
	char *err;
	unsigned errlen;
};

static int fail(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct vctx *v, const char *fmt, ...)
{
	va_list ap;

	if (v->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(v->err, v->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Quote a name predicate the way libyang does: '...' unless it holds a '. */
static char q(const char *name)
{
	return memchr(name, '\'', strnlen(name, CFG_NAME_MAX)) != NULL ? '"' : '\'';
}

static bool vni_in_range(uint32_t id)
{
	return id >= 1 && id <= VNI_MAX;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static bool vni_exists(const struct vctx *v, uint32_t id)
{
	return v->c->n_vnis > 0 &&
	       bsearch(&id, v->vni_ids, v->c->n_vnis, sizeof(uint32_t), cmp_u32) != NULL;
}

static bool port_in_vni(const struct cfg_port *p, uint32_t vni)
{
	if (!cfg_role_is_vm(p->role))
		return false;
	if (p->mode == CFG_MODE_ACCESS)
		return p->access_vni == vni;
	for (unsigned i = 0; i < p->n_vlans; i++)
		if (p->vlans[i].vni == vni)
			return true;
	return false;
}

static const struct vx_ip *local_addr(const struct cfg *c, int af)
{
	const struct vx_ip *ip = af == AF_INET ? &c->vtep.ip4 : &c->vtep.ip6;

	return vx_ip_is_set(ip) ? ip : NULL;
}

static bool ip_is_zero(const struct vx_ip *ip)
{
	static const uint8_t zero[16];

	return memcmp(ip->a, zero, sizeof(zero)) == 0;
}

static bool ip_is_multicast(const struct vx_ip *ip)
{
	return ip->af == AF_INET ? (ip->a[0] & 0xf0) == 0xe0 : ip->a[0] == 0xff;
}

static const char *ip_str(const struct vx_ip *ip, char buf[VX_IP_STRLEN])
{
	return vx_ip_str(ip, buf, VX_IP_STRLEN);
}

/* A remote VTEP (flood list, static entry, next hop) at PATH. */
static int check_remote(struct vctx *v, const char *path, const struct vx_ip *ip)
{
	char b[VX_IP_STRLEN];
	const struct vx_ip *local;

	if (ip->af != AF_INET && ip->af != AF_INET6)
		return fail(v, "%s: not an IPv4 or IPv6 address", path);
	if (ip_is_zero(ip))
		return fail(v, "%s: %s is not a usable VTEP address", path, ip_str(ip, b));
	local = local_addr(v->c, ip->af);
	if (local == NULL)
		return fail(v, "%s: %s is %s but the vtep has no %s", path, ip_str(ip, b),
			    ip->af == AF_INET ? "IPv4" : "IPv6",
			    ip->af == AF_INET ? "local-ipv4" : "local-ipv6");
	if (vx_ip_eq(local, ip))
		return fail(v, "%s: %s is the local VTEP address", path, ip_str(ip, b));
	return 0;
}

static int check_global(struct vctx *v)
{
	const struct cfg_global *g = &v->c->global;

	if (g->workers < 1 || g->workers > 64)
		return fail(v, TOP "/global/workers: %u is out of range 1..64", g->workers);
	if (g->fdb_max < 1024 || g->fdb_max > 16777216)
		return fail(v, TOP "/global/fdb-max-entries: %u is out of range 1024..16777216",
			    g->fdb_max);
	if (g->aging_s > 86400)
		return fail(v, TOP "/global/fdb-aging-time: %u is out of range 0..86400",
			    g->aging_s);
	if (g->ctl_socket[0] == '\0' || strnlen(g->ctl_socket, CFG_PATH_MAX) == CFG_PATH_MAX)
		return fail(v, TOP "/global/ctl-socket: must be 1..%d characters", CFG_PATH_MAX - 1);
	return 0;
}

static int check_local(struct vctx *v, const struct vx_ip *ip, int af, const char *leaf)
{
	char b[VX_IP_STRLEN];

	if (!vx_ip_is_set(ip))
		return 0;
	if (ip->af != af)
		return fail(v, TOP "/vtep/%s: wrong address family", leaf);
	if (ip_is_zero(ip) || ip_is_multicast(ip))
		return fail(v, TOP "/vtep/%s: %s is not a usable unicast address", leaf,
			    ip_str(ip, b));
	return 0;
}

static int check_vtep(struct vctx *v)
{
	const struct cfg_vtep *t = &v->c->vtep;
	int rc;

	if ((rc = check_local(v, &t->ip4, AF_INET, "local-ipv4")) < 0 ||
	    (rc = check_local(v, &t->ip6, AF_INET6, "local-ipv6")) < 0)
		return rc;
	if (t->udp_port == 0)
		return fail(v, TOP "/vtep/udp-port: 0 is out of range 1..65535");
	if (t->ttl == 0)
		return fail(v, TOP "/vtep/ttl: 0 is out of range 1..255");
	return 0;
}

static bool name_ok(const char *s)
{
	size_t n = strnlen(s, CFG_NAME_MAX);

	if (n == 0 || n == CFG_NAME_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int check_vlans(struct vctx *v, const struct cfg_port *p, const char *pp)
{
	if (p->n_vlans == 0)
		return fail(v, "%s/vlan: a trunk port needs at least one vlan", pp);
	for (unsigned i = 0; i < p->n_vlans; i++) {
		const struct cfg_vlan_map *m = &p->vlans[i];

		if (m->vlan < 1 || m->vlan > 4094)
			return fail(v, "%s/vlan[id='%u']/id: VLAN %u is out of range 1..4094", pp,
				    m->vlan, m->vlan);
		for (unsigned j = 0; j < i; j++)
			if (p->vlans[j].vlan == m->vlan)
				return fail(v, "%s/vlan[id='%u']: duplicate VLAN %u", pp, m->vlan,
					    m->vlan);
		if (m->segment[0] != '\0' && m->vni != 0)
			return fail(v, "%s/vlan[id='%u']: set either vni or segment, not both", pp,
				    m->vlan);
		if (m->segment[0] != '\0') {
			if (cfg_segment_by_name(v->c, m->segment) == NULL)
				return fail(v, "%s/vlan[id='%u']/segment: segment '%.31s' is not configured",
					    pp, m->vlan, m->segment);
			continue;
		}
		if (!vni_in_range(m->vni))
			return fail(v, "%s/vlan[id='%u']/vni: VNI %u is out of range 1..16777215",
				    pp, m->vlan, m->vni);
		if (!vni_exists(v, m->vni))
			return fail(v, "%s/vlan[id='%u']/vni: VNI %u is not configured", pp, m->vlan,
				    m->vni);
	}
	return 0;
}

static bool storm_set(const struct cfg_storm *s)
{
	return s->broadcast != 0 || s->multicast != 0 || s->unknown_unicast != 0;
}

static int check_vm_port(struct vctx *v, const struct cfg_port *p, const char *pp)
{
	int rc = cfg_validate_limit(&p->limit, pp, v->err, v->errlen);

	if (rc != 0)
		return rc;
	if (p->mode == CFG_MODE_TRUNK) {
		if (p->access_vni != 0)
			return fail(v, "%s/access-vni: not allowed on a trunk port", pp);
		if (p->access_segment[0] != '\0')
			return fail(v, "%s/access-segment: not allowed on a trunk port", pp);
		return check_vlans(v, p, pp);
	}
	if (p->mode != CFG_MODE_ACCESS)
		return fail(v, "%s/mode: invalid mode %d", pp, (int)p->mode);
	if (p->n_vlans != 0)
		return fail(v, "%s/vlan: vlans need mode trunk", pp);
	if (p->access_segment[0] != '\0') {
		if (p->access_vni != 0)
			return fail(v, "%s: set either access-vni or access-segment, not both", pp);
		if (strnlen(p->access_segment, CFG_NAME_MAX) == CFG_NAME_MAX ||
		    cfg_segment_by_name(v->c, p->access_segment) == NULL)
			return fail(v, "%s/access-segment: segment '%.31s' is not configured", pp,
				    p->access_segment);
		return 0;
	}
	if (p->access_vni == 0)
		return fail(v, "%s/access-vni: a vm access port needs an access-vni", pp);
	if (!vni_in_range(p->access_vni))
		return fail(v, "%s/access-vni: VNI %u is out of range 1..16777215", pp,
			    p->access_vni);
	if (!vni_exists(v, p->access_vni))
		return fail(v, "%s/access-vni: VNI %u is not configured", pp, p->access_vni);
	return 0;
}

static int check_port(struct vctx *v, unsigned idx, const struct cfg_port **host)
{
	const struct cfg_port *p = &v->c->ports[idx];
	char pp[96];

	if (!name_ok(p->name))
		return fail(v, TOP "/port[name=%c%.31s%c]/name: must be 1..31 of [A-Za-z0-9_.-]",
			    q(p->name), p->name, q(p->name));
	snprintf(pp, sizeof(pp), TOP "/port[name='%s']", p->name);
	for (unsigned j = 0; j < idx; j++)
		if (strcmp(v->c->ports[j].name, p->name) == 0)
			return fail(v, "%s: duplicate port name", pp);
	if (p->devargs[0] == '\0' || strnlen(p->devargs, CFG_DEVARGS_MAX) == CFG_DEVARGS_MAX)
		return fail(v, "%s/devargs: must be 1..%d characters", pp, CFG_DEVARGS_MAX - 1);
	if (p->mtu < 576 || p->mtu > 9216)
		return fail(v, "%s/mtu: %u is out of range 576..9216", pp, p->mtu);
	if (p->rx_queues > 64)
		return fail(v, "%s/rx-queues: %u is out of range 0..64", pp, p->rx_queues);
	switch (p->role) {
	case CFG_ROLE_VM:
	case CFG_ROLE_HOST_IF:
		return check_vm_port(v, p, pp);
	case CFG_ROLE_HOST:
		if (*host != NULL)
			return fail(v, "%s/role: only one host port is allowed, '%s' is one already",
				    pp, (*host)->name);
		*host = p;
		/* fall through */
	case CFG_ROLE_UPLINK:
		if (p->mode != CFG_MODE_ACCESS)
			return fail(v, "%s/mode: trunk mode is only for vm ports", pp);
		if (p->access_vni != 0)
			return fail(v, "%s/access-vni: only vm ports belong to a VNI", pp);
		if (p->access_segment[0] != '\0')
			return fail(v, "%s/access-segment: only vm ports belong to a segment", pp);
		if (p->n_vlans != 0)
			return fail(v, "%s/vlan: only vm ports carry VLANs", pp);
		if (p->limit.average_kbps != 0 || storm_set(&p->storm))
			return fail(v, "%s/rate-limit: only vm and host-interface ports are limited",
				    pp);
		return 0;
	}
	return fail(v, "%s/role: invalid role %d", pp, (int)p->role);
}

static int check_ports(struct vctx *v, const struct cfg_port **first_uplink)
{
	const struct cfg *c = v->c;
	const struct cfg_port *host = NULL;
	int rc;

	*first_uplink = NULL;
	if (c->n_ports == 0)
		return fail(v, TOP "/port: at least one port is required");
	for (unsigned i = 0; i < c->n_ports; i++) {
		if ((rc = check_port(v, i, &host)) < 0)
			return rc;
		if (c->ports[i].role == CFG_ROLE_UPLINK && *first_uplink == NULL)
			*first_uplink = &c->ports[i];
	}
	if (*first_uplink != NULL && !vx_ip_is_set(&c->vtep.ip4) && !vx_ip_is_set(&c->vtep.ip6))
		return fail(v, TOP "/vtep: uplink '%s' needs a local-ipv4 or local-ipv6 address",
			    (*first_uplink)->name);
	return 0;
}

static int check_vnis(struct vctx *v, bool have_uplink)
{
	const struct cfg *c = v->c;
	char path[160], b[VX_IP_STRLEN];
	int rc;

	if (c->n_vnis > VNIS_MAX)
		return fail(v, TOP "/vni: %u VNIs configured, at most %u are supported", c->n_vnis,
			    VNIS_MAX);
	for (unsigned i = 0; i < c->n_vnis; i++) {
		const struct cfg_vni *n = &c->vnis[i];

		if (!vni_in_range(n->id))
			return fail(v, TOP "/vni[id='%u']/id: VNI %u is out of range 1..16777215",
				    n->id, n->id);
	}
	for (unsigned i = 1; i < c->n_vnis; i++)
		if (v->vni_ids[i] == v->vni_ids[i - 1])   /* sorted: duplicates are neighbours */
			return fail(v, TOP "/vni[id='%u']: duplicate VNI", v->vni_ids[i]);
	for (unsigned i = 0; i < c->n_vnis; i++) {
		const struct cfg_vni *n = &c->vnis[i];

		if (n->n_flood > 0 && !have_uplink)
			return fail(v, TOP "/vni[id='%u']/flood-vtep: remote VTEPs need an uplink port",
				    n->id);
		for (unsigned k = 0; k < n->n_flood; k++) {
			const struct vx_ip *ip = &n->flood[k];

			snprintf(path, sizeof(path), TOP "/vni[id='%u']/flood-vtep[.='%s']", n->id,
				 ip_str(ip, b));
			if ((rc = check_remote(v, path, ip)) < 0)
				return rc;
			for (unsigned j = 0; j < k; j++)
				if (vx_ip_eq(&n->flood[j], ip))
					return fail(v, "%s: duplicate flood VTEP", path);
		}
	}
	return 0;
}

static bool mac_is_zero(const uint8_t mac[6])
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

static int check_unicast_mac(struct vctx *v, const char *path, const uint8_t mac[6])
{
	char b[18];

	if (mac_is_zero(mac))
		return fail(v, "%s: the all-zero MAC is not allowed", path);
	if (mac[0] & 1)
		return fail(v, "%s: %s is not a unicast MAC", path, vx_mac_str(mac, b, sizeof(b)));
	return 0;
}

static int check_nexthops(struct vctx *v, bool have_uplink)
{
	const struct cfg *c = v->c;
	char path[160], sub[200], b[VX_IP_STRLEN];
	int rc;

	for (unsigned i = 0; i < c->n_nexthops; i++) {
		const struct cfg_nexthop *h = &c->nexthops[i];
		const struct cfg_port *p;

		snprintf(path, sizeof(path), TOP "/nexthop[vtep='%s']", ip_str(&h->vtep, b));
		if (!have_uplink)
			return fail(v, "%s: a next hop needs an uplink port", path);
		snprintf(sub, sizeof(sub), "%s/vtep", path);
		if ((rc = check_remote(v, sub, &h->vtep)) < 0)
			return rc;
		for (unsigned j = 0; j < i; j++)
			if (vx_ip_eq(&c->nexthops[j].vtep, &h->vtep))
				return fail(v, "%s: duplicate next hop", path);
		snprintf(sub, sizeof(sub), "%s/mac", path);
		if ((rc = check_unicast_mac(v, sub, h->mac)) < 0)
			return rc;
		if (h->port[0] == '\0')
			continue;
		if (strnlen(h->port, CFG_NAME_MAX) == CFG_NAME_MAX ||
		    (p = cfg_port_by_name(c, h->port)) == NULL)
			return fail(v, "%s/port: port '%.31s' does not exist", path, h->port);
		if (p->role != CFG_ROLE_UPLINK)
			return fail(v, "%s/port: port '%s' is not an uplink", path, h->port);
	}
	return 0;
}

static int cmp_fdb(const void *a, const void *b)
{
	const struct cfg_fdb_static *x = *(const struct cfg_fdb_static *const *)a;
	const struct cfg_fdb_static *y = *(const struct cfg_fdb_static *const *)b;

	if (x->vni != y->vni)
		return x->vni < y->vni ? -1 : 1;
	return memcmp(x->mac, y->mac, 6);
}

static int check_fdb_entry(struct vctx *v, const struct cfg_fdb_static *e, bool have_uplink)
{
	char path[160], sub[200], mb[18];
	const struct cfg_port *p;
	int rc;

	vx_mac_str(e->mac, mb, sizeof(mb));
	snprintf(path, sizeof(path), TOP "/static-fdb[vni='%u'][mac='%s']", e->vni, mb);
	if (!vni_in_range(e->vni))
		return fail(v, "%s/vni: VNI %u is out of range 1..16777215", path, e->vni);
	if (!vni_exists(v, e->vni))
		return fail(v, "%s/vni: VNI %u is not configured", path, e->vni);
	snprintf(sub, sizeof(sub), "%s/mac", path);
	if ((rc = check_unicast_mac(v, sub, e->mac)) < 0)
		return rc;
	if (e->port[0] != '\0' && vx_ip_is_set(&e->remote))
		return fail(v, "%s: set either port or remote-vtep, not both", path);
	if (vx_ip_is_set(&e->remote)) {
		if (!have_uplink)
			return fail(v, "%s/remote-vtep: remote VTEPs need an uplink port", path);
		snprintf(sub, sizeof(sub), "%s/remote-vtep", path);
		return check_remote(v, sub, &e->remote);
	}
	if (e->port[0] == '\0')
		return fail(v, "%s: needs a port or a remote-vtep", path);
	if (strnlen(e->port, CFG_NAME_MAX) == CFG_NAME_MAX ||
	    (p = cfg_port_by_name(v->c, e->port)) == NULL)
		return fail(v, "%s/port: port '%.31s' does not exist", path, e->port);
	if (!cfg_role_is_vm(p->role))
		return fail(v, "%s/port: port '%s' is not a vm port", path, e->port);
	if (!port_in_vni(p, e->vni))
		return fail(v, "%s/port: port '%s' is not in VNI %u", path, e->port, e->vni);
	return 0;
}

static int check_fdb(struct vctx *v, bool have_uplink)
{
	const struct cfg *c = v->c;
	const struct cfg_fdb_static **sorted;
	char mb[18];
	int rc;

	for (unsigned i = 0; i < c->n_fdb; i++)
		if ((rc = check_fdb_entry(v, &c->fdb[i], have_uplink)) < 0)
			return rc;
	if (c->n_fdb < 2)
		return 0;
	sorted = malloc(c->n_fdb * sizeof(*sorted));
	if (sorted == NULL) {
		fail(v, TOP "/static-fdb: out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < c->n_fdb; i++)
		sorted[i] = &c->fdb[i];
	qsort(sorted, c->n_fdb, sizeof(*sorted), cmp_fdb);
	rc = 0;
	for (unsigned i = 1; i < c->n_fdb && rc == 0; i++)
		if (cmp_fdb(&sorted[i - 1], &sorted[i]) == 0)
			rc = fail(v, TOP "/static-fdb[vni='%u'][mac='%s']: duplicate entry",
				  sorted[i]->vni, vx_mac_str(sorted[i]->mac, mb, sizeof(mb)));
	free(sorted);
	return rc;
}

int cfg_validate(const struct cfg *c, char *err, unsigned errlen)
{
	struct vctx v = { .c = c, .err = err, .errlen = errlen };
	const struct cfg_port *uplink;
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	if ((rc = check_global(&v)) < 0 || (rc = check_vtep(&v)) < 0)
		return rc;
	if (c->n_vnis > 0) {
		v.vni_ids = malloc(c->n_vnis * sizeof(uint32_t));
		if (v.vni_ids == NULL) {
			fail(&v, TOP ": out of memory");
			return -ENOMEM;
		}
		for (unsigned i = 0; i < c->n_vnis; i++)
			v.vni_ids[i] = c->vnis[i].id;
		qsort(v.vni_ids, c->n_vnis, sizeof(uint32_t), cmp_u32);
	}
	if ((rc = check_ports(&v, &uplink)) == 0 &&
	    (rc = check_vnis(&v, uplink != NULL)) == 0 &&
	    (rc = check_nexthops(&v, uplink != NULL)) == 0 &&
	    (rc = check_fdb(&v, uplink != NULL)) == 0 &&
	    (rc = cfg_validate_teams(c, err, errlen)) == 0 &&
	    (rc = cfg_validate_segments(c, err, errlen)) == 0 && c->evpn.enabled &&
	    !vx_ip_is_set(&c->vtep.ip4) && !vx_ip_is_set(&c->vtep.ip6))
		rc = fail(&v, TOP "/evpn/enabled: EVPN needs a local VTEP address");
	free(v.vni_ids);
	return rc;
}
