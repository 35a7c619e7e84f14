/* SPDX-License-Identifier: MIT */
/*
 * The shipped-layout store (src/select/shipped-layouts.c): a missing folder
 * is reported, a reload reads the folder again only when it changed, and the
 * data directory of a process that is not the build tree's hidmapd is the
 * install prefix's (src/util/util-datadir.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build-config.h"
#include "shipped-layouts.h"
#include "util-datadir.h"

static char dir[] = "/tmp/hidmapd-test-layouts.XXXXXX";

static void write_layout(const char *name, const char *id, const char *match)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fprintf(f,
	        "[layout %s]\nmatch = %s\nreport = 1\nlength = 2\nk = bytes 1 count=1 -> KEY_A\n",
	        id, match);
	fclose(f);
}

static void test_datadir(void **state)
{
	/* a test program is not the build tree's hidmapd */
	assert_false(hm_data_from_build_tree());
	assert_string_equal(hm_data_layouts_dir(), HIDMAPD_DATADIR "/layouts");
	assert_string_equal(hm_data_config_d_dir(), HIDMAPD_DATADIR "/config.d");
	assert_true(hm_data_exe_is("/proc/self/exe"));
	assert_false(hm_data_exe_is("/no/such/file"));
}

static void test_reload(void **state)
{
	const char *d = NULL;
	size_t n = 99;

	/* empty folder: reported, nothing loaded */
	setenv("HIDMAPD_LAYOUT_DIR", dir, 1);
	assert_int_equal(hm_layout_shipped_state(&d, &n), -ENOENT);
	assert_string_equal(d, dir);
	assert_int_equal(n, 0);
	assert_null(hm_layout_find_shipped("one"));

	/* a layout appears: a reload reads it */
	write_layout("one.ini", "one", "1234:0001");
	assert_int_equal(hm_layout_shipped_reload(), 1);
	assert_int_equal(hm_layout_shipped_state(NULL, &n), 0);
	assert_int_equal(n, 1);
	assert_non_null(hm_layout_find_shipped("one"));

	/* nothing changed: the same modules stay */
	{
		const struct hm_module *m = hm_layout_find_shipped("one");

		assert_int_equal(hm_layout_shipped_reload(), 0);
		assert_ptr_equal(hm_layout_find_shipped("one"), m);
	}

	/* a second one (a package upgrade adding a layout) */
	write_layout("two.ini", "two", "1234:0002");
	assert_int_equal(hm_layout_shipped_reload(), 1);
	assert_int_equal(hm_layout_shipped_state(NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(hm_layout_find_shipped("two"));

	/* the folder goes away: reported; the layouts loaded before stay */
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/one.ini", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/two.ini", dir);
		unlink(p);
	}
	assert_int_equal(rmdir(dir), 0);
	assert_true(hm_layout_shipped_reload() < 0);
	assert_int_equal(hm_layout_shipped_state(NULL, &n), -ENOENT);
	assert_int_equal(n, 0);
	assert_non_null(hm_layout_find_shipped("two"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_datadir),
	    cmocka_unit_test(test_reload),
	};

	if (!mkdtemp(dir))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
