/* SPDX-License-Identifier: MIT */
/*
 * What spacenavd does to a six-axis device's values before a client sees
 * them (FreeSpacenav/spacenavd 1.1: dev_usb_linux.c map_range(), dev.c
 * read_device(), event.c process_input() and map_axis(), proto_unix.c
 * send_uevent()), so that hidmapd's spnav server gives a libspnav client
 * the numbers spacenavd would:
 *
 *  1. the device's value is scaled to -500..500 with integer arithmetic:
 *     (v - min) * 1000 / (max - min) - 500;
 *  2. devices with swap_inv_yz get axes 1 and 2 (and 4 and 5) swapped and
 *     the swapped ones negated;
 *  3. a value whose magnitude is under the axis' dead zone is 0;
 *  4. the axis goes where the axis map sends it (-1: dropped), then the
 *     swap-yz setting swaps Y and Z (and RY and RZ);
 *  5. the value is multiplied, in float, by the overall sensitivity and
 *     the axis' own, truncated to int, and negated when that axis is
 *     inverted;
 *  6. on the way to each client it is multiplied by the client's own
 *     sensitivity, in float, and truncated.
 * A frame in which some axis changed is sent with every axis' last value.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HM_SPNAV_AXES 6

struct hm_spnav_settings {
	float sensitivity;
	float axis_sens[HM_SPNAV_AXES]; /* tx ty tz rx ry rz */
	int deadzone[HM_SPNAV_AXES];    /* by device axis (after step 2) */
	bool invert[HM_SPNAV_AXES];     /* by output axis */
	bool swap_yz;
	int axis_map[HM_SPNAV_AXES]; /* device axis -> output axis, -1: none */
};

/* spacenavd's defaults (cfgfile.c default_cfg()): sensitivities 1, dead
 * zone 2, no inversion, no swap, the identity map. */
void hm_spnav_settings_default(struct hm_spnav_settings *s);

/* What one device's value does before the settings (steps 1-2). */
struct hm_spnav_device_axes {
	int min, max;
	bool swap_inv_yz;
};

/* Steps 1 and 2 for device axis i: the index (*ret_axis) and value that
 * spacenavd's RAWAXIS event and the settings see. */
int hm_spnav_normalise(const struct hm_spnav_device_axes *d, unsigned i, int value,
                       unsigned *ret_axis);

/* Steps 3-5: folds normalised axis `axis` of value into state (the
 * frame's axes, kept between frames).  Returns false when the map drops
 * the axis. */
bool hm_spnav_apply(const struct hm_spnav_settings *s, unsigned axis, int value,
                    int32_t state[HM_SPNAV_AXES]);

/* Step 6. */
int32_t hm_spnav_client_scale(int32_t v, float client_sens);
