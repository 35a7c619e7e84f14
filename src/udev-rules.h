/* SPDX-License-Identifier: MIT */
/* udev rules that give the logged-in user (uaccess) the nodes hidmapd needs. */
#pragma once

#include <stdio.h>

/* Rules for /dev/uinput and the hidraw nodes of every device a module claims. */
void hm_udev_rules_write(FILE *f);
