/* SPDX-License-Identifier: MIT */
/*
 * Sony DualShock 4: v1 054c:05c4 and v2 054c:09cc over USB and Bluetooth,
 * and the Sony wireless adapter 054c:0ba0 (USB), as today's kernel drives
 * them (torvalds/linux drivers/hid/hid-playstation.c, dualshock4_create(),
 * dualshock4_parse_report(), dualshock4_dongle_parse_report(),
 * dualshock4_get_calibration_data(), dualshock4_output_worker()), on the
 * PlayStation core (playstation.h).  Debian 12's 6.1 kernel drives the
 * pad with hid-sony instead; where the two differ this module follows
 * hid-playstation (the differences are listed at the top of
 * tests/unit/test-dualshock4.c).
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
 * Outputs: the gamepad (the HID name), "<name> Motion Sensors" and
 * "<name> Touchpad" (1920 x 942, 2 slots, the click as BTN_LEFT), with
 * version |= 0x8000.  Rumble through the core's ff-memless (16 effects),
 * sent as output report 0x05 (USB, 32 bytes) or 0x11 (BT, 78 bytes, CRC
 * seed 0xA2); the lightbar from the config (configure hook), else the
 * player colour.
 *
 * The probe's feature reads are a sequence of this module's rather than
 * the core's ps_features_start(): the DualShock 4 needs what that does not
 * offer, a CRC on one feature of the Bluetooth sequence only (0x05 has
 * one, 0xA3 has none: ps_get_report(..., check_crc)), three tries of the
 * USB calibration report, and the adapter's calibration read again after
 * probe when a pad appears.
 *
 * Where this module and today's kernel part ways, on purpose: a touch
 * report count past 3 (USB) or 4 (BT) is capped (the kernel reads past the
 * touch reports); a Bluetooth uniq that is not a MAC address does not fail
 * the probe (uinput cannot carry uniq anyway); a failed pairing read
 * (0x12) leaves the device initializing until the core's limit fails it,
 * where the kernel's probe fails at once; invalid calibration gives one
 * warning, not one per axis; without a transport (a replay without
 * --features) every request fails with -ENOTSUP and the defaults hold,
 * with that one warning.  Like the kernel's driver, every report
 * reports every field and the input core (the vdev) drops what did not
 * change, so after the core releases everything (a reload) a button held
 * throughout is pressed again by the next report; the touchpad click,
 * which the kernel's input core keeps as a key bit, is reported again at
 * the start of each report's first touch frame when no change waits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input.h>

#include "module.h"
#include "playstation.h"
#include "util-log.h"
#include "util-strings.h"

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

/* where the common block and the touch reports start */
#define DS4_USB_COMMON    1
#define DS4_BT_COMMON     3
#define DS4_COMMON_SIZE   32
#define DS4_TOUCH_REPORT  9
#define DS4_USB_MAX_TOUCH 3
#define DS4_BT_MAX_TOUCH  4
/* offsets in the common block */
#define DS4_C_X         0
#define DS4_C_BUTTONS   4
#define DS4_C_Z         7
#define DS4_C_RZ        8
#define DS4_C_TIMESTAMP 9
#define DS4_C_GYRO      12
#define DS4_C_ACCEL     18
#define DS4_C_STATUS    29

#define DS_BUTTONS2_PS       0x01
#define DS_BUTTONS2_TOUCHPAD 0x02
#define DS4_STATUS0_BATTERY  0x0f
#define DS4_STATUS0_CABLE    0x10
#define DS4_BATTERY_FULL     11
#define DS4_STATUS1_NO_PAD   0x04 /* DS4_STATUS1_DONGLE_STATE: 1 = disconnected */

#define DS4_OUTPUT_HWCTL_CRC32          0x40
#define DS4_OUTPUT_HWCTL_HID            0x80
#define DS4_BT_DEFAULT_POLL_INTERVAL_MS 4
#define DS4_OUTPUT_VALID_FLAG0_MOTOR    0x01
#define DS4_OUTPUT_VALID_FLAG0_LED      0x02

#define DS4_TOUCHPAD_WIDTH  1920
#define DS4_TOUCHPAD_HEIGHT 942

/* dualshock4_set_default_lightbar_colors(): "same player colors as
 * PlayStation 4", by player number modulo 4 */
static const uint8_t ds4_player_colors[4][3] = {
    {0x00, 0x00, 0x40}, /* blue */
    {0x40, 0x00, 0x00}, /* red */
    {0x00, 0x40, 0x00}, /* green */
    {0x20, 0x00, 0x20}, /* pink */
};

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
	unsigned gamepad;
	struct hm_motion sensors;
	struct ps_touchpad touchpad;
	struct ps_calibration cal;
	int player_id;

	enum ds4_step step;
	unsigned calibration_tries;
	bool ready; /* the probe sequence is over: reports decode */
	enum ds4_dongle_state dongle_state;
	uint8_t mac[6];
	uint16_t hw_version, fw_version;

	/* output report state, as struct dualshock4's */
	uint8_t motor_left, motor_right;
	uint8_t lightbar[3]; /* the config's, else the player colour */
	bool output_pending; /* configure came before the probe sequence ended */
	bool poll_interval_sent;

	/* click values queued for the next touch frame, oldest first */
	bool click;          /* BTN_LEFT as last reported (the input core's key bit) */
	uint8_t click_n;     /* queued values */
	uint32_t click_bits; /* bit i: the i-th queued value */
};

static const uint8_t *ds4_player_color(const struct dualshock4 *ds4)
{
	return ds4_player_colors[(ds4->player_id < 0 ? 0 : ds4->player_id) % 4];
}

/*
 * dualshock4_get_calibration_data() from a reply (buf[0] the report ID):
 * the gyro limits in USB order (pitch+, pitch-, yaw+, yaw-, roll+, roll-)
 * on USB, the wireless adapter included (the kernel tests bus == USB),
 * in Bluetooth order (pitch+, yaw+, roll+, pitch-, yaw-, roll-) over
 * Bluetooth.  hid-playstation gives the DualShock 4's gyro no bias and
 * the sum of both half ranges as denominator.  Axes whose denominator is
 * 0 take the kernel's fallback, with one warning (the core's sanitize).
 */
static void ds4_parse_calibration(struct hm_device *dev, const uint8_t *buf, bool usb_order)
{
	struct dualshock4 *ds4 = dev->priv;
	int16_t bias[3], plus[3], minus[3];
	int speed_2x;

	for (int i = 0; i < 3; i++) {
		bias[i] = ps_get_s16(buf + 1 + 2 * i);
		if (usb_order) {
			plus[i] = ps_get_s16(buf + 7 + 4 * i);
			minus[i] = ps_get_s16(buf + 9 + 4 * i);
		} else {
			plus[i] = ps_get_s16(buf + 7 + 2 * i);
			minus[i] = ps_get_s16(buf + 13 + 2 * i);
		}
	}
	speed_2x = ps_get_s16(buf + 19) + ps_get_s16(buf + 21);
	for (int i = 0; i < 3; i++) {
		struct ps_calibration_data *g = &ds4->cal.gyro[i], *a = &ds4->cal.accel[i];
		int16_t acc_plus = ps_get_s16(buf + 23 + 4 * i);
		int16_t acc_minus = ps_get_s16(buf + 25 + 4 * i);
		int range_2g = acc_plus - acc_minus;

		g->bias = 0;
		g->sens_numer = speed_2x * PS_GYRO_RES_PER_DEG_S;
		g->sens_denom = abs(plus[i] - bias[i]) + abs(minus[i] - bias[i]);
		/* struct ps_calibration_data's bias is a short */
		a->bias = (int16_t)(acc_plus - range_2g / 2);
		a->sens_numer = 2 * PS_ACC_RES_PER_G;
		a->sens_denom = range_2g;
	}
	ps_calibration_sanitize(&ds4->cal, dev->info.path);
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
	/* struct dualshock4_output_report_common: valid_flag0, valid_flag1,
	 * reserved, motor_right, motor_left, red, green, blue, blink on/off */
	common[0] = DS4_OUTPUT_VALID_FLAG0_MOTOR | DS4_OUTPUT_VALID_FLAG0_LED;
	common[3] = ds4->motor_right;
	common[4] = ds4->motor_left;
	memcpy(common + 5, ds4->lightbar, 3);
	if (ds4->bt)
		ps_crc32_put(PS_OUTPUT_CRC32_SEED, buf, size);
	(void)hm_device_write(dev, buf, size);
}

static void ds4_request_next(struct hm_device *dev);

/* The probe sequence is over. */
static void ds4_ready(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;

	ds4->ready = true;
	log_info("%s: DualShock 4 hw_version=0x%08x fw_version=0x%08x, player %d", dev->info.path,
	         ds4->hw_version, ds4->fw_version, ds4->player_id + 1);
	hm_device_ready(dev);
	/* dualshock4_create() ends with the lightbar colour: the configure
	 * hook's (it always runs after probe, so once it came; under a
	 * synchronous transport the sequence ends within probe and configure
	 * sends it) */
	if (ds4->output_pending)
		ds4_send_output(dev);
	ds4->output_pending = false;
}

static void ds4_feature_done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                             void *userdata)
{
	struct dualshock4 *ds4 = dev->priv;
	enum ds4_step step = (enum ds4_step)(uintptr_t)userdata;
	size_t want;
	uint8_t id;

	if (result == -ECANCELED)
		return; /* the device went: nothing of it may be touched */
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
	if (result == -ETIMEDOUT && !(ds4->dongle && ds4->ready)) {
		/* the kernel's probe fails here too (5 s, then -EIO): the
		 * device stays initializing until the core's limit */
		log_warning("%s: no answer to feature report 0x%02x", dev->info.path, id);
		return;
	}
	/* ps_get_report(): the exact size, the ID, and over Bluetooth the CRC
	 * (not on 0xA3, which has none) */
	if (result >= 0 && (!data || size != want))
		result = -EINVAL;
	else if (result >= 0 && data[0] != id)
		result = -EINVAL;
	else if (result >= 0 && ds4->bt && step == STEP_CALIBRATION &&
	         !ps_crc32_check(PS_FEATURE_CRC32_SEED, data, want))
		result = -EILSEQ;

	switch (step) {
	case STEP_PAIRING:
		/* without a transport (a replay) nothing answers: go on */
		if (result < 0 && result != -ENOTSUP) {
			/* "Failed to get MAC address from DualShock4": the
			 * kernel's probe fails; the device stays initializing
			 * until the core's limit */
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
			ds4->hw_version = ps_get_le16(data + 35);
			ds4->fw_version = ps_get_le16(data + 41);
		} else if (result != -ENOTSUP) {
			log_debug_errno(result,
			                "%s: DualShock 4 firmware info (feature 0x%02x): %m",
			                dev->info.path, id);
		}
		ds4->step = STEP_CALIBRATION;
		ds4->calibration_tries = 0;
		break;
	case STEP_CALIBRATION:
		/* "Steam and this function are competing resulting in often
		 * receiving data for a different HID report, so retry" */
		if (result < 0 && result != -ENOTSUP && !ds4->bt &&
		    ++ds4->calibration_tries < DS4_CALIBRATION_TRIES)
			break;
		if (result >= 0) {
			ds4_parse_calibration(dev, data, !ds4->bt);
		} else {
			/* the kernel's zeroed data and its sanity check: the
			 * fallback on every axis, with one warning */
			/* the checks above say what was wrong: not strerror(EILSEQ) */
			log_warning("%s: DualShock 4 calibration (feature 0x%02x) not read: %s; "
			            "using defaults, the motion sensors will be inaccurate",
			            dev->info.path, id,
			            result == -EILSEQ   ? "CRC check failed"
			            : result == -EINVAL ? "wrong size or report ID"
			                                : strerror(-result));
			ps_calibration_default(&ds4->cal);
		}
		ds4->step = STEP_DONE;
		if (ds4->dongle && ds4->ready) {
			/* dualshock4_dongle_calibration_work(): a failure
			 * disables the adapter until its pad goes and comes */
			ds4->dongle_state =
			    result >= 0 || result == -ENOTSUP ? DONGLE_CONNECTED : DONGLE_DISABLED;
			log_info("%s: DualShock 4 USB dongle: calibration %s", dev->info.path,
			         ds4->dongle_state == DONGLE_CONNECTED
			             ? "completed"
			             : "failed, disabling device");
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

static int dualshock4_probe(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;
	int r;

	ds4->bt = dev->info.bus == BUS_BLUETOOTH;
	ds4->dongle = dev->id ? dev->id->driver_data == DS4_MODEL_DONGLE
	                      : dev->info.product == USB_DEVICE_ID_SONY_PS4_CONTROLLER_DONGLE;
	ds4->dongle_state = DONGLE_DISCONNECTED;
	ds4->player_id = -1;
	/* the fallback until the calibration comes: no report divides by 0 */
	ps_calibration_default(&ds4->cal);
	/* dualshock4_get_mac_address(): over Bluetooth HIDP's uniq (the
	 * kernel's probe fails without one; here it only names the pad) */
	if (ds4->bt &&
	    sscanf(dev->info.serial, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &ds4->mac[5],
	           &ds4->mac[4], &ds4->mac[3], &ds4->mac[2], &ds4->mac[1], &ds4->mac[0]) != 6)
		log_debug("%s: no MAC address in uniq \"%s\"", dev->info.path,
		          log_escape(dev->info.serial));

	/* "Patch version to allow userspace to distinguish between
	 * hid-generic vs hid-playstation axis and button mapping." */
	ps_set_version_patch(dev);
	r = ps_gamepad_create(dev, true);
	if (r < 0)
		return r;
	ds4->gamepad = (unsigned)r;
	r = ps_sensors_create(&ds4->sensors, dev, 16, 16, 3);
	if (r < 0)
		return r;
	r = ps_touchpad_create(&ds4->touchpad, dev, DS4_TOUCHPAD_WIDTH, DS4_TOUCHPAD_HEIGHT, 2);
	if (r < 0)
		return r;

	/* ps_device_set_player_id(), from the allocator the DualSense shares
	 * as the kernel's IDA is shared; the lightbar shows it */
	ds4->player_id = ps_player_id_alloc();
	memcpy(ds4->lightbar, ds4_player_color(ds4), sizeof(ds4->lightbar));

	/* dualshock4_create(): over USB the pairing info, then (both) the
	 * firmware info and the calibration; over Bluetooth the MAC address
	 * is HIDP's uniq */
	hm_device_hold_init(dev, PS_FEATURES_INIT_LIMIT_US);
	ds4->step = ds4->bt ? STEP_FIRMWARE : STEP_PAIRING;
	ds4_request_next(dev);
	return 0;
}

static void dualshock4_remove(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;

	ps_player_id_free(ds4->player_id);
	ds4->player_id = -1;
}

/* Emits the queued click values (the kernel's pending BTN_LEFT events),
 * or with none queued the click as it is: the vdev drops it unless the
 * core let it go meanwhile (a reload), which the kernel never does. */
static void ds4_flush_clicks(struct hm_device *dev)
{
	struct dualshock4 *ds4 = dev->priv;

	if (!ds4->click_n)
		ps_touchpad_report_button(&ds4->touchpad, ds4->click);
	for (unsigned i = 0; i < ds4->click_n; i++)
		ps_touchpad_report_button(&ds4->touchpad, (ds4->click_bits >> i) & 1);
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
	unsigned out = (unsigned)ds4->touchpad.output;

	for (unsigned i = 0; i < count; i++) {
		/* a timestamp byte, then the two points */
		const uint8_t *points = touch + i * DS4_TOUCH_REPORT + 1;

		if (i == 0)
			ds4_flush_clicks(dev);
		ps_touchpad_report_points(&ds4->touchpad, points, 2);
		hm_emit(dev, out, EV_SYN, SYN_REPORT, 0);
	}
	/* input_report_key(): only a change enters the buffer */
	if (click != ds4->click) {
		ds4->click = click;
		ds4->click_bits |= (uint32_t)click << ds4->click_n;
		if (++ds4->click_n == DS4_CLICK_QUEUE) {
			ds4_flush_clicks(dev);
			hm_emit(dev, out, EV_SYN, SYN_REPORT, 0);
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
	/* dualshock4_parse_report()'s order: x, y, rx, ry, z, rz */
	static const struct {
		uint8_t offset;
		uint16_t code;
	} axes[6] = {
	    {DS4_C_X, ABS_X},      {DS4_C_X + 1, ABS_Y}, {DS4_C_X + 2, ABS_RX},
	    {DS4_C_X + 3, ABS_RY}, {DS4_C_Z, ABS_Z},     {DS4_C_RZ, ABS_RZ},
	};
	struct dualshock4 *ds4 = dev->priv;
	int16_t gyro[3], accel[3];

	for (int i = 0; i < 6; i++)
		hm_emit(dev, ds4->gamepad, EV_ABS, axes[i].code, c[axes[i].offset]);
	ps_gamepad_report_buttons(dev, ds4->gamepad, c[DS4_C_BUTTONS], c[DS4_C_BUTTONS + 1],
	                          c[DS4_C_BUTTONS + 2]);
	hm_emit(dev, ds4->gamepad, EV_SYN, SYN_REPORT, 0);
	if (minimal)
		return;

	for (int i = 0; i < 3; i++) {
		gyro[i] = ps_get_s16(c + DS4_C_GYRO + 2 * i);
		accel[i] = ps_get_s16(c + DS4_C_ACCEL + 2 * i);
	}
	ps_sensors_report(&ds4->sensors, &ds4->cal, gyro, accel, ps_get_le16(c + DS4_C_TIMESTAMP));
	hm_emit(dev, (unsigned)ds4->sensors.output, EV_SYN, SYN_REPORT, 0);

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
		/* dualshock4_set_default_lightbar_colors(): the pad's lightbar
		 * (the player colour, or here the configured one) */
		ds4_send_output(dev);
		ds4->dongle_state = DONGLE_CALIBRATING;
		ds4->step = STEP_CALIBRATION;
		ds4->calibration_tries = 0;
		ds4_request_next(dev);
		/* "Don't process the report since we don't have calibration
		 * data" */
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
	/* the kernel's nodes exist only once dualshock4_create() has read
	 * the calibration: nothing before */
	if (!ds4->ready)
		return 0;
	if (!ds4->bt && data[0] == DS4_INPUT_REPORT_USB && size == DS4_INPUT_REPORT_USB_SIZE) {
		c = data + DS4_USB_COMMON;
		if (ds4->dongle && !ds4_dongle_check(dev, c))
			return 0;
		count = data[DS4_USB_COMMON + DS4_COMMON_SIZE];
		/* the kernel does not bound the count (past 3 it would read
		 * beyond the touch reports): capped at what the report holds */
		if (count > DS4_USB_MAX_TOUCH)
			count = DS4_USB_MAX_TOUCH;
		ds4_parse(dev, c, c + DS4_COMMON_SIZE + 1, count, false);
		return 1;
	}
	if (ds4->bt && data[0] == DS4_INPUT_REPORT_BT && size == DS4_INPUT_REPORT_BT_SIZE) {
		/* "DualShock4 input CRC's check failed" */
		if (!ps_crc32_check(PS_INPUT_CRC32_SEED, data, size))
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
		/* "Some third-party pads never switch to the full 0x11
		 * report": the gamepad only */
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
	memcpy(ds4->lightbar, settings->lightbar_set ? settings->lightbar : ds4_player_color(ds4),
	       sizeof(ds4->lightbar));
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
    .description = "Sony DualShock 4 and its wireless adapter (USB, Bluetooth), as hid-playstation",
    .id_table = dualshock4_ids,
    .priv_size = sizeof(struct dualshock4),
    .probe = dualshock4_probe,
    .decode = dualshock4_decode,
    .remove = dualshock4_remove,
    .rumble = dualshock4_rumble,
    .configure = dualshock4_configure,
};
