/* SPDX-License-Identifier: MIT */
/* The spnav server (spnav-server.h): spacenavd's socket on the epoll loop. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "event-loop.h"
#include "spnav-proto.h"
#include "spnav-server.h"
#include "util-datadir.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

struct hm_spnav_device {
	struct hm_spnav_server *server;
	struct hm_spnav_device *next;
	int id; /* as spacenavd numbers devices: 0, 1, ... in the order they came */
	struct hm_spnav_device_desc desc;
	char name[128], path[64];
	int32_t state[HM_SPNAV_AXES]; /* the frame's axes after the settings */
	uint64_t last_motion_us;
};

struct client {
	struct hm_spnav_server *server;
	struct client *next;
	struct hm_source *source;
	unsigned serial; /* for log lines */
	struct hm_spnav_reader reader;
	float sens;
	unsigned evmask;
	char name[64];
	/* the queue of whole messages waiting for the socket */
	int32_t queue[HM_SPNAV_QUEUE][HM_SPNAV_MSG_INTS];
	unsigned qhead, qlen;
	size_t sent; /* bytes of the head message already sent */
	bool last_is_motion;
	bool blocked, dead;
	uint64_t dropped;
};

struct hm_spnav_server {
	struct hm_loop *loop;
	struct hm_source *listen_source;
	struct client *clients;
	unsigned nclients, serial;
	struct hm_spnav_device *devices;
	int next_id;
	int led; /* as a client last set it: 0 off, 1 on (the start), 2 auto */
	void (*clients_fn)(void *userdata, unsigned nclients);
	void *clients_userdata;
	uint64_t dropped;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char link[PATH_MAX], link_target[PATH_MAX]; /* hm_spnav_server_link() */
};

int hm_spnav_socket_path(char *buf, size_t size)
{
	return hm_runtime_path(buf, size, "spnav.sock");
}

int hm_spnav_link_path(char *buf, size_t size)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	int n;

	if (!rt || rt[0] != '/')
		return -ENOENT;
	n = snprintf(buf, size, "%s/spnav.sock", rt);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

/* What a link at link to the socket at path holds: path relative to the
 * link's directory when it lies below it (what the unit's ExecStartPre=
 * writes: hidmapd/spnav.sock), else path itself. */
static void link_target(const char *link, const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(link, '/');
	size_t dirlen = slash ? (size_t)(slash - link) : 0;

	if (slash && strncmp(path, link, dirlen) == 0 && path[dirlen] == '/' && path[dirlen + 1])
		snprintf(buf, size, "%s", path + dirlen + 1);
	else
		snprintf(buf, size, "%s", path);
}

/* 1 when link is a symbolic link holding target (or the socket's
 * absolute path), 0 when it is anything else, -errno when it is absent. */
static int link_is_ours(const char *link, const char *target, const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	if (n < 0)
		return errno == EINVAL ? 0 : -errno; /* EINVAL: there, not a link */
	buf[n] = '\0';
	return streq(buf, target) || streq(buf, path);
}

void hm_spnav_server_set_clients_fn(struct hm_spnav_server *s,
                                    void (*fn)(void *userdata, unsigned nclients), void *userdata)
{
	s->clients_fn = fn;
	s->clients_userdata = userdata;
}

int hm_spnav_link_is_ours(const char *link, const char *path)
{
	char target[PATH_MAX];

	link_target(link, path, target, sizeof(target));
	return link_is_ours(link, target, path);
}

int hm_spnav_server_link(struct hm_spnav_server *s, const char *link)
{
	char target[PATH_MAX];
	int r;

	if (strlen(link) >= sizeof(s->link))
		return -ENAMETOOLONG;
	link_target(link, s->path, target, sizeof(target));
	r = link_is_ours(link, target, s->path);
	if (r == 0)
		return -EEXIST; /* someone else's: never replaced */
	if (r < 0 && r != -ENOENT)
		return r;
	if (r < 0 && symlink(target, link) < 0)
		return -errno; /* EEXIST: one came meanwhile, also left alone */
	snprintf(s->link, sizeof(s->link), "%s", link);
	snprintf(s->link_target, sizeof(s->link_target), "%s", target);
	return r < 0 ? 0 : 1;
}

/* ---- clients: output ------------------------------------------------------ */

static void client_close(struct client *c, const char *why)
{
	struct hm_spnav_server *s = c->server;

	for (struct client **p = &s->clients; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	s->nclients--;
	if (s->nclients == 0 && s->clients_fn)
		s->clients_fn(s->clients_userdata, 0);
	if (why)
		log_info("spnav: client %u%s%s%s: %s", c->serial, c->name[0] ? " (" : "", c->name,
		         c->name[0] ? ")" : "", why);
	hm_source_remove(c->source); /* closes the fd */
	free(c);
}

/*
 * EPOLLOUT is watched only while a client is behind.  Watched always (even
 * edge-triggered), every read of the client would wake the loop: the
 * kernel signals write space each time the client frees a message, and the
 * loop woken so may take the CPU from the client between its read and its
 * use of the event (seen in the VM's latency runs: one wake-up per event,
 * a sixth of them preempting the client).
 */
#define CLIENT_EVENTS (EPOLLIN | EPOLLRDHUP | EPOLLET)

static void client_set_blocked(struct client *c, bool blocked)
{
	if (c->blocked == blocked)
		return;
	c->blocked = blocked;
	/* EPOLL_CTL_MOD looks at the socket again: write space freed since
	 * send() failed is reported at once, none is lost */
	if (hm_source_set_events(c->source, CLIENT_EVENTS | (blocked ? EPOLLOUT : 0)) < 0)
		c->dead = true; /* cannot watch it: closed by its own dispatch */
}

/* Sends what the queue holds until the socket would block.  Returns 0 or
 * a negative errno (the client is gone). */
static int client_flush(struct client *c)
{
	int fd = hm_source_get_fd(c->source);

	while (c->qlen > 0) {
		const uint8_t *m = (const uint8_t *)c->queue[c->qhead];
		ssize_t n = send(fd, m + c->sent, HM_SPNAV_MSG_BYTES - c->sent,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				client_set_blocked(c, true); /* EPOLLOUT says when to go on */
				return 0;
			}
			return -errno;
		}
		c->sent += (size_t)n;
		if (c->sent < HM_SPNAV_MSG_BYTES)
			continue;
		c->sent = 0;
		c->qhead = (c->qhead + 1) % HM_SPNAV_QUEUE;
		c->qlen--;
	}
	client_set_blocked(c, false);
	c->last_is_motion = false;
	return 0;
}

/* Queues one message (and sends it, unless the client is behind). */
static void client_send(struct client *c, const int32_t msg[HM_SPNAV_MSG_INTS], bool motion)
{
	if (c->dead)
		return;
	if (c->qlen == HM_SPNAV_QUEUE) {
		/* a client that does not read: its newest motion replaces the
		 * one it has not read yet, as spacenavd's own coalescing would;
		 * anything else is lost for this client alone */
		unsigned last = (c->qhead + c->qlen - 1) % HM_SPNAV_QUEUE;

		if (motion && c->last_is_motion && (c->qlen > 1 || c->sent == 0)) {
			memcpy(c->queue[last], msg, HM_SPNAV_MSG_BYTES);
			return;
		}
		if (c->dropped++ == 0)
			log_warning("spnav: client %u does not read its events; dropping what does "
			            "not fit its queue of %u",
			            c->serial, HM_SPNAV_QUEUE);
		c->server->dropped++;
		return;
	}
	memcpy(c->queue[(c->qhead + c->qlen) % HM_SPNAV_QUEUE], msg, HM_SPNAV_MSG_BYTES);
	c->qlen++;
	c->last_is_motion = motion;
	if (!c->blocked && client_flush(c) < 0)
		c->dead = true; /* closed by its own dispatch (EPOLLHUP/ERR) */
}

static void client_send_raw(struct client *c, const void *data, size_t size)
{
	/* the 4-byte protocol answer: sent on its own, before any queued
	 * message could be half-sent (the client has read nothing yet) */
	int fd = hm_source_get_fd(c->source);

	if (c->qlen == 0 && send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)size)
		return;
	log_warning("spnav: client %u: cannot answer its protocol request, ignoring", c->serial);
}

/* ---- events --------------------------------------------------------------- */

static struct hm_spnav_device *first_device(struct hm_spnav_server *s)
{
	return s->devices;
}

void hm_spnav_device_motion(struct hm_spnav_device *dev, unsigned changed, const int axes[6])
{
	struct hm_spnav_server *s = dev->server;
	bool pending = false;
	int32_t msg[HM_SPNAV_MSG_INTS];
	uint64_t now;

	for (unsigned i = 0; i < HM_SPNAV_AXES; i++) {
		unsigned axis;
		int v;

		if (!(changed & (1u << i)))
			continue;
		v = hm_spnav_normalise(&dev->desc.axes, i, axes[i], &axis);
		hm_spnav_encode_raw(msg, HM_SPNAV_EV_RAWAXIS, (int32_t)axis, v);
		for (struct client *c = s->clients; c; c = c->next)
			if (c->evmask & HM_SPNAV_EVMASK_RAWAXIS)
				client_send(c, msg, false);
		pending |= hm_spnav_apply(&dev->desc.settings, axis, v, dev->state);
	}
	/* spacenavd sends a client without a device of its own (libspnav 1.0
	 * cannot choose one) the events of its first device only: the one
	 * added last (event.c dispatch_event(), client.c get_client_device()) */
	if (!pending || dev != first_device(s))
		return;

	now = hm_now_usec();
	for (struct client *c = s->clients; c; c = c->next) {
		int32_t scaled[HM_SPNAV_AXES];

		if (!(c->evmask & HM_SPNAV_EVMASK_MOTION))
			continue;
		for (unsigned i = 0; i < HM_SPNAV_AXES; i++)
			scaled[i] = hm_spnav_client_scale(dev->state[i], c->sens);
		hm_spnav_encode_motion(msg, scaled,
		                       (int32_t)((now / 1000) - (dev->last_motion_us / 1000)));
		client_send(c, msg, true);
	}
	dev->last_motion_us = now;
}

void hm_spnav_device_button(struct hm_spnav_device *dev, unsigned bnum, bool pressed)
{
	struct hm_spnav_server *s = dev->server;
	int32_t raw[HM_SPNAV_MSG_INTS], msg[HM_SPNAV_MSG_INTS];

	hm_spnav_encode_raw(raw, HM_SPNAV_EV_RAWBUTTON, (int32_t)bnum, pressed);
	hm_spnav_encode_button(msg, (int32_t)bnum, pressed);
	for (struct client *c = s->clients; c; c = c->next) {
		if (c->evmask & HM_SPNAV_EVMASK_RAWBUTTON)
			client_send(c, raw, false);
		/* as motion: the first device's only */
		if ((c->evmask & HM_SPNAV_EVMASK_BUTTON) && dev == first_device(s))
			client_send(c, msg, false);
	}
}

static void broadcast_dev(struct hm_spnav_server *s, const struct hm_spnav_device *dev,
                          bool removed)
{
	int32_t msg[HM_SPNAV_MSG_INTS];

	hm_spnav_encode_dev(msg, removed, dev->id, dev->desc.type, dev->desc.vendor,
	                    dev->desc.product);
	for (struct client *c = s->clients; c; c = c->next)
		if (c->evmask & HM_SPNAV_EVMASK_DEV)
			client_send(c, msg, false);
}

/* ---- requests ------------------------------------------------------------- */

static void respond(struct client *c, int32_t type, int32_t data[7], int32_t status)
{
	int32_t msg[HM_SPNAV_MSG_INTS];

	msg[0] = type;
	data[6] = status;
	memcpy(msg + 1, data, 7 * sizeof(int32_t));
	client_send(c, msg, false);
}

static void respond_string(struct client *c, int32_t type, const char *str)
{
	int32_t chunks[12][HM_SPNAV_MSG_INTS];
	size_t n = hm_spnav_encode_string(chunks, 12, type, str);

	for (size_t i = 0; i < n; i++)
		client_send(c, chunks[i], false);
}

static float as_float(int32_t v)
{
	float f;

	memcpy(&f, &v, sizeof(f));
	return f;
}

static int32_t from_float(float f)
{
	int32_t v;

	memcpy(&v, &f, sizeof(v));
	return v;
}

/* Every served device takes the change (spacenavd has one configuration). */
#define FOR_DEVICES(s, d) for (struct hm_spnav_device *d = (s)->devices; d; d = d->next)

static bool axis_valid(int32_t a)
{
	return a >= 0 && a < HM_SPNAV_AXES;
}

static int handle_request(struct client *c, int32_t type, int32_t data[7])
{
	struct hm_spnav_server *s = c->server;
	struct hm_spnav_device *dev = first_device(s);
	const struct hm_spnav_settings *cur = dev ? &dev->desc.settings : NULL;
	int r;

	switch (type & 0xffff) {
	case HM_SPNAV_REQ_SET_NAME:
		r = hm_spnav_reader_string(&c->reader, data);
		if (r < 0) {
			log_error("spnav: client %u: a client name out of sequence or too long "
			          "(at most %d bytes), ignoring it",
			          c->serial, HM_SPNAV_MAX_NAME);
			return 0;
		}
		if (r > 0) {
			snprintf(c->name, sizeof(c->name), "%.63s", c->reader.str);
			log_info("spnav: client %u is %s", c->serial, c->name);
		}
		return 0; /* spacenavd answers nothing */
	case HM_SPNAV_REQ_SET_SENS:
		if (!isfinite(as_float(data[0]))) {
			log_warning("spnav: client %u: sensitivity not a finite number, refused",
			            c->serial);
			respond(c, type, data, -1);
			return 0;
		}
		c->sens = as_float(data[0]);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GET_SENS:
		data[0] = from_float(c->sens);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SET_EVMASK:
		c->evmask = (unsigned)data[0];
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GET_EVMASK:
		data[0] = (int32_t)c->evmask;
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_DEV_NAME:
	case HM_SPNAV_REQ_DEV_PATH:
		if (!dev)
			respond(c, type, data, -1);
		else
			respond_string(c, type,
			               (type & 0xffff) == HM_SPNAV_REQ_DEV_NAME ? dev->name
			                                                        : dev->path);
		return 0;
	case HM_SPNAV_REQ_DEV_NAXES:
		if (dev)
			data[0] = HM_SPNAV_AXES;
		respond(c, type, data, dev ? 0 : -1);
		return 0;
	case HM_SPNAV_REQ_DEV_NBUTTONS:
		if (dev)
			data[0] = (int32_t)dev->desc.nbuttons;
		respond(c, type, data, dev ? 0 : -1);
		return 0;
	case HM_SPNAV_REQ_DEV_USBID:
		if (dev) {
			data[0] = dev->desc.vendor;
			data[1] = dev->desc.product;
		}
		respond(c, type, data, dev ? 0 : -1);
		return 0;
	case HM_SPNAV_REQ_DEV_TYPE:
		if (dev)
			data[0] = dev->desc.type;
		respond(c, type, data, dev ? 0 : -1);
		return 0;
	case HM_SPNAV_REQ_SCFG_SENS:
		if (!isfinite(as_float(data[0])))
			goto refused;
		FOR_DEVICES(s, d) d->desc.settings.sensitivity = as_float(data[0]);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_SENS:
		if (!cur)
			goto refused;
		data[0] = from_float(cur->sensitivity);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SCFG_SENS_AXIS:
		for (unsigned i = 0; i < HM_SPNAV_AXES; i++)
			if (!isfinite(as_float(data[i])))
				goto refused;
		FOR_DEVICES(s, d)
		for (unsigned i = 0; i < HM_SPNAV_AXES; i++)
			d->desc.settings.axis_sens[i] = as_float(data[i]);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_SENS_AXIS:
		if (!cur)
			goto refused;
		for (unsigned i = 0; i < HM_SPNAV_AXES; i++)
			data[i] = from_float(cur->axis_sens[i]);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SCFG_DEADZONE:
		if (!axis_valid(data[0]))
			goto refused;
		FOR_DEVICES(s, d) d->desc.settings.deadzone[data[0]] = data[1];
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_DEADZONE:
		if (!cur || !axis_valid(data[0]))
			goto refused;
		data[1] = cur->deadzone[data[0]];
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SCFG_INVERT:
		FOR_DEVICES(s, d)
		for (unsigned i = 0; i < HM_SPNAV_AXES; i++)
			d->desc.settings.invert[i] = data[i] != 0;
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_INVERT:
		if (!cur)
			goto refused;
		for (unsigned i = 0; i < HM_SPNAV_AXES; i++)
			data[i] = cur->invert[i];
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SCFG_AXISMAP:
		if (!axis_valid(data[0]) || data[1] < -1 || data[1] >= HM_SPNAV_AXES)
			goto refused;
		FOR_DEVICES(s, d) d->desc.settings.axis_map[data[0]] = data[1];
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_AXISMAP:
		if (!cur || !axis_valid(data[0]))
			goto refused;
		data[1] = cur->axis_map[data[0]];
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SCFG_SWAPYZ:
		FOR_DEVICES(s, d) d->desc.settings.swap_yz = data[0] != 0;
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_SWAPYZ:
		if (!cur)
			goto refused;
		data[0] = cur->swap_yz;
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_SCFG_LED:
		if (data[0] < 0 || data[0] > 2)
			goto refused;
		s->led = data[0];
		FOR_DEVICES(s, d)
		if (d->desc.set_led)
			d->desc.set_led(d->desc.userdata, data[0]);
		respond(c, type, data, 0);
		return 0;
	case HM_SPNAV_REQ_GCFG_LED:
		data[0] = s->led;
		respond(c, type, data, 0);
		return 0;
	default:
		/* button maps and actions, keyboard maps, grabbing, serial
		 * devices, saving: hidmapd's INI and remap language own those */
		log_warning("spnav: client %u: request 0x%04x not supported, refused", c->serial,
		            (unsigned)(type & 0xffff));
		respond(c, type, data, -1);
		return 0;
	}
refused:
	log_warning("spnav: client %u: request 0x%04x with a value out of range, refused",
	            c->serial, (unsigned)(type & 0xffff));
	respond(c, type, data, -1);
	return 0;
}

static int on_message(const struct hm_spnav_msg *m, void *userdata)
{
	struct client *c = userdata;
	int32_t answer;
	int32_t data[7];

	switch (m->kind) {
	case HM_SPNAV_MSG_CHANGE_PROTO:
		answer = hm_spnav_encode_proto_answer(m->value.version);
		client_send_raw(c, &answer, sizeof(answer));
		if (m->value.version > 0)
			c->evmask =
			    HM_SPNAV_EVMASK_MOTION | HM_SPNAV_EVMASK_BUTTON | HM_SPNAV_EVMASK_DEV;
		return 0;
	case HM_SPNAV_MSG_SENS_V0:
		c->sens = m->value.sens;
		return 0;
	case HM_SPNAV_MSG_REQUEST:
		memcpy(data, m->value.req.data, sizeof(data));
		return handle_request(c, m->value.req.type, data);
	}
	return 0;
}

/* ---- clients: input ------------------------------------------------------- */

static void client_dispatch(struct hm_source *src, uint32_t events, void *data)
{
	struct client *c = data;
	uint8_t buf[4096];

	if (events & EPOLLOUT && c->blocked && client_flush(c) < 0) {
		client_close(c, "gone");
		return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		for (;;) {
			ssize_t n = recv(hm_source_get_fd(src), buf, sizeof(buf), MSG_DONTWAIT);
			int r;

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (n <= 0) {
				client_close(c, n == 0 ? "disconnected" : "read error");
				return;
			}
			r = hm_spnav_reader_feed(&c->reader, buf, (size_t)n, on_message, c);
			if (r < 0) {
				log_error("spnav: client %u sent bytes that are no spnav protocol "
				          "(protocol %d: neither a sensitivity nor a protocol "
				          "change), hanging up",
				          c->serial, c->reader.proto);
				client_close(c, NULL);
				return;
			}
			if (c->dead) {
				client_close(c, "gone");
				return;
			}
		}
	}
	if (c->dead || (events & (EPOLLHUP | EPOLLERR)))
		client_close(c, "gone");
}

static void listen_dispatch(struct hm_source *src, uint32_t events, void *data)
{
	struct hm_spnav_server *s = data;

	for (;;) {
		int fd = accept4(hm_source_get_fd(src), NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct client *c;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warning_errno(errno, "spnav: accept: %m, ignoring");
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    len != sizeof(cred) || cred.uid != getuid()) {
			log_warning("spnav: a client of another user (or unknown) connected, "
			            "hanging up");
			close(fd);
			continue;
		}
		if (s->nclients >= HM_SPNAV_MAX_CLIENTS) {
			log_error("spnav: %u clients already, hanging up on pid %d",
			          HM_SPNAV_MAX_CLIENTS, (int)cred.pid);
			close(fd);
			continue;
		}
		c = zalloc(sizeof(*c));
		if (!c) {
			close(fd);
			log_error("spnav: out of memory, hanging up on a client");
			continue;
		}
		c->server = s;
		c->serial = ++s->serial;
		c->sens = 1.0f;
		c->evmask = HM_SPNAV_EVMASK_MOTION | HM_SPNAV_EVMASK_BUTTON;
		hm_spnav_reader_init(&c->reader);
		c->source = hm_loop_add_fd(s->loop, fd, CLIENT_EVENTS, true, client_dispatch, c);
		if (!c->source) {
			log_warning_errno(errno, "spnav: cannot watch a client: %m, hanging up");
			close(fd);
			free(c);
			continue;
		}
		c->next = s->clients;
		s->clients = c;
		s->nclients++;
		if (s->nclients == 1 && s->clients_fn)
			s->clients_fn(s->clients_userdata, 1);
		log_debug("spnav: client %u connected (pid %d)", c->serial, (int)cred.pid);
	}
}

/* ---- the server ----------------------------------------------------------- */

/* The socket's directory, 0700 and ours (the control socket's too, when
 * that came first). */
static int make_parent_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != getuid())
		return -EPERM;
	return 0;
}

static bool socket_alive(const struct sockaddr_un *sa)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	return fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
}

int hm_spnav_server_new(struct hm_loop *loop, const char *path, struct hm_spnav_server **ret)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	struct hm_spnav_server *s;
	mode_t old;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	r = make_parent_dir(path);
	if (r < 0)
		return r;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* no moment where another user could connect */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (r < 0 && errno == EADDRINUSE && !socket_alive(&sa) &&
	    (unlink(sa.sun_path) == 0 || errno == ENOENT))
		r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return -errno;
	if (chmod(sa.sun_path, 0600) < 0 || listen(fd, 16) < 0) {
		r = -errno;
		unlink(sa.sun_path);
		return r;
	}
	s = zalloc(sizeof(*s));
	if (!s) {
		unlink(sa.sun_path);
		return -ENOMEM;
	}
	s->loop = loop;
	s->led = 1;
	s->listen_source = hm_loop_add_fd(loop, fd, EPOLLIN, true, listen_dispatch, s);
	if (!s->listen_source) {
		r = -errno;
		unlink(sa.sun_path);
		free(s);
		return r;
	}
	fd = -1;
	snprintf(s->path, sizeof(s->path), "%s", sa.sun_path);
	*ret = s;
	return 0;
}

void hm_spnav_server_free(struct hm_spnav_server *s)
{
	if (!s)
		return;
	s->clients_fn = NULL; /* the daemon is going too */
	while (s->clients)
		client_close(s->clients, NULL);
	while (s->devices) {
		struct hm_spnav_device *d = s->devices;

		s->devices = d->next;
		free(d);
	}
	hm_source_remove(s->listen_source);
	if (s->path[0])
		unlink(s->path);
	/* the link, if it is still ours; in the unit's sandbox this fails
	 * (read-only), and the link waits for the next start */
	if (s->link[0] && link_is_ours(s->link, s->link_target, s->path) == 1)
		(void)unlink(s->link);
	free(s);
}

struct hm_spnav_device *hm_spnav_server_add_device(struct hm_spnav_server *s,
                                                   const struct hm_spnav_device_desc *desc)
{
	struct hm_spnav_device *d = zalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->server = s;
	d->desc = *desc;
	snprintf(d->name, sizeof(d->name), "%s", desc->name ? desc->name : "");
	snprintf(d->path, sizeof(d->path), "%s", desc->path ? desc->path : "");
	d->desc.name = d->name;
	d->desc.path = d->path;
	d->id = s->next_id++;
	d->last_motion_us = hm_now_usec();
	/* spacenavd puts a new device first: it is the one clients ask about */
	d->next = s->devices;
	s->devices = d;
	broadcast_dev(s, d, false);
	return d;
}

void hm_spnav_server_remove_device(struct hm_spnav_server *s, struct hm_spnav_device *dev)
{
	if (!dev)
		return;
	for (struct hm_spnav_device **p = &s->devices; *p; p = &(*p)->next)
		if (*p == dev) {
			*p = dev->next;
			break;
		}
	broadcast_dev(s, dev, true);
	free(dev);
}

void hm_spnav_device_set_settings(struct hm_spnav_device *dev,
                                  const struct hm_spnav_settings *settings)
{
	dev->desc.settings = *settings;
}

unsigned hm_spnav_server_nclients(const struct hm_spnav_server *s)
{
	return s ? s->nclients : 0;
}

uint64_t hm_spnav_server_dropped(const struct hm_spnav_server *s)
{
	return s ? s->dropped : 0;
}
