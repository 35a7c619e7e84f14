/* SPDX-License-Identifier: MIT */
/*
 * A motion-sensor output, as the kernel's hid-playstation makes one
 * (drivers/hid/hid-playstation.c, ps_sensors_create()): a node named
 * "<HID name> <suffix>" with INPUT_PROP_ACCELEROMETER, the accelerometer
 * on ABS_X/Y/Z and the gyroscope on ABS_RX/RY/RZ, each ±range with fuzz 16,
 * flat 0 and the resolution the driver gives (units per g, units per °/s),
 * and EV_MSC/MSC_TIMESTAMP: a sample's time in µs, accumulated from the
 * device's wrapping sensor counter (dualsense_parse_report(),
 * dualshock4_parse_report()).  Values are emitted as given, unclamped and
 * unfiltered by the helper: the input core (vdev.c, or the kernel behind
 * uinput) applies the fuzz, as it does for the kernel's node.
 *
 * struct hm_motion holds no pointers to allocated memory: keep it in the
 * module's priv.  Nothing here allocates.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct hm_device;

/* hid-playstation.c: DS_ACC_RES_PER_G, DS_ACC_RANGE (4 g),
 * DS_GYRO_RES_PER_DEG_S, DS_GYRO_RANGE (2048 °/s); the DualShock 4's
 * DS4_* are the same numbers. */
#define HM_MOTION_PS_ACC_RES_PER_G      8192
#define HM_MOTION_PS_ACC_RANGE          (4 * HM_MOTION_PS_ACC_RES_PER_G)
#define HM_MOTION_PS_GYRO_RES_PER_DEG_S 1024
#define HM_MOTION_PS_GYRO_RANGE         (2048 * HM_MOTION_PS_GYRO_RES_PER_DEG_S)
/* ps_sensors_create(): the fuzz of every axis */
#define HM_MOTION_FUZZ 16

struct hm_motion_params {
	const char *suffix; /* "Motion Sensors" */
	int accel_range, accel_res;
	int gyro_range, gyro_res;
	/* The sensor counter: counter_bits wide (16 or 32), wrapping, one
	 * tick being tick_num/tick_den µs: DualSense 32 bits of 1/3 µs,
	 * DualShock 4 16 bits of 16/3 µs. */
	unsigned counter_bits;
	uint32_t tick_num, tick_den;
};

struct hm_motion {
	struct hm_device *dev;
	int output;
	struct hm_motion_params params;
	bool timestamp_initialized;
	uint32_t prev_counter;
	uint32_t timestamp_us; /* the kernel's sensor_timestamp_us: u32, wraps */
};

/*
 * From probe: adds the output "<dev->info.name> <suffix>" with the
 * capabilities above.  Returns the output's index (also in m->output), or
 * a negative errno: -EINVAL for bad parameters (no suffix, a range or
 * resolution <= 0, counter_bits not 16 or 32, a zero tick), or
 * hm_device_add_output()'s.
 */
int hm_motion_add_output(struct hm_motion *m, struct hm_device *dev,
                         const struct hm_motion_params *params);

/*
 * The sample's time in µs from the device's counter, as the kernel
 * accumulates it: the first sample gives counter*tick rounded to the
 * closest µs, every next one adds the counter's advance modulo
 * 2^counter_bits, rounded likewise; the sum wraps at 2^32.
 */
uint32_t hm_motion_timestamp(struct hm_motion *m, uint32_t counter);

/*
 * Emits one sample, calibrated already, in hid-playstation's order: gyro
 * ABS_RX/RY/RZ, accelerometer ABS_X/Y/Z, then MSC_TIMESTAMP of
 * hm_motion_timestamp(counter).  The core ends the frame after decode.
 */
void hm_motion_report(struct hm_motion *m, const int accel[3], const int gyro[3], uint32_t counter);
