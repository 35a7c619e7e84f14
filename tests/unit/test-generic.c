/* SPDX-License-Identifier: MIT */
/*
 * The generic module against Linux 6.1's hid-input.
 *
 * Expected codes come from the HID Usage Tables and from reading
 * drivers/hid/hid-input.c (hidinput_configure_usage(), hidinput_hid_event(),
 * hidinput_allocate(), hidinput_calc_abs_res()) and drivers/hid/hid-core.c
 * (hid_input_array_field(), hid_process_report() ordering) of 6.1; the
 * comment next to each case says which rule it checks.  They are not
 * copied from the module's output.
 *
 * The first half tests the pure mapping functions; the second half runs
 * descriptors and reports through the real device core into a capture
 * sink.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture-sink.h"
#include "descriptors.h"
#include "device.h"
#include "generic.h"

/* ---- mapping --------------------------------------------------------------- */

#define APP_POINTER     0x00010001u
#define APP_MOUSE       0x00010002u
#define APP_JOYSTICK    0x00010004u
#define APP_GAMEPAD     0x00010005u
#define APP_KEYBOARD    0x00010006u
#define APP_SYSCTL      0x00010080u
#define APP_RADIO       0x0001000cu
#define APP_CONSUMER    0x000c0001u
#define APP_DIGITIZER   0x000d0001u
#define APP_PEN         0x000d0002u
#define APP_TOUCHSCREEN 0x000d0004u
#define APP_VENDOR      0xff000001u
#define PHYS_STYLUS     0x000d0020u
#define PHYS_PUCK       0x000d0021u
#define PHYS_FINGER     0x000d0022u

#define VAR  HID_MAIN_ITEM_VARIABLE
#define REL  (HID_MAIN_ITEM_VARIABLE | HID_MAIN_ITEM_RELATIVE)
#define ARR  0u
#define CNST (HID_MAIN_ITEM_CONSTANT | HID_MAIN_ITEM_VARIABLE)

struct map_case {
	const char *what;
	uint32_t usage;
	uint32_t application;
	uint32_t physical;
	uint32_t flags;
	uint32_t report_size;
	enum hid_report_type type;
	unsigned ev_type; /* 0: ignored */
	unsigned ev_code;
};

#define IN(what, usage, app, phys, flags, size, t, c)                                              \
	{                                                                                          \
		what, usage, app, phys, flags, size, HID_INPUT_REPORT, t, c                        \
	}
#define OUT(what, usage, app, size, t, c)                                                          \
	{                                                                                          \
		what, usage, app, 0, VAR, size, HID_OUTPUT_REPORT, t, c                            \
	}

static struct hid_field make_field(uint32_t application, uint32_t physical, uint32_t flags,
                                   uint32_t report_size, enum hid_report_type type)
{
	return (struct hid_field){
	    .type = type,
	    .report_size = report_size,
	    .report_count = 1,
	    .flags = flags,
	    .logical_minimum = 0,
	    .logical_maximum = report_size >= 31 ? INT32_MAX : (int32_t)((1u << report_size) - 1),
	    .application = application,
	    .physical = physical,
	};
}

static void check_cases(const struct map_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct map_case *c = &cases[i];
		struct hid_field f =
		    make_field(c->application, c->physical, c->flags, c->report_size, c->type);
		struct hm_generic_map m;

		hm_generic_map_usage(&f, c->usage, NULL, &m);
		if (m.type != c->ev_type || (c->ev_type && m.code != c->ev_code))
			fail_msg(
			    "%s (usage 0x%08x): got type %u code %u (%s), expected type %u code "
			    "%u (%s)",
			    c->what, c->usage, m.type, m.code,
			    m.type ? libevdev_event_code_get_name(m.type, m.code) : "-", c->ev_type,
			    c->ev_code,
			    c->ev_type ? libevdev_event_code_get_name(c->ev_type, c->ev_code)
			               : "-");
	}
}

static void test_map_keyboard(void **state)
{
	/* HUT 1.3 section 10 names -> hid_keyboard[] */
	static const struct map_case cases[] = {
	    IN("no event", 0x00070000, APP_KEYBOARD, 0, ARR, 8, 0, 0),
	    IN("ErrorRollOver", 0x00070001, APP_KEYBOARD, 0, ARR, 8, 0, 0),
	    IN("POSTFail", 0x00070002, APP_KEYBOARD, 0, ARR, 8, 0, 0),
	    IN("ErrorUndefined", 0x00070003, APP_KEYBOARD, 0, ARR, 8, 0, 0),
	    IN("a and A", 0x00070004, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_A),
	    IN("z and Z", 0x0007001d, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_Z),
	    IN("1 and !", 0x0007001e, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_1),
	    IN("0 and )", 0x00070027, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_0),
	    IN("Return", 0x00070028, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_ENTER),
	    IN("Escape", 0x00070029, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_ESC),
	    IN("Spacebar", 0x0007002c, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_SPACE),
	    IN("\\ and |", 0x00070031, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_BACKSLASH),
	    IN("Non-US # and ~", 0x00070032, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_BACKSLASH),
	    IN("Caps Lock", 0x00070039, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_CAPSLOCK),
	    IN("F1", 0x0007003a, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_F1),
	    IN("F12", 0x00070045, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_F12),
	    IN("PrintScreen", 0x00070046, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_SYSRQ),
	    IN("Delete Forward", 0x0007004c, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_DELETE),
	    IN("UpArrow", 0x00070052, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_UP),
	    IN("Num Lock", 0x00070053, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_NUMLOCK),
	    IN("Keypad ENTER", 0x00070058, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_KPENTER),
	    IN("Keypad 0", 0x00070062, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_KP0),
	    IN("Non-US \\ and |", 0x00070064, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_102ND),
	    IN("Application", 0x00070065, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_COMPOSE),
	    IN("Power", 0x00070066, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_POWER),
	    IN("F13", 0x00070068, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_F13),
	    IN("F24", 0x00070073, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_F24),
	    IN("Mute", 0x0007007f, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_MUTE),
	    IN("Locking Caps Lock", 0x00070082, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_UNKNOWN),
	    IN("International1", 0x00070087, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_RO),
	    IN("International2", 0x00070088, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_KATAKANAHIRAGANA),
	    IN("International3", 0x00070089, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_YEN),
	    IN("LANG1", 0x00070090, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_HANGEUL),
	    IN("LANG2", 0x00070091, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_HANJA),
	    IN("Clear", 0x0007009c, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_DELETE),
	    IN("Keypad Clear", 0x000700d8, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_DELETE),
	    IN("Keypad {", 0x000700b6, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_KPLEFTPAREN),
	    IN("Keypad Memory Store", 0x000700d0, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_UNKNOWN),
	    IN("LeftControl", 0x000700e0, APP_KEYBOARD, 0, VAR, 1, EV_KEY, KEY_LEFTCTRL),
	    IN("LeftGUI", 0x000700e3, APP_KEYBOARD, 0, VAR, 1, EV_KEY, KEY_LEFTMETA),
	    IN("RightAlt", 0x000700e6, APP_KEYBOARD, 0, VAR, 1, EV_KEY, KEY_RIGHTALT),
	    IN("RightGUI", 0x000700e7, APP_KEYBOARD, 0, VAR, 1, EV_KEY, KEY_RIGHTMETA),
	    IN("reserved 0xe8 (media)", 0x000700e8, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_PLAYPAUSE),
	    IN("reserved 0xfb", 0x000700fb, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_CALC),
	    IN("reserved 0xff", 0x000700ff, APP_KEYBOARD, 0, ARR, 8, EV_KEY, KEY_UNKNOWN),
	    IN("past 0xff", 0x00070100, APP_KEYBOARD, 0, ARR, 16, EV_KEY, KEY_UNKNOWN),
	    /* the keyboard page maps the same in any application */
	    IN("a in a mouse", 0x00070004, APP_MOUSE, 0, ARR, 8, EV_KEY, KEY_A),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void test_map_buttons(void **state)
{
	static const struct map_case cases[] = {
	    /* Mouse/Pointer: BTN_MOUSE + n - 1 */
	    IN("mouse 1", 0x00090001, APP_MOUSE, 0, VAR, 1, EV_KEY, BTN_LEFT),
	    IN("mouse 2", 0x00090002, APP_MOUSE, 0, VAR, 1, EV_KEY, BTN_RIGHT),
	    IN("mouse 3", 0x00090003, APP_MOUSE, 0, VAR, 1, EV_KEY, BTN_MIDDLE),
	    IN("mouse 4", 0x00090004, APP_MOUSE, 0, VAR, 1, EV_KEY, BTN_SIDE),
	    IN("mouse 5", 0x00090005, APP_MOUSE, 0, VAR, 1, EV_KEY, BTN_EXTRA),
	    IN("mouse 8", 0x00090008, APP_MOUSE, 0, VAR, 1, EV_KEY, BTN_TASK),
	    IN("pointer 1", 0x00090001, APP_POINTER, 0, VAR, 1, EV_KEY, BTN_LEFT),
	    /* Button 0 is (0 - 1) & 0xffff past KEY_MAX: not mapped */
	    IN("mouse 0", 0x00090000, APP_MOUSE, 0, VAR, 1, 0, 0),
	    /* Joystick: BTN_JOYSTICK for 1..16, then BTN_TRIGGER_HAPPY */
	    IN("joystick 1", 0x00090001, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_TRIGGER),
	    IN("joystick 2", 0x00090002, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_THUMB),
	    IN("joystick 12", 0x0009000c, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_BASE6),
	    IN("joystick 16", 0x00090010, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_DEAD),
	    IN("joystick 17", 0x00090011, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_TRIGGER_HAPPY1),
	    IN("joystick 40", 0x00090028, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_TRIGGER_HAPPY24),
	    /* Gamepad: BTN_GAMEPAD for 1..16, then BTN_TRIGGER_HAPPY */
	    IN("gamepad 1", 0x00090001, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_SOUTH),
	    IN("gamepad 2", 0x00090002, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_EAST),
	    IN("gamepad 3", 0x00090003, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_C),
	    IN("gamepad 4", 0x00090004, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_NORTH),
	    IN("gamepad 5", 0x00090005, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_WEST),
	    IN("gamepad 7", 0x00090007, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_TL),
	    IN("gamepad 11", 0x0009000b, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_SELECT),
	    IN("gamepad 12", 0x0009000c, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_START),
	    IN("gamepad 13", 0x0009000d, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_MODE),
	    IN("gamepad 15", 0x0009000f, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_THUMBR),
	    IN("gamepad 16", 0x00090010, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_GAMEPAD + 15),
	    IN("gamepad 17", 0x00090011, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_TRIGGER_HAPPY1),
	    /* other applications: by physical collection, else BTN_MISC */
	    IN("keyboard app", 0x00090001, APP_KEYBOARD, 0, VAR, 1, EV_KEY, BTN_0),
	    IN("keyboard app 10", 0x0009000a, APP_KEYBOARD, 0, VAR, 1, EV_KEY, BTN_9),
	    IN("vendor app", 0x00090003, APP_VENDOR, 0, VAR, 1, EV_KEY, BTN_2),
	    IN("pen app, stylus", 0x00090001, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_0),
	    IN("physical mouse", 0x00090001, APP_VENDOR, APP_MOUSE, VAR, 1, EV_KEY, BTN_LEFT),
	    IN("physical pointer", 0x00090002, APP_VENDOR, APP_POINTER, VAR, 1, EV_KEY, BTN_RIGHT),
	    IN("physical joystick", 0x00090001, APP_VENDOR, APP_JOYSTICK, VAR, 1, EV_KEY,
	       BTN_TRIGGER),
	    /* no BTN_TRIGGER_HAPPY wrap through the physical collection */
	    IN("physical joystick 17", 0x00090011, APP_VENDOR, APP_JOYSTICK, VAR, 1, EV_KEY,
	       BTN_JOYSTICK + 16),
	    IN("physical gamepad", 0x00090001, APP_VENDOR, APP_GAMEPAD, VAR, 1, EV_KEY, BTN_SOUTH),
	    IN("consumer app, no named array", 0x00090001, APP_CONSUMER, 0, VAR, 1, EV_KEY, BTN_0),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void test_map_programmable_buttons(void **state)
{
	/* Consumer Programmable Buttons named array (HUT 15.14): KEY_MACRO1.. */
	const struct hid_collection named = {.usage = 0x000c0003,
	                                     .type = HID_COLLECTION_NAMED_ARRAY};
	const struct hid_collection logical = {.usage = 0x000c0003, .type = HID_COLLECTION_LOGICAL};
	static const struct {
		uint32_t usage;
		unsigned code;
	} cases[] = {
	    {0x00090001, KEY_MACRO1},
	    {0x00090002, KEY_MACRO2},
	    {0x0009001e, KEY_MACRO30},
	    {0x0009001f, BTN_TRIGGER_HAPPY1},
	};
	struct hid_field f = make_field(APP_CONSUMER, 0, VAR, 1, HID_INPUT_REPORT);
	struct hm_generic_map m;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		hm_generic_map_usage(&f, cases[i].usage, &named, &m);
		assert_int_equal(m.type, EV_KEY);
		assert_int_equal(m.code, cases[i].code);
	}
	/* only a Named Array collection counts */
	hm_generic_map_usage(&f, 0x00090001, &logical, &m);
	assert_int_equal(m.code, BTN_0);
}

static void test_map_generic_desktop(void **state)
{
	static const struct map_case cases[] = {
	    IN("X abs", 0x00010030, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_X),
	    IN("Y abs", 0x00010031, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_Y),
	    IN("Z abs", 0x00010032, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_Z),
	    IN("Rx abs", 0x00010033, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_RX),
	    IN("Ry abs", 0x00010034, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_RY),
	    IN("Rz abs", 0x00010035, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_RZ),
	    IN("X rel", 0x00010030, APP_MOUSE, APP_POINTER, REL, 8, EV_REL, REL_X),
	    IN("Y rel", 0x00010031, APP_MOUSE, APP_POINTER, REL, 8, EV_REL, REL_Y),
	    IN("Rz rel", 0x00010035, APP_MOUSE, 0, REL, 8, EV_REL, REL_RZ),
	    /* relative Wheel goes through the high-resolution path */
	    IN("Wheel rel", 0x00010038, APP_MOUSE, 0, REL, 8, EV_REL, REL_WHEEL_HI_RES),
	    IN("Wheel abs", 0x00010038, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_WHEEL),
	    /* usage & 0xf: Slider 6, Dial 7 */
	    IN("Slider abs", 0x00010036, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_THROTTLE),
	    IN("Slider rel", 0x00010036, APP_MOUSE, 0, REL, 8, EV_REL, REL_HWHEEL),
	    IN("Dial abs", 0x00010037, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_RUDDER),
	    IN("Dial rel", 0x00010037, APP_MOUSE, 0, REL, 8, EV_REL, REL_DIAL),
	    IN("Hat switch", 0x00010039, APP_GAMEPAD, 0, VAR, 4, EV_ABS, ABS_HAT0X),
	    IN("Start", 0x0001003d, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_START),
	    IN("Select", 0x0001003e, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_SELECT),
	    /* D-pad */
	    IN("D-pad Up", 0x00010090, APP_GAMEPAD, 0, VAR, 1, EV_ABS, ABS_HAT0X),
	    IN("D-pad Left", 0x00010093, APP_GAMEPAD, 0, VAR, 1, EV_ABS, ABS_HAT0X),
	    IN("0x94 after the D-pad", 0x00010094, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_MISC),
	    /* System Control 0x81..0x8f */
	    IN("System Power Down", 0x00010081, APP_SYSCTL, 0, ARR, 2, EV_KEY, KEY_POWER),
	    IN("System Sleep", 0x00010082, APP_SYSCTL, 0, ARR, 2, EV_KEY, KEY_SLEEP),
	    IN("System Wake Up", 0x00010083, APP_SYSCTL, 0, ARR, 2, EV_KEY, KEY_WAKEUP),
	    IN("System Context Menu", 0x00010084, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_CONTEXT_MENU),
	    IN("System Main Menu", 0x00010085, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_MENU),
	    IN("System App Menu", 0x00010086, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_PROG1),
	    IN("System Menu Help", 0x00010087, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_HELP),
	    IN("System Menu Exit", 0x00010088, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_EXIT),
	    IN("System Menu Select", 0x00010089, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_SELECT),
	    IN("System Menu Right", 0x0001008a, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_RIGHT),
	    IN("System Menu Left", 0x0001008b, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_LEFT),
	    IN("System Menu Up", 0x0001008c, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_UP),
	    IN("System Menu Down", 0x0001008d, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_DOWN),
	    IN("System Cold Restart", 0x0001008e, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_POWER2),
	    IN("System Warm Restart", 0x0001008f, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_RESTART),
	    /* 0x80 itself falls to the catch-all */
	    IN("System Control as usage", 0x00010080, APP_SYSCTL, 0, VAR, 1, EV_KEY, BTN_MISC),
	    IN("System Microphone Mute", 0x000100a9, APP_SYSCTL, 0, VAR, 1, EV_KEY, KEY_MICMUTE),
	    IN("System Dock", 0x000100a0, APP_SYSCTL, 0, VAR, 1, 0, 0),
	    IN("System Display Toggle", 0x000100b5, APP_SYSCTL, 0, VAR, 1, EV_KEY,
	       KEY_SWITCHVIDEOMODE),
	    IN("System Display Invert", 0x000100b0, APP_SYSCTL, 0, VAR, 1, 0, 0),
	    /* "lazy vendors": other GD usages in System Control are ignored */
	    IN("X in System Control", 0x00010030, APP_SYSCTL, 0, VAR, 8, 0, 0),
	    /* Wireless Radio Controls */
	    IN("Wireless Radio Button", 0x000100c6, APP_RADIO, 0, VAR, 1, EV_KEY, KEY_RFKILL),
	    IN("Radio Button elsewhere", 0x000100c6, APP_KEYBOARD, 0, VAR, 1, EV_KEY, BTN_MISC),
	    IN("Wireless Radio LED", 0x000100c7, APP_RADIO, 0, VAR, 1, EV_KEY, BTN_MISC),
	    /* the catch-all by size and flags */
	    IN("Vx, 1 bit", 0x00010040, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_MISC),
	    IN("Vx, rel", 0x00010040, APP_JOYSTICK, 0, REL, 8, EV_REL, REL_MISC),
	    IN("Vx, abs", 0x00010040, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_MISC),
	    IN("Resolution Multiplier as input", 0x00010048, APP_MOUSE, 0, VAR, 2, EV_ABS,
	       ABS_MISC),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void test_map_consumer(void **state)
{
	static const struct map_case cases[] = {
	    IN("Unassigned", 0x000c0000, APP_CONSUMER, 0, ARR, 16, 0, 0),
	    IN("Consumer Control (as usage)", 0x000c0001, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_UNKNOWN),
	    IN("Power", 0x000c0030, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_POWER),
	    IN("Sleep", 0x000c0032, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_SLEEP),
	    IN("Function Buttons", 0x000c0036, APP_CONSUMER, 0, ARR, 16, EV_KEY, BTN_MISC),
	    IN("Menu", 0x000c0040, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_MENU),
	    IN("Menu Escape", 0x000c0046, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_ESC),
	    IN("Display Brightness Increment", 0x000c006f, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_BRIGHTNESSUP),
	    IN("Display Brightness Decrement", 0x000c0070, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_BRIGHTNESSDOWN),
	    IN("Channel Increment", 0x000c009c, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_CHANNELUP),
	    IN("Play", 0x000c00b0, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_PLAY),
	    IN("Scan Next Track", 0x000c00b5, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_NEXTSONG),
	    IN("Scan Previous Track", 0x000c00b6, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_PREVIOUSSONG),
	    IN("Stop", 0x000c00b7, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_STOPCD),
	    IN("Eject", 0x000c00b8, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_EJECTCD),
	    IN("Play/Pause", 0x000c00cd, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_PLAYPAUSE),
	    IN("Voice Command", 0x000c00cf, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_VOICECOMMAND),
	    IN("Volume", 0x000c00e0, APP_CONSUMER, 0, VAR, 8, EV_ABS, ABS_VOLUME),
	    IN("Mute", 0x000c00e2, APP_CONSUMER, 0, VAR, 1, EV_KEY, KEY_MUTE),
	    IN("Bass Boost", 0x000c00e5, APP_CONSUMER, 0, VAR, 1, EV_KEY, KEY_BASSBOOST),
	    IN("Volume Increment", 0x000c00e9, APP_CONSUMER, 0, VAR, 1, EV_KEY, KEY_VOLUMEUP),
	    IN("Volume Decrement", 0x000c00ea, APP_CONSUMER, 0, VAR, 1, EV_KEY, KEY_VOLUMEDOWN),
	    IN("Balance (not mapped)", 0x000c00e1, APP_CONSUMER, 0, VAR, 8, EV_KEY, KEY_UNKNOWN),
	    IN("AL Consumer Control Configuration", 0x000c0183, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_CONFIG),
	    IN("AL Email Reader", 0x000c018a, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_MAIL),
	    IN("AL Calculator", 0x000c0192, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_CALC),
	    IN("AL Local Machine Browser", 0x000c0194, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_FILE),
	    IN("AL Screen Saver", 0x000c01b1, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_SCREENSAVER),
	    IN("AC Search", 0x000c0221, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_SEARCH),
	    IN("AC Home", 0x000c0223, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_HOMEPAGE),
	    IN("AC Back", 0x000c0224, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_BACK),
	    IN("AC Forward", 0x000c0225, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_FORWARD),
	    IN("AC Stop", 0x000c0226, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_STOP),
	    IN("AC Refresh", 0x000c0227, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_REFRESH),
	    IN("AC Bookmarks", 0x000c022a, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_BOOKMARKS),
	    IN("AC Pan", 0x000c0238, APP_MOUSE, 0, REL, 8, EV_REL, REL_HWHEEL_HI_RES),
	    IN("AC Desktop Show All Applications", 0x000c02a2, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_ALL_APPLICATIONS),
	    IN("AC Cancel", 0x000c025f, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_CANCEL),
	    IN("Keyboard Input Assist Cancel", 0x000c02cc, APP_CONSUMER, 0, ARR, 16, EV_KEY,
	       KEY_KBDINPUTASSIST_CANCEL),
	    IN("past the kernel's list", 0x000c02cd, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_UNKNOWN),
	    IN("AC Scroll (unmapped)", 0x000c0235, APP_CONSUMER, 0, ARR, 16, EV_KEY, KEY_UNKNOWN),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void test_map_other_pages(void **state)
{
	static const struct map_case cases[] = {
	    IN("Undefined page", 0x00000001, APP_MOUSE, 0, VAR, 1, 0, 0),
	    /* Simulation Controls */
	    IN("Rudder", 0x000200ba, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_RUDDER),
	    IN("Throttle", 0x000200bb, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_THROTTLE),
	    IN("Accelerator", 0x000200c4, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_GAS),
	    IN("Brake", 0x000200c5, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_BRAKE),
	    IN("Steering", 0x000200c8, APP_JOYSTICK, 0, VAR, 8, EV_ABS, ABS_WHEEL),
	    IN("Aileron (ignored)", 0x000200b0, APP_JOYSTICK, 0, VAR, 8, 0, 0),
	    /* Game Controls: no case, the catch-all */
	    IN("Game: Point of View", 0x00050020, APP_GAMEPAD, 0, VAR, 8, EV_ABS, ABS_MISC),
	    IN("Game: Gamepad Trigger", 0x00050039, APP_GAMEPAD, 0, VAR, 1, EV_KEY, BTN_MISC),
	    /* Generic Device Controls */
	    IN("Battery Strength", 0x00060020, APP_KEYBOARD, 0, VAR, 8, 0, 0),
	    IN("Wireless Channel", 0x00060021, APP_KEYBOARD, 0, VAR, 8, EV_ABS, ABS_MISC),
	    /* Battery System */
	    IN("Absolute State Of Charge", 0x00850065, APP_KEYBOARD, 0, VAR, 8, 0, 0),
	    IN("Charging (6.1.y)", 0x00850044, APP_KEYBOARD, 0, VAR, 1, 0, 0),
	    IN("Remaining Capacity", 0x00850066, APP_KEYBOARD, 0, VAR, 8, EV_ABS, ABS_MISC),
	    /* Telephony */
	    IN("Phone Mute", 0x000b002f, APP_CONSUMER, 0, VAR, 1, EV_KEY, KEY_MICMUTE),
	    IN("Phone Key 0", 0x000b00b0, APP_CONSUMER, 0, ARR, 8, EV_KEY, KEY_NUMERIC_0),
	    IN("Phone Key 9", 0x000b00b9, APP_CONSUMER, 0, ARR, 8, EV_KEY, KEY_NUMERIC_9),
	    IN("Phone Key Star", 0x000b00ba, APP_CONSUMER, 0, ARR, 8, EV_KEY, KEY_NUMERIC_STAR),
	    IN("Phone Key Pound", 0x000b00bb, APP_CONSUMER, 0, ARR, 8, EV_KEY, KEY_NUMERIC_POUND),
	    IN("Phone Key D", 0x000b00bf, APP_CONSUMER, 0, ARR, 8, EV_KEY, KEY_NUMERIC_D),
	    IN("Hook Switch (ignored)", 0x000b0020, APP_CONSUMER, 0, VAR, 1, 0, 0),
	    /* Physical Interface Device */
	    IN("PID 0xa4", 0x000f00a4, APP_JOYSTICK, 0, VAR, 1, EV_KEY, BTN_DEAD),
	    IN("PID other", 0x000f0021, APP_JOYSTICK, 0, VAR, 8, 0, 0),
	    /* vendor pages: some ignored, the rest to the catch-all */
	    IN("0xff00 vendor", 0xff000001, APP_VENDOR, 0, VAR, 8, 0, 0),
	    IN("0xffbc Logitech", 0xffbc0001, APP_VENDOR, 0, VAR, 8, 0, 0),
	    IN("0xff09 Logitech", 0xff090001, APP_VENDOR, 0, VAR, 8, 0, 0),
	    IN("0xff43 Logitech", 0xff430001, APP_VENDOR, 0, VAR, 8, 0, 0),
	    IN("0x00ff custom", 0x00ff0003, APP_KEYBOARD, 0, VAR, 1, 0, 0),
	    IN("0xff7f HP", 0xff7f0021, APP_KEYBOARD, 0, VAR, 1, EV_KEY, KEY_PRINT),
	    IN("0xff7f HP other", 0xff7f0001, APP_KEYBOARD, 0, VAR, 1, 0, 0),
	    IN("0xff01 HP", 0xff010003, APP_KEYBOARD, 0, VAR, 1, EV_KEY, KEY_BRIGHTNESSDOWN),
	    IN("0xff01 HP other", 0xff010002, APP_KEYBOARD, 0, VAR, 1, 0, 0),
	    IN("0xffa0 vendor, 8 bits", 0xffa00001, APP_VENDOR, 0, VAR, 8, EV_ABS, ABS_MISC),
	    IN("0xff0d vendor, 1 bit", 0xff0d0042, APP_VENDOR, 0, VAR, 1, EV_KEY, BTN_MISC),
	    IN("Ordinal, rel", 0x000a0001, APP_JOYSTICK, 0, REL, 8, EV_REL, REL_MISC),
	    /* field level */
	    IN("constant field", 0x00070004, APP_KEYBOARD, 0, CNST, 8, 0, 0),
	    OUT("keyboard usage in an output", 0x00070004, APP_KEYBOARD, 1, 0, 0),
	    OUT("GD usage in an output", 0x00010030, APP_KEYBOARD, 8, 0, 0),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void test_map_leds(void **state)
{
	static const struct map_case cases[] = {
	    OUT("Num Lock", 0x00080001, APP_KEYBOARD, 1, EV_LED, LED_NUML),
	    OUT("Caps Lock", 0x00080002, APP_KEYBOARD, 1, EV_LED, LED_CAPSL),
	    OUT("Scroll Lock", 0x00080003, APP_KEYBOARD, 1, EV_LED, LED_SCROLLL),
	    OUT("Compose", 0x00080004, APP_KEYBOARD, 1, EV_LED, LED_COMPOSE),
	    OUT("Kana", 0x00080005, APP_KEYBOARD, 1, EV_LED, LED_KANA),
	    OUT("Mute", 0x00080009, APP_KEYBOARD, 1, EV_LED, LED_MUTE),
	    OUT("Message Waiting", 0x00080019, APP_KEYBOARD, 1, EV_LED, LED_MAIL),
	    OUT("Stand-By", 0x00080027, APP_KEYBOARD, 1, EV_LED, LED_SLEEP),
	    OUT("Generic Indicator", 0x0008004b, APP_KEYBOARD, 1, EV_LED, LED_MISC),
	    OUT("System Suspend", 0x0008004c, APP_KEYBOARD, 1, EV_LED, LED_SUSPEND),
	    OUT("External Power Connected", 0x0008004d, APP_KEYBOARD, 1, EV_LED, LED_CHARGING),
	    OUT("Power (not mapped)", 0x00080006, APP_KEYBOARD, 1, 0, 0),
	    OUT("Shift (not mapped)", 0x00080007, APP_KEYBOARD, 1, 0, 0),
	    /* LED usages in an input report are LEDs on the input device too */
	    IN("Caps Lock as input", 0x00080002, APP_KEYBOARD, 0, VAR, 1, EV_LED, LED_CAPSL),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void test_map_digitizer(void **state)
{
	static const struct map_case cases[] = {
	    IN("Undefined", 0x000d0000, APP_PEN, PHYS_STYLUS, VAR, 1, 0, 0),
	    IN("Tip Pressure", 0x000d0030, APP_PEN, PHYS_STYLUS, VAR, 16, EV_ABS, ABS_PRESSURE),
	    IN("In Range, stylus", 0x000d0032, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_TOOL_PEN),
	    IN("In Range, puck", 0x000d0032, APP_DIGITIZER, PHYS_PUCK, VAR, 1, EV_KEY,
	       BTN_TOOL_MOUSE),
	    IN("In Range, finger", 0x000d0032, APP_TOUCHSCREEN, PHYS_FINGER, VAR, 1, EV_KEY,
	       BTN_TOOL_FINGER),
	    IN("In Range, touchscreen", 0x000d0032, APP_TOUCHSCREEN, 0, VAR, 1, EV_KEY,
	       BTN_TOOL_FINGER),
	    IN("In Range, pen, no physical", 0x000d0032, APP_PEN, 0, VAR, 1, EV_KEY, BTN_TOOL_PEN),
	    IN("Battery Strength", 0x000d003b, APP_PEN, PHYS_STYLUS, VAR, 8, 0, 0),
	    IN("Invert", 0x000d003c, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_TOOL_RUBBER),
	    IN("X Tilt", 0x000d003d, APP_PEN, PHYS_STYLUS, VAR, 8, EV_ABS, ABS_TILT_X),
	    IN("Y Tilt", 0x000d003e, APP_PEN, PHYS_STYLUS, VAR, 8, EV_ABS, ABS_TILT_Y),
	    IN("Touch", 0x000d0033, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_TOUCH),
	    IN("Tip Switch", 0x000d0042, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_TOUCH),
	    IN("Secondary Tip Switch", 0x000d0043, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_TOUCH),
	    IN("Barrel Switch", 0x000d0044, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_STYLUS),
	    IN("Eraser", 0x000d0045, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_TOUCH),
	    IN("Tablet Pick", 0x000d0046, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY, BTN_STYLUS2),
	    IN("Secondary Barrel Switch", 0x000d005a, APP_PEN, PHYS_STYLUS, VAR, 1, EV_KEY,
	       BTN_STYLUS2),
	    IN("Transducer Serial Number", 0x000d005b, APP_PEN, PHYS_STYLUS, VAR, 32, EV_MSC,
	       MSC_SERIAL),
	    /* hid-multitouch's usages are the catch-all under hid-generic */
	    IN("Contact Identifier", 0x000d0051, APP_TOUCHSCREEN, PHYS_FINGER, VAR, 8, EV_ABS,
	       ABS_MISC),
	    IN("Confidence", 0x000d0047, APP_TOUCHSCREEN, PHYS_FINGER, VAR, 1, EV_KEY, BTN_MISC),
	    IN("Azimuth", 0x000d003f, APP_PEN, PHYS_STYLUS, VAR, 16, EV_ABS, ABS_MISC),
	};

	check_cases(cases, ARRAY_SIZE(cases));
}

static void check_flags(uint32_t usage, uint32_t application, uint32_t physical, uint32_t flags,
                        uint32_t report_size, uint32_t expected_flags, uint8_t expected_hat_dir)
{
	struct hid_field f =
	    make_field(application, physical, flags, report_size, HID_INPUT_REPORT);
	struct hm_generic_map m;

	hm_generic_map_usage(&f, usage, NULL, &m);
	if (m.flags != expected_flags || m.hat_dir != expected_hat_dir)
		fail_msg("usage 0x%08x: flags 0x%x hat_dir %u, expected 0x%x hat_dir %u", usage,
		         m.flags, m.hat_dir, expected_flags, expected_hat_dir);
}

static void test_map_flags(void **state)
{
	/* map_key_clear() vs map_key() */
	check_flags(0x00070004, APP_KEYBOARD, 0, ARR, 8, HM_GENERIC_MAP_CLEAR | HM_GENERIC_MAP_REP,
	            0);
	check_flags(0x00070100, APP_KEYBOARD, 0, ARR, 16, HM_GENERIC_MAP_REP, 0);
	check_flags(0x00090001, APP_MOUSE, 0, VAR, 1, 0, 0);
	check_flags(0x00010030, APP_MOUSE, 0, REL, 8, 0, 0);
	check_flags(0x00010030, APP_JOYSTICK, 0, VAR, 8, HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x00010036, APP_JOYSTICK, 0, VAR, 8, 0, 0);
	check_flags(0x000c00e9, APP_CONSUMER, 0, VAR, 1, HM_GENERIC_MAP_CLEAR, 0);
	/* EV_REP: keyboard page (even ignored usages), the Apple/Logitech
	 * 0x00ff page, the HP pages */
	check_flags(0x00070000, APP_KEYBOARD, 0, ARR, 8, HM_GENERIC_MAP_REP, 0);
	check_flags(0x00ff0003, APP_KEYBOARD, 0, VAR, 1, HM_GENERIC_MAP_REP, 0);
	check_flags(0xff010002, APP_KEYBOARD, 0, VAR, 1, HM_GENERIC_MAP_REP, 0);
	/* digitizer properties by the application's low byte */
	check_flags(0x000d0044, APP_PEN, PHYS_STYLUS, VAR, 1,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x000d0044, APP_DIGITIZER, PHYS_STYLUS, VAR, 1,
	            HM_GENERIC_MAP_PROP_POINTER | HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x000d0044, APP_TOUCHSCREEN, PHYS_STYLUS, VAR, 1, HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x000d0044, APP_MOUSE, 0, VAR, 1,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x000d0000, APP_PEN, 0, VAR, 1, HM_GENERIC_MAP_PROP_DIRECT, 0);
	check_flags(0x000d0030, APP_PEN, PHYS_STYLUS, VAR, 16,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_TIP_PRESSURE | HM_GENERIC_MAP_CLEAR,
	            0);
	check_flags(0x000d0042, APP_PEN, PHYS_STYLUS, VAR, 1,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_TOUCH | HM_GENERIC_MAP_CLEAR, 0);
	/* the eraser does not count as the device reporting touch, but may
	 * drive the rubber tool (6.1.y's HID_QUIRK_NOINVERT) */
	check_flags(0x000d0045, APP_PEN, PHYS_STYLUS, VAR, 1,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_ERASER | HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x000d003c, APP_PEN, PHYS_STYLUS, VAR, 1,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_INVERT | HM_GENERIC_MAP_CLEAR, 0);
	check_flags(0x00850044, APP_KEYBOARD, 0, VAR, 1, HM_GENERIC_MAP_BATTERY, 0);
	check_flags(0x000d003b, APP_PEN, PHYS_STYLUS, VAR, 8,
	            HM_GENERIC_MAP_PROP_DIRECT | HM_GENERIC_MAP_BATTERY, 0);
	check_flags(0x00060020, APP_KEYBOARD, 0, VAR, 8, HM_GENERIC_MAP_BATTERY, 0);
	check_flags(0x00850065, APP_KEYBOARD, 0, VAR, 8, HM_GENERIC_MAP_BATTERY, 0);
	/* hats: directions 1 (up) clockwise to 8 */
	check_flags(0x00010039, APP_GAMEPAD, 0, VAR, 4, HM_GENERIC_MAP_HAT, 0);
	check_flags(0x00010090, APP_GAMEPAD, 0, VAR, 1, HM_GENERIC_MAP_DPAD, 1);
	check_flags(0x00010091, APP_GAMEPAD, 0, VAR, 1, HM_GENERIC_MAP_DPAD, 5);
	check_flags(0x00010092, APP_GAMEPAD, 0, VAR, 1, HM_GENERIC_MAP_DPAD, 3);
	check_flags(0x00010093, APP_GAMEPAD, 0, VAR, 1, HM_GENERIC_MAP_DPAD, 7);
	check_flags(0x000100c6, APP_RADIO, 0, VAR, 1,
	            HM_GENERIC_MAP_FORCE_RELATIVE | HM_GENERIC_MAP_CLEAR, 0);
}

static void test_keyboard_codes(void **state)
{
	/* hm_generic_keyboard_code() over the whole page: 0 only for 0..3,
	 * and every code a valid key */
	for (unsigned id = 0; id < 256; id++) {
		unsigned code = hm_generic_keyboard_code((uint16_t)id);

		if (id < 4)
			assert_int_equal(code, 0);
		else
			assert_true(code > 0 && code <= KEY_MAX);
	}
	assert_int_equal(hm_generic_keyboard_code(0x0004), KEY_A);
	assert_int_equal(hm_generic_keyboard_code(0x0035), KEY_GRAVE);
	assert_int_equal(hm_generic_keyboard_code(0x0067), KEY_KPEQUAL);
	assert_int_equal(hm_generic_keyboard_code(0x0085), KEY_KPCOMMA);
	assert_int_equal(hm_generic_keyboard_code(0x008a), KEY_HENKAN);
	assert_int_equal(hm_generic_keyboard_code(0x0094), KEY_ZENKAKUHANKAKU);
	assert_int_equal(hm_generic_keyboard_code(0x00e1), KEY_LEFTSHIFT);
	assert_int_equal(hm_generic_keyboard_code(0x00e2), KEY_LEFTALT);
	assert_int_equal(hm_generic_keyboard_code(0x00e4), KEY_RIGHTCTRL);
	assert_int_equal(hm_generic_keyboard_code(0x00f8), KEY_SLEEP);
	assert_int_equal(hm_generic_keyboard_code(0x1000), KEY_UNKNOWN);
}

static void test_abs_resolution(void **state)
{
	static const struct {
		const char *what;
		int32_t lmin, lmax, pmin, pmax, exp;
		uint32_t unit;
		unsigned code;
		int32_t res;
	} cases[] = {
	    /* 16000 over 16 cm = 160 mm: 100 per mm */
	    {"cm", 0, 16000, 0, 16000, -3, 0x11, ABS_X, 100},
	    /* 4000 over 40 inches = 1016 mm: 3.94, rounded */
	    {"inch", 0, 4000, 0, 400, -1, 0x13, ABS_Y, 4},
	    /* 1000 over 1 inch (unit exponent 0) = 25.4 mm: 39.4 */
	    {"inch exp 0", 0, 1000, 0, 1, 0, 0x13, ABS_X, 39},
	    {"Z in cm", 0, 100, 0, 10, 0, 0x11, ABS_Z, 1},
	    /* 3600 over 360 degrees = 2 pi: 573 (the kernel's 57.3 deg/rad) */
	    {"degrees", 0, 3600, 0, 360, 0, 0x14, ABS_RX, 573},
	    {"tilt degrees", -90, 90, -90, 90, 0, 0x14, ABS_TILT_X, 57},
	    {"radians", 0, 1000, 0, 10, 0, 0x12, ABS_RZ, 100},
	    {"no unit", 0, 1000, 0, 10, 0, 0, ABS_X, 0},
	    {"length unit on a rotation", 0, 1000, 0, 10, 0, 0x11, ABS_RX, 0},
	    {"not an axis with units", 0, 1000, 0, 10, 0, 0x11, ABS_PRESSURE, 0},
	    {"no physical range", 0, 1000, 0, 0, 0, 0x11, ABS_X, 0},
	    {"inverted logical range", 10, 0, 0, 10, 0, 0x11, ABS_X, 0},
	    {"huge exponent overflows", 0, 1000000, 0, 10, -9, 0x11, ABS_X, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hid_field f = {
		    .logical_minimum = cases[i].lmin,
		    .logical_maximum = cases[i].lmax,
		    .physical_minimum = cases[i].pmin,
		    .physical_maximum = cases[i].pmax,
		    .unit_exponent = cases[i].exp,
		    .unit = cases[i].unit,
		};
		int32_t res = hm_generic_calc_abs_res(&f, cases[i].code);

		if (res != cases[i].res)
			fail_msg("%s: resolution %d, expected %d", cases[i].what, res,
			         cases[i].res);
	}
}

static void test_hat(void **state)
{
	static const struct {
		int32_t value, min, max;
		int x, y;
	} cases[] = {
	    /* 8 directions 0..7, clockwise from north (HUT 4.3, Hat Switch) */
	    {0, 0, 7, 0, -1},
	    {1, 0, 7, 1, -1},
	    {2, 0, 7, 1, 0},
	    {3, 0, 7, 1, 1},
	    {4, 0, 7, 0, 1},
	    {5, 0, 7, -1, 1},
	    {6, 0, 7, -1, 0},
	    {7, 0, 7, -1, -1},
	    /* the null state (out of range) centers */
	    {8, 0, 7, 0, 0},
	    {15, 0, 7, 0, 0},
	    /* 1..8 */
	    {1, 1, 8, 0, -1},
	    {8, 1, 8, -1, -1},
	    {0, 1, 8, 0, 0},
	    /* 4 directions 0..3: N, E, S, W */
	    {0, 0, 3, 0, -1},
	    {1, 0, 3, 1, 0},
	    {2, 0, 3, 0, 1},
	    {3, 0, 3, -1, 0},
	    /* struct hid_usage keeps the range in __s8: a hat declared in
	     * degrees 0..315 becomes 0..59 (315 - 256), and decodes so */
	    {45, 0, 315, -1, 0},
	    {7, 0, 315, 0, -1},
	    {8, 0, 315, 1, -1},
	    {180, 0, 315, 0, 0},
	    /* 0..255 becomes 0..-1: not a hat at all */
	    {3, 0, 255, 0, 0},
	    /* not a range */
	    {0, 0, 0, 0, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int x, y;

		hm_generic_hat_to_axes(cases[i].value, cases[i].min, cases[i].max, &x, &y);
		if (x != cases[i].x || y != cases[i].y)
			fail_msg("hat %d in %d..%d: (%d, %d), expected (%d, %d)", cases[i].value,
			         cases[i].min, cases[i].max, x, y, cases[i].x, cases[i].y);
	}
}

/* ---- through the device core ------------------------------------------------ */

struct ev {
	unsigned dev, type, code;
	int value;
};

#define SYN(d)                                                                                     \
	{                                                                                          \
		d, EV_SYN, SYN_REPORT, 0                                                           \
	}

struct fixture {
	struct capture_sink cs;
	struct hm_device *dev;
	/* transport */
	uint8_t written[8][64];
	size_t written_size[8];
	unsigned nwritten;
	uint8_t feature[64];
	size_t feature_size;
	unsigned nfeatures;
	int feature_result;
};

static int fake_write(void *userdata, const uint8_t *data, size_t size)
{
	struct fixture *fx = userdata;

	assert_true(size <= sizeof(fx->written[0]));
	if (fx->nwritten < ARRAY_SIZE(fx->written)) {
		memcpy(fx->written[fx->nwritten], data, size);
		fx->written_size[fx->nwritten] = size;
	}
	fx->nwritten++;
	return (int)size;
}

static int fake_send_feature(void *userdata, const uint8_t *data, size_t size)
{
	struct fixture *fx = userdata;

	assert_true(size <= sizeof(fx->feature));
	memcpy(fx->feature, data, size);
	fx->feature_size = size;
	fx->nfeatures++;
	return fx->feature_result < 0 ? fx->feature_result : (int)size;
}

static int make_dev_module(struct fixture *fx, const struct hm_module *module, const char *name,
                           const uint8_t *rdesc, size_t size, bool with_transport);

static int make_dev(struct fixture *fx, const char *name, const uint8_t *rdesc, size_t size,
                    bool with_transport)
{
	return make_dev_module(fx, &hm_module_generic, name, rdesc, size, with_transport);
}

static int make_dev_module(struct fixture *fx, const struct hm_module *module, const char *name,
                           const uint8_t *rdesc, size_t size, bool with_transport)
{
	struct hm_device_info info = {
	    .bus = 3, .vendor = 0x1234, .product = 0x5678, .path = "/dev/hidraw9"};
	struct hm_transport transport = {
	    .write = fake_write,
	    .send_feature = fake_send_feature,
	    .userdata = fx,
	};
	struct hm_device_setup setup = {
	    .module = module,
	    .sink = &fx->cs.base,
	    .transport = with_transport ? &transport : NULL,
	};

	snprintf(info.name, sizeof(info.name), "%s", name);
	capture_init(&fx->cs);
	fx->dev = NULL;
	return hm_device_new(&info, rdesc, size, &setup, &fx->dev);
}

static void send(struct fixture *fx, const uint8_t *report, size_t size, int expected_result)
{
	fx->cs.n = 0;
	assert_int_equal(hm_device_process_report(fx->dev, report, size, 0), expected_result);
}

#define SEND(fx, result, ...)                                                                      \
	do {                                                                                       \
		const uint8_t _r[] = {__VA_ARGS__};                                                \
		send((fx), _r, sizeof(_r), (result));                                              \
	} while (0)

static void expect(const struct fixture *fx, const struct ev *expected, size_t n)
{
	const struct capture_sink *cs = &fx->cs;
	size_t i;

	for (i = 0; i < n && i < cs->n; i++) {
		const struct capture_event *e = &cs->ev[i];

		if (e->dev != expected[i].dev || e->type != expected[i].type ||
		    e->code != expected[i].code || e->value != expected[i].value)
			break;
	}
	if (i == n && cs->n == n)
		return;

	for (size_t k = 0; k < cs->n; k++)
		print_error("  got %u %s %s %d\n", cs->ev[k].dev,
		            libevdev_event_type_get_name(cs->ev[k].type),
		            libevdev_event_code_get_name(cs->ev[k].type, cs->ev[k].code),
		            cs->ev[k].value);
	for (size_t k = 0; k < n; k++)
		print_error("  expected %u %s %s %d\n", expected[k].dev,
		            libevdev_event_type_get_name(expected[k].type),
		            libevdev_event_code_get_name(expected[k].type, expected[k].code),
		            expected[k].value);
	fail_msg("events differ at %zu", i);
}

#define EXPECT(fx, ...)                                                                            \
	do {                                                                                       \
		const struct ev _e[] = {__VA_ARGS__};                                              \
		expect((fx), _e, ARRAY_SIZE(_e));                                                  \
	} while (0)
#define EXPECT_NONE(fx) assert_int_equal((fx)->cs.n, 0)

static struct libevdev *caps(const struct fixture *fx, unsigned n)
{
	return (struct libevdev *)hm_device_output_caps(fx->dev, n);
}

static void assert_abs(const struct fixture *fx, unsigned out, unsigned code, int min, int max,
                       int fuzz, int flat, int res)
{
	const struct input_absinfo *a;

	assert_true(libevdev_has_event_code(caps(fx, out), EV_ABS, code));
	a = libevdev_get_abs_info(caps(fx, out), code);
	if (a->minimum != min || a->maximum != max || a->fuzz != fuzz || a->flat != flat ||
	    a->resolution != res)
		fail_msg("%s: %d %d %d %d %d, expected %d %d %d %d %d",
		         libevdev_event_code_get_name(EV_ABS, code), a->minimum, a->maximum,
		         a->fuzz, a->flat, a->resolution, min, max, fuzz, flat, res);
}

static void test_keyboard_caps(void **state)
{
	struct fixture fx = {0};
	int delay = 0, period = 0;

	assert_int_equal(
	    make_dev(&fx, "Test Keyboard Device", boot_keyboard, sizeof(boot_keyboard), false), 0);
	assert_int_equal(hm_device_noutputs(fx.dev), 1);
	/* one application: the HID name as is */
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Test Keyboard Device");
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_A));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_COMPOSE));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_LEFTCTRL));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_RIGHTMETA));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_BACKSLASH));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_RESERVED));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_POWER)); /* 0x66 > max */
	/* keyboard usages 0x04..0x65 never map to KEY_UNKNOWN */
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_UNKNOWN));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_MSC, MSC_SCAN));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_LED, LED_NUML));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_LED, LED_KANA));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_LED, LED_SLEEP));
	/* input_register_device()'s software autorepeat */
	assert_true(libevdev_has_event_type(caps(&fx, 0), EV_REP));
	assert_int_equal(libevdev_get_repeat(caps(&fx, 0), &delay, &period), 0);
	assert_int_equal(delay, 250);
	assert_int_equal(period, 33);
	assert_false(libevdev_has_event_type(caps(&fx, 0), EV_ABS));
	assert_false(libevdev_has_event_type(caps(&fx, 0), EV_REL));
	assert_false(libevdev_has_property(caps(&fx, 0), INPUT_PROP_POINTER));
	hm_device_free(fx.dev);
}

static void test_keyboard_array(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "kbd", boot_keyboard, sizeof(boot_keyboard), false), 0);

	/* a down: the scancode, then the key */
	SEND(&fx, 1, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_A, 1}, SYN(0));
	/* b added in slot 1: only b */
	SEND(&fx, 1, 0x00, 0x00, 0x04, 0x05, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70005}, {0, EV_KEY, KEY_B, 1}, SYN(0));
	/* the same report again: nothing */
	SEND(&fx, 1, 0x00, 0x00, 0x04, 0x05, 0, 0, 0, 0);
	EXPECT_NONE(&fx);
	/* a released, b moves to slot 0: only a's release */
	SEND(&fx, 1, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_A, 0}, SYN(0));
	/* slot by slot: release b (slot 0), press c (slot 0), press d (slot 1) */
	SEND(&fx, 1, 0x00, 0x00, 0x06, 0x07, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70005}, {0, EV_KEY, KEY_B, 0},
	       {0, EV_MSC, MSC_SCAN, 0x70006}, {0, EV_KEY, KEY_C, 1},
	       {0, EV_MSC, MSC_SCAN, 0x70007}, {0, EV_KEY, KEY_D, 1}, SYN(0));
	/* ErrorRollOver: the array keeps its state, nothing is sent */
	SEND(&fx, 1, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01);
	EXPECT_NONE(&fx);
	/* a value past the logical maximum (0x65) is no usage: ignored, so c
	 * and d are released and nothing is pressed */
	SEND(&fx, 1, 0x00, 0x00, 0x66, 0xff, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70006}, {0, EV_KEY, KEY_C, 0},
	       {0, EV_MSC, MSC_SCAN, 0x70007}, {0, EV_KEY, KEY_D, 0}, SYN(0));
	/* modifiers (a variable field) come before the array in the report */
	SEND(&fx, 1, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x700e1}, {0, EV_KEY, KEY_LEFTSHIFT, 1},
	       {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_A, 1}, SYN(0));
	/* both backslash usages map to one key; its state follows the last */
	SEND(&fx, 1, 0x00, 0x00, 0x31, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x700e1}, {0, EV_KEY, KEY_LEFTSHIFT, 0},
	       {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_A, 0},
	       {0, EV_MSC, MSC_SCAN, 0x70031}, {0, EV_KEY, KEY_BACKSLASH, 1}, SYN(0));
	hm_device_free(fx.dev);
}

/* ---- quirk hooks (module.h): a module made with HM_GENERIC_QUIRK() ---- */

static unsigned quirk_raw_events;

/* Keyboard a -> KEY_F24 (past the boot keyboard's usages), b ignored,
 * the rest to the generic rules. */
static int quirk_input_mapping(const struct hid_field *field, uint32_t usage,
                               struct hm_usage_map *map)
{
	if (usage == 0x00070004u) {
		map->type = EV_KEY;
		map->code = KEY_F24;
		return 1;
	}
	return usage == 0x00070005u ? -1 : 0;
}

/* Reports with Right GUI down are consumed. */
static int quirk_raw_event(struct hm_device *dev, const uint8_t *data, size_t size)
{
	quirk_raw_events++;
	return data[0] & 0x80 ? 1 : 0;
}

/* The key array's Logical/Usage Maximum 0x65 -> 0x04: only a is left. */
static void quirk_report_fixup(const struct hm_device_info *info, uint8_t *rdesc, size_t *size)
{
	for (size_t i = 0; i + 1 < *size; i++)
		if ((rdesc[i] == 0x25 || rdesc[i] == 0x29) && rdesc[i + 1] == 0x65)
			rdesc[i + 1] = 0x04;
}

static const struct hm_module quirk_module = {
    HM_GENERIC_QUIRK("quirk-test", "generic plus hooks"),
    .input_mapping = quirk_input_mapping,
    .raw_event = quirk_raw_event,
};

static const struct hm_module quirk_fixup_module = {
    HM_GENERIC_QUIRK("quirk-fixup-test", "generic plus report_fixup"),
    .report_fixup = quirk_report_fixup,
};

static void test_quirk_hooks(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(
	    make_dev_module(&fx, &quirk_module, "kbd", boot_keyboard, sizeof(boot_keyboard), false),
	    0);
	/* input_mapping: a is F24, b is not mapped, c keeps the generic rule */
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_F24));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_A));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_B));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_C));

	quirk_raw_events = 0;
	SEND(&fx, 1, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_F24, 1}, SYN(0));
	/* a released, b pressed: b is ignored (no scancode either) */
	SEND(&fx, 1, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_F24, 0}, SYN(0));
	/* raw_event consumes it: no events, and the state stays */
	SEND(&fx, 1, 0x80, 0x00, 0x06, 0, 0, 0, 0, 0);
	EXPECT_NONE(&fx);
	SEND(&fx, 1, 0x00, 0x00, 0x06, 0, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70006}, {0, EV_KEY, KEY_C, 1}, SYN(0));
	assert_int_equal(quirk_raw_events, 4);
	hm_device_free(fx.dev);

	/* report_fixup runs on the descriptor before the parser */
	assert_int_equal(make_dev_module(&fx, &quirk_fixup_module, "kbd", boot_keyboard,
	                                 sizeof(boot_keyboard), false),
	                 0);
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_A));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_B));
	/* 0x05 is past the fixed logical maximum: no usage */
	SEND(&fx, 1, 0x00, 0x00, 0x05, 0x04, 0, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x70004}, {0, EV_KEY, KEY_A, 1}, SYN(0));
	hm_device_free(fx.dev);
}

static void test_keyboard_leds(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "kbd", boot_keyboard, sizeof(boot_keyboard), true), 0);

	/* unnumbered: ID byte 0, then the 5 LED bits and 3 bits of padding */
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_CAPSL, 1), 0);
	assert_int_equal(fx.nwritten, 1);
	assert_int_equal(fx.written_size[0], 2);
	assert_int_equal(fx.written[0][0], 0x00);
	assert_int_equal(fx.written[0][1], 0x02);

	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_NUML, 1), 0);
	assert_int_equal(fx.written[1][1], 0x03);
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_KANA, 1), 0);
	assert_int_equal(fx.written[2][1], 0x13);
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_CAPSL, 0), 0);
	assert_int_equal(fx.written[3][1], 0x11);
	/* an LED the keyboard does not have: nothing sent */
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_MAIL, 1), -ENOENT);
	assert_int_equal(fx.nwritten, 4);
	hm_device_free(fx.dev);
}

/* Keyboard with report ID 5 and LEDs in two output reports: Num Lock in
 * report 1, Caps Lock in report 2. */
static const uint8_t split_led_keyboard[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, 0x05, 0x05, 0x07, 0x19, 0xe0, 0x29,
    0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x85, 0x01,
    0x05, 0x08, 0x09, 0x01, 0x95, 0x01, 0x91, 0x02, 0x95, 0x07, 0x91, 0x01, 0x85,
    0x02, 0x09, 0x02, 0x95, 0x01, 0x91, 0x02, 0x95, 0x07, 0x91, 0x01, 0xc0,
};

static void test_numbered_leds(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "kbd", split_led_keyboard, sizeof(split_led_keyboard), true),
	                 0);
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_NUML, 1), 0);
	assert_int_equal(fx.written_size[0], 2);
	assert_int_equal(fx.written[0][0], 0x01);
	assert_int_equal(fx.written[0][1], 0x01);
	/*
	 * hidinput_led_worker() sends the report of the first LED field
	 * (hidinput_get_led_field()), so a Caps Lock change goes out as
	 * report 1, unchanged: what the kernel does, kept.
	 */
	assert_int_equal(hm_device_handle_feedback(fx.dev, 0, EV_LED, LED_CAPSL, 1), 0);
	assert_int_equal(fx.written[1][0], 0x01);
	assert_int_equal(fx.written[1][1], 0x01);

	/* input report 5 */
	SEND(&fx, 1, 0x05, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x700e0}, {0, EV_KEY, KEY_LEFTCTRL, 1}, SYN(0));
	/* unknown report ID: ignored */
	SEND(&fx, 0, 0x06, 0x01);
	EXPECT_NONE(&fx);
	/* empty report: an error, as the kernel's */
	send(&fx, NULL, 0, -EBADMSG);
	hm_device_free(fx.dev);
}

static void test_mouse(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Test Mouse", wheel_mouse, sizeof(wheel_mouse), false), 0);
	assert_int_equal(hm_device_noutputs(fx.dev), 1);
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Test Mouse");
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_LEFT));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_MIDDLE));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_SIDE));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_REL, REL_X));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_REL, REL_Y));
	/* a wheel is both axes (hidinput_configure_usage, HID_GD_WHEEL) */
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_REL, REL_WHEEL));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_REL, REL_WHEEL_HI_RES));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_REL, REL_HWHEEL));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_MSC, MSC_SCAN));
	assert_false(libevdev_has_event_type(caps(&fx, 0), EV_REP));
	assert_false(libevdev_has_property(caps(&fx, 0), INPUT_PROP_POINTER));

	SEND(&fx, 1, 0x01, 0x05, 0xfb, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x90001}, {0, EV_KEY, BTN_LEFT, 1}, {0, EV_REL, REL_X, 5},
	       {0, EV_REL, REL_Y, -5}, {0, EV_REL, REL_WHEEL, 1},
	       {0, EV_REL, REL_WHEEL_HI_RES, 120}, SYN(0));
	/* relative values repeat; a 0 is no event */
	SEND(&fx, 1, 0x01, 0x05, 0x00, 0xfe);
	EXPECT(&fx, {0, EV_REL, REL_X, 5}, {0, EV_REL, REL_WHEEL, -2},
	       {0, EV_REL, REL_WHEEL_HI_RES, -240}, SYN(0));
	/* -128 is outside -127..127 and there is no Null state: clamped */
	SEND(&fx, 1, 0x01, 0x80, 0x00, 0x00);
	EXPECT(&fx, {0, EV_REL, REL_X, -127}, SYN(0));
	/* short report: zero-padded, so everything is released/zero */
	SEND(&fx, 1, 0x00);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x90001}, {0, EV_KEY, BTN_LEFT, 0}, SYN(0));
	/* a longer report is fine */
	SEND(&fx, 1, 0x04, 0x00, 0x00, 0x00, 0xaa, 0xbb);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x90003}, {0, EV_KEY, BTN_MIDDLE, 1}, SYN(0));
	hm_device_free(fx.dev);
}

/* Keyboard (ID 1), Consumer Control (ID 2), Mouse (ID 3), System Control
 * (ID 4), in that order. */
#define KEYBOARD_APP                                                                               \
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15,  \
	    0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x06, 0x75, 0x08, 0x15,    \
	    0x00, 0x25, 0x65, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0
#define CONSUMER_APP                                                                               \
	0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x02, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95,  \
	    0x02, 0x09, 0xe9, 0x09, 0xea, 0x81, 0x02, 0x95, 0x06, 0x81, 0x01, 0xc0
#define MOUSE_APP                                                                                  \
	0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x03, 0x09, 0x01, 0xa1, 0x00, 0x05, 0x09, 0x19,  \
	    0x01, 0x29, 0x02, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02, 0x81, 0x02, 0x95,    \
	    0x06, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x81, 0x25, 0x7f, 0x75,    \
	    0x08, 0x95, 0x02, 0x81, 0x06, 0xc0, 0xc0
#define SYSCTL_APP                                                                                 \
	0x05, 0x01, 0x09, 0x80, 0xa1, 0x01, 0x85, 0x04, 0x19, 0x81, 0x29, 0x83, 0x15, 0x00, 0x25,  \
	    0x01, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02, 0x95, 0x05, 0x81, 0x01, 0xc0
#define VENDOR_APP                                                                                 \
	0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x07, 0x09, 0x02, 0x15, 0x00, 0x26, 0xff,  \
	    0x00, 0x75, 0x08, 0x95, 0x04, 0x81, 0x02, 0xc0

static void test_per_application(void **state)
{
	static const uint8_t kcms[] = {KEYBOARD_APP, CONSUMER_APP, MOUSE_APP, SYSCTL_APP};
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Combo", kcms, sizeof(kcms), false), 0);
	/* Consumer and System Control join the keyboard (hidinput_match_application) */
	assert_int_equal(hm_device_noutputs(fx.dev), 2);
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Combo Keyboard");
	assert_string_equal(libevdev_get_name(caps(&fx, 1)), "Combo Mouse");
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_A));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_VOLUMEUP));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_WAKEUP));
	assert_false(libevdev_has_event_code(caps(&fx, 1), EV_KEY, KEY_VOLUMEUP));
	assert_true(libevdev_has_event_code(caps(&fx, 1), EV_KEY, BTN_RIGHT));

	SEND(&fx, 1, 0x02, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xc00e9}, {0, EV_KEY, KEY_VOLUMEUP, 1}, SYN(0));
	SEND(&fx, 1, 0x03, 0x02, 0x10, 0x00);
	EXPECT(&fx, {1, EV_MSC, MSC_SCAN, 0x90002}, {1, EV_KEY, BTN_RIGHT, 1},
	       {1, EV_REL, REL_X, 16}, SYN(1));
	SEND(&fx, 1, 0x04, 0x02);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x10082}, {0, EV_KEY, KEY_SLEEP, 1}, SYN(0));
	hm_device_free(fx.dev);
}

static void test_per_application_order(void **state)
{
	/* Consumer first: it has no keyboard to join yet */
	static const uint8_t ckm[] = {CONSUMER_APP, KEYBOARD_APP, MOUSE_APP, SYSCTL_APP};
	static const uint8_t csm[] = {CONSUMER_APP, SYSCTL_APP, MOUSE_APP};
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Combo", ckm, sizeof(ckm), false), 0);
	assert_int_equal(hm_device_noutputs(fx.dev), 3);
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Combo Consumer Control");
	assert_string_equal(libevdev_get_name(caps(&fx, 1)), "Combo Keyboard");
	assert_string_equal(libevdev_get_name(caps(&fx, 2)), "Combo Mouse");
	/* System Control finds the keyboard */
	assert_true(libevdev_has_event_code(caps(&fx, 1), EV_KEY, KEY_POWER));
	hm_device_free(fx.dev);

	assert_int_equal(make_dev(&fx, "Combo", csm, sizeof(csm), false), 0);
	assert_int_equal(hm_device_noutputs(fx.dev), 3);
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Combo Consumer Control");
	assert_string_equal(libevdev_get_name(caps(&fx, 1)), "Combo System Control");
	assert_string_equal(libevdev_get_name(caps(&fx, 2)), "Combo Mouse");
	hm_device_free(fx.dev);
}

/* hid-tools' OpaqueTablet: Tip Switch, In Range, X, Y in a Digitizer
 * application with a Stylus physical collection. */
static const uint8_t opaque_digitizer[] = {
    0x05, 0x0d, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x01, 0x09, 0x20, 0xa1, 0x00, 0x09,
    0x42, 0x09, 0x32, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02, 0x81, 0x02,
    0x95, 0x06, 0x81, 0x03, 0x05, 0x01, 0x09, 0x30, 0x26, 0xff, 0x7f, 0x75, 0x10,
    0x95, 0x01, 0x81, 0x02, 0x09, 0x31, 0x81, 0x02, 0xc0, 0xc0,
};

static void test_naming_and_population(void **state)
{
	static const uint8_t vm[] = {VENDOR_APP, MOUSE_APP};
	static const uint8_t vendor_only[] = {VENDOR_APP};
	static const uint8_t mouse_only[] = {MOUSE_APP};
	struct fixture fx = {0};

	/* two applications: the suffix, but not twice */
	assert_int_equal(make_dev(&fx, "Thing Mouse", vm, sizeof(vm), false), 0);
	/* the vendor application maps nothing: no device
	 * (hidinput_has_been_populated) */
	assert_int_equal(hm_device_noutputs(fx.dev), 1);
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Thing Mouse");
	/* its reports are still known, and decode to nothing */
	SEND(&fx, 1, 0x07, 1, 2, 3, 4);
	EXPECT_NONE(&fx);
	hm_device_free(fx.dev);

	/* nothing mapped at all: hid-generic binds the device but registers no
	 * input, and the module likewise takes it without outputs */
	assert_int_equal(make_dev(&fx, "Vendor", vendor_only, sizeof(vendor_only), false), 0);
	assert_int_equal(hm_device_noutputs(fx.dev), 0);
	SEND(&fx, 0, 0x07, 1, 2, 3, 4);
	EXPECT_NONE(&fx);
	hm_device_free(fx.dev);

	/* no collection the kernel counts as an input application (a
	 * Digitizer with a Stylus; IS_INPUT_APPLICATION() starts at Pen):
	 * likewise */
	assert_int_equal(make_dev(&fx, "Opaque", opaque_digitizer, sizeof(opaque_digitizer), false),
	                 0);
	assert_int_equal(hm_device_noutputs(fx.dev), 0);
	hm_device_free(fx.dev);

	/* one application: no suffix */
	assert_int_equal(make_dev(&fx, "Thing", mouse_only, sizeof(mouse_only), false), 0);
	assert_string_equal(libevdev_get_name(caps(&fx, 0)), "Thing");
	hm_device_free(fx.dev);

	/* not a descriptor */
	assert_true(make_dev(&fx, "Bad", (const uint8_t[]){0xa1, 0x01}, 2, false) < 0);
	hm_device_free(fx.dev);
}

/*
 * Joystick: X, Y signed 8 bits; a hat 0..7 with a Null state (degrees);
 * 4 buttons; Throttle 0..255 on the Simulation page.  Report: X, Y,
 * hat (low nibble), buttons (low nibble), throttle.
 */
static const uint8_t joystick[] = {
    0x05, 0x01, 0x09, 0x04, 0xa1, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08,
    0x95, 0x02, 0x81, 0x02, 0x09, 0x39, 0x15, 0x00, 0x25, 0x07, 0x35, 0x00, 0x46, 0x3b, 0x01, 0x65,
    0x14, 0x75, 0x04, 0x95, 0x01, 0x81, 0x42, /* hat: Data,Var,Abs,Null */
    0x65, 0x00, 0x45, 0x00, 0x75, 0x04, 0x95, 0x01, 0x81, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x04,
    0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x04, 0x81, 0x02, 0x95, 0x04, 0x81, 0x01, 0x05, 0x02,
    0x09, 0xbb, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0xc0,
};

static void test_joystick(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Stick", joystick, sizeof(joystick), false), 0);
	/* joystick/gamepad: fuzz (max - min) >> 8, flat (max - min) >> 4 */
	assert_abs(&fx, 0, ABS_X, -127, 127, 0, 15, 0);
	assert_abs(&fx, 0, ABS_Y, -127, 127, 0, 15, 0);
	assert_abs(&fx, 0, ABS_THROTTLE, 0, 255, 0, 15, 0);
	/* the hat pair, -1..1 without fuzz */
	assert_abs(&fx, 0, ABS_HAT0X, -1, 1, 0, 0, 0);
	assert_abs(&fx, 0, ABS_HAT0Y, -1, 1, 0, 0, 0);
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TRIGGER));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOP));
	assert_false(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOP2));

	/* signed axes, hat east, trigger, throttle */
	SEND(&fx, 1, 0x81, 0x7f, 0x02, 0x01, 0x80);
	EXPECT(&fx, {0, EV_ABS, ABS_X, -127}, {0, EV_ABS, ABS_Y, 127}, {0, EV_ABS, ABS_HAT0X, 1},
	       {0, EV_MSC, MSC_SCAN, 0x90001}, {0, EV_KEY, BTN_TRIGGER, 1},
	       {0, EV_ABS, ABS_THROTTLE, 128}, SYN(0));
	/* hat south-west; the other values unchanged */
	SEND(&fx, 1, 0x81, 0x7f, 0x05, 0x01, 0x80);
	EXPECT(&fx, {0, EV_ABS, ABS_HAT0X, -1}, {0, EV_ABS, ABS_HAT0Y, 1}, SYN(0));
	/* the hat's null state centers it */
	SEND(&fx, 1, 0x81, 0x7f, 0x08, 0x01, 0x80);
	EXPECT(&fx, {0, EV_ABS, ABS_HAT0X, 0}, {0, EV_ABS, ABS_HAT0Y, 0}, SYN(0));
	/* -128 in a -127..127 field without Null state: clamped to -127,
	 * compared with the raw -127 of before: no change */
	SEND(&fx, 1, 0x80, 0x00, 0x08, 0x00, 0x80);
	EXPECT(&fx, {0, EV_ABS, ABS_Y, 0}, {0, EV_MSC, MSC_SCAN, 0x90001},
	       {0, EV_KEY, BTN_TRIGGER, 0}, SYN(0));
	hm_device_free(fx.dev);
}

/*
 * Report Size (0), as hid-tools' SaitekGamepad (a kernel HID selftest)
 * has before its hat switch: X (8 bits), Z with Report Size 0, 4 buttons,
 * 0 bits of padding, 4 bits of padding.  The kernel drives it (its answer:
 * tests/data/kernel/parity/report-size-0.out): Z is mapped, its value
 * always 0; before, the descriptor was refused and nothing was driven.
 */
static const uint8_t report_size_zero_gamepad[] = {
    0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08,
    0x95, 0x01, 0x09, 0x30, 0x81, 0x02, 0x09, 0x32, 0x75, 0x00, 0x81, 0x02, 0x05,
    0x09, 0x19, 0x01, 0x29, 0x04, 0x25, 0x01, 0x75, 0x01, 0x95, 0x04, 0x81, 0x02,
    0x95, 0x01, 0x75, 0x00, 0x81, 0x03, 0x75, 0x01, 0x95, 0x04, 0x81, 0x03, 0xc0,
};

static void test_report_size_zero(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(
	    make_dev(&fx, "pad", report_size_zero_gamepad, sizeof(report_size_zero_gamepad), false),
	    0);
	assert_abs(&fx, 0, ABS_X, 0, 255, 0, 15, 0);
	assert_abs(&fx, 0, ABS_Z, 0, 255, 0, 15, 0);
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_SOUTH));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_NORTH));

	SEND(&fx, 1, 0x80, 0x01);
	EXPECT(&fx, {0, EV_ABS, ABS_X, 128}, {0, EV_MSC, MSC_SCAN, 0x90001},
	       {0, EV_KEY, BTN_SOUTH, 1}, SYN(0));
	/* the 0-bit Z reads 0 whatever the bytes: no event from it */
	SEND(&fx, 1, 0x80, 0xf1);
	EXPECT_NONE(&fx);
	hm_device_free(fx.dev);
}

/*
 * LED usages in an input report (issue 16): hid-input maps them to EV_LED
 * (hidinput_configure_usage()) and hidinput_hid_event() passes each value
 * on; the input core sends an LED event only when the LED's state (value
 * != 0) changes.  Num Lock, Caps Lock and Scroll Lock as 8-bit values, then
 * Left Control.  The kernel's answer for this layout:
 * tests/data/kernel/parity/led-input-wide.out and the other led-input-*.
 */
static const uint8_t input_led_keyboard[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00,
    0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x03, 0x81, 0x02, 0x05, 0x07, 0x19, 0xe0, 0x29,
    0xe0, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x95, 0x07, 0x81, 0x01, 0xc0,
};

static void test_input_leds(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(
	    make_dev(&fx, "kbd", input_led_keyboard, sizeof(input_led_keyboard), false), 0);
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_LED, LED_NUML));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_LED, LED_CAPSL));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_LED, LED_SCROLLL));

	SEND(&fx, 1, 0x01, 0x00, 0x00, 0x00);
	EXPECT(&fx, {0, EV_LED, LED_NUML, 1}, SYN(0));
	/* 1 -> 2: still on, no event; Caps Lock on with 255, passed as is */
	SEND(&fx, 1, 0x02, 0xff, 0x00, 0x01);
	EXPECT(&fx, {0, EV_LED, LED_CAPSL, 255}, {0, EV_MSC, MSC_SCAN, 0x700e0},
	       {0, EV_KEY, KEY_LEFTCTRL, 1}, SYN(0));
	SEND(&fx, 1, 0x00, 0x00, 0x07, 0x01);
	EXPECT(&fx, {0, EV_LED, LED_NUML, 0}, {0, EV_LED, LED_CAPSL, 0},
	       {0, EV_LED, LED_SCROLLL, 7}, SYN(0));
	hm_device_free(fx.dev);
}

/*
 * Gamepad with a D-pad as four 1-bit usages (Up, Down, Right, Left) and a
 * Null-state axis.
 */
static const uint8_t dpad_gamepad[] = {
    0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x09, 0x90, 0x09, 0x91, 0x09, 0x92, 0x09, 0x93,
    0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x04, 0x81, 0x02, 0x95, 0x04, 0x81, 0x01,
    0x09, 0x32, 0x15, 0x00, 0x25, 0x64, 0x75, 0x08, 0x95, 0x01, 0x81, 0x42, /* Z, Null */
    0xc0,
};

static void test_dpad(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Pad", dpad_gamepad, sizeof(dpad_gamepad), false), 0);
	assert_abs(&fx, 0, ABS_HAT0X, -1, 1, 0, 0, 0);
	assert_abs(&fx, 0, ABS_HAT0Y, -1, 1, 0, 0, 0);
	assert_abs(&fx, 0, ABS_Z, 0, 100, 0, 6, 0);
	/*
	 * Linux 6.1 keeps only the field's first D-pad usage (Up) and reports
	 * its fixed direction on every report, whatever the bits say
	 * (hidinput_hid_event() uses usage->hat_dir, not the value).
	 */
	SEND(&fx, 1, 0x00, 0x10);
	EXPECT(&fx, {0, EV_ABS, ABS_HAT0Y, -1}, {0, EV_ABS, ABS_Z, 16}, SYN(0));
	SEND(&fx, 1, 0x02, 0x10);
	EXPECT_NONE(&fx);
	/* out of range with a Null state: ignored */
	SEND(&fx, 1, 0x00, 0x65);
	EXPECT_NONE(&fx);
	SEND(&fx, 1, 0x00, 0x64);
	EXPECT(&fx, {0, EV_ABS, ABS_Z, 100}, SYN(0));
	hm_device_free(fx.dev);
}

/*
 * Pen (ID 2): Tip Switch, Barrel, Invert, Eraser, In Range as bits 0..4,
 * X/Y 0..32767 over 80 cm with exponent -2, Tip Pressure 0..1023.
 */
static const uint8_t pen[] = {
    0x05, 0x0d, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x20, 0xa1, 0x00, 0x09, 0x42,
    0x09, 0x44, 0x09, 0x3c, 0x09, 0x45, 0x09, 0x32, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
    0x95, 0x05, 0x81, 0x02, 0x95, 0x03, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31,
    0x15, 0x00, 0x26, 0xff, 0x7f, 0x35, 0x00, 0x46, 0x40, 0x1f, 0x55, 0x0e, 0x65, 0x11,
    0x75, 0x10, 0x95, 0x02, 0x81, 0x02, 0x05, 0x0d, 0x09, 0x30, 0x26, 0xff, 0x03, 0x45,
    0x00, 0x55, 0x00, 0x65, 0x00, 0x75, 0x10, 0x95, 0x01, 0x81, 0x02, 0xc0, 0xc0,
};

#define PEN_TIP    0x01
#define PEN_BARREL 0x02
#define PEN_INVERT 0x04
#define PEN_ERASER 0x08
#define PEN_RANGE  0x10

static void test_pen(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Pen", pen, sizeof(pen), false), 0);
	assert_true(libevdev_has_property(caps(&fx, 0), INPUT_PROP_DIRECT));
	assert_false(libevdev_has_property(caps(&fx, 0), INPUT_PROP_POINTER));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOOL_PEN));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOOL_RUBBER));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOUCH));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_STYLUS));
	/* 32767 over 800 mm: 40.96, rounded */
	assert_abs(&fx, 0, ABS_X, 0, 32767, 0, 0, 41);
	assert_abs(&fx, 0, ABS_Y, 0, 32767, 0, 0, 41);
	assert_abs(&fx, 0, ABS_PRESSURE, 0, 1023, 0, 0, 0);

	/* hovering: the tool, no scancode for it */
	SEND(&fx, 1, 0x02, PEN_RANGE, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_PEN, 1}, {0, EV_ABS, ABS_X, 100}, {0, EV_ABS, ABS_Y, 200},
	       SYN(0));
	/* touching: Tip Switch and Pressure come before In Range
	 * (hidinput_usages_priorities) */
	SEND(&fx, 1, 0x02, PEN_RANGE | PEN_TIP, 100, 0, 200, 0, 0xf4, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xd0042}, {0, EV_KEY, BTN_TOUCH, 1},
	       {0, EV_ABS, ABS_PRESSURE, 500}, SYN(0));
	/* lifted */
	SEND(&fx, 1, 0x02, PEN_RANGE, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xd0042}, {0, EV_KEY, BTN_TOUCH, 0},
	       {0, EV_ABS, ABS_PRESSURE, 0}, SYN(0));
	/* out of range: the tool goes (hid_report_release_tool) */
	SEND(&fx, 1, 0x02, 0, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_PEN, 0}, SYN(0));
	/* the other end: Invert sets the rubber */
	SEND(&fx, 1, 0x02, PEN_RANGE | PEN_INVERT, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_RUBBER, 1}, SYN(0));
	/* erasing: Eraser before the rest, and it is the touch */
	SEND(&fx, 1, 0x02, PEN_RANGE | PEN_INVERT | PEN_ERASER, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xd0045}, {0, EV_KEY, BTN_TOUCH, 1}, SYN(0));
	/* away: touch and rubber released */
	SEND(&fx, 1, 0x02, 0, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xd0045}, {0, EV_KEY, BTN_TOUCH, 0},
	       {0, EV_KEY, BTN_TOOL_RUBBER, 0}, SYN(0));
	/* the barrel button, in range */
	SEND(&fx, 1, 0x02, PEN_RANGE | PEN_BARREL, 100, 0, 200, 0, 0, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_PEN, 1}, {0, EV_MSC, MSC_SCAN, 0xd0044},
	       {0, EV_KEY, BTN_STYLUS, 1}, SYN(0));
	hm_device_free(fx.dev);
}

/* The same pen without Invert: Tip Switch, Barrel, Eraser, In Range. */
static const uint8_t pen_no_invert[] = {
    0x05, 0x0d, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x20, 0xa1, 0x00, 0x09, 0x42,
    0x09, 0x44, 0x09, 0x45, 0x09, 0x32, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x04,
    0x81, 0x02, 0x95, 0x04, 0x81, 0x01, 0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x00,
    0x26, 0xff, 0x7f, 0x75, 0x10, 0x95, 0x02, 0x81, 0x02, 0xc0, 0xc0,
};

static void test_pen_eraser_without_invert(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Pen", pen_no_invert, sizeof(pen_no_invert), false), 0);
	/* the Eraser brings the rubber tool along */
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOOL_RUBBER));

	/* erasing: the eraser sets the tool, then touches */
	SEND(&fx, 1, 0x02, 0x04 | 0x08, 100, 0, 200, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_RUBBER, 1}, {0, EV_MSC, MSC_SCAN, 0xd0045},
	       {0, EV_KEY, BTN_TOUCH, 1}, {0, EV_ABS, ABS_X, 100}, {0, EV_ABS, ABS_Y, 200}, SYN(0));
	/* lifted: the touch goes first */
	SEND(&fx, 1, 0x02, 0x08, 100, 0, 200, 0);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xd0045}, {0, EV_KEY, BTN_TOUCH, 0}, SYN(0));
	/* then the eraser, without Invert, releases the rubber and ends the
	 * frame (hid_report_release_tool() sends EV_SYN), and In Range brings
	 * the pen */
	SEND(&fx, 1, 0x02, 0x08, 100, 0, 200, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_RUBBER, 0}, SYN(0), {0, EV_KEY, BTN_TOOL_PEN, 1}, SYN(0));
	SEND(&fx, 1, 0x02, 0x00, 100, 0, 200, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOOL_PEN, 0}, SYN(0));
	hm_device_free(fx.dev);
}

/* Digitizer (not Pen) application with pressure only: touch is emulated
 * from the pressure (HID_QUIRK_NOTOUCH) and the device is a pointer. */
static const uint8_t pressure_only[] = {
    0x05,
    0x0d,
    0x09,
    0x01,
    0xa1,
    0x01,
    0x09,
    0x20,
    0xa1,
    0x00,
    0x09,
    0x32,
    0x15,
    0x00,
    0x25,
    0x01,
    0x75,
    0x01,
    0x95,
    0x01,
    0x81,
    0x02,
    0x95,
    0x07,
    0x81,
    0x01,
    0x09,
    0x30,
    0x26,
    0xff,
    0x00,
    0x75,
    0x08,
    0x95,
    0x01,
    0x81,
    0x02,
    0xc0,
    /* a physical Pointer so that the kernel takes the device */
    0x05,
    0x01,
    0x09,
    0x01,
    0xa1,
    0x00,
    0xc0,
    0xc0,
};

static void test_pressure_touch(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Tab", pressure_only, sizeof(pressure_only), false), 0);
	assert_true(libevdev_has_property(caps(&fx, 0), INPUT_PROP_POINTER));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, BTN_TOUCH));
	/* touch when pressure > min + (max - min) / 8 = 31 */
	/* Tip Pressure has priority over In Range */
	SEND(&fx, 1, 0x01, 31);
	EXPECT(&fx, {0, EV_ABS, ABS_PRESSURE, 31}, {0, EV_KEY, BTN_TOOL_PEN, 1}, SYN(0));
	SEND(&fx, 1, 0x01, 32);
	EXPECT(&fx, {0, EV_KEY, BTN_TOUCH, 1}, {0, EV_ABS, ABS_PRESSURE, 32}, SYN(0));
	/* the emulation never releases BTN_TOUCH itself; leaving range does */
	SEND(&fx, 1, 0x01, 0);
	EXPECT(&fx, {0, EV_ABS, ABS_PRESSURE, 0}, SYN(0));
	SEND(&fx, 1, 0x00, 0);
	EXPECT(&fx, {0, EV_KEY, BTN_TOUCH, 0}, {0, EV_KEY, BTN_TOOL_PEN, 0}, SYN(0));
	hm_device_free(fx.dev);
}

/* hid-tools' ResolutionMultiplierMouse (descriptors.h) */
static void test_resolution_multiplier(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "RM", multiplier_mouse, sizeof(multiplier_mouse), true), 0);
	/* the multiplier set to its logical maximum: feature 0x12, value 1 */
	assert_int_equal(fx.nfeatures, 1);
	assert_int_equal(fx.feature_size, 2);
	assert_int_equal(fx.feature[0], 0x12);
	assert_int_equal(fx.feature[1], 0x01);
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_REL, REL_HWHEEL_HI_RES));

	/* effective multiplier 4 (physical maximum): a quarter detent each */
	SEND(&fx, 1, 0x11, 0, 0, 0, 1, 0);
	EXPECT(&fx, {0, EV_REL, REL_WHEEL_HI_RES, 30}, SYN(0));
	SEND(&fx, 1, 0x11, 0, 0, 0, 1, 0);
	SEND(&fx, 1, 0x11, 0, 0, 0, 1, 0);
	EXPECT(&fx, {0, EV_REL, REL_WHEEL_HI_RES, 30}, SYN(0));
	SEND(&fx, 1, 0x11, 0, 0, 0, 1, 0);
	EXPECT(&fx, {0, EV_REL, REL_WHEEL, 1}, {0, EV_REL, REL_WHEEL_HI_RES, 30}, SYN(0));
	SEND(&fx, 1, 0x11, 0, 0, 0, 0xff, 0);
	EXPECT(&fx, {0, EV_REL, REL_WHEEL_HI_RES, -30}, SYN(0));
	/* AC Pan is not in the multiplier's collection: whole detents */
	SEND(&fx, 1, 0x11, 0, 0, 0, 0, 0x02);
	EXPECT(&fx, {0, EV_REL, REL_HWHEEL, 2}, {0, EV_REL, REL_HWHEEL_HI_RES, 240}, SYN(0));
	hm_device_free(fx.dev);

	/* the device refuses: the parse-time multiplier, (0 - 0) / 1 * 3 + 1 = 1 */
	memset(&fx, 0, sizeof(fx));
	fx.feature_result = -EIO;
	assert_int_equal(make_dev(&fx, "RM", multiplier_mouse, sizeof(multiplier_mouse), true), 0);
	assert_int_equal(fx.nfeatures, 1);
	SEND(&fx, 1, 0x11, 0, 0, 0, 1, 0);
	EXPECT(&fx, {0, EV_REL, REL_WHEEL, 1}, {0, EV_REL, REL_WHEEL_HI_RES, 120}, SYN(0));
	hm_device_free(fx.dev);

	/* no transport (a recording): the device accepted when it was recorded */
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(make_dev(&fx, "RM", multiplier_mouse, sizeof(multiplier_mouse), false), 0);
	SEND(&fx, 1, 0x11, 0, 0, 0, 1, 0);
	EXPECT(&fx, {0, EV_REL, REL_WHEEL_HI_RES, 30}, SYN(0));
	hm_device_free(fx.dev);
}

/* Consumer Control: Mute (1 bit) and a relative Volume (-1..1). */
static const uint8_t relative_volume[] = {
    0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x09, 0xe2, 0x15, 0x00, 0x25, 0x01, 0x75,
    0x01, 0x95, 0x01, 0x81, 0x02, 0x09, 0xe0, 0x15, 0xff, 0x25, 0x01, 0x75, 0x02,
    0x95, 0x01, 0x81, 0x06, 0x75, 0x05, 0x95, 0x01, 0x81, 0x01, 0xc0,
};

static void test_relative_volume(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Knob", relative_volume, sizeof(relative_volume), false), 0);
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_VOLUMEUP));
	assert_true(libevdev_has_event_code(caps(&fx, 0), EV_KEY, KEY_VOLUMEDOWN));
	assert_abs(&fx, 0, ABS_VOLUME, -1, 1, 0, 0, 0);
	/* +1: a VOLUMEUP press and release, without scancode, each in its
	 * own frame (hidinput_hid_event() syncs after each) */
	SEND(&fx, 1, 0x02);
	EXPECT(&fx, {0, EV_KEY, KEY_VOLUMEUP, 1}, SYN(0), {0, EV_KEY, KEY_VOLUMEUP, 0}, SYN(0));
	SEND(&fx, 1, 0x06);
	EXPECT(&fx, {0, EV_KEY, KEY_VOLUMEDOWN, 1}, SYN(0), {0, EV_KEY, KEY_VOLUMEDOWN, 0}, SYN(0));
	SEND(&fx, 1, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0xc00e2}, {0, EV_KEY, KEY_MUTE, 1}, SYN(0));
	hm_device_free(fx.dev);
}

/*
 * Two fields mapping to the same code: Buttons 1..2 and, again, Button 1
 * with a count of 3 (its later slots repeat Button 1).  The kernel keeps
 * the first usage of a code and drops the others.
 */
static const uint8_t duplicates[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29,
    0x02, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02, 0x81, 0x02,
    0x09, 0x01, 0x95, 0x03, 0x81, 0x02, 0x95, 0x03, 0x81, 0x01, 0xc0,
};

static void test_duplicates(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Dup", duplicates, sizeof(duplicates), false), 0);
	/* the second field's Button 1: dropped */
	SEND(&fx, 1, 0x1c);
	EXPECT_NONE(&fx);
	SEND(&fx, 1, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x90001}, {0, EV_KEY, BTN_LEFT, 1}, SYN(0));
	hm_device_free(fx.dev);
}

/* Wireless Radio Controls: a button without release */
static const uint8_t radio[] = {
    0x05, 0x01, 0x09, 0x0c, 0xa1, 0x01, 0x09, 0xc6, 0x15, 0x00, 0x25, 0x01,
    0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x95, 0x07, 0x81, 0x01, 0xc0,
};

static void test_rfkill(void **state)
{
	struct fixture fx = {0};

	assert_int_equal(make_dev(&fx, "Radio", radio, sizeof(radio), false), 0);
	/* the field is now relative: press and release on each report with
	 * the bit set, a frame each (hidinput_hid_event() syncs between) */
	SEND(&fx, 1, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x100c6}, {0, EV_KEY, KEY_RFKILL, 1}, SYN(0),
	       {0, EV_KEY, KEY_RFKILL, 0}, SYN(0));
	SEND(&fx, 1, 0x01);
	EXPECT(&fx, {0, EV_MSC, MSC_SCAN, 0x100c6}, {0, EV_KEY, KEY_RFKILL, 1}, SYN(0),
	       {0, EV_KEY, KEY_RFKILL, 0}, SYN(0));
	/* 0: not a state change, so no scancode, and the input core drops
	 * the release of a key that is up */
	SEND(&fx, 1, 0x00);
	EXPECT_NONE(&fx);
	hm_device_free(fx.dev);
}

/* ---- describe -------------------------------------------------------------- */

/*
 * hm_generic_describe() on a small mouse.  The expectation is written from
 * the HID Usage Tables and hid-input's rules, not from the output: Button
 * 1-3 in a Mouse application are BTN_LEFT/RIGHT/MIDDLE (BTN_MOUSE + n-1);
 * relative GD X/Y are REL_X/REL_Y; a second X in the same device finds
 * REL_X taken and is dropped; page 0xff00 is one of the vendor pages
 * hidinput_configure_usage() ignores; page 0xff02 falls to the "unknown"
 * catch-all, ABS_MISC for an 8-bit absolute field; a Constant main item
 * is padding even with a usage; the 5-bit item without a usage is no
 * field at all.
 */
static void test_describe(void **state)
{
	static const uint8_t rdesc[] = {
	    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01,                         /* GD Mouse, Application */
	    0x09, 0x01, 0xa1, 0x00,                                     /* Pointer, Physical */
	    0x05, 0x09, 0x19, 0x01, 0x29, 0x03,                         /* Button 1..3 */
	    0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02, /* 3 x 1, Var */
	    0x75, 0x05, 0x95, 0x01, 0x81, 0x01,                         /* padding, no usage */
	    0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x09, 0x30,             /* X, Y, X again */
	    0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06, /* 3 x 8, Var Rel */
	    0x06, 0x00, 0xff, 0x09, 0x01, 0x95, 0x01, 0x81, 0x02,       /* Vendor ff00:01 */
	    0x06, 0x02, 0xff, 0x09, 0x01, 0x81, 0x02,                   /* Vendor ff02:01 */
	    0x05, 0x01, 0x09, 0x38, 0x81, 0x03,                         /* Wheel, Constant */
	    0xc0, 0xc0,
	};
	static const char expected[] =
	    "Input devices (one application collection: one device):\n"
	    "  device 0 \"Test Mouse\": application Mouse\n"
	    "Fields, and what each usage maps to (the kernel's hid-input rules):\n"
	    "  field #0: input report, 3 x 1 bit at bit 0, Variable Absolute -> device 0\n"
	    "    usage Button 1 (0x00090001) -> EV_KEY BTN_LEFT (Button page in a Mouse "
	    "application)\n"
	    "    usage Button 2 (0x00090002) -> EV_KEY BTN_RIGHT (Button page in a Mouse "
	    "application)\n"
	    "    usage Button 3 (0x00090003) -> EV_KEY BTN_MIDDLE (Button page in a Mouse "
	    "application)\n"
	    "  field #1: input report, 3 x 8 bits at bit 8, Variable Relative -> device 0\n"
	    "    usage X (0x00010030) -> EV_REL REL_X (Generic Desktop axis in a Relative field)\n"
	    "    usage Y (0x00010031) -> EV_REL REL_Y (Generic Desktop axis in a Relative field)\n"
	    "    usage X (0x00010030) -> ignored (already mapped: EV_REL REL_X is taken by an "
	    "earlier usage of this device: duplicate)\n"
	    "  field #2: input report, 1 x 8 bits at bit 32, Variable Absolute -> device 0\n"
	    "    usage Vendor 0xFF00:0x0001 (0xff000001) -> ignored (vendor page the kernel "
	    "ignores (0xff00, 0xff09, 0xff43, 0xffbc))\n"
	    "  field #3: input report, 1 x 8 bits at bit 40, Variable Absolute -> device 0\n"
	    "    usage Vendor 0xFF02:0x0001 (0xff020001) -> EV_ABS ABS_MISC (no meaning in "
	    "hid-input: catch-all for an absolute field)\n"
	    "  field #4: input report, 1 x 8 bits at bit 48, Constant: constant field: padding\n";
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	hm_generic_describe("Test Mouse", rdesc, sizeof(rdesc), f);
	fclose(f);
	assert_string_equal(buf, expected);
	free(buf);

	/* no input application: said so, nothing else */
	f = open_memstream(&buf, &size);
	assert_non_null(f);
	hm_generic_describe("Vendor",
	                    (const uint8_t[]){0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x75, 0x08,
	                                      0x95, 0x01, 0x81, 0x02, 0xc0},
	                    14, f);
	fclose(f);
	assert_non_null(strstr(buf, "no input device"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_map_keyboard),
	    cmocka_unit_test(test_map_buttons),
	    cmocka_unit_test(test_map_programmable_buttons),
	    cmocka_unit_test(test_map_generic_desktop),
	    cmocka_unit_test(test_map_consumer),
	    cmocka_unit_test(test_map_other_pages),
	    cmocka_unit_test(test_map_leds),
	    cmocka_unit_test(test_map_digitizer),
	    cmocka_unit_test(test_map_flags),
	    cmocka_unit_test(test_keyboard_codes),
	    cmocka_unit_test(test_abs_resolution),
	    cmocka_unit_test(test_hat),
	    cmocka_unit_test(test_keyboard_caps),
	    cmocka_unit_test(test_keyboard_array),
	    cmocka_unit_test(test_keyboard_leds),
	    cmocka_unit_test(test_numbered_leds),
	    cmocka_unit_test(test_mouse),
	    cmocka_unit_test(test_per_application),
	    cmocka_unit_test(test_per_application_order),
	    cmocka_unit_test(test_naming_and_population),
	    cmocka_unit_test(test_joystick),
	    cmocka_unit_test(test_report_size_zero),
	    cmocka_unit_test(test_input_leds),
	    cmocka_unit_test(test_dpad),
	    cmocka_unit_test(test_pen),
	    cmocka_unit_test(test_pen_eraser_without_invert),
	    cmocka_unit_test(test_pressure_touch),
	    cmocka_unit_test(test_resolution_multiplier),
	    cmocka_unit_test(test_relative_volume),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_rfkill),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_quirk_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
