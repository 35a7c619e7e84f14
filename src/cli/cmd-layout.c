/* SPDX-License-Identifier: MIT */
/*
 * `hidmapd layout FILE.hid|/dev/hidrawN`: a starter layout for the user to
 * edit (doc/hidmapd.ini.5.md, LAYOUTS; README, "Adding a device").
 *
 * Where the report descriptor has usages, each input field becomes a
 * field line with the code the generic module would give it
 * (its map_usage() hook: the kernel's hid-input rules).  Vendor-defined
 * fields (and reports the descriptor does not explain) are guessed from
 * the recorded reports: bits that toggle are buttons, bytes that wrap
 * around are counters (encoders), bytes that sweep are axes, signed bytes
 * around 0 are motion.  Guesses say so in a comment.  The output always
 * passes `hidmapd check`: fields do not overlap, codes exist, every part
 * has its report, and a [device] section names the layout.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libevdev/libevdev.h>

#include "cmd-common.h"
#include "hid-usages.h"
#include "commands.h"
#include "config-layout.h"
#include "event-loop.h"
#include "hid-descriptor.h"
#include "hid-reader.h"
#include "hid-recording.h"
#include "module.h"
#include "util-log.h"
#include "util-strings.h"

#define MAX_CAPTURE     4096 /* reports read from a hidraw node */
#define CAPTURE_SECONDS 15   /* ...for at most this long */
#define MAX_REPORT      HM_LAYOUT_MAX_REPORT

struct starter {
	FILE *f;
	const struct hid_descriptor *desc; /* NULL: none or unparsable */
	/* the generic module's mapping of a usage */
	void (*map_usage)(const struct hid_field *field, uint32_t usage,
	                  const struct hid_collection *collection, struct hm_usage_map *ret);
	const struct hm_recording_event *events;
	size_t nevents;
	size_t nfields; /* field lines written, for the limit */
	unsigned nparts;
	unsigned next_button, next_abs, next_rel; /* guesses' codes */
	uint8_t used[MAX_REPORT * 8 / 8];         /* bits of the current part taken */
};

static bool take_bits(struct starter *s, unsigned bit, unsigned n)
{
	if (bit + n > MAX_REPORT * 8)
		return false;
	for (unsigned i = bit; i < bit + n; i++)
		if (s->used[i / 8] & (1u << (i % 8)))
			return false;
	for (unsigned i = bit; i < bit + n; i++)
		s->used[i / 8] |= (uint8_t)(1u << (i % 8));
	return true;
}

/* The codes guesses get, in order; none runs out silently. */
static const char *guess_button(struct starter *s)
{
	static char buf[32];
	unsigned n = ++s->next_button;

	if (n <= 40)
		snprintf(buf, sizeof(buf), "BTN_TRIGGER_HAPPY%u", n);
	else if (n <= 70)
		snprintf(buf, sizeof(buf), "KEY_MACRO%u", n - 40);
	else
		return NULL;
	return buf;
}

static const char *guess_abs(struct starter *s)
{
	static const char *const axes[] = {"ABS_X",     "ABS_Y",   "ABS_Z",        "ABS_RX",
	                                   "ABS_RY",    "ABS_RZ",  "ABS_THROTTLE", "ABS_RUDDER",
	                                   "ABS_WHEEL", "ABS_GAS", "ABS_BRAKE",    "ABS_MISC"};

	return s->next_abs < ARRAY_SIZE(axes) ? axes[s->next_abs++] : NULL;
}

static const char *guess_rel(struct starter *s)
{
	static const char *const rels[] = {"REL_DIAL", "REL_WHEEL", "REL_HWHEEL", "REL_MISC",
	                                   "REL_Z",    "REL_RX",    "REL_RY",     "REL_RZ"};

	return s->next_rel < ARRAY_SIZE(rels) ? rels[s->next_rel++] : NULL;
}

static bool room(struct starter *s)
{
	return s->nfields < HM_LAYOUT_MAX_FIELDS;
}

static void offset_text(unsigned bit, char *buf, size_t size)
{
	if (bit % 8)
		snprintf(buf, size, "%u.%u", bit / 8, bit % 8);
	else
		snprintf(buf, size, "%u", bit / 8);
}

static bool is_vendor(uint32_t usage)
{
	return HID_USAGE_PAGE(usage) >= 0xff00;
}

/* ---- from recorded reports --------------------------------------------------------- */

/* Guesses for bytes [from, to) of the reports with this id (0: all). */
static void guess_bytes(struct starter *s, bool numbered, uint8_t id, unsigned from, unsigned to)
{
	for (unsigned b = from; b < to && b < MAX_REPORT && room(s); b++) {
		unsigned nvalues = 0, nwraps = 0, nsteps = 0, nseen = 0, nsigned = 0, nbig = 0;
		unsigned nheld = 0;
		uint8_t toggled = 0, first = 0, last = 0;
		unsigned nsinglebit = 0;
		bool counter;
		bool seen[256] = {false}, have = false;
		char off[16];

		for (size_t i = 0; i < s->nevents; i++) {
			const struct hm_recording_event *ev = &s->events[i];
			uint8_t v;

			if (numbered && (ev->size == 0 || ev->data[0] != id))
				continue;
			if (b >= ev->size)
				continue;
			v = ev->data[b];
			if (!have) {
				first = v;
				have = true;
			} else {
				int d = (int)v - (int)last, md = (int8_t)(uint8_t)d;

				/* a counter steps by one or two detents, and wraps */
				if (d && (md > 2 || md < -2))
					nbig++;
				else if (d > 128 || d < -128)
					nwraps++;
				else if (d != 0)
					nsteps++;
				if (v == last && v != 0)
					nheld++;
			}
			toggled |= (uint8_t)(v ^ first);
			if (!seen[v]) {
				seen[v] = true;
				nvalues++;
			}
			if (v >= 0xf0 || v <= 0x10)
				nsigned++;
			nseen++;
			last = v;
		}
		if (!nseen || !toggled)
			continue; /* never there, or never changes: nothing to say */
		offset_text(b * 8, off, sizeof(off));
		/* key bytes hold 0 or single bits (several keys at once: a few more) */
		for (unsigned v = 0; v < 256; v++)
			if (seen[v] && !(v & (v - 1)))
				nsinglebit++;
		counter = nwraps && nbig * 4 <= nwraps + nsteps && nsinglebit * 5 < nvalues * 4;
		if (!counter && nvalues <= 8 && nsinglebit * 2 >= nvalues) {
			/* a few values: the bits that change are buttons */
			for (unsigned bit = 0; bit < 8 && room(s); bit++) {
				const char *code;

				if (!(toggled & (1u << bit)) || !take_bits(s, b * 8 + bit, 1))
					continue;
				code = guess_button(s);
				if (!code)
					return;
				fprintf(s->f, "# guess: byte %u bit %u toggles\n", b, bit);
				fprintf(s->f, "b%u_%u = bit %u.%u -> %s\n", b, bit, b, bit, code);
				s->nfields++;
			}
			continue;
		}
		if (!take_bits(s, b * 8, 8))
			continue;
		if (counter) {
			const char *code = guess_rel(s);

			if (!code)
				continue;
			fprintf(s->f, "# guess: byte %u counts and wraps around (an encoder)\n", b);
			fprintf(s->f, "b%u = u8 %s counter -> %s\n", b, off, code);
		} else if (nsigned == nseen && nvalues > 2 && !nheld) {
			const char *code = guess_rel(s);

			if (!code)
				continue;
			fprintf(s->f,
			        "# guess: byte %u is a small signed value (motion, or a ring)\n",
			        b);
			fprintf(s->f, "b%u = s8 %s delta -> %s\n", b, off, code);
		} else {
			const char *code = guess_abs(s);
			bool sgn = nsigned == nseen;

			if (!code)
				continue;
			fprintf(s->f, "# guess: byte %u %s over %u values (an axis%s)\n", b,
			        sgn ? "stays near 0, held," : "sweeps", nvalues,
			        sgn ? ", signed: a ring or a stick" : "");
			fprintf(s->f, "b%u = %s %s -> %s\n", b, sgn ? "s8" : "u8", off, code);
		}
		s->nfields++;
	}
}

/* ---- from the descriptor ------------------------------------------------------------ */

static void field_line(struct starter *s, const struct hid_field *f, unsigned n, unsigned bit,
                       const struct hm_usage_map *m)
{
	const char *code = libevdev_event_code_get_name(m->type, m->code);
	bool is_signed = f->logical_minimum < 0;
	char off[16], usage[64];
	unsigned w = f->report_size;

	offset_text(bit, off, sizeof(off));
	hid_usage_name(f->usage[n < f->maxusage ? n : f->maxusage - 1].hid, usage, sizeof(usage));
	if (m->hat && w < 3) {
		fprintf(s->f, "# %s at %s: a hat of %u bits\n", usage, off, w);
		return;
	}
	if (!code || w > 32 || !take_bits(s, bit, w)) {
		fprintf(s->f, "# %s at %s: %s\n", usage, off,
		        !code ? "no evdev name for its code"
		        : w > 32
		            ? "wider than 32 bits"
		            : "overlaps another field, or lies beyond the bytes a layout reads");
		return;
	}
	fprintf(s->f, "# %s (%.120s)\n", usage, m->reason ? m->reason : "generic mapping");
	if (m->type == EV_KEY)
		fprintf(s->f, "f%u_%u = %s%u %s -> %s\n", f->index, n, w == 1 ? "u" : "u", w, off,
		        code);
	else if (m->type == EV_REL)
		fprintf(s->f, "f%u_%u = %s%u %s delta -> %s\n", f->index, n, is_signed ? "s" : "u",
		        w, off, code);
	else if (m->hat)
		fprintf(s->f, "f%u_%u = %s%u %s hat min=%d -> %s\n", f->index, n,
		        is_signed ? "s" : "u", w, off, f->logical_minimum, code);
	else if (f->logical_minimum < f->logical_maximum)
		fprintf(s->f, "f%u_%u = %s%u %s abs min=%d max=%d -> %s\n", f->index, n,
		        is_signed ? "s" : "u", w, off, f->logical_minimum, f->logical_maximum,
		        code);
	else
		fprintf(s->f, "f%u_%u = %s%u %s abs -> %s\n", f->index, n, is_signed ? "s" : "u", w,
		        off, code);
	s->nfields++;
}

/* A vendor field without recorded reports: a guess from its size alone. */
static void vendor_guess(struct starter *s, const struct hid_field *f, unsigned n, unsigned bit)
{
	unsigned w = f->report_size;
	const char *code;
	char off[16];

	offset_text(bit, off, sizeof(off));
	if (w > 32 || !take_bits(s, bit, w))
		return;
	code = w == 1 ? guess_button(s) : guess_abs(s);
	if (!code)
		return;
	fprintf(s->f, "# guess: vendor-defined %u-bit value, no recorded reports to tell\n", w);
	if (w == 1)
		fprintf(s->f, "v%u_%u = bit %s -> %s\n", f->index, n, off, code);
	else
		fprintf(s->f, "v%u_%u = u%u %s -> %s\n", f->index, n, w, off, code);
	s->nfields++;
}

static bool report_recorded(const struct starter *s, bool numbered, uint8_t id)
{
	for (size_t i = 0; i < s->nevents; i++)
		if (!numbered || (s->events[i].size && s->events[i].data[0] == id))
			return true;
	return false;
}

static void open_part(struct starter *s, const char *lid, bool numbered, uint8_t id)
{
	if (s->nparts++)
		fprintf(s->f, "\n[layout %s:report%u]\n", lid, id);
	fprintf(s->f, "report = %u\n", numbered ? id : 0);
	memset(s->used, 0, sizeof(s->used));
}

static void from_report(struct starter *s, const char *lid, const struct hid_report *rep)
{
	const struct hid_descriptor *d = s->desc;
	unsigned base = d->numbered ? 8 : 0; /* byte 0 is the ID of a numbered report */
	bool recorded = report_recorded(s, d->numbered, rep->id);
	bool vendor_bytes[MAX_REPORT] = {false};
	unsigned nbytes = (rep->size_bits + 7) / 8 + (d->numbered ? 1 : 0);

	open_part(s, lid, d->numbered, rep->id);
	for (unsigned i = 0; i < rep->nfields; i++) {
		const struct hid_field *f = &d->fields[rep->fields[i]];
		const struct hid_collection *col =
		    f->maxusage && f->usage[0].collection_index < d->ncollections
		        ? &d->collections[f->usage[0].collection_index]
		        : NULL;

		/* constants, and fields of no bits (Report Size 0: the kernel reads nothing) */
		if (f->flags & HID_MAIN_ITEM_CONSTANT || !f->maxusage || !f->report_size)
			continue;
		if (!(f->flags & HID_MAIN_ITEM_VARIABLE)) {
			char usage[64];

			hid_usage_name(f->usage[0].hid, usage, sizeof(usage));
			fprintf(
			    s->f,
			    "# an array of %u %u-bit usages from %s at byte %u: a layout has no "
			    "arrays (keep the generic module for it)\n",
			    f->report_count, f->report_size, usage, (base + f->bit_offset) / 8);
			continue;
		}
		for (unsigned n = 0; n < f->report_count && room(s); n++) {
			unsigned bit = base + f->bit_offset + n * f->report_size;
			uint32_t usage = f->usage[n < f->maxusage ? n : f->maxusage - 1].hid;
			struct hm_usage_map m;

			if (is_vendor(usage) || is_vendor(f->application)) {
				if (recorded) {
					for (unsigned b = bit / 8;
					     b <= (bit + f->report_size - 1) / 8 && b < MAX_REPORT;
					     b++)
						vendor_bytes[b] = true;
				} else {
					vendor_guess(s, f, n, bit);
				}
				continue;
			}
			s->map_usage(f, usage, col, &m);
			if (m.type != EV_KEY && m.type != EV_ABS && m.type != EV_REL) {
				char name[64];

				hid_usage_name(usage, name, sizeof(name));
				fprintf(s->f, "# %s at byte %u: %.120s\n", name, bit / 8,
				        m.reason ? m.reason : "not an input event");
				continue;
			}
			field_line(s, f, n, bit, &m);
		}
	}
	/* vendor bytes with recorded reports: what the reports show */
	for (unsigned b = 0; b < nbytes && b < MAX_REPORT; b++) {
		unsigned e = b;

		if (!vendor_bytes[b])
			continue;
		while (e < nbytes && e < MAX_REPORT && vendor_bytes[e])
			e++;
		guess_bytes(s, d->numbered, rep->id, b, e);
		b = e;
	}
}

/* Writes the starter layout for a device to f. */
static int write_starter(FILE *f, const char *source, const struct hm_device_info *info,
                         const uint8_t *rdesc, size_t rdesc_size,
                         const struct hm_recording_event *events, size_t nevents)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	struct hid_parse_error perr = {0};
	struct starter *s = zalloc(sizeof(*s));
	const struct hm_module *generic;
	char lid[32];
	bool numbered = false;

	if (!s)
		return -ENOMEM;
	s->f = f;
	s->events = events;
	s->nevents = nevents;
	snprintf(lid, sizeof(lid), "dev-%04x-%04x", info->vendor, info->product);
	generic = hm_module_find("generic");
	if (!generic || !generic->map_usage) {
		free(s);
		return log_error_errno(-ENOENT, "the generic module maps no usages");
	}
	s->map_usage = generic->map_usage;
	if (rdesc_size && hid_descriptor_parse(rdesc, rdesc_size, &desc, &perr) == 0)
		s->desc = desc;

	fprintf(f,
	        "# A starter layout for %.120s (%04x:%04x),\n"
	        "# from %.170s.\n"
	        "# Check every line against the device: press each key, turn each knob and\n"
	        "# replay a recording (hidmapd replay --config THIS.ini RECORDING.hid).\n"
	        "# Lines marked 'guess' come from the recorded reports alone.\n"
	        "# Then: hidmapd check THIS.ini; copy it to ~/.config/hidmapd/.\n\n",
	        info->name, info->vendor, info->product, source);
	fprintf(f, "[device %s]\nmatch = %04x:%04x\nlayout = %s\n\n", lid, info->vendor,
	        info->product, lid);
	fprintf(f, "[layout %s]\n", lid);

	if (s->desc) {
		for (unsigned i = 0; i < desc->nreports; i++) {
			const struct hid_report *rep = &desc->reports[i];

			if (rep->type != HID_INPUT_REPORT)
				continue;
			if (s->nparts == HM_LAYOUT_MAX_PARTS) {
				fprintf(f,
				        "\n# report %u and later: at most %d sections per layout\n",
				        rep->id, HM_LAYOUT_MAX_PARTS);
				break;
			}
			from_report(s, lid, rep);
		}
		numbered = desc->numbered;
	}
	if (!s->nparts) {
		/* no descriptor: every report ID the recording shows, or one unnumbered */
		if (rdesc_size)
			fprintf(f, "# the report descriptor does not parse: byte %zu: %s\n",
			        perr.offset, perr.message);
		open_part(s, lid, false, 0);
		guess_bytes(s, false, 0, 0, MAX_REPORT);
	}
	if (!s->nfields) {
		/* a layout needs a field: one the user edits into a real one */
		fprintf(f,
		        "# nothing to guess from: no usable field and no changing report bytes.\n"
		        "# Record the device while pressing everything (hidmapd record), then\n"
		        "# run hidmapd layout on the recording. Edit or replace this example:\n");
		fprintf(f, "example = bit %u.0 -> BTN_TRIGGER_HAPPY1\n", numbered ? 1 : 0);
	}
	free(s);
	return 0;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
	interrupted = 1;
}

/* Reads a hidraw node's reports until Ctrl-C, MAX_CAPTURE reports or CAPTURE_SECONDS. */
static int capture(const char *path, struct hm_recording_event **ret, size_t *ret_n)
{
	struct sigaction sa = {.sa_handler = on_interrupt};
	struct hm_recording_event *ev;
	uint8_t buf[MAX_REPORT];
	uint64_t start = hm_now_usec();
	size_t n = 0;
	_cleanup_close_ int fd = hm_hid_open_for_reading(path);

	if (fd < 0)
		return log_error_errno(fd, "%s: cannot open: %m (run 'hidmapd doctor')", path);
	ev = calloc(MAX_CAPTURE, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr,
	        "Press every key, turn every knob, move every axis of the device; Ctrl-C when "
	        "done (at most %d s).\n",
	        CAPTURE_SECONDS);
	while (!interrupted && n < MAX_CAPTURE &&
	       hm_now_usec() - start < CAPTURE_SECONDS * 1000000ULL) {
		/* the daemon's reader: one report per read(2) */
		int r = hm_hid_wait_report(fd, buf, sizeof(buf), 200);

		if (r == -EINTR || r == 0)
			continue;
		if (r < 0)
			break;
		ev[n].data = malloc((size_t)r);
		if (!ev[n].data)
			break;
		memcpy(ev[n].data, buf, (size_t)r);
		ev[n].size = (size_t)r;
		n++;
	}
	*ret = ev;
	*ret_n = n;
	return 0;
}

int hm_cmd_layout(const char *arg)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	struct hm_device_info info;
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size = 0;
	int r;

	if (cli_load_source(arg, &info, rdesc, &rdesc_size, &rec) < 0)
		return 1;
	if (!rec) {
		/* a hidraw node: its reports, as the user makes them now */
		struct hm_recording_event *ev = NULL;
		size_t n = 0;

		if (capture(arg, &ev, &n) < 0)
			return 1;
		r = write_starter(stdout, arg, &info, rdesc, rdesc_size, ev, n);
		for (size_t i = 0; i < n; i++)
			free(ev[i].data);
		free(ev);
		return r < 0 ? 1 : 0;
	}
	r = write_starter(stdout, arg, &info, rdesc, rdesc_size, rec->events, rec->nevents);
	return r < 0 ? 1 : 0;
}
