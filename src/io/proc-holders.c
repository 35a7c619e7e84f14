/* SPDX-License-Identifier: MIT */
/* Processes that have a node open (proc-holders.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc-holders.h"
#include "util-strings.h"

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* 1 when proc_root/pid/fd has a link to path, 0 when not, -EACCES when
 * its fds cannot be read. */
static int has_open(const char *proc_root, const char *pid, const char *path)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *fds;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/%s/fd", proc_root, pid);
	fds = opendir(dir);
	if (!fds)
		return errno == EACCES || errno == EPERM ? -EACCES : 0;
	while (!r && (de = readdir(fds))) {
		char link[PATH_MAX + 256], target[PATH_MAX];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		r = streq(target, path);
	}
	closedir(fds);
	return r;
}

static void read_comm(const char *proc_root, const char *pid, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/comm", proc_root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	if (n <= 0) {
		snprintf(buf, size, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

size_t hm_proc_holders(const char *proc_root, const char *path, pid_t skip,
                       struct hm_proc_holder *out, size_t max, unsigned *ret_hidden)
{
	unsigned hidden = 0;
	struct dirent *de;
	size_t n = 0;
	DIR *proc = opendir(proc_root);

	if (ret_hidden)
		*ret_hidden = 0;
	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		long pid;
		int r;

		if (!is_pid(de->d_name) || strlen(de->d_name) > 9)
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (pid == (long)skip)
			continue;
		r = has_open(proc_root, de->d_name, path);
		if (r < 0)
			hidden++;
		if (r <= 0)
			continue;
		if (n < max) {
			out[n].pid = (pid_t)pid;
			read_comm(proc_root, de->d_name, out[n].comm, sizeof(out[n].comm));
		}
		n++;
	}
	closedir(proc);
	if (ret_hidden)
		*ret_hidden = hidden;
	return n;
}

void hm_proc_holders_format(const struct hm_proc_holder *h, size_t n, char *buf, size_t size)
{
	size_t l = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n && l < size; i++) {
		int w = snprintf(buf + l, size - l, "%spid %ld (%s)", i ? ", " : "", (long)h[i].pid,
		                 h[i].comm);
		if (w < 0)
			break;
		l += (size_t)w;
	}
}
