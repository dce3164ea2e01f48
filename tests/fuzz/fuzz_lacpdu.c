/* libFuzzer target for lacp: arbitrary frames and events into a 2-member team.
 *
 * The input is a script of [op][n][n bytes] records. Raw frames reach lacp_rx()
 * as they are; so that deep states are reached without a seed corpus, other
 * ops lay the bytes over a valid LACPDU or marker (whole frame, or just the
 * actor/partner fields) or replay what the team sent. Between records the
 * clock moves, links flap and modes change. Invariants are checked with
 * abort() so a violation is reported as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lacp.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define SEC 1000000000ull

struct ctx {
	uint8_t last[LACP_FRAME_LEN];
	uint32_t last_len;
	unsigned sent;
};

static int tx_check(void *arg, unsigned member, const uint8_t *frame, uint32_t len)
{
	struct ctx *c = arg;
	struct lacp_frame f;
	enum lacp_rx_result r;

	CHECK(member < 2);
	CHECK(len == LACP_FRAME_LEN);
	r = lacp_frame_parse(frame, len, &f);
	CHECK(r == LACP_RX_OK || r == LACP_RX_MARKER_RESPONSE);  /* we send only what we accept */
	memcpy(c->last, frame, len);
	c->last_len = len;
	c->sent++;
	return 0;
}

static bool party_eq(const struct lacp_party *a, const struct lacp_party *b)
{
	return a->system_priority == b->system_priority && memcmp(a->system, b->system, 6) == 0 &&
	       a->key == b->key && a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static void check_member(const struct lacp_team *t, unsigned m)
{
	struct lacp_member_info i;

	CHECK(lacp_member_info(t, m, &i) == 0);
	CHECK(i.rx_name && i.mux_name && i.periodic_name && i.actor_churn_name && i.partner_churn_name);
	CHECK(strcmp(i.rx_name, "?") != 0 && strcmp(i.mux_name, "?") != 0);
	if (i.distributing) {
		CHECK(i.selected && i.link_up && i.lacp_enabled && !i.loopback);
		CHECK(i.partner.state & LACP_STATE_SYNC);
		CHECK((i.actor.state & (LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING)) ==
		      (LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING));
	}
	CHECK(i.selected == (i.not_selected_why == NULL));
	CHECK(lacp_member_distributing(t, m) == i.distributing);

	struct lacp_transition h[LACP_HISTORY];
	unsigned n = lacp_member_history(t, m, h, LACP_HISTORY);
	char buf[48];

	CHECK(n <= LACP_HISTORY);
	for (unsigned k = 0; k < n; k++) {
		CHECK(h[k].why != NULL && h[k].from != h[k].to);
		CHECK(strcmp(lacp_state_name(h[k].machine, h[k].to), "?") != 0);
		CHECK(k == 0 || h[k - 1].at_ns <= h[k].at_ns);
	}
	CHECK(strlen(lacp_state_str(i.partner.state, buf, sizeof(buf))) < sizeof(buf));
}

/** A valid LACPDU from partner system 02:..:09 that sees member 0 correctly. */
static uint32_t template_lacpdu(uint8_t *f)
{
	struct lacp_pdu p = {
		.version = 1,
		.actor = { 32768, { 0x02, 0, 0, 0, 0, 9 }, 20, 32768, 1,
			   LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION | LACP_STATE_SYNC |
			   LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING },
		.partner = { 32768, { 0x02, 0, 0, 0, 0, 1 }, 10, 32768, 1,
			     LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION | LACP_STATE_SYNC },
	};
	const uint8_t src[6] = { 0x02, 0, 0, 0, 9, 1 };

	return lacp_pdu_build(f, LACP_FRAME_LEN, src, &p);
}

static enum lacp_rx_result rx_checked(struct lacp_team *t, unsigned m, const uint8_t *f, uint32_t len,
				      uint64_t now)
{
	struct lacp_member_info before, after;
	enum lacp_rx_result r;

	CHECK(lacp_member_info(t, m, &before) == 0);
	r = lacp_rx(t, m, f, len, now);
	CHECK((unsigned)r < LACP_RX__COUNT);
	CHECK(lacp_rx_result_name(r) != NULL);
	CHECK(lacp_member_info(t, m, &after) == 0);
	CHECK(after.stats.rx[r] == before.stats.rx[r] + 1);
	if (lacp_rx_is_malformed(r)) {  /* rejected before touching anything */
		CHECK(party_eq(&before.partner, &after.partner));
		CHECK(before.rx == after.rx);
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lacp_team_cfg cfg = { .system_mac = { 0x02, 0, 0, 0, 0, 1 }, .system_priority = 32768,
				     .key = 10, .active = true, .fast = true };
	struct lacp_team *t = NULL;
	struct ctx c = { .last_len = 0 };
	uint64_t now = SEC;
	bool up[2] = { true, true };
	uint8_t f[1600];
	size_t off = 0;

	CHECK(lacp_team_create(&cfg, &t, NULL) == 0);
	for (unsigned m = 0; m < 2; m++) {
		struct lacp_member_cfg mc = { .port = (uint16_t)(m + 1), .port_priority = 32768 };
		CHECK(lacp_member_add(t, m, &mc, now, NULL) == 0);
		CHECK(lacp_link_change(t, m, true, now) == 0);
	}
	/* The whole input as one frame first. */
	rx_checked(t, 0, data, (uint32_t)(size < sizeof(f) ? size : sizeof(f)), now);

	while (off + 2 <= size) {
		uint8_t op = data[off], n = data[off + 1];
		const uint8_t *b = data + off + 2;
		size_t len = size - off - 2 < n ? size - off - 2 : n;
		unsigned m = op & 1;

		off += 2 + len;
		switch ((op >> 1) & 7) {
		case 0:  /* raw frame */
			memcpy(f, b, len);
			rx_checked(t, m, f, (uint32_t)len, now);
			break;
		case 1:  /* bytes laid over a valid LACPDU at some offset; maybe shortened or padded */
		case 2: {  /* ... or over the actor/partner TLV contents only: well formed */
			uint32_t flen = template_lacpdu(f);
			size_t at = (op >> 1 & 7) == 1 ? (len ? b[0] % LACP_FRAME_LEN : 0) : 16 + 2;
			size_t k = len > 1 ? len - 1 : 0;

			if (at + k > LACP_FRAME_LEN)
				k = LACP_FRAME_LEN - at;
			if ((op >> 1 & 7) == 2 && k > 38)
				k = 38;  /* up to the collector TLV */
			memcpy(f + at, b + (len > 0), k);
			if ((op >> 1 & 7) == 2) {  /* keep the partner TLV header valid */
				f[LACP_ETH_HDR_LEN + 22] = LACP_TLV_PARTNER;
				f[LACP_ETH_HDR_LEN + 23] = LACP_TLV_PARTNER_LEN;
			}
			if (op & 0x80) {
				memset(f + flen, 0, sizeof(f) - flen);
				flen = (uint32_t)(LACP_FRAME_LEN + (len ? b[0] : 0) * 5);
			}
			rx_checked(t, m, f, flen, now);
			break;
		}
		case 3: {  /* marker, fields from the input */
			struct lacp_marker mk = { .requester_port = len ? b[0] : 0, .transaction_id = n };
			uint32_t flen = lacp_marker_build(f, sizeof(f), cfg.system_mac, &mk, op & 0x80);
			if (len > 2)
				f[LACP_ETH_HDR_LEN + b[1] % LACP_PDU_LEN] = b[2];
			rx_checked(t, m, f, flen, now);
			break;
		}
		case 4:  /* replay what we sent (loopback) */
			if (c.last_len)
				rx_checked(t, m, c.last, c.last_len, now);
			break;
		case 5:  /* time passes: up to ~100 s, often a little */
			now += (uint64_t)n * (op & 0x80 ? SEC / 2 : 10000000ull);
			break;
		case 6:  /* link flap, or the member removed and added back */
			if (op & 0x80) {
				struct lacp_member_cfg mc = { .port = (uint16_t)(m + 1), .port_priority = n };
				CHECK(lacp_member_remove(t, m, now) == 0);
				CHECK(lacp_member_add(t, m, &mc, now, NULL) == 0);
				up[m] = false;
				break;
			}
			up[m] = !up[m];
			CHECK(lacp_link_change(t, m, up[m], now) == 0);
			break;
		case 7:  /* modes */
			if (op & 0x80)
				CHECK(lacp_member_set_lacp_enabled(t, m, n & 1, now) == 0);
			else
				CHECK(lacp_team_set_mode(t, n & 1, n & 2, now) == 0);
			break;
		}
		lacp_run(t, now, tx_check, &c);
		check_member(t, 0);
		check_member(t, 1);
	}

	/* Let every timer run out: deadlines must move on, never stick at "now". */
	for (unsigned k = 0; k < 64; k++) {
		uint64_t d = lacp_next_deadline(t);

		if (d == LACP_NO_DEADLINE || d > now + 200 * SEC)
			break;
		if (d > now)
			now = d;
		lacp_run(t, now, tx_check, &c);
		CHECK(lacp_next_deadline(t) > now);
	}
	check_member(t, 0);
	check_member(t, 1);
	struct lacp_team_info ti;
	lacp_team_info(t, &ti);
	CHECK(ti.members == 2 && ti.distributing <= ti.selected && ti.selected <= 2);
	CHECK(lacp_team_distributing_mask(t) <= 3);
	lacp_team_destroy(t);
	return 0;
}
