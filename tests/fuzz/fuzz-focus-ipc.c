/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the focus sources' readers of what a compositor sends: the
 * sway/i3 IPC payloads (focus-i3.h) and Hyprland's event lines
 * (focus-hyprland.h).  Input: one byte choosing the reader (0: an i3
 * window event, 1: a GET_TREE reply, 2: a workspace event, 4: Hyprland's
 * j/activewindow answer, else Hyprland event lines), then the payload.
 */
#include <stdlib.h>
#include <string.h>

#include "focus-hyprland.h"
#include "focus-i3.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t types[] = {HM_I3_EVENT_WINDOW, HM_I3_GET_TREE, HM_I3_EVENT_WORKSPACE};
	char *line;

	if (size < 1)
		return 0;
	if (data[0] < 3) {
		struct hm_focus_i3_parsed p;

		if (hm_focus_i3_parse(types[data[0]], (const char *)data + 1, size - 1, &p) == 0)
			hm_focus_i3_parsed_done(&p);
		return 0;
	}
	if (data[0] == 4) {
		char *cls = NULL, *title = NULL;

		if (hm_focus_hyprland_reply((const char *)data + 1, size - 1, &cls, &title) > 0) {
			free(cls);
			free(title);
		}
		return 0;
	}
	line = malloc(HM_HYPR_MAX_LINE + 1);
	if (!line)
		return 0;
	for (size_t i = 1; i < size;) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - data) - i : size - i;
		struct hm_focus_window w;

		if (len <= HM_HYPR_MAX_LINE) {
			memcpy(line, data + i, len);
			if (hm_focus_hyprland_line(line, len, &w) > 0 && (!w.app_id || !w.title))
				abort(); /* an activewindow event has both, empty or not */
		}
		i += len + 1;
	}
	free(line);
	return 0;
}
