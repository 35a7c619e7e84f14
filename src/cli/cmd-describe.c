/* SPDX-License-Identifier: MIT */
/* `hidmapd describe PATH|FILE`: the parsed report descriptor, the module
 * that takes the device and the evdev devices it creates. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd-common.h"
#include "commands.h"
#include "device.h"
#include "hid-descriptor-dump.h"
#include "hid-descriptor.h"
#include "hid-recording.h"
#include "module-select.h"
#include "util-mem.h"
#include "util-strings.h"

int hm_cmd_describe(const char *arg, const char *forced_module)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	_cleanup_(hm_device_freep) struct hm_device *dev = NULL;
	struct hm_device_info info;
	struct hid_parse_error err = {0};
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size = 0;
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	const struct hm_module *m;
	struct hm_sink *sink;
	struct hm_device_setup setup = {0};
	char name[STR_ESCAPED_SIZE(sizeof(info.name))];
	int r;

	if (cli_load_source(arg, &info, rdesc, &rdesc_size, &rec) < 0)
		return 1;
	/* without a configuration: what the modules' tables say */
	if (cli_chain_for(NULL, &info, forced_module, &chain, &cfg) == -ENOENT)
		return cli_unknown_module(forced_module);
	/* the module that takes it, after any probe that declines */
	m = cli_probed_module(&info, rdesc, rdesc_size, &chain);
	if (!m)
		m = hm_module_chain_first(&chain);

	/* the name comes from the device: printed with its control characters
	 * escaped */
	str_escape_control(info.name, name, sizeof(name));
	printf("Device: %s\n", name);
	printf("Bus %04x, vendor %04x, product %04x, version %04x\n", info.bus, info.vendor,
	       info.product, info.version);
	printf("Module: %s (%s)\n", m->name, m->description);
	printf("Report descriptor: %zu bytes\n\n", rdesc_size);

	r = hid_descriptor_parse(rdesc, rdesc_size, &desc, &err);
	if (r < 0)
		printf("Report descriptor does not parse: byte %zu: %s\n\n", err.offset,
		       err.message);
	else
		hid_descriptor_dump(desc, stdout);

	/* what the module makes of it, if it says (the generic module: its
	 * mapping, usage by usage) */
	if (m->describe)
		m->describe(&info, rdesc, rdesc_size, stdout);

	printf("\nEvdev devices the module creates (replay format):\n");
	fflush(stdout);
	sink = hm_sink_print_new(stdout);
	if (!sink)
		return 1;
	setup.chain = &chain;
	setup.sink = sink;
	r = hm_device_new(&info, rdesc, rdesc_size, &setup, &dev);
	if (r < 0)
		printf("(none: module %s does not take this device: %s)\n", m->name, strerror(-r));
	hm_sink_print_mute(sink);
	hm_device_free(steal(&dev));
	hm_sink_print_free(sink);
	return r < 0 ? 1 : 0;
}
