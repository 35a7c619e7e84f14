/* SPDX-License-Identifier: MIT */
/*
 * The dualsense module against the DualSense's documented report layout
 * (hid-playstation.c struct dualsense_input_report and
 * dualsense_output_report_common, as summarised in the project's vendor
 * research note) and what Debian 12's hid-playstation was seen to create
 * and emit under uhid (the research note's ds5usb, ds5bt, ds5edgeusb and
 * ds5usb-zerocal scenarios): node names, ids, absinfo, the events of the
 * same report with the same feature replies, the probe's output reports.
 * Expected numbers come from the layout and the kernel's formulas,
 * worked out in the comments; CRCs are computed with the bit-by-bit
 * reference in tests/lib/playstation-reports.h, not the module's zlib.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "event-loop.h"
#include "module-select.h"
#include "playstation-reports.h"
#include "stderr-capture.h"

#define NAME_USB  "Sony Interactive Entertainment DualSense Wireless Controller"
#define NAME_BT   "DualSense Wireless Controller"
#define NAME_EDGE "Sony Interactive Entertainment DualSense Edge Wireless Controller"

enum { GAMEPAD, SENSORS, TOUCHPAD };

/* ---- the fake device: canned feature replies, outputs recorded ---- */

enum reply_mode {
	REPLY_CANNED,    /* the research harness's replies (vendor-oracle-poc) */
	REPLY_ZERO_CAL,  /* calibration all zero (ds5usb-zerocal) */
	REPLY_SHORT_CAL, /* calibration one byte short */
	REPLY_EIO,       /* every GET fails */
	REPLY_BAD_CRC,   /* BT: the calibration's CRC is wrong */
	REPLY_OLD_FW,    /* update version 2.20: no vibration v2 */
	REPLY_BIASED,    /* gyro biases and an asymmetric accelerometer */
};

static struct {
	bool bt;
	enum reply_mode mode;
	uint8_t get_ids[8];
	unsigned nget;
	uint8_t out[16][80];
	size_t outlen[16];
	unsigned nout;
} fk;

/* gyro bias 0, limits +-8000, speed 540 + 540, accelerometer +-8192 */
static void canned_calibration(uint8_t *b)
{
	for (int i = 0; i < 3; i++) {
		psr_put_le16(b + 1 + 2 * i, 0);
		psr_put_le16(b + 7 + 4 * i, 8000);
		psr_put_le16(b + 9 + 4 * i, -8000);
		psr_put_le16(b + 23 + 4 * i, 8192);
		psr_put_le16(b + 25 + 4 * i, -8192);
	}
	psr_put_le16(b + 19, 540);
	psr_put_le16(b + 21, 540);
}

static int fake_get_feature(void *userdata, uint8_t *b, size_t size)
{
	uint8_t id = b[0];
	size_t n;

	(void)userdata;
	if (fk.nget < 8)
		fk.get_ids[fk.nget] = id;
	fk.nget++;
	if (fk.mode == REPLY_EIO)
		return -EIO;
	memset(b, 0, size);
	b[0] = id;
	switch (id) {
	case 0x09:
		n = 20;
		memcpy(b + 1, "\x11\x22\x33\x44\x55\x66", 6);
		break;
	case 0x20:
		n = 64;
		psr_put_le32(b + 24, 0x0515);
		psr_put_le32(b + 28, 0x0110);
		psr_put_le16(b + 44, fk.mode == REPLY_OLD_FW ? 0x0214 : 0x0224);
		break;
	case 0x05:
		n = 41;
		if (fk.mode != REPLY_ZERO_CAL)
			canned_calibration(b);
		if (fk.mode == REPLY_SHORT_CAL)
			n = 40;
		if (fk.mode == REPLY_BIASED) {
			psr_put_le16(b + 1, 10);     /* pitch bias */
			psr_put_le16(b + 3, -20);    /* yaw bias */
			psr_put_le16(b + 23, 8300);  /* accel x+ */
			psr_put_le16(b + 25, -8084); /* accel x- */
		}
		break;
	default:
		return -EIO;
	}
	if (n > size)
		return -EMSGSIZE;
	if (fk.bt)
		psr_seal(0xa3, b, n);
	if (fk.bt && fk.mode == REPLY_BAD_CRC && id == 0x05)
		b[n - 1] ^= 0xff;
	return (int)n;
}

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	if (fk.nout < 16 && size <= 80) {
		memcpy(fk.out[fk.nout], data, size);
		fk.outlen[fk.nout] = size;
	}
	fk.nout++;
	return (int)size;
}

static const struct hm_transport transport = {.write = fake_write, .get_feature = fake_get_feature};

static int reset(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	return 0;
}

static struct hm_device *make_with(struct capture_sink *cs, uint16_t product, uint16_t bus,
                                   const char *name, const struct hm_transport *t)
{
	struct hm_device_info info = {
	    .bus = bus, .vendor = 0x054c, .product = product, .version = 0x0100, .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain, .sink = &cs->base, .transport = t};
	struct hm_device *dev = NULL;

	snprintf(info.name, sizeof(info.name), "%s", name);
	snprintf(info.path, sizeof(info.path), "/dev/hidraw7");
	fk.bt = bus == BUS_BLUETOOTH;
	capture_init(cs);
	/* chosen as the daemon chooses: by the registry's id tables */
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_string_equal(dev->module->name, "dualsense");
	return dev;
}

static struct hm_device *make(struct capture_sink *cs, bool bt)
{
	return make_with(cs, 0x0ce6, bt ? BUS_BLUETOOTH : BUS_USB, bt ? NAME_BT : NAME_USB,
	                 &transport);
}

/* ---- input reports ---- */

/* the common report (payload) at rest: sticks centred, hat released,
 * both touch points inactive */
static void neutral(uint8_t *p)
{
	memset(p, 0, 63);
	p[0] = p[1] = p[2] = p[3] = 0x80;
	p[7] = 0x08;
	p[32] = 0x80;
	p[36] = 0x80;
}

static size_t wrap(uint8_t *r, const uint8_t *p, bool bt)
{
	if (!bt) {
		r[0] = 0x01;
		memcpy(r + 1, p, 63);
		return 64;
	}
	memset(r, 0, 78);
	r[0] = 0x31;
	memcpy(r + 2, p, 63);
	psr_seal(0xa1, r, 78);
	return 78;
}

static int send(struct hm_device *dev, const uint8_t *p, bool bt)
{
	uint8_t r[80];
	size_t n = wrap(r, p, bt);

	return hm_device_process_report(dev, r, n, 0);
}

/* The value of the last event (out, type, code) since the sink's start, or
 * -9999 if none. */
static int last(const struct capture_sink *cs, unsigned out, unsigned type, unsigned code)
{
	int v = -9999;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->ev[i].dev == out && cs->ev[i].type == type && cs->ev[i].code == code)
			v = cs->ev[i].value;
	return v;
}

static unsigned count_type(const struct capture_sink *cs, unsigned out, unsigned type)
{
	unsigned n = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->ev[i].dev == out && cs->ev[i].type == type)
			n++;
	return n;
}

/* ---- nodes ---- */

static void check_abs(const struct libevdev *c, unsigned code, int min, int max, int fuzz, int flat,
                      int res)
{
	const struct input_absinfo *a = libevdev_get_abs_info(c, code);

	assert_true(libevdev_has_event_code(c, EV_ABS, code));
	assert_non_null(a);
	assert_int_equal(a->minimum, min);
	assert_int_equal(a->maximum, max);
	assert_int_equal(a->fuzz, fuzz);
	assert_int_equal(a->flat, flat);
	assert_int_equal(a->resolution, res);
}

static unsigned count_codes(const struct libevdev *c, unsigned type, unsigned max)
{
	unsigned n = 0;

	for (unsigned code = 0; code <= max; code++)
		n += libevdev_has_event_code(c, type, code);
	return n;
}

static void check_ids(const struct libevdev *c, uint16_t bus, uint16_t product)
{
	assert_int_equal(libevdev_get_id_bustype(c), bus);
	assert_int_equal(libevdev_get_id_vendor(c), 0x054c);
	assert_int_equal(libevdev_get_id_product(c), product);
	/* the kernel's ver=8100 for a HID version 0x0100 */
	assert_int_equal(libevdev_get_id_version(c), 0x8100);
}

/* What 6.1 hid-playstation created in the VM (research note §2, ds5usb). */
static void check_nodes(struct hm_device *dev, const char *name, uint16_t bus, uint16_t product,
                        bool edge)
{
	static const unsigned buttons[] = {BTN_SOUTH, BTN_EAST,   BTN_NORTH, BTN_WEST,   BTN_TL,
	                                   BTN_TR,    BTN_TL2,    BTN_TR2,   BTN_SELECT, BTN_START,
	                                   BTN_MODE,  BTN_THUMBL, BTN_THUMBR};
	const struct libevdev *g, *s, *t;
	char want[256];

	assert_int_equal(hm_device_noutputs(dev), 3);
	g = hm_device_output_caps(dev, GAMEPAD);
	s = hm_device_output_caps(dev, SENSORS);
	t = hm_device_output_caps(dev, TOUCHPAD);

	/* the gamepad: the HID name, sticks and triggers 0..255 (no flat),
	 * the hat, 13 buttons, rumble */
	assert_string_equal(libevdev_get_name(g), name);
	check_ids(g, bus, product);
	for (unsigned code = ABS_X; code <= ABS_RZ; code++)
		check_abs(g, code, 0, 255, 0, 0, 0);
	check_abs(g, ABS_HAT0X, -1, 1, 0, 0, 0);
	check_abs(g, ABS_HAT0Y, -1, 1, 0, 0, 0);
	assert_int_equal(count_codes(g, EV_ABS, ABS_MAX), 8);
	/* sticks start centred (no ABS_X event for a centred stick in the
	 * kernel's capture), triggers at 0 */
	assert_int_equal(libevdev_get_abs_info(g, ABS_X)->value, 128);
	assert_int_equal(libevdev_get_abs_info(g, ABS_RY)->value, 128);
	assert_int_equal(libevdev_get_abs_info(g, ABS_Z)->value, 0);
	for (size_t i = 0; i < sizeof(buttons) / sizeof(buttons[0]); i++)
		assert_true(libevdev_has_event_code(g, EV_KEY, buttons[i]));
	assert_int_equal(count_codes(g, EV_KEY, KEY_MAX), edge ? 17 : 13);
	for (unsigned code = BTN_TRIGGER_HAPPY1; code <= BTN_TRIGGER_HAPPY4; code++)
		assert_int_equal(libevdev_has_event_code(g, EV_KEY, code), edge);
	assert_true(libevdev_has_event_code(g, EV_FF, FF_RUMBLE));
	assert_false(libevdev_has_event_type(g, EV_MSC));
	assert_int_equal(count_codes(g, EV_REL, REL_MAX), 0);

	/* Motion Sensors: accelerometer +-4 g at 8192/g, gyro +-2048 dps at
	 * 1024 per dps, fuzz 16, MSC_TIMESTAMP, INPUT_PROP_ACCELEROMETER */
	snprintf(want, sizeof(want), "%s Motion Sensors", name);
	assert_string_equal(libevdev_get_name(s), want);
	check_ids(s, bus, product);
	assert_true(libevdev_has_property(s, INPUT_PROP_ACCELEROMETER));
	for (unsigned code = ABS_X; code <= ABS_Z; code++)
		check_abs(s, code, -32768, 32768, 16, 0, 8192);
	for (unsigned code = ABS_RX; code <= ABS_RZ; code++)
		check_abs(s, code, -2097152, 2097152, 16, 0, 1024);
	assert_int_equal(count_codes(s, EV_ABS, ABS_MAX), 6);
	assert_true(libevdev_has_event_code(s, EV_MSC, MSC_TIMESTAMP));
	assert_false(libevdev_has_event_type(s, EV_KEY));

	/* Touchpad: 1920 x 1080, 2 slots, pointer + buttonpad */
	snprintf(want, sizeof(want), "%s Touchpad", name);
	assert_string_equal(libevdev_get_name(t), want);
	check_ids(t, bus, product);
	assert_true(libevdev_has_property(t, INPUT_PROP_POINTER));
	assert_true(libevdev_has_property(t, INPUT_PROP_BUTTONPAD));
	assert_false(libevdev_has_property(t, INPUT_PROP_DIRECT));
	check_abs(t, ABS_X, 0, 1919, 0, 0, 0);
	check_abs(t, ABS_Y, 0, 1079, 0, 0, 0);
	check_abs(t, ABS_MT_POSITION_X, 0, 1919, 0, 0, 0);
	check_abs(t, ABS_MT_POSITION_Y, 0, 1079, 0, 0, 0);
	check_abs(t, ABS_MT_SLOT, 0, 1, 0, 0, 0);
	check_abs(t, ABS_MT_TRACKING_ID, 0, 65535, 0, 0, 0);
	assert_int_equal(count_codes(t, EV_ABS, ABS_MAX), 6);
	/* keys 0x110 0x145 0x14a 0x14d */
	assert_true(libevdev_has_event_code(t, EV_KEY, BTN_LEFT));
	assert_true(libevdev_has_event_code(t, EV_KEY, BTN_TOOL_FINGER));
	assert_true(libevdev_has_event_code(t, EV_KEY, BTN_TOUCH));
	assert_true(libevdev_has_event_code(t, EV_KEY, BTN_TOOL_DOUBLETAP));
	assert_int_equal(count_codes(t, EV_KEY, KEY_MAX), 4);
}

static void test_nodes_usb(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);

	(void)state;
	check_nodes(dev, NAME_USB, BUS_USB, 0x0ce6, false);
	/* the kernel's order: pairing info, firmware info, calibration */
	assert_int_equal(fk.nget, 3);
	assert_int_equal(fk.get_ids[0], 0x09);
	assert_int_equal(fk.get_ids[1], 0x20);
	assert_int_equal(fk.get_ids[2], 0x05);
	assert_false(hm_device_initializing(dev));
}

static void test_nodes_bt(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, true);

	(void)state;
	check_nodes(dev, NAME_BT, BUS_BLUETOOTH, 0x0ce6, false);
}

static void test_nodes_edge(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev =
	    make_with(&cs, 0x0df2, BUS_USB, NAME_EDGE, &transport);

	(void)state;
	check_nodes(dev, NAME_EDGE, BUS_USB, 0x0df2, true);
	/* the issue: the Edge's motion node name is exactly 80 characters */
	assert_int_equal(strlen(libevdev_get_name(hm_device_output_caps(dev, SENSORS))), 80);
}

/* ---- the kernel's events for the research harness's report ---- */

/* ds5usb / ds5bt / ds5edgeusb: sticks centred, L2 0x10, R2 0x20, Cross,
 * gyro x 160, accel y 8192, timestamp 3000, one finger (contact 5) at
 * (100, 200), status 0x08; the kernel emitted
 *   gamepad  ABS_Z 16, ABS_RZ 32, BTN_SOUTH 1
 *   sensors  ABS_RX 11059, ABS_Y 8192, MSC_TIMESTAMP 1000
 *   touchpad ABS_MT_TRACKING_ID 0, ABS_MT_POSITION_X 100, _Y 200,
 *            BTN_TOUCH 1, BTN_TOOL_FINGER 1, ABS_X 100, ABS_Y 200 */
static void poc_report(uint8_t *p, bool edge)
{
	neutral(p);
	p[4] = 0x10;
	p[5] = 0x20;
	p[7] = 0x28;
	if (edge)
		p[9] = 0xf0;
	psr_put_le16(p + 15, 160);
	psr_put_le16(p + 23, 8192);
	psr_put_le32(p + 27, 3000);
	p[32] = 0x05;
	p[33] = 100;
	p[34] = (200 & 0xf) << 4;
	p[35] = 200 >> 4;
	p[52] = 0x08;
}

struct ev {
	unsigned out, type, code;
	int value;
};

static void check_events(const struct capture_sink *cs, const struct ev *want, size_t n)
{
	size_t got = 0;

	for (size_t i = 0; i < cs->n; i++) {
		if (cs->ev[i].type == EV_SYN)
			continue;
		assert_true(got < n);
		assert_int_equal(cs->ev[i].dev, want[got].out);
		assert_int_equal(cs->ev[i].type, want[got].type);
		assert_int_equal(cs->ev[i].code, want[got].code);
		assert_int_equal(cs->ev[i].value, want[got].value);
		got++;
	}
	assert_int_equal(got, n);
}

static const struct ev kernel_events[] = {
    {GAMEPAD, EV_ABS, ABS_Z, 16},
    {GAMEPAD, EV_ABS, ABS_RZ, 32},
    {GAMEPAD, EV_KEY, BTN_SOUTH, 1},
    {SENSORS, EV_ABS, ABS_RX, 11059},
    {SENSORS, EV_ABS, ABS_Y, 8192},
    {SENSORS, EV_MSC, MSC_TIMESTAMP, 1000},
    {TOUCHPAD, EV_ABS, ABS_MT_TRACKING_ID, 0},
    {TOUCHPAD, EV_ABS, ABS_MT_POSITION_X, 100},
    {TOUCHPAD, EV_ABS, ABS_MT_POSITION_Y, 200},
    {TOUCHPAD, EV_KEY, BTN_TOUCH, 1},
    {TOUCHPAD, EV_KEY, BTN_TOOL_FINGER, 1},
    {TOUCHPAD, EV_ABS, ABS_X, 100},
    {TOUCHPAD, EV_ABS, ABS_Y, 200},
};
#define NKERNEL (sizeof(kernel_events) / sizeof(kernel_events[0]))

static void run_kernel_report(bool bt, uint16_t product, const char *name, bool edge)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev =
	    make_with(&cs, product, bt ? BUS_BLUETOOTH : BUS_USB, name, &transport);
	struct ev want[NKERNEL + 4];
	size_t n = 0;
	uint8_t p[63];
	int percent;
	enum hm_battery_status st;

	for (size_t i = 0; i < NKERNEL; i++) {
		want[n++] = kernel_events[i];
		/* hidmapd exceeds 6.1 there: the Edge's Fn and paddle bits */
		if (edge && i == 2)
			for (unsigned k = 0; k < 4; k++)
				want[n++] = (struct ev){GAMEPAD, EV_KEY, BTN_TRIGGER_HAPPY1 + k, 1};
	}
	poc_report(p, edge);
	cs.n = 0;
	assert_int_equal(send(dev, p, bt), 1);
	check_events(&cs, want, n);
	/* status 0x08: discharging, 8 * 10 + 5 % */
	assert_true(hm_device_get_battery(dev, &percent, &st));
	assert_int_equal(percent, 85);
	assert_int_equal(st, HM_BATTERY_DISCHARGING);
}

static void test_kernel_events_usb(void **state)
{
	(void)state;
	run_kernel_report(false, 0x0ce6, NAME_USB, false);
}

static void test_kernel_events_bt(void **state)
{
	(void)state;
	run_kernel_report(true, 0x0ce6, NAME_BT, false);
}

static void test_kernel_events_edge(void **state)
{
	(void)state;
	run_kernel_report(false, 0x0df2, NAME_EDGE, true);
}

/* ---- buttons, hat, sticks ---- */

static void test_buttons(void **state)
{
	/* payload byte, bit, code: the documented layout (bytes 7-9) */
	static const struct {
		unsigned byte, bit, out, code;
	} map[] = {
	    {7, 4, GAMEPAD, BTN_WEST},  {7, 5, GAMEPAD, BTN_SOUTH},  {7, 6, GAMEPAD, BTN_EAST},
	    {7, 7, GAMEPAD, BTN_NORTH}, {8, 0, GAMEPAD, BTN_TL},     {8, 1, GAMEPAD, BTN_TR},
	    {8, 2, GAMEPAD, BTN_TL2},   {8, 3, GAMEPAD, BTN_TR2},    {8, 4, GAMEPAD, BTN_SELECT},
	    {8, 5, GAMEPAD, BTN_START}, {8, 6, GAMEPAD, BTN_THUMBL}, {8, 7, GAMEPAD, BTN_THUMBR},
	    {9, 0, GAMEPAD, BTN_MODE},  {9, 1, TOUCHPAD, BTN_LEFT},
	};
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		neutral(p);
		p[map[i].byte] |= (uint8_t)(1u << map[i].bit);
		cs.n = 0;
		assert_int_equal(send(dev, p, false), 1);
		/* exactly this key goes down */
		assert_int_equal(
		    count_type(&cs, GAMEPAD, EV_KEY) + count_type(&cs, TOUCHPAD, EV_KEY), 1);
		assert_int_equal(last(&cs, map[i].out, EV_KEY, map[i].code), 1);
		neutral(p);
		cs.n = 0;
		assert_int_equal(send(dev, p, false), 1);
		assert_int_equal(last(&cs, map[i].out, EV_KEY, map[i].code), 0);
	}
	/* the Edge bits mean nothing on a DualSense: 6.1 drops them */
	neutral(p);
	p[9] = 0xf0;
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(count_type(&cs, GAMEPAD, EV_KEY), 0);
}

static void test_edge_paddles(void **state)
{
	static const unsigned code[4] = {BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY2, BTN_TRIGGER_HAPPY3,
	                                 BTN_TRIGGER_HAPPY4};
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev =
	    make_with(&cs, 0x0df2, BUS_BLUETOOTH, "DualSense Edge Wireless Controller", &transport);
	uint8_t p[63];

	(void)state;
	/* byte 9: bit 4 Fn left, 5 Fn right, 6 left paddle, 7 right paddle */
	for (unsigned b = 0; b < 4; b++) {
		neutral(p);
		p[9] = (uint8_t)(0x10 << b);
		cs.n = 0;
		assert_int_equal(send(dev, p, true), 1);
		assert_int_equal(count_type(&cs, GAMEPAD, EV_KEY), 1);
		assert_int_equal(last(&cs, GAMEPAD, EV_KEY, code[b]), 1);
		neutral(p);
		cs.n = 0;
		assert_int_equal(send(dev, p, true), 1);
		assert_int_equal(last(&cs, GAMEPAD, EV_KEY, code[b]), 0);
	}
}

static void test_hat(void **state)
{
	/* 0 = N, clockwise; 8 and above released (the layout table) */
	static const int want[16][2] = {
	    {0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1},
	    {0, 0},  {0, 0},  {0, 0}, {0, 0}, {0, 0}, {0, 0},  {0, 0},  {0, 0},
	};
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, true);
	uint8_t p[63];

	(void)state;
	for (unsigned d = 0; d < 16; d++) {
		neutral(p);
		p[7] = (uint8_t)d;
		/* from the other side, so both axes change every time */
		cs.n = 0;
		assert_int_equal(send(dev, p, true), 1);
		if (want[d][0] != 0)
			assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), want[d][0]);
		if (want[d][1] != 0)
			assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), want[d][1]);
		assert_int_equal(count_type(&cs, GAMEPAD, EV_KEY), 0);
		/* back to released: what moved comes back to 0 */
		neutral(p);
		cs.n = 0;
		assert_int_equal(send(dev, p, true), 1);
		if (want[d][0] != 0)
			assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 0);
		if (want[d][1] != 0)
			assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), 0);
		if (want[d][0] == 0 && want[d][1] == 0)
			assert_int_equal(count_type(&cs, GAMEPAD, EV_ABS), 0);
	}
}

static void test_sticks_triggers(void **state)
{
	static const unsigned code[6] = {ABS_X, ABS_Y, ABS_RX, ABS_RY, ABS_Z, ABS_RZ};
	static const uint8_t values[] = {0, 1, 0x7f, 0x81, 0xfe, 0xff};
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	/* payload bytes 0-5: LX, LY, RX, RY, L2, R2, the raw u8 */
	for (unsigned axis = 0; axis < 6; axis++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			neutral(p);
			assert_int_equal(send(dev, p, false), 1);
			p[axis] = values[v];
			cs.n = 0;
			assert_int_equal(send(dev, p, false), 1);
			/* a trigger at 0 is where it rests: no change, no event */
			if (axis >= 4 && values[v] == 0)
				assert_int_equal(count_type(&cs, GAMEPAD, EV_ABS), 0);
			else
				assert_int_equal(last(&cs, GAMEPAD, EV_ABS, code[axis]), values[v]);
		}
	}
}

/* ---- calibration ---- */

static void test_calibration_math(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	/*
	 * gyro: numer = (540 + 540) * 1024 = 1105920, denom 8000 - -8000 =
	 * 16000, bias 0; mult_frac: q = 69, r = 1920, so raw n gives
	 * 69 n + 1920 n / 16000: 160 -> 11040 + 19 = 11059, -160 -> -11059,
	 * 32767 -> 2260923 + 3932 = 2264855 (past the range: unclamped).
	 * accelerometer: range_2g 16384, bias 8192 - 8192 = 0, numer 16384:
	 * raw n gives n; -8192 -> -8192.
	 */
	neutral(p);
	psr_put_le16(p + 15, 160);
	psr_put_le16(p + 17, -160);
	psr_put_le16(p + 19, 32767);
	psr_put_le16(p + 21, -8192);
	psr_put_le16(p + 23, 100);
	psr_put_le16(p + 25, -32768);
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RX), 11059);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RY), -11059);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RZ), 2264855);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_X), -8192);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_Y), 100);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_Z), -32768);
}

/* 6.1's dualsense_get_calibration_data(): the gyro keeps its bias,
 * denominator plus - minus; the accelerometer's bias is plus - range / 2.
 * (Newer kernels drop the gyro bias: 160 would give 11059.)  Debian's
 * 6.1.0-57 hid-playstation under uhid, fed these very replies and this
 * report, emitted ABS_RX 10368, ABS_RY -9676, ABS_X 8192. */
static void test_calibration_bias(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = NULL;
	uint8_t p[63];

	(void)state;
	fk.mode = REPLY_BIASED;
	dev = make(&cs, false);
	neutral(p);
	psr_put_le16(p + 15, 160);  /* (160 - 10): 69 * 150 + 1920 * 150 / 16000 = 10350 + 18 */
	psr_put_le16(p + 17, -160); /* (-160 + 20): -9660 - 16 (268800 / 16000 = 16.8) */
	psr_put_le16(p + 21, 8300); /* range 16384, bias 8300 - 8192 = 108: (8300 - 108) */
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RX), 10368);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RY), -9676);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_X), 8192);
}

/* The fallback's numbers: 160 * 2097152 / 32767 = 10240.3 -> 10240 (seen
 * in the VM's ds5usb-zerocal), 8192 * 32768 / 32767 = 8192.25 -> 8192. */
static void check_fallback_values(struct hm_device *dev, struct capture_sink *cs, bool bt)
{
	uint8_t p[63];

	poc_report(p, false);
	cs->n = 0;
	assert_int_equal(send(dev, p, bt), 1);
	assert_int_equal(last(cs, SENSORS, EV_ABS, ABS_RX), 10240);
	assert_int_equal(last(cs, SENSORS, EV_ABS, ABS_Y), 8192);
}

static void test_zero_calibration(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	fk.mode = REPLY_ZERO_CAL;
	stderr_capture_begin();
	dev = make(&cs, false);
	/* one warning for the six axes */
	assert_int_equal(stderr_capture_end("invalid calibration"), 1);
	check_fallback_values(dev, &cs, false);
	hm_device_free(dev);
}

static void test_garbage_calibration(void **state)
{
	static const enum reply_mode modes[] = {REPLY_SHORT_CAL, REPLY_EIO, REPLY_BAD_CRC};
	struct capture_sink cs;

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct hm_device *dev;
		bool bt = modes[i] == REPLY_BAD_CRC;

		reset(NULL);
		fk.mode = modes[i];
		stderr_capture_begin();
		dev = make(&cs, bt);
		/* one warning for the whole feature sequence, none other */
		assert_int_equal(stderr_capture_end("hidmapd: "), 2); /* + the info line */
		assert_false(hm_device_initializing(dev));
		check_fallback_values(dev, &cs, bt);
		hm_device_free(dev);
	}
}

static void test_no_transport(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	/* a replay: every request ends with -ENOTSUP, the defaults serve */
	stderr_capture_begin();
	dev = make_with(&cs, 0x0ce6, BUS_USB, NAME_USB, NULL);
	assert_int_equal(stderr_capture_end("not read, using defaults"), 1);
	assert_false(hm_device_initializing(dev));
	check_nodes(dev, NAME_USB, BUS_USB, 0x0ce6, false);
	check_fallback_values(dev, &cs, false);
	hm_device_free(dev);
}

/* ---- bad input ---- */

static void test_bad_reports(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *usb = make(&cs, false);
	struct capture_sink cs2;
	_cleanup_(hm_device_freep) struct hm_device *bt = make(&cs2, true);
	uint8_t p[63], r[80];
	size_t n;

	(void)state;
	poc_report(p, false);
	/* USB: a short 0x01 report is an error, nothing emitted */
	n = wrap(r, p, false);
	cs.n = 0;
	assert_true(hm_device_process_report(usb, r, n - 1, 0) < 0);
	assert_true(hm_device_process_report(usb, r, 1, 0) < 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(hm_device_get_stats(usb)->decode_errors, 2);
	/* unknown report IDs are ignored */
	r[0] = 0x31;
	assert_int_equal(hm_device_process_report(usb, r, n, 0), 0);
	r[0] = 0x05;
	assert_int_equal(hm_device_process_report(usb, r, n, 0), 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(hm_device_get_stats(usb)->decode_errors, 2);

	/* Bluetooth: a good CRC decodes, a flipped bit anywhere drops it */
	n = wrap(r, p, true);
	cs2.n = 0;
	assert_int_equal(hm_device_process_report(bt, r, n, 0), 1);
	assert_int_equal(last(&cs2, GAMEPAD, EV_KEY, BTN_SOUTH), 1);
	p[7] = 0x08; /* Cross released */
	n = wrap(r, p, true);
	r[10] ^= 0x01;
	cs2.n = 0;
	assert_int_equal(hm_device_process_report(bt, r, n, 0), -EILSEQ);
	assert_int_equal(cs2.n, 0);
	r[10] ^= 0x01;
	r[77] ^= 0x80; /* the CRC itself */
	assert_int_equal(hm_device_process_report(bt, r, n, 0), -EILSEQ);
	assert_int_equal(hm_device_get_stats(bt)->decode_errors, 2);
	/* short */
	r[77] ^= 0x80;
	assert_true(hm_device_process_report(bt, r, n - 1, 0) < 0);
	assert_int_equal(hm_device_get_stats(bt)->decode_errors, 3);
	/* the simple 0x01 report before the switch: 6.1 emits nothing */
	memset(r, 0, 10);
	r[0] = 0x01;
	r[1] = r[2] = r[3] = r[4] = 0x20;
	r[5] = 0x28;
	assert_int_equal(hm_device_process_report(bt, r, 10, 0), 0);
	/* the USB report on Bluetooth is not the full one either */
	n = wrap(r, p, false);
	assert_int_equal(hm_device_process_report(bt, r, n, 0), 0);
	assert_int_equal(cs2.n, 0);
	assert_int_equal(hm_device_get_stats(bt)->decode_errors, 3);
	/* and the stream goes on */
	n = wrap(r, p, true);
	assert_int_equal(hm_device_process_report(bt, r, n, 0), 1);
	assert_int_equal(last(&cs2, GAMEPAD, EV_KEY, BTN_SOUTH), 0);
}

/* ---- output reports ---- */

static void check_bt_crc(const uint8_t *r)
{
	assert_int_equal(psr_get_le32(r + 74), psr_crc32(0xA2, r, 74));
}

static void check_zero_except(const uint8_t *r, size_t len, const size_t *idx, size_t n)
{
	for (size_t i = 0; i < len; i++) {
		bool listed = false;

		for (size_t k = 0; k < n; k++)
			listed |= idx[k] == i;
		if (!listed)
			assert_int_equal(r[i], 0);
	}
}

/*
 * The probe's two reports, as the VM saw them from 6.1: "02 00 00 ..."
 * (LED reset: valid_flag2 = lightbar setup, lightbar_setup = light out)
 * then "02 00 14 ..." (valid_flag1 = lightbar | player LEDs, player 1 =
 * the middle LED 0x04, lightbar 0 0 128); over BT "31 00 10 ..." and
 * "31 10 10 00 14 ...".  Common block offsets + 1 (USB) or + 3 (BT).
 */
static void test_probe_outputs(void **state)
{
	struct capture_sink cs;

	(void)state;
	for (int bt = 0; bt < 2; bt++) {
		struct hm_device *dev;
		size_t o = bt ? 3 : 1, len = bt ? 78 : 63;

		reset(NULL);
		dev = make(&cs, bt);
		assert_int_equal(fk.nout, 2);
		assert_int_equal(fk.outlen[0], len);
		assert_int_equal(fk.outlen[1], len);
		assert_int_equal(fk.out[0][0], bt ? 0x31 : 0x02);
		assert_int_equal(fk.out[0][o + 38], 0x02);
		assert_int_equal(fk.out[0][o + 41], 0x02);
		assert_int_equal(fk.out[1][o + 1], 0x14);
		assert_int_equal(fk.out[1][o + 43], 0x04);
		assert_int_equal(fk.out[1][o + 44], 0);
		assert_int_equal(fk.out[1][o + 45], 0);
		assert_int_equal(fk.out[1][o + 46], 128);
		if (bt) {
			const size_t i0[] = {0, 2, o + 38, o + 41, 74, 75, 76, 77};
			const size_t i1[] = {0, 1, 2, o + 1, o + 43, o + 46, 74, 75, 76, 77};

			assert_int_equal(fk.out[0][1], 0x00); /* seq 0 */
			assert_int_equal(fk.out[0][2], 0x10); /* tag */
			assert_int_equal(fk.out[1][1], 0x10); /* seq 1 */
			assert_int_equal(fk.out[1][2], 0x10);
			check_bt_crc(fk.out[0]);
			check_bt_crc(fk.out[1]);
			check_zero_except(fk.out[0], 74, i0, 8);
			check_zero_except(fk.out[1], 74, i1, 10);
		} else {
			const size_t i0[] = {0, o + 38, o + 41};
			const size_t i1[] = {0, o + 1, o + 43, o + 46};

			check_zero_except(fk.out[0], len, i0, 3);
			check_zero_except(fk.out[1], len, i1, 4);
		}
		hm_device_free(dev);
	}
}

/* dualsense_play_effect(): motor_left = strong / 256, motor_right = weak /
 * 256; the worker claims haptics select and, with vibration v2 (update
 * version >= 2.21, the canned 2.36), valid_flag2 bit 2, else valid_flag0
 * bit 0.  Debian's 6.1.0-57 hid-playstation under uhid sent, for
 * FF_RUMBLE strong 0x8000 weak 0x40ff over USB, 02 at bytes 0 and 1, 40 at
 * 3, 80 at 4, 04 at 39, the rest 0; and at the effect's end the same
 * with the motors 0. */
static void test_rumble(void **state)
{
	struct capture_sink cs;

	(void)state;
	for (int bt = 0; bt < 2; bt++) {
		for (int old = 0; old < 2; old++) {
			struct hm_device *dev;
			size_t o = bt ? 3 : 1, len = bt ? 78 : 63;
			const uint8_t *r;

			reset(NULL);
			fk.mode = old ? REPLY_OLD_FW : REPLY_CANNED;
			dev = make(&cs, bt);
			assert_int_equal(fk.nout, 2);
			dev->module->rumble(dev, GAMEPAD, 0x8000, 0x40ff);
			assert_int_equal(fk.nout, 3);
			r = fk.out[2];
			assert_int_equal(fk.outlen[2], len);
			assert_int_equal(r[0], bt ? 0x31 : 0x02);
			assert_int_equal(r[o + 0], old ? 0x03 : 0x02);
			assert_int_equal(r[o + 1], 0);    /* no LED claimed */
			assert_int_equal(r[o + 2], 0x40); /* right, weak */
			assert_int_equal(r[o + 3], 0x80); /* left, strong */
			assert_int_equal(r[o + 38], old ? 0 : 0x04);
			if (bt) {
				const size_t idx[] = {0, 1, 2, o, o + 2, o + 3, o + 38};

				assert_int_equal(r[1], 0x20); /* third report: seq 2 */
				assert_int_equal(r[2], 0x10);
				check_bt_crc(r);
				check_zero_except(r, 74, idx, old ? 6 : 7);
			} else {
				const size_t idx[] = {0, o, o + 2, o + 3, o + 38};

				check_zero_except(r, len, idx, old ? 4 : 5);
			}
			/* the stop: motors 0, flags as before */
			dev->module->rumble(dev, GAMEPAD, 0, 0);
			r = fk.out[3];
			assert_int_equal(r[o + 0], old ? 0x03 : 0x02);
			assert_int_equal(r[o + 2], 0);
			assert_int_equal(r[o + 3], 0);
			if (bt) {
				assert_int_equal(r[1], 0x30);
				check_bt_crc(r);
			}
			hm_device_free(dev);
		}
	}
}

/* The Edge has vibration v2 whatever its update version says. */
static void test_rumble_edge(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	fk.mode = REPLY_OLD_FW;
	dev = make_with(&cs, 0x0df2, BUS_USB, NAME_EDGE, &transport);
	dev->module->rumble(dev, GAMEPAD, 0xffff, 0x0100);
	assert_int_equal(fk.nout, 3);
	assert_int_equal(fk.out[2][1], 0x02);
	assert_int_equal(fk.out[2][39], 0x04);
	assert_int_equal(fk.out[2][3], 0x01);
	assert_int_equal(fk.out[2][4], 0xff);
	hm_device_free(dev);
}

static void test_settings(void **state)
{
	struct capture_sink cs;
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;
	struct hm_device *dev;
	const uint8_t *r;

	(void)state;
	dev = make(&cs, false);
	assert_int_equal(fk.nout, 2);
	/* lightbar #ff8000, player 3 (BIT(4) | BIT(2) | BIT(0)), mic LED on:
	 * valid_flag1 = lightbar 0x04 | player 0x10 | mic LED 0x01 */
	s.lightbar_set = true;
	s.lightbar[0] = 0xff;
	s.lightbar[1] = 0x80;
	s.lightbar[2] = 0x00;
	s.player_leds = 3;
	s.mic_led = 1;
	hm_device_configure(dev, &s);
	assert_int_equal(fk.nout, 3);
	r = fk.out[2];
	{
		const size_t idx[] = {0, 2, 9, 44, 45, 46};

		assert_int_equal(r[0], 0x02);
		assert_int_equal(r[2], 0x15);
		assert_int_equal(r[9], 1);
		assert_int_equal(r[44], 0x15);
		assert_int_equal(r[45], 0xff);
		assert_int_equal(r[46], 0x80);
		check_zero_except(r, 63, idx, 6);
	}
	/* only what changes is claimed: player LEDs 0 (off) */
	s.player_leds = 0;
	hm_device_configure(dev, &s);
	assert_int_equal(fk.nout, 4);
	{
		const size_t idx[] = {0, 2};

		assert_int_equal(fk.out[3][2], 0x10);
		check_zero_except(fk.out[3], 63, idx, 2);
	}
	/* every pattern: 1 --x--, 2 -x-x-, 3 x-x-x, 4 xx-xx, 5 xxxxx */
	{
		static const uint8_t pattern[5] = {0x04, 0x0a, 0x15, 0x1b, 0x1f};

		for (int n = 1; n <= 5; n++) {
			s.player_leds = n;
			hm_device_configure(dev, &s);
			assert_int_equal(fk.out[fk.nout - 1][2], 0x10);
			assert_int_equal(fk.out[fk.nout - 1][44], pattern[n - 1]);
		}
	}
	/* the lightbar unset again: back to the kernel's blue */
	s.lightbar_set = false;
	hm_device_configure(dev, &s);
	r = fk.out[fk.nout - 1];
	assert_int_equal(r[2], 0x04);
	assert_int_equal(r[45], 0);
	assert_int_equal(r[46], 0);
	assert_int_equal(r[47], 128);
	hm_device_free(dev);
}

/* Settings over Bluetooth get the sequence number and CRC. */
static void test_settings_bt(void **state)
{
	struct capture_sink cs;
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;
	struct hm_device *dev;

	(void)state;
	dev = make(&cs, true);
	s.mic_led = 0;
	hm_device_configure(dev, &s);
	assert_int_equal(fk.nout, 3);
	assert_int_equal(fk.out[2][0], 0x31);
	assert_int_equal(fk.out[2][1], 0x20);
	assert_int_equal(fk.out[2][2], 0x10);
	assert_int_equal(fk.out[2][4], 0x01); /* mic LED claimed, off */
	assert_int_equal(fk.out[2][11], 0);
	check_bt_crc(fk.out[2]);
	hm_device_free(dev);
}

/* The mic button mutes at the hardware, as the kernel does: LED and power
 * save's mute bit (valid_flag1 = mic LED 0x01 | power save 0x02). */
static void test_mic_button(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	neutral(p);
	p[9] = 0x04;
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(count_type(&cs, GAMEPAD, EV_KEY), 0); /* not an input event */
	assert_int_equal(fk.nout, 3);
	assert_int_equal(fk.out[2][2], 0x03);
	assert_int_equal(fk.out[2][9], 1);
	assert_int_equal(fk.out[2][10], 0x10);
	/* held: nothing more; released and pressed again: unmuted */
	assert_int_equal(send(dev, p, false), 1);
	p[9] = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(fk.nout, 3);
	p[9] = 0x04;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(fk.nout, 4);
	assert_int_equal(fk.out[3][2], 0x03);
	assert_int_equal(fk.out[3][9], 0);
	assert_int_equal(fk.out[3][10], 0);
}

static void test_battery(void **state)
{
	/* status byte: capacity bits 0-3, charging bits 4-7 */
	static const struct {
		uint8_t status;
		int percent;
		enum hm_battery_status st;
	} cases[] = {
	    {0x00, 5, HM_BATTERY_DISCHARGING},   {0x05, 55, HM_BATTERY_DISCHARGING},
	    {0x0a, 100, HM_BATTERY_DISCHARGING}, {0x0f, 100, HM_BATTERY_DISCHARGING},
	    {0x13, 35, HM_BATTERY_CHARGING},     {0x1a, 100, HM_BATTERY_CHARGING},
	    {0x22, 100, HM_BATTERY_FULL},        {0xa5, 0, HM_BATTERY_NOT_CHARGING},
	    {0xb0, 0, HM_BATTERY_NOT_CHARGING},  {0xf7, 0, HM_BATTERY_UNKNOWN},
	    {0x37, 0, HM_BATTERY_UNKNOWN},
	};
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int percent;
		enum hm_battery_status st;

		neutral(p);
		p[52] = cases[i].status;
		assert_int_equal(send(dev, p, false), 1);
		assert_true(hm_device_get_battery(dev, &percent, &st));
		assert_int_equal(percent, cases[i].percent);
		assert_int_equal(st, cases[i].st);
	}
}

/* ---- touch ---- */

static void put_point(uint8_t *p, bool down, uint8_t id, int x, int y)
{
	p[0] = (uint8_t)((down ? 0 : 0x80) | (id & 0x7f));
	p[1] = (uint8_t)(x & 0xff);
	p[2] = (uint8_t)(((x >> 8) & 0x0f) | ((y & 0x0f) << 4));
	p[3] = (uint8_t)(y >> 4);
}

static void test_touch_two_fingers(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	/* first finger at the far corner (1919, 1079), then a second */
	neutral(p);
	put_point(p + 32, true, 1, 1919, 1079);
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_TRACKING_ID), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_POSITION_X), 1919);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_POSITION_Y), 1079);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOOL_FINGER), 1);
	put_point(p + 36, true, 2, 300, 400);
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_SLOT), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_TRACKING_ID), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_POSITION_X), 300);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_POSITION_Y), 400);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOOL_FINGER), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOOL_DOUBLETAP), 1);
	/* the pointer stays with the oldest contact */
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_X), -9999);
	/* both lift */
	neutral(p);
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOUCH), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOOL_DOUBLETAP), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_TRACKING_ID), -1);
}

/* ---- asynchronous feature reads ---- */

static struct {
	enum hm_request_type type[16];
	uint8_t id[16];
	size_t size[16];
	hm_transport_done_fn fn[16];
	void *ctx[16];
	unsigned n;
} sub;

static int fake_submit(void *userdata, enum hm_request_type type, const uint8_t *data, size_t size,
                       hm_transport_done_fn fn, void *ctx)
{
	(void)userdata;
	if (sub.n >= 16)
		return -EAGAIN;
	sub.type[sub.n] = type;
	sub.id[sub.n] = data[0];
	sub.size[sub.n] = size;
	sub.fn[sub.n] = fn;
	sub.ctx[sub.n] = ctx;
	sub.n++;
	if (type == HM_REQUEST_OUTPUT)
		fake_write(NULL, data, size);
	return 0;
}

static const struct hm_transport async_transport = {.submit = fake_submit};

/* Answers request i as the device would. */
static void answer(unsigned i)
{
	uint8_t b[128] = {sub.id[i]};
	int n = fake_get_feature(NULL, b, sizeof(b));

	sub.fn[i](sub.ctx[i], n, n > 0 ? b : NULL, n > 0 ? (size_t)n : 0);
}

static void test_async_features(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t p[63];

	(void)state;
	memset(&sub, 0, sizeof(sub));
	dev = make_with(&cs, 0x0ce6, BUS_USB, NAME_USB, &async_transport);
	/* probe returned with the first request on its way, and the nodes */
	assert_int_equal(hm_device_noutputs(dev), 3);
	assert_true(hm_device_initializing(dev));
	assert_int_equal(sub.n, 1);
	assert_int_equal(sub.type[0], HM_REQUEST_GET_FEATURE);
	assert_int_equal(sub.id[0], 0x09);
	assert_int_equal(sub.size[0], 20);
	/* reports meanwhile are not decoded: the kernel has no nodes yet */
	poc_report(p, false);
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 0);
	assert_int_equal(cs.n, 0);
	/* settings before the probe's LED reports: they go with them */
	{
		struct hm_device_settings set = HM_DEVICE_SETTINGS_INIT;

		set.lightbar_set = true;
		set.lightbar[1] = 0x33;
		hm_device_configure(dev, &set);
		assert_int_equal(fk.nout, 0);
	}
	answer(0);
	assert_int_equal(sub.n, 2);
	assert_int_equal(sub.id[1], 0x20);
	assert_int_equal(sub.size[1], 64);
	answer(1);
	assert_int_equal(sub.n, 3);
	assert_int_equal(sub.id[2], 0x05);
	assert_int_equal(sub.size[2], 41);
	assert_int_equal(fk.nout, 0);
	answer(2);
	/* then the two LED reports, not merged into each other (each goes
	 * with a completion) */
	assert_int_equal(fk.nout, 2);
	assert_int_equal(fk.out[0][39], 0x02); /* the reset first */
	assert_int_equal(fk.out[1][2], 0x14);  /* then lightbar and player LEDs */
	assert_int_equal(fk.out[1][45], 0);
	assert_int_equal(fk.out[1][46], 0x33);
	assert_int_equal(fk.out[1][47], 0);
	assert_int_equal(sub.type[3], HM_REQUEST_OUTPUT);
	assert_non_null(sub.fn[3]);
	assert_non_null(sub.fn[4]);
	sub.fn[3](sub.ctx[3], 63, NULL, 0);
	sub.fn[4](sub.ctx[4], 63, NULL, 0);
	assert_false(hm_device_initializing(dev));
	/* the canned calibration is in use */
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RX), 11059);
	/* rumble goes as a plain write, merged by the queue */
	dev->module->rumble(dev, GAMEPAD, 0x100, 0);
	assert_int_equal(sub.n, 6);
	assert_null(sub.fn[5]);
	hm_device_free(dev);
}

/* A controller that never answers: the loop never waits, the core's init
 * limit reports the device as failed to initialise. */
static void test_never_answers(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	memset(&sub, 0, sizeof(sub));
	dev = make_with(&cs, 0x0ce6, BUS_USB, NAME_USB, &async_transport);
	assert_int_equal(sub.n, 1);
	/* the request queue's own limit passes */
	stderr_capture_begin();
	sub.fn[0](sub.ctx[0], -ETIMEDOUT, NULL, 0);
	assert_int_equal(stderr_capture_end("no answer to feature report 0x09"), 1);
	assert_int_equal(sub.n, 1); /* no more requests */
	assert_true(hm_device_initializing(dev));
	assert_false(hm_device_init_failed(dev));
	assert_int_equal(fk.nout, 0);
	/* the core's limit */
	stderr_capture_begin();
	hm_device_timer(dev, hm_now_usec() + 10 * 1000 * 1000);
	assert_int_equal(stderr_capture_end("failed to initialise"), 1);
	assert_true(hm_device_init_failed(dev));
	hm_device_free(dev);
}

/* Player numbers go as the kernel's IDA: the lowest free one. */
static void test_player_numbers(void **state)
{
	struct capture_sink a, b, c;
	struct hm_device *d1, *d2, *d3;

	(void)state;
	d1 = make(&a, false);
	assert_int_equal(fk.out[1][44], 0x04); /* player 1 */
	d2 = make(&b, true);
	assert_int_equal(fk.out[3][46], 0x0a); /* player 2, BT offset */
	hm_device_free(d1);
	d3 = make(&c, false);
	assert_int_equal(fk.out[5][44], 0x04); /* player 1 again */
	hm_device_free(d2);
	hm_device_free(d3);
}

/* A button, a stick, a trigger, the d-pad, the touchpad click and a
 * finger still held when the core lets everything go (a reload:
 * hm_device_release_all()) come back with the next report, though its
 * bytes did not change: the module reports every field of every report,
 * as hid-playstation does, and the input core (the vdev) drops only what
 * did not change. */
static void test_held_across_release_all(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, false);
	uint8_t p[63];

	(void)state;
	neutral(p);
	p[0] = 0xff;  /* left stick right */
	p[5] = 0xc0;  /* R2 */
	p[7] = 0x22;  /* Cross, the hat right */
	p[8] |= 0x02; /* R1 */
	p[9] |= 0x02; /* the touchpad click */
	put_point(p + 32, true, 5, 900, 500);
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_SOUTH), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_TR), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 255);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RZ), 0xc0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_LEFT), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOUCH), 1);

	cs.n = 0;
	hm_device_release_all(dev);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_SOUTH), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_TR), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 128);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RZ), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_LEFT), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOUCH), 0);
	assert_int_equal(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_TRACKING_ID), -1);

	/* the pad still holds them: the same bytes again */
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_SOUTH), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_TR), 1);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 255);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RZ), 0xc0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_LEFT), 1);
	assert_int_equal(last(&cs, TOUCHPAD, EV_KEY, BTN_TOUCH), 1);
	/* a new contact in the slot (its position the slot kept, as the input
	 * core keeps it) */
	assert_true(last(&cs, TOUCHPAD, EV_ABS, ABS_MT_TRACKING_ID) >= 0);
	/* only what was let go comes again */
	assert_int_equal(count_type(&cs, GAMEPAD, EV_KEY), 2);
	assert_int_equal(count_type(&cs, GAMEPAD, EV_ABS), 3);

	/* and once more: nothing of it, the input core drops what did not change */
	cs.n = 0;
	assert_int_equal(send(dev, p, false), 1);
	assert_int_equal(count_type(&cs, GAMEPAD, EV_KEY) + count_type(&cs, GAMEPAD, EV_ABS), 0);
	assert_int_equal(count_type(&cs, TOUCHPAD, EV_KEY) + count_type(&cs, TOUCHPAD, EV_ABS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_nodes_usb, reset),
	    cmocka_unit_test_setup(test_nodes_bt, reset),
	    cmocka_unit_test_setup(test_nodes_edge, reset),
	    cmocka_unit_test_setup(test_kernel_events_usb, reset),
	    cmocka_unit_test_setup(test_kernel_events_bt, reset),
	    cmocka_unit_test_setup(test_kernel_events_edge, reset),
	    cmocka_unit_test_setup(test_buttons, reset),
	    cmocka_unit_test_setup(test_edge_paddles, reset),
	    cmocka_unit_test_setup(test_hat, reset),
	    cmocka_unit_test_setup(test_sticks_triggers, reset),
	    cmocka_unit_test_setup(test_calibration_math, reset),
	    cmocka_unit_test_setup(test_calibration_bias, reset),
	    cmocka_unit_test_setup(test_zero_calibration, reset),
	    cmocka_unit_test_setup(test_garbage_calibration, reset),
	    cmocka_unit_test_setup(test_no_transport, reset),
	    cmocka_unit_test_setup(test_bad_reports, reset),
	    cmocka_unit_test_setup(test_probe_outputs, reset),
	    cmocka_unit_test_setup(test_rumble, reset),
	    cmocka_unit_test_setup(test_rumble_edge, reset),
	    cmocka_unit_test_setup(test_settings, reset),
	    cmocka_unit_test_setup(test_settings_bt, reset),
	    cmocka_unit_test_setup(test_mic_button, reset),
	    cmocka_unit_test_setup(test_battery, reset),
	    cmocka_unit_test_setup(test_touch_two_fingers, reset),
	    cmocka_unit_test_setup(test_async_features, reset),
	    cmocka_unit_test_setup(test_never_answers, reset),
	    cmocka_unit_test_setup(test_player_numbers, reset),
	    cmocka_unit_test_setup(test_held_across_release_all, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
