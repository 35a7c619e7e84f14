/* SPDX-License-Identifier: MIT */
/*
 * uhid helpers shared by the programs that run inside the test VM; see
 * uhid-util.h.  Kernel uevents are read straight from netlink (udevd does
 * not run in the VM), and devtmpfs provides the device nodes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "uhid-util.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

uint64_t vm_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int vm_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

struct udev_monitor *vm_hid_monitor_new(struct udev *udev)
{
	struct udev_monitor *mon = udev_monitor_new_from_netlink(udev, "kernel");
	int r;

	if (!mon)
		return NULL;
	r = udev_monitor_filter_add_match_subsystem_devtype(mon, "hid", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(mon);
	if (r < 0) {
		udev_monitor_unref(mon);
		errno = -r;
		return NULL;
	}
	return mon;
}

int vm_uhid_send(int fd, const struct uhid_event *ev)
{
	ssize_t n = write(fd, ev, sizeof(*ev));

	if (n < 0)
		return -errno;
	if ((size_t)n != sizeof(*ev))
		return -EIO;
	return 0;
}

int vm_uhid_create(int fd, const struct hm_recording *rec, const char *default_phys)
{
	struct uhid_event ev = {.type = UHID_CREATE2};
	struct uhid_create2_req *c = &ev.u.create2;

	if (rec->rdesc_size > sizeof(c->rd_data))
		return log_error_errno(E2BIG, "%s: report descriptor of %zu bytes, uhid takes %zu",
		                       rec->path, rec->rdesc_size, sizeof(c->rd_data));
	snprintf((char *)c->name, sizeof(c->name), "%s", rec->name ? rec->name : "");
	snprintf((char *)c->phys, sizeof(c->phys), "%s", rec->phys ? rec->phys : default_phys);
	c->rd_size = (uint16_t)rec->rdesc_size;
	c->bus = rec->bus;
	c->vendor = rec->vendor;
	c->product = rec->product;
	c->version = 0;
	c->country = 0;
	memcpy(c->rd_data, rec->rdesc, rec->rdesc_size);
	return vm_uhid_send(fd, &ev);
}

int vm_uhid_input(int fd, const uint8_t *data, size_t size)
{
	struct uhid_event ev = {.type = UHID_INPUT2};

	if (size > sizeof(ev.u.input2.data))
		return -E2BIG;
	ev.u.input2.size = (uint16_t)size;
	memcpy(ev.u.input2.data, data, size);
	return vm_uhid_send(fd, &ev);
}

int vm_uhid_destroy(int fd)
{
	struct uhid_event ev = {.type = UHID_DESTROY};

	return vm_uhid_send(fd, &ev);
}

int vm_uhid_service(int fd, struct vm_uhid_stats *st, bool verbose, vm_uhid_output_fn on_output,
                    void *userdata)
{
	for (;;) {
		struct uhid_event ev = {0}, reply = {0};
		ssize_t n = read(fd, &ev, sizeof(ev));
		int r;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return log_error_errno(errno, "uhid read: %m");
		}
		if (n == 0)
			return 0;

		switch (ev.type) {
		case UHID_GET_REPORT:
			st->get_reports++;
			if (verbose)
				log_info("uhid: GET_REPORT id %u type %u, answering EIO",
				         ev.u.get_report.rnum, ev.u.get_report.rtype);
			reply.type = UHID_GET_REPORT_REPLY;
			reply.u.get_report_reply.id = ev.u.get_report.id;
			reply.u.get_report_reply.err = EIO;
			r = vm_uhid_send(fd, &reply);
			if (r < 0)
				return log_error_errno(r, "uhid GET_REPORT_REPLY: %m");
			break;
		case UHID_SET_REPORT:
			st->set_reports++;
			if (verbose)
				log_info(
				    "uhid: SET_REPORT id %u type %u size %u, answering success",
				    ev.u.set_report.rnum, ev.u.set_report.rtype,
				    ev.u.set_report.size);
			reply.type = UHID_SET_REPORT_REPLY;
			reply.u.set_report_reply.id = ev.u.set_report.id;
			reply.u.set_report_reply.err = 0;
			r = vm_uhid_send(fd, &reply);
			if (r < 0)
				return log_error_errno(r, "uhid SET_REPORT_REPLY: %m");
			break;
		case UHID_OUTPUT:
			st->outputs++;
			if (verbose)
				log_info("uhid: OUTPUT type %u size %u", ev.u.output.rtype,
				         ev.u.output.size);
			if (on_output)
				on_output(userdata, &ev.u.output);
			break;
		default:
			if (verbose)
				log_info("uhid: event %u", ev.type);
			break;
		}
	}
}

void vm_hid_name_prefix(const struct hm_recording *rec, char *buf, size_t size)
{
	snprintf(buf, size, "%04X:%04X:%04X.", rec->bus, rec->vendor, rec->product);
}

bool vm_kmsg_probe_failed(int kmsg, const char *devname, bool verbose)
{
	char needle[96], rec[2048];
	bool failed = false;

	if (kmsg < 0)
		return false;
	snprintf(needle, sizeof(needle), "probe of %s failed", devname);
	for (;;) {
		ssize_t n = read(kmsg, rec, sizeof(rec) - 1);
		const char *msg;

		if (n < 0) {
			if (errno == EPIPE) /* overwritten records: go on with the next */
				continue;
			break; /* EAGAIN */
		}
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (*devname && strstr(msg, devname)) {
			if (verbose)
				log_info("kernel: %s", strstrip((char *)msg));
			if (strstr(msg, needle))
				failed = true;
		}
	}
	return failed;
}

int vm_uhid_wait_bound(struct udev_monitor *mon, int kmsg, int uhid, const struct hm_recording *rec,
                       unsigned timeout_ms, struct vm_uhid_stats *st, bool verbose,
                       vm_uhid_output_fn on_output, void *userdata, char **ret_syspath)
{
	uint64_t start = vm_now_us(), deadline = start + (uint64_t)timeout_ms * 1000u;
	char prefix[32], devname[64] = "";
	bool added = false;

	vm_hid_name_prefix(rec, prefix, sizeof(prefix));
	for (;;) {
		struct pollfd p[3] = {
		    {.fd = uhid, .events = POLLIN},
		    {.fd = udev_monitor_get_fd(mon), .events = POLLIN},
		    {.fd = kmsg, .events = POLLIN},
		};
		uint64_t t = vm_now_us();
		int r;

		if (t >= deadline)
			return added ? -ETIMEDOUT
			             : log_error_errno(ETIMEDOUT,
			                               "the kernel created no HID device in %u ms",
			                               timeout_ms);
		r = poll(p, kmsg >= 0 ? 3 : 2, (int)((deadline - t + 999) / 1000));
		if (r < 0 && errno != EINTR)
			return log_error_errno(errno, "poll: %m");
		r = vm_uhid_service(uhid, st, verbose, on_output, userdata);
		if (r < 0)
			return r;
		for (;;) {
			struct udev_device *d = udev_monitor_receive_device(mon);
			const char *action, *sysname, *syspath;

			if (!d)
				break;
			action = udev_device_get_action(d);
			sysname = udev_device_get_sysname(d);
			syspath = udev_device_get_syspath(d);
			if (verbose)
				log_info("uevent: %s %s", action, syspath);
			if (!sysname || !startswith(sysname, prefix) || !syspath ||
			    !strstr(syspath, "/uhid/")) {
				udev_device_unref(d);
				continue;
			}
			if (streq_ptr(action, "add")) {
				added = true;
				snprintf(devname, sizeof(devname), "%s", sysname);
			}
			if (streq_ptr(action, "bind")) {
				char *s = strdup(syspath);

				udev_device_unref(d);
				if (!s)
					return -ENOMEM;
				*ret_syspath = s;
				return 0;
			}
			udev_device_unref(d);
		}
		/* the uevent comes first, the probe's log line after it */
		if (vm_kmsg_probe_failed(kmsg, devname, verbose) && added)
			return -ENODEV;
	}
}

static int cmp_node(const void *a, const void *b)
{
	const struct vm_evnode *x = a, *y = b;

	return x->input < y->input ? -1 : x->input > y->input;
}

static int parse_suffix(const char *name, const char *prefix, unsigned *ret)
{
	const char *s = startswith(name, prefix);
	uint32_t v;

	if (!s || !*s || safe_atou32_base(s, 10, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

int vm_find_event_nodes(const char *syspath, struct vm_evnode *nodes, size_t max, size_t *ret_n)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/input", syspath);
	dir = opendir(path);
	if (!dir) {
		if (errno == ENOENT) { /* bound, but hid-input made no device */
			*ret_n = 0;
			return 0;
		}
		return log_error_errno(errno, "%s: %m", path);
	}
	while ((de = readdir(dir))) {
		struct dirent *de2;
		unsigned input, event;
		bool found = false;
		DIR *d2;
		int fd2;

		if (parse_suffix(de->d_name, "input", &input) < 0)
			continue;
		if (n == max) {
			closedir(dir);
			return log_error_errno(E2BIG, "%s: more than %zu input devices", path, max);
		}
		fd2 = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d2 = fd2 >= 0 ? fdopendir(fd2) : NULL;
		if (!d2) {
			int r = -errno;

			safe_close(fd2);
			closedir(dir);
			return log_error_errno(r, "%s/%s: %m", path, de->d_name);
		}
		while ((de2 = readdir(d2))) {
			if (parse_suffix(de2->d_name, "event", &event) == 0) {
				found = true;
				break;
			}
		}
		closedir(d2);
		if (!found) {
			closedir(dir);
			return log_error_errno(ENOENT,
			                       "%s/%s has no event node (evdev not loaded?)", path,
			                       de->d_name);
		}
		nodes[n] = (struct vm_evnode){.input = input, .fd = -1};
		snprintf(nodes[n].devnode, sizeof(nodes[n].devnode), "/dev/input/event%u", event);
		n++;
	}
	closedir(dir);
	qsort(nodes, n, sizeof(*nodes), cmp_node);
	*ret_n = n;
	return 0;
}

void vm_evnodes_close(struct vm_evnode *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		libevdev_free(nodes[i].evdev);
		nodes[i].evdev = NULL;
		nodes[i].fd = safe_close(nodes[i].fd);
	}
}
