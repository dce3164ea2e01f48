/* libFuzzer target for vtep/vtep_hdr: vtep_classify and vtep_flow_hash on any
 * bytes, plus an encap/classify round trip with the input as the inner frame.
 * Invariants are checked with abort() so a violation is reported as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vtep_hdr.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const struct vtep_local local_v4v6 = {
	.ip4 = { .af = AF_INET, .a = { 192, 0, 2, 1 } },
	.ip6 = { .af = AF_INET6, .a = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	.udp_port = VTEP_UDP_PORT_DEFAULT,
};

static void check_classify(const uint8_t *data, uint32_t len, const struct vtep_local *l)
{
	struct vtep_decap_info info;
	enum vtep_class c = vtep_classify(data, len, l, &info);

	CHECK(vtep_drop_name(info.drop) != NULL);
	switch (c) {
	case VTEP_CLASS_VXLAN:
		CHECK(info.drop == VTEP_DROP_OK);
		CHECK((uint32_t)info.inner_off + info.inner_len <= len);
		CHECK(info.inner_off >= VTEP_OUTER_LEN_V4);
		CHECK(info.inner_len >= 14);
		CHECK(info.vni <= VTEP_VNI_MAX);
		CHECK(info.outer_src.af == AF_INET || info.outer_src.af == AF_INET6);
		break;
	case VTEP_CLASS_DROP:
		CHECK(info.drop > VTEP_DROP_OK && info.drop < VTEP_DROP_COUNT);
		break;
	case VTEP_CLASS_HOST:
	case VTEP_CLASS_SLOWPROTO:
		CHECK(info.drop == VTEP_DROP_OK);
		break;
	default:
		abort();
	}
}

/* Whatever the inner frame, encap then classify gives it back or names why not. */
static void check_round_trip(const uint8_t *inner, uint32_t len, bool v6)
{
	static uint8_t out[VTEP_OUTER_LEN_MAX + 2048];
	struct vtep_rewrite_params p = { .udp_port = VTEP_UDP_PORT_DEFAULT, .ttl = 64 };
	struct vtep_local l = { .udp_port = VTEP_UDP_PORT_DEFAULT, .allow_inner_vlan = true };
	struct vtep_decap_info info;
	struct vtep_rewrite rw;
	uint32_t vni = len ? (uint32_t)inner[0] * 0x10101u : 0;

	if (len > 2048)
		return;
	p.src_ip = local_v4v6.ip4;
	p.dst_ip = local_v4v6.ip4;
	if (v6) {
		p.src_ip = local_v4v6.ip6;
		p.dst_ip = local_v4v6.ip6;
	}
	l.ip4 = local_v4v6.ip4;
	l.ip6 = local_v4v6.ip6;
	CHECK(vtep_rewrite_init(&rw, &p) == 0);
	if (len)
		memcpy(out + rw.len, inner, len);
	vtep_encap(out, &rw, vni, vtep_sport(vtep_flow_hash(inner, len)), (uint16_t)len);
	if (vtep_classify(out, rw.len + len, &l, &info) != VTEP_CLASS_VXLAN) {
		CHECK(len < 14 && info.drop == VTEP_DROP_INNER_TRUNCATED);
		return;
	}
	CHECK(info.vni == vni && info.inner_off == rw.len && info.inner_len == len);
	CHECK(memcmp(out + info.inner_off, inner, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtep_local l = local_v4v6;
	uint32_t len = size > 65535 ? 65535 : (uint32_t)size;

	check_classify(data, len, &l);
	l.allow_inner_vlan = true;
	check_classify(data, len, &l);
	CHECK(vtep_flow_hash(data, len) == vtep_flow_hash(data, len));
	check_round_trip(data, len, len & 1);
	return 0;
}
