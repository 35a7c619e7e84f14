/* SPDX-License-Identifier: MIT */
/*
 * What a focus change costs a device whose rules pick another profile:
 * hm_device_set_profile_focus() between two profiles, timed one by one (a
 * boot keyboard on the generic module, a counting sink; the profiles are
 * the keyd-style example's [remap keyboard] with its layers, and an empty
 * one, with a key held across each switch).  A focus change that picks the
 * profile the device already runs costs nothing: the daemon does not call
 * this (daemon-focus.c).
 *   bench-focus-switch CONFIG_EXAMPLE [SWITCHES]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "descriptors.h"
#include "device.h"
#include "module.h"

struct counting_sink {
	struct hm_sink base;
	uint64_t events;
};

static int count_add(struct hm_sink *s, const struct libevdev *caps, unsigned ff_effects_max,
                     void **ret)
{
	*ret = s;
	return 0;
}

static void count_frame(struct hm_sink *s, void *h, const struct input_event *ev, const int *raw,
                        size_t n)
{
	((struct counting_sink *)s)->events += n;
}

static void count_remove(struct hm_sink *s, void *h)
{
}

static int count_fd(struct hm_sink *s, void *h)
{
	return -1;
}

static const struct hm_sink_ops count_ops = {count_add, count_frame, count_remove, count_fd,
                                             NULL,      NULL,        NULL};

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

int main(int argc, char **argv)
{
	struct hm_config *config = NULL;
	const struct hm_config_profile *a, *b;
	struct counting_sink sink = {.base.ops = &count_ops};
	struct hm_device_info info = {
	    .bus = 0x03, .vendor = 0x1234, .product = 0x5678, .interface = -1};
	struct hm_device_setup setup = {.module = &hm_module_generic, .sink = &sink.base};
	struct hm_device *dev = NULL;
	static const uint8_t press[8] = {0, 0, 0x04}, release[8] = {0};
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2000;
	uint64_t *ns;
	const char *path;

	if (argc < 2 || !n) {
		fprintf(stderr, "usage: bench-focus-switch CONFIG_EXAMPLE [SWITCHES]\n");
		return 2;
	}
	path = argv[1];
	if (hm_config_load(&path, 1, NULL, NULL, &config) < 0 ||
	    !(a = hm_config_find_profile(config, "keyboard"))) {
		fprintf(stderr, "%s: no [remap keyboard]\n", path);
		return 1;
	}
	/* the other profile: none (identity) */
	b = NULL;
	snprintf(info.name, sizeof(info.name), "bench focus switch");
	snprintf(info.path, sizeof(info.path), "/dev/hidraw-bench");
	setup.profile = a;
	if (hm_device_new(&info, boot_keyboard, sizeof(boot_keyboard), &setup, &dev) < 0)
		return 1;
	ns = calloc(n, sizeof(*ns));
	if (!ns)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0;

		hm_device_process_report(dev, press, sizeof(press), i * 1000);
		t0 = now_ns();
		if (hm_device_set_profile_focus(dev, i % 2 ? a : b) < 0)
			return 1;
		ns[i] = now_ns() - t0;
		hm_device_process_report(dev, release, sizeof(release), i * 1000 + 500);
	}
	qsort(ns, n, sizeof(*ns), cmp_u64);
	printf("focus switch (keyd-style profile <-> none, a key held): n=%u p50=%.1fus "
	       "p99=%.1fus max=%.1fus\n",
	       n, ns[n / 2] / 1000.0, ns[n * 99 / 100] / 1000.0, ns[n - 1] / 1000.0);
	free(ns);
	hm_device_free(dev);
	hm_config_free(config);
	return 0;
}
