/* cfg_model: defaults, deep copy and lookups of struct cfg. */
#include "cfg_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cfg_init(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->global.workers = 1;
	c->global.fdb_max = 1048576;
	c->global.aging_s = 300;
	strcpy(c->global.ctl_socket, "/run/vxsw/vxswd.sock");
	c->vtep.udp_port = 4789;
	c->vtep.ttl = 64;
	strcpy(c->evpn.frr_rundir, "/run/frr");
	c->evpn.grace_s = 120;
	c->evpn.suppress = true;
}

void cfg_free(struct cfg *c)
{
	for (unsigned i = 0; i < c->n_ports; i++)
		free(c->ports[i].vlans);
	for (unsigned i = 0; i < c->n_vnis; i++)
		free(c->vnis[i].flood);
	free(c->ports);
	free(c->vnis);
	free(c->teams);
	free(c->nexthops);
	free(c->fdb);
	free(c->segs);
	memset(c, 0, sizeof(*c));
}

/* malloc'd copy of n elements of size sz; *out = NULL for n == 0. */
static int dup_array(void **out, const void *src, size_t n, size_t sz)
{
	*out = NULL;
	if (n == 0)
		return 0;
	*out = malloc(n * sz);
	if (*out == NULL)
		return -ENOMEM;
	memcpy(*out, src, n * sz);
	return 0;
}

int cfg_copy(struct cfg *dst, const struct cfg *src)
{
	struct cfg c = *src;

	/* Inner arrays point into src until replaced: n_ports / n_vnis count the
	 * entries this copy owns, so a failure frees only those. */
	c.ports = NULL;
	c.vnis = NULL;
	c.teams = NULL;
	c.nexthops = NULL;
	c.fdb = NULL;
	c.segs = NULL;
	c.n_ports = c.n_vnis = 0;
	if (dup_array((void **)&c.ports, src->ports, src->n_ports, sizeof(*c.ports)) < 0)
		goto fail;
	for (unsigned i = 0; i < src->n_ports; i++) {
		struct cfg_port *p = &c.ports[i];

		if (dup_array((void **)&p->vlans, src->ports[i].vlans, p->n_vlans,
			      sizeof(*p->vlans)) < 0)
			goto fail;
		c.n_ports = i + 1;
	}
	if (dup_array((void **)&c.vnis, src->vnis, src->n_vnis, sizeof(*c.vnis)) < 0)
		goto fail;
	for (unsigned i = 0; i < src->n_vnis; i++) {
		struct cfg_vni *v = &c.vnis[i];

		if (dup_array((void **)&v->flood, src->vnis[i].flood, v->n_flood,
			      sizeof(*v->flood)) < 0)
			goto fail;
		c.n_vnis = i + 1;
	}
	if (dup_array((void **)&c.teams, src->teams, src->n_teams, sizeof(*c.teams)) < 0)
		goto fail;
	if (dup_array((void **)&c.nexthops, src->nexthops, src->n_nexthops,
		      sizeof(*c.nexthops)) < 0)
		goto fail;
	if (dup_array((void **)&c.fdb, src->fdb, src->n_fdb, sizeof(*c.fdb)) < 0 ||
	    dup_array((void **)&c.segs, src->segs, src->n_segs, sizeof(*c.segs)) < 0)
		goto fail;
	*dst = c;
	return 0;
fail:
	cfg_free(&c);
	return -ENOMEM;
}

const struct cfg_port *cfg_port_by_name(const struct cfg *c, const char *name)
{
	for (unsigned i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return &c->ports[i];
	return NULL;
}

const struct cfg_vni *cfg_vni_by_id(const struct cfg *c, uint32_t id)
{
	for (unsigned i = 0; i < c->n_vnis; i++)
		if (c->vnis[i].id == id)
			return &c->vnis[i];
	return NULL;
}

const struct cfg_team *cfg_team_by_name(const struct cfg *c, const char *name)
{
	for (unsigned i = 0; i < c->n_teams; i++)
		if (strcmp(c->teams[i].name, name) == 0)
			return &c->teams[i];
	return NULL;
}

const struct cfg_segment *cfg_segment_by_name(const struct cfg *c, const char *name)
{
	for (unsigned i = 0; i < c->n_segs; i++)
		if (strcmp(c->segs[i].name, name) == 0)
			return &c->segs[i];
	return NULL;
}

const struct cfg_team *cfg_underlay_team(const struct cfg *c)
{
	if (c->vtep.team[0] != '\0')
		return cfg_team_by_name(c, c->vtep.team);
	return c->n_teams > 0 ? &c->teams[0] : NULL;
}

const struct cfg_team *cfg_team_of_port(const struct cfg *c, const char *port)
{
	for (unsigned i = 0; i < c->n_teams; i++)
		for (unsigned m = 0; m < c->teams[i].n_members; m++)
			if (strcmp(c->teams[i].members[m], port) == 0)
				return &c->teams[i];
	return NULL;
}

const char *cfg_team_mode_name(enum cfg_team_mode m)
{
	static const char *const names[] = {
		[CFG_TEAM_LACP] = "lacp",
		[CFG_TEAM_STATIC_IP_HASH] = "static-ip-hash",
		[CFG_TEAM_ACTIVE_BACKUP] = "active-backup",
		[CFG_TEAM_BALANCE_VM_PORT] = "balance-vm-port",
		[CFG_TEAM_BALANCE_SRC_MAC] = "balance-src-mac",
	};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

const char *cfg_hash_policy_name(enum cfg_hash_policy h)
{
	static const char *const names[] = {
		[CFG_HASH_L3L4] = "l3-l4", [CFG_HASH_L2] = "l2", [CFG_HASH_L2L3] = "l2-l3",
	};
	return (unsigned)h < sizeof(names) / sizeof(names[0]) ? names[h] : "?";
}
