/* SPDX-License-Identifier: MIT */
/* Request/response exchanges (hm_device_exchange()) and the "initializing
 * until ready" contract (hm_device_hold_init()/hm_device_ready()). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "event-loop.h"

/* what the fake transport was asked to send, in order */
static uint8_t sent[32][4];
static unsigned nsent;
/* what the module decoded, and the exchanges' completions */
static unsigned decoded;
static int results[8];
static uint8_t replies[8];
static unsigned ndone;
/* what probe does */
static int probe_exchanges;
static bool probe_hold;

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	if (nsent < 32)
		memcpy(sent[nsent], data, size < 4 ? size : 4);
	nsent++;
	return (int)size;
}

static void done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                 void *userdata)
{
	results[ndone] = result;
	replies[ndone] = data && size > 1 ? data[1] : 0;
	ndone++;
	if (userdata == (void *)1) /* the last of a probe sequence */
		hm_device_ready(dev);
}

/* a subcommand 0x01 <cmd> answered by input report 0x21 <cmd> */
static struct hm_exchange subcommand(uint8_t cmd, unsigned retries, void *userdata)
{
	struct hm_exchange x = {
	    .type = HM_REQUEST_OUTPUT,
	    .data = {0x01, cmd},
	    .size = 2,
	    .match = {0x21, cmd},
	    .mask = {0xff, 0xff},
	    .match_size = 2,
	    .timeout_us = 1000,
	    .retries = retries,
	    .done = done,
	    .userdata = userdata,
	};
	return x;
}

static int probe(struct hm_device *dev)
{
	struct libevdev *caps;

	assert_int_equal(hm_device_add_output(dev, "keys", &caps), 0);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	if (probe_hold)
		hm_device_hold_init(dev, 50000);
	for (int i = 0; i < probe_exchanges; i++) {
		struct hm_exchange x =
		    subcommand((uint8_t)(0x10 + i), 0, i == probe_exchanges - 1 ? (void *)1 : NULL);
		assert_int_equal(hm_device_exchange(dev, &x), 0);
	}
	return 0;
}

static int decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t t)
{
	(void)dev, (void)data, (void)size, (void)t;
	decoded++;
	return 1;
}

static const struct hm_module module = {.name = "handshake", .probe = probe, .decode = decode};

static const struct hm_device_info info = {
    .bus = 3, .vendor = 1, .product = 2, .name = "fake", .path = "/dev/hidraw9"};

static const struct hm_transport transport = {.write = fake_write};

/* the daemon's way: queued for a worker, sent and forgotten */
static enum hm_request_type submitted_type;
static int fake_submit(void *userdata, enum hm_request_type type, const uint8_t *data, size_t size,
                       hm_transport_done_fn fn, void *ctx)
{
	assert_null(fn);
	(void)ctx;
	submitted_type = type;
	return fake_write(userdata, data, size);
}

static const struct hm_transport async_transport = {.submit = fake_submit};

static struct hm_device *make(struct capture_sink *cs, const struct hm_transport *t)
{
	struct hm_device_setup setup = {.module = &module, .sink = &cs->base, .transport = t};
	struct hm_device *dev = NULL;

	capture_init(cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	return dev;
}

static int reset(void **state)
{
	(void)state;
	nsent = decoded = ndone = 0;
	probe_exchanges = 0;
	probe_hold = false;
	memset(results, 0, sizeof(results));
	return 0;
}

/* Far enough ahead for any deadline armed so far. */
static uint64_t later(void)
{
	return hm_now_usec() + 10000000;
}

static void test_reply_consumed(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, &transport);
	struct hm_exchange x = subcommand(0x02, 0, NULL);
	const uint8_t other[] = {0x30, 0x02, 0x00};
	const uint8_t wrong_cmd[] = {0x21, 0x03, 0x00};
	const uint8_t reply[] = {0x21, 0x02, 0x80};

	(void)state;
	assert_int_equal(hm_device_exchange(dev, &x), 0);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0][0], 0x01);
	assert_int_equal(sent[0][1], 0x02);
	/* a report that does not match is decoded as usual */
	hm_device_process_report(dev, other, sizeof(other), 1);
	hm_device_process_report(dev, wrong_cmd, sizeof(wrong_cmd), 2);
	assert_int_equal(decoded, 2);
	assert_int_equal(ndone, 0);
	/* the reply completes the exchange and is not decoded */
	assert_int_equal(hm_device_process_report(dev, reply, sizeof(reply), 3), 0);
	assert_int_equal(decoded, 2);
	assert_int_equal(ndone, 1);
	assert_int_equal(results[0], (int)sizeof(reply));
	assert_int_equal(replies[0], 0x02);
	/* nothing waits any more: the same report again is decoded */
	hm_device_process_report(dev, reply, sizeof(reply), 4);
	assert_int_equal(decoded, 3);
	assert_int_equal(ndone, 1);
}

static void test_timeout_retries(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, &transport);
	struct hm_exchange x = subcommand(0x05, 2, NULL);

	(void)state;
	assert_int_equal(hm_device_exchange(dev, &x), 0);
	assert_int_equal(nsent, 1);
	hm_device_timer(dev, later());
	assert_int_equal(nsent, 2);
	assert_int_equal(ndone, 0);
	hm_device_timer(dev, later());
	assert_int_equal(nsent, 3);
	assert_int_equal(ndone, 0);
	/* the first send and 2 retries went unanswered */
	hm_device_timer(dev, later());
	assert_int_equal(nsent, 3);
	assert_int_equal(ndone, 1);
	assert_int_equal(results[0], -ETIMEDOUT);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(sent[i][0], 0x01);
		assert_int_equal(sent[i][1], 0x05);
	}
}

static void test_sequence_and_ready(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;
	const uint8_t r10[] = {0x21, 0x10}, r11[] = {0x21, 0x11}, r12[] = {0x21, 0x12};

	(void)state;
	probe_exchanges = 3;
	probe_hold = true;
	dev = make(&cs, &transport);
	/* one at a time: only the first was sent */
	assert_int_equal(nsent, 1);
	assert_true(hm_device_initializing(dev));
	/* the second's reply before the first's is not the first's */
	hm_device_process_report(dev, r11, sizeof(r11), 1);
	assert_int_equal(decoded, 1);
	assert_int_equal(ndone, 0);
	hm_device_process_report(dev, r10, sizeof(r10), 2);
	assert_int_equal(ndone, 1);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1][1], 0x11);
	assert_true(hm_device_initializing(dev));
	hm_device_process_report(dev, r11, sizeof(r11), 3);
	assert_int_equal(nsent, 3);
	assert_int_equal(sent[2][1], 0x12);
	assert_true(hm_device_initializing(dev));
	hm_device_process_report(dev, r12, sizeof(r12), 4);
	assert_int_equal(ndone, 3);
	assert_int_equal(replies[0], 0x10);
	assert_int_equal(replies[1], 0x11);
	assert_int_equal(replies[2], 0x12);
	assert_int_equal(decoded, 1);
	/* the last done called hm_device_ready() */
	assert_false(hm_device_initializing(dev));
	assert_false(hm_device_init_failed(dev));
	hm_device_free(dev);
}

static void test_init_limit(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	probe_exchanges = 1;
	probe_hold = true;
	dev = make(&cs, &transport);
	assert_true(hm_device_initializing(dev));
	assert_false(hm_device_init_failed(dev));
	/* the exchange times out (no retries), the module never says ready */
	hm_device_timer(dev, later());
	assert_int_equal(ndone, 1);
	assert_int_equal(results[0], -ETIMEDOUT);
	/* the hold's limit has passed too: failed to initialise */
	assert_true(hm_device_init_failed(dev));
	assert_false(hm_device_initializing(dev));
	/* a late ready does not undo the failure */
	hm_device_ready(dev);
	assert_true(hm_device_init_failed(dev));
	hm_device_free(dev);
}

static void test_no_transport(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev;

	(void)state;
	/* a replay: every exchange ends at once with -ENOTSUP, in order */
	probe_exchanges = 2;
	dev = make(&cs, NULL);
	assert_int_equal(ndone, 2);
	assert_int_equal(results[0], -ENOTSUP);
	assert_int_equal(results[1], -ENOTSUP);
	assert_int_equal(nsent, 0);
	assert_false(hm_device_initializing(dev));
	hm_device_free(dev);
}

static void test_queue_limits(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, &transport);
	struct hm_exchange x = subcommand(0x01, 0, NULL);

	(void)state;
	for (unsigned i = 0; i < HM_EXCHANGE_QUEUE; i++)
		assert_int_equal(hm_device_exchange(dev, &x), 0);
	assert_int_equal(hm_device_exchange(dev, &x), -ENOBUFS);
	x.size = 0;
	assert_int_equal(hm_device_exchange(dev, &x), -EINVAL);
	x.size = HM_EXCHANGE_DATA_MAX + 1;
	assert_int_equal(hm_device_exchange(dev, &x), -EINVAL);
	x.size = 2;
	x.type = HM_REQUEST_GET_FEATURE;
	assert_int_equal(hm_device_exchange(dev, &x), -EINVAL);
	/* freed with exchanges queued: none of their callbacks runs */
	assert_int_equal(ndone, 0);
}

static void test_async_feature(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, &async_transport);
	struct hm_exchange x = subcommand(0x07, 1, NULL);
	const uint8_t reply[] = {0x21, 0x07};

	(void)state;
	x.type = HM_REQUEST_SET_FEATURE;
	assert_int_equal(hm_device_exchange(dev, &x), 0);
	assert_int_equal(nsent, 1);
	assert_int_equal(submitted_type, HM_REQUEST_SET_FEATURE);
	/* one retry, then the reply to it */
	hm_device_timer(dev, later());
	assert_int_equal(nsent, 2);
	hm_device_process_report(dev, reply, sizeof(reply), 1);
	assert_int_equal(ndone, 1);
	assert_int_equal(results[0], 2);
	assert_int_equal(decoded, 0);
}

static bool odd_second_byte(const uint8_t *data, size_t size, void *userdata)
{
	(void)userdata;
	return size > 1 && (data[1] & 1);
}

static void test_match_fn_and_restart(void **state)
{
	struct capture_sink cs;
	_cleanup_(hm_device_freep) struct hm_device *dev = make(&cs, &transport);
	struct hm_exchange x = subcommand(0x09, 0, NULL);
	const uint8_t even[] = {0x21, 0x02}, odd[] = {0x30, 0x03};

	(void)state;
	x.match_fn = odd_second_byte;
	assert_int_equal(hm_device_exchange(dev, &x), 0);
	hm_device_process_report(dev, even, sizeof(even), 1);
	assert_int_equal(decoded, 1);
	hm_device_process_report(dev, odd, sizeof(odd), 2);
	assert_int_equal(ndone, 1);
	assert_int_equal(replies[0], 0x03);
	/* a replug's restart drops what is queued without running it */
	assert_int_equal(hm_device_exchange(dev, &x), 0);
	assert_int_equal(hm_device_restart(dev, &info), 0);
	hm_device_process_report(dev, odd, sizeof(odd), 3);
	hm_device_timer(dev, later());
	assert_int_equal(ndone, 1);
	assert_int_equal(decoded, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_reply_consumed, reset),
	    cmocka_unit_test_setup(test_timeout_retries, reset),
	    cmocka_unit_test_setup(test_sequence_and_ready, reset),
	    cmocka_unit_test_setup(test_init_limit, reset),
	    cmocka_unit_test_setup(test_no_transport, reset),
	    cmocka_unit_test_setup(test_queue_limits, reset),
	    cmocka_unit_test_setup(test_async_feature, reset),
	    cmocka_unit_test_setup(test_match_fn_and_restart, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
