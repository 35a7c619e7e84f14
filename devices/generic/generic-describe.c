/* SPDX-License-Identifier: MIT */
/*
 * The generic module's describe: the mapping printer of the CLI and the
 * module's describe and map_usage hooks.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid-usages.h"
#include "generic.h"
#include "generic-private.h"
#include "hid-constants.h"
#include "hid-report.h"
#include "module.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

/* ---- describe: why each usage maps to what -------------------------------- */

static const char *report_type_word(enum hid_report_type type)
{
	switch (type) {
	case HID_INPUT_REPORT:
		return "input";
	case HID_OUTPUT_REPORT:
		return "output";
	default:
		return "feature";
	}
}

static const char *code_name(unsigned type, unsigned code, char *buf, size_t size)
{
	const char *name = libevdev_event_code_get_name(type, code);

	if (name)
		return name;
	snprintf(buf, size, "%u", code);
	return buf;
}

/* The outcome of usage slot j of field gf, as one line's tail. */
static void describe_usage(const struct generic *g, const struct gen_field *gf, unsigned j,
                           char *buf, size_t size)
{
	const struct hid_field *f = gf->f;
	const struct gen_usage *u = &gf->usage[j];
	struct hid_field adjusted = *f;
	struct hm_generic_map m;
	char a[16], b[16];
	const char *type_name;

	/* the very call configure_usage() made */
	adjusted.flags = gf->flags;
	(void)generic_map_usage(g, &adjusted, u->hid, &m);

	if (!u->type) {
		if (!m.type || f->type == HID_FEATURE_REPORT)
			snprintf(buf, size, "ignored (%s)",
			         f->type == HID_FEATURE_REPORT
			             ? "feature report: hid-input maps no feature usage"
			         : m.reason ? m.reason
			                    : "no rule of hid-input maps it");
		else if ((m.flags & HM_GENERIC_MAP_DPAD) && gf->dpad)
			snprintf(buf, size,
			         "ignored (D-pad: the field's first direction usage reports "
			         "ABS_HAT0X/Y for all)");
		else
			snprintf(buf, size,
			         "ignored (already mapped: %s %s is taken by an "
			         "earlier usage of this device: duplicate)",
			         libevdev_event_type_get_name(m.type) ?: "?",
			         code_name(m.type, m.code, a, sizeof(a)));
		return;
	}

	type_name = libevdev_event_type_get_name(u->type) ?: "?";
	if (u->hat_min < u->hat_max || u->hat_dir)
		snprintf(buf, size, "%s %s + %s (%s)", type_name,
		         code_name(u->type, u->code, a, 16),
		         code_name(u->type, u->code + 1u, b, 16), m.reason ? m.reason : "");
	else if (u->type == EV_REL && u->code == REL_WHEEL_HI_RES)
		snprintf(buf, size, "EV_REL REL_WHEEL_HI_RES + REL_WHEEL (%s)", m.reason);
	else if (u->type == EV_REL && u->code == REL_HWHEEL_HI_RES)
		snprintf(buf, size, "EV_REL REL_HWHEEL_HI_RES + REL_HWHEEL (%s)", m.reason);
	else if (u->type == EV_ABS && u->code == ABS_VOLUME && (gf->flags & HID_MAIN_ITEM_RELATIVE))
		snprintf(buf, size, "EV_KEY KEY_VOLUMEUP/KEY_VOLUMEDOWN presses (%s)", m.reason);
	else
		snprintf(buf, size, "%s %s (%s)", type_name, code_name(u->type, u->code, a, 16),
		         m.reason ? m.reason : "");
}

static void describe_field(const struct generic *g, const struct gen_field *gf,
                           const int *device_of_input, FILE *out)
{
	const struct hid_descriptor *d = g->desc;
	const struct hid_field *f = gf->f;
	char line[256], prev[256] = "", name[64];
	unsigned first = 0;

	fprintf(out, "  field #%u: %s report", (unsigned)(f - d->fields),
	        report_type_word(f->type));
	if (d->numbered)
		fprintf(out, " ID %u", f->report_id);
	fprintf(out, ", %" PRIu32 " x %" PRIu32 " bit%s at bit %" PRIu32 ", %s", f->report_count,
	        f->report_size, f->report_size == 1 ? "" : "s", f->bit_offset,
	        (f->flags & HID_MAIN_ITEM_CONSTANT)   ? "Constant"
	        : (f->flags & HID_MAIN_ITEM_VARIABLE) ? "Variable"
	                                              : "Array");
	if (!(f->flags & HID_MAIN_ITEM_CONSTANT))
		fputs(gf->flags & HID_MAIN_ITEM_RELATIVE ? " Relative" : " Absolute", out);
	if (f->flags & HID_MAIN_ITEM_CONSTANT) {
		fputs(": constant field: padding\n", out);
		return;
	}
	if (f->type != HID_FEATURE_REPORT && gf->input >= 0) {
		int dev = device_of_input[gf->input];

		if (dev >= 0)
			fprintf(out, " -> device %d", dev);
		else
			fputs(" -> no device (see above)", out);
	}
	fputc('\n', out);

	/* consecutive slots with the same usage and outcome share a line */
	for (unsigned j = 0; j <= f->maxusage; j++) {
		if (j < f->maxusage)
			describe_usage(g, gf, j, line, sizeof(line));
		if (j > 0 && (j == f->maxusage || f->usage[j].hid != f->usage[first].hid ||
		              strcmp(line, prev))) {
			uint32_t hid = f->usage[first].hid;

			fprintf(out, "    usage %s (0x%08" PRIx32 ")",
			        hid_usage_name(hid, name, sizeof(name)), hid);
			if (j - first > 1)
				fprintf(out, ", slots %u-%u", first, j - 1);
			fprintf(out, " -> %s\n", prev);
			first = j;
		}
		memcpy(prev, line, sizeof(prev));
	}
}

void hm_generic_describe(const char *name, const uint8_t *rdesc, size_t size, FILE *out)
{
	struct generic g = {0};
	const struct hid_descriptor *d;
	_cleanup_free_ int *device_of_input = NULL;
	char app[64];
	int ndevices = 0;
	int r;

	r = generic_map(&g, rdesc, size, name);
	if (r < 0) {
		fprintf(out, "The generic module cannot use this descriptor: %s\n", strerror(-r));
		goto out;
	}
	d = g.desc;
	if (r == 0) {
		fputs("No Mouse, Keyboard, Gamepad... application collection: the kernel creates "
		      "no input device, and neither does the generic module.\n",
		      out);
		goto out;
	}

	device_of_input = calloc(g.ninputs ? g.ninputs : 1, sizeof(*device_of_input));
	if (!device_of_input) {
		fputs("out of memory\n", out);
		goto out;
	}
	fprintf(out, "Input devices (%s):\n",
	        d->maxapplication > 1 ? "one per application collection, as hid-generic"
	                              : "one application collection: one device");
	for (unsigned i = 0; i < g.ninputs; i++) {
		const struct gen_input *in = &g.inputs[i];

		hid_usage_name(in->application, app, sizeof(app));
		device_of_input[i] = -1;
		if (!generic_input_populated(in)) {
			fprintf(out, "  none for application %s: no usage mapped\n", app);
		} else if (ndevices >= (int)HM_MAX_OUTPUTS) {
			fprintf(out, "  none for application %s: more than %u devices\n", app,
			        HM_MAX_OUTPUTS);
		} else {
			device_of_input[i] = ndevices;
			fprintf(out, "  device %d \"%s\": application %s\n", ndevices++, in->name,
			        app);
		}
	}

	fputs("Fields, and what each usage maps to (the kernel's hid-input rules):\n", out);
	for (unsigned i = 0; i < d->nreports; i++) {
		const struct hid_report *rep = &d->reports[i];

		for (unsigned k = 0; k < rep->nfields; k++)
			describe_field(&g, &g.fields[rep->fields[k]], device_of_input, out);
	}
out:
	generic_free(&g);
}

/* The describe hook: the mapping of a descriptor that parses. */
void generic_describe_hook(const struct hm_device_info *info, const uint8_t *rdesc,
                           size_t rdesc_size, FILE *f)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	struct hid_parse_error err = {0};
	/* the name comes from the device: written with its control
	 * characters escaped */
	char name[STR_ESCAPED_SIZE(sizeof(info->name))];

	if (hid_descriptor_parse(rdesc, rdesc_size, &desc, &err) < 0)
		return;
	str_escape_control(info->name, name, sizeof(name));
	fprintf(f, "\nMapping (generic module):\n");
	hm_generic_describe(name, rdesc, rdesc_size, f);
}

void generic_map_usage_hook(const struct hid_field *field, uint32_t usage,
                            const struct hid_collection *collection, struct hm_usage_map *ret)
{
	struct hm_generic_map m;

	hm_generic_map_usage(field, usage, collection, &m);
	*ret = (struct hm_usage_map){.type = m.type,
	                             .code = m.code,
	                             .hat = m.flags & HM_GENERIC_MAP_HAT,
	                             .reason = m.reason};
}
