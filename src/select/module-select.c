/* SPDX-License-Identifier: MIT */
/* Module selection: the config's wish, then the registry, generic last. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config-layout.h"
#include "layout.h"
#include "module-select.h"
#include "shipped-layouts.h"
#include "util-strings.h"

static void chain_add(struct hm_module_chain *chain, const struct hm_module *m, bool by_id)
{
	if (!m)
		return;
	for (size_t i = 0; i < chain->n; i++)
		if (chain->modules[i] == m)
			return;
	/* generic is always last: keep its slot */
	if (chain->n >= HM_MODULE_CHAIN_MAX - (m == &hm_module_generic ? 0 : 1))
		return;
	chain->modules[chain->n] = m;
	chain->by_id[chain->n] = by_id;
	chain->n++;
}

/* The first layout of c with match ids that list info (its module), or NULL. */
static const struct hm_module *config_layout_claiming(const struct hm_config *c,
                                                      const struct hm_device_info *info)
{
	for (size_t i = 0; c && i < c->nlayouts; i++) {
		const struct hm_module *m = hm_layout_module(c->layouts[i]);

		if (c->layouts[i]->nids && m && hm_module_claims(m, info))
			return m;
	}
	return NULL;
}

const struct hm_module *hm_module_resolve(const struct hm_module *m,
                                          const struct hm_device_info *info)
{
	const struct hm_module *shipped;

	if (m != &hm_module_layout)
		return m;
	shipped = hm_layout_match_shipped(info);
	return shipped ? shipped : m;
}

/* The module a [device] section names: its layout's, or module =. */
static const struct hm_module *wished_module(const struct hm_config_device *cfg,
                                             const struct hm_device_info *info)
{
	if (cfg->layout)
		return cfg->layout_own ? hm_layout_module(cfg->layout_own)
		                       : hm_layout_find_shipped(cfg->layout);
	return cfg->module ? hm_module_resolve(hm_module_find(cfg->module), info) : NULL;
}

/* The modules that claim the device by their ids, in policy order. */
static void claiming_modules(const struct hm_config *c, const struct hm_device_info *info,
                             struct hm_module_chain *chain)
{
	/* a layout of the config with match ids comes before the registry */
	chain_add(chain, config_layout_claiming(c, info), true);
	for (size_t i = 0; hm_modules[i]; i++)
		if (hm_module_claims(hm_modules[i], info))
			chain_add(chain, hm_modules[i], true);
	chain_add(chain, hm_layout_match_shipped(info), true);
}

bool hm_module_select(const struct hm_config *c, const struct hm_device_info *info,
                      struct hm_module_chain *ret_chain, const struct hm_config_device **ret_cfg)
{
	struct hm_module_chain claimed = {0}, chain = {0};
	const struct hm_config_device *cfg;
	const struct hm_module *wish = NULL;

	claiming_modules(c, info, &claimed);
	/* match-module = compares with the module that claims the device */
	cfg = hm_config_match(c, info, claimed.n ? claimed.modules[0]->name : NULL);
	if (cfg)
		wish = wished_module(cfg, info);

	/* the user's wish goes first; a module the user names for a device its
	 * table does not list is probed with no id entry */
	if (wish)
		chain_add(&chain, wish, hm_module_claims(wish, info));
	/* generic never declines: what comes after it would never be asked */
	if (wish != &hm_module_generic)
		for (size_t i = 0; i < claimed.n; i++)
			chain_add(&chain, claimed.modules[i], true);
	chain_add(&chain, &hm_module_generic, false);

	*ret_chain = chain;
	*ret_cfg = cfg;
	if (cfg && !cfg->enabled)
		return false;
	/* the generic module only drives what the configuration selects */
	return claimed.n > 0 || cfg;
}

const char *hm_module_display_name(const struct hm_module *m, char *buf, size_t size)
{
	const struct hm_layout *l = hm_layout_of_module(m);

	if (!l)
		return m->name;
	snprintf(buf, size, "%s:%s", m->name, l->id);
	return buf;
}

unsigned hm_module_select_validate(const struct hm_config *c, hm_config_diag_fn diag,
                                   void *userdata)
{
	unsigned nerrors = 0;

	for (size_t i = 0; c && i < c->ndevices; i++) {
		const struct hm_config_device *d = &c->devices[i];
		const struct hm_module *m;

		if (d->match_module) {
			m = hm_module_find(d->match_module);
			if (!m) {
				hm_config_diagf(diag, userdata, d->file, d->match_module_line,
				                "unknown module '%s'", d->match_module);
				nerrors++;
			} else if (!m->id_table && !streq(d->match_module, "layout")) {
				/* A module without an id_table (generic) is never the one
				 * that claims a device, so this criterion could never hold;
				 * layouts claim by their match ids. */
				hm_config_diagf(
				    diag, userdata, d->file, d->match_module_line,
				    "module '%s' claims no devices by itself, so match-module "
				    "= %s never matches; use module = %s to force it",
				    d->match_module, d->match_module, d->match_module);
				nerrors++;
			}
		}
		if (d->module && !hm_module_find(d->module)) {
			hm_config_diagf(diag, userdata, d->file, d->module_line,
			                "unknown module '%s'", d->module);
			nerrors++;
		}
	}
	return nerrors;
}

/* Loads as the daemon does: the shipped layouts known, every layout given
 * its module, the modules named checked. */
static int select_load(bool given, const char *const *paths, size_t npaths, hm_config_diag_fn diag,
                       void *userdata, struct hm_config **ret)
{
	const struct hm_config_loader ld = {
	    .diag = diag, .userdata = userdata, .layout_shipped = hm_layout_shipped_exists};
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	int r;

	/* the store loads first, so that loads never nest */
	hm_layout_shipped_ensure();
	r = given ? hm_config_load_given_with(&ld, paths, npaths, &c)
	          : hm_config_load_with(&ld, paths, npaths, &c);
	if (r < 0)
		return r;
	r = hm_layout_module_attach_all(c);
	if (r < 0)
		return r;
	if (hm_module_select_validate(c, diag, userdata))
		return -EINVAL;
	*ret = steal(&c);
	return 0;
}

int hm_module_select_load(const char *const *paths, size_t npaths, hm_config_diag_fn diag,
                          void *userdata, struct hm_config **ret)
{
	return select_load(false, paths, npaths, diag, userdata, ret);
}

int hm_module_select_load_given(const char *const *given, size_t ngiven, hm_config_diag_fn diag,
                                void *userdata, struct hm_config **ret)
{
	return select_load(true, given, ngiven, diag, userdata, ret);
}
