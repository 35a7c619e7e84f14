/* SPDX-License-Identifier: MIT */
/*
 * Force feedback for rumble motors, as the kernel's ff-memless does it
 * (drivers/input/ff-memless.c): the client uploads effects (FF_RUMBLE,
 * FF_PERIODIC, FF_CONSTANT) into numbered slots and plays them; the helper
 * plays each effect from replay.delay for replay.length (0: until stopped),
 * `count` times, and combines all effects playing at a moment into one
 * strong/weak pair, as ml_combine_effects():
 *   FF_RUMBLE    strong += strong_magnitude * gain / 0xffff, weak likewise;
 *   FF_PERIODIC  i = |magnitude| through the envelope, then i * gain / 0x7fff
 *                (0x7fff scaled to 0xffff) added to both motors;
 *   FF_CONSTANT  as FF_PERIODIC with |level|: our approximation (ff-memless
 *                combines constant forces only for FF_CONSTANT devices);
 * each sum capped at 0xffff.  Envelopes (attack/fade) are applied as
 * apply_envelope(), refreshed every 50 ms while attacking or fading.
 * The combined direction is the effects' directions weighted by their
 * forces (ml_calculate_direction(): only left/right, under/over 0x8000,
 * is meant to matter); two motors have none, so it is kept in `direction`
 * for a module whose motors can turn both ways, not passed to rumble().
 *
 * No clock and no allocation inside: the caller passes `now` (µs), asks
 * hm_ff_rumble_next() when to call hm_ff_rumble_update() again, and sends
 * the motors what update returns.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <linux/input.h>

/* As ff-memless's FF_MEMLESS_EFFECTS. */
#define HM_FF_MAX_EFFECTS 16

struct hm_ff_slot {
	struct ff_effect effect;
	bool uploaded;
	bool started;  /* asked to play (FF_EFFECT_STARTED) */
	bool playing;  /* between play_at and stop_at (FF_EFFECT_PLAYING) */
	bool aborting; /* stop asked while playing (FF_EFFECT_ABORTING) */
	int count;     /* plays left */
	uint64_t play_at, stop_at, adj_at;
};

struct hm_ff_rumble {
	unsigned max_effects;
	unsigned gain; /* 0..0xffff, FF_GAIN */
	struct hm_ff_slot slot[HM_FF_MAX_EFFECTS];
	uint16_t strong, weak; /* as last returned by update */
	uint16_t direction;    /* of the combination, as ff-memless's */
	/* counters for `hidmapd status` */
	uint64_t uploaded, played;
};

/* max_effects 1..HM_FF_MAX_EFFECTS (larger is capped). Gain starts at 0xffff. */
void hm_ff_rumble_init(struct hm_ff_rumble *r, unsigned max_effects);

/* Stores effect in slot effect->id (ff_effect.id as uinput passes it).
 * An effect playing restarts its timing (ml_ff_upload).  Returns 0,
 * -EINVAL for an id past max_effects, -EOPNOTSUPP for another type. */
int hm_ff_rumble_upload(struct hm_ff_rumble *r, const struct ff_effect *effect, uint64_t now);
/* Stops and frees slot id.  Returns 0 or -EINVAL. */
int hm_ff_rumble_erase(struct hm_ff_rumble *r, int id, uint64_t now);
/* EV_FF code=id value=count: count > 0 plays count times, 0 stops.
 * Returns 0 or -EINVAL (no such effect). */
int hm_ff_rumble_play(struct hm_ff_rumble *r, int id, int count, uint64_t now);
/* EV_FF FF_GAIN: gain 0..0xffff for every effect. */
void hm_ff_rumble_set_gain(struct hm_ff_rumble *r, unsigned gain, uint64_t now);

/* Advances to now (effects start, end, repeat) and combines what plays.
 * Returns true when strong/weak changed since the last call. */
bool hm_ff_rumble_update(struct hm_ff_rumble *r, uint64_t now, uint16_t *strong, uint16_t *weak);
/* When update must run next (µs, > now), 0: nothing pending. */
uint64_t hm_ff_rumble_next(const struct hm_ff_rumble *r, uint64_t now);
