/* Semantic checks of VLAN-backed segments and rate limits. See cfg_segment.h. */
#include "cfg_segment.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TOP "/vxsw:vxsw"
#define RATE_MIN 8u
#define RATE_MAX 400000000u
#define BURST_MIN 1600u
#define BURST_MAX 1073741824u
#define BDS_MAX 4096u  /* bridge domains: VNIs and segments together (FDB_BD_MAX) */

static int bad_rate(uint32_t v)
{
	return v < RATE_MIN || v > RATE_MAX;
}

static int bad_burst(uint32_t v)
{
	return v < BURST_MIN || v > BURST_MAX;
}

int cfg_validate_limit(const struct cfg_rate_limit *l, const char *path, char *err,
		       unsigned errlen)
{
	if (l->average_kbps == 0 && l->peak_kbps == 0 && l->burst == 0 && l->peak_burst == 0)
		return 0;
	if (bad_rate(l->average_kbps))
		snprintf(err, errlen, "%s/rate-limit/average-rate: %u is out of range %u..%u", path,
			 l->average_kbps, RATE_MIN, RATE_MAX);
	else if (l->peak_kbps != 0 && bad_rate(l->peak_kbps))
		snprintf(err, errlen, "%s/rate-limit/peak-rate: %u is out of range %u..%u", path,
			 l->peak_kbps, RATE_MIN, RATE_MAX);
	else if (l->peak_kbps != 0 && l->peak_kbps < l->average_kbps)
		snprintf(err, errlen,
			 "%s/rate-limit/peak-rate: %u kbit/s is below the average-rate %u kbit/s",
			 path, l->peak_kbps, l->average_kbps);
	else if (bad_burst(l->burst))
		snprintf(err, errlen, "%s/rate-limit/burst-size: %u is out of range %u..%u", path,
			 l->burst, BURST_MIN, BURST_MAX);
	else if (l->peak_burst != 0 && bad_burst(l->peak_burst))
		snprintf(err, errlen, "%s/rate-limit/peak-burst-size: %u is out of range %u..%u",
			 path, l->peak_burst, BURST_MIN, BURST_MAX);
	else
		return 0;
	return -EINVAL;
}

static int vlan_str(char *buf, size_t len, uint16_t vlan)
{
	return vlan ? snprintf(buf, len, "VLAN %u", vlan) : snprintf(buf, len, "untagged (native)");
}

static int check_segment(const struct cfg *c, unsigned i, char *err, unsigned errlen)
{
	const struct cfg_segment *g = &c->segs[i];
	const struct cfg_team *under = cfg_underlay_team(c);
	char path[96], what[32];
	size_t n = strnlen(g->name, CFG_NAME_MAX);

	if (n == 0 || n == CFG_NAME_MAX) {
		snprintf(err, errlen, TOP "/vlan-segment: a segment needs a name of 1..31 characters");
		return -EINVAL;
	}
	snprintf(path, sizeof(path), TOP "/vlan-segment[name='%s']", g->name);
	for (unsigned j = 0; j < i; j++)
		if (strcmp(c->segs[j].name, g->name) == 0) {
			snprintf(err, errlen, "%s: duplicate segment", path);
			return -EINVAL;
		}
	if (g->vlan > 4094) {
		snprintf(err, errlen, "%s/vlan: %u is out of range 0..4094", path, g->vlan);
		return -EINVAL;
	}
	if (strnlen(g->team, CFG_NAME_MAX) == CFG_NAME_MAX || cfg_team_by_name(c, g->team) == NULL) {
		snprintf(err, errlen, "%s/team: team '%.31s' does not exist", path, g->team);
		return -EINVAL;
	}
	if (g->vlan == 0 && under != NULL && strcmp(under->name, g->team) == 0) {
		snprintf(err, errlen,
			 "%s/vlan: an untagged segment cannot use team '%s': its untagged frames "
			 "are the underlay (VXLAN and host path)", path, g->team);
		return -EINVAL;
	}
	vlan_str(what, sizeof(what), g->vlan);
	for (unsigned j = 0; j < i; j++)
		if (c->segs[j].vlan == g->vlan && strcmp(c->segs[j].team, g->team) == 0) {
			snprintf(err, errlen, "%s/vlan: %s on team '%s' is already segment '%s'", path,
				 what, g->team, c->segs[j].name);
			return -EINVAL;
		}
	return cfg_validate_limit(&g->limit, path, err, errlen);
}

int cfg_validate_segments(const struct cfg *c, char *err, unsigned errlen)
{
	char path[64];
	int rc;

	if (c->n_segs + c->n_vnis > BDS_MAX) {
		snprintf(err, errlen,
			 TOP "/vlan-segment: %u VNIs and segments configured, at most %u are supported",
			 c->n_segs + c->n_vnis, BDS_MAX);
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->n_segs; i++)
		if ((rc = check_segment(c, i, err, errlen)) != 0)
			return rc;
	for (unsigned i = 0; i < c->n_vnis; i++) {
		snprintf(path, sizeof(path), TOP "/vni[id='%u']", c->vnis[i].id);
		if ((rc = cfg_validate_limit(&c->vnis[i].limit, path, err, errlen)) != 0)
			return rc;
	}
	return 0;
}
