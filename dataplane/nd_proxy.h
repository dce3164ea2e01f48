/* nd_proxy: ARP and IPv6 ND suppression, the pure part.
 *
 * An ARP request or a neighbour solicitation from a VM whose target the
 * control plane already knows (EVPN MAC/IP routes) is answered by the switch
 * and not flooded. This file recognises those requests, turns a request into
 * its reply in place, and holds the (bridge domain, IP) -> MAC table the
 * workers read. The table is immutable once built: the control thread builds
 * a new one and publishes it with the snapshot (RCU). Pure: no EAL, no I/O.
 */
#ifndef ND_PROXY_H
#define ND_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vx_addr.h"

enum nd_request {
	ND_NOT_A_REQUEST,
	ND_ARP_REQUEST,      /**< ARP who-has (not gratuitous) */
	ND_NEIGHBOR_SOLICIT, /**< ICMPv6 NS for a unicast target, from a unicast source */
};

/**
 * Recognise an ARP request or an NS in an untagged Ethernet frame and give
 * its target address. Gratuitous ARP (sender = target), DAD probes (NS from
 * ::), malformed or truncated frames are not requests (they flood as usual).
 */
enum nd_request nd_request_parse(const uint8_t *frame, uint32_t len, struct vx_ip *target);

/**
 * Turn the request in frame (as recognised above) into the reply from
 * target_mac, in place. Returns the reply's length (the same as the request's
 * for ARP; 86 for NA with the target link-layer option, which needs len >= 86
 * buffer room: the caller passes cap), 0 if it cannot.
 */
uint32_t nd_reply_in_place(uint8_t *frame, uint32_t len, uint32_t cap, enum nd_request kind,
			   const uint8_t target_mac[6]);

/**
 * What a VM's own ARP/ND traffic says about its addresses (snooping, for the
 * EVPN agent's MAC/IP routes): an ARP request or reply (also gratuitous) gives
 * the sender IP and MAC; an NA gives its target and the target link-layer
 * address (else the Ethernet source); an NS from a unicast source gives that
 * source and the Ethernet source. Returns false for anything else.
 */
bool nd_snoop(const uint8_t *frame, uint32_t len, struct vx_ip *ip, uint8_t mac[6]);

/** One known neighbour: in bridge domain bd, ip has mac. */
struct nd_entry {
	uint16_t bd;
	struct vx_ip ip;
	uint8_t mac[6];
};

struct nd_table;

/** Build a table of n entries (a later duplicate wins). NULL on ENOMEM. */
struct nd_table *nd_table_build(const struct nd_entry *e, unsigned n);
void nd_table_free(struct nd_table *t);
unsigned nd_table_size(const struct nd_table *t);
/** The MAC for (bd, ip), or NULL. Lock-free: the table never changes. */
const uint8_t *nd_table_lookup(const struct nd_table *t, uint16_t bd, const struct vx_ip *ip);

#endif
