/* SPDX-License-Identifier: MIT */
/*
 * A chain of modules: the ones the device core probes for a device, in
 * order, a probe returning -ENODEV passing the device on to the next (as
 * the kernel's hid-core does with a driver that declines).  The core takes
 * the chain it is given (hm_device_new()); which modules go into it is the
 * selection policy's decision (module-select.h), a layer above.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "module.h"

#define HM_MODULE_CHAIN_MAX 8

struct hm_module_chain {
	const struct hm_module *modules[HM_MODULE_CHAIN_MAX];
	/* whether modules[i] came by its id table (the core then matches the
	 * table again with the full device info, for predicates and driver_data)
	 * rather than by the user's module = / layout = */
	bool by_id[HM_MODULE_CHAIN_MAX];
	size_t n;
};

/* The first module of a chain: the one that drives the device unless its
 * probe declines. */
static inline const struct hm_module *hm_module_chain_first(const struct hm_module_chain *chain)
{
	return chain->modules[0];
}

/* Same modules, same order, same origin. */
bool hm_module_chain_equal(const struct hm_module_chain *a, const struct hm_module_chain *b);

/* A chain of one module, as the user forces it (--module). */
void hm_module_chain_single(struct hm_module_chain *chain, const struct hm_module *m);
