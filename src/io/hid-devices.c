/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <hidapi/hidapi.h>

#include "build-config.h"
#include "device-kind.h"
#include "hid-devices.h"
#include "util-log.h"
#include "util-strings.h"

#define UEVENT_MAX 8192 /* the kernel's uevent buffer is 2048 bytes */

static char sysfs_root[PATH_MAX] = "/sys";

/*
 * hidapi 0.13.1 keeps its last error in one global string (not
 * thread-local: Debian's library has no TLS) that hid_init(), hid_exit(),
 * hid_enumerate() and hid_open_path() free and replace unlocked; two of
 * them at once on the work pool's threads, after a failed open, could
 * free the same string twice.  They are made one at a time.  This costs
 * the opens no fairness: hidraw's open() takes the kernel's global
 * minors_rwsem for writing, so two opens never overlap in the kernel
 * either.
 */
static pthread_mutex_t hidapi_global = PTHREAD_MUTEX_INITIALIZER;

int hm_hid_init(void)
{
	int r;

	pthread_mutex_lock(&hidapi_global);
	r = hid_init() == 0 ? 0 : -EIO;
	pthread_mutex_unlock(&hidapi_global);
	return r;
}

void hm_hid_exit(void)
{
	pthread_mutex_lock(&hidapi_global);
	hid_exit();
	pthread_mutex_unlock(&hidapi_global);
}

struct hid_device_ *hm_hid_open_path(const char *path)
{
	hid_device *dev;
	int e;

	pthread_mutex_lock(&hidapi_global);
	errno = 0;
	dev = hid_open_path(path);
	e = errno;
	pthread_mutex_unlock(&hidapi_global);
	errno = e;
	return dev;
}

void hm_hid_set_sysfs_root(const char *root)
{
	snprintf(sysfs_root, sizeof(sysfs_root), "%s", root ? root : "/sys");
}

const char *hm_hid_sysfs_root(void)
{
	return sysfs_root;
}

static const char *node_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* "hidraw" and digits: nothing that could walk out of the class directory */
static bool is_hidraw_name(const char *name)
{
	const char *digits = startswith(name, "hidraw");

	if (!digits || !*digits || strlen(digits) > 9)
		return false;
	for (; *digits; digits++)
		if (!isdigit((unsigned char)*digits))
			return false;
	return true;
}

/* ROOT/class/hidraw/hidrawN/device/SUFFIX: the HID device the node belongs to */
static int hid_file(const char *path, const char *suffix, char *buf, size_t size)
{
	int n;

	if (!is_hidraw_name(node_name(path)))
		return -EINVAL;
	n = snprintf(buf, size, "%s/class/hidraw/%s/device%s%s", sysfs_root, node_name(path),
	             *suffix ? "/" : "", suffix);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int hid_exists(const char *path)
{
	char dir[PATH_MAX];
	int r = hid_file(path, "", dir, sizeof(dir));

	if (r < 0)
		return r;
	return access(dir, F_OK) == 0 ? 0 : -ENODEV;
}

static int read_file(const char *file, uint8_t *buf, size_t size, size_t *ret_size)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	size_t have = 0;

	if (fd < 0)
		return -errno;
	while (have < size) {
		ssize_t n = read(fd, buf + have, size - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	*ret_size = have;
	return 0;
}

/* A small text file as a string; -EFBIG when it does not fit. */
static int read_text(const char *file, char *buf, size_t size)
{
	size_t n;
	int r = read_file(file, (uint8_t *)buf, size, &n);

	if (r < 0)
		return r;
	if (n == size)
		return -EFBIG;
	buf[n] = '\0';
	if (memchr(buf, '\0', n))
		return -EINVAL;
	return 0;
}

/* The value of KEY in a uevent text (lines KEY=value); -ENOENT when absent. */
static int uevent_find(const char *text, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	for (const char *line = text; *line;) {
		const char *end = strchrnul(line, '\n');

		if ((size_t)(end - line) > klen && strncmp(line, key, klen) == 0 &&
		    line[klen] == '=') {
			const char *v = line + klen + 1;
			size_t len = (size_t)(end - v);

			if (len >= size)
				len = size - 1; /* the kernel caps names too: truncate */
			memcpy(out, v, len);
			out[len] = '\0';
			/* as before sysfs was read by hand: no blanks around values */
			v = strstrip(out);
			memmove(out, v, strlen(v) + 1);
			return 0;
		}
		line = *end ? end + 1 : end;
	}
	if (size)
		out[0] = '\0';
	return -ENOENT;
}

static int read_uevent(const char *path, char *text, size_t size)
{
	char file[PATH_MAX];
	int r = hid_file(path, "uevent", file, sizeof(file));

	if (r < 0)
		return r;
	return read_text(file, text, size);
}

/* HID_ID=0003:0000046D:0000C52B: bus, vendor, product, each at most 16 bits */
static int parse_hid_id(char *id, uint16_t *bus, uint16_t *vendor, uint16_t *product)
{
	char *fields[3], *save = NULL, *tok;
	uint32_t v[3];
	size_t n = 0;

	for (tok = strtok_r(id, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (n == 3)
			return -EINVAL;
		fields[n++] = tok;
	}
	if (n != 3)
		return -EINVAL;
	for (size_t i = 0; i < 3; i++) {
		for (const char *c = fields[i]; *c; c++)
			if (!isxdigit((unsigned char)*c))
				return -EINVAL;
		if (safe_atou32_base(fields[i], 16, &v[i]) < 0 || v[i] > UINT16_MAX)
			return -EINVAL;
	}
	*bus = (uint16_t)v[0];
	*vendor = (uint16_t)v[1];
	*product = (uint16_t)v[2];
	return 0;
}

/* The version the kernel gave the HID device's own input nodes, if any. */
static int input_version(const char *path, uint16_t *ret)
{
	char pattern[PATH_MAX];
	glob_t g;
	int r = hid_file(path, "input/input*/id/version", pattern, sizeof(pattern));

	if (r < 0)
		return r;
	r = -ENOENT;
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		char buf[16];
		uint32_t v;

		if (read_text(g.gl_pathv[0], buf, sizeof(buf)) == 0 &&
		    safe_atou32_base(strstrip(buf), 16, &v) == 0 && v <= UINT16_MAX) {
			*ret = (uint16_t)v;
			r = 0;
		}
	}
	globfree(&g);
	return r;
}

/* bInterfaceNumber of the parent USB interface (hex, "01"); -ENOENT off USB */
static int usb_interface(const char *path, int *ret)
{
	char file[PATH_MAX], buf[16];
	uint32_t v;
	int r = hid_file(path, "../bInterfaceNumber", file, sizeof(file));

	if (r < 0)
		return r;
	r = read_text(file, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (safe_atou32_base(strstrip(buf), 16, &v) < 0 || v > 255)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

/* What the device is (match-type), from the descriptor in sysfs; 0 if unreadable. */
static unsigned descriptor_kinds(const char *path)
{
	uint8_t rdesc[HID_RDESC_MAX_SIZE];
	char file[PATH_MAX];
	size_t n = 0;

	if (hid_file(path, "report_descriptor", file, sizeof(file)) < 0 ||
	    read_file(file, rdesc, sizeof(rdesc), &n) < 0)
		return 0;
	return hm_kinds_from_descriptor(rdesc, n);
}

int hm_hid_info_from_path(const char *path, struct hm_device_info *info)
{
	char uevent[UEVENT_MAX], id[64];
	struct hm_device_info i = {.interface = -1};
	int r;

	r = hid_exists(path);
	if (r < 0)
		return r;
	r = read_uevent(path, uevent, sizeof(uevent));
	if (r < 0)
		return r;
	r = uevent_find(uevent, "HID_ID", id, sizeof(id));
	if (r < 0)
		return r;
	r = parse_hid_id(id, &i.bus, &i.vendor, &i.product);
	if (r < 0)
		return r;
	snprintf(i.path, sizeof(i.path), "%s", path);
	(void)uevent_find(uevent, "HID_NAME", i.name, sizeof(i.name));
	(void)uevent_find(uevent, "HID_UNIQ", i.serial, sizeof(i.serial));
	(void)input_version(path, &i.version);
	(void)usb_interface(path, &i.interface);
	i.kinds = descriptor_kinds(path);
	*info = i;
	return 0;
}

int hm_hid_phys(const char *path, char *buf, size_t size)
{
	char uevent[UEVENT_MAX];
	int r = read_uevent(path, uevent, sizeof(uevent));

	if (r < 0)
		return r;
	(void)uevent_find(uevent, "HID_PHYS", buf, size);
	return 0;
}

int hm_hid_driver(const char *path, char *buf, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	int r = hid_file(path, "driver", link, sizeof(link));

	if (r < 0)
		return r;
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	target[n] = '\0';
	snprintf(buf, size, "%s", node_name(target));
	return 0;
}

int hm_hid_read_descriptor(const char *path, uint8_t *buf, size_t size, size_t *ret_size)
{
	char file[PATH_MAX];
	int r = hid_file(path, "report_descriptor", file, sizeof(file));

	if (r >= 0)
		r = read_file(file, buf, size, ret_size);
#if HAVE_HID_GET_REPORT_DESCRIPTOR
	if (r < 0) {
		hid_device *h = hm_hid_open_path(path);
		int n;

		if (!h)
			return r;
		n = hid_get_report_descriptor(h, buf, size);
		hid_close(h);
		if (n < 0)
			return r;
		*ret_size = (size_t)n;
		r = 0;
	}
#endif
	return r;
}

static int cmp_version(const void *a, const void *b)
{
	return strverscmp(*(const char *const *)a, *(const char *const *)b);
}

int hm_hid_evdev_nodes(const char *path, struct hm_hid_evdev_nodes *ret)
{
	char pattern[PATH_MAX];
	const char **names;
	glob_t g;
	int r = hid_file(path, "input/input*/event*", pattern, sizeof(pattern));

	if (r < 0)
		return r;
	r = hid_exists(path);
	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	r = glob(pattern, 0, NULL, &g);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		return -ENOMEM;
	names = calloc(g.gl_pathc, sizeof(*names));
	if (!names) {
		globfree(&g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		names[i] = node_name(g.gl_pathv[i]);
	/* glob sorts event10 before event9 */
	qsort(names, g.gl_pathc, sizeof(*names), cmp_version);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (ret->n == HM_HID_MAX_EVDEV) {
			ret->truncated = true;
			break;
		}
		snprintf(ret->node[ret->n++], sizeof(ret->node[0]), "/dev/input/%.16s", names[i]);
	}
	free(names);
	globfree(&g);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct hm_hid_entry *x = a, *y = b;

	return strverscmp(x->info.path, y->info.path);
}

/* One more entry, zeroed, at the end of *entries (n of them).  Out of
 * memory the list is freed (*entries NULL) and NULL returned: an
 * enumeration gives all or nothing.  Both enumerators grow their list so. */
static struct hm_hid_entry *entry_append(struct hm_hid_entry **entries, size_t n)
{
	struct hm_hid_entry *tmp = reallocarray(*entries, n + 1, sizeof(*tmp));

	if (!tmp) {
		free(*entries);
		*entries = NULL;
		return NULL;
	}
	*entries = tmp;
	memset(&tmp[n], 0, sizeof(tmp[n]));
	return &tmp[n];
}

int hm_hid_enumerate_sysfs(struct hm_hid_entry **ret, size_t *ret_n)
{
	char dir[PATH_MAX];
	struct hm_hid_entry *entries = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/class/hidraw", sysfs_root) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			return -errno;
		/* no hidraw module loaded, or no HID device ever: an empty list */
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	while ((de = readdir(d))) {
		struct hm_hid_entry *e;
		char path[64];
		int r;

		if (!is_hidraw_name(de->d_name))
			continue;
		e = entry_append(&entries, n);
		if (!e) {
			closedir(d);
			return -ENOMEM;
		}
		snprintf(path, sizeof(path), "/dev/%.16s",
		         de->d_name); /* is_hidraw_name(): short */
		r = hm_hid_info_from_path(path, &e->info);
		if (r < 0) {
			log_warning_errno(r, "%s/%s: unreadable: %m, ignoring", dir, de->d_name);
			continue;
		}
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), cmp_entry);
	*ret = entries;
	*ret_n = n;
	return 0;
}

int hm_hid_enumerate(struct hm_hid_entry **ret, size_t *ret_n)
{
	struct hid_device_info *list, *d;
	struct hm_hid_entry *entries = NULL;
	size_t n = 0;

	pthread_mutex_lock(&hidapi_global);
	list = hid_enumerate(0, 0);
	pthread_mutex_unlock(&hidapi_global);
	for (d = list; d; d = d->next) {
		struct hm_hid_entry *e;
		bool seen = false;

		/* hidapi lists a node once per top-level collection: keep the first */
		for (size_t i = 0; i < n; i++)
			if (streq(entries[i].info.path, d->path))
				seen = true;
		if (seen || !d->path)
			continue;
		e = entry_append(&entries, n);
		if (!e) {
			hid_free_enumeration(list);
			return -ENOMEM;
		}
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
		n++;
	}
	hid_free_enumeration(list);
	if (n > 1)
		qsort(entries, n, sizeof(*entries), cmp_entry);
	*ret = entries;
	*ret_n = n;
	return 0;
}
