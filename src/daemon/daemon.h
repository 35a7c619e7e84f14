/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd run`: the daemon.  One epoll loop drives every selected device:
 * it reads the reports from each hidraw node itself, puts them through the
 * device's module and mapping, and writes them to uinput; requests to the
 * devices run on a worker per device (request-queue.h).
 */
#pragma once

#include <stddef.h>

struct hm_daemon_options {
	const char *const *config_paths; /* NULL: hm_config_default_paths() */
	size_t nconfig_paths;
	const char *const *devices; /* only these hidraw nodes, if given */
	size_t ndevices;
};

/* Runs until SIGINT/SIGTERM. Returns 0 or a negative errno. */
int hm_daemon_run(const struct hm_daemon_options *opts);
