/* SPDX-License-Identifier: MIT */
/* cmocka assertions on text output (include after cmocka.h). */
#pragma once

#include <string.h>

/* Fails, showing the whole text, when needle is not in it. */
static inline void assert_contains(const char *text, const char *needle)
{
	assert_non_null(text);
	if (!strstr(text, needle))
		fail_msg("missing: %s\nin:\n%s", needle, text ? text : "");
}
