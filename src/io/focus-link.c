/* SPDX-License-Identifier: MIT */
/* A focus source's link to its compositor (focus-link.h). */
#include <errno.h>

#include "focus-link.h"

static void retry_fired(struct hm_timer *t, void *data)
{
	(void)hm_focus_link_start(data);
}

int hm_focus_link_init(struct hm_focus_link *l, struct hm_loop *loop, const char *name,
                       int (*start)(void *source), void *source, hm_focus_fn fn, void *userdata)
{
	*l = (struct hm_focus_link){
	    .name = name,
	    .fn = fn,
	    .userdata = userdata,
	    .start = start,
	    .source = source,
	    .reported_none = true,
	};
	l->retry = hm_timer_new(loop, retry_fired, l);
	return l->retry ? 0 : -errno;
}

int hm_focus_link_start(struct hm_focus_link *l)
{
	int r = l->start(l->source);

	if (r < 0) {
		l->last_error = r;
		(void)hm_timer_arm(l->retry, HM_FOCUS_RETRY_US);
	}
	return r;
}

void hm_focus_link_report(struct hm_focus_link *l, const struct hm_focus_window *w)
{
	l->reported_none = !w;
	l->fn(l->userdata, l->name, w);
}

void hm_focus_link_broken(struct hm_focus_link *l, int why)
{
	l->last_error = why;
	if (!l->reported_none)
		hm_focus_link_report(l, NULL); /* the compositor is gone: so is the focus */
	(void)hm_timer_arm(l->retry, HM_FOCUS_RETRY_US);
}

void hm_focus_link_free(struct hm_focus_link *l)
{
	hm_timer_free(l->retry);
	l->retry = NULL;
}
