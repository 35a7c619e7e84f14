/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd doctor` on this system: the checks of doctor.c against the real
 * /dev, /proc and /sys, the user unit through systemctl, and the control
 * socket through the client of cmd-control.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "doctor.h"
#include "util-strings.h"

#define CONTROL_TIMEOUT_S 3

/* Whether a user service manager listens (what systemctl --user connects to). */
static bool have_user_manager(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[PATH_MAX];

	if (!rt || rt[0] != '/')
		return false;
	snprintf(path, sizeof(path), "%s/systemd/private", rt);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "%s/bus", rt);
	return access(path, F_OK) == 0;
}

/* The first word systemctl --user VERB hidmapd.service prints ("" for none). */
static void systemctl_word(const char *verb, char *buf, size_t size)
{
	int pipefd[2];
	ssize_t n;
	size_t have = 0;
	pid_t pid;

	buf[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		dup2(pipefd[1], STDOUT_FILENO);
		execlp("systemctl", "systemctl", "--user", "--no-pager", verb, "hidmapd.service",
		       (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while (have + 1 < size && ((n = read(pipefd[0], buf + have, size - 1 - have)) > 0 ||
	                           (n < 0 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	close(pipefd[0]);
	buf[have] = '\0';
	buf[strcspn(buf, " \t\n")] = '\0';
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Where the user's no-userns.conf drop-in goes ("" without a home). */
static void dropin_path(char *buf, size_t size)
{
	const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (config && config[0] == '/')
		snprintf(buf, size, "%s/systemd/user/hidmapd.service.d/no-userns.conf", config);
	else if (home && home[0] == '/')
		snprintf(buf, size, "%s/.config/systemd/user/hidmapd.service.d/no-userns.conf",
		         home);
	else
		buf[0] = '\0';
}

int hm_cmd_doctor(char *const *files, size_t nfiles)
{
	struct hm_doctor d = {
	    .out = stdout, .dev_root = "", .proc_root = "/proc", .self = getpid()};
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	char enabled[64] = "", active[64] = "", first[256] = "", why[256] = "";
	char dropin[PATH_MAX];
	bool manager;
	int r;

	if (geteuid() == 0)
		hm_doctor_line(&d, HM_CHECK_WARN, "user", "run hidmapd doctor as your own user",
		               "running as root: every open succeeds, so the permission checks say "
		               "nothing about the user who runs hidmapd");

	hm_doctor_uinput(&d);

	hm_doctor_layouts(&d);
	hm_doctor_config(&d, (const char *const *)files, nfiles, &config);
	if (!config) {
		fprintf(stderr, "hidmapd: out of memory\n");
		return 1;
	}
	hm_doctor_devices(&d, config);
	hm_doctor_spnav(&d, config);

	manager = have_user_manager();
	if (manager) {
		systemctl_word("is-enabled", enabled, sizeof(enabled));
		systemctl_word("is-active", active, sizeof(active));
	}
	hm_doctor_unit_result(&d, manager, enabled, active);
	dropin_path(dropin, sizeof(dropin));
	hm_doctor_userns(&d, dropin[0] ? dropin : NULL);

	r = hm_control_probe(CONTROL_TIMEOUT_S, first, sizeof(first), why, sizeof(why));
	hm_doctor_control_result(&d, r, first, why, streq(active, "active"));
	hm_doctor_focus(&d, config);

	printf("%u OK, %u WARN, %u FAIL\n", d.counts[HM_CHECK_OK], d.counts[HM_CHECK_WARN],
	       d.counts[HM_CHECK_FAIL]);
	return hm_doctor_exit_status(&d);
}
