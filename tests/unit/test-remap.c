/* SPDX-License-Identifier: MIT */
/*
 * The remapper: events in, events out, and the capabilities of the output
 * device.  Expected values follow doc/hidmapd.ini.5.md ("[remap ID]" and
 * "unmapped"), not the program's output.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "remap.h"

#define MAP(from, to)                                                                              \
	{                                                                                          \
		.from_type = EV_KEY, .from_code = (from), .to_type = EV_KEY, .to_code = (to)       \
	}
#define OFF(from)                                                                                  \
	{                                                                                          \
		.from_type = EV_KEY, .from_code = (from), .disabled = true                         \
	}
#define END                                                                                        \
	{                                                                                          \
		.from_type = EV_MAX + 1                                                            \
	}

struct event {
	unsigned output, type, code;
	int value;
};

struct events {
	struct event ev[4];
	size_t n;
};

static void capture(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
	struct events *e = userdata;

	assert_true(e->n < ARRAY_SIZE(e->ev));
	e->ev[e->n++] = (struct event){output, type, code, value};
}

/* A profile from a table ended by END; NULL table: no profile at all. */
static struct hm_config_profile *profile_from(struct hm_config_profile *pr,
                                              const struct hm_config_map *maps)
{
	if (!maps)
		return NULL;
	pr->maps = (struct hm_config_map *)maps;
	for (pr->nmaps = 0; maps[pr->nmaps].from_type <= EV_MAX; pr->nmaps++)
		;
	return pr;
}

/* The mappings the tables below use. */
static const struct hm_config_map shuttle_maps[] = {
    MAP(BTN_0, KEY_SPACE),
    MAP(BTN_4, KEY_ENTER),
    OFF(BTN_1),
    END,
};
static const struct hm_config_map swap_maps[] = {
    MAP(KEY_A, KEY_B),
    MAP(KEY_B, KEY_A),
    OFF(KEY_CAPSLOCK),
    END,
};
static const struct hm_config_map empty_maps[] = {END};

static const struct hm_remap_ops capture_ops = {.emit = capture};

/* A remapper for a module with two outputs that declared nothing. */
static int remap_new(const struct hm_config_profile *pr, enum hm_unmapped_policy unmapped,
                     struct hm_remap **ret)
{
	static struct libevdev *base[2];

	if (!base[0]) {
		base[0] = libevdev_new();
		base[1] = libevdev_new();
	}
	return hm_remap_new(pr, unmapped, base, 2, ret);
}

static void test_events(void **state)
{
	static const struct {
		const struct hm_config_map *maps;
		enum hm_unmapped_policy unmapped;
		struct event in;
		size_t nout;
		struct event out; /* when nout is 1 */
	} cases[] = {
	    /* plain map: same value, same output */
	    {shuttle_maps, HM_UNMAPPED_PASS, {0, EV_KEY, BTN_0, 1}, 1, {0, EV_KEY, KEY_SPACE, 1}},
	    {shuttle_maps, HM_UNMAPPED_PASS, {0, EV_KEY, BTN_0, 0}, 1, {0, EV_KEY, KEY_SPACE, 0}},
	    {shuttle_maps, HM_UNMAPPED_PASS, {0, EV_KEY, BTN_4, 2}, 1, {0, EV_KEY, KEY_ENTER, 2}},
	    {shuttle_maps, HM_UNMAPPED_PASS, {3, EV_KEY, BTN_0, 1}, 1, {3, EV_KEY, KEY_SPACE, 1}},
	    {shuttle_maps, HM_UNMAPPED_DROP, {0, EV_KEY, BTN_0, 1}, 1, {0, EV_KEY, KEY_SPACE, 1}},
	    {swap_maps, HM_UNMAPPED_PASS, {0, EV_KEY, KEY_A, 1}, 1, {0, EV_KEY, KEY_B, 1}},
	    {swap_maps, HM_UNMAPPED_PASS, {0, EV_KEY, KEY_B, 1}, 1, {0, EV_KEY, KEY_A, 1}},
	    /* disabled: nothing, whatever the policy */
	    {shuttle_maps, HM_UNMAPPED_PASS, {0, EV_KEY, BTN_1, 1}, 0, {0}},
	    {shuttle_maps, HM_UNMAPPED_PASS, {0, EV_KEY, BTN_1, 0}, 0, {0}},
	    {shuttle_maps, HM_UNMAPPED_DROP, {0, EV_KEY, BTN_1, 1}, 0, {0}},
	    {swap_maps, HM_UNMAPPED_PASS, {0, EV_KEY, KEY_CAPSLOCK, 1}, 0, {0}},
	    /* unmapped keys: pass or drop */
	    {shuttle_maps, HM_UNMAPPED_PASS, {0, EV_KEY, BTN_2, 1}, 1, {0, EV_KEY, BTN_2, 1}},
	    {shuttle_maps, HM_UNMAPPED_DROP, {0, EV_KEY, BTN_2, 1}, 0, {0}},
	    {shuttle_maps, HM_UNMAPPED_DROP, {0, EV_KEY, KEY_SPACE, 1}, 0, {0}},
	    {empty_maps, HM_UNMAPPED_PASS, {0, EV_KEY, KEY_Z, 1}, 1, {0, EV_KEY, KEY_Z, 1}},
	    {empty_maps, HM_UNMAPPED_DROP, {0, EV_KEY, KEY_Z, 1}, 0, {0}},
	    {NULL, HM_UNMAPPED_PASS, {0, EV_KEY, KEY_Z, 0}, 1, {0, EV_KEY, KEY_Z, 0}},
	    {NULL, HM_UNMAPPED_DROP, {0, EV_KEY, KEY_Z, 0}, 0, {0}},
	    {NULL, HM_UNMAPPED_PASS, {0, EV_KEY, KEY_MAX, 1}, 1, {0, EV_KEY, KEY_MAX, 1}},
	    /* other types pass, even under drop */
	    {shuttle_maps,
	     HM_UNMAPPED_PASS,
	     {0, EV_REL, REL_DIAL, -1},
	     1,
	     {0, EV_REL, REL_DIAL, -1}},
	    {shuttle_maps, HM_UNMAPPED_DROP, {0, EV_REL, REL_DIAL, 1}, 1, {0, EV_REL, REL_DIAL, 1}},
	    {shuttle_maps,
	     HM_UNMAPPED_DROP,
	     {1, EV_ABS, ABS_WHEEL, -7},
	     1,
	     {1, EV_ABS, ABS_WHEEL, -7}},
	    {swap_maps,
	     HM_UNMAPPED_DROP,
	     {0, EV_MSC, MSC_SCAN, 0x70004},
	     1,
	     {0, EV_MSC, MSC_SCAN, 0x70004}},
	    {NULL, HM_UNMAPPED_DROP, {0, EV_LED, LED_CAPSL, 1}, 1, {0, EV_LED, LED_CAPSL, 1}},
	    /* EV_REL code 0 is not KEY_RESERVED's slot, nor is REL_X KEY_A's */
	    {swap_maps, HM_UNMAPPED_PASS, {0, EV_REL, KEY_A, 5}, 1, {0, EV_REL, KEY_A, 5}},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_(hm_remap_freep) struct hm_remap *r = NULL;
		struct hm_config_profile pr = {.id = "test"};
		struct events out = {0};

		assert_int_equal(remap_new(profile_from(&pr, cases[i].maps), cases[i].unmapped, &r),
		                 0);
		hm_remap_set_ops(r, &capture_ops, &out);
		hm_remap_event(r, cases[i].in.output, cases[i].in.type, cases[i].in.code,
		               cases[i].in.value, 0);
		if (out.n != cases[i].nout)
			print_error("case %zu: %zu events out\n", i, out.n);
		assert_int_equal(out.n, cases[i].nout);
		if (out.n == 0)
			continue;
		assert_int_equal(out.ev[0].output, cases[i].out.output);
		assert_int_equal(out.ev[0].type, cases[i].out.type);
		assert_int_equal(out.ev[0].code, cases[i].out.code);
		assert_int_equal(out.ev[0].value, cases[i].out.value);
	}
}

/* A map the loader cannot produce is refused, not half-applied. */
static void test_new_invalid(void **state)
{
	static const struct hm_config_map bad_type[] = {
	    {.from_type = EV_REL, .from_code = REL_X, .to_type = EV_KEY, .to_code = KEY_A},
	    END,
	};
	static const struct hm_config_map bad_code[] = {MAP(KEY_A, KEY_MAX + 1), END};
	struct hm_config_profile pr = {.id = "bad"};
	struct hm_remap *r = (struct hm_remap *)0x1;

	assert_int_equal(remap_new(profile_from(&pr, bad_type), HM_UNMAPPED_PASS, &r), -EINVAL);
	assert_int_equal(remap_new(profile_from(&pr, bad_code), HM_UNMAPPED_PASS, &r), -EINVAL);
	assert_ptr_equal(r, (struct hm_remap *)0x1);
	hm_remap_free(NULL);
}

#define NO_KEY_TYPE UINT_MAX /* "keys" list entry: EV_KEY itself must be off */

static void test_adjust_caps(void **state)
{
	static const struct hm_config_map one_to_many[] = {
	    MAP(KEY_A, KEY_X),
	    MAP(KEY_B, KEY_X),
	    END,
	};
	static const struct hm_config_map chain[] = {
	    MAP(KEY_A, KEY_B),
	    MAP(KEY_C, KEY_A),
	    END,
	};
	static const struct hm_config_map absent[] = {MAP(KEY_Z, KEY_Y), END};
	static const struct hm_config_map onto_present[] = {MAP(KEY_A, KEY_B), END};
	static const struct {
		const struct hm_config_map *maps;
		enum hm_unmapped_policy unmapped;
		unsigned before[8]; /* EV_KEY codes the module enabled, 0-terminated */
		unsigned after[8];  /* every EV_KEY code enabled afterwards, 0-terminated */
	} cases[] = {
	    /* identity */
	    {NULL, HM_UNMAPPED_PASS, {BTN_0, BTN_1}, {BTN_0, BTN_1}},
	    {empty_maps, HM_UNMAPPED_PASS, {KEY_A}, {KEY_A}},
	    /* the ShuttleXpress with the test profile: BTN_0 and BTN_4 are
	     * replaced, BTN_1 is gone, the unmapped pass or go */
	    {shuttle_maps,
	     HM_UNMAPPED_PASS,
	     {BTN_0, BTN_1, BTN_2, BTN_3, BTN_4},
	     {BTN_2, BTN_3, KEY_SPACE, KEY_ENTER}},
	    {shuttle_maps,
	     HM_UNMAPPED_DROP,
	     {BTN_0, BTN_1, BTN_2, BTN_3, BTN_4},
	     {KEY_SPACE, KEY_ENTER}},
	    /* a swap keeps both */
	    {swap_maps, HM_UNMAPPED_PASS, {KEY_A, KEY_B, KEY_CAPSLOCK}, {KEY_A, KEY_B}},
	    /* one target for two sources */
	    {one_to_many, HM_UNMAPPED_PASS, {KEY_A, KEY_B}, {KEY_X}},
	    /* KEY_A maps away; KEY_C would map onto it, but the device has no KEY_C */
	    {chain, HM_UNMAPPED_PASS, {KEY_A}, {KEY_B}},
	    {chain, HM_UNMAPPED_PASS, {KEY_A, KEY_C}, {KEY_A, KEY_B}},
	    /* a map for a key the device lacks adds nothing */
	    {absent, HM_UNMAPPED_PASS, {KEY_A}, {KEY_A}},
	    /* under drop, a mapped target stays though its own events are dropped */
	    {onto_present, HM_UNMAPPED_DROP, {KEY_A, KEY_B, KEY_C}, {KEY_B}},
	    /* nothing left: no EV_KEY at all */
	    {NULL, HM_UNMAPPED_DROP, {KEY_A, BTN_0}, {NO_KEY_TYPE}},
	    {swap_maps, HM_UNMAPPED_PASS, {KEY_CAPSLOCK}, {NO_KEY_TYPE}},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_(hm_remap_freep) struct hm_remap *r = NULL;
		struct hm_config_profile pr = {.id = "test"};
		struct libevdev *caps = libevdev_new();
		bool key_type = cases[i].after[0] != NO_KEY_TYPE;

		assert_non_null(caps);
		libevdev_enable_event_code(caps, EV_REL, REL_DIAL, NULL);
		for (size_t j = 0; cases[i].before[j]; j++)
			libevdev_enable_event_code(caps, EV_KEY, cases[i].before[j], NULL);
		assert_int_equal(remap_new(profile_from(&pr, cases[i].maps), cases[i].unmapped, &r),
		                 0);

		hm_remap_output_caps(r, 0, caps);

		assert_int_equal(libevdev_has_event_type(caps, EV_KEY), key_type);
		for (unsigned code = 0; code <= KEY_MAX; code++) {
			bool want = false;

			for (size_t j = 0; key_type && cases[i].after[j]; j++)
				want = want || cases[i].after[j] == code;
			if (libevdev_has_event_code(caps, EV_KEY, code) != want)
				print_error("case %zu: code %s should be %s\n", i,
				            libevdev_event_code_get_name(EV_KEY, code),
				            want ? "on" : "off");
			assert_int_equal(libevdev_has_event_code(caps, EV_KEY, code), want);
		}
		/* other types are the module's business */
		assert_true(libevdev_has_event_code(caps, EV_REL, REL_DIAL));
		libevdev_free(caps);
	}
}

/* A device without keys keeps its (lack of) keys. */
static void test_adjust_caps_no_keys(void **state)
{
	_cleanup_(hm_remap_freep) struct hm_remap *r = NULL;
	struct hm_config_profile pr = {.id = "test"};
	struct libevdev *caps = libevdev_new();

	assert_int_equal(remap_new(profile_from(&pr, swap_maps), HM_UNMAPPED_PASS, &r), 0);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X,
	                           &(struct input_absinfo){.minimum = 0, .maximum = 10});
	hm_remap_output_caps(r, 0, caps);
	assert_false(libevdev_has_event_type(caps, EV_KEY));
	assert_false(libevdev_has_event_code(caps, EV_KEY, KEY_A));
	assert_true(libevdev_has_event_code(caps, EV_ABS, ABS_X));
	libevdev_free(caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_new_invalid),
	    cmocka_unit_test(test_adjust_caps),
	    cmocka_unit_test(test_adjust_caps_no_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
