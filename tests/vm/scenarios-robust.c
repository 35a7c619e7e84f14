/* SPDX-License-Identifier: MIT */
/*
 * Robustness scenarios (issue 16), on the helpers of vm-harness.h:
 *
 *   config-watch  the default search path with ~/.config/hidmapd missing and
 *                 the configuration in the system directory: with KEY_A
 *                 held on the uinput keyboard, an application saving
 *                 ~/.config/someapp.ini reloads nothing, and saving the
 *                 real configuration unchanged reloads it but KEY_A stays
 *                 down (EVIOCGKEY) on the same uinput device; when
 *                 ~/.config/hidmapd appears the daemon's inotify watch
 *                 (read from /proc/PID/fdinfo) moves from ~/.config onto
 *                 it; a real change of the mapping still releases A
 *   release-axes  a gamepad (8BitDo Zero 2 descriptor) driven by the
 *                 generic module, unplugged with the hat pushed and a
 *                 button held, with a replug grace period: the button is
 *                 released and the hat centred on the uinput device, which
 *                 stays; the stick, whose rest the module cannot know,
 *                 keeps its value
 *   release-contacts  the core's multitouch release on a real uinput device
 *                 (no module drives a multitouch device through slots yet,
 *                 so the virtual device is fed directly): two contacts
 *                 down, then release-all; the kernel's own state
 *                 (EVIOCGMTSLOTS, EVIOCGKEY, EVIOCGABS) has every slot
 *                 free, BTN_TOUCH and BTN_TOOL_DOUBLETAP up, ABS_PRESSURE 0,
 *                 ABS_X where it was, and its event stream is the release
 *                 frame of hid-multitouch's mt_release_contacts()
 */
#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "build-config.h"
#include "util-strings.h"
#include "vdev.h"

#include "scenario-list.h"
#include "vm-harness.h"

/* Whether dir is path or one of its ancestors. */
static bool covers(const char *dir, const char *path)
{
	const char *rest = startswith(path, dir);

	return rest && (!*rest || *rest == '/' || streq(dir, "/"));
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/*
 * The system configuration directory (HIDMAPD_SYSCONFDIR) made writable in
 * a mount namespace of this scenario (and the daemon it starts): a tmpfs on
 * its nearest existing ancestor, which the host's read-only root has.
 * Returns 0, 77 when that ancestor would hide the system or the build, or
 * -1.  *parent is the ancestor.
 */
static int private_sysconfdir(char *parent, size_t size)
{
	static const char *const system_dirs[] = {"/", "/etc", "/usr", "/var", "/home", "/run"};
	const char *used[] = {vm_hidmapd, vm_corpus_dir, vm_tmpdir};
	char *slash;
	int r;

	snprintf(parent, size, "%s", HIDMAPD_SYSCONFDIR);
	do {
		slash = strrchr(parent, '/');
		if (!slash)
			return vm_fail("unexpected HIDMAPD_SYSCONFDIR %s", HIDMAPD_SYSCONFDIR);
		slash[slash == parent] = '\0';
	} while (access(parent, F_OK) < 0);
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs); i++)
		if (streq(parent, system_dirs[i])) {
			printf("SKIP: HIDMAPD_SYSCONFDIR %s: a tmpfs on %s would hide the system "
			       "(configure with the default prefix)\n",
			       HIDMAPD_SYSCONFDIR, parent);
			return 77;
		}
	for (size_t i = 0; i < ARRAY_SIZE(used); i++)
		if (covers(parent, used[i])) {
			printf("SKIP: a tmpfs on %s would hide %s\n", parent, used[i]);
			return 77;
		}
	if (unshare(CLONE_NEWNS) < 0)
		return vm_fail("unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return vm_fail("making / private: %s", strerror(errno));
	if (mount("tmpfs", parent, "tmpfs", 0, "mode=0755") < 0)
		return vm_fail("tmpfs on %s: %s", parent, strerror(errno));
	r = make_dirs(HIDMAPD_SYSCONFDIR);
	if (r < 0)
		return vm_fail("%s: %s", HIDMAPD_SYSCONFDIR, strerror(-r));
	return 0;
}

/* Whether the daemon's inotify fd watches path (fdinfo's ino of each
 * watch, compared with path's inode), or -1 when it has no inotify fd. */
static int daemon_watches(const char *path)
{
	char dir[64], link[PATH_MAX], target[64], line[512];
	struct stat st;
	struct dirent *de;
	int found = -1;
	DIR *d;

	if (stat(path, &st) < 0)
		return 0;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)vm_daemon_pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t n;
		FILE *f;

		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!streq(target, "anon_inode:inotify"))
			continue;
		snprintf(link, sizeof(link), "/proc/%d/fdinfo/%s", (int)vm_daemon_pid, de->d_name);
		f = fopen(link, "re");
		if (!f)
			continue;
		if (found < 0)
			found = 0;
		while (fgets(line, sizeof(line), f)) {
			const char *ino = strstr(line, " ino:");

			if (startswith(line, "inotify wd:") && ino &&
			    strtoul(ino + 5, NULL, 16) == (unsigned long)st.st_ino)
				found = 1;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* No reload within ms of off in the log. */
static int expect_no_reload(long off, unsigned ms, const char *after)
{
	if (vm_daemon_log_wait("a configuration file changed", off, ms) ||
	    vm_daemon_log_wait("configuration reloaded", off, 1))
		return vm_fail("hidmapd reloaded its configuration after %s", after);
	return 0;
}

static int expect_a_down(const struct vm_output *o, const char *when)
{
	int r = vm_key_down(o, KEY_A);

	if (r < 0)
		return vm_fail("%s: EVIOCGKEY on %s: %s (the uinput device went?)", when,
		               o->devnode, strerror(-r));
	if (r != 1)
		return vm_fail("%s: KEY_A is no longer down on %s", when, o->devnode);
	vm_note("%s: KEY_A still down on %s", when, o->devnode);
	return 0;
}

int scenario_config_watch(void)
{
	static const char *body = "[device kbd]\n"
	                          "match = 1209:0001\n"
	                          "[remap kbd]\n"
	                          "KEY_B = KEY_C\n";
	_cleanup_(vm_tdev_freep) struct vm_tdev *kbd = NULL;
	struct vm_output o[MAX_OUTPUTS];
	char parent[PATH_MAX], home[PATH_MAX], dotconfig[PATH_MAX + 16], userdir[PATH_MAX + 32],
	    path[PATH_MAX + 64], tmp[PATH_MAX + 64], sysconf[PATH_MAX], buf[PATH_MAX], input1[64],
	    input2[64];
	size_t n;
	long off;
	int r;

	r = private_sysconfdir(parent, sizeof(parent));
	if (r == 77)
		exit(77);
	if (r < 0)
		return -1;
	snprintf(sysconf, sizeof(sysconf), "%s/kbd.ini", HIDMAPD_SYSCONFDIR);
	/* on TMPDIR's tmpfs: the results share is 9p, where inotify hears
	 * nothing reliably */
	snprintf(home, sizeof(home), "%s/%s-home", vm_sockdir(), vm_scenario);
	snprintf(dotconfig, sizeof(dotconfig), "%s/.config", home);
	snprintf(userdir, sizeof(userdir), "%s/hidmapd", dotconfig);
	if (vm_write_file(sysconf, body) < 0 || (mkdir(home, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(dotconfig, 0700) < 0 && errno != EEXIST))
		return vm_fail("cannot prepare %s", home);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	vm_note("configuration in %s (tmpfs on %s); %s missing", sysconf, parent, userdir);

	if (vm_tdev_new("keyboard",
	                vm_corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	                KEYBOARD_PID, NULL, &kbd) < 0 ||
	    vm_daemon_start(NULL, NULL) < 0)
		return -1;
	n = vm_wait_outputs(&kbd, 1, kbd, 1, o, 10000);
	if (n < 1)
		return vm_fail("hidmapd did not drive /dev/%s within 10 s", kbd->hidraw);
	/* sysfs shows the input device a moment before devtmpfs has its node */
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	     access(o[0].devnode, F_OK) < 0 && vm_now_us() < end;)
		vm_sleep_ms(2);
	if (vm_output_open(&o[0], O_RDWR | O_NONBLOCK) < 0)
		return -1;
	vm_input_of(o[0].devnode, input1, sizeof(input1));
	if (daemon_watches(dotconfig) != 1) {
		r = vm_fail("hidmapd does not watch %s for %s to appear", dotconfig, userdir);
		goto out;
	}

	/* A held */
	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	     vm_key_down(&o[0], KEY_A) != 1 && vm_now_us() < end;)
		vm_sleep_ms(2);
	if (expect_a_down(&o[0], "pressed") < 0) {
		r = -1;
		goto out;
	}

	/* applications saving their files next to the missing directory */
	off = vm_file_size(vm_daemon_log);
	snprintf(path, sizeof(path), "%s/someapp.ini", dotconfig);
	if (vm_write_file(path, "[someapp]\nx = 1\n") < 0) {
		r = -1;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s/pavucontrol.ini.tmp", dotconfig);
	snprintf(path, sizeof(path), "%s/pavucontrol.ini", dotconfig);
	if (vm_write_file(tmp, "[window]\nwidth = 500\n") < 0 || rename(tmp, path) < 0) {
		r = vm_fail("cannot save %s", path);
		goto out;
	}
	/* the debounce is 200 ms; 1.5 s leaves the emulated CPU room */
	vm_sleep_ms(1500);
	if (expect_a_down(&o[0], "after ~/.config/someapp.ini, pavucontrol.ini") < 0 ||
	    expect_no_reload(off, 1, "~/.config/someapp.ini and pavucontrol.ini were saved") < 0) {
		r = -1;
		goto out;
	}

	/* the real configuration saved unchanged: reloaded, A stays down */
	off = vm_file_size(vm_daemon_log);
	if (vm_write_file(sysconf, body) < 0 || vm_wait_file_reload(off, "saved unchanged") < 0) {
		r = -1;
		goto out;
	}
	if (vm_daemon_log_wait("mapping changed", off, 1) ||
	    vm_daemon_log_wait("letting go", off, 1)) {
		r = vm_fail("an unchanged configuration changed the device's mapping");
		goto out;
	}
	vm_input_of(o[0].devnode, input2, sizeof(input2));
	if (expect_a_down(&o[0], "after the unchanged configuration was reloaded") < 0) {
		r = -1;
		goto out;
	}
	if (!streq(input1, input2)) {
		r = vm_fail("the uinput device was recreated (%s, was %s)", input2, input1);
		goto out;
	}

	/* ~/.config/hidmapd appears: a reload, the watch moves onto it */
	off = vm_file_size(vm_daemon_log);
	if (mkdir(userdir, 0700) < 0) {
		r = vm_fail("%s: %s", userdir, strerror(errno));
		goto out;
	}
	if (vm_wait_file_reload(off, "directory created") < 0 ||
	    expect_a_down(&o[0], "after ~/.config/hidmapd appeared") < 0) {
		r = -1;
		goto out;
	}
	if (daemon_watches(userdir) != 1 || daemon_watches(dotconfig) != 0) {
		r = vm_fail("after %s appeared hidmapd watches it: %d, %s: %d (want 1, 0)", userdir,
		            daemon_watches(userdir), dotconfig, daemon_watches(dotconfig));
		goto out;
	}
	vm_note("%s appeared: the watch moved onto it, %s is no longer watched", userdir,
	        dotconfig);
	off = vm_file_size(vm_daemon_log);
	snprintf(path, sizeof(path), "%s/someapp.ini", dotconfig);
	if (vm_write_file(path, "[someapp]\nx = 2\n") < 0) {
		r = -1;
		goto out;
	}
	vm_sleep_ms(1500);
	if (expect_a_down(&o[0], "after ~/.config/someapp.ini again") < 0 ||
	    expect_no_reload(off, 1, "~/.config/someapp.ini was saved again") < 0) {
		r = -1;
		goto out;
	}

	/* a real change of the mapping still releases what is held */
	off = vm_file_size(vm_daemon_log);
	snprintf(path, sizeof(path), "%s/kbd.ini", userdir);
	if (vm_write_file(path, "[remap kbd]\nKEY_B = KEY_D\n") < 0 ||
	    vm_wait_file_reload(off, "changed") < 0) {
		r = -1;
		goto out;
	}
	if (!vm_daemon_log_wait("mapping changed", off, 1000)) {
		r = vm_fail("the changed mapping was not applied");
		goto out;
	}
	if (vm_key_down(&o[0], KEY_A) != 0) {
		r = vm_fail("KEY_A still down after the mapping changed");
		goto out;
	}
	vm_note("the mapping changed: KEY_A released");
	r = vm_tdev_report(kbd, vm_kbd_press_a[1]);
out:
	vm_outputs_close(o, n);
	return r;
}

/* Zero 2 input report: buttons (15 bits), hat (low nibble, 8 = null), X, Y, Z, Rz */
#define PAD_PID 0x0003

int scenario_release_axes(void)
{
	static const char *config_body = "[hidmapd]\n"
	                                 "replug-grace = 10s\n"
	                                 "[device pad]\n"
	                                 "match = 1209:0003\n";
	/* BTN_SOUTH, hat 2 (right: ABS_HAT0X 1), stick at 0x30, 0x40 */
	static const char *const pushed = "01 00 02 30 40 80 80 00 00";
	_cleanup_(vm_tdev_freep) struct vm_tdev *pad = NULL;
	struct vm_output o[MAX_OUTPUTS];
	struct input_absinfo abs;
	char config[PATH_MAX], buf[PATH_MAX];
	struct vm_reader rd;
	long press, hat, rel, centre;
	size_t n;
	int r = 0;

	if (vm_config_write("config", config_body, config, sizeof(config)) < 0 ||
	    vm_tdev_new("pad", vm_corpus("gamepad/samblenny-zero2-if0.hid", buf, sizeof(buf)),
	                PAD_PID, NULL, &pad) < 0 ||
	    vm_daemon_start(config, NULL) < 0)
		return -1;
	n = vm_wait_outputs(&pad, 1, pad, 1, o, 10000);
	if (n < 1)
		return vm_fail("hidmapd did not drive /dev/%s within 10 s", pad->hidraw);
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	     access(o[0].devnode, F_OK) < 0 && vm_now_us() < end;)
		vm_sleep_ms(2);
	if (vm_reader_start(&rd, o[0].devnode) < 0)
		return -1;
	if (vm_tdev_report(pad, pushed) < 0) {
		r = -1;
		goto out;
	}
	press = vm_reader_wait_event(&rd, EV_KEY, BTN_SOUTH, 1, EVENT_TIMEOUT_MS);
	hat = vm_reader_wait_event(&rd, EV_ABS, ABS_HAT0X, 1, EVENT_TIMEOUT_MS);
	if (press < 0 || hat < 0) {
		vm_reader_print(&rd);
		r = vm_fail("BTN_SOUTH 1 and ABS_HAT0X 1 did not arrive on %s", rd.devnode);
		goto out;
	}
	vm_note("%s: BTN_SOUTH held, hat right, stick at 0x30/0x40", rd.devnode);

	/* unplugged: within the grace period the uinput device stays */
	vm_tdev_free(steal(&pad));
	rel = centre = -1;
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	     (rel < 0 || centre < 0) && vm_now_us() < end; vm_sleep_ms(2)) {
		rel = vm_reader_find(&rd, (size_t)press + 1, EV_KEY, BTN_SOUTH, 0);
		centre = vm_reader_find(&rd, (size_t)hat + 1, EV_ABS, ABS_HAT0X, 0);
	}
	if (rel < 0 || centre < 0) {
		vm_reader_print(&rd);
		r = vm_fail("after the unplug: BTN_SOUTH %s, ABS_HAT0X %s on %s",
		            rel < 0 ? "still held" : "released", centre < 0 ? "still 1" : "centred",
		            rd.devnode);
		goto out;
	}
	if (vm_reader_done(&rd)) {
		r = vm_fail("%s went at the unplug: the grace period should keep it", rd.devnode);
		goto out;
	}
	/* the kernel's view of the device that stays: hat 0, stick where it was */
	if (ioctl(rd.fd, EVIOCGABS(ABS_HAT0X), &abs) < 0 || abs.value != 0) {
		r = vm_fail("EVIOCGABS(ABS_HAT0X) says %d, not 0", abs.value);
		goto out;
	}
	if (ioctl(rd.fd, EVIOCGABS(ABS_X), &abs) < 0 || abs.value != 0x30) {
		r = vm_fail("EVIOCGABS(ABS_X) says %d: an axis without a rest value should keep "
		            "0x30",
		            abs.value);
		goto out;
	}
	vm_note("unplugged: BTN_SOUTH released and ABS_HAT0X centred on %s, which stays; ABS_X "
	        "keeps 0x30",
	        rd.devnode);
out:
	vm_reader_stop(&rd);
	return r;
}

/* The kernel's ABS_MT_TRACKING_ID of slots 0..n-1 (EVIOCGMTSLOTS). */
static int mt_ids(int fd, int *ids, unsigned n)
{
	struct {
		uint32_t code;
		int32_t values[8];
	} req = {.code = ABS_MT_TRACKING_ID};

	if (n > 8 || ioctl(fd, EVIOCGMTSLOTS(sizeof(req)), &req) < 0)
		return -errno;
	for (unsigned i = 0; i < n; i++)
		ids[i] = req.values[i];
	return 0;
}

/* Reads what the evdev fd has queued into ev; returns how many. */
static size_t read_queued(int fd, struct input_event *ev, size_t max)
{
	size_t n = 0;

	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u; vm_now_us() < end;) {
		ssize_t len = read(fd, ev + n, (max - n) * sizeof(*ev));

		if (len > 0) {
			n += (size_t)len / sizeof(*ev);
			if (ev[n - 1].type == EV_SYN && ev[n - 1].code == SYN_REPORT)
				break;
		} else if (len < 0 && errno != EAGAIN) {
			break;
		} else {
			vm_sleep_ms(2);
		}
	}
	return n;
}

int scenario_release_contacts(void)
{
	static const struct {
		unsigned type, code;
		int value;
	} want[] = {
	    {EV_ABS, ABS_MT_SLOT, 0},  {EV_ABS, ABS_MT_TRACKING_ID, -1},
	    {EV_ABS, ABS_MT_SLOT, 1},  {EV_ABS, ABS_MT_TRACKING_ID, -1},
	    {EV_KEY, BTN_TOUCH, 0},    {EV_KEY, BTN_TOOL_DOUBLETAP, 0},
	    {EV_ABS, ABS_PRESSURE, 0}, {EV_SYN, SYN_REPORT, 0},
	};
	struct input_absinfo slot = {.minimum = 0, .maximum = 4};
	struct input_absinfo id = {.minimum = 0, .maximum = 65535};
	struct input_absinfo pos = {.minimum = 0, .maximum = 4095, .resolution = 10};
	struct input_absinfo pressure = {.minimum = 0, .maximum = 255};
	struct hm_sink *sink = hm_sink_uinput_new();
	struct libevdev *caps = libevdev_new();
	struct input_event ev[64];
	struct input_absinfo abs;
	unsigned long keys[KEY_CNT / (8 * sizeof(unsigned long)) + 1] = {0};
	struct hm_vdev *v = NULL;
	const char *node;
	char nodebuf[64];
	int ids[5], fd = -1, r = 0;
	size_t n;

	if (!sink || !caps)
		return vm_fail("out of memory");
	libevdev_set_name(caps, "hidmapd-vm multitouch");
	libevdev_set_id_bustype(caps, BUS_VIRTUAL);
	libevdev_enable_property(caps, INPUT_PROP_DIRECT);
	libevdev_enable_event_code(caps, EV_KEY, BTN_TOUCH, NULL);
	libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_FINGER, NULL);
	libevdev_enable_event_code(caps, EV_KEY, BTN_TOOL_DOUBLETAP, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &pos);
	libevdev_enable_event_code(caps, EV_ABS, ABS_Y, &pos);
	libevdev_enable_event_code(caps, EV_ABS, ABS_PRESSURE, &pressure);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_SLOT, &slot);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_X, &pos);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_POSITION_Y, &pos);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_TRACKING_ID, &id);
	libevdev_enable_event_code(caps, EV_ABS, ABS_MT_PRESSURE, &pressure);
	v = hm_vdev_new(caps);
	if (!v) {
		libevdev_free(caps);
		hm_sink_uinput_free(sink);
		return vm_fail("out of memory");
	}
	r = hm_vdev_create(v, sink);
	if (r < 0) {
		r = vm_fail("uinput device: %s", strerror(-r));
		goto out;
	}
	/* the node as the daemon's status finds it (sink node_name): unknown
	 * until the sink's thread has created the device */
	node = NULL;
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	     (!node || access(node, F_OK) < 0) && vm_now_us() < end;) {
		if (!node && sink->ops->node_name(sink, v->handle, nodebuf, sizeof(nodebuf)))
			node = nodebuf;
		else
			vm_sleep_ms(2);
	}
	fd = node ? open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd < 0) {
		r = vm_fail("the uinput device's node %s: %s", node ?: "?", strerror(errno));
		goto out;
	}

	/* two fingers: slots 0 and 1 */
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 1);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_X, 100);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_Y, 100);
	hm_vdev_event(v, EV_ABS, ABS_MT_PRESSURE, 30);
	hm_vdev_event(v, EV_ABS, ABS_MT_SLOT, 1);
	hm_vdev_event(v, EV_ABS, ABS_MT_TRACKING_ID, 2);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_X, 200);
	hm_vdev_event(v, EV_ABS, ABS_MT_POSITION_Y, 200);
	hm_vdev_event(v, EV_ABS, ABS_MT_PRESSURE, 40);
	hm_vdev_event(v, EV_KEY, BTN_TOUCH, 1);
	hm_vdev_event(v, EV_KEY, BTN_TOOL_DOUBLETAP, 1);
	hm_vdev_event(v, EV_ABS, ABS_X, 100);
	hm_vdev_event(v, EV_ABS, ABS_Y, 100);
	hm_vdev_event(v, EV_ABS, ABS_PRESSURE, 30);
	hm_vdev_flush(v);
	n = read_queued(fd, ev, ARRAY_SIZE(ev));
	if (mt_ids(fd, ids, 5) < 0 || ids[0] != 1 || ids[1] != 2 || ids[2] != -1) {
		r = vm_fail("after two contacts the kernel's slots hold %d %d %d (%zu events read)",
		            ids[0], ids[1], ids[2], n);
		goto out;
	}
	vm_note("two contacts down: the kernel's slots 0 and 1 hold tracking ids 1 and 2");

	hm_vdev_release_all(v);
	n = read_queued(fd, ev, ARRAY_SIZE(ev));
	for (size_t i = 0; i < n; i++) {
		printf("    ");
		hm_print_event(stdout, 0, ev[i].type, ev[i].code, ev[i].value);
	}
	if (n != ARRAY_SIZE(want)) {
		r = vm_fail("the kernel passed %zu events for the release, want %zu", n,
		            ARRAY_SIZE(want));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (ev[i].type != want[i].type || ev[i].code != want[i].code ||
		    ev[i].value != want[i].value) {
			r = vm_fail("release event %zu is not %s %d", i,
			            libevdev_event_code_get_name(want[i].type, want[i].code),
			            want[i].value);
			goto out;
		}
	if (mt_ids(fd, ids, 5) < 0) {
		r = vm_fail("EVIOCGMTSLOTS: %s", strerror(errno));
		goto out;
	}
	for (unsigned i = 0; i < 5; i++)
		if (ids[i] != -1) {
			r = vm_fail("slot %u still holds tracking id %d after the release", i,
			            ids[i]);
			goto out;
		}
	if (ioctl(fd, EVIOCGKEY(sizeof(keys)), keys) < 0) {
		r = vm_fail("EVIOCGKEY: %s", strerror(errno));
		goto out;
	}
	for (unsigned c = 0; c < KEY_CNT; c++)
		if (keys[c / (8 * sizeof(long))] & (1UL << (c % (8 * sizeof(long))))) {
			r = vm_fail("%s still down after the release",
			            libevdev_event_code_get_name(EV_KEY, c) ?: "?");
			goto out;
		}
	if (ioctl(fd, EVIOCGABS(ABS_PRESSURE), &abs) < 0 || abs.value != 0 ||
	    ioctl(fd, EVIOCGABS(ABS_X), &abs) < 0 || abs.value != 100) {
		r = vm_fail("after the release ABS_PRESSURE should be 0 and ABS_X stay 100");
		goto out;
	}
	vm_note("released: every slot free, no key down, ABS_PRESSURE 0, ABS_X still 100 "
	        "(the kernel's state)");
out:
	safe_close(fd);
	hm_vdev_free(v);
	hm_sink_uinput_free(sink);
	return r;
}
