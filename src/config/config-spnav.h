/* SPDX-License-Identifier: MIT */
/*
 * The spnav settings of a [device] section (the keys spnav-*): what the
 * spnav server does to a six-axis device's values (spnav-motion.h), and
 * whether hidmapd takes the device while spacenavd runs.
 *
 *   spnav-sensitivity = 1.5                  overall, a positive number
 *   spnav-sensitivity-axes = 1 1 1 1 1 1     tx ty tz rx ry rz
 *   spnav-deadzone = 2                       one for all, or six numbers
 *   spnav-invert = ty rz                     axes to invert (or "none")
 *   spnav-swap-yz = true
 *   spnav-axis-map = tx ty tz rx ry rz       where each device axis goes
 *                                            ("none": dropped)
 *   spnav-spacenavd = yield | take           when spacenavd runs: leave
 *                                            the device to it (default)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "spnav-motion.h"

enum {
	HM_CONFIG_SPNAV_SENS = 1 << 0,
	HM_CONFIG_SPNAV_SENS_AXES = 1 << 1,
	HM_CONFIG_SPNAV_DEADZONE = 1 << 2,
	HM_CONFIG_SPNAV_INVERT = 1 << 3,
	HM_CONFIG_SPNAV_SWAP_YZ = 1 << 4,
	HM_CONFIG_SPNAV_AXIS_MAP = 1 << 5,
	HM_CONFIG_SPNAV_SPACENAVD = 1 << 6,
};

struct hm_config_spnav {
	unsigned set; /* HM_CONFIG_SPNAV_*: the keys given */
	struct hm_spnav_settings settings;
	bool take_from_spacenavd;
};

/* Parses key (one of the spnav-* keys) into s.  Returns 0, -ENOENT for a
 * key it does not know, -EEXIST for one given twice, -EINVAL for a bad
 * value; err says why. */
int hm_config_spnav_parse(struct hm_config_spnav *s, const char *key, const char *value, char *err,
                          size_t errsize);

/* The settings for a device: spacenavd's defaults overlaid with what s
 * sets (s may be NULL). */
void hm_config_spnav_settings(const struct hm_config_spnav *s, struct hm_spnav_settings *ret);
