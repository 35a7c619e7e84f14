/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "util-log.h"
#include "vdev.h"

struct hm_vdev *hm_vdev_new(struct libevdev *caps)
{
	struct hm_vdev *v = zalloc(sizeof(*v));

	if (!v)
		return NULL;
	v->caps = caps;
	return v;
}

int hm_vdev_create(struct hm_vdev *v, struct hm_sink *sink)
{
	int r;

	r = sink->ops->add_device(sink, v->caps, &v->handle);
	if (r < 0)
		return r;
	v->sink = sink;
	return 0;
}

void hm_vdev_free(struct hm_vdev *v)
{
	if (!v)
		return;
	if (v->handle) {
		hm_vdev_release_all(v);
		v->sink->ops->remove_device(v->sink, v->handle);
	}
	libevdev_free(v->caps);
	free(v);
}

/* drivers/input/input.c input_defuzz_abs_event(), same arithmetic. */
static int defuzz(int value, int old, int fuzz)
{
	if (fuzz) {
		if (value > old - fuzz / 2 && value < old + fuzz / 2)
			return old;
		if (value > old - fuzz && value < old + fuzz)
			return (old * 3 + value) / 4;
		if (value > old - fuzz * 2 && value < old + fuzz * 2)
			return (old + value) / 2;
	}
	return value;
}

static void queue(struct hm_vdev *v, unsigned type, unsigned code, int value, int raw)
{
	struct input_event *ev;

	/* The kernel also cuts an overlong frame with a SYN_REPORT (input_handle_event). */
	if (v->npending >= HM_VDEV_MAX_FRAME - 1)
		hm_vdev_flush(v);

	ev = &v->pending[v->npending];
	ev->type = (uint16_t)type;
	ev->code = (uint16_t)code;
	ev->value = value;
	v->raw[v->npending] = raw;
	v->npending++;
}

void hm_vdev_event(struct hm_vdev *v, unsigned type, unsigned code, int value)
{
	int old, cooked;

	if (!libevdev_has_event_code(v->caps, type, code))
		return;

	switch (type) {
	case EV_KEY:
	case EV_SW:
	case EV_LED:
		/* auto-repeat bypasses the state, as in the kernel */
		if (type == EV_KEY && value == 2)
			break;
		old = libevdev_get_event_value(v->caps, type, code);
		if (!!old == !!value)
			return;
		libevdev_set_event_value(v->caps, type, code, !!value);
		break;
	case EV_REL:
		if (value == 0)
			return;
		break;
	case EV_ABS: {
		const struct input_absinfo *abs = libevdev_get_abs_info(v->caps, code);

		old = abs->value;
		cooked = defuzz(value, old, abs->fuzz);
		if (cooked == old)
			return;
		libevdev_set_event_value(v->caps, EV_ABS, code, cooked);
		queue(v, type, code, cooked, value);
		return;
	}
	case EV_SYN:
		return;
	default:
		break;
	}
	queue(v, type, code, value, value);
}

void hm_vdev_flush(struct hm_vdev *v)
{
	struct input_event *syn;

	if (v->npending == 0)
		return;
	/* queue() keeps the last slot free for this */
	syn = &v->pending[v->npending];
	syn->type = EV_SYN;
	syn->code = SYN_REPORT;
	syn->value = 0;
	v->raw[v->npending] = 0;
	v->npending++;
	if (v->handle)
		v->sink->ops->frame(v->sink, v->handle, v->pending, v->raw, v->npending);
	v->npending = 0;
}

void hm_vdev_release_all(struct hm_vdev *v)
{
	if (libevdev_has_event_type(v->caps, EV_KEY)) {
		for (unsigned code = 0; code <= KEY_MAX; code++) {
			if (libevdev_get_event_value(v->caps, EV_KEY, code))
				hm_vdev_event(v, EV_KEY, code, 0);
		}
	}
	hm_vdev_flush(v);
}

unsigned hm_vdev_keys_down(const struct hm_vdev *v)
{
	unsigned n = 0;

	if (!libevdev_has_event_type(v->caps, EV_KEY))
		return 0;
	for (unsigned code = 0; code <= KEY_MAX; code++)
		n += !!libevdev_get_event_value(v->caps, EV_KEY, code);
	return n;
}
