/* SPDX-License-Identifier: MIT */
/*
 * What the CLI's commands share (cmd-*.c): loading a device from a hidraw
 * node or a recording, picking its module as the daemon would, and printing
 * config diagnostics.  Private to cmd-*.c; main() sees only commands.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "device-info.h"
#include "hid-recording.h"
#include "module-select.h"
#include "module.h"

/* The config loaders' diagnostic callback: "file:line: message" on stderr.
 * userdata (may be NULL): an unsigned that counts them. */
void cli_diag_print(void *userdata, const char *file, unsigned line, const char *message);

bool cli_is_hidraw_path(const char *arg);

/* The device info a recording gives, as enumeration would fill it for the
 * device: ids, name, file name as path, kinds and usage from its descriptor. */
void cli_info_from_recording(const struct hm_recording *rec, struct hm_device_info *info);

/*
 * Device info and report descriptor from a hidraw node ("/dev/...") or a
 * recording.  rdesc holds HID_RDESC_MAX_SIZE bytes.  *ret_rec: the
 * recording, with its reports (NULL for a hidraw node).  Returns 0, or a
 * negative errno after logging why.
 */
int cli_load_source(const char *arg, struct hm_device_info *info, uint8_t *rdesc,
                    size_t *rdesc_size, struct hm_recording **ret_rec);

/*
 * The modules to probe for a device, as the daemon picks them
 * (hm_module_select()), or the one the user forces with --module.  Returns
 * whether the daemon would drive it, or -ENOENT for an unknown module.
 */
int cli_chain_for(const struct hm_config *config, const struct hm_device_info *info,
                  const char *forced, struct hm_module_chain *ret_chain,
                  const struct hm_config_device **ret_cfg);

/* Says that --module named no module, and lists them; returns 2 (usage). */
int cli_unknown_module(const char *name);

/*
 * Which module takes the device: probes along chain as hm_device_new()
 * does for the daemon, on a sink that prints nowhere.  NULL: none does.
 */
const struct hm_module *cli_probed_module(const struct hm_device_info *info, const uint8_t *rdesc,
                                          size_t rdesc_size, const struct hm_module_chain *chain);
