/* Unix-socket server for vxswctl. See ctl_server.h. */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vx_log.h"
#include "vx_time.h"

#define MAX_CLIENTS 8
#define CLIENT_TIMEOUT_NS 2000000000ull

struct ctl_client {
	int fd;
	unsigned len;
	uint64_t since_ns;
	char buf[CTL_MAX_REQUEST];
};

struct ctl_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler_fn fn;
	void *arg;
	struct ctl_client clients[MAX_CLIENTS];
};

static int mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

struct ctl_server *ctl_server_open(const char *path, ctl_handler_fn fn, void *arg, char *msg,
				   unsigned msglen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *s;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(msg, msglen, "control socket path too long: %s", path);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	s->fn = fn;
	s->arg = arg;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	mkdir_parent(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* A socket file left by a crashed vxswd is ours to replace; a live one
	 * answers connect() and is refused. */
	if (s->fd >= 0 && connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(msg, msglen, "another vxswd is serving %s", path);
		goto fail;
	}
	close(s->fd);
	unlink(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0660) != 0 || listen(s->fd, 16) != 0) {
		snprintf(msg, msglen, "control socket %s: %s", path, strerror(errno));
		goto fail;
	}
	return s;
fail:
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return NULL;
}

static void client_close(struct ctl_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

void ctl_server_close(struct ctl_server *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		client_close(&s->clients[i]);
	close(s->fd);
	unlink(s->path);
	free(s);
}

unsigned ctl_server_pollfds(struct ctl_server *s, struct pollfd *fds, unsigned max)
{
	unsigned n = 0;

	if (max == 0)
		return 0;
	fds[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (unsigned i = 0; i < MAX_CLIENTS && n < max; i++)
		if (s->clients[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = s->clients[i].fd, .events = POLLIN };
	return n;
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			if (poll(&pfd, 1, 2000) <= 0)
				return; /* the client stopped reading: give up */
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

static void serve(struct ctl_server *s, struct ctl_client *cl)
{
	char *argv[CTL_MAX_ARGS + 1];
	char *reply = NULL, *p = cl->buf;
	int argc = 0, rc;

	cl->buf[cl->len - 1] = '\0'; /* the '\n' */
	while (*p != '\0' && argc < CTL_MAX_ARGS) {
		argv[argc++] = p;
		p = strchr(p, CTL_ARG_SEP);
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	argv[argc] = NULL;
	if (p != NULL && *p != '\0') {
		rc = -1;
		reply = strdup("too many arguments\n");
	} else {
		rc = s->fn(s->arg, argc, argv, &reply);
	}
	write_all(cl->fd, rc == 0 ? "OK\n" : "ERR\n", rc == 0 ? 3 : 4);
	if (reply != NULL)
		write_all(cl->fd, reply, strlen(reply));
	free(reply);
	client_close(cl);
}

static void client_read(struct ctl_server *s, struct ctl_client *cl)
{
	ssize_t r = read(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		client_close(cl);
		return;
	}
	cl->len += (unsigned)r;
	if (memchr(cl->buf, '\n', cl->len) != NULL) {
		cl->len = (unsigned)((char *)memchr(cl->buf, '\n', cl->len) - cl->buf) + 1;
		serve(s, cl);
	} else if (cl->len == sizeof(cl->buf)) {
		write_all(cl->fd, "ERR\nrequest too long\n", 21);
		client_close(cl);
	}
}

void ctl_server_run(struct ctl_server *s)
{
	uint64_t now = vx_now_ns();
	int fd;

	while ((fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ctl_client *slot = NULL;
		for (unsigned i = 0; i < MAX_CLIENTS && slot == NULL; i++)
			if (s->clients[i].fd < 0)
				slot = &s->clients[i];
		if (slot == NULL) {
			write_all(fd, "ERR\nbusy\n", 9);
			close(fd);
			continue;
		}
		*slot = (struct ctl_client){ .fd = fd, .since_ns = now };
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		struct ctl_client *cl = &s->clients[i];
		if (cl->fd < 0)
			continue;
		client_read(s, cl);
		if (cl->fd >= 0 && now - cl->since_ns > CLIENT_TIMEOUT_NS)
			client_close(cl);
	}
}
