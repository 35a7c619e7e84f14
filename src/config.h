/* SPDX-License-Identifier: MIT */
/*
 * Configuration: which devices hidmapd drives and how their events are
 * remapped.  INI files (libinih), documented in doc/hidmapd.ini.5.md.
 *
 * Files are read in this order; for every device the LAST matching
 * [device] section wins, so user files override the shipped defaults:
 *   1. HIDMAPD_DATADIR/config.d/ (shipped defaults, *.ini, sorted by name)
 *   2. HIDMAPD_SYSCONFDIR/       (admin, *.ini)
 *   3. $XDG_CONFIG_HOME/hidmapd/ (or ~/.config/hidmapd/, *.ini)
 *
 * A file with any error is rejected whole; hm_config_load() rejects the
 * whole configuration when any file fails, so a reload never half-applies.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util-mem.h"

struct hm_device_info;

/* Limits on what a configuration may hold (doc/hidmapd.ini.5.md). */
#define HM_CONFIG_MAX_FILE_SIZE (1024 * 1024) /* bytes per file */
#define HM_CONFIG_MAX_LINE      190           /* characters per line, without the newline */
#define HM_CONFIG_MAX_FILES     256           /* files in one load */
#define HM_CONFIG_MAX_SECTIONS  256           /* sections per file */
#define HM_CONFIG_MAX_MAPS      1024          /* lines per [remap] section */
#define HM_CONFIG_MAX_ID        64            /* characters of a section id */

/* Reports one problem, formatted "file:line: message" (no newline). */
typedef void (*hm_config_diag_fn)(void *userdata, const char *file, unsigned line,
                                  const char *message);

enum hm_unmapped_policy {
	HM_UNMAPPED_PASS = 0, /* events without a mapping pass through unchanged */
	HM_UNMAPPED_DROP,     /* ...or are dropped */
};

/* One "SOURCE = TARGET" line of a [remap] section. */
struct hm_config_map {
	unsigned from_type, from_code; /* EV_KEY + code */
	bool disabled;                 /* "TARGET" was "disabled" */
	unsigned to_type, to_code;
	char *file;
	unsigned line;
};

struct hm_config_device {
	char *id; /* the section name: [device ID] */
	char *file;
	unsigned line;
	/* match: every given criterion must hold; a section with none is an error */
	bool match_vidpid;
	uint16_t vendor, product;
	char *match_name;   /* fnmatch(3) glob on the HID name */
	char *match_module; /* the module that claims the device */
	char *match_serial;
	/* settings */
	char *module; /* force this module (e.g. "generic"), NULL: the registry decides */
	bool enabled; /* drive it (default true) */
	bool grab;    /* hide the kernel's own evdev nodes (default true) */
	enum hm_unmapped_policy unmapped;
	char *profile; /* [remap PROFILE] to use; default: the device id */
};

#define HM_CONFIG_DEFAULT_REPLUG_GRACE_US (3 * 1000000ULL)
#define HM_CONFIG_MAX_REPLUG_GRACE_US     (600 * 1000000ULL)

struct hm_config {
	/* [hidmapd] replug-grace: how long the virtual devices of a device
	 * that disappeared are kept for it to come back (0: not kept) */
	uint64_t replug_grace_us;
	bool replug_grace_set; /* given in some file (the last one wins) */
	struct hm_config_device *devices;
	size_t ndevices;
	struct hm_config_profile *profiles;
	size_t nprofiles;
	char **files; /* every file read, in order */
	size_t nfiles;
};

struct hm_config_profile {
	char *id; /* [remap ID] */
	char *file;
	unsigned line;
	struct hm_config_map *maps;
	size_t nmaps;
};

/*
 * Loads the given paths in order; a path that is a directory contributes
 * its *.ini files sorted by name, a missing path is skipped.  Every problem
 * goes to diag (may be NULL).  Returns 0 and *ret, or -EINVAL if any file
 * has an error (then *ret is untouched), -errno for I/O errors.
 */
int hm_config_load(const char *const *paths, size_t npaths, hm_config_diag_fn diag, void *userdata,
                   struct hm_config **ret);

/* The default search path above (XDG resolved); *ret_n entries, strings static or heap-owned by a
 * static. The environment is read on every call; the result is valid until the next call. */
const char *const *hm_config_default_paths(size_t *ret_n);

/* An empty configuration. */
struct hm_config *hm_config_new_empty(void);

void hm_config_free(struct hm_config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hm_config *, hm_config_free);

/* The section that selects this device (last match wins), or NULL.
 * module_name is the module the registry would pick (NULL: none). */
const struct hm_config_device *hm_config_match(const struct hm_config *c,
                                               const struct hm_device_info *info,
                                               const char *module_name);

/* The [remap] section for a device section, or NULL. */
const struct hm_config_profile *hm_config_profile_for(const struct hm_config *c,
                                                      const struct hm_config_device *dev);
