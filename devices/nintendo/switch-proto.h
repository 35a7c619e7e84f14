/* SPDX-License-Identifier: MIT */
/*
 * The Nintendo Switch controllers' protocol, as hid-nintendo reads it:
 * report layout, calibration parsing and scaling, the rumble encoding.
 * Pure functions on bytes, no device: the module (switch.c), its tests
 * and its benchmark share them.
 *
 * Facts from drivers/hid/hid-nintendo.c (Linux 6.1 and 6.12): struct
 * joycon_input_report, joycon_read_stick_calibration(),
 * joycon_map_stick_val(), joycon_request_imu_calibration(),
 * joycon_parse_imu_report(), joycon_encode_rumble() and its tables
 * (themselves from dekuNukem/Nintendo_Switch_Reverse_Engineering,
 * rumble_data_table.md).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NSW_VENDOR          0x057e
#define NSW_PRODUCT_JOYCONL 0x2006
#define NSW_PRODUCT_JOYCONR 0x2007
#define NSW_PRODUCT_PROCON  0x2009
#define NSW_PRODUCT_GRIP    0x200e
#define NSW_PRODUCT_SNES    0x2017 /* NSO SNES; the Genesis pad over Bluetooth too */
#define NSW_PRODUCT_N64     0x2019
#define NSW_PRODUCT_GENESIS 0x201e

/* output reports */
#define NSW_OUT_RUMBLE_SUBCMD 0x01
#define NSW_OUT_RUMBLE        0x10
#define NSW_OUT_USB_CMD       0x80
/* input reports */
#define NSW_IN_SUBCMD_REPLY 0x21
#define NSW_IN_FULL         0x30
#define NSW_IN_MCU          0x31
#define NSW_IN_SIMPLE       0x3f
#define NSW_IN_USB_REPLY    0x81

/* subcommands */
#define NSW_SUBCMD_DEV_INFO     0x02
#define NSW_SUBCMD_REPORT_MODE  0x03
#define NSW_SUBCMD_SPI_READ     0x10
#define NSW_SUBCMD_PLAYER_LEDS  0x30
#define NSW_SUBCMD_HOME_LED     0x38
#define NSW_SUBCMD_ENABLE_IMU   0x40
#define NSW_SUBCMD_ENABLE_RUMBL 0x48

/* USB commands (output 0x80) */
#define NSW_USB_HANDSHAKE  0x02
#define NSW_USB_BAUD_3M    0x03
#define NSW_USB_NO_TIMEOUT 0x04

/* struct joycon_input_report: id, timer, battery/connection, buttons[3],
 * left stick[3], right stick[3], vibrator, then 36 bytes (IMU samples or
 * the subcommand reply: ack, id, data) */
#define NSW_REPORT_SIZE    49
#define NSW_OFF_BATTERY    2
#define NSW_OFF_BUTTONS    3
#define NSW_OFF_LSTICK     6
#define NSW_OFF_RSTICK     9
#define NSW_OFF_VIBRATOR   12
#define NSW_OFF_IMU        13
#define NSW_OFF_REPLY_ACK  13
#define NSW_OFF_REPLY_ID   14
#define NSW_OFF_REPLY_DATA 15
/* an SPI read's reply: address (u32) and size, then the bytes */
#define NSW_OFF_SPI_DATA (NSW_OFF_REPLY_DATA + 5)

/* the 24-bit button word (hid-nintendo's JC_BTN_*) */
#define NSW_BTN_Y      (1u << 0)
#define NSW_BTN_X      (1u << 1)
#define NSW_BTN_B      (1u << 2)
#define NSW_BTN_A      (1u << 3)
#define NSW_BTN_SR_R   (1u << 4)
#define NSW_BTN_SL_R   (1u << 5)
#define NSW_BTN_R      (1u << 6)
#define NSW_BTN_ZR     (1u << 7)
#define NSW_BTN_MINUS  (1u << 8)
#define NSW_BTN_PLUS   (1u << 9)
#define NSW_BTN_RSTICK (1u << 10)
#define NSW_BTN_LSTICK (1u << 11)
#define NSW_BTN_HOME   (1u << 12)
#define NSW_BTN_CAP    (1u << 13)
#define NSW_BTN_DOWN   (1u << 16)
#define NSW_BTN_UP     (1u << 17)
#define NSW_BTN_RIGHT  (1u << 18)
#define NSW_BTN_LEFT   (1u << 19)
#define NSW_BTN_SR_L   (1u << 20)
#define NSW_BTN_SL_L   (1u << 21)
#define NSW_BTN_L      (1u << 22)
#define NSW_BTN_ZL     (1u << 23)

/* SPI flash addresses and sizes */
#define NSW_SPI_USER_MAGIC_LEFT  0x8010
#define NSW_SPI_USER_LEFT        0x8012
#define NSW_SPI_USER_MAGIC_RIGHT 0x801b
#define NSW_SPI_USER_RIGHT       0x801d
#define NSW_SPI_FACTORY_LEFT     0x603d
#define NSW_SPI_FACTORY_RIGHT    0x6046
#define NSW_SPI_IMU_FACTORY      0x6020
#define NSW_SPI_IMU_USER_MAGIC   0x8026
#define NSW_SPI_IMU_USER         0x8028
#define NSW_SPI_MAGIC_SIZE       2
#define NSW_SPI_STICK_SIZE       9
#define NSW_SPI_IMU_SIZE         24
#define NSW_USER_MAGIC_0         0xb2
#define NSW_USER_MAGIC_1         0xa1

/* evdev ranges (JC_*) */
#define NSW_STICK_MAX     32767
#define NSW_STICK_FUZZ    250
#define NSW_STICK_FLAT    500
#define NSW_ACCEL_MAX     32767
#define NSW_ACCEL_RES     4096
#define NSW_ACCEL_FUZZ    10
#define NSW_GYRO_MAX      32767000
#define NSW_GYRO_RES      14247
#define NSW_GYRO_FUZZ     10
#define NSW_GYRO_PREC     1000
#define NSW_IMU_AVG_MS    15  /* JC_IMU_DFLT_AVG_DELTA_MS */
#define NSW_IMU_AVG_COUNT 300 /* JC_IMU_SAMPLES_PER_DELTA_AVG */

/* device info's controller type (reply data[2]) */
enum nsw_type {
	NSW_TYPE_NONE = 0,
	NSW_TYPE_JCL = 0x01,
	NSW_TYPE_JCR = 0x02,
	NSW_TYPE_PRO = 0x03,
	/* the Nintendo Switch Online pads (6.12's JOYCON_CTLR_TYPE_*) */
	NSW_TYPE_SNES = 0x0b,
	NSW_TYPE_N64 = 0x0c,
	NSW_TYPE_GEN = 0x0d,
};

struct nsw_stick_cal {
	int32_t max, min, center;
};

struct nsw_imu_cal {
	int16_t accel_offset[3], accel_scale[3];
	int16_t gyro_offset[3], gyro_scale[3];
	int32_t accel_div[3], gyro_div[3]; /* scale - offset, never 0 */
};

static inline uint16_t nsw_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* the 24-bit button word of a report (bytes 3..5) */
static inline uint32_t nsw_buttons(const uint8_t *report)
{
	return (uint32_t)report[3] | (uint32_t)report[4] << 8 | (uint32_t)report[5] << 16;
}

/* a stick's 12-bit x and y from its three bytes */
static inline void nsw_stick_raw(const uint8_t *p, int *x, int *y)
{
	*x = p[0] | (p[1] & 0x0f) << 8;
	*y = p[1] >> 4 | p[2] << 4;
}

/* joycon_use_default_calibration(): 500/2000/3500 */
void nsw_stick_cal_default(struct nsw_stick_cal *x, struct nsw_stick_cal *y);
/* Parses 9 bytes of stick calibration (the left stick's order when left);
 * false when implausible (min < centre < max fails), *x and *y untouched. */
bool nsw_stick_cal_parse(const uint8_t raw[NSW_SPI_STICK_SIZE], bool left, struct nsw_stick_cal *x,
                         struct nsw_stick_cal *y);
/* joycon_map_stick_val() */
int nsw_stick_map(const struct nsw_stick_cal *cal, int raw);

/* the kernel's default IMU calibration (accel scale 16384, gyro 13371) */
void nsw_imu_cal_default(struct nsw_imu_cal *cal);
/* 24 bytes of IMU calibration; the divisors as joycon_calc_imu_cal_divisors(),
 * returns how many were 0 (made 1) */
int nsw_imu_cal_parse(const uint8_t raw[NSW_SPI_IMU_SIZE], struct nsw_imu_cal *cal);
/* One 12-byte sample scaled as joycon_parse_imu_report(): out[0..2] gyro
 * x, y, z (ABS_RX..RZ), out[3..5] accel x, y, z (ABS_X..Z), Y and Z
 * negated for a right Joy-Con. */
void nsw_imu_scale(const struct nsw_imu_cal *cal, const uint8_t sample[12], bool negate_yz,
                   int out[6]);

/* hid-nintendo's battery level (bits 5-7 of byte 2) in percent, -1: invalid */
int nsw_battery_percent(uint8_t bat_con);

/* joycon_encode_rumble(): 4 bytes for one side */
void nsw_rumble_encode(uint8_t out[4], uint16_t freq_low, uint16_t freq_high, uint16_t amp);
/* joycon_set_rumble() with the default frequencies (160 Hz, 320 Hz): the
 * 8 rumble bytes for strong (left side) and weak (right side) magnitudes */
void nsw_rumble_data(uint8_t out[8], uint16_t strong, uint16_t weak);
