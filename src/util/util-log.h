/* SPDX-License-Identifier: MIT */
/*
 * Logging.  Messages go to stderr; under systemd (JOURNAL_STREAM set, or
 * forced with log_set_target) each line carries a "<N>" priority prefix
 * that journald understands.
 *
 * The log_*_errno() helpers log and return the negative errno they were
 * given, so a caller can "return log_error_errno(r, ...)" without also
 * returning the error separately.
 */
#pragma once

#include <stdbool.h>
#include <syslog.h>
#include "util-mem.h"

enum log_target {
	LOG_TARGET_AUTO,
	LOG_TARGET_PLAIN,
	LOG_TARGET_SYSTEMD,
};

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_target(enum log_target target);

/* Returns -abs(error) (or 0 when error is 0), after logging at priority level. */
int log_internal(int level, int error, const char *fmt, ...) _printf_(3, 4);

#define log_full_errno(level, error, ...) log_internal((level), (error), __VA_ARGS__)
#define log_debug(...)                    log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)                     log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)                   log_internal(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...)                  log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)                    log_internal(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(e, ...)           log_internal(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...)            log_internal(LOG_INFO, (e), __VA_ARGS__)
#define log_warning_errno(e, ...)         log_internal(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...)           log_internal(LOG_ERR, (e), __VA_ARGS__)
