/* SPDX-License-Identifier: MIT */
/*
 * Fast user switching: the rule that decides whether the user's session is
 * active (hm_session_decide()), and the watch driven by a fake source whose
 * fd is an eventfd, in a real event loop.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "build-config.h"
#include "event-loop.h"
#include "session-watch.h"
#include "util-strings.h"

/* ---- the rule -------------------------------------------------------------- */

/* the user's own sessions; logind calls a session without a seat active */
/* clang-format off */
#define SEAT(i, st, act) {.id = i, .seat = st, .active = act, .mine = true}
#define SSH(i)           {.id = i, .active = true, .mine = true}
/* another user's session in front of a seat */
#define OTHER(i, st)     {.id = i, .seat = st, .active = true}
/* clang-format on */

static void test_decide(void **state)
{
	static const struct {
		const char *what;
		struct hm_session_entry s[4];
		size_t n;
		enum hm_session_state want;
		size_t which;
	} cases[] = {
	    {"no session at all (lingering, headless)", {}, 0, HM_SESSION_NO_SEAT, (size_t)-1},
	    {"ssh only", {SSH("5")}, 1, HM_SESSION_NO_SEAT, (size_t)-1},
	    {"two ssh sessions", {SSH("5"), SSH("6")}, 2, HM_SESSION_NO_SEAT, (size_t)-1},
	    {"seat session in the foreground",
	     {SEAT("c1", "seat0", true)},
	     1,
	     HM_SESSION_ACTIVE,
	     0},
	    {"seat session in the background",
	     {SEAT("c1", "seat0", false)},
	     1,
	     HM_SESSION_INACTIVE,
	     0},
	    /* the ssh session is "active" for logind, but the seat is someone else's */
	    {"background seat session and ssh",
	     {SSH("5"), SEAT("c1", "seat0", false), SSH("6")},
	     3,
	     HM_SESSION_INACTIVE,
	     1},
	    {"foreground seat session and ssh",
	     {SSH("5"), SEAT("c1", "seat0", true)},
	     2,
	     HM_SESSION_ACTIVE,
	     1},
	    {"two seat sessions, the second in the foreground",
	     {SEAT("c1", "seat0", false), SEAT("c3", "seat0", true)},
	     2,
	     HM_SESSION_ACTIVE,
	     1},
	    {"two seat sessions, both in the background",
	     {SEAT("c1", "seat0", false), SEAT("c3", "seat0", false)},
	     2,
	     HM_SESSION_INACTIVE,
	     1},
	    {"multi-seat: in the background on seat0, in front on seat1",
	     {SEAT("c1", "seat0", false), SEAT("c4", "seat1", true)},
	     2,
	     HM_SESSION_ACTIVE,
	     1},
	    /* another user in front of a seat: the seat's devices are theirs */
	    {"ssh only, another user in front of seat0",
	     {SSH("5"), OTHER("c2", "seat0")},
	     2,
	     HM_SESSION_INACTIVE,
	     1},
	    {"no session, another user in front of seat0",
	     {OTHER("c2", "seat0")},
	     1,
	     HM_SESSION_INACTIVE,
	     0},
	    {"in the background, another user in front: the user's session decides",
	     {OTHER("c2", "seat0"), SEAT("c1", "seat0", false)},
	     2,
	     HM_SESSION_INACTIVE,
	     1},
	    {"multi-seat: in front on seat1, another user in front on seat0",
	     {OTHER("c2", "seat0"), SEAT("c4", "seat1", true)},
	     2,
	     HM_SESSION_ACTIVE,
	     1},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t which = 42;
		enum hm_session_state got = hm_session_decide(cases[i].s, cases[i].n, &which);

		if (got != cases[i].want || which != cases[i].which)
			fail_msg("%s: got %s (session %zd), want %s (session %zd)", cases[i].what,
			         hm_session_state_to_string(got), (ssize_t)which,
			         hm_session_state_to_string(cases[i].want),
			         (ssize_t)cases[i].which);
	}
	assert_int_equal(hm_session_decide(NULL, 0, NULL), HM_SESSION_NO_SEAT);
	assert_true(hm_session_state_drives(HM_SESSION_ACTIVE));
	assert_true(hm_session_state_drives(HM_SESSION_NO_SEAT));
	assert_false(hm_session_state_drives(HM_SESSION_INACTIVE));
}

/* ---- the watch with a fake source ------------------------------------------ */

struct fake {
	struct hm_session_source base;
	int efd;
	struct hm_session_entry s[4];
	size_t n;
	int fail; /* list() returns this when < 0 */
	unsigned flushes, lists;
	bool *freed;
};

static size_t fake_get_fds(struct hm_session_source *src, int *fds)
{
	fds[0] = ((struct fake *)src)->efd;
	return 1;
}

static void fake_flush(struct hm_session_source *src)
{
	struct fake *f = (struct fake *)src;
	uint64_t v;

	f->flushes++;
	(void)!read(f->efd, &v, sizeof(v));
}

static int fake_list(struct hm_session_source *src, struct hm_session_entry **ret, size_t *ret_n)
{
	struct fake *f = (struct fake *)src;

	f->lists++;
	if (f->fail < 0)
		return f->fail;
	*ret = NULL;
	if (f->n) {
		*ret = calloc(f->n, sizeof(**ret));
		assert_non_null(*ret);
		memcpy(*ret, f->s, f->n * sizeof(f->s[0]));
	}
	*ret_n = f->n;
	return 0;
}

static void fake_free(struct hm_session_source *src)
{
	struct fake *f = (struct fake *)src;

	close(f->efd);
	*f->freed = true;
	free(f);
}

static const struct hm_session_source_ops fake_ops = {
    .get_fds = fake_get_fds,
    .flush = fake_flush,
    .list = fake_list,
    .free = fake_free,
};

static struct fake *fake_new(bool *freed)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->base.ops = &fake_ops;
	f->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(f->efd >= 0);
	f->freed = freed;
	*freed = false;
	return f;
}

static void fake_set(struct fake *f, size_t n, const struct hm_session_entry *s)
{
	f->n = n;
	if (n)
		memcpy(f->s, s, n * sizeof(*s));
}

/* Tells the watch that something changed and runs the loop once. */
static void fake_poke(struct hm_loop *loop, struct fake *f)
{
	uint64_t one = 1;

	assert_int_equal(write(f->efd, &one, sizeof(one)), sizeof(one));
	assert_true(hm_loop_dispatch(loop, 1000) >= 0);
}

struct calls {
	enum hm_session_state last;
	unsigned n;
};

static void on_change(enum hm_session_state state, void *userdata)
{
	struct calls *c = userdata;

	c->last = state;
	c->n++;
}

static void assert_describes(struct hm_session_watch *w, const char *want)
{
	char buf[128];

	hm_session_watch_describe(w, buf, sizeof(buf));
	if (!streq(buf, want))
		fail_msg("described as \"%s\", want \"%s\"", buf, want);
}

static void test_watch_switch(void **state)
{
	static const struct hm_session_entry front[] = {SEAT("c1", "seat0", true), SSH("7")};
	static const struct hm_session_entry back[] = {SEAT("c1", "seat0", false), SSH("7")};
	static const struct hm_session_entry ssh[] = {SSH("7")};
	static const struct hm_session_entry other[] = {SSH("7"), OTHER("c2", "seat0")};
	struct hm_loop *loop;
	struct hm_session_watch *w;
	struct calls calls = {0};
	bool freed;
	struct fake *f = fake_new(&freed);

	assert_int_equal(hm_loop_new(&loop), 0);
	fake_set(f, ARRAY_SIZE(front), front);
	assert_int_equal(hm_session_watch_new(loop, &f->base, on_change, &calls, &w), 0);
	/* the first state is read at once, without a callback */
	assert_int_equal(hm_session_watch_state(w), HM_SESSION_ACTIVE);
	assert_int_equal(calls.n, 0);
	assert_int_equal(f->lists, 1);
	assert_describes(w, "active (c1 on seat0)");

	/* another user takes the seat */
	fake_set(f, ARRAY_SIZE(back), back);
	fake_poke(loop, f);
	assert_int_equal(f->flushes, 1);
	assert_int_equal(calls.n, 1);
	assert_int_equal(calls.last, HM_SESSION_INACTIVE);
	assert_int_equal(hm_session_watch_state(w), HM_SESSION_INACTIVE);
	assert_describes(w, "inactive (c1 on seat0 is in the background)");

	/* a wake-up that changes nothing calls nothing */
	fake_poke(loop, f);
	assert_int_equal(calls.n, 1);

	/* a failed read keeps the state */
	f->fail = -EIO;
	fake_poke(loop, f);
	assert_int_equal(calls.n, 1);
	assert_int_equal(hm_session_watch_state(w), HM_SESSION_INACTIVE);
	f->fail = 0;

	/* back in front */
	fake_set(f, ARRAY_SIZE(front), front);
	fake_poke(loop, f);
	assert_int_equal(calls.n, 2);
	assert_int_equal(calls.last, HM_SESSION_ACTIVE);

	/* logged out of the seat, ssh stays: still driving, no callback */
	fake_set(f, ARRAY_SIZE(ssh), ssh);
	fake_poke(loop, f);
	assert_int_equal(calls.n, 2);
	assert_int_equal(hm_session_watch_state(w), HM_SESSION_NO_SEAT);
	assert_describes(w, "no-seat (no session on a seat)");

	/* a new seat session that starts in the background: let go */
	fake_set(f, ARRAY_SIZE(back), back);
	fake_poke(loop, f);
	assert_int_equal(calls.n, 3);
	assert_int_equal(calls.last, HM_SESSION_INACTIVE);

	/* refresh without a wake-up reads the sessions too */
	fake_set(f, 0, NULL);
	hm_session_watch_refresh(w);
	assert_int_equal(calls.n, 4);
	assert_int_equal(calls.last, HM_SESSION_NO_SEAT);

	/* nothing of ours on a seat, and another user sits down */
	fake_set(f, ARRAY_SIZE(other), other);
	fake_poke(loop, f);
	assert_int_equal(calls.n, 5);
	assert_int_equal(calls.last, HM_SESSION_INACTIVE);
	assert_describes(w, "inactive (another user's c2 is in front on seat0)");

	hm_session_watch_free(w);
	assert_true(freed);
	hm_loop_free(loop);
}

static void test_watch_first_read_fails(void **state)
{
	struct hm_loop *loop;
	struct hm_session_watch *w;
	struct calls calls = {0};
	bool freed;
	struct fake *f = fake_new(&freed);

	assert_int_equal(hm_loop_new(&loop), 0);
	f->fail = -EACCES;
	assert_int_equal(hm_session_watch_new(loop, &f->base, on_change, &calls, &w), 0);
	assert_int_equal(hm_session_watch_state(w), HM_SESSION_NO_SEAT);
	hm_session_watch_free(w);
	assert_true(freed);
	hm_loop_free(loop);
}

/* The sd-login source on this machine: whatever logind says about us, it
 * answers; without logind or libsystemd it says so with its errno. */
static void test_sd_login_source(void **state)
{
	struct hm_session_source *src;
	struct hm_session_entry *e = NULL;
	int fds[HM_SESSION_MAX_FDS];
	size_t n = 99;
	int r = hm_session_source_sd_login_new(getuid(), &src);

#if HAVE_LIBSYSTEMD
	if (r == -ENOENT) {
		assert_true(access("/run/systemd/sessions", F_OK) < 0 ||
		            access("/run/systemd/users", F_OK) < 0 ||
		            access("/run/systemd/seats", F_OK) < 0);
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(src->ops->get_fds(src, fds), 3);
	assert_true(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0);
	src->ops->flush(src);
	assert_int_equal(src->ops->list(src, &e, &n), 0);
	assert_true(n == 0 ? e == NULL : e != NULL);
	free(e);
	src->ops->free(src);
#else
	assert_int_equal(r, -EOPNOTSUPP);
	(void)fds;
	(void)e;
	(void)n;
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_watch_switch),
	    cmocka_unit_test(test_watch_first_read_fails),
	    cmocka_unit_test(test_sd_login_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
