/* SPDX-License-Identifier: MIT */
/*
 * The device core's requests to the device: output and feature reports,
 * asynchronous requests through the owner's transport (their table may
 * outlive the device), handshake exchanges matched against input reports,
 * and the hold on initialisation (hm_device_hold_init()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device-private.h"
#include "event-loop.h"
#include "util-log.h"
#include "util-mem.h"

/* An asynchronous request on its way: whose callback to run. */
#define MAX_CALLS 16
struct call {
	struct call_table *table;
	hm_request_done_fn fn; /* NULL: orphaned by an unprobe, dropped */
	void *userdata;
	bool used;
	bool init; /* made by probe or by such a request's callback */
};

/*
 * The requests out on the transport.  Apart from the core: a device freed
 * with requests still out (hm_device_new() failing after its probe asked
 * the device, an owner that frees before its transport has cancelled)
 * leaves the table behind, orphaned, until the transport completes or
 * cancels the last of them.
 */
struct call_table {
	struct hm_device_core *core; /* NULL: the device is gone */
	unsigned nused;
	struct call call[MAX_CALLS];
};

int hm_device_write(struct hm_device *dev, const uint8_t *data, size_t size)
{
	struct hm_device_core *c = core_of(dev);
	int r;

	if (c->transport.submit) {
		r = c->transport.submit(c->transport.userdata, HM_REQUEST_OUTPUT, data, size, NULL,
		                        NULL);
		return r < 0 ? r : (int)size;
	}
	if (!c->transport.write)
		return -ENOTSUP;
	return c->transport.write(c->transport.userdata, data, size);
}

static void call_done(void *ctx, int result, const uint8_t *data, size_t size)
{
	struct call *call = ctx;
	struct call_table *t = call->table;
	struct hm_device_core *c = t->core;
	hm_request_done_fn fn = call->fn;
	void *userdata = call->userdata;
	bool init = call->init, was;

	call->used = false;
	t->nused--;
	if (!c) {
		/* the device went first: nothing to tell */
		if (!t->nused)
			free(t);
		return;
	}
	was = c->in_init_done;
	if (fn) {
		/* a request made from here continues the initialisation */
		c->in_init_done = init;
		fn(&c->pub, result, data, size, userdata);
		c->in_init_done = was;
	}
	/* after the callback, so a chained request keeps it initializing */
	if (init && c->init_pending)
		c->init_pending--;
}

/* Without an asynchronous transport: the request now, through the
 * synchronous hooks. */
static int request_now(struct hm_device_core *c, enum hm_request_type type, const uint8_t *data,
                       size_t size, hm_request_done_fn done, void *userdata)
{
	_cleanup_free_ uint8_t *buf = NULL;
	bool was = c->in_init_done;
	int r = -ENOTSUP;

	switch (type) {
	case HM_REQUEST_OUTPUT:
		if (c->transport.write)
			r = c->transport.write(c->transport.userdata, data, size);
		break;
	case HM_REQUEST_SET_FEATURE:
		if (c->transport.send_feature)
			r = c->transport.send_feature(c->transport.userdata, data, size);
		break;
	case HM_REQUEST_GET_FEATURE:
		if (!c->transport.get_feature)
			break;
		/* not on the report path: probes and LED changes only */
		buf = malloc(size);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, data, size);
		r = c->transport.get_feature(c->transport.userdata, buf, size);
		break;
	case HM_REQUEST_GET_INPUT:
		break;
	}
	if (done) {
		c->in_init_done = c->probing || was;
		done(&c->pub, r, r > 0 && buf ? buf : NULL, r > 0 && buf ? (size_t)r : 0, userdata);
		c->in_init_done = was;
	}
	return 0;
}

int hm_device_request(struct hm_device *dev, enum hm_request_type type, const uint8_t *data,
                      size_t size, hm_request_done_fn done, void *userdata)
{
	struct hm_device_core *c = core_of(dev);
	bool init = c->probing || c->in_init_done;
	struct call *call = NULL;
	int r;

	if (size == 0)
		return -EINVAL;
	if (!c->transport.submit)
		return request_now(c, type, data, size, done, userdata);
	if (done) {
		for (unsigned i = 0; i < MAX_CALLS && !call; i++)
			if (!c->calls->call[i].used)
				call = &c->calls->call[i];
		if (!call)
			return -EAGAIN;
		*call = (struct call){.table = c->calls,
		                      .fn = done,
		                      .userdata = userdata,
		                      .used = true,
		                      .init = init};
		c->calls->nused++;
	}
	r = c->transport.submit(c->transport.userdata, type, data, size, done ? call_done : NULL,
	                        call);
	if (r < 0) {
		if (call) {
			call->used = false;
			c->calls->nused--;
		}
		return r;
	}
	if (call && init)
		c->init_pending++;
	return 0;
}

bool hm_device_initializing(const struct hm_device *dev)
{
	const struct hm_device_core *c = dev->core;

	return c->init_pending > 0 || (c->init_held && !c->init_failed);
}

bool hm_device_init_failed(const struct hm_device *dev)
{
	return dev->core->init_failed;
}

void hm_device_hold_init(struct hm_device *dev, uint64_t limit_us)
{
	struct hm_device_core *c = core_of(dev);

	c->init_held = true;
	c->init_failed = false;
	c->init_limit_us = limit_us ? limit_us : 5000000;
	c->init_deadline_us = hm_now_usec() + c->init_limit_us;
	device_arm_combined(c);
}

void hm_device_ready(struct hm_device *dev)
{
	struct hm_device_core *c = core_of(dev);

	if (!c->init_held || c->init_failed)
		return;
	c->init_held = false;
	c->init_deadline_us = 0;
	device_arm_combined(c);
}

/* Sends the running exchange's report, through the worker when there is one. */
static int exchange_send(struct hm_device_core *c, struct exchange *e)
{
	const struct hm_exchange *x = &e->x;

	e->sends++;
	if (c->transport.submit)
		return c->transport.submit(c->transport.userdata, x->type, x->data, x->size, NULL,
		                           NULL);
	if (x->type == HM_REQUEST_OUTPUT && c->transport.write)
		return c->transport.write(c->transport.userdata, x->data, x->size);
	if (x->type == HM_REQUEST_SET_FEATURE && c->transport.send_feature)
		return c->transport.send_feature(c->transport.userdata, x->data, x->size);
	return -ENOTSUP;
}

/* Ends the running (head) exchange: off the queue first, so done may queue more. */
static void exchange_finish(struct hm_device_core *c, int result, const uint8_t *data, size_t size)
{
	hm_request_done_fn done = c->ex[c->ex_head].x.done;
	void *userdata = c->ex[c->ex_head].x.userdata;

	c->ex_head = (c->ex_head + 1) % HM_EXCHANGE_QUEUE;
	c->ex_count--;
	c->ex_active = false;
	c->ex_deadline_us = 0;
	if (done)
		done(&c->pub, result, data, size, userdata);
}

static uint64_t exchange_timeout(const struct exchange *e)
{
	return e->x.timeout_us ? e->x.timeout_us : 100000;
}

/* Starts the next exchanges until one is waiting for its reply. */
static void exchange_pump(struct hm_device_core *c)
{
	while (c->ex_count && !c->ex_active) {
		struct exchange *e = &c->ex[c->ex_head];
		int r = exchange_send(c, e);

		if (r < 0) {
			exchange_finish(c, r, NULL, 0);
			continue;
		}
		c->ex_active = true;
		c->ex_deadline_us = hm_now_usec() + exchange_timeout(e);
	}
	device_arm_combined(c);
}

static bool exchange_matches(const struct hm_exchange *x, const uint8_t *data, size_t size)
{
	if (x->match_fn)
		return x->match_fn(data, size, x->userdata);
	if (size < x->match_size)
		return false;
	for (size_t i = 0; i < x->match_size; i++)
		if ((data[i] & x->mask[i]) != x->match[i])
			return false;
	return true;
}

int hm_device_exchange(struct hm_device *dev, const struct hm_exchange *x)
{
	struct hm_device_core *c = core_of(dev);
	struct exchange *e;

	if (x->size == 0 || x->size > HM_EXCHANGE_DATA_MAX || x->match_size > HM_EXCHANGE_MATCH_MAX)
		return -EINVAL;
	if (x->type != HM_REQUEST_OUTPUT && x->type != HM_REQUEST_SET_FEATURE)
		return -EINVAL;
	if (c->ex_count == HM_EXCHANGE_QUEUE)
		return -ENOBUFS;
	e = &c->ex[(c->ex_head + c->ex_count) % HM_EXCHANGE_QUEUE];
	*e = (struct exchange){.x = *x};
	c->ex_count++;
	exchange_pump(c);
	return 0;
}

/* The queue goes with the module: nothing runs for it afterwards. */
static void exchange_drop(struct hm_device_core *c)
{
	c->ex_head = c->ex_count = 0;
	c->ex_active = false;
	c->ex_deadline_us = 0;
	c->init_held = c->init_failed = false;
	c->init_deadline_us = 0;
}

/* A reply the running exchange waits for: consumed, returns true. */
bool device_exchange_offer(struct hm_device_core *c, const uint8_t *data, size_t size)
{
	if (!c->ex_active || !exchange_matches(&c->ex[c->ex_head].x, data, size))
		return false;
	exchange_finish(c, (int)size, data, size);
	exchange_pump(c);
	return true;
}

/* The running exchange's reply is late: again, or -ETIMEDOUT. */
void device_exchange_timer(struct hm_device_core *c)
{
	struct exchange *e = &c->ex[c->ex_head];
	int r;

	c->ex_deadline_us = 0;
	if (e->sends > e->x.retries) {
		exchange_finish(c, -ETIMEDOUT, NULL, 0);
	} else {
		r = exchange_send(c, e);
		if (r < 0)
			exchange_finish(c, r, NULL, 0);
		else
			c->ex_deadline_us = hm_now_usec() + exchange_timeout(e);
	}
	exchange_pump(c);
}

void device_init_timer(struct hm_device_core *c)
{
	c->init_deadline_us = 0;
	c->init_failed = true;
	log_error("%s: failed to initialise: module %s not ready after %llu ms", c->pub.info.path,
	          c->pub.module ? c->pub.module->name : "(none)",
	          (unsigned long long)(c->init_limit_us / 1000));
}

int hm_device_send_feature(struct hm_device *dev, const uint8_t *data, size_t size)
{
	struct hm_device_core *c = core_of(dev);

	if (!c->transport.send_feature)
		return -ENOTSUP;
	return c->transport.send_feature(c->transport.userdata, data, size);
}

int hm_device_get_feature(struct hm_device *dev, uint8_t *data, size_t size)
{
	struct hm_device_core *c = core_of(dev);

	if (!c->transport.get_feature)
		return -ENOTSUP;
	return c->transport.get_feature(c->transport.userdata, data, size);
}

int device_requests_new(struct hm_device_core *c)
{
	c->calls = zalloc(sizeof(*c->calls));
	if (!c->calls)
		return -ENOMEM;
	c->calls->core = c;
	return 0;
}

void device_requests_free(struct hm_device_core *c)
{
	/* requests still out: their table waits for the transport's answers */
	if (c->calls->nused)
		c->calls->core = NULL;
	else
		free(c->calls);
}

void device_requests_forget(struct hm_device_core *c)
{
	for (unsigned i = 0; i < MAX_CALLS; i++)
		c->calls->call[i].fn = NULL;
	exchange_drop(c);
}
