/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

static void test_parse_hex_bytes(void **state)
{
	uint8_t buf[4];

	assert_int_equal(parse_hex_bytes("", buf, sizeof(buf)), 0);
	assert_int_equal(parse_hex_bytes(" \t\r\n", buf, sizeof(buf)), 0);
	assert_int_equal(parse_hex_bytes("01 aB\tFF 7e\n", buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "\x01\xab\xff\x7e", 4);
	assert_int_equal(parse_hex_bytes("01 02 03 04 05", buf, sizeof(buf)), -E2BIG);
	assert_int_equal(parse_hex_bytes("1 02", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(parse_hex_bytes("012", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(parse_hex_bytes("0102", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(parse_hex_bytes("0g", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(parse_hex_bytes("0x01", buf, sizeof(buf)), -EINVAL);
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

/* Expected escapes from the definitions: C0 is 0x00..0x1f and DEL 0x7f
 * (ECMA-48 / ISO 6429), C1 is U+0080..U+009F (in UTF-8 C2 80..C2 9F), valid
 * UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing
 * above U+10FFFF). */
static void test_str_escape_control(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", ""},
	    {"Logitech USB Receiver", "Logitech USB Receiver"},
	    {"back\\slash \"quoted\"", "back\\slash \"quoted\""},
	    /* valid UTF-8 of 2, 3 and 4 bytes: e-acute, keyboard U+2328, U+1F3AE */
	    {"Caf\xc3\xa9 \xe2\x8c\xa8 \xf0\x9f\x8e\xae",
	     "Caf\xc3\xa9 \xe2\x8c\xa8 \xf0\x9f\x8e\xae"},
	    /* ESC [ 2 J: erase the display */
	    {"Evil\x1b[2JPad", "Evil\\x1b[2JPad"},
	    {"a\nb\tc\rd\x07"
	     "e\x7f",
	     "a\\x0ab\\x09c\\x0dd\\x07e\\x7f"},
	    {"\x01\x1f", "\\x01\\x1f"},
	    /* C1: U+009B CSI, U+0085 NEL; U+00A0 (no-break space) is not one */
	    {"\xc2\x9b"
	     "2J \xc2\x85 \xc2\xa0",
	     "\\xc2\\x9b"
	     "2J \\xc2\\x85 \xc2\xa0"},
	    /* invalid: a lone continuation byte, 0xff, overlong '/', a
	     * surrogate U+D800, above U+10FFFF, a sequence cut short */
	    {"\x80", "\\x80"},
	    {"x\xffy", "x\\xffy"},
	    {"\xc0\xaf", "\\xc0\\xaf"},
	    {"\xe0\x80\xaf", "\\xe0\\x80\\xaf"},
	    {"\xed\xa0\x80", "\\xed\\xa0\\x80"},
	    {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},
	    {"\xe2\x8c", "\\xe2\\x8c"},
	    {"\xe2\x8cZ", "\\xe2\\x8cZ"},
	};
	char buf[STR_ESCAPED_SIZE(32)], again[sizeof(buf)], full[STR_ESCAPED_SIZE(16)];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(strlen(cases[i].in) <= 32);
		assert_ptr_equal(str_escape_control(cases[i].in, buf, sizeof(buf)), buf);
		assert_string_equal(buf, cases[i].out);
		/* escaping twice changes nothing */
		assert_string_equal(str_escape_control(buf, again, sizeof(again)), buf);
	}
	/* all 16 bytes escaped: STR_ESCAPED_SIZE(16) is enough */
	str_escape_control("\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b", full,
	                   sizeof(full));
	assert_int_equal(strlen(full), 64);
	/* truncation at a character, never inside an escape or a sequence */
	assert_string_equal(str_escape_control("ab\x1b"
	                                       "c",
	                                       buf, 6),
	                    "ab");
	assert_string_equal(str_escape_control("ab\x1b"
	                                       "c",
	                                       buf, 7),
	                    "ab\\x1b");
	assert_string_equal(str_escape_control("a\xc3\xa9", buf, 3), "a");
	assert_string_equal(str_escape_control("a\xc3\xa9", buf, 4), "a\xc3\xa9");
	assert_string_equal(str_escape_control("abc", buf, 1), "");
}

/* The log's escaping is status's: ESC, CR, BEL and DEL of a device name
 * or a config word never reach the journal raw; several in one call. */
static void test_log_escape(void **state)
{
	char line[512], longname[600];

	snprintf(line, sizeof(line), "%s|%s|%s", log_escape("Evil\x1b]0;title\x07Pad\r\x7f"),
	         log_escape("plain"), log_escape(NULL));
	assert_string_equal(line, "Evil\\x1b]0;title\\x07Pad\\x0d\\x7f|plain|(null)");
	/* the same as status's helper, for any input */
	{
		char buf[STR_ESCAPED_SIZE(64)];
		const char *in = "\xc2\x9b"
		                 "31m \xff x\n";

		assert_string_equal(log_escape(in), str_escape_control(in, buf, sizeof(buf)));
	}
	/* a long one is cut, still escaped */
	memset(longname, '\x1b', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(strlen(log_escape(longname)), 4 * LOG_ESCAPE_MAX);
	assert_null(strchr(log_escape(longname), '\x1b'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_safe_atoi),          cmocka_unit_test(test_safe_atous),
	    cmocka_unit_test(test_parse_duration),     cmocka_unit_test(test_parse_vid_pid),
	    cmocka_unit_test(test_parse_boolean),      cmocka_unit_test(test_strstrip),
	    cmocka_unit_test(test_str_escape_control), cmocka_unit_test(test_log_escape),
	    cmocka_unit_test(test_parse_hex_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
