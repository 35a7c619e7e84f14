/* SPDX-License-Identifier: MIT */
/*
 * Bad input to the PlayStation modules (dualshock4, dualsense), issue 13:
 * short reports, unknown report IDs and bad Bluetooth CRCs are dropped and
 * counted (module.h: a malformed report is a decode error, a report the
 * module does not handle is ignored; both counted, nothing emitted);
 * zero, garbage or unreadable calibration falls back to the defaults with
 * ONE warning; a controller that never answers its feature requests
 * leaves the device `initializing` without the caller waiting, then
 * failed to initialise after the core's limit.
 *
 * Reports and replies come from tests/lib/playstation-reports.h (the
 * documented layouts).  The expected motion values are worked out here:
 * the kernel's fallback for degenerate calibration (hid-playstation's
 * "disabling calibration": bias 0, numerator the axis range, 2048 °/s x
 * 1024 or 4 g x 8192, denominator S16_MAX) and, for the sane calibration,
 * hid-playstation's formula (speed+ + speed-) x 1024 / (plus - minus).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "event-loop.h"
#include "module-select.h"
#include "playstation-reports.h"
#include "stderr-capture.h"
#include "util-log.h"

struct model {
	const char *name;
	const char *module;
	uint16_t product;
	bool bt;
};

static const struct model models[] = {
    {"DualShock 4 USB", "dualshock4", PSR_DS4_V2, false},
    {"DualShock 4 Bluetooth", "dualshock4", PSR_DS4_V2, true},
    {"DualShock 4 v1 USB", "dualshock4", PSR_DS4_V1, false},
    {"DualSense USB", "dualsense", PSR_DS5, false},
    {"DualSense Bluetooth", "dualsense", PSR_DS5, true},
    {"DualSense Edge USB", "dualsense", PSR_DS5_EDGE, false},
};

static bool is_ds5(const struct model *m)
{
	return m->product == PSR_DS5 || m->product == PSR_DS5_EDGE;
}

/* ---- a fake controller ------------------------------------------------------ */

#define MAX_PENDING 16

struct fake {
	const struct model *m;
	enum psr_reply_mode calibration; /* how the calibration report is answered */
	enum psr_reply_mode others;      /* and every other feature report */
	unsigned feature_requests;
	/* asynchronous: requests wait here until the test completes them */
	struct {
		hm_transport_done_fn done;
		void *ctx;
		enum hm_request_type type;
		uint8_t id;
		size_t size;
	} pending[MAX_PENDING];
	unsigned npending;
};

static bool is_calibration(const struct model *m, uint8_t id)
{
	return is_ds5(m) ? id == 0x05 : (id == 0x02 || id == 0x05);
}

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	return (int)size;
}

static int fake_get_feature(void *userdata, uint8_t *data, size_t size)
{
	struct fake *f = userdata;

	f->feature_requests++;
	return psr_feature_reply(f->m->product, f->m->bt,
	                         is_calibration(f->m, data[0]) ? f->calibration : f->others, data,
	                         size);
}

static int fake_submit(void *userdata, enum hm_request_type type, const uint8_t *data, size_t size,
                       hm_transport_done_fn done, void *ctx)
{
	struct fake *f = userdata;

	if (type == HM_REQUEST_GET_FEATURE)
		f->feature_requests++;
	if (!done)
		return 0;
	assert_true(f->npending < MAX_PENDING);
	f->pending[f->npending].done = done;
	f->pending[f->npending].ctx = ctx;
	f->pending[f->npending].type = type;
	f->pending[f->npending].id = data[0];
	f->pending[f->npending].size = size;
	f->npending++;
	return 0;
}

/* The oldest pending request ends with result (no data). */
static void complete_one(struct fake *f, int result)
{
	hm_transport_done_fn done = f->pending[0].done;
	void *ctx = f->pending[0].ctx;

	f->npending--;
	memmove(&f->pending[0], &f->pending[1], f->npending * sizeof(f->pending[0]));
	done(ctx, result, NULL, 0);
}

/* ---- the warnings it logs --------------------------------------------------- */

static unsigned log_count_errors; /* error lines (LOG_ERR) of the last log_end() */

static void log_begin(void)
{
	stderr_capture_begin();
	/* "<N>" prefixes, so the level of each line shows */
	log_set_target(LOG_TARGET_SYSTEMD);
}

/* Stops capturing; returns how many lines came at level (as "<level>"). */
static unsigned log_end(int level)
{
	char prefix[8];

	stderr_capture_end(NULL);
	log_set_target(LOG_TARGET_PLAIN);
	snprintf(prefix, sizeof(prefix), "<%d>", level);
	log_count_errors = stderr_capture_count_prefix("<3>");
	return stderr_capture_count_prefix(prefix);
}

/* ---- the device ------------------------------------------------------------- */

struct pad {
	struct fake fake;
	struct hm_transport transport;
	struct capture_sink cs;
	struct hm_device *dev;
	int motion; /* output index of "... Motion Sensors", -1 if none */
};

/* The pad's module, or NULL (then the test is skipped: that module is not
 * in this build). */
static const struct hm_module *module_of(const struct model *m)
{
	return hm_module_find(m->module);
}

static void pad_open(struct pad *p, const struct model *m, enum psr_reply_mode calibration,
                     enum psr_reply_mode others, bool async)
{
	struct hm_device_info info = {.bus = m->bt ? PSR_BUS_BLUETOOTH : PSR_BUS_USB,
	                              .vendor = PSR_VENDOR_SONY,
	                              .product = m->product,
	                              .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain};

	memset(p, 0, sizeof(*p));
	p->fake.m = m;
	p->fake.calibration = calibration;
	p->fake.others = others;
	p->transport.write = fake_write;
	p->transport.get_feature = fake_get_feature;
	if (async)
		p->transport.submit = fake_submit;
	p->transport.userdata = &p->fake;
	capture_init(&p->cs);
	snprintf(info.name, sizeof(info.name), "%s",
	         is_ds5(m)
	             ? (m->bt ? "DualSense Wireless Controller"
	                      : "Sony Interactive Entertainment DualSense Wireless Controller")
	             : (m->bt ? "Wireless Controller"
	                      : "Sony Interactive Entertainment Wireless Controller"));
	snprintf(info.path, sizeof(info.path), "/dev/hidraw-%s", m->name);
	setup.sink = &p->cs.base;
	setup.transport = &p->transport;
	/* chosen as the daemon chooses: by the registry's id tables */
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &p->dev), 0);
	assert_string_equal(p->dev->module->name, m->module);
	p->motion = -1;
	for (unsigned i = 0; i < hm_device_noutputs(p->dev); i++) {
		const char *name = libevdev_get_name(hm_device_output_caps(p->dev, i));
		size_t l = strlen(name);

		if (l > 15 && !strcmp(name + l - 15, " Motion Sensors"))
			p->motion = (int)i;
	}
}

static void pad_close(struct pad *p)
{
	/* as the daemon: closing the reader cancels what is outstanding */
	while (p->fake.npending)
		complete_one(&p->fake, -ECANCELED);
	hm_device_free(p->dev);
	p->dev = NULL;
}

/* A full report of the pad's bus in state s (touch frames: one). */
static size_t pad_report(const struct model *m, uint8_t *r, const struct psr_state *s)
{
	return is_ds5(m) ? psr_ds5_report(r, m->bt, s) : psr_ds4_report(r, m->bt, s, 1);
}

/* The pad in use: a stick off centre, Cross, the gyro and accelerometer. */
static struct psr_state busy_state(void)
{
	struct psr_state s = psr_state_idle();

	s.lx = 0x20;
	s.buttons[0] = 0x20; /* Cross */
	s.gyro[0] = 1000;
	s.gyro[1] = -1000;
	s.accel[1] = 8192;
	s.timestamp = 1000;
	return s;
}

/* Feeds one report; returns how the counters moved and what came out. */
struct outcome {
	int result;
	uint64_t decode_errors, ignored;
	size_t events;
};

static struct outcome feed(struct pad *p, const uint8_t *r, size_t size)
{
	const struct hm_device_stats *st = hm_device_get_stats(p->dev);
	uint64_t e0 = st->decode_errors, i0 = st->ignored;
	size_t n0 = p->cs.n;
	struct outcome o;

	o.result = hm_device_process_report(p->dev, r, size, 1000);
	o.decode_errors = st->decode_errors - e0;
	o.ignored = st->ignored - i0;
	o.events = p->cs.n - n0;
	return o;
}

/* The last value the sink got for output/type/code; false if none. */
static bool last_value(const struct pad *p, unsigned output, unsigned code, int *ret)
{
	bool found = false;

	for (size_t i = 0; i < p->cs.n; i++)
		if (p->cs.ev[i].dev == output && p->cs.ev[i].type == EV_ABS &&
		    p->cs.ev[i].code == code) {
			*ret = p->cs.ev[i].value;
			found = true;
		}
	return found;
}

#define FOR_EACH_MODEL(m)                                                                          \
	for (const struct model *m = models; m < models + ARRAY_SIZE(models); m++)                 \
		if (!module_of(m))                                                                 \
			print_message("  %s: module %s not in this build, skipped\n", m->name,     \
			              m->module);                                                  \
		else

static unsigned models_run, failures;

static int setup_each(void **state)
{
	models_run = failures = 0;
	return 0;
}

/* Checks noted as failed fail the test; not one model ran (the modules
 * are missing) is no pass either. */
static void end_models(void)
{
	if (failures)
		fail_msg("%u check(s) failed, see above", failures);
	if (models_run == 0)
		skip();
}

/* ---- short reports, unknown IDs, bad CRCs ------------------------------------- */

static void test_short_reports(void **state)
{
	FOR_EACH_MODEL(m)
	{
		struct pad p;
		uint8_t r[PSR_REPORT_MAX];
		struct psr_state s = busy_state();
		size_t full = pad_report(m, r, &s);
		const size_t sizes[] = {0, 1, 2, 10, 33, full / 2, full - 4, full - 1};
		unsigned bad = 0;
		struct outcome o;

		models_run++;
		pad_open(&p, m, PSR_REPLY_GOOD, PSR_REPLY_GOOD, false);
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			/* Bluetooth's 10-byte 0x01 is the documented simple
			 * report, not a short one; a short 0x11/0x31 is */
			o = feed(&p, r, sizes[i]);
			if (o.result >= 0 || o.decode_errors != 1 || o.events != 0)
				fail_msg("%s: a %zu-byte report 0x%02x: result %d, %llu decode "
				         "errors, %zu events (expected an error, counted, nothing "
				         "emitted)",
				         m->name, sizes[i], r[0], o.result,
				         (unsigned long long)o.decode_errors, o.events);
			bad++;
		}
		assert_int_equal(hm_device_get_stats(p.dev)->decode_errors, bad);
		/* the pad is not wedged: the full report decodes */
		o = feed(&p, r, full);
		assert_true(o.result > 0);
		assert_true(o.events > 0);
		pad_close(&p);
	}
	end_models();
}

static void test_unknown_ids(void **state)
{
	static const uint8_t ids[] = {0x00, 0x02, 0x05, 0x12, 0x7f, 0xa3, 0xff};

	FOR_EACH_MODEL(m)
	{
		struct pad p;
		uint8_t r[PSR_REPORT_MAX];
		struct psr_state s = busy_state();
		size_t full = pad_report(m, r, &s);
		uint64_t counted = 0;

		models_run++;
		pad_open(&p, m, PSR_REPLY_GOOD, PSR_REPLY_GOOD, false);
		for (size_t i = 0; i <= ARRAY_SIZE(ids); i++) {
			uint8_t id = i < ARRAY_SIZE(ids) ? ids[i]
			                                 /* the other bus's full report ID */
			                                 : (uint8_t)(m->bt       ? 0x01
			                                             : is_ds5(m) ? 0x31
			                                                         : 0x11);
			uint8_t copy[PSR_REPORT_MAX];
			struct outcome o;

			memcpy(copy, r, full);
			copy[0] = id;
			o = feed(&p, copy, full);
			/* not decoded, counted (ignored or an error), nothing emitted */
			if (o.result > 0 || o.decode_errors + o.ignored != 1 || o.events != 0)
				fail_msg(
				    "%s: report ID 0x%02x (%zu bytes): result %d, %llu errors, "
				    "%llu ignored, %zu events",
				    m->name, id, full, o.result,
				    (unsigned long long)o.decode_errors,
				    (unsigned long long)o.ignored, o.events);
			counted++;
		}
		assert_int_equal(hm_device_get_stats(p.dev)->decode_errors +
		                     hm_device_get_stats(p.dev)->ignored,
		                 counted);
		pad_close(&p);
	}
	end_models();
}

static void test_bad_crc(void **state)
{
	FOR_EACH_MODEL(m)
	{
		struct pad p;
		uint8_t r[PSR_REPORT_MAX], bad[PSR_REPORT_MAX];
		struct psr_state s = busy_state();
		size_t full;
		struct outcome o;

		if (!m->bt)
			continue;
		models_run++;
		full = pad_report(m, r, &s);
		pad_open(&p, m, PSR_REPLY_GOOD, PSR_REPLY_GOOD, false);
		/* the CRC itself broken */
		memcpy(bad, r, full);
		bad[full - 1] ^= 0x01;
		o = feed(&p, bad, full);
		assert_true(o.result < 0);
		assert_int_equal(o.decode_errors, 1);
		assert_int_equal(o.events, 0);
		/* a payload bit flipped under a CRC that was good for the original */
		memcpy(bad, r, full);
		bad[3] ^= 0x10;
		o = feed(&p, bad, full);
		assert_true(o.result < 0);
		assert_int_equal(o.decode_errors, 1);
		assert_int_equal(o.events, 0);
		/* the CRC covers the report ID too (seed 0xA1 ‖ byte 0 ...) */
		memcpy(bad, r, full);
		psr_put_le32(bad + full - 4, psr_crc32(0xa2, bad, full - 4));
		o = feed(&p, bad, full);
		assert_true(o.result < 0);
		assert_int_equal(o.decode_errors, 1);
		assert_int_equal(o.events, 0);
		assert_int_equal(hm_device_get_stats(p.dev)->decode_errors, 3);
		/* the same report with its good CRC is decoded */
		o = feed(&p, r, full);
		assert_true(o.result > 0);
		assert_true(o.events > 0);
		pad_close(&p);
	}
	end_models();
}

/* A DualShock 4 report carries up to 3 (USB) or 4 (Bluetooth) touch
 * frames; a count past that reads nothing beyond them (AddressSanitizer
 * and valgrind runs of this test see it) and the pad goes on. */
static void test_touch_frames_out_of_range(void **state)
{
	static const uint8_t counts[] = {4, 5, 9, 0x80, 0xff};

	FOR_EACH_MODEL(m)
	{
		struct pad p;
		uint8_t r[PSR_REPORT_MAX];
		struct psr_state s = busy_state();
		struct outcome o;

		if (is_ds5(m))
			continue;
		models_run++;
		pad_open(&p, m, PSR_REPLY_GOOD, PSR_REPLY_GOOD, false);
		for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
			size_t size;

			if (!m->bt && counts[i] == 4)
				continue; /* 4 is valid over Bluetooth only */
			s.touch[0].down = true;
			s.touch[0].x = (uint16_t)(100 + i);
			size = psr_ds4_report(r, m->bt, &s, counts[i]);
			o = feed(&p, r, size);
			(void)o;
		}
		assert_int_equal(hm_device_get_stats(p.dev)->reports, ARRAY_SIZE(counts) - !m->bt);
		/* and a report in range decodes */
		s.lx = 0x70;
		o = feed(&p, r, psr_ds4_report(r, m->bt, &s, 1));
		assert_true(o.result > 0);
		pad_close(&p);
	}
	end_models();
}

/* ---- calibration ---------------------------------------------------------------- */

/* Gyro raw 1000 and -1000 on X and Y, accelerometer raw 8192 on Y, as a
 * calibrated value: (int64) raw * numer / denom, truncated. */
static int expect(int64_t raw, int64_t numer, int64_t denom)
{
	return (int)(raw * numer / denom);
}

static void check_motion(const struct pad *p, const struct model *m, bool defaults)
{
	/* the fallback: 2048 °/s at 1024 per °/s, 4 g at 8192 per g, over
	 * S16_MAX; the sane calibration: speed 540 + 540 over 8800 - -8800,
	 * accelerometer ±8192 for ±1 g (range 16384 for 2 g) */
	int64_t gyro_numer = defaults ? 2048 * 1024 : (540 + 540) * 1024;
	int64_t gyro_denom = defaults ? 32767 : 8800 + 8800;
	int64_t acc_numer = defaults ? 4 * 8192 : 2 * 8192;
	int64_t acc_denom = defaults ? 32767 : 16384;
	int v;

	assert_true(p->motion >= 0);
	if (!last_value(p, (unsigned)p->motion, ABS_RX, &v))
		fail_msg("%s: no ABS_RX on the motion node", m->name);
	assert_int_equal(v, expect(1000, gyro_numer, gyro_denom));
	assert_true(last_value(p, (unsigned)p->motion, ABS_RY, &v));
	assert_int_equal(v, expect(-1000, gyro_numer, gyro_denom));
	assert_true(last_value(p, (unsigned)p->motion, ABS_Y, &v));
	assert_int_equal(v, expect(8192, acc_numer, acc_denom));
}

/* One pad with its calibration answered in mode: taken, ready, `warnings`
 * warnings, and its motion values from the defaults or the calibration. */
static void calibration_case(const struct model *m, enum psr_reply_mode mode,
                             unsigned want_warnings, bool defaults)
{
	static const char *const names[] = {"good",     "zero",    "garbage", "short",
	                                    "wrong ID", "bad CRC", "error"};
	struct pad p;
	uint8_t r[PSR_REPORT_MAX];
	struct psr_state s = busy_state();
	unsigned warnings;
	struct outcome o;

	log_begin();
	pad_open(&p, m, mode, PSR_REPLY_GOOD, false);
	o = feed(&p, r, pad_report(m, r, &s));
	/* a second report, as a pad streams them */
	s.timestamp += 750;
	feed(&p, r, pad_report(m, r, &s));
	warnings = log_end(LOG_WARNING);
	print_message("  %s, calibration %s: %u warning(s)\n", m->name, names[mode], warnings);
	if (warnings != want_warnings) {
		/* noted, the other models still run: end_models() fails */
		print_error("%s, calibration %s: %u warnings, expected %u\n", m->name, names[mode],
		            warnings, want_warnings);
		failures++;
	}
	assert_true(p.fake.feature_requests > 0);
	assert_false(hm_device_initializing(p.dev));
	assert_false(hm_device_init_failed(p.dev));
	assert_true(o.result > 0);
	check_motion(&p, m, defaults);
	pad_close(&p);
}

static void test_calibration_good(void **state)
{
	/* the control: a sane calibration is used, and nothing is said */
	FOR_EACH_MODEL(m)
	{
		models_run++;
		calibration_case(m, PSR_REPLY_GOOD, 0, false);
	}
	end_models();
}

static void test_calibration_zero(void **state)
{
	FOR_EACH_MODEL(m)
	{
		models_run++;
		calibration_case(m, PSR_REPLY_ZERO_CAL, 1, true);
	}
	end_models();
}

static void test_calibration_garbage(void **state)
{
	/* 0xff bytes: every limit -1, so every range is 0 */
	FOR_EACH_MODEL(m)
	{
		models_run++;
		calibration_case(m, PSR_REPLY_GARBAGE, 1, true);
	}
	end_models();
}

/* A reply that is no calibration report at all: too short, another ID, a
 * broken CRC (Bluetooth), an error.  The device keeps its defaults. */
static void test_calibration_unreadable(void **state)
{
	FOR_EACH_MODEL(m)
	{
		models_run++;
		calibration_case(m, PSR_REPLY_SHORT, 1, true);
		calibration_case(m, PSR_REPLY_WRONG_ID, 1, true);
		calibration_case(m, PSR_REPLY_ERROR, 1, true);
		if (m->bt)
			calibration_case(m, PSR_REPLY_BAD_CRC, 1, true);
	}
	end_models();
}

/*
 * Every feature request fails at once (-EIO): one message (a warning, or
 * the error of a module that, as the kernel's dualshock4_create(), cannot
 * do without the pairing report), and never a device stuck: either it
 * works with the defaults, or the core's limit reports it failed to
 * initialise.
 */
static void test_no_feature_answers_sync(void **state)
{
	FOR_EACH_MODEL(m)
	{
		struct pad p;
		uint8_t r[PSR_REPORT_MAX];
		struct psr_state s = busy_state();
		unsigned messages;

		models_run++;
		log_begin();
		pad_open(&p, m, PSR_REPLY_ERROR, PSR_REPLY_ERROR, false);
		feed(&p, r, pad_report(m, r, &s));
		messages = log_end(LOG_WARNING) + log_count_errors;
		print_message("  %s: %s, %u message(s)\n", m->name,
		              hm_device_initializing(p.dev) ? "initializing" : "ready", messages);
		if (messages != 1) {
			print_error("%s: every feature request failing: %u messages, expected 1\n",
			            m->name, messages);
			failures++;
		}
		if (hm_device_initializing(p.dev)) {
			hm_device_timer(p.dev, hm_now_usec() + 60 * 1000000ull);
			assert_true(hm_device_init_failed(p.dev));
		} else {
			check_motion(&p, m, true);
		}
		pad_close(&p);
	}
	end_models();
}

/* ---- a controller that never answers ---------------------------------------------- */

/* Far enough ahead for any deadline armed so far (the core's limit). */
static uint64_t later(void)
{
	return hm_now_usec() + 60 * 1000000ull;
}

/*
 * The requests are made and never complete: hm_device_new() returns at
 * once (a module that waited would hang this test), the device is
 * `initializing`, its reports are not decoded (and not errors), and when
 * the core's limit passes it is failed to initialise, said once as an
 * error.  Cancelling the requests afterwards (the daemon closing the
 * reader) is harmless.
 */
static void never_answers(const struct model *m, bool worker_timeout)
{
	struct pad p;
	uint8_t r[PSR_REPORT_MAX];
	struct psr_state s = busy_state();
	struct outcome o;
	unsigned errors;

	log_begin();
	pad_open(&p, m, PSR_REPLY_GOOD, PSR_REPLY_GOOD, true);
	assert_true(p.fake.npending > 0);
	assert_true(hm_device_initializing(p.dev));
	assert_false(hm_device_init_failed(p.dev));
	o = feed(&p, r, pad_report(m, r, &s));
	assert_true(o.result >= 0);
	assert_int_equal(o.decode_errors, 0);
	/* what the daemon's worker does after its own limit (1 s): the
	 * request ends with -ETIMEDOUT; the device stays initializing */
	for (unsigned round = 0; worker_timeout && p.fake.npending && round < 32; round++)
		complete_one(&p.fake, -ETIMEDOUT);
	assert_true(hm_device_initializing(p.dev));
	assert_false(hm_device_init_failed(p.dev));
	hm_device_timer(p.dev, later());
	errors = log_end(LOG_ERR);
	assert_true(hm_device_init_failed(p.dev));
	assert_int_equal(errors, 1);
	/* the requests still out keep it `initializing` for status (the
	 * core's hm_device_initializing()) until the reader cancels them */
	while (p.fake.npending)
		complete_one(&p.fake, -ECANCELED);
	assert_false(hm_device_initializing(p.dev));
	assert_true(hm_device_init_failed(p.dev));
	pad_close(&p);
}

static void test_never_answers(void **state)
{
	FOR_EACH_MODEL(m)
	{
		models_run++;
		never_answers(m, false);
	}
	end_models();
}

static void test_never_answers_worker_timeout(void **state)
{
	FOR_EACH_MODEL(m)
	{
		models_run++;
		never_answers(m, true);
	}
	end_models();
}

/*
 * The uinput devices cannot be made (no access to /dev/uinput, a full
 * system) after the module's probe asked for its feature reports on the
 * daemon's worker: hm_device_new() fails, and the daemon then closes the
 * reader, which cancels the requests still out (daemon_drive(),
 * daemon_driven_free()).  Those cancellations must find nothing freed:
 * the core's contract (device.h, struct hm_transport) is that every
 * request completes or is cancelled before the device is freed.  A use
 * after free here crashes under `meson test` (its MALLOC_PERTURB_ fills
 * freed memory) and shows under AddressSanitizer and valgrind.
 */
static int refuse_add(struct hm_sink *s, const struct libevdev *caps, unsigned ff_effects_max,
                      void **ret)
{
	return -EACCES;
}

static void test_outputs_fail_with_requests_out(void **state)
{
	static const struct hm_sink_ops refusing = {
	    refuse_add, capture_frame, capture_remove, capture_fd, NULL, NULL, NULL};

	FOR_EACH_MODEL(m)
	{
		struct fake fake = {
		    .m = m, .calibration = PSR_REPLY_GOOD, .others = PSR_REPLY_GOOD};
		struct hm_transport transport = {
		    .write = fake_write, .submit = fake_submit, .userdata = &fake};
		struct hm_device_info info = {.bus = m->bt ? PSR_BUS_BLUETOOTH : PSR_BUS_USB,
		                              .vendor = PSR_VENDOR_SONY,
		                              .product = m->product,
		                              .interface = -1};
		struct capture_sink cs;
		struct hm_module_chain chain;
		const struct hm_config_device *cfg;
		struct hm_device_setup setup = {
		    .chain = &chain, .sink = &cs.base, .transport = &transport};
		struct hm_device *dev = NULL;

		models_run++;
		capture_init(&cs);
		cs.base.ops = &refusing;
		snprintf(info.name, sizeof(info.name), "pad");
		snprintf(info.path, sizeof(info.path), "/dev/hidraw-%s", m->name);
		(void)hm_module_select(NULL, &info, &chain, &cfg);
		assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), -EACCES);
		assert_null(dev);
		print_message("  %s: %u request(s) still out after the failed new\n", m->name,
		              fake.npending);
		/* the daemon's reader, closing: every request cancelled */
		while (fake.npending)
			complete_one(&fake, -ECANCELED);
	}
	end_models();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_short_reports, setup_each),
	    cmocka_unit_test_setup(test_unknown_ids, setup_each),
	    cmocka_unit_test_setup(test_bad_crc, setup_each),
	    cmocka_unit_test_setup(test_touch_frames_out_of_range, setup_each),
	    cmocka_unit_test_setup(test_calibration_good, setup_each),
	    cmocka_unit_test_setup(test_calibration_zero, setup_each),
	    cmocka_unit_test_setup(test_calibration_garbage, setup_each),
	    cmocka_unit_test_setup(test_calibration_unreadable, setup_each),
	    cmocka_unit_test_setup(test_no_feature_answers_sync, setup_each),
	    cmocka_unit_test_setup(test_never_answers, setup_each),
	    cmocka_unit_test_setup(test_never_answers_worker_timeout, setup_each),
	    cmocka_unit_test_setup(test_outputs_fail_with_requests_out, setup_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
