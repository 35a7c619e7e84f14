/* SPDX-License-Identifier: MIT */
/*
 * The gyro mouse: `GYRO = gyro-mouse, ...` turns the gyroscope of a
 * motion-sensor output (input-motion.h: hid-playstation's "... Motion
 * Sensors" node) into pointer motion on the remapper's pointer output.
 *
 * Per sample (one report of the motion output, ended by hm_remap_frame()):
 *   rate (°/s)  = value / the axis's declared resolution (absinfo), so any
 *                 module's motion node works, not only 1024 units per °/s;
 *   dt          = the advance of MSC_TIMESTAMP (µs, wrapping at 2^32), or
 *                 of the report time when the node sends none;
 *   horizontal  = yaw (ABS_RY), roll (ABS_RZ) or both; vertical = pitch
 *                 (ABS_RX).  The axes and their signs are SDL's and the
 *                 kernel's for these pads (include/SDL3/SDL_sensor.h: pitch
 *                 positive nose up, yaw and roll positive right to left),
 *                 so turning right or tipping the front down moves the
 *                 pointer right or down: REL_X = -horizontal, REL_Y = -pitch;
 *   deadzone    = rates whose magnitude is below it count as 0;
 *   smoothing   = JoyShockMapper's soft tiered smoothing (GyroWiki,
 *                 "Smoothing"): below half the threshold the rate is
 *                 averaged over the window, above the threshold it is used
 *                 as is, in between blended linearly; the window is a time
 *                 window over samples, zeros before the first;
 *   pixels      = rate * dt * sensitivity (pixels per degree), the
 *                 fraction carried to the next sample.
 * All state is in struct gyro_state (fixed arrays): nothing allocates, and
 * a sample costs a few multiplications and, with smoothing, amortised O(1)
 * window updates.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "output-limits.h"
#include "remap-private.h"
#include "remap.h"
#include "util-strings.h"

/* A longer gap between samples (Bluetooth lost them) restarts the time
 * reference rather than stretch one sample over it. */
#define GYRO_MAX_DT_US 100000

bool remap_gyro_output(struct libevdev *caps)
{
	if (!libevdev_has_property(caps, INPUT_PROP_ACCELEROMETER))
		return false;
	for (unsigned code = ABS_RX; code <= ABS_RZ; code++) {
		const struct input_absinfo *ai;

		if (!libevdev_has_event_code(caps, EV_ABS, code))
			return false;
		ai = libevdev_get_abs_info(caps, code);
		if (!ai || ai->resolution <= 0)
			return false;
	}
	return true;
}

void remap_gyro_plan(struct hm_remap *r)
{
	struct gyro_state *g = &r->gyro;

	g->src = -1;
	if (!g->nmaps)
		return;
	/* the first motion output: a module has one per pad */
	for (unsigned n = 0; n < r->nbase; n++) {
		if (!remap_gyro_output(r->base_caps[n]))
			continue;
		g->src = (int)n;
		for (unsigned i = 0; i < 3; i++)
			g->dps_per_unit[i] =
			    1.0 / libevdev_get_abs_info(r->base_caps[n], ABS_RX + i)->resolution;
		break;
	}
	remap_gyro_reset(r);
}

void remap_gyro_reset(struct hm_remap *r)
{
	struct gyro_state *g = &r->gyro;

	g->fresh = g->ts_fresh = false;
	g->have_prev = false;
	g->on = false;
	g->rem_x = g->rem_y = 0.0;
	g->head = g->count = 0;
	g->sum_x = g->sum_y = g->sum_dt = 0.0;
	for (unsigned i = 0; i < g->nmaps; i++) {
		r->maps[g->maps[i]].active = false;
		r->maps[g->maps[i]].toggled = false;
	}
}

void remap_gyro_key(struct hm_remap *r, unsigned code, int value)
{
	struct gyro_state *g = &r->gyro;

	if (value == 2)
		return; /* autorepeat */
	for (unsigned i = 0; i < g->nmaps; i++) {
		struct rmap *m = &r->maps[g->maps[i]];
		const struct hm_config_gyro *c = &m->cfg->opts.gyro;

		if (c->hold == code)
			m->active = value != 0;
		if (c->toggle == code) {
			/* a press flips it; a module repeating the pressed state does not */
			if (value && !m->toggle_down)
				m->toggled = !m->toggled;
			m->toggle_down = value != 0;
		}
	}
}

/* Whether the map moves the pointer now: on while hold= is down (always
 * without hold=), and each press of toggle= inverts that. */
static bool gyro_on(const struct hm_remap *r, uint16_t map)
{
	const struct rmap *m;
	bool on;

	if (map == NONE || r->acts[r->maps[map].act].kind != HM_ACT_GYRO_MOUSE)
		return false;
	m = &r->maps[map];
	on = m->cfg->opts.gyro.hold ? m->active : true;
	return on != m->toggled;
}

static void smooth_clear(struct gyro_state *g)
{
	g->head = g->count = 0;
	g->sum_x = g->sum_y = g->sum_dt = 0.0;
}

/* Adds a sample (rates x, y over dt seconds) to the window and returns the
 * window's mean rate; the time the window has no samples for counts as 0. */
static void smooth(struct gyro_state *g, double window, double dt, double *x, double *y)
{
	unsigned tail;

	if (g->count == GYRO_RING) {
		/* full: the oldest goes, the window is shorter */
		tail = (g->head + GYRO_RING - g->count) % GYRO_RING;
		g->sum_x -= g->ring_x[tail];
		g->sum_y -= g->ring_y[tail];
		g->sum_dt -= g->ring_dt[tail];
		g->count--;
	}
	g->ring_x[g->head] = *x * dt;
	g->ring_y[g->head] = *y * dt;
	g->ring_dt[g->head] = dt;
	g->sum_x += *x * dt;
	g->sum_y += *y * dt;
	g->sum_dt += dt;
	g->head = (g->head + 1) % GYRO_RING;
	g->count++;
	/* the oldest samples go while the rest still cover the window */
	for (;;) {
		tail = (g->head + GYRO_RING - g->count) % GYRO_RING;
		if (g->count <= 1 || g->sum_dt - g->ring_dt[tail] < window - 1e-9)
			break;
		g->sum_x -= g->ring_x[tail];
		g->sum_y -= g->ring_y[tail];
		g->sum_dt -= g->ring_dt[tail];
		g->count--;
	}
	if (g->head == 0) {
		/* once per lap, the sums afresh: no rounding creeps in */
		g->sum_x = g->sum_y = g->sum_dt = 0.0;
		for (unsigned i = 0; i < g->count; i++) {
			unsigned k = (g->head + GYRO_RING - g->count + i) % GYRO_RING;

			g->sum_x += g->ring_x[k];
			g->sum_y += g->ring_y[k];
			g->sum_dt += g->ring_dt[k];
		}
	}
	*x = g->sum_x / (g->sum_dt > window ? g->sum_dt : window);
	*y = g->sum_y / (g->sum_dt > window ? g->sum_dt : window);
}

/* Whole units of v plus the carried fraction, the new fraction kept. */
static int take_whole(double v, double *rem)
{
	double total = v + *rem, whole = trunc(total);

	*rem = total - whole;
	return whole > INT32_MAX ? INT32_MAX : whole < INT32_MIN ? INT32_MIN : (int)whole;
}

void remap_gyro_frame(struct hm_remap *r, uint16_t map, uint64_t now_us)
{
	struct gyro_state *g = &r->gyro;
	const struct hm_config_gyro *c;
	uint64_t dt_us = 0;
	double pitch, yaw, roll, h, v, dt, mag;
	unsigned out;
	int dx, dy;

	if (!g->fresh)
		return;
	g->fresh = false;
	/* the sample's time: the sensor's clock when it has one */
	if (g->ts_fresh) {
		if (g->have_prev && g->prev_from_ts)
			dt_us = (uint32_t)(g->ts - g->prev_ts);
		g->prev_ts = g->ts;
		g->prev_from_ts = true;
	} else {
		if (g->have_prev && !g->prev_from_ts && now_us > g->prev_us)
			dt_us = now_us - g->prev_us;
		g->prev_from_ts = false;
	}
	g->prev_us = now_us;
	g->have_prev = true;
	g->ts_fresh = false;

	if (!gyro_on(r, map)) {
		if (g->on) {
			/* off: nothing carries over to the next time it is on */
			g->rem_x = g->rem_y = 0.0;
			smooth_clear(g);
			g->on = false;
		}
		return;
	}
	g->on = true;
	if (dt_us == 0 || dt_us > GYRO_MAX_DT_US)
		return; /* the first sample, or after a gap: a time reference only */
	c = &r->maps[map].cfg->opts.gyro;
	dt = (double)dt_us / 1e6;
	pitch = g->raw[0] * g->dps_per_unit[0];
	yaw = g->raw[1] * g->dps_per_unit[1];
	roll = g->raw[2] * g->dps_per_unit[2];
	h = c->horizontal == HM_GYRO_YAW ? yaw : c->horizontal == HM_GYRO_ROLL ? roll : yaw + roll;
	v = pitch;
	mag = sqrt(h * h + v * v);
	if (mag < c->deadzone_dps)
		h = v = mag = 0.0;
	if (c->smooth_dps > 0.0) {
		/* soft tiered: direct above the threshold, averaged below half of it */
		double lo = c->smooth_dps / 2.0, w = (mag - lo) / (c->smooth_dps - lo);
		double sx, sy;

		w = w < 0.0 ? 0.0 : w > 1.0 ? 1.0 : w;
		sx = h * (1.0 - w);
		sy = v * (1.0 - w);
		smooth(g, (double)c->smooth_us / 1e6, dt, &sx, &sy);
		h = h * w + sx;
		v = v * w + sy;
	}
	/* positive yaw, roll and pitch turn right to left and nose up: the
	 * pointer goes left and up */
	dx = take_whole((c->invert_x ? h : -h) * dt * c->sens_x, &g->rem_x);
	dy = take_whole((c->invert_y ? v : -v) * dt * c->sens_y, &g->rem_y);
	out = route(r, (unsigned)g->src, EV_REL, REL_X);
	if (dx)
		r->ops->emit(r->userdata, out, EV_REL, REL_X, dx);
	if (dy)
		r->ops->emit(r->userdata, out, EV_REL, REL_Y, dy);
}
