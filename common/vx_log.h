/* vx_log: leveled logging to stderr for the control plane.
 *
 * Never call from a worker's per-packet path. Thread-safe (one fprintf per line).
 */
#ifndef VX_LOG_H
#define VX_LOG_H

enum vx_log_level { VX_LOG_ERR, VX_LOG_WARN, VX_LOG_INFO, VX_LOG_DEBUG };

void vx_log_set_level(enum vx_log_level lvl);
void vx_log(enum vx_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define VX_ERR(...) vx_log(VX_LOG_ERR, __VA_ARGS__)
#define VX_WARN(...) vx_log(VX_LOG_WARN, __VA_ARGS__)
#define VX_INFO(...) vx_log(VX_LOG_INFO, __VA_ARGS__)
#define VX_DEBUG(...) vx_log(VX_LOG_DEBUG, __VA_ARGS__)

#endif
