/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the focus = rule parser (config-focus.h) and matching.  Input:
 * the rule's value, then NUL-separated app_id, instance, class and title
 * of a window to match it against.
 */
#include <stdlib.h>
#include <string.h>

#include "config-focus.h"
#include "config.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *fields[5] = {NULL};
	struct hm_config_focus_rule rule;
	struct hm_config_device dev = {.id = "fuzz"};
	char err[256];
	size_t n = 0, start = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i <= size && n < 5; i++)
		if (i == size || buf[i] == '\0') {
			fields[n++] = buf + start;
			start = i + 1;
		}
	if (hm_config_focus_parse(fields[0], &rule, err, sizeof(err)) == 0) {
		const struct hm_focus_window w = {fields[1], fields[2], fields[3], fields[4]};

		dev.focus = &rule;
		dev.nfocus = 1;
		(void)hm_config_focus_match(&dev, &w);
		hm_config_focus_rule_done(&rule);
	}
	free(buf);
	return 0;
}
