/* SPDX-License-Identifier: MIT */
/*
 * The X11 focus source (xcb): the EWMH window manager's _NET_ACTIVE_WINDOW
 * on the root window, and that window's WM_CLASS (instance and class) and
 * _NET_WM_NAME (UTF-8; WM_NAME when it has none).  Event-driven:
 * PropertyNotify on the root for the active window, on the active window
 * for its title and class; every request is answered asynchronously
 * (xcb_poll_for_reply), so the loop never waits for the X server, but for
 * the connection and the atoms when (re)connecting.  A window manager that
 * restarts sets _NET_ACTIVE_WINDOW again; an X server that goes away is
 * reported as no focus and connected to again every second.
 */
#pragma once

#include <stddef.h>

#include "event-loop.h"
#include "focus-window.h"

struct hm_focus_x11;

/* display: as DISPLAY ("" or NULL: $DISPLAY).  Returns 0 and *ret (trying
 * again every second when the server is not there), or -errno;
 * -EOPNOTSUPP when built without xcb. */
int hm_focus_x11_new(struct hm_loop *loop, const char *display, hm_focus_fn fn, void *userdata,
                     struct hm_focus_x11 **ret);
void hm_focus_x11_free(struct hm_focus_x11 *s);
void hm_focus_x11_describe(const struct hm_focus_x11 *s, char *buf, size_t size);
