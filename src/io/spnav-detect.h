/* SPDX-License-Identifier: MIT */
/* Whether spacenavd runs (for coexistence: the daemon leaves it the
 * devices, `hidmapd doctor` says who has them). */
#pragma once

/* spacenavd's pid (a process whose name is spacenavd, any user), 0 when
 * none runs. */
int hm_spacenavd_pid(void);
