/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the report hand-off: a synthetic producer thread (standing in
 * for a device's reader thread) pushes mouse reports at a fixed rate through
 * the real SPSC ring and eventfd; the real epoll loop wakes up, decodes each
 * report with the generic module and ends the frame on a counting sink.
 *
 * Added latency = time the frame reached the sink - time the producer
 * committed the report.  Printed as p50/p99/p99.9, with reports/s and the
 * CPU time the whole process used.  Not a test: it asserts nothing.
 *
 *   bench-handoff [seconds-per-rate]      (default 5)
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>

#include "device.h"
#include "event-loop.h"
#include "ring.h"
#include "util-strings.h"

/* HID 1.11 Appendix E.10: boot mouse, 3 buttons, X, Y, wheel */
static const uint8_t mouse_rdesc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09, 0x19,
    0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02,
    0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09,
    0x38, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06, 0xc0, 0xc0,
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct bench {
	struct hm_ring *ring;
	struct hm_loop *loop;
	struct hm_device *dev;
	uint64_t *sent_ns; /* producer: commit time of report i */
	uint64_t *lat_ns;  /* consumer: latency of report i */
	size_t n, received;
	uint64_t period_ns; /* 0: as fast as possible */
	atomic_bool done;
	uint64_t frames;
};

/* The sink: counts frames and stamps the latency of the report being decoded. */
struct count_sink {
	struct hm_sink base;
	struct bench *b;
};

static int cs_add(struct hm_sink *s, const struct libevdev *caps, void **ret)
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

static const struct hm_sink_ops cs_ops = {cs_add, cs_frame, cs_remove, cs_fd};

static void *producer(void *arg)
{
	struct bench *b = arg;
	struct timespec next;
	uint64_t t;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (size_t i = 0; i < b->n; i++) {
		struct hm_ring_slot *slot;

		if (b->period_ns) {
			t = (uint64_t)next.tv_nsec + b->period_ns;
			next.tv_sec += (time_t)(t / 1000000000u);
			next.tv_nsec = (long)(t % 1000000000u);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) ==
			       EINTR)
				;
		}
		while (!(slot = hm_ring_reserve(b->ring)))
			; /* only when flooding: wait for room rather than drop */
		/* buttons toggle and the pointer moves, so every report makes a frame */
		slot->data[0] = (uint8_t)(i & 1);
		slot->data[1] = (uint8_t)(1 + (i % 5));
		slot->data[2] = (uint8_t)-1;
		slot->data[3] = 0;
		slot->size = 4;
		b->sent_ns[i] = now_ns();
		slot->time_us = b->sent_ns[i] / 1000;
		hm_ring_commit(b->ring);
	}
	atomic_store(&b->done, true);
	hm_ring_kick(b->ring);
	return NULL;
}

static void on_ring(struct hm_source *s, uint32_t events, void *data)
{
	struct bench *b = data;
	const struct hm_ring_slot *slot;

	hm_ring_ack(b->ring);
	while ((slot = hm_ring_peek(b->ring))) {
		hm_device_process_report(b->dev, slot->data, slot->size, slot->time_us);
		b->lat_ns[b->received] = now_ns() - b->sent_ns[b->received];
		b->received++;
		hm_ring_pop(b->ring);
	}
	if (atomic_load(&b->done) && b->received == b->n)
		hm_loop_quit(b->loop);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
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
	double cpu0, cpu1;
	int r;

	b.n = rate_hz ? (size_t)(rate_hz * seconds) : 1000000;
	b.period_ns = rate_hz ? 1000000000u / rate_hz : 0;
	b.sent_ns = calloc(b.n, sizeof(uint64_t));
	b.lat_ns = calloc(b.n, sizeof(uint64_t));
	atomic_init(&b.done, false);
	if (!b.sent_ns || !b.lat_ns)
		return -ENOMEM;
	if ((r = hm_ring_new(256, 64, &b.ring)) < 0 || (r = hm_loop_new(&b.loop)) < 0)
		return r;
	r = hm_device_new(&info, mouse_rdesc, sizeof(mouse_rdesc), &setup, &b.dev);
	if (r < 0) {
		fprintf(stderr, "bench: generic module refused the mouse: %s\n", strerror(-r));
		return r;
	}
	if (!hm_loop_add_fd(b.loop, hm_ring_get_fd(b.ring), EPOLLIN, false, on_ring, &b))
		return -errno;

	cpu0 = cpu_seconds();
	t0 = now_ns();
	pthread_create(&thread, NULL, producer, &b);
	r = hm_loop_run(b.loop);
	pthread_join(thread, NULL);
	t1 = now_ns();
	cpu1 = cpu_seconds();
	wakeups = hm_loop_wakeups(b.loop);

	qsort(b.lat_ns, b.received, sizeof(uint64_t), cmp_u64);
	printf("%-7s %8zu reports %10.0f reports/s  latency p50 %6.1f us  p99 %6.1f us  "
	       "p99.9 %6.1f us  max %7.1f us  cpu %5.1f%%  wakeups/report %.2f  frames %" PRIu64
	       "  dropped %" PRIu64 "\n",
	       label, b.received, (double)b.received / ((double)(t1 - t0) / 1e9),
	       (double)b.lat_ns[b.received / 2] / 1e3,
	       (double)b.lat_ns[(size_t)((double)b.received * 0.99)] / 1e3,
	       (double)b.lat_ns[(size_t)((double)b.received * 0.999)] / 1e3,
	       (double)b.lat_ns[b.received - 1] / 1e3,
	       100.0 * (cpu1 - cpu0) / ((double)(t1 - t0) / 1e9),
	       (double)wakeups / (double)b.received, b.frames, hm_ring_dropped(b.ring));

	hm_device_free(b.dev);
	hm_loop_free(b.loop);
	hm_ring_free(b.ring);
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
	printf("hand-off benchmark: producer thread -> ring/eventfd -> epoll -> generic decode "
	       "-> sink\n(latency is the time added between the reader thread and the sink)\n");
	if (run("1kHz", 1000, seconds) < 0 || run("8kHz", 8000, seconds) < 0 ||
	    run("flood", 0, seconds) < 0)
		return 1;
	return 0;
}
