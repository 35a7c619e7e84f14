/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util-log.h"
#include "vdev.h"

static bool is_mt_axis(unsigned code)
{
	return code == ABS_MT_SLOT || (code >= ABS_MT_TOUCH_MAJOR && code <= ABS_MT_TOOL_Y);
}

/*
 * drivers/input/input.c input_estimate_events_per_packet() and
 * input_register_device(): max_vals = estimate + 2.  Neither hid-input nor
 * uinput sets a hint for devices without multitouch slots.
 */
static size_t estimate_max_vals(struct libevdev *caps)
{
	unsigned mt_slots = 0, events;

	if (libevdev_has_event_code(caps, EV_ABS, ABS_MT_SLOT)) {
		mt_slots = (unsigned)(libevdev_get_abs_maximum(caps, ABS_MT_SLOT) + 1);
	} else if (libevdev_has_event_code(caps, EV_ABS, ABS_MT_TRACKING_ID)) {
		int n = libevdev_get_abs_maximum(caps, ABS_MT_TRACKING_ID) -
		        libevdev_get_abs_minimum(caps, ABS_MT_TRACKING_ID) + 1;

		mt_slots = n < 2 ? 2 : n > 32 ? 32 : (unsigned)n;
	} else if (libevdev_has_event_code(caps, EV_ABS, ABS_MT_POSITION_X)) {
		mt_slots = 2;
	}

	events = mt_slots + 1; /* SYN_MT_REPORT and SYN_REPORT */
	if (libevdev_has_event_type(caps, EV_ABS))
		for (unsigned c = 0; c <= ABS_MAX; c++)
			if (libevdev_has_event_code(caps, EV_ABS, c))
				events += is_mt_axis(c) ? mt_slots : 1;
	if (libevdev_has_event_type(caps, EV_REL))
		for (unsigned c = 0; c <= REL_MAX; c++)
			events += libevdev_has_event_code(caps, EV_REL, c);
	events += 7; /* room for KEY and MSC events */

	return events + 2 > HM_VDEV_MAX_FRAME ? HM_VDEV_MAX_FRAME : events + 2;
}

static void set_bit64(uint64_t *map, unsigned bit)
{
	map[bit / 64] |= UINT64_C(1) << (bit % 64);
}

static bool test_bit64(const uint64_t *map, unsigned bit)
{
	return map[bit / 64] >> (bit % 64) & 1;
}

static void clear_bit64(uint64_t *map, unsigned bit)
{
	map[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
}

/* The bitmaps of caps' codes and states (struct hm_vdev). */
static void cache_caps(struct hm_vdev *v)
{
	for (unsigned type = 1; type < EV_CNT; type++) {
		int max = libevdev_event_type_get_max(type);

		if (!libevdev_has_event_type(v->caps, type) || max < 0)
			continue;
		if (type == EV_KEY) {
			for (unsigned code = 0; code <= KEY_MAX; code++) {
				if (libevdev_has_event_code(v->caps, type, code))
					set_bit64(v->key_has, code);
				if (libevdev_get_event_value(v->caps, type, code))
					set_bit64(v->key_down, code);
			}
			continue;
		}
		if (type == EV_ABS)
			for (unsigned code = 0; code <= ABS_MAX; code++)
				if (libevdev_has_event_code(v->caps, type, code))
					v->abs[code] =
					    (struct input_absinfo *)libevdev_get_abs_info(v->caps,
					                                                  code);
		if (max >= 64)
			continue;
		v->small_types |= UINT32_C(1) << type;
		for (unsigned code = 0; code <= (unsigned)max; code++) {
			if (libevdev_has_event_code(v->caps, type, code))
				v->has[type] |= UINT64_C(1) << code;
			if ((type == EV_SW || type == EV_LED) &&
			    libevdev_get_event_value(v->caps, type, code))
				v->state[type] |= UINT64_C(1) << code;
		}
	}
}

static bool has_code(const struct hm_vdev *v, unsigned type, unsigned code)
{
	if (type == EV_KEY)
		return code <= KEY_MAX && test_bit64(v->key_has, code);
	if (type < EV_CNT && (v->small_types >> type & 1))
		return code < 64 && (v->has[type] >> code & 1);
	return libevdev_has_event_code(v->caps, type, code);
}

struct hm_vdev *hm_vdev_new(struct libevdev *caps)
{
	struct hm_vdev *v = zalloc(sizeof(*v));

	if (!v)
		return NULL;
	v->caps = caps;
	v->max_vals = estimate_max_vals(caps);
	v->nslots = libevdev_get_num_slots(caps);
	if (v->nslots > 0) {
		v->mt_vals = calloc((size_t)v->nslots * HM_VDEV_MT_CODES, sizeof(int));
		if (!v->mt_vals) {
			free(v);
			return NULL;
		}
		for (int slot = 0; slot < v->nslots; slot++)
			for (unsigned i = 0; i < HM_VDEV_MT_CODES; i++)
				v->mt_vals[slot * HM_VDEV_MT_CODES + i] = libevdev_get_slot_value(
				    caps, (unsigned)slot, ABS_MT_TOUCH_MAJOR + i);
		v->mt_sent = libevdev_get_event_value(caps, EV_ABS, ABS_MT_SLOT);
	}
	cache_caps(v);
	return v;
}

int hm_vdev_create(struct hm_vdev *v, struct hm_sink *sink)
{
	int r;

	r = sink->ops->add_device(sink, v->caps, v->ff_effects_max, &v->handle);
	if (r < 0)
		return r;
	v->sink = sink;
	return 0;
}

void hm_vdev_free(struct hm_vdev *v)
{
	if (!v)
		return;
	if (v->handle) {
		hm_vdev_release_all(v);
		v->sink->ops->remove_device(v->sink, v->handle);
	}
	libevdev_free(v->caps);
	free(v->mt_vals);
	free(v);
}

/* hm_input_defuzz(), inlined on the hot path here */
static inline __attribute__((always_inline)) int defuzz(int value, int old, int fuzz)
{
	if (fuzz) {
		if (value > old - fuzz / 2 && value < old + fuzz / 2)
			return old;
		if (value > old - fuzz && value < old + fuzz)
			return (old * 3 + value) / 4;
		if (value > old - fuzz * 2 && value < old + fuzz * 2)
			return (old + value) / 2;
	}
	return value;
}

int hm_input_defuzz(int value, int old, int fuzz)
{
	return defuzz(value, old, fuzz);
}

static inline void append(struct hm_vdev *v, unsigned type, unsigned code, int value, int raw)
{
	struct input_event *ev = &v->pending[v->npending];

	ev->type = (uint16_t)type;
	ev->code = (uint16_t)code;
	ev->value = value;
	v->raw[v->npending] = raw;
	v->npending++;
}

static void send_frame(struct hm_vdev *v)
{
	if (v->handle)
		v->sink->ops->frame(v->sink, v->handle, v->pending, v->raw, v->npending);
	v->npending = 0;
}

static inline __attribute__((always_inline)) void queue(struct hm_vdev *v, unsigned type,
                                                        unsigned code, int value, int raw)
{
	append(v, type, code, value, raw);
	/*
	 * The kernel's buffer for a device holds max_vals values; when it
	 * is nearly full the input core passes it on with a SYN_REPORT of
	 * value 1 (input_event_dispose(), input_value_sync) and goes on.
	 * Written to uinput, our SYN then arrives on an empty buffer and is
	 * swallowed, so both paths show the same frames.
	 */
	if (v->npending >= v->max_vals - 2) {
		append(v, EV_SYN, SYN_REPORT, 1, 1);
		send_frame(v);
	}
}

/*
 * drivers/input/input.c input_handle_abs_event() for a device with slots:
 * ABS_MT_SLOT only selects the slot; an ABS_MT_* value is defuzzed and
 * compared with that slot's, and when it passes the slot goes first if it
 * is not the last one sent (INPUT_SLOT).
 */
static void mt_event(struct hm_vdev *v, unsigned code, int value)
{
	int *val, cooked;

	if (code == ABS_MT_SLOT) {
		if (value >= 0 && value < v->nslots)
			v->mt_slot = value;
		return;
	}
	val = &v->mt_vals[v->mt_slot * HM_VDEV_MT_CODES + (code - ABS_MT_TOUCH_MAJOR)];
	cooked = defuzz(value, *val, v->abs[code]->fuzz);
	if (cooked == *val)
		return;
	if (v->mt_sent != v->mt_slot) {
		v->mt_sent = v->mt_slot;
		libevdev_set_event_value(v->caps, EV_ABS, ABS_MT_SLOT, v->mt_slot);
		queue(v, EV_ABS, ABS_MT_SLOT, v->mt_slot, v->mt_slot);
	}
	*val = cooked;
	libevdev_set_slot_value(v->caps, (unsigned)v->mt_slot, code, cooked);
	queue(v, EV_ABS, code, cooked, value);
}

void hm_vdev_event(struct hm_vdev *v, unsigned type, unsigned code, int value)
{
	int old, cooked;

	if (type != EV_SYN && !has_code(v, type, code))
		return;

	switch (type) {
	case EV_KEY:
		/* auto-repeat bypasses the state, as in the kernel */
		if (value == 2)
			break;
		if (test_bit64(v->key_down, code) == !!value)
			return;
		if (value)
			set_bit64(v->key_down, code);
		else
			clear_bit64(v->key_down, code);
		break;
	case EV_SW:
	case EV_LED:
		/* has_code() passed: code < 64 */
		if ((v->state[type] >> code & 1) == !!value)
			return;
		v->state[type] ^= UINT64_C(1) << code;
		break;
	case EV_REL:
		if (value == 0)
			return;
		break;
	case EV_ABS: {
		struct input_absinfo *abs = v->abs[code];

		if (is_mt_axis(code)) {
			if (v->nslots > 0) {
				mt_event(v, code, value);
				return;
			}
			/* libevdev keeps its own state of these */
			old = abs->value;
			cooked = defuzz(value, old, abs->fuzz);
			if (cooked == old)
				return;
			libevdev_set_event_value(v->caps, EV_ABS, code, cooked);
			queue(v, type, code, cooked, value);
			return;
		}
		/* what libevdev_set_event_value() does for any other axis */
		old = abs->value;
		cooked = defuzz(value, old, abs->fuzz);
		if (cooked == old)
			return;
		abs->value = cooked;
		queue(v, type, code, cooked, value);
		return;
	}
	case EV_SYN:
		/* a module ending a frame early, like input_sync() mid-report */
		if (code == SYN_REPORT)
			hm_vdev_flush(v);
		return;
	default:
		break;
	}
	queue(v, type, code, value, value);
}

void hm_vdev_flush(struct hm_vdev *v)
{
	/* the kernel passes no frame that holds only its SYN_REPORT */
	if (v->npending == 0)
		return;
	append(v, EV_SYN, SYN_REPORT, 0, 0);
	send_frame(v);
}

/*
 * Lifts every contact, as hid-multitouch's mt_release_contacts() does when
 * it loses track of the device: ABS_MT_TRACKING_ID -1 in each active slot,
 * then input_mt_sync_frame()'s pointer emulation with no contact
 * (drivers/input/input-mt.c input_mt_report_pointer_emulation(): BTN_TOUCH
 * and the BTN_TOOL_* finger count go to 0 with the other keys below,
 * ABS_PRESSURE to 0 when it emulates ABS_MT_PRESSURE; ABS_X/Y stay).
 */
static bool release_contacts(struct hm_vdev *v)
{
	int nslots = v->nslots;
	bool any = false;

	if (nslots <= 0 || !libevdev_has_event_code(v->caps, EV_ABS, ABS_MT_TRACKING_ID))
		return false;
	for (int s = 0; s < nslots; s++) {
		int *trkid =
		    &v->mt_vals[s * HM_VDEV_MT_CODES + (ABS_MT_TRACKING_ID - ABS_MT_TOUCH_MAJOR)];

		if (*trkid < 0)
			continue;
		if (v->mt_sent != s) {
			v->mt_sent = s;
			libevdev_set_event_value(v->caps, EV_ABS, ABS_MT_SLOT, s);
			queue(v, EV_ABS, ABS_MT_SLOT, s, s);
		}
		*trkid = -1;
		libevdev_set_slot_value(v->caps, (unsigned)s, ABS_MT_TRACKING_ID, -1);
		queue(v, EV_ABS, ABS_MT_TRACKING_ID, -1, -1);
		any = true;
	}
	return any;
}

void hm_vdev_release_all(struct hm_vdev *v)
{
	bool lifted = release_contacts(v);

	/* input_dev_release_keys(): BTN_TOUCH and BTN_TOOL_* are keys too */
	for (unsigned code = 0; code <= KEY_MAX; code++) {
		if (test_bit64(v->key_down, code))
			hm_vdev_event(v, EV_KEY, code, 0);
	}
	if (lifted && libevdev_has_event_code(v->caps, EV_ABS, ABS_MT_PRESSURE))
		hm_vdev_event(v, EV_ABS, ABS_PRESSURE, 0);
	hm_vdev_flush(v);
}

unsigned hm_vdev_keys_down(const struct hm_vdev *v)
{
	unsigned n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(v->key_down); i++)
		n += (unsigned)__builtin_popcountll(v->key_down[i]);
	return n;
}
