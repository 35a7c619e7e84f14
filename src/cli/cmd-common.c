/* SPDX-License-Identifier: MIT */
/* What the CLI's commands share (cmd-common.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd-common.h"
#include "device-kind.h"
#include "device.h"
#include "hid-descriptor.h"
#include "hid-devices.h"
#include "util-log.h"
#include "util-strings.h"

void cli_diag_print(void *userdata, const char *file, unsigned line, const char *message)
{
	unsigned *count = userdata;

	if (line)
		fprintf(stderr, "%s:%u: %s\n", file, line, message);
	else
		fprintf(stderr, "%s: %s\n", file, message);
	if (count)
		(*count)++;
}

bool cli_is_hidraw_path(const char *arg)
{
	return startswith(arg, "/dev/");
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

void cli_info_from_recording(const struct hm_recording *rec, struct hm_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->bus = rec->bus;
	info->vendor = rec->vendor;
	info->product = rec->product;
	info->interface = -1;
	snprintf(info->name, sizeof(info->name), "%s", rec->name);
	snprintf(info->path, sizeof(info->path), "%s", basename_of(rec->path));
	info->kinds = hm_kinds_from_descriptor(rec->rdesc, rec->rdesc_size);
	hm_device_info_set_usage(info, rec->rdesc, rec->rdesc_size);
}

int cli_load_source(const char *arg, struct hm_device_info *info, uint8_t *rdesc,
                    size_t *rdesc_size, struct hm_recording **ret_rec)
{
	struct hm_recording *rec;
	int r;

	if (cli_is_hidraw_path(arg)) {
		r = hm_hid_info_from_path(arg, info);
		if (r < 0)
			return log_error_errno(r, "%s: not a hidraw device: %m", arg);
		r = hm_hid_read_descriptor(arg, rdesc, HID_RDESC_MAX_SIZE, rdesc_size);
		if (r < 0)
			return log_error_errno(r, "%s: cannot read the report descriptor: %m", arg);
		info->kinds = hm_kinds_from_descriptor(rdesc, *rdesc_size);
		hm_device_info_set_usage(info, rdesc, *rdesc_size);
		*ret_rec = NULL;
		return 0;
	}

	r = hm_recording_load(arg, &rec);
	if (r < 0)
		return r;
	cli_info_from_recording(rec, info);
	memcpy(rdesc, rec->rdesc, rec->rdesc_size);
	*rdesc_size = rec->rdesc_size;
	*ret_rec = rec;
	return 0;
}

int cli_chain_for(const struct hm_config *config, const struct hm_device_info *info,
                  const char *forced, struct hm_module_chain *ret_chain,
                  const struct hm_config_device **ret_cfg)
{
	const struct hm_module *m;

	if (!forced)
		return hm_module_select(config, info, ret_chain, ret_cfg);
	m = hm_module_find(forced);
	if (!m)
		return -ENOENT;
	hm_module_chain_single(ret_chain, hm_module_resolve(m, info));
	*ret_cfg = hm_config_match(config, info, m->name);
	return 1;
}

int cli_unknown_module(const char *name)
{
	fprintf(stderr, "hidmapd: unknown module '%s'; modules:", name);
	for (size_t i = 0; hm_modules[i]; i++)
		fprintf(stderr, " %s", hm_modules[i]->name);
	fputc('\n', stderr);
	return 2;
}

const struct hm_module *cli_probed_module(const struct hm_device_info *info, const uint8_t *rdesc,
                                          size_t rdesc_size, const struct hm_module_chain *chain)
{
	struct hm_device_setup setup = {.chain = chain};
	const struct hm_module *m = NULL;
	struct hm_device *dev = NULL;
	FILE *null = fopen("/dev/null", "we");

	if (!null)
		return NULL;
	setup.sink = hm_sink_print_new(null);
	if (setup.sink && hm_device_new(info, rdesc, rdesc_size, &setup, &dev) == 0)
		m = dev->module;
	if (setup.sink)
		hm_sink_print_mute(setup.sink);
	hm_device_free(dev);
	if (setup.sink)
		hm_sink_print_free(setup.sink);
	fclose(null);
	return m;
}
