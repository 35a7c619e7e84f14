/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the switch module (devices/nintendo/) through the core, the
 * remapper and the print sink: its subcommand replies and its input
 * reports, with the init's exchanges, retries and timeouts.
 *
 * Input: two header bytes, then length-prefixed chunks (fuzz-common.h).
 *   byte 0  the device: bits 0-2 the product (Pro, Joy-Con L, Joy-Con R,
 *           SNES, N64, Genesis, the grip's right half, 2017 answering as
 *           the Genesis pad), bit 3 Bluetooth instead of USB
 *   byte 1  the pad (tests/lib/switch-pad.h's modes, modulo 6): answers
 *           as a real pad, silent, no USB, bad calibration, no SPI,
 *           short device info
 * The pad's answers queue up; the chunks are ops, their first byte
 * saying which:
 *   0  an input report, the rest of the chunk as it is
 *   1  the queued answers delivered
 *   2  the oldest queued answer delivered with the chunk's bytes written
 *      over its start, cut to the chunk's length when its first byte is odd
 *   3  rumble: strong, weak (2 bytes each)
 *   4  configure: player-leds from a byte
 *   5  timers due (exchange timeouts, the module's spacing, the limit)
 *   6  a full report 0x30 built from the chunk (buttons, sticks, IMU)
 */
#include <errno.h>
#include <stdbool.h>

#include "device.h"
#include "event-loop.h"
#include "fuzz-common.h"
#include "module-select.h"
#include "sink.h"
#include "switch-pad.h"

/* the last two: the charging grip's right half, and 2017 answering the
 * Genesis pad's type (as it does over Bluetooth) */
static const uint16_t products[] = {0x2009, 0x2006, 0x2007, 0x2017, 0x2019, 0x201e, 0x200e, 0x2017};
static const uint8_t types[] = {0x03, 0x01, 0x02, 0x0b, 0x0c, 0x0d, 0x02, 0x0d};

#define QUEUE 8

struct pad {
	enum swp_mode mode;
	uint8_t type;
	uint8_t q[QUEUE][SWP_REPORT_SIZE];
	size_t qlen[QUEUE];
	unsigned n;
};

static int pad_write(void *userdata, const uint8_t *data, size_t size)
{
	struct pad *p = userdata;
	size_t len;

	if (p->n < QUEUE && swp_answer(p->mode, p->type, data, size, p->q[p->n], &len))
		p->qlen[p->n++] = len;
	return (int)size;
}

/* Delivers queued answer i (edited), drops it. */
static void deliver(struct hm_device *dev, struct pad *p, unsigned i, const uint8_t *edit, size_t n,
                    uint64_t t)
{
	uint8_t r[SWP_REPORT_SIZE];
	size_t len = p->qlen[i];

	memcpy(r, p->q[i], SWP_REPORT_SIZE);
	if (n > SWP_REPORT_SIZE)
		n = SWP_REPORT_SIZE;
	if (n) {
		memcpy(r, edit, n);
		if (edit[0] & 1)
			len = n;
	}
	memmove(p->q[i], p->q[i + 1], (p->n - i - 1) * sizeof(p->q[0]));
	memmove(p->qlen + i, p->qlen + i + 1, (p->n - i - 1) * sizeof(p->qlen[0]));
	p->n--;
	hm_device_process_report(dev, r, len, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct fuzz_input in = {data, size};
	struct pad pad = {0};
	struct hm_transport transport = {.write = pad_write, .userdata = &pad};
	struct hm_device_info info = {.vendor = 0x057e, .interface = -1, .version = 0x0200};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain, .transport = &transport};
	struct hm_device *dev = NULL;
	const uint8_t *chunk;
	struct hm_sink *sink;
	uint64_t t = 0;
	size_t n;

	if (size < 2)
		return 0;
	info.product = products[data[0] & 7];
	info.bus = data[0] & 8 ? 0x05 : 0x03;
	pad.type = types[data[0] & 7];
	pad.mode = (enum swp_mode)(data[1] % 6);
	in.data += 2;
	in.size -= 2;
	snprintf(info.name, sizeof(info.name), "fuzz pad");
	snprintf(info.path, sizeof(info.path), "fuzz.hid");
	sink = hm_sink_print_new(devnull);
	if (!sink)
		return 0;
	setup.sink = sink;
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	/* the module takes what its table lists, answered or not (Joy-Cons
	 * come over Bluetooth only, the grip over USB only; elsewhere the
	 * generic module declines a device without a descriptor) */
	if (hm_device_new(&info, NULL, 0, &setup, &dev) < 0) {
		bool bt_only = info.product == 0x2006 || info.product == 0x2007;

		if (bt_only ? info.bus == 0x05 : info.product != 0x200e || info.bus != 0x05)
			abort();
		hm_sink_print_free(sink);
		return 0;
	}

	while (fuzz_next_chunk(&in, &chunk, &n)) {
		uint8_t op;

		if (n == 0)
			continue;
		op = chunk[0];
		chunk++;
		n--;
		t += 15000;
		switch (op % 7) {
		case 0:
			hm_device_process_report(dev, chunk, n, t);
			break;
		case 1:
			while (pad.n)
				deliver(dev, &pad, 0, NULL, 0, t);
			break;
		case 2:
			if (pad.n)
				deliver(dev, &pad, 0, chunk, n, t);
			break;
		case 3:
			if (n >= 4 && dev->module && dev->module->rumble)
				dev->module->rumble(dev, 0, (uint16_t)(chunk[0] | chunk[1] << 8),
				                    (uint16_t)(chunk[2] | chunk[3] << 8));
			break;
		case 4:
			if (n >= 1) {
				struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;

				s.player_leds = chunk[0] % 7 - 1;
				hm_device_configure(dev, &s);
			}
			break;
		case 5:
			hm_device_timer(dev, hm_now_usec() + 60ull * 1000 * 1000);
			break;
		case 6: {
			uint8_t r[SWP_REPORT_SIZE] = {0x30};

			memcpy(r + 1, chunk, n < SWP_REPORT_SIZE - 1 ? n : SWP_REPORT_SIZE - 1);
			hm_device_process_report(dev, r, SWP_REPORT_SIZE, t);
			break;
		}
		}
	}
	hm_device_free(dev);
	hm_sink_print_free(sink);
	return 0;
}
