/* SPDX-License-Identifier: MIT */
/*
 * Shipped layouts (HIDMAPD_DATADIR/layouts, or $HIDMAPD_LAYOUT_DIR): loaded
 * once, on first use, each with its module (devices/layout/layout.h).
 */
#pragma once

#include <stdbool.h>

#include "device-info.h"
#include "module.h"

/* Loads them now if they are not yet (every function below does). */
void hm_layout_shipped_ensure(void);
/* The first whose match ids list info (its module), or NULL. */
const struct hm_module *hm_layout_match_shipped(const struct hm_device_info *info);
/* The shipped layout called id (its module), or NULL. */
const struct hm_module *hm_layout_find_shipped(const char *id);
/* Whether there is a shipped layout called id (struct hm_config_loader's
 * layout_shipped). */
bool hm_layout_shipped_exists(const char *id);
/* Every shipped layout's module, NULL-terminated (for the udev rules). */
const struct hm_module *const *hm_layout_shipped_modules(void);
/* Loads the shipped layouts from dir instead (tests, gen-udev-rules);
 * returns 0 or -EINVAL/-errno (problems reported to stderr). */
int hm_layout_load_shipped(const char *dir);
