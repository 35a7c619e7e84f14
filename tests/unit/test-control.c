/* SPDX-License-Identifier: MIT */
/*
 * The control socket's protocol (src/io/control.h) against a fake daemon:
 * the expected replies are written from the protocol description in
 * control.h, not captured from the program.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "control.h"
#include "event-loop.h"
#include "latency.h"

/* ---- latency histogram ----------------------------------------------------- */

static void test_latency_buckets(void **state)
{
	/* exact below 8 µs */
	for (unsigned us = 0; us < 8; us++) {
		assert_int_equal(hm_latency_bucket(us), us);
		assert_int_equal(hm_latency_bucket_max(us), us);
	}
	/* then four buckets per power of two: 8-9 10-11 12-13 14-15, 16-19 ... */
	assert_int_equal(hm_latency_bucket(8), hm_latency_bucket(9));
	assert_int_not_equal(hm_latency_bucket(9), hm_latency_bucket(10));
	assert_int_equal(hm_latency_bucket_max(hm_latency_bucket(8)), 9);
	assert_int_equal(hm_latency_bucket_max(hm_latency_bucket(15)), 15);
	assert_int_equal(hm_latency_bucket_max(hm_latency_bucket(16)), 19);
	assert_int_equal(hm_latency_bucket_max(hm_latency_bucket(1000)), 1023);
	/* a bucket is at most 25% wide: its bound is within 25% of any sample in it */
	for (uint64_t us = 8; us < 10000000; us = us * 9 / 8 + 1) {
		uint64_t max = hm_latency_bucket_max(hm_latency_bucket(us));

		assert_true(max >= us);
		assert_true(max - us <= us / 4);
	}
	/* anything huge lands in the last one */
	assert_int_equal(hm_latency_bucket(UINT64_MAX), HM_LATENCY_BUCKETS - 1);
}

static void test_latency_percentiles(void **state)
{
	struct hm_latency h = {0};

	assert_int_equal(hm_latency_percentile(&h, 500), 0);
	for (unsigned us = 1; us <= 100; us++)
		hm_latency_add(&h, us);
	assert_int_equal(h.count, 100);
	/* the 50th sample is 50, in 48-55 (32-63 in quarters) */
	assert_int_equal(hm_latency_percentile(&h, 500), 55);
	/* the 99th is 99, in 96-111; capped by the largest sample, 100 */
	assert_int_equal(hm_latency_percentile(&h, 990), 100);
	/* the 1st is 1, exact */
	assert_int_equal(hm_latency_percentile(&h, 10), 1);
}

/* ---- a fake daemon ----------------------------------------------------------- */

struct fake {
	struct hm_loop *loop;
	struct hm_control *ctl;
	char path[108];
	char dir[64];
	int reload_result;
	const char *reload_error;
	int monitor_calls;
	bool monitoring;
};

static void fake_status(void *userdata, struct hm_control_client *c)
{
	static const char *const files[] = {"/etc/hidmapd/a.ini", "/home/u/.config/hidmapd/b.ini"};
	const struct hm_status_daemon d = {
	    .uptime_us = 12345678,
	    .ndevices = 2,
	    .config_files = files,
	    .nconfig_files = 2,
	    .log_dropped = 510,
	};
	const struct hm_status_output outs[] = {
	    {.name = "Pad Keyboard",
	     .node = "/dev/input/event7",
	     .ff = true,
	     .ff_uploaded = 2,
	     .ff_played = 5},
	    {.name = "Pad Mouse", .phys = "hidmapd/hidraw3/input1"},
	};
	const struct hm_status_device dev1 = {
	    .path = "/dev/hidraw3",
	    .name = "Pad",
	    .vendor = 0x1209,
	    .product = 0x0001,
	    .module = "generic",
	    .section = "pad",
	    .reports = 10,
	    .decode_errors = 1,
	    .ignored = 2,
	    .dropped = 3,
	    .overflows = 4,
	    .resyncs = 5,
	    .timed_out = 6,
	    .latency_samples = 10,
	    .latency_p50_us = 12,
	    .latency_p99_us = 40,
	    .battery_status = "discharging",
	    .battery_percent = 80,
	    .link = "pad connected, lizard mode off",
	    .outputs = outs,
	    .noutputs = 2,
	};
	const struct hm_status_device dev2 = {
	    .path = "/dev/hidraw4",
	    .name = "Jog\x1b[2J", /* from the device: escaped in the reply */
	    .vendor = 0x0b33,
	    .product = 0x0020,
	    .module = "shuttlexpress",
	    .gone_us = 2500000,
	};
	const struct hm_status_device dev3 = {
	    .path = "/dev/hidraw5",
	    .name = "Slow",
	    .vendor = 0x1209,
	    .product = 0x0002,
	    .module = "generic",
	    .initializing = true,
	    .battery_status = "charging", /* a level it did not say */
	    .battery_percent = -1,
	};

	hm_control_status_daemon(c, &d);
	hm_control_status_device(c, &dev1);
	hm_control_status_device(c, &dev2);
	hm_control_status_device(c, &dev3);
}

static int fake_reload(void *userdata, char *err, size_t errsize)
{
	struct fake *f = userdata;

	if (f->reload_error)
		snprintf(err, errsize, "%s", f->reload_error);
	return f->reload_result;
}

static void fake_monitor(void *userdata, bool active)
{
	struct fake *f = userdata;

	f->monitor_calls++;
	f->monitoring = active;
}

static const struct hm_control_ops fake_ops = {
    .status = fake_status,
    .reload = fake_reload,
    .monitor = fake_monitor,
};

static void fake_start(struct fake *f, uid_t uid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-control-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/control", f->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	assert_int_equal(hm_loop_new(&f->loop), 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 32), 0);
	assert_int_equal(hm_control_new_fd(f->loop, fd, uid, &fake_ops, f, &f->ctl), 0);
}

static void fake_stop(struct fake *f)
{
	hm_control_free(f->ctl);
	hm_loop_free(f->loop);
	unlink(f->path);
	rmdir(f->dir);
}

static int client_connect(struct fake *f)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* let the daemon side accept it */
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(f->loop, 10);
	return fd;
}

static void client_send(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

static bool reply_complete(const char *buf)
{
	size_t len = strlen(buf);
	const char *last;

	if (!len || buf[len - 1] != '\n')
		return false;
	/* the last line */
	last = buf + len - 1;
	while (last > buf && last[-1] != '\n')
		last--;
	return strncmp(last, "ok\n", 3) == 0 || strncmp(last, "error: ", 7) == 0;
}

/* Runs the loop and reads until a whole reply, or with until_eof until the
 * daemon hangs up or stays quiet for 100 ms.  *ret_eof: the daemon closed. */
static void client_read(struct fake *f, int fd, char *buf, size_t size, bool until_eof,
                        bool *ret_eof)
{
	size_t len = 0;
	bool eof = false;

	buf[0] = '\0';
	for (int i = 0, quiet = 0; i < 200 && !eof && quiet < 20; i++) {
		ssize_t n;

		(void)hm_loop_dispatch(f->loop, 5);
		quiet++;
		while ((n = recv(fd, buf + len, size - 1 - len, MSG_DONTWAIT)) > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			quiet = 0;
		}
		if (n == 0)
			eof = true;
		if (!until_eof && reply_complete(buf))
			break;
	}
	if (ret_eof)
		*ret_eof = eof;
}

static void test_status(void **state)
{
	struct fake f;
	char buf[4096];
	int fd;

	fake_start(&f, getuid());
	fd = client_connect(&f);
	assert_int_equal(hm_control_nclients(f.ctl), 1);
	client_send(fd, "status\n");
	client_read(&f, fd, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf,
	                    "daemon uptime 12.345s devices 2\n"
	                    "log dropped 510 (stderr was not taking them)\n"
	                    "config /etc/hidmapd/a.ini\n"
	                    "config /home/u/.config/hidmapd/b.ini\n"
	                    "device /dev/hidraw3 1209:0001 \"Pad\" module generic config pad\n"
	                    "  state driven\n"
	                    "  battery 80% discharging\n"
	                    "  link pad connected, lizard mode off\n"
	                    "  output 0 /dev/input/event7 \"Pad Keyboard\"\n"
	                    "    force-feedback uploaded 2 played 5\n"
	                    "  output 1 phys hidmapd/hidraw3/input1 \"Pad Mouse\"\n"
	                    "  reports 10 decode-errors 1 ignored 2 dropped 3\n"
	                    "  overflows 4 resyncs 5 timed-out 6\n"
	                    "  latency p50 12us p99 40us samples 10\n"
	                    "device /dev/hidraw4 0b33:0020 \"Jog\\x1b[2J\" module shuttlexpress "
	                    "config (none)\n"
	                    "  state unplugged, kept 2.500s\n"
	                    "  reports 0 decode-errors 0 ignored 0 dropped 0\n"
	                    "  overflows 0 resyncs 0 timed-out 0\n"
	                    "  latency none\n"
	                    "device /dev/hidraw5 1209:0002 \"Slow\" module generic "
	                    "config (none)\n"
	                    "  state initializing\n"
	                    "  battery charging\n"
	                    "  reports 0 decode-errors 0 ignored 0 dropped 0\n"
	                    "  overflows 0 resyncs 0 timed-out 0\n"
	                    "  latency none\n"
	                    "ok\n");
	/* requests on one connection are answered in order, every line (a
	 * blank one with an error); CRLF is fine */
	client_send(fd, "\r\nbogus\r\nreload\n");
	client_read(&f, fd, buf, sizeof(buf), true, NULL);
	assert_string_equal(buf, "error: empty request (status, reload or monitor)\n"
	                         "error: unknown command 'bogus' (status, reload or monitor)\n"
	                         "ok\n");
	close(fd);
	fake_stop(&f);
}

static void test_reload_error(void **state)
{
	struct fake f;
	char buf[1024];
	int fd;

	fake_start(&f, getuid());
	f.reload_result = -EINVAL;
	f.reload_error = "/etc/hidmapd/a.ini:3: unknown key 'foo'";
	fd = client_connect(&f);
	client_send(fd, "reload\n");
	client_read(&f, fd, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "error: /etc/hidmapd/a.ini:3: unknown key 'foo'\n");
	/* no message: the errno's */
	f.reload_error = NULL;
	client_send(fd, "reload\n");
	client_read(&f, fd, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "error: Invalid argument\n");
	close(fd);
	fake_stop(&f);
}

static void test_unknown_command_is_sanitized(void **state)
{
	struct fake f;
	char buf[1024];
	int fd;

	fake_start(&f, getuid());
	fd = client_connect(&f);
	client_send(fd, "st\001tus \033[31m\n");
	client_read(&f, fd, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf,
	                    "error: unknown command 'st?tus ?[31m' (status, reload or monitor)\n");
	close(fd);
	fake_stop(&f);
}

static void test_request_too_long(void **state)
{
	struct fake f;
	char req[HM_CONTROL_MAX_REQUEST + 16], buf[1024];
	bool eof;
	int fd;

	fake_start(&f, getuid());
	/* the longest request: 255 bytes and the newline */
	fd = client_connect(&f);
	memset(req, ' ', sizeof(req));
	memcpy(req, "status", 6);
	req[HM_CONTROL_MAX_REQUEST - 1] = '\n';
	req[HM_CONTROL_MAX_REQUEST] = '\0';
	client_send(fd, req);
	client_read(&f, fd, buf, sizeof(buf), false, &eof);
	assert_false(eof);
	assert_non_null(strstr(buf, "\nok\n"));
	/* one more byte: refused and hung up */
	req[HM_CONTROL_MAX_REQUEST - 1] = ' ';
	req[HM_CONTROL_MAX_REQUEST] = '\n';
	req[HM_CONTROL_MAX_REQUEST + 1] = '\0';
	client_send(fd, req);
	client_read(&f, fd, buf, sizeof(buf), true, &eof);
	assert_true(eof);
	assert_string_equal(buf, "error: request longer than 255 bytes\n");
	assert_int_equal(hm_control_nclients(f.ctl), 0);
	close(fd);
	fake_stop(&f);
}

static void test_peer_uid_rejected(void **state)
{
	struct fake f;
	char buf[256];
	bool eof;
	int fd;

	/* a daemon of another uid: we are the stranger */
	fake_start(&f, getuid() + 1);
	fd = client_connect(&f);
	assert_int_equal(hm_control_nclients(f.ctl), 0);
	(void)send(fd, "status\n", 7, MSG_NOSIGNAL);
	client_read(&f, fd, buf, sizeof(buf), true, &eof);
	assert_true(eof);
	assert_string_equal(buf, "");
	close(fd);
	fake_stop(&f);
}

static void test_max_clients(void **state)
{
	struct fake f;
	int fds[HM_CONTROL_MAX_CLIENTS], extra;
	char buf[4096];
	bool eof;

	fake_start(&f, getuid());
	for (int i = 0; i < HM_CONTROL_MAX_CLIENTS; i++)
		fds[i] = client_connect(&f);
	assert_int_equal(hm_control_nclients(f.ctl), HM_CONTROL_MAX_CLIENTS);
	/* one more: the one quiet the longest (the first) makes room */
	extra = client_connect(&f);
	client_read(&f, fds[0], buf, sizeof(buf), true, &eof);
	assert_true(eof);
	assert_string_equal(buf,
	                    "error: too many connections, closing the one quiet the longest\n");
	assert_int_equal(hm_control_nclients(f.ctl), HM_CONTROL_MAX_CLIENTS);
	client_send(extra, "status\n");
	client_read(&f, extra, buf, sizeof(buf), false, &eof);
	assert_false(eof);
	assert_non_null(strstr(buf, "\nok\n"));
	assert_int_equal(hm_control_get_stats(f.ctl)->evicted, 1);
	close(extra);
	/* one goes, another may come */
	close(fds[0]);
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(f.loop, 5);
	assert_int_equal(hm_control_nclients(f.ctl), HM_CONTROL_MAX_CLIENTS - 1);
	fds[0] = client_connect(&f);
	assert_int_equal(hm_control_nclients(f.ctl), HM_CONTROL_MAX_CLIENTS);
	for (int i = 0; i < HM_CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	fake_stop(&f);
}

/* Counts the lines of what fd has now, without the loop running. */
static unsigned drain_lines(int fd, const char *prefix)
{
	char buf[65536];
	unsigned n = 0;
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[r] = '\0';
		for (char *p = buf; (p = strstr(p, prefix)); p += strlen(prefix))
			n++;
	}
	return n;
}

static unsigned reloads_called;

static int counting_reload(void *userdata, char *err, size_t errsize)
{
	reloads_called++;
	return 0;
}

/* A flood of lines is served a budget at a time: one loop iteration
 * answers HM_CONTROL_LINE_BUDGET of them, and another client's status is
 * answered in the same iteration. */
static void test_line_budget(void **state)
{
	struct fake f;
	char flood[4000], buf[4096];
	unsigned answered = 0, rounds = 0;
	int fd, other;

	fake_start(&f, getuid());
	fd = client_connect(&f);
	other = client_connect(&f);
	memset(flood, '\n', sizeof(flood)); /* 4000 blank lines */
	assert_int_equal(send(fd, flood, sizeof(flood), MSG_NOSIGNAL), (ssize_t)sizeof(flood));
	client_send(other, "status\n");
	(void)hm_loop_dispatch(f.loop, 100);
	answered = drain_lines(fd, "error: empty request");
	assert_int_equal(answered, HM_CONTROL_LINE_BUDGET);
	/* the other client was not held up behind the flood */
	client_read(&f, other, buf, sizeof(buf), false, NULL);
	assert_non_null(strstr(buf, "\nok\n"));
	/* the rest come over the next iterations, every one answered */
	while (answered < sizeof(flood) && rounds++ < 2000) {
		(void)hm_loop_dispatch(f.loop, 100);
		answered += drain_lines(fd, "error: empty request");
	}
	assert_int_equal(answered, sizeof(flood));
	assert_true(rounds >= sizeof(flood) / HM_CONTROL_LINE_BUDGET - 2);
	close(fd);
	close(other);
	fake_stop(&f);
}

/* 1000 reloads in one write, and one from another client: a reload or
 * two, 1001 answers. */
static void test_reloads_merge(void **state)
{
	static const struct hm_control_ops ops = {.reload = counting_reload};
	struct fake f;
	char flood[7 * 1000 + 1];
	unsigned oks = 0, rounds = 0;
	int fd, other;

	fake_start(&f, getuid());
	hm_control_free(f.ctl);
	/* the listening socket went with it: a new one on the same path */
	unlink(f.path);
	{
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f.path);
		assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(listen(lfd, 32), 0);
		assert_int_equal(hm_control_new_fd(f.loop, lfd, getuid(), &ops, &f, &f.ctl), 0);
	}
	reloads_called = 0;
	fd = client_connect(&f);
	other = client_connect(&f);
	for (unsigned i = 0; i < 1000; i++)
		memcpy(flood + 7 * i, "reload\n", 7);
	assert_int_equal(send(fd, flood, 7000, MSG_NOSIGNAL), 7000);
	client_send(other, "reload\n");
	while (oks < 1001 && rounds++ < 200) {
		(void)hm_loop_dispatch(f.loop, 20);
		oks += drain_lines(fd, "ok\n") + drain_lines(other, "ok\n");
	}
	assert_int_equal(oks, 1001);
	assert_true(reloads_called >= 1 && reloads_called <= 2);
	assert_int_equal(hm_control_get_stats(f.ctl)->reloads_run, reloads_called);
	/* each run is started by one request per client at most */
	assert_true(hm_control_get_stats(f.ctl)->reloads_merged >= 1001 - 2 * reloads_called);
	close(fd);
	close(other);
	fake_stop(&f);
}

static unsigned reload_starts;

static void counting_reload_start(void *userdata)
{
	reload_starts++;
}

/* A reload that runs elsewhere (the daemon's work pool): answered when it
 * is done; a request that comes while it runs waits for the next one, and
 * the requests behind a reload wait for its answer. */
static void test_reload_async(void **state)
{
	static const struct hm_control_ops ops = {.reload_start = counting_reload_start};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct fake f;
	char buf[1024];
	int a, b, lfd;

	fake_start(&f, getuid());
	hm_control_free(f.ctl);
	unlink(f.path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f.path);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 32), 0);
	assert_int_equal(hm_control_new_fd(f.loop, lfd, getuid(), &ops, &f, &f.ctl), 0);
	reload_starts = 0;
	a = client_connect(&f);
	b = client_connect(&f);
	client_send(a, "reload\nbogus\n");
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(f.loop, 5);
	assert_int_equal(reload_starts, 1);
	assert_int_equal(drain_lines(a, "\n"), 0); /* no answer yet, nor to "bogus" */
	client_send(b, "reload\n");
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(f.loop, 5);
	assert_int_equal(reload_starts, 1); /* b waits for the next */
	hm_control_reload_done(f.ctl, 0, NULL);
	client_read(&f, a, buf, sizeof(buf), true, NULL);
	assert_string_equal(buf,
	                    "ok\nerror: unknown command 'bogus' (status, reload or monitor)\n");
	assert_int_equal(reload_starts, 2);
	assert_int_equal(drain_lines(b, "\n"), 0);
	hm_control_reload_done(f.ctl, -EINVAL, "a.ini:3: unknown key 'x'");
	client_read(&f, b, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "error: a.ini:3: unknown key 'x'\n");
	close(a);
	close(b);
	fake_stop(&f);
}

/* A connection that says nothing is closed after the idle limit; a
 * monitor is not. */
static void test_idle_timeout(void **state)
{
	struct fake f;
	char buf[256];
	bool eof;
	int idle, mon;

	fake_start(&f, getuid());
	hm_control_set_limits(f.ctl, &(struct hm_control_limits){.lines = 8, .idle_us = 50000});
	idle = client_connect(&f);
	mon = client_connect(&f);
	client_send(mon, "monitor\n");
	client_read(&f, mon, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "ok\n");
	client_read(&f, idle, buf, sizeof(buf), true, &eof);
	assert_true(eof);
	assert_string_equal(buf, "error: idle for too long, closing\n");
	assert_int_equal(hm_control_nclients(f.ctl), 1);
	assert_int_equal(hm_control_get_stats(f.ctl)->idle_closed, 1);
	close(idle);
	close(mon);
	fake_stop(&f);
}

static void test_monitor(void **state)
{
	struct fake f;
	char buf[1024];
	int fd, fd2;

	fake_start(&f, getuid());
	assert_false(hm_control_monitoring(f.ctl));
	fd = client_connect(&f);
	client_send(fd, "monitor\n");
	client_read(&f, fd, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "ok\n");
	assert_true(f.monitoring);
	assert_int_equal(f.monitor_calls, 1);
	assert_true(hm_control_monitoring(f.ctl));

	/* a second monitor does not install the taps again */
	fd2 = client_connect(&f);
	client_send(fd2, "monitor\nstatus\n"); /* input after monitor is ignored */
	client_read(&f, fd2, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "ok\n");
	assert_int_equal(f.monitor_calls, 1);

	hm_control_monitor_line(f.ctl, "hidraw3 in  EV_KEY BTN_0 1");
	hm_control_monitor_line(f.ctl, "hidraw3 out#1 EV_KEY KEY_SPACE 1");
	client_read(&f, fd, buf, sizeof(buf), true, NULL);
	assert_string_equal(buf, "hidraw3 in  EV_KEY BTN_0 1\nhidraw3 out#1 EV_KEY KEY_SPACE 1\n");
	client_read(&f, fd2, buf, sizeof(buf), true, NULL);
	assert_string_equal(buf, "hidraw3 in  EV_KEY BTN_0 1\nhidraw3 out#1 EV_KEY KEY_SPACE 1\n");

	/* the taps go when the last monitor does */
	close(fd);
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(f.loop, 5);
	assert_true(f.monitoring);
	close(fd2);
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(f.loop, 5);
	assert_false(f.monitoring);
	assert_int_equal(f.monitor_calls, 2);
	assert_false(hm_control_monitoring(f.ctl));
	fake_stop(&f);
}

/* A monitor that does not read: the loop never blocks, events are
 * dropped and counted, and the client learns how many, in order. */
static void test_monitor_slow_client_drops(void **state)
{
	struct fake f;
	char line[64], buf[8192];
	static char got[1 << 22];
	size_t len = 0, sent = 0, before = 0;
	unsigned long long reported = 0;
	const char *p, *dropped;
	int fd, rcvbuf = 4096;

	fake_start(&f, getuid());
	fd = client_connect(&f);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	client_send(fd, "monitor\n");
	client_read(&f, fd, buf, sizeof(buf), false, NULL);
	assert_string_equal(buf, "ok\n");

	/* nobody reads: the socket and then the 64 KiB buffer fill up */
	while (hm_control_monitor_dropped(f.ctl) < 100) {
		snprintf(line, sizeof(line), "ev %zu", sent++);
		hm_control_monitor_line(f.ctl, line);
		assert_true(sent < 1000000);
	}
	/* now read everything, letting the loop flush */
	for (int i = 0; i < 2000; i++) {
		ssize_t n;

		(void)hm_loop_dispatch(f.loop, 1);
		while ((n = recv(fd, got + len, sizeof(got) - 1 - len, MSG_DONTWAIT)) > 0)
			len += (size_t)n;
		got[len] = '\0';
		if (strstr(got, "dropped "))
			break;
	}
	hm_control_monitor_line(f.ctl, "end");
	for (int i = 0; i < 200 && !strstr(got, "\nend\n"); i++) {
		ssize_t n;

		(void)hm_loop_dispatch(f.loop, 1);
		while ((n = recv(fd, got + len, sizeof(got) - 1 - len, MSG_DONTWAIT)) > 0)
			len += (size_t)n;
		got[len] = '\0';
	}
	/* ev 0 .. ev K-1 arrive whole and in order, then "dropped N" with
	 * K + N the events sent, then "end" */
	p = got;
	while (strncmp(p, "ev ", 3) == 0) {
		char want[32];

		snprintf(want, sizeof(want), "ev %zu\n", before);
		assert_int_equal(strncmp(p, want, strlen(want)), 0);
		p += strlen(want);
		before++;
	}
	dropped = p;
	assert_int_equal(sscanf(dropped, "dropped %llu\n", &reported), 1);
	assert_int_equal(reported, hm_control_monitor_dropped(f.ctl));
	assert_int_equal(before + reported, sent);
	p = strchr(dropped, '\n') + 1;
	assert_string_equal(p, "end\n");
	close(fd);
	fake_stop(&f);
}

static void test_socket_setup(void **state)
{
	char rt[64] = "/tmp/test-control-rt-XXXXXX", path[108], dir[96];
	struct hm_control *ctl, *ctl2;
	struct hm_loop *loop;
	struct stat st;
	int fd;

	assert_int_equal(hm_loop_new(&loop), 0);
	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(hm_control_new(loop, &fake_ops, NULL, &ctl), -ENOENT);
	assert_non_null(mkdtemp(rt));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	snprintf(dir, sizeof(dir), "%s/hidmapd", rt);
	assert_int_equal(hm_control_socket_path(path, sizeof(path)), 0);
	assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
	assert_string_equal(path + strlen(dir), "/control");

	/* a stale socket file (nobody listens) is replaced */
	assert_int_equal(mkdir(dir, 0755), 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	close(fd);
	assert_int_equal(hm_control_new(loop, &fake_ops, NULL, &ctl), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a live one is not */
	assert_int_equal(hm_control_new(loop, &fake_ops, NULL, &ctl2), -EADDRINUSE);
	hm_control_free(ctl);
	assert_int_equal(stat(path, &st), -1);
	rmdir(dir);
	rmdir(rt);
	hm_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_latency_buckets),
	    cmocka_unit_test(test_latency_percentiles),
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_reload_error),
	    cmocka_unit_test(test_unknown_command_is_sanitized),
	    cmocka_unit_test(test_request_too_long),
	    cmocka_unit_test(test_peer_uid_rejected),
	    cmocka_unit_test(test_max_clients),
	    cmocka_unit_test(test_line_budget),
	    cmocka_unit_test(test_reloads_merge),
	    cmocka_unit_test(test_idle_timeout),
	    cmocka_unit_test(test_reload_async),
	    cmocka_unit_test(test_monitor),
	    cmocka_unit_test(test_monitor_slow_client_drops),
	    cmocka_unit_test(test_socket_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
