/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the remap engine alone: the cost per input event of a plain
 * key map, a chord, a map in an active layer (with several layers in the
 * profile), an unmapped key passing, an axis zone and a stick shaped onto
 * another axis.  Each case alternates a press and a release (or two axis
 * values), so every event produces output; the output goes to a counting
 * callback.  Prints ns per event (best of ROUNDS), output events per input
 * event, and allocations per event while timed (must be 0).  Not a test.
 *
 *   bench-remap [EVENTS]      every case, EVENTS per round (default 2000000)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc-count.h"
#include "config.h"
#include "remap.h"

#define DEFAULT_EVENTS 2000000u
#define ROUNDS         5

static const char profile_text[] = "[remap bench]\n"
                                   "KEY_A = KEY_B\n"
                                   "KEY_1 = KEY_LEFTCTRL+KEY_LEFTSHIFT+KEY_Z\n"
                                   "KEY_CAPSLOCK = layer(l4)\n"
                                   "ABS_WHEEL[1..3] = KEY_L\n"
                                   "ABS_X = ABS_X, deadzone=10%, curve=2, invert\n"
                                   "[remap bench:l1]\nKEY_H = KEY_F1\n"
                                   "[remap bench:l2]\nKEY_H = KEY_F2\n"
                                   "[remap bench:l3]\nKEY_H = KEY_F3\n"
                                   "[remap bench:l4]\nKEY_H = KEY_LEFT\n";

static uint64_t outputs;

static void count(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
	outputs++;
}

static const struct hm_remap_ops ops = {.emit = count};

struct bench_case {
	const char *name;
	unsigned type, code;
	int v0, v1;
	bool layer; /* hold the layer key first */
};

static const struct bench_case cases[] = {
    {"plain map", EV_KEY, KEY_A, 1, 0, false},
    {"chord (3 keys)", EV_KEY, KEY_1, 1, 0, false},
    {"layered map (4 layers, 1 active)", EV_KEY, KEY_H, 1, 0, true},
    {"unmapped, passed", EV_KEY, KEY_Q, 1, 0, false},
    {"axis zone", EV_ABS, ABS_WHEEL, 2, 0, false},
    {"axis shaped", EV_ABS, ABS_X, 20, 200, false},
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/bench-remap-XXXXXX";
	const char *paths[1] = {path};
	struct hm_config *config = NULL;
	const struct hm_config_profile *profile;
	struct libevdev *caps = libevdev_new();
	unsigned events = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : DEFAULT_EVENTS;
	int fd = mkstemp(path);

	if (fd < 0 ||
	    write(fd, profile_text, strlen(profile_text)) != (ssize_t)strlen(profile_text))
		return 1;
	close(fd);
	if (hm_config_load(paths, 1, NULL, NULL, &config) < 0) {
		fprintf(stderr, "bench-remap: the profile does not load\n");
		unlink(path);
		return 1;
	}
	unlink(path);
	profile = hm_config_find_profile(config, "bench");
	/* a keyboard with a shuttle ring and a stick */
	for (unsigned c = KEY_ESC; c <= KEY_CAPSLOCK; c++)
		libevdev_enable_event_code(caps, EV_KEY, c, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_WHEEL,
	                           &(struct input_absinfo){.minimum = -7, .maximum = 7});
	libevdev_enable_event_code(caps, EV_ABS, ABS_X,
	                           &(struct input_absinfo){.minimum = 0, .maximum = 255});

	printf("%-34s %10s %12s %12s\n", "case", "ns/event", "out/event", "allocs/event");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bench_case *bc = &cases[i];
		struct hm_remap *r = NULL;
		double best = 1e30;
		unsigned long allocs = 0;
		uint64_t out = 0;

		if (hm_remap_new(profile, HM_UNMAPPED_PASS, &caps, 1, &r) < 0)
			return 1;
		hm_remap_set_ops(r, &ops, NULL);
		if (bc->layer)
			hm_remap_event(r, 0, EV_KEY, KEY_CAPSLOCK, 1, 0);
		for (int round = 0; round < ROUNDS; round++) {
			unsigned long a0 = atomic_load(&allocations);
			uint64_t o0 = outputs, t0 = now_ns(), t;

			for (unsigned e = 0; e < events; e += 2) {
				hm_remap_event(r, 0, bc->type, bc->code, bc->v0, e);
				hm_remap_event(r, 0, bc->type, bc->code, bc->v1, e + 1);
			}
			t = now_ns() - t0;
			if ((double)t / events < best)
				best = (double)t / events;
			allocs += atomic_load(&allocations) - a0;
			out = outputs - o0;
		}
		printf("%-34s %10.1f %12.2f %12s\n", bc->name, best, (double)out / events,
		       ALLOCATIONS_COUNTED ? (allocs ? "NOT 0" : "0") : "n/a");
		hm_remap_free(r);
	}
	libevdev_free(caps);
	hm_config_free(config);
	return 0;
}
