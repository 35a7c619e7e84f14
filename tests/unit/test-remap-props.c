/* SPDX-License-Identifier: MIT */
/*
 * A property test of the remap engine: random press/release sequences with
 * random timing, through random profiles built from every kind of key
 * action (keys, chords, disabled, macros with delays and text, layers,
 * toggles, one-shots, every tap-hold flavor, idle(), lettermod(), mouse
 * keys) and random settings.  For every sequence:
 *
 *   - every output key press is released by the end, and no key is
 *     pressed twice or released while up (on every output);
 *   - no timer is left armed at rest;
 *   - the output is the same whether the input arrives one event per frame
 *     or with the events of one instant in one frame (but for profiles with
 *     profile(), whose switch happens between frames by design).
 *
 * A profile switch is done as the device core does it: what the outputs
 * hold is released, the remapper rebuilt.
 *
 * HIDMAPD_PROPERTY_SEQUENCES sets the number of sequences (default 10000;
 * 1000 under valgrind); HIDMAPD_PROPERTY_SEED the seed (default: fixed, so
 * that a failure can be reproduced; the seed is printed).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "output-limits.h"
#include "remap-harness.h"

#define SEQ_PER_PROFILE 50
#define MAX_SEQ         48 /* events of one random sequence */
#define NINPUTS         ARRAY_SIZE(inputs)

static const unsigned inputs[] = {KEY_1, KEY_2, KEY_3, KEY_4,         KEY_5,
                                  KEY_6, KEY_7, KEY_8, KEY_LEFTSHIFT, KEY_Q};

static uint64_t rng_state;

/* splitmix64: small, good enough, reproducible from the seed */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *const keys[] = {
    "KEY_A",
    "KEY_B",
    "KEY_1",
    "KEY_LEFTCTRL",
    "KEY_LEFTSHIFT",
    "KEY_LEFTCTRL+KEY_A",
    "KEY_LEFTSHIFT+KEY_B+KEY_A",
    "KEY_LEFTALT+KEY_LEFTMETA",
};

static const char *const macros[] = {
    "macro(KEY_A, KEY_LEFTCTRL+KEY_B)", "macro(KEY_C, 30ms, KEY_A)", "macro(\"aB\")",
    "macro(KEY_LEFTSHIFT+KEY_1)",       "macro(\"\u00e9!\")",
};

static const char *const layers[] = {"layer(l1)",  "layer(l2)",   "toggle(l1)",
                                     "toggle(l2)", "oneshot(l1)", "oneshot(l2)",
                                     "swap(l1)",   "swap(l2)",    "clear()"};

static const char *const flavors[] = {"tap-hold", "tap-hold-now", "tap-hold-wait",
                                      "tap-hold-balanced"};

static const char *const timeouts[] = {"", ", 80ms", ", 250ms"};

static void tap_part(char *buf, size_t n)
{
	switch (pick(4)) {
	case 0:
		snprintf(buf, n, "%s", macros[pick(ARRAY_SIZE(macros))]);
		break;
	case 1:
		snprintf(buf, n, "%s", pick(2) ? "toggle(l2)" : "oneshot(l1)");
		break;
	default:
		snprintf(buf, n, "%s", keys[pick(ARRAY_SIZE(keys))]);
		break;
	}
}

static void hold_part(char *buf, size_t n)
{
	if (pick(2))
		snprintf(buf, n, "%s", pick(2) ? "layer(l1)" : "layer(l2)");
	else
		snprintf(buf, n, "%s", keys[pick(ARRAY_SIZE(keys))]);
}

static void taphold(char *buf, size_t n)
{
	char tap[64], hold[64];

	tap_part(tap, sizeof(tap));
	hold_part(hold, sizeof(hold));
	snprintf(buf, n, "%s(%s, %s%s)", flavors[pick(ARRAY_SIZE(flavors))], tap, hold,
	         timeouts[pick(ARRAY_SIZE(timeouts))]);
}

/* One random action of any kind a key can have. */
static void action(char *buf, size_t n)
{
	char a[160], b[160];

	switch (pick(14)) {
	case 12:
		tap_part(a, sizeof(a));
		hold_part(b, sizeof(b));
		snprintf(buf, n, "timeout(%s, %s, %s)", pick(2) ? a : b, pick(2) ? "90ms" : "300ms",
		         pick(2) ? b : a);
		break;
	case 13:
		snprintf(buf, n, "repeat(%s, %s, %s)",
		         pick(2) ? macros[pick(ARRAY_SIZE(macros))] : keys[pick(ARRAY_SIZE(keys))],
		         pick(2) ? "100ms" : "400ms", pick(2) ? "30ms" : "70ms");
		break;
	case 0:
		snprintf(buf, n, "disabled");
		break;
	case 1:
		snprintf(buf, n, "%s", macros[pick(ARRAY_SIZE(macros))]);
		break;
	case 2:
	case 3:
		snprintf(buf, n, "%s", layers[pick(ARRAY_SIZE(layers))]);
		break;
	case 4:
	case 5:
		taphold(buf, n);
		break;
	case 6:
		if (pick(2))
			taphold(a, sizeof(a));
		else
			snprintf(a, sizeof(a), "%s", keys[pick(ARRAY_SIZE(keys))]);
		taphold(b, sizeof(b));
		snprintf(buf, n, "idle(%s, %s, %s)", a, b, pick(2) ? "100ms" : "20ms");
		break;
	case 7:
		hold_part(a, sizeof(a));
		snprintf(buf, n, "lettermod(%s, KEY_A, 120ms, 180ms)", a);
		break;
	case 8:
		if (pick(8) == 0)
			snprintf(buf, n, "profile(p)"); /* a switch: everything let go */
		else
			snprintf(buf, n, "%s", pick(2) ? "REL_X+" : "REL_WHEEL-");
		break;
	default:
		snprintf(buf, n, "%s", keys[pick(ARRAY_SIZE(keys))]);
		break;
	}
}

static void random_profile(char *text, size_t n)
{
	static const char *const delays[] = {"0", "5ms", "20ms"};
	size_t l;

	l = (size_t)snprintf(text, n,
	                     "[remap p]\nmacro-delay = %s\noneshot-timeout = %s\n"
	                     "tap-hold-timeout = %s\nmodifier-guard = %s\n"
	                     "chord-timeout = %s\nchord-hold-timeout = %s\n",
	                     delays[pick(3)], pick(2) ? "0" : "150ms", pick(2) ? "60ms" : "200ms",
	                     pick(4) ? "yes" : "no", pick(2) ? "50ms" : "10ms",
	                     pick(2) ? "0" : "80ms");
	for (unsigned layer = 0; layer < 4; layer++) {
		static const char *const mods[] = {"", "", ":C", ":A", ":MS", ":G"};

		if (layer == 3)
			l += (size_t)snprintf(text + l, n - l, "[remap p:l1+l2]\n");
		else if (layer)
			l += (size_t)snprintf(text + l, n - l, "[remap p:l%u%s]\n", layer,
			                      mods[pick(ARRAY_SIZE(mods))]);
		/* to end a sequence: toggled and armed layers off */
		l += (size_t)snprintf(text + l, n - l, "KEY_F12 = clear()\n");
		/* chords of input keys: no tap-holds on them */
		for (unsigned c = pick(3), used = 0; c-- > 0;) {
			static const char *const chord_actions[] = {"KEY_ESC",
			                                            "KEY_LEFTCTRL+KEY_C",
			                                            "layer(l2)",
			                                            "oneshot(l1)",
			                                            "macro(KEY_X, KEY_Y)",
			                                            "toggle(l1)",
			                                            "disabled",
			                                            "REL_X-"};
			unsigned a = pick(8), b = pick(8), k = pick(8);
			unsigned set = (1u << a) | (1u << b) | (1u << k);

			/* one trigger per set of keys in a section */
			if (a == b || (used & (1u << (set % 31))))
				continue;
			used |= 1u << (set % 31);
			l += (size_t)snprintf(
			    text + l, n - l, "%s+%s%s%s = %s\n",
			    libevdev_event_code_get_name(EV_KEY, inputs[a]),
			    libevdev_event_code_get_name(EV_KEY, inputs[b]),
			    k != a && k != b ? "+" : "",
			    k != a && k != b ? libevdev_event_code_get_name(EV_KEY, inputs[k]) : "",
			    chord_actions[pick(ARRAY_SIZE(chord_actions))]);
		}
		for (unsigned i = 0; i < NINPUTS; i++) {
			char a[400];

			/* the base maps most keys, layers some */
			if (pick(10) < (layer ? 4u : 8u)) {
				action(a, sizeof(a));
				l += (size_t)snprintf(
				    text + l, n - l, "%s = %s\n",
				    libevdev_event_code_get_name(EV_KEY, inputs[i]), a);
			}
		}
	}
}

struct input_ev {
	uint64_t t;
	unsigned code;
	int value;
};

static unsigned random_sequence(struct input_ev *seq)
{
	bool down[NINPUTS] = {false};
	unsigned n = 1 + pick(MAX_SEQ - NINPUTS - 4), k = 0;
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned which = pick(NINPUTS), r = pick(100);
		int value;

		t += r < 25 ? 0 : r < 70 ? (uint64_t)pick(50000) : (uint64_t)pick(400000);
		if (down[which])
			value =
			    pick(10) == 0 ? (pick(2) ? 2 : 1) : 0; /* repeat, or a stray press */
		else
			value = 1;
		down[which] = value != 0;
		seq[k++] = (struct input_ev){t, inputs[which], value};
	}
	/* now and then a reload (code 0) somewhere */
	if (pick(20) == 0) {
		unsigned at = pick(k + 1);

		memmove(&seq[at + 1], &seq[at], (k - at) * sizeof(seq[0]));
		seq[at] = (struct input_ev){at ? seq[at - 1].t : 0, 0, 0};
		k++;
	}
	/* everything is released in the end, and toggled or armed layers
	 * (whose modifiers are down) are cleared */
	for (unsigned i = 0; i < NINPUTS; i++)
		if (down[i]) {
			t += pick(3) ? (uint64_t)pick(300000) : 0;
			seq[k++] = (struct input_ev){t, inputs[i], 0};
		}
	t += 1000000;
	seq[k++] = (struct input_ev){t, KEY_F12, 1};
	seq[k++] = (struct input_ev){t, KEY_F12, 0};
	return k;
}

static struct recorder rec_a, rec_b;

/* Runs a sequence; by_instant puts the events of one instant in one frame. */
/*
 * A profile switch, as the device core does it: the outputs release what
 * they hold (here: releases recorded for every key still down), the
 * remapper is rebuilt for the new profile.
 */
static void release_outputs(struct recorder *rec)
{
	static uint8_t down[HM_MAX_ALL_OUTPUTS][KEY_MAX + 1];

	memset(down, 0, sizeof(down));
	for (unsigned i = 0; i < rec->n; i++)
		if (rec->ev[i].type == EV_KEY && rec->ev[i].value != 2 &&
		    rec->ev[i].out < HM_MAX_ALL_OUTPUTS && rec->ev[i].code <= KEY_MAX)
			down[rec->ev[i].out][rec->ev[i].code] = rec->ev[i].value != 0;
	for (unsigned o = 0; o < HM_MAX_ALL_OUTPUTS; o++)
		for (unsigned c = 0; c <= KEY_MAX; c++)
			if (down[o][c])
				rec_emit(rec, o, EV_KEY, c, 0);
}

static void maybe_switch(struct hm_remap **r, struct libevdev **caps, struct recorder *rec)
{
	const struct hm_config_profile *next = hm_remap_take_switch(*r);

	if (!next)
		return;
	release_outputs(rec);
	hm_remap_free(*r);
	*r = NULL;
	rec->armed = 0;
	/* caps: the remapper keeps the pointer */
	assert_int_equal(hm_remap_new(next, HM_UNMAPPED_PASS, caps, 1, r), 0);
	hm_remap_set_ops(*r, &rec_ops, rec);
}

static void run(const struct hm_config_profile *p, struct libevdev *caps,
                const struct input_ev *seq, unsigned n, bool by_instant, struct recorder *rec)
{
	uint64_t end = seq[n - 1].t + 120 * 1000000ULL;
	struct hm_remap *r = NULL;

	rec->now = rec->armed = 0;
	rec->n = 0;
	rec->overflow = false;
	assert_int_equal(hm_remap_new(p, HM_UNMAPPED_PASS, &caps, 1, &r), 0);
	hm_remap_set_ops(r, &rec_ops, rec);
	for (unsigned i = 0; i <= n; i++) {
		uint64_t t = i < n ? seq[i].t : end;
		unsigned guard = 0;

		while (rec->armed && rec->armed <= t && guard++ < 1000000) {
			rec->now = rec->armed;
			rec->armed = 0;
			hm_remap_timer(r, rec->now);
			maybe_switch(&r, &caps, rec);
		}
		if (i == n)
			break;
		rec->now = t;
		if (!seq[i].code) {
			/* a reload: what the outputs hold is released, the state forgotten */
			release_outputs(rec);
			hm_remap_reset(r);
			continue;
		}
		hm_remap_event(r, 0, EV_KEY, seq[i].code, seq[i].value, rec->now);
		if (!by_instant || i + 1 == n || seq[i + 1].t != seq[i].t) {
			hm_remap_frame(r, rec->now);
			maybe_switch(&r, &caps, rec);
		}
	}
	assert_false(rec->overflow);
	rec->armed_at_end = rec->armed != 0;
	hm_remap_free(r);
}

static void dump(const char *profile, const struct input_ev *seq, unsigned n,
                 const struct recorder *rec)
{
	print_error("profile:\n");
	for (const char *l = profile; *l;) {
		size_t len = strcspn(l, "\n");

		print_error("%.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
	print_error("input:\n");
	for (unsigned i = 0; i < n; i++)
		print_error(
		    "  %" PRIu64 ".%03u %s %d\n", seq[i].t / 1000, (unsigned)(seq[i].t % 1000),
		    seq[i].code ? libevdev_event_code_get_name(EV_KEY, seq[i].code) : "reset",
		    seq[i].value);
	print_error("output:\n");
	for (unsigned i = 0; i < rec->n; i++)
		print_error("  %" PRIu64 ".%03u %u %s %d\n", rec->ev[i].t / 1000,
		            (unsigned)(rec->ev[i].t % 1000), rec->ev[i].out,
		            libevdev_event_code_get_name(rec->ev[i].type, rec->ev[i].code),
		            rec->ev[i].value);
}

/* Every press released, none twice, no release while up.  Returns an error or NULL. */
static const char *check_keys(const struct recorder *rec)
{
	static uint8_t down[HM_MAX_ALL_OUTPUTS][KEY_MAX + 1];

	memset(down, 0, sizeof(down));
	for (unsigned i = 0; i < rec->n; i++) {
		const struct rec_event *e = &rec->ev[i];

		if (e->type != EV_KEY)
			continue;
		if (e->out >= HM_MAX_ALL_OUTPUTS || e->code > KEY_MAX)
			return "event on no output";
		if (e->value == 2) {
			if (!down[e->out][e->code])
				return "autorepeat of a key that is up";
		} else if (e->value) {
			if (down[e->out][e->code])
				return "a key pressed twice";
			down[e->out][e->code] = 1;
		} else {
			if (!down[e->out][e->code])
				return "a key released that was not pressed";
			down[e->out][e->code] = 0;
		}
	}
	for (unsigned o = 0; o < HM_MAX_ALL_OUTPUTS; o++)
		for (unsigned c = 0; c <= KEY_MAX; c++)
			if (down[o][c]) {
				static char msg[96];

				snprintf(msg, sizeof(msg), "a key still down at the end: %u %s", o,
				         libevdev_event_code_get_name(EV_KEY, c));
				return msg;
			}
	return NULL;
}

static const char *compare(const struct recorder *a, const struct recorder *b)
{
	if (a->n != b->n)
		return "frames change the number of output events";
	for (unsigned i = 0; i < a->n; i++)
		if (memcmp(&a->ev[i], &b->ev[i], sizeof(a->ev[i])))
			return "frames change the output";
	return NULL;
}

static void test_random_sequences(void **state)
{
	const char *env = getenv("HIDMAPD_PROPERTY_SEQUENCES");
	const char *seed_env = getenv("HIDMAPD_PROPERTY_SEED");
	unsigned long total = RUNNING_ON_VALGRIND ? 1000 : 10000;
	uint64_t seed = 0x5eed15;
	struct libevdev *caps = libevdev_new();
	static char profile[16384];
	static struct input_ev seq[MAX_SEQ];
	unsigned long done = 0, events = 0;

	if (env)
		total = strtoul(env, NULL, 10);
	if (seed_env)
		seed = strtoull(seed_env, NULL, 0);
	rng_state = seed;
	print_message("seed 0x%" PRIx64 ", %lu sequences\n", seed, total);

	libevdev_set_name(caps, "fake keyboard");
	for (unsigned i = 0; i < NINPUTS; i++)
		libevdev_enable_event_code(caps, EV_KEY, inputs[i], NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_F12, NULL);

	while (done < total) {
		struct hm_config *config;
		const struct hm_config_profile *p;

		random_profile(profile, sizeof(profile));
		config = harness_config(profile);
		if (!config) {
			print_error("a generated profile does not load:\n%s\n", profile);
			fail();
		}
		p = hm_config_find_profile(config, "p");
		assert_non_null(p);
		for (unsigned s = 0; s < SEQ_PER_PROFILE && done < total; s++, done++) {
			unsigned n = random_sequence(seq);
			const char *err;

			events += n;
			rec_b.n = 0;
			run(p, caps, seq, n, false, &rec_a);
			err = rec_a.armed_at_end ? "a timer is still armed at rest"
			                         : check_keys(&rec_a);
			/* a profile switch happens between frames by design (device.c), so
			 * with profile() frames may matter */
			if (!err && !strstr(profile, "profile(")) {
				run(p, caps, seq, n, true, &rec_b);
				err = compare(&rec_a, &rec_b);
			}
			if (err) {
				print_error("sequence %lu: %s\n", done, err);
				dump(profile, seq, n, &rec_a);
				if (rec_b.n)
					dump("(same)", seq, n, &rec_b);
				fail();
			}
		}
		hm_config_free(config);
	}
	print_message("%lu sequences, %lu input events\n", done, events);
	libevdev_free(caps);
}

/*
 * The event loop may see an input event before a timer whose deadline has
 * passed (both ready at one wakeup): the deadline acts first all the same.
 * A tap-hold released 50 ms after its timeout, its timer not yet run, is
 * a hold (hidmapd.ini(5), "How a key event is handled").
 */
static void test_late_timer(void **state)
{
	struct hm_config *config =
	    harness_config("[remap p]\nKEY_A = tap-hold(KEY_ESC, KEY_LEFTCTRL, 200ms)\n");
	struct libevdev *caps = libevdev_new();
	struct hm_remap *r = NULL;

	assert_non_null(config);
	libevdev_set_name(caps, "fake keyboard");
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	assert_int_equal(
	    hm_remap_new(hm_config_find_profile(config, "p"), HM_UNMAPPED_PASS, &caps, 1, &r), 0);
	memset(&rec_a, 0, offsetof(struct recorder, ev));
	rec_a.n = 0;
	hm_remap_set_ops(r, &rec_ops, &rec_a);
	hm_remap_event(r, 0, EV_KEY, KEY_A, 1, 0);
	assert_int_equal(rec_a.armed, 200000);
	rec_a.now = 250000;
	hm_remap_event(r, 0, EV_KEY, KEY_A, 0, 250000); /* the timer has not run */
	assert_int_equal(rec_a.n, 2);
	assert_int_equal(rec_a.ev[0].code, KEY_LEFTCTRL);
	assert_int_equal(rec_a.ev[0].value, 1);
	assert_int_equal(rec_a.ev[1].code, KEY_LEFTCTRL);
	assert_int_equal(rec_a.ev[1].value, 0);
	/* the timer the loop still delivers afterwards does nothing */
	hm_remap_timer(r, 250001);
	assert_int_equal(rec_a.n, 2);
	hm_remap_free(r);
	libevdev_free(caps);
	hm_config_free(config);
}

/*
 * More key events than may wait (64): behind a long macro, behind an
 * undecided tap-hold-wait, behind both, and behind a chord; presses are
 * dropped, but no key is left down or released twice (run under ASan).
 */
static void test_queue_overflow(void **state)
{
	static const char *const profiles[] = {
	    "[remap p]\nKEY_1 = macro(KEY_A, 5s, KEY_B)\n",
	    "[remap p]\nKEY_1 = tap-hold-wait(KEY_A, KEY_LEFTCTRL, 5s)\n",
	    "[remap p]\nKEY_1 = tap-hold-balanced(KEY_A, layer(l), 5s)\nKEY_2 = macro(KEY_C, 2s, KEY_D)\n[remap p:l:C]\nKEY_3 = KEY_X\n",
	    "[remap p]\nchord-hold-timeout = 5s\nKEY_1+KEY_2 = macro(KEY_A, 3s, KEY_B)\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(profiles); i++) {
		struct hm_config *config = harness_config(profiles[i]);
		struct libevdev *caps = libevdev_new();
		static struct input_ev seq[1024];
		unsigned n = 0;
		const char *err;

		assert_non_null(config);
		libevdev_set_name(caps, "fake keyboard");
		for (unsigned k = 0; k < NINPUTS; k++)
			libevdev_enable_event_code(caps, EV_KEY, inputs[k], NULL);
		seq[n++] = (struct input_ev){0, KEY_1, 1};
		seq[n++] = (struct input_ev){1000, KEY_2, 1};
		/* 300 taps of keys 3..8, 1 ms apart: far more than may wait */
		for (unsigned k = 0; k < 300; k++) {
			seq[n++] =
			    (struct input_ev){2000 + 2000 * (uint64_t)k, inputs[2 + k % 6], 1};
			seq[n++] =
			    (struct input_ev){3000 + 2000 * (uint64_t)k, inputs[2 + k % 6], 0};
		}
		seq[n++] = (struct input_ev){700000, KEY_2, 0};
		seq[n++] = (struct input_ev){800000, KEY_1, 0};
		rec_b.n = 0;
		run(hm_config_find_profile(config, "p"), caps, seq, n, false, &rec_a);
		err = rec_a.armed_at_end ? "a timer is still armed at rest" : check_keys(&rec_a);
		if (err) {
			print_error("profile %zu: %s\n", i, err);
			dump(profiles[i], seq, n, &rec_a);
			fail();
		}
		libevdev_free(caps);
		hm_config_free(config);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_late_timer),
	    cmocka_unit_test(test_queue_overflow),
	    cmocka_unit_test(test_random_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
