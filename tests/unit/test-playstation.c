/* SPDX-License-Identifier: MIT */
/*
 * The PlayStation core (devices/playstation/playstation.h): CRC32 against values
 * computed independently (python3 -c "import zlib; ..."), hid-playstation's
 * mult_frac() calibration worked out by hand, the fallback for degenerate
 * calibration, touch point packing, sequence and player numbers.  The
 * nodes the core creates are checked through the dualsense module
 * (test-dualsense.c).
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
#include "playstation.h"
#include "stderr-capture.h"

static void test_crc_known_answers(void **state)
{
	uint8_t zeros[78] = {0};
	uint8_t buf[13] = "123456789";

	(void)state;
	/* zlib.crc32(bytes([0xa1]) + b"123456789") */
	assert_int_equal(ps_crc32(0xA1, buf, 9), 0x88ed2411u);
	/* zlib.crc32(bytes([0xa2]) + bytes(74)): an all-zero BT output */
	assert_int_equal(ps_crc32(0xA2, zeros, 74), 0x0eaa90a9u);
	/* put: little-endian in the last 4 bytes; check accepts it */
	ps_crc32_put(0xA2, zeros, 78);
	assert_int_equal(zeros[74], 0xa9);
	assert_int_equal(zeros[75], 0x90);
	assert_int_equal(zeros[76], 0xaa);
	assert_int_equal(zeros[77], 0x0e);
	assert_true(ps_crc32_check(0xA2, zeros, 78));
	/* another seed, a flipped bit, too short: refused */
	assert_false(ps_crc32_check(0xA1, zeros, 78));
	zeros[3] ^= 0x10;
	assert_false(ps_crc32_check(0xA2, zeros, 78));
	assert_false(ps_crc32_check(0xA2, zeros, 4));
	assert_false(ps_crc32_check(0xA2, zeros, 0));
	/* "123456789" + its CRC with seed 0xA1 */
	ps_put_le32(buf + 9, 0x88ed2411u);
	assert_true(ps_crc32_check(0xA1, buf, 13));
}

static void test_output_seq(void **state)
{
	uint8_t seq = 0;

	(void)state;
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(ps_output_seq_next(&seq), i % 16);
}

static void test_calibrate(void **state)
{
	/* numer, denom, bias, raw -> mult_frac(numer, raw - bias, denom):
	 * q = numer / denom, r = numer % denom, q * n + r * n / denom */
	static const struct {
		int numer, denom, bias, raw, want;
	} cases[] = {
	    /* (540 + 540) * 1024 over 8000 - -8000: q 69, r 1920 */
	    {1105920, 16000, 0, 160, 11059},   /* 11040 + 19 */
	    {1105920, 16000, 0, -160, -11059}, /* -11040 - 19 */
	    {1105920, 16000, 10, 160, 10368},  /* 69 * 150 + 288000 / 16000 */
	    {1105920, 16000, 0, 0, 0},
	    /* the fallback: 2097152 over 32767: q 64, r 64 */
	    {2097152, 32767, 0, 160, 10240},       /* 10240 + 10240 / 32767 */
	    {2097152, 32767, 0, 32767, 2097152},   /* 2097088 + 64 */
	    {2097152, 32767, 0, -32768, -2097216}, /* -2097152 - 64 */
	    /* accelerometer, 2 * 8192 over 16384, bias from the limits */
	    {16384, 16384, 0, 8192, 8192},
	    {16384, 16300, 42, 8234, 8234}, /* q 1, r 84: 8192 + 688128 / 16300 = 8192 + 42 */
	    {32768, 32767, 0, 8192, 8192},  /* q 1, r 1: 8192 + 0 */
	    /* a negative denominator (minus above plus) */
	    {1105920, -16000, 0, 160, -11059},
	    /* never divides by zero */
	    {1105920, 0, 0, 160, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ps_calibration_data c = {.abs_code = ABS_RX,
		                                .bias = (int16_t)cases[i].bias,
		                                .sens_numer = cases[i].numer,
		                                .sens_denom = cases[i].denom};

		assert_int_equal(ps_calibrate(&c, cases[i].raw), cases[i].want);
	}
}

static void test_calibration_fallback(void **state)
{
	struct ps_calibration cal;

	(void)state;
	/* the defaults are the kernel's "disabling calibration" values */
	ps_calibration_default(&cal);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cal.gyro[i].abs_code, ABS_RX + i);
		assert_int_equal(cal.gyro[i].bias, 0);
		assert_int_equal(cal.gyro[i].sens_numer, 2048 * 1024);
		assert_int_equal(cal.gyro[i].sens_denom, 32767);
		assert_int_equal(cal.accel[i].abs_code, ABS_X + i);
		assert_int_equal(cal.accel[i].bias, 0);
		assert_int_equal(cal.accel[i].sens_numer, 4 * 8192);
		assert_int_equal(cal.accel[i].sens_denom, 32767);
	}
	/* nothing to replace: no warning */
	stderr_capture_begin();
	assert_int_equal(ps_calibration_sanitize(&cal, "/dev/hidraw3"), 0);
	assert_int_equal(stderr_capture_end(NULL), 0);

	/* two degenerate axes: replaced, the others kept, one warning */
	for (int i = 0; i < 3; i++) {
		cal.gyro[i] = (struct ps_calibration_data){ABS_RX + i, 5, 1105920, 16000};
		cal.accel[i] = (struct ps_calibration_data){ABS_X + i, -3, 16384, 16384};
	}
	cal.gyro[1].sens_denom = 0;
	cal.accel[2].sens_denom = 0;
	stderr_capture_begin();
	assert_int_equal(ps_calibration_sanitize(&cal, "/dev/hidraw3"), 2);
	assert_int_equal(stderr_capture_end(NULL), 1);
	assert_int_equal(cal.gyro[1].bias, 0);
	assert_int_equal(cal.gyro[1].sens_numer, 2097152);
	assert_int_equal(cal.gyro[1].sens_denom, 32767);
	assert_int_equal(cal.accel[2].sens_numer, 32768);
	assert_int_equal(cal.accel[2].sens_denom, 32767);
	assert_int_equal(cal.gyro[0].bias, 5);
	assert_int_equal(cal.gyro[2].sens_denom, 16000);
	assert_int_equal(cal.accel[0].bias, -3);

	/* all six zero (a clone's all-zero report): still one warning */
	memset(&cal, 0, sizeof(cal));
	stderr_capture_begin();
	assert_int_equal(ps_calibration_sanitize(&cal, "/dev/hidraw3"), 6);
	assert_int_equal(stderr_capture_end(NULL), 1);
	assert_int_equal(cal.gyro[2].abs_code, ABS_RZ);
	assert_int_equal(cal.accel[0].abs_code, ABS_X);
}

static void test_touch_point(void **state)
{
	/* contact byte (bit 7: not touching, bits 0-6 id), then
	 * x = b1 | (b2 & 0x0f) << 8, y = b2 >> 4 | b3 << 4 */
	static const struct {
		uint8_t b[4];
		bool active;
		uint8_t id;
		int x, y;
	} cases[] = {
	    {{0x05, 100, 0x80, 12}, true, 5, 100, 200},
	    {{0x85, 0xff, 0xff, 0xff}, false, 5, 4095, 4095},
	    {{0x7f, 0x7f, 0x43, 0x21}, true, 0x7f, 0x37f, 0x214},
	    {{0x00, 0x7f, 0x07, 0x43}, true, 0, 1919, 1072},
	    {{0x80, 0, 0, 0}, false, 0, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ps_touch_point pt;

		ps_touch_point_unpack(cases[i].b, &pt);
		assert_int_equal(pt.active, cases[i].active);
		assert_int_equal(pt.id, cases[i].id);
		assert_int_equal(pt.x, cases[i].x);
		assert_int_equal(pt.y, cases[i].y);
	}
}

static void test_le_fields(void **state)
{
	static const uint8_t b[] = {0x34, 0x12, 0x00, 0x80, 0x78, 0x56, 0x34, 0x12};

	(void)state;
	assert_int_equal(ps_get_le16(b), 0x1234);
	assert_int_equal(ps_get_s16(b + 2), -32768);
	assert_int_equal(ps_get_le32(b + 4), 0x12345678u);
}

static void test_player_ids(void **state)
{
	int a, b, c;

	(void)state;
	a = ps_player_id_alloc();
	b = ps_player_id_alloc();
	c = ps_player_id_alloc();
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(c, 2);
	ps_player_id_free(b);
	assert_int_equal(ps_player_id_alloc(), 1);
	ps_player_id_free(-1); /* ignored */
	ps_player_id_free(a);
	ps_player_id_free(1);
	ps_player_id_free(c);
	assert_int_equal(ps_player_id_alloc(), 0);
	ps_player_id_free(0);
}

/* ---- ps_features_start() through a module of its own ---- */

static struct {
	/* the device: per feature ID, how many bad replies before a good one
	 * (-1: never a good one), and whether it adds a BT CRC */
	int bad_first[256];
	bool crc_on[256];
	unsigned asked[256];
	/* the module: what it asks, what it got */
	struct ps_feature list[4];
	unsigned n;
	struct ps_feature_rule rules[4];
	unsigned nrules;
	bool bt;
	unsigned replies, nulls, done;
	struct ps_features f;
} ft;

static int ft_get_feature(void *userdata, uint8_t *b, size_t size)
{
	uint8_t id = b[0];
	unsigned asked = ft.asked[id]++;

	(void)userdata;
	memset(b, 0, size);
	if (ft.bad_first[id] < 0 || (int)asked < ft.bad_first[id]) {
		b[0] = (uint8_t)(id + 1); /* another report's answer */
		return (int)size;
	}
	b[0] = id;
	b[1] = 0x42;
	if (ft.crc_on[id])
		ps_crc32_put(PS_FEATURE_CRC32_SEED, b, size);
	return (int)size;
}

static void ft_reply(struct hm_device *dev, uint8_t id, const uint8_t *data, size_t size,
                     void *userdata)
{
	(void)dev, (void)id, (void)size, (void)userdata;
	if (data) {
		assert_int_equal(data[1], 0x42);
		ft.replies++;
	} else {
		ft.nulls++;
	}
}

static void ft_done(struct hm_device *dev, void *userdata)
{
	(void)dev, (void)userdata;
	ft.done++;
}

static int ft_probe(struct hm_device *dev)
{
	struct ps_features *f = &ft.f;

	return ps_features_start_rules(f, dev, ft.list, ft.n, ft.bt, ft.rules, ft.nrules, ft_reply,
	                               ft_done, NULL);
}

static const struct hm_module ft_module = {.name = "pstest", .probe = ft_probe};

static const struct hm_transport ft_transport = {.get_feature = ft_get_feature};

static struct hm_device *ft_make(struct capture_sink *cs)
{
	struct hm_device_info info = {.bus = 5,
	                              .vendor = 1,
	                              .product = 2,
	                              .name = "pad",
	                              .path = "/dev/hidraw5",
	                              .interface = -1};
	struct hm_device_setup setup = {
	    .module = &ft_module, .sink = &cs->base, .transport = &ft_transport};
	struct hm_device *dev = NULL;

	capture_init(cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	return dev;
}

static void test_features_retries(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	memset(&ft, 0, sizeof(ft));
	ft.bt = true;
	/* 0x02: two bad answers, then good, 2 retries: read; 0xa3: no CRC,
	 * exempt; 0x05: CRC expected and missing: bad, one warning */
	ft.list[0] = (struct ps_feature){0x02, 37};
	ft.list[1] = (struct ps_feature){0xa3, 49};
	ft.list[2] = (struct ps_feature){0x05, 41};
	ft.n = 3;
	ft.rules[0] = (struct ps_feature_rule){.id = 0x02, .retries = 2};
	ft.rules[1] = (struct ps_feature_rule){.id = 0xa3, .flags = PS_FEATURE_NO_CRC};
	ft.nrules = 2;
	ft.bad_first[0x02] = 2;
	ft.crc_on[0x02] = true;
	stderr_capture_begin();
	dev = ft_make(&cs);
	assert_int_equal(stderr_capture_end(NULL), 1);
	assert_int_equal(ft.asked[0x02], 3);
	assert_int_equal(ft.asked[0xa3], 1);
	assert_int_equal(ft.asked[0x05], 1);
	assert_int_equal(ft.replies, 2);
	assert_int_equal(ft.nulls, 1);
	assert_int_equal(ft.done, 1);
	assert_true(ps_features_done(&ft.f));
	assert_false(hm_device_initializing(dev));
	hm_device_free(dev);

	/* never a good answer: the retries run out, the sequence goes on */
	memset(&ft, 0, sizeof(ft));
	ft.list[0] = (struct ps_feature){0x02, 37};
	ft.list[1] = (struct ps_feature){0x12, 16};
	ft.n = 2;
	ft.rules[0] = (struct ps_feature_rule){.id = 0x02, .retries = 2};
	ft.nrules = 1;
	ft.bad_first[0x02] = -1;
	stderr_capture_begin();
	dev = ft_make(&cs);
	assert_int_equal(stderr_capture_end(NULL), 1);
	assert_int_equal(ft.asked[0x02], 3);
	assert_int_equal(ft.asked[0x12], 1);
	assert_int_equal(ft.replies, 1);
	assert_int_equal(ft.nulls, 1);
	assert_int_equal(ft.done, 1);
	hm_device_free(dev);
}

static void test_features_bad_list(void **state)
{
	struct capture_sink cs;
	struct hm_device_info info = {.bus = 3,
	                              .vendor = 1,
	                              .product = 2,
	                              .name = "pad",
	                              .path = "/dev/hidraw5",
	                              .interface = -1};
	struct hm_device_setup setup = {.module = &ft_module, .sink = &cs.base};
	struct hm_device *dev = NULL;

	(void)state;
	memset(&ft, 0, sizeof(ft));
	capture_init(&cs);
	/* no features, or one of 1 byte: refused, the probe fails */
	assert_true(hm_device_new(&info, NULL, 0, &setup, &dev) < 0);
	ft.list[0] = (struct ps_feature){0x02, 1};
	ft.n = 1;
	assert_true(hm_device_new(&info, NULL, 0, &setup, &dev) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc_known_answers), cmocka_unit_test(test_output_seq),
	    cmocka_unit_test(test_calibrate),         cmocka_unit_test(test_calibration_fallback),
	    cmocka_unit_test(test_touch_point),       cmocka_unit_test(test_le_fields),
	    cmocka_unit_test(test_player_ids),        cmocka_unit_test(test_features_retries),
	    cmocka_unit_test(test_features_bad_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
