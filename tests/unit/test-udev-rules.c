/* SPDX-License-Identifier: MIT */
/*
 * udev rules: the shipped 70-hidmapd.rules from the module id tables (every
 * entry, bus-specific or any bus) and the local rules `hidmapd udev-rules`
 * writes for a config (tests/unit/udev/local.ini): one uaccess rule per
 * selected vid:pid (tests/unit/udev/any-product.ini: one per vendor for
 * match = VID:*), comments for what cannot or need not become a rule.
 */
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert-text.h"
#include "config.h"
#include "module.h"
#include "sysfs-fixture.h"
#include "udev-rules.h"

static const struct hm_device_id fake_ids[] = {
    {HM_DEVICE(HM_BUS_ANY, 0x0b33, 0x0020)},
    {HM_DEVICE(0x0003, 0x1234, 0x5678)}, /* USB only */
    {HM_DEVICE(0x0005, 0xaaaa, 0xbbbb)}, /* Bluetooth only */
    {0},
};
static const struct hm_module fake_shuttle = {
    .name = "shuttlexpress", .description = "fake", .id_table = fake_ids};
static const struct hm_module fake_generic = {.name = "generic", .description = "no table"};
static const struct hm_module *const fake_modules[] = {&fake_shuttle, &fake_generic, NULL};

/* Everything f wrote, as one string (freed by the caller). */
struct mem {
	char *buf;
	size_t size;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->f = open_memstream(&m->buf, &m->size);
	assert_non_null(m->f);
}

static char *mem_close(struct mem *m)
{
	assert_int_equal(fclose(m->f), 0);
	return m->buf;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void assert_no_bad_access(const char *text)
{
	assert_null(strstr(text, "MODE"));
	assert_null(strstr(text, "GROUP"));
	assert_null(strstr(text, "0666"));
}

static void test_shipped_fake(void **state)
{
	struct mem m;
	char *text;

	mem_open(&m);
	hm_udev_rules_write_modules(m.f, fake_modules);
	text = mem_close(&m);
	assert_contains(text, "KERNEL==\"uinput\", SUBSYSTEM==\"misc\", "
	                      "OPTIONS+=\"static_node=uinput\", TAG+=\"uaccess\"\n");
	assert_contains(text, "SUBSYSTEM==\"hidraw\", KERNELS==\"*:0B33:0020.*\", "
	                      "TAG+=\"uaccess\"\n");
	assert_contains(text, "SUBSYSTEM==\"hidraw\", KERNELS==\"0003:1234:5678.*\", "
	                      "TAG+=\"uaccess\"\n");
	assert_contains(text, "SUBSYSTEM==\"hidraw\", KERNELS==\"0005:AAAA:BBBB.*\", "
	                      "TAG+=\"uaccess\"\n");
	assert_int_equal(count(text, "SUBSYSTEM==\"hidraw\""), 3);
	/* the evdev nodes of each, for the grab */
	assert_contains(text,
	                "SUBSYSTEM==\"input\", KERNEL==\"event*\", KERNELS==\"*:0B33:0020.*\", "
	                "TAG+=\"uaccess\"\n");
	assert_contains(text, "SUBSYSTEM==\"input\", KERNEL==\"event*\", "
	                      "KERNELS==\"0005:AAAA:BBBB.*\", TAG+=\"uaccess\"\n");
	assert_int_equal(count(text, "SUBSYSTEM==\"input\", KERNEL==\"event*\""), 3);
	assert_contains(text, "# shuttlexpress: fake\n");
	assert_null(strstr(text, "generic")); /* no table, no rules */
	assert_contains(text, "ACTION==\"remove\", GOTO=\"hidmapd_end\"\n");
	assert_contains(text, "\nLABEL=\"hidmapd_end\"\n");
	assert_no_bad_access(text);
	free(text);
}

/* Entries that differ by predicates only give one rule, with a comment
 * saying what the rule cannot express. */
static void test_shipped_predicates(void **state)
{
	static const struct hm_device_id ids[] = {
	    {HM_DEVICE(HM_BUS_ANY, 0x05f3, 0x0405), .match_flags = HM_MATCH_INTERFACE,
	     .interface = 0},
	    {HM_DEVICE(HM_BUS_ANY, 0x05f3, 0x0405),
	     .match_flags = HM_MATCH_USAGE_PAGE | HM_MATCH_USAGE, .usage_page = 0x000c,
	     .usage = 0x0001},
	    {0},
	};
	static const struct hm_module pred = {.name = "pred", .description = "x", .id_table = ids};
	static const struct hm_module *const modules[] = {&pred, NULL};
	struct mem m;
	char *text;

	mem_open(&m);
	hm_udev_rules_write_modules(m.f, modules);
	text = mem_close(&m);
	assert_int_equal(count(text, "SUBSYSTEM==\"hidraw\""), 1);
	assert_contains(text, "#   05F3:0405: hidmapd drives only interface 0 or usage page 000C "
	                      "usage 0001; this rule matches vendor:product, every interface\n"
	                      "SUBSYSTEM==\"hidraw\", KERNELS==\"*:05F3:0405.*\"");
	free(text);
}

static void test_shipped_registry(void **state)
{
	struct mem m;
	char *text;
	size_t nids = 0;

	mem_open(&m);
	hm_udev_rules_write(m.f);
	text = mem_close(&m);
	for (size_t i = 0; hm_modules[i]; i++) {
		const struct hm_device_id *id = hm_modules[i]->id_table;

		for (; id && (id->vendor || id->product); id++) {
			char want[128];

			if (id->bus == HM_BUS_ANY)
				snprintf(want, sizeof(want), "KERNELS==\"*:%04X:%04X.*\"",
				         id->vendor, id->product);
			else
				snprintf(want, sizeof(want), "KERNELS==\"%04X:%04X:%04X.*\"",
				         id->bus, id->vendor, id->product);
			assert_contains(text, want);
			nids++;
		}
	}
	assert_true(nids > 0);
	assert_int_equal(count(text, "SUBSYSTEM==\"hidraw\""), nids);
	assert_int_equal(count(text, "SUBSYSTEM==\"input\", KERNEL==\"event*\""), nids);
	assert_no_bad_access(text);
	free(text);
}

static void test_covered(void **state)
{
	uint16_t bus = 0xffff;

	assert_ptr_equal(hm_udev_rules_covered(fake_modules, 0x0b33, 0x0020, &bus), &fake_shuttle);
	assert_int_equal(bus, 0);
	assert_null(hm_udev_rules_covered(fake_modules, 0x1234, 0x5678, &bus));
	assert_int_equal(bus, 0x0003);
	assert_null(hm_udev_rules_covered(fake_modules, 0x1209, 0x0001, &bus));
	assert_int_equal(bus, 0);
	assert_null(hm_udev_rules_covered(fake_modules, 0x1209, 0x0001, NULL));
}

static struct hm_config *load_ini(const char *name)
{
	struct hm_config *config = NULL;
	char path[PATH_MAX];
	const char *paths[] = {path};
	const char *src = getenv("HIDMAPD_SOURCE_ROOT");

	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/tests/unit/udev/%s", src, name);
	assert_int_equal(hm_config_load(paths, 1, NULL, NULL, &config), 0);
	return config;
}

static void test_local_installed(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *config = load_ini("local.ini");
	struct mem m;
	char *text;
	size_t n;

	mem_open(&m);
	n = hm_udev_rules_write_local(m.f, config, fake_modules, "/usr/lib/udev/rules.d/x.rules");
	text = mem_close(&m);

	/* 1209:0001 once, 1234:5678 (the shipped rules cover USB only) */
	assert_int_equal(n, 2);
	assert_int_equal(count(text, "SUBSYSTEM==\"hidraw\""), 2);
	assert_int_equal(count(text, "SUBSYSTEM==\"input\", KERNEL==\"event*\""), 2);
	assert_int_equal(count(text, "KERNELS==\"*:1209:0001.*\""), 2); /* hidraw, evdev */
	assert_contains(text, "SUBSYSTEM==\"hidraw\", KERNELS==\"*:1209:0001.*\", "
	                      "TAG+=\"uaccess\"\n");
	assert_contains(text, "local.ini:5: 1209:0001 again, as [device pad] above\n");
	assert_contains(text, "SUBSYSTEM==\"hidraw\", KERNELS==\"*:1234:5678.*\", "
	                      "TAG+=\"uaccess\"\n");
	assert_contains(text, "1234:5678 (the shipped rules cover it on bus 0003 only)");
	/* covered by the shipped rules: a comment, no rule */
	assert_contains(text, "[device shuttle] ");
	assert_contains(text, "local.ini:9: 0B33:0020 is in the shipped rules (module "
	                      "shuttlexpress, /usr/lib/udev/rules.d/x.rules)\n");
	assert_null(strstr(text, "KERNELS==\"*:0B33:0020.*\""));
	/* no id: comments naming file:line */
	assert_contains(text, "[device by-name] ");
	assert_contains(text, "local.ini:12: matches by name \"Raspberry Pi Pico*\", not "
	                      "vendor:product, so it cannot become a rule by id");
	assert_contains(text, "local.ini:15: matches by serial \"E6614103E7\", not");
	assert_contains(text, "local.ini:18: matches the devices of module shuttlexpress, "
	                      "which /usr/lib/udev/rules.d/x.rules covers\n");
	/* disabled: no rule */
	assert_contains(text, "local.ini:21: 16C0:05DF is disabled (enabled = no), no rule\n");
	assert_null(strstr(text, "05DF.*"));
	/* the uinput rule, the end label and the install command last */
	assert_contains(text, "KERNEL==\"uinput\", SUBSYSTEM==\"misc\", "
	                      "OPTIONS+=\"static_node=uinput\", TAG+=\"uaccess\"\n");
	assert_contains(text, "LABEL=\"hidmapd_local_end\"\n");
	assert_contains(text, "#   " HM_UDEV_INSTALL_COMMAND "\n");
	assert_true(strstr(text, HM_UDEV_INSTALL_COMMAND) > strstr(text, "LABEL="));
	assert_contains(text, "local.ini\n");
	assert_no_bad_access(text);
	free(text);
}

static void test_local_not_installed(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *config = load_ini("local.ini");
	struct mem m;
	char *text;
	size_t n;

	mem_open(&m);
	n = hm_udev_rules_write_local(m.f, config, fake_modules, NULL);
	text = mem_close(&m);
	/* without the shipped file, its devices get a rule here */
	assert_int_equal(n, 3);
	assert_contains(text, "SUBSYSTEM==\"hidraw\", KERNELS==\"*:0B33:0020.*\", "
	                      "TAG+=\"uaccess\"\n");
	assert_contains(text, "0B33:0020 (module shuttlexpress; its shipped rules are not "
	                      "installed: 70-hidmapd.rules not found)\n");
	assert_contains(text, "local.ini:25: 1234:5678\n");
	assert_contains(text, "local.ini:18: matches the devices of module shuttlexpress, "
	                      "which the shipped rules cover,\n#   but 70-hidmapd.rules is not "
	                      "installed: install hidmapd\n");
	free(text);
}

static void test_local_empty(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *config = hm_config_new_empty();
	struct mem m;
	char *text;

	assert_non_null(config);
	mem_open(&m);
	assert_int_equal(hm_udev_rules_write_local(m.f, config, fake_modules, NULL), 0);
	text = mem_close(&m);
	assert_contains(text, "(no configuration files)");
	assert_contains(text, "(no [device] sections)");
	assert_contains(text, "TAG+=\"uaccess\"\n"); /* uinput still */
	free(text);
}

/* Whether one of the KERNELS=="..." patterns in text matches name as udev
 * matches it (fnmatch(3) without flags); n: how many patterns there are. */
static bool kernels_match(const char *text, const char *name, size_t *n)
{
	bool match = false;

	*n = 0;
	for (const char *p = text; (p = strstr(p, "KERNELS==\""));) {
		char pattern[64];
		size_t l;

		p += strlen("KERNELS==\"");
		l = strcspn(p, "\"");
		assert_true(l < sizeof(pattern));
		memcpy(pattern, p, l);
		pattern[l] = '\0';
		(*n)++;
		if (fnmatch(pattern, name, 0) == 0)
			match = true;
		p += l;
	}
	return match;
}

/* match = VID:* (every product of the vendor): one rule pair that matches
 * the kernel's HID device names BBBB:VVVV:PPPP.NNNN (upper-case hex, as
 * drivers/hid/hid-core.c names them) of that vendor on any bus, and no
 * other device's */
static void test_local_any_product(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *config = load_ini("any-product.ini");
	struct mem m;
	char *text;
	size_t n;

	mem_open(&m);
	n = hm_udev_rules_write_local(m.f, config, fake_modules, "/usr/lib/udev/rules.d/x.rules");
	text = mem_close(&m);
	assert_int_equal(n, 1);
	assert_true(kernels_match(text, "0003:046D:C52B.0001", &n));
	assert_int_equal(n, 2); /* hidraw, evdev */
	assert_true(kernels_match(text, "0005:046D:B023.000A", &n));
	assert_true(kernels_match(text, "0003:046D:0000.0002", &n));
	assert_false(kernels_match(text, "0003:1234:046D.0003", &n));
	assert_false(kernels_match(text, "0003:0B33:0020.0004", &n));
	assert_false(kernels_match(text, "1-1:1.0", &n));
	assert_false(kernels_match(text, "046D:0003:C52B.0005", &n));
	assert_int_equal(count(text, "SUBSYSTEM==\"hidraw\", KERNELS=="), 1);
	assert_int_equal(count(text, "SUBSYSTEM==\"input\", KERNEL==\"event*\", KERNELS=="), 1);
	assert_contains(text, "any-product.ini:3: 046D:* (every product of vendor 046D)\n");
	assert_contains(text, "any-product.ini:6: 046D:C52B is covered by 046D:* of [device "
	                      "logitech] above\n");
	assert_contains(text, "any-product.ini:9: 046D:* again, as [device logitech] above\n");
	assert_null(strstr(text, "0000"));
	assert_no_bad_access(text);
	free(text);
}

/* Whether a rule of kind (the text before ", KERNELS==") in text matches
 * the HID device name as udev matches KERNELS (fnmatch(3) without flags). */
static bool rule_matches(const char *text, const char *kind, const char *name)
{
	for (const char *p = text; (p = strstr(p, kind));) {
		char pattern[64];
		size_t l;

		p += strlen(kind);
		if (strncmp(p, ", KERNELS==\"", strlen(", KERNELS==\"")))
			continue;
		p += strlen(", KERNELS==\"");
		l = strcspn(p, "\"");
		assert_true(l < sizeof(pattern));
		memcpy(pattern, p, l);
		pattern[l] = '\0';
		if (fnmatch(pattern, name, 0) == 0)
			return true;
	}
	return false;
}

/* The shipped rules as built (70-hidmapd.rules, HIDMAPD_UDEV_RULES from
 * meson), else as the registry writes them. */
static char *shipped_rules(void)
{
	const char *path = getenv("HIDMAPD_UDEV_RULES");
	struct mem m;
	FILE *f;
	char buf[4096];
	size_t n;

	mem_open(&m);
	if (!path) {
		hm_udev_rules_write(m.f);
		return mem_close(&m);
	}
	f = fopen(path, "re");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(fwrite(buf, 1, n, m.f), n);
	fclose(f);
	return mem_close(&m);
}

/*
 * Issue 13: the PlayStation controllers' hidraw and evdev nodes get the
 * uaccess tag on USB (bus 0003) and Bluetooth (bus 0005), as the kernel
 * names their HID devices (BBBB:VVVV:PPPP.NNNN).  The wireless adapter
 * 054c:0ba0 is a USB device (hid-sony lists it with HID_USB_DEVICE only):
 * USB alone.
 */
static void test_shipped_playstation(void **state)
{
	static const struct {
		uint16_t product;
		bool bluetooth;
	} pads[] = {
	    {0x05c4, true},  /* DualShock 4 v1 */
	    {0x09cc, true},  /* DualShock 4 v2 */
	    {0x0ba0, false}, /* DualShock 4 USB wireless adapter */
	    {0x0ce6, true},  /* DualSense */
	    {0x0df2, true},  /* DualSense Edge */
	};
	char *text = shipped_rules();

	for (size_t i = 0; i < ARRAY_SIZE(pads); i++) {
		for (unsigned bus = 0x0003; bus <= 0x0005; bus += 2) {
			char name[32];

			if (bus == 0x0005 && !pads[i].bluetooth)
				continue;
			snprintf(name, sizeof(name), "%04X:054C:%04X.000%u", bus, pads[i].product,
			         bus);
			if (!rule_matches(text, "SUBSYSTEM==\"hidraw\"", name) ||
			    !rule_matches(text, "SUBSYSTEM==\"input\", KERNEL==\"event*\"", name))
				fail_msg("the shipped udev rules miss %s (hidraw or evdev)", name);
		}
	}
	/* and nothing of Sony's beyond them (their ids only) */
	assert_false(rule_matches(text, "SUBSYSTEM==\"hidraw\"", "0003:054C:0268.0001"));
	assert_no_bad_access(text);
	free(text);
}

static void test_find_shipped(void **state)
{
	char buf[PATH_MAX];

	fx_create();
	assert_false(hm_udev_rules_find_shipped(fx_root, buf, sizeof(buf)));
	fx_write("usr/lib/udev/rules.d/70-hidmapd.rules", "# rules\n");
	assert_true(hm_udev_rules_find_shipped(fx_root, buf, sizeof(buf)));
	assert_string_equal(buf, fx_path("usr/lib/udev/rules.d/70-hidmapd.rules"));
	/* /etc wins over /usr/lib */
	fx_write("etc/udev/rules.d/70-hidmapd.rules", "# mine\n");
	assert_true(hm_udev_rules_find_shipped(fx_root, buf, sizeof(buf)));
	assert_string_equal(buf, fx_path("etc/udev/rules.d/70-hidmapd.rules"));
	/* masked by an empty file in /run (read before /usr/lib, after /etc) */
	assert_int_equal(remove(fx_path("etc/udev/rules.d/70-hidmapd.rules")), 0);
	fx_write("run/udev/rules.d/70-hidmapd.rules", "");
	assert_false(hm_udev_rules_find_shipped(fx_root, buf, sizeof(buf)));
	/* masked by a link to /dev/null in /etc */
	assert_int_equal(remove(fx_path("run/udev/rules.d/70-hidmapd.rules")), 0);
	fx_link("@/dev/null", "etc/udev/rules.d/70-hidmapd.rules");
	assert_false(hm_udev_rules_find_shipped(fx_root, buf, sizeof(buf)));
	fx_destroy();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_fake),     cmocka_unit_test(test_shipped_predicates),
	    cmocka_unit_test(test_shipped_registry), cmocka_unit_test(test_covered),
	    cmocka_unit_test(test_local_installed),  cmocka_unit_test(test_local_not_installed),
	    cmocka_unit_test(test_local_empty),      cmocka_unit_test(test_local_any_product),
	    cmocka_unit_test(test_find_shipped),     cmocka_unit_test(test_shipped_playstation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
