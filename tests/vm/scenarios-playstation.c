/* SPDX-License-Identifier: MIT */
/*
 * VM scenarios ps-ds4-usb, ps-ds4-bt, ps-ds5-usb, ps-ds5-bt and
 * ps-ds5edge-usb (issue 13): the real daemon on the five PlayStation models
 * against the kernel's own drivers, one model per scenario.
 *
 * The recordings of tests/data/playstation (DualShock 4 USB and Bluetooth,
 * DualSense USB and Bluetooth, DualSense Edge USB) become uhid devices with
 * their real ids (Bluetooth ones with uniq aa:bb:cc:dd:ee:ff, as HIDP sets
 * it); a thread per device answers their feature requests from the
 * recording's .features file and keeps their output reports
 * (ps-oracle-uhid.h).  hid keeps ignore_special_drivers=1, so hid-generic
 * binds them, not the vendor drivers that run-vm.sh also loads: the daemon
 * (`hidmapd run`, no config: the modules claim the devices by their ids)
 * drives them as it would on a system without those drivers.  Each
 * scenario checks its model:
 *   1. its uinput devices (D:/C: lines) and, report by report, their events
 *      must be what `hidmapd replay --features FILE REC` prints;
 *   2. the same capture must match the kernel's answer
 *      (tests/data/kernel/playstation/<model>.txt, made by ps-oracle in this
 *      VM from the same reports and replies), through
 *      tests/data/playstation/parity.py, which normalises the listed
 *      differences of 6.1's hid-sony from today's hid-playstation for the
 *      DualShock 4, and the Edge's extra buttons; and the nodes' ids (bus,
 *      vendor, product, version, force-feedback effects: <model>.ids) must
 *      be the kernel's nodes';
 *   3. the rumble check (ps_rumble_check(): the same rumble, periodic and
 *      gain effects, played on hidmapd's gamepad node) must give the motor
 *      bytes the kernel's driver sent (<model>.rumble), Bluetooth CRCs
 *      valid.
 * All three run; the scenario fails if any of them failed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>

#include "ps-oracle-uhid.h"
#include "scenarios-playstation.h"
#include "sink.h"
#include "util-strings.h"

#include "scenario-list.h"
#include "vm-harness.h"

#define PS_NOUTPUTS 3 /* gamepad, Motion Sensors, Touchpad */

/* tests/data/<sub>/<model><ext>, from the kernel data dir
 * (tests/data/kernel) */
static const char *data_path(const char *sub, const char *model, const char *ext, char *buf,
                             size_t size)
{
	snprintf(buf, size, "%s/../%s/%s%s", vm_kdata_dir, sub, model, ext);
	return buf;
}

/* The whole file, malloc'ed, or NULL after vm_fail(). */
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *s = NULL;
	size_t len = 0;
	FILE *m;
	char buf[4096];
	size_t n;

	if (!f) {
		vm_fail("%s: %s", path, strerror(errno));
		return NULL;
	}
	m = open_memstream(&s, &len);
	if (!m) {
		fclose(f);
		vm_fail("out of memory");
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(f);
	if (fclose(m) != 0) {
		free(s);
		vm_fail("out of memory");
		return NULL;
	}
	return s;
}

/* `hidmapd replay --features F REC` into path */
static int run_replay(const char *rec, const char *features, const char *path)
{
	const char *argv[] = {"hidmapd", "replay", "--features", features, rec, NULL};
	char err[PATH_MAX + 16];
	pid_t pid;
	int st;

	snprintf(err, sizeof(err), "%s.err", path);
	pid = vm_spawn(argv, path, err);
	if (pid < 0)
		return vm_fail("fork: %s", strerror(errno));
	st = vm_wait_child(pid, 60000);
	if (st != 0) {
		vm_print_indented("hidmapd replay's errors", vm_slurp(err));
		return vm_fail("hidmapd replay --features %s %s: exit status %d", features, rec,
		               st);
	}
	return 0;
}

/* The block of report k in a replay text (after "R: k\n", up to the next
 * "R: " or the end), or "" */
const char *block_of(const char *text, size_t k, size_t *ret_len)
{
	char needle[32];
	const char *p, *end;

	snprintf(needle, sizeof(needle), "\nR: %zu\n", k);
	p = strstr(text, needle);
	if (!p) {
		*ret_len = 0;
		return "";
	}
	p += strlen(needle);
	end = strstr(p, "\nR: ");
	*ret_len = end ? (size_t)(end - p) + 1 : strlen(p);
	return p;
}

unsigned count_frames(const char *block, size_t len, unsigned dev)
{
	char needle[48];
	unsigned n = 0;
	size_t nl;

	nl = (size_t)snprintf(needle, sizeof(needle), "E: %u EV_SYN SYN_REPORT", dev);
	for (size_t i = 0; i + nl <= len; i++)
		if ((i == 0 || block[i - 1] == '\n') && !strncmp(block + i, needle, nl))
			n++;
	return n;
}

int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* Runs a shell command, its output in the log; its exit status. */
int run_shell(const char *cmd)
{
	int st;

	fflush(NULL);
	st = system(cmd);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Reads the outputs until each has delivered want[i] frames, or for
 * EVENT_TIMEOUT_MS.  No settling time after: a frame more than replay's
 * shows in the next report's block, which then differs just as well. */
void collect(struct vm_output *o, size_t n, const unsigned *want)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;

	for (;;) {
		struct pollfd p[MAX_OUTPUTS];
		bool done = true;

		for (size_t i = 0; i < n; i++) {
			(void)vm_output_drain(&o[i], (unsigned)i);
			if (o[i].nsyn < want[i])
				done = false;
		}
		if (done || vm_now_us() >= deadline)
			return;
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = o[i].fd, .events = POLLIN};
		(void)poll(p, n, 5);
	}
}

int capture_daemon(struct ps_uhid *u, struct vm_output *o, size_t n, const char *replay, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return vm_fail("out of memory");
	for (size_t i = 0; i < n; i++)
		hm_print_device(f, (unsigned)i, o[i].evdev);
	for (size_t k = 0; k < u->rec->nevents; k++) {
		const struct hm_recording_event *e = &u->rec->events[k];
		unsigned want[MAX_OUTPUTS];
		size_t blen;
		const char *block = block_of(replay, k, &blen);
		int r;

		for (size_t i = 0; i < n; i++)
			want[i] = count_frames(block, blen, (unsigned)i);
		r = ps_uhid_input(u, e->data, e->size);
		if (r < 0) {
			fclose(f);
			free(text);
			return vm_fail("%s:%u: UHID_INPUT2: %s", u->rec->path, e->line,
			               strerror(-r));
		}
		collect(o, n, want);
		fprintf(f, "R: %zu\n", k);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *s = vm_output_take(&o[i]);

			if (s)
				fputs(s, f);
		}
	}
	if (fclose(f) != 0) {
		free(text);
		return vm_fail("out of memory");
	}
	*ret = text;
	return 0;
}

static int check_model(const char *model, struct ps_uhid *u, struct vm_output *o, size_t n)
{
	char rec[PATH_MAX], feat[PATH_MAX], kfile[PATH_MAX], krumble[PATH_MAX], parity[PATH_MAX];
	char replay_path[PATH_MAX], daemon_path[PATH_MAX], rumble_path[PATH_MAX], cmd[8 * PATH_MAX];
	_cleanup_free_ char *live = NULL, *replay = NULL;
	int ff = -1, status = 0;
	FILE *f;

	data_path("playstation", model, ".hid", rec, sizeof(rec));
	data_path("playstation", model, ".features", feat, sizeof(feat));
	data_path("playstation", "parity", ".py", parity, sizeof(parity));
	snprintf(krumble, sizeof(krumble), "%s/playstation/%s.rumble", vm_kdata_dir, model);
	snprintf(kfile, sizeof(kfile), "%s/playstation/%s.txt", vm_kdata_dir, model);
	snprintf(replay_path, sizeof(replay_path), "%s/%s-%s.replay", vm_tmpdir, vm_scenario,
	         model);
	snprintf(daemon_path, sizeof(daemon_path), "%s/%s-%s.daemon", vm_tmpdir, vm_scenario,
	         model);
	snprintf(rumble_path, sizeof(rumble_path), "%s/%s-%s.rumble", vm_tmpdir, vm_scenario,
	         model);

	/* 1. the daemon against replay */
	if (run_replay(rec, feat, replay_path) < 0)
		return -1;
	replay = read_all(replay_path);
	if (!replay)
		return -1;
	{
		if (capture_daemon(u, o, n, replay, &live) < 0)
			return -1;
		if (write_text(daemon_path, live) < 0)
			return -1;
		if (!streq(live, replay)) {
			status = vm_fail("%s: hidmapd's uinput devices differ from `hidmapd replay "
			                 "--features` (- replay, + daemon):",
			                 model);
			snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' | head -n 80", replay_path,
			         daemon_path);
			(void)run_shell(cmd);
		} else {
			vm_note("%s: the daemon's %zu uinput device(s) and %zu report(s) are "
			        "replay's",
			        model, n, u->rec->nevents);
		}
	}

	/* 2. the daemon against the kernel */
	snprintf(cmd, sizeof(cmd), "python3 '%s' compare '%s' '%s'", parity, kfile, daemon_path);
	if (run_shell(cmd) != 0)
		status = vm_fail("%s: hidmapd's uinput devices differ from the kernel's", model);

	/* 2b. the ids (bus, vendor, product, version) of every node, which
	 * the replay format does not have: the same set as the kernel's */
	{
		char ids_path[PATH_MAX], kids[PATH_MAX];
		FILE *fi;

		snprintf(kids, sizeof(kids), "%s/playstation/%s.ids", vm_kdata_dir, model);
		snprintf(ids_path, sizeof(ids_path), "%s/%s-%s.ids", vm_tmpdir, vm_scenario, model);
		fi = fopen(ids_path, "we");
		if (!fi)
			return vm_fail("%s: %s", ids_path, strerror(errno));
		for (size_t i = 0; i < n; i++)
			ps_print_ids(fi, o[i].evdev);
		fclose(fi);
		snprintf(cmd, sizeof(cmd),
		         "sort '%s' > '%s.kernel' && sort -o '%s' '%s' && diff -u '%s.kernel' '%s'",
		         kids, ids_path, ids_path, ids_path, ids_path, ids_path);
		if (run_shell(cmd) != 0)
			status = vm_fail("%s: the ids of hidmapd's uinput devices differ from the "
			                 "kernel's nodes' (- kernel, + hidmapd)",
			                 model);
	}

	/* 3. rumble */
	for (size_t i = 0; i < n && ff < 0; i++)
		if (libevdev_has_event_type(o[i].evdev, EV_FF))
			ff = (int)i;
	if (ff < 0)
		return vm_fail("%s: no uinput device of hidmapd's has EV_FF", model);
	f = fopen(rumble_path, "we");
	if (!f)
		return vm_fail("%s: %s", rumble_path, strerror(errno));
	fprintf(f, "# %s: hidmapd's rumble output for each effect\n", model);
	if (ps_rumble_check(u, o[ff].fd, f) < 0) {
		fclose(f);
		return vm_fail("%s: the rumble check failed on %s", model, o[ff].devnode);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 '%s' rumble '%s' '%s' && cat '%s'", parity, krumble,
	         rumble_path, rumble_path);
	if (run_shell(cmd) != 0) {
		vm_print_indented("hidmapd's rumble", vm_slurp(rumble_path));
		status = vm_fail("%s: hidmapd's rumble output differs from the kernel's", model);
	}
	return status;
}

int model_uhid_new(const char *model, const char *rec, const char *features, struct ps_uhid **ret)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *u = NULL;
	char param[16];
	int r;

	vm_read_attr("/sys/module/hid/parameters/ignore_special_drivers", param, sizeof(param));
	if (!streq(param, "1") && !streq(param, "Y"))
		return vm_fail("hid's ignore_special_drivers is \"%s\", run-vm.sh sets 1", param);
	r = ps_uhid_new(rec, features, &u);
	if (r >= 0)
		r = ps_uhid_wait_bound(u, PS_BIND_TIMEOUT);
	if (r < 0)
		return vm_fail("%s: the uhid device was not bound: %s", model, strerror(-r));
	if (!streq(u->driver, "hid-generic") || !u->hidraw[0])
		return vm_fail("%s: bound by %s (hidraw \"%s\"), expected hid-generic", model,
		               u->driver, u->hidraw);
	vm_note("%s: %s %04x:%04x:%04x is /dev/%s (hid-generic)", model, u->rec->name, u->rec->bus,
	        u->rec->vendor, u->rec->product, u->hidraw);
	*ret = u;
	u = NULL;
	return 0;
}

/* The daemon's uinput event nodes of hidraw, by their phys
 * "hidmapd/<hidraw>/inputK" alone (vm_find_outputs() falls back to the
 * ids, which the USB and Bluetooth pads share), sorted by K. */
size_t find_outputs(const char *hidraw, struct vm_output *o, size_t max)
{
	char prefix[64];
	struct dirent *de;
	DIR *d = opendir("/sys/class/input");
	size_t n = 0;

	if (!d)
		return 0;
	snprintf(prefix, sizeof(prefix), "hidmapd/%s/input", hidraw);
	while ((de = readdir(d))) {
		char path[PATH_MAX], phys[96];
		const char *k;
		uint32_t index;

		if (!startswith(de->d_name, "event") || n == max)
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/device/phys", de->d_name);
		vm_read_attr(path, phys, sizeof(phys));
		k = startswith(phys, prefix);
		if (!k || safe_atou32_base(k, 10, &index) < 0)
			continue;
		o[n] = (struct vm_output){.index = index, .fd = -1};
		if (snprintf(o[n].devnode, sizeof(o[n].devnode), "/dev/input/%s", de->d_name) >=
		    (int)sizeof(o[n].devnode))
			continue;
		snprintf(o[n].phys, sizeof(o[n].phys), "%s", phys);
		n++;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++) /* insertion sort by K */
		for (size_t j = i; j > 0 && o[j - 1].index > o[j].index; j--) {
			struct vm_output x = o[j];

			o[j] = o[j - 1];
			o[j - 1] = x;
		}
	return n;
}

static int run_model(const char *model)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *u = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char rec[PATH_MAX], feat[PATH_MAX];
	uint64_t t0, deadline;
	size_t n = 0;
	int r;

	memset(o, 0, sizeof(o));
	data_path("playstation", model, ".hid", rec, sizeof(rec));
	data_path("playstation", model, ".features", feat, sizeof(feat));
	if (model_uhid_new(model, rec, feat, &u) < 0)
		return -1;

	vm_warm_up();
	if (vm_daemon_start(NULL, &t0) < 0)
		return -1;
	deadline = t0 + 10000000u;
	while ((n = find_outputs(u->hidraw, o, MAX_OUTPUTS)) < PS_NOUTPUTS) {
		if (vm_now_us() > deadline || !vm_daemon_alive())
			return vm_fail("%s: hidmapd created %zu of %d uinput devices for /dev/%s "
			               "within 10 s",
			               model, n, PS_NOUTPUTS, u->hidraw);
		vm_sleep_ms(10);
	}
	/* initialised: the module's feature requests are answered (the
	 * outputs exist once probe is done, its requests may still run) */
	vm_sleep_ms(300);
	n = find_outputs(u->hidraw, o, MAX_OUTPUTS);
	vm_note("%s: %zu uinput devices after %.0f ms; %u GET_REPORT(s) answered, %u output "
	        "report(s)",
	        model, n, (double)(vm_now_us() - t0) / 1000.0, u->get_reports, ps_uhid_noutputs(u));
	if (vm_outputs_open(o, n, O_RDWR | O_NONBLOCK) < 0)
		return -1;
	r = check_model(model, u, o, n);
	vm_outputs_close(o, n);
	vm_daemon_kill();
	return r;
}

int scenario_ps_ds4_usb(void)
{
	return run_model("ds4-usb");
}

int scenario_ps_ds4_bt(void)
{
	return run_model("ds4-bt");
}

int scenario_ps_ds5_usb(void)
{
	return run_model("ds5-usb");
}

int scenario_ps_ds5_bt(void)
{
	return run_model("ds5-bt");
}

int scenario_ps_ds5edge_usb(void)
{
	return run_model("ds5edge-usb");
}
