/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "sink.h"
#include "util-mem.h"
#include "util-strings.h"

struct print_sink {
	struct hm_sink base;
	FILE *f;
	unsigned ndevices;
	bool muted;
};

struct print_device {
	unsigned number;
};

static void print_code(FILE *f, unsigned type, unsigned code)
{
	const char *tname = libevdev_event_type_get_name(type);
	const char *cname = libevdev_event_code_get_name(type, code);

	if (tname)
		fputs(tname, f);
	else
		fprintf(f, "%u", type);
	if (cname)
		fprintf(f, " %s", cname);
	else
		fprintf(f, " %u", code);
}

void hm_print_device(FILE *f, unsigned dev, const struct libevdev *caps)
{
	/* libevdev's getters take a non-const device but do not modify it */
	struct libevdev *d = (struct libevdev *)caps;
	char escaped[STR_ESCAPED_SIZE(256)];

	/* named after the source device: its control characters escaped */
	fprintf(f, "D: %u %s\n", dev,
	        str_escape_control(libevdev_get_name(d), escaped, sizeof(escaped)));
	for (unsigned p = 0; p <= INPUT_PROP_MAX; p++) {
		if (libevdev_has_property(d, p)) {
			const char *name = libevdev_property_get_name(p);

			if (name)
				fprintf(f, "C: %u INPUT_PROP %s\n", dev, name);
			else
				fprintf(f, "C: %u INPUT_PROP %u\n", dev, p);
		}
	}
	for (unsigned type = EV_SYN + 1; type <= EV_MAX; type++) {
		int max;

		if (!libevdev_has_event_type(d, type))
			continue;
		max = libevdev_event_type_get_max(type);
		for (int code = 0; code <= max; code++) {
			if (!libevdev_has_event_code(d, type, (unsigned)code))
				continue;
			fprintf(f, "C: %u ", dev);
			print_code(f, type, (unsigned)code);
			if (type == EV_ABS) {
				const struct input_absinfo *a =
				    libevdev_get_abs_info(d, (unsigned)code);

				fprintf(f, " %d %d %d %d %d", a->minimum, a->maximum, a->fuzz,
				        a->flat, a->resolution);
			}
			fputc('\n', f);
		}
	}
}

void hm_print_event(FILE *f, unsigned dev, unsigned type, unsigned code, int value)
{
	fprintf(f, "E: %u ", dev);
	print_code(f, type, code);
	fprintf(f, " %d\n", value);
}

static int print_add_device(struct hm_sink *sink, const struct libevdev *caps,
                            unsigned ff_effects_max, void **ret_handle)
{
	struct print_sink *s = (struct print_sink *)sink;
	struct print_device *d = zalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->number = s->ndevices++;
	hm_print_device(s->f, d->number, caps);
	*ret_handle = d;
	return 0;
}

static void print_frame(struct hm_sink *sink, void *handle, const struct input_event *ev,
                        const int *raw, size_t n)
{
	struct print_sink *s = (struct print_sink *)sink;
	struct print_device *d = handle;

	if (s->muted)
		return;
	for (size_t i = 0; i < n; i++)
		hm_print_event(s->f, d->number, ev[i].type, ev[i].code, ev[i].value);
}

static void print_remove_device(struct hm_sink *sink, void *handle)
{
	free(handle);
}

static int print_get_fd(struct hm_sink *sink, void *handle)
{
	return -1;
}

static const struct hm_sink_ops print_ops = {
    .add_device = print_add_device,
    .frame = print_frame,
    .remove_device = print_remove_device,
    .get_fd = print_get_fd,
};

struct hm_sink *hm_sink_print_new(FILE *f)
{
	struct print_sink *s = zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &print_ops;
	s->f = f;
	return &s->base;
}

void hm_sink_print_report(struct hm_sink *sink, size_t n)
{
	struct print_sink *s = (struct print_sink *)sink;

	fprintf(s->f, "R: %zu\n", n);
}

void hm_sink_print_mute(struct hm_sink *sink)
{
	((struct print_sink *)sink)->muted = true;
}

void hm_sink_print_free(struct hm_sink *sink)
{
	free(sink);
}
