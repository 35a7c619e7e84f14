/* SPDX-License-Identifier: MIT */
/* The selection policy (module-select.h) and the probe chain of the device
 * core: the config's wish, registry order, -ENODEV passing the device on,
 * generic last, enabled = no, id predicates and driver_data. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "layout.h"
#include "shipped-layouts.h"
#include "config.h"
#include "device.h"
#include "module-select.h"
#include "module.h"

static struct hm_config *load_text(const char *text)
{
	char path[] = "/tmp/test-module-select-XXXXXX.ini";
	const char *paths[] = {path};
	const struct hm_config_loader ld = {.layout_shipped = hm_layout_shipped_exists};
	struct hm_config *c = NULL;
	int fd = mkstemps(path, 4);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	/* as hm_module_select_load_given() loads, without its validation (test_validate) */
	assert_int_equal(hm_config_load_given_with(&ld, paths, 1, &c), 0);
	assert_int_equal(hm_layout_module_attach_all(c), 0);
	unlink(path);
	return c;
}

static void assert_chain(const struct hm_module_chain *chain, const char *expected)
{
	char buf[256] = "", name[128];

	for (size_t i = 0; i < chain->n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, hm_module_display_name(chain->modules[i], name, sizeof(name)));
	}
	assert_string_equal(buf, expected);
}

/* Usage Page (Generic Desktop), Usage (Keypad), Collection (Application), End */
static const uint8_t keypad_rdesc[] = {0x05, 0x01, 0x09, 0x07, 0xa1, 0x01, 0xc0};

static const struct hm_device_info shuttle = {
    .bus = 3, .vendor = 0x0b33, .product = 0x0020, .interface = -1};
static const struct hm_device_info pad = {
    .bus = 3, .vendor = 0x1209, .product = 0x0001, .interface = -1, .name = "Pad"};

/* No config: the modules whose tables list the device, then generic; a
 * device nobody claims is not driven. */
static void test_registry_order(void **state)
{
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;

	assert_true(hm_module_select(NULL, &shuttle, &chain, &cfg));
	assert_chain(&chain, "shuttlexpress generic");
	assert_true(chain.by_id[0]);
	assert_false(chain.by_id[1]);
	assert_null(cfg);

	assert_false(hm_module_select(NULL, &pad, &chain, &cfg));
	assert_chain(&chain, "generic");

	/* a shipped layout comes after the C modules, before generic */
	struct hm_device_info pro = {
	    .bus = 3, .vendor = 0x0b33, .product = 0x0030, .interface = -1};

	assert_true(hm_module_select(NULL, &pro, &chain, &cfg));
	assert_chain(&chain, "layout:contour-shuttlepro-v2 generic");
}

/* The config's wish comes first; module = generic on a claimed device
 * leaves only generic (the reproduction of issue 12). */
static void test_config_wish(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c =
	    load_text("[device sx]\nmatch = 0b33:0020\nmodule = generic\n"
	              "[device pad]\nmatch = 1209:0001\n"
	              "[device pro]\nmatch = 0b33:0030\nmodule = shuttlexpress\n");
	struct hm_device_info pro = {
	    .bus = 3, .vendor = 0x0b33, .product = 0x0030, .interface = -1};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;

	assert_true(hm_module_select(c, &shuttle, &chain, &cfg));
	assert_chain(&chain, "generic");
	assert_string_equal(cfg->id, "sx");

	/* only the config selects it: generic */
	assert_true(hm_module_select(c, &pad, &chain, &cfg));
	assert_chain(&chain, "generic");
	assert_string_equal(cfg->id, "pad");

	/* module = on a device its table does not list: first, with no id
	 * entry; then what claims the device, then generic */
	assert_true(hm_module_select(c, &pro, &chain, &cfg));
	assert_chain(&chain, "shuttlexpress layout:contour-shuttlepro-v2 generic");
	assert_false(chain.by_id[0]);
	assert_true(chain.by_id[1]);
}

static void test_disabled(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c =
	    load_text("[device off]\nmatch = 0b33:0020\nenabled = no\n");
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;

	/* what a module claims, the config turns off; the chain still says
	 * what would drive it (list shows it) */
	assert_false(hm_module_select(c, &shuttle, &chain, &cfg));
	assert_string_equal(cfg->id, "off");
	assert_chain(&chain, "shuttlexpress generic");
}

/* X-keys: the layout lists the vendor interface 0 only (a predicate of its
 * ids); the panel's other interfaces are not claimed. */
static void test_interface_predicate(void **state)
{
	struct hm_device_info xk = {.bus = 3, .vendor = 0x05f3, .product = 0x0405};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;

	xk.interface = 0;
	assert_true(hm_module_select(NULL, &xk, &chain, &cfg));
	assert_ptr_equal(chain.modules[0], hm_layout_find_shipped("xkeys-xk24"));
	xk.interface = 1;
	assert_false(hm_module_select(NULL, &xk, &chain, &cfg));
	assert_chain(&chain, "generic");
	/* not known yet (a recording): the predicate does not exclude it */
	xk.interface = -1;
	assert_true(hm_module_select(NULL, &xk, &chain, &cfg));
	assert_ptr_equal(chain.modules[0], hm_layout_find_shipped("xkeys-xk24"));
}

/* End to end with real modules: the config's layout (interface 0 only) is
 * asked first on the panel's interface 1, declines, and generic takes it. */
static void test_wish_declines(void **state)
{
	_cleanup_(hm_config_freep) struct hm_config *c =
	    load_text("[layout mine]\ninterface = 0\nreport = 0\nk = bit 1.0 -> KEY_A\n"
	              "[device panel]\nmatch = 05f3:0405\nlayout = mine\n");
	struct hm_device_info xk = {.bus = 3, .vendor = 0x05f3, .product = 0x0405};
	struct hm_module_chain chain;
	const struct hm_config_device *cfg;

	for (int iface = 0; iface <= 1; iface++) {
		struct capture_sink cs;
		struct hm_device_setup setup = {.chain = &chain, .sink = &cs.base};
		struct hm_device *dev = NULL;

		xk.interface = iface;
		assert_true(hm_module_select(c, &xk, &chain, &cfg));
		/* mine first: the config's layout */
		assert_non_null(hm_layout_of_module(chain.modules[0]));
		assert_false(chain.by_id[0]);
		assert_ptr_equal(chain.modules[chain.n - 1], &hm_module_generic);
		capture_init(&cs);
		assert_int_equal(
		    hm_device_new(&xk, keypad_rdesc, sizeof(keypad_rdesc), &setup, &dev), 0);
		if (iface == 0)
			assert_ptr_equal(dev->module, chain.modules[0]);
		else
			assert_ptr_equal(dev->module, &hm_module_generic);
		hm_device_free(dev);
	}
}

/* ---- the probe chain in the device core --------------------------------- */

static unsigned probes;
static uintptr_t seen_driver_data;

static int declining_probe(struct hm_device *dev)
{
	probes++;
	return -ENODEV;
}

static int failing_probe(struct hm_device *dev)
{
	probes++;
	return -EIO;
}

static int taking_probe(struct hm_device *dev)
{
	struct libevdev *caps;

	probes++;
	seen_driver_data = dev->id ? dev->id->driver_data : 0;
	return hm_device_add_output(dev, "out", &caps) < 0 ? -EINVAL : 0;
}

#define V 0x1234
#define P 0x5678

static const struct hm_device_id pred_ids[] = {
    /* the vendor collection of the device, model 1 */
    {HM_DEVICE(HM_BUS_ANY, V, P), .match_flags = HM_MATCH_USAGE_PAGE, .usage_page = 0xff00,
     .driver_data = 1},
    /* its joystick collection, model 2 */
    {HM_DEVICE(HM_BUS_ANY, V, P), .match_flags = HM_MATCH_USAGE_PAGE | HM_MATCH_USAGE,
     .usage_page = 0x01, .usage = 0x04, .driver_data = 2},
    {0},
};
static const struct hm_device_id plain_ids[] = {{HM_DEVICE(HM_BUS_ANY, V, P), .driver_data = 7},
                                                {0}};
static const struct hm_device_id iface_ids[] = {
    {HM_DEVICE(HM_BUS_ANY, V, P), .match_flags = HM_MATCH_INTERFACE, .interface = 2}, {0}};

static const struct hm_module decliner = {
    .name = "decliner", .id_table = plain_ids, .probe = declining_probe};
static const struct hm_module failer = {
    .name = "failer", .id_table = plain_ids, .probe = failing_probe};
static const struct hm_module taker = {
    .name = "taker", .id_table = pred_ids, .probe = taking_probe};
static const struct hm_module plain = {
    .name = "plain", .id_table = plain_ids, .probe = taking_probe};
static const struct hm_module iface = {
    .name = "iface", .id_table = iface_ids, .probe = taking_probe};

/* Usage Page (Generic Desktop), Usage (Joystick), Collection (Application), End */
static const uint8_t joystick_rdesc[] = {0x05, 0x01, 0x09, 0x04, 0xa1, 0x01, 0xc0};

static struct hm_module_chain chain_of(const struct hm_module *a, const struct hm_module *b,
                                       const struct hm_module *c)
{
	struct hm_module_chain chain = {0};
	const struct hm_module *all[] = {a, b, c};

	for (size_t i = 0; i < 3 && all[i]; i++) {
		chain.modules[chain.n] = all[i];
		chain.by_id[chain.n++] = all[i] != &hm_module_generic;
	}
	return chain;
}

static const struct hm_module *probe_chain(const struct hm_module_chain *chain,
                                           struct hm_device_info info, int *ret)
{
	struct capture_sink cs;
	struct hm_device_setup setup = {.chain = chain, .sink = &cs.base};
	struct hm_device *dev = NULL;
	const struct hm_module *m = NULL;

	capture_init(&cs);
	probes = 0;
	seen_driver_data = 0;
	*ret = hm_device_new(&info, joystick_rdesc, sizeof(joystick_rdesc), &setup, &dev);
	if (*ret == 0) {
		m = dev->module;
		assert_ptr_equal(hm_device_module_chain(dev)->modules[0], chain->modules[0]);
	}
	hm_device_free(dev);
	return m;
}

static void test_probe_chain(void **state)
{
	struct hm_device_info info = {.bus = 3, .vendor = V, .product = P, .interface = -1};
	struct hm_module_chain chain;
	int r;

	/* -ENODEV passes the device on to the next module */
	chain = chain_of(&decliner, &plain, &hm_module_generic);
	assert_ptr_equal(probe_chain(&chain, info, &r), &plain);
	assert_int_equal(r, 0);
	assert_int_equal(probes, 2);
	assert_int_equal(seen_driver_data, 7);

	/* ...and finally to generic */
	chain = chain_of(&decliner, &hm_module_generic, NULL);
	assert_ptr_equal(probe_chain(&chain, info, &r), &hm_module_generic);

	/* another error stops the chain: the device is not driven */
	chain = chain_of(&failer, &plain, &hm_module_generic);
	assert_null(probe_chain(&chain, info, &r));
	assert_int_equal(r, -EIO);
	assert_int_equal(probes, 1);

	/* everything declines: -ENODEV */
	chain = chain_of(&decliner, NULL, NULL);
	assert_null(probe_chain(&chain, info, &r));
	assert_int_equal(r, -ENODEV);
}

/* The core matches again with the descriptor's usage: the entry that
 * lists the joystick collection, its driver_data. */
static void test_usage_predicate_and_driver_data(void **state)
{
	struct hm_device_info info = {.bus = 3, .vendor = V, .product = P, .interface = -1};
	struct hm_module_chain chain = chain_of(&taker, &hm_module_generic, NULL);
	const struct hm_device_id *id;
	int r;

	/* unknown usage: either entry may hold, the first is returned */
	id = hm_module_match_id(&taker, &info, false);
	assert_non_null(id);
	assert_null(hm_module_match_id(&taker, &info, true));

	info.usage_page = 0x01;
	info.usage = 0x04;
	id = hm_module_match_id(&taker, &info, true);
	assert_non_null(id);
	assert_int_equal(id->driver_data, 2);
	info.usage = 0x05; /* a gamepad: neither entry */
	assert_null(hm_module_match_id(&taker, &info, false));

	/* the core fills the usage from the descriptor */
	info.usage_page = info.usage = 0;
	assert_ptr_equal(probe_chain(&chain, info, &r), &taker);
	assert_int_equal(seen_driver_data, 2);
}

/* A module whose interface predicate fails once the interface is known is
 * skipped without a probe. */
static void test_interface_skip(void **state)
{
	struct hm_device_info info = {.bus = 3, .vendor = V, .product = P, .interface = 1};
	struct hm_module_chain chain = chain_of(&iface, &plain, &hm_module_generic);
	int r;

	assert_ptr_equal(probe_chain(&chain, info, &r), &plain);
	assert_int_equal(probes, 1);
	info.interface = 2;
	assert_ptr_equal(probe_chain(&chain, info, &r), &iface);
}

/* The ShuttleXpress reads its button layout from driver_data; chosen by a
 * config for a device it does not list, it keeps the ShuttleXpress's. */
static void test_shuttlexpress_driver_data(void **state)
{
	const struct hm_module *sx = hm_module_find("shuttlexpress");
	struct hm_device_info other = {
	    .bus = 3, .vendor = 0x0b33, .product = 0x0021, .interface = -1};
	const struct hm_device_info *infos[] = {&shuttle, &other};

	assert_non_null(hm_module_match_id(sx, &shuttle, true));
	assert_int_not_equal(hm_module_match_id(sx, &shuttle, true)->driver_data, 0);
	for (size_t i = 0; i < 2; i++) {
		struct capture_sink cs;
		struct hm_module_chain chain;
		struct hm_device_setup setup = {.chain = &chain, .sink = &cs.base};
		struct hm_device *dev = NULL;
		const struct libevdev *caps;

		hm_module_chain_single(&chain, sx);
		capture_init(&cs);
		assert_int_equal(hm_device_new(infos[i], NULL, 0, &setup, &dev), 0);
		assert_true((dev->id != NULL) == (i == 0));
		caps = hm_device_output_caps(dev, 0);
		/* five buttons, BTN_0..BTN_4 */
		assert_true(libevdev_has_event_code(caps, EV_KEY, BTN_4));
		assert_false(libevdev_has_event_code(caps, EV_KEY, BTN_5));
		hm_device_free(dev);
	}
}

static void test_chain_equal(void **state)
{
	struct hm_module_chain a = chain_of(&decliner, &plain, NULL);
	struct hm_module_chain b = chain_of(&decliner, &plain, NULL);

	assert_true(hm_module_chain_equal(&a, &b));
	b.by_id[0] = false;
	assert_false(hm_module_chain_equal(&a, &b));
	b = chain_of(&decliner, NULL, NULL);
	assert_false(hm_module_chain_equal(&a, &b));
}

struct validate_diag {
	unsigned n;
	unsigned line;
	char message[512];
};

static void validate_diag(void *userdata, const char *file, unsigned line, const char *message)
{
	struct validate_diag *v = userdata;

	assert_non_null(file);
	v->n++;
	v->line = line;
	snprintf(v->message, sizeof(v->message), "%s", message);
}

/* The configuration records module = / match-module = as written; the
 * registry is asked here, with the key's own line, and a config naming an
 * unknown module is rejected whole by the loader of a config that drives
 * devices. */
static void test_validate(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *message;
	} bad[] = {
	    {"[device x]\nmatch = 1:2\nmodule = nosuch\n", 3, "unknown module 'nosuch'"},
	    {"[device x]\nmatch-module = nosuch\n", 2, "unknown module 'nosuch'"},
	    {"[device x]\nmatch-module = generic\n", 2,
	     "module 'generic' claims no devices by itself, so match-module = generic never "
	     "matches; use module = generic to force it"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_(hm_config_freep) struct hm_config *c = load_text(bad[i].text);
		struct hm_config *loaded = NULL;
		struct validate_diag v = {0};
		char path[] = "/tmp/test-module-select-XXXXXX.ini";
		const char *paths[] = {path};
		int fd;

		assert_int_equal(hm_module_select_validate(c, validate_diag, &v), 1);
		assert_int_equal(v.line, bad[i].line);
		assert_string_equal(v.message, bad[i].message);

		fd = mkstemps(path, 4);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, bad[i].text, strlen(bad[i].text)),
		                 (ssize_t)strlen(bad[i].text));
		close(fd);
		v = (struct validate_diag){0};
		assert_int_equal(hm_module_select_load_given(paths, 1, validate_diag, &v, &loaded),
		                 -EINVAL);
		assert_null(loaded);
		assert_int_equal(v.n, 1);
		assert_int_equal(v.line, bad[i].line);
		unlink(path);
	}

	{
		_cleanup_(hm_config_freep) struct hm_config *c =
		    load_text("[device x]\nmatch-module = shuttlexpress\nmodule = generic\n");

		assert_int_equal(hm_module_select_validate(c, NULL, NULL), 0);
	}
}

int main(void)
{
	const char *root = getenv("HIDMAPD_SOURCE_ROOT");
	char dir[4096];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry_order),
	    cmocka_unit_test(test_config_wish),
	    cmocka_unit_test(test_disabled),
	    cmocka_unit_test(test_interface_predicate),
	    cmocka_unit_test(test_wish_declines),
	    cmocka_unit_test(test_probe_chain),
	    cmocka_unit_test(test_usage_predicate_and_driver_data),
	    cmocka_unit_test(test_interface_skip),
	    cmocka_unit_test(test_shuttlexpress_driver_data),
	    cmocka_unit_test(test_chain_equal),
	    cmocka_unit_test(test_validate),
	};

	/* the shipped layouts of the tree, not an installed copy */
	if (!root)
		return 77;
	snprintf(dir, sizeof(dir), "%s/devices/layouts", root);
	setenv("HIDMAPD_LAYOUT_DIR", dir, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
