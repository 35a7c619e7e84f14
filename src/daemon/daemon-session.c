/* SPDX-License-Identifier: MIT */
/*
 * Fast user switching (session-watch.h): the devices are let go while
 * another user has the seat and taken again when the session is active.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon-private.h"
#include "util-strings.h"

/* ---- fast user switching (src/io/session-watch.h) ------------------------------ */

/*
 * Another user has the seat: logind took our access to the nodes away but
 * not the files we have open.  Let go of every device, as at an unplug
 * without grace: held keys released on the outputs, the kernel's nodes
 * ungrabbed, the hidraw readers closed, the virtual devices destroyed, the
 * monitor taps gone with them.  Nothing is driven again until the session
 * is active (daemon_scan() and hotplug check session_released).
 */
static void session_release(struct daemon *d)
{
	unsigned n = 0;

	d->session_released = true;
	daemon_cancel_opening(d, NULL);
	while (d->driven) {
		daemon_drop(d, d->driven, "session inactive, letting go");
		n++;
	}
	log_info("session inactive: released %u device%s until it is active again", n,
	         n == 1 ? "" : "s");
	daemon_notify_status(d);
}

static void session_resume(struct daemon *d)
{
	d->session_released = false;
	log_info("session active: taking the devices again");
	daemon_scan(d);
	daemon_notify_status(d);
}

static void session_changed(enum hm_session_state state, void *userdata)
{
	struct daemon *d = userdata;

	if (hm_session_state_drives(state))
		session_resume(d);
	else
		session_release(d);
}

void daemon_setup_session_watch(struct daemon *d)
{
	struct hm_session_source *src;
	char text[128];
	int r;

	r = hm_session_source_sd_login_new(getuid(), &src);
	if (r == -EOPNOTSUPP)
		d->session_why = "built without libsystemd";
	else if (r == -ENOENT)
		d->session_why = "no systemd-logind";
	else if (r < 0)
		d->session_why = "cannot watch systemd-logind";
	else if ((r = hm_session_watch_new(d->loop, src, session_changed, d, &d->session)) < 0)
		d->session_why = "cannot watch systemd-logind";
	if (!d->session) {
		log_info_errno(r,
		               "not following the login session (%s: %m): devices are "
		               "driven whoever has the seat",
		               d->session_why);
		return;
	}
	hm_session_watch_describe(d->session, text, sizeof(text));
	log_info("login session: %s", text);
	d->session_released = !hm_session_state_drives(hm_session_watch_state(d->session));
	if (d->session_released)
		log_info("session inactive: not driving devices until it is active");
}

/* The text after "session " in `hidmapd status`. */
void daemon_session_describe(struct daemon *d, char *buf, size_t size)
{
	size_t len;

	if (!d->session) {
		snprintf(buf, size, "not-followed (%s)", d->session_why);
		return;
	}
	hm_session_watch_describe(d->session, buf, size);
	len = strlen(buf);
	if (d->session_released && len < size)
		snprintf(buf + len, size - len, ": devices released");
}
