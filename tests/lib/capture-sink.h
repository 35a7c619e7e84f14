/* SPDX-License-Identifier: MIT */
/* A sink for tests: records every frame's events, per device. */
#pragma once

#include <string.h>

#include "sink.h"

#define CAPTURE_MAX 512

struct capture_event {
	unsigned dev;
	unsigned type, code;
	int value;
	int raw;
};

struct capture_sink {
	struct hm_sink base;
	unsigned ndevices;
	unsigned removed;
	unsigned ff_effects_max; /* as the last device created was given */
	size_t n;
	struct capture_event ev[CAPTURE_MAX];
};

static int capture_add(struct hm_sink *s, const struct libevdev *caps, unsigned ff_effects_max,
                       void **ret)
{
	struct capture_sink *c = (struct capture_sink *)s;

	c->ff_effects_max = ff_effects_max;
	*ret = (void *)(uintptr_t)(++c->ndevices); /* 1-based: NULL means "not created" */
	return 0;
}

static void capture_frame(struct hm_sink *s, void *h, const struct input_event *ev, const int *raw,
                          size_t n)
{
	struct capture_sink *c = (struct capture_sink *)s;

	for (size_t i = 0; i < n && c->n < CAPTURE_MAX; i++)
		c->ev[c->n++] = (struct capture_event){(unsigned)(uintptr_t)h - 1, ev[i].type,
		                                       ev[i].code, ev[i].value, raw[i]};
}

static void capture_remove(struct hm_sink *s, void *h)
{
	((struct capture_sink *)s)->removed++;
}

static int capture_fd(struct hm_sink *s, void *h)
{
	return -1;
}

static const struct hm_sink_ops capture_ops = {
    capture_add, capture_frame, capture_remove, capture_fd, NULL, NULL, NULL};

static inline void capture_init(struct capture_sink *c)
{
	memset(c, 0, sizeof(*c));
	c->base.ops = &capture_ops;
}
