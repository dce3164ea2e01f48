/* lacp_pdu: the Slow Protocols wire format of IEEE 802.1AX clause 6.4.2 (LACPDU)
 * and the Marker protocol (6.5.3). Pure: no state, no allocation, any thread.
 *
 * Parsing is strict for version 1 (every TLV type and length, the terminator)
 * and follows the standard's forward-compatibility rule for higher versions:
 * the actor, partner and collector TLVs keep their version 1 place and are the
 * only ones interpreted; the TLVs after them are walked (they must stay inside
 * the frame and end with a terminator) and ignored. Reserved octets are
 * ignored on receipt and sent as zero. Frames may be padded and unaligned.
 */
#ifndef LACP_PDU_H
#define LACP_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LACP_ETH_HDR_LEN 14
#define LACP_PDU_LEN 110     /* LACPDU and Marker PDU, after the Ethernet header */
#define LACP_FRAME_LEN (LACP_ETH_HDR_LEN + LACP_PDU_LEN)
#define LACP_VERSION 1

#define LACP_TLV_TERMINATOR 0
#define LACP_TLV_ACTOR 1
#define LACP_TLV_PARTNER 2
#define LACP_TLV_COLLECTOR 3
#define LACP_TLV_ACTOR_LEN 20
#define LACP_TLV_PARTNER_LEN 20
#define LACP_TLV_COLLECTOR_LEN 16
#define LACP_TLV_MARKER_INFO 1
#define LACP_TLV_MARKER_RESPONSE 2
#define LACP_TLV_MARKER_LEN 16

/** Actor_State / Partner_State bits (802.1AX 6.4.2.3). */
enum lacp_state_bit {
	LACP_STATE_ACTIVITY = 0x01,     /**< 1 = active, 0 = passive */
	LACP_STATE_TIMEOUT = 0x02,      /**< 1 = short timeout (3 s), 0 = long (90 s) */
	LACP_STATE_AGGREGATION = 0x04,  /**< 1 = aggregatable, 0 = individual */
	LACP_STATE_SYNC = 0x08,
	LACP_STATE_COLLECTING = 0x10,
	LACP_STATE_DISTRIBUTING = 0x20,
	LACP_STATE_DEFAULTED = 0x40,
	LACP_STATE_EXPIRED = 0x80,
};

/** Decode state bits as "ACT|SHORT|AGG|SYNC|COL|DIST|DEF|EXP" (set bits only,
 *  "-" when none). Returns buf; 48 bytes always suffice. */
const char *lacp_state_str(uint8_t state, char *buf, size_t len);

/** One side's parameters, as carried in the actor or partner TLV. */
struct lacp_party {
	uint16_t system_priority;
	uint8_t system[6];
	uint16_t key;
	uint16_t port_priority;
	uint16_t port;
	uint8_t state;  /**< enum lacp_state_bit */
};

/** The fields of an LACPDU that version 1 interprets. */
struct lacp_pdu {
	uint8_t version;
	struct lacp_party actor;
	struct lacp_party partner;
	uint16_t collector_max_delay;  /**< tens of microseconds */
};

/** Marker Information / Marker Response Information (802.1AX 6.5.3.3). */
struct lacp_marker {
	uint16_t requester_port;
	uint8_t requester_system[6];
	uint32_t transaction_id;
};

/** What lacp_rx()/lacp_frame_parse() made of a frame (see lacp_rx_result.def). */
enum lacp_rx_result {
#define X(e, name) LACP_RX_##e,
#include "lacp_rx_result.def"
#undef X
	LACP_RX__COUNT
};
const char *lacp_rx_result_name(enum lacp_rx_result r);
static inline bool lacp_rx_is_malformed(enum lacp_rx_result r)
{
	return r >= LACP_RX_TRUNCATED && r < LACP_RX__COUNT;
}

/** A parsed slow-protocol frame. */
struct lacp_frame {
	uint8_t src[6];
	uint8_t subtype;  /**< LACP_SUBTYPE_LACP or LACP_SUBTYPE_MARKER */
	uint8_t version;
	bool marker_response;  /**< marker only: TLV type 2 rather than 1 */
	struct lacp_pdu pdu;         /**< subtype LACP */
	struct lacp_marker marker;   /**< subtype MARKER */
};

/** Parse a whole Ethernet frame (untagged, FCS stripped). Returns LACP_RX_OK
 *  for an LACPDU, LACP_RX_MARKER_ANSWERED for a Marker Information PDU (to be
 *  answered), LACP_RX_MARKER_RESPONSE for a Marker Response, or the reason it
 *  is malformed; *out is complete only on those three. */
enum lacp_rx_result lacp_frame_parse(const uint8_t *frame, uint32_t len, struct lacp_frame *out);

/** Build a version-1 LACPDU frame to the slow-protocols address from src.
 *  Returns LACP_FRAME_LEN, or 0 when cap is too small. */
uint32_t lacp_pdu_build(uint8_t *buf, uint32_t cap, const uint8_t src[6], const struct lacp_pdu *pdu);

/** Build a Marker PDU frame: a Marker Response when response, else a Marker
 *  (information) PDU. Returns LACP_FRAME_LEN, or 0 when cap is too small. */
uint32_t lacp_marker_build(uint8_t *buf, uint32_t cap, const uint8_t src[6],
			   const struct lacp_marker *m, bool response);

#endif
