/* SPDX-License-Identifier: MIT */
/*
 * Macro text to key presses, through an XKB keymap (libxkbcommon and the
 * xkeyboard-config data), so that "text" in a macro types the same
 * characters as the user's layout would: the keys and the Shift or AltGr
 * each character needs on that layout.
 */
#pragma once

#include <stddef.h>

#include "config.h"

struct hm_keymap_text;

/* layout/variant NULL: "us".  Returns 0, -ENOENT when XKB has no such
 * layout (or no data), -ENOMEM. */
int hm_keymap_text_new(const char *layout, const char *variant, struct hm_keymap_text **ret);
void hm_keymap_text_free(struct hm_keymap_text *k);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_keymap_text *, hm_keymap_text_free);

/*
 * Converts UTF-8 text to taps: one per character the layout has a key for
 * (with Shift or AltGr as needed); a character it has none for becomes
 * ISO 14755 Unicode input (Ctrl+Shift+U, the hex code, Space: GTK, IBus).
 * Returns 0 and a heap array, -EILSEQ for invalid UTF-8, -ENOKEY when a
 * character cannot be typed either way (*ret_bad is then its byte
 * offset), -ENOMEM.
 */
int hm_keymap_text_convert(struct hm_keymap_text *k, const char *text, struct hm_config_tap **ret,
                           size_t *ret_n, size_t *ret_bad);
