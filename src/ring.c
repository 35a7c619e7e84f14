/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring.h"
#include "util-mem.h"

struct hm_ring {
	/* producer and consumer indices on their own cache lines */
	_Alignas(64) atomic_uint_fast64_t head; /* next slot the producer fills */
	_Alignas(64) atomic_uint_fast64_t tail; /* next slot the consumer reads */
	_Alignas(64) atomic_uint_fast64_t dropped;
	int efd;
	unsigned mask;
	size_t slot_size; /* bytes of data per slot */
	size_t stride;    /* bytes per slot including the header */
	uint8_t *slots;
};

int hm_ring_new(unsigned nslots, size_t slot_size, struct hm_ring **ret)
{
	struct hm_ring *ring;

	if (nslots == 0 || (nslots & (nslots - 1)) || slot_size == 0)
		return -EINVAL;
	ring = aligned_alloc(64, sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	atomic_init(&ring->head, 0);
	atomic_init(&ring->tail, 0);
	atomic_init(&ring->dropped, 0);
	ring->mask = nslots - 1;
	ring->slot_size = slot_size;
	ring->stride = (sizeof(struct hm_ring_slot) + slot_size + 7) & ~(size_t)7;
	ring->slots = calloc(nslots, ring->stride);
	ring->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!ring->slots || ring->efd < 0) {
		int r = ring->efd < 0 ? -errno : -ENOMEM;
		hm_ring_free(ring);
		return r;
	}
	*ret = ring;
	return 0;
}

void hm_ring_free(struct hm_ring *ring)
{
	if (!ring)
		return;
	safe_close(ring->efd);
	free(ring->slots);
	free(ring);
}

int hm_ring_get_fd(const struct hm_ring *ring)
{
	return ring->efd;
}

size_t hm_ring_slot_size(const struct hm_ring *ring)
{
	return ring->slot_size;
}

static struct hm_ring_slot *slot_at(struct hm_ring *ring, uint64_t index)
{
	return (struct hm_ring_slot *)(ring->slots + (index & ring->mask) * ring->stride);
}

struct hm_ring_slot *hm_ring_reserve(struct hm_ring *ring)
{
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);

	if (head - tail > ring->mask)
		return NULL;
	return slot_at(ring, head);
}

void hm_ring_count_drop(struct hm_ring *ring)
{
	atomic_fetch_add_explicit(&ring->dropped, 1, memory_order_relaxed);
}

static void signal_consumer(struct hm_ring *ring)
{
	uint64_t one = 1;
	ssize_t w;

	do {
		w = write(ring->efd, &one, sizeof(one));
	} while (w < 0 && errno == EINTR);
	/* EAGAIN means the counter is saturated: the consumer is woken anyway */
}

void hm_ring_commit(struct hm_ring *ring)
{
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
	uint64_t tail;

	/*
	 * Publish, then look at the consumer.  Both are seq_cst so that the
	 * store cannot be ordered after the load: if we see tail < head, the
	 * consumer has not yet taken slot head-1, and after taking it will
	 * load head again and find this slot too.  Only when the ring was
	 * empty may the consumer be asleep, so only then is it woken.
	 */
	atomic_store_explicit(&ring->head, head + 1, memory_order_seq_cst);
	tail = atomic_load_explicit(&ring->tail, memory_order_seq_cst);
	if (tail == head)
		signal_consumer(ring);
}

void hm_ring_kick(struct hm_ring *ring)
{
	signal_consumer(ring);
}

void hm_ring_ack(struct hm_ring *ring)
{
	uint64_t v;

	(void)!read(ring->efd, &v, sizeof(v));
}

const struct hm_ring_slot *hm_ring_peek(struct hm_ring *ring)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_seq_cst);

	if (tail == head)
		return NULL;
	return slot_at(ring, tail);
}

void hm_ring_pop(struct hm_ring *ring)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);

	atomic_store_explicit(&ring->tail, tail + 1, memory_order_seq_cst);
}

uint64_t hm_ring_dropped(const struct hm_ring *ring)
{
	return atomic_load_explicit(&((struct hm_ring *)ring)->dropped, memory_order_relaxed);
}
