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
#include <stdatomic.h>
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
 * Creating a device (UI_DEV_CREATE, then finding its event node) and
 * removing one (UI_DEV_DESTROY) wait for the input core to register or
 * unregister it and every handler bound to it (evdev, the clients' open
 * files): milliseconds to tens of milliseconds on a loaded machine, a
 * stall for the caller's event loop.  So the sink does both on a thread of
 * its own (the worker, started at the first device), in one FIFO: a
 * removal always runs after its device's creation.  What stays on the
 * caller's thread is cheap and tells the caller what went wrong at once:
 * opening /dev/uinput and declaring the capabilities (one ioctl per code,
 * no input core involved).
 *
 * Frames written while a device is being created are kept, in order (at
 * most HM_UINPUT_PENDING_MAX, 1024, events a device), and written by the worker as
 * soon as the device exists, before it marks the device created; from
 * then on the caller writes itself, one write(2) after one atomic load.
 * Frames cannot go to the fd before UI_DEV_CREATE: uinput takes a write to
 * a device not created yet as the old uinput_user_dev setup.  Past the
 * bound the caller waits for the creation rather than lose a frame (a lost
 * release is a stuck key).  A creation that fails is logged and the
 * device's frames are dropped; its fd stays open until it is removed (the
 * caller may be watching it).
 *
 * The held keys' releases written at removal are in the kernel (or in the
 * pending frames, flushed first) before the removal runs, as write(2) on
 * uinput is synchronous.
 */
struct uinput_device;

struct uinput_job {
	struct uinput_job *next;
	struct uinput_device *d;
	bool destroy; /* else create */
};

struct uinput_sink {
	struct hm_sink base;
	struct hm_uinput_sys sys;
	pthread_mutex_t lock;
	pthread_cond_t wake;    /* a job queued, or stopping */
	pthread_cond_t settled; /* a creation is done (made or failed) */
	pthread_t worker;
	bool worker_started, stopping;   /* under lock */
	struct uinput_job *head, **tail; /* under lock */
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
	/* the device exists and its pending frames are written: the caller
	 * writes directly (set by the worker, release; read acquire) */
	atomic_bool created;
	/* the rest is under the sink's lock until the creation is settled */
	bool settled, failed;
	struct input_event *pending;
	size_t npending, pending_size;
	char node[64]; /* /dev/input/eventN, written before created */
	char name[UINPUT_MAX_NAME_SIZE + 1];
	struct uinput_job create_job, destroy_job;
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

/* The real calls (struct hm_uinput_sys) */
static int uinput_sys_open(void)
{
	/* Non-blocking, because feedback (EV_LED, EV_FF) is read from the
	 * loop. */
	int fd = open("/dev/uinput", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

static ssize_t uinput_sys_write(int fd, const void *buf, size_t len)
{
	ssize_t w;

	do
		w = write(fd, buf, len);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -errno : w;
}

static void uinput_sys_close(int fd)
{
	close(fd);
}

static const struct hm_uinput_sys uinput_sys = {
    .open = uinput_sys_open,
    .ioctl = uinput_ioctl,
    .write = uinput_sys_write,
    .close = uinput_sys_close,
    .node = uinput_fd_node,
};

/* Writes n events (ready for the kernel) to d, 256 a write(2); false (and
 * a warning) when one write fails. */
static bool uinput_write_events(struct uinput_sink *s, const struct uinput_device *d,
                                const struct input_event *ev, size_t n)
{
	const size_t piece = 256;

	for (size_t done = 0; done < n;) {
		size_t chunk = n - done < piece ? n - done : piece;
		size_t len = chunk * sizeof(ev[0]);
		ssize_t w = s->sys.write(d->fd, ev + done, len);

		if (w != (ssize_t)len) {
			log_warning_errno(w < 0 ? (int)w : -EIO,
			                  "uinput write failed, dropping a frame: %m");
			return false;
		}
		done += chunk;
	}
	return true;
}

/* Creates d's kernel device (the worker, or the caller when there is no
 * worker): UI_DEV_CREATE, the event node, then the frames kept meanwhile. */
static void uinput_create(struct uinput_sink *s, struct uinput_device *d)
{
	int r = s->sys.ioctl(d->fd, UI_DEV_CREATE, NULL);
	bool ok = r >= 0;

	if (!ok)
		log_error_errno(r, "cannot create uinput device \"%s\": %m, dropping its events",
		                log_escape(d->name));
	/* as the helper: a device without an event node is of no use */
	else if (!(ok = s->sys.node(d->fd, d->node, sizeof(d->node)))) {
		(void)s->sys.ioctl(d->fd, UI_DEV_DESTROY, NULL);
		log_error("cannot find the event node of uinput device \"%s\", dropping its events",
		          log_escape(d->name));
	} else
		log_debug("created %s (%s)", d->node, log_escape(d->name));

	pthread_mutex_lock(&s->lock);
	/* under the lock: a frame the caller keeps now waits for these */
	if (ok && d->npending)
		(void)uinput_write_events(s, d, d->pending, d->npending);
	free(d->pending);
	d->pending = NULL;
	d->npending = d->pending_size = 0;
	d->settled = true;
	d->failed = !ok;
	if (ok)
		atomic_store_explicit(&d->created, true, memory_order_release);
	pthread_cond_broadcast(&s->settled);
	pthread_mutex_unlock(&s->lock);
}

static void uinput_destroy(struct uinput_sink *s, struct uinput_device *d)
{
	if (atomic_load_explicit(&d->created, memory_order_acquire))
		(void)s->sys.ioctl(d->fd, UI_DEV_DESTROY, NULL);
	s->sys.close(d->fd);
	free(d->pending);
	free(d);
}

static void *uinput_worker(void *data)
{
	struct uinput_sink *s = data;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct uinput_job *job;

		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->wake, &s->lock);
		job = s->head;
		if (!job)
			break;
		s->head = job->next;
		if (!s->head)
			s->tail = &s->head;
		pthread_mutex_unlock(&s->lock);
		if (job->destroy)
			uinput_destroy(s, job->d);
		else
			uinput_create(s, job->d);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Starts the worker with every signal blocked (the daemon takes its
 * signals through a signalfd on the loop), under the lock: true when it
 * runs.  Once started it runs until the sink is freed, so a device is
 * either created and removed by the worker or both in place. */
static bool uinput_worker_start(struct uinput_sink *s)
{
	sigset_t all, old;
	int r;

	if (s->worker_started)
		return true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&s->worker, NULL, uinput_worker, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		log_debug("uinput: no thread to create and remove devices (%s): done in place",
		          strerror(r));
		return false;
	}
	s->worker_started = true;
	return true;
}

/* Queues job for the worker, or returns false when there is none. */
static bool uinput_queue(struct uinput_sink *s, struct uinput_job *job)
{
	bool queued = false;

	pthread_mutex_lock(&s->lock);
	if (uinput_worker_start(s)) {
		job->next = NULL;
		*s->tail = job;
		s->tail = &job->next;
		pthread_cond_signal(&s->wake);
		queued = true;
	}
	pthread_mutex_unlock(&s->lock);
	return queued;
}

static int uinput_add_device(struct hm_sink *sink, const struct libevdev *caps,
                             unsigned ff_effects_max, void **ret_handle)
{
	struct uinput_sink *s = (struct uinput_sink *)sink;
	const char *name = libevdev_get_name(caps) ?: "";
	struct uinput_device *d;
	int r, fd;

	if (strlen(name) > UINPUT_MAX_NAME_SIZE)
		log_warning("the name \"%s\" is longer than uinput takes, cut to %d characters",
		            log_escape(name), UINPUT_MAX_NAME_SIZE);
	d = zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	fd = s->sys.open();
	if (fd < 0) {
		free(d);
		return log_error_errno(fd, "cannot open /dev/uinput: %m (run 'hidmapd doctor')");
	}
	r = hm_uinput_setup(fd, caps, ff_effects_max, s->sys.ioctl);
	if (r < 0) {
		s->sys.close(fd);
		free(d);
		return log_error_errno(r, "cannot set up uinput device \"%s\": %m",
		                       log_escape(name));
	}
	d->fd = fd;
	atomic_init(&d->created, false);
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->create_job.d = d->destroy_job.d = d;
	d->destroy_job.destroy = true;
	if (!uinput_queue(s, &d->create_job)) {
		uinput_create(s, d);
		if (d->failed) {
			uinput_destroy(s, d);
			return -ENODEV;
		}
	}
	*ret_handle = d;
	return 0;
}

/* Keeps n events for d until it is created, or returns false when d is
 * settled (created or failed) and the caller decides.  Past the bound it
 * waits for the creation. */
static bool uinput_keep(struct uinput_sink *s, struct uinput_device *d,
                        const struct input_event *ev, size_t n)
{
	bool kept = false;

	pthread_mutex_lock(&s->lock);
	while (!d->settled && d->npending + n > HM_UINPUT_PENDING_MAX)
		pthread_cond_wait(&s->settled, &s->lock);
	if (!d->settled) {
		if (d->npending + n > d->pending_size) {
			size_t size = d->pending_size ? d->pending_size : 64;
			struct input_event *p;

			while (size < d->npending + n)
				size *= 2;
			p = realloc(d->pending, size * sizeof(*p));
			/* no memory: wait for the creation, as past the bound */
			while (!p && !d->settled) {
				pthread_cond_wait(&s->settled, &s->lock);
				p = d->settled ? NULL : realloc(d->pending, size * sizeof(*p));
			}
			if (p) {
				d->pending = p;
				d->pending_size = size;
			}
		}
		if (!d->settled) {
			memcpy(d->pending + d->npending, ev, n * sizeof(*ev));
			d->npending += n;
			kept = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return kept;
}

static void uinput_frame(struct hm_sink *sink, void *handle, const struct input_event *ev,
                         const int *raw, size_t n)
{
	struct uinput_sink *s = (struct uinput_sink *)sink;
	struct uinput_device *d = handle;
	struct input_event buf[256];

	/* One write(2) for the whole frame; a frame larger than buf (a
	 * device whose input core buffer holds more values) goes in
	 * pieces, in order, rather than losing its end and its SYN_REPORT. */
	for (size_t done = 0; done < n;) {
		size_t chunk = n - done < ARRAY_SIZE(buf) ? n - done : ARRAY_SIZE(buf);

		for (size_t i = 0; i < chunk; i++) {
			buf[i] = ev[done + i];
			buf[i].value = raw[done + i];
			/* the kernel stamps uinput events itself */
			buf[i].input_event_sec = 0;
			buf[i].input_event_usec = 0;
		}
		done += chunk;
		if (_likely_(atomic_load_explicit(&d->created, memory_order_acquire))) {
			if (!uinput_write_events(s, d, buf, chunk))
				return;
			continue;
		}
		/* being created: kept; or created meanwhile; or failed (dropped) */
		if (uinput_keep(s, d, buf, chunk))
			continue;
		if (!atomic_load_explicit(&d->created, memory_order_acquire))
			return;
		if (!uinput_write_events(s, d, buf, chunk))
			return;
	}
}

static void uinput_remove_device(struct hm_sink *sink, void *handle)
{
	struct uinput_sink *s = (struct uinput_sink *)sink;
	struct uinput_device *d = handle;

	if (!uinput_queue(s, &d->destroy_job))
		uinput_destroy(s, d);
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
	                            ((struct uinput_sink *)sink)->sys.ioctl);
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

/* Not known while the device is being created (or when its creation
 * failed); found by the worker, so no sysfs read here. */
static bool uinput_node_name(struct hm_sink *sink, void *handle, char *buf, size_t size)
{
	const struct uinput_device *d = handle;

	if (!atomic_load_explicit(&d->created, memory_order_acquire))
		return false;
	snprintf(buf, size, "%s", d->node);
	return true;
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

struct hm_sink *hm_sink_uinput_new_sys(const struct hm_uinput_sys *sys)
{
	struct uinput_sink *s = zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &uinput_ops;
	s->sys = *sys;
	s->tail = &s->head;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->settled, NULL);
	return &s->base;
}

struct hm_sink *hm_sink_uinput_new(void)
{
	return hm_sink_uinput_new_sys(&uinput_sys);
}

/* Waits for the creations and removals queued so far. */
void hm_sink_uinput_free(struct hm_sink *sink)
{
	struct uinput_sink *s = (struct uinput_sink *)sink;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->worker_started)
		pthread_join(s->worker, NULL);
	/* the worker leaves none: it stops on an empty queue */
	pthread_cond_destroy(&s->settled);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
