/* SPDX-License-Identifier: MIT */
/*
 * What wakes a configuration reload, on a real inotify fd in a scratch
 * directory.  Which directories are watched is read back from the kernel
 * (/proc/self/fdinfo of the inotify fd lists one "inotify wd:" line per
 * watch, with the inode), not from the watcher's own bookkeeping.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config-watch.h"

static char root[PATH_MAX / 2];

static const char *at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static unsigned i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", root, rel);
	return buf[i];
}

static void write_at(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "we");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The inodes the kernel says the fd watches. */
static unsigned kernel_watches(int fd, unsigned long *inos, unsigned max)
{
	char path[64], line[512];
	unsigned n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *ino = strstr(line, " ino:");

		if (strncmp(line, "inotify wd:", 11) != 0 || !ino)
			continue;
		if (n < max)
			inos[n] = strtoul(ino + 5, NULL, 16);
		n++;
	}
	fclose(f);
	return n;
}

static bool watched(int fd, const char *rel)
{
	unsigned long inos[16];
	unsigned n = kernel_watches(fd, inos, 16);
	struct stat st;

	assert_int_equal(stat(at(rel), &st), 0);
	for (unsigned i = 0; i < n && i < 16; i++)
		if (inos[i] == (unsigned long)st.st_ino)
			return true;
	return false;
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/test-config-watch.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/*
 * The defect: with ~/.config/hidmapd missing, ~/.config was watched for
 * good and any *.ini an application saved there reloaded the configuration
 * (and released held keys).  Now only hidmapd's appearance counts, and the
 * watch then moves onto it.
 */
static void test_missing_dir(void **state)
{
	const char *paths[] = {at("home/.config/hidmapd")};
	struct hm_config_watch *w = NULL;
	int fd;

	assert_int_equal(mkdir(at("home"), 0700), 0);
	assert_int_equal(mkdir(at("home/.config"), 0700), 0);
	assert_int_equal(hm_config_watch_new(paths, 1, &w), 0);
	fd = hm_config_watch_get_fd(w);
	assert_true(watched(fd, "home/.config"));
	assert_int_equal(kernel_watches(fd, NULL, 0), 1);

	/* an application's files next to the missing directory: nothing */
	write_at("home/.config/someapp.ini", "[x]\n");
	write_at("home/.config/pavucontrol.ini", "[window]\n");
	assert_int_equal(rename(at("home/.config/someapp.ini"), at("home/.config/other.ini")), 0);
	assert_int_equal(mkdir(at("home/.config/otherapp"), 0700), 0);
	assert_int_equal(hm_config_watch_process(w), 0);

	/* the directory appears: a reload (it may come with files), and the
	 * watch moves onto it */
	assert_int_equal(mkdir(at("home/.config/hidmapd"), 0700), 0);
	assert_int_equal(hm_config_watch_process(w), 1);
	assert_true(watched(fd, "home/.config/hidmapd"));
	assert_false(watched(fd, "home/.config"));
	assert_int_equal(kernel_watches(fd, NULL, 0), 1);
	assert_int_equal(hm_config_watch_count(w), 1);

	write_at("home/.config/someapp.ini", "[y]\n");
	assert_int_equal(hm_config_watch_process(w), 0);

	/* in the directory: *.ini only, as the loader reads them */
	write_at("home/.config/hidmapd/notes.txt", "x\n");
	write_at("home/.config/hidmapd/.hidden.ini", "x\n");
	assert_int_equal(mkdir(at("home/.config/hidmapd/sub.ini"), 0700), 0);
	assert_int_equal(hm_config_watch_process(w), 0);
	write_at("home/.config/hidmapd/kbd.ini", "[device k]\n");
	assert_int_equal(hm_config_watch_process(w), 1);
	/* saved by rename, as editors do */
	write_at("home/.config/hidmapd/kbd.ini.new", "[device k]\n");
	assert_int_equal(hm_config_watch_process(w), 0);
	assert_int_equal(
	    rename(at("home/.config/hidmapd/kbd.ini.new"), at("home/.config/hidmapd/kbd.ini")), 0);
	assert_int_equal(hm_config_watch_process(w), 1);

	/* the directory goes: a reload, and the watch moves back up */
	assert_int_equal(unlink(at("home/.config/hidmapd/kbd.ini")), 0);
	assert_int_equal(unlink(at("home/.config/hidmapd/notes.txt")), 0);
	assert_int_equal(unlink(at("home/.config/hidmapd/.hidden.ini")), 0);
	assert_int_equal(rmdir(at("home/.config/hidmapd/sub.ini")), 0);
	assert_int_equal(rmdir(at("home/.config/hidmapd")), 0);
	assert_int_equal(hm_config_watch_process(w), 1);
	assert_true(watched(fd, "home/.config"));
	write_at("home/.config/someapp.ini", "[z]\n");
	assert_int_equal(hm_config_watch_process(w), 0);
	hm_config_watch_free(w);
}

/* ~/.config missing too: the watch walks down one level at a time, and
 * reloads only when the configuration directory itself is there. */
static void test_missing_ancestors(void **state)
{
	const char *paths[] = {at("home2/.config/hidmapd")};
	struct hm_config_watch *w = NULL;
	int fd;

	assert_int_equal(mkdir(at("home2"), 0700), 0);
	assert_int_equal(hm_config_watch_new(paths, 1, &w), 0);
	fd = hm_config_watch_get_fd(w);
	assert_true(watched(fd, "home2"));
	write_at("home2/.profile.ini", "x\n");
	assert_int_equal(hm_config_watch_process(w), 0);
	assert_int_equal(mkdir(at("home2/.config"), 0700), 0);
	assert_int_equal(hm_config_watch_process(w), 0);
	assert_true(watched(fd, "home2/.config"));
	assert_false(watched(fd, "home2"));
	/* made in one go before the watcher looks (mkdir -p): still seen */
	assert_int_equal(mkdir(at("home2/.config/hidmapd"), 0700), 0);
	write_at("home2/.config/hidmapd/a.ini", "[device a]\n");
	assert_int_equal(hm_config_watch_process(w), 1);
	assert_true(watched(fd, "home2/.config/hidmapd"));
	assert_int_equal(kernel_watches(fd, NULL, 0), 1);
	hm_config_watch_free(w);
}

/* --config FILE: its directory is watched for that name only (before, any
 * *.ini there reloaded, and a file not named *.ini never did). */
static void test_given_file(void **state)
{
	const char *paths[] = {at("etc/my.conf"), at("etc/hidmapd")};
	struct hm_config_watch *w = NULL;
	int fd;

	assert_int_equal(mkdir(at("etc"), 0755), 0);
	write_at("etc/my.conf", "[device a]\n");
	assert_int_equal(hm_config_watch_new(paths, 2, &w), 0);
	fd = hm_config_watch_get_fd(w);
	/* one directory for both paths: one watch */
	assert_int_equal(kernel_watches(fd, NULL, 0), 1);
	assert_int_equal(hm_config_watch_count(w), 1);

	write_at("etc/foo.ini", "x\n");
	write_at("etc/my.conf.swp", "x\n");
	assert_int_equal(hm_config_watch_process(w), 0);
	write_at("etc/my.conf", "[device b]\n");
	assert_int_equal(hm_config_watch_process(w), 1);

	/* the second path appears: etc stays watched, for my.conf */
	assert_int_equal(mkdir(at("etc/hidmapd"), 0755), 0);
	assert_int_equal(hm_config_watch_process(w), 1);
	assert_int_equal(kernel_watches(fd, NULL, 0), 2);
	assert_true(watched(fd, "etc"));
	write_at("etc/foo.ini", "y\n");
	assert_int_equal(hm_config_watch_process(w), 0);
	write_at("etc/my.conf", "[device c]\n");
	assert_int_equal(hm_config_watch_process(w), 1);
	assert_int_equal(unlink(at("etc/my.conf")), 0);
	assert_int_equal(hm_config_watch_process(w), 1);
	hm_config_watch_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_ancestors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_given_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
