/* SPDX-License-Identifier: MIT */
/*
 * The daemon's answers on the control socket (control.h): `hidmapd
 * status`, `reload` and `monitor`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "daemon-private.h"
#include "shipped-layouts.h"
#include "util-strings.h"

/* ---- the control socket --------------------------------------------------- */

static const char *node_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* `hidmapd monitor`: one line per event; only installed while a monitor
 * client is connected.  libevdev's names, numbers for what it lacks. */
void daemon_monitor_tap(void *userdata, const struct hm_device *dev, enum hm_tap_stage stage,
                        unsigned output, unsigned type, unsigned code, int value)
{
	struct driven *dr = userdata;
	const char *tname = libevdev_event_type_get_name(type);
	const char *cname = libevdev_event_code_get_name(type, code);
	char tbuf[16], cbuf[16], where[16], line[160];

	if (!tname) {
		snprintf(tbuf, sizeof(tbuf), "0x%02x", type);
		tname = tbuf;
	}
	if (!cname) {
		snprintf(cbuf, sizeof(cbuf), "0x%03x", code);
		cname = cbuf;
	}
	if (stage == HM_TAP_DECODED)
		snprintf(where, sizeof(where), output ? "in#%u" : "in ", output);
	else
		snprintf(where, sizeof(where), "out#%u", output);
	snprintf(line, sizeof(line), "%s %s %s %s %d", node_name(dr->path), where, tname, cname,
	         value);
	hm_control_monitor_line(dr->daemon->control, line);
}

static void control_monitor(void *userdata, bool active)
{
	struct daemon *d = userdata;

	for (struct driven *dr = d->driven; dr; dr = dr->next)
		hm_device_set_tap(dr->dev, active ? daemon_monitor_tap : NULL, dr);
}

/* answered with hm_control_reload_done() (daemon-config.c) */
static void control_reload_start(void *userdata)
{
	daemon_reload_start(userdata, true);
}

/* hm_status_device.battery_status for the module's word (control.h) */
static const char *battery_status_name(enum hm_battery_status status)
{
	switch (status) {
	case HM_BATTERY_DISCHARGING:
		return "discharging";
	case HM_BATTERY_CHARGING:
		return "charging";
	case HM_BATTERY_FULL:
		return "full";
	case HM_BATTERY_NOT_CHARGING:
		return "not-charging";
	case HM_BATTERY_UNKNOWN:
	default:
		return "unknown";
	}
}

static void control_status(void *userdata, struct hm_control_client *c)
{
	struct daemon *d = userdata;
	struct hm_status_daemon sd = {
	    .uptime_us = hm_now_usec() - d->start_us,
	    .config_files = (const char *const *)d->config->files,
	    .nconfig_files = d->config->nfiles,
	    .log_dropped = log_dropped_total(),
	};
	uint64_t now = hm_now_usec();
	char session[160], layouts[PATH_MAX + 64];
	const char *layouts_dir = NULL;
	size_t nlayouts = 0;
	int r;

	daemon_session_describe(d, session, sizeof(session));
	sd.session = session;
	/* "DIR N loaded", or why there are none (shipped-layouts.h) */
	r = hm_layout_shipped_state(&layouts_dir, &nlayouts);
	if (r == 0)
		snprintf(layouts, sizeof(layouts), "%s %zu loaded", layouts_dir, nlayouts);
	else
		snprintf(layouts, sizeof(layouts), "%s unreadable: %s",
		         layouts_dir ? layouts_dir : "(none)",
		         r == -ENOENT ? "missing, or holds no layout" : strerror(-r));
	sd.layouts = layouts;
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		sd.ndevices++;
	hm_control_status_daemon(c, &sd);
	daemon_focus_status(d, c);
	for (struct driven *dr = d->driven; dr; dr = dr->next) {
		const struct hm_device_stats *st = hm_device_get_stats(dr->dev);
		struct hm_status_output outs[HM_MAX_ALL_OUTPUTS];
		char nodes[HM_MAX_ALL_OUTPUTS][32];
		unsigned n = hm_device_noutputs(dr->dev);
		enum hm_battery_status battery;
		struct hm_status_device s = {
		    .path = dr->path,
		    .name = dr->dev->info.name,
		    .vendor = dr->dev->info.vendor,
		    .product = dr->dev->info.product,
		    .module = dr->dev->module->name,
		    .section = dr->cfg ? dr->cfg->id : NULL,
		    .reports = st->reports,
		    .decode_errors = st->decode_errors,
		    .ignored = st->ignored,
		    .dropped = dr->dropped,
		    .overflows = dr->overflow.overflows,
		    .resyncs = dr->overflow.resyncs,
		    .timed_out = dr->timed_out,
		    .initializing = dr->reader && hm_device_initializing(dr->dev),
		    .grab_busy = dr->grab_busy[0] ? dr->grab_busy : NULL,
		    .latency_samples = dr->latency.count,
		    .latency_p50_us = hm_latency_percentile(&dr->latency, 500),
		    .latency_p99_us = hm_latency_percentile(&dr->latency, 990),
		    .outputs = outs,
		};

		char why[PATH_MAX + 32];

		if (dr->cfg)
			daemon_focus_device_status(d, dr, &s.profile, &s.profile_why, why,
			                           sizeof(why));
		/* a device unplugged has no battery to speak of */
		if (dr->reader && hm_device_get_battery(dr->dev, &s.battery_percent, &battery))
			s.battery_status = battery_status_name(battery);
		if (dr->reader)
			s.link = hm_device_get_link(dr->dev);
		if (!dr->reader)
			s.gone_us = dr->gone_at + d->config->replug_grace_us > now
			                ? dr->gone_at + d->config->replug_grace_us - now
			                : 1;
		for (unsigned i = 0; i < n && i < HM_MAX_ALL_OUTPUTS; i++) {
			struct libevdev *caps =
			    (struct libevdev *)hm_device_output_caps(dr->dev, i);
			void *h = hm_device_output_handle(dr->dev, i);

			if (!caps)
				continue;
			outs[s.noutputs] = (struct hm_status_output){
			    .name = libevdev_get_name(caps),
			    .phys = libevdev_get_phys(caps),
			};
			if (h && d->sink->ops->node_name &&
			    d->sink->ops->node_name(d->sink, h, nodes[s.noutputs],
			                            sizeof(nodes[0])))
				outs[s.noutputs].node = nodes[s.noutputs];
			outs[s.noutputs].ff = hm_device_ff_stats(
			    dr->dev, i, &outs[s.noutputs].ff_uploaded, &outs[s.noutputs].ff_played);
			s.noutputs++;
		}
		hm_control_status_device(c, &s);
	}
	/* nodes opened or closed off the loop (daemon-devices.c) */
	for (struct opening *o = d->opening; o; o = o->next) {
		/* a probe reading sysfs writes info: not known yet */
		bool known = o->have_info || o->stage_open;

		if (!o->work.cancelled)
			hm_control_status_transition(
			    c, "opening", o->path, known ? o->info.vendor : 0,
			    known ? o->info.product : 0, known ? o->info.name : NULL);
	}
	for (struct closing *cl = d->closing; cl; cl = cl->next)
		hm_control_status_transition(c, "closing", cl->path, cl->info.vendor,
		                             cl->info.product, cl->info.name);
}

static int control_focus(void *userdata, const char *app_id, const char *title, char *err,
                         size_t errsize)
{
	return daemon_focus_control(userdata, app_id, title, err, errsize);
}

static const struct hm_control_ops control_ops = {
    .status = control_status,
    .reload_start = control_reload_start,
    .monitor = control_monitor,
    .focus = control_focus,
};

void daemon_setup_control(struct daemon *d)
{
	char path[108];
	int r;

	if (hm_control_socket_path(path, sizeof(path)) == -ENOENT) {
		log_warning("XDG_RUNTIME_DIR is not set: running without the control socket "
		            "(hidmapd status, reload and monitor will not work)");
		return;
	}
	r = hm_control_new(d->loop, &control_ops, d, &d->control);
	if (r == -EADDRINUSE)
		log_warning("another hidmapd answers on %s: running without the control socket",
		            path);
	else if (r < 0)
		log_warning_errno(r, "cannot create the control socket %s: %m; running without it",
		                  path);
}
