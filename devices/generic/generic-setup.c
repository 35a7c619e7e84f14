/* SPDX-License-Identifier: MIT */
/*
 * The generic module's probe (hidinput_connect()): the input devices
 * (outputs) a descriptor's applications make, their capabilities, the
 * state decode() needs, and the Resolution Multiplier set-up.
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

/* ---- probe: hidinput_connect() ------------------------------------------- */

static uint8_t *input_bitmap(struct gen_input *in, unsigned type)
{
	switch (type) {
	case EV_ABS:
		return in->absbit;
	case EV_REL:
		return in->relbit;
	case EV_KEY:
		return in->keybit;
	case EV_LED:
		return in->ledbit;
	case EV_MSC:
		return in->mscbit;
	default:
		return NULL;
	}
}

/* input_set_abs_params() */
static void set_abs_params(struct gen_input *in, unsigned code, int32_t min, int32_t max,
                           int32_t fuzz, int32_t flat)
{
	set_bit(in->evbit, EV_ABS);
	set_bit(in->absbit, code);
	in->absinfo[code].minimum = min;
	in->absinfo[code].maximum = max;
	in->absinfo[code].fuzz = fuzz;
	in->absinfo[code].flat = flat;
}

static const struct hid_collection *collection_at(const struct hid_descriptor *d, unsigned index)
{
	return index < d->ncollections ? &d->collections[index] : NULL;
}

/* The kernel's usage-list priorities (hidinput_usages_priorities[]): the
 * pen state usages must be seen in this order whatever the descriptor's. */
static int32_t usage_priority(uint32_t usage)
{
	static const uint32_t priorities[] = {
	    HID_DG_ERASER,      /* the eraser touching, before Tip Switch */
	    HID_DG_INVERT,      /* before In Range */
	    HID_DG_TIPSWITCH,   /* is the tip touching? */
	    HID_DG_TIPPRESSURE, /* may emulate Tip Switch */
	    HID_DG_INRANGE,     /* after the other tool states */
	};

	for (size_t i = 0; i < ARRAY_SIZE(priorities); i++)
		if (usage == priorities[i])
			return (int32_t)(ARRAY_SIZE(priorities) - i) << 8;
	return 0;
}

/* hidinput_configure_usage() for usage j of field gf, in input in. */
/*
 * The quirk module's input_mapping, then hid-input's rules
 * (hidinput_configure_usage()): returns <0 when the quirk ignores the
 * usage (*m then says so).
 */
int generic_map_usage(const struct generic *g, const struct hid_field *f, uint32_t usage,
                      struct hm_generic_map *m)
{
	struct hm_usage_map qm = {0};
	int r = 0;

	if (g->quirk && g->quirk->input_mapping)
		r = g->quirk->input_mapping(f, usage, &qm);
	if (r < 0) {
		*m = (struct hm_generic_map){.reason = "ignored by the device's quirk module"};
		return r;
	}
	if (r > 0) {
		*m = (struct hm_generic_map){
		    .type = qm.type,
		    .code = qm.code,
		    .reason = qm.reason ? qm.reason : "mapped by the device's quirk module"};
		return 0;
	}
	hm_generic_map_usage(
	    f, usage, collection_at(g->desc, f->maxusage ? f->usage[0].collection_index : 0), m);
	return 0;
}

static void configure_usage(struct generic *g, int input, struct gen_field *gf, unsigned j)
{
	struct gen_input *in = &g->inputs[input];
	const struct hid_field *f = gf->f;
	struct gen_usage *u = &gf->usage[j];
	struct hid_field adjusted = *f;
	struct hm_generic_map m;
	uint8_t *bit;

	gf->input = input;
	if ((f->flags & HID_MAIN_ITEM_CONSTANT) || f->report_count < 1 ||
	    (f->type == HID_OUTPUT_REPORT && (u->hid & USAGE_PAGE_MASK) != HID_UP_LED))
		return;

	/* Slotted (multi-touch) fields come after the others, slot by slot. */
	u->priority = usage_priority(u->hid) | (int32_t)((0xffu - gf->slot_idx) << 16);

	/* The field's flags as the kernel has them by now (RFKILL makes a
	 * field relative). */
	adjusted.flags = gf->flags;
	if (generic_map_usage(g, &adjusted, u->hid, &m) < 0)
		return;

	if (m.flags & HM_GENERIC_MAP_REP)
		set_bit(in->evbit, EV_REP);
	if (m.flags & HM_GENERIC_MAP_PROP_POINTER)
		set_bit(in->propbit, INPUT_PROP_POINTER);
	if (m.flags & HM_GENERIC_MAP_PROP_DIRECT)
		set_bit(in->propbit, INPUT_PROP_DIRECT);
	if (m.flags & HM_GENERIC_MAP_TIP_PRESSURE && !test_bit(in->keybit, BTN_TOUCH)) {
		g->notouch = true;
		set_bit(in->evbit, EV_KEY);
		set_bit(in->keybit, BTN_TOUCH);
	}
	if (m.flags & HM_GENERIC_MAP_TOUCH)
		g->notouch = false;
	if (m.flags & HM_GENERIC_MAP_INVERT)
		g->noinvert = false;
	if (m.flags & HM_GENERIC_MAP_ERASER && !test_bit(in->keybit, BTN_TOOL_RUBBER)) {
		g->noinvert = true;
		set_bit(in->keybit, BTN_TOOL_RUBBER);
	}
	if (m.flags & HM_GENERIC_MAP_HAT) {
		u->hat_min = (int8_t)f->logical_minimum;
		u->hat_max = (int8_t)f->logical_maximum;
	}
	if (m.flags & HM_GENERIC_MAP_FORCE_RELATIVE)
		gf->flags |= HID_MAIN_ITEM_RELATIVE;
	if (m.flags & HM_GENERIC_MAP_DPAD) {
		u->hat_dir = m.hat_dir;
		/* only the field's first D-pad usage reports, the others are ignored */
		if (gf->dpad)
			return;
	}
	if (!m.type)
		return;

	bit = input_bitmap(in, m.type);
	if (m.code == REL_WHEEL_HI_RES && m.type == EV_REL)
		set_bit(in->relbit, REL_WHEEL);
	if (m.code == REL_HWHEEL_HI_RES && m.type == EV_REL)
		set_bit(in->relbit, REL_HWHEEL);
	if (m.flags & HM_GENERIC_MAP_CLEAR)
		clear_bit(bit, m.code);

	set_bit(in->evbit, m.type);
	/* A code already taken by another usage of this device: the kernel
	 * drops the later usage (no HID_QUIRK_INCREMENT_USAGE_ON_DUPLICATE). */
	if (test_bit(bit, m.code))
		return;
	set_bit(bit, m.code);
	u->type = m.type;
	u->code = m.code;

	if (m.type == EV_ABS) {
		int32_t a = f->logical_minimum, b = f->logical_maximum;

		if (f->application == HID_GD_GAMEPAD || f->application == HID_GD_JOYSTICK)
			set_abs_params(in, m.code, a, b, wrap_sub(b, a) >> 8, wrap_sub(b, a) >> 4);
		else
			set_abs_params(in, m.code, a, b, 0, 0);
		in->absinfo[m.code].resolution = hm_generic_calc_abs_res(f, m.code);

		if (u->hat_min < u->hat_max || u->hat_dir) {
			for (unsigned i = m.code; i < m.code + 2u && i <= ABS_MAX; i++) {
				set_abs_params(in, i, -1, 1, 0, 0);
				in->hat_axes |= UINT64_C(1) << i;
			}
			if (u->hat_dir && !gf->dpad)
				gf->dpad = m.code;
		}

		/* relative Volume is emulated with VOLUMEUP/VOLUMEDOWN presses;
		 * without EV_KEY they are cleansed at registration */
		if ((gf->flags & HID_MAIN_ITEM_RELATIVE) && m.code == ABS_VOLUME) {
			set_bit(in->keybit, KEY_VOLUMEUP);
			set_bit(in->keybit, KEY_VOLUMEDOWN);
		}
	}

	if (m.type == EV_KEY) {
		set_bit(in->evbit, EV_MSC);
		set_bit(in->mscbit, MSC_SCAN);
	}
}

/* hidinput_configure_usages(): tag slotted fields (a collection with a
 * Contact ID), then map every usage slot of every field. */
static void configure_report(struct generic *g, int input, const struct hid_report *r)
{
	const struct hid_descriptor *d = g->desc;
	int first_field_index = 0;
	int64_t slot_collection_index = -1, prev_collection_index = -1;
	unsigned slot_idx = 0;

	for (unsigned i = 0; i < r->nfields; i++) {
		const struct hid_field *f = &d->fields[r->fields[i]];
		int64_t coll;

		if (f->maxusage < 1)
			continue;
		coll = f->usage[0].collection_index;
		if (prev_collection_index != coll) {
			prev_collection_index = coll;
			first_field_index = (int)i;
		}
		if (slot_collection_index == coll) {
			g->fields[r->fields[i]].slot_idx = slot_idx;
			continue;
		}
		for (unsigned j = 0; j < f->maxusage; j++) {
			if (f->usage[j].hid != HID_DG_CONTACTID)
				continue;
			slot_collection_index = coll;
			slot_idx++;
			for (unsigned k = (unsigned)first_field_index; k <= i; k++)
				g->fields[r->fields[k]].slot_idx = slot_idx;
			break;
		}
	}

	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		for (unsigned j = 0; j < gf->f->maxusage; j++)
			configure_usage(g, input, gf, j);
	}
}

/* hidinput_allocate(): the name gets the application's suffix when the
 * device is split per application. */
static int allocate_input(struct generic *g, const char *hid_name, uint32_t application,
                          bool per_app)
{
	struct gen_input *in = &g->inputs[g->ninputs];
	const char *suffix = NULL;
	size_t name_len = strlen(hid_name), suffix_len;

	memset(in, 0, sizeof(*in));
	in->application = application;
	in->output = -1;

	if (per_app) {
		switch (application) {
		case HID_GD_KEYBOARD:
			suffix = "Keyboard";
			break;
		case HID_GD_KEYPAD:
			suffix = "Keypad";
			break;
		case HID_GD_MOUSE:
			suffix = "Mouse";
			break;
		case HID_DG_PEN:
			/* sic: the kernel swaps Pen and Stylus and keeps it so */
			suffix = "Stylus";
			break;
		case HID_DG_STYLUS:
			suffix = "Pen";
			break;
		case HID_DG_TOUCHSCREEN:
			suffix = "Touchscreen";
			break;
		case HID_DG_TOUCHPAD:
			suffix = "Touchpad";
			break;
		case HID_GD_SYSTEM_CONTROL:
			suffix = "System Control";
			break;
		case HID_CP_CONSUMER_CONTROL:
			suffix = "Consumer Control";
			break;
		case HID_GD_WIRELESS_RADIO_CTLS:
			suffix = "Wireless Radio Control";
			break;
		case HID_GD_SYSTEM_MULTIAXIS:
			suffix = "System Multi Axis";
			break;
		default:
			break;
		}
	}

	suffix_len = suffix ? strlen(suffix) : 0;
	if (suffix && (name_len < suffix_len || strcmp(hid_name + name_len - suffix_len, suffix)))
		snprintf(in->name, sizeof(in->name), "%s %s", hid_name, suffix);
	else
		snprintf(in->name, sizeof(in->name), "%s", hid_name);
	return (int)g->ninputs++;
}

/* hidinput_match_application() */
static int match_application(const struct generic *g, uint32_t application)
{
	for (unsigned i = 0; i < g->ninputs; i++) {
		if (g->inputs[i].application == application)
			return (int)i;
		/* SystemControl and ConsumerControl join the main keyboard */
		if ((application == HID_GD_SYSTEM_CONTROL ||
		     application == HID_CP_CONSUMER_CONTROL) &&
		    g->inputs[i].application == HID_GD_KEYBOARD)
			return (int)i;
	}
	return -1;
}

/* IS_INPUT_APPLICATION() of include/linux/hid.h */
static bool is_input_application(uint32_t a)
{
	return (a >= HID_UP_GENDESK && a <= HID_GD_MULTIAXIS) ||
	       (a >= HID_DG_PEN && a <= HID_DG_WHITEBOARD) || a == HID_GD_SYSTEM_CONTROL ||
	       a == HID_CP_CONSUMER_CONTROL || a == HID_GD_WIRELESS_RADIO_CTLS;
}

static bool has_input_application(const struct hid_descriptor *d)
{
	for (unsigned i = 0; i < d->ncollections; i++) {
		const struct hid_collection *c = &d->collections[i];

		if ((c->type == HID_COLLECTION_APPLICATION || c->type == HID_COLLECTION_PHYSICAL) &&
		    is_input_application(c->usage))
			return true;
	}
	return false;
}

/* hidinput_has_been_populated() */
bool generic_input_populated(const struct gen_input *in)
{
	return any_bit(in->evbit, sizeof(in->evbit)) || any_bit(in->keybit, sizeof(in->keybit)) ||
	       any_bit(in->relbit, sizeof(in->relbit)) || any_bit(in->absbit, sizeof(in->absbit)) ||
	       any_bit(in->mscbit, sizeof(in->mscbit)) || any_bit(in->ledbit, sizeof(in->ledbit));
}

/* ---- reading and writing reports ----------------------------------------- */

/* hid_output_report(): the report with every field's current values, into
 * g->outbuf as ID byte + payload.  Returns the length. */
size_t generic_build_report(struct generic *g, const struct hid_report *r)
{
	size_t n = hid_report_bytes(r);
	uint8_t *payload = g->outbuf + 1;

	g->outbuf[0] = r->id;
	memset(payload, 0, n);
	for (unsigned i = 0; i < r->nfields; i++) {
		const struct gen_field *gf = &g->fields[r->fields[i]];

		hid_field_put(gf->f, payload, n, gf->value);
	}
	return n + 1;
}

/* A feature report read from the device (data, len bytes with the ID
 * byte) updates its fields' values, as the kernel's GET_REPORT does
 * through hid_input_report(). */
static void take_feature_report(struct generic *g, const struct hid_report *r, const uint8_t *data,
                                int len)
{
	size_t n = hid_report_bytes(r);

	if (len < 1 || !data)
		return; /* the kernel goes on with what it had */
	memset(g->outbuf, 0, n + 1);
	memcpy(g->outbuf, data, (size_t)len < n + 1 ? (size_t)len : n + 1);
	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		for (unsigned k = 0; k < gf->f->report_count; k++)
			gf->value[k] = hid_field_get_value(gf->f, g->outbuf + 1, n, k);
	}
}

/* ---- Resolution Multiplier (hid-core.c, hid-input.c) ---------------------- */

/* hid_calculate_multiplier() */
static int32_t calculate_multiplier(const struct gen_field *gf)
{
	const struct hid_field *f = gf->f;
	int32_t lmin = f->logical_minimum, lmax = f->logical_maximum;
	int32_t pmin = f->physical_minimum, pmax = f->physical_maximum;
	int32_t m;

	if (lmax == lmin)
		return 1;
	m = wrap_add(wrap_mul(wrap_div(wrap_sub(gf->value[0], lmin), wrap_sub(lmax, lmin)),
	                      wrap_sub(pmax, pmin)),
	             pmin);
	/* "There are no devices with an effective multiplier > 255" */
	if (m == 0 || m > 255 || m < -255) {
		log_debug("unsupported Resolution Multiplier %d, using 1", m);
		m = 1;
	}
	return m;
}

/*
 * hid_apply_multiplier(): the multiplier applies to the input usages of
 * its Logical Collection, or to every input usage when it is in none.
 */
static void apply_multiplier(struct generic *g, const struct gen_field *multiplier)
{
	const struct hid_descriptor *d = g->desc;
	const struct hid_collection *mc;
	int32_t effective;

	mc = collection_at(d, multiplier->f->usage[0].collection_index);
	if (!mc)
		return;
	while (mc->parent != -1 && mc->type != HID_COLLECTION_LOGICAL)
		mc = &d->collections[mc->parent];
	if (mc->type != HID_COLLECTION_LOGICAL)
		mc = NULL;

	effective = calculate_multiplier(multiplier);
	for (unsigned i = 0; i < d->nfields; i++) {
		struct gen_field *gf = &g->fields[i];

		if (gf->f->type != HID_INPUT_REPORT)
			continue;
		for (unsigned j = 0; j < gf->f->maxusage; j++) {
			const struct hid_collection *c =
			    collection_at(d, gf->f->usage[j].collection_index);

			if (!c)
				continue;
			while (c->parent != -1 && c != mc)
				c = &d->collections[c->parent];
			/* stopped on the multiplier's collection, or no scope */
			if (c->parent != -1 || !mc)
				gf->usage[j].resolution_multiplier = (int8_t)effective;
		}
	}
}

/* hid_setup_resolution_multiplier(): later multipliers overwrite earlier ones */
static void setup_resolution_multiplier(struct generic *g)
{
	const struct hid_descriptor *d = g->desc;

	for (unsigned i = 0; i < d->nreports; i++) {
		const struct hid_report *rep = &d->reports[i];

		if (rep->type != HID_FEATURE_REPORT)
			continue;
		for (unsigned k = 0; k < rep->nfields; k++) {
			const struct gen_field *gf = &g->fields[rep->fields[k]];

			if (gf->f->report_count < 1)
				continue;
			for (unsigned j = 0; j < gf->f->maxusage; j++)
				if (gf->f->usage[j].hid == HID_GD_RESOLUTION_MULTIPLIER)
					apply_multiplier(g, gf);
		}
	}
}

/* Whether report r holds a Resolution Multiplier the kernel would change
 * (a count of 1: "There is no good reason for a Resolution Multiplier to
 * have a count other than 1."). */
static bool has_multiplier(const struct generic *g, const struct hid_report *r)
{
	for (unsigned i = 0; i < r->nfields; i++) {
		const struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->report_count != 1)
			continue;
		for (unsigned j = 0; j < gf->f->maxusage; j++)
			if (gf->f->usage[j].hid == HID_GD_RESOLUTION_MULTIPLIER)
				return true;
	}
	return false;
}

/* __hidinput_change_resolution_multipliers(), after its GET_REPORT */
static void set_multipliers(struct generic *g, const struct hid_report *r, bool use_logical_max)
{
	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->report_count != 1)
			continue;
		for (unsigned j = 0; j < gf->f->maxusage; j++)
			if (gf->f->usage[j].hid == HID_GD_RESOLUTION_MULTIPLIER)
				gf->value[j] = use_logical_max ? gf->f->logical_maximum
				                               : gf->f->logical_minimum;
	}
}

/*
 * hidinput_change_resolution_multipliers(): every multiplier goes to its
 * highest setting and the device is told so.  When the device refuses,
 * the kernel keeps the multipliers computed at parse time.
 *
 * The kernel waits for each answer in probe; here each step is a request
 * answered later on the loop (hm_device_request()), so a device that
 * never answers costs the loop nothing: the device stays `initializing`
 * until the chain below ends, and its reports are decoded meanwhile with
 * the parse-time multipliers.  rm_report is the report the chain is at.
 *
 * Without a transport (-ENOTSUP: a recording being replayed) the device
 * is taken to have accepted, as it did under the kernel that recorded it:
 * its wheel reports are already multiplied.
 */
static void rm_next(struct hm_device *dev, struct generic *g);

static void rm_sent(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                    void *userdata)
{
	struct generic *g = dev->priv;
	const struct hid_report *r = &g->desc->reports[g->rm_report];

	if (result < 0 && result != -ENOTSUP) {
		log_debug("setting the Resolution Multiplier failed: %s", strerror(-result));
		set_multipliers(g, r, false);
		return;
	}
	g->rm_report++;
	rm_next(dev, g);
}

static void rm_set(struct hm_device *dev, struct generic *g, const struct hid_report *r)
{
	size_t len;
	int ret;

	set_multipliers(g, r, true);
	len = generic_build_report(g, r);
	ret = hm_device_request(dev, HM_REQUEST_SET_FEATURE, g->outbuf, len, rm_sent, NULL);
	if (ret < 0)
		rm_sent(dev, ret, NULL, 0, NULL);
}

static void rm_got(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                   void *userdata)
{
	struct generic *g = dev->priv;
	const struct hid_report *r = &g->desc->reports[g->rm_report];

	/* the other fields of the report keep the device's values */
	take_feature_report(g, r, data, result > 0 ? (int)size : result);
	rm_set(dev, g, r);
}

static void rm_next(struct hm_device *dev, struct generic *g)
{
	const struct hid_descriptor *d = g->desc;

	for (; g->rm_report < d->nreports; g->rm_report++) {
		const struct hid_report *r = &d->reports[g->rm_report];
		int ret;

		if (r->type != HID_FEATURE_REPORT || !has_multiplier(g, r))
			continue;
		if (r->nfields > 1) {
			memset(g->outbuf, 0, hid_report_bytes(r) + 1);
			g->outbuf[0] = r->id;
			ret = hm_device_request(dev, HM_REQUEST_GET_FEATURE, g->outbuf,
			                        hid_report_bytes(r) + 1, rm_got, NULL);
			if (ret < 0)
				rm_got(dev, ret, NULL, 0, NULL);
		} else {
			rm_set(dev, g, r);
		}
		return;
	}
	setup_resolution_multiplier(g);
}

static void change_all_resolution_multipliers(struct hm_device *dev, struct generic *g)
{
	g->rm_report = 0;
	rm_next(dev, g);
}

/* ---- probe and remove ----------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	const struct gen_entry *x = a, *y = b;

	/* higher priority first; equal ones in report order (the kernel's
	 * list insertion is stable) */
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Whether hid_event() of usage j of Variable field gf returns without
 * emitting or changing state whenever the value is the one of the last
 * report and lies within [*lo, *hi] (then the clamp leaves it as it is):
 * absolute data whose value did not change, for a usage without the paths
 * that act whatever the value (hat, digitizer tool, high-resolution scroll).
 * The hot path then skips that call for a value that did not change.
 */
static bool entry_quiet(const struct gen_field *gf, unsigned j, int32_t *lo, int32_t *hi)
{
	const struct hid_field *f = gf->f;
	const struct gen_usage *u;

	*lo = INT32_MIN;
	*hi = INT32_MAX;
	if (!(gf->flags & HID_MAIN_ITEM_VARIABLE) ||
	    (gf->flags & (HID_MAIN_ITEM_RELATIVE | HID_MAIN_ITEM_BUFFERED_BYTE)) ||
	    j >= f->maxusage)
		return false;
	u = &gf->usage[j];
	if (u->hat_min < u->hat_max || u->hat_dir)
		return false;
	switch (u->hid) {
	case HID_DG_ERASER:
	case HID_DG_INVERT:
	case HID_DG_INRANGE:
	case HID_DG_TIPSWITCH:
	case HID_DG_TIPPRESSURE:
		return false;
	default:
		break;
	}
	if (u->type == EV_REL && (u->code == REL_WHEEL_HI_RES || u->code == REL_HWHEEL_HI_RES))
		return false;
	if ((f->flags & HID_MAIN_ITEM_VARIABLE) && f->logical_minimum < f->logical_maximum) {
		*lo = f->logical_minimum;
		*hi = f->logical_maximum;
	}
	return true;
}

/* hid_report_process_ordering(): Variable fields are processed usage by
 * usage, Array fields as a whole, by priority. */
static void order_report(struct generic *g, struct gen_report *gr, struct gen_entry *entries)
{
	const struct hid_report *r = gr->r;
	unsigned n = 0;

	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->flags & HID_MAIN_ITEM_VARIABLE) {
			for (unsigned u = 0; u < gf->f->report_count; u++, n++) {
				entries[n] = (struct gen_entry){.field = gf,
				                                .index = u,
				                                .priority = gf->usage[u].priority,
				                                .seq = n};
				entries[n].quiet =
				    entry_quiet(gf, u, &entries[n].lo, &entries[n].hi);
			}
		} else {
			entries[n] = (struct gen_entry){
			    .field = gf, .index = 0, .priority = gf->usage[0].priority, .seq = n};
			n++;
		}
	}
	qsort(entries, n, sizeof(*entries), entry_cmp);
	gr->entries = entries;
	gr->nentries = n;
}

void generic_free(struct generic *g)
{
	if (!g)
		return;
	hid_descriptor_free(g->desc);
	free(g->fields);
	free(g->reports);
	free(g->inputs);
	free(g->usage_pool);
	free(g->value_pool);
	free(g->entry_pool);
	free(g->inbuf);
	free(g->outbuf);
	memset(g, 0, sizeof(*g));
}

static int allocate_state(struct generic *g)
{
	const struct hid_descriptor *d = g->desc;
	size_t nusages = 0, nentries = 0, inmax = 0, outmax = 0;
	struct gen_usage *usage;
	int32_t *value;

	for (unsigned i = 0; i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];

		nusages += f->maxusage;
		if (f->type == HID_INPUT_REPORT)
			nentries += (f->flags & HID_MAIN_ITEM_VARIABLE) ? f->report_count : 1;
	}
	for (unsigned i = 0; i < d->nreports; i++) {
		size_t n = hid_report_bytes(&d->reports[i]);

		if (d->reports[i].type == HID_INPUT_REPORT && n > inmax)
			inmax = n;
		if (n > outmax)
			outmax = n;
	}

	g->fields = calloc(d->nfields ? d->nfields : 1, sizeof(*g->fields));
	g->reports = calloc(d->nreports ? d->nreports : 1, sizeof(*g->reports));
	/* at most one input device per report */
	g->inputs = calloc(d->nreports ? d->nreports : 1, sizeof(*g->inputs));
	g->usage_pool = calloc(nusages ? nusages : 1, sizeof(*g->usage_pool));
	g->value_pool = calloc(nusages ? 2 * nusages : 1, sizeof(*g->value_pool));
	g->entry_pool = calloc(nentries ? nentries : 1, sizeof(*g->entry_pool));
	g->inbuf_size = inmax;
	g->inbuf = calloc(inmax ? inmax : 1, 1);
	g->outbuf_size = outmax + 1;
	g->outbuf = calloc(outmax + 1, 1);
	if (!g->fields || !g->reports || !g->inputs || !g->usage_pool || !g->value_pool ||
	    !g->entry_pool || !g->inbuf || !g->outbuf)
		return -ENOMEM;

	usage = g->usage_pool;
	value = g->value_pool;
	for (unsigned i = 0; i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];
		struct gen_field *gf = &g->fields[i];

		gf->f = f;
		gf->flags = f->flags;
		gf->input = -1;
		gf->usage = usage;
		gf->value = value;
		gf->new_value = value + f->maxusage;
		for (unsigned j = 0; j < f->maxusage; j++) {
			gf->usage[j].hid = f->usage[j].hid;
			gf->usage[j].resolution_multiplier = 1;
		}
		usage += f->maxusage;
		value += 2 * (size_t)f->maxusage;
	}

	for (unsigned i = 0; i < d->nreports; i++) {
		g->reports[i].r = &d->reports[i];
		if (d->reports[i].type == HID_INPUT_REPORT)
			g->numbered[HID_INPUT_REPORT] |= d->reports[i].id != 0;
	}
	return 0;
}

/* The capabilities of one kernel input device, as input_register_device()
 * leaves them: EV_SYN implied, KEY_RESERVED dropped, codes of types the
 * device does not have dropped (input_cleanse_bitmasks()). */
static void fill_caps(struct gen_input *in, struct libevdev *caps)
{
	for (unsigned p = 0; p < INPUT_PROP_CNT; p++)
		if (test_bit(in->propbit, p))
			libevdev_enable_property(caps, p);

	for (unsigned type = EV_SYN + 1; type < EV_CNT; type++) {
		const uint8_t *bit;

		if (!test_bit(in->evbit, type))
			continue;
		libevdev_enable_event_type(caps, type);
		if (type == EV_REP) {
			int delay = KERNEL_REP_DELAY_MS, period = KERNEL_REP_PERIOD_MS;

			libevdev_enable_event_code(caps, EV_REP, REP_DELAY, &delay);
			libevdev_enable_event_code(caps, EV_REP, REP_PERIOD, &period);
			continue;
		}
		bit = input_bitmap(in, type);
		if (!bit)
			continue;
		for (unsigned code = 0; code <= generic_type_max(type); code++) {
			if (!test_bit(bit, code) || (type == EV_KEY && code == KEY_RESERVED))
				continue;
			libevdev_enable_event_code(caps, type, code,
			                           type == EV_ABS ? &in->absinfo[code] : NULL);
		}
	}
}

/*
 * What probe does before it talks to the device: hid_open_report()'s
 * parse and hidinput_connect()'s mapping of every usage into the input
 * devices.  hm_generic_describe() runs it too, so that what it explains is
 * what probe did.  Returns 1 when the usages were mapped, 0 when the
 * descriptor has no input application (nothing to map), or a negative
 * errno; on error, generic_free() undoes what was done.
 */
int generic_map(struct generic *g, const uint8_t *rdesc, size_t size, const char *name)
{
	struct hid_parse_error error;
	const struct hid_descriptor *d;
	bool per_app;
	int input = -1;
	int r;

	r = hid_descriptor_parse(rdesc, size, &g->desc, &error);
	if (r < 0) {
		/* the caller reports the failure; `hidmapd describe` shows the
		 * details, except for a limit passed, which says which here */
		if (r == -E2BIG)
			log_warning("%s: report descriptor offset %zu: %s, refused",
			            log_escape(name), error.offset, error.message);
		else
			log_debug("%s: report descriptor offset %zu: %s", log_escape(name),
			          error.offset, error.message);
		return r;
	}
	d = g->desc;

	r = allocate_state(g);
	if (r < 0)
		return r;
	/* hid_open_report() ends with this, on the feature values still 0 */
	setup_resolution_multiplier(g);

	/*
	 * hidinput_connect() without force: some collection must be an input
	 * one.  Without, hid-generic still binds the device (for hidraw) but
	 * creates no input device; so does this module.
	 */
	if (!has_input_application(d))
		return 0;

	/* hid-generic sets HID_QUIRK_INPUT_PER_APP; the kernel only splits
	 * when the descriptor has more than one application. */
	per_app = d->maxapplication > 1;
	for (int type = HID_INPUT_REPORT; type <= HID_OUTPUT_REPORT; type++) {
		for (unsigned i = 0; i < d->nreports; i++) {
			const struct hid_report *rep = &d->reports[i];

			if ((int)rep->type != type || rep->nfields == 0)
				continue;
			if (per_app)
				input = match_application(g, rep->application);
			if (input < 0)
				input = allocate_input(g, name, rep->application, per_app);
			configure_report(g, input, rep);
		}
	}
	return 1;
}

int hm_generic_probe(struct hm_device *dev)
{
	struct generic *g = dev->priv;
	const struct hid_descriptor *d;
	struct gen_entry *entries;
	unsigned noutputs = 0;
	int r;

	if (!dev->rdesc || dev->rdesc_size == 0)
		return -ENODEV;

	g->quirk = dev->module;
	if (dev->module && dev->module->report_fixup && dev->rdesc_size <= HID_RDESC_MAX_SIZE) {
		/* hid_open_report(): the driver's report_fixup, then the parser */
		_cleanup_free_ uint8_t *fixed = malloc(HID_RDESC_MAX_SIZE);
		size_t size = dev->rdesc_size;

		if (!fixed)
			return -ENOMEM;
		memcpy(fixed, dev->rdesc, size);
		dev->module->report_fixup(&dev->info, fixed, &size);
		r = generic_map(g, fixed, size > HID_RDESC_MAX_SIZE ? 0 : size, dev->info.name);
	} else
		r = generic_map(g, dev->rdesc, dev->rdesc_size, dev->info.name);
	if (r < 0)
		goto fail;
	if (r == 0)
		return 0;
	d = g->desc;

	change_all_resolution_multipliers(dev, g);

	for (unsigned i = 0; i < g->ninputs; i++) {
		struct gen_input *in = &g->inputs[i];
		struct libevdev *caps;

		if (!generic_input_populated(in))
			continue;
		if (noutputs >= HM_MAX_OUTPUTS) {
			log_warning("%s: more than %u input devices, ignoring \"%s\"",
			            log_escape(dev->info.name), HM_MAX_OUTPUTS,
			            log_escape(in->name));
			continue;
		}
		r = hm_device_add_output(dev, in->name, &caps);
		if (r < 0)
			goto fail;
		in->output = r;
		noutputs++;
		fill_caps(in, caps);
		/* a hat let go is centred: hid-input reports its null state as
		 * 0, 0 (-ERANGE, should another usage have given the code a
		 * range without 0, leaves that axis without a rest value) */
		for (unsigned code = 0; code <= ABS_MAX; code++)
			if ((in->hat_axes & UINT64_C(1) << code) && test_bit(in->absbit, code))
				(void)hm_device_set_abs_rest(dev, (unsigned)in->output, code, 0);
	}
	g->noutputs = noutputs;
	/* "No inputs registered, leaving": the device stays bound, without inputs */
	if (noutputs == 0)
		return 0;

	entries = g->entry_pool;
	for (unsigned i = 0; i < d->nreports; i++) {
		struct gen_report *gr = &g->reports[i];

		if (gr->r->type != HID_INPUT_REPORT)
			continue;
		order_report(g, gr, entries);
		entries += gr->nentries;
	}
	return 0;

fail:
	generic_free(g);
	return r;
}

void hm_generic_remove(struct hm_device *dev)
{
	generic_free(dev->priv);
}

/* ---- decode: hid_input_report() ... hidinput_hid_event() ----------------- */
