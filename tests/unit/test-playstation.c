/* SPDX-License-Identifier: MIT */
/*
 * The PlayStation core (devices/playstation.h): CRC32 against values
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

#include "playstation.h"

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

static int saved_stderr = -1;
static FILE *capture_file;

static void stderr_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(capture_file), STDERR_FILENO);
}

static unsigned stderr_end(void)
{
	char line[512];
	unsigned n = 0;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(capture_file);
	while (fgets(line, sizeof(line), capture_file)) {
		n++;
		fputs(line, stderr);
	}
	fclose(capture_file);
	return n;
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
	stderr_begin();
	assert_int_equal(ps_calibration_sanitize(&cal, "/dev/hidraw3"), 0);
	assert_int_equal(stderr_end(), 0);

	/* two degenerate axes: replaced, the others kept, one warning */
	for (int i = 0; i < 3; i++) {
		cal.gyro[i] = (struct ps_calibration_data){ABS_RX + i, 5, 1105920, 16000};
		cal.accel[i] = (struct ps_calibration_data){ABS_X + i, -3, 16384, 16384};
	}
	cal.gyro[1].sens_denom = 0;
	cal.accel[2].sens_denom = 0;
	stderr_begin();
	assert_int_equal(ps_calibration_sanitize(&cal, "/dev/hidraw3"), 2);
	assert_int_equal(stderr_end(), 1);
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
	stderr_begin();
	assert_int_equal(ps_calibration_sanitize(&cal, "/dev/hidraw3"), 6);
	assert_int_equal(stderr_end(), 1);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc_known_answers), cmocka_unit_test(test_output_seq),
	    cmocka_unit_test(test_calibrate),         cmocka_unit_test(test_calibration_fallback),
	    cmocka_unit_test(test_touch_point),       cmocka_unit_test(test_le_fields),
	    cmocka_unit_test(test_player_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
