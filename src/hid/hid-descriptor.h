/* SPDX-License-Identifier: MIT */
/*
 * HID report descriptor parser.
 *
 * Turns a report descriptor into collections, reports and fields, with the
 * same semantics as the Linux kernel's hid-core parser (drivers/hid/hid-core.c)
 * so that a decoder built on it sees the fields exactly as hid-input does:
 *  - usages are 32-bit (page << 16 | id); a usage of 1 or 2 bytes takes the
 *    usage page in effect when the main item closes it (kernel
 *    hid_concatenate_last_usage_page semantics);
 *  - a field is created for each Input/Output/Feature main item that has at
 *    least one usage; main items without usages are padding and only move the
 *    bit offset;
 *  - every field has maxusage = max(declared usages, report_count) usage slots;
 *    slots past the declared usages repeat the last one;
 *  - logical/physical maximum are read as signed when the matching minimum
 *    is negative, as unsigned otherwise.
 *
 * Every limit below is enforced with an error naming the descriptor byte
 * offset; nothing in a descriptor can make the parser read out of bounds or
 * allocate without bound.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hid-constants.h"
#include "util-mem.h"

#define HID_RDESC_MAX_SIZE       4096u  /* bytes of descriptor accepted */
#define HID_MAX_USAGES           12288u /* usages per field, as the kernel */
#define HID_MAX_COLLECTION_DEPTH 32u    /* nesting depth */
#define HID_MAX_COLLECTIONS      1024u  /* collections per descriptor */
#define HID_MAX_FIELDS           1024u  /* fields per descriptor */
#define HID_MAX_PUSH_DEPTH       16u    /* Push without Pop */
#define HID_MAX_REPORT_BYTES     8192u  /* payload of one report, without the ID byte */

/*
 * Usage slots over all fields of one descriptor.  The kernel has no such
 * cap: it takes the 12288 slots of every field (hid_register_field()
 * allocates them all, with a value and a new value each), so a 242-byte
 * descriptor of 32 array fields with the range 0..0x2fff costs it about
 * 11 MB, and hidmapd, which keeps the same per-slot state to decode as
 * hid-input does, cost 14 MB and 133 ms of setup (in the VM) for it.  No
 * real device comes near: a keyboard array has 256 slots, a Consumer
 * Control array about 1024, the biggest shipped descriptors a few thousand
 * in all.  Past this limit a descriptor is refused ("more than 65536
 * usages in all fields" at the main item that passes it), which bounds
 * what any descriptor costs here to about 2.5 MB.
 */
#define HID_MAX_TOTAL_USAGES 65536u

enum hid_report_type {
	HID_INPUT_REPORT = 0,
	HID_OUTPUT_REPORT = 1,
	HID_FEATURE_REPORT = 2,
	HID_REPORT_TYPES,
};

/* Data bits of an Input/Output/Feature main item (HID 1.11, 6.2.2.5). */
#define HID_MAIN_ITEM_CONSTANT      0x001
#define HID_MAIN_ITEM_VARIABLE      0x002
#define HID_MAIN_ITEM_RELATIVE      0x004
#define HID_MAIN_ITEM_WRAP          0x008
#define HID_MAIN_ITEM_NONLINEAR     0x010
#define HID_MAIN_ITEM_NO_PREFERRED  0x020
#define HID_MAIN_ITEM_NULL_STATE    0x040
#define HID_MAIN_ITEM_VOLATILE      0x080
#define HID_MAIN_ITEM_BUFFERED_BYTE 0x100

enum hid_collection_type {
	HID_COLLECTION_PHYSICAL = 0,
	HID_COLLECTION_APPLICATION = 1,
	HID_COLLECTION_LOGICAL = 2,
	HID_COLLECTION_REPORT = 3,
	HID_COLLECTION_NAMED_ARRAY = 4,
	HID_COLLECTION_USAGE_SWITCH = 5,
	HID_COLLECTION_USAGE_MODIFIER = 6,
};

struct hid_collection {
	uint32_t usage; /* first usage declared before the Collection item, 0 if none */
	uint8_t type;   /* enum hid_collection_type, or the raw value for vendor types */
	unsigned level; /* 0 for top-level collections */
	int parent;     /* index into hid_descriptor.collections, -1 for top level */
	size_t offset;  /* descriptor byte offset of the Collection item */
};

struct hid_usage {
	uint32_t hid;              /* page << 16 | id */
	unsigned collection_index; /* innermost open collection when the usage was declared */
};

struct hid_field {
	enum hid_report_type type;
	unsigned report_index; /* into hid_descriptor.reports */
	uint8_t report_id;     /* 0 when the descriptor has no report IDs */
	unsigned index;        /* position of the field within its report */
	uint32_t bit_offset;   /* of the first value, counted from the first payload bit
	                          (the bit after the report ID byte, if any) */
	uint32_t report_size;  /* bits per value, 0..256; hid_field_get_value() reads
	                          the low 32 bits of wider ones, as the kernel does,
	                          and 0 for a 0-bit field */
	uint32_t report_count; /* number of values */
	uint32_t flags;        /* HID_MAIN_ITEM_* */
	int32_t logical_minimum;
	int32_t logical_maximum;
	int32_t physical_minimum;
	int32_t physical_maximum;
	int32_t unit_exponent; /* already sign-extended from its 4-bit form */
	uint32_t unit;
	struct hid_usage *usage; /* maxusage entries */
	unsigned maxusage;
	uint32_t application; /* usage of the enclosing top-level application collection */
	uint32_t physical;    /* innermost enclosing physical collection's usage, 0 if none */
	uint32_t logical;     /* innermost enclosing logical collection's usage, 0 if none */
	unsigned collection;  /* innermost enclosing collection (index) */
	size_t offset;        /* descriptor byte offset of the main item */
};

struct hid_report {
	enum hid_report_type type;
	uint8_t id;         /* 0 when the descriptor has no report IDs */
	uint32_t size_bits; /* payload size, without the ID byte */
	unsigned *fields;   /* indices into hid_descriptor.fields, in descriptor order */
	unsigned nfields;
	uint32_t application; /* application of the first field of the report */
};

struct hid_descriptor {
	struct hid_collection *collections;
	unsigned ncollections;
	struct hid_field *fields;
	unsigned nfields;
	struct hid_report *reports; /* in order of first appearance in the descriptor */
	unsigned nreports;
	bool numbered;           /* reports start with a report ID byte */
	unsigned maxapplication; /* number of top-level application collections */
	int16_t report_index[HID_REPORT_TYPES]
	                    [256]; /* report ID -> index into reports, -1 if none */
};

struct hid_parse_error {
	size_t offset; /* byte offset in the descriptor of the offending item */
	char message[160];
};

/*
 * Parses size bytes of report descriptor.
 *
 * Returns 0 and sets *ret (free with hid_descriptor_free()), or a negative
 * errno: -EINVAL for a malformed descriptor (with *error filled, if given),
 * -E2BIG when a limit above is exceeded (likewise), -ENOMEM.
 */
int hid_descriptor_parse(const uint8_t *data, size_t size, struct hid_descriptor **ret,
                         struct hid_parse_error *error);

/* NULL-safe. */
void hid_descriptor_free(struct hid_descriptor *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hid_descriptor *, hid_descriptor_free);

/* The report of that type and ID, or NULL. */
const struct hid_report *hid_descriptor_find_report(const struct hid_descriptor *d,
                                                    enum hid_report_type type, uint8_t id);

/*
 * Reads nbits (0..32) starting at bit_offset from buf, HID bit order (LSB
 * first, little-endian bytes).  Bits past size read as 0.
 */
uint32_t hid_get_bits(const uint8_t *buf, size_t size, uint32_t bit_offset, unsigned nbits);

/* Writes the low nbits of value at bit_offset; bits past size are dropped. */
void hid_put_bits(uint8_t *buf, size_t size, uint32_t bit_offset, unsigned nbits, uint32_t value);

/*
 * Value n (0-based, < report_count) of field f in payload (the report
 * without its ID byte), sign-extended when f->logical_minimum < 0.
 */
/* "Input", "Output" or "Feature". */
const char *hid_report_type_name(enum hid_report_type type);

int32_t hid_field_get_value(const struct hid_field *f, const uint8_t *payload, size_t size,
                            unsigned n);
