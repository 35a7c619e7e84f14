/* SPDX-License-Identifier: MIT */
/*
 * Data test helper (issue 22): a recording through the module the daemon
 * would pick and the real spnav server (spnav-server.c, on a socket in a
 * scratch directory), heard by a protocol-1 client as libspnav 1.0 talks
 * (protocol change, default event mask), printed in spnav-client's format
 * (tests/vm/spnav-client.c): "connected protocol 1", then "motion X Y Z RX RY RZ",
 * "press N", "release N".  The expectations beside it are what Debian's
 * spacenavd sent a client linked against Debian's libspnav for the same
 * reports in the VM (tests/vm/check-spnav-oracle.sh).
 *
 *   spnav-replay RECORDING [CONFIG]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "device.h"
#include "event-loop.h"
#include "hid-recording.h"
#include "module-select.h"
#include "multiaxis.h"
#include "sink.h"
#include "spnav-proto.h"
#include "spnav-server.h"

static void on_motion(void *userdata, struct hm_device *dev, unsigned changed,
                      const int axes[HM_MULTIAXIS_AXES])
{
	hm_spnav_device_motion(userdata, changed, axes);
}

static void on_button(void *userdata, struct hm_device *dev, unsigned bnum, bool pressed)
{
	hm_spnav_device_button(userdata, bnum, pressed);
}

static void drain(struct hm_loop *loop, int fd)
{
	int32_t m[HM_SPNAV_MSG_INTS];

	for (int i = 0; i < 3; i++)
		(void)hm_loop_dispatch(loop, 0);
	while (recv(fd, m, sizeof(m), MSG_DONTWAIT | MSG_WAITALL) == (ssize_t)sizeof(m)) {
		if (m[0] == HM_SPNAV_EV_MOTION)
			printf("motion %d %d %d %d %d %d\n", m[1], m[2], m[3], m[4], m[5], m[6]);
		else if (m[0] == HM_SPNAV_EV_PRESS || m[0] == HM_SPNAV_EV_RELEASE)
			printf("%s %d\n", m[0] == HM_SPNAV_EV_PRESS ? "press" : "release", m[1]);
	}
}

int main(int argc, char **argv)
{
	struct hm_recording *rec = NULL;
	struct hm_config *config = NULL;
	const struct hm_config_device *cfg = NULL;
	struct hm_device_info info = {.interface = -1};
	struct hm_module_chain chain;
	struct hm_device_setup setup = {.chain = &chain};
	struct hm_device *dev = NULL;
	struct hm_loop *loop = NULL;
	struct hm_spnav_server *server = NULL;
	struct hm_spnav_device *sdev;
	struct hm_spnav_device_desc desc = {0};
	const struct hm_multiaxis_info *mi;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/spnav-replay.XXXXXX";
	int32_t change = HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | 1, answer;
	int fd, ret = 1;
	FILE *devnull = fopen("/dev/null", "we");

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: spnav-replay RECORDING [CONFIG]\n");
		return 2;
	}
	if (hm_recording_load(argv[1], &rec) < 0)
		return 1;
	if (argc == 3) {
		const char *paths[] = {argv[2]};

		if (hm_module_select_load_given(paths, 1, NULL, NULL, &config) < 0)
			return 1;
	}
	info.bus = rec->bus;
	info.vendor = rec->vendor;
	info.product = rec->product;
	snprintf(info.name, sizeof(info.name), "%s", rec->name);
	snprintf(info.path, sizeof(info.path), "replay");
	hm_device_info_set_usage(&info, rec->rdesc, rec->rdesc_size);
	if (!hm_module_select(config, &info, &chain, &cfg))
		return 1;
	setup.sink = hm_sink_print_new(devnull);
	setup.profile = cfg ? hm_config_profile_for(config, cfg) : NULL;
	if (hm_device_new(&info, rec->rdesc, rec->rdesc_size, &setup, &dev) < 0)
		return 1;
	mi = hm_device_get_multiaxis(dev);
	if (!mi) {
		fprintf(stderr, "spnav-replay: %s: not a six-axis device\n", argv[1]);
		return 1;
	}

	if (!mkdtemp(dir) || hm_loop_new(&loop) < 0)
		return 1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/spnav.sock", dir);
	if (hm_spnav_server_new(loop, sa.sun_path, &server) < 0)
		goto out;
	desc.type = mi->type;
	desc.nbuttons = mi->nbuttons;
	desc.vendor = info.vendor;
	desc.product = info.product;
	desc.name = mi->name;
	desc.path = "replay";
	desc.axes = (struct hm_spnav_device_axes){mi->axis_min, mi->axis_max, mi->swap_inv_yz};
	hm_config_spnav_settings(cfg ? &cfg->spnav : NULL, &desc.settings);
	sdev = hm_spnav_server_add_device(server, &desc);
	hm_device_set_multiaxis_listener(
	    dev, &(struct hm_multiaxis_listener){on_motion, on_button, sdev});

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	(void)hm_loop_dispatch(loop, 100); /* accept */
	if (write(fd, &change, sizeof(change)) != sizeof(change))
		goto out;
	(void)hm_loop_dispatch(loop, 100);
	if (read(fd, &answer, sizeof(answer)) != sizeof(answer) || answer != change)
		goto out;
	printf("connected protocol 1\n"); /* the answer said so */
	for (size_t i = 0; i < rec->nevents; i++) {
		hm_device_process_report(dev, rec->events[i].data, rec->events[i].size,
		                         rec->events[i].time_us);
		drain(loop, fd);
	}
	close(fd);
	ret = 0;
out:
	hm_device_free(dev);
	hm_sink_print_free(setup.sink);
	if (devnull)
		fclose(devnull);
	hm_spnav_server_free(server);
	hm_loop_free(loop);
	rmdir(dir);
	hm_config_free(config);
	hm_recording_free(rec);
	return ret;
}
