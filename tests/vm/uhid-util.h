/* SPDX-License-Identifier: MIT */
/*
 * uhid helpers for the programs that run inside the test VM (kernel-dump,
 * scenarios): create a device from a recording, answer the requests the
 * kernel sends while it binds a driver, wait for the bind, and find the
 * kernel's own evdev nodes of the device.
 *
 * Errors are negative errnos; the functions that log say so.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libevdev/libevdev.h>
#include <libudev.h>
#include <linux/uhid.h>

#include "hid-recording.h"

struct vm_uhid_stats {
	unsigned get_reports, set_reports, outputs;
};

/* Called for every UHID_OUTPUT that vm_uhid_service() reads. */
typedef void (*vm_uhid_output_fn)(void *userdata, const struct uhid_output_req *out);

/* /dev/kmsg, non-blocking, at its end (only records from now on, for
 * vm_kmsg_probe_failed()); -1 with errno if it cannot be opened. */
int vm_kmsg_open(void);

/* A monitor of the kernel's uevents of subsystem "hid", straight from
 * netlink (udevd does not run in the VM), receiving; NULL with errno if
 * that fails. */
struct udev_monitor *vm_hid_monitor_new(struct udev *udev);

/* One write(2) of a whole struct uhid_event: 0 or -errno (-EIO if short). */
int vm_uhid_send(int fd, const struct uhid_event *ev);

/* UHID_CREATE2 with the recording's name, phys (default_phys when it has
 * none), ids and report descriptor.  Logs; returns 0 or -errno. */
int vm_uhid_create(int fd, const struct hm_recording *rec, const char *default_phys);

/* UHID_INPUT2 with one report.  Returns 0 or -errno (-E2BIG: too long). */
int vm_uhid_input(int fd, const uint8_t *data, size_t size);

/* UHID_DESTROY.  Returns 0 or -errno. */
int vm_uhid_destroy(int fd);

/*
 * Reads and answers everything uhid has queued on the non-blocking fd;
 * never blocks.  Feature requests are answered like a plain device would:
 * SET_REPORT succeeds, GET_REPORT fails with EIO (hid-input sets the
 * Resolution Multiplier at connect and reads battery strength; the kernel
 * waits up to 5 s for each unanswered request).  Outputs go to on_output
 * (may be NULL).  Logs; returns 0 or -errno.
 */
int vm_uhid_service(int fd, struct vm_uhid_stats *st, bool verbose, vm_uhid_output_fn on_output,
                    void *userdata);

/* "0003:056A:0065." — the start of the kernel's name for the HID device
 * made from rec. */
void vm_hid_name_prefix(const struct hm_recording *rec, char *buf, size_t size);

/* Reads the kernel log records queued on the non-blocking kmsg fd (< 0:
 * none); true if one says that the probe of HID device devname failed. */
bool vm_kmsg_probe_failed(int kmsg, const char *devname, bool verbose);

/*
 * Waits for the kernel's "bind" uevent of the HID device made from rec (mon
 * listens to kernel uevents of subsystem "hid"), answering uhid requests
 * meanwhile (probe blocks on them).  Returns 0 and the device's syspath;
 * -ENODEV when the kernel log (kmsg, may be -1) says that the probe failed,
 * or -ETIMEDOUT when the device appeared but no driver bound in time (both
 * mean: the kernel makes no input devices), without logging; another
 * negative errno on errors, logged.
 */
int vm_uhid_wait_bound(struct udev_monitor *mon, int kmsg, int uhid, const struct hm_recording *rec,
                       unsigned timeout_ms, struct vm_uhid_stats *st, bool verbose,
                       vm_uhid_output_fn on_output, void *userdata, char **ret_syspath);

/* A kernel evdev node of a HID device. */
struct vm_evnode {
	unsigned input; /* inputN */
	char devnode[64];
	int fd;
	struct libevdev *evdev;
};

/*
 * The event nodes of the HID device at syspath, in input creation order,
 * with fd = -1 and evdev = NULL.  A bound device without input devices has
 * none.  Logs; returns 0 or -errno.
 */
int vm_find_event_nodes(const char *syspath, struct vm_evnode *nodes, size_t max, size_t *ret_n);
/* Frees the libevdev devices and closes the fds of n nodes. */
void vm_evnodes_close(struct vm_evnode *nodes, size_t n);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t vm_now_us(void);
