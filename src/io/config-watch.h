/* SPDX-License-Identifier: MIT */
/*
 * Watching what the configuration reads (inotify), so that saving a file
 * reloads it and nothing else does.  For each configuration path:
 *
 *   a directory      the directory itself; its *.ini files count (the
 *                    loader's choice: not hidden ones, not other names)
 *   a file           its directory, for that one name
 *   missing          its nearest existing ancestor, for the creation of
 *                    the next component only; when that appears the watch
 *                    moves down onto it, and the ancestor's watch is dropped
 *                    once no path needs it
 *
 * So an application writing ~/.config/someapp.ini or /etc/foo.ini, while
 * ~/.config/hidmapd or /etc/hidmapd does not exist, wakes nothing up.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util-mem.h"

struct hm_config_watch;

/* Watches paths (copied).  Returns 0 and *ret, or -errno (inotify). */
int hm_config_watch_new(const char *const *paths, size_t npaths, struct hm_config_watch **ret);
void hm_config_watch_free(struct hm_config_watch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_config_watch *, hm_config_watch_free);

/* The inotify fd (non-blocking, CLOEXEC) to poll for input. */
int hm_config_watch_get_fd(const struct hm_config_watch *w);

/*
 * Reads what is pending and moves watches as paths appear and go.
 * Returns 1 when the configuration may have changed (a file it reads was
 * written, created, renamed or removed; a configuration path appeared or
 * went; the kernel's queue overflowed), 0 when nothing it reads changed,
 * or -errno.
 */
int hm_config_watch_process(struct hm_config_watch *w);

/* Puts the watches where they belong now, as when an event moves them
 * (after a reload asked for otherwise, a path that could not be watched
 * gets another chance).  Returns 0 or -errno. */
int hm_config_watch_refresh(struct hm_config_watch *w);

/* How many inotify watches are set (for tests and `status`). */
unsigned hm_config_watch_count(const struct hm_config_watch *w);
