/* SPDX-License-Identifier: MIT */
/*
 * kernel-dump: what the real kernel makes of a hid-recorder file.
 *
 * Run inside the test VM (tests/vm/run-vm.sh), where uhid and evdev exist.
 * For each recording it creates a uhid device with the recorded name, ids
 * and report descriptor, waits until a HID driver (hid-generic; the VM loads
 * hid with ignore_special_drivers=1) has bound, opens and grabs every
 * event node of the device, prints them in the `hidmapd replay` format
 * (src/sink.h), then feeds each recorded report through UHID_INPUT2 and
 * prints the evdev events it produced under "R: <n>".
 *
 * uhid delivers an input report synchronously through hid-input into the
 * evdev client buffers, so after write() returns the frames are there to be
 * read without waiting.  Key auto-repeat (EV_KEY value 2) is dropped, and
 * so is a frame left empty by that: a timer makes those, not the report.
 *
 * The devices are grabbed so that the console keyboard handler never sees
 * the keys (no VT switches, Caps Lock LED changes or Ctrl+Alt+Del).
 *
 * Feature requests the kernel sends while a device is set up are answered
 * like a plain device would: SET_REPORT succeeds, GET_REPORT fails with EIO.
 * hid-input sets the Resolution Multiplier with SET_REPORT at connect, and
 * the kernel waits up to 5 s for each unanswered request.
 *
 *   kernel-dump [--outdir DIR] [--bind-timeout MS] [--verbose] FILE.hid...
 *
 * Without --outdir the dump goes to stdout (meant for one file: the dumps
 * of several follow each other without a separator).  With it, FILE's dump is written
 * to DIR/<name of FILE's folder>/<FILE without .hid>.out, the layout of
 * tests/data/kernel/ for the corpus' <class>/<file>.hid.  Each file also
 * gets one summary line on stderr.  Exit status: 0 when every file was
 * dumped (a device that no driver binds is a valid answer: no D: lines),
 * 1 otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>
#include <libudev.h>
#include <linux/input.h>
#include <linux/uhid.h>

#include "hid-recording.h"
#include "sink.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

#define MAX_INPUTS 64
#define MAX_FRAME  4096

struct options {
	const char *outdir;
	unsigned bind_timeout_ms;
	bool verbose;
};

struct stats {
	unsigned get_reports, set_reports, outputs, dropped;
	unsigned ndevices;
	size_t nevents;
	uint64_t bind_us;
	bool bound, probe_failed;
};

struct node {
	unsigned input; /* inputN */
	char devnode[64];
	int fd;
	struct libevdev *evdev;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int uhid_send(int fd, const struct uhid_event *ev)
{
	ssize_t n = write(fd, ev, sizeof(*ev));

	if (n < 0)
		return -errno;
	if ((size_t)n != sizeof(*ev))
		return -EIO;
	return 0;
}

/* Reads and answers everything uhid has queued.  Never blocks. */
static int uhid_service(int fd, struct stats *st, bool verbose)
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
			r = uhid_send(fd, &reply);
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
			r = uhid_send(fd, &reply);
			if (r < 0)
				return log_error_errno(r, "uhid SET_REPORT_REPLY: %m");
			break;
		case UHID_OUTPUT:
			st->outputs++;
			if (verbose)
				log_info("uhid: OUTPUT type %u size %u", ev.u.output.rtype,
				         ev.u.output.size);
			break;
		default:
			if (verbose)
				log_info("uhid: event %u", ev.type);
			break;
		}
	}
}

/* "0003:056A:0065." — the start of the kernel's name for our HID device */
static void hid_name_prefix(const struct hm_recording *rec, char *buf, size_t size)
{
	snprintf(buf, size, "%04X:%04X:%04X.", rec->bus, rec->vendor, rec->product);
}

/* Reads the kernel log records queued on kmsg; true if one says that the
 * probe of HID device devname failed. */
static bool kmsg_probe_failed(int kmsg, const char *devname, bool verbose)
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

/*
 * Waits for the kernel's "bind" uevent of our HID device, answering uhid
 * requests meanwhile (probe blocks on them).  Returns 0 and the device's
 * syspath; -ENODEV when the kernel log says that the probe failed, or
 * -ETIMEDOUT when the device appeared but no driver bound in time (both
 * mean: the kernel makes no input devices); another negative errno on
 * errors.
 */
static int wait_bound(struct udev_monitor *mon, int kmsg, int uhid, const struct hm_recording *rec,
                      unsigned timeout_ms, struct stats *st, bool verbose, char **ret_syspath)
{
	uint64_t start = now_us(), deadline = start + (uint64_t)timeout_ms * 1000u;
	char prefix[32], devname[64] = "";
	bool added = false;

	hid_name_prefix(rec, prefix, sizeof(prefix));
	for (;;) {
		struct pollfd p[3] = {
		    {.fd = uhid, .events = POLLIN},
		    {.fd = udev_monitor_get_fd(mon), .events = POLLIN},
		    {.fd = kmsg, .events = POLLIN},
		};
		uint64_t t = now_us();
		int r;

		if (t >= deadline)
			return added ? -ETIMEDOUT
			             : log_error_errno(ETIMEDOUT,
			                               "the kernel created no HID device in %u ms",
			                               timeout_ms);
		r = poll(p, kmsg >= 0 ? 3 : 2, (int)((deadline - t + 999) / 1000));
		if (r < 0 && errno != EINTR)
			return log_error_errno(errno, "poll: %m");
		r = uhid_service(uhid, st, verbose);
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
				st->bound = true;
				st->bind_us = now_us() - start;
				*ret_syspath = s;
				return 0;
			}
			udev_device_unref(d);
		}
		/* the uevent comes first, the probe's log line after it */
		if (kmsg_probe_failed(kmsg, devname, verbose) && added)
			return -ENODEV;
	}
}

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

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

/* The event nodes of the HID device at syspath, in input creation order. */
static int find_nodes(const char *syspath, struct node *nodes, size_t max, size_t *ret_n)
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
		nodes[n] = (struct node){.input = input, .fd = -1};
		snprintf(nodes[n].devnode, sizeof(nodes[n].devnode), "/dev/input/event%u", event);
		n++;
	}
	closedir(dir);
	qsort(nodes, n, sizeof(*nodes), cmp_node);
	*ret_n = n;
	return 0;
}

static int open_node(struct node *node)
{
	int r;

	node->fd = open(node->devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (node->fd < 0)
		return log_error_errno(errno, "%s: %m", node->devnode);
	if (ioctl(node->fd, EVIOCGRAB, (void *)1) < 0)
		return log_error_errno(errno, "%s: EVIOCGRAB: %m", node->devnode);
	r = libevdev_new_from_fd(node->fd, &node->evdev);
	if (r < 0)
		return log_error_errno(r, "%s: libevdev: %m", node->devnode);
	return 0;
}

static void close_nodes(struct node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		libevdev_free(nodes[i].evdev);
		nodes[i].evdev = NULL;
		nodes[i].fd = safe_close(nodes[i].fd);
	}
}

/* Prints the complete frames queued on one event node. */
static int drain_node(FILE *out, unsigned dev, struct node *node, struct stats *st)
{
	static struct input_event frame[MAX_FRAME];
	size_t nframe = 0;

	for (;;) {
		struct input_event buf[64];
		ssize_t len = read(node->fd, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EINTR)
				continue;
			return log_error_errno(errno, "%s: read: %m", node->devnode);
		}
		for (size_t i = 0; i < (size_t)len / sizeof(buf[0]); i++) {
			const struct input_event *e = &buf[i];

			if (e->type == EV_KEY && e->value == 2)
				continue; /* auto-repeat */
			if (e->type == EV_SYN && e->code == SYN_REPORT) {
				if (nframe == 0)
					continue;
				for (size_t j = 0; j < nframe; j++)
					hm_print_event(out, dev, frame[j].type, frame[j].code,
					               frame[j].value);
				hm_print_event(out, dev, e->type, e->code, e->value);
				st->nevents += nframe + 1;
				nframe = 0;
				continue;
			}
			if (e->type == EV_SYN && e->code == SYN_DROPPED) {
				st->dropped++;
				log_warning("%s: SYN_DROPPED: the evdev buffer overflowed",
				            node->devnode);
			}
			if (nframe == MAX_FRAME)
				return log_error_errno(E2BIG, "%s: frame of more than %d events",
				                       node->devnode, MAX_FRAME);
			frame[nframe++] = *e;
		}
	}
	if (nframe > 0) {
		/* frames reach evdev whole; this would be a kernel surprise */
		log_warning("%s: %zu events without SYN_REPORT", node->devnode, nframe);
		for (size_t j = 0; j < nframe; j++)
			hm_print_event(out, dev, frame[j].type, frame[j].code, frame[j].value);
		st->nevents += nframe;
	}
	return 0;
}

static int create_device(int uhid, const struct hm_recording *rec)
{
	struct uhid_event ev = {.type = UHID_CREATE2};
	struct uhid_create2_req *c = &ev.u.create2;

	if (rec->rdesc_size > sizeof(c->rd_data))
		return log_error_errno(E2BIG, "%s: report descriptor of %zu bytes, uhid takes %zu",
		                       rec->path, rec->rdesc_size, sizeof(c->rd_data));
	snprintf((char *)c->name, sizeof(c->name), "%s", rec->name ? rec->name : "");
	snprintf((char *)c->phys, sizeof(c->phys), "%s", rec->phys ? rec->phys : "kernel-dump");
	c->rd_size = (uint16_t)rec->rdesc_size;
	c->bus = rec->bus;
	c->vendor = rec->vendor;
	c->product = rec->product;
	c->version = 0;
	c->country = 0;
	memcpy(c->rd_data, rec->rdesc, rec->rdesc_size);
	return uhid_send(uhid, &ev);
}

static int dump_recording(struct udev_monitor *mon, int kmsg, const struct hm_recording *rec,
                          const struct options *opt, FILE *out, struct stats *st)
{
	_cleanup_close_ int uhid = -1;
	_cleanup_free_ char *syspath = NULL;
	struct node nodes[MAX_INPUTS];
	size_t nnodes = 0;
	int r;

	uhid = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (uhid < 0)
		return log_error_errno(errno, "/dev/uhid: %m");
	r = create_device(uhid, rec);
	if (r < 0)
		return log_error_errno(r, "%s: UHID_CREATE2: %m", rec->path);

	r = wait_bound(mon, kmsg, uhid, rec, opt->bind_timeout_ms, st, opt->verbose, &syspath);
	if (r == -ETIMEDOUT)
		log_warning("%s: no driver bound within %u ms: no devices", rec->path,
		            opt->bind_timeout_ms);
	else if (r == -ENODEV) {
		st->probe_failed = true;
		log_warning("%s: the driver's probe failed (see dmesg): no devices", rec->path);
	} else if (r < 0)
		return r;

	if (syspath) {
		r = find_nodes(syspath, nodes, MAX_INPUTS, &nnodes);
		if (r < 0)
			return r;
		for (size_t i = 0; i < nnodes; i++) {
			r = open_node(&nodes[i]);
			if (r < 0) {
				close_nodes(nodes, nnodes);
				return r;
			}
		}
	}
	st->ndevices = (unsigned)nnodes;
	for (size_t i = 0; i < nnodes; i++)
		hm_print_device(out, (unsigned)i, nodes[i].evdev);

	for (size_t n = 0; n < rec->nevents; n++) {
		const struct hm_recording_event *e = &rec->events[n];
		struct uhid_event ev = {.type = UHID_INPUT2};

		fprintf(out, "R: %zu\n", n);
		if (e->size > sizeof(ev.u.input2.data)) {
			log_warning("%s:%u: report of %zu bytes, uhid takes %zu, skipped",
			            rec->path, e->line, e->size, sizeof(ev.u.input2.data));
			continue;
		}
		ev.u.input2.size = (uint16_t)e->size;
		memcpy(ev.u.input2.data, e->data, e->size);
		r = uhid_send(uhid, &ev);
		if (r < 0) {
			close_nodes(nodes, nnodes);
			return log_error_errno(r, "%s:%u: UHID_INPUT2: %m", rec->path, e->line);
		}
		r = uhid_service(uhid, st, opt->verbose);
		for (size_t i = 0; r >= 0 && i < nnodes; i++)
			r = drain_node(out, (unsigned)i, &nodes[i], st);
		if (r < 0) {
			close_nodes(nodes, nnodes);
			return r;
		}
	}

	close_nodes(nodes, nnodes);
	{
		struct uhid_event ev = {.type = UHID_DESTROY};

		r = uhid_send(uhid, &ev);
		if (r < 0)
			return log_error_errno(r, "%s: UHID_DESTROY: %m", rec->path);
	}
	return 0;
}

/* DIR/<folder of path>/<basename without .hid>.out */
static int output_path(const char *outdir, const char *path, char **ret)
{
	const char *base = strrchr(path, '/'), *cls = "";
	int clslen = 0, baselen;
	char *s;

	if (base) {
		const char *p = base;

		while (p > path && p[-1] != '/')
			p--;
		cls = p;
		clslen = (int)(base - p);
		base++;
	} else {
		base = path;
	}
	if (clslen == 0 || (clslen == 1 && cls[0] == '.')) /* "x.hid", "./x.hid" */
		cls = ".", clslen = 1;
	baselen = (int)strlen(base);
	if (baselen > 4 && streq(base + baselen - 4, ".hid"))
		baselen -= 4;
	if (asprintf(&s, "%s/%.*s/%.*s.out", outdir, clslen, cls, baselen, base) < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* mkdir -p of the folder that will hold path */
static int mkdir_parent(const char *path)
{
	_cleanup_free_ char *d = strdup(path);
	char *slash;

	if (!d)
		return -ENOMEM;
	slash = strrchr(d, '/');
	if (!slash || slash == d)
		return 0;
	*slash = '\0';
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(d, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int process_file(struct udev_monitor *mon, int kmsg, const char *path,
                        const struct options *opt)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_free_ char *outpath = NULL, *tmppath = NULL;
	struct stats st = {0};
	uint64_t t0 = now_us();
	const char *verdict;
	FILE *out = stdout;
	int r;

	r = hm_recording_load(path, &rec);
	if (r < 0)
		return r;

	if (opt->outdir) {
		r = output_path(opt->outdir, path, &outpath);
		if (r < 0 || asprintf(&tmppath, "%s.tmp", outpath) < 0)
			return log_error_errno(ENOMEM, "out of memory");
		r = mkdir_parent(outpath);
		if (r < 0)
			return log_error_errno(r, "cannot create the folder of %s: %m", outpath);
		out = fopen(tmppath, "we");
		if (!out)
			return log_error_errno(errno, "%s: %m", tmppath);
	}

	r = dump_recording(mon, kmsg, rec, opt, out, &st);

	if (out != stdout) {
		if (fclose(out) != 0 && r >= 0)
			r = log_error_errno(errno, "%s: %m", tmppath);
		if (r >= 0 && rename(tmppath, outpath) < 0)
			r = log_error_errno(errno, "%s: %m", outpath);
		if (r < 0)
			unlink(tmppath);
	} else {
		fflush(stdout);
	}
	if (r < 0)
		return r;

	verdict = st.bound ? "bound" : st.probe_failed ? "PROBE FAILED" : "NOT BOUND";
	fprintf(stderr,
	        "kernel-dump: %s: %s, %u device(s), %zu report(s), %zu event(s), "
	        "GET_REPORT %u, SET_REPORT %u, OUTPUT %u, SYN_DROPPED %u, %.0f ms\n",
	        path, verdict, st.ndevices, rec->nevents, st.nevents, st.get_reports,
	        st.set_reports, st.outputs, st.dropped, (double)(now_us() - t0) / 1000.0);
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: kernel-dump [--outdir DIR] [--bind-timeout MS] [--verbose] FILE.hid...\n"
	      "Replays hid-recorder files through uhid and prints what the kernel's\n"
	      "evdev devices report, in the `hidmapd replay` format.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"outdir", required_argument, NULL, 'o'},
	    {"bind-timeout", required_argument, NULL, 't'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	struct options opt = {.bind_timeout_ms = 5000};
	struct udev_monitor *mon = NULL;
	struct udev *udev = NULL;
	_cleanup_close_ int kmsg = -1;
	unsigned failed = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:t:vh", longopts, NULL)) != -1) {
		uint32_t v;

		switch (c) {
		case 'o':
			opt.outdir = optarg;
			break;
		case 't':
			if (safe_atou32_base(optarg, 10, &v) < 0 || v == 0 || v > 600000) {
				log_error("--bind-timeout: expected milliseconds, 1..600000");
				return 2;
			}
			opt.bind_timeout_ms = v;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (access("/dev/uhid", W_OK) < 0) {
		log_error_errno(errno, "/dev/uhid: %m (run inside tests/vm/run-vm.sh)");
		return 77;
	}

	/* The kernel log tells a failed probe at once; without it, the bind
	 * timeout does.  Only records from now on are of interest. */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	else
		log_warning_errno(errno,
		                  "/dev/kmsg: %m, ignoring: a failed probe costs the bind timeout");

	/* Kernel uevents straight from netlink: udevd does not run in the VM. */
	udev = udev_new();
	if (!udev)
		return log_error("udev_new failed"), 1;
	mon = udev_monitor_new_from_netlink(udev, "kernel");
	if (!mon) {
		log_error("cannot listen to kernel uevents");
		udev_unref(udev);
		return 1;
	}
	r = udev_monitor_filter_add_match_subsystem_devtype(mon, "hid", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(mon);
	if (r < 0) {
		log_error_errno(r, "cannot listen to kernel uevents: %m");
		udev_monitor_unref(mon);
		udev_unref(udev);
		return 1;
	}

	for (int i = optind; i < argc; i++) {
		r = process_file(mon, kmsg, argv[i], &opt);
		if (r < 0) {
			log_error_errno(r, "%s: FAILED", argv[i]);
			failed++;
		}
	}

	udev_monitor_unref(mon);
	udev_unref(udev);
	if (failed)
		log_error("%u of %d file(s) failed", failed, argc - optind);
	return failed ? 1 : 0;
}
