/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <hidapi/hidapi.h>
#include <libudev.h>

#include "build-config.h"
#include "hid-devices.h"
#include "util-log.h"
#include "util-strings.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev *, udev_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_device *, udev_device_unref);

static const char *node_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The "hid" parent of a hidraw node, e.g. /sys/devices/.../0003:0B33:0020.0004 */
static int hid_syspath(const char *path, char *buf, size_t size)
{
	_cleanup_(udev_unrefp) struct udev *udev = udev_new();
	_cleanup_(udev_device_unrefp) struct udev_device *raw = NULL;
	struct udev_device *hid;

	if (!udev)
		return -ENOMEM;
	if (!startswith(node_name(path), "hidraw"))
		return -EINVAL;
	raw = udev_device_new_from_subsystem_sysname(udev, "hidraw", node_name(path));
	if (!raw)
		return -ENODEV;
	hid = udev_device_get_parent_with_subsystem_devtype(raw, "hid", NULL);
	if (!hid)
		return -ENODEV;
	snprintf(buf, size, "%s", udev_device_get_syspath(hid));
	return 0;
}

static int read_file(const char *file, uint8_t *buf, size_t size, size_t *ret_size)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	if (n < 0)
		return -errno;
	*ret_size = (size_t)n;
	return 0;
}

/* uevent lines KEY=value */
static int uevent_get(const char *syspath, const char *key, char *out, size_t size)
{
	char file[PATH_MAX], line[512];
	size_t klen = strlen(key);
	FILE *f;
	int r = -ENOENT;

	snprintf(file, sizeof(file), "%s/uevent", syspath);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			snprintf(out, size, "%s", strstrip(line + klen + 1));
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

/* The version the kernel gave the HID device's own input nodes, if any. */
static int input_version(const char *syspath, uint16_t *ret)
{
	char pattern[PATH_MAX + 32];
	glob_t g;
	int r = -ENOENT;

	snprintf(pattern, sizeof(pattern), "%s/input/input*/id/version", syspath);
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		uint8_t buf[16];
		size_t n;
		uint32_t v;

		if (read_file(g.gl_pathv[0], buf, sizeof(buf) - 1, &n) == 0) {
			buf[n] = '\0';
			if (safe_atou32_base(strstrip((char *)buf), 16, &v) == 0 &&
			    v <= UINT16_MAX) {
				*ret = (uint16_t)v;
				r = 0;
			}
		}
	}
	globfree(&g);
	return r;
}

int hm_hid_info_from_path(const char *path, struct hm_device_info *info)
{
	char syspath[PATH_MAX], id[64], *colon;
	uint32_t bus, vid, pid;
	int r;

	r = hid_syspath(path, syspath, sizeof(syspath));
	if (r < 0)
		return r;

	memset(info, 0, sizeof(*info));
	info->interface = -1;
	snprintf(info->path, sizeof(info->path), "%s", path);

	/* HID_ID=0003:00000B33:00000020 */
	r = uevent_get(syspath, "HID_ID", id, sizeof(id));
	if (r < 0)
		return r;
	colon = strchr(id, ':');
	if (!colon || !strchr(colon + 1, ':'))
		return -EINVAL;
	*colon = '\0';
	*strchr(colon + 1, ':') = '\0';
	if (safe_atou32_base(id, 16, &bus) < 0 || safe_atou32_base(colon + 1, 16, &vid) < 0 ||
	    safe_atou32_base(colon + 1 + strlen(colon + 1) + 1, 16, &pid) < 0)
		return -EINVAL;
	info->bus = (uint16_t)bus;
	info->vendor = (uint16_t)vid;
	info->product = (uint16_t)pid;

	(void)uevent_get(syspath, "HID_NAME", info->name, sizeof(info->name));
	(void)uevent_get(syspath, "HID_UNIQ", info->serial, sizeof(info->serial));
	(void)input_version(syspath, &info->version);
	return 0;
}

int hm_hid_read_descriptor(const char *path, uint8_t *buf, size_t size, size_t *ret_size)
{
#if HAVE_HID_GET_REPORT_DESCRIPTOR
	hid_device *h = hid_open_path(path);
	int n;

	if (!h)
		return -EIO;
	n = hid_get_report_descriptor(h, buf, size);
	hid_close(h);
	if (n < 0)
		return -EIO;
	*ret_size = (size_t)n;
	return 0;
#else
	char syspath[PATH_MAX], file[PATH_MAX + 32];
	int r;

	r = hid_syspath(path, syspath, sizeof(syspath));
	if (r < 0)
		return r;
	snprintf(file, sizeof(file), "%s/report_descriptor", syspath);
	return read_file(file, buf, size, ret_size);
#endif
}

static int cmp_entry(const void *a, const void *b)
{
	const struct hm_hid_entry *x = a, *y = b;

	return strverscmp(x->info.path, y->info.path);
}

int hm_hid_enumerate(struct hm_hid_entry **ret, size_t *ret_n)
{
	struct hid_device_info *list, *d;
	struct hm_hid_entry *entries = NULL;
	size_t n = 0;

	list = hid_enumerate(0, 0);
	for (d = list; d; d = d->next) {
		struct hm_hid_entry *e, *tmp;
		bool seen = false;

		/* hidapi lists a node once per top-level collection: keep the first */
		for (size_t i = 0; i < n; i++)
			if (streq(entries[i].info.path, d->path))
				seen = true;
		if (seen || !d->path)
			continue;
		tmp = realloc(entries, (n + 1) * sizeof(*entries));
		if (!tmp) {
			free(entries);
			hid_free_enumeration(list);
			return -ENOMEM;
		}
		entries = tmp;
		e = &entries[n];
		memset(e, 0, sizeof(*e));
		if (hm_hid_info_from_path(d->path, &e->info) < 0) {
			/* sysfs gone between the two looks: fall back on hidapi's word */
			snprintf(e->info.path, sizeof(e->info.path), "%s", d->path);
			e->info.vendor = d->vendor_id;
			e->info.product = d->product_id;
			if (d->product_string)
				snprintf(e->info.name, sizeof(e->info.name), "%ls",
				         d->product_string);
		}
		if (!e->info.version)
			e->info.version = d->release_number;
		e->info.interface = d->interface_number;
		e->usage_page = d->usage_page;
		e->usage = d->usage;
		n++;
	}
	hid_free_enumeration(list);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), cmp_entry);
	*ret = entries;
	*ret_n = n;
	return 0;
}
