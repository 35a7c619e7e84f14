/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

static int readable(struct hm_ring *ring)
{
	struct pollfd p = {.fd = hm_ring_get_fd(ring), .events = POLLIN};

	return poll(&p, 1, 0);
}

static void test_bad_args(void **state)
{
	struct hm_ring *ring;

	assert_int_equal(hm_ring_new(0, 64, &ring), -EINVAL);
	assert_int_equal(hm_ring_new(3, 64, &ring), -EINVAL);
	assert_int_equal(hm_ring_new(4, 0, &ring), -EINVAL);
}

static void test_fifo_signal_and_drop(void **state)
{
	struct hm_ring *ring;
	const struct hm_ring_slot *s;

	assert_int_equal(hm_ring_new(4, 8, &ring), 0);
	assert_int_equal(readable(ring), 0);
	assert_null(hm_ring_peek(ring));

	for (int i = 0; i < 4; i++) {
		struct hm_ring_slot *w = hm_ring_reserve(ring);

		assert_non_null(w);
		w->data[0] = (uint8_t)i;
		w->size = 1;
		hm_ring_commit(ring);
		/* woken once, on the empty -> non-empty transition */
		assert_int_equal(readable(ring), 1);
	}
	/* full */
	assert_null(hm_ring_reserve(ring));
	hm_ring_count_drop(ring);
	assert_int_equal(hm_ring_dropped(ring), 1);

	hm_ring_ack(ring);
	assert_int_equal(readable(ring), 0);
	for (int i = 0; i < 4; i++) {
		s = hm_ring_peek(ring);
		assert_non_null(s);
		assert_int_equal(s->data[0], i);
		hm_ring_pop(ring);
	}
	assert_null(hm_ring_peek(ring));
	hm_ring_free(ring);
}

#define N_THREADED 50000

static void *producer(void *arg)
{
	struct hm_ring *ring = arg;

	for (uint32_t i = 0; i < N_THREADED; i++) {
		struct hm_ring_slot *w;

		/* full: let the consumer run (valgrind runs one thread at a time) */
		while (!(w = hm_ring_reserve(ring)))
			sched_yield();
		memcpy(w->data, &i, sizeof(i));
		w->size = sizeof(i);
		hm_ring_commit(ring);
	}
	return NULL;
}

/* The consumer sleeps in poll() exactly like the loop does; if a wake-up
 * were ever lost, this would hang (the meson timeout catches it). */
static void test_threaded_no_lost_wakeup(void **state)
{
	struct hm_ring *ring;
	pthread_t t;
	uint32_t expect = 0;

	assert_int_equal(hm_ring_new(16, 8, &ring), 0);
	pthread_create(&t, NULL, producer, ring);
	while (expect < N_THREADED) {
		struct pollfd p = {.fd = hm_ring_get_fd(ring), .events = POLLIN};
		const struct hm_ring_slot *s;

		assert_int_equal(poll(&p, 1, 10000), 1);
		hm_ring_ack(ring);
		while ((s = hm_ring_peek(ring))) {
			uint32_t v;

			memcpy(&v, s->data, sizeof(v));
			assert_int_equal(v, expect);
			expect++;
			hm_ring_pop(ring);
		}
	}
	pthread_join(t, NULL);
	assert_int_equal(hm_ring_dropped(ring), 0);
	hm_ring_free(ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_fifo_signal_and_drop),
	    cmocka_unit_test(test_threaded_no_lost_wakeup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
