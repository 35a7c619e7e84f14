/* SPDX-License-Identifier: MIT */
/*
 * String helpers: strict number parsing (no atoi), comparisons.
 * All parsers return 0 on success and a negative errno otherwise
 * (-EINVAL for syntax, -ERANGE for overflow); ret_* is set on success only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return streq(a, b);
}

static inline const char *startswith(const char *s, const char *prefix)
{
	size_t l = strlen(prefix);
	return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

/* Decimal, optional sign, whole string. */
int safe_atoi(const char *s, int *ret);
int safe_atoi64(const char *s, int64_t *ret);
/* Unsigned in the given base (0 = auto: 0x prefix for hex), whole string. */
int safe_atou32_base(const char *s, unsigned base, uint32_t *ret);
/* Non-negative decimal with up to six fractional digits, as microseconds ("1.25" -> 1250000). */
int safe_atous(const char *s, uint64_t *ret_usec);
/* A duration: "250ms", "3s", "1.5s", or a bare number of milliseconds; at most max_usec. */
int parse_duration(const char *s, uint64_t max_usec, uint64_t *ret_usec);
/*
 * Bytes of two hex digits each, separated by blanks, as hid-recorder writes
 * them: into buf, at most max.  Returns the count (0: none), -EINVAL for a
 * token that is not two hex digits, -E2BIG for more than max bytes.
 */
int parse_hex_bytes(const char *s, uint8_t *buf, size_t max);
/* "vvvv:pppp" in hex. */
int parse_vid_pid(const char *s, uint16_t *ret_vid, uint16_t *ret_pid);
/* yes/no, true/false, on/off, 1/0 */
int parse_boolean(const char *s, bool *ret);
/* strip leading and trailing whitespace in place */
char *strstrip(char *s);

/*
 * s made safe to print on a terminal, in buf (size bytes, at most
 * STR_ESCAPED_SIZE(strlen(s)) needed), which it returns: control characters
 * (C0 including newline and tab, DEL, the C1 controls U+0080..U+009F) and
 * bytes that are not valid UTF-8 are written as \xNN, one per byte;
 * everything else is kept, a backslash too, so escaping twice changes
 * nothing.  For names that come from devices (a USB product string can hold
 * anything): a name may not clear the screen or retitle the terminal.
 * Truncates at a character, never inside one or inside an escape.
 */
const char *str_escape_control(const char *s, char *buf, size_t size);
#define STR_ESCAPED_SIZE(len) (4 * (len) + 1)
/*
 * The same for one argument of a log line: str_escape_control() of s into
 * a buffer that lives until the end of the enclosing block (a compound
 * literal), so several may be used in one call.  Keeps the first
 * LOG_ESCAPE_MAX bytes' worth.  Every string that comes from a device (a
 * name, a serial) or from a config file (a section id, a word the parser
 * did not know) goes through it on its way to the log, as `status` escapes
 * it: the journal and a terminal get no ESC, CR, BEL or DEL.
 */
#define LOG_ESCAPE_MAX 256
static inline const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}
#define log_escape(s)                                                                              \
	str_escape_control(str_or_null(s), (char[STR_ESCAPED_SIZE(LOG_ESCAPE_MAX)]){0},            \
	                   STR_ESCAPED_SIZE(LOG_ESCAPE_MAX))
