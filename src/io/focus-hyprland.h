/* SPDX-License-Identifier: MIT */
/*
 * The Hyprland focus source: its event socket
 * ($XDG_RUNTIME_DIR/hypr/$HYPRLAND_INSTANCE_SIGNATURE/.socket2.sock, or
 * /tmp/hypr/... before Hyprland 0.40), one event per line "NAME>>DATA"
 * (Hyprland wiki, "IPC").  hidmapd reads `activewindow>>CLASS,TITLE` (the
 * class has no comma; the title may: the first comma splits them; an empty
 * class and title: no window has the focus); `activewindowv2>>ADDRESS`
 * comes with each and adds nothing to a rule.  The focus at connect comes
 * from the request socket (.socket.sock beside it): `j/activewindow`,
 * answered with the window as JSON ({} for none), unless an event came
 * first.  When Hyprland goes away
 * the focus is reported as none and the socket is tried again every
 * second, with a signature found anew under hypr/ if the old one is dead.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "event-loop.h"
#include "focus-window.h"

#define HM_HYPR_MAX_LINE 8192 /* a longer event line is skipped whole */

struct hm_focus_hyprland;

/*
 * One line, without its newline, parsed in place (line is modified): 1
 * with *ret_w set (app_id and title point into line; w NULL-able fields
 * empty for "no window") for an activewindow event, 0 for any other
 * event, -EBADMSG for a line that is no event.
 */
int hm_focus_hyprland_line(char *line, size_t len, struct hm_focus_window *ret_w);

/*
 * The answer to `j/activewindow`: 1 with *ret_class and *ret_title (heap)
 * for a window, 0 for none ({}), -EBADMSG for anything else, -ENOMEM;
 * -EOPNOTSUPP when built without json-c.
 */
int hm_focus_hyprland_reply(const char *json, size_t len, char **ret_class, char **ret_title);

/* Connects (or keeps trying) for the instance signature sig. */
int hm_focus_hyprland_new(struct hm_loop *loop, const char *sig, hm_focus_fn fn, void *userdata,
                          struct hm_focus_hyprland **ret);
void hm_focus_hyprland_free(struct hm_focus_hyprland *s);
void hm_focus_hyprland_describe(const struct hm_focus_hyprland *s, char *buf, size_t size);
