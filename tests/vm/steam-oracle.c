/* SPDX-License-Identifier: MIT */
/*
 * steam-oracle: what the kernel's hid-steam (6.1: the Steam Controller,
 * wired and wireless; 6.12: the Steam Deck too) makes of a scripted
 * recording (tests/data/steam), in the `hidmapd replay` format, and which
 * commands (feature reports) it sends to the pad.  Runs inside the test VM
 * (run-vm.sh loads hid-steam, bound to nothing: hid keeps
 * ignore_special_drivers=1, so this program writes 0 to it while it
 * creates the device and puts the old value back).
 *
 *   steam-oracle [--outdir DIR] [--hold MS] [--rumble] MODEL.hid...
 *
 * MODEL.features beside each recording answers GET_REPORT (the serial);
 * every SET_REPORT is answered with success and kept.  For each recording:
 *   - the uhid device (its ids, descriptor and name), answered by a thread
 *     of its own: hid-steam binds it and makes a second, virtual HID device
 *     with the same ids that carries the hidraw node (the "client");
 *   - a wireless receiver (28de:1142) has no event node until its slot
 *     says "connected": report 0 is written first and the node waited for;
 *   - every event node of the real device is opened (hid-steam turns
 *     lizard mode off then) and printed as D:/C: lines, then each report
 *     is written (UHID_INPUT2) and what it produced printed under "R: <n>";
 *     with --hold MS the program waits MS ms after report 0 (the Deck's
 *     gamepad mode wants the Options button held 0.45 s in 6.12);
 *     a report that disconnects a receiver slot waits for the node to go;
 *   - with --rumble, a rumble effect is played and stopped on the node
 *     with EV_FF (the Deck), so its commands show;
 *   - the nodes are closed (6.1 turns lizard mode on again then).
 * Output: DIR/MODEL.txt (nodes and events) and DIR/MODEL.cmds: each
 * command the kernel sent, "S: <hex>" (SET_REPORT, the report ID byte 0
 * and trailing zeros left out) or "G: <rnum>" (GET_REPORT), under "# probe",
 * "# open", "# reports", "# rumble ..." and "# close" headings.
 * Exit status 0, 1 on any failure, 77 without /dev/uhid.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>

#include "replay-features.h"
#include "sink.h"
#include "util-log.h"
#include "util-strings.h"
#include "vm-harness.h"

#define IGNORE_PARAM "/sys/module/hid/parameters/ignore_special_drivers"
#define MAX_NODES    4
#define MAX_CMDS     256
#define CMD_TEXT     200

struct oracle {
	int fd;
	struct hm_recording *rec;
	struct hm_feature_replies *features;
	pthread_t thread;
	bool thread_started;
	volatile bool stop;
	pthread_mutex_t lock;
	char cmds[MAX_CMDS][CMD_TEXT]; /* under lock */
	unsigned ncmds;
	char syspath[PATH_MAX];
};

static void add_cmd(struct oracle *o, const char *text)
{
	pthread_mutex_lock(&o->lock);
	if (o->ncmds < MAX_CMDS)
		snprintf(o->cmds[o->ncmds++], CMD_TEXT, "%s", text);
	pthread_mutex_unlock(&o->lock);
}

static int uhid_write(int fd, const struct uhid_event *ev)
{
	ssize_t r = write(fd, ev, sizeof(*ev));

	if (r < 0)
		return -errno;
	return r == (ssize_t)sizeof(*ev) ? 0 : -EIO;
}

static void handle(struct oracle *o, const struct uhid_event *ev)
{
	struct uhid_event r = {0};
	char text[CMD_TEXT];

	switch (ev->type) {
	case UHID_GET_REPORT: {
		size_t n = 0;
		const uint8_t *reply =
		    hm_feature_replies_find(o->features, ev->u.get_report.rnum, &n);

		r.type = UHID_GET_REPORT_REPLY;
		r.u.get_report_reply.id = ev->u.get_report.id;
		if (reply && n <= UHID_DATA_MAX) {
			memcpy(r.u.get_report_reply.data, reply, n);
			r.u.get_report_reply.size = (uint16_t)n;
		} else {
			r.u.get_report_reply.err = EIO;
		}
		snprintf(text, sizeof(text), "G: %02x", ev->u.get_report.rnum);
		add_cmd(o, text);
		(void)uhid_write(o->fd, &r);
		break;
	}
	case UHID_SET_REPORT: {
		size_t n = ev->u.set_report.size, len = 0;

		/* byte 0 is the report ID (0); trailing zeros are padding */
		while (n > 1 && ev->u.set_report.data[n - 1] == 0)
			n--;
		len += (size_t)snprintf(text, sizeof(text), "S:");
		for (size_t i = 1; i < n && len + 4 < sizeof(text); i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, " %02x",
			                        ev->u.set_report.data[i]);
		add_cmd(o, text);
		r.type = UHID_SET_REPORT_REPLY;
		r.u.set_report_reply.id = ev->u.set_report.id;
		(void)uhid_write(o->fd, &r);
		break;
	}
	default:
		break;
	}
}

static void *responder(void *arg)
{
	struct oracle *o = arg;

	while (!o->stop) {
		struct pollfd p = {.fd = o->fd, .events = POLLIN};
		struct uhid_event ev;

		if (poll(&p, 1, 20) <= 0)
			continue;
		if (read(o->fd, &ev, sizeof(ev)) > 0)
			handle(o, &ev);
	}
	return NULL;
}

static void oracle_free(struct oracle *o)
{
	if (!o)
		return;
	if (o->thread_started) {
		o->stop = true;
		pthread_join(o->thread, NULL);
	}
	if (o->fd >= 0) {
		struct uhid_event ev = {.type = UHID_DESTROY};

		(void)uhid_write(o->fd, &ev);
		safe_close(o->fd);
	}
	hm_recording_free(o->rec);
	hm_feature_replies_free(o->features);
	pthread_mutex_destroy(&o->lock);
	free(o);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(struct oracle *, oracle_free);

static int write_param(const char *value)
{
	FILE *f = fopen(IGNORE_PARAM, "we");

	if (!f)
		return log_error_errno(errno, IGNORE_PARAM ": %m");
	fprintf(f, "%s\n", value);
	if (fclose(f) != 0)
		return log_error_errno(errno, IGNORE_PARAM ": %m");
	return 0;
}

static int oracle_new(const char *rec_path, const char *features_path, struct oracle **ret)
{
	_cleanup_(oracle_freep) struct oracle *o = calloc(1, sizeof(*o));
	struct uhid_event ev = {0};
	struct uhid_create2_req *c = &ev.u.create2;
	int r;

	if (!o)
		return log_error_errno(ENOMEM, "out of memory");
	o->fd = -1;
	pthread_mutex_init(&o->lock, NULL);
	if (hm_recording_load(rec_path, &o->rec) < 0)
		return -EINVAL;
	if (access(features_path, R_OK) == 0 &&
	    hm_feature_replies_load(features_path, &o->features) < 0)
		return -EINVAL;
	if (o->rec->rdesc_size > sizeof(c->rd_data))
		return log_error_errno(E2BIG, "%s: descriptor too long for uhid", rec_path);
	o->fd = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (o->fd < 0)
		return log_error_errno(errno, "/dev/uhid: %m");
	ev.type = UHID_CREATE2;
	snprintf((char *)c->name, sizeof(c->name), "%s", o->rec->name ? o->rec->name : "");
	snprintf((char *)c->phys, sizeof(c->phys), "steam-oracle/input0");
	c->bus = o->rec->bus;
	c->vendor = o->rec->vendor;
	c->product = o->rec->product;
	c->version = 0x0100;
	c->rd_size = (uint16_t)o->rec->rdesc_size;
	memcpy(c->rd_data, o->rec->rdesc, o->rec->rdesc_size);
	r = pthread_create(&o->thread, NULL, responder, o);
	if (r != 0)
		return log_error_errno(r, "pthread_create: %m");
	o->thread_started = true;
	r = uhid_write(o->fd, &ev);
	if (r < 0)
		return log_error_errno(r, "%s: UHID_CREATE2: %m", rec_path);
	*ret = steal(&o);
	return 0;
}

/* The real device: hid-steam bound, no hidraw of its own (the client, the
 * next sequence number, has it). */
static int find_real_device(struct oracle *o)
{
	char prefix[32];
	DIR *d = opendir("/sys/bus/hid/devices");
	struct dirent *de;
	int r = -ENOENT;

	if (!d)
		return -errno;
	vm_hid_name_prefix(o->rec, prefix, sizeof(prefix));
	while ((de = readdir(d))) {
		char path[PATH_MAX], link[PATH_MAX];
		ssize_t l;

		if (!startswith(de->d_name, prefix))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/hid/devices/%s/driver", de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (!streq(strrchr(link, '/') + 1, "hid-steam"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/hid/devices/%s/hidraw", de->d_name);
		if (access(path, F_OK) == 0)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/hid/devices/%s", de->d_name);
		if (realpath(path, o->syspath)) {
			r = 0;
			break;
		}
	}
	closedir(d);
	return r;
}

static size_t count_nodes(const char *syspath)
{
	struct vm_evnode nodes[MAX_NODES];
	size_t n = 0;

	if (vm_find_event_nodes(syspath, nodes, MAX_NODES, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (access(nodes[i].devnode, R_OK) < 0)
			return 0;
	return n;
}

/* Until the node count has been non-zero and unchanged for 300 ms. */
static int wait_nodes(struct oracle *o, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u, stable = 0;
	size_t last = 0;

	for (;;) {
		uint64_t now = vm_now_us();
		size_t n;

		if (now > deadline)
			return -ETIMEDOUT;
		usleep(20000);
		n = count_nodes(o->syspath);
		if (n != last || n == 0) {
			last = n;
			stable = now;
			continue;
		}
		if (now - stable >= 300000u)
			return 0;
	}
}

static void print_cmds(struct oracle *o, FILE *f, unsigned *from, const char *heading)
{
	pthread_mutex_lock(&o->lock);
	fprintf(f, "# %s\n", heading);
	for (; *from < o->ncmds; (*from)++)
		fprintf(f, "%s\n", o->cmds[*from]);
	pthread_mutex_unlock(&o->lock);
}

static int ff_write(int fd, uint16_t code, int value)
{
	struct input_event ev = {.type = EV_FF, .code = code, .value = value};

	return write(fd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev) ? 0 : -errno;
}

/* One rumble effect played and stopped: the commands show under headings. */
static int rumble(struct oracle *o, int fd, FILE *cf, unsigned *from)
{
	struct ff_effect e = {.type = FF_RUMBLE, .id = -1};

	e.u.rumble.strong_magnitude = 0x8000;
	e.u.rumble.weak_magnitude = 0x4000;
	e.replay.length = 0;
	if (ioctl(fd, EVIOCSFF, &e) < 0)
		return log_error_errno(errno, "EVIOCSFF: %m");
	vm_sleep_ms(200);
	print_cmds(o, cf, from, "upload rumble 8000 4000");
	if (ff_write(fd, (uint16_t)e.id, 1) < 0)
		return log_error_errno(errno, "play: %m");
	vm_sleep_ms(300);
	print_cmds(o, cf, from, "play");
	if (ff_write(fd, (uint16_t)e.id, 0) < 0)
		return log_error_errno(errno, "stop: %m");
	vm_sleep_ms(300);
	print_cmds(o, cf, from, "stop");
	(void)ioctl(fd, EVIOCRMFF, e.id);
	vm_sleep_ms(100);
	return 0;
}

static bool is_disconnect(const uint8_t *d, size_t n)
{
	return n == 64 && d[0] == 1 && d[1] == 0 && d[2] == 3 && d[4] == 1;
}

static void sibling(const char *path, const char *ext, char *buf, size_t size)
{
	size_t n = strlen(path);

	if (n > 4 && streq(path + n - 4, ".hid"))
		n -= 4;
	snprintf(buf, size, "%.*s%s", (int)n, path, ext);
}

static int dump_one(const char *path, const char *outdir, unsigned hold_ms, bool do_rumble)
{
	_cleanup_(oracle_freep) struct oracle *o = NULL;
	struct vm_evnode nodes[MAX_NODES];
	struct vm_output out[MAX_NODES];
	char features[PATH_MAX], txt[PATH_MAX], cmds[PATH_MAX], base[256], old[16] = "";
	const char *slash = strrchr(path, '/');
	FILE *f = stdout, *cf = stdout;
	size_t n = 0, first = 0;
	unsigned from = 0;
	uint64_t deadline;
	int r, ff = -1;

	sibling(path, ".features", features, sizeof(features));
	sibling(slash ? slash + 1 : path, "", base, sizeof(base));
	vm_read_attr(IGNORE_PARAM, old, sizeof(old));
	if (!*old)
		snprintf(old, sizeof(old), "1");
	r = write_param("0");
	if (r < 0)
		return r;
	r = oracle_new(path, features, &o);
	deadline = vm_now_us() + 10000000u;
	while (r >= 0 && find_real_device(o) < 0) {
		if (vm_now_us() > deadline) {
			r = -ETIMEDOUT;
			break;
		}
		usleep(20000);
	}
	(void)write_param(old);
	if (r < 0)
		return log_error_errno(r, "%s: hid-steam did not bind it: %m", path);
	if (outdir) {
		snprintf(txt, sizeof(txt), "%s/%s.txt", outdir, base);
		snprintf(cmds, sizeof(cmds), "%s/%s.cmds", outdir, base);
		f = fopen(txt, "we");
		cf = fopen(cmds, "we");
		if (!f || !cf) {
			r = log_error_errno(errno, "%s: %m", outdir);
			goto out;
		}
	}
	/* a receiver slot: its node comes with the pad */
	if (o->rec->product == 0x1142 && o->rec->nevents > 0) {
		vm_sleep_ms(300);
		print_cmds(o, cf, &from, "probe");
		r = vm_uhid_input(o->fd, o->rec->events[0].data, o->rec->events[0].size);
		if (r < 0)
			goto out;
		first = 1;
	}
	r = wait_nodes(o, 10000);
	if (r < 0) {
		log_error_errno(r, "%s: no event node: %m", path);
		goto out;
	}
	print_cmds(o, cf, &from, first ? "connect" : "probe");
	r = vm_find_event_nodes(o->syspath, nodes, MAX_NODES, &n);
	if (r < 0)
		goto out;
	memset(out, 0, sizeof(out));
	for (size_t i = 0; i < n; i++) {
		out[i].fd = -1;
		snprintf(out[i].devnode, sizeof(out[i].devnode), "%s", nodes[i].devnode);
		if (vm_output_open(&out[i], O_RDWR | O_NONBLOCK) < 0) {
			r = -EIO;
			goto out_close;
		}
		if (ff < 0 && libevdev_has_event_type(out[i].evdev, EV_FF))
			ff = (int)i;
		hm_print_device(f, (unsigned)i, out[i].evdev);
	}
	vm_sleep_ms(300);
	print_cmds(o, cf, &from, "open");
	for (size_t k = 0; k < first; k++)
		fprintf(f, "R: %zu\n", k);
	for (size_t k = first; k < o->rec->nevents; k++) {
		const struct hm_recording_event *e = &o->rec->events[k];

		fprintf(f, "R: %zu\n", k);
		r = vm_uhid_input(o->fd, e->data, e->size);
		if (r < 0) {
			log_error_errno(r, "%s:%u: UHID_INPUT2: %m", path, e->line);
			goto out_close;
		}
		if (k == 0 && hold_ms)
			vm_sleep_ms(hold_ms);
		if (is_disconnect(e->data, e->size)) {
			/* the node goes from a work item: wait for it */
			uint64_t until = vm_now_us() + 3000000u;

			while (!out[0].gone && vm_now_us() < until) {
				(void)vm_output_drain(&out[0], 0);
				usleep(20000);
			}
		}
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *s = NULL;

			(void)vm_output_drain(&out[i], (unsigned)i);
			s = vm_output_take(&out[i]);
			if (s)
				fputs(s, f);
		}
	}
	vm_sleep_ms(300);
	print_cmds(o, cf, &from, "reports");
	if (do_rumble && ff >= 0 && !out[ff].gone) {
		r = rumble(o, out[ff].fd, cf, &from);
		if (r < 0)
			goto out_close;
	}
	r = 0;
out_close:
	vm_outputs_close(out, n);
	vm_sleep_ms(500);
	print_cmds(o, cf, &from, "close");
	fprintf(stderr, "steam-oracle: %s: %zu node(s), %zu report(s), %u command(s)\n", path, n,
	        o->rec->nevents, from);
out:
	if (f && f != stdout)
		fclose(f);
	if (cf && cf != stdout)
		fclose(cf);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"outdir", required_argument, NULL, 'o'},
	    {"hold", required_argument, NULL, 'H'},
	    {"rumble", no_argument, NULL, 'r'},
	    {},
	};
	const char *outdir = NULL;
	unsigned hold = 0, failed = 0;
	bool do_rumble = false;
	int c;

	while ((c = getopt_long(argc, argv, "o:H:r", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outdir = optarg;
			break;
		case 'H':
			if (safe_atou32_base(optarg, 10, &hold) < 0) {
				fprintf(stderr, "steam-oracle: --hold %s: not a number\n", optarg);
				return 2;
			}
			break;
		case 'r':
			do_rumble = true;
			break;
		default:
			fprintf(stderr, "Usage: steam-oracle [--outdir DIR] [--hold MS] [--rumble] "
			                "MODEL.hid...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr,
		        "Usage: steam-oracle [--outdir DIR] [--hold MS] [--rumble] MODEL.hid...\n");
		return 2;
	}
	if (access("/dev/uhid", W_OK) < 0) {
		log_error_errno(errno, "/dev/uhid: %m (run inside tests/vm/run-vm.sh)");
		return 77;
	}
	for (int i = optind; i < argc; i++)
		if (dump_one(argv[i], outdir, hold, do_rumble) < 0) {
			log_error("%s: FAILED", argv[i]);
			failed++;
		}
	return failed ? 1 : 0;
}
