/* SPDX-License-Identifier: MIT */
/*
 * What the parts of the daemon share (daemon.c runs the loop; daemon-*.c
 * each own one job): the daemon and the devices it drives.  Private to
 * daemon*.c; everyone else uses daemon.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libudev.h>

#include "config-watch.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "device.h"
#include "event-loop.h"
#include "hid-descriptor.h"
#include "hid-devices.h"
#include "hid-reader.h"
#include "latency.h"
#include "overflow.h"
#include "request-queue.h"
#include "session-watch.h"
#include "spnav-detect.h"
#include "spnav-server.h"
#include "util-log.h"
#include "work-pool.h"

#define MAX_GRABS HM_HID_MAX_EVDEV

struct daemon;

struct driven {
	struct daemon *daemon;
	struct driven *next;
	char path[64];
	const struct hm_config_device *cfg; /* in daemon->config; NULL: module default */
	/* A reload that left the mapping as it was keeps the device's remapper,
	 * which points into the configuration it was built from: a reference
	 * to it (NULL: daemon->config). */
	struct hm_config *mapping_config;
	struct hm_hid_reader *reader;
	struct hm_device *dev;
	struct hm_source *hid_source; /* the hidraw fd, read by the loop */
	struct hm_source *rq_source;  /* request completions */
	struct hm_timer *rq_timer;    /* the earliest request time limit */
	uint64_t rq_deadline;         /* what rq_timer is armed for, 0: disarmed */
	struct hid_descriptor *desc;  /* report IDs and relative fields, for resyncs */
	uint8_t *buf;                 /* one input report */
	size_t buf_size;
	unsigned read_errors; /* in a row */
	struct hm_overflow overflow;
	unsigned resync_outstanding;
	bool resync_answered;
	struct hm_ratelimit overflow_log, error_log, request_log;
	struct hm_source *feedback[HM_MAX_ALL_OUTPUTS];
	unsigned feedback_output[HM_MAX_ALL_OUTPUTS];
	struct hm_timer *remap_timer; /* the mapping's timed work (tap-hold, macros, motion) */
	int grabs[MAX_GRABS];
	unsigned ngrabs;
	/* a kernel node another program had grabbed: "NODE held by pid N (comm)"
	 * for status ("": none) */
	char grab_busy[192];
	/* the hidraw node, open only for its flock(): one hidmapd per device
	 * (claim_node()); -1: none */
	int claim_fd;
	/* Replug grace: with reader NULL the device is gone but dev (its
	 * virtual devices) is kept until grace_timer fires, for the same
	 * device to come back to.  gone_at: when it went (0: driven). */
	struct hm_timer *grace_timer;
	uint64_t gone_at;
	uint64_t dropped;   /* requests refused: queue full */
	uint64_t timed_out; /* requests the device did not answer in time */
	struct hm_latency latency;
	int focus_rule; /* the focus = rule that picked the profile, -1: none (daemon-focus.c) */
	char focus_pick[HM_CONFIG_MAX_ID + 1]; /* ...and that profile's id ("": none) */
	struct hm_spnav_device *spnav;         /* served to spnav clients, NULL: not */
};

/* A device being probed and opened on the work pool (daemon-devices.c):
 * `status` shows it as "opening". */
struct opening {
	struct hm_work work;
	struct daemon *daemon;
	struct opening *next;
	bool stage_open; /* the job is the open; else the probe before it */
	bool have_info;  /* info came with it; else the probe reads sysfs */
	bool grab;       /* the selected configuration hides the kernel's nodes */
	int err;         /* of the job that ran */
	char path[64];
	struct hm_device_info info;
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size;
	struct hid_descriptor *desc;
	size_t request_size;
	struct hm_hid_reader *reader;
	int grabs[MAX_GRABS];
	unsigned ngrabs;
	int claim_fd;        /* the one-hidmapd-per-device lock (flock), -1: none */
	char grab_busy[192]; /* a kernel node another program grabs, and by whom */
};

/* What a device let go of still holds, closed on the work pool: `status`
 * shows it as "closing" until done. */
struct closing {
	struct hm_work work;
	struct daemon *daemon;
	struct closing *next;
	char path[64];
	struct hm_device_info info;
	struct hm_hid_reader *reader;
	int grabs[MAX_GRABS];
	unsigned ngrabs;
	int claim_fd;
};

struct daemon {
	const struct hm_daemon_options *opts;
	struct hm_loop *loop;
	struct hm_sink *sink;
	struct hm_config *config;
	struct driven *driven;
	struct udev *udev;
	struct udev_monitor *monitor;
	struct hm_config_watch *config_watch; /* NULL: reload with SIGHUP only */
	struct hm_timer *reload_timer;        /* debounces config file changes */
	struct hm_control *control;           /* NULL: no control socket */
	struct hm_timer *watchdog_timer;
	uint64_t watchdog_usec;
	uint64_t start_us;
	char *diag; /* while reloading for a client: the first config error */
	size_t diag_size;
	/* Fast user switching: NULL when not followed (session_why says why).
	 * While session_released, no device is driven. */
	struct hm_session_watch *session;
	const char *session_why;
	bool session_released;
	struct daemon_focus *focus; /* per-application profiles (daemon-focus.c) */
	/* opening and closing hidraw nodes, off the loop (work-pool.h) */
	struct hm_work_pool *pool;
	struct hm_source *pool_source;
	struct opening *opening;
	struct closing *closing;
	/* a reload reading the files on a pool of its own, one thread at
	 * nice 19: parsing 100 MB of configuration must not take the CPU
	 * from the loop (daemon-config.c) */
	struct hm_work_pool *config_pool;
	struct hm_source *config_pool_source;
	bool reloading, reload_again, reload_again_for_control;
	bool stopping;                 /* tearing down: what the pool finishes is only freed */
	bool scanning, scan_again;     /* the device scan on the work pool (daemon-hotplug.c) */
	struct hm_spnav_server *spnav; /* NULL: not serving libspnav clients */
	/* spacenavd starting or stopping (inotify), and one rescan after */
	struct hm_spacenavd_watch *spacenavd_watch;
	struct hm_timer *spacenavd_timer;
};

/* daemon-notify.c */
void daemon_notify(const char *fmt, ...) _printf_(1, 2);
void daemon_notify_status(struct daemon *d);
void daemon_setup_watchdog(struct daemon *d);

/* daemon-devices.c */
/* Starts driving a device (its probe and open run on the work pool, the
 * rest when they are done): with what enumeration said of it, or only its
 * node (the probe reads sysfs). */
int daemon_drive(struct daemon *d, const struct hm_device_info *info);
int daemon_drive_path(struct daemon *d, const char *path);
void daemon_gone(struct daemon *d, struct driven *dr, const char *why);
void daemon_drop(struct daemon *d, struct driven *dr, const char *why);
void daemon_driven_free(struct driven *dr);
int daemon_setup_pool(struct daemon *d);
void daemon_cancel_opening(struct daemon *d, const char *path);

/* daemon-reports.c */
void daemon_hid_dispatch(struct hm_source *s, uint32_t events, void *data);
void daemon_feedback_dispatch(struct hm_source *s, uint32_t events, void *data);
void daemon_rq_dispatch(struct hm_source *s, uint32_t events, void *data);
void daemon_rq_timer_fired(struct hm_timer *t, void *data);
void daemon_rearm_requests(struct driven *dr, uint64_t deadline);
int daemon_driven_submit(void *userdata, enum hm_request_type type, const uint8_t *data,
                         size_t size, hm_transport_done_fn done, void *ctx);

/* daemon-hotplug.c */
/* Looks for devices to drive: on the work pool, taken on the loop
 * (daemon_scan()), or at start-up on the caller's thread (_start). */
void daemon_scan(struct daemon *d);
void daemon_scan_start(struct daemon *d);
int daemon_setup_hotplug(struct daemon *d);

/* daemon-config.c */
int daemon_load_config(struct daemon *d, struct hm_config **ret);
/* Starts a reload off the loop (SIGHUP, a changed file, `reload` on the
 * control socket: for_control, whose clients get the answer through
 * hm_control_reload_done()). */
void daemon_reload_start(struct daemon *d, bool for_control);
void daemon_setup_config_watch(struct daemon *d);

/* daemon-session.c */
void daemon_setup_session_watch(struct daemon *d);
void daemon_session_describe(struct daemon *d, char *buf, size_t size);

/* daemon-focus.c */
void daemon_setup_focus(struct daemon *d);
void daemon_focus_free(struct daemon *d);
/* The profile a device taken now starts with (its rules asked), or NULL. */
const struct hm_config_profile *daemon_focus_initial(struct daemon *d, struct driven *dr,
                                                     const struct hm_config_device *cfg);
void daemon_focus_reloaded(struct daemon *d, char **session_env);
int daemon_focus_control(struct daemon *d, const char *app_id, const char *title, char *err,
                         size_t errsize);
void daemon_focus_status(struct daemon *d, struct hm_control_client *c);
void daemon_focus_device_status(struct daemon *d, struct driven *dr, const char **ret_profile,
                                const char **ret_why, char *buf, size_t size);
/* daemon-spnav.c */
void daemon_setup_spnav(struct daemon *d);
void daemon_spnav_attach(struct daemon *d, struct driven *dr);
void daemon_spnav_detach(struct driven *dr);
void daemon_spnav_configure(struct driven *dr);
void daemon_spnav_cleanup(struct daemon *d);
bool daemon_spnav_yield(struct daemon *d, const struct hm_device_info *info,
                        const struct hm_module_chain *chain, const struct hm_config_device *cfg);

/* daemon-control.c */
void daemon_monitor_tap(void *userdata, const struct hm_device *dev, enum hm_tap_stage stage,
                        unsigned output, unsigned type, unsigned code, int value);
void daemon_setup_control(struct daemon *d);
