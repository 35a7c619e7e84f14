/* SPDX-License-Identifier: MIT */
/* The layout language (src/config/config-layout.c) and the layout module
 * (devices/layout/layout.c). */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "config-text.h"
#include "layout.h"
#include "module-select.h"
#include "device.h"
#include "select-first.h"

/* ---- loading ---------------------------------------------------------------------- */

struct diags {
	unsigned n;
	char first[512];
};

static void capture_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	struct diags *d = userdata;

	if (!d->n++)
		snprintf(d->first, sizeof(d->first), "%u: %s", line, message);
}

/* Loads text as one file as the daemon does (its layouts given their
 * modules); returns hm_module_select_load's result. */
static int load_text(const char *text, struct diags *d, struct hm_config **ret)
{
	memset(d, 0, sizeof(*d));
	return config_load_text_by(hm_module_select_load, text, capture_diag, d, ret);
}

#define DEV "[device d]\nmatch = 1234:5678\nlayout = l\n"

static const struct {
	const char *text;
	const char *error; /* "LINE: message start" */
} bad[] = {
    {DEV "[layout l]\nk = bit 1.0 -> KEY_NOPE\n", "5: field 'k': unknown code 'KEY_NOPE'"},
    {DEV "[layout l]\nk = u33 1 -> ABS_X\n", "5: field 'k': width 33 is out of range"},
    {DEV "[layout l]\nk = u0 1 -> ABS_X\n", "5: field 'k': width 0 is out of range"},
    {DEV "[layout l]\nlength = 2\nk = u16le 1 -> ABS_X\n",
     "6: field 'k' ends at byte 2, beyond the report's length 2"},
    {DEV "[layout l]\na = u8 1 -> ABS_X\nb = bit 1.3 -> KEY_A\n",
     "6: field 'b' overlaps field 'a' (line 5) at byte 1 bit 3"},
    {DEV "[layout l]\na = bits 1.0 count=9 -> BTN_0\nb = bit 2.0 -> KEY_A\n",
     "6: field 'b' overlaps field 'a'"},
    {"[layout l]\nk = bit 1.0 -> KEY_A\n", "1: [layout l] is used by no device"},
    {"[device d]\nmatch = 1234:5678\nlayout = m\n[layout l]\nmatch = 1:2\nk = bit 1.0 -> KEY_A\n",
     "1: [device d]: layout = m, but there is no [layout m] (here or shipped)"},
    {"[device d]\nmatch = 1234:5678\nmodule = generic\nlayout = l\n[layout l]\nk = bit 1.0 -> "
     "KEY_A\n",
     "1: [device d]: layout = l needs module = layout"},
    {DEV "[layout l]\nk = bit 1.0 button -> REL_X\n", "5: field 'k': a button emits key"},
    {DEV "[layout l]\nk = s8 1 -> KEY_A KEY_B\n", "5: field 'k': one code expected"},
    {DEV "[layout l]\nk = u8 1 enum -> KEY_A\n", "5: field 'k': an enum maps VALUE:CODE"},
    {DEV "[layout l]\nk = u8 1 counter modulo=300 -> REL_DIAL\n",
     "5: field 'k': modulo=300 is more than"},
    {DEV "[layout l]\nk = u12be 1 -> ABS_X\n", "5: field 'k': a big-endian field is whole bytes"},
    {DEV "[layout l]\nk = bit 1.8 -> KEY_A\n", "5: field 'k': '1.8': expected BYTE or BYTE.BIT"},
    {DEV "[layout l]\nk = bit 1.0 node=x -> KEY_A\n", "5: field 'k': node=x, but there is no"},
    {DEV "[layout l]\nk = bit 1.0 -> KEY_A\nk = bit 2.0 -> KEY_B\n", "6: duplicate field 'k'"},
    {DEV "[layout l]\nwhen = 9=1\nlength = 4\nk = bit 1.0 -> KEY_A\n",
     "4: when: byte 9 is beyond the report's length 4"},
    {DEV "[layout l]\nk = bit 1.0 -> KEY_A\n[layout l:x]\nname = no\nj = bit 1.0 -> KEY_B\n",
     "7: 'name' goes in the layout's own section"},
    {DEV "[layout l:x]\nk = bit 1.0 -> KEY_A\n", "4: [layout l:x]: a report section follows"},
    {DEV "[layout l]\nprops = INPUT_PROP_NOPE\nk = bit 1.0 -> KEY_A\n",
     "5: unknown property 'INPUT_PROP_NOPE'"},
    {DEV "[layout l]\ninit = feature zz\nk = bit 1.0 -> KEY_A\n",
     "5: init: 'zz' is not a byte in hex"},
    {DEV "[layout l]\nk = bits 1.0 count=3 -> KEY_A KEY_B\n", "5: field 'k': count=3 but 2 codes"},
    {DEV "[layout l]\nname = x\n", "4: [layout l] has no fields"},
    {DEV "[layout l]\nk = bit 1.0 -> KEY_A\nj = hat 2 -> ABS_HAT0X\n",
     "6: field 'j': unknown source 'hat'"},
};

static void test_errors(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct hm_config *c = NULL;
		struct diags d;

		if (load_text(bad[i].text, &d, &c) != -EINVAL || !d.n ||
		    strncmp(d.first, bad[i].error, strlen(bad[i].error)) != 0)
			fail_msg("case %zu: expected '%s', got '%s' (%u)", i, bad[i].error, d.first,
			         d.n);
		hm_config_free(c);
	}
}

/* ---- decoding -------------------------------------------------------------------------- */

struct rig {
	struct hm_config *config;
	struct capture_sink sink;
	struct hm_device *dev;
};

static void rig_new(struct rig *g, const char *text)
{
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x1234, .product = 0x5678, .interface = -1};
	struct hm_device_setup setup = {0};
	const struct hm_module *m;
	const struct hm_config_device *cfg;
	struct diags d;

	if (load_text(text, &d, &g->config) < 0)
		fail_msg("does not load: %s", d.first);
	snprintf(info.name, sizeof(info.name), "Test Pad");
	snprintf(info.path, sizeof(info.path), "test.hid");
	assert_true(select_first(g->config, &info, &m, &cfg));
	assert_non_null(hm_layout_of_module(m));
	capture_init(&g->sink);
	setup.module = m;
	setup.sink = &g->sink.base;
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &g->dev), 0);
}

static void rig_free(struct rig *g)
{
	hm_device_free(g->dev);
	hm_config_free(g->config);
}

/* Decodes one report; returns decode's result.  The events are in g->sink. */
static int rig_report(struct rig *g, const uint8_t *data, size_t size)
{
	g->sink.n = 0;
	return hm_device_process_report(g->dev, data, size, 0);
}

#define REPORT(g, ...)                                                                             \
	rig_report(g, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void assert_event(const struct rig *g, size_t i, unsigned dev, unsigned type, unsigned code,
                         int value)
{
	if (i >= g->sink.n)
		fail_msg("event %zu missing (%zu events)", i, g->sink.n);
	if (g->sink.ev[i].dev != dev || g->sink.ev[i].type != type || g->sink.ev[i].code != code ||
	    g->sink.ev[i].value != value)
		fail_msg("event %zu: got %u %u %u %d, expected %u %u %u %d", i, g->sink.ev[i].dev,
		         g->sink.ev[i].type, g->sink.ev[i].code, g->sink.ev[i].value, dev, type,
		         code, value);
}

/* The research note's Pico pad (vendor-devices.md section 10, example A),
 * with the position firmware's counter beside the delta. */
static const char pico[] = "[device picopad]\n"
                           "match = 1234:5678\n"
                           "module = layout\n"
                           "layout = picopad\n"
                           "[layout picopad]\n"
                           "name = Pico Macro Pad\n"
                           "report = 1\n"
                           "length = 5\n"
                           "key1 = bit 1.0 -> KEY_F13\n"
                           "key2 = bit 1.1 -> KEY_F14\n"
                           "keys = bits 1.2 count=2 -> KEY_F15\n"
                           "push = bit 1.4 active-low -> KEY_MUTE\n"
                           "knob = s8 2 -> REL_DIAL\n"
                           "pos = u16le 3 counter -> REL_WHEEL\n";

static void test_pico(void **state)
{
	struct rig g;

	rig_new(&g, pico);
	/* push is active-low: byte 1 bit 4 set means released */
	assert_int_equal(REPORT(&g, 0x01, 0x10, 0x00, 0xff, 0xff), 1);
	assert_int_equal(g.sink.n, 0);
	assert_int_equal(REPORT(&g, 0x01, 0x05, 0xfe, 0x00, 0x00), 1);
	assert_event(&g, 0, 0, EV_KEY, KEY_F13, 1);
	assert_event(&g, 1, 0, EV_KEY, KEY_F15, 1);
	assert_event(&g, 2, 0, EV_KEY, KEY_MUTE, 1);
	assert_event(&g, 3, 0, EV_REL, REL_DIAL, -2);
	assert_event(&g, 4, 0, EV_REL, REL_WHEEL, 1); /* 0xffff -> 0x0000 is one step */
	assert_event(&g, 5, 0, EV_SYN, SYN_REPORT, 0);
	/* another report ID: not this layout's */
	assert_int_equal(REPORT(&g, 0x02, 0x00, 0x00, 0x00, 0x00), 0);
	assert_int_equal(g.sink.n, 0);
	/* shorter than length: rejected whole */
	assert_int_equal(REPORT(&g, 0x01, 0x00), -EBADMSG);
	assert_int_equal(g.sink.n, 0);
	rig_free(&g);
}

static void test_kinds(void **state)
{
	struct rig g;
	const struct hm_device_stats *st;

	rig_new(&g, DEV "[layout l]\n"
	                "report = 0\n"
	                "node.motion = Test Motion, INPUT_PROP_ACCELEROMETER\n"
	                "hat = u4 0.0 hat -> ABS_HAT0X\n"
	                "pedal = u4 0.4 enum -> 1:KEY_A 2:KEY_B 4:KEY_C\n"
	                "x = s12le 1.0 abs scale=2 offset=1 -> ABS_X\n"
	                "y = u8 2.4 abs invert min=0 max=15 -> ABS_Y\n" /* overlaps? no: 2.4..3.3 */
	                "z = s16be 4 node=motion -> ABS_Z\n"
	                "far = u8 6 -> ABS_RX\n");
	/* hat 2 = east, pedal 2 = KEY_B, x = 0xfff (-1) * 2 + 1 = -1, y = 0x05 -> 15 - 5,
	 * z = 0x8000 big-endian = -32768; no byte 6: far is skipped and counted */
	assert_int_equal(REPORT(&g, 0x22, 0xff, 0x5f, 0x00, 0x80, 0x00), -EMSGSIZE);
	assert_event(&g, 0, 0, EV_ABS, ABS_HAT0X, 1);
	assert_event(&g, 1, 0, EV_KEY, KEY_B, 1);
	assert_event(&g, 2, 0, EV_ABS, ABS_X, -1);
	assert_event(&g, 3, 0, EV_ABS, ABS_Y, 10);
	assert_event(&g, 4, 0, EV_SYN, SYN_REPORT, 0);
	assert_event(&g, 5, 1, EV_ABS, ABS_Z, -32768);
	assert_event(&g, 6, 1, EV_SYN, SYN_REPORT, 0);
	st = hm_device_get_stats(g.dev);
	assert_int_equal(st->decode_errors, 1);
	assert_true(
	    libevdev_has_property(hm_device_output_caps(g.dev, 1), INPUT_PROP_ACCELEROMETER));
	assert_int_equal(libevdev_get_abs_minimum(hm_device_output_caps(g.dev, 0), ABS_X), -4095);
	/* hat 8: centred; pedal 3: none of the values */
	assert_int_equal(REPORT(&g, 0x38, 0xff, 0x5f, 0x00, 0x80, 0x00, 0x07), 1);
	assert_event(&g, 0, 0, EV_ABS, ABS_HAT0X, 0);
	assert_event(&g, 1, 0, EV_KEY, KEY_B, 0);
	assert_event(&g, 2, 0, EV_ABS, ABS_RX, 7);
	rig_free(&g);
}

static void test_predicates(void **state)
{
	struct rig g;

	rig_new(&g, DEV "[layout l]\n"
	                "report = 1\n"
	                "when = 1=0x00\n"
	                "keys = bytes 2 count=2 -> KEY_MACRO1\n"
	                "[layout l:dials]\n"
	                "report = 1\n"
	                "when = 1&0xf0=0x30\n"
	                "dial = s8 2 -> REL_DIAL\n");
	assert_int_equal(REPORT(&g, 0x01, 0x00, 0x01, 0x00), 1);
	assert_event(&g, 0, 0, EV_KEY, KEY_MACRO1, 1);
	assert_int_equal(REPORT(&g, 0x01, 0x3f, 0xff, 0x00), 1);
	assert_event(&g, 0, 0, EV_REL, REL_DIAL, -1);
	assert_int_equal(REPORT(&g, 0x01, 0x20, 0xff, 0x00), 0);
	assert_int_equal(REPORT(&g, 0x01), 0); /* the predicate's byte is missing */
	rig_free(&g);
}

/* Every extractor the compiled form picks (a byte, 1 to 5 little-endian
 * bytes at any bit, big-endian bytes; signed or not) reads what the field's
 * bits say, taken one bit at a time here (HID's little-endian bit order). */
static int64_t bits_value(const uint8_t *rep, unsigned bit, unsigned width, bool is_signed,
                          bool big_endian)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++) {
		/* big-endian: the first byte is the most significant */
		unsigned b = big_endian ? bit + (width / 8 - 1 - i / 8) * 8 + i % 8 : bit + i;

		v |= (uint64_t)((rep[b / 8] >> (b % 8)) & 1) << i;
	}
	if (is_signed && (v >> (width - 1)) & 1)
		return (int64_t)v - (int64_t)(1ULL << width);
	return (int64_t)v;
}

static void check_extractor(unsigned width, unsigned shift, bool is_signed, bool big_endian,
                            unsigned *seed)
{
	char text[256];
	struct rig g;

	snprintf(text, sizeof(text), DEV "[layout l]\nreport = 0\nv = %c%u%s 1.%u -> REL_X\n",
	         is_signed ? 's' : 'u', width, big_endian ? "be" : "le", shift);
	rig_new(&g, text);
	for (unsigned i = 0; i < 40; i++) {
		uint8_t rep[8];
		int64_t v;
		size_t n = 0;

		for (size_t k = 0; k < sizeof(rep); k++)
			rep[k] = (uint8_t)rand_r(seed);
		if (i < 4) /* the extremes */
			memset(rep, i & 1 ? 0xff : 0x00, sizeof(rep));
		v = bits_value(rep, 8 + shift, width, is_signed, big_endian);
		v = v > INT32_MAX ? INT32_MAX : v; /* an unsigned 32-bit value beyond an int */
		assert_int_equal(rig_report(&g, rep, sizeof(rep)), 1);
		for (size_t k = 0; k < g.sink.n; k++)
			if (g.sink.ev[k].type != EV_SYN)
				n++;
		if (n != (v != 0) || (v && g.sink.ev[0].value != (int)v))
			fail_msg("%c%u%s at 1.%u, report %u: expected %" PRId64
			         ", got %zu events (%d)",
			         is_signed ? 's' : 'u', width, big_endian ? "be" : "le", shift, i,
			         v, n, n ? g.sink.ev[0].value : 0);
		if (v)
			assert_event(&g, 0, 0, EV_REL, REL_X, (int)v);
	}
	rig_free(&g);
}

static void test_extractors(void **state)
{
	unsigned seed = 7;

	for (unsigned width = 2; width <= 32; width++)
		for (unsigned shift = 0; shift < 8; shift++)
			for (int s = 0; s < 2; s++)
				check_extractor(width, shift, s, false, &seed);
	for (unsigned width = 16; width <= 32; width += 8)
		for (int s = 0; s < 2; s++)
			check_extractor(width, 0, s, true, &seed);
}

/* The ShuttleXpress module and its layout agree on any report. */
static void test_shuttlexpress_parity(void **state)
{
	static const char text[] = "[device s]\nmatch = 0b33:0020\nlayout = s\n[layout s]\n"
	                           "report = 0\nlength = 5\njog = u8 1 counter -> REL_DIAL\n"
	                           "ring = s8 0 -> ABS_WHEEL min=-7 max=7 strict\n"
	                           "buttons = bits 3.4 count=5 -> BTN_0\n";
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x0b33, .product = 0x0020, .interface = -1};
	struct capture_sink *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct hm_device *da = NULL, *db = NULL;
	struct hm_config *c = NULL;
	const struct hm_module *m;
	const struct hm_config_device *cfg;
	struct diags d;
	unsigned seed = 1;

	assert_int_equal(load_text(text, &d, &c), 0);
	assert_true(select_first(c, &info, &m, &cfg));
	capture_init(a);
	capture_init(b);
	assert_int_equal(
	    hm_device_new(&info, NULL, 0,
	                  &(struct hm_device_setup){.module = hm_module_find("shuttlexpress"),
	                                            .sink = &a->base},
	                  &da),
	    0);
	assert_int_equal(hm_device_new(&info, NULL, 0,
	                               &(struct hm_device_setup){.module = m, .sink = &b->base},
	                               &db),
	                 0);
	for (unsigned i = 0; i < 20000; i++) {
		uint8_t rep[7];
		size_t size = (size_t)(rand_r(&seed) % 8);
		int ra, rb;

		for (size_t k = 0; k < sizeof(rep); k++)
			rep[k] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4)
			rep[0] = (uint8_t)(rand_r(&seed) % 15 - 7); /* mostly in range */
		if (rand_r(&seed) % 2)
			rep[3] &= 0xf0, rep[4] &= 0x01; /* mostly the five buttons */
		a->n = b->n = 0;
		ra = hm_device_process_report(da, rep, size, 0);
		rb = hm_device_process_report(db, rep, size, 0);
		assert_int_equal(ra < 0, rb < 0);
		assert_int_equal(a->n, b->n);
		for (size_t k = 0; k < a->n; k++)
			if (memcmp(&a->ev[k], &b->ev[k], sizeof(a->ev[k])) != 0)
				fail_msg("report %u: event %zu differs", i, k);
	}
	hm_device_free(da);
	hm_device_free(db);
	hm_config_free(c);
	free(a);
	free(b);
}

/* A [device] in one file names a layout of another; a later file's layout
 * of the same id replaces the earlier one. */
static void test_files(void **state)
{
	char dir[] = "/tmp/test-layout-dir-XXXXXX", path[3][64];
	static const char *const text[3] = {
	    "[device d]\nmatch = 1234:5678\nlayout = l\n",
	    "[layout l]\nk = bit 1.0 -> KEY_A\n",
	    "[layout l]\nk = bit 1.0 -> KEY_B\nj = bit 1.1 -> KEY_C\n",
	};
	const char *paths[] = {dir};
	struct hm_config *c = NULL;
	struct diags d = {0};

	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 3; i++) {
		FILE *f;

		snprintf(path[i], sizeof(path[i]), "%s/%d.ini", dir, i);
		f = fopen(path[i], "we");
		assert_non_null(f);
		fputs(text[i], f);
		fclose(f);
	}
	assert_int_equal(hm_config_load(paths, 1, capture_diag, &d, &c), 0);
	assert_int_equal(c->nlayouts, 1);
	assert_int_equal(c->layouts[0]->nfields, 2);
	assert_ptr_equal(c->devices[0].layout_own, c->layouts[0]);
	hm_config_free(c);
	for (int i = 0; i < 3; i++)
		unlink(path[i]);
	rmdir(dir);
}

/* init reports at probe, keep-alive reports from the device's timer */
struct sent {
	unsigned writes, features;
	uint8_t last[8];
	uint64_t armed;
};

static int sent_write(void *userdata, const uint8_t *data, size_t size)
{
	struct sent *s = userdata;

	s->writes++;
	memcpy(s->last, data, size < 8 ? size : 8);
	return (int)size;
}

static int sent_feature(void *userdata, const uint8_t *data, size_t size)
{
	struct sent *s = userdata;

	s->features++;
	memcpy(s->last, data, size < 8 ? size : 8);
	return (int)size;
}

static void sent_arm(void *userdata, uint64_t deadline_us)
{
	((struct sent *)userdata)->armed = deadline_us;
}

static void test_init_keepalive(void **state)
{
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x1234, .product = 0x5678, .interface = -1};
	struct sent sent = {0};
	struct hm_transport t = {
	    .write = sent_write, .send_feature = sent_feature, .userdata = &sent};
	struct capture_sink sink;
	struct hm_device *dev = NULL;
	struct hm_config *c = NULL;
	const struct hm_module *m;
	const struct hm_config_device *cfg;
	struct diags d;
	uint64_t first;

	assert_int_equal(load_text(DEV "[layout l]\n"
	                               "init = feature 03 02, output 00 b1 01\n"
	                               "keepalive = 250ms output 00 b3\n"
	                               "k = bit 1.0 -> KEY_A\n",
	                           &d, &c),
	                 0);
	assert_true(select_first(c, &info, &m, &cfg));
	capture_init(&sink);
	assert_int_equal(hm_device_new(&info, NULL, 0,
	                               &(struct hm_device_setup){.module = m,
	                                                         .sink = &sink.base,
	                                                         .transport = &t,
	                                                         .arm_timer = sent_arm,
	                                                         .userdata = &sent},
	                               &dev),
	                 0);
	assert_int_equal(sent.features, 1);
	assert_int_equal(sent.writes, 1);
	assert_memory_equal(sent.last, ((uint8_t[]){0x00, 0xb1, 0x01}), 3);
	assert_true(sent.armed > 0);
	first = sent.armed;
	hm_device_timer(dev, first);
	assert_int_equal(sent.writes, 2);
	assert_memory_equal(sent.last, ((uint8_t[]){0x00, 0xb3}), 2);
	assert_int_equal(sent.armed, first + 250000); /* and again, a period later */
	hm_device_free(dev);
	hm_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errors),         cmocka_unit_test(test_pico),
	    cmocka_unit_test(test_kinds),          cmocka_unit_test(test_predicates),
	    cmocka_unit_test(test_extractors),     cmocka_unit_test(test_shuttlexpress_parity),
	    cmocka_unit_test(test_init_keepalive), cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
