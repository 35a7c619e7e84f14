/* SPDX-License-Identifier: MIT */
/*
 * Contour Design ShuttleXpress (0b33:0020).
 *
 * One unnumbered 5-byte input report, vendor-defined:
 *   byte 0    shuttle ring, signed, -7..+7, springs back to 0
 *   byte 1    jog wheel counter, unsigned, +1 per detent clockwise, wraps 255 -> 0
 *   byte 2    unused
 *   byte 3-4  buttons, little-endian bitmap, the five buttons at bits 4..8
 * (layout as documented in the project's issue tracker; it matches the
 * reports decoded by the userspace tools that support this device).
 *
 * The generic module would expose the jog as an absolute counter; here it
 * becomes REL_DIAL steps (the difference between consecutive counters, so
 * a wrap is a single step), the ring an absolute axis, the buttons BTN_0..4.
 */
#include <errno.h>
#include <stdint.h>

#include "module.h"

#define USB_VENDOR_ID_CONTOUR               0x0b33
#define USB_DEVICE_ID_CONTOUR_SHUTTLEXPRESS 0x0020

#define SHUTTLE_REPORT_SIZE  5
#define SHUTTLE_RING_MAX     7
#define SHUTTLE_NBUTTONS     5
#define SHUTTLE_BUTTON_SHIFT 4

/* driver_data: where the buttons are in the 16-bit bitmap (first bit,
 * count), as the kernel's hid_device_id.driver_data carries model facts */
#define SHUTTLE_MODEL(shift, nbuttons) ((uintptr_t)(shift) << 8 | (uintptr_t)(nbuttons))
#define SHUTTLE_MODEL_SHIFT(data)      ((unsigned)((data) >> 8) & 0xff)
#define SHUTTLE_MODEL_NBUTTONS(data)   ((unsigned)(data)&0xff)

static const struct hm_device_id shuttlexpress_ids[] = {
    {HM_DEVICE(HM_BUS_ANY, USB_VENDOR_ID_CONTOUR, USB_DEVICE_ID_CONTOUR_SHUTTLEXPRESS),
     .driver_data = SHUTTLE_MODEL(SHUTTLE_BUTTON_SHIFT, SHUTTLE_NBUTTONS)},
    {0},
};

struct shuttlexpress {
	bool have_jog; /* the first report only sets the reference */
	uint8_t jog;
	uint8_t button_shift, nbuttons; /* from driver_data */
};

static int shuttlexpress_probe(struct hm_device *dev)
{
	struct input_absinfo ring = {
	    .minimum = -SHUTTLE_RING_MAX,
	    .maximum = SHUTTLE_RING_MAX,
	};
	/* a config's module = shuttlexpress on a device the table does not
	 * list gets the ShuttleXpress's layout */
	uintptr_t model =
	    dev->id ? dev->id->driver_data : SHUTTLE_MODEL(SHUTTLE_BUTTON_SHIFT, SHUTTLE_NBUTTONS);
	struct shuttlexpress *s = dev->priv;
	struct libevdev *caps;
	int out;

	s->button_shift = (uint8_t)SHUTTLE_MODEL_SHIFT(model);
	s->nbuttons = (uint8_t)SHUTTLE_MODEL_NBUTTONS(model);
	if (s->nbuttons == 0 || s->button_shift + s->nbuttons > 16)
		return -EINVAL; /* a broken id table entry */
	out = hm_device_add_output(dev, dev->info.name, &caps);
	if (out < 0)
		return out;
	libevdev_enable_event_code(caps, EV_REL, REL_DIAL, NULL);
	libevdev_enable_event_code(caps, EV_ABS, ABS_WHEEL, &ring);
	for (unsigned i = 0; i < s->nbuttons; i++)
		libevdev_enable_event_code(caps, EV_KEY, BTN_0 + i, NULL);
	/* the ring springs back to 0 when let go */
	return hm_device_set_abs_rest(dev, (unsigned)out, ABS_WHEEL, 0);
}

static int shuttlexpress_decode(struct hm_device *dev, const uint8_t *data, size_t size,
                                uint64_t time_us)
{
	struct shuttlexpress *s = dev->priv;
	int8_t ring;
	uint16_t buttons;

	if (size < SHUTTLE_REPORT_SIZE)
		return -EBADMSG;

	ring = (int8_t)data[0];
	if (ring < -SHUTTLE_RING_MAX || ring > SHUTTLE_RING_MAX)
		return -EBADMSG;

	if (s->have_jog) {
		/* int8_t difference: 255 -> 0 is +1, 0 -> 255 is -1 */
		int8_t delta = (int8_t)(uint8_t)(data[1] - s->jog);

		hm_emit(dev, 0, EV_REL, REL_DIAL, delta);
	}
	s->jog = data[1];
	s->have_jog = true;

	hm_emit(dev, 0, EV_ABS, ABS_WHEEL, ring);

	buttons = (uint16_t)(data[3] | data[4] << 8);
	for (unsigned i = 0; i < s->nbuttons; i++)
		hm_emit(dev, 0, EV_KEY, BTN_0 + i, (buttons >> (s->button_shift + i)) & 1);

	return 1;
}

const struct hm_module hm_module_shuttlexpress = {
    .name = "shuttlexpress",
    .description = "Contour Design ShuttleXpress jog/shuttle",
    .id_table = shuttlexpress_ids,
    .priv_size = sizeof(struct shuttlexpress),
    .probe = shuttlexpress_probe,
    .decode = shuttlexpress_decode,
};
