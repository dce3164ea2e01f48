/* ctl_server: the unix-socket endpoint vxswctl talks to.
 *
 * Protocol (one request per connection): the client sends its arguments
 * separated by 0x1f and ended by '\n'; the server answers "OK\n" or "ERR\n"
 * followed by text, then closes. Requests are capped at 4 KiB. Control thread
 * only; never blocks (slow clients are dropped after 2 s).
 */
#ifndef CTL_SERVER_H
#define CTL_SERVER_H

#include <poll.h>

struct ctl_server;

/** Handler: fill *reply (malloc'd) and return 0 for OK or -1 for ERR. */
typedef int (*ctl_handler_fn)(void *arg, int argc, char **argv, char **reply);

struct ctl_server *ctl_server_open(const char *path, ctl_handler_fn fn, void *arg, char *msg,
				   unsigned msglen);
void ctl_server_close(struct ctl_server *s);
/** Append the server's descriptors to fds; returns how many were added. */
unsigned ctl_server_pollfds(struct ctl_server *s, struct pollfd *fds, unsigned max);
/** Serve whatever is ready (call after poll()). */
void ctl_server_run(struct ctl_server *s);

#define CTL_ARG_SEP '\x1f'
#define CTL_MAX_REQUEST 4096
#define CTL_MAX_ARGS 32

#endif
