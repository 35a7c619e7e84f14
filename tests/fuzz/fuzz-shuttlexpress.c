/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the ShuttleXpress decoder (devices/contour/shuttlexpress.c) through the
 * core: the registry picks the module for 0b33:0020, then every report
 * goes through decode, the remapper and the print sink.
 * Input: reports, each with a 2-byte little-endian length (fuzz-common.h).
 */
#include "device.h"
#include "fuzz-common.h"
#include "module-select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct fuzz_input in = {data, size};
	struct hm_device *dev = NULL;
	struct hm_device_info info = {
	    .bus = 0x03, .vendor = 0x0b33, .product = 0x0020, .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain};
	const uint8_t *report;
	size_t report_size;
	struct hm_sink *sink;
	uint64_t time_us = 0;

	snprintf(info.name, sizeof(info.name), "Contour Design ShuttleXpress");
	snprintf(info.path, sizeof(info.path), "fuzz.hid");
	sink = hm_sink_print_new(devnull);
	if (!sink)
		return 0;
	setup.sink = sink;
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	if (hm_device_new(&info, NULL, 0, &setup, &dev) < 0)
		abort(); /* the module must take its own device */
	while (fuzz_next_chunk(&in, &report, &report_size)) {
		hm_device_process_report(dev, report, report_size, time_us);
		time_us += 8000;
	}
	hm_device_free(dev);
	hm_sink_print_free(sink);
	return 0;
}
