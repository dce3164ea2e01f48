/* One command on an FRR daemon's vty socket. See evpn_frr.h.
 *
 * The socket speaks what vtysh speaks: the command line with a NUL after it;
 * the daemon answers with the command's output and ends it with three NUL
 * bytes and a status byte (0 = success). */
#include "evpn_frr.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VTY_REPLY_MAX (16u << 20)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd to be ready for events before the deadline. 0 or -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left = deadline - now_ms();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(&p, 1, (int)left);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int send_cmd(int fd, const char *cmd, long long deadline)
{
	size_t len = strlen(cmd) + 1, off = 0; /* with its NUL */

	while (off < len) {
		ssize_t w;
		int rc = wait_fd(fd, POLLOUT, deadline);

		if (rc != 0)
			return rc;
		w = send(fd, cmd + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (w > 0)
			off += (size_t)w;
	}
	return 0;
}

/* Read until the end marker; the output without it goes to *out. */
static int read_reply(int fd, long long deadline, char **out, size_t *len)
{
	size_t cap = 65536, used = 0;
	char *buf = malloc(cap);
	int rc;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (used >= 4 && buf[used - 4] == 0 && buf[used - 3] == 0 && buf[used - 2] == 0)
			break;
		if (used == cap) {
			char *p = cap >= VTY_REPLY_MAX ? NULL : realloc(buf, cap * 2);
			if (p == NULL) {
				free(buf);
				return cap >= VTY_REPLY_MAX ? -E2BIG : -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		if ((rc = wait_fd(fd, POLLIN, deadline)) != 0) {
			free(buf);
			return rc;
		}
		r = recv(fd, buf + used, cap - used, 0);
		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
			free(buf);
			return r == 0 ? -EPROTO : -errno;
		}
		if (r > 0)
			used += (size_t)r;
	}
	rc = buf[used - 1];
	buf[used - 4] = '\0';
	*out = buf;
	*len = used - 4;
	return rc == 0 ? 0 : -EPROTO;
}

int evpn_frr_vty(const char *rundir, const char *daemon, const char *cmd, int timeout_ms,
		 char **out, size_t *len, char *msg, size_t msglen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + timeout_ms;
	int fd, rc;

	*out = NULL;
	*len = 0;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.vty", rundir, daemon) >=
	    sizeof(sa.sun_path)) {
		snprintf(msg, msglen, "%s/%s.vty: path too long", rundir, daemon);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(msg, msglen, "socket: %s", strerror(-rc));
		return rc;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
		rc = -errno;
		snprintf(msg, msglen, "%s: %s", sa.sun_path, strerror(-rc));
		close(fd);
		return rc;
	}
	rc = send_cmd(fd, cmd, deadline);
	if (rc == 0)
		rc = read_reply(fd, deadline, out, len);
	close(fd);
	if (rc == -EPROTO && *out != NULL)
		snprintf(msg, msglen, "%s: '%s' failed: %.80s", sa.sun_path, cmd, *out);
	else if (rc != 0)
		snprintf(msg, msglen, "%s: '%s': %s", sa.sun_path, cmd, strerror(-rc));
	return rc;
}
