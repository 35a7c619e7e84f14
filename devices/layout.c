/* SPDX-License-Identifier: MIT */
/*
 * The layout module: decodes a device's reports as a [layout] section
 * describes them (src/config-layout.c parses it; doc/hidmapd.ini.5.md,
 * LAYOUTS).  Each compiled layout embeds its own struct hm_module with
 * these hooks; the module called "layout" in the registry takes the
 * shipped layout (*.ini in devices/layouts, installed in
 * HIDMAPD_DATADIR/layouts) that matches the device.
 *
 * Decoding allocates nothing: probe sizes the state (one counter reference
 * per field), and every field is read straight from the report bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HIDMAPD_DATADIR
#include "build-config.h"
#endif
#include "config-layout.h"
#include "util-log.h"
#include "util-strings.h"

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

size_t hm_layout_priv_size(const struct hm_layout *l)
{
	return sizeof(struct layout_state) + l->nfields * sizeof(struct counter);
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

/* The field's value, with the common whole byte read directly. */
static inline int64_t value_of(const struct hm_layout_field *f, const uint8_t *d)
{
	if (f->width == 8 && !(f->bit & 7))
		return f->is_signed ? (int8_t)d[f->bit >> 3] : d[f->bit >> 3];
	return extract(d, f->bit, f->width, f->is_signed, f->big_endian);
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

static void decode_field(struct hm_device *dev, struct layout_state *s, size_t index,
                         const struct hm_layout_field *f, const uint8_t *data)
{
	unsigned out = s->out[f->node];
	int64_t v;

	switch (f->kind) {
	case HM_LAYOUT_BUTTON:
		if (f->stride == 1 && f->width == 1 && f->count > 1 && f->count <= 25) {
			/* a run of bits: one read of the bytes that hold it */
			uint32_t bits = (uint32_t)extract(data, f->bit, f->count, false, false);

			for (unsigned i = 0; i < f->count; i++)
				hm_emit(dev, out, EV_KEY, f->codes[i],
				        ((bits >> i) & 1) != f->active_low);
			return;
		}
		for (unsigned i = 0; i < f->count; i++) {
			bool down = extract(data, f->bit + i * f->stride, f->width, false,
			                    f->big_endian) != 0;

			hm_emit(dev, out, EV_KEY, f->count > 1 ? f->codes[i] : f->code,
			        down != f->active_low);
		}
		return;
	case HM_LAYOUT_ABS:
		v = value_of(f, data);
		if (_likely_(f->plain && !f->invert)) {
			hm_emit(dev, out, EV_ABS, f->code, (int)v);
			return;
		}
		v = scaled(f, v);
		if (f->invert)
			v = (int64_t)f->abs.minimum + f->abs.maximum - v;
		hm_emit(dev, out, EV_ABS, f->code, clamp_int(v));
		return;
	case HM_LAYOUT_DELTA:
		v = value_of(f, data);
		if (_likely_(f->plain && !f->invert)) {
			hm_emit(dev, out, EV_REL, f->code, (int)v);
			return;
		}
		if (f->scale_num != 1 || f->scale_den != 1) /* no division otherwise */
			v = v * f->scale_num / f->scale_den;
		hm_emit(dev, out, EV_REL, f->code, clamp_int(f->invert ? -v : v));
		return;
	case HM_LAYOUT_COUNTER: {
		struct counter *c = &s->counters[index];

		int64_t m = (int64_t)f->modulus, d;

		v = f->is_signed ? extract(data, f->bit, f->width, false, f->big_endian)
		                 : value_of(f, data);
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
			        f->plain ? (int)(f->invert ? -d : d)
			                 : clamp_int(f->invert ? -d : d));
		}
		c->last = v;
		c->have = true;
		return;
	}
	case HM_LAYOUT_HAT:
		v = extract(data, f->bit, f->width, f->is_signed, f->big_endian) - f->abs.minimum;
		hm_emit(dev, out, EV_ABS, f->code, v >= 0 && v < 8 ? hat_x[v] : 0);
		hm_emit(dev, out, EV_ABS, f->code + 1u, v >= 0 && v < 8 ? hat_y[v] : 0);
		return;
	case HM_LAYOUT_ENUM:
		v = extract(data, f->bit, f->width, f->is_signed, f->big_endian);
		for (unsigned i = 0; i < f->count; i++)
			hm_emit(dev, out, EV_KEY, f->codes[i], v == f->values[i]);
		return;
	}
}

static bool part_selects(const struct hm_layout_part *p, const uint8_t *data, size_t size)
{
	if (p->report_id && (size == 0 || data[0] != p->report_id))
		return false;
	for (unsigned i = 0; i < p->npreds; i++)
		if (p->preds[i].byte >= size ||
		    (data[p->preds[i].byte] & p->preds[i].mask) != p->preds[i].value)
			return false;
	return true;
}

/* strict axes: a value outside min..max makes the whole report malformed */
static bool part_valid(const struct hm_layout *l, const struct hm_layout_part *p,
                       const uint8_t *data, size_t size)
{
	for (size_t i = p->first; i < p->first + p->nfields; i++) {
		const struct hm_layout_field *f = &l->fields[i];
		int64_t v;

		if (!f->strict || f->end > size)
			continue;
		v = scaled(f, value_of(f, data));
		if (v < f->abs.minimum || v > f->abs.maximum)
			return false;
	}
	return true;
}

int hm_layout_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us)
{
	struct layout_state *s = dev->priv;
	const struct hm_layout *l = s->layout;
	bool matched = false, short_field = false, bad = false;

	for (size_t pi = 0; pi < l->nparts; pi++) {
		const struct hm_layout_part *p = &l->parts[pi];

		if (!part_selects(p, data, size))
			continue;
		matched = true;
		if (size < p->length || (p->has_strict && !part_valid(l, p, data, size))) {
			bad = true;
			continue;
		}
		for (size_t i = p->first; i < p->first + p->nfields; i++) {
			const struct hm_layout_field *f = &l->fields[i];

			if (_unlikely_(f->end > size)) {
				s->short_fields++;
				short_field = true;
				continue;
			}
			decode_field(dev, s, i, f, data);
		}
	}
	if (bad)
		return -EBADMSG;
	if (short_field)
		return -EMSGSIZE; /* counted; the fields that fit are delivered */
	return matched ? 1 : 0;
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

void hm_layout_remove(struct hm_device *dev)
{
	struct layout_state *s = dev->priv;

	if (s && s->short_fields)
		log_debug("%s: %" PRIu64 " fields skipped in reports too short for them",
		          dev->info.path, s->short_fields);
	free(dev->priv);
	dev->priv = NULL;
}

int hm_layout_probe(struct hm_device *dev)
{
	const struct hm_layout *l = hm_layout_of_module(dev->module);
	struct layout_state *s;
	bool used[HM_LAYOUT_MAX_NODES] = {false};

	if (!l) {
		const struct hm_module *m = hm_layout_match_shipped(&dev->info);

		l = m ? hm_layout_of_module(m) : NULL;
		if (!l)
			return -ENODEV;
	}
	/* a device with several interfaces (X-keys): the one the layout describes */
	if (l->interface >= 0 && dev->info.interface >= 0 && dev->info.interface != l->interface)
		return -ENODEV;
	s = zalloc(hm_layout_priv_size(l));
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

static int layout_probe_shipped(struct hm_device *dev)
{
	return hm_layout_probe(dev);
}

void hm_layout_timer(struct hm_device *dev, uint64_t now_us)
{
	struct layout_state *s = dev->priv;

	if (s && s->layout->keepalive_us)
		send_report(dev, &s->layout->keepalive, "keep-alive");
}

/* The registry's "layout": the shipped layout that matches the device
 * (module = layout in a [device] without layout =, --module layout). */
const struct hm_module hm_module_layout = {
    .name = "layout",
    .description = "a [layout] section: the shipped one for the device, or the config's",
    .probe = layout_probe_shipped,
    .decode = hm_layout_decode,
    .remove = hm_layout_remove,
    .timer = hm_layout_timer,
};

/* ---- shipped layouts ----------------------------------------------------------------- */

static struct hm_config *shipped;
static bool shipped_tried;
static const struct hm_module **shipped_modules;

static void shipped_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	if (line)
		log_error("%s:%u: %s", file, line, message);
	else
		log_error("%s: %s", file, message);
}

int hm_layout_load_shipped(const char *dir)
{
	struct hm_config *c = NULL;
	const struct hm_module **mods;
	int r;

	shipped_tried = true;
	r = hm_config_load(&dir, 1, shipped_diag, NULL, &c);
	if (r < 0) {
		log_error("%s: shipped layouts not loaded", dir);
		return r;
	}
	mods = calloc(c->nlayouts + 1, sizeof(*mods));
	if (!mods) {
		hm_config_free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nlayouts; i++) {
		struct hm_layout *l = c->layouts[i];

		mods[i] = &l->module;
	}
	/* devices may still use the previous ones: they stay (tests only reload) */
	shipped = c;
	shipped_modules = mods;
	return 0;
}

static void ensure_shipped(void)
{
	const char *dir;

	if (shipped_tried)
		return;
	dir = secure_getenv("HIDMAPD_LAYOUT_DIR");
	(void)hm_layout_load_shipped(dir && *dir ? dir : HIDMAPD_DATADIR "/layouts");
}

const struct hm_module *hm_layout_match_shipped(const struct hm_device_info *info)
{
	ensure_shipped();
	for (size_t i = 0; shipped_modules && shipped_modules[i]; i++)
		if (hm_module_claims(shipped_modules[i], info))
			return shipped_modules[i];
	return NULL;
}

const struct hm_module *hm_layout_find_shipped(const char *id)
{
	const struct hm_layout *l;

	ensure_shipped();
	l = shipped ? hm_config_find_layout(shipped, id) : NULL;
	return l ? &l->module : NULL;
}

const struct hm_module *const *hm_layout_shipped_modules(void)
{
	static const struct hm_module *none[] = {NULL};

	ensure_shipped();
	return shipped_modules ? shipped_modules : none;
}
