/* SPDX-License-Identifier: MIT */
/*
 * The layout language's parser (doc/hidmapd.ini.5.md, LAYOUTS).
 *
 *   [layout ID]                  the device: name, match ids, nodes, init,
 *                                keep-alive, and the fields of one report
 *   [layout ID:PART]             the fields of another report (or of the
 *                                same report under other byte predicates)
 *
 * A field line is "NAME = SOURCE OFFSET [KIND] [OPTION]... -> TARGET... [OPTION]...":
 *   SOURCE  bit | bits | bytes | uN | sN (N = 1..32), with le or be after N > 8
 *   OFFSET  BYTE or BYTE.BIT, as `hidmapd record` prints the report (byte 0
 *           is the report ID of a numbered report)
 *   KIND    button | abs | delta | counter | hat | enum (default: from the
 *           target's event type: EV_KEY button, EV_ABS abs, EV_REL delta)
 *   TARGET  an evdev code by its libevdev name; a run (bits, bytes) takes
 *           one code per button or a first code counted up from; an enum
 *           takes VALUE:CODE pairs
 * Options: count=N min= max= fuzz= flat= res= scale=N[/D] offset= modulo=
 *          node=KEY invert active-low strict.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libevdev/libevdev.h>

#include "config-layout.h"
#include "util-strings.h"

#define MAX_TOKENS 300

/* What only the parse needs: the bits each field of the open section covers. */
struct layout_parse {
	const char *file;
	struct hm_layout_part *part; /* the open section */
	bool open;
	unsigned key_line[16]; /* settings of the open section, by enum setting */
	uint16_t owner[HM_LAYOUT_MAX_REPORT * 8]; /* field index + 1 per bit, 0: free */
};

enum setting {
	SET_NAME,
	SET_MATCH,
	SET_REPORT,
	SET_LENGTH,
	SET_WHEN,
	SET_INIT,
	SET_KEEPALIVE,
	SET_PROPS,
	SET_INTERFACE,
	_SET_MAX,
};

static const char *const setting_names[_SET_MAX] = {
    [SET_NAME] = "name",           [SET_MATCH] = "match", [SET_REPORT] = "report",
    [SET_LENGTH] = "length",       [SET_WHEN] = "when",   [SET_INIT] = "init",
    [SET_KEEPALIVE] = "keepalive", [SET_PROPS] = "props", [SET_INTERFACE] = "interface",
};

/* settings only the layout's own section takes */
static bool setting_is_main(enum setting s)
{
	return s == SET_NAME || s == SET_MATCH || s == SET_INIT || s == SET_KEEPALIVE ||
	       s == SET_PROPS || s == SET_INTERFACE;
}

struct ctx {
	hm_layout_error_fn error;
	void *userdata;
	unsigned line;
};

static void err(struct ctx *x, const char *fmt, ...) _printf_(2, 3);
static void err(struct ctx *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->error(x->userdata, x->line, msg);
}

static struct hm_layout *cur_layout(struct hm_config *c)
{
	return c->nlayouts ? c->layouts[c->nlayouts - 1] : NULL;
}

/* ---- freeing ---------------------------------------------------------------- */

static void field_done(struct hm_layout_field *f)
{
	free(f->codes);
	free(f->values);
	free(f->name);
}

void hm_layout_free(struct hm_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nfields; i++)
		field_done(&l->fields[i]);
	free(l->fields);
	for (size_t i = 0; i < l->nparts; i++)
		free(l->parts[i].name);
	for (size_t i = 0; i < l->nnodes; i++) {
		free(l->nodes[i].key);
		free(l->nodes[i].name);
	}
	if (l->driver_free)
		l->driver_free(l->driver);
	free(l->parse);
	free(l->id);
	free(l->file);
	free(l->name);
	free(l);
}

struct hm_layout *hm_config_find_layout(const struct hm_config *c, const char *id)
{
	for (size_t i = 0; c && i < c->nlayouts; i++)
		if (streq(c->layouts[i]->id, id))
			return c->layouts[i];
	return NULL;
}

/* ---- small parsers ------------------------------------------------------------ */

static int parse_uint(const char *s, uint32_t max, uint32_t *ret)
{
	uint32_t v;

	if (safe_atou32_base(s, 0, &v) < 0 || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_int(const char *s, int32_t *ret)
{
	int64_t v;

	if (startswith(s, "0x") || startswith(s, "0X")) {
		uint32_t u;

		if (safe_atou32_base(s, 16, &u) < 0 || u > INT32_MAX)
			return -EINVAL;
		*ret = (int32_t)u;
		return 0;
	}
	if (safe_atoi64(s, &v) < 0 || v < INT32_MIN || v > INT32_MAX)
		return -EINVAL;
	*ret = (int32_t)v;
	return 0;
}

/* "BYTE" or "BYTE.BIT" -> bit offset */
static int parse_offset(const char *s, uint32_t *ret_bit, bool *ret_has_bit)
{
	char buf[32];
	const char *dot = strchr(s, '.');
	uint32_t byte, bit = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%.*s", dot ? (int)(dot - s) : (int)strlen(s), s);
	if (!buf[0] || safe_atou32_base(buf, 10, &byte) < 0 || byte >= HM_LAYOUT_MAX_REPORT)
		return -EINVAL;
	if (dot && (safe_atou32_base(dot + 1, 10, &bit) < 0 || bit > 7))
		return -EINVAL;
	*ret_bit = byte * 8 + bit;
	*ret_has_bit = dot != NULL;
	return 0;
}

/* A code by its libevdev name: KEY_A, BTN_0, ABS_X, REL_DIAL. */
static int parse_code(const char *s, unsigned *ret_type, unsigned *ret_code)
{
	int type = libevdev_event_type_from_code_name(s);
	int code;

	if (type < 0)
		return -EINVAL;
	code = libevdev_event_code_from_code_name(s);
	if (code < 0)
		return -EINVAL;
	if (type != EV_KEY && type != EV_ABS && type != EV_REL)
		return -EOPNOTSUPP;
	*ret_type = (unsigned)type;
	*ret_code = (unsigned)code;
	return 0;
}

static size_t tokenize(char *s, char **tok, size_t max)
{
	size_t n = 0;

	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

/* "feature 03 02" or "output 00 b1": one report to send */
static int parse_out_report(struct ctx *x, const char *what, char *s, struct hm_layout_report *ret)
{
	char *tok[HM_LAYOUT_MAX_OUT + 2];
	size_t n = tokenize(s, tok, ARRAY_SIZE(tok));

	if (n < 2 || n > HM_LAYOUT_MAX_OUT + 1 ||
	    (!streq(tok[0], "feature") && !streq(tok[0], "output"))) {
		err(x, "%s: expected 'feature' or 'output' and 1 to %d bytes in hex", what,
		    HM_LAYOUT_MAX_OUT);
		return -EINVAL;
	}
	ret->feature = streq(tok[0], "feature");
	ret->size = (uint8_t)(n - 1);
	for (size_t i = 1; i < n; i++) {
		uint32_t b;

		if (strlen(tok[i]) > 2 || safe_atou32_base(tok[i], 16, &b) < 0) {
			err(x, "%s: '%s' is not a byte in hex (like 0b or ff)", what, tok[i]);
			return -EINVAL;
		}
		ret->data[i - 1] = (uint8_t)b;
	}
	return 0;
}

static int parse_props(struct ctx *x, char *s, uint32_t *ret)
{
	char *tok[16];
	size_t n = tokenize(s, tok, ARRAY_SIZE(tok));
	uint32_t props = 0;

	if (n > ARRAY_SIZE(tok)) {
		err(x, "too many properties");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		int p = libevdev_property_from_name(tok[i]);

		if (p < 0 || p >= 32) {
			err(x,
			    "unknown property '%s' (libevdev names, like INPUT_PROP_ACCELEROMETER)",
			    tok[i]);
			return -EINVAL;
		}
		props |= 1u << p;
	}
	*ret = props;
	return 0;
}

/* ---- sections ------------------------------------------------------------------- */

static bool valid_key(const char *s)
{
	if (!*s || strlen(s) > HM_CONFIG_MAX_ID)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '-' && *s != '_')
			return false;
	return true;
}

static int open_part(struct hm_layout *l, const char *name, unsigned line)
{
	struct hm_layout_part *part = &l->parts[l->nparts];

	*part = (struct hm_layout_part){.line = line, .first = l->nfields};
	if (name) {
		part->name = strdup(name);
		if (!part->name)
			return -ENOMEM;
	}
	l->nparts++;
	l->parse->part = part;
	l->parse->open = true;
	memset(l->parse->owner, 0, sizeof(l->parse->owner));
	memset(l->parse->key_line, 0, sizeof(l->parse->key_line));
	return 0;
}

int hm_layout_section_begin(struct hm_config *c, const char *file, unsigned line, const char *id,
                            hm_layout_error_fn error, void *userdata)
{
	struct ctx x = {error, userdata, line};
	const char *colon = strchr(id, ':');
	struct hm_layout *l, **v;

	if (colon) {
		size_t plen = (size_t)(colon - id);

		l = cur_layout(c);
		if (!l || !l->parse || strlen(l->id) != plen || strncmp(l->id, id, plen) != 0) {
			err(&x,
			    "[layout %s]: a report section follows its layout's section "
			    "[layout %.*s] in the same file",
			    id, (int)plen, id);
			return 1;
		}
		for (size_t i = 0; i < l->nparts; i++)
			if (l->parts[i].name && streq(l->parts[i].name, colon + 1)) {
				err(&x, "duplicate section [layout %s] (first on line %u)", id,
				    l->parts[i].line);
				return 1;
			}
		if (l->nparts >= HM_LAYOUT_MAX_PARTS) {
			err(&x, "[layout %s]: at most %d sections per layout", id,
			    HM_LAYOUT_MAX_PARTS);
			return 1;
		}
		return open_part(l, colon + 1, line);
	}

	for (size_t i = 0; i < c->nlayouts; i++)
		if (streq(c->layouts[i]->id, id))
			err(&x, "duplicate section [layout %s] (first on line %u)", id,
			    c->layouts[i]->line);
	/* the previous layout of this file is complete */
	l = cur_layout(c);
	if (l) {
		free(l->parse);
		l->parse = NULL;
	}

	l = zalloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	v = reallocarray(c->layouts, c->nlayouts + 1, sizeof(*v));
	if (!v) {
		free(l);
		return -ENOMEM;
	}
	c->layouts = v;
	c->layouts[c->nlayouts++] = l;
	l->line = line;
	l->id = strdup(id);
	l->file = strdup(file);
	l->parse = zalloc(sizeof(*l->parse));
	if (!l->id || !l->file || !l->parse)
		return -ENOMEM;
	l->parse->file = l->file;
	l->nnodes = 1; /* the main node */
	l->interface = -1;
	l->nodes[0].line = line;
	snprintf(l->description, sizeof(l->description), "layout %s (%s)", id,
	         strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	return open_part(l, NULL, line);
}

static void set_setting(struct ctx *x, struct hm_layout *l, enum setting s, char *value)
{
	struct hm_layout_part *part = l->parse->part;
	uint32_t u;

	switch (s) {
	case SET_NAME:
		free(l->name);
		l->name = strdup(value);
		if (!l->name)
			err(x, "out of memory");
		break;
	case SET_MATCH: {
		char *tok[HM_LAYOUT_MAX_IDS + 1];
		size_t n = tokenize(value, tok, HM_LAYOUT_MAX_IDS);

		if (n > HM_LAYOUT_MAX_IDS) {
			err(x, "match: at most %d ids", HM_LAYOUT_MAX_IDS);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			uint16_t vid, pid;

			if (parse_vid_pid(tok[i], &vid, &pid) < 0 || (!vid && !pid)) {
				err(x, "match: '%s': expected VID:PID in hex, e.g. 0fd9:0060",
				    tok[i]);
				return;
			}
			l->ids[i] = (struct hm_device_id){HM_DEVICE(HM_BUS_ANY, vid, pid)};
			if (l->interface >= 0) {
				l->ids[i].match_flags = HM_MATCH_INTERFACE;
				l->ids[i].interface = (uint8_t)l->interface;
			}
		}
		l->nids = n;
		break;
	}
	case SET_REPORT:
		if (parse_uint(value, 255, &u) < 0) {
			err(x, "report: '%s': expected a report ID 0..255 (0: unnumbered)", value);
			return;
		}
		part->report_id = (uint8_t)u;
		break;
	case SET_LENGTH:
		if (parse_uint(value, HM_LAYOUT_MAX_REPORT, &u) < 0 || u == 0) {
			err(x, "length: '%s': expected 1..%d bytes", value, HM_LAYOUT_MAX_REPORT);
			return;
		}
		part->length = (uint16_t)u;
		break;
	case SET_WHEN: {
		char *tok[HM_LAYOUT_MAX_PREDS + 1];
		size_t n = tokenize(value, tok, HM_LAYOUT_MAX_PREDS);

		if (n == 0 || n > HM_LAYOUT_MAX_PREDS) {
			err(x, "when: 1 to %d predicates BYTE=VALUE", HM_LAYOUT_MAX_PREDS);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			char *eq = strchr(tok[i], '='), *amp;
			uint32_t b, v, m = 0xff;

			if (!eq) {
				err(x, "when: '%s': expected BYTE=VALUE, like 1=0x03", tok[i]);
				return;
			}
			*eq = '\0';
			amp = strchr(tok[i], '&');
			if (amp)
				*amp = '\0';
			if (parse_uint(tok[i], HM_LAYOUT_MAX_REPORT - 1, &b) < 0 ||
			    parse_uint(eq + 1, 255, &v) < 0 ||
			    (amp && parse_uint(amp + 1, 255, &m) < 0) || (v & ~m)) {
				err(x,
				    "when: '%s': expected BYTE=VALUE or BYTE&MASK=VALUE, like 1=0x03",
				    eq + 1);
				return;
			}
			part->preds[i] =
			    (struct hm_layout_pred){(uint16_t)b, (uint8_t)m, (uint8_t)v};
		}
		part->npreds = (unsigned)n;
		break;
	}
	case SET_INIT: {
		size_t n = 0;

		for (char *save = NULL, *t = strtok_r(value, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			if (n == HM_LAYOUT_MAX_INITS) {
				err(x, "init: at most %d reports", HM_LAYOUT_MAX_INITS);
				return;
			}
			if (parse_out_report(x, "init", t, &l->inits[n]) < 0)
				return;
			n++;
		}
		l->ninits = n;
		break;
	}
	case SET_KEEPALIVE: {
		char *sp = value + strcspn(value, " \t");
		uint64_t us;

		if (*sp)
			*sp++ = '\0';
		if (parse_duration(value, 3600 * 1000000ULL, &us) < 0 || us < 10000) {
			err(x, "keepalive: '%s': expected a period of 10ms to 1h, then the report",
			    value);
			return;
		}
		if (parse_out_report(x, "keepalive", sp, &l->keepalive) < 0)
			return;
		l->keepalive_us = us;
		break;
	}
	case SET_PROPS:
		(void)parse_props(x, value, &l->nodes[0].props);
		break;
	case SET_INTERFACE:
		if (parse_uint(value, 255, &u) < 0) {
			err(x, "interface: '%s': expected a USB interface number 0..255", value);
			return;
		}
		l->interface = (int)u;
		/* a predicate of the match ids: selection passes the device's
		 * other interfaces on to the next module */
		for (size_t i = 0; i < l->nids; i++) {
			l->ids[i].match_flags = HM_MATCH_INTERFACE;
			l->ids[i].interface = (uint8_t)u;
		}
		break;
	default:
		break;
	}
}

/* node.KEY = Device Name[, INPUT_PROP_X ...] */
static int add_node(struct ctx *x, struct hm_layout *l, const char *key, char *value)
{
	char *comma = strchr(value, ',');
	struct hm_layout_node *nd;

	if (!valid_key(key)) {
		err(x, "'node.%s': invalid node name (letters, digits, '-', '_')", key);
		return 0;
	}
	for (size_t i = 1; i < l->nnodes; i++)
		if (streq(l->nodes[i].key, key)) {
			err(x, "duplicate node '%s' (first on line %u)", key, l->nodes[i].line);
			return 0;
		}
	if (l->nnodes >= HM_LAYOUT_MAX_NODES) {
		err(x, "at most %d nodes", HM_LAYOUT_MAX_NODES);
		return 0;
	}
	nd = &l->nodes[l->nnodes];
	*nd = (struct hm_layout_node){.line = x->line};
	if (comma) {
		*comma = '\0';
		if (parse_props(x, comma + 1, &nd->props) < 0)
			return 0;
	}
	value = strstrip(value);
	if (!*value) {
		err(x, "node.%s needs a device name", key);
		return 0;
	}
	nd->key = strdup(key);
	nd->name = strdup(value);
	if (!nd->key || !nd->name) {
		free(nd->key);
		free(nd->name);
		return -ENOMEM;
	}
	l->nnodes++;
	return 0;
}

/* ---- fields ----------------------------------------------------------------------- */

static bool is_kind_word(const char *t, enum hm_layout_kind *ret, bool *set)
{
	static const struct {
		const char *name;
		enum hm_layout_kind kind;
	} kinds[] = {
	    {"button", HM_LAYOUT_BUTTON}, {"abs", HM_LAYOUT_ABS},         {"axis", HM_LAYOUT_ABS},
	    {"delta", HM_LAYOUT_DELTA},   {"counter", HM_LAYOUT_COUNTER}, {"hat", HM_LAYOUT_HAT},
	    {"enum", HM_LAYOUT_ENUM},
	};

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (streq(t, kinds[i].name)) {
			*ret = kinds[i].kind;
			*set = true;
			return true;
		}
	return false;
}

struct field_opts {
	int32_t count; /* 0: not given */
	bool has_min, has_max;
	int32_t min, max, fuzz, flat, res;
	int32_t scale_num, scale_den, offset;
	uint64_t modulus;
	const char *node;
	bool invert, active_low, strict;
};

static int parse_option(struct ctx *x, const char *fname, char *t, struct field_opts *o)
{
	char *eq = strchr(t, '=');
	const char *v;
	int32_t i;

	if (!eq) {
		if (streq(t, "invert"))
			o->invert = true;
		else if (streq(t, "active-low"))
			o->active_low = true;
		else if (streq(t, "strict"))
			o->strict = true;
		else {
			err(x, "field '%s': unknown word '%s'", fname, t);
			return -EINVAL;
		}
		return 0;
	}
	*eq = '\0';
	v = eq + 1;
	if (streq(t, "node")) {
		o->node = v;
		return 0;
	}
	if (streq(t, "scale")) {
		const char *slash = strchr(v, '/');
		char num[24];
		int32_t n, d = 1;

		snprintf(num, sizeof(num), "%.*s", slash ? (int)(slash - v) : (int)strlen(v), v);
		if (parse_int(num, &n) < 0 || n == 0 || n < -65536 || n > 65536 ||
		    (slash && (parse_int(slash + 1, &d) < 0 || d <= 0 || d > 65536))) {
			err(x,
			    "field '%s': scale=%s: expected N or N/D (|N|, D up to 65536, not 0)",
			    fname, v);
			return -EINVAL;
		}
		o->scale_num = n;
		o->scale_den = d;
		return 0;
	}
	if (streq(t, "modulo")) {
		uint32_t m;

		if (startswith(v, "4294967296"))
			o->modulus = 1ULL << 32;
		else if (parse_uint(v, UINT32_MAX, &m) < 0 || m < 2) {
			err(x, "field '%s': modulo=%s: expected 2..4294967296", fname, v);
			return -EINVAL;
		} else
			o->modulus = m;
		return 0;
	}
	if (parse_int(v, &i) < 0) {
		err(x, "field '%s': %s=%s: expected an integer", fname, t, v);
		return -EINVAL;
	}
	if (streq(t, "count")) {
		if (i < 1 || i > HM_LAYOUT_MAX_RUN) {
			err(x, "field '%s': count=%s: expected 1..%d", fname, v, HM_LAYOUT_MAX_RUN);
			return -EINVAL;
		}
		o->count = i;
	} else if (streq(t, "min")) {
		o->min = i;
		o->has_min = true;
	} else if (streq(t, "max")) {
		o->max = i;
		o->has_max = true;
	} else if (streq(t, "fuzz"))
		o->fuzz = i;
	else if (streq(t, "flat"))
		o->flat = i;
	else if (streq(t, "res") || streq(t, "resolution"))
		o->res = i;
	else if (streq(t, "offset"))
		o->offset = i;
	else {
		err(x, "field '%s': unknown option '%s'", fname, t);
		return -EINVAL;
	}
	return 0;
}

/* "u16le" -> width 16, unsigned, little endian */
static int parse_source(const char *t, unsigned *width, bool *is_signed, bool *big_endian,
                        bool *run_bits, bool *run_bytes)
{
	const char *p;
	uint32_t w;
	char digits[8];
	size_t nd;

	*is_signed = *big_endian = *run_bits = *run_bytes = false;
	if (streq(t, "bit")) {
		*width = 1;
		return 0;
	}
	if (streq(t, "bits")) {
		*width = 1;
		*run_bits = true;
		return 0;
	}
	if (streq(t, "bytes")) {
		*width = 8;
		*run_bytes = true;
		return 0;
	}
	if (t[0] != 'u' && t[0] != 's')
		return -EINVAL;
	*is_signed = t[0] == 's';
	p = t + 1;
	nd = strspn(p, "0123456789");
	if (nd == 0 || nd >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, p, nd);
	digits[nd] = '\0';
	if (safe_atou32_base(digits, 10, &w) < 0)
		return -EINVAL;
	p += nd;
	if (streq(p, "be"))
		*big_endian = true;
	else if (*p && !streq(p, "le"))
		return -EINVAL;
	*width = w;
	return 0;
}

/* What a field line says, before its kind makes a field of it. */
struct field_spec {
	const char *fname;
	unsigned width;
	uint32_t bit;
	bool is_signed, big_endian, run_bits, run_bytes;
	enum hm_layout_kind kind;
	struct field_opts o;
	unsigned codes_type; /* of every code */
	size_t ncodes;
	uint16_t codes[HM_LAYOUT_MAX_RUN];
	int32_t values[HM_LAYOUT_MAX_RUN]; /* an enum's, by code */
};

static bool is_run(const struct field_spec *s)
{
	return s->run_bits || s->run_bytes;
}

/* SOURCE OFFSET, the words of the line that say where the field is. */
static int parse_field_place(struct ctx *x, char **tok, struct field_spec *s)
{
	bool has_bit;

	if (parse_source(tok[0], &s->width, &s->is_signed, &s->big_endian, &s->run_bits,
	                 &s->run_bytes) < 0) {
		err(x, "field '%s': unknown source '%s' (bit, bits, bytes, uN, sN, uNle, uNbe...)",
		    s->fname, tok[0]);
		return -EINVAL;
	}
	if (s->width < 1 || s->width > 32) {
		err(x, "field '%s': width %u is out of range (1 to 32 bits)", s->fname, s->width);
		return -EINVAL;
	}
	if (parse_offset(tok[1], &s->bit, &has_bit) < 0) {
		err(x, "field '%s': '%s': expected BYTE or BYTE.BIT (byte below %d, bit 0..7)",
		    s->fname, tok[1], HM_LAYOUT_MAX_REPORT);
		return -EINVAL;
	}
	if (s->run_bytes && has_bit) {
		err(x, "field '%s': bytes start at a whole byte", s->fname);
		return -EINVAL;
	}
	return 0;
}

/* One word after '->': an option, CODE, or an enum's VALUE:CODE. */
static int parse_field_target(struct ctx *x, char *t, struct field_spec *s)
{
	unsigned type, code;
	char *colon = strchr(t, ':');
	const char *name = t;
	int32_t val = 0;
	int r;

	if (strchr(t, '=') || streq(t, "invert") || streq(t, "active-low") || streq(t, "strict"))
		return parse_option(x, s->fname, t, &s->o);
	if (colon) {
		*colon = '\0';
		if (parse_int(t, &val) < 0) {
			err(x, "field '%s': '%s': expected VALUE:CODE", s->fname, t);
			return -EINVAL;
		}
		name = colon + 1;
	}
	r = parse_code(name, &type, &code);
	if (r == -EOPNOTSUPP) {
		err(x, "field '%s': '%s': a layout emits EV_KEY, EV_ABS or EV_REL codes", s->fname,
		    name);
		return -EINVAL;
	}
	if (r < 0) {
		err(x, "field '%s': unknown code '%s' (libevdev names, like KEY_F13)", s->fname,
		    name);
		return -EINVAL;
	}
	if (s->ncodes == HM_LAYOUT_MAX_RUN) {
		err(x, "field '%s': at most %d codes", s->fname, HM_LAYOUT_MAX_RUN);
		return -EINVAL;
	}
	if (s->ncodes && type != s->codes_type) {
		err(x, "field '%s': '%s' is not of the same event type as the first code", s->fname,
		    name);
		return -EINVAL;
	}
	/* the kind given so far: an enum is named before its pairs */
	if ((colon != NULL) != (s->kind == HM_LAYOUT_ENUM)) {
		err(x, "field '%s': %s", s->fname,
		    s->kind == HM_LAYOUT_ENUM ? "an enum maps VALUE:CODE pairs"
		                              : "VALUE:CODE pairs are for an enum");
		return -EINVAL;
	}
	s->codes_type = type;
	s->values[s->ncodes] = val;
	s->codes[s->ncodes++] = (uint16_t)code;
	return 0;
}

/* "SOURCE OFFSET [KIND] [OPTION]... -> TARGET... [OPTION]..." into s. */
static int parse_field_line(struct ctx *x, char *value, struct field_spec *s)
{
	char *tok[MAX_TOKENS + 1];
	size_t n = tokenize(value, tok, MAX_TOKENS), arrow = 0;
	bool kind_set = false;

	if (n > MAX_TOKENS) {
		err(x, "field '%s': too many words", s->fname);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (streq(tok[i], "->")) {
			arrow = i;
			break;
		}
	if (n < 4 || arrow < 2) {
		err(x,
		    "field '%s': expected 'SOURCE OFFSET [KIND] [OPTIONS] -> CODE', like "
		    "'bit 1.0 -> KEY_F13'",
		    s->fname);
		return -EINVAL;
	}
	if (parse_field_place(x, tok, s) < 0)
		return -EINVAL;
	for (size_t i = 2; i < arrow; i++) {
		if (is_kind_word(tok[i], &s->kind, &kind_set))
			continue;
		if (parse_option(x, s->fname, tok[i], &s->o) < 0)
			return -EINVAL;
	}
	for (size_t i = arrow + 1; i < n; i++)
		if (parse_field_target(x, tok[i], s) < 0)
			return -EINVAL;
	if (!s->ncodes) {
		err(x, "field '%s': no code after '->'", s->fname);
		return -EINVAL;
	}
	if (!kind_set)
		s->kind = s->codes_type == EV_ABS   ? HM_LAYOUT_ABS
		          : s->codes_type == EV_REL ? HM_LAYOUT_DELTA
		                                    : HM_LAYOUT_BUTTON;
	return 0;
}

/* The codes of a run or an enum, f->count of them (and an enum's values). */
static int copy_codes(const struct field_spec *s, struct hm_layout_field *f)
{
	f->codes = malloc(f->count * sizeof(*f->codes));
	if (!f->codes)
		return -ENOMEM;
	memcpy(f->codes, s->codes, f->count * sizeof(*f->codes));
	if (s->kind != HM_LAYOUT_ENUM)
		return 0;
	f->values = malloc(f->count * sizeof(*f->values));
	if (!f->values)
		return -ENOMEM;
	memcpy(f->values, s->values, f->count * sizeof(*f->values));
	return 0;
}

/* min=, max=, fuzz=, flat=, res= on a field that is no absolute axis; a hat
 * takes min= as its first direction (hat_min). */
static int no_absinfo(struct ctx *x, const struct field_spec *s, struct hm_layout_field *f,
                      bool hat_min)
{
	const struct field_opts *o = &s->o;

	if (!o->has_min && !o->has_max && !o->fuzz && !o->flat && !o->res)
		return 0;
	if (!hat_min || o->has_max || o->fuzz || o->flat || o->res) {
		err(x, "field '%s': min, max, fuzz, flat, res are for absolute axes", s->fname);
		return -EINVAL;
	}
	f->abs.minimum = o->min;
	return 0;
}

/* ---- one function per kind of field: what is particular to it ---- */

/* bit, uN: one button; bits, bytes: a run of them, given count= codes
 * counted up from the first or listed one each */
static int build_button(struct ctx *x, struct field_spec *s, struct hm_layout_field *f)
{
	unsigned count;
	int r;

	if (is_run(s)) {
		count = s->o.count ? (unsigned)s->o.count : (unsigned)s->ncodes;
		if (s->ncodes > 1 && s->o.count && (unsigned)s->o.count != s->ncodes) {
			err(x, "field '%s': count=%d but %zu codes", s->fname, s->o.count,
			    s->ncodes);
			return -EINVAL;
		}
		if (s->ncodes == 1) {
			/* consecutive codes from the first */
			for (unsigned i = 1; i < count; i++) {
				unsigned c = s->codes[0] + i;

				/* unnamed codes too: hid-generic gives BTN_0 + 10.. */
				if (c > KEY_MAX) {
					err(x,
					    "field '%s': %s + %u is beyond KEY_MAX; list the codes",
					    s->fname,
					    libevdev_event_code_get_name(EV_KEY, s->codes[0]), i);
					return -EINVAL;
				}
				s->codes[i] = (uint16_t)c;
			}
		}
		f->count = (uint16_t)count;
		f->stride = s->run_bytes ? 8 : 1;
	}
	if (f->count > 1) {
		r = copy_codes(s, f);
		if (r < 0)
			return r;
	}
	return no_absinfo(x, s, f, false);
}

/* the value scaled, within min..max: the field's natural range unless given */
static int build_abs(struct ctx *x, struct field_spec *s, struct hm_layout_field *f)
{
	const struct field_opts *o = &s->o;
	unsigned width = s->width;
	int64_t lo = f->is_signed ? -(1LL << (width - 1)) : 0;
	int64_t hi = f->is_signed ? (1LL << (width - 1)) - 1 : (1LL << width) - 1;
	int64_t a = lo * f->scale_num / f->scale_den + f->offset;
	int64_t b = hi * f->scale_num / f->scale_den + f->offset;

	if (a > b) {
		int64_t t = a;
		a = b;
		b = t;
	}
	f->abs.minimum = o->has_min ? o->min : (int32_t)(a < INT32_MIN ? INT32_MIN : a);
	f->abs.maximum = o->has_max ? o->max : (int32_t)(b > INT32_MAX ? INT32_MAX : b);
	f->abs.fuzz = o->fuzz;
	f->abs.flat = o->flat;
	f->abs.resolution = o->res;
	if (f->abs.minimum >= f->abs.maximum) {
		err(x, "field '%s': min must be below max", s->fname);
		return -EINVAL;
	}
	return 0;
}

static int build_delta(struct ctx *x, struct field_spec *s, struct hm_layout_field *f)
{
	return no_absinfo(x, s, f, false);
}

/* the difference to the last value, wrapping at modulo= (or the width) */
static int build_counter(struct ctx *x, struct field_spec *s, struct hm_layout_field *f)
{
	f->modulus = s->o.modulus ? s->o.modulus : 1ULL << s->width;
	if (f->modulus > 1ULL << s->width) {
		err(x, "field '%s': modulo=%" PRIu64 " is more than a %u-bit counter holds",
		    s->fname, f->modulus, s->width);
		return -EINVAL;
	}
	return no_absinfo(x, s, f, false);
}

static int build_hat(struct ctx *x, struct field_spec *s, struct hm_layout_field *f)
{
	int r = no_absinfo(x, s, f, true);

	if (r < 0)
		return r;
	if (s->width < 3) {
		err(x, "field '%s': a hat has at least 3 bits", s->fname);
		return -EINVAL;
	}
	return 0;
}

/* VALUE:CODE pairs: a key down while the field holds its value */
static int build_enum(struct ctx *x, struct field_spec *s, struct hm_layout_field *f)
{
	int r;

	f->count = (uint16_t)s->ncodes;
	r = copy_codes(s, f);
	if (r < 0)
		return r;
	return no_absinfo(x, s, f, false);
}

static bool is_hat_code(uint16_t code)
{
	return code >= ABS_HAT0X && code <= ABS_HAT3Y && (code - ABS_HAT0X) % 2 == 0;
}

enum {
	TAKES_RUN = 1 << 0, /* bits, bytes, count= */
	TAKES_ACTIVE_LOW = 1 << 1,
	TAKES_INVERT = 1 << 2,
	TAKES_STRICT = 1 << 3,
	TAKES_MODULO = 1 << 4,
};

static const struct field_kind {
	unsigned type;     /* of its codes */
	const char *emits; /* what it emits, said when the codes are of another type */
	bool (*code_ok)(uint16_t first); /* NULL: any code of the type */
	unsigned takes;                  /* TAKES_* */
	int (*build)(struct ctx *x, struct field_spec *s, struct hm_layout_field *f);
} field_kinds[] = {
    /* the messages are as they were, "a enum" too */
    [HM_LAYOUT_BUTTON] = {EV_KEY, "a button emits key or button codes (KEY_*, BTN_*)", NULL,
                          TAKES_RUN | TAKES_ACTIVE_LOW, build_button},
    [HM_LAYOUT_ENUM] = {EV_KEY, "a enum emits key or button codes (KEY_*, BTN_*)", NULL, 0,
                        build_enum},
    [HM_LAYOUT_ABS] = {EV_ABS, "an absolute axis emits an ABS_* code", NULL,
                       TAKES_INVERT | TAKES_STRICT, build_abs},
    [HM_LAYOUT_DELTA] = {EV_REL, "relative motion emits a REL_* code", NULL, TAKES_INVERT,
                         build_delta},
    [HM_LAYOUT_COUNTER] = {EV_REL, "relative motion emits a REL_* code", NULL,
                           TAKES_INVERT | TAKES_MODULO, build_counter},
    [HM_LAYOUT_HAT] = {EV_ABS, "a hat emits ABS_HAT0X..ABS_HAT3X (and its Y)", is_hat_code, 0,
                       build_hat},
};

/* Whether the kind, the codes and the options agree, in the order the
 * messages have always come in. */
static int check_field_kind(struct ctx *x, const struct field_spec *s, const struct field_kind *k)
{
	/* the options of some kinds only, checked in this order */
	static const struct {
		unsigned option;
		const char *says;
	} only_for[] = {
	    {TAKES_ACTIVE_LOW, "active-low is for buttons"},
	    {TAKES_INVERT, "invert is for axes (active-low for buttons)"},
	    {TAKES_STRICT, "strict is for absolute axes"},
	    {TAKES_MODULO, "modulo is for counters"},
	};
	const struct field_opts *o = &s->o;
	unsigned given = (o->active_low ? TAKES_ACTIVE_LOW : 0) | (o->invert ? TAKES_INVERT : 0) |
	                 (o->strict ? TAKES_STRICT : 0) | (o->modulus ? TAKES_MODULO : 0);

	if (s->codes_type != k->type || (k->code_ok && !k->code_ok(s->codes[0]))) {
		err(x, "field '%s': %s", s->fname, k->emits);
		return -EINVAL;
	}
	if (is_run(s) && !(k->takes & TAKES_RUN)) {
		err(x, "field '%s': bits and bytes are runs of buttons", s->fname);
		return -EINVAL;
	}
	if (s->kind != HM_LAYOUT_ENUM && !is_run(s) && s->ncodes > 1) {
		err(x, "field '%s': one code expected (several are for bits, bytes or enum)",
		    s->fname);
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(only_for); i++)
		if (given & only_for[i].option & ~k->takes) {
			err(x, "field '%s': %s", s->fname, only_for[i].says);
			return -EINVAL;
		}
	if (o->count && !is_run(s)) {
		err(x, "field '%s': count is for runs (bits, bytes)", s->fname);
		return -EINVAL;
	}
	if (s->big_endian && (s->bit % 8 || s->width % 8)) {
		err(x, "field '%s': a big-endian field is whole bytes at a whole byte", s->fname);
		return -EINVAL;
	}
	return 0;
}

/* Where f ends, its node, and that it overlaps no field before it: then
 * it is the layout's.  On success f is handed over. */
static int place_field(struct ctx *x, struct hm_layout *l, const struct field_spec *s,
                       struct hm_layout_field *f)
{
	struct layout_parse *ps = l->parse;
	struct hm_layout_field *fields;
	/* the bits a field covers: count values of a run, one value otherwise
	 * (an enum's count is its number of values) */
	unsigned nrun = is_run(s) ? f->count : 1;
	uint64_t last_bit = (uint64_t)f->bit + (uint64_t)(nrun - 1) * f->stride + f->width;

	if (last_bit > HM_LAYOUT_MAX_REPORT * 8) {
		err(x, "field '%s' ends beyond byte %d", s->fname, HM_LAYOUT_MAX_REPORT);
		return -EINVAL;
	}
	f->end = (uint16_t)((last_bit + 7) / 8);

	if (s->o.node) {
		size_t i;

		for (i = 1; i < l->nnodes; i++)
			if (streq(l->nodes[i].key, s->o.node))
				break;
		if (i == l->nnodes) {
			err(x, "field '%s': node=%s, but there is no node.%s = NAME in [layout %s]",
			    s->fname, s->o.node, s->o.node, l->id);
			return -EINVAL;
		}
		f->node = (uint8_t)i;
	}

	/* overlaps: every bit of the field against the fields before it */
	for (unsigned i = 0; i < nrun; i++)
		for (unsigned b = 0; b < f->width; b++) {
			unsigned at = f->bit + i * f->stride + b;

			if (ps->owner[at]) {
				const struct hm_layout_field *o2 = &l->fields[ps->owner[at] - 1];

				err(x, "field '%s' overlaps field '%s' (line %u) at byte %u bit %u",
				    s->fname, o2->name, o2->line, at / 8, at % 8);
				return -EINVAL;
			}
		}
	if (l->nfields >= HM_LAYOUT_MAX_FIELDS) {
		err(x, "at most %d fields per layout", HM_LAYOUT_MAX_FIELDS);
		return -EINVAL;
	}
	f->name = strdup(s->fname);
	fields = f->name ? reallocarray(l->fields, l->nfields + 1, sizeof(*fields)) : NULL;
	if (!fields)
		return -ENOMEM;
	l->fields = fields;
	for (unsigned i = 0; i < nrun; i++)
		for (unsigned b = 0; b < f->width; b++)
			ps->owner[f->bit + i * f->stride + b] = (uint16_t)(l->nfields + 1);
	if (f->strict)
		ps->part->has_strict = true;
	l->fields[l->nfields++] = *f;
	ps->part->nfields++;
	return 0;
}

/* A field line: parsed, checked against its kind, built by its kind, placed.
 * A problem is reported (the line is left out); only -ENOMEM is returned. */
static int add_field(struct ctx *x, struct hm_layout *l, const char *fname, char *value)
{
	struct field_spec s = {
	    .fname = fname,
	    .kind = HM_LAYOUT_BUTTON,
	    .o = {.scale_num = 1, .scale_den = 1},
	};
	const struct field_kind *k;
	struct hm_layout_field f;
	int r;

	if (parse_field_line(x, value, &s) < 0)
		return 0;
	k = &field_kinds[s.kind];
	if (check_field_kind(x, &s, k) < 0)
		return 0;
	f = (struct hm_layout_field){
	    .kind = s.kind,
	    .bit = (uint16_t)s.bit,
	    .width = (uint8_t)s.width,
	    .is_signed = s.is_signed,
	    .big_endian = s.big_endian,
	    .active_low = s.o.active_low,
	    .invert = s.o.invert,
	    .strict = s.o.strict,
	    .plain = s.width < 32 && s.o.scale_num == 1 && s.o.scale_den == 1 && s.o.offset == 0,
	    .count = 1,
	    .stride = (uint16_t)s.width,
	    .type = (uint16_t)s.codes_type,
	    .code = s.codes[0],
	    .scale_num = s.o.scale_num,
	    .scale_den = s.o.scale_den,
	    .offset = s.o.offset,
	    .line = x->line,
	};
	r = k->build(x, &s, &f);
	if (r == 0)
		r = place_field(x, l, &s, &f);
	if (r < 0)
		field_done(&f);
	return r == -ENOMEM ? r : 0;
}

int hm_layout_section_key(struct hm_config *c, unsigned line, const char *name, const char *value,
                          hm_layout_error_fn error, void *userdata)
{
	struct ctx x = {error, userdata, line};
	struct hm_layout *l = cur_layout(c);
	struct layout_parse *ps = l->parse;
	char buf[HM_CONFIG_MAX_LINE + 1];
	const char *node;

	snprintf(buf, sizeof(buf), "%s", value);
	for (enum setting s = 0; s < _SET_MAX; s++) {
		if (!streq(setting_names[s], name))
			continue;
		if (ps->part->name && setting_is_main(s)) {
			err(&x, "'%s' goes in the layout's own section [layout %s]", name, l->id);
			return 0;
		}
		if (ps->key_line[s]) {
			err(&x, "duplicate key '%s' (first set on line %u)", name, ps->key_line[s]);
			return 0;
		}
		ps->key_line[s] = line;
		if (!*value) {
			err(&x, "'%s' needs a value", name);
			return 0;
		}
		set_setting(&x, l, s, buf);
		return 0;
	}
	node = startswith(name, "node.");
	if (node) {
		if (ps->part->name) {
			err(&x, "nodes are declared in the layout's own section [layout %s]",
			    l->id);
			return 0;
		}
		return add_node(&x, l, node, buf);
	}
	if (!valid_key(name)) {
		err(&x, "'%s': invalid field name (letters, digits, '-', '_')", name);
		return 0;
	}
	for (size_t i = ps->part->first; i < l->nfields; i++)
		if (streq(l->fields[i].name, name)) {
			err(&x, "duplicate field '%s' (first on line %u)", name, l->fields[i].line);
			return 0;
		}
	return add_field(&x, l, name, buf);
}

int hm_layout_section_end(struct hm_config *c, hm_layout_error_fn error, void *userdata)
{
	struct hm_layout *l = cur_layout(c);
	struct hm_layout_part *part;
	struct ctx x = {error, userdata, 0};

	if (!l || !l->parse || !l->parse->open)
		return 0;
	part = l->parse->part;
	l->parse->open = false;
	for (size_t i = part->first; i < part->first + part->nfields; i++) {
		const struct hm_layout_field *f = &l->fields[i];

		if (part->length && f->end > part->length) {
			x.line = f->line;
			err(&x, "field '%s' ends at byte %u, beyond the report's length %u",
			    f->name, f->end - 1u, part->length);
		}
	}
	for (size_t i = 0; i < part->npreds; i++) {
		if (part->length && part->preds[i].byte >= part->length) {
			x.line = part->line;
			err(&x, "when: byte %u is beyond the report's length %u",
			    part->preds[i].byte, part->length);
		}
	}
	return 0;
}

/* ---- after the load ------------------------------------------------------------ */

_Static_assert(HM_LAYOUT_MAX_PARTS <= 16, "parts_by_id holds a part per bit");

/* the extractor for bits [bit, bit + width) (little-endian) or, big-endian,
 * width / 8 whole bytes from bit / 8 */
unsigned hm_layout_check_config(struct hm_config *c, hm_layout_shipped_fn shipped,
                                hm_config_diag_fn diag, void *userdata)
{
	unsigned nerrors = 0;
	char msg[512];

	for (size_t i = 0; i < c->nlayouts; i++) {
		free(c->layouts[i]->parse);
		c->layouts[i]->parse = NULL;
		c->layouts[i]->used = false;
	}
	for (size_t i = 0; i < c->ndevices; i++) {
		struct hm_config_device *d = &c->devices[i];
		struct hm_layout *l;

		d->layout_own = NULL;
		if (!d->layout)
			continue;
		l = hm_config_find_layout(c, d->layout);
		/* a shipped layout, for a device with other ids (a clone) */
		if (!l && (!d->module || streq(d->module, "layout")) && shipped &&
		    shipped(d->layout))
			continue;
		if (!l) {
			snprintf(msg, sizeof(msg),
			         "[device %s]: layout = %s, but there is no [layout %s] (here or "
			         "shipped)",
			         d->id, d->layout, d->layout);
			if (diag)
				diag(userdata, d->file, d->line, msg);
			nerrors++;
			continue;
		}
		if (d->module && !streq(d->module, "layout")) {
			snprintf(msg, sizeof(msg),
			         "[device %s]: layout = %s needs module = layout, not module = %s",
			         d->id, d->layout, d->module);
			if (diag)
				diag(userdata, d->file, d->line, msg);
			nerrors++;
			continue;
		}
		l->used = true;
		d->layout_own = l;
	}
	for (size_t i = 0; i < c->nlayouts; i++) {
		struct hm_layout *l = c->layouts[i];

		if (!l->nfields) {
			snprintf(msg, sizeof(msg), "[layout %s] has no fields", l->id);
			if (diag)
				diag(userdata, l->file, l->line, msg);
			nerrors++;
		}
		if (l->used || l->nids)
			continue;
		snprintf(msg, sizeof(msg),
		         "[layout %s] is used by no device: name it in a [device] section "
		         "(layout = %s) or give it match ids",
		         l->id, l->id);
		if (diag)
			diag(userdata, l->file, l->line, msg);
		nerrors++;
	}
	return nerrors;
}
