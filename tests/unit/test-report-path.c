/* SPDX-License-Identifier: MIT */
/*
 * The report path seen from the device core: probe requests answered
 * later (the device is `initializing` meanwhile), outputs handed to the
 * transport without waiting, and the generic module's array diff on large
 * arrays.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "descriptors.h"
#include "device.h"

/* An asynchronous transport that holds every request until the test
 * answers it, as the daemon's worker holds them until the device does. */
struct held {
	enum hm_request_type type;
	uint8_t data[16];
	size_t size;
	hm_transport_done_fn done;
	void *ctx;
};

struct fixture {
	struct capture_sink cs;
	struct hm_device *dev;
	struct held held[16];
	unsigned nheld;
};

static int fake_submit(void *userdata, enum hm_request_type type, const uint8_t *data, size_t size,
                       hm_transport_done_fn done, void *ctx)
{
	struct fixture *fx = userdata;
	struct held *h = &fx->held[fx->nheld++];

	assert_true(size <= sizeof(h->data));
	h->type = type;
	memcpy(h->data, data, size);
	h->size = size;
	h->done = done;
	h->ctx = ctx;
	return 0;
}

static void answer(struct fixture *fx, unsigned i, int result)
{
	struct held *h = &fx->held[i];

	assert_non_null(h->done);
	h->done(h->ctx, result, result > 0 ? h->data : NULL, result > 0 ? (size_t)result : 0);
}

static int make_dev(struct fixture *fx, const uint8_t *rdesc, size_t size)
{
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x1234, .product = 0x5678, .name = "T", .path = "/dev/hidraw9"};
	struct hm_transport transport = {.submit = fake_submit, .userdata = fx};
	struct hm_device_setup setup = {
	    .module = &hm_module_generic,
	    .sink = &fx->cs.base,
	    .transport = &transport,
	};

	capture_init(&fx->cs);
	return hm_device_new(&info, rdesc, size, &setup, &fx->dev);
}

static int wheel_hi_res(struct fixture *fx)
{
	static const uint8_t one_detent[] = {0x11, 0, 0, 0, 1, 0};

	fx->cs.n = 0;
	assert_int_equal(hm_device_process_report(fx->dev, one_detent, sizeof(one_detent), 0), 1);
	for (size_t i = 0; i < fx->cs.n; i++)
		if (fx->cs.ev[i].type == EV_REL && fx->cs.ev[i].code == REL_WHEEL_HI_RES)
			return fx->cs.ev[i].value;
	return 0;
}

/* Probe returns at once with the SET_REPORT still unanswered: the device
 * is initializing, its reports are decoded meanwhile (parse-time
 * multiplier 1: 120 per detent); the answer switches to the multiplier 4
 * set (30 per detent, a quarter of a detent each). */
static void test_probe_answered_later(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, multiplier_mouse, sizeof(multiplier_mouse)), 0);
	assert_true(hm_device_initializing(fx.dev));
	assert_int_equal(fx.nheld, 1);
	assert_int_equal(fx.held[0].type, HM_REQUEST_SET_FEATURE);
	assert_int_equal(fx.held[0].size, 2);
	assert_int_equal(fx.held[0].data[0], 0x12);
	assert_int_equal(fx.held[0].data[1], 0x01); /* the logical maximum */
	assert_int_equal(wheel_hi_res(&fx), 120);

	answer(&fx, 0, 2);
	assert_false(hm_device_initializing(fx.dev));
	assert_int_equal(wheel_hi_res(&fx), 30);
	hm_device_free(fx.dev);
}

/* A device that never answers: the time limit ends the probe as a refusal
 * would, with the parse-time multiplier. */
static void test_probe_timed_out(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, multiplier_mouse, sizeof(multiplier_mouse)), 0);
	assert_true(hm_device_initializing(fx.dev));
	answer(&fx, 0, -ETIMEDOUT);
	assert_false(hm_device_initializing(fx.dev));
	assert_int_equal(fx.nheld, 1);
	assert_int_equal(wheel_hi_res(&fx), 120);
	hm_device_free(fx.dev);
}

/* The device went away before answering (-ECANCELED), or the module was
 * replaced: a late answer does not reach a module that is gone. */
static void test_probe_answer_after_free(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, multiplier_mouse, sizeof(multiplier_mouse)), 0);
	answer(&fx, 0, -ECANCELED);
	assert_false(hm_device_initializing(fx.dev));
	hm_device_free(fx.dev);
}

/* HID 1.11 Appendix B.1 boot keyboard's LED output report (5 LEDs + 3
 * bits padding) with a 32-slot key array (instead of 6): large enough
 * for the per-usage maps of the array diff. */
static const uint8_t keyboard32[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01,
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01,
    0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x20,
    0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
};

struct ev {
	unsigned code;
	int value;
};

static void send_keys(struct fixture *fx, const uint8_t *keys, size_t nkeys,
                      const struct ev *expected, size_t nexpected)
{
	uint8_t report[34] = {0};
	size_t n = 0;

	if (nkeys)
		memcpy(report + 2, keys, nkeys);
	fx->cs.n = 0;
	assert_int_equal(hm_device_process_report(fx->dev, report, sizeof(report), 0), 1);
	for (size_t i = 0; i < fx->cs.n; i++) {
		const struct capture_event *e = &fx->cs.ev[i];

		if (e->type != EV_KEY)
			continue;
		assert_true(n < nexpected);
		assert_int_equal(e->code, expected[n].code);
		assert_int_equal(e->value, expected[n].value);
		n++;
	}
	assert_int_equal(n, nexpected);
}

/* Sends the keys; every key event must have value; returns how many. */
static size_t key_events(struct fixture *fx, const uint8_t *keys, size_t nkeys, int value)
{
	uint8_t report[34] = {0};
	size_t n = 0;

	if (nkeys)
		memcpy(report + 2, keys, nkeys);
	fx->cs.n = 0;
	assert_int_equal(hm_device_process_report(fx->dev, report, sizeof(report), 0), 1);
	for (size_t i = 0; i < fx->cs.n; i++) {
		if (fx->cs.ev[i].type != EV_KEY)
			continue;
		assert_int_equal(fx->cs.ev[i].value, value);
		n++;
	}
	return n;
}

/* The kernel's order (hid_input_array_field()): slot by slot, the old
 * usage released if gone, then the new one pressed if new. */
static void test_large_array_diff(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, keyboard32, sizeof(keyboard32)), 0);
	send_keys(&fx, (const uint8_t[]){0x04, 0x05}, 2,
	          (const struct ev[]){{KEY_A, 1}, {KEY_B, 1}}, 2);
	send_keys(&fx, (const uint8_t[]){0x05, 0x06}, 2,
	          (const struct ev[]){{KEY_A, 0}, {KEY_C, 1}}, 2);
	/* the same key in two slots, then in one: still held */
	send_keys(&fx, (const uint8_t[]){0x06, 0x06, 0x05}, 3, NULL, 0);
	send_keys(&fx, (const uint8_t[]){0x05, 0x00, 0x06}, 3, NULL, 0);
	send_keys(&fx, NULL, 0, (const struct ev[]){{KEY_B, 0}, {KEY_C, 0}}, 2);
	/* nothing is left over from the maps: A and B again */
	send_keys(&fx, (const uint8_t[]){0x04, 0x05}, 2,
	          (const struct ev[]){{KEY_A, 1}, {KEY_B, 1}}, 2);
	/* all 32 slots (A and B held already), then a shift by one: only the
	 * ends change */
	{
		uint8_t all[32], shifted[32];

		for (unsigned i = 0; i < 32; i++) {
			all[i] = (uint8_t)(0x04 + i);
			shifted[i] = (uint8_t)(0x05 + i);
		}
		assert_int_equal(key_events(&fx, all, 32, 1), 30);
		send_keys(&fx, shifted, 32, (const struct ev[]){{KEY_A, 0}, {KEY_7, 1}}, 2);
		assert_int_equal(key_events(&fx, NULL, 0, 0), 32);
	}
	hm_device_free(fx.dev);
}

/* Outputs go to the transport without a callback (sent and forgotten,
 * merged there), and hm_device_write() returns at once. */
static void test_output_queued(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, keyboard32, sizeof(keyboard32)), 0);
	assert_false(hm_device_initializing(fx.dev));
	assert_int_equal(fx.nheld, 0);
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_CAPSL, 1), 0);
	assert_int_equal(fx.nheld, 1);
	assert_int_equal(fx.held[0].type, HM_REQUEST_OUTPUT);
	assert_null(fx.held[0].done);
	assert_int_equal(fx.held[0].size, 2);
	assert_int_equal(fx.held[0].data[0], 0x00); /* unnumbered */
	assert_int_equal(fx.held[0].data[1], 0x02); /* Caps Lock: LED 2, bit 1 */
	hm_device_free(fx.dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_probe_answered_later),    cmocka_unit_test(test_probe_timed_out),
	    cmocka_unit_test(test_probe_answer_after_free), cmocka_unit_test(test_large_array_diff),
	    cmocka_unit_test(test_output_queued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
