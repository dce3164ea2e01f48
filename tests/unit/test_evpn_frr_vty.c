/* Tests for evpn_frr_vty(): one command over a vty socket, against a fake
 * daemon (a forked process on a unix socket in a temporary directory) that
 * answers as FRR does, or badly. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cu_main.h"
#include "evpn_frr.h"

enum fake { ANSWER_OK, ANSWER_FAILED, CLOSE_EARLY, SILENT, ANSWER_BIG };

struct daemon {
	char dir[64];
	pid_t pid;
};

/* Serve one connection of the given kind at <dir>/zebra.vty. */
static void serve(int ls, enum fake kind)
{
	char cmd[256];
	size_t got = 0;
	int fd = accept(ls, NULL, NULL);

	if (fd < 0)
		_exit(1);
	while (got < sizeof(cmd)) { /* the command ends with its NUL */
		ssize_t r = read(fd, cmd + got, sizeof(cmd) - got);
		if (r <= 0)
			_exit(1);
		got += (size_t)r;
		if (memchr(cmd, 0, got) != NULL)
			break;
	}
	switch (kind) {
	case ANSWER_OK:
		(void)!write(fd, "{\"numMacs\":0}\n\0\0\0\0", 18);
		break;
	case ANSWER_FAILED:
		(void)!write(fd, "% Unknown command\n\0\0\0\1", 22);
		break;
	case CLOSE_EARLY:
		(void)!write(fd, "{\"numM", 6);
		break;
	case SILENT:
		sleep(3);
		break;
	case ANSWER_BIG: {
		static char chunk[65536];
		memset(chunk, 'x', sizeof(chunk));
		for (int i = 0; i < 300; i++) /* ~19 MiB: over the 16 MiB bound */
			if (write(fd, chunk, sizeof(chunk)) < 0)
				break;
		break;
	}
	}
	close(fd);
	_exit(0);
}

static void start(struct daemon *d, enum fake kind)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls;

	snprintf(d->dir, sizeof(d->dir), "/tmp/vxvty.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(d->dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/zebra.vty", d->dir);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(ls >= 0);
	CU_ASSERT_FATAL(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CU_ASSERT_FATAL(listen(ls, 1) == 0);
	d->pid = fork();
	CU_ASSERT_FATAL(d->pid >= 0);
	if (d->pid == 0)
		serve(ls, kind);
	close(ls);
}

static void stop(struct daemon *d)
{
	char path[128];

	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	snprintf(path, sizeof(path), "%s/zebra.vty", d->dir);
	unlink(path);
	rmdir(d->dir);
}

static int ask(struct daemon *d, int timeout_ms, char **out, char *msg)
{
	size_t len;

	return evpn_frr_vty(d->dir, "zebra", "show evpn mac vni all json", timeout_ms, out, &len,
			    msg, 256);
}

static void test_vty_reply_is_the_output_without_its_end_marker(void)
{
	struct daemon d;
	char msg[256], *out = NULL;

	start(&d, ANSWER_OK);
	CU_ASSERT_EQUAL(ask(&d, 2000, &out, msg), 0);
	CU_ASSERT_STRING_EQUAL(out, "{\"numMacs\":0}\n");
	free(out);
	stop(&d);
}

static void test_vty_failed_command_is_an_error_with_its_text(void)
{
	struct daemon d;
	char msg[256], *out = NULL;

	start(&d, ANSWER_FAILED);
	CU_ASSERT_EQUAL(ask(&d, 2000, &out, msg), -EPROTO);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Unknown command"));
	free(out);
	stop(&d);
}

static void test_vty_connection_closed_mid_reply(void)
{
	struct daemon d;
	char msg[256], *out = NULL;

	start(&d, CLOSE_EARLY);
	CU_ASSERT_EQUAL(ask(&d, 2000, &out, msg), -EPROTO);
	CU_ASSERT_PTR_NULL(out);
	stop(&d);
}

static void test_vty_silent_daemon_times_out_in_time(void)
{
	struct daemon d;
	char msg[256], *out = NULL;
	struct timespec a, b;
	long ms;

	start(&d, SILENT);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CU_ASSERT_EQUAL(ask(&d, 200, &out, msg), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	CU_ASSERT(ms >= 150 && ms < 1500);
	CU_ASSERT_PTR_NULL(out);
	stop(&d);
}

static void test_vty_endless_reply_is_cut_at_the_bound(void)
{
	struct daemon d;
	char msg[256], *out = NULL;

	start(&d, ANSWER_BIG);
	CU_ASSERT_EQUAL(ask(&d, 10000, &out, msg), -E2BIG);
	CU_ASSERT_PTR_NULL(out);
	stop(&d);
}

static void test_vty_no_daemon(void)
{
	char msg[256], *out = NULL;
	size_t len;

	CU_ASSERT_EQUAL(evpn_frr_vty("/nonexistent", "zebra", "show version", 100, &out, &len, msg,
				     sizeof(msg)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/nonexistent/zebra.vty"));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("evpn_frr_vty", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	signal(SIGPIPE, SIG_IGN);
	CU_ADD(s, test_vty_reply_is_the_output_without_its_end_marker);
	CU_ADD(s, test_vty_failed_command_is_an_error_with_its_text);
	CU_ADD(s, test_vty_connection_closed_mid_reply);
	CU_ADD(s, test_vty_silent_daemon_times_out_in_time);
	CU_ADD(s, test_vty_endless_reply_is_cut_at_the_bound);
	CU_ADD(s, test_vty_no_daemon);
	return CU_get_error();
}
