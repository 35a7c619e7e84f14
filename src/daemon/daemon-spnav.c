/* SPDX-License-Identifier: MIT */
/*
 * The spnav server in the daemon: every driven device whose module says it
 * is a six-axis controller (multiaxis.h) is served to libspnav clients on
 * $XDG_RUNTIME_DIR/hidmapd/spnav.sock (spnav-server.h), with the spnav-* settings
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

void daemon_setup_spnav(struct daemon *d)
{
	char path[108];
	int r;

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
	log_info("%s: %s (%04x:%04x) left to spacenavd (pid %d); to drive it, stop spacenavd "
	         "or set spnav-spacenavd = take in its [device] section",
	         info->path, info->name, info->vendor, info->product, pid);
	return true;
}
