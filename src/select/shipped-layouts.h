/* SPDX-License-Identifier: MIT */
/*
 * Shipped layouts (HIDMAPD_DATADIR/layouts, the source tree's devices/layouts
 * for the build tree's hidmapd, or $HIDMAPD_LAYOUT_DIR): loaded on first use,
 * each with its module (devices/layout/layout.h), and again on a reload when
 * the folder changed.  A folder that cannot be read, or holds none, is
 * logged once (a warning naming it) and reported by hm_layout_shipped_state().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "device-info.h"
#include "module.h"

/* Loads them now if they are not yet (every function below does). */
void hm_layout_shipped_ensure(void);
/* Reads the folder again if it changed since (files added, removed,
 * replaced, written), or the last load failed, or $HIDMAPD_LAYOUT_DIR names
 * another: 1 when it loaded them, 0 when nothing changed, -errno when they
 * cannot be loaded (the previous ones, if any, stay in use).  Modules of
 * earlier loads stay valid until exit: devices may still drive with them. */
int hm_layout_shipped_reload(void);
/* The folder of the last load (*ret_dir, NULL before any), and the layouts
 * loaded from it (*ret_n); returns 0, or -errno when they could not be read
 * (-ENOENT: the folder is missing or holds none). */
int hm_layout_shipped_state(const char **ret_dir, size_t *ret_n);
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
