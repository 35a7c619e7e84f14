/* SPDX-License-Identifier: MIT */
/*
 * scenarios: the real `hidmapd run` against real kernel devices.
 *
 * Runs inside the test VM (tests/vm/run-vm.sh), where uhid, hidraw, evdev
 * and uinput exist.  Each scenario creates HID devices with uhid from
 * corpus descriptors, starts the hidmapd binary (fork/exec, its stderr in
 * TMPDIR/<scenario>.hidmapd.log), and checks what comes out of the uinput
 * devices it creates and what goes back to the HID device.
 *
 * This file is the program: its arguments, the table of scenarios and the
 * run of one.  The scenarios are in one file per area, each saying at its
 * top what its scenarios check:
 *
 *   scenarios-daemon.c   the daemon's life with its devices: start, grab,
 *                        hotplug, unplug, replug, SIGTERM, SIGKILL
 *   scenarios-remap.c    remapping, tap-hold, macros, keyd's semantics
 *   scenarios-reload.c   SIGHUP and config files changed on disk
 *   scenarios-io.c       LEDs, `hidmapd record`, `hidmapd replay --uinput`
 *   scenarios-service.c  control socket, doctor, watchdog, the user unit
 *   scenarios-robust.c   robustness (issue 16)
 *   scenarios-session.c  fast user switching
 *   scenarios-layout.c   shipped layouts
 *
 * and the helpers they share in vm-harness.[ch].  The list of scenarios is
 * tests/vm/scenarios.list, and nowhere else (gen-scenario-list.sh makes
 * the table below from it; meson.build reads it for the test).
 *
 *   scenarios [--bus HEX] [--verbose] SCENARIO HIDMAPD CORPUS_DIR KERNEL_DATA_DIR TMPDIR
 *
 * KERNEL_DATA_DIR is tests/data/kernel (recordings with synthetic reports
 * for corpus files that have none).  Exit status: 0 pass, 1 fail, 2 bad
 * usage, 77 skipped (no /dev/uhid or /dev/uinput: not in the VM).
 *
 * Every wait has a deadline; a failure says FAIL: and what was expected,
 * and prints the daemon's log.
 */
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#include "build-config.h"
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define SCENARIO_ENTRY(n, f) {n, f},
static const struct {
	const char *name;
	int (*run)(void);
} scenarios[] = {VM_SCENARIOS(SCENARIO_ENTRY)};

static void usage(FILE *f)
{
	fputs("Usage: scenarios [--bus HEX] [--verbose] SCENARIO HIDMAPD CORPUS_DIR "
	      "KERNEL_DATA_DIR TMPDIR\n"
	      "Runs one hidmapd scenario against uhid devices (inside tests/vm/run-vm.sh).\n"
	      "Scenarios:",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		fprintf(f, " %s", scenarios[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"bus", required_argument, NULL, 'b'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	int c, r = -1;
	bool known = false;

	while ((c = getopt_long(argc, argv, "b:vh", longopts, NULL)) != -1) {
		uint32_t v;

		switch (c) {
		case 'b':
			if (safe_atou32_base(optarg, 16, &v) < 0 || v > 0xffff) {
				fprintf(stderr, "--bus: expected a hex bus number\n");
				return 2;
			}
			vm_test_bus = v;
			break;
		case 'v':
			vm_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 5) {
		usage(stderr);
		return 2;
	}
	vm_scenario = argv[optind];
	vm_hidmapd = argv[optind + 1];
	vm_corpus_dir = argv[optind + 2];
	vm_kdata_dir = argv[optind + 3];
	vm_tmpdir = argv[optind + 4];
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		known |= streq(scenarios[i].name, vm_scenario);
	if (!known) {
		usage(stderr);
		return 2;
	}
	if (access("/dev/uhid", W_OK) < 0 || access("/dev/uinput", W_OK) < 0) {
		printf("SKIP: no writable /dev/uhid and /dev/uinput (run inside "
		       "tests/vm/run-vm.sh)\n");
		return 77;
	}
	if (access(vm_hidmapd, X_OK) < 0) {
		printf("FAIL: %s: %s\n", vm_hidmapd, strerror(errno));
		return 1;
	}
	if (mkdir(vm_tmpdir, 0755) < 0 && errno != EEXIST) {
		printf("FAIL: %s: %s\n", vm_tmpdir, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	vm_kmsg = vm_kmsg_open();
	vm_udev = udev_new();
	vm_hid_monitor = vm_udev ? vm_hid_monitor_new(vm_udev) : NULL;
	if (!vm_hid_monitor) {
		printf("FAIL: cannot listen to kernel uevents\n");
		return 1;
	}

#if !HAVE_LIBSYSTEMD
	if (streq(vm_scenario, "watchdog")) {
		printf("SKIP: hidmapd was built without libsystemd: no sd_notify, no watchdog\n");
		return 77;
	}
#endif
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (streq(scenarios[i].name, vm_scenario))
			r = scenarios[i].run();

	if (vm_daemon_pid > 0 && !vm_daemon_alive())
		r = vm_fail("hidmapd is no longer running at the end of the scenario");
	vm_daemon_kill();
	if (r < 0 || vm_verbose)
		vm_dump_daemon_log();
	udev_monitor_unref(vm_hid_monitor);
	udev_unref(vm_udev);
	safe_close(vm_kmsg);
	printf("%s: %s\n", vm_scenario, r < 0 ? "FAIL" : "PASS");
	return r < 0 ? 1 : 0;
}
