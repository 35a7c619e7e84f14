/* SPDX-License-Identifier: MIT */
/*
 * Sinks: where finished event frames go.  One interface, two backends:
 * uinput (sink-uinput.c, the real thing) and print (sink-print.c, the
 * `hidmapd replay` text format, used by tests and bug reports).
 *
 * The replay format, stable so that it can be diffed:
 *   D: <dev> <output device name>
 *   C: <dev> INPUT_PROP <PROP_NAME>
 *   C: <dev> <EV_TYPE> <CODE>            EV_ABS adds: <min> <max> <fuzz> <flat> <resolution>
 *   R: <n>                               before the events of recorded report n (from 0)
 *   E: <dev> <EV_TYPE> <CODE> <value>    libevdev's names, SYN_REPORT included
 * Devices are numbered from 0 in creation order; C: lines list properties
 * first, then every type (EV_SYN excluded) and code in ascending order.
 * Within one R: block the events are grouped by device in device order,
 * each device's frame ending with its own SYN_REPORT.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/input.h>
#include <libevdev/libevdev.h>

struct hm_sink;

/* Who takes force-feedback effects for an output (device.c). */
struct hm_ff_handler {
	/* effect->id is the slot the kernel chose; 0 or a negative errno
	 * (handed back to the client's EVIOCSFF) */
	int (*upload)(void *userdata, unsigned output, const struct ff_effect *effect);
	int (*erase)(void *userdata, unsigned output, int effect_id);
	void *userdata;
	unsigned output;
};

/* What a client sent back to an output's device, as read_feedback()
 * hands it on. */
struct hm_sink_feedback {
	/* an EV_LED or EV_FF event (LED state, effect play/stop, gain...) */
	void (*event)(void *userdata, unsigned type, unsigned code, int value);
	/* a force-feedback request: a client waits in EVIOCSFF/EVIOCRMFF until
	 * it is answered, so this must always end in ff_request() below */
	void (*ff_request)(void *userdata, unsigned code, unsigned request_id);
	void *userdata;
};

struct hm_sink_ops {
	/* Creates a device with the capabilities of caps (name, ids, phys,
	 * types, codes, absinfo, properties).  ff_effects_max: how many
	 * force-feedback effects clients may upload when caps has EV_FF
	 * (hm_device_set_rumble()), 0 for the sink's default (uinput: 10, as
	 * libevdev's helper).  Returns 0 and *ret_handle, or -errno. */
	int (*add_device)(struct hm_sink *sink, const struct libevdev *caps,
	                  unsigned ff_effects_max, void **ret_handle);
	/* One frame: n events, the last one SYN_REPORT.  raw[i] is ev[i].value
	 * before the input core's fuzz filter: a sink that feeds a real kernel
	 * input device (uinput) writes raw values, so that the kernel's own
	 * filter produces what ev[] shows instead of filtering twice. */
	void (*frame)(struct hm_sink *sink, void *handle, const struct input_event *ev,
	              const int *raw, size_t n);
	/* Destroys the device. */
	void (*remove_device)(struct hm_sink *sink, void *handle);
	/* The fd on which the device sends events back (EV_LED, EV_FF), or -1. */
	int (*get_fd)(struct hm_sink *sink, void *handle);
	/* An EV_UINPUT event read from get_fd: code UI_FF_UPLOAD/UI_FF_ERASE,
	 * request_id its value.  Fetches the request, lets h answer it and
	 * completes it (the client's ioctl returns then).  NULL: the sink
	 * has no force feedback (print, test captures). */
	int (*ff_request)(struct hm_sink *sink, void *handle, unsigned code, unsigned request_id,
	                  const struct hm_ff_handler *h);
	/* Reads everything pending on fd (get_fd of one of its devices,
	 * non-blocking) and hands each event to fb, without allocating.  NULL:
	 * the sink has no fds. */
	void (*read_feedback)(struct hm_sink *sink, int fd, const struct hm_sink_feedback *fb);
	/* The device's node (/dev/input/eventN) into buf; false when it is not
	 * known.  NULL: the sink makes no kernel devices. */
	bool (*node_name)(struct hm_sink *sink, void *handle, char *buf, size_t size);
};

struct hm_sink {
	const struct hm_sink_ops *ops;
};

/* Prints the replay format to f; devices are numbered per sink. */
struct hm_sink *hm_sink_print_new(FILE *f);
/* Marks the start of recorded report n ("R: n"). */
void hm_sink_print_report(struct hm_sink *sink, size_t n);
/* Stops printing frames (replay ends without the releases of teardown, as
 * a kernel device that disappears sends none). */
void hm_sink_print_mute(struct hm_sink *sink);
void hm_sink_print_free(struct hm_sink *sink);

/* Writes the D: and C: lines for caps as device number dev. */
void hm_print_device(FILE *f, unsigned dev, const struct libevdev *caps);
/* Writes one E: line. */
void hm_print_event(FILE *f, unsigned dev, unsigned type, unsigned code, int value);

/* The uinput FF handshake on fd (UI_BEGIN_FF_UPLOAD, h, UI_END_FF_UPLOAD,
 * or the ERASE pair) with io as ioctl(2): the uinput sink's ff_request,
 * exposed so that a test can drive it with a fake io. */
typedef int (*hm_ioctl_fn)(int fd, unsigned long request, void *arg);
int hm_uinput_ff_request(int fd, unsigned code, unsigned request_id, const struct hm_ff_handler *h,
                         hm_ioctl_fn io);

/* Declares caps on a /dev/uinput fd before UI_DEV_CREATE, with io as
 * ioctl(2): every type and code (UI_SET_*BIT), each axis' absinfo
 * (UI_ABS_SETUP), the properties, the phys, then UI_DEV_SETUP with the ids,
 * the name (its first UINPUT_MAX_NAME_SIZE bytes, all 80 used) and
 * ff_effects_max when caps has EV_FF (0: 10, libevdev's number).  Returns
 * 0 or the first failing request's -errno.  The uinput sink's, exposed so
 * that a test can check the requests with a fake io. */
int hm_uinput_setup(int fd, const struct libevdev *caps, unsigned ff_effects_max, hm_ioctl_fn io);

/* What the uinput sink asks of the kernel: the real calls, or a test's
 * fakes (hm_sink_uinput_new_sys()).  open: a /dev/uinput fd or -errno;
 * write: the bytes written or -errno; node: the /dev/input/eventN of a
 * created device's fd, false when there is none.  They are called from the
 * caller's thread (open, the ioctls of hm_uinput_setup(), write) and from
 * the sink's own (UI_DEV_CREATE, node, write of the frames kept while
 * creating, UI_DEV_DESTROY, close). */
struct hm_uinput_sys {
	int (*open)(void);
	hm_ioctl_fn ioctl;
	ssize_t (*write)(int fd, const void *buf, size_t len);
	void (*close)(int fd);
	bool (*node)(int fd, char *buf, size_t size);
};

/* uinput, set up with UI_DEV_SETUP from libevdev capabilities: names of
 * up to UINPUT_MAX_NAME_SIZE (80) characters, the module's number of FF
 * effects, the phys (which names hidmapd and the source node).  uniq
 * cannot be set through uinput: the devices have none. */
struct hm_sink *hm_sink_uinput_new(void);
/* The most events the uinput sink keeps for a device while it is being
 * created; past them the caller waits for the creation. */
#define HM_UINPUT_PENDING_MAX 1024
/* The uinput sink on sys' calls (tests). */
struct hm_sink *hm_sink_uinput_new_sys(const struct hm_uinput_sys *sys);
/* Waits until the devices created and removed so far are (creation, from
 * UI_DEV_CREATE on, and removal run on a thread of the sink's own, so that
 * they never hold the caller: node_name() is false meanwhile, and frames
 * are kept in order until the device exists). */
void hm_sink_uinput_free(struct hm_sink *sink);
