/* SPDX-License-Identifier: MIT */
/*
 * The focus sources' readers (focus-i3.h, focus-hyprland.h) against the
 * messages their documentation gives (sway-ipc(7): the window event and
 * GET_TREE reply shapes; i3's ipc.html: window_properties; the Hyprland
 * wiki's IPC page: "activewindow>>WINDOWCLASS,WINDOWTITLE",
 * "activewindowv2>>WINDOWADDRESS"), and the i3 source over a real socket:
 * framing split anywhere, the compositor going away.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "build-config.h"
#include "event-loop.h"
#include "focus-hyprland.h"
#include "focus-i3.h"

static void hypr(const char *text, int want, const char *app, const char *title)
{
	char line[256];
	struct hm_focus_window w = {0};

	snprintf(line, sizeof(line), "%s", text);
	assert_int_equal(hm_focus_hyprland_line(line, strlen(line), &w), want);
	if (want > 0) {
		assert_string_equal(w.app_id, app);
		assert_string_equal(w.title, title);
	}
}

static void test_hyprland_lines(void **state)
{
	hypr("activewindow>>firefox,Cats - YouTube", 1, "firefox", "Cats - YouTube");
	/* the title may hold commas and ">>"; the class does not */
	hypr("activewindow>>kitty,a, b >> c", 1, "kitty", "a, b >> c");
	hypr("activewindow>>,", 1, "", ""); /* no window */
	hypr("activewindowv2>>55d1c0a0e6f0", 0, NULL, NULL);
	hypr("workspace>>2", 0, NULL, NULL);
	hypr("openwindow>>80e62df0,2,kitty,Kitty", 0, NULL, NULL);
	hypr("activewindow>>nocomma", -EBADMSG, NULL, NULL);
	hypr("no separator", -EBADMSG, NULL, NULL);
	hypr(">>x", -EBADMSG, NULL, NULL);
	{
		char nul[] = "activewindow>>a\0b,c";

		assert_int_equal(
		    hm_focus_hyprland_line(nul, sizeof(nul) - 1, &(struct hm_focus_window){0}),
		    -EBADMSG);
	}
}

static void test_hyprland_reply(void **state)
{
	char *cls = NULL, *title = NULL;

	if (!HAVE_JSONC)
		skip();
	assert_int_equal(
	    hm_focus_hyprland_reply("{\"class\":\"firefox\",\"title\":\"a, b\",\"pid\":5}", 42,
	                            &cls, &title),
	    1);
	assert_string_equal(cls, "firefox");
	assert_string_equal(title, "a, b");
	free(cls);
	free(title);
	assert_int_equal(hm_focus_hyprland_reply("{}", 2, &cls, &title), 0);
	assert_int_equal(hm_focus_hyprland_reply("unknown request", 15, &cls, &title), -EBADMSG);
	assert_int_equal(hm_focus_hyprland_reply("{\"class\":5}", 11, &cls, &title), -EBADMSG);
}

static void i3(uint32_t type, const char *json, int want, int relevant, const char *app,
               const char *instance, const char *class_, const char *title)
{
	struct hm_focus_i3_parsed p;

	assert_int_equal(hm_focus_i3_parse(type, json, strlen(json), &p), want);
	if (want < 0)
		return;
	assert_int_equal(p.relevant, relevant);
	if (relevant) {
#define CHECK(field, v)                                                                            \
	do {                                                                                       \
		if (v)                                                                             \
			assert_string_equal(p.w.field, v);                                         \
		else                                                                               \
			assert_null(p.w.field);                                                    \
	} while (0)
		CHECK(app_id, app);
		CHECK(instance, instance);
		CHECK(class_, class_);
		CHECK(title, title);
#undef CHECK
	}
	hm_focus_i3_parsed_done(&p);
}

static void test_i3_messages(void **state)
{
	if (!HAVE_JSONC)
		skip(); /* built without json-c: no sway/i3 source */
	/* sway, a Wayland window */
	i3(HM_I3_EVENT_WINDOW,
	   "{\"change\":\"focus\",\"container\":{\"id\":12,\"type\":\"con\",\"focused\":true,"
	   "\"name\":\"Debian — Mozilla Firefox\",\"app_id\":\"firefox\",\"pid\":4242,"
	   "\"shell\":\"xdg_shell\",\"nodes\":[]}}",
	   0, 1, "firefox", NULL, NULL, "Debian — Mozilla Firefox");
	/* i3 (or Xwayland): window_properties, app_id null */
	i3(HM_I3_EVENT_WINDOW,
	   "{\"change\":\"focus\",\"container\":{\"type\":\"con\",\"focused\":true,\"name\":\"vim\","
	   "\"app_id\":null,\"window_properties\":{\"class\":\"URxvt\",\"instance\":\"urxvt\","
	   "\"title\":\"vim\"}}}",
	   0, 1, NULL, "urxvt", "URxvt", "vim");
	/* a title change: of the focused window only */
	i3(HM_I3_EVENT_WINDOW,
	   "{\"change\":\"title\",\"container\":{\"focused\":true,\"name\":\"new\",\"app_id\":\"foot\"}}",
	   0, 1, "foot", NULL, NULL, "new");
	i3(HM_I3_EVENT_WINDOW,
	   "{\"change\":\"title\",\"container\":{\"focused\":false,\"name\":\"bg\",\"app_id\":\"foot\"}}",
	   0, 0, NULL, NULL, NULL, NULL);
	i3(HM_I3_EVENT_WINDOW, "{\"change\":\"new\",\"container\":{\"app_id\":\"foot\"}}", 0, 0,
	   NULL, NULL, NULL, NULL);
	/* GET_TREE: the focused node, depth first */
	i3(HM_I3_GET_TREE,
	   "{\"type\":\"root\",\"focused\":false,\"nodes\":[{\"type\":\"output\",\"nodes\":["
	   "{\"type\":\"workspace\",\"nodes\":[{\"type\":\"con\",\"focused\":false,\"app_id\":\"a\"}],"
	   "\"floating_nodes\":[{\"type\":\"floating_con\",\"focused\":true,\"app_id\":\"mpv\","
	   "\"name\":\"film\"}]}]}]}",
	   0, 1, "mpv", NULL, NULL, "film");
	/* an empty workspace focused: no window */
	i3(HM_I3_GET_TREE,
	   "{\"type\":\"root\",\"nodes\":[{\"type\":\"workspace\",\"focused\":true,\"nodes\":[]}]}",
	   0, 1, NULL, NULL, NULL, NULL);
	i3(HM_I3_EVENT_WORKSPACE,
	   "{\"change\":\"focus\",\"current\":{\"type\":\"workspace\",\"focused\":true,\"nodes\":[]},"
	   "\"old\":null}",
	   0, 1, NULL, NULL, NULL, NULL);
	i3(HM_I3_EVENT_WORKSPACE,
	   "{\"change\":\"focus\",\"current\":{\"type\":\"workspace\",\"focused\":false,\"nodes\":["
	   "{\"type\":\"con\",\"focused\":true,\"app_id\":\"foot\",\"name\":\"t\"}]}}",
	   0, 1, "foot", NULL, NULL, "t");
	/* not JSON, not an object, trailing bytes, wrong shapes */
	i3(HM_I3_EVENT_WINDOW, "{\"change\":\"focus\"", -EBADMSG, 0, NULL, NULL, NULL, NULL);
	i3(HM_I3_EVENT_WINDOW, "[1,2]", -EBADMSG, 0, NULL, NULL, NULL, NULL);
	i3(HM_I3_EVENT_WINDOW, "{} {}", -EBADMSG, 0, NULL, NULL, NULL, NULL);
	i3(HM_I3_EVENT_WINDOW, "{\"change\":\"focus\",\"container\":5}", -EBADMSG, 0, NULL, NULL,
	   NULL, NULL);
	i3(HM_I3_EVENT_WINDOW, "{\"change\":\"focus\",\"container\":{\"name\":7,\"app_id\":[]}}", 0,
	   1, NULL, NULL, NULL, NULL);
}

/* ---- the source over a socket ---------------------------------------------- */

struct seen {
	int n;
	char app[64], title[64];
	bool none;
};

static void on_focus(void *userdata, const char *source, const struct hm_focus_window *w)
{
	struct seen *s = userdata;

	assert_string_equal(source, "sway");
	s->n++;
	s->none = !w;
	snprintf(s->app, sizeof(s->app), "%s", w && w->app_id ? w->app_id : "");
	snprintf(s->title, sizeof(s->title), "%s", w && w->title ? w->title : "");
}

static size_t frame(uint8_t *buf, uint32_t type, const char *json)
{
	uint32_t len = (uint32_t)strlen(json);

	memcpy(buf, "i3-ipc", 6);
	memcpy(buf + 6, &len, 4);
	memcpy(buf + 10, &type, 4);
	memcpy(buf + 14, json, len);
	return 14 + len;
}

static void pump(struct hm_loop *loop)
{
	for (int i = 0; i < 5; i++)
		(void)hm_loop_dispatch(loop, 20);
}

static void test_i3_socket(void **state)
{
	char dir[] = "/tmp/test-focus-i3-XXXXXX", path[64];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct hm_loop *loop;
	struct hm_focus_i3 *src;
	struct seen seen = {0};
	uint8_t buf[1024], req[64];
	size_t n = 0;
	int lfd, cfd;

	if (!HAVE_JSONC)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sway-ipc.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);

	assert_int_equal(hm_loop_new(&loop), 0);
	assert_int_equal(hm_focus_i3_new(loop, "sway", path, on_focus, &seen, &src), 0);
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(cfd >= 0);
	/* the subscription, then GET_TREE */
	assert_true(recv(cfd, req, sizeof(req), 0) >= 14);
	assert_memory_equal(req, "i3-ipc", 6);
	assert_int_equal(req[10], HM_I3_SUBSCRIBE);

	n += frame(buf + n, HM_I3_SUBSCRIBE, "{\"success\":true}");
	n += frame(buf + n, HM_I3_GET_TREE,
	           "{\"type\":\"root\",\"nodes\":[{\"type\":\"con\",\"focused\":true,"
	           "\"app_id\":\"alpha\",\"name\":\"one\"}]}");
	n += frame(buf + n, HM_I3_EVENT_WINDOW,
	           "{\"change\":\"focus\",\"container\":{\"type\":\"con\",\"focused\":true,"
	           "\"app_id\":\"beta\",\"name\":\"two\"}}");
	/* byte by byte: messages split anywhere */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(send(cfd, buf + i, 1, MSG_NOSIGNAL), 1);
		(void)hm_loop_dispatch(loop, 0);
	}
	pump(loop);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.app, "beta");
	assert_string_equal(seen.title, "two");

	/* the compositor goes away: no focus */
	close(cfd);
	pump(loop);
	assert_int_equal(seen.n, 3);
	assert_true(seen.none);

	/* not i3-ipc: dropped, no crash */
	hm_focus_i3_free(src);
	assert_int_equal(hm_focus_i3_new(loop, "sway", path, on_focus, &seen, &src), 0);
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(cfd >= 0);
	assert_int_equal(send(cfd, "HTTP/1.1 200 OK\r\n\r\n", 19, MSG_NOSIGNAL), 19);
	pump(loop);
	close(cfd);
	hm_focus_i3_free(src);
	hm_loop_free(loop);
	close(lfd);
	unlink(path);
	rmdir(dir);
}

/* Hyprland's event socket: a fake one where Hyprland 0.40+ puts it */
struct hseen {
	int n;
	bool none;
	char app[64], title[128];
};

static void on_hypr(void *userdata, const char *source, const struct hm_focus_window *w)
{
	struct hseen *s = userdata;

	assert_string_equal(source, "hyprland");
	s->n++;
	s->none = !w;
	snprintf(s->app, sizeof(s->app), "%s", w ? w->app_id : "");
	snprintf(s->title, sizeof(s->title), "%s", w ? w->title : "");
}

static void test_hyprland_socket(void **state)
{
	char rt[] = "/tmp/test-focus-hypr-XXXXXX", dir[64], path[96], qpath[96], req[64];
	const char *answer =
	    "{\"address\": \"0x5a1\", \"class\": \"kitty\", \"title\": \"at start\"}";
	int qfd, afd;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct hm_loop *loop;
	struct hm_focus_hyprland *src;
	struct hseen seen = {0};
	const char *text = "workspace>>2\nactivewindow>>kitty,a, b\nactivewindowv2>>5a1\n"
	                   "activewindow>>firefox,Cats - YouTube\n";
	char *big = malloc(HM_HYPR_MAX_LINE + 64);
	int lfd, cfd;

	assert_non_null(big);
	assert_non_null(mkdtemp(rt));
	snprintf(dir, sizeof(dir), "%s/hypr", rt);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/hypr/sig1", rt);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/.socket2.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	/* the request socket: j/activewindow, answered and closed */
	snprintf(qpath, sizeof(qpath), "%s/.socket.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", qpath);
	qfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(qfd >= 0);
	assert_int_equal(bind(qfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(qfd, 4), 0);
	setenv("XDG_RUNTIME_DIR", rt, 1);

	assert_int_equal(hm_loop_new(&loop), 0);
	/* a stale signature: the live one under hypr/ is found */
	assert_int_equal(hm_focus_hyprland_new(loop, "old-signature", on_hypr, &seen, &src), 0);
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(cfd >= 0);
	afd = accept4(qfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(afd >= 0);
	assert_int_equal(recv(afd, req, sizeof(req) - 1, 0), 14);
	assert_memory_equal(req, "j/activewindow", 14);
	assert_int_equal(send(afd, answer, strlen(answer), MSG_NOSIGNAL), (ssize_t)strlen(answer));
	close(afd);
	pump(loop);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.app, "kitty");
	assert_string_equal(seen.title, "at start");
	for (size_t i = 0; text[i]; i++) {
		assert_int_equal(send(cfd, text + i, 1, MSG_NOSIGNAL), 1);
		(void)hm_loop_dispatch(loop, 0);
	}
	pump(loop);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.app, "firefox");
	assert_string_equal(seen.title, "Cats - YouTube");
	/* a line longer than the limit is dropped whole; the next one counts */
	memset(big, 'x', HM_HYPR_MAX_LINE + 10);
	memcpy(big, "activewindow>>huge,", 19);
	big[HM_HYPR_MAX_LINE + 10] = '\n';
	assert_int_equal(send(cfd, big, HM_HYPR_MAX_LINE + 11, MSG_NOSIGNAL),
	                 HM_HYPR_MAX_LINE + 11);
	assert_int_equal(send(cfd, "activewindow>>,\n", 16, MSG_NOSIGNAL), 16);
	pump(loop);
	assert_int_equal(seen.n, 4);
	assert_true(seen.none); /* "activewindow>>,": no window */
	assert_int_equal(send(cfd, "activewindow>>foot,t\n", 21, MSG_NOSIGNAL), 21);
	pump(loop);
	assert_int_equal(seen.n, 5);
	/* Hyprland gone: no focus */
	close(cfd);
	pump(loop);
	assert_int_equal(seen.n, 6);
	assert_true(seen.none);

	hm_focus_hyprland_free(src);
	hm_loop_free(loop);
	close(lfd);
	close(qfd);
	unlink(path);
	unlink(qpath);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/hypr", rt);
	rmdir(dir);
	rmdir(rt);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hyprland_lines), cmocka_unit_test(test_i3_messages),
	    cmocka_unit_test(test_i3_socket),      cmocka_unit_test(test_hyprland_socket),
	    cmocka_unit_test(test_hyprland_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
