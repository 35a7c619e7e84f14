/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "util-datadir.h"
#include "util-log.h"
#include "util-strings.h"

#define MAX_LINE 1024 /* one formatted reply or event line */

struct client {
	struct hm_control *ctl;
	struct client *next;
	struct hm_source *source; /* owns fd */
	int fd;
	bool monitor;
	bool blocked;             /* the last send() hit EAGAIN: wait for EPOLLOUT */
	uint32_t events;          /* what the source watches now */
	uint64_t active_us;       /* connected, or the last request read */
	unsigned reloads;         /* reload requests waiting for the next reload */
	unsigned reloads_running; /* ...answered when the running one ends */
	bool overflow;            /* a reply did not fit: hang up after this request */
	uint64_t dropped;         /* monitor events lost and not yet reported */
	size_t inlen;
	char in[HM_CONTROL_MAX_REQUEST];
	size_t outstart, outlen;
	char out[HM_CONTROL_OUTBUF];
};

struct hm_control {
	struct hm_loop *loop;
	struct hm_source *listen_source; /* owns the listening fd */
	uid_t uid;
	const struct hm_control_ops *ops;
	void *userdata;
	struct client *clients;
	unsigned nclients;
	unsigned nmonitors;
	uint64_t dropped_total;
	struct hm_control_limits limits;
	struct hm_timer *reload_timer; /* the pending reload runs when it fires */
	bool reload_running;           /* ops->reload_start() called, not done yet */
	struct hm_timer *idle_timer;   /* the next idle connection to end */
	struct hm_control_stats stats;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* to unlink, or "" */
};

int hm_control_socket_path(char *buf, size_t size)
{
	return hm_runtime_path(buf, size, "control");
}

/* ---- output ---------------------------------------------------------------- */

static bool client_append(struct client *c, const char *s, size_t len)
{
	if (c->outlen + len > sizeof(c->out))
		return false;
	if (c->outstart + c->outlen + len > sizeof(c->out)) {
		memmove(c->out, c->out + c->outstart, c->outlen);
		c->outstart = 0;
	}
	memcpy(c->out + c->outstart + c->outlen, s, len);
	c->outlen += len;
	return true;
}

/*
 * Level-triggered, so what is not read now comes back on the next loop
 * iteration: a client is read while it may send (not while its replies
 * wait for room, nor while its reload is pending), and written when
 * blocked.
 */
static void client_update_events(struct client *c)
{
	uint32_t want = c->blocked                         ? EPOLLOUT
	                : c->reloads || c->reloads_running ? 0
	                                                   : EPOLLIN | EPOLLRDHUP;

	if (want != c->events && hm_source_set_events(c->source, want) == 0)
		c->events = want;
}

/* Returns false when the connection is broken. */
static bool client_flush(struct client *c)
{
	while (c->outlen && !c->blocked) {
		ssize_t n =
		    send(c->fd, c->out + c->outstart, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				c->blocked = true; /* EPOLLOUT says when to go on */
				client_update_events(c);
				return true;
			}
			return false;
		}
		c->outstart += (size_t)n;
		c->outlen -= (size_t)n;
	}
	if (!c->outlen)
		c->outstart = 0;
	return true;
}

static void client_close(struct client *c)
{
	struct hm_control *ctl = c->ctl;

	for (struct client **p = &ctl->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	ctl->nclients--;
	hm_source_remove(c->source); /* closes the fd */
	if (c->monitor && --ctl->nmonitors == 0 && ctl->ops->monitor)
		ctl->ops->monitor(ctl->userdata, false);
	free(c);
}

static void client_vprintf(struct client *c, const char *fmt, va_list ap)
{
	char line[MAX_LINE];
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2; /* cut, but still one line */
	line[n++] = '\n';
	if (!client_append(c, line, (size_t)n))
		c->overflow = true;
}

void hm_control_printf(struct hm_control_client *client, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	client_vprintf((struct client *)client, fmt, ap);
	va_end(ap);
}

static void reply(struct client *c, const char *fmt, ...) _printf_(2, 3);
static void reply(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	client_vprintf(c, fmt, ap);
	va_end(ap);
}

/* Reports lost events as soon as there is room for the line. */
static void report_dropped(struct client *c)
{
	char line[48];
	int n;

	if (!c->dropped)
		return;
	n = snprintf(line, sizeof(line), "dropped %" PRIu64 "\n", c->dropped);
	if (client_append(c, line, (size_t)n))
		c->dropped = 0;
}

/* ---- requests -------------------------------------------------------------- */

/* Echoes a request back readably: it comes from the peer. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

static void reload_requested(struct client *c)
{
	struct hm_control *ctl = c->ctl;

	if (!c->reloads++)
		client_update_events(c); /* nothing more from it until answered */
	if (ctl->reload_timer)
		(void)hm_timer_arm(ctl->reload_timer, 1); /* the next loop iteration */
}

/* Returns true when line was handled, false when it must wait (the client
 * has a reload pending and line is not another reload). */
static bool handle_request(struct client *c, char *line)
{
	struct hm_control *ctl = c->ctl;
	char *cmd = strstrip(line);

	if (c->reloads_running && !c->reloads) {
		/* its reload runs: the next line waits for the answer, a
		 * reload joins the next run */
		if (!streq(cmd, "reload"))
			return false;
		reload_requested(c);
		return true;
	}
	if (c->reloads) {
		if (!streq(cmd, "reload"))
			return false;
		c->reloads++; /* merged into the pending one */
		ctl->stats.reloads_merged++;
		return true;
	}
	if (!*cmd) {
		reply(c, "error: empty request (status, reload or monitor)");
	} else if (streq(cmd, "status")) {
		if (ctl->ops->status)
			ctl->ops->status(ctl->userdata, (struct hm_control_client *)c);
		reply(c, "ok");
	} else if (streq(cmd, "reload")) {
		if (ctl->reload_timer)
			reload_requested(c);
		else
			reply(c, "error: %s", strerror(ENOMEM));
	} else if (streq(cmd, "monitor")) {
		reply(c, "ok");
		c->monitor = true;
		if (ctl->nmonitors++ == 0 && ctl->ops->monitor)
			ctl->ops->monitor(ctl->userdata, true);
	} else if (startswith(cmd, "focus ")) {
		char err[256] = "";
		char *app = cmd + 6, *title = strchr(app, ' ');
		int r;

		if (title)
			*title++ = '\0';
		r = ctl->ops->focus
		        ? ctl->ops->focus(ctl->userdata, app, title ? title : "", err, sizeof(err))
		        : -EOPNOTSUPP;
		if (r < 0)
			reply(c, "error: %s", err[0] ? err : strerror(-r));
		else
			reply(c, "ok");
	} else {
		sanitize(cmd);
		reply(c, "error: unknown command '%s' (status, reload or monitor)", cmd);
	}
	return true;
}

/* The pending reload runs once for every client that asked since the last
 * one; each request gets its answer. */
static void reload_timer_fired(struct hm_timer *t, void *data)
{
	struct hm_control *ctl = data;
	char err[512] = "";
	struct client *next;
	bool asked = false;
	int r;

	for (struct client *c = ctl->clients; c; c = c->next)
		asked |= c->reloads > 0;
	if (!asked || ctl->reload_running)
		return; /* a running one re-arms this when done */
	if (ctl->ops->reload_start) {
		for (struct client *c = ctl->clients; c; c = c->next) {
			c->reloads_running += c->reloads;
			c->reloads = 0;
		}
		ctl->reload_running = true;
		ctl->stats.reloads_run++;
		ctl->ops->reload_start(ctl->userdata);
		return;
	}
	r = ctl->ops->reload ? ctl->ops->reload(ctl->userdata, err, sizeof(err)) : -EOPNOTSUPP;
	ctl->stats.reloads_run++;
	for (struct client *c = ctl->clients; c; c = next) {
		next = c->next;
		for (; c->reloads; c->reloads--) {
			if (r < 0)
				reply(c, "error: %s", err[0] ? err : strerror(-r));
			else
				reply(c, "ok");
		}
		client_update_events(c);
		if (!client_flush(c) || c->overflow)
			client_close(c);
	}
}

void hm_control_reload_done(struct hm_control *ctl, int r, const char *err)
{
	struct client *next;
	bool again = false;

	if (!ctl)
		return;
	ctl->reload_running = false;
	for (struct client *c = ctl->clients; c; c = next) {
		next = c->next;
		for (; c->reloads_running; c->reloads_running--) {
			if (r < 0)
				reply(c, "error: %s", err && err[0] ? err : strerror(-r));
			else
				reply(c, "ok");
		}
		again |= c->reloads > 0;
		client_update_events(c);
		if (!client_flush(c) || c->overflow)
			client_close(c);
	}
	if (again)
		(void)hm_timer_arm(ctl->reload_timer, 1);
}

/*
 * Serves at most limits.lines requests of c per loop iteration (reloads
 * merged into a pending one do not count, up to HM_CONTROL_MAX_MERGED):
 * the input is peeked and only what was served is taken from the socket,
 * so the rest waits there for the next iteration while the devices, the
 * timers and the other clients go first.  Returns false when the client
 * must go: it hung up, broke the protocol, or its reply did not fit.
 */
static bool client_read(struct client *c)
{
	struct hm_control *ctl = c->ctl;
	unsigned lines = 0, merged = 0;
	char buf[1024];

	while (lines < ctl->limits.lines && merged < HM_CONTROL_MAX_MERGED && !c->blocked) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
		size_t used = 0, line_used = 0, line_inlen = c->inlen;
		bool stop = false;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK;
		}
		if (n == 0)
			return false;
		if (c->monitor) {
			/* a monitor only listens: its input is thrown away */
			used = (size_t)n;
			lines++;
		}
		for (ssize_t i = 0; i < n && !c->monitor && !stop; i++) {
			if (buf[i] == '\n') {
				unsigned before = c->reloads;
				char line[sizeof(c->in)];

				/* a copy: the line is edited, and may be kept */
				c->in[c->inlen] = '\0';
				memcpy(line, c->in, c->inlen + 1);
				if (!handle_request(c, line)) {
					/* not served: it stays in the socket */
					c->inlen = line_inlen;
					used = line_used;
					stop = true;
					break;
				}
				c->inlen = 0;
				used = line_used = (size_t)i + 1;
				line_inlen = 0;
				c->active_us = hm_now_usec();
				if (before && c->reloads > before)
					merged++;
				else
					lines++;
				if (c->overflow) {
					(void)!recv(c->fd, buf, used, MSG_DONTWAIT);
					return false;
				}
				stop =
				    lines >= ctl->limits.lines || merged >= HM_CONTROL_MAX_MERGED;
				continue;
			}
			/* keep one byte for the terminating NUL: the limit counts the newline */
			if (c->inlen + 1 >= sizeof(c->in)) {
				reply(c, "error: request longer than %d bytes",
				      HM_CONTROL_MAX_REQUEST - 1);
				(void)client_flush(c);
				return false;
			}
			c->in[c->inlen++] = buf[i];
			used = (size_t)i + 1;
		}
		if (used && recv(c->fd, buf, used, MSG_DONTWAIT) < 0 && errno != EINTR)
			return false;
		if (stop || (c->reloads && !c->monitor && used < (size_t)n))
			break;
	}
	return true;
}

static void client_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct client *c = data;
	bool ok = true;

	if (events & EPOLLOUT) {
		c->blocked = false;
		if (!client_flush(c)) {
			client_close(c);
			return;
		}
		client_update_events(c);
	}
	if (!c->blocked && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		ok = client_read(c);
	if (ok && c->monitor)
		report_dropped(c);
	/* a request that failed still gets its error line, best effort */
	if (!client_flush(c) || !ok || c->overflow)
		client_close(c);
}

/* Ends the connections quiet for limits.idle_us (not monitors, nor one
 * waiting for its reload), and arms itself for the next. */
static void idle_timer_fired(struct hm_timer *t, void *data)
{
	struct hm_control *ctl = data;
	uint64_t now = hm_now_usec(), next = 0;
	struct client *cn;

	for (struct client *c = ctl->clients; c; c = cn) {
		uint64_t end = c->active_us + ctl->limits.idle_us;

		cn = c->next;
		if (c->monitor || c->reloads || c->reloads_running)
			continue;
		if (end <= now) {
			ctl->stats.idle_closed++;
			reply(c, "error: idle for too long, closing");
			(void)client_flush(c);
			client_close(c);
			continue;
		}
		if (!next || end < next)
			next = end;
	}
	if (next)
		(void)hm_timer_arm(ctl->idle_timer, next - now);
}

static void arm_idle_timer(struct hm_control *ctl)
{
	if (ctl->idle_timer && ctl->limits.idle_us)
		(void)hm_timer_arm(ctl->idle_timer, ctl->limits.idle_us);
}

/* Whether c has sent something not read yet: it is not quiet. */
static bool has_input(const struct client *c)
{
	int n = 0;

	return ioctl(c->fd, FIONREAD, &n) == 0 && n > 0;
}

/* The rank of a connection to close to make room: lower goes first. */
static unsigned evict_rank(const struct client *c)
{
	return (c->monitor ? 1u : 0u) + (has_input(c) || c->inlen ? 2u : 0u);
}

/*
 * The connections are full: the one quiet the longest goes (one with a
 * request waiting to be read only when all have one, a monitor only when
 * every connection is one), so that many connections of the same uid
 * never shut out a `status` for long.
 */
static bool evict_one(struct hm_control *ctl)
{
	struct client *victim = NULL;
	unsigned victim_rank = 0;

	for (struct client *c = ctl->clients; c; c = c->next) {
		unsigned rank;

		if (c->reloads || c->reloads_running)
			continue;
		rank = evict_rank(c);
		if (!victim || rank < victim_rank ||
		    (rank == victim_rank && c->active_us < victim->active_us)) {
			victim = c;
			victim_rank = rank;
		}
	}
	if (!victim)
		return false;
	ctl->stats.evicted++;
	log_debug("control: %u connections, closing the one quiet the longest", ctl->nclients);
	reply(victim, "error: too many connections, closing the one quiet the longest");
	(void)client_flush(victim);
	client_close(victim);
	return true;
}

/* ---- connections ----------------------------------------------------------- */

static void refuse(int fd, const char *why)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "error: %s\n", why);

	(void)send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void accept_one(struct hm_control *ctl, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct client *c;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred)) {
		log_warning_errno(errno, "control: cannot check who connected: %m, hanging up");
		close(fd);
		return;
	}
	if (cred.uid != ctl->uid) {
		log_warning("control: uid %u (pid %d) may not use the socket, hanging up",
		            (unsigned)cred.uid, (int)cred.pid);
		close(fd);
		return;
	}
	if (ctl->nclients >= HM_CONTROL_MAX_CLIENTS && !evict_one(ctl)) {
		log_debug("control: %u connections already, refusing pid %d", ctl->nclients,
		          (int)cred.pid);
		refuse(fd, "too many connections");
		return;
	}
	c = zalloc(sizeof(*c));
	if (!c) {
		refuse(fd, "out of memory");
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	c->active_us = hm_now_usec();
	c->events = EPOLLIN | EPOLLRDHUP; /* level-triggered: see client_update_events() */
	c->source = hm_loop_add_fd(ctl->loop, fd, c->events, true, client_dispatch, c);
	if (!c->source) {
		log_warning_errno(errno, "control: cannot watch a connection: %m, hanging up");
		close(fd);
		free(c);
		return;
	}
	c->next = ctl->clients;
	ctl->clients = c;
	if (!ctl->nclients++)
		arm_idle_timer(ctl);
	log_debug("control: pid %d connected", (int)cred.pid);
}

static void listen_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct hm_control *ctl = data;

	/* bounded: a flood of connections is served a batch at a time */
	for (unsigned i = 0; i < 2 * HM_CONTROL_MAX_CLIENTS; i++) {
		int fd = accept4(hm_source_get_fd(s), NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warning_errno(errno, "control: accept failed: %m, ignoring");
			return;
		}
		accept_one(ctl, fd);
	}
}

int hm_control_new_fd(struct hm_loop *loop, int listen_fd, uid_t uid,
                      const struct hm_control_ops *ops, void *userdata, struct hm_control **ret)
{
	struct hm_control *ctl = zalloc(sizeof(*ctl));

	if (!ctl)
		return -ENOMEM;
	ctl->loop = loop;
	ctl->uid = uid;
	ctl->ops = ops;
	ctl->userdata = userdata;
	ctl->limits = (struct hm_control_limits){
	    .lines = HM_CONTROL_LINE_BUDGET,
	    .idle_us = HM_CONTROL_IDLE_TIMEOUT_US,
	};
	ctl->reload_timer = hm_timer_new(loop, reload_timer_fired, ctl);
	ctl->idle_timer = hm_timer_new(loop, idle_timer_fired, ctl);
	if (!ctl->reload_timer || !ctl->idle_timer) {
		hm_timer_free(ctl->reload_timer);
		hm_timer_free(ctl->idle_timer);
		free(ctl);
		return -ENOMEM;
	}
	ctl->listen_source = hm_loop_add_fd(loop, listen_fd, EPOLLIN, true, listen_dispatch, ctl);
	if (!ctl->listen_source) {
		int r = -errno;

		hm_timer_free(ctl->reload_timer);
		hm_timer_free(ctl->idle_timer);
		free(ctl);
		return r;
	}
	*ret = ctl;
	return 0;
}

/* Whether a daemon answers at path (then its socket is not stale). */
static bool socket_alive(const struct sockaddr_un *sa)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	return fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
}

static int make_runtime_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != getuid())
		return -EPERM;
	if ((st.st_mode & 077) && chmod(dir, 0700) < 0)
		return -errno;
	return 0;
}

int hm_control_new(struct hm_loop *loop, const struct hm_control_ops *ops, void *userdata,
                   struct hm_control **ret)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	struct hm_control *ctl;
	int r;

	r = hm_control_socket_path(sa.sun_path, sizeof(sa.sun_path));
	if (r < 0)
		return r;
	r = make_runtime_dir(sa.sun_path);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE)
			return -errno;
		/* left by a daemon that died, unless one still answers there */
		if (socket_alive(&sa))
			return -EADDRINUSE;
		if (unlink(sa.sun_path) < 0 && errno != ENOENT)
			return -errno;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	/* the directory is 0700 already; the socket follows suit */
	if (chmod(sa.sun_path, 0600) < 0 || listen(fd, HM_CONTROL_MAX_CLIENTS) < 0) {
		r = -errno;
		unlink(sa.sun_path);
		return r;
	}
	r = hm_control_new_fd(loop, fd, getuid(), ops, userdata, &ctl);
	if (r < 0) {
		unlink(sa.sun_path);
		return r;
	}
	fd = -1; /* the listening source owns it now */
	snprintf(ctl->path, sizeof(ctl->path), "%s", sa.sun_path);
	*ret = ctl;
	return 0;
}

void hm_control_free(struct hm_control *ctl)
{
	if (!ctl)
		return;
	/* the daemon is going away: no monitor callback */
	ctl->ops = &(const struct hm_control_ops){0};
	while (ctl->clients)
		client_close(ctl->clients);
	hm_timer_free(ctl->reload_timer);
	hm_timer_free(ctl->idle_timer);
	hm_source_remove(ctl->listen_source);
	if (ctl->path[0])
		(void)unlink(ctl->path);
	free(ctl);
}

/* ---- status ---------------------------------------------------------------- */

static void print_seconds(char *buf, size_t size, uint64_t us)
{
	snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 "s", us / 1000000u, us / 1000u % 1000u);
}

void hm_control_status_daemon(struct hm_control_client *c, const struct hm_status_daemon *s)
{
	char up[32];

	print_seconds(up, sizeof(up), s->uptime_us);
	hm_control_printf(c, "daemon uptime %s devices %u", up, s->ndevices);
	if (s->session)
		hm_control_printf(c, "session %s", s->session);
	if (s->layouts)
		hm_control_printf(c, "layouts %s", s->layouts);
	if (s->log_dropped)
		hm_control_printf(c, "log dropped %" PRIu64 " (stderr was not taking them)",
		                  s->log_dropped);
	for (size_t i = 0; i < s->nconfig_files; i++)
		hm_control_printf(c, "config %s", s->config_files[i]);
}

void hm_control_status_device(struct hm_control_client *c, const struct hm_status_device *s)
{
	char gone[32], name[STR_ESCAPED_SIZE(256)];

	/* names come from the device: control characters escaped */
	hm_control_printf(c, "device %s %04x:%04x \"%s\" module %s config %s", s->path, s->vendor,
	                  s->product, str_escape_control(s->name, name, sizeof(name)), s->module,
	                  s->section ? s->section : "(none)");
	if (s->gone_us) {
		print_seconds(gone, sizeof(gone), s->gone_us);
		hm_control_printf(c, "  state unplugged, kept %s", gone);
	} else {
		hm_control_printf(c, "  state %s", s->initializing ? "initializing" : "driven");
	}
	if (s->grab_busy)
		hm_control_printf(c, "  grabbed by another program: %s", s->grab_busy);
	if (s->profile)
		hm_control_printf(c, "  profile %s (%s)", s->profile,
		                  s->profile_why ? s->profile_why : "default");
	if (s->battery_status && s->battery_percent >= 0)
		hm_control_printf(c, "  battery %d%% %s", s->battery_percent, s->battery_status);
	else if (s->battery_status)
		hm_control_printf(c, "  battery %s", s->battery_status);
	if (s->link)
		hm_control_printf(c, "  link %s", s->link);
	for (size_t i = 0; i < s->noutputs; i++) {
		const struct hm_status_output *o = &s->outputs[i];

		str_escape_control(o->name, name, sizeof(name));
		if (o->node)
			hm_control_printf(c, "  output %zu %s \"%s\"", i, o->node, name);
		else
			hm_control_printf(c, "  output %zu phys %s \"%s\"", i,
			                  o->phys && o->phys[0] ? o->phys : "?", name);
		if (o->ff)
			hm_control_printf(c,
			                  "    force-feedback uploaded %" PRIu64 " played %" PRIu64,
			                  o->ff_uploaded, o->ff_played);
	}
	hm_control_printf(c,
	                  "  reports %" PRIu64 " decode-errors %" PRIu64 " ignored %" PRIu64
	                  " dropped %" PRIu64,
	                  s->reports, s->decode_errors, s->ignored, s->dropped);
	hm_control_printf(c, "  overflows %" PRIu64 " resyncs %" PRIu64 " timed-out %" PRIu64,
	                  s->overflows, s->resyncs, s->timed_out);
	if (s->latency_samples)
		hm_control_printf(c,
		                  "  latency p50 %" PRIu64 "us p99 %" PRIu64 "us samples %" PRIu64,
		                  s->latency_p50_us, s->latency_p99_us, s->latency_samples);
	else
		hm_control_printf(c, "  latency none");
}

void hm_control_status_transition(struct hm_control_client *c, const char *state, const char *path,
                                  uint16_t vendor, uint16_t product, const char *name)
{
	char esc[STR_ESCAPED_SIZE(256)];

	hm_control_printf(c, "%s %s %04x:%04x \"%s\"", state, path, vendor, product,
	                  str_escape_control(name ? name : "", esc, sizeof(esc)));
}

/* ---- monitor --------------------------------------------------------------- */

bool hm_control_monitoring(const struct hm_control *ctl)
{
	return ctl && ctl->nmonitors > 0;
}

void hm_control_monitor_line(struct hm_control *ctl, const char *line)
{
	char buf[MAX_LINE];
	size_t len;
	struct client *next;

	if (!ctl || !ctl->nmonitors)
		return;
	len = strnlen(line, sizeof(buf) - 2);
	memcpy(buf, line, len);
	buf[len++] = '\n';
	for (struct client *c = ctl->clients; c; c = next) {
		next = c->next;
		if (!c->monitor)
			continue;
		report_dropped(c);
		if (c->dropped || !client_append(c, buf, len)) {
			/* order is kept: nothing newer goes out before "dropped N" */
			c->dropped++;
			ctl->dropped_total++;
			continue;
		}
		if (!client_flush(c))
			client_close(c);
	}
}

uint64_t hm_control_monitor_dropped(const struct hm_control *ctl)
{
	return ctl->dropped_total;
}

unsigned hm_control_nclients(const struct hm_control *ctl)
{
	return ctl->nclients;
}

void hm_control_set_limits(struct hm_control *ctl, const struct hm_control_limits *limits)
{
	ctl->limits = *limits;
	if (!ctl->limits.lines)
		ctl->limits.lines = 1;
	if (ctl->nclients)
		arm_idle_timer(ctl);
}

const struct hm_control_stats *hm_control_get_stats(const struct hm_control *ctl)
{
	return &ctl->stats;
}
