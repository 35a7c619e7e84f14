/* SPDX-License-Identifier: MIT */
/*
 * What the three parts of the device core share: the device as the core
 * holds it (device.c: probe along the chain, outputs, emit, timers,
 * replug), its requests and handshakes (device-request.c) and its force
 * feedback (device-ff.c).  Private to those files; everyone else uses
 * device.h, and modules module.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "ff-rumble.h"
#include "multiaxis.h"

struct call_table;

/* A queued handshake (hm_device_exchange()). */
struct exchange {
	struct hm_exchange x;
	unsigned sends; /* so far */
};

struct hm_device_core {
	struct hm_device pub;
	struct call_table *calls;
	/* the exchange queue, a ring: the head runs when ex_active */
	struct exchange ex[HM_EXCHANGE_QUEUE];
	unsigned ex_head, ex_count;
	bool ex_active;
	uint64_t ex_deadline_us; /* the running exchange's reply, 0: none */
	/* hm_device_hold_init(): initializing until hm_device_ready() */
	bool init_held, init_failed;
	uint64_t init_deadline_us, init_limit_us;
	unsigned init_pending; /* init requests outstanding */
	bool in_init_done;     /* running an init request's callback */
	bool probing;
	/* hm_device_show_output(): outputs without a virtual device */
	bool hidden[HM_MAX_OUTPUTS];
	bool restarting; /* the module's remove is a restart's */

	unsigned noutputs;                           /* the module's */
	unsigned nall;                               /* ...and the mapping's extra ones */
	struct libevdev *base_caps[HM_MAX_OUTPUTS];  /* as the module declared them */
	uint64_t has_rest[HM_MAX_OUTPUTS];           /* ABS codes with a rest value (bits) */
	int rest[HM_MAX_OUTPUTS][ABS_CNT];           /* hm_device_set_abs_rest() */
	struct hm_vdev *outputs[HM_MAX_ALL_OUTPUTS]; /* as created: base + mapping */
	struct hm_remap *remap;
	const struct hm_config_profile *profile; /* the mapping's, NULL: none */
	enum hm_unmapped_policy unmapped;
	struct hm_sink *sink;
	struct hm_transport transport;
	struct hm_device_stats stats;
	uint8_t *rdesc;
	void (*arm_timer)(void *userdata, uint64_t deadline_us);
	void (*outputs_changed)(void *userdata);
	void *owner;
	hm_device_tap_fn tap;
	void *tap_userdata;
	uint64_t now_us; /* of the report or timer being handled */
	/* the owner's one timer serves the mapping and the module's interval */
	uint64_t remap_deadline_us, module_deadline_us, module_period_us;
	struct hm_module_chain chain; /* as given, for hm_device_module_chain() */
	/* force feedback of the outputs with rumble motors (hm_device_set_rumble()) */
	struct hm_ff_rumble *ff[HM_MAX_OUTPUTS];
	uint64_t ff_deadline_us;            /* when the effects change next, 0: never */
	struct hm_device_settings settings; /* the user's, for the configure hook */
	/* hm_device_set_present(): the controls are gone; their virtual
	 * devices are removed at absent_deadline_us (0: not armed) */
	bool absent;
	uint64_t absent_grace_us, absent_deadline_us;
	const char *link; /* hm_device_set_link() */
	bool battery_known;
	int battery_percent;
	enum hm_battery_status battery_status;
	/* a six-axis controller (multiaxis.h) */
	bool is_multiaxis;
	struct hm_multiaxis_info multiaxis;
	struct hm_multiaxis_listener multiaxis_listener;
};

static inline struct hm_device_core *core_of(struct hm_device *dev)
{
	return dev->core;
}

/* device.c */

/* Arms the owner's timer for the earliest of the deadlines the parts keep
 * (the mapping's, the module's interval, the effects', the running
 * exchange's reply, the hold on initialisation). */
void device_arm_combined(struct hm_device_core *c);

/* device-request.c */

/* The requests table: allocated with the device, and left behind by
 * device_requests_free() while requests are still out. */
int device_requests_new(struct hm_device_core *c);
void device_requests_free(struct hm_device_core *c);
/* The module goes: answers still on their way are dropped, and so is the
 * exchange queue and its hold on initialisation. */
void device_requests_forget(struct hm_device_core *c);
/* An input report the running exchange waits for: consumed (true), and
 * the exchange's done runs; false: decode it. */
bool device_exchange_offer(struct hm_device_core *c, const uint8_t *data, size_t size);
/* The running exchange's reply is late: sent again, or -ETIMEDOUT. */
void device_exchange_timer(struct hm_device_core *c);
/* The module held the device initializing and was not ready in time. */
void device_init_timer(struct hm_device_core *c);

/* device-ff.c */

/* The effects brought to now: the module's rumble hook when the motors
 * change, the owner's timer armed for the next change. */
void device_ff_run(struct hm_device_core *c, uint64_t now);
/* An EV_FF event from output's virtual device (play, stop, gain), output
 * being one with rumble motors. */
int device_ff_event(struct hm_device_core *c, unsigned output, unsigned code, int value);
/* Output n's virtual device is replaced: its uploaded effects are gone. */
void device_ff_output_lost(struct hm_device_core *c, unsigned n);
/* After a restart's probe, the helpers old[] held (one per output) hand
 * their uploaded effects to the new ones. */
void device_ff_take_over(struct hm_device_core *c, struct hm_ff_rumble *const *old);
/* What output n's virtual device declares as ff_effects_max (0: default). */
unsigned device_ff_effects_max(const struct hm_device_core *c, unsigned n);
/* The module goes: its rumble helpers with it. */
void device_ff_free(struct hm_device_core *c);
