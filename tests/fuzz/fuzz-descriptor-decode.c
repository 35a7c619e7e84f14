/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the report descriptor parser and the generic module behind it:
 * parse, dump, describe, probe (hidinput_connect's work), then decode a
 * sequence of input reports and send an LED back, as a device would see it.
 *
 * Input: a 2-byte little-endian header, then the descriptor, then reports,
 * each with a 2-byte little-endian length (fuzz-common.h).  The header's
 * low 13 bits are the descriptor's length; bits 13-14 choose the transport
 * for feature and output reports: 0 none (-ENOTSUP, as a replay),
 * 1 every request fails with -EIO, 2 every request succeeds and feature
 * reads return the next report's bytes.
 * tests/fuzz/seed-from-recordings.sh writes hid-recorder files this way.
 */
#include <errno.h>
#include <string.h>

#include "hid-descriptor-dump.h"
#include "device.h"
#include "fuzz-common.h"
#include "generic.h"
#include "hid-descriptor.h"

#define HEADER_LENGTH_MASK     0x1fffu
#define HEADER_TRANSPORT_SHIFT 13

struct transport_state {
	struct fuzz_input *in;
	int mode;
};

static int t_write(void *userdata, const uint8_t *data, size_t size)
{
	struct transport_state *t = userdata;

	return t->mode == 1 ? -EIO : (int)size;
}

static int t_get_feature(void *userdata, uint8_t *data, size_t size)
{
	struct transport_state *t = userdata;
	const uint8_t *chunk;
	size_t n;

	if (t->mode == 1)
		return -EIO;
	if (!fuzz_next_chunk(t->in, &chunk, &n))
		return 0;
	if (n > size)
		n = size;
	memcpy(data, chunk, n);
	return (int)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct fuzz_input in = {data, size};
	struct hid_descriptor *desc = NULL;
	struct hm_device *dev = NULL;
	struct hm_device_info info = {
	    .bus = 0x03, .vendor = 0x1234, .product = 0x5678, .interface = -1};
	struct transport_state ts = {&in, 0};
	struct hm_transport transport = {t_write, t_write, t_get_feature, &ts, NULL};
	struct hm_device_setup setup = {.module = &hm_module_generic};
	const uint8_t *rdesc, *report;
	size_t rdesc_size, report_size;
	struct hm_sink *sink;
	uint16_t header;
	uint64_t time_us = 0;

	if (!fuzz_next_u16(&in, &header))
		return 0;
	fuzz_take(&in, header & HEADER_LENGTH_MASK, &rdesc, &rdesc_size);
	ts.mode = (header >> HEADER_TRANSPORT_SHIFT) & 3;

	if (hid_descriptor_parse(rdesc, rdesc_size, &desc, NULL) == 0) {
		hid_descriptor_dump(desc, devnull);
		hid_descriptor_free(desc);
	}
	hm_generic_describe("fuzz", rdesc, rdesc_size, devnull);

	snprintf(info.name, sizeof(info.name), "fuzz");
	snprintf(info.path, sizeof(info.path), "fuzz.hid");
	sink = hm_sink_print_new(devnull);
	if (!sink)
		return 0;
	setup.sink = sink;
	if (ts.mode)
		setup.transport = &transport;
	if (hm_device_new(&info, rdesc, rdesc_size, &setup, &dev) == 0) {
		while (fuzz_next_chunk(&in, &report, &report_size)) {
			hm_device_process_report(dev, report, report_size, time_us);
			time_us += 1000;
		}
		/* the keyboard LEDs coming back: an output report */
		hm_device_handle_feedback(dev, 0, EV_LED, LED_CAPSL, 1);
		hm_device_handle_feedback(dev, 0, EV_LED, LED_NUML, 0);
		hm_device_free(dev);
	}
	hm_sink_print_free(sink);
	return 0;
}
