/* SPDX-License-Identifier: MIT */
/* The device core with fake modules: outputs, frames, mapping, reload, feedback. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "config-text.h"
#include "config.h"
#include "device.h"

static struct hm_device *probing_dev;
static int feedback_calls, last_feedback_code, last_feedback_value;

static int two_probe(struct hm_device *dev)
{
	struct libevdev *caps;

	assert_int_equal(hm_device_add_output(dev, "keys", &caps), 0);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_C, NULL);
	libevdev_enable_event_code(caps, EV_LED, LED_CAPSL, NULL);
	assert_int_equal(hm_device_add_output(dev, "pointer", &caps), 1);
	libevdev_enable_event_code(caps, EV_REL, REL_X, NULL);
	libevdev_enable_event_code(caps, EV_KEY, BTN_LEFT, NULL);
	probing_dev = dev;
	return 0;
}

/* report: [keyA, keyC, btn, dx] */
static int two_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t t)
{
	if (size != 4)
		return -EBADMSG;
	hm_emit(dev, 0, EV_KEY, KEY_A, data[0]);
	hm_emit(dev, 0, EV_KEY, KEY_C, data[1]);
	hm_emit(dev, 1, EV_KEY, BTN_LEFT, data[2]);
	hm_emit(dev, 1, EV_REL, REL_X, (int8_t)data[3]);
	return 1;
}

static int two_output(struct hm_device *dev, unsigned out, unsigned type, unsigned code, int value)
{
	feedback_calls++;
	last_feedback_code = (int)code;
	last_feedback_value = value;
	return 0;
}

static const struct hm_module two_module = {
    .name = "two",
    .probe = two_probe,
    .decode = two_decode,
    .output = two_output,
};

static int decline_probe(struct hm_device *dev)
{
	struct libevdev *caps;

	/* declared, then declined: the core must throw the output away */
	assert_int_equal(hm_device_add_output(dev, "x", &caps), 0);
	return -ENODEV;
}

static const struct hm_module decline_module = {.name = "decline", .probe = decline_probe};

static int many_probe(struct hm_device *dev)
{
	struct libevdev *caps;

	for (int i = 0; i < HM_MAX_OUTPUTS; i++)
		assert_int_equal(hm_device_add_output(dev, "o", &caps), i);
	assert_int_equal(hm_device_add_output(dev, "o", &caps), -E2BIG);
	return 0;
}

static const struct hm_module many_module = {.name = "many", .probe = many_probe};

/* A module with decoder state, as a keyboard that emits changes only. */
struct edge_priv {
	bool a_down;
};
static int edge_probes, edge_removes, edge_fail_probe;
static char edge_probed_path[64];

static int edge_probe(struct hm_device *dev)
{
	struct libevdev *caps;

	edge_probes++;
	snprintf(edge_probed_path, sizeof(edge_probed_path), "%s", dev->info.path);
	if (edge_fail_probe)
		return -EIO;
	assert_int_equal(hm_device_add_output(dev, "keys", &caps), 0);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	return 0;
}

static int edge_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t t)
{
	struct edge_priv *p = dev->priv;

	if (p->a_down != !!data[0])
		hm_emit(dev, 0, EV_KEY, KEY_A, data[0]);
	p->a_down = data[0];
	return 1;
}

static void edge_remove(struct hm_device *dev)
{
	edge_removes++;
}

static const struct hm_module edge_module = {
    .name = "edge",
    .priv_size = sizeof(struct edge_priv),
    .probe = edge_probe,
    .decode = edge_decode,
    .remove = edge_remove,
};

/* A gamepad: a stick (X with a rest value, Y without: say the module
 * cannot know it), a hat resting at 0, a button. */
static int rest_probe_result;

static int pad_probe(struct hm_device *dev)
{
	struct input_absinfo stick = {.minimum = 0, .maximum = 255, .value = 128};
	struct input_absinfo hat = {.minimum = -1, .maximum = 1};
	struct libevdev *caps;

	/* not before the axis exists, nor on an output not declared */
	assert_int_equal(hm_device_set_abs_rest(dev, 0, ABS_X, 128), -EINVAL);
	assert_int_equal(hm_device_add_output(dev, "pad", &caps), 0);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &stick);
	libevdev_enable_event_code(caps, EV_ABS, ABS_Y, &stick);
	libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0X, &hat);
	libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL);
	assert_int_equal(hm_device_set_abs_rest(dev, 1, ABS_X, 128), -EINVAL);
	assert_int_equal(hm_device_set_abs_rest(dev, 0, ABS_RX, 0), -EINVAL);
	assert_int_equal(hm_device_set_abs_rest(dev, 0, ABS_HAT0X, 2), -ERANGE);
	assert_int_equal(hm_device_set_abs_rest(dev, 0, ABS_X, 128), 0);
	rest_probe_result = hm_device_set_abs_rest(dev, 0, ABS_HAT0X, 0);
	probing_dev = dev;
	return 0;
}

/* report: [x, y, hat, button] */
static int pad_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t t)
{
	hm_emit(dev, 0, EV_ABS, ABS_X, data[0]);
	hm_emit(dev, 0, EV_ABS, ABS_Y, data[1]);
	hm_emit(dev, 0, EV_ABS, ABS_HAT0X, (int8_t)data[2]);
	hm_emit(dev, 0, EV_KEY, BTN_SOUTH, data[3]);
	return 1;
}

static const struct hm_module pad_module = {
    .name = "pad",
    .probe = pad_probe,
    .decode = pad_decode,
};

static const struct hm_device_info info = {
    .bus = 3, .vendor = 1, .product = 2, .name = "fake", .path = "/dev/hidraw9"};

static struct hm_device *make(struct capture_sink *cs, const struct hm_module *m,
                              const struct hm_config_profile *profile)
{
	struct hm_device_setup setup = {.module = m, .sink = &cs->base, .profile = profile};
	struct hm_device *dev = NULL;

	capture_init(cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	return dev;
}

static void test_frames_per_output(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &two_module, NULL);
	struct libevdev *caps;

	assert_int_equal(cs.ndevices, 2);
	assert_int_equal(hm_device_noutputs(dev), 2);
	assert_string_equal(libevdev_get_name((struct libevdev *)hm_device_output_caps(dev, 1)),
	                    "pointer");
	assert_string_equal(libevdev_get_phys((struct libevdev *)hm_device_output_caps(dev, 1)),
	                    "hidmapd/hidraw9/input1");
	assert_int_equal(libevdev_get_id_vendor((struct libevdev *)hm_device_output_caps(dev, 0)),
	                 1);
	/* outputs may only be declared while probing */
	assert_int_equal(hm_device_add_output(dev, "late", &caps), -EPERM);

	assert_int_equal(hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x01\x05", 4, 0),
	                 1);
	/* device 0: KEY_A, SYN; device 1: BTN_LEFT, REL_X, SYN */
	assert_int_equal(cs.n, 5);
	assert_int_equal(cs.ev[0].dev, 0);
	assert_int_equal(cs.ev[0].code, KEY_A);
	assert_int_equal(cs.ev[1].type, EV_SYN);
	assert_int_equal(cs.ev[2].dev, 1);
	assert_int_equal(cs.ev[2].code, BTN_LEFT);
	assert_int_equal(cs.ev[3].code, REL_X);
	assert_int_equal(cs.ev[4].dev, 1);
	assert_int_equal(cs.ev[4].type, EV_SYN);

	/* a malformed report is counted; nothing is emitted */
	cs.n = 0;
	assert_true(hm_device_process_report(dev, (const uint8_t *)"\x00", 1, 0) < 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(hm_device_get_stats(dev)->reports, 2);
	assert_int_equal(hm_device_get_stats(dev)->decode_errors, 1);

	/* teardown releases what is held: KEY_A and BTN_LEFT */
	hm_device_free(dev);
	assert_int_equal(cs.n, 4);
	assert_int_equal(cs.ev[0].code, KEY_A);
	assert_int_equal(cs.ev[0].value, 0);
	assert_int_equal(cs.ev[2].code, BTN_LEFT);
	assert_int_equal(cs.ev[2].value, 0);
	assert_int_equal(cs.removed, 2);
}

/* A module with settings for its hardware (a lightbar): what its
 * configure hook was called with. */
static struct {
	unsigned calls;
	struct hm_device_settings last;
} configured;

static void lit_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	configured.calls++;
	configured.last = *settings;
}

static const struct hm_module lit_module = {
    .name = "lit",
    .probe = two_probe,
    .decode = two_decode,
    .configure = lit_configure,
};

/*
 * The settings reach the configure hook once the outputs exist; a new set
 * (a reload that changed only them) calls it again without touching the
 * mapping, the outputs or what they hold; the same set does not; a
 * restart (replug) sends them again to the fresh module.
 */
static void test_configure(void **state)
{
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;
	struct hm_device_setup setup = {.module = &lit_module, .settings = &s};
	struct capture_sink cs;
	struct hm_device *dev = NULL;

	memset(&configured, 0, sizeof(configured));
	capture_init(&cs);
	setup.sink = &cs.base;
	s.lightbar_set = true;
	memcpy(s.lightbar, "\x10\x20\x30", 3);
	s.player_leds = 2;
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_int_equal(configured.calls, 1);
	assert_true(configured.last.lightbar_set);
	assert_memory_equal(configured.last.lightbar, "\x10\x20\x30", 3);
	assert_int_equal(configured.last.player_leds, 2);
	assert_int_equal(configured.last.mic_led, -1);

	/* A held; new settings: the hook hears them, nothing is released,
	 * no device recreated */
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 0);
	cs.n = 0;
	s.player_leds = 3;
	s.mic_led = 1;
	hm_device_configure(dev, &s);
	assert_int_equal(configured.calls, 2);
	assert_int_equal(configured.last.player_leds, 3);
	assert_int_equal(configured.last.mic_led, 1);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cs.ndevices, 2);
	assert_int_equal(cs.removed, 0);
	/* A was still down: its release is a release */
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.ev[0].code, KEY_A);
	assert_int_equal(cs.ev[0].value, 0);

	/* the same settings again: not called */
	hm_device_configure(dev, &s);
	assert_int_equal(configured.calls, 2);

	/* a replug: the fresh module gets the kept settings */
	assert_int_equal(hm_device_restart(dev, &info), 0);
	assert_int_equal(configured.calls, 3);
	assert_int_equal(configured.last.player_leds, 3);

	/* none set any more: called with everything unset */
	hm_device_configure(dev, NULL);
	assert_int_equal(configured.calls, 4);
	assert_false(configured.last.lightbar_set);
	assert_int_equal(configured.last.player_leds, -1);
	assert_int_equal(configured.last.mic_led, -1);
	hm_device_free(dev);

	/* no settings given: the hook still runs, with nothing set */
	memset(&configured, 0, sizeof(configured));
	setup.settings = NULL;
	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_int_equal(configured.calls, 1);
	assert_false(configured.last.lightbar_set);
	assert_int_equal(configured.last.player_leds, -1);
	hm_device_free(dev);
}

/* The battery as the module set it; nothing before it did. */
static void test_battery(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &two_module, NULL);
	enum hm_battery_status status;
	int percent;

	assert_false(hm_device_get_battery(dev, &percent, &status));
	assert_int_equal(percent, -1);
	assert_int_equal(status, HM_BATTERY_UNKNOWN);
	hm_device_set_battery(dev, 55, HM_BATTERY_CHARGING);
	assert_true(hm_device_get_battery(dev, &percent, &status));
	assert_int_equal(percent, 55);
	assert_int_equal(status, HM_BATTERY_CHARGING);
	/* out of range: clamped, or unknown */
	hm_device_set_battery(dev, 150, HM_BATTERY_FULL);
	assert_true(hm_device_get_battery(dev, &percent, &status));
	assert_int_equal(percent, 100);
	assert_int_equal(status, HM_BATTERY_FULL);
	hm_device_set_battery(dev, -7, HM_BATTERY_DISCHARGING);
	assert_true(hm_device_get_battery(dev, &percent, NULL));
	assert_int_equal(percent, -1);
	/* a replug: unknown until the module says again */
	hm_device_set_battery(dev, 30, HM_BATTERY_DISCHARGING);
	assert_int_equal(hm_device_restart(dev, &dev->info), 0);
	assert_false(hm_device_get_battery(dev, &percent, &status));
	assert_int_equal(percent, -1);
	hm_device_free(dev);
}

static void test_decline(void **state)
{
	struct capture_sink cs;
	struct hm_device_setup setup = {.module = &decline_module, .sink = &cs.base};
	struct hm_device *dev = NULL;

	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), -ENODEV);
	assert_null(dev);
	assert_int_equal(cs.ndevices, 0);
	/* no module at all: the core takes the modules it is given, choosing
	 * them is the selection policy's (module-select.h), a layer above */
	setup.module = NULL;
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), -EINVAL);
	assert_null(dev);
	assert_int_equal(cs.ndevices, 0);
}

static void test_output_limit(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &many_module, NULL);

	assert_int_equal(hm_device_noutputs(dev), HM_MAX_OUTPUTS);
	hm_device_free(dev);
}

static void test_mapping_and_reload(void **state)
{
	struct hm_config_map map_ab = {
	    .from_type = EV_KEY,
	    .from_code = KEY_A,
	    .action = {.kind = HM_ACT_KEYS, .ncodes = 1, .codes = {KEY_B}}};
	struct hm_config_map map_ac = {
	    .from_type = EV_KEY,
	    .from_code = KEY_A,
	    .action = {.kind = HM_ACT_KEYS, .ncodes = 1, .codes = {KEY_D}}};
	struct hm_config_profile p_ab = {.id = "ab", .maps = &map_ab, .nmaps = 1};
	struct hm_config_profile p_ac = {.id = "ac", .maps = &map_ac, .nmaps = 1};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &two_module, &p_ab);
	struct libevdev *caps = (struct libevdev *)hm_device_output_caps(dev, 0);

	assert_true(libevdev_has_event_code(caps, EV_KEY, KEY_B));
	assert_false(libevdev_has_event_code(caps, EV_KEY, KEY_A));

	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.ev[0].code, KEY_B);
	assert_int_equal(cs.ev[0].value, 1);

	/* A -> D: output 0's capabilities change (B goes), output 1's do not.
	 * B is released before the switch; output 1 is kept. */
	cs.n = 0;
	assert_int_equal(hm_device_set_profile(dev, &p_ac, HM_UNMAPPED_PASS), 0);
	assert_int_equal(cs.ev[0].code, KEY_B);
	assert_int_equal(cs.ev[0].value, 0);
	assert_int_equal(cs.removed, 1); /* only output 0 was recreated */
	assert_int_equal(cs.ndevices, 3);
	caps = (struct libevdev *)hm_device_output_caps(dev, 0);
	assert_false(libevdev_has_event_code(caps, EV_KEY, KEY_B));
	assert_true(libevdev_has_event_code(caps, EV_KEY, KEY_D));

	/* the same profile again changes nothing: no device recreated */
	assert_int_equal(hm_device_set_profile(dev, &p_ac, HM_UNMAPPED_PASS), 0);
	assert_int_equal(cs.ndevices, 3);

	/* A, still physically down, is now D: its release maps to a D release,
	 * which is dropped as D is not down; pressing again emits D */
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 0);
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.ev[0].code, KEY_D);
	assert_int_equal(cs.ev[0].value, 1);
	hm_device_free(dev);
}

/* A focus change mid-press (hm_device_set_profile_focus()): the key held is
 * released as the old profile mapped it, once; it does nothing under the new
 * profile while still held, even though the module reports it in every
 * report; let go and pressed again, it is the new profile's. */
static void test_focus_switch_held(void **state)
{
	struct hm_config_map map_ab = {
	    .from_type = EV_KEY,
	    .from_code = KEY_A,
	    .action = {.kind = HM_ACT_KEYS, .ncodes = 1, .codes = {KEY_B}}};
	struct hm_config_map map_ad = {
	    .from_type = EV_KEY,
	    .from_code = KEY_A,
	    .action = {.kind = HM_ACT_KEYS, .ncodes = 1, .codes = {KEY_D}}};
	struct hm_config_profile p_ab = {.id = "ab", .maps = &map_ab, .nmaps = 1};
	struct hm_config_profile p_ad = {.id = "ad", .maps = &map_ad, .nmaps = 1};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &two_module, &p_ab);

	assert_ptr_equal(hm_device_profile(dev), &p_ab);
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 0);
	assert_int_equal(cs.ev[0].code, KEY_B);
	assert_int_equal(cs.ev[0].value, 1);

	cs.n = 0;
	assert_int_equal(hm_device_set_profile_focus(dev, &p_ad), 0);
	assert_ptr_equal(hm_device_profile(dev), &p_ad);
	assert_int_equal(cs.n, 2); /* B up, sync */
	assert_int_equal(cs.ev[0].code, KEY_B);
	assert_int_equal(cs.ev[0].value, 0);

	/* A still down, C pressed beside it: only C */
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x01\x01\x00\x00", 4, 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.ev[0].code, KEY_C);
	assert_int_equal(cs.ev[0].value, 1);
	/* A let go: nothing (B is up already, D was never down) */
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x00\x01\x00\x00", 4, 0);
	assert_int_equal(cs.n, 0);
	/* pressed again: the new profile's D */
	hm_device_process_report(dev, (const uint8_t *)"\x01\x01\x00\x00", 4, 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.ev[0].code, KEY_D);
	assert_int_equal(cs.ev[0].value, 1);
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 0);
	assert_int_equal(cs.n, 3); /* D up, C up, sync */
	assert_int_equal(cs.ev[0].code, KEY_D);
	assert_int_equal(cs.ev[0].value, 0);
	hm_device_free(dev);
}

/* Whether the captured events hold code (any value). */
static bool captured(const struct capture_sink *cs, unsigned code)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->ev[i].type == EV_KEY && cs->ev[i].code == code)
			return true;
	return false;
}

/* A focus switch ends what profile() ends: a pending tap-hold (never
 * decided, its key silent until pressed again), a macro in flight (its
 * remaining steps never come), a toggled layer (off in the next mapping). */
static void test_focus_switch_ends_state(void **state)
{
	char path[] = "/tmp/test-device-focus-XXXXXX";
	const char *paths[1] = {path};
	struct hm_config *config = NULL;
	const struct hm_config_profile *p1, *p2;
	struct capture_sink cs;
	struct hm_device *dev;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("[remap p1]\n"
	      "KEY_A = tap-hold(KEY_X, KEY_Y)\n"
	      "KEY_C = macro(KEY_1, 100ms, KEY_2, 100ms, KEY_3)\n"
	      "BTN_LEFT = toggle(nav)\n"
	      "[remap p1:nav]\n"
	      "KEY_A = KEY_Q\n"
	      "[remap p2]\n",
	      f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(hm_config_load(paths, 1, NULL, NULL, &config), 0);
	unlink(path);
	p1 = hm_config_find_profile(config, "p1");
	p2 = hm_config_find_profile(config, "p2");
	dev = make(&cs, &two_module, p1);

	/* a tap-hold pending: nothing out yet; the switch ends it unseen */
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(hm_device_set_profile_focus(dev, p2), 0);
	hm_device_timer(dev, 500000); /* past the tap-hold timeout */
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 10000);
	assert_false(captured(&cs, KEY_X) || captured(&cs, KEY_Y) || captured(&cs, KEY_A));
	/* pressed again: p2's (A unmapped, passed) */
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 600000);
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 610000);
	assert_true(captured(&cs, KEY_A));

	/* a macro in flight: its first step out, the rest never */
	assert_int_equal(hm_device_set_profile_focus(dev, p1), 0);
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x00\x01\x00\x00", 4, 1000000);
	hm_device_timer(dev, 1000000);
	assert_true(captured(&cs, KEY_1));
	assert_int_equal(hm_device_set_profile_focus(dev, p2), 0);
	for (uint64_t t = 1000000; t <= 1500000; t += 50000)
		hm_device_timer(dev, t);
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 1500000);
	assert_false(captured(&cs, KEY_2) || captured(&cs, KEY_3) || captured(&cs, KEY_C));

	/* a toggled layer: on under p1 (A -> Q); after p2 and back, off */
	assert_int_equal(hm_device_set_profile_focus(dev, p1), 0);
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x01\x00", 4, 2000000);
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 2010000);
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 2020000);
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 2030000);
	assert_true(captured(&cs, KEY_Q));
	assert_int_equal(hm_device_set_profile_focus(dev, p2), 0);
	assert_int_equal(hm_device_set_profile_focus(dev, p1), 0);
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x01\x00\x00\x00", 4, 3000000);
	assert_int_equal(cs.n, 0); /* a tap-hold again, pending: the layer is off */
	hm_device_process_report(dev, (const uint8_t *)"\x00\x00\x00\x00", 4, 3010000);
	assert_true(captured(&cs, KEY_X)); /* tapped */
	assert_false(captured(&cs, KEY_Q));
	hm_device_free(dev);
	hm_config_free(config);
}

/* A module with keys and a stick with a known rest value.
 * report: [keyA, keyC, x (0..255, rest 128)] */
static int mix_probe(struct hm_device *dev)
{
	struct input_absinfo stick = {.minimum = 0, .maximum = 255, .value = 128};
	struct libevdev *caps;

	assert_int_equal(hm_device_add_output(dev, "mix", &caps), 0);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_C, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &stick);
	assert_int_equal(hm_device_set_abs_rest(dev, 0, ABS_X, 128), 0);
	return 0;
}

static int mix_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t t)
{
	if (size != 3)
		return -EBADMSG;
	hm_emit(dev, 0, EV_KEY, KEY_A, data[0]);
	hm_emit(dev, 0, EV_KEY, KEY_C, data[1]);
	hm_emit(dev, 0, EV_ABS, ABS_X, data[2]);
	return 1;
}

static const struct hm_module mix_module = {
    .name = "mix",
    .probe = mix_probe,
    .decode = mix_decode,
};

/* The key events captured since cs->n was last reset, as "CODE:VALUE ". */
static void key_trace(const struct capture_sink *cs, char *buf, size_t size)
{
	size_t l = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cs->n && l < size; i++)
		if (cs->ev[i].type == EV_KEY)
			l += (size_t)snprintf(buf + l, size - l, "%u:%d ", cs->ev[i].code,
			                      cs->ev[i].value);
}

static void mix_report(struct hm_device *dev, int a, int c, int x, uint64_t t)
{
	uint8_t r[3] = {(uint8_t)a, (uint8_t)c, (uint8_t)x};

	assert_int_equal(hm_device_process_report(dev, r, sizeof(r), t), 1);
}

/* One run of the scenario below, switching with a focus change (focus) or
 * as profile() does; each step's key events are checked against what
 * hidmapd.ini(5) says (oneshot(), ABS_X+, Switching), and copied to trace
 * for the comparison of the two. */
static void oneshot_stick_run(bool focus, char *trace, size_t size)
{
	struct hm_config *config = NULL;
	const struct hm_config_profile *p1, *p2;
	struct capture_sink cs;
	struct hm_device *dev;
	char t[256];
	size_t l = 0;

	assert_int_equal(config_load_text("[remap p1]\n"
	                                  "KEY_C = oneshot(nav)\n"
	                                  "ABS_X+ = KEY_Q\n"
	                                  "[remap p1:nav]\n"
	                                  "KEY_A = KEY_Z\n"
	                                  "[remap p2]\n"
	                                  "KEY_C = oneshot(nav)\n"
	                                  "ABS_X+ = KEY_W\n"
	                                  "[remap p2:nav]\n"
	                                  "KEY_A = KEY_Z\n",
	                                  NULL, NULL, &config),
	                 0);
	p1 = hm_config_find_profile(config, "p1");
	p2 = hm_config_find_profile(config, "p2");
	assert_non_null(p1);
	assert_non_null(p2);
	dev = make(&cs, &mix_module, p1);
#define STEP(expect)                                                                               \
	do {                                                                                       \
		key_trace(&cs, t, sizeof(t));                                                      \
		assert_string_equal(t, expect);                                                    \
		l += (size_t)snprintf(trace + l, size - l, "%s| ", t);                             \
		cs.n = 0;                                                                          \
	} while (0)
#define SWITCH(p)                                                                                  \
	assert_int_equal(focus ? hm_device_set_profile_focus(dev, p)                               \
	                       : hm_device_set_profile(dev, p, HM_UNMAPPED_PASS),                  \
	                 0)

	mix_report(dev, 0, 0, 128, 1000);
	cs.n = 0;
	/* the one-shot armed by a tap applies to the next key: A is Z */
	mix_report(dev, 0, 1, 128, 2000);
	mix_report(dev, 0, 0, 128, 3000);
	STEP("");
	mix_report(dev, 1, 0, 128, 4000);
	mix_report(dev, 0, 0, 128, 5000);
	STEP("44:1 44:0 "); /* KEY_Z */

	/* the stick pushed right is Q; the one-shot armed again; then the switch */
	mix_report(dev, 0, 0, 255, 6000);
	STEP("16:1 "); /* KEY_Q */
	mix_report(dev, 0, 1, 255, 7000);
	mix_report(dev, 0, 0, 255, 8000);
	STEP("");
	SWITCH(p2);
	STEP("16:0 "); /* Q released as p1 mapped it, at the switch, once */
	assert_ptr_equal(hm_device_profile(dev), p2);
	/* the stick still pushed: a position, not a press, so p2's W */
	mix_report(dev, 0, 0, 255, 9000);
	STEP("17:1 "); /* KEY_W */
	/* the one-shot armed under p1 ended at the switch: A is A */
	mix_report(dev, 1, 0, 255, 10000);
	mix_report(dev, 0, 0, 255, 11000);
	STEP("30:1 30:0 ");
	mix_report(dev, 0, 0, 128, 12000);
	STEP("17:0 ");

	/* nothing held: a switch emits nothing at all, and neither does the
	 * next report that has nothing new */
	SWITCH(p1);
	assert_int_equal(cs.n, 0);
	mix_report(dev, 0, 0, 128, 13000);
	assert_int_equal(cs.n, 0);
#undef SWITCH
#undef STEP
	hm_device_free(dev);
	hm_config_free(config);
}

/* Armed one-shots and a held axis mapping end at a focus switch exactly as
 * at a profile() switch; a switch with nothing held emits nothing. */
static void test_focus_switch_oneshot_stick(void **state)
{
	char by_focus[512], by_profile[512];

	oneshot_stick_run(true, by_focus, sizeof(by_focus));
	oneshot_stick_run(false, by_profile, sizeof(by_profile));
	assert_string_equal(by_focus, by_profile);
}

/* A replug: held keys go up, the module starts from a fresh probe, the
 * virtual device stays. */
static void test_restart(void **state)
{
	struct hm_device_info back = info;
	struct capture_sink cs;
	struct hm_device *dev;

	edge_probes = edge_removes = edge_fail_probe = 0;
	dev = make(&cs, &edge_module, NULL);
	hm_device_process_report(dev, (const uint8_t *)"\x01", 1, 0);
	assert_int_equal(cs.n, 2); /* A down, SYN */

	cs.n = 0;
	snprintf(back.path, sizeof(back.path), "/dev/hidraw4");
	assert_int_equal(hm_device_restart(dev, &back), 0);
	assert_int_equal(edge_removes, 1);
	assert_int_equal(edge_probes, 2);
	assert_string_equal(edge_probed_path, "/dev/hidraw4");
	assert_string_equal(dev->info.path, "/dev/hidraw4");
	assert_int_equal(cs.n, 2); /* A up, SYN: released before the new probe */
	assert_int_equal(cs.ev[0].code, KEY_A);
	assert_int_equal(cs.ev[0].value, 0);
	assert_int_equal(cs.ndevices, 1); /* same capabilities: same virtual device */
	assert_int_equal(cs.removed, 0);

	/* the new module state has A up: pressing it again is a press */
	cs.n = 0;
	hm_device_process_report(dev, (const uint8_t *)"\x01", 1, 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.ev[0].code, KEY_A);
	assert_int_equal(cs.ev[0].value, 1);

	/* a module that will not take the device again: an error, and the
	 * device can still be freed (its held key released once) */
	cs.n = 0;
	edge_fail_probe = 1;
	assert_int_equal(hm_device_restart(dev, &back), -EIO);
	assert_int_equal(cs.ev[0].value, 0);
	hm_device_free(dev);
	assert_int_equal(edge_removes, 2);
	assert_int_equal(cs.removed, 1);
	assert_int_equal(cs.n, 2);
}

/*
 * Letting go (unplug within the grace period, a changed mapping, a
 * restart) puts the axes the module gave a rest value back to it, releases
 * the button, and leaves the axis without one where it was.  Before, only
 * EV_KEY was released and the stick and hat stayed deflected.
 */
static void test_release_rest(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &pad_module, NULL);
	struct libevdev *caps = (struct libevdev *)hm_device_output_caps(dev, 0);

	assert_int_equal(rest_probe_result, 0);
	/* outside probe: refused */
	assert_int_equal(hm_device_set_abs_rest(dev, 0, ABS_Y, 128), -EPERM);

	hm_device_process_report(dev, (const uint8_t *)"\xff\x0a\x01\x01", 4, 0);
	assert_int_equal(libevdev_get_event_value(caps, EV_ABS, ABS_X), 255);
	cs.n = 0;
	hm_device_release_all(dev);
	/* one frame: the rest values in code order, then the button */
	assert_int_equal(cs.n, 4);
	assert_int_equal(cs.ev[0].type, EV_ABS);
	assert_int_equal(cs.ev[0].code, ABS_X);
	assert_int_equal(cs.ev[0].value, 128);
	assert_int_equal(cs.ev[1].code, ABS_HAT0X);
	assert_int_equal(cs.ev[1].value, 0);
	assert_int_equal(cs.ev[2].code, BTN_SOUTH);
	assert_int_equal(cs.ev[2].value, 0);
	assert_int_equal(cs.ev[3].type, EV_SYN);
	assert_int_equal(libevdev_get_event_value(caps, EV_ABS, ABS_Y), 10);

	/* at rest already: nothing to send */
	cs.n = 0;
	hm_device_release_all(dev);
	assert_int_equal(cs.n, 0);

	/* a restart lets go the same way, and the new probe declares again */
	hm_device_process_report(dev, (const uint8_t *)"\x00\x0a\xff\x00", 4, 0);
	cs.n = 0;
	assert_int_equal(hm_device_restart(dev, &info), 0);
	assert_int_equal(cs.n, 3);
	assert_int_equal(cs.ev[0].code, ABS_X);
	assert_int_equal(cs.ev[0].value, 128);
	assert_int_equal(cs.ev[1].code, ABS_HAT0X);
	assert_int_equal(cs.ev[1].value, 0);
	hm_device_process_report(dev, (const uint8_t *)"\x00\x0a\x01\x00", 4, 0);
	cs.n = 0;
	hm_device_release_all(dev);
	assert_int_equal(cs.n, 3);

	/* a new mapping (a reload that changed it) lets go the same way first */
	hm_device_process_report(dev, (const uint8_t *)"\x00\x0a\xff\x01", 4, 0);
	cs.n = 0;
	assert_int_equal(hm_device_set_profile(dev, NULL, HM_UNMAPPED_DROP), 0);
	assert_int_equal(cs.n, 4);
	assert_int_equal(cs.ev[0].code, ABS_X);
	assert_int_equal(cs.ev[1].code, ABS_HAT0X);
	assert_int_equal(cs.ev[1].value, 0);
	assert_int_equal(cs.ev[2].code, BTN_SOUTH);
	assert_int_equal(cs.ev[2].value, 0);
	hm_device_free(dev);
}

/* A rest value goes through the mapping: an inverted axis rests where the
 * inverted rest value lands, and a stick that pressed a key through a
 * zone releases it. */
static void test_release_rest_mapped(void **state)
{
	struct hm_config_map maps[2];
	char err[128];

	assert_int_equal(
	    hm_config_map_parse("ABS_HAT0X", "ABS_HAT0Y, invert", &maps[0], err, sizeof(err)), 0);
	assert_int_equal(hm_config_map_parse("ABS_X+", "KEY_RIGHT", &maps[1], err, sizeof(err)), 0);
	struct hm_config_profile p = {.id = "p", .maps = maps, .nmaps = 2};
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &pad_module, &p);
	struct libevdev *pad = (struct libevdev *)hm_device_output_caps(dev, 0);
	bool right_down = false, right_up = false, hat_rest = false;

	hm_device_process_report(dev, (const uint8_t *)"\xff\x80\x01\x00", 4, 0);
	assert_int_equal(libevdev_get_event_value(pad, EV_ABS, ABS_HAT0Y), -1);
	for (size_t i = 0; i < cs.n; i++)
		right_down |= cs.ev[i].code == KEY_RIGHT && cs.ev[i].value == 1;
	assert_true(right_down);
	cs.n = 0;
	hm_device_release_all(dev);
	for (size_t i = 0; i < cs.n; i++) {
		right_up |=
		    cs.ev[i].type == EV_KEY && cs.ev[i].code == KEY_RIGHT && cs.ev[i].value == 0;
		hat_rest |=
		    cs.ev[i].type == EV_ABS && cs.ev[i].code == ABS_HAT0Y && cs.ev[i].value == 0;
	}
	assert_true(right_up);
	assert_true(hat_rest);
	assert_int_equal(libevdev_get_event_value(pad, EV_ABS, ABS_HAT0Y), 0);
	hm_device_free(dev);
	hm_config_map_done(&maps[0]);
	hm_config_map_done(&maps[1]);
}

static void test_feedback(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs, &two_module, NULL);

	feedback_calls = 0;
	assert_int_equal(hm_device_handle_feedback(dev, 0, EV_LED, LED_CAPSL, 1), 0);
	assert_int_equal(feedback_calls, 1);
	assert_int_equal(last_feedback_code, LED_CAPSL);
	assert_int_equal(last_feedback_value, 1);
	/* no transport: output reports are refused cleanly */
	assert_int_equal(hm_device_write(probing_dev, (const uint8_t *)"\x00", 1), -ENOTSUP);
	hm_device_free(dev);
}

static void test_registry(void **state)
{
	struct hm_device_info shuttle = {.bus = 3, .vendor = 0x0b33, .product = 0x0020};
	struct hm_device_info other = {.bus = 3, .vendor = 0x0b33, .product = 0x0021};

	assert_true(hm_module_claims(hm_module_find("shuttlexpress"), &shuttle));
	assert_false(hm_module_claims(hm_module_find("shuttlexpress"), &other));
	assert_ptr_equal(hm_module_find("generic"), &hm_module_generic);
	assert_null(hm_module_find("nope"));
	/* the generic module claims nothing by itself */
	assert_false(hm_module_claims(&hm_module_generic, &other));
	/* generic is last */
	for (size_t i = 0; hm_modules[i]; i++)
		if (!hm_modules[i + 1])
			assert_ptr_equal(hm_modules[i], &hm_module_generic);
}

/* No two modules claim the same device. */
static void test_no_overlapping_ids(void **state)
{
	for (size_t i = 0; hm_modules[i]; i++) {
		const struct hm_device_id *a = hm_modules[i]->id_table;

		for (; a && (a->vendor || a->product); a++) {
			struct hm_device_info probe = {
			    .bus = a->bus ? a->bus : 3, .vendor = a->vendor, .product = a->product};

			for (size_t j = 0; hm_modules[j]; j++)
				if (j != i && hm_module_claims(hm_modules[j], &probe))
					fail_msg("%04x:%04x claimed by %s and %s", a->vendor,
					         a->product, hm_modules[i]->name,
					         hm_modules[j]->name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frames_per_output), cmocka_unit_test(test_decline),
	    cmocka_unit_test(test_output_limit),      cmocka_unit_test(test_mapping_and_reload),
	    cmocka_unit_test(test_feedback),          cmocka_unit_test(test_restart),
	    cmocka_unit_test(test_registry),          cmocka_unit_test(test_no_overlapping_ids),
	    cmocka_unit_test(test_release_rest),      cmocka_unit_test(test_release_rest_mapped),
	    cmocka_unit_test(test_configure),         cmocka_unit_test(test_battery),
	};
	/* per-application profiles (issue 21) */
	const struct CMUnitTest focus_tests[] = {
	    cmocka_unit_test(test_focus_switch_held),
	    cmocka_unit_test(test_focus_switch_ends_state),
	    cmocka_unit_test(test_focus_switch_oneshot_stick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	       cmocka_run_group_tests(focus_tests, NULL, NULL);
}
