/* SPDX-License-Identifier: MIT */
/*
 * The PlayStation core: what the DualShock 4 and DualSense modules share,
 * as the kernel's drivers/hid/hid-playstation.c shares it between
 * dualshock4_* and dualsense_* (ps_gamepad_create(), ps_sensors_create(),
 * ps_touchpad_create(), struct ps_calibration_data, ps_check_crc32(),
 * ps_get_report()).  Everything here works through the module interface
 * (module.h), emits through hm_emit() and keeps its state in structs the
 * module embeds in its priv: nothing allocates.
 *
 * A module's probe typically:
 *   1. ps_set_version_patch(dev)               (version |= 0x8000)
 *   2. ps_gamepad_create(), ps_sensors_create(), ps_touchpad_create()
 *   3. ps_calibration_default(), then ps_features_start() with the feature
 *      reports to read; the reply callback fills the calibration
 *      (ps_calibration_sanitize() for the kernel's fallback), the done
 *      callback sends the first output reports; the core holds the device
 *      `initializing` until then.
 * and its decode checks ps_features_done() (reports before the answers
 * are ignored, as the kernel has no input device before them), the report
 * ID, the size and, over Bluetooth, ps_crc32_check() before reading a byte.
 *
 * Byte 0 of every buffer here is the report ID, as hidapi gives reports.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input-motion.h"
#include "input-mt.h"
#include "module.h"

/* hid-playstation.c: PS_*_CRC32_SEED, the HIDP header byte the Bluetooth
 * CRC starts with (DATA|INPUT, DATA|OUTPUT, DATA|FEATURE). */
#define PS_INPUT_CRC32_SEED   0xA1
#define PS_OUTPUT_CRC32_SEED  0xA2
#define PS_FEATURE_CRC32_SEED 0xA3

/* HID_PLAYSTATION_VERSION_PATCH: the kernel ORs it into the version of
 * every node so userspace can tell hid-playstation's mapping from
 * hid-generic's. */
#define PS_VERSION_PATCH 0x8000

/* Shared hardware limits (DS_* and DS4_* are the same numbers). */
#define PS_ACC_RES_PER_G      HM_MOTION_PS_ACC_RES_PER_G
#define PS_ACC_RANGE          HM_MOTION_PS_ACC_RANGE
#define PS_GYRO_RES_PER_DEG_S HM_MOTION_PS_GYRO_RES_PER_DEG_S
#define PS_GYRO_RANGE         HM_MOTION_PS_GYRO_RANGE

/* Little-endian fields, read byte by byte (never by casting). */
static inline uint16_t ps_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline int16_t ps_get_s16(const uint8_t *p)
{
	return (int16_t)ps_get_le16(p);
}
static inline uint32_t ps_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void ps_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* ---- Bluetooth CRC32 (zlib's crc32(), the kernel's ~crc32_le(~0, ...)) ---- */

/* crc32 of the seed byte followed by len bytes of data. */
uint32_t ps_crc32(uint8_t seed, const uint8_t *data, size_t len);
/* Whether the last 4 bytes of data (size > 4) are the little-endian crc32
 * of seed + data[0..size-4), as ps_check_crc32().  False for size <= 4. */
bool ps_crc32_check(uint8_t seed, const uint8_t *data, size_t size);
/* Writes that crc32 into the last 4 bytes (size > 4), as
 * dualsense_send_output_report() does for seed PS_OUTPUT_CRC32_SEED. */
void ps_crc32_put(uint8_t seed, uint8_t *data, size_t size);

/* The output report sequence number (Bluetooth): returns the current one,
 * 0..15, and advances *seq modulo 16 (dualsense_init_output_report()). */
uint8_t ps_output_seq_next(uint8_t *seq);

/*
 * Player numbers as the kernel's ps_player_id_allocator (an IDA shared by
 * every PlayStation pad of the driver): the lowest free one from 0 on.
 * Returns it, or -ENOSPC past 32 pads.  Free it in remove.
 */
int ps_player_id_alloc(void);
/* Frees a number from ps_player_id_alloc(); a negative one is ignored. */
void ps_player_id_free(int id);

/* ---- the gamepad node ---- */

/*
 * hdev->version |= HID_PLAYSTATION_VERSION_PATCH: sets the bit in
 * dev->info.version, so every output added afterwards carries it, as every
 * node of the kernel's driver does.  Call in probe before adding outputs.
 */
void ps_set_version_patch(struct hm_device *dev);

/* Common gamepad buttons, in hid-playstation's ps_gamepad_buttons order. */
extern const unsigned ps_gamepad_buttons[13];

/*
 * ps_gamepad_create(): the output named dev->info.name with ABS_X, ABS_Y,
 * ABS_Z, ABS_RX, ABS_RY, ABS_RZ 0..255 (fuzz, flat 0; sticks start and
 * rest at 128, triggers at 0), ABS_HAT0X/Y -1..1, the 13 buttons of
 * ps_gamepad_buttons, and with rumble the ff-memless set of
 * hm_device_set_rumble() with 16 effects (the module's rumble hook gets
 * them).  Returns the output's index or a negative errno.
 */
int ps_gamepad_create(struct hm_device *dev, bool rumble);

/* ps_gamepad_create() with n more keys (extra, EV_KEY codes) on the node:
 * what a pad has beyond the kernel's (the DualSense Edge's paddles). */
int ps_gamepad_create_with(struct hm_device *dev, bool rumble, const unsigned *extra, size_t n);

/*
 * The hat from the 4-bit direction (0 = N, clockwise, 8+ = released, as
 * ps_gamepad_hat_mapping with values past 8 treated as 8): emits
 * ABS_HAT0X and ABS_HAT0Y on output.
 */
void ps_gamepad_report_hat(struct hm_device *dev, unsigned output, unsigned direction);

/*
 * The face and shoulder buttons in the layout both pads share: b0 holds
 * the hat (bits 0-3) and Square, Cross, Circle, Triangle (bits 4-7), b1 L1,
 * R1, L2, R2, Share/Create, Options, L3, R3 (bits 0-7), b2 PS (bit 0).
 * Emits the hat and the 13 buttons in the kernel's order.
 */
void ps_gamepad_report_buttons(struct hm_device *dev, unsigned output, uint8_t b0, uint8_t b1,
                               uint8_t b2);

/* ---- the touchpad node ---- */

struct ps_touchpad {
	struct hm_mt mt;
	int output;
};

/*
 * ps_touchpad_create(): the output "<name> Touchpad" with BTN_LEFT (the
 * click), INPUT_PROP_BUTTONPAD, ABS_MT_POSITION_X 0..width-1 and _Y
 * 0..height-1, and num_contacts slots with INPUT_MT_POINTER (so also
 * INPUT_PROP_POINTER, BTN_TOUCH, BTN_TOOL_FINGER/DOUBLETAP, ABS_X/Y).
 * Returns the output's index (also in tp->output) or a negative errno.
 */
int ps_touchpad_create(struct ps_touchpad *tp, struct hm_device *dev, int width, int height,
                       unsigned num_contacts);

/* A touch point as packed by both pads: contact (bit 7 set: not touching,
 * bits 0-6 its id), then x and y, 12 bits each, in 3 bytes. */
struct ps_touch_point {
	bool active;
	uint8_t id;
	int x, y;
};
void ps_touch_point_unpack(const uint8_t p[4], struct ps_touch_point *ret);

/*
 * One touch frame: n points packed 4 bytes each (n <= the slots), slot i
 * for point i: slot state MT_TOOL_FINGER and, when touching, the position;
 * then input_mt_sync_frame().  Does not end the frame (a DualShock 4
 * report with several touch frames ends each but the last with SYN_REPORT
 * itself).
 */
void ps_touchpad_report_points(struct ps_touchpad *tp, const uint8_t *points, unsigned n);
/* The click under the pad: BTN_LEFT. */
void ps_touchpad_report_button(struct ps_touchpad *tp, bool pressed);

/* ---- the motion sensors node and calibration ---- */

/*
 * ps_sensors_create(): the "<name> Motion Sensors" output (input-motion.h)
 * with the PlayStation ranges and resolutions; the sensor counter is
 * counter_bits wide with ticks of tick_num/tick_den µs (DualSense 32,
 * 1, 3; DualShock 4 16, 16, 3).  Returns the output's index or a negative
 * errno.
 */
int ps_sensors_create(struct hm_motion *m, struct hm_device *dev, unsigned counter_bits,
                      uint32_t tick_num, uint32_t tick_den);

/* hid-playstation's struct ps_calibration_data: a calibrated value is
 * mult_frac(sens_numer, raw - bias, sens_denom). */
struct ps_calibration_data {
	int abs_code;
	int16_t bias;
	int sens_numer;
	int sens_denom;
};

struct ps_calibration {
	struct ps_calibration_data gyro[3];  /* ABS_RX, ABS_RY, ABS_RZ */
	struct ps_calibration_data accel[3]; /* ABS_X, ABS_Y, ABS_Z */
};

/*
 * Every axis at the kernel's fallback for degenerate calibration ("disabling
 * calibration"): bias 0, sens_numer PS_GYRO_RANGE (gyro) or PS_ACC_RANGE
 * (accelerometer), sens_denom S16_MAX, so the raw s16 range spans the
 * axis' range; abs codes set.  What a module uses before (or without)
 * the device's calibration report.
 */
void ps_calibration_default(struct ps_calibration *cal);

/*
 * The kernel's sanity check: every axis with sens_denom 0 gets the
 * fallback above.  Logs one warning for all of them ("<path>: invalid
 * calibration for gyro axes ..., accelerometer axes ...: using defaults"),
 * path naming the device.  Returns the number of axes replaced.
 */
int ps_calibration_sanitize(struct ps_calibration *cal, const char *path);

/* mult_frac(c->sens_numer, raw - c->bias, c->sens_denom) in the kernel's
 * int arithmetic (quotient and remainder first; products wrap as the
 * kernel's do).  A zero denominator gives 0 (never reached after
 * ps_calibration_sanitize()). */
int ps_calibrate(const struct ps_calibration_data *c, int raw);

/*
 * Calibrates and emits one sample in the kernel's order (gyro, accelerometer,
 * MSC_TIMESTAMP from counter): gyro and accel are the raw s16 values x, y, z.
 */
void ps_sensors_report(struct hm_motion *m, const struct ps_calibration *cal, const int16_t gyro[3],
                       const int16_t accel[3], uint32_t counter);

/* ---- the feature reports read at probe, asynchronously ---- */

#define PS_FEATURES_MAX 8

struct ps_feature {
	uint8_t id;
	uint8_t size; /* the exact size the reply must have, ID (and BT CRC) included */
};

/* What ps_features_start_rules() may add for a feature (by ID). */
#define PS_FEATURE_NO_CRC 0x01 /* no CRC even over Bluetooth (the DualShock 4's 0xA3) */
struct ps_feature_rule {
	uint8_t id;
	/* asked again this many more times when the reply is bad or an error
	 * other than no answer (newer hid-playstation retries the DualShock
	 * 4's 0x02 twice: another hidraw user's request may take its reply) */
	uint8_t retries;
	uint8_t flags; /* PS_FEATURE_* */
};

/*
 * reply(dev, id, data, size, userdata): feature report id arrived with the
 * right size, ID and (crc set) a good Bluetooth CRC: data, size as read.
 * It did not (an error, a wrong size or ID, a bad CRC, no transport): data
 * NULL, size 0, and the module keeps its defaults.
 */
typedef void (*ps_feature_reply_fn)(struct hm_device *dev, uint8_t id, const uint8_t *data,
                                    size_t size, void *userdata);
/* Every feature of the sequence was answered or given up on. */
typedef void (*ps_features_done_fn)(struct hm_device *dev, void *userdata);

struct ps_features {
	struct ps_feature list[PS_FEATURES_MAX];
	unsigned n, next;
	unsigned tries; /* of the current feature, after the first */
	uint8_t retries[PS_FEATURES_MAX], flags[PS_FEATURES_MAX]; /* per feature, from the rules */
	bool crc;      /* Bluetooth: replies carry CRC32(0xA3 ...) in their last 4 bytes */
	bool running;  /* a request is on its way */
	bool finished; /* done ran: the module decodes */
	bool stalled;  /* the device did not answer in time: the init limit will fail it */
	unsigned failed;
	char failures[96]; /* "0x09 (...), ..." for the one warning */
	ps_feature_reply_fn reply;
	ps_features_done_fn done;
	void *userdata;
};

/* The time limit ps_features_start() gives the core (hm_device_hold_init()):
 * the kernel's own wait is 5 s per request (uhid, usbhid). */
#define PS_FEATURES_INIT_LIMIT_US (5 * 1000 * 1000)

/*
 * From probe, after the outputs are added: reads the n features in order
 * with hm_device_request(HM_REQUEST_GET_FEATURE) without waiting, holding
 * the device `initializing` (hm_device_hold_init(), limit
 * PS_FEATURES_INIT_LIMIT_US).  Each reply is checked for size, ID and
 * (crc) CRC and goes to reply (NULL data when bad or absent); then done
 * runs and hm_device_ready() follows.  Replies that are bad or absent
 * (-EIO, -ENOTSUP under replay and in tests without a transport: there all
 * of this runs before ps_features_start() returns) give one warning for
 * the whole sequence.  A device that does not answer at all (-ETIMEDOUT)
 * stops the sequence: done never runs, the core's init limit reports the
 * device as failed to initialise.  A device that goes (-ECANCELED) stops
 * it silently.  f lives in the module's priv.  Returns 0,
 * -EINVAL (n 0 or past PS_FEATURES_MAX).
 */
int ps_features_start(struct ps_features *f, struct hm_device *dev, const struct ps_feature *list,
                      unsigned n, bool crc, ps_feature_reply_fn reply, ps_features_done_fn done,
                      void *userdata);
/* ps_features_start() with rules for some of the features (retries,
 * PS_FEATURE_* flags), matched by ID.  Returns 0, -EINVAL (also for more
 * than PS_FEATURES_MAX rules). */
int ps_features_start_rules(struct ps_features *f, struct hm_device *dev,
                            const struct ps_feature *list, unsigned n, bool crc,
                            const struct ps_feature_rule *rules, unsigned nrules,
                            ps_feature_reply_fn reply, ps_features_done_fn done, void *userdata);

/* Whether the sequence finished (done ran): reports decode from then on. */
static inline bool ps_features_done(const struct ps_features *f)
{
	return f->finished;
}
