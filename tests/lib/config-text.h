/* SPDX-License-Identifier: MIT */
/*
 * A configuration from text: written to a temporary file, loaded the way
 * the daemon loads a file, the file removed again.
 */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

typedef int (*config_load_fn)(const char *const *paths, size_t npaths, hm_config_diag_fn diag,
                              void *userdata, struct hm_config **ret);

/* Loads text as the one config file with load (hm_config_load(), or
 * hm_module_select_load() for a configuration whose layouts drive devices),
 * diagnostics to diag (may be NULL); returns load's result, or -errno when
 * the file cannot be written. */
static inline int config_load_text_by(config_load_fn load, const char *text, hm_config_diag_fn diag,
                                      void *userdata, struct hm_config **ret)
{
	char path[] = "/tmp/hidmapd-test-XXXXXX.ini";
	const char *paths[] = {path};
	size_t len = strlen(text);
	int fd = mkstemps(path, 4);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	close(fd);
	if (r == 0)
		r = load(paths, 1, diag, userdata, ret);
	unlink(path);
	return r;
}

/* config_load_text_by() with hm_config_load(). */
static inline int config_load_text(const char *text, hm_config_diag_fn diag, void *userdata,
                                   struct hm_config **ret)
{
	return config_load_text_by(hm_config_load, text, diag, userdata, ret);
}
