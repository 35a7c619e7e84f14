/* SPDX-License-Identifier: MIT */
/*
 * The report path's overflow policy: what the loop does when input
 * reports may have been lost, so that the last state of every button and
 * axis still arrives.
 *
 * The loop reads hidraw itself, so the one place reports are lost is the
 * kernel's buffer of 63 reports per reader (HM_HIDRAW_BUFFER_REPORTS),
 * which drops the newest report when full: a late loop loses the final
 * state (a release).  The loop cannot see the drops, but it can see that
 * the buffer may have been full: it read at least 63 reports since it last
 * found the buffer empty.  Then, once it has drained the buffer, it asks
 * the device for its current input reports (GET_REPORT Input,
 * HIDIOCGINPUT; every report ID of the descriptor) and decodes each
 * answer as a report, unless a report with that ID was read after the
 * question: that one is newer than the loss already.  Devices that do not
 * answer are not asked again.  Relative values (motion, wheels) in an
 * answer are cleared before it is decoded: an answer is a state, not a
 * movement, and the motion lost with the dropped reports cannot be
 * recovered; the overflows that may have lost it are counted.
 *
 * A device that does not answer GET_REPORT Input (most keyboards and mice
 * on usbhid do not, uhid devices often never do) cannot be asked for its
 * state.  For it the rule is: once the buffer that may have overflowed is
 * drained, everything held on its outputs is released
 * (hm_overflow_release_due()).  A lost release would leave a key down and
 * autorepeating, or a button dragging, for as long as the user does not
 * press it again; a release of a key still held costs at most that key
 * until its next report.  The first suspected overflow of a device whose
 * answers are not known yet asks first, and releases when no answer came.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hid-descriptor.h"

/* A log line at most burst times per interval; the rest are counted. */
struct hm_ratelimit {
	uint64_t interval_us;
	unsigned burst;
	uint64_t begin_us;
	unsigned n;
	uint64_t suppressed; /* since the last line that was let through */
};

#define HM_RATELIMIT_INIT(interval, b)                                                             \
	{                                                                                          \
		.interval_us = (interval), .burst = (b)                                            \
	}

/* Whether to log now; when it says yes after a quiet spell,
 * *ret_suppressed (may be NULL) is how many were held back. */
bool hm_ratelimit_test(struct hm_ratelimit *rl, uint64_t now_us, uint64_t *ret_suppressed);

struct hm_overflow {
	unsigned buffer;    /* reports the kernel's buffer holds */
	unsigned run;       /* reports read since the buffer was last found empty */
	bool suspect;       /* it may have been full: resynchronise once it is empty */
	bool resyncing;     /* the questions of a resync are outstanding */
	bool mute;          /* the device answered no question: do not ask again */
	uint8_t seen[32];   /* report IDs read since the questions were asked */
	uint64_t overflows; /* times the buffer may have been full */
	uint64_t resyncs;   /* answers decoded */
	uint64_t stale;     /* answers dropped: a newer report came first */
	uint64_t releases;  /* held input released instead (a mute device) */
};

void hm_overflow_init(struct hm_overflow *o, unsigned buffer);

/* A report with ID id was read.  Returns true when this one made the
 * buffer look full (count it, log it). */
bool hm_overflow_read(struct hm_overflow *o, uint8_t id);

/* The buffer was found empty.  Returns true when a resync should start:
 * ask now, then call hm_overflow_resync_started(). */
bool hm_overflow_drained(struct hm_overflow *o);
void hm_overflow_resync_started(struct hm_overflow *o);
/* Call when the buffer was found empty, after hm_overflow_drained():
 * true when the device is mute and the buffer may have overflowed since
 * the last check, so everything it holds should be released now. */
bool hm_overflow_release_due(struct hm_overflow *o);
/* Whether a resync is due and may start now (after one that ended). */
bool hm_overflow_resync_due(const struct hm_overflow *o);

/* The answer for report ID id arrived: true when it should be decoded. */
bool hm_overflow_answer(struct hm_overflow *o, uint8_t id);
/* Every question was answered or failed; answered: whether any was. */
void hm_overflow_resync_done(struct hm_overflow *o, bool answered);

/*
 * Clears the values of the relative variable fields (motion, wheels) of an
 * input report in data (size bytes, the ID byte first when d numbers its
 * reports), so that decoding it moves nothing.  Returns the number of
 * relative fields cleared, or -EINVAL when data is no input report of d.
 */
int hm_report_clear_relative(const struct hid_descriptor *d, uint8_t *data, size_t size);
