/* SPDX-License-Identifier: MIT */
/*
 * The configuration parser: one file's text into its sections.
 *
 * libinih splits "key = value" lines and strips comments; the rest is ours.
 * inih 55 as Debian builds it does not give the handler line numbers
 * (INI_HANDLER_LINENO is 0), does not report a section that has no keys,
 * reads an indented line as the continuation of the previous value, and
 * splits a line longer than its buffer into several "lines".  So inih reads
 * through line_reader(), which hands it exactly one physical line per call:
 * it counts lines, rejects over-long ones, strips leading blanks (so nothing
 * is a continuation) and parses [section] headers itself, giving inih an
 * empty line in their place.  ini_parse_stream() calls the handler for a
 * line before it asks for the next one, so p->line is the handler's line, and
 * a key=value line that reached no handler call when the reader is asked
 * for the next line is one inih rejected.
 *
 * Sections are dispatched through section_types[], keys of [device] through
 * device_keys[], and a [remap] line is a trigger (left) and an action
 * (right): new section kinds (layers, macros) and richer triggers and
 * actions (chords, tap-hold) slot in there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <libevdev/libevdev.h>

#include "config-focus.h"
#include "config-layout.h"
#include "config-private.h"
#include "config.h"
#include "device-kind.h"
#include "util-strings.h"

struct parser;

/* A [kind id] section type. */
struct section_type {
	const char *name;
	bool has_id;
	/* called with the header's line already in p->line; returns 0, >0 when
	 * the section is broken (reported; its keys are skipped), or -errno */
	int (*begin)(struct parser *p, const char *id);
	void (*key)(struct parser *p, const char *name, const char *value);
	void (*end)(struct parser *p); /* may be NULL */
};

struct device_key {
	const char *name;
	int (*parse)(struct parser *p, struct hm_config_device *d, const char *value);
	bool is_match;
};

#define MAX_SECTION_KEYS 32

struct parser {
	const char *path;
	hm_config_diag_fn diag;
	void *userdata;
	unsigned nerrors;
	int oom; /* -ENOMEM once an allocation failed; parsing stops mattering */

	/* input: the whole file */
	const char *buf;
	size_t size, pos;
	unsigned line;       /* the physical line last handed to inih */
	bool expect_handler; /* that line is "key = value" for inih */
	bool handled;        /* ...and inih called the handler for it */
	unsigned first_rejected_line;

	/* output: the sections of this file */
	struct hm_config *out;
	unsigned nsections;
	unsigned global_line; /* line of [hidmapd], 0 if none yet */

	/* the open section: type NULL before the first header; bad_section
	 * after a broken header, whose keys are then skipped silently */
	const struct section_type *type;
	bool bad_section;
	unsigned section_line;
	unsigned key_line[MAX_SECTION_KEYS]; /* where each key was first set */
	bool has_match;
	bool limit_reported;             /* "too many mappings" said once per section */
	bool in_layer;                   /* the open [remap] section is a layer */
	unsigned last_profile_file_line; /* the last [remap ID] of this file, 0: none */

	/* The triggers of the open [remap] section by hash (its mappings'
	 * positions + 1, valid while trig_gen[] is the section's generation):
	 * a duplicate is found in constant time, not among all the lines
	 * before it. */
	uint32_t gen;
	uint32_t trig_gen[2 * HM_CONFIG_MAX_MAPS];
	uint16_t trig_pos[2 * HM_CONFIG_MAX_MAPS];
	/* the length and allocation of the canonical text of profile
	 * canon_profile - 1 (0: none known), so that adding a line neither
	 * measures it all nor reallocates it */
	size_t canon_profile, canon_len, canon_cap;
};

static void parser_error(struct parser *p, unsigned line, const char *fmt, ...) _printf_(3, 4);

static void parser_error(struct parser *p, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	p->nerrors++;
	if (!p->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->diag(p->userdata, p->path, line, msg);
}

static bool valid_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char ch = s[n];

		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && ch != '-' && ch != '_' && ch != '.')
			return false;
	}
	return n > 0 && n <= HM_CONFIG_MAX_ID;
}

/* The modifier of a letter of keyd's layer types: C, S, A, M, G (AltGr). */
static int layer_mod(char c)
{
	switch (c) {
	case 'C':
		return KEY_LEFTCTRL;
	case 'S':
		return KEY_LEFTSHIFT;
	case 'A':
		return KEY_LEFTALT;
	case 'M':
		return KEY_LEFTMETA;
	case 'G':
		return KEY_RIGHTALT;
	default:
		return -1;
	}
}

/* "PROFILE:LAYER", "PROFILE:LAYER:MODS" or "PROFILE:LAYER+LAYER..." */
static bool valid_layer_id(const char *s)
{
	const char *colon = strchr(s, ':'), *rest, *mods;
	char part[HM_CONFIG_MAX_ID + 1];
	size_t l;

	if (!colon)
		return false;
	l = (size_t)(colon - s);
	if (l == 0 || l > HM_CONFIG_MAX_ID)
		return false;
	memcpy(part, s, l);
	part[l] = '\0';
	if (!valid_id(part))
		return false;
	rest = colon + 1;
	mods = strchr(rest, ':');
	if (mods) {
		l = (size_t)(mods - rest);
		if (l == 0 || l > HM_CONFIG_MAX_ID || !mods[1] || strlen(mods + 1) > 5)
			return false;
		memcpy(part, rest, l);
		part[l] = '\0';
		for (const char *m = mods + 1; *m; m++)
			if (layer_mod(*m) < 0 || strchr(m + 1, *m))
				return false;
		return valid_id(part);
	}
	for (;;) {
		const char *plus = strchr(rest, '+');

		l = plus ? (size_t)(plus - rest) : strlen(rest);
		if (l == 0 || l > HM_CONFIG_MAX_ID)
			return false;
		memcpy(part, rest, l);
		part[l] = '\0';
		if (!valid_id(part))
			return false;
		if (!plus)
			return true;
		rest = plus + 1;
	}
}

/* ---- values --------------------------------------------------------------- */

static char *dup_or_oom(struct parser *p, const char *s)
{
	char *d = strdup(s);

	if (!d)
		p->oom = -ENOMEM;
	return d;
}

static int set_string(struct parser *p, char **field, const char *value)
{
	char *d = dup_or_oom(p, value);

	if (!d)
		return -ENOMEM;
	free(*field);
	*field = d;
	return 0;
}

static int parse_match(struct parser *p, struct hm_config_device *d, const char *value)
{
	uint16_t vid, pid = 0;
	size_t len = strlen(value);
	bool any_product = len >= 2 && streq(value + len - 2, ":*");
	int r;

	if (any_product) {
		/* VID:* - every product of a vendor */
		char buf[16];

		snprintf(buf, sizeof(buf), "%.*s:0", (int)(len - 2), value);
		r = parse_vid_pid(buf, &vid, &pid);
	} else {
		r = parse_vid_pid(value, &vid, &pid);
	}
	if (r < 0) {
		parser_error(p, p->line,
		             "'%s': expected VID:PID or VID:* in hex, e.g. 0b33:0020 or 0b33:*",
		             value);
		return -EINVAL;
	}
	d->match_vidpid = true;
	d->match_any_product = any_product;
	d->vendor = vid;
	d->product = pid;
	return 0;
}

/* match-type = gamepad joystick: any of the kinds, separated by spaces or commas */
static int parse_match_type(struct parser *p, struct hm_config_device *d, const char *value)
{
	const char *s = value;
	unsigned kinds = 0;

	while (*s) {
		char name[32];
		size_t n;
		unsigned k;

		s += strspn(s, " \t,");
		n = strcspn(s, " \t,");
		if (!n)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		k = n < sizeof(name) ? hm_kind_from_name(name) : 0;
		if (!k) {
			parser_error(p, p->line, "unknown device type '%.*s' (one of: %s)", (int)n,
			             s, hm_kind_names());
			return -EINVAL;
		}
		kinds |= k;
		s += n;
	}
	if (!kinds) {
		parser_error(p, p->line, "match-type needs a device type (one of: %s)",
		             hm_kind_names());
		return -EINVAL;
	}
	d->match_kinds = kinds;
	return 0;
}

static int parse_match_name(struct parser *p, struct hm_config_device *d, const char *value)
{
	return set_string(p, &d->match_name, value);
}

static int parse_match_serial(struct parser *p, struct hm_config_device *d, const char *value)
{
	return set_string(p, &d->match_serial, value);
}

/* Only the wish is recorded here: which modules exist is the registry's
 * business, checked by hm_module_select_validate() (module-select.h). */
static int parse_match_module(struct parser *p, struct hm_config_device *d, const char *value)
{
	d->match_module_line = p->line;
	return set_string(p, &d->match_module, value);
}

static int parse_module(struct parser *p, struct hm_config_device *d, const char *value)
{
	d->module_line = p->line;
	return set_string(p, &d->module, value);
}

static int parse_bool_key(struct parser *p, const char *value, bool *ret)
{
	if (parse_boolean(value, ret) < 0) {
		parser_error(p, p->line, "'%s': expected yes or no", value);
		return -EINVAL;
	}
	return 0;
}

static int parse_enabled(struct parser *p, struct hm_config_device *d, const char *value)
{
	return parse_bool_key(p, value, &d->enabled);
}

static int parse_grab(struct parser *p, struct hm_config_device *d, const char *value)
{
	return parse_bool_key(p, value, &d->grab);
}

static int parse_unmapped(struct parser *p, struct hm_config_device *d, const char *value)
{
	if (streq(value, "pass"))
		d->unmapped = HM_UNMAPPED_PASS;
	else if (streq(value, "drop"))
		d->unmapped = HM_UNMAPPED_DROP;
	else {
		parser_error(p, p->line, "'%s': expected pass or drop", value);
		return -EINVAL;
	}
	return 0;
}

static int parse_profile(struct parser *p, struct hm_config_device *d, const char *value)
{
	if (!valid_id(value)) {
		parser_error(
		    p, p->line,
		    "'%s': invalid profile id (letters, digits, '-', '_', '.'; at most %d)", value,
		    HM_CONFIG_MAX_ID);
		return -EINVAL;
	}
	return set_string(p, &d->profile, value);
}

static int parse_layout(struct parser *p, struct hm_config_device *d, const char *value)
{
	if (!valid_id(value)) {
		parser_error(p, p->line,
		             "'%s': invalid layout id (letters, digits, '-', '_', '.'; at most %d)",
		             value, HM_CONFIG_MAX_ID);
		return -EINVAL;
	}
	return set_string(p, &d->layout, value);
}

/* lightbar = #rrggbb: the colour as in HTML/CSS, hex digits only */
static int parse_lightbar(struct parser *p, struct hm_config_device *d, const char *value)
{
	uint32_t rgb;

	if (value[0] != '#' || strlen(value) != 7 ||
	    strspn(value + 1, "0123456789abcdefABCDEF") != 6 ||
	    safe_atou32_base(value + 1, 16, &rgb) < 0) {
		parser_error(p, p->line, "'%s': expected a colour #rrggbb in hex, e.g. #0000ff",
		             value);
		return -EINVAL;
	}
	d->hardware.lightbar_set = true;
	d->hardware.lightbar[0] = (uint8_t)(rgb >> 16);
	d->hardware.lightbar[1] = (uint8_t)(rgb >> 8);
	d->hardware.lightbar[2] = (uint8_t)rgb;
	return 0;
}

/* player-leds = 0..5: the player number the LEDs show, 0 all off */
static int parse_player_leds(struct parser *p, struct hm_config_device *d, const char *value)
{
	uint32_t n;

	if (safe_atou32_base(value, 10, &n) < 0 || n > HM_CONFIG_MAX_PLAYER_LEDS) {
		parser_error(p, p->line, "'%s': expected a player number 1..%d, or 0 for off",
		             value, HM_CONFIG_MAX_PLAYER_LEDS);
		return -EINVAL;
	}
	d->hardware.player_leds = (int)n;
	return 0;
}

/* One of words[] (NULL-terminated) for a setting of the hardware: *ret is
 * its value in values[]; anything else is an error that lists them. */
static int parse_word(struct parser *p, const char *value, const char *const *words,
                      const int *values, int *ret)
{
	char expected[96] = "";
	size_t n = 0;

	for (size_t i = 0; words[i]; i++) {
		if (streq(value, words[i])) {
			*ret = values[i];
			return 0;
		}
	}
	for (size_t i = 0; words[i] && n < sizeof(expected); i++)
		n += (size_t)snprintf(expected + n, sizeof(expected) - n, "%s%s",
		                      i == 0         ? ""
		                      : words[i + 1] ? ", "
		                                     : " or ",
		                      words[i]);
	parser_error(p, p->line, "'%s': expected %s", value, expected);
	return -EINVAL;
}

static const char *const on_off_words[] = {"on", "off", NULL};
static const int on_off_values[] = {1, 0};

static int parse_mic_led(struct parser *p, struct hm_config_device *d, const char *value)
{
	return parse_word(p, value, on_off_words, on_off_values, &d->hardware.mic_led);
}

static int parse_haptic_click(struct parser *p, struct hm_config_device *d, const char *value)
{
	return parse_word(p, value, on_off_words, on_off_values, &d->hardware.haptic_click);
}

/* spnav-led = on|off|auto: the 3D mouse's LED (the 3dconnexion module;
 * auto: on while a libspnav client is connected, as spacenavd's led = auto) */
static const char *const spnav_led_words[] = {"on", "off", "auto", NULL};
static const int spnav_led_values[] = {1, 0, 2};

static int parse_spnav_led(struct parser *p, struct hm_config_device *d, const char *value)
{
	return parse_word(p, value, spnav_led_words, spnav_led_values, &d->hardware.spnav_led);
}

/* joycon-pair = hold|always|off (HM_JOYCON_PAIR_*) */
static int parse_joycon_pair(struct parser *p, struct hm_config_device *d, const char *value)
{
	static const char *const words[] = {"hold", "always", "off", NULL};
	static const int values[] = {HM_JOYCON_PAIR_HOLD, HM_JOYCON_PAIR_ALWAYS,
	                             HM_JOYCON_PAIR_OFF};

	return parse_word(p, value, words, values, &d->hardware.joycon_pair);
}

static const struct device_key device_keys[] = {
    {"match", parse_match, true},
    {"match-name", parse_match_name, true},
    {"match-module", parse_match_module, true},
    {"match-serial", parse_match_serial, true},
    {"match-type", parse_match_type, true},
    {"module", parse_module, false},
    {"enabled", parse_enabled, false},
    {"grab", parse_grab, false},
    {"unmapped", parse_unmapped, false},
    {"profile", parse_profile, false},
    {"layout", parse_layout, false},
    {"lightbar", parse_lightbar, false},
    {"player-leds", parse_player_leds, false},
    {"mic-led", parse_mic_led, false},
    {"haptic-click", parse_haptic_click, false},
    {"spnav-led", parse_spnav_led, false},
    {"joycon-pair", parse_joycon_pair, false},
};
_Static_assert(ARRAY_SIZE(device_keys) <= MAX_SECTION_KEYS, "key_line[] too small");

/* ---- [remap] lines -------------------------------------------------------- */

static struct hm_config_profile *cur_profile(struct parser *p)
{
	return &p->out->profiles[p->out->nprofiles - 1];
}

static struct hm_config_device *cur_device(struct parser *p)
{
	return &p->out->devices[p->out->ndevices - 1];
}

static bool same_trigger(const struct hm_config_map *a, const struct hm_config_map *b)
{
	if (a->trigger == HM_TRIG_CHORD || b->trigger == HM_TRIG_CHORD) {
		/* the same keys in any order */
		if (a->trigger != b->trigger || a->nchord != b->nchord)
			return false;
		for (unsigned i = 0; i < a->nchord; i++) {
			bool found = false;

			for (unsigned j = 0; j < b->nchord; j++)
				found = found || a->chord[i] == b->chord[j];
			if (!found)
				return false;
		}
		return true;
	}
	return a->trigger == b->trigger && a->from_code == b->from_code &&
	       a->from_type == b->from_type &&
	       (a->trigger != HM_TRIG_ABS_RANGE ||
	        (a->range_min == b->range_min && a->range_max == b->range_max));
}

/* An order-independent hash of what same_trigger() compares. */
static uint32_t trigger_hash(const struct hm_config_map *m)
{
	uint64_t h = (uint64_t)m->trigger * UINT64_C(0x9e3779b97f4a7c15);

	if (m->trigger == HM_TRIG_CHORD) {
		uint64_t sum = 0, x = 0;

		for (unsigned i = 0; i < m->nchord; i++) {
			sum += (uint64_t)m->chord[i] * UINT64_C(0xff51afd7ed558ccd);
			x ^= (uint64_t)m->chord[i] << (m->chord[i] % 41);
		}
		h ^= sum ^ (x * 31) ^ m->nchord;
	} else {
		h ^= ((uint64_t)m->from_type << 32 | m->from_code) * UINT64_C(0xc4ceb9fe1a85ec53);
		if (m->trigger == HM_TRIG_ABS_RANGE)
			h ^= ((uint64_t)(uint32_t)m->range_min << 32 | (uint32_t)m->range_max) *
			     UINT64_C(0x9e3779b97f4a7c15);
	}
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

/* The mapping of the open section with m's trigger, or the free slot for
 * it (*ret_slot); maps are its n mappings. */
static const struct hm_config_map *find_trigger(struct parser *p, const struct hm_config_map *maps,
                                                const struct hm_config_map *m, size_t *ret_slot)
{
	const size_t mask = 2 * HM_CONFIG_MAX_MAPS - 1;
	size_t at = trigger_hash(m) & mask;

	for (;; at = (at + 1) & mask) {
		if (p->trig_gen[at] != p->gen) {
			*ret_slot = at;
			return NULL;
		}
		if (same_trigger(&maps[p->trig_pos[at]], m))
			return &maps[p->trig_pos[at]];
	}
}

/* Adds "a b c\n" to the profile's canonical text (hm_config_profile_equal). */
/* The allocation of a canonical text of need bytes: a power of two. */
static size_t canon_room(size_t need)
{
	size_t room = 64;

	while (room < need)
		room *= 2;
	return room;
}

/* The canonical text being added to takes no more than it holds. */
static void canon_trim(struct parser *p)
{
	struct hm_config_profile *pr;
	char *n;

	if (!p->canon_profile)
		return;
	pr = &p->out->profiles[p->canon_profile - 1];
	n = pr->canon ? realloc(pr->canon, p->canon_len + 1) : NULL;
	if (n)
		pr->canon = n;
	p->canon_profile = 0;
}

static void canon_add(struct parser *p, struct hm_config_profile *pr, const char *a, const char *b,
                      const char *c)
{
	size_t index = (size_t)(pr - p->out->profiles) + 1;
	size_t len, add = strlen(a) + strlen(b) + strlen(c) + 1;
	char *n;

	if (p->canon_profile != index) {
		p->canon_profile = index;
		p->canon_len = pr->canon ? strlen(pr->canon) : 0;
		p->canon_cap = pr->canon ? p->canon_len + 1 : 0;
	}
	len = p->canon_len;
	/* grown by doubling (canon_room()), not by every line; trimmed when
	 * the section ends (canon_trim()) */
	n = pr->canon;
	if (len + add + 1 > p->canon_cap) {
		n = realloc(pr->canon, canon_room(len + add + 1));
		if (!n) {
			p->oom = -ENOMEM;
			return;
		}
		p->canon_cap = canon_room(len + add + 1);
	}
	snprintf(n + len, add + 1, "%s%s%s\n", a, b, c);
	pr->canon = n;
	p->canon_len = len + add;
}

static void key_remap(struct parser *p, const char *name, const char *value)
{
	struct hm_config_profile *pr = cur_profile(p);
	struct hm_config_layer *layer = p->in_layer ? &pr->layers[pr->nlayers - 1] : NULL;
	struct hm_config_map m, **maps_p = layer ? &layer->maps : &pr->maps, *maps;
	const struct hm_config_map *dup;
	size_t *n_p = layer ? &layer->nmaps : &pr->nmaps, slot;
	char err[256];
	int r;

	canon_add(p, pr, name, "=", value);
	if (hm_config_is_setting(name)) {
		if (layer) {
			parser_error(p, p->line,
			             "'%s': settings go in the profile's section [remap %s]", name,
			             pr->id);
			return;
		}
		r = hm_config_setting_parse(&pr->settings, name, value, err, sizeof(err));
		if (r == -ENOMEM)
			p->oom = r;
		else if (r < 0)
			parser_error(p, p->line, "%s", err);
		return;
	}

	r = hm_config_map_parse(name, value, &m, err, sizeof(err));
	if (r == -ENOMEM) {
		p->oom = r;
		return;
	}
	if (r < 0) {
		parser_error(p, p->line, "%s", err);
		return;
	}
	dup = find_trigger(p, *maps_p, &m, &slot);
	if (dup) {
		parser_error(p, p->line, "'%s' is already mapped on line %u", name, dup->line);
		hm_config_map_done(&m);
		return;
	}
	if (*n_p >= HM_CONFIG_MAX_MAPS) {
		if (!p->limit_reported)
			parser_error(p, p->line, "too many mappings in [remap %s] (at most %d)",
			             pr->id, HM_CONFIG_MAX_MAPS);
		p->limit_reported = true;
		hm_config_map_done(&m);
		return;
	}
	m.line = p->line;
	m.file = dup_or_oom(p, p->path);
	maps = m.file ? append(*maps_p, *n_p, sizeof(*maps)) : NULL;
	if (!maps) {
		hm_config_map_done(&m);
		p->oom = -ENOMEM;
		return;
	}
	*maps_p = maps;
	p->trig_gen[slot] = p->gen;
	p->trig_pos[slot] = (uint16_t)*n_p;
	maps[(*n_p)++] = m;
}

/* ---- sections --------------------------------------------------------------- */

static int begin_global(struct parser *p, const char *id)
{
	if (p->global_line) {
		parser_error(p, p->line, "duplicate section [hidmapd] (first on line %u)",
		             p->global_line);
		return 0;
	}
	p->global_line = p->line;
	return 0;
}

static void key_global(struct parser *p, const char *name, const char *value)
{
	uint64_t us;

	if (streq(name, "replug-grace")) {
		if (parse_duration(value, HM_CONFIG_MAX_REPLUG_GRACE_US, &us) < 0) {
			parser_error(
			    p, p->line,
			    "replug-grace: '%s' is not a duration up to 600s (like 3s or 500ms)",
			    value);
			return;
		}
		p->out->replug_grace_us = us;
		p->out->replug_grace_set = true;
		return;
	}
	parser_error(p, p->line, "unknown key '%s' in [hidmapd]", name);
}

static int begin_device(struct parser *p, const char *id)
{
	struct hm_config *out = p->out;
	struct hm_config_device *devices, *d;

	for (size_t i = 0; i < out->ndevices; i++)
		if (streq(out->devices[i].id, id))
			parser_error(p, p->line, "duplicate section [device %s] (first on line %u)",
			             id, out->devices[i].line);

	devices = append(out->devices, out->ndevices, sizeof(*devices));
	if (!devices)
		return -ENOMEM;
	out->devices = devices;
	d = &devices[out->ndevices];
	*d = (struct hm_config_device){
	    .line = p->line,
	    .enabled = true,
	    .grab = true,
	    .unmapped = HM_UNMAPPED_PASS,
	    .hardware = HM_CONFIG_HARDWARE_INIT,
	};
	out->ndevices++;
	d->id = strdup(id);
	d->file = strdup(p->path);
	if (!d->id || !d->file)
		return -ENOMEM;
	return 0;
}

/* focus = [app:]GLOB [title:GLOB] -> PROFILE (config-focus.h): the one
 * key that may repeat, as its lines are tried in the order written. */
static void key_focus(struct parser *p, struct hm_config_device *d, const char *value)
{
	struct hm_config_focus_rule rule, *rules;
	char err[256];
	int r;

	if (d->nfocus >= HM_CONFIG_MAX_FOCUS_RULES) {
		parser_error(p, p->line, "more than %d focus rules in [device %s]",
		             HM_CONFIG_MAX_FOCUS_RULES, d->id);
		return;
	}
	r = hm_config_focus_parse(value, &rule, err, sizeof(err));
	if (r == -ENOMEM) {
		p->oom = -ENOMEM;
		return;
	}
	if (r < 0) {
		parser_error(p, p->line, "focus = %s: %s", value, err);
		return;
	}
	if (!valid_id(rule.profile_id)) {
		parser_error(
		    p, p->line,
		    "'%s': invalid profile id (letters, digits, '-', '_', '.'; at most %d)",
		    rule.profile_id, HM_CONFIG_MAX_ID);
		hm_config_focus_rule_done(&rule);
		return;
	}
	rules = append(d->focus, d->nfocus, sizeof(*rules));
	if (!rules) {
		hm_config_focus_rule_done(&rule);
		p->oom = -ENOMEM;
		return;
	}
	rule.line = p->line;
	d->focus = rules;
	d->focus[d->nfocus++] = rule;
}

static void key_device(struct parser *p, const char *name, const char *value)
{
	const struct device_key *k = NULL;
	size_t i;

	if (streq(name, "focus")) {
		if (!*value)
			parser_error(p, p->line, "'%s' needs a value", name);
		else
			key_focus(p, cur_device(p), value);
		return;
	}

	for (i = 0; i < ARRAY_SIZE(device_keys); i++) {
		if (streq(device_keys[i].name, name)) {
			k = &device_keys[i];
			break;
		}
	}
	if (!k && startswith(name, "spnav-")) {
		char err[256];

		if (hm_config_spnav_parse(&cur_device(p)->spnav, name, value, err, sizeof(err)) < 0)
			parser_error(p, p->line, "%s", err);
		return;
	}
	if (!k) {
		parser_error(p, p->line, "unknown key '%s' in [device %s]", name,
		             cur_device(p)->id);
		return;
	}
	if (k->is_match)
		p->has_match = true;
	if (p->key_line[i]) {
		parser_error(p, p->line, "duplicate key '%s' (first set on line %u)", name,
		             p->key_line[i]);
		return;
	}
	p->key_line[i] = p->line;
	if (!*value) {
		parser_error(p, p->line, "'%s' needs a value", name);
		return;
	}
	(void)k->parse(p, cur_device(p), value);
}

static void end_device(struct parser *p)
{
	if (!p->has_match)
		parser_error(p, p->section_line,
		             "[device %s] has no match criteria (match, match-name, "
		             "match-module, match-serial or match-type)",
		             cur_device(p)->id);
}

/* [remap PROFILE:LAYER]: a layer of the profile whose section came just before. */
static int begin_layer(struct parser *p, const char *id, const char *colon)
{
	struct hm_config *out = p->out;
	struct hm_config_profile *pr = out->nprofiles ? cur_profile(p) : NULL;
	size_t plen = (size_t)(colon - id);
	struct hm_config_layer *layers, *ly;
	const char *mods;

	if (!pr || p->last_profile_file_line == 0 || strlen(pr->id) != plen ||
	    strncmp(pr->id, id, plen) != 0) {
		parser_error(p, p->line,
		             "[remap %s]: a layer section follows its profile's section "
		             "[remap %.*s] in the same file",
		             id, (int)plen, id);
		return 1; /* the section's keys are skipped */
	}
	for (size_t i = 0; i < pr->nlayers; i++) {
		size_t nl = strcspn(colon + 1, ":");

		if (strlen(pr->layers[i].name) == nl &&
		    !strncmp(pr->layers[i].name, colon + 1, nl)) {
			parser_error(p, p->line, "duplicate section [remap %s] (first on line %u)",
			             id, pr->layers[i].line);
			return 1;
		}
	}
	if (pr->nlayers >= HM_CONFIG_MAX_LAYERS) {
		parser_error(p, p->line, "[remap %s]: at most %d layers per profile", id,
		             HM_CONFIG_MAX_LAYERS);
		return 1; /* the section's keys are skipped */
	}
	layers = append(pr->layers, pr->nlayers, sizeof(*layers));
	if (!layers)
		return -ENOMEM;
	pr->layers = layers;
	ly = &layers[pr->nlayers];
	*ly = (struct hm_config_layer){.line = p->line};
	mods = strchr(colon + 1, ':');
	ly->name = mods ? strndup(colon + 1, (size_t)(mods - colon - 1)) : strdup(colon + 1);
	if (!ly->name)
		return -ENOMEM;
	for (const char *m = mods ? mods + 1 : ""; *m; m++)
		ly->mods[ly->nmods++] = (uint16_t)layer_mod(*m);
	if (strchr(ly->name, '+')) {
		/* a composite: every part a layer of this profile defined before */
		for (const char *part = ly->name; part;) {
			const char *plus = strchr(part, '+');
			size_t l = plus ? (size_t)(plus - part) : strlen(part);
			unsigned found = 0;

			for (size_t i = 0; i < pr->nlayers; i++)
				if (strlen(pr->layers[i].name) == l &&
				    !strncmp(pr->layers[i].name, part, l) && !pr->layers[i].nparts)
					found = (unsigned)i + 1;
			if (!found) {
				parser_error(p, p->line,
				             "[remap %s]: '%.*s' is no layer defined before (a "
				             "composite layer follows its parts)",
				             id, (int)l, part);
				free(ly->name);
				return 1;
			}
			for (unsigned i = 0; i < ly->nparts; i++)
				if (ly->parts[i] == found) {
					parser_error(p, p->line, "[remap %s]: '%.*s' twice", id,
					             (int)l, part);
					free(ly->name);
					return 1;
				}
			ly->parts[ly->nparts++] = found;
			part = plus ? plus + 1 : NULL;
		}
	}
	pr->nlayers++;
	p->in_layer = true;
	canon_add(p, pr, "[", id, "]");
	return 0;
}

static int begin_remap(struct parser *p, const char *id)
{
	struct hm_config *out = p->out;
	struct hm_config_profile *profiles, *pr;
	const char *colon = strchr(id, ':');

	p->in_layer = false;
	if (colon)
		return begin_layer(p, id, colon);

	for (size_t i = 0; i < out->nprofiles; i++)
		if (streq(out->profiles[i].id, id))
			parser_error(p, p->line, "duplicate section [remap %s] (first on line %u)",
			             id, out->profiles[i].line);

	profiles = append(out->profiles, out->nprofiles, sizeof(*profiles));
	if (!profiles)
		return -ENOMEM;
	out->profiles = profiles;
	pr = &profiles[out->nprofiles];
	*pr = (struct hm_config_profile){.line = p->line};
	hm_config_settings_init(&pr->settings);
	out->nprofiles++;
	pr->id = strdup(id);
	pr->file = strdup(p->path);
	if (!pr->id || !pr->file)
		return -ENOMEM;
	p->last_profile_file_line = p->line;
	return 0;
}

/* [layout ID] and [layout ID:PART]: config-layout.c */
static void layout_error(void *userdata, unsigned line, const char *message)
{
	parser_error(userdata, line, "%s", message);
}

static int begin_layout(struct parser *p, const char *id)
{
	return hm_layout_section_begin(p->out, p->path, p->line, id, layout_error, p);
}

static void key_layout(struct parser *p, const char *name, const char *value)
{
	if (hm_layout_section_key(p->out, p->line, name, value, layout_error, p) < 0)
		p->oom = -ENOMEM;
}

static void end_layout(struct parser *p)
{
	if (hm_layout_section_end(p->out, layout_error, p) < 0)
		p->oom = -ENOMEM;
}

static const struct section_type section_types[] = {
    {"hidmapd", false, begin_global, key_global, NULL},
    {"device", true, begin_device, key_device, end_device},
    {"remap", true, begin_remap, key_remap, NULL},
    {"layout", true, begin_layout, key_layout, end_layout},
};

static void end_section(struct parser *p)
{
	if (p->type && !p->bad_section && p->type->end)
		p->type->end(p);
	p->type = NULL;
	p->bad_section = false;
}

/* "[kind id]" (text has no leading blanks): closes the open section and opens the next. */
static void section_header(struct parser *p, char *text)
{
	const struct section_type *type = NULL;
	char *close, *rest, *kind, *id;
	int r;

	end_section(p);
	canon_trim(p);
	p->bad_section = true; /* until the header is known to be good */
	p->section_line = p->line;
	p->has_match = false;
	p->limit_reported = false;
	p->gen++; /* a new section: no triggers yet */
	memset(p->key_line, 0, sizeof(p->key_line));

	close = strchr(text, ']');
	if (!close) {
		parser_error(p, p->line, "section header without closing ']'");
		return;
	}
	rest = close + 1;
	rest += strspn(rest, " \t\r");
	if (*rest && *rest != ';' && *rest != '#') {
		parser_error(p, p->line, "unexpected '%s' after the section header", rest);
		return;
	}
	*close = '\0';
	kind = strstrip(text + 1);
	id = kind + strcspn(kind, " \t");
	if (*id) {
		*id++ = '\0';
		id = strstrip(id);
	}

	for (size_t i = 0; i < ARRAY_SIZE(section_types); i++)
		if (streq(section_types[i].name, kind))
			type = &section_types[i];
	if (!type) {
		parser_error(p, p->line,
		             "unknown section [%s] (expected [hidmapd], [device ID], [remap ID] or "
		             "[layout ID])",
		             kind);
		return;
	}
	if (type->has_id && !*id) {
		parser_error(p, p->line, "section [%s] needs an id: [%s ID]", kind, kind);
		return;
	}
	if (!type->has_id && *id) {
		parser_error(p, p->line, "section [%s] takes no id", kind);
		return;
	}
	if (type->has_id && !valid_id(id) &&
	    !((streq(kind, "remap") || streq(kind, "layout")) && valid_layer_id(id))) {
		parser_error(
		    p, p->line,
		    "'%s': invalid section id (letters, digits, '-', '_', '.'; at most %d)", id,
		    HM_CONFIG_MAX_ID);
		return;
	}
	if (++p->nsections > HM_CONFIG_MAX_SECTIONS) {
		if (p->nsections == HM_CONFIG_MAX_SECTIONS + 1)
			parser_error(p, p->line, "too many sections (at most %d per file)",
			             HM_CONFIG_MAX_SECTIONS);
		return;
	}
	r = type->begin(p, id);
	if (r < 0) {
		p->oom = r;
		return;
	}
	if (r > 0) /* a broken section: its keys are skipped */
		return;
	p->type = type;
	p->bad_section = false;
}

/* inih's handler: every "key = value" line.  Always continues (returns 1):
 * problems are reported here, with the line, so all of them are found. */
static int key_handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;

	p->handled = true;
	if (p->oom || p->bad_section)
		return 1;
	/* inih strips the blanks before a value, so in "key = ; note" the ';'
	 * no longer follows a blank: it is a comment all the same */
	if (value[0] == ';')
		value = "";
	if (!*name) {
		parser_error(p, p->line, "missing key before '='");
		return 1;
	}
	if (!p->type) {
		parser_error(p, p->line, "key '%s' outside of any section", name);
		return 1;
	}
	p->type->key(p, name, value);
	return 1;
}

/* The previous line was "key = value" text, but inih did not take it. */
static void finish_line(struct parser *p)
{
	if (p->expect_handler && !p->handled) {
		parser_error(p, p->line, "expected 'key = value', a [section] or a comment");
		if (!p->first_rejected_line)
			p->first_rejected_line = p->line;
	}
	p->expect_handler = false;
}

/* inih's reader: one physical line per call, see the top of the file. */
static char *line_reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const char *start, *nl;
	size_t len, max;
	char *text;

	finish_line(p);
	if (p->pos >= p->size)
		return NULL;

	start = p->buf + p->pos;
	nl = memchr(start, '\n', p->size - p->pos);
	len = nl ? (size_t)(nl - start) : p->size - p->pos;
	p->pos += len + (nl ? 1 : 0);
	p->line++;
	str[0] = '\0';

	if (len && start[len - 1] == '\r')
		len--;
	max = HM_CONFIG_MAX_LINE;
	if (num <= 0 || (size_t)num - 1 < max) /* an inih built with a smaller buffer */
		max = num > 0 ? (size_t)num - 1 : 0;
	if (len > max) {
		parser_error(p, p->line, "line too long (more than %zu characters)", max);
		return str;
	}
	if (memchr(start, '\0', len)) {
		parser_error(p, p->line, "line contains a NUL byte");
		return str;
	}
	memcpy(str, start, len);
	str[len] = '\0';
	text = str + strspn(str, " \t\f\v");

	if (*text == '\0' || *text == '#' || *text == ';') {
		str[0] = '\0';
	} else if (*text == '[') {
		section_header(p, text);
		str[0] = '\0';
	} else if (text[strcspn(text, "=:")] != '=') {
		/* no '=', or inih would split at a ':' (a configparser
		 * concession): "key: value" is not our syntax */
		parser_error(p, p->line, "expected 'key = value', a [section] or a comment");
		str[0] = '\0';
	} else {
		memmove(str, text, strlen(text) + 1);
		p->expect_handler = true;
		p->handled = false;
	}
	return str;
}

/* config-private.h */
int config_parse_buffer(const char *path, const char *buf, size_t size, hm_config_diag_fn diag,
                        void *userdata, unsigned *nerrors, struct hm_config **ret)
{
	_cleanup_(hm_config_freep) struct hm_config *out = NULL;
	struct parser p = {
	    .path = path,
	    .diag = diag,
	    .userdata = userdata,
	};
	int r;

	out = hm_config_new_empty();
	if (!out)
		return -ENOMEM;
	p.out = out;
	p.buf = buf;
	p.size = size;
	if (size >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p.pos = 3; /* UTF-8 byte order mark */

	/* The one place inih's result is converted: it returns the first line
	 * it rejected, which line_reader() has already reported, or -2 when
	 * it ran out of memory. */
	r = ini_parse_stream(line_reader, &p, key_handler, &p);
	end_section(&p);
	canon_trim(&p);
	if (p.oom || r == -2)
		return -ENOMEM;
	if (r > 0 && (unsigned)r != p.first_rejected_line)
		parser_error(&p, (unsigned)r, "cannot parse this line");
	else if (r < 0)
		parser_error(&p, 0, "cannot parse this file");

	*nerrors += p.nerrors;
	*ret = steal(&out);
	return 0;
}
