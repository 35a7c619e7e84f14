/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd status|reload|monitor`: the client side of the control socket
 * (protocol in control.h).  Prints the daemon's reply lines; "ok" ends a
 * reply, "error: ..." goes to stderr with exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "util-strings.h"

#define REPLY_TIMEOUT_S 30

static int connect_daemon(int *ret_fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	int r = hm_control_socket_path(sa.sun_path, sizeof(sa.sun_path));

	if (r == -ENOENT) {
		fprintf(stderr, "hidmapd is not running (XDG_RUNTIME_DIR is not set, so there is "
		                "no control socket)\n");
		return -1;
	}
	if (r < 0) {
		fprintf(stderr, "hidmapd: the control socket path is too long: %s\n", strerror(-r));
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "hidmapd: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "hidmapd is not running (no socket at %s)\n", sa.sun_path);
		else
			fprintf(stderr, "hidmapd: cannot connect to %s: %s\n", sa.sun_path,
			        strerror(errno));
		return -1;
	}
	*ret_fd = steal_fd(&fd);
	return 0;
}

int hm_cmd_control(const char *request)
{
	bool monitor = streq(request, "monitor");
	char line[2048];
	bool whole = true; /* line starts at the beginning of a reply line */
	FILE *f;
	int fd;

	if (connect_daemon(&fd) < 0)
		return 1;
	if (!monitor) {
		/* a daemon stuck for this long will not answer */
		struct timeval tv = {.tv_sec = REPLY_TIMEOUT_S};

		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	} else {
		setvbuf(stdout, NULL, _IOLBF, 0); /* events as they come, even into a pipe */
	}
	snprintf(line, sizeof(line), "%s\n", request);
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "hidmapd: cannot send the request: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		fprintf(stderr, "hidmapd: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		bool complete = len && line[len - 1] == '\n';
		const char *msg;

		if (whole && complete) {
			line[len - 1] = '\0';
			if (streq(line, "ok")) {
				if (!monitor) {
					fclose(f);
					return 0;
				}
				whole = true;
				continue; /* the events follow */
			}
			if ((msg = startswith(line, "error: "))) {
				fprintf(stderr, "hidmapd: %s\n", msg);
				fclose(f);
				return 1;
			}
			line[len - 1] = '\n';
		}
		fputs(line, stdout);
		whole = complete;
	}
	if (ferror(f) && (errno == EAGAIN || errno == EWOULDBLOCK))
		fprintf(stderr, "hidmapd: no answer from the daemon within %d s\n",
		        REPLY_TIMEOUT_S);
	else if (!monitor)
		fprintf(stderr, "hidmapd: the daemon hung up before answering\n");
	else
		fprintf(stderr, "hidmapd: the daemon went away\n");
	fclose(f);
	return 1;
}
