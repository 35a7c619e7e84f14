/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config-index.h"

static uint64_t hash_id(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

/* The slot of id: the one holding it, or the empty one it would take. */
static size_t *lookup(const struct hm_index *ix, const void *base, const char *id,
                      hm_index_id_fn id_at)
{
	size_t mask = ix->cap - 1, at = (size_t)hash_id(id) & mask;

	for (;; at = (at + 1) & mask) {
		size_t *s = &ix->slot[at];

		if (!*s || strcmp(id_at(base, *s - 1), id) == 0)
			return s;
	}
}

int hm_index_build(struct hm_index *ix, const void *base, size_t n, size_t room,
                   hm_index_id_fn id_at)
{
	size_t cap = 16;

	hm_index_free(ix);
	if (room < n)
		room = n;
	while (cap < 2 * room + 2)
		cap *= 2;
	ix->slot = calloc(cap, sizeof(*ix->slot));
	if (!ix->slot)
		return -ENOMEM;
	ix->cap = cap;
	for (size_t i = 0; i < n; i++)
		hm_index_add(ix, base, i, id_at);
	return 0;
}

void hm_index_add(struct hm_index *ix, const void *base, size_t i, hm_index_id_fn id_at)
{
	size_t *s = lookup(ix, base, id_at(base, i), id_at);

	if (!*s)
		ix->n++;
	*s = i + 1;
}

long hm_index_find(const struct hm_index *ix, const void *base, const char *id,
                   hm_index_id_fn id_at)
{
	size_t *s;

	if (!ix || !ix->slot)
		return -1;
	s = lookup(ix, base, id, id_at);
	return *s ? (long)(*s - 1) : -1;
}

bool hm_index_has_room(const struct hm_index *ix, size_t more)
{
	return ix->slot && 2 * (ix->n + more) + 2 <= ix->cap;
}

void hm_index_free(struct hm_index *ix)
{
	if (!ix)
		return;
	free(ix->slot);
	*ix = (struct hm_index){0};
}
