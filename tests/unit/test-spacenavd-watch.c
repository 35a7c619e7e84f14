/* SPDX-License-Identifier: MIT */
/*
 * Watching for spacenavd (spnav-detect.h): its pid file and socket
 * appearing and going in its run directory are seen through inotify in
 * the event loop; other files are not.  The names are Debian's spacenavd
 * 1.1's (run/spnavd.pid, run/spnav.sock, from strings of the binary).
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
#include <unistd.h>

#include <cmocka.h>

#include "event-loop.h"
#include "spnav-detect.h"

static struct {
	unsigned calls;
	bool started;
} seen;

static void changed(void *userdata, bool started)
{
	(void)userdata;
	seen.calls++;
	seen.started = started;
}

static void touch(const char *dir, const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void rm(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(unlink(path), 0);
}

static void test_watch(void **state)
{
	char dir[] = "/tmp/hidmapd-spacenavd-XXXXXX";
	char from[600], to[600];
	struct hm_loop *loop = NULL;
	struct hm_spacenavd_watch *w = NULL;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hm_loop_new(&loop), 0);
	assert_int_equal(hm_spacenavd_watch_new(loop, dir, changed, NULL, &w), 0);

	/* nothing happened: no call */
	(void)hm_loop_dispatch(loop, 20);
	assert_int_equal(seen.calls, 0);

	/* spacenavd starts: its pid file */
	touch(dir, "spnavd.pid");
	(void)hm_loop_dispatch(loop, 1000);
	assert_int_equal(seen.calls, 1);
	assert_true(seen.started);

	/* some other file: nothing */
	touch(dir, "spnav.sock.lock");
	(void)hm_loop_dispatch(loop, 50);
	assert_int_equal(seen.calls, 1);

	/* it stops */
	rm(dir, "spnavd.pid");
	(void)hm_loop_dispatch(loop, 1000);
	assert_int_equal(seen.calls, 2);
	assert_false(seen.started);

	/* a socket moved into place counts as appearing */
	snprintf(from, sizeof(from), "%s/tmp-sock", dir);
	snprintf(to, sizeof(to), "%s/spnav.sock", dir);
	touch(dir, "tmp-sock");
	assert_int_equal(rename(from, to), 0);
	(void)hm_loop_dispatch(loop, 1000);
	assert_int_equal(seen.calls, 3);
	assert_true(seen.started);

	rm(dir, "spnav.sock");
	rm(dir, "spnav.sock.lock");
	(void)hm_loop_dispatch(loop, 1000);
	assert_int_equal(seen.calls, 4);
	assert_false(seen.started);

	hm_spacenavd_watch_free(w);
	hm_loop_free(loop);
	assert_int_equal(rmdir(dir), 0);
}

static void test_no_dir(void **state)
{
	struct hm_loop *loop = NULL;
	struct hm_spacenavd_watch *w = NULL;

	(void)state;
	assert_int_equal(hm_loop_new(&loop), 0);
	assert_int_equal(
	    hm_spacenavd_watch_new(loop, "/nonexistent/hidmapd-run", changed, NULL, &w), -ENOENT);
	assert_null(w);
	hm_spacenavd_watch_free(NULL);
	hm_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_watch),
	    cmocka_unit_test(test_no_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
