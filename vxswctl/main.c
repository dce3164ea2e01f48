/* vxswctl: the vxswd command-line client. Thin: it forwards its arguments over
 * the control socket and prints the answer; vxswd does the work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/vxsw/vxswd.sock"
#define ARG_SEP '\x1f'
#define MAX_REQUEST 4096

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vxswctl [--socket PATH] COMMAND [--json]\n"
		"  show ports|vni|fdb [vni ID]|vtep|team [NAME]|team-members|evpn|counters|drops|config [--json]\n"
		"  add vni ID [learning on|off] [mac-limit N]     del vni ID\n"
		"  set port NAME access-vni ID\n"
		"  add port NAME vlan VID vni ID                  del port NAME vlan VID\n"
		"  add flood VNI IP                               del flood VNI IP\n"
		"  add fdb VNI MAC port NAME | remote IP          del fdb VNI MAC\n"
		"  clear counters\n"
		"The socket defaults to $VXSW_SOCKET or " DEFAULT_SOCKET ".\n");
}

static int build_request(char *buf, size_t len, int argc, char **argv)
{
	size_t off = 0;

	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (n == 0 || memchr(argv[i], ARG_SEP, n) || strchr(argv[i], '\n')) {
			fprintf(stderr, "vxswctl: argument %d is empty or has control characters\n",
				i + 1);
			return -1;
		}
		if (off + n + 2 > len) {
			fprintf(stderr, "vxswctl: arguments too long\n");
			return -1;
		}
		memcpy(buf + off, argv[i], n);
		off += n;
		buf[off++] = i + 1 < argc ? ARG_SEP : '\n';
	}
	return (int)off;
}

int main(int argc, char **argv)
{
	const char *path = getenv("VXSW_SOCKET") ? getenv("VXSW_SOCKET") : DEFAULT_SOCKET;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 30 };
	char req[MAX_REQUEST], buf[65536];
	int first = 1, fd, len, status = 2;
	ssize_t r;

	while (first < argc && strncmp(argv[first], "--", 2) == 0 &&
	       strcmp(argv[first], "--json") != 0) {
		if (strcmp(argv[first], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[first], "--socket") == 0 && first + 1 < argc) {
			path = argv[first + 1];
			first += 2;
			continue;
		}
		fprintf(stderr, "vxswctl: unknown option %s\n", argv[first]);
		usage(stderr);
		return 2;
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	len = build_request(req, sizeof(req), argc - first, argv + first);
	if (len < 0)
		return 2;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vxswctl: socket path too long\n");
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "vxswctl: cannot reach vxswd at %s: %s\n", path, strerror(errno));
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, req, (size_t)len) != len) {
		fprintf(stderr, "vxswctl: write: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	/* The first line is OK or ERR; the rest goes to stdout or stderr. */
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		char *p = buf;
		size_t n = (size_t)r;
		if (status == 2) {
			char *nl = memchr(buf, '\n', n);
			if (nl == NULL)
				break;
			status = strncmp(buf, "OK\n", 3) == 0 ? 0 : 1;
			n -= (size_t)(nl + 1 - buf);
			p = nl + 1;
		}
		fwrite(p, 1, n, status == 0 ? stdout : stderr);
	}
	if (r < 0)
		fprintf(stderr, "vxswctl: read: %s\n", strerror(errno));
	close(fd);
	if (status == 2)
		fprintf(stderr, "vxswctl: no answer from vxswd\n");
	return status;
}
