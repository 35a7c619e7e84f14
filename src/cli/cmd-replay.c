/* SPDX-License-Identifier: MIT */
/* `hidmapd replay FILE`: a recording through module and mapping, printed
 * in replay format or injected through uinput (--uinput). */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "cmd-common.h"
#include "commands.h"
#include "config.h"
#include "device.h"
#include "event-loop.h"
#include "hid-recording.h"
#include "module-select.h"
#include "replay-features.h"
#include "util-log.h"
#include "util-mem.h"

static void sleep_until(uint64_t usec)
{
	struct timespec ts = {.tv_sec = (time_t)(usec / 1000000),
	                      .tv_nsec = (long)(usec % 1000000) * 1000};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* The mapping's timer in a replay: deadlines in the recording's time. */
static void replay_arm(void *userdata, uint64_t deadline_us)
{
	*(uint64_t *)userdata = deadline_us;
}

/* Fires the mapping's timer while it is due at or before t (a bound on the
 * rounds keeps a pathological profile from looping). */
static void replay_timers(struct hm_device *dev, uint64_t *armed, uint64_t t, uint64_t start,
                          uint64_t t0, bool uinput)
{
	for (unsigned guard = 0; *armed && *armed <= t && guard < 100000; guard++) {
		uint64_t when = *armed;

		*armed = 0; /* one-shot, as the daemon's timerfd */
		if (uinput)
			sleep_until(start + when - t0);
		hm_device_timer(dev, when);
	}
}

/* With --features: output reports and SET_REPORTs go nowhere, as to a
 * device that takes them. */
static int replay_accept(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	(void)data;
	return (int)size;
}

int hm_cmd_replay(const char *file, const char *config_file, const char *forced_module,
                  const char *features_file, bool uinput, bool show_module)
{
	_cleanup_(hm_feature_replies_freep) struct hm_feature_replies *features = NULL;
	struct hm_transport transport = {0};
	uint64_t armed = 0, t0;
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	struct hm_device *dev = NULL;
	struct hm_device_info info;
	struct hm_device_setup setup = {0};
	const struct hm_config_device *cfg = NULL;
	struct hm_module_chain chain;
	struct hm_sink *sink;
	uint64_t start;
	int r;

	if (hm_recording_load(file, &rec) < 0)
		return 1;
	if (features_file) {
		if (hm_feature_replies_load(features_file, &features) < 0)
			return 1;
		transport = (struct hm_transport){.write = replay_accept,
		                                  .send_feature = replay_accept,
		                                  .get_feature = hm_feature_replies_get,
		                                  .userdata = features};
	}
	if (config_file) {
		const char *paths[] = {config_file};

		if (hm_module_select_load_given(paths, 1, cli_diag_print, NULL, &config) < 0)
			return 1;
	}
	cli_info_from_recording(rec, &info);
	/* as the daemon picks it: a [device] may name a module or a layout */
	if (cli_chain_for(config, &info, forced_module, &chain, &cfg) == -ENOENT)
		return cli_unknown_module(forced_module);

	sink = uinput ? hm_sink_uinput_new() : hm_sink_print_new(stdout);
	if (!sink)
		return 1;
	setup.chain = &chain;
	setup.sink = sink;
	setup.transport = features ? &transport : NULL;
	setup.profile = cfg ? hm_config_profile_for(config, cfg) : NULL;
	setup.unmapped = cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
	setup.arm_timer = replay_arm;
	setup.userdata = &armed;
	r = hm_device_new(&info, rec->rdesc, rec->rdesc_size, &setup, &dev);
	if (r < 0) {
		log_error_errno(r, "%s: module %s cannot decode this device: %m", file,
		                hm_module_chain_first(&chain)->name);
		goto out;
	}
	if (show_module) {
		char name[256];

		/* diagnostic: the module is chosen; the reports change nothing
		 * about it, so they are not replayed */
		fprintf(stderr, "hidmapd: %s: module %s\n", file,
		        hm_module_display_name(dev->module, name, sizeof(name)));
		r = 0;
		goto out;
	}

	start = hm_now_usec();
	/* Printed, the time before the first report is of no use.  On uinput
	 * the reports come at their times from the start of the recording, so
	 * a recording that begins with a pause gives applications that time to
	 * open the new devices before anything happens. */
	t0 = rec->nevents && !uinput ? rec->events[0].time_us : 0;
	for (size_t i = 0; i < rec->nevents; i++) {
		const struct hm_recording_event *ev = &rec->events[i];

		/* timed mappings (tap-hold, macros, pointer motion) act between
		 * reports, in the recording's time */
		replay_timers(dev, &armed, ev->time_us, start, t0, uinput);
		if (uinput)
			sleep_until(start + ev->time_us - t0);
		else
			hm_sink_print_report(sink, i);
		r = hm_device_process_report(dev, ev->data, ev->size, ev->time_us);
		if (r < 0)
			log_warning_errno(r, "%s:%u: report not decoded: %m", file, ev->line);
	}
	/* what is still timed after the last report: up to 10 s more */
	if (rec->nevents)
		replay_timers(dev, &armed, rec->events[rec->nevents - 1].time_us + 10000000, start,
		              t0, uinput);
	r = 0;
	fflush(stdout);
	/* A replayed device ends like a kernel device that disappears: without
	 * printed releases.  (On uinput the releases do go out.) */
	if (!uinput)
		hm_sink_print_mute(sink);
out:
	hm_device_free(dev);
	if (uinput)
		hm_sink_uinput_free(sink);
	else
		hm_sink_print_free(sink);
	return r < 0 ? 1 : 0;
}
