/* SPDX-License-Identifier: MIT */
/*
 * Memory and fd ownership helpers.
 *
 * _cleanup_(fn) runs fn(&var) when var leaves scope; steal() hands the
 * ownership on by returning the value and clearing the variable, so the
 * cleanup becomes a no-op.  All destructors used with it are NULL-safe.
 */
#pragma once

#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

#define _cleanup_(fn)  __attribute__((cleanup(fn)))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _likely_(x)    __builtin_expect(!!(x), 1)
#define _unlikely_(x)  __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define steal(ptr)                                                                                 \
	({                                                                                         \
		__typeof__(*(ptr)) _tmp = *(ptr);                                                  \
		*(ptr) = (__typeof__(*(ptr)))0;                                                    \
		_tmp;                                                                              \
	})

#define steal_fd(fdp)                                                                              \
	({                                                                                         \
		int _fd = *(fdp);                                                                  \
		*(fdp) = -1;                                                                       \
		_fd;                                                                               \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd)
{
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return -1;
}

static inline void closep(int *fd)
{
	safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

/* Define a NULL-safe pointer-to-pointer destructor for use with _cleanup_. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                    \
	static inline void func##p(type *p)                                                        \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

static inline void *zalloc(size_t size)
{
	return calloc(1, size);
}
