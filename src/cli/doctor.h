/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd doctor`: what stands between the user and a working hidmapd,
 * one line per check, each problem with the exact command that fixes it:
 *
 *   OK   /dev/uinput: readable and writable
 *   FAIL /dev/hidraw3: cannot open it: Permission denied; fix: hidmapd udev-rules | ...
 *
 * Each check is split in two: a probe that looks at the system (under the
 * roots below, so tests use fixture trees) and a *_result() decision that
 * prints the line from what the probe found, so tests can give it results
 * (permission denied) that root cannot produce.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "hid-devices.h"
#include "proc-holders.h"

struct hm_config;
struct hm_config_device;

enum hm_check_level {
	HM_CHECK_OK,
	HM_CHECK_WARN, /* worth knowing; does not fail the doctor */
	HM_CHECK_FAIL,
};

struct hm_doctor {
	FILE *out;
	const char *dev_root;  /* prefix of /dev/... paths opened: "" for the real ones */
	const char *proc_root; /* "/proc" */
	/* the sysfs root is hm_hid_set_sysfs_root()'s */
	pid_t self;         /* not a holder of anything: doctor itself */
	unsigned counts[3]; /* lines per level */
};

/* One line: "LEVEL subject: message[; fix: fix]". */
void hm_doctor_line(struct hm_doctor *d, enum hm_check_level level, const char *subject,
                    const char *fix, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* /dev/uinput: r is 0 when it opened read-write, else -errno. */
void hm_doctor_uinput_result(struct hm_doctor *d, int r);
void hm_doctor_uinput(struct hm_doctor *d);
/* 3D mice: spacenavd or hidmapd, and SPNAV_SOCKET (doctor-spnav.c). */
void hm_doctor_spnav(struct hm_doctor *d, const struct hm_config *config);

/* The configuration (the given paths, or the search path when npaths is
 * 0), as `hidmapd check` validates it; *ret the loaded
 * config, or an empty one when it has errors (NULL only without memory). */
void hm_doctor_config(struct hm_doctor *d, const char *const *paths, size_t npaths,
                      struct hm_config **ret);

/* The shipped layouts (src/select/shipped-layouts.h): dir the folder read,
 * r 0 or -errno, n the layouts loaded; from where the folder's name came. */
enum hm_doctor_layouts_from {
	HM_LAYOUTS_INSTALLED,  /* the install prefix's */
	HM_LAYOUTS_BUILD_TREE, /* the build tree's hidmapd (src/util/util-datadir.h) */
	HM_LAYOUTS_ENV,        /* $HIDMAPD_LAYOUT_DIR */
};
void hm_doctor_layouts_result(struct hm_doctor *d, const char *dir, int r, size_t n,
                              enum hm_doctor_layouts_from from);
void hm_doctor_layouts(struct hm_doctor *d);

/* A hidraw node: r is 0 when it opened read-write, else -errno. */
void hm_doctor_hidraw_result(struct hm_doctor *d, const char *path, int r);
/* The bound driver: r from hm_hid_driver(). */
void hm_doctor_driver_result(struct hm_doctor *d, const char *path, int r, const char *driver);
/* Other processes with the node open (proc_root/PID/fd). */
void hm_doctor_holders(struct hm_doctor *d, const char *path);
/* Another program holding a kernel evdev node's EVIOCGRAB: r is the
 * result of a grab tried there (0, or -errno: -EBUSY when held), h the n
 * processes that have the node open (hidmapd among them: its own grab). */
void hm_doctor_grab_result(struct hm_doctor *d, const char *node, int r,
                           const struct hm_proc_holder *h, size_t n);

/* The kernel's evdev nodes: r from hm_hid_evdev_nodes(); open_r[i] is 0
 * when nodes->node[i] opened read-only (as for EVIOCGRAB), else -errno. */
void hm_doctor_evdev_result(struct hm_doctor *d, const struct hm_device_info *info, int r,
                            const struct hm_hid_evdev_nodes *nodes, const int *open_r, bool grab);
/* Every check above for every HID device present that hidmapd would drive. */
void hm_doctor_devices(struct hm_doctor *d, const struct hm_config *config);

/* The user unit: manager false when there is no user service manager;
 * enabled and active are systemctl's words ("" when it printed none). */
void hm_doctor_unit_result(struct hm_doctor *d, bool manager, const char *enabled,
                           const char *active);
/* The control socket: r and first/why from hm_control_probe(). */
void hm_doctor_control_result(struct hm_doctor *d, int r, const char *first, const char *why,
                              bool unit_active);

/* What the sandbox of the user unit needs: unprivileged user namespaces.
 * Each value is the sysctl's, -1 when the kernel has none:
 * kernel.apparmor_restrict_unprivileged_userns, kernel.unprivileged_userns_clone,
 * user.max_user_namespaces.  dropin: the no-userns.conf drop-in is installed. */
void hm_doctor_userns_result(struct hm_doctor *d, long apparmor_restrict, long userns_clone,
                             long max_user_namespaces, bool dropin);
/* ...reading the sysctls under proc_root; dropin_path is where the user's
 * drop-in would be. */
void hm_doctor_userns(struct hm_doctor *d, const char *dropin_path);

/* 0 when no check failed, else 1. */
int hm_doctor_exit_status(const struct hm_doctor *d);

/* Per-application profiles: which focus source the daemon follows, when
 * the configuration has focus = rules (doctor-focus.c). */
void hm_doctor_focus(struct hm_doctor *d, const struct hm_config *config);
