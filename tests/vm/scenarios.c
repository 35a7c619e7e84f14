/* SPDX-License-Identifier: MIT */
/*
 * scenarios: the real `hidmapd run` against real kernel devices.
 *
 * Runs inside the test VM (tests/vm/run-vm.sh), where uhid, hidraw, evdev
 * and uinput exist.  Each scenario creates HID devices with uhid from
 * corpus descriptors, starts the hidmapd binary (fork/exec, its stderr in
 * TMPDIR/<scenario>.hidmapd.log), and checks what comes out of the uinput
 * devices it creates and what goes back to the HID device:
 *
 *   bus       which uhid bus types hidapi's hid_enumerate() lists
 *   start     devices present at start: opened and mirrored within the
 *             start limit; D:/C: lines and every report's E: lines equal
 *             what `hidmapd replay` prints for the same recording
 *   remap     a config remap (KEY_A→KEY_B, BTN_LEFT→BTN_RIGHT) on the
 *             real output, again equal to `hidmapd replay --config`
 *   grab      the kernel's own evdev node is silent while hidmapd drives
 *             the device, and delivers again after SIGTERM
 *   unplug    a device plugged in after the start (hotplug), then
 *             UHID_DESTROY with a key held: the release comes out before
 *             the uinput device goes; no CPU spin and no fd leak after;
 *             then the same again (replug)
 *   sigterm   keys held at SIGTERM are released before the devices go
 *   sigkill   a key held at SIGKILL is released by the kernel when it
 *             destroys the uinput device
 *   reload    SIGHUP with a broken config keeps the old mapping and names
 *             file:line; a fixed config applies with no key left down
 *   reload-inotify  no signal: a config file written in place, then
 *             replaced by rename (as editors save), reloads within the
 *             debounce; a broken one is rejected with file:line and the old
 *             mapping stays.  The device is selected by match-type.
 *   doctor    `hidmapd doctor` names the device, hid-generic, the kernel's
 *             evdev nodes (as sysfs lists them) and who holds the node
 *   led       EV_LED written to the uinput keyboard reaches the HID device
 *             as an output report
 *   taphold-macro  a tap-hold key tapped (the tap key comes out) and held
 *             (the hold key, from the timeout on), and a macro typing
 *             text, on the real uinput keyboard: timers in the daemon
 *   remap-keyd  keyd's semantics through the input core: [ held, then
 *             Shift+[ gives a second [ press (released in a frame of its
 *             own first, as the core drops a press of a key that is down);
 *             a tap-hold-now onto an Alt layer tapped alone has its Alt
 *             release wrapped in a Ctrl tap (keyd's modifier guard)
 *   replug    replug-grace 1s: a device that goes with a key held has the
 *             key released at once on its still-existing uinput device;
 *             back within the grace period it gets the same uinput device
 *             (same open fd keeps working, same sysfs input), back after
 *             it a new one
 *   control   `hidmapd status` lists the device, its event node and
 *             counters; `hidmapd monitor` streams its events; `hidmapd
 *             reload` answers ok or the config error; after SIGTERM the
 *             socket is gone and the client says the daemon is not running
 *   watchdog  with NOTIFY_SOCKET, WATCHDOG_USEC=200000 and WATCHDOG_PID the
 *             daemon sends READY=1, then WATCHDOG=1 about every 100 ms
 *   session   fast user switching: see scenarios-session.c
 *   user-unit, user-unit-no-userns  the shipped hidmapd.service under a real
 *             unprivileged `systemd --user`, prepared by user-unit.sh (see
 *             scenario_user_unit_run())
 *
 *   scenarios [--bus HEX] [--verbose] SCENARIO HIDMAPD CORPUS_DIR KERNEL_DATA_DIR TMPDIR
 *
 * KERNEL_DATA_DIR is tests/data/kernel (recordings with synthetic reports
 * for corpus files that have none).  Exit status: 0 pass, 1 fail, 2 bad
 * usage, 77 skipped (no /dev/uhid or /dev/uinput: not in the VM).
 *
 * Every wait has a deadline; a failure says FAIL: and what was expected,
 * and prints the daemon's log.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hidapi/hidapi.h>
#include <libevdev/libevdev.h>
#include <libudev.h>
#include <linux/input.h>
#include <linux/netlink.h>
#include <linux/uhid.h>

#include "build-config.h"
#include "hid-recording.h"
#include "sink.h"
#include "uhid-util.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

#define MAX_OUTPUTS      8
#define MAX_REPORTS      256
#define MAX_LED_OUTPUTS  64
#define BIND_TIMEOUT_MS  5000
#define EVENT_TIMEOUT_MS 2000
#define SETTLE_MS        30
#define STOP_TIMEOUT_MS  5000

/* pid.codes test PIDs: no vendor module claims them */
#define TEST_VID     0x1209
#define KEYBOARD_PID 0x0001
#define MOUSE_PID    0x0002

/* the boot keyboard layout of synthetic/hidtools-ledkeyboard.hid:
 * modifiers, reserved, six key array slots (usage IDs, 0x04 is A) */
#define KBD_REPORT_SIZE 8
#define HID_KEY_A       0x04
#define HID_MOD_LSHIFT  0x02

/* synthetic/hidtools-wheelmouse.hid: buttons 1-3 in bits 0-2, X, Y, wheel */
#define MOUSE_REPORT_SIZE 4

static const char *hidmapd, *corpus_dir, *kdata_dir, *tmpdir, *scenario;
static unsigned test_bus = 0x03;
static bool verbose;
static pid_t daemon_pid = -1;
static char daemon_log[PATH_MAX];
/* the watchdog scenario: the daemon gets NOTIFY_SOCKET and WATCHDOG_* */
static char notify_socket[PATH_MAX];
static unsigned watchdog_usec;
static struct udev *udev;
static struct udev_monitor *hid_monitor;
static int kmsg = -1;

/* ---- reporting ----------------------------------------------------------- */

static int fail(const char *fmt, ...) _printf_(1, 2);
static int fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return -1;
}

static void note(const char *fmt, ...) _printf_(1, 2);
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", scenario);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return fail("cannot write %s: %s", path, strerror(errno));
	fputs(content, f);
	if (fclose(f) != 0)
		return fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* ---- test HID devices (uhid) --------------------------------------------- */

struct tdev {
	const char *label;
	char recpath[PATH_MAX]; /* recording with the test ids and reports */
	struct hm_recording *rec;
	int uhid;
	char *syspath;
	char hidraw[32]; /* "hidraw0" */
	struct vm_uhid_stats st;
	/* UHID_OUTPUT reports, in arrival order */
	uint8_t out[MAX_LED_OUTPUTS][64];
	size_t out_size[MAX_LED_OUTPUTS];
	unsigned nout;
};

static void on_output(void *userdata, const struct uhid_output_req *o)
{
	struct tdev *t = userdata;
	size_t n = o->size < sizeof(t->out[0]) ? o->size : sizeof(t->out[0]);

	if (o->rtype != UHID_OUTPUT_REPORT || t->nout == MAX_LED_OUTPUTS)
		return;
	memcpy(t->out[t->nout], o->data, n);
	t->out_size[t->nout] = n;
	t->nout++;
}

static int tdev_service(struct tdev *t)
{
	if (t->uhid < 0)
		return 0;
	return vm_uhid_service(t->uhid, &t->st, verbose, on_output, t);
}

static void tdev_free(struct tdev *t)
{
	if (!t)
		return;
	safe_close(t->uhid);
	free(t->syspath);
	hm_recording_free(t->rec);
	free(t);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(struct tdev *, tdev_free);

/* The recording of the device: source's name and descriptor, the test
 * bus and ids, and either the source's reports or `reports` (hex strings,
 * NULL-terminated). */
static int write_recording(const char *path, const struct hm_recording *src, uint16_t pid,
                           const char *const *reports)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return fail("cannot write %s: %s", path, strerror(errno));
	hm_recording_write_header(f, src->name, (uint16_t)test_bus, TEST_VID, pid, src->rdesc,
	                          src->rdesc_size);
	if (reports) {
		for (size_t i = 0; reports[i]; i++) {
			uint8_t data[64];
			size_t n = 0;

			for (const char *s = reports[i]; s[0] && s[1] && n < sizeof(data);) {
				unsigned v;

				if (sscanf(s, "%2x", &v) != 1)
					break;
				data[n++] = (uint8_t)v;
				s += 2;
				while (*s == ' ')
					s++;
			}
			hm_recording_write_event(f, (uint64_t)i * 10000u, data, n);
		}
	} else {
		for (size_t i = 0; i < src->nevents; i++)
			hm_recording_write_event(f, src->events[i].time_us, src->events[i].data,
			                         src->events[i].size);
	}
	if (fclose(f) != 0)
		return fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

static int find_hidraw(const char *syspath, char *buf, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/hidraw", syspath);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (startswith(de->d_name, "hidraw") &&
		    snprintf(buf, size, "%s", de->d_name) < (int)size) {
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -ENOENT;
}

/*
 * A uhid device made from source (a path relative to the corpus or the
 * kernel data dir, see tdev_new_from), with the test bus, TEST_VID:pid and
 * the given reports (NULL: the source's).  Waits until hid-generic has
 * bound it and its hidraw node exists.
 */
static int tdev_new(const char *label, const char *source, uint16_t pid, const char *const *reports,
                    struct tdev **ret)
{
	_cleanup_(hm_recording_freep) struct hm_recording *src = NULL;
	_cleanup_(tdev_freep) struct tdev *t = zalloc(sizeof(*t));
	int r;

	if (!t)
		return fail("out of memory");
	t->uhid = -1;
	t->label = label;
	if (hm_recording_load(source, &src) < 0)
		return fail("%s: cannot load %s", label, source);
	snprintf(t->recpath, sizeof(t->recpath), "%s/%s-%s.hid", tmpdir, scenario, label);
	if (write_recording(t->recpath, src, pid, reports) < 0)
		return -1;
	if (hm_recording_load(t->recpath, &t->rec) < 0)
		return fail("%s: cannot load back %s", label, t->recpath);

	t->uhid = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->uhid < 0)
		return fail("/dev/uhid: %s", strerror(errno));
	r = vm_uhid_create(t->uhid, t->rec, "hidmapd-vm-scenarios");
	if (r < 0)
		return fail("%s: UHID_CREATE2: %s", label, strerror(-r));
	r = vm_uhid_wait_bound(hid_monitor, kmsg, t->uhid, t->rec, BIND_TIMEOUT_MS, &t->st, verbose,
	                       on_output, t, &t->syspath);
	if (r < 0)
		return fail("%s: hid-generic did not bind the uhid device: %s", label,
		            strerror(-r));
	r = find_hidraw(t->syspath, t->hidraw, sizeof(t->hidraw));
	if (r < 0)
		return fail("%s: no hidraw node under %s: %s", label, t->syspath, strerror(-r));
	note("%s: %s (%s, %04x:%04x:%04x) is /dev/%s", label, t->rec->name, source, test_bus,
	     TEST_VID, pid, t->hidraw);
	*ret = steal(&t);
	return 0;
}

static const char *kdata(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", kdata_dir, name);
	return buf;
}

static const char *corpus(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", corpus_dir, name);
	return buf;
}

static int tdev_report(struct tdev *t, const char *hex)
{
	uint8_t data[64];
	size_t n = 0;
	int r;

	for (const char *s = hex; s[0] && s[1] && n < sizeof(data);) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		data[n++] = (uint8_t)v;
		s += 2;
		while (*s == ' ')
			s++;
	}
	r = vm_uhid_input(t->uhid, data, n);
	if (r < 0)
		return fail("%s: UHID_INPUT2 %s: %s", t->label, hex, strerror(-r));
	return 0;
}

/* ---- the daemon ---------------------------------------------------------- */

static void dump_daemon_log(void)
{
	char line[1024];
	FILE *f;

	if (!daemon_log[0] || !(f = fopen(daemon_log, "re")))
		return;
	printf("---- %s ----\n", daemon_log);
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	printf("---- end of log ----\n");
	fclose(f);
	fflush(stdout);
}

/* Forks and execs `hidmapd -v run --config CONFIG` (CONFIG NULL: without
 * --config), stdout and stderr to daemon_log.  *ret_t0 is the time just before the fork. */
static int daemon_start(const char *config, uint64_t *ret_t0)
{
	pid_t pid;

	snprintf(daemon_log, sizeof(daemon_log), "%s/%s.hidmapd.log", tmpdir, scenario);
	fflush(NULL);
	if (ret_t0)
		*ret_t0 = vm_now_us();
	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(daemon_log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		int null = open("/dev/null", O_RDONLY);

		if (fd < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		close(null);
		if (notify_socket[0]) {
			char v[32];

			setenv("NOTIFY_SOCKET", notify_socket, 1);
			snprintf(v, sizeof(v), "%u", watchdog_usec);
			setenv("WATCHDOG_USEC", v, 1);
			/* sd_watchdog_enabled() checks it is meant for this process */
			snprintf(v, sizeof(v), "%d", (int)getpid());
			setenv("WATCHDOG_PID", v, 1);
		}
		if (config)
			execl(hidmapd, "hidmapd", "-v", "run", "--config", config, (char *)NULL);
		else /* the default search path */
			execl(hidmapd, "hidmapd", "-v", "run", (char *)NULL);
		_exit(127);
	}
	daemon_pid = pid;
	return 0;
}

/* Waits for the daemon to exit; returns its wait status, or -ETIMEDOUT. */
static int daemon_wait_exit(unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	int status;

	if (daemon_pid < 0)
		return -ECHILD;
	for (;;) {
		pid_t p = waitpid(daemon_pid, &status, WNOHANG);

		if (p == daemon_pid) {
			daemon_pid = -1;
			return status;
		}
		if (p < 0)
			return -errno;
		if (vm_now_us() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(2);
	}
}

/* the MainPID of hidmapd.service in the user-unit scenarios, else 0 */
static pid_t unit_pid;

static bool daemon_alive(void)
{
	int status;

	/* the daemon of a systemd unit is not our child */
	if (unit_pid > 0)
		return kill(unit_pid, 0) == 0 || errno == EPERM;
	if (daemon_pid < 0)
		return false;
	if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
		note("hidmapd exited (status 0x%x)", status);
		daemon_pid = -1;
		return false;
	}
	return true;
}

/* Never kill(-1, ...): daemon_pid is -1 once the daemon has been reaped. */
static void daemon_signal(int sig)
{
	if (daemon_pid > 0)
		kill(daemon_pid, sig);
}

static void daemon_kill(void)
{
	if (daemon_pid < 0)
		return;
	daemon_signal(SIGKILL);
	(void)daemon_wait_exit(STOP_TIMEOUT_MS);
	daemon_pid = -1;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : (long)st.st_size;
}

/* Waits until the daemon's log, from offset `from` on, contains needle. */
static bool daemon_log_wait(const char *needle, long from, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		FILE *f = fopen(daemon_log, "re");
		char line[1024];
		bool found = false;

		if (f) {
			fseek(f, from, SEEK_SET);
			while (!found && fgets(line, sizeof(line), f))
				found = strstr(line, needle) != NULL;
			fclose(f);
		}
		if (found)
			return true;
		if (vm_now_us() >= deadline || !daemon_alive())
			return false;
		sleep_ms(5);
	}
}

/* Number of fds open in the daemon; with list, also what they are. */
static int count_fds(pid_t pid, bool list)
{
	char path[64], link[PATH_MAX + 80], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		ssize_t l;

		if (de->d_name[0] == '.')
			continue;
		n++;
		if (!list)
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		target[l > 0 ? l : 0] = '\0';
		printf("    fd %s -> %s\n", de->d_name, target);
	}
	closedir(d);
	return n;
}

/* A count that does not change over 200 ms. */
static int stable_fd_count(pid_t pid)
{
	int prev = count_fds(pid, false);

	for (int i = 0; i < 25; i++) {
		int n;

		sleep_ms(200);
		n = count_fds(pid, false);
		if (n == prev)
			return n;
		prev = n;
	}
	return -EAGAIN;
}

/* fds of the daemon that point at /dev/<node> */
static int count_node_fds(pid_t pid, const char *node)
{
	char path[64], link[PATH_MAX + 80], target[PATH_MAX], want[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(want, sizeof(want), "/dev/%s", node);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		ssize_t l;

		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		if (l <= 0)
			continue;
		target[l] = '\0';
		n += streq(target, want);
	}
	closedir(d);
	return n;
}

/* utime + stime of pid, in clock ticks */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long utime, stime;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* fields after "(comm)": state(3) ... utime(14) stime(15) */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
	                 &stime) != 2)
		return -EIO;
	return (long)(utime + stime);
}

/* ---- the daemon's uinput devices ----------------------------------------- */

struct output {
	unsigned index; /* K of phys hidmapd/hidrawN/inputK */
	char devnode[64];
	char phys[96];
	int fd;
	struct libevdev *evdev;
	char *events; /* E: lines read so far (memstream) */
	size_t events_len;
	FILE *events_f;
	unsigned nsyn;
	struct input_event *frame; /* the frame being read */
	size_t nframe;
	bool gone; /* read() said ENODEV */
};

#define MAX_FRAME 1024

static int parse_input_number(const char *name, uint32_t *ret)
{
	const char *s = startswith(name, "input");

	if (!s || !*s)
		return -EINVAL;
	return safe_atou32_base(s, 10, ret);
}

static int cmp_output(const void *a, const void *b)
{
	const struct output *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static void outputs_close(struct output *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		libevdev_free(o[i].evdev);
		o[i].evdev = NULL;
		o[i].fd = safe_close(o[i].fd);
		if (o[i].events_f)
			fclose(o[i].events_f);
		o[i].events_f = NULL;
		free(o[i].events);
		o[i].events = NULL;
		free(o[i].frame);
		o[i].frame = NULL;
	}
}

/* The first line of a sysfs file, without its newline; "" if unreadable. */
static void read_attr(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t l = fd >= 0 ? read(fd, buf, size - 1) : -1;

	safe_close(fd);
	buf[l > 0 ? l : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * The daemon's uinput event nodes for t, sorted: those whose input device
 * has phys "hidmapd/<hidraw>/inputK" by K.  If there are none, uinput
 * devices (under /sys/devices/virtual/input) with t's vendor and product
 * stand in, in creation order, their phys as the kernel has it: so that a
 * missing phys fails the check of it, not every scenario.  Not opened.
 */
static int find_outputs(const struct tdev *t, struct output *o, size_t max, size_t *ret_n)
{
	char prefix[64], vid[8], pid[8];
	struct dirent *de;
	DIR *d = opendir("/sys/class/input");
	size_t n = 0, nvirtual = 0;
	struct output virt[MAX_OUTPUTS];

	if (!d)
		return -errno;
	snprintf(prefix, sizeof(prefix), "hidmapd/%s/input", t->hidraw);
	snprintf(vid, sizeof(vid), "%04x", t->rec->vendor);
	snprintf(pid, sizeof(pid), "%04x", t->rec->product);
	while ((de = readdir(d))) {
		char path[PATH_MAX], real[PATH_MAX], phys[96], attr[16];
		struct output x = {.fd = -1};
		const char *k, *input;
		uint32_t index;

		if (!startswith(de->d_name, "event"))
			continue;
		if (snprintf(x.devnode, sizeof(x.devnode), "/dev/input/%s", de->d_name) >=
		    (int)sizeof(x.devnode))
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/device/phys", de->d_name);
		read_attr(path, phys, sizeof(phys));
		snprintf(x.phys, sizeof(x.phys), "%s", phys);
		k = startswith(phys, prefix);
		if (k && safe_atou32_base(k, 10, &index) == 0) {
			x.index = index;
			if (n < max)
				o[n++] = x;
			continue;
		}
		snprintf(path, sizeof(path), "/sys/class/input/%s/device", de->d_name);
		if (!realpath(path, real) || !startswith(real, "/sys/devices/virtual/input/"))
			continue;
		input = strrchr(real, '/') + 1;
		if (parse_input_number(input, &index) < 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/id/vendor", real) >= (int)sizeof(path))
			continue;
		read_attr(path, attr, sizeof(attr));
		if (!streq(attr, vid))
			continue;
		if (snprintf(path, sizeof(path), "%s/id/product", real) >= (int)sizeof(path))
			continue;
		read_attr(path, attr, sizeof(attr));
		if (!streq(attr, pid))
			continue;
		x.index = index;
		if (nvirtual < MAX_OUTPUTS)
			virt[nvirtual++] = x;
	}
	closedir(d);
	if (n == 0) {
		n = nvirtual < max ? nvirtual : max;
		memcpy(o, virt, n * sizeof(*o));
	}
	qsort(o, n, sizeof(*o), cmp_output);
	*ret_n = n;
	return 0;
}

/* Waits until at least want outputs of t exist, servicing the test
 * devices meanwhile; returns how many exist (maybe fewer, at the
 * deadline). */
static size_t wait_outputs(struct tdev **devs, size_t ndevs, const struct tdev *t, size_t want,
                           struct output *o, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	size_t n = 0;

	for (;;) {
		for (size_t i = 0; i < ndevs; i++)
			(void)tdev_service(devs[i]);
		if (find_outputs(t, o, MAX_OUTPUTS, &n) == 0 && n >= want)
			return n;
		if (vm_now_us() >= deadline || !daemon_alive())
			return n;
		sleep_ms(1);
	}
}

static int output_open(struct output *o, int flags)
{
	int r;

	o->fd = open(o->devnode, flags | O_CLOEXEC);
	if (o->fd < 0)
		return fail("%s: %s", o->devnode, strerror(errno));
	r = libevdev_new_from_fd(o->fd, &o->evdev);
	if (r < 0)
		return fail("%s: libevdev: %s", o->devnode, strerror(-r));
	o->events_f = open_memstream(&o->events, &o->events_len);
	o->frame = calloc(MAX_FRAME, sizeof(*o->frame));
	if (!o->events_f || !o->frame)
		return fail("out of memory");
	return 0;
}

/* Moves the complete frames queued on o to o->events (E: lines as device
 * dev, auto-repeat and frames left empty by dropping it left out). */
static int output_drain(struct output *o, unsigned dev)
{
	if (!o->events_f)
		return fail("out of memory");
	for (;;) {
		struct input_event buf[64];
		ssize_t len = read(o->fd, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EAGAIN)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENODEV) {
				o->gone = true;
				return 0;
			}
			return fail("%s: read: %s", o->devnode, strerror(errno));
		}
		for (size_t i = 0; i < (size_t)len / sizeof(buf[0]); i++) {
			const struct input_event *e = &buf[i];

			if (e->type == EV_KEY && e->value == 2)
				continue;
			if (e->type == EV_SYN && e->code == SYN_REPORT) {
				if (o->nframe == 0)
					continue;
				for (size_t j = 0; j < o->nframe; j++)
					hm_print_event(o->events_f, dev, o->frame[j].type,
					               o->frame[j].code, o->frame[j].value);
				hm_print_event(o->events_f, dev, e->type, e->code, e->value);
				o->nsyn++;
				o->nframe = 0;
				continue;
			}
			if (o->nframe < MAX_FRAME)
				o->frame[o->nframe++] = *e;
		}
	}
}

/* strstr() that takes NULL for "" */
static bool contains(const char *s, const char *needle)
{
	return s && strstr(s, needle);
}

/* Takes the E: lines collected on o so far ("" if none; NULL: out of memory). */
static char *output_take(struct output *o)
{
	char *s;

	if (fclose(o->events_f) != 0) {
		o->events_f = NULL;
		return NULL;
	}
	s = o->events ? o->events : strdup("");
	o->events = NULL;
	o->events_len = 0;
	o->nsyn = 0;
	o->events_f = open_memstream(&o->events, &o->events_len);
	if (!o->events_f) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Reads the outputs until each has delivered want_syn[i] frames (or the
 * deadline passes), then for SETTLE_MS more, so that an extra frame shows.
 */
static void outputs_collect(struct output *o, size_t n, const unsigned *want_syn,
                            struct tdev **devs, size_t ndevs)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u, settle = 0;

	for (;;) {
		struct pollfd p[MAX_OUTPUTS];
		uint64_t t = vm_now_us();
		bool done = true;

		for (size_t i = 0; i < n; i++) {
			(void)output_drain(&o[i], (unsigned)i);
			if (o[i].nsyn < want_syn[i])
				done = false;
		}
		for (size_t i = 0; i < ndevs; i++)
			(void)tdev_service(devs[i]);
		if (done && !settle)
			settle = t + SETTLE_MS * 1000u;
		if ((settle && t >= settle) || t >= deadline)
			return;
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = o[i].fd, .events = POLLIN};
		(void)poll(p, n, 5);
	}
}

/* Whether o currently reports key code as down (EVIOCGKEY). */
static int key_down(const struct output *o, unsigned code)
{
	unsigned long bits[KEY_CNT / (8 * sizeof(unsigned long)) + 1] = {0};

	if (ioctl(o->fd, EVIOCGKEY(sizeof(bits)), bits) < 0)
		return -errno;
	return !!(bits[code / (8 * sizeof(long))] & (1UL << (code % (8 * sizeof(long)))));
}

/* Number of keys o currently reports down, listed when verbose or not 0. */
static int keys_down(const struct output *o)
{
	int n = 0;

	for (unsigned c = 0; c < KEY_CNT; c++) {
		int r = key_down(o, c);

		if (r < 0)
			return r;
		if (r) {
			printf("    %s: %s is down\n", o->devnode,
			       libevdev_event_code_get_name(EV_KEY, c) ?: "?");
			n++;
		}
	}
	return n;
}

/* ---- `hidmapd replay` --------------------------------------------------- */

struct replay {
	char *header[MAX_OUTPUTS]; /* D:/C: lines per device */
	size_t ndevices;
	char *block[MAX_REPORTS]; /* E: lines after "R: n" */
	size_t nblocks;
};

static void replay_free(struct replay *rp)
{
	for (size_t i = 0; i < MAX_OUTPUTS; i++)
		free(rp->header[i]);
	for (size_t i = 0; i < MAX_REPORTS; i++)
		free(rp->block[i]);
	memset(rp, 0, sizeof(*rp));
}

static int append(char **s, const char *line)
{
	size_t a = *s ? strlen(*s) : 0, b = strlen(line);
	char *t = realloc(*s, a + b + 1);

	if (!t)
		return -ENOMEM;
	memcpy(t + a, line, b + 1);
	*s = t;
	return 0;
}

/* Runs `hidmapd replay [--config CONFIG] FILE` and splits its output. */
static int replay_run(const char *config, const char *file, struct replay *rp)
{
	int pipefd[2], status;
	char line[1024];
	long block = -1;
	pid_t pid;
	FILE *f;

	memset(rp, 0, sizeof(*rp));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return fail("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(pipefd[1], 1);
		if (config)
			execl(hidmapd, "hidmapd", "replay", "--config", config, file, (char *)NULL);
		else
			execl(hidmapd, "hidmapd", "replay", file, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "re");
	if (!f) {
		close(pipefd[0]);
		return fail("fdopen: %s", strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned dev;
		uint32_t n;
		int r = 0;

		if (startswith(line, "R: ")) {
			if (safe_atou32_base(strstrip(line + 3), 10, &n) < 0 || n >= MAX_REPORTS)
				r = -EINVAL;
			else
				block = n, rp->nblocks = n + 1;
		} else if ((startswith(line, "D: ") || startswith(line, "C: ")) && block < 0 &&
		           sscanf(line + 3, "%u", &dev) == 1 && dev < MAX_OUTPUTS) {
			r = append(&rp->header[dev], line);
			if (dev >= rp->ndevices)
				rp->ndevices = dev + 1;
		} else if (startswith(line, "E: ") && block >= 0) {
			r = append(&rp->block[block], line);
		} else {
			r = -EINVAL;
		}
		if (r < 0) {
			fclose(f);
			waitpid(pid, &status, 0);
			return fail("hidmapd replay %s: unexpected line: %s", file, line);
		}
	}
	fclose(f);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail("hidmapd replay %s failed (status 0x%x)", file, status);
	return 0;
}

static unsigned count_syn(const char *s, unsigned dev)
{
	char needle[48];
	unsigned n = 0;

	snprintf(needle, sizeof(needle), "E: %u EV_SYN SYN_REPORT", dev);
	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void print_indented(const char *what, const char *s)
{
	printf("  %s:\n", what);
	if (!s || !*s) {
		printf("    (nothing)\n");
		return;
	}
	for (const char *p = s; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("    %.*s\n", len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* D:/C: lines of the live uinput device as device number dev */
static char *describe_output(const struct output *o, unsigned dev)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	hm_print_device(f, dev, o->evdev);
	fclose(f);
	return s;
}

/*
 * The heart of `start` and `remap`: the daemon's outputs for t must have
 * replay's D:/C: lines, and each of t's recorded reports, written to uhid,
 * must come out as replay's E: lines for it.
 */
static int check_against_replay(struct tdev *t, const char *config, struct output *o, size_t n,
                                struct tdev **devs, size_t ndevs)
{
	struct replay rp;
	unsigned mismatches = 0;
	int status = 0, phys_status = 0;

	if (replay_run(config, t->recpath, &rp) < 0)
		return -1;
	if (rp.ndevices != n) {
		replay_free(&rp);
		return fail("%s: hidmapd created %zu uinput device(s), replay prints %zu", t->label,
		            n, rp.ndevices);
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *live = describe_output(&o[i], (unsigned)i);
		char phys[96];

		snprintf(phys, sizeof(phys), "hidmapd/%s/input%zu", t->hidraw, i);
		if (!streq(o[i].phys, phys)) {
			/* reported, but the events are still worth checking */
			phys_status = fail("%s: output %zu has phys \"%s\", expected \"%s\"",
			                   t->label, i, o[i].phys, phys);
		}
		if (!live || !streq(live, rp.header[i])) {
			status = fail("%s: %s's capabilities differ from replay's device %zu",
			              t->label, o[i].devnode, i);
			print_indented("replay", rp.header[i]);
			print_indented("uinput", live);
		}
	}
	if (status < 0) {
		replay_free(&rp);
		return status;
	}
	note("%s: %zu uinput device(s) with replay's D:/C: lines (%s)", t->label, n,
	     libevdev_get_name(o[0].evdev));

	for (size_t r = 0; r < t->rec->nevents; r++) {
		const struct hm_recording_event *e = &t->rec->events[r];
		unsigned want[MAX_OUTPUTS];
		_cleanup_free_ char *live = NULL;
		int err;

		for (size_t i = 0; i < n; i++)
			want[i] = count_syn(rp.block[r], (unsigned)i);
		err = vm_uhid_input(t->uhid, e->data, e->size);
		if (err < 0) {
			replay_free(&rp);
			return fail("%s: UHID_INPUT2: %s", t->label, strerror(-err));
		}
		outputs_collect(o, n, want, devs, ndevs);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *s = output_take(&o[i]);

			if (!s || append(&live, s) < 0) {
				replay_free(&rp);
				return fail("out of memory");
			}
		}
		if (!streq(live ? live : "", rp.block[r] ? rp.block[r] : "")) {
			mismatches++;
			fail("%s: report %zu (%s:%u) came out differently", t->label, r, t->recpath,
			     e->line);
			print_indented("replay", rp.block[r]);
			print_indented("uinput", live);
		}
	}
	note("%s: %zu report(s), %u mismatch(es) with replay", t->label, t->rec->nevents,
	     mismatches);
	replay_free(&rp);
	return mismatches || phys_status < 0 ? -1 : 0;
}

/* ---- a blocking reader thread, for devices that disappear -------------- */

/*
 * evdev's read() answers ENODEV as soon as the device is marked dead, even
 * with events still queued, so the last frames before a device goes are
 * only seen by a reader that is already waiting in read(2) when they come.
 * A thread blocked in read() is woken by each frame.
 */
struct reader {
	pthread_t thread;
	pthread_mutex_t lock;
	int fd;
	char devnode[64];
	struct input_event ev[4096];
	size_t n;
	int err; /* errno that ended it */
	bool done;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	for (;;) {
		struct input_event buf[64];
		ssize_t len = read(rd->fd, buf, sizeof(buf));

		pthread_mutex_lock(&rd->lock);
		if (len < 0 && errno != EINTR) {
			rd->err = errno;
			rd->done = true;
			pthread_mutex_unlock(&rd->lock);
			return NULL;
		}
		for (size_t i = 0; len > 0 && i < (size_t)len / sizeof(buf[0]); i++)
			if (rd->n < ARRAY_SIZE(rd->ev))
				rd->ev[rd->n++] = buf[i];
		pthread_mutex_unlock(&rd->lock);
	}
}

static int reader_start(struct reader *rd, const char *devnode)
{
	int r;

	memset(rd, 0, sizeof(*rd));
	snprintf(rd->devnode, sizeof(rd->devnode), "%s", devnode);
	pthread_mutex_init(&rd->lock, NULL);
	rd->fd = open(devnode, O_RDONLY | O_CLOEXEC); /* blocking */
	if (rd->fd < 0)
		return fail("%s: %s", devnode, strerror(errno));
	r = pthread_create(&rd->thread, NULL, reader_main, rd);
	if (r != 0) {
		rd->fd = safe_close(rd->fd);
		return fail("pthread_create: %s", strerror(r));
	}
	return 0;
}

/* Index of the first event type/code/value at or after from, or -1. */
static long reader_find(struct reader *rd, size_t from, unsigned type, unsigned code, int value)
{
	long found = -1;

	pthread_mutex_lock(&rd->lock);
	for (size_t i = from; i < rd->n && found < 0; i++)
		if (rd->ev[i].type == type && rd->ev[i].code == code && rd->ev[i].value == value)
			found = (long)i;
	pthread_mutex_unlock(&rd->lock);
	return found;
}

static long reader_wait_event(struct reader *rd, unsigned type, unsigned code, int value,
                              unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	long i;

	while ((i = reader_find(rd, 0, type, code, value)) < 0 && vm_now_us() < deadline)
		sleep_ms(2);
	return i;
}

/* Waits for the reader to end (read() failed); true if it did in time. */
static bool reader_wait_end(struct reader *rd, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		bool done;

		pthread_mutex_lock(&rd->lock);
		done = rd->done;
		pthread_mutex_unlock(&rd->lock);
		if (done)
			return true;
		if (vm_now_us() >= deadline)
			return false;
		sleep_ms(2);
	}
}

static void reader_stop(struct reader *rd)
{
	bool done;

	pthread_mutex_lock(&rd->lock);
	done = rd->done;
	pthread_mutex_unlock(&rd->lock);
	if (!done)
		pthread_cancel(rd->thread);
	pthread_join(rd->thread, NULL);
	rd->fd = safe_close(rd->fd);
	pthread_mutex_destroy(&rd->lock);
}

static void reader_print(struct reader *rd)
{
	printf("  %s delivered %zu event(s), then %s:\n", rd->devnode, rd->n,
	       rd->done ? strerror(rd->err) : "nothing more");
	for (size_t i = 0; i < rd->n; i++) {
		if (rd->ev[i].type == EV_KEY && rd->ev[i].value == 2)
			continue;
		printf("    ");
		hm_print_event(stdout, 0, rd->ev[i].type, rd->ev[i].code, rd->ev[i].value);
	}
}

/*
 * After press (the index of the key's press), is there a release of code
 * before the reader ended?  Sets *ret_syn to the value of the SYN_REPORT
 * that closes the release's frame (0: written by hidmapd; 1: the input
 * core's own release at unregistration, input_disconnect_device()).
 */
static bool reader_saw_release(struct reader *rd, long press, unsigned code, int *ret_syn)
{
	long rel = reader_find(rd, (size_t)press + 1, EV_KEY, code, 0);

	*ret_syn = -1;
	if (rel < 0)
		return false;
	pthread_mutex_lock(&rd->lock);
	for (size_t i = (size_t)rel; i < rd->n; i++)
		if (rd->ev[i].type == EV_SYN && rd->ev[i].code == SYN_REPORT) {
			*ret_syn = rd->ev[i].value;
			break;
		}
	pthread_mutex_unlock(&rd->lock);
	return true;
}

/* ---- scenarios ----------------------------------------------------------- */

static int config_write(const char *name, const char *body, char *path, size_t size)
{
	snprintf(path, size, "%s/%s-%s.ini", tmpdir, scenario, name);
	return write_file(path, body);
}

/* Starts the daemon and waits until the outputs of every device exist. */
static int start_and_wait(const char *config, struct tdev **devs, size_t ndevs,
                          struct output (*outs)[MAX_OUTPUTS], size_t *nouts, const size_t *want,
                          unsigned limit_ms)
{
	uint64_t t0, t1 = 0, topen = 0;

	if (daemon_start(config, &t0) < 0)
		return -1;
	/* when hidapi has opened the first device, for the breakdown */
	while (!topen && vm_now_us() - t0 < 10000000u && daemon_alive()) {
		if (count_node_fds(daemon_pid, devs[0]->hidraw) > 0)
			topen = vm_now_us();
		else
			sleep_ms(1);
	}
	for (size_t i = 0; i < ndevs; i++) {
		nouts[i] = wait_outputs(devs, ndevs, devs[i], want[i], outs[i], 10000);
		if (nouts[i] < want[i])
			return fail("%s: hidmapd created %zu of %zu uinput device(s) for /dev/%s "
			            "within 10 s",
			            devs[i]->label, nouts[i], want[i], devs[i]->hidraw);
	}
	t1 = vm_now_us();
	note("start -> /dev/%s opened: %.1f ms; start -> uinput devices: %.1f ms (limit %u ms)",
	     devs[0]->hidraw, topen ? (double)(topen - t0) / 1000.0 : -1.0,
	     (double)(t1 - t0) / 1000.0, limit_ms);
	for (size_t i = 0; i < ndevs; i++)
		for (size_t k = 0; k < nouts[i]; k++)
			if (!startswith(outs[i][k].phys, "hidmapd/"))
				note("%s: %s has phys \"%s\", not hidmapd/%s/input%zu: found by "
				     "its ids instead",
				     devs[i]->label, outs[i][k].devnode, outs[i][k].phys,
				     devs[i]->hidraw, k);
	for (size_t i = 0; i < ndevs; i++) {
		int nfd = count_node_fds(daemon_pid, devs[i]->hidraw);

		if (nfd <= 0)
			return fail("%s: hidmapd has no fd on /dev/%s", devs[i]->label,
			            devs[i]->hidraw);
		note("%s: hidmapd holds %d fd(s) on /dev/%s (hidapi)", devs[i]->label, nfd,
		     devs[i]->hidraw);
	}
	for (size_t i = 0; i < ndevs; i++)
		for (size_t k = 0; k < nouts[i]; k++)
			if (output_open(&outs[i][k], O_RDWR | O_NONBLOCK) < 0)
				return -1;
	if (limit_ms && t1 - t0 > (uint64_t)limit_ms * 1000u)
		return fail("hidmapd took %.1f ms to create its uinput devices, limit %u ms",
		            (double)(t1 - t0) / 1000.0, limit_ms);
	return 0;
}

/* QEMU's TCG emulates the CPU (run-vm.sh uses no KVM): its default CPU
 * model is "QEMU Virtual CPU", where code runs tens of times slower. */
static bool emulated_cpu(void)
{
	char line[256];
	bool tcg = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return false;
	while (!tcg && fgets(line, sizeof(line), f))
		tcg = startswith(line, "model name") && strstr(line, "QEMU Virtual CPU");
	fclose(f);
	return tcg;
}

/* The issue asks for 500 ms from start to uinput devices.  Under TCG the
 * same work takes 0.2-0.9 s (measured), so there the limit only catches
 * gross regressions; HIDMAPD_VM_START_LIMIT_MS overrides both. */
static unsigned start_limit_ms(void)
{
	const char *s = getenv("HIDMAPD_VM_START_LIMIT_MS");
	uint32_t v;

	if (s && safe_atou32_base(s, 10, &v) == 0)
		return v;
	if (emulated_cpu()) {
		note("emulated CPU (TCG): start limit 2000 ms instead of 500 ms");
		return 2000;
	}
	return 500;
}

static const char *keyboard_mouse_config = "[device kbd]\n"
                                           "match = 1209:0001\n"
                                           "\n"
                                           "[device mouse]\n"
                                           "match = 1209:0002\n";

/* hidmapd --version once: the first exec over 9p reads the binary and
 * its libraries from the host, which is not what the start limit is for. */
static void warm_up(void)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(hidmapd, "hidmapd", "--version", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
}

static int scenario_start(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL, *mouse = NULL;
	struct output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2];
	struct replay rp;
	char config[PATH_MAX], buf[PATH_MAX];
	int r = 0;

	if (tdev_new("keyboard", kdata("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0 ||
	    tdev_new("mouse", kdata("synthetic/hidtools-wheelmouse.hid", buf, sizeof(buf)),
	             MOUSE_PID, NULL, &mouse) < 0)
		return -1;
	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0)
		return -1;
	/* how many uinput devices to wait for: as many as replay creates */
	if (replay_run(config, kbd->recpath, &rp) < 0)
		return -1;
	want[0] = rp.ndevices;
	replay_free(&rp);
	if (replay_run(config, mouse->recpath, &rp) < 0)
		return -1;
	want[1] = rp.ndevices;
	replay_free(&rp);

	warm_up();
	{
		struct tdev *devs[] = {kbd, mouse};

		/* a slow start fails, but the devices are still checked */
		r = start_and_wait(config, devs, 2, outs, nouts, want, start_limit_ms());
		if (nouts[0] == want[0] && nouts[1] == want[1]) {
			if (check_against_replay(kbd, config, outs[0], nouts[0], devs, 2) < 0)
				r = -1;
			if (check_against_replay(mouse, config, outs[1], nouts[1], devs, 2) < 0)
				r = -1;
		}
	}
	outputs_close(outs[0], nouts[0]);
	outputs_close(outs[1], nouts[1]);
	return r;
}

static const char *const kbd_press_a[] = {
    "00 00 04 00 00 00 00 00", /* A down */
    "00 00 00 00 00 00 00 00", /* A up */
    "02 00 04 00 00 00 00 00", /* Shift+A */
    "00 00 00 00 00 00 00 00", NULL,
};

static const char *const mouse_click_left[] = {
    "01 00 00 00", /* left down */
    "01 05 fb 00", /* move while held */
    "00 00 00 00", /* left up */
    "04 00 00 01", /* middle down, wheel */
    "00 00 00 00", NULL,
};

/* Looks for a key's events in E: lines; 1 when type/code appear at all. */
static bool mentions(const char *events, const char *code)
{
	char needle[64];

	snprintf(needle, sizeof(needle), " EV_KEY %s ", code);
	return events && strstr(events, needle);
}

static int scenario_remap(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL, *mouse = NULL;
	struct output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX];
	struct tdev *devs[2];
	int r = 0;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, kbd_press_a, &kbd) < 0 ||
	    tdev_new("mouse", corpus("synthetic/hidtools-wheelmouse.hid", buf, sizeof(buf)),
	             MOUSE_PID, mouse_click_left, &mouse) < 0)
		return -1;
	if (config_write("config",
	                 "[device kbd]\n"
	                 "match = 1209:0001\n"
	                 "[remap kbd]\n"
	                 "KEY_A = KEY_B\n"
	                 "\n"
	                 "[device mouse]\n"
	                 "match = 1209:0002\n"
	                 "[remap mouse]\n"
	                 "BTN_LEFT = BTN_RIGHT\n",
	                 config, sizeof(config)) < 0)
		return -1;
	devs[0] = kbd, devs[1] = mouse;
	if (start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}

	/* the mapping on the real output, stated directly... */
	for (size_t d = 0; d < 2 && r == 0; d++) {
		const char *from = d == 0 ? "KEY_A" : "BTN_LEFT";
		const char *to = d == 0 ? "KEY_B" : "BTN_RIGHT";
		_cleanup_free_ char *all = NULL;
		unsigned wanted = 1;

		if (tdev_report(devs[d], d == 0 ? kbd_press_a[0] : mouse_click_left[0]) < 0 ||
		    tdev_report(devs[d], d == 0 ? kbd_press_a[1] : mouse_click_left[2]) < 0) {
			r = -1;
			break;
		}
		wanted = 2;
		outputs_collect(outs[d], 1, &wanted, devs, 2);
		all = output_take(&outs[d][0]);
		if (!mentions(all, to) || mentions(all, from)) {
			r = fail("%s: %s did not come out as %s", devs[d]->label, from, to);
			print_indented("uinput", all);
		} else {
			char down[64];

			snprintf(down, sizeof(down), " EV_KEY %s 1\n", to);
			if (!contains(all, down))
				r = fail("%s: no %s press on the output", devs[d]->label, to);
			else
				note("%s: %s came out as %s", devs[d]->label, from, to);
		}
	}
	/* ...and every report as `hidmapd replay --config` says */
	if (check_against_replay(kbd, config, outs[0], nouts[0], devs, 2) < 0)
		r = -1;
	if (check_against_replay(mouse, config, outs[1], nouts[1], devs, 2) < 0)
		r = -1;
out:
	outputs_close(outs[0], nouts[0]);
	outputs_close(outs[1], nouts[1]);
	return r;
}

/* The order in which needles appear in s: true if each comes after the last. */
static bool in_order(const char *s, const char *const *needles)
{
	const char *p = s;

	for (size_t i = 0; p && needles[i]; i++) {
		p = strstr(p, needles[i]);
		if (p)
			p += strlen(needles[i]);
	}
	return p != NULL;
}

static int scenario_taphold_macro(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];
	struct tdev *devs[1];
	unsigned wanted;
	_cleanup_free_ char *tap = NULL, *hold = NULL, *macro = NULL;
	static const char *const tap_order[] = {" EV_KEY KEY_ESC 1\n", " EV_KEY KEY_ESC 0\n", NULL};
	static const char *const hold_order[] = {" EV_KEY KEY_LEFTCTRL 1\n",
	                                         " EV_KEY KEY_LEFTCTRL 0\n", NULL};
	/* "hi" and Return, each key pressed and released, in this order */
	static const char *const macro_order[] = {" EV_KEY KEY_H 1\n",
	                                          " EV_KEY KEY_H 0\n",
	                                          " EV_KEY KEY_I 1\n",
	                                          " EV_KEY KEY_I 0\n",
	                                          " EV_KEY KEY_ENTER 1\n",
	                                          " EV_KEY KEY_ENTER 0\n",
	                                          NULL};
	int r = 0;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, kbd_press_a, &kbd) < 0)
		return -1;
	/* a timeout long enough that an emulated machine's scheduling cannot
	 * turn a tap into a hold */
	if (config_write("config",
	                 "[device kbd]\n"
	                 "match = 1209:0001\n"
	                 "[remap kbd]\n"
	                 "KEY_A = tap-hold(KEY_ESC, KEY_LEFTCTRL, 1s)\n"
	                 "KEY_B = macro(\"hi\", KEY_ENTER)\n",
	                 config, sizeof(config)) < 0)
		return -1;
	devs[0] = kbd;
	if (start_and_wait(config, devs, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	(void)output_take(&outs[0][0]); /* whatever came at the start */

	/* tap: down and up at once; the frames: the scan code alone, then
	 * Esc down, then Esc up */
	if (tdev_report(kbd, "00 00 04 00 00 00 00 00") < 0 ||
	    tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	wanted = 3;
	outputs_collect(outs[0], 1, &wanted, devs, 1);
	tap = output_take(&outs[0][0]);
	if (!in_order(tap, tap_order) || mentions(tap, "KEY_A") || mentions(tap, "KEY_LEFTCTRL")) {
		r = fail("taphold: a tap of A did not come out as Esc alone");
		print_indented("uinput", tap);
	} else {
		note("taphold: a tap of A came out as Esc");
	}

	/* hold: down, 1.5 s, up: Ctrl from the timeout to the release */
	if (tdev_report(kbd, "00 00 04 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	usleep(1500000);
	if (tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	wanted = 3;
	outputs_collect(outs[0], 1, &wanted, devs, 1);
	hold = output_take(&outs[0][0]);
	if (!in_order(hold, hold_order) || mentions(hold, "KEY_ESC") || mentions(hold, "KEY_A")) {
		r = fail("taphold: A held for 1.5 s did not come out as Ctrl");
		print_indented("uinput", hold);
	} else {
		note("taphold: A held came out as Ctrl");
	}

	/* macro: B types h, i, Return, each press and release a frame */
	if (tdev_report(kbd, "00 00 05 00 00 00 00 00") < 0 ||
	    tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	wanted = 7;
	outputs_collect(outs[0], 1, &wanted, devs, 1);
	macro = output_take(&outs[0][0]);
	if (!in_order(macro, macro_order) || mentions(macro, "KEY_B")) {
		r = fail("macro: B did not type h, i, Return");
		print_indented("uinput", macro);
	} else {
		note("macro: B typed h, i, Return on the uinput keyboard");
	}
out:
	outputs_close(outs[0], nouts[0]);
	return r;
}

static int scenario_remap_keyd(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];
	struct tdev *devs[1];
	unsigned wanted;
	_cleanup_free_ char *repress = NULL, *guard = NULL;
	/* hidmapd.ini(5), "Keys held twice" */
	static const char *const repress_order[] = {" EV_KEY KEY_LEFTBRACE 1\n",
	                                            " EV_KEY KEY_LEFTBRACE 0\n",
	                                            " EV_KEY KEY_LEFTSHIFT 1\n",
	                                            " EV_KEY KEY_LEFTBRACE 1\n",
	                                            " EV_KEY KEY_LEFTSHIFT 0\n",
	                                            " EV_KEY KEY_LEFTBRACE 0\n",
	                                            NULL};
	/* hidmapd.ini(5), "Modifier guard", and tap-hold-now */
	static const char *const guard_order[] = {" EV_KEY KEY_LEFTALT 1\n",
	                                          " EV_KEY KEY_LEFTCTRL 1\n",
	                                          " EV_KEY KEY_LEFTALT 0\n",
	                                          " EV_KEY KEY_LEFTCTRL 0\n",
	                                          " EV_KEY KEY_ESC 1\n",
	                                          " EV_KEY KEY_ESC 0\n",
	                                          NULL};
	int r = 0;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, kbd_press_a, &kbd) < 0)
		return -1;
	if (config_write("config",
	                 "[device kbd]\n"
	                 "match = 1209:0001\n"
	                 "[remap kbd]\n"
	                 "KEY_A = KEY_LEFTBRACE\n"
	                 "KEY_B = KEY_LEFTSHIFT+KEY_LEFTBRACE\n"
	                 "KEY_C = tap-hold-now(KEY_ESC, layer(alt))\n"
	                 "[remap kbd:alt:A]\n",
	                 config, sizeof(config)) < 0)
		return -1;
	devs[0] = kbd;
	if (start_and_wait(config, devs, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	(void)output_take(&outs[0][0]); /* whatever came at the start */

	/* A down, B down, B up, A up (boot keyboard reports) */
	if (tdev_report(kbd, "00 00 04 00 00 00 00 00") < 0 ||
	    tdev_report(kbd, "00 00 04 05 00 00 00 00") < 0 ||
	    tdev_report(kbd, "00 00 04 00 00 00 00 00") < 0 ||
	    tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	wanted = 5;
	outputs_collect(outs[0], 1, &wanted, devs, 1);
	repress = output_take(&outs[0][0]);
	if (!in_order(repress, repress_order) || mentions(repress, "KEY_A ") ||
	    mentions(repress, "KEY_B ")) {
		r = fail(
		    "repress: [ then Shift+[ did not give two [ presses through the input core");
		print_indented("uinput", repress);
	} else {
		note(
		    "repress: [ held, then Shift+[: [ up, Shift, [ down again, on the uinput keyboard");
	}

	/* C tapped alone */
	if (tdev_report(kbd, "00 00 06 00 00 00 00 00") < 0 ||
	    tdev_report(kbd, "00 00 00 00 00 00 00 00") < 0) {
		r = -1;
		goto out;
	}
	wanted = 4;
	outputs_collect(outs[0], 1, &wanted, devs, 1);
	guard = output_take(&outs[0][0]);
	if (!in_order(guard, guard_order)) {
		r = fail("guard: a lone Alt of a layer was not wrapped in a Ctrl tap before Esc");
		print_indented("uinput", guard);
	} else {
		note("guard: Alt, Ctrl around its release, then Esc, on the uinput keyboard");
	}
out:
	outputs_close(outs[0], nouts[0]);
	return r;
}

/* Opens the kernel's own evdev nodes of t (not grabbed). */
static int open_kernel_nodes(struct tdev *t, struct vm_evnode *nodes, size_t *n)
{
	if (vm_find_event_nodes(t->syspath, nodes, MAX_OUTPUTS, n) < 0 || *n == 0)
		return fail("%s: the kernel made no evdev node", t->label);
	for (size_t i = 0; i < *n; i++) {
		nodes[i].fd = open(nodes[i].devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (nodes[i].fd < 0)
			return fail("%s: %s", nodes[i].devnode, strerror(errno));
		if (libevdev_new_from_fd(nodes[i].fd, &nodes[i].evdev) < 0)
			return fail("%s: libevdev failed", nodes[i].devnode);
	}
	return 0;
}

/* Events readable now on the kernel's nodes (uhid delivers synchronously:
 * what a report makes is queued by the time write() returns). */
static size_t kernel_nodes_pending(struct vm_evnode *nodes, size_t n, bool print)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		struct input_event ev;

		while (read(nodes[i].fd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
			if (ev.type == EV_KEY && ev.value == 2)
				continue;
			count++;
			if (print) {
				printf("    %s: ", nodes[i].devnode);
				hm_print_event(stdout, 0, ev.type, ev.code, ev.value);
			}
		}
	}
	return count;
}

static int scenario_grab(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[1][MAX_OUTPUTS];
	struct vm_evnode knodes[MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1}, nk = 0, pending;
	char config[PATH_MAX], buf[PATH_MAX];
	unsigned two = 2;
	_cleanup_free_ char *seen = NULL;
	int r = 0, status;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    open_kernel_nodes(kbd, knodes, &nk) < 0) {
		r = -1;
		goto out;
	}
	(void)kernel_nodes_pending(knodes, nk, false);

	/* while hidmapd drives it: the output gets the key, the kernel's node nothing */
	if (tdev_report(kbd, kbd_press_a[0]) < 0 || tdev_report(kbd, kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	pending = kernel_nodes_pending(knodes, nk, true);
	outputs_collect(outs[0], 1, &two, &kbd, 1);
	seen = output_take(&outs[0][0]);
	if (!contains(seen, "EV_KEY KEY_A 1")) {
		r = fail("the uinput device did not deliver KEY_A");
		print_indented("uinput", seen);
		goto out;
	}
	pending += kernel_nodes_pending(knodes, nk, true);
	if (pending) {
		r = fail("the kernel's evdev node delivered %zu event(s) while hidmapd drives "
		         "the device (not grabbed)",
		         pending);
		goto out;
	}
	note("while driven: KEY_A on %s, nothing on the kernel's %s", outs[0][0].devnode,
	     knodes[0].devnode);

	/* after SIGTERM the kernel's node is ours again */
	outputs_close(outs[0], nouts[0]);
	nouts[0] = 0;
	daemon_signal(SIGTERM);
	status = daemon_wait_exit(STOP_TIMEOUT_MS);
	if (status < 0) {
		r = fail("hidmapd did not exit within %d ms of SIGTERM", STOP_TIMEOUT_MS);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		r = fail("hidmapd exited with status 0x%x after SIGTERM", status);
	if (tdev_report(kbd, kbd_press_a[0]) < 0 || tdev_report(kbd, kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	pending = kernel_nodes_pending(knodes, nk, verbose);
	if (pending == 0) {
		r = fail("after SIGTERM the kernel's evdev node still delivers nothing (still "
		         "grabbed?)");
		goto out;
	}
	note("after SIGTERM: the kernel's %s delivered %zu event(s)", knodes[0].devnode, pending);
out:
	vm_evnodes_close(knodes, nk);
	outputs_close(outs[0], nouts[0]);
	return r;
}

/* One plug, hold A, unplug cycle of the `unplug` scenario. */
static int unplug_cycle(unsigned cycle, int fds_before)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[MAX_OUTPUTS];
	char buf[PATH_MAX];
	struct reader rd;
	int fds_driven, fds_after, syn, r = 0;
	uint64_t t0;
	long c0, c1, press, off;
	size_t n;

	off = file_size(daemon_log);
	if (tdev_new(cycle ? "keyboard-replugged" : "keyboard",
	             corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)), KEYBOARD_PID,
	             NULL, &kbd) < 0)
		return -1;
	t0 = vm_now_us();
	n = wait_outputs(&kbd, 1, kbd, 1, outs, 5000);
	if (n < 1)
		return fail("hidmapd did not pick up /dev/%s (hotplug) within 5 s", kbd->hidraw);
	note("%s: hotplug -> uinput device %s in %.1f ms", cycle ? "replug" : "plug",
	     outs[0].devnode, (double)(vm_now_us() - t0) / 1000.0);
	if (reader_start(&rd, outs[0].devnode) < 0)
		return -1;
	fds_driven = count_fds(daemon_pid, verbose);

	/* hold A, then unplug */
	if (tdev_report(kbd, kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	press = reader_wait_event(&rd, EV_KEY, KEY_A, 1, EVENT_TIMEOUT_MS);
	if (press < 0) {
		r = fail("KEY_A press did not arrive on %s", outs[0].devnode);
		reader_print(&rd);
		goto out;
	}
	vm_uhid_destroy(kbd->uhid);
	if (!reader_wait_end(&rd, STOP_TIMEOUT_MS)) {
		r = fail("%s still exists %d ms after UHID_DESTROY", outs[0].devnode,
		         STOP_TIMEOUT_MS);
		reader_print(&rd);
		goto out;
	}
	if (!reader_saw_release(&rd, press, KEY_A, &syn)) {
		r = fail("no KEY_A release on %s before it disappeared (%s)", outs[0].devnode,
		         strerror(rd.err));
		reader_print(&rd);
		goto out;
	}
	note("KEY_A released before %s disappeared (frame ends SYN_REPORT %d), then %s",
	     outs[0].devnode, syn, strerror(rd.err));
	if (syn != 0)
		r = fail("the release came from the kernel's unregistration (SYN_REPORT 1), not "
		         "from hidmapd");
	/* "device gone" (the reader's read failed) or "device removed" (hotplug) */
	if (!daemon_log_wait(": device ", off, STOP_TIMEOUT_MS)) {
		r = fail("hidmapd did not log that the device went");
		goto out;
	}

	/* no spin: a dead hidraw fd left in the loop would burn a CPU */
	c0 = cpu_ticks(daemon_pid);
	sleep_ms(1000);
	c1 = cpu_ticks(daemon_pid);
	if (c0 < 0 || c1 < 0) {
		r = fail("cannot read /proc/%d/stat", (int)daemon_pid);
		goto out;
	}
	note("CPU after unplug: %ld tick(s) in 1 s (%ld ticks/s)", c1 - c0, sysconf(_SC_CLK_TCK));
	if (c1 - c0 > 5)
		r = fail("hidmapd used %ld clock ticks in the second after the unplug (spinning?)",
		         c1 - c0);

	fds_after = stable_fd_count(daemon_pid);
	note("fds: %d before the device, %d while driven, %d after it is gone", fds_before,
	     fds_driven, fds_after);
	if (fds_after != fds_before) {
		r = fail("fd leak: %d fds before the device existed, %d after it is gone",
		         fds_before, fds_after);
		count_fds(daemon_pid, true);
	}
	if (!daemon_alive())
		r = fail("hidmapd died after the unplug");
out:
	reader_stop(&rd);
	return r;
}

static int scenario_unplug(void)
{
	char config[PATH_MAX];
	int fds_before;

	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    daemon_start(config, NULL) < 0)
		return -1;
	if (!daemon_log_wait("running", 0, 10000))
		return fail("hidmapd did not say \"running\" within 10 s");
	fds_before = stable_fd_count(daemon_pid);
	if (fds_before < 0)
		return fail("the daemon's fd count does not settle");
	note("fds before the device exists: %d", fds_before);
	if (verbose)
		count_fds(daemon_pid, true);

	/* the device appears after the start (hotplug), goes with A held, and
	 * comes back: the second round is the replug */
	for (unsigned cycle = 0; cycle < 2; cycle++)
		if (unplug_cycle(cycle, fds_before) < 0)
			return -1;
	return 0;
}

static int scenario_sigterm(bool sigkill)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL, *mouse = NULL;
	struct output outs[2][MAX_OUTPUTS];
	size_t nouts[2] = {0}, want[2] = {1, 1};
	char config[PATH_MAX], buf[PATH_MAX];
	struct reader rd[2];
	size_t nreaders = 0;
	struct tdev *devs[2];
	struct {
		unsigned dev, code;
		long press;
	} held[] = {{0, KEY_LEFTSHIFT, -1}, {0, KEY_A, -1}, {1, BTN_LEFT, -1}};
	size_t nheld = ARRAY_SIZE(held);
	int r = 0, status;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0 ||
	    tdev_new("mouse", corpus("synthetic/hidtools-wheelmouse.hid", buf, sizeof(buf)),
	             MOUSE_PID, NULL, &mouse) < 0)
		return -1;
	devs[0] = kbd, devs[1] = mouse;
	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    start_and_wait(config, devs, 2, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	for (; nreaders < 2; nreaders++)
		if (reader_start(&rd[nreaders], outs[nreaders][0].devnode) < 0) {
			r = -1;
			goto out;
		}

	/* hold Shift+A and the left button */
	if (tdev_report(kbd, kbd_press_a[2]) < 0 || tdev_report(mouse, mouse_click_left[0]) < 0) {
		r = -1;
		goto out;
	}
	for (size_t i = 0; i < nheld; i++) {
		held[i].press =
		    reader_wait_event(&rd[held[i].dev], EV_KEY, held[i].code, 1, EVENT_TIMEOUT_MS);
		if (held[i].press < 0) {
			r = fail("%s press did not arrive",
			         libevdev_event_code_get_name(EV_KEY, held[i].code));
			reader_print(&rd[held[i].dev]);
			goto out;
		}
	}

	daemon_signal(sigkill ? SIGKILL : SIGTERM);
	for (size_t i = 0; i < nreaders; i++)
		if (!reader_wait_end(&rd[i], STOP_TIMEOUT_MS)) {
			r = fail("%s still exists %d ms after %s", rd[i].devnode, STOP_TIMEOUT_MS,
			         sigkill ? "SIGKILL" : "SIGTERM");
			reader_print(&rd[i]);
			goto out;
		}
	for (size_t i = 0; i < nheld; i++) {
		const char *name = libevdev_event_code_get_name(EV_KEY, held[i].code);
		struct reader *x = &rd[held[i].dev];
		int syn;

		if (!reader_saw_release(x, held[i].press, held[i].code, &syn)) {
			r = fail("%s held at %s: no release on %s before it disappeared", name,
			         sigkill ? "SIGKILL" : "SIGTERM", x->devnode);
			reader_print(x);
			continue;
		}
		note("%s released on %s before it went (frame ends SYN_REPORT %d: %s), then %s",
		     name, x->devnode, syn,
		     syn == 1 ? "the kernel's release at unregistration" : "hidmapd's release",
		     strerror(x->err));
		if (!sigkill && syn != 0)
			r = fail("%s was released by the kernel, not by hidmapd, at SIGTERM", name);
	}
	status = daemon_wait_exit(STOP_TIMEOUT_MS);
	if (status < 0)
		r = fail("hidmapd did not exit within %d ms", STOP_TIMEOUT_MS);
	else if (!sigkill && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = fail("hidmapd exited with status 0x%x after SIGTERM", status);
	else
		note("hidmapd ended: %s %d", WIFEXITED(status) ? "exit" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	for (size_t i = 0; i < nreaders; i++)
		reader_stop(&rd[i]);
	outputs_close(outs[0], nouts[0]);
	outputs_close(outs[1], nouts[1]);
	return r;
}

/* Presses and releases A; the output must show `to` and not KEY_A. */
static int expect_a_as(struct tdev *kbd, struct output *o, const char *to)
{
	_cleanup_free_ char *seen = NULL;
	unsigned two = 2;
	char down[64];

	if (tdev_report(kbd, kbd_press_a[0]) < 0 || tdev_report(kbd, kbd_press_a[1]) < 0)
		return -1;
	outputs_collect(o, 1, &two, &kbd, 1);
	seen = output_take(o);
	snprintf(down, sizeof(down), " EV_KEY %s 1\n", to);
	if (!contains(seen, down) || mentions(seen, "KEY_A")) {
		fail("A did not come out as %s", to);
		print_indented("uinput", seen);
		return -1;
	}
	return 0;
}

/* The outputs of hidraw, reopened if the daemon recreated them. */
static int reopen_outputs(struct tdev *kbd, struct output *o, size_t *n)
{
	struct output fresh[MAX_OUTPUTS];
	size_t m = 0;

	if (find_outputs(kbd, fresh, MAX_OUTPUTS, &m) < 0 || m == 0)
		return fail("hidmapd has no uinput device for /dev/%s", kbd->hidraw);
	if (m == *n && streq(fresh[0].devnode, o[0].devnode))
		return 0;
	note("the uinput device was recreated: %s -> %s", o[0].devnode, fresh[0].devnode);
	outputs_close(o, *n);
	memcpy(o, fresh, m * sizeof(*o));
	*n = m;
	for (size_t i = 0; i < m; i++)
		if (output_open(&o[i], O_RDWR | O_NONBLOCK) < 0)
			return -1;
	return 0;
}

/* A broken config was written (log offset off): rejected whole, and the
 * log names config:line. */
static int wait_rejected(long off, const char *config, unsigned line)
{
	char where[PATH_MAX + 16];

	if (!daemon_log_wait("not reloaded", off, 5000))
		return fail("hidmapd did not reject the broken config within 5 s");
	snprintf(where, sizeof(where), "%s:%u:", config, line);
	if (!daemon_log_wait(where, off, 0))
		return fail("hidmapd's log does not name %s for the broken line", where);
	note("broken config rejected, the log names %s", where);
	return 0;
}

static int scenario_reload(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];
	_cleanup_free_ char *seen = NULL;
	unsigned one = 1;
	long off;
	int r = 0, down;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (config_write("config",
	                 "[device kbd]\n"
	                 "match = 1209:0001\n"
	                 "[remap kbd]\n"
	                 "KEY_A = KEY_B\n",
	                 config, sizeof(config)) < 0 ||
	    start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	note("A -> B under the first config");

	/* a broken config: rejected whole, file:line named, old mapping stays */
	off = file_size(daemon_log);
	if (write_file(config, "[device kbd]\n"
	                       "match = 1209:0001\n"
	                       "[remap kbd]\n"
	                       "KEY_A = KEY_C\n"
	                       "KEY_NO_SUCH_KEY = KEY_D\n") < 0) {
		r = -1;
		goto out;
	}
	daemon_signal(SIGHUP);
	if (wait_rejected(off, config, 5) < 0) {
		r = -1;
		goto out;
	}
	if (expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = fail("the old mapping stopped working after a rejected reload");
		goto out;
	}
	note("A -> B still, after the rejected reload");

	/* hold A (B down under the old mapping), fix the config, reload, release */
	if (tdev_report(kbd, kbd_press_a[0]) < 0) {
		r = -1;
		goto out;
	}
	outputs_collect(outs[0], 1, &one, &kbd, 1);
	free(seen);
	seen = output_take(&outs[0][0]);
	if (!contains(seen, "EV_KEY KEY_B 1")) {
		r = fail("holding A did not press B");
		print_indented("uinput", seen);
		goto out;
	}
	off = file_size(daemon_log);
	if (write_file(config, "[device kbd]\n"
	                       "match = 1209:0001\n"
	                       "[remap kbd]\n"
	                       "KEY_A = KEY_C\n") < 0) {
		r = -1;
		goto out;
	}
	daemon_signal(SIGHUP);
	if (!daemon_log_wait("configuration reloaded", off, 5000)) {
		r = fail("hidmapd did not reload the fixed config within 5 s");
		goto out;
	}
	outputs_collect(outs[0], 1, &one, &kbd, 1);
	free(seen);
	seen = output_take(&outs[0][0]);
	if (!outs[0][0].gone && !contains(seen, "EV_KEY KEY_B 0")) {
		r = fail("the reload did not release B, held under the old mapping");
		print_indented("uinput", seen);
	} else if (!outs[0][0].gone) {
		note("the reload released B (held under the old mapping) on %s",
		     outs[0][0].devnode);
	}
	if (reopen_outputs(kbd, outs[0], &nouts[0]) < 0 || tdev_report(kbd, kbd_press_a[1]) < 0) {
		r = -1;
		goto out;
	}
	sleep_ms(200);
	down = 0;
	for (size_t i = 0; i < nouts[0]; i++) {
		int k;

		(void)output_drain(&outs[0][i], (unsigned)i);
		k = keys_down(&outs[0][i]);
		if (k < 0) {
			r = fail("%s: EVIOCGKEY: %s", outs[0][i].devnode, strerror(-k));
			goto out;
		}
		down += k;
	}
	if (down) {
		r = fail("%d key(s) stuck down after the reload and the release of A", down);
		goto out;
	}
	note("after reload and release: no key down on any output (EVIOCGKEY)");
	free(output_take(&outs[0][0]));
	if (expect_a_as(kbd, &outs[0][0], "KEY_C") < 0) {
		r = fail("the fixed config's mapping does not apply");
		goto out;
	}
	note("A -> C under the fixed config");
out:
	outputs_close(outs[0], nouts[0]);
	return r;
}

/* The config file changed on disk, no signal: waits for the reload. */
static int wait_file_reload(long off, const char *how)
{
	uint64_t t0 = vm_now_us();

	if (!daemon_log_wait("a configuration file changed", off, 5000))
		return fail("hidmapd did not notice the config %s within 5 s", how);
	if (!daemon_log_wait("configuration reloaded", off, 5000))
		return fail("hidmapd did not reload the config %s", how);
	note("config %s: reloaded %.0f ms later, no signal (debounce 200 ms)", how,
	     (double)(vm_now_us() - t0) / 1000.0);
	return 0;
}

/* Rewrites config as head + "KEY_A = to" (in place, or a new file renamed
 * over it) and checks the daemon reloads it by itself and A becomes to. */
static int remap_a_by_file(struct tdev *kbd, struct output *outs, size_t *nouts, const char *config,
                           const char *head, const char *to, bool rename_over)
{
	char body[256], tmp[PATH_MAX + 8];
	const char *how = rename_over ? "replaced by rename" : "written in place";
	long off = file_size(daemon_log);

	snprintf(body, sizeof(body), "%sKEY_A = %s\n", head, to);
	snprintf(tmp, sizeof(tmp), "%s.new~", config);
	if (write_file(rename_over ? tmp : config, body) < 0)
		return -1;
	if (rename_over && rename(tmp, config) < 0)
		return fail("rename %s: %s", tmp, strerror(errno));
	if (wait_file_reload(off, how) < 0 || reopen_outputs(kbd, outs, nouts) < 0 ||
	    expect_a_as(kbd, &outs[0], to) < 0)
		return -1;
	note("A -> %s", to);
	return 0;
}

static int scenario_reload_inotify(void)
{
	static const char *head = "[device keyboards]\n"
	                          "match-type = keyboard\n"
	                          "[remap keyboards]\n";
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX], body[256];
	long off;
	int r = 0;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	snprintf(body, sizeof(body), "%sKEY_A = KEY_B\n", head);
	if (config_write("config", body, config, sizeof(config)) < 0 ||
	    start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0 ||
	    expect_a_as(kbd, &outs[0][0], "KEY_B") < 0) {
		r = -1;
		goto out;
	}
	note("match-type = keyboard selected /dev/%s: A -> B", kbd->hidraw);

	/* written in place, then saved as editors do: a new file renamed over */
	if (remap_a_by_file(kbd, outs[0], &nouts[0], config, head, "KEY_C", false) < 0 ||
	    remap_a_by_file(kbd, outs[0], &nouts[0], config, head, "KEY_D", true) < 0) {
		r = -1;
		goto out;
	}

	/* broken: rejected whole, file:line in the log, the old mapping stays */
	off = file_size(daemon_log);
	snprintf(body, sizeof(body), "%sKEY_A = KEY_E\nKEY_NO_SUCH_KEY = KEY_F\n", head);
	if (write_file(config, body) < 0) {
		r = -1;
		goto out;
	}
	if (wait_rejected(off, config, 5) < 0) {
		r = -1;
		goto out;
	}
	if (expect_a_as(kbd, &outs[0][0], "KEY_D") < 0) {
		r = fail("the old mapping stopped working after a rejected reload");
		goto out;
	}
	note("A -> D still");
out:
	outputs_close(outs[0], nouts[0]);
	return r;
}

static int write_led(struct output *o, unsigned code, int value)
{
	struct input_event ev[2] = {
	    {.type = EV_LED, .code = (uint16_t)code, .value = value},
	    {.type = EV_SYN, .code = SYN_REPORT, .value = 0},
	};

	if (write(o->fd, ev, sizeof(ev)) != (ssize_t)sizeof(ev))
		return fail("%s: writing EV_LED: %s", o->devnode, strerror(errno));
	return 0;
}

/*
 * Waits for an output report on t whose LED byte is `leds`.  The LED field
 * of synthetic/hidtools-ledkeyboard.hid is "05 08 19 01 29 05 91 02": LED
 * page usages 1-5 (Num Lock, Caps Lock, Scroll Lock, Compose, Kana) as
 * bits 0-4 of the only output report, which has no report ID.  Written to
 * hidraw, the report starts with the report number 0, and uhid passes it
 * on as it is (usbhid would strip it before the USB transfer).
 */
static int expect_led_report(struct tdev *t, uint8_t leds, const char *what)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u;
	unsigned first = t->nout;

	for (;;) {
		for (unsigned i = first; i < t->nout; i++) {
			if (t->out_size[i] == 2 && t->out[i][0] == 0 && t->out[i][1] == leds) {
				note("%s: output report %02x %02x", what, t->out[i][0],
				     t->out[i][1]);
				return 0;
			}
		}
		if (vm_now_us() >= deadline)
			break;
		sleep_ms(2);
		(void)tdev_service(t);
	}
	fail("%s: no output report 00 %02x reached the device within %d ms", what, leds,
	     EVENT_TIMEOUT_MS);
	for (unsigned i = first; i < t->nout; i++) {
		printf("  got:");
		for (size_t j = 0; j < t->out_size[i]; j++)
			printf(" %02x", t->out[i][j]);
		putchar('\n');
	}
	return -1;
}

static int scenario_led(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output outs[1][MAX_OUTPUTS];
	size_t nouts[1] = {0}, want[1] = {1};
	char config[PATH_MAX], buf[PATH_MAX];
	int r = 0;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    start_and_wait(config, &kbd, 1, outs, nouts, want, 0) < 0) {
		r = -1;
		goto out;
	}
	if (!libevdev_has_event_code(outs[0][0].evdev, EV_LED, LED_CAPSL)) {
		r = fail("%s has no LED_CAPSL", outs[0][0].devnode);
		goto out;
	}
	/* what the console's keyboard handler sets when a keyboard appears */
	sleep_ms(100);
	(void)tdev_service(kbd);
	if (kbd->nout)
		note("%u output report(s) before the test, last %02x %02x", kbd->nout,
		     kbd->out[kbd->nout - 1][0], kbd->out[kbd->nout - 1][1]);

	if (write_led(&outs[0][0], LED_CAPSL, 1) < 0 ||
	    expect_led_report(kbd, 0x02, "LED_CAPSL 1") < 0 ||
	    write_led(&outs[0][0], LED_NUML, 1) < 0 ||
	    expect_led_report(kbd, 0x03, "LED_NUML 1") < 0 ||
	    write_led(&outs[0][0], LED_CAPSL, 0) < 0 ||
	    expect_led_report(kbd, 0x01, "LED_CAPSL 0") < 0)
		r = -1;
out:
	outputs_close(outs[0], nouts[0]);
	return r;
}

/* Which bus types hidapi 0.13.1's hid_enumerate() lists for uhid devices:
 * for BUS_USB it looks for a USB parent, which uhid devices do not have. */
static int scenario_bus(void)
{
	static const unsigned buses[] = {0x03, 0x05, 0x18};
	static const char *const labels[] = {"bus03", "bus05", "bus18"};
	struct tdev *devs[ARRAY_SIZE(buses)] = {0};
	char buf[PATH_MAX];
	bool listed[ARRAY_SIZE(buses)] = {0};
	struct hid_device_info *list;
	unsigned saved = test_bus;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(buses); i++) {
		test_bus = buses[i];
		if (tdev_new(labels[i],
		             corpus("synthetic/hidtools-plainkeyboard.hid", buf, sizeof(buf)),
		             (uint16_t)(0x10 + i), NULL, &devs[i]) < 0) {
			r = -1;
			goto out;
		}
	}
	test_bus = saved;
	if (hid_init() != 0) {
		r = fail("hid_init failed");
		goto out;
	}
	list = hid_enumerate(0, 0);
	for (struct hid_device_info *d = list; d; d = d->next) {
		note("hid_enumerate: %s %04x:%04x bus_type %d", d->path, d->vendor_id,
		     d->product_id, (int)d->bus_type);
		for (size_t i = 0; i < ARRAY_SIZE(buses); i++) {
			char node[64];

			snprintf(node, sizeof(node), "/dev/%s", devs[i]->hidraw);
			if (streq_ptr(d->path, node))
				listed[i] = true;
		}
	}
	hid_free_enumeration(list);
	hid_exit();
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		note("uhid bus 0x%02x: %s by hid_enumerate()", buses[i],
		     listed[i] ? "listed" : "NOT listed");
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		if (buses[i] == test_bus && !listed[i])
			r = fail("the scenarios use bus 0x%02x, which hid_enumerate() does not "
			         "list: hidmapd run would never see the test devices",
			         test_bus);
out:
	test_bus = saved;
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		tdev_free(devs[i]);
	return r;
}

/* ---- CLI: record and replay --uinput -------------------------------------- */

/* fork/exec hidmapd with argv, stdout to out (if given), stderr to err */
static pid_t spawn(const char *const *argv, const char *out, const char *err)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fo = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
		int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if ((out && fo < 0) || fe < 0)
			_exit(126);
		if (fo >= 0)
			dup2(fo, 1);
		dup2(fe, 2);
		execv(hidmapd, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int wait_child(pid_t pid, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	int status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (vm_now_us() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		sleep_ms(5);
	}
}

/*
 * `hidmapd record /dev/hidrawN` writes what the device sent: the header
 * (name, bus, ids, descriptor) as the kernel knows the device, then every
 * report, byte for byte, until SIGINT.
 */
static int scenario_record(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	_cleanup_(hm_recording_freep) struct hm_recording *got = NULL;
	char buf[PATH_MAX], node[64], out[PATH_MAX], err[PATH_MAX];
	const char *argv[] = {"hidmapd", "record", node, NULL};
	uint64_t deadline;
	pid_t pid;
	int rc;

	if (tdev_new("keyboard", kdata("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, kbd_press_a, &kbd) < 0)
		return -1;
	snprintf(node, sizeof(node), "/dev/%s", kbd->hidraw);
	snprintf(out, sizeof(out), "%s/record.hid", tmpdir);
	snprintf(err, sizeof(err), "%s/record.log", tmpdir);
	pid = spawn(argv, out, err);
	if (pid < 0)
		return fail("fork: %s", strerror(errno));

	/* reports only reach readers that have the node open */
	deadline = vm_now_us() + 5000000u;
	while (count_node_fds(pid, kbd->hidraw) < 1 && vm_now_us() < deadline)
		sleep_ms(5);
	if (count_node_fds(pid, kbd->hidraw) < 1) {
		kill(pid, SIGKILL);
		wait_child(pid, 1000);
		return fail("hidmapd record did not open %s", node);
	}
	for (size_t i = 0; i < kbd->rec->nevents; i++)
		if (vm_uhid_input(kbd->uhid, kbd->rec->events[i].data, kbd->rec->events[i].size) <
		    0)
			return fail("UHID_INPUT2: %s", strerror(errno));
	sleep_ms(200);
	kill(pid, SIGINT);
	rc = wait_child(pid, STOP_TIMEOUT_MS);
	if (rc != 0)
		return fail("hidmapd record exited with %d on SIGINT", rc);

	if (hm_recording_load(out, &got) < 0)
		return fail("%s does not parse as a recording", out);
	if (!streq(got->name, kbd->rec->name) || got->bus != kbd->rec->bus ||
	    got->vendor != kbd->rec->vendor || got->product != kbd->rec->product)
		return fail("recorded header: \"%s\" %x %04x:%04x, expected \"%s\" %x %04x:%04x",
		            got->name, got->bus, got->vendor, got->product, kbd->rec->name,
		            kbd->rec->bus, kbd->rec->vendor, kbd->rec->product);
	if (got->rdesc_size != kbd->rec->rdesc_size ||
	    memcmp(got->rdesc, kbd->rec->rdesc, got->rdesc_size) != 0)
		return fail("recorded descriptor differs from the device's");
	if (got->nevents != kbd->rec->nevents)
		return fail("recorded %zu reports, sent %zu", got->nevents, kbd->rec->nevents);
	for (size_t i = 0; i < got->nevents; i++)
		if (got->events[i].size != kbd->rec->events[i].size ||
		    memcmp(got->events[i].data, kbd->rec->events[i].data, got->events[i].size))
			return fail("recorded report %zu differs from the one sent", i);
	for (size_t i = 1; i < got->nevents; i++)
		if (got->events[i].time_us < got->events[i - 1].time_us)
			return fail("recorded timestamps go backwards at report %zu", i);
	note("record: %zu reports and the descriptor recorded byte for byte", got->nevents);
	return 0;
}

/*
 * `hidmapd replay --uinput FILE` injects for real: the uinput devices it
 * creates deliver, device by device, the events `hidmapd replay FILE` prints.
 */
static int scenario_replay_uinput(void)
{
	_cleanup_(hm_recording_freep) struct hm_recording *src = NULL;
	static struct reader rd[MAX_OUTPUTS]; /* large: not on the stack */
	struct replay rp;
	char buf[PATH_MAX], file[PATH_MAX], err[PATH_MAX], prefix[96];
	const char *argv[] = {"hidmapd", "replay", "--uinput", file, NULL};
	size_t nfound = 0;
	uint64_t deadline;
	FILE *f;
	pid_t pid;
	int r = 0, rc;

	memset(rd, 0, sizeof(rd));
	if (hm_recording_load(kdata("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)), &src) <
	    0)
		return fail("cannot load the source recording");
	/* the first report 3 s in (replay --uinput keeps a recording's leading
	 * pause), so that the devices can be opened before, even on a loaded
	 * emulated CPU */
	snprintf(file, sizeof(file), "%s/replay-uinput.hid", tmpdir);
	f = fopen(file, "we");
	if (!f)
		return fail("%s: %s", file, strerror(errno));
	hm_recording_write_header(f, src->name, src->bus, src->vendor, src->product, src->rdesc,
	                          src->rdesc_size);
	/* 20 ms apart: the reader threads must keep up with the evdev buffer
	 * (64 events for this keyboard) on a loaded emulated CPU; at 2 ms a
	 * 30 ms pause of the reader gave SYN_DROPPED */
	for (size_t i = 0; i < src->nevents; i++)
		hm_recording_write_event(f, 3000000u + (uint64_t)i * 20000u, src->events[i].data,
		                         src->events[i].size);
	fclose(f);
	if (replay_run(NULL, file, &rp) < 0)
		return -1;

	snprintf(err, sizeof(err), "%s/replay-uinput.log", tmpdir);
	pid = spawn(argv, NULL, err);
	if (pid < 0) {
		replay_free(&rp);
		return fail("fork: %s", strerror(errno));
	}
	snprintf(prefix, sizeof(prefix), "hidmapd/replay-uinput.hid/input");
	deadline = vm_now_us() + 2900000u;
	while (nfound < rp.ndevices && vm_now_us() < deadline) {
		DIR *d = opendir("/sys/class/input");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[PATH_MAX], phys[96], node[300];
			uint32_t k;

			if (!startswith(de->d_name, "event"))
				continue;
			snprintf(path, sizeof(path), "/sys/class/input/%s/device/phys", de->d_name);
			read_attr(path, phys, sizeof(phys));
			if (!startswith(phys, prefix) ||
			    safe_atou32_base(phys + strlen(prefix), 10, &k) < 0 ||
			    k >= rp.ndevices || rd[k].devnode[0])
				continue;
			snprintf(node, sizeof(node), "/dev/input/%s", de->d_name);
			if (reader_start(&rd[k], node) < 0) {
				r = -1;
				break;
			}
			nfound++;
		}
		if (d)
			closedir(d);
		sleep_ms(2);
	}
	rc = wait_child(pid, 10000);
	if (nfound != rp.ndevices)
		r = fail("replay --uinput: found %zu of %zu uinput devices before the first report",
		         nfound, rp.ndevices);
	if (rc != 0)
		r = fail("hidmapd replay --uinput exited with %d", rc);

	for (size_t k = 0; k < rp.ndevices && r == 0; k++) {
		_cleanup_free_ char *want = NULL, *live = NULL;
		size_t want_len = 0, live_len = 0;
		FILE *w = open_memstream(&want, &want_len), *l = open_memstream(&live, &live_len);
		char tag[32];

		reader_wait_end(&rd[k], STOP_TIMEOUT_MS);
		/* replay's E: lines of device k, in order */
		snprintf(tag, sizeof(tag), "E: %zu ", k);
		for (size_t b = 0; b < rp.nblocks; b++)
			for (char *line = rp.block[b]; line && *line;) {
				char *end = strchr(line, '\n');
				size_t len = end ? (size_t)(end - line + 1) : strlen(line);

				if (startswith(line, tag))
					fwrite(line, 1, len, w);
				line += len;
			}
		pthread_mutex_lock(&rd[k].lock);
		for (size_t i = 0; i < rd[k].n; i++)
			if (!(rd[k].ev[i].type == EV_KEY && rd[k].ev[i].value == 2))
				hm_print_event(l, (unsigned)k, rd[k].ev[i].type, rd[k].ev[i].code,
				               rd[k].ev[i].value);
		pthread_mutex_unlock(&rd[k].lock);
		fclose(w);
		fclose(l);
		/* what follows the recording on uinput is the teardown's releases */
		if (strncmp(live, want, strlen(want)) != 0) {
			r = fail("replay --uinput: device %zu delivered other events than replay "
			         "prints",
			         k);
			print_indented("replay", want);
			print_indented("uinput", live);
		} else {
			note("replay --uinput: device %zu delivered replay's %zu bytes of E: lines",
			     k, strlen(want));
		}
	}
	for (size_t k = 0; k < rp.ndevices; k++)
		if (rd[k].devnode[0])
			reader_stop(&rd[k]);
	replay_free(&rp);
	return r;
}

/* ---- main ------------------------------------------------------------------ */

/* ---- service: replug grace, control socket, watchdog ---------------------- */

/* "inputN" of an event node, from sysfs: the input device behind it. */
static void input_of(const char *devnode, char *buf, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *ev = strrchr(devnode, '/');

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/input/%s/device", ev ? ev + 1 : devnode);
	if (realpath(path, real))
		snprintf(buf, size, "%s", strrchr(real, '/') + 1);
}

static bool reader_done(struct reader *rd)
{
	bool done;

	pthread_mutex_lock(&rd->lock);
	done = rd->done;
	pthread_mutex_unlock(&rd->lock);
	return done;
}

/* Plugs the test keyboard in and waits for its uinput keyboard. */
static int plug_keyboard(const char *label, struct tdev **ret, struct output *o)
{
	char buf[PATH_MAX];
	size_t n;

	if (tdev_new(label, corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, ret) < 0)
		return -1;
	n = wait_outputs(ret, 1, *ret, 1, o, 5000);
	if (n < 1)
		return fail("hidmapd did not pick up /dev/%s within 5 s", (*ret)->hidraw);
	return 0;
}

/* Holds A on kbd, unplugs it, and checks the release came out on rd at
 * once, from hidmapd (SYN_REPORT 0), while the uinput device still exists. */
static int unplug_holding_a(struct tdev **kbd, struct reader *rd, long from)
{
	long press, rel;
	int syn;

	if (tdev_report(*kbd, kbd_press_a[0]) < 0)
		return -1;
	press = reader_find(rd, (size_t)from, EV_KEY, KEY_A, 1);
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u; press < 0 && vm_now_us() < end;
	     sleep_ms(2))
		press = reader_find(rd, (size_t)from, EV_KEY, KEY_A, 1);
	if (press < 0) {
		reader_print(rd);
		return fail("KEY_A press did not arrive on %s", rd->devnode);
	}
	tdev_free(steal(kbd)); /* UHID_DESTROY by closing /dev/uhid */
	rel = -1;
	for (uint64_t end = vm_now_us() + EVENT_TIMEOUT_MS * 1000u; rel < 0 && vm_now_us() < end;
	     sleep_ms(2))
		rel = reader_find(rd, (size_t)press + 1, EV_KEY, KEY_A, 0);
	if (rel < 0) {
		reader_print(rd);
		return fail("no KEY_A release on %s within %d ms of the unplug", rd->devnode,
		            EVENT_TIMEOUT_MS);
	}
	if (!reader_saw_release(rd, press, KEY_A, &syn) || syn != 0)
		return fail("the release's frame ends with SYN_REPORT %d, not hidmapd's 0", syn);
	if (reader_done(rd))
		return fail("%s went at the unplug: the grace period should keep it", rd->devnode);
	return 0;
}

static int scenario_replug(void)
{
	static const char *config_body = "[hidmapd]\n"
	                                 "replug-grace = 1s\n"
	                                 "\n"
	                                 "[device kbd]\n"
	                                 "match = 1209:0001\n";
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output o1[MAX_OUTPUTS], o2[MAX_OUTPUTS];
	char config[PATH_MAX], input1[64], input2[64], node1[64];
	struct reader rd;
	long off, mark;
	uint64_t t0;
	int r = 0;

	if (config_write("config", config_body, config, sizeof(config)) < 0 ||
	    daemon_start(config, NULL) < 0)
		return -1;
	if (!daemon_log_wait("running", 0, 10000))
		return fail("hidmapd did not say \"running\" within 10 s");

	/* (a) plugged after the start, gone with A held */
	if (plug_keyboard("keyboard", &kbd, o1) < 0)
		return -1;
	snprintf(node1, sizeof(node1), "%s", o1[0].devnode);
	input_of(node1, input1, sizeof(input1));
	note("plugged: uinput keyboard %s (%s)", node1, input1);
	if (reader_start(&rd, node1) < 0)
		return -1;
	off = file_size(daemon_log);
	if (unplug_holding_a(&kbd, &rd, 0) < 0) {
		r = -1;
		goto out;
	}
	note("unplugged with A held: released on %s, which stays", node1);
	if (!daemon_log_wait("keeping its virtual devices", off, STOP_TIMEOUT_MS)) {
		r = fail("hidmapd did not log that it keeps the virtual devices");
		goto out;
	}

	/* (b) back within the grace period: the same uinput device */
	off = file_size(daemon_log);
	t0 = vm_now_us();
	if (tdev_new("keyboard-back",
	             corpus("synthetic/hidtools-ledkeyboard.hid", config, sizeof(config)),
	             KEYBOARD_PID, NULL, &kbd) < 0) {
		r = -1;
		goto out;
	}
	if (!daemon_log_wait("came back after", off, 5000)) {
		r = fail("hidmapd did not take /dev/%s back within the grace period", kbd->hidraw);
		goto out;
	}
	note("replugged as /dev/%s after %.0f ms", kbd->hidraw,
	     (double)(vm_now_us() - t0) / 1000.0);
	input_of(node1, input2, sizeof(input2));
	if (reader_done(&rd) || !streq(input1, input2)) {
		r = fail("%s is not the same device after the replug (%s, was %s)", node1,
		         input2[0] ? input2 : "gone", input1);
		goto out;
	}
	/* The fd opened before the unplug sees the replugged device's keys.
	 * The device's first report presses A, which the module had down
	 * before the unplug: it is a press only because the module started
	 * afresh (hm_device_restart). */
	pthread_mutex_lock(&rd.lock);
	mark = (long)rd.n;
	pthread_mutex_unlock(&rd.lock);
	if (unplug_holding_a(&kbd, &rd, mark) < 0) {
		r = -1;
		goto out;
	}
	note("same %s (%s) after the replug: A pressed on the new device arrives on the fd "
	     "opened before, released at the second unplug",
	     node1, input1);

	/* gone for longer than the grace period: the uinput device goes */
	t0 = vm_now_us();
	if (!reader_wait_end(&rd, 1000 + STOP_TIMEOUT_MS)) {
		r = fail("%s still exists %d ms after the grace period", node1, STOP_TIMEOUT_MS);
		goto out;
	}
	note("%s removed %.0f ms after the unplug (grace 1 s)", node1,
	     (double)(vm_now_us() - t0) / 1000.0);
	if (!daemon_log_wait("did not come back", off, 1000)) {
		r = fail("hidmapd did not log the end of the grace period");
		goto out;
	}

	/* back after it: a new uinput device */
	if (plug_keyboard("keyboard-late", &kbd, o2) < 0) {
		r = -1;
		goto out;
	}
	input_of(o2[0].devnode, input2, sizeof(input2));
	note("plugged after the grace period: %s (%s)", o2[0].devnode, input2);
	if (streq(input1, input2))
		r = fail("the device that came back late got the old input device %s", input1);
out:
	reader_stop(&rd);
	return r;
}

/* Where sockets can be made: TMPDIR is a tmpfs in the VM, the results
 * share is 9p, which has none. */
static const char *sockdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' ? t : "/tmp";
}

/* Runs `hidmapd ARG` to completion; its stdout and stderr in files. */
static int run_client(const char *arg, char *out, char *err, size_t size)
{
	const char *argv[] = {"hidmapd", arg, NULL};

	snprintf(out, size, "%s/%s-%s.out", tmpdir, scenario, arg);
	snprintf(err, size, "%s/%s-%s.err", tmpdir, scenario, arg);
	return wait_child(spawn(argv, out, err), 10000);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	safe_close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* hidmapd doctor --config config, its output in a static buffer. */
static const char *run_doctor(const char *config, const char *label, int *ret_status)
{
	const char *argv[] = {"hidmapd", "doctor", "--config", config, NULL};
	char out[PATH_MAX], err[PATH_MAX];
	const char *text;

	snprintf(out, sizeof(out), "%s/%s-doctor-%s.out", tmpdir, scenario, label);
	snprintf(err, sizeof(err), "%s/%s-doctor-%s.err", tmpdir, scenario, label);
	*ret_status = wait_child(spawn(argv, out, err), 20000);
	text = slurp(out);
	printf("---- hidmapd doctor (%s), exit %d ----\n%s---- end ----\n", label, *ret_status,
	       text);
	return text;
}

/* The kernel's evdev nodes of a hidraw node, from sysfs: "/dev/input/eventN ..." */
static void kernel_evdev_nodes(const char *hidraw, char *buf, size_t size)
{
	char dir[PATH_MAX];
	DIR *inputs;
	struct dirent *de;

	buf[0] = '\0';
	snprintf(dir, sizeof(dir), "/sys/class/hidraw/%s/device/input", hidraw);
	inputs = opendir(dir);
	if (!inputs)
		return;
	while ((de = readdir(inputs))) {
		char sub[PATH_MAX];
		DIR *in;
		struct dirent *e;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%.32s", dir, de->d_name) >= (int)sizeof(sub))
			continue;
		in = opendir(sub);
		while (in && (e = readdir(in))) {
			size_t l = strlen(buf);

			if (strncmp(e->d_name, "event", 5) == 0)
				snprintf(buf + l, size - l, "%s/dev/input/%.32s", l ? " " : "",
				         e->d_name);
		}
		if (in)
			closedir(in);
	}
	closedir(inputs);
}

/*
 * hidmapd doctor on the real kernel: it names the test keyboard, the driver
 * the kernel bound (hid-generic: the VM boots with ignore_special_drivers),
 * the evdev nodes sysfs lists for it, and who else holds the hidraw node
 * (this program, then only the daemon).
 */
static int scenario_doctor(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output o[MAX_OUTPUTS];
	char config[PATH_MAX], buf[PATH_MAX], want[512], nodes[256], node[64];
	const char *text;
	_cleanup_close_ int fd = -1;
	char *tok, *save = NULL;
	int st;

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (config_write("config", "[device kbd]\nmatch = 1209:0001\n", config, sizeof(config)) < 0)
		return -1;
	snprintf(node, sizeof(node), "/dev/%s", kbd->hidraw);
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("%s: %s", node, strerror(errno));

	text = run_doctor(config, "alone", &st);
	if (st != 0)
		return fail("hidmapd doctor exited %d with nothing failing", st);
	if (!strstr(text, "OK   /dev/uinput: readable and writable\n"))
		return fail("doctor did not find /dev/uinput usable");
	snprintf(want, sizeof(want),
	         "OK   %s: 1209:0001 \"%s\": hidmapd drives it (module generic, [device kbd]", node,
	         kbd->rec->name);
	if (!strstr(text, want))
		return fail("doctor did not say it drives %s: %s", node, want);
	snprintf(want, sizeof(want), "%s driver: hid-generic", node);
	if (!strstr(text, want))
		return fail("doctor did not name the bound driver: %s", want);
	snprintf(want, sizeof(want), "also open in pid %d (scenarios)", (int)getpid());
	if (!strstr(text, want))
		return fail("doctor did not see this program holding %s: %s", node, want);
	kernel_evdev_nodes(kbd->hidraw, nodes, sizeof(nodes));
	if (!nodes[0])
		return fail("sysfs lists no evdev node for %s", kbd->hidraw);
	for (tok = strtok_r(nodes, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		snprintf(want, sizeof(want), "%s evdev: ", node);
		if (!strstr(text, want) || !strstr(strstr(text, want), tok))
			return fail("doctor's evdev line for %s does not name %s", node, tok);
	}
	note("doctor names %s, hid-generic, its evdev nodes and this program holding it", node);
	fd = safe_close(fd);

	if (daemon_start(config, NULL) < 0)
		return -1;
	if (wait_outputs(&kbd, 1, kbd, 1, o, 10000) < 1)
		return fail("hidmapd did not drive /dev/%s within 10 s", kbd->hidraw);
	text = run_doctor(config, "daemon", &st);
	snprintf(want, sizeof(want), "OK   %s users: open in hidmapd only", node);
	if (!strstr(text, want))
		return fail("with the daemon running, doctor did not say: %s", want);
	note("with the daemon running: \"%s\"", want);
	outputs_close(o, 1);
	return 0;
}

static int scenario_control(void)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct output o[MAX_OUTPUTS];
	char config[PATH_MAX], rt[PATH_MAX], out[PATH_MAX], err[PATH_MAX], want[PATH_MAX + 64],
	    sock[PATH_MAX];
	const char *mon_argv[] = {"hidmapd", "monitor", NULL};
	const char *text;
	pid_t mon;
	int st, r = 0;
	bool seen = false;

	/* a runtime dir of our own: the socket's path is known and fresh.  Not
	 * in tmpdir: the results share (9p) takes no sockets. */
	snprintf(rt, sizeof(rt), "%s/%s-runtime", sockdir(), scenario);
	if (mkdir(rt, 0700) < 0 && errno != EEXIST)
		return fail("%s: %s", rt, strerror(errno));
	setenv("XDG_RUNTIME_DIR", rt, 1);
	if (snprintf(sock, sizeof(sock), "%s/hidmapd/control", rt) >= (int)sizeof(sock))
		return fail("%s: path too long", rt);

	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", out, sizeof(out)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		return -1;
	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    daemon_start(config, NULL) < 0)
		return -1;
	if (wait_outputs(&kbd, 1, kbd, 1, o, 10000) < 1)
		return fail("hidmapd did not drive /dev/%s within 10 s", kbd->hidraw);
	if (!daemon_log_wait("running", 0, 5000))
		return fail("hidmapd did not say \"running\"");
	/* two reports: counted, and their latency measured */
	if (tdev_report(kbd, kbd_press_a[0]) < 0 || tdev_report(kbd, kbd_press_a[1]) < 0)
		return -1;
	sleep_ms(200);

	st = run_client("status", out, err, sizeof(out));
	text = slurp(out);
	printf("---- hidmapd status ----\n%s---- end ----\n", text);
	if (st != 0)
		return fail("hidmapd status exited %d: %s", st, slurp(err));
	snprintf(want, sizeof(want), "device /dev/%s 1209:0001 ", kbd->hidraw);
	if (!strstr(text, want))
		r = fail("status does not list \"%s\"", want);
	if (!strstr(text, "module generic config kbd\n"))
		r = fail("status does not give the module and config section");
	snprintf(want, sizeof(want), "  output 0 %s \"", o[0].devnode);
	if (!strstr(text, want))
		r = fail("status does not give the output's event node (%s)", o[0].devnode);
	if (!strstr(text, "  reports 2 decode-errors 0 "))
		r = fail("status does not count the 2 reports");
	if (!strstr(text, "  latency p50 ") || !strstr(text, "us samples 2\n"))
		r = fail("status has no latency figures for the 2 reports");
	if (!strstr(text, "\nconfig ") && !startswith(text, "config "))
		r = fail("status does not list the config file");

	/* monitor: press A until its events show up */
	snprintf(out, sizeof(out), "%s/%s-monitor.out", tmpdir, scenario);
	snprintf(err, sizeof(err), "%s/%s-monitor.err", tmpdir, scenario);
	mon = spawn(mon_argv, out, err);
	for (int i = 0; i < 50 && !seen; i++) {
		sleep_ms(100);
		if (tdev_report(kbd, kbd_press_a[0]) < 0 || tdev_report(kbd, kbd_press_a[1]) < 0)
			break;
		sleep_ms(20);
		text = slurp(out);
		snprintf(want, sizeof(want), "%s in  EV_KEY KEY_A 1\n", kbd->hidraw);
		seen = strstr(text, want) != NULL;
		snprintf(want, sizeof(want), "%s out#0 EV_KEY KEY_A 0\n", kbd->hidraw);
		seen = seen && strstr(text, want) != NULL;
	}
	kill(mon, SIGINT);
	st = wait_child(mon, 5000);
	text = slurp(out);
	printf("---- hidmapd monitor (first lines) ----\n%.400s\n---- end ----\n", text);
	if (!seen)
		r = fail("hidmapd monitor did not show KEY_A in and out within 5 s (%s)",
		         slurp(err));
	if (st != 128 + SIGINT)
		r = fail("hidmapd monitor did not end on Ctrl-C (status %d)", st);

	/* reload: ok, then a broken file's error with its path and line */
	st = run_client("reload", out, err, sizeof(out));
	if (st != 0)
		r = fail("hidmapd reload exited %d: %s", st, slurp(err));
	if (write_file(config, "[device kbd\n") < 0)
		return -1;
	st = run_client("reload", out, err, sizeof(out));
	text = slurp(err);
	note("reload of a broken config: exit %d, %s", st, text);
	snprintf(want, sizeof(want), "%s:1: ", config);
	if (st != 1 || !strstr(text, want))
		r = fail("hidmapd reload of a broken config: exit %d, \"%s\" (want 1 and %s)", st,
		         text, want);

	/* stopped: the socket goes, and the client says so */
	daemon_signal(SIGTERM);
	if (daemon_wait_exit(STOP_TIMEOUT_MS) < 0)
		return fail("hidmapd did not stop on SIGTERM");
	if (access(sock, F_OK) == 0)
		r = fail("%s is still there after the daemon stopped", sock);
	st = run_client("status", out, err, sizeof(out));
	text = slurp(err);
	snprintf(want, sizeof(want), "hidmapd is not running (no socket at %s)", sock);
	if (st != 1 || !strstr(text, want))
		r = fail("hidmapd status without a daemon: exit %d, \"%s\"", st, text);
	return r;
}

static int scenario_watchdog(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char config[PATH_MAX], msg[512];
	_cleanup_close_ int fd = -1;
	unsigned ready = 0, pings = 0;
	uint64_t t_ready = 0, t_first = 0, t_last = 0, end;

	snprintf(notify_socket, sizeof(notify_socket), "%s/%s-notify", sockdir(), scenario);
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", notify_socket) >=
	    (int)sizeof(sa.sun_path))
		return fail("%s: too long for a socket address", notify_socket);
	unlink(notify_socket);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("notify socket %s: %s", notify_socket, strerror(errno));
	watchdog_usec = 200000;
	if (config_write("config", keyboard_mouse_config, config, sizeof(config)) < 0 ||
	    daemon_start(config, NULL) < 0)
		return -1;
	end = vm_now_us() + 10000000u;
	while (vm_now_us() < end && daemon_alive()) {
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);

		if (n < 0) {
			sleep_ms(5);
			continue;
		}
		msg[n] = '\0';
		if (verbose)
			note("notify: %s", msg);
		for (char *line = strtok(msg, "\n"); line; line = strtok(NULL, "\n")) {
			if (streq(line, "READY=1") && !ready++) {
				t_ready = vm_now_us();
				end = t_ready + 1500000u; /* then 1.5 s of pings */
			} else if (streq(line, "WATCHDOG=1")) {
				if (!pings++)
					t_first = vm_now_us();
				t_last = vm_now_us();
			}
		}
	}
	note("READY=1 x%u, WATCHDOG=1 x%u in %.0f ms (interval %.0f ms on average; "
	     "WATCHDOG_USEC 200 ms)",
	     ready, pings, (double)(t_last - t_first) / 1000.0,
	     pings > 1 ? (double)(t_last - t_first) / 1000.0 / (pings - 1) : 0.0);
	unlink(notify_socket);
	if (!ready)
		return fail("no READY=1 on NOTIFY_SOCKET (built without libsystemd?)");
	/* every 100 ms for 1.5 s: 15; an emulated CPU may be late, never absent */
	if (pings < 5)
		return fail("only %u WATCHDOG=1 in the 1.5 s after READY=1 (want about 15)", pings);
	if (pings > 40)
		return fail("%u WATCHDOG=1 in 1.5 s: far more often than half the interval", pings);
	return 0;
}

/* ---- the user unit under systemd --user (tests/vm/user-unit.sh) ---------- */

/*
 * user-unit.sh prepares an unprivileged user with a running `systemd --user`
 * and hidmapd.service installed (ExecStart pointing at the built binary) and
 * runs these scenarios with:
 *   HM_UU_UID      the user's uid (its gid is the same)
 *   HM_UU_HOME     its HOME
 *   HM_UU_RUNTIME  its XDG_RUNTIME_DIR
 *   HM_UU_CONFIG   the ini file the unit's daemon reads (~/.config/hidmapd/)
 *   HM_UU_LOG      the daemon's stderr (a drop-in of the test's, StandardError=)
 */
static uid_t uu_uid;
static const char *uu_home, *uu_runtime, *uu_config;

/* Runs argv as the user, with the environment of its session, stdout and
 * stderr to tmpdir/<scenario>-<label>.out; the exit status, or -ETIMEDOUT. */
static int as_user(const char *label, const char *const *argv, char *out, size_t size,
                   unsigned timeout_ms)
{
	pid_t pid;

	snprintf(out, size, "%s/%s-%s.out", tmpdir, scenario, label);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		char v[16];

		if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		if (setgroups(0, NULL) < 0 || setresgid(uu_uid, uu_uid, uu_uid) < 0 ||
		    setresuid(uu_uid, uu_uid, uu_uid) < 0)
			_exit(126);
		clearenv();
		setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
		setenv("HOME", uu_home, 1);
		setenv("XDG_RUNTIME_DIR", uu_runtime, 1);
		snprintf(v, sizeof(v), "%u", (unsigned)uu_uid);
		setenv("USER", v, 1);
		setenv("SYSTEMD_PAGER", "", 1);
		setenv("SYSTEMD_COLORS", "0", 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return wait_child(pid, timeout_ms);
}

/* `systemctl --user VERB [ARG]` as the user; its output in out. */
static int systemctl(const char *verb, const char *arg, char *out, size_t size)
{
	const char *argv[] = {"systemctl", "--user", "--no-pager", verb, arg, NULL};

	return as_user(verb, argv, out, size, 30000);
}

/* A property of hidmapd.service (`systemctl --user show -p NAME --value`),
 * in a static buffer; "" if it cannot be read. */
static const char *unit_prop(const char *name)
{
	const char *argv[] = {"systemctl", "--user",          "show", "-p", name,
	                      "--value",   "hidmapd.service", NULL};
	char out[PATH_MAX];
	char *s;

	if (as_user("show", argv, out, sizeof(out), 10000) != 0)
		return "";
	s = slurp(out);
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* "NAME=value NAME=value" for the properties named, in a static buffer */
static const char *unit_props_line(const char *const *names)
{
	static char line[512];
	size_t l = 0;

	line[0] = '\0';
	for (size_t i = 0; names[i] && l < sizeof(line); i++)
		l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s=%s", i ? " " : "", names[i],
		                      unit_prop(names[i]));
	return line;
}

static void print_unit_props(const char *when)
{
	static const char *const props[] = {
	    "ActiveState",    "SubState",     "Result",       "MainPID",
	    "StatusText",     "NRestarts",    "WatchdogUSec", "WatchdogTimestampMonotonic",
	    "ExecMainStatus", "ExecMainCode", "NotifyAccess", "ControlGroup",
	};

	printf("---- hidmapd.service %s ----\n", when);
	for (size_t i = 0; i < ARRAY_SIZE(props); i++)
		printf("  %s=%s\n", props[i], unit_prop(props[i]));
	printf("---- end ----\n");
}

/* Waits until ActiveState is want (or failed, which ends the wait). */
static bool unit_wait_state(const char *want, unsigned timeout_ms, char *got, size_t size)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		snprintf(got, size, "%s", unit_prop("ActiveState"));
		if (streq(got, want) || streq(got, "failed") || vm_now_us() >= deadline)
			return streq(got, want);
		sleep_ms(20);
	}
}

static int unit_main_pid(void)
{
	uint32_t v;

	return safe_atou32_base(unit_prop("MainPID"), 10, &v) == 0 ? (int)v : -1;
}

/*
 * A stand-in for udevd and its uaccess rule, which the VM lacks: each
 * kernel uevent is read from netlink; the node of a hidraw or input device
 * that is added is given to the test user (what the uaccess ACL does on a
 * desktop, chown here: no setfacl in the VM); then the event is sent on to
 * udev's multicast group in libudev's format, the way udevd passes it on
 * once its rules have run.  With /run/udev/control present the daemon
 * listens there, as it does on a desktop: so the unit's hotplug goes
 * through the same path, including libudev's check of the sender's uid
 * (root, seen as the overflow uid inside PrivateUsers=).
 */
struct udevd_standin {
	pthread_t thread;
	int in, out, stop[2];
	uid_t uid;
	unsigned forwarded, chowned;
	pthread_mutex_t lock;
};

/* libudev's monitor_netlink_header (systemd src/libsystemd/sd-device/
 * device-monitor.c): subscribers filter on the magic and the hashes in BPF,
 * so those are in network byte order. */
struct udev_nl_header {
	char prefix[8];
	uint32_t magic;
	uint32_t header_size;
	uint32_t properties_off;
	uint32_t properties_len;
	uint32_t filter_subsystem_hash;
	uint32_t filter_devtype_hash;
	uint32_t filter_tag_bloom_hi;
	uint32_t filter_tag_bloom_lo;
};

/* MurmurHash2 with seed 0, as libudev hashes subsystem and devtype */
static uint32_t murmur2(const char *s)
{
	const uint32_t m = 0x5bd1e995;
	size_t len = strlen(s);
	uint32_t h = (uint32_t)len;
	const unsigned char *p = (const unsigned char *)s;

	for (; len >= 4; p += 4, len -= 4) {
		uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		             (uint32_t)p[3] << 24;

		k *= m;
		k ^= k >> 24;
		k *= m;
		h = h * m ^ k;
	}
	switch (len) {
	case 3:
		h ^= (uint32_t)p[2] << 16;
		/* fall through */
	case 2:
		h ^= (uint32_t)p[1] << 8;
		/* fall through */
	case 1:
		h ^= p[0];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h;
}

/* The value of KEY= in a uevent's NUL-separated properties, or NULL. */
static const char *uevent_prop(const char *props, size_t len, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < len; i += strnlen(props + i, len - i) + 1)
		if (strncmp(props + i, key, kl) == 0 && props[i + kl] == '=')
			return props + i + kl + 1;
	return NULL;
}

static void *udevd_main(void *arg)
{
	struct udevd_standin *u = arg;

	for (;;) {
		struct pollfd p[2] = {{.fd = u->in, .events = POLLIN},
		                      {.fd = u->stop[0], .events = POLLIN}};
		struct sockaddr_nl dst = {.nl_family = AF_NETLINK, .nl_groups = 2};
		struct udev_nl_header h = {
		    .prefix = "libudev", .magic = htobe32(0xfeedcafe), .header_size = sizeof(h)};
		char buf[8192 + 1];
		const char *props, *action, *subsystem, *devname, *devtype;
		size_t plen;
		ssize_t n;
		struct iovec iov[2];
		struct msghdr msg = {
		    .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = iov, .msg_iovlen = 2};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (p[1].revents)
			return NULL;
		n = recv(u->in, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "ACTION@DEVPATH\0KEY=VALUE\0..." */
		props = buf + strlen(buf) + 1;
		if (props >= buf + n || !strstr(buf, "@/"))
			continue;
		plen = (size_t)(buf + n - props);
		action = uevent_prop(props, plen, "ACTION");
		subsystem = uevent_prop(props, plen, "SUBSYSTEM");
		devname = uevent_prop(props, plen, "DEVNAME");
		devtype = uevent_prop(props, plen, "DEVTYPE");
		if (!action || !subsystem)
			continue;
		if (streq(action, "add") && devname &&
		    (streq(subsystem, "hidraw") || streq(subsystem, "input"))) {
			char node[PATH_MAX];

			snprintf(node, sizeof(node), "/dev/%s", devname);
			if (chown(node, u->uid, (gid_t)-1) == 0) {
				pthread_mutex_lock(&u->lock);
				u->chowned++;
				pthread_mutex_unlock(&u->lock);
			}
		}
		h.properties_off = sizeof(h);
		h.properties_len = (uint32_t)plen;
		h.filter_subsystem_hash = htobe32(murmur2(subsystem));
		if (devtype)
			h.filter_devtype_hash = htobe32(murmur2(devtype));
		iov[0] = (struct iovec){.iov_base = &h, .iov_len = sizeof(h)};
		iov[1] = (struct iovec){.iov_base = (void *)props, .iov_len = plen};
		/* ECONNREFUSED: nobody listens to the group (yet) */
		if (sendmsg(u->out, &msg, 0) >= 0 || errno == ECONNREFUSED) {
			pthread_mutex_lock(&u->lock);
			u->forwarded++;
			pthread_mutex_unlock(&u->lock);
		}
	}
}

static void udevd_stop(struct udevd_standin *u)
{
	if (u->stop[1] >= 0) {
		(void)!write(u->stop[1], "x", 1);
		pthread_join(u->thread, NULL);
	}
	u->in = safe_close(u->in);
	u->out = safe_close(u->out);
	u->stop[0] = safe_close(u->stop[0]);
	u->stop[1] = safe_close(u->stop[1]);
	(void)unlink("/run/udev/control");
}

static int udevd_start(struct udevd_standin *u, uid_t uid)
{
	struct sockaddr_nl in = {.nl_family = AF_NETLINK, .nl_groups = 1};
	struct sockaddr_nl out = {.nl_family = AF_NETLINK};
	int fd, r;

	*u = (struct udevd_standin){.in = -1, .out = -1, .stop = {-1, -1}, .uid = uid};
	pthread_mutex_init(&u->lock, NULL);
	u->in = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	u->out = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (u->in < 0 || u->out < 0 || bind(u->in, (struct sockaddr *)&in, sizeof(in)) < 0 ||
	    bind(u->out, (struct sockaddr *)&out, sizeof(out)) < 0 || pipe2(u->stop, O_CLOEXEC) < 0)
		return fail("udevd stand-in: netlink: %s", strerror(errno));
	r = pthread_create(&u->thread, NULL, udevd_main, u);
	if (r != 0) {
		u->stop[1] = safe_close(u->stop[1]);
		return fail("pthread_create: %s", strerror(r));
	}
	/* what libudev and the daemon take as "udevd runs" */
	if (mkdir("/run/udev", 0755) < 0 && errno != EEXIST)
		return fail("/run/udev: %s", strerror(errno));
	fd = open("/run/udev/control", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail("/run/udev/control: %s", strerror(errno));
	close(fd);
	return 0;
}

static unsigned udevd_count(struct udevd_standin *u, bool chowned)
{
	unsigned n;

	pthread_mutex_lock(&u->lock);
	n = chowned ? u->chowned : u->forwarded;
	pthread_mutex_unlock(&u->lock);
	return n;
}

/* The first line of /proc/PID/status starting with key ("Seccomp:"), its value. */
static void proc_status(pid_t pid, const char *key, char *buf, size_t size)
{
	char path[64], line[256];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (startswith(line, key)) {
			snprintf(buf, size, "%s",
			         line + strlen(key) + strspn(line + strlen(key), " \t"));
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
}

/* The multicast groups the NETLINK_KOBJECT_UEVENT sockets of pid are bound
 * to, OR'ed (1: the kernel's uevents, 2: udevd's), from /proc/net/netlink. */
static unsigned uevent_groups(pid_t pid)
{
	char path[64], line[512];
	unsigned long inodes[64];
	size_t ni = 0;
	unsigned groups = 0;
	struct dirent *de;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	while (d && (de = readdir(d)) && ni < ARRAY_SIZE(inodes)) {
		char link[128], target[64];
		ssize_t l;

		snprintf(link, sizeof(link), "%s/%.32s", path, de->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		if (l > 0) {
			target[l] = '\0';
			if (sscanf(target, "socket:[%lu]", &inodes[ni]) == 1)
				ni++;
		}
	}
	if (d)
		closedir(d);
	f = fopen("/proc/net/netlink", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long sk, inode;
		unsigned proto, port, g;

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%lx %u %u %x %*d %*d %*d %*d %*d %lu", &sk, &proto, &port, &g,
		           &inode) != 5 ||
		    proto != NETLINK_KOBJECT_UEVENT)
			continue;
		for (size_t i = 0; i < ni; i++)
			if (inodes[i] == inode)
				groups |= g;
	}
	if (f)
		fclose(f);
	return groups;
}

/* What the daemon's process is: its user namespace (its own or the
 * manager's), seccomp mode, no_new_privs, capabilities, uevent groups. */
static int check_sandbox(pid_t pid, bool userns)
{
	char mine[64], its[64], path[64], map[128], seccomp[16], nnp[16], capeff[32];
	unsigned groups = uevent_groups(pid);
	ssize_t l;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	l = readlink(path, its, sizeof(its) - 1);
	its[l > 0 ? l : 0] = '\0';
	l = readlink("/proc/self/ns/user", mine, sizeof(mine) - 1);
	mine[l > 0 ? l : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	l = fd >= 0 ? read(fd, map, sizeof(map) - 1) : -1;
	safe_close(fd);
	map[l > 0 ? l : 0] = '\0';
	for (char *c = map; *c; c++)
		if (*c == '\n')
			*c = ';';
	proc_status(pid, "Seccomp:", seccomp, sizeof(seccomp));
	proc_status(pid, "NoNewPrivs:", nnp, sizeof(nnp));
	proc_status(pid, "CapEff:", capeff, sizeof(capeff));
	note("sandbox of pid %d: user namespace %s (%s), uid_map \"%s\", Seccomp %s, NoNewPrivs "
	     "%s, CapEff %s, uevent groups 0x%x (%s)",
	     (int)pid, its, streq(its, mine) ? "the initial one" : "its own", map, seccomp, nnp,
	     capeff, groups,
	     groups == 2   ? "udevd's"
	     : groups == 1 ? "the kernel's"
	                   : "?");
	if (userns == streq(its, mine))
		return fail("PrivateUsers=%s, but the daemon runs in %s user namespace",
		            userns ? "yes" : "no", streq(its, mine) ? "the initial" : "a new");
	if (!streq(seccomp, "2") || !streq(nnp, "1"))
		return fail("the daemon has no seccomp filter (%s) or no NoNewPrivs (%s)", seccomp,
		            nnp);
	if (groups != 2)
		return fail("the daemon does not listen to udevd's uevents (groups 0x%x), though "
		            "/run/udev/control exists",
		            groups);
	return 0;
}

/* `hidmapd status` as the user, against the unit's control socket. */
static int user_status(struct tdev *kbd)
{
	const char *argv[] = {hidmapd, "status", NULL};
	char out[PATH_MAX], want[128];
	const char *text;
	int st = as_user("status", argv, out, sizeof(out), 10000);

	text = slurp(out);
	printf("---- hidmapd status (as uid %u) ----\n%s---- end ----\n", (unsigned)uu_uid, text);
	if (st != 0)
		return fail("hidmapd status as the user exited %d", st);
	snprintf(want, sizeof(want), "device /dev/%s 1209:0001 ", kbd->hidraw);
	if (!strstr(text, want))
		return fail("hidmapd status does not list \"%s\"", want);
	return 0;
}

/*
 * The shipped user unit under systemd --user (see user-unit.sh):
 *   start     `systemctl --user start` returns once READY=1 came
 *             (Type=notify): the unit is active, StatusText= is the
 *             daemon's STATUS=
 *   hotplug   a keyboard plugged in after the start is driven (the uevent
 *             reaches the daemon inside the unit's sandbox), A comes out as
 *             B, and the kernel's own node is grabbed
 *   status    `hidmapd status` as the user answers on the control socket
 *             in the unit's RuntimeDirectory=
 *   watchdog  (full only) 25 s with WatchdogSec=10s: same MainPID, no
 *             restart, WatchdogTimestamp keeps moving
 *   reload    (full only) `systemctl --user reload` (ExecReload= sends
 *             SIGHUP): a new mapping A->C applies
 *   stop      A held at `systemctl --user stop`: released by hidmapd before
 *             its device goes, the unit ends inactive (not failed), the
 *             RuntimeDirectory= is removed
 * full: the hardened unit; otherwise (no-userns) start, hotplug, status, stop.
 */
static int scenario_user_unit_run(bool full)
{
	_cleanup_(tdev_freep) struct tdev *kbd = NULL;
	struct udevd_standin u;
	struct output o[MAX_OUTPUTS];
	struct vm_evnode knodes[MAX_OUTPUTS];
	size_t n = 0, nknodes = 0;
	char out[PATH_MAX], state[64], buf[PATH_MAX], sock[PATH_MAX];
	const char *s;
	struct reader rd;
	bool reading = false;
	uint64_t t0, t1;
	uint32_t v;
	long press, off;
	int st, syn, r = -1;

	if (!getenv("HM_UU_UID") || safe_atou32_base(getenv("HM_UU_UID"), 10, &v) < 0 ||
	    !(uu_home = getenv("HM_UU_HOME")) || !(uu_runtime = getenv("HM_UU_RUNTIME")) ||
	    !(uu_config = getenv("HM_UU_CONFIG")) || !getenv("HM_UU_LOG"))
		return fail("run by tests/vm/user-unit.sh, which sets HM_UU_*");
	uu_uid = v;
	snprintf(daemon_log, sizeof(daemon_log), "%s", getenv("HM_UU_LOG"));
	snprintf(sock, sizeof(sock), "%s/hidmapd/control", uu_runtime);
	if (udevd_start(&u, uu_uid) < 0)
		goto out_udevd;

	/* start: returns when READY=1 arrives (or the start fails) */
	t0 = vm_now_us();
	st = systemctl("start", "hidmapd.service", out, sizeof(out));
	t1 = vm_now_us();
	if (st != 0) {
		fail("systemctl --user start hidmapd exited %d: %s", st, slurp(out));
		print_unit_props("after the failed start");
		goto out_udevd;
	}
	note("systemctl --user start: returned after %.0f ms (%s)", (double)(t1 - t0) / 1000.0,
	     unit_props_line((const char *const[]){"ActiveState", "SubState", "MainPID", NULL}));
	if (!unit_wait_state("active", 1000, state, sizeof(state))) {
		fail("hidmapd.service is %s after the start, not active", state);
		goto out_udevd;
	}
	unit_pid = unit_main_pid();
	if (unit_pid <= 0) {
		fail("hidmapd.service has no MainPID");
		goto out_udevd;
	}
#if HAVE_LIBSYSTEMD
	s = unit_prop("StatusText");
	note("StatusText=%s", s);
	if (!s[0]) {
		fail("StatusText= is empty: the daemon's STATUS= did not reach the manager");
		goto out_udevd;
	}
#endif
	if (!daemon_log_wait("running", 0, 5000)) {
		fail("the unit's log does not say \"running\"");
		goto out_udevd;
	}
	if (check_sandbox(unit_pid, full) < 0)
		goto out_udevd;
	if (access(sock, F_OK) < 0) {
		fail("no control socket at %s: %s", sock, strerror(errno));
		goto out_udevd;
	}

	/* hotplug, through the sandbox */
	off = file_size(daemon_log);
	t0 = vm_now_us();
	if (tdev_new("keyboard", corpus("synthetic/hidtools-ledkeyboard.hid", buf, sizeof(buf)),
	             KEYBOARD_PID, NULL, &kbd) < 0)
		goto out_udevd;
	t1 = vm_now_us();
	n = wait_outputs(&kbd, 1, kbd, 1, o, 10000);
	if (n < 1) {
		fail("the unit's hidmapd did not pick up /dev/%s within 10 s (the udevd stand-in "
		     "passed on %u uevent(s), gave %u node(s) to uid %u)",
		     kbd->hidraw, udevd_count(&u, false), udevd_count(&u, true), (unsigned)uu_uid);
		goto out_udevd;
	}
	note("hotplug: /dev/%s driven, %s there %.0f ms after UHID_CREATE2 (%.0f ms after "
	     "hid-generic bound it); the udevd stand-in passed on %u uevent(s)",
	     kbd->hidraw, o[0].devnode, (double)(vm_now_us() - t0) / 1000.0,
	     (double)(vm_now_us() - t1) / 1000.0, udevd_count(&u, false));
	if (!daemon_log_wait("driven by module", off, 2000)) {
		fail("the unit's log does not say the keyboard is driven");
		goto out;
	}
	/* the kernel's own nodes: grabbed by the daemon (it opened them
	 * inside the sandbox), so silent while A comes out as B */
	if (open_kernel_nodes(kbd, knodes, &nknodes) < 0)
		goto out;
	(void)kernel_nodes_pending(knodes, nknodes, false);
	if (output_open(&o[0], O_RDWR | O_NONBLOCK) < 0 || expect_a_as(kbd, o, "KEY_B") < 0)
		goto out;
	if (kernel_nodes_pending(knodes, nknodes, true) > 0) {
		fail("the kernel's evdev node delivered the key too: not grabbed by the unit");
		goto out;
	}
	note("A came out as B on %s; the kernel's %s stayed silent (grabbed)", o[0].devnode,
	     knodes[0].devnode);
	if (user_status(kbd) < 0)
		goto out;

	if (full) {
		uint64_t end = vm_now_us() + 25000000u;
		char last[64] = "", first[64] = "";
		unsigned moves = 0;

		/* WatchdogSec=10s: the daemon pings every 5 s; 25 s is two
		 * timeouts and a half */
		note("watchdog: WatchdogUSec=%s, watching for 25 s", unit_prop("WatchdogUSec"));
		while (vm_now_us() < end) {
			s = unit_prop("WatchdogTimestampMonotonic");
			if (!first[0])
				snprintf(first, sizeof(first), "%s", s);
			if (s[0] && !streq(s, last)) {
				if (last[0])
					moves++;
				snprintf(last, sizeof(last), "%s", s);
			}
			if (!daemon_alive())
				break;
			sleep_ms(500);
		}
		if (unit_main_pid() != unit_pid || !streq(unit_prop("NRestarts"), "0") ||
		    !streq(unit_prop("ActiveState"), "active")) {
			fail("after 25 s the unit is %s, MainPID %d (was %d), NRestarts=%s",
			     unit_prop("ActiveState"), unit_main_pid(), (int)unit_pid,
			     unit_prop("NRestarts"));
			goto out;
		}
#if HAVE_LIBSYSTEMD
		note("watchdog: 25 s, same MainPID %d, NRestarts=0, WatchdogTimestamp moved %u "
		     "time(s) (%s -> %s us)",
		     (int)unit_pid, moves, first, last);
		if (moves < 3) {
			fail("WatchdogTimestamp moved %u time(s) in 25 s: want 4 or more pings "
			     "(every 5 s)",
			     moves);
			goto out;
		}
#endif

		/* reload: A->C.  The daemon sees the file change by itself
		 * (inotify); let that pass, then the reload must come from
		 * ExecReload='s SIGHUP: "configuration reloaded" with no
		 * "a configuration file changed" before it. */
		off = file_size(daemon_log);
		if (write_file(uu_config, "[device kbd]\nmatch = 1209:0001\n\n[remap kbd]\n"
		                          "KEY_A = KEY_C\n") < 0)
			goto out;
		if (!daemon_log_wait("configuration reloaded", off, 5000))
			note("no reload on the file change (inotify) within 5 s");
		sleep_ms(500);
		off = file_size(daemon_log);
		st = systemctl("reload", "hidmapd.service", out, sizeof(out));
		if (st != 0) {
			fail("systemctl --user reload hidmapd exited %d: %s", st, slurp(out));
			goto out;
		}
		if (!daemon_log_wait("configuration reloaded", off, 5000) ||
		    daemon_log_wait("a configuration file changed", off, 0)) {
			fail("the unit's log does not show the reload by SIGHUP");
			goto out;
		}
		sleep_ms(200);
		if (reopen_outputs(kbd, o, &n) < 0 || expect_a_as(kbd, o, "KEY_C") < 0)
			goto out;
		note("systemctl --user reload: A now comes out as C, MainPID still %d",
		     unit_main_pid());
	}

	/* stop with A held */
	if (reader_start(&rd, o[0].devnode) < 0)
		goto out;
	reading = true;
	if (tdev_report(kbd, kbd_press_a[0]) < 0)
		goto out;
	press = reader_wait_event(&rd, EV_KEY, full ? KEY_C : KEY_B, 1, EVENT_TIMEOUT_MS);
	if (press < 0) {
		fail("the held key's press did not arrive");
		reader_print(&rd);
		goto out;
	}
	t0 = vm_now_us();
	st = systemctl("stop", "hidmapd.service", out, sizeof(out));
	t1 = vm_now_us();
	if (st != 0) {
		fail("systemctl --user stop hidmapd exited %d: %s", st, slurp(out));
		goto out;
	}
	if (!reader_wait_end(&rd, STOP_TIMEOUT_MS)) {
		fail("%s still exists after the stop", rd.devnode);
		goto out;
	}
	if (!reader_saw_release(&rd, press, full ? KEY_C : KEY_B, &syn) || syn != 0) {
		fail("the key held at the stop was not released by hidmapd (SYN_REPORT %d)", syn);
		reader_print(&rd);
		goto out;
	}
	note("systemctl --user stop: returned after %.0f ms, the held key released by hidmapd "
	     "(%s)",
	     (double)(t1 - t0) / 1000.0,
	     unit_props_line((const char *const[]){"ActiveState", "Result", "ExecMainCode",
	                                           "ExecMainStatus", NULL}));
	if (!streq(unit_prop("ActiveState"), "inactive") ||
	    !streq(unit_prop("Result"), "success")) {
		fail("after the stop the unit is %s (Result=%s), not inactive with success",
		     unit_prop("ActiveState"), unit_prop("Result"));
		goto out;
	}
	unit_pid = -1;
	if (access(sock, F_OK) == 0 || errno != ENOENT) {
		fail("%s is still there after the stop", sock);
		goto out;
	}
	r = 0;
out:
	if (reading)
		reader_stop(&rd);
	outputs_close(o, n);
	vm_evnodes_close(knodes, nknodes);
out_udevd:
	if (r < 0)
		print_unit_props("at the failure");
	udevd_stop(&u);
	return r;
}

/* layout: shipped layouts in the real daemon (its own file, these helpers) */
#include "scenarios-layout.c"

static int scenario_user_unit(void)
{
	return scenario_user_unit_run(true);
}

static int scenario_user_unit_no_userns(void)
{
	return scenario_user_unit_run(false);
}

/* scenarios kept in files of their own, using the helpers above */
#include "scenarios-robust.c"
#include "scenarios-session.c"

static const struct {
	const char *name;
	int (*run)(void);
} scenarios[] = {
    {"bus", scenario_bus},
    {"start", scenario_start},
    {"remap", scenario_remap},
    {"grab", scenario_grab},
    {"unplug", scenario_unplug},
    {"sigterm", NULL},
    {"sigkill", NULL},
    {"reload", scenario_reload},
    {"reload-inotify", scenario_reload_inotify},
    {"led", scenario_led},
    {"record", scenario_record},
    {"replay-uinput", scenario_replay_uinput},
    {"layout", scenario_layout},
    {"taphold-macro", scenario_taphold_macro},
    {"remap-keyd", scenario_remap_keyd},
    {"replug", scenario_replug},
    {"control", scenario_control},
    {"doctor", scenario_doctor},
    {"watchdog", scenario_watchdog},
    {"session", scenario_session},
    {"user-unit", scenario_user_unit},
    {"user-unit-no-userns", scenario_user_unit_no_userns},
    {"config-watch", scenario_config_watch},
    {"release-axes", scenario_release_axes},
    {"release-contacts", scenario_release_contacts},
};

static void usage(FILE *f)
{
	fputs("Usage: scenarios [--bus HEX] [--verbose] SCENARIO HIDMAPD CORPUS_DIR "
	      "KERNEL_DATA_DIR TMPDIR\n"
	      "Runs one hidmapd scenario against uhid devices (inside tests/vm/run-vm.sh).\n"
	      "Scenarios:",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		fprintf(f, " %s", scenarios[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"bus", required_argument, NULL, 'b'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	int c, r = -1;
	bool known = false;

	while ((c = getopt_long(argc, argv, "b:vh", longopts, NULL)) != -1) {
		uint32_t v;

		switch (c) {
		case 'b':
			if (safe_atou32_base(optarg, 16, &v) < 0 || v > 0xffff) {
				fprintf(stderr, "--bus: expected a hex bus number\n");
				return 2;
			}
			test_bus = v;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 5) {
		usage(stderr);
		return 2;
	}
	scenario = argv[optind];
	hidmapd = argv[optind + 1];
	corpus_dir = argv[optind + 2];
	kdata_dir = argv[optind + 3];
	tmpdir = argv[optind + 4];
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		known |= streq(scenarios[i].name, scenario);
	if (!known) {
		usage(stderr);
		return 2;
	}
	if (access("/dev/uhid", W_OK) < 0 || access("/dev/uinput", W_OK) < 0) {
		printf("SKIP: no writable /dev/uhid and /dev/uinput (run inside "
		       "tests/vm/run-vm.sh)\n");
		return 77;
	}
	if (access(hidmapd, X_OK) < 0) {
		printf("FAIL: %s: %s\n", hidmapd, strerror(errno));
		return 1;
	}
	if (mkdir(tmpdir, 0755) < 0 && errno != EEXIST) {
		printf("FAIL: %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	udev = udev_new();
	hid_monitor = udev ? udev_monitor_new_from_netlink(udev, "kernel") : NULL;
	if (!hid_monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(hid_monitor, "hid", NULL) < 0 ||
	    udev_monitor_enable_receiving(hid_monitor) < 0) {
		printf("FAIL: cannot listen to kernel uevents\n");
		return 1;
	}

#if !HAVE_LIBSYSTEMD
	if (streq(scenario, "watchdog")) {
		printf("SKIP: hidmapd was built without libsystemd: no sd_notify, no watchdog\n");
		return 77;
	}
#endif
	if (streq(scenario, "sigterm"))
		r = scenario_sigterm(false);
	else if (streq(scenario, "sigkill"))
		r = scenario_sigterm(true);
	else
		for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
			if (streq(scenarios[i].name, scenario) && scenarios[i].run)
				r = scenarios[i].run();

	if (daemon_pid > 0 && !daemon_alive())
		r = fail("hidmapd is no longer running at the end of the scenario");
	daemon_kill();
	if (r < 0 || verbose)
		dump_daemon_log();
	udev_monitor_unref(hid_monitor);
	udev_unref(udev);
	safe_close(kmsg);
	printf("%s: %s\n", scenario, r < 0 ? "FAIL" : "PASS");
	return r < 0 ? 1 : 0;
}
