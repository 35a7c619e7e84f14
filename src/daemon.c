/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libevdev/libevdev.h>
#include <libudev.h>
#include <linux/input.h>
#include <linux/uinput.h>

#include "build-config.h"
#include "config.h"
#include "config-watch.h"
#include "control.h"
#include "daemon.h"
#include "device.h"
#include "event-loop.h"
#include "hid-devices.h"
#include "hid-descriptor.h"
#include "hid-reader.h"
#include "latency.h"
#include "overflow.h"
#include "request-queue.h"
#include "session-watch.h"
#include "util-log.h"
#include "util-strings.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#define MAX_GRABS          HM_HID_MAX_EVDEV
#define DEFAULT_MAX_REPORT 4096u
#define MAX_REPORT         16384u
/* Reports read from one device per loop iteration: a flooding device
 * leaves the rest in the kernel's buffer for the next iteration (epoll is
 * level-triggered), so the other devices' reports and the timers (the
 * watchdog) go in between. */
#define READ_BUDGET 16
/* Read errors in a row that end the device even though it looks present
 * (an fd that keeps failing would otherwise spin the loop). */
#define MAX_READ_ERRORS 64
#define LOG_INTERVAL_US (10 * 1000 * 1000)

struct daemon;

struct driven {
	struct daemon *daemon;
	struct driven *next;
	char path[64];
	const struct hm_config_device *cfg; /* in daemon->config; NULL: module default */
	/* A reload that left the mapping as it was keeps the device's remapper,
	 * which points into the configuration it was built from: a reference
	 * to it (NULL: daemon->config). */
	struct hm_config *mapping_config;
	struct hm_hid_reader *reader;
	struct hm_device *dev;
	struct hm_source *hid_source; /* the hidraw fd, read by the loop */
	struct hm_source *rq_source;  /* request completions */
	struct hm_timer *rq_timer;    /* the earliest request time limit */
	uint64_t rq_deadline;         /* what rq_timer is armed for, 0: disarmed */
	struct hid_descriptor *desc;  /* report IDs and relative fields, for resyncs */
	uint8_t *buf;                 /* one input report */
	size_t buf_size;
	unsigned read_errors; /* in a row */
	struct hm_overflow overflow;
	unsigned resync_outstanding;
	bool resync_answered;
	struct hm_ratelimit overflow_log, error_log, request_log;
	struct hm_source *feedback[HM_MAX_ALL_OUTPUTS];
	unsigned feedback_output[HM_MAX_ALL_OUTPUTS];
	struct hm_timer *remap_timer; /* the mapping's timed work (tap-hold, macros, motion) */
	int grabs[MAX_GRABS];
	unsigned ngrabs;
	/* Replug grace: with reader NULL the device is gone but dev (its
	 * virtual devices) is kept until grace_timer fires, for the same
	 * device to come back to.  gone_at: when it went (0: driven). */
	struct hm_timer *grace_timer;
	uint64_t gone_at;
	uint64_t dropped;   /* requests refused: queue full */
	uint64_t timed_out; /* requests the device did not answer in time */
	struct hm_latency latency;
};

struct daemon {
	const struct hm_daemon_options *opts;
	struct hm_loop *loop;
	struct hm_sink *sink;
	struct hm_config *config;
	struct driven *driven;
	struct udev *udev;
	struct udev_monitor *monitor;
	struct hm_config_watch *config_watch; /* NULL: reload with SIGHUP only */
	struct hm_timer *reload_timer;        /* debounces config file changes */
	struct hm_control *control;           /* NULL: no control socket */
	struct hm_timer *watchdog_timer;
	uint64_t watchdog_usec;
	uint64_t start_us;
	char *diag; /* while reloading for a client: the first config error */
	size_t diag_size;
	/* Fast user switching: NULL when not followed (session_why says why).
	 * While session_released, no device is driven. */
	struct hm_session_watch *session;
	const char *session_why;
	bool session_released;
};

static void notify(const char *fmt, ...) _printf_(1, 2);
static void notify(const char *fmt, ...)
{
#if HAVE_LIBSYSTEMD
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)sd_notify(0, buf);
#else
	(void)fmt;
#endif
}

static void notify_status(struct daemon *d)
{
	unsigned n = 0;

	if (d->session_released) {
		notify("STATUS=session inactive: devices released");
		return;
	}
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		n += dr->reader != NULL;
	notify("STATUS=driving %u device%s", n, n == 1 ? "" : "s");
}

/* Hides the kernel's own evdev nodes of the HID device (EVIOCGRAB), so the
 * user does not get every input twice.  Best effort: a node we may not open
 * is reported once and left alone. */
static void grab_kernel_nodes(struct driven *dr)
{
	struct hm_hid_evdev_nodes nodes;
	int r = hm_hid_evdev_nodes(dr->path, &nodes);

	if (r < 0) {
		log_warning_errno(r, "%s: cannot find its evdev nodes: %m, ignoring", dr->path);
		return;
	}
	for (size_t i = 0; i < nodes.n && dr->ngrabs < MAX_GRABS; i++) {
		const char *dev = nodes.node[i];
		int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0) {
			log_warning_errno(errno, "%s: cannot open %s to hide it: %m, ignoring",
			                  dr->path, dev);
			continue;
		}
		if (ioctl(fd, EVIOCGRAB, (void *)1) < 0) {
			log_warning_errno(errno, "%s: cannot grab %s: %m, ignoring", dr->path, dev);
			close(fd);
			continue;
		}
		log_debug("%s: grabbed %s", dr->path, dev);
		dr->grabs[dr->ngrabs++] = fd;
	}
}

static void ungrab_kernel_nodes(struct driven *dr)
{
	for (unsigned i = 0; i < dr->ngrabs; i++) {
		(void)ioctl(dr->grabs[i], EVIOCGRAB, (void *)0);
		safe_close(dr->grabs[i]);
	}
	dr->ngrabs = 0;
}

static void driven_free(struct driven *dr)
{
	if (!dr)
		return;
	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		hm_source_remove(dr->feedback[i]);
	hm_source_remove(dr->hid_source);
	hm_source_remove(dr->rq_source);
	/* close the reader first: outstanding requests are cancelled while
	 * the device and its timers are whole (their callbacks run now) */
	hm_hid_reader_close(dr->reader);
	dr->reader = NULL;
	hm_timer_free(dr->remap_timer);
	hm_timer_free(dr->grace_timer);
	hm_timer_free(dr->rq_timer);
	/* releases every held key on the outputs before destroying them */
	hm_device_free(dr->dev);
	hm_config_free(dr->mapping_config);
	ungrab_kernel_nodes(dr);
	hid_descriptor_free(dr->desc);
	free(dr->buf);
	free(dr);
}

static void daemon_drop(struct daemon *d, struct driven *dr, const char *why)
{
	for (struct driven **p = &d->driven; *p; p = &(*p)->next) {
		if (*p == dr) {
			*p = dr->next;
			break;
		}
	}
	log_info("%s: %s", dr->path, why);
	driven_free(dr);
	notify_status(d);
}

static void detach_reader(struct driven *dr);

static void print_seconds(char *buf, size_t size, uint64_t us)
{
	snprintf(buf, size, "%llu.%03llus", (unsigned long long)(us / 1000000u),
	         (unsigned long long)(us / 1000u % 1000u));
}

/* The device went (its reader died, or udev said so).  Held keys are
 * released at once; the virtual devices stay for the replug grace period,
 * so that a device that comes back (a flaky cable, a Bluetooth reconnect)
 * keeps its /dev/input/eventN and applications keep their handles. */
static void daemon_gone(struct daemon *d, struct driven *dr, const char *why)
{
	uint64_t grace = d->config->replug_grace_us;
	char secs[32];

	if (!dr->reader)
		return; /* already gone */
	if (!grace) {
		daemon_drop(d, dr, why);
		return;
	}
	hm_device_release_all(dr->dev);
	(void)hm_timer_arm(dr->remap_timer, 0);
	detach_reader(dr);
	ungrab_kernel_nodes(dr);
	dr->gone_at = hm_now_usec();
	(void)hm_timer_arm(dr->grace_timer, grace);
	print_seconds(secs, sizeof(secs), grace);
	log_info("%s: %s, keeping its virtual devices for %s", dr->path, why, secs);
	notify_status(d);
}

static void grace_timer_fired(struct hm_timer *t, void *data)
{
	struct driven *dr = data;

	daemon_drop(dr->daemon, dr, "did not come back, removing its virtual devices");
}

static uint8_t report_id(const struct driven *dr, const uint8_t *data)
{
	return dr->desc && dr->desc->numbered ? data[0] : 0;
}

static void process(struct driven *dr, const uint8_t *data, size_t size, uint64_t t_read)
{
	int r = hm_device_process_report(dr->dev, data, size, t_read);
	uint64_t now = hm_now_usec();

	if (r < 0)
		log_debug_errno(r, "%s: report of %zu bytes not decoded: %m", dr->path, size);
	/* from read() returning to the frames written */
	hm_latency_add(&dr->latency, now > t_read ? now - t_read : 0);
}

static void start_resync(struct driven *dr);

static void rearm_requests(struct driven *dr, uint64_t deadline)
{
	uint64_t now = hm_now_usec();

	if (deadline == dr->rq_deadline)
		return;
	dr->rq_deadline = deadline;
	(void)hm_timer_arm(dr->rq_timer, !deadline ? 0 : deadline > now ? deadline - now : 1);
}

static void requests_run(struct driven *dr)
{
	const struct hm_rq_stats *st;
	uint64_t before;

	if (!dr->reader)
		return;
	st = hm_rq_get_stats(hm_hid_reader_requests(dr->reader));
	before = st->timed_out;
	dr->rq_deadline = 0; /* the dispatch below says when next */
	rearm_requests(dr, hm_rq_dispatch(hm_hid_reader_requests(dr->reader), hm_now_usec()));
	if (st->timed_out != before) {
		dr->timed_out += st->timed_out - before;
		if (hm_ratelimit_test(&dr->request_log, hm_now_usec(), NULL))
			log_warning("%s: the device did not answer a request within %u ms",
			            dr->path, HM_REQUEST_TIMEOUT_US / 1000);
	}
}

static void rq_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	requests_run(data);
}

static void rq_timer_fired(struct hm_timer *t, void *data)
{
	requests_run(data);
}

/* The answer to one question of a resync (GET_REPORT Input). */
static void resync_answer(void *userdata, int result, const uint8_t *data, size_t size)
{
	struct driven *dr = userdata;
	size_t n = size < dr->buf_size ? size : dr->buf_size;

	dr->resync_outstanding--;
	if (result > 0 && data && n > 0) {
		const struct hid_report *r;
		uint8_t *report = dr->buf;

		dr->resync_answered = true;
		memcpy(dr->buf, data, n);
		if (!dr->desc->numbered) {
			/* usbhid answers an unnumbered report with a 0 byte
			 * first (usbhid_get_raw_report()); a read() has none */
			r = hid_descriptor_find_report(dr->desc, HID_INPUT_REPORT, 0);
			if (r && n == (r->size_bits + 7) / 8 + 1 && report[0] == 0) {
				report++;
				n--;
			}
		}
		if (hm_overflow_answer(&dr->overflow, report_id(dr, report)) &&
		    hm_report_clear_relative(dr->desc, report, n) >= 0)
			process(dr, report, n, hm_now_usec());
	}
	if (dr->resync_outstanding)
		return;
	hm_overflow_resync_done(&dr->overflow, dr->resync_answered);
	if (!dr->resync_answered)
		log_info("%s: the device does not answer GET_REPORT Input, not resynchronised "
		         "after overflows",
		         dr->path);
	else if (hm_overflow_resync_due(&dr->overflow))
		start_resync(dr);
}

/*
 * The kernel's buffer may have overflowed and lost the last state: ask the
 * device for its current input reports (overflow.h).  Runs once the
 * buffer has been drained, off the loop like every request.
 */
static void start_resync(struct driven *dr)
{
	struct hm_rq *rq = hm_hid_reader_requests(dr->reader);

	if (!dr->desc)
		return;
	hm_overflow_resync_started(&dr->overflow);
	dr->resync_outstanding = 0;
	dr->resync_answered = false;
	for (unsigned i = 0; i < dr->desc->nreports; i++) {
		const struct hid_report *r = &dr->desc->reports[i];
		size_t size = (r->size_bits + 7) / 8 + 1; /* the ID byte, 0 if unnumbered */

		if (r->type != HID_INPUT_REPORT)
			continue;
		memset(dr->buf, 0, size < dr->buf_size ? size : dr->buf_size);
		dr->buf[0] = r->id;
		if (hm_rq_submit(rq, HM_REQUEST_GET_INPUT, dr->buf,
		                 size < dr->buf_size ? size : dr->buf_size, resync_answer, dr) == 0)
			dr->resync_outstanding++;
	}
	if (!dr->resync_outstanding) {
		hm_overflow_resync_done(&dr->overflow, false);
		return;
	}
	rearm_requests(dr,
	               dr->rq_deadline && dr->rq_deadline < hm_now_usec() + HM_REQUEST_TIMEOUT_US
	                   ? dr->rq_deadline
	                   : hm_now_usec() + HM_REQUEST_TIMEOUT_US);
}

/*
 * The hidraw fd is readable: the loop reads the reports itself, one per
 * wake-up while they come one at a time, up to READ_BUDGET of them when
 * they queue up, then lets the other sources run (the fd stays readable,
 * so epoll comes back to it).
 */
static void hid_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct driven *dr = data;
	int fd = hm_hid_reader_fd(dr->reader);

	for (unsigned i = 0; i < READ_BUDGET; i++) {
		int n = hm_hid_read_report(fd, dr->buf, dr->buf_size);
		uint64_t t_read = hm_now_usec(), suppressed = 0;

		if (n == 0) {
			dr->read_errors = 0;
			if (hm_overflow_drained(&dr->overflow))
				start_resync(dr);
			if (i == 0 && (events & (EPOLLHUP | EPOLLERR)))
				daemon_gone(dr->daemon, dr, "device gone (hang-up)");
			return;
		}
		if (n == -ENODEV) {
			daemon_gone(dr->daemon, dr, "device gone");
			return;
		}
		if (n < 0) {
			/* not the end of the device: read again on the next wake-up */
			if (++dr->read_errors >= MAX_READ_ERRORS) {
				log_warning_errno(n, "%s: %u read errors in a row (%m)", dr->path,
				                  dr->read_errors);
				daemon_gone(dr->daemon, dr, "device unreadable");
			} else if (hm_ratelimit_test(&dr->error_log, t_read, NULL)) {
				log_warning_errno(n, "%s: read failed: %m, trying again", dr->path);
			}
			return;
		}
		dr->read_errors = 0;
		if (hm_overflow_read(&dr->overflow, report_id(dr, dr->buf)) &&
		    hm_ratelimit_test(&dr->overflow_log, t_read, &suppressed))
			log_warning("%s: the kernel's buffer of %u reports filled up, reports may "
			            "be lost; resynchronising (%" PRIu64 " more since the last "
			            "message)",
			            dr->path, HM_HIDRAW_BUFFER_REPORTS, suppressed);
		process(dr, dr->buf, (size_t)n, t_read);
		if (!dr->reader)
			return; /* a profile switch let it go */
		/*
		 * The read that finds the buffer empty costs a syscall per
		 * report; epoll (level-triggered) brings us back if more
		 * is there anyway.  It is only needed to see the buffer
		 * empty again before 63 reports were read since it last was
		 * (overflow.h), so it is made once the run is half that.
		 */
		if (dr->overflow.run < HM_HIDRAW_BUFFER_REPORTS / 2)
			return;
	}
}

static void feedback_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct driven *dr = data;
	struct input_event ev[16];
	unsigned output = HM_MAX_ALL_OUTPUTS;
	ssize_t n;

	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		if (dr->feedback[i] == s)
			output = dr->feedback_output[i];
	if (output == HM_MAX_ALL_OUTPUTS)
		return;

	while ((n = read(hm_source_get_fd(s), ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			/* force feedback requests: a client waits in EVIOCSFF/EVIOCRMFF
			 * until it is answered, so always answer (device.c, the sink) */
			if (ev[i].type == EV_UINPUT) {
				(void)hm_device_handle_ff_request(dr->dev, output, ev[i].code,
				                                  (unsigned)ev[i].value);
				continue;
			}
			if (ev[i].type != EV_LED && ev[i].type != EV_FF)
				continue;
			(void)hm_device_handle_feedback(dr->dev, output, ev[i].type, ev[i].code,
			                                ev[i].value);
		}
		/* uinput_read() gives all it has: a short read emptied it, and
		 * the read that would find it empty is a syscall per frame (the
		 * input core hands every MSC_SCAN written back to the device) */
		if ((size_t)n < sizeof(ev))
			break;
	}
	if (events & (EPOLLHUP | EPOLLERR)) {
		/* a uinput fd does not hang up by itself: stop watching, keep the device */
		for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
			if (dr->feedback[i] == s)
				dr->feedback[i] = NULL;
		hm_source_remove(s);
	}
}

static bool is_driven(struct daemon *d, const char *path)
{
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		if (dr->reader && streq(dr->path, path))
			return true;
	return false;
}

/* A device kept after it went that has the same identity: bus, ids,
 * serial and report descriptor. */
static struct driven *find_kept(struct daemon *d, const struct hm_device_info *info,
                                const uint8_t *rdesc, size_t rdesc_size)
{
	for (struct driven *dr = d->driven; dr; dr = dr->next) {
		const struct hm_device *dev = dr->dev;

		if (dr->reader || dev->info.bus != info->bus || dev->info.vendor != info->vendor ||
		    dev->info.product != info->product || !streq(dev->info.serial, info->serial) ||
		    dev->rdesc_size != rdesc_size ||
		    (rdesc_size && memcmp(dev->rdesc, rdesc, rdesc_size) != 0))
			continue;
		return dr;
	}
	return NULL;
}

static size_t max_input_report(const struct hid_descriptor *desc)
{
	size_t max = 0;

	if (!desc)
		return DEFAULT_MAX_REPORT;
	for (unsigned i = 0; i < desc->nreports; i++) {
		const struct hid_report *r = &desc->reports[i];
		size_t bytes = (r->size_bits + 7) / 8 + (desc->numbered ? 1 : 0);

		if (r->type == HID_INPUT_REPORT && bytes > max)
			max = bytes;
	}
	if (max < 64)
		max = 64;
	return max > MAX_REPORT ? MAX_REPORT : max;
}

/* Watches the uinput fds of the device's outputs for LED and force
 * feedback; called again whenever a mapping recreated outputs. */
static void watch_feedback(struct driven *dr)
{
	struct daemon *d = dr->daemon;

	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++) {
		hm_source_remove(dr->feedback[i]);
		dr->feedback[i] = NULL;
	}
	for (unsigned i = 0; i < hm_device_noutputs(dr->dev) && i < HM_MAX_ALL_OUTPUTS; i++) {
		void *h = hm_device_output_handle(dr->dev, i);
		int fd = h ? d->sink->ops->get_fd(d->sink, h) : -1;

		if (fd < 0)
			continue;
		dr->feedback_output[i] = i;
		dr->feedback[i] =
		    hm_loop_add_fd(d->loop, fd, EPOLLIN, false, feedback_dispatch, dr);
	}
}

static void remap_timer_fired(struct hm_timer *t, void *data)
{
	struct driven *dr = data;

	hm_device_timer(dr->dev, hm_now_usec());
}

/* The mapping asks for a call at deadline (hm_now_usec() clock, 0: none). */
static void arm_remap_timer(void *userdata, uint64_t deadline)
{
	struct driven *dr = userdata;
	uint64_t now;

	if (!dr->remap_timer)
		return;
	if (!deadline) {
		(void)hm_timer_arm(dr->remap_timer, 0);
		return;
	}
	now = hm_now_usec();
	/* a deadline already passed fires at once (a relative 0 would disarm) */
	(void)hm_timer_arm(dr->remap_timer, deadline > now ? deadline - now : 1);
}

static void outputs_changed(void *userdata)
{
	watch_feedback(userdata);
}

/* Requests go through the driven device, not a reader: after a replug
 * the same hm_device talks to a new reader.  They are queued for the
 * device's worker; the loop never waits for the device. */
static int driven_submit(void *userdata, enum hm_request_type type, const uint8_t *data,
                         size_t size, hm_transport_done_fn done, void *ctx)
{
	struct driven *dr = userdata;
	uint64_t deadline;
	int r;

	if (!dr->reader)
		return -ENODEV;
	r = hm_rq_submit(hm_hid_reader_requests(dr->reader), type, data, size, done, ctx);
	if (r == -EAGAIN) {
		dr->dropped++;
		if (hm_ratelimit_test(&dr->request_log, hm_now_usec(), NULL))
			log_warning("%s: too many requests waiting for the device, dropping one",
			            dr->path);
	}
	if (r < 0 || !done)
		return r; /* an output sent and forgotten has no time limit */
	deadline = hm_now_usec() + HM_REQUEST_TIMEOUT_US;
	if (!dr->rq_deadline || dr->rq_deadline > deadline)
		rearm_requests(dr, deadline);
	return 0;
}

static void monitor_tap(void *userdata, const struct hm_device *dev, enum hm_tap_stage stage,
                        unsigned output, unsigned type, unsigned code, int value);

/* Stops reading: the sources go, the reader closes (outstanding requests
 * are cancelled). */
static void detach_reader(struct driven *dr)
{
	hm_source_remove(dr->hid_source);
	dr->hid_source = NULL;
	hm_source_remove(dr->rq_source);
	dr->rq_source = NULL;
	rearm_requests(dr, 0);
	hm_hid_reader_close(dr->reader);
	dr->reader = NULL;
}

/* The largest report of any type (with its ID byte), for requests. */
static size_t max_any_report(const struct hid_descriptor *desc)
{
	size_t max = 64;

	for (unsigned i = 0; desc && i < desc->nreports; i++) {
		size_t bytes = (desc->reports[i].size_bits + 7) / 8 + 1;

		if (bytes > max)
			max = bytes;
	}
	return max > MAX_REPORT ? MAX_REPORT : max;
}

/* Starts reading path into dr (new, or kept from before a replug). */
static int attach_reader(struct daemon *d, struct driven *dr, const char *path, size_t max_report)
{
	int r;

	if (!dr->buf) {
		dr->buf = malloc(max_report);
		if (!dr->buf)
			return -ENOMEM;
		dr->buf_size = max_report;
	}
	if (!dr->rq_timer) {
		dr->rq_timer = hm_timer_new(d->loop, rq_timer_fired, dr);
		if (!dr->rq_timer)
			return -errno;
	}
	r = hm_hid_reader_open(path, max_any_report(dr->desc), &dr->reader);
	if (r < 0)
		return r;
	dr->hid_source =
	    hm_loop_add_fd(d->loop, hm_hid_reader_fd(dr->reader), EPOLLIN, false, hid_dispatch, dr);
	dr->rq_source =
	    dr->hid_source
	        ? hm_loop_add_fd(d->loop, hm_rq_get_fd(hm_hid_reader_requests(dr->reader)), EPOLLIN,
	                         false, rq_dispatch, dr)
	        : NULL;
	if (!dr->hid_source || !dr->rq_source) {
		r = -errno;
		detach_reader(dr);
		return r;
	}
	hm_overflow_init(&dr->overflow, HM_HIDRAW_BUFFER_REPORTS);
	dr->read_errors = 0;
	snprintf(dr->path, sizeof(dr->path), "%s", path);
	return 0;
}

/* The device came back within the grace period: same virtual devices. */
static int reattach(struct daemon *d, struct driven *dr, const struct hm_device_info *info,
                    size_t max_report)
{
	char secs[32];
	int r;

	r = attach_reader(d, dr, info->path, max_report);
	if (r < 0)
		return log_warning_errno(r, "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
		                         info->path);
	(void)hm_timer_arm(dr->grace_timer, 0);
	print_seconds(secs, sizeof(secs), hm_now_usec() - dr->gone_at);
	dr->gone_at = 0;
	/* The module starts afresh: a handshake is redone, no decoder state
	 * is left from before the unplug.  The hidraw node may have another
	 * number now. */
	r = hm_device_restart(dr->dev, info);
	if (r < 0) {
		log_warning_errno(r, "%s: the module cannot take it again: %m", info->path);
		daemon_drop(d, dr, "dropped");
		return 0;
	}
	if (!dr->cfg || dr->cfg->grab)
		grab_kernel_nodes(dr);
	log_info("%s: %s (%04x:%04x) came back after %s, same virtual devices", info->path,
	         info->name, info->vendor, info->product, secs);
	notify_status(d);
	return 1;
}

static int drive(struct daemon *d, const struct hm_device_info *info)
{
	struct hm_device_info full;
	struct hm_module_chain chain;
	const struct hm_config_device *cfg = NULL;
	struct hm_transport transport = {
	    .submit = driven_submit,
	};
	struct hm_device_setup setup = {.sink = d->sink, .transport = &transport};
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size = 0, max_report;
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	struct driven *dr;
	int r;

	if (is_driven(d, info->path) || !hm_module_select(d->config, info, &chain, &cfg))
		return 0;

	r = hm_hid_read_descriptor(info->path, rdesc, sizeof(rdesc), &rdesc_size);
	if (r < 0)
		return log_warning_errno(r, "%s: cannot read the report descriptor: %m, ignoring",
		                         info->path);
	/* again with the top-level usage, as the device core and a reload see
	 * the device: id predicates on the usage now decide */
	full = *info;
	hm_device_info_set_usage(&full, rdesc, rdesc_size);
	if (!hm_module_select(d->config, &full, &chain, &cfg))
		return 0;
	info = &full;
	/* one that does not parse still goes to the module, which says why */
	(void)hid_descriptor_parse(rdesc, rdesc_size, &desc, NULL);
	max_report = max_input_report(desc);

	dr = find_kept(d, info, rdesc, rdesc_size);
	if (dr) {
		if (hm_module_chain_equal(hm_device_module_chain(dr->dev), &chain) &&
		    dr->cfg == cfg)
			return reattach(d, dr, info, max_report);
		daemon_drop(d, dr, "came back under another configuration, starting afresh");
	}

	dr = zalloc(sizeof(*dr));
	if (!dr)
		return -ENOMEM;
	dr->daemon = d;
	dr->cfg = cfg;
	dr->desc = steal(&desc);
	dr->overflow_log = (struct hm_ratelimit)HM_RATELIMIT_INIT(LOG_INTERVAL_US, 1);
	dr->error_log = (struct hm_ratelimit)HM_RATELIMIT_INIT(LOG_INTERVAL_US, 3);
	dr->request_log = (struct hm_ratelimit)HM_RATELIMIT_INIT(LOG_INTERVAL_US, 3);
	snprintf(dr->path, sizeof(dr->path), "%.*s", (int)sizeof(dr->path) - 1, info->path);
	dr->remap_timer = hm_timer_new(d->loop, remap_timer_fired, dr);
	dr->grace_timer = hm_timer_new(d->loop, grace_timer_fired, dr);
	if (!dr->remap_timer || !dr->grace_timer) {
		r = -errno;
		driven_free(dr);
		return log_error_errno(r, "%s: cannot create a timer: %m", info->path);
	}

	r = attach_reader(d, dr, info->path, max_report);
	if (r < 0) {
		driven_free(dr);
		return log_warning_errno(r, "%s: cannot open: %m (run 'hidmapd doctor'), ignoring",
		                         info->path);
	}
	transport.userdata = dr;

	setup.chain = &chain;
	setup.profile = cfg ? hm_config_profile_for(d->config, cfg) : NULL;
	setup.unmapped = cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
	setup.arm_timer = arm_remap_timer;
	setup.outputs_changed = outputs_changed;
	setup.userdata = dr;
	r = hm_device_new(info, rdesc, rdesc_size, &setup, &dr->dev);
	if (r < 0) {
		driven_free(dr);
		return log_warning_errno(r, "%s: module %s cannot drive it: %m, ignoring",
		                         info->path, hm_module_chain_first(&chain)->name);
	}
	if (hm_control_monitoring(d->control))
		hm_device_set_tap(dr->dev, monitor_tap, dr);

	watch_feedback(dr);
	if (!cfg || cfg->grab)
		grab_kernel_nodes(dr);

	dr->next = d->driven;
	d->driven = dr;
	log_info("%s: %s (%04x:%04x) driven by module %s%s%s", info->path, info->name, info->vendor,
	         info->product, dr->dev->module->name, cfg ? ", config " : "", cfg ? cfg->id : "");
	notify_status(d);
	return 1;
}

static void scan(struct daemon *d)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	size_t n = 0;

	if (d->session_released)
		return; /* another user has the seat */
	if (d->opts->ndevices) {
		for (size_t i = 0; i < d->opts->ndevices; i++) {
			struct hm_device_info info;
			int r = hm_hid_info_from_path(d->opts->devices[i], &info);

			if (r < 0) {
				log_warning_errno(r, "%s: not a hidraw device: %m, ignoring",
				                  d->opts->devices[i]);
				continue;
			}
			(void)drive(d, &info);
		}
		return;
	}
	if (hm_hid_enumerate(&entries, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		(void)drive(d, &entries[i].info);
}

static void config_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	struct daemon *d = userdata;

	/* a reload asked for on the control socket answers with the first error */
	if (d->diag && !d->diag[0]) {
		if (line)
			snprintf(d->diag, d->diag_size, "%s:%u: %s", file, line, message);
		else
			snprintf(d->diag, d->diag_size, "%s: %s", file, message);
	}
	if (line)
		log_error("%s:%u: %s", file, line, message);
	else
		log_error("%s: %s", file, message);
}

static int load_config(struct daemon *d, struct hm_config **ret)
{
	return hm_config_load_given(d->opts->config_paths, d->opts->nconfig_paths, config_diag, d,
	                            ret);
}

/*
 * SIGHUP, a changed file, `hidmapd reload`: the new config is validated
 * whole before anything changes.  With err, the first problem is written
 * there for the client.  Returns 0, or -errno when the old config stays.
 */
static int reload(struct daemon *d, char *err, size_t errsize)
{
	struct hm_config *config = NULL;
	struct driven *dr, *next;
	int r;

	notify("RELOADING=1");
	if (err && errsize)
		err[0] = '\0';
	d->diag = err;
	d->diag_size = errsize;
	r = load_config(d, &config);
	d->diag = NULL;
	if (r < 0) {
		log_error("configuration not reloaded, the previous one stays in effect");
		if (err && errsize && !err[0])
			snprintf(err, errsize, "cannot load the configuration: %s", strerror(-r));
		notify("READY=1");
		return r;
	}

	/* Devices whose selection changed are let go (releasing what they
	 * hold) and taken again under the new config; those whose mapping
	 * changed switch in place, releasing everything first; the others
	 * are left alone, holding what they hold (a saved file that changes
	 * nothing for them, a profile switched to by a key, stay). */
	for (dr = d->driven; dr; dr = next) {
		const struct hm_device_info *info = &dr->dev->info;
		struct hm_module_chain chain_new;
		const struct hm_config_device *c_new = NULL;
		const struct hm_config_profile *p_old, *p_new;
		bool grab_old = !dr->cfg || dr->cfg->grab;

		next = dr->next;
		if (!hm_module_select(config, info, &chain_new, &c_new) ||
		    !hm_module_chain_equal(&chain_new, hm_device_module_chain(dr->dev)) ||
		    grab_old != (!c_new || c_new->grab)) {
			daemon_drop(d, dr, "configuration changed, letting go");
			continue;
		}
		p_old = dr->cfg ? hm_config_profile_for(d->config, dr->cfg) : NULL;
		p_new = c_new ? hm_config_profile_for(config, c_new) : NULL;
		if ((dr->cfg ? dr->cfg->unmapped : HM_UNMAPPED_PASS) ==
		        (c_new ? c_new->unmapped : HM_UNMAPPED_PASS) &&
		    hm_config_profile_equal(p_old, p_new)) {
			if (!dr->mapping_config)
				dr->mapping_config = hm_config_ref(d->config);
			dr->cfg = c_new;
			continue;
		}
		r = hm_device_set_profile(dr->dev, p_new,
		                          c_new ? c_new->unmapped : HM_UNMAPPED_PASS);
		if (r < 0) {
			daemon_drop(d, dr, "cannot apply the new mapping, letting go");
			continue;
		}
		log_info("%s: mapping changed, applied", dr->path);
		hm_config_free(dr->mapping_config); /* the new one is d->config */
		dr->mapping_config = NULL;
		dr->cfg = c_new;
	}
	hm_config_free(d->config);
	d->config = config;
	log_info("configuration reloaded");
	if (d->config_watch) /* a path may have appeared where it could not be watched */
		(void)hm_config_watch_refresh(d->config_watch);
	scan(d);
	notify("READY=1");
	notify_status(d);
	return 0;
}

/* ---- reloading when a config file changes --------------------------------- */

static void config_watch_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;
	int r = hm_config_watch_process(d->config_watch);

	if (r < 0)
		log_warning_errno(r, "cannot read the configuration watch: %m, ignoring");
	/* editors write a file in several steps: reload once they are done */
	if (r > 0)
		(void)hm_timer_arm(d->reload_timer, 200000);
}

static void reload_timer_fired(struct hm_timer *t, void *data)
{
	struct daemon *d = data;

	log_info("a configuration file changed, reloading");
	(void)reload(d, NULL, 0);
}

/* Watches exactly what the configuration reads (config-watch.h): a file
 * some other program writes next to it reloads nothing. */
static void setup_config_watch(struct daemon *d)
{
	const char *const *paths = d->opts->config_paths;
	size_t n = d->opts->nconfig_paths;
	int r;

	if (!paths)
		paths = hm_config_default_paths(&n);
	r = hm_config_watch_new(paths, n, &d->config_watch);
	if (r < 0) {
		log_warning_errno(r, "cannot watch the configuration: %m; reload with SIGHUP");
		return;
	}
	d->reload_timer = hm_timer_new(d->loop, reload_timer_fired, d);
	if (!d->reload_timer || !hm_loop_add_fd(d->loop, hm_config_watch_get_fd(d->config_watch),
	                                        EPOLLIN, false, config_watch_dispatch, d)) {
		log_warning_errno(errno, "cannot watch the configuration: %m; reload with SIGHUP");
		hm_config_watch_free(d->config_watch);
		d->config_watch = NULL;
	}
}

static bool wanted_node(const struct daemon *d, const char *node)
{
	if (!d->opts->ndevices)
		return true;
	for (size_t i = 0; i < d->opts->ndevices; i++)
		if (streq(d->opts->devices[i], node))
			return true;
	return false;
}

/* A hidraw node appeared or went away.  Removal is also seen by the
 * loop's read (EIO and a hang-up); whichever comes first lets the device
 * go, once. */
static void monitor_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);
		const char *node = udev_device_get_devnode(dev);

		if (action && node && wanted_node(d, node) && !d->session_released) {
			if (streq(action, "add")) {
				struct hm_device_info info;

				if (hm_hid_info_from_path(node, &info) == 0)
					(void)drive(d, &info);
			} else if (streq(action, "remove")) {
				for (struct driven *dr = d->driven; dr; dr = dr->next) {
					if (dr->reader && streq(dr->path, node)) {
						daemon_gone(d, dr, "device removed");
						break;
					}
				}
			}
		}
		udev_device_unref(dev);
	}
}

/*
 * hidapi 0.13 has no hotplug API: watch the hidraw subsystem with libudev.
 * Events come from udevd once its rules have run (so the uaccess ACL is
 * in place); without udevd (early boot, containers, the test VM) straight
 * from the kernel.
 */
static int setup_hotplug(struct daemon *d)
{
	const char *source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	int fd;

	d->udev = udev_new();
	if (!d->udev)
		return -ENOMEM;
	d->monitor = udev_monitor_new_from_netlink(d->udev, source);
	if (!d->monitor)
		return -errno ?: -ENOMEM;
	if (udev_monitor_filter_add_match_subsystem_devtype(d->monitor, "hidraw", NULL) < 0 ||
	    udev_monitor_enable_receiving(d->monitor) < 0)
		return -EIO;
	fd = udev_monitor_get_fd(d->monitor);
	/* libudev's socket is SOCK_NONBLOCK|SOCK_CLOEXEC already */
	if (!hm_loop_add_fd(d->loop, fd, EPOLLIN, false, monitor_dispatch, d))
		return -errno;
	log_debug("watching hidraw devices (%s events)", source);
	return 0;
}

/* ---- fast user switching (src/session-watch.h) ------------------------------ */

/*
 * Another user has the seat: logind took our access to the nodes away but
 * not the files we have open.  Let go of every device, as at an unplug
 * without grace: held keys released on the outputs, the kernel's nodes
 * ungrabbed, the hidraw readers closed, the virtual devices destroyed, the
 * monitor taps gone with them.  Nothing is driven again until the session
 * is active (scan() and hotplug check session_released).
 */
static void session_release(struct daemon *d)
{
	unsigned n = 0;

	d->session_released = true;
	while (d->driven) {
		daemon_drop(d, d->driven, "session inactive, letting go");
		n++;
	}
	log_info("session inactive: released %u device%s until it is active again", n,
	         n == 1 ? "" : "s");
	notify_status(d);
}

static void session_resume(struct daemon *d)
{
	d->session_released = false;
	log_info("session active: taking the devices again");
	scan(d);
	notify_status(d);
}

static void session_changed(enum hm_session_state state, void *userdata)
{
	struct daemon *d = userdata;

	if (hm_session_state_drives(state))
		session_resume(d);
	else
		session_release(d);
}

static void setup_session_watch(struct daemon *d)
{
	struct hm_session_source *src;
	char text[128];
	int r;

	r = hm_session_source_sd_login_new(getuid(), &src);
	if (r == -EOPNOTSUPP)
		d->session_why = "built without libsystemd";
	else if (r == -ENOENT)
		d->session_why = "no systemd-logind";
	else if (r < 0)
		d->session_why = "cannot watch systemd-logind";
	else if ((r = hm_session_watch_new(d->loop, src, session_changed, d, &d->session)) < 0)
		d->session_why = "cannot watch systemd-logind";
	if (!d->session) {
		log_info_errno(r,
		               "not following the login session (%s: %m): devices are "
		               "driven whoever has the seat",
		               d->session_why);
		return;
	}
	hm_session_watch_describe(d->session, text, sizeof(text));
	log_info("login session: %s", text);
	d->session_released = !hm_session_state_drives(hm_session_watch_state(d->session));
	if (d->session_released)
		log_info("session inactive: not driving devices until it is active");
}

/* The text after "session " in `hidmapd status`. */
static void session_describe(struct daemon *d, char *buf, size_t size)
{
	size_t len;

	if (!d->session) {
		snprintf(buf, size, "not-followed (%s)", d->session_why);
		return;
	}
	hm_session_watch_describe(d->session, buf, size);
	len = strlen(buf);
	if (d->session_released && len < size)
		snprintf(buf + len, size - len, ": devices released");
}

/* ---- the control socket --------------------------------------------------- */

static const char *node_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* `hidmapd monitor`: one line per event; only installed while a monitor
 * client is connected.  libevdev's names, numbers for what it lacks. */
static void monitor_tap(void *userdata, const struct hm_device *dev, enum hm_tap_stage stage,
                        unsigned output, unsigned type, unsigned code, int value)
{
	struct driven *dr = userdata;
	const char *tname = libevdev_event_type_get_name(type);
	const char *cname = libevdev_event_code_get_name(type, code);
	char tbuf[16], cbuf[16], where[16], line[160];

	if (!tname) {
		snprintf(tbuf, sizeof(tbuf), "0x%02x", type);
		tname = tbuf;
	}
	if (!cname) {
		snprintf(cbuf, sizeof(cbuf), "0x%03x", code);
		cname = cbuf;
	}
	if (stage == HM_TAP_DECODED)
		snprintf(where, sizeof(where), output ? "in#%u" : "in ", output);
	else
		snprintf(where, sizeof(where), "out#%u", output);
	snprintf(line, sizeof(line), "%s %s %s %s %d", node_name(dr->path), where, tname, cname,
	         value);
	hm_control_monitor_line(dr->daemon->control, line);
}

static void control_monitor(void *userdata, bool active)
{
	struct daemon *d = userdata;

	for (struct driven *dr = d->driven; dr; dr = dr->next)
		hm_device_set_tap(dr->dev, active ? monitor_tap : NULL, dr);
}

static int control_reload(void *userdata, char *err, size_t errsize)
{
	int r = reload(userdata, err, errsize);
	size_t len = strlen(err);

	if (r < 0 && len < errsize)
		snprintf(err + len, errsize - len, " (the previous configuration stays in effect)");
	return r;
}

/* /dev/input/eventN of a uinput device, from its fd (UI_GET_SYSNAME). */
static bool uinput_node(int fd, char *buf, size_t size)
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

static void control_status(void *userdata, struct hm_control_client *c)
{
	struct daemon *d = userdata;
	struct hm_status_daemon sd = {
	    .uptime_us = hm_now_usec() - d->start_us,
	    .config_files = (const char *const *)d->config->files,
	    .nconfig_files = d->config->nfiles,
	};
	uint64_t now = hm_now_usec();
	char session[160];

	session_describe(d, session, sizeof(session));
	sd.session = session;
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		sd.ndevices++;
	hm_control_status_daemon(c, &sd);
	for (struct driven *dr = d->driven; dr; dr = dr->next) {
		const struct hm_device_stats *st = hm_device_get_stats(dr->dev);
		struct hm_status_output outs[HM_MAX_ALL_OUTPUTS];
		char nodes[HM_MAX_ALL_OUTPUTS][32];
		unsigned n = hm_device_noutputs(dr->dev);
		struct hm_status_device s = {
		    .path = dr->path,
		    .name = dr->dev->info.name,
		    .vendor = dr->dev->info.vendor,
		    .product = dr->dev->info.product,
		    .module = dr->dev->module->name,
		    .section = dr->cfg ? dr->cfg->id : NULL,
		    .reports = st->reports,
		    .decode_errors = st->decode_errors,
		    .ignored = st->ignored,
		    .dropped = dr->dropped,
		    .overflows = dr->overflow.overflows,
		    .resyncs = dr->overflow.resyncs,
		    .timed_out = dr->timed_out,
		    .initializing = dr->reader && hm_device_initializing(dr->dev),
		    .latency_samples = dr->latency.count,
		    .latency_p50_us = hm_latency_percentile(&dr->latency, 500),
		    .latency_p99_us = hm_latency_percentile(&dr->latency, 990),
		    .outputs = outs,
		};

		if (!dr->reader)
			s.gone_us = dr->gone_at + d->config->replug_grace_us > now
			                ? dr->gone_at + d->config->replug_grace_us - now
			                : 1;
		for (unsigned i = 0; i < n && i < HM_MAX_ALL_OUTPUTS; i++) {
			struct libevdev *caps =
			    (struct libevdev *)hm_device_output_caps(dr->dev, i);
			void *h = hm_device_output_handle(dr->dev, i);

			if (!caps)
				continue;
			outs[s.noutputs] = (struct hm_status_output){
			    .name = libevdev_get_name(caps),
			    .phys = libevdev_get_phys(caps),
			};
			if (h && uinput_node(d->sink->ops->get_fd(d->sink, h), nodes[s.noutputs],
			                     sizeof(nodes[0])))
				outs[s.noutputs].node = nodes[s.noutputs];
			outs[s.noutputs].ff = hm_device_ff_stats(
			    dr->dev, i, &outs[s.noutputs].ff_uploaded, &outs[s.noutputs].ff_played);
			s.noutputs++;
		}
		hm_control_status_device(c, &s);
	}
}

static const struct hm_control_ops control_ops = {
    .status = control_status,
    .reload = control_reload,
    .monitor = control_monitor,
};

static void setup_control(struct daemon *d)
{
	char path[108];
	int r;

	if (hm_control_socket_path(path, sizeof(path)) == -ENOENT) {
		log_warning("XDG_RUNTIME_DIR is not set: running without the control socket "
		            "(hidmapd status, reload and monitor will not work)");
		return;
	}
	r = hm_control_new(d->loop, &control_ops, d, &d->control);
	if (r == -EADDRINUSE)
		log_warning("another hidmapd answers on %s: running without the control socket",
		            path);
	else if (r < 0)
		log_warning_errno(r, "cannot create the control socket %s: %m; running without it",
		                  path);
}

/* ---- the systemd watchdog -------------------------------------------------- */

#if HAVE_LIBSYSTEMD
/* Pinged from a loop timer only, so a loop that hangs stops the pings and
 * systemd restarts the daemon. */
static void watchdog_fired(struct hm_timer *t, void *data)
{
	struct daemon *d = data;

	notify("WATCHDOG=1");
	(void)hm_timer_arm(t, d->watchdog_usec / 2);
}
#endif

static void setup_watchdog(struct daemon *d)
{
#if HAVE_LIBSYSTEMD
	uint64_t usec = 0;
	int r = sd_watchdog_enabled(0, &usec);

	if (r < 0)
		log_warning_errno(r, "cannot read the watchdog settings: %m, ignoring");
	if (r <= 0 || usec < 2)
		return;
	d->watchdog_usec = usec;
	d->watchdog_timer = hm_timer_new(d->loop, watchdog_fired, d);
	if (!d->watchdog_timer || hm_timer_arm(d->watchdog_timer, usec / 2) < 0) {
		log_warning_errno(errno, "cannot set up the watchdog timer: %m, ignoring");
		return;
	}
	log_debug("watchdog: pinging every %llu us", (unsigned long long)(usec / 2));
#endif
}

static void on_signal(int signo, void *data)
{
	struct daemon *d = data;

	switch (signo) {
	case SIGHUP:
		(void)reload(d, NULL, 0);
		break;
	case SIGINT:
	case SIGTERM:
		log_info("stopping");
		hm_loop_quit(d->loop);
		break;
	default:
		break;
	}
}

int hm_daemon_run(const struct hm_daemon_options *opts)
{
	struct daemon d = {.opts = opts, .start_us = hm_now_usec()};
	sigset_t mask;
	int r;

	if (hm_hid_init() < 0)
		return log_error_errno(EIO, "hidapi initialisation failed");

	r = load_config(&d, &d.config);
	if (r < 0) {
		/* survive a bad config: vendor modules still work with their defaults */
		log_error("configuration rejected; running with module defaults until it is fixed "
		          "(then: systemctl --user reload hidmapd)");
		d.config = hm_config_new_empty();
		if (!d.config)
			return log_error_errno(ENOMEM, "out of memory");
	}

	r = hm_loop_new(&d.loop);
	if (r < 0)
		return log_error_errno(r, "cannot create the event loop: %m");

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (!hm_loop_add_signals(d.loop, &mask, on_signal, &d)) {
		r = log_error_errno(errno, "cannot set up signalfd: %m");
		goto out;
	}

	d.sink = hm_sink_uinput_new();
	if (!d.sink) {
		r = log_error_errno(ENOMEM, "out of memory");
		goto out;
	}

	/* watch before the first scan, so a device plugged in meanwhile is not missed */
	r = setup_hotplug(&d);
	if (r < 0)
		log_warning_errno(
		    r, "cannot watch for new devices: %m; only devices present now are driven");

	setup_config_watch(&d);
	setup_control(&d);
	setup_session_watch(&d);
	scan(&d);
	setup_watchdog(&d);
	notify("READY=1");
	notify_status(&d);
	log_info("running");

	r = hm_loop_run(d.loop);

	notify("STOPPING=1");
out:
	hm_control_free(d.control); /* removes the socket file */
	d.control = NULL;           /* the monitor taps still point here */
	/* release every held key and destroy the virtual devices */
	while (d.driven) {
		struct driven *dr = d.driven;

		d.driven = dr->next;
		driven_free(dr);
	}
	hm_session_watch_free(d.session);
	if (d.sink)
		hm_sink_uinput_free(d.sink);
	hm_timer_free(d.reload_timer);
	hm_timer_free(d.watchdog_timer);
	hm_loop_free(d.loop);
	hm_config_watch_free(d.config_watch);
	udev_monitor_unref(d.monitor);
	udev_unref(d.udev);
	hm_config_free(d.config);
	hm_hid_exit();
	return r;
}
