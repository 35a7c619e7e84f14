/* SPDX-License-Identifier: MIT */
/*
 * Sections by id in constant time: an open-addressing hash of the
 * positions of the elements of an array (FNV-1a of the id, linear
 * probing, at most half full).  Loading a configuration at its documented
 * limits (256 files of 256 sections) looked every section up among all the
 * others, a quadratic 38 s; with this the load is linear.
 * Private to src/config.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The id of element i of base. */
typedef const char *(*hm_index_id_fn)(const void *base, size_t i);

struct hm_index {
	size_t *slot; /* position + 1; 0: empty */
	size_t cap;   /* a power of two */
	size_t n;
};

/* Indexes the n elements of base, with room for room (>= n) before it
 * must be rebuilt.  A later duplicate id hides an earlier one.  0 or
 * -ENOMEM (ix is then empty). */
int hm_index_build(struct hm_index *ix, const void *base, size_t n, size_t room,
                   hm_index_id_fn id_at);
/* Adds element i (the caller keeps ix->n + 1 <= room). */
void hm_index_add(struct hm_index *ix, const void *base, size_t i, hm_index_id_fn id_at);
/* The position of id, or -1. */
long hm_index_find(const struct hm_index *ix, const void *base, const char *id,
                   hm_index_id_fn id_at);
/* Whether n + more elements fit without a rebuild. */
bool hm_index_has_room(const struct hm_index *ix, size_t more);
void hm_index_free(struct hm_index *ix);
