/* SPDX-License-Identifier: MIT */
#include "latency.h"

#define LINEAR 8u /* exact buckets 0..7 µs */

unsigned hm_latency_bucket(uint64_t us)
{
	unsigned e, sub, b;

	if (us < LINEAR)
		return (unsigned)us;
	e = 63u - (unsigned)__builtin_clzll(us); /* >= 3 */
	sub = (unsigned)(us >> (e - 2)) & 3u;
	b = LINEAR + (e - 3) * 4 + sub;
	return b < HM_LATENCY_BUCKETS ? b : HM_LATENCY_BUCKETS - 1;
}

uint64_t hm_latency_bucket_max(unsigned bucket)
{
	unsigned e, sub;

	if (bucket < LINEAR)
		return bucket;
	if (bucket >= HM_LATENCY_BUCKETS - 1)
		return UINT64_MAX;
	e = 3 + (bucket - LINEAR) / 4;
	sub = (bucket - LINEAR) % 4;
	return ((uint64_t)(4 + sub + 1) << (e - 2)) - 1;
}

void hm_latency_add(struct hm_latency *h, uint64_t us)
{
	h->buckets[hm_latency_bucket(us)]++;
	h->count++;
	if (us > h->max_us)
		h->max_us = us;
}

uint64_t hm_latency_percentile(const struct hm_latency *h, unsigned permille)
{
	uint64_t want, seen = 0;

	if (!h->count)
		return 0;
	/* the rank of the sample, rounded up: p99 of 10 samples is the 10th */
	want = (h->count * permille + 999) / 1000;
	if (want == 0)
		want = 1;
	for (unsigned b = 0; b < HM_LATENCY_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= want) {
			uint64_t bound = hm_latency_bucket_max(b);

			return bound < h->max_us ? bound : h->max_us;
		}
	}
	return h->max_us;
}
