/* SPDX-License-Identifier: MIT */
/*
 * The report path of a driven device: the loop reads its hidraw node,
 * resynchronises after the kernel's buffer overflowed, runs its requests
 * (request-queue.h) with their time limits, and hands the feedback its
 * outputs receive (LEDs, force feedback) to the device.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <linux/input.h>

/* Reports read from one device per loop iteration: a flooding device
 * leaves the rest in the kernel's buffer for the next iteration (epoll is
 * level-triggered), so the other devices' reports and the timers (the
 * watchdog) go in between. */
#define READ_BUDGET 16
/* Read errors in a row that end the device even though it looks present
 * (an fd that keeps failing would otherwise spin the loop). */
#define MAX_READ_ERRORS 64

#include "daemon-private.h"
#include "util-strings.h"

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

void daemon_rearm_requests(struct driven *dr, uint64_t deadline)
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
	daemon_rearm_requests(dr,
	                      hm_rq_dispatch(hm_hid_reader_requests(dr->reader), hm_now_usec()));
	if (st->timed_out != before) {
		dr->timed_out += st->timed_out - before;
		if (hm_ratelimit_test(&dr->request_log, hm_now_usec(), NULL))
			log_warning("%s: the device did not answer a request within %u ms",
			            dr->path, HM_REQUEST_TIMEOUT_US / 1000);
	}
}

void daemon_rq_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	requests_run(data);
}

void daemon_rq_timer_fired(struct hm_timer *t, void *data)
{
	requests_run(data);
}

/* A mute device's buffer may have overflowed: the last release may be
 * lost, so every key and button held on its outputs is let go (overflow.h). */
static void release_after_overflow(struct driven *dr)
{
	hm_device_release_all(dr->dev);
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
	if (!dr->resync_answered) {
		/* the rule for devices that cannot be asked (overflow.h) */
		log_info("%s: the device does not answer GET_REPORT Input: after an overflow "
		         "of the kernel's buffer, what it holds is released",
		         dr->path);
		dr->overflow.releases++;
		release_after_overflow(dr);
	} else if (hm_overflow_resync_due(&dr->overflow))
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
		dr->overflow.releases++;
		release_after_overflow(dr);
		return;
	}
	daemon_rearm_requests(dr, dr->rq_deadline &&
	                                  dr->rq_deadline < hm_now_usec() + HM_REQUEST_TIMEOUT_US
	                              ? dr->rq_deadline
	                              : hm_now_usec() + HM_REQUEST_TIMEOUT_US);
}

/*
 * The hidraw fd is readable: the loop reads the reports itself, one per
 * wake-up while they come one at a time, up to READ_BUDGET of them when
 * they queue up, then lets the other sources run (the fd stays readable,
 * so epoll comes back to it).
 */
void daemon_hid_dispatch(struct hm_source *s, uint32_t events, void *data)
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
			else if (hm_overflow_release_due(&dr->overflow))
				release_after_overflow(dr);
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

struct feedback_ctx {
	struct driven *dr;
	unsigned output;
};

static void feedback_event(void *userdata, unsigned type, unsigned code, int value)
{
	struct feedback_ctx *f = userdata;

	(void)hm_device_handle_feedback(f->dr->dev, f->output, type, code, value);
}

/* a client waits in EVIOCSFF/EVIOCRMFF until it is answered, so always
 * answer (device.c, the sink) */
static void feedback_ff_request(void *userdata, unsigned code, unsigned request_id)
{
	struct feedback_ctx *f = userdata;

	(void)hm_device_handle_ff_request(f->dr->dev, f->output, code, request_id);
}

void daemon_feedback_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct driven *dr = data;
	struct hm_sink *sink = dr->daemon->sink;
	struct feedback_ctx ctx = {.dr = dr, .output = HM_MAX_ALL_OUTPUTS};
	const struct hm_sink_feedback fb = {
	    .event = feedback_event,
	    .ff_request = feedback_ff_request,
	    .userdata = &ctx,
	};

	for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
		if (dr->feedback[i] == s)
			ctx.output = dr->feedback_output[i];
	if (ctx.output == HM_MAX_ALL_OUTPUTS)
		return;

	if (sink->ops->read_feedback)
		sink->ops->read_feedback(sink, hm_source_get_fd(s), &fb);
	if (events & (EPOLLHUP | EPOLLERR)) {
		/* a uinput fd does not hang up by itself: stop watching, keep the device */
		for (unsigned i = 0; i < HM_MAX_ALL_OUTPUTS; i++)
			if (dr->feedback[i] == s)
				dr->feedback[i] = NULL;
		hm_source_remove(s);
	}
}

/* Requests go through the driven device, not a reader: after a replug
 * the same hm_device talks to a new reader.  They are queued for the
 * device's worker; the loop never waits for the device. */
int daemon_driven_submit(void *userdata, enum hm_request_type type, const uint8_t *data,
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
		daemon_rearm_requests(dr, deadline);
	return 0;
}
