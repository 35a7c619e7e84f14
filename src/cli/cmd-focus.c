/* SPDX-License-Identifier: MIT */
/*
 * hidmapd focus APP_ID [TITLE]: tells the running daemon which window has
 * the focus, for compositors hidmapd has no source for (a one-line hook in
 * niri, river, a script: doc/hidmapd.1.md).  `hidmapd focus -` says no
 * window has it.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "control.h"

/* n, or less so that s[0..n) does not end in a character cut in half */
static size_t utf8_whole(const char *s, size_t n)
{
	size_t i = n;
	unsigned char lead;
	size_t need;

	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || (unsigned char)s[i - 1] < 0xc0 || (unsigned char)s[i - 1] > 0xf4)
		return n;
	lead = (unsigned char)s[i - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return n - (i - 1) < need ? i - 1 : n;
}

int hm_cmd_focus(const char *const *args, size_t nargs)
{
	char request[HM_CONTROL_MAX_REQUEST];
	const char *app = args[0], *title = nargs > 1 ? args[1] : "";
	size_t n, max;

	if (!*app || strpbrk(app, " \t\n\r")) {
		fprintf(stderr, "hidmapd: focus: APP_ID must be one word, not empty\n");
		return 2;
	}
	n = (size_t)snprintf(request, sizeof(request), "focus %s", app);
	if (n >= sizeof(request) - 1) {
		fprintf(stderr, "hidmapd: focus: APP_ID too long\n");
		return 2;
	}
	if (*title) {
		/* the request is one line: what ends a line is a blank here, and
		 * a title too long for it is cut at a character */
		max = sizeof(request) - 2 - n - 1;
		request[n++] = ' ';
		for (size_t i = 0; title[i] && max; i++, max--)
			request[n++] = title[i] == '\n' || title[i] == '\r' ? ' ' : title[i];
		n = utf8_whole(request, n);
	}
	request[n] = '\0';
	return hm_cmd_control(request);
}
