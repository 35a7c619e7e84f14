/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the gyro mouse (remap-gyro.c) in the remap engine alone: a
 * motion output as input-motion.h makes it (gyro ABS_RX/RY/RZ at 1024 per
 * °/s, accelerometer ABS_X/Y/Z, MSC_TIMESTAMP), fed one sample per report
 * (7 events, then hm_remap_frame()) at 1000 samples a second of a slowly
 * turning pad.  Prints ns per sample and per input event (best of ROUNDS),
 * events out per sample (the node passing, and the pointer), and allocations while timed (must be
 * 0), for: no GYRO line (the node passes), gyro-mouse plain, and with deadzone and smoothing.  Not
 * a test.
 *
 *   bench-gyro [SAMPLES [CASE]]  SAMPLES per round (default 1000000); CASE
 *                                (0, 1, 2): that case alone, for instruction
 *                                counts under valgrind --tool=callgrind
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "alloc-count.h"
#include "config.h"
#include "remap.h"

#define DEFAULT_SAMPLES 1000000u
#define ROUNDS          5

static uint64_t outputs;

static void count(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
	outputs++;
}

static const struct hm_remap_ops ops = {.emit = count};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct {
	const char *name, *line; /* NULL: no mapping at all */
} cases[] = {
    {"no GYRO line (passes)", NULL},
    {"gyro-mouse", "GYRO = gyro-mouse, sensitivity=12"},
    {"gyro-mouse, deadzone, smoothing", "GYRO = gyro-mouse, sensitivity=12, deadzone=1.5, "
                                        "smoothing=8, smoothing-time=125ms, hold=BTN_TL"},
};

static struct libevdev *motion_caps(void)
{
	struct libevdev *caps = libevdev_new();

	libevdev_set_name(caps, "bench pad Motion Sensors");
	libevdev_enable_property(caps, INPUT_PROP_ACCELEROMETER);
	for (unsigned c = ABS_X; c <= ABS_Z; c++)
		libevdev_enable_event_code(caps, EV_ABS, c,
		                           &(struct input_absinfo){.minimum = -32768,
		                                                   .maximum = 32768,
		                                                   .resolution = 8192});
	for (unsigned c = ABS_RX; c <= ABS_RZ; c++)
		libevdev_enable_event_code(caps, EV_ABS, c,
		                           &(struct input_absinfo){.minimum = -2097152,
		                                                   .maximum = 2097152,
		                                                   .resolution = 1024});
	libevdev_enable_event_code(caps, EV_MSC, MSC_TIMESTAMP, NULL);
	return caps;
}

static int run(const char *line, unsigned samples, double *ret_ns, double *ret_out,
               unsigned long *ret_allocs)
{
	char path[] = "/tmp/hidmapd-bench-gyro-XXXXXX", text[256];
	const char *paths[1] = {path};
	struct hm_config *config = NULL;
	struct libevdev *caps[2] = {libevdev_new(), motion_caps()};
	struct hm_remap *r = NULL;
	double best = INFINITY;
	uint64_t out0 = 0;
	unsigned long allocs = 0;
	FILE *f;
	int fd;

	libevdev_set_name(caps[0], "bench pad");
	libevdev_enable_event_code(caps[0], EV_KEY, BTN_TL, NULL);
	snprintf(text, sizeof(text), "[remap b]\n%s\n", line ? line : "");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return -1;
	fputs(text, f);
	fclose(f);
	if (hm_config_load(paths, 1, NULL, NULL, &config) < 0) {
		remove(path);
		return -1;
	}
	remove(path);
	if (hm_remap_new(hm_config_find_profile(config, "b"), HM_UNMAPPED_PASS, caps, 2, &r) < 0)
		return -1;
	hm_remap_set_ops(r, &ops, NULL);
	hm_remap_event(r, 0, EV_KEY, BTN_TL, 1, 0); /* the hold key, if any, is down */

	for (unsigned round = 0; round < ROUNDS; round++) {
		uint64_t t0, t = 1000000;
		unsigned long a0 = atomic_load(&allocations);

		out0 = outputs;
		t0 = now_ns();
		for (unsigned i = 0; i < samples; i++) {
			/* a pad turning back and forth, ±50 °/s, sampled every ms */
			int yaw =
			    (int)((i % 2000 < 1000 ? i % 1000 : 1000 - i % 1000) * 102) - 51200;

			t += 1000;
			hm_remap_event(r, 1, EV_ABS, ABS_RX, yaw / 4, t);
			hm_remap_event(r, 1, EV_ABS, ABS_RY, yaw, t);
			hm_remap_event(r, 1, EV_ABS, ABS_RZ, 300, t);
			hm_remap_event(r, 1, EV_ABS, ABS_X, 10, t);
			hm_remap_event(r, 1, EV_ABS, ABS_Y, 8192, t);
			hm_remap_event(r, 1, EV_ABS, ABS_Z, -20, t);
			hm_remap_event(r, 1, EV_MSC, MSC_TIMESTAMP, (int)(uint32_t)t, t);
			hm_remap_frame(r, t);
		}
		best = fmin(best, (double)(now_ns() - t0) / samples);
		allocs += atomic_load(&allocations) - a0;
	}
	*ret_ns = best;
	*ret_out = (double)(outputs - out0) / samples;
	*ret_allocs = allocs;
	hm_remap_free(r);
	hm_config_free(config);
	libevdev_free(caps[0]);
	libevdev_free(caps[1]);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned samples = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : DEFAULT_SAMPLES;
	long only = argc > 2 ? strtol(argv[2], NULL, 10) : -1;

	if (!samples)
		samples = DEFAULT_SAMPLES;
	printf("%-34s %11s %10s %11s %13s\n", "case", "ns/sample", "ns/event", "out/sample",
	       "allocs");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double ns, out;
		unsigned long allocs;

		if (only >= 0 && (size_t)only != i)
			continue;
		if (run(cases[i].line, samples, &ns, &out, &allocs) < 0) {
			fprintf(stderr, "bench-gyro: %s: setup failed\n", cases[i].name);
			return 1;
		}
		printf("%-34s %11.1f %10.1f %11.2f %13s\n", cases[i].name, ns, ns / 7, out,
		       ALLOCATIONS_COUNTED ? (allocs ? "NOT 0" : "0") : "not counted");
		if (ALLOCATIONS_COUNTED && allocs)
			return 1;
	}
	return 0;
}
