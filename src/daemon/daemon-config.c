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
#include "session-env.h"
#include "shipped-layouts.h"
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
	/* the message may quote the file: escaped, as `status` does */
	if (line)
		log_error("%s:%u: %s", log_escape(file), line, log_escape(message));
	else
		log_error("%s: %s", log_escape(file), log_escape(message));
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

struct config_free_job {
	struct hm_work work;
	struct hm_config *config;
};

static void config_free_run(struct hm_work *w)
{
	hm_config_free(((struct config_free_job *)w)->config);
}

static void config_free_done(struct hm_work *w)
{
	free(w);
}

/* A configuration at the limits is 100 MB of small allocations: the old
 * one is freed on the work pool, unless a device still holds a reference
 * to it (then this only drops ours, on the loop that counts them). */
static void free_config_off_loop(struct daemon *d, struct hm_config *config)
{
	struct config_free_job *job = config && !config->extra_refs ? zalloc(sizeof(*job)) : NULL;

	if (!job) {
		hm_config_free(config);
		return;
	}
	job->config = config;
	job->work.run = config_free_run;
	job->work.done = config_free_done;
	hm_work_submit(d->config_pool, &job->work);
}

/* The new configuration, validated whole, applied to the driven devices
 * (on the loop: a quick walk of the devices; the slow part, reading and
 * compiling the files, was done on the work pool). */
static void apply_config(struct daemon *d, struct hm_config *config, char **session_env)
{
	struct driven *dr, *next;
	int r;

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
	free_config_off_loop(d, d->config);
	d->config = config;
	log_info("configuration reloaded");
	if (d->config_watch) /* a path may have appeared where it could not be watched */
		(void)hm_config_watch_refresh(d->config_watch);
	daemon_focus_reloaded(d, session_env);
	daemon_scan(d);
	daemon_notify("READY=1");
	daemon_notify_status(d);
}

/*
 * A reload reads and compiles the files on the work pool (work-pool.h)
 * and swaps the result in on the loop when it is done: a slow reload
 * (256 files, 1 MiB each) delays the change, never a key.  One runs at a
 * time; reloads asked for meanwhile become one more, after it.
 */
struct reload_job {
	struct hm_work work;
	struct daemon *daemon;
	bool for_control;         /* answer the control socket's reload requests */
	struct hm_config *config; /* the result, NULL: rejected */
	char **session_env;       /* the systemd user manager's, for the focus source */
	int r;
	char err[512]; /* the first problem, for the control socket */
};

static void job_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	struct reload_job *job = userdata;

	/* a reload asked for on the control socket answers with the first error */
	if (!job->err[0]) {
		if (line)
			snprintf(job->err, sizeof(job->err), "%s:%u: %s", file, line, message);
		else
			snprintf(job->err, sizeof(job->err), "%s: %s", file, message);
	}
	/* the message may quote the file: escaped, as `status` does */
	if (line)
		log_error("%s:%u: %s", log_escape(file), line, log_escape(message));
	else
		log_error("%s: %s", log_escape(file), log_escape(message));
}

static void reload_run(struct hm_work *w)
{
	struct reload_job *job = (struct reload_job *)w;
	const struct hm_daemon_options *opts = job->daemon->opts;

	job->r = hm_module_select_load_given(opts->config_paths, opts->nconfig_paths, job_diag, job,
	                                     &job->config);
	/* a desktop session started since hidmapd did: its environment is in
	 * the user manager (one bus call, off the loop like the files) */
	(void)hm_session_env_fetch(&job->session_env);
}

static void reload_done(struct hm_work *w)
{
	struct reload_job *job = (struct reload_job *)w;
	struct daemon *d = job->daemon;
	bool for_control = job->for_control;
	int r = job->r;

	d->reloading = false;
	if (d->stopping) {
		hm_config_free(job->config);
		hm_session_env_free(job->session_env);
		free(job);
		return;
	}
	if (r < 0) {
		log_error("configuration not reloaded, the previous one stays in effect");
		if (!job->err[0])
			snprintf(job->err, sizeof(job->err), "cannot load the configuration: %s",
			         strerror(-r));
		daemon_notify("READY=1");
	} else {
		apply_config(d, steal(&job->config), job->session_env);
	}
	if (for_control) {
		size_t len = strlen(job->err);

		if (r < 0 && len < sizeof(job->err))
			snprintf(job->err + len, sizeof(job->err) - len,
			         " (the previous configuration stays in effect)");
		hm_control_reload_done(d->control, r, job->err);
	}
	hm_session_env_free(job->session_env);
	free(job);
	if (d->reload_again) {
		bool again_for_control = d->reload_again_for_control;

		d->reload_again = d->reload_again_for_control = false;
		daemon_reload_start(d, again_for_control);
	}
}

void daemon_reload_start(struct daemon *d, bool for_control)
{
	struct reload_job *job;

	if (d->reloading) {
		/* it may have read the files before they changed: one more after it */
		d->reload_again = true;
		d->reload_again_for_control |= for_control;
		return;
	}
	job = zalloc(sizeof(*job));
	if (!job) {
		log_error("configuration not reloaded: out of memory");
		if (for_control)
			hm_control_reload_done(d->control, -ENOMEM, "out of memory");
		return;
	}
	job->daemon = d;
	job->for_control = for_control;
	job->work.run = reload_run;
	job->work.done = reload_done;
	d->reloading = true;
	daemon_notify("RELOADING=1");
	/* a package upgrade may have added or changed a shipped layout: read
	 * them again if their folder changed (the previous ones stay if not).
	 * On the loop, before the job: the job's selection reads them, and
	 * nothing else changes them while it runs (a stat of each file of one
	 * small folder; reading it only when it changed) */
	(void)hm_layout_shipped_reload();
	hm_work_submit(d->config_pool, &job->work);
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
	daemon_reload_start(d, false);
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
