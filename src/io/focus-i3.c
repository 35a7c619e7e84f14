/* SPDX-License-Identifier: MIT */
/*
 * sway/i3 IPC focus source (focus-i3.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build-config.h"
#include "focus-link.h"
#include "focus-i3.h"
#include "focus-socket.h"
#include "util-log.h"
#include "util-strings.h"

#if HAVE_JSONC
#include <json-c/json.h>

#define MAX_DEPTH 64 /* JSON nesting: sway's trees are a dozen deep */

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

static int dup_opt(char **to, const char *s)
{
	if (!s)
		return 0;
	*to = strndup(s, 4096);
	return *to ? 0 : -ENOMEM;
}

/* A container as the focused window: app_id (Wayland), window_properties
 * (X11 through Xwayland, or i3), name (the title). */
static int fill_window(struct json_object *con, struct hm_focus_i3_parsed *ret)
{
	struct json_object *props;
	int r = 0;

	r |= dup_opt(&ret->app_id, get_string(con, "app_id"));
	if (json_object_object_get_ex(con, "window_properties", &props) &&
	    json_object_is_type(props, json_type_object)) {
		r |= dup_opt(&ret->instance, get_string(props, "instance"));
		r |= dup_opt(&ret->class_, get_string(props, "class"));
	}
	r |= dup_opt(&ret->title, get_string(con, "name"));
	if (r)
		return -ENOMEM;
	ret->w = (struct hm_focus_window){ret->app_id, ret->instance, ret->class_, ret->title};
	ret->relevant = 1;
	return 0;
}

/* The focused node of a tree (depth-first through nodes and
 * floating_nodes), or NULL. */
static struct json_object *find_focused(struct json_object *node, unsigned depth)
{
	static const char *const lists[] = {"nodes", "floating_nodes"};

	if (depth > MAX_DEPTH || !json_object_is_type(node, json_type_object))
		return NULL;
	if (get_bool(node, "focused"))
		return node;
	for (size_t l = 0; l < 2; l++) {
		struct json_object *arr;

		if (!json_object_object_get_ex(node, lists[l], &arr) ||
		    !json_object_is_type(arr, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *f =
			    find_focused(json_object_array_get_idx(arr, i), depth + 1);

			if (f)
				return f;
		}
	}
	return NULL;
}

static bool is_window(struct json_object *con)
{
	const char *type = get_string(con, "type");

	/* a workspace or output focused: no window has the focus */
	return type && (streq(type, "con") || streq(type, "floating_con"));
}

int hm_focus_i3_parse(uint32_t type, const char *payload, size_t len,
                      struct hm_focus_i3_parsed *ret)
{
	struct json_tokener *tok;
	struct json_object *root, *con;
	int r = 0;

	*ret = (struct hm_focus_i3_parsed){0};
	if (len > HM_I3_MAX_PAYLOAD)
		return -EBADMSG;
	tok = json_tokener_new_ex(MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, payload, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		/* an incomplete document or trailing bytes are no message */
		json_object_put(root);
		json_tokener_free(tok);
		return -EBADMSG;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return -EBADMSG;
	}
	if (type == HM_I3_EVENT_WINDOW) {
		const char *change = get_string(root, "change");

		if (!change || !json_object_object_get_ex(root, "container", &con) ||
		    !json_object_is_type(con, json_type_object))
			r = -EBADMSG;
		/* a title changes for windows in the background too */
		else if (streq(change, "focus") ||
		         (streq(change, "title") && get_bool(con, "focused")))
			r = fill_window(con, ret);
	} else if (type == HM_I3_EVENT_WORKSPACE) {
		const char *change = get_string(root, "change");

		/* to an empty workspace, no window event says the focus went */
		if (!change || !json_object_object_get_ex(root, "current", &con) ||
		    !json_object_is_type(con, json_type_object))
			r = change ? 0 : -EBADMSG;
		else if (streq(change, "focus")) {
			struct json_object *f = find_focused(con, 0);

			if (f && is_window(f))
				r = fill_window(f, ret);
			else if (f)
				ret->relevant = 1;
		}
	} else if (type == HM_I3_GET_TREE) {
		con = find_focused(root, 0);
		if (con && is_window(con))
			r = fill_window(con, ret);
		else
			ret->relevant = 1; /* nothing focused, or an empty workspace */
	}
	json_object_put(root);
	if (r < 0)
		hm_focus_i3_parsed_done(ret);
	return r;
}
#else
int hm_focus_i3_parse(uint32_t type, const char *payload, size_t len,
                      struct hm_focus_i3_parsed *ret)
{
	*ret = (struct hm_focus_i3_parsed){0};
	return -EOPNOTSUPP;
}
#endif

void hm_focus_i3_parsed_done(struct hm_focus_i3_parsed *p)
{
	free(p->app_id);
	free(p->instance);
	free(p->class_);
	free(p->title);
	*p = (struct hm_focus_i3_parsed){0};
}

/* ---- the connection ------------------------------------------------------ */

struct hm_focus_i3 {
	struct hm_loop *loop;
	char name[8];
	char path[108];    /* as given */
	char current[108]; /* connected to, "" */
	struct hm_source *source;
	uint8_t *buf;
	size_t len, cap;
	struct hm_focus_link link;
};

/* A restarted sway listens on a new path: the newest live
 * sway-ipc.UID.*.sock in $XDG_RUNTIME_DIR. */
static int find_sway_socket(char *buf, size_t size, int *ret_fd)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	char prefix[48], best[108] = "";
	struct timespec best_t = {0};
	struct dirent *de;
	DIR *d;

	if (!dir || dir[0] != '/')
		return -ENOENT;
	d = opendir(dir);
	if (!d)
		return -errno;
	snprintf(prefix, sizeof(prefix), "sway-ipc.%u.", (unsigned)getuid());
	while ((de = readdir(d))) {
		char path[108];
		struct stat st;
		size_t l = strlen(de->d_name);

		if (!startswith(de->d_name, prefix) || l < 5 || !streq(de->d_name + l - 5, ".sock"))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_uid != getuid())
			continue;
		if (st.st_mtim.tv_sec > best_t.tv_sec ||
		    (st.st_mtim.tv_sec == best_t.tv_sec && st.st_mtim.tv_nsec > best_t.tv_nsec) ||
		    !best[0]) {
			best_t = st.st_mtim;
			memcpy(best, path, sizeof(best));
		}
	}
	closedir(d);
	if (!best[0])
		return -ENOENT;
	snprintf(buf, size, "%s", best);
	return hm_focus_connect_unix(best, ret_fd);
}

static int send_msg(int fd, uint32_t type, const char *payload)
{
	uint8_t msg[HM_I3_HEADER_SIZE + 64];
	uint32_t len = (uint32_t)strlen(payload);

	if (len > sizeof(msg) - HM_I3_HEADER_SIZE)
		return -EINVAL;
	memcpy(msg, HM_I3_MAGIC, 6);
	memcpy(msg + 6, &len, 4); /* native byte order, as the protocol says */
	memcpy(msg + 10, &type, 4);
	memcpy(msg + HM_I3_HEADER_SIZE, payload, len);
	/* a fresh local socket takes a few dozen bytes at once */
	if (send(fd, msg, HM_I3_HEADER_SIZE + len, MSG_NOSIGNAL) !=
	    (ssize_t)(HM_I3_HEADER_SIZE + len))
		return errno ? -errno : -EIO;
	return 0;
}

static void report(struct hm_focus_i3 *s, const struct hm_focus_window *w)
{
	hm_focus_link_report(&s->link, w);
}

static void disconnect(struct hm_focus_i3 *s, int why)
{
	hm_source_remove(s->source); /* closes the fd */
	s->source = NULL;
	s->current[0] = '\0';
	s->len = 0;
	hm_focus_link_broken(&s->link, why);
}

/* Handles every whole message in the buffer; false: the peer broke the protocol. */
static bool process(struct hm_focus_i3 *s)
{
	size_t off = 0;

	while (s->len - off >= HM_I3_HEADER_SIZE) {
		const uint8_t *h = s->buf + off;
		uint32_t len, type;
		struct hm_focus_i3_parsed p;
		int r;

		if (memcmp(h, HM_I3_MAGIC, 6) != 0)
			return false;
		memcpy(&len, h + 6, 4);
		memcpy(&type, h + 10, 4);
		if (len > HM_I3_MAX_PAYLOAD)
			return false;
		if (s->len - off - HM_I3_HEADER_SIZE < len)
			break;
		r = hm_focus_i3_parse(type, (const char *)h + HM_I3_HEADER_SIZE, len, &p);
		if (r == -ENOMEM)
			log_warning("%s: out of memory, focus event lost", s->name);
		else if (r < 0 && type != HM_I3_SUBSCRIBE)
			log_debug("%s: message type %#x not understood, ignoring", s->name, type);
		else if (r == 0 && p.relevant)
			report(s, p.app_id || p.instance || p.class_ || p.title ? &p.w : NULL);
		if (r == 0)
			hm_focus_i3_parsed_done(&p);
		off += HM_I3_HEADER_SIZE + len;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	return true;
}

static void dispatch(struct hm_source *src, uint32_t events, void *data)
{
	struct hm_focus_i3 *s = data;

	for (;;) {
		ssize_t n;

		if (s->cap - s->len < 4096) {
			size_t cap = s->cap ? s->cap * 2 : 65536;
			uint8_t *b;

			if (cap > HM_I3_MAX_PAYLOAD + HM_I3_HEADER_SIZE + 65536) {
				disconnect(s, -EMSGSIZE);
				return;
			}
			b = realloc(s->buf, cap);
			if (!b) {
				disconnect(s, -ENOMEM);
				return;
			}
			s->buf = b;
			s->cap = cap;
		}
		n = recv(hm_source_get_fd(s->source), s->buf + s->len, s->cap - s->len,
		         MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			log_info("%s: the compositor closed its IPC socket; trying again", s->name);
			disconnect(s, n < 0 ? -errno : -ECONNRESET);
			return;
		}
		s->len += (size_t)n;
		if (!process(s)) {
			log_warning("%s: the IPC socket sent something else than i3-ipc; "
			            "trying again",
			            s->name);
			disconnect(s, -EBADMSG);
			return;
		}
	}
}

static int start(struct hm_focus_i3 *s)
{
	int fd = -1, r;

	r = s->path[0] ? hm_focus_connect_unix(s->path, &fd) : -ENOENT;
	if (r == 0)
		snprintf(s->current, sizeof(s->current), "%s", s->path);
	else if (streq(s->name, "sway"))
		r = find_sway_socket(s->current, sizeof(s->current), &fd);
	if (r < 0) {
		s->current[0] = '\0';
		return r;
	}
	/* the subscription first: a focus change between the two is then
	 * seen as an event after the tree's answer */
	r = send_msg(fd, HM_I3_SUBSCRIBE, "[\"window\", \"workspace\"]");
	if (r == 0)
		r = send_msg(fd, HM_I3_GET_TREE, "");
	if (r == 0) {
		s->source = hm_loop_add_fd(s->loop, fd, EPOLLIN, true, dispatch, s);
		if (!s->source)
			r = -errno;
	}
	if (r < 0) {
		if (!s->source)
			close(fd);
		s->current[0] = '\0';
		return r;
	}
	log_info("%s: following the focus on %s", s->name, s->current);
	return 0;
}

static int start_link(void *source)
{
	return start(source);
}

int hm_focus_i3_new(struct hm_loop *loop, const char *name, const char *path, hm_focus_fn fn,
                    void *userdata, struct hm_focus_i3 **ret)
{
	struct hm_focus_i3 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->path, sizeof(s->path), "%s", path ? path : "");
	r = hm_focus_link_init(&s->link, loop, s->name, start_link, s, fn, userdata);
	if (r < 0) {
		free(s);
		return r;
	}
	r = hm_focus_link_start(&s->link);
	if (r < 0)
		log_info("%s: cannot connect to %s (%s); trying every second", name,
		         s->path[0] ? s->path : "its IPC socket", strerror(-r));
	*ret = s;
	return 0;
}

void hm_focus_i3_free(struct hm_focus_i3 *s)
{
	if (!s)
		return;
	hm_source_remove(s->source);
	hm_focus_link_free(&s->link);
	free(s->buf);
	free(s);
}

void hm_focus_i3_describe(const struct hm_focus_i3 *s, char *buf, size_t size)
{
	if (s->source)
		snprintf(buf, size, "connected to %s", s->current);
	else
		snprintf(buf, size, "not connected to %s (%s), retrying",
		         s->path[0] ? s->path : "its IPC socket", strerror(-s->link.last_error));
}
