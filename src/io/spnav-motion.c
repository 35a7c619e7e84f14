/* SPDX-License-Identifier: MIT */
/* spacenavd's processing of six-axis values (spnav-motion.h). */
#include <stdint.h>
#include <stdlib.h>

#include "spnav-motion.h"

void hm_spnav_settings_default(struct hm_spnav_settings *s)
{
	s->sensitivity = 1.0f;
	s->swap_yz = false;
	for (unsigned i = 0; i < HM_SPNAV_AXES; i++) {
		s->axis_sens[i] = 1.0f;
		s->deadzone[i] = 2;
		s->invert[i] = false;
		s->axis_map[i] = (int)i;
	}
}

/* (int32_t)v as C truncates, but defined for any v: a client may set a
 * sensitivity of 1e30 (spacenavd's own conversion is undefined there) */
static int32_t to_i32(float v)
{
	if (!(v == v))
		return 0;
	if (v >= 2147483520.0f)
		return INT32_MAX;
	if (v <= -2147483648.0f)
		return INT32_MIN;
	return (int32_t)v;
}

/* Y and Z of translation and of rotation trade places. */
static const unsigned swap_yz_axis[HM_SPNAV_AXES] = {0, 2, 1, 3, 5, 4};

int hm_spnav_normalise(const struct hm_spnav_device_axes *d, unsigned i, int value,
                       unsigned *ret_axis)
{
	long range = (long)d->max - d->min;
	long v = value;

	if (range > 0)
		v = (v - d->min) * 1000 / range - 500;
	*ret_axis = i;
	if (d->swap_inv_yz) {
		*ret_axis = swap_yz_axis[i];
		if (*ret_axis != 0 && *ret_axis != 3)
			v = -v;
	}
	return (int)v;
}

bool hm_spnav_apply(const struct hm_spnav_settings *s, unsigned axis, int value,
                    int32_t state[HM_SPNAV_AXES])
{
	int out;
	float v;

	if (axis >= HM_SPNAV_AXES)
		return false;
	if (abs(value) < s->deadzone[axis])
		value = 0;
	out = s->axis_map[axis];
	if (out < 0 || out >= HM_SPNAV_AXES)
		return false;
	if (s->swap_yz)
		out = (int)swap_yz_axis[out];
	/* in float, as spacenavd computes it */
	v = (float)value * s->sensitivity * s->axis_sens[out];
	state[out] = to_i32(s->invert[out] ? -v : v);
	return true;
}

int32_t hm_spnav_client_scale(int32_t v, float client_sens)
{
	return to_i32((float)v * client_sens);
}
