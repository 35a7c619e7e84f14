/* SPDX-License-Identifier: MIT */
/*
 * VM scenarios nsw-pro-usb, nsw-pro-bt, nsw-jcl-bt, nsw-jcr-bt, nsw-snes-bt,
 * nsw-n64-bt, nsw-gen-usb, nsw-gen-bt, nsw-grip-l-usb and nsw-grip-r-usb
 * (issue 23): the real daemon on the Nintendo Switch Pro Controller (USB
 * and Bluetooth), the single Joy-Cons, each half of the charging grip and
 * the NSO SNES, N64 and Genesis pads against the kernel's own hid-nintendo
 * (today's, 6.12), one model per scenario.
 *
 * The recordings of tests/data/switch become uhid devices with their real
 * ids; a thread per device answers the pad's USB commands and subcommands
 * as tests/lib/switch-pad.h's pad (user calibration for the left stick,
 * factory for the right stick and the IMU, none of it the kernel's
 * defaults) and keeps the output reports (ps-oracle-uhid.h).  hid keeps
 * ignore_special_drivers=1, so hid-generic binds them and the daemon
 * (`hidmapd run`, no config: the switch module claims them by their ids)
 * initialises them over hidraw.  Each scenario checks its model against
 * tests/data/kernel/switch/<model>.*, which ps-oracle made in the 6.12 VM
 * from the same reports and the same pad (gen-switch-expectations.sh):
 *   1. the uinput devices and, report by report, their events: the
 *      kernel's text exactly (names, capabilities, absinfo, values, the
 *      IMU's MSC_TIMESTAMPs);
 *   2. the nodes' ids and force-feedback effect counts: the kernel's;
 *   3. the rumble check (ps_rumble_check() on the gamepad node): the bytes
 *      of the 0x10 reports the kernel sent for the same effects.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

#include "ps-oracle-uhid.h"
#include "scenarios-playstation.h"
#include "sink.h"
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

/* The whole file (up to vm_slurp()'s 64 KiB), malloc'ed, or NULL after
 * vm_fail(). */
static char *slurp_or_fail(const char *path)
{
	const char *s = vm_slurp(path);
	char *copy = s && *s ? strdup(s) : NULL;

	if (!copy)
		vm_fail("%s: cannot read", path);
	return copy;
}

static int check_model(const char *model, struct ps_uhid *u, struct vm_output *o, size_t n)
{
	char kfile[PATH_MAX], kids[PATH_MAX], krumble[PATH_MAX], daemon_path[PATH_MAX];
	char ids_path[PATH_MAX], rumble_path[PATH_MAX], cmd[8 * PATH_MAX];
	_cleanup_free_ char *kernel = NULL, *live = NULL;
	int ff = -1, status = 0;
	FILE *f;

	snprintf(kfile, sizeof(kfile), "%s/switch/%s.txt", vm_kdata_dir, model);
	snprintf(kids, sizeof(kids), "%s/switch/%s.ids", vm_kdata_dir, model);
	snprintf(krumble, sizeof(krumble), "%s/switch/%s.rumble", vm_kdata_dir, model);
	snprintf(daemon_path, sizeof(daemon_path), "%s/%s.daemon", vm_tmpdir, vm_scenario);
	snprintf(ids_path, sizeof(ids_path), "%s/%s.ids", vm_tmpdir, vm_scenario);
	snprintf(rumble_path, sizeof(rumble_path), "%s/%s.rumble", vm_tmpdir, vm_scenario);

	/* 1. nodes and events */
	kernel = slurp_or_fail(kfile);
	if (!kernel)
		return -1;
	if (capture_daemon(u, o, n, kernel, &live) < 0 || write_text(daemon_path, live) < 0)
		return -1;
	if (!streq(live, kernel)) {
		status = vm_fail("%s: hidmapd's uinput devices differ from the kernel's "
		                 "(- kernel, + hidmapd):",
		                 model);
		snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' | head -n 80", kfile, daemon_path);
		(void)run_shell(cmd);
	} else {
		vm_note("%s: hidmapd's %zu uinput devices and %zu reports are the kernel's", model,
		        n, u->rec->nevents);
	}

	/* 2. ids */
	f = fopen(ids_path, "we");
	if (!f)
		return vm_fail("%s: %s", ids_path, strerror(errno));
	for (size_t i = 0; i < n; i++)
		ps_print_ids(f, o[i].evdev);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s'", kids, ids_path);
	if (run_shell(cmd) != 0)
		status = vm_fail("%s: the ids of hidmapd's uinput devices differ from the kernel's "
		                 "nodes' (- kernel, + hidmapd)",
		                 model);

	/* 3. rumble: the M: lines (the 0x10 reports' bytes) */
	for (size_t i = 0; i < n && ff < 0; i++)
		if (libevdev_has_event_type(o[i].evdev, EV_FF))
			ff = (int)i;
	f = fopen(rumble_path, "we");
	if (!f)
		return vm_fail("%s: %s", rumble_path, strerror(errno));
	fprintf(f, "# %s: hidmapd's rumble output for each effect\n", model);
	/* no EV_FF (the NSO SNES and Genesis pads): no M: lines, as the
	 * kernel's file, whose node has none either (the ids said so) */
	if (ff >= 0 && ps_rumble_check(u, o[ff].fd, f) < 0) {
		fclose(f);
		return vm_fail("%s: the rumble check failed on %s", model, o[ff].devnode);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	         "grep '^M:' '%s' > '%s.want'; grep '^M:' '%s' > '%s.got'; "
	         "diff -u '%s.want' '%s.got'",
	         krumble, rumble_path, rumble_path, rumble_path, rumble_path, rumble_path);
	if (run_shell(cmd) != 0) {
		vm_print_indented("hidmapd's rumble", vm_slurp(rumble_path));
		status = vm_fail("%s: hidmapd's rumble output differs from the kernel's", model);
	}
	return status;
}

/* Waits until the daemon (started at t0) has initialised pad u (noutputs
 * uinput devices, answers outputs answered), then checks them against the
 * kernel's answers for model. */
static int await_and_check(const char *model, struct ps_uhid *u, size_t noutputs, unsigned answers,
                           uint64_t t0)
{
	struct vm_output o[MAX_OUTPUTS];
	uint64_t deadline = t0 + 60000000u;
	size_t n = 0;
	int r;

	memset(o, 0, sizeof(o));
	while ((n = find_outputs(u->hidraw, o, MAX_OUTPUTS)) < noutputs || u->answered < answers) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail(
			    "%s: within 60 s hidmapd created %zu of %zu uinput devices for "
			    "/dev/%s and the pad answered %u of %u outputs",
			    model, n, noutputs, u->hidraw, u->answered, answers);
		vm_sleep_ms(10);
	}
	vm_sleep_ms(300); /* the last reply's way through the daemon */
	vm_note("%s: %zu uinput devices, %u outputs answered, after %.0f ms", model, n, u->answered,
	        (double)(vm_now_us() - t0) / 1000.0);
	if (vm_outputs_open(o, n, O_RDWR | O_NONBLOCK) < 0)
		return -1;
	r = check_model(model, u, o, n);
	vm_outputs_close(o, n);
	return r;
}

/* model, its number of nodes (gamepad and IMU; the NSO pads have no
 * IMU), and how many outputs the pad answers before the daemon has it
 * initialised (USB commands but 80 04; subcommands: device info, six SPI
 * reads, IMU, report mode, vibration, player LEDs, home LED but on a left
 * Joy-Con) */
static int run_model(const char *model, size_t noutputs, unsigned answers)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *u = NULL;
	char rec[PATH_MAX];
	uint64_t t0;
	int r;

	snprintf(rec, sizeof(rec), "%s/../switch/%s.hid", vm_kdata_dir, model);
	if (model_uhid_new(model, rec, NULL, &u) < 0)
		return -1;

	vm_warm_up();
	if (vm_daemon_start(NULL, &t0) < 0)
		return -1;
	r = await_and_check(model, u, noutputs, answers, t0);
	vm_daemon_kill();
	return r;
}

int scenario_nsw_pro_usb(void)
{
	return run_model("pro-usb", 2, 3 + 12);
}

int scenario_nsw_pro_bt(void)
{
	return run_model("pro-bt", 2, 12);
}

int scenario_nsw_jcl_bt(void)
{
	return run_model("jcl-bt", 2, 11);
}

int scenario_nsw_jcr_bt(void)
{
	return run_model("jcr-bt", 2, 12);
}

/* the NSO pads: no IMU; sticks and rumble on the N64 pad only */
int scenario_nsw_snes_bt(void)
{
	return run_model("snes-bt", 1, 3);
}

int scenario_nsw_n64_bt(void)
{
	return run_model("n64-bt", 1, 8);
}

int scenario_nsw_gen_usb(void)
{
	return run_model("gen-usb", 1, 3 + 3);
}

/* the Genesis pad over Bluetooth says 2017 (the SNES pad's ID): the node
 * is the one its device info's type names */
int scenario_nsw_gen_bt(void)
{
	return run_model("gen-bt", 1, 3);
}

/* each half of the charging grip (200e, USB): the half its device info
 * names, as a Joy-Con without SL/SR; the home LED on the right one only */
int scenario_nsw_grip_l_usb(void)
{
	return run_model("grip-l-usb", 2, 3 + 11);
}

int scenario_nsw_grip_r_usb(void)
{
	return run_model("grip-r-usb", 2, 3 + 12);
}

/* ---- nsw-silent-pad ---- */

/* Writes report data to u and waits for an EV_KEY on fd: the latency in
 * µs, or UINT64_MAX after 2 s. */
static uint64_t key_latency(struct ps_uhid *u, int fd, const uint8_t *data, size_t size)
{
	uint64_t t0 = vm_now_us(), deadline = t0 + 2000000u;

	if (ps_uhid_input(u, data, size) < 0)
		return UINT64_MAX;
	while (vm_now_us() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		struct input_event ev[64];
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		n = read(fd, ev, sizeof(ev));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			if (ev[i].type == EV_KEY)
				return vm_now_us() - t0;
	}
	return UINT64_MAX;
}

/* Key latencies of a window of presses: the worst, and how many of them
 * were later than `limit` (µs) */
struct latency_window {
	uint64_t worst, limit, worst_at; /* worst_at: vm_now_us() when it was sent */
	unsigned total, late;
};

/* n presses and releases of button A on pad u, added to w. */
static void measure_latency(struct ps_uhid *u, int fd, unsigned n, struct latency_window *w)
{
	const struct hm_recording_event *rest = &u->rec->events[0], *a = &u->rec->events[1];

	for (unsigned i = 0; i < 2 * n; i++) {
		const struct hm_recording_event *e = i % 2 ? rest : a;
		uint64_t at = vm_now_us(), l = key_latency(u, fd, e->data, e->size);

		if (l > w->worst) {
			w->worst = l;
			w->worst_at = at;
		}
		w->total++;
		if (l > w->limit)
			w->late++;
		vm_sleep_ms(15); /* a pad's report interval */
	}
}

/*
 * A pad that never answers costs the loop nothing: an answered Pro
 * Controller (Bluetooth) is driven; its button latency is measured alone,
 * then while a second Pro Controller (USB), whose pad answers nothing, is
 * plugged and sits `initializing` (its handshake, device info and the
 * rest time out, 1 s a try), for as long as the daemon sends it requests.
 * The second window's worst latency must stay within 50 ms of the
 * first's.
 */
int scenario_nsw_silent_pad(void)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *a = NULL;
	_cleanup_(ps_uhid_freep) struct ps_uhid *b = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char rec[PATH_MAX];
	struct latency_window base = {.limit = UINT64_MAX}, during = {0};
	uint64_t t0, deadline;
	size_t n = 0, nb = 0;
	int r;

	memset(o, 0, sizeof(o));
	snprintf(rec, sizeof(rec), "%s/../switch/pro-bt.hid", vm_kdata_dir);
	r = ps_uhid_new(rec, NULL, &a);
	if (r >= 0)
		r = ps_uhid_wait_bound(a, PS_BIND_TIMEOUT);
	if (r < 0 || !a->hidraw[0])
		return vm_fail("pro-bt: the uhid device was not bound");
	vm_warm_up();
	if (vm_daemon_start(NULL, &t0) < 0)
		return -1;
	deadline = t0 + 60000000u;
	while ((n = find_outputs(a->hidraw, o, MAX_OUTPUTS)) < 2 || a->answered < 12) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail("pro-bt: not initialised within 60 s");
		vm_sleep_ms(10);
	}
	vm_sleep_ms(300);
	if (vm_output_open(&o[0], O_RDONLY | O_NONBLOCK) < 0)
		return -1;
	measure_latency(a, o[0].fd, 20, &base);

	/* the silent pad: its outputs go unanswered */
	snprintf(rec, sizeof(rec), "%s/../switch/pro-usb.hid", vm_kdata_dir);
	r = ps_uhid_new(rec, NULL, &b);
	if (r >= 0) {
		b->switch_pad = false;
		r = ps_uhid_wait_bound(b, PS_BIND_TIMEOUT);
	}
	if (r < 0 || !b->hidraw[0]) {
		vm_outputs_close(o, 1);
		return vm_fail("pro-usb: the uhid device was not bound");
	}
	{
		struct vm_output ob[MAX_OUTPUTS];

		deadline = vm_now_us() + 30000000u;
		while ((nb = find_outputs(b->hidraw, ob, MAX_OUTPUTS)) < 2 ||
		       ps_uhid_noutputs(b) == 0) {
			if (vm_now_us() > deadline || !vm_daemon_alive()) {
				vm_outputs_close(o, 1);
				return vm_fail("pro-usb: the daemon did not take the silent pad");
			}
			vm_sleep_ms(10);
		}
	}
	/* Measured for as long as the daemon keeps asking the silent pad (its
	 * init's timeouts and retries), until 1.5 s pass with no new request
	 * (at most 15 s): the whole of the silent pad's init, not only its
	 * start.  Judged as issue 26's VM scenarios judge a window (see
	 * report-path.c): a blocked loop delays every report for as long as
	 * it is blocked; the emulator alone delays a lone report now and then
	 * (80-170 ms seen with the daemon idle).  So: no report later than
	 * 1 s, and at most 1 in 50 (at least 1) later than the worst alone +
	 * 50 ms. */
	during.limit = base.worst + 50000u;
	{
		uint64_t start = vm_now_us(), last_new = start;
		unsigned sent = ps_uhid_noutputs(b);

		do {
			measure_latency(a, o[0].fd, 10, &during);
			if (ps_uhid_noutputs(b) != sent) {
				sent = ps_uhid_noutputs(b);
				last_new = vm_now_us();
			}
		} while (vm_now_us() - last_new < 1500000u && vm_now_us() - start < 15000000u);
		vm_note("silent pad: %u outputs sent to it in a window of %.1f s (the last %.1f s "
		        "into it), none answered; the answered pad's worst key latency %.1f ms "
		        "alone, %.1f ms while the silent one initialised (%.2f s into the window), "
		        "%u of %u reports later than %.1f ms",
		        sent, (double)(vm_now_us() - start) / 1e6, (double)(last_new - start) / 1e6,
		        (double)base.worst / 1000.0, (double)during.worst / 1000.0,
		        (double)(during.worst_at - start) / 1e6, during.late, during.total,
		        (double)during.limit / 1000.0);
	}
	vm_outputs_close(o, 1);
	vm_daemon_kill();
	if (during.worst > 1000000u || during.late > (during.total / 50 ? during.total / 50 : 1))
		return vm_fail("the silent pad delayed the other pad's reports by more than 50 ms");
	return 0;
}

/* ---- nsw-bt-drop ---- */

/*
 * A Bluetooth Pro Controller that goes away in the middle of its init (the
 * connection lost once it has answered its device info and two SPI reads,
 * with the next request unanswered),
 * then comes back: the daemon stays up, keeps nothing of the first (no
 * uinput device left for it), and initialises the second as 6.12's
 * hid-nintendo does (the pro-bt model's check: nodes, events, ids, rumble).
 */
int scenario_nsw_bt_drop(void)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *u = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char rec[PATH_MAX], first[sizeof(u->hidraw)];
	uint64_t t0, deadline;
	unsigned answered;
	size_t n;
	int r;

	snprintf(rec, sizeof(rec), "%s/../switch/pro-bt.hid", vm_kdata_dir);
	vm_warm_up();
	if (vm_daemon_start(NULL, &t0) < 0)
		return -1;
	r = ps_uhid_new(rec, NULL, &u);
	if (r >= 0) {
		u->answer_limit = 3;
		r = ps_uhid_wait_bound(u, PS_BIND_TIMEOUT);
	}
	if (r < 0 || !u->hidraw[0])
		return vm_fail("pro-bt: the uhid device was not bound");
	/* its fourth request sent, unanswered: the link drops */
	deadline = vm_now_us() + 30000000u;
	while (ps_uhid_noutputs(u) <= 3) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail(
			    "pro-bt: the daemon did not get to its fourth request in 30 s");
		vm_sleep_ms(5);
	}
	answered = u->answered;
	snprintf(first, sizeof(first), "%s", u->hidraw);
	ps_uhid_free(u); /* the connection lost */
	u = NULL;
	vm_note("pro-bt: /dev/%s gone after %u answers, in the middle of its init", first,
	        answered);
	if (answered != 3)
		return vm_fail("pro-bt: %u answers before the link dropped, expected 3", answered);
	/* its virtual devices kept for the replug grace (3 s), then removed */
	deadline = vm_now_us() + 10000000u;
	while ((n = find_outputs(first, o, MAX_OUTPUTS)) > 0) {
		if (vm_now_us() > deadline)
			return vm_fail("%zu uinput devices of the lost /dev/%s left after 10 s", n,
			               first);
		if (!vm_daemon_alive())
			return vm_fail("the daemon died when the pad was lost during its init");
		vm_sleep_ms(20);
	}
	if (!vm_daemon_alive())
		return vm_fail("the daemon died when the pad was lost during its init");

	/* back, answering: initialised as the kernel does */
	r = ps_uhid_new(rec, NULL, &u);
	if (r >= 0)
		r = ps_uhid_wait_bound(u, PS_BIND_TIMEOUT);
	if (r < 0 || !u->hidraw[0])
		return vm_fail("pro-bt: the uhid device was not bound again");
	r = await_and_check("pro-bt", u, 2, 12, vm_now_us());
	vm_daemon_kill();
	return r;
}

/* ---- nsw-jc-pair, nsw-jc-sideways (beyond the kernel: expectations from
 * issue 23's rules, not from a kernel) ---- */

/* The button bits of a Joy-Con's input report, bytes 3..5 as one
 * little-endian number (vendor research note §3: right byte, shared
 * byte, left byte). */
#define JC_A    (1u << 3)
#define JC_R    (1u << 6)
#define JC_DOWN (1u << 16)
#define JC_UP   (1u << 17)
#define JC_SR_L (1u << 20)
#define JC_SL_L (1u << 21)
#define JC_L    (1u << 22)
#define JC_PAIR 0x2008 /* a Joy-Con pair's product ID */
#define JC_NAME "Nintendo Switch Combined Joy-Cons"

/* The recording's first (resting) full report with buttons held. */
static int jc_press(struct ps_uhid *u, uint32_t btns)
{
	uint8_t r[64];
	size_t n = u->rec->events[0].size < sizeof(r) ? u->rec->events[0].size : sizeof(r);

	memcpy(r, u->rec->events[0].data, n);
	r[3] = (uint8_t)btns;
	r[4] = (uint8_t)(btns >> 8);
	r[5] = (uint8_t)(btns >> 16);
	return ps_uhid_input(u, r, n);
}

static int jc_new(const char *model, struct ps_uhid **ret)
{
	char rec[PATH_MAX];
	int r;

	snprintf(rec, sizeof(rec), "%s/../switch/%s.hid", vm_kdata_dir, model);
	r = ps_uhid_new(rec, NULL, ret);
	if (r >= 0)
		r = ps_uhid_wait_bound(*ret, PS_BIND_TIMEOUT);
	if (r < 0 || !(*ret)->hidraw[0])
		return vm_fail("%s: the uhid device was not bound", model);
	return 0;
}

/* Whether hidraw's daemon nodes are exactly those with the K in want
 * (n of them). */
static bool jc_nodes(const char *hidraw, const unsigned *want, size_t n)
{
	struct vm_output o[MAX_OUTPUTS];
	size_t got = find_outputs(hidraw, o, MAX_OUTPUTS);

	if (got != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (o[i].index != want[i])
			return false;
	return true;
}

/* Opens hidraw's node K into *o: 0, or vm_fail(). */
static int jc_open(const char *hidraw, unsigned k, struct vm_output *o, int flags)
{
	struct vm_output all[MAX_OUTPUTS];
	size_t n = find_outputs(hidraw, all, MAX_OUTPUTS);

	for (size_t i = 0; i < n; i++)
		if (all[i].index == k) {
			*o = all[i];
			return vm_output_open(o, flags);
		}
	return vm_fail("/dev/%s: no node input%u", hidraw, k);
}

/* Waits up to 3 s for the event (type, code, value) on o's node. */
static bool jc_expect(struct vm_output *o, unsigned type, unsigned code, int value)
{
	uint64_t deadline = vm_now_us() + 3000000u;

	while (vm_now_us() < deadline) {
		struct pollfd p = {.fd = o->fd, .events = POLLIN};
		struct input_event ev[64];
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		n = read(o->fd, ev, sizeof(ev));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			if (ev[i].type == type && ev[i].code == code && ev[i].value == value)
				return true;
	}
	return false;
}

/* The rumble bytes (8, after ID and counter) of the first 0x10 report
 * with a motor on that u got from its output number from on: true and
 * ret, false after 3 s. */
static bool jc_rumble_out(struct ps_uhid *u, unsigned from, uint8_t *ret)
{
	static const uint8_t idle[8] = {0x00, 0x01, 0x40, 0x40, 0x00, 0x01, 0x40, 0x40};
	uint64_t deadline = vm_now_us() + 3000000u;

	while (vm_now_us() < deadline) {
		for (unsigned i = from; i < ps_uhid_noutputs(u); i++) {
			uint8_t b[PS_OUTPUT_MAX];
			size_t n = ps_uhid_output(u, i, b);

			if (n >= 10 && b[0] == 0x10 && memcmp(b + 2, idle, 8) &&
			    memcmp(b + 2, "\0\0\0\0\0\0\0\0", 8)) {
				memcpy(ret, b + 2, 8);
				return true;
			}
		}
		vm_sleep_ms(10);
	}
	return false;
}

/* A rumble effect played on the pair's node (o, opened read-write)
 * reaches both halves, the same bytes to each: true, or false after
 * vm_note() said what did not come. */
static bool jc_rumble_both(struct vm_output *o, struct ps_uhid *l, struct ps_uhid *r)
{
	struct ff_effect e = {.type = FF_RUMBLE,
	                      .id = -1,
	                      .u.rumble = {.strong_magnitude = 0xffff, .weak_magnitude = 0x8000},
	                      .replay = {.length = 500}};
	struct input_event play = {.type = EV_FF, .value = 1};
	unsigned from_l = ps_uhid_noutputs(l), from_r = ps_uhid_noutputs(r);
	uint8_t bl[8], br[8];

	if (ioctl(o->fd, EVIOCSFF, &e) < 0) {
		vm_note("EVIOCSFF on the combined node: %m");
		return false;
	}
	play.code = (uint16_t)e.id;
	if (write(o->fd, &play, sizeof(play)) != (ssize_t)sizeof(play)) {
		vm_note("playing the effect: %m");
		return false;
	}
	if (!jc_rumble_out(l, from_l, bl)) {
		vm_note("rumble: no 0x10 report with a motor on to the left half");
		return false;
	}
	if (!jc_rumble_out(r, from_r, br)) {
		vm_note("rumble: no 0x10 report with a motor on to the right half");
		return false;
	}
	if (memcmp(bl, br, 8)) {
		vm_note("rumble: the halves got different bytes");
		return false;
	}
	return true;
}

/* The argument of the last player-LED subcommand (01 .. 30 xx) u got,
 * -1: none. */
static int jc_leds(struct ps_uhid *u)
{
	int v = -1;

	for (unsigned i = 0; i < ps_uhid_noutputs(u); i++) {
		uint8_t b[PS_OUTPUT_MAX];
		size_t n = ps_uhid_output(u, i, b);

		if (n >= 12 && b[0] == 0x01 && b[10] == 0x30)
			v = b[11];
	}
	return v;
}

/* Waits up to 3 s for both halves' LEDs to show one pattern: it, or -1. */
static int jc_leds_same(struct ps_uhid *l, struct ps_uhid *r)
{
	uint64_t deadline = vm_now_us() + 3000000u;

	while (vm_now_us() < deadline) {
		int a = jc_leds(l), b = jc_leds(r);

		if (a > 0 && a == b)
			return a;
		vm_sleep_ms(20);
	}
	return -1;
}

/*
 * Two Joy-Cons, L and R (uhid, answered as tests/lib/switch-pad.h's pad),
 * the daemon with no config: each half alone first (its gamepad and IMU
 * nodes, K 0 and 1); L held on the left half while R is held on the right
 * makes one controller: the halves' own nodes go, the right half's K 3
 * ("Nintendo Switch Combined Joy-Cons", 057e:2008, the Pro Controller's
 * codes: hat, BTN_EAST for A) and K 4 (its IMU) come.  Up on the left
 * half's d-pad is the pair's ABS_HAT0Y -1, A on the right half its
 * BTN_EAST.  The halves' player LEDs show two numbers alone, one (the
 * pair's) paired.
 */
int scenario_nsw_jc_pair(void)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *l = NULL;
	_cleanup_(ps_uhid_freep) struct ps_uhid *r = NULL;
	static const unsigned single[] = {0, 1}, pair[] = {3, 4};
	struct vm_output o = {.fd = -1};
	uint64_t t0, deadline;
	int own_l, own_r;
	bool ok;

	if (jc_new("jcl-bt", &l) < 0 || jc_new("jcr-bt", &r) < 0)
		return -1;
	vm_warm_up();
	if (vm_daemon_start(NULL, &t0) < 0)
		return -1;
	/* both taken by the daemon: each half's own nodes */
	deadline = t0 + 60000000u;
	while (!jc_nodes(l->hidraw, single, 2) || !jc_nodes(r->hidraw, single, 2)) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail("the Joy-Cons' own nodes did not come within 60 s");
		vm_sleep_ms(20);
	}
	/* each half's init sets its own player LEDs */
	while ((own_l = jc_leds(l)) <= 0 || (own_r = jc_leds(r)) <= 0) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail("the Joy-Cons' player LEDs were not set within 60 s");
		vm_sleep_ms(20);
	}
	/* L and R held together, again and again until the pair appears
	 * (the halves initialise meanwhile: reports before that emit
	 * nothing) */
	while (!jc_nodes(r->hidraw, pair, 2)) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail("L+R held: no combined controller within 60 s");
		jc_press(l, JC_L);
		jc_press(r, JC_R);
		vm_sleep_ms(30);
	}
	vm_note("paired %.1f s after the daemon started", (double)(vm_now_us() - t0) / 1e6);
	{
		int both;

		/* each half set its own at init (plug order: two numbers) */
		if (own_l <= 0 || own_r <= 0 || own_l == own_r)
			return vm_fail("alone, the halves' player LEDs were 0x%x and 0x%x, "
			               "expected two patterns",
			               own_l, own_r);
		both = jc_leds_same(l, r);
		if (both < 0 || (both != own_l && both != own_r))
			return vm_fail("paired, the halves' player LEDs are 0x%x and 0x%x, "
			               "expected one of their own patterns on both",
			               jc_leds(l), jc_leds(r));
		vm_note("player LEDs 0x%x (left) and 0x%x (right) alone, 0x%x on both paired",
		        own_l, own_r, both);
	}
	vm_sleep_ms(200);
	if (!jc_nodes(l->hidraw, NULL, 0))
		return vm_fail("paired: the left half still has nodes of its own");
	if (jc_open(r->hidraw, 3, &o, O_RDWR | O_NONBLOCK) < 0)
		return -1;
	ok = streq(libevdev_get_name(o.evdev), JC_NAME) &&
	     libevdev_get_id_vendor(o.evdev) == 0x057e &&
	     libevdev_get_id_product(o.evdev) == JC_PAIR &&
	     libevdev_has_event_code(o.evdev, EV_ABS, ABS_HAT0X) &&
	     libevdev_has_event_code(o.evdev, EV_ABS, ABS_RX) &&
	     libevdev_has_event_code(o.evdev, EV_KEY, BTN_EAST) &&
	     !libevdev_has_event_code(o.evdev, EV_KEY, BTN_DPAD_UP) &&
	     libevdev_has_event_type(o.evdev, EV_FF);
	if (!ok) {
		vm_outputs_close(&o, 1);
		return vm_fail("the combined node is not the Pro layout: '%s' %04x:%04x",
		               libevdev_get_name(o.evdev), libevdev_get_id_vendor(o.evdev),
		               libevdev_get_id_product(o.evdev));
	}
	jc_press(l, 0);
	jc_press(r, 0);
	vm_sleep_ms(100);
	jc_press(l, JC_UP);
	ok = jc_expect(&o, EV_ABS, ABS_HAT0Y, -1);
	if (ok) {
		jc_press(r, JC_A);
		ok = jc_expect(&o, EV_KEY, BTN_EAST, 1);
	}
	if (!ok) {
		vm_outputs_close(&o, 1);
		return vm_fail("the halves' buttons did not reach the combined node");
	}
	ok = jc_rumble_both(&o, l, r);
	if (!ok) {
		vm_outputs_close(&o, 1);
		return vm_fail("rumble on the combined node did not reach both halves alike");
	}
	vm_note("one combined node: left d-pad up as ABS_HAT0Y -1, right A as BTN_EAST; "
	        "rumble on it sent to both halves, the same bytes");

	/* the right half (the pair's nodes are its) drops and comes back
	 * within the replug grace: the combined node stays, the same one
	 * (still open here), and the returning half's A reaches it again */
	jc_press(r, 0);
	vm_sleep_ms(100);
	ps_uhid_free(steal(&r));
	vm_sleep_ms(500);
	ok = access(o.devnode, F_OK) == 0;
	if (ok && jc_new("jcr-bt", &r) < 0) {
		vm_outputs_close(&o, 1);
		return -1;
	}
	deadline = vm_now_us() + 30000000u;
	while (ok && !jc_expect(&o, EV_KEY, BTN_EAST, 1)) {
		if (vm_now_us() > deadline || !vm_daemon_alive()) {
			ok = false;
			break;
		}
		jc_press(r, 0);
		vm_sleep_ms(30);
		jc_press(r, JC_A);
	}
	/* still paired: the left half has no nodes of its own */
	ok = ok && jc_nodes(l->hidraw, NULL, 0);
	if (!ok) {
		vm_outputs_close(&o, 1);
		return vm_fail(
		    "the right half came back: the combined node did not stay and serve it");
	}
	vm_note("the right half dropped and came back: the same combined node, its A arrives");

	/* the left half the same: its d-pad reaches the same node again */
	jc_press(l, 0);
	vm_sleep_ms(100);
	ps_uhid_free(steal(&l));
	vm_sleep_ms(500);
	ok = access(o.devnode, F_OK) == 0;
	if (ok && jc_new("jcl-bt", &l) < 0) {
		vm_outputs_close(&o, 1);
		return -1;
	}
	deadline = vm_now_us() + 30000000u;
	while (ok && !jc_expect(&o, EV_ABS, ABS_HAT0Y, -1)) {
		if (vm_now_us() > deadline || !vm_daemon_alive()) {
			ok = false;
			break;
		}
		jc_press(l, 0);
		vm_sleep_ms(30);
		jc_press(l, JC_UP);
	}
	vm_outputs_close(&o, 1);
	vm_daemon_kill();
	if (!ok)
		return vm_fail("the left half came back: the combined node did not serve it");
	vm_note("the left half dropped and came back: its d-pad on the same combined node");
	return 0;
}

/*
 * One Joy-Con (L) alone: SL+SR held turns it sideways: its gamepad node
 * (K 0) goes, its sideways node (K 2, "Joy-Con (L) (sideways)") comes,
 * the IMU (K 1) stays; turned a quarter anticlockwise, the d-pad's down
 * button is now on the right: BTN_EAST.
 */
int scenario_nsw_jc_sideways(void)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *l = NULL;
	static const unsigned sideways[] = {1, 2};
	struct vm_output o = {.fd = -1};
	uint64_t t0, deadline;
	bool ok;

	if (jc_new("jcl-bt", &l) < 0)
		return -1;
	vm_warm_up();
	if (vm_daemon_start(NULL, &t0) < 0)
		return -1;
	deadline = t0 + 60000000u;
	while (!jc_nodes(l->hidraw, sideways, 2)) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail("SL+SR held: no sideways node within 60 s");
		jc_press(l, JC_SL_L | JC_SR_L);
		vm_sleep_ms(30);
	}
	if (jc_open(l->hidraw, 2, &o, O_RDONLY | O_NONBLOCK) < 0)
		return -1;
	ok = streq(libevdev_get_name(o.evdev), "Joy-Con (L) (sideways)") &&
	     libevdev_has_event_code(o.evdev, EV_KEY, BTN_EAST) &&
	     !libevdev_has_event_code(o.evdev, EV_KEY, BTN_DPAD_DOWN);
	if (ok) {
		jc_press(l, 0);
		vm_sleep_ms(50);
		jc_press(l, JC_DOWN);
		ok = jc_expect(&o, EV_KEY, BTN_EAST, 1);
	}
	vm_outputs_close(&o, 1);
	vm_daemon_kill();
	if (!ok)
		return vm_fail("the sideways node is not the turned layout");
	vm_note("sideways: its own node replaced, down on the d-pad as BTN_EAST");
	return 0;
}
