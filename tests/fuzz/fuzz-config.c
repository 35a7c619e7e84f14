/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the configuration loader (hm_config_load on one file), then the
 * matching and the remapper built from each profile it accepted.
 * Input: the INI file's text.
 */
#include "config.h"
#include "device-info.h"
#include "fuzz-common.h"
#include "remap.h"

static void ignore_event(void *userdata, unsigned output, unsigned type, unsigned code, int value)
{
}

static const struct hm_remap_ops ignore_ops = {.emit = ignore_event};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct hm_config *config = NULL;
	struct hm_device_info info = {
	    .bus = 0x03, .vendor = 0x0b33, .product = 0x0020, .interface = -1};
	static const char *const modules[] = {"shuttlexpress", "generic", NULL};

	fuzz_setup();
	path = fuzz_data_to_path(data, size);
	/* diag NULL: problems are only counted */
	if (hm_config_load(&path, 1, NULL, NULL, &config) < 0)
		return 0;

	snprintf(info.name, sizeof(info.name), "Contour Design ShuttleXpress");
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		const struct hm_config_device *dev = hm_config_match(config, &info, modules[i]);

		if (dev)
			hm_config_profile_for(config, dev);
	}
	for (size_t i = 0; i < config->nprofiles; i++) {
		const struct hm_config_profile *profile = &config->profiles[i];
		struct hm_remap *remap = NULL;
		struct libevdev *caps;

		caps = libevdev_new();
		if (!caps)
			continue;
		libevdev_enable_event_code(caps, EV_KEY, BTN_0, NULL);
		libevdev_enable_event_code(caps, EV_KEY, KEY_A, NULL);
		libevdev_enable_event_code(caps, EV_REL, REL_DIAL, NULL);
		if (hm_remap_new(profile, i % 2 ? HM_UNMAPPED_DROP : HM_UNMAPPED_PASS, &caps, 1,
		                 &remap) < 0) {
			libevdev_free(caps);
			continue;
		}
		hm_remap_set_ops(remap, &ignore_ops, NULL);
		for (unsigned n = 0; n < hm_remap_noutputs(remap); n++) {
			struct libevdev *out = libevdev_new();

			if (out) {
				hm_remap_output_caps(remap, n, out);
				libevdev_free(out);
			}
		}
		/* every source the profile names, pressed and released */
		for (size_t m = 0; m < profile->nmaps; m++) {
			hm_remap_event(remap, 0, profile->maps[m].from_type,
			               profile->maps[m].from_code, 1, 0);
			hm_remap_event(remap, 0, profile->maps[m].from_type,
			               profile->maps[m].from_code, 0, 0);
		}
		hm_remap_event(remap, 0, EV_KEY, KEY_A, 1, 0);
		hm_remap_event(remap, 0, EV_REL, REL_DIAL, -3, 0);
		hm_remap_timer(remap, 1000000);
		hm_remap_free(remap);
		libevdev_free(caps);
	}
	hm_config_free(config);
	return 0;
}
