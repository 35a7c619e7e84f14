/* SPDX-License-Identifier: MIT */
/*
 * What creating and removing a uinput device costs the caller, measured
 * inside the VM bed (benchmark vm-bench-uinput): N keyboards (199 keys,
 * the shape of a remapped keyboard's output) created with UI_DEV_CREATE,
 * left 200 ms for udev and evdev, then removed with UI_DEV_DESTROY and
 * close(2).  Prints each pair of times and their medians.  It is why the
 * uinput sink removes devices on a thread of its own (sink-uinput.c).
 *   bench-uinput [N]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/uinput.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	double *create, *destroy;

	if (n < 1 || n > 1000) {
		fprintf(stderr, "bench-uinput: N must be 1..1000, not \"%s\"\n", argv[1]);
		return 2;
	}
	create = calloc((size_t)n, sizeof(*create));
	destroy = calloc((size_t)n, sizeof(*destroy));
	if (!create || !destroy)
		return 1;
	for (int i = 0; i < n; i++) {
		struct uinput_setup setup = {
		    .id = {.bustype = BUS_USB, .vendor = 0x1d6b, .product = 0x0104}};
		int fd = open("/dev/uinput", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		double t0;

		if (fd < 0) {
			fprintf(stderr, "bench-uinput: /dev/uinput: %s\n", strerror(errno));
			return 77;
		}
		ioctl(fd, UI_SET_EVBIT, EV_KEY);
		for (int k = 1; k < 200; k++)
			ioctl(fd, UI_SET_KEYBIT, k);
		snprintf(setup.name, sizeof(setup.name), "bench-uinput %d", i);
		if (ioctl(fd, UI_DEV_SETUP, &setup) < 0)
			return 1;
		t0 = now_ms();
		if (ioctl(fd, UI_DEV_CREATE) < 0)
			return 1;
		create[i] = now_ms() - t0;
		usleep(200000);
		t0 = now_ms();
		ioctl(fd, UI_DEV_DESTROY);
		close(fd);
		destroy[i] = now_ms() - t0;
		printf("create %.2f ms, remove %.2f ms\n", create[i], destroy[i]);
	}
	qsort(create, (size_t)n, sizeof(*create), cmp_double);
	qsort(destroy, (size_t)n, sizeof(*destroy), cmp_double);
	printf("median of %d: create %.2f ms, remove %.2f ms (max %.2f, %.2f)\n", n, create[n / 2],
	       destroy[n / 2], create[n - 1], destroy[n - 1]);
	free(create);
	free(destroy);
	return 0;
}
