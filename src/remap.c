/* SPDX-License-Identifier: MIT */
/*
 * The remapper, first version: EV_KEY code -> EV_KEY code or nothing.
 *
 * One table slot per key code, so an event costs one array read and the
 * per-event path never allocates.  Everything that is not EV_KEY passes
 * through unchanged, whatever the unmapped policy says: the policy is about
 * keys for now (see doc/hidmapd.ini.5.md).
 */
#include <errno.h>
#include <stdint.h>

#include "remap.h"

/* Slot values besides a target code; key codes end at KEY_MAX (0x2ff). */
#define SLOT_UNMAPPED UINT16_MAX
#define SLOT_DISABLED (UINT16_MAX - 1)
_Static_assert(KEY_MAX < SLOT_DISABLED, "key codes must not collide with the markers");

struct hm_remap {
	enum hm_unmapped_policy unmapped;
	unsigned nbase;
	const struct hm_remap_ops *ops;
	void *userdata;
	uint16_t key[KEY_MAX + 1];
};

int hm_remap_new(const struct hm_config_profile *profile, enum hm_unmapped_policy unmapped,
                 struct libevdev *const *base_caps, unsigned nbase, struct hm_remap **ret)
{
	struct hm_remap *r = zalloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->unmapped = unmapped;
	r->nbase = nbase;
	for (size_t c = 0; c <= KEY_MAX; c++)
		r->key[c] = SLOT_UNMAPPED;

	for (size_t i = 0; profile && i < profile->nmaps; i++) {
		const struct hm_config_map *m = &profile->maps[i];

		/* the loader only produces EV_KEY maps with valid codes */
		if (m->from_type != EV_KEY || m->from_code > KEY_MAX ||
		    (!m->disabled && (m->to_type != EV_KEY || m->to_code > KEY_MAX))) {
			free(r);
			return -EINVAL;
		}
		r->key[m->from_code] = m->disabled ? SLOT_DISABLED : (uint16_t)m->to_code;
	}
	*ret = r;
	return 0;
}

void hm_remap_free(struct hm_remap *r)
{
	free(r);
}

void hm_remap_set_ops(struct hm_remap *r, const struct hm_remap_ops *ops, void *userdata)
{
	r->ops = ops;
	r->userdata = userdata;
}

unsigned hm_remap_noutputs(const struct hm_remap *r)
{
	return r->nbase;
}

void hm_remap_output_caps(const struct hm_remap *r, unsigned n, struct libevdev *caps)
{
	bool emitted[KEY_MAX + 1] = {false};
	bool any = false;

	if (!libevdev_has_event_type(caps, EV_KEY))
		return;

	/* what the device can send, after the mapping */
	for (unsigned c = 0; c <= KEY_MAX; c++) {
		uint16_t slot = r->key[c];

		if (!libevdev_has_event_code(caps, EV_KEY, c))
			continue;
		if (slot == SLOT_UNMAPPED) {
			if (r->unmapped == HM_UNMAPPED_PASS)
				emitted[c] = true;
		} else if (slot != SLOT_DISABLED) {
			emitted[slot] = true;
		}
	}

	/* A source mapped away goes unless another source maps onto it. */
	for (unsigned c = 0; c <= KEY_MAX; c++) {
		if (emitted[c]) {
			libevdev_enable_event_code(caps, EV_KEY, c, NULL);
			any = true;
		} else if (libevdev_has_event_code(caps, EV_KEY, c)) {
			libevdev_disable_event_code(caps, EV_KEY, c);
		}
	}
	if (!any)
		libevdev_disable_event_type(caps, EV_KEY);
}

void hm_remap_event(struct hm_remap *r, unsigned output, unsigned type, unsigned code, int value,
                    uint64_t now_us)
{
	uint16_t slot;
	void (*emit)(void *, unsigned, unsigned, unsigned, int) = r->ops->emit;
	void *userdata = r->userdata;

	if (type != EV_KEY || code > KEY_MAX) {
		emit(userdata, output, type, code, value);
		return;
	}
	slot = r->key[code];
	if (slot == SLOT_UNMAPPED) {
		if (r->unmapped == HM_UNMAPPED_PASS)
			emit(userdata, output, type, code, value);
		return;
	}
	if (slot == SLOT_DISABLED)
		return;
	emit(userdata, output, EV_KEY, slot, value);
}

void hm_remap_frame(struct hm_remap *r, uint64_t now_us)
{
}

void hm_remap_timer(struct hm_remap *r, uint64_t now_us)
{
}

void hm_remap_reset(struct hm_remap *r)
{
}

const struct hm_config_profile *hm_remap_take_switch(struct hm_remap *r)
{
	return NULL;
}
