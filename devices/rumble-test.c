/* SPDX-License-Identifier: MIT */
/*
 * rumble-test: a diagnostic module for force feedback, driving no real
 * device.  It claims nothing by itself (no id table): a config selects it
 * for a device with `module = rumble-test`.  Its one output, "<name>
 * Rumble", has a button (BTN_SOUTH, never pressed) and the rumble motors of hm_device_set_rumble()
 * with 16 effect slots, as ff-memless gives a kernel driver's pad (FF_CONSTANT too, played as
 * rumble), so any force-feedback client (fftest, SDL, a game) can upload and play effects on it.
 * Each change of the motors goes to the device as one output report, which shows what the core
 * computed:
 *
 *   byte 0    0x00 (report number: the report is sent unnumbered)
 *   byte 1-2  "FF"
 *   byte 3-4  strong motor, 0..0xffff, little-endian
 *   byte 5-6  weak motor, likewise
 *
 * The settings of the [device] section (struct hm_device_settings: its
 * configure hook) go out as one report too, at start and when a reload
 * changes them:
 *
 *   byte 0    0x00
 *   byte 1-2  "HW"
 *   byte 3    1 when lightbar is set, else 0
 *   byte 4-6  lightbar red, green, blue
 *   byte 7    player-leds 0..5, 0xff: not set
 *   byte 8    mic-led 1 (on), 0 (off), 0xff: not set
 *
 * The VM scenarios "ff" and "device-settings" read these reports on the
 * uhid side.  Input reports are ignored, but for one that reports a
 * battery, for `hidmapd status` (hm_device_set_battery()):
 *
 *   byte 0    0xba
 *   byte 1    percent 0..100, 0xff: not known
 *   byte 2    enum hm_battery_status (1 discharging, 2 charging, 3 full,
 *             4 not charging)  Why a
 * module of its own rather than rumble in the generic module: a HID
 * descriptor does not say how a pad's motors are driven (every vendor's
 * rumble report is its own, the kernel has a driver per vendor for it;
 * the PID usage page describes full force-feedback devices, not rumble),
 * so the generic module has nothing to map an effect to.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "module.h"

#define RUMBLE_TEST_EFFECTS 16

static int rumble_test_probe(struct hm_device *dev)
{
	char name[sizeof(dev->info.name) + 16];
	struct libevdev *caps;
	int out;

	snprintf(name, sizeof(name), "%s Rumble", dev->info.name);
	out = hm_device_add_output(dev, name, &caps);
	if (out < 0)
		return out;
	if (libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL) < 0)
		return -EINVAL;
	return hm_device_set_rumble(dev, (unsigned)out, RUMBLE_TEST_EFFECTS, HM_FF_CONSTANT);
}

static void rumble_test_rumble(struct hm_device *dev, unsigned output, uint16_t strong,
                               uint16_t weak)
{
	uint8_t report[7] = {
	    0x00, 'F', 'F', strong & 0xff, strong >> 8, weak & 0xff, weak >> 8,
	};

	(void)hm_device_write(dev, report, sizeof(report));
}

static void rumble_test_configure(struct hm_device *dev, const struct hm_device_settings *s)
{
	uint8_t report[9] = {
	    0x00,
	    'H',
	    'W',
	    s->lightbar_set,
	    s->lightbar[0],
	    s->lightbar[1],
	    s->lightbar[2],
	    s->player_leds < 0 ? 0xff : (uint8_t)s->player_leds,
	    s->mic_led < 0 ? 0xff : (uint8_t)s->mic_led,
	};

	(void)hm_device_write(dev, report, sizeof(report));
}

static int rumble_test_decode(struct hm_device *dev, const uint8_t *data, size_t size,
                              uint64_t time_us)
{
	if (size < 3 || data[0] != 0xba || data[2] > HM_BATTERY_NOT_CHARGING)
		return 0;
	hm_device_set_battery(dev, data[1] == 0xff ? -1 : data[1], (enum hm_battery_status)data[2]);
	return 1;
}

const struct hm_module hm_module_rumble_test = {
    .name = "rumble-test",
    .description = "force-feedback diagnostics: motor levels as output reports",
    .probe = rumble_test_probe,
    .decode = rumble_test_decode,
    .rumble = rumble_test_rumble,
    .configure = rumble_test_configure,
};
