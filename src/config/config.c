/* SPDX-License-Identifier: MIT */
/*
 * Loading the configuration: the files of each configuration path (a
 * directory's *.ini in name order), each parsed by config-parse.c, then
 * merged (a section of a later file replaces the one with the same id),
 * names resolved across files (profiles, layers, macro text on its XKB
 * layout), and the lookups the daemon and the commands use.  Comparing
 * mappings is config-compare.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HIDMAPD_DATADIR
#include "build-config.h"
#endif
#include "config-focus.h"
#include "config-layout.h"
#include "config-index.h"
#include "config-private.h"
#include "config.h"
#include "device-info.h"
#include "keymap-text.h"
#include "util-datadir.h"
#include "util-strings.h"

void hm_config_diagf(hm_config_diag_fn diag, void *userdata, const char *file, unsigned line,
                     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag(userdata, file, line, msg);
}

/* ---- freeing ------------------------------------------------------------ */

static void device_done(struct hm_config_device *d)
{
	free(d->id);
	free(d->file);
	free(d->match_name);
	free(d->match_module);
	free(d->match_serial);
	free(d->module);
	free(d->profile);
	free(d->layout);
	for (size_t i = 0; i < d->nfocus; i++)
		hm_config_focus_rule_done(&d->focus[i]);
	free(d->focus);
}

static void maps_free(struct hm_config_map *maps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hm_config_map_done(&maps[i]);
	free(maps);
}

static void profile_done(struct hm_config_profile *pr)
{
	maps_free(pr->maps, pr->nmaps);
	for (size_t i = 0; i < pr->nlayers; i++) {
		maps_free(pr->layers[i].maps, pr->layers[i].nmaps);
		free(pr->layers[i].name);
	}
	free(pr->layers);
	hm_config_settings_done(&pr->settings);
	free(pr->canon);
	free(pr->id);
	free(pr->file);
}

struct hm_config *hm_config_ref(struct hm_config *c)
{
	if (c)
		c->extra_refs++;
	return c;
}

void hm_config_free(struct hm_config *c)
{
	if (!c)
		return;
	if (c->extra_refs) {
		c->extra_refs--;
		return;
	}
	for (size_t i = 0; i < c->ndevices; i++)
		device_done(&c->devices[i]);
	free(c->devices);
	for (size_t i = 0; i < c->nprofiles; i++)
		profile_done(&c->profiles[i]);
	free(c->profiles);
	for (size_t i = 0; i < c->nlayouts; i++)
		hm_layout_free(c->layouts[i]);
	free(c->layouts);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	hm_index_free(c->profile_index);
	free(c->profile_index);
	free(c);
}

struct hm_config *hm_config_new_empty(void)
{
	struct hm_config *c = zalloc(sizeof(struct hm_config));

	if (c)
		c->replug_grace_us = HM_CONFIG_DEFAULT_REPLUG_GRACE_US;
	return c;
}

/* ---- files ---------------------------------------------------------------- */

/* Reads a whole regular file, at most HM_CONFIG_MAX_FILE_SIZE bytes.
 * -EFBIG: too large; -EBADF: not a regular file; else -errno. */
static int read_file(const char *path, char **ret_buf, size_t *ret_size)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not hang the daemon */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADF;
	buf = malloc(HM_CONFIG_MAX_FILE_SIZE + 1);
	if (!buf)
		return -ENOMEM;
	/* read up to one byte past the limit: st_size may change under us */
	while (size <= HM_CONFIG_MAX_FILE_SIZE) {
		ssize_t n = read(fd, buf + size, HM_CONFIG_MAX_FILE_SIZE + 1 - size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (size > HM_CONFIG_MAX_FILE_SIZE)
		return -EFBIG;
	*ret_buf = steal(&buf);
	*ret_size = size;
	return 0;
}

struct load {
	hm_config_diag_fn diag;
	void *userdata;
	bool (*layout_shipped)(const char *id);
	bool require; /* a missing path is an error, not skipped */
	unsigned nerrors;
	int io_error; /* the first -errno that was no config error */
	/* the sections merged so far, by id */
	struct hm_index ix_devices, ix_profiles, ix_layouts;
	size_t cap_devices, cap_profiles, cap_layouts; /* allocated in the config */
};

static void load_io_error(struct load *l, const char *path, int r, const char *what)
{
	hm_config_diagf(l->diag, l->userdata, path, 0, "%s: %s", what, strerror(-r));
	if (!l->io_error)
		l->io_error = r;
}

/* Parses one file into *ret (its sections, in file order). */
static int parse_file(struct load *l, const char *path, struct hm_config **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	int r;

	r = read_file(path, &buf, &size);
	if (r == -ENOMEM)
		return r;
	if (r == -EFBIG) {
		hm_config_diagf(l->diag, l->userdata, path, 0,
		                "file too large (more than %d bytes)", HM_CONFIG_MAX_FILE_SIZE);
		l->nerrors++;
		return 0;
	}
	if (r == -EBADF) {
		hm_config_diagf(l->diag, l->userdata, path, 0, "not a regular file");
		l->nerrors++;
		return 0;
	}
	if (r < 0) {
		load_io_error(l, path, r, "cannot read");
		return 0;
	}
	return config_parse_buffer(path, buf, size, l->diag, l->userdata, &l->nerrors, ret);
}

/* What merge_sections() needs to know of each kind of section. */
struct section_kind {
	size_t size;
	const char *(*id)(const void *section);
	void (*done)(void *section);
	hm_index_id_fn id_at; /* id of element i of an array of them */
};

static const char *device_id(const void *p)
{
	return ((const struct hm_config_device *)p)->id;
}

static const char *device_id_at(const void *base, size_t i)
{
	return ((const struct hm_config_device *)base)[i].id;
}

static void device_done_p(void *p)
{
	device_done(p);
}

static const char *profile_id(const void *p)
{
	return ((const struct hm_config_profile *)p)->id;
}

static const char *profile_id_at(const void *base, size_t i)
{
	return ((const struct hm_config_profile *)base)[i].id;
}

static void profile_done_p(void *p)
{
	profile_done(p);
}

/* layouts are kept by pointer (config.h) */
static const char *layout_id(const void *p)
{
	return (*(struct hm_layout *const *)p)->id;
}

static const char *layout_id_at(const void *base, size_t i)
{
	return ((struct hm_layout *const *)base)[i]->id;
}

static void layout_free_p(void *p)
{
	hm_layout_free(*(struct hm_layout **)p);
}

static const struct section_kind device_kind = {
    .size = sizeof(struct hm_config_device),
    .id = device_id,
    .done = device_done_p,
    .id_at = device_id_at,
};
static const struct section_kind profile_kind = {
    .size = sizeof(struct hm_config_profile),
    .id = profile_id,
    .done = profile_done_p,
    .id_at = profile_id_at,
};
static const struct section_kind layout_kind = {
    .size = sizeof(struct hm_layout *),
    .id = layout_id,
    .done = layout_free_p,
    .id_at = layout_id_at,
};

/* The position of the section id among the nto of to, or -1: by hash
 * (ix), or, if the index could not be built, by a scan. */
static long find_section(const struct section_kind *k, const struct hm_index *ix, const void *to,
                         size_t nto, const char *id)
{
	if (ix->slot)
		return hm_index_find(ix, to, id, k->id_at);
	for (size_t j = 0; j < nto; j++)
		if (streq(k->id_at(to, j), id))
			return (long)j;
	return -1;
}

/* Moves the n sections of from to the end of to (*nto of them, with room
 * for n more); each first replaces (frees) the one of to with its id.  ix
 * indexes to across the files of a load: each section is found in
 * constant time, not among all the sections before it. */
static void merge_sections(const struct section_kind *k, struct hm_index *ix, void *to, size_t *nto,
                           void *from, size_t n)
{
	char *t = to, *f = from;

	if (!hm_index_has_room(ix, n))
		(void)hm_index_build(ix, to, *nto, 2 * (*nto + n), k->id_at); /* else: scans */
	for (size_t i = 0; i < n; i++) {
		long j = find_section(k, ix, to, *nto, k->id(f + i * k->size));

		if (j >= 0) {
			k->done(t + (size_t)j * k->size);
			memmove(t + (size_t)j * k->size, t + ((size_t)j + 1) * k->size,
			        (*nto - (size_t)j - 1) * k->size);
			(*nto)--;
		}
		memcpy(t + *nto * k->size, f + i * k->size, k->size);
		(*nto)++;
		/* a section replaced moves the ones after it: rare, reindexed */
		if (j >= 0)
			(void)hm_index_build(ix, to, *nto, 2 * (*nto + n - i), k->id_at);
		else if (ix->slot)
			hm_index_add(ix, to, *nto - 1, k->id_at);
	}
}

/* Moves the sections of f into c; a section of a later file replaces the
 * one with the same id, and the replacement goes to the end (it wins). */
static int reserve(void **array, size_t *cap, size_t need, size_t elsize)
{
	size_t room = *cap ? *cap : 16;
	void *a;

	if (need <= *cap)
		return 0;
	while (room < need)
		room *= 2;
	a = reallocarray(*array, room, elsize);
	if (!a)
		return -ENOMEM;
	*array = a;
	*cap = room;
	return 0;
}

static int merge(struct load *l, struct hm_config *c, struct hm_config *f)
{
	/* grown by doubling: every file's sections are added to them */
	if (reserve((void **)&c->devices, &l->cap_devices, c->ndevices + f->ndevices + 1,
	            sizeof(*c->devices)) < 0 ||
	    reserve((void **)&c->profiles, &l->cap_profiles, c->nprofiles + f->nprofiles + 1,
	            sizeof(*c->profiles)) < 0 ||
	    reserve((void **)&c->layouts, &l->cap_layouts, c->nlayouts + f->nlayouts + 1,
	            sizeof(*c->layouts)) < 0)
		return -ENOMEM;

	merge_sections(&layout_kind, &l->ix_layouts, c->layouts, &c->nlayouts, f->layouts,
	               f->nlayouts);
	f->nlayouts = 0;
	if (f->replug_grace_set) {
		c->replug_grace_us = f->replug_grace_us;
		c->replug_grace_set = true;
	}
	merge_sections(&device_kind, &l->ix_devices, c->devices, &c->ndevices, f->devices,
	               f->ndevices);
	f->ndevices = 0;
	merge_sections(&profile_kind, &l->ix_profiles, c->profiles, &c->nprofiles, f->profiles,
	               f->nprofiles);
	f->nprofiles = 0;
	return 0;
}

static int add_file_name(struct hm_config *c, const char *path)
{
	char **files, *d;

	d = strdup(path);
	if (!d)
		return -ENOMEM;
	files = append(c->files, c->nfiles, sizeof(*files));
	if (!files) {
		free(d);
		return -ENOMEM;
	}
	c->files = files;
	c->files[c->nfiles++] = d;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool endswith_slash(const char *s)
{
	size_t l = strlen(s);

	return l > 0 && s[l - 1] == '/';
}

static bool ends_with_ini(const char *name)
{
	size_t l = strlen(name);

	return l > 4 && streq(name + l - 4, ".ini");
}

/* The *.ini files of a directory, sorted by name (bytewise: the order must
 * not depend on the locale), appended to *list. */
static int list_dir(struct load *l, const char *dir, char ***list, size_t *n)
{
	DIR *d = opendir(dir); /* glibc opens it O_CLOEXEC */
	size_t first = *n;
	struct dirent *de;
	int r = 0;

	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			load_io_error(l, dir, -errno, "cannot open directory");
		return 0;
	}
	while ((errno = 0, de = readdir(d))) {
		char *path, **v;
		struct stat st;

		if (de->d_name[0] == '.' || !ends_with_ini(de->d_name))
			continue;
		if (asprintf(&path, "%s%s%s", dir, endswith_slash(dir) ? "" : "/", de->d_name) <
		    0) {
			r = -ENOMEM;
			break;
		}
		/* a dangling link or a subdirectory called x.ini is no config file */
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (*n >= HM_CONFIG_MAX_FILES) {
			hm_config_diagf(l->diag, l->userdata, dir, 0,
			                "too many configuration files (at most %d)",
			                HM_CONFIG_MAX_FILES);
			l->nerrors++;
			free(path);
			break;
		}
		v = append(*list, *n, sizeof(**list));
		if (!v) {
			free(path);
			r = -ENOMEM;
			break;
		}
		*list = v;
		v[(*n)++] = path;
	}
	if (!de && errno && r == 0)
		load_io_error(l, dir, -errno, "cannot read directory");
	closedir(d);
	if (*n > first)
		qsort(*list + first, *n - first, sizeof(**list), cmp_str);
	return r;
}

static int collect(struct load *l, const char *path, char ***list, size_t *n)
{
	struct stat st;
	char *d, **v;

	if (stat(path, &st) < 0) {
		if ((errno == ENOENT || errno == ENOTDIR) && l->require) {
			hm_config_diagf(l->diag, l->userdata, path, 0, "%s", strerror(errno));
			l->nerrors++;
			return 0;
		}
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* a missing path is skipped */
		load_io_error(l, path, -errno, "cannot access");
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return list_dir(l, path, list, n);
	if (*n >= HM_CONFIG_MAX_FILES) {
		hm_config_diagf(l->diag, l->userdata, path, 0,
		                "too many configuration files (at most %d)", HM_CONFIG_MAX_FILES);
		l->nerrors++;
		return 0;
	}
	d = strdup(path);
	if (!d)
		return -ENOMEM;
	v = append(*list, *n, sizeof(**list));
	if (!v) {
		free(d);
		return -ENOMEM;
	}
	*list = v;
	v[(*n)++] = d;
	return 0;
}

/* Profile references are checked once every file is in: a [remap] may
 * live in another file than the [device] that names it. */
/* Layer and profile names in actions: every one must exist. */
struct text_keys {
	struct hm_keymap_text *keymap;
	bool failed; /* the layout was reported missing already */
};

/* Macro text becomes key taps on the profile's layout. */
static void resolve_text(struct load *l, const struct hm_config_profile *pr,
                         const struct hm_config_map *m, struct hm_config_step *st,
                         struct text_keys *tk)
{
	const struct hm_config_settings *set = &pr->settings;
	size_t bad = 0;
	int r;

	if (!tk->keymap && !tk->failed) {
		r = hm_keymap_text_new(set->text_layout, set->text_variant, &tk->keymap);
		if (r == -ENOMEM) {
			l->io_error = r;
			return;
		}
		if (r < 0) {
			hm_config_diagf(l->diag, l->userdata, m->file, m->line,
			                "macro text needs the XKB layout '%s%s%s%s' (is xkb-data "
			                "installed? see text-layout in hidmapd.ini(5))",
			                set->text_layout ? set->text_layout : "us",
			                set->text_variant ? "(" : "",
			                set->text_variant ? set->text_variant : "",
			                set->text_variant ? ")" : "");
			l->nerrors++;
			tk->failed = true;
		}
	}
	if (!tk->keymap)
		return;
	r = hm_keymap_text_convert(tk->keymap, st->text, &st->taps, &st->ntaps, &bad);
	if (r == -ENOMEM) {
		l->io_error = r;
	} else if (r == -EILSEQ) {
		hm_config_diagf(l->diag, l->userdata, m->file, m->line,
		                "macro text \"%s\": invalid UTF-8 at byte %zu", st->text, bad);
		l->nerrors++;
	} else if (r < 0) {
		int clen = 1; /* the character's UTF-8 bytes */

		while (st->text[bad + (size_t)clen] &&
		       ((unsigned char)st->text[bad + (size_t)clen] & 0xc0) == 0x80)
			clen++;
		hm_config_diagf(l->diag, l->userdata, m->file, m->line,
		                "macro text \"%s\": '%.*s' cannot be typed on layout '%s'",
		                st->text, clen, st->text + bad,
		                set->text_layout ? set->text_layout : "us");
		l->nerrors++;
	}
}

static void resolve_action(struct load *l, const struct hm_config *c,
                           const struct hm_config_profile *pr, const struct hm_config_map *m,
                           struct hm_config_action *a, struct text_keys *tk)
{
	bool found = false;

	if (a->tap)
		resolve_action(l, c, pr, m, a->tap, tk);
	if (a->hold)
		resolve_action(l, c, pr, m, a->hold, tk);
	for (size_t i = 0; i < a->nsteps; i++)
		if (a->steps[i].kind == HM_STEP_TEXT)
			resolve_text(l, pr, m, &a->steps[i], tk);
	switch (a->kind) {
	case HM_ACT_LAYER:
	case HM_ACT_TOGGLE:
	case HM_ACT_ONESHOT:
	case HM_ACT_SWAP:
		for (size_t i = 0; i < pr->nlayers; i++)
			found = found || streq(pr->layers[i].name, a->name);
		if (!found) {
			hm_config_diagf(l->diag, l->userdata, m->file, m->line,
			                "layer '%s' has no section [remap %s:%s]", a->name, pr->id,
			                a->name);
			l->nerrors++;
		}
		break;
	case HM_ACT_PROFILE:
		a->profile = hm_config_find_profile(c, a->name);
		if (!a->profile) {
			hm_config_diagf(l->diag, l->userdata, m->file, m->line,
			                "profile(%s): there is no [remap %s]", a->name, a->name);
			l->nerrors++;
		}
		break;
	default:
		break;
	}
}

static void resolve_names(struct load *l, struct hm_config *c)
{
	for (size_t i = 0; i < c->nprofiles; i++) {
		struct hm_config_profile *pr = &c->profiles[i];
		struct text_keys tk = {0};

		for (size_t j = 0; j < pr->nmaps; j++)
			resolve_action(l, c, pr, &pr->maps[j], &pr->maps[j].action, &tk);
		for (size_t k = 0; k < pr->nlayers; k++)
			for (size_t j = 0; j < pr->layers[k].nmaps; j++)
				resolve_action(l, c, pr, &pr->layers[k].maps[j],
				               &pr->layers[k].maps[j].action, &tk);
		hm_keymap_text_free(tk.keymap);
	}
}

static void check_profiles(struct load *l, const struct hm_config *c)
{
	for (size_t i = 0; i < c->ndevices; i++) {
		const struct hm_config_device *d = &c->devices[i];

		for (size_t j = 0; j < d->nfocus; j++) {
			struct hm_config_focus_rule *fr = &d->focus[j];

			fr->profile = hm_config_find_profile(c, fr->profile_id);
			if (fr->profile)
				continue;
			hm_config_diagf(l->diag, l->userdata, d->file, fr->line,
			                "[device %s]: focus rule picks profile %s, but there is no "
			                "[remap %s]",
			                d->id, fr->profile_id, fr->profile_id);
			l->nerrors++;
		}
		if (!d->profile || hm_config_profile_for(c, d))
			continue;
		hm_config_diagf(l->diag, l->userdata, d->file, d->line,
		                "[device %s]: profile = %s, but there is no [remap %s]", d->id,
		                d->profile, d->profile);
		l->nerrors++;
	}
}

static int load(const struct hm_config_loader *ld, const char *const *paths, size_t npaths,
                bool require, struct hm_config **ret)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct load l = {.diag = ld->diag,
	                 .userdata = ld->userdata,
	                 .layout_shipped = ld->layout_shipped,
	                 .require = require};
	char **files = NULL;
	size_t nfiles = 0;
	int r = 0;

	c = hm_config_new_empty();
	if (!c)
		return -ENOMEM;

	for (size_t i = 0; i < npaths && r == 0; i++)
		r = collect(&l, paths[i], &files, &nfiles);

	for (size_t i = 0; i < nfiles && r == 0; i++) {
		_cleanup_(hm_config_freep) struct hm_config *f = NULL;

		r = parse_file(&l, files[i], &f);
		if (r == 0 && f)
			r = add_file_name(c, files[i]);
		if (r == 0 && f)
			r = merge(&l, c, f);
	}
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	hm_index_free(&l.ix_devices);
	hm_index_free(&l.ix_layouts);
	/* the profiles' stays with the configuration: hm_config_find_profile() */
	if (r == 0 && l.ix_profiles.slot &&
	    hm_index_build(&l.ix_profiles, c->profiles, c->nprofiles, c->nprofiles,
	                   profile_id_at) == 0) {
		c->profile_index = malloc(sizeof(l.ix_profiles));
		if (c->profile_index)
			memcpy(c->profile_index, &l.ix_profiles, sizeof(l.ix_profiles));
		else
			hm_index_free(&l.ix_profiles);
	} else {
		hm_index_free(&l.ix_profiles);
	}
	if (r < 0)
		return r;

	check_profiles(&l, c);
	resolve_names(&l, c);
	l.nerrors += hm_layout_check_config(c, l.layout_shipped, l.diag, l.userdata);
	if (l.io_error)
		return l.io_error;
	if (l.nerrors)
		return -EINVAL;
	*ret = steal(&c);
	return 0;
}

int hm_config_load_with(const struct hm_config_loader *ld, const char *const *paths, size_t npaths,
                        struct hm_config **ret)
{
	return load(ld, paths, npaths, false, ret);
}

int hm_config_load_given_with(const struct hm_config_loader *ld, const char *const *given,
                              size_t ngiven, struct hm_config **ret)
{
	const char *const *paths;
	size_t n;

	if (ngiven)
		return load(ld, given, ngiven, true, ret);
	paths = hm_config_default_paths(&n);
	return load(ld, paths, n, false, ret);
}

int hm_config_load(const char *const *paths, size_t npaths, hm_config_diag_fn diag, void *userdata,
                   struct hm_config **ret)
{
	const struct hm_config_loader ld = {.diag = diag, .userdata = userdata};

	return hm_config_load_with(&ld, paths, npaths, ret);
}

int hm_config_load_given(const char *const *given, size_t ngiven, hm_config_diag_fn diag,
                         void *userdata, struct hm_config **ret)
{
	const struct hm_config_loader ld = {.diag = diag, .userdata = userdata};

	return hm_config_load_given_with(&ld, given, ngiven, ret);
}

const char *const *hm_config_default_paths(size_t *ret_n)
{
	static const char *paths[3];
	static char *user_dir; /* replaced on every call: the environment may change */
	const char *xdg = secure_getenv("XDG_CONFIG_HOME");
	const char *home = secure_getenv("HOME");
	char *dir = NULL;

	/* the XDG base directory spec: relative values are invalid, ignore them */
	if (xdg && xdg[0] == '/') {
		if (asprintf(&dir, "%s/hidmapd", xdg) < 0)
			dir = NULL;
	} else if (home && home[0] == '/') {
		if (asprintf(&dir, "%s/.config/hidmapd", home) < 0)
			dir = NULL;
	}
	free(user_dir);
	user_dir = dir;

	paths[0] = hm_data_config_d_dir();
	paths[1] = HIDMAPD_SYSCONFDIR;
	paths[2] = user_dir;
	*ret_n = user_dir ? 3 : 2;
	return paths;
}

/* ---- lookups ---------------------------------------------------------------- */

static bool device_matches(const struct hm_config_device *d, const struct hm_device_info *info,
                           const char *module_name)
{
	if (d->match_vidpid &&
	    (d->vendor != info->vendor || (!d->match_any_product && d->product != info->product)))
		return false;
	if (d->match_name && fnmatch(d->match_name, info->name, 0) != 0)
		return false;
	if (d->match_module && !streq_ptr(d->match_module, module_name))
		return false;
	if (d->match_serial && !streq(d->match_serial, info->serial))
		return false;
	if (d->match_kinds && !(d->match_kinds & info->kinds))
		return false;
	/* a section without criteria cannot be loaded; never let it match all */
	return d->match_vidpid || d->match_name || d->match_module || d->match_serial ||
	       d->match_kinds;
}

const struct hm_config_device *hm_config_match(const struct hm_config *c,
                                               const struct hm_device_info *info,
                                               const char *module_name)
{
	if (!c)
		return NULL;
	for (size_t i = c->ndevices; i > 0; i--)
		if (device_matches(&c->devices[i - 1], info, module_name))
			return &c->devices[i - 1];
	return NULL;
}

const struct hm_config_profile *hm_config_find_profile(const struct hm_config *c, const char *id)
{
	long at;

	if (c && c->profile_index) {
		at = hm_index_find(c->profile_index, c->profiles, id, profile_id_at);
		return at >= 0 ? &c->profiles[at] : NULL;
	}
	for (size_t i = 0; c && i < c->nprofiles; i++)
		if (streq(c->profiles[i].id, id))
			return &c->profiles[i];
	return NULL;
}

const struct hm_config_profile *hm_config_profile_for(const struct hm_config *c,
                                                      const struct hm_config_device *dev)
{
	const char *id;

	if (!c || !dev)
		return NULL;
	id = dev->profile ? dev->profile : dev->id;
	return hm_config_find_profile(c, id);
}
