/* SPDX-License-Identifier: MIT */
/*
 * The right and left sides of a [remap] line, and the profile settings:
 * the remap language of doc/hidmapd.ini.5.md.  Pure functions from text to
 * struct hm_config_map, so that config-parse.c keeps the file and line
 * bookkeeping and these can be tested and fuzzed alone.
 *
 *   TRIGGER = ACTION[, OPTION[=VALUE]]...
 *   TRIGGER := CODE | CODE+ | CODE- | ABS_CODE[MIN..MAX] | GYRO
 *   ACTION  := disabled | CODE[+CODE]... | REL_CODE+ | REL_CODE- | ABS_CODE | REL_CODE
 *            | gyro-mouse
 *            | macro(STEP, ...) | layer(ID) | toggle(ID) | oneshot(ID) | profile(ID)
 *            | tap-hold(ACTION, ACTION[, DURATION])
 *   STEP    := CODE[+CODE]... | DURATION | "text"
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libevdev/libevdev.h>

#include "config.h"
#include "util-strings.h"

#define MAX_NESTING 2 /* tap-hold(macro(...), ...) */

struct ctx {
	char *err;
	size_t errlen;
	bool gyro_sens_y; /* gyro-mouse: sensitivity-y= was given */
};

static int fail(struct ctx *c, const char *fmt, ...) _printf_(2, 3);
static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- small lexing helpers ---------------------------------------------- */

/* A copy of [s, s+n) without surrounding blanks. */
static char *dup_strip(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		return NULL;
	{
		char *t = strstrip(d);

		if (t != d)
			memmove(d, t, strlen(t) + 1);
	}
	return d;
}

/*
 * Splits s at the commas that are outside parentheses and quotes.  Fills
 * up to max pieces (each a heap copy, blanks stripped).  Returns the number
 * of pieces, or -EINVAL (unbalanced) / -E2BIG / -ENOMEM.
 */
static int split_top(const char *s, char **pieces, int max)
{
	int depth = 0, n = 0, r = -EINVAL;
	bool quoted = false;
	const char *start = s;

	for (const char *p = s;; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
			else if (!*p)
				goto fail;
			continue;
		}
		if (*p == '"')
			quoted = true;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			goto fail;
		if ((*p == ',' && depth == 0) || !*p) {
			if (n == max) {
				r = -E2BIG;
				goto fail;
			}
			pieces[n] = dup_strip(start, (size_t)(p - start));
			if (!pieces[n]) {
				r = -ENOMEM;
				goto fail;
			}
			n++;
			start = p + 1;
		}
		if (!*p)
			break;
	}
	if (depth == 0)
		return n;
fail:
	/* nothing is handed out on failure */
	for (int i = 0; i < n; i++)
		free(pieces[i]);
	return r;
}

static void free_pieces(char **pieces, int n)
{
	for (int i = 0; i < n; i++)
		free(pieces[i]);
}

/*
 * The arguments of fn(args): between min and max of them (pieces holds
 * max + 1).  Returns their number, or says what is wrong ("fn(FORM) takes
 * WHAT") and returns a negative errno with nothing left allocated.
 */
static int split_args(struct ctx *c, const char *fn, const char *args, const char *form,
                      const char *what, int min, int max, char **pieces)
{
	int n = split_top(args, pieces, max + 1);

	if (n < 0 && n != -E2BIG)
		return n == -ENOMEM ? n : fail(c, "%s(%s): unbalanced parentheses", fn, args);
	if (n < min || n > max) {
		if (n > 0)
			free_pieces(pieces, n);
		return fail(c, "%s(%s) takes %s", fn, form, what);
	}
	return n;
}

static bool is_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' && s[n] != '_' && s[n] != '.')
			return false;
	return n > 0 && n <= HM_CONFIG_MAX_ID;
}

/* A whole-string finite number. */
static int parse_double(const char *s, double *ret)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "10%" or a fraction "0.1", within [0, 1]. */
static int parse_fraction(const char *s, double *ret)
{
	size_t l = strlen(s);
	char buf[32];
	double v;

	if (l == 0 || l >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, l + 1);
	if (buf[l - 1] == '%') {
		buf[l - 1] = '\0';
		if (parse_double(buf, &v) < 0)
			return -EINVAL;
		v /= 100.0;
	} else if (parse_double(buf, &v) < 0) {
		return -EINVAL;
	}
	if (v < 0.0 || v > 1.0)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* "MIN..MAX", integers, MIN <= MAX. */
static int parse_int_range(const char *s, int *ret_min, int *ret_max)
{
	const char *dots = strstr(s, "..");
	char lo[24];
	int a, b;

	if (!dots || (size_t)(dots - s) >= sizeof(lo))
		return -EINVAL;
	memcpy(lo, s, (size_t)(dots - s));
	lo[dots - s] = '\0';
	if (safe_atoi(lo, &a) < 0 || safe_atoi(dots + 2, &b) < 0 || a > b)
		return -EINVAL;
	*ret_min = a;
	*ret_max = b;
	return 0;
}

/* ---- codes ---------------------------------------------------------------- */

/* One event code by its libevdev name; type 0 means any of KEY/REL/ABS. */
static int parse_code(struct ctx *c, const char *s, unsigned *ret_type, unsigned *ret_code)
{
	int type = libevdev_event_type_from_code_name(s);
	int code = libevdev_event_code_from_code_name(s);

	if (type < 0 || code < 0)
		return fail(c,
		            "'%s': unknown event code (names as in linux/input-event-codes.h, "
		            "e.g. KEY_A, BTN_LEFT, REL_WHEEL, ABS_X)",
		            s);
	if (type != EV_KEY && type != EV_REL && type != EV_ABS)
		return fail(c, "'%s': only KEY_*, BTN_*, REL_* and ABS_* codes can be mapped", s);
	/* libevdev knows the range markers by name; they are no events */
	if ((type == EV_KEY && (code == KEY_RESERVED || code == KEY_MAX)) ||
	    (type == EV_REL && code == REL_MAX) || (type == EV_ABS && code == ABS_MAX))
		return fail(c, "'%s' is not a usable event code", s);
	if (type == EV_ABS && code >= ABS_MT_SLOT)
		return fail(c, "'%s': multitouch axes cannot be mapped", s);
	*ret_type = (unsigned)type;
	*ret_code = (unsigned)code;
	return 0;
}

/* "KEY_LEFTCTRL+KEY_Z": keys only. */
static int parse_chord(struct ctx *c, const char *s, uint16_t *codes, unsigned *ret_n)
{
	char buf[256];
	unsigned n = 0;
	char *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		return fail(c, "'%.40s...': too long", s);
	strcpy(buf, s);
	if (!*buf || buf[strlen(buf) - 1] == '+' || *buf == '+' || strstr(buf, "++"))
		return fail(c, "'%s': a chord is KEY+KEY, without empty parts", s);
	for (tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		unsigned type, code;
		int r;

		tok = strstrip(tok);
		r = parse_code(c, tok, &type, &code);
		if (r < 0)
			return r;
		if (type != EV_KEY)
			return fail(c, "'%s': a chord is made of KEY_* and BTN_* codes", tok);
		if (n == HM_CONFIG_MAX_CHORD)
			return fail(c, "'%s': at most %d keys in a chord", s, HM_CONFIG_MAX_CHORD);
		for (unsigned i = 0; i < n; i++)
			if (codes[i] == code)
				return fail(c, "'%s': %s twice in one chord", s, tok);
		codes[n++] = (uint16_t)code;
	}
	*ret_n = n;
	return 0;
}

/* ---- actions --------------------------------------------------------------- */

static void action_done(struct hm_config_action *a)
{
	for (size_t i = 0; i < a->nsteps; i++) {
		free(a->steps[i].text);
		free(a->steps[i].taps);
	}
	free(a->steps);
	free(a->name);
	if (a->tap) {
		action_done(a->tap);
		free(a->tap);
	}
	if (a->hold) {
		action_done(a->hold);
		free(a->hold);
	}
	*a = (struct hm_config_action){0};
}

/* A quoted macro text: \" \\ \n and \t escapes, printable UTF-8. */
static int parse_text(struct ctx *c, const char *s, char **ret)
{
	size_t l = strlen(s), n = 0, chars = 0;
	char *out;

	if (l < 2 || s[l - 1] != '"')
		return fail(c, "%s: unterminated text (end it with \")", s);
	out = malloc(l);
	if (!out)
		return -ENOMEM;
	for (size_t i = 1; i < l - 1; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\\') {
			ch = (unsigned char)s[++i];
			if (i >= l - 1 || !strchr("\"\\nt", ch)) {
				free(out);
				return fail(c, "%s: unknown escape (use \\\", \\\\, \\n or \\t)",
				            s);
			}
			ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			free(out);
			return fail(c, "%s: control character in text", s);
		}
		if ((ch & 0xc0) != 0x80)
			chars++;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	if (chars == 0 || chars > HM_CONFIG_MAX_TEXT) {
		free(out);
		return fail(c, "%s: text must have 1 to %d characters", s, HM_CONFIG_MAX_TEXT);
	}
	*ret = out;
	return 0;
}

static int parse_macro(struct ctx *c, const char *args, struct hm_config_action *a)
{
	char *pieces[HM_CONFIG_MAX_STEPS];
	size_t total = 0;
	int n, r = 0;

	n = split_top(args, pieces, HM_CONFIG_MAX_STEPS);
	if (n == -E2BIG)
		return fail(c, "macro(...): at most %d steps", HM_CONFIG_MAX_STEPS);
	if (n < 0)
		return n == -ENOMEM ? n : fail(c, "macro(%s): unbalanced quotes", args);
	a->kind = HM_ACT_MACRO;
	a->steps = calloc((size_t)n, sizeof(*a->steps));
	if (!a->steps) {
		free_pieces(pieces, n);
		return -ENOMEM;
	}
	for (int i = 0; i < n && r == 0; i++) {
		struct hm_config_step *st = &a->steps[a->nsteps];
		const char *p = pieces[i];

		if (!*p) {
			r = fail(c, "macro(...): empty step %d", i + 1);
		} else if (*p == '"') {
			st->kind = HM_STEP_TEXT;
			r = parse_text(c, p, &st->text);
			if (r == 0)
				total += strlen(st->text);
		} else if (isdigit((unsigned char)*p)) {
			st->kind = HM_STEP_DELAY;
			if (parse_duration(p, 60 * 1000000ULL, &st->delay_us) < 0)
				r = fail(c, "macro(...): '%s' is not a delay up to 60s (like 50ms)",
				         p);
			total++;
		} else {
			st->kind = HM_STEP_KEYS;
			r = parse_chord(c, p, st->codes, &st->ncodes);
			total++;
		}
		if (r == 0)
			a->nsteps++;
	}
	if (r == 0 && total > HM_CONFIG_MAX_STEPS)
		r = fail(c, "macro(...): at most %d steps, text characters included",
		         HM_CONFIG_MAX_STEPS);
	if (r == 0 && n == 0)
		r = fail(c, "macro() needs at least one step");
	free_pieces(pieces, n);
	return r;
}

static int parse_action(struct ctx *c, const char *s, int depth, struct hm_config_action *a);

static bool kind_in(enum hm_action_kind k, const enum hm_action_kind *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (k == list[i])
			return true;
	return false;
}

static int check_taphold_parts(struct ctx *c, const char *fn, const struct hm_config_action *a)
{
	static const enum hm_action_kind tap_ok[] = {HM_ACT_KEYS, HM_ACT_MACRO, HM_ACT_TOGGLE,
	                                             HM_ACT_ONESHOT, HM_ACT_PROFILE};
	static const enum hm_action_kind hold_ok[] = {HM_ACT_KEYS, HM_ACT_LAYER};

	if (!kind_in(a->tap->kind, tap_ok, ARRAY_SIZE(tap_ok)))
		return fail(c,
		            "%s(...): the tap action must be a key, chord, macro, toggle(), "
		            "oneshot() or profile()",
		            fn);
	if (!kind_in(a->hold->kind, hold_ok, ARRAY_SIZE(hold_ok)))
		return fail(c, "%s(...): the hold action must be a key, chord or layer()", fn);
	return 0;
}

/* "fn(...): 'S' is not WHAT from 1ms to 10s" unless s is such a time. */
static int time_arg(struct ctx *c, const char *fn, const char *what, const char *s, uint64_t *ret)
{
	if (parse_duration(s, 10 * 1000000ULL, ret) < 0 || !*ret)
		return fail(c, "%s(...): '%s' is not %s from 1ms to 10s", fn, s, what);
	return 0;
}

/* The two actions a tap-hold, idle() or timeout() chooses between. */
static int new_parts(struct hm_config_action *a)
{
	a->tap = calloc(1, sizeof(*a->tap));
	a->hold = calloc(1, sizeof(*a->hold));
	return a->tap && a->hold ? 0 : -ENOMEM;
}

/* timeout(): keyd's kinds of actions on either side. */
static int check_timeout_parts(struct ctx *c, const char *fn, const struct hm_config_action *a)
{
	static const enum hm_action_kind ok[] = {HM_ACT_KEYS, HM_ACT_MACRO, HM_ACT_LAYER,
	                                         HM_ACT_TOGGLE, HM_ACT_ONESHOT};

	if (!kind_in(a->tap->kind, ok, ARRAY_SIZE(ok)) ||
	    !kind_in(a->hold->kind, ok, ARRAY_SIZE(ok)))
		return fail(c,
		            "%s(...): the actions must be keys, chords, macros, layer(), "
		            "toggle() or oneshot()",
		            fn);
	return 0;
}

/* idle(): each part may be a tap-hold, nothing deeper. */
static int check_idle_parts(struct ctx *c, const char *fn, const struct hm_config_action *a)
{
	if (a->tap->kind == HM_ACT_IDLE || a->hold->kind == HM_ACT_IDLE)
		return fail(c, "%s(...) cannot be inside %s()", fn, fn);
	return 0;
}

/*
 * A choice between two actions after a time: tap-hold(), timeout() and
 * idle() differ only in where their arguments stand, which actions they
 * allow and how deep their parts nest.
 */
struct choice_form {
	const char *form, *what; /* "fn(FORM) takes WHAT" */
	int min, max;            /* arguments */
	int tap, hold, time;     /* their places; no time when time >= the count */
	const char *time_what;   /* "a timeout", "a time" */
	int nest;                /* added to the depth of the parts */
	enum hm_action_kind kind;
	int (*check)(struct ctx *c, const char *fn, const struct hm_config_action *a);
};

static const struct choice_form taphold_form = {
    .form = "TAP, HOLD[, TIMEOUT]",
    .what = "two or three arguments",
    .min = 2,
    .max = 3,
    .tap = 0,
    .hold = 1,
    .time = 2,
    .time_what = "a timeout",
    .nest = 1,
    .kind = HM_ACT_TAPHOLD,
    .check = check_taphold_parts,
};

/* timeout(A1, TIME, A2), as keyd: A2 when held TIME with no other key
 * pressed, A1 when another key is pressed or it is released before. */
static const struct choice_form timeout_form = {
    .form = "ACTION, TIME, ACTION",
    .what = "three arguments",
    .min = 3,
    .max = 3,
    .tap = 0,
    .hold = 2,
    .time = 1,
    .time_what = "a time",
    .nest = 1,
    .kind = HM_ACT_TAPHOLD,
    .check = check_timeout_parts,
};

/* idle(TYPING, IDLE, TIME): the parts at the same depth, as a tap-hold may
 * be one of them. */
static const struct choice_form idle_form = {
    .form = "TYPING, IDLE, TIME",
    .what = "three arguments",
    .min = 3,
    .max = 3,
    .tap = 0,
    .hold = 1,
    .time = 2,
    .time_what = "a time",
    .nest = 0,
    .kind = HM_ACT_IDLE,
    .check = check_idle_parts,
};

/* flavor: of a tap-hold (form kind HM_ACT_TAPHOLD); idle() has none. */
static int parse_choice(struct ctx *c, const struct choice_form *form, const char *fn,
                        enum hm_taphold_flavor flavor, const char *args, int depth,
                        struct hm_config_action *a)
{
	char *pieces[4]; /* max + 1 of any form, for split_args() */
	int n, r;

	n = split_args(c, fn, args, form->form, form->what, form->min, form->max, pieces);
	if (n < 0)
		return n;
	a->kind = form->kind;
	if (form->kind == HM_ACT_TAPHOLD)
		a->flavor = flavor;
	if (new_parts(a) < 0) {
		free_pieces(pieces, n);
		return -ENOMEM;
	}
	r = parse_action(c, pieces[form->tap], depth + form->nest, a->tap);
	if (r == 0)
		r = parse_action(c, pieces[form->hold], depth + form->nest, a->hold);
	if (r == 0 && form->time < n)
		r = time_arg(c, fn, form->time_what, pieces[form->time], &a->timeout_us);
	if (r == 0)
		r = form->check(c, fn, a);
	free_pieces(pieces, n);
	return r;
}

/* lettermod(HOLD, KEY, IDLE, TIMEOUT) =
 * idle(KEY, tap-hold-balanced(KEY, HOLD, TIMEOUT), IDLE), as keyd's lettermod */
static int parse_lettermod(struct ctx *c, const char *args, int depth, struct hm_config_action *a)
{
	char *pieces[5];
	struct hm_config_action *th;
	int n, r;

	n = split_args(c, "lettermod", args, "HOLD, KEY, IDLE, TIMEOUT", "four arguments", 4, 4,
	               pieces);
	if (n < 0)
		return n;
	a->kind = HM_ACT_IDLE;
	a->tap = calloc(1, sizeof(*a->tap));
	a->hold = th = calloc(1, sizeof(*a->hold));
	if (!a->tap || !th || !(th->tap = calloc(1, sizeof(*th->tap))) ||
	    !(th->hold = calloc(1, sizeof(*th->hold)))) {
		free_pieces(pieces, n);
		return -ENOMEM;
	}
	th->kind = HM_ACT_TAPHOLD;
	th->flavor = HM_TH_BALANCED;
	r = parse_action(c, pieces[1], depth + 1, a->tap);
	if (r == 0)
		r = parse_action(c, pieces[1], depth + 1, th->tap);
	if (r == 0)
		r = parse_action(c, pieces[0], depth + 1, th->hold);
	if (r == 0)
		r = time_arg(c, "lettermod", "a time", pieces[2], &a->timeout_us);
	if (r == 0)
		r = time_arg(c, "lettermod", "a timeout", pieces[3], &th->timeout_us);
	if (r == 0)
		r = check_taphold_parts(c, "lettermod", th);
	free_pieces(pieces, n);
	return r;
}

/* repeat(ACTION, DELAY, INTERVAL): keyd's macro2; a key or chord becomes a
 * macro of one step. */
static int parse_repeat(struct ctx *c, const char *args, int depth, struct hm_config_action *a)
{
	char *pieces[4];
	int n, r;

	n = split_args(c, "repeat", args, "ACTION, DELAY, INTERVAL", "three arguments", 3, 3,
	               pieces);
	if (n < 0)
		return n;
	a->kind = HM_ACT_REPEAT;
	a->tap = calloc(1, sizeof(*a->tap));
	if (!a->tap) {
		free_pieces(pieces, n);
		return -ENOMEM;
	}
	r = parse_action(c, pieces[0], depth + 1, a->tap);
	if (r == 0 && a->tap->kind == HM_ACT_KEYS) {
		struct hm_config_step *st = calloc(1, sizeof(*st));

		if (!st) {
			free_pieces(pieces, n);
			return -ENOMEM;
		}
		st->kind = HM_STEP_KEYS;
		st->ncodes = a->tap->ncodes;
		memcpy(st->codes, a->tap->codes, sizeof(st->codes));
		a->tap->kind = HM_ACT_MACRO;
		a->tap->steps = st;
		a->tap->nsteps = 1;
	} else if (r == 0 && a->tap->kind != HM_ACT_MACRO) {
		r = fail(c, "repeat(...): the action must be a key, chord or macro()");
	}
	if (r == 0)
		r = time_arg(c, "repeat", "a delay", pieces[1], &a->timeout_us);
	if (r == 0)
		r = time_arg(c, "repeat", "an interval", pieces[2], &a->interval_us);
	free_pieces(pieces, n);
	return r;
}

static const struct {
	const char *name;
	enum hm_taphold_flavor flavor;
} taphold_names[] = {
    {"tap-hold", HM_TH_PRESS},
    {"tap-hold-now", HM_TH_NOW},
    {"tap-hold-wait", HM_TH_WAIT},
    {"tap-hold-balanced", HM_TH_BALANCED},
};

static const struct {
	const char *name;
	enum hm_action_kind kind;
} named_actions[] = {
    {"layer", HM_ACT_LAYER},     {"toggle", HM_ACT_TOGGLE}, {"oneshot", HM_ACT_ONESHOT},
    {"profile", HM_ACT_PROFILE}, {"swap", HM_ACT_SWAP},
};

static int parse_action(struct ctx *c, const char *s, int depth, struct hm_config_action *a)
{
	const char *paren = strchr(s, '(');
	size_t l = strlen(s);

	if (!*s)
		return fail(c, "missing action (a key, a chord, macro(...), layer(...), "
		               "tap-hold(...), disabled, ...)");
	if (streq(s, "disabled")) {
		a->kind = HM_ACT_DISABLED;
		return 0;
	}
	if (streq(s, "gyro-mouse")) {
		a->kind = HM_ACT_GYRO_MOUSE;
		return 0;
	}
	if (paren) {
		char fn[32], args[1024];
		size_t fl = (size_t)(paren - s);

		if (s[l - 1] != ')')
			return fail(c, "'%s': missing ')' at the end", s);
		if (fl == 0 || fl >= sizeof(fn) || l - fl - 2 >= sizeof(args))
			return fail(c, "'%.40s': not an action", s);
		memcpy(fn, s, fl);
		fn[fl] = '\0';
		memcpy(args, paren + 1, l - fl - 2);
		args[l - fl - 2] = '\0';
		strstrip(fn);
		if (depth > MAX_NESTING)
			return fail(c, "'%s': actions nested too deep", s);
		if (streq(fn, "macro"))
			return parse_macro(c, args, a);
		for (size_t i = 0; i < ARRAY_SIZE(taphold_names); i++)
			if (streq(fn, taphold_names[i].name)) {
				if (depth > 0)
					return fail(c,
					            "%s() cannot be inside another action "
					            "(but in idle())",
					            fn);
				return parse_choice(c, &taphold_form, fn, taphold_names[i].flavor,
				                    args, depth, a);
			}
		if (streq(fn, "clear")) {
			if (*strstrip(args))
				return fail(c, "clear() takes no arguments");
			a->kind = HM_ACT_CLEAR;
			return 0;
		}
		if (streq(fn, "timeout") || streq(fn, "repeat")) {
			if (depth > 0)
				return fail(c, "%s() cannot be inside another action", fn);
			return streq(fn, "timeout") ? parse_choice(c, &timeout_form, fn,
			                                           HM_TH_TIMEOUT, args, depth, a)
			                            : parse_repeat(c, args, depth, a);
		}
		if (streq(fn, "idle") || streq(fn, "lettermod")) {
			if (depth > 0)
				return fail(c, "%s() cannot be inside another action", fn);
			return streq(fn, "idle")
			           ? parse_choice(c, &idle_form, fn, HM_TH_PRESS, args, depth, a)
			           : parse_lettermod(c, args, depth, a);
		}
		for (size_t i = 0; i < ARRAY_SIZE(named_actions); i++) {
			char *id;

			if (!streq(fn, named_actions[i].name))
				continue;
			id = strstrip(args);
			if (!is_id(id))
				return fail(
				    c, "%s(%s): expected a name (letters, digits, '-', '_', '.')",
				    fn, id);
			a->kind = named_actions[i].kind;
			a->name = strdup(id);
			return a->name ? 0 : -ENOMEM;
		}
		return fail(c,
		            "'%s()': unknown action (expected macro, layer, toggle, oneshot, "
		            "profile, swap, clear, tap-hold, tap-hold-now, tap-hold-wait, "
		            "tap-hold-balanced, idle, lettermod, timeout or repeat)",
		            fn);
	}

	/* REL_X+ / REL_X-: mouse keys */
	if (l > 1 && (s[l - 1] == '+' || s[l - 1] == '-') && startswith(s, "REL_")) {
		char name[64];
		unsigned type, code;
		int r;

		if (l - 1 >= sizeof(name))
			return fail(c, "'%s': unknown event code", s);
		memcpy(name, s, l - 1);
		name[l - 1] = '\0';
		r = parse_code(c, name, &type, &code);
		if (r < 0)
			return r;
		a->kind = HM_ACT_MOVE;
		a->code = code;
		a->dir = s[l - 1] == '+' ? 1 : -1;
		return 0;
	}
	if (!strchr(s, '+')) {
		unsigned type, code;
		int r = parse_code(c, s, &type, &code);

		if (r < 0)
			return r;
		if (type == EV_ABS || type == EV_REL) {
			a->kind = type == EV_ABS ? HM_ACT_ABS : HM_ACT_REL;
			a->code = code;
			return 0;
		}
	}
	a->kind = HM_ACT_KEYS;
	return parse_chord(c, s, a->codes, &a->ncodes);
}

/* ---- triggers ---------------------------------------------------------------- */

static int parse_trigger(struct ctx *c, const char *name, struct hm_config_map *m)
{
	char buf[64];
	size_t l = strlen(name);
	const char *bracket = strchr(name, '[');
	unsigned type, code;
	int r;

	if (streq(name, "GYRO")) {
		/* the gyroscope of the device's motion sensors, as a whole */
		m->trigger = HM_TRIG_GYRO;
		m->from_type = EV_ABS;
		m->from_code = ABS_RX;
		return 0;
	}
	if (strchr(name, '+') && name[l - 1] != '+') {
		/* KEY_J+KEY_K: a chord of input keys */
		r = parse_chord(c, name, m->chord, &m->nchord);
		if (r < 0)
			return r;
		if (m->nchord < 2)
			return fail(c, "'%s': a chord trigger has 2 to %d keys", name,
			            HM_CONFIG_MAX_CHORD);
		m->trigger = HM_TRIG_CHORD;
		m->from_type = EV_KEY;
		m->from_code = m->chord[0];
		return 0;
	}
	if (l >= sizeof(buf))
		return fail(c, "'%.40s...': unknown event code", name);
	strcpy(buf, name);
	m->trigger = HM_TRIG_KEY;
	if (bracket) {
		size_t bl = (size_t)(bracket - name);

		if (name[l - 1] != ']')
			return fail(c, "'%s': a range is written ABS_X[MIN..MAX]", name);
		buf[l - 1] = '\0';
		if (parse_int_range(buf + bl + 1, &m->range_min, &m->range_max) < 0)
			return fail(c, "'%s': a range is written ABS_X[MIN..MAX], MIN <= MAX",
			            name);
		buf[bl] = '\0';
		m->trigger = HM_TRIG_ABS_RANGE;
	} else if (l > 1 && (buf[l - 1] == '+' || buf[l - 1] == '-')) {
		m->trigger = buf[l - 1] == '+' ? HM_TRIG_ABS_POS : HM_TRIG_ABS_NEG;
		buf[l - 1] = '\0';
	}
	strstrip(buf);
	r = parse_code(c, buf, &type, &code);
	if (r < 0)
		return r;
	m->from_type = type;
	m->from_code = code;
	switch (type) {
	case EV_KEY:
		if (m->trigger != HM_TRIG_KEY)
			return fail(c, "'%s': keys take no direction or range", name);
		break;
	case EV_REL:
		if (m->trigger == HM_TRIG_ABS_RANGE)
			return fail(c, "'%s': relative axes take a direction (+ or -), not a range",
			            name);
		m->trigger = m->trigger == HM_TRIG_ABS_POS   ? HM_TRIG_REL_POS
		             : m->trigger == HM_TRIG_ABS_NEG ? HM_TRIG_REL_NEG
		                                             : HM_TRIG_REL_AXIS;
		break;
	default:
		if (m->trigger == HM_TRIG_KEY)
			m->trigger = HM_TRIG_ABS_AXIS;
		break;
	}
	return 0;
}

/* ---- options ------------------------------------------------------------------ */

/* Which trigger/action pairs an option applies to. */
enum {
	ON_ABS_ZONE = 1 << 0,  /* ABS_X+ / ABS_X- */
	ON_ABS_RANGE = 1 << 1, /* ABS_X[a..b] */
	ON_REL_STEP = 1 << 2,  /* REL_X+ / REL_X- */
	ON_ABS_ABS = 1 << 3,   /* ABS_X = ABS_Y */
	ON_ABS_REL = 1 << 4,   /* ABS_X = REL_Y */
	ON_REL_REL = 1 << 5,   /* REL_X = REL_Y */
	ON_GYRO = 1 << 6,      /* GYRO = gyro-mouse */
};

static unsigned pair_of(const struct hm_config_map *m)
{
	switch (m->trigger) {
	case HM_TRIG_ABS_POS:
	case HM_TRIG_ABS_NEG:
		return ON_ABS_ZONE;
	case HM_TRIG_ABS_RANGE:
		return ON_ABS_RANGE;
	case HM_TRIG_REL_POS:
	case HM_TRIG_REL_NEG:
		return ON_REL_STEP;
	case HM_TRIG_ABS_AXIS:
		return m->action.kind == HM_ACT_ABS   ? ON_ABS_ABS
		       : m->action.kind == HM_ACT_REL ? ON_ABS_REL
		                                      : 0;
	case HM_TRIG_REL_AXIS:
		return m->action.kind == HM_ACT_REL ? ON_REL_REL : 0;
	case HM_TRIG_GYRO:
		return m->action.kind == HM_ACT_GYRO_MOUSE ? ON_GYRO : 0;
	default:
		return 0;
	}
}

/* A whole-string number within [lo, hi]. */
static int parse_double_in(const char *s, double lo, double hi, double *ret)
{
	double v;

	if (parse_double(s, &v) < 0)
		return -EINVAL;
	if (v < lo || v > hi)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* hold=KEY, toggle=KEY: one key or button. */
static int parse_gyro_key(struct ctx *c, const char *key, const char *val, uint16_t *ret)
{
	unsigned type, code;

	if (parse_code(c, val, &type, &code) < 0 || type != EV_KEY)
		return fail(c, "%s=%s: expected a key or button (KEY_*, BTN_*), like %s=BTN_TL",
		            key, val, key);
	*ret = (uint16_t)code;
	return 0;
}

/* The options of GYRO = gyro-mouse; *handled is false for the others. */
static int parse_gyro_option(struct ctx *c, const char *key, const char *val,
                             struct hm_config_gyro *g, bool *has_sens_y, bool *handled)
{
	int r = 0;

	*handled = true;
	if (streq(key, "sensitivity") || streq(key, "sensitivity-y")) {
		double *field = streq(key, "sensitivity") ? &g->sens_x : &g->sens_y;

		if (parse_double_in(val, 0.0, 1000.0, field) < 0 || *field <= 0.0)
			return fail(c,
			            "%s=%s: expected pixels per degree, above 0 and at most 1000",
			            key, val);
		if (streq(key, "sensitivity-y"))
			*has_sens_y = true;
	} else if (streq(key, "horizontal")) {
		if (streq(val, "yaw"))
			g->horizontal = HM_GYRO_YAW;
		else if (streq(val, "roll"))
			g->horizontal = HM_GYRO_ROLL;
		else if (streq(val, "local"))
			g->horizontal = HM_GYRO_LOCAL;
		else
			return fail(c, "horizontal=%s: expected yaw, roll or local", val);
	} else if (streq(key, "invert-x") || streq(key, "invert-y") || streq(key, "invert")) {
		if (val)
			return fail(c, "'%s' takes no value", key);
		if (!streq(key, "invert-y"))
			g->invert_x = true;
		if (!streq(key, "invert-x"))
			g->invert_y = true;
	} else if (streq(key, "deadzone")) {
		if (parse_double_in(val, 0.0, 100.0, &g->deadzone_dps) < 0)
			return fail(c,
			            "deadzone=%s: expected a speed in degrees per second, 0 to 100 "
			            "(like deadzone=1.5)",
			            val);
	} else if (streq(key, "smoothing")) {
		if (parse_double_in(val, 0.0, 1000.0, &g->smooth_dps) < 0)
			return fail(
			    c,
			    "smoothing=%s: expected a speed in degrees per second, 0 to 1000 "
			    "(0: off)",
			    val);
	} else if (streq(key, "smoothing-time")) {
		r = parse_duration(val, 500000ULL, &g->smooth_us);
		if (r < 0 || g->smooth_us == 0)
			return fail(c, "smoothing-time=%s: expected a duration from 1ms to 500ms",
			            val);
	} else if (streq(key, "hold")) {
		return parse_gyro_key(c, key, val, &g->hold);
	} else if (streq(key, "toggle")) {
		return parse_gyro_key(c, key, val, &g->toggle);
	} else {
		*handled = false;
	}
	return 0;
}

/* "1/3", "2", "0.5" (a decimal becomes thousandths). */
static int parse_ratio(const char *s, int *ret_num, int *ret_den)
{
	const char *slash = strchr(s, '/');
	double d;
	int a, b;

	if (slash) {
		char num[16];

		if ((size_t)(slash - s) >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, (size_t)(slash - s));
		num[slash - s] = '\0';
		if (safe_atoi(num, &a) < 0 || safe_atoi(slash + 1, &b) < 0 || b <= 0 || a < -1000 ||
		    a > 1000 || b > 1000 || a == 0)
			return -EINVAL;
		*ret_num = a;
		*ret_den = b;
		return 0;
	}
	if (parse_double(s, &d) < 0 || d == 0.0 || fabs(d) > 1000.0 || fabs(d) < 0.001)
		return -EINVAL;
	*ret_num = (int)lround(d * 1000.0);
	*ret_den = 1000;
	return 0;
}

static int parse_option(struct ctx *c, const char *opt, struct hm_config_map *m)
{
	const char *eq = strchr(opt, '=');
	char key[32];
	const char *val = eq ? eq + 1 : NULL;
	size_t kl = eq ? (size_t)(eq - opt) : strlen(opt);
	unsigned pair = pair_of(m);
	struct hm_config_opts *o = &m->opts;
	static const struct {
		const char *name;
		unsigned on;
		bool takes_value;
	} known[] = {
	    {"invert", ON_ABS_ABS | ON_ABS_REL | ON_REL_REL, false},
	    {"deadzone", ON_ABS_ABS | ON_ABS_REL, true},
	    {"outer-deadzone", ON_ABS_ABS | ON_ABS_REL, true},
	    {"curve", ON_ABS_ABS | ON_ABS_REL, true},
	    {"scale", ON_ABS_ABS | ON_ABS_REL | ON_REL_REL, true},
	    {"offset", ON_ABS_ABS, true},
	    {"calibrate", ON_ABS_ABS | ON_ABS_REL | ON_ABS_ZONE, true},
	    {"range", ON_ABS_ABS, true},
	    {"center", ON_ABS_ABS | ON_ABS_REL | ON_ABS_ZONE, true},
	    {"threshold", ON_ABS_ZONE, true},
	    {"hysteresis", ON_ABS_ZONE | ON_ABS_RANGE, true},
	    {"per", ON_REL_STEP, true},
	    {"speed", ON_ABS_REL, true},
	    {"trackpad", ON_ABS_REL, false},
	    {"inertia", ON_ABS_REL, true},
	};
	size_t i;
	int r = 0;

	if (kl == 0 || kl >= sizeof(key))
		return fail(c, "'%s': not an option", opt);
	memcpy(key, opt, kl);
	key[kl] = '\0';
	strstrip(key);
	if (val)
		val = strstrip((char *)val); /* opt is our own copy */
	if (pair == ON_GYRO) {
		bool handled;

		if (val && !*val)
			return fail(c, "'%s' needs a value: %s=...", key, key);
		if (!val && !startswith(key, "invert"))
			return fail(c, "'%s' needs a value: %s=...", key, key);
		r = parse_gyro_option(c, key, val, &o->gyro, &c->gyro_sens_y, &handled);
		if (r < 0 || handled)
			return r;
		return fail(c,
		            "'%s': unknown option of gyro-mouse (sensitivity, sensitivity-y, "
		            "horizontal, invert, invert-x, invert-y, deadzone, smoothing, "
		            "smoothing-time, hold, toggle)",
		            key);
	}
	if (m->trigger == HM_TRIG_GYRO)
		return fail(c, "'%s': GYRO = disabled takes no options", key);
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (streq(known[i].name, key))
			break;
	if (i == ARRAY_SIZE(known))
		return fail(c,
		            "'%s': unknown option (invert, deadzone, outer-deadzone, curve, scale, "
		            "offset, calibrate, range, center, threshold, hysteresis, per, speed, "
		            "trackpad, inertia)",
		            key);
	if (!(known[i].on & pair))
		return fail(c, "'%s' does not apply to this kind of mapping (see hidmapd.ini(5))",
		            key);
	if (known[i].takes_value && (!val || !*val))
		return fail(c, "'%s' needs a value: %s=...", key, key);
	if (!known[i].takes_value && val)
		return fail(c, "'%s' takes no value", key);

	if (streq(key, "invert")) {
		o->invert = true;
	} else if (streq(key, "deadzone")) {
		r = parse_fraction(val, &o->deadzone);
		if (r == 0 && o->deadzone >= 1.0)
			r = -ERANGE;
		o->has_deadzone = true;
	} else if (streq(key, "outer-deadzone")) {
		r = parse_fraction(val, &o->outer_deadzone);
		if (r == 0 && o->outer_deadzone >= 1.0)
			r = -ERANGE;
	} else if (streq(key, "curve")) {
		r = parse_double(val, &o->curve);
		if (r == 0 && (o->curve < 0.1 || o->curve > 10.0))
			r = -ERANGE;
	} else if (streq(key, "scale")) {
		if (pair == ON_REL_REL)
			r = parse_ratio(val, &o->scale_num, &o->scale_den);
		else {
			r = parse_double(val, &o->scale);
			if (r == 0 && (o->scale == 0.0 || fabs(o->scale) > 1000.0))
				r = -ERANGE;
		}
	} else if (streq(key, "offset")) {
		r = safe_atoi(val, &o->offset);
	} else if (streq(key, "calibrate")) {
		r = parse_int_range(val, &o->cal_min, &o->cal_max);
		if (r == 0 && o->cal_min == o->cal_max)
			r = -ERANGE;
		o->has_calibrate = r == 0;
	} else if (streq(key, "range")) {
		r = parse_int_range(val, &o->range_min, &o->range_max);
		if (r == 0 && o->range_min == o->range_max)
			r = -ERANGE;
		o->has_range = r == 0;
	} else if (streq(key, "center")) {
		if (streq(val, "min"))
			o->center_min = true;
		else if (!streq(val, "middle"))
			r = -EINVAL;
	} else if (streq(key, "threshold")) {
		r = parse_fraction(val, &o->threshold);
		if (r == 0 && o->threshold <= 0.0)
			r = -ERANGE;
	} else if (streq(key, "hysteresis")) {
		if (pair == ON_ABS_RANGE) {
			r = safe_atoi(val, &o->hysteresis_units);
			if (r == 0 && o->hysteresis_units < 0)
				r = -ERANGE;
		} else {
			r = parse_fraction(val, &o->hysteresis);
		}
	} else if (streq(key, "per")) {
		r = safe_atoi(val, &o->per);
		if (r == 0 && (o->per < 1 || o->per > 100000))
			r = -ERANGE;
	} else if (streq(key, "speed")) {
		r = parse_double(val, &o->speed);
		if (r == 0 && (o->speed <= 0.0 || o->speed > 100000.0))
			r = -ERANGE;
	} else if (streq(key, "trackpad")) {
		o->trackpad = true;
	} else if (streq(key, "inertia")) {
		/* milliseconds: the glide's time constant */
		double ms;

		r = parse_double(val, &ms);
		if (r == 0 && (ms < 0.0 || ms > 10000.0))
			r = -ERANGE;
		if (r == 0)
			o->inertia_s = ms / 1000.0;
	}
	if (r < 0)
		return fail(c, "%s=%s: bad value (see hidmapd.ini(5))", key, val ? val : "");
	return 0;
}

/* Which actions a trigger can have. */
static int check_pair(struct ctx *c, const char *name, const char *value,
                      const struct hm_config_map *m)
{
	enum hm_action_kind k = m->action.kind;

	if (k == HM_ACT_GYRO_MOUSE && m->trigger != HM_TRIG_GYRO)
		return fail(c, "%s = %s: gyro-mouse is the action of the GYRO trigger (GYRO = %s)",
		            name, value, value);
	switch (m->trigger) {
	case HM_TRIG_GYRO:
		if (k != HM_ACT_GYRO_MOUSE && k != HM_ACT_DISABLED)
			return fail(c, "%s: map the gyroscope onto gyro-mouse or disabled", name);
		return 0;
	case HM_TRIG_CHORD:
		if (k == HM_ACT_ABS || k == HM_ACT_REL || k == HM_ACT_TAPHOLD || k == HM_ACT_IDLE)
			return fail(c,
			            "%s: a chord of keys maps onto keys, chords, macros, layers, "
			            "mouse keys and the like, not tap-holds or axes",
			            name);
		return 0;
	case HM_TRIG_KEY:
		if (k == HM_ACT_ABS || k == HM_ACT_REL)
			return fail(c,
			            "%s = %s: a key can be mapped onto relative motion with "
			            "%s+ or %s- (mouse keys), not onto an axis",
			            name, value, value, value);
		return 0;
	case HM_TRIG_REL_POS:
	case HM_TRIG_REL_NEG:
		if (k == HM_ACT_ABS || k == HM_ACT_REL || k == HM_ACT_MOVE || k == HM_ACT_LAYER ||
		    k == HM_ACT_TAPHOLD || k == HM_ACT_IDLE || k == HM_ACT_REPEAT)
			return fail(c,
			            "%s: each step of motion is a tap; map it onto keys, chords, "
			            "macros, toggle(), oneshot() or profile()",
			            name);
		return 0;
	case HM_TRIG_ABS_POS:
	case HM_TRIG_ABS_NEG:
	case HM_TRIG_ABS_RANGE:
		if (k == HM_ACT_ABS || k == HM_ACT_REL || k == HM_ACT_TAPHOLD || k == HM_ACT_IDLE)
			return fail(c,
			            "%s: a zone of an axis acts like a key; map it onto keys, "
			            "chords, macros, layers, mouse keys or profile()",
			            name);
		return 0;
	case HM_TRIG_REL_AXIS:
		if (k != HM_ACT_REL && k != HM_ACT_DISABLED)
			return fail(c,
			            "%s: map relative motion onto a REL_* axis or disabled (or "
			            "use %s+ / %s- for keys per step)",
			            name, name, name);
		return 0;
	case HM_TRIG_ABS_AXIS:
		if (k != HM_ACT_REL && k != HM_ACT_ABS && k != HM_ACT_DISABLED)
			return fail(c,
			            "%s: map an axis onto an ABS_* or REL_* axis or disabled (or "
			            "use %s+, %s- or %s[MIN..MAX] for keys)",
			            name, name, name, name);
		return 0;
	}
	return 0;
}

void hm_config_map_done(struct hm_config_map *m)
{
	action_done(&m->action);
	free(m->file);
	m->file = NULL;
}

int hm_config_map_parse(const char *name, const char *value, struct hm_config_map *ret, char *err,
                        size_t errlen)
{
	struct ctx c = {.err = err, .errlen = errlen};
	struct hm_config_map m = {.opts = {.curve = 1.0,
	                                   .scale = 1.0,
	                                   .scale_num = 1,
	                                   .scale_den = 1,
	                                   .threshold = 0.5,
	                                   .hysteresis = 0.1,
	                                   .gyro = {.sens_x = HM_GYRO_DEFAULT_SENSITIVITY,
	                                            .smooth_us = HM_GYRO_DEFAULT_SMOOTH_US}}};
	char *pieces[16];
	int n, r;

	r = parse_trigger(&c, name, &m);
	if (r < 0)
		return r;
	if (!*value)
		return fail(&c, "'%s' needs an action: a key name, disabled, macro(...), ...",
		            name);
	n = split_top(value, pieces, 16);
	if (n == -ENOMEM)
		return n;
	if (n < 0)
		return fail(&c, "'%s': unbalanced parentheses or quotes", value);
	r = parse_action(&c, pieces[0], 0, &m.action);
	if (r == 0)
		r = check_pair(&c, name, pieces[0], &m);
	for (int i = 1; i < n && r == 0; i++)
		r = parse_option(&c, pieces[i], &m);
	/* a stick at rest is rarely at the exact center: without a deadzone the
	 * pointer would creep */
	if (r == 0 && pair_of(&m) == ON_ABS_REL && !m.opts.has_deadzone)
		m.opts.deadzone = 0.1;
	if (r == 0 && pair_of(&m) == ON_GYRO) {
		struct hm_config_gyro *g = &m.opts.gyro;

		if (!c.gyro_sens_y)
			g->sens_y = g->sens_x;
		if (g->hold && g->hold == g->toggle)
			r = fail(&c, "gyro-mouse: hold= and toggle= need two different keys");
	}
	free_pieces(pieces, n);
	if (r < 0) {
		action_done(&m.action);
		return r;
	}
	*ret = m;
	return 0;
}

/* ---- profile settings ---------------------------------------------------------- */

bool hm_config_is_setting(const char *name)
{
	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && *p != '-')
			return false;
	return *name != '\0';
}

void hm_config_settings_init(struct hm_config_settings *s)
{
	*s = (struct hm_config_settings){
	    .tap_hold_timeout_us = 200000,
	    .modifier_guard = true,
	    .chord_timeout_us = 50000,
	    .macro_delay_us = 5000,
	    .mouse_speed = 300.0,
	    .mouse_max_speed = 1500.0,
	    .mouse_accel_us = 1000000,
	    .stick_speed = 1200.0,
	    .scroll_speed = 10.0,
	    .rate_hz = 125,
	};
}

void hm_config_settings_done(struct hm_config_settings *s)
{
	free(s->text_layout);
	free(s->text_variant);
	s->text_layout = s->text_variant = NULL;
}

static int set_speed(const char *value, double *field)
{
	double v;

	if (parse_double(value, &v) < 0 || v <= 0.0 || v > 100000.0)
		return -EINVAL;
	*field = v;
	return 0;
}

int hm_config_setting_parse(struct hm_config_settings *s, const char *name, const char *value,
                            char *err, size_t errlen)
{
	struct ctx c = {.err = err, .errlen = errlen};
	uint64_t us;
	int r = 0;

	if (streq(name, "tap-hold-timeout")) {
		r = parse_duration(value, 10 * 1000000ULL, &us);
		if (r == 0 && us == 0)
			r = -ERANGE;
		if (r == 0)
			s->tap_hold_timeout_us = us;
		if (r < 0)
			return fail(&c, "tap-hold-timeout: '%s' is not a duration from 1ms to 10s",
			            value);
	} else if (streq(name, "chord-timeout") || streq(name, "chord-hold-timeout")) {
		r = parse_duration(value, 10 * 1000000ULL, &us);
		if (r == 0 && us == 0 && streq(name, "chord-timeout"))
			r = -ERANGE;
		if (r < 0)
			return fail(&c, "%s: '%s' is not a duration up to 10s%s", name, value,
			            streq(name, "chord-timeout") ? " (above 0)" : "");
		*(streq(name, "chord-timeout") ? &s->chord_timeout_us : &s->chord_hold_timeout_us) =
		    us;
	} else if (streq(name, "modifier-guard")) {
		if (parse_boolean(value, &s->modifier_guard) < 0)
			return fail(&c, "modifier-guard: '%s': expected yes or no", value);
	} else if (streq(name, "oneshot-timeout")) {
		r = parse_duration(value, 60 * 1000000ULL, &us);
		if (r < 0)
			return fail(&c, "oneshot-timeout: '%s' is not a duration up to 60s", value);
		s->oneshot_timeout_us = us;
	} else if (streq(name, "macro-delay")) {
		r = parse_duration(value, 1000000ULL, &us);
		if (r < 0)
			return fail(&c, "macro-delay: '%s' is not a duration up to 1s", value);
		s->macro_delay_us = us;
	} else if (streq(name, "mouse-accel-time")) {
		r = parse_duration(value, 10 * 1000000ULL, &us);
		if (r < 0)
			return fail(&c, "mouse-accel-time: '%s' is not a duration up to 10s",
			            value);
		s->mouse_accel_us = us;
	} else if (streq(name, "mouse-speed") || streq(name, "mouse-max-speed") ||
	           streq(name, "stick-speed") || streq(name, "scroll-speed")) {
		double *field = streq(name, "mouse-speed")       ? &s->mouse_speed
		                : streq(name, "mouse-max-speed") ? &s->mouse_max_speed
		                : streq(name, "stick-speed")     ? &s->stick_speed
		                                                 : &s->scroll_speed;

		if (set_speed(value, field) < 0)
			return fail(&c, "%s: '%s' is not a speed (units per second, above 0)", name,
			            value);
	} else if (streq(name, "rate")) {
		int hz;

		if (safe_atoi(value, &hz) < 0 || hz < 1 || hz > 1000)
			return fail(&c, "rate: '%s' is not a rate from 1 to 1000 (per second)",
			            value);
		s->rate_hz = (unsigned)hz;
	} else if (streq(name, "text-layout") || streq(name, "text-variant")) {
		char **field = streq(name, "text-layout") ? &s->text_layout : &s->text_variant;

		if (!is_id(value))
			return fail(&c, "%s: '%s' is not an XKB name (like us, de, fr)", name,
			            value);
		free(*field);
		*field = strdup(value);
		if (!*field)
			return -ENOMEM;
	} else {
		return fail(
		    &c,
		    "unknown setting '%s' (tap-hold-timeout, oneshot-timeout, modifier-guard, "
		    "chord-timeout, chord-hold-timeout, "
		    "macro-delay, mouse-speed, mouse-max-speed, mouse-accel-time, stick-speed, "
		    "scroll-speed, rate, text-layout, text-variant)",
		    name);
	}
	return 0;
}
