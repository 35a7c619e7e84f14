/* SPDX-License-Identifier: MIT */
/*
 * Which hidraw devices the daemon drives: the scan at start-up and after a
 * reload (or of the nodes given on the command line), and udev's add and
 * remove events.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "daemon-private.h"
#include "util-mem.h"
#include "util-strings.h"

/*
 * The scan lists the hidraw class in sysfs and reads each device's uevent
 * and report descriptor (hm_hid_enumerate_sysfs(), what hotplug's probe
 * reads of one device), so scan and hotplug see a device alike.  Not
 * hidapi's hid_enumerate(): it shares hidapi 0.13's global error with
 * hid_open_path(), so the two run one at a time (hm_hid_open_path()), and
 * the scan would wait behind an open stuck in the kernel for 5 s.
 *
 * After a reload, a session's return or spacenavd's coming and going, the
 * scan runs on the work pool and its list is taken on the loop: a walk of
 * every device's sysfs files grows with the devices, and the loop only
 * compares the list with what it drives.  One runs at a time; asked for
 * meanwhile, one more follows (it may have listed the class before a
 * change).  At start-up it runs before READY=1, on the caller's thread:
 * nothing else is served yet, and `status` right after READY=1 lists every
 * device present as driven or opening.
 */
struct scan_job {
	struct hm_work work;
	struct daemon *daemon;
	struct hm_hid_entry *entries;
	size_t n;
	int r;
};

static void scan_run(struct hm_work *w)
{
	struct scan_job *job = (struct scan_job *)w;

	job->r = hm_hid_enumerate_sysfs(&job->entries, &job->n);
}

/* On the loop: the devices of the list not yet driven are probed and
 * opened on the work pool (daemon_drive()). */
static void scan_take(struct daemon *d, struct scan_job *job)
{
	if (job->r < 0)
		log_warning_errno(job->r, "cannot list the hidraw devices: %m, ignoring");
	else if (!d->session_released)
		for (size_t i = 0; i < job->n; i++)
			(void)daemon_drive(d, &job->entries[i].info);
}

static void scan_done(struct hm_work *w)
{
	struct scan_job *job = (struct scan_job *)w;
	struct daemon *d = job->daemon;

	d->scanning = false;
	if (!d->stopping)
		scan_take(d, job);
	free(job->entries);
	free(job);
	if (d->scan_again && !d->stopping) {
		d->scan_again = false;
		daemon_scan(d);
	}
}

static void scan(struct daemon *d, bool on_loop)
{
	struct scan_job *job;

	if (d->session_released)
		return; /* another user has the seat */
	if (d->opts->ndevices) {
		/* sysfs is read on the work pool, with the descriptor */
		for (size_t i = 0; i < d->opts->ndevices; i++)
			(void)daemon_drive_path(d, d->opts->devices[i]);
		return;
	}
	if (d->scanning) {
		d->scan_again = true;
		return;
	}
	job = zalloc(sizeof(*job));
	if (!job) {
		log_error("cannot look for devices: out of memory");
		return;
	}
	job->daemon = d;
	if (!on_loop) {
		scan_run(&job->work);
		scan_take(d, job);
		free(job->entries);
		free(job);
		return;
	}
	job->work.run = scan_run;
	job->work.done = scan_done;
	d->scanning = true;
	hm_work_submit(d->pool, &job->work);
}

void daemon_scan(struct daemon *d)
{
	scan(d, true);
}

void daemon_scan_start(struct daemon *d)
{
	scan(d, false);
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
 * loop's read (EIO and a hang-up); whichever comes first lets the device
 * go, once. */
static void monitor_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);
		const char *node = udev_device_get_devnode(dev);

		if (action && node && wanted_node(d, node) && !d->session_released) {
			if (streq(action, "add")) {
				(void)daemon_drive_path(d, node);
			} else if (streq(action, "remove")) {
				daemon_cancel_opening(d, node);
				for (struct driven *dr = d->driven; dr; dr = dr->next) {
					if (dr->reader && streq(dr->path, node)) {
						daemon_gone(d, dr, "device removed");
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
int daemon_setup_hotplug(struct daemon *d)
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
