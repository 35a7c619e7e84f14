/* SPDX-License-Identifier: MIT */
/*
 * The generic module's private state and helpers, shared by its files:
 * generic-map.c (usage -> evdev code, hidinput_configure_usage()),
 * generic-setup.c (probe: applications -> outputs, caps, the Resolution
 * Multiplier), generic.c (decode and emission) and generic-describe.c
 * (the mapping printer and the describe/map_usage hooks).
 */
#pragma once

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "hid-constants.h"
#include "hid-report.h"
#include "module.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

/* ---- HID constants, named as in include/linux/hid.h ---------------------- */

#define USAGE_PAGE_MASK HID_USAGE_PAGE_MASK
#define USAGE_ID_MASK   HID_USAGE_ID_MASK

/* input_register_device() turns on the input core's software autorepeat
 * with these when a device has EV_REP and sets no values of its own. */
#define KERNEL_REP_DELAY_MS  250
#define KERNEL_REP_PERIOD_MS 33

/* A Windows wheel detent, which REL_*_HI_RES counts in (hidinput_handle_scroll). */
#define HI_RES_PER_DETENT 120

/*
 * Relative Consumer Volume becomes |value| VOLUMEUP/DOWN presses.  The
 * kernel has no bound; a descriptor could declare a range of 2^31, and one
 * report must not stall the daemon.
 */
#define MAX_VOLUME_STEPS 255

#define NBYTES(bits) (((bits) + 7) / 8)

/* ---- state, allocated in probe ------------------------------------------- */

/*
 * The kernel's struct hid_usage, the parts hid-input fills in, with its
 * field widths: the hat range and the multiplier are __s8 and the wheel
 * accumulator __s16 there, and the values wrap accordingly (a hat declared
 * 0..359, a multiplier over 127, a fast high-resolution wheel).
 */
struct gen_usage {
	uint32_t hid;
	uint16_t type; /* 0: no event */
	uint16_t code;
	int8_t hat_min, hat_max;
	uint8_t hat_dir;
	int8_t resolution_multiplier;
	int16_t wheel_accumulated;
	int32_t priority; /* hid-core processing order within a report */
};

struct gen_field {
	const struct hid_field *f;
	struct gen_usage *usage; /* f->maxusage */
	int32_t *value;          /* f->maxusage: values of the last report */
	int32_t *new_value;      /* f->maxusage: values being processed */
	uint32_t flags;          /* f->flags, plus RELATIVE where the kernel adds it */
	int input;               /* index into generic.inputs, -1: none */
	unsigned dpad;           /* ABS code of the field's first D-pad usage, 0: none */
	unsigned slot_idx;
	bool ignored; /* ErrorRollOver in the report being processed */
};

/* One step of hid_process_report(): a usage of a Variable field, or a whole Array field. */
struct gen_entry {
	struct gen_field *field;
	unsigned index;
	int32_t priority;
	unsigned seq; /* insertion order, for the kernel's stable ordering */
	/* hid_event() of this Variable usage does nothing while its value is
	 * the last report's and within [lo, hi] (entry_quiet()) */
	bool quiet;
	int32_t lo, hi;
};

struct gen_report {
	const struct hid_report *r;
	struct gen_entry *entries;
	unsigned nentries;
	unsigned tool; /* BTN_TOOL_* currently reported, 0: none */
	bool tool_active;
};

/* One kernel input device (struct hid_input + its input_dev). */
struct gen_input {
	uint32_t application;
	char name[sizeof(((struct hm_device_info *)0)->name) + 32];
	uint8_t evbit[NBYTES(EV_CNT)];
	uint8_t keybit[NBYTES(KEY_CNT)];
	uint8_t relbit[NBYTES(REL_CNT)];
	uint8_t absbit[NBYTES(ABS_CNT)];
	uint8_t mscbit[NBYTES(MSC_CNT)];
	uint8_t ledbit[NBYTES(LED_CNT)];
	uint8_t propbit[NBYTES(INPUT_PROP_CNT)];
	struct input_absinfo absinfo[ABS_CNT];
	uint8_t key[NBYTES(KEY_CNT)]; /* keys down, as the input core tracks them */
	uint64_t hat_axes;            /* ABS codes of hats and D-pads: they rest at 0 */
	int output;                   /* hm output index, -1: not created */
};

struct generic {
	struct hid_descriptor *desc;
	struct gen_field *fields;   /* parallel to desc->fields */
	struct gen_report *reports; /* parallel to desc->reports */
	struct gen_input *inputs;
	unsigned ninputs;
	struct gen_usage *usage_pool;
	int32_t *value_pool;
	struct gen_entry *entry_pool;
	bool numbered[HID_REPORT_TYPES];
	bool notouch;      /* HID_QUIRK_NOTOUCH: Tip Pressure emulates BTN_TOUCH */
	bool noinvert;     /* HID_QUIRK_NOINVERT: Eraser sets and releases the rubber */
	unsigned noutputs; /* input devices created; 0: the device is taken for nothing */
	uint8_t *inbuf;    /* a report's payload, zero-padded to its size */
	size_t inbuf_size;
	uint8_t *outbuf; /* ID byte + payload of an output or feature report */
	size_t outbuf_size;
	unsigned rm_report; /* the feature report the multiplier set-up is at */
	/* the module driving the device, whose quirk hooks run (NULL for
	 * describe) */
	const struct hm_module *quirk;
};
_Static_assert(sizeof(struct generic) <= HM_GENERIC_PRIV_SIZE, "HM_GENERIC_PRIV_SIZE too small");

static inline bool test_bit(const uint8_t *map, unsigned bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

static inline void set_bit(uint8_t *map, unsigned bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static inline void clear_bit(uint8_t *map, unsigned bit)
{
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static inline bool any_bit(const uint8_t *map, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		if (map[i])
			return true;
	return false;
}

/* 32-bit two's complement arithmetic, as the kernel (built with
 * -fno-strict-overflow) computes it. */
static inline int32_t wrap_sub(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t wrap_mul(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a * (uint32_t)b);
}

static inline int32_t wrap_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* a / b for b != 0; INT32_MIN / -1, a divide error on x86 (the kernel
 * would oops), is taken to wrap to INT32_MIN as the other operations do. */
static inline int32_t wrap_div(int32_t a, int32_t b)
{
	if (b == -1)
		return (int32_t)(0u - (uint32_t)a);
	return a / b;
}

/* ---- shared between the files ------------------------------------------- */

/* generic-map.c: the largest code of an event type (EV_ABS: ABS_MAX, ...). */
unsigned generic_type_max(unsigned type);

/* generic-setup.c */
/* hm_generic_map_usage() with the driving module's input_mapping quirk hook. */
int generic_map_usage(const struct generic *g, const struct hid_field *f, uint32_t usage,
                      struct hm_generic_map *m);
/* Whether an input device got any capability (hidinput_has_been_populated()). */
bool generic_input_populated(const struct gen_input *in);
/* The bytes of an output or feature report from its fields' values, in g->outbuf. */
size_t generic_build_report(struct generic *g, const struct hid_report *r);
/* Parse a descriptor and map it, without a device (probe and describe). */
int generic_map(struct generic *g, const uint8_t *rdesc, size_t size, const char *name);
void generic_free(struct generic *g);

/* generic-describe.c: the module's describe and map_usage hooks. */
void generic_describe_hook(const struct hm_device_info *info, const uint8_t *rdesc,
                           size_t rdesc_size, FILE *f);
void generic_map_usage_hook(const struct hid_field *field, uint32_t usage,
                            const struct hid_collection *collection, struct hm_usage_map *ret);
