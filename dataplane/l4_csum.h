/* l4_csum: finish TCP/UDP checksums the sending kernel left unfinished.
 *
 * A veth peer hands locally sent TCP/UDP to AF_PACKET/AF_XDP with the
 * checksum offloaded ("partial": the field holds only the folded
 * pseudo-header sum) and DPDK's af_packet PMD drops the flag that says so.
 * Forwarded as is, such frames reach the far end with wrong checksums. Pure.
 */
#ifndef L4_CSUM_H
#define L4_CSUM_H

#include <stdbool.h>
#include <stdint.h>

/**
 * If frame (Ethernet, untagged, IPv4 or IPv6 without extension headers,
 * TCP or UDP, not a fragment) carries a checksum field equal to its folded
 * pseudo-header sum, replace it with the full checksum. A complete checksum
 * that happens to equal that sum is rewritten to itself, so the test is safe.
 * Returns true if the field was rewritten.
 */
bool l4_csum_finish(uint8_t *frame, uint32_t len);

#endif
