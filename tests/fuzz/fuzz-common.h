/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer targets (LLVMFuzzerTestOneInput) and the
 * corpus replayer that runs them as ordinary tests (replay-main.c).
 *
 * Framing of the inputs that carry several byte strings: each one is a
 * 2-byte little-endian length followed by that many bytes; a length past
 * the end of the input takes what is left.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util-log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_input {
	const uint8_t *data;
	size_t size;
};

/* Reads a 2-byte little-endian value; false at the end of the input. */
static inline bool fuzz_next_u16(struct fuzz_input *in, uint16_t *ret)
{
	if (in->size < 2)
		return false;
	*ret = (uint16_t)(in->data[0] | in->data[1] << 8);
	in->data += 2;
	in->size -= 2;
	return true;
}

/* The next n bytes (fewer at the end of the input). */
static inline void fuzz_take(struct fuzz_input *in, size_t n, const uint8_t **ret, size_t *ret_size)
{
	if (n > in->size)
		n = in->size;
	*ret = in->data;
	*ret_size = n;
	in->data += n;
	in->size -= n;
}

/* The next length-prefixed chunk; false at the end of the input. */
static inline bool fuzz_next_chunk(struct fuzz_input *in, const uint8_t **ret, size_t *ret_size)
{
	uint16_t n;

	if (!fuzz_next_u16(in, &n))
		return false;
	fuzz_take(in, n, ret, ret_size);
	return true;
}

/* /dev/null as a FILE, opened once; logging off (a fuzzer's input is
 * expected to be rejected, and the messages would drown its output). */
static inline FILE *fuzz_setup(void)
{
	static FILE *devnull;

	if (!devnull) {
		log_set_max_level(-1);
		devnull = fopen("/dev/null", "we");
		if (!devnull)
			abort();
	}
	return devnull;
}

/*
 * Puts data into a memfd, created once, and returns its /proc/self/fd path
 * for the parsers that take a path.  Aborts when the kernel refuses: that
 * is a broken test environment, not a finding.
 */
static inline const char *fuzz_data_to_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0)
		abort();
	for (size_t done = 0; done < size;) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return path;
}
