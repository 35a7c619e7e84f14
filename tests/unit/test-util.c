/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util-strings.h"

static void test_safe_atoi(void **state)
{
	static const struct {
		const char *s;
		int r;
		int v;
	} cases[] = {
	    {"0", 0, 0},
	    {"42", 0, 42},
	    {"-7", 0, -7},
	    {"2147483647", 0, INT_MAX},
	    {"-2147483648", 0, INT_MIN},
	    {"2147483648", -ERANGE, 0},
	    {"99999999999999999999", -ERANGE, 0},
	    {"", -EINVAL, 0},
	    {" 1", -EINVAL, 0},
	    {"1 ", -EINVAL, 0},
	    {"1x", -EINVAL, 0},
	    {"0x10", -EINVAL, 0},
	    {"-", -EINVAL, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int v = 12345;
		int r = safe_atoi(cases[i].s, &v);

		assert_int_equal(r, cases[i].r);
		assert_int_equal(v, r == 0 ? cases[i].v : 12345); /* untouched on error */
	}
}

static void test_parse_duration(void **state)
{
	static const struct {
		const char *s;
		uint64_t max;
		int r;
		uint64_t v;
	} cases[] = {
	    {"250", 10000000, 0, 250000},
	    {"250ms", 10000000, 0, 250000},
	    {"3s", 10000000, 0, 3000000},
	    {"1.5s", 10000000, 0, 1500000},
	    {"0", 10000000, 0, 0},
	    {"0.5ms", 10000000, 0, 500},
	    {"40us", 10000000, 0, 40},
	    {"10s", 10000000, 0, 10000000},
	    {"11s", 10000000, -ERANGE, 0},
	    {"10.000001s", 10000000, -ERANGE, 0},
	    {"", 10000000, -EINVAL, 0},
	    {"ms", 10000000, -EINVAL, 0},
	    {"s", 10000000, -EINVAL, 0},
	    {"-1s", 10000000, -EINVAL, 0},
	    {"3 s", 10000000, -EINVAL, 0},
	    {"3min", 10000000, -EINVAL, 0},
	    {"99999999999999999999s", 10000000, -ERANGE, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 777;
		int r = parse_duration(cases[i].s, cases[i].max, &v);

		if (r != cases[i].r)
			print_error("'%s': %d\n", cases[i].s, r);
		assert_int_equal(r, cases[i].r);
		assert_int_equal(v, r == 0 ? cases[i].v : 777);
	}
}

static void test_safe_atous(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t v;
	} cases[] = {
	    {"0", 0, 0},
	    {"1", 0, 1000000},
	    {"0.000001", 0, 1},
	    {"1.5", 0, 1500000},
	    {"12.0000019", 0, 12000001}, /* digits past microseconds are cut */
	    {"000000.000024", 0, 24},
	    {".5", -EINVAL, 0},
	    {"1.", -EINVAL, 0},
	    {"-1", -EINVAL, 0},
	    {"1.2.3", -EINVAL, 0},
	    {"1e3", -EINVAL, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 777;
		int r = safe_atous(cases[i].s, &v);

		assert_int_equal(r, cases[i].r);
		if (r == 0)
			assert_int_equal(v, cases[i].v);
		else
			assert_int_equal(v, 777);
	}
}

static void test_parse_vid_pid(void **state)
{
	uint16_t v = 0, p = 0;

	assert_int_equal(parse_vid_pid("0b33:0020", &v, &p), 0);
	assert_int_equal(v, 0x0b33);
	assert_int_equal(p, 0x0020);
	assert_int_equal(parse_vid_pid("FFFF:1", &v, &p), 0);
	assert_int_equal(v, 0xffff);
	assert_int_equal(p, 1);
	assert_int_equal(parse_vid_pid("12345:0001", &v, &p), -EINVAL);
	assert_int_equal(parse_vid_pid("0b33", &v, &p), -EINVAL);
	assert_int_equal(parse_vid_pid("0b33:", &v, &p), -EINVAL);
	assert_int_equal(parse_vid_pid(":0020", &v, &p), -EINVAL);
	assert_int_equal(parse_vid_pid("0x33:0020", &v, &p), -EINVAL);
	assert_int_equal(parse_vid_pid("0b33:00g0", &v, &p), -EINVAL);
	assert_int_equal(parse_vid_pid("0b33:-020", &v, &p), -EINVAL);
}

static void test_parse_boolean(void **state)
{
	bool b = false;

	assert_int_equal(parse_boolean("yes", &b), 0);
	assert_true(b);
	assert_int_equal(parse_boolean("Off", &b), 0);
	assert_false(b);
	assert_int_equal(parse_boolean("1", &b), 0);
	assert_true(b);
	assert_int_equal(parse_boolean("maybe", &b), -EINVAL);
	assert_int_equal(parse_boolean("", &b), -EINVAL);
}

static void test_strstrip(void **state)
{
	char a[] = "  hello world \t\n";
	char b[] = "";
	char c[] = "   ";

	assert_string_equal(strstrip(a), "hello world");
	assert_string_equal(strstrip(b), "");
	assert_string_equal(strstrip(c), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_safe_atoi),      cmocka_unit_test(test_safe_atous),
	    cmocka_unit_test(test_parse_duration), cmocka_unit_test(test_parse_vid_pid),
	    cmocka_unit_test(test_parse_boolean),  cmocka_unit_test(test_strstrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
