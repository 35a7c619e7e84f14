/* SPDX-License-Identifier: MIT */
/*
 * The generic module: any HID device, decoded from its report descriptor
 * into the evdev devices and events Linux 6.1 creates for it with
 * hid-generic + hid-input.
 *
 * Every rule here is the kernel's, and each function names the kernel
 * function it follows (drivers/hid/hid-input.c, drivers/hid/hid-core.c,
 * drivers/input/input.c of 6.1.y: Debian 12 ships 6.1.1xx, and the HID
 * stable backports are followed as of 6.1.158).  Where the kernel's behaviour looks odd
 * (the D-pad, the Resolution Multiplier scope, duplicate codes) it is kept,
 * because the point of this module is that a user sees the same devices
 * with or without hidmapd.  What is not reproduced is listed next to the
 * place it would be.
 *
 * The work splits like the kernel's: probe() maps every usage and decides
 * the input devices (hidinput_connect()); decode() fetches every field of a
 * report and feeds the values through the kernel's event function
 * (hid_process_report() -> hidinput_hid_event()), in the kernel's order.
 * Everything decode() needs is allocated in probe().
 *
 * This file holds decode and emission; the usage mapping is in
 * generic-map.c, probe in generic-setup.c, describe in generic-describe.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "generic-private.h"
#include "hid-constants.h"
#include "hid-report.h"
#include "module.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

/* hid_hat_to_axis[] of hid-input.c: direction 1..8 clockwise from up, 0 centered. */
static const struct {
	int8_t x, y;
} hat_to_axis[9] = {
    {0, 0}, {0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1},
};

/* hidinput_hid_event(): (value - min) * 8 / (max - min + 1) + 1 with the
 * __s8 range of struct hid_usage; outside 1..8 means centered. */
static int hat_direction(int32_t value, int8_t min, int8_t max)
{
	int32_t dir = wrap_mul(wrap_sub(value, min), 8) / (max - min + 1) + 1;

	return dir < 0 || dir > 8 ? 0 : dir;
}

void hm_generic_hat_to_axes(int32_t value, int32_t min, int32_t max, int *ret_x, int *ret_y)
{
	int8_t hat_min = (int8_t)min, hat_max = (int8_t)max;
	int dir = hat_min < hat_max ? hat_direction(value, hat_min, hat_max) : 0;

	*ret_x = hat_to_axis[dir].x;
	*ret_y = hat_to_axis[dir].y;
}

/* input_event() as far as hid-input can see it: the input core keeps key
 * state only for codes the device has. */
static void emit(struct hm_device *dev, struct gen_input *in, unsigned type, unsigned code,
                 int value)
{
	if (type == EV_KEY && value != 2 && code <= KEY_MAX && test_bit(in->evbit, EV_KEY) &&
	    test_bit(in->keybit, code) && code != KEY_RESERVED) {
		if (value)
			set_bit(in->key, code);
		else
			clear_bit(in->key, code);
	}
	hm_emit(dev, (unsigned)in->output, type, code, value);
}

/* Where hid-input calls input_sync() in the middle of a report: the frame
 * of that output ends here (module.h, hm_emit()). */
static void mid_report_sync(struct hm_device *dev, struct gen_input *in)
{
	hm_emit(dev, (unsigned)in->output, EV_SYN, SYN_REPORT, 0);
}

/* hid_report_release_tool() / hid_report_set_tool() */
static void release_tool(struct hm_device *dev, struct gen_report *gr, struct gen_input *in,
                         unsigned tool)
{
	if (!test_bit(in->key, tool))
		return;
	emit(dev, in, EV_KEY, BTN_TOUCH, 0);
	emit(dev, in, EV_KEY, tool, 0);
	mid_report_sync(dev, in);
	gr->tool = 0;
}

static void set_tool(struct hm_device *dev, struct gen_report *gr, struct gen_input *in,
                     unsigned tool)
{
	if (gr->tool != tool)
		release_tool(dev, gr, in, gr->tool);
	emit(dev, in, EV_KEY, tool, 1);
	gr->tool = tool;
}

/* hidinput_handle_scroll(): the low-resolution axis gets whole detents,
 * the high-resolution one 120ths of a detent. */
static void handle_scroll(struct hm_device *dev, struct gen_input *in, struct gen_usage *u,
                          int32_t value)
{
	int32_t hi_res, lo_res;

	if (value == 0)
		return;
	hi_res = wrap_div(wrap_mul(value, HI_RES_PER_DETENT), u->resolution_multiplier);
	u->wheel_accumulated = (int16_t)wrap_add(u->wheel_accumulated, hi_res);
	lo_res = u->wheel_accumulated / HI_RES_PER_DETENT;
	if (lo_res)
		u->wheel_accumulated = (int16_t)(u->wheel_accumulated - lo_res * HI_RES_PER_DETENT);
	emit(dev, in, EV_REL, u->code == REL_WHEEL_HI_RES ? REL_WHEEL : REL_HWHEEL, lo_res);
	emit(dev, in, EV_REL, u->code, hi_res);
}

/* hidinput_hid_event(): usage j of field gf has value. */
static void hid_event(struct hm_device *dev, struct generic *g, struct gen_report *gr,
                      struct gen_field *gf, unsigned j, int32_t value)
{
	const struct hid_field *f = gf->f;
	struct gen_usage *u = &gf->usage[j];
	struct gen_input *in;

	if (!u->type || gf->input < 0)
		return;
	in = &g->inputs[gf->input];
	if (in->output < 0)
		return;

	if (u->hat_min < u->hat_max || u->hat_dir) {
		int dir = u->hat_dir ? u->hat_dir : hat_direction(value, u->hat_min, u->hat_max);

		/* A D-pad usage reports its direction whatever its value. */
		emit(dev, in, u->type, u->code, hat_to_axis[dir].x);
		emit(dev, in, u->type, u->code + 1u, hat_to_axis[dir].y);
		return;
	}

	/* Out-of-range values are ignored with a Null state (HID 1.11 5.10,
	 * 6.2.2.5), clamped without one, as Windows does. */
	if ((f->flags & HID_MAIN_ITEM_VARIABLE) && f->logical_minimum < f->logical_maximum) {
		if ((f->flags & HID_MAIN_ITEM_NULL_STATE) &&
		    (value < f->logical_minimum || value > f->logical_maximum))
			return;
		if (value < f->logical_minimum)
			value = f->logical_minimum;
		else if (value > f->logical_maximum)
			value = f->logical_maximum;
	}

	switch (u->hid) {
	case HID_DG_ERASER:
		gr->tool_active |= !!value;
		/* a set eraser is BTN_TOOL_RUBBER, for devices without Invert */
		if (value) {
			set_tool(dev, gr, in, BTN_TOOL_RUBBER);
		} else if (gr->tool != BTN_TOOL_RUBBER) {
			return;
		} else if (g->noinvert && !test_bit(in->key, BTN_TOUCH)) {
			/* no Invert to release the tool: the eraser does */
			release_tool(dev, gr, in, BTN_TOOL_RUBBER);
			return;
		}
		break; /* BTN_TOUCH follows */
	case HID_DG_INVERT:
		gr->tool_active |= !!value;
		if (value)
			set_tool(dev, gr, in, BTN_TOOL_RUBBER);
		else if (!gr->tool_active)
			release_tool(dev, gr, in, BTN_TOOL_RUBBER);
		return;
	case HID_DG_INRANGE:
		gr->tool_active |= !!value;
		if (gr->tool_active) {
			if (!gr->tool)
				gr->tool = u->code;
			set_tool(dev, gr, in, gr->tool);
		} else {
			release_tool(dev, gr, in, u->code);
		}
		gr->tool_active = false;
		return;
	case HID_DG_TIPSWITCH:
		gr->tool_active |= !!value;
		if (gr->tool == BTN_TOOL_RUBBER)
			return;
		break;
	case HID_DG_TIPPRESSURE:
		if (g->notouch) {
			int32_t a = f->logical_minimum, b = f->logical_maximum;

			if (value > wrap_add(a, wrap_sub(b, a) >> 3)) {
				emit(dev, in, EV_KEY, BTN_TOUCH, 1);
				gr->tool_active = true;
			}
		}
		break;
	default:
		break;
	}

	switch (u->type) {
	case EV_KEY:
		if (u->code == 0) /* KEY_RESERVED */
			return;
		break;
	case EV_REL:
		if (u->code == REL_WHEEL_HI_RES || u->code == REL_HWHEEL_HI_RES) {
			handle_scroll(dev, in, u, value);
			return;
		}
		break;
	case EV_ABS:
		if ((gf->flags & HID_MAIN_ITEM_RELATIVE) && u->code == ABS_VOLUME) {
			int64_t count = value < 0 ? -(int64_t)value : value;
			unsigned key = value > 0 ? KEY_VOLUMEUP : KEY_VOLUMEDOWN;

			if (count > MAX_VOLUME_STEPS)
				count = MAX_VOLUME_STEPS;
			for (int64_t i = 0; i < count; i++) {
				emit(dev, in, EV_KEY, key, 1);
				mid_report_sync(dev, in);
				emit(dev, in, EV_KEY, key, 0);
				mid_report_sync(dev, in);
			}
			return;
		}
		break;
	default:
		break;
	}

	/* Variable, absolute data that did not change is not reported: this
	 * also silences the "dead" keys of localized rollover keyboards. */
	if (!(gf->flags & (HID_MAIN_ITEM_RELATIVE | HID_MAIN_ITEM_BUFFERED_BYTE)) &&
	    (gf->flags & HID_MAIN_ITEM_VARIABLE) && j < f->maxusage && value == gf->value[j])
		return;

	/* the usage as scancode when the key changes state */
	if (u->type == EV_KEY && (int32_t)!test_bit(in->key, u->code) == value)
		emit(dev, in, EV_MSC, MSC_SCAN, (int)u->hid);

	emit(dev, in, u->type, u->code, value);

	/* A relative button has no release of its own. */
	if ((gf->flags & HID_MAIN_ITEM_RELATIVE) && u->type == EV_KEY && value) {
		mid_report_sync(dev, in);
		emit(dev, in, u->type, u->code, 0);
	}
}

/* hid_input_array_field(): the events of an Array field's changes */
struct array_event_ctx {
	struct hm_device *dev;
	struct generic *g;
	struct gen_report *gr;
	struct gen_field *gf;
};

static void array_event(void *data, unsigned index, int32_t value)
{
	struct array_event_ctx *c = data;

	hid_event(c->dev, c->g, c->gr, c->gf, index, value);
}

static void input_array_field(struct hm_device *dev, struct generic *g, struct gen_report *gr,
                              struct gen_field *gf)
{
	struct array_event_ctx c = {dev, g, gr, gf};

	if (gf->ignored)
		return;
	hid_array_diff(gf->f, gf->value, gf->new_value, array_event, &c);
	memcpy(gf->value, gf->new_value, gf->f->report_count * sizeof(*gf->value));
}

/* hid_process_report() for an input report */
static void process_report(struct hm_device *dev, struct generic *g, struct gen_report *gr,
                           const uint8_t *payload, size_t size)
{
	const struct hid_report *r = gr->r;

	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		gf->ignored = !hid_field_fetch(gf->f, payload, size, gf->new_value);
	}

	for (unsigned i = 0; i < gr->nentries; i++) {
		struct gen_entry *e = &gr->entries[i];
		struct gen_field *gf = e->field;

		if (gf->f->flags & HID_MAIN_ITEM_VARIABLE) {
			int32_t v = gf->new_value[e->index];

			if (e->quiet && v == gf->value[e->index] && v >= e->lo && v <= e->hi)
				continue; /* hid_event() would do nothing */
			hid_event(dev, g, gr, gf, e->index, v);
		} else
			input_array_field(dev, g, gr, gf);
	}

	/* Variable values are kept once the whole report is processed. */
	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->flags & HID_MAIN_ITEM_VARIABLE)
			memcpy(gf->value, gf->new_value, gf->f->report_count * sizeof(*gf->value));
	}
}

int hm_generic_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us)
{
	struct generic *g = dev->priv;
	const struct hid_descriptor *d = g->desc;
	bool numbered = g->numbered[HID_INPUT_REPORT];
	const struct hid_report *r;
	struct gen_report *gr;
	size_t rsize, psize;
	int16_t index;

	if (size == 0)
		return -EBADMSG; /* the kernel refuses an empty report too */
	if (g->noutputs == 0)
		return 0;
	if (g->quirk && g->quirk->raw_event) {
		/* __hid_input_report(): the driver's raw_event first */
		int q = g->quirk->raw_event(dev, data, size);

		if (q != 0)
			return q;
	}

	index = hid_report_index(d, HID_INPUT_REPORT, numbered, data);
	if (index < 0)
		return 0; /* "undefined report_id" */
	gr = &g->reports[index];
	r = gr->r;
	if (r->nfields == 0)
		return 0;

	/* hid_report_raw_event(): a short report is zero-padded */
	rsize = hid_report_bytes(r);
	psize = size - numbered;
	if (psize > rsize)
		psize = rsize;
	memcpy(g->inbuf, data + numbered, psize);
	memset(g->inbuf + psize, 0, rsize - psize);

	process_report(dev, g, gr, g->inbuf, rsize);
	return 1;
}

/* ---- output: hidinput_input_event() and the LED worker ------------------- */

int hm_generic_output(struct hm_device *dev, unsigned output, unsigned type, unsigned code,
                      int value)
{
	struct generic *g = dev->priv;
	const struct hid_descriptor *d = g->desc;
	struct gen_field *found = NULL, *led_field = NULL;
	unsigned offset = 0;
	size_t len;
	int r;

	if (type != EV_LED)
		return -EOPNOTSUPP;

	/* hidinput_find_field(): the first output usage with that LED, and
	 * hidinput_get_led_field(): the first output field with any LED,
	 * both in report order */
	for (unsigned i = 0; i < d->nreports && !found; i++) {
		const struct hid_report *rep = &d->reports[i];

		if (rep->type != HID_OUTPUT_REPORT)
			continue;
		for (unsigned k = 0; k < rep->nfields && !found; k++) {
			struct gen_field *gf = &g->fields[rep->fields[k]];

			for (unsigned j = 0; j < gf->f->maxusage; j++) {
				if (gf->usage[j].type != EV_LED)
					continue;
				if (!led_field)
					led_field = gf;
				if (gf->usage[j].code == code) {
					found = gf;
					offset = j;
					break;
				}
			}
		}
	}
	if (!found)
		return -ENOENT;

	/* hid_set_field(): the kernel sends the report even when it refuses
	 * the value */
	if (offset < found->f->report_count &&
	    (found->f->logical_minimum >= 0 ||
	     value == hid_snto32(hid_s32ton(value, found->f->report_size), found->f->report_size)))
		found->value[offset] = value;

	/* The kernel's LED worker sends the report of the first LED field,
	 * even when the LED that changed lives in another output report. */
	len = generic_build_report(g, &d->reports[led_field->f->report_index]);
	r = hm_device_write(dev, g->outbuf, len);
	return r < 0 ? r : 0;
}

const struct hm_module hm_module_generic = {
    .name = "generic",
    .description = "any HID device, decoded from its report descriptor as the kernel does",
    .priv_size = sizeof(struct generic),
    .probe = hm_generic_probe,
    .decode = hm_generic_decode,
    .output = hm_generic_output,
    .remove = hm_generic_remove,
    .describe = generic_describe_hook,
    .map_usage = generic_map_usage_hook,
};
