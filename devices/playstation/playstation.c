/* SPDX-License-Identifier: MIT */
/*
 * The PlayStation core shared by the DualShock 4 and DualSense modules
 * (playstation.h).  Each function names the hid-playstation.c one it
 * follows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/input.h>
#include <libevdev/libevdev.h>
#include <zlib.h>

#include "playstation.h"
#include "util-log.h"

#define S16_MAX 32767

/* ---- CRC ---- */

uint32_t ps_crc32(uint8_t seed, const uint8_t *data, size_t len)
{
	/* zlib's crc32() is the kernel's ~crc32_le(~0, ...): the HIDP header
	 * byte first, then the report */
	uLong crc = crc32(0L, &seed, 1);

	while (len > 0) {
		uInt chunk = len > 0x40000000u ? 0x40000000u : (uInt)len;

		crc = crc32(crc, data, chunk);
		data += chunk;
		len -= chunk;
	}
	return (uint32_t)crc;
}

bool ps_crc32_check(uint8_t seed, const uint8_t *data, size_t size)
{
	if (size <= 4)
		return false;
	return ps_crc32(seed, data, size - 4) == ps_get_le32(data + size - 4);
}

void ps_crc32_put(uint8_t seed, uint8_t *data, size_t size)
{
	if (size <= 4)
		return;
	ps_put_le32(data + size - 4, ps_crc32(seed, data, size - 4));
}

uint8_t ps_output_seq_next(uint8_t *seq)
{
	uint8_t cur = *seq & 0x0f;

	*seq = (uint8_t)((cur + 1) & 0x0f);
	return cur;
}

/* ---- player numbers ---- */

/* the loop is single-threaded: one process drives every pad */
static uint32_t player_ids;

int ps_player_id_alloc(void)
{
	for (int i = 0; i < 32; i++) {
		if (!(player_ids & UINT32_C(1) << i)) {
			player_ids |= UINT32_C(1) << i;
			return i;
		}
	}
	return -ENOSPC;
}

void ps_player_id_free(int id)
{
	if (id >= 0 && id < 32)
		player_ids &= ~(UINT32_C(1) << id);
}

/* ---- gamepad ---- */

void ps_set_version_patch(struct hm_device *dev)
{
	dev->info.version |= PS_VERSION_PATCH;
}

const unsigned ps_gamepad_buttons[13] = {
    BTN_WEST,   /* Square */
    BTN_NORTH,  /* Triangle */
    BTN_EAST,   /* Circle */
    BTN_SOUTH,  /* Cross */
    BTN_TL,     /* L1 */
    BTN_TR,     /* R1 */
    BTN_TL2,    /* L2 */
    BTN_TR2,    /* R2 */
    BTN_SELECT, /* Create (PS5) / Share (PS4) */
    BTN_START,  /* Options */
    BTN_THUMBL, /* L3 */
    BTN_THUMBR, /* R3 */
    BTN_MODE,   /* PS Home */
};

/* ps_gamepad_hat_mapping */
static const struct {
	int8_t x, y;
} hat_mapping[] = {
    {0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, 0},
};

int ps_gamepad_create(struct hm_device *dev, bool rumble)
{
	return ps_gamepad_create_with(dev, rumble, NULL, 0);
}

int ps_gamepad_create_with(struct hm_device *dev, bool rumble, const unsigned *extra, size_t n)
{
	static const unsigned sticks[] = {ABS_X, ABS_Y, ABS_RX, ABS_RY};
	static const unsigned triggers[] = {ABS_Z, ABS_RZ};
	struct input_absinfo stick = {.minimum = 0, .maximum = 255, .value = 128};
	struct input_absinfo trigger = {.minimum = 0, .maximum = 255};
	struct input_absinfo hat = {.minimum = -1, .maximum = 1};
	struct libevdev *caps;
	int out, r;

	/* ps_allocate_input_dev(hdev, NULL): the HID name itself */
	out = hm_device_add_output(dev, dev->info.name, &caps);
	if (out < 0)
		return out;
	for (size_t i = 0; i < 4; i++)
		libevdev_enable_event_code(caps, EV_ABS, sticks[i], &stick);
	for (size_t i = 0; i < 2; i++)
		libevdev_enable_event_code(caps, EV_ABS, triggers[i], &trigger);
	libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0X, &hat);
	libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0Y, &hat);
	for (size_t i = 0; i < 13; i++)
		libevdev_enable_event_code(caps, EV_KEY, ps_gamepad_buttons[i], NULL);
	for (size_t i = 0; i < n; i++)
		libevdev_enable_event_code(caps, EV_KEY, extra[i], NULL);

	/* let go: sticks centred, triggers released, hat at rest */
	for (size_t i = 0; i < 4; i++) {
		r = hm_device_set_abs_rest(dev, (unsigned)out, sticks[i], 128);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < 2; i++) {
		r = hm_device_set_abs_rest(dev, (unsigned)out, triggers[i], 0);
		if (r < 0)
			return r;
	}
	r = hm_device_set_abs_rest(dev, (unsigned)out, ABS_HAT0X, 0);
	if (r >= 0)
		r = hm_device_set_abs_rest(dev, (unsigned)out, ABS_HAT0Y, 0);
	if (r < 0)
		return r;

	if (rumble) {
		/* input_ff_create_memless(): 16 effects (FF_MEMLESS_EFFECTS) */
		r = hm_device_set_rumble(dev, (unsigned)out, 16, 0);
		if (r < 0)
			return r;
	}
	return out;
}

void ps_gamepad_report_hat(struct hm_device *dev, unsigned output, unsigned direction)
{
	if (direction >= sizeof(hat_mapping) / sizeof(hat_mapping[0]))
		direction = 8; /* center */
	hm_emit(dev, output, EV_ABS, ABS_HAT0X, hat_mapping[direction].x);
	hm_emit(dev, output, EV_ABS, ABS_HAT0Y, hat_mapping[direction].y);
}

void ps_gamepad_report_buttons(struct hm_device *dev, unsigned output, uint8_t b0, uint8_t b1,
                               uint8_t b2)
{
	ps_gamepad_report_hat(dev, output, b0 & 0x0f);
	/* dualsense_parse_report()'s order */
	hm_emit(dev, output, EV_KEY, BTN_WEST, !!(b0 & 0x10));
	hm_emit(dev, output, EV_KEY, BTN_SOUTH, !!(b0 & 0x20));
	hm_emit(dev, output, EV_KEY, BTN_EAST, !!(b0 & 0x40));
	hm_emit(dev, output, EV_KEY, BTN_NORTH, !!(b0 & 0x80));
	hm_emit(dev, output, EV_KEY, BTN_TL, !!(b1 & 0x01));
	hm_emit(dev, output, EV_KEY, BTN_TR, !!(b1 & 0x02));
	hm_emit(dev, output, EV_KEY, BTN_TL2, !!(b1 & 0x04));
	hm_emit(dev, output, EV_KEY, BTN_TR2, !!(b1 & 0x08));
	hm_emit(dev, output, EV_KEY, BTN_SELECT, !!(b1 & 0x10));
	hm_emit(dev, output, EV_KEY, BTN_START, !!(b1 & 0x20));
	hm_emit(dev, output, EV_KEY, BTN_THUMBL, !!(b1 & 0x40));
	hm_emit(dev, output, EV_KEY, BTN_THUMBR, !!(b1 & 0x80));
	hm_emit(dev, output, EV_KEY, BTN_MODE, !!(b2 & 0x01));
}

/* ---- touchpad ---- */

int ps_touchpad_create(struct ps_touchpad *tp, struct hm_device *dev, int width, int height,
                       unsigned num_contacts)
{
	char name[sizeof(dev->info.name) + 16];
	struct input_absinfo x = {.minimum = 0, .maximum = width - 1};
	struct input_absinfo y = {.minimum = 0, .maximum = height - 1};
	struct libevdev *caps;
	int out, r;

	if (width <= 0 || height <= 0)
		return -EINVAL;
	snprintf(name, sizeof(name), "%s Touchpad", dev->info.name);
	out = hm_device_add_output(dev, name, &caps);
	if (out < 0)
		return out;
	/* "Map button underneath touchpad to BTN_LEFT." */
	libevdev_enable_event_code(caps, EV_KEY, BTN_LEFT, NULL);
	libevdev_enable_property(caps, INPUT_PROP_BUTTONPAD);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_X, &x);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_Y, &y);
	r = hm_mt_init_slots(&tp->mt, dev, (unsigned)out, caps, num_contacts, HM_MT_POINTER);
	if (r < 0)
		return r;
	tp->output = out;
	return out;
}

void ps_touch_point_unpack(const uint8_t p[4], struct ps_touch_point *ret)
{
	/* struct dualsense_touch_point: contact; x_lo; x_hi:4, y_lo:4; y_hi */
	ret->active = !(p[0] & 0x80);
	ret->id = p[0] & 0x7f;
	ret->x = p[1] | (p[2] & 0x0f) << 8;
	ret->y = p[2] >> 4 | p[3] << 4;
}

void ps_touchpad_report_points(struct ps_touchpad *tp, const uint8_t *points, unsigned n)
{
	for (unsigned i = 0; i < n && (int)i < tp->mt.num_slots; i++) {
		struct ps_touch_point pt;

		ps_touch_point_unpack(points + 4 * i, &pt);
		hm_mt_slot(&tp->mt, (int)i);
		if (hm_mt_report_slot_state(&tp->mt, MT_TOOL_FINGER, pt.active)) {
			hm_mt_report_abs(&tp->mt, ABS_MT_POSITION_X, pt.x);
			hm_mt_report_abs(&tp->mt, ABS_MT_POSITION_Y, pt.y);
		}
	}
	hm_mt_sync_frame(&tp->mt);
}

void ps_touchpad_report_button(struct ps_touchpad *tp, bool pressed)
{
	hm_emit(tp->mt.dev, (unsigned)tp->output, EV_KEY, BTN_LEFT, pressed);
}

/* ---- motion sensors and calibration ---- */

int ps_sensors_create(struct hm_motion *m, struct hm_device *dev, unsigned counter_bits,
                      uint32_t tick_num, uint32_t tick_den)
{
	const struct hm_motion_params p = {
	    .suffix = "Motion Sensors",
	    .accel_range = PS_ACC_RANGE,
	    .accel_res = PS_ACC_RES_PER_G,
	    .gyro_range = PS_GYRO_RANGE,
	    .gyro_res = PS_GYRO_RES_PER_DEG_S,
	    .counter_bits = counter_bits,
	    .tick_num = tick_num,
	    .tick_den = tick_den,
	};

	return hm_motion_add_output(m, dev, &p);
}

static const int gyro_codes[3] = {ABS_RX, ABS_RY, ABS_RZ};
static const int accel_codes[3] = {ABS_X, ABS_Y, ABS_Z};

static void gyro_fallback(struct ps_calibration_data *c, int code)
{
	*c = (struct ps_calibration_data){
	    .abs_code = code, .bias = 0, .sens_numer = PS_GYRO_RANGE, .sens_denom = S16_MAX};
}

static void accel_fallback(struct ps_calibration_data *c, int code)
{
	*c = (struct ps_calibration_data){
	    .abs_code = code, .bias = 0, .sens_numer = PS_ACC_RANGE, .sens_denom = S16_MAX};
}

void ps_calibration_default(struct ps_calibration *cal)
{
	for (size_t i = 0; i < 3; i++) {
		gyro_fallback(&cal->gyro[i], gyro_codes[i]);
		accel_fallback(&cal->accel[i], accel_codes[i]);
	}
}

int ps_calibration_sanitize(struct ps_calibration *cal, const char *path)
{
	char gyro[32] = "", accel[32] = "";
	size_t g = 0, a = 0;
	int n = 0;

	/* dualsense_get_calibration_data(): "Sanity check ... to prevent
	 * crashes during report handling of virtual, clone or broken devices" */
	for (size_t i = 0; i < 3; i++) {
		if (cal->gyro[i].sens_denom == 0) {
			g += (size_t)snprintf(gyro + g, sizeof(gyro) - g, " %d",
			                      cal->gyro[i].abs_code);
			gyro_fallback(&cal->gyro[i], gyro_codes[i]);
			n++;
		}
		if (cal->accel[i].sens_denom == 0) {
			a += (size_t)snprintf(accel + a, sizeof(accel) - a, " %d",
			                      cal->accel[i].abs_code);
			accel_fallback(&cal->accel[i], accel_codes[i]);
			n++;
		}
	}
	if (n > 0)
		log_warning("%s: invalid calibration data (gyro axes:%s; accelerometer axes:%s), "
		            "disabling calibration for them",
		            path, g ? gyro : " none", a ? accel : " none");
	return n;
}

int ps_calibrate(const struct ps_calibration_data *c, int raw)
{
	/* mult_frac(x, n, d): q = x / d, r = x % d, q * n + r * n / d, in
	 * int; 64-bit here so that no input traps, truncated as the kernel's
	 * int arithmetic wraps */
	int64_t x = c->sens_numer, d = c->sens_denom, n = (int64_t)raw - c->bias;
	int64_t q, r;
	int32_t qn, rn;

	if (d == 0)
		return 0;
	q = x / d;
	r = x % d;
	qn = (int32_t)(uint32_t)((uint64_t)q * (uint64_t)n);
	rn = (int32_t)(uint32_t)((uint64_t)r * (uint64_t)n);
	return (int32_t)((uint32_t)qn + (uint32_t)(int32_t)((int64_t)rn / d));
}

void ps_sensors_report(struct hm_motion *m, const struct ps_calibration *cal, const int16_t gyro[3],
                       const int16_t accel[3], uint32_t counter)
{
	int g[3], a[3];

	for (size_t i = 0; i < 3; i++) {
		g[i] = ps_calibrate(&cal->gyro[i], gyro[i]);
		a[i] = ps_calibrate(&cal->accel[i], accel[i]);
	}
	hm_motion_report(m, a, g, counter);
}

/* ---- feature reports at probe ---- */

static void features_next(struct ps_features *f, struct hm_device *dev);

static void features_note_failure(struct ps_features *f, uint8_t id, const char *why)
{
	size_t len = strlen(f->failures);

	f->failed++;
	if (len < sizeof(f->failures) - 1)
		snprintf(f->failures + len, sizeof(f->failures) - len, "%s0x%02x (%s)",
		         len ? ", " : "", id, why);
}

static void features_finish(struct ps_features *f, struct hm_device *dev)
{
	f->finished = true;
	if (f->failed)
		log_warning("%s: feature reports %s not read, using defaults", dev->info.path,
		            f->failures);
	if (f->done)
		f->done(dev, f->userdata);
	hm_device_ready(dev);
}

static void feature_done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                         void *userdata)
{
	struct ps_features *f = userdata;
	const struct ps_feature *ft = &f->list[f->next];
	char why[48];
	bool ok = false;

	f->running = false;
	if (result == -ECANCELED)
		return; /* the device went */
	if (result == -ETIMEDOUT) {
		/* the kernel's probe fails here too (ps_get_report() -EIO after
		 * 5 s): leave the device initializing for the core's limit */
		f->stalled = true;
		log_warning("%s: no answer to feature report 0x%02x", dev->info.path, ft->id);
		return;
	}

	/* ps_get_report(): the exact size, the ID, then the CRC over BT */
	if (result < 0)
		snprintf(why, sizeof(why), "%s", strerror(-result));
	else if (!data || size != ft->size)
		snprintf(why, sizeof(why), "%zu bytes, expected %u", data ? size : 0,
		         (unsigned)ft->size);
	else if (data[0] != ft->id)
		snprintf(why, sizeof(why), "report ID 0x%02x", data[0]);
	else if (f->crc && !(f->flags[f->next] & PS_FEATURE_NO_CRC) &&
	         !ps_crc32_check(PS_FEATURE_CRC32_SEED, data, size))
		snprintf(why, sizeof(why), "CRC check failed");
	else
		ok = true;

	if (!ok && f->tries < f->retries[f->next]) {
		f->tries++;
		features_next(f, dev); /* the same feature again */
		return;
	}
	if (!ok)
		features_note_failure(f, ft->id, why);
	if (f->reply)
		f->reply(dev, ft->id, ok ? data : NULL, ok ? size : 0, f->userdata);
	f->next++;
	f->tries = 0;
	features_next(f, dev);
}

static void features_next(struct ps_features *f, struct hm_device *dev)
{
	while (f->next < f->n) {
		const struct ps_feature *ft = &f->list[f->next];
		uint8_t req[256] = {ft->id};
		int r;

		f->running = true;
		r = hm_device_request(dev, HM_REQUEST_GET_FEATURE, req, ft->size, feature_done, f);
		if (r >= 0)
			return; /* feature_done continues (or already did) */
		f->running = false;
		if (f->tries < f->retries[f->next]) {
			f->tries++;
			continue;
		}
		features_note_failure(f, ft->id, strerror(-r));
		if (f->reply)
			f->reply(dev, ft->id, NULL, 0, f->userdata);
		f->next++;
		f->tries = 0;
	}
	features_finish(f, dev);
}

int ps_features_start_rules(struct ps_features *f, struct hm_device *dev,
                            const struct ps_feature *list, unsigned n, bool crc,
                            const struct ps_feature_rule *rules, unsigned nrules,
                            ps_feature_reply_fn reply, ps_features_done_fn done, void *userdata)
{
	if (n == 0 || n > PS_FEATURES_MAX || nrules > PS_FEATURES_MAX || (nrules && !rules))
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < nrules; k++) {
			if (rules[k].id != list[i].id)
				continue;
			f->retries[i] = rules[k].retries;
			f->flags[i] = rules[k].flags;
		}
		if (list[i].size < 2 ||
		    (crc && !(f->flags[i] & PS_FEATURE_NO_CRC) && list[i].size <= 4))
			return -EINVAL;
	}
	memcpy(f->list, list, n * sizeof(*list));
	f->n = n;
	f->crc = crc;
	f->reply = reply;
	f->done = done;
	f->userdata = userdata;
	hm_device_hold_init(dev, PS_FEATURES_INIT_LIMIT_US);
	features_next(f, dev);
	return 0;
}

int ps_features_start(struct ps_features *f, struct hm_device *dev, const struct ps_feature *list,
                      unsigned n, bool crc, ps_feature_reply_fn reply, ps_features_done_fn done,
                      void *userdata)
{
	return ps_features_start_rules(f, dev, list, n, crc, NULL, 0, reply, done, userdata);
}
