/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd select [--config FILE] FILE...` (hidden, diagnostic: the
 * selection data test): the module the daemon's policy picks for each
 * recording, after probing, and its chain.
 */
#include <stdio.h>

#include "cmd-common.h"
#include "commands.h"
#include "config.h"
#include "hid-recording.h"
#include "module-select.h"
#include "util-mem.h"

static void chain_print(FILE *f, const struct hm_module_chain *chain)
{
	char buf[256];

	for (size_t i = 0; i < chain->n; i++)
		fprintf(f, "%s%s", i ? " " : "",
		        hm_module_display_name(chain->modules[i], buf, sizeof(buf)));
}

int hm_cmd_select(char *const *files, size_t nfiles, const char *config_file)
{
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	int ret = 0;

	if (config_file) {
		const char *paths[] = {config_file};

		if (hm_module_select_load_given(paths, 1, cli_diag_print, NULL, &config) < 0)
			return 1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
		struct hm_device_info info;
		struct hm_module_chain chain;
		const struct hm_config_device *cfg;
		const struct hm_module *m;
		char name[256];
		bool driven;

		if (hm_recording_load(files[i], &rec) < 0) {
			ret = 1;
			continue;
		}
		cli_info_from_recording(rec, &info);
		/* as the daemon's drive(): the policy's chain, probed in order */
		driven = hm_module_select(config, &info, &chain, &cfg);
		m = cli_probed_module(&info, rec->rdesc, rec->rdesc_size, &chain);
		printf("%s: module %s, %s, chain ", files[i],
		       m ? hm_module_display_name(m, name, sizeof(name)) : "(none)",
		       driven ? "driven" : "not driven");
		chain_print(stdout, &chain);
		printf("%s%s\n", cfg ? ", [device] " : "", cfg ? cfg->id : "");
	}
	return ret;
}
