/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "work-pool.h"

struct hm_work_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t threads[HM_WORK_MAX_THREADS];
	unsigned max_threads, nthreads, idle;
	int nice;
	bool stop;
	int efd;
	unsigned pending;                    /* submitted, done() not run */
	struct hm_work *queue, **queue_tail; /* not started */
	struct hm_work *done, **done_tail;   /* run, done() not called */
};

static void push(struct hm_work ***tail, struct hm_work *w)
{
	w->next = NULL;
	**tail = w;
	*tail = &w->next;
}

static struct hm_work *pop(struct hm_work **head, struct hm_work ***tail)
{
	struct hm_work *w = *head;

	if (w) {
		*head = w->next;
		if (!*head)
			*tail = head;
		w->next = NULL;
	}
	return w;
}

static void finished(struct hm_work_pool *p, struct hm_work *w)
{
	uint64_t one = 1;

	push(&p->done_tail, w);
	(void)!write(p->efd, &one, sizeof(one));
}

static void *worker_main(void *arg)
{
	struct hm_work_pool *p = arg;

	/* Linux: PRIO_PROCESS of a thread id sets that thread's alone */
	if (p->nice > 0)
		(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), p->nice);

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct hm_work *w = pop(&p->queue, &p->queue_tail);

		if (!w) {
			if (p->stop)
				break;
			p->idle++;
			pthread_cond_wait(&p->wake, &p->lock);
			p->idle--;
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		w->run(w);
		pthread_mutex_lock(&p->lock);
		finished(p, w);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int hm_work_pool_new(unsigned max_threads, int nice, struct hm_work_pool **ret)
{
	struct hm_work_pool *p;

	if (max_threads == 0 || max_threads > HM_WORK_MAX_THREADS)
		return -EINVAL;
	p = zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd < 0) {
		int r = -errno;

		free(p);
		return r;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->max_threads = max_threads;
	p->nice = nice;
	p->queue_tail = &p->queue;
	p->done_tail = &p->done;
	*ret = p;
	return 0;
}

int hm_work_pool_fd(const struct hm_work_pool *p)
{
	return p->efd;
}

void hm_work_submit(struct hm_work_pool *p, struct hm_work *w)
{
	bool inline_run = false;

	w->next = NULL;
	pthread_mutex_lock(&p->lock);
	p->pending++;
	/* one idle thread per queued job, or a new one */
	unsigned queued = 0;

	for (struct hm_work *q = p->queue; q; q = q->next)
		queued++;
	if (queued + 1 > p->idle && p->nthreads < p->max_threads &&
	    pthread_create(&p->threads[p->nthreads], NULL, worker_main, p) == 0)
		p->nthreads++;
	if (p->nthreads == 0) {
		inline_run = true; /* no thread at all: better late than never */
	} else {
		push(&p->queue_tail, w);
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
	if (inline_run) {
		w->run(w);
		pthread_mutex_lock(&p->lock);
		finished(p, w);
		pthread_mutex_unlock(&p->lock);
	}
}

void hm_work_pool_dispatch(struct hm_work_pool *p)
{
	hm_work_pool_dispatch_max(p, 0);
}

void hm_work_pool_dispatch_max(struct hm_work_pool *p, unsigned max)
{
	uint64_t value;

	(void)!read(p->efd, &value, sizeof(value));
	for (unsigned n = 0;; n++) {
		struct hm_work *w;
		bool more;

		pthread_mutex_lock(&p->lock);
		w = max && n == max ? NULL : pop(&p->done, &p->done_tail);
		if (w)
			p->pending--;
		more = p->done != NULL;
		pthread_mutex_unlock(&p->lock);
		if (!w) {
			if (more) { /* the rest at the loop's next turn */
				uint64_t one = 1;

				(void)!write(p->efd, &one, sizeof(one));
			}
			return;
		}
		w->done(w); /* may submit, may free w */
	}
}

unsigned hm_work_pool_pending(const struct hm_work_pool *p)
{
	unsigned n;

	pthread_mutex_lock((pthread_mutex_t *)&p->lock);
	n = p->pending;
	pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
	return n;
}

unsigned hm_work_pool_threads(const struct hm_work_pool *p)
{
	unsigned n;

	pthread_mutex_lock((pthread_mutex_t *)&p->lock);
	n = p->nthreads;
	pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
	return n;
}

void hm_work_pool_free(struct hm_work_pool *p)
{
	if (!p)
		return;
	/* done() may queue more (a close after an open): drain until quiet */
	while (hm_work_pool_pending(p)) {
		struct hm_work *w;

		pthread_mutex_lock(&p->lock);
		w = p->nthreads ? NULL : pop(&p->queue, &p->queue_tail);
		pthread_mutex_unlock(&p->lock);
		if (w) {
			w->run(w);
			pthread_mutex_lock(&p->lock);
			finished(p, w);
			pthread_mutex_unlock(&p->lock);
		} else {
			struct pollfd pfd = {.fd = p->efd, .events = POLLIN};

			(void)poll(&pfd, 1, -1);
		}
		hm_work_pool_dispatch(p);
	}
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	safe_close(p->efd);
	free(p);
}
