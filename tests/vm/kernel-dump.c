/* SPDX-License-Identifier: MIT */
/*
 * kernel-dump: what the real kernel makes of a hid-recorder file.
 *
 * Run inside the test VM (tests/vm/run-vm.sh), where uhid and evdev exist.
 * For each recording it creates a uhid device with the recorded name, ids
 * and report descriptor, waits until a HID driver (hid-generic; the VM loads
 * hid with ignore_special_drivers=1) has bound, opens and grabs every
 * event node of the device, prints them in the `hidmapd replay` format
 * (src/output/sink.h), then feeds each recorded report through UHID_INPUT2 and
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
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
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
#include "uhid-util.h"
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
	struct vm_uhid_stats uhid; /* GET_REPORT, SET_REPORT, OUTPUT */
	unsigned dropped;
	unsigned ndevices;
	size_t nevents;
	uint64_t bind_us;
	bool bound, probe_failed;
};

static int open_node(struct vm_evnode *node)
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

/* Prints the complete frames queued on one event node. */
static int drain_node(FILE *out, unsigned dev, struct vm_evnode *node, struct stats *st)
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

static int dump_recording(struct udev_monitor *mon, int kmsg, const struct hm_recording *rec,
                          const struct options *opt, FILE *out, struct stats *st)
{
	_cleanup_close_ int uhid = -1;
	_cleanup_free_ char *syspath = NULL;
	struct vm_evnode nodes[MAX_INPUTS];
	size_t nnodes = 0;
	uint64_t t0;
	int r;

	uhid = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (uhid < 0)
		return log_error_errno(errno, "/dev/uhid: %m");
	r = vm_uhid_create(uhid, rec, "kernel-dump");
	if (r < 0)
		return log_error_errno(r, "%s: UHID_CREATE2: %m", rec->path);

	t0 = vm_now_us();
	r = vm_uhid_wait_bound(mon, kmsg, uhid, rec, opt->bind_timeout_ms, &st->uhid, opt->verbose,
	                       NULL, NULL, &syspath);
	if (r == 0) {
		st->bound = true;
		st->bind_us = vm_now_us() - t0;
	} else if (r == -ETIMEDOUT)
		log_warning("%s: no driver bound within %u ms: no devices", rec->path,
		            opt->bind_timeout_ms);
	else if (r == -ENODEV) {
		st->probe_failed = true;
		log_warning("%s: the driver's probe failed (see dmesg): no devices", rec->path);
	} else if (r < 0)
		return r;

	if (syspath) {
		r = vm_find_event_nodes(syspath, nodes, MAX_INPUTS, &nnodes);
		if (r < 0)
			return r;
		for (size_t i = 0; i < nnodes; i++) {
			r = open_node(&nodes[i]);
			if (r < 0) {
				vm_evnodes_close(nodes, nnodes);
				return r;
			}
		}
	}
	st->ndevices = (unsigned)nnodes;
	for (size_t i = 0; i < nnodes; i++)
		hm_print_device(out, (unsigned)i, nodes[i].evdev);

	for (size_t n = 0; n < rec->nevents; n++) {
		const struct hm_recording_event *e = &rec->events[n];

		fprintf(out, "R: %zu\n", n);
		r = vm_uhid_input(uhid, e->data, e->size);
		if (r == -E2BIG) {
			log_warning("%s:%u: report of %zu bytes, uhid takes %zu, skipped",
			            rec->path, e->line, e->size, (size_t)UHID_DATA_MAX);
			continue;
		}
		if (r < 0) {
			vm_evnodes_close(nodes, nnodes);
			return log_error_errno(r, "%s:%u: UHID_INPUT2: %m", rec->path, e->line);
		}
		r = vm_uhid_service(uhid, &st->uhid, opt->verbose, NULL, NULL);
		for (size_t i = 0; r >= 0 && i < nnodes; i++)
			r = drain_node(out, (unsigned)i, &nodes[i], st);
		if (r < 0) {
			vm_evnodes_close(nodes, nnodes);
			return r;
		}
	}

	vm_evnodes_close(nodes, nnodes);
	r = vm_uhid_destroy(uhid);
	if (r < 0)
		return log_error_errno(r, "%s: UHID_DESTROY: %m", rec->path);
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
	uint64_t t0 = vm_now_us();
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
	        path, verdict, st.ndevices, rec->nevents, st.nevents, st.uhid.get_reports,
	        st.uhid.set_reports, st.uhid.outputs, st.dropped,
	        (double)(vm_now_us() - t0) / 1000.0);
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
	kmsg = vm_kmsg_open();
	if (kmsg < 0)
		log_warning_errno(errno,
		                  "/dev/kmsg: %m, ignoring: a failed probe costs the bind timeout");

	/* Kernel uevents straight from netlink: udevd does not run in the VM. */
	udev = udev_new();
	if (!udev)
		return log_error("udev_new failed"), 1;
	mon = vm_hid_monitor_new(udev);
	if (!mon) {
		log_error_errno(errno, "cannot listen to kernel uevents: %m");
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
