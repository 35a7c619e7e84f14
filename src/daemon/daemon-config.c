/* SPDX-License-Identifier: MIT */
/*
 * Loading and reloading the configuration (SIGHUP, `hidmapd reload`, a
 * changed file seen by config-watch.h): validated whole, then applied to
 * each driven device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "daemon-private.h"
#include "device-settings.h"
#include "module-select.h"
#include "reload-decision.h"
#include "util-strings.h"

static void config_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	struct daemon *d = userdata;

	/* a reload asked for on the control socket answers with the first error */
	if (d->diag && !d->diag[0]) {
		if (line)
			snprintf(d->diag, d->diag_size, "%s:%u: %s", file, line, message);
		else
			snprintf(d->diag, d->diag_size, "%s: %s", file, message);
	}
	if (line)
		log_error("%s:%u: %s", file, line, message);
	else
		log_error("%s: %s", file, message);
}

/* A reload changed the hardware settings of the device's section: the
 * module hears of it (its configure hook), whatever the mapping does. */
static void apply_settings(struct driven *dr, const struct hm_config_device *c_new)
{
	const struct hm_config_hardware none = HM_CONFIG_HARDWARE_INIT;
	struct hm_device_settings settings;

	if (hm_config_hardware_equal(dr->cfg ? &dr->cfg->hardware : &none,
	                             c_new ? &c_new->hardware : &none))
		return;
	hm_device_settings_from_config(c_new, &settings);
	hm_device_configure(dr->dev, &settings);
	log_info("%s: device settings changed, applied", dr->path);
}

int daemon_load_config(struct daemon *d, struct hm_config **ret)
{
	return hm_module_select_load_given(d->opts->config_paths, d->opts->nconfig_paths,
	                                   config_diag, d, ret);
}

/*
 * SIGHUP, a changed file, `hidmapd reload`: the new config is validated
 * whole before anything changes.  With err, the first problem is written
 * there for the client.  Returns 0, or -errno when the old config stays.
 */
int daemon_reload(struct daemon *d, char *err, size_t errsize)
{
	struct hm_config *config = NULL;
	struct driven *dr, *next;
	int r;

	daemon_notify("RELOADING=1");
	if (err && errsize)
		err[0] = '\0';
	d->diag = err;
	d->diag_size = errsize;
	r = daemon_load_config(d, &config);
	d->diag = NULL;
	if (r < 0) {
		log_error("configuration not reloaded, the previous one stays in effect");
		if (err && errsize && !err[0])
			snprintf(err, errsize, "cannot load the configuration: %s", strerror(-r));
		daemon_notify("READY=1");
		return r;
	}

	/* Devices whose selection changed are let go (releasing what they
	 * hold) and taken again under the new config; those whose mapping
	 * changed switch in place, releasing everything first; the others
	 * are left alone, holding what they hold (a saved file that changes
	 * nothing for them, a profile switched to by a key, stay).  The
	 * hardware settings (lightbar = ...) are not part of the mapping:
	 * a change of only those reaches the module's configure hook and
	 * leaves the mapping, the outputs and what they hold alone. */
	for (dr = d->driven; dr; dr = next) {
		struct hm_module_chain chain_new;
		const struct hm_config_device *c_new = NULL;
		struct hm_reload_view old, new;
		enum hm_reload_decision decision;
		bool selected;

		next = dr->next;
		selected = hm_module_select(config, &dr->dev->info, &chain_new, &c_new);
		old = (struct hm_reload_view){
		    .chain = hm_device_module_chain(dr->dev),
		    .cfg = dr->cfg,
		    .profile = dr->cfg ? hm_config_profile_for(d->config, dr->cfg) : NULL,
		};
		new = (struct hm_reload_view){
		    .chain = selected ? &chain_new : NULL,
		    .cfg = c_new,
		    .profile = c_new ? hm_config_profile_for(config, c_new) : NULL,
		};
		decision = hm_reload_decide(&old, &new);
		switch (decision) {
		case HM_RELOAD_DROP:
			daemon_drop(d, dr, "configuration changed, letting go");
			continue;
		case HM_RELOAD_SET_PROFILE:
			r = hm_device_set_profile(dr->dev, new.profile,
			                          c_new ? c_new->unmapped : HM_UNMAPPED_PASS);
			if (r < 0) {
				daemon_drop(d, dr, "cannot apply the new mapping, letting go");
				continue;
			}
			log_info("%s: mapping changed, applied", dr->path);
			hm_config_free(dr->mapping_config); /* the new one is d->config */
			dr->mapping_config = NULL;
			apply_settings(dr, c_new);
			break;
		case HM_RELOAD_CONFIGURE:
		case HM_RELOAD_KEEP:
			if (!dr->mapping_config)
				dr->mapping_config = hm_config_ref(d->config);
			if (decision == HM_RELOAD_CONFIGURE)
				apply_settings(dr, c_new);
			break;
		}
		dr->cfg = c_new;
		daemon_spnav_configure(dr);
	}
	hm_config_free(d->config);
	d->config = config;
	log_info("configuration reloaded");
	if (d->config_watch) /* a path may have appeared where it could not be watched */
		(void)hm_config_watch_refresh(d->config_watch);
	daemon_scan(d);
	daemon_notify("READY=1");
	daemon_notify_status(d);
	return 0;
}

/* ---- reloading when a config file changes --------------------------------- */

static void config_watch_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct daemon *d = data;
	int r = hm_config_watch_process(d->config_watch);

	if (r < 0)
		log_warning_errno(r, "cannot read the configuration watch: %m, ignoring");
	/* editors write a file in several steps: reload once they are done */
	if (r > 0)
		(void)hm_timer_arm(d->reload_timer, 200000);
}

static void reload_timer_fired(struct hm_timer *t, void *data)
{
	struct daemon *d = data;

	log_info("a configuration file changed, reloading");
	(void)daemon_reload(d, NULL, 0);
}

/* Watches exactly what the configuration reads (config-watch.h): a file
 * some other program writes next to it reloads nothing. */
void daemon_setup_config_watch(struct daemon *d)
{
	const char *const *paths = d->opts->config_paths;
	size_t n = d->opts->nconfig_paths;
	int r;

	if (!paths)
		paths = hm_config_default_paths(&n);
	r = hm_config_watch_new(paths, n, &d->config_watch);
	if (r < 0) {
		log_warning_errno(r, "cannot watch the configuration: %m; reload with SIGHUP");
		return;
	}
	d->reload_timer = hm_timer_new(d->loop, reload_timer_fired, d);
	if (!d->reload_timer || !hm_loop_add_fd(d->loop, hm_config_watch_get_fd(d->config_watch),
	                                        EPOLLIN, false, config_watch_dispatch, d)) {
		log_warning_errno(errno, "cannot watch the configuration: %m; reload with SIGHUP");
		hm_config_watch_free(d->config_watch);
		d->config_watch = NULL;
	}
}
