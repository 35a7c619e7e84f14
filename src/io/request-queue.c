/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "event-loop.h"
#include "request-queue.h"

enum slot_state {
	SLOT_FREE,
	SLOT_QUEUED,    /* waiting for the worker */
	SLOT_RUNNING,   /* the worker is in exec() with it */
	SLOT_DONE,      /* result ready, callback not run yet */
	SLOT_ABANDONED, /* timed out while running: the worker frees it */
};

struct slot {
	enum slot_state state;
	enum hm_request_type type;
	uint64_t seq; /* submission order */
	uint64_t deadline_us;
	hm_rq_done_fn done;
	void *userdata;
	int result;
	size_t size;
	uint8_t *data;
};

struct hm_rq {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool thread_started;
	bool stop;     /* the worker leaves when it sees this */
	bool orphaned; /* freed by the loop while the worker was busy: it cleans up */
	bool closing;  /* submissions fail from now on */
	int efd;
	unsigned nslots;
	size_t slot_size;
	uint64_t timeout_us;
	uint64_t next_seq;
	hm_rq_exec_fn exec;
	void (*ctx_free)(void *ctx);
	void *ctx;
	struct hm_rq_stats stats;
	struct slot *slots;
	uint8_t *buffers;
	uint8_t *answer; /* a GET's answer, copied out for its callback (loop only) */
};

static void kick(struct hm_rq *rq)
{
	uint64_t one = 1;

	(void)!write(rq->efd, &one, sizeof(one));
}

static void destroy(struct hm_rq *rq)
{
	if (rq->ctx_free)
		rq->ctx_free(rq->ctx);
	safe_close(rq->efd);
	pthread_mutex_destroy(&rq->lock);
	pthread_cond_destroy(&rq->wake);
	free(rq->slots);
	free(rq->buffers);
	free(rq->answer);
	free(rq);
}

/* The oldest queued slot, or NULL. Called locked. */
static struct slot *next_queued(struct hm_rq *rq)
{
	struct slot *best = NULL;

	for (unsigned i = 0; i < rq->nslots; i++) {
		struct slot *s = &rq->slots[i];

		if (s->state == SLOT_QUEUED && (!best || s->seq < best->seq))
			best = s;
	}
	return best;
}

static void *worker_main(void *arg)
{
	struct hm_rq *rq = arg;
	bool orphaned;

	pthread_mutex_lock(&rq->lock);
	while (!rq->stop) {
		struct slot *s = next_queued(rq);
		int r;

		if (!s) {
			pthread_cond_wait(&rq->wake, &rq->lock);
			continue;
		}
		s->state = SLOT_RUNNING;
		pthread_mutex_unlock(&rq->lock);
		/* the slot's data is the worker's while it runs: the loop
		 * neither merges into a running slot nor frees it */
		r = rq->exec(rq->ctx, s->type, s->data, s->size, rq->slot_size);
		pthread_mutex_lock(&rq->lock);
		if (s->state == SLOT_ABANDONED) {
			s->state = SLOT_FREE;
			continue;
		}
		s->state = SLOT_DONE;
		/* a device may claim more than the room it had */
		s->result = r > 0 && (size_t)r > rq->slot_size ? (int)rq->slot_size : r;
		kick(rq);
	}
	orphaned = rq->orphaned;
	pthread_mutex_unlock(&rq->lock);
	if (orphaned)
		destroy(rq);
	return NULL;
}

int hm_rq_new(unsigned nslots, size_t slot_size, uint64_t timeout_us, hm_rq_exec_fn exec,
              void (*ctx_free)(void *ctx), void *ctx, struct hm_rq **ret)
{
	struct hm_rq *rq;
	int r;

	if (nslots == 0 || slot_size == 0 || !exec)
		return -EINVAL;
	rq = zalloc(sizeof(*rq));
	if (!rq)
		return -ENOMEM;
	pthread_mutex_init(&rq->lock, NULL);
	pthread_cond_init(&rq->wake, NULL);
	rq->nslots = nslots;
	rq->slot_size = slot_size;
	rq->timeout_us = timeout_us;
	rq->exec = exec;
	rq->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	rq->slots = calloc(nslots, sizeof(*rq->slots));
	rq->buffers = calloc(nslots, slot_size);
	rq->answer = malloc(slot_size);
	if (rq->efd < 0 || !rq->slots || !rq->buffers || !rq->answer) {
		r = rq->efd < 0 ? -errno : -ENOMEM;
		destroy(rq);
		return r;
	}
	for (unsigned i = 0; i < nslots; i++)
		rq->slots[i].data = rq->buffers + (size_t)i * slot_size;
	r = pthread_create(&rq->thread, NULL, worker_main, rq);
	if (r != 0) {
		destroy(rq);
		return -r;
	}
	rq->thread_started = true;
	/* only now does ctx belong to the queue: on failure the caller keeps it */
	rq->ctx_free = ctx_free;
	rq->ctx = ctx;
	*ret = rq;
	return 0;
}

int hm_rq_get_fd(const struct hm_rq *rq)
{
	return rq->efd;
}

int hm_rq_submit(struct hm_rq *rq, enum hm_request_type type, const uint8_t *data, size_t size,
                 hm_rq_done_fn done, void *userdata)
{
	struct slot *s = NULL;

	if (size == 0 || size > rq->slot_size)
		return -EMSGSIZE;
	pthread_mutex_lock(&rq->lock);
	if (rq->closing) {
		pthread_mutex_unlock(&rq->lock);
		return -ENODEV;
	}
	if (type == HM_REQUEST_OUTPUT && !done) {
		for (unsigned i = 0; i < rq->nslots; i++) {
			struct slot *q = &rq->slots[i];

			if (q->state == SLOT_QUEUED && q->type == HM_REQUEST_OUTPUT && !q->done &&
			    q->data[0] == data[0]) {
				s = q;
				rq->stats.merged++;
				break;
			}
		}
	}
	if (!s) {
		for (unsigned i = 0; i < rq->nslots && !s; i++)
			if (rq->slots[i].state == SLOT_FREE)
				s = &rq->slots[i];
		if (!s) {
			rq->stats.rejected++;
			pthread_mutex_unlock(&rq->lock);
			return -EAGAIN;
		}
		s->seq = rq->next_seq++;
	}
	s->type = type;
	s->done = done;
	s->userdata = userdata;
	s->result = 0;
	s->size = size;
	s->deadline_us = hm_now_usec() + rq->timeout_us;
	memcpy(s->data, data, size);
	s->state = SLOT_QUEUED;
	pthread_cond_signal(&rq->wake);
	pthread_mutex_unlock(&rq->lock);
	return 0;
}

/* Takes the callback of a slot leaving the queue.  Called locked. */
static void finish(struct hm_rq *rq, struct slot *s, int result, hm_rq_done_fn *ret_done,
                   void **ret_userdata, int *ret_result)
{
	*ret_done = s->done;
	*ret_userdata = s->userdata;
	*ret_result = result;
	s->done = NULL;
}

uint64_t hm_rq_dispatch(struct hm_rq *rq, uint64_t now_us)
{
	uint64_t value, next = 0;

	(void)!read(rq->efd, &value, sizeof(value));
	/* One slot at a time, the lock not held while its callback runs (the
	 * callback may submit); a DONE slot keeps its data until then. */
	for (;;) {
		struct slot *pick = NULL;
		hm_rq_done_fn done = NULL;
		void *userdata = NULL;
		int result = 0;

		pthread_mutex_lock(&rq->lock);
		for (unsigned i = 0; i < rq->nslots; i++) {
			struct slot *s = &rq->slots[i];
			/* an output sent and forgotten has no one to tell: it
			 * waits for the worker however long (merged, so the
			 * newest state still reaches a device that was slow) */
			bool expired = s->done && now_us >= s->deadline_us;

			if (s->state == SLOT_DONE ||
			    ((s->state == SLOT_QUEUED || s->state == SLOT_RUNNING) && expired)) {
				if (!pick || s->seq < pick->seq)
					pick = s;
			}
		}
		if (!pick) {
			for (unsigned i = 0; i < rq->nslots; i++) {
				struct slot *s = &rq->slots[i];

				if ((s->state == SLOT_QUEUED || s->state == SLOT_RUNNING) &&
				    s->done && (!next || s->deadline_us < next))
					next = s->deadline_us;
			}
			pthread_mutex_unlock(&rq->lock);
			return next;
		}
		if (pick->state == SLOT_DONE) {
			finish(rq, pick, pick->result, &done, &userdata, &result);
			rq->stats.completed++;
			/* the slot is free for the callback to submit again */
			if (result > 0)
				memcpy(rq->answer, pick->data, (size_t)result);
			pick->state = SLOT_FREE;
		} else {
			finish(rq, pick, -ETIMEDOUT, &done, &userdata, &result);
			rq->stats.timed_out++;
			pick->state = pick->state == SLOT_RUNNING ? SLOT_ABANDONED : SLOT_FREE;
		}
		pthread_mutex_unlock(&rq->lock);
		if (done)
			done(userdata, result, result > 0 ? rq->answer : NULL,
			     result > 0 ? (size_t)result : 0);
	}
}

unsigned hm_rq_pending(const struct hm_rq *rq)
{
	unsigned n = 0;

	pthread_mutex_lock((pthread_mutex_t *)&rq->lock);
	for (unsigned i = 0; i < rq->nslots; i++)
		n += rq->slots[i].state == SLOT_QUEUED || rq->slots[i].state == SLOT_RUNNING ||
		     rq->slots[i].state == SLOT_DONE;
	pthread_mutex_unlock((pthread_mutex_t *)&rq->lock);
	return n;
}

unsigned hm_rq_wait_sent(struct hm_rq *rq, uint64_t timeout_us)
{
	uint64_t until = hm_now_usec() + timeout_us;
	unsigned n;

	for (;;) {
		n = 0;
		pthread_mutex_lock(&rq->lock);
		for (unsigned i = 0; i < rq->nslots; i++)
			n +=
			    rq->slots[i].state == SLOT_QUEUED || rq->slots[i].state == SLOT_RUNNING;
		pthread_mutex_unlock(&rq->lock);
		if (n == 0 || hm_now_usec() >= until)
			return n;
		usleep(2000);
	}
}

const struct hm_rq_stats *hm_rq_get_stats(const struct hm_rq *rq)
{
	return &rq->stats;
}

void hm_rq_cancel(struct hm_rq *rq)
{
	pthread_mutex_lock(&rq->lock);
	rq->closing = true;
	pthread_mutex_unlock(&rq->lock);

	/* every callback not run yet gets -ECANCELED, oldest first */
	for (;;) {
		struct slot *pick = NULL;
		hm_rq_done_fn done;
		void *userdata;
		int result;

		pthread_mutex_lock(&rq->lock);
		for (unsigned i = 0; i < rq->nslots; i++) {
			struct slot *s = &rq->slots[i];

			if ((s->state == SLOT_QUEUED || s->state == SLOT_RUNNING ||
			     s->state == SLOT_DONE) &&
			    s->done && (!pick || s->seq < pick->seq))
				pick = s;
		}
		if (!pick) {
			pthread_mutex_unlock(&rq->lock);
			break;
		}
		finish(rq, pick, -ECANCELED, &done, &userdata, &result);
		pthread_mutex_unlock(&rq->lock);
		done(userdata, result, NULL, 0);
	}
}

void hm_rq_free_wait(struct hm_rq *rq)
{
	bool started;

	if (!rq)
		return;
	pthread_mutex_lock(&rq->lock);
	rq->closing = true;
	rq->stop = true;
	started = rq->thread_started;
	pthread_cond_signal(&rq->wake);
	pthread_mutex_unlock(&rq->lock);
	if (started)
		pthread_join(rq->thread, NULL);
	destroy(rq);
}

void hm_rq_free(struct hm_rq *rq)
{
	bool busy = false, started;
	pthread_t thread;

	if (!rq)
		return;
	hm_rq_cancel(rq);

	pthread_mutex_lock(&rq->lock);
	for (unsigned i = 0; i < rq->nslots; i++) {
		if (rq->slots[i].state == SLOT_RUNNING)
			busy = true;
		else if (rq->slots[i].state != SLOT_ABANDONED)
			rq->slots[i].state = SLOT_FREE;
		if (rq->slots[i].state == SLOT_ABANDONED)
			busy = true;
	}
	rq->stop = true;
	started = rq->thread_started;
	thread = rq->thread;
	rq->orphaned = busy && started;
	pthread_cond_signal(&rq->wake);
	pthread_mutex_unlock(&rq->lock);

	/* an orphaned rq may be gone already: only locals from here */
	if (!started) {
		destroy(rq);
	} else if (busy) {
		/* blocked in the kernel, maybe for seconds: it cleans up itself */
		pthread_detach(thread);
	} else {
		pthread_join(thread, NULL);
		destroy(rq);
	}
}
