/* SPDX-License-Identifier: MIT */
/*
 * The Steam module (devices/valve/steam.c): the nodes, events and commands
 * expected from the kernel's drivers/hid/hid-steam.c (6.12) as its source
 * documents them: the node tables of steam_input_register() and
 * steam_sensors_register(), the report tables above steam_do_input_event()
 * and steam_do_deck_input_event(), the commands of steam_set_lizard_mode()
 * and steam_haptic_rumble().  The kernel's own answers for scripted
 * recordings are compared in the data test steam-parity
 * (tests/data/kernel/steam, made in the VM).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "event-loop.h"
#include "module-select.h"

enum { GAMEPAD, SENSORS };

/* ---- the fake device: commands recorded ---- */

static struct {
	uint8_t cmd[32][65];
	size_t len[32];
	unsigned n;
} fk;

static int fake_send_feature(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	if (fk.n < 32 && size <= 65) {
		memcpy(fk.cmd[fk.n], data, size);
		fk.len[fk.n] = size;
	}
	fk.n++;
	return (int)size;
}

static const struct hm_transport transport = {.send_feature = fake_send_feature};
static uint64_t grace_us; /* the replug grace the devices are made with */

static int reset(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	grace_us = 0;
	return 0;
}

/* the pad's interface: vendor page, 64-byte input and feature reports */
static const uint8_t rdesc_pad[] = {0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00,
                                    0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x40, 0x09, 0x01,
                                    0x81, 0x02, 0x09, 0x01, 0xb1, 0x02, 0xc0};
/* the firmware's mouse interface (a boot mouse: no feature report) */
static const uint8_t rdesc_mouse[] = {0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
                                      0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
                                      0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05,
                                      0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x81,
                                      0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06, 0xc0, 0xc0};

static int make_rdesc(struct capture_sink *cs, uint16_t product, const uint8_t *rdesc,
                      size_t rdesc_size, struct hm_device **ret)
{
	struct hm_device_info info = {.bus = BUS_USB,
	                              .vendor = 0x28de,
	                              .product = product,
	                              .version = 0x0100,
	                              .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain,
	                                .sink = &cs->base,
	                                .transport = &transport,
	                                .absent_grace_us = grace_us};

	snprintf(info.name, sizeof(info.name), "Valve Software Steam Controller");
	snprintf(info.path, sizeof(info.path), "/dev/hidraw5");
	capture_init(cs);
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	return hm_device_new(&info, rdesc, rdesc_size, &setup, ret);
}

static struct hm_device *make(struct capture_sink *cs, uint16_t product)
{
	struct hm_device *dev = NULL;

	assert_int_equal(make_rdesc(cs, product, rdesc_pad, sizeof(rdesc_pad), &dev), 0);
	assert_string_equal(dev->module->name, "steam");
	return dev;
}

static void put16(uint8_t *p, int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)((unsigned)v >> 8);
}

static void report(uint8_t *r, uint8_t type)
{
	memset(r, 0, 64);
	r[0] = 0x01;
	r[2] = type;
	r[3] = 0x3c;
}

static int last(const struct capture_sink *cs, unsigned out, unsigned type, unsigned code)
{
	int v = -99999;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->ev[i].dev == out && cs->ev[i].type == type && cs->ev[i].code == code)
			v = cs->ev[i].value;
	return v;
}

static void check_abs(const struct libevdev *c, unsigned code, int min, int max, int fuzz, int res)
{
	const struct input_absinfo *a = libevdev_get_abs_info(c, code);

	assert_non_null(a);
	assert_int_equal(a->minimum, min);
	assert_int_equal(a->maximum, max);
	assert_int_equal(a->fuzz, fuzz);
	assert_int_equal(a->flat, 0);
	assert_int_equal(a->resolution, res);
}

static unsigned count_codes(const struct libevdev *c, unsigned type, unsigned max)
{
	unsigned n = 0;

	for (unsigned code = 0; code <= max; code++)
		n += libevdev_has_event_code(c, type, code);
	return n;
}

/* command i as sent: report ID 0, then the bytes given, then zeros to 65 */
static void check_cmd(unsigned i, const uint8_t *bytes, size_t n)
{
	assert_true(i < fk.n);
	assert_int_equal(fk.len[i], 65);
	assert_int_equal(fk.cmd[i][0], 0);
	assert_memory_equal(fk.cmd[i] + 1, bytes, n);
	for (size_t k = 1 + n; k < 65; k++)
		assert_int_equal(fk.cmd[i][k], 0);
}

/* ---- nodes ---- */

static void test_controller_node(void **state)
{
	static const unsigned keys[] = {
	    BTN_TR2,    BTN_TL2,   BTN_TR,      BTN_TL,         BTN_Y,         BTN_B,
	    BTN_X,      BTN_A,     BTN_DPAD_UP, BTN_DPAD_RIGHT, BTN_DPAD_LEFT, BTN_DPAD_DOWN,
	    BTN_SELECT, BTN_MODE,  BTN_START,   BTN_GEAR_DOWN,  BTN_GEAR_UP,   BTN_THUMBR,
	    BTN_THUMBL, BTN_THUMB, BTN_THUMB2};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);
	const struct libevdev *c = hm_device_output_caps(dev, GAMEPAD);

	(void)state;
	assert_int_equal(hm_device_noutputs(dev), 1);
	assert_string_equal(libevdev_get_name(c), "Steam Controller");
	assert_int_equal(libevdev_get_id_vendor(c), 0x28de);
	assert_int_equal(libevdev_get_id_product(c), 0x1102);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_true(libevdev_has_event_code(c, EV_KEY, keys[i]));
	assert_int_equal(count_codes(c, EV_KEY, KEY_MAX), 21);
	assert_int_equal(count_codes(c, EV_ABS, ABS_MAX), 8);
	check_abs(c, ABS_X, -32767, 32767, 0, 51);
	check_abs(c, ABS_Y, -32767, 32767, 0, 51);
	check_abs(c, ABS_RX, -32767, 32767, 256, 1638);
	check_abs(c, ABS_RY, -32767, 32767, 256, 1638);
	check_abs(c, ABS_HAT0X, -32767, 32767, 256, 1638);
	check_abs(c, ABS_HAT0Y, -32767, 32767, 256, 1638);
	check_abs(c, ABS_HAT2X, 0, 255, 0, 51);
	check_abs(c, ABS_HAT2Y, 0, 255, 0, 51);
	/* beyond the kernel: rumble on the pads' actuators (test_sc_rumble) */
	assert_true(libevdev_has_event_code(c, EV_FF, FF_RUMBLE));
	hm_device_free(dev);

	/* a receiver slot: its node once a pad connects (hid-steam registers
	 * it in steam_work_connect_cb()) */
	dev = make(&cs, 0x1142);
	assert_int_equal(hm_device_noutputs(dev), 0);
	assert_int_equal(cs.ndevices, 0);
	{
		uint8_t r[64] = {0x01, 0x00, 0x03, 0x01, 0x02};

		assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	}
	assert_int_equal(hm_device_noutputs(dev), 1);
	assert_string_equal(libevdev_get_name(hm_device_output_caps(dev, GAMEPAD)),
	                    "Wireless Steam Controller");
	hm_device_free(dev);
}

static void test_deck_nodes(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1205);
	const struct libevdev *c = hm_device_output_caps(dev, GAMEPAD);
	const struct libevdev *m = hm_device_output_caps(dev, SENSORS);

	(void)state;
	assert_int_equal(hm_device_noutputs(dev), 2);
	assert_string_equal(libevdev_get_name(c), "Steam Deck");
	assert_int_equal(count_codes(c, EV_KEY, KEY_MAX), 24);
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_BASE));
	assert_true(libevdev_has_event_code(c, EV_KEY, BTN_TRIGGER_HAPPY4));
	assert_false(libevdev_has_event_code(c, EV_KEY, BTN_GEAR_UP));
	assert_int_equal(count_codes(c, EV_ABS, ABS_MAX), 10);
	check_abs(c, ABS_X, -32767, 32767, 0, 6553);
	check_abs(c, ABS_RY, -32767, 32767, 0, 6553);
	check_abs(c, ABS_HAT0X, -32767, 32767, 256, 1638);
	check_abs(c, ABS_HAT1Y, -32767, 32767, 256, 1638);
	check_abs(c, ABS_HAT2X, 0, 32767, 0, 5461);
	check_abs(c, ABS_HAT2Y, 0, 32767, 0, 5461);
	assert_true(libevdev_has_event_code(c, EV_FF, FF_RUMBLE));

	assert_string_equal(libevdev_get_name(m), "Steam Deck Motion Sensors");
	assert_true(libevdev_has_property(m, INPUT_PROP_ACCELEROMETER));
	assert_true(libevdev_has_event_code(m, EV_MSC, MSC_TIMESTAMP));
	check_abs(m, ABS_X, -32768, 32768, 32, 16384);
	check_abs(m, ABS_Z, -32768, 32768, 32, 16384);
	check_abs(m, ABS_RX, -32768, 32768, 1, 16);
	check_abs(m, ABS_RZ, -32768, 32768, 1, 16);
	assert_int_equal(count_codes(m, EV_KEY, KEY_MAX), 0);
	hm_device_free(dev);
}

/* the firmware's mouse and keyboard interfaces (no feature report) are not
 * the pad: the module declines them (steam_is_valve_interface()) */
static void test_other_interfaces_declined(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = NULL;
	int r;

	(void)state;
	r = make_rdesc(&cs, 0x1102, rdesc_mouse, sizeof(rdesc_mouse), &dev);
	if (r == 0) {
		assert_string_not_equal(dev->module->name, "steam");
		hm_device_free(dev);
	}
	assert_int_equal(fk.n, 0);
}

/* ---- lizard mode ---- */

static void test_lizard_mode(void **state)
{
	static const uint8_t clear[] = {0x81};
	static const uint8_t sc_off[] = {0x87, 0x06, 0x07, 0x07, 0x00, 0x08, 0x07, 0x00};
	static const uint8_t deck_off[] = {0x87, 0x0f, 0x07, 0x07, 0x00, 0x08, 0x07, 0x00, 0x34,
	                                   0xff, 0xff, 0x35, 0xff, 0xff, 0x47, 0x00, 0x00};
	static const uint8_t on1[] = {0x85}, on2[] = {0x8e};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);

	(void)state;
	/* off while driven: clear the mappings, both pads to "none" */
	assert_int_equal(fk.n, 2);
	check_cmd(0, clear, 1);
	check_cmd(1, sc_off, sizeof(sc_off));
	/* on again when let go */
	hm_device_free(dev);
	assert_int_equal(fk.n, 4);
	check_cmd(2, on1, 1);
	check_cmd(3, on2, 1);

	reset(NULL);
	dev = make(&cs, 0x1205);
	assert_int_equal(fk.n, 2);
	check_cmd(0, clear, 1);
	check_cmd(1, deck_off, sizeof(deck_off));
	/* the watchdog: the same commands again on the module's timer */
	dev->module->timer(dev, 5000000);
	assert_int_equal(fk.n, 4);
	check_cmd(3, deck_off, sizeof(deck_off));
	hm_device_free(dev);
	assert_int_equal(fk.n, 6);
}

/* ---- the Controller's reports ---- */

static void test_controller_buttons(void **state)
{
	/* hid-steam's table: byte.bit -> code */
	static const struct {
		unsigned byte, bit, code;
	} map[] = {
	    {8, 0, BTN_TR2},        {8, 1, BTN_TL2},       {8, 2, BTN_TR},
	    {8, 3, BTN_TL},         {8, 4, BTN_Y},         {8, 5, BTN_B},
	    {8, 6, BTN_X},          {8, 7, BTN_A},         {9, 0, BTN_DPAD_UP},
	    {9, 1, BTN_DPAD_RIGHT}, {9, 2, BTN_DPAD_LEFT}, {9, 3, BTN_DPAD_DOWN},
	    {9, 4, BTN_SELECT},     {9, 5, BTN_MODE},      {9, 6, BTN_START},
	    {9, 7, BTN_GEAR_DOWN},  {10, 0, BTN_GEAR_UP},  {10, 2, BTN_THUMBR},
	    {10, 4, BTN_THUMB2},    {10, 6, BTN_THUMBL},
	};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);
	uint8_t r[64];

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		report(r, 1);
		r[map[i].byte] = (uint8_t)(1u << map[i].bit);
		cs.n = 0;
		assert_true(hm_device_process_report(dev, r, 64, 0) >= 0);
		assert_int_equal(last(&cs, GAMEPAD, EV_KEY, map[i].code), 1);
		report(r, 1);
		assert_true(hm_device_process_report(dev, r, 64, 0) >= 0);
		assert_int_equal(last(&cs, GAMEPAD, EV_KEY, map[i].code), 0);
	}
	/* 10.1 (left pad click) and 10.5 are not mapped */
	report(r, 1);
	r[10] = 0x22;
	cs.n = 0;
	assert_true(hm_device_process_report(dev, r, 64, 0) >= 0);
	assert_int_equal(cs.n, 0);
	hm_device_free(dev);
}

static void test_controller_axes(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);
	uint8_t r[64];

	(void)state;
	/* stick: Y negated; triggers 11 -> HAT2Y, 12 -> HAT2X */
	report(r, 1);
	put16(r + 16, 10000);
	put16(r + 18, -5000);
	r[11] = 64;
	r[12] = 200;
	put16(r + 20, 3000);
	put16(r + 22, -4000);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 10000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 5000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT2Y), 64);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT2X), 200);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RX), 3000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RY), 4000);
	/* -32768 is clamped to -32767 before the negation */
	report(r, 1);
	put16(r + 16, -32768);
	put16(r + 18, -32768);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), -32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 32767);
	/* left pad touched (10.3): X/Y are the pad's, the stick reads 0 */
	report(r, 1);
	r[10] = 0x08;
	put16(r + 16, 1234);
	put16(r + 18, -2000);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 1234);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), 2000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_THUMB), 1);
	/* pad and stick (10.7) without 10.3: X/Y are the stick's, the pad
	 * keeps its place, still touched */
	report(r, 1);
	r[10] = 0x80;
	put16(r + 16, 7000);
	put16(r + 18, -7000);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 7000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 7000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 1234);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_THUMB), 1);
	/* let go: the pad reads 0 */
	report(r, 1);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_THUMB), 0);
	hm_device_free(dev);
}

/* ---- the receiver ---- */

static void test_wireless_slot(void **state)
{
	static const uint8_t conn_status[] = {0xb4};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1142);
	uint8_t r[64];
	int pct = 0;
	enum hm_battery_status st;

	(void)state;
	/* asks the receiver whether a pad is there; lizard mode not touched */
	assert_int_equal(fk.n, 1);
	check_cmd(0, conn_status, 1);
	/* no pad yet: its state reports (stale) are not decoded */
	report(r, 1);
	r[8] = 0x80;
	assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	assert_int_equal(cs.n, 0);
	/* connected: lizard mode off, reports decoded */
	report(r, 3);
	r[4] = 0x02;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(fk.n, 3);
	report(r, 1);
	r[8] = 0x80;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_A), 1);
	/* battery: percent at 14 */
	report(r, 4);
	put16(r + 12, 3900);
	r[14] = 77;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_true(hm_device_get_battery(dev, &pct, &st));
	assert_int_equal(pct, 77);
	/* disconnected: everything let go */
	report(r, 3);
	r[4] = 0x01;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_KEY, BTN_A), 0);
	report(r, 1);
	r[8] = 0x80;
	assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	/* no lizard-on for a pad that is not there */
	fk.n = 0;
	hm_device_free(dev);
	assert_int_equal(fk.n, 0);
}

/* A receiver slot as a hotplugged device (the rules): no virtual
 * device while the slot is empty; one when its pad connects; at a
 * disconnect everything is let go and the device is kept for the replug
 * grace; a reconnect within it keeps the same device; after it the device
 * is removed, and a later connect makes a new one. */
static void test_slot_hotplug(void **state)
{
	static const uint8_t on[64] = {0x01, 0x00, 0x03, 0x01, 0x02};
	static const uint8_t off[64] = {0x01, 0x00, 0x03, 0x01, 0x01};
	struct capture_sink cs;
	struct hm_device *dev;
	uint8_t r[64];

	(void)state;
	grace_us = 3000000; /* the daemon's default replug-grace */
	dev = make(&cs, 0x1142);
	assert_int_equal(cs.ndevices, 0);
	assert_false(hm_device_present(dev));
	assert_string_equal(hm_device_get_link(dev), "no pad connected");

	assert_true(hm_device_process_report(dev, on, 64, 0) > 0);
	assert_true(hm_device_present(dev));
	assert_int_equal(cs.ndevices, 1);
	assert_int_equal(hm_device_noutputs(dev), 1);
	assert_string_equal(hm_device_get_link(dev), "pad connected, lizard mode off");
	report(r, 1);
	r[8] = 0x80; /* A held */
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, 0, EV_KEY, BTN_A), 1);

	/* gone: A let go, the device kept */
	assert_true(hm_device_process_report(dev, off, 64, 0) > 0);
	assert_int_equal(last(&cs, 0, EV_KEY, BTN_A), 0);
	assert_false(hm_device_present(dev));
	assert_string_equal(hm_device_get_link(dev), "pad disconnected");
	assert_int_equal(hm_device_noutputs(dev), 1);
	assert_int_equal(cs.removed, 0);
	/* half the grace: still there; back: the same device */
	hm_device_timer(dev, hm_now_usec() + 1500000);
	assert_int_equal(hm_device_noutputs(dev), 1);
	assert_true(hm_device_process_report(dev, on, 64, 0) > 0);
	assert_int_equal(cs.ndevices, 1);
	assert_int_equal(cs.removed, 0);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, 0, EV_KEY, BTN_A), 1);
	/* the grace of the reconnect's disconnect was cancelled */
	hm_device_timer(dev, hm_now_usec() + 10000000);
	assert_int_equal(hm_device_noutputs(dev), 1);

	/* gone for longer than the grace: removed */
	assert_true(hm_device_process_report(dev, off, 64, 0) > 0);
	hm_device_timer(dev, hm_now_usec() + 2000000);
	assert_int_equal(hm_device_noutputs(dev), 1);
	hm_device_timer(dev, hm_now_usec() + 3100000);
	assert_int_equal(hm_device_noutputs(dev), 0);
	assert_int_equal(cs.removed, 1);
	/* its stale reports go nowhere */
	assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	/* a new connect: a new device */
	assert_true(hm_device_process_report(dev, on, 64, 0) > 0);
	assert_int_equal(cs.ndevices, 2);
	assert_int_equal(hm_device_noutputs(dev), 1);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, 1, EV_KEY, BTN_A), 1);
	hm_device_free(dev);
	assert_int_equal(cs.removed, 2);

	/* the receiver itself replugged (within the daemon's grace) with a pad
	 * connected: the module starts afresh, the slot is empty until the
	 * connect report comes again; the node stays for the grace, then goes */
	{
		struct hm_device_info info;

		grace_us = 3000000;
		dev = make(&cs, 0x1142);
		info = dev->info;
		assert_true(hm_device_process_report(dev, on, 64, 0) > 0);
		assert_int_equal(hm_device_restart(dev, &info), 0);
		assert_false(hm_device_present(dev));
		assert_string_equal(hm_device_get_link(dev), "no pad connected");
		assert_int_equal(hm_device_noutputs(dev), 1);
		assert_int_equal(cs.removed, 0);
		hm_device_timer(dev, hm_now_usec() + 3100000);
		assert_int_equal(hm_device_noutputs(dev), 0);
		assert_int_equal(cs.removed, 1);
		hm_device_free(dev);
	}

	/* no grace (replug-grace = 0): removed at the disconnect */
	grace_us = 0;
	dev = make(&cs, 0x1142);
	assert_true(hm_device_process_report(dev, on, 64, 0) > 0);
	assert_int_equal(cs.ndevices, 1);
	assert_true(hm_device_process_report(dev, off, 64, 0) > 0);
	assert_int_equal(hm_device_noutputs(dev), 0);
	assert_int_equal(cs.removed, 1);
	hm_device_free(dev);

	/* a wired pad is always there */
	dev = make(&cs, 0x1102);
	assert_true(hm_device_present(dev));
	assert_string_equal(hm_device_get_link(dev), "wired, lizard mode off");
	hm_device_free(dev);
}

/* ---- the Deck ---- */

static void test_deck_report(void **state)
{
	static const struct {
		unsigned bit, code;
	} map[] = {
	    {0, BTN_TR2},
	    {1, BTN_TL2},
	    {2, BTN_TR},
	    {3, BTN_TL},
	    {4, BTN_Y},
	    {5, BTN_B},
	    {6, BTN_X},
	    {7, BTN_A},
	    {8, BTN_DPAD_UP},
	    {9, BTN_DPAD_RIGHT},
	    {10, BTN_DPAD_LEFT},
	    {11, BTN_DPAD_DOWN},
	    {12, BTN_SELECT},
	    {13, BTN_MODE},
	    {14, BTN_START},
	    {15, BTN_TRIGGER_HAPPY3},
	    {16, BTN_TRIGGER_HAPPY4},
	    {17, BTN_THUMB},
	    {18, BTN_THUMB2},
	    {22, BTN_THUMBL},
	    {26, BTN_THUMBR},
	    {41, BTN_TRIGGER_HAPPY1},
	    {42, BTN_TRIGGER_HAPPY2},
	    {50, BTN_BASE},
	};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1205);
	uint8_t r[64];

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		report(r, 9);
		r[8 + map[i].bit / 8] = (uint8_t)(1u << (map[i].bit % 8));
		cs.n = 0;
		assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
		assert_int_equal(last(&cs, GAMEPAD, EV_KEY, map[i].code), 1);
		report(r, 9);
		assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
		assert_int_equal(last(&cs, GAMEPAD, EV_KEY, map[i].code), 0);
	}
	report(r, 9);
	r[10] = 0x18; /* both pads touched (values past the pads' fuzz) */
	put16(r + 16, 1000);
	put16(r + 18, -2000);
	put16(r + 20, 3000);
	put16(r + 22, -4000);
	put16(r + 24, 1000); /* accel x */
	put16(r + 26, 2000); /* accel y -> -Z */
	put16(r + 28, 3000); /* accel z -> Y */
	put16(r + 30, 4);    /* gyro x */
	put16(r + 32, 5);    /* gyro y -> -RZ */
	put16(r + 34, 6);    /* gyro z -> RY */
	put16(r + 44, 1000);
	put16(r + 46, 32767);
	put16(r + 48, 10000);
	put16(r + 50, -5000);
	put16(r + 52, -32768);
	put16(r + 54, 32767);
	cs.n = 0;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 1000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0Y), -2000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT1X), 3000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT1Y), -4000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT2Y), 1000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT2X), 32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_X), 10000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_Y), 5000);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RX), -32767);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_RY), -32767);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_X), 1000);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_Z), -2000);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_Y), 3000);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RX), 4);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RZ), -5);
	assert_int_equal(last(&cs, SENSORS, EV_ABS, ABS_RY), 6);
	/* 4000 µs a report: 2 * 24 + 1 reports so far */
	assert_int_equal(last(&cs, SENSORS, EV_MSC, MSC_TIMESTAMP), 4000 * 49);
	/* pads not touched: 0 whatever the coordinates say */
	r[10] = 0;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT0X), 0);
	assert_int_equal(last(&cs, GAMEPAD, EV_ABS, ABS_HAT1Y), 0);
	/* the Controller's state report is not the Deck's */
	report(r, 1);
	assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	hm_device_free(dev);
}

static void test_deck_rumble(void **state)
{
	/* steam_haptic_rumble(steam, 0, left = strong, right = weak, 2, 0) */
	static const uint8_t want[] = {0xeb, 0x09, 0x00, 0x00, 0x00, 0x00,
	                               0x80, 0xff, 0x40, 0x02, 0x00};
	static const uint8_t stop[] = {0xeb, 0x09, 0x00, 0x00, 0x00, 0x00,
	                               0x00, 0x00, 0x00, 0x02, 0x00};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1205);

	(void)state;
	fk.n = 0;
	dev->module->rumble(dev, GAMEPAD, 0x8000, 0x40ff);
	assert_int_equal(fk.n, 1);
	check_cmd(0, want, sizeof(want));
	dev->module->rumble(dev, GAMEPAD, 0, 0);
	check_cmd(1, stop, sizeof(stop));
	hm_device_free(dev);
}

/* The Controller's rumble: trains of command 0x8F, laid out as 6.12's
 * steam_haptic_pulse() sends it ([0x8f, 8, pad (0 right, 1 left), on-time
 * le16 µs, off-time le16 µs, count le16, gain]), no kernel to compare
 * with.  Strong motor on the left pad, weak on the right; a 10 ms carrier,
 * on-time magnitude * 5000 / 65535 µs, 12 pulses; again every 100 ms while
 * a motor runs, nothing once both stop. */
static void test_sc_rumble(void **state)
{
	/* strong 0xffff: on 5000 µs (0x1388), off 5000; weak 0x4000: on
	 * 0x4000 * 5000 / 0xffff = 1250 µs (0x04e2), off 8750 (0x222e) */
	static const uint8_t left[] = {0x8f, 0x08, 0x01, 0x88, 0x13, 0x88, 0x13, 0x0c, 0x00, 0x00};
	static const uint8_t right[] = {0x8f, 0x08, 0x00, 0xe2, 0x04, 0x2e, 0x22, 0x0c, 0x00, 0x00};
	static const uint8_t on[64] = {0x01, 0x00, 0x03, 0x01, 0x02};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);

	(void)state;
	fk.n = 0;
	dev->module->rumble(dev, GAMEPAD, 0xffff, 0x4000);
	assert_int_equal(fk.n, 2);
	check_cmd(0, left, sizeof(left));
	check_cmd(1, right, sizeof(right));
	/* sent again within 100 ms while the motors run */
	hm_device_timer(dev, hm_now_usec() + 100000);
	assert_int_equal(fk.n, 4);
	check_cmd(2, left, sizeof(left));
	check_cmd(3, right, sizeof(right));
	/* the weak motor alone */
	dev->module->rumble(dev, GAMEPAD, 0, 0x4000);
	assert_int_equal(fk.n, 5);
	check_cmd(4, right, sizeof(right));
	/* stopped: nothing more, not even on the timer */
	dev->module->rumble(dev, GAMEPAD, 0, 0);
	assert_int_equal(fk.n, 5);
	hm_device_timer(dev, hm_now_usec() + 1000000);
	assert_int_equal(fk.n, 5);
	hm_device_free(dev);

	/* a receiver slot: nothing to a pad that is not there */
	dev = make(&cs, 0x1142);
	fk.n = 0;
	dev->module->rumble(dev, GAMEPAD, 0xffff, 0);
	assert_int_equal(fk.n, 0);
	assert_true(hm_device_process_report(dev, on, 64, 0) > 0);
	fk.n = 0;
	dev->module->rumble(dev, GAMEPAD, 0xffff, 0);
	assert_int_equal(fk.n, 1);
	check_cmd(0, left, sizeof(left));
	hm_device_free(dev);
}

/* ---- bad input ---- */

static void test_bad_reports(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);
	uint8_t r[80];

	(void)state;
	/* short, long: malformed (the kernel ignores every size but 64) */
	report(r, 1);
	assert_true(hm_device_process_report(dev, r, 63, 0) < 0);
	assert_true(hm_device_process_report(dev, r, 1, 0) < 0);
	assert_true(hm_device_process_report(dev, r, 65, 0) < 0);
	/* not 01 00, unknown types, a Deck report on the Controller: ignored */
	r[0] = 0x02;
	assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	for (unsigned t = 0; t < 256; t++) {
		if (t == 1 || t == 3)
			continue;
		report(r, (uint8_t)t);
		assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	}
	/* a connect report of the wired pad with an unknown payload */
	report(r, 3);
	r[4] = 0x07;
	assert_int_equal(hm_device_process_report(dev, r, 64, 0), 0);
	assert_int_equal(cs.n, 0);
	hm_device_free(dev);
}

/* ---- the commands against the kernel's (tests/data/kernel/steam/6.12) ---- */

/* command i of the fake as the oracle prints one: "S: <hex>", the report
 * ID and trailing zeros left out */
static void cmd_text(unsigned i, char *buf, size_t size)
{
	size_t n = fk.len[i], len;

	while (n > 1 && fk.cmd[i][n - 1] == 0)
		n--;
	len = (size_t)snprintf(buf, size, "S:");
	for (size_t k = 1; k < n && len + 4 < size; k++)
		len += (size_t)snprintf(buf + len, size - len, " %02x", fk.cmd[i][k]);
}

/* The first max "S:" lines of section heading ("# open") of the kernel's
 * commands for model; returns how many. */
static unsigned kernel_cmds(const char *model, const char *heading, char lines[][200], unsigned max)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	char path[512], line[256];
	bool in = false;
	unsigned n = 0;
	FILE *f;

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/data/kernel/steam/6.12/%s.cmds", root, model);
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n < max) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			in = strcmp(line, heading) == 0;
		else if (in && strncmp(line, "S:", 2) == 0)
			snprintf(lines[n++], 200, "%.199s", line);
	}
	fclose(f);
	return n;
}

/* lizard mode off, as 6.12 sends it when its node is opened (the
 * Controller) or gamepad mode comes on (the Deck); on again, as it sends
 * it when the Controller's node is closed */
static void test_commands_as_kernel(void **state)
{
	char want[4][200], got[200];
	struct capture_sink cs;
	struct hm_device *dev;
	unsigned n;

	(void)state;
	dev = make(&cs, 0x1102);
	n = kernel_cmds("steam-wired", "# open", want, 4);
	assert_int_equal(n, 2);
	assert_int_equal(fk.n, 2);
	for (unsigned i = 0; i < n; i++) {
		cmd_text(i, got, sizeof(got));
		assert_string_equal(got, want[i]);
	}
	hm_device_free(dev);
	n = kernel_cmds("steam-wired", "# close", want, 4);
	assert_int_equal(n, 2);
	assert_int_equal(fk.n, 4);
	for (unsigned i = 0; i < n; i++) {
		cmd_text(2 + i, got, sizeof(got));
		assert_string_equal(got, want[i]);
	}

	reset(NULL);
	dev = make(&cs, 0x1205);
	/* then two haptic pulses, the kernel's feedback for the mode switch */
	n = kernel_cmds("steam-deck", "# reports", want, 2);
	assert_int_equal(n, 2);
	for (unsigned i = 0; i < n; i++) {
		cmd_text(i, got, sizeof(got));
		assert_string_equal(got, want[i]);
	}
	hm_device_free(dev);
}

/* haptic-click = on: a tick under the pad pressed, the pulse the kernel
 * itself sends to the right pad on a mode switch (6.12's steam-deck.cmds);
 * off (the default): nothing */
static void test_haptic_click(void **state)
{
	static const uint8_t left[] = {0x8f, 0x08, 0x01, 0x90, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00};
	struct hm_device_settings set = HM_DEVICE_SETTINGS_INIT;
	char want[4][200], got[200];
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, 0x1102);
	uint8_t r[64];

	(void)state;
	report(r, 1);
	r[10] = 0x04; /* right pad click */
	fk.n = 0;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(fk.n, 0);
	report(r, 1);
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);

	set.haptic_click = 1;
	dev->module->configure(dev, &set);
	report(r, 1);
	r[10] = 0x04;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(fk.n, 1);
	/* the kernel's pulse for the right pad: the fourth command it sent
	 * for the Deck's mode switch */
	assert_int_equal(kernel_cmds("steam-deck", "# reports", want, 4), 4);
	cmd_text(0, got, sizeof(got));
	assert_string_equal(got, want[2]);
	/* held: no more; the left pad too: its own */
	r[10] = 0x06;
	assert_true(hm_device_process_report(dev, r, 64, 0) > 0);
	assert_int_equal(fk.n, 2);
	check_cmd(1, left, sizeof(left));
	hm_device_free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_controller_node, reset),
	    cmocka_unit_test_setup(test_deck_nodes, reset),
	    cmocka_unit_test_setup(test_other_interfaces_declined, reset),
	    cmocka_unit_test_setup(test_lizard_mode, reset),
	    cmocka_unit_test_setup(test_controller_buttons, reset),
	    cmocka_unit_test_setup(test_controller_axes, reset),
	    cmocka_unit_test_setup(test_wireless_slot, reset),
	    cmocka_unit_test_setup(test_slot_hotplug, reset),
	    cmocka_unit_test_setup(test_deck_report, reset),
	    cmocka_unit_test_setup(test_deck_rumble, reset),
	    cmocka_unit_test_setup(test_sc_rumble, reset),
	    cmocka_unit_test_setup(test_bad_reports, reset),
	    cmocka_unit_test_setup(test_commands_as_kernel, reset),
	    cmocka_unit_test_setup(test_haptic_click, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
