/* SPDX-License-Identifier: MIT */
/* Build-time tool: prints 70-hidmapd.rules from the module registry and,
 * given the shipped layouts' directory, their match ids too.
 *   gen-udev-rules [LAYOUT_DIR] */
#include <stdio.h>
#include <stdlib.h>

#include "shipped-layouts.h"
#include "udev-rules.h"

int main(int argc, char **argv)
{
	const struct hm_module *const *layouts;
	const struct hm_module **all;
	size_t n = 0, nl = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [LAYOUT_DIR]\n", argv[0]);
		return 2;
	}
	if (argc == 2 && hm_layout_load_shipped(argv[1]) < 0)
		return 1; /* a broken shipped layout fails the build */
	layouts = argc == 2 ? hm_layout_shipped_modules() : NULL;
	while (hm_modules[n])
		n++;
	while (layouts && layouts[nl])
		nl++;
	all = calloc(n + nl + 1, sizeof(*all));
	if (!all)
		return 1;
	for (size_t i = 0; i < n; i++)
		all[i] = hm_modules[i];
	for (size_t i = 0; i < nl; i++)
		all[n + i] = layouts[i];
	hm_udev_rules_write_modules(stdout, all);
	free(all);
	return ferror(stdout) ? 1 : 0;
}
