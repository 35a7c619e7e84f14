/* SPDX-License-Identifier: MIT */
/* Rumble force feedback as ff-memless plays it; see ff-rumble.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ff-rumble.h"

#define MS 1000u
/* ff-memless's FF_ENVELOPE_INTERVAL */
#define ENVELOPE_INTERVAL_US (50u * MS)

void hm_ff_rumble_init(struct hm_ff_rumble *r, unsigned max_effects)
{
	memset(r, 0, sizeof(*r));
	r->max_effects = max_effects > HM_FF_MAX_EFFECTS ? HM_FF_MAX_EFFECTS : max_effects;
	r->gain = 0xffff;
}

static const struct ff_envelope *envelope_of(const struct ff_effect *e)
{
	static const struct ff_envelope none;

	switch (e->type) {
	case FF_PERIODIC:
		return &e->u.periodic.envelope;
	case FF_CONSTANT:
		return &e->u.constant.envelope;
	default:
		return &none;
	}
}

static void schedule(struct hm_ff_slot *s, uint64_t now)
{
	s->playing = false;
	s->play_at = now + (uint64_t)s->effect.replay.delay * MS;
	s->stop_at = s->play_at + (uint64_t)s->effect.replay.length * MS;
	s->adj_at = s->play_at;
}

int hm_ff_rumble_upload(struct hm_ff_rumble *r, const struct ff_effect *effect, uint64_t now)
{
	struct hm_ff_slot *s;

	if (effect->id < 0 || (unsigned)effect->id >= r->max_effects)
		return -EINVAL;
	if (effect->type != FF_RUMBLE && effect->type != FF_PERIODIC && effect->type != FF_CONSTANT)
		return -EOPNOTSUPP;
	s = &r->slot[effect->id];
	s->effect = *effect;
	s->uploaded = true;
	r->uploaded++;
	/* ml_ff_upload: an effect in play starts over with its new timing */
	if (s->started)
		schedule(s, now);
	return 0;
}

int hm_ff_rumble_play(struct hm_ff_rumble *r, int id, int count, uint64_t now)
{
	struct hm_ff_slot *s;

	if (id < 0 || (unsigned)id >= r->max_effects || !r->slot[id].uploaded)
		return -EINVAL;
	s = &r->slot[id];
	if (count > 0) {
		s->started = true;
		s->aborting = false;
		s->count = count;
		schedule(s, now);
		r->played++;
	} else if (s->playing)
		s->aborting = true;
	else
		s->started = false;
	return 0;
}

int hm_ff_rumble_erase(struct hm_ff_rumble *r, int id, uint64_t now)
{
	int ret;

	/* as ff-core's erase_effect: playback(id, 0) first */
	ret = hm_ff_rumble_play(r, id, 0, now);
	if (ret < 0)
		return ret;
	/* the slot is gone; a playing effect still needs its stop sent */
	if (!r->slot[id].aborting)
		memset(&r->slot[id], 0, sizeof(r->slot[id]));
	else
		r->slot[id].uploaded = false;
	return 0;
}

void hm_ff_rumble_set_gain(struct hm_ff_rumble *r, unsigned gain, uint64_t now)
{
	r->gain = gain > 0xffff ? 0xffff : gain;
	/* ml_ff_set_gain clears PLAYING and plays again; update recombines */
}

/* apply_envelope(), in ms as the kernel's jiffies_to_msecs() */
static int apply_envelope(const struct hm_ff_slot *s, int value, uint64_t now)
{
	const struct ff_envelope *env = envelope_of(&s->effect);
	int from_level, of_envelope, level, difference;

	if (env->attack_length && now < s->play_at + (uint64_t)env->attack_length * MS) {
		from_level = (int)((now - s->play_at) / MS);
		of_envelope = env->attack_length;
		level = env->attack_level < 0x7fff ? env->attack_level : 0x7fff;
	} else if (env->fade_length && s->effect.replay.length &&
	           now > s->stop_at - (uint64_t)env->fade_length * MS && now < s->stop_at) {
		from_level = (int)((s->stop_at - now) / MS);
		of_envelope = env->fade_length;
		level = env->fade_level < 0x7fff ? env->fade_level : 0x7fff;
	} else
		return value;

	difference = (abs(value) - level) * from_level / of_envelope;
	return value < 0 ? -(difference + level) : difference + level;
}

/* ml_calculate_direction(): the directions weighted by their forces, only
 * left/right (under/over 0x8000) meaning anything */
static uint16_t combine_direction(uint16_t direction, uint16_t force, uint16_t new_direction,
                                  uint16_t new_force)
{
	if (!force)
		return new_direction;
	if (!new_force)
		return direction;
	return (uint16_t)((((uint32_t)(direction >> 1) * force +
	                    (uint32_t)(new_direction >> 1) * new_force) /
	                   ((uint32_t)force + new_force))
	                  << 1);
}

static void combine(const struct hm_ff_slot *s, unsigned gain, uint64_t now, unsigned *strong,
                    unsigned *weak, uint16_t *direction)
{
	const struct ff_effect *e = &s->effect;
	unsigned i, st, wk;

	switch (e->type) {
	case FF_RUMBLE:
		st = (unsigned)e->u.rumble.strong_magnitude * gain / 0xffff;
		wk = (unsigned)e->u.rumble.weak_magnitude * gain / 0xffff;
		if (*strong + st)
			*direction = combine_direction(*direction, (uint16_t)*strong, e->direction,
			                               (uint16_t)st);
		else if (*weak + wk)
			*direction = combine_direction(*direction, (uint16_t)*weak, e->direction,
			                               (uint16_t)wk);
		else
			*direction = 0;
		*strong += st;
		*weak += wk;
		break;
	case FF_PERIODIC:
	case FF_CONSTANT:
		i = (unsigned)abs(apply_envelope(
		    s, abs(e->type == FF_PERIODIC ? e->u.periodic.magnitude : e->u.constant.level),
		    now));
		i = i * gain / 0x7fff;
		if (*strong + i)
			*direction = combine_direction(*direction, (uint16_t)*strong, e->direction,
			                               (uint16_t)(i > 0xffff ? 0xffff : i));
		else
			*direction = 0;
		*strong += i;
		*weak += i;
		break;
	}
	if (*strong > 0xffff)
		*strong = 0xffff;
	if (*weak > 0xffff)
		*weak = 0xffff;
}

bool hm_ff_rumble_update(struct hm_ff_rumble *r, uint64_t now, uint16_t *ret_strong,
                         uint16_t *ret_weak)
{
	unsigned strong = 0, weak = 0;
	uint16_t direction = 0;
	bool changed;

	/* ml_get_combo_effect() for a rumble device: every type combines
	 * into the one rumble effect */
	for (unsigned n = 0; n < r->max_effects; n++) {
		struct hm_ff_slot *s = &r->slot[n];

		if (!s->started || now < s->play_at)
			continue;
		if (s->aborting) {
			s->aborting = s->playing = s->started = false;
			if (!s->uploaded) /* erased while playing */
				memset(s, 0, sizeof(*s));
		} else if (s->effect.replay.length && now >= s->stop_at) {
			s->playing = false;
			if (--s->count <= 0)
				s->started = false;
			else
				schedule(s, now);
		} else {
			s->playing = true;
			s->adj_at = now;
			combine(s, r->gain, now, &strong, &weak, &direction);
		}
	}
	changed = strong != r->strong || weak != r->weak;
	r->strong = (uint16_t)strong;
	r->weak = (uint16_t)weak;
	r->direction = direction;
	if (ret_strong)
		*ret_strong = r->strong;
	if (ret_weak)
		*ret_weak = r->weak;
	return changed;
}

/* calculate_next_time() */
static uint64_t next_time(const struct hm_ff_slot *s)
{
	const struct ff_envelope *env = envelope_of(&s->effect);

	if (env->attack_length) {
		uint64_t attack_stop = s->play_at + (uint64_t)env->attack_length * MS;

		if (s->adj_at < attack_stop)
			return s->adj_at + ENVELOPE_INTERVAL_US;
	}
	if (s->effect.replay.length) {
		if (env->fade_length) {
			uint64_t fade_start = s->stop_at - (uint64_t)env->fade_length * MS;
			uint64_t next_fade = s->adj_at + ENVELOPE_INTERVAL_US;

			if (s->adj_at < fade_start)
				return fade_start;
			if (next_fade < s->stop_at)
				return next_fade;
		}
		return s->stop_at;
	}
	return s->play_at;
}

uint64_t hm_ff_rumble_next(const struct hm_ff_rumble *r, uint64_t now)
{
	uint64_t earliest = 0;

	/* ml_schedule_timer() */
	for (unsigned n = 0; n < r->max_effects; n++) {
		const struct hm_ff_slot *s = &r->slot[n];
		uint64_t at;

		if (!s->started)
			continue;
		if (s->aborting)
			at = now + 1; /* the stop goes out at once */
		else
			at = s->playing ? next_time(s) : s->play_at;
		if (at > now && (!earliest || at < earliest))
			earliest = at;
	}
	return earliest;
}
