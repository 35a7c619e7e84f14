/* SPDX-License-Identifier: MIT */
/*
 * The one-shot subcommands: list, describe, record, replay, check.
 * Each returns a process exit status: 0 success, 1 failure, 2 bad usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hid-descriptor-dump.h"
#include "commands.h"
#include "device-kind.h"
#include "config.h"
#include "device.h"
#include "event-loop.h"
#include "hid-descriptor.h"
#include "hid-devices.h"
#include "hid-reader.h"
#include "hid-recording.h"
#include "module-select.h"
#include "replay-features.h"
#include "util-log.h"
#include "util-strings.h"

static void diag_print(void *userdata, const char *file, unsigned line, const char *message)
{
	unsigned *count = userdata;

	if (line)
		fprintf(stderr, "%s:%u: %s\n", file, line, message);
	else
		fprintf(stderr, "%s: %s\n", file, message);
	if (count)
		(*count)++;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void info_from_recording(const struct hm_recording *rec, struct hm_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->bus = rec->bus;
	info->vendor = rec->vendor;
	info->product = rec->product;
	info->interface = -1;
	snprintf(info->name, sizeof(info->name), "%s", rec->name);
	snprintf(info->path, sizeof(info->path), "%s", basename_of(rec->path));
	info->kinds = hm_kinds_from_descriptor(rec->rdesc, rec->rdesc_size);
	hm_device_info_set_usage(info, rec->rdesc, rec->rdesc_size);
}

static bool is_hidraw_path(const char *arg)
{
	return startswith(arg, "/dev/");
}

/* Device info and descriptor from a hidraw node or a recording. */
static int load_source(const char *arg, struct hm_device_info *info, uint8_t *rdesc,
                       size_t *rdesc_size, struct hm_recording **ret_rec)
{
	int r;

	if (is_hidraw_path(arg)) {
		r = hm_hid_info_from_path(arg, info);
		if (r < 0)
			return log_error_errno(r, "%s: not a hidraw device: %m", arg);
		r = hm_hid_read_descriptor(arg, rdesc, HID_RDESC_MAX_SIZE, rdesc_size);
		if (r < 0)
			return log_error_errno(r, "%s: cannot read the report descriptor: %m", arg);
		info->kinds = hm_kinds_from_descriptor(rdesc, *rdesc_size);
		hm_device_info_set_usage(info, rdesc, *rdesc_size);
		*ret_rec = NULL;
		return 0;
	}

	r = hm_recording_load(arg, ret_rec);
	if (r < 0)
		return r;
	info_from_recording(*ret_rec, info);
	memcpy(rdesc, (*ret_rec)->rdesc, (*ret_rec)->rdesc_size);
	*rdesc_size = (*ret_rec)->rdesc_size;
	return 0;
}

/*
 * The modules to probe for a device, as the daemon picks them
 * (hm_module_select()), or the one the user forces with --module.  Returns
 * whether the daemon would drive it, or -ENOENT for an unknown module.
 */
static int chain_for(const struct hm_config *config, const struct hm_device_info *info,
                     const char *forced, struct hm_module_chain *ret_chain,
                     const struct hm_config_device **ret_cfg)
{
	const struct hm_module *m;

	if (!forced)
		return hm_module_select(config, info, ret_chain, ret_cfg);
	m = hm_module_find(forced);
	if (!m)
		return -ENOENT;
	hm_module_chain_single(ret_chain, hm_module_resolve(m, info));
	*ret_cfg = hm_config_match(config, info, m->name);
	return 1;
}

static void chain_print(FILE *f, const struct hm_module_chain *chain)
{
	char buf[256];

	for (size_t i = 0; i < chain->n; i++)
		fprintf(f, "%s%s", i ? " " : "",
		        hm_module_display_name(chain->modules[i], buf, sizeof(buf)));
}

static int unknown_module(const char *name)
{
	fprintf(stderr, "hidmapd: unknown module '%s'; modules:", name);
	for (size_t i = 0; hm_modules[i]; i++)
		fprintf(stderr, " %s", hm_modules[i]->name);
	fputc('\n', stderr);
	return 2;
}

int hm_cmd_list(void)
{
	_cleanup_free_ struct hm_hid_entry *entries = NULL;
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	const char *const *paths;
	size_t n = 0, npaths;
	int r;

	paths = hm_config_default_paths(&npaths);
	if (hm_module_select_load(paths, npaths, diag_print, NULL, &config) < 0) {
		fprintf(stderr,
		        "hidmapd: configuration has errors (see above); listing without it\n");
		config = hm_config_new_empty();
		if (!config)
			return 1;
	}

	r = hm_hid_enumerate(&entries, &n);
	if (r < 0) {
		log_error_errno(r, "cannot enumerate HID devices: %m");
		return 1;
	}
	printf("%-14s %-4s %-9s %-18s %-14s %-8s %s\n", "PATH", "BUS", "VID:PID", "TYPE", "MODULE",
	       "SELECTED", "NAME");
	for (size_t i = 0; i < n; i++) {
		const struct hm_device_info *info = &entries[i].info;
		struct hm_module_chain chain;
		const struct hm_config_device *cfg;
		bool driven = hm_module_select(config, info, &chain, &cfg);
		/* listed without opening the device: the module its probe would
		 * be asked first */
		const struct hm_module *m = hm_module_chain_first(&chain);
		const char *selected;
		char kinds[128], name[STR_ESCAPED_SIZE(sizeof(info->name))];

		if (cfg)
			selected = driven ? "config" : "disabled";
		else
			selected = driven ? "module" : "no";
		printf("%-14s %04x %04x:%04x %-18s %-14s %-8s %s\n", info->path, info->bus,
		       info->vendor, info->product,
		       hm_kinds_format(info->kinds, kinds, sizeof(kinds)), m->name, selected,
		       str_escape_control(info->name, name, sizeof(name)));
	}
	if (n == 0)
		fprintf(stderr,
		        "hidmapd: no HID devices found (or no permission on /dev/hidraw*)\n");
	return 0;
}

/*
 * Which module takes the device: probes along chain as hm_device_new()
 * does for the daemon, on a sink that prints nowhere.  NULL: none does.
 */
static const struct hm_module *probed_module(const struct hm_device_info *info,
                                             const uint8_t *rdesc, size_t rdesc_size,
                                             const struct hm_module_chain *chain)
{
	struct hm_device_setup setup = {.chain = chain};
	const struct hm_module *m = NULL;
	struct hm_device *dev = NULL;
	FILE *null = fopen("/dev/null", "we");

	if (!null)
		return NULL;
	setup.sink = hm_sink_print_new(null);
	if (setup.sink && hm_device_new(info, rdesc, rdesc_size, &setup, &dev) == 0)
		m = dev->module;
	if (setup.sink)
		hm_sink_print_mute(setup.sink);
	hm_device_free(dev);
	if (setup.sink)
		hm_sink_print_free(setup.sink);
	fclose(null);
	return m;
}

int hm_cmd_describe(const char *arg, const char *forced_module)
{
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	_cleanup_(hm_device_freep) struct hm_device *dev = NULL;
	struct hm_device_info info;
	struct hid_parse_error err = {0};
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	size_t rdesc_size = 0;
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;
	const struct hm_module *m;
	struct hm_sink *sink;
	struct hm_device_setup setup = {0};
	char name[STR_ESCAPED_SIZE(sizeof(info.name))];
	int r;

	if (load_source(arg, &info, rdesc, &rdesc_size, &rec) < 0)
		return 1;
	/* without a configuration: what the modules' tables say */
	if (chain_for(NULL, &info, forced_module, &chain, &cfg) == -ENOENT)
		return unknown_module(forced_module);
	/* the module that takes it, after any probe that declines */
	m = probed_module(&info, rdesc, rdesc_size, &chain);
	if (!m)
		m = hm_module_chain_first(&chain);

	/* the name comes from the device: printed with its control characters
	 * escaped */
	str_escape_control(info.name, name, sizeof(name));
	printf("Device: %s\n", name);
	printf("Bus %04x, vendor %04x, product %04x, version %04x\n", info.bus, info.vendor,
	       info.product, info.version);
	printf("Module: %s (%s)\n", m->name, m->description);
	printf("Report descriptor: %zu bytes\n\n", rdesc_size);

	r = hid_descriptor_parse(rdesc, rdesc_size, &desc, &err);
	if (r < 0)
		printf("Report descriptor does not parse: byte %zu: %s\n\n", err.offset,
		       err.message);
	else
		hid_descriptor_dump(desc, stdout);

	/* what the module makes of it, if it says (the generic module: its
	 * mapping, usage by usage) */
	if (m->describe)
		m->describe(&info, rdesc, rdesc_size, stdout);

	printf("\nEvdev devices the module creates (replay format):\n");
	fflush(stdout);
	sink = hm_sink_print_new(stdout);
	if (!sink)
		return 1;
	setup.chain = &chain;
	setup.sink = sink;
	r = hm_device_new(&info, rdesc, rdesc_size, &setup, &dev);
	if (r < 0)
		printf("(none: module %s does not take this device: %s)\n", m->name, strerror(-r));
	hm_sink_print_mute(sink);
	hm_device_free(steal(&dev));
	hm_sink_print_free(sink);
	return r < 0 ? 1 : 0;
}

int hm_cmd_select(char *const *files, size_t nfiles, const char *config_file)
{
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	int ret = 0;

	if (config_file) {
		const char *paths[] = {config_file};

		if (hm_module_select_load_given(paths, 1, diag_print, NULL, &config) < 0)
			return 1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
		struct hm_device_info info;
		struct hm_module_chain chain;
		const struct hm_config_device *cfg;
		const struct hm_module *m;
		char name[256];
		bool driven;

		if (hm_recording_load(files[i], &rec) < 0) {
			ret = 1;
			continue;
		}
		info_from_recording(rec, &info);
		/* as the daemon's drive(): the policy's chain, probed in order */
		driven = hm_module_select(config, &info, &chain, &cfg);
		m = probed_module(&info, rec->rdesc, rec->rdesc_size, &chain);
		printf("%s: module %s, %s, chain ", files[i],
		       m ? hm_module_display_name(m, name, sizeof(name)) : "(none)",
		       driven ? "driven" : "not driven");
		chain_print(stdout, &chain);
		printf("%s%s\n", cfg ? ", [device] " : "", cfg ? cfg->id : "");
	}
	return ret;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
	interrupted = 1;
}

int hm_cmd_record(const char *path)
{
	struct sigaction sa = {.sa_handler = on_interrupt}; /* no SA_RESTART: poll(2) returns */
	struct hm_device_info info;
	uint8_t rdesc[HID_RDESC_MAX_SIZE], buf[16384];
	size_t rdesc_size;
	uint64_t start = 0;
	_cleanup_close_ int fd = -EBADF;
	int r;

	if (!is_hidraw_path(path)) {
		fprintf(stderr,
		        "hidmapd: record needs a hidraw node such as /dev/hidraw0, not '%s'\n",
		        path);
		return 2;
	}
	r = hm_hid_info_from_path(path, &info);
	if (r < 0) {
		log_error_errno(r, "%s: not a hidraw device: %m", path);
		return 1;
	}
	r = hm_hid_read_descriptor(path, rdesc, sizeof(rdesc), &rdesc_size);
	if (r < 0) {
		log_error_errno(r, "%s: cannot read the report descriptor: %m", path);
		return 1;
	}
	fd = hm_hid_open_for_reading(path);
	if (fd < 0) {
		log_error_errno(fd, "%s: cannot open: %m (run 'hidmapd doctor')", path);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	hm_recording_write_header(stdout, info.name, info.bus, info.vendor, info.product, rdesc,
	                          rdesc_size);
	fflush(stdout);
	while (!interrupted) {
		/* the daemon's reader: one report per read(2) */
		int n = hm_hid_wait_report(fd, buf, sizeof(buf), -1);
		uint64_t now;

		if (n == -EINTR || n == 0)
			continue;
		if (n < 0) {
			if (!interrupted)
				log_error("%s: read failed, device gone?", path);
			break;
		}
		now = hm_now_usec();
		if (!start)
			start = now;
		hm_recording_write_event(stdout, now - start, buf, (size_t)n);
	}
	return interrupted ? 0 : 1;
}

static void sleep_until(uint64_t usec)
{
	struct timespec ts = {.tv_sec = (time_t)(usec / 1000000),
	                      .tv_nsec = (long)(usec % 1000000) * 1000};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* The mapping's timer in a replay: deadlines in the recording's time. */
static void replay_arm(void *userdata, uint64_t deadline_us)
{
	*(uint64_t *)userdata = deadline_us;
}

/* Fires the mapping's timer while it is due at or before t (a bound on the
 * rounds keeps a pathological profile from looping). */
static void replay_timers(struct hm_device *dev, uint64_t *armed, uint64_t t, uint64_t start,
                          uint64_t t0, bool uinput)
{
	for (unsigned guard = 0; *armed && *armed <= t && guard < 100000; guard++) {
		uint64_t when = *armed;

		*armed = 0; /* one-shot, as the daemon's timerfd */
		if (uinput)
			sleep_until(start + when - t0);
		hm_device_timer(dev, when);
	}
}

/* With --features: output reports and SET_REPORTs go nowhere, as to a
 * device that takes them. */
static int replay_accept(void *userdata, const uint8_t *data, size_t size)
{
	(void)userdata;
	(void)data;
	return (int)size;
}

int hm_cmd_replay(const char *file, const char *config_file, const char *forced_module,
                  const char *features_file, bool uinput, bool show_module)
{
	_cleanup_(hm_feature_replies_freep) struct hm_feature_replies *features = NULL;
	struct hm_transport transport = {0};
	uint64_t armed = 0, t0;
	_cleanup_(hm_recording_freep) struct hm_recording *rec = NULL;
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	struct hm_device *dev = NULL;
	struct hm_device_info info;
	struct hm_device_setup setup = {0};
	const struct hm_config_device *cfg = NULL;
	struct hm_module_chain chain;
	struct hm_sink *sink;
	uint64_t start;
	int r;

	if (hm_recording_load(file, &rec) < 0)
		return 1;
	if (features_file) {
		if (hm_feature_replies_load(features_file, &features) < 0)
			return 1;
		transport = (struct hm_transport){.write = replay_accept,
		                                  .send_feature = replay_accept,
		                                  .get_feature = hm_feature_replies_get,
		                                  .userdata = features};
	}
	if (config_file) {
		const char *paths[] = {config_file};

		if (hm_module_select_load_given(paths, 1, diag_print, NULL, &config) < 0)
			return 1;
	}
	info_from_recording(rec, &info);
	/* as the daemon picks it: a [device] may name a module or a layout */
	if (chain_for(config, &info, forced_module, &chain, &cfg) == -ENOENT)
		return unknown_module(forced_module);

	sink = uinput ? hm_sink_uinput_new() : hm_sink_print_new(stdout);
	if (!sink)
		return 1;
	setup.chain = &chain;
	setup.sink = sink;
	setup.transport = features ? &transport : NULL;
	setup.profile = cfg ? hm_config_profile_for(config, cfg) : NULL;
	setup.unmapped = cfg ? cfg->unmapped : HM_UNMAPPED_PASS;
	setup.arm_timer = replay_arm;
	setup.userdata = &armed;
	r = hm_device_new(&info, rec->rdesc, rec->rdesc_size, &setup, &dev);
	if (r < 0) {
		log_error_errno(r, "%s: module %s cannot decode this device: %m", file,
		                hm_module_chain_first(&chain)->name);
		goto out;
	}
	if (show_module) {
		char name[256];

		/* diagnostic: the module is chosen; the reports change nothing
		 * about it, so they are not replayed */
		fprintf(stderr, "hidmapd: %s: module %s\n", file,
		        hm_module_display_name(dev->module, name, sizeof(name)));
		r = 0;
		goto out;
	}

	start = hm_now_usec();
	/* Printed, the time before the first report is of no use.  On uinput
	 * the reports come at their times from the start of the recording, so
	 * a recording that begins with a pause gives applications that time to
	 * open the new devices before anything happens. */
	t0 = rec->nevents && !uinput ? rec->events[0].time_us : 0;
	for (size_t i = 0; i < rec->nevents; i++) {
		const struct hm_recording_event *ev = &rec->events[i];

		/* timed mappings (tap-hold, macros, pointer motion) act between
		 * reports, in the recording's time */
		replay_timers(dev, &armed, ev->time_us, start, t0, uinput);
		if (uinput)
			sleep_until(start + ev->time_us - t0);
		else
			hm_sink_print_report(sink, i);
		r = hm_device_process_report(dev, ev->data, ev->size, ev->time_us);
		if (r < 0)
			log_warning_errno(r, "%s:%u: report not decoded: %m", file, ev->line);
	}
	/* what is still timed after the last report: up to 10 s more */
	if (rec->nevents)
		replay_timers(dev, &armed, rec->events[rec->nevents - 1].time_us + 10000000, start,
		              t0, uinput);
	r = 0;
	fflush(stdout);
	/* A replayed device ends like a kernel device that disappears: without
	 * printed releases.  (On uinput the releases do go out.) */
	if (!uinput)
		hm_sink_print_mute(sink);
out:
	hm_device_free(dev);
	if (uinput)
		hm_sink_uinput_free(sink);
	else
		hm_sink_print_free(sink);
	return r < 0 ? 1 : 0;
}

int hm_cmd_check(char *const *files, size_t nfiles)
{
	_cleanup_(hm_config_freep) struct hm_config *config = NULL;
	unsigned problems = 0;

	if (hm_module_select_load_given((const char *const *)files, nfiles, diag_print, &problems,
	                                &config) < 0) {
		fprintf(stderr, "hidmapd: %u problem%s found\n", problems,
		        problems == 1 ? "" : "s");
		return 1;
	}
	printf("%zu file%s OK\n", config->nfiles, config->nfiles == 1 ? "" : "s");
	for (size_t i = 0; i < config->nfiles; i++)
		printf("  %s\n", config->files[i]);
	return 0;
}
