/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd run`: the daemon.  One epoll loop drives every selected device:
 * reports arrive from reader threads through rings, go through the device's
 * module and mapping, and leave through uinput.
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
