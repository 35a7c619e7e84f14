/* SPDX-License-Identifier: MIT */
/*
 * The hidraw boundary for one open device.
 *
 * Input reports are read by the epoll loop itself, from a non-blocking
 * hidraw fd of our own (O_RDONLY|O_NONBLOCK|O_CLOEXEC): one wake-up per
 * report and no thread hand-off, as keyd reads evdev.  hidapi 0.13.1
 * gives no fd of its hid_device, so the node is opened a second time for
 * reading; hidapi stays how devices are found and spoken to: its
 * hid_device serves output and feature reports and GET_REPORT, from a
 * worker thread (request-queue.h) so that a device slow to answer never
 * blocks the loop.
 *
 * hidmapd is Linux-only (hidraw, uinput, libudev), and every Linux hidapi
 * device is a hidraw node, so there is no threaded-reader fallback: the
 * hidapi backends without a pollable fd (libusb, macOS, Windows) are not
 * ones hidmapd can run on.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request-queue.h"
#include "util-mem.h"

/* The kernel's per-reader buffer of input reports (HIDRAW_BUFFER_SIZE in
 * drivers/hid/hidraw.c): a ring of 64 entries that holds 63, and drops the
 * newest report when full. */
#define HM_HIDRAW_BUFFER_REPORTS 63

/* A request may wait this long for the device (the kernel's own GET/SET
 * REPORT waits up to 5 s). */
#define HM_REQUEST_TIMEOUT_US (1000 * 1000)
#define HM_REQUEST_SLOTS      16

struct hm_hid_reader;

/* Opens path for reading (the loop's fd) and through hidapi (requests),
 * with a request queue of slots of request_size bytes.  Returns 0 or a
 * negative errno. */
int hm_hid_reader_open(const char *path, size_t request_size, struct hm_hid_reader **ret);
/* Closes both; requests still outstanding complete with -ECANCELED. NULL-safe. */
void hm_hid_reader_close(struct hm_hid_reader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_hid_reader *, hm_hid_reader_close);

/*
 * hm_hid_reader_open() and hm_hid_reader_close() wait on the kernel:
 * since Linux 6.1 hidraw's open and release take the global minors_rwsem
 * for writing, which any device's pending GET_REPORT or feature request
 * holds for reading for up to 5 s.  The daemon makes them on a work pool
 * (work-pool.h), never on the loop, and closes in two halves:
 * hm_hid_reader_cancel() on the loop (the requests' callbacks run there,
 * with -ECANCELED; the fd is no longer to be polled), then
 * hm_hid_reader_close_wait() on the pool: waits for the request worker to
 * leave the device, then closes the hid_device and the fd.
 */
void hm_hid_reader_cancel(struct hm_hid_reader *r);
void hm_hid_reader_close_wait(struct hm_hid_reader *r);

/* The non-blocking hidraw fd to poll for EPOLLIN. */
int hm_hid_reader_fd(const struct hm_hid_reader *r);
/* The device's request queue (poll its fd, hm_rq_dispatch() it). */
struct hm_rq *hm_hid_reader_requests(struct hm_hid_reader *r);

/*
 * Reads one report from a hidraw fd (or any fd that keeps message
 * boundaries).  Returns its size (>0), 0 when there is none now, -ENODEV
 * when the device is gone, or another negative errno for an error that
 * does not end the device (the caller tries again on the next wake-up).
 * EINTR is retried.
 */
int hm_hid_read_report(int fd, uint8_t *buf, size_t size);

/*
 * What a read(2) error err on fd means: true when the device is gone —
 * ENODEV, or EIO while the fd reports a hang-up (hidraw answers EIO and
 * EPOLLHUP once the device is removed) — false for what passes (EINTR,
 * EAGAIN, an EIO of a device still there).
 */
bool hm_hid_read_error_is_gone(int err, int fd);

/*
 * For the commands that read a node outside the loop (`record`, `layout`):
 * opens path for reading as the reader does (O_RDONLY|O_NONBLOCK|O_CLOEXEC).
 * Returns the fd or a negative errno.
 */
int hm_hid_open_for_reading(const char *path);

/*
 * Waits up to timeout_ms (-1: without end) for a report on fd, then reads
 * it with hm_hid_read_report().  Returns its size (>0), 0 when none came in
 * time, -EINTR when a signal came first, -ENODEV when the device is gone
 * (or fd hung up with nothing left to read), or another negative errno.
 */
int hm_hid_wait_report(int fd, uint8_t *buf, size_t size, int timeout_ms);
