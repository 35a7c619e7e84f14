/* SPDX-License-Identifier: MIT */
/*
 * vm-harness: what the VM scenarios (tests/vm/scenarios*.c) and report-path
 * share.  Runs inside the test VM (tests/vm/run-vm.sh), where uhid, hidraw,
 * evdev and uinput exist:
 *
 *   reporting      vm_fail() (prints FAIL: and returns -1), vm_note()
 *   test devices   struct vm_tdev: a uhid device made from a corpus or
 *                  tests/data/kernel recording with the test ids
 *   the daemon     vm_daemon_start() forks `hidmapd run`, its log, signals,
 *                  fd and CPU accounting of a pid
 *   its outputs    struct vm_output: the daemon's uinput event nodes of a
 *                  test device, read as `hidmapd replay` prints events, and
 *                  vm_check_against_replay() against `hidmapd replay`
 *   readers        struct vm_reader: a thread recording one event node
 *   processes      vm_spawn(), vm_wait_child(), the control client
 *
 * The globals below are set by scenarios.c's main() from its arguments.
 * Errors are negative errnos or -1 from vm_fail() (which has said FAIL:).
 */
#pragma once

/* with the C library and input headers every scenario file uses */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>
#include <libudev.h>
#include <linux/input.h>

#include "hid-recording.h"
#include "uhid-util.h"
#include "util-mem.h"

/* limits of what the harness keeps */
#define MAX_OUTPUTS     8   /* uinput devices per test device */
#define MAX_REPORTS     256 /* reports of a recording, in vm_replay */
#define MAX_LED_OUTPUTS 64  /* UHID_OUTPUT reports kept per test device */
/* deadlines */
#define EVENT_TIMEOUT_MS 2000
#define STOP_TIMEOUT_MS  5000

/* pid.codes test PIDs (vendor TEST_VID, 0x1209): no vendor module claims them */
#define KEYBOARD_PID 0x0001
#define MOUSE_PID    0x0002

/* ---- the run: set by main() ------------------------------------------------ */

/* the hidmapd binary, the corpus, tests/data/kernel, the scratch directory
 * (TMPDIR argument), the scenario's name (NULL: vm_note() prints no prefix) */
extern const char *vm_hidmapd, *vm_corpus_dir, *vm_kdata_dir, *vm_tmpdir, *vm_scenario;
/* the bus of the test devices (--bus, default USB) */
extern unsigned vm_test_bus;
extern bool vm_verbose;
/* the daemon vm_daemon_start() started (-1: none, or reaped) and its log */
extern pid_t vm_daemon_pid;
extern char vm_daemon_log[PATH_MAX];
/* the watchdog scenario: the daemon gets NOTIFY_SOCKET and WATCHDOG_* */
extern char vm_notify_socket[PATH_MAX];
extern unsigned vm_watchdog_usec;
/* the MainPID of hidmapd.service in the user-unit scenarios, else 0 */
extern pid_t vm_unit_pid;
/* libudev context, a monitor of the kernel's "hid" uevents, /dev/kmsg (-1:
 * none): opened by main() before the scenario runs */
extern struct udev *vm_udev;
extern struct udev_monitor *vm_hid_monitor;
extern int vm_kmsg;

/* configs and reports the scenarios share */
extern const char *vm_keyboard_mouse_config;
extern const char *const vm_kbd_press_a[];
extern const char *const vm_mouse_click_left[];

/* ---- reporting ------------------------------------------------------------ */

/* Prints "FAIL: " and the message on stdout; returns -1. */
int vm_fail(const char *fmt, ...) _printf_(1, 2);

/* Prints "SCENARIO: " (when vm_scenario is set) and the message. */
void vm_note(const char *fmt, ...) _printf_(1, 2);

/* nanosleep(), resumed after signals. */
void vm_sleep_ms(unsigned ms);

/* Writes content to path (created or truncated): 0, or vm_fail(). */
int vm_write_file(const char *path, const char *content);

/* ---- test HID devices (uhid) --------------------------------------------- */

/* A uhid device with the test ids, made by vm_tdev_new(). */
struct vm_tdev {
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

/* Answers what uhid has queued for t (requests, outputs into t->out);
 * never blocks.  0 or -errno. */
int vm_tdev_service(struct vm_tdev *t);

/* Destroys the device (closing /dev/uhid) and frees t; NULL is fine. */
void vm_tdev_free(struct vm_tdev *t);

DEFINE_TRIVIAL_CLEANUP_FUNC(struct vm_tdev *, vm_tdev_free);

/*
 * A uhid device made from source (a path relative to the corpus or the
 * kernel data dir, see tdev_new_from), with the test bus, TEST_VID:pid and
 * the given reports (NULL: the source's).  Waits until hid-generic has
 * bound it and its hidraw node exists.
 */
int vm_tdev_new(const char *label, const char *source, uint16_t pid, const char *const *reports,
                struct vm_tdev **ret);

/* The first hidraw node of the HID device at syspath ("hidraw3"): 0 or
 * -errno (-ENOENT: none yet). */
int vm_find_hidraw(const char *syspath, char *buf, size_t size);

/* KERNEL_DATA_DIR/name and CORPUS_DIR/name, in buf. */
const char *vm_kdata(const char *name, char *buf, size_t size);

const char *vm_corpus(const char *name, char *buf, size_t size);

/* Sends one input report given as hex bytes ("00 00 04 00 ..."): 0, or
 * vm_fail(). */
int vm_tdev_report(struct vm_tdev *t, const char *hex);

/* ---- the daemon ------------------------------------------------------------ */

/* Prints vm_daemon_log. */
void vm_dump_daemon_log(void);

/* Forks and execs `hidmapd -v run --config CONFIG` (CONFIG NULL: without
 * --config), stdout and stderr to daemon_log.  *ret_t0 is the time just before the fork. */
int vm_daemon_start(const char *config, uint64_t *ret_t0);

/* Waits for the daemon to exit; returns its wait status, or -ETIMEDOUT. */
int vm_daemon_wait_exit(unsigned timeout_ms);

/* Whether the daemon (or the user unit's, vm_unit_pid) still runs; reaps
 * and notes the exit status of a daemon that has exited. */
bool vm_daemon_alive(void);

/* Never kill(-1, ...): daemon_pid is -1 once the daemon has been reaped. */
void vm_daemon_signal(int sig);

/* SIGKILL to the daemon, and waits for it (up to STOP_TIMEOUT_MS). */
void vm_daemon_kill(void);

/* Size of path, 0 if it cannot be read (an offset for vm_daemon_log_wait()). */
long vm_file_size(const char *path);

/* Waits until the daemon's log, from offset `from` on, contains needle. */
bool vm_daemon_log_wait(const char *needle, long from, unsigned timeout_ms);

/* Number of fds open in the daemon; with list, also what they are. */
int vm_count_fds(pid_t pid, bool list);

/* A count that does not change over 200 ms. */
int vm_stable_fd_count(pid_t pid);

/* fds of the daemon that point at /dev/<node> */
int vm_count_node_fds(pid_t pid, const char *node);

/* utime + stime of pid, in clock ticks */
long vm_cpu_ticks(pid_t pid);

/* ---- the daemon's outputs (its uinput devices) ----------------------------- */

/* One uinput event node of the daemon, and what has been read from it. */
struct vm_output {
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

/* Closes n outputs and frees what they read; they may be opened again. */
void vm_outputs_close(struct vm_output *o, size_t n);

/* The first line of a sysfs file, without its newline; "" if unreadable. */
void vm_read_attr(const char *path, char *buf, size_t size);

/* "inputN" of an event node, from sysfs: the input device behind it. */
void vm_input_of(const char *devnode, char *buf, size_t size);

/*
 * The daemon's uinput event nodes for t, sorted: those whose input device
 * has phys "hidmapd/<hidraw>/inputK" by K.  If there are none, uinput
 * devices (under /sys/devices/virtual/input) with t's vendor and product
 * stand in, in creation order, their phys as the kernel has it: so that a
 * missing phys fails the check of it, not every scenario.  Not opened.
 */
int vm_find_outputs(const struct vm_tdev *t, struct vm_output *o, size_t max, size_t *ret_n);

/* Waits until at least want outputs of t exist, servicing the test
 * devices meanwhile; returns how many exist (maybe fewer, at the
 * deadline). */
size_t vm_wait_outputs(struct vm_tdev **devs, size_t ndevs, const struct vm_tdev *t, size_t want,
                       struct vm_output *o, unsigned timeout_ms);

/* Opens o->devnode (flags: O_RDONLY, O_NONBLOCK...) with libevdev and a
 * memstream for its E: lines: 0, or vm_fail(). */
int vm_output_open(struct vm_output *o, int flags);
/* vm_output_open() on o[0..n); on a failure the n are closed and -1
 * returned. */
int vm_outputs_open(struct vm_output *o, size_t n, int flags);

/* Moves the complete frames queued on o to o->events (E: lines as device
 * dev, auto-repeat and frames left empty by dropping it left out). */
int vm_output_drain(struct vm_output *o, unsigned dev);

/* strstr() that takes NULL for "" */
bool vm_contains(const char *s, const char *needle);

/* Takes the E: lines collected on o so far ("" if none; NULL: out of memory). */
char *vm_output_take(struct vm_output *o);

/*
 * Reads the outputs until each has delivered want_syn[i] frames (or the
 * deadline passes), then for SETTLE_MS more, so that an extra frame shows.
 */
void vm_outputs_collect(struct vm_output *o, size_t n, const unsigned *want_syn,
                        struct vm_tdev **devs, size_t ndevs);

/* Whether o currently reports key code as down (EVIOCGKEY). */
int vm_key_down(const struct vm_output *o, unsigned code);

/* Number of keys o currently reports down, listed when verbose or not 0. */
int vm_keys_down(const struct vm_output *o);

/* ---- `hidmapd replay`, the oracle ----------------------------------------- */

/* What `hidmapd replay` printed, split into devices and reports. */
struct vm_replay {
	char *header[MAX_OUTPUTS]; /* D:/C: lines per device */
	size_t ndevices;
	char *block[MAX_REPORTS]; /* E: lines after "R: n" */
	size_t nblocks;
};

/* Frees the lines of rp (not rp). */
void vm_replay_free(struct vm_replay *rp);

/* Runs `hidmapd replay [--config CONFIG] FILE` and splits its output. */
int vm_replay_run(const char *config, const char *file, struct vm_replay *rp);

/* Prints "  what:" and the lines of s indented ("(nothing)" if empty). */
void vm_print_indented(const char *what, const char *s);

/*
 * The heart of `start` and `remap`: the daemon's outputs for t must have
 * replay's D:/C: lines, and each of t's recorded reports, written to uhid,
 * must come out as replay's E: lines for it.
 */
int vm_check_against_replay(struct vm_tdev *t, const char *config, struct vm_output *o, size_t n,
                            struct vm_tdev **devs, size_t ndevs);

/*
 * evdev's read() answers ENODEV as soon as the device is marked dead, even
 * with events still queued, so the last frames before a device goes are
 * only seen by a reader that is already waiting in read(2) when they come.
 * A thread blocked in read() is woken by each frame.
 */
struct vm_reader {
	pthread_t thread;
	pthread_mutex_t lock;
	int fd;
	char devnode[64];
	struct input_event ev[4096];
	size_t n;
	int err; /* errno that ended it */
	bool done;
};

/* Opens devnode (blocking, not grabbed) and starts rd's thread: 0, or
 * vm_fail(). */
int vm_reader_start(struct vm_reader *rd, const char *devnode);

/* Index of the first event type/code/value at or after from, or -1. */
long vm_reader_find(struct vm_reader *rd, size_t from, unsigned type, unsigned code, int value);

/* vm_reader_find() from 0, polled until timeout_ms: the index, or -1. */
long vm_reader_wait_event(struct vm_reader *rd, unsigned type, unsigned code, int value,
                          unsigned timeout_ms);

/* Waits for the reader to end (read() failed); true if it did in time. */
bool vm_reader_wait_end(struct vm_reader *rd, unsigned timeout_ms);

/* Stops the thread (if still reading) and closes the node. */
void vm_reader_stop(struct vm_reader *rd);

/* Prints the events rd has seen (auto-repeat left out) and how it ended. */
void vm_reader_print(struct vm_reader *rd);

/*
 * After press (the index of the key's press), is there a release of code
 * before the reader ended?  Sets *ret_syn to the value of the SYN_REPORT
 * that closes the release's frame (0: written by hidmapd; 1: the input
 * core's own release at unregistration, input_disconnect_device()).
 */
bool vm_reader_saw_release(struct vm_reader *rd, long press, unsigned code, int *ret_syn);

/* Whether rd's read() has ended (the node went). */
bool vm_reader_done(struct vm_reader *rd);

/* ---- configs and starting --------------------------------------------------- */

/* Writes body to TMPDIR/SCENARIO-name.ini, its path in path: 0, or vm_fail(). */
int vm_config_write(const char *name, const char *body, char *path, size_t size);

/* Starts the daemon and waits until the outputs of every device exist. */
int vm_start_and_wait(const char *config, struct vm_tdev **devs, size_t ndevs,
                      struct vm_output (*outs)[MAX_OUTPUTS], size_t *nouts, const size_t *want,
                      unsigned limit_ms);

/* The issue asks for 500 ms from start to uinput devices.  Under TCG the
 * same work takes 0.2-0.9 s (measured), so there the limit only catches
 * gross regressions; HIDMAPD_VM_START_LIMIT_MS overrides both. */
unsigned vm_start_limit_ms(void);

/* hidmapd --version once: the first exec over 9p reads the binary and
 * its libraries from the host, which is not what the start limit is for. */
void vm_warm_up(void);

/* ---- helpers that several scenario files share ---------------------------- */

/* Looks for a key's events in E: lines; 1 when type/code appear at all. */
bool vm_mentions(const char *events, const char *code);

/* Opens the kernel's own evdev nodes of t (not grabbed). */
int vm_open_kernel_nodes(struct vm_tdev *t, struct vm_evnode *nodes, size_t *n);

/* Events readable now on the kernel's nodes (uhid delivers synchronously:
 * what a report makes is queued by the time write() returns). */
size_t vm_kernel_nodes_pending(struct vm_evnode *nodes, size_t n, bool print);

/* Presses and releases A; the output must show `to` and not KEY_A. */
int vm_expect_a_as(struct vm_tdev *kbd, struct vm_output *o, const char *to);

/* The outputs of hidraw, reopened if the daemon recreated them. */
int vm_reopen_outputs(struct vm_tdev *kbd, struct vm_output *o, size_t *n);

/* The config file changed on disk, no signal: waits for the reload. */
int vm_wait_file_reload(long off, const char *how);

/* ---- other processes ---------------------------------------------------- */

/* fork/exec hidmapd with argv, stdout to out (if given), stderr to err */
pid_t vm_spawn(const char *const *argv, const char *out, const char *err);

/* Waits for pid: its exit status (128 + signal if killed), or -ETIMEDOUT
 * after killing it at the deadline. */
int vm_wait_child(pid_t pid, unsigned timeout_ms);

/* Where sockets can be made: TMPDIR is a tmpfs in the VM, the results
 * share is 9p, which has none. */
const char *vm_sockdir(void);

/* Runs `hidmapd ARG` to completion; its stdout and stderr in files. */
int vm_run_client(const char *arg, char *out, char *err, size_t size);

/* The first 64 KiB of path as a string ("" if unreadable), in a static
 * buffer that the next call overwrites. */
char *vm_slurp(const char *path);
