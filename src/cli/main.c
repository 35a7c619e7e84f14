/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "build-config.h"
#include "commands.h"
#include "daemon.h"
#include "hidmapd-version.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

#define MAX_PATHS 64

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

/* What main() hands a command: the options it took and the arguments after
 * the command's name. */
struct cli {
	const char *command;
	char *const *args;
	size_t nargs;
	const char *const *configs;
	size_t nconfigs;
	const char *const *devices;
	size_t ndevices;
	const char *module, *features;
	bool uinput, show_module;
};

/* The options a command takes besides --config (which each command checks
 * itself: some take several, some one, some none). */
enum {
	TAKES_MODULE = 1 << 0, /* --module */
	TAKES_REPLAY = 1 << 1, /* --uinput, --features, --show-module */
	TAKES_DEVICE = 1 << 2, /* --device */
};

struct command {
	const char *name;
	/* checks the arguments (usage_error()), then runs: an exit status */
	int (*run)(const struct cli *cli);
	/* for --help: the command line and what it does (lines after the
	 * first separated by '\n'); a NULL synopsis keeps the command out of it */
	const char *synopsis;
	const char *help;
	unsigned takes;
};

static int run_daemon(const struct cli *cli)
{
	struct hm_daemon_options opts = {
	    .config_paths = cli->nconfigs ? cli->configs : NULL,
	    .nconfig_paths = cli->nconfigs,
	    .devices = cli->devices,
	    .ndevices = cli->ndevices,
	};

	if (cli->nargs)
		return usage_error("run takes no arguments, got '%s'", cli->args[0]);
	return hm_daemon_run(&opts) < 0 ? 1 : 0;
}

static int run_list(const struct cli *cli)
{
	if (cli->nargs)
		return usage_error("list takes no arguments, got '%s'", cli->args[0]);
	return hm_cmd_list();
}

static int run_describe(const struct cli *cli)
{
	if (cli->nargs != 1)
		return usage_error("%s", "describe needs exactly one PATH or FILE");
	return hm_cmd_describe(cli->args[0], cli->module);
}

static int run_record(const struct cli *cli)
{
	if (cli->nargs != 1)
		return usage_error("%s", "record needs exactly one hidraw PATH");
	return hm_cmd_record(cli->args[0]);
}

static int run_replay(const struct cli *cli)
{
	if (cli->nargs != 1)
		return usage_error("%s", "replay needs exactly one recording FILE");
	if (cli->nconfigs > 1)
		return usage_error("%s", "replay takes at most one --config");
	return hm_cmd_replay(cli->args[0], cli->nconfigs ? cli->configs[0] : NULL, cli->module,
	                     cli->features, cli->uinput, cli->show_module);
}

static int run_select(const struct cli *cli)
{
	if (!cli->nargs)
		return usage_error("%s", "select needs recording FILEs");
	if (cli->nconfigs > 1)
		return usage_error("%s", "select takes at most one --config");
	return hm_cmd_select(cli->args, cli->nargs, cli->nconfigs ? cli->configs[0] : NULL);
}

static int run_check(const struct cli *cli)
{
	/* the files as --config options or as arguments */
	if (cli->nconfigs)
		return hm_cmd_check((char *const *)cli->configs, cli->nconfigs);
	return hm_cmd_check(cli->args, cli->nargs);
}

static int run_layout(const struct cli *cli)
{
	if (cli->nargs != 1)
		return usage_error("%s", "layout needs exactly one hidraw PATH or recording FILE");
	return hm_cmd_layout(cli->args[0]);
}

static int run_control(const struct cli *cli)
{
	if (cli->nargs || cli->nconfigs)
		return usage_error("%s takes no arguments or options", cli->command);
	return hm_cmd_control(cli->command);
}

static int run_focus(const struct cli *cli)
{
	if (cli->nargs < 1 || cli->nargs > 2 || cli->nconfigs)
		return usage_error("%s", "focus needs APP_ID and at most a TITLE");
	return hm_cmd_focus((const char *const *)cli->args, cli->nargs);
}

static int run_udev_rules(const struct cli *cli)
{
	if (cli->nargs)
		return usage_error("%s takes no arguments, got '%s' (use --config FILE)",
		                   cli->command, cli->args[0]);
	return hm_cmd_udev_rules((char *const *)cli->configs, cli->nconfigs);
}

static int run_doctor(const struct cli *cli)
{
	if (cli->nargs)
		return usage_error("%s takes no arguments, got '%s' (use --config FILE)",
		                   cli->command, cli->args[0]);
	return hm_cmd_doctor((char *const *)cli->configs, cli->nconfigs);
}

/* In the order --help lists them. */
static const struct command commands[] = {
    {.name = "run",
     .run = run_daemon,
     .synopsis = "run [--config FILE]... [--device /dev/hidrawN]...",
     .help = "the daemon (default command)",
     .takes = TAKES_DEVICE},
    {.name = "list",
     .run = run_list,
     .synopsis = "list",
     .help = "every HID device, its module, whether it is driven"},
    {.name = "describe",
     .run = run_describe,
     .synopsis = "describe PATH|FILE [--module NAME]",
     .help = "the parsed report descriptor and the evdev devices",
     .takes = TAKES_MODULE},
    {.name = "record",
     .run = run_record,
     .synopsis = "record PATH",
     .help = "hid-recorder format on stdout until Ctrl-C"},
    {.name = "replay",
     .run = run_replay,
     .synopsis = "replay [--config FILE] [--module NAME] [--features FILE] [--uinput] FILE",
     .help = "a recording through module and mapping; --features:\n"
             "the device's feature-report replies, one per line\n"
             "(hex bytes, byte 0 the report ID, # comments)",
     .takes = TAKES_MODULE | TAKES_REPLAY},
    /* diagnostic (the selection data test), not in --help: the module the
     * daemon's policy picks for each recording under one config */
    {.name = "select", .run = run_select},
    {.name = "check",
     .run = run_check,
     .synopsis = "check [FILE]...",
     .help = "validate configuration files"},
    {.name = "layout",
     .run = run_layout,
     .synopsis = "layout PATH|FILE",
     .help = "a starter [layout] from the descriptor and the reports"},
    {.name = "status",
     .run = run_control,
     .synopsis = "status",
     .help = "the running daemon: devices, outputs, counters"},
    {.name = "reload",
     .run = run_control,
     .synopsis = "reload",
     .help = "make the running daemon reload its configuration"},
    {.name = "monitor",
     .run = run_control,
     .synopsis = "monitor",
     .help = "the running daemon's events, live, until Ctrl-C"},
    {.name = "focus",
     .run = run_focus,
     .synopsis = "focus APP_ID [TITLE]",
     .help = "tell the running daemon which window has the focus"},
    {.name = "udev-rules",
     .run = run_udev_rules,
     .synopsis = "udev-rules [--config FILE]...",
     .help = "udev rules for the devices the config selects"},
    {.name = "doctor",
     .run = run_doctor,
     .synopsis = "doctor [--config FILE]...",
     .help = "check uinput, devices, service and config; say the fix"},
};

#define HELP_COLUMN 25 /* where the commands' and options' help begins */

static void usage(FILE *f)
{
	fprintf(f, "Usage: hidmapd [OPTIONS] [COMMAND] [ARGS]\n"
	           "\n"
	           "A userspace HID input driver: decodes HID devices, remaps their events\n"
	           "as ~/.config/hidmapd/*.ini says, and injects them through uinput.\n"
	           "\n"
	           "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];
		const char *help = c->help;
		int n;

		if (!c->synopsis)
			continue;
		/* a synopsis too long for its column puts the help on the next line */
		n = fprintf(f, "  %s", c->synopsis);
		if (n < HELP_COLUMN)
			fprintf(f, "%*s", HELP_COLUMN - n, "");
		else
			fprintf(f, "\n%*s", HELP_COLUMN, "");
		for (const char *nl; (nl = strchr(help, '\n')); help = nl + 1)
			fprintf(f, "%.*s\n%*s", (int)(nl - help), help, HELP_COLUMN, "");
		fprintf(f, "%s\n", help);
	}
	fprintf(f, "\n"
	           "Options:\n"
	           "  -v, --verbose          debug messages\n"
	           "  -h, --help             this text\n"
	           "      --version          the version\n");
}

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
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
	struct cli cli = {.command = "run", .configs = configs, .devices = devices};
	const struct command *cmd;
	unsigned takes;
	int c;

	/* options may come before or after the command; "+" is not used so
	 * getopt permutes, and the first non-option is the command */
	while ((c = getopt_long(argc, argv, "hvc:d:m:u", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("hidmapd %s\n", HIDMAPD_VERSION_FULL);
			return 0;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'c':
			if (cli.nconfigs == MAX_PATHS)
				return usage_error("too many --config options (at most %d)",
				                   MAX_PATHS);
			configs[cli.nconfigs++] = optarg;
			break;
		case 'd':
			if (cli.ndevices == MAX_PATHS)
				return usage_error("too many --device options (at most %d)",
				                   MAX_PATHS);
			devices[cli.ndevices++] = optarg;
			break;
		case 'm':
			cli.module = optarg;
			break;
		case 'u':
			cli.uinput = true;
			break;
		case OPT_SHOW_MODULE: /* diagnostic: the module replay uses, on stderr */
			cli.show_module = true;
			break;
		case OPT_FEATURES:
			cli.features = optarg;
			break;
		default:
			fprintf(stderr, "Try 'hidmapd --help'.\n");
			return 2;
		}
	}
	if (optind < argc)
		cli.command = argv[optind++];
	cli.args = argv + optind;
	cli.nargs = (size_t)(argc - optind);

	/* an option that the command does not take is an error, not a no-op
	 * (said before an unknown command is) */
	cmd = command_find(cli.command);
	takes = cmd ? cmd->takes : 0;
	if (cli.uinput && !(takes & TAKES_REPLAY))
		return usage_error("--uinput only applies to replay");
	if (cli.features && !(takes & TAKES_REPLAY))
		return usage_error("--features only applies to replay");
	if (cli.show_module && !(takes & TAKES_REPLAY))
		return usage_error("--show-module only applies to replay");
	if (cli.module && !(takes & TAKES_MODULE))
		return usage_error("--module only applies to replay and describe");
	if (cli.ndevices && !(takes & TAKES_DEVICE))
		return usage_error("--device only applies to run");
	if (!cmd)
		return usage_error("unknown command '%s'", cli.command);
	return cmd->run(&cli);
}
