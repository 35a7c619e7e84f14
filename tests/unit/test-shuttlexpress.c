/* SPDX-License-Identifier: MIT */
/*
 * ShuttleXpress decoding against its documented report layout: byte 0 ring
 * (signed -7..7), byte 1 jog counter (+1 per clockwise detent, wraps),
 * bytes 3-4 a little-endian bitmap with the buttons at bits 4..8.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "module-select.h"

static struct hm_device *make(struct capture_sink *cs)
{
	struct hm_device_info info = {.bus = 3,
	                              .vendor = 0x0b33,
	                              .product = 0x0020,
	                              .name = "Contour Design ShuttleXpress",
	                              .path = "/dev/hidraw0"};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain, .sink = &cs->base};
	struct hm_device *dev = NULL;

	capture_init(cs);
	/* the registry picks the module */
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_string_equal(dev->module->name, "shuttlexpress");
	return dev;
}

static int send(struct hm_device *dev, uint8_t ring, uint8_t jog, uint16_t buttons)
{
	uint8_t r[5] = {ring, jog, 0, (uint8_t)(buttons & 0xff), (uint8_t)(buttons >> 8)};

	return hm_device_process_report(dev, r, sizeof(r), 0);
}

static int dial_sum(struct capture_sink *cs)
{
	int sum = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->ev[i].type == EV_REL && cs->ev[i].code == REL_DIAL)
			sum += cs->ev[i].value;
	return sum;
}

static void test_jog_deltas(void **state)
{
	static const struct {
		uint8_t from, to;
		int steps;
	} cases[] = {
	    {0x10, 0x11, 1},  {0x10, 0x0f, -1},  {0xff, 0x00, 1},
	    {0x00, 0xff, -1}, {0xfe, 0x02, 4},   {0x02, 0xfe, -4},
	    {0x80, 0x80, 0},  {0x00, 0x7f, 127}, {0x00, 0x81, -127},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture_sink cs;
		struct hm_device *dev = make(&cs);

		assert_int_equal(send(dev, 0, cases[i].from, 0), 1);
		assert_int_equal(cs.n, 0); /* the first counter is only a reference */
		assert_int_equal(send(dev, 0, cases[i].to, 0), 1);
		assert_int_equal(dial_sum(&cs), cases[i].steps);
		hm_device_free(dev);
	}
}

static void test_buttons_and_ring(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs);

	send(dev, 0, 0, 0);
	for (unsigned b = 0; b < 5; b++) {
		cs.n = 0;
		send(dev, 0, 0, (uint16_t)(1u << (4 + b)));
		/* one press (and the release of the previous button) */
		for (size_t i = 0; i < cs.n; i++)
			if (cs.ev[i].type == EV_KEY && cs.ev[i].value == 1)
				assert_int_equal(cs.ev[i].code, BTN_0 + b);
	}
	/* bits 0-3 and 9-15 are not buttons */
	cs.n = 0;
	send(dev, 0, 0, 0xfe0f);
	for (size_t i = 0; i < cs.n; i++)
		assert_false(cs.ev[i].type == EV_KEY && cs.ev[i].value == 1);

	cs.n = 0;
	send(dev, (uint8_t)-5, 0, 0);
	assert_int_equal(cs.ev[0].type, EV_ABS);
	assert_int_equal(cs.ev[0].code, ABS_WHEEL);
	assert_int_equal(cs.ev[0].value, -5);
	hm_device_free(dev);
}

static void test_bad_reports(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs);
	uint8_t shortr[4] = {0};

	assert_int_equal(hm_device_process_report(dev, shortr, sizeof(shortr), 0), -EBADMSG);
	assert_int_equal(send(dev, 8, 0, 0), -EBADMSG);
	assert_int_equal(send(dev, (uint8_t)-8, 0, 0), -EBADMSG);
	assert_int_equal(cs.n, 0);
	assert_int_equal(hm_device_get_stats(dev)->decode_errors, 3);
	hm_device_free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jog_deltas),
	    cmocka_unit_test(test_buttons_and_ring),
	    cmocka_unit_test(test_bad_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
