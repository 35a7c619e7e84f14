/* SPDX-License-Identifier: MIT */
/*
 * The D-Bus focus source, for desktops whose shell is scripted: KDE
 * Plasma (a KWin script, data/kwin/hidmapd-focus.js, which hidmapd loads
 * through KWin's org.kde.kwin.Scripting) and GNOME Shell (an extension,
 * data/gnome-shell/, which the user enables).  Both call, on the user's
 * session bus (never the system bus):
 *
 *   name       org.hidmapd.Focus
 *   object     /org/hidmapd/Focus
 *   interface  org.hidmapd.Focus1
 *   method     SetFocus(s source, s app_id, s title)
 *              source "kwin", "gnome" or any other word (shown as "dbus");
 *              app_id "" and title "": no window has the focus
 *
 * Only callers with hidmapd's own uid are heard.  When the bus goes away
 * it is connected to again every second.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "event-loop.h"
#include "focus-window.h"

#define HM_FOCUS_DBUS_NAME      "org.hidmapd.Focus"
#define HM_FOCUS_DBUS_PATH      "/org/hidmapd/Focus"
#define HM_FOCUS_DBUS_INTERFACE "org.hidmapd.Focus1"

struct hm_focus_dbus;

/* kwin_script: a KWin script to load into KWin (NULL: none).  Returns 0
 * and *ret, or -errno; -EOPNOTSUPP when built without libsystemd. */
int hm_focus_dbus_new(struct hm_loop *loop, const char *kwin_script, hm_focus_fn fn, void *userdata,
                      struct hm_focus_dbus **ret);
void hm_focus_dbus_free(struct hm_focus_dbus *s);
/* Whether a call has come yet (else the script or extension is not running). */
bool hm_focus_dbus_heard(const struct hm_focus_dbus *s);
void hm_focus_dbus_describe(const struct hm_focus_dbus *s, char *buf, size_t size);

/* GNOME Shell: ask it (org.gnome.Shell, /org/gnome/Shell,
 * org.gnome.Shell.Extensions.GetExtensionInfo) for the state of the
 * extension uuid, now, each time GNOME Shell comes on the bus and at each
 * hm_focus_dbus_gnome_hint() until the first report. */
void hm_focus_dbus_watch_gnome(struct hm_focus_dbus *s, const char *uuid);
/* What to do while no report has come, from GNOME Shell's last answer
 * (not installed, not enabled, failed, enabled); "" when there is none yet. */
void hm_focus_dbus_gnome_hint(struct hm_focus_dbus *s, char *buf, size_t size);
