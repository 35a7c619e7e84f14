/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of decoding: one report through the generic module, the core
 * (remapper, virtual device state) and a counting sink, for a mouse, a
 * boot keyboard and a gamepad; and the ShuttleXpress through its C module
 * and through its layout (the layout language's cost: issue 14 asks for at
 * most twice the module's).  Each case alternates two reports that
 * change the device's state, so that every report produces events.
 *
 * Prints, per case, the time per report (best of ROUNDS runs), the events
 * per report, and the allocations per report made while the timed loop
 * ran (malloc/calloc/realloc calls, counted by wrappers below; decoding
 * allocates everything in probe, so this must be 0).  Not a test: it
 * asserts nothing.
 *
 *   bench-decode [REPORTS]                 every case, REPORTS per round (default 1000000)
 *   bench-decode --case NAME REPORTS       one case, untimed, for an instruction count:
 *     valgrind --tool=callgrind --callgrind-out-file=/dev/null bench-decode --case NAME 0
 *     valgrind --tool=callgrind --callgrind-out-file=/dev/null bench-decode --case NAME 100000
 *   instructions per report = (Collected of the second - Collected of the first) / 100000.
 *   bench-decode --instructions            runs those two itself when valgrind is installed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config-layout.h"
#include "device.h"

#define DEFAULT_REPORTS     1000000u
#define ROUNDS              5
#define WARMUP_REPORTS      10000u
#define INSTRUCTION_REPORTS 100000u

#include "alloc-count.h"
#include "module-select.h"

/* The module the selection policy asks first (module-select.h). */
static bool select_first(const struct hm_config *c, const struct hm_device_info *info,
                         const struct hm_module **ret_module,
                         const struct hm_config_device **ret_cfg)
{
	struct hm_module_chain chain;
	bool driven = hm_module_select(c, info, &chain, ret_cfg);

	*ret_module = hm_module_chain_first(&chain);
	return driven;
}

/* ---- the cases ------------------------------------------------------------- */

/* HID 1.11 Appendix E.10: boot mouse, 3 buttons, X, Y, wheel */
static const uint8_t mouse_rdesc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09, 0x19,
    0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02,
    0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09,
    0x38, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06, 0xc0, 0xc0,
};
/* left button and a motion, then release and the motion back */
static const uint8_t mouse_reports[2][4] = {{0x01, 0x05, 0xfb, 0x01}, {0x00, 0xfb, 0x05, 0xff}};

/* HID 1.11 Appendix B.1 / E.6: boot keyboard, modifiers, LEDs, 6-key array */
static const uint8_t keyboard_rdesc[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01,
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01,
    0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06,
    0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
};
/* Left Shift + a + b pressed, then everything released */
static const uint8_t keyboard_reports[2][8] = {{0x02, 0x00, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00},
                                               {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}};

/*
 * The report descriptor of tests/data/corpus/gamepad/sony-054c-1000.hid
 * (bentiss/hid-devices events/gamecontroller/sony_054c_1000.hid, "Namtai
 * Wbuzz"): a Joystick application, X and Y 8-bit, 20 buttons, 4 vendor
 * bits, a 7-byte vendor output report.
 */
static const uint8_t gamepad_rdesc[] = {
    0x05, 0x01, 0x09, 0x04, 0xa1, 0x01, 0xa1, 0x02, 0x75, 0x08, 0x95, 0x02, 0x15, 0x00, 0x26, 0xff,
    0x00, 0x35, 0x00, 0x46, 0xff, 0x00, 0x09, 0x30, 0x09, 0x31, 0x81, 0x02, 0x75, 0x01, 0x95, 0x14,
    0x25, 0x01, 0x45, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x14, 0x81, 0x02, 0x06, 0x00, 0xff, 0x75,
    0x01, 0x95, 0x04, 0x25, 0x01, 0x45, 0x01, 0x09, 0x01, 0x81, 0x02, 0xc0, 0xa1, 0x02, 0x75, 0x08,
    0x95, 0x07, 0x46, 0xff, 0x00, 0x26, 0xff, 0x00, 0x09, 0x02, 0x91, 0x02, 0xc0, 0xc0,
};
/* The first is a report of the recording (button 16); the second moves
 * both axes and presses button 8 instead. */
static const uint8_t gamepad_reports[2][5] = {{0x00, 0x00, 0x00, 0x80, 0xf0},
                                              {0xff, 0x80, 0x80, 0x00, 0xf0}};

/* The ShuttleXpress (0b33:0020) through its C module and through the same
 * report described as a layout (tests/data/layouts/shuttlexpress.ini):
 * ring, jog step and a button change in every report. */
static const uint8_t shuttle_reports[2][5] = {{0x03, 0x01, 0x00, 0x10, 0x00},
                                              {0xfd, 0x00, 0x00, 0x00, 0x01}};
static const char shuttle_layout[] = "[device s]\n"
                                     "match = 0b33:0020\n"
                                     "layout = shuttlexpress\n"
                                     "[layout shuttlexpress]\n"
                                     "report = 0\n"
                                     "length = 5\n"
                                     "jog = u8 1 counter -> REL_DIAL\n"
                                     "ring = s8 0 -> ABS_WHEEL min=-7 max=7 strict\n"
                                     "buttons = bits 3.4 count=5 -> BTN_0\n";

/*
 * The DualShock 4 v2 (054c:09cc) and the DualSense (054c:0ce6) over USB,
 * every field changing in every report (issue 13's budget for a report
 * that moves everything, not just the motion sensors): both sticks,
 * both triggers, Cross and the d-pad, the gyro, the accelerometer, the
 * timestamp and one finger moving on the touchpad.  The layouts are
 * hid-playstation's struct dualshock4_input_report_common and
 * struct dualsense_input_report (the offsets below are those structs').
 */
struct ps_fields {
	uint8_t lx, ly, rx, ry, l2, r2, buttons0;
	int16_t gyro, accel;
	uint32_t timestamp;
	int tx, ty;
};

static const struct ps_fields ps_fields[2] = {
    {0x30, 0xd0, 0x60, 0xa0, 0x40, 0xc0, 0x20 | 0x00, 120, 8000, 1000, 500, 400},
    {0xc8, 0x28, 0xa8, 0x58, 0xb0, 0x10, 0x08, -90, 8300, 4000, 560, 430},
};
/* ...and the most common report: only the motion sensors and the
 * timestamp change (the pad held still, Cross held, a finger resting) */
static const struct ps_fields ps_imu_fields[2] = {
    {0x30, 0xd0, 0x60, 0xa0, 0x40, 0xc0, 0x20 | 0x00, 120, 8000, 1000, 500, 400},
    {0x30, 0xd0, 0x60, 0xa0, 0x40, 0xc0, 0x20 | 0x00, -90, 8300, 4000, 500, 400},
};

static void ps_put16(uint8_t *p, int v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)((v >> 8) & 0xff);
}

/* a touch point: contact byte (bit 7: lifted), then x and y in 12 bits each */
static void ps_point(uint8_t *p, uint8_t id, int x, int y)
{
	p[0] = id & 0x7f;
	p[1] = (uint8_t)(x & 0xff);
	p[2] = (uint8_t)(((x >> 8) & 0x0f) | ((y & 0x0f) << 4));
	p[3] = (uint8_t)(y >> 4);
}

static uint8_t ds4_reports[2][64], ds5_reports[2][64];
static uint8_t ds4_imu_reports[2][64], ds5_imu_reports[2][64];

static void ps_build_reports(void)
{
	for (int k = 0; k < 4; k++) {
		int i = k & 1;
		const struct ps_fields *f = k < 2 ? &ps_fields[i] : &ps_imu_fields[i];
		uint8_t *c = (k < 2 ? ds4_reports[i] : ds4_imu_reports[i]) + 1;
		uint8_t *p = (k < 2 ? ds5_reports[i] : ds5_imu_reports[i]) + 1;

		c[-1] = 0x01; /* DS4_INPUT_REPORT_USB */
		c[0] = f->lx, c[1] = f->ly, c[2] = f->rx, c[3] = f->ry;
		c[4] = f->buttons0; /* hat (low nibble) and Cross (0x20) */
		c[7] = f->l2, c[8] = f->r2;
		ps_put16(c + 9, (int)(f->timestamp & 0xffff));
		for (int a = 0; a < 3; a++) {
			ps_put16(c + 12 + 2 * a, f->gyro * (a + 1));
			ps_put16(c + 18 + 2 * a, f->accel - 100 * a);
		}
		c[29] = 0x1b; /* cable, battery level 11 */
		c[32] = 1;    /* one touch report */
		ps_point(c + 34, 1, f->tx, f->ty);
		c[38] = 0x80; /* the second point lifted */

		p[-1] = 0x01; /* DS_INPUT_REPORT_USB */
		p[0] = f->lx, p[1] = f->ly, p[2] = f->rx, p[3] = f->ry;
		p[4] = f->l2, p[5] = f->r2;
		p[7] = f->buttons0;
		for (int a = 0; a < 3; a++) {
			ps_put16(p + 15 + 2 * a, f->gyro * (a + 1));
			ps_put16(p + 21 + 2 * a, f->accel - 100 * a);
		}
		for (int b = 0; b < 4; b++)
			p[27 + b] = (uint8_t)(f->timestamp >> (8 * b));
		ps_point(p + 32, 1, f->tx, f->ty);
		p[36] = 0x80;
		p[52] = 0x08; /* discharging, 85 % */
	}
}

/* Feature replies with a sane calibration (gyro +-8000 at 540 + 540,
 * accelerometer +-8192, no bias), the firmware and the pairing info. */
static int ps_fake_get_feature(void *userdata, uint8_t *b, size_t size)
{
	uint8_t id = b[0];
	size_t n;

	(void)userdata;
	memset(b, 0, size);
	b[0] = id;
	switch (id) {
	case 0x02: /* DS4 calibration (USB order) */
	case 0x05: /* DualSense calibration */
		n = id == 0x02 ? 37 : 41;
		for (int a = 0; a < 3; a++) {
			ps_put16(b + 7 + 4 * a, 8000);
			ps_put16(b + 9 + 4 * a, -8000);
			ps_put16(b + 23 + 4 * a, 8192);
			ps_put16(b + 25 + 4 * a, -8192);
		}
		ps_put16(b + 19, 540);
		ps_put16(b + 21, 540);
		break;
	case 0x12: /* DS4 pairing info */
	case 0x09: /* DualSense pairing info */
		n = id == 0x12 ? 16 : 20;
		memcpy(b + 1, "\x11\x22\x33\x44\x55\x66", 6);
		break;
	case 0xa3: /* DS4 firmware */
		n = 49;
		ps_put16(b + 35, 0x0100);
		ps_put16(b + 41, 0x0200);
		break;
	case 0x20: /* DualSense firmware */
		n = 64;
		b[24] = 0x15, b[25] = 0x05, b[28] = 0x10, b[29] = 0x01;
		ps_put16(b + 44, 0x0224);
		break;
	default:
		return -EIO;
	}
	return n > size ? -EMSGSIZE : (int)n;
}

static int ps_fake_write(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata, (void)data;
	return (int)size;
}

static const struct hm_transport ps_transport = {.write = ps_fake_write,
                                                 .get_feature = ps_fake_get_feature};

enum bench_module {
	BENCH_GENERIC,
	BENCH_SHUTTLE_MODULE,
	BENCH_SHUTTLE_LAYOUT,
	BENCH_DS4,
	BENCH_DS5,
};

struct bench_case {
	const char *name;
	enum bench_module module;
	const uint8_t *rdesc;
	size_t rdesc_size;
	const uint8_t *reports[2];
	size_t report_size;
};

static const struct bench_case cases[] = {
    {"mouse",
     BENCH_GENERIC,
     mouse_rdesc,
     sizeof(mouse_rdesc),
     {mouse_reports[0], mouse_reports[1]},
     4},
    {"keyboard",
     BENCH_GENERIC,
     keyboard_rdesc,
     sizeof(keyboard_rdesc),
     {keyboard_reports[0], keyboard_reports[1]},
     8},
    {"gamepad",
     BENCH_GENERIC,
     gamepad_rdesc,
     sizeof(gamepad_rdesc),
     {gamepad_reports[0], gamepad_reports[1]},
     5},
    {"shuttle-module", BENCH_SHUTTLE_MODULE, NULL, 0, {shuttle_reports[0], shuttle_reports[1]}, 5},
    {"shuttle-layout", BENCH_SHUTTLE_LAYOUT, NULL, 0, {shuttle_reports[0], shuttle_reports[1]}, 5},
    {"ds4-usb-full", BENCH_DS4, NULL, 0, {ds4_reports[0], ds4_reports[1]}, 64},
    {"ds5-usb-full", BENCH_DS5, NULL, 0, {ds5_reports[0], ds5_reports[1]}, 64},
    {"ds4-usb-imu", BENCH_DS4, NULL, 0, {ds4_imu_reports[0], ds4_imu_reports[1]}, 64},
    {"ds5-usb-imu", BENCH_DS5, NULL, 0, {ds5_imu_reports[0], ds5_imu_reports[1]}, 64},
};

/* The layout's module, from the layout text loaded once. */
static const struct hm_module *shuttle_layout_module(void)
{
	static struct hm_config *config;
	char path[] = "/tmp/bench-layout-XXXXXX.ini";
	const char *paths[] = {path};
	const struct hm_config_device *cfg;
	const struct hm_module *m = NULL;
	struct hm_device_info info = {.bus = 0x03, .vendor = 0x0b33, .product = 0x0020};
	int fd;

	if (!config) {
		fd = mkstemps(path, 4);
		if (fd < 0)
			return NULL;
		if (write(fd, shuttle_layout, sizeof(shuttle_layout) - 1) < 0) {
			close(fd);
			return NULL;
		}
		close(fd);
		if (hm_config_load(paths, 1, NULL, NULL, &config) < 0)
			config = NULL;
		unlink(path);
		if (!config)
			return NULL;
	}
	select_first(config, &info, &m, &cfg);
	return m;
}

/* ---- a sink that counts ---------------------------------------------------- */

struct counting_sink {
	struct hm_sink base;
	uint64_t frames, events;
};

static int count_add(struct hm_sink *s, const struct libevdev *caps, unsigned ff_effects_max,
                     void **ret)
{
	*ret = s;
	return 0;
}

static void count_frame(struct hm_sink *s, void *h, const struct input_event *ev, const int *raw,
                        size_t n)
{
	struct counting_sink *c = (struct counting_sink *)s;

	c->frames++;
	c->events += n;
}

static void count_remove(struct hm_sink *s, void *h)
{
}

static int count_fd(struct hm_sink *s, void *h)
{
	return -1;
}

static const struct hm_sink_ops count_ops = {count_add, count_frame, count_remove, count_fd,
                                             NULL,      NULL,        NULL};

/* ---- running --------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_device(const struct bench_case *bc, struct counting_sink *sink,
                       struct hm_device **ret)
{
	struct hm_device_info info = {
	    .bus = 0x03, .vendor = 0x1234, .product = 0x5678, .interface = -1};
	struct hm_device_setup setup = {.module = &hm_module_generic, .sink = &sink->base};
	int r;

	if (bc->module == BENCH_DS4 || bc->module == BENCH_DS5) {
		ps_build_reports();
		info.vendor = 0x054c;
		info.product = bc->module == BENCH_DS4 ? 0x09cc : 0x0ce6;
		setup.module = NULL; /* the selection's, by id */
		setup.transport = &ps_transport;
	} else if (bc->module != BENCH_GENERIC) {
		info.vendor = 0x0b33;
		info.product = 0x0020;
		setup.module = bc->module == BENCH_SHUTTLE_MODULE ? hm_module_find("shuttlexpress")
		                                                  : shuttle_layout_module();
		if (!setup.module)
			return -EINVAL;
	}

	memset(sink, 0, sizeof(*sink));
	sink->base.ops = &count_ops;
	snprintf(info.name, sizeof(info.name), "bench %s", bc->name);
	snprintf(info.path, sizeof(info.path), "/dev/hidraw-bench");
	r = hm_device_new(&info, bc->rdesc, bc->rdesc_size, &setup, ret);
	if (r < 0)
		fprintf(stderr, "%s: hm_device_new: %s\n", bc->name, strerror(-r));
	return r;
}

static void run_reports(struct hm_device *dev, const struct bench_case *bc, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		hm_device_process_report(dev, bc->reports[i & 1], bc->report_size, i);
}

static int bench_case(const struct bench_case *bc, uint64_t n)
{
	struct counting_sink sink;
	struct hm_device *dev = NULL;
	uint64_t best = UINT64_MAX, events = 0;
	unsigned long allocs, setup_allocs;

	allocs = atomic_load(&allocations);
	if (open_device(bc, &sink, &dev) < 0)
		return -1;
	/* that the counter counts: probe allocates */
	setup_allocs = atomic_load(&allocations) - allocs;
	allocs = 0;
	run_reports(dev, bc, WARMUP_REPORTS);
	for (int round = 0; round < ROUNDS; round++) {
		unsigned long a0;
		uint64_t e0 = sink.events, t0, t;

		a0 = atomic_load(&allocations);
		t0 = now_ns();
		run_reports(dev, bc, n);
		t = now_ns() - t0;
		allocs += atomic_load(&allocations) - a0;
		events += sink.events - e0;
		if (t < best)
			best = t;
	}
	hm_device_free(dev);

	printf("%-14s %8.1f ns/report  %5.2f events/report", bc->name, (double)best / (double)n,
	       (double)events / ((double)n * ROUNDS));
	if (ALLOCATIONS_COUNTED)
		printf("  allocations per report: %g (setup: %lu)\n",
		       (double)allocs / ((double)n * ROUNDS), setup_allocs);
	else
		printf("  allocations per report: not counted (sanitizer build)\n");
	return 0;
}

/*
 * --switch N: each report after two context switches (a pipe round trip
 * with a child process; run it pinned to one CPU, `taskset -c 0`), as the
 * daemon decodes a report right after being woken.  Under an emulated CPU
 * (QEMU TCG) code that ran before is looked up again after a switch, so
 * this shows the cost of the path when it is cold: the time per report
 * with the decode minus the round trip alone.
 */
static uint64_t round_trips(int to, int from, struct hm_device *dev, const struct bench_case *bc,
                            uint64_t n)
{
	uint64_t t0 = now_ns();
	char c = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
			return 0;
		if (dev)
			hm_device_process_report(dev, bc->reports[i & 1], bc->report_size, i);
	}
	return now_ns() - t0;
}

static int switch_cases(uint64_t n)
{
	int down[2], up[2];
	pid_t child;

	if (pipe(down) < 0 || pipe(up) < 0)
		return 1;
	child = fork();
	if (child == 0) {
		char c;

		close(down[1]);
		close(up[0]);

		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	printf("after two context switches per report (pipe round trip), best of %d rounds of "
	       "%" PRIu64 " reports\n",
	       ROUNDS, n);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct counting_sink sink;
		struct hm_device *dev = NULL;
		uint64_t with = UINT64_MAX, without = UINT64_MAX;

		if (open_device(&cases[i], &sink, &dev) < 0)
			return 1;
		run_reports(dev, &cases[i], WARMUP_REPORTS);
		for (int round = 0; round < ROUNDS; round++) {
			uint64_t a = round_trips(down[1], up[0], NULL, &cases[i], n);
			uint64_t b = round_trips(down[1], up[0], dev, &cases[i], n);

			if (a && a < without)
				without = a;
			if (b && b < with)
				with = b;
		}
		hm_device_free(dev);
		printf("%-9s round trip %8.1f ns, with the report %8.1f ns: %8.1f ns/report\n",
		       cases[i].name, (double)without / (double)n, (double)with / (double)n,
		       ((double)with - (double)without) / (double)n);
	}
	close(down[1]);
	close(up[0]);
	waitpid(child, NULL, 0);
	return 0;
}

/* The untimed run that an instruction counter measures. */
static int count_only(const char *name, uint64_t n)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct counting_sink sink;
		struct hm_device *dev = NULL;

		if (strcmp(cases[i].name, name))
			continue;
		if (open_device(&cases[i], &sink, &dev) < 0)
			return 1;
		run_reports(dev, &cases[i], n);
		hm_device_free(dev);
		return 0;
	}
	fprintf(stderr,
	        "unknown case '%s' (mouse, keyboard, gamepad, shuttle-module, shuttle-layout, "
	        "ds4-usb-full, ds5-usb-full, ds4-usb-imu, ds5-usb-imu)\n",
	        name);
	return 2;
}

/* Runs this program under callgrind for n reports of case name; returns
 * the instruction count, or -1. */
static int64_t callgrind_instructions(const char *name, uint64_t n)
{
	char cmd[512], line[256];
	int64_t collected = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
	         "valgrind --tool=callgrind --callgrind-out-file=/dev/null "
	         "/proc/%ld/exe --case %s %" PRIu64 " 2>&1",
	         (long)getpid(), name, n);
	p = popen(cmd, "re");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		const char *s = strstr(line, "Collected : ");

		if (s)
			collected = strtoll(s + strlen("Collected : "), NULL, 10);
	}
	if (pclose(p) != 0)
		return -1;
	return collected;
}

static int instructions(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t base = callgrind_instructions(cases[i].name, 0);
		int64_t full = callgrind_instructions(cases[i].name, INSTRUCTION_REPORTS);

		if (base < 0 || full < 0) {
			fprintf(stderr,
			        "valgrind --tool=callgrind failed (is valgrind installed?)\n");
			return 1;
		}
		printf("%-14s %8.1f instructions/report\n", cases[i].name,
		       (double)(full - base) / INSTRUCTION_REPORTS);
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = DEFAULT_REPORTS;
	int r = 0;

	if (argc == 4 && !strcmp(argv[1], "--case"))
		return count_only(argv[2], strtoull(argv[3], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "--instructions"))
		return instructions();
	if (argc == 3 && !strcmp(argv[1], "--switch"))
		return switch_cases(strtoull(argv[2], NULL, 10));
	if (argc == 2)
		n = strtoull(argv[1], NULL, 10);
	if (argc > 2 || n == 0) {
		fprintf(stderr,
		        "usage: %s [REPORTS] | --case NAME REPORTS | --instructions | --switch "
		        "REPORTS\n",
		        argv[0]);
		return 2;
	}

	printf(
	    "module (generic, shuttlexpress or its layout) + core + counting sink, best of %d rounds of %" PRIu64
	    " reports\n",
	    ROUNDS, n);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (bench_case(&cases[i], n) < 0)
			r = 1;
	printf("instructions per report: %s --instructions (valgrind --tool=callgrind, "
	       "%u reports minus 0)\n",
	       argv[0], INSTRUCTION_REPORTS);
	return r;
}
