/* zebra's EVPN MAC JSON -> struct evpn_frr_mac. See evpn_frr.h. */
#include "evpn_frr.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "vx_addr.h"

static bool get_u32(json_object *o, const char *key, uint32_t *out)
{
	json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	x = json_object_get_int64(v);
	if (x < 0 || x > UINT32_MAX)
		return false;
	*out = (uint32_t)x;
	return true;
}

/* One "MAC": {...} member; false if malformed. */
static bool parse_mac(const char *key, json_object *o, uint32_t vni, struct evpn_frr_mac *m)
{
	json_object *type, *dup;
	const char *t;

	memset(m, 0, sizeof(*m));
	m->vni = vni;
	if (!json_object_is_type(o, json_type_object) || vx_mac_parse(key, m->mac) != 0)
		return false;
	if (!json_object_object_get_ex(o, "type", &type) ||
	    !json_object_is_type(type, json_type_string))
		return false;
	t = json_object_get_string(type);
	if (strcmp(t, "remote") == 0)
		m->remote = true;
	else if (strcmp(t, "local") != 0)
		return false;
	if (!get_u32(o, "localSequence", &m->local_seq) ||
	    !get_u32(o, "remoteSequence", &m->remote_seq))
		return false;
	get_u32(o, "detectionCount", &m->moves); /* optional: absent without detection */
	if (json_object_object_get_ex(o, "isDuplicate", &dup)) {
		if (!json_object_is_type(dup, json_type_boolean))
			return false;
		m->duplicate = json_object_get_boolean(dup);
	}
	return true;
}

/* One VNI's {"numMacs": n, "macs": {...}}; -EINVAL if it is not that. */
static int parse_vni(json_object *o, uint32_t vni, evpn_frr_mac_fn fn, void *arg, unsigned *bad,
		     int *count)
{
	json_object *macs, *num;

	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(o, "macs", &macs)) /* none: {"numMacs": 0} */
		return json_object_object_get_ex(o, "numMacs", &num) &&
		       json_object_is_type(num, json_type_int) ? 0 : -EINVAL;
	if (!json_object_is_type(macs, json_type_object))
		return -EINVAL;
	json_object_object_foreach(macs, key, val) {
		struct evpn_frr_mac m;

		if (!parse_mac(key, val, vni, &m)) {
			(*bad)++;
			continue;
		}
		(*count)++;
		if (fn != NULL && fn(arg, &m) != 0)
			return 1;
	}
	return 0;
}

static bool vni_key(const char *s, uint32_t *vni)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 0xffffff)
		return false;
	*vni = (uint32_t)v;
	return true;
}

int evpn_frr_parse_macs(const char *text, size_t len, uint32_t vni, evpn_frr_mac_fn fn,
			void *arg, unsigned *bad)
{
	struct json_tokener *tok;
	json_object *root;
	unsigned skipped = 0;
	int count = 0, rc = 0;

	if (len > INT32_MAX || (tok = json_tokener_new()) == NULL)
		return -EINVAL;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(root, json_type_object)) {
		rc = -EINVAL;
	} else if (json_object_object_get_ex(root, "macs", NULL)) {
		rc = parse_vni(root, vni, fn, arg, &skipped, &count);
	} else {
		json_object_object_foreach(root, key, val) {
			uint32_t v;

			if (!vni_key(key, &v)) { /* not a VNI: not this document */
				rc = -EINVAL;
				break;
			}
			rc = parse_vni(val, v, fn, arg, &skipped, &count);
			if (rc != 0)
				break;
		}
	}
	json_object_put(root);
	json_tokener_free(tok);
	if (bad != NULL)
		*bad = skipped;
	return rc < 0 ? rc : count;
}
