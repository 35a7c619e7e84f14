/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of configuration loading at the documented limits
 * (hidmapd.ini(5), LIMITS): the time, the allocations and the memory a
 * load costs.  Not a test.
 *
 *   bench-config [FILES [PROFILES]]
 *
 * Case "profiles": FILES files (default 256, the limit) of PROFILES
 * [remap] sections each (default 255: one [device] besides, 256 sections a
 * file, the limit), each section three lines; every file's [device]
 * selects one of its profiles.
 * Case "mapping": one file of 1 MiB (the limit) of [remap] sections of 1024
 * lines (the limit) of `KEY_x = KEY_y, ...` lines.
 *
 * Prints, per case, the wall time of a load (best and worst of 3), the
 * allocations of one load, the heap the loaded configuration holds
 * (mallinfo2() with it loaded minus before) and the RSS it added, and the
 * process's peak RSS (ru_maxrss).  The mapping case runs second: its RSS
 * figures include what the first case left to the allocator.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc-count.h"
#include "config.h"

#define ROUNDS 3

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* resident set size now, in KiB (/proc/self/statm) */
static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* heap in use now, in KiB */
static long heap_kib(void)
{
	return (long)(mallinfo2().uordblks / 1024);
}

static long maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void diag(void *userdata, const char *file, unsigned line, const char *message)
{
	unsigned *n = userdata;

	if ((*n)++ < 5)
		fprintf(stderr, "bench-config: %s:%u: %s\n", file, line, message);
}

static int write_profiles(const char *dir, unsigned files, unsigned profiles)
{
	for (unsigned f = 0; f < files; f++) {
		char path[512];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/f%03u.ini", dir, f);
		fp = fopen(path, "we");
		if (!fp)
			return -errno;
		fprintf(fp, "[device d%u]\nmatch = 1209:%04x\nprofile = f%u-p0\n\n", f, f, f);
		for (unsigned p = 0; p < profiles; p++)
			fprintf(
			    fp,
			    "[remap f%u-p%u]\nKEY_A = KEY_B\nKEY_C = KEY_D\nBTN_LEFT = KEY_E\n\n",
			    f, p);
		fclose(fp);
	}
	return 0;
}

static int write_mapping(const char *dir)
{
	/* triggers: pairs of distinct keys (a chord), unique in their section */
	static const char *const keys[] = {
	    "KEY_A",  "KEY_B",  "KEY_C",  "KEY_D",  "KEY_E",  "KEY_F",   "KEY_G",   "KEY_H",
	    "KEY_I",  "KEY_J",  "KEY_K",  "KEY_L",  "KEY_M",  "KEY_N",   "KEY_O",   "KEY_P",
	    "KEY_Q",  "KEY_R",  "KEY_S",  "KEY_T",  "KEY_U",  "KEY_V",   "KEY_W",   "KEY_X",
	    "KEY_Y",  "KEY_Z",  "KEY_1",  "KEY_2",  "KEY_3",  "KEY_4",   "KEY_5",   "KEY_6",
	    "KEY_7",  "KEY_8",  "KEY_9",  "KEY_0",  "KEY_F1", "KEY_F2",  "KEY_F3",  "KEY_F4",
	    "KEY_F5", "KEY_F6", "KEY_F7", "KEY_F8", "KEY_F9", "KEY_F10", "KEY_F11", "KEY_F12"};
	const unsigned nkeys = sizeof(keys) / sizeof(keys[0]);
	char path[512];
	long size = 0;
	unsigned lines = 0, section = 0, i = 0, j = 1, in_section = 1024;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/big.ini", dir);
	fp = fopen(path, "we");
	if (!fp)
		return -errno;
	size += fprintf(fp, "[device big]\nmatch = 1209:ffff\nprofile = s0\n");
	for (;;) {
		char buf[128];
		int n;

		if (in_section == 1024) {
			n = snprintf(buf, sizeof(buf), "\n[remap s%u]\n", section);
			i = 0;
			j = 1;
			in_section = 0;
		} else {
			n = snprintf(buf, sizeof(buf), "%s+%s = %s\n", keys[i], keys[j],
			             keys[(i + j + section) % nkeys]);
			if (++j == nkeys) {
				i++;
				j = i + 1;
			}
		}
		if (size + n > 1024 * 1024)
			break;
		fputs(buf, fp);
		size += n;
		if (buf[0] == '\n')
			section++;
		else
			lines++, in_section++;
	}
	fclose(fp);
	printf("mapping: one file of %ld bytes, %u mapping lines in %u [remap] sections\n", size,
	       lines, section);
	return 0;
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[1024];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int run_case(const char *name, const char *dir)
{
	const char *paths[] = {dir};
	uint64_t best = UINT64_MAX, worst = 0;
	unsigned long allocs = 0;
	long before = heap_kib(), rss_before = rss_kib(), held = 0, rss_held = 0;
	unsigned errors = 0;

	for (unsigned round = 0; round < ROUNDS; round++) {
		struct hm_config *c = NULL;
		unsigned long a0 = atomic_load(&allocations);
		uint64_t t0 = now_ns(), t;
		int r = hm_config_load(paths, 1, diag, &errors, &c);

		t = now_ns() - t0;
		if (r < 0) {
			fprintf(stderr, "bench-config: %s: load failed: %s\n", name, strerror(-r));
			return -1;
		}
		allocs = atomic_load(&allocations) - a0;
		if (round == 0) {
			held = heap_kib() - before;
			rss_held = rss_kib() - rss_before;
		}
		best = t < best ? t : best;
		worst = t > worst ? t : worst;
		hm_config_free(c);
	}
	printf("%s: load %.1f ms best, %.1f ms worst of %d; %lu allocations%s; heap held by the "
	       "loaded config %ld KiB (RSS +%ld KiB), peak RSS of the process %ld KiB\n",
	       name, (double)best / 1e6, (double)worst / 1e6, ROUNDS, allocs,
	       ALLOCATIONS_COUNTED ? "" : " (not counted)", held, rss_held, maxrss_kib());
	return 0;
}

int main(int argc, char **argv)
{
	unsigned files = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 256;
	unsigned profiles = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 255;
	char dir[] = "/tmp/bench-config-XXXXXX";
	int r = 0;

	if (!mkdtemp(dir))
		return 1;
	printf("profiles: %u files x %u [remap] sections (+1 [device] each) in %s\n", files,
	       profiles, dir);
	if (write_profiles(dir, files, profiles) < 0 || run_case("profiles", dir) < 0)
		r = 1;
	rm_dir(dir);
	if (!mkdtemp(strcpy(dir, "/tmp/bench-config-XXXXXX")))
		return 1;
	if (write_mapping(dir) < 0 || run_case("mapping", dir) < 0)
		r = 1;
	rm_dir(dir);
	return r;
}
