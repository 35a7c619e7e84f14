/* SPDX-License-Identifier: MIT */
/*
 * hidmapd doctor: per-application profiles.  When the configuration has
 * focus = rules, the running daemon is asked (its status) which focus
 * source it follows; none, a source not connected, or a desktop script
 * that has not reported yet is a warning with what to do.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "doctor.h"
#include "util-strings.h"

void hm_doctor_focus(struct hm_doctor *d, const struct hm_config *config)
{
	char line[1024], source[1024] = "", waiting[1024] = "", why[256];
	struct timeval tv = {.tv_sec = 5};
	size_t rules = 0;
	FILE *f;
	int fd;

	for (size_t i = 0; i < config->ndevices; i++)
		rules += config->devices[i].nfocus;
	if (!rules)
		return;
	if (hm_control_connect(&fd, why, sizeof(why)) < 0) {
		hm_doctor_line(d, HM_CHECK_WARN, "focus", "start hidmapd, then run doctor again",
		               "%zu focus rule(s), but the daemon cannot be asked which source it "
		               "follows (%s)",
		               rules, why);
		return;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	f = send(fd, "status\n", 7, MSG_NOSIGNAL) == 7 ? fdopen(fd, "r") : NULL;
	if (!f) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f) && !streq(line, "ok\n")) {
		const char *v;

		line[strcspn(line, "\n")] = '\0';
		if ((v = startswith(line, "focus source ")))
			snprintf(source, sizeof(source), "%s", v);
		else if ((v = startswith(line, "focus waiting for the first report: ")))
			snprintf(waiting, sizeof(waiting), "%s", v);
	}
	fclose(f);
	if (!source[0])
		hm_doctor_line(d, HM_CHECK_WARN, "focus", "update hidmapd and restart it",
		               "the running daemon does not follow the focus (an older hidmapd?)");
	else if (startswith(source, "none"))
		hm_doctor_line(
		    d, HM_CHECK_WARN, "focus",
		    "import the session's environment into the service "
		    "(systemctl --user import-environment), then hidmapd reload; or call "
		    "hidmapd focus APP_ID [TITLE] from a hook",
		    "%zu focus rule(s), no focus source: %s", rules, source);
	else if (waiting[0])
		hm_doctor_line(d, HM_CHECK_WARN, "focus", waiting, "%s, no report yet", source);
	else if (strstr(source, "not connected") || strstr(source, "not on the session bus"))
		hm_doctor_line(
		    d, HM_CHECK_WARN, "focus",
		    "is the compositor running in this session? hidmapd retries by itself", "%s",
		    source);
	else
		hm_doctor_line(d, HM_CHECK_OK, "focus", NULL, "%s", source);
}
