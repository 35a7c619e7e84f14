/* SPDX-License-Identifier: MIT */
/*
 * focus = rules (config-focus.h): the parser, matching (globs, order,
 * fallback, long and hostile titles) and what `hidmapd check` says of bad
 * rules (file:line).  Expected results follow from fnmatch(3)'s documented
 * globbing and the rule syntax in doc/hidmapd.ini.5.md.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config-focus.h"
#include "config.h"

static void parse_ok(const char *value, const char *app, const char *title, const char *profile)
{
	struct hm_config_focus_rule r;
	char err[256] = "";

	if (hm_config_focus_parse(value, &r, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", value, err);
	if (app)
		assert_string_equal(r.app, app);
	else
		assert_null(r.app);
	if (title)
		assert_string_equal(r.title, title);
	else
		assert_null(r.title);
	assert_string_equal(r.profile_id, profile);
	hm_config_focus_rule_done(&r);
}

static void parse_bad(const char *value, const char *want)
{
	struct hm_config_focus_rule r = {.line = 77};
	char err[256] = "";

	assert_int_equal(hm_config_focus_parse(value, &r, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("'%s': got '%s', want '%s'", value, err, want);
	assert_int_equal(r.line, 77); /* untouched */
}

static void test_parse(void **state)
{
	parse_ok("firefox -> browser", "firefox", NULL, "browser");
	parse_ok("app:firefox* -> browser", "firefox*", NULL, "browser");
	parse_ok("title:*YouTube* -> video", NULL, "*YouTube*", "video");
	parse_ok("app:org.kde.kdenlive title:\"* - Kdenlive\" -> edit", "org.kde.kdenlive",
	         "* - Kdenlive", "edit");
	parse_ok("  \t[Ff]irefox   title:\"say \\\"hi\\\" \\\\ x\"  ->   p.1", "[Ff]irefox",
	         "say \"hi\" \\ x", "p.1");
	parse_ok("\"a b\" -> p", "a b", NULL, "p");
	parse_ok("a->b -> p", "a->b", NULL, "p"); /* an arrow glued to text is text */

	parse_bad("-> p", "needs an application or a title");
	parse_bad("firefox", "expected '-> PROFILE'");
	parse_bad("firefox ->", "expected a profile id");
	parse_bad("firefox -> a b", "one profile id");
	parse_bad("app:a app:b -> p", "application given twice");
	parse_bad("a b -> p", "application given twice");
	parse_bad("title:a title:b -> p", "title given twice");
	parse_bad("app: -> p", "empty glob");
	parse_bad("\"\" -> p", "empty glob");
	parse_bad("\"abc -> p", "missing closing");
	parse_bad("\"a\\b\" -> p", "followed by");
	parse_bad("\"a\"b -> p", "blank after the closing");
}

/* A device section with the rules given, as the loader would build it. */
static struct hm_config_device *device_with(const char *const *values, size_t n)
{
	struct hm_config_device *d = calloc(1, sizeof(*d));
	char err[256];

	assert_non_null(d);
	d->focus = calloc(n, sizeof(*d->focus));
	assert_non_null(d->focus);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hm_config_focus_parse(values[i], &d->focus[i], err, sizeof(err)),
		                 0);
	d->nfocus = n;
	return d;
}

static void device_free(struct hm_config_device *d)
{
	for (size_t i = 0; i < d->nfocus; i++)
		hm_config_focus_rule_done(&d->focus[i]);
	free(d->focus);
	free(d);
}

static int match(const struct hm_config_device *d, const char *app_id, const char *instance,
                 const char *class_, const char *title)
{
	const struct hm_focus_window w = {app_id, instance, class_, title};

	return hm_config_focus_match(d, &w);
}

static void test_match_order_fallback(void **state)
{
	static const char *const rules[] = {
	    "firefox title:*YouTube* -> video", /* 0 */
	    "firefox* -> browser",              /* 1 */
	    "title:*YouTube* -> other-video",   /* 2 */
	    "org.kde.kdenlive -> edit",         /* 3 */
	    "*term -> term",                    /* 4 */
	};
	struct hm_config_device *d = device_with(rules, 5);

	/* the first that matches, in the order written */
	assert_int_equal(match(d, "firefox", NULL, NULL, "Cats - YouTube — Mozilla Firefox"), 0);
	assert_int_equal(match(d, "firefox", NULL, NULL, "Debian"), 1);
	assert_int_equal(match(d, "firefox-esr", NULL, NULL, "x - YouTube"), 1);
	assert_int_equal(match(d, "mpv", NULL, NULL, "x - YouTube"), 2);
	/* X11: the instance or the class, ignoring case */
	assert_int_equal(match(d, NULL, "Navigator", "Firefox", "Debian"), 1);
	assert_int_equal(match(d, NULL, "kdenlive", "org.kde.Kdenlive", NULL), 3);
	assert_int_equal(match(d, NULL, "xterm", "XTerm", "bash"), 4);
	/* none: the section's own profile */
	assert_int_equal(match(d, "foot", NULL, NULL, "bash"), -1);
	assert_int_equal(match(d, NULL, NULL, NULL, NULL), -1);
	assert_int_equal(match(d, "", "", "", ""), -1);
	assert_int_equal(hm_config_focus_match(d, NULL), -1);
	assert_int_equal(hm_config_focus_match(NULL, NULL), -1);
	device_free(d);
}

static void test_match_globs(void **state)
{
	static const char *const rules[] = {
	    "title:* -> any-title", /* matches no title too */
	    "app:?? -> two",        /* never reached */
	};
	static const char *const rules2[] = {
	    "app:?? -> two",    "app:[a-c]x -> cls",        "app:a\\*b -> literal-star",
	    "app:*/* -> slash", "title:\"*a b*\" -> blank", "title:[[]x] -> bracket",
	};
	struct hm_config_device *d = device_with(rules, 2);
	struct hm_config_device *e = device_with(rules2, 6);

	assert_int_equal(match(d, "zz", NULL, NULL, NULL), 0);
	assert_int_equal(match(d, NULL, NULL, NULL, NULL), 0);

	assert_int_equal(match(e, "ab", NULL, NULL, NULL), 0);
	assert_int_equal(match(e, "bx!", NULL, NULL, NULL), -1);
	assert_int_equal(match(e, "Bx1", NULL, NULL, NULL), -1);
	assert_int_equal(match(e, "abc", NULL, NULL, NULL), -1);
	assert_int_equal(match(e, "cX", NULL, NULL, NULL), 0); /* "??" first */
	assert_int_equal(match(e, "a*b", NULL, NULL, NULL), 2);
	assert_int_equal(match(e, "aXb", NULL, NULL, NULL), -1);
	assert_int_equal(match(e, "/usr/bin/x", NULL, NULL, NULL), 3); /* '*' matches '/' */
	assert_int_equal(match(e, "q", NULL, NULL, "xa by"), 4);
	assert_int_equal(match(e, "q", NULL, NULL, "xA By"), -1); /* titles keep case */
	assert_int_equal(match(e, "q", NULL, NULL, "[x]"), 5);
	device_free(d);
	device_free(e);
}

static void test_match_hostile_titles(void **state)
{
	static const char *const rules[] = {
	    "title:*%s%n* -> fmt",
	    "title:*secret -> tail",
	    "title:\"*\\\"*\" -> quote",
	};
	struct hm_config_device *d = device_with(rules, 3);
	size_t big = 1 << 20;
	char *title = malloc(big + 1);

	assert_non_null(title);
	/* format directives in a title are text */
	assert_int_equal(match(d, "x", NULL, NULL, "a %s%n%x b"), 0);
	assert_int_equal(match(d, "x", NULL, NULL, "%s %n"), -1);
	/* control characters, invalid UTF-8, newlines */
	assert_int_equal(match(d, "x", NULL, NULL, "\x1b[2J\n\r\xff\xfe secret"), 1);
	assert_int_equal(match(d, "x", NULL, NULL, "say \"x\""), 2);
	/* a megabyte of title matches in one pass */
	memset(title, 'A', big);
	memcpy(title + big - 6, "secret", 6);
	title[big] = '\0';
	assert_int_equal(match(d, "x", NULL, NULL, title), 1);
	title[big - 1] = 'X';
	assert_int_equal(match(d, "x", NULL, NULL, title), -1);
	free(title);
	device_free(d);
}

/* ---- the loader: file:line ------------------------------------------------ */

struct diags {
	char text[4096];
	unsigned n;
};

static void capture(void *userdata, const char *file, unsigned line, const char *message)
{
	struct diags *d = userdata;
	const char *base = strrchr(file, '/');
	size_t len = strlen(d->text);

	snprintf(d->text + len, sizeof(d->text) - len, "%s:%u: %s\n", base ? base + 1 : file, line,
	         message);
	d->n++;
}

static int load_text(const char *text, struct diags *diags, struct hm_config **ret)
{
	char dir[] = "/tmp/test-focus-XXXXXX", path[PATH_MAX];
	const char *paths[1] = {path};
	FILE *f;
	int r;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/focus.ini", dir);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	r = hm_config_load(paths, 1, capture, diags, ret);
	unlink(path);
	rmdir(dir);
	return r;
}

static void test_load_good(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};

	assert_int_equal(load_text("[device shuttle]\n"
	                           "match = 0b33:0020\n"
	                           "focus = org.kde.kdenlive -> edit\n"
	                           "profile = base\n"
	                           "focus = firefox* title:\"* - YouTube*\" -> video ; a comment\n"
	                           "[remap base]\n"
	                           "[remap edit]\n"
	                           "[remap video]\n",
	                           &diags, &c),
	                 0);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->ndevices, 1);
	assert_int_equal(c->devices[0].nfocus, 2);
	assert_int_equal(c->devices[0].focus[0].line, 3);
	assert_ptr_equal(c->devices[0].focus[0].profile, hm_config_find_profile(c, "edit"));
	assert_int_equal(c->devices[0].focus[1].line, 5);
	assert_string_equal(c->devices[0].focus[1].title, "* - YouTube*");
	assert_ptr_equal(c->devices[0].focus[1].profile, hm_config_find_profile(c, "video"));
	hm_config_free(c);
}

static void test_load_bad(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *text = "[device pad]\nmatch = 054c:*\n"
	                   "focus = firefox\n"         /* 3 */
	                   "focus = game -> nowhere\n" /* 4 */
	                   "focus = game -> bad/id\n"  /* 5 */
	                   "focus = -> pad\n"          /* 6 */
	                   "focus =\n"                 /* 7 */
	                   "[remap pad]\n";
	assert_int_equal(load_text(text, &diags, &c), -EINVAL);
	assert_null(c);
	assert_non_null(strstr(diags.text, "focus.ini:3: focus = firefox: expected '-> PROFILE'"));
	assert_non_null(strstr(diags.text, "focus.ini:4: [device pad]: focus rule picks profile "
	                                   "nowhere, but there is no [remap nowhere]"));
	assert_non_null(strstr(diags.text, "focus.ini:5: 'bad/id': invalid profile id"));
	assert_non_null(strstr(diags.text, "focus.ini:6: focus = -> pad: a rule needs"));
	assert_non_null(strstr(diags.text, "focus.ini:7: 'focus' needs a value"));
	assert_int_equal(diags.n, 5);
}

static void test_load_too_many(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};
	char text[16384] = "[device pad]\nmatch = 054c:*\n";
	char want[64];

	for (int i = 0; i < HM_CONFIG_MAX_FOCUS_RULES + 1; i++) {
		size_t len = strlen(text);

		snprintf(text + len, sizeof(text) - len, "focus = app%d -> pad\n", i);
	}
	strcat(text, "[remap pad]\n");
	assert_int_equal(load_text(text, &diags, &c), -EINVAL);
	snprintf(want, sizeof(want), "focus.ini:%d: more than %d focus rules",
	         3 + HM_CONFIG_MAX_FOCUS_RULES, HM_CONFIG_MAX_FOCUS_RULES);
	assert_non_null(strstr(diags.text, want));
	assert_int_equal(diags.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),         cmocka_unit_test(test_match_order_fallback),
	    cmocka_unit_test(test_match_globs),   cmocka_unit_test(test_match_hostile_titles),
	    cmocka_unit_test(test_load_good),     cmocka_unit_test(test_load_bad),
	    cmocka_unit_test(test_load_too_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
