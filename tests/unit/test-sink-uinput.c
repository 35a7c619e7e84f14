/* SPDX-License-Identifier: MIT */
/*
 * The uinput sink's device setup (hm_uinput_setup()) against a fake
 * ioctl: the requests and their arguments as linux/uinput.h defines them.
 * What the kernel makes of them is the VM scenario uinput-setup's
 * business (tests/vm/scenarios-plumbing.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/uinput.h>

#include "sink.h"

#define MAX_CALLS 64

static struct {
	size_t n;
	unsigned long request[MAX_CALLS];
	uintptr_t value[MAX_CALLS]; /* the number of a UI_SET_*BIT */
	struct uinput_abs_setup abs[MAX_CALLS];
	struct uinput_setup setup;
	char phys[64];
	unsigned long fail; /* this request fails with -EINVAL */
} io;

static int fake_io(int fd, unsigned long request, void *arg)
{
	assert_int_equal(fd, 42);
	assert_true(io.n < MAX_CALLS);
	io.request[io.n] = request;
	if (request == UI_ABS_SETUP)
		io.abs[io.n] = *(const struct uinput_abs_setup *)arg;
	else if (request == UI_DEV_SETUP)
		io.setup = *(const struct uinput_setup *)arg;
	else if (request == UI_SET_PHYS)
		snprintf(io.phys, sizeof(io.phys), "%s", (const char *)arg);
	else
		io.value[io.n] = (uintptr_t)arg;
	io.n++;
	return request == io.fail ? -EINVAL : 0;
}

/* Index of the first call of request with value (SIZE_MAX: none). */
static size_t find(unsigned long request, uintptr_t value)
{
	for (size_t i = 0; i < io.n; i++)
		if (io.request[i] == request &&
		    (request == UI_DEV_SETUP || request == UI_SET_PHYS || io.value[i] == value))
			return i;
	return SIZE_MAX;
}

static void reset(void)
{
	memset(&io, 0, sizeof(io));
}

/* The DualSense Edge's motion sensor node as hid-playstation names it
 * ("%s Motion Sensors" on the HID name): 80 characters. */
static const char edge_motion[] =
    "Sony Interactive Entertainment DualSense Edge Wireless Controller Motion Sensors";

static void test_pad(void **state)
{
	struct input_absinfo stick = {.minimum = 0, .maximum = 255, .fuzz = 0, .flat = 0};
	struct input_absinfo gyro = {
	    .minimum = -32768, .maximum = 32767, .fuzz = 16, .flat = 0, .resolution = 1024};
	struct libevdev *caps = libevdev_new();
	size_t i, setup;

	assert_int_equal(strlen(edge_motion), UINPUT_MAX_NAME_SIZE);
	libevdev_set_name(caps, edge_motion);
	libevdev_set_phys(caps, "hidmapd/hidraw3/input1");
	libevdev_set_id_bustype(caps, BUS_USB);
	libevdev_set_id_vendor(caps, 0x054c);
	libevdev_set_id_product(caps, 0x0df2);
	libevdev_set_id_version(caps, 0x8111);
	libevdev_enable_property(caps, INPUT_PROP_ACCELEROMETER);
	libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &stick);
	libevdev_enable_event_code(caps, EV_ABS, ABS_RX, &gyro);
	libevdev_enable_event_code(caps, EV_MSC, MSC_TIMESTAMP, NULL);
	libevdev_enable_event_code(caps, EV_FF, FF_RUMBLE, NULL);
	libevdev_enable_event_code(caps, EV_FF, FF_GAIN, NULL);

	reset();
	assert_int_equal(hm_uinput_setup(42, caps, 16, fake_io), 0);

	/* types, then their codes */
	assert_true(find(UI_SET_EVBIT, EV_KEY) < find(UI_SET_KEYBIT, BTN_SOUTH));
	assert_true(find(UI_SET_EVBIT, EV_ABS) < find(UI_SET_ABSBIT, ABS_X));
	assert_true(find(UI_SET_EVBIT, EV_MSC) < find(UI_SET_MSCBIT, MSC_TIMESTAMP));
	assert_true(find(UI_SET_EVBIT, EV_FF) < find(UI_SET_FFBIT, FF_RUMBLE));
	assert_int_not_equal(find(UI_SET_FFBIT, FF_GAIN), SIZE_MAX);
	assert_int_not_equal(find(UI_SET_PROPBIT, INPUT_PROP_ACCELEROMETER), SIZE_MAX);
	assert_int_equal(find(UI_SET_PROPBIT, INPUT_PROP_POINTER), SIZE_MAX);

	/* each axis' absinfo, the resolution too, after its bit */
	i = find(UI_SET_ABSBIT, ABS_RX);
	assert_true(i + 1 < io.n);
	assert_int_equal(io.request[i + 1], UI_ABS_SETUP);
	assert_int_equal(io.abs[i + 1].code, ABS_RX);
	assert_int_equal(io.abs[i + 1].absinfo.minimum, -32768);
	assert_int_equal(io.abs[i + 1].absinfo.maximum, 32767);
	assert_int_equal(io.abs[i + 1].absinfo.fuzz, 16);
	assert_int_equal(io.abs[i + 1].absinfo.resolution, 1024);

	assert_string_equal(io.phys, "hidmapd/hidraw3/input1");

	/* UI_DEV_SETUP last: all 80 bytes of the name, no NUL needed */
	setup = find(UI_DEV_SETUP, 0);
	assert_int_equal(setup, io.n - 1);
	assert_memory_equal(io.setup.name, edge_motion, UINPUT_MAX_NAME_SIZE);
	assert_int_equal(io.setup.id.bustype, BUS_USB);
	assert_int_equal(io.setup.id.vendor, 0x054c);
	assert_int_equal(io.setup.id.product, 0x0df2);
	assert_int_equal(io.setup.id.version, 0x8111);
	assert_int_equal(io.setup.ff_effects_max, 16);

	/* no number from the module: libevdev's 10 */
	reset();
	assert_int_equal(hm_uinput_setup(42, caps, 0, fake_io), 0);
	assert_int_equal(io.setup.ff_effects_max, 10);

	/* a failing request stops the setup with its error */
	reset();
	io.fail = UI_ABS_SETUP;
	assert_int_equal(hm_uinput_setup(42, caps, 16, fake_io), -EINVAL);
	assert_int_equal(find(UI_DEV_SETUP, 0), SIZE_MAX);
	libevdev_free(caps);
}

/* No force feedback: no effects; a name past 80 characters: its first 80;
 * EV_REP: the type bit alone (uinput takes no codes for it); no phys: no
 * UI_SET_PHYS. */
static void test_keyboard(void **state)
{
	char name[128];
	struct libevdev *caps = libevdev_new();

	snprintf(name, sizeof(name), "%s and then some", edge_motion);
	libevdev_set_name(caps, name);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_LED, LED_CAPSL, NULL);
	libevdev_enable_event_type(caps, EV_REP);
	libevdev_enable_event_code(caps, EV_REP, REP_DELAY, &(int){250});

	reset();
	assert_int_equal(hm_uinput_setup(42, caps, 16, fake_io), 0);
	assert_int_equal(io.setup.ff_effects_max, 0);
	assert_memory_equal(io.setup.name, edge_motion, UINPUT_MAX_NAME_SIZE);
	assert_int_not_equal(find(UI_SET_EVBIT, EV_REP), SIZE_MAX);
	assert_int_not_equal(find(UI_SET_LEDBIT, LED_CAPSL), SIZE_MAX);
	assert_int_equal(find(UI_SET_PHYS, 0), SIZE_MAX);
	for (size_t i = 0; i < io.n; i++)
		assert_int_not_equal(io.request[i], UI_ABS_SETUP);
	libevdev_free(caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pad),
	    cmocka_unit_test(test_keyboard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
