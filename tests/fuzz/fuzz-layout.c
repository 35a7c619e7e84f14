/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the layout language and the layout decoder: the first chunk is an
 * INI file loaded as a configuration (its [layout] sections parsed by
 * src/config/config-layout.c), the following chunks are reports decoded by every
 * layout it accepted (devices/layout/layout.c), through the core, the remapper
 * and the print sink.
 * Input: length-prefixed chunks (fuzz-common.h).
 */
#include "layout.h"
#include "device.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct fuzz_input in = {data, size};
	struct hm_config *config = NULL;
	struct hm_device_info info = {
	    .bus = 0x03, .vendor = 0x0fd9, .product = 0x0060, .interface = -1};
	const uint8_t *text, *report;
	size_t text_size, report_size;
	const char *path;

	if (!fuzz_next_chunk(&in, &text, &text_size))
		return 0;
	path = fuzz_data_to_path(text, text_size);
	if (hm_config_load(&path, 1, NULL, NULL, &config) < 0)
		return 0;
	if (hm_layout_module_attach_all(config) < 0) {
		hm_config_free(config);
		return 0;
	}
	snprintf(info.name, sizeof(info.name), "fuzz");
	snprintf(info.path, sizeof(info.path), "fuzz.hid");

	for (size_t i = 0; i < config->nlayouts; i++) {
		struct hm_device_setup setup = {.module = hm_layout_module(config->layouts[i])};
		struct fuzz_input reports = in;
		struct hm_device *dev = NULL;
		struct hm_sink *sink = hm_sink_print_new(devnull);
		uint64_t time_us = 0;

		if (!sink)
			break;
		setup.sink = sink;
		if (hm_device_new(&info, NULL, 0, &setup, &dev) == 0) {
			while (fuzz_next_chunk(&reports, &report, &report_size)) {
				hm_device_process_report(dev, report, report_size, time_us);
				time_us += 8000;
			}
			hm_device_free(dev);
		}
		hm_sink_print_free(sink);
	}
	hm_config_free(config);
	return 0;
}
