/* SPDX-License-Identifier: MIT */
/* Feature-reply files (replay-features.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay-features.h"
#include "util-log.h"
#include "util-strings.h"

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

struct hm_feature_replies {
	uint8_t *reply[256]; /* by report ID, NULL: none */
	size_t size[256];
	unsigned line[256];
};

void hm_feature_replies_free(struct hm_feature_replies *fr)
{
	if (!fr)
		return;
	for (size_t i = 0; i < 256; i++)
		free(fr->reply[i]);
	free(fr);
}

/* One line, comments already cut: its bytes into buf.  Returns the count
 * (0: blank) or -EINVAL with *why set. */
static int parse_bytes(const char *s, uint8_t *buf, const char **why)
{
	int n = parse_hex_bytes(s, buf, HM_FEATURE_REPLY_MAX);

	if (n == -E2BIG)
		*why = "reply longer than 4096 bytes";
	else if (n < 0)
		*why = "expected hex bytes (two digits each, separated by blanks)";
	return n < 0 ? -EINVAL : n;
}

int hm_feature_replies_load(const char *path, struct hm_feature_replies **ret)
{
	_cleanup_(hm_feature_replies_freep) struct hm_feature_replies *fr = NULL;
	_cleanup_(fclosep) FILE *f = NULL;
	_cleanup_free_ uint8_t *buf = NULL;
	char line[HM_FEATURE_REPLY_MAX * 3 + 256];
	unsigned lineno = 0;
	size_t nreplies = 0;

	f = fopen(path, "re");
	if (!f)
		return log_error_errno(errno, "%s: %m", path);
	fr = calloc(1, sizeof(*fr));
	buf = malloc(HM_FEATURE_REPLY_MAX);
	if (!fr || !buf)
		return log_error_errno(ENOMEM, "%s: out of memory", path);

	while (fgets(line, sizeof(line), f)) {
		const char *why = NULL;
		size_t len = strlen(line);
		char *hash;
		int n;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(f))
			return log_error_errno(E2BIG, "%s:%u: line too long", path, lineno);
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		n = parse_bytes(line, buf, &why);
		if (n < 0)
			return log_error_errno(n, "%s:%u: %s", path, lineno, why);
		if (n == 0)
			continue;
		if (fr->reply[buf[0]])
			return log_error_errno(EINVAL,
			                       "%s:%u: second reply for report ID 0x%02x (the "
			                       "first is on line %u)",
			                       path, lineno, buf[0], fr->line[buf[0]]);
		fr->reply[buf[0]] = malloc((size_t)n);
		if (!fr->reply[buf[0]])
			return log_error_errno(ENOMEM, "%s: out of memory", path);
		memcpy(fr->reply[buf[0]], buf, (size_t)n);
		fr->size[buf[0]] = (size_t)n;
		fr->line[buf[0]] = lineno;
		nreplies++;
	}
	if (ferror(f))
		return log_error_errno(EIO, "%s: read error", path);
	if (nreplies == 0)
		return log_error_errno(EINVAL, "%s: no replies (one line of hex bytes per report)",
		                       path);
	*ret = steal(&fr);
	return 0;
}

const uint8_t *hm_feature_replies_find(const struct hm_feature_replies *fr, uint8_t id,
                                       size_t *ret_size)
{
	if (!fr || !fr->reply[id])
		return NULL;
	*ret_size = fr->size[id];
	return fr->reply[id];
}

int hm_feature_replies_get(void *userdata, uint8_t *data, size_t size)
{
	const uint8_t *reply;
	size_t n;

	if (size == 0)
		return -EINVAL;
	reply = hm_feature_replies_find(userdata, data[0], &n);
	if (!reply)
		return -EIO;
	if (n > size)
		n = size;
	memcpy(data, reply, n);
	return (int)n;
}
