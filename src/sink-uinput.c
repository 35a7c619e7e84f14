/* SPDX-License-Identifier: MIT */
/*
 * The uinput sink: one /dev/uinput device per output, created by libevdev
 * from the output's capabilities.  A frame is written with a single
 * write(2), so a report costs one syscall per output device that changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/uinput.h>

#include <libevdev/libevdev-uinput.h>

#include "sink.h"
#include "util-log.h"

struct uinput_sink {
	struct hm_sink base;
};

static int uinput_add_device(struct hm_sink *sink, const struct libevdev *caps, void **ret_handle)
{
	struct libevdev_uinput *uidev = NULL;
	const char *phys = libevdev_get_phys((struct libevdev *)caps);
	int r, fd;

	/*
	 * We open /dev/uinput ourselves: libevdev 1.13 does not pass the phys
	 * to uinput (no UI_SET_PHYS), and the phys is how users and tests
	 * tell hidmapd's devices and their source node apart.  Non-blocking,
	 * because feedback (EV_LED, EV_FF) is read from the loop.
	 */
	fd = open("/dev/uinput", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return log_error_errno(errno, "cannot open /dev/uinput: %m (run 'hidmapd doctor')");
	if (phys && ioctl(fd, UI_SET_PHYS, phys) < 0) {
		r = -errno;
		close(fd);
		return log_error_errno(r, "cannot set the phys of \"%s\": %m",
		                       libevdev_get_name((struct libevdev *)caps));
	}
	r = libevdev_uinput_create_from_device(caps, fd, &uidev);
	if (r < 0) {
		close(fd);
		return log_error_errno(r, "cannot create uinput device \"%s\": %m",
		                       libevdev_get_name((struct libevdev *)caps));
	}

	log_debug("created %s (%s)", libevdev_uinput_get_devnode(uidev) ?: "?",
	          libevdev_get_name((struct libevdev *)caps));
	*ret_handle = uidev;
	return 0;
}

static void uinput_frame(struct hm_sink *sink, void *handle, const struct input_event *ev,
                         const int *raw, size_t n)
{
	struct libevdev_uinput *uidev = handle;
	struct input_event buf[256];

	/* One write(2) for the whole frame; a frame larger than buf (a
	 * device whose input core buffer holds more values) goes in
	 * pieces, in order, rather than losing its end and its SYN_REPORT. */
	for (size_t done = 0; done < n;) {
		size_t chunk = n - done < ARRAY_SIZE(buf) ? n - done : ARRAY_SIZE(buf);
		size_t len = chunk * sizeof(buf[0]);
		ssize_t w;

		for (size_t i = 0; i < chunk; i++) {
			buf[i] = ev[done + i];
			buf[i].value = raw[done + i];
			/* the kernel stamps uinput events itself */
			buf[i].input_event_sec = 0;
			buf[i].input_event_usec = 0;
		}
		do {
			w = write(libevdev_uinput_get_fd(uidev), buf, len);
		} while (w < 0 && errno == EINTR);
		if (w != (ssize_t)len) {
			log_warning_errno(w < 0 ? errno : EIO,
			                  "uinput write failed, dropping a frame: %m");
			return;
		}
		done += chunk;
	}
}

static void uinput_remove_device(struct hm_sink *sink, void *handle)
{
	/* the fd is ours, not libevdev's (see uinput_add_device) */
	int fd = libevdev_uinput_get_fd(handle);

	libevdev_uinput_destroy(handle);
	close(fd);
}

static int uinput_get_fd(struct hm_sink *sink, void *handle)
{
	return libevdev_uinput_get_fd(handle);
}

/*
 * Force feedback through uinput (Documentation/input/uinput.rst): a
 * client's EVIOCSFF/EVIOCRMFF on the virtual device blocks in the kernel
 * until we fetch the request (UI_BEGIN_*) and answer it (UI_END_* with
 * retval), so every begun request is ended, whatever h says.
 */
static int uinput_ioctl(int fd, unsigned long request, void *arg)
{
	int r;

	do
		r = ioctl(fd, request, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int hm_uinput_ff_request(int fd, unsigned code, unsigned request_id, const struct hm_ff_handler *h,
                         hm_ioctl_fn io)
{
	int r;

	if (code == UI_FF_UPLOAD) {
		struct uinput_ff_upload up = {.request_id = request_id};

		r = io(fd, UI_BEGIN_FF_UPLOAD, &up);
		if (r < 0)
			return log_warning_errno(r, "uinput: cannot fetch an effect upload: %m");
		up.retval = h->upload(h->userdata, h->output, &up.effect);
		r = io(fd, UI_END_FF_UPLOAD, &up);
		if (r < 0)
			return log_warning_errno(r, "uinput: cannot answer an effect upload: %m");
		return up.retval;
	}
	if (code == UI_FF_ERASE) {
		struct uinput_ff_erase er = {.request_id = request_id};

		r = io(fd, UI_BEGIN_FF_ERASE, &er);
		if (r < 0)
			return log_warning_errno(r, "uinput: cannot fetch an effect erase: %m");
		er.retval = h->erase(h->userdata, h->output, (int)er.effect_id);
		r = io(fd, UI_END_FF_ERASE, &er);
		if (r < 0)
			return log_warning_errno(r, "uinput: cannot answer an effect erase: %m");
		return er.retval;
	}
	return -EINVAL;
}

static int uinput_ff_request(struct hm_sink *sink, void *handle, unsigned code, unsigned request_id,
                             const struct hm_ff_handler *h)
{
	return hm_uinput_ff_request(libevdev_uinput_get_fd(handle), code, request_id, h,
	                            uinput_ioctl);
}

static void uinput_read_feedback(struct hm_sink *sink, int fd, const struct hm_sink_feedback *fb)
{
	struct input_event ev[16];
	ssize_t n;

	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			/* force feedback requests: a client waits in EVIOCSFF/EVIOCRMFF
			 * until it is answered, so always hand them on */
			if (ev[i].type == EV_UINPUT) {
				fb->ff_request(fb->userdata, ev[i].code, (unsigned)ev[i].value);
				continue;
			}
			if (ev[i].type != EV_LED && ev[i].type != EV_FF)
				continue;
			fb->event(fb->userdata, ev[i].type, ev[i].code, ev[i].value);
		}
		/* uinput_read() gives all it has: a short read emptied it, and
		 * the read that would find it empty is a syscall per frame (the
		 * input core hands every MSC_SCAN written back to the device) */
		if ((size_t)n < sizeof(ev))
			break;
	}
}

/* /dev/input/eventN of a uinput device, from its fd (UI_GET_SYSNAME). */
static bool uinput_node_name(struct hm_sink *sink, void *handle, char *buf, size_t size)
{
	char sysname[64], pattern[PATH_MAX];
	int fd = libevdev_uinput_get_fd(handle);
	bool found = false;
	glob_t g;

	if (fd < 0 || ioctl(fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		return false;
	sysname[sizeof(sysname) - 1] = '\0';
	snprintf(pattern, sizeof(pattern), "/sys/devices/virtual/input/%s/event*", sysname);
	if (glob(pattern, 0, NULL, &g) != 0)
		return false;
	if (g.gl_pathc) {
		snprintf(buf, size, "/dev/input/%s", strrchr(g.gl_pathv[0], '/') + 1);
		found = true;
	}
	globfree(&g);
	return found;
}

static const struct hm_sink_ops uinput_ops = {
    .add_device = uinput_add_device,
    .frame = uinput_frame,
    .remove_device = uinput_remove_device,
    .get_fd = uinput_get_fd,
    .ff_request = uinput_ff_request,
    .read_feedback = uinput_read_feedback,
    .node_name = uinput_node_name,
};

struct hm_sink *hm_sink_uinput_new(void)
{
	struct uinput_sink *s = zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &uinput_ops;
	return &s->base;
}

void hm_sink_uinput_free(struct hm_sink *sink)
{
	free(sink);
}
