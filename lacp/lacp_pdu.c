/* lacp_pdu: LACPDU and Marker PDU build and strict parse (802.1AX 6.4.2, 6.5.3). */
#include <stdio.h>
#include <string.h>

#include "lacp.h"
#include "lacp_pdu.h"

/* Wire layouts: byte arrays only, so they have no padding and no alignment;
 * frames are memcpy'd in and out, never cast. */
struct wire_eth {
	uint8_t dst[6], src[6], type[2];
};

struct wire_party {
	uint8_t type, len;
	uint8_t system_priority[2], system[6], key[2], port_priority[2], port[2];
	uint8_t state, reserved[3];
};

struct wire_collector {
	uint8_t type, len, max_delay[2], reserved[12];
};

struct wire_lacpdu {
	uint8_t subtype, version;
	struct wire_party actor, partner;
	struct wire_collector collector;
	uint8_t term_type, term_len, reserved[50];
};

struct wire_marker {
	uint8_t subtype, version, type, len;
	uint8_t port[2], system[6], xid[4], pad[2];
	uint8_t term_type, term_len, reserved[90];
};

_Static_assert(sizeof(struct wire_eth) == LACP_ETH_HDR_LEN, "ethernet header is 14 bytes");
_Static_assert(sizeof(struct wire_party) == LACP_TLV_ACTOR_LEN, "actor/partner TLV is 20 bytes");
_Static_assert(sizeof(struct wire_collector) == LACP_TLV_COLLECTOR_LEN, "collector TLV is 16 bytes");
_Static_assert(sizeof(struct wire_lacpdu) == LACP_PDU_LEN, "LACPDU is 110 bytes");
_Static_assert(sizeof(struct wire_marker) == LACP_PDU_LEN, "marker PDU is 110 bytes");
_Static_assert(offsetof(struct wire_lacpdu, partner) == 22, "partner TLV at octet 22");
_Static_assert(offsetof(struct wire_lacpdu, collector) == 42, "collector TLV at octet 42");
_Static_assert(offsetof(struct wire_lacpdu, term_type) == 58, "terminator at octet 58");
_Static_assert(offsetof(struct wire_marker, term_type) == 18, "marker terminator at octet 18");

static const char *const rx_result_names[] = {
#define X(e, name) [LACP_RX_##e] = name,
#include "lacp_rx_result.def"
#undef X
};
_Static_assert(sizeof(rx_result_names) / sizeof(rx_result_names[0]) == LACP_RX__COUNT,
	       "a name per rx result");

const char *lacp_rx_result_name(enum lacp_rx_result r)
{
	return (unsigned)r < LACP_RX__COUNT ? rx_result_names[r] : "?";
}

const char *lacp_state_str(uint8_t state, char *buf, size_t len)
{
	static const char *const bit[8] = { "ACT", "SHORT", "AGG", "SYNC", "COL", "DIST", "DEF", "EXP" };
	size_t off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < 8; i++) {
		if (!(state & (1u << i)))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", bit[i]);
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0';  /* whole names only */
			break;
		}
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, len, "-");
	return buf;
}

static uint16_t get16(const uint8_t p[2]) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t p[2], uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void party_from_wire(struct lacp_party *o, const struct wire_party *w)
{
	o->system_priority = get16(w->system_priority);
	memcpy(o->system, w->system, 6);
	o->key = get16(w->key);
	o->port_priority = get16(w->port_priority);
	o->port = get16(w->port);
	o->state = w->state;
}

static void party_to_wire(struct wire_party *w, uint8_t type, const struct lacp_party *p)
{
	w->type = type;
	w->len = LACP_TLV_ACTOR_LEN;
	put16(w->system_priority, p->system_priority);
	memcpy(w->system, p->system, 6);
	put16(w->key, p->key);
	put16(w->port_priority, p->port_priority);
	put16(w->port, p->port);
	w->state = p->state;
}

/** Higher versions may carry more TLVs after the version-1 ones: each must
 *  fit in the frame, and a terminator must end them. */
static enum lacp_rx_result walk_tlvs(const uint8_t *p, uint32_t off, uint32_t end)
{
	for (;;) {
		if (off + 2 > end)
			return LACP_RX_BAD_TLV_OVERRUN;
		if (p[off] == LACP_TLV_TERMINATOR)
			return p[off + 1] == 0 ? LACP_RX_OK : LACP_RX_BAD_TERMINATOR_LEN;
		if (p[off + 1] < 2 || off + p[off + 1] > end)
			return LACP_RX_BAD_TLV_OVERRUN;
		off += p[off + 1];
	}
}


/* The end of a PDU: version 1 has a terminator right after its TLVs; a later
 * version may put more TLVs there, walked and ignored up to a terminator. */
static enum lacp_rx_result check_end(uint8_t version, uint8_t term_type, uint8_t term_len,
				     const uint8_t *pdu, uint32_t term_off, uint32_t plen)
{
	if (version != LACP_VERSION)
		return walk_tlvs(pdu, term_off, plen);
	if (term_type != LACP_TLV_TERMINATOR)
		return LACP_RX_BAD_TERMINATOR;
	if (term_len != 0)
		return LACP_RX_BAD_TERMINATOR_LEN;
	return LACP_RX_OK;
}
static enum lacp_rx_result parse_lacpdu(const uint8_t *pdu, uint32_t plen, struct lacp_pdu *out)
{
	struct wire_lacpdu w;

	memcpy(&w, pdu, sizeof(w));
	if (w.actor.type != LACP_TLV_ACTOR)
		return LACP_RX_BAD_ACTOR_TLV;
	if (w.actor.len != LACP_TLV_ACTOR_LEN)
		return LACP_RX_BAD_ACTOR_LEN;
	if (w.partner.type != LACP_TLV_PARTNER)
		return LACP_RX_BAD_PARTNER_TLV;
	if (w.partner.len != LACP_TLV_PARTNER_LEN)
		return LACP_RX_BAD_PARTNER_LEN;
	if (w.collector.type != LACP_TLV_COLLECTOR)
		return LACP_RX_BAD_COLLECTOR_TLV;
	if (w.collector.len != LACP_TLV_COLLECTOR_LEN)
		return LACP_RX_BAD_COLLECTOR_LEN;
	enum lacp_rx_result r = check_end(w.version, w.term_type, w.term_len, pdu,
					  offsetof(struct wire_lacpdu, term_type), plen);
	if (r != LACP_RX_OK)
		return r;
	out->version = w.version;
	party_from_wire(&out->actor, &w.actor);
	party_from_wire(&out->partner, &w.partner);
	out->collector_max_delay = get16(w.collector.max_delay);
	return LACP_RX_OK;
}

static enum lacp_rx_result parse_marker(const uint8_t *pdu, uint32_t plen, struct lacp_frame *out)
{
	struct wire_marker w;

	memcpy(&w, pdu, sizeof(w));
	if (w.type != LACP_TLV_MARKER_INFO && w.type != LACP_TLV_MARKER_RESPONSE)
		return LACP_RX_BAD_MARKER_TLV;
	if (w.len != LACP_TLV_MARKER_LEN)
		return LACP_RX_BAD_MARKER_LEN;
	enum lacp_rx_result r = check_end(w.version, w.term_type, w.term_len, pdu,
					  offsetof(struct wire_marker, term_type), plen);
	if (r != LACP_RX_OK)
		return r;
	out->marker_response = w.type == LACP_TLV_MARKER_RESPONSE;
	out->marker.requester_port = get16(w.port);
	memcpy(out->marker.requester_system, w.system, 6);
	out->marker.transaction_id = (uint32_t)w.xid[0] << 24 | (uint32_t)w.xid[1] << 16 |
				     (uint32_t)w.xid[2] << 8 | w.xid[3];
	return out->marker_response ? LACP_RX_MARKER_RESPONSE : LACP_RX_MARKER_ANSWERED;
}

enum lacp_rx_result lacp_frame_parse(const uint8_t *frame, uint32_t len, struct lacp_frame *out)
{
	struct wire_eth eth;

	if (frame == NULL || len < LACP_ETH_HDR_LEN + 2)
		return LACP_RX_TRUNCATED;
	memcpy(&eth, frame, sizeof(eth));
	if (memcmp(eth.dst, lacp_slow_proto_mac, 6) != 0)
		return LACP_RX_BAD_DST_MAC;
	if (get16(eth.type) != LACP_ETHERTYPE)
		return LACP_RX_BAD_ETHERTYPE;

	const uint8_t *pdu = frame + LACP_ETH_HDR_LEN;
	uint32_t plen = len - LACP_ETH_HDR_LEN;
	uint8_t subtype = pdu[0], version = pdu[1];

	if (subtype != LACP_SUBTYPE_LACP && subtype != LACP_SUBTYPE_MARKER)
		return LACP_RX_BAD_SUBTYPE;
	if (version == 0)
		return LACP_RX_BAD_VERSION;
	if (plen < LACP_PDU_LEN)
		return LACP_RX_TRUNCATED;

	memset(out, 0, sizeof(*out));
	memcpy(out->src, eth.src, 6);
	out->subtype = subtype;
	out->version = version;
	if (subtype == LACP_SUBTYPE_LACP)
		return parse_lacpdu(pdu, plen, &out->pdu);
	return parse_marker(pdu, plen, out);
}

static void eth_to_wire(uint8_t *buf, const uint8_t src[6])
{
	struct wire_eth eth;

	memcpy(eth.dst, lacp_slow_proto_mac, 6);
	memcpy(eth.src, src, 6);
	put16(eth.type, LACP_ETHERTYPE);
	memcpy(buf, &eth, sizeof(eth));
}

uint32_t lacp_pdu_build(uint8_t *buf, uint32_t cap, const uint8_t src[6], const struct lacp_pdu *pdu)
{
	struct wire_lacpdu w;

	if (cap < LACP_FRAME_LEN)
		return 0;
	memset(&w, 0, sizeof(w));
	w.subtype = LACP_SUBTYPE_LACP;
	w.version = LACP_VERSION;
	party_to_wire(&w.actor, LACP_TLV_ACTOR, &pdu->actor);
	party_to_wire(&w.partner, LACP_TLV_PARTNER, &pdu->partner);
	w.collector.type = LACP_TLV_COLLECTOR;
	w.collector.len = LACP_TLV_COLLECTOR_LEN;
	put16(w.collector.max_delay, pdu->collector_max_delay);
	eth_to_wire(buf, src);
	memcpy(buf + LACP_ETH_HDR_LEN, &w, sizeof(w));
	return LACP_FRAME_LEN;
}

uint32_t lacp_marker_build(uint8_t *buf, uint32_t cap, const uint8_t src[6],
			   const struct lacp_marker *m, bool response)
{
	struct wire_marker w;

	if (cap < LACP_FRAME_LEN)
		return 0;
	memset(&w, 0, sizeof(w));
	w.subtype = LACP_SUBTYPE_MARKER;
	w.version = LACP_VERSION;
	w.type = response ? LACP_TLV_MARKER_RESPONSE : LACP_TLV_MARKER_INFO;
	w.len = LACP_TLV_MARKER_LEN;
	put16(w.port, m->requester_port);
	memcpy(w.system, m->requester_system, 6);
	for (int i = 0; i < 4; i++)
		w.xid[i] = (uint8_t)(m->transaction_id >> (24 - 8 * i));
	eth_to_wire(buf, src);
	memcpy(buf + LACP_ETH_HDR_LEN, &w, sizeof(w));
	return LACP_FRAME_LEN;
}
