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
extern const struct hm_module hm_module_spacenavigator;
extern const struct hm_module hm_module_dualsense;
extern const struct hm_module hm_module_dualshock4;

/* The shipped layouts (devices/layouts/, *.ini) come after these modules,
 * before generic (module-select.c puts them there). */
const struct hm_module *const hm_modules[] = {
    &hm_module_shuttlexpress,  &hm_module_layout,
    &hm_module_dualsense,      &hm_module_dualshock4,
    &hm_module_spacenavigator, &hm_module_rumble_test, /* claims nothing: only by config */
    &hm_module_generic,        NULL,
};

static bool predicate_holds(bool known, bool equal, bool strict)
{
	return known ? equal : !strict;
}

const struct hm_device_id *hm_module_match_id(const struct hm_module *module,
                                              const struct hm_device_info *info, bool strict)
{
	if (!module->id_table)
		return NULL;
	for (const struct hm_device_id *id = module->id_table; id->vendor || id->product; id++) {
		if (id->bus != HM_BUS_ANY && id->bus != info->bus)
			continue;
		if (id->vendor != info->vendor || id->product != info->product)
			continue;
		/* nothing tells a recording's interface: an unknown one holds */
		if ((id->match_flags & HM_MATCH_INTERFACE) && info->interface >= 0 &&
		    info->interface != id->interface)
			continue;
		if ((id->match_flags & HM_MATCH_USAGE_PAGE) &&
		    !predicate_holds(info->usage_page != 0, info->usage_page == id->usage_page,
		                     strict))
			continue;
		if ((id->match_flags & HM_MATCH_USAGE) &&
		    !predicate_holds(info->usage_page != 0, info->usage == id->usage, strict))
			continue;
		return id;
	}
	return NULL;
}

bool hm_module_claims(const struct hm_module *module, const struct hm_device_info *info)
{
	return hm_module_match_id(module, info, false) != NULL;
}

const struct hm_module *hm_module_find(const char *name)
{
	for (size_t i = 0; hm_modules[i]; i++)
		if (streq(hm_modules[i]->name, name))
			return hm_modules[i];
	return NULL;
}
