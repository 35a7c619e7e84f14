/* SPDX-License-Identifier: MIT */
/*
 * Matching a device against a module's id_table, as the kernel's
 * hid_match_device(): the selection policy asks it before the descriptor
 * is read, the device core again, strictly, once it is.
 */
#include "module.h"

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
