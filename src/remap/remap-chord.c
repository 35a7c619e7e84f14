/* SPDX-License-Identifier: MIT */
/*
 * Chords of input keys (keyd's): keys pressed together within
 * chord-timeout act as one binding.  The key path (remap.c) hands this
 * file each key event while the profile has chords; the presses wait in
 * chq until the chord is decided, then either the chord acts and the
 * events after its keys go back to the key path, or they all go back as
 * they came (without chord detection, as keyd replays them).  A chord
 * that acts swallows its keys' releases; the last one releases it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "remap-private.h"

static int chord_index(const struct hm_config_map *c, unsigned code)
{
	for (unsigned i = 0; i < c->nchord; i++)
		if (c->chord[i] == code)
			return (int)i;
	return -1;
}

/* Whether a key is down as part of an acting chord. */
bool remap_chord_holds(const struct hm_remap *r, unsigned src, unsigned code)
{
	for (unsigned i = 0; i < r->nactive; i++) {
		const struct active_chord *ac = &r->active[i];
		int k = chord_index(r->maps[ac->map].cfg, code);

		if (k >= 0 && ac->src == src && (ac->down & (1u << k)))
			return true;
	}
	return false;
}

/* A key of an acting chord goes up: swallowed; the last one ends the chord. */
bool remap_chord_release(struct hm_remap *r, unsigned src, unsigned code, uint64_t now)
{
	for (unsigned i = 0; i < r->nactive; i++) {
		struct active_chord *ac = &r->active[i];
		const struct rmap *m = &r->maps[ac->map];
		int k = chord_index(m->cfg, code);

		if (k < 0 || ac->src != src || !(ac->down & (1u << k)))
			continue;
		ac->down &= (uint8_t) ~(1u << k);
		if (!ac->down) {
			struct active_chord done = *ac;

			memmove(ac, ac + 1, (--r->nactive - i) * sizeof(*ac));
			remap_action_release(r, r->maps[done.map].act, done.src, now);
		}
		return true;
	}
	return false;
}

/*
 * keyd's chord_event_match over the waiting presses, for every chord of an
 * active layer: 0 none, 1 some chord could still come (partial), 2 one
 * chord is complete and nothing longer could come, 3 complete and a longer
 * one could.  *ret_match: the complete one of the winning layer.
 */
static int chord_check(struct hm_remap *r, int *ret_match)
{
	bool partial = false;
	uint32_t best = 0;
	int match = -1;

	for (unsigned i = 0; i < r->nchords; i++) {
		const struct rmap *m = &r->maps[r->chords[i]];
		uint32_t prio = m->layer ? layer_prio(r, m->layer) : 1;
		unsigned n = 0;
		bool all = true;

		if (!prio)
			continue;
		for (unsigned q = 0; q < r->nchq && all; q++) {
			if (!r->chq[q].value)
				continue;
			all = chord_index(m->cfg, r->chq[q].code) >= 0 &&
			      r->chq[q].src == r->chq[0].src;
			n++;
		}
		if (!all || !n)
			continue;
		if (n == m->cfg->nchord) {
			if (prio >= best) {
				best = prio;
				match = r->chords[i];
			}
		} else {
			partial = true;
		}
	}
	*ret_match = match;
	return match >= 0 ? (partial ? 3 : 2) : partial ? 1 : 0;
}

static void chord_replay(struct hm_remap *r, unsigned from, uint64_t now)
{
	unsigned n = r->nchq - from;

	/* before anything that came later; no chord detection for these (keyd) */
	if (r->ninq + n > INQ_CAP) /* cannot happen, see INQ_CAP */
		r->ninq = INQ_CAP - n;
	memmove(&r->inq[n], &r->inq[0], r->ninq * sizeof(r->inq[0]));
	for (unsigned i = 0; i < n; i++) {
		r->inq[i] = r->chq[from + i];
		r->inq[i].nochord = true;
	}
	r->ninq += n;
	r->nchq = 0;
	r->ch_state = CH_IDLE;
	remap_pump(r, now);
}

/* The complete chord acts: its action, then the events after its keys. */
static void chord_resolve(struct hm_remap *r, uint64_t now)
{
	const struct rmap *m;
	unsigned src = r->chq[0].src;

	if (r->ch_match < 0 || r->nactive == MAX_ACTIVE_CHORDS) {
		chord_replay(r, 0, now);
		return;
	}
	m = &r->maps[r->ch_match];
	r->active[r->nactive++] = (struct active_chord){(uint16_t)r->ch_match, (uint8_t)src,
	                                                (uint8_t)((1u << m->cfg->nchord) - 1)};
	r->ch_state = CH_IDLE;
	remap_activate(r, m->act, src, m->layer, now);
	chord_replay(r, m->cfg->nchord, now);
}

static void chord_decided(struct hm_remap *r, int res, uint64_t now)
{
	const struct hm_config_settings *s = r->set;

	if (res == 0) {
		chord_replay(r, 0, now);
	} else if (res == 1 || res == 3) {
		r->ch_state = CH_WAIT;
		r->ch_deadline = now + s->chord_timeout_us;
	} else if (s->chord_hold_timeout_us) {
		r->ch_state = CH_HOLD;
		r->ch_deadline = now + s->chord_hold_timeout_us;
	} else {
		chord_resolve(r, now);
	}
}

/* A key event while chords may form; true when it was taken. */
bool remap_chord_input(struct hm_remap *r, unsigned src, unsigned code, int value, uint64_t now)
{
	int res;

	switch (r->ch_state) {
	case CH_IDLE:
		if (!value || !r->chord_key[code] || r->held[src][code] != NONE)
			return false;
		r->chq[0] = (struct qev){(uint16_t)code, (uint8_t)src, false, value};
		r->nchq = 1;
		r->ch_last = now;
		res = chord_check(r, &r->ch_match);
		if (res == 0) {
			r->nchq = 0;
			return false;
		}
		chord_decided(r, res, now);
		return true;
	case CH_WAIT:
		/* a release, or a press of a key already down, ends the chord's chance */
		if (!value || r->held[src][code] != NONE || has_press(r->chq, r->nchq, src, code) ||
		    r->nchq + 1 == MAX_CHORDQ) {
			r->chq[r->nchq++] =
			    (struct qev){(uint16_t)code, (uint8_t)src, false, value};
			chord_replay(r, 0, now);
			return true;
		}
		r->chq[r->nchq++] = (struct qev){(uint16_t)code, (uint8_t)src, false, value};
		r->ch_last = now;
		res = chord_check(r, &r->ch_match);
		chord_decided(r, res, now);
		return true;
	default: /* CH_HOLD: a complete chord held for chord-hold-timeout */
		r->chq[r->nchq++] = (struct qev){(uint16_t)code, (uint8_t)src, false, value};
		if ((!value && src == r->chq[0].src &&
		     chord_index(r->maps[r->ch_match].cfg, code) >= 0) ||
		    r->nchq == MAX_CHORDQ)
			chord_replay(r, 0, now);
		return true;
	}
}

void remap_chord_timer(struct hm_remap *r, uint64_t now)
{
	if (r->ch_state == CH_WAIT && r->ch_match >= 0) {
		uint64_t left = r->set->chord_hold_timeout_us > r->set->chord_timeout_us
		                    ? r->set->chord_hold_timeout_us - r->set->chord_timeout_us
		                    : 0;

		if (left) {
			r->ch_state = CH_HOLD;
			r->ch_deadline = now + left;
		} else {
			chord_resolve(r, now);
		}
	} else if (r->ch_state == CH_WAIT) {
		chord_replay(r, 0, now);
	} else {
		chord_resolve(r, now);
	}
}
