/* SPDX-License-Identifier: MIT */
/*
 * Single-producer single-consumer ring of reports, signalled by an eventfd.
 *
 * The producer is a device's reader thread, the consumer the epoll loop.
 * Neither side locks; the eventfd is only written when the ring goes from
 * empty to non-empty, because the consumer always drains the ring after it
 * wakes up (see hm_ring_commit() for the ordering argument).  When the ring
 * is full, the newest report is dropped and counted: the loop is stalled
 * and fresher data will follow.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hm_ring_slot {
	uint64_t time_us; /* CLOCK_MONOTONIC when the producer read it */
	uint32_t size;
	uint8_t data[];
};

struct hm_ring;

/* nslots must be a power of two; slot_size is the largest report. */
int hm_ring_new(unsigned nslots, size_t slot_size, struct hm_ring **ret);
void hm_ring_free(struct hm_ring *ring);
/* The eventfd (EFD_CLOEXEC|EFD_NONBLOCK) the consumer polls. */
int hm_ring_get_fd(const struct hm_ring *ring);
size_t hm_ring_slot_size(const struct hm_ring *ring);

/* Producer: the slot to fill, or NULL when full. */
struct hm_ring_slot *hm_ring_reserve(struct hm_ring *ring);
/* Producer: counts a report that found the ring full and was dropped. */
void hm_ring_count_drop(struct hm_ring *ring);
/* Producer: publishes the reserved slot. */
void hm_ring_commit(struct hm_ring *ring);
/* Producer: wakes the consumer without data (e.g. the producer ended). */
void hm_ring_kick(struct hm_ring *ring);

/* Consumer: clears the eventfd. Call before draining. */
void hm_ring_ack(struct hm_ring *ring);
/* Consumer: the oldest report, or NULL when empty. */
const struct hm_ring_slot *hm_ring_peek(struct hm_ring *ring);
/* Consumer: releases the slot returned by hm_ring_peek(). */
void hm_ring_pop(struct hm_ring *ring);

uint64_t hm_ring_dropped(const struct hm_ring *ring);
