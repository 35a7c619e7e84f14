/* SPDX-License-Identifier: MIT */
/*
 * The log's buffer (log-ring.h) and its asynchronous writer (util-log.h):
 * a log call never waits on a stalled stderr; what did not fit is counted
 * and said once stderr takes data again.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log-ring.h"
#include "util-log.h"

static void test_ring_whole_lines(void **state)
{
	struct log_ring r;
	char out[64];

	(void)state;
	assert_int_equal(log_ring_init(&r, 16), 0);
	assert_true(log_ring_push(&r, "abcde\n", 6));
	assert_true(log_ring_push(&r, "fghij\n", 6));
	assert_int_equal(log_ring_room(&r), 4);
	/* a line that does not fit is not cut: dropped whole, counted */
	assert_false(log_ring_push(&r, "klmno\n", 6));
	assert_int_equal(r.dropped, 1);
	assert_int_equal(r.len, 12);
	assert_int_equal(log_ring_take(&r, out, 7), 7);
	assert_memory_equal(out, "abcde\nf", 7);
	/* across the end of the buffer */
	assert_true(log_ring_push(&r, "pqrstuvw\n", 9));
	assert_false(log_ring_push(&r, "xyz\n", 4));
	assert_int_equal(r.dropped, 2);
	assert_int_equal(log_ring_take(&r, out, sizeof(out)), 14);
	assert_memory_equal(out, "ghij\npqrstuvw\n", 14);
	assert_int_equal(log_ring_take(&r, out, sizeof(out)), 0);
	assert_int_equal(log_ring_room(&r), 16);
	assert_true(log_ring_push(&r, "0123456789abcdef", 16)); /* exactly full */
	assert_int_equal(log_ring_take(&r, out, sizeof(out)), 16);
	assert_memory_equal(out, "0123456789abcdef", 16);
	log_ring_fini(&r);
}

/* Against a plain string, pushes and takes of every size wrap correctly. */
static void test_ring_model(void **state)
{
	struct log_ring r;
	char model[256], out[64], line[32];
	size_t mlen = 0;
	unsigned seed = 1;

	(void)state;
	assert_int_equal(log_ring_init(&r, 37), 0);
	for (int i = 0; i < 5000; i++) {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 3) {
			size_t n = 1 + (seed >> 8) % 20;
			bool fits = n <= 37 - mlen;

			for (size_t k = 0; k < n; k++)
				line[k] = (char)('a' + (i + (int)k) % 26);
			assert_int_equal(log_ring_push(&r, line, n), fits);
			if (fits) {
				memcpy(model + mlen, line, n);
				mlen += n;
			}
		} else {
			size_t want = (seed >> 8) % 30, got = log_ring_take(&r, out, want);

			assert_int_equal(got, want < mlen ? want : mlen);
			assert_memory_equal(out, model, got);
			memmove(model, model + got, mlen - got);
			mlen -= got;
		}
		assert_int_equal(r.len, mlen);
	}
	log_ring_fini(&r);
}

struct drain {
	int fd;
	char *buf;
	size_t len, size;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while ((n = read(d->fd, d->buf + d->len, d->size - d->len - 1)) > 0)
		d->len += (size_t)n;
	d->buf[d->len] = '\0';
	return NULL;
}

/* Makes stderr a full pipe that nobody reads (p[1]; p[0] its other end);
 * returns the real stderr, for stderr_restore(). */
static int stderr_stall(int p[2])
{
	int saved, flags;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	(void)fcntl(p[1], F_SETPIPE_SZ, 4096);
	flags = fcntl(p[1], F_GETFL);
	assert_int_equal(fcntl(p[1], F_SETFL, flags | O_NONBLOCK), 0);
	while (write(p[1], "#", 1) == 1)
		;
	assert_int_equal(fcntl(p[1], F_SETFL, flags), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(p[1], STDERR_FILENO), STDERR_FILENO);
	log_set_target(LOG_TARGET_PLAIN);
	return saved;
}

/* Starts reading the pipe into d->buf (d->size bytes at most). */
static void stderr_drain_start(struct drain *d, int fd, pthread_t *reader)
{
	d->buf = malloc(d->size);
	assert_non_null(d->buf);
	d->fd = fd;
	assert_int_equal(pthread_create(reader, NULL, drain_main, d), 0);
}

/* stderr back; the reader finishes with everything written to the pipe. */
static void stderr_restore(int saved, int p[2], pthread_t reader)
{
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(p[1]);
	pthread_join(reader, NULL);
	close(p[0]);
}

/*
 * stderr is a pipe that nobody reads (as a stopped journald's stream
 * would be): 10000 log calls all return, with the writer thread stuck in
 * write(); what did not fit is counted.  Once the pipe is read again,
 * the lines that fit arrive in order, then the note of the dropped ones,
 * then a line logged after.
 */
static void test_async_stalled_stderr(void **state)
{
	struct drain d = {.size = 1 << 20};
	int p[2], saved;
	pthread_t reader;
	uint64_t dropped, dropped0;
	char *at_note = NULL, *at_after, *at_first, *at_last_kept;
	uint64_t noted = 0;
	unsigned kept = 0;

	(void)state;
	saved = stderr_stall(p);
	assert_int_equal(log_start_async(8192), 0);
	dropped0 = log_dropped_total();
	for (int i = 0; i < 10000; i++)
		log_info("line %05d", i);
	dropped = log_dropped_total() - dropped0;

	stderr_drain_start(&d, p[0], &reader);
	/* the note comes once the writer has emptied the buffer; the line
	 * after it may come before or after that, the note before it */
	log_stop_async(10000);
	log_info("after the stall"); /* synchronous again */
	stderr_restore(saved, p, reader);

	/* the writer was stuck: at least everything past buffer + one chunk
	 * of 10000 lines of 20 bytes was dropped */
	assert_true(dropped >= 10000 - (8192 + 4096) / 20);
	/* the notes (one per gap: the writer may have made room once before
	 * it stuck) add up to what was dropped; the last one comes after
	 * every line kept */
	for (char *at = strstr(d.buf, "hidmapd: "); at; at = strstr(at + 1, "hidmapd: ")) {
		unsigned long long k;
		int len = 0;

		if (sscanf(at,
		           "hidmapd: %llu log messages dropped: the log (stderr) was not taking "
		           "them\n%n",
		           &k, &len) == 1 &&
		    len > 0) {
			noted += k;
			at_note = at;
		}
	}
	assert_int_equal(noted, dropped);
	at_after = strstr(d.buf, "hidmapd: after the stall\n");
	at_first = strstr(d.buf, "hidmapd: line 00000\n");
	assert_non_null(at_note);
	assert_non_null(at_after);
	assert_non_null(at_first);
	assert_true(at_first < at_note && at_note < at_after);
	/* the lines kept are whole and in order; with the dropped ones, all */
	at_last_kept = at_first;
	for (unsigned i = 0; i < 10000; i++) {
		char want[32], *at;

		snprintf(want, sizeof(want), "hidmapd: line %05u\n", i);
		at = strstr(d.buf, want);
		if (!at)
			continue; /* dropped */
		assert_true(at >= at_last_kept);
		at_last_kept = at;
		kept++;
	}
	assert_int_equal(kept + dropped, 10000);
	assert_true(at_last_kept < at_note);
	free(d.buf);
}

/*
 * The same stall with a flood of info lines, then a warning and an error:
 * info lines stop at three quarters of the buffer, so the warning and the
 * error, logged after thousands of dropped info lines, still come out
 * (before the note of the dropped ones), and an info line right after
 * them is dropped.
 */
static void test_async_keeps_warnings(void **state)
{
	struct drain d = {.size = 1 << 20};
	int p[2], saved;
	pthread_t reader;
	uint64_t dropped0, dropped_info, dropped_after;
	char *at_warning, *at_error, *at_note;

	(void)state;
	saved = stderr_stall(p);
	assert_int_equal(log_start_async(8192), 0);
	dropped0 = log_dropped_total();
	for (int i = 0; i < 5000; i++)
		log_info("chatter %05d", i);
	dropped_info = log_dropped_total() - dropped0;
	log_warning("the warning");
	log_error("the error");
	assert_int_equal(log_dropped_total() - dropped0, dropped_info);
	log_info("more chatter");
	dropped_after = log_dropped_total() - dropped0;
	assert_int_equal(dropped_after, dropped_info + 1);

	stderr_drain_start(&d, p[0], &reader);
	log_stop_async(10000);
	stderr_restore(saved, p, reader);

	/* the stuck writer took at most one chunk (4 KiB): of 5000 lines of
	 * 23 bytes, at most (6144 + 4096) / 23 fit */
	assert_true(dropped_info >= 5000 - (6144 + 4096) / 23);
	at_warning = strstr(d.buf, "hidmapd: the warning\n");
	at_error = strstr(d.buf, "hidmapd: the error\n");
	at_note = strstr(d.buf, " log messages dropped");
	assert_non_null(at_warning);
	assert_non_null(at_error);
	assert_non_null(at_note);
	assert_true(at_warning < at_error);
	assert_null(strstr(d.buf, "more chatter"));
	free(d.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ring_whole_lines),
	    cmocka_unit_test(test_ring_model),
	    cmocka_unit_test(test_async_stalled_stderr),
	    cmocka_unit_test(test_async_keeps_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
