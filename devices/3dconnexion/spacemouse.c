/* SPDX-License-Identifier: MIT */
/*
 * The 3Dconnexion family: every USB id in spacenavd's device table
 * (FreeSpacenav/spacenavd src/dev.c, usbdb[]), driven as the kernel does
 * (hid-generic, with hid-lg's fix of the axes' descriptor items) for the
 * evdev node, and described to the spnav server (multiaxis.h) as spacenavd
 * would see it: six axes, buttons numbered and folded as spacenavd does.
 *
 * The descriptor fix: the SpaceNavigator (046d:c626) and its kin declare
 * the translation (X, Y, Z, report 1) and rotation (Rx, Ry, Rz, report 2)
 * Input items Relative (81 06: Data,Var,Rel) though they report where the
 * cap is, so hid-input would make REL_X..REL_RZ of them.  Linux's hid-lg
 * (drivers/hid/hid-lg.c, lg_report_fixup(), LG_RDESC_REL_ABS, for c623,
 * c626 and c628's kin) rewrites both to 81 02 (Data,Var,Abs) when it finds
 * them at offsets 32 and 49 (the earlier firmware); the 2016 unit has them
 * at 36 and 53, where 6.1's hid-lg does not look and newer kernels fix them
 * with a HID-BPF program (Logitech__SpaceNavigator.bpf.c).  This module
 * makes the same byte change at either place, for every model: a
 * descriptor that already says Absolute is left as it is.
 *
 * Reports (spacenavd's dev_usb_freebsd.c reads the same bytes; the corpus
 * descriptors of the SpaceNavigator and SpaceMouse Wireless declare them):
 * 0x01 X, Y, Z as s16le (and Rx, Ry, Rz on the six-axis devices), 0x02 Rx,
 * Ry, Rz as s16le (the older devices), 0x03 a bitmap of buttons, 0x17
 * battery percent; output 0x04 bit 0 is the LED.
 */
#include <errno.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "generic.h"
#include "hid-constants.h"
#include "hid-descriptor.h"
#include "module.h"
#include "multiaxis.h"
#include "spacemouse.h"
#include "util-log.h"
#include "util-strings.h"

/* spacenavd's proto.h DEV_* numbers (libspnav's SPNAV_DEV_*). */
enum {
	DEV_PLUSXT = 0x200,
	DEV_CADMAN,
	DEV_SMCLASSIC,
	DEV_SB5000,
	DEV_STRAVEL,
	DEV_SPILOT,
	DEV_SNAV,
	DEV_SEXP,
	DEV_SNAVNB,
	DEV_SPILOTPRO,
	DEV_SMPRO,
	DEV_NULOOQ,
	DEV_SMW,
	DEV_SMPROW,
	DEV_SMENT,
	DEV_SMCOMP,
	DEV_SMMOD,
};

#define V_LOGI  0x046d
#define V_3DCON 0x256f

/* spacenavd 1.1's usbdb[] with its flags, plus the two ids newer
 * spacenavd lists (c638, c63a); spacenavd 1.1 takes every 256f device and
 * gives it DF_SWAPYZ | DF_INVYZ, so those two behave the same there. */
const struct hm_spacemouse_model hm_spacemouse_models[] = {
    {V_LOGI, 0xc603, DEV_PLUSXT, "SpaceMouse Plus XT", false, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc605, DEV_CADMAN, "CadMan", false, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc606, DEV_SMCLASSIC, "SpaceMouse Classic", false, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc621, DEV_SB5000, "SpaceBall 5000", false, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc623, DEV_STRAVEL, "SpaceTraveler", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc625, DEV_SPILOT, "SpacePilot", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc626, DEV_SNAV, "SpaceNavigator", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc627, DEV_SEXP, "SpaceExplorer", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc628, DEV_SNAVNB, "SpaceNavigator for Notebooks", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc629, DEV_SPILOTPRO, "SpacePilot Pro", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_LOGI, 0xc62b, DEV_SMPRO, "SpaceMouse Pro", true, HM_SPACEMOUSE_FOLD_PRO},
    {V_LOGI, 0xc640, DEV_NULOOQ, "NuLOOQ", false, HM_SPACEMOUSE_FOLD_NONE},
    {V_3DCON, 0xc62e, DEV_SMW, "SpaceMouse Wireless (cable)", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_3DCON, 0xc62f, DEV_SMW, "SpaceMouse Wireless receiver", true, HM_SPACEMOUSE_FOLD_GUESS},
    {V_3DCON, 0xc631, DEV_SMPROW, "SpaceMouse Pro Wireless (cable)", true, HM_SPACEMOUSE_FOLD_PRO},
    {V_3DCON, 0xc632, DEV_SMPROW, "SpaceMouse Pro Wireless receiver", true, HM_SPACEMOUSE_FOLD_PRO},
    {V_3DCON, 0xc633, DEV_SMENT, "SpaceMouse Enterprise", true, HM_SPACEMOUSE_FOLD_ENTERPRISE},
    {V_3DCON, 0xc635, DEV_SMCOMP, "SpaceMouse Compact", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_3DCON, 0xc636, DEV_SMMOD, "SpaceMouse Module", true, HM_SPACEMOUSE_FOLD_NONE},
    {V_3DCON, 0xc638, DEV_SMPROW, "SpaceMouse Pro Wireless (Bluetooth receiver)", true,
     HM_SPACEMOUSE_FOLD_PRO},
    {V_3DCON, 0xc63a, DEV_SMW, "SpaceMouse Wireless (Bluetooth receiver)", true,
     HM_SPACEMOUSE_FOLD_NONE},
};
const size_t hm_spacemouse_nmodels = sizeof(hm_spacemouse_models) / sizeof(hm_spacemouse_models[0]);

/* ---- button folding -------------------------------------------------------
 * spacenavd numbers the Pro's and Enterprise's keys by their evdev code
 * (BTN_0 + n for HID Button n+1): bnhack_smpro() and bnhack_sment() in
 * src/dev.c, labels as its comments give them. */
struct fold_entry {
	uint16_t code;
	uint8_t bnum;
};

static const struct fold_entry fold_pro[] = {
    {256, 4},  /* Menu */
    {257, 5},  /* Fit */
    {258, 6},  /* T */
    {260, 7},  /* R */
    {261, 8},  /* F */
    {264, 9},  /* rotate */
    {268, 0},  /* 1 */
    {269, 1},  /* 2 */
    {270, 2},  /* 3 */
    {271, 3},  /* 4 */
    {278, 11}, /* Esc */
    {279, 12}, /* Alt */
    {280, 13}, /* Shift */
    {281, 14}, /* Ctrl */
    {282, 10}, /* lock rotation */
};

static const struct fold_entry fold_enterprise[] = {
    {256, 12}, /* Menu */
    {257, 13}, /* Fit */
    {258, 14}, /* T */
    {260, 15}, /* R */
    {261, 16}, /* F */
    {264, 17}, /* rotate */
    {266, 30}, /* ISO */
    {268, 0},  /* 1 */
    {269, 1},  /* 2 */
    {270, 2},  /* 3 */
    {271, 3},  /* 4 */
    {272, 4},  /* 5 */
    {273, 5},  /* 6 */
    {274, 6},  /* 7 */
    {275, 7},  /* 8 */
    {276, 8},  /* 9 */
    {277, 9},  /* 10 */
    {278, 18}, /* Esc */
    {279, 19}, /* Alt */
    {280, 20}, /* Shift */
    {281, 21}, /* Ctrl */
    {282, 22}, /* lock rotation */
    {291, 23}, /* Enter */
    {292, 24}, /* Delete */
    {332, 10}, /* 11 */
    {333, 11}, /* 12 */
    {358, 27}, /* V1 */
    {359, 28}, /* V2 */
    {360, 29}, /* V3 */
    {430, 25}, /* Tab */
    {431, 26}, /* Space */
};

static int fold_lookup(const struct fold_entry *t, size_t n, int count, int code)
{
	if (code < 0)
		return count;
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].bnum;
	return -1;
}

int hm_spacemouse_fold_button(enum hm_spacemouse_fold fold, int code)
{
	switch (fold) {
	case HM_SPACEMOUSE_FOLD_PRO:
		return fold_lookup(fold_pro, sizeof(fold_pro) / sizeof(fold_pro[0]), 15, code);
	case HM_SPACEMOUSE_FOLD_ENTERPRISE:
		return fold_lookup(fold_enterprise,
		                   sizeof(fold_enterprise) / sizeof(fold_enterprise[0]), 31, code);
	default:
		return -1;
	}
}

/* ---- the descriptor ------------------------------------------------------ */

void hm_spacemouse_read_layout(const struct hid_descriptor *d, struct hm_spacemouse_layout *ret)
{
	struct hm_spacemouse_layout l = {.axis_min = -350, .axis_max = 350};
	bool axes_found = false, buttons_found = false;

	for (unsigned i = 0; d && i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];

		if (f->type != HID_INPUT_REPORT || (f->flags & HID_MAIN_ITEM_CONSTANT) ||
		    f->maxusage == 0)
			continue;
		if (f->report_id == 1 && f->usage[0].hid == (HID_UP_GENDESK | 0x30) &&
		    !axes_found) {
			axes_found = true;
			l.axis_min = f->logical_minimum;
			l.axis_max = f->logical_maximum;
			l.six_axis = f->report_count >= 6;
		}
		if ((f->usage[0].hid & 0xffff0000u) != HID_UP_BUTTON)
			continue;
		/* hid-input makes a key of every Button usage of an input field */
		l.evdev_keys += f->maxusage < f->report_count ? f->maxusage : f->report_count;
		if (f->report_id == 3 && (f->flags & HID_MAIN_ITEM_VARIABLE) && !buttons_found &&
		    f->report_size == 1) {
			buttons_found = true;
			l.button_offset = f->bit_offset;
			l.button_count = f->report_count < HM_SPACEMOUSE_MAX_BITS
			                     ? f->report_count
			                     : HM_SPACEMOUSE_MAX_BITS;
			if (l.button_count > f->maxusage)
				l.button_count = f->maxusage;
			l.first_usage = f->usage[0].hid & 0xffff;
		}
	}
	*ret = l;
}

/* ---- reports ------------------------------------------------------------- */

static int s16le(const uint8_t *p)
{
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

static void read_axes(struct hm_spacemouse *s, const uint8_t *p, unsigned first, unsigned n,
                      struct hm_spacemouse_frame *f)
{
	for (unsigned i = 0; i < n; i++) {
		int v = s16le(p + 2 * i);

		/* hid-input clamps an absolute value to the logical range (the
		 * kernel's answer for the SpaceMouse Wireless, tests/data/kernel) */
		if (v < s->layout.axis_min)
			v = s->layout.axis_min;
		if (v > s->layout.axis_max)
			v = s->layout.axis_max;
		if (v != s->axes[first + i])
			f->changed |= 1u << (first + i);
		s->axes[first + i] = v;
	}
	memcpy(f->axes, s->axes, sizeof(f->axes));
}

static void read_buttons(struct hm_spacemouse *s, const uint8_t *payload, size_t psize,
                         struct hm_spacemouse_frame *f)
{
	const struct hm_spacemouse_layout *l = &s->layout;

	for (uint32_t n = 0; n < l->button_count; n++) {
		bool now = hid_get_bits(payload, psize, l->button_offset + n, 1);
		bool was = s->buttons[n / 8] & (1u << (n % 8));
		/* hid-input: Button usage u is BTN_MISC + u - 1 in a
		 * multi-axis application; spacenavd numbers from the lowest
		 * key the node has (usage first_usage) */
		int code = BTN_MISC + (int)(l->first_usage + n) - 1;
		int bnum;

		if (now == was)
			continue;
		if (now)
			s->buttons[n / 8] |= (uint8_t)(1u << (n % 8));
		else
			s->buttons[n / 8] &= (uint8_t) ~(1u << (n % 8));
		if (s->fold != HM_SPACEMOUSE_FOLD_NONE)
			bnum = hm_spacemouse_fold_button(s->fold, code);
		else
			bnum = (int)n;
		if (bnum < 0)
			continue; /* spacenavd drops the keys its fold does not list */
		f->button[f->nbuttons].bnum = bnum;
		f->button[f->nbuttons].pressed = now;
		f->nbuttons++;
	}
}

int hm_spacemouse_parse(struct hm_spacemouse *s, const uint8_t *data, size_t size,
                        struct hm_spacemouse_frame *ret)
{
	size_t psize = size ? size - 1 : 0;

	ret->changed = 0;
	ret->nbuttons = 0;
	ret->battery = -1;
	memcpy(ret->axes, s->axes, sizeof(ret->axes));
	if (size == 0)
		return -EBADMSG;

	switch (data[0]) {
	case 0x01:
		if (s->layout.six_axis) {
			if (psize < 12)
				return -EBADMSG;
			read_axes(s, data + 1, 0, 6, ret);
		} else {
			if (psize < 6)
				return -EBADMSG;
			read_axes(s, data + 1, 0, 3, ret);
		}
		return 1;
	case 0x02:
		if (s->layout.six_axis)
			return 0; /* the six-axis devices have no report 2 */
		if (psize < 6)
			return -EBADMSG;
		read_axes(s, data + 1, 3, 3, ret);
		return 1;
	case 0x03:
		if (psize * 8 < s->layout.button_offset + s->layout.button_count)
			return -EBADMSG;
		read_buttons(s, data + 1, psize, ret);
		return 1;
	case 0x17:
		if (psize < 1)
			return -EBADMSG;
		ret->battery = data[1] > 100 ? 100 : data[1];
		return 1;
	default:
		return 0;
	}
}

/* ---- the module ---------------------------------------------------------- */

/* The generic module's state comes first in priv, this module's after it. */
static struct hm_spacemouse *state(struct hm_device *dev)
{
	return (struct hm_spacemouse *)((uint8_t *)dev->priv + HM_GENERIC_PRIV_SIZE);
}

/* The offsets of the two Input items' main item byte (0x81). */
static const size_t rel_abs_at[][2] = {
    {32, 49}, /* hid-lg's LG_RDESC_REL_ABS */
    {36, 53}, /* the 2016 firmware */
};

static bool is_relative_input(const uint8_t *rdesc, size_t size, size_t at)
{
	return at + 1 < size && rdesc[at] == 0x81 && rdesc[at + 1] == 0x06;
}

static void spacemouse_report_fixup(const struct hm_device_info *info, uint8_t *rdesc, size_t *size)
{
	for (size_t i = 0; i < sizeof(rel_abs_at) / sizeof(rel_abs_at[0]); i++) {
		size_t a = rel_abs_at[i][0], b = rel_abs_at[i][1];

		if (!is_relative_input(rdesc, *size, a) || !is_relative_input(rdesc, *size, b))
			continue;
		log_debug("%s: fixing up rel/abs in the report descriptor (offsets %zu, %zu)",
		          log_escape(info->name), a, b);
		rdesc[a + 1] = rdesc[b + 1] = 0x02;
		return;
	}
}

static const struct hm_spacemouse_model *model_of(const struct hm_device *dev)
{
	for (size_t i = 0; i < hm_spacemouse_nmodels; i++)
		if (hm_spacemouse_models[i].vendor == dev->info.vendor &&
		    hm_spacemouse_models[i].product == dev->info.product)
			return &hm_spacemouse_models[i];
	return NULL;
}

static void set_led(struct hm_device *dev, bool on)
{
	/* as spacenavd's EV_LED/LED_MISC write to the kernel's node: the
	 * generic output path builds report 4 from the descriptor */
	int r = hm_generic_output(dev, 0, EV_LED, LED_MISC, on);

	if (r < 0 && r != -ENOENT)
		log_debug_errno(r, "%s: cannot switch the LED %s: %m", dev->info.name,
		                on ? "on" : "off");
}

static int spacemouse_probe(struct hm_device *dev)
{
	const struct hm_spacemouse_model *m = model_of(dev);
	struct hm_spacemouse *s = state(dev);
	struct hm_multiaxis_info info = {0};
	struct hid_descriptor *d = NULL;
	uint8_t fixed[HID_RDESC_MAX_SIZE];
	size_t size = dev->rdesc_size;
	int r;

	r = hm_generic_probe(dev);
	if (r < 0)
		return r;

	if (dev->rdesc && size <= sizeof(fixed)) {
		memcpy(fixed, dev->rdesc, size);
		spacemouse_report_fixup(&dev->info, fixed, &size);
		if (hid_descriptor_parse(fixed, size, &d, NULL) < 0)
			d = NULL;
	}
	hm_spacemouse_read_layout(d, &s->layout);
	hid_descriptor_free(d);

	s->fold = m ? m->fold : HM_SPACEMOUSE_FOLD_NONE;
	/* spacenavd folds only when the node really has the long run of keys
	 * ("problematic devices appear to report 256 buttons", dev_usb_linux.c),
	 * and guesses the receiver's device by it */
	if (s->fold == HM_SPACEMOUSE_FOLD_GUESS)
		s->fold =
		    s->layout.evdev_keys >= 255 ? HM_SPACEMOUSE_FOLD_PRO : HM_SPACEMOUSE_FOLD_NONE;
	else if (s->layout.evdev_keys < 255)
		s->fold = HM_SPACEMOUSE_FOLD_NONE;

	info.type = m ? m->type : 0;
	info.nbuttons = s->fold != HM_SPACEMOUSE_FOLD_NONE
	                    ? (unsigned)hm_spacemouse_fold_button(s->fold, -1)
	                    : s->layout.evdev_keys;
	if (info.nbuttons == 0)
		info.nbuttons = 2; /* spacenavd's default */
	info.axis_min = s->layout.axis_min;
	info.axis_max = s->layout.axis_max;
	/* spacenavd 1.1 adds the flags to every 256f device */
	info.swap_inv_yz = (m && m->swap_inv_yz) || dev->info.vendor == V_3DCON;
	if (m && m->fold == HM_SPACEMOUSE_FOLD_GUESS)
		snprintf(info.name, sizeof(info.name), "3Dconnexion %s (guess)",
		         s->fold == HM_SPACEMOUSE_FOLD_PRO ? "SpaceMouse Pro Wireless"
		                                           : "SpaceMouse Wireless");
	else
		snprintf(info.name, sizeof(info.name), "%s", dev->info.name);
	if (m && m->fold == HM_SPACEMOUSE_FOLD_GUESS && s->fold == HM_SPACEMOUSE_FOLD_PRO)
		info.type = DEV_SMPROW;
	hm_device_set_multiaxis(dev, &info);
	/* the LED: spacemouse_configure(), which runs after every probe */
	return 0;
}

/* spnav-led = on|off|auto; unset: on, as spacenavd switches it on at
 * start.  auto starts off: the daemon, which knows the spnav clients,
 * switches it on while one is connected (daemon-spnav.c). */
static void spacemouse_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	set_led(dev, !settings || settings->spnav_led == -1 || settings->spnav_led == 1);
}

static void spacemouse_remove(struct hm_device *dev)
{
	set_led(dev, false);
	hm_generic_remove(dev);
}

static int spacemouse_raw_event(struct hm_device *dev, const uint8_t *data, size_t size)
{
	struct hm_spacemouse_frame f;
	int r = hm_spacemouse_parse(state(dev), data, size, &f);

	if (r <= 0)
		return 0; /* the generic decoding judges it for the evdev node */
	if (f.changed)
		hm_device_multiaxis_motion(dev, f.changed, f.axes);
	for (unsigned i = 0; i < f.nbuttons; i++)
		hm_device_multiaxis_button(dev, (unsigned)f.button[i].bnum, f.button[i].pressed);
	if (f.battery >= 0)
		hm_device_set_battery(dev, f.battery, HM_BATTERY_UNKNOWN);
	return 0; /* and the generic decoding makes the evdev events */
}

#define ID(v, p)                                                                                   \
	{                                                                                          \
		HM_DEVICE(HM_BUS_ANY, (v), (p))                                                    \
	}
static const struct hm_device_id spacemouse_ids[] = {
    ID(V_LOGI, 0xc603),  ID(V_LOGI, 0xc605),
    ID(V_LOGI, 0xc606),  ID(V_LOGI, 0xc621),
    ID(V_LOGI, 0xc623),  ID(V_LOGI, 0xc625),
    ID(V_LOGI, 0xc626),  ID(V_LOGI, 0xc627),
    ID(V_LOGI, 0xc628),  ID(V_LOGI, 0xc629),
    ID(V_LOGI, 0xc62b),  ID(V_LOGI, 0xc640),
    ID(V_3DCON, 0xc62e), ID(V_3DCON, 0xc62f),
    ID(V_3DCON, 0xc631), ID(V_3DCON, 0xc632),
    ID(V_3DCON, 0xc633), ID(V_3DCON, 0xc635),
    ID(V_3DCON, 0xc636), ID(V_3DCON, 0xc638),
    ID(V_3DCON, 0xc63a), {0},
};

const struct hm_module hm_module_3dconnexion_6d = {
    .name = "3dconnexion",
    .description = "3Dconnexion SpaceMouse family: the kernel's node (axes made absolute) "
                   "and the spnav server's six axes and buttons",
    .id_table = spacemouse_ids,
    .priv_size = HM_GENERIC_PRIV_SIZE + sizeof(struct hm_spacemouse),
    .probe = spacemouse_probe,
    .decode = hm_generic_decode,
    .output = hm_generic_output,
    .remove = spacemouse_remove,
    .configure = spacemouse_configure,
    .report_fixup = spacemouse_report_fixup,
    .raw_event = spacemouse_raw_event,
};
