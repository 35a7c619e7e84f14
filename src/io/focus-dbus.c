/* SPDX-License-Identifier: MIT */
/*
 * D-Bus focus source (focus-dbus.h), on sd-bus.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "build-config.h"
#include "focus-dbus.h"
#include "util-log.h"
#include "util-strings.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

#define RETRY_US 1000000

struct hm_focus_dbus {
	struct hm_loop *loop;
	char *kwin_script;
	hm_focus_fn fn;
	void *userdata;
	sd_bus *bus;
	sd_bus_slot *vtable_slot;
	struct hm_source *source;
	struct hm_timer *timer; /* sd-bus's timeouts, a pending write, reconnecting */
	bool heard;
	char kwin_state[96];
	int last_error;
	char *gnome_uuid;
	int gnome_state; /* GNOME's ExtensionState; 0: no answer, -1: no such extension */
	bool gnome_asking;
};

static void schedule(struct hm_focus_dbus *s);

static int on_set_focus(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct hm_focus_dbus *s = userdata;
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	const char *source, *app_id, *title, *name;
	struct hm_focus_window w;
	uid_t euid;
	int r;

	r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
	if (r < 0 || sd_bus_creds_get_euid(creds, &euid) < 0 || euid != getuid())
		return sd_bus_error_set(ret_error, SD_BUS_ERROR_ACCESS_DENIED,
		                        "only the user's own session sets the focus");
	r = sd_bus_message_read(m, "sss", &source, &app_id, &title);
	if (r < 0)
		return r;
	name = streq(source, "kwin") ? "kwin" : streq(source, "gnome") ? "gnome" : "dbus";
	s->heard = true;
	w = (struct hm_focus_window){.app_id = app_id, .title = title};
	s->fn(s->userdata, name, *app_id || *title ? &w : NULL);
	return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable focus_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("SetFocus", "sss", "", on_set_focus, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static void disconnect(struct hm_focus_dbus *s, int why)
{
	hm_source_remove(s->source);
	s->source = NULL;
	s->vtable_slot = sd_bus_slot_unref(s->vtable_slot);
	s->bus = sd_bus_flush_close_unref(s->bus);
	s->gnome_asking = false;
	s->last_error = why;
	(void)hm_timer_arm(s->timer, RETRY_US);
}

static void process(struct hm_focus_dbus *s)
{
	int r;

	do
		r = sd_bus_process(s->bus, NULL);
	while (r > 0);
	if (r < 0) {
		log_info("dbus: the session bus connection is lost (%s); trying again",
		         strerror(-r));
		disconnect(s, r);
		return;
	}
	schedule(s);
}

static void dispatch(struct hm_source *src, uint32_t events, void *data)
{
	process(data);
}

/* The next time sd-bus needs the loop without a readable fd: a timeout, or
 * a write that did not go out at once (the fd is watched for input only). */
static void schedule(struct hm_focus_dbus *s)
{
	uint64_t until = 0, now = hm_now_usec();
	int events = sd_bus_get_events(s->bus);

	if (events > 0 && (events & POLLOUT)) {
		(void)hm_timer_arm(s->timer, 1000);
		return;
	}
	if (sd_bus_get_timeout(s->bus, &until) > 0 && until != UINT64_MAX)
		(void)hm_timer_arm(s->timer, until > now ? until - now : 1);
	else
		(void)hm_timer_arm(s->timer, 0);
}

/* KWin's answers: only logged, and shown by status. */
static int on_kwin_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct hm_focus_dbus *s = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	if (e) {
		snprintf(s->kwin_state, sizeof(s->kwin_state), "KWin did not load the script: %s",
		         e->name);
		log_warning("kwin: cannot load %s: %s", s->kwin_script,
		            e->message ? e->message : e->name);
	} else {
		snprintf(s->kwin_state, sizeof(s->kwin_state), "script loaded into KWin");
	}
	return 0;
}

static void load_kwin_script(struct hm_focus_dbus *s);

/* KWin (re)started: its scripts are gone, load ours again. */
static int on_kwin_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	const char *name, *old_owner, *new_owner;

	if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) >= 0 && *new_owner)
		load_kwin_script(userdata);
	return 0;
}

/* Plasma 5 and 6: loadScript(path, name), then start() runs what is
 * loaded; an older copy under the same name is unloaded first. */
static void load_kwin_script(struct hm_focus_dbus *s)
{
	static const char *const name = "hidmapd-focus";

	if (!s->kwin_script)
		return;
	(void)sd_bus_call_method_async(s->bus, NULL, "org.kde.KWin", "/Scripting",
	                               "org.kde.kwin.Scripting", "unloadScript", NULL, NULL, "s",
	                               name);
	(void)sd_bus_call_method_async(s->bus, NULL, "org.kde.KWin", "/Scripting",
	                               "org.kde.kwin.Scripting", "loadScript", on_kwin_reply, s,
	                               "ss", s->kwin_script, name);
	(void)sd_bus_call_method_async(s->bus, NULL, "org.kde.KWin", "/Scripting",
	                               "org.kde.kwin.Scripting", "start", NULL, NULL, "");
	snprintf(s->kwin_state, sizeof(s->kwin_state), "asked KWin to load the script");
}

/* ---- GNOME Shell: is the extension enabled? ----------------------------- */

/* GetExtensionInfo(s uuid) -> a{sv}: {} for an extension GNOME Shell does
 * not know; else "state", a number (GNOME's ExtensionState: 1 enabled
 * (ACTIVE from 45), 2 disabled, 3 error, 4 out of date, 5 downloading,
 * 6 initialized, 7 disabling, 8 enabling, 99 uninstalled). */
static int on_gnome_info(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct hm_focus_dbus *s = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);
	bool any = false;
	int state = 0, r;

	s->gnome_asking = false;
	if (e) {
		s->gnome_state = 0; /* GNOME Shell not there, or too old */
		return 0;
	}
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	while (r > 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *key, *contents = NULL;
		char type;

		any = true;
		r = sd_bus_message_read(m, "s", &key);
		if (r >= 0 && streq(key, "state") &&
		    sd_bus_message_peek_type(m, &type, &contents) > 0 && contents) {
			double d;
			int32_t i;
			uint32_t u;

			if (streq(contents, "d") && sd_bus_message_read(m, "v", "d", &d) > 0)
				state = d >= 0 && d < 1000 ? (int)d : 0;
			else if (streq(contents, "i") && sd_bus_message_read(m, "v", "i", &i) > 0)
				state = i;
			else if (streq(contents, "u") && sd_bus_message_read(m, "v", "u", &u) > 0)
				state = u < 1000 ? (int)u : 0;
			else
				r = sd_bus_message_skip(m, "v");
		} else if (r >= 0) {
			r = sd_bus_message_skip(m, "v");
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	if (r < 0) {
		s->gnome_state = 0;
		return 0;
	}
	s->gnome_state = !any || state == 99 ? -1 : state;
	return 0;
}

static void ask_gnome(struct hm_focus_dbus *s)
{
	if (!s->gnome_uuid || !s->bus || s->gnome_asking || s->heard)
		return;
	if (sd_bus_call_method_async(s->bus, NULL, "org.gnome.Shell", "/org/gnome/Shell",
	                             "org.gnome.Shell.Extensions", "GetExtensionInfo",
	                             on_gnome_info, s, "s", s->gnome_uuid) >= 0) {
		s->gnome_asking = true;
		schedule(s);
	}
}

/* GNOME Shell (re)started: ask again */
static int on_gnome_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct hm_focus_dbus *s = userdata;

	s->gnome_state = 0;
	ask_gnome(s);
	return 0;
}

static void watch_gnome(struct hm_focus_dbus *s)
{
	int r = sd_bus_add_match(s->bus, NULL,
	                         "type='signal',sender='org.freedesktop.DBus',"
	                         "member='NameOwnerChanged',arg0='org.gnome.Shell'",
	                         on_gnome_owner, s);

	if (r < 0)
		log_warning_errno(r, "gnome: cannot watch for GNOME Shell restarts: %m, ignoring");
	ask_gnome(s);
}

void hm_focus_dbus_watch_gnome(struct hm_focus_dbus *s, const char *uuid)
{
	free(s->gnome_uuid);
	s->gnome_uuid = strdup(uuid);
	if (s->gnome_uuid && s->bus)
		watch_gnome(s);
}

void hm_focus_dbus_gnome_hint(struct hm_focus_dbus *s, char *buf, size_t size)
{
	const char *u = s->gnome_uuid ? s->gnome_uuid : "";

	switch (s->gnome_state) {
	case 0:
		buf[0] = '\0';
		break;
	case -1:
		snprintf(buf, size,
		         "GNOME Shell has no extension %s: install it (see hidmapd.ini(5)), log in "
		         "again, then gnome-extensions enable %s",
		         u, u);
		break;
	case 1:
		snprintf(buf, size,
		         "the GNOME Shell extension %s is enabled but has not reported; "
		         "gnome-extensions info %s",
		         u, u);
		break;
	case 2:
	case 7:
		snprintf(buf, size,
		         "the GNOME Shell extension %s is not enabled: gnome-extensions "
		         "enable %s",
		         u, u);
		break;
	case 3:
	case 4:
		snprintf(buf, size,
		         "the GNOME Shell extension %s %s: gnome-extensions info %s; "
		         "journalctl --user -b /usr/bin/gnome-shell",
		         u, s->gnome_state == 3 ? "failed" : "is out of date for this GNOME Shell",
		         u);
		break;
	default:
		snprintf(buf, size, "the GNOME Shell extension %s is starting (state %d)", u,
		         s->gnome_state);
		break;
	}
	/* the next status sees a fresher answer (it may have been enabled since) */
	ask_gnome(s);
}

static int start(struct hm_focus_dbus *s)
{
	int r, fd;

	/* the user's session bus only: what a user's own script can reach */
	r = sd_bus_open_user(&s->bus);
	if (r < 0)
		goto fail;
	r = sd_bus_add_object_vtable(s->bus, &s->vtable_slot, HM_FOCUS_DBUS_PATH,
	                             HM_FOCUS_DBUS_INTERFACE, focus_vtable, s);
	if (r < 0)
		goto fail;
	r = sd_bus_request_name(s->bus, HM_FOCUS_DBUS_NAME, 0);
	if (r < 0)
		goto fail;
	fd = sd_bus_get_fd(s->bus);
	if (fd < 0) {
		r = fd;
		goto fail;
	}
	s->source = hm_loop_add_fd(s->loop, fd, EPOLLIN, false, dispatch, s);
	if (!s->source) {
		r = -errno;
		goto fail;
	}
	log_info("dbus: serving %s on the session bus", HM_FOCUS_DBUS_NAME);
	if (s->kwin_script) {
		r = sd_bus_add_match(s->bus, NULL,
		                     "type='signal',sender='org.freedesktop.DBus',"
		                     "member='NameOwnerChanged',arg0='org.kde.KWin'",
		                     on_kwin_owner, s);
		if (r < 0)
			log_warning_errno(r, "kwin: cannot watch for KWin restarts: %m, ignoring");
	}
	load_kwin_script(s);
	if (s->gnome_uuid)
		watch_gnome(s);
	process(s);
	return 0;
fail:
	s->vtable_slot = sd_bus_slot_unref(s->vtable_slot);
	s->bus = sd_bus_flush_close_unref(s->bus);
	return r;
}

static void timer_fired(struct hm_timer *t, void *data)
{
	struct hm_focus_dbus *s = data;
	int r;

	if (s->bus) {
		process(s);
		return;
	}
	r = start(s);
	if (r < 0) {
		s->last_error = r;
		(void)hm_timer_arm(s->timer, RETRY_US);
	}
}

int hm_focus_dbus_new(struct hm_loop *loop, const char *kwin_script, hm_focus_fn fn, void *userdata,
                      struct hm_focus_dbus **ret)
{
	struct hm_focus_dbus *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->fn = fn;
	s->userdata = userdata;
	if (kwin_script && !(s->kwin_script = strdup(kwin_script))) {
		free(s);
		return -ENOMEM;
	}
	s->timer = hm_timer_new(loop, timer_fired, s);
	if (!s->timer) {
		r = -errno;
		free(s->kwin_script);
		free(s);
		return r;
	}
	r = start(s);
	if (r < 0) {
		s->last_error = r;
		log_info("dbus: cannot serve %s on the session bus (%s); trying every second",
		         HM_FOCUS_DBUS_NAME, strerror(-r));
		(void)hm_timer_arm(s->timer, RETRY_US);
	}
	*ret = s;
	return 0;
}

void hm_focus_dbus_free(struct hm_focus_dbus *s)
{
	if (!s)
		return;
	hm_source_remove(s->source);
	sd_bus_slot_unref(s->vtable_slot);
	sd_bus_flush_close_unref(s->bus);
	hm_timer_free(s->timer);
	free(s->kwin_script);
	free(s->gnome_uuid);
	free(s);
}

bool hm_focus_dbus_heard(const struct hm_focus_dbus *s)
{
	return s->heard;
}

void hm_focus_dbus_describe(const struct hm_focus_dbus *s, char *buf, size_t size)
{
	if (!s->bus)
		snprintf(buf, size, "not on the session bus (%s), retrying",
		         strerror(-s->last_error));
	else
		snprintf(buf, size, "serving %s on the session bus%s%s", HM_FOCUS_DBUS_NAME,
		         s->kwin_state[0] ? "; " : "", s->kwin_state);
}
#else
int hm_focus_dbus_new(struct hm_loop *loop, const char *kwin_script, hm_focus_fn fn, void *userdata,
                      struct hm_focus_dbus **ret)
{
	return -EOPNOTSUPP;
}

void hm_focus_dbus_free(struct hm_focus_dbus *s)
{
}

bool hm_focus_dbus_heard(const struct hm_focus_dbus *s)
{
	return false;
}

void hm_focus_dbus_describe(const struct hm_focus_dbus *s, char *buf, size_t size)
{
	snprintf(buf, size, "built without libsystemd");
}

void hm_focus_dbus_watch_gnome(struct hm_focus_dbus *s, const char *uuid)
{
}

void hm_focus_dbus_gnome_hint(struct hm_focus_dbus *s, char *buf, size_t size)
{
	buf[0] = '\0';
}
#endif
