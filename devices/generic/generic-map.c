/* SPDX-License-Identifier: MIT */
/*
 * The generic module's usage mapping: what hid-input's
 * hidinput_configure_usage() makes of each usage (evdev type and code), and
 * the resolution of an absolute axis (hidinput_calc_abs_res()).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "generic-private.h"
#include "hid-constants.h"
#include "hid-report.h"
#include "module.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

/* ---- the usage mapping (hidinput_configure_usage) ------------------------ */

/*
 * Keyboard/Keypad page (0x07) -> key code: the kernel's hid_keyboard[]
 * table (drivers/hid/hid-input.c, Linux 6.1), written with the key names.
 * Usages 0x00-0x03 (no event, ErrorRollOver, POSTFail, ErrorUndefined) are
 * ignored; every other ID below 0x100 the table leaves out is KEY_UNKNOWN
 * there ("unk").  No library carries this table, so it lives here, once.
 */
static const uint16_t hid_keyboard[256] = {
    [0x04] = KEY_A,
    [0x05] = KEY_B,
    [0x06] = KEY_C,
    [0x07] = KEY_D,
    [0x08] = KEY_E,
    [0x09] = KEY_F,
    [0x0a] = KEY_G,
    [0x0b] = KEY_H,
    [0x0c] = KEY_I,
    [0x0d] = KEY_J,
    [0x0e] = KEY_K,
    [0x0f] = KEY_L,
    [0x10] = KEY_M,
    [0x11] = KEY_N,
    [0x12] = KEY_O,
    [0x13] = KEY_P,
    [0x14] = KEY_Q,
    [0x15] = KEY_R,
    [0x16] = KEY_S,
    [0x17] = KEY_T,
    [0x18] = KEY_U,
    [0x19] = KEY_V,
    [0x1a] = KEY_W,
    [0x1b] = KEY_X,
    [0x1c] = KEY_Y,
    [0x1d] = KEY_Z,
    [0x1e] = KEY_1,
    [0x1f] = KEY_2,
    [0x20] = KEY_3,
    [0x21] = KEY_4,
    [0x22] = KEY_5,
    [0x23] = KEY_6,
    [0x24] = KEY_7,
    [0x25] = KEY_8,
    [0x26] = KEY_9,
    [0x27] = KEY_0,
    [0x28] = KEY_ENTER,
    [0x29] = KEY_ESC,
    [0x2a] = KEY_BACKSPACE,
    [0x2b] = KEY_TAB,
    [0x2c] = KEY_SPACE,
    [0x2d] = KEY_MINUS,
    [0x2e] = KEY_EQUAL,
    [0x2f] = KEY_LEFTBRACE,
    [0x30] = KEY_RIGHTBRACE,
    [0x31] = KEY_BACKSLASH,
    [0x32] = KEY_BACKSLASH, /* Non-US # and ~ */
    [0x33] = KEY_SEMICOLON,
    [0x34] = KEY_APOSTROPHE,
    [0x35] = KEY_GRAVE,
    [0x36] = KEY_COMMA,
    [0x37] = KEY_DOT,
    [0x38] = KEY_SLASH,
    [0x39] = KEY_CAPSLOCK,
    [0x3a] = KEY_F1,
    [0x3b] = KEY_F2,
    [0x3c] = KEY_F3,
    [0x3d] = KEY_F4,
    [0x3e] = KEY_F5,
    [0x3f] = KEY_F6,
    [0x40] = KEY_F7,
    [0x41] = KEY_F8,
    [0x42] = KEY_F9,
    [0x43] = KEY_F10,
    [0x44] = KEY_F11,
    [0x45] = KEY_F12,
    [0x46] = KEY_SYSRQ, /* PrintScreen */
    [0x47] = KEY_SCROLLLOCK,
    [0x48] = KEY_PAUSE,
    [0x49] = KEY_INSERT,
    [0x4a] = KEY_HOME,
    [0x4b] = KEY_PAGEUP,
    [0x4c] = KEY_DELETE,
    [0x4d] = KEY_END,
    [0x4e] = KEY_PAGEDOWN,
    [0x4f] = KEY_RIGHT,
    [0x50] = KEY_LEFT,
    [0x51] = KEY_DOWN,
    [0x52] = KEY_UP,
    [0x53] = KEY_NUMLOCK,
    [0x54] = KEY_KPSLASH,
    [0x55] = KEY_KPASTERISK,
    [0x56] = KEY_KPMINUS,
    [0x57] = KEY_KPPLUS,
    [0x58] = KEY_KPENTER,
    [0x59] = KEY_KP1,
    [0x5a] = KEY_KP2,
    [0x5b] = KEY_KP3,
    [0x5c] = KEY_KP4,
    [0x5d] = KEY_KP5,
    [0x5e] = KEY_KP6,
    [0x5f] = KEY_KP7,
    [0x60] = KEY_KP8,
    [0x61] = KEY_KP9,
    [0x62] = KEY_KP0,
    [0x63] = KEY_KPDOT,
    [0x64] = KEY_102ND,
    [0x65] = KEY_COMPOSE,
    [0x66] = KEY_POWER,
    [0x67] = KEY_KPEQUAL,
    [0x68] = KEY_F13,
    [0x69] = KEY_F14,
    [0x6a] = KEY_F15,
    [0x6b] = KEY_F16,
    [0x6c] = KEY_F17,
    [0x6d] = KEY_F18,
    [0x6e] = KEY_F19,
    [0x6f] = KEY_F20,
    [0x70] = KEY_F21,
    [0x71] = KEY_F22,
    [0x72] = KEY_F23,
    [0x73] = KEY_F24,
    [0x74] = KEY_OPEN,
    [0x75] = KEY_HELP,
    [0x76] = KEY_PROPS,
    [0x77] = KEY_FRONT,
    [0x78] = KEY_STOP,
    [0x79] = KEY_AGAIN,
    [0x7a] = KEY_UNDO,
    [0x7b] = KEY_CUT,
    [0x7c] = KEY_COPY,
    [0x7d] = KEY_PASTE,
    [0x7e] = KEY_FIND,
    [0x7f] = KEY_MUTE,
    [0x80] = KEY_VOLUMEUP,
    [0x81] = KEY_VOLUMEDOWN,
    [0x85] = KEY_KPCOMMA,
    [0x87] = KEY_RO,
    [0x88] = KEY_KATAKANAHIRAGANA,
    [0x89] = KEY_YEN,
    [0x8a] = KEY_HENKAN,
    [0x8b] = KEY_MUHENKAN,
    [0x8c] = KEY_KPJPCOMMA,
    [0x90] = KEY_HANGEUL,
    [0x91] = KEY_HANJA,
    [0x92] = KEY_KATAKANA,
    [0x93] = KEY_HIRAGANA,
    [0x94] = KEY_ZENKAKUHANKAKU,
    [0x9c] = KEY_DELETE, /* Keyboard Clear */
    [0xb6] = KEY_KPLEFTPAREN,
    [0xb7] = KEY_KPRIGHTPAREN,
    [0xd8] = KEY_DELETE, /* Keypad Clear */
    [0xe0] = KEY_LEFTCTRL,
    [0xe1] = KEY_LEFTSHIFT,
    [0xe2] = KEY_LEFTALT,
    [0xe3] = KEY_LEFTMETA,
    [0xe4] = KEY_RIGHTCTRL,
    [0xe5] = KEY_RIGHTSHIFT,
    [0xe6] = KEY_RIGHTALT,
    [0xe7] = KEY_RIGHTMETA,
    /* 0xe8-0xfb: reserved in the HID tables; the kernel maps them for
     * keyboards that send media keys there */
    [0xe8] = KEY_PLAYPAUSE,
    [0xe9] = KEY_STOPCD,
    [0xea] = KEY_PREVIOUSSONG,
    [0xeb] = KEY_NEXTSONG,
    [0xec] = KEY_EJECTCD,
    [0xed] = KEY_VOLUMEUP,
    [0xee] = KEY_VOLUMEDOWN,
    [0xef] = KEY_MUTE,
    [0xf0] = KEY_WWW,
    [0xf1] = KEY_BACK,
    [0xf2] = KEY_FORWARD,
    [0xf3] = KEY_STOP,
    [0xf4] = KEY_FIND,
    [0xf5] = KEY_SCROLLUP,
    [0xf6] = KEY_SCROLLDOWN,
    [0xf7] = KEY_EDIT,
    [0xf8] = KEY_SLEEP,
    [0xf9] = KEY_COFFEE,
    [0xfa] = KEY_REFRESH,
    [0xfb] = KEY_CALC,
};

/*
 * Consumer page (0x0c) -> key code, the case list of
 * hidinput_configure_usage() (Linux 6.1).  IDs listed here with 0, and
 * every ID past the table, are KEY_UNKNOWN there, except 0x000 (ignored),
 * 0x0e0 Volume (ABS_VOLUME) and 0x238 AC Pan (horizontal wheel), which
 * consumer_map() handles.
 */
static const uint16_t hid_consumer[0x2cd] = {
    [0x030] = KEY_POWER,
    [0x031] = KEY_RESTART,
    [0x032] = KEY_SLEEP,
    [0x034] = KEY_SLEEP,
    [0x035] = KEY_KBDILLUMTOGGLE,
    [0x036] = BTN_MISC,
    [0x040] = KEY_MENU,
    [0x041] = KEY_SELECT,
    [0x042] = KEY_UP,
    [0x043] = KEY_DOWN,
    [0x044] = KEY_LEFT,
    [0x045] = KEY_RIGHT,
    [0x046] = KEY_ESC,
    [0x047] = KEY_KPPLUS,
    [0x048] = KEY_KPMINUS,
    [0x060] = KEY_INFO,
    [0x061] = KEY_SUBTITLE,
    [0x063] = KEY_VCR,
    [0x065] = KEY_CAMERA,
    [0x069] = KEY_RED,
    [0x06a] = KEY_GREEN,
    [0x06b] = KEY_BLUE,
    [0x06c] = KEY_YELLOW,
    [0x06d] = KEY_ASPECT_RATIO,
    [0x06f] = KEY_BRIGHTNESSUP,
    [0x070] = KEY_BRIGHTNESSDOWN,
    [0x072] = KEY_BRIGHTNESS_TOGGLE,
    [0x073] = KEY_BRIGHTNESS_MIN,
    [0x074] = KEY_BRIGHTNESS_MAX,
    [0x075] = KEY_BRIGHTNESS_AUTO,
    [0x079] = KEY_KBDILLUMUP,
    [0x07a] = KEY_KBDILLUMDOWN,
    [0x07c] = KEY_KBDILLUMTOGGLE,
    [0x082] = KEY_VIDEO_NEXT,
    [0x083] = KEY_LAST,
    [0x084] = KEY_ENTER,
    [0x088] = KEY_PC,
    [0x089] = KEY_TV,
    [0x08a] = KEY_WWW,
    [0x08b] = KEY_DVD,
    [0x08c] = KEY_PHONE,
    [0x08d] = KEY_PROGRAM,
    [0x08e] = KEY_VIDEOPHONE,
    [0x08f] = KEY_GAMES,
    [0x090] = KEY_MEMO,
    [0x091] = KEY_CD,
    [0x092] = KEY_VCR,
    [0x093] = KEY_TUNER,
    [0x094] = KEY_EXIT,
    [0x095] = KEY_HELP,
    [0x096] = KEY_TAPE,
    [0x097] = KEY_TV2,
    [0x098] = KEY_SAT,
    [0x09a] = KEY_PVR,
    [0x09c] = KEY_CHANNELUP,
    [0x09d] = KEY_CHANNELDOWN,
    [0x0a0] = KEY_VCR2,
    [0x0b0] = KEY_PLAY,
    [0x0b1] = KEY_PAUSE,
    [0x0b2] = KEY_RECORD,
    [0x0b3] = KEY_FASTFORWARD,
    [0x0b4] = KEY_REWIND,
    [0x0b5] = KEY_NEXTSONG,
    [0x0b6] = KEY_PREVIOUSSONG,
    [0x0b7] = KEY_STOPCD,
    [0x0b8] = KEY_EJECTCD,
    [0x0b9] = KEY_SHUFFLE,
    [0x0bc] = KEY_MEDIA_REPEAT,
    [0x0bf] = KEY_SLOW,
    [0x0cd] = KEY_PLAYPAUSE,
    [0x0cf] = KEY_VOICECOMMAND,
    [0x0d8] = KEY_DICTATE,
    [0x0d9] = KEY_EMOJI_PICKER,
    [0x0e2] = KEY_MUTE,
    [0x0e5] = KEY_BASSBOOST,
    [0x0e9] = KEY_VOLUMEUP,
    [0x0ea] = KEY_VOLUMEDOWN,
    [0x0f5] = KEY_SLOW,
    [0x181] = KEY_BUTTONCONFIG,
    [0x182] = KEY_BOOKMARKS,
    [0x183] = KEY_CONFIG,
    [0x184] = KEY_WORDPROCESSOR,
    [0x185] = KEY_EDITOR,
    [0x186] = KEY_SPREADSHEET,
    [0x187] = KEY_GRAPHICSEDITOR,
    [0x188] = KEY_PRESENTATION,
    [0x189] = KEY_DATABASE,
    [0x18a] = KEY_MAIL,
    [0x18b] = KEY_NEWS,
    [0x18c] = KEY_VOICEMAIL,
    [0x18d] = KEY_ADDRESSBOOK,
    [0x18e] = KEY_CALENDAR,
    [0x18f] = KEY_TASKMANAGER,
    [0x190] = KEY_JOURNAL,
    [0x191] = KEY_FINANCE,
    [0x192] = KEY_CALC,
    [0x193] = KEY_PLAYER,
    [0x194] = KEY_FILE,
    [0x196] = KEY_WWW,
    [0x199] = KEY_CHAT,
    [0x19c] = KEY_LOGOFF,
    [0x19e] = KEY_COFFEE,
    [0x19f] = KEY_CONTROLPANEL,
    [0x1a2] = KEY_APPSELECT,
    [0x1a3] = KEY_NEXT,
    [0x1a4] = KEY_PREVIOUS,
    [0x1a6] = KEY_HELP,
    [0x1a7] = KEY_DOCUMENTS,
    [0x1ab] = KEY_SPELLCHECK,
    [0x1ae] = KEY_KEYBOARD,
    [0x1b1] = KEY_SCREENSAVER,
    [0x1b4] = KEY_FILE,
    [0x1b6] = KEY_IMAGES,
    [0x1b7] = KEY_AUDIO,
    [0x1b8] = KEY_VIDEO,
    [0x1bc] = KEY_MESSENGER,
    [0x1bd] = KEY_INFO,
    [0x1cb] = KEY_ASSISTANT,
    [0x201] = KEY_NEW,
    [0x202] = KEY_OPEN,
    [0x203] = KEY_CLOSE,
    [0x204] = KEY_EXIT,
    [0x207] = KEY_SAVE,
    [0x208] = KEY_PRINT,
    [0x209] = KEY_PROPS,
    [0x21a] = KEY_UNDO,
    [0x21b] = KEY_COPY,
    [0x21c] = KEY_CUT,
    [0x21d] = KEY_PASTE,
    [0x21f] = KEY_FIND,
    [0x221] = KEY_SEARCH,
    [0x222] = KEY_GOTO,
    [0x223] = KEY_HOMEPAGE,
    [0x224] = KEY_BACK,
    [0x225] = KEY_FORWARD,
    [0x226] = KEY_STOP,
    [0x227] = KEY_REFRESH,
    [0x22a] = KEY_BOOKMARKS,
    [0x22d] = KEY_ZOOMIN,
    [0x22e] = KEY_ZOOMOUT,
    [0x22f] = KEY_ZOOMRESET,
    [0x232] = KEY_FULL_SCREEN,
    [0x233] = KEY_SCROLLUP,
    [0x234] = KEY_SCROLLDOWN,
    [0x23d] = KEY_EDIT,
    [0x25f] = KEY_CANCEL,
    [0x269] = KEY_INSERT,
    [0x26a] = KEY_DELETE,
    [0x279] = KEY_REDO,
    [0x289] = KEY_REPLY,
    [0x28b] = KEY_FORWARDMAIL,
    [0x28c] = KEY_SEND,
    [0x29d] = KEY_KBD_LAYOUT_NEXT,
    [0x29f] = KEY_SCALE,
    [0x2a2] = KEY_ALL_APPLICATIONS,
    [0x2c7] = KEY_KBDINPUTASSIST_PREV,
    [0x2c8] = KEY_KBDINPUTASSIST_NEXT,
    [0x2c9] = KEY_KBDINPUTASSIST_PREVGROUP,
    [0x2ca] = KEY_KBDINPUTASSIST_NEXTGROUP,
    [0x2cb] = KEY_KBDINPUTASSIST_ACCEPT,
    [0x2cc] = KEY_KBDINPUTASSIST_CANCEL,
};

unsigned hm_generic_keyboard_code(uint16_t id)
{
	if (id < 4)
		return 0;
	if (id >= ARRAY_SIZE(hid_keyboard) || !hid_keyboard[id])
		return KEY_UNKNOWN;
	return hid_keyboard[id];
}

unsigned generic_type_max(unsigned type)
{
	switch (type) {
	case EV_ABS:
		return ABS_MAX;
	case EV_REL:
		return REL_MAX;
	case EV_KEY:
		return KEY_MAX;
	case EV_LED:
		return LED_MAX;
	case EV_MSC:
		return MSC_MAX;
	default:
		return 0;
	}
}

/* hid_map_usage() / hid_map_usage_clear(): a code past the type's maximum
 * ("Invalid code") leaves the usage unmapped. */
static void map(struct hm_generic_map *m, unsigned type, unsigned code, bool clear)
{
	if (code > generic_type_max(type)) {
		m->reason =
		    "the code would be past the type's maximum (the kernel's \"Invalid code\")";
		return;
	}
	m->type = (uint16_t)type;
	m->code = (uint16_t)code;
	if (clear)
		m->flags |= HM_GENERIC_MAP_CLEAR;
}

/* The "unknown:" label: anything the kernel has no meaning for still gets
 * a catch-all code, so that the data reaches userspace. */
static void map_unknown(const struct hid_field *f, struct hm_generic_map *m)
{
	if (f->report_size == 1) {
		if (f->type == HID_OUTPUT_REPORT) {
			m->reason = "no meaning in hid-input: catch-all for a 1-bit output";
			map(m, EV_LED, LED_MISC, false);
		} else {
			m->reason = "no meaning in hid-input: catch-all for a 1-bit field";
			map(m, EV_KEY, BTN_MISC, false);
		}
	} else if (f->flags & HID_MAIN_ITEM_RELATIVE) {
		m->reason = "no meaning in hid-input: catch-all for a relative field";
		map(m, EV_REL, REL_MISC, false);
	} else {
		m->reason = "no meaning in hid-input: catch-all for an absolute field";
		map(m, EV_ABS, ABS_MISC, false);
	}
}

static void map_button(const struct hid_field *f, uint32_t usage,
                       const struct hid_collection *collection, struct hm_generic_map *m)
{
	/* Button 1 is code 0 from the base; Button 0 wraps past KEY_MAX. */
	unsigned code = (usage - 1) & USAGE_ID_MASK;

	switch (f->application) {
	case HID_GD_MOUSE:
	case HID_GD_POINTER:
		m->reason = f->application == HID_GD_MOUSE ? "Button page in a Mouse application"
		                                           : "Button page in a Pointer application";
		code += BTN_MOUSE;
		break;
	case HID_GD_JOYSTICK:
		m->reason = code <= 0xf ? "Button page in a Joystick application"
		                        : "Button page in a Joystick application, past button 16";
		code += code <= 0xf ? BTN_JOYSTICK : BTN_TRIGGER_HAPPY - 0x10;
		break;
	case HID_GD_GAMEPAD:
		m->reason = code <= 0xf ? "Button page in a Gamepad application"
		                        : "Button page in a Gamepad application, past button 16";
		code += code <= 0xf ? BTN_GAMEPAD : BTN_TRIGGER_HAPPY - 0x10;
		break;
	case HID_CP_CONSUMER_CONTROL:
		/* hidinput_field_in_collection() */
		if (collection && collection->type == HID_COLLECTION_NAMED_ARRAY &&
		    collection->usage == HID_CP_PROGRAMMABLEBUTTONS) {
			m->reason = "Button page in a Consumer Programmable Buttons named array";
			code += code <= 0x1d ? KEY_MACRO1 : BTN_TRIGGER_HAPPY - 0x1e;
			break;
		}
		__attribute__((fallthrough));
	default:
		switch (f->physical) {
		case HID_GD_MOUSE:
		case HID_GD_POINTER:
			m->reason = "Button page in a Mouse or Pointer physical collection";
			code += BTN_MOUSE;
			break;
		case HID_GD_JOYSTICK:
			m->reason = "Button page in a Joystick physical collection";
			code += BTN_JOYSTICK;
			break;
		case HID_GD_GAMEPAD:
			m->reason = "Button page in a Gamepad physical collection";
			code += BTN_GAMEPAD;
			break;
		default:
			m->reason =
			    "Button page outside a mouse, joystick or gamepad: BTN_MISC + n";
			code += BTN_MISC;
			break;
		}
		break;
	}
	map(m, EV_KEY, code, false);
}

static void map_gendesk(const struct hid_field *f, uint32_t usage, struct hm_generic_map *m)
{
	static const uint16_t system_control[16] = {
	    [0x1] = KEY_POWER,  [0x2] = KEY_SLEEP,  [0x3] = KEY_WAKEUP,  [0x4] = KEY_CONTEXT_MENU,
	    [0x5] = KEY_MENU,   [0x6] = KEY_PROG1,  [0x7] = KEY_HELP,    [0x8] = KEY_EXIT,
	    [0x9] = KEY_SELECT, [0xa] = KEY_RIGHT,  [0xb] = KEY_LEFT,    [0xc] = KEY_UP,
	    [0xd] = KEY_DOWN,   [0xe] = KEY_POWER2, [0xf] = KEY_RESTART,
	};
	bool relative = f->flags & HID_MAIN_ITEM_RELATIVE;

	/* The kernel tests only the low byte here, on the full usage. */
	if ((usage & 0xf0) == 0x80) { /* System Control */
		if (!system_control[usage & 0xf]) {
			map_unknown(f, m);
		} else {
			m->reason = "Generic Desktop System Control key";
			map(m, EV_KEY, system_control[usage & 0xf], true);
		}
		return;
	}
	if ((usage & 0xf0) == 0xa0) { /* System Control: Microphone Mute */
		m->reason = "Generic Desktop 0xa0-0xaf: only 0xa9 (Microphone Mute) maps";
		if ((usage & 0xf) == 0x9)
			map(m, EV_KEY, KEY_MICMUTE, true);
		return;
	}
	if ((usage & 0xf0) == 0xb0) { /* System Control: Display */
		m->reason = "Generic Desktop 0xb0-0xbf: only 0xb5 (Display Toggle) maps";
		if ((usage & 0xf) == 0x5)
			map(m, EV_KEY, KEY_SWITCHVIDEOMODE, true);
		return;
	}

	/* "Some lazy vendors declare 255 usages for System Control" */
	if (f->application == HID_GD_SYSTEM_CONTROL) {
		m->reason = "Generic Desktop usage in a System Control application, other than "
		            "the System Control keys";
		return;
	}

	if ((usage & 0xf0) == 0x90) { /* D-pad */
		switch (usage) {
		case HID_GD_UP:
			m->hat_dir = 1;
			break;
		case HID_GD_DOWN:
			m->hat_dir = 5;
			break;
		case HID_GD_RIGHT:
			m->hat_dir = 3;
			break;
		case HID_GD_LEFT:
			m->hat_dir = 7;
			break;
		default:
			map_unknown(f, m);
			return;
		}
		m->flags |= HM_GENERIC_MAP_DPAD;
		m->reason = "D-pad direction: the field's first one reports ABS_HAT0X/Y";
		map(m, EV_ABS, ABS_HAT0X, false);
		return;
	}

	switch (usage) {
	case HID_GD_X:
	case HID_GD_Y:
	case HID_GD_Z:
	case HID_GD_RX:
	case HID_GD_RY:
	case HID_GD_RZ:
		/* usage IDs 0x30.. line up with ABS_X../REL_X.. */
		if (relative) {
			m->reason = "Generic Desktop axis in a Relative field";
			map(m, EV_REL, usage & 0xf, false);
		} else {
			m->reason = "Generic Desktop axis in an Absolute field";
			map(m, EV_ABS, usage & 0xf, true);
		}
		return;
	case HID_GD_WHEEL:
		/* relative: REL_WHEEL comes along (configure_usage()) */
		if (relative) {
			m->reason = "relative Wheel: high-resolution wheel, REL_WHEEL comes along";
			map(m, EV_REL, REL_WHEEL_HI_RES, false);
		} else {
			m->reason = "Wheel in an Absolute field";
			map(m, EV_ABS, usage & 0xf, false);
		}
		return;
	case HID_GD_SLIDER:
	case HID_GD_DIAL:
		/* Slider is 6: REL_HWHEEL or ABS_THROTTLE; Dial 7: REL_DIAL or ABS_RUDDER */
		m->reason = relative ? "Slider/Dial in a Relative field"
		                     : "Slider/Dial in an Absolute field";
		map(m, relative ? EV_REL : EV_ABS, usage & 0xf, false);
		return;
	case HID_GD_HATSWITCH:
		m->flags |= HM_GENERIC_MAP_HAT;
		m->reason = "Hat Switch: decoded into ABS_HAT0X and ABS_HAT0Y";
		map(m, EV_ABS, ABS_HAT0X, false);
		return;
	case HID_GD_START:
		m->reason = "Generic Desktop Start";
		map(m, EV_KEY, BTN_START, true);
		return;
	case HID_GD_SELECT:
		m->reason = "Generic Desktop Select";
		map(m, EV_KEY, BTN_SELECT, true);
		return;
	case HID_GD_RFKILL_BTN:
		if (f->application == HID_GD_WIRELESS_RADIO_CTLS) {
			/* a button without release: the kernel makes one */
			m->flags |= HM_GENERIC_MAP_FORCE_RELATIVE;
			m->reason = "Wireless Radio Button: pressed and released in one report";
			map(m, EV_KEY, KEY_RFKILL, true);
			return;
		}
		map_unknown(f, m);
		return;
	default:
		map_unknown(f, m);
		return;
	}
}

static void map_led(uint32_t usage, struct hm_generic_map *m)
{
	m->reason = "LED page";
	switch (usage & USAGE_ID_MASK) {
	case 0x01:
		map(m, EV_LED, LED_NUML, false);
		break;
	case 0x02:
		map(m, EV_LED, LED_CAPSL, false);
		break;
	case 0x03:
		map(m, EV_LED, LED_SCROLLL, false);
		break;
	case 0x04:
		map(m, EV_LED, LED_COMPOSE, false);
		break;
	case 0x05:
		map(m, EV_LED, LED_KANA, false);
		break;
	case 0x27: /* Stand-By */
		map(m, EV_LED, LED_SLEEP, false);
		break;
	case 0x4c: /* System Suspend */
		map(m, EV_LED, LED_SUSPEND, false);
		break;
	case 0x09:
		map(m, EV_LED, LED_MUTE, false);
		break;
	case 0x4b: /* Generic Indicator */
		map(m, EV_LED, LED_MISC, false);
		break;
	case 0x19: /* Message Waiting */
		map(m, EV_LED, LED_MAIL, false);
		break;
	case 0x4d: /* External Power Connected */
		map(m, EV_LED, LED_CHARGING, false);
		break;
	default:
		m->reason = "LED page: no evdev LED for this usage";
		break;
	}
}

static void map_digitizer(const struct hid_field *f, uint32_t usage, struct hm_generic_map *m)
{
	/* The kernel looks at the application's low byte only, whatever its page. */
	if ((f->application & 0xff) == 0x01)
		m->flags |= HM_GENERIC_MAP_PROP_POINTER;
	else if ((f->application & 0xff) == 0x02)
		m->flags |= HM_GENERIC_MAP_PROP_DIRECT;

	m->reason = "Digitizer page";
	switch (usage & 0xff) {
	case 0x00: /* Undefined */
		m->reason = "Digitizer page, usage ID 0x00 (the kernel reads the low byte only)";
		return;
	case 0x30: /* Tip Pressure */
		m->flags |= HM_GENERIC_MAP_TIP_PRESSURE;
		map(m, EV_ABS, ABS_PRESSURE, true);
		return;
	case 0x32: /* In Range */
		switch (f->physical) {
		case HID_DG_PUCK:
			map(m, EV_KEY, BTN_TOOL_MOUSE, false);
			break;
		case HID_DG_FINGER:
			map(m, EV_KEY, BTN_TOOL_FINGER, false);
			break;
		case 0:
			if (f->application == HID_DG_TOUCHSCREEN ||
			    f->application == HID_DG_TOUCHPAD)
				map(m, EV_KEY, BTN_TOOL_FINGER, true);
			else
				map(m, EV_KEY, BTN_TOOL_PEN, true);
			break;
		default:
			map(m, EV_KEY, BTN_TOOL_PEN, false);
			break;
		}
		return;
	case 0x3b: /* Battery Strength */
		m->flags |= HM_GENERIC_MAP_BATTERY;
		m->reason = "battery strength: the kernel reports it through power_supply";
		return;
	case 0x3c: /* Invert */
		m->flags |= HM_GENERIC_MAP_INVERT;
		map(m, EV_KEY, BTN_TOOL_RUBBER, true);
		return;
	case 0x3d: /* X Tilt */
		map(m, EV_ABS, ABS_TILT_X, true);
		return;
	case 0x3e: /* Y Tilt */
		map(m, EV_ABS, ABS_TILT_Y, true);
		return;
	case 0x33: /* Touch */
	case 0x42: /* Tip Switch */
	case 0x43: /* Secondary Tip Switch */
		m->flags |= HM_GENERIC_MAP_TOUCH;
		map(m, EV_KEY, BTN_TOUCH, true);
		return;
	case 0x44: /* Barrel Switch */
		map(m, EV_KEY, BTN_STYLUS, true);
		return;
	case 0x45: /* Eraser: the eraser touching; the tool is set by Invert,
	            * or by the Eraser itself when there is no Invert */
		m->flags |= HM_GENERIC_MAP_ERASER;
		map(m, EV_KEY, BTN_TOUCH, true);
		return;
	case 0x46: /* Tablet Pick */
	case 0x5a: /* Secondary Barrel Switch */
		map(m, EV_KEY, BTN_STYLUS2, true);
		return;
	case 0x5b: /* Transducer Serial Number */
	case 0x6e: /* Transducer Serial Number 2 */
		map(m, EV_MSC, MSC_SERIAL, false);
		return;
	default:
		map_unknown(f, m);
		return;
	}
}

static void map_consumer(uint32_t usage, struct hm_generic_map *m)
{
	unsigned id = usage & USAGE_ID_MASK;

	switch (id) {
	case 0x000:
		m->reason = "Consumer page, usage 0 (Unassigned)";
		return;
	case 0x0e0: /* Volume */
		m->reason = "Consumer Volume (relative: VOLUMEUP/VOLUMEDOWN presses)";
		map(m, EV_ABS, ABS_VOLUME, true);
		return;
	case 0x238: /* AC Pan: REL_HWHEEL comes along (configure_usage()) */
		m->reason = "Consumer AC Pan: high-resolution horizontal wheel, REL_HWHEEL "
		            "comes along";
		map(m, EV_REL, REL_HWHEEL_HI_RES, false);
		return;
	default:
		if (id < ARRAY_SIZE(hid_consumer) && hid_consumer[id]) {
			m->reason = "Consumer page key";
			map(m, EV_KEY, hid_consumer[id], true);
		} else {
			m->reason = "Consumer page usage without a key in hid-input";
			map(m, EV_KEY, KEY_UNKNOWN, true);
		}
		return;
	}
}

static void map_telephony(uint32_t usage, struct hm_generic_map *m)
{
	unsigned id = usage & USAGE_ID_MASK;

	m->reason = "Telephony page: only Phone Mute and the Phone Keys map";
	if (id == 0x2f) /* Phone Mute */
		map(m, EV_KEY, KEY_MICMUTE, true);
	else if (id >= 0xb0 && id <= 0xbf) /* Phone Key 0..9, *, #, A..D */
		map(m, EV_KEY, KEY_NUMERIC_0 + (id - 0xb0), true);
}

static void map_simulation(uint32_t usage, struct hm_generic_map *m)
{
	m->reason = "Simulation Controls page: only Rudder, Throttle, Accelerator, Brake "
	            "and Steering map";
	switch (usage & 0xffff) {
	case 0xba:
		map(m, EV_ABS, ABS_RUDDER, false);
		break;
	case 0xbb:
		map(m, EV_ABS, ABS_THROTTLE, false);
		break;
	case 0xc4: /* Accelerator */
		map(m, EV_ABS, ABS_GAS, false);
		break;
	case 0xc5:
		map(m, EV_ABS, ABS_BRAKE, false);
		break;
	case 0xc8: /* Steering */
		map(m, EV_ABS, ABS_WHEEL, false);
		break;
	default:
		break;
	}
}

static void map_hpvendor(uint32_t usage, struct hm_generic_map *m)
{
	static const struct {
		uint16_t id, code;
	} keys[] = {
	    {0x021, KEY_PRINT},    {0x070, KEY_HP},      {0x071, KEY_CAMERA}, {0x072, KEY_SOUND},
	    {0x073, KEY_QUESTION}, {0x080, KEY_EMAIL},   {0x081, KEY_CHAT},   {0x082, KEY_SEARCH},
	    {0x083, KEY_CONNECT},  {0x084, KEY_FINANCE}, {0x085, KEY_SPORT},  {0x086, KEY_SHOP},
	};

	m->reason = "HP vendor page 0xff7f (HP 5308 keyboard keys)";
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].id == (usage & USAGE_ID_MASK))
			map(m, EV_KEY, keys[i].code, true);
}

void hm_generic_map_usage(const struct hid_field *f, uint32_t usage,
                          const struct hid_collection *collection, struct hm_generic_map *ret)
{
	struct hm_generic_map m = {0};

	*ret = m;
	if (f->flags & HID_MAIN_ITEM_CONSTANT) {
		ret->reason = "constant field: padding";
		return;
	}
	if (f->report_count < 1) {
		ret->reason = "field with a report count of 0";
		return;
	}
	/* only LED usages are supported in output fields */
	if (f->type == HID_OUTPUT_REPORT && (usage & USAGE_PAGE_MASK) != HID_UP_LED) {
		ret->reason = "output field: only LED usages map";
		return;
	}

	switch (usage & USAGE_PAGE_MASK) {
	case HID_UP_UNDEFINED:
		m.reason = "Undefined page (0x00)";
		break;
	case HID_UP_KEYBOARD:
		m.flags |= HM_GENERIC_MAP_REP;
		if ((usage & USAGE_ID_MASK) < 256) {
			unsigned code = hm_generic_keyboard_code(usage & USAGE_ID_MASK);

			if (code == KEY_UNKNOWN)
				m.reason = "Keyboard page usage without a key in hid-input";
			else if (code)
				m.reason = "Keyboard page";
			else
				m.reason = "Keyboard page 0x00-0x03: no event, or an error state";
			if (code)
				map(&m, EV_KEY, code, true);
		} else {
			m.reason = "Keyboard page usage past 0xff";
			map(&m, EV_KEY, KEY_UNKNOWN, false);
		}
		break;
	case HID_UP_BUTTON:
		map_button(f, usage, collection, &m);
		break;
	case HID_UP_SIMULATION:
		map_simulation(usage, &m);
		break;
	case HID_UP_GENDESK:
		map_gendesk(f, usage, &m);
		break;
	case HID_UP_LED:
		map_led(usage, &m);
		break;
	case HID_UP_DIGITIZER:
		map_digitizer(f, usage, &m);
		break;
	case HID_UP_TELEPHONY:
		map_telephony(usage, &m);
		break;
	case HID_UP_CONSUMER:
		map_consumer(usage, &m);
		break;
	case HID_UP_GENDEVCTRLS:
		if (usage == HID_DC_BATTERYSTRENGTH) {
			m.flags |= HM_GENERIC_MAP_BATTERY;
			m.reason = "battery strength: the kernel reports it through power_supply";
		} else {
			map_unknown(f, &m);
		}
		break;
	case HID_UP_BATTERY:
		if (usage == HID_BAT_ABSOLUTESTATEOFCHARGE || usage == HID_BAT_CHARGING) {
			m.flags |= HM_GENERIC_MAP_BATTERY;
			m.reason = "battery state: the kernel reports it through power_supply";
		} else {
			map_unknown(f, &m);
		}
		break;
	case HID_UP_HPVENDOR: /* "Reported on a Dutch layout HP5308" */
		m.flags |= HM_GENERIC_MAP_REP;
		map_hpvendor(usage, &m);
		break;
	case HID_UP_HPVENDOR2:
		m.flags |= HM_GENERIC_MAP_REP;
		m.reason = "HP vendor page 0xff01 (Microphone Mute, brightness keys)";
		switch (usage & USAGE_ID_MASK) {
		case 0x001:
			map(&m, EV_KEY, KEY_MICMUTE, true);
			break;
		case 0x003:
			map(&m, EV_KEY, KEY_BRIGHTNESSDOWN, true);
			break;
		case 0x004:
			map(&m, EV_KEY, KEY_BRIGHTNESSUP, true);
			break;
		}
		break;
	case HID_UP_CUSTOM: /* "Reported on Logitech and Apple USB keyboards" */
		m.flags |= HM_GENERIC_MAP_REP;
		m.reason = "page 0x00ff (Logitech and Apple keyboards): ignored, keeps EV_REP";
		break;
	case HID_UP_MSVENDOR:
	case HID_UP_LOGIVENDOR:
	case HID_UP_LOGIVENDOR2:
	case HID_UP_LOGIVENDOR3:
		m.reason = "vendor page the kernel ignores (0xff00, 0xff09, 0xff43, 0xffbc)";
		break;
	case HID_UP_PID:
		m.reason = "Physical Interface Device page: only 0xa4 (Start Delay) maps";
		if ((usage & USAGE_ID_MASK) == 0xa4) /* the kernel's one PID key */
			map(&m, EV_KEY, BTN_DEAD, true);
		break;
	default:
		/* Every other page, vendor pages included, goes to the catch-all. */
		map_unknown(f, &m);
		break;
	}
	*ret = m;
}

int32_t hm_generic_calc_abs_res(const struct hid_field *f, unsigned code)
{
	int32_t unit_exponent = f->unit_exponent;
	int32_t logical_extents = wrap_sub(f->logical_maximum, f->logical_minimum);
	int32_t physical_extents = wrap_sub(f->physical_maximum, f->physical_minimum);
	int32_t prev;

	if (logical_extents <= 0 || physical_extents <= 0)
		return 0;

	/* The overflow checks are the kernel's, on wrapping arithmetic. */
	switch (code) {
	case ABS_X:
	case ABS_Y:
	case ABS_Z:
	case ABS_MT_POSITION_X:
	case ABS_MT_POSITION_Y:
	case ABS_MT_TOOL_X:
	case ABS_MT_TOOL_Y:
	case ABS_MT_TOUCH_MAJOR:
	case ABS_MT_TOUCH_MINOR:
		if (f->unit == 0x11) { /* centimeters -> millimeters */
			unit_exponent += 1;
		} else if (f->unit == 0x13) { /* inches -> millimeters */
			prev = physical_extents;
			physical_extents = wrap_mul(physical_extents, 254);
			if (physical_extents < prev)
				return 0;
			unit_exponent -= 1;
		} else {
			return 0;
		}
		break;
	case ABS_RX:
	case ABS_RY:
	case ABS_RZ:
	case ABS_WHEEL:
	case ABS_TILT_X:
	case ABS_TILT_Y:
		if (f->unit == 0x14) { /* degrees -> radians */
			prev = logical_extents;
			logical_extents = wrap_mul(logical_extents, 573);
			if (logical_extents < prev)
				return 0;
			unit_exponent += 1;
		} else if (f->unit != 0x12) { /* not radians */
			return 0;
		}
		break;
	default:
		return 0;
	}

	for (; unit_exponent < 0; unit_exponent++) {
		prev = logical_extents;
		logical_extents = wrap_mul(logical_extents, 10);
		if (logical_extents < prev)
			return 0;
	}
	for (; unit_exponent > 0; unit_exponent--) {
		prev = physical_extents;
		physical_extents = wrap_mul(physical_extents, 10);
		if (physical_extents < prev)
			return 0;
	}

	/* DIV_ROUND_CLOSEST, both positive */
	return (int32_t)((uint32_t)logical_extents + (uint32_t)(physical_extents / 2)) /
	       physical_extents;
}
