/* SPDX-License-Identifier: MIT */
/*
 * The remap engine's runtime: events in, the key path (layers, tap-hold,
 * one-shot layers, macros, the key events that wait) and the timers.
 * Axes and pointer motion are remap-axes.c's, the chords of input keys
 * remap-chord.c's, the gyro mouse remap-gyro.c's.  hm_remap_new()
 * (remap-compile.c) compiles a profile into lookup tables (one slot per
 * key code and layer, per axis and layer; remap-private.h) and
 * remap-outputs.c plans the outputs, so that an event costs a few array
 * reads and the per-event path never allocates.  All state that spans
 * events (held keys, layers, a pending tap-hold, a running macro, moving
 * pointers) lives in fixed arrays of struct hm_remap.
 *
 * The semantics are documented for users in doc/hidmapd.ini.5.md; the
 * rules that decide them are repeated where they are implemented.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "output-limits.h"
#include "remap-private.h"
#include "remap.h"
#include "util-log.h"
#include "util-strings.h"

static const uint16_t modifiers[8] = {KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTSHIFT, KEY_RIGHTSHIFT,
                                      KEY_LEFTALT,  KEY_RIGHTALT,  KEY_LEFTMETA,  KEY_RIGHTMETA};

/* 0..7 for a modifier, -1 for any other key */
static int mod_index(unsigned code)
{
	for (int i = 0; i < 8; i++)
		if (modifiers[i] == code)
			return i;
	return -1;
}

static bool is_modifier(unsigned code)
{
	switch (code) {
	case KEY_LEFTCTRL:
	case KEY_RIGHTCTRL:
	case KEY_LEFTSHIFT:
	case KEY_RIGHTSHIFT:
	case KEY_LEFTALT:
	case KEY_RIGHTALT:
	case KEY_LEFTMETA:
	case KEY_RIGHTMETA:
		return true;
	default:
		return false;
	}
}

/*
 * Output keys are counted, so that two things holding the same key (a
 * chord and a plain map) do not release it under each other.  A key that
 * is already down and is pressed again by something else is released
 * first (a frame of its own), then pressed with the rest, as keyd does,
 * so that `[` held then `{` (Shift+[) are two keystrokes; a modifier
 * already down just stays down.
 */
/* The first half of keys_down(): keys already down go up; true if any did. */
static bool keys_up_again(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n)
{
	bool again = false;

	for (unsigned i = 0; i < n; i++) {
		unsigned out = route(r, src, EV_KEY, codes[i]);

		if (r->down[out][codes[i]] && !is_modifier(codes[i])) {
			emit(r, out, EV_KEY, codes[i], 0);
			again = true;
		}
	}
	return again;
}

/* The second half: the presses (a modifier already down stays down). */
static void keys_press(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n,
                       int value)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned out = route(r, src, EV_KEY, codes[i]);
		int mi = mod_index(codes[i]);
		bool dropped = mi >= 0 && (r->mod_dropped[out] & (1u << mi));

		if (r->down[out][codes[i]]++ == 0 || mi < 0 || dropped) {
			emit(r, out, EV_KEY, codes[i], value);
			r->last_down = codes[i];
		}
		if (dropped)
			r->mod_dropped[out] &= (uint8_t) ~(1u << mi);
	}
}

static void keys_down(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n,
                      int value)
{
	if (keys_up_again(r, src, codes, n))
		sync_all(r);
	keys_press(r, src, codes, n, value);
}

/* A layer or a passed modifier key holds (+1) or lets go (-1) a modifier. */
static void mod_fix(struct hm_remap *r, unsigned src, unsigned code, int d)
{
	int mi = mod_index(code);
	unsigned out = route(r, src, EV_KEY, code);

	if (mi >= 0 && (d > 0 || r->mod_fixed[out][mi]))
		r->mod_fixed[out][mi] = (uint16_t)(r->mod_fixed[out][mi] + d);
}

/*
 * keyd's modifiers are exact per binding: a key or chord with a key that
 * is no modifier lets go first the modifiers that only other bindings hold
 * (held Shift+[ then [ gives [, not {), and they stay up until something
 * presses them again.  Modifiers of layers and passed modifier keys stay.
 */
static void drop_binding_mods(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n)
{
	bool any_key = false;

	for (unsigned i = 0; i < n && !any_key; i++)
		any_key = !is_modifier(codes[i]);
	if (!any_key)
		return;
	for (int mi = 0; mi < 8; mi++) {
		unsigned code = modifiers[mi], out = route(r, src, EV_KEY, code);
		bool mine = false;

		for (unsigned i = 0; i < n; i++)
			mine = mine || codes[i] == code;
		if (mine || !r->down[out][code] || r->mod_fixed[out][mi] ||
		    (r->mod_dropped[out] & (1u << mi)))
			continue;
		emit(r, out, EV_KEY, code, 0);
		r->mod_dropped[out] |= (uint8_t)(1u << mi);
	}
}

static void key_down_value(struct hm_remap *r, unsigned src, unsigned code, int value)
{
	uint16_t c = (uint16_t)code;

	keys_down(r, src, &c, 1, value);
}

static void key_up(struct hm_remap *r, unsigned src, unsigned code)
{
	unsigned out = route(r, src, EV_KEY, code);

	if (r->down[out][code] == 0)
		return;
	if (--r->down[out][code] == 0) {
		int mi = mod_index(code);

		if (mi >= 0 && (r->mod_dropped[out] & (1u << mi)))
			r->mod_dropped[out] &= (uint8_t) ~(1u << mi); /* up already */
		else
			emit(r, out, EV_KEY, code, 0);
	}
}

static bool only_modifiers(const uint16_t *codes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!is_modifier(codes[i]))
			return false;
	return true;
}

/* A chord of modifiers alone holds them like a layer would (keyd turns a
 * binding to a modifier into its modifier layer): no binding drops them. */
static void fix_if_modifiers(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n,
                             int d)
{
	if (only_modifiers(codes, n))
		for (unsigned i = 0; i < n; i++)
			mod_fix(r, src, codes[i], d);
}

/* keyd's order: keys already down go up, then the modifiers of other
 * bindings, (a frame,) then the chord is pressed. */
static void chord_down(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n)
{
	bool again = keys_up_again(r, src, codes, n);

	drop_binding_mods(r, src, codes, n);
	if (again)
		sync_all(r);
	fix_if_modifiers(r, src, codes, n, 1);
	keys_press(r, src, codes, n, 1);
}

static void chord_up(struct hm_remap *r, unsigned src, const uint16_t *codes, unsigned n)
{
	fix_if_modifiers(r, src, codes, n, -1);
	/* as keyd: the keys in the order pressed, then the modifiers in the
	 * order pressed (C-z lets z go first; leftcontrol+leftmeta, a+b go in
	 * press order) */
	for (unsigned i = 0; i < n; i++)
		if (!is_modifier(codes[i]))
			key_up(r, src, codes[i]);
	for (unsigned i = 0; i < n; i++)
		if (is_modifier(codes[i]))
			key_up(r, src, codes[i]);
}

/* ---- timers --------------------------------------------------------------- */

static void rearm(struct hm_remap *r)
{
	uint64_t next = 0;

	if (r->th_pending)
		next = r->th_deadline;
	if (r->oneshot_deadline && (!next || r->oneshot_deadline < next))
		next = r->oneshot_deadline;
	if (r->rep_on && r->rep_deadline && !r->macro_running && (!next || r->rep_deadline < next))
		next = r->rep_deadline;
	if (r->ch_state != CH_IDLE && (!next || r->ch_deadline < next))
		next = r->ch_deadline;
	if (r->macro_running && r->macro_deadline && (!next || r->macro_deadline < next))
		next = r->macro_deadline;
	if (r->moving && (!next || r->motion_deadline < next))
		next = r->motion_deadline;
	if (next != r->armed) {
		r->armed = next;
		if (r->ops->arm)
			r->ops->arm(r->userdata, next);
	}
}

/* ---- layers ---------------------------------------------------------------- */

static void layer_on(struct hm_remap *r, unsigned l, unsigned src)
{
	if (!layer_active(r, l)) {
		r->layer_seq[l] = ++r->seq;
		r->layer_src[l] = (uint8_t)src;
	}
}

/*
 * keyd's modifier guard: Alt or Meta pressed for a layer and released with
 * nothing pressed since would open a menu (Firefox, GNOME); a Ctrl tap
 * around the release prevents that.  Not when the layer's own key was
 * tapped alone (guard_inhibit), nor with Ctrl down.
 */
static void layer_mod_up(struct hm_remap *r, unsigned src, unsigned code)
{
	unsigned out = route(r, src, EV_KEY, code);
	bool guard = r->set->modifier_guard && !r->guard_inhibit && r->last_down == code &&
	             (code == KEY_LEFTALT || code == KEY_RIGHTALT || code == KEY_LEFTMETA) &&
	             r->down[out][code] == 1 && !(r->mod_dropped[out] & (1u << mod_index(code))) &&
	             (!r->down[out][KEY_LEFTCTRL] || (r->mod_dropped[out] & 1u));

	mod_fix(r, src, code, -1);

	if (guard) {
		emit(r, out, EV_KEY, KEY_LEFTCTRL, 1);
		sync_all(r);
	}
	key_up(r, src, code);
	if (guard) {
		sync_all(r);
		emit(r, out, EV_KEY, KEY_LEFTCTRL, 0);
	}
}

/* Modifier layers: their modifiers are down while they are active and no
 * key bound in them is down (keyd's [name:C]). */
static void sync_layer_mods(struct hm_remap *r)
{
	if (!r->any_mods)
		return;
	for (unsigned l = 1; l < r->nlayers; l++) {
		bool want;

		if (!r->layer_nmods[l])
			continue;
		want = (layer_active(r, l) || (r->os_kept & (1u << l))) && !r->suspend[l];
		if (want == r->mods_held[l])
			continue;
		r->mods_held[l] = want;
		if (want) {
			for (unsigned i = 0; i < r->layer_nmods[l]; i++)
				mod_fix(r, r->layer_src[l], r->layer_mods[l][i], 1);
			keys_down(r, r->layer_src[l], r->layer_mods[l], r->layer_nmods[l], 1);
		} else {
			for (unsigned i = 0; i < r->layer_nmods[l]; i++)
				layer_mod_up(r, r->layer_src[l], r->layer_mods[l][i]);
		}
	}
}

/* A key bound in layer l is down (+1) or up (-1): the modifiers of l, or
 * of its parts, are let go meanwhile. */
static void suspend_mods(struct hm_remap *r, unsigned l, int d)
{
	if (r->layer_nmods[l])
		r->suspend[l] += (unsigned)d;
	for (unsigned p = 1; p < r->nlayers; p++)
		if ((r->layer_parts[l] & (1u << p)) && r->layer_nmods[p])
			r->suspend[p] += (unsigned)d;
	sync_layer_mods(r);
}

/* ---- actions ------------------------------------------------------------------ */

static void macro_start_next(struct hm_remap *r, uint64_t now);
static void macro_advance(struct hm_remap *r, uint64_t now);

static void macro_enqueue(struct hm_remap *r, uint16_t act, unsigned src, uint64_t now)
{
	if (r->nqueue == MAX_QUEUE) {
		log_debug("remap: macro queue full, dropping a macro");
		return;
	}
	r->queue[r->nqueue++] = (struct macro_run){act, (uint8_t)src, r->cur_layer};
	if (!r->macro_running)
		macro_start_next(r, now);
}

static void macro_start_next(struct hm_remap *r, uint64_t now)
{
	const struct ract *a;

	if (r->macro_layer) {
		/* the modifiers of the last macro's layer come back (keyd) */
		unsigned l = r->macro_layer;

		r->macro_layer = 0;
		suspend_mods(r, l, -1);
	}
	if (!r->nqueue) {
		r->macro_running = false;
		if (r->rep_on) {
			r->rep_deadline = now + r->rep_wait;
			r->rep_wait = r->rep_interval;
		}
		remap_pump(r, now); /* the keys typed meanwhile */
		return;
	}
	a = &r->acts[r->queue[0].act];
	r->macro_src = r->queue[0].src;
	if (r->any_mods && r->queue[0].layer) {
		/* a macro bound in a modifier layer runs without its modifiers,
		 * as keyd's execute_macro() */
		r->macro_layer = r->queue[0].layer;
		suspend_mods(r, r->macro_layer, 1);
	}
	memmove(&r->queue[0], &r->queue[1], --r->nqueue * sizeof(r->queue[0]));
	r->macro_running = true;
	r->macro_step = a->step0;
	r->macro_end = a->step0 + a->nsteps;
	r->macro_released = true; /* no step begun */
	r->macro_deadline = 0;
	macro_advance(r, now);
}

/*
 * Runs the macro until it must wait.  A key step is: press (a frame of its
 * own), wait macro-delay, release (a frame), wait macro-delay; a delay step
 * waits its time.  With macro-delay 0 the frames follow each other at once.
 */
static void macro_advance(struct hm_remap *r, uint64_t now)
{
	uint64_t delay = r->set->macro_delay_us;

	while (r->macro_running) {
		const struct rstep *st;

		if (r->macro_deadline && now < r->macro_deadline)
			return;
		r->macro_deadline = 0;
		if (!r->macro_released) {
			st = &r->steps[r->macro_step];
			chord_up(r, r->macro_src, st->codes, st->ncodes);
			sync_all(r);
			r->macro_released = true;
			r->macro_step++;
			if (delay) {
				r->macro_deadline = now + delay;
				continue;
			}
		}
		if (r->macro_step >= r->macro_end) {
			macro_start_next(r, now);
			return;
		}
		st = &r->steps[r->macro_step];
		if (!st->ncodes) {
			r->macro_step++;
			if (st->delay_us) {
				r->macro_deadline = now + st->delay_us;
			}
			continue;
		}
		chord_down(r, r->macro_src, st->codes, st->ncodes);
		sync_all(r);
		r->macro_released = false;
		if (delay)
			r->macro_deadline = now + delay;
	}
}

static void oneshot_clear(struct hm_remap *r)
{
	r->oneshot_mask = 0;
	r->oneshot_latch = false;
	r->oneshot_deadline = 0;
	sync_layer_mods(r);
}

/*
 * swap(NAME), as keyd: the layer the swap key is bound in (cur_layer) is
 * replaced by NAME: toggled, NAME is toggled instead; armed as a one-shot,
 * NAME is armed instead; held by a key's layer(), that key now holds NAME.
 */
static void swap_layer(struct hm_remap *r, const struct ract *a, uint64_t now)
{
	unsigned from = r->cur_layer, to = a->layer;

	if (!from || from == to)
		return;
	if (r->layer_toggled[from]) {
		r->layer_toggled[from] = false;
		layer_on(r, to, r->layer_src[from]);
		r->layer_toggled[to] = true;
	} else if (r->oneshot_mask & (1u << from)) {
		r->oneshot_mask &= ~(1u << from);
		layer_on(r, to, r->layer_src[from]);
		r->oneshot_mask |= 1u << to;
	} else {
		for (unsigned s = 0; s < r->nbase; s++)
			for (unsigned c = 0; c <= KEY_MAX; c++) {
				uint16_t h = r->held[s][c];

				if (h >= r->nacts || r->acts[h].kind != HM_ACT_LAYER ||
				    r->acts[h].layer != from)
					continue;
				r->held[s][c] = a->tap; /* layer(NAME), compiled with the swap */
				if (r->layer_holds[from])
					r->layer_holds[from]--;
				layer_on(r, to, s);
				r->layer_holds[to]++;
				sync_layer_mods(r);
				return;
			}
	}
	sync_layer_mods(r);
}

static void action_press(struct hm_remap *r, uint16_t ai, unsigned src, uint64_t now)
{
	const struct ract *a = &r->acts[ai];

	switch (a->kind) {
	case HM_ACT_DISABLED:
		break;
	case HM_ACT_KEYS:
		chord_down(r, src, a->cfg->codes, a->cfg->ncodes);
		break;
	case HM_ACT_MACRO:
		/* one-shot layers are used up before it runs: keyd types macros
		 * without their modifiers */
		oneshot_clear(r);
		macro_enqueue(r, ai, src, now);
		break;
	case HM_ACT_LAYER:
		layer_on(r, a->layer, src);
		r->layer_holds[a->layer]++;
		sync_layer_mods(r);
		break;
	case HM_ACT_TOGGLE:
		if (!r->layer_toggled[a->layer])
			layer_on(r, a->layer, src);
		r->layer_toggled[a->layer] = !r->layer_toggled[a->layer];
		sync_layer_mods(r);
		break;
	case HM_ACT_ONESHOT:
		/* held, a momentary layer; released before anything used it, armed */
		layer_on(r, a->layer, src);
		r->layer_holds[a->layer]++;
		r->oneshot_latch = true;
		sync_layer_mods(r);
		break;
	case HM_ACT_CLEAR:
		memset(r->layer_toggled, 0, sizeof(r->layer_toggled));
		oneshot_clear(r);
		break;
	case HM_ACT_SWAP:
		swap_layer(r, a, now);
		break;
	case HM_ACT_REPEAT:
		/* keyd's macro2: again DELAY after the run, then every INTERVAL */
		r->rep_on = true;
		r->rep_act = a->tap;
		r->rep_src = (uint8_t)src;
		r->rep_wait = a->timeout_us;
		r->rep_interval = a->interval_us;
		r->rep_deadline = 0;
		r->rep_layer = r->cur_layer;
		oneshot_clear(r);
		macro_enqueue(r, a->tap, src, now);
		break;
	case HM_ACT_PROFILE:
		r->switch_to = a->cfg->profile;
		break;
	case HM_ACT_MOVE:
		remap_move_press(r, a, src, now);
		break;
	case HM_ACT_TAPHOLD: /* handled by the key path */
	case HM_ACT_IDLE:
	case HM_ACT_ABS:
	case HM_ACT_REL:
	case HM_ACT_GYRO_MOUSE: /* GYRO only, per report (remap-gyro.c) */
		break;
	}
}

void remap_action_release(struct hm_remap *r, uint16_t ai, unsigned src, uint64_t now)
{
	const struct ract *a = &r->acts[ai];

	switch (a->kind) {
	case HM_ACT_KEYS:
		chord_up(r, src, a->cfg->codes, a->cfg->ncodes);
		break;
	case HM_ACT_LAYER:
		if (r->layer_holds[a->layer])
			r->layer_holds[a->layer]--;
		sync_layer_mods(r);
		break;
	case HM_ACT_ONESHOT:
		if (r->layer_holds[a->layer])
			r->layer_holds[a->layer]--;
		if (r->oneshot_latch) {
			r->oneshot_mask |= 1u << a->layer;
			if (r->set->oneshot_timeout_us)
				r->oneshot_deadline = now + r->set->oneshot_timeout_us;
		}
		sync_layer_mods(r);
		break;
	case HM_ACT_MOVE:
		remap_move_release(r, a, now);
		break;
	case HM_ACT_REPEAT:
		r->rep_on = false;
		break;
	default:
		break;
	}
}

/* A press and release in frames of their own: a tap from a step of motion. */
static void action_tap(struct hm_remap *r, uint16_t ai, unsigned src, uint64_t now)
{
	action_press(r, ai, src, now);
	sync_all(r);
	remap_action_release(r, ai, src, now);
	sync_all(r);
}

/* ---- one-shot layers, plain keys ---------------------------------------------- */

/* Whether a press of this action uses armed one-shot layers up: anything
 * but layer changes and modifiers (keyd: a key, a macro, a toggle). */
static bool uses_oneshot(const struct hm_remap *r, uint16_t ai)
{
	const struct ract *a = &r->acts[ai];

	switch (a->kind) {
	case HM_ACT_LAYER:
	case HM_ACT_ONESHOT:
	case HM_ACT_TAPHOLD:
	case HM_ACT_IDLE:
	case HM_ACT_SWAP:
		return false;
	case HM_ACT_KEYS:
		for (unsigned i = 0; i < a->cfg->ncodes; i++)
			if (!is_modifier(a->cfg->codes[i]))
				return true;
		return false;
	default:
		return true;
	}
}

/* A plain key for idle(): one key that is no modifier, alone or with Shift. */
static bool is_plain(const struct hm_remap *r, uint16_t ai)
{
	const struct ract *a = &r->acts[ai];
	unsigned keys = 0;

	if (a->kind != HM_ACT_KEYS)
		return false;
	for (unsigned i = 0; i < a->cfg->ncodes; i++) {
		unsigned c = a->cfg->codes[i];

		if (c == KEY_LEFTSHIFT || c == KEY_RIGHTSHIFT)
			continue;
		if (is_modifier(c))
			return false;
		keys++;
	}
	return keys == 1;
}

static void note_plain(struct hm_remap *r, uint64_t now)
{
	r->has_plain = true;
	r->last_plain = now;
}

/* After an action's press: one-shot layers used, idle() time. */
static void after_press(struct hm_remap *r, uint16_t ai, uint64_t now)
{
	if (uses_oneshot(r, ai))
		oneshot_clear(r);
	if (is_plain(r, ai))
		note_plain(r, now);
}

/* ---- tap-hold ------------------------------------------------------------------ */

/*
 * The pending tap-hold is decided: its action is pressed, then the key
 * events that waited for the decision (tap-hold-wait, -balanced) follow in
 * their order, before anything that came after them.
 */
static void th_decide(struct hm_remap *r, bool hold, uint64_t now)
{
	unsigned code = r->th_code, src = r->th_src;
	const struct ract *a = &r->acts[r->held[src][code]];
	uint16_t ai = hold ? a->hold : a->tap;

	r->cur_layer = r->map_layer[src][code];
	r->th_pending = false;
	r->th_state[src][code] = hold ? TH_HOLD : TH_TAP;
	action_press(r, ai, src, now);
	after_press(r, ai, now);
	if (r->nthq) {
		unsigned n = r->nthq;

		if (r->ninq + n > INQ_CAP) /* cannot happen, see INQ_CAP */
			r->ninq = INQ_CAP - n;
		memmove(&r->inq[n], &r->inq[0], r->ninq * sizeof(r->inq[0]));
		memcpy(&r->inq[0], r->thq, n * sizeof(r->thq[0]));
		r->ninq += n;
		r->nthq = 0;
	}
	remap_pump(r, now);
}

/* Before another key's press: a tap-hold (the plain flavor) still
 * undecided becomes a hold, so that its layer or modifier applies. */
static void interrupt_pending(struct hm_remap *r, uint64_t now)
{
	if (r->th_pending && (r->th_flavor == HM_TH_PRESS || r->th_flavor == HM_TH_TIMEOUT))
		th_decide(r, r->th_flavor == HM_TH_PRESS, now);
}

static void taphold_press(struct hm_remap *r, uint16_t ai, unsigned src, unsigned code,
                          uint64_t now)
{
	const struct ract *a = &r->acts[ai];

	r->th_state[src][code] = TH_UNDECIDED;
	if (a->cfg->flavor == HM_TH_NOW) {
		/* keyd's overload: the hold at once, the tap decided at the release */
		r->th_mark[src][code] = r->npresses;
		r->th_start[src][code] = now;
		r->th_state[src][code] = TH_HOLD;
		action_press(r, a->hold, src, now);
		after_press(r, a->hold, now);
		return;
	}
	r->th_pending = true;
	r->th_flavor = a->cfg->flavor;
	r->th_code = (uint16_t)code;
	r->th_src = (uint8_t)src;
	r->th_deadline = now + (a->timeout_us ? a->timeout_us : r->set->tap_hold_timeout_us);
}

static void taphold_release(struct hm_remap *r, const struct ract *a, unsigned src, unsigned code,
                            uint64_t now)
{
	uint8_t st = r->th_state[src][code];

	r->th_state[src][code] = TH_UNDECIDED;
	r->cur_layer = r->map_layer[src][code];
	if (r->th_pending && r->th_code == code && r->th_src == src) {
		/* released in time, nothing else pressed: a tap */
		r->th_pending = false;
		action_tap(r, a->tap, src, now);
		after_press(r, a->tap, now);
	} else if (st == TH_HOLD) {
		remap_action_release(r, a->hold, src, now);
		if (a->cfg->flavor == HM_TH_NOW && r->th_mark[src][code] == r->npresses &&
		    (!a->timeout_us || now - r->th_start[src][code] < a->timeout_us)) {
			sync_all(r);
			action_tap(r, a->tap, src, now);
			after_press(r, a->tap, now);
		}
	} else if (st == TH_TAP) {
		remap_action_release(r, a->tap, src, now);
	}
}

/* ---- the key path ---------------------------------------------------------------- */

/* Any activation that is not a key's (an axis zone, a chord): a pending
 * tap-hold is decided, one-shot layers used. */
void remap_activate(struct hm_remap *r, uint16_t ai, unsigned src, unsigned layer, uint64_t now)
{
	interrupt_pending(r, now);
	r->cur_layer = (uint8_t)layer;
	r->npresses++;
	action_press(r, ai, src, now);
	after_press(r, ai, now);
}

/* The same for a step of relative motion, as a tap. */
void remap_step_tap(struct hm_remap *r, uint16_t ai, unsigned src, unsigned layer, uint64_t now)
{
	interrupt_pending(r, now);
	r->npresses++;
	r->cur_layer = (uint8_t)layer;
	action_tap(r, ai, src, now);
	after_press(r, ai, now);
}

/* The key at (src, code) uses up the armed one-shot layers in mask: their
 * modifiers stay down until its release. */
static void oneshot_keep(struct hm_remap *r, unsigned src, unsigned code, uint32_t mask)
{
	if (!r->any_mods)
		return;
	r->os_kept = 0;
	for (unsigned l = 1; l < r->nlayers; l++)
		if ((mask & (1u << l)) && r->layer_nmods[l])
			r->os_kept |= 1u << l;
	r->os_src = (uint8_t)src;
	r->os_code = (uint16_t)code;
}

/* The keep ends: the key that used them up is released (src, code), or
 * another key is pressed (code NONE). */
static void oneshot_unkeep(struct hm_remap *r, unsigned src, unsigned code, bool sync)
{
	if (!r->os_kept || (code != NONE && (src != r->os_src || code != r->os_code)))
		return;
	r->os_kept = 0;
	if (sync)
		sync_layer_mods(r);
}

static void key_press(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now)
{
	uint16_t *held = &r->held[src][code];
	uint16_t slot, ai;

	if (*held != NONE)
		return; /* a second press without release: the first one counts */
	/* any key press stops a repeat, and lets go the modifiers a used-up
	 * one-shot left down (keyd) */
	r->rep_on = false;
	oneshot_unkeep(r, src, NONE, true);
	/* a pending tap-hold is decided first: held, its layer applies to this key */
	interrupt_pending(r, now);
	r->npresses++;
	slot = lookup_key(r, code);
	if (slot == NONE) {
		if (r->unmapped == HM_UNMAPPED_PASS) {
			*held = HELD_PASS;
			if (is_modifier(code))
				mod_fix(r, src, code, 1);
			/* the value as it came: the input core passes any non-zero one */
			key_down_value(r, src, code, value);
		}
		if (!is_modifier(code)) {
			oneshot_keep(r, src, code, r->oneshot_mask);
			oneshot_clear(r);
			note_plain(r, now);
		}
		return;
	}
	ai = r->maps[slot].act;
	r->cur_layer = r->maps[slot].layer;
	r->map_layer[src][code] = r->cur_layer;
	r->th_mark[src][code] = r->npresses;
	if (r->acts[ai].kind == HM_ACT_IDLE) {
		/* keyd's overloadi: typing (a plain key not long ago) or idle */
		const struct ract *a = &r->acts[ai];

		ai = r->has_plain && now - r->last_plain < a->timeout_us ? a->tap : a->hold;
	}
	*held = ai;
	if (r->acts[ai].kind == HM_ACT_TAPHOLD) {
		taphold_press(r, ai, src, code, now);
		return;
	}
	/* a key bound in a modifier layer goes without its modifiers (keyd) */
	r->held_layer[src][code] = 0;
	if (r->any_mods && r->cur_layer && r->acts[ai].kind == HM_ACT_KEYS) {
		const struct hm_config_action *c = r->acts[ai].cfg;

		/* as keyd: the chord's modifiers first, so that one the layer holds
		 * too stays down instead of going up and down again; then the layer's
		 * other modifiers go; then the chord's keys */
		r->held_layer[src][code] = r->cur_layer;
		drop_binding_mods(r, src, c->codes, c->ncodes);
		fix_if_modifiers(r, src, c->codes, c->ncodes, 1);
		for (unsigned i = 0; i < c->ncodes; i++)
			if (is_modifier(c->codes[i]))
				keys_down(r, src, &c->codes[i], 1, 1);
		suspend_mods(r, r->cur_layer, 1);
		for (unsigned i = 0; i < c->ncodes; i++)
			if (!is_modifier(c->codes[i]))
				keys_down(r, src, &c->codes[i], 1, 1);
	} else {
		action_press(r, ai, src, now);
	}
	oneshot_keep(r, src, code, uses_oneshot(r, ai) ? r->oneshot_mask : 0);
	after_press(r, ai, now);
}

/* A release undoes what the press did, whatever the layers are now. */
static void key_release(struct hm_remap *r, unsigned src, unsigned code, uint64_t now)
{
	uint16_t slot = r->held[src][code];

	if (slot == NONE)
		return;
	r->held[src][code] = NONE;
	r->rep_on = false;
	if (slot == HELD_PASS) {
		if (is_modifier(code))
			mod_fix(r, src, code, -1);
		key_up(r, src, code);
		oneshot_unkeep(r, src, code, true);
		if (!is_modifier(code))
			note_plain(r, now);
		return;
	}
	if (r->acts[slot].kind == HM_ACT_TAPHOLD) {
		taphold_release(r, &r->acts[slot], src, code, now);
		return;
	}
	if (r->held_layer[src][code]) {
		/* a key bound in a modifier layer (KEYS): its keys go, then the
		 * layer's modifiers come back (the kept one-shot ones first let go,
		 * so they do not), then its own modifiers go, so that one the layer
		 * holds too stays down (keyd) */
		const struct hm_config_action *c = r->acts[slot].cfg;

		for (unsigned i = 0; i < c->ncodes; i++)
			if (!is_modifier(c->codes[i]))
				key_up(r, src, c->codes[i]);
		fix_if_modifiers(r, src, c->codes, c->ncodes, -1);
		oneshot_unkeep(r, src, code, false);
		suspend_mods(r, r->held_layer[src][code], -1);
		r->held_layer[src][code] = 0;
		for (unsigned i = 0; i < c->ncodes; i++)
			if (is_modifier(c->codes[i]))
				key_up(r, src, c->codes[i]);
	} else {
		/* a layer key tapped alone: its modifiers go without the guard (keyd) */
		r->guard_inhibit =
		    r->acts[slot].kind == HM_ACT_LAYER && r->th_mark[src][code] == r->npresses;
		remap_action_release(r, slot, src, now);
		r->guard_inhibit = false;
	}
	oneshot_unkeep(r, src, code, true);
	if (is_plain(r, slot))
		note_plain(r, now);
}

static void key_event(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now)
{
	if (value)
		key_press(r, src, code, value, now);
	else
		key_release(r, src, code, now);
}

static bool remove_press(struct qev *q, unsigned *n, unsigned src, unsigned code)
{
	for (unsigned i = *n; i-- > 0;)
		if (q[i].value && q[i].src == src && q[i].code == code) {
			memmove(&q[i], &q[i + 1], (--*n - i) * sizeof(q[0]));
			return true;
		}
	return false;
}

/* Puts an event at the end of inq.  Full: a press is dropped; a release
 * drops its waiting press with it, or (its press went through) is
 * done at once, so that no key sticks. */
static void inq_push(struct hm_remap *r, unsigned src, unsigned code, int value, bool nochord,
                     uint64_t now)
{
	if (r->ninq < MAX_INQ) {
		r->inq[r->ninq++] = (struct qev){(uint16_t)code, (uint8_t)src, nochord, value};
		return;
	}
	log_debug("remap: too many keys waiting, dropping one");
	if (value || remove_press(r->inq, &r->ninq, src, code) ||
	    remove_press(r->thq, &r->nthq, src, code) ||
	    remove_press(r->chq, &r->nchq, src, code) || remap_chord_release(r, src, code, now))
		return;
	key_release(r, src, code, now);
}

/*
 * One key event in its turn.  While a macro runs, key events wait for its
 * end (keyd runs a macro to its end first).  While a tap-hold-wait or
 * -balanced is undecided, presses wait for the decision, and so do the
 * releases of keys pressed after it; a release of a key pressed before
 * goes on.  The release of the tap-hold key decides a tap; with -balanced,
 * the release of a key pressed after it (a whole tap) decides a hold.
 */
static void dispatch(struct hm_remap *r, unsigned src, unsigned code, int value, bool nochord,
                     uint64_t now)
{
	if (r->macro_running) {
		inq_push(r, src, code, value, nochord, now);
		return;
	}
	if (r->nactive &&
	    (value ? remap_chord_holds(r, src, code) : remap_chord_release(r, src, code, now)))
		return; /* a key of an acting chord: its press counted already */
	if (r->th_pending && (r->th_flavor == HM_TH_WAIT || r->th_flavor == HM_TH_BALANCED)) {
		bool own = code == r->th_code && src == r->th_src;

		if (!value && !own && !has_press(r->thq, r->nthq, src, code)) {
			key_release(r, src, code, now);
			return;
		}
		r->thq[r->nthq++] = (struct qev){(uint16_t)code, (uint8_t)src, nochord, value};
		if (!value && own)
			th_decide(r, false, now);
		else if ((!value && r->th_flavor == HM_TH_BALANCED) || r->nthq == MAX_INQ)
			th_decide(r, true, now); /* a whole tap, or too many waiting */
		return;
	}
	if (r->nchords && !nochord && remap_chord_input(r, src, code, value, now))
		return;
	key_event(r, src, code, value, now);
}

/* Runs the waiting key events while nothing holds them back. */
void remap_pump(struct hm_remap *r, uint64_t now)
{
	if (r->pumping)
		return; /* the caller's loop goes on */
	r->pumping = true;
	while (r->ninq && !r->macro_running) {
		struct qev e = r->inq[0];

		memmove(&r->inq[0], &r->inq[1], --r->ninq * sizeof(r->inq[0]));
		dispatch(r, e.src, e.code, e.value, e.nochord, now);
	}
	r->pumping = false;
}

static void key_input(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now)
{
	if (value == 2) {
		/* autorepeat of a source key: only a key that passed follows it,
		 * and only while nothing waits */
		if (r->held[src][code] == HELD_PASS && !r->ninq && !r->nthq && !r->nchq &&
		    !r->macro_running)
			pass(r, src, EV_KEY, code, value);
		return;
	}
	if (r->ninq) {
		inq_push(r, src, code, value, false, now);
		remap_pump(r, now);
		return;
	}
	dispatch(r, src, code, value, false, now);
}
/* hm_remap_event() past its fast paths (out of line, so that those stay
 * small). */
static __attribute__((noinline)) void event_full(struct hm_remap *r, unsigned output, unsigned type,
                                                 unsigned code, int value, uint64_t now_us)
{
	switch (type) {
	case EV_KEY:
		if (code <= KEY_MAX) {
			key_input(r, output, code, value, now_us);
			break;
		}
		pass(r, output, type, code, value);
		break;
	case EV_REL:
		if (code < REL_CNT_)
			remap_rel_event(r, output, code, value, now_us);
		break;
	case EV_ABS:
		if (code < ABS_CNT_)
			remap_abs_event(r, output, code, value, now_us);
		break;
	case EV_SYN:
		/* a module ending a frame early */
		emit(r, output, type, code, value);
		break;
	default:
		pass(r, output, type, code, value);
		break;
	}
	if (r->macro_running && !r->macro_deadline)
		macro_advance(r, now_us);
	rearm(r);
}

/* hm_remap_event() with deadlines or the gyro mouse to serve first. */
static __attribute__((noinline)) void event_first(struct hm_remap *r, unsigned output,
                                                  unsigned type, unsigned code, int value,
                                                  uint64_t now_us)
{
	/* deadlines that passed act first, at their time, whatever order the
	 * event loop woke up in (keyd does the same) */
	for (unsigned n = 0; r->armed && r->armed <= now_us && n < 64; n++)
		hm_remap_timer(r, r->armed);
	/* the gyro mouse reads the motion node as it comes, and watches its
	 * hold= and toggle= keys whatever their own mapping does */
	if ((int)output == r->gyro.src)
		remap_gyro_input(r, type, code, value);
	if (r->gyro.nmaps && type == EV_KEY)
		remap_gyro_key(r, code, value);
	event_full(r, output, type, code, value, now_us);
}

void hm_remap_event(struct hm_remap *r, unsigned output, unsigned type, unsigned code, int value,
                    uint64_t now_us)
{
	if (_unlikely_(output >= r->nbase))
		return; /* no such module output: the core drops it too */
	if (type == EV_KEY && code <= KEY_MAX && value != 2) {
		/* input_handle_event(): a key that is already as reported is
		 * no event (modules report every key of every report, as the
		 * kernel's drivers do); autorepeat (2) always is one */
		uint64_t *down = &r->src_down[output][code / 64], bit = UINT64_C(1) << (code % 64);
		uint64_t *known = &r->src_known[output][code / 64];

		if ((*known & bit) && !(*down & bit) == !value)
			return;
		*known |= bit;
		*down = value ? *down | bit : *down & ~bit;
	}
	if (_unlikely_(r->armed && r->armed <= now_us) || _unlikely_((int)output == r->gyro.src) ||
	    _unlikely_(r->gyro.nmaps && type == EV_KEY)) {
		event_first(r, output, type, code, value, now_us);
		return;
	}
	/* a fast path, for the events most reports carry, where the full path
	 * would change no state and arm nothing (so rearm() is not needed) */
	if (_likely_(!r->macro_running)) {
		/* an axis nothing maps: it passes as it came */
		if (type == EV_ABS && code < ABS_CNT_ &&
		    (r->sensor_out[output] || (r->abs_pass >> code & 1))) {
			pass(r, output, type, code, value);
			return;
		}
	}
	event_full(r, output, type, code, value, now_us);
}

void hm_remap_frame(struct hm_remap *r, uint64_t now_us)
{
	if (r->gyro.src >= 0)
		remap_gyro_frame(r, lookup_gyro(r), now_us);
	rearm(r);
}

void hm_remap_timer(struct hm_remap *r, uint64_t now_us)
{
	if (r->ch_state != CH_IDLE && now_us >= r->ch_deadline)
		remap_chord_timer(r, now_us);
	if (r->oneshot_deadline && now_us >= r->oneshot_deadline)
		oneshot_clear(r);
	if (r->th_pending && now_us >= r->th_deadline)
		th_decide(r, true, now_us);
	if (r->rep_on && r->rep_deadline && now_us >= r->rep_deadline && !r->macro_running) {
		r->rep_deadline = 0;
		r->cur_layer = r->rep_layer;
		macro_enqueue(r, r->rep_act, r->rep_src, now_us);
	}
	if (r->macro_running)
		macro_advance(r, now_us);
	if (r->moving && now_us >= r->motion_deadline)
		remap_motion_tick(r, now_us);
	r->armed = 0; /* the timer fired: whatever was armed is spent */
	rearm(r);
}

void hm_remap_reset(struct hm_remap *r)
{
	memset(r->held, 0xff, sizeof(r->held)); /* NONE */
	/* after a reset each key's next event counts, whatever it says: a
	 * key still down comes again, one let go meanwhile goes up */
	memset(r->src_known, 0, sizeof(r->src_known));
	memset(r->th_state, 0, sizeof(r->th_state));
	memset(r->held_layer, 0, sizeof(r->held_layer));
	r->os_kept = 0;
	memset(r->suspend, 0, sizeof(r->suspend));
	memset(r->mods_held, 0, sizeof(r->mods_held));
	memset(r->down, 0, sizeof(r->down));
	memset(r->mod_fixed, 0, sizeof(r->mod_fixed));
	memset(r->mod_dropped, 0, sizeof(r->mod_dropped));
	memset(r->layer_holds, 0, sizeof(r->layer_holds));
	memset(r->layer_toggled, 0, sizeof(r->layer_toggled));
	oneshot_clear(r);
	r->th_pending = false;
	r->ninq = r->nthq = r->nchq = 0;
	r->ch_state = CH_IDLE;
	r->nactive = 0;
	r->pumping = false;
	r->rep_on = false;
	r->nqueue = 0;
	r->macro_running = false;
	r->macro_layer = 0;
	memset(r->rel_acc, 0, sizeof(r->rel_acc));
	memset(r->move_dir, 0, sizeof(r->move_dir));
	r->nmove_keys = 0;
	for (size_t i = 0; i < r->nmaps; i++) {
		r->maps[i].active = false;
		r->maps[i].defl = 0.0;
		r->maps[i].acc = 0;
	}
	remap_gyro_reset(r);
	remap_update_motion(r, 0);
	rearm(r);
}

const struct hm_config_profile *hm_remap_take_switch(struct hm_remap *r)
{
	const struct hm_config_profile *p = r->switch_to;

	r->switch_to = NULL;
	return p;
}

void hm_remap_set_ops(struct hm_remap *r, const struct hm_remap_ops *ops, void *userdata)
{
	r->ops = ops;
	r->userdata = userdata;
}

unsigned hm_remap_noutputs(const struct hm_remap *r)
{
	return r->nall;
}

void hm_remap_inherit_keys(struct hm_remap *r, const struct hm_remap *old)
{
	unsigned n = r->nbase < old->nbase ? r->nbase : old->nbase;

	/* held[] stays NONE: the release of such a key finds nothing to undo */
	for (unsigned o = 0; o < n; o++) {
		memcpy(r->src_down[o], old->src_down[o], sizeof(r->src_down[o]));
		memcpy(r->src_known[o], old->src_known[o], sizeof(r->src_known[o]));
	}
}
