/* SPDX-License-Identifier: MIT */
/* The parsed report descriptor as text (`hidmapd describe`). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hid-descriptor-dump.h"
#include "hid-usages.h"

/* ---- dump ---------------------------------------------------------------- */

static const char *collection_type_name(uint8_t type)
{
	static const char *const names[] = {
	    [HID_COLLECTION_PHYSICAL] = "Physical",
	    [HID_COLLECTION_APPLICATION] = "Application",
	    [HID_COLLECTION_LOGICAL] = "Logical",
	    [HID_COLLECTION_REPORT] = "Report",
	    [HID_COLLECTION_NAMED_ARRAY] = "Named Array",
	    [HID_COLLECTION_USAGE_SWITCH] = "Usage Switch",
	    [HID_COLLECTION_USAGE_MODIFIER] = "Usage Modifier",
	};

	if (type < ARRAY_SIZE(names))
		return names[type];
	return type >= 0x80 ? "Vendor" : "Reserved";
}

static void dump_flags(FILE *f, enum hid_report_type type, uint32_t flags)
{
	fputs(flags & HID_MAIN_ITEM_CONSTANT ? "Cnst" : "Data", f);
	fputs(flags & HID_MAIN_ITEM_VARIABLE ? ",Var" : ",Arr", f);
	fputs(flags & HID_MAIN_ITEM_RELATIVE ? ",Rel" : ",Abs", f);
	/* The rest only when set, as the defaults are what nearly every
	 * field has. */
	if (flags & HID_MAIN_ITEM_WRAP)
		fputs(",Wrap", f);
	if (flags & HID_MAIN_ITEM_NONLINEAR)
		fputs(",NLin", f);
	if (flags & HID_MAIN_ITEM_NO_PREFERRED)
		fputs(",NPrf", f);
	if (flags & HID_MAIN_ITEM_NULL_STATE)
		fputs(",Null", f);
	/* Bit 7 is reserved for Input items. */
	if ((flags & HID_MAIN_ITEM_VOLATILE) && type != HID_INPUT_REPORT)
		fputs(",Vol", f);
	if (flags & HID_MAIN_ITEM_BUFFERED_BYTE)
		fputs(",Buff", f);
}

/* Prints usages, folding runs of consecutive IDs and of repeats. */
static void dump_usages(FILE *f, const struct hid_field *field, const char *indent)
{
	char a[64], b[64];
	unsigned col = 0;
	unsigned i = 0;

	fprintf(f, "%susages:", indent);
	while (i < field->maxusage) {
		uint32_t u = field->usage[i].hid;
		unsigned j = i + 1;
		char item[150];

		/* identical repeats, e.g. the last usage filling report_count */
		while (j < field->maxusage && field->usage[j].hid == u)
			j++;
		if (j - i > 1) {
			snprintf(item, sizeof(item), "%s (x%u)", hid_usage_name(u, a, sizeof(a)),
			         j - i);
		} else {
			/* ascending run within one page */
			while (j < field->maxusage && field->usage[j].hid == u + (j - i) &&
			       HID_USAGE_PAGE(field->usage[j].hid) == HID_USAGE_PAGE(u))
				j++;
			if (j - i >= 3)
				snprintf(item, sizeof(item), "%s .. %s",
				         hid_usage_name(u, a, sizeof(a)),
				         hid_usage_name(field->usage[j - 1].hid, b, sizeof(b)));
			else {
				j = i + 1;
				snprintf(item, sizeof(item), "%s", hid_usage_name(u, a, sizeof(a)));
			}
		}

		if (col > 0 && col + strlen(item) > 80) {
			fprintf(f, ",\n%s       ", indent);
			col = 0;
		} else if (col > 0) {
			fputc(',', f);
		}
		fprintf(f, " %s", item);
		col += strlen(item) + 2;
		i = j;
	}
	fputc('\n', f);
}

/* Like hid_usage_name(), but "none" for the 0 that stands for "no usage". */
static const char *usage_or_none(uint32_t usage, char *buf, size_t size)
{
	if (usage == 0) {
		snprintf(buf, size, "none");
		return buf;
	}
	return hid_usage_name(usage, buf, size);
}

static void dump_field(FILE *f, const struct hid_descriptor *d, const struct hid_field *field)
{
	char name[64];
	unsigned index = (unsigned)(field - d->fields);

	fprintf(f, "    field %u (#%u): bit %" PRIu32 ", %" PRIu32 " bit%s x %" PRIu32 ", ",
	        field->index, index, field->bit_offset, field->report_size,
	        field->report_size == 1 ? "" : "s", field->report_count);
	dump_flags(f, field->type, field->flags);
	fprintf(f, "\n      logical %" PRId32 "..%" PRId32, field->logical_minimum,
	        field->logical_maximum);
	if (field->physical_minimum || field->physical_maximum)
		fprintf(f, ", physical %" PRId32 "..%" PRId32, field->physical_minimum,
		        field->physical_maximum);
	if (field->unit || field->unit_exponent)
		fprintf(f, ", unit 0x%" PRIx32 " exp %" PRId32, field->unit, field->unit_exponent);
	fputc('\n', f);

	fprintf(f, "      application %s", usage_or_none(field->application, name, sizeof(name)));
	if (field->physical)
		fprintf(f, ", physical %s", hid_usage_name(field->physical, name, sizeof(name)));
	if (field->logical)
		fprintf(f, ", logical %s", hid_usage_name(field->logical, name, sizeof(name)));
	fprintf(f, ", collection %u\n", field->collection);

	dump_usages(f, field, "      ");
}

void hid_descriptor_dump(const struct hid_descriptor *d, FILE *f)
{
	char name[64];

	if (!d || !f)
		return;

	fprintf(f, "%u collection%s, %u report%s, %u field%s, report IDs: %s\n", d->ncollections,
	        d->ncollections == 1 ? "" : "s", d->nreports, d->nreports == 1 ? "" : "s",
	        d->nfields, d->nfields == 1 ? "" : "s", d->numbered ? "yes" : "no");

	if (d->ncollections)
		fputs("Collections:\n", f);
	for (unsigned i = 0; i < d->ncollections; i++) {
		const struct hid_collection *c = &d->collections[i];
		/* Indent by level; capped so a deep descriptor stays readable. */
		unsigned indent = 2 + 2 * (c->level < 16 ? c->level : 16);

		fprintf(f, "%*s%u: %s (0x%02x) %s, level %u", (int)indent, "", i,
		        collection_type_name(c->type), c->type,
		        usage_or_none(c->usage, name, sizeof(name)), c->level);
		if (c->parent >= 0)
			fprintf(f, ", parent %d", c->parent);
		fputc('\n', f);
	}

	if (d->nreports)
		fputs("Reports:\n", f);
	for (unsigned i = 0; i < d->nreports; i++) {
		const struct hid_report *r = &d->reports[i];

		fprintf(f, "  %s report", hid_report_type_name(r->type));
		if (d->numbered)
			fprintf(f, " ID %u (0x%02x)", r->id, r->id);
		fprintf(f, ": %" PRIu32 " bits (%" PRIu32 " bytes", r->size_bits,
		        (r->size_bits + 7) / 8);
		if (d->numbered)
			fputs(" + ID byte", f);
		fprintf(f, "), %u field%s, application %s\n", r->nfields,
		        r->nfields == 1 ? "" : "s",
		        usage_or_none(r->application, name, sizeof(name)));
		for (unsigned j = 0; j < r->nfields; j++)
			dump_field(f, d, &d->fields[r->fields[j]]);
	}
}
