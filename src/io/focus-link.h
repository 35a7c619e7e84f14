/* SPDX-License-Identifier: MIT */
/*
 * A focus source's link to its compositor (focus-i3.c, focus-hyprland.c,
 * focus-x11.c): connected by the source's own start(), tried again every
 * second until it works and after it breaks, never by polling the focus;
 * what the source last reported, so a broken link reports "no window" once.
 */
#pragma once

#include <stdbool.h>

#include "event-loop.h"
#include "focus-window.h"

#define HM_FOCUS_RETRY_US 1000000

struct hm_focus_link {
	const char *name; /* the source's name in its reports ("sway", "x11"...) */
	hm_focus_fn fn;
	void *userdata;
	int (*start)(void *source); /* connects: 0 or -errno */
	void *source;
	struct hm_timer *retry;
	int last_error;     /* why it is not connected */
	bool reported_none; /* the last report was "no window" (or none yet) */
};

/* Sets l up (its retry timer); nothing is connected yet.  name must live
 * as long as l.  Returns 0 or -errno. */
int hm_focus_link_init(struct hm_focus_link *l, struct hm_loop *loop, const char *name,
                       int (*start)(void *source), void *source, hm_focus_fn fn, void *userdata);
/* Runs start() now; if it fails, again in a second (and so on).  Returns
 * start()'s result. */
int hm_focus_link_start(struct hm_focus_link *l);
/* The focus the compositor reports (w NULL: no window has it). */
void hm_focus_link_report(struct hm_focus_link *l, const struct hm_focus_window *w);
/* The connection broke (the source closed it) for why (-errno): the focus
 * is reported gone, once, and start() runs again in a second. */
void hm_focus_link_broken(struct hm_focus_link *l, int why);
void hm_focus_link_free(struct hm_focus_link *l);
