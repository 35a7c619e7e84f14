/* SPDX-License-Identifier: MIT */
/*
 * The device core's force feedback: the rumble a module declares on its
 * outputs, the effects clients upload, play and erase through the sink,
 * played as ff-memless does (ff-rumble.h) and handed to the module's
 * rumble hook as motor magnitudes.
 */
#include <errno.h>
#include <stdlib.h>

#include "device-private.h"
#include "event-loop.h"
#include "util-mem.h"
#include "vdev.h"

int hm_device_set_rumble(struct hm_device *dev, unsigned output, unsigned max_effects,
                         unsigned flags)
{
	static const unsigned bits[] = {FF_RUMBLE,   FF_PERIODIC, FF_SQUARE,
	                                FF_TRIANGLE, FF_SINE,     FF_GAIN};
	struct hm_device_core *c = core_of(dev);

	if (!c->probing)
		return -EPERM;
	if (output >= c->noutputs || max_effects < 1 || max_effects > HM_FF_MAX_EFFECTS ||
	    (flags & ~HM_FF_CONSTANT))
		return -EINVAL;
	if (!c->ff[output]) {
		c->ff[output] = malloc(sizeof(*c->ff[output]));
		if (!c->ff[output])
			return -ENOMEM;
	}
	hm_ff_rumble_init(c->ff[output], max_effects);
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (libevdev_enable_event_code(c->base_caps[output], EV_FF, bits[i], NULL) < 0)
			return -EINVAL;
	if ((flags & HM_FF_CONSTANT) &&
	    libevdev_enable_event_code(c->base_caps[output], EV_FF, FF_CONSTANT, NULL) < 0)
		return -EINVAL;
	return 0;
}

/* Brings every output's effects to now: tells the module when its motors
 * change, and arms the owner's timer for the next change. */
void device_ff_run(struct hm_device_core *c, uint64_t now)
{
	struct hm_device *dev = &c->pub;
	uint64_t next = 0;

	for (unsigned n = 0; n < c->noutputs; n++) {
		uint16_t strong, weak;
		uint64_t at;

		if (!c->ff[n])
			continue;
		if (hm_ff_rumble_update(c->ff[n], now, &strong, &weak) && dev->module &&
		    dev->module->rumble)
			dev->module->rumble(dev, n, strong, weak);
		at = hm_ff_rumble_next(c->ff[n], now);
		if (at && (!next || at < next))
			next = at;
	}
	c->ff_deadline_us = next;
	device_arm_combined(c);
}

/* Output n's virtual device is being replaced: the effects clients uploaded
 * went with it.  Motors still running are stopped (the module hears it). */
void device_ff_output_lost(struct hm_device_core *c, unsigned n)
{
	struct hm_ff_rumble *r = n < c->noutputs ? c->ff[n] : NULL;
	uint64_t uploaded, played;
	uint16_t strong, weak;

	if (!r)
		return;
	uploaded = r->uploaded, played = r->played;
	strong = r->strong, weak = r->weak;
	hm_ff_rumble_init(r, r->max_effects);
	r->uploaded = uploaded, r->played = played;
	r->strong = strong, r->weak = weak; /* so that update reports the stop */
	device_ff_run(c, hm_now_usec());
}

/* After a restart's probe: what clients uploaded on the virtual devices that
 * stay is still theirs, so the new helper of the same output takes it over
 * (effects stopped, as the module starts afresh). */
void device_ff_take_over(struct hm_device_core *c, struct hm_ff_rumble *const *old)
{
	for (unsigned n = 0; n < HM_MAX_OUTPUTS; n++) {
		struct hm_ff_rumble *r = n < c->noutputs ? c->ff[n] : NULL;

		if (!r || !old[n])
			continue;
		r->gain = old[n]->gain;
		r->uploaded = old[n]->uploaded;
		r->played = old[n]->played;
		for (unsigned i = 0; i < r->max_effects && i < old[n]->max_effects; i++)
			if (old[n]->slot[i].uploaded) {
				r->slot[i].effect = old[n]->slot[i].effect;
				r->slot[i].uploaded = true;
			}
	}
}

int device_ff_event(struct hm_device_core *c, unsigned output, unsigned code, int value)
{
	uint64_t now = hm_now_usec();
	int r = 0;

	/* as the kernel's input_ff_event(): FF_GAIN, else play/stop an effect */
	if (code == FF_GAIN)
		hm_ff_rumble_set_gain(c->ff[output], (unsigned)value & 0xffff, now);
	else if (code == FF_AUTOCENTER)
		return 0; /* no spring to centre */
	else
		r = hm_ff_rumble_play(c->ff[output], (int)code, value, now);
	device_ff_run(c, now);
	return r;
}

/* After an upload or erase: an effect playing restarts with its new
 * parameters, an erased one stops. */
static int ff_changed(struct hm_device_core *c, int r, uint64_t now)
{
	if (r >= 0)
		device_ff_run(c, now);
	return r;
}

static int ff_upload(void *userdata, unsigned output, const struct ff_effect *effect)
{
	struct hm_device_core *c = userdata;
	uint64_t now = hm_now_usec();

	if (output >= c->noutputs || !c->ff[output])
		return -EOPNOTSUPP;
	return ff_changed(c, hm_ff_rumble_upload(c->ff[output], effect, now), now);
}

static int ff_erase(void *userdata, unsigned output, int effect_id)
{
	struct hm_device_core *c = userdata;
	uint64_t now = hm_now_usec();

	if (output >= c->noutputs || !c->ff[output])
		return -EOPNOTSUPP;
	return ff_changed(c, hm_ff_rumble_erase(c->ff[output], effect_id, now), now);
}

int hm_device_handle_ff_request(struct hm_device *dev, unsigned output, unsigned code,
                                unsigned request_id)
{
	struct hm_device_core *c = core_of(dev);
	const struct hm_ff_handler h = {
	    .upload = ff_upload,
	    .erase = ff_erase,
	    .userdata = c,
	    .output = output,
	};

	if (output >= c->nall || !c->outputs[output] || !c->sink->ops->ff_request)
		return -EOPNOTSUPP;
	return c->sink->ops->ff_request(c->sink, c->outputs[output]->handle, code, request_id, &h);
}

bool hm_device_ff_stats(const struct hm_device *dev, unsigned output, uint64_t *uploaded,
                        uint64_t *played)
{
	const struct hm_device_core *c = dev->core;

	if (output >= c->noutputs || !c->ff[output])
		return false;
	*uploaded = c->ff[output]->uploaded;
	*played = c->ff[output]->played;
	return true;
}

void device_ff_free(struct hm_device_core *c)
{
	for (unsigned i = 0; i < HM_MAX_OUTPUTS; i++) {
		free(c->ff[i]);
		c->ff[i] = NULL;
	}
	c->ff_deadline_us = 0;
}

/* The effects output n's device takes: the module's (hm_device_set_rumble()),
 * 0 (the sink's default) when it declared none. */
unsigned device_ff_effects_max(const struct hm_device_core *c, unsigned n)
{
	return n < c->noutputs && c->ff[n] ? c->ff[n]->max_effects : 0;
}
