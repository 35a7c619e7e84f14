/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "event-loop.h"

/* 1 when fd is not open any more */
static int fcntl_is_closed(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

struct pair {
	struct hm_source *a, *b;
	int calls_a, calls_b;
};

static void on_a(struct hm_source *s, uint32_t events, void *data)
{
	struct pair *p = data;
	uint64_t v;

	p->calls_a++;
	(void)!read(hm_source_get_fd(s), &v, sizeof(v));
	/* remove the other source, which has an event pending in this same batch */
	hm_source_remove(p->b);
	hm_source_remove(s);
}

static void on_b(struct hm_source *s, uint32_t events, void *data)
{
	struct pair *p = data;
	uint64_t v;

	p->calls_b++;
	(void)!read(hm_source_get_fd(s), &v, sizeof(v));
	hm_source_remove(p->a);
	hm_source_remove(s);
}

static void test_deferred_removal(void **state)
{
	struct hm_loop *loop;
	struct pair p = {0};
	uint64_t one = 1;
	int fa = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int fb = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	assert_int_equal(hm_loop_new(&loop), 0);
	p.a = hm_loop_add_fd(loop, fa, EPOLLIN, true, on_a, &p);
	p.b = hm_loop_add_fd(loop, fb, EPOLLIN, true, on_b, &p);
	assert_non_null(p.a);
	assert_non_null(p.b);
	assert_int_equal(write(fa, &one, 8), 8);
	assert_int_equal(write(fb, &one, 8), 8);

	/* both are ready in one batch; whichever runs first removes the other,
	 * which then must not run (and must not be a use-after-free: ASan) */
	assert_int_equal(hm_loop_dispatch(loop, 1000), 2);
	assert_int_equal(p.calls_a + p.calls_b, 1);
	/* the owned fds were closed */
	assert_int_equal(fcntl_is_closed(fa), 1);
	hm_loop_free(loop);
}

static void on_timer(struct hm_timer *t, void *data)
{
	int *fired = data;

	(*fired)++;
}

static void test_timer(void **state)
{
	struct hm_loop *loop;
	struct hm_timer *t;
	int fired = 0;
	uint64_t start;

	assert_int_equal(hm_loop_new(&loop), 0);
	t = hm_timer_new(loop, on_timer, &fired);
	assert_non_null(t);

	/* disarmed: nothing happens */
	assert_int_equal(hm_loop_dispatch(loop, 50), 0);
	assert_int_equal(fired, 0);

	start = hm_now_usec();
	assert_int_equal(hm_timer_arm(t, 20000), 0);
	while (fired == 0)
		assert_true(hm_loop_dispatch(loop, 1000) >= 0);
	assert_true(hm_now_usec() - start >= 20000);
	assert_int_equal(fired, 1);

	/* one-shot */
	assert_int_equal(hm_loop_dispatch(loop, 50), 0);
	assert_int_equal(fired, 1);

	/* re-armed then disarmed: does not fire */
	assert_int_equal(hm_timer_arm(t, 10000), 0);
	assert_int_equal(hm_timer_arm(t, 0), 0);
	assert_int_equal(hm_loop_dispatch(loop, 50), 0);
	assert_int_equal(fired, 1);

	hm_timer_free(t);
	hm_loop_free(loop);
}

static void on_signal(int signo, void *data)
{
	int *got = data;

	*got = signo;
}

static void test_signals(void **state)
{
	struct hm_loop *loop;
	sigset_t mask;
	int got = 0;

	assert_int_equal(hm_loop_new(&loop), 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	assert_non_null(hm_loop_add_signals(loop, &mask, on_signal, &got));
	raise(SIGUSR1);
	assert_int_equal(hm_loop_dispatch(loop, 1000), 1);
	assert_int_equal(got, SIGUSR1);
	hm_loop_free(loop);
}

static void on_quit(struct hm_source *s, uint32_t events, void *data)
{
	uint64_t v;

	(void)!read(hm_source_get_fd(s), &v, sizeof(v));
	hm_loop_quit(data);
}

static void test_run_quit(void **state)
{
	struct hm_loop *loop;
	uint64_t one = 1;
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	assert_int_equal(hm_loop_new(&loop), 0);
	assert_non_null(hm_loop_add_fd(loop, fd, EPOLLIN, true, on_quit, loop));
	assert_int_equal(write(fd, &one, 8), 8);
	assert_int_equal(hm_loop_run(loop), 0);
	assert_int_equal(hm_loop_wakeups(loop), 1);
	hm_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deferred_removal),
	    cmocka_unit_test(test_timer),
	    cmocka_unit_test(test_signals),
	    cmocka_unit_test(test_run_quit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
