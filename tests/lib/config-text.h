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

/* Loads text as the one config file, diagnostics to diag (may be NULL);
 * returns hm_config_load()'s result, or -errno when the file cannot be
 * written. */
static inline int config_load_text(const char *text, hm_config_diag_fn diag, void *userdata,
                                   struct hm_config **ret)
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
		r = hm_config_load(paths, 1, diag, userdata, ret);
	unlink(path);
	return r;
}
