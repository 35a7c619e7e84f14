/* SPDX-License-Identifier: MIT */
/*
 * Fast user switching: whether the user's seat session is in the foreground.
 *
 * The udev rules give the device nodes and /dev/uinput to the user of the
 * active session on the seat (uaccess).  When another user takes the seat,
 * systemd-logind takes that access away but does not revoke the files
 * already open: a daemon that kept them would go on reading what the other
 * user types, keep the kernel's nodes grabbed and inject into the other
 * user's session.  The daemon follows the session instead: it lets go of
 * every device while the session is inactive and takes them again when it
 * is active (src/daemon/daemon-session.c).
 *
 * hidmapd runs as a systemd user service, outside any login session, so
 * "its" session is the user's: the rule (hm_session_decide()) is
 *
 *   active    one of the user's sessions on a seat is the seat's active
 *             (foreground) one;
 *   inactive  otherwise, when the user has a session on a seat (in the
 *             background), or another user's session is in front of a
 *             seat: the seat's devices are that user's;
 *   no-seat   nobody is in front of a seat and the user has no session on
 *             one (ssh only, lingering, headless): devices are driven, as
 *             without logind.
 *
 * The user's sessions without a seat (ssh) never count: logind calls them
 * always active, and the keyboard on the seat is not theirs.  Closing
 * sessions count like the others (logged out of the seat: let go).
 *
 * Where the sessions come from is a source (struct hm_session_source):
 * sd-login in the daemon, a fake in tests.  Without libsystemd, or where
 * systemd-logind does not run, there is no source and nothing is followed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "event-loop.h"
#include "util-mem.h"

enum hm_session_state {
	HM_SESSION_NO_SEAT,
	HM_SESSION_ACTIVE,
	HM_SESSION_INACTIVE,
};

/* Whether devices are driven in state (all but HM_SESSION_INACTIVE). */
static inline bool hm_session_state_drives(enum hm_session_state state)
{
	return state != HM_SESSION_INACTIVE;
}

/* "no-seat", "active", "inactive" */
const char *hm_session_state_to_string(enum hm_session_state state);

/* A session, as the policy sees it: one of the user's (mine), or another
 * user's session in front of a seat. */
struct hm_session_entry {
	char id[32];   /* logind's session id, for logs ("c2", "3") */
	char seat[32]; /* "seat0"; "" for a session without a seat (ssh) */
	bool active;   /* the seat's foreground session (meaningless without a seat) */
	bool mine;     /* the user's own session */
};

/*
 * The rule above, over n sessions.  With ret_which, the index of the
 * session that decided (the user's active one; when inactive the user's
 * last seat session, else the other user's session in front);
 * (size_t)-1 for HM_SESSION_NO_SEAT.
 */
enum hm_session_state hm_session_decide(const struct hm_session_entry *s, size_t n,
                                        size_t *ret_which);

/* ---- sources --------------------------------------------------------------- */

#define HM_SESSION_MAX_FDS 4

struct hm_session_source;

struct hm_session_source_ops {
	/* The fds that become readable (EPOLLIN) when sessions may have
	 * changed, at most HM_SESSION_MAX_FDS; returns how many. */
	size_t (*get_fds)(struct hm_session_source *src, int *fds);
	/* Called once the fds were readable, before list(): consume it. */
	void (*flush)(struct hm_session_source *src);
	/* The user's sessions now: *ret (malloc'ed, freed by the caller; NULL
	 * when *ret_n is 0).  Returns 0 or -errno. */
	int (*list)(struct hm_session_source *src, struct hm_session_entry **ret, size_t *ret_n);
	void (*free)(struct hm_session_source *src);
};

struct hm_session_source {
	const struct hm_session_source_ops *ops;
};

/*
 * The sessions of uid, and other users' sessions in front of a seat, from
 * systemd-logind (sd-login), watched with sd_login_monitor.  Returns 0 and *ret; -EOPNOTSUPP when
 * hidmapd was built without libsystemd; -ENOENT when systemd-logind does not run (no
 * /run/systemd/sessions, users or seats); or -errno.
 */
int hm_session_source_sd_login_new(uid_t uid, struct hm_session_source **ret);

/* ---- the watch ------------------------------------------------------------- */

struct hm_session_watch;

/* The state changed between driving and not driving (never called for a
 * change between HM_SESSION_ACTIVE and HM_SESSION_NO_SEAT). */
typedef void (*hm_session_fn)(enum hm_session_state state, void *userdata);

/*
 * Watches src (taken over, freed with the watch, also on failure) from
 * loop.  The first state is read here, without calling fn; a source whose
 * first list() fails counts as HM_SESSION_NO_SEAT.  Later, a failed list()
 * keeps the state it had.  Returns 0 and *ret, or -errno.
 */
int hm_session_watch_new(struct hm_loop *loop, struct hm_session_source *src, hm_session_fn fn,
                         void *userdata, struct hm_session_watch **ret);
/* NULL-safe. */
void hm_session_watch_free(struct hm_session_watch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_session_watch *, hm_session_watch_free);

enum hm_session_state hm_session_watch_state(const struct hm_session_watch *w);
/* For `hidmapd status` and logs: "active (c2 on seat0)", "inactive (c2 on
 * seat0 is in the background)", "inactive (another user's c3 is in front on
 * seat0)", "no-seat (no session on a seat)". */
void hm_session_watch_describe(const struct hm_session_watch *w, char *buf, size_t size);
/* Reads the sessions again now (as when the fds are readable). */
void hm_session_watch_refresh(struct hm_session_watch *w);
