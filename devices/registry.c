/* SPDX-License-Identifier: MIT */
/*
 * The module registry: an explicit list, tried in order; the generic
 * module is last and claims nothing by itself (it only drives devices that
 * the config selects).
 */
#include <stddef.h>

#include "config-layout.h"
#include "module.h"
#include "util-strings.h"

extern const struct hm_module hm_module_shuttlexpress;
extern const struct hm_module hm_module_layout;

/* The shipped layouts (devices/layouts/, *.ini) come after these modules,
 * before generic: hm_module_match() asks them. */
const struct hm_module *const hm_modules[] = {
    &hm_module_shuttlexpress,
    &hm_module_layout,
    &hm_module_generic,
    NULL,
};

bool hm_module_claims(const struct hm_module *module, const struct hm_device_info *info)
{
	if (!module->id_table)
		return false;
	for (const struct hm_device_id *id = module->id_table; id->vendor || id->product; id++) {
		if (id->bus != HM_BUS_ANY && id->bus != info->bus)
			continue;
		if (id->vendor == info->vendor && id->product == info->product)
			return true;
	}
	return false;
}

const struct hm_module *hm_module_match(const struct hm_device_info *info)
{
	for (size_t i = 0; hm_modules[i]; i++)
		if (hm_module_claims(hm_modules[i], info))
			return hm_modules[i];
	return hm_layout_match_shipped(info);
}

const struct hm_module *hm_module_find(const char *name)
{
	for (size_t i = 0; hm_modules[i]; i++)
		if (streq(hm_modules[i]->name, name))
			return hm_modules[i];
	return NULL;
}
