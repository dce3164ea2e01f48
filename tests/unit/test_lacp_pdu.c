/* Tests for lacp/lacp_pdu: LACPDU and Marker PDU wire format, build and strict parse. */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "lacp.h"

/* ---- helpers ---- */

static const uint8_t src_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };

static struct lacp_pdu sample_pdu(void)
{
	return (struct lacp_pdu){
		.version = 1,
		.actor = { .system_priority = 0x8000, .system = { 0x02, 0, 0, 0, 0, 0x11 }, .key = 0x1234,
			   .port_priority = 0x00ff, .port = 0x0102, .state = 0x3f },
		.partner = { .system_priority = 0x0001, .system = { 0x02, 0, 0, 0, 0, 0x22 }, .key = 0xbeef,
			     .port_priority = 0x7fff, .port = 0xfffe, .state = 0xc5 },
		.collector_max_delay = 0x0a0b,
	};
}

/** A valid LACPDU frame of LACP_FRAME_LEN bytes in buf. */
static uint32_t frame_lacpdu(uint8_t *buf)
{
	struct lacp_pdu p = sample_pdu();

	memset(buf, 0, LACP_FRAME_LEN);
	return lacp_pdu_build(buf, LACP_FRAME_LEN, src_mac, &p);
}

static bool party_eq(const struct lacp_party *a, const struct lacp_party *b)
{
	return a->system_priority == b->system_priority && memcmp(a->system, b->system, 6) == 0 &&
	       a->key == b->key && a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static enum lacp_rx_result parse(const uint8_t *f, uint32_t len)
{
	struct lacp_frame out;

	return lacp_frame_parse(f, len, &out);
}

/** Byte n of the PDU (after the Ethernet header). */
#define PDU(buf, n) ((buf)[LACP_ETH_HDR_LEN + (n)])

/* ---- tests ---- */

static void test_lacpdu_build_puts_every_field_at_its_octet(void)
{
	uint8_t f[LACP_FRAME_LEN + 8];

	CU_ASSERT_EQUAL(lacp_pdu_build(f, LACP_FRAME_LEN - 1, src_mac, &(struct lacp_pdu){ 0 }), 0);
	memset(f, 0xee, sizeof(f));
	CU_ASSERT_EQUAL(frame_lacpdu(f), 124);
	const uint8_t eth[14] = { 0x01, 0x80, 0xc2, 0, 0, 0x02, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x88, 0x09 };
	CU_ASSERT_EQUAL(memcmp(f, eth, 14), 0);
	const uint8_t head[] = { 1, 1,
		1, 20, 0x80, 0x00, 0x02, 0, 0, 0, 0, 0x11, 0x12, 0x34, 0x00, 0xff, 0x01, 0x02, 0x3f, 0, 0, 0,
		2, 20, 0x00, 0x01, 0x02, 0, 0, 0, 0, 0x22, 0xbe, 0xef, 0x7f, 0xff, 0xff, 0xfe, 0xc5, 0, 0, 0,
		3, 16, 0x0a, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0 };
	CU_ASSERT_EQUAL(sizeof(head), 60);
	CU_ASSERT_EQUAL(memcmp(f + 14, head, sizeof(head)), 0);
	for (int i = 60; i < 110; i++)
		CU_ASSERT_EQUAL(PDU(f, i), 0);
	CU_ASSERT_EQUAL(f[124], 0xee);  /* nothing written past the frame */
}

static void test_lacpdu_round_trips_through_parse(void)
{
	uint8_t f[LACP_FRAME_LEN];
	struct lacp_frame out;
	struct lacp_pdu want = sample_pdu();

	frame_lacpdu(f);
	CU_ASSERT_EQUAL(lacp_frame_parse(f, sizeof(f), &out), LACP_RX_OK);
	CU_ASSERT_EQUAL(out.subtype, LACP_SUBTYPE_LACP);
	CU_ASSERT_EQUAL(out.version, 1);
	CU_ASSERT_EQUAL(memcmp(out.src, src_mac, 6), 0);
	CU_ASSERT(party_eq(&out.pdu.actor, &want.actor));
	CU_ASSERT(party_eq(&out.pdu.partner, &want.partner));
	CU_ASSERT_EQUAL(out.pdu.collector_max_delay, 0x0a0b);
}

static void test_padded_and_unaligned_frames_parse(void)
{
	uint8_t *buf = calloc(1, 1600);
	struct lacp_frame out;

	CU_ASSERT_FATAL(buf != NULL);
	for (unsigned off = 0; off < 4; off++) {
		memset(buf, 0, 1600);
		frame_lacpdu(buf + off);
		CU_ASSERT_EQUAL(lacp_frame_parse(buf + off, 128, &out), LACP_RX_OK);
		CU_ASSERT_EQUAL(lacp_frame_parse(buf + off, 1514, &out), LACP_RX_OK);
		CU_ASSERT_EQUAL(out.pdu.actor.key, 0x1234);
	}
	free(buf);
}

static void test_truncated_frames_are_rejected_at_every_length(void)
{
	uint8_t f[LACP_FRAME_LEN];
	const uint32_t lens[] = { 0, 1, 13, 14, 15, 16, 20, 42, 60, 64, 100, 122, 123 };

	frame_lacpdu(f);
	CU_ASSERT_EQUAL(lacp_frame_parse(NULL, 124, &(struct lacp_frame){ 0 }), LACP_RX_TRUNCATED);
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		CU_ASSERT_EQUAL(parse(f, lens[i]), LACP_RX_TRUNCATED);
		CU_ASSERT(lacp_rx_is_malformed(parse(f, lens[i])));
	}
	CU_ASSERT_EQUAL(parse(f, 124), LACP_RX_OK);
}

struct variant {
	const char *what;
	unsigned at;        /* frame octet */
	uint8_t value;
	enum lacp_rx_result want;
};

/* Each one byte away from a valid LACPDU. */
static const struct variant variants[] = {
	{ "unicast destination", 0, 0x00, LACP_RX_BAD_DST_MAC },
	{ "other group address", 5, 0x03, LACP_RX_BAD_DST_MAC },
	{ "ethertype 0x0809", 12, 0x08, LACP_RX_BAD_ETHERTYPE },
	{ "ethertype 0x880a", 13, 0x0a, LACP_RX_BAD_ETHERTYPE },
	{ "subtype 0", 14, 0, LACP_RX_BAD_SUBTYPE },
	{ "subtype 3 (OAM)", 14, 3, LACP_RX_BAD_SUBTYPE },
	{ "subtype 10 (OSSP)", 14, 10, LACP_RX_BAD_SUBTYPE },
	{ "version 0", 15, 0, LACP_RX_BAD_VERSION },
	{ "actor TLV type 0", 16, 0, LACP_RX_BAD_ACTOR_TLV },
	{ "actor TLV type 2", 16, 2, LACP_RX_BAD_ACTOR_TLV },
	{ "actor length 19", 17, 19, LACP_RX_BAD_ACTOR_LEN },
	{ "actor length 21", 17, 21, LACP_RX_BAD_ACTOR_LEN },
	{ "actor length 0", 17, 0, LACP_RX_BAD_ACTOR_LEN },
	{ "partner TLV type 1", 36, 1, LACP_RX_BAD_PARTNER_TLV },
	{ "partner TLV type 3", 36, 3, LACP_RX_BAD_PARTNER_TLV },
	{ "partner length 16", 37, 16, LACP_RX_BAD_PARTNER_LEN },
	{ "partner length 255", 37, 255, LACP_RX_BAD_PARTNER_LEN },
	{ "collector TLV type 0", 56, 0, LACP_RX_BAD_COLLECTOR_TLV },
	{ "collector TLV type 4", 56, 4, LACP_RX_BAD_COLLECTOR_TLV },
	{ "collector length 20", 57, 20, LACP_RX_BAD_COLLECTOR_LEN },
	{ "collector length 15", 57, 15, LACP_RX_BAD_COLLECTOR_LEN },
	{ "terminator type 1", 72, 1, LACP_RX_BAD_TERMINATOR },
	{ "terminator type 3", 72, 3, LACP_RX_BAD_TERMINATOR },
	{ "terminator length 2", 73, 2, LACP_RX_BAD_TERMINATOR_LEN },
	{ "terminator length 50", 73, 50, LACP_RX_BAD_TERMINATOR_LEN },
};

static void test_each_malformed_variant_is_rejected_with_its_reason(void)
{
	uint8_t f[LACP_FRAME_LEN];

	for (unsigned i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const struct variant *v = &variants[i];
		enum lacp_rx_result r;

		frame_lacpdu(f);
		f[v->at] = v->value;
		r = parse(f, sizeof(f));
		if (r != v->want)
			printf("\n  %s: got %s, want %s\n", v->what, lacp_rx_result_name(r),
			       lacp_rx_result_name(v->want));
		CU_ASSERT_EQUAL(r, v->want);
		CU_ASSERT(lacp_rx_is_malformed(r));
	}
}

static void test_reserved_octets_are_ignored_on_receipt(void)
{
	uint8_t f[LACP_FRAME_LEN];
	const unsigned reserved[] = { 33, 34, 35, 53, 54, 55, 60, 71, 74, 100, 123 };

	frame_lacpdu(f);
	for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		f[reserved[i]] = 0xa5;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_OK);
}

static void test_version_2_lacpdu_is_read_as_version_1(void)
{
	uint8_t f[160];
	struct lacp_frame out;

	memset(f, 0, sizeof(f));
	frame_lacpdu(f);
	PDU(f, 1) = 2;
	CU_ASSERT_EQUAL(parse(f, LACP_FRAME_LEN), LACP_RX_OK);  /* terminator right after collector */

	/* Port Algorithm TLV (type 4, length 6) and a digest-like TLV, then the terminator. */
	const uint8_t extra[] = { 4, 6, 0x00, 0x80, 0xc2, 0x01, 5, 20, [28] = 0, 0 };
	memcpy(&PDU(f, 58), extra, sizeof(extra));
	CU_ASSERT_EQUAL(lacp_frame_parse(f, 128, &out), LACP_RX_OK);
	CU_ASSERT_EQUAL(out.version, 2);
	CU_ASSERT_EQUAL(out.pdu.actor.key, 0x1234);
	CU_ASSERT_EQUAL(out.pdu.partner.key, 0xbeef);
	/* The same frame as version 1 has no terminator where it must be. */
	PDU(f, 1) = 1;
	CU_ASSERT_EQUAL(parse(f, 128), LACP_RX_BAD_TERMINATOR);
	PDU(f, 1) = 7;
	CU_ASSERT_EQUAL(parse(f, 128), LACP_RX_OK);

	/* Higher versions still need the version 1 TLVs where they were. */
	PDU(f, 3) = 22;
	CU_ASSERT_EQUAL(parse(f, 128), LACP_RX_BAD_ACTOR_LEN);
	PDU(f, 3) = 20;
	/* A TLV running past the end of the frame, or a zero-length one, is malformed. */
	PDU(f, 65) = 200;
	CU_ASSERT_EQUAL(parse(f, 128), LACP_RX_BAD_TLV_OVERRUN);
	PDU(f, 65) = 0;
	CU_ASSERT_EQUAL(parse(f, 128), LACP_RX_BAD_TLV_OVERRUN);
	/* No terminator before the frame ends. */
	memset(&PDU(f, 58), 0x09, 160 - 14 - 58);
	CU_ASSERT_EQUAL(parse(f, 160), LACP_RX_BAD_TLV_OVERRUN);
}

static void test_marker_response_echoes_requester_fields(void)
{
	const struct lacp_marker mk = { .requester_port = 0x0007,
					.requester_system = { 0x02, 1, 2, 3, 4, 5 },
					.transaction_id = 0xdeadbeef };
	uint8_t f[LACP_FRAME_LEN];
	struct lacp_frame out;

	CU_ASSERT_EQUAL(lacp_marker_build(f, sizeof(f), src_mac, &mk, true), 124);
	const uint8_t head[] = { 2, 1, 2, 16, 0x00, 0x07, 0x02, 1, 2, 3, 4, 5,
				 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(memcmp(f + 14, head, sizeof(head)), 0);
	for (int i = 20; i < 110; i++)
		CU_ASSERT_EQUAL(PDU(f, i), 0);
	CU_ASSERT_EQUAL(lacp_frame_parse(f, sizeof(f), &out), LACP_RX_MARKER_RESPONSE);
	CU_ASSERT(out.marker_response);
	CU_ASSERT_EQUAL(out.marker.transaction_id, 0xdeadbeef);

	CU_ASSERT_EQUAL(lacp_marker_build(f, sizeof(f), src_mac, &mk, false), 124);
	CU_ASSERT_EQUAL(PDU(f, 2), 1);
	CU_ASSERT_EQUAL(lacp_frame_parse(f, sizeof(f), &out), LACP_RX_MARKER_ANSWERED);
	CU_ASSERT_FALSE(out.marker_response);
	CU_ASSERT_EQUAL(out.marker.requester_port, 7);
	CU_ASSERT_EQUAL(memcmp(out.marker.requester_system, mk.requester_system, 6), 0);
}

static void test_malformed_markers_are_rejected_with_their_reason(void)
{
	const struct lacp_marker mk = { .requester_port = 1, .transaction_id = 1 };
	uint8_t f[LACP_FRAME_LEN];

	lacp_marker_build(f, sizeof(f), src_mac, &mk, false);
	CU_ASSERT_EQUAL(parse(f, 123), LACP_RX_TRUNCATED);
	PDU(f, 2) = 3;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_BAD_MARKER_TLV);
	PDU(f, 2) = 1;
	PDU(f, 3) = 18;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_BAD_MARKER_LEN);
	PDU(f, 3) = 16;
	PDU(f, 18) = 1;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_BAD_TERMINATOR);
	PDU(f, 18) = 0;
	PDU(f, 19) = 90;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_BAD_TERMINATOR_LEN);
	PDU(f, 19) = 0;
	PDU(f, 1) = 0;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_BAD_VERSION);
	PDU(f, 1) = 1;
	CU_ASSERT_EQUAL(parse(f, sizeof(f)), LACP_RX_MARKER_ANSWERED);
}

static void test_result_names_are_unique_and_stable(void)
{
	CU_ASSERT_STRING_EQUAL(lacp_rx_result_name(LACP_RX_OK), "ok");
	CU_ASSERT_STRING_EQUAL(lacp_rx_result_name(LACP_RX_BAD_ACTOR_LEN), "bad-actor-tlv-length");
	CU_ASSERT_STRING_EQUAL(lacp_rx_result_name(LACP_RX__COUNT), "?");
	CU_ASSERT_FALSE(lacp_rx_is_malformed(LACP_RX_MARKER_ANSWERED));
	CU_ASSERT_FALSE(lacp_rx_is_malformed(LACP_RX_LOOPBACK));
	for (unsigned a = 0; a < LACP_RX__COUNT; a++) {
		CU_ASSERT_PTR_NOT_NULL(lacp_rx_result_name(a));
		for (unsigned b = a + 1; b < LACP_RX__COUNT; b++)
			CU_ASSERT(strcmp(lacp_rx_result_name(a), lacp_rx_result_name(b)) != 0);
	}
}

static void test_state_bits_decode_to_names(void)
{
	char buf[48];

	CU_ASSERT_STRING_EQUAL(lacp_state_str(0x3f, buf, sizeof(buf)), "ACT|SHORT|AGG|SYNC|COL|DIST");
	CU_ASSERT_STRING_EQUAL(lacp_state_str(0xc0, buf, sizeof(buf)), "DEF|EXP");
	CU_ASSERT_STRING_EQUAL(lacp_state_str(0, buf, sizeof(buf)), "-");
	CU_ASSERT_STRING_EQUAL(lacp_state_str(0xff, buf, sizeof(buf)), "ACT|SHORT|AGG|SYNC|COL|DIST|DEF|EXP");
	CU_ASSERT_STRING_EQUAL(lacp_state_str(0xff, buf, 8), "ACT");  /* truncates at a bit name */
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("lacp_pdu", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_lacpdu_build_puts_every_field_at_its_octet);
	CU_ADD(s, test_lacpdu_round_trips_through_parse);
	CU_ADD(s, test_padded_and_unaligned_frames_parse);
	CU_ADD(s, test_truncated_frames_are_rejected_at_every_length);
	CU_ADD(s, test_each_malformed_variant_is_rejected_with_its_reason);
	CU_ADD(s, test_reserved_octets_are_ignored_on_receipt);
	CU_ADD(s, test_version_2_lacpdu_is_read_as_version_1);
	CU_ADD(s, test_marker_response_echoes_requester_fields);
	CU_ADD(s, test_malformed_markers_are_rejected_with_their_reason);
	CU_ADD(s, test_result_names_are_unique_and_stable);
	CU_ADD(s, test_state_bits_decode_to_names);
	return CU_get_error();
}
