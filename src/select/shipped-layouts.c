/* SPDX-License-Identifier: MIT */
/*
 * The store of shipped layouts: the *.ini files of devices/layouts (installed in
 * HIDMAPD_DATADIR/layouts, or $HIDMAPD_LAYOUT_DIR), loaded as a
 * configuration of their own, once, with a module for each.  Part of the
 * selection layer: the configuration asks it through a callback whether a
 * layout = names a shipped layout, and selection puts a shipped layout's
 * module in a device's chain.
 */
#include <errno.h>
#include <stdlib.h>

#include "build-config.h"
#include "layout.h"
#include "shipped-layouts.h"
#include "util-log.h"
#include "util-strings.h"

static struct hm_config *shipped;
static bool shipped_tried;
static const struct hm_module **shipped_modules;

static void shipped_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	if (line)
		log_error("%s:%u: %s", log_escape(file), line, log_escape(message));
	else
		log_error("%s: %s", log_escape(file), log_escape(message));
}

int hm_layout_load_shipped(const char *dir)
{
	struct hm_config *c = NULL;
	const struct hm_module **mods;
	int r;

	shipped_tried = true;
	r = hm_config_load(&dir, 1, shipped_diag, NULL, &c);
	if (r == 0)
		r = hm_layout_module_attach_all(c);
	if (r < 0) {
		hm_config_free(c);
		log_error("%s: shipped layouts not loaded", dir);
		return r;
	}
	mods = calloc(c->nlayouts + 1, sizeof(*mods));
	if (!mods) {
		hm_config_free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nlayouts; i++)
		mods[i] = hm_layout_module(c->layouts[i]);
	/* devices may still use the previous ones: they stay (tests only reload) */
	shipped = c;
	shipped_modules = mods;
	return 0;
}

void hm_layout_shipped_ensure(void)
{
	const char *dir;

	if (shipped_tried)
		return;
	dir = secure_getenv("HIDMAPD_LAYOUT_DIR");
	(void)hm_layout_load_shipped(dir && *dir ? dir : HIDMAPD_DATADIR "/layouts");
}

const struct hm_module *hm_layout_match_shipped(const struct hm_device_info *info)
{
	hm_layout_shipped_ensure();
	for (size_t i = 0; shipped_modules && shipped_modules[i]; i++)
		if (hm_module_claims(shipped_modules[i], info))
			return shipped_modules[i];
	return NULL;
}

const struct hm_module *hm_layout_find_shipped(const char *id)
{
	const struct hm_layout *l;

	hm_layout_shipped_ensure();
	l = shipped ? hm_config_find_layout(shipped, id) : NULL;
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
	return shipped_modules ? shipped_modules : none;
}
