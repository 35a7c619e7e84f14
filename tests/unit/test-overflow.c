/* SPDX-License-Identifier: MIT */
/* The report path's overflow policy (overflow.h) and its rate-limited log. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hid-reader.h"
#include "overflow.h"

/* Fewer reports than the kernel's buffer holds, however many wake-ups:
 * nothing can have been lost, no resync. */
static void test_no_overflow(void **state)
{
	struct hm_overflow o;

	hm_overflow_init(&o, HM_HIDRAW_BUFFER_REPORTS);
	for (int round = 0; round < 100; round++) {
		for (unsigned i = 0; i < HM_HIDRAW_BUFFER_REPORTS - 1; i++)
			assert_false(hm_overflow_read(&o, 1));
		assert_false(hm_overflow_drained(&o));
	}
	assert_int_equal(o.overflows, 0);
}

/* 63 reports read without finding the buffer empty in between (a stalled
 * loop, read 16 per wake-up): it may have been full.  The resync waits
 * until the buffer is drained, then is asked once. */
static void test_overflow_resync(void **state)
{
	struct hm_overflow o;
	unsigned flagged = 0;

	hm_overflow_init(&o, HM_HIDRAW_BUFFER_REPORTS);
	for (unsigned i = 0; i < HM_HIDRAW_BUFFER_REPORTS + 40; i++)
		flagged += hm_overflow_read(&o, 1);
	assert_int_equal(flagged, 1); /* logged and counted once per run */
	assert_int_equal(o.overflows, 1);
	assert_true(hm_overflow_drained(&o));
	hm_overflow_resync_started(&o);
	/* not twice while the first is under way */
	assert_false(hm_overflow_drained(&o));
	/* the answers: report 1 was not read since the question, 2 was */
	assert_false(hm_overflow_read(&o, 2));
	assert_true(hm_overflow_answer(&o, 1));
	assert_false(hm_overflow_answer(&o, 2));
	hm_overflow_resync_done(&o, true);
	assert_int_equal(o.resyncs, 1);
	assert_int_equal(o.stale, 1);
	assert_false(hm_overflow_resync_due(&o));
	assert_false(hm_overflow_drained(&o));
}

/* A full buffer seen while a resync is under way: asked again after it,
 * since its questions may have come before that loss. */
static void test_overflow_during_resync(void **state)
{
	struct hm_overflow o;

	hm_overflow_init(&o, 4);
	for (unsigned i = 0; i < 4; i++)
		hm_overflow_read(&o, 0);
	assert_true(hm_overflow_drained(&o));
	hm_overflow_resync_started(&o);
	for (unsigned i = 0; i < 4; i++)
		hm_overflow_read(&o, 0);
	assert_false(hm_overflow_drained(&o));
	assert_false(hm_overflow_answer(&o, 0)); /* read since: stale */
	hm_overflow_resync_done(&o, true);
	assert_true(hm_overflow_resync_due(&o));
	assert_int_equal(o.overflows, 2);
}

/* A device that answers no question is not asked again. */
static void test_mute_device(void **state)
{
	struct hm_overflow o;

	hm_overflow_init(&o, 2);
	hm_overflow_read(&o, 0);
	hm_overflow_read(&o, 0);
	assert_true(hm_overflow_drained(&o));
	hm_overflow_resync_started(&o);
	hm_overflow_resync_done(&o, false);
	hm_overflow_read(&o, 0);
	hm_overflow_read(&o, 0);
	assert_false(hm_overflow_drained(&o));
	assert_int_equal(o.overflows, 2);
	/* the rule for a device that cannot be asked: release, once per
	 * suspected overflow */
	assert_true(hm_overflow_release_due(&o));
	assert_false(hm_overflow_release_due(&o));
	hm_overflow_read(&o, 0);
	assert_false(hm_overflow_drained(&o));
	assert_false(hm_overflow_release_due(&o)); /* one report: no overflow */
	hm_overflow_read(&o, 0);
	hm_overflow_read(&o, 0);
	assert_false(hm_overflow_drained(&o));
	assert_true(hm_overflow_release_due(&o));
	assert_int_equal(o.releases, 2);
}

/* A device that answers is never released: it is asked. */
static void test_answering_device_not_released(void **state)
{
	struct hm_overflow o;

	hm_overflow_init(&o, 2);
	hm_overflow_read(&o, 0);
	hm_overflow_read(&o, 0);
	assert_true(hm_overflow_drained(&o));
	assert_false(hm_overflow_release_due(&o));
	hm_overflow_resync_started(&o);
	hm_overflow_resync_done(&o, true);
	assert_false(hm_overflow_release_due(&o));
	assert_int_equal(o.releases, 0);
}

/* HID 1.11 Appendix E.10 boot mouse with a report ID 2 (buttons, X, Y,
 * wheel relative) and a report 3 with an absolute axis. */
static const uint8_t mouse_rdesc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09,
    0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02,
    0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09, 0x38,
    0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06, 0xc0, 0x85, 0x03, 0x09,
    0x32, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0xc0,
};

/* An answer is a state: its relative values (motion, wheel) are cleared,
 * the buttons and absolute values kept. */
static void test_clear_relative(void **state)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *d = NULL;
	uint8_t rel[] = {0x02, 0x05, 0x10, 0xf0, 0x01};
	uint8_t abs[] = {0x03, 0x80};
	uint8_t unknown[] = {0x09, 0x80};

	assert_int_equal(hid_descriptor_parse(mouse_rdesc, sizeof(mouse_rdesc), &d, NULL), 0);
	assert_int_equal(hm_report_clear_relative(d, rel, sizeof(rel)), 1);
	assert_memory_equal(rel, ((uint8_t[]){0x02, 0x05, 0, 0, 0}), sizeof(rel));
	assert_int_equal(hm_report_clear_relative(d, abs, sizeof(abs)), 0);
	assert_memory_equal(abs, ((uint8_t[]){0x03, 0x80}), sizeof(abs));
	assert_int_equal(hm_report_clear_relative(d, unknown, sizeof(unknown)), -EINVAL);
	/* a short answer: what is there is cleared, nothing past it */
	rel[2] = 0x10;
	assert_int_equal(hm_report_clear_relative(d, rel, 3), 1);
	assert_int_equal(rel[2], 0);
}

static void test_ratelimit(void **state)
{
	struct hm_ratelimit rl = HM_RATELIMIT_INIT(1000000, 2);
	uint64_t suppressed = 99;

	assert_true(hm_ratelimit_test(&rl, 5000000, &suppressed));
	assert_int_equal(suppressed, 0);
	assert_true(hm_ratelimit_test(&rl, 5000001, NULL));
	for (int i = 0; i < 10; i++)
		assert_false(hm_ratelimit_test(&rl, 5000100 + (uint64_t)i, NULL));
	/* the next interval: let through, with what was held back */
	assert_true(hm_ratelimit_test(&rl, 6000000, &suppressed));
	assert_int_equal(suppressed, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_overflow),
	    cmocka_unit_test(test_overflow_resync),
	    cmocka_unit_test(test_overflow_during_resync),
	    cmocka_unit_test(test_mute_device),
	    cmocka_unit_test(test_answering_device_not_released),
	    cmocka_unit_test(test_clear_relative),
	    cmocka_unit_test(test_ratelimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
