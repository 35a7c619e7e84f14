/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "event-loop.h"
#include "util-log.h"

#define MAX_BATCH 32

struct hm_source {
	struct hm_loop *loop;
	int fd;
	bool owns_fd;
	bool removed;
	hm_source_fn fn;
	void *data;
	struct hm_source *next;      /* all sources */
	struct hm_source *next_dead; /* removed, waiting for the batch to end */
	/* for signal sources */
	hm_signal_fn signal_fn;
};

struct hm_loop {
	int epfd;
	bool quit;
	uint64_t wakeups;
	struct hm_source *sources;
	struct hm_source *dead;
};

struct hm_timer {
	struct hm_source *source;
	hm_timer_fn fn;
	void *data;
};

uint64_t hm_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int hm_loop_new(struct hm_loop **ret)
{
	struct hm_loop *loop = zalloc(sizeof(*loop));

	if (!loop)
		return -ENOMEM;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int r = -errno;
		free(loop);
		return r;
	}
	*ret = loop;
	return 0;
}

static void source_destroy(struct hm_source *s)
{
	if (s->owns_fd)
		safe_close(s->fd);
	free(s);
}

static void reap(struct hm_loop *loop)
{
	while (loop->dead) {
		struct hm_source *s = loop->dead;

		loop->dead = s->next_dead;
		source_destroy(s);
	}
}

void hm_loop_free(struct hm_loop *loop)
{
	if (!loop)
		return;
	while (loop->sources)
		hm_source_remove(loop->sources);
	reap(loop);
	safe_close(loop->epfd);
	free(loop);
}

struct hm_source *hm_loop_add_fd(struct hm_loop *loop, int fd, uint32_t events, bool owns_fd,
                                 hm_source_fn fn, void *data)
{
	struct epoll_event ev = {.events = events};
	struct hm_source *s = zalloc(sizeof(*s));

	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->loop = loop;
	s->fd = fd;
	s->owns_fd = owns_fd;
	s->fn = fn;
	s->data = data;
	ev.data.ptr = s;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int saved = errno;
		free(s);
		errno = saved;
		return NULL;
	}
	s->next = loop->sources;
	loop->sources = s;
	return s;
}

int hm_source_set_events(struct hm_source *s, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = s};

	if (s->removed)
		return -EBADF;
	return epoll_ctl(s->loop->epfd, EPOLL_CTL_MOD, s->fd, &ev) < 0 ? -errno : 0;
}

void hm_source_remove(struct hm_source *s)
{
	struct hm_loop *loop;

	if (!s || s->removed)
		return;
	loop = s->loop;
	s->removed = true;
	(void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	for (struct hm_source **p = &loop->sources; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	s->next_dead = loop->dead;
	loop->dead = s;
}

int hm_source_get_fd(const struct hm_source *s)
{
	return s->fd;
}

int hm_loop_dispatch(struct hm_loop *loop, int timeout_ms)
{
	struct epoll_event events[MAX_BATCH];
	int n;

	n = epoll_wait(loop->epfd, events, MAX_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	loop->wakeups++;
	for (int i = 0; i < n; i++) {
		struct hm_source *s = events[i].data.ptr;

		/* a callback earlier in this batch may have removed it */
		if (!s->removed)
			s->fn(s, events[i].events, s->data);
	}
	reap(loop);
	return n;
}

int hm_loop_run(struct hm_loop *loop)
{
	loop->quit = false;
	while (!loop->quit) {
		int r = hm_loop_dispatch(loop, -1);

		if (r < 0)
			return r;
	}
	return 0;
}

void hm_loop_quit(struct hm_loop *loop)
{
	loop->quit = true;
}

uint64_t hm_loop_wakeups(const struct hm_loop *loop)
{
	return loop->wakeups;
}

static void timer_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct hm_timer *t = data;
	uint64_t expirations;

	if (read(s->fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return; /* spurious: disarmed or re-armed meanwhile */
	t->fn(t, t->data);
}

struct hm_timer *hm_timer_new(struct hm_loop *loop, hm_timer_fn fn, void *data)
{
	struct hm_timer *t = zalloc(sizeof(*t));
	int fd;

	if (!t)
		return NULL;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0) {
		free(t);
		return NULL;
	}
	t->fn = fn;
	t->data = data;
	t->source = hm_loop_add_fd(loop, fd, EPOLLIN, true, timer_dispatch, t);
	if (!t->source) {
		close(fd);
		free(t);
		return NULL;
	}
	return t;
}

int hm_timer_arm(struct hm_timer *t, uint64_t usec)
{
	struct itimerspec its = {
	    .it_value.tv_sec = (time_t)(usec / 1000000u),
	    .it_value.tv_nsec = (long)(usec % 1000000u) * 1000,
	};

	if (timerfd_settime(t->source->fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

void hm_timer_free(struct hm_timer *t)
{
	if (!t)
		return;
	hm_source_remove(t->source);
	free(t);
}

static void signal_dispatch(struct hm_source *s, uint32_t events, void *data)
{
	struct signalfd_siginfo si;

	while (read(s->fd, &si, sizeof(si)) == sizeof(si))
		s->signal_fn((int)si.ssi_signo, data);
}

struct hm_source *hm_loop_add_signals(struct hm_loop *loop, const sigset_t *mask, hm_signal_fn fn,
                                      void *data)
{
	struct hm_source *s;
	int fd;

	if (pthread_sigmask(SIG_BLOCK, mask, NULL) != 0)
		return NULL;
	fd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return NULL;
	s = hm_loop_add_fd(loop, fd, EPOLLIN, true, signal_dispatch, data);
	if (!s) {
		close(fd);
		return NULL;
	}
	s->signal_fn = fn;
	return s;
}
