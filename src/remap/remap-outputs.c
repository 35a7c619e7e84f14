/* SPDX-License-Identifier: MIT */
/*
 * Output planning for the remapper: which extra outputs (keyboard,
 * pointer) a mapping needs, and which codes each output advertises
 * (hm_remap_output_caps()).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output-limits.h"
#include "remap-private.h"
#include "remap.h"
#include "util-log.h"
#include "util-strings.h"

/* Calls fn for every event code an action can send (mouse keys, keys, text). */
static void for_each_target(const struct hm_remap *r, const struct ract *a,
                            void (*fn)(void *ud, unsigned type, unsigned code), void *ud)
{
	switch (a->kind) {
	case HM_ACT_KEYS:
		for (unsigned i = 0; i < a->cfg->ncodes; i++)
			fn(ud, EV_KEY, a->cfg->codes[i]);
		break;
	case HM_ACT_MACRO:
		for (uint32_t s = a->step0; s < a->step0 + a->nsteps; s++)
			for (unsigned i = 0; i < r->steps[s].ncodes; i++)
				fn(ud, EV_KEY, r->steps[s].codes[i]);
		break;
	case HM_ACT_TAPHOLD:
	case HM_ACT_IDLE:
		for_each_target(r, &r->acts[a->tap], fn, ud);
		for_each_target(r, &r->acts[a->hold], fn, ud);
		break;
	case HM_ACT_MOVE:
	case HM_ACT_REL:
		fn(ud, EV_REL, a->cfg->code);
		/* a trackpad onto a high-resolution wheel sends the classic one too */
		if (a->kind == HM_ACT_REL && a->cfg->code == REL_WHEEL_HI_RES)
			fn(ud, EV_REL, REL_WHEEL);
		if (a->kind == HM_ACT_REL && a->cfg->code == REL_HWHEEL_HI_RES)
			fn(ud, EV_REL, REL_HWHEEL);
		break;
	case HM_ACT_LAYER:
	case HM_ACT_TOGGLE:
	case HM_ACT_ONESHOT:
		/* a modifier layer's modifiers, and the guard's Ctrl */
		for (unsigned i = 0; i < r->layer_nmods[a->layer]; i++) {
			unsigned c = r->layer_mods[a->layer][i];

			fn(ud, EV_KEY, c);
			if (c == KEY_LEFTALT || c == KEY_RIGHTALT || c == KEY_LEFTMETA)
				fn(ud, EV_KEY, KEY_LEFTCTRL);
		}
		break;
	case HM_ACT_SWAP:
	case HM_ACT_REPEAT:
		for_each_target(r, &r->acts[a->tap], fn, ud);
		break;
	case HM_ACT_ABS:
		fn(ud, EV_ABS, a->cfg->code);
		break;
	case HM_ACT_GYRO_MOUSE:
		fn(ud, EV_REL, REL_X);
		fn(ud, EV_REL, REL_Y);
		break;
	default:
		break;
	}
}

/* Whether base output n can produce the trigger of map m. */
static bool output_has_trigger(const struct hm_remap *r, unsigned n, const struct hm_config_map *c)
{
	if (c->trigger == HM_TRIG_GYRO)
		return (int)n == r->gyro.src;
	if (c->from_type == EV_ABS && r->sensor_out[n])
		return false; /* a sensor's axes are no sticks */
	return libevdev_has_event_code(r->base_caps[n], c->from_type, c->from_code);
}

struct need {
	struct hm_remap *r;
	unsigned src;
	bool extra[3];
};

static void note_need(void *ud, unsigned type, unsigned code)
{
	struct need *nd = ud;
	struct hm_remap *r = nd->r;
	enum out_class cls = class_of(type, code);

	if (cls == CLASS_OTHER || (r->cls_of_base[nd->src] & (1u << cls)) ||
	    libevdev_has_event_code(r->base_caps[nd->src], type, code))
		return;
	nd->extra[cls] = true;
}

/* Which extra outputs the mapping needs. */
void remap_plan_outputs(struct hm_remap *r)
{
	struct need nd = {.r = r};

	for (unsigned n = 0; n < r->nbase; n++) {
		nd.src = n;
		for (size_t i = 0; i < r->nmaps; i++)
			if (output_has_trigger(r, n, r->maps[i].cfg))
				for_each_target(r, &r->acts[r->maps[i].act], note_need, &nd);
	}
	r->nall = r->nbase;
	r->extra[CLASS_OTHER] = -1;
	r->extra[CLASS_KEYBOARD] = nd.extra[CLASS_KEYBOARD] ? (int)r->nall++ : -1;
	r->extra[CLASS_POINTER] = nd.extra[CLASS_POINTER] ? (int)r->nall++ : -1;
}

unsigned remap_classes_of(struct libevdev *caps)
{
	unsigned cls = 0;

	for (unsigned c = 0; c <= KEY_MAX; c++)
		if (libevdev_has_event_code(caps, EV_KEY, c) &&
		    class_of(EV_KEY, c) == CLASS_KEYBOARD) {
			cls |= 1u << CLASS_KEYBOARD;
			break;
		}
	if (libevdev_has_event_code(caps, EV_REL, REL_X) ||
	    libevdev_has_event_code(caps, EV_REL, REL_Y))
		cls |= 1u << CLASS_POINTER;
	return cls;
}

/* ---- capabilities ------------------------------------------------------------------ */

struct caps_ctx {
	const struct hm_remap *r;
	unsigned n;   /* the output being described */
	unsigned src; /* the module output the trigger comes from */
	const struct rmap *m;
	struct libevdev *caps;
};

static void add_target(void *ud, unsigned type, unsigned code)
{
	struct caps_ctx *cx = ud;

	if (route(cx->r, cx->src, type, code) != cx->n)
		return;
	if (type == EV_ABS) {
		struct input_absinfo ai = {0};
		const struct input_absinfo *src_ai = NULL;

		if (libevdev_has_event_code(cx->caps, EV_ABS, code))
			return; /* the first mapping onto an axis sets its range */
		if (libevdev_has_event_code(cx->r->base_caps[cx->src], EV_ABS,
		                            cx->m->cfg->from_code))
			src_ai =
			    libevdev_get_abs_info(cx->r->base_caps[cx->src], cx->m->cfg->from_code);
		if (src_ai)
			ai = *src_ai;
		ai.minimum = cx->m->tlo;
		ai.maximum = cx->m->thi;
		if (cx->m->cfg->opts.deadzone > 0.0)
			ai.flat = 0; /* hidmapd applied it */
		ai.value = (int)(((int64_t)ai.minimum + ai.maximum) / 2);
		libevdev_enable_event_code(cx->caps, EV_ABS, code, &ai);
		return;
	}
	libevdev_enable_event_code(cx->caps, type, code, NULL);
}

void hm_remap_output_caps(const struct hm_remap *r, unsigned n, struct libevdev *caps)
{
	struct caps_ctx cx = {.r = r, .n = n, .caps = caps};
	bool keep_key[KEY_MAX + 1] = {false};

	if (n >= r->nbase) {
		bool kbd = (int)n == r->extra[CLASS_KEYBOARD];

		libevdev_set_name(caps, r->extra_name[kbd ? 0 : 1]);
		if (!kbd) {
			/* enough for udev and libinput to take it for a mouse */
			static const unsigned pointer_base[][2] = {
			    {EV_REL, REL_X},     {EV_REL, REL_Y},      {EV_KEY, BTN_LEFT},
			    {EV_KEY, BTN_RIGHT}, {EV_KEY, BTN_MIDDLE},
			};

			for (size_t i = 0; i < ARRAY_SIZE(pointer_base); i++)
				libevdev_enable_event_code(caps, pointer_base[i][0],
				                           pointer_base[i][1], NULL);
		}
	} else {
		/* the module's codes that the mapping consumes, or the policy drops, go */
		for (unsigned c = 0; c <= KEY_MAX; c++) {
			if (!libevdev_has_event_code(caps, EV_KEY, c))
				continue;
			keep_key[c] = r->unmapped == HM_UNMAPPED_PASS && !r->key_consumed[c];
		}
		for (unsigned c = 0; c < REL_CNT_; c++)
			if (libevdev_has_event_code(caps, EV_REL, c) &&
			    (r->rel_consumed[c] || r->unmapped == HM_UNMAPPED_DROP))
				libevdev_disable_event_code(caps, EV_REL, c);
		for (unsigned c = 0; c < ABS_CNT_; c++)
			if (libevdev_has_event_code(caps, EV_ABS, c) && c < ABS_MT_SLOT &&
			    ((r->abs_consumed[c] && !r->sensor_out[n]) ||
			     r->unmapped == HM_UNMAPPED_DROP))
				libevdev_disable_event_code(caps, EV_ABS, c);
		for (unsigned c = 0; c <= KEY_MAX; c++)
			if (libevdev_has_event_code(caps, EV_KEY, c) && !keep_key[c])
				libevdev_disable_event_code(caps, EV_KEY, c);
	}

	/* every target that lands here, from every module output that has the trigger */
	for (unsigned src = 0; src < r->nbase; src++) {
		cx.src = src;
		for (size_t i = 0; i < r->nmaps; i++) {
			cx.m = &r->maps[i];
			if (output_has_trigger(r, src, cx.m->cfg))
				for_each_target(r, &r->acts[cx.m->act], add_target, &cx);
		}
	}

	/* a type left without codes goes */
	for (unsigned t = EV_KEY; t <= EV_ABS; t++) {
		bool any = false;
		int max = libevdev_event_type_get_max(t);

		for (int c = 0; c <= max && !any; c++)
			any = libevdev_has_event_code(caps, t, (unsigned)c);
		if (!any && libevdev_has_event_type(caps, t))
			libevdev_disable_event_type(caps, t);
	}
}
