/* SPDX-License-Identifier: MIT */
/*
 * The lifecycle of a driven device: drive (select the module, open the
 * hidraw node, build the hm_device and its outputs, grab the kernel's own
 * evdev nodes), gone (an unplug: keep the virtual devices for the replug
 * grace period), reattach (the same device came back), drop.
 *
 * The loop never makes a call that can wait on a device or on a kernel
 * lock a device holds (hid-reader.h: hidraw's open and release wait on
 * every device's pending requests since 6.1): the first sysfs and
 * descriptor reads, the opening of the hidraw and evdev nodes and their
 * closing run on the work pool (work-pool.h), a device's states in
 * between are `opening` and `closing` in `status`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/input.h>

#define DEFAULT_MAX_REPORT 4096u
#define MAX_REPORT         16384u
#define LOG_INTERVAL_US    (10 * 1000 * 1000)

#include "daemon-private.h"
#include "device-settings.h"
#include "module-select.h"
#include "proc-holders.h"
#include "util-strings.h"

/* Another program holds the kernel node's EVIOCGRAB (keyd, input-remapper,
 * kanata, interception-tools...): the kernel does not say which, so the
 * processes that have the node open are named as the likely holders, once
 * per device taken.  hidmapd drives the device anyway; the other program
 * gets the kernel's events of it too, so the user may see input twice. */
static void grab_busy(const char *path, const char *dev, char *busy, size_t busysize)
{
	struct hm_proc_holder h[4];
	char list[160] = "";
	size_t n = hm_proc_holders("/proc", dev, getpid(), h, 4, NULL);

	if (n > 4)
		n = 4;
	hm_proc_holders_format(h, n, list, sizeof(list));
	if (!busy[0])
		snprintf(busy, busysize, "%s held by %s", dev,
		         n ? list : "a process not visible here");
	log_warning("%s: %s is grabbed by another program (EVIOCGRAB busy), likely %s: hidmapd "
	            "drives the device anyway, and that program sees its input too; stop it, or "
	            "leave this device to it",
	            log_escape(path), dev, n ? list : "one whose files are not visible here");
}

/* One hidmapd per device: two (two users' units, a unit and a `hidmapd run`
 * by hand) would both read its reports and both send them on.  The first
 * holds an exclusive flock() on the hidraw node; a second finds it taken,
 * says so with the holder's pid where it can see it, and leaves the device.
 * Returns the locked fd, -EBUSY (said), or another -errno (the node cannot
 * be opened: the reader's open will say why). */
static int claim_node(const char *path)
{
	struct hm_proc_holder h[8];
	char who[64] = "";
	size_t n;
	int err, fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err != EWOULDBLOCK)
		return -err;
	n = hm_proc_holders("/proc", path, getpid(), h, ARRAY_SIZE(h), NULL);
	for (size_t i = 0; i < n && i < ARRAY_SIZE(h) && !who[0]; i++)
		if (streq(h[i].comm, "hidmapd"))
			snprintf(who, sizeof(who), "pid %ld", (long)h[i].pid);
	log_warning("%s: already driven by another hidmapd (%s), leaving it to that one", path,
	            who[0] ? who : "another user's, or one not visible here");
	return -EBUSY;
}

/* Hides the kernel's own evdev nodes of the HID device (EVIOCGRAB), so the
 * user does not get every input twice.  Best effort: a node we may not open
 * is reported once and left alone.  Runs on the work pool (opening an
 * evdev node opens the HID device below it). */
static void grab_kernel_nodes(const char *path, int *grabs, unsigned *ngrabs, char *busy,
                              size_t busysize)
{
	struct hm_hid_evdev_nodes nodes;
	int r = hm_hid_evdev_nodes(path, &nodes);

	if (r < 0) {
		log_warning_errno(r, "%s: cannot find its evdev nodes: %m, ignoring", path);
		return;
	}
	for (size_t i = 0; i < nodes.n && *ngrabs < MAX_GRABS; i++) {
		const char *dev = nodes.node[i];
		int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0) {
			log_warning_errno(errno, "%s: cannot open %s to hide it: %m, ignoring",
			                  path, dev);
			continue;
		}
		if (ioctl(fd, EVIOCGRAB, (void *)1) < 0) {
			if (errno == EBUSY)
				grab_busy(path, dev, busy, busysize);
			else
				log_warning_errno(errno, "%s: cannot grab %s: %m, ignoring", path,
				                  dev);
			close(fd);
			continue;
		}
		log_debug("%s: grabbed %s", path, dev);
		grabs[(*ngrabs)++] = fd;
	}
}

/* On the work pool too: releasing an evdev node closes the HID device. */
static void ungrab_fds(int *grabs, unsigned *ngrabs)
{
	for (unsigned i = 0; i < *ngrabs; i++) {
		(void)ioctl(grabs[i], EVIOCGRAB, (void *)0);
		safe_close(grabs[i]);
	}
	*ngrabs = 0;
}

/* The module's goodbye (remove) while the device is still open: a Steam pad
 * gets its own mouse and keyboard back.  Its requests are queued now and
 * sent by the request worker before the node is closed, on the work pool
 * (closing_run()), LET_GO_WAIT_US at most: the loop never waits for them. */
#define LET_GO_WAIT_US (300 * 1000)
static void let_go(struct driven *dr)
{
	hm_device_let_go(dr->dev);
}

/* ---- closing, off the loop ------------------------------------------------- */

static void closing_run(struct hm_work *w)
{
	struct closing *c = (struct closing *)w;

	/* what the module said at its goodbye (let_go()) goes out first */
	if (c->reader)
		hm_rq_wait_sent(hm_hid_reader_requests(c->reader), LET_GO_WAIT_US);
	hm_hid_reader_close_wait(c->reader);
	c->reader = NULL;
	ungrab_fds(c->grabs, &c->ngrabs);
	safe_close(c->claim_fd); /* the one-hidmapd-per-device lock, last */
	c->claim_fd = -1;
}

static void closing_done(struct hm_work *w)
{
	struct closing *c = (struct closing *)w;
	struct daemon *d = c->daemon;

	for (struct closing **p = &d->closing; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	log_debug("%s: closed", c->path);
	free(c);
}

/*
 * Lets go of a hidraw reader and grabbed evdev nodes: the requests'
 * callbacks run now (-ECANCELED), the closing itself on the work pool,
 * since hidraw's release may wait seconds on another device (hid-reader.h).
 * The fds are never polled again.  Without a pool (it could not be made)
 * they are closed here.
 */
static void close_off_loop(struct daemon *d, const char *path, const struct hm_device_info *info,
                           struct hm_hid_reader *reader, int *grabs, unsigned *ngrabs,
                           int *claim_fd)
{
	struct closing *c;

	if (!reader && !*ngrabs && *claim_fd < 0)
		return;
	hm_hid_reader_cancel(reader);
	c = d->pool ? zalloc(sizeof(*c)) : NULL;
	if (!c) {
		if (reader)
			hm_rq_wait_sent(hm_hid_reader_requests(reader), LET_GO_WAIT_US);
		hm_hid_reader_close_wait(reader);
		ungrab_fds(grabs, ngrabs);
		safe_close(*claim_fd);
		*claim_fd = -1;
		return;
	}
	c->daemon = d;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (info)
		c->info = *info;
	c->reader = reader;
	memcpy(c->grabs, grabs, *ngrabs * sizeof(*grabs));
	c->ngrabs = *ngrabs;
	*ngrabs = 0;
	c->claim_fd = *claim_fd;
	*claim_fd = -1;
	c->work.run = closing_run;
	c->work.done = closing_done;
	c->next = d->closing;
	d->closing = c;
	hm_work_submit(d->pool, &c->work);
}

void daemon_driven_free(struct driven *dr)
{
	if (!dr)
		return;
	if (dr->reader && dr->dev)
		let_go(dr);
	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		hm_source_remove(dr->feedback[i]);
	hm_source_remove(dr->hid_source);
	hm_source_remove(dr->rq_source);
	/* close the reader first: outstanding requests are cancelled while
	 * the device and its timers are whole (their callbacks run now); the
	 * node itself is closed off the loop, with the grabs */
	close_off_loop(dr->daemon, dr->path, dr->dev ? &dr->dev->info : NULL, dr->reader, dr->grabs,
	               &dr->ngrabs, &dr->claim_fd);
	dr->reader = NULL;
	hm_timer_free(dr->remap_timer);
	hm_timer_free(dr->grace_timer);
	hm_timer_free(dr->rq_timer);
	daemon_spnav_detach(dr);
	/* releases every held key on the outputs before destroying them */
	hm_device_free(dr->dev);
	hm_config_free(dr->mapping_config);
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
	detach_reader(dr); /* and the grabs */
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
	close_off_loop(dr->daemon, dr->path, dr->dev ? &dr->dev->info : NULL, dr->reader, dr->grabs,
	               &dr->ngrabs, &dr->claim_fd);
	dr->reader = NULL;
	dr->grab_busy[0] = '\0';
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

/* Starts reading into dr (new, or kept from before a replug) with the
 * reader and grabs o opened off the loop (taken from o). */
static int attach_reader(struct daemon *d, struct driven *dr, struct opening *o, size_t max_report)
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
	dr->reader = steal(&o->reader);
	memcpy(dr->grabs, o->grabs, o->ngrabs * sizeof(o->grabs[0]));
	dr->ngrabs = o->ngrabs;
	o->ngrabs = 0;
	dr->claim_fd = o->claim_fd;
	o->claim_fd = -1;
	memcpy(dr->grab_busy, o->grab_busy, sizeof(dr->grab_busy));
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
	snprintf(dr->path, sizeof(dr->path), "%s", o->path);
	return 0;
}

/* The device came back within the grace period: same virtual devices. */
static int reattach(struct daemon *d, struct driven *dr, struct opening *o, size_t max_report)
{
	const struct hm_device_info *info = &o->info;
	char secs[32];
	int r;

	r = attach_reader(d, dr, o, max_report);
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
	log_info("%s: %s (%04x:%04x) came back after %s, same virtual devices", info->path,
	         log_escape(info->name), info->vendor, info->product, secs);
	daemon_notify_status(d);
	return 1;
}

/* The rest of driving a device, once it is open (o). */
static int drive_opened(struct daemon *d, struct opening *o)
{
	struct hm_module_chain chain;
	const struct hm_config_device *cfg = NULL;
	struct hm_transport transport = {
	    .submit = daemon_driven_submit,
	};
	struct hm_device_setup setup = {.sink = d->sink, .transport = &transport};
	struct hm_device_settings settings;
	const struct hm_device_info *info = &o->info;
	size_t max_report;
	struct driven *dr;
	int r;

	/* the configuration may have changed while it opened: ask again */
	if (is_driven(d, info->path) || !hm_module_select(d->config, info, &chain, &cfg))
		return 0;
	max_report = max_input_report(o->desc);

	if (daemon_spnav_yield(d, info, &chain, cfg))
		return 0;
	dr = find_kept(d, info, o->rdesc, o->rdesc_size);
	if (dr) {
		if (hm_module_chain_equal(hm_device_module_chain(dr->dev), &chain) &&
		    dr->cfg == cfg)
			return reattach(d, dr, o, max_report);
		daemon_drop(d, dr, "came back under another configuration, starting afresh");
	}

	dr = zalloc(sizeof(*dr));
	if (!dr)
		return -ENOMEM;
	dr->daemon = d;
	dr->claim_fd = -1;
	dr->cfg = cfg;
	dr->desc = steal(&o->desc);
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

	/* The kernel's own nodes were hidden (off the loop, with the open)
	 * before the virtual devices appear: an application that opens those
	 * and gets a key press must not see it from the kernel's node too.
	 * Reports that come meanwhile wait in the hidraw buffer for the loop. */
	r = attach_reader(d, dr, o, max_report);
	if (r < 0) {
		daemon_driven_free(dr);
		return log_warning_errno(r, "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
		                         info->path);
	}
	transport.userdata = dr;

	setup.chain = &chain;
	setup.profile = daemon_focus_initial(d, dr, cfg);
	setup.unmapped = cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
	hm_device_settings_from_config(cfg, &settings);
	setup.settings = &settings;
	setup.arm_timer = arm_remap_timer;
	setup.outputs_changed = outputs_changed;
	setup.userdata = dr;
	setup.absent_grace_us = d->config->replug_grace_us; /* a receiver's pad */
	r = hm_device_new(info, o->rdesc, o->rdesc_size, &setup, &dr->dev);
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
	log_info("%s: %s (%04x:%04x) driven by module %s%s%s", info->path, log_escape(info->name),
	         info->vendor, info->product, dr->dev->module->name, cfg ? ", config " : "",
	         cfg ? log_escape(cfg->id) : "");
	daemon_notify_status(d);
	return 1;
}

/* ---- opening, off the loop ------------------------------------------------- */

static bool is_opening(struct daemon *d, const char *path)
{
	for (struct opening *o = d->opening; o; o = o->next)
		if (!o->work.cancelled && streq(o->path, path))
			return true;
	return false;
}

/* On the work pool: sysfs and the descriptor (the probe), or the hidraw
 * node and the kernel's evdev nodes (the open). */
static void opening_run(struct hm_work *w)
{
	struct opening *o = (struct opening *)w;

	if (o->stage_open) {
		/* one hidmapd per device: the claim before the open (it opens
		 * the node too, so it is off the loop as well) */
		o->claim_fd = claim_node(o->path);
		if (o->claim_fd == -EBUSY) {
			o->err = -EBUSY; /* said */
			o->claim_fd = -1;
			return;
		}
		if (o->claim_fd < 0)
			o->claim_fd = -1; /* not claimed: the open below says why */
		o->err = hm_hid_reader_open(o->path, o->request_size, &o->reader);
		if (o->err >= 0 && o->grab)
			grab_kernel_nodes(o->path, o->grabs, &o->ngrabs, o->grab_busy,
			                  sizeof(o->grab_busy));
		return;
	}
	if (!o->have_info) {
		o->err = hm_hid_info_from_path(o->path, &o->info);
		if (o->err < 0)
			return;
	}
	o->err = hm_hid_read_descriptor(o->path, o->rdesc, sizeof(o->rdesc), &o->rdesc_size);
	if (o->err < 0)
		return;
	/* one that does not parse still goes to the module, which says why */
	(void)hid_descriptor_parse(o->rdesc, o->rdesc_size, &o->desc, NULL);
}

static void opening_free(struct daemon *d, struct opening *o)
{
	for (struct opening **p = &d->opening; *p; p = &(*p)->next) {
		if (*p == o) {
			*p = o->next;
			break;
		}
	}
	close_off_loop(d, o->path, &o->info, o->reader, o->grabs, &o->ngrabs, &o->claim_fd);
	hid_descriptor_free(o->desc);
	free(o);
}

static void opening_done(struct hm_work *w)
{
	struct opening *o = (struct opening *)w;
	struct daemon *d = o->daemon;
	struct hm_module_chain chain;
	const struct hm_config_device *cfg = NULL;

	if (o->work.cancelled || d->session_released) {
		opening_free(d, o);
		daemon_notify_status(d);
		return;
	}
	if (o->stage_open) {
		if (o->err == -EBUSY)
			; /* another hidmapd drives it: said by claim_node() */
		else if (o->err < 0)
			log_warning_errno(o->err,
			                  "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
			                  o->path);
		else
			(void)drive_opened(d, o);
		opening_free(d, o); /* closes what drive_opened() did not take */
		return;
	}
	if (o->err < 0) {
		if (!o->have_info)
			log_warning_errno(o->err, "%s: not a hidraw device: %m, ignoring", o->path);
		else
			log_warning_errno(
			    o->err, "%s: cannot read the report descriptor: %m, ignoring", o->path);
		opening_free(d, o);
		return;
	}
	/* with the top-level usage, as the device core and a reload see the
	 * device: id predicates on the usage now decide */
	hm_device_info_set_usage(&o->info, o->rdesc, o->rdesc_size);
	if (is_driven(d, o->path) || !hm_module_select(d->config, &o->info, &chain, &cfg)) {
		opening_free(d, o);
		return;
	}
	o->grab = !cfg || cfg->grab;
	o->request_size = max_any_report(o->desc);
	o->stage_open = true;
	hm_work_submit(d->pool, &o->work);
}

static int start_opening(struct daemon *d, const char *path, const struct hm_device_info *info)
{
	struct opening *o = zalloc(sizeof(*o));

	if (!o)
		return log_error_errno(ENOMEM, "%s: out of memory", path);
	o->daemon = d;
	o->claim_fd = -1;
	snprintf(o->path, sizeof(o->path), "%s", path);
	if (info) {
		o->info = *info;
		o->have_info = true;
	}
	o->work.run = opening_run;
	o->work.done = opening_done;
	o->next = d->opening;
	d->opening = o;
	hm_work_submit(d->pool, &o->work);
	return 0;
}

int daemon_drive(struct daemon *d, const struct hm_device_info *info)
{
	struct hm_module_chain chain;
	const struct hm_config_device *cfg = NULL;

	if (is_driven(d, info->path) || is_opening(d, info->path) ||
	    !hm_module_select(d->config, info, &chain, &cfg))
		return 0;
	return start_opening(d, info->path, info);
}

int daemon_drive_path(struct daemon *d, const char *path)
{
	if (is_driven(d, path) || is_opening(d, path))
		return 0;
	return start_opening(d, path, NULL);
}

/* The node went away (or the session) while it was being opened: what the
 * jobs opened is closed when they are done. */
void daemon_cancel_opening(struct daemon *d, const char *path)
{
	for (struct opening *o = d->opening; o; o = o->next)
		if (!path || streq(o->path, path))
			o->work.cancelled = true;
}

/* One finished job per turn of the loop: taking a device that was opened
 * makes its virtual devices on the loop (uinput: 3-56 ms per device
 * under the VM's emulated CPU, by the host's load), so with several done at once the other
 * devices' reports are served between them, not after all of them. */
static void pool_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;

	hm_work_pool_dispatch_max(d->pool, 1);
}

static void config_pool_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;

	hm_work_pool_dispatch(d->config_pool);
}

int daemon_setup_pool(struct daemon *d)
{
	int r = hm_work_pool_new(HM_WORK_MAX_THREADS, 0, &d->pool);

	if (r < 0)
		return r;
	d->pool_source =
	    hm_loop_add_fd(d->loop, hm_work_pool_fd(d->pool), EPOLLIN, false, pool_dispatch, d);
	if (!d->pool_source)
		return -errno;
	r = hm_work_pool_new(1, 19, &d->config_pool);
	if (r < 0)
		return r;
	d->config_pool_source = hm_loop_add_fd(d->loop, hm_work_pool_fd(d->config_pool), EPOLLIN,
	                                       false, config_pool_dispatch, d);
	return d->config_pool_source ? 0 : -errno;
}
