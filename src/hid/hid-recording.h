/* SPDX-License-Identifier: MIT */
/*
 * hid-recorder files (the hid-tools text format):
 *   # comment
 *   N: <name>
 *   I: <bus hex> <vendor hex> <product hex>
 *   P: <phys>                          (optional)
 *   R: <length> <descriptor bytes in hex>
 *   E: <seconds.micros> <length> <report bytes in hex>
 *   D: <n>                             (device index; only 0 is supported)
 * Unknown letters are ignored, as hid-replay does.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util-mem.h"

#define HM_RECORDING_MAX_EVENTS 1000000u
#define HM_RECORDING_MAX_REPORT 16384u

struct hm_recording_event {
	uint64_t time_us;
	uint8_t *data;
	size_t size;
	unsigned line;
};

struct hm_recording {
	char *path;
	char *name;
	char *phys;
	uint16_t bus, vendor, product;
	bool has_info;
	uint8_t *rdesc;
	size_t rdesc_size;
	struct hm_recording_event *events;
	size_t nevents;
};

/*
 * Parses a recording.  Returns 0 and *ret, or a negative errno after
 * logging "path:line: what is wrong" (-EINVAL for bad content, -errno for
 * I/O).  A file without R: or I: lines is an error.
 */
int hm_recording_load(const char *path, struct hm_recording **ret);
void hm_recording_free(struct hm_recording *rec);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_recording *, hm_recording_free);

/* Writes the header (N:, I:, R: lines) and events in the same format. */
void hm_recording_write_header(FILE *f, const char *name, uint16_t bus, uint16_t vendor,
                               uint16_t product, const uint8_t *rdesc, size_t rdesc_size);
void hm_recording_write_event(FILE *f, uint64_t time_us, const uint8_t *data, size_t size);
