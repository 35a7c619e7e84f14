/* SPDX-License-Identifier: MIT */
/*
 * The rumble helper (ff-rumble.h) against ff-memless's arithmetic
 * (drivers/input/ff-memless.c): expected magnitudes are the kernel's
 * formulas written out, times its play_at/stop_at rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ff-rumble.h"

#define MS 1000u

static struct ff_effect rumble(int id, unsigned strong, unsigned weak, unsigned delay_ms,
                               unsigned length_ms)
{
	struct ff_effect e = {.type = FF_RUMBLE, .id = (int16_t)id};

	e.u.rumble.strong_magnitude = (uint16_t)strong;
	e.u.rumble.weak_magnitude = (uint16_t)weak;
	e.replay.delay = (uint16_t)delay_ms;
	e.replay.length = (uint16_t)length_ms;
	return e;
}

static void expect(struct hm_ff_rumble *r, uint64_t now, unsigned strong, unsigned weak)
{
	uint16_t s, w;

	hm_ff_rumble_update(r, now, &s, &w);
	assert_int_equal(s, strong);
	assert_int_equal(w, weak);
}

/* ml_ff_playback: play_at = now + delay, stop_at = play_at + length;
 * ml_get_combo_effect: nothing before play_at, the effect from play_at,
 * and at stop_at the combined effect no longer holds it (the stop). */
static void test_delay_length(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect e = rumble(0, 0x8000, 0x2000, 100, 250);

	hm_ff_rumble_init(&r, 16);
	assert_int_equal(hm_ff_rumble_upload(&r, &e, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 1000 * MS), 0);
	expect(&r, 1000 * MS, 0, 0);
	assert_int_equal(hm_ff_rumble_next(&r, 1000 * MS), 1100 * MS);
	expect(&r, 1099 * MS, 0, 0);
	/* gain 0xffff: strong * 0xffff / 0xffff */
	expect(&r, 1100 * MS, 0x8000, 0x2000);
	assert_int_equal(hm_ff_rumble_next(&r, 1100 * MS), 1350 * MS);
	expect(&r, 1349 * MS, 0x8000, 0x2000);
	expect(&r, 1350 * MS, 0, 0);
	assert_int_equal(hm_ff_rumble_next(&r, 1350 * MS), 0);
	assert_int_equal(r.uploaded, 1);
	assert_int_equal(r.played, 1);
}

/* value = count: at stop_at, --count > 0 plays again from
 * now + delay for length. */
static void test_replay_count(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect e = rumble(3, 0xffff, 0, 10, 20);

	hm_ff_rumble_init(&r, 4);
	assert_int_equal(hm_ff_rumble_upload(&r, &e, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 3, 2, 0), 0);
	expect(&r, 10 * MS, 0xffff, 0);
	expect(&r, 30 * MS, 0, 0); /* first play over, second from 40 ms */
	assert_int_equal(hm_ff_rumble_next(&r, 30 * MS), 40 * MS);
	expect(&r, 40 * MS, 0xffff, 0);
	expect(&r, 60 * MS, 0, 0);
	assert_int_equal(hm_ff_rumble_next(&r, 60 * MS), 0);
}

/* FF_GAIN: magnitude * gain / 0xffff (integer division). */
static void test_gain(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect e = rumble(0, 0x8000, 0xffff, 0, 0);

	hm_ff_rumble_init(&r, 16);
	hm_ff_rumble_set_gain(&r, 0x4000, 0);
	assert_int_equal(hm_ff_rumble_upload(&r, &e, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 0), 0);
	expect(&r, 0, 0x8000u * 0x4000 / 0xffff, 0xffffu * 0x4000 / 0xffff);
	/* length 0 plays until stopped: nothing to wake for */
	assert_int_equal(hm_ff_rumble_next(&r, 0), 0);
	hm_ff_rumble_set_gain(&r, 0xffff, 5 * MS);
	expect(&r, 5 * MS, 0x8000, 0xffff);
}

/* Effects playing at once add up, each capped at 0xffff; FF_PERIODIC
 * gives |magnitude| * gain / 0x7fff to both motors. */
static void test_combine(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect a = rumble(0, 0x9000, 0x1000, 0, 0);
	struct ff_effect b = rumble(1, 0x9000, 0x2000, 0, 100);
	struct ff_effect p = {.type = FF_PERIODIC, .id = 2};

	p.u.periodic.waveform = FF_SINE;
	p.u.periodic.magnitude = -0x1000;
	hm_ff_rumble_init(&r, 16);
	assert_int_equal(hm_ff_rumble_upload(&r, &a, 0), 0);
	assert_int_equal(hm_ff_rumble_upload(&r, &b, 0), 0);
	assert_int_equal(hm_ff_rumble_upload(&r, &p, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 1, 1, 0), 0);
	expect(&r, 0, 0xffff, 0x3000);
	assert_int_equal(hm_ff_rumble_play(&r, 2, 1, 50 * MS), 0);
	expect(&r, 50 * MS, 0xffff, 0x3000 + 0x1000u * 0xffff / 0x7fff);
	expect(&r, 100 * MS, 0x9000 + 0x1000u * 0xffff / 0x7fff,
	       0x1000 + 0x1000u * 0xffff / 0x7fff);
}

/* ml_calculate_direction(): each effect's direction weighted by its force
 * as the combination grows (strong motor first, the weak one when the
 * strong is 0). */
static void test_direction(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect a = rumble(0, 0x1000, 0, 0, 0);
	struct ff_effect b = rumble(1, 0x3000, 0, 0, 0);
	struct ff_effect c = rumble(2, 0, 0x2000, 0, 0);

	a.direction = 0x4000;
	b.direction = 0xc000;
	hm_ff_rumble_init(&r, 16);
	assert_int_equal(hm_ff_rumble_upload(&r, &a, 0), 0);
	assert_int_equal(hm_ff_rumble_upload(&r, &b, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 1, 1, 0), 0);
	expect(&r, 0, 0x4000, 0);
	assert_int_equal(r.direction,
	                 ((0x4000u >> 1) * 0x1000 + (0xc000u >> 1) * 0x3000) / (0x1000 + 0x3000)
	                     << 1);
	/* a weak-only effect alone: its own direction */
	c.direction = 0x9000;
	assert_int_equal(hm_ff_rumble_upload(&r, &c, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 0, 1), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 1, 0, 1), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 2, 1, 1), 0);
	expect(&r, 1, 0, 0x2000);
	assert_int_equal(r.direction, 0x9000);
}

/* Stop while playing: ABORTING, then the combination without it.
 * Erase while playing: ff-core stops it first (playback(id, 0)). */
static void test_stop_erase(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect a = rumble(0, 0x1000, 0x1000, 0, 0);
	struct ff_effect b = rumble(1, 0x2000, 0x2000, 0, 0);

	hm_ff_rumble_init(&r, 16);
	assert_int_equal(hm_ff_rumble_upload(&r, &a, 0), 0);
	assert_int_equal(hm_ff_rumble_upload(&r, &b, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 1, 1, 0), 0);
	expect(&r, 0, 0x3000, 0x3000);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 0, 10 * MS), 0);
	expect(&r, 10 * MS, 0x2000, 0x2000);
	assert_int_equal(hm_ff_rumble_erase(&r, 1, 20 * MS), 0);
	expect(&r, 20 * MS, 0, 0);
	/* gone: cannot be played */
	assert_int_equal(hm_ff_rumble_play(&r, 1, 1, 30 * MS), -EINVAL);
	expect(&r, 30 * MS, 0, 0);
}

/* The bound the module declares; types a rumble device cannot approximate. */
static void test_bounds(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect e = rumble(2, 1, 1, 0, 0);
	struct ff_effect spring = {.type = FF_SPRING, .id = 0};

	hm_ff_rumble_init(&r, 2);
	assert_int_equal(hm_ff_rumble_upload(&r, &e, 0), -EINVAL);
	assert_int_equal(hm_ff_rumble_upload(&r, &spring, 0), -EOPNOTSUPP);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 0), -EINVAL);
	assert_int_equal(hm_ff_rumble_erase(&r, 5, 0), -EINVAL);
	hm_ff_rumble_init(&r, 100);
	assert_int_equal(r.max_effects, HM_FF_MAX_EFFECTS);
}

/* apply_envelope(): during the attack, level + (|value| - level) *
 * elapsed_ms / attack_length; during the fade, with the time left. */
static void test_envelope(void **state)
{
	struct hm_ff_rumble r;
	struct ff_effect p = {.type = FF_PERIODIC, .id = 0};
	unsigned level;

	p.u.periodic.waveform = FF_SQUARE;
	p.u.periodic.magnitude = 0x6000;
	p.u.periodic.envelope.attack_length = 100;
	p.u.periodic.envelope.attack_level = 0x2000;
	p.u.periodic.envelope.fade_length = 200;
	p.u.periodic.envelope.fade_level = 0;
	p.replay.length = 1000;
	hm_ff_rumble_init(&r, 16);
	assert_int_equal(hm_ff_rumble_upload(&r, &p, 0), 0);
	assert_int_equal(hm_ff_rumble_play(&r, 0, 1, 0), 0);
	expect(&r, 0, 0x2000u * 0xffff / 0x7fff, 0x2000u * 0xffff / 0x7fff);
	/* calculate_next_time(): every 50 ms while attacking */
	assert_int_equal(hm_ff_rumble_next(&r, 0), 50 * MS);
	level = 0x2000 + (0x6000 - 0x2000) * 50 / 100;
	expect(&r, 50 * MS, level * 0xffff / 0x7fff, level * 0xffff / 0x7fff);
	/* past the attack: the next change is where the fade starts */
	expect(&r, 100 * MS, 0x6000u * 0xffff / 0x7fff, 0x6000u * 0xffff / 0x7fff);
	assert_int_equal(hm_ff_rumble_next(&r, 100 * MS), 800 * MS);
	level = 0 + 0x6000 * 100 / 200;
	expect(&r, 900 * MS, level * 0xffff / 0x7fff, level * 0xffff / 0x7fff);
	assert_int_equal(hm_ff_rumble_next(&r, 900 * MS), 950 * MS);
	expect(&r, 1000 * MS, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_delay_length), cmocka_unit_test(test_replay_count),
	    cmocka_unit_test(test_gain),         cmocka_unit_test(test_combine),
	    cmocka_unit_test(test_stop_erase),   cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_envelope),     cmocka_unit_test(test_direction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
