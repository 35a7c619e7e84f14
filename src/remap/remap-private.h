/* SPDX-License-Identifier: MIT */
/*
 * What the parts of the remapper share: the compiled tables (built by
 * remap-compile.c), the runtime state (driven by remap.c, the key path,
 * with remap-axes.c and remap-chord.c; the gyro mouse in remap-gyro.c)
 * and the routing of a produced event to an output (planned by
 * remap-outputs.c).  Private to those files; everyone else uses remap.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "output-limits.h"
#include "remap.h"

#define NONE      UINT16_MAX       /* no mapping in this slot */
#define HELD_PASS (UINT16_MAX - 1) /* a held key that passed through unmapped */
#define MAX_MAPS  (HM_CONFIG_MAX_MAPS * (HM_CONFIG_MAX_LAYERS + 1))
/* lettermod() adds four sub-actions; indices are 16 bits (a profile that
 * needs more is refused with -E2BIG) */
#define MAX_ACTS  (MAX_MAPS * 5 < HELD_PASS ? MAX_MAPS * 5 : HELD_PASS - 1)
#define NLAYERS   (HM_CONFIG_MAX_LAYERS + 1)
#define REL_CNT_  (REL_MAX + 1)
#define ABS_CNT_  (ABS_MAX + 1)
#define MAX_QUEUE 16 /* macros waiting for the running one */
#define MAX_TAPS  64 /* key taps from one relative event */
#define MAX_STICK 16 /* axes onto relative motion */
#define MAX_INQ   64 /* key events waiting for a macro or a tap-hold decision */

_Static_assert(MAX_ACTS < HELD_PASS, "action indices must not collide with the markers");
_Static_assert(ABS_CNT_ <= 64, "struct hm_remap abs_pass holds one bit per ABS code");

enum out_class {
	CLASS_OTHER,    /* stays on the output it came from */
	CLASS_KEYBOARD, /* keys */
	CLASS_POINTER,  /* mouse buttons and relative motion */
};

/* A compiled action. */
struct ract {
	const struct hm_config_action *cfg;
	enum hm_action_kind kind;
	uint8_t layer;          /* LAYER/TOGGLE/ONESHOT: 1..n */
	uint16_t tap, hold;     /* TAPHOLD: indices of the sub-actions */
	uint64_t timeout_us;    /* TAPHOLD */
	uint32_t step0, nsteps; /* MACRO: flattened steps */
	uint64_t interval_us;   /* REPEAT (timeout_us: the first delay; tap: the macro) */
};

/* One flattened macro step: a tap of up to 8 keys, or a wait. */
struct rstep {
	uint8_t ncodes;
	uint16_t codes[HM_CONFIG_MAX_CHORD];
	uint64_t delay_us; /* ncodes == 0: a wait */
};

/* A compiled map line. */
struct rmap {
	const struct hm_config_map *cfg;
	uint16_t act;
	uint8_t layer;
	/* axes: the source's range as calibrated */
	double lo, hi;
	int tlo, thi; /* ABS target range */
	/* state */
	bool active;      /* a zone that is pressed */
	uint8_t src;      /* ...from this output */
	int64_t acc;      /* REL onto REL: remainder, in 1/den units */
	double defl;      /* ABS onto REL: current deflection times speed (units/s) */
	double rem;       /* ...and the motion not yet emitted */
	bool toggled;     /* GYRO: its toggle= key flipped it (active: its hold= key is down) */
	bool toggle_down; /* ...that key is down: a repeated press does not flip it again */
	/* ABS onto REL with `trackpad`: the touch (remap-axes.c) */
	bool touching;   /* a finger is on the pad */
	double last_n;   /* ...its last position, normalized */
	uint64_t last_t; /* ...and when */
	double vel;      /* ...its speed (output units/s); lifted: where the glide stops */
	double tp_rem;   /* ...motion not yet emitted */
};

struct layer_tables {
	uint16_t key[KEY_MAX + 1];
	uint16_t rel_step[REL_CNT_][2]; /* [code][0: +, 1: -] */
	uint16_t rel_axis[REL_CNT_];
	uint16_t abs_axis[ABS_CNT_];
	uint16_t gyro; /* GYRO = gyro-mouse */
};

/* Samples the gyro mouse's smoothing window holds (500 ms at 1 kHz). */
#define GYRO_RING 512

/*
 * The gyro mouse (remap-gyro.c): the latest sample of the motion output,
 * the time of the one before, and what carries from sample to sample.
 */
struct gyro_state {
	int src;                /* the motion output, -1: the device has none */
	double dps_per_unit[3]; /* 1 / its declared resolution, ABS_RX/RY/RZ */
	int raw[3];             /* the latest gyro values */
	uint32_t ts;            /* ...MSC_TIMESTAMP of this frame */
	bool fresh, ts_fresh;   /* a sample (a timestamp) came in this frame */
	bool have_prev;         /* the previous sample's time is known */
	bool prev_from_ts;      /* ...from MSC_TIMESTAMP (else report time) */
	uint32_t prev_ts;
	uint64_t prev_us;
	bool on;             /* moved the pointer at the last sample */
	double rem_x, rem_y; /* sub-pixel motion carried */
	/* smoothing: a window of samples, each rate times its duration */
	double ring_x[GYRO_RING], ring_y[GYRO_RING], ring_dt[GYRO_RING];
	unsigned head, count;
	double sum_x, sum_y, sum_dt;
	uint16_t maps[HM_CONFIG_MAX_LAYERS + 1]; /* rmaps of GYRO lines, any layer */
	unsigned nmaps;
};

struct macro_run {
	uint16_t act;
	uint8_t src;
	uint8_t layer; /* the layer of its mapping: a modifier layer's modifiers go meanwhile */
};

/* A key event that waits (for a macro to end, a tap-hold to be decided). */
struct qev {
	uint16_t code;
	uint8_t src;
	bool nochord; /* replayed after a chord was decided: no chord detection */
	int value;
};

#define MAX_CHORDQ        16 /* key events a pending chord holds */
#define MAX_ACTIVE_CHORDS 8

/* A chord of input keys that acts: its keys go up one by one. */
struct active_chord {
	uint16_t map; /* rmap */
	uint8_t src;
	uint8_t down; /* bit per key of the chord still down */
};

enum { CH_IDLE, CH_WAIT, CH_HOLD };

/*
 * inq takes at most MAX_INQ events pushed; the events a tap-hold-wait
 * (thq, at most MAX_INQ) or a chord (chq) held back go back in front of
 * them, and thq only fills from events that were not in inq (or left it),
 * so inq never holds more than this.
 */
#define INQ_CAP (2 * MAX_INQ + MAX_CHORDQ)

/* What a tap-hold key became. */
enum { TH_UNDECIDED, TH_HOLD, TH_TAP };

struct hm_remap {
	enum hm_unmapped_policy unmapped;
	const struct hm_config_profile *profile;
	const struct hm_config_settings *set;
	const struct hm_remap_ops *ops;
	void *userdata;

	/* outputs */
	unsigned nbase, nall;
	struct libevdev *const *base_caps;
	unsigned cls_of_base[HM_MAX_OUTPUTS]; /* bit per out_class it already is */
	/* motion sensors (INPUT_PROP_ACCELEROMETER): their axes are readings,
	 * which ABS_* triggers meant for sticks never take; they pass */
	bool sensor_out[HM_MAX_OUTPUTS];
	int extra[3]; /* output of each class, -1: none */
	char extra_name[2][160];

	/* compiled profile */
	unsigned nlayers; /* base included */
	struct layer_tables *layers;
	struct rmap *maps;
	size_t nmaps;
	struct ract *acts;
	size_t nacts;
	struct rstep *steps;
	size_t nsteps;
	uint16_t *zones; /* zone maps (ABS+, ABS-, ABS[a..b]) sorted by code */
	uint16_t zone_start[ABS_CNT_ + 1];
	bool rel_consumed[REL_CNT_], abs_consumed[ABS_CNT_], key_consumed[KEY_MAX + 1];
	/* the hot path's summary of the above: bit per ABS code that no layer
	 * maps, no zone watches and nothing consumes, so its events pass as
	 * they come (hm_remap_event()'s fast path) */
	uint64_t abs_pass;

	/* key state */
	/* what the press of a source key did, per module output: the same code
	 * may be down on two of them */
	uint16_t held[HM_MAX_OUTPUTS][KEY_MAX + 1];
	/* the source keys as the module last reported them (the input core's
	 * key bits, bit per code), for those reported since the start or the
	 * last reset: a key event that repeats its key's known state is no
	 * event, as an evdev reader (keyd) never sees one */
	uint64_t src_down[HM_MAX_OUTPUTS][(KEY_MAX + 64) / 64];
	uint64_t src_known[HM_MAX_OUTPUTS][(KEY_MAX + 64) / 64];
	uint8_t th_state[HM_MAX_OUTPUTS][KEY_MAX + 1];  /* TH_*: what a tap-hold became */
	uint32_t th_mark[HM_MAX_OUTPUTS][KEY_MAX + 1];  /* tap-hold-now: npresses at its press */
	uint64_t th_start[HM_MAX_OUTPUTS][KEY_MAX + 1]; /* ...and the time */
	uint16_t down[HM_MAX_ALL_OUTPUTS][KEY_MAX + 1]; /* holders per output key */
	/* modifiers (mod_index) held by a layer or a passed modifier key, which
	 * a binding never lets go; and those a binding let go (keyd) */
	uint16_t mod_fixed[HM_MAX_ALL_OUTPUTS][8];
	uint8_t mod_dropped[HM_MAX_ALL_OUTPUTS];
	uint32_t npresses;   /* key presses so far (wraps) */
	bool has_plain;      /* a plain key was typed... */
	uint64_t last_plain; /* ...last at this time (idle()) */

	/* key events waiting: inq for a running macro (or behind others), thq
	 * for the decision of a tap-hold-wait/-balanced */
	struct qev inq[INQ_CAP], thq[MAX_INQ];
	unsigned ninq, nthq;
	bool pumping;

	/* layers */
	unsigned layer_holds[NLAYERS];
	bool layer_toggled[NLAYERS];
	uint32_t layer_seq[NLAYERS];   /* activation order: the latest wins */
	uint32_t layer_parts[NLAYERS]; /* a composite: bit per part layer, 0: none */
	uint8_t layer_nparts[NLAYERS];
	uint16_t layer_mods[NLAYERS][5]; /* a modifier layer's modifiers */
	uint8_t layer_nmods[NLAYERS];
	uint8_t layer_src[NLAYERS]; /* the output of the key that activated it */
	unsigned suspend[NLAYERS];  /* keys bound in it that are down: no modifiers */
	bool mods_held[NLAYERS];    /* its modifiers are down */
	bool any_mods;              /* some layer has modifiers */
	uint8_t held_layer[HM_MAX_OUTPUTS][KEY_MAX + 1]; /* the layer a key suspends */
	uint8_t map_layer[HM_MAX_OUTPUTS][KEY_MAX + 1];  /* the layer of a key's mapping */
	/* one-shot modifier layers the last key pressed used up: their
	 * modifiers stay down until its release or the next key press, as
	 * keyd's stay until its next update_mods() (bit per layer) */
	uint32_t os_kept;
	uint8_t os_src;
	uint16_t os_code;
	uint16_t last_down; /* the last output key pressed */
	uint8_t cur_layer;  /* the layer of the mapping being pressed (swap()) */

	/* chords of input keys (keyd's): the rmaps, which codes take part */
	uint16_t *chords;
	unsigned nchords;
	bool chord_key[KEY_MAX + 1];
	uint8_t ch_state; /* CH_* */
	struct qev chq[MAX_CHORDQ];
	unsigned nchq;
	int ch_match; /* the rmap of the full match, -1: none */
	uint64_t ch_last, ch_deadline;
	struct active_chord active[MAX_ACTIVE_CHORDS];
	unsigned nactive;

	/* repeat(): the macro runs again while its key is held */
	bool rep_on;
	uint16_t rep_act;
	uint8_t rep_src;
	uint64_t rep_wait, rep_interval, rep_deadline;
	uint8_t rep_layer;
	bool guard_inhibit;
	uint32_t seq;
	uint32_t oneshot_mask;     /* layers armed for the next key (bit per layer) */
	bool oneshot_latch;        /* a one-shot key is down and nothing used it yet */
	uint64_t oneshot_deadline; /* oneshot-timeout: the armed layers lapse, 0: none */

	/* tap-hold waiting to be decided */
	bool th_pending;
	enum hm_taphold_flavor th_flavor;
	uint16_t th_code;
	uint8_t th_src;
	uint64_t th_deadline;

	/* macros */
	struct macro_run queue[MAX_QUEUE];
	unsigned nqueue;
	bool macro_running;
	uint32_t macro_step; /* index into steps */
	uint32_t macro_end;
	uint8_t macro_src;
	uint8_t macro_layer; /* its modifiers are suspended while the macro runs */
	bool macro_released; /* the current step's keys went up */
	uint64_t macro_deadline;

	/* relative steps: motion not yet worth a tap (64 bits: a sum of two
	 * 32-bit values must not overflow) */
	int64_t rel_acc[REL_CNT_];

	/* pointer motion: mouse keys and deflected sticks */
	int16_t move_dir[REL_CNT_]; /* sum of held mouse-key directions */
	uint8_t move_src[REL_CNT_];
	unsigned nmove_keys;
	uint64_t move_start;
	double move_rem[REL_CNT_];
	uint16_t sticks[MAX_STICK]; /* rmaps of ABS onto REL */
	unsigned nsticks;
	bool moving;
	uint64_t motion_deadline, last_tick;

	struct gyro_state gyro;

	uint64_t armed; /* the deadline last given to ops->arm */
	const struct hm_config_profile *switch_to;
};
/* ---- output routing ------------------------------------------------------- */

static inline enum out_class class_of(unsigned type, unsigned code)
{
	if (type == EV_REL)
		return CLASS_POINTER;
	if (type != EV_KEY)
		return CLASS_OTHER;
	if (code >= BTN_MOUSE && code < BTN_JOYSTICK)
		return CLASS_POINTER;
	/* the button ranges of linux/input-event-codes.h are no keyboard keys */
	if ((code >= BTN_MISC && code < KEY_OK) ||
	    (code >= BTN_DPAD_UP && code <= BTN_DPAD_RIGHT) || code >= BTN_TRIGGER_HAPPY)
		return CLASS_OTHER;
	return CLASS_KEYBOARD;
}

/*
 * Which output a produced event goes to: the source's own if it already
 * has the code or is of the same kind (a keyboard, a pointer), otherwise
 * the extra output for the kind.  So a gamepad's button mapped onto KEY_A
 * becomes a keyboard key on its own device, as the kernel keeps keyboards,
 * pointers and absolute devices apart.
 */
static inline unsigned route(const struct hm_remap *r, unsigned src, unsigned type, unsigned code)
{
	enum out_class cls;

	if (src >= r->nbase)
		return src;
	cls = class_of(type, code);
	if (cls == CLASS_OTHER || (r->cls_of_base[src] & (1u << cls)) ||
	    libevdev_has_event_code(r->base_caps[src], type, code) || r->extra[cls] < 0)
		return src;
	return (unsigned)r->extra[cls];
}

/* remap-outputs.c: which extra outputs the mapping needs (sets nall, extra[]). */
void remap_plan_outputs(struct hm_remap *r);
/* remap-outputs.c: the out_class bits a module output already is. */
unsigned remap_classes_of(struct libevdev *caps);

/* ---- layers ---------------------------------------------------------------- */

static inline bool simple_active(const struct hm_remap *r, unsigned l)
{
	return r->layer_holds[l] || r->layer_toggled[l] || (r->oneshot_mask & (1u << l));
}

/* A composite layer is active while all its parts are. */
static inline bool layer_active(const struct hm_remap *r, unsigned l)
{
	uint32_t parts = r->layer_parts[l];

	if (!parts)
		return simple_active(r, l);
	for (unsigned p = 1; p < r->nlayers; p++)
		if ((parts & (1u << p)) && !simple_active(r, p))
			return false;
	return true;
}

/* Which active layer wins a code: a composite over all (more parts
 * first, as keyd), else the latest activated; 0: inactive. */
static inline uint32_t layer_prio(const struct hm_remap *r, unsigned l)
{
	if (!layer_active(r, l))
		return 0;
	return r->layer_parts[l] ? 0x80000000u + r->layer_nparts[l] : r->layer_seq[l];
}

/*
 * The slot in effect for one slot of the layer tables, given by its byte
 * offset in struct layer_tables: the latest active layer that maps it,
 * else the base's.  One loop for every table (keys, axes, relative steps,
 * the gyro line); inline, so that each caller's offset folds into its
 * reads as a field access would.
 */
static inline uint16_t lookup_slot(const struct hm_remap *r, size_t offset)
{
	const char *base = (const char *)r->layers + offset;
	uint32_t best_seq = 0;
	uint16_t slot = *(const uint16_t *)base;

	for (unsigned l = 1; l < r->nlayers; l++) {
		uint16_t s = *(const uint16_t *)(base + l * sizeof(struct layer_tables));
		uint32_t p;

		if (s != NONE && (p = layer_prio(r, l)) && p >= best_seq) {
			best_seq = p;
			slot = s;
		}
	}
	return slot;
}

static inline uint16_t lookup_key(const struct hm_remap *r, unsigned code)
{
	return lookup_slot(r, offsetof(struct layer_tables, key) + code * sizeof(uint16_t));
}

static inline uint16_t lookup_rel_axis(const struct hm_remap *r, unsigned code)
{
	return lookup_slot(r, offsetof(struct layer_tables, rel_axis) + code * sizeof(uint16_t));
}

static inline uint16_t lookup_abs_axis(const struct hm_remap *r, unsigned code)
{
	return lookup_slot(r, offsetof(struct layer_tables, abs_axis) + code * sizeof(uint16_t));
}

/* neg: 0 for a step in the positive direction, 1 for the negative */
static inline uint16_t lookup_rel_step(const struct hm_remap *r, unsigned code, int neg)
{
	return lookup_slot(r, offsetof(struct layer_tables, rel_step) +
	                          (code * 2 + (unsigned)neg) * sizeof(uint16_t));
}

/* The GYRO line in effect. */
static inline uint16_t lookup_gyro(const struct hm_remap *r)
{
	return lookup_slot(r, offsetof(struct layer_tables, gyro));
}

/* ---- the runtime's parts: remap.c, remap-axes.c, remap-chord.c ---------- */

static inline void emit(struct hm_remap *r, unsigned out, unsigned type, unsigned code, int value)
{
	r->ops->emit(r->userdata, out, type, code, value);
}

static inline void sync_all(struct hm_remap *r)
{
	if (r->ops->sync)
		r->ops->sync(r->userdata);
}

/* An event no mapping takes: it goes on as it came, or nowhere. */
static inline void pass(struct hm_remap *r, unsigned src, unsigned type, unsigned code, int value)
{
	if (r->unmapped == HM_UNMAPPED_PASS)
		emit(r, src, type, code, value);
}

static inline bool has_press(const struct qev *q, unsigned n, unsigned src, unsigned code)
{
	for (unsigned i = 0; i < n; i++)
		if (q[i].value && q[i].src == src && q[i].code == code)
			return true;
	return false;
}

/* remap.c, the key path, for what axes and chords activate: */
/* Any activation that is not a key's (an axis zone, a chord): a pending
 * tap-hold is decided, one-shot layers used, then the action is pressed. */
void remap_activate(struct hm_remap *r, uint16_t ai, unsigned src, unsigned layer, uint64_t now);
/* The same for a step of relative motion: a tap, press and release in
 * frames of their own. */
void remap_step_tap(struct hm_remap *r, uint16_t ai, unsigned src, unsigned layer, uint64_t now);
/* Undoes what a press of action ai did. */
void remap_action_release(struct hm_remap *r, uint16_t ai, unsigned src, uint64_t now);
/* Runs the key events waiting in inq while nothing holds them back. */
void remap_pump(struct hm_remap *r, uint64_t now);

/* remap-axes.c: the events of relative and absolute axes (code < REL_CNT_,
 * < ABS_CNT_) past hm_remap_event()'s fast paths. */
void remap_rel_event(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now);
void remap_abs_event(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now);
/* remap-axes.c: mouse keys (HM_ACT_MOVE) pressed and released. */
void remap_move_press(struct hm_remap *r, const struct ract *a, unsigned src, uint64_t now);
void remap_move_release(struct hm_remap *r, const struct ract *a, uint64_t now);
/* remap-axes.c: starts or stops the motion timer (r->moving,
 * r->motion_deadline) as something moves or nothing does any more. */
void remap_update_motion(struct hm_remap *r, uint64_t now);
/* remap-axes.c: the motion timer's tick: moves what moves, one frame. */
void remap_motion_tick(struct hm_remap *r, uint64_t now);

/* remap-chord.c: whether a key is down as part of an acting chord (its
 * press counted already). */
bool remap_chord_holds(const struct hm_remap *r, unsigned src, unsigned code);
/* remap-chord.c: a key of an acting chord goes up: true when swallowed;
 * the last one releases the chord's action. */
bool remap_chord_release(struct hm_remap *r, unsigned src, unsigned code, uint64_t now);
/* remap-chord.c: a key event while chords may form; true when it was
 * taken (it waits, or went back to inq with the others). */
bool remap_chord_input(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now);
/* remap-chord.c: the chord deadline (r->ch_deadline) has come. */
void remap_chord_timer(struct hm_remap *r, uint64_t now);

/* ---- the gyro mouse (remap-gyro.c) ------------------------------------------- */

/* Whether a module output is a motion sensor with a gyroscope: the
 * accelerometer property and ABS_RX/RY/RZ with a resolution. */
bool remap_gyro_output(struct libevdev *caps);
/* At compile time: finds the motion output and its resolutions. */
void remap_gyro_plan(struct hm_remap *r);
/* An event of the motion output (raw, before any mapping). */
static inline void remap_gyro_input(struct hm_remap *r, unsigned type, unsigned code, int value)
{
	struct gyro_state *g = &r->gyro;

	if (type == EV_ABS && code >= ABS_RX && code <= ABS_RZ) {
		g->raw[code - ABS_RX] = value;
		g->fresh = true;
	} else if (type == EV_MSC && code == MSC_TIMESTAMP) {
		g->ts = (uint32_t)value;
		g->fresh = g->ts_fresh = true;
	}
}
/* A key event from any module output: hold= and toggle= keys. */
void remap_gyro_key(struct hm_remap *r, unsigned code, int value);
/* The end of a report: the sample, if one came, moves the pointer
 * through the GYRO map in effect (map: an rmap index, or NONE). */
void remap_gyro_frame(struct hm_remap *r, uint16_t map, uint64_t now_us);
/* Forgets the carried motion, the smoothing window, the time reference. */
void remap_gyro_reset(struct hm_remap *r);
