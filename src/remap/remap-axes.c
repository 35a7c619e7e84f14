/* SPDX-License-Identifier: MIT */
/*
 * Axes and pointer motion: relative axes scaled onto others or stepped
 * into taps, absolute axes shaped (deadzones, curve, invert) onto another
 * axis or a stick's pointer motion, threshold zones that act as keys, and
 * the motion timer that moves the pointer for deflected sticks and mouse
 * keys.  What an axis activates goes through the key path's actions
 * (remap.c), so a zone or a step is a key press to layers, tap-hold and
 * one-shot alike.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "remap-private.h"

/* ---- pointer motion ---------------------------------------------------------- */

static bool anything_moving(const struct hm_remap *r)
{
	if (r->nmove_keys)
		return true;
	for (unsigned i = 0; i < r->nsticks; i++)
		if (r->maps[r->sticks[i]].defl != 0.0)
			return true;
	return false;
}

/* Starts or stops the motion timer: it only runs while something moves. */
void remap_update_motion(struct hm_remap *r, uint64_t now)
{
	bool moving = anything_moving(r);

	if (moving && !r->moving) {
		r->last_tick = now;
		r->motion_deadline = now + 1000000 / r->set->rate_hz;
	}
	if (!moving) {
		for (unsigned c = 0; c < REL_CNT_; c++)
			r->move_rem[c] = 0.0;
		for (unsigned i = 0; i < r->nsticks; i++)
			r->maps[r->sticks[i]].rem = 0.0;
	}
	r->moving = moving;
}

/* Emits v (with the fraction carried in *rem) as relative motion. */
static void emit_motion(struct hm_remap *r, unsigned src, unsigned code, double v, double *rem)
{
	double total = v + *rem;
	double whole = trunc(total);

	*rem = total - whole;
	if (whole != 0.0)
		emit(r, route(r, src, EV_REL, code), EV_REL, code,
		     whole > INT32_MAX   ? INT32_MAX
		     : whole < INT32_MIN ? INT32_MIN
		                         : (int)whole);
}

/* A trackpad's glide after the finger lifted: the speed decays
 * exponentially with the inertia's time constant and stops below 1% of
 * the pad's speed (so it ends, at zero, in a few time constants). */
static void glide_decay(struct rmap *m, double dt, bool *stopped)
{
	const struct hm_config_opts *o = &m->cfg->opts;

	if (m->touching)
		return;
	m->defl *= o->inertia_s > 0.0 ? exp(-dt / o->inertia_s) : 0.0;
	if (fabs(m->defl) < m->vel) {
		m->defl = 0.0;
		*stopped = true;
	}
}

/* A trackpad's motion: as emit_motion(), and on a high-resolution wheel
 * the classic wheel too, one step per 120 units (what the kernel's
 * high-resolution mice send, so that clients reading only REL_WHEEL
 * scroll as well); m->acc keeps the units towards the next step. */
static void emit_pad_motion(struct hm_remap *r, struct rmap *m, unsigned code, double v,
                            double *rem)
{
	double before = *rem;
	unsigned low = code == REL_WHEEL_HI_RES    ? REL_WHEEL
	               : code == REL_HWHEEL_HI_RES ? REL_HWHEEL
	                                           : REL_CNT_;
	int64_t whole;

	emit_motion(r, m->src, code, v, rem);
	if (low == REL_CNT_)
		return;
	whole = (int64_t)trunc(v + before);
	if ((m->acc > 0 && whole < 0) || (m->acc < 0 && whole > 0))
		m->acc = 0; /* a change of direction starts counting afresh */
	m->acc += whole;
	if (m->acc >= 120 || m->acc <= -120) {
		emit(r, route(r, m->src, EV_REL, low), EV_REL, low, (int)(m->acc / 120));
		m->acc %= 120;
	}
}

void remap_motion_tick(struct hm_remap *r, uint64_t now)
{
	uint64_t period = 1000000 / r->set->rate_hz;
	bool stopped = false;
	/* a late wakeup moves for the time that passed, up to four periods */
	double dt = (double)(now - r->last_tick);

	if (dt > 4.0 * (double)period)
		dt = 4.0 * (double)period;
	dt /= 1e6;
	r->last_tick = now;

	if (r->nmove_keys) {
		const struct hm_config_settings *s = r->set;
		double f = s->mouse_accel_us
		               ? (double)(now - r->move_start) / (double)s->mouse_accel_us
		               : 1.0;
		double speed =
		    s->mouse_speed + (s->mouse_max_speed - s->mouse_speed) * (f > 1 ? 1 : f);

		for (unsigned c = 0; c < REL_CNT_; c++) {
			double sp = speed;

			if (!r->move_dir[c])
				continue;
			/* wheels move in detents: the scroll speed, not the pointer's */
			if (c == REL_WHEEL || c == REL_HWHEEL)
				sp = s->scroll_speed;
			emit_motion(r, r->move_src[c], c, r->move_dir[c] * sp * dt,
			            &r->move_rem[c]);
		}
	}
	for (unsigned i = 0; i < r->nsticks; i++) {
		struct rmap *m = &r->maps[r->sticks[i]];

		if (m->defl != 0.0 && m->cfg->opts.trackpad) {
			emit_pad_motion(r, m, r->acts[m->act].cfg->code, m->defl * dt, &m->rem);
			glide_decay(m, dt, &stopped);
		} else if (m->defl != 0.0) {
			emit_motion(r, m->src, r->acts[m->act].cfg->code, m->defl * dt, &m->rem);
		}
	}
	sync_all(r);
	r->motion_deadline = now + period;
	if (stopped)
		remap_update_motion(r, now);
}

void remap_move_press(struct hm_remap *r, const struct ract *a, unsigned src, uint64_t now)
{
	unsigned c = a->cfg->code;

	if (r->nmove_keys++ == 0)
		r->move_start = now;
	r->move_dir[c] = (int16_t)(r->move_dir[c] + a->cfg->dir);
	r->move_src[c] = (uint8_t)src;
	remap_update_motion(r, now);
}

void remap_move_release(struct hm_remap *r, const struct ract *a, uint64_t now)
{
	unsigned c = a->cfg->code;

	if (!r->nmove_keys)
		return;
	r->nmove_keys--;
	r->move_dir[c] = (int16_t)(r->move_dir[c] - a->cfg->dir);
	remap_update_motion(r, now);
}

/* ---- axes ------------------------------------------------------------------ */

void remap_rel_event(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now)
{
	uint16_t slot = lookup_rel_axis(r, code);
	uint16_t pos = lookup_rel_step(r, code, 0), neg = lookup_rel_step(r, code, 1);

	if (slot != NONE) {
		struct rmap *m = &r->maps[slot];
		const struct hm_config_opts *o = &m->cfg->opts;
		int64_t out;

		if (r->acts[m->act].kind != HM_ACT_REL)
			return; /* disabled */
		/* scale by num/den, carrying what does not make a whole unit */
		/* in 64 bits: -INT32_MIN does not fit an int */
		m->acc += (o->invert ? -(int64_t)value : (int64_t)value) * o->scale_num;
		out = m->acc / o->scale_den;
		m->acc -= out * o->scale_den;
		if (out)
			emit(r, route(r, src, EV_REL, r->acts[m->act].cfg->code), EV_REL,
			     r->acts[m->act].cfg->code,
			     out > INT32_MAX   ? INT32_MAX
			     : out < INT32_MIN ? INT32_MIN
			                       : (int)out);
		return;
	}
	if (pos != NONE || neg != NONE) {
		uint16_t map = value > 0 ? pos : neg;
		int64_t per, taps;

		/* a change of direction starts counting afresh */
		if ((value > 0) != (r->rel_acc[code] > 0))
			r->rel_acc[code] = 0;
		if (map == NONE)
			return;
		per = r->maps[map].cfg->opts.per;
		if (!per)
			per = (code == REL_WHEEL_HI_RES || code == REL_HWHEEL_HI_RES) ? 120 : 1;
		r->rel_acc[code] += value;
		/* |acc| < per + 2^31: no overflow, and never INT64_MIN */
		taps = llabs(r->rel_acc[code]) / per;
		r->rel_acc[code] %= per;
		if (taps > MAX_TAPS)
			taps = MAX_TAPS;
		for (int64_t i = 0; i < taps; i++)
			remap_step_tap(r, r->maps[map].act, src, r->maps[map].layer, now);
		return;
	}
	if (!r->rel_consumed[code])
		pass(r, src, EV_REL, code, value);
}

/* The value as a deflection: [-1, 1] around the center, or [0, 1] from the minimum. */
static double normalize(const struct rmap *m, int value)
{
	const struct hm_config_opts *o = &m->cfg->opts;
	double n;

	if (m->hi <= m->lo)
		return 0.0;
	if (o->center_min)
		n = ((double)value - m->lo) / (m->hi - m->lo);
	else
		n = ((double)value - (m->lo + m->hi) / 2.0) / ((m->hi - m->lo) / 2.0);
	if (n > 1.0)
		n = 1.0;
	if (n < (o->center_min ? 0.0 : -1.0))
		n = o->center_min ? 0.0 : -1.0;
	return n;
}

/* invert, inner and outer deadzone, response curve */
static double shape(const struct rmap *m, double n)
{
	const struct hm_config_opts *o = &m->cfg->opts;
	double a, span = 1.0 - o->deadzone - o->outer_deadzone;

	if (o->invert)
		n = o->center_min ? 1.0 - n : -n;
	a = fabs(n);
	if (a <= o->deadzone)
		return 0.0;
	a = span > 0.0 ? (a - o->deadzone) / span : 1.0;
	if (a > 1.0)
		a = 1.0;
	if (o->curve != 1.0)
		a = pow(a, o->curve);
	return n < 0 ? -a : a;
}

static void zone_event(struct hm_remap *r, struct rmap *m, unsigned src, int value, uint64_t now,
                       bool effective)
{
	const struct hm_config_map *c = m->cfg;
	bool on = m->active;

	if (effective) {
		if (c->trigger == HM_TRIG_ABS_RANGE) {
			int h = c->opts.hysteresis_units;

			if (!on)
				on = value >= c->range_min && value <= c->range_max;
			else
				on = value >= (int64_t)c->range_min - h &&
				     value <= (int64_t)c->range_max + h;
		} else {
			double n = normalize(m, value);
			double t = c->opts.threshold, h = c->opts.hysteresis;

			if (c->trigger == HM_TRIG_ABS_NEG)
				n = -n;
			on = on ? n > t - h : n >= t;
		}
	} else {
		on = false; /* its layer is not the one in effect: let go */
	}
	if (on == m->active)
		return;
	m->active = on;
	if (on) {
		m->src = (uint8_t)src;
		remap_activate(r, m->act, src, m->layer, now);
	} else {
		remap_action_release(r, m->act, m->src, now);
	}
}

/* Output units for a slide across half the pad (`speed=`, else a default
 * by target: half the stick speed for the pointer, the scroll speed in
 * detents for a wheel, 120 to a detent for a high-resolution wheel). */
static double trackpad_speed(const struct hm_remap *r, unsigned code,
                             const struct hm_config_opts *o)
{
	if (o->speed)
		return o->speed;
	switch (code) {
	case REL_WHEEL:
	case REL_HWHEEL:
		return r->set->scroll_speed;
	case REL_WHEEL_HI_RES:
	case REL_HWHEEL_HI_RES:
		return r->set->scroll_speed * 120.0;
	default:
		return r->set->stick_speed / 2.0;
	}
}

/*
 * `trackpad`: the axis is a touch pad's position.  A finger that lands
 * starts a touch where it is; each change of position while it stays moves
 * by the change (speed units for half the pad); the pad reading 0, which
 * is what hid-steam reports for an untouched pad, ends the touch.  With
 * `inertia=MS` a finger that lifts while moving lets the motion glide on
 * at its last speed, decaying with that time constant (the motion timer
 * carries it, glide_decay() ends it); a new touch stops it.
 */
static void trackpad_event(struct hm_remap *r, struct rmap *m, const struct ract *a, unsigned src,
                           int value, uint64_t now)
{
	const struct hm_config_opts *o = &m->cfg->opts;
	double speed = trackpad_speed(r, a->cfg->code, o) * o->scale, n, d, dt;

	m->src = (uint8_t)src;
	if (value == 0) {
		/* lifted: glide on only if it moved within the last 50 ms */
		bool recent = now - m->last_t <= 50000;

		m->touching = false;
		m->defl = o->inertia_s > 0.0 && recent ? m->vel : 0.0;
		m->vel = fabs(speed) * 0.01; /* where the glide stops */
		remap_update_motion(r, now);
		return;
	}
	n = normalize(m, value);
	if (o->invert)
		n = -n;
	if (!m->touching) {
		m->touching = true;
		m->last_n = n;
		m->last_t = now;
		m->vel = 0.0;
		m->tp_rem = 0.0;
		if (m->defl != 0.0) {
			m->defl = 0.0; /* a touch stops the glide */
			remap_update_motion(r, now);
		}
		return;
	}
	d = (n - m->last_n) * speed;
	emit_pad_motion(r, m, a->cfg->code, d, &m->tp_rem);
	dt = (double)(now - m->last_t) / 1e6;
	if (dt > 0.0)
		m->vel = dt >= 0.1 ? d / dt : 0.5 * m->vel + 0.5 * (d / dt);
	m->last_n = n;
	m->last_t = now;
}

void remap_abs_event(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now)
{
	uint16_t slot;
	unsigned zl = 0;

	if (r->sensor_out[src]) {
		/* a motion sensor's reading: ABS_X = REL_X means the stick */
		pass(r, src, EV_ABS, code, value);
		return;
	}
	slot = lookup_abs_axis(r, code);

	if (r->zone_start[code] != r->zone_start[code + 1]) {
		uint32_t best = 0;

		/* the zones of the latest active layer that has zones on this axis */
		for (unsigned i = r->zone_start[code]; i < r->zone_start[code + 1]; i++) {
			unsigned l = r->maps[r->zones[i]].layer;

			uint32_t p = l ? layer_prio(r, l) : 0;

			if (p && p >= best) {
				best = p;
				zl = l;
			}
		}
		for (unsigned i = r->zone_start[code]; i < r->zone_start[code + 1]; i++) {
			struct rmap *m = &r->maps[r->zones[i]];

			zone_event(r, m, src, value, now, m->layer == zl);
		}
	}
	if (slot != NONE) {
		struct rmap *m = &r->maps[slot];
		const struct ract *a = &r->acts[m->act];
		const struct hm_config_opts *o = &m->cfg->opts;
		double n = shape(m, normalize(m, value)) * o->scale;

		if (a->kind == HM_ACT_ABS) {
			double out;
			int v;

			if (n > 1.0)
				n = 1.0;
			if (n < -1.0)
				n = -1.0;
			/* in double: thi - tlo overflows an int on a full 32-bit range */
			if (o->center_min)
				out = m->tlo + (n < 0 ? 0 : n) * ((double)m->thi - m->tlo);
			else
				out = ((double)m->tlo + m->thi) / 2.0 +
				      n * ((double)m->thi - m->tlo) / 2.0;
			out = round(out) + o->offset;
			v = out < m->tlo ? m->tlo : out > m->thi ? m->thi : (int)out;
			emit(r, src, EV_ABS, a->cfg->code, v);
		} else if (a->kind == HM_ACT_REL && o->trackpad) {
			trackpad_event(r, m, a, src, value, now);
		} else if (a->kind == HM_ACT_REL) {
			double speed = o->speed ? o->speed
			               : (a->cfg->code == REL_WHEEL || a->cfg->code == REL_HWHEEL)
			                   ? r->set->scroll_speed
			                   : r->set->stick_speed;

			m->defl = n * speed;
			m->src = (uint8_t)src;
			remap_update_motion(r, now);
		}
		return;
	}
	if (r->zone_start[code] == r->zone_start[code + 1] && !r->abs_consumed[code])
		pass(r, src, EV_ABS, code, value);
}
