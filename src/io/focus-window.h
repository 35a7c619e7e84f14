/* SPDX-License-Identifier: MIT */
/*
 * The focused window as a focus source (focus-i3.h, focus-x11.h,
 * focus-hyprland.h, focus-dbus.h, the control socket's `focus`) reports it
 * to the daemon, which matches it against the focus = rules
 * (config-focus.h).  Every string is data from another program: bounded by
 * the daemon when it keeps it, escaped wherever it is printed.
 */
#pragma once

#define HM_FOCUS_MAX_APP   255 /* bytes of an app id, instance or class kept */
#define HM_FOCUS_MAX_TITLE 255 /* bytes of a title kept (longer ones are cut) */

/* Any field may be NULL or empty: not known, or no window has the focus. */
struct hm_focus_window {
	const char *app_id;   /* Wayland app_id (sway, Hyprland's class, KWin's resourceClass...) */
	const char *instance; /* X11 WM_CLASS, first string */
	const char *class_;   /* X11 WM_CLASS, second string */
	const char *title;    /* UTF-8 */
};

/* A source's report: w NULL when no window has the focus (an empty
 * workspace); source names the source ("x11", "sway", ...). */
typedef void (*hm_focus_fn)(void *userdata, const char *source, const struct hm_focus_window *w);
