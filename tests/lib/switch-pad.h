/* SPDX-License-Identifier: MIT */
/*
 * A fake Nintendo Switch controller's answers, built from the protocol as
 * the vendor research note (§3) and hid-nintendo's joycon_* functions
 * describe it, written here independently of devices/nintendo/: the unit
 * tests' pad and the VM oracle's responder (the kernel's hid-nintendo and
 * hidmapd get the same bytes).
 *
 * The pad answers output 0x80 <cmd> with input 0x81 <cmd> (except 80 04,
 * which a real pad never answers) and output 0x01 subcommands with input
 * 0x21: its state header, ACK, the subcommand's id, then device info (type,
 * MAC) or the SPI flash bytes asked for.  Its flash holds a user
 * calibration for the left stick (magic B2 A1 at 0x8010), none for the
 * right stick and the IMU (FF FF), factory data for those, all of it away
 * from the kernel's defaults, so that a driver that ignores it shows.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SWP_REPORT_SIZE 64 /* what the Pro Controller's descriptor declares, with the ID */

enum swp_mode {
	SWP_ANSWERS,    /* as a real pad */
	SWP_SILENT,     /* answers nothing */
	SWP_NO_USB,     /* a Bluetooth pad behind USB: no 0x81 replies */
	SWP_BAD_MAGIC,  /* user magics wrong, factory stick data implausible (all 0) */
	SWP_NO_SPI,     /* SPI reads never answered */
	SWP_SHORT_INFO, /* the device-info reply shorter than a report */
};

/* two 12-bit values in three bytes (SPI calibration, stick fields) */
static inline void swp_put12(uint8_t *p, unsigned a, unsigned b)
{
	p[0] = (uint8_t)a;
	p[1] = (uint8_t)((a >> 8) | (b & 0x0f) << 4);
	p[2] = (uint8_t)(b >> 4);
}

static inline void swp_put16(uint8_t *p, int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)((unsigned)v >> 8);
}

/* The flash at addr, size bytes into p; false: an address the pad does
 * not know (it does not answer). */
static inline bool swp_spi(enum swp_mode mode, uint32_t addr, uint8_t size, uint8_t *p)
{
	memset(p, 0xff, size);
	switch (addr) {
	case 0x8010: /* user magic, left stick */
		if (mode != SWP_BAD_MAGIC)
			p[0] = 0xb2, p[1] = 0xa1;
		return true;
	case 0x801b: /* user magic, right stick: none */
	case 0x8026: /* user magic, IMU: none */
		return true;
	case 0x8012: /* user left stick: above, centre, below (x, y) */
		swp_put12(p + 0, 1500, 1600);
		swp_put12(p + 3, 2048, 2000);
		swp_put12(p + 6, 1400, 1300);
		return true;
	case 0x603d: /* factory left stick: read only after a bad magic */
		memset(p, 0, size);
		return true;
	case 0x6046: /* factory right stick: centre, below, above */
		swp_put12(p + 0, 1900, 2100);
		swp_put12(p + 3, 1200, 1250);
		swp_put12(p + 6, 1700, 1650);
		if (mode == SWP_BAD_MAGIC)
			memset(p, 0, size);
		return true;
	case 0x6020: /* factory IMU: accel offset, scale, gyro offset, scale */
		for (int i = 0; i < 3; i++) {
			swp_put16(p + 2 * i, 100);
			swp_put16(p + 6 + 2 * i, 16384);
			swp_put16(p + 12 + 2 * i, 10);
			swp_put16(p + 18 + 2 * i, 13371);
		}
		return true;
	}
	return false;
}

/*
 * The pad's answer to output report d (n bytes), type being the device
 * info's controller type (1 left Joy-Con, 2 right, 3 Pro): true with the
 * input report in r (SWP_REPORT_SIZE bytes of room) and its size in
 * *ret_len; false when the pad says nothing.
 */
static inline bool swp_answer(enum swp_mode mode, uint8_t type, const uint8_t *d, size_t n,
                              uint8_t *r, size_t *ret_len)
{
	size_t len = SWP_REPORT_SIZE;

	memset(r, 0, SWP_REPORT_SIZE);
	if (mode == SWP_SILENT || n < 2)
		return false;
	if (d[0] == 0x80) {
		if (mode == SWP_NO_USB || d[1] == 0x04)
			return false;
		r[0] = 0x81;
		r[1] = d[1];
		*ret_len = len;
		return true;
	}
	if (d[0] != 0x01 || n < 11)
		return false;
	r[0] = 0x21;
	r[2] = 0x8e; /* battery full, charging, connection bits */
	swp_put12(r + 6, 2048, 2000);
	swp_put12(r + 9, 1900, 2100);
	r[13] = 0x80; /* ACK */
	r[14] = d[10];
	if (d[10] == 0x02) { /* device info: firmware, type, 02, MAC */
		r[15] = 0x04;
		r[16] = 0x33;
		r[17] = type;
		r[18] = 0x02;
		memcpy(r + 19, "\x11\x22\x33\x44\x55\x66", 6);
		if (mode == SWP_SHORT_INFO)
			len = 20;
	} else if (d[10] == 0x10 && n >= 16) { /* SPI read: address, size, data */
		uint32_t addr = d[11] | d[12] << 8 | (uint32_t)d[13] << 16 | (uint32_t)d[14] << 24;

		if (mode == SWP_NO_SPI || d[15] > SWP_REPORT_SIZE - 20)
			return false;
		r[13] = 0x90;
		memcpy(r + 15, d + 11, 5);
		if (!swp_spi(mode, addr, d[15], r + 20))
			return false;
	}
	*ret_len = len;
	return true;
}
