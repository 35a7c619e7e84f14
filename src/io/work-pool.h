/* SPDX-License-Identifier: MIT */
/*
 * Work that may wait on a device or on a kernel lock a device holds, off
 * the loop: a small pool of threads runs jobs first come, first served,
 * and hands each one back to the loop through an eventfd.
 *
 * Since Linux 6.1 hidraw's open() and release() take the global
 * minors_rwsem for writing, and every GET_REPORT or feature request of
 * any hidraw device holds it for reading until the device answers or
 * uhid/usbhid give up (5 s).  So opening or closing one device can wait
 * seconds on another one that is silent: such calls run here, never on
 * the loop.  Threads are started as jobs need them, up to max_threads, so
 * a job stuck in the kernel does not hold up the others queued behind it
 * (hotplug of many devices stays fair) unless max_threads are stuck.
 *
 * A job is embedded in the caller's own struct (container_of style): the
 * pool allocates nothing per job.  run() is called on a pool thread, then
 * done() on the loop thread (from hm_work_pool_dispatch()), in the order
 * the jobs finished.  Between submission and done() the job belongs to
 * the pool; the loop may only set w->cancelled (an advisory flag its own
 * done() reads).
 */
#pragma once

#include <stdbool.h>

#include "util-mem.h"

struct hm_work;
typedef void (*hm_work_fn)(struct hm_work *w);

struct hm_work {
	hm_work_fn run;  /* on a pool thread */
	hm_work_fn done; /* on the loop thread, after run; may free w */
	bool cancelled;  /* set by the loop: done() decides what it means */
	/* the pool's */
	struct hm_work *next;
};

struct hm_work_pool;

#define HM_WORK_MAX_THREADS 16

/* Returns 0 and *ret, or a negative errno.  No thread runs until a job
 * comes.  nice > 0: the threads run at that nice value (setpriority() of
 * the thread), for work that must never take the CPU from the loop. */
int hm_work_pool_new(unsigned max_threads, int nice, struct hm_work_pool **ret);
/* Runs every job still queued or running to its end (a job stuck in the
 * kernel is waited for: this is for shutting down), calls their done(),
 * then frees the pool.  NULL-safe. */
void hm_work_pool_free(struct hm_work_pool *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_work_pool *, hm_work_pool_free);

/* The eventfd (EFD_CLOEXEC|EFD_NONBLOCK) readable when a job finished. */
int hm_work_pool_fd(const struct hm_work_pool *p);

/* Queues w (run and done set).  Never blocks; when no thread can be
 * started at all, w runs on the caller's thread (done() still comes from
 * the dispatch). */
void hm_work_submit(struct hm_work_pool *p, struct hm_work *w);

/* Calls done() of every job that finished, oldest first. */
void hm_work_pool_dispatch(struct hm_work_pool *p);
/* The same for at most max of them (0: all); when more are done, the fd
 * stays readable, for the loop's next turn (the other sources ready now
 * are served between). */
void hm_work_pool_dispatch_max(struct hm_work_pool *p, unsigned max);

/* Jobs submitted whose done() has not run yet. */
unsigned hm_work_pool_pending(const struct hm_work_pool *p);
/* Threads started so far. */
unsigned hm_work_pool_threads(const struct hm_work_pool *p);
