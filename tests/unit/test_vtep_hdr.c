/* Tests for vtep/vtep_hdr: VXLAN classify/decap checks, encap, flow hash.
 *
 * Frames are crafted by frame_vxlan() from a struct of deviations from a valid
 * VXLAN frame to the local VTEP, and classified from an exact-size heap copy
 * so that AddressSanitizer sees any read past the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cu_main.h"
#include "vtep_hdr.h"
#include "vx_addr.h"

#define LOCAL4  "192.0.2.1"
#define REMOTE4 "192.0.2.2"
#define LOCAL6  "2001:db8::1"
#define REMOTE6 "2001:db8::2"
#define INNER_DEFAULT_LEN 64

static const uint8_t MAC_LOCAL[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_TOR[6] = { 0x02, 0, 0, 0, 0, 0xfe };

/* ---- helpers ------------------------------------------------------------ */

/** Deviations from a valid VXLAN frame to the local VTEP; zero = valid. */
struct vx_opts {
	bool v6;
	uint32_t vni;
	const char *dst;          /* NULL: the local VTEP address */
	uint16_t udp_port;        /* 0: 4789 */
	uint8_t proto;            /* 0: UDP (IPv4 protocol / IPv6 next header) */
	bool clear_i_flag;
	bool reserved_bits;       /* set every reserved bit of the VXLAN header */
	bool mf;                  /* IPv4 more fragments */
	uint16_t frag_off;        /* IPv4 fragment offset, 8-byte units */
	bool bad_cksum;
	uint8_t options;          /* IPv4 option words: IHL = 5 + options */
	uint8_t ihl;              /* nonzero: write this IHL instead */
	uint8_t version;          /* nonzero: write this IP version instead */
	int ip_len_delta;         /* added to IPv4 total / IPv6 payload length */
	int udp_len_delta;        /* added to the UDP length */
	int inner_len;            /* 0: INNER_DEFAULT_LEN bytes, < 0: none */
	uint16_t inner_type;      /* 0: IPv4 */
	uint16_t outer_tag;       /* nonzero: an outer tag of this TPID */
	uint16_t eth_type;        /* nonzero: this outer ethertype instead */
	uint16_t eth_pad;         /* Ethernet padding after the IP packet */
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One's-complement sum of big-endian words: the test's own checksum oracle. */
static uint32_t ones_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void put_ip(uint8_t *p, const char *s)
{
	struct vx_ip ip;

	CU_ASSERT_FATAL(vx_ip_parse(s, &ip) == 0);
	memcpy(p, ip.a, ip.af == AF_INET ? 4 : 16);
}

static int inner_bytes(const struct vx_opts *o)
{
	return o->inner_len == 0 ? INNER_DEFAULT_LEN : (o->inner_len < 0 ? 0 : o->inner_len);
}

/** Build the frame described by o into buf; returns its length. */
static uint32_t frame_vxlan(uint8_t *buf, const struct vx_opts *o)
{
	uint32_t off = 12, ip_off, udp_off, hlen, n = (uint32_t)inner_bytes(o), i;
	uint8_t *ip, *udp, *vx, *inner;

	memset(buf, 0, 2048);
	memcpy(buf, MAC_LOCAL, 6);
	memcpy(buf + 6, MAC_TOR, 6);
	if (o->outer_tag) {
		put16(buf + off, o->outer_tag);
		put16(buf + off + 2, 100);
		off += 4;
	}
	put16(buf + off, o->eth_type ? o->eth_type : (o->v6 ? 0x86dd : 0x0800));
	ip_off = off + 2;
	ip = buf + ip_off;
	hlen = o->v6 ? 40 : 20 + 4u * o->options;
	udp_off = ip_off + hlen;
	udp = buf + udp_off;
	vx = udp + 8;
	inner = vx + 8;

	for (i = 0; i < n; i++)
		inner[i] = (uint8_t)(0xa0 + i);
	if (n >= 14) {
		memcpy(inner, "\x02\x00\x00\x00\x0a\x01\x02\x00\x00\x00\x0a\x02", 12);
		put16(inner + 12, o->inner_type ? o->inner_type : 0x0800);
	}

	vx[0] = (uint8_t)((o->clear_i_flag ? 0 : 0x08) | (o->reserved_bits ? 0xf7 : 0));
	if (o->reserved_bits)
		vx[1] = vx[2] = vx[3] = vx[7] = 0xff;
	vx[4] = (uint8_t)(o->vni >> 16);
	vx[5] = (uint8_t)(o->vni >> 8);
	vx[6] = (uint8_t)o->vni;

	put16(udp, 50000);
	put16(udp + 2, o->udp_port ? o->udp_port : 4789);
	put16(udp + 4, (uint32_t)(16 + (int)n + o->udp_len_delta));

	if (o->v6) {
		ip[0] = (uint8_t)((o->version ? o->version : 6) << 4);
		put16(ip + 4, (uint32_t)(16 + (int)n + o->ip_len_delta));
		ip[6] = o->proto ? o->proto : 17;
		ip[7] = 64;
		put_ip(ip + 8, REMOTE6);
		put_ip(ip + 24, o->dst ? o->dst : LOCAL6);
	} else {
		ip[0] = (uint8_t)((o->version ? o->version : 4) << 4 |
				  (o->ihl ? o->ihl : 5 + o->options));
		put16(ip + 2, (uint32_t)((int)hlen + 16 + (int)n + o->ip_len_delta));
		put16(ip + 4, 0x1234);
		put16(ip + 6, (o->mf ? 0x2000u : 0) | o->frag_off);
		ip[8] = 64;
		ip[9] = o->proto ? o->proto : 17;
		put_ip(ip + 12, REMOTE4);
		put_ip(ip + 16, o->dst ? o->dst : LOCAL4);
		memset(ip + 20, 1, 4u * o->options); /* NOP options */
		put16(ip + 10, (uint16_t)~ones_sum(ip, hlen, 0) ^ (o->bad_cksum ? 1 : 0));
	}
	return udp_off + 16 + n + o->eth_pad;
}

static struct vtep_local local_vtep(void)
{
	struct vtep_local l = { .udp_port = VTEP_UDP_PORT_DEFAULT };

	CU_ASSERT_FATAL(vx_ip_parse(LOCAL4, &l.ip4) == 0);
	CU_ASSERT_FATAL(vx_ip_parse(LOCAL6, &l.ip6) == 0);
	return l;
}

/* Classify len bytes of buf from an exact-size heap copy. */
static enum vtep_class classify_bytes(const uint8_t *buf, uint32_t len,
				      const struct vtep_local *l, struct vtep_decap_info *info)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum vtep_class c;

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, buf, len);
	c = vtep_classify(copy, len, l, info);
	free(copy);
	return c;
}

static enum vtep_class classify_with(const struct vx_opts *o, const struct vtep_local *l,
				     struct vtep_decap_info *info)
{
	static uint8_t buf[2048];

	return classify_bytes(buf, frame_vxlan(buf, o), l, info);
}

static enum vtep_class classify_opts(const struct vx_opts *o, struct vtep_decap_info *info)
{
	struct vtep_local l = local_vtep();

	return classify_with(o, &l, info);
}

#define EXPECT_DROP(why, ...) do { \
	struct vtep_decap_info i_; \
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ __VA_ARGS__ }, &i_), VTEP_CLASS_DROP); \
	CU_ASSERT_EQUAL(i_.drop, why); \
} while (0)

#define EXPECT_HOST(...) do { \
	struct vtep_decap_info i_; \
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ __VA_ARGS__ }, &i_), VTEP_CLASS_HOST); \
	CU_ASSERT_EQUAL(i_.drop, VTEP_DROP_OK); \
} while (0)

static bool ip_is(const struct vx_ip *ip, const char *s)
{
	struct vx_ip want;

	return vx_ip_parse(s, &want) == 0 && vx_ip_eq(ip, &want);
}

/* ---- classify: accepted frames ------------------------------------------ */

static void test_classify_accepts_ipv4_vxlan_and_fills_info(void)
{
	struct vtep_decap_info info;

	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .vni = 0x123456 }, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_OK);
	CU_ASSERT_EQUAL(info.vni, 0x123456);
	CU_ASSERT_TRUE(ip_is(&info.outer_src, REMOTE4));
	CU_ASSERT_EQUAL(info.inner_off, VTEP_OUTER_LEN_V4);
	CU_ASSERT_EQUAL(info.inner_len, INNER_DEFAULT_LEN);
}

static void test_classify_accepts_ipv6_vxlan_and_fills_info(void)
{
	struct vtep_decap_info info;

	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .v6 = true, .vni = VTEP_VNI_MAX }, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_OK);
	CU_ASSERT_EQUAL(info.vni, VTEP_VNI_MAX);
	CU_ASSERT_TRUE(ip_is(&info.outer_src, REMOTE6));
	CU_ASSERT_EQUAL(info.inner_off, VTEP_OUTER_LEN_V6);
	CU_ASSERT_EQUAL(info.inner_len, INNER_DEFAULT_LEN);
}

static void test_classify_skips_ipv4_options_and_ignores_ethernet_padding(void)
{
	struct vtep_decap_info info;

	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .vni = 7, .options = 2, .eth_pad = 20,
					.inner_len = 14 }, &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, 7);
	CU_ASSERT_EQUAL(info.inner_off, VTEP_OUTER_LEN_V4 + 8);
	CU_ASSERT_EQUAL(info.inner_len, 14);
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .options = 10 }, &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.inner_off, VTEP_OUTER_LEN_V4 + 40);
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .v6 = true, .eth_pad = 3 }, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.inner_len, INNER_DEFAULT_LEN);
}

/* The option-less frame takes a fast path, a frame with options the general
 * one: apart from where the inner frame starts, the answers are the same. */
static void test_classify_fast_path_equals_general_path(void)
{
	static const int deltas[] = { 0, -10, -16, -17 };
	struct vtep_decap_info fast, slow;

	for (unsigned i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		struct vx_opts o = { .vni = 0xabcdef, .udp_len_delta = deltas[i], .eth_pad = 5 };
		enum vtep_class c = classify_opts(&o, &fast);

		o.options = 1;
		CU_ASSERT_EQUAL(classify_opts(&o, &slow), c);
		CU_ASSERT_EQUAL(fast.drop, slow.drop);
		CU_ASSERT_EQUAL(fast.vni, slow.vni);
		CU_ASSERT_EQUAL(fast.inner_len, slow.inner_len);
		CU_ASSERT_EQUAL(memcmp(&fast.outer_src, &slow.outer_src, sizeof(slow.outer_src)),
				0);
		if (c == VTEP_CLASS_VXLAN)
			CU_ASSERT_EQUAL(fast.inner_off + 4, slow.inner_off);
	}
}

static void test_classify_takes_inner_length_from_udp_not_ip(void)
{
	struct vtep_decap_info info;

	/* IP bytes after the UDP datagram are ignored, like Ethernet padding. */
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .ip_len_delta = 6, .eth_pad = 6 }, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.inner_len, INNER_DEFAULT_LEN);
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .udp_len_delta = -10 }, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.inner_len, INNER_DEFAULT_LEN - 10);
}

static void test_classify_ignores_vxlan_reserved_bits(void)
{
	struct vtep_decap_info info;

	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .vni = 0xabcdef, .reserved_bits = true },
				      &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, 0xabcdef);
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .v6 = true, .reserved_bits = true }, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, 0);
}

static void test_classify_uses_the_configured_udp_port(void)
{
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;

	l.udp_port = 8472;
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .udp_port = 8472 }, &l, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .udp_port = 4789 }, &l, &info),
			VTEP_CLASS_HOST);
}

static void test_classify_reads_unaligned_frames(void)
{
	static uint8_t buf[2048], shifted[2049];
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;
	uint32_t len = frame_vxlan(buf, &(struct vx_opts){ .vni = 99, .options = 1 });

	memcpy(shifted + 1, buf, len);
	CU_ASSERT_EQUAL(vtep_classify(shifted + 1, len, &l, &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, 99);
	len = frame_vxlan(buf, &(struct vx_opts){ .v6 = true, .vni = 98 });
	memcpy(shifted + 1, buf, len);
	CU_ASSERT_EQUAL(vtep_classify(shifted + 1, len, &l, &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, 98);
}

/* ---- classify: host and slow protocols ---------------------------------- */

static void test_classify_sends_slow_protocols_to_the_team(void)
{
	uint8_t lacp[60] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02, 0x02, 0, 0, 0, 0, 0xfe,
			     0x88, 0x09, 0x01, 0x01 };
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;

	CU_ASSERT_EQUAL(classify_bytes(lacp, sizeof(lacp), &l, &info), VTEP_CLASS_SLOWPROTO);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_OK);
}

static void test_classify_sends_ip_not_addressed_to_us_to_host(void)
{
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;

	EXPECT_HOST(.dst = "192.0.2.99");
	EXPECT_HOST(.v6 = true, .dst = "2001:db8::99");
	EXPECT_HOST(.dst = "10.0.0.1");
	/* No IPv6 VTEP address configured: nothing over IPv6 is ours. */
	memset(&l.ip6, 0, sizeof(l.ip6));
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .v6 = true }, &l, &info), VTEP_CLASS_HOST);
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .vni = 1 }, &l, &info), VTEP_CLASS_VXLAN);
	memset(&l.ip4, 0, sizeof(l.ip4));
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .vni = 1 }, &l, &info), VTEP_CLASS_HOST);
}

static void test_classify_sends_malformed_ip_not_for_us_to_host(void)
{
	EXPECT_HOST(.dst = "192.0.2.99", .bad_cksum = true);
	EXPECT_HOST(.dst = "192.0.2.99", .ihl = 4);
	EXPECT_HOST(.dst = "192.0.2.99", .ip_len_delta = 100);
	EXPECT_HOST(.dst = "192.0.2.99", .mf = true);
	EXPECT_HOST(.v6 = true, .dst = "2001:db8::99", .ip_len_delta = 100);
}

static void test_classify_sends_other_traffic_to_us_to_host(void)
{
	EXPECT_HOST(.udp_port = 4790);              /* other UDP service */
	EXPECT_HOST(.udp_port = 3784);              /* BFD */
	EXPECT_HOST(.proto = 6);                    /* TCP: BGP */
	EXPECT_HOST(.proto = 1);                    /* ICMP */
	EXPECT_HOST(.eth_type = 0x0806);            /* ARP */
	EXPECT_HOST(.eth_type = 0x88cc);            /* LLDP */
	EXPECT_HOST(.v6 = true, .proto = 58);       /* ICMPv6, ND */
	EXPECT_HOST(.v6 = true, .proto = 43);       /* routing header first */
	EXPECT_HOST(.v6 = true, .proto = 60);       /* destination options first */
	EXPECT_HOST(.v6 = true, .proto = 44);       /* IPv6 fragment header */
	EXPECT_HOST(.v6 = true, .udp_port = 53);
}

static void test_classify_sends_outer_tagged_vxlan_to_host(void)
{
	/* OUTER_VLAN names a drop for callers; classify itself never decaps a tagged frame. */
	EXPECT_HOST(.outer_tag = 0x8100);
	EXPECT_HOST(.outer_tag = 0x88a8);
	EXPECT_HOST(.outer_tag = 0x8100, .v6 = true);
	CU_ASSERT_STRING_EQUAL(vtep_drop_name(VTEP_DROP_OUTER_VLAN), "outer-vlan-tagged");
}

/* ---- classify: drops ------------------------------------------------------ */

static void test_classify_drops_truncated_frames(void)
{
	static uint8_t buf[2048];
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;
	uint32_t len;

	len = frame_vxlan(buf, &(struct vx_opts){ .vni = 1 });
	CU_ASSERT_EQUAL(classify_bytes(buf, 0, &l, &info), VTEP_CLASS_DROP);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_TRUNCATED);
	CU_ASSERT_EQUAL(classify_bytes(buf, 13, &l, &info), VTEP_CLASS_DROP);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_TRUNCATED);
	CU_ASSERT_EQUAL(classify_bytes(buf, 33, &l, &info), VTEP_CLASS_DROP);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_TRUNCATED);
	CU_ASSERT(len > 34);
	len = frame_vxlan(buf, &(struct vx_opts){ .v6 = true });
	CU_ASSERT_EQUAL(classify_bytes(buf, 53, &l, &info), VTEP_CLASS_DROP);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_TRUNCATED);
	/* UDP to us whose IP payload ends inside the UDP header. */
	EXPECT_DROP(VTEP_DROP_TRUNCATED, .ip_len_delta = -(16 + INNER_DEFAULT_LEN) + 6);
	EXPECT_DROP(VTEP_DROP_TRUNCATED, .ip_len_delta = -(16 + INNER_DEFAULT_LEN) + 2);
	EXPECT_DROP(VTEP_DROP_TRUNCATED, .v6 = true, .ip_len_delta = -(16 + INNER_DEFAULT_LEN) + 7);
	EXPECT_DROP(VTEP_DROP_TRUNCATED, .v6 = true, .ip_len_delta = -(16 + INNER_DEFAULT_LEN));
}

static void test_classify_drops_bad_ipv4_header_to_us(void)
{
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .ihl = 4);
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .ihl = 1);
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .version = 6);
	/* total length shorter than the header, or longer than the frame */
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .ip_len_delta = -(20 + 16 + INNER_DEFAULT_LEN) + 19);
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .ip_len_delta = 1);
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .ihl = 15, .inner_len = 14); /* 60 > total 50 */
	/* malformed to us is dropped whatever the protocol */
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_HEADER, .ihl = 4, .proto = 6);
}

static void test_classify_drops_bad_ipv4_checksum_to_us(void)
{
	static uint8_t buf[2048];
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;
	uint32_t len;

	EXPECT_DROP(VTEP_DROP_IPV4_BAD_CKSUM, .bad_cksum = true);
	EXPECT_DROP(VTEP_DROP_IPV4_BAD_CKSUM, .bad_cksum = true, .proto = 6);
	/* the checksum covers the options */
	len = frame_vxlan(buf, &(struct vx_opts){ .options = 1 });
	buf[14 + 21] ^= 0x40;
	CU_ASSERT_EQUAL(classify_bytes(buf, len, &l, &info), VTEP_CLASS_DROP);
	CU_ASSERT_EQUAL(info.drop, VTEP_DROP_IPV4_BAD_CKSUM);
	CU_ASSERT_TRUE(ip_is(&info.outer_src, REMOTE4));
}

/* The option-less header is checked word by word: any flipped bit of a
 * field the earlier checks do not read is caught, and headers whose sum
 * carries (ID and source address varied) still pass. */
static void test_classify_checks_every_bit_of_the_ipv4_checksum(void)
{
	static const uint8_t bytes[] = { 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static uint8_t buf[2048];
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;
	uint32_t len = frame_vxlan(buf, &(struct vx_opts){ 0 });
	uint8_t *ip = buf + 14;

	for (unsigned i = 0; i < sizeof(bytes); i++)
		for (int bit = 0; bit < 8; bit++) {
			ip[bytes[i]] ^= (uint8_t)(1u << bit);
			CU_ASSERT_EQUAL(classify_bytes(buf, len, &l, &info), VTEP_CLASS_DROP);
			CU_ASSERT_EQUAL(info.drop, VTEP_DROP_IPV4_BAD_CKSUM);
			ip[bytes[i]] ^= (uint8_t)(1u << bit);
		}
	for (uint32_t k = 0; k < 70000; k += 7) {
		put16(ip + 4, k);
		put16(ip + 12, k * 40503u);
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~ones_sum(ip, 20, 0));
		CU_ASSERT_EQUAL(classify_bytes(buf, len, &l, &info), VTEP_CLASS_VXLAN);
	}
}

static void test_classify_drops_ipv4_fragments_of_vxlan(void)
{
	EXPECT_DROP(VTEP_DROP_IPV4_FRAGMENT, .mf = true);                 /* first: by port */
	EXPECT_DROP(VTEP_DROP_IPV4_FRAGMENT, .frag_off = 185);            /* later: by protocol */
	EXPECT_DROP(VTEP_DROP_IPV4_FRAGMENT, .frag_off = 185, .mf = true);
	EXPECT_DROP(VTEP_DROP_IPV4_FRAGMENT, .frag_off = 1, .udp_port = 53);
	EXPECT_HOST(.mf = true, .udp_port = 53);  /* first fragment of another UDP service */
	EXPECT_HOST(.frag_off = 185, .proto = 6); /* not UDP */
	EXPECT_HOST(.mf = true, .proto = 1);
}

static void test_classify_drops_bad_ipv6_header_to_us(void)
{
	EXPECT_DROP(VTEP_DROP_IPV6_BAD_HEADER, .v6 = true, .ip_len_delta = 1);
	EXPECT_DROP(VTEP_DROP_IPV6_BAD_HEADER, .v6 = true, .ip_len_delta = 1000, .proto = 58);
	EXPECT_DROP(VTEP_DROP_IPV6_BAD_HEADER, .v6 = true, .version = 4);
}

static void test_classify_drops_bad_udp_length(void)
{
	EXPECT_DROP(VTEP_DROP_UDP_BAD_LENGTH, .udp_len_delta = 1);   /* beyond the IP payload */
	EXPECT_DROP(VTEP_DROP_UDP_BAD_LENGTH, .udp_len_delta = -(INNER_DEFAULT_LEN + 1));
	EXPECT_DROP(VTEP_DROP_UDP_BAD_LENGTH, .udp_len_delta = -(INNER_DEFAULT_LEN + 16));
	EXPECT_DROP(VTEP_DROP_UDP_BAD_LENGTH, .v6 = true, .udp_len_delta = 1);
	EXPECT_DROP(VTEP_DROP_UDP_BAD_LENGTH, .v6 = true, .udp_len_delta = -(INNER_DEFAULT_LEN + 9));
}

static void test_classify_drops_vxlan_with_i_flag_clear(void)
{
	EXPECT_DROP(VTEP_DROP_VXLAN_NO_I_FLAG, .clear_i_flag = true);
	EXPECT_DROP(VTEP_DROP_VXLAN_NO_I_FLAG, .clear_i_flag = true, .reserved_bits = true);
	EXPECT_DROP(VTEP_DROP_VXLAN_NO_I_FLAG, .v6 = true, .clear_i_flag = true);
}

static void test_classify_drops_inner_frame_shorter_than_ethernet(void)
{
	struct vtep_decap_info info;

	EXPECT_DROP(VTEP_DROP_INNER_TRUNCATED, .inner_len = 13);
	EXPECT_DROP(VTEP_DROP_INNER_TRUNCATED, .inner_len = -1);
	EXPECT_DROP(VTEP_DROP_INNER_TRUNCATED, .v6 = true, .inner_len = 1);
	CU_ASSERT_EQUAL(classify_opts(&(struct vx_opts){ .inner_len = 14 }, &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.inner_len, 14);
}

static void test_classify_drops_inner_vlan_unless_allowed(void)
{
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;

	EXPECT_DROP(VTEP_DROP_INNER_VLAN, .inner_type = 0x8100);
	EXPECT_DROP(VTEP_DROP_INNER_VLAN, .inner_type = 0x88a8);
	EXPECT_DROP(VTEP_DROP_INNER_VLAN, .v6 = true, .inner_type = 0x8100);
	l.allow_inner_vlan = true;
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .inner_type = 0x8100, .vni = 5 }, &l, &info),
			VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, 5);
	CU_ASSERT_EQUAL(classify_with(&(struct vx_opts){ .inner_type = 0x88a8 }, &l, &info),
			VTEP_CLASS_VXLAN);
}

static void test_drop_names_are_distinct_and_stable(void)
{
	int i, j;

	CU_ASSERT_EQUAL(VTEP_DROP_COUNT, 11);
	for (i = 0; i < VTEP_DROP_COUNT; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(vtep_drop_name((enum vtep_drop)i));
		CU_ASSERT(strlen(vtep_drop_name((enum vtep_drop)i)) > 0);
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(vtep_drop_name((enum vtep_drop)i),
					 vtep_drop_name((enum vtep_drop)j)) != 0);
	}
	CU_ASSERT_STRING_EQUAL(vtep_drop_name(VTEP_DROP_OK), "ok");
	CU_ASSERT_STRING_EQUAL(vtep_drop_name(VTEP_DROP_IPV4_BAD_CKSUM), "ipv4-bad-checksum");
	CU_ASSERT_STRING_EQUAL(vtep_drop_name(VTEP_DROP_INNER_VLAN), "inner-vlan-tagged");
	CU_ASSERT_STRING_EQUAL(vtep_drop_name(VTEP_DROP_COUNT), "unknown");
}

/* ---- classify: robustness -------------------------------------------------- */

static void sweep_prefixes(const struct vx_opts *o, uint32_t ip_end, uint32_t min_ip,
			   enum vtep_drop cut_ip)
{
	static uint8_t buf[2048];
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;
	uint32_t len = frame_vxlan(buf, o), cut;
	enum vtep_class c;

	for (cut = 0; cut < len; cut++) {
		c = classify_bytes(buf, cut, &l, &info);
		if (c == VTEP_CLASS_VXLAN) {
			CU_ASSERT(cut >= ip_end);
			CU_ASSERT((uint32_t)info.inner_off + info.inner_len <= cut);
			continue;
		}
		CU_ASSERT_EQUAL(c, VTEP_CLASS_DROP);
		CU_ASSERT_EQUAL(info.drop, cut < min_ip ? VTEP_DROP_TRUNCATED : cut_ip);
	}
}

static void test_classify_survives_every_truncation(void)
{
	uint32_t end4 = VTEP_OUTER_LEN_V4 + 4 + INNER_DEFAULT_LEN;
	uint32_t end6 = VTEP_OUTER_LEN_V6 + INNER_DEFAULT_LEN;

	sweep_prefixes(&(struct vx_opts){ .options = 1, .eth_pad = 9 }, end4, 34,
		       VTEP_DROP_IPV4_BAD_HEADER);
	sweep_prefixes(&(struct vx_opts){ .v6 = true, .eth_pad = 4 }, end6, 54,
		       VTEP_DROP_IPV6_BAD_HEADER);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_classify_survives_random_corruption(void)
{
	static uint8_t buf[2048];
	struct vtep_local l = local_vtep();
	struct vtep_decap_info info;
	uint32_t seed = 12345, len, i, k;
	enum vtep_class c;

	for (i = 0; i < 20000; i++) {
		len = frame_vxlan(buf, &(struct vx_opts){ .v6 = i & 1, .options = i % 3 });
		for (k = 0; k < 1 + i % 4; k++)
			buf[xorshift(&seed) % 100] = (uint8_t)xorshift(&seed);
		len -= xorshift(&seed) % 8;
		l.allow_inner_vlan = i & 2;
		c = classify_bytes(buf, len, &l, &info);
		CU_ASSERT(c <= VTEP_CLASS_DROP);
		CU_ASSERT((c == VTEP_CLASS_DROP) == (info.drop != VTEP_DROP_OK));
		CU_ASSERT(info.drop < VTEP_DROP_COUNT);
		if (c == VTEP_CLASS_VXLAN) {
			CU_ASSERT((uint32_t)info.inner_off + info.inner_len <= len);
			CU_ASSERT(info.inner_len >= 14);
			CU_ASSERT(info.vni <= VTEP_VNI_MAX);
		}
		(void)vtep_flow_hash(buf, len);
	}
}

/* ---- rewrite and encap ------------------------------------------------------ */

static struct vtep_rewrite_params params(bool v6)
{
	struct vtep_rewrite_params p = { .udp_port = 4789, .ttl = 64 };

	memcpy(p.src_mac, MAC_LOCAL, 6);
	memcpy(p.dst_mac, MAC_TOR, 6);
	CU_ASSERT_FATAL(vx_ip_parse(v6 ? LOCAL6 : LOCAL4, &p.src_ip) == 0);
	CU_ASSERT_FATAL(vx_ip_parse(v6 ? REMOTE6 : REMOTE4, &p.dst_ip) == 0);
	return p;
}

/* An inner frame of n bytes: MACs, IPv4 ethertype, then counting bytes. */
static void fill_inner(uint8_t *p, uint32_t n, uint8_t seed)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
	put16(p + 12, 0x0800);
}

static void test_rewrite_init_rejects_mixed_or_unset_families(void)
{
	struct vtep_rewrite rw;
	struct vtep_rewrite_params p = params(false);

	CU_ASSERT_FATAL(vx_ip_parse(REMOTE6, &p.dst_ip) == 0);
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), -EINVAL);
	p = params(true);
	CU_ASSERT_FATAL(vx_ip_parse(REMOTE4, &p.dst_ip) == 0);
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), -EINVAL);
	p = params(false);
	memset(&p.src_ip, 0, sizeof(p.src_ip));
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), -EINVAL);
	memset(&p.dst_ip, 0, sizeof(p.dst_ip));
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), -EINVAL);
	p = params(false);
	p.ttl = 0;
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), -EINVAL);
	p = params(true);
	p.udp_port = 0;
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), -EINVAL);

	p = params(false);
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), 0);
	CU_ASSERT_EQUAL(rw.len, VTEP_OUTER_LEN_V4);
	CU_ASSERT_EQUAL(rw.af, AF_INET);
	p = params(true);
	CU_ASSERT_EQUAL(vtep_rewrite_init(&rw, &p), 0);
	CU_ASSERT_EQUAL(rw.len, VTEP_OUTER_LEN_V6);
	CU_ASSERT_EQUAL(rw.af, AF_INET6);
}

static void test_encap_ipv4_writes_exact_header(void)
{
	static uint8_t buf[1 + VTEP_OUTER_LEN_V4 + 100], inner[100];
	const uint16_t n = sizeof(inner);
	uint8_t *out = buf + 1; /* odd address: the header must not need alignment */
	struct vtep_rewrite_params p = params(false);
	struct vtep_rewrite rw;
	const uint8_t *ip = out + 14, *udp = out + 34, *vx = out + 42;

	p.ttl = 33;
	CU_ASSERT_FATAL(vtep_rewrite_init(&rw, &p) == 0);
	fill_inner(inner, sizeof(inner), 3);
	memcpy(out + rw.len, inner, sizeof(inner));
	vtep_encap(out, &rw, 0x0a0b0c, 50001, sizeof(inner));

	CU_ASSERT_EQUAL(memcmp(out, MAC_TOR, 6), 0);
	CU_ASSERT_EQUAL(memcmp(out + 6, MAC_LOCAL, 6), 0);
	CU_ASSERT_EQUAL(get16(out + 12), 0x0800);
	CU_ASSERT_EQUAL(ip[0], 0x45);
	CU_ASSERT_EQUAL(ip[1], 0);
	CU_ASSERT_EQUAL(get16(ip + 2), 20 + 8 + 8 + n);
	CU_ASSERT_EQUAL(get16(ip + 4), 0);
	CU_ASSERT_EQUAL(get16(ip + 6), 0x4000); /* DF, no fragment */
	CU_ASSERT_EQUAL(ip[8], 33);
	CU_ASSERT_EQUAL(ip[9], 17);
	CU_ASSERT_EQUAL(ones_sum(ip, 20, 0), 0xffff);
	CU_ASSERT_EQUAL(memcmp(ip + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8), 0);
	CU_ASSERT_EQUAL(get16(udp), 50001);
	CU_ASSERT_EQUAL(get16(udp + 2), 4789);
	CU_ASSERT_EQUAL(get16(udp + 4), 8 + 8 + n);
	CU_ASSERT_EQUAL(get16(udp + 6), 0);
	CU_ASSERT_EQUAL(memcmp(vx, "\x08\x00\x00\x00\x0a\x0b\x0c\x00", 8), 0);
	CU_ASSERT_EQUAL(memcmp(out + rw.len, inner, sizeof(inner)), 0);
	CU_ASSERT_EQUAL(vtep_outer_ip_len(&rw, n), (uint32_t)get16(ip + 2));
}

static void test_encap_ipv6_writes_exact_header_and_udp_checksum(void)
{
	static uint8_t buf[1 + VTEP_OUTER_LEN_V6 + 101], inner[101];
	uint8_t *out = buf + 1, pseudo[40] = { 0 };
	struct vtep_rewrite_params p = params(true);
	struct vtep_rewrite rw;
	const uint8_t *ip = out + 14, *udp = out + 54, *vx = out + 62;
	uint16_t udp_len = 16 + sizeof(inner);

	CU_ASSERT_FATAL(vtep_rewrite_init(&rw, &p) == 0);
	fill_inner(inner, sizeof(inner), 9);
	memcpy(out + rw.len, inner, sizeof(inner));
	vtep_encap(out, &rw, 0xfedcba, 65535, sizeof(inner));

	CU_ASSERT_EQUAL(get16(out + 12), 0x86dd);
	CU_ASSERT_EQUAL(memcmp(ip, "\x60\x00\x00\x00", 4), 0);
	CU_ASSERT_EQUAL(get16(ip + 4), udp_len);
	CU_ASSERT_EQUAL(ip[6], 17);
	CU_ASSERT_EQUAL(ip[7], 64);
	CU_ASSERT_EQUAL(ip[8], 0x20);
	CU_ASSERT_EQUAL(ip[23], 0x01);
	CU_ASSERT_EQUAL(ip[39], 0x02);
	CU_ASSERT_EQUAL(get16(udp), 65535);
	CU_ASSERT_EQUAL(get16(udp + 2), 4789);
	CU_ASSERT_EQUAL(get16(udp + 4), udp_len);
	CU_ASSERT_NOT_EQUAL(get16(udp + 6), 0);
	CU_ASSERT_EQUAL(memcmp(vx, "\x08\x00\x00\x00\xfe\xdc\xba\x00", 8), 0);
	/* pseudo header (src, dst, length, next header) + datagram sums to -0 */
	memcpy(pseudo, ip + 8, 32);
	put16(pseudo + 34, udp_len);
	pseudo[39] = 17;
	CU_ASSERT_EQUAL(ones_sum(udp, udp_len, ones_sum(pseudo, 40, 0)), 0xffff);
	CU_ASSERT_EQUAL(vtep_outer_ip_len(&rw, sizeof(inner)), 40u + udp_len);
}

static void test_encap_ipv6_sends_zero_checksum_as_ffff(void)
{
	static uint8_t out[VTEP_OUTER_LEN_V6 + 64];
	struct vtep_rewrite_params p = params(true);
	struct vtep_rewrite rw;
	uint8_t *udp = out + 54, *inner = out + VTEP_OUTER_LEN_V6;

	CU_ASSERT_FATAL(vtep_rewrite_init(&rw, &p) == 0);
	fill_inner(inner, 64, 1);
	inner[20] = inner[21] = 0;
	vtep_encap(out, &rw, 42, 50000, 64);
	/* Put the checksum itself into the payload: the sum becomes -0, the checksum 0. */
	inner[20] = udp[6];
	inner[21] = udp[7];
	vtep_encap(out, &rw, 42, 50000, 64);
	CU_ASSERT_EQUAL(get16(udp + 6), 0xffff);
}

static void round_trip(bool v6, uint32_t vni, uint16_t n)
{
	static uint8_t out[VTEP_OUTER_LEN_MAX + 1500];
	struct vtep_rewrite_params p = params(v6);
	struct vtep_rewrite rw;
	struct vtep_local l = { .udp_port = 4789 };
	struct vtep_decap_info info;

	CU_ASSERT_FATAL(vtep_rewrite_init(&rw, &p) == 0);
	/* The receiver is the remote VTEP this rewrite points at. */
	if (v6)
		l.ip6 = p.dst_ip;
	else
		l.ip4 = p.dst_ip;
	fill_inner(out + rw.len, n, (uint8_t)n);
	vtep_encap(out, &rw, vni, vtep_sport(vtep_flow_hash(out + rw.len, n)), n);
	CU_ASSERT_EQUAL_FATAL(classify_bytes(out, rw.len + n, &l, &info), VTEP_CLASS_VXLAN);
	CU_ASSERT_EQUAL(info.vni, vni & VTEP_VNI_MAX);
	CU_ASSERT_EQUAL(info.inner_off, rw.len);
	CU_ASSERT_EQUAL(info.inner_len, n);
	CU_ASSERT_TRUE(vx_ip_eq(&info.outer_src, &p.src_ip));
}

static void test_encap_then_classify_round_trips(void)
{
	round_trip(false, 100, 60);
	round_trip(false, VTEP_VNI_MAX, 14);
	round_trip(false, 0x1234567, 1500); /* VNI masked to 24 bits */
	round_trip(true, 100, 60);
	round_trip(true, 1, 1499);
	round_trip(true, 0, 14);
}

/* ---- flow hash and source port ---------------------------------------------- */

/** An inner frame for flow hash tests; zero = UDP 10.0.0.1:1000 -> 10.0.0.2:2000. */
struct flow_opts {
	bool v6;
	uint8_t proto;       /* 0: UDP */
	uint16_t host;       /* low bits of the source address */
	uint16_t sport;      /* 0: 1000 */
	bool mf;
	bool tagged;
	uint8_t fill;        /* payload bytes after the ports */
};

static uint32_t flow_frame(uint8_t *buf, const struct flow_opts *o)
{
	uint32_t off = 12, ip, l4, i, len;

	memcpy(buf, "\x02\x00\x00\x00\x0a\x01\x02\x00\x00\x00\x0a\x02", 12);
	if (o->tagged) {
		put16(buf + off, 0x8100);
		put16(buf + off + 2, 10);
		off += 4;
	}
	put16(buf + off, o->v6 ? 0x86dd : 0x0800);
	ip = off + 2;
	if (o->v6) {
		memset(buf + ip, 0, 40);
		buf[ip] = 0x60;
		buf[ip + 6] = o->proto ? o->proto : 17;
		buf[ip + 8] = 0x20;
		put16(buf + ip + 22, o->host);
		buf[ip + 24] = 0x20;
		buf[ip + 39] = 2;
		l4 = ip + 40;
	} else {
		memset(buf + ip, 0, 20);
		buf[ip] = 0x45;
		put16(buf + ip + 6, o->mf ? 0x2000 : 0);
		buf[ip + 9] = o->proto ? o->proto : 17;
		buf[ip + 12] = 10;
		put16(buf + ip + 14, o->host);
		memcpy(buf + ip + 16, "\x0a\x00\x00\x02", 4);
		l4 = ip + 20;
	}
	put16(buf + l4, o->sport ? o->sport : 1000);
	put16(buf + l4 + 2, 2000);
	len = l4 + 4 + 36;
	for (i = l4 + 4; i < len; i++)
		buf[i] = o->fill;
	return len;
}

static uint32_t flow_hash_of(const struct flow_opts *o)
{
	uint8_t buf[256];

	return vtep_flow_hash(buf, flow_frame(buf, o));
}

static void test_flow_hash_is_stable_and_ignores_payload(void)
{
	CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .fill = 1 }),
			flow_hash_of(&(struct flow_opts){ .fill = 2 }));
	CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .v6 = true, .fill = 1 }),
			flow_hash_of(&(struct flow_opts){ .v6 = true, .fill = 0xff }));
	CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .proto = 6, .fill = 1 }),
			flow_hash_of(&(struct flow_opts){ .proto = 6, .fill = 9 }));
	CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .tagged = true, .fill = 1 }),
			flow_hash_of(&(struct flow_opts){ .tagged = true, .fill = 9 }));
}

static void test_flow_hash_covers_addresses_protocol_and_ports(void)
{
	uint32_t base = flow_hash_of(&(struct flow_opts){ .fill = 0 });

	CU_ASSERT_NOT_EQUAL(base, flow_hash_of(&(struct flow_opts){ .sport = 1001 }));
	CU_ASSERT_NOT_EQUAL(base, flow_hash_of(&(struct flow_opts){ .host = 1 }));
	CU_ASSERT_NOT_EQUAL(base, flow_hash_of(&(struct flow_opts){ .proto = 6 }));
	CU_ASSERT_NOT_EQUAL(base, flow_hash_of(&(struct flow_opts){ .v6 = true }));
	CU_ASSERT_NOT_EQUAL(flow_hash_of(&(struct flow_opts){ .v6 = true }),
			    flow_hash_of(&(struct flow_opts){ .v6 = true, .sport = 7 }));
	CU_ASSERT_NOT_EQUAL(flow_hash_of(&(struct flow_opts){ .tagged = true }),
			    flow_hash_of(&(struct flow_opts){ .tagged = true, .sport = 7 }));
	/* ICMP has no ports: bytes there are payload */
	CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .proto = 1 }),
			flow_hash_of(&(struct flow_opts){ .proto = 1, .sport = 7 }));
	/* fragments hash without ports so they stay together */
	CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .mf = true }),
			flow_hash_of(&(struct flow_opts){ .mf = true, .sport = 7 }));
}

/* Untagged IPv4 takes a fast path, a tagged frame the general one (the VLAN
 * id is not hashed): both must give the same hash. */
static void test_flow_hash_fast_path_equals_general_path(void)
{
	static const uint8_t protos[] = { 17, 6, 132, 1, 47 };

	for (unsigned i = 0; i < sizeof(protos); i++)
		for (int mf = 0; mf < 2; mf++)
			CU_ASSERT_EQUAL(flow_hash_of(&(struct flow_opts){ .proto = protos[i],
									  .mf = mf, .sport = 7 }),
					flow_hash_of(&(struct flow_opts){ .proto = protos[i],
									  .mf = mf, .sport = 7,
									  .tagged = true }));
}

static void test_flow_hash_reads_only_the_given_bytes(void)
{
	uint8_t buf[256], *copy;
	uint32_t len = flow_frame(buf, &(struct flow_opts){ .v6 = true }), cut;

	CU_ASSERT_EQUAL(vtep_flow_hash(NULL, 0), vtep_flow_hash(buf, 0));
	for (cut = 0; cut <= len; cut++) {
		copy = malloc(cut ? cut : 1);
		CU_ASSERT_FATAL(copy != NULL);
		memcpy(copy, buf, cut);
		CU_ASSERT_EQUAL(vtep_flow_hash(copy, cut), vtep_flow_hash(buf, cut));
		free(copy);
	}
}

static void test_sport_is_in_range_and_stable_per_flow(void)
{
	static uint8_t seen[16384];
	uint32_t i, distinct = 0, min_bucket = UINT32_MAX, max_bucket = 0, buckets[16] = { 0 };
	uint16_t port;

	CU_ASSERT_EQUAL(vtep_sport(0), VTEP_SPORT_MIN);
	CU_ASSERT(vtep_sport(UINT32_MAX) >= VTEP_SPORT_MIN);
	for (i = 0; i < 1000; i++) {
		port = vtep_sport(flow_hash_of(&(struct flow_opts){ .host = (uint16_t)i }));
		CU_ASSERT(port >= VTEP_SPORT_MIN);
		CU_ASSERT_EQUAL(port, vtep_sport(flow_hash_of(&(struct flow_opts){
			.host = (uint16_t)i, .fill = 0x55 })));
		if (!seen[port - VTEP_SPORT_MIN]++)
			distinct++;
		buckets[(port - VTEP_SPORT_MIN) / 1024]++;
	}
	CU_ASSERT(distinct > 900); /* ~970 expected for 1000 flows over 16384 ports */
	for (i = 0; i < 16; i++) {
		min_bucket = buckets[i] < min_bucket ? buckets[i] : min_bucket;
		max_bucket = buckets[i] > max_bucket ? buckets[i] : max_bucket;
	}
	CU_ASSERT(min_bucket >= 30 && max_bucket <= 100); /* 62.5 per sixteenth on average */
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("vtep_hdr", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_classify_accepts_ipv4_vxlan_and_fills_info);
	CU_ADD(s, test_classify_accepts_ipv6_vxlan_and_fills_info);
	CU_ADD(s, test_classify_skips_ipv4_options_and_ignores_ethernet_padding);
	CU_ADD(s, test_classify_fast_path_equals_general_path);
	CU_ADD(s, test_classify_takes_inner_length_from_udp_not_ip);
	CU_ADD(s, test_classify_ignores_vxlan_reserved_bits);
	CU_ADD(s, test_classify_uses_the_configured_udp_port);
	CU_ADD(s, test_classify_reads_unaligned_frames);
	CU_ADD(s, test_classify_sends_slow_protocols_to_the_team);
	CU_ADD(s, test_classify_sends_ip_not_addressed_to_us_to_host);
	CU_ADD(s, test_classify_sends_malformed_ip_not_for_us_to_host);
	CU_ADD(s, test_classify_sends_other_traffic_to_us_to_host);
	CU_ADD(s, test_classify_sends_outer_tagged_vxlan_to_host);
	CU_ADD(s, test_classify_drops_truncated_frames);
	CU_ADD(s, test_classify_drops_bad_ipv4_header_to_us);
	CU_ADD(s, test_classify_drops_bad_ipv4_checksum_to_us);
	CU_ADD(s, test_classify_checks_every_bit_of_the_ipv4_checksum);
	CU_ADD(s, test_classify_drops_ipv4_fragments_of_vxlan);
	CU_ADD(s, test_classify_drops_bad_ipv6_header_to_us);
	CU_ADD(s, test_classify_drops_bad_udp_length);
	CU_ADD(s, test_classify_drops_vxlan_with_i_flag_clear);
	CU_ADD(s, test_classify_drops_inner_frame_shorter_than_ethernet);
	CU_ADD(s, test_classify_drops_inner_vlan_unless_allowed);
	CU_ADD(s, test_drop_names_are_distinct_and_stable);
	CU_ADD(s, test_classify_survives_every_truncation);
	CU_ADD(s, test_classify_survives_random_corruption);
	CU_ADD(s, test_rewrite_init_rejects_mixed_or_unset_families);
	CU_ADD(s, test_encap_ipv4_writes_exact_header);
	CU_ADD(s, test_encap_ipv6_writes_exact_header_and_udp_checksum);
	CU_ADD(s, test_encap_ipv6_sends_zero_checksum_as_ffff);
	CU_ADD(s, test_encap_then_classify_round_trips);
	CU_ADD(s, test_flow_hash_is_stable_and_ignores_payload);
	CU_ADD(s, test_flow_hash_covers_addresses_protocol_and_ports);
	CU_ADD(s, test_flow_hash_fast_path_equals_general_path);
	CU_ADD(s, test_flow_hash_reads_only_the_given_bytes);
	CU_ADD(s, test_sport_is_in_range_and_stable_per_flow);
	return CU_get_error();
}
