/* SPDX-License-Identifier: MIT */
/*
 * 3Dconnexion SpaceNavigator (046d:c626): the generic module with the
 * kernel's report descriptor fix.
 *
 * The device reports where the cap is (absolute), but its descriptor
 * declares the translation (X, Y, Z, report 1) and rotation (Rx, Ry, Rz,
 * report 2) Input items Relative (81 06: Data,Var,Rel), so hid-input makes
 * REL_X..REL_RZ of them.  Linux's hid-lg (drivers/hid/hid-lg.c,
 * lg_report_fixup(), quirk LG_RDESC_REL_ABS) rewrites the two items to
 * 81 02 (Data,Var,Abs) when it finds them at offsets 32 and 49 (the
 * earlier firmware); the 2016 unit has them at 36 and 53, where 6.1's
 * hid-lg does not look and newer kernels fix them with a HID-BPF program
 * (Logitech__SpaceNavigator.bpf.c).  This module applies the same byte
 * change at either place, so both units give ABS_X..ABS_RZ with the
 * descriptor's logical range.
 */
#include "generic.h"
#include "module.h"
#include "util-log.h"
#include "util-strings.h"

/* The offsets of the two Input items' main item byte (0x81). */
static const size_t rel_abs_at[][2] = {
    {32, 49}, /* hid-lg's LG_RDESC_REL_ABS */
    {36, 53}, /* the 2016 firmware */
};

static bool is_relative_input(const uint8_t *rdesc, size_t size, size_t at)
{
	return at + 1 < size && rdesc[at] == 0x81 && rdesc[at + 1] == 0x06;
}

static void spacenavigator_report_fixup(const struct hm_device_info *info, uint8_t *rdesc,
                                        size_t *size)
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

static const struct hm_device_id spacenavigator_ids[] = {
    {HM_DEVICE(HM_BUS_ANY, 0x046d, 0xc626)},
    {0},
};

const struct hm_module hm_module_spacenavigator = {
    HM_GENERIC_QUIRK("spacenavigator",
                     "3Dconnexion SpaceNavigator: the generic module, its axes made absolute"),
    .id_table = spacenavigator_ids,
    .report_fixup = spacenavigator_report_fixup,
};
