/* SPDX-License-Identifier: MIT */
/*
 * hm_config_profile_equal(): whether two profiles map the same, the
 * profiles they switch to included, so a reload leaves a device whose
 * mapping did not change alone; hm_config_hardware_equal(): whether a
 * reload has new settings for the hardware itself.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util-strings.h"

/* ---- comparing mappings ----------------------------------------------------- */

/* Profile pairs met through profile() actions, compared once each. */
struct profile_pairs {
	const struct hm_config_profile **a, **b;
	size_t n, done;
	bool failed; /* out of memory: say "different" */
};

/* false when a was met before, paired with another profile than b */
static bool pair_note(struct profile_pairs *pp, const struct hm_config_profile *a,
                      const struct hm_config_profile *b)
{
	const struct hm_config_profile **na, **nb;

	for (size_t i = 0; i < pp->n; i++)
		if (pp->a[i] == a || pp->b[i] == b)
			return pp->a[i] == a && pp->b[i] == b;
	na = reallocarray(pp->a, pp->n + 1, sizeof(*na));
	if (na)
		pp->a = na;
	nb = na ? reallocarray(pp->b, pp->n + 1, sizeof(*nb)) : NULL;
	if (nb)
		pp->b = nb;
	if (!na || !nb) {
		pp->failed = true;
		return false;
	}
	pp->a[pp->n] = a;
	pp->b[pp->n] = b;
	pp->n++;
	return true;
}

/* Pairs the profiles that two mappings of the same text switch to, in the
 * same order, so that those are compared too. */
static bool pair_action_profiles(struct profile_pairs *pp, const struct hm_config_action *a,
                                 const struct hm_config_action *b)
{
	if (!a || !b)
		return a == b;
	if (!pair_action_profiles(pp, a->tap, b->tap) ||
	    !pair_action_profiles(pp, a->hold, b->hold))
		return false;
	if (!a->profile || !b->profile)
		return a->profile == b->profile;
	return pair_note(pp, a->profile, b->profile);
}

static bool pair_map_profiles(struct profile_pairs *pp, const struct hm_config_map *a,
                              const struct hm_config_map *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!pair_action_profiles(pp, &a[i].action, &b[i].action))
			return false;
	return true;
}

/*
 * Two profiles are the same when the user wrote the same for them (their
 * canonical text: every setting and map line and every layer header, in
 * order), so no field of the parsed form can be forgotten here.
 */
static bool one_profile_equal(struct profile_pairs *pp, const struct hm_config_profile *a,
                              const struct hm_config_profile *b)
{
	if (!streq(a->id, b->id) || !streq_ptr(a->canon, b->canon) || a->nmaps != b->nmaps ||
	    a->nlayers != b->nlayers || !pair_map_profiles(pp, a->maps, b->maps, a->nmaps))
		return false;
	for (size_t i = 0; i < a->nlayers; i++)
		if (a->layers[i].nmaps != b->layers[i].nmaps ||
		    !pair_map_profiles(pp, a->layers[i].maps, b->layers[i].maps,
		                       a->layers[i].nmaps))
			return false;
	return true;
}

bool hm_config_profile_equal(const struct hm_config_profile *a, const struct hm_config_profile *b)
{
	struct profile_pairs pp = {0};
	bool equal;

	if (!a || !b)
		return a == b;
	equal = pair_note(&pp, a, b);
	/* breadth first over the profiles a switch can reach */
	while (equal && pp.done < pp.n) {
		equal = one_profile_equal(&pp, pp.a[pp.done], pp.b[pp.done]);
		pp.done++;
	}
	equal = equal && !pp.failed;
	free(pp.a);
	free(pp.b);
	return equal;
}

bool hm_config_hardware_equal(const struct hm_config_hardware *a,
                              const struct hm_config_hardware *b)
{
	/* field by field: the struct has padding */
	return a->lightbar_set == b->lightbar_set &&
	       (!a->lightbar_set || !memcmp(a->lightbar, b->lightbar, sizeof(a->lightbar))) &&
	       a->player_leds == b->player_leds && a->mic_led == b->mic_led &&
	       a->haptic_click == b->haptic_click && a->spnav_led == b->spnav_led &&
	       a->joycon_pair == b->joycon_pair;
}
