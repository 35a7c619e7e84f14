/* SPDX-License-Identifier: MIT */
/*
 * hm_daemon_run(): sets up the event loop and its sources (signals,
 * hotplug, config watch, control socket, session watch, watchdog), drives
 * the devices present, runs the loop and tears everything down.  The
 * parts live in daemon-*.c (daemon-private.h).
 */
#include <errno.h>
#include <signal.h>

#include "daemon-private.h"
#include "sink.h"

static void on_signal(int signo, void *data)
{
	struct daemon *d = data;

	switch (signo) {
	case SIGHUP:
		daemon_reload_start(d, false);
		break;
	case SIGINT:
	case SIGTERM:
		log_info("stopping");
		hm_loop_quit(d->loop);
		break;
	default:
		break;
	}
}

static int run(const struct hm_daemon_options *opts)
{
	struct daemon d = {.opts = opts, .start_us = hm_now_usec()};
	sigset_t mask;
	int r;

	if (hm_hid_init() < 0)
		return log_error_errno(EIO, "hidapi initialisation failed");

	r = daemon_load_config(&d, &d.config);
	if (r < 0) {
		/* survive a bad config: vendor modules still work with their defaults */
		log_error("configuration rejected; running with module defaults until it is fixed "
		          "(then: systemctl --user reload hidmapd)");
		d.config = hm_config_new_empty();
		if (!d.config)
			return log_error_errno(ENOMEM, "out of memory");
	}

	r = hm_loop_new(&d.loop);
	if (r < 0)
		return log_error_errno(r, "cannot create the event loop: %m");

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (!hm_loop_add_signals(d.loop, &mask, on_signal, &d)) {
		r = log_error_errno(errno, "cannot set up signalfd: %m");
		goto out;
	}

	d.sink = hm_sink_uinput_new();
	if (!d.sink) {
		r = log_error_errno(ENOMEM, "out of memory");
		goto out;
	}

	/* watch before the first scan, so a device plugged in meanwhile is not missed */
	r = daemon_setup_hotplug(&d);
	if (r < 0)
		log_warning_errno(
		    r, "cannot watch for new devices: %m; only devices present now are driven");

	r = daemon_setup_pool(&d);
	if (r < 0) {
		r = log_error_errno(r, "cannot start the threads that open devices: %m");
		goto out;
	}

	daemon_setup_config_watch(&d);
	daemon_setup_control(&d);
	daemon_setup_spnav(&d);
	daemon_setup_session_watch(&d);
	daemon_setup_focus(&d);
	daemon_scan_start(&d);
	daemon_setup_watchdog(&d);
	daemon_notify("READY=1");
	daemon_notify_status(&d);
	log_info("running");

	r = hm_loop_run(d.loop);

	daemon_notify("STOPPING=1");
out:
	d.stopping = true;
	hm_control_free(d.control); /* removes the socket file */
	d.control = NULL;           /* the monitor taps still point here */
	/* release every held key and destroy the virtual devices */
	while (d.driven) {
		struct driven *dr = d.driven;

		d.driven = dr->next;
		daemon_driven_free(dr);
	}
	hm_spnav_server_free(d.spnav); /* after the devices: they leave it first */
	daemon_spnav_cleanup(&d);
	daemon_focus_free(&d);
	/* devices still opening are let go; every node is closed before the end */
	daemon_cancel_opening(&d, NULL);
	hm_source_remove(d.config_pool_source);
	hm_work_pool_free(d.config_pool);
	hm_source_remove(d.pool_source);
	hm_work_pool_free(d.pool);
	hm_session_watch_free(d.session);
	if (d.sink)
		hm_sink_uinput_free(d.sink);
	hm_timer_free(d.reload_timer);
	hm_timer_free(d.watchdog_timer);
	hm_loop_free(d.loop);
	hm_config_watch_free(d.config_watch);
	udev_monitor_unref(d.monitor);
	udev_unref(d.udev);
	hm_config_free(d.config);
	hm_hid_exit();
	return r;
}

/* The log is written by a thread of its own (util-log.h): a log line from
 * the loop never waits on stderr (journald busy or stopped, a pipe nobody
 * reads); what did not fit in the buffer is counted and said later.  At
 * the end, up to 1 s for the last lines to be written. */
#define LOG_BUFFER_BYTES (256 * 1024)

int hm_daemon_run(const struct hm_daemon_options *opts)
{
	int r = log_start_async(LOG_BUFFER_BYTES);

	if (r < 0)
		log_warning_errno(r, "cannot start the log writer: %m; logging directly");
	r = run(opts);
	log_stop_async(1000);
	return r;
}
