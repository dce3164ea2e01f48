/* lacp: IEEE 802.1AX link aggregation for uplink teams (to be built).
 *
 * The interface the dataplane already provides for it:
 * - Slow-protocol frames (ethertype 0x8809: LACPDUs, marker PDUs) received on
 *   an uplink are classified by vtep_classify() as VTEP_CLASS_SLOWPROTO,
 *   queued by the worker on a ring and handed on the control thread to the
 *   hook registered in struct dp_ctrl (ctrl_slowproto_fn), with the port
 *   index and the current time.
 * - LACPDUs are sent with dp_ctrl_tx(), which queues them to worker 0 so the
 *   control thread never touches a tx queue.
 * - Member choice will replace the "first uplink" in the worker (host path)
 *   and the per-VTEP uplink (encap path) with a per-team hash over the flow
 *   hash already computed for the UDP source port.
 */
#ifndef LACP_H
#define LACP_H

#include <stdint.h>

#define LACP_ETHERTYPE 0x8809
#define LACP_SUBTYPE_LACP 1
#define LACP_SUBTYPE_MARKER 2

/** The slow-protocols multicast address 01:80:c2:00:00:02. */
static const uint8_t lacp_slow_proto_mac[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };

#endif
