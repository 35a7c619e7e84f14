/* SPDX-License-Identifier: MIT */
/*
 * Device requests off the loop: a bounded queue served by one worker
 * thread per device, completions signalled to the loop through an eventfd.
 *
 * Output and feature reports, and GET_REPORT, may block in the kernel for
 * seconds (usbhid and uhid wait 5 s for an answer); a device that never
 * answers must cost the loop nothing.  So the loop only queues a request
 * and goes on; the worker makes the blocking call; the loop gets the
 * result back through hm_rq_dispatch().  Every request with a callback
 * has a time limit, counted from its submission: past it, its callback
 * gets -ETIMEDOUT and a late answer is thrown away.  A worker stuck in the
 * kernel keeps its thread; the requests queued behind it time out in turn,
 * except output reports sent and forgotten, which wait (merged) for the
 * device to take them.
 *
 * Output reports that carry state (LEDs, rumble) merge: an output report
 * queued and not yet started is overwritten by a newer one with the same
 * report ID (data[0]), so the newest state wins and a burst takes one slot.
 *
 * The slots are allocated once: submitting never allocates.  Every call
 * except the exec hook is made from the loop thread.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hid-request.h"
#include "util-mem.h"

struct hm_rq;

/* Runs on the worker thread: performs the request on data (size bytes,
 * room for cap) and returns the bytes written or read, or a negative errno.
 * A GET request fills data (data[0], the report ID, is set on entry). */
typedef int (*hm_rq_exec_fn)(void *ctx, enum hm_request_type type, uint8_t *data, size_t size,
                             size_t cap);
/* Runs on the loop thread with the result; data/size is what a GET read. */
typedef void (*hm_rq_done_fn)(void *userdata, int result, const uint8_t *data, size_t size);

struct hm_rq_stats {
	uint64_t completed; /* callbacks run with the device's answer */
	uint64_t merged;    /* output reports overwritten by a newer one */
	uint64_t rejected;  /* submissions refused: queue full */
	uint64_t timed_out; /* callbacks run with -ETIMEDOUT */
};

/*
 * nslots requests of up to slot_size bytes each, timeout_us per request.
 * exec(ctx, ...) serves them on a new thread; ctx_free(ctx) (may be NULL)
 * runs once the worker is done with ctx, on whichever thread ends last.
 * Returns 0 or a negative errno.
 */
int hm_rq_new(unsigned nslots, size_t slot_size, uint64_t timeout_us, hm_rq_exec_fn exec,
              void (*ctx_free)(void *ctx), void *ctx, struct hm_rq **ret);

/* Stops the worker.  Requests not completed yet get -ECANCELED (their
 * callbacks run here; a submission from one of them fails with -ENODEV).
 * A worker blocked in the kernel is not waited for: it frees what it still
 * uses when its call returns.  NULL-safe. */
void hm_rq_free(struct hm_rq *rq);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_rq *, hm_rq_free);

/* hm_rq_free() in two halves, for a caller that must not wait on the
 * device.  hm_rq_cancel(), on the loop thread: submissions fail from now
 * on and every callback not run yet gets -ECANCELED.  Then
 * hm_rq_free_wait(), on any thread (a work pool's): stops the worker,
 * waits for it (however long the kernel keeps it) and frees everything,
 * ctx_free(ctx) included, so that once it returns the device is closed. */
void hm_rq_cancel(struct hm_rq *rq);
void hm_rq_free_wait(struct hm_rq *rq);

/* The eventfd (EFD_CLOEXEC|EFD_NONBLOCK) that becomes readable when a
 * request completed: then call hm_rq_dispatch(). */
int hm_rq_get_fd(const struct hm_rq *rq);

/*
 * Queues a request (data[0] is the report ID; a GET passes size bytes of
 * room with data[0] set).  done may be NULL (fire and forget).  An output
 * report without done merges with a queued one of the same ID.
 * Returns 0, -EMSGSIZE (larger than a slot), -EAGAIN (queue full: counted),
 * or -ENODEV (being freed).
 */
int hm_rq_submit(struct hm_rq *rq, enum hm_request_type type, const uint8_t *data, size_t size,
                 hm_rq_done_fn done, void *userdata);

/* Runs the callbacks of the requests that completed, and of those past
 * their time limit at now_us (-ETIMEDOUT).  Returns the earliest time
 * limit of a request still outstanding (hm_now_usec() clock), 0 if none. */
uint64_t hm_rq_dispatch(struct hm_rq *rq, uint64_t now_us);

/* Requests queued or running, their callbacks not run yet. */
unsigned hm_rq_pending(const struct hm_rq *rq);

/*
 * Waits, on a thread other than the loop's (the work pool closing the
 * device), until the worker has run every queued request, at most
 * timeout_us: a module's goodbye (hm_device_let_go()) goes out before the
 * device is closed.  Returns the number still queued or running.
 */
unsigned hm_rq_wait_sent(struct hm_rq *rq, uint64_t timeout_us);
const struct hm_rq_stats *hm_rq_get_stats(const struct hm_rq *rq);
