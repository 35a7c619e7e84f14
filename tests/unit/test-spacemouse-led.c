/* SPDX-License-Identifier: MIT */
/*
 * The 3Dconnexion module's LED as configured (spnav-led = on|off): the
 * output report it writes at start and on a reload.  Expected bytes come
 * from the documented layout (vendor research §4, the SpaceNavigator's
 * report descriptor): output report 0x04, one byte, bit 0 the LED
 * (usage LED Generic Indicator), the rest padding.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "device.h"
#include "hid-recording.h"
#include "module-select.h"

static struct {
	unsigned n;
	uint8_t last[8];
	size_t lastlen;
} out;

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	out.n++;
	out.lastlen = size < sizeof(out.last) ? size : sizeof(out.last);
	memcpy(out.last, data, out.lastlen);
	return (int)size;
}

static const struct hm_transport transport = {.write = fake_write};

static struct hm_device *make(struct capture_sink *cs, struct hm_recording **rec,
                              const struct hm_device_settings *settings)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x046d, .product = 0xc626, .version = 0x0100, .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {
	    .chain = &chain, .sink = &cs->base, .transport = &transport, .settings = settings};
	struct hm_device *dev = NULL;
	char path[4096];

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/data/3dconnexion/spacenavigator-046d-c626-2016.hid",
	         root);
	assert_int_equal(hm_recording_load(path, rec), 0);
	snprintf(info.name, sizeof(info.name), "3Dconnexion SpaceNavigator");
	snprintf(info.path, sizeof(info.path), "/dev/hidraw7");
	capture_init(cs);
	memset(&out, 0, sizeof(out));
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	assert_int_equal(hm_device_new(&info, (*rec)->rdesc, (*rec)->rdesc_size, &setup, &dev), 0);
	assert_string_equal(dev->module->name, "3dconnexion");
	return dev;
}

static void assert_led(unsigned n, uint8_t bit)
{
	assert_int_equal(out.n, n);
	assert_int_equal(out.lastlen, 2);
	assert_int_equal(out.last[0], 0x04);
	assert_int_equal(out.last[1], bit);
}

/* nothing configured: on at start, as spacenavd switches it on */
static void test_default_on(void **state)
{
	struct capture_sink cs;
	struct hm_recording *rec = NULL;
	struct hm_device *dev;

	(void)state;
	dev = make(&cs, &rec, NULL);
	assert_led(1, 0x01);
	hm_device_free(dev);
	hm_recording_free(rec);
}

/* spnav-led = off at start; then a reload to on, to unset, to off, to auto */
static void test_configured(void **state)
{
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;
	struct capture_sink cs;
	struct hm_recording *rec = NULL;
	struct hm_device *dev;

	(void)state;
	s.spnav_led = 0;
	dev = make(&cs, &rec, &s);
	assert_led(1, 0x00);

	s.spnav_led = 1;
	hm_device_configure(dev, &s);
	assert_led(2, 0x01);
	/* the same settings again: nothing written */
	hm_device_configure(dev, &s);
	assert_int_equal(out.n, 2);
	s.spnav_led = 0;
	hm_device_configure(dev, &s);
	assert_led(3, 0x00);
	/* the key removed: back to the default, on */
	hm_device_configure(dev, NULL);
	assert_led(4, 0x01);
	/* auto: off until the daemon hears of a libspnav client */
	s.spnav_led = 2;
	hm_device_configure(dev, &s);
	assert_led(5, 0x00);
	hm_device_free(dev);
	hm_recording_free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_on),
	    cmocka_unit_test(test_configured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
