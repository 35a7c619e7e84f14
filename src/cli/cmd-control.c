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

int hm_control_connect(int *ret_fd, char *why, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	int r = hm_control_socket_path(sa.sun_path, sizeof(sa.sun_path));

	if (r == -ENOENT) {
		snprintf(why, size,
		         "hidmapd is not running (XDG_RUNTIME_DIR is not set, so there "
		         "is no control socket)");
		return r;
	}
	if (r < 0) {
		snprintf(why, size, "hidmapd: the control socket path is too long: %s",
		         strerror(-r));
		return r;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(why, size, "hidmapd: socket: %s", strerror(-r));
		return r;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ECONNREFUSED)
			snprintf(why, size, "hidmapd is not running (no socket at %s)",
			         sa.sun_path);
		else
			snprintf(why, size, "hidmapd: cannot connect to %s: %s", sa.sun_path,
			         strerror(-r));
		return r;
	}
	*ret_fd = steal_fd(&fd);
	return 0;
}

static int connect_daemon(int *ret_fd)
{
	char why[256];

	if (hm_control_connect(ret_fd, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s\n", why);
		return -1;
	}
	return 0;
}

int hm_control_probe(int timeout_s, char *first, size_t size, char *why, size_t whysize)
{
	struct timeval tv = {.tv_sec = timeout_s};
	char line[512];
	bool have_first = false;
	FILE *f;
	int fd, r;

	r = hm_control_connect(&fd, why, whysize);
	if (r < 0)
		return r;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, "status\n", 7, MSG_NOSIGNAL) < 0) {
		r = -errno;
		snprintf(why, whysize, "hidmapd: cannot send the request: %s", strerror(-r));
		close(fd);
		return r;
	}
	f = fdopen(fd, "r");
	if (!f) {
		r = -errno;
		close(fd);
		snprintf(why, whysize, "hidmapd: %s", strerror(-r));
		return r;
	}
	r = -EPROTO;
	snprintf(why, whysize, "the daemon hung up before answering");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (streq(line, "ok")) {
			r = 0;
			break;
		}
		if (startswith(line, "error: ")) {
			snprintf(why, whysize, "the daemon answered %s", line);
			break;
		}
		if (!have_first) {
			snprintf(first, size, "%s", line);
			have_first = true;
		}
	}
	if (r < 0 && ferror(f) && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		r = -ETIMEDOUT;
		snprintf(why, whysize, "no answer from the daemon within %d s", timeout_s);
	}
	fclose(f);
	if (r == 0 && !have_first)
		snprintf(first, size, "(empty status)");
	return r;
}

int hm_cmd_control(const char *request)
{
	bool monitor = streq(request, "monitor");
	char line[2048], escaped[STR_ESCAPED_SIZE(sizeof(line))];
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
		/* the daemon escapes the devices' names; a line is printed
		 * with its control characters escaped all the same (escaping
		 * twice changes nothing), but for its end */
		if (complete)
			line[len - 1] = '\0';
		fputs(str_escape_control(line, escaped, sizeof(escaped)), stdout);
		if (complete)
			putchar('\n');
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
