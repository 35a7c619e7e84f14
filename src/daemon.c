/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <hidapi/hidapi.h>
#include <libudev.h>
#include <linux/input.h>

#include "build-config.h"
#include "config.h"
#include "daemon.h"
#include "device.h"
#include "event-loop.h"
#include "hid-devices.h"
#include "hid-reader.h"
#include "util-log.h"
#include "util-strings.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#define MAX_GRABS          16
#define DEFAULT_MAX_REPORT 4096u
#define MAX_REPORT         16384u

struct daemon;

struct driven {
	struct daemon *daemon;
	struct driven *next;
	char path[64];
	const struct hm_config_device *cfg; /* in daemon->config; NULL: module default */
	struct hm_hid_reader *reader;
	struct hm_device *dev;
	struct hm_source *ring_source;
	struct hm_source *feedback[HM_MAX_ALL_OUTPUTS];
	unsigned feedback_output[HM_MAX_ALL_OUTPUTS];
	struct hm_timer *remap_timer; /* the mapping's timed work (tap-hold, macros, motion) */
	int grabs[MAX_GRABS];
	unsigned ngrabs;
};

struct daemon {
	const struct hm_daemon_options *opts;
	struct hm_loop *loop;
	struct hm_sink *sink;
	struct hm_config *config;
	struct driven *driven;
	struct udev *udev;
	struct udev_monitor *monitor;
	int inotify_fd;
	struct hm_timer *reload_timer; /* debounces config file changes */
};

static void notify(const char *fmt, ...) _printf_(1, 2);
static void notify(const char *fmt, ...)
{
#if HAVE_LIBSYSTEMD
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)sd_notify(0, buf);
#else
	(void)fmt;
#endif
}

static void notify_status(struct daemon *d)
{
	unsigned n = 0;

	for (struct driven *dr = d->driven; dr; dr = dr->next)
		n++;
	notify("STATUS=driving %u device%s", n, n == 1 ? "" : "s");
}

/* Hides the kernel's own evdev nodes of the HID device (EVIOCGRAB), so the
 * user does not get every input twice.  Best effort: a node we may not open
 * is reported once and left alone. */
static void grab_kernel_nodes(struct driven *dr)
{
	char syspath_glob[PATH_MAX];
	const char *node = strrchr(dr->path, '/');
	glob_t g;

	node = node ? node + 1 : dr->path;
	snprintf(syspath_glob, sizeof(syspath_glob),
	         "/sys/class/hidraw/%s/device/input/input*/event*", node);
	if (glob(syspath_glob, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc && dr->ngrabs < MAX_GRABS; i++) {
		char dev[64];
		const char *ev = strrchr(g.gl_pathv[i], '/') + 1;
		int fd;

		snprintf(dev, sizeof(dev), "/dev/input/%s", ev);
		fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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
	globfree(&g);
}

static void ungrab_kernel_nodes(struct driven *dr)
{
	for (unsigned i = 0; i < dr->ngrabs; i++) {
		(void)ioctl(dr->grabs[i], EVIOCGRAB, (void *)0);
		safe_close(dr->grabs[i]);
	}
	dr->ngrabs = 0;
}

static void driven_free(struct driven *dr)
{
	if (!dr)
		return;
	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		hm_source_remove(dr->feedback[i]);
	hm_source_remove(dr->ring_source);
	hm_timer_free(dr->remap_timer);
	/* stop the reader first: nothing may race with the teardown */
	hm_hid_reader_close(dr->reader);
	/* releases every held key on the outputs before destroying them */
	hm_device_free(dr->dev);
	ungrab_kernel_nodes(dr);
	free(dr);
}

static void daemon_drop(struct daemon *d, struct driven *dr, const char *why)
{
	for (struct driven **p = &d->driven; *p; p = &(*p)->next) {
		if (*p == dr) {
			*p = dr->next;
			break;
		}
	}
	log_info("%s: %s", dr->path, why);
	driven_free(dr);
	notify_status(d);
}

static void ring_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct driven *dr = data;
	struct hm_ring *ring = hm_hid_reader_ring(dr->reader);
	const struct hm_ring_slot *slot;

	hm_ring_ack(ring);
	while ((slot = hm_ring_peek(ring))) {
		int r = hm_device_process_report(dr->dev, slot->data, slot->size, slot->time_us);

		if (r < 0)
			log_debug_errno(r, "%s: report of %u bytes not decoded: %m", dr->path,
			                slot->size);
		hm_ring_pop(ring);
	}
	if (hm_hid_reader_dead(dr->reader))
		daemon_drop(dr->daemon, dr, "device gone");
}

static void feedback_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct driven *dr = data;
	struct input_event ev[16];
	unsigned output = HM_MAX_ALL_OUTPUTS;
	ssize_t n;

	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		if (dr->feedback[i] == s)
			output = dr->feedback_output[i];
	if (output == HM_MAX_ALL_OUTPUTS)
		return;

	while ((n = read(hm_source_get_fd(s), ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			if (ev[i].type != EV_LED && ev[i].type != EV_FF)
				continue;
			(void)hm_device_handle_feedback(dr->dev, output, ev[i].type, ev[i].code,
			                                ev[i].value);
		}
	}
	if (events & (EPOLLHUP | EPOLLERR)) {
		/* a uinput fd does not hang up by itself: stop watching, keep the device */
		for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
			if (dr->feedback[i] == s)
				dr->feedback[i] = NULL;
		hm_source_remove(s);
	}
}

static bool is_driven(struct daemon *d, const char *path)
{
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		if (streq(dr->path, path))
			return true;
	return false;
}

/* Which module and config section a device gets, and whether it is driven at all. */
static bool select_device(const struct hm_config *config, const struct hm_device_info *info,
                          const struct hm_module **ret_module,
                          const struct hm_config_device **ret_cfg)
{
	const struct hm_module *m = hm_module_match(info);
	const struct hm_config_device *cfg = hm_config_match(config, info, m ? m->name : NULL);

	if (cfg && !cfg->enabled)
		return false;
	if (cfg && cfg->module) {
		const struct hm_module *forced = hm_module_find(cfg->module);

		if (forced)
			m = forced;
	}
	/* never take over a device nobody asked for: the generic module only
	 * drives what the config selects */
	if (!m && !cfg)
		return false;
	*ret_module = m ? m : &hm_module_generic;
	*ret_cfg = cfg;
	return true;
}

static size_t max_input_report(const uint8_t *rdesc, size_t size)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	size_t max = 0;

	if (hid_descriptor_parse(rdesc, size, &desc, NULL) < 0)
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
 * feedback; called again whenever a mapping recreated outputs. */
static void watch_feedback(struct driven *dr)
{
	struct daemon *d = dr->daemon;

	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++) {
		hm_source_remove(dr->feedback[i]);
		dr->feedback[i] = NULL;
	}
	for (unsigned i = 0; i < hm_device_noutputs(dr->dev) && i < HM_MAX_ALL_OUTPUTS; i++) {
		void *h = hm_device_output_handle(dr->dev, i);
		int fd = h ? d->sink->ops->get_fd(d->sink, h) : -1;

		if (fd < 0)
			continue;
		dr->feedback_output[i] = i;
		dr->feedback[i] =
		    hm_loop_add_fd(d->loop, fd, EPOLLIN, false, feedback_dispatch, dr);
	}
}

static void remap_timer_fired(struct hm_timer *t, void *data)
{
	struct driven *dr = data;

	hm_device_timer(dr->dev, hm_now_usec());
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

static int drive(struct daemon *d, const struct hm_device_info *info)
{
	const struct hm_module *module;
	const struct hm_config_device *cfg = NULL;
	struct hm_transport transport = {
	    .write = hm_hid_reader_write,
	    .send_feature = hm_hid_reader_send_feature,
	    .get_feature = hm_hid_reader_get_feature,
	};
	struct hm_device_setup setup = {.sink = d->sink, .transport = &transport};
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size = 0;
	struct driven *dr;
	int r;

	if (is_driven(d, info->path) || !select_device(d->config, info, &module, &cfg))
		return 0;

	r = hm_hid_read_descriptor(info->path, rdesc, sizeof(rdesc), &rdesc_size);
	if (r < 0)
		return log_warning_errno(r, "%s: cannot read the report descriptor: %m, ignoring",
		                         info->path);

	dr = zalloc(sizeof(*dr));
	if (!dr)
		return -ENOMEM;
	dr->daemon = d;
	dr->cfg = cfg;
	snprintf(dr->path, sizeof(dr->path), "%s", info->path);
	dr->remap_timer = hm_timer_new(d->loop, remap_timer_fired, dr);
	if (!dr->remap_timer) {
		r = -errno;
		free(dr);
		return log_error_errno(r, "%s: cannot create a timer: %m", info->path);
	}

	r = hm_hid_reader_open(info->path, max_input_report(rdesc, rdesc_size), &dr->reader);
	if (r < 0) {
		hm_timer_free(dr->remap_timer);
		free(dr);
		return log_warning_errno(r, "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
		                         info->path);
	}
	transport.userdata = dr->reader;

	setup.module = module;
	setup.profile = cfg ? hm_config_profile_for(d->config, cfg) : NULL;
	setup.unmapped = cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
	setup.arm_timer = arm_remap_timer;
	setup.outputs_changed = outputs_changed;
	setup.userdata = dr;
	r = hm_device_new(info, rdesc, rdesc_size, &setup, &dr->dev);
	if (r < 0) {
		driven_free(dr);
		return log_warning_errno(r, "%s: module %s cannot drive it: %m, ignoring",
		                         info->path, module->name);
	}

	dr->ring_source = hm_loop_add_fd(d->loop, hm_ring_get_fd(hm_hid_reader_ring(dr->reader)),
	                                 EPOLLIN, false, ring_dispatch, dr);
	if (!dr->ring_source) {
		r = -errno;
		driven_free(dr);
		return log_error_errno(r, "%s: cannot watch the device: %m", info->path);
	}
	watch_feedback(dr);
	if (!cfg || cfg->grab)
		grab_kernel_nodes(dr);

	dr->next = d->driven;
	d->driven = dr;
	log_info("%s: %s (%04x:%04x) driven by module %s%s%s", info->path, info->name, info->vendor,
	         info->product, module->name, cfg ? ", config " : "", cfg ? cfg->id : "");
	notify_status(d);
	return 1;
}

static void scan(struct daemon *d)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	size_t n = 0;

	if (d->opts->ndevices) {
		for (size_t i = 0; i < d->opts->ndevices; i++) {
			struct hm_device_info info;
			int r = hm_hid_info_from_path(d->opts->devices[i], &info);

			if (r < 0) {
				log_warning_errno(r, "%s: not a hidraw device: %m, ignoring",
				                  d->opts->devices[i]);
				continue;
			}
			(void)drive(d, &info);
		}
		return;
	}
	if (hm_hid_enumerate(&entries, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		(void)drive(d, &entries[i].info);
}

static void config_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	if (line)
		log_error("%s:%u: %s", file, line, message);
	else
		log_error("%s: %s", file, message);
}

static int load_config(struct daemon *d, struct hm_config **ret)
{
	const char *const *paths = d->opts->config_paths;
	size_t n = d->opts->nconfig_paths;

	if (!paths)
		paths = hm_config_default_paths(&n);
	return hm_config_load(paths, n, config_diag, NULL, ret);
}

static void watch_config_dirs(struct daemon *d);

/* SIGHUP: the new config is validated whole before anything changes. */
static void reload(struct daemon *d)
{
	struct hm_config *config = NULL;
	struct driven *dr, *next;
	int r;

	notify("RELOADING=1");
	r = load_config(d, &config);
	if (r < 0) {
		log_error("configuration not reloaded, the previous one stays in effect");
		notify("READY=1");
		return;
	}

	/* Devices whose selection changed are let go (releasing what they
	 * hold) and taken again under the new config; the rest switch mapping
	 * in place, releasing held keys first. */
	for (dr = d->driven; dr; dr = next) {
		const struct hm_device_info *info = &dr->dev->info;
		const struct hm_module *m_new;
		const struct hm_config_device *c_new = NULL;
		bool grab_old = !dr->cfg || dr->cfg->grab;

		next = dr->next;
		if (!select_device(config, info, &m_new, &c_new) || m_new != dr->dev->module ||
		    grab_old != (!c_new || c_new->grab)) {
			daemon_drop(d, dr, "configuration changed, letting go");
			continue;
		}
		r = hm_device_set_profile(dr->dev,
		                          c_new ? hm_config_profile_for(config, c_new) : NULL,
		                          c_new ? c_new->unmapped : HM_UNMAPPED_PASS);
		if (r < 0) {
			daemon_drop(d, dr, "cannot apply the new mapping, letting go");
			continue;
		}
		dr->cfg = c_new;
	}
	hm_config_free(d->config);
	d->config = config;
	log_info("configuration reloaded");
	watch_config_dirs(d); /* a directory may have appeared */
	scan(d);
	notify("READY=1");
	notify_status(d);
}

/* ---- reloading when a config file changes --------------------------------- */

static bool endswith_ini(const char *name)
{
	size_t l = strlen(name);

	return l > 4 && streq(name + l - 4, ".ini");
}

/*
 * Watches every config directory (or, for one that does not exist yet, its
 * parent, for the directory to appear).  Adding a watch twice is harmless:
 * inotify gives back the same descriptor.
 */
static void watch_config_dirs(struct daemon *d)
{
	const char *const *paths = d->opts->config_paths;
	size_t n = d->opts->nconfig_paths;

	if (d->inotify_fd < 0)
		return;
	if (!paths)
		paths = hm_config_default_paths(&n);
	for (size_t i = 0; i < n; i++) {
		char dir[PATH_MAX];
		struct stat st;
		char *slash;

		snprintf(dir, sizeof(dir), "%s", paths[i]);
		if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
			/* a --config file: its directory */
			slash = strrchr(dir, '/');
			if (slash && slash != dir)
				*slash = '\0';
			else
				snprintf(dir, sizeof(dir), ".");
		} else if (stat(dir, &st) < 0) {
			slash = strrchr(dir, '/');
			if (!slash || slash == dir)
				continue;
			*slash = '\0';
		}
		if (inotify_add_watch(d->inotify_fd, dir,
		                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
		                          IN_CREATE | IN_ONLYDIR) < 0)
			log_debug_errno(errno, "cannot watch %s: %m", dir);
	}
}

static void inotify_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool relevant = false;
	ssize_t n;

	while ((n = read(hm_source_get_fd(s), buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			/* *.ini in a config directory, or a config directory appearing */
			if (ev->len && (endswith_ini(ev->name) || streq(ev->name, "hidmapd")))
				relevant = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	/* editors write a file in several steps: reload once they are done */
	if (relevant)
		(void)hm_timer_arm(d->reload_timer, 200000);
}

static void reload(struct daemon *d);

static void reload_timer_fired(struct hm_timer *t, void *data)
{
	struct daemon *d = data;

	log_info("a configuration file changed, reloading");
	reload(d);
}

static void setup_config_watch(struct daemon *d)
{
	d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->inotify_fd < 0) {
		log_warning_errno(errno, "cannot watch the configuration: %m; reload with SIGHUP");
		return;
	}
	d->reload_timer = hm_timer_new(d->loop, reload_timer_fired, d);
	if (!d->reload_timer ||
	    !hm_loop_add_fd(d->loop, d->inotify_fd, EPOLLIN, true, inotify_dispatch, d)) {
		log_warning_errno(errno, "cannot watch the configuration: %m; reload with SIGHUP");
		safe_close(d->inotify_fd);
		d->inotify_fd = -1;
		return;
	}
	watch_config_dirs(d);
}

static bool wanted_node(const struct daemon *d, const char *node)
{
	if (!d->opts->ndevices)
		return true;
	for (size_t i = 0; i < d->opts->ndevices; i++)
		if (streq(d->opts->devices[i], node))
			return true;
	return false;
}

/* A hidraw node appeared or went away.  Removal is also seen by the
 * reader thread (its read fails); whichever comes first lets the device
 * go, once. */
static void monitor_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);
		const char *node = udev_device_get_devnode(dev);

		if (action && node && wanted_node(d, node)) {
			if (streq(action, "add")) {
				struct hm_device_info info;

				if (hm_hid_info_from_path(node, &info) == 0)
					(void)drive(d, &info);
			} else if (streq(action, "remove")) {
				for (struct driven *dr = d->driven; dr; dr = dr->next) {
					if (streq(dr->path, node)) {
						daemon_drop(d, dr, "device removed");
						break;
					}
				}
			}
		}
		udev_device_unref(dev);
	}
}

/*
 * hidapi 0.13 has no hotplug API: watch the hidraw subsystem with libudev.
 * Events come from udevd once its rules have run (so the uaccess ACL is
 * in place); without udevd (early boot, containers, the test VM) straight
 * from the kernel.
 */
static int setup_hotplug(struct daemon *d)
{
	const char *source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	int fd;

	d->udev = udev_new();
	if (!d->udev)
		return -ENOMEM;
	d->monitor = udev_monitor_new_from_netlink(d->udev, source);
	if (!d->monitor)
		return -errno ?: -ENOMEM;
	if (udev_monitor_filter_add_match_subsystem_devtype(d->monitor, "hidraw", NULL) < 0 ||
	    udev_monitor_enable_receiving(d->monitor) < 0)
		return -EIO;
	fd = udev_monitor_get_fd(d->monitor);
	/* libudev's socket is SOCK_NONBLOCK|SOCK_CLOEXEC already */
	if (!hm_loop_add_fd(d->loop, fd, EPOLLIN, false, monitor_dispatch, d))
		return -errno;
	log_debug("watching hidraw devices (%s events)", source);
	return 0;
}

static void on_signal(int signo, void *data)
{
	struct daemon *d = data;

	switch (signo) {
	case SIGHUP:
		reload(d);
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

int hm_daemon_run(const struct hm_daemon_options *opts)
{
	struct daemon d = {.opts = opts, .inotify_fd = -1};
	sigset_t mask;
	int r;

	if (hid_init() != 0)
		return log_error_errno(EIO, "hidapi initialisation failed");
	r = hm_hid_reader_setup_signals();
	if (r < 0)
		return log_error_errno(r, "cannot set up signals: %m");

	r = load_config(&d, &d.config);
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
	r = setup_hotplug(&d);
	if (r < 0)
		log_warning_errno(
		    r, "cannot watch for new devices: %m; only devices present now are driven");

	setup_config_watch(&d);
	scan(&d);
	notify("READY=1");
	notify_status(&d);
	log_info("running");

	r = hm_loop_run(d.loop);

	notify("STOPPING=1");
out:
	/* release every held key and destroy the virtual devices */
	while (d.driven) {
		struct driven *dr = d.driven;

		d.driven = dr->next;
		driven_free(dr);
	}
	if (d.sink)
		hm_sink_uinput_free(d.sink);
	hm_timer_free(d.reload_timer);
	hm_loop_free(d.loop); /* closes the inotify fd */
	udev_monitor_unref(d.monitor);
	udev_unref(d.udev);
	hm_config_free(d.config);
	hid_exit();
	return r;
}
