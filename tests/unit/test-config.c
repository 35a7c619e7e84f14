/* SPDX-License-Identifier: MIT */
/*
 * The config loader: values, every error with its "file:line: message",
 * multi-file order, device matching and the search path.  Expected values
 * come from doc/hidmapd.ini.5.md, not from the program's output.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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
#include <libevdev/libevdev.h>

#ifndef HIDMAPD_DATADIR
#include "build-config.h"
#endif
#include "config.h"
#include "device-kind.h"
#include "module.h"

#ifdef HM_TEST_FAKE_REGISTRY
/* Standalone builds only (meson links devices/registry.c): the two
 * modules the tests name, as the registry defines them. */
static const struct hm_device_id fake_shuttle_ids[] = {{HM_DEVICE(HM_BUS_ANY, 0x0b33, 0x0020)},
                                                       {0}};
static const struct hm_module fake_shuttlexpress = {.name = "shuttlexpress",
                                                    .id_table = fake_shuttle_ids};
static const struct hm_module fake_generic = {.name = "generic"};

const struct hm_module *hm_module_find(const char *name)
{
	if (strcmp(name, "shuttlexpress") == 0)
		return &fake_shuttlexpress;
	if (strcmp(name, "generic") == 0)
		return &fake_generic;
	return NULL;
}
#endif

#define MAX_DIAGS 64

struct diags {
	char *msg[MAX_DIAGS];
	size_t n;
};

static void capture(void *userdata, const char *file, unsigned line, const char *message)
{
	struct diags *d = userdata;

	assert_true(d->n < MAX_DIAGS);
	assert_true(asprintf(&d->msg[d->n++], "%s:%u: %s", file, line, message) > 0);
}

static void diags_clear(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msg[i]);
	d->n = 0;
}

static void diags_print(const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  diag: %s\n", d->msg[i]);
}

/* ---- temporary files ---------------------------------------------------- */

static char tmpdir[] = "/tmp/test-config-XXXXXX";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	chmod(path, 0700);
	return remove(path);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Writes tmpdir/name (len bytes, or all of text); returns the path (static). */
static const char *write_file_len(const char *name, const char *text, size_t len)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *write_file(const char *name, const char *text)
{
	return write_file_len(name, text, strlen(text));
}

static const char *make_dir(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(mkdir(path, 0700), 0);
	return path;
}

static const char *fixture(const char *name)
{
	static char path[PATH_MAX];
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/unit/config/%s", root, name);
	return path;
}

static int load1(const char *path, struct diags *d, struct hm_config **ret)
{
	const char *paths[] = {path};

	return hm_config_load(paths, 1, capture, d, ret);
}

static const struct hm_config_device *find_device(const struct hm_config *c, const char *id)
{
	for (size_t i = 0; i < c->ndevices; i++)
		if (strcmp(c->devices[i].id, id) == 0)
			return &c->devices[i];
	return NULL;
}

static const struct hm_config_profile *find_profile(const struct hm_config *c, const char *id)
{
	for (size_t i = 0; i < c->nprofiles; i++)
		if (strcmp(c->profiles[i].id, id) == 0)
			return &c->profiles[i];
	return NULL;
}

static void assert_map(const struct hm_config_map *m, unsigned from, bool disabled, unsigned to,
                       unsigned line)
{
	assert_int_equal(m->from_type, EV_KEY);
	assert_int_equal(m->from_code, from);
	assert_int_equal(m->trigger, HM_TRIG_KEY);
	assert_int_equal(m->action.kind, disabled ? HM_ACT_DISABLED : HM_ACT_KEYS);
	if (!disabled) {
		assert_int_equal(m->action.ncodes, 1);
		assert_int_equal(m->action.codes[0], to);
	}
	assert_int_equal(m->line, line);
}

/* ---- good files ----------------------------------------------------------- */

static void test_good_every_key(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	const struct hm_config_device *d;
	const struct hm_config_profile *pr;
	struct diags diags = {0};
	const char *path = fixture("good.ini");

	assert_int_equal(load1(path, &diags, &c), 0);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->nfiles, 1);
	assert_string_equal(c->files[0], path);
	assert_int_equal(c->ndevices, 2);
	assert_int_equal(c->nprofiles, 2);

	d = &c->devices[0];
	assert_string_equal(d->id, "shuttle");
	assert_string_equal(d->file, path);
	assert_int_equal(d->line, 6);
	assert_true(d->match_vidpid);
	assert_int_equal(d->vendor, 0x0b33);
	assert_int_equal(d->product, 0x0020);
	assert_string_equal(d->match_name, "Contour*");
	assert_string_equal(d->match_module, "shuttlexpress");
	assert_string_equal(d->match_serial, "ABC123");
	assert_string_equal(d->module, "generic");
	assert_false(d->enabled);
	assert_false(d->grab);
	assert_int_equal(d->unmapped, HM_UNMAPPED_DROP);
	assert_string_equal(d->profile, "video");

	/* the defaults */
	d = &c->devices[1];
	assert_string_equal(d->id, "pad");
	assert_int_equal(d->line, 24);
	assert_false(d->match_vidpid);
	assert_string_equal(d->match_name, "*Macro Pad*");
	assert_null(d->match_module);
	assert_null(d->match_serial);
	assert_null(d->module);
	assert_true(d->enabled);
	assert_true(d->grab);
	assert_int_equal(d->unmapped, HM_UNMAPPED_PASS);
	assert_null(d->profile);

	pr = &c->profiles[0];
	assert_string_equal(pr->id, "video");
	assert_string_equal(pr->file, path);
	assert_int_equal(pr->line, 17);
	assert_int_equal(pr->nmaps, 5);
	assert_map(&pr->maps[0], BTN_0, false, KEY_SPACE, 18);
	assert_map(&pr->maps[1], BTN_1, false, KEY_ENTER, 19);
	assert_map(&pr->maps[2], KEY_A, false, KEY_B, 20);
	assert_map(&pr->maps[3], BTN_LEFT, false, BTN_RIGHT, 21);
	assert_map(&pr->maps[4], KEY_CAPSLOCK, true, 0, 22);
	assert_string_equal(pr->maps[4].file, path);

	assert_ptr_equal(hm_config_profile_for(c, &c->devices[0]), &c->profiles[0]);
	/* no profile key: the [remap] with the device's own id */
	assert_ptr_equal(hm_config_profile_for(c, &c->devices[1]), &c->profiles[1]);
	assert_int_equal(c->profiles[1].nmaps, 1);
	assert_map(&c->profiles[1].maps[0], KEY_F13, false, KEY_MUTE, 28);
}

/* Layout the file format allows: BOM, CRLF, indentation, blanks in headers. */
static void test_good_layout(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *path = write_file("layout.ini", "\xef\xbb\xbf"
	                                            "# BOM, then CRLF lines\r\n"
	                                            "[ device   x ]   # comment\r\n"
	                                            "\tmatch\t=\t0B33:0020\t\r\n"
	                                            "   \r\n"
	                                            "[remap x]\r\n"
	                                            "  KEY_A   =   KEY_B   ; why\r\n"
	                                            "KEY_B = KEY_A");

	assert_int_equal(load1(path, &diags, &c), 0);
	diags_print(&diags);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->ndevices, 1);
	assert_string_equal(c->devices[0].id, "x");
	assert_int_equal(c->devices[0].line, 2);
	assert_int_equal(c->devices[0].vendor, 0x0b33);
	assert_int_equal(c->nprofiles, 1);
	assert_int_equal(c->profiles[0].nmaps, 2);
	assert_map(&c->profiles[0].maps[0], KEY_A, false, KEY_B, 6);
	assert_map(&c->profiles[0].maps[1], KEY_B, false, KEY_A, 7);
}

static void test_empty_sections(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *path = write_file("empty.ini", "[hidmapd]\n[remap nothing]\n");

	assert_int_equal(load1(path, &diags, &c), 0);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->ndevices, 0);
	assert_int_equal(c->nprofiles, 1);
	assert_int_equal(c->profiles[0].nmaps, 0);
	assert_int_equal(c->replug_grace_us, 3000000);
	hm_config_free(c);
	c = NULL;

	path = write_file("nothing.ini", "");
	assert_int_equal(load1(path, &diags, &c), 0);
	assert_int_equal(c->nfiles, 1);
	assert_int_equal(c->ndevices + c->nprofiles, 0);
	hm_config_free(c);
	c = NULL;

	path = write_file("grace.ini", "[hidmapd]\nreplug-grace = 1.5s\n");
	assert_int_equal(load1(path, &diags, &c), 0);
	assert_int_equal(c->replug_grace_us, 1500000);
}

/* ---- errors ------------------------------------------------------------------ */

static const struct error_case {
	const char *text;
	unsigned line;
	const char *message;
} error_cases[] = {
    /* sections */
    {"[keyboard k]\n", 1,
     "unknown section [keyboard] (expected [hidmapd], [device ID], [remap ID] or [layout ID])"},
    {"[device]\n", 1, "section [device] needs an id: [device ID]"},
    {"[remap]\n", 1, "section [remap] needs an id: [remap ID]"},
    {"[hidmapd x]\n", 1, "section [hidmapd] takes no id"},
    {"[device a b]\nmatch = 1:2\n", 1,
     "'a b': invalid section id (letters, digits, '-', '_', '.'; at most 64)"},
    {"[device a/b]\n", 1, "'a/b': invalid section id (letters, digits, '-', '_', '.'; at most 64)"},
    {"[device "
     "x2345678901234567890123456789012345678901234567890123456789012345]\nmatch = 1:2\n",
     1,
     "'x2345678901234567890123456789012345678901234567890123456789012345': invalid section "
     "id (letters, digits, '-', '_', '.'; at most 64)"},
    {"\n[device x\nmatch = 1:2\n", 2, "section header without closing ']'"},
    {"[device x] match = 1:2\n", 1, "unexpected 'match = 1:2' after the section header"},
    {"[hidmapd]\n[hidmapd]\n", 2, "duplicate section [hidmapd] (first on line 1)"},
    {"[device x]\nmatch = 1:2\n[device x]\nmatch = 1:3\n", 3,
     "duplicate section [device x] (first on line 1)"},
    {"[remap x]\n\n[remap x]\n", 3, "duplicate section [remap x] (first on line 1)"},
    {"[device x]\nenabled = yes\n\n[remap x]\n", 1,
     "[device x] has no match criteria (match, match-name, match-module, match-serial or match-type)"},
    {"[device x]\n", 1,
     "[device x] has no match criteria (match, match-name, match-module, match-serial or match-type)"},
    /* lines */
    {"match = 1:2\n[device x]\nmatch = 1:2\n", 1, "key 'match' outside of any section"},
    {"[device x]\nmatch-name = x\nmatch 0b33:0020\n", 3,
     "expected 'key = value', a [section] or a comment"},
    {"[device x]\nmatch = 1:2\nmatch-name: x\n", 3,
     "expected 'key = value', a [section] or a comment"},
    {"[device x]\nmatch = 1:2\nmatch-name ; = x\n", 3,
     "expected 'key = value', a [section] or a comment"},
    {"[device x]\nmatch = 1:2\n = 1:3\n", 3, "missing key before '='"},
    {"[hidmapd]\nlog-level = info\n", 2, "unknown key 'log-level' in [hidmapd]"},
    {"[hidmapd]\nreplug-grace = 3 min\n", 2,
     "replug-grace: '3 min' is not a duration up to 600s (like 3s or 500ms)"},
    {"[hidmapd]\nreplug-grace = 601s\n", 2,
     "replug-grace: '601s' is not a duration up to 600s (like 3s or 500ms)"},
    /* [device] keys */
    {"[device x]\nmatch = 1:2\nmatch-nmae = x\n", 3, "unknown key 'match-nmae' in [device x]"},
    {"[device x]\nmatch = 1:2\nMatch = 1:2\n", 3, "unknown key 'Match' in [device x]"},
    {"[device x]\nmatch = 1:2\nmatch = 1:3\n", 3, "duplicate key 'match' (first set on line 2)"},
    {"[device x]\nmatch =\n", 2, "'match' needs a value"},
    {"[device x]\nmatch = 1:2\nmatch-name = ; only a comment\n", 3, "'match-name' needs a value"},
    {"[device x]\nmatch = 0b33\n", 2,
     "'0b33': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
    {"[device x]\nmatch = 0b33:*x\n", 2,
     "'0b33:*x': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
    {"[device x]\nmatch = :*\n", 2,
     "':*': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
    {"[device x]\nmatch = *:0020\n", 2,
     "'*:0020': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
    {"[device x]\nmatch-type = gamepads\n", 2,
     "unknown device type 'gamepads' (one of: pointer mouse joystick gamepad keyboard keypad "
     "multi-axis system consumer digitizer touchscreen touchpad vendor other)"},
    {"[device x]\nmatch-type = gamepad,,mouse x\n", 2,
     "unknown device type 'x' (one of: pointer mouse joystick gamepad keyboard keypad "
     "multi-axis system consumer digitizer touchscreen touchpad vendor other)"},
    {"[device x]\nmatch-type = ,\n", 2,
     "match-type needs a device type (one of: pointer mouse joystick gamepad keyboard keypad "
     "multi-axis system consumer digitizer touchscreen touchpad vendor other)"},
    {"[device x]\nmatch = 0b33:00200\n", 2,
     "'0b33:00200': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
    {"[device x]\nmatch = 0x0b33:0x0020\n", 2,
     "'0x0b33:0x0020': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
    {"[device x]\nmatch = 1:2\nenabled = maybe\n", 3, "'maybe': expected yes or no"},
    {"[device x]\nmatch = 1:2\ngrab = 2\n", 3, "'2': expected yes or no"},
    {"[device x]\nmatch = 1:2\nunmapped = ignore\n", 3, "'ignore': expected pass or drop"},
    {"[device x]\nmatch = 1:2\nunmapped = Drop\n", 3, "'Drop': expected pass or drop"},
    /* the hardware settings */
    {"[device x]\nmatch = 1:2\nlightbar = 0000ff\n", 3,
     "'0000ff': expected a colour #rrggbb in hex, e.g. #0000ff"},
    {"[device x]\nmatch = 1:2\n\nlightbar = #00f\n", 4,
     "'#00f': expected a colour #rrggbb in hex, e.g. #0000ff"},
    {"[device x]\nmatch = 1:2\nlightbar = #0000fg\n", 3,
     "'#0000fg': expected a colour #rrggbb in hex, e.g. #0000ff"},
    {"[device x]\nmatch = 1:2\nlightbar = #0000ff0\n", 3,
     "'#0000ff0': expected a colour #rrggbb in hex, e.g. #0000ff"},
    {"[device x]\nmatch = 1:2\nlightbar = #-00000\n", 3,
     "'#-00000': expected a colour #rrggbb in hex, e.g. #0000ff"},
    {"[device x]\nmatch = 1:2\nlightbar = blue\n", 3,
     "'blue': expected a colour #rrggbb in hex, e.g. #0000ff"},
    {"[device x]\nmatch = 1:2\nplayer-leds = 6\n", 3,
     "'6': expected a player number 1..5, or 0 for off"},
    {"[device x]\nmatch = 1:2\nplayer-leds = -1\n", 3,
     "'-1': expected a player number 1..5, or 0 for off"},
    {"[device x]\nmatch = 1:2\nplayer-leds = 1.5\n", 3,
     "'1.5': expected a player number 1..5, or 0 for off"},
    {"[device x]\nmatch = 1:2\nplayer-leds = 0x2\n", 3,
     "'0x2': expected a player number 1..5, or 0 for off"},
    {"[device x]\nmatch = 1:2\nmic-led = yes\n", 3, "'yes': expected on or off"},
    {"[device x]\nmatch = 1:2\nmic-led = ON\n", 3, "'ON': expected on or off"},
    {"[device x]\nmatch = 1:2\nmic-led = on\nmic-led = off\n", 4,
     "duplicate key 'mic-led' (first set on line 3)"},
    {"[device x]\nmatch = 1:2\nspnav-led = blink\n", 3, "'blink': expected on, off or auto"},
    {"[device x]\nmatch = 1:2\nspnav-led = on\nspnav-led = off\n", 4,
     "duplicate key 'spnav-led' (first set on line 3)"},
    {"[device x]\nmatch = 1:2\nlightbar =\n", 3, "'lightbar' needs a value"},
    {"[device x]\nmatch = 1:2\nprofile = a b\n", 3,
     "'a b': invalid profile id (letters, digits, '-', '_', '.'; at most 64)"},
    {"[device x]\nmatch = 1:2\nprofile = nowhere\n", 1,
     "[device x]: profile = nowhere, but there is no [remap nowhere]"},
    /* [remap] lines */
    {"[remap x]\nKEY_Z+KEY_Z = KEY_UNDO\n", 2, "'KEY_Z+KEY_Z': KEY_Z twice in one chord"},
    {"[remap x]\nKEY_UNDO = KEY_LEFTCTRL+\n", 2,
     "'KEY_LEFTCTRL+': a chord is KEY+KEY, without empty parts"},
    {"[remap x]\nKEY_UNDO = KEY_A+KEY_A\n", 2, "'KEY_A+KEY_A': KEY_A twice in one chord"},
    {"[remap x]\nKEY_UNDO = KEY_A+REL_X\n", 2, "'REL_X': a chord is made of KEY_* and BTN_* codes"},
    {"[remap x]\nKEY_UNDO = KEY_1+KEY_2+KEY_3+KEY_4+KEY_5+KEY_6+KEY_7+KEY_8+KEY_9\n", 2,
     "'KEY_1+KEY_2+KEY_3+KEY_4+KEY_5+KEY_6+KEY_7+KEY_8+KEY_9': at most 8 keys in a chord"},
    {"[remap x]\nKEY_A = macro()\n", 2, "macro(...): empty step 1"},
    {"[remap x]\nKEY_A = macro(KEY_B,,KEY_C)\n", 2, "macro(...): empty step 2"},
    {"[remap x]\nKEY_A = macro(KEY_B, 99s)\n", 2,
     "macro(...): '99s' is not a delay up to 60s (like 50ms)"},
    {"[remap x]\nKEY_A = macro(\"abc)\n", 2, "'macro(\"abc)': unbalanced parentheses or quotes"},
    {"[remap x]\nKEY_A = macro(\"a\\qb\")\n", 2,
     "\"a\\qb\": unknown escape (use \\\", \\\\, \\n or \\t)"},
    {"[remap x]\nKEY_A = macro(KEY_B\n", 2, "'macro(KEY_B': unbalanced parentheses or quotes"},
    {"[remap x]\nKEY_A = macro(KEY_B) x\n", 2, "'macro(KEY_B) x': missing ')' at the end"},
    {"[remap x]\nKEY_A = frobnicate(KEY_B)\n", 2,
     "'frobnicate()': unknown action (expected macro, layer, toggle, oneshot, profile, "
     "swap, clear, tap-hold, tap-hold-now, tap-hold-wait, tap-hold-balanced, idle, lettermod, "
     "timeout or repeat)"},
    {"[remap x]\nKEY_A = clear(x)\n", 2, "clear() takes no arguments"},
    {"[remap x]\nKEY_A+KEY_B = tap-hold(KEY_C, KEY_D)\n", 2,
     "KEY_A+KEY_B: a chord of keys maps onto keys, chords, macros, layers, mouse keys and the "
     "like, not tap-holds or axes"},
    {"[remap x]\nKEY_A+KEY_B = KEY_C\nKEY_B+KEY_A = KEY_D\n", 3,
     "'KEY_B+KEY_A' is already mapped on line 2"},
    {"[remap x]\nKEY_A+ABS_X = KEY_C\n", 2, "'ABS_X': a chord is made of KEY_* and BTN_* codes"},
    {"[remap x]\nchord-timeout = 0\n", 2,
     "chord-timeout: '0' is not a duration up to 10s (above 0)"},
    {"[remap x]\nKEY_A = swap(nav)\n", 2, "layer 'nav' has no section [remap x:nav]"},
    {"[remap x]\nKEY_A = timeout(KEY_B, 10ms)\n", 2,
     "timeout(ACTION, TIME, ACTION) takes three arguments"},
    {"[remap x]\nKEY_A = timeout(KEY_B, x, KEY_C)\n", 2,
     "timeout(...): 'x' is not a time from 1ms to 10s"},
    {"[remap x]\nKEY_A = timeout(KEY_B, 10ms, profile(x))\n", 2,
     "timeout(...): the actions must be keys, chords, macros, layer(), toggle() or oneshot()"},
    {"[remap x]\nKEY_A = repeat(layer(x), 10ms, 10ms)\n", 2,
     "repeat(...): the action must be a key, chord or macro()"},
    {"[remap x]\nKEY_A = repeat(KEY_B, 10ms, 0)\n", 2,
     "repeat(...): '0' is not an interval from 1ms to 10s"},
    {"[remap x]\nmodifier-guard = maybe\n", 2, "modifier-guard: 'maybe': expected yes or no"},
    {"[remap x]\n[remap x:nav:X]\n", 2,
     "'x:nav:X': invalid section id (letters, digits, '-', '_', '.'; at most 64)"},
    {"[remap x]\n[remap x:a+b]\n", 2,
     "[remap x:a+b]: 'a' is no layer defined before (a composite layer follows its parts)"},
    {"[remap x]\n[remap x:a]\n[remap x:a+a]\n", 3, "[remap x:a+a]: 'a' twice"},
    {"[remap x]\nKEY_A = tap-hold-now(KEY_B)\n", 2,
     "tap-hold-now(TAP, HOLD[, TIMEOUT]) takes two or three arguments"},
    {"[remap x]\nKEY_A = tap-hold-wait(KEY_B, macro(KEY_C))\n", 2,
     "tap-hold-wait(...): the hold action must be a key, chord or layer()"},
    {"[remap x]\nKEY_A = tap-hold-balanced(KEY_B, KEY_C, 20s)\n", 2,
     "tap-hold-balanced(...): '20s' is not a timeout from 1ms to 10s"},
    {"[remap x]\nKEY_A = idle(KEY_B, KEY_C)\n", 2,
     "idle(TYPING, IDLE, TIME) takes three arguments"},
    {"[remap x]\nKEY_A = idle(KEY_B, idle(KEY_C, KEY_D, 1ms), 10ms)\n", 2,
     "idle(...) cannot be inside idle()"},
    {"[remap x]\nKEY_A = idle(KEY_B, KEY_C, 0)\n", 2,
     "idle(...): '0' is not a time from 1ms to 10s"},
    {"[remap x]\nKEY_A = lettermod(KEY_LEFTCTRL, KEY_A, 150ms)\n", 2,
     "lettermod(HOLD, KEY, IDLE, TIMEOUT) takes four arguments"},
    {"[remap x]\nKEY_A = lettermod(macro(KEY_B), KEY_A, 150ms, 200ms)\n", 2,
     "lettermod(...): the hold action must be a key, chord or layer()"},
    {"[remap x]\nREL_WHEEL+ = idle(KEY_B, KEY_C, 10ms)\n", 2,
     "REL_WHEEL+: each step of motion is a tap; map it onto keys, chords, macros, toggle(), "
     "oneshot() or profile()"},
    {"[remap x]\noneshot-timeout = 61s\n", 2, "oneshot-timeout: '61s' is not a duration up to 60s"},
    {"[remap x]\nKEY_A = layer(a b)\n", 2,
     "layer(a b): expected a name (letters, digits, '-', '_', '.')"},
    {"[remap x]\nKEY_A = layer(nav)\n", 2, "layer 'nav' has no section [remap x:nav]"},
    {"[remap x]\nKEY_A = profile(other)\n", 2, "profile(other): there is no [remap other]"},
    {"[remap x]\nKEY_A = tap-hold(KEY_B)\n", 2,
     "tap-hold(TAP, HOLD[, TIMEOUT]) takes two or three arguments"},
    {"[remap x]\nKEY_A = tap-hold(KEY_B, KEY_C, 0)\n", 2,
     "tap-hold(...): '0' is not a timeout from 1ms to 10s"},
    {"[remap x]\nKEY_A = tap-hold(layer(x), KEY_C)\n", 2,
     "tap-hold(...): the tap action must be a key, chord, macro, toggle(), oneshot() or "
     "profile()"},
    {"[remap x]\nKEY_A = tap-hold(KEY_B, macro(KEY_C))\n", 2,
     "tap-hold(...): the hold action must be a key, chord or layer()"},
    {"[remap x]\nKEY_A = tap-hold(KEY_B, tap-hold(KEY_C, KEY_D))\n", 2,
     "tap-hold() cannot be inside another action (but in idle())"},
    {"[remap x]\nKEY_A = ABS_X\n", 2,
     "KEY_A = ABS_X: a key can be mapped onto relative motion with ABS_X+ or ABS_X- (mouse "
     "keys), not onto an axis"},
    {"[remap x]\nREL_X = KEY_A\n", 2,
     "REL_X: map relative motion onto a REL_* axis or disabled (or use REL_X+ / REL_X- for "
     "keys per step)"},
    {"[remap x]\nABS_X = KEY_A\n", 2,
     "ABS_X: map an axis onto an ABS_* or REL_* axis or disabled (or use ABS_X+, ABS_X- or "
     "ABS_X[MIN..MAX] for keys)"},
    {"[remap x]\nREL_WHEEL+ = layer(x)\n", 2,
     "REL_WHEEL+: each step of motion is a tap; map it onto keys, chords, macros, toggle(), "
     "oneshot() or profile()"},
    {"[remap x]\nABS_X+ = REL_X\n", 2,
     "ABS_X+: a zone of an axis acts like a key; map it onto keys, chords, macros, layers, "
     "mouse keys or profile()"},
    {"[remap x]\nKEY_A+ = KEY_B\n", 2, "'KEY_A+': keys take no direction or range"},
    {"[remap x]\nREL_X[1..2] = KEY_B\n", 2,
     "'REL_X[1..2]': relative axes take a direction (+ or -), not a range"},
    {"[remap x]\nABS_X[5..1] = KEY_B\n", 2,
     "'ABS_X[5..1]': a range is written ABS_X[MIN..MAX], MIN <= MAX"},
    {"[remap x]\nABS_MT_SLOT = ABS_X\n", 2, "'ABS_MT_SLOT': multitouch axes cannot be mapped"},
    {"[remap x]\nKEY_A = SW_LID\n", 2,
     "'SW_LID': only KEY_*, BTN_*, REL_* and ABS_* codes can be mapped"},
    {"[remap x]\nABS_X = ABS_Y, wobble\n", 2,
     "'wobble': unknown option (invert, deadzone, outer-deadzone, curve, scale, offset, "
     "calibrate, range, center, threshold, hysteresis, per, speed, "
     "trackpad, inertia)"},
    {"[remap x]\nABS_X = ABS_Y, per=2\n", 2,
     "'per' does not apply to this kind of mapping (see hidmapd.ini(5))"},
    {"[remap x]\nABS_X = ABS_Y, deadzone\n", 2, "'deadzone' needs a value: deadzone=..."},
    {"[remap x]\nABS_X = ABS_Y, invert=yes\n", 2, "'invert' takes no value"},
    {"[remap x]\nABS_X = ABS_Y, deadzone=150%\n", 2,
     "deadzone=150%: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nABS_X = ABS_Y, curve=0\n", 2, "curve=0: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nABS_X = ABS_Y, calibrate=5..5\n", 2,
     "calibrate=5..5: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nREL_X = REL_X, scale=1/0\n", 2, "scale=1/0: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nREL_X+ = KEY_A, per=0\n", 2, "per=0: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nABS_X+ = KEY_A, center=left\n", 2, "center=left: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nABS_X = REL_X, speed=-1\n", 2, "speed=-1: bad value (see hidmapd.ini(5))"},
    {"[remap x]\nKEY_A = KEY_NOPE\n", 2,
     "'KEY_NOPE': unknown event code (names as in linux/input-event-codes.h, e.g. KEY_A, "
     "BTN_LEFT, REL_WHEEL, ABS_X)"},
    {"[remap x]\nkey_a = KEY_B\n", 2,
     "'key_a': unknown event code (names as in linux/input-event-codes.h, e.g. KEY_A, "
     "BTN_LEFT, REL_WHEEL, ABS_X)"},
    {"[remap x]\nKEY_A = 30\n", 2,
     "'30': unknown event code (names as in linux/input-event-codes.h, e.g. KEY_A, "
     "BTN_LEFT, REL_WHEEL, ABS_X)"},
    {"[remap x]\nKEY_A = KEY_B;comment needs a blank before it\n", 2,
     "'KEY_B;comment needs a blank before it': unknown event code (names as in "
     "linux/input-event-codes.h, e.g. KEY_A, BTN_LEFT, REL_WHEEL, ABS_X)"},
    {"[remap x]\nKEY_A = KEY_RESERVED\n", 2, "'KEY_RESERVED' is not a usable event code"},
    {"[remap x]\nKEY_MAX = KEY_A\n", 2, "'KEY_MAX' is not a usable event code"},
    {"[remap x]\nKEY_A =\n", 2, "'KEY_A' needs an action: a key name, disabled, macro(...), ..."},
    {"[remap x]\nKEY_A = Disabled\n", 2,
     "'Disabled': unknown event code (names as in linux/input-event-codes.h, e.g. KEY_A, "
     "BTN_LEFT, REL_WHEEL, ABS_X)"},
    {"[remap x]\nKEY_A = KEY_B\nKEY_C = KEY_D\nKEY_A = disabled\n", 4,
     "'KEY_A' is already mapped on line 2"},
    /* settings and layers */
    {"[remap x]\ntap-hold-timeout = 0\n", 2,
     "tap-hold-timeout: '0' is not a duration from 1ms to 10s"},
    {"[remap x]\nmacro-delay = 2s\n", 2, "macro-delay: '2s' is not a duration up to 1s"},
    {"[remap x]\nmouse-speed = fast\n", 2,
     "mouse-speed: 'fast' is not a speed (units per second, above 0)"},
    {"[remap x]\nrate = 0\n", 2, "rate: '0' is not a rate from 1 to 1000 (per second)"},
    {"[remap x]\ntext-layout = ../etc\n", 2,
     "text-layout: '../etc' is not an XKB name (like us, de, fr)"},
    {"[remap x]\ncolour = red\n", 2,
     "unknown setting 'colour' (tap-hold-timeout, oneshot-timeout, modifier-guard, "
     "chord-timeout, chord-hold-timeout, macro-delay, mouse-speed, mouse-max-speed, mouse-accel-time, stick-speed, scroll-speed, "
     "rate, text-layout, text-variant)"},
    {"[remap x]\n[remap x:nav]\nrate = 10\n", 3,
     "'rate': settings go in the profile's section [remap x]"},
    {"[remap y]\n[remap x:nav]\nKEY_A = KEY_B\n", 2,
     "[remap x:nav]: a layer section follows its profile's section [remap x] in the same "
     "file"},
    {"[remap x]\n[remap x:nav]\n[remap x:nav]\n", 3,
     "duplicate section [remap x:nav] (first on line 2)"},
    {"[remap x]\ntext-layout = ru\nKEY_A = macro(\"abc\")\n", 3,
     "macro text \"abc\": 'a' cannot be typed on layout 'ru'"},
    {"[remap x]\ntext-layout = nosuchlayout\nKEY_A = macro(\"a\")\n", 3,
     "macro text needs the XKB layout 'nosuchlayout' (is xkb-data installed? see "
     "text-layout in hidmapd.ini(5))"},
};

static void test_errors(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		const struct error_case *t = &error_cases[i];
		struct hm_config *c = (struct hm_config *)0x1; /* must stay untouched */
		struct diags diags = {0};
		char name[32], expected[1024];
		const char *path;

		snprintf(name, sizeof(name), "error-%zu.ini", i);
		path = write_file(name, t->text);
		snprintf(expected, sizeof(expected), "%s:%u: %s", path, t->line, t->message);
		if (load1(path, &diags, &c) != -EINVAL || diags.n != 1 ||
		    strcmp(diags.msg[0], expected) != 0) {
			fprintf(stderr, "case %zu:\n%s\nexpected: %s\n", i, t->text, expected);
			diags_print(&diags);
		}
		assert_int_equal(diags.n, 1);
		assert_string_equal(diags.msg[0], expected);
		assert_ptr_equal(c, (struct hm_config *)0x1);
		diags_clear(&diags);
	}
}

/* A file is checked to its end, so `hidmapd check` lists every problem. */
static void test_all_errors_reported(void **state)
{
	static const struct {
		unsigned line;
		const char *message;
	} expected[] = {
	    {2,
	     "unknown section [keyboard] (expected [hidmapd], [device ID], [remap ID] or [layout ID])"},
	    {6, "'0b33:zzzz': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*"},
	    {7, "'maybe': expected yes or no"},
	    {9, "duplicate key 'unmapped' (first set on line 8)"},
	    {10, "unknown key 'colour' in [device d1]"},
	    {11, "expected 'key = value', a [section] or a comment"},
	    {13, "[device d2] has no match criteria (match, match-name, match-module, "
	         "match-serial or match-type)"},
	    {17, "KEY_LEFTCTRL+KEY_Z: a chord of keys maps onto keys, chords, macros, layers, "
	         "mouse keys and the like, not tap-holds or axes"},
	    {19, "REL_X: map relative motion onto a REL_* axis or disabled (or use REL_X+ / "
	         "REL_X- for keys per step)"},
	    {20, "'KEY_NOPE': unknown event code (names as in linux/input-event-codes.h, e.g. "
	         "KEY_A, BTN_LEFT, REL_WHEEL, ABS_X)"},
	    {22, "'KEY_C' is already mapped on line 21"},
	    {24, "duplicate section [device d1] (first on line 5)"},
	};
	struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *path = fixture("bad-many.ini");

	assert_int_equal(load1(path, &diags, &c), -EINVAL);
	assert_null(c);
	if (diags.n != ARRAY_SIZE(expected))
		diags_print(&diags);
	assert_int_equal(diags.n, ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		char want[PATH_MAX + 512];

		snprintf(want, sizeof(want), "%s:%u: %s", path, expected[i].line,
		         expected[i].message);
		assert_string_equal(diags.msg[i], want);
	}
	diags_clear(&diags);
}

/* One bad file rejects the whole configuration, good files included. */
static void test_bad_file_rejects_all(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *paths[] = {fixture("good.ini"), fixture("bad-profile.ini")};
	char want[PATH_MAX + 128];

	assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), -EINVAL);
	assert_null(c);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want),
	         "%s:1: [device shuttle]: profile = nowhere, but there is no "
	         "[remap nowhere]",
	         fixture("bad-profile.ini"));
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);
}

static void test_limits(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};
	char want[PATH_MAX + 128], line[512];
	const char *path;
	char *text;
	size_t len;

	/* a line of exactly the limit is fine, one more is not */
	memset(line, 0, sizeof(line));
	strcpy(line, "[device x]\nmatch-name = ");
	len = strlen("match-name = ");
	memset(line + strlen(line), 'n', HM_CONFIG_MAX_LINE - len);
	strcat(line, "\n");
	path = write_file("line-ok.ini", line);
	assert_int_equal(load1(path, &diags, &c), 0);
	assert_int_equal(strlen(c->devices[0].match_name), HM_CONFIG_MAX_LINE - len);
	hm_config_free(c);
	c = NULL;

	strcpy(line + strlen(line) - 1, "n\nmatch = 1:2\n");
	path = write_file("line-long.ini", line);
	assert_int_equal(load1(path, &diags, &c), -EINVAL);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want), "%s:2: line too long (more than 190 characters)", path);
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);

	/* NUL byte */
	{
		static const char nul[] = "[device x]\nmatch = 1:2\nmatch-name = a\0b\n";

		path = write_file_len("nul.ini", nul, sizeof(nul) - 1);
	}
	assert_int_equal(load1(path, &diags, &c), -EINVAL);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want), "%s:3: line contains a NUL byte", path);
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);

	/* file size: comment lines up to one byte past the limit */
	len = HM_CONFIG_MAX_FILE_SIZE + 1;
	text = malloc(len);
	assert_non_null(text);
	memset(text, '#', len);
	for (size_t i = 99; i < len; i += 100)
		text[i] = '\n';
	path = write_file_len("big.ini", text, len);
	assert_int_equal(load1(path, &diags, &c), -EINVAL);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want), "%s:0: file too large (more than 1048576 bytes)", path);
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);
	path = write_file_len("big-ok.ini", text, len - 1);
	assert_int_equal(load1(path, &diags, &c), 0);
	hm_config_free(c);
	c = NULL;
	free(text);

	/* sections: 256 fine, the 257th is reported once */
	text = malloc(64 * 1024);
	assert_non_null(text);
	text[0] = '\0';
	for (int i = 0; i < 258; i++)
		sprintf(text + strlen(text), "[remap r%d]\n", i);
	path = write_file("sections.ini", text);
	assert_int_equal(load1(path, &diags, &c), -EINVAL);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want), "%s:257: too many sections (at most 256 per file)", path);
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);

	/* maps: every key code libevdev names, once (there are fewer codes
	 * than HM_CONFIG_MAX_MAPS, so that limit waits for chords) */
	strcpy(text, "[remap x]\n");
	for (int code = 1; code < KEY_MAX; code++) {
		const char *name = libevdev_event_code_get_name(EV_KEY, (unsigned)code);

		if (name && libevdev_event_code_from_code_name(name) == code)
			sprintf(text + strlen(text), "%s = KEY_A\n", name);
	}
	path = write_file("maps.ini", text);
	assert_int_equal(load1(path, &diags, &c), 0);
	assert_true(c->profiles[0].nmaps > 500);
	assert_true(c->profiles[0].nmaps <= HM_CONFIG_MAX_MAPS);
	hm_config_free(c);
	c = NULL;
	free(text);

	/* not a regular file, given by name */
	assert_int_equal(load1("/dev/null", &diags, &c), -EINVAL);
	assert_int_equal(diags.n, 1);
	assert_string_equal(diags.msg[0], "/dev/null:0: not a regular file");
	diags_clear(&diags);
}

static void test_unreadable(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};
	char want[PATH_MAX + 64];
	const char *path;

	if (geteuid() == 0)
		skip(); /* root reads everything */
	path = write_file("secret.ini", "[hidmapd]\n");
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(load1(path, &diags, &c), -EACCES);
	assert_null(c);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want), "%s:0: cannot read: %s", path, strerror(EACCES));
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);
}

/* A path the user gave must exist; the search path's may not. */
static void test_given_missing(void **state)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *good = write_file("given.ini", "[hidmapd]\n");
	const char *paths[] = {good, "/nonexistent/hidmapd.ini"};
	char want[PATH_MAX + 64];

	assert_int_equal(hm_config_load_given(paths, 2, capture, &diags, &c), -EINVAL);
	assert_null(c);
	assert_int_equal(diags.n, 1);
	snprintf(want, sizeof(want), "/nonexistent/hidmapd.ini:0: %s", strerror(ENOENT));
	assert_string_equal(diags.msg[0], want);
	diags_clear(&diags);

	/* the same through hm_config_load(): skipped */
	assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), 0);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->nfiles, 1);
	hm_config_free(c);
	c = NULL;

	/* none given: the default search path, whose directories may be missing */
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	assert_int_equal(hm_config_load_given(NULL, 0, capture, &diags, &c), 0);
	assert_int_equal(diags.n, 0);
	hm_config_free(c);
	unsetenv("XDG_CONFIG_HOME");
}

/* ---- several files -------------------------------------------------------- */

static void test_directory(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	char dir[1024], want[PATH_MAX], link[PATH_MAX];
	const char *paths[] = {"/nonexistent/hidmapd", dir};

	{
		const char *d = make_dir("d");

		assert_true(strlen(d) < sizeof(dir));
		strcpy(dir, d);
	}
	write_file("d/b.ini", "[remap b]\n");
	write_file("d/a.ini", "[remap a]\n");
	write_file("d/B.ini", "[remap B]\n");
	write_file("d/.hidden.ini", "[garbage\n");
	write_file("d/notes.txt", "[garbage\n");
	write_file("d/x.ini~", "[garbage\n");
	make_dir("d/sub.ini");
	snprintf(want, sizeof(want), "%s/nonexistent", tmpdir);
	snprintf(link, sizeof(link), "%s/dangling.ini", dir);
	assert_int_equal(symlink(want, link), 0);

	assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), 0);
	assert_int_equal(diags.n, 0);
	/* bytewise order, whatever the locale */
	assert_int_equal(c->nfiles, 3);
	snprintf(want, sizeof(want), "%s/B.ini", dir);
	assert_string_equal(c->files[0], want);
	snprintf(want, sizeof(want), "%s/a.ini", dir);
	assert_string_equal(c->files[1], want);
	snprintf(want, sizeof(want), "%s/b.ini", dir);
	assert_string_equal(c->files[2], want);
	assert_int_equal(c->nprofiles, 3);
}

static void test_no_files(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *paths[] = {"/nonexistent/a", "/nonexistent/b.ini"};

	assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), 0);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->nfiles, 0);
	assert_int_equal(c->ndevices, 0);
	assert_null(hm_config_match(c, &(struct hm_device_info){.vendor = 1}, NULL));
}

static void test_override(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *paths[] = {fixture("override")};
	struct hm_device_info info = {.vendor = 0x0b33, .product = 0x0020};
	const struct hm_config_device *d;
	const struct hm_config_profile *pr;
	char user[PATH_MAX + 32];

	snprintf(user, sizeof(user), "%s/20-user.ini", paths[0]);
	assert_int_equal(hm_config_load(paths, 1, capture, &diags, &c), 0);
	diags_print(&diags);
	assert_int_equal(diags.n, 0);
	assert_int_equal(c->nfiles, 2);

	/* replaced whole, not merged: grab and unmapped are the defaults again,
	 * and the replacement moved behind [device pad] */
	assert_int_equal(c->ndevices, 3);
	assert_string_equal(c->devices[0].id, "pad");
	assert_string_equal(c->devices[1].id, "shuttle");
	assert_string_equal(c->devices[2].id, "pad2");
	d = find_device(c, "shuttle");
	assert_string_equal(d->file, user);
	assert_int_equal(d->line, 2);
	assert_true(d->grab);
	assert_int_equal(d->unmapped, HM_UNMAPPED_PASS);
	assert_ptr_equal(hm_config_match(c, &info, "shuttlexpress"), d);

	pr = hm_config_profile_for(c, d);
	assert_ptr_equal(pr, find_profile(c, "shuttle"));
	assert_string_equal(pr->file, user);
	assert_int_equal(pr->nmaps, 1);
	assert_map(&pr->maps[0], BTN_4, false, KEY_ENTER, 6);

	/* a profile from an earlier file */
	d = find_device(c, "pad2");
	assert_ptr_equal(hm_config_profile_for(c, d), find_profile(c, "jog"));
	/* pad and pad2 match the same device: the later one wins */
	info.vendor = 0x1234;
	info.product = 0x5678;
	assert_ptr_equal(hm_config_match(c, &info, NULL), d);
}

/* The order of the paths is the order of precedence. */
static void test_file_order(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *a, *b;
	const char *paths[2];
	struct hm_device_info info = {.vendor = 1, .product = 2};

	a = strdup(write_file("order-a.ini", "[device x]\nmatch = 1:2\nprofile = p\n"));
	b = strdup(write_file("order-b.ini", "[remap p]\n[device x]\nmatch = 1:2\ngrab = no\n"));
	paths[0] = a;
	paths[1] = b;
	assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), 0);
	assert_false(hm_config_match(c, &info, NULL)->grab);
	/* b's [device x] replaced a's, so its profile reference is gone too */
	assert_null(hm_config_match(c, &info, NULL)->profile);
	hm_config_free(c);
	c = NULL;

	paths[0] = b;
	paths[1] = a;
	assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), 0);
	assert_true(hm_config_match(c, &info, NULL)->grab);
	assert_string_equal(hm_config_profile_for(c, hm_config_match(c, &info, NULL))->file, b);
	assert_int_equal(diags.n, 0);
	free((char *)a);
	free((char *)b);
}

/* ---- matching ------------------------------------------------------------- */

static void test_match(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *path = write_file("match.ini", "[device pads]\n"
	                                           "match-type = gamepad, joystick\n"
	                                           "[device vendor]\n"
	                                           "match = 0b33:*\n"
	                                           "[device typed]\n"
	                                           "match = 1234:*\n"
	                                           "match-type = keyboard\n"
	                                           "[device byid]\n"
	                                           "match = 0b33:0020\n"
	                                           "[device byname]\n"
	                                           "match-name = Contour*Shuttle?press\n"
	                                           "[device bymodule]\n"
	                                           "match-module = shuttlexpress\n"
	                                           "[device byserial]\n"
	                                           "match-serial = SN1\n"
	                                           "[device combo]\n"
	                                           "match = 046d:c52b\n"
	                                           "match-name = *Keyboard\n"
	                                           "[device off]\n"
	                                           "match = dead:beef\n"
	                                           "enabled = no\n");
	static const struct {
		uint16_t vendor, product;
		const char *name, *serial, *module;
		const char *expected; /* section id, NULL: none */
		unsigned kinds;
	} cases[] = {
	    {0x0b33, 0x0020, "", "", NULL, "byid", 0},
	    {0x0b33, 0x0021, "", "", NULL, "vendor", 0},
	    {0x0b34, 0x0020, "", "", NULL, NULL, 0},
	    /* by type: any of the listed kinds among the device's */
	    {0x0001, 0x0002, "", "", NULL, "pads", HM_KIND_GAMEPAD},
	    {0x0001, 0x0002, "", "", NULL, "pads", HM_KIND_JOYSTICK | HM_KIND_CONSUMER},
	    {0x0001, 0x0002, "", "", NULL, NULL, HM_KIND_MOUSE | HM_KIND_KEYBOARD},
	    {0x0001, 0x0002, "", "", NULL, NULL, 0},
	    {0x1234, 0x0001, "", "", NULL, "typed", HM_KIND_KEYBOARD | HM_KIND_SYSTEM},
	    {0x1234, 0x0001, "", "", NULL, NULL, HM_KIND_MOUSE},
	    {0x1235, 0x0001, "", "", NULL, NULL, HM_KIND_KEYBOARD},
	    {0x0001, 0x0002, "Contour ShuttleXpress", "", NULL, "byname", 0},
	    {0x0001, 0x0002, "Contour Design ShuttleXpress", "", NULL, "byname", 0},
	    {0x0001, 0x0002, "contour shuttlexpress", "", NULL, NULL, 0},     /* case matters */
	    {0x0001, 0x0002, "Contour ShuttleXpress Pro", "", NULL, NULL, 0}, /* whole name */
	    {0x0001, 0x0002, "", "", "shuttlexpress", "bymodule", 0},
	    {0x0001, 0x0002, "", "", "generic", NULL, 0},
	    {0x0001, 0x0002, "", "SN1", NULL, "byserial", 0},
	    {0x0001, 0x0002, "", "SN10", NULL, NULL, 0},
	    {0x0001, 0x0002, "", "sn1", NULL, NULL, 0},
	    /* every criterion must hold */
	    {0x046d, 0xc52b, "Logitech USB Receiver Keyboard", "", NULL, "combo", 0},
	    {0x046d, 0xc52b, "Logitech USB Receiver Mouse", "", NULL, NULL, 0},
	    {0x046d, 0xc52c, "Logitech USB Receiver Keyboard", "", NULL, NULL, 0},
	    /* several match: the last section wins */
	    {0x0b33, 0x0020, "Contour ShuttleXpress", "", NULL, "byname", 0},
	    {0x0b33, 0x0020, "Contour ShuttleXpress", "", "shuttlexpress", "bymodule", 0},
	    {0x0b33, 0x0020, "Contour ShuttleXpress", "SN1", "shuttlexpress", "byserial", 0},
	    /* a disabled section still selects (the caller then leaves it alone) */
	    {0xdead, 0xbeef, "", "", NULL, "off", 0},
	};

	assert_int_equal(load1(path, &diags, &c), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hm_device_info info = {.vendor = cases[i].vendor,
		                              .product = cases[i].product,
		                              .kinds = cases[i].kinds};
		const struct hm_config_device *d;

		snprintf(info.name, sizeof(info.name), "%s", cases[i].name);
		snprintf(info.serial, sizeof(info.serial), "%s", cases[i].serial);
		d = hm_config_match(c, &info, cases[i].module);
		if (!cases[i].expected) {
			assert_null(d);
			continue;
		}
		assert_non_null(d);
		assert_string_equal(d->id, cases[i].expected);
	}
	assert_false(find_device(c, "off")->enabled);
}

static void test_profile_for(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};
	const char *path = write_file("profile.ini", "[device a]\nmatch = 1:1\n"
	                                             "[device b]\nmatch = 1:2\nprofile = a\n"
	                                             "[device c]\nmatch = 1:3\n"
	                                             "[remap a]\nKEY_A = KEY_B\n");

	assert_int_equal(load1(path, &diags, &c), 0);
	assert_ptr_equal(hm_config_profile_for(c, find_device(c, "a")), find_profile(c, "a"));
	assert_ptr_equal(hm_config_profile_for(c, find_device(c, "b")), find_profile(c, "a"));
	assert_null(hm_config_profile_for(c, find_device(c, "c")));
	assert_null(hm_config_profile_for(c, NULL));
}

/* ---- reload: the same mapping or not -------------------------------------- */

static struct hm_config *load_text(const char *name, const char *text)
{
	struct hm_config *c = NULL;
	struct diags diags = {0};

	int r = load1(write_file(name, text), &diags, &c);

	if (r < 0)
		diags_print(&diags);
	assert_int_equal(r, 0);
	diags_clear(&diags);
	return c;
}

/*
 * A reload that changes nothing for a device must leave it alone (held
 * keys stay held): the profile it gets is compared with the one it had,
 * by content, including every profile a switch can reach.  Comments,
 * blank lines, the order of sections and line numbers do not count.
 */
static void test_profile_equal(void **state)
{
	static const char *base = "[device kbd]\nmatch = 1:1\n"
	                          "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	                          "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	                          "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	                          "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	                          "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n";
	static const struct {
		const char *what;
		const char *text;
		bool equal;
	} cases[] = {
	    {"the same text", NULL, true},
	    {"comments, blank lines, sections moved",
	     "# mine\n[remap game]\nKEY_W = KEY_UP\n\nKEY_F1 = profile(kbd)\n"
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n",
	     true},
	    {"a map's target",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_C\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a profile reachable through a switch",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_DOWN\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a layer",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_HOME\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a macro's delay",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 20ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a setting",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\ntap-hold-timeout = 300ms\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    /* settings and forms added after this comparison was first written:
	     * it compares what was written, so none can be forgotten */
	    {"a chord timeout",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nchord-timeout = 80ms\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a layer made a modifier layer",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav:C]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a tap-hold variant",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold-wait(KEY_ESC, KEY_LEFTCTRL)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	    {"a map's option",
	     "[device kbd]\nmatch = 1:1\n"
	     "[remap kbd]\nKEY_A = KEY_B\nKEY_F1 = profile(game)\n"
	     "KEY_X = tap-hold(KEY_ESC, KEY_LEFTCTRL, 150ms)\n"
	     "KEY_M = macro(KEY_H, 10ms, KEY_I)\n"
	     "[remap kbd:nav]\nKEY_H = KEY_LEFT\n"
	     "[remap game]\nKEY_W = KEY_UP\nKEY_F1 = profile(kbd)\n",
	     false},
	};
	_cleanup_(hm_config_freep) struct hm_config *a = load_text("a.ini", base);
	const struct hm_config_profile *pa = hm_config_profile_for(a, find_device(a, "kbd"));

	assert_non_null(pa);
	assert_true(hm_config_profile_equal(pa, pa));
	assert_true(hm_config_profile_equal(NULL, NULL));
	assert_false(hm_config_profile_equal(pa, NULL));
	assert_false(hm_config_profile_equal(NULL, pa));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		_cleanup_(hm_config_freep) struct hm_config *b =
		    load_text("b.ini", cases[i].text ? cases[i].text : base);
		const struct hm_config_profile *pb =
		    hm_config_profile_for(b, find_device(b, "kbd"));

		assert_non_null(pb);
		if (hm_config_profile_equal(pa, pb) != cases[i].equal ||
		    hm_config_profile_equal(pb, pa) != cases[i].equal)
			fail_msg("%s: expected %s", cases[i].what,
			         cases[i].equal ? "equal" : "different");
	}
}

/*
 * lightbar, player-leds, mic-led: stored on the [device] section, unset
 * when not given; a reload compares them apart from the mapping, so a
 * change of only these leaves the mapping (and what the device holds).
 */
static void test_hardware_settings(void **state)
{
	static const char *base = "[device pad]\nmatch = 54c:ce6\n"
	                          "[remap pad]\nBTN_SOUTH = BTN_EAST\n";
	static const char *lit = "[device pad]\nmatch = 54c:ce6\n"
	                         "lightbar = #FF8000\nplayer-leds = 2\nmic-led = on\n"
	                         "[remap pad]\nBTN_SOUTH = BTN_EAST\n";
	static const char *off = "[device pad]\nmatch = 54c:ce6\n"
	                         "lightbar = #000000\nplayer-leds = 0\nmic-led = off\n"
	                         "[remap pad]\nBTN_SOUTH = BTN_EAST\n";
	static const char *remapped = "[device pad]\nmatch = 54c:ce6\n"
	                              "lightbar = #FF8000\nplayer-leds = 2\nmic-led = on\n"
	                              "[remap pad]\nBTN_SOUTH = BTN_NORTH\n";
	_cleanup_(hm_config_freep) struct hm_config *a = load_text("hw-a.ini", base);
	_cleanup_(hm_config_freep) struct hm_config *b = load_text("hw-b.ini", lit);
	_cleanup_(hm_config_freep) struct hm_config *c = load_text("hw-c.ini", off);
	_cleanup_(hm_config_freep) struct hm_config *d = load_text("hw-d.ini", remapped);
	const struct hm_config_device *da = find_device(a, "pad"), *db = find_device(b, "pad");
	const struct hm_config_device *dc = find_device(c, "pad"), *dd = find_device(d, "pad");
	const struct hm_config_hardware none = HM_CONFIG_HARDWARE_INIT;

	/* not given: unset */
	assert_false(da->hardware.lightbar_set);
	assert_int_equal(da->hardware.player_leds, -1);
	assert_int_equal(da->hardware.mic_led, -1);
	assert_true(hm_config_hardware_equal(&da->hardware, &none));

	assert_true(db->hardware.lightbar_set);
	assert_int_equal(db->hardware.lightbar[0], 0xff);
	assert_int_equal(db->hardware.lightbar[1], 0x80);
	assert_int_equal(db->hardware.lightbar[2], 0x00);
	assert_int_equal(db->hardware.player_leds, 2);
	assert_int_equal(db->hardware.mic_led, 1);

	/* off is set, and differs from unset */
	assert_true(dc->hardware.lightbar_set);
	assert_memory_equal(dc->hardware.lightbar, "\0\0\0", 3);
	assert_int_equal(dc->hardware.player_leds, 0);
	assert_int_equal(dc->hardware.mic_led, 0);

	/* a reload from a to b or b to c: the settings differ, the mapping
	 * is the same (daemon_reload() keeps the device's remapper) */
	assert_true(
	    hm_config_profile_equal(hm_config_profile_for(a, da), hm_config_profile_for(b, db)));
	assert_true(
	    hm_config_profile_equal(hm_config_profile_for(b, db), hm_config_profile_for(c, dc)));
	assert_false(hm_config_hardware_equal(&da->hardware, &db->hardware));
	assert_false(hm_config_hardware_equal(&db->hardware, &dc->hardware));
	assert_false(hm_config_hardware_equal(&da->hardware, &dc->hardware));
	assert_true(hm_config_hardware_equal(&db->hardware, &db->hardware));
	/* ...and a mapping change is one, with the same settings */
	assert_false(
	    hm_config_profile_equal(hm_config_profile_for(b, db), hm_config_profile_for(d, dd)));
	assert_true(hm_config_hardware_equal(&db->hardware, &dd->hardware));
}

/* spnav-led = on|off|auto: a hardware setting like mic-led (a reload that
 * changes only it reconfigures the module, keeps the mapping) */
static void test_spnav_led(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *a =
	    load_text("led-a.ini", "[device m]\nmatch = 46d:c626\n");
	_cleanup_(hm_config_freep) struct hm_config *b =
	    load_text("led-b.ini", "[device m]\nmatch = 46d:c626\nspnav-led = off\n");
	_cleanup_(hm_config_freep) struct hm_config *c =
	    load_text("led-c.ini", "[device m]\nmatch = 46d:c626\nspnav-led = on\n");
	const struct hm_config_device *da = find_device(a, "m"), *db = find_device(b, "m");
	_cleanup_(hm_config_freep) struct hm_config *e =
	    load_text("led-e.ini", "[device m]\nmatch = 46d:c626\nspnav-led = auto\n");
	const struct hm_config_device *dc = find_device(c, "m"), *de = find_device(e, "m");

	(void)state;
	assert_int_equal(da->hardware.spnav_led, -1);
	assert_int_equal(db->hardware.spnav_led, 0);
	assert_int_equal(dc->hardware.spnav_led, 1);
	assert_int_equal(de->hardware.spnav_led, 2);
	assert_false(hm_config_hardware_equal(&dc->hardware, &de->hardware));
	assert_false(hm_config_hardware_equal(&da->hardware, &db->hardware));
	assert_false(hm_config_hardware_equal(&db->hardware, &dc->hardware));
	assert_false(hm_config_hardware_equal(&da->hardware, &dc->hardware));
}

/* A configuration kept for a device outlives the daemon's own reference. */
static void test_config_ref(void **state)
{
	struct hm_config *c =
	    load_text("ref.ini", "[device a]\nmatch = 1:1\n[remap a]\nKEY_A = KEY_B\n");
	const struct hm_config_profile *p = find_profile(c, "a");

	assert_ptr_equal(hm_config_ref(c), c);
	hm_config_free(c); /* the daemon's, at a reload */
	/* still there for the device (valgrind/ASan would catch a use after free) */
	assert_string_equal(p->id, "a");
	assert_int_equal(p->nmaps, 1);
	hm_config_free(c); /* the device's */
	assert_null(hm_config_ref(NULL));
}

/* ---- search path ----------------------------------------------------------- */

static void test_default_paths(void **state)
{
	char *old_xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	const char *const *p;
	size_t n = 0;

	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	setenv("HOME", "/home/u", 1);
	p = hm_config_default_paths(&n);
	assert_int_equal(n, 3);
	assert_string_equal(p[0], HIDMAPD_DATADIR "/config.d");
	assert_string_equal(p[1], HIDMAPD_SYSCONFDIR);
	assert_string_equal(p[2], "/xdg/config/hidmapd");

	unsetenv("XDG_CONFIG_HOME");
	p = hm_config_default_paths(&n);
	assert_int_equal(n, 3);
	assert_string_equal(p[2], "/home/u/.config/hidmapd");

	/* the spec says relative values are invalid and to be ignored */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	p = hm_config_default_paths(&n);
	assert_int_equal(n, 3);
	assert_string_equal(p[2], "/home/u/.config/hidmapd");

	setenv("XDG_CONFIG_HOME", "", 1);
	p = hm_config_default_paths(&n);
	assert_string_equal(p[2], "/home/u/.config/hidmapd");

	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	p = hm_config_default_paths(&n);
	assert_int_equal(n, 2);
	assert_string_equal(p[0], HIDMAPD_DATADIR "/config.d");
	assert_string_equal(p[1], HIDMAPD_SYSCONFDIR);

	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

/* ---- what the project ships ----------------------------------------------- */

static void load_shipped(const char *path)
{
	_cleanup_(hm_config_freep) struct hm_config *c = NULL;
	struct diags diags = {0};

	if (load1(path, &diags, &c) != 0)
		diags_print(&diags);
	assert_int_equal(diags.n, 0);
	assert_non_null(c);
	assert_int_equal(c->nfiles, 1);
}

static void test_shipped_configs(void **state)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	char dir[PATH_MAX], path[PATH_MAX * 2];
	unsigned nexamples = 0;
	struct dirent *de;
	DIR *d;

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/config/hidmapd.ini", root);
	load_shipped(path);

	snprintf(dir, sizeof(dir), "%s/config/examples", root);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		load_shipped(path);
		nexamples++;
	}
	closedir(d);
	assert_true(nexamples >= 2);

	/* the shipped default with the examples as user files on top */
	{
		_cleanup_(hm_config_freep) struct hm_config *c = NULL;
		struct diags diags = {0};
		const char *paths[2] = {path, dir};

		snprintf(path, sizeof(path), "%s/config/hidmapd.ini", root);
		assert_int_equal(hm_config_load(paths, 2, capture, &diags, &c), 0);
		assert_int_equal(c->nfiles, 1 + nexamples);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_every_key),
	    cmocka_unit_test(test_good_layout),
	    cmocka_unit_test(test_empty_sections),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_all_errors_reported),
	    cmocka_unit_test(test_bad_file_rejects_all),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_unreadable),
	    cmocka_unit_test(test_given_missing),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_no_files),
	    cmocka_unit_test(test_override),
	    cmocka_unit_test(test_file_order),
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_profile_for),
	    cmocka_unit_test(test_profile_equal),
	    cmocka_unit_test(test_hardware_settings),
	    cmocka_unit_test(test_spnav_led),
	    cmocka_unit_test(test_config_ref),
	    cmocka_unit_test(test_default_paths),
	    cmocka_unit_test(test_shipped_configs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
