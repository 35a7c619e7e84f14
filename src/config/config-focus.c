/* SPDX-License-Identifier: MIT */
/*
 * The focus = rules of a [device] section: parsing one line's value and
 * matching a window (config-focus.h).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-focus.h"
#include "config.h"
#include "util-strings.h"

/* One word of the value: a bare run of non-blanks, or "quoted" with \" and
 * \\.  Returns the word (heap) and advances *s past it, or NULL with err
 * set (-ENOMEM: *oom). */
static char *next_word(const char **s, char *err, size_t errlen, bool *oom)
{
	const char *p = *s;
	size_t cap = strlen(p) + 1, n = 0;
	char *w = malloc(cap);

	if (!w) {
		*oom = true;
		return NULL;
	}
	if (*p == '"') {
		for (p++;; p++) {
			if (!*p) {
				snprintf(err, errlen, "missing closing '\"'");
				free(w);
				return NULL;
			}
			if (*p == '"')
				break;
			if (*p == '\\') {
				if (p[1] != '"' && p[1] != '\\') {
					snprintf(err, errlen,
					         "'\\' in quotes must be followed by '\"' or '\\'");
					free(w);
					return NULL;
				}
				p++;
			}
			w[n++] = *p;
		}
		p++;
		if (*p && *p != ' ' && *p != '\t') {
			snprintf(err, errlen, "expected a blank after the closing '\"'");
			free(w);
			return NULL;
		}
	} else {
		while (*p && *p != ' ' && *p != '\t')
			w[n++] = *p++;
	}
	w[n] = '\0';
	*s = p;
	return w;
}

static void skip_blanks(const char **s)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
}

/* "app:GLOB", "title:GLOB" or a bare GLOB (the app); quoted after the
 * colon too: title:"* - YouTube". */
int hm_config_focus_parse(const char *value, struct hm_config_focus_rule *ret, char *err,
                          size_t errlen)
{
	struct hm_config_focus_rule r = {0};
	const char *s = value;
	bool oom = false;

	for (;;) {
		char **field;
		char *w;

		skip_blanks(&s);
		if (!*s) {
			snprintf(err, errlen, "expected '-> PROFILE' at the end");
			goto fail;
		}
		if (s[0] == '-' && s[1] == '>' && (!s[2] || s[2] == ' ' || s[2] == '\t'))
			break;
		if (startswith(s, "app:")) {
			field = &r.app;
			s += 4;
		} else if (startswith(s, "title:")) {
			field = &r.title;
			s += 6;
		} else {
			field = &r.app;
		}
		if (*field) {
			snprintf(err, errlen, "%s given twice",
			         field == &r.app ? "the application" : "the title");
			goto fail;
		}
		if (!*s || *s == ' ' || *s == '\t') {
			snprintf(err, errlen, "empty glob");
			goto fail;
		}
		w = next_word(&s, err, errlen, &oom);
		if (!w)
			goto fail;
		if (!*w) {
			free(w);
			snprintf(err, errlen, "empty glob");
			goto fail;
		}
		*field = w;
	}
	if (!r.app && !r.title) {
		snprintf(err, errlen, "a rule needs an application or a title glob before '->'");
		goto fail;
	}
	s += 2;
	skip_blanks(&s);
	if (!*s) {
		snprintf(err, errlen, "expected a profile id after '->'");
		goto fail;
	}
	r.profile_id = strdup(s);
	if (!r.profile_id) {
		oom = true;
		goto fail;
	}
	/* trailing blanks are inih's to strip; blanks inside are no id */
	if (r.profile_id[strcspn(r.profile_id, " \t")]) {
		snprintf(err, errlen, "expected one profile id after '->'");
		goto fail;
	}
	*ret = r;
	return 0;
fail:
	hm_config_focus_rule_done(&r);
	return oom ? -ENOMEM : -EINVAL;
}

void hm_config_focus_rule_done(struct hm_config_focus_rule *rule)
{
	free(rule->app);
	free(rule->title);
	free(rule->profile_id);
	*rule = (struct hm_config_focus_rule){0};
}

static bool glob_matches(const char *glob, const char *s, int flags)
{
	return s && *s && fnmatch(glob, s, flags) == 0;
}

bool hm_config_focus_rule_matches(const struct hm_config_focus_rule *rule,
                                  const struct hm_focus_window *w)
{
	if (rule->app && !glob_matches(rule->app, w->app_id, FNM_CASEFOLD) &&
	    !glob_matches(rule->app, w->instance, FNM_CASEFOLD) &&
	    !glob_matches(rule->app, w->class_, FNM_CASEFOLD))
		return false;
	/* no title is the empty one: "*" matches it */
	if (rule->title && fnmatch(rule->title, w->title ? w->title : "", 0) != 0)
		return false;
	return true;
}

int hm_config_focus_match(const struct hm_config_device *dev, const struct hm_focus_window *w)
{
	if (!dev || !w)
		return -1;
	for (size_t i = 0; i < dev->nfocus; i++)
		if (hm_config_focus_rule_matches(&dev->focus[i], w))
			return (int)i;
	return -1;
}
