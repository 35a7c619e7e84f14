/* SPDX-License-Identifier: MIT */
/* The CLI's commands, one file each (cmd-*.c); each returns an exit status
 * (0, 1, 2 for usage). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

int hm_cmd_list(void);
int hm_cmd_describe(const char *path_or_file, const char *forced_module);
int hm_cmd_record(const char *path);
/* show_module (diagnostic): says on stderr which module took the device,
 * then stops before the reports.  features_file (NULL: none): the device's
 * answers to GET_REPORT Feature (replay-features.h); output reports and
 * SET_REPORTs are then accepted and dropped. */
int hm_cmd_replay(const char *file, const char *config_file, const char *forced_module,
                  const char *features_file, bool uinput, bool show_module);
/* Diagnostic: for each recording, the module the daemon's selection policy
 * picks under config_file (NULL: none), after probing, and its chain. */
int hm_cmd_select(char *const *files, size_t nfiles, const char *config_file);
int hm_cmd_check(char *const *files, size_t nfiles);
/* A starter [layout] for a recording or a hidraw node, on stdout (cmd-layout.c). */
int hm_cmd_layout(const char *path);
/* status, reload or monitor, over the running daemon's control socket (cmd-control.c). */
int hm_cmd_control(const char *request);
/* focus APP_ID [TITLE] to the running daemon (cmd-focus.c). */
int hm_cmd_focus(const char *const *args, size_t nargs);
/* The client side of the control socket (cmd-control.c): connects, or
 * returns -errno with a one-line reason in why ("hidmapd is not running ..."). */
int hm_control_connect(int *ret_fd, char *why, size_t size);
/* Asks for "status": 0 and its first line in first, or -errno and why
 * (-ETIMEDOUT: no answer within timeout_s). */
int hm_control_probe(int timeout_s, char *first, size_t size, char *why, size_t whysize);
/* Local udev rules for the devices files (or the search path) select (cmd-udev-rules.c). */
int hm_cmd_udev_rules(char *const *files, size_t nfiles);
/* Checks uinput, the devices, the service and the config (cmd-doctor.c). */
int hm_cmd_doctor(char *const *files, size_t nfiles);
