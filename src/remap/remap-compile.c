/* SPDX-License-Identifier: MIT */
/*
 * The remap compiler: hm_remap_new() turns a profile into the lookup
 * tables of remap-private.h (one slot per key code and layer, per axis and
 * layer, flattened actions and macro steps), checking what the loader
 * guarantees so a hand-built profile cannot index past a table.
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

void hm_remap_free(struct hm_remap *r)
{
	if (!r)
		return;
	free(r->layers);
	free(r->maps);
	free(r->acts);
	free(r->steps);
	free(r->zones);
	free(r->chords);
	free(r);
}

static int layer_index(const struct hm_config_profile *pr, const char *name)
{
	for (size_t i = 0; i < pr->nlayers; i++)
		if (streq(pr->layers[i].name, name))
			return (int)i + 1;
	return -1;
}

static int add_action(struct hm_remap *r, const struct hm_config_action *a, uint16_t *ret)
{
	struct ract *ra;
	uint16_t idx = (uint16_t)r->nacts;

	if (r->nacts >= MAX_ACTS)
		return -E2BIG;
	ra = &r->acts[r->nacts++];
	*ra = (struct ract){
	    .cfg = a, .kind = a->kind, .timeout_us = a->timeout_us, .interval_us = a->interval_us};
	switch (a->kind) {
	case HM_ACT_LAYER:
	case HM_ACT_TOGGLE:
	case HM_ACT_ONESHOT: {
		int l = r->profile ? layer_index(r->profile, a->name) : -1;

		if (l < 0)
			return -EINVAL;
		ra->layer = (uint8_t)l;
		break;
	}
	case HM_ACT_PROFILE:
		if (!a->profile)
			return -EINVAL;
		break;
	case HM_ACT_SWAP: {
		int l = r->profile ? layer_index(r->profile, a->name) : -1;
		uint16_t sub;

		if (l < 0 || r->nacts >= MAX_ACTS)
			return -EINVAL;
		ra->layer = (uint8_t)l;
		sub = (uint16_t)r->nacts++;
		r->acts[sub] = (struct ract){.cfg = a, .kind = HM_ACT_LAYER, .layer = (uint8_t)l};
		r->acts[idx].tap = sub;
		break;
	}
	case HM_ACT_REPEAT: {
		uint16_t t;
		int e;

		if (!a->tap)
			return -EINVAL;
		e = add_action(r, a->tap, &t);
		if (e < 0)
			return e;
		r->acts[idx].tap = t;
		break;
	}
	case HM_ACT_TAPHOLD:
	case HM_ACT_IDLE: {
		uint16_t t, h;
		int e;

		if (!a->tap || !a->hold)
			return -EINVAL;
		e = add_action(r, a->tap, &t);
		if (e < 0)
			return e;
		e = add_action(r, a->hold, &h);
		if (e < 0)
			return e;
		r->acts[idx].tap = t;
		r->acts[idx].hold = h;
		break;
	}
	case HM_ACT_MACRO: {
		size_t n = 0;

		for (size_t i = 0; i < a->nsteps; i++)
			n += a->steps[i].kind == HM_STEP_TEXT ? a->steps[i].ntaps : 1;
		ra->step0 = (uint32_t)r->nsteps;
		{
			struct rstep *steps =
			    reallocarray(r->steps, r->nsteps + n + 1, sizeof(*steps));

			if (!steps)
				return -ENOMEM;
			r->steps = steps;
		}
		for (size_t i = 0; i < a->nsteps; i++) {
			const struct hm_config_step *st = &a->steps[i];

			if (st->kind == HM_STEP_TEXT) {
				if (!st->taps)
					return -EINVAL; /* the loader converts text */
				for (size_t t = 0; t < st->ntaps; t++) {
					struct rstep *rs = &r->steps[r->nsteps++];

					*rs = (struct rstep){.ncodes = st->taps[t].ncodes};
					memcpy(rs->codes, st->taps[t].codes,
					       st->taps[t].ncodes * sizeof(uint16_t));
				}
			} else {
				struct rstep *rs = &r->steps[r->nsteps++];

				*rs = (struct rstep){.delay_us = st->delay_us};
				if (st->kind == HM_STEP_KEYS) {
					rs->ncodes = (uint8_t)st->ncodes;
					memcpy(rs->codes, st->codes, st->ncodes * sizeof(uint16_t));
				}
			}
		}
		r->acts[idx].nsteps = (uint32_t)(r->nsteps - r->acts[idx].step0);
		break;
	}
	default:
		break;
	}
	*ret = idx;
	return 0;
}

/* The range of an axis on the first module output that has it. */
static bool source_absinfo(const struct hm_remap *r, unsigned code, int *ret_min, int *ret_max)
{
	for (unsigned i = 0; i < r->nbase; i++) {
		const struct input_absinfo *ai;

		if (!libevdev_has_event_code(r->base_caps[i], EV_ABS, code))
			continue;
		ai = libevdev_get_abs_info(r->base_caps[i], code);
		*ret_min = ai->minimum;
		*ret_max = ai->maximum;
		return true;
	}
	return false;
}

static int add_map(struct hm_remap *r, const struct hm_config_map *c, unsigned layer)
{
	struct layer_tables *t = &r->layers[layer];
	struct rmap *m;
	uint16_t idx = (uint16_t)r->nmaps, act;
	int lo = 0, hi = 0, e;

	e = add_action(r, &c->action, &act);
	if (e < 0)
		return e;
	m = &r->maps[r->nmaps++];
	*m = (struct rmap){.cfg = c, .act = act, .layer = (uint8_t)layer};
	if (c->from_type == EV_ABS && !source_absinfo(r, c->from_code, &lo, &hi)) {
		lo = 0;
		hi = 0;
	}
	if (c->opts.has_calibrate) {
		lo = c->opts.cal_min;
		hi = c->opts.cal_max;
	}
	m->lo = lo;
	m->hi = hi;
	/* the target keeps the source's declared range: calibration maps the
	 * range the device really reaches onto it */
	if (c->opts.has_range) {
		m->tlo = c->opts.range_min;
		m->thi = c->opts.range_max;
	} else if (!(c->from_type == EV_ABS && source_absinfo(r, c->from_code, &m->tlo, &m->thi))) {
		m->tlo = lo;
		m->thi = hi;
	}

	switch (c->trigger) {
	case HM_TRIG_CHORD:
		r->chords[r->nchords++] = idx;
		for (unsigned i = 0; i < c->nchord; i++)
			r->chord_key[c->chord[i]] = true;
		break;
	case HM_TRIG_KEY:
		t->key[c->from_code] = idx;
		if (layer == 0)
			r->key_consumed[c->from_code] = true;
		break;
	case HM_TRIG_REL_POS:
	case HM_TRIG_REL_NEG:
		t->rel_step[c->from_code][c->trigger == HM_TRIG_REL_NEG] = idx;
		r->rel_consumed[c->from_code] = true;
		break;
	case HM_TRIG_REL_AXIS:
		t->rel_axis[c->from_code] = idx;
		r->rel_consumed[c->from_code] = true;
		break;
	case HM_TRIG_ABS_AXIS:
		t->abs_axis[c->from_code] = idx;
		r->abs_consumed[c->from_code] = true;
		if (c->action.kind == HM_ACT_REL) {
			if (r->nsticks == MAX_STICK)
				return -E2BIG;
			r->sticks[r->nsticks++] = idx;
		}
		break;
	case HM_TRIG_ABS_POS:
	case HM_TRIG_ABS_NEG:
	case HM_TRIG_ABS_RANGE:
		r->abs_consumed[c->from_code] = true;
		break; /* indexed after all maps are in */
	case HM_TRIG_GYRO:
		/* the motion node keeps its own events: the gyro mouse reads them */
		if (r->gyro.nmaps == ARRAY_SIZE(r->gyro.maps))
			return -EINVAL; /* one per layer, as the loader checks */
		t->gyro = idx;
		r->gyro.maps[r->gyro.nmaps++] = idx;
		break;
	}
	return 0;
}

static void index_zones(struct hm_remap *r)
{
	unsigned n = 0;

	for (unsigned code = 0; code < ABS_CNT_; code++) {
		r->zone_start[code] = (uint16_t)n;
		for (size_t i = 0; i < r->nmaps; i++) {
			const struct hm_config_map *c = r->maps[i].cfg;

			if (c->from_type == EV_ABS && c->from_code == code &&
			    (c->trigger == HM_TRIG_ABS_POS || c->trigger == HM_TRIG_ABS_NEG ||
			     c->trigger == HM_TRIG_ABS_RANGE))
				r->zones[n++] = (uint16_t)i;
		}
	}
	r->zone_start[ABS_CNT_] = (uint16_t)n;
}

/* struct hm_remap abs_pass, from the tables and zones once they are in. */
static void index_abs_pass(struct hm_remap *r)
{
	r->abs_pass = 0;
	for (unsigned code = 0; code < ABS_CNT_; code++) {
		bool mapped =
		    r->abs_consumed[code] || r->zone_start[code] != r->zone_start[code + 1];

		for (unsigned l = 0; l < r->nlayers && !mapped; l++)
			mapped = r->layers[l].abs_axis[code] != NONE;
		if (!mapped)
			r->abs_pass |= UINT64_C(1) << code;
	}
}
int hm_remap_new(const struct hm_config_profile *profile, enum hm_unmapped_policy unmapped,
                 struct libevdev *const *base_caps, unsigned nbase, struct hm_remap **ret)
{
	static struct hm_config_settings defaults;
	_cleanup_(hm_remap_freep) struct hm_remap *r = NULL;
	size_t total = 0;
	int e;

	if (nbase > HM_MAX_OUTPUTS)
		return -E2BIG;
	if (!defaults.rate_hz)
		hm_config_settings_init(&defaults);
	r = zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->unmapped = unmapped;
	r->profile = profile;
	r->set = profile ? &profile->settings : &defaults;
	if (!r->set->rate_hz)
		r->set = &defaults; /* a profile built by hand, without settings */
	r->base_caps = base_caps;
	r->nbase = nbase;
	for (unsigned i = 0; i < nbase; i++) {
		r->cls_of_base[i] = remap_classes_of(base_caps[i]);
		r->sensor_out[i] = libevdev_has_property(base_caps[i], INPUT_PROP_ACCELEROMETER);
	}
	r->nlayers = 1 + (profile ? (unsigned)profile->nlayers : 0);
	if (r->nlayers > NLAYERS)
		return -EINVAL;
	for (unsigned l = 1; l < r->nlayers; l++) {
		const struct hm_config_layer *ly = &profile->layers[l - 1];

		if (ly->nmods > ARRAY_SIZE(r->layer_mods[l]) || ly->nparts >= NLAYERS)
			return -EINVAL;
		for (unsigned i = 0; i < ly->nmods; i++)
			r->layer_mods[l][i] = ly->mods[i];
		r->layer_nmods[l] = (uint8_t)ly->nmods;
		r->any_mods = r->any_mods || ly->nmods;
		for (unsigned i = 0; i < ly->nparts; i++) {
			if (ly->parts[i] < 1 || ly->parts[i] >= l)
				return -EINVAL; /* parts come before */
			r->layer_parts[l] |= 1u << ly->parts[i];
		}
		r->layer_nparts[l] = (uint8_t)ly->nparts;
	}

	if (profile) {
		total = profile->nmaps;
		for (size_t l = 0; l < profile->nlayers; l++)
			total += profile->layers[l].nmaps;
	}
	if (total > MAX_MAPS)
		return -E2BIG;
	r->layers = malloc(r->nlayers * sizeof(*r->layers));
	r->maps = calloc(total + 1, sizeof(*r->maps));
	r->acts = calloc(total * 5 + 1, sizeof(*r->acts));
	r->zones = calloc(total + 1, sizeof(*r->zones));
	r->chords = calloc(total + 1, sizeof(*r->chords));
	if (!r->layers || !r->maps || !r->acts || !r->zones || !r->chords)
		return -ENOMEM;
	memset(r->layers, 0xff, r->nlayers * sizeof(*r->layers)); /* NONE everywhere */
	memset(r->held, 0xff, sizeof(r->held));                   /* NONE */

	for (unsigned l = 0; profile && l < r->nlayers; l++) {
		const struct hm_config_map *maps = l ? profile->layers[l - 1].maps : profile->maps;
		size_t n = l ? profile->layers[l - 1].nmaps : profile->nmaps;

		for (size_t i = 0; i < n; i++) {
			const struct hm_config_map *c = &maps[i];

			/* what the loader guarantees, checked so a hand-built profile cannot
			 * index past a table */
			if ((c->from_type == EV_KEY && c->from_code > KEY_MAX) ||
			    (c->from_type == EV_REL && c->from_code >= REL_CNT_) ||
			    (c->from_type == EV_ABS && c->from_code >= ABS_CNT_) ||
			    (c->from_type != EV_KEY && c->from_type != EV_REL &&
			     c->from_type != EV_ABS))
				return -EINVAL;
			for (unsigned k = 0; c->action.kind == HM_ACT_KEYS && k < c->action.ncodes;
			     k++)
				if (c->action.codes[k] > KEY_MAX || c->action.codes[k] == 0)
					return -EINVAL;
			if (c->action.ncodes > HM_CONFIG_MAX_CHORD)
				return -EINVAL;
			if (c->trigger == HM_TRIG_CHORD) {
				if (c->nchord < 2 || c->nchord > HM_CONFIG_MAX_CHORD)
					return -EINVAL;
				for (unsigned k = 0; k < c->nchord; k++)
					if (c->chord[k] > KEY_MAX)
						return -EINVAL;
			}
			e = add_map(r, c, l);
			if (e < 0)
				return e;
		}
	}
	index_zones(r);
	index_abs_pass(r);
	remap_gyro_plan(r);
	remap_plan_outputs(r);
	if (base_caps && nbase && libevdev_get_name(base_caps[0])) {
		snprintf(r->extra_name[0], sizeof(r->extra_name[0]), "%s (hidmapd keyboard)",
		         libevdev_get_name(base_caps[0]));
		snprintf(r->extra_name[1], sizeof(r->extra_name[1]), "%s (hidmapd pointer)",
		         libevdev_get_name(base_caps[0]));
	} else {
		strcpy(r->extra_name[0], "hidmapd keyboard");
		strcpy(r->extra_name[1], "hidmapd pointer");
	}
	*ret = steal(&r);
	return 0;
}
