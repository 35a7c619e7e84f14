/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "util-strings.h"

int safe_atoi64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

int safe_atoi(const char *s, int *ret)
{
	int64_t v;
	int r = safe_atoi64(s, &v);

	if (r < 0)
		return r;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int safe_atou32_base(const char *s, unsigned base, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || !isalnum((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE || v > UINT32_MAX)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int safe_atous(const char *s, uint64_t *ret_usec)
{
	uint64_t whole = 0, frac = 0;
	unsigned digits = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX / 10 - 10) / 1000000)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (digits < 6) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
		}
	}
	if (*p != '\0')
		return -EINVAL;
	while (digits++ < 6)
		frac *= 10;
	*ret_usec = whole * 1000000 + frac;
	return 0;
}

int parse_duration(const char *s, uint64_t max_usec, uint64_t *ret_usec)
{
	char buf[32];
	size_t l = s ? strlen(s) : 0;
	uint64_t unit = 1000, v;
	int r;

	if (l == 0 || l >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, l + 1);
	if (l > 2 && streq(buf + l - 2, "ms")) {
		buf[l - 2] = '\0';
	} else if (l > 2 && streq(buf + l - 2, "us")) {
		buf[l - 2] = '\0';
		unit = 1;
	} else if (l > 1 && buf[l - 1] == 's') {
		buf[l - 1] = '\0';
		unit = 1000000;
	}
	r = safe_atous(buf, &v); /* v is in millionths of a unit */
	if (r < 0)
		return r;
	if (v > max_usec / unit * 1000000 + 999999)
		return -ERANGE;
	v = v / 1000000 * unit + v % 1000000 * unit / 1000000;
	if (v > max_usec)
		return -ERANGE;
	*ret_usec = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_hex_bytes(const char *s, uint8_t *buf, size_t max)
{
	size_t n = 0;

	for (;;) {
		int hi, lo;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return (int)n;
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (hi < 0 || lo < 0 || (s[2] && !isspace((unsigned char)s[2])))
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		buf[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
}

int parse_vid_pid(const char *s, uint16_t *ret_vid, uint16_t *ret_pid)
{
	char vid[5], *colon;
	uint32_t v, p;
	size_t l;
	int r;

	colon = strchr(s, ':');
	if (!colon)
		return -EINVAL;
	l = (size_t)(colon - s);
	if (l == 0 || l > 4 || strlen(colon + 1) == 0 || strlen(colon + 1) > 4)
		return -EINVAL;
	memcpy(vid, s, l);
	vid[l] = '\0';
	for (const char *c = s; c < colon; c++)
		if (!isxdigit((unsigned char)*c))
			return -EINVAL;
	for (const char *c = colon + 1; *c; c++)
		if (!isxdigit((unsigned char)*c))
			return -EINVAL;
	r = safe_atou32_base(vid, 16, &v);
	if (r < 0)
		return r;
	r = safe_atou32_base(colon + 1, 16, &p);
	if (r < 0)
		return r;
	*ret_vid = (uint16_t)v;
	*ret_pid = (uint16_t)p;
	return 0;
}

int parse_boolean(const char *s, bool *ret)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

char *strstrip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), 0 if there is none. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong below U+0800 */
	else if (s[0] == 0xed)
		hi = 0x9f; /* U+D800..U+DFFF */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong below U+10000 */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

const char *str_escape_control(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t l = 0;

	if (size == 0)
		return buf;
	while (*p) {
		size_t n = utf8_sequence(p);
		/* C0 controls, DEL, and C1 controls (U+0080..U+009F, C2 80..C2 9F) */
		bool control =
		    n == 1 ? *p < 0x20 || *p == 0x7f : n == 2 && p[0] == 0xc2 && p[1] < 0xa0;

		if (n == 0 || control) {
			size_t k = n ? n : 1;

			if (l + 4 * k >= size)
				break;
			for (size_t i = 0; i < k; i++)
				l += (size_t)snprintf(buf + l, size - l, "\\x%02x", p[i]);
			p += k;
		} else {
			if (l + n >= size)
				break;
			memcpy(buf + l, p, n);
			l += n;
			p += n;
		}
	}
	buf[l] = '\0';
	return buf;
}
