/* SPDX-License-Identifier: MIT */
/*
 * The remapper: between a device module's decoded events and the virtual
 * output devices.  Built per device from its config profile (and every
 * profile reachable from it through profile switches); allocates nothing
 * per event.  The language it runs is documented in doc/hidmapd.ini.5.md.
 *
 * Data flows one way: module -> hm_remap_event() -> ops->emit (the output
 * layer).  Time comes from the caller (now_us on every call), so tests run
 * it with a fake clock; when the remapper needs to act later (a tap-hold
 * timeout, a macro delay, mouse keys, a deflected stick) it asks for one
 * call of hm_remap_timer() through ops->arm, and asks for none at rest.
 *
 * Outputs: 0..nbase-1 are the module's own; a mapping whose target does
 * not belong on the source's output (a key from a gamepad, pointer motion
 * from a stick) goes to an extra output the remapper adds, one per kind
 * (keyboard, pointer), as the kernel keeps keys, pointers and absolute
 * devices apart.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <libevdev/libevdev.h>

#include "config.h"

struct hm_remap_ops {
	/* one event on an output */
	void (*emit)(void *userdata, unsigned output, unsigned type, unsigned code, int value);
	/* ends the frame on every output: events produced from a timer or a
	 * macro step are frames of their own (may be NULL in tests) */
	void (*sync)(void *userdata);
	/* call hm_remap_timer() at deadline_us (0: no call needed) */
	void (*arm)(void *userdata, uint64_t deadline_us);
};

struct hm_remap;

/*
 * profile may be NULL (identity mapping).  base_caps are the module's
 * nbase outputs as declared.  Returns 0 or -ENOMEM, -EINVAL for a profile
 * the loader would not have produced, -E2BIG when the outputs do not fit.
 */
int hm_remap_new(const struct hm_config_profile *profile, enum hm_unmapped_policy unmapped,
                 struct libevdev *const *base_caps, unsigned nbase, struct hm_remap **ret);
void hm_remap_free(struct hm_remap *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_remap *, hm_remap_free);

void hm_remap_set_ops(struct hm_remap *r, const struct hm_remap_ops *ops, void *userdata);

/* All outputs: the module's and the extra ones. */
unsigned hm_remap_noutputs(const struct hm_remap *r);
/*
 * Fills caps for output n: for a module output, caps arrives as a copy of
 * its declared capabilities and is adjusted for what the mapping makes of
 * it; for an extra output, caps arrives empty (ids set) and gets its name
 * and everything the mapping sends there.  Codes that the mapping can no
 * longer produce are removed, targets added.
 */
void hm_remap_output_caps(const struct hm_remap *r, unsigned n, struct libevdev *caps);

/* One decoded event in; zero or more events out through ops->emit. */
void hm_remap_event(struct hm_remap *r, unsigned output, unsigned type, unsigned code, int value,
                    uint64_t now_us);
/* The module finished a report: pending frame-level work (axis zones
 * that changed together) is done; outputs are synced by the caller. */
void hm_remap_frame(struct hm_remap *r, uint64_t now_us);
/* The deadline asked for through ops->arm has come. */
void hm_remap_timer(struct hm_remap *r, uint64_t now_us);
/* Forgets held state: pending taps, running macros, active layers, moving
 * pointers.  The caller releases what the outputs hold. */
void hm_remap_reset(struct hm_remap *r);
/* The profile a profile switch moved to, NULL when none happened since the
 * last call; the caller rebuilds the remapper for it (atomic switch). */
const struct hm_config_profile *hm_remap_take_switch(struct hm_remap *r);
/*
 * A switch that keeps the fingers where they are (a focus change): the
 * keys of the module's outputs that old has seen down count as down for r
 * too, so that r acts on none of them until it is let go and pressed
 * again (its release does nothing, and a report that still has it down is
 * no new press).  Call before releasing what old holds.
 */
void hm_remap_inherit_keys(struct hm_remap *r, const struct hm_remap *old);
