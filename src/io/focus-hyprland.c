/* SPDX-License-Identifier: MIT */
/*
 * Hyprland event-socket focus source (focus-hyprland.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build-config.h"
#include "focus-link.h"
#include "focus-hyprland.h"
#include "focus-socket.h"
#include "util-log.h"
#include "util-strings.h"

int hm_focus_hyprland_line(char *line, size_t len, struct hm_focus_window *ret_w)
{
	char *sep, *data, *comma;

	if (memchr(line, '\0', len))
		return -EBADMSG;
	line[len] = '\0';
	sep = strstr(line, ">>");
	if (!sep || sep == line)
		return -EBADMSG;
	*sep = '\0';
	data = sep + 2;
	if (!streq(line, "activewindow"))
		return 0;
	comma = strchr(data, ',');
	if (!comma)
		return -EBADMSG;
	*comma = '\0';
	*ret_w = (struct hm_focus_window){.app_id = data, .title = comma + 1};
	return 1;
}

#if HAVE_JSONC
#include <json-c/json.h>

int hm_focus_hyprland_reply(const char *json, size_t len, char **ret_class, char **ret_title)
{
	struct json_tokener *tok = json_tokener_new_ex(16);
	struct json_object *root, *cls, *title;
	int r = -EBADMSG;

	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (root && json_tokener_get_error(tok) == json_tokener_success &&
	    json_object_is_type(root, json_type_object)) {
		if (!json_object_object_get_ex(root, "class", &cls)) {
			r = 0; /* {}: no window */
		} else if (json_object_is_type(cls, json_type_string) &&
		           json_object_object_get_ex(root, "title", &title) &&
		           json_object_is_type(title, json_type_string)) {
			*ret_class = strndup(json_object_get_string(cls), 4096);
			*ret_title = strndup(json_object_get_string(title), 4096);
			r = *ret_class && *ret_title ? 1 : -ENOMEM;
			if (r < 0) {
				free(*ret_class);
				free(*ret_title);
			}
		}
	}
	json_object_put(root);
	json_tokener_free(tok);
	return r;
}
#else
int hm_focus_hyprland_reply(const char *json, size_t len, char **ret_class, char **ret_title)
{
	return -EOPNOTSUPP;
}
#endif

#define MAX_REPLY 65536

struct hm_focus_hyprland {
	struct hm_loop *loop;
	char sig[128];
	char path[108]; /* connected to, "" */
	struct hm_source *source;
	char line[HM_HYPR_MAX_LINE + 1];
	size_t len;
	bool skipping;           /* the rest of a line too long */
	bool heard;              /* an activewindow event since connecting */
	struct hm_source *query; /* j/activewindow on the request socket */
	char *reply;
	size_t reply_len;
	struct hm_focus_link link;
};

static int connect_sig(struct hm_focus_hyprland *s, const char *sig, int *fd)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	int r = -ENOENT;

	if (!sig[0] || strchr(sig, '/'))
		return -EINVAL;
	if (rt && rt[0] == '/') {
		snprintf(s->path, sizeof(s->path), "%s/hypr/%s/.socket2.sock", rt, sig);
		r = hm_focus_connect_unix(s->path, fd);
	}
	if (r < 0) {
		snprintf(s->path, sizeof(s->path), "/tmp/hypr/%s/.socket2.sock", sig);
		r = hm_focus_connect_unix(s->path, fd);
	}
	if (r < 0)
		s->path[0] = '\0';
	return r;
}

/* A restarted Hyprland has a new signature: any live one under hypr/. */
static int connect_any(struct hm_focus_hyprland *s, int *fd)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char dir[96];
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	if (!rt || rt[0] != '/' || snprintf(dir, sizeof(dir), "%s/hypr", rt) >= (int)sizeof(dir))
		return -ENOENT;
	d = opendir(dir);
	if (!d)
		return -errno;
	while (r < 0 && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = connect_sig(s, de->d_name, fd);
	closedir(d);
	return r;
}

static void report(struct hm_focus_hyprland *s, const struct hm_focus_window *w)
{
	hm_focus_link_report(&s->link, w);
}

static void query_done(struct hm_focus_hyprland *s)
{
	hm_source_remove(s->query);
	s->query = NULL;
	free(s->reply);
	s->reply = NULL;
	s->reply_len = 0;
}

static void query_dispatch(struct hm_source *src, uint32_t events, void *data)
{
	struct hm_focus_hyprland *s = data;

	for (;;) {
		ssize_t n;

		if (!s->reply && !(s->reply = malloc(MAX_REPLY + 1))) {
			query_done(s);
			return;
		}
		n = recv(hm_source_get_fd(src), s->reply + s->reply_len, MAX_REPLY - s->reply_len,
		         MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n > 0 && s->reply_len + (size_t)n < MAX_REPLY) {
			s->reply_len += (size_t)n;
			continue;
		}
		break; /* the answer is whole (EOF), or too long, or an error */
	}
	if (!s->heard) {
		char *cls = NULL, *title = NULL;
		int r = hm_focus_hyprland_reply(s->reply, s->reply_len, &cls, &title);

		if (r > 0)
			report(s, &(struct hm_focus_window){.app_id = cls, .title = title});
		else if (r == 0)
			report(s, NULL);
		else
			log_debug("hyprland: j/activewindow not understood, ignoring");
		free(cls);
		free(title);
	}
	query_done(s);
}

/* The focus now, from the request socket beside the event socket. */
static void query_active(struct hm_focus_hyprland *s)
{
	char path[sizeof(s->path)];
	char *slash;
	int fd;

	snprintf(path, sizeof(path), "%s", s->path);
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) + sizeof("/.socket.sock") > sizeof(path))
		return;
	strcpy(slash, "/.socket.sock");
	if (hm_focus_connect_unix(path, &fd) < 0)
		return;
	if (send(fd, "j/activewindow", 14, MSG_NOSIGNAL) != 14) {
		close(fd);
		return;
	}
	s->query = hm_loop_add_fd(s->loop, fd, EPOLLIN, true, query_dispatch, s);
	if (!s->query)
		close(fd);
}

static void disconnect(struct hm_focus_hyprland *s, int why)
{
	query_done(s);
	hm_source_remove(s->source);
	s->source = NULL;
	s->path[0] = '\0';
	s->len = 0;
	s->skipping = false;
	hm_focus_link_broken(&s->link, why);
}

static void one_line(struct hm_focus_hyprland *s)
{
	struct hm_focus_window w;
	int r = hm_focus_hyprland_line(s->line, s->len, &w);

	if (r < 0)
		log_debug("hyprland: an event line not understood, ignoring");
	else if (r > 0) {
		s->heard = true;
		report(s, w.app_id[0] || w.title[0] ? &w : NULL);
	}
}

static void dispatch(struct hm_source *src, uint32_t events, void *data)
{
	struct hm_focus_hyprland *s = data;
	char buf[4096];

	for (;;) {
		ssize_t n = recv(hm_source_get_fd(s->source), buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			log_info("hyprland: the event socket closed; trying again");
			disconnect(s, n < 0 ? -errno : -ECONNRESET);
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (!s->skipping)
					one_line(s);
				s->len = 0;
				s->skipping = false;
			} else if (s->skipping) {
				continue;
			} else if (s->len == HM_HYPR_MAX_LINE) {
				s->skipping = true; /* a line this long is dropped whole */
			} else {
				s->line[s->len++] = buf[i];
			}
		}
	}
}

static int start(struct hm_focus_hyprland *s)
{
	int fd = -1, r = connect_sig(s, s->sig, &fd);

	if (r < 0)
		r = connect_any(s, &fd);
	if (r < 0)
		return r;
	s->source = hm_loop_add_fd(s->loop, fd, EPOLLIN, true, dispatch, s);
	if (!s->source) {
		r = -errno;
		close(fd);
		s->path[0] = '\0';
		return r;
	}
	log_info("hyprland: following the focus on %s", s->path);
	s->heard = false;
	query_active(s);
	return 0;
}

static int start_link(void *source)
{
	return start(source);
}

int hm_focus_hyprland_new(struct hm_loop *loop, const char *sig, hm_focus_fn fn, void *userdata,
                          struct hm_focus_hyprland **ret)
{
	struct hm_focus_hyprland *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	snprintf(s->sig, sizeof(s->sig), "%s", sig ? sig : "");
	r = hm_focus_link_init(&s->link, loop, "hyprland", start_link, s, fn, userdata);
	if (r < 0) {
		free(s);
		return r;
	}
	r = hm_focus_link_start(&s->link);
	if (r < 0)
		log_info("hyprland: cannot connect to its event socket (%s); trying every second",
		         strerror(-r));
	*ret = s;
	return 0;
}

void hm_focus_hyprland_free(struct hm_focus_hyprland *s)
{
	if (!s)
		return;
	query_done(s);
	hm_source_remove(s->source);
	hm_focus_link_free(&s->link);
	free(s);
}

void hm_focus_hyprland_describe(const struct hm_focus_hyprland *s, char *buf, size_t size)
{
	if (s->source)
		snprintf(buf, size, "connected to %s", s->path);
	else
		snprintf(buf, size, "not connected to hypr/%s/.socket2.sock (%s), retrying", s->sig,
		         strerror(-s->link.last_error));
}
