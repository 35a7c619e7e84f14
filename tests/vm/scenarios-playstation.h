/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the vendor-module VM scenarios (scenarios-playstation.c,
 * shared with scenarios-switch.c): the daemon's outputs of a hidraw
 * device, reading them in step with a replay-format text.
 */
#pragma once

#include <stddef.h>

#include "ps-oracle-uhid.h"
#include "vm-harness.h"

/* The block of report k in a replay text (after "R: k\n", up to the next
 * "R: " or the end), or "" */
const char *block_of(const char *text, size_t k, size_t *ret_len);
/* How many frames (SYN_REPORTs) of output dev a block holds. */
unsigned count_frames(const char *block, size_t len, unsigned dev);
int write_text(const char *path, const char *text);
/* Runs a shell command, its output in the log; its exit status. */
int run_shell(const char *cmd);
/* Reads the outputs until each has delivered want[i] frames, or for
 * EVENT_TIMEOUT_MS. */
void collect(struct vm_output *o, size_t n, const unsigned *want);
/* The daemon's uinput event nodes of hidraw ("hidmapd/<hidraw>/inputK"),
 * sorted by K. */
size_t find_outputs(const char *hidraw, struct vm_output *o, size_t max);
/* A model's pad: the uhid device of recording rec (features: its
 * GET_REPORT answers, or NULL), bound by hid-generic as run-vm.sh's
 * ignore_special_drivers=1 has it, into *ret; -1 after vm_fail(). */
int model_uhid_new(const char *model, const char *rec, const char *features, struct ps_uhid **ret);
/* The daemon's outputs for u, reports in, captured in the replay format
 * into *ret (malloc'ed), reading as many frames per report as the
 * replay-format text expected has. */
int capture_daemon(struct ps_uhid *u, struct vm_output *o, size_t n, const char *expected,
                   char **ret);
