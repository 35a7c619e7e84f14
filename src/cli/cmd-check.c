/* SPDX-License-Identifier: MIT */
/* `hidmapd check [FILE]...`: validates configuration files. */
#include <stdio.h>

#include "cmd-common.h"
#include "commands.h"
#include "config.h"
#include "module-select.h"
#include "util-mem.h"

int hm_cmd_check(char *const *files, size_t nfiles)
{
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	unsigned problems = 0;

	if (hm_module_select_load_given((const char *const *)files, nfiles, cli_diag_print,
	                                &problems, &config) < 0) {
		fprintf(stderr, "hidmapd: %u problem%s found\n", problems,
		        problems == 1 ? "" : "s");
		return 1;
	}
	printf("%zu file%s OK\n", config->nfiles, config->nfiles == 1 ? "" : "s");
	for (size_t i = 0; i < config->nfiles; i++)
		printf("  %s\n", config->files[i]);
	return 0;
}
