/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the PlayStation modules (dualshock4, dualsense and their core
 * devices/playstation/playstation.c) through the core, the remapper and the print
 * sink, with the feature replies at probe taken from the input too.
 *
 * Input: two header bytes, then length-prefixed chunks (fuzz-common.h).
 *   byte 0  the device: bits 0-2 the model (05c4, 09cc, 0ba0, 0ce6, 0df2,
 *           modulo 5), bit 3 Bluetooth (bus 0005) instead of USB
 *   byte 1  the transport: bit 7 asynchronous (requests complete only
 *           when a chunk says so, or never); bit 6 feature replies are
 *           chunks of the input (raw: any size, any ID, any CRC), else
 *           built by playstation-reports.h in mode bits 0-2 (sane,
 *           zero or garbage calibration, short, wrong ID, bad CRC, error)
 * Synchronous raw replies are the next chunks, in the order asked (an
 * empty chunk: the request fails).  The chunks after probe's are ops,
 * their first byte saying which:
 *   0  an input report, the rest of the chunk as it is
 *   1  an input report built from the chunk's bytes (sticks, buttons,
 *      IMU, timestamp, touch points, the touch frame count out of range
 *      too), USB or Bluetooth form, its CRC good or broken
 *   2  rumble: strong, weak (2 bytes each) on output 0
 *   3  configure: lightbar, player LEDs, mic LED from the bytes
 *   4  timers due (exchange timeouts, the initialisation limit)
 *   5  the oldest pending asynchronous request completes with the rest
 *      of the chunk (empty: -ETIMEDOUT)
 *   6  a replug: what is pending is cancelled, the module starts afresh
 * Requests left pending are cancelled (-ECANCELED) before the device is
 * freed, as the daemon's worker does.
 */
#include <errno.h>

#include "playstation-reports.h"
#include "device.h"
#include "event-loop.h"
#include "fuzz-common.h"
#include "module-select.h"

static const uint16_t products[] = {PSR_DS4_V1, PSR_DS4_V2, PSR_DS4_DONGLE, PSR_DS5, PSR_DS5_EDGE};

#define MAX_PENDING 16

struct fake {
	struct fuzz_input *in;
	uint16_t product;
	bool bt, raw;
	enum psr_reply_mode mode;
	struct {
		hm_transport_done_fn done;
		void *ctx;
		enum hm_request_type type;
		uint8_t data[PSR_REPORT_MAX];
		size_t size;
	} pending[MAX_PENDING];
	unsigned npending;
};

/* A GET_REPORT Feature answered from the input or by the mode. */
static int answer(struct fake *f, uint8_t *buf, size_t size)
{
	const uint8_t *chunk;
	size_t n;

	if (!f->raw)
		return psr_feature_reply(f->product, f->bt, f->mode, buf, size);
	if (!fuzz_next_chunk(f->in, &chunk, &n) || n == 0)
		return -EIO;
	if (n > size)
		n = size;
	memcpy(buf, chunk, n);
	return (int)n;
}

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	return (int)size;
}

static int fake_get_feature(void *userdata, uint8_t *data, size_t size)
{
	return answer(userdata, data, size);
}

static int fake_submit(void *userdata, enum hm_request_type type, const uint8_t *data, size_t size,
                       hm_transport_done_fn done, void *ctx)
{
	struct fake *f = userdata;

	if (!done)
		return 0; /* an output report, sent and forgotten */
	if (f->npending == MAX_PENDING)
		return -EAGAIN;
	f->pending[f->npending].done = done;
	f->pending[f->npending].ctx = ctx;
	f->pending[f->npending].type = type;
	f->pending[f->npending].size = size < PSR_REPORT_MAX ? size : PSR_REPORT_MAX;
	memcpy(f->pending[f->npending].data, data, f->pending[f->npending].size);
	f->npending++;
	return 0;
}

/* Completes the oldest pending request with result and data. */
static void complete(struct fake *f, int result, const uint8_t *data, size_t size)
{
	hm_transport_done_fn done;
	void *ctx;

	if (f->npending == 0)
		return;
	done = f->pending[0].done;
	ctx = f->pending[0].ctx;
	f->npending--;
	memmove(&f->pending[0], &f->pending[1], f->npending * sizeof(f->pending[0]));
	done(ctx, result, data, size);
}

static void complete_from(struct fake *f, const uint8_t *rest, size_t n)
{
	uint8_t buf[PSR_REPORT_MAX];
	size_t size;

	if (f->npending == 0)
		return;
	if (f->pending[0].type != HM_REQUEST_GET_FEATURE) {
		complete(f, n ? (int)f->pending[0].size : -ETIMEDOUT, NULL, 0);
		return;
	}
	if (!f->raw) {
		int r;

		size = f->pending[0].size;
		memcpy(buf, f->pending[0].data, size);
		r = n ? psr_feature_reply(f->product, f->bt, f->mode, buf, size) : -ETIMEDOUT;
		complete(f, r, r > 0 ? buf : NULL, r > 0 ? (size_t)r : 0);
		return;
	}
	if (n == 0) {
		complete(f, -ETIMEDOUT, NULL, 0);
		return;
	}
	size = n < f->pending[0].size ? n : f->pending[0].size;
	memcpy(buf, rest, size);
	complete(f, (int)size, buf, size);
}

/* An input report from the chunk's bytes, well formed but for what the
 * bytes ask for (touch frame count, CRC). */
static void structured_report(struct hm_device *dev, struct fake *f, const uint8_t *b, size_t n,
                              uint64_t time_us)
{
	uint8_t in[40] = {0}, r[PSR_REPORT_MAX];
	struct psr_state s;
	bool ds5 = f->product == PSR_DS5 || f->product == PSR_DS5_EDGE;
	bool bt = f->bt;
	size_t size;

	memcpy(in, b, n < sizeof(in) ? n : sizeof(in));
	s = (struct psr_state){.lx = in[0],
	                       .ly = in[1],
	                       .rx = in[2],
	                       .ry = in[3],
	                       .l2 = in[4],
	                       .r2 = in[5],
	                       .hat = in[6],
	                       .counter = in[10],
	                       .battery = in[11]};
	memcpy(s.buttons, in + 7, 3);
	for (int i = 0; i < 3; i++) {
		s.gyro[i] = (int16_t)(in[12 + 2 * i] | in[13 + 2 * i] << 8);
		s.accel[i] = (int16_t)(in[18 + 2 * i] | in[19 + 2 * i] << 8);
	}
	s.timestamp = (uint32_t)(in[24] | in[25] << 8 | in[26] << 16 | (uint32_t)in[27] << 24);
	for (int i = 0; i < 2; i++) {
		s.touch[i].down = in[28 + 4 * i] & 0x80;
		s.touch[i].id = in[28 + 4 * i] & 0x7f;
		s.touch[i].x = (uint16_t)(in[29 + 4 * i] | (in[30 + 4 * i] & 0x0f) << 8);
		s.touch[i].y = (uint16_t)(in[31 + 4 * i] << 4 | in[30 + 4 * i] >> 4);
	}
	/* in[36]: bit 0 the other bus's form, bit 1 a broken CRC, bits 4-7
	 * the touch frame count (DS4: ≤3 USB, ≤4 BT are valid) */
	if (in[36] & 1)
		bt = !bt;
	size = ds5 ? psr_ds5_report(r, bt, &s) : psr_ds4_report(r, bt, &s, (uint8_t)(in[36] >> 4));
	if (bt && (in[36] & 2))
		r[size - 1] ^= 0x80;
	hm_device_process_report(dev, r, size, time_us);
}

static void rumble(struct hm_device *dev, const uint8_t *b, size_t n)
{
	uint8_t v[4] = {0};

	if (!dev->module || !dev->module->rumble || hm_device_noutputs(dev) == 0)
		return;
	memcpy(v, b, n < 4 ? n : 4);
	dev->module->rumble(dev, 0, (uint16_t)(v[0] | v[1] << 8), (uint16_t)(v[2] | v[3] << 8));
}

static void configure(struct hm_device *dev, const uint8_t *b, size_t n)
{
	struct hm_device_settings settings = HM_DEVICE_SETTINGS_INIT;
	uint8_t v[5] = {0};

	memcpy(v, b, n < 5 ? n : 5);
	settings.lightbar_set = v[0] & 1;
	memcpy(settings.lightbar, v + 1, 3);
	/* the config allows 0..5; a module must not trust even that */
	settings.player_leds = (v[0] & 2) ? (int)(v[4] % 7) - 1 : -1;
	settings.mic_led = (v[0] & 4) ? (int)(v[0] >> 3 & 1) : -1;
	hm_device_configure(dev, &settings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct fuzz_input in = {data, size};
	struct fake f = {.in = &in};
	struct hm_transport transport = {
	    .write = fake_write, .get_feature = fake_get_feature, .userdata = &f};
	struct hm_device_info info = {.vendor = PSR_VENDOR_SONY, .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	struct hm_device_setup setup = {.chain = &chain};
	struct hm_device *dev = NULL;
	const uint8_t *chunk;
	size_t n;
	struct hm_sink *sink;
	uint64_t time_us = 0;

	if (size < 2)
		return 0;
	f.product = products[(data[0] & 7) % 5];
	f.bt = data[0] & 8;
	f.raw = data[1] & 0x40;
	f.mode = (enum psr_reply_mode)((data[1] & 7) % (PSR_REPLY_ERROR + 1));
	if (data[1] & 0x80)
		transport.submit = fake_submit;
	in.data += 2;
	in.size -= 2;

	info.bus = f.bt ? PSR_BUS_BLUETOOTH : PSR_BUS_USB;
	info.product = f.product;
	snprintf(info.name, sizeof(info.name), "%sWireless Controller",
	         f.bt ? "" : "Sony Interactive Entertainment ");
	snprintf(info.path, sizeof(info.path), "fuzz.hid");
	sink = hm_sink_print_new(devnull);
	if (!sink)
		return 0;
	setup.sink = sink;
	setup.transport = &transport;
	/* the registry picks the module by its ids; a module may decline
	 * (the dongle over Bluetooth is no device) */
	(void)hm_module_select(NULL, &info, &chain, &cfg);
	if (hm_device_new(&info, NULL, 0, &setup, &dev) < 0) {
		bool ds5 = f.product == PSR_DS5 || f.product == PSR_DS5_EDGE;

		/* no feature reply may cost the pad its module (issue 13: bad
		 * calibration falls back to defaults; no answer leaves it
		 * initializing) */
		if (hm_module_find(ds5 ? "dualsense" : "dualshock4") &&
		    !(f.product == PSR_DS4_DONGLE && f.bt))
			abort();
		goto out;
	}

	while (fuzz_next_chunk(&in, &chunk, &n)) {
		uint8_t op;

		if (n == 0)
			continue;
		op = chunk[0];
		chunk++;
		n--;
		switch (op % 7) {
		case 0:
			hm_device_process_report(dev, chunk, n, time_us);
			break;
		case 1:
			structured_report(dev, &f, chunk, n, time_us);
			break;
		case 2:
			rumble(dev, chunk, n);
			break;
		case 3:
			configure(dev, chunk, n);
			break;
		case 4:
			hm_device_timer(dev, hm_now_usec() + 10000000);
			break;
		case 5:
			complete_from(&f, chunk, n);
			break;
		case 6:
			/* as the daemon: the unplug closed the reader, which
			 * cancelled what was outstanding; a module that fails
			 * its probe again is gone */
			while (f.npending)
				complete(&f, -ECANCELED, NULL, 0);
			if (hm_device_restart(dev, &info) < 0) {
				while (f.npending)
					complete(&f, -ECANCELED, NULL, 0);
				hm_device_free(dev);
				dev = NULL;
				goto out;
			}
			break;
		}
		time_us += 4000;
	}
	while (f.npending)
		complete(&f, -ECANCELED, NULL, 0);
	hm_device_free(dev);
out:
	/* as the daemon after a failed probe: closing the reader cancels
	 * what the probe left outstanding */
	while (f.npending)
		complete(&f, -ECANCELED, NULL, 0);
	hm_sink_print_free(sink);
	return 0;
}
