/* SPDX-License-Identifier: MIT */
/*
 * A fixed-bucket latency histogram: adding a sample is a few shifts and an
 * increment, never an allocation, so the daemon keeps one per device and
 * feeds it every report.  Buckets are exact below 8 µs, then four per
 * power of two (at most 25% wide) up to about 33 s; slower samples land
 * in the last bucket.  Percentiles are reported as the upper bound of the
 * bucket that holds them.
 */
#pragma once

#include <stdint.h>

#define HM_LATENCY_BUCKETS 96

struct hm_latency {
	uint64_t count;
	uint64_t max_us;
	uint64_t buckets[HM_LATENCY_BUCKETS];
};

/* Counts one sample of us microseconds. */
void hm_latency_add(struct hm_latency *h, uint64_t us);

/* The bucket a sample falls in, and the largest sample that bucket holds
 * (UINT64_MAX for the last one). */
unsigned hm_latency_bucket(uint64_t us);
uint64_t hm_latency_bucket_max(unsigned bucket);

/* The smallest bucket bound that at least permille/1000 of the samples do
 * not exceed (capped by the largest sample seen); 0 without samples. */
uint64_t hm_latency_percentile(const struct hm_latency *h, unsigned permille);
