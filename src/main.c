/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "build-config.h"
#include "commands.h"
#include "daemon.h"
#include "util-log.h"
#include "util-strings.h"

#define MAX_PATHS 64

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: hidmapd [OPTIONS] [COMMAND] [ARGS]\n"
	        "\n"
	        "A userspace HID input driver: decodes HID devices, remaps their events\n"
	        "as ~/.config/hidmapd/*.ini says, and injects them through uinput.\n"
	        "\n"
	        "Commands:\n"
	        "  run [--config FILE]... [--device /dev/hidrawN]...\n"
	        "                         the daemon (default command)\n"
	        "  list                   every HID device, its module, whether it is driven\n"
	        "  describe PATH|FILE [--module NAME]\n"
	        "                         the parsed report descriptor and the evdev devices\n"
	        "  record PATH            hid-recorder format on stdout until Ctrl-C\n"
	        "  replay [--config FILE] [--module NAME] [--features FILE] [--uinput] FILE\n"
	        "                         a recording through module and mapping; --features:\n"
	        "                         the device's feature-report replies, one per line\n"
	        "                         (hex bytes, byte 0 the report ID, # comments)\n"
	        "  check [FILE]...        validate configuration files\n"
	        "  layout PATH|FILE       a starter [layout] from the descriptor and the reports\n"
	        "  status                 the running daemon: devices, outputs, counters\n"
	        "  reload                 make the running daemon reload its configuration\n"
	        "  monitor                the running daemon's events, live, until Ctrl-C\n"
	        "  udev-rules [--config FILE]...\n"
	        "                         udev rules for the devices the config selects\n"
	        "  doctor [--config FILE]...\n"
	        "                         check uinput, devices, service and config; say the fix\n"
	        "\n"
	        "Options:\n"
	        "  -v, --verbose          debug messages\n"
	        "  -h, --help             this text\n"
	        "      --version          the version\n");
}

static int usage_error(const char *fmt, ...) _printf_(1, 2);
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hidmapd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'hidmapd --help'.\n");
	return 2;
}

enum {
	OPT_VERSION = 256,
	OPT_SHOW_MODULE,
	OPT_FEATURES,
};

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"verbose", no_argument, NULL, 'v'},
	    {"config", required_argument, NULL, 'c'},
	    {"device", required_argument, NULL, 'd'},
	    {"module", required_argument, NULL, 'm'},
	    {"uinput", no_argument, NULL, 'u'},
	    {"show-module", no_argument, NULL, OPT_SHOW_MODULE},
	    {"features", required_argument, NULL, OPT_FEATURES},
	    {},
	};
	const char *configs[MAX_PATHS], *devices[MAX_PATHS];
	size_t nconfigs = 0, ndevices = 0;
	const char *module = NULL, *command = "run", *features = NULL;
	bool uinput = false, show_module = false;
	int c;

	/* options may come before or after the command; "+" is not used so
	 * getopt permutes, and the first non-option is the command */
	while ((c = getopt_long(argc, argv, "hvc:d:m:u", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("hidmapd %s\n", HIDMAPD_VERSION);
			return 0;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'c':
			if (nconfigs == MAX_PATHS)
				return usage_error("too many --config options (at most %d)",
				                   MAX_PATHS);
			configs[nconfigs++] = optarg;
			break;
		case 'd':
			if (ndevices == MAX_PATHS)
				return usage_error("too many --device options (at most %d)",
				                   MAX_PATHS);
			devices[ndevices++] = optarg;
			break;
		case 'm':
			module = optarg;
			break;
		case 'u':
			uinput = true;
			break;
		case OPT_SHOW_MODULE: /* diagnostic: the module replay uses, on stderr */
			show_module = true;
			break;
		case OPT_FEATURES:
			features = optarg;
			break;
		default:
			fprintf(stderr, "Try 'hidmapd --help'.\n");
			return 2;
		}
	}
	if (optind < argc)
		command = argv[optind++];

	/* an option that the command does not take is an error, not a no-op */
	if (uinput && !streq(command, "replay"))
		return usage_error("--uinput only applies to replay");
	if (features && !streq(command, "replay"))
		return usage_error("--features only applies to replay");
	if (show_module && !streq(command, "replay"))
		return usage_error("--show-module only applies to replay");
	if (module && !streq(command, "replay") && !streq(command, "describe"))
		return usage_error("--module only applies to replay and describe");
	if (ndevices && !streq(command, "run"))
		return usage_error("--device only applies to run");

	if (streq(command, "run")) {
		struct hm_daemon_options opts = {
		    .config_paths = nconfigs ? configs : NULL,
		    .nconfig_paths = nconfigs,
		    .devices = devices,
		    .ndevices = ndevices,
		};

		if (optind < argc)
			return usage_error("run takes no arguments, got '%s'", argv[optind]);
		return hm_daemon_run(&opts) < 0 ? 1 : 0;
	}
	if (streq(command, "list")) {
		if (optind < argc)
			return usage_error("list takes no arguments, got '%s'", argv[optind]);
		return hm_cmd_list();
	}
	if (streq(command, "describe")) {
		if (argc - optind != 1)
			return usage_error("%s", "describe needs exactly one PATH or FILE");
		return hm_cmd_describe(argv[optind], module);
	}
	if (streq(command, "record")) {
		if (argc - optind != 1)
			return usage_error("%s", "record needs exactly one hidraw PATH");
		return hm_cmd_record(argv[optind]);
	}
	if (streq(command, "replay")) {
		if (argc - optind != 1)
			return usage_error("%s", "replay needs exactly one recording FILE");
		if (nconfigs > 1)
			return usage_error("%s", "replay takes at most one --config");
		return hm_cmd_replay(argv[optind], nconfigs ? configs[0] : NULL, module, features,
		                     uinput, show_module);
	}
	/* diagnostic (the selection data test): the module the daemon's policy
	 * picks for each recording under one config */
	if (streq(command, "select")) {
		if (optind >= argc)
			return usage_error("%s", "select needs recording FILEs");
		if (nconfigs > 1)
			return usage_error("%s", "select takes at most one --config");
		return hm_cmd_select(argv + optind, (size_t)(argc - optind),
		                     nconfigs ? configs[0] : NULL);
	}
	if (streq(command, "layout")) {
		if (argc - optind != 1)
			return usage_error(
			    "%s", "layout needs exactly one hidraw PATH or recording FILE");
		return hm_cmd_layout(argv[optind]);
	}
	if (streq(command, "status") || streq(command, "reload") || streq(command, "monitor")) {
		if (optind < argc || nconfigs)
			return usage_error("%s takes no arguments or options", command);
		return hm_cmd_control(command);
	}
	if (streq(command, "udev-rules") || streq(command, "doctor")) {
		if (optind < argc)
			return usage_error("%s takes no arguments, got '%s' (use --config FILE)",
			                   command, argv[optind]);
		if (streq(command, "doctor"))
			return hm_cmd_doctor((char *const *)configs, nconfigs);
		return hm_cmd_udev_rules((char *const *)configs, nconfigs);
	}
	if (streq(command, "check"))
		return hm_cmd_check(nconfigs ? (char *const *)configs : argv + optind,
		                    nconfigs ? nconfigs : (size_t)(argc - optind));

	return usage_error("unknown command '%s'", command);
}
