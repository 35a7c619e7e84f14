/* SPDX-License-Identifier: MIT */
/*
 * A bounded buffer of log lines, between code that must not wait (the
 * daemon's loop) and a writer that may (stderr is a pipe or journald's
 * stream socket, and either can stop taking data).  A line goes in whole
 * or not at all; a line that does not fit is counted in dropped, for a
 * note once the writer has made room.  Not locked: util-log.c holds its
 * lock around every call.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct log_ring {
	char *buf;
	size_t size;      /* capacity in bytes */
	size_t head;      /* the oldest byte */
	size_t len;       /* bytes held */
	uint64_t dropped; /* lines that did not fit since the last note */
};

/* 0, or -ENOMEM.  size > 0. */
int log_ring_init(struct log_ring *r, size_t size);
void log_ring_fini(struct log_ring *r);

/* Room left, in bytes. */
size_t log_ring_room(const struct log_ring *r);

/* Appends the n bytes of line and returns true; or, when they do not fit,
 * counts one more in r->dropped and returns false (nothing appended). */
bool log_ring_push(struct log_ring *r, const char *line, size_t n);

/* Moves up to max bytes, oldest first, into out; returns how many. */
size_t log_ring_take(struct log_ring *r, char *out, size_t max);
