/* SPDX-License-Identifier: MIT */
/*
 * The 3Dconnexion module's decoding, exposed for its unit tests
 * (tests/unit/test-spacemouse.c).  spacemouse.c has the module itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "multiaxis.h"

struct hid_descriptor;

/* How the buttons of report 3 are numbered (spacenavd's dev.c). */
enum hm_spacemouse_fold {
	HM_SPACEMOUSE_FOLD_NONE,       /* bit n (Button n+1) is button n */
	HM_SPACEMOUSE_FOLD_PRO,        /* bnhack_smpro: 15 buttons */
	HM_SPACEMOUSE_FOLD_ENTERPRISE, /* bnhack_sment: 31 buttons */
	HM_SPACEMOUSE_FOLD_GUESS,      /* the shared receiver: PRO when the device
	                                  has 255 or more buttons, else NONE */
};

/* One model of spacenavd's device table. */
struct hm_spacemouse_model {
	uint16_t vendor, product;
	int type; /* spacenavd's DEV_* */
	const char *name;
	bool swap_inv_yz; /* spacenavd 1.1's DF_SWAPYZ | DF_INVYZ */
	enum hm_spacemouse_fold fold;
};

extern const struct hm_spacemouse_model hm_spacemouse_models[];
extern const size_t hm_spacemouse_nmodels;

/* spacenavd's folding: the button number of the key with evdev code
 * (BTN_0 + n for Button n+1 under hid-generic), -1 for keys it drops;
 * the fold's button count for code < 0. */
int hm_spacemouse_fold_button(enum hm_spacemouse_fold fold, int code);

/* What the module read of the report descriptor. */
struct hm_spacemouse_layout {
	int axis_min, axis_max; /* of the axes, -350..350 when not found */
	unsigned six_axis;      /* report 1 carries six axes (the 256f devices) */
	/* the buttons of report 3: a bitmap of count bits at bit_offset of
	 * the payload, bit n being Button first_usage + n */
	uint32_t button_offset, button_count, first_usage;
	unsigned evdev_keys; /* Button usages hid-generic makes keys of */
};
void hm_spacemouse_read_layout(const struct hid_descriptor *d, struct hm_spacemouse_layout *ret);

#define HM_SPACEMOUSE_MAX_BITS 512

struct hm_spacemouse {
	struct hm_spacemouse_layout layout;
	enum hm_spacemouse_fold fold; /* resolved: never GUESS */
	int axes[HM_MULTIAXIS_AXES];  /* as last reported, clamped; 0 at start as evdev's */
	uint8_t buttons[HM_SPACEMOUSE_MAX_BITS / 8];
};

/* What one input report said. */
struct hm_spacemouse_frame {
	unsigned changed; /* motion: axes that changed (bits) */
	int axes[HM_MULTIAXIS_AXES];
	unsigned nbuttons; /* button events, in the order the kernel reports them */
	struct {
		int bnum;
		bool pressed;
	} button[HM_SPACEMOUSE_MAX_BITS];
	int battery; /* percent, -1: no battery report */
};

/*
 * Decodes one input report (data[0] the report ID): report 1 (X, Y, Z, and
 * Rx, Ry, Rz on the six-axis devices), report 2 (Rx, Ry, Rz), report 3
 * (buttons), report 0x17 (battery).  Values outside the logical range are
 * clamped to it.  Returns 1 when the report was one of those, 0 for others,
 * -EBADMSG for one too short.
 */
int hm_spacemouse_parse(struct hm_spacemouse *s, const uint8_t *data, size_t size,
                        struct hm_spacemouse_frame *ret);
