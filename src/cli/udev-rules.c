/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "module.h"
#include "udev-rules.h"
#include "util-strings.h"

void hm_udev_rule_uinput(FILE *f)
{
	fprintf(f, "KERNEL==\"uinput\", SUBSYSTEM==\"misc\", OPTIONS+=\"static_node=uinput\", "
	           "TAG+=\"uaccess\"\n");
}

/* The hidraw node of the devices whose parent HID device's name matches
 * kernels, and their evdev nodes. */
static void rule_kernels(FILE *f, const char *kernels)
{
	/* The hidraw node to read it; its evdev nodes, which carry nothing
	 * the hidraw node does not, to EVIOCGRAB them while hidmapd drives it. */
	static const char *const matches[] = {
	    "SUBSYSTEM==\"hidraw\"",
	    "SUBSYSTEM==\"input\", KERNEL==\"event*\"",
	};

	for (size_t i = 0; i < ARRAY_SIZE(matches); i++)
		fprintf(f, "%s, KERNELS==\"%s\", TAG+=\"uaccess\"\n", matches[i], kernels);
}

void hm_udev_rule_device(FILE *f, uint16_t bus, uint16_t vendor, uint16_t product)
{
	/* The parent HID device is named BBBB:VVVV:PPPP.NNNN, upper-case hex. */
	char kernels[32];

	if (bus == HM_BUS_ANY)
		snprintf(kernels, sizeof(kernels), "*:%04X:%04X.*", vendor, product);
	else
		snprintf(kernels, sizeof(kernels), "%04X:%04X:%04X.*", bus, vendor, product);
	rule_kernels(f, kernels);
}

void hm_udev_rule_vendor(FILE *f, uint16_t vendor)
{
	/* BBBB:VVVV:PPPP.NNNN with any bus and product; "????" keeps the
	 * vendor in its place (no other parent's name, such as a USB
	 * interface's "1-1:1.0", has this form) */
	char kernels[32];

	snprintf(kernels, sizeof(kernels), "????:%04X:????.*", vendor);
	rule_kernels(f, kernels);
}

static bool same_device(const struct hm_device_id *a, const struct hm_device_id *b)
{
	return a->bus == b->bus && a->vendor == b->vendor && a->product == b->product;
}

static bool same_device_earlier(const struct hm_device_id *table, const struct hm_device_id *id)
{
	for (const struct hm_device_id *e = table; e < id; e++)
		if (same_device(e, id))
			return true;
	return false;
}

/*
 * An id's predicates (interface, usage page) cannot narrow the rule: udev
 * matches every parent key (KERNELS, ATTRS) on one and the same ancestor,
 * and the HID device whose name carries vendor:product is not the USB
 * interface that carries bInterfaceNumber; the usage page is in no udev
 * property.  The rule covers every interface of the device; hidmapd itself
 * drives only the one the predicates name.  Said in the rules as a comment.
 */
static void write_predicates(FILE *f, const struct hm_device_id *table,
                             const struct hm_device_id *first)
{
	bool any = false;

	for (const struct hm_device_id *id = first; id->vendor || id->product; id++) {
		if (!same_device(id, first) || !id->match_flags)
			continue;
		if (!any)
			fprintf(f, "#   %04X:%04X: hidmapd drives only", first->vendor,
			        first->product);
		else
			fprintf(f, " or");
		if (id->match_flags & HM_MATCH_INTERFACE)
			fprintf(f, " interface %u", id->interface);
		if (id->match_flags & HM_MATCH_USAGE_PAGE)
			fprintf(f, " usage page %04X", id->usage_page);
		if (id->match_flags & HM_MATCH_USAGE)
			fprintf(f, " usage %04X", id->usage);
		any = true;
	}
	if (any)
		fprintf(f, "; this rule matches vendor:product, every interface\n");
}

void hm_udev_rules_write_modules(FILE *f, const struct hm_module *const *modules)
{
	fprintf(f,
	        "# Generated from hidmapd's module id tables; do not edit.\n"
	        "# The logged-in user gets access to these nodes through the uaccess tag\n"
	        "# (applied by systemd-logind's 73-seat-late.rules), so hidmapd never needs root.\n"
	        "# At a user switch logind takes access away but does not close open files:\n"
	        "# hidmapd lets go of the devices while its user's seat sessions are inactive.\n"
	        "\n"
	        "ACTION==\"remove\", GOTO=\"hidmapd_end\"\n"
	        "\n"
	        "# uinput, to create the virtual devices\n");
	hm_udev_rule_uinput(f);
	fprintf(f, "\n# hidraw and evdev nodes of the devices hidmapd's modules drive\n");
	for (size_t i = 0; modules[i]; i++) {
		const struct hm_module *m = modules[i];

		if (!m->id_table)
			continue;
		fprintf(f, "# %s: %s\n", m->name, m->description);
		for (const struct hm_device_id *id = m->id_table; id->vendor || id->product; id++) {
			if (same_device_earlier(m->id_table, id))
				continue; /* entries that differ by predicates only */
			write_predicates(f, m->id_table, id);
			hm_udev_rule_device(f, id->bus, id->vendor, id->product);
		}
	}
	fprintf(f, "\nLABEL=\"hidmapd_end\"\n");
}

void hm_udev_rules_write(FILE *f)
{
	hm_udev_rules_write_modules(f, hm_modules);
}

const struct hm_module *hm_udev_rules_covered(const struct hm_module *const *modules,
                                              uint16_t vendor, uint16_t product, uint16_t *ret_bus)
{
	uint16_t bus = 0;

	for (size_t i = 0; modules[i]; i++) {
		const struct hm_device_id *id = modules[i]->id_table;

		for (; id && (id->vendor || id->product); id++) {
			if (id->vendor != vendor || id->product != product)
				continue;
			if (id->bus == HM_BUS_ANY) {
				if (ret_bus)
					*ret_bus = 0;
				return modules[i];
			}
			if (!bus)
				bus = id->bus;
		}
	}
	if (ret_bus)
		*ret_bus = bus;
	return NULL;
}

bool hm_udev_rules_find_shipped(const char *root, char *buf, size_t size)
{
	/* udev's rule directories, in its order of precedence (systemd 252) */
	static const struct {
		const char *dir;
		bool can_mask;
	} dirs[] = {
	    {"/etc/udev/rules.d", true},
	    {"/run/udev/rules.d", true},
	    {"/usr/local/lib/udev/rules.d", false},
	    {"/usr/lib/udev/rules.d", false},
	    {"/lib/udev/rules.d", false},
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char file[PATH_MAX], target[PATH_MAX];
		struct stat st;
		ssize_t n;
		int len = snprintf(file, sizeof(file), "%s%s/%s", root, dirs[i].dir,
		                   HM_UDEV_SHIPPED_RULES);

		if (len < 0 || (size_t)len >= sizeof(file) || stat(file, &st) < 0)
			continue;
		if (dirs[i].can_mask) {
			n = readlink(file, target, sizeof(target) - 1);
			if (n >= 0)
				target[n] = '\0';
			if (st.st_size == 0 || (n >= 0 && streq(target, "/dev/null")))
				return false; /* masked: the shipped rules are off */
		}
		snprintf(buf, size, "%s", file);
		return true;
	}
	return false;
}

static void section_ref(FILE *f, const struct hm_config_device *d)
{
	fprintf(f, "# [device %s] %s:%u: ", d->id, d->file, d->line);
}

/* Why a section without vid:pid cannot become a rule by id. */
static void explain_no_id(FILE *f, const struct hm_config_device *d,
                          const struct hm_module *const *modules, const char *shipped)
{
	const struct hm_module *m = NULL;

	section_ref(f, d);
	if (d->match_module) {
		for (size_t i = 0; modules[i]; i++)
			if (streq(modules[i]->name, d->match_module))
				m = modules[i];
	}
	if (m && m->id_table) {
		if (shipped)
			fprintf(f, "matches the devices of module %s, which %s covers\n", m->name,
			        shipped);
		else
			fprintf(f,
			        "matches the devices of module %s, which the shipped rules cover,\n"
			        "#   but %s is not installed: install hidmapd\n",
			        m->name, HM_UDEV_SHIPPED_RULES);
		return;
	}
	fprintf(f, "matches by");
	if (d->match_name)
		fprintf(f, " name \"%s\"", d->match_name);
	if (d->match_serial)
		fprintf(f, "%s serial \"%s\"", d->match_name ? "," : "", d->match_serial);
	if (d->match_module)
		fprintf(f, "%s module %s", d->match_name || d->match_serial ? "," : "",
		        d->match_module);
	fprintf(f, ", not vendor:product, so it cannot become a rule by id: add\n"
	           "#   match = VVVV:PPPP (`hidmapd list` shows the ids) to that section\n");
}

size_t hm_udev_rules_write_local(FILE *f, const struct hm_config *config,
                                 const struct hm_module *const *modules, const char *shipped)
{
	size_t nrules = 0;

	fprintf(f, "# udev rules for the devices your hidmapd configuration selects, written by\n"
	           "# `hidmapd udev-rules` from:\n");
	for (size_t i = 0; i < config->nfiles; i++)
		fprintf(f, "#   %s\n", config->files[i]);
	if (config->nfiles == 0)
		fprintf(f, "#   (no configuration files)\n");
	fprintf(f, "# The user of the active local session gets access through the uaccess tag\n"
	           "# (systemd-logind applies it, not over ssh).  At a user switch logind takes\n"
	           "# access away but does not close open files: hidmapd lets go of the devices\n"
	           "# itself while its user's seat session is in the background (hidmapd(1)).\n"
	           "\n"
	           "ACTION==\"remove\", GOTO=\"hidmapd_local_end\"\n"
	           "\n"
	           "# uinput, to create the virtual devices\n");
	hm_udev_rule_uinput(f);
	fprintf(f, "\n# hidraw and evdev nodes of the devices the configuration selects\n");

	for (size_t i = 0; i < config->ndevices; i++) {
		const struct hm_config_device *d = &config->devices[i];
		const struct hm_config_device *earlier = NULL;
		const struct hm_module *m;
		char id[16];
		uint16_t bus;

		if (!d->match_vidpid) {
			explain_no_id(f, d, modules, shipped);
			continue;
		}
		if (d->match_any_product)
			snprintf(id, sizeof(id), "%04X:*", d->vendor);
		else
			snprintf(id, sizeof(id), "%04X:%04X", d->vendor, d->product);
		if (!d->enabled) {
			section_ref(f, d);
			fprintf(f, "%s is disabled (enabled = no), no rule\n", id);
			continue;
		}
		/* an earlier rule for the same id, or for all of its vendor */
		for (size_t j = 0; j < i && !earlier; j++) {
			const struct hm_config_device *e = &config->devices[j];

			if (e->match_vidpid && e->enabled && e->vendor == d->vendor &&
			    (e->match_any_product ||
			     (!d->match_any_product && e->product == d->product)))
				earlier = e;
		}
		if (earlier) {
			section_ref(f, d);
			if (earlier->match_any_product && !d->match_any_product)
				fprintf(f, "%s is covered by %04X:* of [device %s] above\n", id,
				        d->vendor, earlier->id);
			else
				fprintf(f, "%s again, as [device %s] above\n", id, earlier->id);
			continue;
		}
		if (d->match_any_product) {
			/* the shipped rules list single products: never all of
			 * a vendor's */
			section_ref(f, d);
			fprintf(f, "%s (every product of vendor %04X)\n", id, d->vendor);
			hm_udev_rule_vendor(f, d->vendor);
			nrules++;
			continue;
		}
		m = hm_udev_rules_covered(modules, d->vendor, d->product, &bus);
		if (m && shipped) {
			section_ref(f, d);
			fprintf(f, "%s is in the shipped rules (module %s, %s)\n", id, m->name,
			        shipped);
			continue;
		}
		section_ref(f, d);
		if (m)
			fprintf(
			    f,
			    "%s (module %s; its shipped rules are not installed: %s not found)\n",
			    id, m->name, HM_UDEV_SHIPPED_RULES);
		else if (bus && shipped)
			fprintf(f, "%s (the shipped rules cover it on bus %04X only)\n", id, bus);
		else
			fprintf(f, "%s\n", id);
		hm_udev_rule_device(f, HM_BUS_ANY, d->vendor, d->product);
		nrules++;
	}
	if (config->ndevices == 0)
		fprintf(f, "# (no [device] sections)\n");
	fprintf(f, "\nLABEL=\"hidmapd_local_end\"\n"
	           "\n"
	           "# Install:\n"
	           "#   " HM_UDEV_INSTALL_COMMAND "\n"
	           "# uaccess needs an active local session; if /dev/uinput still refuses\n"
	           "# you afterwards, log out and in again.\n");
	return nrules;
}
