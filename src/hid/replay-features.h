/* SPDX-License-Identifier: MIT */
/*
 * Feature-reply files: what a device answers to GET_REPORT Feature, for
 * `hidmapd replay --features FILE` (a transport whose get_feature answers
 * from the file) and for the VM's uhid responders (tests/vm), so that a
 * module that reads calibration at probe gets the same bytes in a replay
 * as the kernel's driver got in the VM.
 *
 * The format, one reply per line:
 *   # comment (also after the bytes)
 *   02 ff 00 01 ...      hex bytes separated by blanks, byte 0 the report ID
 * A reply is the whole report as the device returns it (a Bluetooth
 * PlayStation pad's replies end in their CRC32, which the file holds).
 * Each report ID has at most one line.  A bad line is an error naming
 * path:line; the whole file is rejected.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util-mem.h"

#define HM_FEATURE_REPLY_MAX 4096 /* bytes per reply (uhid's UHID_DATA_MAX) */

struct hm_feature_replies;

/* Parses path.  Returns 0 and *ret, or a negative errno after logging
 * "path:line: what is wrong" (-EINVAL bad content, -errno I/O). */
int hm_feature_replies_load(const char *path, struct hm_feature_replies **ret);
void hm_feature_replies_free(struct hm_feature_replies *fr);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_feature_replies *, hm_feature_replies_free);

/* The reply for report id, its length in *ret_size; NULL if the file has
 * none. */
const uint8_t *hm_feature_replies_find(const struct hm_feature_replies *fr, uint8_t id,
                                       size_t *ret_size);

/*
 * As struct hm_transport's get_feature (userdata: the replies): data[0] is
 * the report ID asked for, size the caller's buffer.  Copies the reply (cut
 * to size, as hidraw does) and returns its length; -EIO for an ID the file
 * has no reply for (what the VM's responder answers then, too).
 */
int hm_feature_replies_get(void *userdata, uint8_t *data, size_t size);
