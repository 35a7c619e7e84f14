/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log-ring.h"

int log_ring_init(struct log_ring *r, size_t size)
{
	*r = (struct log_ring){.size = size};
	r->buf = malloc(size);
	return r->buf ? 0 : -ENOMEM;
}

void log_ring_fini(struct log_ring *r)
{
	free(r->buf);
	*r = (struct log_ring){0};
}

size_t log_ring_room(const struct log_ring *r)
{
	return r->size - r->len;
}

bool log_ring_push(struct log_ring *r, const char *line, size_t n)
{
	size_t tail, first;

	if (n > log_ring_room(r)) {
		r->dropped++;
		return false;
	}
	tail = (r->head + r->len) % r->size;
	first = n < r->size - tail ? n : r->size - tail;
	memcpy(r->buf + tail, line, first);
	memcpy(r->buf, line + first, n - first);
	r->len += n;
	return true;
}

size_t log_ring_take(struct log_ring *r, char *out, size_t max)
{
	size_t n = max < r->len ? max : r->len;
	size_t first = n < r->size - r->head ? n : r->size - r->head;

	memcpy(out, r->buf + r->head, first);
	memcpy(out + first, r->buf, n - first);
	r->head = (r->head + n) % r->size;
	r->len -= n;
	if (!r->len)
		r->head = 0;
	return n;
}
