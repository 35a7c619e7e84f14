/* SPDX-License-Identifier: MIT */
/*
 * The remap engine, run on scenario files (tests/remap/NAME.t, in the spirit
 * of the t/NAME.t files of keyd): a fake device, a config, timed input events and the
 * output events expected, with a fake clock so that timeouts and delays
 * are exact.  The format:
 *
 *   # comment
 *   device N CODE... [ABS_X MIN MAX]...   a module output and what it has
 *   unmapped drop                         the device's unmapped policy
 *   syncs                                 also expect "T sync" (frame ends)
 *   outputs N                             the number of outputs afterwards
 *   caps N CODE...                        output N has these codes
 *   nocaps N CODE...                      ...and not these
 *   config                                the INI text follows, until "input"
 *   input                                 "T N CODE VALUE" lines (T in ms)
 *   reset T                               at T: release everything (a reload)
 *   output                                the expected "T N CODE VALUE" lines
 *   end T                                 run timers until T (default: last + 5 s)
 *
 * The profile used is [remap test].  Expectations are written by hand
 * from doc/hidmapd.ini.5.md, never pasted from the program's output.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "remap.h"
#include "util-strings.h"

#define MAX_LINES 512
#define MAX_OUT   8

struct scenario {
	char path[PATH_MAX * 2 + 2];
	struct libevdev *base[MAX_OUT];
	unsigned nbase;
	enum hm_unmapped_policy unmapped;
	bool syncs;
	int noutputs; /* -1: not checked */
	char config[16384];
	struct {
		uint64_t t;
		bool reset;
		unsigned out, type, code;
		int value;
	} in[MAX_LINES];
	unsigned nin;
	char expected[MAX_LINES][96];
	unsigned nexpected;
	char caps_lines[16][256];
	unsigned ncaps;
	uint64_t end;
};

struct run {
	uint64_t now, armed;
	char got[MAX_LINES * 4][96];
	unsigned ngot;
	bool syncs;
	bool dirty; /* events since the last sync line */
};

static void fmt_time(char *buf, size_t n, uint64_t us)
{
	if (us % 1000)
		snprintf(buf, n, "%llu.%03llu", (unsigned long long)(us / 1000),
		         (unsigned long long)(us % 1000));
	else
		snprintf(buf, n, "%llu", (unsigned long long)(us / 1000));
}

static void run_emit(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
	struct run *run = userdata;
	char t[32];

	if (run->ngot >= ARRAY_SIZE(run->got))
		return;
	fmt_time(t, sizeof(t), run->now);
	run->dirty = true;
	snprintf(run->got[run->ngot++], sizeof(run->got[0]), "%s %u %s %d", t, output,
	         libevdev_event_code_get_name(type, code), value);
}

static void run_sync(void *userdata)
{
	struct run *run = userdata;
	char t[32];

	/* a frame end without events in the frame is none */
	if (!run->syncs || !run->dirty || run->ngot >= ARRAY_SIZE(run->got))
		return;
	run->dirty = false;
	fmt_time(t, sizeof(t), run->now);
	snprintf(run->got[run->ngot++], sizeof(run->got[0]), "%s sync", t);
}

static void run_arm(void *userdata, uint64_t deadline)
{
	struct run *run = userdata;

	run->armed = deadline;
}

static const struct hm_remap_ops run_ops = {.emit = run_emit, .sync = run_sync, .arm = run_arm};

static int parse_ms(const char *s, uint64_t *ret)
{
	return safe_atous(s, ret) < 0 ? -1 : (*ret /= 1000, 0);
}

static void parse_code_name(const char *path, unsigned line, const char *name, unsigned *type,
                            unsigned *code)
{
	int t = libevdev_event_type_from_code_name(name);
	int c = libevdev_event_code_from_code_name(name);

	if (t < 0 || c < 0) {
		print_error("%s:%u: unknown code %s\n", path, line, name);
		fail();
	}
	*type = (unsigned)t;
	*code = (unsigned)c;
}

static void load_scenario(const char *path, struct scenario *sc)
{
	FILE *f = fopen(path, "re");
	char buf[512];
	unsigned line = 0;
	enum { HEAD, CONFIG, INPUT, OUTPUT } part = HEAD;
	uint64_t last = 0;

	assert_non_null(f);
	memset(sc, 0, sizeof(*sc));
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	sc->noutputs = -1;
	while (fgets(buf, sizeof(buf), f)) {
		char *s, *tok[48], *save = NULL;
		unsigned n = 0;

		line++;
		buf[strcspn(buf, "\n")] = '\0';
		if (part == CONFIG && !streq(buf, "input")) {
			strncat(sc->config, buf, sizeof(sc->config) - strlen(sc->config) - 2);
			strcat(sc->config, "\n");
			continue;
		}
		s = strstrip(buf);
		if (!*s || *s == '#')
			continue;
		for (char *t = strtok_r(s, " \t", &save); t && n < 48;
		     t = strtok_r(NULL, " \t", &save))
			tok[n++] = t;
		if (streq(tok[0], "config")) {
			part = CONFIG;
		} else if (streq(tok[0], "input")) {
			part = INPUT;
		} else if (streq(tok[0], "output")) {
			part = OUTPUT;
		} else if (streq(tok[0], "unmapped") && n == 2) {
			sc->unmapped = streq(tok[1], "drop") ? HM_UNMAPPED_DROP : HM_UNMAPPED_PASS;
		} else if (streq(tok[0], "syncs")) {
			sc->syncs = true;
		} else if (streq(tok[0], "outputs") && n == 2) {
			sc->noutputs = atoi(tok[1]);
		} else if ((streq(tok[0], "caps") || streq(tok[0], "nocaps")) && n >= 3) {
			char *p = sc->caps_lines[sc->ncaps++];

			p[0] = '\0';
			for (unsigned i = 0; i < n; i++) {
				strcat(p, tok[i]);
				strcat(p, " ");
			}
		} else if (streq(tok[0], "end") && n == 2) {
			assert_int_equal(parse_ms(tok[1], &sc->end), 0);
		} else if (streq(tok[0], "device") && n >= 2) {
			unsigned out = (unsigned)atoi(tok[1]);
			struct libevdev *caps;

			assert_int_equal(out, sc->nbase);
			caps = libevdev_new();
			libevdev_set_name(caps, "fake");
			for (unsigned i = 2; i < n; i++) {
				unsigned type, code;

				parse_code_name(path, line, tok[i], &type, &code);
				if (type == EV_ABS) {
					struct input_absinfo ai = {0};

					assert_true(i + 2 < n);
					ai.minimum = atoi(tok[i + 1]);
					ai.maximum = atoi(tok[i + 2]);
					i += 2;
					libevdev_enable_event_code(caps, type, code, &ai);
				} else {
					libevdev_enable_event_code(caps, type, code, NULL);
				}
			}
			sc->base[sc->nbase++] = caps;
		} else if (part == INPUT && streq(tok[0], "reset") && n == 2) {
			assert_int_equal(parse_ms(tok[1], &sc->in[sc->nin].t), 0);
			sc->in[sc->nin++].reset = true;
		} else if (part == INPUT && n == 4) {
			assert_true(sc->nin < MAX_LINES);
			if (parse_ms(tok[0], &sc->in[sc->nin].t) < 0) {
				print_error("%s:%u: bad time\n", path, line);
				fail();
			}
			sc->in[sc->nin].out = (unsigned)atoi(tok[1]);
			parse_code_name(path, line, tok[2], &sc->in[sc->nin].type,
			                &sc->in[sc->nin].code);
			sc->in[sc->nin].value = atoi(tok[3]);
			last = sc->in[sc->nin].t;
			sc->nin++;
		} else if (part == OUTPUT) {
			char *p = sc->expected[sc->nexpected++];

			assert_true(sc->nexpected < MAX_LINES);
			p[0] = '\0';
			for (unsigned i = 0; i < n; i++) {
				if (i)
					strcat(p, " ");
				strcat(p, tok[i]);
			}
		} else {
			print_error("%s:%u: cannot parse '%s'\n", path, line, tok[0]);
			fail();
		}
	}
	fclose(f);
	if (!sc->end)
		sc->end = last + 5000000;
}

static void diag_print(void *userdata, const char *file, unsigned line, const char *message)
{
	print_error("%s:%u: %s\n", file, line, message);
}

/* A profile switch, as the device core does it: everything held is let
 * go (the core's outputs release it; here a "T profile NAME" line), then
 * the new mapping starts from nothing. */
static void maybe_switch(struct hm_remap **r, struct scenario *sc, struct run *run)
{
	const struct hm_config_profile *next = hm_remap_take_switch(*r);
	char t[32];

	if (!next)
		return;
	fmt_time(t, sizeof(t), run->now);
	snprintf(run->got[run->ngot++], sizeof(run->got[0]), "%s profile %s", t, next->id);
	hm_remap_free(*r);
	run->armed = 0;
	assert_int_equal(hm_remap_new(next, sc->unmapped, sc->base, sc->nbase, r), 0);
	hm_remap_set_ops(*r, &run_ops, run);
}

/* Fires the timer while it is due before t. */
static void run_timers(struct hm_remap *r, struct run *run, uint64_t t)
{
	unsigned guard = 0;

	while (run->armed && run->armed <= t && guard++ < 100000) {
		run->now = run->armed;
		run->armed = 0; /* a one-shot timer, as timerfd is: spent once fired */
		hm_remap_timer(r, run->now);
	}
}

static void check_caps(const struct scenario *sc, struct hm_remap *r)
{
	for (unsigned i = 0; i < sc->ncaps; i++) {
		char buf[256], *save = NULL, *tok;
		bool want;
		unsigned out;
		struct libevdev *caps = libevdev_new();

		snprintf(buf, sizeof(buf), "%s", sc->caps_lines[i]);
		tok = strtok_r(buf, " ", &save);
		want = streq(tok, "caps");
		out = (unsigned)atoi(strtok_r(NULL, " ", &save));
		assert_true(out < hm_remap_noutputs(r));
		if (out < sc->nbase) {
			/* a copy of the declared capabilities, as the device core passes */
			for (unsigned t = 0; t <= EV_MAX; t++)
				for (int c = 0; c <= libevdev_event_type_get_max(t); c++)
					if (libevdev_has_event_code(sc->base[out], t, (unsigned)c))
						libevdev_enable_event_code(
						    caps, t, (unsigned)c,
						    t == EV_ABS ? libevdev_get_abs_info(
						                      sc->base[out], (unsigned)c)
						                : NULL);
		}
		hm_remap_output_caps(r, out, caps);
		while ((tok = strtok_r(NULL, " ", &save))) {
			unsigned type, code;

			parse_code_name(sc->path, 0, tok, &type, &code);
			if (libevdev_has_event_code(caps, type, code) != want) {
				print_error("%s: output %u should %shave %s\n", sc->path, out,
				            want ? "" : "not ", tok);
				fail();
			}
		}
		libevdev_free(caps);
	}
}

static void run_scenario(const char *path)
{
	static struct scenario sc;
	static struct run run;
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	_cleanup_(hm_remap_freep) struct hm_remap *r = NULL;
	const struct hm_config_profile *profile;
	char ini[] = "/tmp/hidmapd-scenario-XXXXXX";
	const char *paths[1] = {ini};
	bool ok = true;
	int fd;

	load_scenario(path, &sc);
	fd = mkstemp(ini);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sc.config, strlen(sc.config)), (ssize_t)strlen(sc.config));
	close(fd);
	if (hm_config_load(paths, 1, diag_print, NULL, &config) < 0) {
		print_error("%s: the config does not load\n", path);
		unlink(ini);
		fail();
	}
	unlink(ini);
	profile = hm_config_find_profile(config, "test");
	assert_non_null(profile);

	memset(&run, 0, sizeof(run));
	run.syncs = sc.syncs;
	assert_int_equal(hm_remap_new(profile, sc.unmapped, sc.base, sc.nbase, &r), 0);
	hm_remap_set_ops(r, &run_ops, &run);
	if (sc.noutputs >= 0 && (int)hm_remap_noutputs(r) != sc.noutputs) {
		print_error("%s: %u outputs, expected %d\n", path, hm_remap_noutputs(r),
		            sc.noutputs);
		fail();
	}
	check_caps(&sc, r);

	for (unsigned i = 0; i < sc.nin; i++) {
		run_timers(r, &run, sc.in[i].t);
		run.now = sc.in[i].t;
		if (sc.in[i].reset) {
			hm_remap_reset(r);
			continue;
		}
		hm_remap_event(r, sc.in[i].out, sc.in[i].type, sc.in[i].code, sc.in[i].value,
		               run.now);
		hm_remap_frame(r, run.now);
		run_sync(&run);
		maybe_switch(&r, &sc, &run);
	}
	run_timers(r, &run, sc.end);
	if (run.armed) {
		/* nothing moves at the end of any scenario: no wake-ups at rest */
		print_error("%s: a timer is still armed at rest (%llu)\n", path,
		            (unsigned long long)run.armed);
		ok = false;
	}

	for (unsigned i = 0; i < sc.nexpected || i < run.ngot; i++) {
		const char *e = i < sc.nexpected ? sc.expected[i] : "(nothing)";
		const char *g = i < run.ngot ? run.got[i] : "(nothing)";

		if (!streq(e, g)) {
			if (ok)
				print_error("%s: output differs at line %u\n", path, i + 1);
			print_error("  expected: %-32s got: %s\n", e, g);
			ok = false;
		}
	}
	if (!ok) {
		print_error("%s: all output:\n", path);
		for (unsigned i = 0; i < run.ngot; i++)
			print_error("  %s\n", run.got[i]);
	}
	for (unsigned i = 0; i < sc.nbase; i++)
		libevdev_free(sc.base[i]);
	if (!ok)
		fail();
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_scenarios(void **state)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	const char *only = getenv("HIDMAPD_SCENARIO");
	char dir[PATH_MAX], path[PATH_MAX * 2];
	char *names[256];
	unsigned n = 0, failed = 0;
	struct dirent *de;
	DIR *d;

	assert_non_null(root);
	snprintf(dir, sizeof(dir), "%s/tests/remap", root);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		size_t l = strlen(de->d_name);

		if (l > 2 && streq(de->d_name + l - 2, ".t") && (!only || strstr(de->d_name, only)))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	assert_true(n > 0);
	for (unsigned i = 0; i < n; i++) {
		pid_t pid;
		int status;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		/* each scenario in a child, so that one failure does not hide the others */
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			run_scenario(path);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			print_error("FAILED: %s\n", names[i]);
			failed++;
		} else {
			print_message("ok: %s\n", names[i]);
		}
		free(names[i]);
	}
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scenarios),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
