/* vx_addr: an IPv4-or-IPv6 address value and its text form.
 *
 * Pure helpers shared by config, vtep and dataplane. Thread-safe (no state).
 */
#ifndef VX_ADDR_H
#define VX_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** An IP address. For IPv4 only a[0..3] is used and a[4..15] stay zero,
 *  so two vx_ip values compare equal with memcmp(). */
struct vx_ip {
	uint8_t af; /**< AF_INET or AF_INET6; 0 = unset */
	uint8_t a[16];
};

#define VX_IP_STRLEN 46 /* INET6_ADDRSTRLEN */

/** Parse "192.0.2.1" or "2001:db8::1". Returns 0 or -EINVAL. */
int vx_ip_parse(const char *s, struct vx_ip *out);
/** Format into buf (at least VX_IP_STRLEN bytes); returns buf. */
const char *vx_ip_str(const struct vx_ip *ip, char *buf, size_t len);
bool vx_ip_eq(const struct vx_ip *x, const struct vx_ip *y);
static inline bool vx_ip_is_set(const struct vx_ip *ip) { return ip->af != 0; }

/** Parse "02:00:00:00:00:01". Returns 0 or -EINVAL. */
int vx_mac_parse(const char *s, uint8_t mac[6]);
/** Format into buf (at least 18 bytes); returns buf. */
const char *vx_mac_str(const uint8_t mac[6], char *buf, size_t len);

#endif
