/* SPDX-License-Identifier: MIT */
/*
 * The remap engine at the extremes of every axis range: the full 32-bit
 * range, ranges touching INT_MIN or INT_MAX, two-value ranges, the usual
 * 8/12/16-bit ones; relative motion of INT_MIN and INT_MAX.  Run under
 * UBSan in CI, so any signed overflow on the way fails the test.
 * Expectations come from hidmapd.ini(5): an axis onto itself keeps its
 * value, invert maps the minimum onto the maximum, zones press at full
 * deflection, relative motion is scaled and clamped to 32 bits.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "remap-harness.h"

static const struct {
	int lo, hi;
} ranges[] = {
    {INT_MIN, INT_MAX},
    {0, INT_MAX},
    {INT_MIN, 0},
    {INT_MIN, INT_MIN + 1},
    {INT_MAX - 1, INT_MAX},
    {-1, 1},
    {0, 1},
    {0, 255},
    {-32768, 32767},
    {0, 4095},
    {INT_MIN + 1, INT_MAX},
};

static struct recorder rec;

/* The remapper for one map line on a device with ABS_X in [lo, hi]. */
static struct hm_remap *make(const char *line, int lo, int hi, struct hm_config **ret_config,
                             struct libevdev **ret_caps)
{
	char text[512];
	struct libevdev *caps = libevdev_new();
	struct hm_config *config;
	struct hm_remap *r = NULL;

	snprintf(text, sizeof(text), "[remap t]\n%s\n", line);
	config = harness_config(text);
	if (!config) {
		print_error("does not load: %s\n", line);
		fail();
	}
	libevdev_set_name(caps, "fake");
	libevdev_enable_event_code(caps, EV_ABS, ABS_X,
	                           &(struct input_absinfo){.minimum = lo, .maximum = hi});
	libevdev_enable_event_code(caps, EV_REL, REL_X, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_B, NULL);
	assert_int_equal(
	    hm_remap_new(hm_config_find_profile(config, "t"), HM_UNMAPPED_PASS, &caps, 1, &r), 0);
	memset(&rec, 0, sizeof(rec));
	hm_remap_set_ops(r, &rec_ops, &rec);
	*ret_config = config;
	*ret_caps = caps;
	return r;
}

static void done(struct hm_remap *r, struct hm_config *config, struct libevdev *caps)
{
	hm_remap_free(r);
	hm_config_free(config);
	libevdev_free(caps);
}

/* The last value emitted for (type, code) after one input event. */
static bool feed(struct hm_remap *r, unsigned type, unsigned code, int value, unsigned want_type,
                 unsigned want_code, int *ret)
{
	bool found = false;

	rec.n = 0;
	hm_remap_event(r, 0, type, code, value, 1000);
	for (unsigned i = 0; i < rec.n; i++)
		if (rec.ev[i].type == want_type && rec.ev[i].code == want_code) {
			*ret = rec.ev[i].value;
			found = true;
		}
	return found;
}

static int abs_out(struct hm_remap *r, int value)
{
	int out = 0;

	if (!feed(r, EV_ABS, ABS_X, value, EV_ABS, ABS_X, &out)) {
		print_error("no ABS_X out for %d\n", value);
		fail();
	}
	return out;
}

static void test_abs_identity(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		int lo = ranges[i].lo, hi = ranges[i].hi;
		int mid = (int)(((int64_t)lo + hi) / 2);
		struct hm_config *config;
		struct libevdev *caps;
		struct hm_remap *r = make("ABS_X = ABS_X", lo, hi, &config, &caps);
		int64_t got;

		assert_int_equal(abs_out(r, hi), hi);
		assert_int_equal(abs_out(r, lo), lo);
		got = abs_out(r, mid);
		assert_true(got >= (int64_t)mid - 1 && got <= (int64_t)mid + 1);
		/* values outside the declared range are clamped onto it */
		if (hi < INT_MAX)
			assert_int_equal(abs_out(r, INT_MAX), hi);
		if (lo > INT_MIN)
			assert_int_equal(abs_out(r, INT_MIN), lo);
		done(r, config, caps);

		r = make("ABS_X = ABS_X, invert", lo, hi, &config, &caps);
		assert_int_equal(abs_out(r, hi), lo);
		assert_int_equal(abs_out(r, lo), hi);
		done(r, config, caps);

		r = make("ABS_X = ABS_X, center=min", lo, hi, &config, &caps);
		assert_int_equal(abs_out(r, hi), hi);
		assert_int_equal(abs_out(r, lo), lo);
		done(r, config, caps);

		r = make("ABS_X = ABS_X, center=min, invert", lo, hi, &config, &caps);
		assert_int_equal(abs_out(r, hi), lo);
		assert_int_equal(abs_out(r, lo), hi);
		done(r, config, caps);

		r = make("ABS_X = ABS_X, offset=2147483647", lo, hi, &config, &caps);
		assert_int_equal(abs_out(r, hi), hi); /* clamped */
		assert_int_equal(abs_out(r, lo),
		                 (int)((int64_t)lo + INT_MAX > hi ? hi : (int64_t)lo + INT_MAX));
		done(r, config, caps);

		r = make("ABS_X = ABS_X, offset=-2147483648", lo, hi, &config, &caps);
		assert_int_equal(abs_out(r, lo), lo);
		assert_int_equal(abs_out(r, hi),
		                 (int)((int64_t)hi + INT_MIN < lo ? lo : (int64_t)hi + INT_MIN));
		done(r, config, caps);

		r = make("ABS_X = ABS_X, range=-2147483648..2147483647", lo, hi, &config, &caps);
		assert_int_equal(abs_out(r, hi), INT_MAX);
		assert_int_equal(abs_out(r, lo), INT_MIN);
		done(r, config, caps);

		r = make("ABS_X = ABS_X, deadzone=10%, outer-deadzone=10%, curve=3, scale=1000", lo,
		         hi, &config, &caps);
		assert_int_equal(abs_out(r, hi), hi);
		assert_int_equal(abs_out(r, lo), lo);
		done(r, config, caps);

		r = make("ABS_X = REL_X, speed=100000", lo, hi, &config, &caps);
		hm_remap_event(r, 0, EV_ABS, ABS_X, hi, 0);
		hm_remap_event(r, 0, EV_ABS, ABS_X, lo, 0);
		hm_remap_event(r, 0, EV_ABS, ABS_X, mid, 0);
		done(r, config, caps);
	}
}

static void test_abs_zones(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		int lo = ranges[i].lo, hi = ranges[i].hi, v;
		struct hm_config *config;
		struct libevdev *caps;
		struct hm_remap *r = make("ABS_X+ = KEY_A\nABS_X- = KEY_B", lo, hi, &config, &caps);

		assert_true(feed(r, EV_ABS, ABS_X, hi, EV_KEY, KEY_A, &v));
		assert_int_equal(v, 1);
		assert_true(feed(r, EV_ABS, ABS_X, lo, EV_KEY, KEY_A, &v));
		assert_int_equal(v, 0);
		assert_true(rec.n == 2 && rec.ev[1].code == KEY_B && rec.ev[1].value == 1);
		assert_true(feed(r, EV_ABS, ABS_X, hi, EV_KEY, KEY_B, &v));
		assert_int_equal(v, 0);
		done(r, config, caps);

		r = make("ABS_X+ = KEY_A, center=min, threshold=100%, hysteresis=100%", lo, hi,
		         &config, &caps);
		assert_true(feed(r, EV_ABS, ABS_X, hi, EV_KEY, KEY_A, &v));
		assert_int_equal(v, 1);
		assert_true(feed(r, EV_ABS, ABS_X, lo, EV_KEY, KEY_A, &v));
		assert_int_equal(v, 0);
		done(r, config, caps);
	}
}

static void test_abs_range_extremes(void **state)
{
	struct hm_config *config;
	struct libevdev *caps;
	struct hm_remap *r = make("ABS_X[2147483647..2147483647] = KEY_A, hysteresis=2147483647\n"
	                          "ABS_X[-2147483648..-2147483648] = KEY_B, hysteresis=2147483647",
	                          INT_MIN, INT_MAX, &config, &caps);
	int v;

	assert_true(feed(r, EV_ABS, ABS_X, INT_MAX, EV_KEY, KEY_A, &v));
	assert_int_equal(v, 1);
	/* 2^31 - 1 units of hysteresis reach 0 but not -1 */
	assert_false(feed(r, EV_ABS, ABS_X, 0, EV_KEY, KEY_A, &v));
	assert_true(feed(r, EV_ABS, ABS_X, INT_MIN, EV_KEY, KEY_A, &v));
	assert_int_equal(v, 0);
	assert_true(rec.n == 2 && rec.ev[1].code == KEY_B && rec.ev[1].value == 1);
	assert_false(feed(r, EV_ABS, ABS_X, -1, EV_KEY, KEY_B, &v));
	assert_true(feed(r, EV_ABS, ABS_X, INT_MAX, EV_KEY, KEY_B, &v));
	assert_int_equal(v, 0);
	done(r, config, caps);
}

static int rel_out(struct hm_remap *r, int value)
{
	int out = 0;

	if (!feed(r, EV_REL, REL_X, value, EV_REL, REL_X, &out)) {
		print_error("no REL_X out for %d\n", value);
		fail();
	}
	return out;
}

static unsigned presses(unsigned code)
{
	unsigned n = 0;

	for (unsigned i = 0; i < rec.n; i++)
		n += rec.ev[i].type == EV_KEY && rec.ev[i].code == code && rec.ev[i].value == 1;
	return n;
}

static void test_rel_extremes(void **state)
{
	struct hm_config *config;
	struct libevdev *caps;
	struct hm_remap *r = make("REL_X = REL_X, invert", 0, 0, &config, &caps);
	int v;

	assert_int_equal(rel_out(r, INT_MIN), INT_MAX); /* 2^31 clamped */
	assert_int_equal(rel_out(r, INT_MAX), -INT_MAX);
	assert_int_equal(rel_out(r, 1), -1);
	done(r, config, caps);

	r = make("REL_X = REL_X, scale=1000", 0, 0, &config, &caps);
	assert_int_equal(rel_out(r, INT_MAX), INT_MAX);
	assert_int_equal(rel_out(r, INT_MIN), INT_MIN);
	assert_int_equal(rel_out(r, -1), -1000);
	done(r, config, caps);

	/* 2^31 - 1 = 3 * 715827882 + 1: the remainder is carried */
	r = make("REL_X = REL_X, scale=1/3", 0, 0, &config, &caps);
	assert_int_equal(rel_out(r, INT_MAX), 715827882);
	assert_int_equal(rel_out(r, INT_MAX), 715827882);
	assert_int_equal(rel_out(r, 1), 1);
	assert_int_equal(rel_out(r, INT_MIN), -715827882);
	done(r, config, caps);

	r = make("REL_X = REL_X, scale=-1000, invert", 0, 0, &config, &caps);
	assert_int_equal(rel_out(r, INT_MIN), INT_MIN);
	assert_int_equal(rel_out(r, INT_MAX), INT_MAX);
	done(r, config, caps);

	/* at most 64 taps per event, whatever the motion */
	r = make("REL_X+ = KEY_A\nREL_X- = KEY_B", 0, 0, &config, &caps);
	for (int i = 0; i < 3; i++) {
		feed(r, EV_REL, REL_X, INT_MAX, EV_KEY, KEY_A, &v);
		assert_int_equal(presses(KEY_A), 64);
		feed(r, EV_REL, REL_X, INT_MIN, EV_KEY, KEY_B, &v);
		assert_int_equal(presses(KEY_B), 64);
	}
	done(r, config, caps);

	/* 2^31 - 1 = 21474 * 100000 + 83647: the rest is carried */
	r = make("REL_X+ = KEY_A, per=100000", 0, 0, &config, &caps);
	feed(r, EV_REL, REL_X, INT_MAX, EV_KEY, KEY_A, &v);
	assert_int_equal(presses(KEY_A), 64);
	feed(r, EV_REL, REL_X, 16353, EV_KEY, KEY_A, &v);
	assert_int_equal(presses(KEY_A), 1);
	feed(r, EV_REL, REL_X, INT_MAX, EV_KEY, KEY_A, &v);
	feed(r, EV_REL, REL_X, INT_MAX, EV_KEY, KEY_A, &v);
	done(r, config, caps);
}

/* ---- trackpad ---- */

/* Sum of (type, code) values emitted since the recorder was cleared. */
static long sum_of(unsigned type, unsigned code)
{
	long sum = 0;

	for (unsigned i = 0; i < rec.n; i++)
		if (rec.ev[i].type == type && rec.ev[i].code == code)
			sum += rec.ev[i].value;
	return sum;
}

static void pad(struct hm_remap *r, int value, uint64_t t)
{
	rec.now = t;
	hm_remap_event(r, 0, EV_ABS, ABS_X, value, t);
	hm_remap_event(r, 0, EV_SYN, SYN_REPORT, 0, t);
}

/* The rules the issue gives desktop mode: a touch moves by the change of
 * the finger's position (no jump where it lands), a lift with inertia glides
 * on and the glide decays to zero, a touch stops it. */
static void test_trackpad(void **state)
{
	struct hm_config *config;
	struct libevdev *caps;
	struct hm_remap *r;
	long moved;
	uint64_t t = 1000000;
	int last = 0, first = 0;

	(void)state;
	/* speed=1000: half the pad (32767 units) moves 1000 */
	r = make("ABS_X = REL_X, trackpad, speed=1000", -32767, 32767, &config, &caps);
	pad(r, 16000, t); /* lands: nothing moves */
	assert_int_equal(sum_of(EV_REL, REL_X), 0);
	for (int i = 1; i <= 10; i++)
		pad(r, 16000 + i * 1638, t += 10000);
	moved = sum_of(EV_REL, REL_X);
	/* 16380 units = half of half the pad: 500, within the carried fraction */
	assert_true(moved >= 499 && moved <= 500);
	rec.n = 0;
	pad(r, 0, t += 10000); /* lifts (hid-steam's 0): no inertia, no glide */
	harness_timers(r, &rec, t + 2000000);
	assert_int_equal(sum_of(EV_REL, REL_X), 0);
	assert_int_equal(rec.armed, 0);
	pad(r, -20000, t += 1000000); /* lands elsewhere: no jump */
	assert_int_equal(sum_of(EV_REL, REL_X), 0);
	done(r, config, caps);

	/* inertia: the glide goes on after the lift, slower each tick, to 0 */
	r = make("ABS_X = REL_X, trackpad, speed=1000, inertia=200", -32767, 32767, &config, &caps);
	t = 1000000;
	pad(r, -20000, t);
	for (int i = 1; i <= 10; i++)
		pad(r, -20000 + i * 3000, t += 8000);
	rec.n = 0;
	pad(r, 0, t += 8000);
	assert_true(rec.armed != 0); /* the motion timer runs the glide */
	harness_timers(r, &rec, t + 5000000);
	moved = sum_of(EV_REL, REL_X);
	assert_true(moved > 0);
	for (unsigned i = 0; i < rec.n; i++) {
		if (rec.ev[i].type != EV_REL)
			continue;
		assert_true(rec.ev[i].value > 0);
		if (last) /* it decays (by whole units: the fraction carried may add one) */
			assert_true(rec.ev[i].value <= last + 1);
		if (!last)
			first = rec.ev[i].value;
		last = rec.ev[i].value;
	}
	assert_true(last <= 2 && first >= 10 * last); /* down to nearly nothing */
	assert_int_equal(rec.armed, 0);               /* and ends: no timer left */
	/* a new touch stops a glide at once */
	pad(r, -20000, t += 5000000);
	for (int i = 1; i <= 10; i++)
		pad(r, -20000 + i * 3000, t += 8000);
	pad(r, 0, t += 8000);
	assert_true(rec.armed != 0);
	pad(r, 5000, t += 1000);
	rec.n = 0;
	harness_timers(r, &rec, t + 1000000);
	assert_int_equal(sum_of(EV_REL, REL_X), 0);
	done(r, config, caps);

	/* onto a high-resolution wheel: 120 units a detent, REL_WHEEL with it */
	r = make("ABS_X = REL_WHEEL_HI_RES, trackpad, speed=1200", -32767, 32767, &config, &caps);
	t = 1000000;
	pad(r, 1, t);
	rec.n = 0;
	for (int i = 1; i <= 10; i++)
		pad(r, 1 + i * 3277, t += 10000); /* half the pad: 1200 = 10 detents */
	moved = sum_of(EV_REL, REL_WHEEL_HI_RES);
	assert_true(moved >= 1199 && moved <= 1200);
	assert_int_equal(sum_of(EV_REL, REL_WHEEL), moved / 120);
	done(r, config, caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_abs_identity), cmocka_unit_test(test_trackpad),
	    cmocka_unit_test(test_abs_zones),    cmocka_unit_test(test_abs_range_extremes),
	    cmocka_unit_test(test_rel_extremes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
