/* SPDX-License-Identifier: MIT */
/*
 * The uinput sink's device setup (hm_uinput_setup()) against a fake
 * ioctl: the requests and their arguments as linux/uinput.h defines them.
 * What the kernel makes of them is the VM scenario uinput-setup's
 * business (tests/vm/scenarios-plumbing.c).
 *
 * The sink itself on fake calls (hm_sink_uinput_new_sys()): creation on
 * its own thread, the frames kept meanwhile, removal after creation, a
 * creation that fails.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <linux/uinput.h>

#include "sink.h"
#include "util-mem.h"

#define MAX_CALLS 64

static struct {
	size_t n;
	unsigned long request[MAX_CALLS];
	uintptr_t value[MAX_CALLS]; /* the number of a UI_SET_*BIT */
	struct uinput_abs_setup abs[MAX_CALLS];
	struct uinput_setup setup;
	char phys[64];
	unsigned long fail; /* this request fails with -EINVAL */
} io;

static int fake_io(int fd, unsigned long request, void *arg)
{
	assert_int_equal(fd, 42);
	assert_true(io.n < MAX_CALLS);
	io.request[io.n] = request;
	if (request == UI_ABS_SETUP)
		io.abs[io.n] = *(const struct uinput_abs_setup *)arg;
	else if (request == UI_DEV_SETUP)
		io.setup = *(const struct uinput_setup *)arg;
	else if (request == UI_SET_PHYS)
		snprintf(io.phys, sizeof(io.phys), "%s", (const char *)arg);
	else
		io.value[io.n] = (uintptr_t)arg;
	io.n++;
	return request == io.fail ? -EINVAL : 0;
}

/* Index of the first call of request with value (SIZE_MAX: none). */
static size_t find(unsigned long request, uintptr_t value)
{
	for (size_t i = 0; i < io.n; i++)
		if (io.request[i] == request &&
		    (request == UI_DEV_SETUP || request == UI_SET_PHYS || io.value[i] == value))
			return i;
	return SIZE_MAX;
}

static void reset(void)
{
	memset(&io, 0, sizeof(io));
}

/* The DualSense Edge's motion sensor node as hid-playstation names it
 * ("%s Motion Sensors" on the HID name): 80 characters. */
static const char edge_motion[] =
    "Sony Interactive Entertainment DualSense Edge Wireless Controller Motion Sensors";

static void test_pad(void **state)
{
	struct input_absinfo stick = {.minimum = 0, .maximum = 255, .fuzz = 0, .flat = 0};
	struct input_absinfo gyro = {
	    .minimum = -32768, .maximum = 32767, .fuzz = 16, .flat = 0, .resolution = 1024};
	struct libevdev *caps = libevdev_new();
	size_t i, setup;

	assert_int_equal(strlen(edge_motion), UINPUT_MAX_NAME_SIZE);
	libevdev_set_name(caps, edge_motion);
	libevdev_set_phys(caps, "hidmapd/hidraw3/input1");
	libevdev_set_id_bustype(caps, BUS_USB);
	libevdev_set_id_vendor(caps, 0x054c);
	libevdev_set_id_product(caps, 0x0df2);
	libevdev_set_id_version(caps, 0x8111);
	libevdev_enable_property(caps, INPUT_PROP_ACCELEROMETER);
	libevdev_enable_event_code(caps, EV_KEY, BTN_SOUTH, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_X, &stick);
	libevdev_enable_event_code(caps, EV_ABS, ABS_RX, &gyro);
	libevdev_enable_event_code(caps, EV_MSC, MSC_TIMESTAMP, NULL);
	libevdev_enable_event_code(caps, EV_FF, FF_RUMBLE, NULL);
	libevdev_enable_event_code(caps, EV_FF, FF_GAIN, NULL);

	reset();
	assert_int_equal(hm_uinput_setup(42, caps, 16, fake_io), 0);

	/* types, then their codes */
	assert_true(find(UI_SET_EVBIT, EV_KEY) < find(UI_SET_KEYBIT, BTN_SOUTH));
	assert_true(find(UI_SET_EVBIT, EV_ABS) < find(UI_SET_ABSBIT, ABS_X));
	assert_true(find(UI_SET_EVBIT, EV_MSC) < find(UI_SET_MSCBIT, MSC_TIMESTAMP));
	assert_true(find(UI_SET_EVBIT, EV_FF) < find(UI_SET_FFBIT, FF_RUMBLE));
	assert_int_not_equal(find(UI_SET_FFBIT, FF_GAIN), SIZE_MAX);
	assert_int_not_equal(find(UI_SET_PROPBIT, INPUT_PROP_ACCELEROMETER), SIZE_MAX);
	assert_int_equal(find(UI_SET_PROPBIT, INPUT_PROP_POINTER), SIZE_MAX);

	/* each axis' absinfo, the resolution too, after its bit */
	i = find(UI_SET_ABSBIT, ABS_RX);
	assert_true(i + 1 < io.n);
	assert_int_equal(io.request[i + 1], UI_ABS_SETUP);
	assert_int_equal(io.abs[i + 1].code, ABS_RX);
	assert_int_equal(io.abs[i + 1].absinfo.minimum, -32768);
	assert_int_equal(io.abs[i + 1].absinfo.maximum, 32767);
	assert_int_equal(io.abs[i + 1].absinfo.fuzz, 16);
	assert_int_equal(io.abs[i + 1].absinfo.resolution, 1024);

	assert_string_equal(io.phys, "hidmapd/hidraw3/input1");

	/* UI_DEV_SETUP last: all 80 bytes of the name, no NUL needed */
	setup = find(UI_DEV_SETUP, 0);
	assert_int_equal(setup, io.n - 1);
	assert_memory_equal(io.setup.name, edge_motion, UINPUT_MAX_NAME_SIZE);
	assert_int_equal(io.setup.id.bustype, BUS_USB);
	assert_int_equal(io.setup.id.vendor, 0x054c);
	assert_int_equal(io.setup.id.product, 0x0df2);
	assert_int_equal(io.setup.id.version, 0x8111);
	assert_int_equal(io.setup.ff_effects_max, 16);

	/* no number from the module: libevdev's 10 */
	reset();
	assert_int_equal(hm_uinput_setup(42, caps, 0, fake_io), 0);
	assert_int_equal(io.setup.ff_effects_max, 10);

	/* a failing request stops the setup with its error */
	reset();
	io.fail = UI_ABS_SETUP;
	assert_int_equal(hm_uinput_setup(42, caps, 16, fake_io), -EINVAL);
	assert_int_equal(find(UI_DEV_SETUP, 0), SIZE_MAX);
	libevdev_free(caps);
}

/* No force feedback: no effects; a name past 80 characters: its first 80;
 * EV_REP: the type bit alone (uinput takes no codes for it); no phys: no
 * UI_SET_PHYS. */
static void test_keyboard(void **state)
{
	char name[128];
	struct libevdev *caps = libevdev_new();

	snprintf(name, sizeof(name), "%s and then some", edge_motion);
	libevdev_set_name(caps, name);
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_LED, LED_CAPSL, NULL);
	libevdev_enable_event_type(caps, EV_REP);
	libevdev_enable_event_code(caps, EV_REP, REP_DELAY, &(int){250});

	reset();
	assert_int_equal(hm_uinput_setup(42, caps, 16, fake_io), 0);
	assert_int_equal(io.setup.ff_effects_max, 0);
	assert_memory_equal(io.setup.name, edge_motion, UINPUT_MAX_NAME_SIZE);
	assert_int_not_equal(find(UI_SET_EVBIT, EV_REP), SIZE_MAX);
	assert_int_not_equal(find(UI_SET_LEDBIT, LED_CAPSL), SIZE_MAX);
	assert_int_equal(find(UI_SET_PHYS, 0), SIZE_MAX);
	for (size_t i = 0; i < io.n; i++)
		assert_int_not_equal(io.request[i], UI_ABS_SETUP);
	libevdev_free(caps);
}

/* ---- the sink on fake calls ---------------------------------------------- */

enum call_kind { CALL_IOCTL, CALL_WRITE, CALL_CLOSE };

struct call {
	enum call_kind kind;
	unsigned long request; /* CALL_IOCTL */
	struct input_event ev; /* CALL_WRITE: one per event */
	bool on_caller;        /* made on the test's thread */
};

#define MAX_SYS_CALLS 8192

static struct {
	pthread_mutex_t lock;
	pthread_cond_t gate_cond;
	pthread_t caller;
	bool gate_open;        /* UI_DEV_CREATE waits for it */
	int create_result;     /* what UI_DEV_CREATE returns */
	bool node_found;       /* what node() says */
	size_t ncreates_begun; /* UI_DEV_CREATE entered */
	size_t n;
	struct call calls[MAX_SYS_CALLS];
} sys = {.lock = PTHREAD_MUTEX_INITIALIZER, .gate_cond = PTHREAD_COND_INITIALIZER};

static void sys_record(struct call c)
{
	c.on_caller = pthread_equal(pthread_self(), sys.caller);
	assert_true(sys.n < MAX_SYS_CALLS);
	sys.calls[sys.n++] = c;
}

static int sys_open(void)
{
	return 42;
}

static int sys_ioctl(int fd, unsigned long request, void *arg)
{
	int r = 0;

	assert_int_equal(fd, 42);
	pthread_mutex_lock(&sys.lock);
	if (request == UI_DEV_CREATE) {
		sys.ncreates_begun++;
		while (!sys.gate_open)
			pthread_cond_wait(&sys.gate_cond, &sys.lock);
		r = sys.create_result;
	}
	/* the setup's bits are hm_uinput_setup()'s test; the rest here */
	if (request == UI_DEV_CREATE || request == UI_DEV_DESTROY)
		sys_record((struct call){.kind = CALL_IOCTL, .request = request});
	pthread_mutex_unlock(&sys.lock);
	return r;
}

static ssize_t sys_write(int fd, const void *buf, size_t len)
{
	const struct input_event *ev = buf;

	assert_int_equal(fd, 42);
	assert_int_equal(len % sizeof(*ev), 0);
	pthread_mutex_lock(&sys.lock);
	for (size_t i = 0; i < len / sizeof(*ev); i++)
		sys_record((struct call){.kind = CALL_WRITE, .ev = ev[i]});
	pthread_mutex_unlock(&sys.lock);
	return (ssize_t)len;
}

static void sys_close(int fd)
{
	assert_int_equal(fd, 42);
	pthread_mutex_lock(&sys.lock);
	sys_record((struct call){.kind = CALL_CLOSE});
	pthread_mutex_unlock(&sys.lock);
}

static bool sys_node(int fd, char *buf, size_t size)
{
	bool found;

	pthread_mutex_lock(&sys.lock);
	found = sys.node_found;
	pthread_mutex_unlock(&sys.lock);
	if (found)
		snprintf(buf, size, "/dev/input/event7");
	return found;
}

static const struct hm_uinput_sys fake_sys = {
    .open = sys_open,
    .ioctl = sys_ioctl,
    .write = sys_write,
    .close = sys_close,
    .node = sys_node,
};

static void sys_reset(bool gate_open)
{
	pthread_mutex_lock(&sys.lock);
	sys.caller = pthread_self();
	sys.gate_open = gate_open;
	sys.create_result = 0;
	sys.node_found = true;
	sys.ncreates_begun = 0;
	sys.n = 0;
	pthread_mutex_unlock(&sys.lock);
}

static void gate_open(void)
{
	pthread_mutex_lock(&sys.lock);
	sys.gate_open = true;
	pthread_cond_broadcast(&sys.gate_cond);
	pthread_mutex_unlock(&sys.lock);
}

/* Waits (≤ 5 s) until the worker is inside UI_DEV_CREATE. */
static void wait_create_begun(void)
{
	for (int i = 0; i < 5000; i++) {
		size_t n;

		pthread_mutex_lock(&sys.lock);
		n = sys.ncreates_begun;
		pthread_mutex_unlock(&sys.lock);
		if (n)
			return;
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
	fail_msg("UI_DEV_CREATE never began");
}

static struct libevdev *key_caps(void)
{
	struct libevdev *caps = libevdev_new();

	libevdev_set_name(caps, "fake \x1b keyboard");
	libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
	libevdev_enable_event_code(caps, EV_KEY, KEY_B, NULL);
	return caps;
}

/* One frame: code pressed (value) and SYN_REPORT; raw is what is written. */
static void key_frame(struct hm_sink *sink, void *h, unsigned code, int value)
{
	struct input_event ev[2] = {
	    {.type = EV_KEY, .code = (uint16_t)code, .value = 99},
	    {.type = EV_SYN, .code = SYN_REPORT},
	};
	int raw[2] = {value, 0};

	sink->ops->frame(sink, h, ev, raw, 2);
}

/* The write calls' events from index from on, checked against (code,
 * value) pairs with a SYN_REPORT after each; returns the next index. */
static size_t expect_frames(size_t from, const unsigned (*frames)[2], size_t nframes,
                            bool on_caller)
{
	size_t i = from;

	for (size_t f = 0; f < nframes; f++) {
		assert_true(i + 1 < sys.n);
		assert_int_equal(sys.calls[i].kind, CALL_WRITE);
		assert_int_equal(sys.calls[i].ev.type, EV_KEY);
		assert_int_equal(sys.calls[i].ev.code, frames[f][0]);
		assert_int_equal(sys.calls[i].ev.value, (int)frames[f][1]);
		assert_int_equal(sys.calls[i].on_caller, on_caller);
		assert_int_equal(sys.calls[i + 1].kind, CALL_WRITE);
		assert_int_equal(sys.calls[i + 1].ev.type, EV_SYN);
		i += 2;
	}
	return i;
}

/* add_device returns while UI_DEV_CREATE waits; the frames written
 * meanwhile reach the device after it, in order, from the worker; then
 * the caller writes itself; the node is known once created; removal runs
 * after. */
static void test_create_async(void **state)
{
	static const unsigned before[][2] = {{KEY_A, 1}, {KEY_B, 1}, {KEY_A, 0}};
	static const unsigned after[][2] = {{KEY_B, 0}};
	struct libevdev *caps = key_caps();
	struct hm_sink *sink = hm_sink_uinput_new_sys(&fake_sys);
	void *h = NULL;
	char node[64];
	size_t i;

	sys_reset(false);
	assert_int_equal(sink->ops->add_device(sink, caps, 0, &h), 0);
	assert_non_null(h);
	assert_int_equal(sink->ops->get_fd(sink, h), 42);
	wait_create_begun();
	assert_false(sink->ops->node_name(sink, h, node, sizeof(node)));
	for (size_t f = 0; f < ARRAY_SIZE(before); f++)
		key_frame(sink, h, before[f][0], (int)before[f][1]);
	pthread_mutex_lock(&sys.lock);
	assert_int_equal(sys.n, 0); /* nothing written before the creation */
	pthread_mutex_unlock(&sys.lock);

	gate_open();
	for (int t = 0; t < 5000 && !sink->ops->node_name(sink, h, node, sizeof(node)); t++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	assert_true(sink->ops->node_name(sink, h, node, sizeof(node)));
	assert_string_equal(node, "/dev/input/event7");
	key_frame(sink, h, after[0][0], (int)after[0][1]);
	sink->ops->remove_device(sink, h);
	hm_sink_uinput_free(sink);

	assert_int_equal(sys.calls[0].kind, CALL_IOCTL);
	assert_int_equal(sys.calls[0].request, UI_DEV_CREATE);
	assert_false(sys.calls[0].on_caller);
	i = expect_frames(1, before, ARRAY_SIZE(before), false);
	i = expect_frames(i, after, ARRAY_SIZE(after), true);
	assert_int_equal(i + 2, sys.n);
	assert_int_equal(sys.calls[i].request, UI_DEV_DESTROY);
	assert_false(sys.calls[i].on_caller);
	assert_int_equal(sys.calls[i + 1].kind, CALL_CLOSE);
	libevdev_free(caps);
}

/* A device removed while it is being created: its frames (the releases
 * written at removal) are written, then it is destroyed; the sink's free
 * waits for all that. */
static void test_remove_while_creating(void **state)
{
	static const unsigned frames[][2] = {{KEY_A, 1}, {KEY_A, 0}};
	struct libevdev *caps = key_caps();
	struct hm_sink *sink = hm_sink_uinput_new_sys(&fake_sys);
	void *h1 = NULL, *h2 = NULL;
	size_t i;

	sys_reset(false);
	assert_int_equal(sink->ops->add_device(sink, caps, 0, &h1), 0);
	assert_int_equal(sink->ops->add_device(sink, caps, 0, &h2), 0);
	key_frame(sink, h1, KEY_A, 1);
	key_frame(sink, h1, KEY_A, 0);
	sink->ops->remove_device(sink, h1);
	sink->ops->remove_device(sink, h2);
	gate_open();
	hm_sink_uinput_free(sink);

	/* h1: created, its frames, destroyed; h2: created, destroyed */
	assert_int_equal(sys.n, 1 + 4 + 2 + 1 + 2);
	assert_int_equal(sys.calls[0].request, UI_DEV_CREATE);
	i = expect_frames(1, frames, ARRAY_SIZE(frames), false);
	assert_int_equal(sys.calls[i].request, UI_DEV_CREATE);
	assert_int_equal(sys.calls[i + 1].request, UI_DEV_DESTROY);
	assert_int_equal(sys.calls[i + 2].kind, CALL_CLOSE);
	assert_int_equal(sys.calls[i + 3].request, UI_DEV_DESTROY);
	assert_int_equal(sys.calls[i + 4].kind, CALL_CLOSE);
	for (size_t k = 0; k < sys.n; k++)
		assert_false(sys.calls[k].on_caller);
	libevdev_free(caps);
}

static void *open_gate_later(void *data)
{
	nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	gate_open();
	return NULL;
}

/* Past HM_UINPUT_PENDING_MAX events the caller waits for the creation:
 * every frame arrives, in order. */
static void test_pending_bound(void **state)
{
	const size_t nframes = HM_UINPUT_PENDING_MAX; /* 2 events each */
	struct libevdev *caps = key_caps();
	struct hm_sink *sink = hm_sink_uinput_new_sys(&fake_sys);
	void *h = NULL;
	pthread_t t;
	size_t from_worker = 0;

	sys_reset(false);
	assert_int_equal(sink->ops->add_device(sink, caps, 0, &h), 0);
	assert_int_equal(pthread_create(&t, NULL, open_gate_later, NULL), 0);
	for (size_t f = 0; f < nframes; f++)
		key_frame(sink, h, KEY_A, (int)(f & 1));
	pthread_join(t, NULL);
	sink->ops->remove_device(sink, h);
	hm_sink_uinput_free(sink);

	assert_int_equal(sys.n, 1 + 2 * nframes + 2);
	for (size_t f = 0; f < nframes; f++) {
		const struct call *c = &sys.calls[1 + 2 * f];

		assert_int_equal(c->ev.code, KEY_A);
		assert_int_equal(c->ev.value, (int)(f & 1));
		assert_int_equal(c[1].ev.type, EV_SYN);
		from_worker += !c->on_caller;
	}
	/* at most the bound's worth was kept and written by the worker (all of
	 * it unless this thread was slower than the 100 ms) */
	assert_true(from_worker >= 1 && from_worker <= HM_UINPUT_PENDING_MAX / 2);
	libevdev_free(caps);
}

/* A creation that fails (UI_DEV_CREATE, or no event node): the frames are
 * dropped, no node, the fd closed at removal, no crash. */
static void test_create_fails(void **state)
{
	struct libevdev *caps = key_caps();
	char node[64];

	for (int no_node = 0; no_node <= 1; no_node++) {
		struct hm_sink *sink = hm_sink_uinput_new_sys(&fake_sys);
		void *h = NULL;

		sys_reset(false);
		if (no_node)
			sys.node_found = false;
		else
			sys.create_result = -EINVAL;
		assert_int_equal(sink->ops->add_device(sink, caps, 0, &h), 0);
		key_frame(sink, h, KEY_A, 1);
		gate_open();
		key_frame(sink, h, KEY_A, 0);
		assert_false(sink->ops->node_name(sink, h, node, sizeof(node)));
		sink->ops->remove_device(sink, h);
		hm_sink_uinput_free(sink);

		assert_int_equal(sys.calls[0].request, UI_DEV_CREATE);
		/* no node: the device made is destroyed at once */
		assert_int_equal(sys.n, no_node ? 3 : 2);
		if (no_node)
			assert_int_equal(sys.calls[1].request, UI_DEV_DESTROY);
		assert_int_equal(sys.calls[sys.n - 1].kind, CALL_CLOSE);
	}
	libevdev_free(caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pad),           cmocka_unit_test(test_keyboard),
	    cmocka_unit_test(test_create_async),  cmocka_unit_test(test_remove_while_creating),
	    cmocka_unit_test(test_pending_bound), cmocka_unit_test(test_create_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
