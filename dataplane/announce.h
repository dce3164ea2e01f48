/* announce: frames that tell physical switches where an address now is
 * ("notify switches" after a team failover). Pure builders, no I/O. */
#ifndef ANNOUNCE_H
#define ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "vx_addr.h"

#define ANNOUNCE_FRAME_MAX 128

/** Gratuitous ARP request (sender = target = ip) from mac, broadcast.
 *  Returns the frame length, 0 if cap is too small or ip is not IPv4. */
size_t announce_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct vx_ip *ip);

/** Unsolicited neighbour advertisement (override, target = ip, target
 *  link-layer address option = mac) to ff02::1 from ip. 0 if not IPv6. */
size_t announce_unsolicited_na(uint8_t *buf, size_t cap, const uint8_t mac[6],
			       const struct vx_ip *ip);

/** RARP request announcing mac (what hypervisors send for VM MACs). */
size_t announce_rarp(uint8_t *buf, size_t cap, const uint8_t mac[6]);

#endif
