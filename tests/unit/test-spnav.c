/* SPDX-License-Identifier: MIT */
/*
 * spacenavd's client protocol (spnav-proto.h), its value processing
 * (spnav-motion.h) and the server (spnav-server.h) over a real socket.
 * Expected numbers: the protocol's layout (spacenavd 1.1 proto.h: 8-int
 * events, REQ_TAG | REQ_CHANGE_PROTO, 24-byte string chunks) and
 * spacenavd's arithmetic as observed in the VM (research note §13:
 * 100 -> 142, -120 -> -172, -1 -> -2 for a -350..350 axis; |v| < 2 -> 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "event-loop.h"
#include "spnav-motion.h"
#include "spnav-proto.h"
#include "spnav-server.h"

/* ---- the reader ---------------------------------------------------------- */

struct got {
	struct hm_spnav_msg msg[16];
	unsigned n;
};

static int collect(const struct hm_spnav_msg *m, void *userdata)
{
	struct got *g = userdata;

	if (g->n < 16)
		g->msg[g->n++] = *m;
	return 0;
}

static void test_reader(void **state)
{
	struct hm_spnav_reader r;
	struct got g = {0};
	int32_t change = HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | 1;
	float sens = 2.5f;
	int32_t req[8] = {HM_SPNAV_REQ_DEV_NAXES, 1, 2, 3, 4, 5, 6, 7};
	uint8_t bytes[4 + 4 + 32];

	hm_spnav_reader_init(&r);
	memcpy(bytes, &sens, 4);
	memcpy(bytes + 4, &change, 4);
	memcpy(bytes + 8, req, 32);
	/* one byte at a time: framing survives any split */
	for (size_t i = 0; i < sizeof(bytes); i++)
		assert_int_equal(hm_spnav_reader_feed(&r, bytes + i, 1, collect, &g), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.msg[0].kind, HM_SPNAV_MSG_SENS_V0);
	assert_true(g.msg[0].value.sens == 2.5f);
	assert_int_equal(g.msg[1].kind, HM_SPNAV_MSG_CHANGE_PROTO);
	assert_int_equal(g.msg[1].value.version, 1);
	assert_int_equal(g.msg[2].kind, HM_SPNAV_MSG_REQUEST);
	assert_int_equal(g.msg[2].value.req.type, HM_SPNAV_REQ_DEV_NAXES);
	assert_int_equal(g.msg[2].value.req.data[6], 7);

	/* a version past the daemon's: it takes 1 */
	hm_spnav_reader_init(&r);
	change = HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | 9;
	g.n = 0;
	assert_int_equal(hm_spnav_reader_feed(&r, (uint8_t *)&change, 4, collect, &g), 0);
	assert_int_equal(g.msg[0].value.version, 1);
	assert_int_equal(hm_spnav_encode_proto_answer(1),
	                 HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | 1);

	/* garbage in protocol 0: a NaN is no sensitivity */
	hm_spnav_reader_init(&r);
	sens = NAN;
	assert_int_equal(hm_spnav_reader_feed(&r, (uint8_t *)&sens, 4, collect, &g), -EBADMSG);
}

static void test_strings(void **state)
{
	struct hm_spnav_reader r;
	int32_t chunks[4][HM_SPNAV_MSG_INTS];
	const char *name = "a client name longer than twenty-four bytes";
	size_t n = hm_spnav_encode_string(chunks, 4, HM_SPNAV_REQ_SET_NAME, name);

	assert_int_equal(n, 2);
	assert_int_equal(chunks[0][7], (int32_t)strlen(name));
	assert_int_equal(chunks[1][7], (int32_t)(strlen(name) - 24) | HM_SPNAV_STR_CONT_BIT);
	hm_spnav_reader_init(&r);
	assert_int_equal(hm_spnav_reader_string(&r, &chunks[0][1]), 0);
	assert_int_equal(hm_spnav_reader_string(&r, &chunks[1][1]), 1);
	assert_string_equal(r.str, name);
	/* a continuation with nothing before it */
	hm_spnav_reader_init(&r);
	assert_int_equal(hm_spnav_reader_string(&r, &chunks[1][1]), -EBADMSG);
	/* too long */
	chunks[0][7] = HM_SPNAV_MAX_NAME + 1;
	assert_int_equal(hm_spnav_reader_string(&r, &chunks[0][1]), -EBADMSG);
	/* the empty string is one chunk */
	assert_int_equal(hm_spnav_encode_string(chunks, 4, 1, ""), 1);
	assert_int_equal(chunks[0][7], 0);
}

/* ---- the processing ------------------------------------------------------ */

static void test_motion(void **state)
{
	struct hm_spnav_device_axes d = {-350, 350, true};
	struct hm_spnav_settings s;
	int32_t st[6] = {0};
	unsigned axis;

	assert_int_equal(hm_spnav_normalise(&d, 0, 100, &axis), 142);
	assert_int_equal(axis, 0);
	/* Y and Z swapped and inverted: device Y -120 is spacenavd's -Z... */
	assert_int_equal(hm_spnav_normalise(&d, 1, -120, &axis), 172);
	assert_int_equal(axis, 2);
	assert_int_equal(hm_spnav_normalise(&d, 5, -1, &axis), 2);
	assert_int_equal(axis, 4);
	d.swap_inv_yz = false;
	assert_int_equal(hm_spnav_normalise(&d, 5, -1, &axis), -2);
	assert_int_equal(axis, 5);

	hm_spnav_settings_default(&s);
	assert_true(hm_spnav_apply(&s, 0, 1, st)); /* under the dead zone */
	assert_int_equal(st[0], 0);
	assert_true(hm_spnav_apply(&s, 0, -2, st));
	assert_int_equal(st[0], -2);

	/* sensitivity in float, truncated; invert by output axis; swap */
	s.sensitivity = 1.5f;
	s.axis_sens[2] = 0.5f;
	s.invert[2] = true;
	s.swap_yz = true;
	assert_true(hm_spnav_apply(&s, 1, 101, st)); /* Y -> Z: 101*1.5*0.5 = 75.75 */
	assert_int_equal(st[2], -75);
	s.axis_map[3] = -1;
	assert_false(hm_spnav_apply(&s, 3, 100, st));
	assert_int_equal(hm_spnav_client_scale(-75, 0.5f), -37);
	/* a client's absurd sensitivity saturates, never undefined */
	assert_int_equal(hm_spnav_client_scale(500, 1e30f), INT32_MAX);
	assert_int_equal(hm_spnav_client_scale(-500, 1e30f), INT32_MIN);
	s.sensitivity = 1e30f;
	assert_true(hm_spnav_apply(&s, 0, 100, st));
	assert_int_equal(st[0], INT32_MAX);
}

/* ---- the server over a socket --------------------------------------------- */

struct fixture {
	char dir[64], path[96];
	struct hm_loop *loop;
	struct hm_spnav_server *server;
	struct hm_spnav_device *dev;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct hm_spnav_device_desc desc = {
	    .type = 0x206,
	    .nbuttons = 2,
	    .vendor = 0x046d,
	    .product = 0xc626,
	    .name = "3Dconnexion SpaceNavigator",
	    .path = "/dev/hidraw9",
	    .axes = {-350, 350, true},
	};

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-spnav.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/spnav.sock", f->dir);
	assert_int_equal(hm_loop_new(&f->loop), 0);
	assert_int_equal(hm_spnav_server_new(f->loop, f->path, &f->server), 0);
	hm_spnav_settings_default(&desc.settings);
	f->dev = hm_spnav_server_add_device(f->server, &desc);
	assert_non_null(f->dev);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hm_spnav_server_free(f->server);
	hm_loop_free(f->loop);
	assert_int_equal(access(f->path, F_OK), -1); /* the socket file went */
	rmdir(f->dir);
	free(f);
	return 0;
}

static int connect_client(struct fixture *f)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void pump(struct fixture *f)
{
	for (int i = 0; i < 4; i++)
		(void)hm_loop_dispatch(f->loop, 10);
}

/* Reads one message of 8 ints; false when none is waiting. */
static bool read_msg(int fd, int32_t msg[8])
{
	ssize_t n = recv(fd, msg, 32, MSG_DONTWAIT);

	if (n < 0)
		return false;
	assert_int_equal(n, 32);
	return true;
}

static void test_server_events(void **state)
{
	struct fixture *f = *state;
	int fd = connect_client(f);
	int32_t msg[8], change = HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | 1, answer;
	int32_t req[8] = {HM_SPNAV_REQ_DEV_NBUTTONS};
	int axes[6] = {100, 0, 0, 0, 0, 0};

	pump(f);
	assert_int_equal(hm_spnav_server_nclients(f->server), 1);
	/* protocol 0: motion and buttons */
	hm_spnav_device_motion(f->dev, 0x01, axes);
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_EV_MOTION);
	assert_int_equal(msg[1], 142);
	hm_spnav_device_button(f->dev, 1, true);
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_EV_PRESS);
	assert_int_equal(msg[1], 1);

	/* protocol 1 and a request */
	assert_int_equal(send(fd, &change, 4, 0), 4);
	pump(f);
	assert_int_equal(recv(fd, &answer, 4, 0), 4);
	assert_int_equal(answer, change);
	assert_int_equal(send(fd, req, 32, 0), 32);
	pump(f);
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_REQ_DEV_NBUTTONS);
	assert_int_equal(msg[1], 2);
	assert_int_equal(msg[7], 0);
	/* an out-of-range dead zone axis: refused, the client stays */
	memset(req, 0, sizeof(req));
	req[0] = HM_SPNAV_REQ_SCFG_DEADZONE;
	req[1] = 6;
	assert_int_equal(send(fd, req, 32, 0), 32);
	pump(f);
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[7], -1);
	assert_int_equal(hm_spnav_server_nclients(f->server), 1);
	close(fd);
	pump(f);
	assert_int_equal(hm_spnav_server_nclients(f->server), 0);
}

/* Garbage drops the client that sent it, not the others; a client that
 * never reads is bounded and does not hold the others back. */
static void test_server_bad_clients(void **state)
{
	struct fixture *f = *state;
	int good = connect_client(f), bad = connect_client(f), lazy = connect_client(f);
	float nan_sens = NAN;
	int32_t msg[8];
	int axes[6] = {0};
	unsigned received = 0;

	pump(f);
	assert_int_equal(hm_spnav_server_nclients(f->server), 3);
	assert_int_equal(send(bad, &nan_sens, 4, 0), 4);
	pump(f);
	assert_int_equal(hm_spnav_server_nclients(f->server), 2);

	/* 3000 frames: far more than the lazy client's socket and queue hold */
	for (int i = 0; i < 3000; i++) {
		axes[0] = i % 2 ? 300 : -300;
		hm_spnav_device_motion(f->dev, 0x01, axes);
		hm_spnav_device_button(f->dev, 0, i % 2);
		while (read_msg(good, msg))
			received++;
	}
	assert_int_equal(received, 6000);
	assert_true(hm_spnav_server_dropped(f->server) > 0);
	close(good);
	close(bad);
	close(lazy);
	pump(f);
	assert_int_equal(hm_spnav_server_nclients(f->server), 0);
}

/* A client reading its events does not wake the server (EPOLLOUT is
 * watched only while a client is behind); one that fell behind gets all
 * of its queue once it reads again. */
static void test_server_write_space(void **state)
{
	struct fixture *f = *state;
	int fd = connect_client(f), waiting = 0;
	int32_t msg[8];
	unsigned received = 0, n = 400;

	pump(f);
	for (int i = 0; i < 5; i++)
		hm_spnav_device_button(f->dev, 0, i % 2);
	while (read_msg(fd, msg))
		received++;
	assert_int_equal(received, 5);
	assert_int_equal(hm_loop_dispatch(f->loop, 0), 0);

	/* more than the socket takes (278 messages of 32 bytes with Linux's
	 * default 208 KiB send buffer), fewer than it and the queue of
	 * HM_SPNAV_QUEUE; buttons, which are never coalesced */
	for (unsigned i = 0; i < n; i++)
		hm_spnav_device_button(f->dev, 0, i % 2);
	assert_int_equal(ioctl(fd, FIONREAD, &waiting), 0);
	assert_true((unsigned)waiting < n * 32); /* some wait in the queue */
	received = 0;
	for (int spins = 0; received < n && spins < 1000; spins++) {
		while (read_msg(fd, msg)) {
			assert_int_equal(msg[0],
			                 received % 2 ? HM_SPNAV_EV_PRESS : HM_SPNAV_EV_RELEASE);
			received++;
		}
		(void)hm_loop_dispatch(f->loop, 10);
	}
	assert_int_equal(received, n);
	assert_int_equal(hm_spnav_server_dropped(f->server), 0);
	/* caught up: quiet again */
	for (int i = 0; i < 3; i++)
		hm_spnav_device_button(f->dev, 0, i % 2);
	while (read_msg(fd, msg))
		received++;
	assert_int_equal(received, n + 3);
	assert_int_equal(hm_loop_dispatch(f->loop, 0), 0);
	close(fd);
	pump(f);
}

/* The link where SPNAV_SOCKET points ($XDG_RUNTIME_DIR/spnav.sock): made
 * relative to its directory, found again, removed with the server; another
 * program's file or link there is never touched. */
static void test_server_link(void **state)
{
	struct fixture *f = *state;
	char link[96], other[96], buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(link, sizeof(link), "%s/link.sock", f->dir);
	assert_int_equal(hm_spnav_link_is_ours(link, f->path), -ENOENT);
	assert_int_equal(hm_spnav_server_link(f->server, link), 0);
	n = readlink(link, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "spnav.sock");
	assert_int_equal(hm_spnav_link_is_ours(link, f->path), 1);
	assert_int_equal(hm_spnav_server_link(f->server, link), 1);
	/* a client through the link reaches the server */
	{
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", link);
		assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		pump(f);
		assert_int_equal(hm_spnav_server_nclients(f->server), 1);
		close(fd);
		pump(f);
	}
	/* freed: the socket and its link go */
	hm_spnav_server_free(f->server);
	assert_int_equal(lstat(link, &st), -1);
	assert_int_equal(hm_spnav_server_new(f->loop, f->path, &f->server), 0);

	/* another program's file: left as it is */
	fd = open(link, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(hm_spnav_link_is_ours(link, f->path), 0);
	assert_int_equal(hm_spnav_server_link(f->server, link), -EEXIST);
	hm_spnav_server_free(f->server);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode) && st.st_size == 1);
	assert_int_equal(unlink(link), 0);
	/* a link elsewhere: left too */
	assert_int_equal(hm_spnav_server_new(f->loop, f->path, &f->server), 0);
	snprintf(other, sizeof(other), "%s/elsewhere.sock", f->dir);
	assert_int_equal(symlink(other, link), 0);
	assert_int_equal(hm_spnav_server_link(f->server, link), -EEXIST);
	hm_spnav_server_free(f->server);
	n = readlink(link, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(hm_spnav_server_new(f->loop, f->path, &f->server), 0);
}

/* As spacenavd 1.1: clients get the newest device's motion and buttons
 * only; raw axis events come from every device. */
static void test_server_newest_device(void **state)
{
	struct fixture *f = *state;
	struct hm_spnav_device_desc desc = {.type = 0x20c,
	                                    .nbuttons = 2,
	                                    .vendor = 0x256f,
	                                    .product = 0xc62e,
	                                    .name = "3Dconnexion SpaceMouse Wireless",
	                                    .axes = {-350, 350, true}};
	struct hm_spnav_device *newer;
	int fd = connect_client(f);
	int32_t msg[8],
	    evmask[8] = {HM_SPNAV_REQ_SET_EVMASK, HM_SPNAV_EVMASK_MOTION | HM_SPNAV_EVMASK_RAWAXIS};
	int32_t change = HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | 1, answer;
	int axes[6] = {100, 0, 0, 0, 0, 0};

	hm_spnav_settings_default(&desc.settings);
	newer = hm_spnav_server_add_device(f->server, &desc);
	pump(f);
	assert_int_equal(send(fd, &change, 4, 0), 4);
	pump(f);
	assert_int_equal(recv(fd, &answer, 4, 0), 4);
	assert_int_equal(send(fd, evmask, 32, 0), 32);
	pump(f);
	assert_true(read_msg(fd, msg)); /* the answer */
	assert_int_equal(msg[0], HM_SPNAV_REQ_SET_EVMASK);

	hm_spnav_device_motion(f->dev, 0x01, axes); /* the older device */
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_EV_RAWAXIS);
	assert_false(read_msg(fd, msg));
	hm_spnav_device_button(f->dev, 0, true);
	assert_false(read_msg(fd, msg));

	hm_spnav_device_motion(newer, 0x01, axes);
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_EV_RAWAXIS);
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_EV_MOTION);
	assert_int_equal(msg[1], 142);
	/* the newest gone, the older one is served again */
	hm_spnav_server_remove_device(f->server, newer);
	axes[0] = -100;
	hm_spnav_device_motion(f->dev, 0x01, axes);
	assert_true(read_msg(fd, msg));
	assert_true(read_msg(fd, msg));
	assert_int_equal(msg[0], HM_SPNAV_EV_MOTION);
	assert_int_equal(msg[1], -143);
	close(fd);
	pump(f);
}

/* spnav-led = auto hears of the first client and of the last one leaving,
 * not of the ones between */
static unsigned clients_calls[8], nclients_calls;

static void on_clients(void *userdata, unsigned nclients)
{
	if (nclients_calls < 8)
		clients_calls[nclients_calls] = nclients;
	nclients_calls++;
}

static void test_server_clients_fn(void **state)
{
	struct fixture *f = *state;
	int a, b;

	nclients_calls = 0;
	hm_spnav_server_set_clients_fn(f->server, on_clients, NULL);
	a = connect_client(f);
	pump(f);
	assert_int_equal(nclients_calls, 1);
	assert_int_equal(clients_calls[0], 1);
	b = connect_client(f);
	pump(f);
	close(a);
	pump(f);
	assert_int_equal(nclients_calls, 1); /* one is still there */
	close(b);
	pump(f);
	assert_int_equal(nclients_calls, 2);
	assert_int_equal(clients_calls[1], 0);
	/* not while the server goes */
	a = connect_client(f);
	pump(f);
	assert_int_equal(nclients_calls, 3);
	hm_spnav_server_free(f->server);
	assert_int_equal(nclients_calls, 3);
	close(a);
	assert_int_equal(hm_spnav_server_new(f->loop, f->path, &f->server), 0);
}

static void test_server_max_clients(void **state)
{
	struct fixture *f = *state;
	int fds[HM_SPNAV_MAX_CLIENTS + 1];

	for (int i = 0; i <= HM_SPNAV_MAX_CLIENTS; i++) {
		fds[i] = connect_client(f);
		pump(f);
	}
	assert_int_equal(hm_spnav_server_nclients(f->server), HM_SPNAV_MAX_CLIENTS);
	for (int i = 0; i <= HM_SPNAV_MAX_CLIENTS; i++)
		close(fds[i]);
	pump(f);
	assert_int_equal(hm_spnav_server_nclients(f->server), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_motion),
	    cmocka_unit_test_setup_teardown(test_server_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_bad_clients, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_write_space, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_newest_device, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_clients_fn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_max_clients, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
