/* SPDX-License-Identifier: MIT */
/*
 * The control socket: a small line protocol on a Unix stream socket at
 * $XDG_RUNTIME_DIR/hidmapd/control, spoken by `hidmapd status|reload|monitor`.
 *
 * A request is one line of at most HM_CONTROL_MAX_REQUEST bytes, newline
 * included: a command word, and for focus its arguments.  The reply is zero or more text
 * lines ended by a line "ok" or "error: MESSAGE".  Requests on one
 * connection are answered in order.
 *
 *   status   the daemon and every device, see hm_control_status_*()
 *   reload   reloads the configuration; "error: FILE:LINE: ..." keeps the old one
 *   focus APP_ID [TITLE]   the focused window, for compositors hidmapd has no
 *            source for (the rest of the line after one blank is the title)
 *   monitor  "ok", then one line per event until the client hangs up:
 *              hidraw3 in  EV_KEY BTN_0 1        as the module decoded it
 *              hidraw3 out#1 EV_KEY KEY_SPACE 1  as the mapping sent it to output 1
 *              dropped N                         N events lost: the client was slow
 *            input after "monitor" is ignored
 *
 * Every line gets an answer: an empty or unknown one "error: ...".
 *
 * No client can hold the loop: each connection is served at most
 * HM_CONTROL_LINE_BUDGET requests per loop iteration (the rest wait in its
 * socket for the next one, after the devices and timers); `reload` runs on
 * the next iteration, once for every request that came meanwhile (from any
 * connection, or several in a row from one), and each gets the answer.  A
 * connection quiet for HM_CONTROL_IDLE_TIMEOUT_US is closed ("error: idle
 * for too long, closing"), except a monitor.
 *
 * Only peers with the daemon's uid (SO_PEERCRED) are served; others are
 * hung up on.  At most HM_CONTROL_MAX_CLIENTS connections at once: when one
 * more comes, the connection quiet the longest is closed to make room (a
 * monitor only when all are monitors; "error: too many connections,
 * closing the one quiet the longest"), so a uid's own connections cannot
 * shut out its `status`.  Every
 * connection has a bounded output buffer written without blocking: a
 * monitor that does not keep up loses events (counted, then reported with
 * a "dropped N" line), and a request whose reply does not fit ends the
 * connection.  Nothing here ever blocks the loop.
 *
 * control.c knows nothing of devices: the daemon answers through ops, so
 * the protocol is tested with a fake daemon (tests/unit/test-control.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "event-loop.h"
#include "util-log.h"

#define HM_CONTROL_MAX_REQUEST 256
#define HM_CONTROL_MAX_CLIENTS 16
#define HM_CONTROL_OUTBUF      (64 * 1024)
/* requests served per connection per loop iteration */
#define HM_CONTROL_LINE_BUDGET 8
/* reload requests merged per connection per loop iteration */
#define HM_CONTROL_MAX_MERGED      4096
#define HM_CONTROL_IDLE_TIMEOUT_US (10 * 1000 * 1000)

struct hm_control;
struct hm_control_client;

struct hm_control_ops {
	/* Writes the status lines with hm_control_status_*() or
	 * hm_control_printf(); control.c adds "ok".  May be NULL. */
	void (*status)(void *userdata, struct hm_control_client *c);
	/* Reloads; returns 0 or -errno with a message in err.  May be NULL. */
	int (*reload)(void *userdata, char *err, size_t errsize);
	/* Or starts a reload that ends with hm_control_reload_done(), which
	 * answers every reload request that came before this call; those that
	 * come meanwhile wait for the next one.  Used instead of reload when
	 * set. */
	void (*reload_start)(void *userdata);
	/* The first monitor client arrived (true) or the last one left (false). */
	void (*monitor)(void *userdata, bool active);
	/* `focus APP_ID [TITLE]`: the focused window (title "" when not
	 * given); returns 0 or -errno with a message in err.  May be NULL. */
	int (*focus)(void *userdata, const char *app_id, const char *title, char *err,
	             size_t errsize);
};

/*
 * Serves on listen_fd (a listening SOCK_STREAM socket, taken over and
 * closed by hm_control_free()), for peers of uid only.
 * Returns 0 and *ret, or -errno.
 */
int hm_control_new_fd(struct hm_loop *loop, int listen_fd, uid_t uid,
                      const struct hm_control_ops *ops, void *userdata, struct hm_control **ret);

/*
 * Creates $XDG_RUNTIME_DIR/hidmapd (0700) and the socket "control" in it
 * (0600), replacing a stale one, and serves it for getuid().  The socket
 * file is removed by hm_control_free().  Returns 0 and *ret; -ENOENT when
 * XDG_RUNTIME_DIR is unset, -EADDRINUSE when another daemon answers there,
 * or -errno.
 */
int hm_control_new(struct hm_loop *loop, const struct hm_control_ops *ops, void *userdata,
                   struct hm_control **ret);
/* Closes every connection and the socket. NULL-safe. */
void hm_control_free(struct hm_control *ctl);

/* $XDG_RUNTIME_DIR/hidmapd/control into buf; -ENOENT when XDG_RUNTIME_DIR
 * is unset or not absolute, -ENAMETOOLONG when it does not fit a sockaddr_un. */
int hm_control_socket_path(char *buf, size_t size);

/* One reply line (the newline is added).  A line that does not fit the
 * client's buffer ends the connection once the batch is done. */
void hm_control_printf(struct hm_control_client *c, const char *fmt, ...) _printf_(2, 3);

/* Status lines: the daemon, then each device. */
struct hm_status_daemon {
	uint64_t uptime_us;
	unsigned ndevices;
	const char *const *config_files;
	size_t nconfig_files;
	const char *session;  /* the login session (src/io/session-watch.h); NULL: no line */
	const char *layouts;  /* the shipped layouts' folder and state; NULL: no line */
	uint64_t log_dropped; /* log lines dropped (util-log.h); 0: no line */
};

struct hm_status_output {
	const char *name;
	const char *node;                /* /dev/input/eventN, or NULL */
	const char *phys;                /* when node is unknown, may be NULL */
	bool ff;                         /* the output has force feedback (rumble motors) */
	uint64_t ff_uploaded, ff_played; /* effects uploaded, plays asked */
};

struct hm_status_device {
	const char *path; /* /dev/hidrawN */
	const char *name;
	uint16_t vendor, product;
	const char *module;
	const char *section;   /* config section id, NULL: the module's defaults */
	uint64_t gone_us;      /* 0: driven; else unplugged, kept this much longer */
	bool initializing;     /* the module's probe requests are unanswered yet */
	const char *grab_busy; /* a kernel node another program grabs, and who; NULL: none */
	uint64_t reports, decode_errors, ignored, dropped;
	uint64_t overflows, resyncs, timed_out; /* the report path (overflow.h) */
	uint64_t latency_samples, latency_p50_us, latency_p99_us;
	/* the battery as the module reported it: NULL when it did not;
	 * "discharging", "charging", "full", "not-charging" or "unknown" */
	const char *battery_status;
	int battery_percent; /* 0..100, -1: not known */
	const char *link;    /* the module's words on its link, NULL: none */
	const struct hm_status_output *outputs;
	size_t noutputs;
	/* the profile the mapping runs and why (NULL: no line), e.g.
	 * "focus rule at FILE:LINE" */
	const char *profile, *profile_why;
};

/*
 *   daemon uptime 12.345s devices 1
 *   session active (c2 on seat0)     (or: inactive (...): devices released, no-seat (...),
 *                                     not-followed (no systemd-logind))
 *   config /home/u/.config/hidmapd/keys.ini
 *   device /dev/hidraw3 1209:0001 "Name" module generic config kbd
 *     state driven                         (or: initializing; unplugged, kept 2.500s)
 *     profile ID (WHY)                     (with a config section: the profile it runs)
 *     battery 80% discharging              (only when the module reports it;
 *                                            or: battery charging, percent unknown)
 *     link pad connected, lizard mode off  (only when the module says)
 *     output 0 /dev/input/event7 "Name"   (or: output 0 phys hidmapd/hidraw3/input0 "Name")
 *       force-feedback uploaded 2 played 5  (outputs with rumble motors only)
 *     reports 10 decode-errors 0 ignored 1 dropped 0
 *     overflows 0 resyncs 0 timed-out 0
 *     latency p50 12us p99 40us samples 10    (or: latency none)
 */
void hm_control_status_daemon(struct hm_control_client *c, const struct hm_status_daemon *s);
void hm_control_status_device(struct hm_control_client *c, const struct hm_status_device *s);
/*
 * A hidraw node being opened or closed off the loop (its name escaped;
 * vendor and product 0 and name NULL while not known yet):
 *   opening /dev/hidraw5 1209:0001 "Name"
 *   closing /dev/hidraw4 1209:0001 "Name"
 */
void hm_control_status_transition(struct hm_control_client *c, const char *state, const char *path,
                                  uint16_t vendor, uint16_t product, const char *name);

/* Whether any monitor client is connected. */
bool hm_control_monitoring(const struct hm_control *ctl);
/* Sends one event line (no newline) to every monitor client; a client whose
 * buffer is full loses it (counted). */
void hm_control_monitor_line(struct hm_control *ctl, const char *line);
/* Events lost to full buffers so far, over all monitor clients. */
uint64_t hm_control_monitor_dropped(const struct hm_control *ctl);
/* The reload started by ops->reload_start ended: r 0 or -errno, err the
 * message for an error.  NULL-safe. */
void hm_control_reload_done(struct hm_control *ctl, int r, const char *err);

/* Connections open now. */
unsigned hm_control_nclients(const struct hm_control *ctl);

struct hm_control_limits {
	unsigned lines;   /* requests per connection per loop iteration (>= 1) */
	uint64_t idle_us; /* a quiet connection is closed after this; 0: never */
};
/* For tests: other limits than the defaults above. */
void hm_control_set_limits(struct hm_control *ctl, const struct hm_control_limits *limits);

struct hm_control_stats {
	uint64_t reloads_run;    /* reloads made */
	uint64_t reloads_merged; /* reload requests answered by another's reload */
	uint64_t idle_closed;    /* connections closed for being quiet */
	uint64_t evicted;        /* connections closed to make room */
};
const struct hm_control_stats *hm_control_get_stats(const struct hm_control *ctl);
