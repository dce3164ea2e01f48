/* Semantic checks of uplink teams. See cfg_team.h. */
#include "cfg_team.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TOP "/vxsw:vxsw"

static int check_member(const struct cfg *c, const struct cfg_team *t, unsigned m, char *err,
			unsigned errlen)
{
	const char *name = t->members[m];
	const struct cfg_port *p = cfg_port_by_name(c, name);

	if (p == NULL) {
		snprintf(err, errlen, TOP "/team[name='%s']/member: port '%s' does not exist", t->name,
			 name);
		return -EINVAL;
	}
	if (p->role != CFG_ROLE_UPLINK) {
		snprintf(err, errlen, TOP "/team[name='%s']/member: port '%s' is not an uplink",
			 t->name, name);
		return -EINVAL;
	}
	for (unsigned j = 0; j < m; j++)
		if (strcmp(t->members[j], name) == 0) {
			snprintf(err, errlen, TOP "/team[name='%s']/member: '%s' listed twice",
				 t->name, name);
			return -EINVAL;
		}
	for (const struct cfg_team *o = c->teams; o < t; o++)
		for (unsigned j = 0; j < o->n_members; j++)
			if (strcmp(o->members[j], name) == 0) {
				snprintf(err, errlen,
					 TOP "/team[name='%s']/member: port '%s' is already in team '%s'",
					 t->name, name, o->name);
				return -EINVAL;
			}
	return 0;
}

int cfg_validate_teams(const struct cfg *c, char *err, unsigned errlen)
{
	for (unsigned i = 0; i < c->n_teams; i++) {
		const struct cfg_team *t = &c->teams[i];
		int rc;

		if (t->name[0] == '\0' || strnlen(t->name, CFG_NAME_MAX) == CFG_NAME_MAX) {
			snprintf(err, errlen, TOP "/team: a team needs a name of 1..31 characters");
			return -EINVAL;
		}
		for (unsigned j = 0; j < i; j++)
			if (strcmp(c->teams[j].name, t->name) == 0) {
				snprintf(err, errlen, TOP "/team[name='%s']: duplicate team", t->name);
				return -EINVAL;
			}
		if (t->n_members < 1 || t->n_members > CFG_TEAM_MAX_MEMBERS) {
			snprintf(err, errlen, TOP "/team[name='%s']/member: a team has 1..%u members",
				 t->name, CFG_TEAM_MAX_MEMBERS);
			return -EINVAL;
		}
		if ((unsigned)t->mode > CFG_TEAM_BALANCE_SRC_MAC || (unsigned)t->hash > CFG_HASH_L2L3) {
			snprintf(err, errlen, TOP "/team[name='%s']: unknown mode or hash policy",
				 t->name);
			return -EINVAL;
		}
		for (unsigned m = 0; m < t->n_members; m++)
			if ((rc = check_member(c, t, m, err, errlen)) != 0)
				return rc;
	}
	if (c->vtep.team[0] != '\0' && cfg_team_by_name(c, c->vtep.team) == NULL) {
		snprintf(err, errlen, TOP "/vtep/team: team '%.31s' does not exist", c->vtep.team);
		return -EINVAL;
	}
	return 0;
}
