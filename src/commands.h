/* SPDX-License-Identifier: MIT */
/* The CLI's one-shot subcommands; each returns an exit status (0, 1, 2 for usage). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

int hm_cmd_list(void);
int hm_cmd_describe(const char *path_or_file, const char *forced_module);
int hm_cmd_record(const char *path);
int hm_cmd_replay(const char *file, const char *config_file, const char *forced_module,
                  bool uinput);
int hm_cmd_check(char *const *files, size_t nfiles);
/* status, reload or monitor, over the running daemon's control socket (cmd-control.c). */
int hm_cmd_control(const char *request);
