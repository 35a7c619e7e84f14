/* SPDX-License-Identifier: MIT */
/*
 * A [device] section's hardware settings (lightbar =, player-leds =,
 * mic-led =) as the module's configure hook takes them: the one
 * translation from what the user wrote to struct hm_device_settings, for
 * the daemon at start and on a reload, and for replay.
 */
#pragma once

#include "config.h"
#include "module.h"

/* The settings of cfg (NULL: a device no section selects: none set). */
void hm_device_settings_from_config(const struct hm_config_device *cfg,
                                    struct hm_device_settings *ret);
