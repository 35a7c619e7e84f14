/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hidapi/hidapi.h>

#include "hid-devices.h"
#include "hid-reader.h"
#include "util-log.h"
#include "util-strings.h"

struct hm_hid_reader {
	int fd;           /* the loop's: input reports */
	struct hm_rq *rq; /* owns the hid_device: requests, on its worker */
};

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

/* hidapi reports errors as -1 and a string: converted here, once */
static int hidapi_result(int n)
{
	return n < 0 ? (errno ? -errno : -EIO) : n;
}

/* The worker's side: the blocking hidapi calls. */
static int exec_request(void *ctx, enum hm_request_type type, uint8_t *data, size_t size,
                        size_t cap)
{
	hid_device *dev = ctx;

	errno = 0;
	switch (type) {
	case HM_REQUEST_OUTPUT:
		return hidapi_result(hid_write(dev, data, size));
	case HM_REQUEST_SET_FEATURE:
		return hidapi_result(hid_send_feature_report(dev, data, size));
	case HM_REQUEST_GET_FEATURE:
		return hidapi_result(hid_get_feature_report(dev, data, size));
	case HM_REQUEST_GET_INPUT:
		/* HIDIOCGINPUT */
		return hidapi_result(hid_get_input_report(dev, data, size));
	}
	return -EINVAL;
}

static void close_hid_device(void *ctx)
{
	hid_close(ctx);
}

int hm_hid_reader_open(const char *path, size_t request_size, struct hm_hid_reader **ret)
{
	_cleanup_(hm_hid_reader_closep) struct hm_hid_reader *r = NULL;
	hid_device *dev;
	int e;

	r = zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0)
		return -errno;

	dev = hm_hid_open_path(path); /* hidapi's global error: one at a time */
	if (!dev)
		return errno ? -errno : -EIO;
	set_cloexec_on_node(path);
	e = hm_rq_new(HM_REQUEST_SLOTS, request_size, HM_REQUEST_TIMEOUT_US, exec_request,
	              close_hid_device, dev, &r->rq);
	if (e < 0) {
		hid_close(dev);
		return e;
	}
	*ret = steal(&r);
	return 0;
}

void hm_hid_reader_close(struct hm_hid_reader *r)
{
	if (!r)
		return;
	hm_rq_free(r->rq);
	safe_close(r->fd);
	free(r);
}

void hm_hid_reader_cancel(struct hm_hid_reader *r)
{
	if (r)
		hm_rq_cancel(r->rq);
}

void hm_hid_reader_close_wait(struct hm_hid_reader *r)
{
	if (!r)
		return;
	hm_rq_free_wait(r->rq); /* the hid_device is closed once its worker left it */
	safe_close(r->fd);
	free(r);
}

int hm_hid_reader_fd(const struct hm_hid_reader *r)
{
	return r->fd;
}

struct hm_rq *hm_hid_reader_requests(struct hm_hid_reader *r)
{
	return r->rq;
}

bool hm_hid_read_error_is_gone(int err, int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	switch (err) {
	case ENODEV:
		return true;
	case EIO:
		/* hidraw_read() answers EIO once the device no longer exists,
		 * and hidraw_poll() EPOLLHUP|EPOLLERR then */
		return poll(&p, 1, 0) >= 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
	default:
		return false;
	}
}

int hm_hid_read_report(int fd, uint8_t *buf, size_t size)
{
	for (;;) {
		ssize_t n = read(fd, buf, size);

		if (n > 0)
			return (int)n;
		if (n == 0)
			return 0; /* hidraw never returns 0; a test's socket at its end */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return hm_hid_read_error_is_gone(errno, fd) ? -ENODEV : -errno;
	}
}

int hm_hid_open_for_reading(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int hm_hid_wait_report(int fd, uint8_t *buf, size_t size, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);

	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	if (p.revents & POLLNVAL)
		return -EBADF;
	r = hm_hid_read_report(fd, buf, size);
	/* hung up with nothing left to read: gone (hidraw's read() answers
	 * EIO then, which hm_hid_read_report() already calls gone) */
	if (r == 0 && (p.revents & (POLLHUP | POLLERR)))
		return -ENODEV;
	return r;
}
