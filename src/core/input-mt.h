/* SPDX-License-Identifier: MIT */
/*
 * Multitouch slots for a module's output, as the kernel's input-mt
 * (drivers/input/input-mt.c, include/linux/input/mt.h, Linux 6.1) gives a
 * driver: declare N slots (hm_mt_init_slots), select a slot and say
 * whether it holds a contact (hm_mt_slot, hm_mt_report_slot_state),
 * report its ABS_MT_* values (hm_mt_report_abs), then close the frame
 * (hm_mt_sync_frame: lifts the slots not reported with
 * HM_MT_DROP_UNUSED, and emulates a single pointer: BTN_TOUCH,
 * BTN_TOOL_FINGER..QUINTTAP by count, ABS_X/ABS_Y/ABS_PRESSURE of the
 * oldest contact).
 *
 * A uinput device gets slots from the kernel (uinput calls
 * input_mt_init_slots(dev, n, 0)) but no tracking IDs and no pointer
 * emulation, so this helper does that driver-side part: it assigns
 * tracking IDs as input_mt_new_trkid() does and keeps the per-slot values
 * the pointer emulation reads.  Everything goes out through hm_emit() on
 * the output, so the user's mapping sees it; the output's input-core
 * emulation (vdev.c) then filters per slot as the kernel's input core
 * does, with the same fuzz arithmetic (hm_input_defuzz()), and lifts the
 * contacts on release-all.
 *
 * A report that carries several touch frames (a DualShock 4's) ends
 * each but the last with hm_emit(dev, output, EV_SYN, SYN_REPORT, 0)
 * after hm_mt_sync_frame(), as the driver calls input_sync().
 *
 * The helper's slots are the module's side of the kernel's struct
 * input_mt; the output's input-core emulation keeps its own (what the
 * user's mapping made of the events).  When the core releases everything
 * (hm_device_release_all(): the device went, a reload), the output lifts
 * its contacts but the helper does not learn of it: a contact the module
 * still reports afterwards comes back with its old tracking ID, after
 * the -1 (a new contact to evdev readers), where the kernel would assign
 * a new ID.
 *
 * struct hm_mt holds no pointers to allocated memory: keep it in the
 * module's priv.  Nothing here allocates.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <linux/input.h>
#include <libevdev/libevdev.h>

struct hm_device;

/* include/linux/input/mt.h */
#define HM_MT_POINTER     0x0001 /* INPUT_MT_POINTER: a touchpad (finger count) */
#define HM_MT_DIRECT      0x0002 /* INPUT_MT_DIRECT: a touchscreen */
#define HM_MT_DROP_UNUSED 0x0004 /* INPUT_MT_DROP_UNUSED: lift slots not reported in a frame */
#define HM_MT_TRKID_MAX   0xffff /* TRKID_MAX */
#define HM_MT_MAX_SLOTS   16

#define HM_MT_FIRST ABS_MT_TOUCH_MAJOR
#define HM_MT_LAST  ABS_MT_TOOL_Y

struct hm_mt_slot {
	int abs[HM_MT_LAST - HM_MT_FIRST + 1];
	unsigned frame;
};

struct hm_mt {
	struct hm_device *dev;
	unsigned output;
	unsigned flags;
	int num_slots;
	int slot;         /* the slot hm_mt_slot() selected */
	int trkid;        /* the next tracking ID, before masking */
	unsigned frame;   /* increases with every hm_mt_sync_frame() */
	int abs_distance; /* ABS_DISTANCE as last reported (hover without per-contact distance) */
	bool has_distance, has_mt_distance, has_mt_pressure;
	uint64_t has_mt; /* the ABS_MT_* codes declared, bit (code - HM_MT_FIRST) */
	int fuzz[HM_MT_LAST - HM_MT_FIRST + 1];
	struct hm_mt_slot slots[HM_MT_MAX_SLOTS];
};

/*
 * input_mt_init_slots(): on caps (an output's, from probe), declares
 * ABS_MT_SLOT 0..num_slots-1 and ABS_MT_TRACKING_ID 0..HM_MT_TRKID_MAX.
 * With HM_MT_POINTER or HM_MT_DIRECT: BTN_TOUCH, and ABS_X, ABS_Y,
 * ABS_PRESSURE copied from ABS_MT_POSITION_X, _Y, ABS_MT_PRESSURE (when
 * declared; fuzz 0, as copy_abs()), so declare those first.  With
 * HM_MT_POINTER: BTN_TOOL_FINGER, DOUBLETAP, and TRIPLETAP, QUADTAP,
 * QUINTTAP from 3, 4, 5 slots on, INPUT_PROP_POINTER.  With HM_MT_DIRECT:
 * INPUT_PROP_DIRECT.  Every slot starts empty, tracking IDs from 0.
 * Returns 0, -EINVAL for 0 or more than HM_MT_MAX_SLOTS slots or unknown
 * flags.
 */
int hm_mt_init_slots(struct hm_mt *mt, struct hm_device *dev, unsigned output,
                     struct libevdev *caps, unsigned num_slots, unsigned flags);

/* input_mt_slot(): selects slot (ABS_MT_SLOT); an out-of-range slot is
 * passed on and otherwise ignored, as the input core ignores it. */
void hm_mt_slot(struct hm_mt *mt, int slot);

/*
 * input_mt_report_slot_state(): marks the selected slot as seen in this
 * frame; active: ABS_MT_TRACKING_ID (the slot's own, or a new one if it
 * had none) and ABS_MT_TOOL_TYPE tool_type (MT_TOOL_FINGER, ...);
 * inactive: ABS_MT_TRACKING_ID -1.  Returns active.
 */
bool hm_mt_report_slot_state(struct hm_mt *mt, unsigned tool_type, bool active);

/* input_report_abs() on the output: an ABS_MT_* value of the selected
 * slot (kept, after the fuzz filter, for the pointer emulation), or any
 * other axis. */
void hm_mt_report_abs(struct hm_mt *mt, unsigned code, int value);

/* input_mt_report_finger_count(): BTN_TOOL_FINGER..QUINTTAP for count. */
void hm_mt_report_finger_count(struct hm_mt *mt, int count);

/* input_mt_report_pointer_emulation(). */
void hm_mt_report_pointer_emulation(struct hm_mt *mt, bool use_count);

/* input_mt_drop_unused(): lifts the slots not reported since the last
 * call, and starts a new frame. */
void hm_mt_drop_unused(struct hm_mt *mt);

/* input_mt_sync_frame(): with HM_MT_DROP_UNUSED drops the unused slots,
 * then emulates the pointer (the finger count with HM_MT_POINTER), and
 * starts a new frame.  Call before the frame's other keys, as drivers do;
 * the core ends the frame after decode. */
void hm_mt_sync_frame(struct hm_mt *mt);

/* The number of slots holding a contact. */
int hm_mt_count(const struct hm_mt *mt);
