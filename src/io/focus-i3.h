/* SPDX-License-Identifier: MIT */
/*
 * The sway and i3 focus source: their IPC socket ($SWAYSOCK, $I3SOCK), a
 * binary protocol of messages "i3-ipc" + u32 length + u32 type (native
 * byte order) + JSON payload, documented in sway-ipc(7) and i3's ipc.html.
 * hidmapd asks GET_TREE once for the window focused now and SUBSCRIBEs to
 * ["window", "workspace"] events; "focus" and "title" events of the
 * focused container are reported, and a workspace "focus" event reports
 * the workspace's focused window, or none when it is empty (no window
 * event says so).  When the compositor goes away (EOF), the focus is
 * reported as none and the socket is tried again every second; a sway
 * restarted has a new socket path, which is found in $XDG_RUNTIME_DIR
 * (sway-ipc.UID.PID.sock) when $SWAYSOCK names a dead one.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "event-loop.h"
#include "focus-window.h"

#define HM_I3_MAGIC           "i3-ipc"
#define HM_I3_HEADER_SIZE     14
#define HM_I3_MAX_PAYLOAD     (8u << 20) /* a bigger message ends the connection */
#define HM_I3_GET_TREE        4u
#define HM_I3_SUBSCRIBE       2u
#define HM_I3_EVENT_WORKSPACE 0x80000000u
#define HM_I3_EVENT_WINDOW    0x80000003u

struct hm_focus_i3;

/* Strings of a parsed message: valid until the next call or hm_focus_i3_parsed_done(). */
struct hm_focus_i3_parsed {
	int relevant; /* 1: w is the focused window now; 0: the message says nothing of focus */
	struct hm_focus_window w;
	char *app_id, *instance, *class_, *title; /* w's strings, heap */
};

/*
 * One message's payload: a window event (type HM_I3_EVENT_WINDOW) or a
 * GET_TREE reply.  Returns 0 with *ret filled (free with
 * hm_focus_i3_parsed_done()), -EBADMSG for a payload that is no JSON of
 * the documented shape, -ENOMEM.
 */
int hm_focus_i3_parse(uint32_t type, const char *payload, size_t len,
                      struct hm_focus_i3_parsed *ret);
void hm_focus_i3_parsed_done(struct hm_focus_i3_parsed *p);

/* Connects (or keeps trying) to the socket at path; "sway" or "i3" is
 * the source's name in reports.  Returns 0 and *ret, or -errno. */
int hm_focus_i3_new(struct hm_loop *loop, const char *name, const char *path, hm_focus_fn fn,
                    void *userdata, struct hm_focus_i3 **ret);
void hm_focus_i3_free(struct hm_focus_i3 *s);
/* "connected to PATH" or "not connected (why), retrying", into buf. */
void hm_focus_i3_describe(const struct hm_focus_i3 *s, char *buf, size_t size);
