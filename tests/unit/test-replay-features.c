/* SPDX-License-Identifier: MIT */
/* Feature-reply files (src/hid/replay-features.h): the format, its errors with
 * path:line, and the transport `hidmapd replay --features` installs, as a
 * module's probe sees it through hm_device_request(). */
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
#include "device.h"
#include "replay-features.h"

static char *write_tmp(const char *content)
{
	char *path = strdup("/tmp/test-features-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static int load(const char *content, struct hm_feature_replies **fr)
{
	char *path = write_tmp(content);
	int r = hm_feature_replies_load(path, fr);

	unlink(path);
	free(path);
	return r;
}

static void test_good(void **state)
{
	struct hm_feature_replies *fr = NULL;
	const uint8_t *p;
	uint8_t buf[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(load("# DualSense-like replies\n"
	                      "\n"
	                      "09 11 22 33 44 55 66   # pairing info\n"
	                      "\t05 00 FF 7f\r\n"
	                      "a3 01\n"
	                      "   # only a comment\n",
	                      &fr),
	                 0);
	p = hm_feature_replies_find(fr, 0x09, &n);
	assert_non_null(p);
	assert_int_equal(n, 7);
	assert_memory_equal(p, "\x09\x11\x22\x33\x44\x55\x66", 7);
	p = hm_feature_replies_find(fr, 0x05, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(p, "\x05\x00\xff\x7f", 4);
	assert_null(hm_feature_replies_find(fr, 0x02, &n));

	/* the transport hook: the whole reply, cut to the buffer, EIO for
	 * an ID without one */
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x09;
	assert_int_equal(hm_feature_replies_get(fr, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "\x09\x11\x22\x33\x44\x55\x66", 7);
	buf[0] = 0x09;
	assert_int_equal(hm_feature_replies_get(fr, buf, 3), 3);
	assert_memory_equal(buf, "\x09\x11\x22", 3);
	buf[0] = 0x42;
	assert_int_equal(hm_feature_replies_get(fr, buf, sizeof(buf)), -EIO);
	hm_feature_replies_free(fr);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
	    "05 0\n",                   /* one digit */
	    "05 001\n",                 /* three digits */
	    "05 zz\n",                  /* not hex */
	    "0x05 01\n",                /* a prefix */
	    "05,01\n",                  /* a comma */
	    "05 01\n05 02\n",           /* the same ID twice */
	    "# nothing but comments\n", /* no replies */
	    "",
	};
	struct hm_feature_replies *fr = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(bad[i], &fr), -EINVAL);
		assert_null(fr);
	}
	assert_int_equal(hm_feature_replies_load("/nonexistent/features.txt", &fr), -ENOENT);
	hm_feature_replies_free(NULL);
}

static void test_too_long(void **state)
{
	struct hm_feature_replies *fr = NULL;
	size_t len = (HM_FEATURE_REPLY_MAX + 1) * 3 + 2;
	char *s = malloc(len);
	size_t n = 0;

	(void)state;
	assert_non_null(s);
	for (unsigned i = 0; i <= HM_FEATURE_REPLY_MAX; i++)
		n += (size_t)sprintf(s + n, "%02x ", i & 0xff);
	strcpy(s + n, "\n");
	assert_int_equal(load(s, &fr), -EINVAL);
	/* the longest allowed reply is fine */
	s[HM_FEATURE_REPLY_MAX * 3] = '\n';
	s[HM_FEATURE_REPLY_MAX * 3 + 1] = '\0';
	assert_int_equal(load(s, &fr), 0);
	hm_feature_replies_free(fr);
	free(s);
}

/* A module that reads report 0x02 at probe, as the PlayStation modules read
 * their calibration, and shows what it got as an axis value. */
static int got_result;
static uint8_t got[8];

static void done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                 void *userdata)
{
	(void)dev, (void)userdata;
	got_result = result;
	if (data)
		memcpy(got, data, size < sizeof(got) ? size : sizeof(got));
}

static int probe(struct hm_device *dev)
{
	struct libevdev *caps;
	uint8_t req[8] = {0x02};

	assert_int_equal(hm_device_add_output(dev, "pad", &caps), 0);
	libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL);
	return hm_device_request(dev, HM_REQUEST_GET_FEATURE, req, sizeof(req), done, NULL);
}

static const struct hm_module module = {.name = "feature-reader", .probe = probe};

static void test_transport(void **state)
{
	static const struct hm_device_info info = {
	    .bus = 3, .vendor = 1, .product = 2, .name = "fake", .path = "fake.hid"};
	struct hm_feature_replies *fr = NULL;
	struct hm_transport t = {.get_feature = hm_feature_replies_get};
	struct capture_sink cs;
	struct hm_device_setup setup = {.module = &module, .sink = &cs.base, .transport = &t};
	struct hm_device *dev = NULL;

	(void)state;
	assert_int_equal(load("02 10 20 30\n", &fr), 0);
	t.userdata = fr;
	capture_init(&cs);
	got_result = 0;
	memset(got, 0, sizeof(got));
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	/* synchronous: answered before probe returned */
	assert_int_equal(got_result, 4);
	assert_memory_equal(got, "\x02\x10\x20\x30", 4);
	assert_false(hm_device_initializing(dev));
	hm_device_free(dev);
	hm_feature_replies_free(fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
