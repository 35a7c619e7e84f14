/* SPDX-License-Identifier: MIT */
/*
 * Configuration: which devices hidmapd drives and how their events are
 * remapped.  INI files (libinih), documented in doc/hidmapd.ini.5.md.
 *
 * Files are read in this order; for every device the LAST matching
 * [device] section wins, so user files override the shipped defaults:
 *   1. HIDMAPD_DATADIR/config.d/ (shipped defaults, *.ini, sorted by name;
 *      the build tree's hidmapd reads the source tree's config/, util-datadir.h)
 *   2. HIDMAPD_SYSCONFDIR/       (admin, *.ini)
 *   3. $XDG_CONFIG_HOME/hidmapd/ (or ~/.config/hidmapd/, *.ini)
 *
 * A file with any error is rejected whole; hm_config_load() rejects the
 * whole configuration when any file fails, so a reload never half-applies.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config-spnav.h"
#include "util-mem.h"

struct hm_device_info;
struct hm_config_profile;
struct hm_config_focus_rule;
struct hm_layout;

/* Limits on what a configuration may hold (doc/hidmapd.ini.5.md). */
#define HM_CONFIG_MAX_FILE_SIZE (1024 * 1024) /* bytes per file */
#define HM_CONFIG_MAX_LINE      190           /* characters per line, without the newline */
#define HM_CONFIG_MAX_FILES     256           /* files in one load */
#define HM_CONFIG_MAX_SECTIONS  256           /* sections per file */
#define HM_CONFIG_MAX_MAPS      1024          /* lines per [remap] section */
#define HM_CONFIG_MAX_ID        64            /* characters of a section id */

/* Reports one problem, formatted "file:line: message" (no newline). */
typedef void (*hm_config_diag_fn)(void *userdata, const char *file, unsigned line,
                                  const char *message);

/* Formats a message and hands it to diag (NULL: dropped). */
void hm_config_diagf(hm_config_diag_fn diag, void *userdata, const char *file, unsigned line,
                     const char *fmt, ...) _printf_(5, 6);

enum hm_unmapped_policy {
	HM_UNMAPPED_PASS = 0, /* events without a mapping pass through unchanged */
	HM_UNMAPPED_DROP,     /* ...or are dropped */
};

/* ---- the remap language (doc/hidmapd.ini.5.md, parsed by config-map.c) ---- */

#define HM_CONFIG_MAX_CHORD  8   /* keys in one chord */
#define HM_CONFIG_MAX_STEPS  256 /* steps in one macro, text characters included */
#define HM_CONFIG_MAX_LAYERS 16  /* layers per profile */
#define HM_CONFIG_MAX_TEXT   128 /* characters in one macro text */

/* What the left-hand side of a map line reacts to. */
enum hm_trigger_kind {
	HM_TRIG_KEY,       /* KEY_A, BTN_SOUTH: pressed and released */
	HM_TRIG_REL_POS,   /* REL_DIAL+: each `per` units of positive motion */
	HM_TRIG_REL_NEG,   /* REL_DIAL-: ...of negative motion */
	HM_TRIG_REL_AXIS,  /* REL_X: the motion itself */
	HM_TRIG_ABS_POS,   /* ABS_X+: past the threshold above the center */
	HM_TRIG_ABS_NEG,   /* ABS_X-: ...below the center */
	HM_TRIG_ABS_RANGE, /* ABS_WHEEL[1..3]: inside the range */
	HM_TRIG_ABS_AXIS,  /* ABS_X: the value itself */
	HM_TRIG_CHORD,     /* KEY_J+KEY_K: keys pressed together (keyd's chords) */
	HM_TRIG_GYRO,      /* GYRO: the gyroscope of a motion-sensor output (remap-gyro.c) */
};

enum hm_action_kind {
	HM_ACT_DISABLED, /* nothing */
	HM_ACT_KEYS,     /* one key or a chord, held while the trigger is */
	HM_ACT_MACRO,    /* a sequence, run once per press */
	HM_ACT_LAYER,    /* layer(NAME): active while held */
	HM_ACT_TOGGLE,   /* toggle(NAME) */
	HM_ACT_ONESHOT,  /* oneshot(NAME): active for the next key */
	HM_ACT_TAPHOLD,  /* tap-hold(TAP, HOLD[, TIMEOUT]) */
	HM_ACT_PROFILE,  /* profile(NAME) */
	HM_ACT_MOVE,     /* REL_X+ etc. as a target: mouse keys */
	HM_ACT_ABS,      /* an axis onto an absolute axis */
	HM_ACT_REL,      /* an axis onto relative motion */
	HM_ACT_IDLE,     /* idle(TYPING, IDLE, TIME): chosen by the time since the last plain key */
	HM_ACT_CLEAR,    /* clear(): toggled and armed one-shot layers off */
	HM_ACT_SWAP,     /* swap(NAME): the layer the key is bound in becomes NAME */
	HM_ACT_REPEAT,   /* repeat(ACTION, DELAY, INTERVAL): a macro repeating while held */
	HM_ACT_GYRO_MOUSE, /* gyro-mouse: the gyroscope moves the pointer (GYRO only) */
};

/* How a tap-hold is decided (doc/hidmapd.ini.5.md, "tap-hold"). */
enum hm_taphold_flavor {
	HM_TH_PRESS,    /* tap-hold: hold at another key's press or the timeout */
	HM_TH_NOW,      /* tap-hold-now: hold at once, tap at a release with nothing between */
	HM_TH_WAIT,     /* tap-hold-wait: only the timeout makes a hold; keys queued */
	HM_TH_BALANCED, /* tap-hold-balanced: ...or a whole tap of another key */
	HM_TH_TIMEOUT,  /* timeout(A1, T, A2): A2 after T alone, A1 at any key event before */
};

enum hm_step_kind {
	HM_STEP_KEYS,  /* tap a key or chord */
	HM_STEP_DELAY, /* wait */
	HM_STEP_TEXT,  /* type text (the keys come from the keymap at build time) */
};

/* One key press of typed text: the key and the modifiers it needs. */
struct hm_config_tap {
	uint8_t ncodes;
	uint16_t codes[3]; /* modifiers first */
};

struct hm_config_step {
	enum hm_step_kind kind;
	unsigned ncodes;
	uint16_t codes[HM_CONFIG_MAX_CHORD];
	uint64_t delay_us;
	char *text;                 /* UTF-8 */
	struct hm_config_tap *taps; /* the text as keys, filled by the loader */
	size_t ntaps;
};

struct hm_config_action {
	enum hm_action_kind kind;
	unsigned ncodes; /* HM_ACT_KEYS */
	uint16_t codes[HM_CONFIG_MAX_CHORD];
	struct hm_config_step *steps; /* HM_ACT_MACRO */
	size_t nsteps;
	char *name;                          /* layer or profile */
	struct hm_config_action *tap, *hold; /* HM_ACT_TAPHOLD, heap (IDLE: typing, idle) */
	uint64_t timeout_us;                 /* HM_ACT_TAPHOLD, 0: the profile's; IDLE: idle time */
	enum hm_taphold_flavor flavor;       /* HM_ACT_TAPHOLD */
	uint64_t interval_us;                /* HM_ACT_REPEAT: between runs (tap: the macro) */
	unsigned code;                       /* HM_ACT_MOVE/ABS/REL: the target code */
	int dir;                             /* HM_ACT_MOVE: +1 or -1 */
	const struct hm_config_profile *profile; /* HM_ACT_PROFILE, resolved by the loader */
};

/* Which rotation moves the pointer sideways (gyro-mouse horizontal=). */
enum hm_gyro_axis {
	HM_GYRO_YAW,   /* turning, as a steering wheel lying flat */
	HM_GYRO_ROLL,  /* leaning, as a steering wheel held up */
	HM_GYRO_LOCAL, /* both added */
};

#define HM_GYRO_DEFAULT_SENSITIVITY 10.0   /* pixels per degree */
#define HM_GYRO_DEFAULT_SMOOTH_US   125000 /* JoyShockMapper's GYRO_SMOOTH_TIME */

/* The options of GYRO = gyro-mouse (doc/hidmapd.ini.5.md, GYRO MOUSE). */
struct hm_config_gyro {
	double sens_x, sens_y; /* pixels (REL units) per degree of rotation */
	enum hm_gyro_axis horizontal;
	bool invert_x, invert_y;
	double deadzone_dps;   /* °/s: slower rotation moves nothing */
	double smooth_dps;     /* °/s: smoothing fully below half of it, none above; 0: off */
	uint64_t smooth_us;    /* ...over this window */
	uint16_t hold, toggle; /* key codes, 0: none */
};

/* The options after the action: ", invert, deadzone=10%". */
struct hm_config_opts {
	bool invert;
	double deadzone, outer_deadzone; /* fractions of the half range */
	bool has_deadzone;               /* else 0, or 10% for a stick onto motion */
	double curve;                    /* exponent, 1 = linear */
	double scale;                    /* ABS/REL onto pointer: factor */
	int scale_num, scale_den;        /* REL onto REL: a fraction, remainders kept */
	int offset;                      /* output units */
	bool has_calibrate;
	int cal_min, cal_max; /* the source's real range */
	bool has_range;
	int range_min, range_max; /* the target's range */
	bool center_min;          /* center=min: the axis rests at its minimum (a trigger) */
	double threshold;         /* HM_TRIG_ABS_POS/NEG: fraction of the half range */
	double hysteresis;        /* ...and the margin to release, fraction */
	int hysteresis_units;     /* HM_TRIG_ABS_RANGE */
	int per;                  /* HM_TRIG_REL_POS/NEG: units per press, 0: default */
	double speed;             /* onto REL: units per second at full deflection, 0: profile's */
	bool trackpad; /* ABS onto REL: a touch pad's position, motion from its changes */
	double
	    inertia_s; /* ...gliding on after the finger lifts, decaying (time constant), 0: off */
	struct hm_config_gyro gyro; /* GYRO = gyro-mouse */
};

/* One "TRIGGER = ACTION[, OPTION...]" line of a [remap] section. */
struct hm_config_map {
	enum hm_trigger_kind trigger;
	unsigned from_type, from_code;       /* HM_TRIG_GYRO: EV_ABS, ABS_RX */
	int range_min, range_max;            /* HM_TRIG_ABS_RANGE */
	uint16_t chord[HM_CONFIG_MAX_CHORD]; /* HM_TRIG_CHORD: the keys (from_code: the first) */
	unsigned nchord;
	struct hm_config_action action;
	struct hm_config_opts opts;
	char *file;
	unsigned line;
};

struct hm_config_layer {
	char *name; /* [remap PROFILE:NAME], NAME:MODS or NAME+NAME... */
	unsigned line;
	struct hm_config_map *maps;
	size_t nmaps;
	/* [remap P:NAME:CS]: modifiers held while the layer is active (keyd's
	 * modifier layers) */
	uint16_t mods[5];
	unsigned nmods;
	/* [remap P:A+B]: a composite layer, active while all of these (layer
	 * numbers, 1-based, defined before it) are */
	unsigned parts[HM_CONFIG_MAX_LAYERS];
	unsigned nparts;
};

/* Profile settings: defaults in config-map.c, documented in doc/hidmapd.ini.5.md. */
struct hm_config_settings {
	uint64_t tap_hold_timeout_us;
	uint64_t oneshot_timeout_us;    /* armed one-shot layers lapse after this, 0: never */
	bool modifier_guard;            /* keyd's guard around a lone Alt/Meta of a layer */
	uint64_t chord_timeout_us;      /* keys of a chord: at most this apart */
	uint64_t chord_hold_timeout_us; /* ...and held this long before it acts */
	uint64_t
	    macro_delay_us; /* between the press and release of a macro key, and between steps */
	double mouse_speed; /* mouse keys: units/s at the start */
	double mouse_max_speed; /* ...after mouse_accel_us */
	uint64_t mouse_accel_us;
	double stick_speed;  /* stick onto pointer: units/s at full deflection */
	double scroll_speed; /* stick onto wheel: detents/s at full deflection */
	unsigned rate_hz;    /* pointer motion updates per second while moving */
	char *text_layout;   /* XKB layout for macro text ("us") */
	char *text_variant;
};

/* Parses one map line of a profile or layer.  On error returns -EINVAL and
 * writes the message (without file:line) to err. */
int hm_config_map_parse(const char *name, const char *value, struct hm_config_map *ret, char *err,
                        size_t errlen);
void hm_config_map_done(struct hm_config_map *m);
/* Whether name is a profile setting (lowercase words) rather than a trigger. */
bool hm_config_is_setting(const char *name);
/* Sets one profile setting; -EINVAL with a message for a bad name or value. */
int hm_config_setting_parse(struct hm_config_settings *s, const char *name, const char *value,
                            char *err, size_t errlen);
void hm_config_settings_init(struct hm_config_settings *s);
void hm_config_settings_done(struct hm_config_settings *s);

/*
 * What a [device] section sets on the hardware itself rather than on the
 * mapping (lightbar, player-leds, mic-led): the daemon hands it to the
 * module as struct hm_device_settings (module.h) at start and on a reload.
 */
struct hm_config_hardware {
	bool lightbar_set;   /* lightbar = #rrggbb */
	uint8_t lightbar[3]; /* red, green, blue */
	int player_leds;     /* player-leds = 0..5 (0: off), -1: not set */
	int mic_led;         /* mic-led = on|off: 1, 0; -1: not set */
	int haptic_click;    /* haptic-click = on|off: 1, 0; -1: not set */
	int spnav_led;       /* spnav-led = on|off|auto: 1, 0, 2; -1: not set */
	int joycon_pair;     /* joycon-pair = hold|always|off: HM_JOYCON_PAIR_*, -1: not set */
};
#define HM_CONFIG_HARDWARE_INIT                                                                    \
	{                                                                                          \
		.player_leds = -1, .mic_led = -1, .haptic_click = -1, .spnav_led = -1,             \
		.joycon_pair = -1                                                                  \
	}
#define HM_CONFIG_MAX_PLAYER_LEDS 5
/* joycon-pair = (two Joy-Cons as one pad, module switch) */
enum {
	HM_JOYCON_PAIR_HOLD = 0, /* when L+R or ZL+ZR are held on both halves (the default) */
	HM_JOYCON_PAIR_ALWAYS,   /* as soon as both halves are there */
	HM_JOYCON_PAIR_OFF,      /* never: each half alone */
};

struct hm_config_device {
	char *id; /* the section name: [device ID] */
	char *file;
	unsigned line;
	/* match: every given criterion must hold; a section with none is an error */
	bool match_vidpid;
	uint16_t vendor, product;
	char *match_name;           /* fnmatch(3) glob on the HID name */
	char *match_module;         /* the module that claims the device; the registry is not asked
	                               here: hm_module_select_validate() (module-select.h) checks it */
	unsigned match_module_line; /* its line in file */
	char *match_serial;
	unsigned match_kinds;   /* enum hm_kind: any of them */
	bool match_any_product; /* match = VID:* */
	/* settings */
	char *module;         /* force this module (e.g. "generic"), NULL: the registry decides;
	                         checked against the registry by hm_module_select_validate() */
	unsigned module_line; /* its line in file */
	bool enabled;         /* drive it (default true) */
	bool grab;            /* hide the kernel's own evdev nodes (default true) */
	enum hm_unmapped_policy unmapped;
	char *profile; /* [remap PROFILE] to use; default: the device id */
	char *layout;  /* [layout ID] that decodes it (module = layout), NULL: none */
	/* the configuration's [layout ID] it names, set by the loader; NULL with
	 * layout set: a shipped layout of that id */
	const struct hm_layout *layout_own;
	/* settings of the hardware (not of the mapping: a reload that changes
	 * only these keeps what the device holds) */
	struct hm_config_hardware hardware;
	/* focus = APP -> PROFILE rules, in order (config-focus.h) */
	struct hm_config_focus_rule *focus;
	size_t nfocus;
	/* the spnav-* keys (config-spnav.h) */
	struct hm_config_spnav spnav;
};

#define HM_CONFIG_DEFAULT_REPLUG_GRACE_US (3 * 1000000ULL)
#define HM_CONFIG_MAX_REPLUG_GRACE_US     (600 * 1000000ULL)

struct hm_index;

struct hm_config {
	/* [hidmapd] replug-grace: how long the virtual devices of a device
	 * that disappeared are kept for it to come back (0: not kept) */
	uint64_t replug_grace_us;
	bool replug_grace_set; /* given in some file (the last one wins) */
	struct hm_config_device *devices;
	size_t ndevices;
	struct hm_config_profile *profiles;
	size_t nprofiles;
	struct hm_layout **layouts; /* [layout ID] (config-layout.h), by pointer: their
	                               addresses must not move */
	size_t nlayouts;
	char **files; /* every file read, in order */
	size_t nfiles;
	unsigned extra_refs; /* hm_config_ref() calls not matched by hm_config_free() yet */
	struct hm_index *profile_index; /* profiles by id (src/config/config-index.h), or NULL */
};

struct hm_config_profile {
	char *id; /* [remap ID] */
	char *file;
	unsigned line;
	struct hm_config_map *maps; /* the base layer */
	size_t nmaps;
	struct hm_config_layer *layers;
	size_t nlayers;
	struct hm_config_settings settings;
	/* What the file says for this profile, normalised (each setting and
	 * map line as KEY=VALUE, each layer section's header, in order): a
	 * reload compares profiles by it. NULL for an empty profile. */
	char *canon;
};

/* A profile by id, or NULL. */
const struct hm_config_profile *hm_config_find_profile(const struct hm_config *c, const char *id);

/*
 * Loads the given paths in order; a path that is a directory contributes
 * its *.ini files sorted by name, a missing path is skipped.  Every problem
 * goes to diag (may be NULL).  Returns 0 and *ret, or -EINVAL if any file
 * has an error (then *ret is untouched), -errno for I/O errors.
 */
int hm_config_load(const char *const *paths, size_t npaths, hm_config_diag_fn diag, void *userdata,
                   struct hm_config **ret);

/* The paths the user gave (--config, `check FILE`), each of which must
 * exist (a missing one is an error through diag), or the default search
 * path when ngiven is 0. */
int hm_config_load_given(const char *const *given, size_t ngiven, hm_config_diag_fn diag,
                         void *userdata, struct hm_config **ret);

/* What loading asks of the layers above the configuration. */
struct hm_config_loader {
	hm_config_diag_fn diag; /* every problem; may be NULL */
	void *userdata;
	/* Whether a layout called id is shipped, for a [device]'s layout = that
	 * names none of the configuration's (the selection layer's store of
	 * shipped layouts answers); NULL: none is. */
	bool (*layout_shipped)(const char *id);
};

/* hm_config_load() and hm_config_load_given(), asking ld. */
int hm_config_load_with(const struct hm_config_loader *ld, const char *const *paths, size_t npaths,
                        struct hm_config **ret);
int hm_config_load_given_with(const struct hm_config_loader *ld, const char *const *given,
                              size_t ngiven, struct hm_config **ret);

/* The default search path above (XDG resolved); *ret_n entries, strings static or heap-owned by a
 * static. The environment is read on every call; the result is valid until the next call. */
const char *const *hm_config_default_paths(size_t *ret_n);

/* An empty configuration. */
struct hm_config *hm_config_new_empty(void);

/* Drops a reference: the configuration is freed with its last one.  NULL-safe. */
void hm_config_free(struct hm_config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_config *, hm_config_free);
/* Another reference, for a device whose mapping outlives a reload that
 * left it unchanged (its remapper points into this configuration). */
struct hm_config *hm_config_ref(struct hm_config *c);

/*
 * Whether two profiles make the same mapping: the same maps, layers and
 * settings, and the same for every profile reachable through profile()
 * switches (compared by id and content; file names and line numbers do
 * not count).  NULL equals NULL only.  A reload keeps a device whose
 * mapping is the same as it is, holding what it holds.
 */
bool hm_config_profile_equal(const struct hm_config_profile *a, const struct hm_config_profile *b);

/* Whether two [device] sections set the hardware alike (lightbar,
 * player-leds, mic-led).  These are no part of the mapping: a reload that
 * changes only them keeps the device's mapping and what it holds. */
bool hm_config_hardware_equal(const struct hm_config_hardware *a,
                              const struct hm_config_hardware *b);

/* The section that selects this device (last match wins), or NULL.
 * module_name is the module that claims the device by its ids (NULL: none),
 * for match-module =.  Which module drives the device is decided by
 * hm_module_select() (module-select.h), not here. */
const struct hm_config_device *hm_config_match(const struct hm_config *c,
                                               const struct hm_device_info *info,
                                               const char *module_name);

/* The [remap] section for a device section, or NULL. */
const struct hm_config_profile *hm_config_profile_for(const struct hm_config *c,
                                                      const struct hm_config_device *dev);
