/* SPDX-License-Identifier: MIT */
/* `hidmapd list`: every HID device, its module, whether the daemon drives it. */
#include <stdio.h>

#include "cmd-common.h"
#include "commands.h"
#include "config.h"
#include "device-kind.h"
#include "hid-devices.h"
#include "module-select.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

int hm_cmd_list(void)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	const char *const *paths;
	size_t n = 0, npaths;
	int r;

	paths = hm_config_default_paths(&npaths);
	if (hm_module_select_load(paths, npaths, cli_diag_print, NULL, &config) < 0) {
		fprintf(stderr,
		        "hidmapd: configuration has errors (see above); listing without it\n");
		config = hm_config_new_empty();
		if (!config)
			return 1;
	}

	r = hm_hid_enumerate(&entries, &n);
	if (r < 0) {
		log_error_errno(r, "cannot enumerate HID devices: %m");
		return 1;
	}
	printf("%-14s %-4s %-9s %-18s %-14s %-8s %s\n", "PATH", "BUS", "VID:PID", "TYPE", "MODULE",
	       "SELECTED", "NAME");
	for (size_t i = 0; i < n; i++) {
		const struct hm_device_info *info = &entries[i].info;
		struct hm_module_chain chain;
		const struct hm_config_device *cfg;
		bool driven = hm_module_select(config, info, &chain, &cfg);
		/* listed without opening the device: the module its probe would
		 * be asked first */
		const struct hm_module *m = hm_module_chain_first(&chain);
		const char *selected;
		char kinds[128], name[STR_ESCAPED_SIZE(sizeof(info->name))];

		if (cfg)
			selected = driven ? "config" : "disabled";
		else
			selected = driven ? "module" : "no";
		printf("%-14s %04x %04x:%04x %-18s %-14s %-8s %s\n", info->path, info->bus,
		       info->vendor, info->product,
		       hm_kinds_format(info->kinds, kinds, sizeof(kinds)), m->name, selected,
		       str_escape_control(info->name, name, sizeof(name)));
	}
	if (n == 0)
		fprintf(stderr,
		        "hidmapd: no HID devices found (or no permission on /dev/hidraw*)\n");
	return 0;
}
