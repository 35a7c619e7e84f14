/* SPDX-License-Identifier: MIT */
/* `hidmapd udev-rules`: local udev rules for the devices the config selects. */
#include <limits.h>
#include <stdio.h>

#include "commands.h"
#include "config.h"
#include "module.h"
#include "udev-rules.h"

static void diag_print(void *userdata, const char *file, unsigned line, const char *message)
{
	if (line)
		fprintf(stderr, "%s:%u: %s\n", file, line, message);
	else
		fprintf(stderr, "%s: %s\n", file, message);
}

int hm_cmd_udev_rules(char *const *files, size_t nfiles)
{
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	char shipped[PATH_MAX];
	bool installed;

	if (hm_config_load_given((const char *const *)files, nfiles, diag_print, NULL, &config) <
	    0) {
		fprintf(stderr,
		        "hidmapd: the configuration has errors (above); no rules written\n");
		return 1;
	}
	installed = hm_udev_rules_find_shipped("", shipped, sizeof(shipped));
	hm_udev_rules_write_local(stdout, config, hm_modules, installed ? shipped : NULL);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("hidmapd: writing the rules");
		return 1;
	}
	return 0;
}
