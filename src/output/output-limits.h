/* SPDX-License-Identifier: MIT */
/*
 * How many virtual output devices one driven device may have: the module
 * declares up to HM_MAX_OUTPUTS (hm_device_add_output()), and a mapping may
 * add a keyboard and a pointer of its own.  The module interface, the
 * device core and the remapper size their per-output state by these.
 */
#pragma once

#define HM_MAX_OUTPUTS 8
/* ...plus the extra outputs a mapping may add (keyboard, pointer) */
#define HM_MAX_ALL_OUTPUTS (HM_MAX_OUTPUTS + 2)
