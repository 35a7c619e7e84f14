/* SPDX-License-Identifier: MIT */
/*
 * What the configuration loader (config.c) and parser (config-parse.c)
 * share.  Private to them; everyone else uses config.h.
 */
#pragma once

#include <stddef.h>
#include <stdlib.h>

#include "config.h"

/* One more element at the end of array (n elements of elsize), or NULL. */
/* Room for element n of an array that only append() grows: its
 * allocation doubles whenever n reaches a power of two, so n appends copy
 * O(n) elements, not O(n^2).  The array may shrink (n decreases) but must
 * never be allocated otherwise. */
static inline void *append(void *array, size_t n, size_t elsize)
{
	if (array && n & (n - 1))
		return array; /* between two powers of two: allocated already */
	return reallocarray(array, n ? 2 * n : 1, elsize);
}

/* Parses one file's text (path for messages) into *ret, its sections in
 * file order.  Errors in the text go to diag and are counted in *nerrors
 * (*ret is still set); returns 0, or -ENOMEM. */
int config_parse_buffer(const char *path, const char *buf, size_t size, hm_config_diag_fn diag,
                        void *userdata, unsigned *nerrors, struct hm_config **ret);
