/* SPDX-License-Identifier: MIT */
/* Build-time tool: prints 70-hidmapd.rules from the module registry. */
#include <stdio.h>

#include "udev-rules.h"

int main(void)
{
	hm_udev_rules_write(stdout);
	return ferror(stdout) ? 1 : 0;
}
