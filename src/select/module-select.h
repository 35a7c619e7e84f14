/* SPDX-License-Identifier: MIT */
/*
 * Module selection: the one policy that says which modules may drive a
 * device, used by the daemon (run), list, replay, describe, doctor and
 * udev-rules alike.
 *
 * The configuration says what the user wants (a [device] section's
 * module = or layout =, enabled = no); it never picks modules.  This file
 * turns that wish and the device's identity into a chain of modules, in
 * the order the device core probes them (hm_device_new()):
 *
 *   1. the module (or layout) the selecting [device] section names;
 *   2. the layouts of the configuration whose match ids list the device;
 *   3. the registry's modules whose id_table lists it, in registry order;
 *   4. the shipped layouts whose match ids list it;
 *   5. the generic module, last.
 *
 * A probe that returns -ENODEV passes the device on to the next module of
 * the chain, as the kernel's hid-core does with a driver that declines.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "module-chain.h"
#include "module.h"

/*
 * Whether hidmapd drives the device: a [device] section selects it (and
 * does not say enabled = no), or a module claims it by its ids; never a
 * device nobody asked for.  *ret_chain is filled either way (for a device
 * that is not driven: what would drive it), never empty: generic is last.
 * *ret_cfg is the selecting section or NULL.  c may be NULL (no config).
 */
bool hm_module_select(const struct hm_config *c, const struct hm_device_info *info,
                      struct hm_module_chain *ret_chain, const struct hm_config_device **ret_cfg);

/* m, or for the registry's "layout" (module = layout, --module layout)
 * the shipped layout that matches info when there is one. */
const struct hm_module *hm_module_resolve(const struct hm_module *m,
                                          const struct hm_device_info *info);

/* m's name, and for a layout's module its layout: "layout:xkeys-xk24". */
const char *hm_module_display_name(const struct hm_module *m, char *buf, size_t size);

/* Checks the modules a configuration names (module =, match-module =)
 * against the registry: the configuration only records the wish.  Every
 * problem goes to diag as file:line; returns the number of errors. */
unsigned hm_module_select_validate(const struct hm_config *c, hm_config_diag_fn diag,
                                   void *userdata);

/* hm_config_load() / hm_config_load_given() with the shipped layouts
 * known (layout = may name one), each layout of the configuration given its
 * module (devices/layout/layout.h), then hm_module_select_validate(): -EINVAL (and
 * *ret untouched) when a module is unknown, so a configuration that drives
 * devices is rejected whole.  Every configuration that drives devices is
 * loaded through these. */
int hm_module_select_load(const char *const *paths, size_t npaths, hm_config_diag_fn diag,
                          void *userdata, struct hm_config **ret);
int hm_module_select_load_given(const char *const *given, size_t ngiven, hm_config_diag_fn diag,
                                void *userdata, struct hm_config **ret);
