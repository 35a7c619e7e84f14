/* SPDX-License-Identifier: MIT */
/*
 * The epoll loop.  Everything the daemon waits for is a source here: report
 * eventfds, uinput feedback fds, signalfd, timerfds, the udev monitor.
 * epoll_wait() blocks without a timeout: an idle daemon never wakes up.
 *
 * A source removed while a batch of events is being dispatched is only
 * freed when the batch ends, so a callback may remove any source,
 * including its own and ones that still have events pending in the batch.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "util-mem.h"

struct hm_loop;
struct hm_source;
struct hm_timer;

typedef void (*hm_source_fn)(struct hm_source *source, uint32_t events, void *data);
typedef void (*hm_timer_fn)(struct hm_timer *timer, void *data);

int hm_loop_new(struct hm_loop **ret);
/* Frees every remaining source (closing owned fds). NULL-safe. */
void hm_loop_free(struct hm_loop *loop);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_loop *, hm_loop_free);

/*
 * Watches fd for events (EPOLLIN...). With owns_fd the fd is closed when the
 * source is removed.  Returns the source or NULL (errno set).
 */
struct hm_source *hm_loop_add_fd(struct hm_loop *loop, int fd, uint32_t events, bool owns_fd,
                                 hm_source_fn fn, void *data);
/* Stops watching at once; frees at the end of the current batch. NULL-safe. */
void hm_source_remove(struct hm_source *source);
int hm_source_get_fd(const struct hm_source *source);
/* Watches for other events from now on (EPOLL_CTL_MOD).  Returns 0 or
 * -errno. */
int hm_source_set_events(struct hm_source *source, uint32_t events);

/* Waits for one batch of events (timeout_ms -1: forever) and dispatches it. */
int hm_loop_dispatch(struct hm_loop *loop, int timeout_ms);
/* Dispatches until hm_loop_quit(). Returns 0, or a negative errno on failure. */
int hm_loop_run(struct hm_loop *loop);
void hm_loop_quit(struct hm_loop *loop);
/* Number of dispatch rounds so far (for tests: counts wake-ups). */
uint64_t hm_loop_wakeups(const struct hm_loop *loop);

/* A one-shot timer on a timerfd (CLOCK_MONOTONIC). */
struct hm_timer *hm_timer_new(struct hm_loop *loop, hm_timer_fn fn, void *data);
/* Fires after usec (relative); 0 disarms. */
int hm_timer_arm(struct hm_timer *t, uint64_t usec);
void hm_timer_free(struct hm_timer *t);

/* Blocks the signals in mask for the process and delivers them through a
 * signalfd source; fn gets the signal number. */
typedef void (*hm_signal_fn)(int signo, void *data);
struct hm_source *hm_loop_add_signals(struct hm_loop *loop, const sigset_t *mask, hm_signal_fn fn,
                                      void *data);

uint64_t hm_now_usec(void);
