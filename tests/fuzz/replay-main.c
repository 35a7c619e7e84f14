/* SPDX-License-Identifier: MIT */
/*
 * A main() for a fuzz target that runs LLVMFuzzerTestOneInput on every
 * file of the given directories (and on the given files), so that the
 * checked-in corpus is a regression test under any compiler.
 * Exits 1 when nothing was replayed: a corpus that went missing must not
 * pass silently.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-common.h"

#define MAX_INPUT_BYTES (16u * 1024 * 1024)

static int replay_file(const char *path)
{
	uint8_t *buf;
	size_t size = 0;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_INPUT_BYTES) {
		fprintf(stderr, "%s: cannot read: %s\n", path,
		        fd < 0 ? strerror(errno) : "not a regular file of at most 16 MiB");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* an exact-size heap buffer, so that ASan sees reads past the input */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return -1;
	}
	while (size < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + size, (size_t)st.st_size - size);

		if (n <= 0)
			break;
		size += (size_t)n;
	}
	close(fd);
	LLVMFuzzerTestOneInput(buf, size);
	free(buf);
	return 0;
}

static int replay_dir(const char *dir, unsigned *count)
{
	struct dirent **entries;
	int n = scandir(dir, &entries, NULL, alphasort);
	int r = 0;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (entries[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, entries[i]->d_name);
			if (replay_file(path) < 0)
				r = -1;
			else
				(*count)++;
		}
		free(entries[i]);
	}
	free(entries);
	return r;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int r = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) < 0)
				r = 1;
		} else if (replay_file(argv[i]) < 0) {
			r = 1;
		} else {
			count++;
		}
	}
	printf("%u inputs replayed\n", count);
	if (count == 0) {
		fprintf(stderr, "no input found\n");
		return 1;
	}
	return r;
}
