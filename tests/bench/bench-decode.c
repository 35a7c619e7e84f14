/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of decoding: one report through the generic module, the core
 * (remapper, virtual device state) and a counting sink, for a mouse, a
 * boot keyboard and a gamepad; and the ShuttleXpress through its C module
 * and through its layout (the layout language's cost: issue 14 asks for at
 * most twice the module's).  Each case alternates two reports that
 * change the device's state, so that every report produces events.
 * The PlayStation cases (issue 13: decode <= 1 us p50 per report, 0
 * allocations) run the dualshock4 and dualsense modules over USB and
 * Bluetooth on a ring of 64 reports built from the documented layouts
 * (tests/lib/playstation-reports.h): sticks and triggers sweeping,
 * buttons and the hat changing, the gyro and accelerometer moving, the
 * timestamp advancing, one finger moving on the touchpad and lifting every
 * third report, the Bluetooth ones with their CRC; calibration from
 * feature replies answered at probe by a fake transport.
 *
 * Prints, per case, the time per report (best of ROUNDS runs), the median
 * (p50) and p99 time per report over batches of BATCH reports (each batch
 * timed on its own, its time divided by BATCH: a clock read costs about as
 * much as a report, so single reports are not timed), the events
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

#include "descriptors.h"
#include "playstation-reports.h"
#include "layout.h"
#include "device.h"

#define DEFAULT_REPORTS     1000000u
#define ROUNDS              5
#define WARMUP_REPORTS      10000u
#define INSTRUCTION_REPORTS 100000u
#define BATCH               64u
#define PSR_RING            64u

#include "alloc-count.h"
#include "select-first.h"

/* ---- the cases ------------------------------------------------------------- */

/* wheel_mouse (descriptors.h): left button and a motion, then release and
 * the motion back */
static const uint8_t mouse_reports[2][4] = {{0x01, 0x05, 0xfb, 0x01}, {0x00, 0xfb, 0x05, 0xff}};

/* boot_keyboard (descriptors.h): Left Shift + a + b pressed, then
 * everything released */
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

enum bench_module {
	BENCH_GENERIC,
	BENCH_SHUTTLE_MODULE,
	BENCH_SHUTTLE_LAYOUT,
	BENCH_PLAYSTATION, /* the module named by the case's ids */
	BENCH_STEAM,       /* the steam module, 28de:<product> */
	BENCH_SWITCH,      /* the switch module, no transport (default calibration) */
};

struct bench_case {
	const char *name;
	enum bench_module module;
	const uint8_t *rdesc;
	size_t rdesc_size;
	const uint8_t *const *reports; /* nreports of them, a power of 2, in turn */
	unsigned nreports;
	size_t report_size;
	uint16_t bus, product; /* BENCH_PLAYSTATION */
};

static const uint8_t *const mouse_ring[] = {mouse_reports[0], mouse_reports[1]};
static const uint8_t *const keyboard_ring[] = {keyboard_reports[0], keyboard_reports[1]};
static const uint8_t *const gamepad_ring[] = {gamepad_reports[0], gamepad_reports[1]};
static const uint8_t *const shuttle_ring[] = {shuttle_reports[0], shuttle_reports[1]};

/* The PlayStation rings, filled by psr_rings() before the cases run. */
enum { PSR_DS4_USB, PSR_DS4_BT, PSR_DS5_USB, PSR_DS5_BT, PSR_NCASES };
static uint8_t psr_reports[PSR_NCASES][PSR_RING][PSR_REPORT_MAX];
static const uint8_t *psr_ring[PSR_NCASES][PSR_RING];

/* The Steam rings (Controller type 1, Deck type 9), filled by steam_rings(). */
#define STEAM_RING 16
enum { STEAM_SC, STEAM_DECK, STEAM_NCASES };
static uint8_t steam_reports[STEAM_NCASES][STEAM_RING][64];
static const uint8_t *steam_ring[STEAM_NCASES][STEAM_RING];
/* The Switch rings (Pro Controller USB, right Joy-Con Bluetooth), filled
 * by nsw_rings(): full reports 0x30 as hid-nintendo's struct
 * joycon_input_report lays them out, sticks circling, a button every 4th
 * report, the IMU swinging. */
enum { NSW_BENCH_PRO, NSW_BENCH_JCR, NSW_BENCH_NCASES };
static uint8_t nsw_reports[NSW_BENCH_NCASES][PSR_RING][64];
static const uint8_t *nsw_ring[NSW_BENCH_NCASES][PSR_RING];

static void nsw_rings(void)
{
	for (unsigned c = 0; c < NSW_BENCH_NCASES; c++)
		for (unsigned i = 0; i < PSR_RING; i++) {
			uint8_t *r = nsw_reports[c][i];
			unsigned x = 2048 + (i % 16) * 100, y = 2048 - (i % 8) * 150;
			uint32_t btns = i % 4 == 0 ? 1u << (i % 24) : 0;

			memset(r, 0, 64);
			r[0] = 0x30;
			r[1] = (uint8_t)i;
			r[2] = 0x8e;
			r[3] = (uint8_t)btns;
			r[4] = (uint8_t)(btns >> 8);
			r[5] = (uint8_t)(btns >> 16);
			for (unsigned k = 0; k < 2; k++) {
				r[6 + 3 * k] = (uint8_t)x;
				r[7 + 3 * k] = (uint8_t)((x >> 8) | (y & 0x0f) << 4);
				r[8 + 3 * k] = (uint8_t)(y >> 4);
			}
			for (unsigned s = 0; s < 3; s++)
				for (unsigned k = 0; k < 6; k++) {
					int v = (int)((i * 37 + s * 11 + k * 101) % 4000) - 2000;

					r[13 + 12 * s + 2 * k] = (uint8_t)v;
					r[14 + 12 * s + 2 * k] = (uint8_t)((unsigned)v >> 8);
				}
			nsw_ring[c][i] = r;
		}
}

static const struct bench_case cases[] = {
    {"mouse", BENCH_GENERIC, wheel_mouse, sizeof(wheel_mouse), mouse_ring, 2, 4, 0, 0},
    {"keyboard", BENCH_GENERIC, boot_keyboard, sizeof(boot_keyboard), keyboard_ring, 2, 8, 0, 0},
    {"gamepad", BENCH_GENERIC, gamepad_rdesc, sizeof(gamepad_rdesc), gamepad_ring, 2, 5, 0, 0},
    {"shuttle-module", BENCH_SHUTTLE_MODULE, NULL, 0, shuttle_ring, 2, 5, 0, 0},
    {"shuttle-layout", BENCH_SHUTTLE_LAYOUT, NULL, 0, shuttle_ring, 2, 5, 0, 0},
    {"ds4-usb", BENCH_PLAYSTATION, NULL, 0, psr_ring[PSR_DS4_USB], PSR_RING, PSR_USB_INPUT_SIZE,
     PSR_BUS_USB, PSR_DS4_V2},
    {"ds4-bt", BENCH_PLAYSTATION, NULL, 0, psr_ring[PSR_DS4_BT], PSR_RING, PSR_BT_INPUT_SIZE,
     PSR_BUS_BLUETOOTH, PSR_DS4_V2},
    {"ds5-usb", BENCH_PLAYSTATION, NULL, 0, psr_ring[PSR_DS5_USB], PSR_RING, PSR_USB_INPUT_SIZE,
     PSR_BUS_USB, PSR_DS5},
    {"ds5-bt", BENCH_PLAYSTATION, NULL, 0, psr_ring[PSR_DS5_BT], PSR_RING, PSR_BT_INPUT_SIZE,
     PSR_BUS_BLUETOOTH, PSR_DS5},
    {"steam-sc", BENCH_STEAM, NULL, 0, steam_ring[STEAM_SC], STEAM_RING, 64, 0x03, 0x1102},
    {"steam-deck", BENCH_STEAM, NULL, 0, steam_ring[STEAM_DECK], STEAM_RING, 64, 0x03, 0x1205},
    {"switch-pro-usb", BENCH_SWITCH, NULL, 0, nsw_ring[NSW_BENCH_PRO], PSR_RING, 64, 0x03, 0x2009},
    {"switch-jcr-bt", BENCH_SWITCH, NULL, 0, nsw_ring[NSW_BENCH_JCR], PSR_RING, 64, 0x05, 0x2007},
};

/* Report i of a Steam pad in use (hid-steam's layouts): the stick (Deck:
 * both sticks) circling, the right pad touched and sliding, triggers
 * ramping, a face button every 4th report, the Deck's IMU swinging. */
static void steam_put16(uint8_t *p, int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)((unsigned)v >> 8);
}

static void steam_rings(void)
{
	for (unsigned i = 0; i < STEAM_RING; i++) {
		uint8_t *r = steam_reports[STEAM_SC][i], *d = steam_reports[STEAM_DECK][i];
		int a = (int)(i * 4000) - 30000, b = 30000 - (int)(i * 3000);

		memset(r, 0, 64);
		r[0] = 0x01;
		r[2] = 0x01;
		r[3] = 0x3c;
		r[4] = (uint8_t)i;
		r[8] = (i % 4 == 0) ? 0x80 : 0x00;
		r[10] = 0x10; /* right pad touched */
		r[11] = (uint8_t)(i * 16);
		r[12] = (uint8_t)(255 - i * 16);
		steam_put16(r + 16, a);
		steam_put16(r + 18, b);
		steam_put16(r + 20, b);
		steam_put16(r + 22, a);
		steam_ring[STEAM_SC][i] = r;

		memset(d, 0, 64);
		d[0] = 0x01;
		d[2] = 0x09;
		d[3] = 0x40;
		d[4] = (uint8_t)i;
		d[8] = (i % 4 == 0) ? 0x80 : 0x00;
		d[10] = 0x10;
		steam_put16(d + 20, a);
		steam_put16(d + 22, b);
		for (unsigned k = 0; k < 6; k++)
			steam_put16(d + 24 + 2 * k, (int)(k * 500 + i * 300));
		steam_put16(d + 44, (int)(i * 2000));
		steam_put16(d + 46, (int)(32767 - i * 2000));
		steam_put16(d + 48, a);
		steam_put16(d + 50, b);
		steam_put16(d + 52, b);
		steam_put16(d + 54, a);
		steam_ring[STEAM_DECK][i] = d;
	}
}

/* Report i of a pad in use: both sticks circling (a 64-step polygon),
 * triggers ramping, a face button every 4th report, the hat turning, the
 * gyro and accelerometer swinging, the timestamp advancing by a 250 Hz
 * (DS4: 4 ms = 750 units of 16/3 us) or 1 kHz (DS5: 3000 units of 1/3 us)
 * period, one finger sliding and lifted every third report. */
static struct psr_state psr_bench_state(unsigned i, bool ds5)
{
	static const int8_t wave[16] = {0,  12, 24, 34, 42, 48, 52, 54,
	                                54, 52, 48, 42, 34, 24, 12, 0};
	struct psr_state s = psr_state_idle();
	int sx = (i & 16) ? -wave[i & 15] : wave[i & 15];
	int sy = ((i + 8) & 16) ? -wave[(i + 8) & 15] : wave[(i + 8) & 15];

	s.lx = (uint8_t)(0x80 + sx);
	s.ly = (uint8_t)(0x80 + sy);
	s.rx = (uint8_t)(0x80 - sy);
	s.ry = (uint8_t)(0x80 + sx);
	s.l2 = (uint8_t)(i * 4);
	s.r2 = (uint8_t)(255 - i * 4);
	s.hat = (uint8_t)(i / 8 % 9);
	s.buttons[0] = (i & 3) == 0 ? 0x20 : 0x00; /* Cross */
	s.buttons[1] = (i & 7) == 1 ? 0x01 : 0x00; /* L1 */
	s.gyro[0] = (int16_t)(sx * 40);
	s.gyro[1] = (int16_t)(sy * 40);
	s.gyro[2] = (int16_t)(i * 3);
	s.accel[0] = (int16_t)(sx * 20);
	s.accel[1] = (int16_t)(8192 + sy * 10);
	s.accel[2] = (int16_t)(-sx * 5);
	s.timestamp = ds5 ? i * 3000u : i * 750u;
	s.counter = (uint8_t)i;
	s.battery = ds5 ? 0x08 : 0x1b; /* 85 % discharging; cable, level 11 */
	s.touch[0].down = i % 3 != 2;
	s.touch[0].id = (uint8_t)(i / 3 & 0x7f);
	s.touch[0].x = (uint16_t)(200 + i * 20);
	s.touch[0].y = (uint16_t)(300 + i * 8);
	return s;
}

static void psr_rings(void)
{
	for (unsigned c = 0; c < PSR_NCASES; c++) {
		bool ds5 = c == PSR_DS5_USB || c == PSR_DS5_BT,
		     bt = c == PSR_DS4_BT || c == PSR_DS5_BT;

		for (unsigned i = 0; i < PSR_RING; i++) {
			struct psr_state s = psr_bench_state(i, ds5);

			if (ds5)
				psr_ds5_report(psr_reports[c][i], bt, &s);
			else
				psr_ds4_report(psr_reports[c][i], bt, &s, 1);
			psr_ring[c][i] = psr_reports[c][i];
		}
	}
}

/* A controller that answers its feature requests as documented (sane
 * calibration), and takes output reports. */
struct psr_fake {
	uint16_t product;
	bool bt;
};

static int psr_fake_write(void *userdata, const uint8_t *data, size_t size)
{
	return (int)size;
}

static int psr_fake_get_feature(void *userdata, uint8_t *data, size_t size)
{
	struct psr_fake *f = userdata;

	return psr_feature_reply(f->product, f->bt, PSR_REPLY_GOOD, data, size);
}

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
		if (hm_config_load(paths, 1, NULL, NULL, &config) < 0 ||
		    hm_layout_module_attach_all(config) < 0) {
			hm_config_free(config);
			config = NULL;
		}
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
	static struct psr_fake fake;
	static const struct hm_transport ps_transport = {
	    .write = psr_fake_write, .get_feature = psr_fake_get_feature, .userdata = &fake};
	int r;

	if (bc->module == BENCH_PLAYSTATION) {
		info.bus = bc->bus;
		info.vendor = PSR_VENDOR_SONY;
		info.product = bc->product;
		fake.product = bc->product;
		fake.bt = bc->bus == PSR_BUS_BLUETOOTH;
		setup.module = hm_module_find(bc->product == PSR_DS5 ? "dualsense" : "dualshock4");
		setup.transport = &ps_transport;
		if (!setup.module) {
			fprintf(stderr, "%s: module not built\n", bc->name);
			return -ENOENT;
		}
	} else if (bc->module == BENCH_STEAM) {
		/* commands go nowhere: no transport, as a replay */
		info.bus = bc->bus;
		info.vendor = 0x28de;
		info.product = bc->product;
		setup.module = hm_module_find("steam");
		if (!setup.module) {
			fprintf(stderr, "%s: module not built\n", bc->name);
			return -ENOENT;
		}
	} else if (bc->module == BENCH_SWITCH) {
		info.bus = bc->bus;
		info.vendor = 0x057e;
		info.product = bc->product;
		setup.module = hm_module_find("switch");
		if (!setup.module) {
			fprintf(stderr, "%s: module not built\n", bc->name);
			return -ENOENT;
		}
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
	unsigned mask = bc->nreports - 1;

	for (uint64_t i = 0; i < n; i++)
		hm_device_process_report(dev, bc->reports[i & mask], bc->report_size, i * 1000);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int bench_case(const struct bench_case *bc, uint64_t n)
{
	struct counting_sink sink;
	struct hm_device *dev = NULL;
	uint64_t best = UINT64_MAX, events = 0, nbatches = n / BATCH ? n / BATCH : 1;
	unsigned long allocs, setup_allocs;
	uint64_t *batch_ns = calloc(nbatches, sizeof(*batch_ns));
	double p50, p99;

	if (!batch_ns)
		return -1;
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
	/* the distribution: batches timed one by one (the ring's phase
	 * carries on from batch to batch, BATCH being a multiple of it) */
	{
		unsigned long a0 = atomic_load(&allocations);

		for (uint64_t b = 0; b < nbatches; b++) {
			uint64_t t0 = now_ns();

			run_reports(dev, bc, BATCH);
			batch_ns[b] = now_ns() - t0;
		}
		allocs += atomic_load(&allocations) - a0;
	}
	hm_device_free(dev);
	qsort(batch_ns, nbatches, sizeof(*batch_ns), cmp_u64);
	p50 = (double)batch_ns[nbatches / 2] / BATCH;
	p99 = (double)batch_ns[nbatches * 99 / 100] / BATCH;
	free(batch_ns);

	printf("%-14s %8.1f ns/report  p50 %8.1f  p99 %8.1f  %5.2f events/report", bc->name,
	       (double)best / (double)n, p50, p99, (double)events / ((double)n * ROUNDS));
	if (ALLOCATIONS_COUNTED)
		printf("  allocations per report: %g (setup: %lu)\n",
		       (double)allocs / ((double)n * ROUNDS + (double)nbatches * BATCH),
		       setup_allocs);
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
			hm_device_process_report(dev, bc->reports[i & (bc->nreports - 1)],
			                         bc->report_size, i * 1000);
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
	        "ds4-usb, ds4-bt, ds5-usb, ds5-bt, steam-sc, steam-deck, switch-pro-usb, "
	        "switch-jcr-bt)\n",
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

	psr_rings();
	steam_rings();
	nsw_rings();
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
	    "module (generic, shuttlexpress or its layout, dualshock4, dualsense, steam, switch) + "
	    "core + counting "
	    "sink, best of %d rounds of %" PRIu64 " reports; p50/p99: ns per report over batches "
	    "of %u\n",
	    ROUNDS, n, BATCH);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (bench_case(&cases[i], n) < 0)
			r = 1;
	printf("instructions per report: %s --instructions (valgrind --tool=callgrind, "
	       "%u reports minus 0)\n",
	       argv[0], INSTRUCTION_REPORTS);
	return r;
}
