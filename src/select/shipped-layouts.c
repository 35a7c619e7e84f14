/* SPDX-License-Identifier: MIT */
/*
 * The store of shipped layouts: the *.ini files of devices/layouts (installed in
 * HIDMAPD_DATADIR/layouts; the build tree's hidmapd reads the source tree's,
 * util-datadir.h; $HIDMAPD_LAYOUT_DIR overrides both), loaded as a
 * configuration of their own, with a module for each: on first use, and
 * again by hm_layout_shipped_reload() when the folder changed.  Part of the
 * selection layer: the configuration asks it through a callback whether a
 * layout = names a shipped layout, and selection puts a shipped layout's
 * module in a device's chain.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build-config.h"
#include "layout.h"
#include "shipped-layouts.h"
#include "util-datadir.h"
#include "util-log.h"
#include "util-strings.h"

/* A generation of loaded layouts.  Devices may still drive with the modules
 * of an older one after a reload: every generation stays until exit. */
struct generation {
	struct hm_config *config;
	const struct hm_module **modules;
	struct generation *older;
};

static struct generation *current;
static bool shipped_tried;
static char *shipped_dir;          /* the folder of the last load */
static int shipped_error;          /* its result: 0 or -errno */
static uint64_t shipped_signature; /* what the folder held then (folder_signature()) */

static void shipped_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	if (line)
		log_error("%s:%u: %s", log_escape(file), line, log_escape(message));
	else
		log_error("%s: %s", log_escape(file), log_escape(message));
}

/* FNV-1a over bytes, continuing from h. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static bool is_ini(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && streq(name + n - 4, ".ini");
}

/* What the folder holds, as a number that changes when a *.ini file is
 * added, removed, replaced (a package upgrade: a new inode) or written
 * (size, modification time); 0 when it cannot be read (errno says why). */
static uint64_t folder_signature(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t sum = 1;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct stat st;
		uint64_t h = UINT64_C(0xcbf29ce484222325);

		if (!is_ini(e->d_name) || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
			continue;
		h = fnv1a(h, e->d_name, strlen(e->d_name));
		h = fnv1a(h, &st.st_ino, sizeof(st.st_ino));
		h = fnv1a(h, &st.st_size, sizeof(st.st_size));
		h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
		sum += h; /* the order readdir() gives does not matter */
	}
	closedir(d);
	return sum;
}

static int load_generation(const char *dir, struct generation **ret)
{
	struct hm_config *c = NULL;
	struct generation *g;
	int r;

	r = hm_config_load(&dir, 1, shipped_diag, NULL, &c);
	if (r == 0)
		r = hm_layout_module_attach_all(c);
	if (r < 0) {
		hm_config_free(c);
		return r;
	}
	g = calloc(1, sizeof(*g));
	if (g)
		g->modules = calloc(c->nlayouts + 1, sizeof(*g->modules));
	if (!g || !g->modules) {
		free(g);
		hm_config_free(c);
		return -ENOMEM;
	}
	g->config = c;
	for (size_t i = 0; i < c->nlayouts; i++)
		g->modules[i] = hm_layout_module(c->layouts[i]);
	*ret = g;
	return 0;
}

static void set_dir(const char *dir)
{
	if (shipped_dir && streq(shipped_dir, dir))
		return;
	free(shipped_dir);
	shipped_dir = strdup(dir);
}

int hm_layout_load_shipped(const char *dir)
{
	struct generation *g = NULL;
	int r;

	shipped_tried = true;
	set_dir(dir);
	shipped_signature = folder_signature(dir);
	r = load_generation(dir, &g);
	if (r < 0) {
		log_error("%s: shipped layouts not loaded", dir);
		shipped_error = r;
		return r;
	}
	g->older = current;
	current = g;
	shipped_error = 0;
	return 0;
}

static const char *wanted_dir(void)
{
	const char *dir = secure_getenv("HIDMAPD_LAYOUT_DIR");

	return dir && *dir ? dir : hm_data_layouts_dir();
}

/* Loads the folder; a problem is logged when it differs from the last one
 * (one warning, not one per device or per reload). */
static int load_checked(const char *dir)
{
	int previous = shipped_tried ? shipped_error : 0;
	struct generation *g = NULL;
	uint64_t sig = folder_signature(dir);
	int r = sig ? 0 : -errno;
	const char *stay = current ? "; the layouts loaded before stay in use"
	                           : "; the devices they describe get the generic module "
	                             "(KEY_UNKNOWN for their keys)";

	shipped_tried = true;
	set_dir(dir);
	shipped_signature = sig;
	if (sig == 0) {
		/* hm_config_load() takes a missing folder for an empty one */
		if (r != previous)
			log_warning_errno(r,
			                  "%s: cannot read the shipped layouts: %m%s; reinstall "
			                  "hidmapd or set HIDMAPD_LAYOUT_DIR",
			                  dir, stay);
		shipped_error = r;
		return r;
	}
	r = load_generation(dir, &g);
	if (r == 0 && g->config->nlayouts == 0)
		r = -ENOENT;
	if (r < 0) {
		if (r != previous)
			log_warning("%s: %s%s", dir,
			            r == -ENOENT ? "no shipped layouts there"
			                         : "the shipped layouts are not loaded",
			            stay);
		if (g) {
			hm_config_free(g->config);
			free(g->modules);
			free(g);
		}
		shipped_error = r;
		return r;
	}
	g->older = current;
	current = g;
	shipped_error = 0;
	return 0;
}

void hm_layout_shipped_ensure(void)
{
	if (shipped_tried)
		return;
	(void)load_checked(wanted_dir());
}

int hm_layout_shipped_reload(void)
{
	const char *dir = wanted_dir();

	if (!shipped_tried || !shipped_dir || !streq(shipped_dir, dir) ||
	    folder_signature(dir) != shipped_signature || shipped_error < 0) {
		int r = load_checked(dir);

		if (r == 0)
			log_info("%s: shipped layouts loaded (%zu)", dir,
			         current->config->nlayouts);
		return r < 0 ? r : 1;
	}
	return 0;
}

int hm_layout_shipped_state(const char **ret_dir, size_t *ret_n)
{
	hm_layout_shipped_ensure();
	if (ret_dir)
		*ret_dir = shipped_dir;
	if (ret_n)
		*ret_n = current && shipped_error == 0 ? current->config->nlayouts : 0;
	return shipped_error;
}

const struct hm_module *hm_layout_match_shipped(const struct hm_device_info *info)
{
	hm_layout_shipped_ensure();
	for (size_t i = 0; current && current->modules[i]; i++)
		if (hm_module_claims(current->modules[i], info))
			return current->modules[i];
	return NULL;
}

const struct hm_module *hm_layout_find_shipped(const char *id)
{
	const struct hm_layout *l;

	hm_layout_shipped_ensure();
	l = current ? hm_config_find_layout(current->config, id) : NULL;
	return hm_layout_module(l);
}

bool hm_layout_shipped_exists(const char *id)
{
	return hm_layout_find_shipped(id) != NULL;
}

const struct hm_module *const *hm_layout_shipped_modules(void)
{
	static const struct hm_module *none[] = {NULL};

	hm_layout_shipped_ensure();
	return current ? current->modules : none;
}
