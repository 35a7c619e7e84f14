/* SPDX-License-Identifier: MIT */
/*
 * Counting allocations in the benchmarks: malloc, calloc and realloc are
 * wrapped (alloc-count.c) and counted, then handed to glibc's own.  Not
 * under a sanitizer, whose runtime owns malloc: ALLOCATIONS_COUNTED is
 * then false.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_SANITIZED 1
#endif

#ifndef BENCH_SANITIZED
#define ALLOCATIONS_COUNTED true
#else
#define ALLOCATIONS_COUNTED false
#endif

extern atomic_ulong allocations;
