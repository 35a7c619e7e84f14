/* SPDX-License-Identifier: MIT */
/*
 * The module registry: an explicit list, tried in order; the generic
 * module is last and claims nothing by itself (it only drives devices that
 * the config selects).
 */
#include <stddef.h>

#include "layout.h"
#include "module.h"
#include "util-strings.h"

extern const struct hm_module hm_module_shuttlexpress;
extern const struct hm_module hm_module_rumble_test;
extern const struct hm_module hm_module_3dconnexion_6d;
extern const struct hm_module hm_module_dualsense;
extern const struct hm_module hm_module_dualshock4;
extern const struct hm_module hm_module_steam;
extern const struct hm_module hm_module_switch;

/* The shipped layouts (devices/layouts/, *.ini) come after these modules,
 * before generic (module-select.c puts them there). */
const struct hm_module *const hm_modules[] = {
    &hm_module_shuttlexpress,  &hm_module_layout,
    &hm_module_dualsense,      &hm_module_dualshock4,
    &hm_module_steam,                                  /* Valve: 28de:1102, 1142, 1205 */
    &hm_module_switch,                                 /* devices/nintendo/ */
    &hm_module_3dconnexion_6d, &hm_module_rumble_test, /* claims nothing: only by config */
    &hm_module_generic,        NULL,
};

const struct hm_module *hm_module_find(const char *name)
{
	for (size_t i = 0; hm_modules[i]; i++)
		if (streq(hm_modules[i]->name, name))
			return hm_modules[i];
	return NULL;
}
