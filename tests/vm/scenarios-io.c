/* SPDX-License-Identifier: MIT */
/*
 * Data in and out besides the mapped events: LEDs back to the HID device,
 * `hidmapd record`, and `hidmapd replay --uinput`.
 *
 *   led       EV_LED written to the uinput keyboard reaches the HID device
 *             as an output report
 *   record    `hidmapd record /dev/hidrawN` writes the device's header and
 *             every report it sent, byte for byte, until SIGINT
 *   replay-uinput  `hidmapd replay --uinput FILE`: the uinput devices it
 *             creates deliver the events `hidmapd replay FILE` prints
 */
#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>

#include "sink.h"
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

static int write_led(struct vm_output *o, unsigned code, int value)
{
	struct input_event ev[2] = {
	    {.type = EV_LED, .code = (uint16_t)code, .value = value},
	    {.type = EV_SYN, .code = SYN_REPORT, .value = 0},
	};

	if (write(o->fd, ev, sizeof(ev)) != (ssize_t)sizeof(ev))
		return vm_fail("%s: writing EV_LED: %s", o->devnode, strerror(errno));
	return 0;
}

/*
 * Waits for an output report on t whose LED byte is `leds`.  The LED field
 * of synthetic/hidtools-ledkeyboard.hid is "05 08 19 01 29 05 91 02": LED
 * page usages 1-5 (Num Lock, Caps Lock, Scroll Lock, Compose, Kana) as
 * bits 0-4 of the only output report, which has no report ID.  Written to
 * hidraw, the report starts with the report number 0, and uhid passes it
 * on as it is (usbhid would strip it before the USB transfer).
 */
static int expect_led_report(struct vm_tdev *t, uint8_t leds, const char *what)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	unsigned first = t->nout;

	for (;;) {
		for (unsigned i = first; i < t->nout; i++) {
			if (t->out_size[i] == 2 && t->out[i][0] == 0 && t->out[i][1] == leds) {
				vm_note("%s: output report %02x %02x", what, t->out[i][0],
				        t->out[i][1]);
				return 0;
			}
		}
		if (vm_now_us() >= deadline)
			break;
		vm_sleep_ms(2);
		(void)vm_tdev_service(t);
	}
	vm_fail("%s: no output report 00 %02x reached the device within %d ms", what, leds,
	        EVENT_TIMEOUT_MS);
	for (unsigned i = first; i < t->nout; i++) {
		printf("  got:");
		for (size_t j = 0; j < t->out_size[i]; j++)
			printf(" %02x", t->out[i][j]);
		putchar('\n');
	}
	return -1;
}

int scenario_led(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];
	int r = 0;

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (vm_config_write("config", vm_keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    vm_start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (!libevdev_has_event_code(outs[0][0].evdev, EV_LED, LED_CAPSL)) {
		r = vm_fail("%s has no LED_CAPSL", outs[0][0].devnode);
		goto out;
	}
	/* what the console's keyboard handler sets when a keyboard appears */
	vm_sleep_ms(100);
	(void)vm_tdev_service(kbd);
	if (kbd->nout)
		vm_note("%u output report(s) before the test, last %02x %02x", kbd->nout,
		        kbd->out[kbd->nout - 1][0], kbd->out[kbd->nout - 1][1]);

	if (write_led(&outs[0][0], LED_CAPSL, 1) < 0 ||
	    expect_led_report(kbd, 0x02, "LED_CAPSL 1") < 0 ||
	    write_led(&outs[0][0], LED_NUML, 1) < 0 ||
	    expect_led_report(kbd, 0x03, "LED_NUML 1") < 0 ||
	    write_led(&outs[0][0], LED_CAPSL, 0) < 0 ||
	    expect_led_report(kbd, 0x01, "LED_CAPSL 0") < 0)
		r = -1;
out:
	vm_outputs_close(outs[0], nouts[0]);
	return r;
}

/* ---- CLI: record and replay --uinput -------------------------------------- */

/*
 * `hidmapd record /dev/hidrawN` writes what the device sent: the header
 * (name, bus, ids, descriptor) as the kernel knows the device, then every
 * report, byte for byte, until SIGINT.
 */
int scenario_record(void)
{
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	_cleanup_(hm_recording_freep) struct hm_recording *got = NULL;
	char buf[PATH_MAX], node[64], out[PATH_MAX], err[PATH_MAX];
	const char *argv[] = {"hidmapd", "record", node, NULL};
	uint64_t deadline;
	pid_t pid;
	int rc;

	if (vm_tdev_new("keyboard",
	                vm_kdata("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, vm_kbd_press_a, &kbd) < 0)
		return -1;
	snprintf(node, sizeof(node), "/dev/%s", kbd->hidraw);
	snprintf(out, sizeof(out), "%s/record.hid", vm_tmpdir);
	snprintf(err, sizeof(err), "%s/record.log", vm_tmpdir);
	pid = vm_spawn(argv, out, err);
	if (pid < 0)
		return vm_fail("fork: %s", strerror(errno));

	/* reports only reach readers that have the node open */
	deadline = vm_now_us() + 5000000u;
	while (vm_count_node_fds(pid, kbd->hidraw) < 1 && vm_now_us() < deadline)
		vm_sleep_ms(5);
	if (vm_count_node_fds(pid, kbd->hidraw) < 1) {
		kill(pid, SIGKILL);
		vm_wait_child(pid, 1000);
		return vm_fail("hidmapd record did not open %s", node);
	}
	for (size_t i = 0; i < kbd->rec->nevents; i++)
		if (vm_uhid_input(kbd->uhid, kbd->rec->events[i].data, kbd->rec->events[i].size) <
		    0)
			return vm_fail("UHID_INPUT2: %s", strerror(errno));
	vm_sleep_ms(200);
	kill(pid, SIGINT);
	rc = vm_wait_child(pid, STOP_TIMEOUT_MS);
	if (rc != 0)
		return vm_fail("hidmapd record exited with %d on SIGINT", rc);

	if (hm_recording_load(out, &got) < 0)
		return vm_fail("%s does not parse as a recording", out);
	if (!streq(got->name, kbd->rec->name) || got->bus != kbd->rec->bus ||
	    got->vendor != kbd->rec->vendor || got->product != kbd->rec->product)
		return vm_fail("recorded header: \"%s\" %x %04x:%04x, expected \"%s\" %x %04x:%04x",
		               got->name, got->bus, got->vendor, got->product, kbd->rec->name,
		               kbd->rec->bus, kbd->rec->vendor, kbd->rec->product);
	if (got->rdesc_size != kbd->rec->rdesc_size ||
	    memcmp(got->rdesc, kbd->rec->rdesc, got->rdesc_size) != 0)
		return vm_fail("recorded descriptor differs from the device's");
	if (got->nevents != kbd->rec->nevents)
		return vm_fail("recorded %zu reports, sent %zu", got->nevents, kbd->rec->nevents);
	for (size_t i = 0; i < got->nevents; i++)
		if (got->events[i].size != kbd->rec->events[i].size ||
		    memcmp(got->events[i].data, kbd->rec->events[i].data, got->events[i].size))
			return vm_fail("recorded report %zu differs from the one sent", i);
	for (size_t i = 1; i < got->nevents; i++)
		if (got->events[i].time_us < got->events[i - 1].time_us)
			return vm_fail("recorded timestamps go backwards at report %zu", i);
	vm_note("record: %zu reports and the descriptor recorded byte for byte", got->nevents);
	return 0;
}

/*
 * `hidmapd replay --uinput FILE` injects for real: the uinput devices it
 * creates deliver, device by device, the events `hidmapd replay FILE` prints.
 */
int scenario_replay_uinput(void)
{
	_cleanup_(hm_recording_freep) struct hm_recording *src = NULL;
	static struct vm_reader rd[MAX_OUTPUTS]; /* large: not on the stack */
	struct vm_replay rp;
	char buf[PATH_MAX], file[PATH_MAX], err[PATH_MAX], prefix[96];
	const char *argv[] = {"hidmapd", "replay", "--uinput", file, NULL};
	size_t nfound = 0;
	uint64_t deadline;
	FILE *f;
	pid_t pid;
	int r = 0, rc;

	memset(rd, 0, sizeof(rd));
	if (hm_recording_load(vm_kdata("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                      &src) < 0)
		return vm_fail("cannot load the source recording");
	/* the first report 3 s in (replay --uinput keeps a recording's leading
	 * pause), so that the devices can be opened before, even on a loaded
	 * emulated CPU */
	snprintf(file, sizeof(file), "%s/replay-uinput.hid", vm_tmpdir);
	f = fopen(file, "we");
	if (!f)
		return vm_fail("%s: %s", file, strerror(errno));
	hm_recording_write_header(f, src->name, src->bus, src->vendor, src->product, src->rdesc,
	                          src->rdesc_size);
	/* 20 ms apart: the reader threads must keep up with the evdev buffer
	 * (64 events for this keyboard) on a loaded emulated CPU; at 2 ms a
	 * 30 ms pause of the reader gave SYN_DROPPED */
	for (size_t i = 0; i < src->nevents; i++)
		hm_recording_write_event(f, 3000000u + (uint64_t)i * 20000u, src->events[i].data,
		                         src->events[i].size);
	fclose(f);
	if (vm_replay_run(NULL, file, &rp) < 0)
		return -1;

	snprintf(err, sizeof(err), "%s/replay-uinput.log", vm_tmpdir);
	pid = vm_spawn(argv, NULL, err);
	if (pid < 0) {
		vm_replay_free(&rp);
		return vm_fail("fork: %s", strerror(errno));
	}
	snprintf(prefix, sizeof(prefix), "hidmapd/replay-uinput.hid/input");
	deadline = vm_now_us() + 2900000u;
	while (nfound < rp.ndevices && vm_now_us() < deadline) {
		DIR *d = opendir("/sys/class/input");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[PATH_MAX], phys[96], node[300];
			uint32_t k;

			if (!startswith(de->d_name, "event"))
				continue;
			snprintf(path, sizeof(path), "/sys/class/input/%s/device/phys", de->d_name);
			vm_read_attr(path, phys, sizeof(phys));
			if (!startswith(phys, prefix) ||
			    safe_atou32_base(phys + strlen(prefix), 10, &k) < 0 ||
			    k >= rp.ndevices || rd[k].devnode[0])
				continue;
			snprintf(node, sizeof(node), "/dev/input/%s", de->d_name);
			if (vm_reader_start(&rd[k], node) < 0) {
				r = -1;
				break;
			}
			nfound++;
		}
		if (d)
			closedir(d);
		vm_sleep_ms(2);
	}
	rc = vm_wait_child(pid, 10000);
	if (nfound != rp.ndevices)
		r = vm_fail(
		    "replay --uinput: found %zu of %zu uinput devices before the first report",
		    nfound, rp.ndevices);
	if (rc != 0)
		r = vm_fail("hidmapd replay --uinput exited with %d", rc);

	for (size_t k = 0; k < rp.ndevices && r == 0; k++) {
		_cleanup_free_ char *want = NULL, *live = NULL;
		size_t want_len = 0, live_len = 0;
		FILE *w = open_memstream(&want, &want_len), *l = open_memstream(&live, &live_len);
		char tag[32];

		vm_reader_wait_end(&rd[k], STOP_TIMEOUT_MS);
		/* replay's E: lines of device k, in order */
		snprintf(tag, sizeof(tag), "E: %zu ", k);
		for (size_t b = 0; b < rp.nblocks; b++)
			for (char *line = rp.block[b]; line && *line;) {
				char *end = strchr(line, '\n');
				size_t len = end ? (size_t)(end - line + 1) : strlen(line);

				if (startswith(line, tag))
					fwrite(line, 1, len, w);
				line += len;
			}
		pthread_mutex_lock(&rd[k].lock);
		for (size_t i = 0; i < rd[k].n; i++)
			if (!(rd[k].ev[i].type == EV_KEY && rd[k].ev[i].value == 2))
				hm_print_event(l, (unsigned)k, rd[k].ev[i].type, rd[k].ev[i].code,
				               rd[k].ev[i].value);
		pthread_mutex_unlock(&rd[k].lock);
		fclose(w);
		fclose(l);
		/* what follows the recording on uinput is the teardown's releases */
		if (strncmp(live, want, strlen(want)) != 0) {
			r = vm_fail(
			    "replay --uinput: device %zu delivered other events than replay "
			    "prints",
			    k);
			vm_print_indented("replay", want);
			vm_print_indented("uinput", live);
		} else {
			vm_note(
			    "replay --uinput: device %zu delivered replay's %zu bytes of E: lines",
			    k, strlen(want));
		}
	}
	for (size_t k = 0; k < rp.ndevices; k++)
		if (rd[k].devnode[0])
			vm_reader_stop(&rd[k]);
	vm_replay_free(&rp);
	return r;
}
