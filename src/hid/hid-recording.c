/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid-descriptor.h"
#include "hid-recording.h"
#include "util-log.h"
#include "util-strings.h"

#define MAX_LINE (3 * HM_RECORDING_MAX_REPORT + 256)

void hm_recording_free(struct hm_recording *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->nevents; i++)
		free(rec->events[i].data);
	free(rec->events);
	free(rec->rdesc);
	free(rec->name);
	free(rec->phys);
	free(rec->path);
	free(rec);
}

/* Splits off the next whitespace-separated token; NULL at the end. */
static char *next_token(char **p)
{
	char *s = *p, *start;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	start = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

/* "<len> <hex> <hex> ...": exactly len bytes, each two hex digits. */
static int parse_bytes(char *p, size_t max, uint8_t **ret, size_t *ret_size, const char **why)
{
	_cleanup_free_ uint8_t *buf = NULL;
	char *tok = next_token(&p);
	uint32_t len;
	int r;

	if (!tok || safe_atou32_base(tok, 10, &len) < 0) {
		*why = "expected a decimal byte count";
		return -EINVAL;
	}
	if (len == 0 || len > max) {
		*why = "byte count out of range";
		return -EINVAL;
	}
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	r = parse_hex_bytes(p, buf, len);
	if (r == -E2BIG) {
		*why = "more bytes than the count says";
		return -EINVAL;
	}
	if (r < 0) {
		*why = "expected two hex digits per byte";
		return -EINVAL;
	}
	if ((size_t)r != len) {
		*why = "fewer bytes than the count says";
		return -EINVAL;
	}
	*ret = steal(&buf);
	*ret_size = len;
	return 0;
}

static int parse_timestamp(const char *tok, uint64_t *ret)
{
	return safe_atous(tok, ret);
}

static int add_event(struct hm_recording *rec, char *p, unsigned line, const char **why)
{
	struct hm_recording_event ev = {.line = line};
	char *tok = next_token(&p);
	int r;

	if (!tok || parse_timestamp(tok, &ev.time_us) < 0) {
		*why = "expected a timestamp <seconds.microseconds>";
		return -EINVAL;
	}
	r = parse_bytes(p, HM_RECORDING_MAX_REPORT, &ev.data, &ev.size, why);
	if (r < 0)
		return r;
	if (rec->nevents >= HM_RECORDING_MAX_EVENTS) {
		free(ev.data);
		*why = "too many events";
		return -E2BIG;
	}
	if ((rec->nevents & (rec->nevents - 1)) == 0) {
		size_t cap = rec->nevents ? rec->nevents * 2 : 64;
		struct hm_recording_event *n = realloc(rec->events, cap * sizeof(*n));

		if (!n) {
			free(ev.data);
			return -ENOMEM;
		}
		rec->events = n;
	}
	rec->events[rec->nevents++] = ev;
	return 0;
}

static int parse_line(struct hm_recording *rec, char *s, unsigned line, const char **why)
{
	char *p;
	uint32_t v[3];

	if (s[0] == '\0' || s[0] == '#')
		return 0;
	if (!isupper((unsigned char)s[0]) || s[1] != ':') {
		*why = "expected '<letter>: ...'";
		return -EINVAL;
	}
	p = s + 2;

	switch (s[0]) {
	case 'N':
		if (rec->name) {
			*why = "second N: line";
			return -EINVAL;
		}
		rec->name = strdup(strstrip(p));
		return rec->name ? 0 : -ENOMEM;
	case 'P':
		free(rec->phys);
		rec->phys = strdup(strstrip(p));
		return rec->phys ? 0 : -ENOMEM;
	case 'I':
		for (int i = 0; i < 3; i++) {
			char *tok = next_token(&p);

			if (!tok || strlen(tok) > 8 || safe_atou32_base(tok, 16, &v[i]) < 0 ||
			    v[i] > UINT16_MAX) {
				*why = "expected 'I: <bus> <vendor> <product>' in hex";
				return -EINVAL;
			}
		}
		if (next_token(&p)) {
			*why = "trailing data after 'I: <bus> <vendor> <product>'";
			return -EINVAL;
		}
		rec->bus = (uint16_t)v[0];
		rec->vendor = (uint16_t)v[1];
		rec->product = (uint16_t)v[2];
		rec->has_info = true;
		return 0;
	case 'R':
		if (rec->rdesc) {
			*why = "second R: line (one device per file)";
			return -EINVAL;
		}
		return parse_bytes(p, HID_RDESC_MAX_SIZE, &rec->rdesc, &rec->rdesc_size, why);
	case 'E':
		if (!rec->rdesc) {
			*why = "E: line before the R: line";
			return -EINVAL;
		}
		return add_event(rec, p, line, why);
	case 'D': {
		char *tok = next_token(&p);
		int dev;

		if (!tok || safe_atoi(tok, &dev) < 0) {
			*why = "expected 'D: <device number>'";
			return -EINVAL;
		}
		if (dev != 0) {
			*why = "only single-device recordings are supported";
			return -EOPNOTSUPP;
		}
		return 0;
	}
	default:
		/* hid-replay ignores what it does not know; so do we */
		return 0;
	}
}

int hm_recording_load(const char *path, struct hm_recording **ret)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_free_ char *buf = NULL;
	FILE *f;
	unsigned line = 0;
	int r = 0;

	f = fopen(path, "re");
	if (!f)
		return log_error_errno(errno, "%s: %m", path);

	rec = zalloc(sizeof(*rec));
	buf = malloc(MAX_LINE);
	if (!rec || !buf || !(rec->path = strdup(path))) {
		fclose(f);
		return log_error_errno(ENOMEM, "%s: out of memory", path);
	}

	while (fgets(buf, MAX_LINE, f)) {
		const char *why = "invalid line";
		size_t l = strlen(buf);

		line++;
		if (l == MAX_LINE - 1 && buf[l - 1] != '\n') {
			fclose(f);
			return log_error_errno(E2BIG, "%s:%u: line too long", path, line);
		}
		r = parse_line(rec, strstrip(buf), line, &why);
		if (r < 0) {
			fclose(f);
			if (r == -ENOMEM)
				return log_error_errno(r, "%s:%u: out of memory", path, line);
			return log_error_errno(r, "%s:%u: %s", path, line, why);
		}
	}
	if (ferror(f)) {
		r = -errno;
		fclose(f);
		return log_error_errno(r, "%s: read error: %m", path);
	}
	fclose(f);

	if (!rec->rdesc)
		return log_error_errno(EINVAL, "%s: no 'R:' line (report descriptor)", path);
	if (!rec->has_info)
		return log_error_errno(EINVAL, "%s: no 'I:' line (bus, vendor, product)", path);
	if (!rec->name && !(rec->name = strdup("unnamed device")))
		return -ENOMEM;

	*ret = steal(&rec);
	return 0;
}

void hm_recording_write_header(FILE *f, const char *name, uint16_t bus, uint16_t vendor,
                               uint16_t product, const uint8_t *rdesc, size_t rdesc_size)
{
	fprintf(f, "N: %s\n", name);
	fprintf(f, "I: %x %04x %04x\n", bus, vendor, product);
	fprintf(f, "R: %zu", rdesc_size);
	for (size_t i = 0; i < rdesc_size; i++)
		fprintf(f, " %02x", rdesc[i]);
	fputc('\n', f);
}

void hm_recording_write_event(FILE *f, uint64_t time_us, const uint8_t *data, size_t size)
{
	fprintf(f, "E: %06" PRIu64 ".%06" PRIu64 " %zu", time_us / 1000000, time_us % 1000000,
	        size);
	for (size_t i = 0; i < size; i++)
		fprintf(f, " %02x", data[i]);
	fputc('\n', f);
	fflush(f);
}
