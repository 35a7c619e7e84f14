/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event-loop.h"
#include "spnav-detect.h"
#include "util-strings.h"

/* Whether /proc/PID/stat (its first line in line) is a live spacenavd:
 * "PID (COMM) STATE ...", COMM as the kernel keeps it (it may hold ')'),
 * a zombie (Z) or a dead task (X) not counted: a SIGKILLed spacenavd
 * stays a zombie until its parent reaps it. */
static bool stat_is_live_spacenavd(const char *line)
{
	const char *lp = strchr(line, '('), *rp = strrchr(line, ')');

	if (!lp || !rp || rp < lp || (size_t)(rp - lp - 1) != strlen("spacenavd") ||
	    strncmp(lp + 1, "spacenavd", strlen("spacenavd")) != 0)
		return false;
	return rp[1] == ' ' && rp[2] && rp[2] != 'Z' && rp[2] != 'X';
}

int hm_spacenavd_pid(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (e = readdir(dir))) {
		char path[64], line[256];
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/stat", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) && stat_is_live_spacenavd(line) &&
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
	struct hm_source *pid_source; /* the pidfd of the spacenavd watched */
	int pid;
	hm_spacenavd_fn fn;
	void *userdata;
	struct hm_loop *loop;
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
	w->loop = loop;
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

static void unwatch_pid(struct hm_spacenavd_watch *w)
{
	if (w->pid_source)
		hm_source_remove(w->pid_source);
	w->pid_source = NULL;
	w->pid = 0;
}

/* The pidfd is readable: the process has exited. */
static void pid_dispatch(struct hm_source *source, uint32_t events, void *data)
{
	struct hm_spacenavd_watch *w = data;

	(void)source;
	(void)events;
	unwatch_pid(w);
	w->fn(w->userdata, false);
}

int hm_spacenavd_watch_pid(struct hm_spacenavd_watch *w, int pid)
{
	int fd, r;

	if (pid <= 0)
		return -EINVAL;
	if (pid == w->pid)
		return 0;
	unwatch_pid(w);
	fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0u);
	if (fd < 0)
		return -errno;
	w->pid_source = hm_loop_add_fd(w->loop, fd, EPOLLIN, true, pid_dispatch, w);
	if (!w->pid_source) {
		r = -errno;
		close(fd);
		return r < 0 ? r : -ENOMEM;
	}
	w->pid = pid;
	return 0;
}

void hm_spacenavd_watch_free(struct hm_spacenavd_watch *w)
{
	if (!w)
		return;
	unwatch_pid(w);
	hm_source_remove(w->source);
	free(w);
}
