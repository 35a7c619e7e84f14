/* SPDX-License-Identifier: MIT */
/*
 * Sony DualSense (054c:0ce6) and DualSense Edge (054c:0df2), USB and
 * Bluetooth: the devices and events of Debian 12's (Linux 6.1)
 * hid-playstation, plus the Edge's back paddles and Fn buttons.
 *
 * Input (byte 0 the report ID): USB 0x01, 64 bytes, the common report
 * from byte 1; Bluetooth 0x31, 78 bytes, byte 1 a sequence number, the
 * common report from byte 2, CRC32(0xA1 ...) in bytes 74..77.  Over
 * Bluetooth the pad sends a 10-byte "simple" 0x01 report until the host
 * reads a feature report (pairing info 0x09 or calibration 0x05, which
 * probe does), then 0x31 for good; 6.1 emits nothing for the simple
 * report, and neither does this module.  Common report (payload offsets):
 *   0-3   LX, LY, RX, RY          4, 5  L2, R2 analog
 *   7     hat (bits 0-3), Square, Cross, Circle, Triangle (bits 4-7)
 *   8     L1, R1, L2, R2, Create, Options, L3, R3
 *   9     PS, touchpad click, mic; Edge: Fn left, Fn right, left paddle,
 *         right paddle (bits 4-7, SDL_hidapi_ps5.c)
 *   15-20 gyro x, y, z (s16)      21-26 accel x, y, z (s16)
 *   27-30 sensor timestamp, u32 in 1/3 µs
 *   32-39 two touch points        52 battery (bits 0-3), charging (4-7)
 * (hid-playstation.c struct dualsense_input_report.)
 *
 * Probe reads features 0x09 (pairing: MAC), 0x20 (firmware: hw/fw/update
 * version) and 0x05 (calibration) as dualsense_create() does, without
 * waiting (ps_features_start()), then sends the kernel's two output
 * reports: the LED reset (lightbar setup: fade out) and the lightbar
 * (blue, 0 0 128) with the player LEDs of its player number.
 *
 * Output: USB 0x02, 63 bytes, the common block from byte 1; Bluetooth
 * 0x31, 78 bytes, byte 1 seq << 4, byte 2 tag 0x10, the common block from
 * byte 3, CRC32(0xA2 ...) in bytes 74..77.  Common block offsets:
 *   0 valid_flag0 (b0 compatible vibration, b1 haptics select)
 *   1 valid_flag1 (b0 mic LED, b1 power save, b2 lightbar, b4 player LEDs)
 *   2 motor right (weak), 3 motor left (strong), 8 mic LED, 9 power save
 *   (b4 mute mic), 38 valid_flag2 (b1 lightbar setup, b2 vibration v2),
 *   41 lightbar setup (b1 light out), 43 player LEDs, 44-46 R, G, B
 * (struct dualsense_output_report_common.)
 *
 * Where this differs from the kernel's driver, and why:
 *  - Feature reports that are bad or absent (a replay, a clone) give the
 *    defaults with one warning where 6.1 fails the probe; a pad that does
 *    not answer at all fails to initialise, as in 6.1.
 *  - The kernel sets the nodes' uniq to the pad's MAC (from 0x09); uinput
 *    cannot set uniq, so the three nodes carry none.  Programs that pair
 *    a pad with its motion sensors by uniq (SDL's evdev joystick backend)
 *    cannot tell two pads' sensor nodes apart; they still pair by name.
 *  - The lightbar, player and mic LEDs are not LED class devices: the
 *    config's lightbar, player-leds and mic-led set them (configure).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/input.h>

#include "module.h"
#include "playstation.h"
#include "util-log.h"

#define USB_VENDOR_ID_SONY                  0x054c
#define USB_DEVICE_ID_SONY_PS5_CONTROLLER   0x0ce6
#define USB_DEVICE_ID_SONY_PS5_CONTROLLER_2 0x0df2 /* Edge */

#define DS_MODEL_EDGE 1

#define DS_INPUT_REPORT_USB       0x01
#define DS_INPUT_REPORT_USB_SIZE  64
#define DS_INPUT_REPORT_BT        0x31
#define DS_INPUT_REPORT_BT_SIZE   78
#define DS_OUTPUT_REPORT_USB      0x02
#define DS_OUTPUT_REPORT_USB_SIZE 63
#define DS_OUTPUT_REPORT_BT       0x31
#define DS_OUTPUT_REPORT_BT_SIZE  78
#define DS_OUTPUT_TAG             0x10

#define DS_FEATURE_REPORT_CALIBRATION        0x05
#define DS_FEATURE_REPORT_CALIBRATION_SIZE   41
#define DS_FEATURE_REPORT_PAIRING_INFO       0x09
#define DS_FEATURE_REPORT_PAIRING_INFO_SIZE  20
#define DS_FEATURE_REPORT_FIRMWARE_INFO      0x20
#define DS_FEATURE_REPORT_FIRMWARE_INFO_SIZE 64

/* payload offsets of struct dualsense_input_report */
#define DS_IN_BUTTONS    7
#define DS_IN_GYRO       15
#define DS_IN_ACCEL      21
#define DS_IN_TIMESTAMP  27
#define DS_IN_POINTS     32
#define DS_IN_STATUS     52
#define DS_IN_PAYLOAD    63 /* the USB report less its ID */
#define DS_BUTTONS2_PS   0x01
#define DS_BUTTONS2_PAD  0x02
#define DS_BUTTONS2_MIC  0x04
#define DS_BUTTONS2_EDGE 0xf0

/* offsets in struct dualsense_output_report_common */
#define DS_OUT_VALID_FLAG0     0
#define DS_OUT_VALID_FLAG1     1
#define DS_OUT_MOTOR_RIGHT     2
#define DS_OUT_MOTOR_LEFT      3
#define DS_OUT_MUTE_BUTTON_LED 8
#define DS_OUT_POWER_SAVE      9
#define DS_OUT_VALID_FLAG2     38
#define DS_OUT_LIGHTBAR_SETUP  41
#define DS_OUT_PLAYER_LEDS     43
#define DS_OUT_LIGHTBAR_RED    44

#define DS_OUTPUT_VALID_FLAG0_COMPATIBLE_VIBRATION            0x01
#define DS_OUTPUT_VALID_FLAG0_HAPTICS_SELECT                  0x02
#define DS_OUTPUT_VALID_FLAG1_MIC_MUTE_LED_CONTROL_ENABLE     0x01
#define DS_OUTPUT_VALID_FLAG1_POWER_SAVE_CONTROL_ENABLE       0x02
#define DS_OUTPUT_VALID_FLAG1_LIGHTBAR_CONTROL_ENABLE         0x04
#define DS_OUTPUT_VALID_FLAG1_PLAYER_INDICATOR_CONTROL_ENABLE 0x10
#define DS_OUTPUT_VALID_FLAG2_LIGHTBAR_SETUP_CONTROL_ENABLE   0x02
#define DS_OUTPUT_VALID_FLAG2_COMPATIBLE_VIBRATION2           0x04
#define DS_OUTPUT_POWER_SAVE_CONTROL_MIC_MUTE                 0x10
#define DS_OUTPUT_LIGHTBAR_SETUP_LIGHT_OUT                    0x02

/* DS_FEATURE_VERSION(2, 21): firmware from then on has vibration v2 */
#define DS_FEATURE_VERSION_VIBRATION_V2 0x0215

#define DS_TOUCHPAD_WIDTH  1920
#define DS_TOUCHPAD_HEIGHT 1080

/*
 * dualsense_set_player_leds(): "Behavior on the PlayStation 5 console is
 * to center the player id across the LEDs, so e.g. player 1 would be
 * "--x--"".
 */
static const uint8_t ds_player_ids[5] = {
    0x04, /* BIT(2) */
    0x0a, /* BIT(3) | BIT(1) */
    0x15, /* BIT(4) | BIT(2) | BIT(0) */
    0x1b, /* BIT(4) | BIT(3) | BIT(1) | BIT(0) */
    0x1f, /* BIT(4) | BIT(3) | BIT(2) | BIT(1) | BIT(0) */
};
/* dualsense_create(): dualsense_set_lightbar(ds, 0, 0, 128) "blue" */
static const uint8_t ds_default_lightbar[3] = {0, 0, 128};

static const struct hm_device_id dualsense_ids[] = {
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS5_CONTROLLER)},
    {HM_DEVICE(BUS_BLUETOOTH, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS5_CONTROLLER)},
    {HM_DEVICE(BUS_USB, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS5_CONTROLLER_2),
     .driver_data = DS_MODEL_EDGE},
    {HM_DEVICE(BUS_BLUETOOTH, USB_VENDOR_ID_SONY, USB_DEVICE_ID_SONY_PS5_CONTROLLER_2),
     .driver_data = DS_MODEL_EDGE},
    {0},
};

struct dualsense {
	bool bt, edge;
	int gamepad;
	struct hm_motion sensors;
	struct ps_touchpad touchpad;
	struct ps_calibration cal;
	struct ps_features features;

	uint8_t mac[6]; /* little-endian, as the report carries it */
	uint32_t hw_version, fw_version;
	uint16_t update_version;
	bool use_vibration_v2;
	uint8_t output_seq;
	int player_id;

	/* what the LEDs show, as last sent */
	bool leds_sent;
	uint8_t lightbar[3];
	uint8_t player_leds;
	int mic_led; /* -1: never set */
	/* the user's settings (configure), applied once the probe is done */
	struct hm_device_settings settings;

	/* the mic button toggles mute, in the kernel */
	bool mic_muted, last_btn_mic_state;
};

/* ---- output reports ---- */

/* dualsense_init_output_report(): returns the common block of buf (room
 * for DS_OUTPUT_REPORT_BT_SIZE) and the report's length in *len. */
static uint8_t *ds_output_init(struct dualsense *ds, uint8_t *buf, size_t *len)
{
	memset(buf, 0, DS_OUTPUT_REPORT_BT_SIZE);
	if (ds->bt) {
		buf[0] = DS_OUTPUT_REPORT_BT;
		/* "Highest 4-bit is a sequence number, which needs to be
		 * increased every report. Lowest 4-bit is tag" */
		buf[1] = (uint8_t)(ps_output_seq_next(&ds->output_seq) << 4);
		buf[2] = DS_OUTPUT_TAG;
		*len = DS_OUTPUT_REPORT_BT_SIZE;
		return buf + 3;
	}
	buf[0] = DS_OUTPUT_REPORT_USB;
	*len = DS_OUTPUT_REPORT_USB_SIZE;
	return buf + 1;
}

static void ds_output_sent(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                           void *userdata)
{
	(void)dev, (void)data, (void)size, (void)userdata;
	if (result < 0 && result != -ENOTSUP && result != -ECANCELED)
		log_debug_errno(result, "%s: DualSense output report not sent: %m", dev->info.path);
}

/*
 * dualsense_send_output_report(): the CRC over Bluetooth, then out.  State
 * reports (LEDs, mic) go with a completion, so the request queue never
 * merges them into each other (each claims only what it changes); rumble
 * goes as a plain write, the newest level replacing one not sent yet.
 */
static void ds_output_send(struct hm_device *dev, struct dualsense *ds, uint8_t *buf, size_t len,
                           bool mergeable)
{
	if (ds->bt)
		ps_crc32_put(PS_OUTPUT_CRC32_SEED, buf, len);
	if (mergeable ||
	    hm_device_request(dev, HM_REQUEST_OUTPUT, buf, len, ds_output_sent, NULL) < 0)
		(void)hm_device_write(dev, buf, len);
}

/* dualsense_reset_leds() */
static void ds_reset_leds(struct hm_device *dev, struct dualsense *ds)
{
	uint8_t buf[DS_OUTPUT_REPORT_BT_SIZE];
	size_t len;
	uint8_t *common = ds_output_init(ds, buf, &len);

	common[DS_OUT_VALID_FLAG2] = DS_OUTPUT_VALID_FLAG2_LIGHTBAR_SETUP_CONTROL_ENABLE;
	common[DS_OUT_LIGHTBAR_SETUP] = DS_OUTPUT_LIGHTBAR_SETUP_LIGHT_OUT; /* fade light out */
	ds_output_send(dev, ds, buf, len, false);
}

/* The player LEDs the settings ask for, or the kernel's pattern for the
 * pad's player number. */
static uint8_t ds_player_leds_for(const struct dualsense *ds)
{
	int n = ds->settings.player_leds;

	if (n == 0)
		return 0;
	if (n >= 1 && n <= 5)
		return ds_player_ids[n - 1];
	return ds_player_ids[(ds->player_id < 0 ? 0 : ds->player_id) % 5];
}

/*
 * Sends what the LEDs should show and do not yet: the lightbar, the
 * player LEDs and the mic LED, each claimed by its valid flag only when it
 * changes (the first time, the lightbar and player LEDs always, as the
 * kernel's probe does).  As dualsense_output_worker() with update_lightbar,
 * update_player_leds, update_mic_mute.
 */
static void ds_update_leds(struct hm_device *dev, struct dualsense *ds)
{
	const struct hm_device_settings *s = &ds->settings;
	const uint8_t *rgb = s->lightbar_set ? s->lightbar : ds_default_lightbar;
	uint8_t player = ds_player_leds_for(ds);
	uint8_t buf[DS_OUTPUT_REPORT_BT_SIZE];
	bool lightbar = !ds->leds_sent || memcmp(rgb, ds->lightbar, 3) != 0;
	bool players = !ds->leds_sent || player != ds->player_leds;
	bool mic = s->mic_led >= 0 && s->mic_led != ds->mic_led;
	uint8_t *common;
	size_t len;

	ds->leds_sent = true;
	if (!lightbar && !players && !mic)
		return;
	common = ds_output_init(ds, buf, &len);
	if (lightbar) {
		common[DS_OUT_VALID_FLAG1] |= DS_OUTPUT_VALID_FLAG1_LIGHTBAR_CONTROL_ENABLE;
		memcpy(common + DS_OUT_LIGHTBAR_RED, rgb, 3);
		memcpy(ds->lightbar, rgb, 3);
	}
	if (players) {
		common[DS_OUT_VALID_FLAG1] |= DS_OUTPUT_VALID_FLAG1_PLAYER_INDICATOR_CONTROL_ENABLE;
		common[DS_OUT_PLAYER_LEDS] = player;
		ds->player_leds = player;
	}
	if (mic) {
		/* the LED alone: muting stays with the mic button */
		common[DS_OUT_VALID_FLAG1] |= DS_OUTPUT_VALID_FLAG1_MIC_MUTE_LED_CONTROL_ENABLE;
		common[DS_OUT_MUTE_BUTTON_LED] = (uint8_t)s->mic_led;
		ds->mic_led = s->mic_led;
	}
	ds_output_send(dev, ds, buf, len, false);
}

/* The mic button pressed: mute or unmute at the hardware, LED along, as
 * dualsense_parse_report() and the worker's update_mic_mute. */
static void ds_toggle_mic(struct hm_device *dev, struct dualsense *ds)
{
	uint8_t buf[DS_OUTPUT_REPORT_BT_SIZE];
	size_t len;
	uint8_t *common = ds_output_init(ds, buf, &len);

	ds->mic_muted = !ds->mic_muted;
	common[DS_OUT_VALID_FLAG1] = DS_OUTPUT_VALID_FLAG1_MIC_MUTE_LED_CONTROL_ENABLE |
	                             DS_OUTPUT_VALID_FLAG1_POWER_SAVE_CONTROL_ENABLE;
	common[DS_OUT_MUTE_BUTTON_LED] = ds->mic_muted;
	if (ds->mic_muted)
		common[DS_OUT_POWER_SAVE] = DS_OUTPUT_POWER_SAVE_CONTROL_MIC_MUTE;
	ds->mic_led = ds->mic_muted;
	ds_output_send(dev, ds, buf, len, false);
}

/* ---- probe: features, then the LEDs ---- */

static void ds_parse_calibration(struct dualsense *ds, const uint8_t *buf)
{
	/* dualsense_get_calibration_data() (6.1): gyro bias and limits in
	 * pitch+, pitch-, yaw+, yaw-, roll+, roll- order, speed, accel limits */
	int speed_2x = ps_get_s16(buf + 19) + ps_get_s16(buf + 21);
	struct ps_calibration *cal = &ds->cal;

	for (int i = 0; i < 3; i++) {
		int16_t bias = ps_get_s16(buf + 1 + 2 * i);
		int16_t plus = ps_get_s16(buf + 7 + 4 * i);
		int16_t minus = ps_get_s16(buf + 9 + 4 * i);
		int16_t acc_plus = ps_get_s16(buf + 23 + 4 * i);
		int16_t acc_minus = ps_get_s16(buf + 25 + 4 * i);
		int range_2g = acc_plus - acc_minus;

		cal->gyro[i].bias = bias;
		cal->gyro[i].sens_numer = speed_2x * PS_GYRO_RES_PER_DEG_S;
		cal->gyro[i].sens_denom = plus - minus;

		/* short bias = acc_plus - range_2g / 2, truncated as the kernel's */
		cal->accel[i].bias = (int16_t)(acc_plus - range_2g / 2);
		cal->accel[i].sens_numer = 2 * PS_ACC_RES_PER_G;
		cal->accel[i].sens_denom = range_2g;
	}
}

static void ds_feature_reply(struct hm_device *dev, uint8_t id, const uint8_t *data, size_t size,
                             void *userdata)
{
	struct dualsense *ds = userdata;

	(void)size;
	if (!data)
		return; /* defaults stay: the core warns once for the sequence */
	switch (id) {
	case DS_FEATURE_REPORT_PAIRING_INFO:
		memcpy(ds->mac, data + 1, sizeof(ds->mac));
		break;
	case DS_FEATURE_REPORT_FIRMWARE_INFO:
		ds->hw_version = ps_get_le32(data + 24);
		ds->fw_version = ps_get_le32(data + 28);
		ds->update_version = ps_get_le16(data + 44);
		break;
	case DS_FEATURE_REPORT_CALIBRATION:
		ds_parse_calibration(ds, data);
		ps_calibration_sanitize(&ds->cal, dev->info.path);
		break;
	}
}

static void ds_features_done(struct hm_device *dev, void *userdata)
{
	struct dualsense *ds = userdata;

	/* "Original DualSense firmware simulated classic controller rumble
	 * through its new haptics hardware ... DualSense edge supports it out
	 * of the box." */
	if (ds->edge)
		ds->use_vibration_v2 = true;
	else
		ds->use_vibration_v2 = ds->update_version >= DS_FEATURE_VERSION_VIBRATION_V2;

	ds_reset_leds(dev, ds);
	ds_update_leds(dev, ds);
	log_info("%s: DualSense%s hw_version=0x%08x fw_version=0x%08x, player %d", dev->info.path,
	         ds->edge ? " Edge" : "", ds->hw_version, ds->fw_version, ds->player_id + 1);
}

static const unsigned edge_buttons[4] = {
    BTN_TRIGGER_HAPPY1, /* Fn left */
    BTN_TRIGGER_HAPPY2, /* Fn right */
    BTN_TRIGGER_HAPPY3, /* left paddle */
    BTN_TRIGGER_HAPPY4, /* right paddle */
};

static int dualsense_probe(struct hm_device *dev)
{
	static const struct ps_feature features[] = {
	    {DS_FEATURE_REPORT_PAIRING_INFO, DS_FEATURE_REPORT_PAIRING_INFO_SIZE},
	    {DS_FEATURE_REPORT_FIRMWARE_INFO, DS_FEATURE_REPORT_FIRMWARE_INFO_SIZE},
	    {DS_FEATURE_REPORT_CALIBRATION, DS_FEATURE_REPORT_CALIBRATION_SIZE},
	};
	struct dualsense *ds = dev->priv;
	int r;

	ds->bt = dev->info.bus == BUS_BLUETOOTH;
	ds->edge = dev->id ? dev->id->driver_data == DS_MODEL_EDGE
	                   : dev->info.product == USB_DEVICE_ID_SONY_PS5_CONTROLLER_2;
	ds->player_id = -1;
	ds->mic_led = -1;
	ds->settings = (struct hm_device_settings)HM_DEVICE_SETTINGS_INIT;
	ps_calibration_default(&ds->cal);

	/* "Patch version to allow userspace to distinguish between
	 * hid-generic vs hid-playstation axis and button mapping." */
	ps_set_version_patch(dev);

	/* beyond 6.1, which drops them: the Edge's Fn left/right and left/right
	 * paddles (byte 9 bits 4-7) as BTN_TRIGGER_HAPPY1..4 */
	ds->gamepad = ds->edge ? ps_gamepad_create_with(dev, true, edge_buttons, 4)
	                       : ps_gamepad_create(dev, true);
	if (ds->gamepad < 0)
		return ds->gamepad;
	r = ps_sensors_create(&ds->sensors, dev, 32, 1, 3);
	if (r < 0)
		return r;
	r = ps_touchpad_create(&ds->touchpad, dev, DS_TOUCHPAD_WIDTH, DS_TOUCHPAD_HEIGHT, 2);
	if (r < 0)
		return r;

	ds->player_id = ps_player_id_alloc();
	if (ds->player_id < 0)
		ds->player_id = 0; /* past 32 pads: share the first pattern */

	r = ps_features_start(&ds->features, dev, features, 3, ds->bt, ds_feature_reply,
	                      ds_features_done, ds);
	return r < 0 ? r : 0;
}

static void dualsense_remove(struct hm_device *dev)
{
	struct dualsense *ds = dev->priv;

	ps_player_id_free(ds->player_id);
	ds->player_id = -1;
}

/* ---- input ---- */

static void ds_report_battery(struct hm_device *dev, uint8_t status)
{
	unsigned data = status & 0x0f, charging = status >> 4;
	enum hm_battery_status st;
	int capacity;

	/* dualsense_parse_report(): "Each unit of battery data corresponds to
	 * 10% 0 = 0-9%, 1 = 10-19%, .. and 10 = 100%" */
	switch (charging) {
	case 0x0:
		capacity = data * 10 + 5 > 100 ? 100 : (int)data * 10 + 5;
		st = HM_BATTERY_DISCHARGING;
		break;
	case 0x1:
		capacity = data * 10 + 5 > 100 ? 100 : (int)data * 10 + 5;
		st = HM_BATTERY_CHARGING;
		break;
	case 0x2:
		capacity = 100;
		st = HM_BATTERY_FULL;
		break;
	case 0xa: /* voltage or temperature out of range */
	case 0xb: /* temperature error */
		capacity = 0;
		st = HM_BATTERY_NOT_CHARGING;
		break;
	case 0xf: /* charging error */
	default:
		capacity = 0;
		st = HM_BATTERY_UNKNOWN;
		break;
	}
	hm_device_set_battery(dev, capacity, st);
}

/* payload bytes 0-5 */
static const unsigned ds_axes[6] = {ABS_X, ABS_Y, ABS_RX, ABS_RY, ABS_Z, ABS_RZ};

static int dualsense_decode(struct hm_device *dev, const uint8_t *data, size_t size,
                            uint64_t time_us)
{
	struct dualsense *ds = dev->priv;
	unsigned gp = (unsigned)ds->gamepad;
	const uint8_t *p;
	int16_t gyro[3], accel[3];
	bool btn_mic;

	(void)time_us;
	if (size < 1)
		return -EBADMSG;
	/* "DualSense in USB uses the full HID report for reportID 1, but
	 * Bluetooth uses a minimal HID report for reportID 1 and reports the
	 * full report using reportID 49." */
	if (!ds->bt && data[0] == DS_INPUT_REPORT_USB) {
		if (size != DS_INPUT_REPORT_USB_SIZE)
			return -EBADMSG;
		p = data + 1;
	} else if (ds->bt && data[0] == DS_INPUT_REPORT_BT) {
		if (size != DS_INPUT_REPORT_BT_SIZE)
			return -EBADMSG;
		if (!ps_crc32_check(PS_INPUT_CRC32_SEED, data, size))
			return -EILSEQ; /* "DualSense input CRC's check failed" */
		p = data + 2;
	} else {
		/* the simple Bluetooth report before the switch, and IDs
		 * the kernel does not handle: nothing to emit */
		return 0;
	}
	/* before the features the kernel has no input devices yet */
	if (!ps_features_done(&ds->features))
		return 0;

	/* dualsense_parse_report()'s order: sticks, triggers, hat, buttons.
	 * Every field of every report, as the kernel's driver reports them:
	 * the input core (the vdev) drops what did not change, and a key
	 * still held after the core let everything go (a reload) is pressed
	 * again by the next report. */
	for (int i = 0; i < 6; i++)
		hm_emit(dev, gp, EV_ABS, ds_axes[i], p[i]);
	ps_gamepad_report_buttons(dev, gp, p[DS_IN_BUTTONS], p[DS_IN_BUTTONS + 1],
	                          p[DS_IN_BUTTONS + 2]);
	if (ds->edge) {
		uint8_t b = p[DS_IN_BUTTONS + 2];

		hm_emit(dev, gp, EV_KEY, BTN_TRIGGER_HAPPY1, !!(b & 0x10)); /* Fn left */
		hm_emit(dev, gp, EV_KEY, BTN_TRIGGER_HAPPY2, !!(b & 0x20)); /* Fn right */
		hm_emit(dev, gp, EV_KEY, BTN_TRIGGER_HAPPY3, !!(b & 0x40)); /* left paddle */
		hm_emit(dev, gp, EV_KEY, BTN_TRIGGER_HAPPY4, !!(b & 0x80)); /* right paddle */
	}

	/* "The driver is expected to read the button state and program the
	 * device to mute/unmute audio at the hardware level." */
	btn_mic = p[DS_IN_BUTTONS + 2] & DS_BUTTONS2_MIC;
	if (btn_mic && !ds->last_btn_mic_state)
		ds_toggle_mic(dev, ds);
	ds->last_btn_mic_state = btn_mic;

	for (int i = 0; i < 3; i++) {
		gyro[i] = ps_get_s16(p + DS_IN_GYRO + 2 * i);
		accel[i] = ps_get_s16(p + DS_IN_ACCEL + 2 * i);
	}
	ps_sensors_report(&ds->sensors, &ds->cal, gyro, accel, ps_get_le32(p + DS_IN_TIMESTAMP));

	ps_touchpad_report_points(&ds->touchpad, p + DS_IN_POINTS, 2);
	ps_touchpad_report_button(&ds->touchpad, p[DS_IN_BUTTONS + 2] & DS_BUTTONS2_PAD);

	ds_report_battery(dev, p[DS_IN_STATUS]);
	return 1;
}

/* ---- rumble and settings ---- */

static void dualsense_rumble(struct hm_device *dev, unsigned output, uint16_t strong, uint16_t weak)
{
	struct dualsense *ds = dev->priv;
	uint8_t buf[DS_OUTPUT_REPORT_BT_SIZE];
	uint8_t *common;
	size_t len;

	(void)output;
	common = ds_output_init(ds, buf, &len);
	/* dualsense_play_effect() and the worker's update_rumble: "Select
	 * classic rumble style haptics and enable it." */
	common[DS_OUT_VALID_FLAG0] = DS_OUTPUT_VALID_FLAG0_HAPTICS_SELECT;
	if (ds->use_vibration_v2)
		common[DS_OUT_VALID_FLAG2] = DS_OUTPUT_VALID_FLAG2_COMPATIBLE_VIBRATION2;
	else
		common[DS_OUT_VALID_FLAG0] |= DS_OUTPUT_VALID_FLAG0_COMPATIBLE_VIBRATION;
	common[DS_OUT_MOTOR_LEFT] = (uint8_t)(strong / 256);
	common[DS_OUT_MOTOR_RIGHT] = (uint8_t)(weak / 256);
	ds_output_send(dev, ds, buf, len, true);
}

static void dualsense_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	struct dualsense *ds = dev->priv;

	ds->settings = *settings;
	/* before the probe's features are in, the LED reset has not gone out
	 * yet: the settings go with the probe's LED report */
	if (ps_features_done(&ds->features))
		ds_update_leds(dev, ds);
}

const struct hm_module hm_module_dualsense = {
    .name = "dualsense",
    .description = "Sony DualSense and DualSense Edge (USB, Bluetooth), as hid-playstation",
    .id_table = dualsense_ids,
    .priv_size = sizeof(struct dualsense),
    .probe = dualsense_probe,
    .decode = dualsense_decode,
    .remove = dualsense_remove,
    .rumble = dualsense_rumble,
    .configure = dualsense_configure,
};
