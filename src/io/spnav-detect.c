/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spnav-detect.h"
#include "util-strings.h"

int hm_spacenavd_pid(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (e = readdir(dir))) {
		char path[64], comm[32];
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/comm", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, "spacenavd\n") &&
		    safe_atoi(e->d_name, &found) < 0)
			found = 0;
		fclose(f);
	}
	closedir(dir);
	return found;
}
