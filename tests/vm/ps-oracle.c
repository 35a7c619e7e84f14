/* SPDX-License-Identifier: MIT */
/*
 * ps-oracle: what the kernel's own PlayStation drivers (6.1: hid-sony for
 * the DualShock 4, hid-playstation for the DualSense and the Edge) make of
 * a scripted recording, with their feature requests answered from a
 * feature-reply file.  Runs inside the test VM (run-vm.sh loads both
 * drivers; hid keeps ignore_special_drivers=1 for every other scenario,
 * so this program writes 0 to /sys/module/hid/parameters/ignore_special_drivers
 * while it creates each device, and puts the old value back).
 *
 *   ps-oracle [--outdir DIR] [--rumble] [--verbose] MODEL.hid...
 *
 * MODEL.features, beside each recording, holds the replies.  For each
 * recording: the uhid device (real ids; Bluetooth ones with uniq
 * "aa:bb:cc:dd:ee:ff"), its requests answered by a thread of its own; when
 * the vendor driver has bound (hid-generic binding fails the run), every
 * event node it made is printed in the `hidmapd replay` format (D:/C:
 * lines in input-number order, the kernel's creation order), then each
 * report is written with UHID_INPUT2 and the events it produced are
 * printed under "R: <n>" (uhid delivers synchronously: nothing to wait
 * for; key auto-repeat is dropped).  With --rumble, the rumble check of
 * ps-oracle-uhid.h runs on the node with EV_FF.  With --outdir the dump
 * goes to DIR/MODEL.txt, the nodes' ids (ps_print_ids(), one line a node)
 * to DIR/MODEL.ids and the rumble lines to DIR/MODEL.rumble, else all to
 * stdout.  A summary line per recording goes to stderr.  Exit status 0, 1
 * on any failure, 77 without /dev/uhid.
 */
#include <fcntl.h>
#include <getopt.h>
#include <sys/ioctl.h>

#include "ps-oracle-uhid.h"
#include "sink.h"
#include "util-log.h"
#include "util-strings.h"
#include "vm-harness.h"

#define IGNORE_PARAM "/sys/module/hid/parameters/ignore_special_drivers"

static bool verbose;

static int read_param(char *buf, size_t size)
{
	vm_read_attr(IGNORE_PARAM, buf, size);
	return *buf ? 0 : -ENOENT;
}

static int write_param(const char *value)
{
	FILE *f = fopen(IGNORE_PARAM, "we");

	if (!f)
		return log_error_errno(errno, IGNORE_PARAM ": %m");
	fprintf(f, "%s\n", value);
	if (fclose(f) != 0)
		return log_error_errno(errno, IGNORE_PARAM ": %m");
	return 0;
}

/* path without ".hid", plus ext */
static void sibling(const char *path, const char *ext, char *buf, size_t size)
{
	size_t n = strlen(path);

	if (n > 4 && streq(path + n - 4, ".hid"))
		n -= 4;
	snprintf(buf, size, "%.*s%s", (int)n, path, ext);
}

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int dump_one(const char *path, const char *outdir, bool rumble)
{
	_cleanup_(ps_uhid_freep) struct ps_uhid *u = NULL;
	struct vm_evnode nodes[PS_MAX_NODES];
	struct vm_output o[PS_MAX_NODES];
	char features[PATH_MAX], out_path[PATH_MAX], rumble_path[PATH_MAX], ids_path[PATH_MAX];
	char old[16], base[256];
	FILE *out = stdout, *rout = stdout, *iout = stdout;
	size_t n = 0, nevents = 0;
	uint64_t t0 = vm_now_us();
	int r, ff = -1;

	sibling(path, ".features", features, sizeof(features));
	sibling(base_of(path), "", base, sizeof(base));
	if (read_param(old, sizeof(old)) < 0)
		snprintf(old, sizeof(old), "1");
	r = write_param("0");
	if (r < 0)
		return r;
	/* a Switch pad has no feature replies: its outputs are answered */
	r = ps_uhid_new(path, access(features, R_OK) == 0 ? features : NULL, &u);
	if (r >= 0)
		r = ps_uhid_wait_bound(u, PS_BIND_TIMEOUT);
	(void)write_param(old); /* only read when a device is added */
	if (r < 0)
		return log_error_errno(r, "%s: no driver bound with its event nodes: %m", path);
	if (streq(u->driver, "hid-generic"))
		return log_error_errno(
		    ENODEV, "%s: hid-generic bound it, not the vendor driver (not loaded?)", path);
	r = ps_uhid_nodes(u, nodes, &n);
	if (r < 0)
		return r;

	if (outdir) {
		snprintf(out_path, sizeof(out_path), "%s/%s.txt", outdir, base);
		snprintf(rumble_path, sizeof(rumble_path), "%s/%s.rumble", outdir, base);
		snprintf(ids_path, sizeof(ids_path), "%s/%s.ids", outdir, base);
		out = fopen(out_path, "we");
		if (!out)
			return log_error_errno(errno, "%s: %m", out_path);
		iout = fopen(ids_path, "we");
		if (!iout) {
			fclose(out);
			return log_error_errno(errno, "%s: %m", ids_path);
		}
	}
	memset(o, 0, sizeof(o));
	for (size_t i = 0; i < n; i++) {
		o[i].fd = -1;
		snprintf(o[i].devnode, sizeof(o[i].devnode), "%s", nodes[i].devnode);
		if (vm_output_open(&o[i], O_RDWR | O_NONBLOCK) < 0) {
			r = -EIO;
			goto out;
		}
		if (libevdev_has_event_type(o[i].evdev, EV_FF) && ff < 0)
			ff = (int)i;
		hm_print_device(out, (unsigned)i, o[i].evdev);
		ps_print_ids(iout, o[i].evdev);
	}
	for (size_t k = 0; k < u->rec->nevents; k++) {
		const struct hm_recording_event *e = &u->rec->events[k];

		fprintf(out, "R: %zu\n", k);
		r = ps_uhid_input(u, e->data, e->size);
		if (r < 0) {
			log_error_errno(r, "%s:%u: UHID_INPUT2: %m", path, e->line);
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *s = NULL;

			(void)vm_output_drain(&o[i], (unsigned)i);
			s = vm_output_take(&o[i]);
			if (!s) {
				r = log_error_errno(ENOMEM, "out of memory");
				goto out;
			}
			for (const char *p = s; (p = strchr(p, '\n')); p++)
				nevents++;
			fputs(s, out);
		}
	}
	fflush(out);
	if (rumble) {
		if (ff < 0 && !u->switch_pad) {
			r = log_error_errno(ENODEV, "%s: no event node with EV_FF", path);
			goto out;
		}
		if (outdir) {
			rout = fopen(rumble_path, "we");
			if (!rout) {
				r = log_error_errno(errno, "%s: %m", rumble_path);
				goto out;
			}
		}
		fprintf(rout, "# %s: the kernel's (%s) rumble output for each effect\n", base,
		        u->driver);
		/* a Switch pad without rumble (the NSO SNES and Genesis pads):
		 * no effects, no M: lines */
		r = ff < 0 ? 0 : ps_rumble_check(u, o[ff].fd, rout);
		if (r < 0)
			goto out;
	}
	fprintf(stderr,
	        "ps-oracle: %s: driver %s, %zu node(s), %zu report(s), %zu event line(s), "
	        "GET_REPORT %u (%u unanswered), SET_REPORT %u, OUTPUT %u, %.0f ms\n",
	        path, u->driver, n, u->rec->nevents, nevents, u->get_reports, u->get_unanswered,
	        u->set_reports, ps_uhid_noutputs(u), (double)(vm_now_us() - t0) / 1000.0);
	if (verbose)
		for (unsigned i = 0; i < ps_uhid_noutputs(u); i++) {
			uint8_t buf[PS_OUTPUT_MAX];
			size_t sz = ps_uhid_output(u, i, buf);

			fprintf(stderr, "  output %u:", i);
			for (size_t k = 0; k < sz; k++)
				fprintf(stderr, " %02x", buf[k]);
			fprintf(stderr, "\n");
		}
	r = 0;
out:
	vm_outputs_close(o, n);
	if (out != stdout && fclose(out) != 0 && r >= 0)
		r = log_error_errno(errno, "%s: %m", out_path);
	if (rout != stdout && fclose(rout) != 0 && r >= 0)
		r = log_error_errno(errno, "%s: %m", rumble_path);
	if (iout != stdout && fclose(iout) != 0 && r >= 0)
		r = log_error_errno(errno, "%s: %m", ids_path);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"outdir", required_argument, NULL, 'o'},
	    {"rumble", no_argument, NULL, 'r'},
	    {"verbose", no_argument, NULL, 'v'},
	    {},
	};
	const char *outdir = NULL;
	bool rumble = false;
	unsigned failed = 0;
	int c;

	while ((c = getopt_long(argc, argv, "o:rv", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outdir = optarg;
			break;
		case 'r':
			rumble = true;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr,
			        "Usage: ps-oracle [--outdir DIR] [--rumble] MODEL.hid...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "Usage: ps-oracle [--outdir DIR] [--rumble] MODEL.hid...\n");
		return 2;
	}
	if (access("/dev/uhid", W_OK) < 0) {
		log_error_errno(errno, "/dev/uhid: %m (run inside tests/vm/run-vm.sh)");
		return 77;
	}
	for (int i = optind; i < argc; i++)
		if (dump_one(argv[i], outdir, rumble) < 0) {
			log_error("%s: FAILED", argv[i]);
			failed++;
		}
	return failed ? 1 : 0;
}
