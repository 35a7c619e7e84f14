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
	/* Replug grace: with reader NULL the device is gone but dev (its
	 * virtual devices) is kept until grace_timer fires, for the same
	 * device to come back to.  gone_at: when it went (0: driven). */
	struct hm_timer *grace_timer;
	uint64_t gone_at;
	uint64_t dropped;   /* requests refused: queue full */
	uint64_t timed_out; /* requests the device did not answer in time */
	struct hm_latency latency;
	struct hm_spnav_device *spnav; /* served to spnav clients, NULL: not */
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
int daemon_drive(struct daemon *d, const struct hm_device_info *info);
void daemon_gone(struct daemon *d, struct driven *dr, const char *why);
void daemon_drop(struct daemon *d, struct driven *dr, const char *why);
void daemon_driven_free(struct driven *dr);

/* daemon-reports.c */
void daemon_hid_dispatch(struct hm_source *s, uint32_t events, void *data);
void daemon_feedback_dispatch(struct hm_source *s, uint32_t events, void *data);
void daemon_rq_dispatch(struct hm_source *s, uint32_t events, void *data);
void daemon_rq_timer_fired(struct hm_timer *t, void *data);
void daemon_rearm_requests(struct driven *dr, uint64_t deadline);
int daemon_driven_submit(void *userdata, enum hm_request_type type, const uint8_t *data,
                         size_t size, hm_transport_done_fn done, void *ctx);

/* daemon-hotplug.c */
void daemon_scan(struct daemon *d);
int daemon_setup_hotplug(struct daemon *d);

/* daemon-config.c */
int daemon_load_config(struct daemon *d, struct hm_config **ret);
int daemon_reload(struct daemon *d, char *err, size_t errsize);
void daemon_setup_config_watch(struct daemon *d);

/* daemon-session.c */
void daemon_setup_session_watch(struct daemon *d);
void daemon_session_describe(struct daemon *d, char *buf, size_t size);

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
