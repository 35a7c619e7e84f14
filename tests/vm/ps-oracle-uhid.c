/* SPDX-License-Identifier: MIT */
/* The PlayStation oracle's uhid device (ps-oracle-uhid.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/input.h>
#include <linux/uhid.h>

#include "ps-oracle-uhid.h"
#include "switch-pad.h"
#include "vm-harness.h"
#include "util-log.h"
#include "util-strings.h"

void ps_print_ids(FILE *f, const struct libevdev *evdev)
{
	int effects = -1;

	fprintf(f, "I: %04x %04x %04x %04x", libevdev_get_id_bustype(evdev),
	        libevdev_get_id_vendor(evdev), libevdev_get_id_product(evdev),
	        libevdev_get_id_version(evdev));
	if (libevdev_has_event_type(evdev, EV_FF) &&
	    ioctl(libevdev_get_fd(evdev), EVIOCGEFFECTS, &effects) == 0)
		fprintf(f, " ff-effects %d\n", effects);
	else
		fprintf(f, " ff-effects -\n");
}

uint32_t ps_crc32(uint8_t seed, const uint8_t *data, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i <= n; i++) {
		crc ^= i == 0 ? seed : data[i - 1];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

bool ps_output_crc_ok(const uint8_t *data, size_t size)
{
	uint32_t want;

	if (size < 5)
		return false;
	want = ps_crc32(0xa2, data, size - 4);
	return (data[size - 4] | data[size - 3] << 8 | data[size - 2] << 16 |
	        (uint32_t)data[size - 1] << 24) == want;
}

static bool nsw_output_motors(const uint8_t *d, size_t size, unsigned *ret_strong,
                              unsigned *ret_weak, const char **ret_mode);

bool ps_output_motors(const uint8_t *d, size_t size, unsigned *ret_strong, unsigned *ret_weak,
                      const char **ret_mode)
{
	const uint8_t *c = NULL;

	if (nsw_output_motors(d, size, ret_strong, ret_weak, ret_mode))
		return true;
	/* DS4 USB 0x05: [1] flags (bit 0 rumble), [4] weak, [5] strong */
	if (d[0] == 0x05 && size == 32 && (d[1] & 0x01)) {
		*ret_weak = d[4], *ret_strong = d[5], *ret_mode = "-";
		return true;
	}
	/* DS4 BT 0x11 (78 bytes): [3] flags, [6] weak, [7] strong */
	if (d[0] == 0x11 && size == 78 && (d[3] & 0x01)) {
		*ret_weak = d[6], *ret_strong = d[7], *ret_mode = "-";
		return true;
	}
	/* DualSense: the common block from byte 1 (USB 0x02, 63 bytes) or 3
	 * (BT 0x31, 78 bytes): [0] valid_flag0 (bit 0 compatible vibration,
	 * bit 1 haptics select), [2] right (weak), [3] left (strong), [38]
	 * valid_flag2 (bit 2 compatible vibration v2, which the Edge and
	 * firmware from 2.21 on use) */
	if (d[0] == 0x02 && size == 63)
		c = d + 1;
	else if (d[0] == 0x31 && size == 78)
		c = d + 3;
	if (!c)
		return false;
	if (c[0] & 0x01)
		*ret_mode = "v1";
	else if ((c[0] & 0x02) && (c[38] & 0x04))
		*ret_mode = "v2";
	else
		return false;
	*ret_weak = c[2], *ret_strong = c[3];
	return true;
}

static bool nsw_output_motors(const uint8_t *d, size_t size, unsigned *ret_strong,
                              unsigned *ret_weak, const char **ret_mode)
{
	if (size < 10 || d[0] != 0x10)
		return false;
	*ret_strong = (unsigned)d[2] << 24 | (unsigned)d[3] << 16 | (unsigned)d[4] << 8 | d[5];
	*ret_weak = (unsigned)d[6] << 24 | (unsigned)d[7] << 16 | (unsigned)d[8] << 8 | d[9];
	*ret_mode = "nsw";
	return true;
}

static int uhid_write(int fd, const struct uhid_event *ev)
{
	ssize_t r = write(fd, ev, sizeof(*ev));

	if (r < 0)
		return -errno;
	return r == (ssize_t)sizeof(*ev) ? 0 : -EIO;
}

static void handle(struct ps_uhid *u, const struct uhid_event *ev)
{
	struct uhid_event r = {0};

	switch (ev->type) {
	case UHID_GET_REPORT: {
		const uint8_t *reply;
		size_t n = 0;

		reply = hm_feature_replies_find(u->features, ev->u.get_report.rnum, &n);
		r.type = UHID_GET_REPORT_REPLY;
		r.u.get_report_reply.id = ev->u.get_report.id;
		if (reply && n <= UHID_DATA_MAX) {
			memcpy(r.u.get_report_reply.data, reply, n);
			r.u.get_report_reply.size = (uint16_t)n;
		} else {
			r.u.get_report_reply.err = EIO;
		}
		pthread_mutex_lock(&u->lock);
		u->get_reports++;
		if (!reply)
			u->get_unanswered++;
		pthread_mutex_unlock(&u->lock);
		if (!reply)
			log_info("%s: GET_REPORT 0x%02x: no reply in the file, EIO", u->rec->path,
			         ev->u.get_report.rnum);
		(void)uhid_write(u->fd, &r);
		break;
	}
	case UHID_SET_REPORT:
		r.type = UHID_SET_REPORT_REPLY;
		r.u.set_report_reply.id = ev->u.set_report.id;
		pthread_mutex_lock(&u->lock);
		u->set_reports++;
		pthread_mutex_unlock(&u->lock);
		(void)uhid_write(u->fd, &r);
		break;
	case UHID_OUTPUT:
		pthread_mutex_lock(&u->lock);
		if (u->noutputs < PS_MAX_OUTPUTS) {
			size_t n =
			    ev->u.output.size < PS_OUTPUT_MAX ? ev->u.output.size : PS_OUTPUT_MAX;

			memcpy(u->out[u->noutputs], ev->u.output.data, n);
			u->out_size[u->noutputs] = n;
			u->noutputs++;
		}
		pthread_mutex_unlock(&u->lock);
		if (u->switch_pad && (!u->answer_limit || u->answered < u->answer_limit)) {
			uint8_t reply[SWP_REPORT_SIZE];
			size_t n;

			if (swp_answer(SWP_ANSWERS, u->switch_type, ev->u.output.data,
			               ev->u.output.size, reply, &n)) {
				r.type = UHID_INPUT2;
				r.u.input2.size = (uint16_t)n;
				memcpy(r.u.input2.data, reply, n);
				(void)uhid_write(u->fd, &r);
				pthread_mutex_lock(&u->lock);
				u->answered++;
				pthread_mutex_unlock(&u->lock);
			}
		}
		break;
	default:
		break;
	}
}

static void *responder(void *arg)
{
	struct ps_uhid *u = arg;

	uint64_t next = 0;

	while (!u->stop) {
		struct pollfd p = {.fd = u->fd, .events = POLLIN};
		struct uhid_event ev;
		ssize_t n;

		if (u->stream && vm_now_us() >= next) {
			struct uhid_event in = {.type = UHID_INPUT2};

			pthread_mutex_lock(&u->lock);
			in.u.input2.size = (uint16_t)u->last_input_size;
			memcpy(in.u.input2.data, u->last_input, u->last_input_size);
			pthread_mutex_unlock(&u->lock);
			if (in.u.input2.size)
				(void)uhid_write(u->fd, &in);
			next = vm_now_us() + 12000; /* deltas of 12-17 ms: 6.12's "valid" 8..17 */
		}
		if (poll(&p, 1, u->stream ? 2 : 50) <= 0)
			continue;
		n = read(u->fd, &ev, sizeof(ev));
		if (n > 0)
			handle(u, &ev);
	}
	return NULL;
}

/* A recording whose product does not say the device info's controller
 * type (the charging grip's half, the Genesis pad over Bluetooth, which
 * says 2017) names it in a comment "# nsw-type: 0xNN". */
static void nsw_type_line(const char *rec_path, uint8_t *type)
{
	FILE *f = fopen(rec_path, "re");
	char line[256];
	unsigned t;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "# nsw-type: %x", &t) == 1 && t <= 0xff) {
			*type = (uint8_t)t;
			break;
		}
	if (f)
		fclose(f);
}

int ps_uhid_new(const char *rec_path, const char *features_path, struct ps_uhid **ret)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *u = calloc(1, sizeof(*u));
	struct uhid_event ev = {0};
	struct uhid_create2_req *c = &ev.u.create2;
	int r;

	if (!u)
		return log_error_errno(ENOMEM, "out of memory");
	u->fd = -1;
	pthread_mutex_init(&u->lock, NULL);
	if (hm_recording_load(rec_path, &u->rec) < 0)
		return -EINVAL;
	if (features_path && hm_feature_replies_load(features_path, &u->features) < 0)
		return -EINVAL;
	if (u->rec->rdesc_size > sizeof(c->rd_data))
		return log_error_errno(E2BIG, "%s: descriptor too long for uhid", rec_path);
	u->fd = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (u->fd < 0)
		return log_error_errno(errno, "/dev/uhid: %m");

	ev.type = UHID_CREATE2;
	snprintf((char *)c->name, sizeof(c->name), "%s", u->rec->name ? u->rec->name : "");
	snprintf((char *)c->phys, sizeof(c->phys), "ps-oracle/input0");
	if (u->rec->bus == BUS_BLUETOOTH)
		snprintf((char *)c->uniq, sizeof(c->uniq), "%s", PS_BT_UNIQ);
	c->bus = u->rec->bus;
	if (u->rec->vendor == 0x057e) {
		u->switch_pad = true;
		/* the device info's controller type (6.12's JOYCON_CTLR_TYPE_*) */
		switch (u->rec->product) {
		case 0x2006:
			u->switch_type = 0x01;
			break;
		case 0x2007:
			u->switch_type = 0x02;
			break;
		case 0x2017:
			u->switch_type = 0x0b;
			break; /* SNES */
		case 0x2019:
			u->switch_type = 0x0c;
			break; /* N64 */
		case 0x201e:
			u->switch_type = 0x0d;
			break; /* Genesis */
		default:
			u->switch_type = 0x03;
			break;
		}
		nsw_type_line(rec_path, &u->switch_type);
	}
	c->vendor = u->rec->vendor;
	c->product = u->rec->product;
	c->version = 0x0100;
	c->rd_size = (uint16_t)u->rec->rdesc_size;
	memcpy(c->rd_data, u->rec->rdesc, u->rec->rdesc_size);
	/* the thread first: the driver's probe waits for its answers */
	r = pthread_create(&u->thread, NULL, responder, u);
	if (r != 0)
		return log_error_errno(r, "pthread_create: %m");
	u->thread_started = true;
	r = uhid_write(u->fd, &ev);
	if (r < 0)
		return log_error_errno(r, "%s: UHID_CREATE2: %m", rec_path);
	*ret = steal(&u);
	return 0;
}

void ps_uhid_free(struct ps_uhid *u)
{
	if (!u)
		return;
	if (u->thread_started) {
		u->stop = true;
		pthread_join(u->thread, NULL);
	}
	if (u->fd >= 0) {
		struct uhid_event ev = {.type = UHID_DESTROY};

		(void)uhid_write(u->fd, &ev);
		safe_close(u->fd);
	}
	hm_recording_free(u->rec);
	hm_feature_replies_free(u->features);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

int ps_uhid_input(struct ps_uhid *u, const uint8_t *data, size_t size)
{
	struct uhid_event ev = {.type = UHID_INPUT2};

	if (size > UHID_DATA_MAX)
		return -E2BIG;
	ev.u.input2.size = (uint16_t)size;
	memcpy(ev.u.input2.data, data, size);
	if (size <= sizeof(u->last_input)) {
		pthread_mutex_lock(&u->lock);
		memcpy(u->last_input, data, size);
		u->last_input_size = size;
		pthread_mutex_unlock(&u->lock);
	}
	return uhid_write(u->fd, &ev);
}

unsigned ps_uhid_noutputs(struct ps_uhid *u)
{
	unsigned n;

	pthread_mutex_lock(&u->lock);
	n = u->noutputs;
	pthread_mutex_unlock(&u->lock);
	return n;
}

size_t ps_uhid_output(struct ps_uhid *u, unsigned i, uint8_t *buf)
{
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	if (i < u->noutputs) {
		n = u->out_size[i];
		memcpy(buf, u->out[i], n);
	}
	pthread_mutex_unlock(&u->lock);
	return n;
}

/* The newest HID device of the recording's ids ("0005:054C:0CE6.000N"),
 * by its sequence number: uhid devices of earlier runs are gone by then. */
static int find_hid_device(struct ps_uhid *u, char *buf, size_t size)
{
	char prefix[32];
	DIR *d = opendir("/sys/bus/hid/devices");
	struct dirent *de;
	unsigned long best = 0;
	bool found = false;

	if (!d)
		return -errno;
	vm_hid_name_prefix(u->rec, prefix, sizeof(prefix));
	while ((de = readdir(d))) {
		const char *seq = startswith(de->d_name, prefix);
		unsigned long v;

		if (!seq)
			continue;
		v = strtoul(seq, NULL, 16);
		if (!found || v > best) {
			if (snprintf(buf, size, "%s", de->d_name) >= (int)size)
				continue;
			best = v;
			found = true;
		}
	}
	closedir(d);
	return found ? 0 : -ENOENT;
}

static size_t count_nodes(const char *syspath)
{
	struct vm_evnode nodes[PS_MAX_NODES];
	size_t n = 0;

	if (vm_find_event_nodes(syspath, nodes, PS_MAX_NODES, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (access(nodes[i].devnode, R_OK) < 0)
			return 0; /* devtmpfs has not made it yet */
	return n;
}

int ps_uhid_wait_bound(struct ps_uhid *u, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u, stable = 0;
	size_t last = 0;
	char name[300];

	for (;;) {
		char path[PATH_MAX], link[PATH_MAX];
		ssize_t l;
		uint64_t now = vm_now_us();

		if (now > deadline)
			return -ETIMEDOUT;
		usleep(20000);
		if (find_hid_device(u, name, sizeof(name)) < 0)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/hid/devices/%s/driver", name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		snprintf(u->driver, sizeof(u->driver), "%s", strrchr(link, '/') + 1);
		snprintf(path, sizeof(path), "/sys/bus/hid/devices/%s", name);
		if (!realpath(path, u->syspath))
			continue;
		size_t n = count_nodes(u->syspath);

		if (n != last || n == 0) {
			last = n;
			stable = now;
			continue;
		}
		if (now - stable >= 300000u) {
			(void)vm_find_hidraw(u->syspath, u->hidraw, sizeof(u->hidraw));
			return 0;
		}
	}
}

int ps_uhid_nodes(struct ps_uhid *u, struct vm_evnode *nodes, size_t *ret_n)
{
	return vm_find_event_nodes(u->syspath, nodes, PS_MAX_NODES, ret_n);
}

/* The effects of the rumble check: (strong, weak) magnitudes */
/* The effects of the rumble check: rumble (strong, weak magnitudes),
 * periodic waveforms that ff-memless plays as rumble on both motors, and a
 * rumble under FF_GAIN (restored to 0xffff after). */
static const struct rumble_effect {
	const char *label;
	uint16_t type, waveform;
	uint16_t strong, weak; /* rumble; periodic: strong is the magnitude */
	uint16_t gain;
} rumble_effects[] = {
    {"rumble-ffff-0000", FF_RUMBLE, 0, 0xffff, 0x0000, 0xffff},
    {"rumble-0000-ffff", FF_RUMBLE, 0, 0x0000, 0xffff, 0xffff},
    {"rumble-8000-4000", FF_RUMBLE, 0, 0x8000, 0x4000, 0xffff},
    {"rumble-1234-fedc", FF_RUMBLE, 0, 0x1234, 0xfedc, 0xffff},
    {"rumble-00ff-0100", FF_RUMBLE, 0, 0x00ff, 0x0100, 0xffff},
    {"rumble-ffff-ffff", FF_RUMBLE, 0, 0xffff, 0xffff, 0xffff},
    {"sine-2000", FF_PERIODIC, FF_SINE, 0x2000, 0, 0xffff},
    {"square-7fff", FF_PERIODIC, FF_SQUARE, 0x7fff, 0, 0xffff},
    {"gain-8000-rumble-ffff-8000", FF_RUMBLE, 0, 0xffff, 0x8000, 0x8000},
};

/* EV_FF code, value and a SYN_REPORT on fd */
static int ff_write(int fd, uint16_t code, int value)
{
	struct input_event ev[2] = {
	    {.type = EV_FF, .code = code, .value = value},
	    {.type = EV_SYN, .code = SYN_REPORT},
	};

	return write(fd, ev, sizeof(ev)) == (ssize_t)sizeof(ev) ? 0 : -errno;
}

/* After a play or a stop: until a rumble report has come and no output
 * at all for RUMBLE_QUIET_MS, at most RUMBLE_WAIT_MS (a late report shows
 * as "- - -", a failure, never as a pass). */
#define RUMBLE_QUIET_MS 150
#define RUMBLE_WAIT_MS  3000

static void wait_rumble(struct ps_uhid *u, unsigned from)
{
	uint64_t start = vm_now_us(), last_change = start;
	unsigned seen = from;
	bool got = false;

	for (;;) {
		unsigned n = ps_uhid_noutputs(u);
		uint64_t now = vm_now_us();

		for (; seen < n; seen++) {
			uint8_t buf[PS_OUTPUT_MAX];
			size_t size = ps_uhid_output(u, seen, buf);
			unsigned s, w;
			const char *mode;

			if (ps_output_motors(buf, size, &s, &w, &mode))
				got = true;
			last_change = now;
		}
		/* a Switch pad's driver spaces its reports (6.12 over
		 * Bluetooth: 60 ms, each after an input report) */
		if (got && now - last_change >= (u->switch_pad ? 4 : 1) * RUMBLE_QUIET_MS * 1000u)
			return;
		if (now - start >= RUMBLE_WAIT_MS * 1000u)
			return;
		usleep(10000);
	}
}

/* Motors of the last rumble report since output number from, with its
 * index in *ret_index; false when none came. */
static bool last_motors(struct ps_uhid *u, unsigned from, unsigned *s, unsigned *w,
                        const char **mode, unsigned *ret_index)
{
	unsigned n = ps_uhid_noutputs(u);
	bool found = false;

	for (unsigned i = from; i < n; i++) {
		uint8_t buf[PS_OUTPUT_MAX];
		size_t size = ps_uhid_output(u, i, buf);

		if (ps_output_motors(buf, size, s, w, mode)) {
			*ret_index = i;
			found = true;
		}
	}
	return found;
}

static void print_motors(FILE *f, bool ok, unsigned s, unsigned w, const char *mode)
{
	if (ok)
		fprintf(f, " %u %u %s", s, w, mode);
	else
		fprintf(f, " - - -");
}

static int ps_rumble_run(struct ps_uhid *u, int fd, FILE *f, bool bt);

int ps_rumble_check(struct ps_uhid *u, int fd, FILE *f)
{
	bool bt = u->rec->bus == BUS_BLUETOOTH && !u->switch_pad;
	int r = ps_rumble_run(u, fd, f, bt);

	u->stream = false;
	return r;
}

static int ps_rumble_run(struct ps_uhid *u, int fd, FILE *f, bool bt)
{
	u->stream = u->switch_pad;

	for (size_t e = 0; e < ARRAY_SIZE(rumble_effects); e++) {
		const struct rumble_effect *x = &rumble_effects[e];
		struct ff_effect effect = {.type = x->type, .id = -1};
		unsigned from, mid, ps = 0, pw = 0, ss = 0, sw = 0, ip = 0, is = 0;
		const char *pm = "-", *sm = "-";
		bool okp, oks, crc_ok = true;
		uint8_t buf[PS_OUTPUT_MAX];
		int r;

		if (x->type == FF_RUMBLE) {
			effect.u.rumble.strong_magnitude = x->strong;
			effect.u.rumble.weak_magnitude = x->weak;
		} else {
			effect.u.periodic.waveform = x->waveform;
			effect.u.periodic.period = 100;
			effect.u.periodic.magnitude = (int16_t)x->strong;
		}
		if (x->gain != 0xffff && (r = ff_write(fd, FF_GAIN, x->gain)) < 0)
			return log_error_errno(r, "FF_GAIN: %m");
		if (ioctl(fd, EVIOCSFF, &effect) < 0)
			return log_error_errno(errno, "EVIOCSFF %s: %m", x->label);
		from = ps_uhid_noutputs(u);
		r = ff_write(fd, (uint16_t)effect.id, 1);
		if (r < 0)
			return log_error_errno(r, "play: %m");
		wait_rumble(u, from);
		okp = last_motors(u, from, &ps, &pw, &pm, &ip);
		mid = ps_uhid_noutputs(u);
		r = ff_write(fd, (uint16_t)effect.id, 0);
		if (r < 0)
			return log_error_errno(r, "stop: %m");
		wait_rumble(u, mid);
		oks = last_motors(u, mid, &ss, &sw, &sm, &is);
		if (ioctl(fd, EVIOCRMFF, (long)effect.id) < 0)
			return log_error_errno(errno, "EVIOCRMFF: %m");
		if (x->gain != 0xffff && (r = ff_write(fd, FF_GAIN, 0xffff)) < 0)
			return log_error_errno(r, "FF_GAIN: %m");

		fprintf(f, "M: %s play", x->label);
		print_motors(f, okp, ps, pw, pm);
		fprintf(f, " stop");
		print_motors(f, oks, ss, sw, sm);
		if (bt) {
			if (okp && !ps_output_crc_ok(buf, ps_uhid_output(u, ip, buf)))
				crc_ok = false;
			if (oks && !ps_output_crc_ok(buf, ps_uhid_output(u, is, buf)))
				crc_ok = false;
		}
		fprintf(f, " crc %s\n", !bt ? "-" : crc_ok ? "ok" : "bad");
		for (unsigned i = 0; i < 2; i++) {
			size_t n;

			if (!(i == 0 ? okp : oks))
				continue;
			n = ps_uhid_output(u, i == 0 ? ip : is, buf);
			fprintf(f, "# O:");
			for (size_t k = 0; k < n; k++)
				fprintf(f, " %02x", buf[k]);
			fprintf(f, "\n");
		}
	}
	return 0;
}
