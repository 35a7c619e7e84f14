/* SPDX-License-Identifier: MIT */
/*
 * The core side of a driven device: the probe along the chain of modules
 * it is given (which modules go in it is the selection policy's decision,
 * module-select.h, a layer above), the virtual outputs, the remapper in
 * between, and the transport used for output and feature reports.  The
 * same code runs for a real hidraw device (daemon.c) and for a recording
 * (`hidmapd replay`, tests).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "module-chain.h"
#include "module.h"
#include "remap.h"
#include "sink.h"

/* Completion of a request made through hm_transport.submit. */
typedef void (*hm_transport_done_fn)(void *ctx, int result, const uint8_t *data, size_t size);

/* How output/feature reports reach the device.  Any hook may be NULL (-ENOTSUP). */
struct hm_transport {
	int (*write)(void *userdata, const uint8_t *data, size_t size);
	int (*send_feature)(void *userdata, const uint8_t *data, size_t size);
	int (*get_feature)(void *userdata, uint8_t *data, size_t size);
	void *userdata;
	/*
	 * Asynchronous requests (the daemon: a worker off the loop).  Queues
	 * one; done(ctx, ...) runs later on the loop, unless done is NULL
	 * (an output report sent and forgotten).  Returns 0 or a negative
	 * errno (done will not run).  Set, it serves hm_device_request() and
	 * hm_device_write(); every request must have completed or been
	 * cancelled (done called) before hm_device_free().
	 */
	int (*submit)(void *userdata, enum hm_request_type type, const uint8_t *data, size_t size,
	              hm_transport_done_fn done, void *ctx);
};

struct hm_device_setup {
	/* The modules to probe, in order: hm_module_select()'s chain (a probe
	 * returning -ENODEV passes the device on to the next).  NULL: module
	 * alone (forced, as --module).  One of the two must be set: the core
	 * does not choose modules itself. */
	const struct hm_module_chain *chain;
	const struct hm_module *module;
	const struct hm_config_profile *profile; /* remap profile, may be NULL */
	enum hm_unmapped_policy unmapped;
	struct hm_sink *sink;                 /* where frames go */
	const struct hm_transport *transport; /* may be NULL */
	/* the user's settings for the hardware, for the module's configure
	 * hook; NULL: none set */
	const struct hm_device_settings *settings;
	/* Asks the owner to call hm_device_timer() once at deadline_us
	 * (hm_now_usec() clock); 0 cancels.  NULL: timed mappings (tap-hold
	 * timeouts, macro delays, mouse keys) only advance with reports. */
	void (*arm_timer)(void *userdata, uint64_t deadline_us);
	/* A profile switch bound to a key recreated some outputs: their sink
	 * handles changed (may be NULL). */
	void (*outputs_changed)(void *userdata);
	void *userdata; /* for the two hooks above */
	/* How long the virtual devices of a module's absent controls
	 * (hm_device_set_present()) stay before they are removed: the
	 * daemon's replug grace.  0: removed at once. */
	uint64_t absent_grace_us;
};

/* Where a tapped event was seen: as the module decoded it, or as the
 * mapping sent it to an output (before the input core's filtering). */
enum hm_tap_stage {
	HM_TAP_DECODED,
	HM_TAP_OUTPUT,
};

typedef void (*hm_device_tap_fn)(void *userdata, const struct hm_device *dev,
                                 enum hm_tap_stage stage, unsigned output, unsigned type,
                                 unsigned code, int value);

struct hm_device_stats {
	uint64_t reports;
	uint64_t decode_errors;
	uint64_t ignored;
};

/*
 * Creates the device: probes the modules of setup's chain in order until
 * one takes it (info's usage page and usage are filled from rdesc first,
 * and a module that came by its ids is skipped unless its table lists the
 * device strictly: dev->id is the entry that did), adjusts the outputs'
 * capabilities for the mapping and creates them on the sink.
 * Returns 0 and *ret, -EINVAL when setup has neither chain nor module,
 * -ENODEV when no module takes the device, or -errno.
 */
int hm_device_new(const struct hm_device_info *info, const uint8_t *rdesc, size_t rdesc_size,
                  const struct hm_device_setup *setup, struct hm_device **ret);

/* Releases every held key/button on every output (with a SYN_REPORT each), calls
 * the module's remove, destroys the outputs.  NULL-safe. */
void hm_device_free(struct hm_device *dev);
/* Lets the module go while the device is still there (the owner is about
 * to close it: a stop, a session switch, a reload that drops it): runs its
 * remove, whose requests (a pad's own mouse emulation given back) the owner
 * then sends before closing.  The outputs stay for hm_device_free(), which
 * no longer runs remove.  NULL-safe. */
void hm_device_let_go(struct hm_device *dev);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_device *, hm_device_free);

/* Decodes one input report and ends the frame on every output. Returns the
 * module's decode result. */
int hm_device_process_report(struct hm_device *dev, const uint8_t *data, size_t size,
                             uint64_t time_us);

/* Lets go of everything, as when the device goes away: axes with a rest
 * value (hm_device_set_abs_rest()) go to it through the mapping, then the
 * mapping forgets its held state (pending taps, macros, layers), and every
 * output lifts its multitouch contacts and releases its keys/buttons, then
 * SYN_REPORT.  Axes without a rest value keep theirs. */
void hm_device_release_all(struct hm_device *dev);

/* The deadline asked for through setup->arm_timer has come. */
void hm_device_timer(struct hm_device *dev, uint64_t now_us);

/* Sees every event before and after the mapping (`hidmapd monitor`); fn
 * NULL removes the tap.  Costs one branch per event when unset. */
void hm_device_set_tap(struct hm_device *dev, hm_device_tap_fn fn, void *userdata);

/* Switches to a new mapping atomically: releases everything held, then
 * applies; outputs whose capabilities do not change are kept, others are
 * recreated (so their sink handles change: refresh what watches them). */
int hm_device_set_profile(struct hm_device *dev, const struct hm_config_profile *profile,
                          enum hm_unmapped_policy unmapped);
/*
 * The same switch for a focus change (per-application profiles): what the
 * old mapping holds is released first, as above, but a key still held
 * then does nothing under the new profile until it is let go and pressed
 * again (hm_remap_inherit_keys()): the release is never sent twice, and
 * a held key never turns into the new profile's key by itself.
 */
int hm_device_set_profile_focus(struct hm_device *dev, const struct hm_config_profile *profile);
/* The profile the mapping runs now (after any switch), NULL: none. */
const struct hm_config_profile *hm_device_profile(const struct hm_device *dev);

/*
 * The physical device went away and came back (a replug within the grace
 * period): releases everything held, then the module starts afresh (its
 * remove, then probe again, so handshakes are redone and no decoder state
 * is left from before), with info as the device is now.  Outputs whose
 * capabilities do not change keep their virtual devices.  On error the
 * device is left without a module: free it.
 */
int hm_device_restart(struct hm_device *dev, const struct hm_device_info *info);

/* An event that came back from output n's virtual device (EV_LED, EV_FF...). */
int hm_device_handle_feedback(struct hm_device *dev, unsigned output, unsigned type, unsigned code,
                              int value);

/*
 * A force-feedback request read from output n's virtual device (EV_UINPUT,
 * code UI_FF_UPLOAD or UI_FF_ERASE, value the request id): the sink fetches
 * the effect, the output's rumble helper (hm_device_set_rumble()) takes or
 * refuses it, and the sink answers the client.  Returns 0 or a negative
 * errno (-EOPNOTSUPP: the sink has no force feedback).
 */
int hm_device_handle_ff_request(struct hm_device *dev, unsigned output, unsigned code,
                                unsigned request_id);
/* Effects uploaded and plays asked on output n since the module probed;
 * false when the output has no force feedback. */
bool hm_device_ff_stats(const struct hm_device *dev, unsigned output, uint64_t *uploaded,
                        uint64_t *played);

/* New settings for the hardware (a reload): kept for a restart, and the
 * module's configure hook runs when they differ from the current ones.
 * NULL: none set. */
void hm_device_configure(struct hm_device *dev, const struct hm_device_settings *settings);
/* The battery as the module last set it (hm_device_set_battery()):
 * false when the module never did. */
bool hm_device_get_battery(const struct hm_device *dev, int *percent,
                           enum hm_battery_status *status);

/* Whether the module says its controls are there (hm_device_set_present()). */
bool hm_device_present(const struct hm_device *dev);
/* The module's words on its link (hm_device_set_link()), NULL: none. */
const char *hm_device_get_link(const struct hm_device *dev);

unsigned hm_device_noutputs(const struct hm_device *dev);
/* The sink's handle of output n (to poll its feedback fd). */
void *hm_device_output_handle(const struct hm_device *dev, unsigned n);
const struct libevdev *hm_device_output_caps(const struct hm_device *dev, unsigned n);
const struct hm_device_stats *hm_device_get_stats(const struct hm_device *dev);
/* The chain the device was created with (the daemon compares it on a
 * reload: a device whose chain changes is taken afresh). */
const struct hm_module_chain *hm_device_module_chain(const struct hm_device *dev);

/* Whether requests the module made while probing are still unanswered, or
 * the module holds the device (hm_device_hold_init()) and is not ready yet
 * (`status` shows the device as initializing). */
bool hm_device_initializing(const struct hm_device *dev);
/* The module held the device initializing (hm_device_hold_init()) and was
 * not ready in time: drop the device. */
bool hm_device_init_failed(const struct hm_device *dev);
