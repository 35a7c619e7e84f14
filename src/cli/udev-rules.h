/* SPDX-License-Identifier: MIT */
/*
 * udev rules that give the logged-in user (uaccess) the nodes hidmapd
 * needs; never MODE or GROUP.  Two sets, one rule writer:
 *   shipped  70-hidmapd.rules, built from the modules' id tables
 *            (systemd/gen-udev-rules.c)
 *   local    `hidmapd udev-rules`: the devices the user's config selects
 *            by vid:pid that the shipped rules do not already cover
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hm_config;
struct hm_module;

#define HM_UDEV_SHIPPED_RULES "70-hidmapd.rules"
#define HM_UDEV_LOCAL_RULES   "/etc/udev/rules.d/71-hidmapd-local.rules"
/* What installs the local rules and applies them to present devices. */
#define HM_UDEV_INSTALL_COMMAND                                                                    \
	"hidmapd udev-rules | sudo tee " HM_UDEV_LOCAL_RULES " && sudo udevadm control --reload"   \
	" && sudo udevadm trigger --subsystem-match=hidraw --subsystem-match=input"                \
	" --subsystem-match=misc"

/* KERNEL=="uinput" ... TAG+="uaccess" */
void hm_udev_rule_uinput(FILE *f);
/* The hidraw node of one device on bus (HM_BUS_ANY: every bus), and its
 * evdev nodes (for the grab). */
void hm_udev_rule_device(FILE *f, uint16_t bus, uint16_t vendor, uint16_t product);
/* The same for every product of vendor on every bus (match = VID:*). */
void hm_udev_rule_vendor(FILE *f, uint16_t vendor);

/* The shipped rules for the given modules (NULL-terminated, like hm_modules). */
void hm_udev_rules_write_modules(FILE *f, const struct hm_module *const *modules);
/* ...for hm_modules: 70-hidmapd.rules. */
void hm_udev_rules_write(FILE *f);

/* The first module whose id table gives vendor:product access on every bus
 * in the shipped rules, or NULL; *ret_bus (may be NULL) is then set to a bus
 * that a bus-specific entry covers, 0 if none does. */
const struct hm_module *hm_udev_rules_covered(const struct hm_module *const *modules,
                                              uint16_t vendor, uint16_t product, uint16_t *ret_bus);

/*
 * Looks for HM_UDEV_SHIPPED_RULES where udev reads rules (/etc, /run,
 * /usr/local/lib, /usr/lib, /lib; under root, "" for the real one).  A
 * file in /etc or /run that is empty or /dev/null masks it.  Returns true
 * and the file in buf when installed and not masked.
 */
bool hm_udev_rules_find_shipped(const char *root, char *buf, size_t size);

/*
 * The local rules for config: the uinput rule, a hidraw rule per vid:pid
 * that the [device] sections select (once per vid:pid), and comments for
 * the sections that cannot become a rule by id, that are disabled, or that
 * the shipped rules (shipped: the installed file, NULL when not installed,
 * then its rules are included) already cover.  Ends with the install
 * command as a comment.  Returns the number of hidraw rules written.
 */
size_t hm_udev_rules_write_local(FILE *f, const struct hm_config *config,
                                 const struct hm_module *const *modules, const char *shipped);
