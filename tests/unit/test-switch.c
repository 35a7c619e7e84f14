/* SPDX-License-Identifier: MIT */
/*
 * The switch module (devices/nintendo/) against hid-nintendo's protocol
 * and arithmetic (drivers/hid/hid-nintendo.c of 6.1 and 6.12, summarised
 * in the project's vendor research note §3): a fake pad answers the USB
 * commands and subcommands with constructed replies (user calibration for
 * the left stick, factory for the right and the IMU, all non-default),
 * and the expected numbers are worked out by hand from the kernel's
 * formulas in the comments.  The rumble bytes come from the rows of the
 * kernel's tables (joycon_rumble_frequencies/amplitudes), quoted.
 */
#include <errno.h>
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
#include "event-loop.h"
#include "module-select.h"
#include "switch-pad.h"
#include "switch-proto.h"

enum { GAMEPAD, IMU };

/* ---- the fake pad (switch-pad.h), its outputs and replies kept ---- */

static struct {
	enum swp_mode mode;
	uint8_t type;
	uint8_t force_type; /* make_with(): this type, not the product's */
	uint8_t out[64][64];
	size_t outlen[64];
	unsigned nout;
	uint8_t reply[64][64];
	size_t replylen[64];
	unsigned nreply, nreplied;
} pad;

static void queue_reply(const uint8_t *r, size_t n)
{
	if (pad.nreply < 64) {
		memcpy(pad.reply[pad.nreply], r, n);
		pad.replylen[pad.nreply] = n;
	}
	pad.nreply++;
}

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	if (pad.nout < 64 && size <= 64) {
		memcpy(pad.out[pad.nout], data, size);
		pad.outlen[pad.nout] = size;
	}
	pad.nout++;
	{
		uint8_t r[SWP_REPORT_SIZE];
		size_t n;

		if (swp_answer(pad.mode, pad.type, data, size, r, &n))
			queue_reply(r, n);
	}
	return (int)size;
}

static const struct hm_transport transport = {.write = fake_write};

/* Delivers the pad's queued replies, and those they cause. */
static void pump(struct hm_device *dev)
{
	while (pad.nreplied < pad.nreply && pad.nreplied < 64) {
		unsigned i = pad.nreplied++;

		hm_device_process_report(dev, pad.reply[i], pad.replylen[i], 0);
	}
}

/* Far enough ahead for any exchange timeout, not the init limit. */
static void timeout(struct hm_device *dev)
{
	hm_device_timer(dev, hm_now_usec() + 5 * 1000 * 1000);
	pump(dev);
}

static int reset(void **state)
{
	(void)state;
	memset(&pad, 0, sizeof(pad));
	return 0;
}

static struct hm_device *make_with(struct capture_sink *cs, uint16_t product, uint16_t bus,
                                   const char *name, const struct hm_transport *t)
{
	struct hm_device_info info = {.bus = bus,
	                              .vendor = NSW_VENDOR,
	                              .product = product,
	                              .version = 0x0200,
	                              .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain, .sink = &cs->base, .transport = t};
	struct hm_device *dev = NULL;

	snprintf(info.name, sizeof(info.name), "%s", name);
	snprintf(info.path, sizeof(info.path), "/dev/hidraw5");
	/* the device info's controller type (6.12's JOYCON_CTLR_TYPE_*) */
	switch (product) {
	case NSW_PRODUCT_JOYCONL:
		pad.type = 0x01;
		break;
	case NSW_PRODUCT_JOYCONR:
		pad.type = 0x02;
		break;
	case NSW_PRODUCT_SNES:
		pad.type = 0x0b;
		break;
	case NSW_PRODUCT_N64:
		pad.type = 0x0c;
		break;
	case NSW_PRODUCT_GENESIS:
		pad.type = 0x0d;
		break;
	default:
		pad.type = 0x03;
		break;
	}
	if (pad.force_type)
		pad.type = pad.force_type;
	capture_init(cs);
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_string_equal(dev->module->name, "switch");
	return dev;
}

static struct hm_device *make_ready(struct capture_sink *cs, uint16_t product, uint16_t bus,
                                    const char *name)
{
	struct hm_device *dev = make_with(cs, product, bus, name, &transport);

	pump(dev);
	if (bus == BUS_USB) {
		/* 80 04 is never answered: its two tries time out */
		timeout(dev);
		timeout(dev);
	}
	assert_false(hm_device_initializing(dev));
	return dev;
}

/* a full report 0x30 with the sticks' raw values, buttons and one IMU
 * sample repeated three times */
static void full_report(uint8_t *r, uint32_t btns, unsigned lx, unsigned ly, unsigned rx,
                        unsigned ry, const int imu[6])
{
	memset(r, 0, NSW_REPORT_SIZE);
	r[0] = NSW_IN_FULL;
	r[2] = 0x60; /* battery high, not charging */
	r[3] = (uint8_t)btns;
	r[4] = (uint8_t)(btns >> 8);
	r[5] = (uint8_t)(btns >> 16);
	swp_put12(r + 6, lx, ly);
	swp_put12(r + 9, rx, ry);
	for (int s = 0; s < 3; s++)
		for (int i = 0; i < 6; i++)
			swp_put16(r + 13 + 12 * s + 2 * i, imu ? imu[i] : 0);
}

static int last(const struct capture_sink *cs, unsigned out, unsigned type, unsigned code)
{
	int v = -9999;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->ev[i].dev == out && cs->ev[i].type == type && cs->ev[i].code == code)
			v = cs->ev[i].value;
	return v;
}

static void check_abs(const struct libevdev *c, unsigned code, int min, int max, int fuzz, int flat,
                      int res)
{
	const struct input_absinfo *a = libevdev_get_abs_info(c, code);

	assert_non_null(a);
	assert_int_equal(a->minimum, min);
	assert_int_equal(a->maximum, max);
	assert_int_equal(a->fuzz, fuzz);
	assert_int_equal(a->flat, flat);
	assert_int_equal(a->resolution, res);
}

/* ---- initialisation ---- */

static void check_subcmd(unsigned i, uint8_t id, const uint8_t *args, size_t n)
{
	assert_true(i < pad.nout);
	assert_int_equal(pad.out[i][0], 0x01);
	assert_int_equal(pad.out[i][10], id);
	assert_int_equal(pad.outlen[i], 11 + n);
	if (n)
		assert_memory_equal(pad.out[i] + 11, args, n);
}

static void test_usb_init_sequence(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	static const uint8_t magic_l[5] = {0x10, 0x80, 0, 0, 2}, magic_r[5] = {0x1b, 0x80, 0, 0, 2},
	                     user_l[5] = {0x12, 0x80, 0, 0, 9}, fact_r[5] = {0x46, 0x60, 0, 0, 9},
	                     imu_magic[5] = {0x26, 0x80, 0, 0, 2},
	                     imu_fact[5] = {0x20, 0x60, 0, 0, 24}, on[1] = {1}, full[1] = {0x30},
	                     player1[1] = {0x01}, home[5] = {0x01, 0, 0, 0x11, 0x11};

	(void)state;
	dev = make_with(&cs, NSW_PRODUCT_PROCON, BUS_USB, "Nintendo Co., Ltd. Pro Controller",
	                &transport);
	assert_true(hm_device_initializing(dev));
	pump(dev);
	/* 80 02, 80 03, 80 02, 80 04: the last waits for its timeouts */
	assert_int_equal(pad.nout, 4);
	assert_true(hm_device_initializing(dev));
	timeout(dev);
	assert_int_equal(pad.nout, 5); /* 80 04 again (one retry) */
	timeout(dev);
	assert_false(hm_device_initializing(dev));
	assert_false(hm_device_init_failed(dev));

	static const uint8_t usb[5] = {0x02, 0x03, 0x02, 0x04, 0x04};
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(pad.outlen[i], 2);
		assert_int_equal(pad.out[i][0], 0x80);
		assert_int_equal(pad.out[i][1], usb[i]);
	}
	/* 6.12's order: device info, stick calibration, IMU calibration and
	 * on, report mode, vibration, player LEDs (player 1: LED 1), home LED */
	check_subcmd(5, 0x02, NULL, 0);
	check_subcmd(6, 0x10, magic_l, 5);
	check_subcmd(7, 0x10, magic_r, 5);
	check_subcmd(8, 0x10, user_l, 5);
	check_subcmd(9, 0x10, fact_r, 5);
	check_subcmd(10, 0x10, imu_magic, 5);
	check_subcmd(11, 0x10, imu_fact, 5);
	check_subcmd(12, 0x40, on, 1);
	check_subcmd(13, 0x03, full, 1);
	check_subcmd(14, 0x48, on, 1);
	check_subcmd(15, 0x30, player1, 1);
	check_subcmd(16, 0x38, home, 5);
	assert_int_equal(pad.nout, 17);
	/* packet numbers count 0..15 over the subcommands; the rumble bytes
	 * of the probe's subcommands are zero (the FF state is made later) */
	for (unsigned i = 5; i < 17; i++) {
		static const uint8_t zero[8];

		assert_int_equal(pad.out[i][1], (i - 5) & 0x0f);
		assert_memory_equal(pad.out[i] + 2, zero, 8);
	}
	hm_device_free(dev);
}

static void test_nodes(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	const struct libevdev *gp, *imu;

	(void)state;
	dev = make_ready(&cs, NSW_PRODUCT_PROCON, BUS_USB, "Nintendo Co., Ltd. Pro Controller");
	gp = hm_device_output_caps(dev, GAMEPAD);
	imu = hm_device_output_caps(dev, IMU);
	/* 6.12: the HID device's name, and "<name> (IMU)" */
	assert_string_equal(libevdev_get_name(gp), "Nintendo Co., Ltd. Pro Controller");
	assert_string_equal(libevdev_get_name(imu), "Nintendo Co., Ltd. Pro Controller (IMU)");
	/* version | 0x8000 */
	assert_int_equal(libevdev_get_id_version(gp), 0x8200);
	assert_int_equal(libevdev_get_id_version(imu), 0x8200);
	assert_int_equal(libevdev_get_id_vendor(gp), 0x057e);
	assert_int_equal(libevdev_get_id_product(gp), 0x2009);
	check_abs(gp, ABS_X, -32767, 32767, 250, 500, 0);
	check_abs(gp, ABS_RY, -32767, 32767, 250, 500, 0);
	check_abs(gp, ABS_HAT0X, -1, 1, 0, 0, 0);
	assert_false(libevdev_has_event_code(gp, EV_ABS, ABS_Z));
	assert_true(libevdev_has_event_code(gp, EV_KEY, BTN_Z));
	assert_false(libevdev_has_event_code(gp, EV_KEY, BTN_DPAD_UP));
	assert_true(libevdev_has_event_code(gp, EV_FF, FF_RUMBLE));
	check_abs(imu, ABS_X, -32767, 32767, 10, 0, 4096);
	check_abs(imu, ABS_RZ, -32767000, 32767000, 10, 0, 14247);
	assert_true(libevdev_has_property(imu, INPUT_PROP_ACCELEROMETER));
	assert_true(libevdev_has_event_code(imu, EV_MSC, MSC_TIMESTAMP));
	hm_device_free(dev);

	/* a left Joy-Con: BTN_DPAD_*, SL/SR as BTN_TR/TR2, no right side */
	reset(NULL);
	dev = make_ready(&cs, NSW_PRODUCT_JOYCONL, BUS_BLUETOOTH, "Joy-Con (L)");
	gp = hm_device_output_caps(dev, GAMEPAD);
	assert_string_equal(libevdev_get_name(hm_device_output_caps(dev, IMU)),
	                    "Joy-Con (L) (IMU)");
	assert_true(libevdev_has_event_code(gp, EV_KEY, BTN_DPAD_LEFT));
	assert_true(libevdev_has_event_code(gp, EV_KEY, BTN_TR2));
	assert_false(libevdev_has_event_code(gp, EV_KEY, BTN_SOUTH));
	assert_false(libevdev_has_event_code(gp, EV_ABS, ABS_RX));
	assert_false(libevdev_has_event_code(gp, EV_ABS, ABS_HAT0X));
	/* no home LED subcommand for a pad without a right side */
	assert_int_equal(pad.out[pad.nout - 1][10], 0x30);
	hm_device_free(dev);
}

static void test_bt_and_usb_silence(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	/* Bluetooth: no USB commands at all */
	dev = make_with(&cs, NSW_PRODUCT_PROCON, BUS_BLUETOOTH, "Pro Controller", &transport);
	assert_int_equal(pad.out[0][0], 0x01);
	assert_int_equal(pad.out[0][10], 0x02);
	pump(dev);
	assert_false(hm_device_initializing(dev));
	hm_device_free(dev);

	/* USB bus, no 0x81 answer: after 80 02 and its retry, on as Bluetooth */
	reset(NULL);
	pad.mode = SWP_NO_USB;
	dev = make_with(&cs, NSW_PRODUCT_PROCON, BUS_USB, "Nintendo Co., Ltd. Pro Controller",
	                &transport);
	assert_int_equal(pad.nout, 1);
	timeout(dev);
	assert_int_equal(pad.nout, 2);
	timeout(dev);
	assert_int_equal(pad.out[2][0], 0x01);
	assert_int_equal(pad.out[2][10], 0x02);
	pump(dev);
	assert_false(hm_device_initializing(dev));
	hm_device_free(dev);
}

static void test_never_answers(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t r[64];

	(void)state;
	pad.mode = SWP_SILENT;
	dev = make_with(&cs, NSW_PRODUCT_JOYCONR, BUS_BLUETOOTH, "Joy-Con (R)", &transport);
	assert_true(hm_device_initializing(dev));
	/* the device info, sent twice, then the init has failed: no more sends */
	timeout(dev);
	timeout(dev);
	assert_int_equal(pad.nout, 2);
	timeout(dev);
	assert_int_equal(pad.nout, 2);
	/* reports meanwhile emit nothing */
	full_report(r, NSW_BTN_A, 2048, 2048, 2048, 2048, NULL);
	assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0), 0);
	assert_int_equal(cs.n, 0);
	/* the core's limit drops it */
	hm_device_timer(dev, hm_now_usec() + 60ull * 1000 * 1000);
	assert_true(hm_device_init_failed(dev));
	hm_device_free(dev);

	/* a device-info reply too short to be a report is not one */
	reset(NULL);
	pad.mode = SWP_SHORT_INFO;
	dev = make_with(&cs, NSW_PRODUCT_JOYCONR, BUS_BLUETOOTH, "Joy-Con (R)", &transport);
	pump(dev);
	timeout(dev);
	timeout(dev);
	assert_true(hm_device_initializing(dev));
	assert_int_equal(pad.nout, 2);
	hm_device_free(dev);
}

/* Bluetooth gone in the middle of the init, the pad back within the
 * replug grace (hm_device_restart()): the exchange in flight is dropped,
 * its late reply is an ordinary report, and the init runs again from the
 * start and completes; the outputs stay. */
static void test_disconnect_during_init(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	struct hm_device_info info;
	unsigned before;

	(void)state;
	pad.mode = SWP_SILENT;
	dev = make_with(&cs, NSW_PRODUCT_PROCON, BUS_BLUETOOTH, "Pro Controller", &transport);
	assert_int_equal(pad.nout, 1); /* the device info, unanswered */
	assert_true(hm_device_initializing(dev));
	info = dev->info;
	info.version = 0x0200;
	/* it comes back, answering now */
	pad.mode = SWP_ANSWERS;
	before = pad.nout;
	assert_int_equal(hm_device_restart(dev, &info), 0);
	assert_int_equal(pad.nout, before + 1);
	check_subcmd(before, 0x02, NULL, 0);
	pump(dev);
	assert_false(hm_device_initializing(dev));
	assert_false(hm_device_init_failed(dev));
	assert_int_equal(hm_device_noutputs(dev), 2);
	/* 12 subcommands after the restart, none left over from before */
	assert_int_equal(pad.nout, before + 12);
	hm_device_free(dev);
}

/* ---- input ---- */

static void test_sticks_and_buttons(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t r[64];

	(void)state;
	dev = make_ready(&cs, NSW_PRODUCT_PROCON, BUS_USB, "Nintendo Co., Ltd. Pro Controller");
	/*
	 * Left (user calibration): x centre 2048, max 2048 + 1500, min
	 * 2048 - 1400; y centre 2000, max 3600, min 700.
	 *   x 2798: (750 * 32767) / 1500 = 16383 (16383.5 truncated)
	 *   y 1300: map = (700 * -32767) / 1300 = -17643 (-17643.8), y = 17643
	 * Right (factory): x centre 1900, min 700, max 3600; y centre 2100,
	 * min 850, max 3750.
	 *   x 100 (below min): (1800 * -32767) / 1200 = -49150 -> -32767
	 *   y 3750: (1650 * 32767) / 1650 = 32767, y = -32767
	 */
	full_report(
	    r, NSW_BTN_A | NSW_BTN_ZL | NSW_BTN_CAP | NSW_BTN_LEFT | NSW_BTN_RIGHT | NSW_BTN_DOWN,
	    2798, 1300, 100, 3750, NULL);
	assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 16383);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 17643);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RX), -32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RY), -32767);
	/* A is BTN_EAST, ZL BTN_TL2, Capture BTN_Z; left wins over right */
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_EAST), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_TL2), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_Z), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), -1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_SOUTH), -9999);

	/* battery: level 3 of 0..4 (high), not charging (byte 2 = 0x60) */
	{
		enum hm_battery_status st;
		int percent;

		assert_true(hm_device_get_battery(dev, &percent, &st));
		assert_int_equal(percent, 75);
		assert_int_equal(st, HM_BATTERY_DISCHARGING);
		/* full (4), charging bit: charging */
		r[2] = 0x90;
		hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0);
		assert_true(hm_device_get_battery(dev, &percent, &st));
		assert_int_equal(percent, 100);
		assert_int_equal(st, HM_BATTERY_CHARGING);
		/* full, not charging, host powered (bit 0): full */
		r[2] = 0x81;
		hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0);
		assert_true(hm_device_get_battery(dev, &percent, &st));
		assert_int_equal(st, HM_BATTERY_FULL);
	}

	/* short full reports are malformed; 0x3f and 0x81 carry nothing */
	assert_int_equal(hm_device_process_report(dev, r, 12, 0), -EBADMSG);
	r[0] = 0x3f;
	assert_int_equal(hm_device_process_report(dev, r, 12, 0), 0);
	hm_device_free(dev);
}

static void test_bad_calibration_defaults(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t r[64];

	(void)state;
	/* bad magic: the factory data, implausible: the defaults 500/2000/3500 */
	pad.mode = SWP_BAD_MAGIC;
	dev = make_ready(&cs, NSW_PRODUCT_PROCON, BUS_BLUETOOTH, "Pro Controller");
	assert_int_equal(pad.out[3][11], 0x3d); /* the factory left stick, 0x603d */
	/* x 3500: 32767; y 1250: (750 * -32767) / 1500 = -16383, y = 16383;
	 * right x 1250 likewise -16383 */
	full_report(r, 0, 3500, 1250, 1250, 2000, NULL);
	hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 16383);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RX), -16383);
	hm_device_free(dev);

	/* SPI reads never answered: each tried twice, then the defaults for
	 * all (IMU too: raw gyro 1000 -> 1000 * 1000 * 13371 / 13371) */
	reset(NULL);
	pad.mode = SWP_NO_SPI;
	dev = make_with(&cs, NSW_PRODUCT_PROCON, BUS_BLUETOOTH, "Pro Controller", &transport);
	pump(dev);
	for (int i = 0; i < 20 && hm_device_initializing(dev); i++)
		timeout(dev);
	assert_false(hm_device_initializing(dev));
	assert_int_equal(pad.nout, 1 + 6 * 2 + 5);
	{
		const int imu[6] = {0, 0, 0, 1000, 0, 0};

		full_report(r, 0, 3500, 2000, 2000, 2000, imu);
	}
	hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 32767);
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_RX), 1000000);
	hm_device_free(dev);
}

static void test_imu(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t r[64];
	/* accel x, y, z, gyro x, y, z */
	const int raw[6] = {4096, -4096, 8192, 1000, -500, 20};
	int ts[9], n = 0;

	(void)state;
	dev = make_ready(&cs, NSW_PRODUCT_JOYCONR, BUS_BLUETOOTH, "Joy-Con (R)");
	full_report(r, 0, 0, 0, 2048, 2000, raw);
	for (int i = 0; i < 3; i++)
		hm_device_process_report(dev, r, NSW_REPORT_SIZE, (uint64_t)i * 15000);
	/*
	 * Factory IMU calibration: accel offset 100, scale 16384 (divisor
	 * 16284); gyro offset 10, scale 13371 (divisor 13361).
	 *   accel 4096: 4096 * 16384 / 16284 = 4121 (4121.15)
	 *   gyro 1000: mult_frac(1000 * 990, 13371, 13361):
	 *     990000 / 13361 = 74 r 1286; 74 * 13371 + 1286 * 13371 / 13361
	 *     = 989454 + 1286 = 990740
	 *   gyro -500: mult_frac(-510000, ...): -38 r -2282;
	 *     -38 * 13371 + (-2282 * 13371) / 13361 = -508098 - 2283 = -510381
	 *   accel 8192: 134217728 / 16284 = 8242 (8242.3)
	 *   gyro 20: mult_frac(10000, ...): 0 r 10000; 10000 * 13371 / 13361
	 *     = 10007 (10007.5)
	 * A right Joy-Con negates Y and Z (accel and gyro).
	 */
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_X), 4121);
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_Y), 4121);
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_Z), -8242);
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_RX), 990740);
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_RY), 510381);
	assert_int_equal(last(&cs, IMU, EV_ABS, ABS_RZ), -10007);
	/* timestamps: 0, 5000, 10000 for the first report; then each report
	 * adds the average interval (15 ms) before its samples */
	for (size_t i = 0; i < cs.n; i++)
		if (cs.ev[i].dev == IMU && cs.ev[i].type == EV_MSC && n < 9)
			ts[n++] = cs.ev[i].value;
	assert_int_equal(n, 9);
	assert_int_equal(ts[0], 0);
	assert_int_equal(ts[1], 5000);
	assert_int_equal(ts[2], 10000);
	assert_int_equal(ts[3], 30000);
	assert_int_equal(ts[5], 40000);
	assert_int_equal(ts[6], 60000);
	/* buttons of a right Joy-Con: SL, SR as BTN_TL, BTN_TL2 */
	full_report(r, NSW_BTN_SL_R | NSW_BTN_HOME, 0, 0, 2048, 2000, raw);
	hm_device_process_report(dev, r, NSW_REPORT_SIZE, 45000);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_TL), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_MODE), 1);
	hm_device_free(dev);
}

/* ---- output ---- */

static void test_rumble_encoding(void **state)
{
	uint8_t d[8];
	static const uint8_t neutral[8] = {0x00, 0x01, 0x40, 0x40, 0x00, 0x01, 0x40, 0x40};

	(void)state;
	/* amplitude 0: row {0x00, 0x0040, 0}; 320 Hz: {0x0001, 0x60, 320};
	 * 160 Hz: {0x8000, 0x40, 160}: 00, 01 + 00, 40 + 00, 40 */
	nsw_rumble_data(d, 0, 0);
	assert_memory_equal(d, neutral, 8);
	/* 0xffff: amplitude 1003, row {0xc8, 0x0072, 1003}: 00 c9 40 72;
	 * 0x8000: 32768 * 1003 / 65535 = 501, row {0x88, 0x0062, 501} */
	nsw_rumble_data(d, 0xffff, 0x8000);
	assert_memory_equal(d, "\x00\xc9\x40\x72\x00\x89\x40\x62", 8);
	/* amplitude 11 lies between rows 10 and 12: the row of 12,
	 * {0x04, 0x0041}; 41 Hz low {0x0000, 0x01}; 82 Hz high {0x0400, 0x21} */
	nsw_rumble_encode(d, 41, 82, 11);
	assert_memory_equal(d, "\x04\x04\x01\x41", 4);
	/* odd rows carry bit 15 of the low word: amplitude 10, {0x02, 0x8040};
	 * 1253 Hz high {0xfc01, 0x00}: fc, 01 + 02, 00 + 80, 40 */
	nsw_rumble_encode(d, 40, 2000, 10);
	assert_memory_equal(d, "\xfc\x03\x81\x40", 4);
}

static void test_rumble_and_leds(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;
	unsigned before;

	(void)state;
	dev = make_ready(&cs, NSW_PRODUCT_PROCON, BUS_USB, "Nintendo Co., Ltd. Pro Controller");
	before = pad.nout;
	/* within 25 ms of the home LED subcommand: waits for the timer */
	dev->module->rumble(dev, GAMEPAD, 0x8000, 0);
	usleep(30 * 1000);
	hm_device_timer(dev, hm_now_usec());
	assert_int_equal(pad.nout, before + 1);
	assert_int_equal(pad.outlen[before], 10);
	assert_int_equal(pad.out[before][0], 0x10);
	assert_int_equal(pad.out[before][1], 12 & 0x0f); /* after 12 subcommands */
	assert_memory_equal(pad.out[before] + 2, "\x00\x89\x40\x62\x00\x01\x40\x40", 8);

	/* player-leds = 3: pattern {1, 1, 1, 0} -> 0x07, after the spacing */
	s.player_leds = 3;
	hm_device_configure(dev, &s);
	usleep(30 * 1000);
	hm_device_timer(dev, hm_now_usec());
	pump(dev);
	assert_int_equal(pad.nout, before + 2);
	check_subcmd(before + 1, 0x30, (const uint8_t *)"\x07", 1);
	/* the subcommand carries the rumble state */
	assert_memory_equal(pad.out[before + 1] + 2, "\x00\x89\x40\x62\x00\x01\x40\x40", 8);
	hm_device_free(dev);
}

static void test_replay_defaults(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t r[64];

	(void)state;
	/* no transport: nothing can answer; defaults, nodes, events */
	dev = make_with(&cs, NSW_PRODUCT_JOYCONL, BUS_BLUETOOTH, "Joy-Con (L)", NULL);
	assert_false(hm_device_initializing(dev));
	full_report(r, NSW_BTN_SR_L | NSW_BTN_UP, 500, 3500, 0, 0, NULL);
	assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), -32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), -32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_TR2), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_DPAD_UP), 1);
	hm_device_free(dev);
}

/* The NSO pads (6.12): no IMU node; a hat; the SNES pad without sticks
 * or rumble, the N64 pad with the left stick, its C buttons and rumble. */
static void test_nso(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	const struct libevdev *gp;
	uint8_t r[64];

	(void)state;
	dev = make_ready(&cs, NSW_PRODUCT_SNES, BUS_BLUETOOTH, "SNES Controller");
	/* over Bluetooth 2017 may be the Genesis pad too (test_genesis_bt):
	 * its node is declared, hidden */
	assert_int_equal(hm_device_noutputs(dev), 2);
	assert_non_null(hm_device_output_handle(dev, GAMEPAD));
	assert_null(hm_device_output_handle(dev, 1));
	gp = hm_device_output_caps(dev, GAMEPAD);
	assert_true(libevdev_has_event_code(gp, EV_ABS, ABS_HAT0Y));
	assert_false(libevdev_has_event_code(gp, EV_ABS, ABS_X));
	assert_false(libevdev_has_event_type(gp, EV_FF));
	assert_true(libevdev_has_event_code(gp, EV_KEY, BTN_TR2));
	/* device info, report mode, player LEDs: no SPI, IMU, vibration, home */
	assert_int_equal(pad.nout, 3);
	check_subcmd(0, 0x02, NULL, 0);
	check_subcmd(1, 0x03, (const uint8_t *)"\x30", 1);
	check_subcmd(2, 0x30, (const uint8_t *)"\x01", 1);
	full_report(r, NSW_BTN_A | NSW_BTN_UP, 0, 0, 0, 0, NULL);
	assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_EAST), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), -1);
	hm_device_free(dev);

	reset(NULL);
	dev = make_ready(&cs, NSW_PRODUCT_N64, BUS_BLUETOOTH, "N64 Controller");
	assert_int_equal(hm_device_noutputs(dev), 1);
	gp = hm_device_output_caps(dev, GAMEPAD);
	assert_true(libevdev_has_event_code(gp, EV_ABS, ABS_X));
	assert_false(libevdev_has_event_code(gp, EV_ABS, ABS_RX));
	assert_true(libevdev_has_event_code(gp, EV_KEY, BTN_C));
	assert_true(libevdev_has_event_code(gp, EV_FF, FF_RUMBLE));
	/* device info, the stick calibration (4 reads), mode, vibration, LEDs */
	assert_int_equal(pad.nout, 8);
	check_subcmd(6, 0x48, (const uint8_t *)"\x01", 1);
	/* C right is the minus bit; the left stick has its user calibration */
	full_report(r, NSW_BTN_MINUS, 2798, 2000, 0, 0, NULL);
	hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_C), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 16383);
	hm_device_free(dev);
}

/* The gyro-mouse action on the IMU node (its declared resolution, 14247
 * per °/s): a pointer output, still while the pad rests, moving when it
 * turns. */
static void test_gyro_mouse(void **state)
{
	struct capture_sink cs;
	struct hm_config *config = NULL;
	struct hm_device_info info = {.bus = BUS_BLUETOOTH,
	                              .vendor = NSW_VENDOR,
	                              .product = NSW_PRODUCT_PROCON,
	                              .version = 0x0200,
	                              .interface = -1};
	struct hm_device_setup setup = {.module = hm_module_find("switch"), .sink = &cs.base};
	struct hm_device *dev = NULL;
	const int still[6] = {0, 0, 4096, 0, 0, 0}, turning[6] = {0, 0, 4096, 0, 1500, 0};
	uint8_t r[64];
	int rel = 0, rel_still = 0;

	(void)state;
	assert_int_equal(config_load_text("[remap t]\nGYRO = gyro-mouse\n", NULL, NULL, &config),
	                 0);
	setup.profile = hm_config_find_profile(config, "t");
	assert_non_null(setup.profile);
	snprintf(info.name, sizeof(info.name), "Pro Controller");
	snprintf(info.path, sizeof(info.path), "/dev/hidraw5");
	capture_init(&cs);
	/* no transport: the defaults, ready at once */
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_int_equal(hm_device_noutputs(dev), 3);
	assert_true(libevdev_has_event_code(hm_device_output_caps(dev, 2), EV_REL, REL_X));
	for (int i = 0; i < 20; i++) {
		full_report(r, 0, 2000, 2000, 2000, 2000, i < 10 ? still : turning);
		cs.n = 0;
		hm_device_process_report(dev, r, NSW_REPORT_SIZE, 1000000 + (uint64_t)i * 15000);
		for (size_t k = 0; k < cs.n; k++)
			if (cs.ev[k].dev == 2 && cs.ev[k].type == EV_REL) {
				if (i < 10)
					rel_still += abs(cs.ev[k].value);
				else
					rel += abs(cs.ev[k].value);
			}
	}
	assert_int_equal(rel_still, 0);
	assert_true(rel > 0);
	hm_device_free(dev);
	hm_config_free(config);
}

/* ---- Joy-Con pairs and sideways use (the issue's rules, no kernel to
 * compare with: the kernel never pairs) ---- */

enum { J_GAMEPAD, J_IMU, J_SIDE, J_COMB, J_COMB_IMU };

/* Which half wrote each output report (the transports' userdata). */
static const void *out_by[64];

static int half_write(void *userdata, const uint8_t *data, size_t size)
{
	if (pad.nout < 64)
		out_by[pad.nout] = userdata;
	return fake_write(userdata, data, size);
}

static const struct hm_transport transport_l = {.write = half_write, .userdata = (void *)"L"};
static const struct hm_transport transport_r = {.write = half_write, .userdata = (void *)"R"};

static struct hm_device *make_half(struct capture_sink *cs, bool left)
{
	struct hm_device *dev =
	    make_with(cs, left ? NSW_PRODUCT_JOYCONL : NSW_PRODUCT_JOYCONR, BUS_BLUETOOTH,
	              left ? "Joy-Con (L)" : "Joy-Con (R)", left ? &transport_l : &transport_r);

	pump(dev);
	assert_false(hm_device_initializing(dev));
	return dev;
}

/* The capture sink's device number of output n, -1: no virtual device. */
static int node(const struct hm_device *dev, unsigned n)
{
	void *h = hm_device_output_handle(dev, n);

	return h ? (int)(uintptr_t)h - 1 : -1;
}

/* the reports' clock: each report 15 ms after the one before */
static uint64_t jc_clock;

static void half_report(struct hm_device *dev, uint32_t btns, unsigned sx, unsigned sy,
                        const int imu[6])
{
	uint8_t r[64];
	bool left = dev->info.product == NSW_PRODUCT_JOYCONL;

	/* each half reports its own stick; the other's field stays 0 */
	full_report(r, btns, left ? sx : 0, left ? sy : 0, left ? 0 : sx, left ? 0 : sy, imu);
	jc_clock += 15000;
	assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, jc_clock), 1);
}

/* Both halves report their buttons (b NULL: only a) for ms milliseconds. */
static void hold(struct hm_device *a, uint32_t ba, struct hm_device *b, uint32_t bb, unsigned ms)
{
	for (unsigned t = 0; t <= ms; t += 30) {
		half_report(a, ba, a->info.product == NSW_PRODUCT_JOYCONL ? 2048 : 1900,
		            a->info.product == NSW_PRODUCT_JOYCONL ? 2000 : 2100, NULL);
		if (b)
			half_report(b, bb, b->info.product == NSW_PRODUCT_JOYCONL ? 2048 : 1900,
			            b->info.product == NSW_PRODUCT_JOYCONL ? 2000 : 2100, NULL);
		else
			jc_clock += 15000;
	}
}

static bool alone(const struct hm_device *dev)
{
	return node(dev, J_GAMEPAD) >= 0 && node(dev, J_IMU) >= 0 && node(dev, J_SIDE) < 0;
}

static bool paired(const struct hm_device *l, const struct hm_device *r)
{
	return node(l, J_GAMEPAD) < 0 && node(l, J_IMU) < 0 && node(l, J_SIDE) < 0 &&
	       node(r, J_GAMEPAD) < 0 && node(r, J_IMU) < 0 && node(r, J_SIDE) < 0 &&
	       node(r, J_COMB) >= 0 && node(r, J_COMB_IMU) >= 0;
}

static void test_pair_hold(void **state)
{
	struct capture_sink csl, csr;
	struct hm_device *l, *r;
	const struct libevdev *caps;
	const int imu[6] = {100, 200, 300, 1000, 2000, 3000};
	size_t before, left_events;
	int comb, comb_imu;

	(void)state;
	l = make_half(&csl, true);
	r = make_half(&csr, false);
	/* single halves as the kernel makes them; the pair's nodes not yet */
	assert_true(alone(l));
	assert_true(alone(r));
	assert_int_equal(node(r, J_COMB), -1);
	assert_int_equal(node(r, J_COMB_IMU), -1);

	/* L alone, then R alone: no pair (both must be held together) */
	half_report(l, NSW_BTN_L, 2048, 2000, NULL);
	half_report(r, 0, 1900, 2100, NULL);
	half_report(l, 0, 2048, 2000, NULL);
	half_report(r, NSW_BTN_R, 1900, 2100, NULL);
	assert_true(alone(l));
	assert_true(alone(r));
	/* ZL on one half with R on the other is no console gesture either */
	half_report(l, NSW_BTN_ZL, 2048, 2000, NULL);
	assert_true(alone(l));
	assert_true(alone(r));
	/* L and R held together briefly (a chord in a game): no pair */
	hold(l, NSW_BTN_L, r, NSW_BTN_R, 500);
	assert_true(alone(l));
	assert_true(alone(r));
	/* L held on the left while R is held on the right, for a second
	 * (the second starting at the later of the two presses): one
	 * controller */
	hold(l, 0, r, 0, 30);
	hold(l, NSW_BTN_L, NULL, 0, 300);
	hold(l, NSW_BTN_L, r, NSW_BTN_R, 900);
	assert_true(alone(l));
	hold(l, NSW_BTN_L, r, NSW_BTN_R, 120);
	assert_true(paired(l, r));
	csl.n = csr.n = 0; /* the captures have room for what follows */
	left_events = csl.n;

	/* the Pro Controller's layout and codes, 057e:2008 */
	comb = node(r, J_COMB);
	comb_imu = node(r, J_COMB_IMU);
	caps = hm_device_output_caps(r, J_COMB);
	assert_string_equal(libevdev_get_name(caps), "Nintendo Switch Combined Joy-Cons");
	assert_int_equal(libevdev_get_id_vendor(caps), 0x057e);
	assert_int_equal(libevdev_get_id_product(caps), 0x2008);
	for (unsigned c = ABS_X; c <= ABS_RY; c++)
		if (c != ABS_Z)
			check_abs(caps, c, -32767, 32767, 250, 500, 0);
	check_abs(caps, ABS_HAT0X, -1, 1, 0, 0, 0);
	{
		static const unsigned pro[] = {
		    BTN_SOUTH, BTN_EAST,   BTN_NORTH, BTN_WEST,   BTN_TL,     BTN_TR,   BTN_TL2,
		    BTN_TR2,   BTN_SELECT, BTN_START, BTN_THUMBL, BTN_THUMBR, BTN_MODE, BTN_Z};

		for (size_t i = 0; i < sizeof(pro) / sizeof(pro[0]); i++)
			assert_true(libevdev_has_event_code(caps, EV_KEY, pro[i]));
		assert_false(libevdev_has_event_code(caps, EV_KEY, BTN_DPAD_UP));
	}
	assert_true(libevdev_has_event_type(caps, EV_FF));
	caps = hm_device_output_caps(r, J_COMB_IMU);
	assert_string_equal(libevdev_get_name(caps), "Nintendo Switch Combined Joy-Cons (IMU)");
	assert_true(libevdev_has_property(caps, INPUT_PROP_ACCELEROMETER));

	/*
	 * The left half's report alone makes a frame on the pair's node:
	 * left stick x 2798 with the left user calibration is 16383 (as in
	 * test_sticks_and_buttons), y 1300 gives 17643; up on the d-pad is
	 * HAT0Y -1, minus is BTN_SELECT.
	 */
	before = csr.n;
	half_report(l, NSW_BTN_UP | NSW_BTN_MINUS | NSW_BTN_L, 2798, 1300, imu);
	assert_true(csr.n > before);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_X), 16383);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_Y), 17643);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_HAT0Y), -1);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_SELECT), 1);
	/* L held since the pairing, on the pair's node from then: no change */
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_TL), -9999);
	assert_int_equal(csr.ev[csr.n - 1].type, EV_SYN);
	/* the left IMU feeds nothing (the pair's motion is the right's) */
	assert_int_equal(last(&csr, comb_imu, EV_ABS, ABS_X), -9999);
	/*
	 * The right half: A is BTN_EAST, home BTN_MODE; its stick with the
	 * right factory calibration: x 100 gives -32767, y 3750 gives
	 * -32767 (test_sticks_and_buttons); the left half's state stays.
	 */
	half_report(r, NSW_BTN_A | NSW_BTN_HOME, 100, 3750, imu);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_EAST), 1);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_MODE), 1);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_TR), 0);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_RX), -32767);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_RY), -32767);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_X), 16383);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_SELECT), 1);
	/* the right half's IMU on the pair's motion node, with its timestamp */
	assert_int_not_equal(last(&csr, comb_imu, EV_ABS, ABS_X), -9999);
	assert_int_equal(last(&csr, comb_imu, EV_MSC, MSC_TIMESTAMP) >= 0, 1);
	/* the left half lets go: its buttons are released on the pair */
	half_report(l, 0, 2048, 2000, NULL);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_SELECT), 0);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_HAT0Y), 0);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_EAST), 1);
	/* nothing on the halves' own (hidden) nodes: the left sink got no
	 * event since the pairing */
	assert_int_equal(csl.n, left_events);

	/* rumble on the pair's node goes to both halves, the same bytes
	 * (strong for the left grip's actuator, weak for the right's) */
	usleep(70 * 1000); /* past the Bluetooth spacing of either half */
	before = pad.nout;
	r->module->rumble(r, J_COMB, 0xffff, 0x8000);
	assert_int_equal(pad.nout, before + 2);
	assert_int_equal(pad.out[before][0], 0x10);
	assert_int_equal(pad.out[before + 1][0], 0x10);
	assert_ptr_not_equal(out_by[before], out_by[before + 1]);
	assert_memory_equal(pad.out[before] + 2, pad.out[before + 1] + 2, 8);
	assert_memory_not_equal(pad.out[before] + 2, "\0\0\0\0\0\0\0\0", 8);

	/* a half that drops (within the grace) lets go of what it held on
	 * the pair's node: the left's d-pad and minus; the right's A is not
	 * brought back by the left's next report */
	half_report(l, NSW_BTN_UP | NSW_BTN_MINUS, 2048, 2000, NULL);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_HAT0Y), -1);
	hm_device_release_all(l);
	assert_int_equal(last(&csr, comb, EV_ABS, ABS_HAT0Y), 0);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_SELECT), 0);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_EAST), 1);
	hm_device_release_all(r);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_EAST), 0);
	half_report(l, NSW_BTN_MINUS, 2048, 2000, NULL);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_EAST), 0);
	assert_int_equal(last(&csr, comb, EV_KEY, BTN_SELECT), 1);

	/* the left half goes for good: the right half is alone again */
	hm_device_free(l);
	assert_true(alone(r));
	assert_int_equal(node(r, J_COMB), -1);
	hm_device_free(r);
}

static void set_pairing(struct hm_device *dev, int how)
{
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;

	s.joycon_pair = how;
	hm_device_configure(dev, &s);
}

static void test_pair_always_and_replug(void **state)
{
	struct capture_sink csl, csr;
	struct hm_device *l, *r;
	struct hm_device_info info;
	void *comb_handle, *comb_imu_handle;

	(void)state;
	/* joycon-pair = off on one half: holding L+R pairs nothing */
	l = make_half(&csl, true);
	r = make_half(&csr, false);
	set_pairing(l, HM_JOYCON_PAIR_OFF);
	hold(l, NSW_BTN_L, r, NSW_BTN_R, 1500);
	assert_true(alone(l));
	assert_true(alone(r));

	/* always on both: paired at the first report, nothing held */
	set_pairing(l, HM_JOYCON_PAIR_ALWAYS);
	set_pairing(r, HM_JOYCON_PAIR_ALWAYS);
	half_report(l, 0, 2048, 2000, NULL);
	assert_true(paired(l, r));
	comb_handle = hm_device_output_handle(r, J_COMB);
	comb_imu_handle = hm_device_output_handle(r, J_COMB_IMU);

	/* the right half drops and comes back within the grace: it
	 * initialises again and the pair, and its virtual devices, stay */
	info = r->info;
	info.version = 0x0200;
	pad.type = 0x02;
	assert_int_equal(hm_device_restart(r, &info), 0);
	pump(r);
	assert_false(hm_device_initializing(r));
	assert_true(paired(l, r));
	assert_ptr_equal(hm_device_output_handle(r, J_COMB), comb_handle);
	assert_ptr_equal(hm_device_output_handle(r, J_COMB_IMU), comb_imu_handle);
	assert_int_equal(csr.removed, 2); /* only the right half's own nodes, hidden when paired */
	half_report(l, NSW_BTN_ZL, 2048, 2000, NULL);
	assert_int_equal(last(&csr, node(r, J_COMB), EV_KEY, BTN_TL2), 1);

	/* the left half drops and comes back: the same */
	info = l->info;
	info.version = 0x0200;
	pad.type = 0x01;
	assert_int_equal(hm_device_restart(l, &info), 0);
	pump(l);
	assert_true(paired(l, r));
	assert_ptr_equal(hm_device_output_handle(r, J_COMB), comb_handle);

	/* the right half (the pair's nodes' owner) goes for good: the left
	 * half is alone again, with its own nodes */
	hm_device_free(r);
	assert_true(alone(l));
	hm_device_free(l);
}

static void test_sideways(void **state)
{
	struct capture_sink cs;
	struct hm_device *r;
	const struct libevdev *caps;
	int side;

	(void)state;
	r = make_half(&cs, false);
	/* SL+SR pressed briefly are the kernel's two buttons (BTN_TL, BTN_TL2) */
	hold(r, NSW_BTN_SL_R | NSW_BTN_SR_R, NULL, 0, 500);
	assert_true(alone(r));
	assert_int_equal(last(&cs, node(r, J_GAMEPAD), EV_KEY, BTN_TL2), 1);
	hold(r, 0, NULL, 0, 30);
	/* SL+SR held for a second (the loop reports over 1.05 s): sideways */
	hold(r, NSW_BTN_SL_R | NSW_BTN_SR_R, NULL, 0, 1050);
	cs.n = 0; /* the capture has room for what follows */
	assert_int_equal(node(r, J_GAMEPAD), -1);
	assert_true(node(r, J_IMU) >= 0);
	side = node(r, J_SIDE);
	assert_true(side >= 0);
	caps = hm_device_output_caps(r, J_SIDE);
	assert_string_equal(libevdev_get_name(caps), "Joy-Con (R) (sideways)");
	assert_true(libevdev_has_event_type(caps, EV_FF));
	assert_false(libevdev_has_event_code(caps, EV_ABS, ABS_RX));
	/*
	 * Turned a quarter clockwise (rail up, stick on the left): X is now
	 * on the right (BTN_EAST), A at the bottom (BTN_SOUTH), Y on top
	 * (BTN_NORTH), B on the left (BTN_WEST); SL/SR the shoulders.
	 * The stick pushed towards the vertical pad's left (x 100: -32767)
	 * now points up (ABS_Y -32767); pushed towards its top (y 3750:
	 * ABS_RY -32767 on the single node) it points right (ABS_X 32767).
	 */
	half_report(r, NSW_BTN_X | NSW_BTN_A | NSW_BTN_SL_R, 100, 3750, NULL);
	assert_int_equal(last(&cs, side, EV_KEY, BTN_EAST), 1);
	assert_int_equal(last(&cs, side, EV_KEY, BTN_SOUTH), 1);
	assert_true(last(&cs, side, EV_KEY, BTN_NORTH) <=
	            0); /* never pressed: no event, or released */
	assert_true(last(&cs, side, EV_KEY, BTN_WEST) <=
	            0); /* never pressed: no event, or released */
	/* SL still held since the turn (no change to send), SR let go */
	assert_int_equal(last(&cs, side, EV_KEY, BTN_TL), -9999);
	assert_int_equal(last(&cs, side, EV_KEY, BTN_TR), 0);
	assert_int_equal(last(&cs, side, EV_ABS, ABS_X), 32767);
	assert_int_equal(last(&cs, side, EV_ABS, ABS_Y), -32767);
	/* a sideways half does not pair */
	{
		struct capture_sink csl;
		struct hm_device *l = make_half(&csl, true);

		hold(l, NSW_BTN_L, r, NSW_BTN_R, 1500);
		assert_true(alone(l));
		assert_int_equal(node(r, J_COMB), -1);
		/* the left one sideways: a quarter anticlockwise, its d-pad
		 * on the right: down east, left south, right north, up west;
		 * the stick towards its top (y 3600: ABS_Y -32767 single)
		 * points left (ABS_X -32767) */
		hold(l, NSW_BTN_SL_L | NSW_BTN_SR_L, NULL, 0, 1050);
		csl.n = 0; /* the capture has room for what follows */
		half_report(l, NSW_BTN_DOWN | NSW_BTN_MINUS, 2048, 3600, NULL);
		side = node(l, J_SIDE);
		assert_true(side >= 0);
		assert_int_equal(last(&csl, side, EV_KEY, BTN_EAST), 1);
		assert_true(last(&csl, side, EV_KEY, BTN_WEST) <=
		            0); /* never pressed: no event, or released */
		assert_int_equal(last(&csl, side, EV_KEY, BTN_START), 1);
		assert_int_equal(last(&csl, side, EV_ABS, ABS_X), -32767);
		assert_int_equal(last(&csl, side, EV_ABS, ABS_Y),
		                 -9999); /* centred: no change to send */
		hm_device_free(l);
	}
	/* SL+SR held again (released, then held a second): back to the
	 * kernel's node */
	half_report(r, 0, 1900, 2100, NULL);
	hold(r, NSW_BTN_SL_R | NSW_BTN_SR_R, NULL, 0, 1050);
	assert_true(alone(r));
	hm_device_free(r);
}

/* gyro-mouse on a pair: the right half's profile turns the pair's motion
 * (the right half's IMU) into pointer motion */
static void test_pair_gyro_mouse(void **state)
{
	struct capture_sink csl, csr;
	struct hm_config *config = NULL;
	struct hm_device_info info = {.bus = BUS_BLUETOOTH, .vendor = NSW_VENDOR, .interface = -1};
	struct hm_device_setup setup = {.module = hm_module_find("switch")};
	struct hm_device *l = NULL, *r = NULL;
	const int still[6] = {0, 0, 4096, 0, 0, 0}, turning[6] = {0, 0, 4096, 0, 1500, 0};
	int rel = 0, rel_still = 0, ptr;

	(void)state;
	assert_int_equal(config_load_text("[remap t]\nGYRO = gyro-mouse\n", NULL, NULL, &config),
	                 0);
	snprintf(info.path, sizeof(info.path), "/dev/hidraw5");
	/* no transport: the defaults, ready at once */
	capture_init(&csl);
	setup.sink = &csl.base;
	info.product = NSW_PRODUCT_JOYCONL;
	snprintf(info.name, sizeof(info.name), "Joy-Con (L)");
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &l), 0);
	capture_init(&csr);
	setup.sink = &csr.base;
	setup.profile = hm_config_find_profile(config, "t");
	info.product = NSW_PRODUCT_JOYCONR;
	snprintf(info.name, sizeof(info.name), "Joy-Con (R)");
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &r), 0);
	set_pairing(l, HM_JOYCON_PAIR_ALWAYS);
	set_pairing(r, HM_JOYCON_PAIR_ALWAYS);
	half_report(l, 0, 2048, 2000, NULL);
	assert_true(paired(l, r));
	/* the pointer: the mapping's output after the module's five */
	ptr = node(r, 5);
	assert_true(ptr >= 0);
	assert_true(libevdev_has_event_code(hm_device_output_caps(r, 5), EV_REL, REL_X));
	for (int i = 0; i < 20; i++) {
		csr.n = 0;
		half_report(r, 0, 2048, 2048, i < 10 ? still : turning);
		for (size_t k = 0; k < csr.n; k++)
			if ((int)csr.ev[k].dev == ptr && csr.ev[k].type == EV_REL) {
				if (i < 10)
					rel_still += abs(csr.ev[k].value);
				else
					rel += abs(csr.ev[k].value);
			}
	}
	assert_int_equal(rel_still, 0);
	assert_true(rel > 0);
	hm_device_free(l);
	hm_device_free(r);
	hm_config_free(config);
}

struct diag_seen {
	char text[256];
};

static void diag_keep(void *userdata, const char *file, unsigned line, const char *message)
{
	struct diag_seen *d = userdata;

	snprintf(d->text, sizeof(d->text), "%s:%u: %s", strrchr(file, '/') + 1, line, message);
}

static void test_pair_config(void **state)
{
	struct hm_config *config = NULL;
	struct diag_seen d = {{0}};

	(void)state;
	assert_int_equal(config_load_text("[device jc]\nmatch = 057e:2006\njoycon-pair = always\n",
	                                  NULL, NULL, &config),
	                 0);
	assert_int_equal(config->devices[0].hardware.joycon_pair, HM_JOYCON_PAIR_ALWAYS);
	hm_config_free(config);
	config = NULL;
	assert_true(config_load_text("[device jc]\nmatch = 057e:2006\n\njoycon-pair = both\n",
	                             diag_keep, &d, &config) < 0);
	assert_non_null(strstr(d.text, ".ini:4: "));
	assert_non_null(strstr(d.text, "'both': expected hold, always or off"));
	hm_config_free(config);
}

/* ---- the charging grip and the Genesis pad over Bluetooth: the
 * device-info reply's type picks the nodes (6.12's joycon_read_info(),
 * joycon_input_create()) ---- */

static bool has_key(const struct libevdev *c, unsigned code)
{
	return libevdev_has_event_code(c, EV_KEY, code);
}

/* The grip's half: 80 02, 80 03, 80 02, 80 04 first (the grip is USB),
 * then the device info; no node before the reply; the half it names,
 * as a single Joy-Con but without SL/SR (6.12: "if
 * (!joycon_device_is_chrggrip(ctlr))" around the _s_ mappings). */
static void test_grip(void **state)
{
	static const char name[] = "Nintendo Co., Ltd. Nintendo Switch Charging Grip";
	struct capture_sink cs;
	uint8_t r[64];

	(void)state;
	for (int right = 0; right <= 1; right++) {
		unsigned gp = right ? 2 : 0, imu = gp + 1, other = right ? 0 : 2;
		const struct libevdev *c;
		struct hm_device *dev;
		bool home = false;

		reset(NULL);
		pad.force_type = right ? 0x02 : 0x01;
		dev = make_with(&cs, NSW_PRODUCT_GRIP, BUS_USB, name, &transport);
		/* left gamepad and IMU, right gamepad and IMU, all hidden */
		assert_int_equal(hm_device_noutputs(dev), 4);
		for (unsigned i = 0; i < 4; i++)
			assert_null(hm_device_output_handle(dev, i));
		pump(dev);
		timeout(dev);
		timeout(dev);
		assert_false(hm_device_initializing(dev));
		assert_int_equal(pad.out[0][0], 0x80);
		assert_int_equal(pad.out[0][1], 0x02);
		assert_int_equal(pad.out[1][1], 0x03);
		assert_int_equal(pad.out[2][1], 0x02);
		assert_int_equal(pad.out[3][1], 0x04);
		assert_int_equal(pad.out[4][1], 0x04); /* its retry */
		check_subcmd(5, 0x02, NULL, 0);
		for (unsigned i = 6; i < pad.nout && i < 64; i++)
			home |= pad.out[i][0] == 0x01 && pad.out[i][10] == 0x38;
		/* the home LED: the right half only (jc_type_has_right) */
		assert_int_equal(home, right);

		assert_non_null(hm_device_output_handle(dev, gp));
		assert_non_null(hm_device_output_handle(dev, imu));
		assert_null(hm_device_output_handle(dev, other));
		assert_null(hm_device_output_handle(dev, other + 1));
		c = hm_device_output_caps(dev, gp);
		assert_string_equal(libevdev_get_name(c), name);
		assert_int_equal(libevdev_get_id_product(c), 0x200e);
		assert_int_equal(libevdev_get_id_version(c), 0x8200);
		assert_string_equal(libevdev_get_name(hm_device_output_caps(dev, imu)),
		                    "Nintendo Co., Ltd. Nintendo Switch Charging Grip (IMU)");
		assert_false(libevdev_has_event_code(c, EV_ABS, ABS_HAT0X));
		assert_true(libevdev_has_event_code(c, EV_FF, FF_RUMBLE));
		if (right) {
			assert_true(libevdev_has_event_code(c, EV_ABS, ABS_RX));
			assert_false(libevdev_has_event_code(c, EV_ABS, ABS_X));
			assert_true(has_key(c, BTN_EAST) && has_key(c, BTN_TR) &&
			            has_key(c, BTN_MODE));
			/* SL, SR of the right Joy-Con alone: BTN_TL, BTN_TL2 */
			assert_false(has_key(c, BTN_TL) || has_key(c, BTN_TL2));
		} else {
			assert_true(libevdev_has_event_code(c, EV_ABS, ABS_X));
			assert_false(libevdev_has_event_code(c, EV_ABS, ABS_RX));
			assert_true(has_key(c, BTN_DPAD_UP) && has_key(c, BTN_TL) &&
			            has_key(c, BTN_Z));
			/* SL, SR of the left Joy-Con alone: BTN_TR, BTN_TR2 */
			assert_false(has_key(c, BTN_TR) || has_key(c, BTN_TR2));
		}

		/* A (or up) with SL and SR of both sides: no SL/SR events */
		full_report(r,
		            (right ? NSW_BTN_A : NSW_BTN_UP) | NSW_BTN_SL_L | NSW_BTN_SR_L |
		                NSW_BTN_SL_R | NSW_BTN_SR_R,
		            2798, 2000, 1900, 2100, NULL);
		cs.n = 0;
		assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0), 1);
		assert_int_equal(last(&cs, node(dev, gp), EV_KEY, right ? BTN_EAST : BTN_DPAD_UP),
		                 1);
		assert_int_equal(last(&cs, node(dev, gp), EV_KEY, right ? BTN_TL : BTN_TR), -9999);
		/* the left stick's user calibration (as test_nso's N64 pad) */
		if (!right)
			assert_int_equal(last(&cs, node(dev, gp), EV_ABS, ABS_X), 16383);
		/* a grip half never pairs nor turns sideways: no such outputs */
		hm_device_free(dev);
	}
}

/* A grip that does not answer the USB handshake fails (6.12: "Failed
 * charging grip handshake"), as one whose device info names no Joy-Con:
 * no device info asked for, no nodes; the core's limit drops it. */
static void test_grip_faults(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	pad.mode = SWP_NO_USB;
	dev = make_with(&cs, NSW_PRODUCT_GRIP, BUS_USB, "Grip", &transport);
	pump(dev);
	timeout(dev);
	timeout(dev);
	assert_true(hm_device_initializing(dev));
	assert_int_equal(pad.nout, 2); /* 80 02 and its retry, nothing after */
	for (unsigned i = 0; i < 4; i++)
		assert_null(hm_device_output_handle(dev, i));
	hm_device_free(dev);

	reset(NULL);
	pad.force_type = 0x03; /* a Pro Controller's type */
	dev = make_with(&cs, NSW_PRODUCT_GRIP, BUS_USB, "Grip", &transport);
	pump(dev);
	timeout(dev);
	timeout(dev);
	assert_true(hm_device_initializing(dev));
	check_subcmd(pad.nout - 1, 0x02, NULL, 0);
	for (unsigned i = 0; i < 4; i++)
		assert_null(hm_device_output_handle(dev, i));
	hm_device_free(dev);

	/* no transport (a replay): the left half's nodes */
	reset(NULL);
	dev = make_with(&cs, NSW_PRODUCT_GRIP, BUS_USB, "Grip", NULL);
	assert_false(hm_device_initializing(dev));
	assert_non_null(hm_device_output_handle(dev, 0));
	assert_null(hm_device_output_handle(dev, 2));
	hm_device_free(dev);
}

/* The Genesis pad over Bluetooth says 2017, the SNES pad's ID; its device
 * info's type 0x0d gives it the Genesis pad's node (6.12's
 * joycon_read_info(): "Over USB, it will report the PID as 0x201E, but
 * over bluetooth it will report the PID as 0x2017"). */
static void test_genesis_bt(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	const struct libevdev *c;
	uint8_t r[64];

	(void)state;
	pad.force_type = 0x0d;
	dev = make_with(&cs, NSW_PRODUCT_SNES, BUS_BLUETOOTH, "MD/Gen Control Pad", &transport);
	pump(dev);
	assert_false(hm_device_initializing(dev));
	assert_null(hm_device_output_handle(dev, 0));
	assert_non_null(hm_device_output_handle(dev, 1));
	c = hm_device_output_caps(dev, 1);
	assert_string_equal(libevdev_get_name(c), "MD/Gen Control Pad");
	assert_int_equal(libevdev_get_id_product(c), 0x2017);
	/* 6.12's gencon map: A B C Mode Start Home Capture, no SNES X/L/R */
	assert_true(has_key(c, BTN_SOUTH) && has_key(c, BTN_WEST) && has_key(c, BTN_SELECT) &&
	            has_key(c, BTN_MODE) && has_key(c, BTN_Z));
	assert_false(has_key(c, BTN_NORTH) || has_key(c, BTN_TL) || has_key(c, BTN_TR2));
	/* device info, report mode, player LEDs: as the Genesis pad on USB */
	assert_int_equal(pad.nout, 3);
	/* C is the R bit: BTN_WEST */
	full_report(r, NSW_BTN_R, 0, 0, 0, 0, NULL);
	assert_int_equal(hm_device_process_report(dev, r, NSW_REPORT_SIZE, 0), 1);
	assert_int_equal(last(&cs, node(dev, 1), EV_KEY, BTN_WEST), 1);
	assert_int_equal(last(&cs, node(dev, 1), EV_KEY, BTN_TR), -9999);
	hm_device_free(dev);
}

/* The last player-LED subcommand argument sent by a half ("L" or "R"),
 * -1: none since index from. */
static int leds_of(const char *who, unsigned from)
{
	int v = -1;

	for (unsigned i = from; i < pad.nout && i < 64; i++)
		if (out_by[i] == (const void *)who && pad.out[i][0] == 0x01 &&
		    pad.out[i][10] == 0x30)
			v = pad.out[i][11];
	return v;
}

static void leds_settle(struct hm_device *l, struct hm_device *r)
{
	usleep(70 * 1000); /* the Bluetooth spacing, 60 ms */
	hm_device_timer(r, hm_now_usec());
	pump(r);
	if (l) {
		hm_device_timer(l, hm_now_usec());
		pump(l);
	}
}

/* A pair is one player: both halves show the pair's number (the lower of
 * the halves', or the right half's player-leds), each its own again when
 * the pair ends. */
static void test_pair_leds(void **state)
{
	struct capture_sink csl, csr;
	struct hm_device *l, *r;
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;
	int own_l, own_r;
	unsigned from;

	(void)state;
	l = make_half(&csl, true);
	r = make_half(&csr, false);
	own_l = leds_of("L", 0);
	own_r = leds_of("R", 0);
	/* plug order: the left half has the lower number */
	assert_true(own_l > 0 && own_r > 0 && own_l != own_r);

	from = pad.nout;
	set_pairing(l, HM_JOYCON_PAIR_ALWAYS);
	set_pairing(r, HM_JOYCON_PAIR_ALWAYS);
	half_report(l, 0, 2048, 2000, NULL);
	assert_true(paired(l, r));
	leds_settle(l, r);
	assert_int_equal(leds_of("R", from), own_l);
	assert_int_equal(leds_of("L", from), -1); /* it shows that already */

	/* player-leds = 5 in the right half's section: {1, 0, 0, 1} on both */
	from = pad.nout;
	s.joycon_pair = HM_JOYCON_PAIR_ALWAYS;
	s.player_leds = 5;
	hm_device_configure(r, &s);
	leds_settle(l, r);
	assert_int_equal(leds_of("R", from), 0x09);
	assert_int_equal(leds_of("L", from), 0x09);

	/* the left half goes: the right shows its own setting again */
	from = pad.nout;
	s.player_leds = -1;
	hm_device_configure(r, &s);
	hm_device_free(l);
	leds_settle(NULL, r);
	assert_int_equal(leds_of("R", from), own_r);
	hm_device_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_usb_init_sequence, reset),
	    cmocka_unit_test_setup(test_nodes, reset),
	    cmocka_unit_test_setup(test_bt_and_usb_silence, reset),
	    cmocka_unit_test_setup(test_never_answers, reset),
	    cmocka_unit_test_setup(test_disconnect_during_init, reset),
	    cmocka_unit_test_setup(test_sticks_and_buttons, reset),
	    cmocka_unit_test_setup(test_bad_calibration_defaults, reset),
	    cmocka_unit_test_setup(test_imu, reset),
	    cmocka_unit_test_setup(test_rumble_encoding, reset),
	    cmocka_unit_test_setup(test_rumble_and_leds, reset),
	    cmocka_unit_test_setup(test_replay_defaults, reset),
	    cmocka_unit_test_setup(test_gyro_mouse, reset),
	    cmocka_unit_test_setup(test_nso, reset),
	    cmocka_unit_test_setup(test_pair_hold, reset),
	    cmocka_unit_test_setup(test_pair_always_and_replug, reset),
	    cmocka_unit_test_setup(test_sideways, reset),
	    cmocka_unit_test_setup(test_pair_config, reset),
	    cmocka_unit_test_setup(test_pair_gyro_mouse, reset),
	    cmocka_unit_test_setup(test_grip, reset),
	    cmocka_unit_test_setup(test_grip_faults, reset),
	    cmocka_unit_test_setup(test_genesis_bt, reset),
	    cmocka_unit_test_setup(test_pair_leds, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
