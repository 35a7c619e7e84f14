/* SPDX-License-Identifier: MIT */
/*
 * The device-module interface.
 *
 * A module turns the raw input reports of one HID device into evdev events.
 * It is a struct of optional hooks, like the kernel's struct hid_driver:
 *
 *   probe(dev)    called once when the device is taken. Declares the virtual
 *                 output devices with hm_device_add_output() and may talk to
 *                 the device (hm_device_write(), feature reports) for
 *                 handshakes or mode switches.  It must not wait for the
 *                 device: a handshake that needs the device's answer (a
 *                 subcommand and its reply report) is queued with
 *                 hm_device_exchange() and runs off the loop; with
 *                 hm_device_hold_init() the device stays `initializing`
 *                 until the module calls hm_device_ready(), and is dropped
 *                 as failed to initialise when that does not come in time.
 *                 Returns 0 to take the device, -ENODEV to decline (the next
 *                 module in the registry is tried), another negative errno on
 *                 failure.  NULL: the device is taken with no outputs.
 *   decode(dev, data, size, time_us)
 *                 called for every input report, data[0] being the report ID
 *                 when the device numbers its reports.  Emits events with
 *                 hm_emit(); the core ends the frame (SYN_REPORT on every
 *                 output that changed) after decode returns.
 *                 Returns >0 when the report was decoded, 0 when the module
 *                 ignores this report (not an error), a negative errno when
 *                 the report is malformed (counted as a decode error; events
 *                 already emitted for it are still delivered).
 *                 NULL: reports are ignored.
 *   output(dev, output, type, code, value)
 *                 an event coming back from a virtual output device: EV_LED
 *                 (keyboard LEDs), or EV_FF on an output that did not
 *                 declare rumble motors.  Typically sends an output report.
 *                 Returns 0 or a negative errno.
 *   rumble(dev, output, strong, weak)
 *                 force feedback on an output declared with
 *                 hm_device_set_rumble(): set the strong (low-frequency)
 *                 and weak (high-frequency) motors to these magnitudes,
 *                 0..0xffff, 0 being off.  The core plays the effects the
 *                 client uploads (ff-rumble.h: delay, length, repeat count,
 *                 gain, several effects at once, as the kernel's ff-memless)
 *                 and calls rumble whenever the combination changes,
 *                 including the stop when an effect ends, on its own
 *                 timer.  Typically sends one output report.
 *   remove(dev)   the device is going away; free what probe allocated in
 *                 priv (the core frees priv itself when priv_size was set).
 *   timer(dev, now_us)
 *                 the period the module asked for with
 *                 hm_device_set_interval() has passed (keep-alive reports).
 *                 NULL: the module asks for none.
 *
 * Two hooks explain a module to the user and need no device (they run
 * before any probe, and for a device the module may then decline):
 *   describe(info, rdesc, rdesc_size, f)
 *                 for `hidmapd describe`: writes to f what the module makes
 *                 of a device with this identity and report descriptor (its
 *                 mapping, field by field), as a section that starts with
 *                 an empty line and a heading; writes nothing when it has
 *                 nothing to say.  NULL: nothing to say.
 *   map_usage(field, usage, collection, ret)
 *                 the evdev event the module gives usage (page << 16 | id)
 *                 of field, collection being the collection of the field's
 *                 first usage or NULL; fills *ret (type 0: ignored, with
 *                 the reason).  `hidmapd layout` writes a starter layout's
 *                 fields with the generic module's answers.  NULL: the
 *                 module does not map by usage.
 *
 * Three hooks let a quirk module fix what a device gets wrong while the
 * generic module (devices/generic/generic.h) does the rest, as a kernel driver
 * built on hid-generic with its report_fixup/input_mapping/raw_event.
 * Only the generic module's probe/decode run them, for the module that
 * drives the device (a module made with HM_GENERIC_QUIRK()):
 *   report_fixup(info, rdesc, size)
 *                 fixes the report descriptor before it is parsed, in
 *                 place: rdesc holds *size bytes of a buffer of
 *                 HID_RDESC_MAX_SIZE; the hook may change bytes and *size
 *                 (up to that).  As the kernel's report_fixup.
 *   input_mapping(field, usage, map)
 *                 runs before the generic (hid-input) rules for every usage
 *                 (page << 16 | id) of every field: returns >0 when it
 *                 filled *map (type and code) itself, 0 for the generic
 *                 rules, <0 to ignore the usage.  As the kernel's
 *                 input_mapping.
 *   raw_event(dev, data, size)
 *                 sees every input report first (data[0] the report ID on
 *                 a numbered device): returns >0 when it consumed the
 *                 report (the generic decoding does not run; it may emit
 *                 events itself), 0 to let it through, a negative errno for
 *                 a malformed report.  As the kernel's raw_event.
 *
 * Matching is by table: id_table lists bus/vendor/product triples, ended by
 * an all-zero entry; an entry may add predicates (match_flags: interface
 * number, top-level usage page/usage) and carries driver_data for probe
 * (dev->id).  Which modules are tried, in which order, is decided in one
 * place (module-select.h): the module the config names, then the registry
 * in order, generic last; a probe returning -ENODEV passes the device on
 * to the next.  A module with no id_table only drives devices the user
 * selects in the config.
 *
 * Helpers for what gamepads and tablets emit, as the kernel's drivers get
 * them from the input core (both emit through hm_emit(), keep their state
 * in priv and allocate nothing): input-mt.h, multitouch slots as
 * drivers/input/input-mt.c (slots declared on an output's caps, tracking
 * IDs assigned, unused slots dropped, pointer emulation with the finger
 * count); input-motion.h, a "<name> Motion Sensors" output as
 * hid-playstation's (INPUT_PROP_ACCELEROMETER, accelerometer and gyro
 * axes with the kernel's fuzz and resolutions, MSC_TIMESTAMP accumulated
 * from the device's wrapping counter).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libevdev/libevdev.h>

#include "device-info.h"
#include "hid-request.h"
#include "output-limits.h"

struct hm_device;
struct hid_field;
struct hid_collection;

/* What map_usage() makes of a usage. */
struct hm_usage_map {
	uint16_t type; /* EV_KEY, EV_REL, EV_ABS, ...; 0: ignored */
	uint16_t code;
	bool hat;           /* a hat switch: its value goes through a direction table */
	const char *reason; /* why (a static string), NULL if nothing to say */
};

/*
 * What the user's `[device]` section sets on the hardware itself (not the
 * mapping): indicator LEDs the kernel would expose as LED class devices,
 * which a userspace driver cannot create.  The configure hook gets it.
 */
struct hm_device_settings {
	bool lightbar_set;   /* lightbar = #rrggbb */
	uint8_t lightbar[3]; /* red, green, blue */
	int player_leds;     /* player-leds = 0..5 (0: off), -1: not set */
	int mic_led;         /* mic-led = on|off: 1, 0; -1: not set */
	int haptic_click;    /* haptic-click = on|off: 1, 0; -1: not set */
	int spnav_led;       /* spnav-led = on|off|auto: 1, 0, 2 (on while a libspnav
	                      * client is connected: the daemon switches it); -1: not set */
	int joycon_pair;     /* joycon-pair = hold|always|off: HM_JOYCON_PAIR_*; -1: not set */
};
#define HM_DEVICE_SETTINGS_INIT                                                                    \
	{                                                                                          \
		.player_leds = -1, .mic_led = -1, .haptic_click = -1, .spnav_led = -1,             \
		.joycon_pair = -1                                                                  \
	}

/* What hm_device_set_battery() reports (as the kernel's power_supply
 * POWER_SUPPLY_STATUS_*). */
enum hm_battery_status {
	HM_BATTERY_UNKNOWN = 0,
	HM_BATTERY_DISCHARGING,
	HM_BATTERY_CHARGING,
	HM_BATTERY_FULL,
	HM_BATTERY_NOT_CHARGING,
};

struct hm_module {
	const char *name; /* short, lowercase: used in configs and on the CLI */
	const char *description;
	const struct hm_device_id *id_table;
	size_t priv_size; /* if non-zero, dev->priv is zero-allocated before probe */

	int (*probe)(struct hm_device *dev);
	int (*decode)(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us);
	int (*output)(struct hm_device *dev, unsigned output, unsigned type, unsigned code,
	              int value);
	void (*remove)(struct hm_device *dev);
	void (*timer)(struct hm_device *dev, uint64_t now_us);
	void (*describe)(const struct hm_device_info *info, const uint8_t *rdesc, size_t rdesc_size,
	                 FILE *f);
	void (*map_usage)(const struct hid_field *field, uint32_t usage,
	                  const struct hid_collection *collection, struct hm_usage_map *ret);
	void (*rumble)(struct hm_device *dev, unsigned output, uint16_t strong, uint16_t weak);
	/* The user's settings for the hardware (module.h struct
	 * hm_device_settings): called after every successful probe (fields
	 * the config does not set are unset) and again when a reload changes
	 * them.  Typically sends an output report.  NULL: the module has no
	 * such settings. */
	void (*configure)(struct hm_device *dev, const struct hm_device_settings *settings);
	/* quirk hooks, run by the generic module (see above) */
	void (*report_fixup)(const struct hm_device_info *info, uint8_t *rdesc, size_t *size);
	int (*input_mapping)(const struct hid_field *field, uint32_t usage,
	                     struct hm_usage_map *map);
	int (*raw_event)(struct hm_device *dev, const uint8_t *data, size_t size);
	/* Everything held is let go (hm_device_release_all(): the device
	 * went, a restart, a profile switch): the module forgets input state
	 * it keeps and emits itself, before the outputs let go of theirs (a
	 * Joy-Con's half of a pair emitted on the other half's outputs).
	 * NULL: nothing to forget. */
	void (*release)(struct hm_device *dev);
};

struct hm_device_core;

/* What a module sees of a device. */
struct hm_device {
	struct hm_device_info info;
	const uint8_t *rdesc; /* report descriptor, may be NULL for vendor modules */
	size_t rdesc_size;
	const struct hm_module *module;
	/* the module's id_table entry that matched (its driver_data), NULL when
	 * the user's config chose the module for a device it does not list */
	const struct hm_device_id *id;
	void *priv;                  /* the module's state */
	struct hm_device_core *core; /* private to the core */
};

/*
 * Declares a virtual output device called name.  *ret_caps is a libevdev
 * device already carrying the name and the physical device's
 * bus/vendor/product/version; the module enables on it the event types,
 * codes (with absinfo) and properties it will emit.  The core owns it.
 * Only valid from probe().  Returns the output's index (0, 1, ...) or a
 * negative errno (-E2BIG past HM_MAX_OUTPUTS).
 */
int hm_device_add_output(struct hm_device *dev, const char *name, struct libevdev **ret_caps);

/*
 * Says where absolute axis code of output rests when nobody touches the
 * device: a stick's centre, a hat's 0, a spring-loaded ring's middle.  When
 * the device goes away (within the replug grace period the virtual devices
 * stay), on a reload that changes its mapping and on a restart, the core
 * sends value for the axis through the mapping, as if the device reported
 * it, before releasing keys and multitouch contacts, so nothing is left
 * deflected.  Axes without a rest value keep their last value when the
 * device goes: an absolute pointer's position has no rest, and neither has
 * an axis the module cannot know (a trigger that some devices rest at
 * their minimum and others at the centre).  The kernel never moves an axis
 * by itself; this is what a device reports when let go.
 * Only valid from probe(), after the axis is enabled on output's caps.
 * Returns 0, -EPERM outside probe, -EINVAL for an output or axis not
 * declared, -ERANGE for a value outside the axis' minimum..maximum.
 */
int hm_device_set_abs_rest(struct hm_device *dev, unsigned output, unsigned code, int value);

/*
 * Shows or hides output (declared by this module): a hidden output keeps
 * its index and capabilities but has no virtual device; what is emitted on
 * it goes nowhere.  In probe() it sets how the output starts (outputs are
 * shown unless hidden here; a restart's probe declares afresh).  Later it
 * creates or destroys the virtual device at once (the owner is told, as
 * for a profile switch).  This is how one module instance offers a node
 * that appears only in some state (two Joy-Cons held together as one
 * pad).  Returns 0, -EINVAL for an output not declared, or -errno.
 */
int hm_device_show_output(struct hm_device *dev, unsigned output, bool shown);

/* In remove(): true when the device is restarting (a replug within the
 * grace period: probe runs again on the same dev right after), false when
 * it goes for good.  Modules that tie devices together (a Joy-Con pair,
 * module-level state holding both devs) keep the tie across a restart. */
bool hm_device_restarting(const struct hm_device *dev);

/* What hm_device_set_rumble() offers beyond ff-memless's rumble set. */
#define HM_FF_CONSTANT (1u << 0) /* FF_CONSTANT, played as rumble of |level| on both motors */

/*
 * Declares that output drives two rumble motors (the module's rumble hook),
 * as a kernel driver calling input_ff_create_memless(): output's caps get
 * EV_FF with FF_RUMBLE, FF_PERIODIC (FF_SQUARE, FF_TRIANGLE, FF_SINE,
 * played as rumble, as ff-memless does) and FF_GAIN, and what flags add
 * (HM_FF_*; ff-memless itself plays no constant force on rumble motors).
 * Clients may upload up to max_effects effects (1..16, ff-memless offers
 * 16): the uinput device declares max_effects (ff_effects_max), so the
 * kernel gives out exactly that many slots (EVIOCGEFFECTS).  Only valid
 * from probe(), on an output of this module.  Returns 0, -EPERM outside
 * probe, -EINVAL for a bad output, count or flag, -ENOMEM.
 */
int hm_device_set_rumble(struct hm_device *dev, unsigned output, unsigned max_effects,
                         unsigned flags);

/*
 * Emits one event on output.  Events go through the user's mapping, then to
 * the virtual device, which drops what does not change its state as the
 * kernel's input core does (a key already down, an axis at the same value,
 * a relative motion of 0).  Frames end by themselves after decode(); a
 * module that must end one early, as a kernel driver calling input_sync()
 * in the middle of a report, emits EV_SYN/SYN_REPORT (other EV_SYN codes
 * are ignored).
 */
void hm_emit(struct hm_device *dev, unsigned output, unsigned type, unsigned code, int value);

/* The device's battery as it last reported it: percent 0..100 (-1:
 * unknown) and whether it charges; `hidmapd status` shows it.  Cheap
 * enough for every report (stores two values). */
void hm_device_set_battery(struct hm_device *dev, int percent, enum hm_battery_status status);

/*
 * Whether the device's controls are there, for a device whose hidraw node
 * stays while they come and go (a wireless receiver's pad slot): absent,
 * everything held is let go at once and the virtual devices are kept for
 * the replug grace period (the daemon's replug-grace), then removed; present
 * again, they come back (the same ones within the grace, new ones after).
 * Called from probe() with false, the virtual devices are not created
 * until the module says present.  A device is present unless its module
 * says otherwise; a restart (replug) starts it present again.
 */
void hm_device_set_present(struct hm_device *dev, bool present);
/* A few words on the device's link for `hidmapd status` ("pad connected,
 * lizard mode off"); link must outlive the device (a string constant),
 * NULL: nothing to say.  Cleared by a restart. */
void hm_device_set_link(struct hm_device *dev, const char *link);

/* Sends an output report (data[0] is the report ID, 0 if unnumbered).
 * Under the daemon it is queued and sent off the loop (a queued report
 * with the same ID is replaced: the newest state wins); returns size then.
 * Returns the bytes written or queued, or a negative errno. */
int hm_device_write(struct hm_device *dev, const uint8_t *data, size_t size);

typedef void (*hm_request_done_fn)(struct hm_device *dev, int result, const uint8_t *data,
                                   size_t size, void *userdata);

/*
 * Asks the device without waiting for it: done(dev, result, data, size,
 * userdata) runs later on the loop with the bytes written or read (a GET's
 * report in data, data[0] its ID) or a negative errno: -ETIMEDOUT when the
 * device did not answer in time, -ECANCELED when the device went first.
 * Without an asynchronous transport (replay, tests) the request is made at
 * once and done runs before this returns.  A request made in probe(), or
 * in the done callback of such a request, keeps the device `initializing`
 * until it completes.  Returns 0 when done will run, or a negative errno
 * (and done will not run).
 */
int hm_device_request(struct hm_device *dev, enum hm_request_type type, const uint8_t *data,
                      size_t size, hm_request_done_fn done, void *userdata);
/*
 * Request/response handshakes (a subcommand and its reply, a probe
 * sequence), without blocking the loop.  hm_device_exchange() copies x into
 * the device's fixed queue (HM_EXCHANGE_QUEUE entries); exchanges run one
 * at a time, in the order queued.  The one running has sent its report
 * (type HM_REQUEST_OUTPUT or HM_REQUEST_SET_FEATURE) and waits for an input
 * report that matches: match_fn(data, size, userdata) when set, else
 * size >= match_size and (data[i] & mask[i]) == match[i] for every
 * i < match_size (mask 0xff on byte 0: the report ID); no predicate: the
 * next input report.  A matching report is consumed by the exchange: done
 * gets it (result its size) and decode() never sees it; every other report
 * is decoded as usual.  No reply within timeout_us: the report is sent
 * again, up to retries more times, then done gets -ETIMEDOUT and the next
 * exchange starts.  A send that fails ends the exchange with its errno;
 * without a transport (a replay, `describe`) every exchange ends at once
 * with -ENOTSUP, done running before hm_device_exchange() returns, so a
 * module falls back to what it can do without the device's answer.  done
 * may queue further exchanges.  The queue is dropped, done not run, when
 * the module goes (remove, a replug's restart).  Timeouts fire only where
 * the owner runs timers (the daemon, hm_device_timer()).  Returns 0 when
 * done will run, -EINVAL (bad size/type), -ENOBUFS (queue full).
 */
#define HM_EXCHANGE_QUEUE     8
#define HM_EXCHANGE_DATA_MAX  64
#define HM_EXCHANGE_MATCH_MAX 16
struct hm_exchange {
	enum hm_request_type type; /* HM_REQUEST_OUTPUT or HM_REQUEST_SET_FEATURE */
	uint8_t data[HM_EXCHANGE_DATA_MAX];
	size_t size;
	uint8_t match[HM_EXCHANGE_MATCH_MAX], mask[HM_EXCHANGE_MATCH_MAX];
	size_t match_size;
	bool (*match_fn)(const uint8_t *data, size_t size, void *userdata);
	uint64_t timeout_us; /* per try; 0: 100 ms */
	unsigned retries;    /* sends after the first */
	hm_request_done_fn done;
	void *userdata;
};
int hm_device_exchange(struct hm_device *dev, const struct hm_exchange *x);

/*
 * "Initializing until": called in probe(), the device stays `initializing`
 * (status) until the module calls hm_device_ready(dev), typically from the
 * done callback of its last handshake exchange.  Not ready limit_us after
 * probe (0: 5 s), the device failed to initialise: the core logs
 * "<path>: failed to initialise: module <name> not ready after N ms" and
 * hm_device_init_failed() holds, for the owner to drop the device.  The
 * loop never waits for it; reports go to decode() meanwhile.
 */
void hm_device_hold_init(struct hm_device *dev, uint64_t limit_us);
void hm_device_ready(struct hm_device *dev);
/* Feature reports, likewise; get fills data (data[0] set to the ID by the caller). */
int hm_device_send_feature(struct hm_device *dev, const uint8_t *data, size_t size);
int hm_device_get_feature(struct hm_device *dev, uint8_t *data, size_t size);

/*
 * Asks for the module's timer hook every period_us from now (0: stop), for
 * devices that need a report now and then to keep working (keep-alive).
 * Valid from probe() on.  It fires only where the device's owner runs
 * timers (the daemon); a printed replay has no clock to fire it by.
 */
void hm_device_set_interval(struct hm_device *dev, uint64_t period_us);

/* The registry (devices/registry.c): every module, generic last. NULL-terminated. */
extern const struct hm_module *const hm_modules[];

/* By name, or NULL. */
const struct hm_module *hm_module_find(const char *name);

/*
 * Id matching (module.c): the entry of module's id_table that lists info,
 * or NULL.  An interface predicate holds when info's interface is unknown
 * (-1: a recording, a device off USB).  Usage predicates hold on an
 * unknown usage (usage page 0) unless strict: selection runs before the
 * descriptor is read; the device core matches again, strictly, with the
 * usage from the descriptor.
 */
const struct hm_device_id *hm_module_match_id(const struct hm_module *module,
                                              const struct hm_device_info *info, bool strict);
/* Whether module's id_table lists info (hm_module_match_id(), not strict). */
bool hm_module_claims(const struct hm_module *module, const struct hm_device_info *info);

extern const struct hm_module hm_module_generic;
