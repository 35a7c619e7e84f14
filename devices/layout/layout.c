/* SPDX-License-Identifier: MIT */
/*
 * The layout module: decodes a device's reports as a [layout] section
 * describes them (src/config/config-layout.c parses it; doc/hidmapd.ini.5.md,
 * LAYOUTS).  hm_layout_module_attach() compiles a parsed layout and gives it
 * its own struct hm_module with these hooks.  The module called "layout" in
 * the registry has no layout of its own: the selection layer puts the
 * shipped layout (*.ini in devices/layouts, installed in
 * HIDMAPD_DATADIR/layouts) that matches the device in its place.
 *
 * Decoding allocates nothing: probe sizes the state (one counter reference
 * per field), and every field is read straight from the report bytes.  It
 * runs on the form hm_layout_compile() resolved at load: the parts a report
 * selects come from a table by its first byte, each field has one dispatch
 * value (opext) for what it does and how its bits are read (byte, shift,
 * mask, sign), a part's strict axes are a list, and a part whose report
 * has every byte it needs and no predicate takes the inline path (one part,
 * no loop); the rest (predicates, short reports, several parts) is out of
 * line.  Every report goes through the same code as before: no field is
 * skipped because its bytes did not change.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "util-log.h"
#include "util-strings.h"

#define _always_inline_ inline __attribute__((always_inline))

struct counter {
	int64_t last;
	bool have; /* the first report only sets the reference */
};

struct layout_state {
	const struct hm_layout *layout;
	uint64_t short_fields;            /* fields skipped because the report was too short */
	uint8_t out[HM_LAYOUT_MAX_NODES]; /* node -> output index */
	struct counter counters[];        /* one per field */
};

static size_t layout_priv_size(const struct hm_layout *l)
{
	return sizeof(struct layout_state) + l->nfields * sizeof(struct counter);
}

/* ---- compiling: what decoding needs, resolved once ----------------------------------- */

static void compile_ext(struct hm_layout_field *f, unsigned bit, unsigned width, bool is_signed,
                        bool big_endian)
{
	/* a single bit reads 0 or 1, signed or not, as ever */
	if (width == 1)
		is_signed = false;
	f->byte = (uint16_t)(bit / 8);
	f->mask = width >= 32 ? UINT32_MAX : (1u << width) - 1;
	f->sign = is_signed ? 1u << (width - 1) : 0;
	if (big_endian && width > 8) {
		f->ext = HM_LAYOUT_EXT_BE;
		f->shift = 0;
		f->nbytes = (uint8_t)(width / 8);
		return;
	}
	f->shift = (uint8_t)(bit % 8);
	f->nbytes = (uint8_t)((f->shift + width + 7) / 8);
	if (width == 8 && !f->shift)
		f->ext = is_signed ? HM_LAYOUT_EXT_S8 : HM_LAYOUT_EXT_U8;
	else
		f->ext = (uint8_t)(HM_LAYOUT_EXT_LE1 + f->nbytes - 1);
}

static void compile_op(struct hm_layout_field *f)
{
	bool is_signed = f->is_signed;

	switch (f->kind) {
	case HM_LAYOUT_BUTTON:
		if (f->stride == 1 && f->width == 1 && f->count > 1 && f->count <= 25) {
			f->op = HM_LAYOUT_OP_BITS;
			compile_ext(f, f->bit, f->count, false, false);
			f->sign = f->active_low ? f->mask : 0; /* flipped */
			return;
		}
		f->op = f->count > 1 ? HM_LAYOUT_OP_BUTTONS : HM_LAYOUT_OP_BUTTON1;
		is_signed = false;
		break;
	case HM_LAYOUT_ABS:
		f->op = f->plain && !f->invert ? HM_LAYOUT_OP_ABS_PLAIN : HM_LAYOUT_OP_ABS;
		break;
	case HM_LAYOUT_DELTA:
		f->op = f->plain && !f->invert ? HM_LAYOUT_OP_DELTA_PLAIN : HM_LAYOUT_OP_DELTA;
		break;
	case HM_LAYOUT_COUNTER:
		is_signed = false; /* a counter's raw value wraps unsigned */
		if (f->modulus >= 2 && !(f->modulus & (f->modulus - 1)) && f->plain && !f->invert &&
		    f->scale_num == 1 && f->scale_den == 1) {
			f->op = HM_LAYOUT_OP_WRAP;
			compile_ext(f, f->bit, f->width, false, f->big_endian);
			f->mask &= (uint32_t)(f->modulus - 1); /* the value modulo */
			return;
		}
		f->op = HM_LAYOUT_OP_COUNTER;
		break;
	case HM_LAYOUT_HAT:
		f->op = HM_LAYOUT_OP_HAT;
		break;
	case HM_LAYOUT_ENUM:
		f->op = HM_LAYOUT_OP_ENUM;
		break;
	}
	compile_ext(f, f->bit, f->width, is_signed, f->big_endian);
}

static void compile_field(struct hm_layout_field *f)
{
	compile_op(f);
	f->opext = (uint8_t)(f->op * HM_LAYOUT_NEXT + f->ext);
}

void hm_layout_compile(struct hm_layout *l)
{
	for (size_t pi = 0; pi < l->nparts; pi++) {
		struct hm_layout_part *p = &l->parts[pi];
		const struct hm_layout_field **strict_link = &p->strict;

		p->max_end = 0;
		*strict_link = NULL;
		for (size_t i = p->first; i < p->first + p->nfields; i++) {
			struct hm_layout_field *f = &l->fields[i];

			compile_field(f);
			f->index = (uint16_t)i;
			f->strict_next = NULL;
			if (f->end > p->max_end)
				p->max_end = f->end;
			if (f->strict) {
				/* value + offset within min..max, unscaled */
				f->strict_raw = f->scale_num == 1 && f->scale_den == 1;
				f->strict_lo = (int64_t)f->abs.minimum - f->offset;
				f->strict_hi = (int64_t)f->abs.maximum - f->offset;
				*strict_link = f;
				strict_link = &f->strict_next;
			}
		}
		/* the common case needs no predicate and the report this long */
		p->need = p->npreds ? UINT32_MAX : p->max_end > p->length ? p->max_end : p->length;
		p->fbegin = l->fields + p->first;
		p->fend = p->fbegin + p->nfields;
	}
	l->parts_unnumbered = 0;
	for (size_t pi = 0; pi < l->nparts; pi++)
		if (!l->parts[pi].report_id)
			l->parts_unnumbered |= (uint16_t)(1u << pi);
	for (unsigned id = 0; id < 256; id++) {
		l->parts_by_id[id] = l->parts_unnumbered;
		for (size_t pi = 0; pi < l->nparts; pi++)
			if (id && l->parts[pi].report_id == id)
				l->parts_by_id[id] |= (uint16_t)(1u << pi);
	}
	l->compiled = true;
}

/* ---- the value of a field ----------------------------------------------------------- */

/* bits [bit, bit + width) as a little-endian bit string (HID's order), or,
 * big-endian, whole bytes from bit / 8; the caller checked the size */
static inline int64_t extract(const uint8_t *d, unsigned bit, unsigned width, bool is_signed,
                              bool big_endian)
{
	uint64_t v = 0;

	if (_likely_(width == 1))
		return (d[bit >> 3] >> (bit & 7)) & 1;
	if (big_endian) {
		for (unsigned i = 0; i < width / 8; i++)
			v = v << 8 | d[bit / 8 + i];
	} else if (!(bit & 7) && width == 8) {
		v = d[bit >> 3];
	} else {
		unsigned byte = bit >> 3, shift = bit & 7, n = (shift + width + 7) >> 3;

		for (unsigned i = 0; i < n; i++)
			v |= (uint64_t)d[byte + i] << (8 * i);
		v >>= shift;
	}
	v &= (width == 64) ? ~0ULL : (1ULL << width) - 1;
	if (is_signed && (v >> (width - 1)) & 1)
		return (int64_t)v - (int64_t)(1ULL << width);
	return (int64_t)v;
}

/* The field's value through the extractor compiled at load (hm_layout_compile):
 * the same as extract() of its bits, read straight. */
/* is_signed false: the field is known unsigned (sign 0, or not a sign) */
static _always_inline_ int64_t value_ext(const struct hm_layout_field *f, const uint8_t *d,
                                         enum hm_layout_ext ext, bool is_signed)
{
	const uint8_t *p = d + f->byte;
	uint64_t v;

	switch (ext) {
	case HM_LAYOUT_EXT_U8:
		return p[0];
	case HM_LAYOUT_EXT_S8:
		return (int8_t)p[0];
	case HM_LAYOUT_EXT_LE1:
		v = p[0];
		break;
	case HM_LAYOUT_EXT_LE2:
		v = p[0] | (uint32_t)p[1] << 8;
		break;
	case HM_LAYOUT_EXT_LE3:
		v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
		break;
	case HM_LAYOUT_EXT_LE4:
		v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		break;
	case HM_LAYOUT_EXT_LE5:
		v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 |
		    (uint64_t)p[4] << 32;
		break;
	default: /* HM_LAYOUT_EXT_BE */
		v = 0;
		for (unsigned i = 0; i < f->nbytes; i++)
			v = v << 8 | p[i];
		break;
	}
	v = (v >> f->shift) & f->mask;
	if (!is_signed)
		return (int64_t)v;
	return (int64_t)(v ^ f->sign) - (int64_t)f->sign;
}

static inline int64_t value_of(const struct hm_layout_field *f, const uint8_t *d)
{
	return value_ext(f, d, (enum hm_layout_ext)f->ext, true);
}

static inline int64_t scaled(const struct hm_layout_field *f, int64_t v)
{
	if (f->scale_num != 1 || f->scale_den != 1)
		v = v * f->scale_num / f->scale_den;
	return v + f->offset;
}

static inline int clamp_int(int64_t v)
{
	return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int)v;
}

/* hid-input's hat table: 0 north, clockwise, 8 directions */
static const int8_t hat_x[8] = {0, 1, 1, 1, 0, -1, -1, -1};
static const int8_t hat_y[8] = {-1, -1, 0, 1, 1, 1, 0, -1};

static _always_inline_ void decode_counter(struct hm_device *dev, unsigned out, struct counter *c,
                                           const struct hm_layout_field *f, int64_t v)
{
	int64_t m = (int64_t)f->modulus, d;

	if (_likely_(!(m & (m - 1)))) {
		/* a power of two, as most counters: no division */
		v &= m - 1;
		d = (v - c->last) & (m - 1);
	} else {
		v %= m;
		d = ((v - c->last) % m + m) % m;
	}
	if (c->have) {
		/* the shortest way round: a wrap is one step */
		if (d >= m / 2)
			d -= m;
		if (f->scale_num != 1 || f->scale_den != 1)
			d = d * f->scale_num / f->scale_den;
		/* |d| <= modulus / 2 <= 2^31 unless scaled */
		hm_emit(dev, out, EV_REL, f->code,
		        f->plain ? (int)(f->invert ? -d : d) : clamp_int(f->invert ? -d : d));
	}
	c->last = v;
	c->have = true;
}

#define BITS_MAX 25 /* a run that one read of 4 bytes holds: HM_LAYOUT_OP_BITS */

/* count buttons codes[i], down when bit i of bits is set, in order: unrolled,
 * a jump to the first of the last count calls */
static _always_inline_ void emit_bits(struct hm_device *dev, unsigned out, const uint16_t *codes,
                                      unsigned count, uint32_t bits)
{
	const uint16_t *end = codes + count;

	/* the run's last bit at BITS_MAX - 1: button K from the end is bit BITS_MAX - K */
	bits <<= BITS_MAX - count;
#define K(k)                                                                                       \
	case k:                                                                                    \
		hm_emit(dev, out, EV_KEY, end[-(k)], (int)((bits >> (BITS_MAX - (k))) & 1));       \
		__attribute__((fallthrough))
	/* clang-format off */
	switch (count & 31) { /* all 32 cases: no bound check */
		K(25); K(24); K(23); K(22); K(21); K(20); K(19); K(18); K(17); K(16); K(15); K(14);
		K(13); K(12); K(11); K(10); K(9); K(8); K(7); K(6); K(5); K(4); K(3); K(2); K(1);
	case 0: case 26: case 27: case 28: case 29: case 30: case 31:
		break;
	}
	/* clang-format on */
#undef K
}

/* One field, op and ext constants: each (op, ext) pair of the dispatch in
 * decode_field() becomes straight code. */
static _always_inline_ void decode_op(struct hm_device *dev, struct layout_state *s,
                                      const struct hm_layout_field *f, const uint8_t *data,
                                      enum hm_layout_op op, enum hm_layout_ext ext)
{
	unsigned out = s->out[f->node];
	int64_t v;

	switch (op) {
	case HM_LAYOUT_OP_BITS:
		/* a run of bits: one read of the bytes that hold it, the
		 * active-low ones flipped at once (sign) */
		emit_bits(dev, out, f->codes, f->count,
		          (uint32_t)value_ext(f, data, ext, false) ^ f->sign);
		return;
	case HM_LAYOUT_OP_BUTTON1:
		hm_emit(dev, out, EV_KEY, f->code,
		        (value_ext(f, data, ext, true) != 0) != f->active_low);
		return;
	case HM_LAYOUT_OP_BUTTONS:
		for (unsigned i = 0; i < f->count; i++) {
			bool down = extract(data, f->bit + i * f->stride, f->width, false,
			                    f->big_endian) != 0;

			hm_emit(dev, out, EV_KEY, f->codes[i], down != f->active_low);
		}
		return;
	case HM_LAYOUT_OP_ABS_PLAIN:
		hm_emit(dev, out, EV_ABS, f->code, (int)value_ext(f, data, ext, true));
		return;
	case HM_LAYOUT_OP_ABS:
		v = scaled(f, value_ext(f, data, ext, true));
		if (f->invert)
			v = (int64_t)f->abs.minimum + f->abs.maximum - v;
		hm_emit(dev, out, EV_ABS, f->code, clamp_int(v));
		return;
	case HM_LAYOUT_OP_DELTA_PLAIN:
		hm_emit(dev, out, EV_REL, f->code, (int)value_ext(f, data, ext, true));
		return;
	case HM_LAYOUT_OP_DELTA:
		v = value_ext(f, data, ext, true);
		if (f->scale_num != 1 || f->scale_den != 1) /* no division otherwise */
			v = v * f->scale_num / f->scale_den;
		hm_emit(dev, out, EV_REL, f->code, clamp_int(f->invert ? -v : v));
		return;
	case HM_LAYOUT_OP_COUNTER:
		decode_counter(dev, out, &s->counters[f->index], f, value_ext(f, data, ext, true));
		return;
	case HM_LAYOUT_OP_WRAP: {
		/* the value is modulo already (the mask); the difference too, and
		 * the shortest way round is the difference sign-extended from
		 * the modulus' bits: a wrap is one step */
		struct counter *c = &s->counters[f->index];

		v = value_ext(f, data, ext, false);
		if (c->have) {
			int64_t half = (int64_t)(f->modulus >> 1), d = (v - c->last) & f->mask;

			hm_emit(dev, out, EV_REL, f->code, (int)((d ^ half) - half));
		}
		c->last = v;
		c->have = true;
		return;
	}
	case HM_LAYOUT_OP_HAT:
		v = value_ext(f, data, ext, true) - f->abs.minimum;
		hm_emit(dev, out, EV_ABS, f->code, v >= 0 && v < 8 ? hat_x[v] : 0);
		hm_emit(dev, out, EV_ABS, f->code + 1u, v >= 0 && v < 8 ? hat_y[v] : 0);
		return;
	case HM_LAYOUT_OP_ENUM:
		v = value_ext(f, data, ext, true);
		for (unsigned i = 0; i < f->count; i++)
			hm_emit(dev, out, EV_KEY, f->codes[i], v == f->values[i]);
		return;
	}
}

#define OPEXT(op, ext)                                                                             \
	case (op)*HM_LAYOUT_NEXT + (ext):                                                          \
		decode_op(dev, s, f, data, op, ext);                                               \
		return;
#define OP(op)                                                                                     \
	OPEXT(op, HM_LAYOUT_EXT_U8)                                                                \
	OPEXT(op, HM_LAYOUT_EXT_S8)                                                                \
	OPEXT(op, HM_LAYOUT_EXT_LE1)                                                               \
	OPEXT(op, HM_LAYOUT_EXT_LE2)                                                               \
	OPEXT(op, HM_LAYOUT_EXT_LE3)                                                               \
	OPEXT(op, HM_LAYOUT_EXT_LE4)                                                               \
	OPEXT(op, HM_LAYOUT_EXT_LE5)                                                               \
	OPEXT(op, HM_LAYOUT_EXT_BE)

/* inlined in the loop over a part's fields: one dispatch per field */
static _always_inline_ void decode_field(struct hm_device *dev, struct layout_state *s,
                                         const struct hm_layout_field *f, const uint8_t *data)
{
	_Static_assert(HM_LAYOUT_NEXT == 8, "OP() lists every ext");

	switch (f->opext) {
		OP(HM_LAYOUT_OP_BITS)
		OP(HM_LAYOUT_OP_BUTTON1)
		OP(HM_LAYOUT_OP_BUTTONS)
		OP(HM_LAYOUT_OP_ABS_PLAIN)
		OP(HM_LAYOUT_OP_ABS)
		OP(HM_LAYOUT_OP_DELTA_PLAIN)
		OP(HM_LAYOUT_OP_DELTA)
		OP(HM_LAYOUT_OP_COUNTER)
		OP(HM_LAYOUT_OP_WRAP)
		OP(HM_LAYOUT_OP_HAT)
		OP(HM_LAYOUT_OP_ENUM)
	default:
		__builtin_unreachable(); /* hm_layout_compile() sets every field's */
	}
}

#undef OP
#undef OPEXT

/* a part's fields, the report long enough for all */
static _always_inline_ void decode_fields_inline(struct hm_device *dev, struct layout_state *s,
                                                 const struct hm_layout_field *f,
                                                 const struct hm_layout_field *end,
                                                 const uint8_t *data)
{
	for (; f < end; f++)
		decode_field(dev, s, f, data);
}

static __attribute__((noinline)) void decode_fields(struct hm_device *dev, struct layout_state *s,
                                                    const struct hm_layout_field *f,
                                                    const struct hm_layout_field *end,
                                                    const uint8_t *data)
{
	decode_fields_inline(dev, s, f, end, data);
}

/* the fields of a report too short for some of them (rare): not inlined */
static __attribute__((noinline)) void decode_field_slow(struct hm_device *dev,
                                                        struct layout_state *s,
                                                        const struct hm_layout_field *f,
                                                        const uint8_t *data)
{
	decode_field(dev, s, f, data);
}

static bool preds_hold(const struct hm_layout_part *p, const uint8_t *data, size_t size)
{
	for (unsigned i = 0; i < p->npreds; i++)
		if (p->preds[i].byte >= size ||
		    (data[p->preds[i].byte] & p->preds[i].mask) != p->preds[i].value)
			return false;
	return true;
}

/* strict axes: a value outside min..max makes the whole report malformed;
 * fits: the report has every byte of the part (known in the common case) */
static _always_inline_ bool part_valid(const struct hm_layout_part *p, const uint8_t *data,
                                       size_t size, bool fits)
{
	for (const struct hm_layout_field *f = p->strict; f; f = f->strict_next) {
		int64_t v;

		if (!fits && f->end > size)
			continue;
		/* most strict axes are a byte */
		v = f->ext == HM_LAYOUT_EXT_S8   ? (int8_t)data[f->byte]
		    : f->ext == HM_LAYOUT_EXT_U8 ? data[f->byte]
		                                 : value_of(f, data);
		if (_likely_(f->strict_raw)) {
			if (v < f->strict_lo || v > f->strict_hi)
				return false;
			continue;
		}
		v = scaled(f, v);
		if (v < f->abs.minimum || v > f->abs.maximum)
			return false;
	}
	return true;
}

enum {
	PART_MATCHED = 1 << 0, /* a part selected the report */
	PART_SHORT = 1 << 1,   /* some field did not fit */
	PART_BAD = 1 << 2, /* too short for the declared length, or a strict axis out of range */
};

/* A part that has predicates, or a report too short for its length or some
 * field: the rare cases, out of the way of the common one.  Returns
 * PART_* bits. */
static __attribute__((noinline)) unsigned decode_part_slow(struct hm_device *dev,
                                                           struct layout_state *s,
                                                           const struct hm_layout_part *p,
                                                           const uint8_t *data, size_t size)
{
	const struct hm_layout_field *f = p->fbegin;
	unsigned r = PART_MATCHED;

	if (p->npreds && !preds_hold(p, data, size))
		return 0;
	if (size < p->length || (p->strict && !part_valid(p, data, size, false)))
		return PART_MATCHED | PART_BAD;
	if (size >= p->max_end) {
		decode_fields(dev, s, f, p->fend, data);
		return r;
	}
	for (; f < p->fend; f++) {
		if (f->end > size) {
			s->short_fields++;
			r |= PART_SHORT;
			continue;
		}
		decode_field_slow(dev, s, f, data);
	}
	return r;
}

/* One part, no predicate, every byte there: the common case, inline */
static _always_inline_ unsigned decode_part(struct hm_device *dev, struct layout_state *s,
                                            const struct hm_layout_part *p, const uint8_t *data,
                                            size_t size)
{
	if (_unlikely_(size < p->need)) /* or predicates */
		return decode_part_slow(dev, s, p, data, size);
	if (p->strict && !part_valid(p, data, size, true))
		return PART_MATCHED | PART_BAD;
	decode_fields_inline(dev, s, p->fbegin, p->fend, data);
	return PART_MATCHED;
}

static int status(unsigned r)
{
	if (r & PART_BAD)
		return -EBADMSG;
	if (r & PART_SHORT)
		return -EMSGSIZE; /* counted; the fields that fit are delivered */
	return r ? 1 : 0;
}

/* several parts select the report: each in order */
static __attribute__((noinline)) int decode_parts(struct hm_device *dev, struct layout_state *s,
                                                  unsigned parts, const uint8_t *data, size_t size)
{
	unsigned r = 0;

	while (parts) {
		const struct hm_layout_part *p = &s->layout->parts[__builtin_ctz(parts)];

		parts &= parts - 1;
		if (_unlikely_(size < p->need)) { /* or predicates */
			r |= decode_part_slow(dev, s, p, data, size);
			continue;
		}
		r |= PART_MATCHED;
		if (p->strict && !part_valid(p, data, size, true)) {
			r |= PART_BAD;
			continue;
		}
		decode_fields(dev, s, p->fbegin, p->fend, data);
	}
	return status(r);
}

static int layout_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us)
{
	struct layout_state *s = dev->priv;
	const struct hm_layout *l = s->layout;
	/* the parts whose report id the report has (numbered or not), in order */
	unsigned parts = size ? l->parts_by_id[data[0]] : l->parts_unnumbered, r;

	if (_unlikely_(!parts || parts & (parts - 1)))
		return parts ? decode_parts(dev, s, parts, data, size) : 0;
	/* one part, as most reports */
	r = decode_part(dev, s, &l->parts[__builtin_ctz(parts)], data, size);
	return _likely_(r == PART_MATCHED) ? 1 : status(r);
}

/* ---- probe ----------------------------------------------------------------------------- */

static void enable_field(struct libevdev *caps, const struct hm_layout_field *f)
{
	static const struct input_absinfo hat = {.minimum = -1, .maximum = 1};

	switch (f->kind) {
	case HM_LAYOUT_BUTTON:
	case HM_LAYOUT_ENUM:
		for (unsigned i = 0; i < f->count; i++)
			libevdev_enable_event_code(caps, EV_KEY, f->codes ? f->codes[i] : f->code,
			                           NULL);
		break;
	case HM_LAYOUT_ABS:
		libevdev_enable_event_code(caps, EV_ABS, f->code, &f->abs);
		break;
	case HM_LAYOUT_DELTA:
	case HM_LAYOUT_COUNTER:
		libevdev_enable_event_code(caps, EV_REL, f->code, NULL);
		break;
	case HM_LAYOUT_HAT:
		libevdev_enable_event_code(caps, EV_ABS, f->code, &hat);
		libevdev_enable_event_code(caps, EV_ABS, f->code + 1u, &hat);
		break;
	}
}

static void send_report(struct hm_device *dev, const struct hm_layout_report *rep, const char *what)
{
	int r = rep->feature ? hm_device_send_feature(dev, rep->data, rep->size)
	                     : hm_device_write(dev, rep->data, rep->size);

	/* a recording has no transport: nothing to say */
	if (r < 0 && r != -ENOTSUP)
		log_warning_errno(r, "%s: %s report %02x: %m, ignoring", dev->info.path, what,
		                  rep->data[0]);
}

static void layout_remove(struct hm_device *dev)
{
	struct layout_state *s = dev->priv;

	if (s && s->short_fields)
		log_debug("%s: %" PRIu64 " fields skipped in reports too short for them",
		          dev->info.path, s->short_fields);
	free(dev->priv);
	dev->priv = NULL;
}

static int layout_probe(struct hm_device *dev)
{
	const struct hm_layout *l = hm_layout_of_module(dev->module);
	struct layout_state *s;
	bool used[HM_LAYOUT_MAX_NODES] = {false};

	/* the registry's "layout", where the selection found no shipped layout */
	if (!l)
		return -ENODEV;
	/* a device with several interfaces (X-keys): the one the layout describes */
	if (l->interface >= 0 && dev->info.interface >= 0 && dev->info.interface != l->interface)
		return -ENODEV;
	s = zalloc(layout_priv_size(l));
	if (!s)
		return -ENOMEM;
	s->layout = l;

	for (size_t i = 0; i < l->nfields; i++)
		used[l->fields[i].node] = true;
	for (size_t n = 0; n < l->nnodes; n++) {
		const struct hm_layout_node *nd = &l->nodes[n];
		const char *name = nd->name ? nd->name : l->name ? l->name : dev->info.name;
		struct libevdev *caps;
		int out;

		if (!used[n])
			continue;
		out = hm_device_add_output(dev, name, &caps);
		if (out < 0) {
			free(s);
			return out;
		}
		s->out[n] = (uint8_t)out;
		for (unsigned p = 0; p < 32; p++)
			if (nd->props & (1u << p))
				libevdev_enable_property(caps, p);
		for (size_t i = 0; i < l->nfields; i++)
			if (l->fields[i].node == n)
				enable_field(caps, &l->fields[i]);
	}
	dev->priv = s;
	for (size_t i = 0; i < l->ninits; i++)
		send_report(dev, &l->inits[i], "init");
	if (l->keepalive_us)
		hm_device_set_interval(dev, l->keepalive_us);
	return 0;
}

static void layout_timer(struct hm_device *dev, uint64_t now_us)
{
	struct layout_state *s = dev->priv;

	if (s && s->layout->keepalive_us)
		send_report(dev, &s->layout->keepalive, "keep-alive");
}

/* The registry's "layout": module = layout in a [device] without
 * layout =, --module layout.  hm_module_select() and hm_module_resolve()
 * put the shipped layout that matches the device in its place; alone, its
 * probe declines. */
const struct hm_module hm_module_layout = {
    .name = "layout",
    .description = "a [layout] section: the shipped one for the device, or the config's",
    .probe = layout_probe,
    .decode = layout_decode,
    .remove = layout_remove,
    .timer = layout_timer,
};

/* ---- a layout's module ---------------------------------------------------------------- */

struct layout_module {
	struct hm_module module; /* first: hm_layout_of_module() casts back */
	const struct hm_layout *layout;
};

const struct hm_layout *hm_layout_of_module(const struct hm_module *m)
{
	/* every layout's module has this probe; the registry's has no id table */
	if (!m || m->probe != layout_probe || !m->id_table)
		return NULL;
	return ((const struct layout_module *)m)->layout;
}

static void layout_module_free(void *lm)
{
	free(lm);
}

const struct hm_module *hm_layout_module(const struct hm_layout *l)
{
	return l && l->driver_free == layout_module_free ? l->driver : NULL;
}

int hm_layout_module_attach(struct hm_layout *l)
{
	struct layout_module *lm;

	if (hm_layout_module(l))
		return 0;
	lm = zalloc(sizeof(*lm));
	if (!lm)
		return -ENOMEM;
	hm_layout_compile(l);
	lm->layout = l;
	lm->module = (struct hm_module){
	    .name = "layout",
	    .description = l->description,
	    .id_table = l->ids,
	    .probe = layout_probe,
	    .decode = layout_decode,
	    .remove = layout_remove,
	    .timer = layout_timer,
	};
	l->driver = lm;
	l->driver_free = layout_module_free;
	return 0;
}

int hm_layout_module_attach_all(struct hm_config *c)
{
	for (size_t i = 0; c && i < c->nlayouts; i++) {
		int r = hm_layout_module_attach(c->layouts[i]);

		if (r < 0)
			return r;
	}
	return 0;
}
