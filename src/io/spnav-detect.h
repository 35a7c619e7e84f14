/* SPDX-License-Identifier: MIT */
/* Whether spacenavd runs (for coexistence: the daemon leaves it the
 * devices, `hidmapd doctor` says who has them). */
#pragma once

/* spacenavd's pid (a process whose name is spacenavd, any user), 0 when
 * none runs. */
int hm_spacenavd_pid(void);

#include <stdbool.h>

struct hm_loop;
struct hm_spacenavd_watch;

/* Where spacenavd makes its pid file and socket: Debian's 1.1 writes
 * run/spnavd.pid and run/spnav.sock from / (that is, /run). */
#define HM_SPACENAVD_RUN_DIR "/run"

/* Called when spacenavd's pid file or socket appears (started: true) or
 * goes (false) in the watched directory. */
typedef void (*hm_spacenavd_fn)(void *userdata, bool started);

/* Watches dir with inotify in the loop (no polling).  -errno. */
int hm_spacenavd_watch_new(struct hm_loop *loop, const char *dir, hm_spacenavd_fn fn,
                           void *userdata, struct hm_spacenavd_watch **ret);
/* NULL-safe. */
void hm_spacenavd_watch_free(struct hm_spacenavd_watch *w);
