/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "build-config.h"
#include "session-watch.h"
#include "util-log.h"
#include "util-strings.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-login.h>
#endif

const char *hm_session_state_to_string(enum hm_session_state state)
{
	switch (state) {
	case HM_SESSION_NO_SEAT:
		return "no-seat";
	case HM_SESSION_ACTIVE:
		return "active";
	case HM_SESSION_INACTIVE:
		return "inactive";
	}
	return "?";
}

enum hm_session_state hm_session_decide(const struct hm_session_entry *s, size_t n,
                                        size_t *ret_which)
{
	size_t mine = (size_t)-1, other = (size_t)-1, which;

	for (size_t i = 0; i < n; i++) {
		if (!s[i].seat[0])
			continue;
		if (s[i].mine && s[i].active) {
			if (ret_which)
				*ret_which = i;
			return HM_SESSION_ACTIVE;
		}
		if (s[i].mine)
			mine = i;
		else if (s[i].active && other == (size_t)-1)
			other = i;
	}
	which = mine != (size_t)-1 ? mine : other;
	if (ret_which)
		*ret_which = which;
	return which == (size_t)-1 ? HM_SESSION_NO_SEAT : HM_SESSION_INACTIVE;
}

/* ---- sd-login ---------------------------------------------------------------- */

#if HAVE_LIBSYSTEMD
/* logind writes each state file whole and renames it into place; the
 * monitor's inotify sees the rename.  A session switch rewrites the seat's
 * file (ACTIVE=) and the two sessions' (ACTIVE=), a new session the user's
 * file (SESSIONS=) after the session's: all three are watched.  (The NULL
 * category would also want /run/systemd/machines, which exists only with
 * systemd-machined.) */
static const char *const sd_categories[] = {"session", "uid", "seat"};

struct sd_source {
	struct hm_session_source base;
	uid_t uid;
	sd_login_monitor *mon[ARRAY_SIZE(sd_categories)];
};

static size_t sd_get_fds(struct hm_session_source *src, int *fds)
{
	struct sd_source *s = (struct sd_source *)src;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(s->mon) && n < HM_SESSION_MAX_FDS; i++)
		fds[n++] = sd_login_monitor_get_fd(s->mon[i]);
	return n;
}

static void sd_flush(struct hm_session_source *src)
{
	struct sd_source *s = (struct sd_source *)src;

	for (size_t i = 0; i < ARRAY_SIZE(s->mon); i++)
		(void)sd_login_monitor_flush(s->mon[i]);
}

static void strv_free(char **l)
{
	for (char **p = l; p && *p; p++)
		free(*p);
	free(l);
}

/* Appends to *e the sessions of other users in front of a seat. */
static int list_others_in_front(uid_t me, struct hm_session_entry **e, size_t *n)
{
	char **seats = NULL;
	int r = sd_get_seats(&seats);

	if (r <= 0)
		return r;
	for (size_t i = 0; seats[i]; i++) {
		struct hm_session_entry *grown;
		char *session = NULL;
		uid_t uid;

		r = sd_seat_get_active(seats[i], &session, &uid);
		if (r < 0 || uid == me) {
			/* -ENODATA: nobody in front; -ENXIO: the seat went */
			if (r < 0 && r != -ENODATA && r != -ENXIO)
				log_debug_errno(r,
				                "%s: cannot read its active session: %m, "
				                "ignoring",
				                seats[i]);
			free(session);
			continue;
		}
		grown = reallocarray(*e, *n + 1, sizeof(**e));
		if (!grown) {
			free(session);
			strv_free(seats);
			return -ENOMEM;
		}
		*e = grown;
		grown[*n] = (struct hm_session_entry){.active = true};
		snprintf(grown[*n].id, sizeof(grown[*n].id), "%s", session);
		snprintf(grown[*n].seat, sizeof(grown[*n].seat), "%s", seats[i]);
		(*n)++;
		free(session);
	}
	strv_free(seats);
	return 0;
}

static int sd_list(struct hm_session_source *src, struct hm_session_entry **ret, size_t *ret_n)
{
	struct sd_source *s = (struct sd_source *)src;
	_cleanup_free_ struct hm_session_entry *e = NULL;
	char **ids = NULL;
	size_t n = 0, nids;
	int r;

	/* < 0: every session, closing ones too (sd_uid_get_sessions(3)) */
	r = sd_uid_get_sessions(s->uid, -1, &ids);
	if (r < 0)
		return r;
	nids = (size_t)r;
	if (nids > 0) {
		e = calloc(nids, sizeof(*e));
		if (!e) {
			strv_free(ids);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; ids && ids[i] && n < nids; i++) {
		char *seat = NULL;
		int active = 0;

		r = sd_session_get_seat(ids[i], &seat);
		if (r == -ENXIO)
			continue; /* gone since the user's file was written */
		if (r < 0 && r != -ENODATA) {
			log_debug_errno(r, "session %s: cannot read its seat: %m, ignoring it",
			                ids[i]);
			continue;
		}
		if (seat) {
			active = sd_session_is_active(ids[i]);
			if (active == -ENXIO) {
				free(seat);
				continue;
			}
			if (active < 0) {
				/* unknown counts as background: never drive on a guess */
				log_debug_errno(active,
				                "session %s: cannot read whether it is "
				                "active: %m, taking it as inactive",
				                ids[i]);
				active = 0;
			}
		}
		snprintf(e[n].id, sizeof(e[n].id), "%s", ids[i]);
		snprintf(e[n].seat, sizeof(e[n].seat), "%s", seat ? seat : "");
		e[n].active = active > 0;
		e[n].mine = true;
		n++;
		free(seat);
	}
	strv_free(ids);
	r = list_others_in_front(s->uid, &e, &n);
	if (r < 0)
		return r;
	*ret = n ? steal(&e) : NULL;
	*ret_n = n;
	return 0;
}

static void sd_free(struct hm_session_source *src)
{
	struct sd_source *s = (struct sd_source *)src;

	if (!s)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(s->mon); i++)
		sd_login_monitor_unref(s->mon[i]);
	free(s);
}

static const struct hm_session_source_ops sd_ops = {
    .get_fds = sd_get_fds,
    .flush = sd_flush,
    .list = sd_list,
    .free = sd_free,
};

int hm_session_source_sd_login_new(uid_t uid, struct hm_session_source **ret)
{
	struct sd_source *s = zalloc(sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->base.ops = &sd_ops;
	s->uid = uid;
	for (size_t i = 0; i < ARRAY_SIZE(sd_categories); i++) {
		r = sd_login_monitor_new(sd_categories[i], &s->mon[i]);
		if (r < 0) {
			sd_free(&s->base);
			return r; /* -ENOENT: no /run/systemd/{sessions,users}, no logind */
		}
	}
	*ret = &s->base;
	return 0;
}
#else
int hm_session_source_sd_login_new(uid_t uid, struct hm_session_source **ret)
{
	return -EOPNOTSUPP;
}
#endif

/* ---- the watch ----------------------------------------------------------------- */

struct hm_session_watch {
	struct hm_session_source *src;
	struct hm_source *io[HM_SESSION_MAX_FDS];
	size_t nio;
	enum hm_session_state state;
	struct hm_session_entry which; /* the session that decided; id "" for none */
	hm_session_fn fn;
	void *userdata;
};

static void describe(enum hm_session_state state, const struct hm_session_entry *e, char *buf,
                     size_t size)
{
	switch (state) {
	case HM_SESSION_NO_SEAT:
		snprintf(buf, size, "no-seat (no session on a seat)");
		break;
	case HM_SESSION_ACTIVE:
		snprintf(buf, size, "active (%s on %s)", e->id, e->seat);
		break;
	case HM_SESSION_INACTIVE:
		if (e->mine)
			snprintf(buf, size, "inactive (%s on %s is in the background)", e->id,
			         e->seat);
		else
			snprintf(buf, size, "inactive (another user's %s is in front on %s)", e->id,
			         e->seat);
		break;
	}
}

/* Reads the sessions; returns true when the state is known. */
static bool evaluate(struct hm_session_watch *w, enum hm_session_state *ret,
                     struct hm_session_entry *ret_which)
{
	_cleanup_free_ struct hm_session_entry *e = NULL;
	size_t n = 0, which;
	int r;

	r = w->src->ops->list(w->src, &e, &n);
	if (r < 0) {
		log_warning_errno(r, "cannot read the login sessions: %m; staying %s",
		                  hm_session_state_to_string(w->state));
		return false;
	}
	*ret = hm_session_decide(e, n, &which);
	if (which < n)
		*ret_which = e[which];
	else
		*ret_which = (struct hm_session_entry){0};
	return true;
}

void hm_session_watch_refresh(struct hm_session_watch *w)
{
	enum hm_session_state old = w->state, state;
	struct hm_session_entry which;
	char text[128];
	bool changed;

	if (!evaluate(w, &state, &which))
		return;
	changed = state != old || !streq(which.id, w->which.id) ||
	          !streq(which.seat, w->which.seat) || which.mine != w->which.mine;
	w->state = state;
	w->which = which;
	if (!changed)
		return;
	describe(state, &which, text, sizeof(text));
	log_info("login session: %s", text);
	if (hm_session_state_drives(old) != hm_session_state_drives(state) && w->fn)
		w->fn(state, w->userdata);
}

static void io_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct hm_session_watch *w = data;

	w->src->ops->flush(w->src);
	hm_session_watch_refresh(w);
}

void hm_session_watch_free(struct hm_session_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nio; i++)
		hm_source_remove(w->io[i]);
	if (w->src)
		w->src->ops->free(w->src);
	free(w);
}

int hm_session_watch_new(struct hm_loop *loop, struct hm_session_source *src, hm_session_fn fn,
                         void *userdata, struct hm_session_watch **ret)
{
	_cleanup_(hm_session_watch_freep) struct hm_session_watch *w = zalloc(sizeof(*w));
	int fds[HM_SESSION_MAX_FDS];
	size_t nfds;

	if (!w) {
		src->ops->free(src);
		return -ENOMEM;
	}
	w->src = src;
	w->fn = fn;
	w->userdata = userdata;
	w->state = HM_SESSION_NO_SEAT;
	nfds = src->ops->get_fds(src, fds);
	for (size_t i = 0; i < nfds && i < HM_SESSION_MAX_FDS; i++) {
		w->io[i] = hm_loop_add_fd(loop, fds[i], EPOLLIN, false, io_dispatch, w);
		if (!w->io[i])
			return -errno;
		w->nio++;
	}
	if (!evaluate(w, &w->state, &w->which))
		w->state = HM_SESSION_NO_SEAT;
	*ret = steal(&w);
	return 0;
}

enum hm_session_state hm_session_watch_state(const struct hm_session_watch *w)
{
	return w->state;
}

void hm_session_watch_describe(const struct hm_session_watch *w, char *buf, size_t size)
{
	describe(w->state, &w->which, buf, size);
}
