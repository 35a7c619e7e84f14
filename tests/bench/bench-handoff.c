/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the report path as the daemon runs it: a producer thread
 * (standing in for the kernel) writes mouse reports at a fixed rate into a
 * SOCK_SEQPACKET socket pair, which keeps report boundaries as a hidraw fd
 * does; the real epoll loop wakes up on the non-blocking end, reads the
 * reports itself with hm_hid_read_report() (the daemon's budget per
 * wake-up), decodes each with the generic module and ends the frame on a
 * counting sink.  No thread hand-off: the loop is the reader.
 *
 * Added latency = time the frame reached the sink - time the producer
 * wrote the report.  Printed as p50/p99/p99.9, with reports/s, the CPU
 * time the whole process used (the producer's included) and the loop
 * thread's alone (what the daemon spends on one device), wake-ups per
 * report and allocations per report (0 expected).  Not a test: it asserts
 * nothing.
 *
 *   bench-handoff [seconds-per-rate]      (default 5)
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alloc-count.h"
#include "descriptors.h"
#include "device.h"
#include "event-loop.h"
#include "hid-reader.h"
#include "util-strings.h"

#define READ_BUDGET 16 /* as daemon-reports.c */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct bench {
	int fds[2]; /* [0] the loop's end (non-blocking), [1] the producer's */
	struct hm_loop *loop;
	struct hm_device *dev;
	uint64_t *sent_ns; /* producer: commit time of report i */
	uint64_t *lat_ns;  /* consumer: latency of report i */
	size_t n, received;
	uint64_t period_ns; /* 0: as fast as possible */
	atomic_bool done;
	uint64_t frames;
	unsigned long allocs; /* allocations while reports were handled */
	unsigned run;         /* reports read since the fd was last found empty */
};

/* The sink: counts frames and stamps the latency of the report being decoded. */
struct count_sink {
	struct hm_sink base;
	struct bench *b;
};

static int cs_add(struct hm_sink *s, const struct libevdev *caps, unsigned ff_effects_max,
                  void **ret)
{
	*ret = s;
	return 0;
}

static void cs_frame(struct hm_sink *s, void *h, const struct input_event *ev, const int *raw,
                     size_t n)
{
	((struct count_sink *)s)->b->frames++;
}

static void cs_remove(struct hm_sink *s, void *h)
{
}

static int cs_fd(struct hm_sink *s, void *h)
{
	return -1;
}

static const struct hm_sink_ops cs_ops = {cs_add, cs_frame, cs_remove, cs_fd, NULL, NULL, NULL};

static void *producer(void *arg)
{
	struct bench *b = arg;
	struct timespec next;
	uint64_t t;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (size_t i = 0; i < b->n; i++) {
		uint8_t report[4];

		if (b->period_ns) {
			t = (uint64_t)next.tv_nsec + b->period_ns;
			next.tv_sec += (time_t)(t / 1000000000u);
			next.tv_nsec = (long)(t % 1000000000u);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) ==
			       EINTR)
				;
		}
		/* buttons toggle and the pointer moves, so every report makes a frame */
		report[0] = (uint8_t)(i & 1);
		report[1] = (uint8_t)(1 + (i % 5));
		report[2] = (uint8_t)-1;
		report[3] = 0;
		b->sent_ns[i] = now_ns();
		/* blocking: when flooding, wait for room rather than drop */
		while (send(b->fds[1], report, sizeof(report), 0) < 0 && errno == EINTR)
			;
	}
	atomic_store(&b->done, true);
	return NULL;
}

static void on_readable(struct hm_source *s, uint32_t events, void *data)
{
	struct bench *b = data;
	unsigned long a0 = atomic_load(&allocations);
	uint8_t buf[64];

	for (unsigned i = 0; i < READ_BUDGET; i++) {
		int n = hm_hid_read_report(b->fds[0], buf, sizeof(buf));

		if (n <= 0) {
			b->run = 0;
			break;
		}
		hm_device_process_report(b->dev, buf, (size_t)n, now_ns() / 1000);
		b->lat_ns[b->received] = now_ns() - b->sent_ns[b->received];
		b->received++;
		/* as daemon-reports.c: the read that finds it empty once per half buffer */
		if (++b->run < HM_HIDRAW_BUFFER_REPORTS / 2)
			break;
	}
	b->allocs += atomic_load(&allocations) - a0;
	if (b->received == b->n)
		hm_loop_quit(b->loop);
}

static int fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -errno : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* CPU time of the calling thread: the loop's, the daemon's share */
static double thread_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int run(const char *label, unsigned rate_hz, double seconds)
{
	struct bench b = {0};
	struct count_sink sink = {.base.ops = &cs_ops, .b = &b};
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x1234, .product = 0x5678, .name = "bench mouse", .path = "bench"};
	struct hm_device_setup setup = {.module = &hm_module_generic, .sink = &sink.base};
	pthread_t thread;
	uint64_t t0, t1, wakeups;
	double cpu0, cpu1, loop0, loop1;
	char allocs[32];
	int r;

	b.n = rate_hz ? (size_t)(rate_hz * seconds) : 1000000;
	b.period_ns = rate_hz ? 1000000000u / rate_hz : 0;
	b.sent_ns = calloc(b.n, sizeof(uint64_t));
	b.lat_ns = calloc(b.n, sizeof(uint64_t));
	atomic_init(&b.done, false);
	if (!b.sent_ns || !b.lat_ns)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, b.fds) < 0)
		return -errno;
	(void)fcntl_nonblock(b.fds[0]);
	if ((r = hm_loop_new(&b.loop)) < 0)
		return r;
	r = hm_device_new(&info, wheel_mouse, sizeof(wheel_mouse), &setup, &b.dev);
	if (r < 0) {
		fprintf(stderr, "bench: generic module refused the mouse: %s\n", strerror(-r));
		return r;
	}
	if (!hm_loop_add_fd(b.loop, b.fds[0], EPOLLIN, false, on_readable, &b))
		return -errno;

	cpu0 = cpu_seconds();
	loop0 = thread_cpu_seconds();
	t0 = now_ns();
	pthread_create(&thread, NULL, producer, &b);
	r = hm_loop_run(b.loop);
	pthread_join(thread, NULL);
	t1 = now_ns();
	cpu1 = cpu_seconds();
	loop1 = thread_cpu_seconds();
	wakeups = hm_loop_wakeups(b.loop);

	if (ALLOCATIONS_COUNTED)
		snprintf(allocs, sizeof(allocs), "%.3f", (double)b.allocs / (double)b.received);
	else
		snprintf(allocs, sizeof(allocs), "n/a");
	qsort(b.lat_ns, b.received, sizeof(uint64_t), cmp_u64);
	printf(
	    "%-7s %8zu reports %10.0f reports/s  latency p50 %6.1f us  p99 %6.1f us  "
	    "p99.9 %6.1f us  max %7.1f us  cpu %5.1f%% (loop %5.2f%%)  wakeups/report %.2f  frames %" PRIu64
	    "  allocations/report %s\n",
	    label, b.received, (double)b.received / ((double)(t1 - t0) / 1e9),
	    (double)b.lat_ns[b.received / 2] / 1e3,
	    (double)b.lat_ns[(size_t)((double)b.received * 0.99)] / 1e3,
	    (double)b.lat_ns[(size_t)((double)b.received * 0.999)] / 1e3,
	    (double)b.lat_ns[b.received - 1] / 1e3,
	    100.0 * (cpu1 - cpu0) / ((double)(t1 - t0) / 1e9),
	    100.0 * (loop1 - loop0) / ((double)(t1 - t0) / 1e9),
	    (double)wakeups / (double)b.received, b.frames, allocs);

	hm_device_free(b.dev);
	hm_loop_free(b.loop);
	close(b.fds[0]);
	close(b.fds[1]);
	free(b.sent_ns);
	free(b.lat_ns);
	return r;
}

int main(int argc, char **argv)
{
	double seconds = 5;
	uint64_t usec;

	if (argc > 1) {
		if (safe_atous(argv[1], &usec) < 0 || usec == 0 || usec > 600000000u) {
			fprintf(stderr, "usage: bench-handoff [seconds-per-rate (0 < s <= 600)]\n");
			return 2;
		}
		seconds = (double)usec / 1e6;
	}
	printf("report path benchmark: producer -> seqpacket fd (as hidraw) -> epoll loop reads "
	       "-> generic decode -> sink\n(latency is the time added between the write and the "
	       "sink)\n");
	if (run("1kHz", 1000, seconds) < 0 || run("8kHz", 8000, seconds) < 0 ||
	    run("flood", 0, seconds) < 0)
		return 1;
	return 0;
}
