/* SPDX-License-Identifier: MIT */
/*
 * A virtual output device: the capabilities, the event state and the
 * frame being built.  It mirrors what the kernel's input core does with
 * input_event() (drivers/input/input.c, input_handle_event()): events for
 * codes the device lacks are dropped, a key or LED that does not change
 * state is dropped, a relative motion of 0 is dropped, and an absolute value
 * goes through the fuzz filter and is dropped when it does not change, and
 * a frame longer than the kernel's buffer for the device is cut with a
 * SYN_REPORT of value 1, as input_event_dispose() cuts it.  On a device
 * with multitouch slots, ABS_MT_* values are kept and filtered per slot and
 * ABS_MT_SLOT passes only before a value that changed in another slot than
 * the last one sent, as input_handle_abs_event() does.  So
 * `hidmapd replay` shows what an evdev reader would see, and the state is
 * known when held keys must be released.
 */
#pragma once

#include <stdbool.h>

#include <linux/input.h>
#include <libevdev/libevdev.h>

#include "sink.h"

#define HM_VDEV_MAX_FRAME 256
#define HM_VDEV_MT_CODES  (ABS_MT_TOOL_Y - ABS_MT_TOUCH_MAJOR + 1)

struct hm_vdev {
	struct libevdev *caps; /* capabilities, ABS state */
	struct hm_sink *sink;
	void *handle; /* the sink's device, NULL until created */
	/* FF effects clients may upload (sink add_device), 0: the sink's
	 * default; set before hm_vdev_create() */
	unsigned ff_effects_max;
	size_t max_vals; /* the kernel's dev->max_vals for these capabilities */
	int mt_slot;     /* the slot ABS_MT_SLOT selected (the kernel's mt->slot) */
	/* caps' codes as bitmaps, for the hot path (a libevdev call per
	 * look-up costs as much as the rest of an event): the codes of EV_KEY
	 * and of every type whose codes fit in 64 bits.  The key, switch and
	 * LED states are kept here only (caps keeps the ABS state). */
	uint32_t small_types; /* types whose codes are in has[type] */
	uint64_t has[EV_CNT];
	uint64_t state[EV_CNT]; /* EV_SW and EV_LED */
	uint64_t key_has[(KEY_MAX + 64) / 64];
	uint64_t key_down[(KEY_MAX + 64) / 64];
	/* caps' absinfo of each ABS code it has (NULL: none), libevdev's own
	 * (libevdev_get_abs_info() hands out its array), so that an axis
	 * value is read and stored without a libevdev call; and its slots */
	struct input_absinfo *abs[ABS_CNT];
	int nslots;
	/* with slots: a copy of caps' slot values (nslots x HM_VDEV_MT_CODES,
	 * ABS_MT_TOUCH_MAJOR on), read without a libevdev call, and caps'
	 * ABS_MT_SLOT value (the last slot sent) */
	int *mt_vals;
	int mt_sent;
	size_t npending;
	struct input_event pending[HM_VDEV_MAX_FRAME];
	int raw[HM_VDEV_MAX_FRAME]; /* ABS values before the fuzz filter */
};

/* drivers/input/input.c input_defuzz_abs_event(), same arithmetic: what
 * the input core makes of value for an axis at old with this fuzz (shared
 * with the multitouch helper, input-mt.c, which keeps per-slot values). */
int hm_input_defuzz(int value, int old, int fuzz);

/* Takes ownership of caps. Does not create the sink device yet. */
struct hm_vdev *hm_vdev_new(struct libevdev *caps);
/* Creates the device on the sink. */
int hm_vdev_create(struct hm_vdev *v, struct hm_sink *sink);
/* Releases held keys (flushing them) and destroys the sink device. NULL-safe. */
void hm_vdev_free(struct hm_vdev *v);

/* Queues one event after the input core's filtering; SYN_REPORT ends the frame. */
void hm_vdev_event(struct hm_vdev *v, unsigned type, unsigned code, int value);
/* Ends the frame: if anything is queued, SYN_REPORT and hand it to the sink. */
void hm_vdev_flush(struct hm_vdev *v);
/* What the kernel does when a device lets go: lifts every multitouch
 * contact (ABS_MT_TRACKING_ID -1 in each active slot, ABS_PRESSURE 0 where
 * it emulates ABS_MT_PRESSURE), releases every key/button that is down
 * (BTN_TOUCH and BTN_TOOL_* included), then flushes.  Other axes keep their
 * values: where they rest is the module's to say (hm_device_set_abs_rest()). */
void hm_vdev_release_all(struct hm_vdev *v);
/* Number of keys/buttons currently down. */
unsigned hm_vdev_keys_down(const struct hm_vdev *v);
