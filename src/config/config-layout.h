/* SPDX-License-Identifier: MIT */
/*
 * The layout language: [layout ID] sections that describe the input
 * reports of a device with vendor-defined reports, so that it needs no C
 * module (doc/hidmapd.ini.5.md, LAYOUTS).  config-parse.c hands the lines of
 * [layout] sections here; the result is a parsed, checked layout.  This
 * file only parses: the layout module (devices/layout/layout.c) compiles a parsed
 * layout into the module that decodes its devices (hm_layout_module_attach(),
 * which fills the fields marked "compiled" below and sets l->driver), and
 * the selection layer (src/select) decides which devices it drives.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/input.h>

#include "config.h"
#include "device-info.h"
#include "output-limits.h"

#define HM_LAYOUT_MAX_REPORT 1024 /* bytes of a report a field may reach */
#define HM_LAYOUT_MAX_FIELDS 512  /* fields per layout */
#define HM_LAYOUT_MAX_PARTS  16   /* sections per layout ([layout ID] + [layout ID:PART]) */
#define HM_LAYOUT_MAX_PREDS  4    /* byte predicates per section (when =) */
#define HM_LAYOUT_MAX_RUN    256  /* buttons in one run, values in one enum */
#define HM_LAYOUT_MAX_INITS  8    /* init reports */
#define HM_LAYOUT_MAX_OUT    64   /* bytes of an init or keep-alive report */
#define HM_LAYOUT_MAX_IDS    32   /* match ids */
#define HM_LAYOUT_MAX_NODES  HM_MAX_OUTPUTS

enum hm_layout_kind {
	HM_LAYOUT_BUTTON,  /* EV_KEY: pressed when the value is not 0 (or is 0: active-low) */
	HM_LAYOUT_ABS,     /* EV_ABS: value * scale + offset, inverted within min..max */
	HM_LAYOUT_DELTA,   /* EV_REL: a signed motion */
	HM_LAYOUT_COUNTER, /* EV_REL: the difference of a wrapping counter, modulo */
	HM_LAYOUT_HAT,     /* ABS_HATnX/Y: 0..7 clockwise from north, else centred */
	HM_LAYOUT_ENUM,    /* EV_KEY: codes[i] is down while the value is values[i] */
};

struct hm_layout_field {
	enum hm_layout_kind kind;
	uint16_t bit;  /* first bit in the report (byte * 8 + bit) */
	uint8_t width; /* 1..32 */
	bool is_signed;
	bool big_endian; /* whole bytes only */
	bool active_low;
	bool invert;
	bool strict;     /* ABS: a value outside min..max rejects the whole report */
	bool plain;      /* narrower than 32 bits, not scaled: the value fits an int as is */
	uint16_t count;  /* buttons in a run (values of an enum); 1 otherwise */
	uint16_t stride; /* bits between the buttons of a run */
	uint16_t end;    /* bytes the report needs for the whole field */
	uint8_t node;    /* index in hm_layout.nodes */
	uint16_t type;   /* EV_KEY, EV_ABS, EV_REL */
	uint16_t code;   /* the code when count is 1 (HAT: ABS_HATnX) */
	uint16_t *codes; /* count codes: run, enum */
	int32_t *values; /* enum: count values */
	int32_t scale_num, scale_den, offset;
	uint64_t modulus; /* COUNTER */
	struct input_absinfo abs;
	char *name;
	unsigned line;
	/* compiled by the layout module (hm_layout_compile()) for the decoder: how to read the
	 * value (a fast run: its bits) and what to do with it */
	uint8_t op;      /* enum hm_layout_op */
	uint8_t ext;     /* enum hm_layout_ext */
	uint8_t opext;   /* op * HM_LAYOUT_NEXT + ext: one dispatch per field */
	uint8_t shift;   /* bits to drop from the bytes read (little-endian) */
	uint8_t nbytes;  /* bytes read */
	uint16_t byte;   /* first byte read */
	uint16_t index;  /* in hm_layout.fields (its counter) */
	uint32_t mask;   /* the value's bits, once shifted */
	uint32_t sign;   /* the sign bit when read signed, else 0 */
	bool strict_raw; /* strict, not scaled: strict_lo..strict_hi bound the value read */
	int64_t strict_lo, strict_hi;
	const struct hm_layout_field *strict_next; /* the part's next strict field, or NULL */
};

/* What the decoder does with a field (compiled from kind and options). */
enum hm_layout_op {
	HM_LAYOUT_OP_BITS,        /* BUTTON: a run of adjacent bits, one read */
	HM_LAYOUT_OP_BUTTON1,     /* BUTTON: one button */
	HM_LAYOUT_OP_BUTTONS,     /* BUTTON: a run with a stride */
	HM_LAYOUT_OP_ABS_PLAIN,   /* ABS: the value as is */
	HM_LAYOUT_OP_ABS,         /* ABS: scaled, offset, inverted */
	HM_LAYOUT_OP_DELTA_PLAIN, /* DELTA: the value as is */
	HM_LAYOUT_OP_DELTA,       /* DELTA: scaled, inverted */
	HM_LAYOUT_OP_COUNTER,
	HM_LAYOUT_OP_WRAP, /* COUNTER: modulus a power of two (the mask), not scaled, plain, not
	                      inverted */
	HM_LAYOUT_OP_HAT,
	HM_LAYOUT_OP_ENUM,
};

/* How a field's value is read: the bytes loaded, then shift, mask, sign. */
enum hm_layout_ext {
	HM_LAYOUT_EXT_U8, /* a whole unsigned byte */
	HM_LAYOUT_EXT_S8, /* a whole signed byte */
	HM_LAYOUT_EXT_LE1,
	HM_LAYOUT_EXT_LE2,
	HM_LAYOUT_EXT_LE3,
	HM_LAYOUT_EXT_LE4,
	HM_LAYOUT_EXT_LE5,
	HM_LAYOUT_EXT_BE, /* nbytes whole bytes, most significant first */
	HM_LAYOUT_NEXT    /* how many; opext is op * HM_LAYOUT_NEXT + ext */
};

struct hm_layout_pred {
	uint16_t byte;
	uint8_t mask; /* BYTE&MASK=VALUE, 0xff for BYTE=VALUE */
	uint8_t value;
};

/* One report: [layout ID] itself or a [layout ID:PART] section. */
struct hm_layout_part {
	char *name; /* NULL for the layout's own section */
	unsigned line;
	uint8_t report_id; /* 0: unnumbered, every report */
	uint16_t length;   /* 0: not declared */
	unsigned npreds;
	struct hm_layout_pred preds[HM_LAYOUT_MAX_PREDS];
	bool has_strict;
	size_t first, nfields; /* in hm_layout.fields */
	/* compiled */
	const struct hm_layout_field *strict; /* its first strict field, or NULL */
	uint16_t max_end;                     /* bytes every field of the part fits in */
	uint32_t need; /* max_end or length, the larger; UINT32_MAX with predicates */
	const struct hm_layout_field *fbegin, *fend; /* its fields in hm_layout.fields */
};

struct hm_layout_node {
	char *key;      /* NULL for the main node, else node.KEY */
	char *name;     /* NULL: the layout's name, else the device's name */
	uint32_t props; /* INPUT_PROP_* bits */
	unsigned line;
};

struct hm_layout_report {
	bool feature; /* else an output report */
	uint8_t size;
	uint8_t data[HM_LAYOUT_MAX_OUT];
};

struct layout_parse;

struct hm_layout {
	char *id;
	char *file;
	unsigned line;
	char *name; /* name = ; NULL: the device's HID name */
	char description[160];
	struct hm_device_id ids[HM_LAYOUT_MAX_IDS + 1]; /* match =, ended by a zero entry */
	size_t nids;
	struct hm_layout_node nodes[HM_LAYOUT_MAX_NODES];
	size_t nnodes;
	struct hm_layout_part parts[HM_LAYOUT_MAX_PARTS];
	size_t nparts;
	struct hm_layout_field *fields;
	size_t nfields;
	struct hm_layout_report inits[HM_LAYOUT_MAX_INITS];
	size_t ninits;
	int interface; /* interface = N: only that USB interface; -1: any */
	struct hm_layout_report keepalive;
	uint64_t keepalive_us;      /* 0: none */
	bool used;                  /* a [device] section names it */
	struct layout_parse *parse; /* while its sections are read */
	/* compiled: the parts a report selects by its first byte (bit i: parts[i]),
	 * those of an empty report; set by hm_layout_compile() */
	bool compiled;
	uint16_t parts_by_id[256];
	uint16_t parts_unnumbered;
	/* what the layout module made of it (devices/layout/layout.h: its module),
	 * freed with it by driver_free; NULL until hm_layout_module_attach() */
	void *driver;
	void (*driver_free)(void *driver);
};

/* Reports one error at line of the file being parsed. */
typedef void (*hm_layout_error_fn)(void *userdata, unsigned line, const char *message);

/* [layout ID] or [layout ID:PART] at line of file, into c->layouts.
 * Returns 0, >0 when the section is broken (reported; its keys are
 * skipped), or -ENOMEM. */
int hm_layout_section_begin(struct hm_config *c, const char *file, unsigned line, const char *id,
                            hm_layout_error_fn error, void *userdata);
/* One key = value line of the open section.  Returns 0 or -ENOMEM. */
int hm_layout_section_key(struct hm_config *c, unsigned line, const char *name, const char *value,
                          hm_layout_error_fn error, void *userdata);
/* The open section ends: checks what needs the whole section. */
int hm_layout_section_end(struct hm_config *c, hm_layout_error_fn error, void *userdata);

void hm_layout_free(struct hm_layout *l);

/* A layout by id, or NULL. */
struct hm_layout *hm_config_find_layout(const struct hm_config *c, const char *id);

/* Whether a layout called id is shipped (the selection layer's store of
 * shipped layouts answers), for a layout = that names no [layout] of the
 * configuration.  NULL: none is. */
typedef bool (*hm_layout_shipped_fn)(const char *id);

/*
 * Once every file is in: each [device] layout = ID names a layout of the
 * configuration or, with no module = or module = layout, a shipped one
 * (shipped(ID)); each layout without match ids is used by some [device].
 * Sets each [device]'s layout_own.  Problems go to diag; returns how many.
 */
unsigned hm_layout_check_config(struct hm_config *c, hm_layout_shipped_fn shipped,
                                hm_config_diag_fn diag, void *userdata);
