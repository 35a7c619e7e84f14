/* SPDX-License-Identifier: MIT */
/* Motion-sensor outputs as hid-playstation makes them (input-motion.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/input.h>
#include <libevdev/libevdev.h>

#include "input-motion.h"
#include "module.h"

int hm_motion_add_output(struct hm_motion *m, struct hm_device *dev,
                         const struct hm_motion_params *params)
{
	static const unsigned accel[] = {ABS_X, ABS_Y, ABS_Z};
	static const unsigned gyro[] = {ABS_RX, ABS_RY, ABS_RZ};
	const struct hm_motion_params *p = params;
	struct input_absinfo a = {0}, g = {0};
	struct libevdev *caps;
	char name[sizeof(dev->info.name) + 64];
	int r;

	if (!p->suffix || !*p->suffix || p->accel_range <= 0 || p->accel_res <= 0 ||
	    p->gyro_range <= 0 || p->gyro_res <= 0 ||
	    (p->counter_bits != 16 && p->counter_bits != 32) || !p->tick_num || !p->tick_den)
		return -EINVAL;

	/* ps_allocate_input_dev(): "%s %s", hdev->name, name_suffix */
	snprintf(name, sizeof(name), "%s %s", dev->info.name, p->suffix);
	r = hm_device_add_output(dev, name, &caps);
	if (r < 0)
		return r;

	memset(m, 0, sizeof(*m));
	m->dev = dev;
	m->output = r;
	m->params = *p;

	/* ps_sensors_create() */
	libevdev_enable_property(caps, INPUT_PROP_ACCELEROMETER);
	libevdev_enable_event_code(caps, EV_MSC, MSC_TIMESTAMP, NULL);
	a = (struct input_absinfo){.minimum = -p->accel_range,
	                           .maximum = p->accel_range,
	                           .fuzz = HM_MOTION_FUZZ,
	                           .resolution = p->accel_res};
	g = (struct input_absinfo){.minimum = -p->gyro_range,
	                           .maximum = p->gyro_range,
	                           .fuzz = HM_MOTION_FUZZ,
	                           .resolution = p->gyro_res};
	for (size_t i = 0; i < 3; i++)
		libevdev_enable_event_code(caps, EV_ABS, accel[i], &a);
	for (size_t i = 0; i < 3; i++)
		libevdev_enable_event_code(caps, EV_ABS, gyro[i], &g);
	return r;
}

/*
 * DIV_ROUND_CLOSEST(ticks * num, den) in the kernel's types: the
 * DualSense's u32 counter is divided as a u32 (x + 1 wraps at U32_MAX),
 * the DualShock 4's u16 delta * 16 as an int.
 */
static uint32_t ticks_to_us(const struct hm_motion_params *p, uint32_t ticks)
{
	uint64_t x = (uint64_t)ticks * p->tick_num + p->tick_den / 2;

	if (p->counter_bits == 32)
		x = (uint32_t)x;
	return (uint32_t)(x / p->tick_den);
}

uint32_t hm_motion_timestamp(struct hm_motion *m, uint32_t counter)
{
	const struct hm_motion_params *p = &m->params;
	uint32_t mask = p->counter_bits == 32 ? UINT32_MAX : (UINT32_C(1) << p->counter_bits) - 1;

	counter &= mask;
	if (!m->timestamp_initialized) {
		m->timestamp_us = ticks_to_us(p, counter);
		m->timestamp_initialized = true;
	} else {
		/* prev > counter: the counter wrapped; the advance modulo its width */
		uint32_t delta = (counter - m->prev_counter) & mask;

		m->timestamp_us += ticks_to_us(p, delta);
	}
	m->prev_counter = counter;
	return m->timestamp_us;
}

void hm_motion_report(struct hm_motion *m, const int accel[3], const int gyro[3], uint32_t counter)
{
	static const unsigned accel_code[] = {ABS_X, ABS_Y, ABS_Z};
	static const unsigned gyro_code[] = {ABS_RX, ABS_RY, ABS_RZ};
	unsigned out = (unsigned)m->output;

	/* dualsense_parse_report(): gyro, then accelerometer, then the time */
	for (size_t i = 0; i < 3; i++)
		hm_emit(m->dev, out, EV_ABS, gyro_code[i], gyro[i]);
	for (size_t i = 0; i < 3; i++)
		hm_emit(m->dev, out, EV_ABS, accel_code[i], accel[i]);
	hm_emit(m->dev, out, EV_MSC, MSC_TIMESTAMP, (int)hm_motion_timestamp(m, counter));
}
