/* SPDX-License-Identifier: MIT */
/*
 * Telling systemd how the daemon is (sd_notify: READY, RELOADING, STATUS)
 * and pinging its watchdog from a loop timer.
 */
#include <stdarg.h>
#include <stdio.h>

#include "build-config.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "daemon-private.h"
#include "util-strings.h"

void daemon_notify(const char *fmt, ...)
{
#if HAVE_LIBSYSTEMD
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)sd_notify(0, buf);
#else
	(void)fmt;
#endif
}

void daemon_notify_status(struct daemon *d)
{
	unsigned n = 0;

	if (d->session_released) {
		daemon_notify("STATUS=session inactive: devices released");
		return;
	}
	for (struct driven *dr = d->driven; dr; dr = dr->next)
		n += dr->reader != NULL;
	daemon_notify("STATUS=driving %u device%s", n, n == 1 ? "" : "s");
}

/* ---- the systemd watchdog -------------------------------------------------- */

#if HAVE_LIBSYSTEMD
/* Pinged from a loop timer only, so a loop that hangs stops the pings and
 * systemd restarts the daemon. */
static void watchdog_fired(struct hm_timer *t, void *data)
{
	struct daemon *d = data;

	daemon_notify("WATCHDOG=1");
	(void)hm_timer_arm(t, d->watchdog_usec / 2);
}
#endif

void daemon_setup_watchdog(struct daemon *d)
{
#if HAVE_LIBSYSTEMD
	uint64_t usec = 0;
	int r = sd_watchdog_enabled(0, &usec);

	if (r < 0)
		log_warning_errno(r, "cannot read the watchdog settings: %m, ignoring");
	if (r <= 0 || usec < 2)
		return;
	d->watchdog_usec = usec;
	d->watchdog_timer = hm_timer_new(d->loop, watchdog_fired, d);
	if (!d->watchdog_timer || hm_timer_arm(d->watchdog_timer, usec / 2) < 0) {
		log_warning_errno(errno, "cannot set up the watchdog timer: %m, ignoring");
		return;
	}
	log_debug("watchdog: pinging every %llu us", (unsigned long long)(usec / 2));
#endif
}
