/* SPDX-License-Identifier: MIT */
/*
 * stderr into a temporary file while a test makes a device, to count the
 * warnings the code under test logs ("one warning, not one per report").
 * The captured lines are copied to the real stderr when the capture ends,
 * so a failing test's log still shows them.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static FILE *stderr_capture_file;
static int stderr_capture_saved = -1;
static char *stderr_capture_text; /* what the last capture held, up to the next begin */

static inline void stderr_capture_begin(void)
{
	free(stderr_capture_text);
	stderr_capture_text = NULL;
	fflush(stderr);
	stderr_capture_file = tmpfile();
	assert_non_null(stderr_capture_file);
	stderr_capture_saved = dup(STDERR_FILENO);
	assert_true(stderr_capture_saved >= 0);
	assert_int_equal(dup2(fileno(stderr_capture_file), STDERR_FILENO), STDERR_FILENO);
}

/* Calls fn for each line of the last capture (without its '\n'). */
static inline unsigned
stderr_capture_lines(bool (*fn)(const char *line, size_t len, const void *arg), const void *arg)
{
	unsigned n = 0;

	for (const char *l = stderr_capture_text; l && *l;) {
		const char *end = strchrnul(l, '\n');

		n += fn(l, (size_t)(end - l), arg);
		l = *end ? end + 1 : end;
	}
	return n;
}

static inline bool stderr_capture_holds(const char *line, size_t len, const void *needle)
{
	return !needle || memmem(line, len, needle, strlen(needle));
}

static inline bool stderr_capture_starts(const char *line, size_t len, const void *prefix)
{
	return len >= strlen(prefix) && !memcmp(line, prefix, strlen(prefix));
}

static inline bool stderr_capture_echo(const char *line, size_t len, const void *arg)
{
	(void)arg;
	fprintf(stderr, "  log: %.*s\n", (int)len, line);
	return true;
}

/* The number of lines of the last capture that hold needle (all for NULL). */
static inline unsigned stderr_capture_count(const char *needle)
{
	return stderr_capture_lines(stderr_capture_holds, needle);
}

/* The number of lines of the last capture that start with prefix. */
static inline unsigned stderr_capture_count_prefix(const char *prefix)
{
	return stderr_capture_lines(stderr_capture_starts, prefix);
}

/* Stops capturing, copies the lines to the real stderr, and returns how many
 * hold needle (all of them for NULL). */
static inline unsigned stderr_capture_end(const char *needle)
{
	FILE *f = stderr_capture_file;
	long size;

	fflush(stderr);
	assert_int_equal(dup2(stderr_capture_saved, STDERR_FILENO), STDERR_FILENO);
	close(stderr_capture_saved);
	stderr_capture_saved = -1;

	stderr_capture_file = NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	stderr_capture_text = calloc(1, (size_t)size + 1);
	assert_non_null(stderr_capture_text);
	assert_int_equal(fread(stderr_capture_text, 1, (size_t)size, f), (size_t)size);
	fclose(f);

	stderr_capture_lines(stderr_capture_echo, NULL);
	return stderr_capture_count(needle);
}
