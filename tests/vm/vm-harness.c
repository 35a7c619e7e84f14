/* SPDX-License-Identifier: MIT */
/*
 * vm-harness: the helpers the VM scenarios share (see vm-harness.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sink.h"
#include "util-strings.h"

#include "vm-harness.h"

#define BIND_TIMEOUT_MS 5000
#define SETTLE_MS       30

/* pid.codes test vendor: no vendor module claims it */
#define TEST_VID 0x1209

/* the boot keyboard layout of synthetic/hidtools-ledkeyboard.hid:
 * modifiers, reserved, six key array slots (usage IDs, 0x04 is A) */
#define KBD_REPORT_SIZE 8
#define HID_KEY_A       0x04
#define HID_MOD_LSHIFT  0x02

/* synthetic/hidtools-wheelmouse.hid: buttons 1-3 in bits 0-2, X, Y, wheel */
#define MOUSE_REPORT_SIZE 4

const char *vm_hidmapd, *vm_corpus_dir, *vm_kdata_dir, *vm_tmpdir, *vm_scenario;
unsigned vm_test_bus = 0x03;
bool vm_verbose;
pid_t vm_daemon_pid = -1;
char vm_daemon_log[PATH_MAX];
char vm_notify_socket[PATH_MAX];
unsigned vm_watchdog_usec;
struct udev *vm_udev;
struct udev_monitor *vm_hid_monitor;
int vm_kmsg = -1;

/* ---- reporting ----------------------------------------------------------- */

int vm_fail(const char *fmt, ...)
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

void vm_note(const char *fmt, ...)
{
	va_list ap;

	if (vm_scenario)
		printf("%s: ", vm_scenario);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void vm_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int vm_write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	fputs(content, f);
	if (fclose(f) != 0)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* ---- test HID devices (uhid) --------------------------------------------- */

/* The bytes of a report written as hex pairs, spaces between them allowed
 * ("00 00 04 00"); stops at the first non-hex pair or at max bytes. */
static size_t hex_bytes(const char *hex, uint8_t *data, size_t max)
{
	size_t n = 0;

	for (const char *s = hex; s[0] && s[1] && n < max;) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		data[n++] = (uint8_t)v;
		s += 2;
		while (*s == ' ')
			s++;
	}
	return n;
}

static void on_output(void *userdata, const struct uhid_output_req *o)
{
	struct vm_tdev *t = userdata;
	size_t n = o->size < sizeof(t->out[0]) ? o->size : sizeof(t->out[0]);

	if (o->rtype != UHID_OUTPUT_REPORT || t->nout == MAX_LED_OUTPUTS)
		return;
	memcpy(t->out[t->nout], o->data, n);
	t->out_size[t->nout] = n;
	t->nout++;
}

int vm_tdev_service(struct vm_tdev *t)
{
	if (t->uhid < 0)
		return 0;
	return vm_uhid_service(t->uhid, &t->st, vm_verbose, on_output, t);
}

void vm_tdev_free(struct vm_tdev *t)
{
	if (!t)
		return;
	safe_close(t->uhid);
	free(t->syspath);
	hm_recording_free(t->rec);
	free(t);
}

/* The recording of the device: source's name and descriptor, the test
 * bus and ids, and either the source's reports or `reports` (hex strings,
 * NULL-terminated). */
static int write_recording(const char *path, const struct hm_recording *src, uint16_t pid,
                           const char *const *reports)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	hm_recording_write_header(f, src->name, (uint16_t)vm_test_bus, TEST_VID, pid, src->rdesc,
	                          src->rdesc_size);
	if (reports) {
		for (size_t i = 0; reports[i]; i++) {
			uint8_t data[64];
			size_t n = hex_bytes(reports[i], data, sizeof(data));

			hm_recording_write_event(f, (uint64_t)i * 10000u, data, n);
		}
	} else {
		for (size_t i = 0; i < src->nevents; i++)
			hm_recording_write_event(f, src->events[i].time_us, src->events[i].data,
			                         src->events[i].size);
	}
	if (fclose(f) != 0)
		return vm_fail("cannot write %s: %s", path, strerror(errno));
	return 0;
}

int vm_find_hidraw(const char *syspath, char *buf, size_t size)
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

int vm_tdev_new(const char *label, const char *source, uint16_t pid, const char *const *reports,
                struct vm_tdev **ret)
{
	_cleanup_(hm_recording_freep) struct hm_recording *src = NULL;
	_cleanup_(vm_tdev_freep) struct vm_tdev *t = zalloc(sizeof(*t));
	int r;

	if (!t)
		return vm_fail("out of memory");
	t->uhid = -1;
	t->label = label;
	if (hm_recording_load(source, &src) < 0)
		return vm_fail("%s: cannot load %s", label, source);
	snprintf(t->recpath, sizeof(t->recpath), "%s/%s-%s.hid", vm_tmpdir, vm_scenario, label);
	if (write_recording(t->recpath, src, pid, reports) < 0)
		return -1;
	if (hm_recording_load(t->recpath, &t->rec) < 0)
		return vm_fail("%s: cannot load back %s", label, t->recpath);

	t->uhid = open("/dev/uhid", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->uhid < 0)
		return vm_fail("/dev/uhid: %s", strerror(errno));
	r = vm_uhid_create(t->uhid, t->rec, "hidmapd-vm-scenarios");
	if (r < 0)
		return vm_fail("%s: UHID_CREATE2: %s", label, strerror(-r));
	r = vm_uhid_wait_bound(vm_hid_monitor, vm_kmsg, t->uhid, t->rec, BIND_TIMEOUT_MS, &t->st,
	                       vm_verbose, on_output, t, &t->syspath);
	if (r < 0)
		return vm_fail("%s: hid-generic did not bind the uhid device: %s", label,
		               strerror(-r));
	r = vm_find_hidraw(t->syspath, t->hidraw, sizeof(t->hidraw));
	if (r < 0)
		return vm_fail("%s: no hidraw node under %s: %s", label, t->syspath, strerror(-r));
	vm_note("%s: %s (%s, %04x:%04x:%04x) is /dev/%s", label, t->rec->name, source, vm_test_bus,
	        TEST_VID, pid, t->hidraw);
	*ret = steal(&t);
	return 0;
}

const char *vm_kdata(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", vm_kdata_dir, name);
	return buf;
}

const char *vm_corpus(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", vm_corpus_dir, name);
	return buf;
}

int vm_tdev_report(struct vm_tdev *t, const char *hex)
{
	uint8_t data[64];
	size_t n = hex_bytes(hex, data, sizeof(data));
	int r;

	r = vm_uhid_input(t->uhid, data, n);
	if (r < 0)
		return vm_fail("%s: UHID_INPUT2 %s: %s", t->label, hex, strerror(-r));
	return 0;
}

/* ---- the daemon ---------------------------------------------------------- */

void vm_dump_daemon_log(void)
{
	char line[1024];
	FILE *f;

	if (!vm_daemon_log[0] || !(f = fopen(vm_daemon_log, "re")))
		return;
	printf("---- %s ----\n", vm_daemon_log);
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	printf("---- end of log ----\n");
	fclose(f);
	fflush(stdout);
}

int vm_daemon_start(const char *config, uint64_t *ret_t0)
{
	pid_t pid;

	snprintf(vm_daemon_log, sizeof(vm_daemon_log), "%s/%s.hidmapd.log", vm_tmpdir, vm_scenario);
	fflush(NULL);
	if (ret_t0)
		*ret_t0 = vm_now_us();
	pid = fork();
	if (pid < 0)
		return vm_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(vm_daemon_log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		int null = open("/dev/null", O_RDONLY);

		if (fd < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		close(null);
		if (vm_notify_socket[0]) {
			char v[32];

			setenv("NOTIFY_SOCKET", vm_notify_socket, 1);
			snprintf(v, sizeof(v), "%u", vm_watchdog_usec);
			setenv("WATCHDOG_USEC", v, 1);
			/* sd_watchdog_enabled() checks it is meant for this process */
			snprintf(v, sizeof(v), "%d", (int)getpid());
			setenv("WATCHDOG_PID", v, 1);
		}
		if (config)
			execl(vm_hidmapd, "hidmapd", "-v", "run", "--config", config, (char *)NULL);
		else /* the default search path */
			execl(vm_hidmapd, "hidmapd", "-v", "run", (char *)NULL);
		_exit(127);
	}
	vm_daemon_pid = pid;
	return 0;
}

int vm_daemon_wait_exit(unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	int status;

	if (vm_daemon_pid < 0)
		return -ECHILD;
	for (;;) {
		pid_t p = waitpid(vm_daemon_pid, &status, WNOHANG);

		if (p == vm_daemon_pid) {
			vm_daemon_pid = -1;
			return status;
		}
		if (p < 0)
			return -errno;
		if (vm_now_us() >= deadline)
			return -ETIMEDOUT;
		vm_sleep_ms(2);
	}
}

/* the MainPID of hidmapd.service in the user-unit scenarios, else 0 */
pid_t vm_unit_pid;

bool vm_daemon_alive(void)
{
	int status;

	/* the daemon of a systemd unit is not our child */
	if (vm_unit_pid > 0)
		return kill(vm_unit_pid, 0) == 0 || errno == EPERM;
	if (vm_daemon_pid < 0)
		return false;
	if (waitpid(vm_daemon_pid, &status, WNOHANG) == vm_daemon_pid) {
		vm_note("hidmapd exited (status 0x%x)", status);
		vm_daemon_pid = -1;
		return false;
	}
	return true;
}

void vm_daemon_signal(int sig)
{
	if (vm_daemon_pid > 0)
		kill(vm_daemon_pid, sig);
}

void vm_daemon_kill(void)
{
	if (vm_daemon_pid < 0)
		return;
	vm_daemon_signal(SIGKILL);
	(void)vm_daemon_wait_exit(STOP_TIMEOUT_MS);
	vm_daemon_pid = -1;
}

long vm_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : (long)st.st_size;
}

bool vm_daemon_log_wait(const char *needle, long from, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		FILE *f = fopen(vm_daemon_log, "re");
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
		if (vm_now_us() >= deadline || !vm_daemon_alive())
			return false;
		vm_sleep_ms(5);
	}
}

/* The fds open in pid: all of them (node NULL; with list, printed), or
 * those that point at /dev/<node>.  -errno if /proc/PID/fd cannot be read. */
static int proc_fds(pid_t pid, const char *node, bool list)
{
	char path[64], link[PATH_MAX + 80], target[PATH_MAX], want[64] = "";
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (node)
		snprintf(want, sizeof(want), "/dev/%s", node);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		ssize_t l;

		if (de->d_name[0] == '.')
			continue;
		if (!node && !list) {
			n++;
			continue;
		}
		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		target[l > 0 ? l : 0] = '\0';
		if (list)
			printf("    fd %s -> %s\n", de->d_name, target);
		n += node ? streq(target, want) : 1;
	}
	closedir(d);
	return n;
}

int vm_count_fds(pid_t pid, bool list)
{
	return proc_fds(pid, NULL, list);
}

int vm_stable_fd_count(pid_t pid)
{
	int prev = vm_count_fds(pid, false);

	for (int i = 0; i < 25; i++) {
		int n;

		vm_sleep_ms(200);
		n = vm_count_fds(pid, false);
		if (n == prev)
			return n;
		prev = n;
	}
	return -EAGAIN;
}

int vm_count_node_fds(pid_t pid, const char *node)
{
	return proc_fds(pid, node, false);
}

long vm_cpu_ticks(pid_t pid)
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
	const struct vm_output *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

void vm_outputs_close(struct vm_output *o, size_t n)
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

void vm_read_attr(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t l = fd >= 0 ? read(fd, buf, size - 1) : -1;

	safe_close(fd);
	buf[l > 0 ? l : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int vm_find_outputs(const struct vm_tdev *t, struct vm_output *o, size_t max, size_t *ret_n)
{
	char prefix[64], vid[8], pid[8];
	struct dirent *de;
	DIR *d = opendir("/sys/class/input");
	size_t n = 0, nvirtual = 0;
	struct vm_output virt[MAX_OUTPUTS];

	if (!d)
		return -errno;
	snprintf(prefix, sizeof(prefix), "hidmapd/%s/input", t->hidraw);
	snprintf(vid, sizeof(vid), "%04x", t->rec->vendor);
	snprintf(pid, sizeof(pid), "%04x", t->rec->product);
	while ((de = readdir(d))) {
		char path[PATH_MAX], real[PATH_MAX], phys[96], attr[16];
		struct vm_output x = {.fd = -1};
		const char *k, *input;
		uint32_t index;

		if (!startswith(de->d_name, "event"))
			continue;
		if (snprintf(x.devnode, sizeof(x.devnode), "/dev/input/%s", de->d_name) >=
		    (int)sizeof(x.devnode))
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/device/phys", de->d_name);
		vm_read_attr(path, phys, sizeof(phys));
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
		vm_read_attr(path, attr, sizeof(attr));
		if (!streq(attr, vid))
			continue;
		if (snprintf(path, sizeof(path), "%s/id/product", real) >= (int)sizeof(path))
			continue;
		vm_read_attr(path, attr, sizeof(attr));
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

size_t vm_wait_outputs(struct vm_tdev **devs, size_t ndevs, const struct vm_tdev *t, size_t want,
                       struct vm_output *o, unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	size_t n = 0;

	for (;;) {
		for (size_t i = 0; i < ndevs; i++)
			(void)vm_tdev_service(devs[i]);
		if (vm_find_outputs(t, o, MAX_OUTPUTS, &n) == 0 && n >= want)
			return n;
		if (vm_now_us() >= deadline || !vm_daemon_alive())
			return n;
		vm_sleep_ms(1);
	}
}

int vm_output_open(struct vm_output *o, int flags)
{
	int r;

	o->fd = open(o->devnode, flags | O_CLOEXEC);
	if (o->fd < 0)
		return vm_fail("%s: %s", o->devnode, strerror(errno));
	r = libevdev_new_from_fd(o->fd, &o->evdev);
	if (r < 0)
		return vm_fail("%s: libevdev: %s", o->devnode, strerror(-r));
	o->events_f = open_memstream(&o->events, &o->events_len);
	o->frame = calloc(MAX_FRAME, sizeof(*o->frame));
	if (!o->events_f || !o->frame)
		return vm_fail("out of memory");
	return 0;
}

int vm_output_drain(struct vm_output *o, unsigned dev)
{
	if (!o->events_f)
		return vm_fail("out of memory");
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
			return vm_fail("%s: read: %s", o->devnode, strerror(errno));
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

bool vm_contains(const char *s, const char *needle)
{
	return s && strstr(s, needle);
}

char *vm_output_take(struct vm_output *o)
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

void vm_outputs_collect(struct vm_output *o, size_t n, const unsigned *want_syn,
                        struct vm_tdev **devs, size_t ndevs)
{
	uint64_t deadline = vm_now_us() + EVENT_TIMEOUT_MS * 1000u, settle = 0;

	for (;;) {
		struct pollfd p[MAX_OUTPUTS];
		uint64_t t = vm_now_us();
		bool done = true;

		for (size_t i = 0; i < n; i++) {
			(void)vm_output_drain(&o[i], (unsigned)i);
			if (o[i].nsyn < want_syn[i])
				done = false;
		}
		for (size_t i = 0; i < ndevs; i++)
			(void)vm_tdev_service(devs[i]);
		if (done && !settle)
			settle = t + SETTLE_MS * 1000u;
		if ((settle && t >= settle) || t >= deadline)
			return;
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = o[i].fd, .events = POLLIN};
		(void)poll(p, n, 5);
	}
}

int vm_key_down(const struct vm_output *o, unsigned code)
{
	unsigned long bits[KEY_CNT / (8 * sizeof(unsigned long)) + 1] = {0};

	if (ioctl(o->fd, EVIOCGKEY(sizeof(bits)), bits) < 0)
		return -errno;
	return !!(bits[code / (8 * sizeof(long))] & (1UL << (code % (8 * sizeof(long)))));
}

int vm_keys_down(const struct vm_output *o)
{
	int n = 0;

	for (unsigned c = 0; c < KEY_CNT; c++) {
		int r = vm_key_down(o, c);

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

void vm_replay_free(struct vm_replay *rp)
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

int vm_replay_run(const char *config, const char *file, struct vm_replay *rp)
{
	int pipefd[2], status;
	char line[1024];
	long block = -1;
	pid_t pid;
	FILE *f;

	memset(rp, 0, sizeof(*rp));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return vm_fail("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return vm_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(pipefd[1], 1);
		if (config)
			execl(vm_hidmapd, "hidmapd", "replay", "--config", config, file,
			      (char *)NULL);
		else
			execl(vm_hidmapd, "hidmapd", "replay", file, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "re");
	if (!f) {
		close(pipefd[0]);
		return vm_fail("fdopen: %s", strerror(errno));
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
			return vm_fail("hidmapd replay %s: unexpected line: %s", file, line);
		}
	}
	fclose(f);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return vm_fail("hidmapd replay %s failed (status 0x%x)", file, status);
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

void vm_print_indented(const char *what, const char *s)
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
static char *describe_output(const struct vm_output *o, unsigned dev)
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

int vm_check_against_replay(struct vm_tdev *t, const char *config, struct vm_output *o, size_t n,
                            struct vm_tdev **devs, size_t ndevs)
{
	struct vm_replay rp;
	unsigned mismatches = 0;
	int status = 0, phys_status = 0;

	if (vm_replay_run(config, t->recpath, &rp) < 0)
		return -1;
	if (rp.ndevices != n) {
		vm_replay_free(&rp);
		return vm_fail("%s: hidmapd created %zu uinput device(s), replay prints %zu",
		               t->label, n, rp.ndevices);
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *live = describe_output(&o[i], (unsigned)i);
		char phys[96];

		snprintf(phys, sizeof(phys), "hidmapd/%s/input%zu", t->hidraw, i);
		if (!streq(o[i].phys, phys)) {
			/* reported, but the events are still worth checking */
			phys_status = vm_fail("%s: output %zu has phys \"%s\", expected \"%s\"",
			                      t->label, i, o[i].phys, phys);
		}
		if (!live || !streq(live, rp.header[i])) {
			status = vm_fail("%s: %s's capabilities differ from replay's device %zu",
			                 t->label, o[i].devnode, i);
			vm_print_indented("replay", rp.header[i]);
			vm_print_indented("uinput", live);
		}
	}
	if (status < 0) {
		vm_replay_free(&rp);
		return status;
	}
	vm_note("%s: %zu uinput device(s) with replay's D:/C: lines (%s)", t->label, n,
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
			vm_replay_free(&rp);
			return vm_fail("%s: UHID_INPUT2: %s", t->label, strerror(-err));
		}
		vm_outputs_collect(o, n, want, devs, ndevs);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *s = vm_output_take(&o[i]);

			if (!s || append(&live, s) < 0) {
				vm_replay_free(&rp);
				return vm_fail("out of memory");
			}
		}
		if (!streq(live ? live : "", rp.block[r] ? rp.block[r] : "")) {
			mismatches++;
			vm_fail("%s: report %zu (%s:%u) came out differently", t->label, r,
			        t->recpath, e->line);
			vm_print_indented("replay", rp.block[r]);
			vm_print_indented("uinput", live);
		}
	}
	vm_note("%s: %zu report(s), %u mismatch(es) with replay", t->label, t->rec->nevents,
	        mismatches);
	vm_replay_free(&rp);
	return mismatches || phys_status < 0 ? -1 : 0;
}

/* ---- a blocking reader thread, for devices that disappear -------------- */

static void *reader_main(void *arg)
{
	struct vm_reader *rd = arg;

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

int vm_reader_start(struct vm_reader *rd, const char *devnode)
{
	int r;

	memset(rd, 0, sizeof(*rd));
	snprintf(rd->devnode, sizeof(rd->devnode), "%s", devnode);
	pthread_mutex_init(&rd->lock, NULL);
	rd->fd = open(devnode, O_RDONLY | O_CLOEXEC); /* blocking */
	if (rd->fd < 0)
		return vm_fail("%s: %s", devnode, strerror(errno));
	r = pthread_create(&rd->thread, NULL, reader_main, rd);
	if (r != 0) {
		rd->fd = safe_close(rd->fd);
		return vm_fail("pthread_create: %s", strerror(r));
	}
	return 0;
}

long vm_reader_find(struct vm_reader *rd, size_t from, unsigned type, unsigned code, int value)
{
	long found = -1;

	pthread_mutex_lock(&rd->lock);
	for (size_t i = from; i < rd->n && found < 0; i++)
		if (rd->ev[i].type == type && rd->ev[i].code == code && rd->ev[i].value == value)
			found = (long)i;
	pthread_mutex_unlock(&rd->lock);
	return found;
}

long vm_reader_wait_event(struct vm_reader *rd, unsigned type, unsigned code, int value,
                          unsigned timeout_ms)
{
	uint64_t deadline = vm_now_us() + (uint64_t)timeout_ms * 1000u;
	long i;

	while ((i = vm_reader_find(rd, 0, type, code, value)) < 0 && vm_now_us() < deadline)
		vm_sleep_ms(2);
	return i;
}

bool vm_reader_wait_end(struct vm_reader *rd, unsigned timeout_ms)
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
		vm_sleep_ms(2);
	}
}

void vm_reader_stop(struct vm_reader *rd)
{
	if (!vm_reader_done(rd))
		pthread_cancel(rd->thread);
	pthread_join(rd->thread, NULL);
	rd->fd = safe_close(rd->fd);
	pthread_mutex_destroy(&rd->lock);
}

void vm_reader_print(struct vm_reader *rd)
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

bool vm_reader_saw_release(struct vm_reader *rd, long press, unsigned code, int *ret_syn)
{
	long rel = vm_reader_find(rd, (size_t)press + 1, EV_KEY, code, 0);

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

/* ---- configs, starting, and what several scenario files share ---------- */

int vm_config_write(const char *name, const char *body, char *path, size_t size)
{
	snprintf(path, size, "%s/%s-%s.ini", vm_tmpdir, vm_scenario, name);
	return vm_write_file(path, body);
}

int vm_start_and_wait(const char *config, struct vm_tdev **devs, size_t ndevs,
                      struct vm_output (*outs)[MAX_OUTPUTS], size_t *nouts, const size_t *want,
                      unsigned limit_ms)
{
	uint64_t t0, t1 = 0, topen = 0;

	if (vm_daemon_start(config, &t0) < 0)
		return -1;
	/* when hidapi has opened the first device, for the breakdown */
	while (!topen && vm_now_us() - t0 < 10000000u && vm_daemon_alive()) {
		if (vm_count_node_fds(vm_daemon_pid, devs[0]->hidraw) > 0)
			topen = vm_now_us();
		else
			vm_sleep_ms(1);
	}
	for (size_t i = 0; i < ndevs; i++) {
		nouts[i] = vm_wait_outputs(devs, ndevs, devs[i], want[i], outs[i], 10000);
		if (nouts[i] < want[i])
			return vm_fail(
			    "%s: hidmapd created %zu of %zu uinput device(s) for /dev/%s "
			    "within 10 s",
			    devs[i]->label, nouts[i], want[i], devs[i]->hidraw);
	}
	t1 = vm_now_us();
	vm_note("start -> /dev/%s opened: %.1f ms; start -> uinput devices: %.1f ms (limit %u ms)",
	        devs[0]->hidraw, topen ? (double)(topen - t0) / 1000.0 : -1.0,
	        (double)(t1 - t0) / 1000.0, limit_ms);
	for (size_t i = 0; i < ndevs; i++)
		for (size_t k = 0; k < nouts[i]; k++)
			if (!startswith(outs[i][k].phys, "hidmapd/"))
				vm_note("%s: %s has phys \"%s\", not hidmapd/%s/input%zu: found by "
				        "its ids instead",
				        devs[i]->label, outs[i][k].devnode, outs[i][k].phys,
				        devs[i]->hidraw, k);
	for (size_t i = 0; i < ndevs; i++) {
		int nfd = vm_count_node_fds(vm_daemon_pid, devs[i]->hidraw);

		if (nfd <= 0)
			return vm_fail("%s: hidmapd has no fd on /dev/%s", devs[i]->label,
			               devs[i]->hidraw);
		vm_note("%s: hidmapd holds %d fd(s) on /dev/%s (hidapi)", devs[i]->label, nfd,
		        devs[i]->hidraw);
	}
	for (size_t i = 0; i < ndevs; i++)
		for (size_t k = 0; k < nouts[i]; k++)
			if (vm_output_open(&outs[i][k], O_RDWR | O_NONBLOCK) < 0)
				return -1;
	if (limit_ms && t1 - t0 > (uint64_t)limit_ms * 1000u)
		return vm_fail("hidmapd took %.1f ms to create its uinput devices, limit %u ms",
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

unsigned vm_start_limit_ms(void)
{
	const char *s = getenv("HIDMAPD_VM_START_LIMIT_MS");
	uint32_t v;

	if (s && safe_atou32_base(s, 10, &v) == 0)
		return v;
	if (emulated_cpu()) {
		vm_note("emulated CPU (TCG): start limit 2000 ms instead of 500 ms");
		return 2000;
	}
	return 500;
}

const char *vm_keyboard_mouse_config = "[device kbd]\n"
                                       "match = 1209:0001\n"
                                       "\n"
                                       "[device mouse]\n"
                                       "match = 1209:0002\n";

void vm_warm_up(void)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(vm_hidmapd, "hidmapd", "--version", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
}

const char *const vm_kbd_press_a[] = {
    "00 00 04 00 00 00 00 00", /* A down */
    "00 00 00 00 00 00 00 00", /* A up */
    "02 00 04 00 00 00 00 00", /* Shift+A */
    "00 00 00 00 00 00 00 00", NULL,
};

const char *const vm_mouse_click_left[] = {
    "01 00 00 00", /* left down */
    "01 05 fb 00", /* move while held */
    "00 00 00 00", /* left up */
    "04 00 00 01", /* middle down, wheel */
    "00 00 00 00", NULL,
};

bool vm_mentions(const char *events, const char *code)
{
	char needle[64];

	snprintf(needle, sizeof(needle), " EV_KEY %s ", code);
	return events && strstr(events, needle);
}

int vm_open_kernel_nodes(struct vm_tdev *t, struct vm_evnode *nodes, size_t *n)
{
	if (vm_find_event_nodes(t->syspath, nodes, MAX_OUTPUTS, n) < 0 || *n == 0)
		return vm_fail("%s: the kernel made no evdev node", t->label);
	for (size_t i = 0; i < *n; i++) {
		nodes[i].fd = open(nodes[i].devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (nodes[i].fd < 0)
			return vm_fail("%s: %s", nodes[i].devnode, strerror(errno));
		if (libevdev_new_from_fd(nodes[i].fd, &nodes[i].evdev) < 0)
			return vm_fail("%s: libevdev failed", nodes[i].devnode);
	}
	return 0;
}

size_t vm_kernel_nodes_pending(struct vm_evnode *nodes, size_t n, bool print)
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

int vm_expect_a_as(struct vm_tdev *kbd, struct vm_output *o, const char *to)
{
	_cleanup_free_ char *seen = NULL;
	unsigned two = 2;
	char down[64];

	if (vm_tdev_report(kbd, vm_kbd_press_a[0]) < 0 ||
	    vm_tdev_report(kbd, vm_kbd_press_a[1]) < 0)
		return -1;
	vm_outputs_collect(o, 1, &two, &kbd, 1);
	seen = vm_output_take(o);
	snprintf(down, sizeof(down), " EV_KEY %s 1\n", to);
	if (!vm_contains(seen, down) || vm_mentions(seen, "KEY_A")) {
		vm_fail("A did not come out as %s", to);
		vm_print_indented("uinput", seen);
		return -1;
	}
	return 0;
}

int vm_outputs_open(struct vm_output *o, size_t n, int flags)
{
	for (size_t i = 0; i < n; i++)
		if (vm_output_open(&o[i], flags) < 0) {
			vm_outputs_close(o, n);
			return -1;
		}
	return 0;
}

int vm_reopen_outputs(struct vm_tdev *kbd, struct vm_output *o, size_t *n)
{
	struct vm_output fresh[MAX_OUTPUTS];
	size_t m = 0;

	if (vm_find_outputs(kbd, fresh, MAX_OUTPUTS, &m) < 0 || m == 0)
		return vm_fail("hidmapd has no uinput device for /dev/%s", kbd->hidraw);
	if (m == *n && streq(fresh[0].devnode, o[0].devnode))
		return 0;
	vm_note("the uinput device was recreated: %s -> %s", o[0].devnode, fresh[0].devnode);
	vm_outputs_close(o, *n);
	memcpy(o, fresh, m * sizeof(*o));
	*n = m;
	for (size_t i = 0; i < m; i++)
		if (vm_output_open(&o[i], O_RDWR | O_NONBLOCK) < 0)
			return -1;
	return 0;
}

int vm_wait_file_reload(long off, const char *how)
{
	uint64_t t0 = vm_now_us();

	if (!vm_daemon_log_wait("a configuration file changed", off, 5000))
		return vm_fail("hidmapd did not notice the config %s within 5 s", how);
	if (!vm_daemon_log_wait("configuration reloaded", off, 5000))
		return vm_fail("hidmapd did not reload the config %s", how);
	vm_note("config %s: reloaded %.0f ms later, no signal (debounce 200 ms)", how,
	        (double)(vm_now_us() - t0) / 1000.0);
	return 0;
}

pid_t vm_spawn(const char *const *argv, const char *out, const char *err)
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
		execv(vm_hidmapd, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int vm_wait_child(pid_t pid, unsigned timeout_ms)
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
		vm_sleep_ms(5);
	}
}

void vm_input_of(const char *devnode, char *buf, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *ev = strrchr(devnode, '/');

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/input/%s/device", ev ? ev + 1 : devnode);
	if (realpath(path, real))
		snprintf(buf, size, "%s", strrchr(real, '/') + 1);
}

bool vm_reader_done(struct vm_reader *rd)
{
	bool done;

	pthread_mutex_lock(&rd->lock);
	done = rd->done;
	pthread_mutex_unlock(&rd->lock);
	return done;
}

const char *vm_sockdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && t[0] == '/' ? t : "/tmp";
}

int vm_run_client(const char *arg, char *out, char *err, size_t size)
{
	const char *argv[] = {"hidmapd", arg, NULL};

	snprintf(out, size, "%s/%s-%s.out", vm_tmpdir, vm_scenario, arg);
	snprintf(err, size, "%s/%s-%s.err", vm_tmpdir, vm_scenario, arg);
	return vm_wait_child(vm_spawn(argv, out, err), 10000);
}

char *vm_slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	safe_close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}
