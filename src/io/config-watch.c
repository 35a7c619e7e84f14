/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-watch.h"
#include "util-log.h"
#include "util-strings.h"

enum role {
	ROLE_NONE,     /* nothing to watch (no ancestor could be watched) */
	ROLE_DIR,      /* the path is a directory: its *.ini files */
	ROLE_FILE,     /* the path is a file: its directory, for its name */
	ROLE_ANCESTOR, /* the path is missing: an ancestor, for the next component */
};

/* What each role needs to hear of.  IN_MASK_ADD when set: a directory that
 * two paths need is one watch, with what both need. */
#define MASK_SELF     (IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define MASK_ANCESTOR (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | MASK_SELF)
#define MASK_CONTENTS (MASK_ANCESTOR | IN_CLOSE_WRITE)

struct entry {
	char *path;
	enum role role;
	int wd;     /* -1: none */
	char *dir;  /* the directory watched */
	char *name; /* ROLE_FILE, ROLE_ANCESTOR: the one name that matters there */
};

struct hm_config_watch {
	int fd;
	struct entry *entries;
	size_t n;
};

static void entry_clear(struct entry *e)
{
	free(e->dir);
	free(e->name);
	e->dir = e->name = NULL;
	e->role = ROLE_NONE;
	e->wd = -1;
}

/* Splits path (no trailing slash, not "/") into its directory and name. */
static int split(const char *path, char **ret_dir, char **ret_name)
{
	const char *slash = strrchr(path, '/');
	char *dir, *name;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	name = strdup(slash ? slash + 1 : path);
	if (!dir || !name) {
		free(dir);
		free(name);
		return -ENOMEM;
	}
	*ret_dir = dir;
	*ret_name = name;
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where path's watch goes now.  On success *ret_dir and *ret_name are heap
 * strings (name NULL for ROLE_DIR), both NULL for ROLE_NONE. */
static int resolve(const char *path, enum role *ret_role, char **ret_dir, char **ret_name)
{
	_cleanup_free_ char *cur = NULL;
	struct stat st;
	int r;

	*ret_dir = *ret_name = NULL;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*ret_dir = strdup(path);
			if (!*ret_dir)
				return -ENOMEM;
			*ret_role = ROLE_DIR;
			return 0;
		}
		*ret_role = ROLE_FILE;
		return split(path, ret_dir, ret_name);
	}

	/* missing: the nearest ancestor that is a directory, for the next
	 * component (which may also exist as something else than a
	 * directory: then its removal is what matters) */
	cur = strdup(path);
	if (!cur)
		return -ENOMEM;
	for (;;) {
		char *dir, *name;

		r = split(cur, &dir, &name);
		if (r < 0)
			return r;
		if (is_dir(dir)) {
			*ret_role = ROLE_ANCESTOR;
			*ret_dir = dir;
			*ret_name = name;
			return 0;
		}
		free(name);
		if (streq(dir, "/") || streq(dir, ".")) {
			free(dir);
			*ret_role = ROLE_NONE;
			return 0;
		}
		free(cur);
		cur = dir;
	}
}

static uint32_t role_mask(enum role role)
{
	return role == ROLE_ANCESTOR ? MASK_ANCESTOR : MASK_CONTENTS;
}

static bool is_final(enum role role)
{
	return role == ROLE_DIR || role == ROLE_FILE;
}

static bool wd_in_use(const struct hm_config_watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->entries[i].wd == wd)
			return true;
	return false;
}

/*
 * Puts every path's watch where it belongs now and drops the watches no
 * path needs any more.  *ret_changed: a path now has another directory or
 * file behind it than before (it appeared, went, or was replaced).
 */
static int update(struct hm_config_watch *w, bool *ret_changed)
{
	_cleanup_free_ int *old = calloc(w->n ? w->n : 1, sizeof(int));
	bool changed = false;

	if (!old)
		return -ENOMEM;
	for (size_t i = 0; i < w->n; i++) {
		struct entry *e = &w->entries[i];
		enum role role;
		char *dir, *name;
		int wd = -1, r;

		old[i] = e->wd;
		r = resolve(e->path, &role, &dir, &name);
		if (r < 0)
			return r;
		if (role != ROLE_NONE) {
			wd = inotify_add_watch(w->fd, dir, role_mask(role) | IN_MASK_ADD);
			if (wd < 0) {
				log_debug_errno(errno, "cannot watch %s: %m", dir);
				free(dir);
				free(name);
				dir = name = NULL;
				role = ROLE_NONE;
			}
		}
		if (is_final(e->role) != is_final(role) ||
		    (is_final(role) && (e->role != role || e->wd != wd)))
			changed = true;
		if (e->wd != wd || e->role != role)
			log_debug("configuration path %s: watching %s%s%s", e->path,
			          dir ? dir : "nothing", name ? " for " : "", name ? name : "");
		entry_clear(e);
		e->role = role;
		e->wd = wd;
		e->dir = dir;
		e->name = name;
	}
	for (size_t i = 0; i < w->n; i++)
		if (old[i] >= 0 && !wd_in_use(w, old[i]))
			(void)inotify_rm_watch(w->fd, old[i]); /* EINVAL if it went already */
	*ret_changed = changed;
	return 0;
}

int hm_config_watch_new(const char *const *paths, size_t npaths, struct hm_config_watch **ret)
{
	_cleanup_(hm_config_watch_freep) struct hm_config_watch *w = NULL;
	bool changed;
	int r;

	w = zalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = -1;
	w->entries = calloc(npaths ? npaths : 1, sizeof(*w->entries));
	if (!w->entries)
		return -ENOMEM;
	for (size_t i = 0; i < npaths; i++) {
		struct entry *e = &w->entries[w->n];
		size_t l;

		if (!paths[i] || !paths[i][0])
			continue;
		e->wd = -1;
		e->path = strdup(paths[i]);
		if (!e->path)
			return -ENOMEM;
		w->n++;
		/* "dir/" is "dir"; "/" stays */
		l = strlen(e->path);
		while (l > 1 && e->path[l - 1] == '/')
			e->path[--l] = '\0';
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	r = update(w, &changed);
	if (r < 0)
		return r;
	*ret = steal(&w);
	return 0;
}

void hm_config_watch_free(struct hm_config_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		entry_clear(&w->entries[i]);
		free(w->entries[i].path);
	}
	free(w->entries);
	safe_close(w->fd);
	free(w);
}

int hm_config_watch_get_fd(const struct hm_config_watch *w)
{
	return w->fd;
}

/* The loader's choice of files in a directory (config.c list_dir()). */
static bool config_file_name(const char *name)
{
	size_t l = strlen(name);

	return name[0] != '.' && l > 4 && streq(name + l - 4, ".ini");
}

int hm_config_watch_process(struct hm_config_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool relevant = false, moved = false, changed = false;
	ssize_t n;
	int r;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				/* events were lost: anything may have changed */
				relevant = moved = true;
				continue;
			}
			for (size_t i = 0; i < w->n; i++) {
				const struct entry *e = &w->entries[i];

				if (e->wd != ev->wd)
					continue;
				if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
					moved = true; /* the watched directory itself went */
					continue;
				}
				if (!ev->len)
					continue;
				switch (e->role) {
				case ROLE_DIR:
					if (!(ev->mask & IN_ISDIR) && config_file_name(ev->name))
						relevant = true;
					break;
				case ROLE_FILE:
					if (streq(ev->name, e->name))
						relevant = true;
					break;
				case ROLE_ANCESTOR:
					if (streq(ev->name, e->name))
						moved = true;
					break;
				case ROLE_NONE:
					break;
				}
			}
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return -errno;
	if (moved) {
		r = update(w, &changed);
		if (r < 0)
			return r;
	}
	return relevant || changed;
}

int hm_config_watch_refresh(struct hm_config_watch *w)
{
	bool changed;

	return update(w, &changed);
}

unsigned hm_config_watch_count(const struct hm_config_watch *w)
{
	unsigned n = 0;

	for (size_t i = 0; i < w->n; i++) {
		bool seen = false;

		if (w->entries[i].wd < 0)
			continue;
		for (size_t j = 0; j < i; j++)
			seen |= w->entries[j].wd == w->entries[i].wd;
		n += !seen;
	}
	return n;
}
