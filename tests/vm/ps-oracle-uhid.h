/* SPDX-License-Identifier: MIT */
/*
 * The PlayStation oracle's uhid device (ps-oracle, scenarios-playstation):
 * a uhid device made from a recording with its real ids, whose requests a
 * thread of its own answers from a feature-reply file (the kernel's
 * drivers block their probe on GET_REPORT, and the DualSense sends output
 * reports right after it), capturing every UHID_OUTPUT.  Bluetooth devices
 * get uniq "aa:bb:cc:dd:ee:ff", as HIDP sets it (6.1's hid-sony parses the
 * pad's MAC from it).
 *
 * Errors are negative errnos, logged.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libevdev/libevdev.h>

#include "hid-recording.h"
#include "replay-features.h"
#include "uhid-util.h"
#include "util-mem.h"

#define PS_MAX_OUTPUTS  512 /* UHID_OUTPUT reports kept */
#define PS_OUTPUT_MAX   80  /* bytes kept of each (the largest PlayStation output is 78) */
#define PS_MAX_NODES    8
#define PS_BT_UNIQ      "aa:bb:cc:dd:ee:ff"
#define PS_BIND_TIMEOUT 10000 /* ms */

struct ps_uhid {
	int fd;
	struct hm_recording *rec;
	struct hm_feature_replies *features;
	pthread_t thread;
	bool thread_started;
	volatile bool stop;
	pthread_mutex_t lock;
	/* under lock */
	unsigned get_reports, get_unanswered, set_reports, noutputs;
	uint8_t out[PS_MAX_OUTPUTS][PS_OUTPUT_MAX];
	size_t out_size[PS_MAX_OUTPUTS];
	/* a Nintendo Switch pad (vendor 057e): its outputs answered as
	 * tests/lib/switch-pad.h's pad does (hid-nintendo waits for replies
	 * to its USB commands and subcommands), and, while stream is set,
	 * the last input report sent again every 15 ms, as a pad streams its
	 * full reports (6.12's subcommand rate limiter waits for them) */
	bool switch_pad;
	uint8_t switch_type;
	volatile bool stream;
	uint8_t last_input[64];
	size_t last_input_size;
	unsigned answered;
	/* not 0: no more answers after this many (a pad whose link is about
	 * to drop); set before the daemon opens the device */
	unsigned answer_limit;
	/* after ps_uhid_wait_bound() */
	char syspath[256];
	char driver[64];
	char hidraw[32];
};

/* Creates the device from the recording at rec_path (name, bus, ids,
 * descriptor), answering its requests from features_path (NULL: GET_REPORT
 * fails with EIO, SET_REPORT succeeds), and starts the thread. */
int ps_uhid_new(const char *rec_path, const char *features_path, struct ps_uhid **ret);

/* Stops the thread, destroys the device; NULL is fine. */
void ps_uhid_free(struct ps_uhid *u);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct ps_uhid *, ps_uhid_free);

/* Waits until a driver has bound the device and its event nodes are there
 * (no new one for 300 ms): 0 with u->syspath and u->driver set, -ETIMEDOUT. */
int ps_uhid_wait_bound(struct ps_uhid *u, unsigned timeout_ms);

/* One input report (UHID_INPUT2): 0 or -errno. */
int ps_uhid_input(struct ps_uhid *u, const uint8_t *data, size_t size);

/* How many outputs have come so far; output i into buf (PS_OUTPUT_MAX), its
 * size returned (0: no such output). */
unsigned ps_uhid_noutputs(struct ps_uhid *u);
size_t ps_uhid_output(struct ps_uhid *u, unsigned i, uint8_t *buf);

/* The event nodes of the bound device in input-number order (not opened). */
int ps_uhid_nodes(struct ps_uhid *u, struct vm_evnode *nodes, size_t *ret_n);

/* "I: <bus> <vendor> <product> <version> ff-effects <n>|-\n" (ids in hex;
 * how many force-feedback effects the device takes at once, EVIOCGEFFECTS,
 * "-" without EV_FF) of an open evdev device: the line of the ids files,
 * what the replay format does not show. */
void ps_print_ids(FILE *f, const struct libevdev *evdev);

/* The PlayStation Bluetooth CRC32: crc32(seed || data[0..n)). */
uint32_t ps_crc32(uint8_t seed, const uint8_t *data, size_t n);

/* Whether the last 4 bytes of a Bluetooth output report are its CRC
 * (seed 0xA2). */
bool ps_output_crc_ok(const uint8_t *data, size_t size);

/*
 * The rumble motors of a PlayStation output report (and a Switch
 * controller's rumble-only report 0x10: mode "nsw", strong and weak the
 * left and right sides' four encoded bytes as big-endian numbers): true and strong/weak
 * (0..255) when it is a report that sets them (DS4 USB 0x05 / BT 0x11 with
 * the rumble flag, mode "-"; DualSense USB 0x02 / BT 0x31 with the
 * compatible vibration, mode "v1", or haptics select with the compatible
 * vibration v2, mode "v2"); false otherwise.
 */
bool ps_output_motors(const uint8_t *data, size_t size, unsigned *ret_strong, unsigned *ret_weak,
                      const char **ret_mode);

/*
 * The rumble check, the same on the kernel's gamepad node and on hidmapd's:
 * for each of a fixed list of effects (FF_RUMBLE with several magnitudes,
 * FF_SINE and FF_SQUARE, which ff-memless plays as rumble, and a rumble
 * under FF_GAIN), uploads it on fd (an evdev node with EV_FF, opened
 * read-write), plays it, waits, and takes the motors of the last rumble
 * output report u received since the play; then stops it and takes them
 * again; erases it.  Writes one line per effect to f:
 *   M: <effect> play <s> <w> <mode> stop <s> <w> <mode> crc <ok|bad|->
 * (the effect as "rumble-<strong>-<weak>", "sine-<magnitude>"...,
 * motors 0..255 in decimal, the mode of
 * ps_output_motors(), "- - -" when no rumble report came; crc: Bluetooth
 * reports' CRC32), then the reports as "# O:" lines.
 * Returns 0 or -errno (an ioctl failed).
 */
int ps_rumble_check(struct ps_uhid *u, int fd, FILE *f);
