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
#include <stddef.h>
#include <stdint.h>
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

/*
 * Asynchronous logging, for the daemon: from log_start_async() on, a line
 * is queued in a buffer of capacity bytes (log-ring.h) and written to
 * stderr by a thread of its own, so that a log call never waits on stderr
 * (a pipe nobody reads, journald busy or stopped).  A line that finds the
 * buffer full is dropped and counted, and so is a notice, info or debug
 * line that would fill its last quarter (kept for warnings and errors);
 * a warning "N log messages dropped"
 * takes the place of the gap once stderr takes data again.  Any thread may
 * log.  log_stop_async() waits up to timeout_ms for the queued lines to be
 * written (what is left after that is lost), and logging is synchronous
 * again.  log_start_async() returns 0 or a negative errno (-EBUSY: the
 * last writer is still stuck in write(), logging stays synchronous).
 */
int log_start_async(size_t capacity);
void log_stop_async(unsigned timeout_ms);
/* Lines dropped since the process started (`hidmapd status` shows it). */
uint64_t log_dropped_total(void);

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
