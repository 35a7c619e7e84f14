/* SPDX-License-Identifier: MIT */
/*
 * The remapper: between a device module's decoded events and the virtual
 * output devices.  Built per device from its config profile; allocates
 * nothing per event.
 *
 * Data flows one way: module -> hm_remap_event() -> emit callback (the
 * output layer).  Tests pass their own emit callback.
 */
#pragma once

#include <stdbool.h>

#include <libevdev/libevdev.h>

#include "config.h"

typedef void (*hm_remap_emit_fn)(void *userdata, unsigned output, unsigned type, unsigned code,
                                 int value);

struct hm_remap;

/* profile may be NULL (identity mapping). Returns 0 or -ENOMEM. */
int hm_remap_new(const struct hm_config_profile *profile, enum hm_unmapped_policy unmapped,
                 struct hm_remap **ret);
void hm_remap_free(struct hm_remap *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_remap *, hm_remap_free);

/*
 * Adjusts the capabilities of one output device for what the mapping makes
 * of it: targets of mapped codes the device has are enabled, sources that
 * can no longer be emitted are disabled.
 */
void hm_remap_adjust_caps(const struct hm_remap *r, struct libevdev *caps);

/* One decoded event in; zero or more events out through emit. */
void hm_remap_event(struct hm_remap *r, unsigned output, unsigned type, unsigned code, int value,
                    hm_remap_emit_fn emit, void *userdata);
