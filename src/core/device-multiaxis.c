/* SPDX-License-Identifier: MIT */
/* Six-axis controllers: the module's declaration and frames, handed to the
 * owner's listener (multiaxis.h). */
#include <string.h>

#include "device-private.h"
#include "multiaxis.h"

void hm_device_set_multiaxis(struct hm_device *dev, const struct hm_multiaxis_info *info)
{
	struct hm_device_core *c = core_of(dev);

	c->multiaxis = *info;
	c->multiaxis.name[sizeof(c->multiaxis.name) - 1] = '\0';
	if (c->multiaxis.nbuttons > HM_MULTIAXIS_MAX_BUTTONS)
		c->multiaxis.nbuttons = HM_MULTIAXIS_MAX_BUTTONS;
	c->is_multiaxis = true;
}

void hm_device_multiaxis_motion(struct hm_device *dev, unsigned changed,
                                const int axes[HM_MULTIAXIS_AXES])
{
	struct hm_device_core *c = core_of(dev);

	if (c->multiaxis_listener.motion && changed)
		c->multiaxis_listener.motion(c->multiaxis_listener.userdata, dev, changed, axes);
}

void hm_device_multiaxis_button(struct hm_device *dev, unsigned bnum, bool pressed)
{
	struct hm_device_core *c = core_of(dev);

	if (c->multiaxis_listener.button)
		c->multiaxis_listener.button(c->multiaxis_listener.userdata, dev, bnum, pressed);
}

const struct hm_multiaxis_info *hm_device_get_multiaxis(const struct hm_device *dev)
{
	const struct hm_device_core *c = dev->core;

	return c->is_multiaxis ? &c->multiaxis : NULL;
}

void hm_device_set_multiaxis_listener(struct hm_device *dev, const struct hm_multiaxis_listener *l)
{
	struct hm_device_core *c = core_of(dev);

	if (l)
		c->multiaxis_listener = *l;
	else
		memset(&c->multiaxis_listener, 0, sizeof(c->multiaxis_listener));
}
