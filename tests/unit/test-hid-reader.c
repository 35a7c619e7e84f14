/* SPDX-License-Identifier: MIT */
/*
 * Reading reports: what a read error means.  Before issue 16's fix every
 * failed read, EINTR included, let the device go as if unplugged.  A
 * SOCK_SEQPACKET socket pair stands in for a hidraw fd: it keeps report
 * boundaries, and a closed peer hangs up as a removed hidraw device does.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hid-reader.h"

static void on_alarm(int signo)
{
}

struct late_writer {
	int fd;
	pthread_t reader;
};

static void *write_late(void *arg)
{
	struct late_writer *w = arg;
	struct timespec ts = {0, 50 * 1000 * 1000};

	/* interrupt the reader's read(2) first, then give it a report */
	nanosleep(&ts, NULL);
	pthread_kill(w->reader, SIGUSR1);
	nanosleep(&ts, NULL);
	assert_int_equal(send(w->fd, "\x01\x02\x03", 3, 0), 3);
	return NULL;
}

/* EINTR is not the end of the device: the read is made again and the
 * report arrives. */
static void test_eintr_retried(void **state)
{
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
	struct late_writer w;
	pthread_t thread;
	uint8_t buf[16];
	int fds[2];

	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
	w.fd = fds[1];
	w.reader = pthread_self();
	assert_int_equal(pthread_create(&thread, NULL, write_late, &w), 0);
	/* a blocking fd, so that the signal lands inside read(2) */
	assert_int_equal(hm_hid_read_report(fds[0], buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "\x01\x02\x03", 3);
	pthread_join(thread, NULL);
	close(fds[0]);
	close(fds[1]);
	signal(SIGUSR1, SIG_DFL);
}

/* Non-blocking: one report per call, then 0 (nothing now), not an error. */
static void test_reports_then_empty(void **state)
{
	uint8_t buf[16];
	int fds[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds),
	                 0);
	assert_int_equal(send(fds[1], "\x01\x02", 2, 0), 2);
	assert_int_equal(send(fds[1], "\x03", 1, 0), 1);
	assert_int_equal(hm_hid_read_report(fds[0], buf, sizeof(buf)), 2);
	assert_int_equal(hm_hid_read_report(fds[0], buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 3);
	assert_int_equal(hm_hid_read_report(fds[0], buf, sizeof(buf)), 0);
	assert_int_equal(hm_hid_read_report(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
	close(fds[1]);
}

static void test_error_meaning(void **state)
{
	int fds[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds),
	                 0);
	/* passing errors */
	assert_false(hm_hid_read_error_is_gone(EINTR, fds[0]));
	assert_false(hm_hid_read_error_is_gone(EAGAIN, fds[0]));
	assert_false(hm_hid_read_error_is_gone(ENOMEM, fds[0]));
	/* EIO from a device still there (no hang-up) */
	assert_false(hm_hid_read_error_is_gone(EIO, fds[0]));
	/* gone */
	assert_true(hm_hid_read_error_is_gone(ENODEV, fds[0]));
	close(fds[1]);
	/* EIO after removal: hidraw's poll says EPOLLHUP then */
	assert_true(hm_hid_read_error_is_gone(EIO, fds[0]));
	close(fds[0]);
}

/* The commands' wait: a report when one comes, 0 when none comes in time,
 * -EINTR for a signal, -ENODEV once the peer hangs up and nothing is left. */
static void test_wait_report(void **state)
{
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
	struct late_writer w;
	pthread_t thread;
	uint8_t buf[16];
	int fds[2];

	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds),
	                 0);
	assert_int_equal(hm_hid_wait_report(fds[0], buf, sizeof(buf), 10), 0);
	assert_int_equal(send(fds[1], "\x04\x05", 2, 0), 2);
	assert_int_equal(hm_hid_wait_report(fds[0], buf, sizeof(buf), -1), 2);
	assert_memory_equal(buf, "\x04\x05", 2);
	/* the signal comes first: -EINTR; the report after it is read next */
	w.fd = fds[1];
	w.reader = pthread_self();
	assert_int_equal(pthread_create(&thread, NULL, write_late, &w), 0);
	assert_int_equal(hm_hid_wait_report(fds[0], buf, sizeof(buf), -1), -EINTR);
	pthread_join(thread, NULL);
	assert_int_equal(hm_hid_wait_report(fds[0], buf, sizeof(buf), -1), 3);
	assert_memory_equal(buf, "\x01\x02\x03", 3);
	close(fds[1]);
	assert_int_equal(hm_hid_wait_report(fds[0], buf, sizeof(buf), -1), -ENODEV);
	close(fds[0]);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eintr_retried),
	    cmocka_unit_test(test_reports_then_empty),
	    cmocka_unit_test(test_error_meaning),
	    cmocka_unit_test(test_wait_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
