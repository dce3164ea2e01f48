/* cfg_yang: JSON instance data <-> struct cfg through libyang. */
#include "cfg_yang.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_ctx.h"

#define TOP "/vxsw:vxsw"
#define INPUT_MAX (16u << 20)

static void set_err(char *err, unsigned errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, unsigned errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- tree -> struct cfg ---- */

static bool is(const struct lyd_node *n, const char *name)
{
	return n->schema != NULL && strcmp(n->schema->name, name) == 0;
}

static unsigned long num(const struct lyd_node *n)
{
	return strtoul(lyd_get_value(n), NULL, 10);
}

static bool boolean(const struct lyd_node *n)
{
	return strcmp(lyd_get_value(n), "true") == 0;
}

static unsigned count(const struct lyd_node *first, const char *name)
{
	unsigned n = 0;
	const struct lyd_node *it;

	LY_LIST_FOR(first, it)
		if (is(it, name))
			n++;
	return n;
}

/* calloc for n elements; n == 0 gives NULL without failing. */
static int alloc_array(void **out, unsigned n, size_t sz)
{
	*out = n == 0 ? NULL : calloc(n, sz);
	return n != 0 && *out == NULL ? -ENOMEM : 0;
}

/* A value libyang accepted but vx_addr did not: report it with its path. */
static int bad_value(const struct lyd_node *n, const char *what, char *err, unsigned errlen)
{
	char *path = lyd_path(n, LYD_PATH_STD, NULL, 0);

	set_err(err, errlen, "%s: cannot use %s '%s'", path != NULL ? path : TOP, what,
		lyd_get_value(n));
	free(path);
	return -EINVAL;
}

static int get_ip(const struct lyd_node *n, struct vx_ip *ip, char *err, unsigned errlen)
{
	return vx_ip_parse(lyd_get_value(n), ip) == 0 ? 0 : bad_value(n, "address", err, errlen);
}

static int get_mac(const struct lyd_node *n, uint8_t mac[6], char *err, unsigned errlen)
{
	return vx_mac_parse(lyd_get_value(n), mac) == 0 ? 0 : bad_value(n, "MAC", err, errlen);
}

static void read_global(const struct lyd_node *g, struct cfg_global *out)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(g), n) {
		if (is(n, "workers"))
			out->workers = (uint16_t)num(n);
		else if (is(n, "fdb-max-entries"))
			out->fdb_max = (uint32_t)num(n);
		else if (is(n, "fdb-aging-time"))
			out->aging_s = (uint32_t)num(n);
		else if (is(n, "ctl-socket"))
			snprintf(out->ctl_socket, sizeof(out->ctl_socket), "%s", lyd_get_value(n));
		else if (is(n, "mbufs"))
			out->mbufs = (uint32_t)num(n);
	}
}

static int read_vtep(const struct lyd_node *t, struct cfg_vtep *out, char *err, unsigned errlen)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(t), n) {
		if ((is(n, "local-ipv4") && get_ip(n, &out->ip4, err, errlen) < 0) ||
		    (is(n, "local-ipv6") && get_ip(n, &out->ip6, err, errlen) < 0))
			return -EINVAL;
		if (is(n, "udp-port"))
			out->udp_port = (uint16_t)num(n);
		else if (is(n, "ttl"))
			out->ttl = (uint8_t)num(n);
		else if (is(n, "allow-inner-vlan"))
			out->allow_inner_vlan = boolean(n);
		else if (is(n, "team"))
			snprintf(out->team, sizeof(out->team), "%s", lyd_get_value(n));
	}
	return 0;
}

static void read_limit(const struct lyd_node *ln, struct cfg_rate_limit *l)
{
	const struct lyd_node *n;

	l->burst = 65536;
	LY_LIST_FOR(lyd_child(ln), n) {
		if (is(n, "average-rate"))
			l->average_kbps = (uint32_t)num(n);
		else if (is(n, "peak-rate"))
			l->peak_kbps = (uint32_t)num(n);
		else if (is(n, "burst-size"))
			l->burst = (uint32_t)num(n);
		else if (is(n, "peak-burst-size"))
			l->peak_burst = (uint32_t)num(n);
	}
}

static void read_storm(const struct lyd_node *sn, struct cfg_storm *st)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(sn), n) {
		if (is(n, "broadcast"))
			st->broadcast = (uint32_t)num(n);
		else if (is(n, "multicast"))
			st->multicast = (uint32_t)num(n);
		else if (is(n, "unknown-unicast"))
			st->unknown_unicast = (uint32_t)num(n);
	}
}

static void read_vlan_map(const struct lyd_node *vn, struct cfg_vlan_map *m)
{
	const struct lyd_node *k;

	LY_LIST_FOR(lyd_child(vn), k) {
		if (is(k, "id"))
			m->vlan = (uint16_t)num(k);
		else if (is(k, "vni"))
			m->vni = (uint32_t)num(k);
		else if (is(k, "segment"))
			snprintf(m->segment, sizeof(m->segment), "%s", lyd_get_value(k));
	}
}

static enum cfg_port_role role_of(const char *r)
{
	return !strcmp(r, "uplink") ? CFG_ROLE_UPLINK
	       : !strcmp(r, "host") ? CFG_ROLE_HOST
	       : !strcmp(r, "host-interface") ? CFG_ROLE_HOST_IF : CFG_ROLE_VM;
}

static int read_port(const struct lyd_node *pn, struct cfg_port *p)
{
	const struct lyd_node *n;
	bool have_mtu = false;

	if (alloc_array((void **)&p->vlans, count(lyd_child(pn), "vlan"), sizeof(*p->vlans)) < 0)
		return -ENOMEM;
	LY_LIST_FOR(lyd_child(pn), n) {
		if (is(n, "name")) {
			snprintf(p->name, sizeof(p->name), "%s", lyd_get_value(n));
		} else if (is(n, "devargs")) {
			snprintf(p->devargs, sizeof(p->devargs), "%s", lyd_get_value(n));
		} else if (is(n, "role")) {
			p->role = role_of(lyd_get_value(n));
		} else if (is(n, "mode")) {
			p->mode = !strcmp(lyd_get_value(n), "trunk") ? CFG_MODE_TRUNK : CFG_MODE_ACCESS;
		} else if (is(n, "access-vni")) {
			p->access_vni = (uint32_t)num(n);
		} else if (is(n, "access-segment")) {
			snprintf(p->access_segment, sizeof(p->access_segment), "%s",
				 lyd_get_value(n));
		} else if (is(n, "vlan")) {
			read_vlan_map(n, &p->vlans[p->n_vlans++]);
		} else if (is(n, "rate-limit")) {
			read_limit(n, &p->limit);
		} else if (is(n, "storm-control")) {
			read_storm(n, &p->storm);
		} else if (is(n, "mtu")) {
			p->mtu = (uint16_t)num(n);
			have_mtu = true;
		} else if (is(n, "rx-queues")) {
			p->rx_queues = (uint16_t)num(n);
		}
	}
	if (!have_mtu)
		p->mtu = p->role == CFG_ROLE_UPLINK ? 1600 : 1500;
	return 0;
}

static int read_vni(const struct lyd_node *vn, struct cfg_vni *v, char *err, unsigned errlen)
{
	const struct lyd_node *n;

	v->learning = true;
	if (alloc_array((void **)&v->flood, count(lyd_child(vn), "flood-vtep"),
			sizeof(*v->flood)) < 0)
		return -ENOMEM;
	LY_LIST_FOR(lyd_child(vn), n) {
		if (is(n, "id"))
			v->id = (uint32_t)num(n);
		else if (is(n, "learning"))
			v->learning = boolean(n);
		else if (is(n, "mac-limit"))
			v->mac_limit = (uint32_t)num(n);
		else if (is(n, "flood-unknown-unicast"))
			v->no_flood_unknown = !boolean(n);
		else if (is(n, "rate-limit"))
			read_limit(n, &v->limit);
		else if (is(n, "flood-vtep") && get_ip(n, &v->flood[v->n_flood++], err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

static void read_segment(const struct lyd_node *sn, struct cfg_segment *g)
{
	const struct lyd_node *n;

	g->learning = true;
	LY_LIST_FOR(lyd_child(sn), n) {
		if (is(n, "name"))
			snprintf(g->name, sizeof(g->name), "%s", lyd_get_value(n));
		else if (is(n, "vlan"))
			g->vlan = (uint16_t)num(n);
		else if (is(n, "team"))
			snprintf(g->team, sizeof(g->team), "%s", lyd_get_value(n));
		else if (is(n, "learning"))
			g->learning = boolean(n);
		else if (is(n, "mac-limit"))
			g->mac_limit = (uint32_t)num(n);
		else if (is(n, "rate-limit"))
			read_limit(n, &g->limit);
	}
}

static int enum_index(const char *v, const char *const *names, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return 0; /* libyang already refused anything else */
}

static void read_evpn(const struct lyd_node *en, struct cfg_evpn *e)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(en), n) {
		if (is(n, "enabled"))
			e->enabled = boolean(n);
		else if (is(n, "frr-rundir"))
			snprintf(e->frr_rundir, sizeof(e->frr_rundir), "%s", lyd_get_value(n));
		else if (is(n, "grace-period"))
			e->grace_s = (uint32_t)num(n);
		else if (is(n, "keep-shadow"))
			e->keep_shadow = boolean(n);
		else if (is(n, "arp-nd-suppress"))
			e->suppress = boolean(n);
	}
}

static void read_lacp(const struct lyd_node *ln, struct cfg_team *t)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(ln), n) {
		if (is(n, "mode"))
			t->lacp_passive = strcmp(lyd_get_value(n), "passive") == 0;
		else if (is(n, "rate"))
			t->lacp_slow = strcmp(lyd_get_value(n), "slow") == 0;
		else if (is(n, "system-priority"))
			t->lacp_sys_prio = (uint16_t)num(n);
		else if (is(n, "key"))
			t->lacp_key = (uint16_t)num(n);
		else if (is(n, "port-priority"))
			t->lacp_port_prio = (uint16_t)num(n);
	}
}

static void read_team(const struct lyd_node *tn, struct cfg_team *t)
{
	static const char *const modes[] = { "lacp", "static-ip-hash", "active-backup",
					     "balance-vm-port", "balance-src-mac" };
	static const char *const hashes[] = { "l3-l4", "l2", "l2-l3" };
	const struct lyd_node *n;

	t->failback = true;
	t->lacp_sys_prio = 32768;
	t->lacp_port_prio = 32768;
	LY_LIST_FOR(lyd_child(tn), n) {
		if (is(n, "name"))
			snprintf(t->name, sizeof(t->name), "%s", lyd_get_value(n));
		else if (is(n, "mode"))
			t->mode = (enum cfg_team_mode)enum_index(lyd_get_value(n), modes, 5);
		else if (is(n, "hash-policy"))
			t->hash = (enum cfg_hash_policy)enum_index(lyd_get_value(n), hashes, 3);
		else if (is(n, "failback"))
			t->failback = boolean(n);
		else if (is(n, "member") && t->n_members < CFG_TEAM_MAX_MEMBERS)
			snprintf(t->members[t->n_members++], CFG_NAME_MAX, "%s", lyd_get_value(n));
		else if (is(n, "lacp"))
			read_lacp(n, t);
	}
}

static int read_nexthop(const struct lyd_node *hn, struct cfg_nexthop *h, char *err,
			unsigned errlen)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(hn), n) {
		if ((is(n, "vtep") && get_ip(n, &h->vtep, err, errlen) < 0) ||
		    (is(n, "mac") && get_mac(n, h->mac, err, errlen) < 0))
			return -EINVAL;
		if (is(n, "port"))
			snprintf(h->port, sizeof(h->port), "%s", lyd_get_value(n));
	}
	return 0;
}

static int read_fdb(const struct lyd_node *fn, struct cfg_fdb_static *f, char *err,
		    unsigned errlen)
{
	const struct lyd_node *n;

	LY_LIST_FOR(lyd_child(fn), n) {
		if ((is(n, "mac") && get_mac(n, f->mac, err, errlen) < 0) ||
		    (is(n, "remote-vtep") && get_ip(n, &f->remote, err, errlen) < 0))
			return -EINVAL;
		if (is(n, "vni"))
			f->vni = (uint32_t)num(n);
		else if (is(n, "port"))
			snprintf(f->port, sizeof(f->port), "%s", lyd_get_value(n));
	}
	return 0;
}

static int alloc_lists(const struct lyd_node *first, struct cfg *c)
{
	if (alloc_array((void **)&c->ports, count(first, "port"), sizeof(*c->ports)) < 0 ||
	    alloc_array((void **)&c->vnis, count(first, "vni"), sizeof(*c->vnis)) < 0 ||
	    alloc_array((void **)&c->teams, count(first, "team"), sizeof(*c->teams)) < 0 ||
	    alloc_array((void **)&c->nexthops, count(first, "nexthop"), sizeof(*c->nexthops)) < 0 ||
	    alloc_array((void **)&c->fdb, count(first, "static-fdb"), sizeof(*c->fdb)) < 0 ||
	    alloc_array((void **)&c->segs, count(first, "vlan-segment"), sizeof(*c->segs)) < 0)
		return -ENOMEM;
	return 0;
}

static int tree_to_cfg(const struct lyd_node *top, struct cfg *c, char *err, unsigned errlen)
{
	const struct lyd_node *n;
	int rc = 0;

	if (alloc_lists(lyd_child(top), c) < 0)
		goto nomem;
	LY_LIST_FOR(lyd_child(top), n) {
		if (is(n, "global")) {
			read_global(n, &c->global);
		} else if (is(n, "vtep")) {
			rc = read_vtep(n, &c->vtep, err, errlen);
		} else if (is(n, "port")) {
			/* counted before the read so cfg_free() sees its vlans */
			rc = read_port(n, &c->ports[c->n_ports++]);
			if (rc < 0)
				goto nomem;
		} else if (is(n, "vni")) {
			rc = read_vni(n, &c->vnis[c->n_vnis++], err, errlen);
			if (rc == -ENOMEM)
				goto nomem;
		} else if (is(n, "evpn")) {
			read_evpn(n, &c->evpn);
		} else if (is(n, "team")) {
			read_team(n, &c->teams[c->n_teams++]);
		} else if (is(n, "nexthop")) {
			rc = read_nexthop(n, &c->nexthops[c->n_nexthops++], err, errlen);
		} else if (is(n, "static-fdb")) {
			rc = read_fdb(n, &c->fdb[c->n_fdb++], err, errlen);
		} else if (is(n, "vlan-segment")) {
			read_segment(n, &c->segs[c->n_segs++]);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
nomem:
	set_err(err, errlen, TOP ": out of memory");
	return -ENOMEM;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static unsigned long line_of(const char *s, size_t off)
{
	unsigned long line = 1;

	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* The vxsw container among the parsed top-level nodes, or NULL. */
static const struct lyd_node *find_top(const struct lyd_node *tree)
{
	const struct lyd_node *n;

	LY_LIST_FOR(tree, n)
		if (n->schema != NULL && n->schema->module == cfg_ctx_module() && is(n, "vxsw"))
			return n;
	return NULL;
}

int cfg_load_json(const char *json, size_t len, struct cfg *c, char *err, unsigned errlen)
{
	struct ly_ctx *ctx;
	struct lyd_node *tree = NULL;
	const struct lyd_node *top;
	const char *nul;
	char *buf;
	struct cfg tmp;
	int rc;

	cfg_init(c);
	if (len > INPUT_MAX) {
		set_err(err, errlen, TOP ": document larger than 16 MiB");
		return -EFBIG;
	}
	if (json == NULL || blank(json, len)) {
		set_err(err, errlen, TOP ": no configuration (empty document)");
		return -EINVAL;
	}
	nul = memchr(json, '\0', len);
	if (nul != NULL) {
		set_err(err, errlen, "line %lu: NUL byte in document", line_of(json, nul - json));
		return -EINVAL;
	}
	if ((ctx = cfg_ctx_get(err, errlen)) == NULL)
		return -ENOMEM;
	/* libyang wants a terminated string */
	buf = malloc(len + 1);
	if (buf == NULL) {
		set_err(err, errlen, TOP ": out of memory");
		return -ENOMEM;
	}
	memcpy(buf, json, len);
	buf[len] = '\0';
	ly_err_clean(ctx, NULL);
	if (lyd_parse_data_mem(ctx, buf, LYD_JSON, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
			       LYD_VALIDATE_PRESENT | LYD_VALIDATE_NO_STATE, &tree) != LY_SUCCESS) {
		lyd_free_all(tree);
		cfg_ctx_parse_error(ctx, buf, err, errlen);
		free(buf);
		return -EINVAL;
	}
	free(buf);
	cfg_init(&tmp);
	top = find_top(tree);
	rc = top != NULL ? tree_to_cfg(top, &tmp, err, errlen) : 0;
	lyd_free_all(tree);
	if (rc == 0)
		rc = cfg_validate(&tmp, err, errlen);
	if (rc < 0) {
		cfg_free(&tmp);
		cfg_init(c);
		return rc;
	}
	*c = tmp;
	return 0;
}

/* Read fd to EOF into a malloc'd buffer of at most INPUT_MAX + 1 bytes (one
 * more than allowed, so the caller sees an oversized stream). */
static int read_all(int fd, size_t hint, char **out, size_t *outlen)
{
	size_t cap = hint > 0 && hint <= INPUT_MAX ? hint + 1 : 65536, got = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		if (got == cap) {
			if (cap > INPUT_MAX)
				break;
			cap = cap * 2 > INPUT_MAX + 1 ? INPUT_MAX + 1 : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + got, cap - got);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		got += (size_t)n;
	}
	*out = buf;
	*outlen = got;
	return 0;
}

int cfg_load_file(const char *path, struct cfg *c, char *err, unsigned errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	cfg_init(c);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (st.st_size > (off_t)INPUT_MAX)
		rc = -EFBIG;
	else    /* st_size is 0 for pipes and /proc files: read to EOF, bounded */
		rc = read_all(fd, (size_t)st.st_size, &buf, &len);
	close(fd);
	if (rc == 0 && len > INPUT_MAX) {
		free(buf);
		rc = -EFBIG;
	}
	if (rc == -EFBIG) {
		set_err(err, errlen, "%s: larger than 16 MiB", path);
		return rc;
	}
	if (rc < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = cfg_load_json(buf, len, c, err, errlen);
	free(buf);
	return rc;
}
