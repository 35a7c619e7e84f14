/* SPDX-License-Identifier: MIT */
/*
 * Runs inside the test VM (run-vm.sh): the report path under faults, and
 * its latency benchmark against the kernel, interception-tools and keyd.
 *
 *   report-path SCENARIO HIDMAPD TMPDIR [KEYD]
 *
 * Scenarios (functional checks with generous bounds, never performance
 * assertions; each prints what it measured):
 *   overflow-release  the daemon is stopped (SIGSTOP) while a keyboard sends
 *                     200 reports, more than the kernel's buffer of 63
 *                     holds; after it continues, a release sent 3 s later
 *                     arrives and no key is left down.
 *   stall-burst       a held BTN_LEFT, 300 drag reports and the release,
 *                     all during a stall (SIGSTOP): the kernel drops the
 *                     release, the daemon sees the full buffer and asks the
 *                     mouse for its state (GET_REPORT Input): the button is
 *                     up at the end.
 *   mute-feature      a mouse that never answers feature requests (its
 *                     Resolution Multiplier) next to a keyboard: the
 *                     keyboard's reports keep arriving within 50 ms while
 *                     the mouse is `initializing`, and the watchdog pings
 *                     (WATCHDOG_USEC=2s) keep coming at their period.
 *   silent-plug       issue 26: silent uhid mice (no GET/SET_REPORT answer)
 *                     at the start and plugged while a keyboard types: first
 *                     watchdog ping within 1 s of READY=1, every key event
 *                     arrives (none stuck) within 50 ms of the worst before,
 *                     an open waiting in the kernel shows "opening".
 *   unplug-pending    issue 26: a silent mouse unplugged while its request
 *                     waits: its node closed, the keyboard unaffected.
 *   control-flood     issue 26: blank lines, 1000 reloads in one write, 64
 *                     idle connections: `status` within 50 ms of its worst
 *                     before, the keyboard unaffected, 1000 answers.
 *   mute-overflow     issue 26: a keyboard that answers no GET_REPORT, its
 *                     release lost to the kernel's full buffer: released.
 *   reload-limits     issue 26: a reload of 256 files x 256 sections while a
 *                     keyboard types: no report more than 50 ms later than
 *                     the worst before.
 *   flood-fairness    a keyboard's p99 latency idle and while another
 *                     device floods: at most 2x the idle value (plus 2 ms
 *                     of slack for the emulated CPU's timer granularity).
 *   bench             the benchmark (bench-latency.sh runs it): p50/p90/p99
 *                     of the kernel's own node, hidmapd, interception-tools
 *                     and keyd (KEYD, optional) for 3 rounds x 1000 presses
 *                     of `a` mapped to `b`; then CPU per device at 1 kHz,
 *                     wake-ups per second with 4 idle devices and the
 *                     highest report rate without loss with 16 devices.
 *                     HIDMAPD_BENCH_FLOOR=plain,echo,block (or all) adds
 *                     hidraw floors, HIDMAPD_BENCH_B=PATH a second hidmapd
 *                     build (hidmapd-b), each on a keyboard of its own.
 *   filter-a-b        (internal) interception-tools filter: KEY_A -> KEY_B
 *                     on stdin/stdout.
 *   hidraw-floor HIDRAW EVNODE plain|echo|block
 *                     (internal) the bench's hidraw floor: reads HIDRAW and
 *                     writes KEY_B to uinput with no decoding at all.
 *
 * Exit 0 pass, 77 skip (no uhid/uinput), 1 fail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev-uinput.h>
#include <libudev.h>
#include <linux/hidraw.h>
#include <linux/input.h>
#include <linux/uhid.h>
#include <linux/uinput.h>
#include <sys/epoll.h>

#include "control.h"
#include "hid-recording.h"
#include "uhid-util.h"
#include "util-mem.h"
#include "util-strings.h"
#include "vm-harness.h"

#define VID              0x1209
#define BIND_TIMEOUT_MS  60000
#define EVENT_TIMEOUT_MS 2000

static const char *hidmapd, *tmpdir, *keyd, *self;
static struct udev *udev;
static struct udev_monitor *hid_monitor;

/* vm-harness.h's vm_fail() and vm_note() (without a prefix: vm_scenario is
 * not set here), under the short names the call sites use */
#define fail(...) vm_fail(__VA_ARGS__)
#define note(...) vm_note(__VA_ARGS__)

static void sleep_us(uint64_t us)
{
	struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- descriptors ----------------------------------------------------------- */

/* HID 1.11 Appendix B.1 boot keyboard with report ID 1 (no LEDs):
 * [1, modifiers, reserved, 6 key slots] */
static const uint8_t keyboard_rdesc[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00,
    0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x06,
    0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
};
#define KBD_REPORT 9
#define HID_KEY_A  0x04

/* HID 1.11 Appendix E.10 boot mouse with report ID 2: [2, buttons, X, Y] */
static const uint8_t mouse_rdesc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x01, 0xa1, 0x00, 0x05,
    0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01,
    0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09,
    0x31, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06, 0xc0, 0xc0,
};
#define MOUSE_REPORT 4

/* A mouse whose wheel has a Resolution Multiplier (feature report 0x12)
 * in its logical collection; input report 0x11 (tests/unit/test-generic.c
 * has the same one). */
static const uint8_t multiplier_rdesc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x05, 0x01, 0x09, 0x02, 0xa1, 0x02, 0x85, 0x11, 0x09,
    0x01, 0xa1, 0x00, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x95, 0x03, 0x75, 0x01, 0x25, 0x01,
    0x81, 0x02, 0x95, 0x01, 0x81, 0x01, 0x09, 0x05, 0x81, 0x02, 0x95, 0x03, 0x81, 0x01, 0x05,
    0x01, 0x09, 0x30, 0x09, 0x31, 0x95, 0x02, 0x75, 0x08, 0x15, 0x81, 0x25, 0x7f, 0x81, 0x06,
    0xa1, 0x02, 0x85, 0x12, 0x09, 0x48, 0x95, 0x01, 0x75, 0x02, 0x15, 0x00, 0x25, 0x01, 0x35,
    0x01, 0x45, 0x04, 0xb1, 0x02, 0x35, 0x00, 0x45, 0x00, 0x75, 0x06, 0xb1, 0x01, 0x85, 0x11,
    0x09, 0x38, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x81, 0x06, 0xc0, 0x05, 0x0c, 0x75, 0x08,
    0x0a, 0x38, 0x02, 0x81, 0x06, 0xc0, 0xc0, 0xc0,
};

/* ---- uhid devices with a service thread ------------------------------------- */

struct vdev {
	int fd;
	uint16_t pid;
	char name[64];
	char hidraw[32];    /* hidrawN */
	char kernel_ev[64]; /* the kernel's own /dev/input/eventN (first) */
	char *syspath;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t lock;
	uint8_t state[256][16]; /* last input report per ID, for GET_REPORT */
	size_t state_size[256];
	bool mute; /* answer no GET/SET_REPORT */
	atomic_uint get_reports, set_reports;
};

static void *vdev_service(void *arg)
{
	struct vdev *v = arg;

	while (!atomic_load(&v->stop)) {
		struct pollfd p = {.fd = v->fd, .events = POLLIN};
		struct uhid_event ev, reply;

		if (poll(&p, 1, 100) <= 0)
			continue;
		while (read(v->fd, &ev, sizeof(ev)) > 0) {
			memset(&reply, 0, sizeof(reply));
			if (ev.type == UHID_GET_REPORT) {
				atomic_fetch_add(&v->get_reports, 1);
				if (v->mute)
					continue;
				reply.type = UHID_GET_REPORT_REPLY;
				reply.u.get_report_reply.id = ev.u.get_report.id;
				pthread_mutex_lock(&v->lock);
				if (ev.u.get_report.rtype == UHID_INPUT_REPORT &&
				    v->state_size[ev.u.get_report.rnum]) {
					size_t n = v->state_size[ev.u.get_report.rnum];

					memcpy(reply.u.get_report_reply.data,
					       v->state[ev.u.get_report.rnum], n);
					reply.u.get_report_reply.size = (uint16_t)n;
				} else {
					reply.u.get_report_reply.err = EIO;
				}
				pthread_mutex_unlock(&v->lock);
				(void)vm_uhid_send(v->fd, &reply);
			} else if (ev.type == UHID_SET_REPORT) {
				atomic_fetch_add(&v->set_reports, 1);
				if (v->mute)
					continue;
				reply.type = UHID_SET_REPORT_REPLY;
				reply.u.set_report_reply.id = ev.u.set_report.id;
				(void)vm_uhid_send(v->fd, &reply);
			}
		}
	}
	return NULL;
}

static void vdev_free(struct vdev *v)
{
	if (!v)
		return;
	if (v->thread) {
		atomic_store(&v->stop, true);
		pthread_join(v->thread, NULL);
	}
	if (v->fd >= 0) {
		(void)vm_uhid_destroy(v->fd);
		close(v->fd);
	}
	free(v->syspath);
	free(v);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(struct vdev *, vdev_free);

static int vdev_new(const char *name, const uint8_t *rdesc, size_t rdesc_size, uint16_t pid,
                    bool mute, struct vdev **ret)
{
	_cleanup_(vdev_freep) struct vdev *v = zalloc(sizeof(*v));
	struct hm_recording rec = {0};
	struct vm_uhid_stats st = {0};
	struct vm_evnode nodes[4];
	size_t n = 0;
	int r;

	if (!v)
		return fail("out of memory");
	v->fd = -1;
	v->pid = pid;
	v->mute = mute;
	pthread_mutex_init(&v->lock, NULL);
	snprintf(v->name, sizeof(v->name), "%s", name);
	rec.name = v->name;
	rec.phys = (char *)"hidmapd-vm-report-path";
	rec.bus = 0x03;
	rec.vendor = VID;
	rec.product = pid;
	rec.has_info = true;
	rec.rdesc = (uint8_t *)rdesc;
	rec.rdesc_size = rdesc_size;

	v->fd = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0)
		return fail("/dev/uhid: %s", strerror(errno));
	r = vm_uhid_create(v->fd, &rec, "hidmapd-vm-report-path");
	if (r < 0)
		return fail("%s: UHID_CREATE2: %s", name, strerror(-r));
	r = vm_uhid_wait_bound(hid_monitor, -1, v->fd, &rec, BIND_TIMEOUT_MS, &st, false, NULL,
	                       NULL, &v->syspath);
	if (r < 0)
		return fail("%s: hid-generic did not bind: %s", name, strerror(-r));
	r = vm_find_hidraw(v->syspath, v->hidraw, sizeof(v->hidraw));
	if (r < 0)
		return fail("%s: no hidraw node: %s", name, strerror(-r));
	if (vm_find_event_nodes(v->syspath, nodes, 4, &n) == 0 && n > 0)
		snprintf(v->kernel_ev, sizeof(v->kernel_ev), "%s", nodes[0].devnode);
	vm_evnodes_close(nodes, n);
	if (pthread_create(&v->thread, NULL, vdev_service, v) != 0)
		return fail("pthread_create failed");
	*ret = steal(&v);
	return 0;
}

/* Sends one input report (data[0] its ID) and keeps it as the state that
 * GET_REPORT answers. */
static int vdev_input(struct vdev *v, const uint8_t *data, size_t size)
{
	pthread_mutex_lock(&v->lock);
	memcpy(v->state[data[0]], data, size);
	v->state_size[data[0]] = size;
	pthread_mutex_unlock(&v->lock);
	return vm_uhid_input(v->fd, data, size);
}

static int kbd_key(struct vdev *v, uint8_t usage)
{
	uint8_t r[KBD_REPORT] = {1, 0, 0, usage};

	return vdev_input(v, r, sizeof(r));
}

static int mouse_report(struct vdev *v, uint8_t buttons, int8_t x, int8_t y)
{
	uint8_t r[MOUSE_REPORT] = {2, buttons, (uint8_t)x, (uint8_t)y};

	return vdev_input(v, r, sizeof(r));
}

/* ---- the tools' output nodes ----------------------------------------------- */

/* /dev/input/eventN of a virtual (uinput) input device whose name is
 * name (NULL: any) and whose phys starts with phys (NULL: any). */
static bool find_virtual(const char *name, const char *phys, char *buf, size_t size)
{
	glob_t g;
	bool found = false;

	if (glob("/sys/devices/virtual/input/input*/event*", 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		char path[PATH_MAX], attr[PATH_MAX + 16], *slash;

		snprintf(path, sizeof(path), "%s", g.gl_pathv[i]);
		slash = strrchr(path, '/');
		*slash = '\0';
		if (name) {
			snprintf(attr, sizeof(attr), "%s/name", path);
			vm_read_attr(attr, attr, sizeof(attr));
			if (!streq(attr, name))
				continue;
		}
		if (phys) {
			snprintf(attr, sizeof(attr), "%s/phys", path);
			vm_read_attr(attr, attr, sizeof(attr));
			if (!startswith(attr, phys))
				continue;
		}
		snprintf(buf, size, "/dev/input/%s", slash + 1);
		found = true;
	}
	globfree(&g);
	return found;
}

static int wait_virtual(const char *name, const char *phys, char *buf, size_t size)
{
	for (int i = 0; i < 300; i++) {
		if (find_virtual(name, phys, buf, size))
			return 0;
		sleep_us(50000);
	}
	return fail("no output device %s%s%s appeared", name ? name : "", phys ? " with phys " : "",
	            phys ? phys : "");
}

static int open_events(const char *node)
{
	int fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int clk = CLOCK_MONOTONIC;

	if (fd < 0)
		return fail("%s: %s", node, strerror(errno));
	if (ioctl(fd, EVIOCSCLOCKID, &clk) < 0)
		return fail("%s: EVIOCSCLOCKID: %s", node, strerror(errno));
	return fd;
}

/* Waits for type/code/value on fd; returns its time (CLOCK_MONOTONIC us)
 * or 0 on timeout.  Other events are skipped. */
static uint64_t wait_event(int fd, unsigned type, unsigned code, int value, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000;

	for (;;) {
		struct input_event ev[64];
		struct pollfd p = {.fd = fd, .events = POLLIN};
		uint64_t now = vm_now_us();
		ssize_t n;

		if (now >= deadline)
			return 0;
		if (poll(&p, 1, (int)((deadline - now) / 1000) + 1) <= 0)
			continue;
		n = read(fd, ev, sizeof(ev));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			if (ev[i].type == type && ev[i].code == code && ev[i].value == value)
				return (uint64_t)ev[i].input_event_sec * 1000000u +
				       (uint64_t)ev[i].input_event_usec;
	}
}

static void drain(int fd)
{
	struct input_event ev[64];

	while (read(fd, ev, sizeof(ev)) > 0)
		;
}

/* ---- processes --------------------------------------------------------------- */

static char notify_path[PATH_MAX];
static unsigned watchdog_usec;

static pid_t spawn_hidmapd_binary(const char *binary, const char *runtime_dir, const char *label,
                                  const char *config_body);

static pid_t spawn_hidmapd(const char *label, const char *config_body)
{
	return spawn_hidmapd_binary(hidmapd, NULL, label, config_body);
}

/* binary instead of HIDMAPD (the bench's second build), with its own
 * XDG_RUNTIME_DIR (runtime_dir, NULL: the caller's) for its control socket */
static pid_t spawn_hidmapd_binary(const char *binary, const char *runtime_dir, const char *label,
                                  const char *config_body)
{
	char config[PATH_MAX], log[PATH_MAX];
	FILE *f;
	pid_t pid;

	snprintf(config, sizeof(config), "%s/%s.ini", tmpdir, label);
	snprintf(log, sizeof(log), "%s/%s.hidmapd.log", tmpdir, label);
	f = fopen(config, "we");
	if (!f)
		return fail("%s: %s", config, strerror(errno));
	fputs(config_body, f);
	fclose(f);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		if (runtime_dir) {
			mkdir(runtime_dir, 0700);
			setenv("XDG_RUNTIME_DIR", runtime_dir, 1);
		}
		if (notify_path[0]) {
			char v[32];

			setenv("NOTIFY_SOCKET", notify_path, 1);
			snprintf(v, sizeof(v), "%u", watchdog_usec);
			setenv("WATCHDOG_USEC", v, 1);
			snprintf(v, sizeof(v), "%d", (int)getpid());
			setenv("WATCHDOG_PID", v, 1);
		}
		if (getenv("HIDMAPD_BENCH_STRACE")) {
			char out[PATH_MAX];

			snprintf(out, sizeof(out), "%s/%s.strace", tmpdir, label);
			execl("/usr/bin/strace", "strace", "-f", "-tt", "-T", "-o", out, binary,
			      "run", "--config", config, (char *)NULL);
		}
		execl(binary, "hidmapd", "run", "--config", config, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGCONT);
	kill(pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		sleep_us(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static void kill_group(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	for (int i = 0; i < 60; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		sleep_us(50000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &status, WNOHANG);
	sleep_us(200000);
}

/* `hidmapd status` into buf. */
static int hidmapd_status(char *buf, size_t size)
{
	char cmd[PATH_MAX + 32];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "%s status 2>&1", hidmapd);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	pclose(p);
	return 0;
}

/* A counter from the status block of /dev/<hidraw>: "word N". */
static long status_counter(const char *status, const char *hidraw, const char *word)
{
	char dev[64], key[64];
	const char *p, *end, *w;

	snprintf(dev, sizeof(dev), "device /dev/%s ", hidraw);
	p = strstr(status, dev);
	if (!p)
		return -1;
	end = strstr(p + 1, "\ndevice ");
	snprintf(key, sizeof(key), " %s ", word);
	w = strstr(p, key);
	if (!w || (end && w > end))
		return -1;
	return strtol(w + strlen(key), NULL, 10);
}

static bool status_says(const char *status, const char *hidraw, const char *what)
{
	char dev[64];
	const char *p, *end, *w;

	snprintf(dev, sizeof(dev), "device /dev/%s ", hidraw);
	p = strstr(status, dev);
	if (!p)
		return false;
	end = strstr(p + 1, "\ndevice ");
	w = strstr(p, what);
	return w && (!end || w < end);
}

static char *kbd_config(char *buf, size_t size, const struct vdev *const *kbds, size_t n,
                        bool remap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len,
		                        "[device d%zu]\nmatch = %04x:%04x\n\n%s", i, VID,
		                        kbds[i]->pid, remap ? "" : "");
	if (remap)
		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(buf + len, size - len,
			                        "[remap d%zu]\nKEY_A = KEY_B\n\n", i);
	return buf;
}

/* ---- latency ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *sorted, size_t n, unsigned permille)
{
	size_t i = (n * permille + 999) / 1000;

	return n ? sorted[i ? i - 1 : 0] : 0;
}

/*
 * Presses and releases `a` n times on kbd; each report's latency is the
 * time of the expected event on out (its evdev timestamp, CLOCK_MONOTONIC)
 * minus the time just before the report was written to uhid.  samples gets
 * 2n values (press and release), sorted.  Returns the count, or -1 when
 * an event did not arrive.
 */
static long measure(struct vdev *kbd, int out, unsigned code, unsigned n, uint64_t *samples)
{
	size_t k = 0;

	drain(out);
	for (unsigned i = 0; i < n; i++) {
		for (int value = 1; value >= 0; value--) {
			uint64_t t0 = vm_now_us(), t;

			if (kbd_key(kbd, value ? HID_KEY_A : 0) < 0)
				return fail("uhid input failed");
			t = wait_event(out, EV_KEY, code, value, EVENT_TIMEOUT_MS);
			if (!t)
				return fail("%s %d did not arrive (report %u)",
				            libevdev_event_code_get_name(EV_KEY, code), value, i);
			samples[k++] = t > t0 ? t - t0 : 0;
			/* a little jitter, so the reports do not lock onto a tick */
			sleep_us(500 + (uint64_t)(rand() % 1000));
		}
	}
	qsort(samples, k, sizeof(*samples), cmp_u64);
	return (long)k;
}

/* ---- scenarios ------------------------------------------------------------------- */

static int keys_down(int fd)
{
	uint8_t bits[KEY_MAX / 8 + 1] = {0};
	int n = 0;

	if (ioctl(fd, EVIOCGKEY(sizeof(bits)), bits) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(bits); i++)
		n += __builtin_popcount(bits[i]);
	return n;
}

static int scenario_overflow_release(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL;
	char cfg[512], node[64], phys[64];
	pid_t pid;
	int out, r = 0;
	uint64_t t;

	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0101, false,
	             &kbd) < 0)
		return 1;
	pid = spawn_hidmapd("overflow-release",
	                    kbd_config(cfg, sizeof(cfg), (const struct vdev *[]){kbd}, 1, true));
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0) {
		stop(pid);
		return 1;
	}
	/* the loop is late: 200 reports, the kernel keeps 63 */
	kill(pid, SIGSTOP);
	for (int i = 0; i < 100; i++) {
		kbd_key(kbd, HID_KEY_A);
		kbd_key(kbd, 0);
	}
	kbd_key(kbd, HID_KEY_A); /* ends pressed: this one is dropped by the kernel */
	kill(pid, SIGCONT);
	sleep_us(3000000);
	note("after the overflow: %d key(s) down on %s", keys_down(out), node);
	drain(out);
	/* the release, 3 s later, arrives */
	kbd_key(kbd, 0);
	t = wait_event(out, EV_KEY, KEY_B, 0, 3000);
	if (!t && keys_down(out) != 0)
		r = fail("the release sent after the overflow did not arrive (KEY_B still down)");
	else if (keys_down(out) != 0)
		r = fail("%d key(s) left down", keys_down(out));
	else
		note("the release sent 3 s after the overflow arrived; no key down");
	{
		char st[4096];

		hidmapd_status(st, sizeof(st));
		note("status: overflows %ld resyncs %ld reports %ld",
		     status_counter(st, kbd->hidraw, "overflows"),
		     status_counter(st, kbd->hidraw, "resyncs"),
		     status_counter(st, kbd->hidraw, "reports"));
	}
	close(out);
	stop(pid);
	return r < 0;
}

static int scenario_stall_burst(void)
{
	_cleanup_(vdev_freep) struct vdev *mouse = NULL;
	char cfg[512], node[64], phys[64], st[4096];
	pid_t pid;
	int out, r = 0;
	uint8_t bits[KEY_MAX / 8 + 1];

	if (vdev_new("report-path mouse", mouse_rdesc, sizeof(mouse_rdesc), 0x0102, false, &mouse) <
	    0)
		return 1;
	snprintf(cfg, sizeof(cfg), "[device m]\nmatch = %04x:%04x\n", VID, mouse->pid);
	pid = spawn_hidmapd("stall-burst", cfg);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", mouse->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0) {
		stop(pid);
		return 1;
	}
	mouse_report(mouse, 1, 0, 0);
	if (!wait_event(out, EV_KEY, BTN_LEFT, 1, EVENT_TIMEOUT_MS)) {
		stop(pid);
		return fail("BTN_LEFT press did not arrive");
	}
	/* a stall: 300 drag reports and the release, more than the kernel's
	 * buffer of 63 holds, so it drops the newest, the release with them */
	kill(pid, SIGSTOP);
	for (int i = 0; i < 300; i++)
		mouse_report(mouse, 1, 1, 0);
	mouse_report(mouse, 0, 0, 0);
	sleep_us(500000);
	kill(pid, SIGCONT);
	wait_event(out, EV_KEY, BTN_LEFT, 0, 5000);
	sleep_us(500000);
	memset(bits, 0, sizeof(bits));
	ioctl(out, EVIOCGKEY(sizeof(bits)), bits);
	hidmapd_status(st, sizeof(st));
	note("GET_REPORT requests the mouse answered: %u; status: overflows %ld resyncs %ld",
	     atomic_load(&mouse->get_reports), status_counter(st, mouse->hidraw, "overflows"),
	     status_counter(st, mouse->hidraw, "resyncs"));
	if (bits[BTN_LEFT / 8] & (1 << (BTN_LEFT % 8)))
		r = fail("BTN_LEFT is still down after the burst (the release was lost)");
	else
		note("BTN_LEFT is up: the release inside the burst arrived");
	close(out);
	stop(pid);
	return r < 0;
}

struct notify_log {
	int fd;
	atomic_bool stop;
	uint64_t ready_us;
	uint64_t ping_us[256];
	atomic_uint npings;
};

static void *notify_main(void *arg)
{
	struct notify_log *nl = arg;

	while (!atomic_load(&nl->stop)) {
		struct pollfd p = {.fd = nl->fd, .events = POLLIN};
		char buf[512];
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(nl->fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (strstr(buf, "READY=1") && !nl->ready_us)
			nl->ready_us = vm_now_us();
		if (strstr(buf, "WATCHDOG=1") && atomic_load(&nl->npings) < 256)
			nl->ping_us[atomic_fetch_add(&nl->npings, 1)] = vm_now_us();
	}
	return NULL;
}

struct plug {
	struct vdev *v;
	atomic_bool done;
	int r;
};

static void *plug_mute_mouse(void *arg)
{
	struct plug *p = arg;

	p->r = vdev_new("report-path mute mouse", multiplier_rdesc, sizeof(multiplier_rdesc),
	                0x0104, true, &p->v);
	atomic_store(&p->done, true);
	return NULL;
}

/* Presses and releases `a` on kbd every 20 ms for us, or with until
 * set, until until() says so; the worst latency. */
/* Reports of keyboard_window() over kw_bound us (when set), counted in
 * kw_over: the issue-26 scenarios judge how many, not the single worst. */
static uint64_t kw_bound;
static unsigned kw_over;

/*
 * The baseline of the issue-26 windows (twin_start()): a second keyboard,
 * not hidmapd's, read by the hidraw floor (hidraw_floor(): a process of
 * hidmapd's shape, epoll on the hidraw node and a write to uinput, doing
 * nothing else) and sent every report right after hidmapd's keyboard:
 * what the emulated CPU does to such a process in the same moment.
 * Counted while a window is judged (kw_bound set).
 */
static struct {
	struct vdev *kbd;
	pid_t pid;
	int out;
	uint64_t worst;      /* the twin's worst latency in the window */
	unsigned over_base;  /* twin reports over 50 ms */
	unsigned over_pair;  /* hidmapd's reports over their twin's + 50 ms */
	uint64_t worst_diff; /* hidmapd's latency minus its twin's, worst */
	unsigned pairs;
} twin = {.pid = -1, .out = -1};

static int keyboard_window(struct vdev *kbd, int out, uint64_t us, bool (*until)(void *),
                           void *data, uint64_t *ret_worst, unsigned *ret_n)
{
	uint64_t t_end = vm_now_us() + us;

	*ret_worst = 0;
	*ret_n = 0;
	while (vm_now_us() < t_end && !(until && until(data))) {
		for (int value = 1; value >= 0; value--) {
			uint64_t t0 = vm_now_us(), t, tb0 = 0, tb = 0;

			kbd_key(kbd, value ? HID_KEY_A : 0);
			if (twin.out >= 0) {
				tb0 = vm_now_us();
				kbd_key(twin.kbd, value ? HID_KEY_A : 0);
			}
			t = wait_event(out, EV_KEY, KEY_A, value, 10000);
			if (!t)
				return fail("a KEY_A report did not arrive within 10 s");
			if (twin.out >= 0) {
				tb = wait_event(twin.out, EV_KEY, KEY_B, value, 10000);
				if (!tb)
					return fail("the twin's KEY_B did not arrive within 10 s");
			}
			if (t - t0 > *ret_worst)
				*ret_worst = t - t0;
			if (kw_bound && t - t0 > kw_bound)
				kw_over++;
			if (kw_bound && tb) {
				uint64_t lb = tb - tb0, lh = t - t0;

				twin.pairs++;
				twin.worst = lb > twin.worst ? lb : twin.worst;
				twin.over_base += lb > 50000;
				twin.over_pair += lh > lb + 50000;
				if (lh > lb && lh - lb > twin.worst_diff)
					twin.worst_diff = lh - lb;
			}
			(*ret_n)++;
		}
		sleep_us(20000);
	}
	return 0;
}

/* Whether the daemon has made the plugged mouse's virtual device. */
static bool mouse_driven(void *data)
{
	struct plug *p = data;
	char phys[64], node[64];

	if (!atomic_load(&p->done) || !p->v)
		return false;
	snprintf(phys, sizeof(phys), "hidmapd/%s/", p->v->hidraw);
	return find_virtual(NULL, phys, node, sizeof(node));
}

static int scenario_mute_feature(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL;
	struct notify_log nl = {.fd = -1};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct plug plug = {0};
	char cfg[1024], node[64], phys[64], st[4096];
	uint64_t worst0, worst_plug, worst, t_start, t_plug, gap = 0;
	bool seen_init = false, seen_driven = false;
	pthread_t thread, plugger;
	unsigned n0, n_plug, n, pings_before;
	pid_t pid;
	int out, r = 0;

	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0103, false,
	             &kbd) < 0)
		return 1;
	/* not in tmpdir: the results directory is 9p, without sockets */
	snprintf(notify_path, sizeof(notify_path), "/run/report-path-notify.sock");
	unlink(notify_path);
	memcpy(sa.sun_path, notify_path, strlen(notify_path) + 1);
	nl.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (nl.fd < 0 || bind(nl.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("notify socket: %s", strerror(errno)) < 0;
	pthread_create(&thread, NULL, notify_main, &nl);
	watchdog_usec = 2000000;

	snprintf(cfg, sizeof(cfg),
	         "[device k]\nmatch = %04x:%04x\n\n[device m]\nmatch = %04x:%04x\n", VID, kbd->pid,
	         VID, 0x0104);
	t_start = vm_now_us();
	pid = spawn_hidmapd("mute-feature", cfg);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0) {
		r = -1;
		goto out;
	}
	/* the baseline: the same keyboard for 2 s before the mouse comes */
	if (keyboard_window(kbd, out, 2000000, NULL, NULL, &worst0, &n0) < 0) {
		r = -1;
		goto out;
	}
	/* the mouse is plugged in: the daemon probes it and asks it to set
	 * its Resolution Multiplier, which it never answers (the kernel waits
	 * 5 s for it, the daemon 1 s); the keyboard is measured throughout.
	 * Plugging itself costs (the kernel binds the mouse, the daemon makes
	 * its virtual device): measured but not judged; the judged window
	 * starts once the daemon drives the mouse, while it is initializing. */
	t_plug = vm_now_us();
	pings_before = atomic_load(&nl.npings);
	pthread_create(&plugger, NULL, plug_mute_mouse, &plug);
	r = keyboard_window(kbd, out, 20000000, mouse_driven, &plug, &worst_plug, &n_plug);
	pthread_join(plugger, NULL);
	if (r < 0 || plug.r < 0 || !mouse_driven(&plug)) {
		r = fail("the daemon did not drive the mouse");
		goto out;
	}
	hidmapd_status(st, sizeof(st));
	seen_init = status_says(st, plug.v->hidraw, "state initializing");
	r = keyboard_window(kbd, out, 5000000, NULL, NULL, &worst, &n);
	if (r < 0)
		goto out;
	hidmapd_status(st, sizeof(st));
	seen_driven = status_says(st, plug.v->hidraw, "state driven");
	note("keyboard: worst latency %" PRIu64
	     " us over %u reports before the mouse came; %" PRIu64
	     " us over %u while it was plugged; %" PRIu64 " us over %u in the 5 s after the daemon "
	     "took it",
	     worst0, n0, worst_plug, n_plug, worst, n);
	note("mouse: %u SET_REPORT and %u GET_REPORT requests unanswered; `status` showed it "
	     "initializing: %s, 5 s later driven: %s",
	     atomic_load(&plug.v->set_reports), atomic_load(&plug.v->get_reports),
	     seen_init ? "yes" : "no", seen_driven ? "yes" : "no");
	for (unsigned i = 1; i < atomic_load(&nl.npings); i++)
		if (nl.ping_us[i] >= t_plug && nl.ping_us[i] - nl.ping_us[i - 1] > gap)
			gap = nl.ping_us[i] - nl.ping_us[i - 1];
	note(
	    "watchdog: READY=1 %.3f s after the start; %u pings after the plug, largest gap %.3f s "
	    "(period %.3f s, WATCHDOG_USEC %.3f s)",
	    nl.ready_us ? (double)(nl.ready_us - t_start) / 1e6 : -1.0,
	    atomic_load(&nl.npings) - pings_before, (double)gap / 1e6, (double)watchdog_usec / 2e6,
	    (double)watchdog_usec / 1e6);
	/* bound: 50 ms over the worst seen without the mouse (the emulated
	 * CPU has spikes of its own); the bug this catches stalled for 5 s */
	if (worst > worst0 + 50000)
		r = fail("the keyboard's reports were delayed by %" PRIu64
		         " us (baseline worst %" PRIu64 " us)",
		         worst, worst0);
	if (atomic_load(&nl.npings) - pings_before < 4 || gap >= watchdog_usec)
		r = fail("the watchdog pings stalled (gap %" PRIu64 " us, WATCHDOG_USEC %u)", gap,
		         watchdog_usec);
	if (atomic_load(&plug.v->set_reports) + atomic_load(&plug.v->get_reports) == 0)
		r = fail("the mouse was never asked anything: the scenario tests nothing");
	if (!seen_init)
		r = fail("`status` did not show the unanswered mouse as initializing");
	if (!seen_driven)
		r = fail("the mouse stayed initializing past the time limit");
out:
	stop(pid);
	vdev_free(plug.v);
	atomic_store(&nl.stop, true);
	pthread_join(thread, NULL);
	close(nl.fd);
	notify_path[0] = '\0';
	return r < 0;
}

/* ---- the loop never waits on a device or a client (issue 26) ---------------- */

/*
 * The judgement of a keyboard's latency while something happens, after a
 * window before it (worst0): a loop that blocks (the faults these
 * scenarios catch held it 1-13 s) delays every report for that long.  So:
 * no report later than 1 s, and at most 1 in 50 (and at least 1) later
 * than worst0 + 50 ms (kw_judge_end()).
 *
 * kw_judge_end_strict() adds the issue's own bound, per report: none of
 * hidmapd's reports more than 50 ms later than its twin's (above), the
 * same report sent to a process of the same shape that does nothing else,
 * in the same moment.  Relative to the twin, not absolute, because the
 * emulator's own stalls hit the twin too (4-20 ms worst, never past 50 ms
 * in issue 26's runs), and a bound on hidmapd alone would judge the host's
 * load.  The lone 56-100 ms reports the third shift found were hidmapd's
 * own (its loop made the taken device's uinput devices, 3-56 ms per
 * device under TCG); that creation now runs on the sink's thread.
 */
static void kw_judge_begin(uint64_t worst0)
{
	kw_bound = worst0 + 50000;
	kw_over = 0;
	twin.worst = twin.worst_diff = 0;
	twin.over_base = twin.over_pair = twin.pairs = 0;
}

static int kw_judge_end(const char *what, uint64_t worst, unsigned n)
{
	unsigned allowed = n / 50 > 1 ? n / 50 : 1, over = kw_over;

	kw_bound = 0;
	kw_over = 0;
	note("%s: %u of %u reports over the worst before + 50 ms (allowed %u), worst %" PRIu64
	     " us",
	     what, over, n, allowed, worst);
	if (twin.pairs)
		note(
		    "%s, the twin (hidraw floor, same moments): worst %" PRIu64
		    " us, %u of %u over 50 ms; hidmapd over its twin + 50 ms: %u, worst excess %" PRIu64
		    " us",
		    what, twin.worst, twin.over_base, twin.pairs, twin.over_pair, twin.worst_diff);
	if (worst > 1000000)
		return fail("%s: a report was delayed by %" PRIu64 " us", what, worst);
	if (over > allowed)
		return fail(
		    "%s: %u of %u reports were delayed more than 50 ms past the worst before", what,
		    over, n);
	return 0;
}

/* kw_judge_end(), and no report over its twin's + 50 ms (above); without
 * a twin, kw_judge_end() alone (a note says so). */
static int kw_judge_end_strict(const char *what, uint64_t worst, unsigned n)
{
	unsigned pairs = twin.pairs, over = twin.over_pair;
	uint64_t excess = twin.worst_diff;
	int r = kw_judge_end(what, worst, n);

	if (!pairs) {
		note("%s: no twin, so not judged against it", what);
		return r;
	}
	if (over)
		return fail("%s: %u of %u reports were delayed more than 50 ms past their twin's "
		            "(worst excess %" PRIu64 " us)",
		            what, over, pairs, excess);
	return r;
}

static void twin_stop(void)
{
	if (twin.out >= 0)
		close(twin.out);
	kill_group(twin.pid);
	vdev_free(twin.kbd);
	twin.kbd = NULL;
	twin.pid = twin.out = -1;
}

/* The baseline keyboard and its floor process; without them the windows
 * are judged as before (a note says so). */
static void twin_start(void)
{
	char phys[64], node[64];

	if (vdev_new("report-path twin keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x011f,
	             false, &twin.kbd) < 0)
		goto fail;
	fflush(NULL);
	twin.pid = fork();
	if (twin.pid == 0) {
		char hidraw[64];

		setpgid(0, 0);
		snprintf(hidraw, sizeof(hidraw), "/dev/%s", twin.kbd->hidraw);
		execl(self, self, "hidraw-floor", hidraw, twin.kbd->kernel_ev, "plain",
		      (char *)NULL);
		_exit(127);
	}
	snprintf(phys, sizeof(phys), "report-path-floor/%s", twin.kbd->hidraw);
	if (twin.pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (twin.out = open_events(node)) < 0)
		goto fail;
	return;
fail:
	note("no twin keyboard: the windows are judged without a baseline");
	twin_stop();
}

/*
 * The daemon's log and config on tmpfs while a scenario runs, its log
 * copied to the results (tmpdir, 9p) at the end: the daemon logs from its
 * loop, and a write to a 9p file on a loaded host can take 100 ms, which
 * these scenarios would measure as a stalled loop (seen: 97-168 ms in the
 * seconds after two silent mice were driven, 17-20 ms on tmpfs).
 */
static const char *results_dir;

static void local_tmpdir_begin(void)
{
	results_dir = tmpdir;
	mkdir("/run/tmp", 0755);
	mkdir("/run/tmp/report-path", 0755);
	tmpdir = "/run/tmp/report-path";
}

static void local_tmpdir_end(const char *label)
{
	char from[PATH_MAX], to[PATH_MAX], buf[8192];
	int in, out;
	ssize_t n;

	twin_stop();
	if (!results_dir)
		return;
	snprintf(from, sizeof(from), "%s/%s.hidmapd.log", tmpdir, label);
	snprintf(to, sizeof(to), "%s/%s.hidmapd.log", results_dir, label);
	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	tmpdir = results_dir;
	results_dir = NULL;
}

/* The notify socket with its reader thread, for WATCHDOG_USEC=wd_usec. */
static int notify_start(struct notify_log *nl, pthread_t *thread, unsigned wd_usec)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	*nl = (struct notify_log){.fd = -1};
	snprintf(notify_path, sizeof(notify_path), "/run/report-path-notify.sock");
	unlink(notify_path);
	memcpy(sa.sun_path, notify_path, strlen(notify_path) + 1);
	nl->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("notify socket: %s", strerror(errno));
	pthread_create(thread, NULL, notify_main, nl);
	watchdog_usec = wd_usec;
	return 0;
}

static void notify_stop(struct notify_log *nl, pthread_t thread)
{
	if (nl->fd < 0)
		return;
	atomic_store(&nl->stop, true);
	pthread_join(thread, NULL);
	close(nl->fd);
	nl->fd = -1;
	notify_path[0] = '\0';
}

/* A mouse that answers no GET/SET_REPORT, plugged from a thread. */
struct silent_plug {
	struct vdev *v;
	uint16_t pid;
	atomic_bool done;
	int r;
};

static void *plug_silent(void *arg)
{
	/* one at a time: vdev_new() waits for the bind on the one uevent
	 * monitor, and would take the other's event */
	static pthread_mutex_t plugging = PTHREAD_MUTEX_INITIALIZER;
	struct silent_plug *p = arg;
	char name[64];

	snprintf(name, sizeof(name), "report-path silent %04x", p->pid);
	pthread_mutex_lock(&plugging);
	p->r = vdev_new(name, multiplier_rdesc, sizeof(multiplier_rdesc), p->pid, true, &p->v);
	pthread_mutex_unlock(&plugging);
	atomic_store(&p->done, true);
	return NULL;
}

static bool virtual_of(const struct vdev *v)
{
	char phys[64], node[64];

	snprintf(phys, sizeof(phys), "hidmapd/%s/", v->hidraw);
	return find_virtual(NULL, phys, node, sizeof(node));
}

/* keyboard_window()'s until(): every plugged mouse has its virtual device;
 * meanwhile `status` is read every 200 ms for an "opening" line. */
struct silent_set {
	struct silent_plug p[3];
	unsigned n;
	const char *want;         /* "opening /dev/hidrawN" to look for, or NULL: any */
	uint64_t status_every_us; /* 0: every 200 ms (`hidmapd status` takes 0.1-0.5 s) */
	uint64_t next_status_us;
	unsigned opening_seen;
};

static bool status_opening(struct silent_set *s)
{
	char st[8192];

	if (vm_now_us() < s->next_status_us)
		return false;
	s->next_status_us = vm_now_us() + (s->status_every_us ? s->status_every_us : 200000);
	if (hidmapd_status(st, sizeof(st)) == 0 && strstr(st, s->want ? s->want : "opening /dev/"))
		s->opening_seen++;
	return true;
}

static bool all_silent_driven(void *data)
{
	struct silent_set *s = data;

	(void)status_opening(s);
	for (unsigned i = 0; i < s->n; i++)
		if (!atomic_load(&s->p[i].done) || !s->p[i].v || !virtual_of(s->p[i].v))
			return false;
	return true;
}

static bool opening_seen(void *data)
{
	struct silent_set *s = data;

	(void)status_opening(s);
	return s->opening_seen > 0;
}

/* Holds a GET_REPORT Feature on a silent device's hidraw node, as a
 * client of the device might: the kernel keeps minors_rwsem read-locked
 * for the 5 s uhid waits. */
struct held_request {
	char node[64];
	atomic_bool started, done;
};

static void *hold_request(void *arg)
{
	struct held_request *h = arg;
	uint8_t buf[8] = {0x12};
	int fd = open(h->node, O_RDWR | O_CLOEXEC);

	atomic_store(&h->started, true);
	if (fd >= 0) {
		(void)ioctl(fd, HIDIOCGFEATURE(sizeof(buf)), buf);
		close(fd);
	}
	atomic_store(&h->done, true);
	return NULL;
}

/*
 * silent-plug: silent devices (uhid mice that answer no GET/SET_REPORT;
 * hidmapd's generic module asks each for its Resolution Multiplier) while
 * a keyboard types.  Since 6.1 every such request holds hidraw's
 * minors_rwsem for the 5 s uhid waits, and hidraw's open() and release()
 * wait for it: the daemon must make them off its loop.
 *   1. three silent mice present at the start (WATCHDOG_USEC 1 s): the
 *      first watchdog ping comes within 1 s of READY=1;
 *   2. two more plugged together while `a` is pressed and released every
 *      20 ms: every press and release arrives (no stuck key), none more
 *      than 50 ms later than its twin's (kw_judge_end_strict());
 *      then three more plugged together the same way, and the watchdog
 *      pings meanwhile never further apart than WATCHDOG_USEC;
 *   3. a device selected by a reload while the test holds a feature request
 *      on a silent one: `status` shows it "opening" (its open() waits in
 *      the kernel), and the keyboard still keeps its latency.
 */
static int scenario_silent_plug(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL, *late = NULL;
	struct vdev *start[3] = {NULL};
	/* the three: `status` once a second, so that the keyboard is used
	 * more of the time (a stalled loop would delay both) */
	struct silent_set set = {.n = 2}, three = {.n = 3, .status_every_us = 1000000}, opening;
	struct held_request held = {0};
	struct notify_log nl;
	pthread_t nthread, pl[3], holder;
	char cfg[2048], node[64], phys[64], want[64], config_path[PATH_MAX];
	uint64_t worst0, worst_plug, worst_after, worst_open, worst3, t_deadline, first_ping = 0;
	uint64_t t3, gap3 = 0;
	unsigned n0, n_plug, n_after, n_open, n3, pings3 = 0;
	pid_t pid = -1;
	int out = -1, r = 0;
	FILE *f;

	local_tmpdir_begin();
	twin_start();
	for (unsigned i = 0; i < 3; i++) {
		char name[64];

		snprintf(name, sizeof(name), "report-path silent %04x", 0x0110 + i);
		if (vdev_new(name, multiplier_rdesc, sizeof(multiplier_rdesc), 0x0110 + i, true,
		             &start[i]) < 0) {
			r = -1;
			goto out;
		}
	}
	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0103, false,
	             &kbd) < 0 ||
	    vdev_new("report-path late", mouse_rdesc, sizeof(mouse_rdesc), 0x0118, false, &late) <
	        0 ||
	    notify_start(&nl, &nthread, 1000000) < 0) {
		r = -1;
		goto out;
	}
	/* every 011x device is driven, except the late mouse (0118) until the reload */
	{
		size_t len = (size_t)snprintf(cfg, sizeof(cfg), "[device k]\nmatch = %04x:%04x\n",
		                              VID, kbd->pid);

		for (unsigned i = 0; i < 8; i++)
			len += (size_t)snprintf(cfg + len, sizeof(cfg) - len,
			                        "\n[device s%u]\nmatch = %04x:%04x\n", i, VID,
			                        0x0110 + i);
	}
	pid = spawn_hidmapd("silent-plug", cfg);
	if (pid < 0) {
		r = -1;
		goto out;
	}
	t_deadline = vm_now_us() + 30000000u;
	while (vm_now_us() < t_deadline && !first_ping) {
		if (nl.ready_us)
			for (unsigned i = 0; i < atomic_load(&nl.npings); i++)
				if (nl.ping_us[i] >= nl.ready_us) {
					first_ping = nl.ping_us[i];
					break;
				}
		sleep_us(10000);
	}
	if (!nl.ready_us || !first_ping) {
		r = fail("no READY=1 or no watchdog ping after it");
		goto out;
	}
	note("start with 3 silent mice: first watchdog ping %.3f s after READY=1 (WATCHDOG_USEC "
	     "1 s)",
	     (double)(first_ping - nl.ready_us) / 1e6);
	if (first_ping - nl.ready_us > 1000000)
		r = fail("the first watchdog ping came %.3f s after READY=1 (want <= 1 s)",
		         (double)(first_ping - nl.ready_us) / 1e6);

	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (wait_virtual(NULL, phys, node, sizeof(node)) < 0 || (out = open_events(node)) < 0 ||
	    keyboard_window(kbd, out, 2000000, NULL, NULL, &worst0, &n0) < 0) {
		r = -1;
		goto out;
	}

	/* 2: two plugged together while typing */
	for (unsigned i = 0; i < 2; i++) {
		set.p[i].pid = 0x0113 + i;
		pthread_create(&pl[i], NULL, plug_silent, &set.p[i]);
	}
	kw_judge_begin(worst0);
	if (keyboard_window(kbd, out, 60000000, all_silent_driven, &set, &worst_plug, &n_plug) < 0)
		r = -1;
	if (r == 0 && kw_judge_end_strict("two silent mice plugged", worst_plug, n_plug) < 0)
		r = -1;
	for (unsigned i = 0; i < 2; i++)
		pthread_join(pl[i], NULL);
	if (r < 0)
		goto out;
	if (!all_silent_driven(&set)) {
		r = fail("the daemon did not drive the two silent mice within 60 s");
		goto out;
	}
	kw_judge_begin(worst0);
	if (keyboard_window(kbd, out, 3000000, NULL, NULL, &worst_after, &n_after) < 0 ||
	    kw_judge_end_strict("the 3 s after", worst_after, n_after) < 0) {
		r = -1;
		goto out;
	}
	note("keyboard: worst latency %" PRIu64 " us over %u reports before; %" PRIu64
	     " us over %u while two silent mice were plugged (\"opening\" seen %u times); %" PRIu64
	     " us over %u in the 3 s after",
	     worst0, n0, worst_plug, n_plug, set.opening_seen, worst_after, n_after);

	/* 2b: three plugged together while typing (the kernel binds each only
	 * when the requests before it have given up: hidraw_connect() takes
	 * minors_rwsem for writing), the watchdog watched meanwhile */
	t3 = vm_now_us();
	for (unsigned i = 0; i < 3; i++) {
		three.p[i].pid = 0x0115 + i;
		pthread_create(&pl[i], NULL, plug_silent, &three.p[i]);
	}
	kw_judge_begin(worst0);
	if (keyboard_window(kbd, out, 90000000, all_silent_driven, &three, &worst3, &n3) < 0)
		r = -1;
	if (r == 0 && kw_judge_end_strict("three silent mice plugged", worst3, n3) < 0)
		r = -1;
	for (unsigned i = 0; i < 3; i++)
		pthread_join(pl[i], NULL);
	for (unsigned i = 1; i < atomic_load(&nl.npings); i++)
		if (nl.ping_us[i] >= t3) {
			pings3++;
			if (nl.ping_us[i] - (nl.ping_us[i - 1] > t3 ? nl.ping_us[i - 1] : t3) >
			    gap3)
				gap3 = nl.ping_us[i] -
				       (nl.ping_us[i - 1] > t3 ? nl.ping_us[i - 1] : t3);
		}
	note("keyboard: worst latency %" PRIu64 " us over %u reports while three silent mice "
	     "were plugged (%.1f s, \"opening\" seen %u times); watchdog: %u pings, largest gap "
	     "%.3f s (WATCHDOG_USEC 1 s)",
	     worst3, n3, (double)(vm_now_us() - t3) / 1e6, three.opening_seen, pings3,
	     (double)gap3 / 1e6);
	if (r < 0)
		goto out;
	if (!all_silent_driven(&three)) {
		r = fail("the daemon did not drive the three silent mice within 90 s");
		goto out;
	}
	if (pings3 < 2 || gap3 >= 1000000)
		r = fail(
		    "the watchdog pings stalled while three silent mice were plugged (%u pings, "
		    "gap %.3f s)",
		    pings3, (double)gap3 / 1e6);

	/* 3: an open that waits in the kernel shows as "opening" */
	snprintf(held.node, sizeof(held.node), "/dev/%s", start[0]->hidraw);
	pthread_create(&holder, NULL, hold_request, &held);
	while (!atomic_load(&held.started))
		sleep_us(1000);
	sleep_us(200000);
	snprintf(config_path, sizeof(config_path), "%s/silent-plug.ini", tmpdir);
	f = fopen(config_path, "ae");
	if (f) {
		fprintf(f, "\n[device late]\nmatch = %04x:%04x\n", VID, late->pid);
		fclose(f);
	}
	kill(pid, SIGHUP);
	snprintf(want, sizeof(want), "opening /dev/%s", late->hidraw);
	opening = (struct silent_set){.want = want};
	kw_judge_begin(worst0);
	if (keyboard_window(kbd, out, 4000000, opening_seen, &opening, &worst_open, &n_open) < 0)
		r = -1;
	/* and while the open still waits (the request holds the lock ~5 s) */
	if (r == 0 && !atomic_load(&held.done)) {
		uint64_t w;
		unsigned k;

		if (keyboard_window(kbd, out, 1500000, NULL, NULL, &w, &k) < 0)
			r = -1;
		worst_open = w > worst_open ? w : worst_open;
		n_open += k;
	}
	pthread_join(holder, NULL);
	note("a feature request held on /dev/%s, the late mouse selected by a reload: \"%s\" %s; "
	     "keyboard worst %" PRIu64 " us over %u reports",
	     start[0]->hidraw, want, opening.opening_seen ? "seen" : "NOT seen", worst_open,
	     n_open);
	if (r < 0)
		goto out;
	if (!opening.opening_seen)
		r = fail("`status` never showed \"%s\"", want);
	if (kw_judge_end_strict("while an open waited in the kernel", worst_open, n_open) < 0)
		r = -1;
	snprintf(phys, sizeof(phys), "hidmapd/%s/", late->hidraw);
	if (wait_virtual(NULL, phys, node, sizeof(node)) < 0)
		r = fail("the late mouse was not driven once the request ended");
out:
	if (out >= 0)
		close(out);
	stop(pid);
	for (unsigned i = 0; i < 2; i++)
		vdev_free(set.p[i].v);
	for (unsigned i = 0; i < 3; i++) {
		vdev_free(three.p[i].v);
		vdev_free(start[i]);
	}
	notify_stop(&nl, nthread);
	local_tmpdir_end("silent-plug");
	return r < 0;
}

/*
 * unplug-pending: a silent mouse is unplugged while the daemon's request to
 * it (its Resolution Multiplier) waits in the kernel: the daemon lets it go
 * (its virtual devices kept for the replug grace), closes the node off the
 * loop (no fd of it left within 8 s), and the keyboard keeps its latency.
 */
static int scenario_unplug_pending(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL;
	struct silent_plug m = {.pid = 0x0115};
	char cfg[1024], node[64], phys[64], hidraw_node[64], st[8192];
	uint64_t worst0, worst, deadline;
	unsigned n0, n;
	int fds = -1, out = -1, r = 0;
	bool closing_seen = false;
	pid_t pid;

	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0103, false,
	             &kbd) < 0)
		return 1;
	snprintf(cfg, sizeof(cfg),
	         "[device k]\nmatch = %04x:%04x\n\n[device m]\nmatch = %04x:%04x\n", VID, kbd->pid,
	         VID, m.pid);
	local_tmpdir_begin();
	twin_start();
	pid = spawn_hidmapd("unplug-pending", cfg);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0 ||
	    keyboard_window(kbd, out, 2000000, NULL, NULL, &worst0, &n0) < 0) {
		r = -1;
		goto out;
	}
	plug_silent(&m);
	if (m.r < 0) {
		r = -1;
		goto out;
	}
	snprintf(hidraw_node, sizeof(hidraw_node), "/dev/%s", m.v->hidraw);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", m.v->hidraw);
	if (wait_virtual(NULL, phys, node, sizeof(node)) < 0) {
		r = -1;
		goto out;
	}
	/* its request is in the kernel now (uhid waits 5 s for the answer) */
	sleep_us(300000);
	if (!atomic_load(&m.v->set_reports) && !atomic_load(&m.v->get_reports)) {
		r = fail("the mouse was not asked anything: the scenario tests nothing");
		goto out;
	}
	vdev_free(m.v);
	m.v = NULL;
	kw_judge_begin(worst0);
	if (keyboard_window(kbd, out, 1000000, NULL, NULL, &worst, &n) < 0) {
		r = -1;
		goto out;
	}
	if (hidmapd_status(st, sizeof(st)) == 0 && strstr(st, "closing /dev/"))
		closing_seen = true;
	deadline = vm_now_us() + 8000000;
	while (vm_now_us() < deadline && (fds = vm_count_node_fds(pid, hidraw_node)) > 0)
		sleep_us(100000);
	note("keyboard: worst %" PRIu64 " us over %u before, %" PRIu64
	     " us over %u after the unplug; \"closing\" seen: %s; fds of %s left: %d",
	     worst0, n0, worst, n, closing_seen ? "yes" : "no", hidraw_node, fds);
	if (kill(pid, 0) < 0)
		r = fail("the daemon died");
	if (fds != 0)
		r = fail("the daemon still holds %d fds of %s 8 s after the unplug", fds,
		         hidraw_node);
	if (kw_judge_end_strict("after the unplug", worst, n) < 0)
		r = -1;
out:
	if (out >= 0)
		close(out);
	stop(pid);
	vdev_free(m.v);
	local_tmpdir_end("unplug-pending");
	return r < 0;
}

/* One request on the control socket: the time from connect to its "ok"
 * (us), or 0 when it failed or took more than 5 s. */
static uint64_t control_request_us(const char *request)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint64_t t0 = vm_now_us(), end = t0 + 5000000;
	char buf[16384];
	size_t len = 0;
	int fd;

	if (hm_control_socket_path(sa.sun_path, sizeof(sa.sun_path)) < 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, request, strlen(request), MSG_NOSIGNAL) < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (vm_now_us() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (len >= 3 && (streq(buf + len - 3, "ok\n") || strstr(buf, "error: "))) {
			uint64_t t = vm_now_us() - t0;

			close(fd);
			return strstr(buf, "error: ") ? 0 : t;
		}
	}
	close(fd);
	return 0;
}

struct control_flood {
	atomic_bool stop;
	unsigned reload_answers;
	int blank_fd;
	int reload_fd;
};

/* newlines, as fast as the socket takes them, never reading a reply */
static void *flood_blank(void *arg)
{
	struct control_flood *cf = arg;
	char nl[4096];

	memset(nl, '\n', sizeof(nl));
	while (!atomic_load(&cf->stop))
		if (send(cf->blank_fd, nl, sizeof(nl), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			if (errno != EAGAIN)
				break; /* the daemon hung up on it: it may */
			sleep_us(1000);
		}
	return NULL;
}

static void *read_reloads(void *arg)
{
	struct control_flood *cf = arg;
	char buf[4096];
	size_t line_len = 0;
	bool line_ok = true;

	while (!atomic_load(&cf->stop) && cf->reload_answers < 1000) {
		struct pollfd p = {.fd = cf->reload_fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(cf->reload_fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		/* "ok" lines (an "error: ..." after the answers is an eviction:
		 * the connection is quiet then), across reads */
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				cf->reload_answers += line_len == 2 && line_ok;
				line_len = 0;
				line_ok = true;
				continue;
			}
			line_ok = line_ok && line_len < 2 && buf[i] == "ok"[line_len];
			line_len++;
		}
	}
	return NULL;
}

static int control_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (hm_control_socket_path(sa.sun_path, sizeof(sa.sun_path)) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * control-flood: a client floods blank lines, another sends 1000 `reload`
 * in one write, 64 more connect and say nothing; meanwhile a `status` is
 * answered within 50 ms of its worst before, every time, the keyboard keeps
 * its latency, and the 1000 reloads get 1000 answers.
 */
static int scenario_control_flood(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL;
	struct control_flood cf = {.blank_fd = -1, .reload_fd = -1};
	int idle[64], out = -1, r = 0;
	char cfg[512], node[64], phys[64], *reloads = NULL;
	uint64_t worst0, worst, st0 = 0, st_worst = 0, worst_st = 0;
	unsigned n0, n, st_ok = 0, nidle = 0, n_st = 0, st_over = 0;
	pthread_t tb, tr;
	bool threads = false;
	pid_t pid;

	for (unsigned i = 0; i < 64; i++)
		idle[i] = -1;
	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0103, false,
	             &kbd) < 0)
		return 1;
	snprintf(cfg, sizeof(cfg), "[device k]\nmatch = %04x:%04x\n", VID, kbd->pid);
	local_tmpdir_begin();
	twin_start();
	pid = spawn_hidmapd("control-flood", cfg);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0 ||
	    keyboard_window(kbd, out, 2000000, NULL, NULL, &worst0, &n0) < 0) {
		r = -1;
		goto out;
	}
	for (unsigned i = 0; i < 5; i++) {
		uint64_t t = control_request_us("status\n");

		if (!t) {
			r = fail("`status` failed before the flood");
			goto out;
		}
		st0 = t > st0 ? t : st0;
	}
	cf.blank_fd = control_connect();
	cf.reload_fd = control_connect();
	reloads = malloc(7000);
	if (cf.blank_fd < 0 || cf.reload_fd < 0 || !reloads) {
		r = fail("cannot connect to the control socket");
		goto out;
	}
	for (unsigned i = 0; i < 1000; i++)
		memcpy(reloads + 7 * i, "reload\n", 7);
	if (send(cf.reload_fd, reloads, 7000, MSG_NOSIGNAL) != 7000) {
		r = fail("cannot send the reloads");
		goto out;
	}
	pthread_create(&tb, NULL, flood_blank, &cf);
	pthread_create(&tr, NULL, read_reloads, &cf);
	threads = true;
	kw_judge_begin(worst0);
	for (unsigned i = 0; i < 64; i++)
		if ((idle[i] = control_connect()) >= 0)
			nidle++;
	for (unsigned i = 0; i < 20; i++) {
		uint64_t t = control_request_us("status\n"), wk;
		unsigned nk;

		if (t) {
			st_ok++;
			st_worst = t > st_worst ? t : st_worst;
			st_over += t > st0 + 50000;
		}
		if (keyboard_window(kbd, out, 100000, NULL, NULL, &wk, &nk) < 0) {
			r = -1;
			goto out;
		}
		worst_st = wk > worst_st ? wk : worst_st;
		n_st += nk;
	}
	if (keyboard_window(kbd, out, 2000000, NULL, NULL, &worst, &n) < 0) {
		r = -1;
		goto out;
	}
	worst = worst_st > worst ? worst_st : worst;
	n += n_st;
	for (unsigned i = 0; i < 50 && cf.reload_answers < 1000; i++)
		sleep_us(100000);
	note("status: worst %" PRIu64 " us of 5 before; %u of 20 answered during the flood (64 "
	     "idle connections made: %u), worst %" PRIu64 " us",
	     st0, st_ok, nidle, st_worst);
	note("keyboard: worst %" PRIu64 " us over %u before, %" PRIu64
	     " us over %u during; 1000 reloads in one write got %u answers",
	     worst0, n0, worst, n, cf.reload_answers);
	if (st_ok < 20)
		r = fail("`status` failed %u times of 20 during the flood", 20 - st_ok);
	/* one lone pause of the emulated CPU is allowed, as for the keyboard */
	if (st_over > 1 || st_worst > 1000000)
		r = fail("`status` took up to %" PRIu64 " us during the flood (%" PRIu64
		         " us before), %u of 20 over that + 50 ms",
		         st_worst, st0, st_over);
	if (kw_judge_end_strict("during the flood", worst, n) < 0)
		r = -1;
	if (cf.reload_answers != 1000)
		r = fail("1000 reloads got %u answers", cf.reload_answers);
	if (kill(pid, 0) < 0)
		r = fail("the daemon died");
out:
	atomic_store(&cf.stop, true);
	if (threads) {
		pthread_join(tb, NULL);
		pthread_join(tr, NULL);
	}
	for (unsigned i = 0; i < 64; i++)
		if (idle[i] >= 0)
			close(idle[i]);
	if (cf.blank_fd >= 0)
		close(cf.blank_fd);
	if (cf.reload_fd >= 0)
		close(cf.reload_fd);
	free(reloads);
	if (out >= 0)
		close(out);
	stop(pid);
	local_tmpdir_end("control-flood");
	return r < 0;
}

/*
 * reload-limits: a reload of a configuration at the documented limits (256
 * files of 256 sections: 255 [remap] sections each beside the keyboard's)
 * while a keyboard types: the files are read and compiled off the loop,
 * so no key is delayed more than 50 ms past the worst before.
 */
static int scenario_reload_limits(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 32], log[PATH_MAX], node[64], phys[64];
	uint64_t worst0, worst = 0, t0, t_loaded = 0;
	unsigned n0, n = 0;
	long log_off;
	int out = -1, r = 0;
	pid_t pid = -1;
	FILE *f;

	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0103, false,
	             &kbd) < 0)
		return 1;
	/* tmpfs, not the 9p results directory: 256 files are written */
	snprintf(dir, sizeof(dir), "/run/tmp/reload-limits.d");
	mkdir("/run/tmp", 0755);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/000-k.ini", dir);
	f = fopen(path, "we");
	if (!f)
		return fail("%s: %s", path, strerror(errno)) < 0;
	fprintf(f, "[device k]\nmatch = %04x:%04x\n", VID, kbd->pid);
	fclose(f);
	local_tmpdir_begin();
	twin_start();
	snprintf(log, sizeof(log), "%s/reload-limits.hidmapd.log", tmpdir);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(hidmapd, "hidmapd", "run", "--config", dir, (char *)NULL);
		_exit(127);
	}
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0 ||
	    keyboard_window(kbd, out, 2000000, NULL, NULL, &worst0, &n0) < 0) {
		r = -1;
		goto out;
	}
	/* 255 more files of 255 profiles each, three lines apiece */
	for (unsigned i = 1; i < 256; i++) {
		snprintf(path, sizeof(path), "%s/%03u.ini", dir, i);
		f = fopen(path, "we");
		if (!f) {
			r = fail("%s: %s", path, strerror(errno));
			goto out;
		}
		for (unsigned p = 0; p < 255; p++)
			fprintf(
			    f,
			    "[remap f%u-p%u]\nKEY_A = KEY_B\nKEY_C = KEY_D\nBTN_LEFT = KEY_E\n\n",
			    i, p);
		fclose(f);
	}
	log_off = vm_file_size(log);
	t0 = vm_now_us();
	kw_judge_begin(worst0);
	kill(pid, SIGHUP);
	/* type until the daemon says it is done (2 minutes at most) */
	while (!t_loaded && vm_now_us() - t0 < 120000000u) {
		uint64_t w;
		unsigned k;
		char *text = vm_slurp(log);

		if (text && log_off >= 0 && (long)strlen(text) > log_off &&
		    (strstr(text + log_off, "configuration reloaded") ||
		     strstr(text + log_off, "not reloaded")))
			t_loaded = vm_now_us();
		if (keyboard_window(kbd, out, 200000, NULL, NULL, &w, &k) < 0) {
			r = -1;
			goto out;
		}
		worst = w > worst ? w : worst;
		n += k;
	}
	note("reload of 256 files x 256 sections: %.3f s; keyboard worst %" PRIu64
	     " us over %u reports before, %" PRIu64 " us over %u during",
	     t_loaded ? (double)(t_loaded - t0) / 1e6 : -1.0, worst0, n0, worst, n);
	if (!t_loaded) {
		r = fail("the reload did not end within 120 s");
	} else {
		char *text = vm_slurp(log);

		if (!text || !strstr(text + (log_off > 0 ? log_off : 0), "configuration reloaded"))
			r = fail("the configuration at the limits was rejected (see %s)", log);
	}
	if (kw_judge_end_strict("during the reload", worst, n) < 0)
		r = -1;
out:
	if (out >= 0)
		close(out);
	stop(pid);
	for (unsigned i = 0; i < 256; i++) {
		snprintf(path, sizeof(path), i ? "%s/%03u.ini" : "%s/000-k.ini", dir, i);
		unlink(path);
	}
	rmdir(dir);
	local_tmpdir_end("reload-limits");
	return r < 0;
}

/*
 * mute-overflow: the rule for a device that does not answer GET_REPORT
 * Input (overflow.h): a keyboard that answers nothing sends 200 reports
 * while the daemon is stopped, the last one a release the kernel's buffer
 * of 63 drops (it keeps the first 63, ending pressed).  The daemon cannot
 * ask it for its state: once it has drained the buffer it releases what
 * the keyboard holds, so no key is left down.
 */
static int scenario_mute_overflow(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL;
	char cfg[512], node[64], phys[64], st[4096];
	pid_t pid;
	int out, r = 0, down;

	if (vdev_new("report-path mute keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0119,
	             true, &kbd) < 0)
		return 1;
	snprintf(cfg, sizeof(cfg), "[device k]\nmatch = %04x:%04x\n", VID, kbd->pid);
	local_tmpdir_begin();
	pid = spawn_hidmapd("mute-overflow", cfg);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0) {
		stop(pid);
		local_tmpdir_end("mute-overflow");
		return 1;
	}
	kill(pid, SIGSTOP);
	for (int i = 0; i < 100; i++) {
		kbd_key(kbd, HID_KEY_A);
		kbd_key(kbd, 0);
	}
	kill(pid, SIGCONT);
	sleep_us(3000000);
	down = keys_down(out);
	hidmapd_status(st, sizeof(st));
	note("after the overflow: %d key(s) down; GET_REPORT asked %u times (unanswered); "
	     "overflows %ld",
	     down, atomic_load(&kbd->get_reports), status_counter(st, kbd->hidraw, "overflows"));
	if (status_counter(st, kbd->hidraw, "overflows") < 1)
		r = fail("no overflow counted: the scenario tests nothing");
	else if (down != 0)
		r = fail("%d key(s) left down after the overflow of a device that cannot be asked",
		         down);
	close(out);
	stop(pid);
	local_tmpdir_end("mute-overflow");
	return r < 0;
}

struct flooder {
	struct vdev *v;
	atomic_bool stop;
	atomic_ulong sent;
};

static void *flood_main(void *arg)
{
	struct flooder *f = arg;
	int8_t dx = 1;

	while (!atomic_load(&f->stop)) {
		/* 8 reports per 1 ms tick: 8 kHz, as a fast gaming mouse */
		for (int i = 0; i < 8; i++) {
			mouse_report(f->v, 0, dx, 0);
			dx = (int8_t)-dx;
		}
		atomic_fetch_add(&f->sent, 8);
		sleep_us(1000);
	}
	return NULL;
}

static int scenario_flood_fairness(void)
{
	_cleanup_(vdev_freep) struct vdev *kbd = NULL, *mouse = NULL;
	static uint64_t idle[600], flood[600];
	struct flooder f = {0};
	char cfg[1024], node[64], phys[64];
	uint64_t p99_idle, p99_flood, bound;
	pthread_t thread;
	long n1, n2;
	pid_t pid;
	int out, r = 0;

	if (vdev_new("report-path keyboard", keyboard_rdesc, sizeof(keyboard_rdesc), 0x0105, false,
	             &kbd) < 0 ||
	    vdev_new("report-path flood mouse", mouse_rdesc, sizeof(mouse_rdesc), 0x0106, false,
	             &mouse) < 0)
		return 1;
	snprintf(cfg, sizeof(cfg),
	         "[device k]\nmatch = %04x:%04x\n\n[device m]\nmatch = %04x:%04x\n", VID, kbd->pid,
	         VID, mouse->pid);
	pid = spawn_hidmapd("flood-fairness", cfg);
	snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
	if (pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0 ||
	    (out = open_events(node)) < 0) {
		stop(pid);
		return 1;
	}
	sleep_us(500000);
	n1 = measure(kbd, out, KEY_A, 300, idle);
	f.v = mouse;
	pthread_create(&thread, NULL, flood_main, &f);
	sleep_us(200000);
	n2 = measure(kbd, out, KEY_A, 300, flood);
	atomic_store(&f.stop, true);
	pthread_join(thread, NULL);
	if (n1 < 0 || n2 < 0) {
		stop(pid);
		return 1;
	}
	p99_idle = pct(idle, (size_t)n1, 990);
	p99_flood = pct(flood, (size_t)n2, 990);
	bound = 2 * p99_idle + 2000;
	note("keyboard latency idle: p50 %" PRIu64 " p99 %" PRIu64 " us; while the mouse floods "
	     "(%lu reports, 8 kHz): p50 %" PRIu64 " p99 %" PRIu64
	     " us; bound 2 x p99 + 2 ms = %" PRIu64 " us",
	     pct(idle, (size_t)n1, 500), p99_idle, atomic_load(&f.sent),
	     pct(flood, (size_t)n2, 500), p99_flood, bound);
	if (p99_flood > bound)
		r = fail("the flood raised the keyboard's p99 from %" PRIu64 " to %" PRIu64 " us",
		         p99_idle, p99_flood);
	close(out);
	stop(pid);
	return r < 0;
}

/* ---- the benchmark ------------------------------------------------------------- */

#define ROUNDS 3
static unsigned presses = 1000; /* REPORT_PATH_presses overrides, for a quick look */

enum tool {
	KERNEL,
	FLOOR,
	FLOOR_ECHO,
	FLOOR_BLOCK,
	HIDMAPD,
	HIDMAPD_B,
	INTERCEPTION,
	KEYD,
	NTOOLS
};
static const char *const tool_name[NTOOLS] = {[KERNEL] = "kernel evdev node",
                                              [FLOOR] = "hidraw-floor",
                                              [FLOOR_ECHO] = "hidraw-floor-echo",
                                              [FLOOR_BLOCK] = "hidraw-floor-block",
                                              [HIDMAPD] = "hidmapd",
                                              [HIDMAPD_B] = "hidmapd-b",
                                              [INTERCEPTION] = "interception-tools",
                                              [KEYD] = "keyd"};
/* the floor's variants (hidraw_floor()), as HIDMAPD_BENCH_FLOOR names them */
static const char *const floor_variant[NTOOLS] = {
    [FLOOR] = "plain", [FLOOR_ECHO] = "echo", [FLOOR_BLOCK] = "block"};

static bool is_floor(enum tool t)
{
	return t == FLOOR || t == FLOOR_ECHO || t == FLOOR_BLOCK;
}

/* HIDMAPD_BENCH_FLOOR: the floor's variants to run, "plain,echo,block" or
 * "all"; none by default */
static bool floor_wanted(enum tool t)
{
	const char *v = getenv("HIDMAPD_BENCH_FLOOR");

	return v && (streq(v, "all") || strstr(v, floor_variant[t]));
}

struct figures {
	uint64_t p50[ROUNDS], p90[ROUNDS], p99[ROUNDS];
	bool ran;
};

static int median3(const uint64_t *v, uint64_t *ret)
{
	uint64_t s[ROUNDS];

	memcpy(s, v, sizeof(s));
	qsort(s, ROUNDS, sizeof(s[0]), cmp_u64);
	*ret = s[ROUNDS / 2];
	return 0;
}

/* keyd reads its configuration from /etc/keyd only: give it an /etc of
 * its own in a mount namespace (the VM's / is the host's, read-only). */
static pid_t spawn_keyd(const struct vdev *kbd)
{
	char dir[PATH_MAX], conf[PATH_MAX + 64], log[PATH_MAX];
	FILE *f;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/keyd-etc", tmpdir);
	mkdir(dir, 0755);
	/* the loader's cache, for keyd's libraries */
	snprintf(conf, sizeof(conf), "cp /etc/ld.so.cache %s/ 2>/dev/null", dir);
	(void)!system(conf);
	snprintf(dir, sizeof(dir), "%s/keyd-etc/keyd", tmpdir);
	mkdir(dir, 0755);
	snprintf(conf, sizeof(conf), "%s/default.conf", dir);
	f = fopen(conf, "we");
	if (!f)
		return fail("%s: %s", conf, strerror(errno));
	fprintf(f, "[ids]\n%04x:%04x\n\n[main]\na = b\n", VID, kbd->pid);
	fclose(f);
	snprintf(log, sizeof(log), "%s/keyd.log", tmpdir);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char etc[PATH_MAX];
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

		setpgid(0, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		snprintf(etc, sizeof(etc), "%s/keyd-etc", tmpdir);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(etc, "/etc", NULL, MS_BIND, NULL) < 0) {
			fprintf(stderr, "cannot give keyd its /etc: %s\n", strerror(errno));
			_exit(127);
		}
		execl(keyd, "keyd", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t spawn_interception(const struct vdev *kbd)
{
	char cmd[PATH_MAX * 2], log[PATH_MAX];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/interception.log", tmpdir);
	snprintf(cmd, sizeof(cmd), "exec 2>>%s; interception -g %s | %s filter-a-b | uinput -d %s",
	         log, kbd->kernel_ev, self, kbd->kernel_ev);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t spawn_floor(const struct vdev *kbd, enum tool t)
{
	char hidraw[64];
	pid_t pid;

	snprintf(hidraw, sizeof(hidraw), "/dev/%s", kbd->hidraw);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		execl(self, self, "hidraw-floor", hidraw, kbd->kernel_ev, floor_variant[t],
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* One tool on its own keyboard: its process and the node it writes to. */
struct bench_tool {
	enum tool tool;
	struct vdev *kbd;
	pid_t pid;
	int out;
	unsigned code; /* what `a` comes out as */
	uint64_t *samples;
	size_t n;
	struct figures fig;
};

static int tool_start(struct bench_tool *bt)
{
	char node[64], phys[64], cfg[512];
	struct vdev *kbd = bt->kbd;

	bt->pid = -1;
	bt->out = -1;
	bt->code = KEY_B;
	switch (bt->tool) {
	case KERNEL:
		snprintf(node, sizeof(node), "%s", kbd->kernel_ev);
		bt->code = KEY_A;
		break;
	case HIDMAPD:
		bt->pid = spawn_hidmapd(
		    "bench", kbd_config(cfg, sizeof(cfg), (const struct vdev *[]){kbd}, 1, true));
		snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
		if (bt->pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0)
			return -1;
		break;
	case HIDMAPD_B: {
		char rundir[PATH_MAX];

		/* a tmpfs: the control socket cannot be made on the results' 9p */
		snprintf(rundir, sizeof(rundir), "%s/hidmapd-bench-b",
		         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		bt->pid = spawn_hidmapd_binary(
		    getenv("HIDMAPD_BENCH_B"), rundir, "bench-b",
		    kbd_config(cfg, sizeof(cfg), (const struct vdev *[]){kbd}, 1, true));
		snprintf(phys, sizeof(phys), "hidmapd/%s/", kbd->hidraw);
		if (bt->pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0)
			return -1;
		break;
	}
	case FLOOR:
	case FLOOR_ECHO:
	case FLOOR_BLOCK:
		bt->pid = spawn_floor(kbd, bt->tool);
		snprintf(phys, sizeof(phys), "report-path-floor/%s", kbd->hidraw);
		if (bt->pid < 0 || wait_virtual(NULL, phys, node, sizeof(node)) < 0)
			return -1;
		break;
	case INTERCEPTION:
		bt->pid = spawn_interception(kbd);
		/* uinput -d copies the name of the device it mirrors */
		if (bt->pid < 0 || wait_virtual(kbd->name, NULL, node, sizeof(node)) < 0)
			return -1;
		break;
	case KEYD:
		bt->pid = spawn_keyd(kbd);
		if (bt->pid < 0 ||
		    wait_virtual("keyd virtual keyboard", NULL, node, sizeof(node)) < 0)
			return -1;
		break;
	default:
		return -1;
	}
	/* sysfs shows the device a moment before devtmpfs has its node */
	for (int i = 0; i < 100 && access(node, F_OK) < 0; i++)
		sleep_us(20000);
	bt->out = open_events(node);
	return bt->out < 0 ? -1 : 0;
}

static void tool_stop(struct bench_tool *bt)
{
	if (bt->out >= 0)
		close(bt->out);
	bt->out = -1;
	if (bt->tool == HIDMAPD || bt->tool == HIDMAPD_B)
		stop(bt->pid);
	else if (bt->pid > 0)
		kill_group(bt->pid);
	bt->pid = -1;
}

/* One press and release of `a` on bt's keyboard: two samples. */
static int tool_press(struct bench_tool *bt)
{
	for (int value = 1; value >= 0; value--) {
		uint64_t t0 = vm_now_us(), t;

		if (kbd_key(bt->kbd, value ? HID_KEY_A : 0) < 0)
			return fail("uhid input failed");
		t = wait_event(bt->out, EV_KEY, bt->code, value, EVENT_TIMEOUT_MS);
		if (!t)
			return fail("%s: %s %d did not arrive", tool_name[bt->tool],
			            libevdev_event_code_get_name(EV_KEY, bt->code), value);
		bt->samples[bt->n++] = t > t0 ? t - t0 : 0;
	}
	return 0;
}

static long proc_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* Context switches of every thread of pid: each wake-up of a thread that
 * slept is one voluntary switch. */
static long proc_switches(pid_t pid)
{
	char pattern[64];
	glob_t g;
	long total = 0;

	snprintf(pattern, sizeof(pattern), "/proc/%d/task/*/status", (int)pid);
	if (glob(pattern, 0, NULL, &g) != 0)
		return -1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");
		char line[256];

		while (f && fgets(line, sizeof(line), f)) {
			long v;

			if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
			    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
				total += v;
		}
		if (f)
			fclose(f);
	}
	globfree(&g);
	return total;
}

static int make_mice(struct vdev **mice, unsigned n, uint16_t pid0)
{
	for (unsigned i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "report-path mouse %u", i);
		if (vdev_new(name, mouse_rdesc, sizeof(mouse_rdesc), (uint16_t)(pid0 + i), true,
		             &mice[i]) < 0)
			return -1;
	}
	return 0;
}

static pid_t start_mice_daemon(const char *label, struct vdev **mice, unsigned n)
{
	static char cfg[8192];
	size_t len = 0;
	pid_t pid;

	for (unsigned i = 0; i < n; i++)
		len +=
		    (size_t)snprintf(cfg + len, sizeof(cfg) - len,
		                     "[device m%u]\nmatch = %04x:%04x\n\n", i, VID, mice[i]->pid);
	pid = spawn_hidmapd(label, cfg);
	for (unsigned i = 0; i < n && pid > 0; i++) {
		char node[64], phys[64];

		snprintf(phys, sizeof(phys), "hidmapd/%s/", mice[i]->hidraw);
		if (wait_virtual(NULL, phys, node, sizeof(node)) < 0) {
			stop(pid);
			return -1;
		}
	}
	return pid;
}

/* Sends reports to every mouse at rate_hz each for seconds; returns the
 * reports sent per mouse. */
static unsigned long send_mice(struct vdev **mice, unsigned n, unsigned rate_hz, double seconds)
{
	uint64_t period = 1000000u / rate_hz, next = vm_now_us();
	unsigned long count = (unsigned long)(rate_hz * seconds);
	int8_t dx = 1;

	for (unsigned long i = 0; i < count; i++) {
		uint64_t now = vm_now_us();

		if (next > now)
			sleep_us(next - now);
		next += period;
		for (unsigned m = 0; m < n; m++)
			mouse_report(mice[m], 0, dx, 0);
		dx = (int8_t)-dx;
	}
	return count;
}

static int bench_load(void)
{
	struct vdev *mice[16] = {0};
	char st[65536];
	long ticks0, ticks1, sw0, sw1, hz = sysconf(_SC_CLK_TCK);
	uint64_t t0, t1;
	unsigned best = 0;
	pid_t pid;
	int r = 0;

	if (make_mice(mice, 16, 0x0200) < 0) {
		r = -1;
		goto out;
	}
	/* CPU per device at 1 kHz: 4 mice, 5 s */
	pid = start_mice_daemon("bench-cpu", mice, 4);
	if (pid < 0) {
		r = -1;
		goto out;
	}
	sleep_us(1000000);
	/* idle first: wake-ups per second with 4 idle devices */
	sw0 = proc_switches(pid);
	t0 = vm_now_us();
	sleep_us(5000000);
	sw1 = proc_switches(pid);
	t1 = vm_now_us();
	note("idle: %.2f wake-ups/s of hidmapd (all threads) with 4 idle devices",
	     (double)(sw1 - sw0) / ((double)(t1 - t0) / 1e6));
	ticks0 = proc_ticks(pid);
	t0 = vm_now_us();
	send_mice(mice, 4, 1000, 5.0);
	t1 = vm_now_us();
	ticks1 = proc_ticks(pid);
	note("cpu: %.2f%% of a core per device at 1 kHz (4 devices, %.1f s, emulated CPU)",
	     100.0 * (double)(ticks1 - ticks0) / (double)hz / ((double)(t1 - t0) / 1e6) / 4.0,
	     (double)(t1 - t0) / 1e6);
	stop(pid);

	/* the highest rate without loss, 16 devices, 2 s per step */
	pid = start_mice_daemon("bench-rate", mice, 16);
	if (pid < 0) {
		r = -1;
		goto out;
	}
	for (unsigned rate = 125; rate <= 8000; rate *= 2) {
		long before[16], after, lost = 0, over = 0;
		unsigned long sent;
		double secs;

		hidmapd_status(st, sizeof(st));
		for (unsigned m = 0; m < 16; m++)
			before[m] = status_counter(st, mice[m]->hidraw, "reports");
		t0 = vm_now_us();
		sent = send_mice(mice, 16, rate, 2.0);
		secs = (double)(vm_now_us() - t0) / 1e6;
		sleep_us(1000000);
		hidmapd_status(st, sizeof(st));
		for (unsigned m = 0; m < 16; m++) {
			after = status_counter(st, mice[m]->hidraw, "reports");
			lost += (long)sent - (after - before[m]);
			over += status_counter(st, mice[m]->hidraw, "overflows");
		}
		note("rate: 16 devices x %u Hz asked, %.0f reports/s sent in all: %ld lost, "
		     "overflows so far %ld",
		     rate, (double)sent * 16 / secs, lost, over);
		if (lost != 0)
			break;
		best = (unsigned)((double)sent / secs);
	}
	note("highest rate without loss with 16 devices: %u reports/s per device (%u in all)", best,
	     best * 16);
	stop(pid);
out:
	for (unsigned i = 0; i < 16; i++)
		vdev_free(mice[i]);
	return r;
}

/*
 * Every tool runs at once, each on a keyboard of its own, and the presses
 * take turns: press i goes to the kernel's node, then hidmapd, then
 * interception, then keyd.  So a spell of load on the (emulated, shared)
 * CPU falls on every tool alike, and the ratios hold from run to run.
 */
static int scenario_bench(void)
{
	struct bench_tool tools[NTOOLS] = {0};
	uint64_t med[NTOOLS][3];
	unsigned ntools = 0;
	int r = 0;

	if (getenv("HIDMAPD_BENCH_PRESSES")) {
		uint32_t v;

		if (safe_atou32_base(getenv("HIDMAPD_BENCH_PRESSES"), 10, &v) < 0 || v == 0 ||
		    v > 100000)
			return fail("bad HIDMAPD_BENCH_PRESSES") < 0;
		presses = v;
	}
	for (enum tool t = KERNEL; t < NTOOLS; t++) {
		struct bench_tool *bt = &tools[ntools];
		char name[64];

		if (t == KEYD && !keyd) {
			note("keyd: not measured (give the path of a keyd binary)");
			continue;
		}
		if (is_floor(t) && !floor_wanted(t))
			continue;
		/* HIDMAPD_BENCH_B: a second hidmapd binary, for an A/B in one run */
		if (t == HIDMAPD_B && !getenv("HIDMAPD_BENCH_B"))
			continue;
		if (t == INTERCEPTION && access("/usr/bin/interception", X_OK) < 0) {
			note("interception-tools: not installed, not measured");
			continue;
		}
		snprintf(name, sizeof(name), "report-path bench keyboard %u", (unsigned)t);
		bt->tool = t;
		bt->samples = calloc(2 * presses, sizeof(uint64_t));
		if (!bt->samples || vdev_new(name, keyboard_rdesc, sizeof(keyboard_rdesc),
		                             (uint16_t)(0x0110 + t), false, &bt->kbd) < 0) {
			r = -1;
			goto out;
		}
		ntools++;
		if (!bt->kbd->kernel_ev[0]) {
			r = fail("keyboard %u has no kernel evdev node", (unsigned)t);
			goto out;
		}
		if (tool_start(bt) < 0) {
			r = fail("%s did not start", tool_name[t]);
			goto out;
		}
	}
	sleep_us(1000000); /* let the tools settle (grabs, first reads) */
	/* a press through each tool before measuring: on a loaded host keyd
	 * may still be scanning its devices a second after its virtual
	 * keyboard appeared */
	for (unsigned i = 0; i < ntools; i++) {
		for (int attempt = 0;; attempt++) {
			uint64_t t0;

			tools[i].n = 0;
			if (kbd_key(tools[i].kbd, HID_KEY_A) < 0 || kbd_key(tools[i].kbd, 0) < 0) {
				r = fail("uhid input failed");
				goto out;
			}
			t0 = vm_now_us();
			if (wait_event(tools[i].out, EV_KEY, tools[i].code, 0, EVENT_TIMEOUT_MS))
				break;
			if (attempt == 4) {
				r = fail("%s: no key came through in %d tries",
				         tool_name[tools[i].tool], attempt + 1);
				goto out;
			}
			note("%s: not passing keys yet after %.1f s more", tool_name[tools[i].tool],
			     (double)(vm_now_us() - t0) / 1e6);
		}
	}
	note("latency of `a` mapped to `b`: %d rounds x %u presses (press and release each a "
	     "sample), uhid write -> evdev timestamp; the tools take turns, press by press",
	     ROUNDS, presses);
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned i = 0; i < ntools; i++) {
			tools[i].n = 0;
			drain(tools[i].out);
		}
		for (unsigned p = 0; p < presses && r == 0; p++) {
			for (unsigned i = 0; i < ntools && r == 0; i++) {
				r = tool_press(&tools[i]);
				/* a little jitter, so the reports do not lock onto a tick */
				sleep_us(300 + (uint64_t)(rand() % 700));
			}
		}
		if (r < 0)
			goto out;
		for (unsigned i = 0; i < ntools; i++) {
			struct bench_tool *bt = &tools[i];

			qsort(bt->samples, bt->n, sizeof(uint64_t), cmp_u64);
			bt->fig.p50[round] = pct(bt->samples, bt->n, 500);
			bt->fig.p90[round] = pct(bt->samples, bt->n, 900);
			bt->fig.p99[round] = pct(bt->samples, bt->n, 990);
			bt->fig.ran = true;
			note("  round %u %-19s p50 %5" PRIu64 " us  p90 %5" PRIu64
			     " us  p99 %5" PRIu64 " us  (%zu reports)",
			     round + 1, tool_name[bt->tool], bt->fig.p50[round], bt->fig.p90[round],
			     bt->fig.p99[round], bt->n);
		}
		{
			char st[4096], *l;

			/* hidmapd's own view: from read() returning to the frame written */
			hidmapd_status(st, sizeof(st));
			l = strstr(st, "  latency ");
			if (l)
				note("          hidmapd's own %.*s (since it started)",
				     (int)strcspn(l + 2, "\n"), l + 2);
		}
	}
	note("\nmedian of %d rounds     p50      p90      p99    added p50  added p99", ROUNDS);
	for (unsigned i = 0; i < ntools; i++) {
		enum tool t = tools[i].tool;

		median3(tools[i].fig.p50, &med[t][0]);
		median3(tools[i].fig.p90, &med[t][1]);
		median3(tools[i].fig.p99, &med[t][2]);
		note("%-20s %6" PRIu64 " us %6" PRIu64 " us %6" PRIu64 " us %7" PRId64
		     " us %7" PRId64 " us",
		     tool_name[t], med[t][0], med[t][1], med[t][2],
		     (int64_t)med[t][0] - (int64_t)med[KERNEL][0],
		     (int64_t)med[t][2] - (int64_t)med[KERNEL][2]);
	}
	for (unsigned i = 0; i < ntools; i++) {
		enum tool t = tools[i].tool;
		double h50 = (double)med[HIDMAPD][0] - (double)med[KERNEL][0];
		double h99 = (double)med[HIDMAPD][2] - (double)med[KERNEL][2];
		double a50 = (double)med[t][0] - (double)med[KERNEL][0];
		double a99 = (double)med[t][2] - (double)med[KERNEL][2];

		if (t == KERNEL || t == HIDMAPD)
			continue;
		note("hidmapd's added latency / %s's: p50 %.2f, p99 %.2f", tool_name[t],
		     a50 > 0 ? h50 / a50 : 0, a99 > 0 ? h99 / a99 : 0);
	}
	for (unsigned i = 0; i < ntools && keyd; i++) {
		enum tool t = tools[i].tool;
		double k50 = (double)med[KEYD][0] - (double)med[KERNEL][0];
		double k99 = (double)med[KEYD][2] - (double)med[KERNEL][2];
		double a50 = (double)med[t][0] - (double)med[KERNEL][0];
		double a99 = (double)med[t][2] - (double)med[KERNEL][2];

		if (!is_floor(t) && t != HIDMAPD_B)
			continue;
		note("%s's added latency / keyd's: p50 %.2f, p99 %.2f", tool_name[t],
		     k50 > 0 ? a50 / k50 : 0, k99 > 0 ? a99 / k99 : 0);
	}
out:
	for (unsigned i = 0; i < ntools; i++) {
		tool_stop(&tools[i]);
		vdev_free(tools[i].kbd);
		free(tools[i].samples);
	}
	if (r < 0)
		return 1;
	note(" ");
	if (getenv("HIDMAPD_BENCH_NO_LOAD"))
		return 0;
	return bench_load() < 0;
}

/* (diagnostic) what one uinput write of a key frame costs here */
static int uinput_cost(void)
{
	struct libevdev *caps = libevdev_new();
	struct libevdev_uinput *ui = NULL;
	int fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);

	libevdev_set_name(caps, "report-path uinput cost");
	libevdev_enable_event_type(caps, EV_KEY);
	for (unsigned c = KEY_ESC; c <= KEY_MICMUTE; c++)
		libevdev_enable_event_code(caps, EV_KEY, c, NULL);
	libevdev_enable_event_type(caps, EV_MSC);
	libevdev_enable_event_code(caps, EV_MSC, MSC_SCAN, NULL);
	if (fd < 0 || libevdev_uinput_create_from_device(caps, fd, &ui) < 0)
		return fail("uinput: %s", strerror(errno));
	sleep_us(500000);
	for (int mode = 0; mode < 3; mode++) {
		uint64_t t0 = vm_now_us();

		for (int i = 0; i < 2000; i++) {
			struct input_event ev[3] = {
			    {.type = EV_MSC, .code = MSC_SCAN, .value = 0x70005},
			    {.type = EV_KEY, .code = KEY_B, .value = i & 1},
			    {.type = EV_SYN, .code = SYN_REPORT},
			};

			if (mode == 0)
				(void)!write(fd, ev, sizeof(ev));
			else if (mode == 1)
				(void)!write(fd, ev + 1, 2 * sizeof(ev[0]));
			else {
				(void)!write(fd, ev + 1, sizeof(ev[0]));
				(void)!write(fd, ev + 2, sizeof(ev[0]));
			}
		}
		note("uinput: %s: %.1f us per frame",
		     mode == 0   ? "MSC_SCAN+KEY+SYN, one write"
		     : mode == 1 ? "KEY+SYN, one write"
		                 : "KEY, SYN, two writes",
		     (double)(vm_now_us() - t0) / 2000.0);
	}
	libevdev_uinput_destroy(ui);
	close(fd);
	libevdev_free(caps);
	return 0;
}

/*
 * The floor of a hidraw reader (bench, HIDMAPD_BENCH_FLOOR): the kernel's
 * node grabbed as hidmapd does, the hidraw node read non-blocking from
 * epoll, one report per wake-up, and KEY_B written to uinput with no
 * decoding at all (the report's first key slot down or not).  "plain"
 * writes KEY_B and SYN_REPORT in one write(); "echo" has hidmapd's
 * syscall shape: MSC_SCAN before the key, and the uinput fd in epoll
 * too, read when it wakes the loop (the input core hands MSC_SCAN back).
 * "block" has no epoll: a blocking read() of the hidraw node, then the
 * write (two syscalls per report).
 */
static int hidraw_floor(const char *hidraw, const char *kernel_ev, const char *variant)
{
	bool echo = streq(variant, "echo"), block = streq(variant, "block");
	struct uinput_setup us = {.id = {.bustype = BUS_VIRTUAL, .vendor = VID, .product = 0xf100}};
	struct epoll_event ee = {.events = EPOLLIN};
	int hfd = open(hidraw, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int kfd = open(kernel_ev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int ufd = open("/dev/uinput", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	char phys[64];
	int down = 0;

	if (hfd < 0 || kfd < 0 || ufd < 0 || epfd < 0)
		return fail("hidraw-floor: open: %s", strerror(errno));
	(void)ioctl(kfd, EVIOCGRAB, (void *)1);
	snprintf(phys, sizeof(phys), "report-path-floor/%s", strrchr(hidraw, '/') + 1);
	snprintf(us.name, sizeof(us.name), "report-path hidraw-floor");
	if (ioctl(ufd, UI_SET_EVBIT, EV_KEY) < 0 || ioctl(ufd, UI_SET_KEYBIT, KEY_B) < 0 ||
	    (echo &&
	     (ioctl(ufd, UI_SET_EVBIT, EV_MSC) < 0 || ioctl(ufd, UI_SET_MSCBIT, MSC_SCAN) < 0)) ||
	    ioctl(ufd, UI_SET_PHYS, phys) < 0 || ioctl(ufd, UI_DEV_SETUP, &us) < 0 ||
	    ioctl(ufd, UI_DEV_CREATE) < 0)
		return fail("hidraw-floor: uinput: %s", strerror(errno));
	if (block) {
		(void)fcntl(hfd, F_SETFL, 0);
		for (;;) {
			uint8_t buf[64];
			struct input_event out[2] = {
			    {.type = EV_KEY, .code = KEY_B},
			    {.type = EV_SYN, .code = SYN_REPORT},
			};
			ssize_t len = read(hfd, buf, sizeof(buf));

			if (len < 0 && errno != EINTR)
				return 0;
			if (len < 4 || (buf[3] != 0) == down)
				continue;
			down = buf[3] != 0;
			out[0].value = down;
			(void)!write(ufd, out, sizeof(out));
		}
	}
	ee.data.fd = hfd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, hfd, &ee) < 0)
		return fail("hidraw-floor: epoll: %s", strerror(errno));
	ee.data.fd = ufd;
	if (echo && epoll_ctl(epfd, EPOLL_CTL_ADD, ufd, &ee) < 0)
		return fail("hidraw-floor: epoll: %s", strerror(errno));
	for (;;) {
		struct epoll_event evs[4];
		int n = epoll_wait(epfd, evs, 4, -1);

		for (int i = 0; i < n; i++) {
			uint8_t buf[64];
			struct input_event out[3] = {
			    {.type = EV_MSC, .code = MSC_SCAN, .value = 0x70004},
			    {.type = EV_KEY, .code = KEY_B},
			    {.type = EV_SYN, .code = SYN_REPORT},
			};
			ssize_t len;

			if (evs[i].data.fd == ufd) {
				struct input_event back[16];

				(void)!read(ufd, back, sizeof(back));
				continue;
			}
			len = read(hfd, buf, sizeof(buf));
			if (len < 0 && errno != EAGAIN && errno != EINTR)
				return 0;
			if (len < 4 || (buf[3] != 0) == down)
				continue;
			down = buf[3] != 0;
			out[1].value = down;
			if (echo)
				(void)!write(ufd, out, sizeof(out));
			else
				(void)!write(ufd, out + 1, 2 * sizeof(out[0]));
		}
	}
}

/* interception-tools filter: KEY_A becomes KEY_B, everything else passes */
static int filter_a_b(void)
{
	struct input_event ev;

	while (read(0, &ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
		if (ev.type == EV_KEY && ev.code == KEY_A)
			ev.code = KEY_B;
		if (write(1, &ev, sizeof(ev)) != (ssize_t)sizeof(ev))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *name;
	int r;

	if (argc >= 2 && streq(argv[1], "filter-a-b"))
		return filter_a_b();
	if (argc >= 5 && streq(argv[1], "hidraw-floor"))
		return hidraw_floor(argv[2], argv[3], argv[4]) < 0;
	if (argc < 4) {
		fprintf(stderr, "usage: report-path SCENARIO HIDMAPD TMPDIR [KEYD]\n");
		return 2;
	}
	name = argv[1];
	hidmapd = argv[2];
	tmpdir = argv[3];
	keyd = argc > 4 && argv[4][0] ? argv[4] : NULL;
	self = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/dev/uhid", W_OK) < 0 || access("/dev/uinput", W_OK) < 0) {
		note("SKIP: no /dev/uhid or /dev/uinput (run in the VM: tests/vm/run-vm.sh)");
		return 77;
	}
	mkdir(tmpdir, 0755);
	srand(1);
	signal(SIGPIPE, SIG_IGN);
	udev = udev_new();
	hid_monitor = udev ? vm_hid_monitor_new(udev) : NULL;
	if (!hid_monitor)
		return fail("cannot listen to kernel uevents") < 0;

	if (streq(name, "overflow-release"))
		r = scenario_overflow_release();
	else if (streq(name, "stall-burst"))
		r = scenario_stall_burst();
	else if (streq(name, "mute-feature"))
		r = scenario_mute_feature();
	else if (streq(name, "flood-fairness"))
		r = scenario_flood_fairness();
	else if (streq(name, "silent-plug"))
		r = scenario_silent_plug();
	else if (streq(name, "unplug-pending"))
		r = scenario_unplug_pending();
	else if (streq(name, "control-flood"))
		r = scenario_control_flood();
	else if (streq(name, "reload-limits"))
		r = scenario_reload_limits();
	else if (streq(name, "mute-overflow"))
		r = scenario_mute_overflow();
	else if (streq(name, "bench"))
		r = scenario_bench();
	else if (streq(name, "uinput-cost"))
		r = uinput_cost() < 0;
	else {
		fprintf(stderr, "unknown scenario %s\n", name);
		r = 2;
	}
	udev_monitor_unref(hid_monitor);
	udev_unref(udev);
	return r;
}
