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
static inline void *append(void *array, size_t n, size_t elsize)
{
	return reallocarray(array, n + 1, elsize);
}

/* Parses one file's text (path for messages) into *ret, its sections in
 * file order.  Errors in the text go to diag and are counted in *nerrors
 * (*ret is still set); returns 0, or -ENOMEM. */
int config_parse_buffer(const char *path, const char *buf, size_t size, hm_config_diag_fn diag,
                        void *userdata, unsigned *nerrors, struct hm_config **ret);
