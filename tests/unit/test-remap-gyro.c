/* SPDX-License-Identifier: MIT */
/*
 * GYRO = gyro-mouse through a real device core: a fake module with a
 * gamepad output and a motion output made by the input-motion.h helper (as
 * hid-playstation's "... Motion Sensors" node), a profile from INI text, and
 * the frames every output gets from the capture sink.
 *
 * Expectations are worked out by hand from hidmapd.ini(5), GYRO MOUSE:
 *   pixels = rate (°/s, value / declared resolution) * dt (s) * sensitivity,
 *   REL_X = -horizontal (yaw, ABS_RY), REL_Y = -pitch (ABS_RX): SDL's sensor
 *   convention (yaw and roll positive right to left, pitch positive nose up)
 *   with the pointer moving the way the pad turns;
 *   dt from MSC_TIMESTAMP; the fraction of a pixel carried.
 * Most samples are 15625 µs apart (64 per second) so that every figure is
 * a sum of powers of two, exact in floating point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "config-text.h"
#include "config.h"
#include "device.h"
#include "input-motion.h"

#define DT_US 15625 /* 1/64 s */

/* the outputs, in the order the capture sink numbers them */
enum { OUT_PAD, OUT_MOTION, OUT_POINTER };

/* Test knobs the fake module reads at probe and decode. */
static int gyro_res = HM_MOTION_PS_GYRO_RES_PER_DEG_S;
static bool with_motion = true;
static bool no_timestamp;

struct fake {
	struct hm_motion motion;
	uint8_t buttons; /* last sent: a module emits changes only */
};

static const unsigned button_codes[] = {BTN_TL, BTN_SELECT, BTN_TR, BTN_SOUTH};

static int fake_probe(struct hm_device *dev)
{
	struct fake *f = dev->priv;
	struct hm_motion_params p = {
	    .suffix = "Motion Sensors",
	    .accel_range = HM_MOTION_PS_ACC_RANGE,
	    .accel_res = HM_MOTION_PS_ACC_RES_PER_G,
	    .gyro_range = 2048 * gyro_res,
	    .gyro_res = gyro_res,
	    .counter_bits = 32,
	    .tick_num = 1, /* a counter of µs */
	    .tick_den = 1,
	};
	struct libevdev *caps;

	assert_int_equal(hm_device_add_output(dev, "pad", &caps), 0);
	for (size_t i = 0; i < ARRAY_SIZE(button_codes); i++)
		libevdev_enable_event_code(caps, EV_KEY, button_codes[i], NULL);
	/* a right stick on the same code as the gyro's pitch: not read */
	libevdev_enable_event_code(caps, EV_ABS, ABS_RX,
	                           &(struct input_absinfo){.minimum = 0, .maximum = 255});
	if (with_motion)
		assert_int_equal(hm_motion_add_output(&f->motion, dev, &p), 1);
	return 0;
}

/* report: buttons (bit per button_codes[]), gyro x, y, z as s32le, the
 * counter as u32le, the right stick */
static int le32(const uint8_t *d)
{
	return (int)((uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
	             (uint32_t)d[3] << 24);
}

static int fake_decode(struct hm_device *dev, const uint8_t *d, size_t size, uint64_t t)
{
	struct fake *f = dev->priv;
	int gyro[3] = {le32(d + 1), le32(d + 5), le32(d + 9)}, accel[3] = {0, 8192, 0};

	for (size_t i = 0; i < ARRAY_SIZE(button_codes); i++)
		if (((d[0] ^ f->buttons) >> i) & 1)
			hm_emit(dev, 0, EV_KEY, button_codes[i], (d[0] >> i) & 1);
	f->buttons = d[0];
	hm_emit(dev, 0, EV_ABS, ABS_RX, d[17]);
	if (!with_motion)
		return 1;
	if (no_timestamp) {
		for (unsigned i = 0; i < 3; i++)
			hm_emit(dev, 1, EV_ABS, ABS_RX + i, gyro[i]);
		return 1;
	}
	hm_motion_report(&f->motion, accel, gyro, (uint32_t)le32(d + 13));
	return 1;
}

static const struct hm_module fake_module = {
    .name = "fake-motion",
    .priv_size = sizeof(struct fake),
    .probe = fake_probe,
    .decode = fake_decode,
};

static const struct hm_device_info info = {
    .bus = 3, .vendor = 0x054c, .product = 0x0ce6, .name = "fake pad", .path = "/dev/hidraw9"};

static struct capture_sink cs;

struct rig {
	struct hm_config *config;
	struct hm_device *dev;
	uint32_t counter;
	uint64_t time_us;
	uint32_t time_step; /* of the report time, µs */
	uint8_t buttons;
	int stick;
};

static struct hm_config *load(const char *text)
{
	struct hm_config *config = NULL;

	if (config_load_text(text, NULL, NULL, &config) < 0)
		config = NULL;
	return config;
}

/* A device driven with the profile [remap t] of text (NULL: none). */
static void rig_open(struct rig *g, const char *text)
{
	struct hm_device_setup setup = {.module = &fake_module, .sink = &cs.base};

	memset(g, 0, sizeof(*g));
	g->counter = 1000000;
	g->time_us = 5000000;
	g->stick = 128;
	g->time_step = 1000;
	if (text) {
		g->config = load(text);
		assert_non_null(g->config);
		setup.profile = hm_config_find_profile(g->config, "t");
		assert_non_null(setup.profile);
	}
	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &g->dev), 0);
}

static void rig_close(struct rig *g)
{
	hm_device_free(g->dev);
	hm_config_free(g->config);
	gyro_res = HM_MOTION_PS_GYRO_RES_PER_DEG_S;
	with_motion = true;
	no_timestamp = false;
}

/* One report dt_us after the last one: gyro in °/s times the resolution
 * (pitch ABS_RX, yaw ABS_RY, roll ABS_RZ).  Returns the pointer's REL_X
 * and REL_Y summed over the report's frame. */
static void sample_dt(struct rig *g, uint32_t dt_us, double pitch, double yaw, double roll,
                      int *ret_x, int *ret_y)
{
	uint8_t r[18];
	int v[3] = {(int)(pitch * gyro_res), (int)(yaw * gyro_res), (int)(roll * gyro_res)};

	g->counter += dt_us;
	g->time_us += g->time_step; /* 1 ms by default: the sensor's clock wins */
	r[0] = g->buttons;
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 4; b++)
			r[1 + 4 * i + b] = (uint8_t)((uint32_t)v[i] >> (8 * b));
	for (int b = 0; b < 4; b++)
		r[13 + b] = (uint8_t)(g->counter >> (8 * b));
	r[17] = (uint8_t)g->stick;
	cs.n = 0;
	assert_int_equal(hm_device_process_report(g->dev, r, sizeof(r), g->time_us), 1);
	*ret_x = *ret_y = 0;
	for (size_t i = 0; i < cs.n; i++) {
		if (cs.ev[i].type != EV_REL)
			continue;
		assert_int_equal(cs.ev[i].dev, OUT_POINTER);
		if (cs.ev[i].code == REL_X)
			*ret_x += cs.ev[i].value;
		else if (cs.ev[i].code == REL_Y)
			*ret_y += cs.ev[i].value;
		else
			fail_msg("unexpected REL code %u", cs.ev[i].code);
	}
}

static void sample(struct rig *g, double pitch, double yaw, double roll, int *ret_x, int *ret_y)
{
	sample_dt(g, DT_US, pitch, yaw, roll, ret_x, ret_y);
}

/* n samples; returns the sums */
static void samples(struct rig *g, unsigned n, double pitch, double yaw, double roll, int *ret_x,
                    int *ret_y)
{
	int sx = 0, sy = 0;

	for (unsigned i = 0; i < n; i++) {
		int x, y;

		sample(g, pitch, yaw, roll, &x, &y);
		sx += x;
		sy += y;
	}
	*ret_x = sx;
	*ret_y = sy;
}

/* The key event on the pad output in the last report, if any. */
static bool pad_key(unsigned code, int *ret)
{
	for (size_t i = 0; i < cs.n; i++)
		if (cs.ev[i].dev == OUT_PAD && cs.ev[i].type == EV_KEY && cs.ev[i].code == code) {
			*ret = cs.ev[i].value;
			return true;
		}
	return false;
}

#define PROFILE(lines) "[remap t]\n" lines "\n"

/* ---- the outputs --------------------------------------------------------------- */

static void test_pointer_output(void **state)
{
	struct rig g;
	const struct libevdev *p;

	rig_open(&g, PROFILE("GYRO = gyro-mouse"));
	assert_int_equal(hm_device_noutputs(g.dev), 3);
	p = hm_device_output_caps(g.dev, OUT_POINTER);
	/* named after the first output, as the pointer of a stick mapping is */
	assert_string_equal(libevdev_get_name(p), "pad (hidmapd pointer)");
	assert_true(libevdev_has_event_code(p, EV_REL, REL_X));
	assert_true(libevdev_has_event_code(p, EV_REL, REL_Y));
	assert_true(libevdev_has_event_code(p, EV_KEY, BTN_LEFT));
	/* the motion node keeps its axes and timestamp */
	p = hm_device_output_caps(g.dev, OUT_MOTION);
	assert_true(libevdev_has_event_code(p, EV_ABS, ABS_RY));
	assert_true(libevdev_has_event_code(p, EV_MSC, MSC_TIMESTAMP));
	rig_close(&g);

	/* no motion node: the line is allowed, and makes nothing */
	with_motion = false;
	rig_open(&g, PROFILE("GYRO = gyro-mouse"));
	assert_int_equal(hm_device_noutputs(g.dev), 1);
	rig_close(&g);
	/* no GYRO line: no pointer */
	rig_open(&g, PROFILE("BTN_SOUTH = BTN_SOUTH"));
	assert_int_equal(hm_device_noutputs(g.dev), 2);
	rig_close(&g);
}

/* An event of the last report on an output, if any. */
static bool event_on(unsigned dev, unsigned type, unsigned code, int *ret)
{
	for (size_t i = 0; i < cs.n; i++)
		if (cs.ev[i].dev == dev && cs.ev[i].type == type && cs.ev[i].code == code) {
			*ret = cs.ev[i].value;
			return true;
		}
	return false;
}

/* ABS_* mappings mean the pad's sticks: the motion node's axes of the same
 * codes are readings, which pass unchanged and stay in its capabilities. */
static void test_sensor_axes_are_not_sticks(void **state)
{
	struct rig g;
	const struct libevdev *m;
	int x, y, v;

	rig_open(&g, PROFILE("ABS_RX = ABS_RY\nABS_X = REL_X\nABS_RZ+ = KEY_A"));
	m = hm_device_output_caps(g.dev, OUT_MOTION);
	assert_true(libevdev_has_event_code(m, EV_ABS, ABS_RX));
	assert_true(libevdev_has_event_code(m, EV_ABS, ABS_X));
	assert_true(libevdev_has_event_code(m, EV_ABS, ABS_RZ));
	/* the stick: 200 on ABS_RX comes out as ABS_RY on the pad */
	g.stick = 200;
	sample(&g, 10, 0, 2000, &x, &y); /* pitch 10 °/s, roll far past any zone */
	assert_true(event_on(OUT_PAD, EV_ABS, ABS_RY, &v));
	assert_int_equal(v, 200);
	/* the sensor: as it came, and nothing made of it */
	assert_true(event_on(OUT_MOTION, EV_ABS, ABS_RX, &v));
	assert_int_equal(v, 10 * 1024);
	assert_true(event_on(OUT_MOTION, EV_ABS, ABS_RZ, &v));
	assert_int_equal(v, 2000 * 1024);
	assert_true(event_on(OUT_MOTION, EV_ABS, ABS_Y, &v)); /* 1 g */
	assert_int_equal(v, 8192);
	assert_false(event_on(OUT_MOTION, EV_ABS, ABS_RY, &v));
	for (size_t i = 0; i < cs.n; i++)
		assert_true(cs.ev[i].type != EV_KEY && cs.ev[i].type != EV_REL);
	rig_close(&g);
}

/* ---- the formula -------------------------------------------------------------- */

/* The brief's figure: 90 °/s for 10 ms at sensitivity S is 0.9 S pixels. */
static void test_formula_10ms(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=10"));
	/* the first sample only sets the time reference */
	sample_dt(&g, 10000, 0, 90, 0, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	for (int i = 0; i < 10; i++) {
		sample_dt(&g, 10000, 0, 90, 0, &x, &y);
		assert_int_equal(x, -9); /* 90 * 0.01 * 10, turning left */
		assert_int_equal(y, 0);
	}
	/* turning right, and the nose going up (pitch 45 °/s: 4.5 px up) */
	sample_dt(&g, 10000, 45, -90, 0, &x, &y);
	assert_int_equal(x, 9);
	assert_true(y == -4 || y == -5);
	rig_close(&g);
}

static void test_defaults(void **state)
{
	struct rig g;
	int x, y;

	/* sensitivity 10 px/°, yaw: 64 °/s for 1/64 s is 1°, 10 px */
	rig_open(&g, PROFILE("GYRO = gyro-mouse"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 64, 64, 64, &x, &y);
	assert_int_equal(x, -10);
	assert_int_equal(y, -10);
	rig_close(&g);
}

static void test_sensitivity_y(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=4, sensitivity-y=2"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, -64, -64, 0, &x, &y);
	assert_int_equal(x, 4);
	assert_int_equal(y, 2);
	rig_close(&g);
}

/* The resolution is the node's declared one, not hid-playstation's 1024. */
static void test_resolution_from_caps(void **state)
{
	struct rig g;
	int x, y;

	gyro_res = 16;
	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 128, -128, 0, &x, &y); /* raw 2048 and -2048: 128 °/s */
	assert_int_equal(x, 2);
	assert_int_equal(y, -2);
	rig_close(&g);
}

static void test_axes(void **state)
{
	struct rig g;
	int x, y;

	/* roll alone moves the pointer sideways; yaw does nothing */
	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, horizontal=roll"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	sample(&g, 0, 0, 640, &x, &y);
	assert_int_equal(x, -10);
	assert_int_equal(y, 0);
	rig_close(&g);

	/* local: both added */
	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, horizontal=local"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 0, 320, 640, &x, &y);
	assert_int_equal(x, -15);
	sample(&g, 0, 320, -320, &x, &y);
	assert_int_equal(x, 0);
	rig_close(&g);

	/* yaw (the default): roll does nothing */
	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, horizontal=yaw"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 0, 0, 640, &x, &y);
	assert_int_equal(x, 0);
	rig_close(&g);
}

static void test_invert(void **state)
{
	static const struct {
		const char *opt;
		int x, y;
	} cases[] = {
	    {"", -10, -10},       {", invert-x", 10, -10},          {", invert-y", -10, 10},
	    {", invert", 10, 10}, {", invert-x, invert-y", 10, 10},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256];
		struct rig g;
		int x, y;

		snprintf(text, sizeof(text), "[remap t]\nGYRO = gyro-mouse, sensitivity=1%s\n",
		         cases[i].opt);
		rig_open(&g, text);
		sample(&g, 0, 0, 0, &x, &y);
		sample(&g, 640, 640, 0, &x, &y);
		assert_int_equal(x, cases[i].x);
		assert_int_equal(y, cases[i].y);
		rig_close(&g);
	}
}

/* 8 °/s at 1 px/° is 1/8 px a sample: one pixel every 8 samples, none lost. */
static void test_subpixel(void **state)
{
	struct rig g;
	int x, y, total = 0;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1"));
	sample(&g, 0, 0, 0, &x, &y);
	for (int i = 1; i <= 64; i++) {
		sample(&g, 0, 8, 0, &x, &y);
		assert_int_equal(x, i % 8 == 0 ? -1 : 0);
		total += x;
	}
	assert_int_equal(total, -8);
	/* going the other way uses up the carried fraction first */
	samples(&g, 4, 0, 8, 0, &x, &y); /* -1/2 carried */
	samples(&g, 4, 0, -8, 0, &x, &y);
	assert_int_equal(x, 0);
	rig_close(&g);
}

/* ---- the deadzone -------------------------------------------------------------- */

static void test_deadzone(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=64, deadzone=5"));
	sample(&g, 0, 0, 0, &x, &y);
	/* 4.5 °/s is drift: nothing, however long */
	samples(&g, 64, 0, 4.5, 0, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	/* 6 °/s moves in full: 6 * 1/64 * 64 */
	sample(&g, 0, 6, 0, &x, &y);
	assert_int_equal(x, -6);
	/* the magnitude counts: 3 and 4 make 5, not below it */
	sample(&g, 4, 3, 0, &x, &y);
	assert_int_equal(x, -3);
	assert_int_equal(y, -4);
	sample(&g, 3, 3, 0, &x, &y);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	rig_close(&g);
}

/* ---- time ---------------------------------------------------------------------- */

/* The sensor's clock, wrapping at 2^32 µs; a gap restarts the reference. */
static void test_timestamp(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1"));
	g.counter = UINT32_MAX - 20000; /* the first timestamp is 2^32 - 4375 */
	sample(&g, 0, 0, 0, &x, &y);
	/* this one's timestamp wrapped: still 1/64 s */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	/* twice as long, twice as far */
	sample_dt(&g, 2 * DT_US, 0, 640, 0, &x, &y);
	assert_int_equal(x, -20);
	/* 150 ms without samples: this one is a new reference, no jump */
	sample_dt(&g, 150000, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	rig_close(&g);
}

/* A motion node without MSC_TIMESTAMP: the report time. */
static void test_report_time(void **state)
{
	struct rig g;
	int x, y;

	no_timestamp = true;
	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1"));
	g.time_step = DT_US;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	/* the report time advances 1/64 s a report (the counter, ignored, twice that) */
	sample_dt(&g, 2 * DT_US, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.time_step = 2 * DT_US;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -20);
	rig_close(&g);
}

/* ---- hold and toggle -------------------------------------------------------------- */

static void test_hold(void **state)
{
	struct rig g;
	int x, y, v;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, hold=BTN_TL"));
	sample(&g, 0, 0, 0, &x, &y);
	samples(&g, 4, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 1; /* BTN_TL */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	/* the button still works: it has no mapping of its own, so it passes */
	assert_true(pad_key(BTN_TL, &v));
	assert_int_equal(v, 1);
	samples(&g, 3, 0, 640, 0, &x, &y);
	assert_int_equal(x, -30);
	/* half a pixel carried when it is let go... */
	sample(&g, 0, 32, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 0;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	assert_true(pad_key(BTN_TL, &v));
	assert_int_equal(v, 0);
	/* ...is dropped: the next hold starts afresh */
	g.buttons = 1;
	sample(&g, 0, 32, 0, &x, &y);
	assert_int_equal(x, 0);
	rig_close(&g);

	/* consumed when mapped to disabled; the gyro still sees it */
	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, hold=BTN_TL\nBTN_TL = disabled"));
	sample(&g, 0, 0, 0, &x, &y);
	g.buttons = 1;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	assert_false(pad_key(BTN_TL, &v));
	assert_false(
	    libevdev_has_event_code(hm_device_output_caps(g.dev, OUT_PAD), EV_KEY, BTN_TL));
	rig_close(&g);
}

static void test_toggle(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, toggle=BTN_SELECT"));
	sample(&g, 0, 0, 0, &x, &y);
	/* on at the start */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 2; /* press: off */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 0; /* the release changes nothing */
	samples(&g, 3, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 2; /* press: on again */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 0;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	rig_close(&g);
}

/* Both: a toggle press turns the hold key into a clutch (on unless held). */
static void test_hold_and_toggle(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, hold=BTN_TL, toggle=BTN_SELECT"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 1;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 0 | 2; /* TL up, SELECT down */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 0;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 1; /* held: off */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	rig_close(&g);
}

/* A layer can turn it off (or change it) while its key is held. */
static void test_layer(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, "[remap t]\nGYRO = gyro-mouse, sensitivity=1\nBTN_TR = layer(still)\n"
	             "[remap t:still]\nGYRO = disabled\n");
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 4; /* BTN_TR */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 0;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	rig_close(&g);

	rig_open(&g, "[remap t]\nGYRO = gyro-mouse, sensitivity=1\nBTN_TR = layer(fine)\n"
	             "[remap t:fine]\nGYRO = gyro-mouse, sensitivity=0.5\n");
	sample(&g, 0, 0, 0, &x, &y);
	g.buttons = 4;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -5);
	rig_close(&g);
}

/* ---- smoothing ----------------------------------------------------------------------- */

/* Below half the threshold: the mean over the window (4 samples here),
 * zeros before the first; nothing is lost, it comes later. */
static void test_smoothing_slow(void **state)
{
	static const int rise[] = {-2, -4, -6, -8, -8, -8};
	static const int fall[] = {-6, -4, -2, 0, 0};
	struct rig g;
	int x, y;

	rig_open(
	    &g,
	    PROFILE("GYRO = gyro-mouse, sensitivity=64, smoothing=100, smoothing-time=62500us"));
	sample(&g, 0, 0, 0, &x, &y);
	/* 8 °/s unsmoothed would be 8 px a sample */
	for (size_t i = 0; i < ARRAY_SIZE(rise); i++) {
		sample(&g, 0, 8, 0, &x, &y);
		assert_int_equal(x, rise[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fall); i++) {
		sample(&g, 0, 0, 0, &x, &y);
		assert_int_equal(x, fall[i]);
	}
	rig_close(&g);
}

/* Above the threshold: direct; between half and all of it: blended. */
static void test_smoothing_fast(void **state)
{
	struct rig g;
	int x, y;

	rig_open(
	    &g,
	    PROFILE("GYRO = gyro-mouse, sensitivity=64, smoothing=100, smoothing-time=62500us"));
	sample(&g, 0, 0, 0, &x, &y);
	sample(&g, 0, 200, 0, &x, &y);
	assert_int_equal(x, -200);
	sample(&g, 0, 100, 0, &x, &y);
	assert_int_equal(x, -100);
	rig_close(&g);

	rig_open(
	    &g,
	    PROFILE("GYRO = gyro-mouse, sensitivity=64, smoothing=100, smoothing-time=62500us"));
	sample(&g, 0, 0, 0, &x, &y);
	/* 80 °/s: weight (80 - 50) / 50 = 0.6 direct (48), 32 into the window (8 now) */
	sample(&g, 0, 80, 0, &x, &y);
	assert_int_equal(x, -56);
	/* then 0: the window gives back the rest, 8 a sample, 24 in all */
	samples(&g, 4, 0, 0, 0, &x, &y);
	assert_int_equal(x, -24);
	rig_close(&g);
}

/* The window's sums stay exact over many laps of its ring. */
static void test_smoothing_long(void **state)
{
	struct rig g;
	int x, y;

	rig_open(
	    &g,
	    PROFILE("GYRO = gyro-mouse, sensitivity=64, smoothing=100, smoothing-time=62500us"));
	sample(&g, 0, 0, 0, &x, &y);
	samples(&g, 2000, 0, 8, 0, &x, &y);
	assert_int_equal(x, -8 * 2000 + 6 + 4 + 2); /* the first three lag 6, 4 and 2 */
	sample(&g, 0, 8, 0, &x, &y);
	assert_int_equal(x, -8);
	rig_close(&g);
}

/* ---- release and reload ------------------------------------------------------------- */

/* Release-all forgets: the carried fraction, the smoothing window, the time
 * reference and the toggle (back to on). */
static void test_release_all(void **state)
{
	struct rig g;
	int x, y;

	rig_open(&g, PROFILE("GYRO = gyro-mouse, sensitivity=1, toggle=BTN_SELECT"));
	sample(&g, 0, 0, 0, &x, &y);
	samples(&g, 4, 0, 8, 0, &x, &y); /* 1/2 px carried */
	assert_int_equal(x, 0);
	cs.n = 0;
	hm_device_release_all(g.dev);
	for (size_t i = 0; i < cs.n; i++)
		assert_int_not_equal(cs.ev[i].type, EV_REL);
	/* the first sample is a reference; the half pixel is gone */
	sample(&g, 0, 8, 0, &x, &y);
	assert_int_equal(x, 0);
	samples(&g, 4, 0, 8, 0, &x, &y);
	assert_int_equal(x, 0);
	samples(&g, 4, 0, 8, 0, &x, &y);
	assert_int_equal(x, -1);

	g.buttons = 2; /* toggled off */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	hm_device_release_all(g.dev);
	/* on again, with the button still down (a module sends no new press) */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0); /* the reference */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	/* its release and next press turn it off as before */
	g.buttons = 0;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
	g.buttons = 2;
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	rig_close(&g);
}

/* A profile switch, by a focus change (focus) or as profile() does, ends
 * the gyro mouse's state as release-all does (GYRO MOUSE: "When everything
 * is released (... a profile switch)"): the carried fraction and the
 * sensor's clock are forgotten, a hold key counts as up until pressed
 * again.  Both profiles have the same GYRO line, so what changes is the
 * switch alone. */
static void switch_run(bool focus)
{
	static const char text[] = "[remap t]\n"
	                           "GYRO = gyro-mouse, sensitivity=1\n"
	                           "[remap u]\n"
	                           "GYRO = gyro-mouse, sensitivity=1\n"
	                           "[remap th]\n"
	                           "GYRO = gyro-mouse, sensitivity=1, hold=BTN_TL\n"
	                           "[remap uh]\n"
	                           "GYRO = gyro-mouse, sensitivity=1, hold=BTN_TL\n";
	const struct hm_config_profile *u, *th, *uh;
	struct rig g;
	int x, y;

	rig_open(&g, text);
	u = hm_config_find_profile(g.config, "u");
	th = hm_config_find_profile(g.config, "th");
	uh = hm_config_find_profile(g.config, "uh");
#define SWITCH(p)                                                                                  \
	do {                                                                                       \
		cs.n = 0;                                                                          \
		assert_int_equal(focus ? hm_device_set_profile_focus(g.dev, p)                     \
		                       : hm_device_set_profile(g.dev, p, HM_UNMAPPED_PASS),        \
		                 0);                                                               \
		for (size_t i = 0; i < cs.n; i++)                                                  \
			assert_int_not_equal(cs.ev[i].type, EV_REL);                               \
	} while (0)

	/* 8 °/s yaw for 1/64 s at sensitivity 1: 1/8 px, -x; four: 1/2 carried */
	sample(&g, 0, 0, 0, &x, &y); /* the reference */
	samples(&g, 4, 0, 8, 0, &x, &y);
	assert_int_equal(x, 0);
	SWITCH(u);
	/* the clock forgotten: the first sample sets it, 640 °/s moves nothing */
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	/* the half pixel forgotten: four more make half a pixel, not one */
	samples(&g, 4, 0, 8, 0, &x, &y);
	assert_int_equal(x, 0);
	samples(&g, 4, 0, 8, 0, &x, &y);
	assert_int_equal(x, -1);

	/* a hold key held across the switch counts as up until pressed again */
	SWITCH(th);
	g.buttons = 1; /* BTN_TL */
	sample(&g, 0, 640, 0, &x, &y);
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10); /* 640/64: on while held */
	SWITCH(uh);
	samples(&g, 3, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 0;
	samples(&g, 2, 0, 640, 0, &x, &y);
	assert_int_equal(x, 0);
	g.buttons = 1; /* pressed again: on */
	sample(&g, 0, 640, 0, &x, &y);
	sample(&g, 0, 640, 0, &x, &y);
	assert_int_equal(x, -10);
#undef SWITCH
	rig_close(&g);
}

static void test_focus_switch(void **state)
{
	switch_run(true);
	switch_run(false);
}

/* ---- configuration errors ---------------------------------------------------------- */

struct diag {
	char text[4096];
};

static void collect(void *userdata, const char *file, unsigned line, const char *message)
{
	struct diag *d = userdata;
	size_t l = strlen(d->text);

	snprintf(d->text + l, sizeof(d->text) - l, "%u: %s\n", line, message);
}

static void test_bad_lines(void **state)
{
	static const struct {
		const char *line, *error;
	} cases[] = {
	    {"GYRO = gyro-mouse, sensitivity=0", "sensitivity=0: expected pixels per degree"},
	    {"GYRO = gyro-mouse, sensitivity=2000", "at most 1000"},
	    {"GYRO = gyro-mouse, sensitivity=x", "sensitivity=x"},
	    {"GYRO = gyro-mouse, sensitivity-y=-1", "sensitivity-y=-1"},
	    {"GYRO = gyro-mouse, sensitivity", "'sensitivity' needs a value"},
	    {"GYRO = gyro-mouse, horizontal=pitch",
	     "horizontal=pitch: expected yaw, roll or local"},
	    {"GYRO = gyro-mouse, invert-x=yes", "'invert-x' takes no value"},
	    {"GYRO = gyro-mouse, deadzone=-1", "deadzone=-1: expected a speed in degrees"},
	    {"GYRO = gyro-mouse, deadzone=10%", "deadzone=10%"},
	    {"GYRO = gyro-mouse, smoothing=nan", "smoothing=nan"},
	    {"GYRO = gyro-mouse, smoothing-time=0", "smoothing-time=0: expected a duration"},
	    {"GYRO = gyro-mouse, smoothing-time=1s", "from 1ms to 500ms"},
	    {"GYRO = gyro-mouse, hold=REL_X", "hold=REL_X: expected a key or button"},
	    {"GYRO = gyro-mouse, toggle=KEY_NOPE", "toggle=KEY_NOPE"},
	    {"GYRO = gyro-mouse, hold=BTN_TL, toggle=BTN_TL", "two different keys"},
	    {"GYRO = gyro-mouse, speed=3", "'speed': unknown option of gyro-mouse"},
	    {"GYRO = gyro-mouse, per=3", "unknown option of gyro-mouse"},
	    {"GYRO = KEY_A", "map the gyroscope onto gyro-mouse or disabled"},
	    {"GYRO = REL_X", "map the gyroscope onto gyro-mouse or disabled"},
	    {"GYRO = disabled, sensitivity=2", "GYRO = disabled takes no options"},
	    {"KEY_A = gyro-mouse", "gyro-mouse is the action of the GYRO trigger"},
	    {"ABS_RX = gyro-mouse", "gyro-mouse is the action of the GYRO trigger"},
	    {"GYRO = gyro-mouse(BTN_TL)", "unknown action"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256], want[256];
		struct hm_config *config = NULL;
		struct diag d = {{0}};

		snprintf(text, sizeof(text), "[remap t]\nKEY_B = KEY_C\n%s\n", cases[i].line);
		assert_int_equal(config_load_text(text, collect, &d, &config), -EINVAL);
		snprintf(want, sizeof(want), "3: ");
		if (!strstr(d.text, cases[i].error) || strncmp(d.text, want, strlen(want)) != 0)
			fail_msg("%s: got '%s', want line 3 and '%s'", cases[i].line, d.text,
			         cases[i].error);
	}
}

static void test_duplicate(void **state)
{
	const char *text = "[remap t]\nGYRO = gyro-mouse\nGYRO = disabled\n";
	struct hm_config *config = NULL;
	struct diag d = {{0}};

	assert_int_equal(config_load_text(text, collect, &d, &config), -EINVAL);
	assert_non_null(strstr(d.text, "3: 'GYRO' is already mapped on line 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pointer_output),
	    cmocka_unit_test(test_sensor_axes_are_not_sticks),
	    cmocka_unit_test(test_formula_10ms),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_sensitivity_y),
	    cmocka_unit_test(test_resolution_from_caps),
	    cmocka_unit_test(test_axes),
	    cmocka_unit_test(test_invert),
	    cmocka_unit_test(test_subpixel),
	    cmocka_unit_test(test_deadzone),
	    cmocka_unit_test(test_timestamp),
	    cmocka_unit_test(test_report_time),
	    cmocka_unit_test(test_hold),
	    cmocka_unit_test(test_toggle),
	    cmocka_unit_test(test_hold_and_toggle),
	    cmocka_unit_test(test_layer),
	    cmocka_unit_test(test_smoothing_slow),
	    cmocka_unit_test(test_smoothing_fast),
	    cmocka_unit_test(test_smoothing_long),
	    cmocka_unit_test(test_release_all),
	    cmocka_unit_test(test_focus_switch),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_duplicate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
