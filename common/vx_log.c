#include "vx_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum vx_log_level log_level = VX_LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

void vx_log_set_level(enum vx_log_level lvl)
{
	log_level = lvl;
}

void vx_log(enum vx_log_level lvl, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	va_list ap;

	if (lvl > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%lld.%03ld vxsw %s: %s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000000, level_names[lvl], line);
}
