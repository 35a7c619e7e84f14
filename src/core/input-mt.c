/* SPDX-License-Identifier: MIT */
/*
 * The kernel's input-mt for modules (input-mt.h).  Every function names
 * the one of drivers/input/input-mt.c (Linux 6.1) it follows.
 */
#include <errno.h>
#include <string.h>

#include "input-mt.h"
#include "module.h"
#include "vdev.h"

#define TRKID_SGN ((HM_MT_TRKID_MAX + 1) >> 1)

static bool is_mt_value(unsigned code)
{
	return code >= HM_MT_FIRST && code <= HM_MT_LAST;
}

static int get_value(const struct hm_mt_slot *s, unsigned code)
{
	return s->abs[code - HM_MT_FIRST];
}

/* copy_abs(): dst gets src's absinfo with fuzz 0, when src is declared. */
static void copy_abs(struct libevdev *caps, unsigned dst, unsigned src)
{
	const struct input_absinfo *a = libevdev_get_abs_info(caps, src);
	struct input_absinfo copy;

	if (!a || !libevdev_has_event_code(caps, EV_ABS, src))
		return;
	copy = *a;
	copy.fuzz = 0;
	libevdev_enable_event_code(caps, EV_ABS, dst, &copy);
}

int hm_mt_init_slots(struct hm_mt *mt, struct hm_device *dev, unsigned output,
                     struct libevdev *caps, unsigned num_slots, unsigned flags)
{
	struct input_absinfo slot = {.minimum = 0, .maximum = (int)num_slots - 1};
	struct input_absinfo trkid = {.minimum = 0, .maximum = HM_MT_TRKID_MAX};

	if (num_slots == 0 || num_slots > HM_MT_MAX_SLOTS ||
	    (flags & ~(unsigned)(HM_MT_POINTER | HM_MT_DIRECT | HM_MT_DROP_UNUSED)))
		return -EINVAL;

	memset(mt, 0, sizeof(*mt));
	mt->dev = dev;
	mt->output = output;
	mt->flags = flags;
	mt->num_slots = (int)num_slots;

	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_SLOT, &slot);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_TRACKING_ID, &trkid);

	if (flags & (HM_MT_POINTER | HM_MT_DIRECT)) {
		libevdev_enable_event_code(caps, EV_KEY, BTN_TOUCH, NULL);
		copy_abs(caps, ABS_X, ABS_MT_POSITION_X);
		copy_abs(caps, ABS_Y, ABS_MT_POSITION_Y);
		copy_abs(caps, ABS_PRESSURE, ABS_MT_PRESSURE);
	}
	if (flags & HM_MT_POINTER) {
		libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_FINGER, NULL);
		libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_DOUBLETAP, NULL);
		if (num_slots >= 3)
			libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_TRIPLETAP, NULL);
		if (num_slots >= 4)
			libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_QUADTAP, NULL);
		if (num_slots >= 5)
			libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_QUINTTAP, NULL);
		libevdev_enable_property(caps, INPUT_PROP_POINTER);
	}
	if (flags & HM_MT_DIRECT)
		libevdev_enable_property(caps, INPUT_PROP_DIRECT);

	/* what the input core will keep per slot, and filter with which fuzz */
	for (unsigned code = HM_MT_FIRST; code <= HM_MT_LAST; code++) {
		if (!libevdev_has_event_code(caps, EV_ABS, code))
			continue;
		mt->has_mt |= UINT64_C(1) << (code - HM_MT_FIRST);
		mt->fuzz[code - HM_MT_FIRST] = libevdev_get_abs_fuzz(caps, code);
	}
	mt->has_mt_pressure = libevdev_has_event_code(caps, EV_ABS, ABS_MT_PRESSURE);
	mt->has_mt_distance = libevdev_has_event_code(caps, EV_ABS, ABS_MT_DISTANCE);
	mt->has_distance = libevdev_has_event_code(caps, EV_ABS, ABS_DISTANCE);

	/* "Mark slots as 'inactive'"; frame 0 as the kzalloc'd struct */
	for (int i = 0; i < mt->num_slots; i++)
		mt->slots[i].abs[ABS_MT_TRACKING_ID - HM_MT_FIRST] = -1;
	return 0;
}

void hm_mt_slot(struct hm_mt *mt, int slot)
{
	/* input_handle_abs_event(): a slot out of range is not selected */
	if (slot >= 0 && slot < mt->num_slots)
		mt->slot = slot;
	hm_emit(mt->dev, mt->output, EV_ABS, ABS_MT_SLOT, slot);
}

void hm_mt_report_abs(struct hm_mt *mt, unsigned code, int value)
{
	if (is_mt_value(code) && (mt->has_mt >> (code - HM_MT_FIRST) & 1)) {
		/* input_handle_abs_event(): the slot keeps the defuzzed value */
		int *v = &mt->slots[mt->slot].abs[code - HM_MT_FIRST];

		*v = hm_input_defuzz(value, *v, mt->fuzz[code - HM_MT_FIRST]);
	} else if (code == ABS_DISTANCE) {
		mt->abs_distance = value;
	}
	hm_emit(mt->dev, mt->output, EV_ABS, code, value);
}

/* input_mt_new_trkid() */
static int new_trkid(struct hm_mt *mt)
{
	return mt->trkid++ & HM_MT_TRKID_MAX;
}

bool hm_mt_report_slot_state(struct hm_mt *mt, unsigned tool_type, bool active)
{
	struct hm_mt_slot *slot = &mt->slots[mt->slot];
	int id;

	slot->frame = mt->frame;
	if (!active) {
		hm_mt_report_abs(mt, ABS_MT_TRACKING_ID, -1);
		return false;
	}
	id = get_value(slot, ABS_MT_TRACKING_ID);
	if (id < 0)
		id = new_trkid(mt);
	hm_mt_report_abs(mt, ABS_MT_TRACKING_ID, id);
	hm_mt_report_abs(mt, ABS_MT_TOOL_TYPE, (int)tool_type);
	return true;
}

void hm_mt_report_finger_count(struct hm_mt *mt, int count)
{
	hm_emit(mt->dev, mt->output, EV_KEY, BTN_TOOL_FINGER, count == 1);
	hm_emit(mt->dev, mt->output, EV_KEY, BTN_TOOL_DOUBLETAP, count == 2);
	hm_emit(mt->dev, mt->output, EV_KEY, BTN_TOOL_TRIPLETAP, count == 3);
	hm_emit(mt->dev, mt->output, EV_KEY, BTN_TOOL_QUADTAP, count == 4);
	hm_emit(mt->dev, mt->output, EV_KEY, BTN_TOOL_QUINTTAP, count == 5);
}

void hm_mt_report_pointer_emulation(struct hm_mt *mt, bool use_count)
{
	const struct hm_mt_slot *oldest = NULL;
	int oldid = mt->trkid, count = 0;

	for (int i = 0; i < mt->num_slots; i++) {
		const struct hm_mt_slot *ps = &mt->slots[i];
		int id = get_value(ps, ABS_MT_TRACKING_ID);

		if (id < 0)
			continue;
		if ((id - oldid) & TRKID_SGN) {
			oldest = ps;
			oldid = id;
		}
		count++;
	}

	hm_emit(mt->dev, mt->output, EV_KEY, BTN_TOUCH, count > 0);

	if (use_count) {
		/* a device that reports hover only as a whole (ABS_DISTANCE) */
		if (count == 0 && !mt->has_mt_distance && mt->has_distance && mt->abs_distance != 0)
			count = 1;
		hm_mt_report_finger_count(mt, count);
	}

	if (oldest) {
		hm_emit(mt->dev, mt->output, EV_ABS, ABS_X, get_value(oldest, ABS_MT_POSITION_X));
		hm_emit(mt->dev, mt->output, EV_ABS, ABS_Y, get_value(oldest, ABS_MT_POSITION_Y));
		if (mt->has_mt_pressure)
			hm_emit(mt->dev, mt->output, EV_ABS, ABS_PRESSURE,
			        get_value(oldest, ABS_MT_PRESSURE));
	} else if (mt->has_mt_pressure) {
		hm_emit(mt->dev, mt->output, EV_ABS, ABS_PRESSURE, 0);
	}
}

/* __input_mt_drop_unused(): every slot not seen in this frame gets -1
 * (the input core passes it only where a contact was). */
static void drop_unused(struct hm_mt *mt)
{
	for (int i = 0; i < mt->num_slots; i++) {
		if (mt->slots[i].frame == mt->frame)
			continue;
		hm_mt_slot(mt, i);
		hm_mt_report_abs(mt, ABS_MT_TRACKING_ID, -1);
	}
}

void hm_mt_drop_unused(struct hm_mt *mt)
{
	drop_unused(mt);
	mt->frame++;
}

void hm_mt_sync_frame(struct hm_mt *mt)
{
	if (mt->flags & HM_MT_DROP_UNUSED)
		drop_unused(mt);
	hm_mt_report_pointer_emulation(mt, mt->flags & HM_MT_POINTER);
	mt->frame++;
}

int hm_mt_count(const struct hm_mt *mt)
{
	int n = 0;

	for (int i = 0; i < mt->num_slots; i++)
		n += get_value(&mt->slots[i], ABS_MT_TRACKING_ID) >= 0;
	return n;
}
