/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hidapi/hidapi.h>

#include "event-loop.h"
#include "hid-reader.h"
#include "util-log.h"
#include "util-strings.h"

#define RING_SLOTS  256
#define WAKE_SIGNAL (SIGRTMIN + 1)

struct hm_hid_reader {
	hid_device *rd; /* reader thread only */
	hid_device *wr; /* loop thread only */
	struct hm_ring *ring;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	atomic_bool dead;
	char path[PATH_MAX];
};

static void wake_handler(int signo)
{
	/* only there so that the signal interrupts read(2) with EINTR */
}

int hm_hid_reader_setup_signals(void)
{
	struct sigaction sa = {.sa_handler = wake_handler}; /* no SA_RESTART */
	sigset_t set;

	if (sigaction(WAKE_SIGNAL, &sa, NULL) < 0)
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, WAKE_SIGNAL);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/*
 * hidapi 0.13.1 opens hidraw nodes without O_CLOEXEC and gives no way to
 * reach the fd; find the fds that point at the node and mark them.
 */
static void set_cloexec_on_node(const char *path)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char link[PATH_MAX], target[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd;
		ssize_t l;

		if (safe_atoi(de->d_name, &fd) < 0 || fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		l = readlink(link, target, sizeof(target) - 1);
		if (l <= 0)
			continue;
		target[l] = '\0';
		if (streq(target, path))
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
}

static void *reader_main(void *arg)
{
	struct hm_hid_reader *r = arg;
	size_t max = hm_ring_slot_size(r->ring);
	uint8_t scratch[64];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, WAKE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!atomic_load(&r->stop)) {
		struct hm_ring_slot *slot = hm_ring_reserve(r->ring);
		int n;

		/* When the ring is full the report is read and dropped, so the
		 * kernel's buffer does not fill up with stale reports. */
		if (slot)
			n = hid_read_timeout(r->rd, slot->data, max, -1);
		else
			n = hid_read_timeout(r->rd, scratch, sizeof(scratch), -1);
		if (atomic_load(&r->stop))
			break;
		if (n <= 0) {
			/* read(2) on a hidraw node fails (EIO, ENODEV) once the
			 * device is gone; 0 never happens on a blocking read */
			atomic_store(&r->dead, true);
			hm_ring_kick(r->ring);
			break;
		}
		if (slot) {
			slot->size = (uint32_t)n;
			slot->time_us = hm_now_usec();
			hm_ring_commit(r->ring);
		} else {
			hm_ring_count_drop(r->ring);
		}
	}
	return NULL;
}

int hm_hid_reader_open(const char *path, size_t max_report, struct hm_hid_reader **ret)
{
	_cleanup_(hm_hid_reader_closep) struct hm_hid_reader *r = NULL;
	int e;

	r = zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	snprintf(r->path, sizeof(r->path), "%s", path);
	atomic_init(&r->stop, false);
	atomic_init(&r->dead, false);

	e = hm_ring_new(RING_SLOTS, max_report, &r->ring);
	if (e < 0)
		return e;

	/* hidapi reports errors as -1 and a string: convert here, once */
	r->rd = hid_open_path(path);
	if (!r->rd)
		return errno ? -errno : -EIO;
	r->wr = hid_open_path(path);
	if (!r->wr)
		return errno ? -errno : -EIO;
	set_cloexec_on_node(path);

	e = pthread_create(&r->thread, NULL, reader_main, r);
	if (e != 0)
		return -e;
	r->thread_started = true;

	*ret = steal(&r);
	return 0;
}

static void stop_thread(struct hm_hid_reader *r)
{
	struct timespec ts;

	atomic_store(&r->stop, true);
	/* The signal may land just before the thread enters read(2); repeat
	 * until it has left.  This only runs when a device is let go. */
	for (;;) {
		if (pthread_kill(r->thread, WAKE_SIGNAL) != 0)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_timedjoin_np(r->thread, NULL, &ts) == 0)
			return;
	}
	pthread_join(r->thread, NULL);
}

void hm_hid_reader_close(struct hm_hid_reader *r)
{
	if (!r)
		return;
	if (r->thread_started)
		stop_thread(r);
	if (r->rd)
		hid_close(r->rd);
	if (r->wr)
		hid_close(r->wr);
	hm_ring_free(r->ring);
	free(r);
}

struct hm_ring *hm_hid_reader_ring(struct hm_hid_reader *r)
{
	return r->ring;
}

bool hm_hid_reader_dead(struct hm_hid_reader *r)
{
	return atomic_load(&r->dead);
}

int hm_hid_reader_write(void *reader, const uint8_t *data, size_t size)
{
	struct hm_hid_reader *r = reader;
	int n = hid_write(r->wr, data, size);

	return n < 0 ? (errno ? -errno : -EIO) : n;
}

int hm_hid_reader_send_feature(void *reader, const uint8_t *data, size_t size)
{
	struct hm_hid_reader *r = reader;
	int n = hid_send_feature_report(r->wr, data, size);

	return n < 0 ? (errno ? -errno : -EIO) : n;
}

int hm_hid_reader_get_feature(void *reader, uint8_t *data, size_t size)
{
	struct hm_hid_reader *r = reader;
	int n = hid_get_feature_report(r->wr, data, size);

	return n < 0 ? (errno ? -errno : -EIO) : n;
}
