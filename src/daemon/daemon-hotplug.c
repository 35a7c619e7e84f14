/* SPDX-License-Identifier: MIT */
/*
 * Which hidraw devices the daemon drives: the scan at start-up (or of the
 * nodes given on the command line), and udev's add and remove events.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "daemon-private.h"
#include "util-strings.h"

void daemon_scan(struct daemon *d)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	size_t n = 0;

	if (d->session_released)
		return; /* another user has the seat */
	if (d->opts->ndevices) {
		/* sysfs is read on the work pool, with the descriptor */
		for (size_t i = 0; i < d->opts->ndevices; i++)
			(void)daemon_drive_path(d, d->opts->devices[i]);
		return;
	}
	if (hm_hid_enumerate(&entries, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		(void)daemon_drive(d, &entries[i].info);
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
