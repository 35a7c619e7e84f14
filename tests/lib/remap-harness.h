/* SPDX-License-Identifier: MIT */
/*
 * A small harness for unit tests of the remap engine: a profile from INI
 * text, a remapper on fake outputs, and the events it emits recorded.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config-text.h"
#include "remap.h"

#define HARNESS_MAX_EVENTS 8192

struct rec_event {
	uint64_t t;
	unsigned out, type, code;
	int value;
};

struct recorder {
	uint64_t now, armed;
	struct rec_event ev[HARNESS_MAX_EVENTS];
	unsigned n;
	bool overflow;
	bool armed_at_end;
};

static inline void rec_emit(void *userdata, unsigned output, unsigned type, unsigned code,
                            int value)
{
	struct recorder *rec = userdata;

	if (rec->n == HARNESS_MAX_EVENTS) {
		rec->overflow = true;
		return;
	}
	rec->ev[rec->n++] = (struct rec_event){rec->now, output, type, code, value};
}

static inline void rec_arm(void *userdata, uint64_t deadline)
{
	struct recorder *rec = userdata;

	rec->armed = deadline;
}

static const struct hm_remap_ops rec_ops = {.emit = rec_emit, .arm = rec_arm};

/* Loads INI text; NULL when it does not load. */
static inline struct hm_config *harness_config(const char *text)
{
	struct hm_config *config = NULL;

	if (config_load_text(text, NULL, NULL, &config) < 0)
		config = NULL;
	return config;
}

/* Fires the timer while it is due at or before t. */
static inline void harness_timers(struct hm_remap *r, struct recorder *rec, uint64_t t)
{
	unsigned guard = 0;

	while (rec->armed && rec->armed <= t && guard++ < 1000000) {
		rec->now = rec->armed;
		rec->armed = 0;
		hm_remap_timer(r, rec->now);
	}
}
