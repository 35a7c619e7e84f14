/* SPDX-License-Identifier: MIT */
/*
 * Valve's Steam Controller (28de:1102 wired, 28de:1142 the wireless
 * receiver, whose interfaces 1-4 are pad slots) and the Steam Deck's
 * controls (28de:1205), as the kernel's drivers/hid/hid-steam.c drives
 * them (6.12: steam_input_register(), steam_sensors_register(),
 * steam_do_input_event(), steam_do_deck_input_event(),
 * steam_do_deck_sensors_event(), steam_set_lizard_mode(),
 * steam_haptic_rumble(); the report tables in its comments), with the
 * lizard-mode and watchdog commands SDL's HIDAPI drivers send
 * (SDL_hidapi_steam.c, SDL_hidapi_steamdeck.c).
 *
 * Reports are unnumbered and 64 bytes: 01 00, a type, a payload length,
 * the payload.  Types: 1 the Controller's state, 3 a receiver slot's
 * connect (payload 02) or disconnect (01), 4 battery (wireless: mV at 12,
 * percent at 14), 9 the Deck's state.  Anything else, or another size, is
 * not for the gamepad (the kernel ignores it too).  Commands are feature
 * reports [cmd, len, data...], sent as SET_REPORT of report 0.
 *
 * Nodes (as 6.12; 6.1 has the same Controller node and no Deck):
 *   Controller: "Steam Controller" / "Wireless Steam Controller": stick
 *       ABS_X/Y, right pad ABS_RX/RY, left pad ABS_HAT0X/Y (the stick's
 *       X/Y fields carry the left pad while it is touched), triggers
 *       ABS_HAT2Y/X 0..255, 21 buttons, grips BTN_GEAR_DOWN/UP; and,
 *       beyond the kernel (no hid-steam has it), FF_RUMBLE (ff-memless)
 *       played as trains of haptic pulses (0x8F) on the two pads.
 *   Deck: "Steam Deck": sticks ABS_X/Y, ABS_RX/RY, pads ABS_HAT0X/Y,
 *       ABS_HAT1X/Y, triggers ABS_HAT2Y/X 0..32767, L4/R4/L5/R5 as
 *       BTN_TRIGGER_HAPPY1..4, the "..." button as BTN_BASE; FF_RUMBLE
 *       (ff-memless) sent as command 0xEB; and "Steam Deck Motion
 *       Sensors" (INPUT_PROP_ACCELEROMETER, accel 16384/g, gyro 16/dps,
 *       MSC_TIMESTAMP 4000 µs a report).
 *
 * Lizard mode (the firmware's own mouse and keyboard on the pad's other
 * interfaces) is switched off at probe and on again at remove, as the
 * kernel does when its node is opened and closed; the Deck's firmware
 * watchdog is switched off with the same command (setting 0x47) and the
 * lizard-off commands are sent again every 5 s, as the kernel's heartbeat
 * did before 6.8 (a Deck whose firmware turns lizard mode back on gets it
 * turned off within 5 s).
 *
 * Where this module and 6.12 part ways, on purpose:
 *   - 6.12 reports nothing on the Deck's nodes until the user holds the
 *     Options button for 0.45 s ("gamepad mode", steam_mode_switch_cb());
 *     hidmapd drives the Deck as soon as it takes it, as it does every
 *     pad, with lizard mode off from the start.
 *   - the Controller has FF_RUMBLE (above); its nodes in 6.1 and 6.12
 *     have no EV_FF.
 *   - the serial number (the kernel's uniq) is not read: a uinput device
 *     cannot carry it.
 * With `haptic-click = on` in the config's [device] section, a press of a
 * pad gets a tick of its actuator (the firmware's own click feedback is
 * off while lizard mode is).
 * Every command is sent without waiting (hm_device_request() with no
 * callback): a pad that never answers costs the loop nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/input.h>
#include <libevdev/libevdev.h>

#include "hid-descriptor.h"
#include "module.h"
#include "util-log.h"

#define USB_VENDOR_ID_VALVE                     0x28de
#define USB_DEVICE_ID_STEAM_CONTROLLER          0x1102
#define USB_DEVICE_ID_STEAM_CONTROLLER_WIRELESS 0x1142
#define USB_DEVICE_ID_STEAM_DECK                0x1205

/* driver_data, as hid-steam's quirks */
#define STEAM_QUIRK_WIRELESS (1u << 0)
#define STEAM_QUIRK_DECK     (1u << 1)

/* hid-steam.c */
#define STEAM_PAD_RESOLUTION           1638
#define STEAM_TRIGGER_RESOLUTION       51
#define STEAM_JOYSTICK_RESOLUTION      51
#define STEAM_DECK_TRIGGER_RESOLUTION  5461
#define STEAM_DECK_JOYSTICK_RESOLUTION 6553
#define STEAM_DECK_ACCEL_RES_PER_G     16384
#define STEAM_DECK_ACCEL_RANGE         32768
#define STEAM_DECK_ACCEL_FUZZ          32
#define STEAM_DECK_GYRO_RES_PER_DPS    16
#define STEAM_DECK_GYRO_RANGE          32768
#define STEAM_DECK_GYRO_FUZZ           1
#define STEAM_PAD_FUZZ                 256
#define STEAM_REPORT_SIZE              64
/* the Deck's sensors have no timestamp: "received every 4 ms on average" */
#define STEAM_DECK_SENSOR_PERIOD_US 4000

/* commands (feature reports), Valve's names as SDL's controller_constants.h */
#define ID_CLEAR_DIGITAL_MAPPINGS       0x81
#define ID_SET_DEFAULT_DIGITAL_MAPPINGS 0x85
#define ID_SET_SETTINGS_VALUES          0x87
#define ID_LOAD_DEFAULT_SETTINGS        0x8e
#define ID_TRIGGER_HAPTIC_PULSE         0x8f
#define ID_DONGLE_GET_WIRELESS_STATE    0xb4
#define ID_TRIGGER_RUMBLE_CMD           0xeb

/* settings */
#define SETTING_LEFT_TRACKPAD_MODE            7
#define SETTING_RIGHT_TRACKPAD_MODE           8
#define SETTING_LEFT_TRACKPAD_CLICK_PRESSURE  52
#define SETTING_RIGHT_TRACKPAD_CLICK_PRESSURE 53
#define SETTING_STEAM_WATCHDOG_ENABLE         71
#define TRACKPAD_NONE                         7

/* input report types */
#define ID_CONTROLLER_STATE      1
#define ID_CONTROLLER_WIRELESS   3
#define ID_CONTROLLER_STATUS     4
#define ID_CONTROLLER_DECK_STATE 9

#define STEAM_WATCHDOG_PERIOD_US (5 * 1000 * 1000)

/* The Controller's rumble as trains of pad haptic pulses (hidmapd's own
 * rendering: neither hid-steam nor SDL has one): a 100 Hz carrier whose
 * on-time grows with the motor's magnitude (at most half the period), a
 * train of 12 periods (120 ms) sent again every 100 ms while the motor
 * runs, so it ends by itself within 120 ms of the last one. */
#define STEAM_RUMBLE_PERIOD_US  10000
#define STEAM_RUMBLE_PULSES     12
#define STEAM_RUMBLE_REFRESH_US 100000

struct steam {
	unsigned quirks;
	int gamepad, sensors; /* outputs; sensors -1 but on the Deck */
	bool connected;       /* a wired pad always; a receiver slot after its connect report */
	uint32_t sensor_timestamp_us;
	bool haptic_click;     /* haptic-click = on (configure) */
	uint8_t clicks;        /* the pads' click bits (byte 10, bits 1 and 2) last seen */
	uint16_t strong, weak; /* the Controller's motors as the effects last set them */
};

/* HID_USB_DEVICE() entries, as the kernel's steam_controllers[] */
static const struct hm_device_id steam_ids[] = {
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_VALVE, USB_DEVICE_ID_STEAM_CONTROLLER)},
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_VALVE, USB_DEVICE_ID_STEAM_CONTROLLER_WIRELESS),
     .driver_data = STEAM_QUIRK_WIRELESS},
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_VALVE, USB_DEVICE_ID_STEAM_DECK),
     .driver_data = STEAM_QUIRK_DECK},
    {0},
};

/* "Some input data in the protocol has the opposite sign.  Clamp the
 * values to 32767..-32767 so that the range is symmetrical and can be
 * negated safely." (steam_le16()) */
static int steam_le16(const uint8_t *p)
{
	int16_t x = (int16_t)(uint16_t)(p[0] | p[1] << 8);

	return x == INT16_MIN ? -INT16_MAX : x;
}

static unsigned steam_quirks(const struct hm_device *dev)
{
	if (dev->id)
		return (unsigned)dev->id->driver_data;
	if (dev->info.product == USB_DEVICE_ID_STEAM_CONTROLLER_WIRELESS)
		return STEAM_QUIRK_WIRELESS;
	if (dev->info.product == USB_DEVICE_ID_STEAM_DECK)
		return STEAM_QUIRK_DECK;
	return 0;
}

/* ---- commands ---- */

/* A command as SET_REPORT of feature report 0: the ID byte, then the
 * command, padded to the 64-byte report as 6.12's steam_send_report()
 * sends it.  Fire and forget. */
static void steam_send(struct hm_device *dev, const uint8_t *cmd, size_t len)
{
	uint8_t buf[1 + STEAM_REPORT_SIZE] = {0};
	int r;

	if (len > STEAM_REPORT_SIZE)
		return;
	memcpy(buf + 1, cmd, len);
	r = hm_device_request(dev, HM_REQUEST_SET_FEATURE, buf, sizeof(buf), NULL, NULL);
	if (r < 0 && r != -ENOTSUP)
		log_debug("%s: command 0x%02x not sent: %s", dev->info.path, cmd[0], strerror(-r));
}

static void steam_send_byte(struct hm_device *dev, uint8_t cmd)
{
	steam_send(dev, &cmd, 1);
}

static void put_setting(uint8_t *cmd, uint8_t reg, uint16_t value)
{
	uint8_t *p = cmd + 2 + cmd[1];

	p[0] = reg;
	p[1] = (uint8_t)value;
	p[2] = (uint8_t)(value >> 8);
	cmd[1] += 3;
}

/* steam_set_lizard_mode() of 6.12 */
static void steam_set_lizard_mode(struct hm_device *dev, unsigned quirks, bool enable)
{
	uint8_t cmd[STEAM_REPORT_SIZE] = {ID_SET_SETTINGS_VALUES, 0};

	if (enable) {
		/* the firmware's Esc, Enter and cursor keys, then its mouse */
		steam_send_byte(dev, ID_SET_DEFAULT_DIGITAL_MAPPINGS);
		steam_send_byte(dev, ID_LOAD_DEFAULT_SETTINGS);
		return;
	}
	steam_send_byte(dev, ID_CLEAR_DIGITAL_MAPPINGS);
	put_setting(cmd, SETTING_LEFT_TRACKPAD_MODE, TRACKPAD_NONE);
	put_setting(cmd, SETTING_RIGHT_TRACKPAD_MODE, TRACKPAD_NONE);
	if (quirks & STEAM_QUIRK_DECK) {
		/* no haptic click; no watchdog that turns lizard mode back on
		 * when Steam does not answer it */
		put_setting(cmd, SETTING_LEFT_TRACKPAD_CLICK_PRESSURE, 0xffff);
		put_setting(cmd, SETTING_RIGHT_TRACKPAD_CLICK_PRESSURE, 0xffff);
		put_setting(cmd, SETTING_STEAM_WATCHDOG_ENABLE, 0);
	}
	steam_send(dev, cmd, 2u + cmd[1]);
}

/* ---- nodes ---- */

static const unsigned steam_buttons[] = {
    BTN_TR2,   BTN_TL2,     BTN_TR,         BTN_TL,        BTN_Y,         BTN_B,      BTN_X,
    BTN_A,     BTN_DPAD_UP, BTN_DPAD_RIGHT, BTN_DPAD_LEFT, BTN_DPAD_DOWN, BTN_SELECT, BTN_MODE,
    BTN_START, BTN_THUMBR,  BTN_THUMBL,     BTN_THUMB,     BTN_THUMB2,
};
static const unsigned steam_deck_buttons[] = {
    BTN_BASE, BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY2, BTN_TRIGGER_HAPPY3, BTN_TRIGGER_HAPPY4,
};

static void set_abs(struct libevdev *caps, unsigned code, int min, int max, int fuzz, int res)
{
	struct input_absinfo a = {.minimum = min, .maximum = max, .fuzz = fuzz, .resolution = res};

	libevdev_enable_event_code(caps, EV_ABS, code, &a);
}

static int steam_gamepad_create(struct hm_device *dev, unsigned quirks)
{
	const char *name = (quirks & STEAM_QUIRK_WIRELESS) ? "Wireless Steam Controller"
	                   : (quirks & STEAM_QUIRK_DECK)   ? "Steam Deck"
	                                                   : "Steam Controller";
	static const unsigned rest[] = {ABS_X,     ABS_Y,     ABS_RX,    ABS_RY,    ABS_HAT0X,
	                                ABS_HAT0Y, ABS_HAT1X, ABS_HAT1Y, ABS_HAT2X, ABS_HAT2Y};
	bool deck = quirks & STEAM_QUIRK_DECK;
	struct libevdev *caps;
	int out, r;

	out = hm_device_add_output(dev, name, &caps);
	if (out < 0)
		return out;
	for (size_t i = 0; i < sizeof(steam_buttons) / sizeof(steam_buttons[0]); i++)
		libevdev_enable_event_code(caps, EV_KEY, steam_buttons[i], NULL);
	if (deck) {
		for (size_t i = 0; i < 5; i++)
			libevdev_enable_event_code(caps, EV_KEY, steam_deck_buttons[i], NULL);
	} else {
		libevdev_enable_event_code(caps, EV_KEY, BTN_GEAR_DOWN, NULL);
		libevdev_enable_event_code(caps, EV_KEY, BTN_GEAR_UP, NULL);
	}
	set_abs(caps, ABS_HAT0X, -32767, 32767, STEAM_PAD_FUZZ, STEAM_PAD_RESOLUTION);
	set_abs(caps, ABS_HAT0Y, -32767, 32767, STEAM_PAD_FUZZ, STEAM_PAD_RESOLUTION);
	if (deck) {
		set_abs(caps, ABS_X, -32767, 32767, 0, STEAM_DECK_JOYSTICK_RESOLUTION);
		set_abs(caps, ABS_Y, -32767, 32767, 0, STEAM_DECK_JOYSTICK_RESOLUTION);
		set_abs(caps, ABS_RX, -32767, 32767, 0, STEAM_DECK_JOYSTICK_RESOLUTION);
		set_abs(caps, ABS_RY, -32767, 32767, 0, STEAM_DECK_JOYSTICK_RESOLUTION);
		set_abs(caps, ABS_HAT1X, -32767, 32767, STEAM_PAD_FUZZ, STEAM_PAD_RESOLUTION);
		set_abs(caps, ABS_HAT1Y, -32767, 32767, STEAM_PAD_FUZZ, STEAM_PAD_RESOLUTION);
		set_abs(caps, ABS_HAT2X, 0, 32767, 0, STEAM_DECK_TRIGGER_RESOLUTION);
		set_abs(caps, ABS_HAT2Y, 0, 32767, 0, STEAM_DECK_TRIGGER_RESOLUTION);
	} else {
		set_abs(caps, ABS_X, -32767, 32767, 0, STEAM_JOYSTICK_RESOLUTION);
		set_abs(caps, ABS_Y, -32767, 32767, 0, STEAM_JOYSTICK_RESOLUTION);
		set_abs(caps, ABS_RX, -32767, 32767, STEAM_PAD_FUZZ, STEAM_PAD_RESOLUTION);
		set_abs(caps, ABS_RY, -32767, 32767, STEAM_PAD_FUZZ, STEAM_PAD_RESOLUTION);
		set_abs(caps, ABS_HAT2X, 0, 255, 0, STEAM_TRIGGER_RESOLUTION);
		set_abs(caps, ABS_HAT2Y, 0, 255, 0, STEAM_TRIGGER_RESOLUTION);
	}
	/* let go: sticks centred, pads untouched, triggers released */
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++) {
		if (!deck && (rest[i] == ABS_HAT1X || rest[i] == ABS_HAT1Y))
			continue;
		r = hm_device_set_abs_rest(dev, (unsigned)out, rest[i], 0);
		if (r < 0)
			return r;
	}
	/* input_ff_create_memless() (16 effects) with FF_RUMBLE: the Deck as
	 * hid-steam with CONFIG_STEAM_FF; the Controller beyond the kernel,
	 * through its pads' actuators (steam_rumble()) */
	r = hm_device_set_rumble(dev, (unsigned)out, 16, 0);
	if (r < 0)
		return r;
	return out;
}

static int steam_sensors_create(struct hm_device *dev)
{
	static const unsigned accel[] = {ABS_X, ABS_Y, ABS_Z}, gyro[] = {ABS_RX, ABS_RY, ABS_RZ};
	struct libevdev *caps;
	int out;

	out = hm_device_add_output(dev, "Steam Deck Motion Sensors", &caps);
	if (out < 0)
		return out;
	libevdev_enable_property(caps, INPUT_PROP_ACCELEROMETER);
	libevdev_enable_event_code(caps, EV_MSC, MSC_TIMESTAMP, NULL);
	for (size_t i = 0; i < 3; i++) {
		set_abs(caps, accel[i], -STEAM_DECK_ACCEL_RANGE, STEAM_DECK_ACCEL_RANGE,
		        STEAM_DECK_ACCEL_FUZZ, STEAM_DECK_ACCEL_RES_PER_G);
		set_abs(caps, gyro[i], -STEAM_DECK_GYRO_RANGE, STEAM_DECK_GYRO_RANGE,
		        STEAM_DECK_GYRO_FUZZ, STEAM_DECK_GYRO_RES_PER_DPS);
	}
	return out;
}

/* The gamepad interface is the one with a feature report of 64 bytes
 * (steam_is_valve_interface(), steam_send_report()); the others are the
 * firmware's mouse and keyboard, which stay with the kernel. */
static bool steam_is_valve_interface(const struct hm_device *dev)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	const struct hid_report *r;

	if (!dev->rdesc || !dev->rdesc_size)
		return true; /* nothing to say otherwise (a recording without one) */
	if (hid_descriptor_parse(dev->rdesc, dev->rdesc_size, &desc, NULL) < 0)
		return false;
	r = hid_descriptor_find_report(desc, HID_FEATURE_REPORT, 0);
	return r && r->size_bits >= 8 * STEAM_REPORT_SIZE;
}

static int steam_probe(struct hm_device *dev)
{
	struct steam *st = dev->priv;

	if (!steam_is_valve_interface(dev))
		return -ENODEV;
	st->quirks = steam_quirks(dev);
	st->sensors = -1;
	st->gamepad = steam_gamepad_create(dev, st->quirks);
	if (st->gamepad < 0)
		return st->gamepad;
	if (st->quirks & STEAM_QUIRK_DECK) {
		st->sensors = steam_sensors_create(dev);
		if (st->sensors < 0)
			return st->sensors;
	}
	if (st->quirks & STEAM_QUIRK_WIRELESS) {
		/* "ask for connection status": the receiver answers with a
		 * type-3 report when a pad is in this slot; until then the
		 * slot has no virtual device, as the kernel registers its node
		 * on the connect (steam_register() from steam_work_connect_cb()) */
		st->connected = false;
		hm_device_set_present(dev, false);
		hm_device_set_link(dev, "no pad connected");
		steam_send_byte(dev, ID_DONGLE_GET_WIRELESS_STATE);
		return 0;
	}
	st->connected = true;
	hm_device_set_link(dev, (st->quirks & STEAM_QUIRK_DECK)
	                            ? "built in, lizard mode off (sent again every 5 s)"
	                            : "wired, lizard mode off");
	steam_set_lizard_mode(dev, st->quirks, false);
	if (st->quirks & STEAM_QUIRK_DECK)
		hm_device_set_interval(dev, STEAM_WATCHDOG_PERIOD_US);
	return 0;
}

static void steam_remove(struct hm_device *dev)
{
	struct steam *st = dev->priv;

	/* the firmware's mouse and keyboard back, as the kernel's
	 * steam_input_close() gives them back */
	if (st->connected)
		steam_set_lizard_mode(dev, st->quirks, true);
}

static void steam_pulse_trains(struct hm_device *dev, struct steam *st);

static void steam_timer(struct hm_device *dev, uint64_t now_us)
{
	struct steam *st = dev->priv;

	(void)now_us;
	if (!st->connected)
		return;
	if (st->quirks & STEAM_QUIRK_DECK)
		steam_set_lizard_mode(dev, st->quirks, false);
	else
		steam_pulse_trains(dev, st); /* the interval runs only while rumbling */
}

/* haptic-click: one pulse of the pad's actuator, as 6.12's
 * steam_haptic_pulse(steam, pad, 0x190, 0, 1, 0) on a mode switch:
 * duration 400 µs, no interval, one pulse, gain 0 dB; the report names the
 * pads the other way round ("Left and right are swapped on this report for
 * legacy reasons"). */
static void steam_haptic_click(struct hm_device *dev, bool right)
{
	const uint8_t cmd[10] = {
	    ID_TRIGGER_HAPTIC_PULSE, 8, right ? 0 : 1, 0x90, 0x01, 0, 0, 1, 0, 0};

	steam_send(dev, cmd, sizeof(cmd));
}

/* The pads' clicks, byte 10 bit 1 (left) and bit 2 (right) on both the
 * Controller and the Deck: a tick on each press when asked for. */
static void steam_clicks(struct hm_device *dev, struct steam *st, uint8_t b10)
{
	uint8_t now = b10 & 0x06, pressed = now & (uint8_t)~st->clicks;

	st->clicks = now;
	if (!st->haptic_click)
		return;
	if (pressed & 0x02)
		steam_haptic_click(dev, false);
	if (pressed & 0x04)
		steam_haptic_click(dev, true);
}

static void steam_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	struct steam *st = dev->priv;

	st->haptic_click = settings->haptic_click == 1;
}

/* ---- input ---- */

static void emit_key(struct hm_device *dev, unsigned out, unsigned code, unsigned bit)
{
	hm_emit(dev, out, EV_KEY, code, bit != 0);
}

/* The buttons both models have at the same bits (bytes 8 and 9), in
 * hid-steam's order. */
static void emit_common_buttons(struct hm_device *dev, unsigned out, uint8_t b8, uint8_t b9)
{
	emit_key(dev, out, BTN_TR2, b8 & 0x01);
	emit_key(dev, out, BTN_TL2, b8 & 0x02);
	emit_key(dev, out, BTN_TR, b8 & 0x04);
	emit_key(dev, out, BTN_TL, b8 & 0x08);
	emit_key(dev, out, BTN_Y, b8 & 0x10);
	emit_key(dev, out, BTN_B, b8 & 0x20);
	emit_key(dev, out, BTN_X, b8 & 0x40);
	emit_key(dev, out, BTN_A, b8 & 0x80);
	emit_key(dev, out, BTN_SELECT, b9 & 0x10);
	emit_key(dev, out, BTN_MODE, b9 & 0x20);
	emit_key(dev, out, BTN_START, b9 & 0x40);
}

/* steam_do_input_event() */
static void steam_controller_input(struct hm_device *dev, struct steam *st, const uint8_t *data)
{
	unsigned out = (unsigned)st->gamepad;
	uint8_t b8 = data[8], b9 = data[9], b10 = data[10];
	/* bit 3: X/Y carry the left pad, not the stick; bit 7: both are
	 * used at once (the pad is touched either way) */
	bool lpad_touched = b10 & 0x08, lpad_and_joy = b10 & 0x80;
	int x = steam_le16(data + 16), y = -steam_le16(data + 18);

	hm_emit(dev, out, EV_ABS, ABS_HAT2Y, data[11]);
	hm_emit(dev, out, EV_ABS, ABS_HAT2X, data[12]);
	hm_emit(dev, out, EV_ABS, lpad_touched ? ABS_HAT0X : ABS_X, x);
	hm_emit(dev, out, EV_ABS, lpad_touched ? ABS_HAT0Y : ABS_Y, y);
	if (lpad_touched && !lpad_and_joy) {
		hm_emit(dev, out, EV_ABS, ABS_X, 0);
		hm_emit(dev, out, EV_ABS, ABS_Y, 0);
	}
	if (!(lpad_touched || lpad_and_joy)) {
		hm_emit(dev, out, EV_ABS, ABS_HAT0X, 0);
		hm_emit(dev, out, EV_ABS, ABS_HAT0Y, 0);
	}
	hm_emit(dev, out, EV_ABS, ABS_RX, steam_le16(data + 20));
	hm_emit(dev, out, EV_ABS, ABS_RY, -steam_le16(data + 22));

	emit_common_buttons(dev, out, b8, b9);
	emit_key(dev, out, BTN_GEAR_DOWN, b9 & 0x80);
	emit_key(dev, out, BTN_GEAR_UP, b10 & 0x01);
	emit_key(dev, out, BTN_THUMBR, b10 & 0x04);
	emit_key(dev, out, BTN_THUMBL, b10 & 0x40);
	emit_key(dev, out, BTN_THUMB, lpad_touched || lpad_and_joy);
	emit_key(dev, out, BTN_THUMB2, b10 & 0x10);
	emit_key(dev, out, BTN_DPAD_UP, b9 & 0x01);
	emit_key(dev, out, BTN_DPAD_RIGHT, b9 & 0x02);
	emit_key(dev, out, BTN_DPAD_LEFT, b9 & 0x04);
	emit_key(dev, out, BTN_DPAD_DOWN, b9 & 0x08);
}

/* steam_do_deck_input_event() */
static void steam_deck_input(struct hm_device *dev, struct steam *st, const uint8_t *data)
{
	unsigned out = (unsigned)st->gamepad;
	uint8_t b8 = data[8], b9 = data[9], b10 = data[10], b11 = data[11], b13 = data[13],
	        b14 = data[14];
	bool lpad_touched = b10 & 0x08, rpad_touched = b10 & 0x10;

	hm_emit(dev, out, EV_ABS, ABS_HAT0X, lpad_touched ? steam_le16(data + 16) : 0);
	hm_emit(dev, out, EV_ABS, ABS_HAT0Y, lpad_touched ? steam_le16(data + 18) : 0);
	hm_emit(dev, out, EV_ABS, ABS_HAT1X, rpad_touched ? steam_le16(data + 20) : 0);
	hm_emit(dev, out, EV_ABS, ABS_HAT1Y, rpad_touched ? steam_le16(data + 22) : 0);
	hm_emit(dev, out, EV_ABS, ABS_X, steam_le16(data + 48));
	hm_emit(dev, out, EV_ABS, ABS_Y, -steam_le16(data + 50));
	hm_emit(dev, out, EV_ABS, ABS_RX, steam_le16(data + 52));
	hm_emit(dev, out, EV_ABS, ABS_RY, -steam_le16(data + 54));
	hm_emit(dev, out, EV_ABS, ABS_HAT2Y, steam_le16(data + 44));
	hm_emit(dev, out, EV_ABS, ABS_HAT2X, steam_le16(data + 46));

	emit_common_buttons(dev, out, b8, b9);
	emit_key(dev, out, BTN_TRIGGER_HAPPY3, b9 & 0x80);  /* L5 */
	emit_key(dev, out, BTN_TRIGGER_HAPPY4, b10 & 0x01); /* R5 */
	emit_key(dev, out, BTN_THUMBL, b10 & 0x40);
	emit_key(dev, out, BTN_THUMBR, b11 & 0x04);
	emit_key(dev, out, BTN_DPAD_UP, b9 & 0x01);
	emit_key(dev, out, BTN_DPAD_RIGHT, b9 & 0x02);
	emit_key(dev, out, BTN_DPAD_LEFT, b9 & 0x04);
	emit_key(dev, out, BTN_DPAD_DOWN, b9 & 0x08);
	emit_key(dev, out, BTN_THUMB, b10 & 0x02);          /* left pad pressed */
	emit_key(dev, out, BTN_THUMB2, b10 & 0x04);         /* right pad pressed */
	emit_key(dev, out, BTN_TRIGGER_HAPPY1, b13 & 0x02); /* L4 */
	emit_key(dev, out, BTN_TRIGGER_HAPPY2, b13 & 0x04); /* R4 */
	emit_key(dev, out, BTN_BASE, b14 & 0x04);           /* quick access */
}

/* steam_do_deck_sensors_event(): the axes in the kernel's order and signs */
static void steam_deck_sensors(struct hm_device *dev, struct steam *st, const uint8_t *data)
{
	unsigned out = (unsigned)st->sensors;

	st->sensor_timestamp_us += STEAM_DECK_SENSOR_PERIOD_US;
	hm_emit(dev, out, EV_MSC, MSC_TIMESTAMP, (int)st->sensor_timestamp_us);
	hm_emit(dev, out, EV_ABS, ABS_X, steam_le16(data + 24));
	hm_emit(dev, out, EV_ABS, ABS_Z, -steam_le16(data + 26));
	hm_emit(dev, out, EV_ABS, ABS_Y, steam_le16(data + 28));
	hm_emit(dev, out, EV_ABS, ABS_RX, steam_le16(data + 30));
	hm_emit(dev, out, EV_ABS, ABS_RZ, -steam_le16(data + 32));
	hm_emit(dev, out, EV_ABS, ABS_RY, steam_le16(data + 34));
}

/* A receiver slot whose pad went: everything let go, as the kernel's
 * node going away releases it. */
static void steam_let_go(struct hm_device *dev, struct steam *st)
{
	static const uint8_t idle[STEAM_REPORT_SIZE] = {0x01, 0x00, ID_CONTROLLER_STATE, 0x3c};

	steam_controller_input(dev, st, idle);
}

static void steam_connect(struct hm_device *dev, struct steam *st, bool connected)
{
	if (st->connected == connected)
		return;
	st->connected = connected;
	log_info("%s: %s pad %s", dev->info.path,
	         (st->quirks & STEAM_QUIRK_WIRELESS) ? "wireless" : "wired",
	         connected ? "connected" : "disconnected");
	if (connected) {
		/* the slot's virtual devices (again, or the same ones within
		 * the replug grace) */
		hm_device_set_present(dev, true);
		hm_device_set_link(dev, "pad connected, lizard mode off");
		steam_set_lizard_mode(dev, st->quirks, false);
	} else {
		/* everything let go; the virtual devices stay for the replug
		 * grace, then go, as an unplugged device's */
		steam_let_go(dev, st);
		st->strong = st->weak = 0;
		hm_device_set_interval(dev, 0);
		hm_device_set_present(dev, false);
		hm_device_set_link(dev, "pad disconnected");
		hm_device_set_battery(dev, -1, HM_BATTERY_UNKNOWN);
	}
}

static int steam_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us)
{
	struct steam *st = dev->priv;

	(void)time_us;
	/* "All messages are size=64" and start 01 00 */
	if (size != STEAM_REPORT_SIZE)
		return -EINVAL;
	if (data[0] != 0x01 || data[1] != 0x00)
		return 0;
	switch (data[2]) {
	case ID_CONTROLLER_STATE:
		if (!st->connected || (st->quirks & STEAM_QUIRK_DECK))
			return 0;
		steam_controller_input(dev, st, data);
		steam_clicks(dev, st, data[10]);
		return 1;
	case ID_CONTROLLER_DECK_STATE:
		if (!(st->quirks & STEAM_QUIRK_DECK))
			return 0;
		steam_deck_input(dev, st, data);
		steam_deck_sensors(dev, st, data);
		steam_clicks(dev, st, data[10]);
		return 1;
	case ID_CONTROLLER_WIRELESS:
		/* payload: 01 disconnected, 02 connected */
		if (data[4] == 0x01)
			steam_connect(dev, st, false);
		else if (data[4] == 0x02)
			steam_connect(dev, st, true);
		else
			return 0;
		return 1;
	case ID_CONTROLLER_STATUS:
		if (!(st->quirks & STEAM_QUIRK_WIRELESS))
			return 0;
		/* "battery data without connect event": the pad is there */
		steam_connect(dev, st, true);
		/* percent at 14 (the kernel's power_supply capacity) */
		hm_device_set_battery(dev, data[14] > 100 ? 100 : data[14], HM_BATTERY_DISCHARGING);
		return 1;
	default:
		return 0;
	}
}

/* A train of haptic pulses on one pad: command 0x8F as 6.12's
 * steam_haptic_pulse() lays it out (pad, on-time µs, off-time µs, count,
 * all le16 but the pad; then the gain in dB, 0), the pad numbered the
 * report's way (0 the right one, 1 the left one). */
static void steam_pulse_train(struct hm_device *dev, bool right, uint16_t magnitude)
{
	uint32_t on = (uint32_t)magnitude * (STEAM_RUMBLE_PERIOD_US / 2) / 0xffff;
	uint32_t off = STEAM_RUMBLE_PERIOD_US - on;
	const uint8_t cmd[10] = {ID_TRIGGER_HAPTIC_PULSE,
	                         8,
	                         right ? 0 : 1,
	                         (uint8_t)on,
	                         (uint8_t)(on >> 8),
	                         (uint8_t)off,
	                         (uint8_t)(off >> 8),
	                         STEAM_RUMBLE_PULSES,
	                         0,
	                         0};

	steam_send(dev, cmd, sizeof(cmd));
}

/* The Controller's two motors on its two pads, as a gamepad's: the strong
 * (low-frequency) one on the left, the weak one on the right; a motor at
 * 0 gets no train (the last one ends within 120 ms). */
static void steam_pulse_trains(struct hm_device *dev, struct steam *st)
{
	if (st->strong)
		steam_pulse_train(dev, false, st->strong);
	if (st->weak)
		steam_pulse_train(dev, true, st->weak);
}

/* steam_haptic_rumble(steam, 0, strong, weak, 2, 0) of steam_play_effect()
 * on the Deck; pulse trains on the Controller (above) */
static void steam_rumble(struct hm_device *dev, unsigned output, uint16_t strong, uint16_t weak)
{
	struct steam *st = dev->priv;
	uint8_t cmd[11] = {ID_TRIGGER_RUMBLE_CMD, 9};

	(void)output;
	if (!(st->quirks & STEAM_QUIRK_DECK)) {
		st->strong = strong;
		st->weak = weak;
		if (!st->connected)
			return;
		steam_pulse_trains(dev, st);
		hm_device_set_interval(dev, strong || weak ? STEAM_RUMBLE_REFRESH_US : 0);
		return;
	}
	/* intensity 0 at 3-4, left (strong) at 5-6, right (weak) at 7-8, gains */
	cmd[5] = (uint8_t)strong;
	cmd[6] = (uint8_t)(strong >> 8);
	cmd[7] = (uint8_t)weak;
	cmd[8] = (uint8_t)(weak >> 8);
	cmd[9] = 2;
	cmd[10] = 0;
	steam_send(dev, cmd, sizeof(cmd));
}

const struct hm_module hm_module_steam = {
    .name = "steam",
    .description = "Valve Steam Controller (wired, wireless receiver) and Steam Deck, as hid-steam",
    .id_table = steam_ids,
    .priv_size = sizeof(struct steam),
    .probe = steam_probe,
    .decode = steam_decode,
    .remove = steam_remove,
    .timer = steam_timer,
    .rumble = steam_rumble,
    .configure = steam_configure,
};
