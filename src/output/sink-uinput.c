/* SPDX-License-Identifier: MIT */
/*
 * The uinput sink: one /dev/uinput device per output, set up with
 * UI_DEV_SETUP from the output's capabilities (read with libevdev).  A
 * frame is written with a single write(2), so a report costs one syscall
 * per output device that changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/uinput.h>

#include <libevdev/libevdev.h>

#include "sink.h"
#include "util-log.h"
#include "util-strings.h"

/*
 * Removing a device (UI_DEV_DESTROY) waits for the input core to
 * unregister it and every handler bound to it (evdev, the clients' open
 * files): tens of milliseconds on a loaded machine, a stall for the
 * caller's event loop.  So the sink hands the device's fd to a thread of
 * its own (the reaper, started at the first removal), which destroys and
 * closes it; whatever the caller wrote before (the releases of held keys)
 * is in the kernel already, as write(2) on uinput is synchronous.
 */
struct uinput_sink {
	struct hm_sink base;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t reaper;
	bool reaper_started, stopping; /* under lock */
	int *doomed;                   /* fds to destroy, under lock */
	size_t ndoomed, doomed_size;
};

/* What libevdev's helper declares and uinput devices had before a module
 * could say (hm_device_set_rumble()). */
#define UINPUT_DEFAULT_FF_EFFECTS 10

/*
 * What the uinput sink keeps per device: the /dev/uinput fd (ours: we
 * create the device ourselves, see uinput_add_device()).
 */
struct uinput_device {
	int fd;
};

/* ioctl(2) as hm_ioctl_fn: -errno, EINTR retried */
static int uinput_ioctl(int fd, unsigned long request, void *arg)
{
	int r;

	do
		r = ioctl(fd, request, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* The UI_SET_*BIT request that enables codes of type, 0 for a type whose
 * codes uinput does not take (EV_SYN, EV_REP: the kernel's soft repeat
 * comes with the EV_REP type bit alone). */
static unsigned long uinput_code_request(unsigned type)
{
	switch (type) {
	case EV_KEY:
		return UI_SET_KEYBIT;
	case EV_REL:
		return UI_SET_RELBIT;
	case EV_ABS:
		return UI_SET_ABSBIT;
	case EV_MSC:
		return UI_SET_MSCBIT;
	case EV_LED:
		return UI_SET_LEDBIT;
	case EV_SND:
		return UI_SET_SNDBIT;
	case EV_FF:
		return UI_SET_FFBIT;
	case EV_SW:
		return UI_SET_SWBIT;
	default:
		return 0;
	}
}

/* The arguments of a UI_SET_*BIT request: the number itself (the ioctl
 * takes an int, not a pointer; io() passes it through as one) */
#define UINPUT_ARG(n) ((void *)(uintptr_t)(n))

/*
 * What libevdev's uinput_create_DEV_SETUP() does (libevdev-uinput.c), but
 * with what the helper cannot say: ff_effects_max as the module declared
 * it (the helper always says 10) and the whole name up to
 * UINPUT_MAX_NAME_SIZE (uinput copies 80 bytes without a NUL, kstrndup;
 * the helper cuts to 79).  The types and codes come from libevdev, each
 * axis with its absinfo (resolution included) through UI_ABS_SETUP.
 */
int hm_uinput_setup(int fd, const struct libevdev *caps, unsigned ff_effects_max, hm_ioctl_fn io)
{
	struct uinput_setup setup = {
	    .id =
	        {
	            .bustype = (uint16_t)libevdev_get_id_bustype(caps),
	            .vendor = (uint16_t)libevdev_get_id_vendor(caps),
	            .product = (uint16_t)libevdev_get_id_product(caps),
	            .version = (uint16_t)libevdev_get_id_version(caps),
	        },
	};
	const char *name = libevdev_get_name(caps) ?: "";
	const char *phys = libevdev_get_phys(caps);
	int r;

	for (unsigned type = 0; type < EV_CNT; type++) {
		unsigned long request = uinput_code_request(type);
		int max = libevdev_event_type_get_max(type);

		if (!libevdev_has_event_type(caps, type))
			continue;
		r = io(fd, UI_SET_EVBIT, UINPUT_ARG(type));
		if (r < 0)
			return r;
		if (!request || max < 0)
			continue;
		for (unsigned code = 0; code <= (unsigned)max; code++) {
			if (!libevdev_has_event_code(caps, type, code))
				continue;
			r = io(fd, request, UINPUT_ARG(code));
			if (r < 0)
				return r;
			if (type == EV_ABS) {
				struct uinput_abs_setup abs = {
				    .code = (uint16_t)code,
				    .absinfo = *libevdev_get_abs_info(caps, code),
				};

				r = io(fd, UI_ABS_SETUP, &abs);
				if (r < 0)
					return r;
			}
		}
	}
	for (unsigned prop = 0; prop <= INPUT_PROP_MAX; prop++) {
		if (!libevdev_has_property(caps, prop))
			continue;
		r = io(fd, UI_SET_PROPBIT, UINPUT_ARG(prop));
		if (r < 0)
			return r;
	}
	/* libevdev 1.13 does not pass the phys to uinput either, and the phys
	 * is how users and tests tell hidmapd's devices and their source
	 * node apart */
	if (phys) {
		r = io(fd, UI_SET_PHYS, (void *)phys);
		if (r < 0)
			return r;
	}

	/* not a string: uinput takes all 80 bytes when the name fills them */
	memcpy(setup.name, name, strnlen(name, sizeof(setup.name)));
	if (libevdev_has_event_type(caps, EV_FF))
		setup.ff_effects_max = ff_effects_max ? ff_effects_max : UINPUT_DEFAULT_FF_EFFECTS;
	r = io(fd, UI_DEV_SETUP, &setup);
	return r < 0 ? r : 0;
}

/* /dev/input/eventN of a created uinput device, from its fd
 * (UI_GET_SYSNAME, as libevdev's fetch_syspath_and_devnode()). */
static bool uinput_fd_node(int fd, char *buf, size_t size)
{
	char sysname[64], pattern[PATH_MAX];
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

static int uinput_add_device(struct hm_sink *sink, const struct libevdev *caps,
                             unsigned ff_effects_max, void **ret_handle)
{
	const char *name = libevdev_get_name(caps) ?: "";
	struct uinput_device *d;
	char node[PATH_MAX];
	int r, fd;

	if (strlen(name) > UINPUT_MAX_NAME_SIZE)
		log_warning("the name \"%s\" is longer than uinput takes, cut to %d characters",
		            log_escape(name), UINPUT_MAX_NAME_SIZE);
	/* Non-blocking, because feedback (EV_LED, EV_FF) is read from the
	 * loop. */
	fd = open("/dev/uinput", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return log_error_errno(errno, "cannot open /dev/uinput: %m (run 'hidmapd doctor')");
	r = hm_uinput_setup(fd, caps, ff_effects_max, uinput_ioctl);
	if (r < 0) {
		close(fd);
		return log_error_errno(r, "cannot set up uinput device \"%s\": %m",
		                       log_escape(name));
	}
	if (ioctl(fd, UI_DEV_CREATE) < 0) {
		r = -errno;
		close(fd);
		return log_error_errno(r, "cannot create uinput device \"%s\": %m",
		                       log_escape(name));
	}
	/* as the helper: a device without an event node is of no use */
	if (!uinput_fd_node(fd, node, sizeof(node))) {
		(void)ioctl(fd, UI_DEV_DESTROY);
		close(fd);
		return log_error_errno(ENODEV, "cannot find the event node of \"%s\"",
		                       log_escape(name));
	}
	d = zalloc(sizeof(*d));
	if (!d) {
		(void)ioctl(fd, UI_DEV_DESTROY);
		close(fd);
		return -ENOMEM;
	}
	d->fd = fd;
	log_debug("created %s (%s)", node, log_escape(name));
	*ret_handle = d;
	return 0;
}

static void uinput_frame(struct hm_sink *sink, void *handle, const struct input_event *ev,
                         const int *raw, size_t n)
{
	const struct uinput_device *d = handle;
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
			w = write(d->fd, buf, len);
		} while (w < 0 && errno == EINTR);
		if (w != (ssize_t)len) {
			log_warning_errno(w < 0 ? errno : EIO,
			                  "uinput write failed, dropping a frame: %m");
			return;
		}
		done += chunk;
	}
}

static void uinput_destroy_fd(int fd)
{
	(void)ioctl(fd, UI_DEV_DESTROY);
	close(fd);
}

static void *uinput_reaper(void *data)
{
	struct uinput_sink *s = data;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		int *batch;
		size_t n;

		while (!s->ndoomed && !s->stopping)
			pthread_cond_wait(&s->wake, &s->lock);
		if (!s->ndoomed)
			break;
		batch = s->doomed;
		n = s->ndoomed;
		s->doomed = NULL;
		s->ndoomed = s->doomed_size = 0;
		pthread_mutex_unlock(&s->lock);
		for (size_t i = 0; i < n; i++)
			uinput_destroy_fd(batch[i]);
		free(batch);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Starts the reaper with every signal blocked (the daemon takes its
 * signals through a signalfd on the loop): true when it runs. */
static bool uinput_reaper_start(struct uinput_sink *s)
{
	sigset_t all, old;
	int r;

	if (s->reaper_started)
		return true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&s->reaper, NULL, uinput_reaper, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		log_debug("uinput: no thread to remove devices (%s): removed in place",
		          strerror(r));
		return false;
	}
	s->reaper_started = true;
	return true;
}

static void uinput_remove_device(struct hm_sink *sink, void *handle)
{
	struct uinput_sink *s = (struct uinput_sink *)sink;
	struct uinput_device *d = handle;
	bool queued = false;

	pthread_mutex_lock(&s->lock);
	if (uinput_reaper_start(s)) {
		if (s->ndoomed == s->doomed_size) {
			size_t size = s->doomed_size ? 2 * s->doomed_size : 8;
			int *p = realloc(s->doomed, size * sizeof(*p));

			if (p) {
				s->doomed = p;
				s->doomed_size = size;
			}
		}
		if (s->ndoomed < s->doomed_size) {
			s->doomed[s->ndoomed++] = d->fd;
			queued = true;
			pthread_cond_signal(&s->wake);
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (!queued)
		uinput_destroy_fd(d->fd);
	free(d);
}

static int uinput_get_fd(struct hm_sink *sink, void *handle)
{
	return ((const struct uinput_device *)handle)->fd;
}

/*
 * Force feedback through uinput (Documentation/input/uinput.rst): a
 * client's EVIOCSFF/EVIOCRMFF on the virtual device blocks in the kernel
 * until we fetch the request (UI_BEGIN_*) and answer it (UI_END_* with
 * retval), so every begun request is ended, whatever h says.
 */

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
	return hm_uinput_ff_request(((const struct uinput_device *)handle)->fd, code, request_id, h,
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

static bool uinput_node_name(struct hm_sink *sink, void *handle, char *buf, size_t size)
{
	return uinput_fd_node(((const struct uinput_device *)handle)->fd, buf, size);
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
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	return &s->base;
}

/* Waits for the devices removed so far to be gone. */
void hm_sink_uinput_free(struct hm_sink *sink)
{
	struct uinput_sink *s = (struct uinput_sink *)sink;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->reaper_started)
		pthread_join(s->reaper, NULL);
	for (size_t i = 0; i < s->ndoomed; i++) /* none left by the reaper */
		uinput_destroy_fd(s->doomed[i]);
	free(s->doomed);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
