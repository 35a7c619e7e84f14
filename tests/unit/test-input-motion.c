/* SPDX-License-Identifier: MIT */
/*
 * The motion-sensor helper (input-motion.c) through a real device core
 * and its input-core emulation (vdev.c).  Expectations are worked out by
 * hand from Linux's drivers/hid/hid-playstation.c: ps_sensors_create()
 * (capabilities, fuzz 16, resolutions DS_ACC_RES_PER_G 8192 and
 * DS_GYRO_RES_PER_DEG_S 1024, ranges 4 g and 2048 °/s),
 * dualsense_parse_report() (gyro, accelerometer, then MSC_TIMESTAMP; the
 * 32-bit counter of 1/3 µs: DIV_ROUND_CLOSEST(counter, 3) on a u32, then
 * the advance modulo 2^32 added to a u32 sum) and
 * dualshock4_parse_report() (16-bit counter of 16/3 µs), with
 * drivers/input/input.c's fuzz filter (input_defuzz_abs_event()) and
 * EV_MSC passed as it comes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "input-motion.h"

static const struct hm_motion_params dualsense = {
    .suffix = "Motion Sensors",
    .accel_range = HM_MOTION_PS_ACC_RANGE,
    .accel_res = HM_MOTION_PS_ACC_RES_PER_G,
    .gyro_range = HM_MOTION_PS_GYRO_RANGE,
    .gyro_res = HM_MOTION_PS_GYRO_RES_PER_DEG_S,
    .counter_bits = 32,
    .tick_num = 1,
    .tick_den = 3,
};

static const struct hm_motion_params dualshock4 = {
    .suffix = "Motion Sensors",
    .accel_range = HM_MOTION_PS_ACC_RANGE,
    .accel_res = HM_MOTION_PS_ACC_RES_PER_G,
    .gyro_range = HM_MOTION_PS_GYRO_RANGE,
    .gyro_res = HM_MOTION_PS_GYRO_RES_PER_DEG_S,
    .counter_bits = 16,
    .tick_num = 16,
    .tick_den = 3,
};

/* report: accel x, y, z, gyro x, y, z as le16, then the counter as le32 */
static int motion_probe(struct hm_device *dev)
{
	struct libevdev *caps;

	/* a gamepad node first, as hid-playstation creates it first */
	assert_int_equal(hm_device_add_output(dev, "pad", &caps), 0);
	libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL);
	assert_int_equal(hm_motion_add_output(dev->priv, dev, &dualsense), 1);
	return 0;
}

static int motion_decode(struct hm_device *dev, const uint8_t *d, size_t size, uint64_t t)
{
	int accel[3], gyro[3];

	for (int i = 0; i < 3; i++) {
		accel[i] = (int16_t)(d[2 * i] | d[2 * i + 1] << 8);
		gyro[i] = (int16_t)(d[6 + 2 * i] | d[6 + 2 * i + 1] << 8);
	}
	hm_motion_report(dev->priv, accel, gyro,
	                 (uint32_t)d[12] | (uint32_t)d[13] << 8 | (uint32_t)d[14] << 16 |
	                     (uint32_t)d[15] << 24);
	return 1;
}

static const struct hm_module motion_module = {
    .name = "motion",
    .priv_size = sizeof(struct hm_motion),
    .probe = motion_probe,
    .decode = motion_decode,
};

static const struct hm_device_info info = {
    .bus = 3, .vendor = 0x054c, .product = 0x0ce6, .name = "fake pad", .path = "/dev/hidraw9"};

static struct capture_sink cs;

static struct hm_device *make(void)
{
	struct hm_device_setup setup = {.module = &motion_module, .sink = &cs.base};
	struct hm_device *dev = NULL;

	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	return dev;
}

static void sample(struct hm_device *dev, const int16_t accel[3], const int16_t gyro[3],
                   uint32_t counter)
{
	uint8_t r[16];

	for (int i = 0; i < 3; i++) {
		r[2 * i] = (uint8_t)accel[i], r[2 * i + 1] = (uint8_t)((uint16_t)accel[i] >> 8);
		r[6 + 2 * i] = (uint8_t)gyro[i], r[7 + 2 * i] = (uint8_t)((uint16_t)gyro[i] >> 8);
	}
	for (int i = 0; i < 4; i++)
		r[12 + i] = (uint8_t)(counter >> (8 * i));
	cs.n = 0;
	assert_int_equal(hm_device_process_report(dev, r, sizeof(r), 0), 1);
}

static void expect_event(size_t i, unsigned type, unsigned code, int value)
{
	assert_true(i < cs.n);
	assert_int_equal(cs.ev[i].dev, 1);
	assert_int_equal(cs.ev[i].type, type);
	assert_int_equal(cs.ev[i].code, code);
	assert_int_equal(cs.ev[i].value, value);
}

static void test_capabilities(void **state)
{
	struct hm_device *dev = make();
	const struct libevdev *c = hm_device_output_caps(dev, 1);
	static const unsigned accel[] = {ABS_X, ABS_Y, ABS_Z};
	static const unsigned gyro[] = {ABS_RX, ABS_RY, ABS_RZ};

	assert_int_equal(hm_device_noutputs(dev), 2);
	/* ps_allocate_input_dev(): "%s %s", hdev->name, "Motion Sensors" */
	assert_string_equal(libevdev_get_name(c), "fake pad Motion Sensors");
	assert_true(libevdev_has_property(c, INPUT_PROP_ACCELEROMETER));
	assert_true(libevdev_has_event_code(c, EV_MSC, MSC_TIMESTAMP));
	assert_false(libevdev_has_event_type(c, EV_KEY));
	for (int i = 0; i < 3; i++) {
		const struct input_absinfo *a = libevdev_get_abs_info(c, accel[i]);
		const struct input_absinfo *g = libevdev_get_abs_info(c, gyro[i]);

		assert_non_null(a);
		assert_int_equal(a->minimum, -32768); /* DS_ACC_RANGE, 4 * 8192 */
		assert_int_equal(a->maximum, 32768);
		assert_int_equal(a->fuzz, 16);
		assert_int_equal(a->flat, 0);
		assert_int_equal(a->resolution, 8192);
		assert_non_null(g);
		assert_int_equal(g->minimum, -2097152); /* DS_GYRO_RANGE, 2048 * 1024 */
		assert_int_equal(g->maximum, 2097152);
		assert_int_equal(g->fuzz, 16);
		assert_int_equal(g->flat, 0);
		assert_int_equal(g->resolution, 1024);
	}
	hm_device_free(dev);
}

/*
 * Two samples: the order of dualsense_parse_report(), the axes at 0
 * dropped (unchanged), the fuzz filter on the second sample and
 * MSC_TIMESTAMP in every frame.
 */
static void test_samples(void **state)
{
	struct hm_device *dev = make();

	/* counter 300 ticks of 1/3 µs: (300 + 1) / 3 = 100 µs */
	sample(dev, (const int16_t[]){0, 8192, 0}, (const int16_t[]){100, -100, 0}, 300);
	assert_int_equal(cs.n, 5);
	expect_event(0, EV_ABS, ABS_RX, 100);
	expect_event(1, EV_ABS, ABS_RY, -100);
	expect_event(2, EV_ABS, ABS_Y, 8192);
	expect_event(3, EV_MSC, MSC_TIMESTAMP, 100);
	expect_event(4, EV_SYN, SYN_REPORT, 0);

	/* RX 105 is within fuzz/2 of 100: kept at 100.  RY -120 is within
	 * fuzz*2 (32) but not fuzz (16): (-100 + -120) / 2 = -110.  Y 8200
	 * within fuzz: (3 * 8192 + 8200) / 4 = 8194.  +3 ticks: +1 µs. */
	sample(dev, (const int16_t[]){0, 8200, 0}, (const int16_t[]){105, -120, 0}, 303);
	assert_int_equal(cs.n, 4);
	expect_event(0, EV_ABS, ABS_RY, -110);
	expect_event(1, EV_ABS, ABS_Y, 8194);
	expect_event(2, EV_MSC, MSC_TIMESTAMP, 101);
	expect_event(3, EV_SYN, SYN_REPORT, 0);

	/* the same values again: RY, at -110, is still within fuzz of -120
	 * (not within fuzz/2): (3 * -110 + -120) / 4 = -112 (C division
	 * truncates); Y, at 8194, is within fuzz/2 of 8200: kept */
	sample(dev, (const int16_t[]){0, 8200, 0}, (const int16_t[]){105, -120, 0}, 306);
	assert_int_equal(cs.n, 3);
	expect_event(0, EV_ABS, ABS_RY, -112);
	expect_event(1, EV_MSC, MSC_TIMESTAMP, 102);
	hm_device_free(dev);
}

static struct hm_motion clock_of(const struct hm_motion_params *p)
{
	return (struct hm_motion){.params = *p};
}

/* The DualSense's 32-bit counter wrapping, and the u32 sum wrapping. */
static void test_timestamp_32(void **state)
{
	struct hm_motion m = clock_of(&dualsense);

	/* DIV_ROUND_CLOSEST(0xfffffffd, 3) = 0xfffffffe / 3 = 1431655764 */
	assert_int_equal(hm_motion_timestamp(&m, 0xfffffffd), 1431655764);
	/* prev > counter: delta = U32_MAX - 0xfffffffd + 2 + 1 = 5; (5 + 1) / 3 = 2 */
	assert_int_equal(hm_motion_timestamp(&m, 2), 1431655766);
	/* no advance, nothing added */
	assert_int_equal(hm_motion_timestamp(&m, 2), 1431655766);

	/* half a wrap at a time: each adds (2^31 + 1) / 3 = 715827883; six
	 * of them are 4294967298 = 2^32 + 2: the u32 sum wraps to 2 */
	m = clock_of(&dualsense);
	assert_int_equal(hm_motion_timestamp(&m, 0), 0);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(hm_motion_timestamp(&m, (i & 1) ? 0x80000000u : 0),
		                 (uint32_t)(715827883u * (uint32_t)i));
	assert_int_equal(hm_motion_timestamp(&m, 0), 2);

	/* the first sample at U32_MAX: the u32 sum in DIV_ROUND_CLOSEST
	 * wraps, 0xffffffff + 1 = 0, so the kernel starts at 0 */
	m = clock_of(&dualsense);
	assert_int_equal(hm_motion_timestamp(&m, 0xffffffff), 0);
	/* then 1 tick: (1 + 1) / 3 = 0 */
	assert_int_equal(hm_motion_timestamp(&m, 0), 0);
	/* and 2 more: (2 + 1) / 3 = 1 */
	assert_int_equal(hm_motion_timestamp(&m, 2), 1);
}

/* The DualShock 4's 16-bit counter of 16/3 µs. */
static void test_timestamp_16(void **state)
{
	struct hm_motion m = clock_of(&dualshock4);

	/* DIV_ROUND_CLOSEST(65535 * 16, 3) = 1048561 / 3 = 349520 */
	assert_int_equal(hm_motion_timestamp(&m, 0xffff), 349520);
	/* delta = U16_MAX - 65535 + 1 + 1 = 2: (32 + 1) / 3 = 11 */
	assert_int_equal(hm_motion_timestamp(&m, 1), 349531);
	/* delta 100: (1600 + 1) / 3 = 533 */
	assert_int_equal(hm_motion_timestamp(&m, 101), 350064);
	/* only the counter's 16 bits count: 0x10065 is 101, no advance */
	assert_int_equal(hm_motion_timestamp(&m, 0x10065), 350064);
}

static int bad_probe(struct hm_device *dev)
{
	struct hm_motion_params p = dualsense;
	struct hm_motion *m = dev->priv;

	p.suffix = NULL;
	assert_int_equal(hm_motion_add_output(m, dev, &p), -EINVAL);
	p = dualsense, p.gyro_res = 0;
	assert_int_equal(hm_motion_add_output(m, dev, &p), -EINVAL);
	p = dualsense, p.accel_range = -1;
	assert_int_equal(hm_motion_add_output(m, dev, &p), -EINVAL);
	p = dualsense, p.counter_bits = 24;
	assert_int_equal(hm_motion_add_output(m, dev, &p), -EINVAL);
	p = dualsense, p.tick_den = 0;
	assert_int_equal(hm_motion_add_output(m, dev, &p), -EINVAL);
	assert_int_equal(hm_device_noutputs(dev), 0);
	return 0;
}

static void test_bad_params(void **state)
{
	static const struct hm_module bad = {
	    .name = "bad", .priv_size = sizeof(struct hm_motion), .probe = bad_probe};
	struct hm_device_setup setup = {.module = &bad, .sink = &cs.base};
	struct hm_device *dev = NULL;

	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	hm_device_free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capabilities), cmocka_unit_test(test_samples),
	    cmocka_unit_test(test_timestamp_32), cmocka_unit_test(test_timestamp_16),
	    cmocka_unit_test(test_bad_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
