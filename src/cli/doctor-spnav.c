/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd doctor` for 3D mice (issue 22): who has the 3Dconnexion
 * devices, spacenavd or hidmapd, how to switch, and whether libspnav
 * applications will find hidmapd's socket (SPNAV_SOCKET).
 */
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "hid-devices.h"
#include "module-select.h"
#include "spnav-detect.h"
#include "spnav-server.h"
#include "util-mem.h"
#include "util-strings.h"

void hm_doctor_spnav(struct hm_doctor *d, const struct hm_config *config)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	size_t n = 0;
	int pid = hm_spacenavd_pid();
	char sock[108], link[108];
	const char *env = getenv("SPNAV_SOCKET");
	bool have_sock = hm_spnav_socket_path(sock, sizeof(sock)) == 0;
	/* SPNAV_SOCKET may name the socket or the link to it */
	bool env_ok =
	    env && have_sock &&
	    (streq(env, sock) || (hm_spnav_link_path(link, sizeof(link)) == 0 && streq(env, link) &&
	                          hm_spnav_link_is_ours(link, sock) == 1));

	if (hm_hid_enumerate_sysfs(&entries, &n) < 0)
		return; /* hm_doctor_devices() said why */
	for (size_t i = 0; i < n; i++) {
		const struct hm_device_info *info = &entries[i].info;
		const struct hm_config_device *cfg;
		struct hm_module_chain chain;
		bool take;

		if (!hm_module_select(config, info, &chain, &cfg) ||
		    !streq(hm_module_chain_first(&chain)->name, "3dconnexion"))
			continue;
		take = cfg && (cfg->spnav.set & HM_CONFIG_SPNAV_SPACENAVD) &&
		       cfg->spnav.take_from_spacenavd;
		if (pid > 0 && !take)
			hm_doctor_line(
			    d, HM_CHECK_WARN, info->path,
			    "to let hidmapd drive it, stop spacenavd (sudo systemctl "
			    "disable --now spacenavd; hidmapd takes it back when spacenavd "
			    "ends), or set "
			    "spnav-spacenavd = take in its [device] section",
			    "%04x:%04x \"%s\": spacenavd (pid %d) has it; hidmapd leaves it "
			    "alone",
			    info->vendor, info->product, info->name, pid);
		else if (pid > 0)
			hm_doctor_line(d, HM_CHECK_WARN, info->path,
			               "stop spacenavd, or drop spnav-spacenavd = take",
			               "%04x:%04x \"%s\": both spacenavd (pid %d) and hidmapd "
			               "(spnav-spacenavd = take) drive it",
			               info->vendor, info->product, info->name, pid);
		else if (!have_sock)
			hm_doctor_line(d, HM_CHECK_WARN, info->path,
			               "run hidmapd in a user session",
			               "%04x:%04x \"%s\": hidmapd drives it, but without "
			               "XDG_RUNTIME_DIR it serves no libspnav clients",
			               info->vendor, info->product, info->name);
		else if (!env_ok)
			hm_doctor_line(
			    d, HM_CHECK_WARN, info->path,
			    "put SPNAV_SOCKET=${XDG_RUNTIME_DIR}/spnav.sock in "
			    "~/.config/environment.d/spnav.conf and log in again (or "
			    "${XDG_RUNTIME_DIR}/hidmapd/spnav.sock where spnav.sock is another "
			    "program's)",
			    "%04x:%04x \"%s\": hidmapd serves it on %s, but SPNAV_SOCKET "
			    "is %s%s%s: libspnav applications look for spacenavd at "
			    "/var/run/spnav.sock",
			    info->vendor, info->product, info->name, sock, env ? "\"" : "unset",
			    env ? env : "", env ? "\"" : "");
		else
			hm_doctor_line(d, HM_CHECK_OK, info->path, NULL,
			               "%04x:%04x \"%s\": served to libspnav applications on %s "
			               "(SPNAV_SOCKET)",
			               info->vendor, info->product, info->name, env);
	}
}
