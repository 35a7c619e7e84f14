/* SPDX-License-Identifier: MIT */
/*
 * Runs in the VM, for check-spnav-oracle.sh: holds one uhid device made
 * from a recording (tests/data/3dconnexion/oracle/) for as long as it
 * runs, so that spacenavd and hidmapd drive the very same device in turn,
 * and plays the recording's reports when told.
 *
 *   spnav-feed RECORDING GAP_MS
 * prints "ready" once the kernel bound the device; then reads commands on
 * stdin: "play" sends every report of the recording, GAP_MS apart (uhid
 * requests answered meanwhile), then prints "sent I T" (T: CLOCK_MONOTONIC
 * µs just before report I went to uhid) for each and "done"; the lines wait
 * for the end of the play, as output to a file on the VM's 9p share right
 * after each report took the CPU the daemon and its client wanted (traced
 * in the latency benchmark: milliseconds of the feeder in 9p writes);
 * "report XX XX ..." sends that one input report (hex bytes, the report
 * ID first) and prints "reported"; "quit" or the end of stdin destroys
 * the device.  Output reports (the LED) are printed as "output XX XX".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "hid-recording.h"
#include "uhid-util.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

static void on_output(void *userdata, const struct uhid_output_req *out)
{
	printf("output");
	for (unsigned i = 0; i < out->size && i < 8; i++)
		printf(" %02x", out->data[i]);
	printf("\n");
	fflush(stdout);
}

static void service_for(int uhid, unsigned ms, struct vm_uhid_stats *st)
{
	uint64_t end = vm_now_us() + (uint64_t)ms * 1000;

	for (;;) {
		uint64_t now = vm_now_us();
		struct pollfd p = {uhid, POLLIN, 0};

		if (now >= end)
			break;
		if (poll(&p, 1, (int)((end - now + 999) / 1000)) > 0)
			(void)vm_uhid_service(uhid, st, false, on_output, NULL);
	}
}

int main(int argc, char **argv)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	struct vm_uhid_stats st = {0};
	struct udev *udev = NULL;
	struct udev_monitor *mon = NULL;
	_cleanup_free_ uint64_t *sent = NULL;
	char *syspath = NULL, line[256];
	int uhid, kmsg, gap_ms, r;

	if (argc != 3 || safe_atoi(argv[2], &gap_ms) < 0 || gap_ms < 0) {
		fprintf(stderr, "usage: spnav-feed RECORDING GAP_MS\n");
		return 2;
	}
	if (hm_recording_load(argv[1], &rec) < 0)
		return 1;
	sent = calloc(rec->nevents ? rec->nevents : 1, sizeof(*sent));
	if (!sent)
		return 1;
	uhid = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (uhid < 0) {
		fprintf(stderr, "spnav-feed: /dev/uhid: %m\n");
		return 77;
	}
	udev = udev_new();
	mon = udev ? vm_hid_monitor_new(udev) : NULL;
	if (!mon)
		return 1;
	kmsg = vm_kmsg_open();
	if (vm_uhid_create(uhid, rec, "spnav-feed") < 0)
		return 1;
	r = vm_uhid_wait_bound(mon, kmsg, uhid, rec, 10000, &st, false, on_output, NULL, &syspath);
	if (r < 0) {
		fprintf(stderr, "spnav-feed: %s: no driver bound (%d)\n", rec->path, r);
		return 1;
	}
	printf("ready %s\n", syspath);
	fflush(stdout);

	for (;;) {
		struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {uhid, POLLIN, 0}};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			(void)vm_uhid_service(uhid, &st, false, on_output, NULL);
		if (!p[0].revents)
			continue;
		if (!fgets(line, sizeof(line), stdin) || startswith(line, "quit"))
			break;
		if (startswith(line, "report ")) {
			uint8_t report[64];
			int n;

			line[strcspn(line, "\n")] = '\0';
			n = parse_hex_bytes(line + strlen("report "), report, sizeof(report));

			if (n <= 0 || vm_uhid_input(uhid, report, (size_t)n) < 0)
				printf("report failed: %s", line);
			else
				printf("reported\n");
			fflush(stdout);
			continue;
		}
		if (!startswith(line, "play"))
			continue;
		for (size_t i = 0; i < rec->nevents; i++) {
			sent[i] = vm_now_us();
			if (vm_uhid_input(uhid, rec->events[i].data, rec->events[i].size) < 0)
				return 1;
			service_for(uhid, (unsigned)gap_ms, &st);
		}
		for (size_t i = 0; i < rec->nevents; i++)
			printf("sent %zu %llu\n", i, (unsigned long long)sent[i]);
		printf("done\n");
		fflush(stdout);
	}
	(void)vm_uhid_destroy(uhid);
	free(syspath);
	return 0;
}
