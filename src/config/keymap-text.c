/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input-event-codes.h>
#include <xkbcommon/xkbcommon-keysyms.h>
#include <xkbcommon/xkbcommon.h>

#include "keymap-text.h"

/* evdev key codes are XKB key codes minus 8 (the X11 offset) */
#define EVDEV_OFFSET 8

struct hm_keymap_text {
	struct xkb_context *ctx;
	struct xkb_keymap *keymap;
	xkb_mod_mask_t shift, level3;
};

int hm_keymap_text_new(const char *layout, const char *variant, struct hm_keymap_text **ret)
{
	struct xkb_rule_names names = {
	    .rules = "evdev",
	    .model = "pc105",
	    .layout = layout ? layout : "us",
	    .variant = variant,
	};
	struct hm_keymap_text *k = calloc(1, sizeof(*k));
	xkb_mod_index_t i;

	if (!k)
		return -ENOMEM;
	/* no environment: the result must not depend on who runs the daemon */
	k->ctx = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
	if (!k->ctx) {
		free(k);
		return -ENOMEM;
	}
	xkb_context_set_log_level(k->ctx, XKB_LOG_LEVEL_CRITICAL);
	k->keymap = xkb_keymap_new_from_names(k->ctx, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!k->keymap) {
		hm_keymap_text_free(k);
		return -ENOENT;
	}
	i = xkb_keymap_mod_get_index(k->keymap, XKB_MOD_NAME_SHIFT);
	if (i != XKB_MOD_INVALID)
		k->shift = 1u << i;
	/* AltGr: the modifier that selects level 3 is Mod5 in xkeyboard-config */
	i = xkb_keymap_mod_get_index(k->keymap, "Mod5");
	if (i != XKB_MOD_INVALID)
		k->level3 = 1u << i;
	*ret = k;
	return 0;
}

void hm_keymap_text_free(struct hm_keymap_text *k)
{
	if (!k)
		return;
	xkb_keymap_unref(k->keymap);
	xkb_context_unref(k->ctx);
	free(k);
}

/* One UTF-8 sequence at *s; returns its length, 0 if invalid. */
static size_t utf8_decode(const char *s, uint32_t *ret)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	if (u[0] < 0x80) {
		*ret = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0) {
		cp = u[0] & 0x1f;
		n = 2;
	} else if ((u[0] & 0xf0) == 0xe0) {
		cp = u[0] & 0x0f;
		n = 3;
	} else if ((u[0] & 0xf8) == 0xf0) {
		cp = u[0] & 0x07;
		n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past Unicode are invalid */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	*ret = cp;
	return n;
}

/* The key and modifiers that type keysym on layout 0; prefers the fewest modifiers. */
static int find_key(struct hm_keymap_text *k, xkb_keysym_t sym, struct hm_config_tap *tap)
{
	xkb_keycode_t min = xkb_keymap_min_keycode(k->keymap);
	xkb_keycode_t max = xkb_keymap_max_keycode(k->keymap);
	int best_cost = 3;

	for (xkb_keycode_t kc = min; kc <= max && kc - EVDEV_OFFSET <= KEY_MAX; kc++) {
		xkb_level_index_t nlevels = xkb_keymap_num_levels_for_key(k->keymap, kc, 0);

		if (kc < EVDEV_OFFSET)
			continue;
		for (xkb_level_index_t lvl = 0; lvl < nlevels; lvl++) {
			const xkb_keysym_t *syms;
			xkb_mod_mask_t masks[8];
			size_t nmasks;
			int nsyms = xkb_keymap_key_get_syms_by_level(k->keymap, kc, 0, lvl, &syms);

			if (nsyms != 1 || syms[0] != sym)
				continue;
			nmasks = xkb_keymap_key_get_mods_for_level(k->keymap, kc, 0, lvl, masks, 8);
			for (size_t m = 0; m < nmasks; m++) {
				int cost;

				/* only Shift and AltGr are pressed for text */
				if (masks[m] & ~(k->shift | k->level3))
					continue;
				cost = !!(masks[m] & k->shift) + !!(masks[m] & k->level3);
				if (cost >= best_cost)
					continue;
				best_cost = cost;
				tap->ncodes = 0;
				if (masks[m] & k->shift)
					tap->codes[tap->ncodes++] = KEY_LEFTSHIFT;
				if (masks[m] & k->level3)
					tap->codes[tap->ncodes++] = KEY_RIGHTALT;
				tap->codes[tap->ncodes++] = (uint16_t)(kc - EVDEV_OFFSET);
			}
		}
	}
	return best_cost < 3 ? 0 : -ENOKEY;
}

/*
 * A character the layout has no key for, typed as ISO 14755 / GTK and
 * IBus Unicode input: Ctrl+Shift+U, its code in hex (lower case, through
 * the layout), Space.  Fills up to 8 taps; -ENOKEY when the layout has no
 * key for U or a hex digit.
 */
static int unicode_taps(struct hm_keymap_text *k, uint32_t cp, struct hm_config_tap *taps,
                        size_t *ret_n)
{
	struct hm_config_tap u = {0};
	char hex[8];
	size_t n = 0;
	int len = snprintf(hex, sizeof(hex), "%x", cp);

	if (find_key(k, XKB_KEY_u, &u) < 0)
		return -ENOKEY;
	taps[n++] = (struct hm_config_tap){
	    3, {KEY_LEFTCTRL, KEY_LEFTSHIFT, u.codes[u.ncodes - 1]}}; /* the key, not its mods */
	for (int i = 0; i < len; i++)
		if (find_key(k, xkb_utf32_to_keysym((uint32_t)(unsigned char)hex[i]), &taps[n++]) <
		    0)
			return -ENOKEY;
	if (find_key(k, XKB_KEY_space, &taps[n++]) < 0)
		return -ENOKEY;
	*ret_n = n;
	return 0;
}

int hm_keymap_text_convert(struct hm_keymap_text *k, const char *text, struct hm_config_tap **ret,
                           size_t *ret_n, size_t *ret_bad)
{
	size_t len = strlen(text), n = 0;
	/* at most 8 taps per character (Unicode input), and a character has a byte at least */
	struct hm_config_tap *taps = calloc(len ? 8 * len : 1, sizeof(*taps));

	if (!taps)
		return -ENOMEM;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t l = utf8_decode(text + i, &cp);
		xkb_keysym_t sym;

		if (!l) {
			free(taps);
			*ret_bad = i;
			return -EILSEQ;
		}
		sym = cp == '\n'   ? XKB_KEY_Return
		      : cp == '\t' ? XKB_KEY_Tab
		                   : xkb_utf32_to_keysym(cp);
		if (sym != XKB_KEY_NoSymbol && find_key(k, sym, &taps[n]) == 0) {
			n++;
		} else {
			size_t m;

			if (cp == '\n' || cp == '\t' || unicode_taps(k, cp, &taps[n], &m) < 0) {
				free(taps);
				*ret_bad = i;
				return -ENOKEY;
			}
			n += m;
		}
		i += l;
	}
	*ret = taps;
	*ret_n = n;
	return 0;
}
