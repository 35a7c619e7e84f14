/* SPDX-License-Identifier: MIT */
/*
 * The per-device decision of a reload (reload-decision.h).  Only the
 * comparisons: acting on the decision is daemon_reload()'s.
 */
#include "reload-decision.h"

/* A device without a section is grabbed and passes what it does not map:
 * the defaults of a [device] section. */
static bool grab_of(const struct hm_config_device *cfg)
{
	return !cfg || cfg->grab;
}

static enum hm_unmapped_policy unmapped_of(const struct hm_config_device *cfg)
{
	return cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
}

static bool hardware_equal(const struct hm_config_device *a, const struct hm_config_device *b)
{
	const struct hm_config_hardware none = HM_CONFIG_HARDWARE_INIT;

	return hm_config_hardware_equal(a ? &a->hardware : &none, b ? &b->hardware : &none);
}

enum hm_reload_decision hm_reload_decide(const struct hm_reload_view *old,
                                         const struct hm_reload_view *new)
{
	if (!new->chain || !hm_module_chain_equal(new->chain, old->chain) ||
	    grab_of(old->cfg) != grab_of(new->cfg))
		return HM_RELOAD_DROP;
	if (unmapped_of(old->cfg) != unmapped_of(new->cfg) ||
	    !hm_config_profile_equal(old->profile, new->profile))
		return HM_RELOAD_SET_PROFILE;
	return hardware_equal(old->cfg, new->cfg) ? HM_RELOAD_KEEP : HM_RELOAD_CONFIGURE;
}
