/* SPDX-License-Identifier: MIT */
/*
 * What a reload does to one driven device: a pure function of what the old
 * and the new configuration say of it, so that each outcome can be tested
 * without a daemon, an event loop or a device (daemon_reload() acts on it).
 */
#pragma once

#include "config.h"
#include "module-select.h"

enum hm_reload_decision {
	HM_RELOAD_KEEP,        /* nothing changed for it: it holds what it holds */
	HM_RELOAD_CONFIGURE,   /* only the hardware settings (lightbar = ...): the
	                        * module's configure hook, the mapping stays */
	HM_RELOAD_SET_PROFILE, /* the mapping changed: switched in place, after
	                        * releasing everything (the hardware settings too,
	                        * if they changed) */
	HM_RELOAD_DROP,        /* the selection changed: let go, and taken again
	                        * under the new configuration by the next scan */
};

/* What one configuration says of a device. */
struct hm_reload_view {
	/* the modules that would drive it; NULL: the configuration does not
	 * select it (hm_module_select() said no) */
	const struct hm_module_chain *chain;
	const struct hm_config_device *cfg;      /* the selecting section, or NULL */
	const struct hm_config_profile *profile; /* hm_config_profile_for(cfg), or NULL */
};

/*
 * The device is let go when it is no longer selected, when another chain
 * of modules would drive it, or when grab = changed; its mapping is
 * switched when unmapped = or the profile (with those it switches to)
 * changed; otherwise only a change of the hardware settings reaches it.
 * old->chain must not be NULL (the device is driven).
 */
enum hm_reload_decision hm_reload_decide(const struct hm_reload_view *old,
                                         const struct hm_reload_view *new);
