/* SPDX-License-Identifier: MIT */
/* The request queue: requests off the loop, merged outputs, time limits. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "event-loop.h"
#include "request-queue.h"

/* A device stand-in: the worker blocks in exec() until the test opens the
 * gate, and records what it was asked. */
struct fake {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool gate_open;
	bool entered; /* the worker is in exec() */
	unsigned calls;
	enum hm_request_type type[32];
	uint8_t data[32][8];
	size_t size[32];
	int result; /* 0: the size; else returned */
	bool freed;
};

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
}

static int fake_exec(void *ctx, enum hm_request_type type, uint8_t *data, size_t size, size_t cap)
{
	struct fake *f = ctx;
	int r;

	pthread_mutex_lock(&f->lock);
	f->entered = true;
	pthread_cond_broadcast(&f->cond);
	while (!f->gate_open)
		pthread_cond_wait(&f->cond, &f->lock);
	if (f->calls < 32) {
		f->type[f->calls] = type;
		memcpy(f->data[f->calls], data, size < 8 ? size : 8);
		f->size[f->calls] = size;
	}
	f->calls++;
	if (type == HM_REQUEST_GET_FEATURE || type == HM_REQUEST_GET_INPUT)
		data[1] = 0x42; /* the device's answer */
	r = f->result ? f->result : (int)size;
	pthread_mutex_unlock(&f->lock);
	return r;
}

static void fake_free(void *ctx)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->lock);
	f->freed = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static void gate(struct fake *f, bool open)
{
	pthread_mutex_lock(&f->lock);
	f->gate_open = open;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static void wait_entered(struct fake *f)
{
	pthread_mutex_lock(&f->lock);
	while (!f->entered)
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
}

/* Waits until the queue signals completions, then dispatches them. */
static void wait_and_dispatch(struct hm_rq *rq)
{
	struct pollfd p = {.fd = hm_rq_get_fd(rq), .events = POLLIN};

	assert_int_equal(poll(&p, 1, 5000), 1);
	hm_rq_dispatch(rq, hm_now_usec());
}

struct result {
	unsigned n;
	int result[16];
	uint8_t byte1[16];
	struct hm_rq *rq; /* to submit from a callback */
};

static void on_done(void *userdata, int result, const uint8_t *data, size_t size)
{
	struct result *res = userdata;

	res->result[res->n] = result;
	res->byte1[res->n] = data && size > 1 ? data[1] : 0;
	res->n++;
}

static void test_bad_args(void **state)
{
	struct hm_rq *rq;
	struct fake f;

	fake_init(&f);
	assert_int_equal(hm_rq_new(0, 8, 1000, fake_exec, NULL, &f, &rq), -EINVAL);
	assert_int_equal(hm_rq_new(4, 0, 1000, fake_exec, NULL, &f, &rq), -EINVAL);
	assert_int_equal(hm_rq_new(4, 8, 1000, NULL, NULL, &f, &rq), -EINVAL);
	assert_int_equal(hm_rq_new(4, 8, 1000000, fake_exec, fake_free, &f, &rq), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_OUTPUT, (const uint8_t *)"123456789", 9, NULL, NULL),
	    -EMSGSIZE);
	assert_int_equal(hm_rq_submit(rq, HM_REQUEST_OUTPUT, (const uint8_t *)"", 0, NULL, NULL),
	                 -EMSGSIZE);
	hm_rq_free(rq);
	assert_true(f.freed);
}

/* Requests run in order on the worker; the loop gets the answers. */
static void test_order_and_answers(void **state)
{
	struct result res = {0};
	struct hm_rq *rq;
	struct fake f;

	fake_init(&f);
	gate(&f, true);
	assert_int_equal(hm_rq_new(4, 8, 5000000, fake_exec, fake_free, &f, &rq), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_SET_FEATURE, (const uint8_t *)"\x01\x07", 2, on_done, &res),
	    0);
	assert_int_equal(hm_rq_submit(rq, HM_REQUEST_GET_FEATURE, (const uint8_t *)"\x02\x00\x00",
	                              3, on_done, &res),
	                 0);
	while (res.n < 2)
		wait_and_dispatch(rq);
	assert_int_equal(f.calls, 2);
	assert_int_equal(f.type[0], HM_REQUEST_SET_FEATURE);
	assert_int_equal(f.type[1], HM_REQUEST_GET_FEATURE);
	assert_int_equal(res.result[0], 2);
	assert_int_equal(res.result[1], 3);
	assert_int_equal(res.byte1[1], 0x42); /* what the device read back */
	assert_int_equal(hm_rq_pending(rq), 0);
	assert_int_equal(hm_rq_get_stats(rq)->completed, 2);
	hm_rq_free(rq);
}

/* A burst of LED states while the device is busy: the queued output of
 * each report ID takes the newest state; one slot per ID. */
static void test_outputs_merge(void **state)
{
	struct hm_rq *rq;
	struct fake f;

	fake_init(&f);
	assert_int_equal(hm_rq_new(3, 8, 5000000, fake_exec, fake_free, &f, &rq), 0);
	/* the first is taken by the worker at once and blocks there */
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_OUTPUT, (const uint8_t *)"\x01\x00", 2, NULL, NULL), 0);
	wait_entered(&f);
	for (uint8_t v = 1; v <= 100; v++) {
		uint8_t a[2] = {1, v}, b[2] = {2, (uint8_t)(200 - v)};

		assert_int_equal(hm_rq_submit(rq, HM_REQUEST_OUTPUT, a, 2, NULL, NULL), 0);
		assert_int_equal(hm_rq_submit(rq, HM_REQUEST_OUTPUT, b, 2, NULL, NULL), 0);
	}
	assert_int_equal(hm_rq_get_stats(rq)->merged, 198);
	assert_int_equal(hm_rq_pending(rq), 3);
	gate(&f, true);
	while (hm_rq_pending(rq))
		wait_and_dispatch(rq);
	/* the running one, then the newest state of ID 1, then of ID 2 */
	assert_int_equal(f.calls, 3);
	assert_int_equal(f.data[0][1], 0);
	assert_int_equal(f.data[1][0], 1);
	assert_int_equal(f.data[1][1], 100);
	assert_int_equal(f.data[2][0], 2);
	assert_int_equal(f.data[2][1], 100);
	hm_rq_free(rq);
}

/* Bounded: a request with a callback never merges; a full queue refuses. */
static void test_full(void **state)
{
	struct result res = {0};
	struct hm_rq *rq;
	struct fake f;

	fake_init(&f);
	assert_int_equal(hm_rq_new(2, 8, 5000000, fake_exec, fake_free, &f, &rq), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_SET_FEATURE, (const uint8_t *)"\x01", 1, on_done, &res), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_SET_FEATURE, (const uint8_t *)"\x01", 1, on_done, &res), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_SET_FEATURE, (const uint8_t *)"\x01", 1, on_done, &res),
	    -EAGAIN);
	/* an output with an ID nobody queued has no slot either */
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_OUTPUT, (const uint8_t *)"\x05", 1, NULL, NULL), -EAGAIN);
	assert_int_equal(hm_rq_get_stats(rq)->rejected, 2);
	gate(&f, true);
	while (res.n < 2)
		wait_and_dispatch(rq);
	assert_int_equal(res.result[0], 1);
	assert_int_equal(res.result[1], 1);
	hm_rq_free(rq);
}

static void submit_from_callback(void *userdata, int result, const uint8_t *data, size_t size)
{
	struct result *res = userdata;

	on_done(userdata, result, data, size);
	if (res->n == 1)
		assert_int_equal(hm_rq_submit(res->rq, HM_REQUEST_GET_INPUT,
		                              (const uint8_t *)"\x03\x00", 2, submit_from_callback,
		                              res),
		                 0);
}

/* A callback may chain the next request (an asynchronous probe does). */
static void test_chain(void **state)
{
	struct result res = {0};
	struct hm_rq *rq;
	struct fake f;

	fake_init(&f);
	gate(&f, true);
	assert_int_equal(hm_rq_new(1, 8, 5000000, fake_exec, fake_free, &f, &rq), 0);
	res.rq = rq;
	assert_int_equal(hm_rq_submit(rq, HM_REQUEST_GET_FEATURE, (const uint8_t *)"\x02\x00", 2,
	                              submit_from_callback, &res),
	                 0);
	while (res.n < 2)
		wait_and_dispatch(rq);
	assert_int_equal(f.type[1], HM_REQUEST_GET_INPUT);
	assert_int_equal(res.byte1[1], 0x42);
	hm_rq_free(rq);
}

/* A device that never answers: the callbacks get -ETIMEDOUT at the time
 * limit, the requests queued behind too; the late answer is dropped. */
static void test_timeout(void **state)
{
	struct result res = {0};
	struct hm_rq *rq;
	struct fake f;
	uint64_t t0 = hm_now_usec(), deadline;

	fake_init(&f);
	assert_int_equal(hm_rq_new(4, 8, 100000, fake_exec, fake_free, &f, &rq), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_GET_FEATURE, (const uint8_t *)"\x02\x00", 2, on_done, &res),
	    0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_SET_FEATURE, (const uint8_t *)"\x02\x01", 2, on_done, &res),
	    0);
	/* an LED state, sent and forgotten: it waits for the device */
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_OUTPUT, (const uint8_t *)"\x05\x01", 2, NULL, NULL), 0);
	wait_entered(&f);
	deadline = hm_rq_dispatch(rq, hm_now_usec());
	assert_true(deadline >= t0 + 100000);
	assert_true(deadline <= hm_now_usec() + 100000);
	assert_int_equal(res.n, 0);
	/* the loop's timer fires at the first deadline: the first one goes */
	(void)hm_rq_dispatch(rq, deadline);
	assert_true(res.n >= 1);
	assert_int_equal(res.result[0], -ETIMEDOUT);
	/* the second, submitted a moment later, then or just after */
	assert_int_equal(hm_rq_dispatch(rq, deadline + 50000), 0);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.result[0], -ETIMEDOUT);
	assert_int_equal(res.result[1], -ETIMEDOUT);
	assert_int_equal(hm_rq_get_stats(rq)->timed_out, 2);
	assert_int_equal(hm_rq_pending(rq), 1); /* the output */
	/* the answer comes late: nobody is called again */
	gate(&f, true);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_SET_FEATURE, (const uint8_t *)"\x04", 1, on_done, &res), 0);
	while (res.n < 3)
		wait_and_dispatch(rq);
	assert_int_equal(res.result[2], 1);
	/* the timed-out GET ran, the SET queued behind it never did; the
	 * output did, once the device took requests again */
	assert_int_equal(f.calls, 3);
	assert_int_equal(f.data[1][0], 5);
	assert_int_equal(f.data[2][0], 4);
	hm_rq_free(rq);
}

/* Freed while the worker is stuck in the kernel: callbacks get
 * -ECANCELED at once, the loop does not wait, the worker cleans up when
 * its call returns. */
static void test_free_while_stuck(void **state)
{
	struct result res = {0};
	struct hm_rq *rq;
	struct fake f;
	uint64_t t0;

	fake_init(&f);
	assert_int_equal(hm_rq_new(4, 8, 5000000, fake_exec, fake_free, &f, &rq), 0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_GET_INPUT, (const uint8_t *)"\x01\x00", 2, on_done, &res),
	    0);
	assert_int_equal(
	    hm_rq_submit(rq, HM_REQUEST_OUTPUT, (const uint8_t *)"\x01\x00", 2, on_done, &res), 0);
	wait_entered(&f);
	t0 = hm_now_usec();
	hm_rq_free(rq);
	assert_true(hm_now_usec() - t0 < 1000000);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.result[0], -ECANCELED);
	assert_int_equal(res.result[1], -ECANCELED);
	assert_false(f.freed);
	gate(&f, true);
	pthread_mutex_lock(&f.lock);
	while (!f.freed)
		pthread_cond_wait(&f.cond, &f.lock);
	pthread_mutex_unlock(&f.lock);
	assert_int_equal(f.calls, 1); /* the queued output was not sent */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_order_and_answers),
	    cmocka_unit_test(test_outputs_merge),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_free_while_stuck),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
