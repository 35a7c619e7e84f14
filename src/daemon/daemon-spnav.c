/* SPDX-License-Identifier: MIT */
/*
 * The spnav server in the daemon: every driven device whose module says it
 * is a six-axis controller (multiaxis.h) is served to libspnav clients on
 * $XDG_RUNTIME_DIR/hidmapd/spnav.sock (spnav-server.h; $XDG_RUNTIME_DIR/spnav.sock
 * links to it), with the spnav-* settings
 * of its [device] section (config-spnav.h).  And coexistence with
 * spacenavd: while spacenavd runs, such devices are left to it unless
 * their section says spnav-spacenavd = take.
 */
#include <errno.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "daemon-private.h"
#include "multiaxis.h"
#include "spnav-detect.h"
#include "spnav-server.h"

static bool is_ours_to_yield(const struct driven *dr)
{
	const struct hm_config_device *cfg = dr->cfg;

	if (!dr->dev || !dr->dev->module || !dr->dev->module->name ||
	    strcmp(dr->dev->module->name, "3dconnexion") != 0)
		return false;
	return !(cfg && (cfg->spnav.set & HM_CONFIG_SPNAV_SPACENAVD) &&
	         cfg->spnav.take_from_spacenavd);
}

static void rescan_fired(struct hm_timer *t, void *data)
{
	(void)t;
	daemon_scan(data);
}

/* The spacenavd that has devices is watched to its end, however it ends:
 * a SIGKILLed one leaves its pid file and socket, and inotify sees nothing. */
static void watch_spacenavd(struct daemon *d, int pid)
{
	int r;

	if (!d->spacenavd_watch)
		return;
	r = hm_spacenavd_watch_pid(d->spacenavd_watch, pid);
	if (r < 0)
		log_debug("spnav: cannot watch spacenavd (pid %d) to its end: %s; its files "
		          "going, a reload or a replug take its devices back",
		          pid, strerror(-r));
}

/* spacenavd's pid file or socket appeared or went (inotify on /run), or the
 * process ended: a spacenavd started after hidmapd gets the devices it
 * would have had at hidmapd's start; one that stopped leaves them to
 * hidmapd again. */
static void spacenavd_changed(void *userdata, bool started)
{
	struct daemon *d = userdata;
	struct driven *dr, *next;
	char why[256];
	int pid = hm_spacenavd_pid();

	if (!started || pid <= 0) {
		/* it may still be exiting when its files go: scan now and once
		 * more a second later (daemon_drive() skips what is driven) */
		log_debug("spnav: spacenavd's files went (pid now %d), taking its devices back",
		          pid);
		daemon_scan(d);
		if (d->spacenavd_timer)
			(void)hm_timer_arm(d->spacenavd_timer, 1000000);
		return;
	}
	watch_spacenavd(d, pid);
	snprintf(why, sizeof(why),
	         "left to spacenavd (pid %d), which started after hidmapd; to drive it, stop "
	         "spacenavd or set spnav-spacenavd = take in its [device] section",
	         pid);
	for (dr = d->driven; dr; dr = next) {
		next = dr->next;
		if (is_ours_to_yield(dr))
			daemon_drop(d, dr, why);
	}
}

void daemon_spnav_cleanup(struct daemon *d)
{
	hm_spacenavd_watch_free(d->spacenavd_watch);
	d->spacenavd_watch = NULL;
	hm_timer_free(d->spacenavd_timer);
	d->spacenavd_timer = NULL;
}

static void setup_spacenavd_watch(struct daemon *d)
{
	int r = hm_spacenavd_watch_new(d->loop, HM_SPACENAVD_RUN_DIR, spacenavd_changed, d,
	                               &d->spacenavd_watch);

	if (r < 0) {
		log_warning_errno(r,
		                  "spnav: cannot watch %s for spacenavd: %m; a spacenavd "
		                  "started later will not get the 3D mice hidmapd drives",
		                  HM_SPACENAVD_RUN_DIR);
		return;
	}
	d->spacenavd_timer = hm_timer_new(d->loop, rescan_fired, d);
}

static void clients_changed(void *userdata, unsigned nclients);

/* $XDG_RUNTIME_DIR/spnav.sock, where SPNAV_SOCKET points (spnav-environment.conf),
 * links to the socket: made here, or, in the unit's sandbox (which cannot
 * write $XDG_RUNTIME_DIR), by its ExecStartPre=; never over another's. */
static void spnav_link(struct daemon *d, const char *path)
{
	char link[108];
	int r = hm_spnav_link_path(link, sizeof(link));

	if (r == 0)
		r = hm_spnav_server_link(d->spnav, link);
	if (r == 0)
		log_info("spnav: %s links to it", link);
	else if (r == 1)
		log_debug("spnav: %s links to it already", link);
	else if (r == -EEXIST)
		log_warning("spnav: %s is not hidmapd's (spacenavd's or another program's "
		            "socket?): left alone; libspnav applications reach hidmapd with "
		            "SPNAV_SOCKET=%s",
		            link, path);
	else
		log_warning_errno(r,
		                  "spnav: cannot link %s to the socket: %m; libspnav applications "
		                  "reach hidmapd with SPNAV_SOCKET=%s",
		                  link, path);
}

void daemon_setup_spnav(struct daemon *d)
{
	char path[108];
	int r;

	setup_spacenavd_watch(d);

	r = hm_spnav_socket_path(path, sizeof(path));
	if (r < 0) {
		log_warning_errno(r, "spnav: no socket path ($XDG_RUNTIME_DIR): %m; libspnav "
		                     "clients cannot reach hidmapd");
		return;
	}
	r = hm_spnav_server_new(d->loop, path, &d->spnav);
	if (r == -EADDRINUSE)
		log_warning("spnav: something already serves %s; not serving libspnav clients",
		            path);
	else if (r < 0)
		log_warning_errno(r, "spnav: cannot listen on %s: %m; not serving libspnav clients",
		                  path);
	else
		log_info("spnav: serving libspnav clients on %s (SPNAV_SOCKET)", path);
	if (r >= 0) {
		hm_spnav_server_set_clients_fn(d->spnav, clients_changed, d);
		spnav_link(d, path);
	}
}

static void on_motion(void *userdata, struct hm_device *dev, unsigned changed,
                      const int axes[HM_MULTIAXIS_AXES])
{
	struct driven *dr = userdata;

	if (dr->spnav)
		hm_spnav_device_motion(dr->spnav, changed, axes);
}

static void on_button(void *userdata, struct hm_device *dev, unsigned bnum, bool pressed)
{
	struct driven *dr = userdata;

	if (dr->spnav)
		hm_spnav_device_button(dr->spnav, bnum, pressed);
}

static void set_led(void *userdata, int state)
{
	struct driven *dr = userdata;

	/* as an LED event coming back from the evdev node */
	(void)hm_device_handle_feedback(dr->dev, 0, EV_LED, LED_MISC, state != 0);
}

/* spnav-led = auto: on while a libspnav client is connected (spacenavd's
 * led = auto); the module's configure hook leaves it off */
static void led_auto(struct driven *dr)
{
	if (dr->spnav && dr->cfg && dr->cfg->hardware.spnav_led == 2)
		set_led(dr, hm_spnav_server_nclients(dr->daemon->spnav) > 0);
}

static void clients_changed(void *userdata, unsigned nclients)
{
	struct daemon *d = userdata;

	for (struct driven *dr = d->driven; dr; dr = dr->next)
		led_auto(dr);
}

void daemon_spnav_attach(struct daemon *d, struct driven *dr)
{
	const struct hm_multiaxis_info *mi = hm_device_get_multiaxis(dr->dev);
	struct hm_multiaxis_listener l = {on_motion, on_button, dr};
	struct hm_spnav_device_desc desc = {0};

	if (!d->spnav || !mi || dr->spnav)
		return;
	desc.type = mi->type;
	desc.nbuttons = mi->nbuttons;
	desc.vendor = dr->dev->info.vendor;
	desc.product = dr->dev->info.product;
	desc.name = mi->name;
	desc.path = dr->path;
	desc.axes.min = mi->axis_min;
	desc.axes.max = mi->axis_max;
	desc.axes.swap_inv_yz = mi->swap_inv_yz;
	hm_config_spnav_settings(dr->cfg ? &dr->cfg->spnav : NULL, &desc.settings);
	desc.set_led = set_led;
	desc.userdata = dr;
	dr->spnav = hm_spnav_server_add_device(d->spnav, &desc);
	if (!dr->spnav) {
		log_warning("%s: cannot serve it to spnav clients: out of memory", dr->path);
		return;
	}
	hm_device_set_multiaxis_listener(dr->dev, &l);
	log_debug("%s: served to spnav clients as %s, %u buttons", dr->path, mi->name,
	          mi->nbuttons);
	led_auto(dr);
}

void daemon_spnav_detach(struct driven *dr)
{
	if (!dr->spnav)
		return;
	if (dr->dev)
		hm_device_set_multiaxis_listener(dr->dev, NULL);
	hm_spnav_server_remove_device(dr->daemon->spnav, dr->spnav);
	dr->spnav = NULL;
}

void daemon_spnav_configure(struct driven *dr)
{
	struct hm_spnav_settings s;

	if (!dr->spnav)
		return;
	hm_config_spnav_settings(dr->cfg ? &dr->cfg->spnav : NULL, &s);
	hm_spnav_device_set_settings(dr->spnav, &s);
	led_auto(dr); /* after the module's configure hook (a reload) */
}

bool daemon_spnav_yield(struct daemon *d, const struct hm_device_info *info,
                        const struct hm_module_chain *chain, const struct hm_config_device *cfg)
{
	const struct hm_module *m = hm_module_chain_first(chain);
	int pid;

	/* only the devices spacenavd would take: the 3Dconnexion module's */
	if (!m || !m->name || strcmp(m->name, "3dconnexion") != 0)
		return false;
	if (cfg && (cfg->spnav.set & HM_CONFIG_SPNAV_SPACENAVD) && cfg->spnav.take_from_spacenavd)
		return false;
	pid = hm_spacenavd_pid();
	if (pid <= 0)
		return false;
	watch_spacenavd(d, pid);
	log_info("%s: %s (%04x:%04x) left to spacenavd (pid %d); to drive it, stop spacenavd "
	         "or set spnav-spacenavd = take in its [device] section",
	         info->path, info->name, info->vendor, info->product, pid);
	return true;
}
