/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util-log.h"

static int max_level = LOG_INFO;
static enum log_target target = LOG_TARGET_AUTO;

void log_set_max_level(int level)
{
	max_level = level;
}

int log_get_max_level(void)
{
	return max_level;
}

void log_set_target(enum log_target t)
{
	target = t;
}

static bool use_prefix(void)
{
	if (target == LOG_TARGET_AUTO)
		target = getenv("JOURNAL_STREAM") ? LOG_TARGET_SYSTEMD : LOG_TARGET_PLAIN;
	return target == LOG_TARGET_SYSTEMD;
}

int log_internal(int level, int error, const char *fmt, ...)
{
	int saved = errno;
	char buf[1024];
	va_list ap;

	if (error < 0)
		error = -error;

	if (level <= max_level) {
		/* %m in the format refers to the error we were given */
		errno = error;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		if (use_prefix())
			fprintf(stderr, "<%d>%s\n", level, buf);
		else
			fprintf(stderr, "hidmapd: %s\n", buf);
	}

	errno = saved;
	return -error;
}
