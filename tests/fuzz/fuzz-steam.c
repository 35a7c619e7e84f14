/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the Steam module (devices/valve/steam.c) through the core, the
 * remapper and the print sink: the registry picks it for 28de:1102,
 * 28de:1142 or 28de:1205, with the pad's report descriptor (a 64-byte
 * input and a 64-byte feature report), and every command it sends is
 * taken (or refused, by the input's choice).
 *
 * Input: byte 0 the model (bits 0-1: 1102, 1142, 1205, modulo 3), bit 2
 * commands fail (-EIO); then length-prefixed chunks (fuzz-common.h), their
 * first byte saying what:
 *   0  an input report, the rest of the chunk as it is
 *   1  a 64-byte report: 01 00, type chunk[1], then the chunk's bytes
 *      (types 1, 3, 4, 9 and others; short chunks padded with zeros)
 *   2  rumble: strong, weak (2 bytes each) on output 0
 *   3  the module's timer (the Deck's watchdog)
 *   4  a replug: the module starts afresh
 */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "fuzz-common.h"
#include "module-select.h"

static const uint16_t products[] = {0x1102, 0x1142, 0x1205};

static const uint8_t rdesc[] = {0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00,
                                0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x40, 0x09, 0x01,
                                0x81, 0x02, 0x09, 0x01, 0xb1, 0x02, 0xc0};

static bool fail_commands;

static int fake_send_feature(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	(void)data;
	return fail_commands ? -EIO : (int)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct fuzz_input in = {data, size};
	static const struct hm_transport transport = {.send_feature = fake_send_feature};
	struct hm_device *dev = NULL;
	struct hm_device_info info = {.bus = 0x03, .vendor = 0x28de, .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain, .transport = &transport};
	const uint8_t *chunk, *hdr;
	size_t n, hn;
	struct hm_sink *sink;
	uint64_t time_us = 0;

	fuzz_take(&in, 1, &hdr, &hn);
	if (hn < 1)
		return 0;
	info.product = products[(hdr[0] & 3) % 3];
	fail_commands = hdr[0] & 4;
	snprintf(info.name, sizeof(info.name), "Valve Software Steam Controller");
	snprintf(info.path, sizeof(info.path), "fuzz.hid");
	sink = hm_sink_print_new(devnull);
	if (!sink)
		return 0;
	setup.sink = sink;
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	if (hm_device_new(&info, rdesc, sizeof(rdesc), &setup, &dev) < 0)
		abort(); /* the module must take its own device */
	if (!dev->module || strcmp(dev->module->name, "steam") != 0)
		abort();
	while (fuzz_next_chunk(&in, &chunk, &n)) {
		uint8_t r[64] = {0x01, 0x00};

		if (n == 0)
			continue;
		switch (chunk[0] % 5) {
		case 0:
			hm_device_process_report(dev, chunk + 1, n - 1, time_us);
			break;
		case 1:
			if (n >= 2)
				r[2] = chunk[1];
			if (n > 2)
				memcpy(r + 3, chunk + 2, n - 2 > 61 ? 61 : n - 2);
			hm_device_process_report(dev, r, sizeof(r), time_us);
			break;
		case 2:
			if (n >= 5 && dev->module && dev->module->rumble)
				dev->module->rumble(dev, 0, (uint16_t)(chunk[1] | chunk[2] << 8),
				                    (uint16_t)(chunk[3] | chunk[4] << 8));
			break;
		case 3:
			hm_device_timer(dev, time_us);
			break;
		case 4:
			(void)hm_device_restart(dev, &info);
			break;
		}
		time_us += 4000;
	}
	hm_device_free(dev);
	hm_sink_print_free(sink);
	return 0;
}
