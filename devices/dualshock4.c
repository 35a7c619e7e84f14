/* SPDX-License-Identifier: MIT */
/*
 * Sony DualShock 4: v1 054c:05c4 and v2 054c:09cc over USB and Bluetooth,
 * and the Sony wireless adapter 054c:0ba0 (USB), as today's kernel drives
 * them (torvalds/linux drivers/hid/hid-playstation.c, dualshock4_create(),
 * dualshock4_parse_report(), dualshock4_dongle_parse_report(),
 * dualshock4_get_calibration_data(), dualshock4_output_worker()).  Debian
 * 12's 6.1 kernel drives the pad with hid-sony instead; where the two
 * differ this module follows hid-playstation (the differences are listed
 * at the top of tests/unit/test-dualshock4.c).
 *
 * Input reports (offsets from byte 0, the report ID):
 *   USB 0x01, 64 bytes: the common block at 1, the number of touch
 *       reports at 33, up to 3 touch reports of 9 bytes from 34.
 *   BT 0x11, 78 bytes: two header bytes, the common block at 3, the touch
 *       count at 35, up to 4 touch reports from 36, CRC32 over the seed
 *       byte 0xA1 and bytes 0..73 at 74 (little-endian).  A bad CRC drops
 *       the report (a decode error).
 *   BT 0x01, 10 bytes: the report a pad sends over Bluetooth until the
 *       host reads a feature report (0x05 here): sticks, buttons, triggers
 *       only, as the kernel's DS4_INPUT_REPORT_BT_MINIMAL.
 * The common block (struct dualshock4_input_report_common): sticks x, y,
 * rx, ry (0..255), buttons[3] (hat in bits 0-3 of the first), triggers z,
 * rz, the sensor counter (u16, 16/3 µs a tick), temperature, gyro[3] and
 * accel[3] (s16), 5 reserved, status[2] (battery level and cable in the
 * first, the adapter's "no pad" bit 2 in the second), 1 reserved.
 * A touch report: a timestamp byte, then two points of 4 bytes (contact:
 * bit 7 set = not touching; x 12 bits, y 12 bits).
 *
 * Outputs: the gamepad (the HID name, as ps_gamepad_create()), "<name>
 * Motion Sensors" (input-motion.h) and "<name> Touchpad" (2 slots, as
 * ps_touchpad_create(): 1920 x 942, INPUT_PROP_BUTTONPAD, the click as
 * BTN_LEFT).  Rumble through the core's ff-memless (16 effects), sent as
 * output report 0x05 (USB, 32 bytes) or 0x11 (BT, 78 bytes, CRC seed
 * 0xA2); the lightbar from the config (configure hook).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input.h>

#include "input-motion.h"
#include "input-mt.h"
#include "module.h"
#include "util-log.h"

#define USB_VENDOR_ID_SONY                       0x054c
#define USB_DEVICE_ID_SONY_PS4_CONTROLLER        0x05c4
#define USB_DEVICE_ID_SONY_PS4_CONTROLLER_2      0x09cc
#define USB_DEVICE_ID_SONY_PS4_CONTROLLER_DONGLE 0x0ba0

/* driver_data */
#define DS4_MODEL_PAD    0
#define DS4_MODEL_DONGLE 1

#define DS4_INPUT_REPORT_USB             0x01
#define DS4_INPUT_REPORT_USB_SIZE        64
#define DS4_INPUT_REPORT_BT_MINIMAL      0x01
#define DS4_INPUT_REPORT_BT_MINIMAL_SIZE 10
#define DS4_INPUT_REPORT_BT              0x11
#define DS4_INPUT_REPORT_BT_SIZE         78
#define DS4_OUTPUT_REPORT_USB            0x05
#define DS4_OUTPUT_REPORT_USB_SIZE       32
#define DS4_OUTPUT_REPORT_BT             0x11
#define DS4_OUTPUT_REPORT_BT_SIZE        78

#define DS4_FEATURE_REPORT_CALIBRATION         0x02
#define DS4_FEATURE_REPORT_CALIBRATION_SIZE    37
#define DS4_FEATURE_REPORT_CALIBRATION_BT      0x05
#define DS4_FEATURE_REPORT_CALIBRATION_BT_SIZE 41
#define DS4_FEATURE_REPORT_FIRMWARE_INFO       0xa3
#define DS4_FEATURE_REPORT_FIRMWARE_INFO_SIZE  49
#define DS4_FEATURE_REPORT_PAIRING_INFO        0x12
#define DS4_FEATURE_REPORT_PAIRING_INFO_SIZE   16
/* the kernel tries the USB calibration report three times */
#define DS4_CALIBRATION_TRIES 3

/* CRC32 seeds: the Bluetooth HIDP header byte of each report type */
#define PS_INPUT_CRC32_SEED   0xa1
#define PS_OUTPUT_CRC32_SEED  0xa2
#define PS_FEATURE_CRC32_SEED 0xa3

/* where the common block and the touch reports start */
#define DS4_USB_COMMON     1
#define DS4_BT_COMMON      3
#define DS4_COMMON_SIZE    32
#define DS4_TOUCH_REPORT   9
#define DS4_USB_MAX_TOUCH  3
#define DS4_BT_MAX_TOUCH   4
#define DS4_TOUCH_INACTIVE 0x80
/* offsets in the common block */
#define DS4_C_X         0
#define DS4_C_BUTTONS   4
#define DS4_C_Z         7
#define DS4_C_RZ        8
#define DS4_C_TIMESTAMP 9
#define DS4_C_GYRO      12
#define DS4_C_ACCEL     18
#define DS4_C_STATUS    29

#define DS_BUTTONS0_HAT_SWITCH 0x0f
#define DS_BUTTONS2_TOUCHPAD   0x02
#define DS4_STATUS0_BATTERY    0x0f
#define DS4_STATUS0_CABLE      0x10
#define DS4_BATTERY_FULL       11
#define DS4_STATUS1_NO_PAD     0x04 /* DS4_STATUS1_DONGLE_STATE: 1 = disconnected */

#define DS4_OUTPUT_HWCTL_CRC32          0x40
#define DS4_OUTPUT_HWCTL_HID            0x80
#define DS4_BT_DEFAULT_POLL_INTERVAL_MS 4
#define DS4_OUTPUT_VALID_FLAG0_MOTOR    0x01
#define DS4_OUTPUT_VALID_FLAG0_LED      0x02

#define DS4_TOUCHPAD_WIDTH  1920
#define DS4_TOUCHPAD_HEIGHT 942
#define DS4_FF_EFFECTS      16 /* ff-memless's FF_MEMLESS_EFFECTS */

/* dualshock4_set_default_lightbar_colors(): player 1's blue */
static const uint8_t ds4_default_lightbar[3] = {0x00, 0x00, 0x40};

static const struct hm_device_id dualshock4_ids[] = {
    {HM_DEVICE(BUS_BLUETOOTH, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS4_CONTROLLER),
     .driver_data = DS4_MODEL_PAD},
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS4_CONTROLLER),
     .driver_data = DS4_MODEL_PAD},
    {HM_DEVICE(BUS_BLUETOOTH, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS4_CONTROLLER_2),
     .driver_data = DS4_MODEL_PAD},
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS4_CONTROLLER_2),
     .driver_data = DS4_MODEL_PAD},
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS4_CONTROLLER_DONGLE),
     .driver_data = DS4_MODEL_DONGLE},
    {0},
};

/* hid-playstation.c ps_gamepad_buttons[] and the bits they come from */
static const struct {
	uint16_t code;
	uint8_t byte, mask;
} ds4_buttons[] = {
    {BTN_WEST, 0, 0x10},   {BTN_SOUTH, 0, 0x20}, {BTN_EAST, 0, 0x40},   {BTN_NORTH, 0, 0x80},
    {BTN_TL, 1, 0x01},     {BTN_TR, 1, 0x02},    {BTN_TL2, 1, 0x04},    {BTN_TR2, 1, 0x08},
    {BTN_SELECT, 1, 0x10}, {BTN_START, 1, 0x20}, {BTN_THUMBL, 1, 0x40}, {BTN_THUMBR, 1, 0x80},
    {BTN_MODE, 2, 0x01},
};

/* ps_gamepad_hat_mapping[]: 0 = north, clockwise; 8 (and above) centred */
static const struct {
	int8_t x, y;
} ds4_hat[9] = {
    {0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, 0},
};

/* struct ps_calibration_data: value = numer * (raw - bias) / denom, with
 * the kernel's mult_frac() */
struct ds4_calib {
	int16_t bias;
	int32_t numer, denom;
};

enum ds4_dongle_state {
	DONGLE_DISCONNECTED,
	DONGLE_CALIBRATING,
	DONGLE_CONNECTED,
	DONGLE_DISABLED,
};

enum ds4_step {
	STEP_PAIRING,
	STEP_FIRMWARE,
	STEP_CALIBRATION,
	STEP_DONE,
};

/*
 * The touchpad click as the input core's event buffer holds it: the
 * kernel reports BTN_LEFT after the report's last input_sync(), so it
 * reaches readers with the next touch frame (see ds4_touch()).  The
 * buffer flushes itself, with a SYN_REPORT, at max_vals - 2 events:
 * input_estimate_events_per_packet() for this touchpad is 2 slots + 1,
 * ABS_X/Y 2, the four MT axes (SLOT, POSITION_X/Y, TRACKING_ID) twice 8,
 * 7 for keys = 20, max_vals 22.
 */
#define DS4_CLICK_QUEUE 20

struct dualshock4 {
	bool bt, dongle;
	unsigned gamepad, touchpad;
	struct hm_motion motion;
	struct hm_mt mt;
	struct ds4_calib gyro[3], accel[3];

	enum ds4_step step;
	unsigned calibration_tries;
	bool ready;  /* the probe sequence is over */
	bool warned; /* the calibration fallback was logged */
	enum ds4_dongle_state dongle_state;
	uint8_t mac[6];
	uint16_t hw_version, fw_version;

	/* output report state, as struct dualshock4's */
	uint8_t motor_left, motor_right;
	uint8_t lightbar[3];
	bool output_pending; /* configure came before the probe sequence ended */

	/* click values queued for the next touch frame, oldest first */
	bool click;          /* BTN_LEFT as last reported (the input core's key bit) */
	uint8_t click_n;     /* queued values */
	uint32_t click_bits; /* bit i: the i-th queued value */
	bool poll_interval_sent;
};

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* TEMP until the PlayStation core lands: CRC32 (IEEE, reflected) of seed
 * then data, as ps_check_crc32(). */
static uint32_t ds4_crc32(uint8_t seed, const uint8_t *data, size_t size)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i <= size; i++) {
		crc ^= i == 0 ? seed : data[i - 1];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/*
 * mult_frac(numer, value, denom) as the kernel computes it in int:
 * q = numer / denom, r = numer % denom, q * value + r * value / denom,
 * every product and sum wrapping at 32 bits (the kernel builds with
 * -fno-strict-overflow; here the wrap is explicit so garbage calibration
 * is not undefined behaviour).
 */
static int32_t ds4_mult_frac(int32_t numer, int32_t value, int32_t denom)
{
	int32_t q = numer / denom, r = numer % denom;
	int32_t a = (int32_t)(uint32_t)((int64_t)q * value);
	int32_t b = (int32_t)(uint32_t)((int64_t)r * value) / denom;

	return (int32_t)(uint32_t)((int64_t)a + b);
}

/*
 * dualshock4_get_calibration_data() from a reply (buf[0] the report ID):
 * the gyro limits in USB order (pitch+, pitch-, yaw+, yaw-, roll+, roll-)
 * on USB, including the wireless adapter, in Bluetooth order (pitch+,
 * yaw+, roll+, pitch-, yaw-, roll-) over Bluetooth.  buf NULL: the
 * request failed, every axis takes the fallback.  Axes whose denominator
 * is 0 fall back to the defaults of the kernel's sanity check (bias 0,
 * range / S16_MAX); one warning for all of them.
 */
static void ds4_set_calibration(struct hm_device *dev, const uint8_t *buf, bool usb_order)
{
	struct dualshock4 *ds4 = dev->priv;
	unsigned invalid = 0;

	memset(ds4->gyro, 0, sizeof(ds4->gyro));
	memset(ds4->accel, 0, sizeof(ds4->accel));
	if (buf) {
		int16_t bias[3], plus[3], minus[3];
		int speed_2x;

		for (int i = 0; i < 3; i++) {
			bias[i] = (int16_t)get_le16(buf + 1 + 2 * i);
			if (usb_order) {
				plus[i] = (int16_t)get_le16(buf + 7 + 4 * i);
				minus[i] = (int16_t)get_le16(buf + 9 + 4 * i);
			} else {
				plus[i] = (int16_t)get_le16(buf + 7 + 2 * i);
				minus[i] = (int16_t)get_le16(buf + 13 + 2 * i);
			}
		}
		speed_2x = (int16_t)get_le16(buf + 19) + (int16_t)get_le16(buf + 21);
		for (int i = 0; i < 3; i++) {
			int16_t acc_plus = (int16_t)get_le16(buf + 23 + 4 * i);
			int16_t acc_minus = (int16_t)get_le16(buf + 25 + 4 * i);
			int range_2g = acc_plus - acc_minus;

			/* hid-playstation: no bias for the DualShock 4's gyro,
			 * the denominator the sum of both half ranges */
			ds4->gyro[i].numer = speed_2x * HM_MOTION_PS_GYRO_RES_PER_DEG_S;
			ds4->gyro[i].denom = abs(plus[i] - bias[i]) + abs(minus[i] - bias[i]);
			/* struct ps_calibration_data's bias is a short */
			ds4->accel[i].bias = (int16_t)(acc_plus - range_2g / 2);
			ds4->accel[i].numer = 2 * HM_MOTION_PS_ACC_RES_PER_G;
			ds4->accel[i].denom = range_2g;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (ds4->gyro[i].denom == 0) {
			ds4->gyro[i] = (struct ds4_calib){0, HM_MOTION_PS_GYRO_RANGE, INT16_MAX};
			invalid |= 1u << (3 + i);
		}
		if (ds4->accel[i].denom == 0) {
			ds4->accel[i] = (struct ds4_calib){0, HM_MOTION_PS_ACC_RANGE, INT16_MAX};
			invalid |= 1u << i;
		}
	}
	if (invalid && !ds4->warned) {
		ds4->warned = true;
		log_warning("%s: %s calibration of the motion sensors (axes 0x%02x), using "
		            "defaults: gyroscope and accelerometer will be inaccurate",
		            dev->info.path, buf ? "invalid" : "no", invalid);
	}
}

/* dualshock4_output_worker(): the rumble and the lightbar always together
 * ("some 3rd party gamepads expect updates to rumble and lightbar
 * together"), over Bluetooth with hw_control and the CRC. */
static void ds4_send_output(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;
	uint8_t buf[DS4_OUTPUT_REPORT_BT_SIZE] = {0};
	uint8_t *common;
	size_t size;

	if (ds4->bt) {
		buf[0] = DS4_OUTPUT_REPORT_BT;
		/* the poll interval dualshock4_create() sets goes out with
		 * the first report only (update_bt_poll_interval); the
		 * reports after it carry 0 there, as the kernel's */
		buf[1] = DS4_OUTPUT_HWCTL_HID | DS4_OUTPUT_HWCTL_CRC32;
		if (!ds4->poll_interval_sent)
			buf[1] |= DS4_BT_DEFAULT_POLL_INTERVAL_MS;
		ds4->poll_interval_sent = true;
		common = buf + 3;
		size = DS4_OUTPUT_REPORT_BT_SIZE;
	} else {
		buf[0] = DS4_OUTPUT_REPORT_USB;
		common = buf + 1;
		size = DS4_OUTPUT_REPORT_USB_SIZE;
	}
	common[0] = DS4_OUTPUT_VALID_FLAG0_MOTOR | DS4_OUTPUT_VALID_FLAG0_LED;
	common[3] = ds4->motor_right;
	common[4] = ds4->motor_left;
	memcpy(common + 5, ds4->lightbar, 3);
	if (ds4->bt)
		put_le32(buf + size - 4, ds4_crc32(PS_OUTPUT_CRC32_SEED, buf, size - 4));
	(void)hm_device_write(dev, buf, size);
}

static void ds4_request_next(struct hm_device *dev);

/* The probe sequence is over (or a dongle's pad is calibrated). */
static void ds4_ready(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;

	if (ds4->ready)
		return;
	ds4->ready = true;
	log_debug("%s: DualShock 4 hw_version=0x%08x fw_version=0x%08x", dev->info.path,
	          ds4->hw_version, ds4->fw_version);
	hm_device_ready(dev);
	/* dualshock4_create() ends with the lightbar colour: the configure
	 * hook's (it always runs after probe) when it came already */
	if (ds4->output_pending)
		ds4_send_output(dev);
	ds4->output_pending = false;
}

static void ds4_feature_done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                             void *userdata)
{
	struct dualshock4 *ds4 = dev->priv;
	enum ds4_step step = (enum ds4_step)(uintptr_t)userdata;
	/* without a transport (a replay, describe) nothing answers: the
	 * defaults, as after a failed request, without the noise */
	bool absent = result == -ENOTSUP;
	size_t want;
	uint8_t id;

	switch (step) {
	case STEP_PAIRING:
		id = DS4_FEATURE_REPORT_PAIRING_INFO;
		want = DS4_FEATURE_REPORT_PAIRING_INFO_SIZE;
		break;
	case STEP_FIRMWARE:
		id = DS4_FEATURE_REPORT_FIRMWARE_INFO;
		want = DS4_FEATURE_REPORT_FIRMWARE_INFO_SIZE;
		break;
	case STEP_CALIBRATION:
		id = ds4->bt ? DS4_FEATURE_REPORT_CALIBRATION_BT : DS4_FEATURE_REPORT_CALIBRATION;
		want = ds4->bt ? DS4_FEATURE_REPORT_CALIBRATION_BT_SIZE
		               : DS4_FEATURE_REPORT_CALIBRATION_SIZE;
		break;
	default:
		return;
	}
	/* ps_get_report(): the exact size, the ID, and over Bluetooth the CRC
	 * (not on 0xA3, which has none) */
	if (result >= 0 && (!data || size != want))
		result = -EINVAL;
	else if (result >= 0 && data[0] != id)
		result = -EINVAL;
	else if (result >= 0 && ds4->bt && step == STEP_CALIBRATION &&
	         get_le32(data + want - 4) != ds4_crc32(PS_FEATURE_CRC32_SEED, data, want - 4))
		result = -EILSEQ;

	switch (step) {
	case STEP_PAIRING:
		if (result < 0 && !absent) {
			/* dualshock4_create() fails: the device stays
			 * initializing until the core gives up on it */
			log_error_errno(result, "%s: DualShock 4 pairing info (feature 0x%02x): %m",
			                dev->info.path, id);
			return;
		}
		if (result >= 0)
			memcpy(ds4->mac, data + 1, sizeof(ds4->mac));
		ds4->step = STEP_FIRMWARE;
		break;
	case STEP_FIRMWARE:
		if (result >= 0) {
			ds4->hw_version = get_le16(data + 35);
			ds4->fw_version = get_le16(data + 41);
		} else if (!absent) {
			log_warning_errno(
			    result, "%s: DualShock 4 firmware info (feature 0x%02x): %m, ignoring",
			    dev->info.path, id);
		}
		ds4->step = STEP_CALIBRATION;
		ds4->calibration_tries = 0;
		break;
	case STEP_CALIBRATION:
		if (result < 0 && !absent && !ds4->bt &&
		    ++ds4->calibration_tries < DS4_CALIBRATION_TRIES)
			break; /* ask again */
		if (result < 0 && !absent)
			log_warning_errno(result,
			                  "%s: DualShock 4 calibration (feature 0x%02x): %m",
			                  dev->info.path, id);
		/* hid-playstation reads the adapter's report in USB order */
		ds4_set_calibration(dev, result >= 0 ? data : NULL, !ds4->bt);
		ds4->step = STEP_DONE;
		if (ds4->dongle && ds4->ready) {
			/* dualshock4_dongle_calibration_work() */
			ds4->dongle_state =
			    result >= 0 || absent ? DONGLE_CONNECTED : DONGLE_DISABLED;
			return;
		}
		ds4_ready(dev);
		return;
	default:
		return;
	}
	ds4_request_next(dev);
}

/* Asks for the feature report of the current step. */
static void ds4_request_next(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;
	uint8_t req[DS4_FEATURE_REPORT_FIRMWARE_INFO_SIZE] = {0};
	size_t size;
	int r;

	switch (ds4->step) {
	case STEP_PAIRING:
		req[0] = DS4_FEATURE_REPORT_PAIRING_INFO;
		size = DS4_FEATURE_REPORT_PAIRING_INFO_SIZE;
		break;
	case STEP_FIRMWARE:
		req[0] = DS4_FEATURE_REPORT_FIRMWARE_INFO;
		size = DS4_FEATURE_REPORT_FIRMWARE_INFO_SIZE;
		break;
	case STEP_CALIBRATION:
		req[0] =
		    ds4->bt ? DS4_FEATURE_REPORT_CALIBRATION_BT : DS4_FEATURE_REPORT_CALIBRATION;
		size = ds4->bt ? DS4_FEATURE_REPORT_CALIBRATION_BT_SIZE
		               : DS4_FEATURE_REPORT_CALIBRATION_SIZE;
		break;
	default:
		return;
	}
	r = hm_device_request(dev, HM_REQUEST_GET_FEATURE, req, size, ds4_feature_done,
	                      (void *)(uintptr_t)ds4->step);
	if (r < 0)
		ds4_feature_done(dev, r, NULL, 0, (void *)(uintptr_t)ds4->step);
}

/* TEMP until the PlayStation core lands: ps_gamepad_create(). */
static int ds4_add_gamepad(struct hm_device *dev)
{
	static const unsigned axes[] = {ABS_X, ABS_Y, ABS_Z, ABS_RX, ABS_RY, ABS_RZ};
	struct input_absinfo a = {.minimum = 0, .maximum = 255};
	struct input_absinfo hat = {.minimum = -1, .maximum = 1};
	struct libevdev *caps;
	int out, r;

	out = hm_device_add_output(dev, dev->info.name, &caps);
	if (out < 0)
		return out;
	for (size_t i = 0; i < 6; i++)
		libevdev_enable_event_code(caps, EV_ABS, axes[i], &a);
	libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0X, &hat);
	libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0Y, &hat);
	for (size_t i = 0; i < sizeof(ds4_buttons) / sizeof(ds4_buttons[0]); i++)
		libevdev_enable_event_code(caps, EV_KEY, ds4_buttons[i].code, NULL);
	r = hm_device_set_rumble(dev, (unsigned)out, DS4_FF_EFFECTS, 0);
	if (r < 0)
		return r;
	return out;
}

/* TEMP until the PlayStation core lands: ps_touchpad_create(). */
static int ds4_add_touchpad(struct hm_device *dev, struct hm_mt *mt)
{
	struct input_absinfo x = {.minimum = 0, .maximum = DS4_TOUCHPAD_WIDTH - 1};
	struct input_absinfo y = {.minimum = 0, .maximum = DS4_TOUCHPAD_HEIGHT - 1};
	char name[sizeof(dev->info.name) + 16];
	struct libevdev *caps;
	int out, r;

	snprintf(name, sizeof(name), "%s Touchpad", dev->info.name);
	out = hm_device_add_output(dev, name, &caps);
	if (out < 0)
		return out;
	libevdev_enable_event_code(caps, EV_KEY, BTN_LEFT, NULL);
	libevdev_enable_property(caps, INPUT_PROP_BUTTONPAD);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_X, &x);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_Y, &y);
	r = hm_mt_init_slots(mt, dev, (unsigned)out, caps, 2, HM_MT_POINTER);
	if (r < 0)
		return r;
	return out;
}

static int dualshock4_probe(struct hm_device *dev)
{
	static const struct hm_motion_params motion = {
	    .suffix = "Motion Sensors",
	    .accel_range = HM_MOTION_PS_ACC_RANGE,
	    .accel_res = HM_MOTION_PS_ACC_RES_PER_G,
	    .gyro_range = HM_MOTION_PS_GYRO_RANGE,
	    .gyro_res = HM_MOTION_PS_GYRO_RES_PER_DEG_S,
	    .counter_bits = 16,
	    .tick_num = 16,
	    .tick_den = 3,
	};
	struct dualshock4 *ds4 = dev->priv;
	int r;

	ds4->bt = dev->info.bus == BUS_BLUETOOTH;
	ds4->dongle = dev->id ? dev->id->driver_data == DS4_MODEL_DONGLE
	                      : dev->info.product == USB_DEVICE_ID_SONY_PS4_CONTROLLER_DONGLE;
	ds4->dongle_state = DONGLE_DISCONNECTED;
	memcpy(ds4->lightbar, ds4_default_lightbar, sizeof(ds4->lightbar));
	/* the fallback until the calibration comes, so no report divides by 0 */
	for (int i = 0; i < 3; i++) {
		ds4->gyro[i] = (struct ds4_calib){0, HM_MOTION_PS_GYRO_RANGE, INT16_MAX};
		ds4->accel[i] = (struct ds4_calib){0, HM_MOTION_PS_ACC_RANGE, INT16_MAX};
	}
	/* dualshock4_get_mac_address(): over Bluetooth HIDP's uniq */
	if (ds4->bt &&
	    sscanf(dev->info.serial, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &ds4->mac[5],
	           &ds4->mac[4], &ds4->mac[3], &ds4->mac[2], &ds4->mac[1], &ds4->mac[0]) != 6)
		log_debug("%s: no MAC address in uniq \"%s\"", dev->info.path, dev->info.serial);

	r = ds4_add_gamepad(dev);
	if (r < 0)
		return r;
	ds4->gamepad = (unsigned)r;
	for (unsigned code = ABS_X; code <= ABS_RY; code++)
		if (code != ABS_Z) {
			r = hm_device_set_abs_rest(dev, ds4->gamepad, code, 128);
			if (r < 0)
				return r;
		}
	r = hm_motion_add_output(&ds4->motion, dev, &motion);
	if (r < 0)
		return r;
	r = ds4_add_touchpad(dev, &ds4->mt);
	if (r < 0)
		return r;
	ds4->touchpad = (unsigned)r;

	/* dualshock4_create(): over USB the pairing info, then (both) the
	 * firmware info and the calibration; over Bluetooth the MAC address
	 * is HIDP's uniq */
	hm_device_hold_init(dev, 0);
	ds4->step = ds4->bt ? STEP_FIRMWARE : STEP_PAIRING;
	ds4_request_next(dev);
	return 0;
}

/* Emits the queued click values (the kernel's pending BTN_LEFT events). */
static void ds4_flush_clicks(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;

	for (unsigned i = 0; i < ds4->click_n; i++)
		hm_emit(dev, ds4->touchpad, EV_KEY, BTN_LEFT, (ds4->click_bits >> i) & 1);
	ds4->click_n = 0;
	ds4->click_bits = 0;
}

/*
 * The touch reports, as dualshock4_parse_report(): each is one frame
 * (both slots, input_mt_sync_frame(), input_sync()).  The click is
 * reported after the last frame's input_sync(): the input core keeps it
 * until the touchpad's next sync, so readers see it with the next touch
 * frame; it is queued here and emitted at the start of that frame.
 */
static void ds4_touch(struct hm_device *dev, const uint8_t *touch, unsigned count, bool click)
{
	struct dualshock4 *ds4 = dev->priv;

	for (unsigned i = 0; i < count; i++) {
		const uint8_t *t = touch + i * DS4_TOUCH_REPORT;

		if (i == 0)
			ds4_flush_clicks(dev);
		for (int j = 0; j < 2; j++) {
			const uint8_t *p = t + 1 + 4 * j;
			bool active = !(p[0] & DS4_TOUCH_INACTIVE);

			hm_mt_slot(&ds4->mt, j);
			hm_mt_report_slot_state(&ds4->mt, MT_TOOL_FINGER, active);
			if (active) {
				hm_mt_report_abs(&ds4->mt, ABS_MT_POSITION_X,
				                 p[1] | (p[2] & 0x0f) << 8);
				hm_mt_report_abs(&ds4->mt, ABS_MT_POSITION_Y,
				                 p[2] >> 4 | p[3] << 4);
			}
		}
		hm_mt_sync_frame(&ds4->mt);
		hm_emit(dev, ds4->touchpad, EV_SYN, SYN_REPORT, 0);
	}
	/* input_report_key(): only a change enters the buffer */
	if (click != ds4->click) {
		ds4->click = click;
		ds4->click_bits |= (uint32_t)click << ds4->click_n;
		if (++ds4->click_n == DS4_CLICK_QUEUE) {
			ds4_flush_clicks(dev);
			hm_emit(dev, ds4->touchpad, EV_SYN, SYN_REPORT, 0);
		}
	}
}

/* The battery, as dualshock4_parse_report() computes it. */
static void ds4_battery(struct hm_device *dev, uint8_t status0)
{
	unsigned level = status0 & DS4_STATUS0_BATTERY;
	enum hm_battery_status status;
	int percent;

	if (status0 & DS4_STATUS0_CABLE) {
		if (level < 10) {
			/* the middle of each step: 0 is 0-9 % */
			percent = (int)level * 10 + 5;
			status = HM_BATTERY_CHARGING;
		} else if (level == 10) {
			percent = 100;
			status = HM_BATTERY_CHARGING;
		} else if (level == DS4_BATTERY_FULL) {
			percent = 100;
			status = HM_BATTERY_FULL;
		} else {
			/* 14: voltage or temperature error, 15: charge error */
			percent = 0;
			status = HM_BATTERY_UNKNOWN;
		}
	} else {
		percent = level < 10 ? (int)level * 10 + 5 : 100;
		status = HM_BATTERY_DISCHARGING;
	}
	hm_device_set_battery(dev, percent, status);
}

/* dualshock4_parse_report() from the common block c. */
static void ds4_parse(struct hm_device *dev, const uint8_t *c, const uint8_t *touch,
                      unsigned touch_count, bool minimal)
{
	struct dualshock4 *ds4 = dev->priv;
	unsigned hat = c[DS4_C_BUTTONS] & DS_BUTTONS0_HAT_SWITCH;
	int gyro[3], accel[3];

	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_X, c[DS4_C_X]);
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_Y, c[DS4_C_X + 1]);
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_RX, c[DS4_C_X + 2]);
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_RY, c[DS4_C_X + 3]);
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_Z, c[DS4_C_Z]);
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_RZ, c[DS4_C_RZ]);
	if (hat > 8)
		hat = 8;
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_HAT0X, ds4_hat[hat].x);
	hm_emit(dev, ds4->gamepad, EV_ABS, ABS_HAT0Y, ds4_hat[hat].y);
	for (size_t i = 0; i < sizeof(ds4_buttons) / sizeof(ds4_buttons[0]); i++)
		hm_emit(dev, ds4->gamepad, EV_KEY, ds4_buttons[i].code,
		        !!(c[DS4_C_BUTTONS + ds4_buttons[i].byte] & ds4_buttons[i].mask));
	hm_emit(dev, ds4->gamepad, EV_SYN, SYN_REPORT, 0);
	if (minimal)
		return;

	for (int i = 0; i < 3; i++) {
		int raw = (int16_t)get_le16(c + DS4_C_GYRO + 2 * i);

		gyro[i] = ds4_mult_frac(ds4->gyro[i].numer, raw, ds4->gyro[i].denom);
	}
	for (int i = 0; i < 3; i++) {
		int raw = (int16_t)get_le16(c + DS4_C_ACCEL + 2 * i);

		accel[i] = ds4_mult_frac(ds4->accel[i].numer, raw - ds4->accel[i].bias,
		                         ds4->accel[i].denom);
	}
	hm_motion_report(&ds4->motion, accel, gyro, get_le16(c + DS4_C_TIMESTAMP));
	hm_emit(dev, (unsigned)ds4->motion.output, EV_SYN, SYN_REPORT, 0);

	ds4_touch(dev, touch, touch_count, c[DS4_C_BUTTONS + 2] & DS_BUTTONS2_TOUCHPAD);
	ds4_battery(dev, c[DS4_C_STATUS]);
}

/*
 * dualshock4_dongle_parse_report(): the adapter always streams 0x01
 * reports; status1 bit 2 says no pad is paired.  A pad that appears is
 * calibrated afresh (its reports dropped meanwhile), one that goes is
 * forgotten.  Returns whether the report is to be decoded.
 */
static bool ds4_dongle_check(struct hm_device *dev, const uint8_t *c)
{
	struct dualshock4 *ds4 = dev->priv;
	bool connected = !(c[DS4_C_STATUS + 1] & DS4_STATUS1_NO_PAD);

	switch (ds4->dongle_state) {
	case DONGLE_DISCONNECTED:
		if (!connected)
			return false;
		log_info("%s: DualShock 4 USB dongle: controller connected", dev->info.path);
		/* the kernel sets the pad's lightbar (to the player colour; here
		 * the configured one), then calibrates */
		ds4_send_output(dev);
		ds4->dongle_state = DONGLE_CALIBRATING;
		ds4->step = STEP_CALIBRATION;
		ds4->calibration_tries = 0;
		ds4_request_next(dev);
		return false;
	case DONGLE_CONNECTED:
	case DONGLE_DISABLED:
		if (connected)
			return ds4->dongle_state == DONGLE_CONNECTED;
		log_info("%s: DualShock 4 USB dongle: controller disconnected", dev->info.path);
		ds4->dongle_state = DONGLE_DISCONNECTED;
		return false;
	case DONGLE_CALIBRATING:
	default:
		return false;
	}
}

static int dualshock4_decode(struct hm_device *dev, const uint8_t *data, size_t size,
                             uint64_t time_us)
{
	struct dualshock4 *ds4 = dev->priv;
	const uint8_t *c;
	unsigned count;

	(void)time_us;
	if (size == 0)
		return -EBADMSG;
	/* the kernel's nodes exist only once dualshock4_create() has the
	 * calibration: nothing before (the adapter has its own states) */
	if (!ds4->ready)
		return 0;
	if (!ds4->bt && data[0] == DS4_INPUT_REPORT_USB && size == DS4_INPUT_REPORT_USB_SIZE) {
		c = data + DS4_USB_COMMON;
		if (ds4->dongle && !ds4_dongle_check(dev, c))
			return 0;
		count = data[DS4_USB_COMMON + DS4_COMMON_SIZE];
		/* the kernel does not bound the count (it would read past
		 * the touch reports); here it is capped at what fits */
		if (count > DS4_USB_MAX_TOUCH)
			count = DS4_USB_MAX_TOUCH;
		ds4_parse(dev, c, c + DS4_COMMON_SIZE + 1, count, false);
		return 1;
	}
	if (ds4->bt && data[0] == DS4_INPUT_REPORT_BT && size == DS4_INPUT_REPORT_BT_SIZE) {
		if (get_le32(data + size - 4) != ds4_crc32(PS_INPUT_CRC32_SEED, data, size - 4))
			return -EBADMSG;
		c = data + DS4_BT_COMMON;
		count = data[DS4_BT_COMMON + DS4_COMMON_SIZE];
		if (count > DS4_BT_MAX_TOUCH)
			count = DS4_BT_MAX_TOUCH;
		ds4_parse(dev, c, c + DS4_COMMON_SIZE + 1, count, false);
		return 1;
	}
	if (ds4->bt && data[0] == DS4_INPUT_REPORT_BT_MINIMAL &&
	    size == DS4_INPUT_REPORT_BT_MINIMAL_SIZE) {
		ds4_parse(dev, data + 1, NULL, 0, true);
		return 1;
	}
	/* "Unhandled reportID": an error for the kernel too */
	return -EBADMSG;
}

/* dualshock4_play_effect(): the motors' 16-bit magnitudes / 256. */
static void dualshock4_rumble(struct hm_device *dev, unsigned output, uint16_t strong,
                              uint16_t weak)
{
	struct dualshock4 *ds4 = dev->priv;

	(void)output;
	ds4->motor_left = (uint8_t)(strong / 256);
	ds4->motor_right = (uint8_t)(weak / 256);
	ds4_send_output(dev);
}

/* The lightbar from the config; the DualShock 4 has neither player LEDs
 * nor a microphone LED. */
static void dualshock4_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	struct dualshock4 *ds4 = dev->priv;

	if (settings->player_leds >= 0 || settings->mic_led >= 0)
		log_debug("%s: a DualShock 4 has no player or microphone LEDs, ignoring",
		          dev->info.path);
	if (settings->lightbar_set)
		memcpy(ds4->lightbar, settings->lightbar, sizeof(ds4->lightbar));
	else
		memcpy(ds4->lightbar, ds4_default_lightbar, sizeof(ds4->lightbar));
	/* before the probe sequence ends, the colour goes out with the
	 * report that ends it, as the kernel's comes after the feature
	 * requests */
	if (ds4->ready)
		ds4_send_output(dev);
	else
		ds4->output_pending = true;
}

const struct hm_module hm_module_dualshock4 = {
    .name = "dualshock4",
    .description = "Sony DualShock 4 and its wireless adapter (USB, Bluetooth)",
    .id_table = dualshock4_ids,
    .priv_size = sizeof(struct dualshock4),
    .probe = dualshock4_probe,
    .decode = dualshock4_decode,
    .rumble = dualshock4_rumble,
    .configure = dualshock4_configure,
};
