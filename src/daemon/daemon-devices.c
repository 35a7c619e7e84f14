/* SPDX-License-Identifier: MIT */
/*
 * The lifecycle of a driven device: drive (select the module, open the
 * hidraw node, build the hm_device and its outputs, grab the kernel's own
 * evdev nodes), gone (an unplug: keep the virtual devices for the replug
 * grace period), reattach (the same device came back), drop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/input.h>

#define DEFAULT_MAX_REPORT 4096u
#define MAX_REPORT         16384u
#define LOG_INTERVAL_US    (10 * 1000 * 1000)

#include "daemon-private.h"
#include "device-settings.h"
#include "module-select.h"
#include "util-strings.h"

/* Hides the kernel's own evdev nodes of the HID device (EVIOCGRAB), so the
 * user does not get every input twice.  Best effort: a node we may not open
 * is reported once and left alone. */
static void grab_kernel_nodes(struct driven *dr)
{
	struct hm_hid_evdev_nodes nodes;
	int r = hm_hid_evdev_nodes(dr->path, &nodes);

	if (r < 0) {
		log_warning_errno(r, "%s: cannot find its evdev nodes: %m, ignoring", dr->path);
		return;
	}
	for (size_t i = 0; i < nodes.n && dr->ngrabs < MAX_GRABS; i++) {
		const char *dev = nodes.node[i];
		int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0) {
			log_warning_errno(errno, "%s: cannot open %s to hide it: %m, ignoring",
			                  dr->path, dev);
			continue;
		}
		if (ioctl(fd, EVIOCGRAB, (void *)1) < 0) {
			log_warning_errno(errno, "%s: cannot grab %s: %m, ignoring", dr->path, dev);
			close(fd);
			continue;
		}
		log_debug("%s: grabbed %s", dr->path, dev);
		dr->grabs[dr->ngrabs++] = fd;
	}
}

static void ungrab_kernel_nodes(struct driven *dr)
{
	for (unsigned i = 0; i < dr->ngrabs; i++) {
		(void)ioctl(dr->grabs[i], EVIOCGRAB, (void *)0);
		safe_close(dr->grabs[i]);
	}
	dr->ngrabs = 0;
}

void daemon_driven_free(struct driven *dr)
{
	if (!dr)
		return;
	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		hm_source_remove(dr->feedback[i]);
	hm_source_remove(dr->hid_source);
	hm_source_remove(dr->rq_source);
	/* close the reader first: outstanding requests are cancelled while
	 * the device and its timers are whole (their callbacks run now) */
	hm_hid_reader_close(dr->reader);
	dr->reader = NULL;
	hm_timer_free(dr->remap_timer);
	hm_timer_free(dr->grace_timer);
	hm_timer_free(dr->rq_timer);
	daemon_spnav_detach(dr);
	/* releases every held key on the outputs before destroying them */
	hm_device_free(dr->dev);
	hm_config_free(dr->mapping_config);
	ungrab_kernel_nodes(dr);
	hid_descriptor_free(dr->desc);
	free(dr->buf);
	free(dr);
}

void daemon_drop(struct daemon *d, struct driven *dr, const char *why)
{
	for (struct driven **p = &d->driven; *p; p = &(*p)->next) {
		if (*p == dr) {
			*p = dr->next;
			break;
		}
	}
	log_info("%s: %s", dr->path, why);
	daemon_driven_free(dr);
	daemon_notify_status(d);
}

static void detach_reader(struct driven *dr);

static void print_seconds(char *buf, size_t size, uint64_t us)
{
	snprintf(buf, size, "%llu.%03llus", (unsigned long long)(us / 1000000u),
	         (unsigned long long)(us / 1000u % 1000u));
}

/* The device went (its reader died, or udev said so).  Held keys are
 * released at once; the virtual devices stay for the replug grace period,
 * so that a device that comes back (a flaky cable, a Bluetooth reconnect)
 * keeps its /dev/input/eventN and applications keep their handles. */
void daemon_gone(struct daemon *d, struct driven *dr, const char *why)
{
	uint64_t grace = d->config->replug_grace_us;
	char secs[32];

	if (!dr->reader)
		return; /* already gone */
	if (!grace) {
		daemon_drop(d, dr, why);
		return;
	}
	hm_device_release_all(dr->dev);
	(void)hm_timer_arm(dr->remap_timer, 0);
	detach_reader(dr);
	ungrab_kernel_nodes(dr);
	dr->gone_at = hm_now_usec();
	(void)hm_timer_arm(dr->grace_timer, grace);
	print_seconds(secs, sizeof(secs), grace);
	log_info("%s: %s, keeping its virtual devices for %s", dr->path, why, secs);
	daemon_notify_status(d);
}

static void grace_timer_fired(struct hm_timer *t, void *data)
{
	struct driven *dr = data;

	daemon_drop(dr->daemon, dr, "did not come back, removing its virtual devices");
}

static bool is_driven(struct daemon *d, const char *path)
{
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		if (dr->reader && streq(dr->path, path))
			return true;
	return false;
}

/* A device kept after it went that has the same identity: bus, ids,
 * serial and report descriptor. */
static struct driven *find_kept(struct daemon *d, const struct hm_device_info *info,
                                const uint8_t *rdesc, size_t rdesc_size)
{
	for (struct driven *dr = d->driven; dr; dr = dr->next) {
		const struct hm_device *dev = dr->dev;

		if (dr->reader || dev->info.bus != info->bus || dev->info.vendor != info->vendor ||
		    dev->info.product != info->product || !streq(dev->info.serial, info->serial) ||
		    dev->rdesc_size != rdesc_size ||
		    (rdesc_size && memcmp(dev->rdesc, rdesc, rdesc_size) != 0))
			continue;
		return dr;
	}
	return NULL;
}

static size_t max_input_report(const struct hid_descriptor *desc)
{
	size_t max = 0;

	if (!desc)
		return DEFAULT_MAX_REPORT;
	for (unsigned i = 0; i < desc->nreports; i++) {
		const struct hid_report *r = &desc->reports[i];
		size_t bytes = (r->size_bits + 7) / 8 + (desc->numbered ? 1 : 0);

		if (r->type == HID_INPUT_REPORT && bytes > max)
			max = bytes;
	}
	if (max < 64)
		max = 64;
	return max > MAX_REPORT ? MAX_REPORT : max;
}

/* Watches the uinput fds of the device's outputs for LED and force
 * feedback; called again whenever a mapping recreated outputs.  An output
 * with neither is not watched: all it would hand back is the MSC_SCAN of
 * every frame (the input core gives uinput each event its device
 * supports), a wake-up and a read() per report for nothing. */
static void watch_feedback(struct driven *dr)
{
	struct daemon *d = dr->daemon;

	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++) {
		hm_source_remove(dr->feedback[i]);
		dr->feedback[i] = NULL;
	}
	for (unsigned i = 0; i < hm_device_noutputs(dr->dev) && i < HM_MAX_ALL_OUTPUTS; i++) {
		void *h = hm_device_output_handle(dr->dev, i);
		const struct libevdev *caps = hm_device_output_caps(dr->dev, i);
		int fd = h ? d->sink->ops->get_fd(d->sink, h) : -1;

		if (fd < 0 || (caps && !libevdev_has_event_type(caps, EV_LED) &&
		               !libevdev_has_event_type(caps, EV_FF)))
			continue;
		dr->feedback_output[i] = i;
		dr->feedback[i] =
		    hm_loop_add_fd(d->loop, fd, EPOLLIN, false, daemon_feedback_dispatch, dr);
	}
}

static void remap_timer_fired(struct hm_timer *t, void *data)
{
	struct driven *dr = data;

	hm_device_timer(dr->dev, hm_now_usec());
	/* the module held it initializing and was not ready in time (logged) */
	if (hm_device_init_failed(dr->dev))
		daemon_drop(dr->daemon, dr, "failed to initialise, dropping the device");
}

/* The mapping asks for a call at deadline (hm_now_usec() clock, 0: none). */
static void arm_remap_timer(void *userdata, uint64_t deadline)
{
	struct driven *dr = userdata;
	uint64_t now;

	if (!dr->remap_timer)
		return;
	if (!deadline) {
		(void)hm_timer_arm(dr->remap_timer, 0);
		return;
	}
	now = hm_now_usec();
	/* a deadline already passed fires at once (a relative 0 would disarm) */
	(void)hm_timer_arm(dr->remap_timer, deadline > now ? deadline - now : 1);
}

static void outputs_changed(void *userdata)
{
	watch_feedback(userdata);
}

/* Stops reading: the sources go, the reader closes (outstanding requests
 * are cancelled). */
static void detach_reader(struct driven *dr)
{
	hm_source_remove(dr->hid_source);
	dr->hid_source = NULL;
	hm_source_remove(dr->rq_source);
	dr->rq_source = NULL;
	daemon_rearm_requests(dr, 0);
	hm_hid_reader_close(dr->reader);
	dr->reader = NULL;
}

/* The largest report of any type (with its ID byte), for requests. */
static size_t max_any_report(const struct hid_descriptor *desc)
{
	size_t max = 64;

	for (unsigned i = 0; desc && i < desc->nreports; i++) {
		size_t bytes = (desc->reports[i].size_bits + 7) / 8 + 1;

		if (bytes > max)
			max = bytes;
	}
	return max > MAX_REPORT ? MAX_REPORT : max;
}

/* Starts reading path into dr (new, or kept from before a replug). */
static int attach_reader(struct daemon *d, struct driven *dr, const char *path, size_t max_report)
{
	int r;

	if (!dr->buf) {
		dr->buf = malloc(max_report);
		if (!dr->buf)
			return -ENOMEM;
		dr->buf_size = max_report;
	}
	if (!dr->rq_timer) {
		dr->rq_timer = hm_timer_new(d->loop, daemon_rq_timer_fired, dr);
		if (!dr->rq_timer)
			return -errno;
	}
	r = hm_hid_reader_open(path, max_any_report(dr->desc), &dr->reader);
	if (r < 0)
		return r;
	dr->hid_source = hm_loop_add_fd(d->loop, hm_hid_reader_fd(dr->reader), EPOLLIN, false,
	                                daemon_hid_dispatch, dr);
	dr->rq_source =
	    dr->hid_source
	        ? hm_loop_add_fd(d->loop, hm_rq_get_fd(hm_hid_reader_requests(dr->reader)), EPOLLIN,
	                         false, daemon_rq_dispatch, dr)
	        : NULL;
	if (!dr->hid_source || !dr->rq_source) {
		r = -errno;
		detach_reader(dr);
		return r;
	}
	hm_overflow_init(&dr->overflow, HM_HIDRAW_BUFFER_REPORTS);
	dr->read_errors = 0;
	snprintf(dr->path, sizeof(dr->path), "%s", path);
	return 0;
}

/* The device came back within the grace period: same virtual devices. */
static int reattach(struct daemon *d, struct driven *dr, const struct hm_device_info *info,
                    size_t max_report)
{
	char secs[32];
	int r;

	r = attach_reader(d, dr, info->path, max_report);
	if (r < 0)
		return log_warning_errno(r, "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
		                         info->path);
	(void)hm_timer_arm(dr->grace_timer, 0);
	print_seconds(secs, sizeof(secs), hm_now_usec() - dr->gone_at);
	dr->gone_at = 0;
	/* The module starts afresh: a handshake is redone, no decoder state
	 * is left from before the unplug.  The hidraw node may have another
	 * number now. */
	r = hm_device_restart(dr->dev, info);
	if (r < 0) {
		log_warning_errno(r, "%s: the module cannot take it again: %m", info->path);
		daemon_drop(d, dr, "dropped");
		return 0;
	}
	if (!dr->cfg || dr->cfg->grab)
		grab_kernel_nodes(dr);
	log_info("%s: %s (%04x:%04x) came back after %s, same virtual devices", info->path,
	         info->name, info->vendor, info->product, secs);
	daemon_notify_status(d);
	return 1;
}

int daemon_drive(struct daemon *d, const struct hm_device_info *info)
{
	struct hm_device_info full;
	struct hm_module_chain chain;
	const struct hm_config_device *cfg = NULL;
	struct hm_transport transport = {
	    .submit = daemon_driven_submit,
	};
	struct hm_device_setup setup = {.sink = d->sink, .transport = &transport};
	struct hm_device_settings settings;
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size = 0, max_report;
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	struct driven *dr;
	int r;

	if (is_driven(d, info->path) || !hm_module_select(d->config, info, &chain, &cfg))
		return 0;

	r = hm_hid_read_descriptor(info->path, rdesc, sizeof(rdesc), &rdesc_size);
	if (r < 0)
		return log_warning_errno(r, "%s: cannot read the report descriptor: %m, ignoring",
		                         info->path);
	/* again with the top-level usage, as the device core and a reload see
	 * the device: id predicates on the usage now decide */
	full = *info;
	hm_device_info_set_usage(&full, rdesc, rdesc_size);
	if (!hm_module_select(d->config, &full, &chain, &cfg))
		return 0;
	info = &full;
	if (daemon_spnav_yield(d, info, &chain, cfg))
		return 0;
	/* one that does not parse still goes to the module, which says why */
	(void)hid_descriptor_parse(rdesc, rdesc_size, &desc, NULL);
	max_report = max_input_report(desc);

	dr = find_kept(d, info, rdesc, rdesc_size);
	if (dr) {
		if (hm_module_chain_equal(hm_device_module_chain(dr->dev), &chain) &&
		    dr->cfg == cfg)
			return reattach(d, dr, info, max_report);
		daemon_drop(d, dr, "came back under another configuration, starting afresh");
	}

	dr = zalloc(sizeof(*dr));
	if (!dr)
		return -ENOMEM;
	dr->daemon = d;
	dr->cfg = cfg;
	dr->desc = steal(&desc);
	dr->overflow_log = (struct hm_ratelimit)HM_RATELIMIT_INIT(LOG_INTERVAL_US, 1);
	dr->error_log = (struct hm_ratelimit)HM_RATELIMIT_INIT(LOG_INTERVAL_US, 3);
	dr->request_log = (struct hm_ratelimit)HM_RATELIMIT_INIT(LOG_INTERVAL_US, 3);
	snprintf(dr->path, sizeof(dr->path), "%.*s", (int)sizeof(dr->path) - 1, info->path);
	dr->remap_timer = hm_timer_new(d->loop, remap_timer_fired, dr);
	dr->grace_timer = hm_timer_new(d->loop, grace_timer_fired, dr);
	if (!dr->remap_timer || !dr->grace_timer) {
		r = -errno;
		daemon_driven_free(dr);
		return log_error_errno(r, "%s: cannot create a timer: %m", info->path);
	}

	r = attach_reader(d, dr, info->path, max_report);
	if (r < 0) {
		daemon_driven_free(dr);
		return log_warning_errno(r, "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
		                         info->path);
	}
	transport.userdata = dr;
	/* Hide the kernel's own nodes before the virtual devices appear: an
	 * application that opens those and gets a key press must not see it
	 * from the kernel's node too.  Reports that come meanwhile wait in the
	 * hidraw buffer for the loop. */
	if (!cfg || cfg->grab)
		grab_kernel_nodes(dr);

	setup.chain = &chain;
	setup.profile = cfg ? hm_config_profile_for(d->config, cfg) : NULL;
	setup.unmapped = cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
	hm_device_settings_from_config(cfg, &settings);
	setup.settings = &settings;
	setup.arm_timer = arm_remap_timer;
	setup.outputs_changed = outputs_changed;
	setup.userdata = dr;
	r = hm_device_new(info, rdesc, rdesc_size, &setup, &dr->dev);
	if (r < 0) {
		daemon_driven_free(dr);
		return log_warning_errno(r, "%s: module %s cannot drive it: %m, ignoring",
		                         info->path, hm_module_chain_first(&chain)->name);
	}
	if (hm_control_monitoring(d->control))
		hm_device_set_tap(dr->dev, daemon_monitor_tap, dr);
	daemon_spnav_attach(d, dr);

	watch_feedback(dr);

	dr->next = d->driven;
	d->driven = dr;
	log_info("%s: %s (%04x:%04x) driven by module %s%s%s", info->path, info->name, info->vendor,
	         info->product, dr->dev->module->name, cfg ? ", config " : "", cfg ? cfg->id : "");
	daemon_notify_status(d);
	return 1;
}
