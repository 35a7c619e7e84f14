/* SPDX-License-Identifier: MIT */
/* The work pool: jobs off the loop, done() on the loop, a stuck job not
 * holding up the others. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "work-pool.h"

struct job {
	struct hm_work work;
	int gate;         /* read end: run() blocks until a byte comes; -1: none */
	pthread_t thread; /* where run() ran */
	bool ran, done;
	unsigned *order, seq; /* done() order */
};

static void job_run(struct hm_work *w)
{
	struct job *j = (struct job *)w;
	char c;

	if (j->gate >= 0)
		(void)!read(j->gate, &c, 1);
	j->thread = pthread_self();
	j->ran = true;
}

static void job_done(struct hm_work *w)
{
	struct job *j = (struct job *)w;

	j->done = true;
	j->seq = (*j->order)++;
}

static void wait_fd(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	assert_int_equal(poll(&p, 1, 5000), 1);
}

static void test_off_thread_and_done_on_dispatch(void **state)
{
	struct hm_work_pool *p;
	unsigned order = 0;
	struct job j = {.work = {.run = job_run, .done = job_done}, .gate = -1, .order = &order};

	assert_int_equal(hm_work_pool_new(4, 0, &p), 0);
	assert_int_equal(hm_work_pool_threads(p), 0);
	hm_work_submit(p, &j.work);
	assert_int_equal(hm_work_pool_pending(p), 1);
	wait_fd(hm_work_pool_fd(p));
	assert_false(j.done); /* only the dispatch calls done() */
	hm_work_pool_dispatch(p);
	assert_true(j.ran);
	assert_true(j.done);
	assert_false(pthread_equal(j.thread, pthread_self()));
	assert_int_equal(hm_work_pool_pending(p), 0);
	hm_work_pool_free(p);
}

/* A job stuck (a silent device's open) while others come: they run on
 * other threads and finish first. */
static void test_stuck_job_does_not_hold_others(void **state)
{
	struct hm_work_pool *p;
	unsigned order = 0;
	int gate[2];
	struct job stuck = {.work = {.run = job_run, .done = job_done}, .order = &order};
	struct job others[3];

	assert_int_equal(pipe(gate), 0);
	stuck.gate = gate[0];
	assert_int_equal(hm_work_pool_new(4, 0, &p), 0);
	hm_work_submit(p, &stuck.work);
	for (unsigned i = 0; i < 3; i++) {
		others[i] = (struct job){
		    .work = {.run = job_run, .done = job_done}, .gate = -1, .order = &order};
		hm_work_submit(p, &others[i].work);
	}
	while (order < 3) {
		wait_fd(hm_work_pool_fd(p));
		hm_work_pool_dispatch(p);
	}
	assert_false(stuck.done);
	for (unsigned i = 0; i < 3; i++)
		assert_true(others[i].done);
	assert_int_equal(hm_work_pool_pending(p), 1);
	assert_true(hm_work_pool_threads(p) >= 2);
	assert_int_equal(write(gate[1], "x", 1), 1);
	/* free waits for the stuck one and calls its done() */
	hm_work_pool_free(p);
	assert_true(stuck.done);
	assert_int_equal(stuck.seq, 3);
	close(gate[0]);
	close(gate[1]);
}

/* With one thread, jobs run first come, first served. */
static void test_fifo(void **state)
{
	struct hm_work_pool *p;
	unsigned order = 0;
	struct job j[5];

	assert_int_equal(hm_work_pool_new(1, 10, &p), 0);
	for (unsigned i = 0; i < 5; i++) {
		j[i] = (struct job){
		    .work = {.run = job_run, .done = job_done}, .gate = -1, .order = &order};
		hm_work_submit(p, &j[i].work);
	}
	hm_work_pool_free(p);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(j[i].seq, i);
	assert_int_equal(hm_work_pool_new(0, 0, &p), -EINVAL);
}

/* job_run(), then a byte to tell_fd: the test knows it ran */
static int tell_fd = -1;

static void job_run_tell(struct hm_work *w)
{
	job_run(w);
	assert_int_equal(write(tell_fd, "x", 1), 1);
}

/* dispatch_max(1): one done() per call, the fd readable while more are
 * done (the daemon's loop serves its devices between two). */
static void test_dispatch_max(void **state)
{
	struct hm_work_pool *p;
	unsigned order = 0;
	struct job j[3];
	struct pollfd pfd;
	int tell[2];
	char c;

	assert_int_equal(pipe(tell), 0);
	tell_fd = tell[1];
	assert_int_equal(hm_work_pool_new(1, 0, &p), 0);
	for (unsigned i = 0; i < 3; i++) {
		j[i] = (struct job){
		    .work = {.run = job_run_tell, .done = job_done}, .gate = -1, .order = &order};
		hm_work_submit(p, &j[i].work);
	}
	/* all three ran: the first two are done (one thread, in order), the
	 * last one is or will be (the loop below waits for the fd) */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(read(tell[0], &c, 1), 1);
	for (unsigned i = 0; i < 3; i++) {
		wait_fd(hm_work_pool_fd(p));
		hm_work_pool_dispatch_max(p, 1);
		assert_int_equal(order, i + 1);
		assert_true(j[i].done);
		if (i < 2)
			assert_false(j[i + 1].done);
	}
	pfd = (struct pollfd){.fd = hm_work_pool_fd(p), .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 0), 0); /* nothing more */
	assert_int_equal(hm_work_pool_pending(p), 0);
	hm_work_pool_free(p);
	close(tell[0]);
	close(tell[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_off_thread_and_done_on_dispatch),
	    cmocka_unit_test(test_stuck_job_does_not_hold_others),
	    cmocka_unit_test(test_fifo),
	    cmocka_unit_test(test_dispatch_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
