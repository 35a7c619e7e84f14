/* SPDX-License-Identifier: MIT */
/*
 * The shipped data's place (util-datadir.h).  Identity by device and inode,
 * not by path: the build tree may be reached through symlinks, and a copy
 * of the binary (meson install, a package) is another file.
 */
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "build-config.h"
#include "util-datadir.h"

bool hm_data_exe_is(const char *exe_path)
{
	struct stat self, st;

	if (stat("/proc/self/exe", &self) < 0 || stat(exe_path, &st) < 0)
		return false;
	return self.st_dev == st.st_dev && self.st_ino == st.st_ino;
}

bool hm_data_from_build_tree(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = hm_data_exe_is(HIDMAPD_BUILD_ROOT "/hidmapd");
	return cached;
}

const char *hm_data_layouts_dir(void)
{
	return hm_data_from_build_tree() ? HIDMAPD_SOURCE_ROOT "/devices/layouts"
	                                 : HIDMAPD_DATADIR "/layouts";
}

const char *hm_data_config_d_dir(void)
{
	return hm_data_from_build_tree() ? HIDMAPD_SOURCE_ROOT "/config"
	                                 : HIDMAPD_DATADIR "/config.d";
}

int hm_runtime_path(char *buf, size_t size, const char *leaf)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	int n;

	if (!rt || rt[0] != '/')
		return -ENOENT;
	n = snprintf(buf, size, "%s/hidmapd/%s", rt, leaf);
	if (n < 0 || (size_t)n >= size || (size_t)n >= max)
		return -ENAMETOOLONG;
	return 0;
}
