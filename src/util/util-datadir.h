/* SPDX-License-Identifier: MIT */
/*
 * Where hidmapd's shipped data is.  The hidmapd binary of a build tree
 * (build/hidmapd, run by a developer or `.ci/bootstrap.sh run`) reads the
 * source tree's folders, so it drives devices as an installed one does;
 * every other process (the installed binary, tests, tools) reads the
 * install prefix's HIDMAPD_DATADIR.  An installed binary never looks at the
 * source tree: the test is that /proc/self/exe is the very file (device and
 * inode) the build wrote as HIDMAPD_BUILD_ROOT/hidmapd.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Whether this process is the build tree's hidmapd (decided once). */
bool hm_data_from_build_tree(void);
/* The shipped layouts: SOURCE/devices/layouts or DATADIR/layouts. */
const char *hm_data_layouts_dir(void);
/* The shipped default configuration: SOURCE/config or DATADIR/config.d. */
const char *hm_data_config_d_dir(void);

/* $XDG_RUNTIME_DIR/hidmapd/LEAF into buf (a socket's path: it must fit
 * sockaddr_un's sun_path too).  -ENOENT without an absolute
 * XDG_RUNTIME_DIR, -ENAMETOOLONG if it does not fit. */
int hm_runtime_path(char *buf, size_t size, const char *leaf);

/* For tests: whether the running executable is the file at exe_path. */
bool hm_data_exe_is(const char *exe_path);
