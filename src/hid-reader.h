/* SPDX-License-Identifier: MIT */
/*
 * The hidapi boundary for one open device.
 *
 * hidapi 0.13.1 has no pollable fd and a hid_device must never be used
 * from two threads, so each device gets:
 *  - a read handle owned by one reader thread, blocked in
 *    hid_read_timeout(-1), which pushes every report into an SPSC ring
 *    whose eventfd the loop polls;
 *  - a second handle on the same node, used only by the loop thread, for
 *    output and feature reports.
 * When a read fails the thread marks the reader dead, kicks the eventfd
 * and ends; the loop then closes everything once.  To stop a healthy
 * thread, the loop sends it a signal that interrupts its read(2).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "util-mem.h"

struct hm_hid_reader;

/* Opens path twice and starts the thread. Returns 0 or a negative errno. */
int hm_hid_reader_open(const char *path, size_t max_report, struct hm_hid_reader **ret);
/* Stops and joins the thread, closes both handles. NULL-safe. */
void hm_hid_reader_close(struct hm_hid_reader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_hid_reader *, hm_hid_reader_close);

struct hm_ring *hm_hid_reader_ring(struct hm_hid_reader *r);
/* True once the thread ended on a read error (the device is gone). */
bool hm_hid_reader_dead(struct hm_hid_reader *r);

/* Loop thread only. data[0] is the report ID (0 if unnumbered). */
int hm_hid_reader_write(void *reader, const uint8_t *data, size_t size);
int hm_hid_reader_send_feature(void *reader, const uint8_t *data, size_t size);
int hm_hid_reader_get_feature(void *reader, uint8_t *data, size_t size);

/* Installs the handler of the signal that interrupts reader threads and
 * blocks it in the calling thread; call once from main before any reader. */
int hm_hid_reader_setup_signals(void);
