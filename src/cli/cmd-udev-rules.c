/* SPDX-License-Identifier: MIT */
/* `hidmapd udev-rules`: local udev rules for the devices the config selects. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include "commands.h"
#include "shipped-layouts.h"
#include "config.h"
#include "module-select.h"
#include "module.h"
#include "udev-rules.h"

int hm_cmd_udev_rules(char *const *files, size_t nfiles)
{
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	_cleanup_free_ const struct hm_module **all = NULL;
	const struct hm_module *const *layouts;
	char shipped[PATH_MAX];
	size_t n = 0, nl = 0;
	bool installed;

	if (hm_module_select_load_given((const char *const *)files, nfiles, cli_diag_print, NULL,
	                                &config) < 0) {
		fprintf(stderr,
		        "hidmapd: the configuration has errors (above); no rules written\n");
		return 1;
	}
	installed = hm_udev_rules_find_shipped("", shipped, sizeof(shipped));
	/* the shipped rules cover the modules' ids and the shipped layouts' */
	layouts = hm_layout_shipped_modules();
	while (hm_modules[n])
		n++;
	while (layouts[nl])
		nl++;
	all = calloc(n + nl + 1, sizeof(*all));
	if (!all)
		return 1;
	memcpy(all, hm_modules, n * sizeof(*all));
	memcpy(all + n, layouts, nl * sizeof(*all));
	hm_udev_rules_write_local(stdout, config, all, installed ? shipped : NULL);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("hidmapd: writing the rules");
		return 1;
	}
	return 0;
}
