/* SPDX-License-Identifier: MIT */
/*
 * The device core: probes the modules of the chain it is given, creates
 * the outputs the module declares (as the mapping adjusts them), carries
 * every decoded event through the mapping to them, runs the owner's one
 * timer for all its parts, and takes a replugged device afresh.  Requests
 * to the device are in device-request.c, force feedback in device-ff.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "device-private.h"
#include "event-loop.h"
#include "util-log.h"
#include "util-strings.h"
#include "vdev.h"

/* A fresh copy of a capability set (libevdev has no clone). */
static struct libevdev *caps_clone(const struct libevdev *src_const)
{
	struct libevdev *src = (struct libevdev *)src_const;
	struct libevdev *d = libevdev_new();

	if (!d)
		return NULL;
	libevdev_set_name(d, libevdev_get_name(src));
	if (libevdev_get_phys(src))
		libevdev_set_phys(d, libevdev_get_phys(src));
	if (libevdev_get_uniq(src))
		libevdev_set_uniq(d, libevdev_get_uniq(src));
	libevdev_set_id_bustype(d, libevdev_get_id_bustype(src));
	libevdev_set_id_vendor(d, libevdev_get_id_vendor(src));
	libevdev_set_id_product(d, libevdev_get_id_product(src));
	libevdev_set_id_version(d, libevdev_get_id_version(src));
	for (unsigned p = 0; p <= INPUT_PROP_MAX; p++)
		if (libevdev_has_property(src, p))
			libevdev_enable_property(d, p);
	for (unsigned t = 0; t <= EV_MAX; t++) {
		int max;

		if (!libevdev_has_event_type(src, t))
			continue;
		libevdev_enable_event_type(d, t);
		max = libevdev_event_type_get_max(t);
		for (int c = 0; c <= max; c++) {
			const void *data = NULL;
			int rep;

			if (!libevdev_has_event_code(src, t, (unsigned)c))
				continue;
			if (t == EV_ABS)
				data = libevdev_get_abs_info(src, (unsigned)c);
			else if (t == EV_REP) {
				libevdev_get_repeat(src, c == REP_DELAY ? &rep : NULL,
				                    c == REP_PERIOD ? &rep : NULL);
				data = &rep;
			}
			libevdev_enable_event_code(d, t, (unsigned)c, data);
		}
	}
	return d;
}

static bool caps_equal(const struct libevdev *a_const, const struct libevdev *b_const)
{
	struct libevdev *a = (struct libevdev *)a_const, *b = (struct libevdev *)b_const;

	if (!streq_ptr(libevdev_get_name(a), libevdev_get_name(b)))
		return false;
	for (unsigned p = 0; p <= INPUT_PROP_MAX; p++)
		if (libevdev_has_property(a, p) != libevdev_has_property(b, p))
			return false;
	for (unsigned t = 0; t <= EV_MAX; t++) {
		int max = libevdev_event_type_get_max(t);

		if (libevdev_has_event_type(a, t) != libevdev_has_event_type(b, t))
			return false;
		for (int c = 0; c <= max; c++) {
			if (libevdev_has_event_code(a, t, (unsigned)c) !=
			    libevdev_has_event_code(b, t, (unsigned)c))
				return false;
			if (t == EV_ABS && libevdev_has_event_code(a, t, (unsigned)c)) {
				const struct input_absinfo *x =
				    libevdev_get_abs_info(a, (unsigned)c);
				const struct input_absinfo *y =
				    libevdev_get_abs_info(b, (unsigned)c);

				if (x->minimum != y->minimum || x->maximum != y->maximum ||
				    x->fuzz != y->fuzz || x->flat != y->flat ||
				    x->resolution != y->resolution)
					return false;
			}
		}
	}
	return true;
}

int hm_device_add_output(struct hm_device *dev, const char *name, struct libevdev **ret_caps)
{
	struct hm_device_core *c = core_of(dev);
	struct libevdev *caps;
	const char *node;
	char phys[96];

	if (!c->probing)
		return -EPERM;
	if (c->noutputs >= HM_MAX_OUTPUTS)
		return -E2BIG;

	caps = libevdev_new();
	if (!caps)
		return -ENOMEM;
	libevdev_set_name(caps, name);
	node = strrchr(dev->info.path, '/');
	node = node ? node + 1 : dev->info.path;
	snprintf(phys, sizeof(phys), "hidmapd/%s/input%u", node, c->noutputs);
	libevdev_set_phys(caps, phys);
	if (dev->info.serial[0])
		libevdev_set_uniq(caps, dev->info.serial);
	libevdev_set_id_bustype(caps, dev->info.bus);
	libevdev_set_id_vendor(caps, dev->info.vendor);
	libevdev_set_id_product(caps, dev->info.product);
	libevdev_set_id_version(caps, dev->info.version);

	c->base_caps[c->noutputs] = caps;
	*ret_caps = caps;
	return (int)c->noutputs++;
}

static int sync_outputs(struct hm_device_core *c);

int hm_device_show_output(struct hm_device *dev, unsigned output, bool shown)
{
	struct hm_device_core *c = core_of(dev);
	int r;

	if (output >= c->noutputs)
		return -EINVAL;
	if (c->hidden[output] == !shown)
		return 0;
	c->hidden[output] = !shown;
	/* in probe the outputs are created afterwards, as declared */
	if (c->probing || !c->remap)
		return 0;
	if (!shown && c->outputs[output])
		hm_vdev_release_all(c->outputs[output]);
	r = sync_outputs(c);
	if (r > 0 && c->outputs_changed)
		c->outputs_changed(c->owner);
	return r < 0 ? r : 0;
}

bool hm_device_restarting(const struct hm_device *dev)
{
	return dev->core->restarting;
}

_Static_assert(ABS_CNT <= 64, "has_rest holds one bit per ABS code");

int hm_device_set_abs_rest(struct hm_device *dev, unsigned output, unsigned code, int value)
{
	struct hm_device_core *c = core_of(dev);
	const struct input_absinfo *abs;

	if (!c->probing)
		return -EPERM;
	if (output >= c->noutputs || code > ABS_MAX ||
	    !libevdev_has_event_code(c->base_caps[output], EV_ABS, code))
		return -EINVAL;
	abs = libevdev_get_abs_info(c->base_caps[output], code);
	if (value < abs->minimum || value > abs->maximum)
		return -ERANGE;
	c->rest[output][code] = value;
	c->has_rest[output] |= UINT64_C(1) << code;
	return 0;
}

/* The tap, out of line: the emit path stays small without one. */
static __attribute__((noinline, cold)) void tap(struct hm_device_core *c, enum hm_tap_stage point,
                                                unsigned output, unsigned type, unsigned code,
                                                int value)
{
	c->tap(c->tap_userdata, &c->pub, point, output, type, code, value);
}

/* hm_emit() with a tap: the tap, then the mapping. */
static __attribute__((noinline, cold)) void emit_tapped(struct hm_device_core *c, unsigned output,
                                                        unsigned type, unsigned code, int value)
{
	tap(c, HM_TAP_DECODED, output, type, code, value);
	hm_remap_event(c->remap, output, type, code, value, c->now_us);
}

static void to_output(struct hm_device_core *c, unsigned output, unsigned type, unsigned code,
                      int value)
{
	if (output < c->nall && c->outputs[output])
		hm_vdev_event(c->outputs[output], type, code, value);
}

/* emit_to_output() with a tap: the tap, then the output. */
static __attribute__((noinline, cold)) void
to_output_tapped(struct hm_device_core *c, unsigned output, unsigned type, unsigned code, int value)
{
	tap(c, HM_TAP_OUTPUT, output, type, code, value);
	to_output(c, output, type, code, value);
}

static void emit_to_output(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
	struct hm_device_core *c = userdata;

	/* without a tap, nothing to do after the vdev's call (a tail call) */
	if (_unlikely_(c->tap))
		to_output_tapped(c, output, type, code, value);
	else
		to_output(c, output, type, code, value);
}

static void flush_all(struct hm_device_core *c)
{
	for (unsigned i = 0; i < c->nall; i++)
		if (c->outputs[i])
			hm_vdev_flush(c->outputs[i]);
}

static void remap_sync(void *userdata)
{
	flush_all(userdata);
}

/* Arms the owner's timer for the earlier of the mapping's and the module's deadlines. */
void device_arm_combined(struct hm_device_core *c)
{
	uint64_t d = c->remap_deadline_us;

	if (c->module_deadline_us && (!d || c->module_deadline_us < d))
		d = c->module_deadline_us;
	if (c->ff_deadline_us && (!d || c->ff_deadline_us < d))
		d = c->ff_deadline_us;
	if (c->ex_deadline_us && (!d || c->ex_deadline_us < d))
		d = c->ex_deadline_us;
	if (c->init_deadline_us && (!d || c->init_deadline_us < d))
		d = c->init_deadline_us;
	if (c->absent_deadline_us && (!d || c->absent_deadline_us < d))
		d = c->absent_deadline_us;
	if (c->arm_timer)
		c->arm_timer(c->owner, d);
}

static void remap_arm(void *userdata, uint64_t deadline_us)
{
	struct hm_device_core *c = userdata;

	c->remap_deadline_us = deadline_us;
	device_arm_combined(c);
}

void hm_device_set_interval(struct hm_device *dev, uint64_t period_us)
{
	struct hm_device_core *c = core_of(dev);

	c->module_period_us = period_us;
	c->module_deadline_us = period_us ? hm_now_usec() + period_us : 0;
	device_arm_combined(c);
}

static const struct hm_remap_ops remap_ops = {
    .emit = emit_to_output,
    .sync = remap_sync,
    .arm = remap_arm,
};

void hm_emit(struct hm_device *dev, unsigned output, unsigned type, unsigned code, int value)
{
	struct hm_device_core *c = core_of(dev);

	if (_unlikely_(c->tap))
		emit_tapped(c, output, type, code, value);
	else
		hm_remap_event(c->remap, output, type, code, value, c->now_us);
}

/* Forgets the module's side of a probe without its remove(): answers
 * and exchanges still on their way, its state, the outputs it declared
 * (the virtual devices themselves stay), its rumble and its timer. */
static void forget_module(struct hm_device_core *c)
{
	struct hm_device *dev = &c->pub;

	device_requests_forget(c);
	if (dev->module && dev->module->priv_size)
		free(dev->priv);
	dev->priv = NULL;
	for (unsigned i = 0; i < c->noutputs; i++) {
		libevdev_free(c->base_caps[i]);
		c->base_caps[i] = NULL;
		c->has_rest[i] = 0;
		c->hidden[i] = false;
	}
	device_ff_free(c);
	c->noutputs = 0;
	c->module_period_us = c->module_deadline_us = 0;
	dev->module = NULL;
	dev->id = NULL;
}

/* Undoes a probe on the module's side: its remove, then what it had. */
static void unprobe_module(struct hm_device_core *c)
{
	struct hm_device *dev = &c->pub;

	if (dev->module && dev->module->remove)
		dev->module->remove(dev);
	forget_module(c);
}

/* Undoes a probe: the module's remove, then every declared output. */
static void unprobe(struct hm_device_core *c)
{
	unprobe_module(c);
	for (unsigned i = 0; i < c->nall; i++) {
		hm_vdev_free(c->outputs[i]);
		c->outputs[i] = NULL;
	}
	c->nall = 0;
}

static int try_probe(struct hm_device_core *c, const struct hm_module *m,
                     const struct hm_device_id *id)
{
	struct hm_device *dev = &c->pub;
	int r = 0;

	dev->module = m;
	dev->id = id;
	if (m->priv_size) {
		dev->priv = zalloc(m->priv_size);
		if (!dev->priv) {
			dev->module = NULL;
			return -ENOMEM;
		}
	}
	c->probing = true;
	if (m->probe)
		r = m->probe(dev);
	c->probing = false;
	/* remove() is for what a successful probe set up; a failed probe
	 * cleans up after itself */
	if (r < 0)
		forget_module(c);
	return r;
}

/* The module's configure hook with the user's settings, once the outputs
 * exist (the hook may send reports). */
static void configure_module(struct hm_device_core *c)
{
	const struct hm_module *m = c->pub.module;

	if (m && m->configure)
		m->configure(&c->pub, &c->settings);
}

/* Probes along the chain: -ENODEV (or a table that does not list the
 * device once its descriptor is known) passes it on to the next module. */
static int select_module(struct hm_device_core *c, const struct hm_module_chain *chain)
{
	int r = -ENODEV;

	for (size_t i = 0; i < chain->n; i++) {
		const struct hm_module *m = chain->modules[i];
		const struct hm_device_id *id = hm_module_match_id(m, &c->pub.info, true);

		if (chain->by_id[i] && !id)
			continue;
		r = try_probe(c, m, id);
		if (r != -ENODEV)
			return r;
	}
	return r;
}

/* The capabilities output n has under the current mapping. */
static struct libevdev *output_caps(struct hm_device_core *c, unsigned n)
{
	struct libevdev *caps;

	if (n < c->noutputs) {
		caps = caps_clone(c->base_caps[n]);
	} else {
		const struct hm_device_info *info = &c->pub.info;
		const char *node = strrchr(info->path, '/');
		char phys[96];

		caps = libevdev_new();
		if (!caps)
			return NULL;
		node = node ? node + 1 : info->path;
		snprintf(phys, sizeof(phys), "hidmapd/%s/input%u", node, n);
		libevdev_set_phys(caps, phys);
		if (info->serial[0])
			libevdev_set_uniq(caps, info->serial);
		libevdev_set_id_bustype(caps, info->bus);
		libevdev_set_id_vendor(caps, info->vendor);
		libevdev_set_id_product(caps, info->product);
		libevdev_set_id_version(caps, info->version);
	}
	if (caps)
		hm_remap_output_caps(c->remap, n, caps);
	return caps;
}

/* A new remapper for profile, wired to this device. */
static int remap_build(struct hm_device_core *c, const struct hm_config_profile *profile,
                       enum hm_unmapped_policy unmapped, struct hm_remap **ret)
{
	struct hm_remap *r;
	int ret_r;

	ret_r = hm_remap_new(profile, unmapped, c->base_caps, c->noutputs, &r);
	if (ret_r < 0)
		return ret_r;
	hm_remap_set_ops(r, &remap_ops, c);
	*ret = r;
	return 0;
}

/*
 * Brings the outputs in line with c->remap: keeps the virtual devices
 * whose capabilities do not change, so that applications keep their
 * handles, and recreates or removes the others.  Returns >0 if any handle
 * changed, 0 if none, or -errno.
 */
static int sync_outputs(struct hm_device_core *c)
{
	unsigned nall = hm_remap_noutputs(c->remap);
	int changed = 0;

	if (nall > HM_MAX_ALL_OUTPUTS)
		return -E2BIG;
	for (unsigned i = nall; i < c->nall; i++) {
		hm_vdev_free(c->outputs[i]);
		c->outputs[i] = NULL;
		changed = 1;
	}
	for (unsigned i = 0; i < nall; i++) {
		struct libevdev *caps;
		struct hm_vdev *v;
		int r;

		if (i < c->noutputs && c->hidden[i]) {
			if (c->outputs[i]) {
				device_ff_output_lost(c, i);
				hm_vdev_free(c->outputs[i]);
				c->outputs[i] = NULL;
				changed = 1;
			}
			if (i >= c->nall)
				c->nall = i + 1;
			continue;
		}
		caps = output_caps(c, i);
		if (!caps)
			return -ENOMEM;
		if (c->outputs[i] && caps_equal(caps, c->outputs[i]->caps) &&
		    c->outputs[i]->ff_effects_max == device_ff_effects_max(c, i)) {
			libevdev_free(caps);
			continue;
		}
		v = hm_vdev_new(caps);
		if (!v) {
			libevdev_free(caps);
			return -ENOMEM;
		}
		if (c->outputs[i])
			device_ff_output_lost(c, i);
		hm_vdev_free(c->outputs[i]);
		c->outputs[i] = v;
		if (i >= c->nall)
			c->nall = i + 1;
		changed = 1;
		v->ff_effects_max = device_ff_effects_max(c, i);
		r = hm_vdev_create(v, c->sink);
		if (r < 0)
			return r;
	}
	c->nall = nall;
	return changed;
}

int hm_device_new(const struct hm_device_info *info, const uint8_t *rdesc, size_t rdesc_size,
                  const struct hm_device_setup *setup, struct hm_device **ret)
{
	_cleanup_(hm_device_freep) struct hm_device *dev = NULL;
	struct hm_device_core *c;
	int r;

	/* which modules may drive the device is the caller's policy */
	if (!setup->chain && !setup->module)
		return -EINVAL;
	c = zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = device_requests_new(c);
	if (r < 0) {
		free(c);
		return r;
	}
	dev = &c->pub;
	dev->core = c;
	dev->info = *info;
	if (rdesc_size) {
		c->rdesc = malloc(rdesc_size);
		if (!c->rdesc)
			return -ENOMEM;
		memcpy(c->rdesc, rdesc, rdesc_size);
		dev->rdesc = c->rdesc;
		dev->rdesc_size = rdesc_size;
	}
	c->sink = setup->sink;
	if (setup->transport)
		c->transport = *setup->transport;
	c->arm_timer = setup->arm_timer;
	c->outputs_changed = setup->outputs_changed;
	c->owner = setup->userdata;
	c->unmapped = setup->unmapped;
	c->absent_grace_us = setup->absent_grace_us;
	if (setup->settings)
		c->settings = *setup->settings;
	else
		c->settings = (struct hm_device_settings)HM_DEVICE_SETTINGS_INIT;

	if (!info->usage_page)
		hm_device_info_set_usage(&dev->info, rdesc, rdesc_size);
	if (setup->chain)
		c->chain = *setup->chain;
	else
		hm_module_chain_single(&c->chain, setup->module);
	r = select_module(c, &c->chain);
	if (r < 0)
		return r;

	r = remap_build(c, setup->profile, setup->unmapped, &c->remap);
	if (r < 0)
		return r;
	c->profile = setup->profile;

	/* controls the module says are absent get their outputs when they come */
	r = c->absent ? 0 : sync_outputs(c);
	if (r < 0)
		return r;
	configure_module(c);

	*ret = steal(&dev);
	return 0;
}

void hm_device_let_go(struct hm_device *dev)
{
	if (dev)
		unprobe_module(core_of(dev));
}

void hm_device_free(struct hm_device *dev)
{
	struct hm_device_core *c;

	if (!dev)
		return;
	c = core_of(dev);
	/* hm_vdev_free() releases held keys before destroying each output */
	unprobe(c);
	hm_remap_free(c->remap);
	free(c->rdesc);
	device_requests_free(c);
	free(c);
}

/* A profile switch bound to a key: done between reports, never inside one. */
static void apply_switch(struct hm_device_core *c)
{
	const struct hm_config_profile *next = hm_remap_take_switch(c->remap);
	int r;

	if (!next)
		return;
	r = hm_device_set_profile(&c->pub, next, c->unmapped);
	if (r < 0)
		log_warning_errno(r, "%s: cannot switch to profile %s: %m, ignoring",
		                  c->pub.info.path, log_escape(next->id));
	else
		log_info("%s: switched to profile %s", c->pub.info.path, log_escape(next->id));
}

int hm_device_process_report(struct hm_device *dev, const uint8_t *data, size_t size,
                             uint64_t time_us)
{
	struct hm_device_core *c = core_of(dev);
	int r = 0;

	c->stats.reports++;
	c->now_us = time_us;
	/* a handshake's reply is the exchange's, not decoded */
	if (_unlikely_(c->ex_active) && device_exchange_offer(c, data, size))
		return 0;
	if (dev->module->decode)
		r = dev->module->decode(dev, data, size, time_us);
	if (r < 0)
		c->stats.decode_errors++;
	else if (r == 0)
		c->stats.ignored++;
	hm_remap_frame(c->remap, time_us);
	flush_all(c);
	apply_switch(c);
	return r;
}

/* Absent controls' grace is over: their virtual devices go (the mapping
 * stays, for when they come back). */
static void remove_outputs(struct hm_device_core *c)
{
	c->absent_deadline_us = 0;
	if (!c->nall)
		return;
	for (unsigned i = 0; i < c->nall; i++) {
		if (c->outputs[i])
			device_ff_output_lost(c, i);
		hm_vdev_free(c->outputs[i]);
		c->outputs[i] = NULL;
	}
	c->nall = 0;
	log_info("%s: its controls did not come back, removing their virtual devices",
	         c->pub.info.path);
	if (c->outputs_changed)
		c->outputs_changed(c->owner);
}

void hm_device_set_present(struct hm_device *dev, bool present)
{
	struct hm_device_core *c = core_of(dev);
	int r;

	if (c->absent == !present)
		return;
	c->absent = !present;
	if (c->probing)
		return; /* hm_device_new() or the restart take it from here */
	if (!present) {
		/* nothing stays held while the controls are gone */
		hm_device_release_all(dev);
		flush_all(c);
		if (!c->absent_grace_us) {
			remove_outputs(c);
			return;
		}
		c->absent_deadline_us = hm_now_usec() + c->absent_grace_us;
		device_arm_combined(c);
		return;
	}
	/* back: within the grace the same virtual devices, else new ones */
	c->absent_deadline_us = 0;
	device_arm_combined(c);
	if (c->nall)
		return;
	r = sync_outputs(c);
	if (r < 0)
		log_warning_errno(r, "%s: cannot create its virtual devices: %m", dev->info.path);
	if (r != 0 && c->outputs_changed)
		c->outputs_changed(c->owner);
}

bool hm_device_present(const struct hm_device *dev)
{
	return !dev->core->absent;
}

void hm_device_set_link(struct hm_device *dev, const char *link)
{
	core_of(dev)->link = link;
}

const char *hm_device_get_link(const struct hm_device *dev)
{
	return dev->core->link;
}

void hm_device_timer(struct hm_device *dev, uint64_t now_us)
{
	struct hm_device_core *c = core_of(dev);

	bool ff_due = c->ff_deadline_us && now_us >= c->ff_deadline_us;
	bool ex_due = c->ex_deadline_us && now_us >= c->ex_deadline_us;
	bool init_due = c->init_deadline_us && now_us >= c->init_deadline_us;
	bool absent_due = c->absent_deadline_us && now_us >= c->absent_deadline_us;

	c->now_us = now_us;
	if (ex_due)
		device_exchange_timer(c);
	if (init_due)
		device_init_timer(c);
	if (absent_due)
		remove_outputs(c);
	if (c->module_deadline_us && now_us >= c->module_deadline_us) {
		c->module_deadline_us = now_us + c->module_period_us;
		if (dev->module && dev->module->timer)
			dev->module->timer(dev, now_us);
	}
	/* the mapping's timer only when it is due (the module's or the
	 * effects' may come first) */
	if ((!c->module_period_us && !ff_due && !ex_due && !init_due && !absent_due) ||
	    (c->remap_deadline_us && now_us >= c->remap_deadline_us)) {
		c->remap_deadline_us = 0; /* spent: the mapping arms again if it needs */
		hm_remap_timer(c->remap, now_us);
	}
	if (ff_due)
		device_ff_run(c, now_us); /* arms again */
	else if (c->module_period_us || ex_due || init_due || absent_due)
		device_arm_combined(c);
	flush_all(c);
	apply_switch(c);
}

void hm_device_set_tap(struct hm_device *dev, hm_device_tap_fn fn, void *userdata)
{
	struct hm_device_core *c = core_of(dev);

	c->tap = fn;
	c->tap_userdata = userdata;
}

void hm_device_release_all(struct hm_device *dev)
{
	struct hm_device_core *c = core_of(dev);

	if (dev->module && dev->module->release)
		dev->module->release(dev);
	/* the device as it is when let go, through the mapping as if it had
	 * reported so (a centred stick also ends what its deflection drove) */
	if (c->remap) {
		bool any = false;

		for (unsigned n = 0; n < c->noutputs; n++)
			for (unsigned code = 0; code <= ABS_MAX; code++)
				if (c->has_rest[n] & UINT64_C(1) << code) {
					hm_remap_event(c->remap, n, EV_ABS, code, c->rest[n][code],
					               c->now_us);
					any = true;
				}
		if (any)
			hm_remap_frame(c->remap, c->now_us);
		hm_remap_reset(c->remap);
	}
	for (unsigned i = 0; i < c->nall; i++)
		if (c->outputs[i])
			hm_vdev_release_all(c->outputs[i]);
}

static int set_profile(struct hm_device *dev, const struct hm_config_profile *profile,
                       enum hm_unmapped_policy unmapped, bool keep_keys)
{
	struct hm_device_core *c = core_of(dev);
	struct hm_remap *remap = NULL;
	int r;

	r = remap_build(c, profile, unmapped, &remap);
	if (r < 0)
		return r;
	if (keep_keys && c->remap)
		hm_remap_inherit_keys(remap, c->remap);

	/* Everything held under the old mapping is released before the new one applies. */
	hm_device_release_all(dev);
	if (c->arm_timer)
		c->arm_timer(c->owner, 0);
	hm_remap_free(c->remap);
	c->remap = remap;
	c->profile = profile;
	c->unmapped = unmapped;
	c->remap_deadline_us = 0;
	device_arm_combined(c); /* the module's interval goes on */

	/* absent controls whose outputs are gone get them when they come */
	if (c->absent && !c->nall)
		return 0;
	r = sync_outputs(c);
	if (r > 0 && c->outputs_changed)
		c->outputs_changed(c->owner);
	return r < 0 ? r : 0;
}

int hm_device_set_profile(struct hm_device *dev, const struct hm_config_profile *profile,
                          enum hm_unmapped_policy unmapped)
{
	return set_profile(dev, profile, unmapped, false);
}

int hm_device_set_profile_focus(struct hm_device *dev, const struct hm_config_profile *profile)
{
	return set_profile(dev, profile, core_of(dev)->unmapped, true);
}

const struct hm_config_profile *hm_device_profile(const struct hm_device *dev)
{
	return core_of((struct hm_device *)dev)->profile;
}

int hm_device_restart(struct hm_device *dev, const struct hm_device_info *info)
{
	struct hm_device_core *c = core_of(dev);
	const struct hm_module *m = dev->module;
	struct hm_remap *remap = NULL;
	int r;

	struct hm_ff_rumble *old_ff[HM_MAX_OUTPUTS];

	/* nothing stays held across the gap, whatever the old state said */
	hm_device_release_all(dev);
	if (c->arm_timer)
		c->arm_timer(c->owner, 0);
	hm_remap_free(c->remap); /* it points into base_caps */
	c->remap = NULL;
	/* the effects uploaded on the outputs outlive the module */
	memcpy(old_ff, c->ff, sizeof(old_ff));
	memset(c->ff, 0, sizeof(c->ff));
	c->restarting = true;
	unprobe_module(c);
	c->restarting = false;

	/* on error the device is left consistent for hm_device_free(): no
	 * module, no mapping, the old virtual devices still there */
	dev->info = *info;
	/* what the module knew of the battery is from before the gap */
	c->battery_known = false;
	/* present unless the new probe says otherwise */
	c->absent = false;
	c->absent_deadline_us = 0;
	c->link = NULL;
	if (!info->usage_page)
		hm_device_info_set_usage(&dev->info, dev->rdesc, dev->rdesc_size);
	/* a failed probe cleans up after itself */
	r = try_probe(c, m, hm_module_match_id(m, &dev->info, true));
	if (r >= 0)
		device_ff_take_over(c, old_ff);
	for (unsigned n = 0; n < HM_MAX_OUTPUTS; n++)
		free(old_ff[n]);
	if (r < 0)
		return r;
	r = remap_build(c, c->profile, c->unmapped, &remap);
	if (r < 0) {
		unprobe_module(c);
		return r;
	}
	c->remap = remap;
	/* absent controls: outputs kept from before stay for the grace,
	 * none are created */
	r = c->absent && !c->nall ? 0 : sync_outputs(c);
	if (r > 0 && c->outputs_changed)
		c->outputs_changed(c->owner);
	if (r >= 0 && c->absent) {
		c->absent_deadline_us = hm_now_usec() + c->absent_grace_us;
		device_arm_combined(c);
	}
	if (r >= 0)
		configure_module(c);
	return r < 0 ? r : 0;
}

void hm_device_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	struct hm_device_core *c = core_of(dev);
	struct hm_device_settings s = HM_DEVICE_SETTINGS_INIT;

	if (settings)
		s = *settings;
	if (!memcmp(&s, &c->settings, sizeof(s)))
		return;
	c->settings = s;
	configure_module(c);
}

void hm_device_set_battery(struct hm_device *dev, int percent, enum hm_battery_status status)
{
	struct hm_device_core *c = core_of(dev);

	c->battery_known = true;
	c->battery_percent = percent < 0 ? -1 : percent > 100 ? 100 : percent;
	c->battery_status = status;
}

bool hm_device_get_battery(const struct hm_device *dev, int *percent,
                           enum hm_battery_status *status)
{
	const struct hm_device_core *c = dev->core;

	if (percent)
		*percent = c->battery_known ? c->battery_percent : -1;
	if (status)
		*status = c->battery_known ? c->battery_status : HM_BATTERY_UNKNOWN;
	return c->battery_known;
}

const struct hm_module_chain *hm_device_module_chain(const struct hm_device *dev)
{
	return &dev->core->chain;
}

int hm_device_handle_feedback(struct hm_device *dev, unsigned output, unsigned type, unsigned code,
                              int value)
{
	struct hm_device_core *c = core_of(dev);

	if (type == EV_FF && output < c->noutputs && c->ff[output])
		return device_ff_event(c, output, code, value);
	if (!dev->module || !dev->module->output)
		return 0;
	return dev->module->output(dev, output, type, code, value);
}

unsigned hm_device_noutputs(const struct hm_device *dev)
{
	return dev->core->nall;
}

void *hm_device_output_handle(const struct hm_device *dev, unsigned n)
{
	if (n >= dev->core->nall || !dev->core->outputs[n])
		return NULL;
	return dev->core->outputs[n]->handle;
}

const struct libevdev *hm_device_output_caps(const struct hm_device *dev, unsigned n)
{
	if (n >= dev->core->nall || !dev->core->outputs[n])
		return NULL;
	return dev->core->outputs[n]->caps;
}

const struct hm_device_stats *hm_device_get_stats(const struct hm_device *dev)
{
	return &dev->core->stats;
}
