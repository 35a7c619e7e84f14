/* SPDX-License-Identifier: MIT */
/*
 * The Steam Deck in desktop mode (issue 25), the real `hidmapd run` with
 * the shipped config/examples/steam-desktop.ini against a uhid Steam Deck
 * (28de:1205, tests/data/steam/steam-deck.hid's descriptor; hid keeps
 * ignore_special_drivers=1, so hid-generic binds it and hidmapd's steam
 * module drives it through hidraw).  The expectations are the issue's
 * rules, not hidmapd's output:
 *   - lizard mode off while driven: the clear-mappings command (0x81) and
 *     the settings write (0x87) reach the pad once the daemon takes it;
 *   - the right pad is a pointer with inertia: a slide to the right moves
 *     the pointer right; after the finger lifts the motion goes on, each
 *     step no larger than the one before (give or take the carried
 *     fraction), and stops: nothing for the last 500 ms;
 *   - the left pad scrolls: a slide up a quarter of the pad (speed 1200
 *     for half) gives about 600 high-resolution units up, and a classic
 *     wheel step for each 120 of them;
 *   - the right trigger clicks: BTN_LEFT down, then up;
 *   - the gyro moves the pointer while R4 is held, and only then;
 *   - lizard mode on after: the default mappings (0x85) and settings
 *     (0x8e) reach the pad when the daemon stops (SIGTERM).
 * steam-unanswered: the same pad answering no command; steam-no-pad: a
 * receiver slot whose pad never connects; steam-slot-hotplug: a slot's pad
 * coming and going under the replug grace; steam-sc-rumble: the
 * Controller's rumble as pad pulses; steam-lizard-resend: lizard mode
 * turned back on by the firmware (below).
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>

#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define MAX_CMDS 64

static struct {
	int fd;
	volatile bool stop;
	bool silent; /* SET_REPORT never answered (the kernel gives up after 5 s) */
	bool thread_started;
	pthread_mutex_t lock;
	uint8_t cmd[MAX_CMDS]; /* the first byte of each SET_REPORT (the command) */
	unsigned ncmds;
	/* haptic pulses (0x8F) on each pad (0 right, 1 left), the last one's
	 * bytes (from the command on) */
	unsigned pulses[2];
	uint8_t last_pulse[10];
} pad = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

static void *responder(void *arg)
{
	(void)arg;
	while (!pad.stop) {
		struct pollfd p = {.fd = pad.fd, .events = POLLIN};
		struct uhid_event ev, r = {0};

		if (poll(&p, 1, 20) <= 0 || read(pad.fd, &ev, sizeof(ev)) <= 0)
			continue;
		if (ev.type == UHID_SET_REPORT) {
			pthread_mutex_lock(&pad.lock);
			if (pad.ncmds < MAX_CMDS && ev.u.set_report.size > 1)
				pad.cmd[pad.ncmds++] = ev.u.set_report.data[1];
			if (ev.u.set_report.size > 10 && ev.u.set_report.data[1] == 0x8f &&
			    ev.u.set_report.data[3] < 2) {
				pad.pulses[ev.u.set_report.data[3]]++;
				memcpy(pad.last_pulse, ev.u.set_report.data + 1, 10);
			}
			pthread_mutex_unlock(&pad.lock);
			if (pad.silent)
				continue;
			r.type = UHID_SET_REPORT_REPLY;
			r.u.set_report_reply.id = ev.u.set_report.id;
			(void)vm_uhid_send(pad.fd, &r);
		} else if (ev.type == UHID_GET_REPORT) {
			r.type = UHID_GET_REPORT_REPLY;
			r.u.get_report_reply.id = ev.u.get_report.id;
			r.u.get_report_reply.err = EIO;
			(void)vm_uhid_send(pad.fd, &r);
		}
	}
	return NULL;
}

/* Whether command c came at index from or later. */
static bool got_cmd(unsigned from, uint8_t c)
{
	bool found = false;

	pthread_mutex_lock(&pad.lock);
	for (unsigned i = from; i < pad.ncmds; i++)
		found = found || pad.cmd[i] == c;
	pthread_mutex_unlock(&pad.lock);
	return found;
}

static unsigned ncmds(void)
{
	unsigned n;

	pthread_mutex_lock(&pad.lock);
	n = pad.ncmds;
	pthread_mutex_unlock(&pad.lock);
	return n;
}

/* The hidraw node of the HID device whose name starts with prefix. */
static int find_hidraw(const char *prefix, char *buf, size_t size)
{
	DIR *d = opendir("/sys/bus/hid/devices");
	struct dirent *de;
	int r = -ENOENT;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && r < 0) {
		char path[PATH_MAX];

		if (!startswith(de->d_name, prefix))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/hid/devices/%s", de->d_name);
		r = vm_find_hidraw(path, buf, size);
	}
	closedir(d);
	return r;
}

/* The daemon's uinput event nodes for hidraw, by their phys
 * "hidmapd/<hidraw>/inputK" (not opened). */
static size_t find_outputs(const char *hidraw, struct vm_output *o, size_t max)
{
	char prefix[64];
	struct dirent *de;
	DIR *d = opendir("/sys/class/input");
	size_t n = 0;

	if (!d)
		return 0;
	snprintf(prefix, sizeof(prefix), "hidmapd/%s/input", hidraw);
	while ((de = readdir(d)) && n < max) {
		char path[PATH_MAX], phys[96];

		if (!startswith(de->d_name, "event"))
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/device/phys", de->d_name);
		vm_read_attr(path, phys, sizeof(phys));
		if (!startswith(phys, prefix))
			continue;
		o[n] = (struct vm_output){.fd = -1};
		if (snprintf(o[n].devnode, sizeof(o[n].devnode), "/dev/input/%s", de->d_name) >=
		    (int)sizeof(o[n].devnode))
			continue;
		snprintf(o[n].phys, sizeof(o[n].phys), "%s", phys);
		n++;
	}
	closedir(d);
	return n;
}

/* The Deck's state report: buttons (u64 at 8), pads at 16..23, triggers
 * at 44/46 (hid-steam's table). */
static int deck(uint64_t buttons, int lpx, int lpy, int rpx, int rpy, int rt)
{
	uint8_t r[64] = {0x01, 0x00, 0x09, 0x40};
	const int v[] = {lpx, lpy, rpx, rpy};

	for (int i = 0; i < 8; i++)
		r[8 + i] = (uint8_t)(buttons >> (8 * i));
	for (int i = 0; i < 4; i++) {
		r[16 + 2 * i] = (uint8_t)v[i];
		r[17 + 2 * i] = (uint8_t)((unsigned)v[i] >> 8);
	}
	r[46] = (uint8_t)rt;
	r[47] = (uint8_t)((unsigned)rt >> 8);
	return vm_uhid_input(pad.fd, r, sizeof(r));
}

/* A Deck report with the gyro's three axes (offsets 30, 32, 34) at g. */
static int deck_gyro(uint64_t buttons, int g)
{
	uint8_t r[64] = {0x01, 0x00, 0x09, 0x40};

	for (int i = 0; i < 8; i++)
		r[8 + i] = (uint8_t)(buttons >> (8 * i));
	for (int i = 0; i < 3; i++) {
		r[30 + 2 * i] = (uint8_t)g;
		r[31 + 2 * i] = (uint8_t)((unsigned)g >> 8);
	}
	return vm_uhid_input(pad.fd, r, sizeof(r));
}

struct motion {
	long sum;
	int steps[512];
	uint64_t at[512];
	unsigned n;
	int btn_left[8];
	unsigned nbtn;
	long wheel, hires;
	long moved; /* |REL_X| + |REL_Y| */
};

/* Reads the pointer for ms, adding up what it moved. */
static void read_pointer(struct libevdev *ev, unsigned ms, struct motion *m)
{
	uint64_t until = vm_now_us() + (uint64_t)ms * 1000u;

	while (vm_now_us() < until) {
		struct input_event e;
		int rc = libevdev_next_event(ev, LIBEVDEV_READ_FLAG_NORMAL, &e);

		if (rc == -EAGAIN) {
			vm_sleep_ms(2);
			continue;
		}
		if (rc != LIBEVDEV_READ_STATUS_SUCCESS)
			continue;
		if (e.type == EV_REL && (e.code == REL_X || e.code == REL_Y))
			m->moved += labs((long)e.value);
		if (e.type == EV_REL && e.code == REL_X) {
			m->sum += e.value;
			if (m->n < 512) {
				m->at[m->n] = vm_now_us();
				m->steps[m->n++] = e.value;
			}
		} else if (e.type == EV_REL && e.code == REL_WHEEL) {
			m->wheel += e.value;
		} else if (e.type == EV_REL && e.code == REL_WHEEL_HI_RES) {
			m->hires += e.value;
		} else if (e.type == EV_KEY && e.code == BTN_LEFT && m->nbtn < 8) {
			m->btn_left[m->nbtn++] = e.value;
		}
	}
}

static int check_desktop(struct libevdev *ptr)
{
	struct motion slide = {0}, glide = {0}, scroll = {0}, click = {0};
	uint64_t lift;
	int status = 0;

	/* right pad: lands at -10000, slides right 2000 a report (8 ms) */
	deck(1u << 20, 0, 0, -10000, 100, 0);
	for (int i = 1; i <= 10; i++) {
		vm_sleep_ms(8);
		deck(1u << 20, 0, 0, -10000 + 2000 * i, 100, 0);
	}
	read_pointer(ptr, 20, &slide);
	/* lifts: hid-steam reports an untouched pad as 0 */
	lift = vm_now_us();
	deck(0, 0, 0, 0, 0, 0);
	read_pointer(ptr, 2500, &glide);
	if (slide.sum <= 0)
		status = vm_fail("a slide to the right moved the pointer by %ld", slide.sum);
	if (glide.n < 3 || glide.sum <= 0)
		status =
		    vm_fail("no glide after the lift (%u steps, %ld in all)", glide.n, glide.sum);
	/* it slows down: what it moves in each 300 ms after the lift is no more
	 * than in the 300 ms before (a late timer under TCG moves a step for
	 * the time that passed, hence windows and some slack), never back */
	{
		long w[16] = {0};

		for (unsigned i = 0; i < glide.n; i++) {
			uint64_t k = (glide.at[i] - lift) / 150000u;

			if (glide.steps[i] <= 0)
				status = vm_fail("the glide turned back: step %u is %d", i,
				                 glide.steps[i]);
			w[k < 16 ? k : 15] += glide.steps[i];
		}
		/* compared over 300 ms (two windows): one late timer or read
		 * under a loaded TCG moves motion into the next 150 ms window
		 * (seen: 438 141 205 90), not across two */
		for (unsigned k = 3; k < 16; k += 2)
			if (w[k] + w[k - 1] > w[k - 2] + w[k - 3] + (w[k - 2] + w[k - 3]) / 4 + 2)
				status =
				    vm_fail("the glide sped up: %ld in the %u. 300 ms after the "
				            "lift, %ld in the one before",
				            w[k] + w[k - 1], (k + 1) / 2, w[k - 2] + w[k - 3]);
		if (w[0] <= w[2])
			status = vm_fail("the glide did not slow down: %ld, then %ld", w[0], w[2]);
		vm_note("glide per 150 ms: %ld %ld %ld %ld %ld %ld", w[0], w[1], w[2], w[3], w[4],
		        w[5]);
	}
	if (glide.n && vm_now_us() - glide.at[glide.n - 1] < 500000)
		status = vm_fail("the glide had not stopped 500 ms before the end");
	vm_note("right pad: slide %ld, then a glide of %u steps (%d first, %d last), %ld in all",
	        slide.sum, glide.n, glide.n ? glide.steps[0] : 0,
	        glide.n ? glide.steps[glide.n - 1] : 0, glide.sum);

	/* left pad: lands at 1, slides up a quarter of the pad */
	deck(1u << 19, 0, 1, 0, 0, 0);
	for (int i = 1; i <= 8; i++) {
		vm_sleep_ms(8);
		deck(1u << 19, 0, 1 + 2048 * i, 0, 0, 0);
	}
	deck(0, 0, 0, 0, 0, 0);
	read_pointer(ptr, 300, &scroll);
	if (scroll.hires < 590 || scroll.hires > 610 || scroll.wheel != scroll.hires / 120)
		status = vm_fail("a quarter of the left pad up scrolled %ld high-resolution units, "
		                 "%ld wheel steps (want about 600 and 5)",
		                 scroll.hires, scroll.wheel);
	vm_note("left pad: %ld high-resolution units, %ld wheel steps", scroll.hires, scroll.wheel);

	/* the right trigger clicks */
	deck(0, 0, 0, 0, 0, 30000);
	vm_sleep_ms(20);
	deck(0, 0, 0, 0, 0, 0);
	read_pointer(ptr, 300, &click);
	if (click.nbtn != 2 || click.btn_left[0] != 1 || click.btn_left[1] != 0)
		status = vm_fail("the right trigger gave %u BTN_LEFT event(s), want down and up",
		                 click.nbtn);

	/* the gyro ("Steam Deck Motion Sensors") turning at 90 deg/s (16 a
	 * deg/s): the pointer moves while R4 is held, not otherwise */
	{
		struct motion free_turn = {0}, held = {0};
		const uint64_t r4 = (uint64_t)1 << 42;

		for (int i = 0; i < 25; i++) {
			deck_gyro(0, 1440);
			vm_sleep_ms(4);
		}
		deck_gyro(0, 0);
		read_pointer(ptr, 200, &free_turn);
		for (int i = 0; i < 25; i++) {
			deck_gyro(r4, 1440);
			vm_sleep_ms(4);
		}
		deck_gyro(r4, 0);
		deck_gyro(0, 0);
		read_pointer(ptr, 200, &held);
		if (free_turn.moved != 0)
			status = vm_fail("the gyro moved the pointer by %ld without R4",
			                 free_turn.moved);
		if (held.moved == 0)
			status = vm_fail("the gyro did not move the pointer while R4 was held");
		vm_note("gyro: %ld without R4, %ld while R4 is held", free_turn.moved, held.moved);
	}
	return status;
}

/* The uhid Steam Deck made from tests/data/steam/steam-deck.hid, its
 * requests answered by a thread (not SET_REPORT when silent), the daemon
 * started with config and its "(hidmapd pointer)" (want_pointer) or
 * gamepad node opened into *ret; node NULL (a receiver slot without its
 * pad): until the daemon asks the slot for its state (0xb4), *ret NULL.
 * 0, or vm_fail(). */
static int start_model(const char *model, const char *node, bool silent, const char *config,
                       bool want_pointer, pthread_t *thread, char *hidraw, size_t hidraw_size,
                       struct vm_output *o, size_t *ret_n, struct libevdev **ret)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	char path[PATH_MAX], prefix[32];
	uint64_t t0, deadline;
	size_t n = 0;
	int r;

	*ret = NULL;
	*ret_n = 0;
	pad.silent = silent;
	snprintf(path, sizeof(path), "%s/../steam/%s.hid", vm_kdata_dir, model);
	if (hm_recording_load(path, &rec) < 0)
		return vm_fail("%s: does not load", path);
	pad.fd = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (pad.fd < 0)
		return vm_fail("/dev/uhid: %s", strerror(errno));
	if (pthread_create(thread, NULL, responder, NULL) != 0)
		return vm_fail("pthread_create failed");
	pad.thread_started = true;
	r = vm_uhid_create(pad.fd, rec, "steam-desktop/input0");
	vm_hid_name_prefix(rec, prefix, sizeof(prefix));
	deadline = vm_now_us() + 10000000u;
	while (r >= 0 && find_hidraw(prefix, hidraw, hidraw_size) < 0) {
		if (vm_now_us() > deadline) {
			r = -ETIMEDOUT;
			break;
		}
		vm_sleep_ms(20);
	}
	if (r < 0)
		return vm_fail("the uhid Steam Deck has no hidraw node: %s", strerror(-r));
	vm_warm_up();
	if (vm_daemon_start(config, &t0) < 0)
		return -1;
	deadline = t0 + 10000000u;
	if (!node) {
		while (!got_cmd(0, 0xb4) && vm_now_us() < deadline && vm_daemon_alive())
			vm_sleep_ms(20);
		if (!got_cmd(0, 0xb4)) {
			vm_dump_daemon_log();
			return vm_fail("hidmapd did not take /dev/%s within 10 s (no 0xb4)",
			               hidraw);
		}
		vm_note("hidmapd drives /dev/%s after %.0f ms", hidraw,
		        (double)(vm_now_us() - t0) / 1000.0);
		return 0;
	}
	for (;;) {
		n = find_outputs(hidraw, o, MAX_OUTPUTS);
		for (size_t i = 0; i < n && !*ret; i++) {
			const char *name;

			if (vm_output_open(&o[i], O_RDONLY | O_NONBLOCK) < 0)
				continue;
			name = libevdev_get_name(o[i].evdev);
			if (want_pointer ? vm_contains(name, "(hidmapd pointer)")
			                 : streq(name, node))
				*ret = o[i].evdev;
		}
		*ret_n = n;
		if (*ret || vm_now_us() > deadline || !vm_daemon_alive())
			break;
		vm_outputs_close(o, n);
		vm_sleep_ms(50);
	}
	if (!*ret) {
		vm_dump_daemon_log();
		return vm_fail("hidmapd made no %s node for /dev/%s within 10 s",
		               want_pointer ? "\"(hidmapd pointer)\"" : node, hidraw);
	}
	vm_note("hidmapd drives /dev/%s after %.0f ms", hidraw,
	        (double)(vm_now_us() - t0) / 1000.0);
	return 0;
}

static int start(bool silent, const char *config, bool want_pointer, pthread_t *thread,
                 char *hidraw, size_t hidraw_size, struct vm_output *o, size_t *ret_n,
                 struct libevdev **ret)
{
	return start_model("steam-deck", "Steam Deck", silent, config, want_pointer, thread, hidraw,
	                   hidraw_size, o, ret_n, ret);
}

static void stop_pad(pthread_t thread)
{
	pad.stop = true;
	if (pad.thread_started)
		pthread_join(thread, NULL);
	pad.thread_started = false;
	if (pad.fd >= 0) {
		(void)vm_uhid_destroy(pad.fd);
		close(pad.fd);
		pad.fd = -1;
	}
}

int scenario_steam_desktop(void)
{
	char config[PATH_MAX], hidraw[32] = "";
	struct vm_output o[MAX_OUTPUTS];
	struct libevdev *ptr = NULL;
	pthread_t thread = 0;
	unsigned before_stop;
	size_t n = 0;
	int status = 0;

	snprintf(config, sizeof(config), "%s/../../../config/examples/steam-desktop.ini",
	         vm_kdata_dir);
	memset(o, 0, sizeof(o));
	if (start(false, config, true, &thread, hidraw, sizeof(hidraw), o, &n, &ptr) < 0) {
		status = -1;
		goto out;
	}
	vm_sleep_ms(300);
	if (!got_cmd(0, 0x81) || !got_cmd(0, 0x87))
		status = vm_fail("lizard mode was not turned off (no 0x81 and 0x87 command)");
	else
		vm_note("lizard mode off: 0x81 and 0x87 sent while driven (%u commands)", ncmds());
	if (check_desktop(ptr) < 0)
		status = -1;
	before_stop = ncmds();
	vm_daemon_signal(SIGTERM);
	if (vm_daemon_wait_exit(STOP_TIMEOUT_MS) != 0)
		status = vm_fail("the daemon did not exit cleanly on SIGTERM");
	vm_sleep_ms(200);
	if (!got_cmd(before_stop, 0x85) || !got_cmd(before_stop, 0x8e))
		status =
		    vm_fail("lizard mode was not turned back on at the stop (no 0x85 and 0x8e)");
	else
		vm_note("lizard mode on again after the stop: 0x85 and 0x8e sent");
out:
	vm_outputs_close(o, n);
	vm_daemon_kill();
	stop_pad(thread);
	return status;
}

/*
 * A Deck that never answers a command (each SET_REPORT waits 5 s in the
 * kernel, then fails): the loop does not wait for them.  The daemon takes
 * the pad and its nodes appear at once, a button reaches the gamepad node
 * within 500 ms while the commands hang, the watchdog's commands (every
 * 5 s) pile up without harm, and a SIGTERM stops the daemon within its
 * limit.
 */
int scenario_steam_unanswered(void)
{
	char hidraw[32] = "";
	struct vm_output o[MAX_OUTPUTS];
	struct libevdev *gp = NULL;
	pthread_t thread = 0;
	size_t n = 0;
	int status = 0;

	memset(o, 0, sizeof(o));
	if (start(true, NULL, false, &thread, hidraw, sizeof(hidraw), o, &n, &gp) < 0) {
		status = -1;
		goto out;
	}
	for (int round = 0; round < 3; round++) {
		uint64_t t = vm_now_us(), got = 0;

		deck(1u << 7, 0, 0, 0, 0, 0); /* A */
		while (!got && vm_now_us() - t < 2000000u) {
			struct input_event e;

			if (libevdev_next_event(gp, LIBEVDEV_READ_FLAG_NORMAL, &e) ==
			        LIBEVDEV_READ_STATUS_SUCCESS &&
			    e.type == EV_KEY && e.code == BTN_SOUTH && e.value == 1)
				got = vm_now_us();
			else
				vm_sleep_ms(1);
		}
		deck(0, 0, 0, 0, 0, 0);
		if (!got || got - t > 500000u)
			status = vm_fail("round %d: A reached the gamepad node after %s", round,
			                 got ? "more than 500 ms" : "never (2 s)");
		else
			vm_note("round %d: A after %.1f ms, %u command(s) unanswered so far", round,
			        (double)(got - t) / 1000.0, ncmds());
		vm_sleep_ms(2500);
	}
	vm_daemon_signal(SIGTERM);
	if (vm_daemon_wait_exit(STOP_TIMEOUT_MS) != 0)
		status =
		    vm_fail("the daemon did not stop within %d ms on SIGTERM", STOP_TIMEOUT_MS);
out:
	vm_outputs_close(o, n);
	vm_daemon_kill();
	stop_pad(thread);
	return status;
}

/*
 * A receiver slot whose pad never connects (28de:1142, no connect report):
 * the daemon asks once for the slot's state (0xb4) and nothing else, sends
 * no lizard-mode command to a pad that is not there, and the slot has no
 * virtual device, not even after stale state reports the slot sends anyway
 * (the kernel registers a slot's node at its pad's connect).
 */
int scenario_steam_no_pad(void)
{
	char hidraw[32] = "";
	struct vm_output o[MAX_OUTPUTS];
	struct libevdev *gp = NULL;
	pthread_t thread = 0;
	uint8_t r[64] = {0x01, 0x00, 0x01, 0x3c};
	size_t n = 0, nodes;
	int status = 0;

	memset(o, 0, sizeof(o));
	if (start_model("steam-wireless", NULL, false, NULL, false, &thread, hidraw, sizeof(hidraw),
	                o, &n, &gp) < 0) {
		status = -1;
		goto out;
	}
	r[8] = 0x80; /* A, with the stick off centre */
	r[16] = 0x10;
	r[17] = 0x27;
	for (int i = 0; i < 5; i++) {
		(void)vm_uhid_input(pad.fd, r, sizeof(r));
		vm_sleep_ms(50);
	}
	vm_sleep_ms(500);
	nodes = find_outputs(hidraw, o, MAX_OUTPUTS);
	if (nodes)
		status =
		    vm_fail("a slot without a pad has %zu virtual device(s), want none", nodes);
	if (ncmds() != 1 || !got_cmd(0, 0xb4))
		status = vm_fail("%u command(s) to a slot without a pad, want one 0xb4", ncmds());
	else
		vm_note("one 0xb4 (connection status) to the empty slot, no lizard command, no "
		        "virtual device");
out:
	vm_daemon_kill();
	stop_pad(thread);
	return status;
}

/* The slot's node (named "Wireless Steam Controller") once it exists,
 * within ms: its devnode in devnode, the node opened into *o; 0, or
 * -ETIMEDOUT. */
static int wait_slot_node(const char *hidraw, unsigned ms, struct vm_output *o)
{
	uint64_t deadline = vm_now_us() + (uint64_t)ms * 1000u;
	struct vm_output all[MAX_OUTPUTS];

	do {
		size_t n = find_outputs(hidraw, all, MAX_OUTPUTS);

		for (size_t i = 0; i < n; i++) {
			/* sysfs can show a node before its /dev entry, or after */
			if (access(all[i].devnode, F_OK) < 0 ||
			    vm_output_open(&all[i], O_RDONLY | O_NONBLOCK) < 0)
				continue;
			if (streq(libevdev_get_name(all[i].evdev), "Wireless Steam Controller")) {
				*o = all[i];
				vm_outputs_close(all, i);
				vm_outputs_close(all + i + 1, n - i - 1);
				return 0;
			}
		}
		vm_outputs_close(all, n);
		vm_sleep_ms(50);
	} while (vm_now_us() < deadline);
	return -ETIMEDOUT;
}

/* Reads o's node for ms: whether key went to value (1/0). */
static bool saw_key(struct vm_output *o, unsigned code, int value, unsigned ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)ms * 1000u;

	do {
		struct input_event e;
		int rc = libevdev_next_event(o->evdev, LIBEVDEV_READ_FLAG_NORMAL, &e);

		if (rc == LIBEVDEV_READ_STATUS_SUCCESS && e.type == EV_KEY && e.code == code &&
		    e.value == value)
			return true;
		if (rc == -EAGAIN)
			vm_sleep_ms(5);
		else if (rc < 0 && rc != -EAGAIN)
			return false;
	} while (vm_now_us() < deadline);
	return false;
}

/* `hidmapd status` mentions want (a "  link ..." line); 0 or vm_fail(). */
static int status_has(const char *want)
{
	char out[PATH_MAX], err[PATH_MAX];
	int st = vm_run_client("status", out, err, sizeof(out));
	const char *text = vm_slurp(out);

	if (st != 0)
		return vm_fail("hidmapd status exited %d: %s", st, vm_slurp(err));
	if (!strstr(text, want)) {
		printf("---- hidmapd status ----\n%s---- end ----\n", text);
		return vm_fail("hidmapd status has no line '%s'", want);
	}
	vm_note("status: '%.*s'", (int)strcspn(want, "\n"), want);
	return 0;
}

/* The input device ("inputN", numbered once per boot) behind the slot's
 * only node, "" when it has none or more than one. */
static void slot_input(const char *hidraw, char *buf, size_t size)
{
	struct vm_output o[MAX_OUTPUTS];

	buf[0] = '\0';
	if (find_outputs(hidraw, o, MAX_OUTPUTS) == 1)
		vm_input_of(o[0].devnode, buf, size);
}

/*
 * A receiver slot's pad as a hotplugged device (the rules, with
 * replug-grace = 3s, the default): the empty slot has no node; the pad's
 * connect report makes one (lizard mode off); its disconnect lets A go and
 * keeps the node for the grace; a reconnect within it keeps the same node
 * (the same input device), which is still there after more than the grace
 * (the reconnect cancelled the removal), and A reaches it; a disconnect
 * longer than the grace removes it (its reader sees ENODEV); a later
 * connect makes a new node (a new input device).  `hidmapd status` says
 * the link each time.  The status client, slow under a loaded TCG, is
 * never asked between a disconnect and the check of what the grace keeps.
 */
int scenario_steam_slot_hotplug(void)
{
	static const uint8_t connect_r[64] = {0x01, 0x00, 0x03, 0x01, 0x02};
	static const uint8_t disconnect_r[64] = {0x01, 0x00, 0x03, 0x01, 0x01};
	uint8_t a[64] = {0x01, 0x00, 0x01, 0x3c};
	char config[PATH_MAX], hidraw[32] = "", first[64], input[64], now[64];
	struct vm_output o[MAX_OUTPUTS], node = {.fd = -1}, again = {.fd = -1};
	struct libevdev *gp = NULL;
	pthread_t thread = 0;
	uint64_t t;
	size_t n = 0;
	unsigned before;
	int status = 0;

	memset(o, 0, sizeof(o));
	if (vm_config_write("slot", "[hidmapd]\nreplug-grace = 3s\n", config, sizeof(config)) < 0)
		return -1;
	if (start_model("steam-wireless", NULL, false, config, false, &thread, hidraw,
	                sizeof(hidraw), o, &n, &gp) < 0) {
		status = -1;
		goto out;
	}
	vm_sleep_ms(300);
	if (find_outputs(hidraw, o, MAX_OUTPUTS))
		status = vm_fail("the empty slot has a virtual device");
	if (status_has("  link no pad connected\n") < 0)
		status = -1;

	/* connect: a node, lizard mode off */
	before = ncmds();
	(void)vm_uhid_input(pad.fd, connect_r, sizeof(connect_r));
	if (wait_slot_node(hidraw, 5000, &node) < 0) {
		vm_dump_daemon_log();
		status = vm_fail("no node within 5 s of the pad's connect");
		goto out;
	}
	snprintf(first, sizeof(first), "%s", node.devnode);
	vm_input_of(first, input, sizeof(input));
	vm_note("connect: %s (%s)", first, input);
	vm_sleep_ms(200);
	if (!got_cmd(before, 0x81) || !got_cmd(before, 0x87))
		status = vm_fail("lizard mode not turned off at the connect (0x81, 0x87)");
	if (status_has("  link pad connected, lizard mode off\n") < 0)
		status = -1;
	a[8] = 0x80;
	(void)vm_uhid_input(pad.fd, a, sizeof(a));
	if (!saw_key(&node, BTN_SOUTH, 1, 2000))
		status = vm_fail("A did not reach %s", first);

	/* disconnect: A let go, the node kept; back within the grace */
	t = vm_now_us();
	(void)vm_uhid_input(pad.fd, disconnect_r, sizeof(disconnect_r));
	if (!saw_key(&node, BTN_SOUTH, 0, 2000))
		status = vm_fail("A not let go at the disconnect");
	slot_input(hidraw, now, sizeof(now));
	if (!streq(now, input))
		status = vm_fail("the node did not stay after the disconnect ('%s', was %s)", now,
		                 input);
	(void)vm_uhid_input(pad.fd, connect_r, sizeof(connect_r));
	if (vm_now_us() - t > 2500000u)
		status = vm_fail("the reconnect came %.1f s after the disconnect: too slow to "
		                 "check the grace (3 s)",
		                 (double)(vm_now_us() - t) / 1e6);
	/* the same node, still there after the grace */
	vm_sleep_ms(3500);
	slot_input(hidraw, now, sizeof(now));
	if (!streq(now, input))
		status = vm_fail("a reconnect within the grace did not keep %s ('%s')", input, now);
	else
		vm_note("reconnect within the grace: %s kept (3.5 s later)", input);
	(void)vm_uhid_input(pad.fd, a, sizeof(a));
	if (!saw_key(&node, BTN_SOUTH, 1, 2000))
		status = vm_fail("A did not reach %s after the reconnect", first);

	/* gone for longer than the grace: removed */
	(void)vm_uhid_input(pad.fd, disconnect_r, sizeof(disconnect_r));
	vm_sleep_ms(100);
	if (status_has("  link pad disconnected\n") < 0)
		status = -1;
	for (t = vm_now_us(); find_outputs(hidraw, o, MAX_OUTPUTS) && vm_now_us() - t < 6000000u;)
		vm_sleep_ms(50);
	if (find_outputs(hidraw, o, MAX_OUTPUTS) != 0)
		status = vm_fail("the node is still there 6 s after a disconnect (grace 3 s)");
	else
		vm_note("after the grace: no node");
	{
		struct input_event e;
		int rc;

		do
			rc = libevdev_next_event(node.evdev, LIBEVDEV_READ_FLAG_NORMAL, &e);
		while (rc == LIBEVDEV_READ_STATUS_SUCCESS || rc == LIBEVDEV_READ_STATUS_SYNC);
		if (rc != -ENODEV)
			status =
			    vm_fail("%s's reader did not see it go (%s)", first, strerror(-rc));
	}

	/* a new connect: a new node */
	(void)vm_uhid_input(pad.fd, connect_r, sizeof(connect_r));
	if (wait_slot_node(hidraw, 5000, &again) < 0) {
		status = vm_fail("no node within 5 s of a connect after the removal");
	} else {
		vm_input_of(again.devnode, now, sizeof(now));
		if (streq(now, input))
			status =
			    vm_fail("the connect after the removal has the old node %s", input);
		else
			vm_note("connect after the removal: %s (%s)", again.devnode, now);
	}

	vm_daemon_signal(SIGTERM);
	if (vm_daemon_wait_exit(STOP_TIMEOUT_MS) != 0)
		status = vm_fail("the daemon did not exit cleanly on SIGTERM");
out:
	vm_outputs_close(&node, node.fd >= 0 ? 1 : 0);
	vm_outputs_close(&again, again.fd >= 0 ? 1 : 0);
	vm_daemon_kill();
	stop_pad(thread);
	return status;
}

static void pulses(unsigned *right, unsigned *left, uint8_t *last)
{
	pthread_mutex_lock(&pad.lock);
	*right = pad.pulses[0];
	*left = pad.pulses[1];
	if (last)
		memcpy(last, pad.last_pulse, sizeof(pad.last_pulse));
	pthread_mutex_unlock(&pad.lock);
}

/*
 * The Steam Controller's rumble (beyond the kernel: no hid-steam has it):
 * a client uploads FF_RUMBLE (strong 0xffff, weak 0, 400 ms) on hidmapd's
 * "Steam Controller" node and plays it; through the FF machinery the pad
 * gets haptic pulse commands (0x8F, laid out as 6.12's
 * steam_haptic_pulse()) on the left pad only (the strong motor), a train
 * at once and again while the effect runs, none on the right pad, and none
 * after the effect has ended.
 */
int scenario_steam_sc_rumble(void)
{
	/* pad 1 (left), on 5000 µs, off 5000 µs, 12 pulses, gain 0 */
	static const uint8_t want[10] = {0x8f, 0x08, 0x01, 0x88, 0x13,
	                                 0x88, 0x13, 0x0c, 0x00, 0x00};
	struct input_event play[2] = {
	    {.type = EV_FF, .value = 1},
	    {.type = EV_SYN, .code = SYN_REPORT},
	};
	struct ff_effect effect = {.type = FF_RUMBLE, .id = -1};
	char hidraw[32] = "";
	struct vm_output o[MAX_OUTPUTS];
	struct libevdev *gp = NULL;
	pthread_t thread = 0;
	unsigned right, left, right2, left2;
	uint8_t last[10];
	size_t n = 0;
	int status = 0, fd = -1;

	memset(o, 0, sizeof(o));
	if (start_model("steam-wired", "Steam Controller", false, NULL, false, &thread, hidraw,
	                sizeof(hidraw), o, &n, &gp) < 0) {
		status = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (o[i].evdev == gp)
			fd = open(o[i].devnode, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		status = vm_fail("cannot open the Steam Controller node read-write");
		goto out;
	}
	effect.u.rumble.strong_magnitude = 0xffff;
	effect.replay.length = 400;
	if (ioctl(fd, EVIOCSFF, &effect) < 0) {
		status = vm_fail("EVIOCSFF: %s", strerror(errno));
		goto out;
	}
	play[0].code = (uint16_t)effect.id;
	if (write(fd, play, sizeof(play)) != (ssize_t)sizeof(play)) {
		status = vm_fail("writing EV_FF: %s", strerror(errno));
		goto out;
	}
	vm_sleep_ms(1000);
	pulses(&right, &left, last);
	vm_sleep_ms(500);
	pulses(&right2, &left2, NULL);
	vm_note("haptic pulse trains: left %u, right %u; last %02x %02x %02x %02x %02x %02x %02x "
	        "%02x %02x %02x",
	        left, right, last[0], last[1], last[2], last[3], last[4], last[5], last[6], last[7],
	        last[8], last[9]);
	/* 400 ms at one train per 100 ms: 4 or 5 (6 if a refresh runs late) */
	if (left < 2 || left > 6)
		status = vm_fail("%u trains on the left pad for a 400 ms effect, want 2..6", left);
	if (right)
		status = vm_fail("%u trains on the right pad for the strong motor alone", right);
	if (memcmp(last, want, sizeof(want)) != 0)
		status = vm_fail("the train's bytes are not 8f 08 01 88 13 88 13 0c 00 00");
	if (left2 != left || right2 != right)
		status = vm_fail("trains went on after the effect ended (%u more)",
		                 left2 + right2 - left - right);
out:
	if (fd >= 0)
		close(fd);
	vm_outputs_close(o, n);
	vm_daemon_kill();
	stop_pad(thread);
	return status;
}

/*
 * A Deck whose firmware turns lizard mode back on by itself (its watchdog,
 * or a firmware that forgets): hidmapd cannot see it happen (the firmware's
 * mouse and keyboard are other interfaces, left to the kernel), so it
 * sends lizard mode off again every 5 s while it drives the Deck.  At a
 * moment unrelated to the daemon's start (1.3 s in) the firmware's lizard
 * mode is on again; the clear-mappings (0x81) and settings (0x87) commands
 * must come within 5 s of it (5.5 s allowed for the loop under TCG).
 */
int scenario_steam_lizard_resend(void)
{
	char hidraw[32] = "";
	struct vm_output o[MAX_OUTPUTS];
	struct libevdev *gp = NULL;
	pthread_t thread = 0;
	uint64_t t, got = 0;
	unsigned mark;
	size_t n = 0;
	int status = 0;

	memset(o, 0, sizeof(o));
	if (start(false, NULL, false, &thread, hidraw, sizeof(hidraw), o, &n, &gp) < 0) {
		status = -1;
		goto out;
	}
	if (!got_cmd(0, 0x81) || !got_cmd(0, 0x87))
		vm_sleep_ms(300);
	if (!got_cmd(0, 0x81) || !got_cmd(0, 0x87)) {
		status = vm_fail("lizard mode not turned off when the daemon took the Deck");
		goto out;
	}
	vm_sleep_ms(1300);
	/* the firmware's lizard mode is on from here */
	mark = ncmds();
	t = vm_now_us();
	while (vm_now_us() - t < 7000000u) {
		if (got_cmd(mark, 0x81) && got_cmd(mark, 0x87)) {
			got = vm_now_us();
			break;
		}
		vm_sleep_ms(10);
	}
	if (!got)
		status = vm_fail("lizard mode not turned off again within 7 s");
	else if (got - t > 5500000u)
		status = vm_fail("lizard mode turned off again after %.2f s, want 5 s at most",
		                 (double)(got - t) / 1e6);
	else
		vm_note("lizard mode off again %.2f s after the firmware turned it on",
		        (double)(got - t) / 1e6);
	vm_daemon_signal(SIGTERM);
	if (vm_daemon_wait_exit(STOP_TIMEOUT_MS) != 0)
		status = vm_fail("the daemon did not exit cleanly on SIGTERM");
out:
	vm_outputs_close(o, n);
	vm_daemon_kill();
	stop_pad(thread);
	return status;
}
