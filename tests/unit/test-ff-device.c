/* SPDX-License-Identifier: MIT */
/*
 * Force feedback through the device core: the uinput sink's FF handshake
 * (hm_uinput_ff_request) driven by a fake ioctl standing in for the
 * kernel's uinput (Documentation/input/uinput.rst: UI_BEGIN_FF_UPLOAD
 * fills the request's effect, UI_END_FF_UPLOAD hands back retval), a
 * module declaring rumble motors, and its rumble hook seeing the
 * magnitudes, then the stop on the device's own timer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/uinput.h>

#include "capture-sink.h"
#include "device.h"
#include "event-loop.h"

/* The fake kernel side: the request it holds, what it was answered. */
static struct {
	struct uinput_ff_upload upload;
	struct uinput_ff_erase erase;
	int begin_error;
	unsigned begins, ends;
	int upload_retval, erase_retval;
} k;

static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	if (request == UI_BEGIN_FF_UPLOAD || request == UI_BEGIN_FF_ERASE) {
		k.begins++;
		if (k.begin_error)
			return k.begin_error;
	}
	switch (request) {
	case UI_BEGIN_FF_UPLOAD: {
		struct uinput_ff_upload *up = arg;

		assert_int_equal(up->request_id, k.upload.request_id);
		up->effect = k.upload.effect;
		up->old = k.upload.old;
		return 0;
	}
	case UI_END_FF_UPLOAD:
		k.ends++;
		k.upload_retval = ((struct uinput_ff_upload *)arg)->retval;
		assert_int_equal(((struct uinput_ff_upload *)arg)->request_id, k.upload.request_id);
		return 0;
	case UI_BEGIN_FF_ERASE:
		((struct uinput_ff_erase *)arg)->effect_id = k.erase.effect_id;
		return 0;
	case UI_END_FF_ERASE:
		k.ends++;
		k.erase_retval = ((struct uinput_ff_erase *)arg)->retval;
		return 0;
	}
	fail();
	return -EINVAL;
}

/* A capture sink with the uinput sink's FF handshake on the fake. */
static int fake_ff_request(struct hm_sink *s, void *h, unsigned code, unsigned id,
                           const struct hm_ff_handler *handler)
{
	return hm_uinput_ff_request(-1, code, id, handler, fake_ioctl);
}

static const struct hm_sink_ops ff_sink_ops = {
    capture_add, capture_frame, capture_remove, capture_fd, fake_ff_request, NULL, NULL};

/* The module: one output with rumble motors, 4 effects. */
static struct {
	unsigned calls;
	unsigned output;
	uint16_t strong, weak;
} motors;

static int rumble_probe(struct hm_device *dev)
{
	struct libevdev *caps;
	int out = hm_device_add_output(dev, "pad", &caps);

	if (out < 0)
		return out;
	libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL);
	return hm_device_set_rumble(dev, (unsigned)out, 4, 0);
}

static void rumble_motors(struct hm_device *dev, unsigned output, uint16_t strong, uint16_t weak)
{
	motors.calls++;
	motors.output = output;
	motors.strong = strong;
	motors.weak = weak;
}

static const struct hm_module rumble_module = {
    .name = "rumble", .probe = rumble_probe, .rumble = rumble_motors};

static uint64_t armed;

static void arm(void *userdata, uint64_t deadline_us)
{
	armed = deadline_us;
}

static const struct hm_device_info info = {
    .bus = 3, .vendor = 1, .product = 2, .name = "fake", .path = "/dev/hidraw9"};

static struct hm_device *make(struct capture_sink *cs)
{
	struct hm_device_setup setup = {
	    .module = &rumble_module, .sink = &cs->base, .arm_timer = arm};
	struct hm_device *dev = NULL;

	capture_init(cs);
	cs->base.ops = &ff_sink_ops;
	memset(&k, 0, sizeof(k));
	memset(&motors, 0, sizeof(motors));
	armed = 0;
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	return dev;
}

static int upload(struct hm_device *dev, int id, unsigned strong, unsigned weak, unsigned length_ms)
{
	memset(&k.upload, 0, sizeof(k.upload));
	k.upload.request_id = 7;
	k.upload.effect.type = FF_RUMBLE;
	k.upload.effect.id = (int16_t)id;
	k.upload.effect.u.rumble.strong_magnitude = (uint16_t)strong;
	k.upload.effect.u.rumble.weak_magnitude = (uint16_t)weak;
	k.upload.effect.replay.length = (uint16_t)length_ms;
	return hm_device_handle_ff_request(dev, 0, UI_FF_UPLOAD, 7);
}

/* The capabilities ff-memless gives a rumble device. */
static void test_caps(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs);
	const struct libevdev *caps = hm_device_output_caps(dev, 0);

	assert_true(libevdev_has_event_code(caps, EV_FF, FF_RUMBLE));
	assert_true(libevdev_has_event_code(caps, EV_FF, FF_PERIODIC));
	assert_true(libevdev_has_event_code(caps, EV_FF, FF_SINE));
	assert_true(libevdev_has_event_code(caps, EV_FF, FF_SQUARE));
	assert_true(libevdev_has_event_code(caps, EV_FF, FF_TRIANGLE));
	assert_true(libevdev_has_event_code(caps, EV_FF, FF_GAIN));
	/* ff-memless plays no constant force on motors: only when asked */
	assert_false(libevdev_has_event_code(caps, EV_FF, FF_CONSTANT));
	/* the sink is told the module's number of effects (uinput's
	 * ff_effects_max), not a default */
	assert_int_equal(cs.ff_effects_max, 4);
	hm_device_free(dev);
}

/* Upload, play, the module's motors, the stop after replay.length. */
static void test_upload_play_stop(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs);
	uint64_t uploaded, played, t0;

	assert_int_equal(upload(dev, 0, 0xc000, 0x4000, 200), 0);
	assert_int_equal(k.ends, 1);
	assert_int_equal(k.upload_retval, 0);
	assert_int_equal(motors.calls, 0);

	t0 = hm_now_usec();
	assert_int_equal(hm_device_handle_feedback(dev, 0, EV_FF, 0, 1), 0);
	assert_int_equal(motors.calls, 1);
	assert_int_equal(motors.strong, 0xc000);
	assert_int_equal(motors.weak, 0x4000);
	/* the stop is due replay.length after the play */
	assert_true(armed >= t0 + 200000 && armed <= hm_now_usec() + 200000);
	hm_device_timer(dev, armed - 1);
	assert_int_equal(motors.calls, 1);
	hm_device_timer(dev, armed);
	assert_int_equal(motors.calls, 2);
	assert_int_equal(motors.strong, 0);
	assert_int_equal(motors.weak, 0);
	assert_int_equal(armed, 0);

	assert_true(hm_device_ff_stats(dev, 0, &uploaded, &played));
	assert_int_equal(uploaded, 1);
	assert_int_equal(played, 1);
	hm_device_free(dev);
}

/* FF_GAIN scales what plays (magnitude * gain / 0xffff); erasing a
 * playing effect stops the motors; the module's bound is answered to the
 * client as -EINVAL. */
static void test_gain_erase_bound(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs);

	assert_int_equal(upload(dev, 3, 0xffff, 0x8000, 0), 0);
	assert_int_equal(hm_device_handle_feedback(dev, 0, EV_FF, 3, 1), 0);
	assert_int_equal(motors.strong, 0xffff);
	assert_int_equal(hm_device_handle_feedback(dev, 0, EV_FF, FF_GAIN, 0x8000), 0);
	assert_int_equal(motors.strong, 0xffffu * 0x8000 / 0xffff);
	assert_int_equal(motors.weak, 0x8000u * 0x8000 / 0xffff);

	k.erase.effect_id = 3;
	assert_int_equal(hm_device_handle_ff_request(dev, 0, UI_FF_ERASE, 8), 0);
	assert_int_equal(k.erase_retval, 0);
	assert_int_equal(motors.strong, 0);
	assert_int_equal(motors.weak, 0);

	/* slot 4 is past the module's 4 effects */
	assert_int_equal(upload(dev, 4, 1, 1, 0), -EINVAL);
	assert_int_equal(k.upload_retval, -EINVAL);
	/* a request the kernel no longer has: nothing to end */
	k.begin_error = -EINVAL;
	k.ends = 0;
	assert_true(upload(dev, 0, 1, 1, 0) < 0);
	assert_int_equal(k.ends, 0);
	hm_device_free(dev);
}

/* A replug (hm_device_restart) keeps the virtual device, so the effects
 * clients uploaded on it stay playable; what played is stopped (the module
 * starts afresh). */
static void test_restart_keeps_effects(void **state)
{
	struct capture_sink cs;
	struct hm_device *dev = make(&cs);
	uint64_t uploaded, played;

	assert_int_equal(upload(dev, 1, 0x1234, 0x5678, 0), 0);
	assert_int_equal(hm_device_handle_feedback(dev, 0, EV_FF, 1, 1), 0);
	assert_int_equal(motors.strong, 0x1234);
	assert_int_equal(hm_device_restart(dev, &info), 0);
	memset(&motors, 0, sizeof(motors));
	assert_int_equal(hm_device_handle_feedback(dev, 0, EV_FF, 1, 1), 0);
	assert_int_equal(motors.calls, 1);
	assert_int_equal(motors.strong, 0x1234);
	assert_int_equal(motors.weak, 0x5678);
	assert_true(hm_device_ff_stats(dev, 0, &uploaded, &played));
	assert_int_equal(uploaded, 1);
	assert_int_equal(played, 2);
	hm_device_free(dev);
}

/* Sinks without force feedback (print, captures) refuse requests. */
static void test_no_ff_sink(void **state)
{
	struct capture_sink cs;
	struct hm_device_setup setup = {.module = &rumble_module, .sink = &cs.base};
	struct hm_device *dev = NULL;

	capture_init(&cs);
	assert_int_equal(hm_device_new(&info, NULL, 0, &setup, &dev), 0);
	assert_int_equal(hm_device_handle_ff_request(dev, 0, UI_FF_UPLOAD, 1), -EOPNOTSUPP);
	hm_device_free(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_upload_play_stop),
	    cmocka_unit_test(test_gain_erase_bound),
	    cmocka_unit_test(test_restart_keeps_effects),
	    cmocka_unit_test(test_no_ff_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
