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
 *   bench-remap --profile FILE ID [EVENTS]
 *                             typing through profile ID of FILE (e.g. the
 *                             richest example, config/examples/keyboard-keyd-style.ini):
 *                             a deterministic stream of overlapping key presses
 *                             and releases over every key the profile maps and
 *                             some it does not, 5 to 120 ms apart, with the
 *                             timers fired when due (a fake clock).  Prints the
 *                             p50/p90/p99 cost of an input event and of a timer
 *                             call, and allocations while timed (must be 0).
 *                             Default 200000 events.
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

static uint64_t outputs, armed;

static void count(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
	outputs++;
}

static void arm(void *userdata, uint64_t deadline)
{
	armed = deadline;
}

static const struct hm_remap_ops ops = {.emit = count};
static const struct hm_remap_ops timed_ops = {.emit = count, .arm = arm};

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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_percentiles(const char *what, uint64_t *ns, size_t n)
{
	if (!n) {
		printf("%-14s %10s\n", what, "none");
		return;
	}
	qsort(ns, n, sizeof(ns[0]), cmp_u64);
	printf("%-14s %10zu %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", what, n, ns[n / 2],
	       ns[n * 9 / 10], ns[n * 99 / 100]);
}

static uint64_t rng = 0x6a09e667f3bcc909ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Typing through a profile from a file: the cost of each event. */
static int bench_profile(const char *file, const char *id, unsigned events)
{
	const char *paths[1] = {file};
	struct hm_config *config = NULL;
	const struct hm_config_profile *p;
	struct libevdev *caps = libevdev_new();
	struct hm_remap *r = NULL;
	uint16_t keys[256];
	unsigned nkeys = 0, ndown = 0;
	uint16_t down[8];
	uint64_t *ev_ns = calloc(events, sizeof(*ev_ns)),
	         *tm_ns = calloc(events * 8, sizeof(*tm_ns));
	size_t nev = 0, ntm = 0;
	uint64_t t = 0, o0;
	unsigned long a0;

	if (!ev_ns || !tm_ns || hm_config_load(paths, 1, NULL, NULL, &config) < 0 ||
	    !(p = hm_config_find_profile(config, id))) {
		fprintf(stderr, "bench-remap: %s: no profile %s that loads\n", file, id);
		return 1;
	}
	libevdev_set_name(caps, "bench keyboard");
	for (unsigned c = KEY_ESC; c <= KEY_MICMUTE; c++)
		libevdev_enable_event_code(caps, EV_KEY, c, NULL);
	/* every key the base profile maps (chords: their keys), and some it does not */
	for (size_t i = 0; i < p->nmaps && nkeys < 200; i++) {
		const struct hm_config_map *m = &p->maps[i];

		if (m->trigger == HM_TRIG_KEY && m->from_code <= KEY_MICMUTE)
			keys[nkeys++] = (uint16_t)m->from_code;
		for (unsigned k = 0; m->trigger == HM_TRIG_CHORD && k < m->nchord; k++)
			keys[nkeys++] = m->chord[k];
	}
	for (unsigned c = KEY_Q; c <= KEY_P; c++)
		keys[nkeys++] = (uint16_t)c;
	keys[nkeys++] = KEY_H;
	keys[nkeys++] = KEY_N;
	keys[nkeys++] = KEY_M;
	if (hm_remap_new(p, HM_UNMAPPED_PASS, &caps, 1, &r) < 0)
		return 1;
	hm_remap_set_ops(r, &timed_ops, NULL);

	o0 = outputs;
	a0 = atomic_load(&allocations);
	while (nev < events) {
		unsigned code, value;
		uint64_t t0;

		/* up to 3 keys down at once, typing rhythm */
		t += 5000 + (uint64_t)rnd(115000);
		if (ndown && (ndown == 3 || rnd(2))) {
			unsigned i = rnd(ndown);

			code = down[i];
			down[i] = down[--ndown];
			value = 0;
		} else {
			bool again;

			do {
				code = keys[rnd(nkeys)];
				again = false;
				for (unsigned i = 0; i < ndown; i++)
					again = again || down[i] == code;
			} while (again);
			down[ndown++] = (uint16_t)code;
			value = 1;
		}
		while (armed && armed <= t && ntm < (size_t)events * 8) {
			uint64_t when = armed;

			armed = 0;
			t0 = now_ns();
			hm_remap_timer(r, when);
			tm_ns[ntm++] = now_ns() - t0;
		}
		t0 = now_ns();
		hm_remap_event(r, 0, EV_KEY, code, (int)value, t);
		hm_remap_frame(r, t);
		ev_ns[nev++] = now_ns() - t0;
	}
	a0 = atomic_load(&allocations) - a0;
	printf("profile %s of %s: %zu input events, %zu timer calls, %.2f output events per "
	       "input event, allocations while timed: %s\n",
	       id, file, nev, ntm, (double)(outputs - o0) / (double)nev,
	       ALLOCATIONS_COUNTED ? (a0 ? "NOT 0" : "0") : "n/a");
	printf("%-14s %10s %8s %8s %8s\n", "ns per", "count", "p50", "p90", "p99");
	print_percentiles("input event", ev_ns, nev);
	print_percentiles("timer call", tm_ns, ntm);
	free(ev_ns);
	free(tm_ns);
	hm_remap_free(r);
	libevdev_free(caps);
	hm_config_free(config);
	return 0;
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/bench-remap-XXXXXX";
	const char *paths[1] = {path};
	struct hm_config *config = NULL;
	const struct hm_config_profile *profile;
	struct libevdev *caps = libevdev_new();
	unsigned events = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : DEFAULT_EVENTS;
	int fd;

	if (argc >= 4 && !strcmp(argv[1], "--profile"))
		return bench_profile(argv[2], argv[3],
		                     argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 200000);
	fd = mkstemp(path);

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
