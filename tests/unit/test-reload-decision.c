/* SPDX-License-Identifier: MIT */
/*
 * What a reload does to a driven device (reload-decision.h), each outcome
 * from hand-made sections, chains and profiles: no daemon, loop or device.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reload-decision.h"

static const struct hm_module mod_a = {.name = "a"}, mod_b = {.name = "b"};

/* a module the user named, then a's claim by its ids */
static const struct hm_module_chain chain_ab = {
    .modules = {&mod_b, &mod_a},
    .by_id = {false, true},
    .n = 2,
};

/* A [device] section with the defaults of the parser (grab on, unmapped
 * passed, no hardware settings). */
static struct hm_config_device section(void)
{
	return (struct hm_config_device){
	    .id = (char *)"pad",
	    .enabled = true,
	    .grab = true,
	    .unmapped = HM_UNMAPPED_PASS,
	    .hardware = HM_CONFIG_HARDWARE_INIT,
	};
}

static struct hm_config_profile profile(const char *canon)
{
	return (struct hm_config_profile){.id = (char *)"pad", .canon = (char *)canon};
}

static enum hm_reload_decision
decide(const struct hm_module_chain *chain_old, const struct hm_config_device *cfg_old,
       const struct hm_config_profile *p_old, const struct hm_module_chain *chain_new,
       const struct hm_config_device *cfg_new, const struct hm_config_profile *p_new)
{
	const struct hm_reload_view old = {chain_old, cfg_old, p_old};
	const struct hm_reload_view new = {chain_new, cfg_new, p_new};

	return hm_reload_decide(&old, &new);
}

static void test_keep(void **state)
{
	struct hm_config_device c_old = section(), c_new = section();
	struct hm_config_profile p_old = profile("KEY_A=KEY_B\n"), p_new = profile("KEY_A=KEY_B\n");
	struct hm_module_chain chain_copy = chain_ab;

	(void)state;
	/* another config's copies of the same: the same */
	assert_int_equal(decide(&chain_ab, &c_old, &p_old, &chain_copy, &c_new, &p_new),
	                 HM_RELOAD_KEEP);
	/* no section before or after: the module's defaults both times */
	assert_int_equal(decide(&chain_ab, NULL, NULL, &chain_copy, NULL, NULL), HM_RELOAD_KEEP);
	/* a section that says only the defaults is as none */
	assert_int_equal(decide(&chain_ab, NULL, NULL, &chain_copy, &c_new, NULL), HM_RELOAD_KEEP);
}

static void test_configure(void **state)
{
	struct hm_config_device c_old = section(), c_new = section();
	struct hm_config_profile p = profile("KEY_A=KEY_B\n");

	(void)state;
	c_new.hardware.lightbar_set = true;
	c_new.hardware.lightbar[0] = 0xff;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &chain_ab, &c_new, &p), HM_RELOAD_CONFIGURE);
	c_new = section();
	c_new.hardware.player_leds = 2;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &chain_ab, &c_new, &p), HM_RELOAD_CONFIGURE);
	/* a section that appears with only a hardware setting */
	assert_int_equal(decide(&chain_ab, NULL, NULL, &chain_ab, &c_new, NULL),
	                 HM_RELOAD_CONFIGURE);
	/* a colour not set is no colour: the bytes behind it do not count */
	c_old.hardware.lightbar[1] = 0x10;
	c_new = section();
	assert_int_equal(decide(&chain_ab, &c_old, &p, &chain_ab, &c_new, &p), HM_RELOAD_KEEP);
}

static void test_set_profile(void **state)
{
	struct hm_config_device c_old = section(), c_new = section();
	struct hm_config_profile p_old = profile("KEY_A=KEY_B\n"), p_new = profile("KEY_A=KEY_C\n");

	(void)state;
	assert_int_equal(decide(&chain_ab, &c_old, &p_old, &chain_ab, &c_new, &p_new),
	                 HM_RELOAD_SET_PROFILE);
	/* a profile that appears or goes */
	assert_int_equal(decide(&chain_ab, &c_old, NULL, &chain_ab, &c_new, &p_new),
	                 HM_RELOAD_SET_PROFILE);
	assert_int_equal(decide(&chain_ab, &c_old, &p_old, &chain_ab, &c_new, NULL),
	                 HM_RELOAD_SET_PROFILE);
	/* unmapped = is part of the mapping */
	c_new.unmapped = HM_UNMAPPED_DROP;
	assert_int_equal(decide(&chain_ab, &c_old, &p_old, &chain_ab, &c_new, &p_old),
	                 HM_RELOAD_SET_PROFILE);
	assert_int_equal(decide(&chain_ab, NULL, NULL, &chain_ab, &c_new, NULL),
	                 HM_RELOAD_SET_PROFILE);
	/* a mapping and a hardware change at once: the mapping decides (the
	 * daemon applies the hardware settings after switching) */
	c_new.hardware.mic_led = 1;
	assert_int_equal(decide(&chain_ab, &c_old, &p_old, &chain_ab, &c_new, &p_old),
	                 HM_RELOAD_SET_PROFILE);
}

static void test_drop(void **state)
{
	struct hm_config_device c_old = section(), c_new = section();
	struct hm_config_profile p = profile("KEY_A=KEY_B\n");
	struct hm_module_chain other_order = chain_ab, other_origin = chain_ab, shorter = chain_ab;

	(void)state;
	/* no longer selected */
	assert_int_equal(decide(&chain_ab, &c_old, &p, NULL, NULL, NULL), HM_RELOAD_DROP);
	assert_int_equal(decide(&chain_ab, &c_old, &p, NULL, &c_new, &p), HM_RELOAD_DROP);
	/* another chain: other modules, order, origin or length */
	other_order.modules[0] = &mod_a;
	other_order.modules[1] = &mod_b;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &other_order, &c_new, &p), HM_RELOAD_DROP);
	other_origin.by_id[0] = true;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &other_origin, &c_new, &p), HM_RELOAD_DROP);
	shorter.n = 1;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &shorter, &c_new, &p), HM_RELOAD_DROP);
	/* grab = changed, with or without a section */
	c_new.grab = false;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &chain_ab, &c_new, &p), HM_RELOAD_DROP);
	assert_int_equal(decide(&chain_ab, NULL, NULL, &chain_ab, &c_new, NULL), HM_RELOAD_DROP);
	/* the selection outweighs a mapping change */
	c_new = section();
	c_new.unmapped = HM_UNMAPPED_DROP;
	assert_int_equal(decide(&chain_ab, &c_old, &p, &shorter, &c_new, NULL), HM_RELOAD_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keep),
	    cmocka_unit_test(test_configure),
	    cmocka_unit_test(test_set_profile),
	    cmocka_unit_test(test_drop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
