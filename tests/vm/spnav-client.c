/* SPDX-License-Identifier: MIT */
/*
 * Runs in the VM, for check-spnav-oracle.sh: an unmodified libspnav client,
 * linked against Debian's libspnav, as Blender or FreeCAD use it:
 * spnav_open() (which heeds SPNAV_SOCKET), then every event printed as
 *   motion X Y Z RX RY RZ        (the period is timing, not printed)
 *   press N / release N
 * with "T <µs>" (CLOCK_MONOTONIC at receipt) before each event when -t is
 * given.  Prints "connected protocol N" once spnav_open() succeeded; exits on SIGTERM
 * or after IDLE_S seconds without an event following the first one.  With
 * -t the events are written out at the end (as the feeder's times are):
 * a write to the VM's 9p share after each event would take the CPU from
 * what is measured.
 *
 *   spnav-client [-t] IDLE_S
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <spnav.h>

static volatile sig_atomic_t quit;

static void on_term(int sig)
{
	quit = 1;
}

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	int times = argc > 1 && !strcmp(argv[1], "-t");
	int idle_s = argc > 1 + times ? (int)strtol(argv[1 + times], NULL, 10) : 30;
	spnav_event ev;
	struct pollfd p;

	signal(SIGTERM, on_term);
	if (spnav_open() == -1) {
		fprintf(stderr, "spnav-client: spnav_open failed\n");
		return 1;
	}
	/* protocol 1 when the daemon answered the protocol change (spacenavd
	 * 1.x, hidmapd); the oracle compares these lines too */
	printf("connected protocol %d\n", spnav_protocol());
	fflush(stdout);
	if (times)
		(void)setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	p.fd = spnav_fd();
	p.events = POLLIN;
	while (!quit) {
		int r = poll(&p, 1, idle_s * 1000);

		if (r == 0)
			break;
		if (r < 0)
			continue;
		while (spnav_poll_event(&ev)) {
			if (times)
				printf("T %llu ", now_us());
			if (ev.type == SPNAV_EVENT_MOTION)
				printf("motion %d %d %d %d %d %d\n", ev.motion.x, ev.motion.y,
				       ev.motion.z, ev.motion.rx, ev.motion.ry, ev.motion.rz);
			else if (ev.type == SPNAV_EVENT_BUTTON)
				printf("%s %d\n", ev.button.press ? "press" : "release",
				       ev.button.bnum);
			else if (times)
				printf("other %d\n", ev.type);
		}
		if (!times)
			fflush(stdout);
	}
	spnav_close();
	return 0;
}
