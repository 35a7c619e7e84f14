/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log-ring.h"
#include "util-log.h"

static int max_level = LOG_INFO;
static enum log_target target = LOG_TARGET_AUTO;

void log_set_max_level(int level)
{
	max_level = level;
}

int log_get_max_level(void)
{
	return max_level;
}

void log_set_target(enum log_target t)
{
	target = t;
}

static bool use_prefix(void)
{
	if (target == LOG_TARGET_AUTO)
		target = getenv("JOURNAL_STREAM") ? LOG_TARGET_SYSTEMD : LOG_TARGET_PLAIN;
	return target == LOG_TARGET_SYSTEMD;
}

/* One line as it goes out, newline included; its length (cut to size - 1). */
static size_t format_line(char *out, size_t size, int level, const char *text)
{
	int n = use_prefix() ? snprintf(out, size, "<%d>%s\n", level, text)
	                     : snprintf(out, size, "hidmapd: %s\n", text);

	if (n < 0)
		return 0;
	if ((size_t)n >= size) {
		out[size - 2] = '\n';
		return size - 1;
	}
	return (size_t)n;
}

/* ---- the asynchronous writer (log_start_async()) ----------------------------- */

#define LINE_MAX_BYTES 1200

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more;    /* to the writer: a line, or stop */
	pthread_cond_t drained; /* from the writer: nothing held, nothing being written */
	struct log_ring ring;
	pthread_t thread;
	bool active;   /* log_internal() queues */
	bool stop;     /* the writer ends at its next look */
	bool busy;     /* the writer is in write() */
	bool detached; /* a writer stuck at the last stop still owns the ring */
	uint64_t dropped_total;
} async = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .more = PTHREAD_COND_INITIALIZER,
    .drained = PTHREAD_COND_INITIALIZER,
};

static size_t dropped_note(char *out, size_t size, uint64_t n)
{
	char text[160];

	snprintf(text, sizeof(text),
	         "%" PRIu64 " log message%s dropped: the log (stderr) was not "
	         "taking them",
	         n, n == 1 ? "" : "s");
	return format_line(out, size, LOG_WARNING, text);
}

/* Writes it all unless stderr fails (then the rest is lost, as a failed
 * fprintf() would lose it); waits as long as stderr makes it. */
static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDERR_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) { /* someone made stderr non-blocking */
			struct pollfd pfd = {.fd = STDERR_FILENO, .events = POLLOUT};

			(void)poll(&pfd, 1, -1);
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void *writer_main(void *arg)
{
	char chunk[4096];

	(void)arg;
	pthread_mutex_lock(&async.lock);
	for (;;) {
		size_t n;

		async.busy = false;
		if (async.stop)
			break;
		if (!async.ring.len && !async.ring.dropped) {
			pthread_cond_broadcast(&async.drained);
			pthread_cond_wait(&async.more, &async.lock);
			continue;
		}
		if (async.ring.len) {
			n = log_ring_take(&async.ring, chunk, sizeof(chunk));
		} else {
			/* lines were dropped and none came after: say so now */
			n = dropped_note(chunk, sizeof(chunk), async.ring.dropped);
			async.ring.dropped = 0;
		}
		async.busy = true;
		pthread_mutex_unlock(&async.lock);
		write_all(chunk, n);
		pthread_mutex_lock(&async.lock);
	}
	pthread_cond_broadcast(&async.drained);
	pthread_mutex_unlock(&async.lock);
	return NULL;
}

int log_start_async(size_t capacity)
{
	sigset_t all, old;
	int r;

	(void)use_prefix(); /* decided once, before another thread reads it */
	pthread_mutex_lock(&async.lock);
	if (async.active || async.detached) {
		pthread_mutex_unlock(&async.lock);
		return async.active ? 0 : -EBUSY;
	}
	r = log_ring_init(&async.ring,
	                  capacity < 2 * LINE_MAX_BYTES ? 2 * LINE_MAX_BYTES : capacity);
	if (r < 0) {
		pthread_mutex_unlock(&async.lock);
		return r;
	}
	async.stop = async.busy = false;
	fflush(stderr); /* what was written synchronously goes first */
	/* signals are the caller's (a signalfd): the writer takes none, or
	 * a SIGHUP sent to the process could land on it and kill it */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&async.thread, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		log_ring_fini(&async.ring);
	else
		async.active = true;
	pthread_mutex_unlock(&async.lock);
	return r;
}

void log_stop_async(unsigned timeout_ms)
{
	struct timespec deadline;
	bool drained;

	pthread_mutex_lock(&async.lock);
	if (!async.active) {
		pthread_mutex_unlock(&async.lock);
		return;
	}
	async.active = false; /* from now on, log_internal() writes itself */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_cond_signal(&async.more);
	while ((async.ring.len || async.ring.dropped || async.busy) &&
	       pthread_cond_timedwait(&async.drained, &async.lock, &deadline) == 0)
		;
	drained = !async.ring.len && !async.ring.dropped && !async.busy;
	async.stop = true;
	pthread_cond_signal(&async.more);
	if (!drained)
		async.detached = true; /* stuck in write(): it keeps the ring */
	pthread_mutex_unlock(&async.lock);
	if (drained) {
		pthread_join(async.thread, NULL);
		log_ring_fini(&async.ring);
	} else {
		pthread_detach(async.thread);
	}
}

uint64_t log_dropped_total(void)
{
	uint64_t n;

	pthread_mutex_lock(&async.lock);
	n = async.dropped_total;
	pthread_mutex_unlock(&async.lock);
	return n;
}

/*
 * Which lines are dropped first when the log is not taken: notices, info
 * and debug lines may fill the buffer only up to its last quarter, kept
 * for warnings and errors (the lines that say something went wrong, and
 * the note of the dropped ones), so that a flood of chatter never hides
 * the error that ends it.
 */
static bool may_queue(int level, size_t n)
{
	size_t room = log_ring_room(&async.ring);

	if (level <= LOG_WARNING)
		return n <= room;
	return n + async.ring.size / 4 <= room;
}

/* Queues line (n bytes, of level) for the writer, after a note of the
 * lines dropped before it if any; false when not asynchronous. */
static bool queue_line(int level, const char *line, size_t n)
{
	pthread_mutex_lock(&async.lock);
	if (!async.active) {
		pthread_mutex_unlock(&async.lock);
		return false;
	}
	if (!may_queue(level, n)) {
		/* the writer is busy: a ring that full is not empty */
		async.ring.dropped++;
		async.dropped_total++;
		pthread_mutex_unlock(&async.lock);
		return true;
	}
	if (async.ring.dropped) {
		char note[256];
		size_t k = dropped_note(note, sizeof(note), async.ring.dropped);

		/* the note goes where the gap is, or this line joins the gap */
		if (k + n <= log_ring_room(&async.ring)) {
			async.ring.dropped = 0;
			(void)log_ring_push(&async.ring, note, k);
		} else {
			n = log_ring_room(&async.ring) + 1; /* does not fit: counted below */
		}
	}
	if (!log_ring_push(&async.ring, line, n))
		async.dropped_total++;
	pthread_cond_signal(&async.more);
	pthread_mutex_unlock(&async.lock);
	return true;
}

int log_internal(int level, int error, const char *fmt, ...)
{
	int saved = errno;
	char buf[1024], line[LINE_MAX_BYTES];
	va_list ap;

	if (error < 0)
		error = -error;

	if (level <= max_level) {
		size_t n;

		/* %m in the format refers to the error we were given */
		errno = error;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		n = format_line(line, sizeof(line), level, buf);
		if (!queue_line(level, line, n))
			fputs(line, stderr);
	}

	errno = saved;
	return -error;
}
