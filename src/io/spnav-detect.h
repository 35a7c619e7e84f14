/* SPDX-License-Identifier: MIT */
/* Whether spacenavd runs (for coexistence: the daemon leaves it the
 * devices, `hidmapd doctor` says who has them). */
#pragma once

/* spacenavd's pid (a live process whose name is spacenavd, any user; a
 * zombie does not count), 0 when none runs. */
int hm_spacenavd_pid(void);

#include <stdbool.h>

struct hm_loop;
struct hm_spacenavd_watch;

/* Where spacenavd makes its pid file and socket: Debian's 1.1 writes
 * run/spnavd.pid and run/spnav.sock from / (that is, /run). */
#define HM_SPACENAVD_RUN_DIR "/run"

/* Called when spacenavd's pid file or socket appears (started: true) or
 * goes (false) in the watched directory, or the process watched with
 * hm_spacenavd_watch_pid() ends (false). */
typedef void (*hm_spacenavd_fn)(void *userdata, bool started);

/* Watches dir with inotify in the loop (no polling).  -errno. */
int hm_spacenavd_watch_new(struct hm_loop *loop, const char *dir, hm_spacenavd_fn fn,
                           void *userdata, struct hm_spacenavd_watch **ret);
/* Also watches process pid (spacenavd, from hm_spacenavd_pid()) through a
 * pidfd: its end, however it comes (a SIGKILL leaves the files behind, so
 * inotify says nothing), is reported as fn(userdata, false).  One pid at a
 * time: another replaces it; the same one is a no-op.  0 or -errno (the
 * kernel has no pidfd_open, or the process is already gone: -ESRCH). */
int hm_spacenavd_watch_pid(struct hm_spacenavd_watch *w, int pid);
/* NULL-safe. */
void hm_spacenavd_watch_free(struct hm_spacenavd_watch *w);
