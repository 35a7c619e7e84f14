/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event-loop.h"
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

/* ---- spacenavd starting or stopping: inotify on its run directory ------- */

struct hm_spacenavd_watch {
	struct hm_source *source;
	hm_spacenavd_fn fn;
	void *userdata;
};

static bool is_spacenavd_file(const char *name)
{
	return !strcmp(name, "spnavd.pid") || !strcmp(name, "spnav.sock");
}

static void watch_dispatch(struct hm_source *source, uint32_t events, void *data)
{
	struct hm_spacenavd_watch *w = data;
	union {
		char buf[4096];
		struct inotify_event align;
	} u;
	int started = -1; /* the last thing seen: one call per read */
	ssize_t n;

	(void)events;
	for (;;) {
		n = read(hm_source_get_fd(source), u.buf, sizeof(u.buf));
		if (n <= 0)
			break;
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *e = (const void *)(u.buf + off);

			if (e->len && is_spacenavd_file(e->name))
				started = (e->mask & (IN_CREATE | IN_MOVED_TO)) ? 1 : 0;
			off += (ssize_t)sizeof(*e) + e->len;
		}
	}
	if (started >= 0)
		w->fn(w->userdata, started == 1);
}

int hm_spacenavd_watch_new(struct hm_loop *loop, const char *dir, hm_spacenavd_fn fn,
                           void *userdata, struct hm_spacenavd_watch **ret)
{
	struct hm_spacenavd_watch *w;
	int fd, r;

	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return -ENOMEM;
	}
	w->fn = fn;
	w->userdata = userdata;
	w->source = hm_loop_add_fd(loop, fd, EPOLLIN, true, watch_dispatch, w);
	if (!w->source) {
		r = -errno;
		close(fd); /* hm_loop_add_fd() did not take it */
		free(w);
		return r < 0 ? r : -ENOMEM;
	}
	*ret = w;
	return 0;
}

void hm_spacenavd_watch_free(struct hm_spacenavd_watch *w)
{
	if (!w)
		return;
	hm_source_remove(w->source);
	free(w);
}
