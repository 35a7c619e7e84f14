/* SPDX-License-Identifier: MIT */
/* `hidmapd record PATH`: a hidraw node's reports in hid-recorder format on
 * stdout, until Ctrl-C. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "cmd-common.h"
#include "commands.h"
#include "event-loop.h"
#include "hid-descriptor.h"
#include "hid-devices.h"
#include "hid-reader.h"
#include "hid-recording.h"
#include "util-log.h"
#include "util-mem.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
	interrupted = 1;
}

int hm_cmd_record(const char *path)
{
	struct sigaction sa = {.sa_handler = on_interrupt}; /* no SA_RESTART: poll(2) returns */
	struct hm_device_info info;
	uint8_t rdesc[HID_RDESC_MAX_SIZE], buf[16384];
	size_t rdesc_size;
	uint64_t start = 0;
	_cleanup_close_ int fd = -EBADF;
	int r;

	if (!cli_is_hidraw_path(path)) {
		fprintf(stderr,
		        "hidmapd: record needs a hidraw node such as /dev/hidraw0, not '%s'\n",
		        path);
		return 2;
	}
	r = hm_hid_info_from_path(path, &info);
	if (r < 0) {
		log_error_errno(r, "%s: not a hidraw device: %m", path);
		return 1;
	}
	r = hm_hid_read_descriptor(path, rdesc, sizeof(rdesc), &rdesc_size);
	if (r < 0) {
		log_error_errno(r, "%s: cannot read the report descriptor: %m", path);
		return 1;
	}
	fd = hm_hid_open_for_reading(path);
	if (fd < 0) {
		log_error_errno(fd, "%s: cannot open: %m (run 'hidmapd doctor')", path);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	hm_recording_write_header(stdout, info.name, info.bus, info.vendor, info.product, rdesc,
	                          rdesc_size);
	fflush(stdout);
	while (!interrupted) {
		/* the daemon's reader: one report per read(2) */
		int n = hm_hid_wait_report(fd, buf, sizeof(buf), -1);
		uint64_t now;

		if (n == -EINTR || n == 0)
			continue;
		if (n < 0) {
			if (!interrupted)
				log_error("%s: read failed, device gone?", path);
			break;
		}
		now = hm_now_usec();
		if (!start)
			start = now;
		hm_recording_write_event(stdout, now - start, buf, (size_t)n);
	}
	return interrupted ? 0 : 1;
}
