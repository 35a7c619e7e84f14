/* SPDX-License-Identifier: MIT */
/*
 * X11 focus source (focus-x11.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "build-config.h"
#include "focus-link.h"
#include "focus-x11.h"
#include "util-log.h"

#if HAVE_XCB
#include <xcb/xcb.h>
#include <xcb/xcbext.h> /* xcb_poll_for_reply() */

#define MAX_LONGS 256 /* of a property read: 1 KiB of title or class */

enum { A_ACTIVE, A_NET_WM_NAME, A_UTF8, A_MAX };
static const char *const atom_names[A_MAX] = {"_NET_ACTIVE_WINDOW", "_NET_WM_NAME", "UTF8_STRING"};

struct pending {
	bool on;
	unsigned seq;
};

struct hm_focus_x11 {
	struct hm_loop *loop;
	char display[64];
	xcb_connection_t *conn;
	xcb_window_t root;
	xcb_atom_t atoms[A_MAX];
	struct hm_source *source;

	struct pending q_active;
	xcb_window_t active;   /* 0: none */
	xcb_window_t querying; /* whose properties are asked */
	struct pending q_class, q_netname, q_name;
	char *class_reply, *netname, *name; /* replies in, heap */
	size_t class_len;
	bool have_class, have_netname, have_name;
	struct hm_focus_link link;
};

static void report(struct hm_focus_x11 *s, const struct hm_focus_window *w)
{
	hm_focus_link_report(&s->link, w);
}

static void forget(struct hm_focus_x11 *s, struct pending *p)
{
	if (p->on && s->conn)
		xcb_discard_reply(s->conn, p->seq);
	p->on = false;
}

static void clear_props(struct hm_focus_x11 *s)
{
	forget(s, &s->q_class);
	forget(s, &s->q_netname);
	forget(s, &s->q_name);
	free(s->class_reply);
	free(s->netname);
	free(s->name);
	s->class_reply = s->netname = s->name = NULL;
	s->class_len = 0;
	s->have_class = s->have_netname = s->have_name = false;
}

static void ask_active(struct hm_focus_x11 *s)
{
	forget(s, &s->q_active);
	s->q_active.seq =
	    xcb_get_property(s->conn, 0, s->root, s->atoms[A_ACTIVE], XCB_ATOM_WINDOW, 0, 1)
	        .sequence;
	s->q_active.on = true;
}

static void ask_props(struct hm_focus_x11 *s)
{
	xcb_window_t w = s->querying;

	clear_props(s);
	s->q_class.seq =
	    xcb_get_property(s->conn, 0, w, XCB_ATOM_WM_CLASS, XCB_ATOM_STRING, 0, MAX_LONGS)
	        .sequence;
	s->q_netname.seq =
	    xcb_get_property(s->conn, 0, w, s->atoms[A_NET_WM_NAME], s->atoms[A_UTF8], 0, MAX_LONGS)
	        .sequence;
	s->q_name.seq = xcb_get_property(s->conn, 0, w, XCB_ATOM_WM_NAME, XCB_GET_PROPERTY_TYPE_ANY,
	                                 0, MAX_LONGS)
	                    .sequence;
	s->q_class.on = s->q_netname.on = s->q_name.on = true;
}

/* A property's value as a string (heap, NUL-terminated), "" when unset. */
static char *prop_string(xcb_get_property_reply_t *reply, size_t *ret_len)
{
	size_t len = reply && reply->format == 8 ? (size_t)xcb_get_property_value_length(reply) : 0;
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	if (len)
		memcpy(s, xcb_get_property_value(reply), len);
	s[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return s;
}

/* The answer to a pending request: 1 and *ret (NULL for an X error, e.g.
 * the window is gone), 0 while it has not come, -1 when the connection died. */
static int poll_reply(struct hm_focus_x11 *s, struct pending *p, xcb_get_property_reply_t **ret)
{
	void *reply = NULL;
	xcb_generic_error_t *err = NULL;

	if (!p->on)
		return 0;
	if (!xcb_poll_for_reply(s->conn, p->seq, &reply, &err))
		return xcb_connection_has_error(s->conn) ? -1 : 0;
	free(err);
	p->on = false;
	*ret = reply;
	return 1;
}

static void props_done(struct hm_focus_x11 *s)
{
	const char *instance = s->class_reply ? s->class_reply : "";
	const char *class_ = "";
	struct hm_focus_window w;

	/* WM_CLASS: "instance\0class\0" */
	if (s->class_reply && strlen(instance) < s->class_len)
		class_ = instance + strlen(instance) + 1;
	w = (struct hm_focus_window){
	    .instance = instance,
	    .class_ = class_,
	    .title = s->netname && s->netname[0] ? s->netname : s->name,
	};
	report(s, &w);
	clear_props(s);
}

static void active_changed(struct hm_focus_x11 *s, xcb_window_t w)
{
	const uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
	const uint32_t none = 0;

	if (w == s->active && s->querying == w && w)
		return; /* the same window: its own events say what changes */
	if (s->active && s->active != w)
		/* an error if it is gone: ignored as an event of response type 0 */
		xcb_change_window_attributes(s->conn, s->active, XCB_CW_EVENT_MASK, &none);
	s->active = w;
	s->querying = w;
	clear_props(s);
	if (!w) {
		report(s, NULL);
		return;
	}
	xcb_change_window_attributes(s->conn, w, XCB_CW_EVENT_MASK, &mask);
	ask_props(s);
}

static void disconnect(struct hm_focus_x11 *s, int why)
{
	hm_source_remove(s->source);
	s->source = NULL;
	s->q_active.on = false;
	s->q_class.on = s->q_netname.on = s->q_name.on = false;
	clear_props(s);
	if (s->conn)
		xcb_disconnect(s->conn);
	s->conn = NULL;
	s->active = s->querying = 0;
	hm_focus_link_broken(&s->link, why);
}

static void handle_event(struct hm_focus_x11 *s, xcb_generic_event_t *ev)
{
	if ((ev->response_type & 0x7f) == XCB_PROPERTY_NOTIFY) {
		xcb_property_notify_event_t *pn = (xcb_property_notify_event_t *)ev;

		if (pn->window == s->root && pn->atom == s->atoms[A_ACTIVE])
			ask_active(s);
		else if (pn->window == s->active && s->active &&
		         (pn->atom == XCB_ATOM_WM_CLASS || pn->atom == s->atoms[A_NET_WM_NAME] ||
		          pn->atom == XCB_ATOM_WM_NAME)) {
			s->querying = s->active;
			ask_props(s);
		}
	}
	free(ev);
}

/* The replies that have come: true if any did; -1 in *dead when the
 * connection died. */
static bool take_replies(struct hm_focus_x11 *s, bool *dead)
{
	xcb_get_property_reply_t *reply;
	bool any = false;
	int r;

	r = poll_reply(s, &s->q_active, &reply);
	if (r > 0) {
		xcb_window_t w = 0;

		if (reply && reply->type == XCB_ATOM_WINDOW && reply->format == 32 &&
		    xcb_get_property_value_length(reply) >= 4)
			memcpy(&w, xcb_get_property_value(reply), 4);
		free(reply);
		active_changed(s, w);
		any = true;
	}
	if (r >= 0 && (r = poll_reply(s, &s->q_class, &reply)) > 0) {
		s->class_reply = prop_string(reply, &s->class_len);
		s->have_class = true;
		free(reply);
		any = true;
	}
	if (r >= 0 && (r = poll_reply(s, &s->q_netname, &reply)) > 0) {
		s->netname = prop_string(reply, NULL);
		s->have_netname = true;
		free(reply);
		any = true;
	}
	if (r >= 0 && (r = poll_reply(s, &s->q_name, &reply)) > 0) {
		s->name = prop_string(reply, NULL);
		s->have_name = true;
		free(reply);
		any = true;
	}
	*dead = r < 0;
	if (s->have_class && s->have_netname && s->have_name)
		props_done(s);
	return any;
}

/*
 * Everything xcb has, until nothing is left: waiting for a reply reads the
 * socket, and what it reads may hold events, which then wait in xcb's
 * queue with nothing more for epoll to announce.  So the loop ends only
 * when no event, queued or new, and no reply has come in a round.
 */
static void dispatch(struct hm_source *src, uint32_t events, void *data)
{
	struct hm_focus_x11 *s = data;
	xcb_generic_event_t *ev;
	bool progress, dead;

	do {
		progress = false;
		while ((ev = xcb_poll_for_event(s->conn))) {
			handle_event(s, ev);
			progress = true;
		}
		if (xcb_connection_has_error(s->conn)) {
			log_info("x11: the connection to the X server is lost; trying again");
			disconnect(s, -ECONNRESET);
			return;
		}
		progress |= take_replies(s, &dead);
		if (dead) {
			disconnect(s, -ECONNRESET);
			return;
		}
		xcb_flush(s->conn);
		while ((ev = xcb_poll_for_queued_event(s->conn))) {
			handle_event(s, ev);
			progress = true;
		}
	} while (progress);
}

static int start(struct hm_focus_x11 *s)
{
	const uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
	xcb_intern_atom_cookie_t cookies[A_MAX];
	const xcb_setup_t *setup;
	int screen = 0;

	s->conn = xcb_connect(s->display[0] ? s->display : NULL, &screen);
	if (!s->conn || xcb_connection_has_error(s->conn)) {
		if (s->conn)
			xcb_disconnect(s->conn);
		s->conn = NULL;
		return -ECONNREFUSED;
	}
	setup = xcb_get_setup(s->conn);
	{
		xcb_screen_iterator_t it = xcb_setup_roots_iterator(setup);

		for (int i = 0; i < screen && it.rem; i++)
			xcb_screen_next(&it);
		if (!it.rem)
			goto fail;
		s->root = it.data->root;
	}
	for (int i = 0; i < A_MAX; i++)
		cookies[i] =
		    xcb_intern_atom(s->conn, 0, (uint16_t)strlen(atom_names[i]), atom_names[i]);
	for (int i = 0; i < A_MAX; i++) {
		/* one round trip when connecting: the atoms are needed to read anything */
		xcb_intern_atom_reply_t *reply = xcb_intern_atom_reply(s->conn, cookies[i], NULL);

		if (!reply)
			goto fail;
		s->atoms[i] = reply->atom;
		free(reply);
	}
	xcb_change_window_attributes(s->conn, s->root, XCB_CW_EVENT_MASK, &mask);
	ask_active(s);
	xcb_flush(s->conn);
	s->source =
	    hm_loop_add_fd(s->loop, xcb_get_file_descriptor(s->conn), EPOLLIN, false, dispatch, s);
	if (!s->source)
		goto fail;
	log_info("x11: following the focus on display %s", s->display[0] ? s->display : "$DISPLAY");
	/* the answer may be in already: xcb reads whatever it can */
	dispatch(s->source, EPOLLIN, s);
	return 0;
fail:
	xcb_disconnect(s->conn);
	s->conn = NULL;
	s->q_active.on = false;
	return -EPROTO;
}

static int start_link(void *source)
{
	return start(source);
}

int hm_focus_x11_new(struct hm_loop *loop, const char *display, hm_focus_fn fn, void *userdata,
                     struct hm_focus_x11 **ret)
{
	struct hm_focus_x11 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	snprintf(s->display, sizeof(s->display), "%s", display ? display : "");
	r = hm_focus_link_init(&s->link, loop, "x11", start_link, s, fn, userdata);
	if (r < 0) {
		free(s);
		return r;
	}
	r = hm_focus_link_start(&s->link);
	if (r < 0)
		log_info("x11: cannot connect to the X server; trying every second");
	*ret = s;
	return 0;
}

void hm_focus_x11_free(struct hm_focus_x11 *s)
{
	if (!s)
		return;
	hm_source_remove(s->source);
	clear_props(s);
	if (s->conn)
		xcb_disconnect(s->conn);
	hm_focus_link_free(&s->link);
	free(s);
}

void hm_focus_x11_describe(const struct hm_focus_x11 *s, char *buf, size_t size)
{
	const char *d = s->display[0] ? s->display : "$DISPLAY";

	if (s->source)
		snprintf(buf, size, "connected to display %s", d);
	else
		snprintf(buf, size, "not connected to display %s, retrying", d);
}
#else
int hm_focus_x11_new(struct hm_loop *loop, const char *display, hm_focus_fn fn, void *userdata,
                     struct hm_focus_x11 **ret)
{
	return -EOPNOTSUPP;
}

void hm_focus_x11_free(struct hm_focus_x11 *s)
{
}

void hm_focus_x11_describe(const struct hm_focus_x11 *s, char *buf, size_t size)
{
	snprintf(buf, size, "built without xcb");
}
#endif
