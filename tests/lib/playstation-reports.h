/* SPDX-License-Identifier: MIT */
/*
 * Reports and feature replies of the Sony DualShock 4 and DualSense, built
 * from their documented layouts (hid-playstation's struct
 * dualshock4_input_report_usb/bt and dualsense_input_report, hid-sony's
 * DS4_* offsets, SDL's PS4StatePacket_t/PS5StatePacket_t), written here
 * independently of devices/playstation/playstation.c: for the bad-input tests, the
 * PlayStation fuzz target's seeds and the decode benchmark.
 *
 * Offsets count from byte 0 = the report ID.  Bluetooth reports end in
 * CRC32(0xA1 ‖ bytes 0..73) (HIDP "DATA|INPUT" header); Bluetooth feature
 * replies in CRC32(0xA3 ‖ data) over all but their last 4 bytes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PSR_VENDOR_SONY   0x054c
#define PSR_DS4_V1        0x05c4
#define PSR_DS4_V2        0x09cc
#define PSR_DS4_DONGLE    0x0ba0
#define PSR_DS5           0x0ce6
#define PSR_DS5_EDGE      0x0df2
#define PSR_BUS_USB       0x03
#define PSR_BUS_BLUETOOTH 0x05

#define PSR_USB_INPUT_SIZE 64
#define PSR_BT_INPUT_SIZE  78
#define PSR_REPORT_MAX     78

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of seed ‖ data. */
static inline uint32_t psr_crc32(uint8_t seed, const uint8_t *data, size_t size)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i <= size; i++) {
		crc ^= i == 0 ? seed : data[i - 1];
		for (int b = 0; b < 8; b++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	return ~crc;
}

static inline void psr_put_le16(uint8_t *p, int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)((unsigned)v >> 8);
}

static inline void psr_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t psr_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes the CRC of a Bluetooth report/reply of size bytes into its last 4. */
static inline void psr_seal(uint8_t seed, uint8_t *report, size_t size)
{
	psr_put_le32(report + size - 4, psr_crc32(seed, report, size - 4));
}

/* What one input report says. */
struct psr_state {
	uint8_t lx, ly, rx, ry, l2, r2;
	uint8_t hat;        /* 0 = N .. 7 = NW, 8 = released */
	uint8_t buttons[3]; /* the three button bytes after the hat's (hat bits cleared) */
	int16_t gyro[3], accel[3];
	uint32_t timestamp; /* DS4: u16 in 16/3 µs; DS5: u32 in 1/3 µs */
	uint8_t counter;    /* DS4 frame counter (6 bits), DS5 sequence */
	/* up to two touch points: active, id (7 bits), x, y (12 bits) */
	struct {
		bool down;
		uint8_t id;
		uint16_t x, y;
	} touch[2];
	uint8_t battery; /* DS4 status0; DS5 status byte */
};

static inline void psr_put_touch(uint8_t *p, bool down, uint8_t id, uint16_t x, uint16_t y)
{
	p[0] = (uint8_t)((down ? 0 : 0x80) | (id & 0x7f));
	p[1] = (uint8_t)(x & 0xff);
	p[2] = (uint8_t)((x >> 8 & 0x0f) | (y & 0x0f) << 4);
	p[3] = (uint8_t)(y >> 4);
}

/* Centred sticks, nothing pressed, no touch. */
static inline struct psr_state psr_state_idle(void)
{
	struct psr_state s = {.lx = 0x80, .ly = 0x80, .rx = 0x80, .ry = 0x80, .hat = 8};

	s.accel[1] = 8192; /* 1 g, pad flat */
	return s;
}

/*
 * DualShock 4: USB report 0x01 (64 bytes) or Bluetooth 0x11 (78 bytes,
 * payload +2, CRC).  ntouch: touch frames the report says it carries (byte
 * 33 USB / 35 BT), written as given even when out of range; the first
 * frame holds s's two points.  Returns the size.
 */
static inline size_t psr_ds4_report(uint8_t *r, bool bt, const struct psr_state *s, uint8_t ntouch)
{
	size_t size = bt ? PSR_BT_INPUT_SIZE : PSR_USB_INPUT_SIZE;
	uint8_t *p = r + (bt ? 2 : 0); /* p[1] is the first payload byte */

	memset(r, 0, size);
	r[0] = bt ? 0x11 : 0x01;
	if (bt) {
		r[1] = 0xc0; /* HID | CRC, as the pad sends */
		r[2] = 0x00;
	}
	p[1] = s->lx;
	p[2] = s->ly;
	p[3] = s->rx;
	p[4] = s->ry;
	p[5] = (uint8_t)((s->hat & 0x0f) | (s->buttons[0] & 0xf0));
	p[6] = s->buttons[1];
	p[7] = (uint8_t)((s->buttons[2] & 0x03) | (s->counter << 2));
	p[8] = s->l2;
	p[9] = s->r2;
	psr_put_le16(p + 10, (int)(s->timestamp & 0xffff));
	for (int i = 0; i < 3; i++) {
		psr_put_le16(p + 13 + 2 * i, s->gyro[i]);
		psr_put_le16(p + 19 + 2 * i, s->accel[i]);
	}
	p[30] = s->battery;
	p[33] = ntouch;
	p[34] = (uint8_t)s->timestamp; /* the touch frame's own timestamp */
	for (int i = 0; i < 2; i++)
		psr_put_touch(p + 35 + 4 * i, s->touch[i].down, s->touch[i].id, s->touch[i].x,
		              s->touch[i].y);
	/* further frames: nobody touching */
	for (unsigned f = 1; f < (bt ? 4u : 3u); f++)
		for (int i = 0; i < 2; i++)
			p[34 + 9 * f + 1 + 4 * i] = 0x80;
	if (bt)
		psr_seal(0xa1, r, size);
	return size;
}

/* DualSense: USB report 0x01 (64 bytes) or Bluetooth 0x31 (78 bytes:
 * [1] sequence, payload from 2, CRC).  Returns the size. */
static inline size_t psr_ds5_report(uint8_t *r, bool bt, const struct psr_state *s)
{
	size_t size = bt ? PSR_BT_INPUT_SIZE : PSR_USB_INPUT_SIZE;
	uint8_t *p = r + (bt ? 2 : 1); /* payload offset 0 */

	memset(r, 0, size);
	r[0] = bt ? 0x31 : 0x01;
	if (bt)
		r[1] = s->counter;
	p[0] = s->lx;
	p[1] = s->ly;
	p[2] = s->rx;
	p[3] = s->ry;
	p[4] = s->l2;
	p[5] = s->r2;
	p[6] = s->counter;
	p[7] = (uint8_t)((s->hat & 0x0f) | (s->buttons[0] & 0xf0));
	p[8] = s->buttons[1];
	p[9] = s->buttons[2];
	for (int i = 0; i < 3; i++) {
		psr_put_le16(p + 15 + 2 * i, s->gyro[i]);
		psr_put_le16(p + 21 + 2 * i, s->accel[i]);
	}
	psr_put_le32(p + 27, s->timestamp);
	for (int i = 0; i < 2; i++)
		psr_put_touch(p + 32 + 4 * i, s->touch[i].down, s->touch[i].id, s->touch[i].x,
		              s->touch[i].y);
	p[52] = s->battery;
	if (bt)
		psr_seal(0xa1, r, size);
	return size;
}

/*
 * Calibration (DS4 0x02 USB / 0x05 BT, DS5 0x05): bytes after the ID:
 * gyro bias pitch, yaw, roll; gyro limits (USB order: pitch+, pitch-, yaw+,
 * yaw-, roll+, roll-; DS4 BT and dongle order: pitch+, yaw+, roll+, pitch-,
 * yaw-, roll-); gyro speed+, speed-; accel x+, x-, y+, y-, z+, z-.
 * Sane, non-zero values: limits ±8800 at speed 540 (±540 °/s), accel ±8192.
 */
static inline void psr_calibration(uint8_t *r, uint8_t id, bool bt_order)
{
	static const int16_t gyro_usb[6] = {8800, -8800, 8800, -8800, 8800, -8800};
	static const int16_t gyro_bt[6] = {8800, 8800, 8800, -8800, -8800, -8800};
	const int16_t *gyro = bt_order ? gyro_bt : gyro_usb;

	r[0] = id;
	for (int i = 0; i < 3; i++)
		psr_put_le16(r + 1 + 2 * i, 0);
	for (int i = 0; i < 6; i++)
		psr_put_le16(r + 7 + 2 * i, gyro[i]);
	psr_put_le16(r + 19, 540);
	psr_put_le16(r + 21, 540);
	for (int i = 0; i < 3; i++) {
		psr_put_le16(r + 23 + 4 * i, 8192);
		psr_put_le16(r + 25 + 4 * i, -8192);
	}
}

/* How a fake controller answers GET_REPORT Feature. */
enum psr_reply_mode {
	PSR_REPLY_GOOD,     /* the documented reply, sane calibration */
	PSR_REPLY_ZERO_CAL, /* calibration all zero (right size, id, CRC) */
	PSR_REPLY_GARBAGE,  /* calibration of 0xff bytes (limits -1 == -1: zero ranges) */
	PSR_REPLY_SHORT,    /* 3 bytes fewer than asked */
	PSR_REPLY_WRONG_ID, /* byte 0 another report's ID */
	PSR_REPLY_BAD_CRC,  /* Bluetooth: the CRC off by one bit */
	PSR_REPLY_ERROR,    /* the request fails (-EIO) */
};

/*
 * Fills the reply to feature report id (of the size the caller asked for,
 * in buf[0..size)), as a controller on bus product would answer it in
 * mode.  Returns the reply's length or a negative errno.
 */
static inline int psr_feature_reply(uint16_t product, bool bt, enum psr_reply_mode mode,
                                    uint8_t *buf, size_t size)
{
	uint8_t id = buf[0];
	bool ds5 = product == PSR_DS5 || product == PSR_DS5_EDGE;
	bool calibration = ds5 ? id == 0x05 : (id == 0x02 || id == 0x05);

	if (mode == PSR_REPLY_ERROR)
		return -5; /* -EIO */
	memset(buf, 0, size);
	buf[0] = id;
	if (calibration && size >= 37) {
		if (mode == PSR_REPLY_GARBAGE)
			memset(buf + 1, 0xff, 36);
		else if (mode != PSR_REPLY_ZERO_CAL)
			psr_calibration(buf, id, !ds5 && (bt || product == PSR_DS4_DONGLE));
	} else if ((id == 0x81 || id == 0x12 || id == 0x09) && size >= 7) {
		for (int i = 1; i <= 6; i++) /* a MAC address */
			buf[i] = (uint8_t)(0x10 * i + 1);
	} else if (id == 0x20 && size >= 46) {
		psr_put_le32(buf + 24, 0x00000317); /* hardware */
		psr_put_le32(buf + 28, 0x01000229); /* firmware */
		psr_put_le16(buf + 44, 0x0229);     /* update version: vibration v2 */
	} else if (id == 0xa3 && size >= 43) {
		psr_put_le16(buf + 35, 0x0100);
		psr_put_le16(buf + 41, 0x0200);
	}
	/* DS5 over BT: every reply is sealed; DS4 over BT: the calibration (0x05) */
	if (bt && size >= 5 && (ds5 || id == 0x05))
		psr_seal(0xa3, buf, size);
	switch (mode) {
	case PSR_REPLY_SHORT:
		return size > 3 ? (int)size - 3 : 0;
	case PSR_REPLY_WRONG_ID:
		buf[0] = (uint8_t)(id ^ 0x40);
		break;
	case PSR_REPLY_BAD_CRC:
		if (bt && size >= 5)
			buf[size - 1] ^= 0x01;
		break;
	default:
		break;
	}
	return (int)size;
}
