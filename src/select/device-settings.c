/* SPDX-License-Identifier: MIT */
/* A [device] section's hardware settings, as modules take them. */
#include <string.h>

#include "device-settings.h"

void hm_device_settings_from_config(const struct hm_config_device *cfg,
                                    struct hm_device_settings *ret)
{
	const struct hm_config_hardware none = HM_CONFIG_HARDWARE_INIT;
	const struct hm_config_hardware *hw = cfg ? &cfg->hardware : &none;

	*ret = (struct hm_device_settings)HM_DEVICE_SETTINGS_INIT;
	ret->lightbar_set = hw->lightbar_set;
	memcpy(ret->lightbar, hw->lightbar, sizeof(ret->lightbar));
	ret->player_leds = hw->player_leds;
	ret->mic_led = hw->mic_led;
	ret->haptic_click = hw->haptic_click;
	ret->spnav_led = hw->spnav_led;
	ret->joycon_pair = hw->joycon_pair;
}
