/* SPDX-License-Identifier: MIT */
/*
 * Per-application profiles in the daemon: the focused window as the focus
 * sources report it (focus-*.h, the control socket's `focus`), and the
 * profile each driven device's focus = rules pick for it
 * (config-focus.h).  The semantics are documented in doc/hidmapd.ini.5.md,
 * "PER-APPLICATION PROFILES":
 *   - a device is switched only when the profile its rules pick differs
 *     from the one it runs: a focus change that changes nothing for it
 *     costs it nothing, and its report path never looks at the focus;
 *   - the switch is hm_device_set_profile_focus(): atomic as profile(),
 *     and a key held across it is released as pressed, once;
 *   - a profile() key overrides the rules until the focus moves to
 *     another application or the title makes another rule match (a title
 *     alone changes all the time in terminals and browsers).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-focus.h"
#include "daemon-private.h"
#include "build-config.h"
#include "focus-dbus.h"
#include "session-env.h"
#include "focus-hyprland.h"
#include "focus-i3.h"
#include "focus-x11.h"
#include "util-strings.h"

struct daemon_focus {
	const char *source; /* the last that reported, static */
	bool has_window;    /* a window has the focus */
	char app_id[HM_FOCUS_MAX_APP + 1], instance[HM_FOCUS_MAX_APP + 1],
	    class_[HM_FOCUS_MAX_APP + 1], title[HM_FOCUS_MAX_TITLE + 1];
	uint64_t changes, switches;
	/* the sources (at most one of the compositor's, from the environment) */
	struct hm_focus_i3 *i3;
	struct hm_focus_hyprland *hyprland;
	struct hm_focus_x11 *x11;
	struct hm_focus_dbus *dbus;
	bool gnome;
	char why[192]; /* which source follows the focus, or why none does */
};

/* s bounded to max bytes, cut at a UTF-8 character boundary. */
static void copy_bounded(char *to, size_t max, const char *s)
{
	size_t n = s ? strnlen(s, max + 1) : 0;

	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(to, s, n);
	to[n] = '\0';
}

static bool same_profile(const struct hm_config_profile *a, const struct hm_config_profile *b)
{
	/* a kept device runs a profile of the configuration before a reload:
	 * the same content is the same profile */
	return a == b || (a && b && streq(a->id, b->id) && hm_config_profile_equal(a, b));
}

static struct hm_focus_window window_of(const struct daemon_focus *f)
{
	return (struct hm_focus_window){f->app_id, f->instance, f->class_, f->title};
}

/* The rule that matches now (-1: none) and its profile. */
static const struct hm_config_profile *pick(struct daemon *d, const struct hm_config_device *cfg,
                                            int *ret_rule)
{
	struct hm_focus_window w = window_of(d->focus);
	int rule = d->focus && d->focus->has_window ? hm_config_focus_match(cfg, &w) : -1;

	*ret_rule = rule;
	return rule >= 0 ? cfg->focus[rule].profile : hm_config_profile_for(d->config, cfg);
}

static void apply_device(struct daemon *d, struct driven *dr, bool app_changed)
{
	const struct hm_config_profile *want;
	int rule, r;

	if (!dr->cfg || !dr->cfg->nfocus || !dr->dev)
		return;
	want = pick(d, dr->cfg, &rule);
	/* the same application under the same rule (picking the same profile,
	 * after a reload too): a profile() key's choice stays */
	if (!app_changed && rule == dr->focus_rule && streq(dr->focus_pick, want ? want->id : ""))
		return;
	dr->focus_rule = rule;
	snprintf(dr->focus_pick, sizeof(dr->focus_pick), "%s", want ? want->id : "");
	if (same_profile(hm_device_profile(dr->dev), want))
		return;
	r = hm_device_set_profile_focus(dr->dev, want);
	if (r < 0) {
		log_warning_errno(r, "%s: cannot switch to profile %s: %m, ignoring", dr->path,
		                  want ? want->id : "(none)");
		return;
	}
	/* the profile is the current configuration's now */
	hm_config_free(dr->mapping_config);
	dr->mapping_config = NULL;
	d->focus->switches++;
	log_info("%s: focus: profile %s", dr->path, want ? want->id : "(none)");
}

static void apply_all(struct daemon *d, bool app_changed)
{
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		apply_device(d, dr, app_changed);
}

/* hm_focus_fn of every source */
static void focus_report(void *userdata, const char *source, const struct hm_focus_window *w)
{
	struct daemon *d = userdata;
	struct daemon_focus *f = d->focus;
	char app_id[sizeof(f->app_id)], instance[sizeof(f->instance)], class_[sizeof(f->class_)];
	bool app_changed;

	f->source = source;
	copy_bounded(app_id, HM_FOCUS_MAX_APP, w ? w->app_id : NULL);
	copy_bounded(instance, HM_FOCUS_MAX_APP, w ? w->instance : NULL);
	copy_bounded(class_, HM_FOCUS_MAX_APP, w ? w->class_ : NULL);
	app_changed = !w != !f->has_window || !streq(app_id, f->app_id) ||
	              !streq(instance, f->instance) || !streq(class_, f->class_);
	memcpy(f->app_id, app_id, sizeof(app_id));
	memcpy(f->instance, instance, sizeof(instance));
	memcpy(f->class_, class_, sizeof(class_));
	copy_bounded(f->title, HM_FOCUS_MAX_TITLE, w ? w->title : NULL);
	f->has_window = w != NULL;
	f->changes++;
	apply_all(d, app_changed);
	if (hm_control_monitoring(d->control)) {
		char line[64 + 4 * sizeof(f->app_id) * 3 + 4 * sizeof(f->title)];
		char a[STR_ESCAPED_SIZE(sizeof(f->app_id))], i[sizeof(a)], c[sizeof(a)];
		char t[STR_ESCAPED_SIZE(sizeof(f->title))];

		snprintf(line, sizeof(line),
		         "focus %s app \"%s\" instance \"%s\" class \"%s\" title \"%s\"", source,
		         str_escape_control(f->app_id, a, sizeof(a)),
		         str_escape_control(f->instance, i, sizeof(i)),
		         str_escape_control(f->class_, c, sizeof(c)),
		         str_escape_control(f->title, t, sizeof(t)));
		hm_control_monitor_line(d->control, line);
	}
}

int daemon_focus_control(struct daemon *d, const char *app_id, const char *title, char *err,
                         size_t errsize)
{
	const struct hm_focus_window w = {.app_id = app_id, .title = title};

	if (!d->focus) {
		snprintf(err, errsize, "per-application profiles are not set up");
		return -ENOTSUP;
	}
	if (!*app_id) {
		snprintf(err, errsize, "focus needs an APP_ID");
		return -EINVAL;
	}
	/* "-" with no title: no window has the focus */
	focus_report(d, "control", streq(app_id, "-") && !*title ? NULL : &w);
	return 0;
}

const struct hm_config_profile *daemon_focus_initial(struct daemon *d, struct driven *dr,
                                                     const struct hm_config_device *cfg)
{
	int rule = -1;
	const struct hm_config_profile *p;

	if (!cfg)
		return NULL;
	if (!cfg->nfocus || !d->focus) {
		dr->focus_rule = -1;
		p = hm_config_profile_for(d->config, cfg);
		snprintf(dr->focus_pick, sizeof(dr->focus_pick), "%s", p ? p->id : "");
		return p;
	}
	p = pick(d, cfg, &rule);
	dr->focus_rule = rule;
	snprintf(dr->focus_pick, sizeof(dr->focus_pick), "%s", p ? p->id : "");
	return p;
}

/* What the source is chosen by (daemon_setup_focus()). */
static const char *const session_vars[] = {
    "WAYLAND_DISPLAY",     "SWAYSOCK", "I3SOCK", "HYPRLAND_INSTANCE_SIGNATURE",
    "XDG_CURRENT_DESKTOP", "DISPLAY",
};

void daemon_focus_reloaded(struct daemon *d, char **session_env)
{
	bool changed = false;

	/* a session started (or changed) since: its environment reached the
	 * systemd user manager, not this process; the source is chosen again.
	 * session_env was read with the configuration, off the loop (NULL: not
	 * read) */
	if (session_env &&
	    hm_session_env_apply(session_env, session_vars, ARRAY_SIZE(session_vars), &changed) >=
	        0 &&
	    changed) {
		log_info("focus: the session's environment changed; choosing the focus source "
		         "again");
		daemon_focus_free(d);
		daemon_setup_focus(d);
	}
	if (d->focus)
		apply_all(d, changed); /* a rule that changed takes effect */
}

/* ---- sources --------------------------------------------------------------- */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * The compositor's source, from the session's environment: Hyprland, sway
 * or i3 by their own variables; KDE and GNOME report over D-Bus (their
 * script and extension); X11 where DISPLAY is set and no Wayland
 * compositor is known (an X11 session, or Xwayland under a Wayland
 * compositor hidmapd has no source for: then X11 sees only X clients, so
 * it is not used).  HIDMAPD_FOCUS_SOURCE=x11|sway|i3|hyprland|kwin|gnome|none
 * forces one (HIDMAPD_KWIN_SCRIPT: another KWin script, for tests).
 */
void daemon_setup_focus(struct daemon *d)
{
	struct daemon_focus *f = calloc(1, sizeof(*f));
	const char *force = env("HIDMAPD_FOCUS_SOURCE");
	const char *wayland = env("WAYLAND_DISPLAY"), *x11 = env("DISPLAY");
	const char *sway = env("SWAYSOCK"), *i3 = env("I3SOCK");
	const char *hypr = env("HYPRLAND_INSTANCE_SIGNATURE");
	const char *desktop = env("XDG_CURRENT_DESKTOP");
	int r = 0;

	if (!f) {
		log_warning("out of memory: no per-application profiles");
		return;
	}
	d->focus = f;
	f->source = "none";
	if (force ? streq(force, "hyprland") : hypr != NULL) {
		r = hm_focus_hyprland_new(d->loop, hypr, focus_report, d, &f->hyprland);
		snprintf(f->why, sizeof(f->why), "hyprland");
	} else if (force ? streq(force, "sway") || streq(force, "i3") : sway || i3) {
		bool is_sway = force ? streq(force, "sway") : sway != NULL;

		r = hm_focus_i3_new(d->loop, is_sway ? "sway" : "i3", is_sway ? sway : i3,
		                    focus_report, d, &f->i3);
		snprintf(f->why, sizeof(f->why), "%s", is_sway ? "sway" : "i3");
	} else if (force ? streq(force, "kwin") || streq(force, "gnome")
	                 : desktop && (strstr(desktop, "KDE") || strstr(desktop, "GNOME"))) {
		bool kde = force ? streq(force, "kwin") : strstr(desktop, "KDE") != NULL;
		const char *script = env("HIDMAPD_KWIN_SCRIPT");

		/* KWin is asked to load the shipped script; GNOME Shell runs the
		 * extension the user enabled */
		if (!script)
			script = HIDMAPD_DATADIR "/kwin/hidmapd-focus.js";
		f->gnome = !kde;
		r = hm_focus_dbus_new(d->loop, kde ? script : NULL, focus_report, d, &f->dbus);
		if (r >= 0 && !kde)
			hm_focus_dbus_watch_gnome(f->dbus, "hidmapd-focus@hidmapd");
		snprintf(f->why, sizeof(f->why), "%s", kde ? "kwin" : "gnome");
	} else if (force ? streq(force, "x11") : x11 && !wayland) {
		r = hm_focus_x11_new(d->loop, x11, focus_report, d, &f->x11);
		snprintf(f->why, sizeof(f->why), "x11");
	} else {
		snprintf(f->why, sizeof(f->why),
		         force ? "none: HIDMAPD_FOCUS_SOURCE=%s"
		               : "none: no X11, sway, i3 or Hyprland session in the environment%s; "
		                 "use 'hidmapd focus APP_ID [TITLE]'",
		         force     ? force
		         : wayland ? " (a Wayland compositor hidmapd has no source for)"
		                   : "");
		return;
	}
	if (r < 0) {
		log_warning_errno(r, "cannot follow the focus (%s): %m; use 'hidmapd focus'",
		                  f->why);
		snprintf(f->why + strlen(f->why), sizeof(f->why) - strlen(f->why), ": %s",
		         strerror(-r));
	}
}

void daemon_focus_free(struct daemon *d)
{
	struct daemon_focus *f = d->focus;

	if (!f)
		return;
	hm_focus_i3_free(f->i3);
	hm_focus_hyprland_free(f->hyprland);
	hm_focus_x11_free(f->x11);
	hm_focus_dbus_free(f->dbus);
	free(f);
	d->focus = NULL;
}

/* ---- status ---------------------------------------------------------------- */

void daemon_focus_status(struct daemon *d, struct hm_control_client *c)
{
	struct daemon_focus *f = d->focus;
	char state[160] = "", a[STR_ESCAPED_SIZE(sizeof(f->app_id))], i[sizeof(a)], k[sizeof(a)];
	char t[STR_ESCAPED_SIZE(sizeof(f->title))], hint[384] = "";

	if (!f)
		return;
	if (f->i3)
		hm_focus_i3_describe(f->i3, state, sizeof(state));
	else if (f->hyprland)
		hm_focus_hyprland_describe(f->hyprland, state, sizeof(state));
	else if (f->x11)
		hm_focus_x11_describe(f->x11, state, sizeof(state));
	else if (f->dbus)
		hm_focus_dbus_describe(f->dbus, state, sizeof(state));
	hm_control_printf(c, "focus source %s%s%s%s", f->why, state[0] ? " (" : "", state,
	                  state[0] ? ")" : "");
	if (f->dbus && !hm_focus_dbus_heard(f->dbus) && f->gnome)
		hm_focus_dbus_gnome_hint(f->dbus, hint, sizeof(hint));
	if (f->dbus && !hm_focus_dbus_heard(f->dbus))
		hm_control_printf(c, "focus waiting for the first report: %s",
		                  hint[0]    ? hint
		                  : f->gnome ? "is the GNOME Shell extension enabled? "
		                               "gnome-extensions enable hidmapd-focus@hidmapd"
		                             : "did KWin load the script? qdbus org.kde.KWin "
		                               "/Scripting org.kde.kwin.Scripting.isScriptLoaded "
		                               "hidmapd-focus");
	if (!f->has_window) {
		hm_control_printf(
		    c, "focus window none (last from %s) changes %" PRIu64 " switches %" PRIu64,
		    f->source, f->changes, f->switches);
		return;
	}
	/* the strings come from other programs: escaped, and bounded when kept */
	hm_control_printf(c,
	                  "focus window app \"%s\" instance \"%s\" class \"%s\" title \"%s\" "
	                  "(from %s) changes %" PRIu64 " switches %" PRIu64,
	                  str_escape_control(f->app_id, a, sizeof(a)),
	                  str_escape_control(f->instance, i, sizeof(i)),
	                  str_escape_control(f->class_, k, sizeof(k)),
	                  str_escape_control(f->title, t, sizeof(t)), f->source, f->changes,
	                  f->switches);
	/* what each section with rules picks now, devices plugged or not */
	for (size_t n = 0; n < d->config->ndevices; n++) {
		const struct hm_config_device *cfg = &d->config->devices[n];
		const struct hm_config_profile *p;
		int rule;

		if (!cfg->nfocus)
			continue;
		p = pick(d, cfg, &rule);
		if (rule >= 0)
			hm_control_printf(c, "focus rule [device %s] %s:%u -> %s", cfg->id,
			                  cfg->file, cfg->focus[rule].line, p ? p->id : "(none)");
		else
			hm_control_printf(c, "focus rule [device %s] none matches -> %s", cfg->id,
			                  p ? p->id : "(none)");
	}
}

void daemon_focus_device_status(struct daemon *d, struct driven *dr, const char **ret_profile,
                                const char **ret_why, char *buf, size_t size)
{
	const struct hm_config_profile *cur = hm_device_profile(dr->dev);
	const struct hm_config_profile *fallback = hm_config_profile_for(d->config, dr->cfg);

	*ret_profile = cur ? cur->id : NULL;
	*ret_why = NULL;
	if (!cur)
		return;
	if (dr->cfg && dr->cfg->nfocus && dr->focus_rule >= 0 &&
	    (size_t)dr->focus_rule < dr->cfg->nfocus &&
	    same_profile(cur, dr->cfg->focus[dr->focus_rule].profile)) {
		snprintf(buf, size, "focus rule at %s:%u", dr->cfg->file,
		         dr->cfg->focus[dr->focus_rule].line);
		*ret_why = buf;
	} else if (same_profile(cur, fallback)) {
		*ret_why = "default";
	} else {
		*ret_why = "switched by a profile() key";
	}
}
