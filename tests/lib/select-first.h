/* SPDX-License-Identifier: MIT */
/*
 * The module the selection policy asks first (module-select.h), for tests
 * and benchmarks that make one device the way the daemon would.
 */
#pragma once

#include <stdbool.h>

#include "module-select.h"

static inline bool select_first(const struct hm_config *c, const struct hm_device_info *info,
                                const struct hm_module **ret_module,
                                const struct hm_config_device **ret_cfg)
{
	struct hm_module_chain chain;
	bool driven = hm_module_select(c, info, &chain, ret_cfg);

	*ret_module = hm_module_chain_first(&chain);
	return driven;
}
