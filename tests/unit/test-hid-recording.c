/* SPDX-License-Identifier: MIT */
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

#include "hid-recording.h"

static char *write_tmp(const char *content)
{
	char *path = strdup("/tmp/test-recording-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static int load(const char *content, struct hm_recording **rec)
{
	char *path = write_tmp(content);
	int r = hm_recording_load(path, rec);

	unlink(path);
	free(path);
	return r;
}

static void test_good(void **state)
{
	struct hm_recording *rec = NULL;

	assert_int_equal(load("# comment\n"
	                      "D: 0\n"
	                      "N: Some  Device \n"
	                      "P: usb-0000:00:14.0-1/input0\n"
	                      "I: 3 046d c52b\n"
	                      "R: 4 05 01 09 02\n"
	                      "\n"
	                      "E: 000000.000024 3 01 02 ff\n"
	                      "E: 1.5 1 00\n"
	                      "X: unknown letters are ignored\n",
	                      &rec),
	                 0);
	assert_string_equal(rec->name, "Some  Device");
	assert_string_equal(rec->phys, "usb-0000:00:14.0-1/input0");
	assert_int_equal(rec->bus, 3);
	assert_int_equal(rec->vendor, 0x046d);
	assert_int_equal(rec->product, 0xc52b);
	assert_int_equal(rec->rdesc_size, 4);
	assert_memory_equal(rec->rdesc, "\x05\x01\x09\x02", 4);
	assert_int_equal(rec->nevents, 2);
	assert_int_equal(rec->events[0].time_us, 24);
	assert_int_equal(rec->events[0].size, 3);
	assert_memory_equal(rec->events[0].data, "\x01\x02\xff", 3);
	assert_int_equal(rec->events[0].line, 8);
	assert_int_equal(rec->events[1].time_us, 1500000);
	hm_recording_free(rec);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
	    "I: 3 1 2\n",                      /* no R: */
	    "R: 1 05\n",                       /* no I: */
	    "I: 3 1 2\nR: 2 05\n",             /* count mismatch */
	    "I: 3 1 2\nR: 1 05 01\n",          /* count mismatch */
	    "I: 3 1 2\nR: 1 5\n",              /* one hex digit */
	    "I: 3 1 2\nR: 1 0x5\n",            /* not hex pair */
	    "I: 3 1 2\nR: 0\n",                /* empty */
	    "I: 3 1 2\nR: 5000 00\n",          /* too large */
	    "I: 3 1\nR: 1 05\n",               /* short I: */
	    "I: 3 1 2 4\nR: 1 05\n",           /* long I: */
	    "I: 3 10000 2\nR: 1 05\n",         /* vendor > 16 bits */
	    "I: 3 1 2\nR: 1 05\nE: x 1 00\n",  /* timestamp */
	    "I: 3 1 2\nR: 1 05\nE: 0.0\n",     /* no length */
	    "I: 3 1 2\nR: 1 05\nR: 1 05\n",    /* two descriptors */
	    "D: 1\nI: 3 1 2\nR: 1 05\n",       /* multi-device */
	    "N: a\nN: b\nI: 3 1 2\nR: 1 05\n", /* two names */
	    "I: 3 1 2\nR: 1 05\nhello\n",      /* not a record */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hm_recording *rec = (void *)0x1;
		int r = load(bad[i], &rec);

		if (r >= 0)
			fail_msg("case %zu was accepted: %s", i, bad[i]);
		assert_ptr_equal(rec, (void *)0x1); /* untouched */
	}
}

static void test_roundtrip(void **state)
{
	static const uint8_t rdesc[] = {0x05, 0x01, 0x09, 0x06};
	static const uint8_t report[] = {0x00, 0x00, 0x04};
	struct hm_recording *rec = NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	hm_recording_write_header(f, "Kbd", 3, 0x1234, 0xabcd, rdesc, sizeof(rdesc));
	hm_recording_write_event(f, 1234567, report, sizeof(report));
	fclose(f);
	assert_string_equal(buf, "N: Kbd\nI: 3 1234 abcd\nR: 4 05 01 09 06\n"
	                         "E: 000001.234567 3 00 00 04\n");
	assert_int_equal(load(buf, &rec), 0);
	assert_int_equal(rec->events[0].time_us, 1234567);
	hm_recording_free(rec);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
