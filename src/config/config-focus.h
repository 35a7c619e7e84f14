/* SPDX-License-Identifier: MIT */
/*
 * Per-application profiles: the `focus = ...` rules of a [device] section
 * (doc/hidmapd.ini.5.md, "PER-APPLICATION PROFILES") and the window they
 * are matched against.  Pure: no sources, no devices; the daemon asks
 * hm_config_focus_match() when the focused window changes.
 *
 * A rule is
 *     focus = [app:]GLOB [title:GLOB] -> PROFILE
 * in the order written; the first rule that matches picks the profile,
 * none: the section's own.  The app glob matches the Wayland app_id or
 * the X11 WM_CLASS instance or class, ignoring case (X11 and Wayland spell
 * the same application differently: "Firefox" and "firefox"); the title
 * glob matches the window title, case and all.  Globs are fnmatch(3)'s,
 * whole-string; a glob with blanks is written in double quotes, inside
 * which \" and \\ stand for " and \.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "focus-window.h"

struct hm_config_device;
struct hm_config_profile;

#define HM_CONFIG_MAX_FOCUS_RULES 64 /* focus = lines per [device] section */

struct hm_config_focus_rule {
	char *app;   /* glob; NULL: any application */
	char *title; /* glob; NULL: any title */
	char *profile_id;
	const struct hm_config_profile *profile; /* resolved by the loader */
	unsigned line;
};

/*
 * Parses the value of one focus line into *ret (fields heap-owned, line
 * not set).  On error returns -EINVAL with a message (no file:line) in err,
 * or -ENOMEM; *ret is untouched then.
 */
int hm_config_focus_parse(const char *value, struct hm_config_focus_rule *ret, char *err,
                          size_t errlen);
void hm_config_focus_rule_done(struct hm_config_focus_rule *rule);

/* Whether the rule matches the window. */
bool hm_config_focus_rule_matches(const struct hm_config_focus_rule *rule,
                                  const struct hm_focus_window *w);

/* The index of the first of dev's rules that matches w, or -1 when none
 * does (then the section's own profile applies).  w NULL: -1. */
int hm_config_focus_match(const struct hm_config_device *dev, const struct hm_focus_window *w);
