/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/input.h>

#include "build-config.h"
#include "config.h"
#include "device-info.h"
#include "doctor.h"
#include "module-select.h"
#include "shipped-layouts.h"
#include "udev-rules.h"
#include "util-datadir.h"
#include "util-strings.h"

#define MAX_HOLDERS 8

static const char *const level_names[] = {"OK  ", "WARN", "FAIL"};

void hm_doctor_line(struct hm_doctor *d, enum hm_check_level level, const char *subject,
                    const char *fix, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *escaped = NULL;
	va_list ap;
	int r;

	/* device names and process names (comm) come from elsewhere: their
	 * control characters escaped */
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0)
		escaped = malloc(STR_ESCAPED_SIZE((size_t)r));
	fprintf(d->out, "%s %s: %s", level_names[level], subject,
	        escaped ? str_escape_control(msg, escaped, STR_ESCAPED_SIZE((size_t)r))
	                : "(out of memory)");
	if (fix)
		fprintf(d->out, "; fix: %s", fix);
	fputc('\n', d->out);
	d->counts[level]++;
}

static int open_rooted(const struct hm_doctor *d, const char *path, int flags)
{
	char full[PATH_MAX];
	int fd;

	if (snprintf(full, sizeof(full), "%s%s", d->dev_root, path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

#define FIX_SESSION                                                                                \
	" (uaccess needs an active local session: your desktop, not ssh; log out and in if it "    \
	"still fails)"

void hm_doctor_uinput_result(struct hm_doctor *d, int r)
{
	if (r == 0)
		hm_doctor_line(d, HM_CHECK_OK, "/dev/uinput", NULL, "readable and writable");
	else if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
		hm_doctor_line(d, HM_CHECK_FAIL, "/dev/uinput",
		               "sudo modprobe uinput (at every boot: echo uinput | sudo tee "
		               "/etc/modules-load.d/hidmapd.conf)",
		               "%s: the uinput module is not loaded", strerror(-r));
	else if (r == -EACCES || r == -EPERM || r == -EROFS)
		hm_doctor_line(d, HM_CHECK_FAIL, "/dev/uinput", HM_UDEV_INSTALL_COMMAND FIX_SESSION,
		               "cannot open it read-write: %s", strerror(-r));
	else
		hm_doctor_line(d, HM_CHECK_FAIL, "/dev/uinput",
		               "sudo modprobe -r uinput && sudo modprobe uinput",
		               "cannot open it: %s", strerror(-r));
}

void hm_doctor_uinput(struct hm_doctor *d)
{
	hm_doctor_uinput_result(d, open_rooted(d, "/dev/uinput", O_RDWR));
}

#define FIX_NO_USERNS                                                                              \
	"mkdir -p ~/.config/systemd/user/hidmapd.service.d && cp " HIDMAPD_DATADIR                 \
	"/no-userns.conf ~/.config/systemd/user/hidmapd.service.d/ && systemctl --user "           \
	"daemon-reload && systemctl --user restart hidmapd"

void hm_doctor_userns_result(struct hm_doctor *d, long apparmor_restrict, long userns_clone,
                             long max_user_namespaces, bool dropin)
{
	const char *why = NULL;

	if (apparmor_restrict > 0)
		why = "AppArmor restricts unprivileged user namespaces "
		      "(kernel.apparmor_restrict_unprivileged_userns = 1)";
	else if (userns_clone == 0)
		why = "unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0)";
	else if (max_user_namespaces == 0)
		why = "user namespaces are off (user.max_user_namespaces = 0)";

	if (!why)
		hm_doctor_line(d, HM_CHECK_OK, "sandbox", NULL,
		               "unprivileged user namespaces are available for the unit's sandbox");
	else if (dropin)
		hm_doctor_line(d, HM_CHECK_OK, "sandbox", NULL,
		               "%s; the no-userns.conf drop-in is installed, the unit runs without "
		               "the namespace sandbox",
		               why);
	else
		hm_doctor_line(d, HM_CHECK_WARN, "sandbox", FIX_NO_USERNS,
		               "%s: the service manager cannot set up hidmapd.service's sandbox, "
		               "so the unit fails to start",
		               why);
}

static long read_sysctl(struct hm_doctor *d, const char *name)
{
	char path[PATH_MAX], buf[32];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/%s", d->proc_root, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

void hm_doctor_userns(struct hm_doctor *d, const char *dropin_path)
{
	hm_doctor_userns_result(d, read_sysctl(d, "kernel/apparmor_restrict_unprivileged_userns"),
	                        read_sysctl(d, "kernel/unprivileged_userns_clone"),
	                        read_sysctl(d, "user/max_user_namespaces"),
	                        dropin_path && access(dropin_path, F_OK) == 0);
}

static void diag_line(void *userdata, const char *file, unsigned line, const char *message)
{
	struct hm_doctor *d = userdata;
	char where[PATH_MAX + 16];

	if (line)
		snprintf(where, sizeof(where), "config %s:%u", file, line);
	else
		snprintf(where, sizeof(where), "config %s", file);
	hm_doctor_line(d, HM_CHECK_FAIL, where, "correct it, then run: hidmapd check", "%s",
	               message);
}

void hm_doctor_config(struct hm_doctor *d, const char *const *paths, size_t npaths,
                      struct hm_config **ret)
{
	struct hm_config *config = NULL;
	int r = hm_module_select_load_given(paths, npaths, diag_line, d, &config);

	if (r < 0) {
		if (r != -EINVAL)
			hm_doctor_line(d, HM_CHECK_FAIL, "config", "hidmapd check",
			               "cannot read it: %s", strerror(-r));
		*ret = hm_config_new_empty();
		return;
	}
	if (config->nfiles == 0)
		hm_doctor_line(d, HM_CHECK_WARN, "config",
		               "sudo meson install -C build (the shipped defaults), or write "
		               "~/.config/hidmapd/my-devices.ini",
		               "no configuration file found: only devices a module claims are "
		               "driven, without remapping");
	else
		hm_doctor_line(d, HM_CHECK_OK, "config", NULL,
		               "%zu file%s valid, %zu [device] section%s", config->nfiles,
		               config->nfiles == 1 ? "" : "s", config->ndevices,
		               config->ndevices == 1 ? "" : "s");
	*ret = config;
}

void hm_doctor_layouts_result(struct hm_doctor *d, const char *dir, int r, size_t n,
                              enum hm_doctor_layouts_from from)
{
	bool build_tree = from == HM_LAYOUTS_BUILD_TREE;
	const char *fix = from == HM_LAYOUTS_ENV ? "unset HIDMAPD_LAYOUT_DIR, or name a folder of "
	                                           "layouts (devices/layouts) there"
	                  : build_tree
	                      ? "git checkout -- devices/layouts (the source tree's layouts)"
	                      : "reinstall hidmapd (sudo apt install --reinstall hidmapd, "
	                        "or sudo meson install -C build)";

	if (!dir)
		dir = "(none)";
	if (r == 0)
		hm_doctor_line(d, HM_CHECK_OK, "layouts", NULL, "%zu shipped layout%s in %s%s", n,
		               n == 1 ? "" : "s", dir, build_tree ? " (the build tree's)" : "");
	else
		hm_doctor_line(d, HM_CHECK_WARN, "layouts", fix,
		               "%s: %s: the devices they describe get the generic module "
		               "(KEY_UNKNOWN for their keys)",
		               dir, r == -ENOENT ? "missing, or holds no layout" : strerror(-r));
}

void hm_doctor_layouts(struct hm_doctor *d)
{
	const char *dir = NULL;
	size_t n = 0;
	int r = hm_layout_shipped_state(&dir, &n);

	const char *env = getenv("HIDMAPD_LAYOUT_DIR");

	hm_doctor_layouts_result(d, dir, r, n,
	                         env && *env                 ? HM_LAYOUTS_ENV
	                         : hm_data_from_build_tree() ? HM_LAYOUTS_BUILD_TREE
	                                                     : HM_LAYOUTS_INSTALLED);
}

void hm_doctor_hidraw_result(struct hm_doctor *d, const char *path, int r)
{
	if (r == 0)
		hm_doctor_line(d, HM_CHECK_OK, path, NULL, "readable and writable");
	else if (r == -EACCES || r == -EPERM)
		hm_doctor_line(d, HM_CHECK_FAIL, path, HM_UDEV_INSTALL_COMMAND FIX_SESSION,
		               "cannot open it read-write: %s", strerror(-r));
	else if (r == -ENOENT)
		hm_doctor_line(d, HM_CHECK_FAIL, path,
		               "sudo udevadm trigger --subsystem-match=hidraw",
		               "sysfs lists it but the node is missing: %s", strerror(-r));
	else
		hm_doctor_line(d, HM_CHECK_FAIL, path, "unplug the device and plug it in again",
		               "cannot open it: %s", strerror(-r));
}

void hm_doctor_driver_result(struct hm_doctor *d, const char *path, int r, const char *driver)
{
	char subject[96];

	snprintf(subject, sizeof(subject), "%s driver", path);
	if (r == -ENOENT)
		hm_doctor_line(d, HM_CHECK_OK, subject, NULL,
		               "no kernel driver is bound to the HID device: no evdev nodes of "
		               "its own, hidmapd's are the only ones");
	else if (r < 0)
		hm_doctor_line(d, HM_CHECK_WARN, subject, NULL,
		               "cannot tell which kernel driver is bound: %s", strerror(-r));
	else if (streq(driver, "hid-generic"))
		hm_doctor_line(d, HM_CHECK_OK, subject, NULL,
		               "hid-generic: the kernel makes plain evdev nodes of it, which "
		               "hidmapd grabs while it drives the device");
	else
		hm_doctor_line(d, HM_CHECK_OK, subject, NULL,
		               "%s, a special kernel driver: hidmapd grabs the evdev nodes it "
		               "makes while it drives the device, so the driver's own input "
		               "handling is hidden; what it does besides (LEDs, battery, force "
		               "feedback) stays",
		               driver);
}

void hm_doctor_holders(struct hm_doctor *d, const char *path)
{
	char subject[96], pids[MAX_HOLDERS][16], comms[MAX_HOLDERS][32], list[512] = "";
	char kill_cmd[320] = "SDL_JOYSTICK_HIDAPI=0 for an SDL game, Steam Input off for this "
	                     "controller in Steam's settings, or enabled = no in the device's "
	                     "[device] section to leave it to them; else kill";
	unsigned nholders = 0, nhidden = 0, ndaemon = 0, nmore = 0;
	struct hm_proc_holder h[64];
	char daemon_pid[32] = "";
	size_t n;

	snprintf(subject, sizeof(subject), "%s users", path);
	if (access(d->proc_root, R_OK) < 0) {
		hm_doctor_line(d, HM_CHECK_WARN, subject, NULL, "cannot read %s: %s", d->proc_root,
		               strerror(errno));
		return;
	}
	n = hm_proc_holders(d->proc_root, path, d->self, h, ARRAY_SIZE(h), &nhidden);
	if (n > ARRAY_SIZE(h)) {
		nmore += (unsigned)(n - ARRAY_SIZE(h));
		n = ARRAY_SIZE(h);
	}
	for (size_t i = 0; i < n; i++) {
		if (streq(h[i].comm, "hidmapd")) {
			if (!ndaemon++)
				snprintf(daemon_pid, sizeof(daemon_pid), " (pid %ld)",
				         (long)h[i].pid);
			continue;
		}
		if (nholders == MAX_HOLDERS) {
			nmore++;
			continue;
		}
		snprintf(pids[nholders], sizeof(pids[0]), "%ld", (long)h[i].pid);
		snprintf(comms[nholders], sizeof(comms[0]), "%s", h[i].comm);
		nholders++;
	}

	for (unsigned i = 0; i < nholders; i++) {
		size_t l = strlen(list), k = strlen(kill_cmd);

		snprintf(list + l, sizeof(list) - l, "%spid %s (%s)", i ? ", " : "", pids[i],
		         comms[i]);
		snprintf(kill_cmd + k, sizeof(kill_cmd) - k, " %s", pids[i]);
	}
	if (nholders)
		hm_doctor_line(d, HM_CHECK_WARN, subject, kill_cmd,
		               "also open in %s%s: it reads the same reports and may act on them "
		               "too: Steam and SDL games read pads through hidraw and then see "
		               "every input twice, from the pad and from hidmapd%s%s",
		               list, nmore ? " and more" : "",
		               nhidden ? "; other users' processes are not visible" : "",
		               ndaemon ? "; hidmapd has it open too" : "");
	else if (ndaemon > 1)
		hm_doctor_line(
		    d, HM_CHECK_WARN, subject, "stop one of them",
		    "open in %u hidmapd processes: a hidmapd that finds the device taken "
		    "by another leaves it, but `hidmapd record` or `layout` may be running",
		    ndaemon);
	else
		hm_doctor_line(d, HM_CHECK_OK, subject, NULL, "%s%s%s",
		               ndaemon ? "open in hidmapd only" : "no other process has it open",
		               ndaemon == 1 ? daemon_pid : "",
		               nhidden ? " (of those visible: only your own processes are; "
		                         "sudo hidmapd doctor sees all)"
		                       : "");
}

void hm_doctor_evdev_result(struct hm_doctor *d, const struct hm_device_info *info, int r,
                            const struct hm_hid_evdev_nodes *nodes, const int *open_r, bool grab)
{
	char subject[96], list[HM_HID_MAX_EVDEV * 24] = "", denied[HM_HID_MAX_EVDEV * 24] = "";
	int err = 0;

	snprintf(subject, sizeof(subject), "%s evdev", info->path);
	if (r < 0) {
		hm_doctor_line(d, HM_CHECK_WARN, subject, NULL, "cannot list its evdev nodes: %s",
		               strerror(-r));
		return;
	}
	if (nodes->n == 0) {
		hm_doctor_line(d, HM_CHECK_OK, subject, NULL,
		               "the kernel made no evdev node of it: nothing to grab");
		return;
	}
	for (size_t i = 0; i < nodes->n; i++) {
		size_t l = strlen(list);

		snprintf(list + l, sizeof(list) - l, "%s%s", i ? " " : "", nodes->node[i]);
		if (open_r[i] < 0) {
			l = strlen(denied);
			snprintf(denied + l, sizeof(denied) - l, "%s%s", *denied ? " " : "",
			         nodes->node[i]);
			err = open_r[i];
		}
	}
	if (!grab) {
		hm_doctor_line(d, HM_CHECK_WARN, subject,
		               "remove 'grab = no' from its [device] section",
		               "%s%s: not grabbed (grab = no), so every input arrives twice", list,
		               nodes->truncated ? " and more" : "");
		return;
	}
	if (*denied) {
		/* the rules that give the hidraw node give its evdev nodes too */
		hm_doctor_line(
		    d, HM_CHECK_WARN, subject, HM_UDEV_INSTALL_COMMAND FIX_SESSION,
		    "%s: cannot open %s to grab it (%s): while hidmapd drives the device "
		    "every input from there arrives twice",
		    list, denied, strerror(-err));
		return;
	}
	hm_doctor_line(d, HM_CHECK_OK, subject, NULL, "%s%s: grabbed while hidmapd drives it", list,
	               nodes->truncated ? " and more" : "");
}

void hm_doctor_grab_result(struct hm_doctor *d, const char *node, int r,
                           const struct hm_proc_holder *h, size_t n)
{
	char subject[96], list[256] = "";
	size_t others = 0;

	snprintf(subject, sizeof(subject), "%s grab", node);
	if (r == 0 || r != -EBUSY)
		return; /* grabbable, or said by the evdev line */
	for (size_t i = 0; i < n; i++)
		if (!streq(h[i].comm, "hidmapd"))
			others++;
	if (n > 0 && others == 0) {
		hm_doctor_line(d, HM_CHECK_OK, subject, NULL, "grabbed by hidmapd (pid %ld)",
		               (long)h[0].pid);
		return;
	}
	hm_proc_holders_format(h, n, list, sizeof(list));
	hm_doctor_line(d, HM_CHECK_WARN, subject,
	               "stop that program, or set it to leave this device (keyd, kanata, "
	               "input-remapper and interception-tools each have a device list)",
	               "another program holds its EVIOCGRAB, likely %s: hidmapd cannot hide the "
	               "kernel's events of the device, so that program gets them too",
	               n ? list : "one whose files are not visible to you");
}

/* Whether a program holds the node's EVIOCGRAB: a grab taken and given
 * back at once (the kernel tells nothing else), and who has the node open. */
static void grab_probe(struct hm_doctor *d, const char *node)
{
	char path[PATH_MAX];
	struct hm_proc_holder h[4];
	size_t n = 0;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s%s", d->dev_root, node);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (ioctl(fd, EVIOCGRAB, (void *)1) < 0)
		r = -errno;
	else
		(void)ioctl(fd, EVIOCGRAB, (void *)0);
	close(fd);
	if (r == -EBUSY) {
		n = hm_proc_holders(d->proc_root, node, d->self, h, ARRAY_SIZE(h), NULL);
		if (n > ARRAY_SIZE(h))
			n = ARRAY_SIZE(h);
	}
	hm_doctor_grab_result(d, node, r, h, n);
}

void hm_doctor_devices(struct hm_doctor *d, const struct hm_config *config)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	size_t n = 0, ndriven = 0;
	int r = hm_hid_enumerate_sysfs(&entries, &n);

	if (r < 0) {
		hm_doctor_line(d, HM_CHECK_FAIL, "HID devices", NULL, "cannot list them in %s: %s",
		               hm_hid_sysfs_root(), strerror(-r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct hm_device_info *info = &entries[i].info;
		const struct hm_config_device *cfg;
		struct hm_hid_evdev_nodes nodes = {0};
		int open_r[HM_HID_MAX_EVDEV] = {0};
		struct hm_module_chain chain;
		const char *module;
		char driver[64] = "";

		if (!hm_module_select(config, info, &chain, &cfg))
			continue;
		/* the module asked first (doctor does not probe) */
		module = hm_module_chain_first(&chain)->name;
		ndriven++;
		if (cfg)
			hm_doctor_line(
			    d, HM_CHECK_OK, info->path, NULL,
			    "%04x:%04x \"%s\": hidmapd drives it (module %s, [device %s] "
			    "%s:%u)",
			    info->vendor, info->product, info->name, module, cfg->id, cfg->file,
			    cfg->line);
		else
			hm_doctor_line(d, HM_CHECK_OK, info->path, NULL,
			               "%04x:%04x \"%s\": hidmapd drives it (module %s claims it)",
			               info->vendor, info->product, info->name, module);
		hm_doctor_hidraw_result(d, info->path, open_rooted(d, info->path, O_RDWR));
		r = hm_hid_driver(info->path, driver, sizeof(driver));
		hm_doctor_driver_result(d, info->path, r, driver);
		hm_doctor_holders(d, info->path);
		r = hm_hid_evdev_nodes(info->path, &nodes);
		for (size_t j = 0; r >= 0 && j < nodes.n; j++)
			open_r[j] = open_rooted(d, nodes.node[j], O_RDONLY);
		hm_doctor_evdev_result(d, info, r, &nodes, open_r, !cfg || cfg->grab);
		for (size_t j = 0; r >= 0 && j < nodes.n; j++)
			if (open_r[j] == 0)
				grab_probe(d, nodes.node[j]);
	}
	if (ndriven == 0)
		hm_doctor_line(
		    d, HM_CHECK_WARN, "HID devices",
		    "plug the device in; for one no module knows, add a [device] section "
		    "with match = VVVV:PPPP (ids from: hidmapd list)",
		    "none present that hidmapd would drive (%zu HID device%s in all)", n,
		    n == 1 ? "" : "s");
}

void hm_doctor_unit_result(struct hm_doctor *d, bool manager, const char *enabled,
                           const char *active)
{
	if (!manager) {
		hm_doctor_line(
		    d, HM_CHECK_WARN, "hidmapd.service",
		    "log in to a desktop session (or: sudo loginctl enable-linger $USER)",
		    "no user service manager (systemctl --user cannot reach one): the "
		    "user unit cannot run here");
		return;
	}
	if (!*enabled || streq(enabled, "not-found"))
		hm_doctor_line(d, HM_CHECK_WARN, "hidmapd.service",
		               "sudo meson install -C build && systemctl --user daemon-reload && "
		               "systemctl --user enable --now hidmapd",
		               "the user unit is not installed");
	else if (streq(active, "failed"))
		hm_doctor_line(
		    d, HM_CHECK_FAIL, "hidmapd.service",
		    "journalctl --user -u hidmapd -b, then systemctl --user restart hidmapd",
		    "%s but failed", enabled);
	else if (!streq(enabled, "enabled") && !streq(enabled, "enabled-runtime"))
		hm_doctor_line(d, HM_CHECK_WARN, "hidmapd.service",
		               "systemctl --user enable --now hidmapd", "%s, %s", enabled,
		               *active ? active : "state unknown");
	else if (!streq(active, "active") && !streq(active, "reloading"))
		hm_doctor_line(d, HM_CHECK_WARN, "hidmapd.service",
		               "systemctl --user start hidmapd", "enabled but %s",
		               *active ? active : "not running");
	else
		hm_doctor_line(d, HM_CHECK_OK, "hidmapd.service", NULL, "enabled and active");
}

void hm_doctor_control_result(struct hm_doctor *d, int r, const char *first, const char *why,
                              bool unit_active)
{
	if (r == 0)
		hm_doctor_line(d, HM_CHECK_OK, "control socket", NULL, "the daemon answers: %s",
		               first);
	else if (unit_active)
		hm_doctor_line(
		    d, HM_CHECK_FAIL, "control socket",
		    "journalctl --user -u hidmapd -b, then systemctl --user restart hidmapd",
		    "the service runs but does not answer: %s", why);
	else
		hm_doctor_line(d, HM_CHECK_WARN, "control socket",
		               "systemctl --user enable --now hidmapd (or run: hidmapd)", "%s",
		               why);
}

int hm_doctor_exit_status(const struct hm_doctor *d)
{
	return d->counts[HM_CHECK_FAIL] ? 1 : 0;
}
