/* SPDX-License-Identifier: MIT */
/*
 * The generic module: any HID device, decoded from its report descriptor
 * into the evdev devices and events Linux 6.1 creates for it with
 * hid-generic + hid-input.
 *
 * Every rule here is the kernel's, and each function names the kernel
 * function it follows (drivers/hid/hid-input.c, drivers/hid/hid-core.c,
 * drivers/input/input.c of 6.1.y: Debian 12 ships 6.1.1xx, and the HID
 * stable backports are followed as of 6.1.158).  Where the kernel's behaviour looks odd
 * (the D-pad, the Resolution Multiplier scope, duplicate codes) it is kept,
 * because the point of this module is that a user sees the same devices
 * with or without hidmapd.  What is not reproduced is listed next to the
 * place it would be.
 *
 * The work splits like the kernel's: probe() maps every usage and decides
 * the input devices (hidinput_connect()); decode() fetches every field of a
 * report and feeds the values through the kernel's event function
 * (hid_process_report() -> hidinput_hid_event()), in the kernel's order.
 * Everything decode() needs is allocated in probe().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "hid-constants.h"
#include "hid-report.h"
#include "module.h"
#include "util-log.h"
#include "util-mem.h"
#include "util-strings.h"

/* ---- HID constants, named as in include/linux/hid.h ---------------------- */

#define USAGE_PAGE_MASK HID_USAGE_PAGE_MASK
#define USAGE_ID_MASK   HID_USAGE_ID_MASK

/* input_register_device() turns on the input core's software autorepeat
 * with these when a device has EV_REP and sets no values of its own. */
#define KERNEL_REP_DELAY_MS  250
#define KERNEL_REP_PERIOD_MS 33

/* A Windows wheel detent, which REL_*_HI_RES counts in (hidinput_handle_scroll). */
#define HI_RES_PER_DETENT 120

/*
 * Relative Consumer Volume becomes |value| VOLUMEUP/DOWN presses.  The
 * kernel has no bound; a descriptor could declare a range of 2^31, and one
 * report must not stall the daemon.
 */
#define MAX_VOLUME_STEPS 255

#define NBYTES(bits) (((bits) + 7) / 8)

/* ---- state, allocated in probe ------------------------------------------- */

/*
 * The kernel's struct hid_usage, the parts hid-input fills in, with its
 * field widths: the hat range and the multiplier are __s8 and the wheel
 * accumulator __s16 there, and the values wrap accordingly (a hat declared
 * 0..359, a multiplier over 127, a fast high-resolution wheel).
 */
struct gen_usage {
	uint32_t hid;
	uint16_t type; /* 0: no event */
	uint16_t code;
	int8_t hat_min, hat_max;
	uint8_t hat_dir;
	int8_t resolution_multiplier;
	int16_t wheel_accumulated;
	int32_t priority; /* hid-core processing order within a report */
};

struct gen_field {
	const struct hid_field *f;
	struct gen_usage *usage; /* f->maxusage */
	int32_t *value;          /* f->maxusage: values of the last report */
	int32_t *new_value;      /* f->maxusage: values being processed */
	uint32_t flags;          /* f->flags, plus RELATIVE where the kernel adds it */
	int input;               /* index into generic.inputs, -1: none */
	unsigned dpad;           /* ABS code of the field's first D-pad usage, 0: none */
	unsigned slot_idx;
	bool ignored; /* ErrorRollOver in the report being processed */
};

/* One step of hid_process_report(): a usage of a Variable field, or a whole Array field. */
struct gen_entry {
	struct gen_field *field;
	unsigned index;
	int32_t priority;
	unsigned seq; /* insertion order, for the kernel's stable ordering */
	/* hid_event() of this Variable usage does nothing while its value is
	 * the last report's and within [lo, hi] (entry_quiet()) */
	bool quiet;
	int32_t lo, hi;
};

struct gen_report {
	const struct hid_report *r;
	struct gen_entry *entries;
	unsigned nentries;
	unsigned tool; /* BTN_TOOL_* currently reported, 0: none */
	bool tool_active;
};

/* One kernel input device (struct hid_input + its input_dev). */
struct gen_input {
	uint32_t application;
	char name[sizeof(((struct hm_device_info *)0)->name) + 32];
	uint8_t evbit[NBYTES(EV_CNT)];
	uint8_t keybit[NBYTES(KEY_CNT)];
	uint8_t relbit[NBYTES(REL_CNT)];
	uint8_t absbit[NBYTES(ABS_CNT)];
	uint8_t mscbit[NBYTES(MSC_CNT)];
	uint8_t ledbit[NBYTES(LED_CNT)];
	uint8_t propbit[NBYTES(INPUT_PROP_CNT)];
	struct input_absinfo absinfo[ABS_CNT];
	uint8_t key[NBYTES(KEY_CNT)]; /* keys down, as the input core tracks them */
	uint64_t hat_axes;            /* ABS codes of hats and D-pads: they rest at 0 */
	int output;                   /* hm output index, -1: not created */
};

struct generic {
	struct hid_descriptor *desc;
	struct gen_field *fields;   /* parallel to desc->fields */
	struct gen_report *reports; /* parallel to desc->reports */
	struct gen_input *inputs;
	unsigned ninputs;
	struct gen_usage *usage_pool;
	int32_t *value_pool;
	struct gen_entry *entry_pool;
	bool numbered[HID_REPORT_TYPES];
	bool notouch;      /* HID_QUIRK_NOTOUCH: Tip Pressure emulates BTN_TOUCH */
	bool noinvert;     /* HID_QUIRK_NOINVERT: Eraser sets and releases the rubber */
	unsigned noutputs; /* input devices created; 0: the device is taken for nothing */
	uint8_t *inbuf;    /* a report's payload, zero-padded to its size */
	size_t inbuf_size;
	uint8_t *outbuf; /* ID byte + payload of an output or feature report */
	size_t outbuf_size;
	unsigned rm_report; /* the feature report the multiplier set-up is at */
	/* the module driving the device, whose quirk hooks run (NULL for
	 * describe) */
	const struct hm_module *quirk;
};
_Static_assert(sizeof(struct generic) <= HM_GENERIC_PRIV_SIZE, "HM_GENERIC_PRIV_SIZE too small");

static bool test_bit(const uint8_t *map, unsigned bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

static void set_bit(uint8_t *map, unsigned bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void clear_bit(uint8_t *map, unsigned bit)
{
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static bool any_bit(const uint8_t *map, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		if (map[i])
			return true;
	return false;
}

/* 32-bit two's complement arithmetic, as the kernel (built with
 * -fno-strict-overflow) computes it. */
static int32_t wrap_sub(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

static int32_t wrap_mul(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a * (uint32_t)b);
}

static int32_t wrap_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* a / b for b != 0; INT32_MIN / -1, a divide error on x86 (the kernel
 * would oops), is taken to wrap to INT32_MIN as the other operations do. */
static int32_t wrap_div(int32_t a, int32_t b)
{
	if (b == -1)
		return (int32_t)(0u - (uint32_t)a);
	return a / b;
}

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

static unsigned type_max(unsigned type)
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
	if (code > type_max(type)) {
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

/* hid_hat_to_axis[] of hid-input.c: direction 1..8 clockwise from up, 0 centered. */
static const struct {
	int8_t x, y;
} hat_to_axis[9] = {
    {0, 0}, {0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1},
};

/* hidinput_hid_event(): (value - min) * 8 / (max - min + 1) + 1 with the
 * __s8 range of struct hid_usage; outside 1..8 means centered. */
static int hat_direction(int32_t value, int8_t min, int8_t max)
{
	int32_t dir = wrap_mul(wrap_sub(value, min), 8) / (max - min + 1) + 1;

	return dir < 0 || dir > 8 ? 0 : dir;
}

void hm_generic_hat_to_axes(int32_t value, int32_t min, int32_t max, int *ret_x, int *ret_y)
{
	int8_t hat_min = (int8_t)min, hat_max = (int8_t)max;
	int dir = hat_min < hat_max ? hat_direction(value, hat_min, hat_max) : 0;

	*ret_x = hat_to_axis[dir].x;
	*ret_y = hat_to_axis[dir].y;
}

/* ---- probe: hidinput_connect() ------------------------------------------- */

static uint8_t *input_bitmap(struct gen_input *in, unsigned type)
{
	switch (type) {
	case EV_ABS:
		return in->absbit;
	case EV_REL:
		return in->relbit;
	case EV_KEY:
		return in->keybit;
	case EV_LED:
		return in->ledbit;
	case EV_MSC:
		return in->mscbit;
	default:
		return NULL;
	}
}

/* input_set_abs_params() */
static void set_abs_params(struct gen_input *in, unsigned code, int32_t min, int32_t max,
                           int32_t fuzz, int32_t flat)
{
	set_bit(in->evbit, EV_ABS);
	set_bit(in->absbit, code);
	in->absinfo[code].minimum = min;
	in->absinfo[code].maximum = max;
	in->absinfo[code].fuzz = fuzz;
	in->absinfo[code].flat = flat;
}

static const struct hid_collection *collection_at(const struct hid_descriptor *d, unsigned index)
{
	return index < d->ncollections ? &d->collections[index] : NULL;
}

/* The kernel's usage-list priorities (hidinput_usages_priorities[]): the
 * pen state usages must be seen in this order whatever the descriptor's. */
static int32_t usage_priority(uint32_t usage)
{
	static const uint32_t priorities[] = {
	    HID_DG_ERASER,      /* the eraser touching, before Tip Switch */
	    HID_DG_INVERT,      /* before In Range */
	    HID_DG_TIPSWITCH,   /* is the tip touching? */
	    HID_DG_TIPPRESSURE, /* may emulate Tip Switch */
	    HID_DG_INRANGE,     /* after the other tool states */
	};

	for (size_t i = 0; i < ARRAY_SIZE(priorities); i++)
		if (usage == priorities[i])
			return (int32_t)(ARRAY_SIZE(priorities) - i) << 8;
	return 0;
}

/* hidinput_configure_usage() for usage j of field gf, in input in. */
/*
 * The quirk module's input_mapping, then hid-input's rules
 * (hidinput_configure_usage()): returns <0 when the quirk ignores the
 * usage (*m then says so).
 */
static int map_usage(const struct generic *g, const struct hid_field *f, uint32_t usage,
                     struct hm_generic_map *m)
{
	struct hm_usage_map qm = {0};
	int r = 0;

	if (g->quirk && g->quirk->input_mapping)
		r = g->quirk->input_mapping(f, usage, &qm);
	if (r < 0) {
		*m = (struct hm_generic_map){.reason = "ignored by the device's quirk module"};
		return r;
	}
	if (r > 0) {
		*m = (struct hm_generic_map){
		    .type = qm.type,
		    .code = qm.code,
		    .reason = qm.reason ? qm.reason : "mapped by the device's quirk module"};
		return 0;
	}
	hm_generic_map_usage(
	    f, usage, collection_at(g->desc, f->maxusage ? f->usage[0].collection_index : 0), m);
	return 0;
}

static void configure_usage(struct generic *g, int input, struct gen_field *gf, unsigned j)
{
	struct gen_input *in = &g->inputs[input];
	const struct hid_field *f = gf->f;
	struct gen_usage *u = &gf->usage[j];
	struct hid_field adjusted = *f;
	struct hm_generic_map m;
	uint8_t *bit;

	gf->input = input;
	if ((f->flags & HID_MAIN_ITEM_CONSTANT) || f->report_count < 1 ||
	    (f->type == HID_OUTPUT_REPORT && (u->hid & USAGE_PAGE_MASK) != HID_UP_LED))
		return;

	/* Slotted (multi-touch) fields come after the others, slot by slot. */
	u->priority = usage_priority(u->hid) | (int32_t)((0xffu - gf->slot_idx) << 16);

	/* The field's flags as the kernel has them by now (RFKILL makes a
	 * field relative). */
	adjusted.flags = gf->flags;
	if (map_usage(g, &adjusted, u->hid, &m) < 0)
		return;

	if (m.flags & HM_GENERIC_MAP_REP)
		set_bit(in->evbit, EV_REP);
	if (m.flags & HM_GENERIC_MAP_PROP_POINTER)
		set_bit(in->propbit, INPUT_PROP_POINTER);
	if (m.flags & HM_GENERIC_MAP_PROP_DIRECT)
		set_bit(in->propbit, INPUT_PROP_DIRECT);
	if (m.flags & HM_GENERIC_MAP_TIP_PRESSURE && !test_bit(in->keybit, BTN_TOUCH)) {
		g->notouch = true;
		set_bit(in->evbit, EV_KEY);
		set_bit(in->keybit, BTN_TOUCH);
	}
	if (m.flags & HM_GENERIC_MAP_TOUCH)
		g->notouch = false;
	if (m.flags & HM_GENERIC_MAP_INVERT)
		g->noinvert = false;
	if (m.flags & HM_GENERIC_MAP_ERASER && !test_bit(in->keybit, BTN_TOOL_RUBBER)) {
		g->noinvert = true;
		set_bit(in->keybit, BTN_TOOL_RUBBER);
	}
	if (m.flags & HM_GENERIC_MAP_HAT) {
		u->hat_min = (int8_t)f->logical_minimum;
		u->hat_max = (int8_t)f->logical_maximum;
	}
	if (m.flags & HM_GENERIC_MAP_FORCE_RELATIVE)
		gf->flags |= HID_MAIN_ITEM_RELATIVE;
	if (m.flags & HM_GENERIC_MAP_DPAD) {
		u->hat_dir = m.hat_dir;
		/* only the field's first D-pad usage reports, the others are ignored */
		if (gf->dpad)
			return;
	}
	if (!m.type)
		return;

	bit = input_bitmap(in, m.type);
	if (m.code == REL_WHEEL_HI_RES && m.type == EV_REL)
		set_bit(in->relbit, REL_WHEEL);
	if (m.code == REL_HWHEEL_HI_RES && m.type == EV_REL)
		set_bit(in->relbit, REL_HWHEEL);
	if (m.flags & HM_GENERIC_MAP_CLEAR)
		clear_bit(bit, m.code);

	set_bit(in->evbit, m.type);
	/* A code already taken by another usage of this device: the kernel
	 * drops the later usage (no HID_QUIRK_INCREMENT_USAGE_ON_DUPLICATE). */
	if (test_bit(bit, m.code))
		return;
	set_bit(bit, m.code);
	u->type = m.type;
	u->code = m.code;

	if (m.type == EV_ABS) {
		int32_t a = f->logical_minimum, b = f->logical_maximum;

		if (f->application == HID_GD_GAMEPAD || f->application == HID_GD_JOYSTICK)
			set_abs_params(in, m.code, a, b, wrap_sub(b, a) >> 8, wrap_sub(b, a) >> 4);
		else
			set_abs_params(in, m.code, a, b, 0, 0);
		in->absinfo[m.code].resolution = hm_generic_calc_abs_res(f, m.code);

		if (u->hat_min < u->hat_max || u->hat_dir) {
			for (unsigned i = m.code; i < m.code + 2u && i <= ABS_MAX; i++) {
				set_abs_params(in, i, -1, 1, 0, 0);
				in->hat_axes |= UINT64_C(1) << i;
			}
			if (u->hat_dir && !gf->dpad)
				gf->dpad = m.code;
		}

		/* relative Volume is emulated with VOLUMEUP/VOLUMEDOWN presses;
		 * without EV_KEY they are cleansed at registration */
		if ((gf->flags & HID_MAIN_ITEM_RELATIVE) && m.code == ABS_VOLUME) {
			set_bit(in->keybit, KEY_VOLUMEUP);
			set_bit(in->keybit, KEY_VOLUMEDOWN);
		}
	}

	if (m.type == EV_KEY) {
		set_bit(in->evbit, EV_MSC);
		set_bit(in->mscbit, MSC_SCAN);
	}
}

/* hidinput_configure_usages(): tag slotted fields (a collection with a
 * Contact ID), then map every usage slot of every field. */
static void configure_report(struct generic *g, int input, const struct hid_report *r)
{
	const struct hid_descriptor *d = g->desc;
	int first_field_index = 0;
	int64_t slot_collection_index = -1, prev_collection_index = -1;
	unsigned slot_idx = 0;

	for (unsigned i = 0; i < r->nfields; i++) {
		const struct hid_field *f = &d->fields[r->fields[i]];
		int64_t coll;

		if (f->maxusage < 1)
			continue;
		coll = f->usage[0].collection_index;
		if (prev_collection_index != coll) {
			prev_collection_index = coll;
			first_field_index = (int)i;
		}
		if (slot_collection_index == coll) {
			g->fields[r->fields[i]].slot_idx = slot_idx;
			continue;
		}
		for (unsigned j = 0; j < f->maxusage; j++) {
			if (f->usage[j].hid != HID_DG_CONTACTID)
				continue;
			slot_collection_index = coll;
			slot_idx++;
			for (unsigned k = (unsigned)first_field_index; k <= i; k++)
				g->fields[r->fields[k]].slot_idx = slot_idx;
			break;
		}
	}

	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		for (unsigned j = 0; j < gf->f->maxusage; j++)
			configure_usage(g, input, gf, j);
	}
}

/* hidinput_allocate(): the name gets the application's suffix when the
 * device is split per application. */
static int allocate_input(struct generic *g, const char *hid_name, uint32_t application,
                          bool per_app)
{
	struct gen_input *in = &g->inputs[g->ninputs];
	const char *suffix = NULL;
	size_t name_len = strlen(hid_name), suffix_len;

	memset(in, 0, sizeof(*in));
	in->application = application;
	in->output = -1;

	if (per_app) {
		switch (application) {
		case HID_GD_KEYBOARD:
			suffix = "Keyboard";
			break;
		case HID_GD_KEYPAD:
			suffix = "Keypad";
			break;
		case HID_GD_MOUSE:
			suffix = "Mouse";
			break;
		case HID_DG_PEN:
			/* sic: the kernel swaps Pen and Stylus and keeps it so */
			suffix = "Stylus";
			break;
		case HID_DG_STYLUS:
			suffix = "Pen";
			break;
		case HID_DG_TOUCHSCREEN:
			suffix = "Touchscreen";
			break;
		case HID_DG_TOUCHPAD:
			suffix = "Touchpad";
			break;
		case HID_GD_SYSTEM_CONTROL:
			suffix = "System Control";
			break;
		case HID_CP_CONSUMER_CONTROL:
			suffix = "Consumer Control";
			break;
		case HID_GD_WIRELESS_RADIO_CTLS:
			suffix = "Wireless Radio Control";
			break;
		case HID_GD_SYSTEM_MULTIAXIS:
			suffix = "System Multi Axis";
			break;
		default:
			break;
		}
	}

	suffix_len = suffix ? strlen(suffix) : 0;
	if (suffix && (name_len < suffix_len || strcmp(hid_name + name_len - suffix_len, suffix)))
		snprintf(in->name, sizeof(in->name), "%s %s", hid_name, suffix);
	else
		snprintf(in->name, sizeof(in->name), "%s", hid_name);
	return (int)g->ninputs++;
}

/* hidinput_match_application() */
static int match_application(const struct generic *g, uint32_t application)
{
	for (unsigned i = 0; i < g->ninputs; i++) {
		if (g->inputs[i].application == application)
			return (int)i;
		/* SystemControl and ConsumerControl join the main keyboard */
		if ((application == HID_GD_SYSTEM_CONTROL ||
		     application == HID_CP_CONSUMER_CONTROL) &&
		    g->inputs[i].application == HID_GD_KEYBOARD)
			return (int)i;
	}
	return -1;
}

/* IS_INPUT_APPLICATION() of include/linux/hid.h */
static bool is_input_application(uint32_t a)
{
	return (a >= HID_UP_GENDESK && a <= HID_GD_MULTIAXIS) ||
	       (a >= HID_DG_PEN && a <= HID_DG_WHITEBOARD) || a == HID_GD_SYSTEM_CONTROL ||
	       a == HID_CP_CONSUMER_CONTROL || a == HID_GD_WIRELESS_RADIO_CTLS;
}

static bool has_input_application(const struct hid_descriptor *d)
{
	for (unsigned i = 0; i < d->ncollections; i++) {
		const struct hid_collection *c = &d->collections[i];

		if ((c->type == HID_COLLECTION_APPLICATION || c->type == HID_COLLECTION_PHYSICAL) &&
		    is_input_application(c->usage))
			return true;
	}
	return false;
}

/* hidinput_has_been_populated() */
static bool input_populated(const struct gen_input *in)
{
	return any_bit(in->evbit, sizeof(in->evbit)) || any_bit(in->keybit, sizeof(in->keybit)) ||
	       any_bit(in->relbit, sizeof(in->relbit)) || any_bit(in->absbit, sizeof(in->absbit)) ||
	       any_bit(in->mscbit, sizeof(in->mscbit)) || any_bit(in->ledbit, sizeof(in->ledbit));
}

/* ---- reading and writing reports ----------------------------------------- */

/* hid_output_report(): the report with every field's current values, into
 * g->outbuf as ID byte + payload.  Returns the length. */
static size_t build_report(struct generic *g, const struct hid_report *r)
{
	size_t n = hid_report_bytes(r);
	uint8_t *payload = g->outbuf + 1;

	g->outbuf[0] = r->id;
	memset(payload, 0, n);
	for (unsigned i = 0; i < r->nfields; i++) {
		const struct gen_field *gf = &g->fields[r->fields[i]];

		hid_field_put(gf->f, payload, n, gf->value);
	}
	return n + 1;
}

/* A feature report read from the device (data, len bytes with the ID
 * byte) updates its fields' values, as the kernel's GET_REPORT does
 * through hid_input_report(). */
static void take_feature_report(struct generic *g, const struct hid_report *r, const uint8_t *data,
                                int len)
{
	size_t n = hid_report_bytes(r);

	if (len < 1 || !data)
		return; /* the kernel goes on with what it had */
	memset(g->outbuf, 0, n + 1);
	memcpy(g->outbuf, data, (size_t)len < n + 1 ? (size_t)len : n + 1);
	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		for (unsigned k = 0; k < gf->f->report_count; k++)
			gf->value[k] = hid_field_get_value(gf->f, g->outbuf + 1, n, k);
	}
}

/* ---- Resolution Multiplier (hid-core.c, hid-input.c) ---------------------- */

/* hid_calculate_multiplier() */
static int32_t calculate_multiplier(const struct gen_field *gf)
{
	const struct hid_field *f = gf->f;
	int32_t lmin = f->logical_minimum, lmax = f->logical_maximum;
	int32_t pmin = f->physical_minimum, pmax = f->physical_maximum;
	int32_t m;

	if (lmax == lmin)
		return 1;
	m = wrap_add(wrap_mul(wrap_div(wrap_sub(gf->value[0], lmin), wrap_sub(lmax, lmin)),
	                      wrap_sub(pmax, pmin)),
	             pmin);
	/* "There are no devices with an effective multiplier > 255" */
	if (m == 0 || m > 255 || m < -255) {
		log_debug("unsupported Resolution Multiplier %d, using 1", m);
		m = 1;
	}
	return m;
}

/*
 * hid_apply_multiplier(): the multiplier applies to the input usages of
 * its Logical Collection, or to every input usage when it is in none.
 */
static void apply_multiplier(struct generic *g, const struct gen_field *multiplier)
{
	const struct hid_descriptor *d = g->desc;
	const struct hid_collection *mc;
	int32_t effective;

	mc = collection_at(d, multiplier->f->usage[0].collection_index);
	if (!mc)
		return;
	while (mc->parent != -1 && mc->type != HID_COLLECTION_LOGICAL)
		mc = &d->collections[mc->parent];
	if (mc->type != HID_COLLECTION_LOGICAL)
		mc = NULL;

	effective = calculate_multiplier(multiplier);
	for (unsigned i = 0; i < d->nfields; i++) {
		struct gen_field *gf = &g->fields[i];

		if (gf->f->type != HID_INPUT_REPORT)
			continue;
		for (unsigned j = 0; j < gf->f->maxusage; j++) {
			const struct hid_collection *c =
			    collection_at(d, gf->f->usage[j].collection_index);

			if (!c)
				continue;
			while (c->parent != -1 && c != mc)
				c = &d->collections[c->parent];
			/* stopped on the multiplier's collection, or no scope */
			if (c->parent != -1 || !mc)
				gf->usage[j].resolution_multiplier = (int8_t)effective;
		}
	}
}

/* hid_setup_resolution_multiplier(): later multipliers overwrite earlier ones */
static void setup_resolution_multiplier(struct generic *g)
{
	const struct hid_descriptor *d = g->desc;

	for (unsigned i = 0; i < d->nreports; i++) {
		const struct hid_report *rep = &d->reports[i];

		if (rep->type != HID_FEATURE_REPORT)
			continue;
		for (unsigned k = 0; k < rep->nfields; k++) {
			const struct gen_field *gf = &g->fields[rep->fields[k]];

			if (gf->f->report_count < 1)
				continue;
			for (unsigned j = 0; j < gf->f->maxusage; j++)
				if (gf->f->usage[j].hid == HID_GD_RESOLUTION_MULTIPLIER)
					apply_multiplier(g, gf);
		}
	}
}

/* Whether report r holds a Resolution Multiplier the kernel would change
 * (a count of 1: "There is no good reason for a Resolution Multiplier to
 * have a count other than 1."). */
static bool has_multiplier(const struct generic *g, const struct hid_report *r)
{
	for (unsigned i = 0; i < r->nfields; i++) {
		const struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->report_count != 1)
			continue;
		for (unsigned j = 0; j < gf->f->maxusage; j++)
			if (gf->f->usage[j].hid == HID_GD_RESOLUTION_MULTIPLIER)
				return true;
	}
	return false;
}

/* __hidinput_change_resolution_multipliers(), after its GET_REPORT */
static void set_multipliers(struct generic *g, const struct hid_report *r, bool use_logical_max)
{
	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->report_count != 1)
			continue;
		for (unsigned j = 0; j < gf->f->maxusage; j++)
			if (gf->f->usage[j].hid == HID_GD_RESOLUTION_MULTIPLIER)
				gf->value[j] = use_logical_max ? gf->f->logical_maximum
				                               : gf->f->logical_minimum;
	}
}

/*
 * hidinput_change_resolution_multipliers(): every multiplier goes to its
 * highest setting and the device is told so.  When the device refuses,
 * the kernel keeps the multipliers computed at parse time.
 *
 * The kernel waits for each answer in probe; here each step is a request
 * answered later on the loop (hm_device_request()), so a device that
 * never answers costs the loop nothing: the device stays `initializing`
 * until the chain below ends, and its reports are decoded meanwhile with
 * the parse-time multipliers.  rm_report is the report the chain is at.
 *
 * Without a transport (-ENOTSUP: a recording being replayed) the device
 * is taken to have accepted, as it did under the kernel that recorded it:
 * its wheel reports are already multiplied.
 */
static void rm_next(struct hm_device *dev, struct generic *g);

static void rm_sent(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                    void *userdata)
{
	struct generic *g = dev->priv;
	const struct hid_report *r = &g->desc->reports[g->rm_report];

	if (result < 0 && result != -ENOTSUP) {
		log_debug("setting the Resolution Multiplier failed: %s", strerror(-result));
		set_multipliers(g, r, false);
		return;
	}
	g->rm_report++;
	rm_next(dev, g);
}

static void rm_set(struct hm_device *dev, struct generic *g, const struct hid_report *r)
{
	size_t len;
	int ret;

	set_multipliers(g, r, true);
	len = build_report(g, r);
	ret = hm_device_request(dev, HM_REQUEST_SET_FEATURE, g->outbuf, len, rm_sent, NULL);
	if (ret < 0)
		rm_sent(dev, ret, NULL, 0, NULL);
}

static void rm_got(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                   void *userdata)
{
	struct generic *g = dev->priv;
	const struct hid_report *r = &g->desc->reports[g->rm_report];

	/* the other fields of the report keep the device's values */
	take_feature_report(g, r, data, result > 0 ? (int)size : result);
	rm_set(dev, g, r);
}

static void rm_next(struct hm_device *dev, struct generic *g)
{
	const struct hid_descriptor *d = g->desc;

	for (; g->rm_report < d->nreports; g->rm_report++) {
		const struct hid_report *r = &d->reports[g->rm_report];
		int ret;

		if (r->type != HID_FEATURE_REPORT || !has_multiplier(g, r))
			continue;
		if (r->nfields > 1) {
			memset(g->outbuf, 0, hid_report_bytes(r) + 1);
			g->outbuf[0] = r->id;
			ret = hm_device_request(dev, HM_REQUEST_GET_FEATURE, g->outbuf,
			                        hid_report_bytes(r) + 1, rm_got, NULL);
			if (ret < 0)
				rm_got(dev, ret, NULL, 0, NULL);
		} else {
			rm_set(dev, g, r);
		}
		return;
	}
	setup_resolution_multiplier(g);
}

static void change_all_resolution_multipliers(struct hm_device *dev, struct generic *g)
{
	g->rm_report = 0;
	rm_next(dev, g);
}

/* ---- probe and remove ----------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	const struct gen_entry *x = a, *y = b;

	/* higher priority first; equal ones in report order (the kernel's
	 * list insertion is stable) */
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Whether hid_event() of usage j of Variable field gf returns without
 * emitting or changing state whenever the value is the one of the last
 * report and lies within [*lo, *hi] (then the clamp leaves it as it is):
 * absolute data whose value did not change, for a usage without the paths
 * that act whatever the value (hat, digitizer tool, high-resolution scroll).
 * The hot path then skips that call for a value that did not change.
 */
static bool entry_quiet(const struct gen_field *gf, unsigned j, int32_t *lo, int32_t *hi)
{
	const struct hid_field *f = gf->f;
	const struct gen_usage *u;

	*lo = INT32_MIN;
	*hi = INT32_MAX;
	if (!(gf->flags & HID_MAIN_ITEM_VARIABLE) ||
	    (gf->flags & (HID_MAIN_ITEM_RELATIVE | HID_MAIN_ITEM_BUFFERED_BYTE)) ||
	    j >= f->maxusage)
		return false;
	u = &gf->usage[j];
	if (u->hat_min < u->hat_max || u->hat_dir)
		return false;
	switch (u->hid) {
	case HID_DG_ERASER:
	case HID_DG_INVERT:
	case HID_DG_INRANGE:
	case HID_DG_TIPSWITCH:
	case HID_DG_TIPPRESSURE:
		return false;
	default:
		break;
	}
	if (u->type == EV_REL && (u->code == REL_WHEEL_HI_RES || u->code == REL_HWHEEL_HI_RES))
		return false;
	if ((f->flags & HID_MAIN_ITEM_VARIABLE) && f->logical_minimum < f->logical_maximum) {
		*lo = f->logical_minimum;
		*hi = f->logical_maximum;
	}
	return true;
}

/* hid_report_process_ordering(): Variable fields are processed usage by
 * usage, Array fields as a whole, by priority. */
static void order_report(struct generic *g, struct gen_report *gr, struct gen_entry *entries)
{
	const struct hid_report *r = gr->r;
	unsigned n = 0;

	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->flags & HID_MAIN_ITEM_VARIABLE) {
			for (unsigned u = 0; u < gf->f->report_count; u++, n++) {
				entries[n] = (struct gen_entry){.field = gf,
				                                .index = u,
				                                .priority = gf->usage[u].priority,
				                                .seq = n};
				entries[n].quiet =
				    entry_quiet(gf, u, &entries[n].lo, &entries[n].hi);
			}
		} else {
			entries[n] = (struct gen_entry){
			    .field = gf, .index = 0, .priority = gf->usage[0].priority, .seq = n};
			n++;
		}
	}
	qsort(entries, n, sizeof(*entries), entry_cmp);
	gr->entries = entries;
	gr->nentries = n;
}

static void generic_free(struct generic *g)
{
	if (!g)
		return;
	hid_descriptor_free(g->desc);
	free(g->fields);
	free(g->reports);
	free(g->inputs);
	free(g->usage_pool);
	free(g->value_pool);
	free(g->entry_pool);
	free(g->inbuf);
	free(g->outbuf);
	memset(g, 0, sizeof(*g));
}

static int allocate_state(struct generic *g)
{
	const struct hid_descriptor *d = g->desc;
	size_t nusages = 0, nentries = 0, inmax = 0, outmax = 0;
	struct gen_usage *usage;
	int32_t *value;

	for (unsigned i = 0; i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];

		nusages += f->maxusage;
		if (f->type == HID_INPUT_REPORT)
			nentries += (f->flags & HID_MAIN_ITEM_VARIABLE) ? f->report_count : 1;
	}
	for (unsigned i = 0; i < d->nreports; i++) {
		size_t n = hid_report_bytes(&d->reports[i]);

		if (d->reports[i].type == HID_INPUT_REPORT && n > inmax)
			inmax = n;
		if (n > outmax)
			outmax = n;
	}

	g->fields = calloc(d->nfields ? d->nfields : 1, sizeof(*g->fields));
	g->reports = calloc(d->nreports ? d->nreports : 1, sizeof(*g->reports));
	/* at most one input device per report */
	g->inputs = calloc(d->nreports ? d->nreports : 1, sizeof(*g->inputs));
	g->usage_pool = calloc(nusages ? nusages : 1, sizeof(*g->usage_pool));
	g->value_pool = calloc(nusages ? 2 * nusages : 1, sizeof(*g->value_pool));
	g->entry_pool = calloc(nentries ? nentries : 1, sizeof(*g->entry_pool));
	g->inbuf_size = inmax;
	g->inbuf = calloc(inmax ? inmax : 1, 1);
	g->outbuf_size = outmax + 1;
	g->outbuf = calloc(outmax + 1, 1);
	if (!g->fields || !g->reports || !g->inputs || !g->usage_pool || !g->value_pool ||
	    !g->entry_pool || !g->inbuf || !g->outbuf)
		return -ENOMEM;

	usage = g->usage_pool;
	value = g->value_pool;
	for (unsigned i = 0; i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];
		struct gen_field *gf = &g->fields[i];

		gf->f = f;
		gf->flags = f->flags;
		gf->input = -1;
		gf->usage = usage;
		gf->value = value;
		gf->new_value = value + f->maxusage;
		for (unsigned j = 0; j < f->maxusage; j++) {
			gf->usage[j].hid = f->usage[j].hid;
			gf->usage[j].resolution_multiplier = 1;
		}
		usage += f->maxusage;
		value += 2 * (size_t)f->maxusage;
	}

	for (unsigned i = 0; i < d->nreports; i++) {
		g->reports[i].r = &d->reports[i];
		if (d->reports[i].type == HID_INPUT_REPORT)
			g->numbered[HID_INPUT_REPORT] |= d->reports[i].id != 0;
	}
	return 0;
}

/* The capabilities of one kernel input device, as input_register_device()
 * leaves them: EV_SYN implied, KEY_RESERVED dropped, codes of types the
 * device does not have dropped (input_cleanse_bitmasks()). */
static void fill_caps(struct gen_input *in, struct libevdev *caps)
{
	for (unsigned p = 0; p < INPUT_PROP_CNT; p++)
		if (test_bit(in->propbit, p))
			libevdev_enable_property(caps, p);

	for (unsigned type = EV_SYN + 1; type < EV_CNT; type++) {
		const uint8_t *bit;

		if (!test_bit(in->evbit, type))
			continue;
		libevdev_enable_event_type(caps, type);
		if (type == EV_REP) {
			int delay = KERNEL_REP_DELAY_MS, period = KERNEL_REP_PERIOD_MS;

			libevdev_enable_event_code(caps, EV_REP, REP_DELAY, &delay);
			libevdev_enable_event_code(caps, EV_REP, REP_PERIOD, &period);
			continue;
		}
		bit = input_bitmap(in, type);
		if (!bit)
			continue;
		for (unsigned code = 0; code <= type_max(type); code++) {
			if (!test_bit(bit, code) || (type == EV_KEY && code == KEY_RESERVED))
				continue;
			libevdev_enable_event_code(caps, type, code,
			                           type == EV_ABS ? &in->absinfo[code] : NULL);
		}
	}
}

/*
 * What probe does before it talks to the device: hid_open_report()'s
 * parse and hidinput_connect()'s mapping of every usage into the input
 * devices.  hm_generic_describe() runs it too, so that what it explains is
 * what probe did.  Returns 1 when the usages were mapped, 0 when the
 * descriptor has no input application (nothing to map), or a negative
 * errno; on error, generic_free() undoes what was done.
 */
static int generic_map(struct generic *g, const uint8_t *rdesc, size_t size, const char *name)
{
	struct hid_parse_error error;
	const struct hid_descriptor *d;
	bool per_app;
	int input = -1;
	int r;

	r = hid_descriptor_parse(rdesc, size, &g->desc, &error);
	if (r < 0) {
		/* the caller reports the failure; `hidmapd describe` shows the details */
		log_debug("%s: report descriptor offset %zu: %s", name, error.offset,
		          error.message);
		return r;
	}
	d = g->desc;

	r = allocate_state(g);
	if (r < 0)
		return r;
	/* hid_open_report() ends with this, on the feature values still 0 */
	setup_resolution_multiplier(g);

	/*
	 * hidinput_connect() without force: some collection must be an input
	 * one.  Without, hid-generic still binds the device (for hidraw) but
	 * creates no input device; so does this module.
	 */
	if (!has_input_application(d))
		return 0;

	/* hid-generic sets HID_QUIRK_INPUT_PER_APP; the kernel only splits
	 * when the descriptor has more than one application. */
	per_app = d->maxapplication > 1;
	for (int type = HID_INPUT_REPORT; type <= HID_OUTPUT_REPORT; type++) {
		for (unsigned i = 0; i < d->nreports; i++) {
			const struct hid_report *rep = &d->reports[i];

			if ((int)rep->type != type || rep->nfields == 0)
				continue;
			if (per_app)
				input = match_application(g, rep->application);
			if (input < 0)
				input = allocate_input(g, name, rep->application, per_app);
			configure_report(g, input, rep);
		}
	}
	return 1;
}

int hm_generic_probe(struct hm_device *dev)
{
	struct generic *g = dev->priv;
	const struct hid_descriptor *d;
	struct gen_entry *entries;
	unsigned noutputs = 0;
	int r;

	if (!dev->rdesc || dev->rdesc_size == 0)
		return -ENODEV;

	g->quirk = dev->module;
	if (dev->module && dev->module->report_fixup && dev->rdesc_size <= HID_RDESC_MAX_SIZE) {
		/* hid_open_report(): the driver's report_fixup, then the parser */
		_cleanup_free_ uint8_t *fixed = malloc(HID_RDESC_MAX_SIZE);
		size_t size = dev->rdesc_size;

		if (!fixed)
			return -ENOMEM;
		memcpy(fixed, dev->rdesc, size);
		dev->module->report_fixup(&dev->info, fixed, &size);
		r = generic_map(g, fixed, size > HID_RDESC_MAX_SIZE ? 0 : size, dev->info.name);
	} else
		r = generic_map(g, dev->rdesc, dev->rdesc_size, dev->info.name);
	if (r < 0)
		goto fail;
	if (r == 0)
		return 0;
	d = g->desc;

	change_all_resolution_multipliers(dev, g);

	for (unsigned i = 0; i < g->ninputs; i++) {
		struct gen_input *in = &g->inputs[i];
		struct libevdev *caps;

		if (!input_populated(in))
			continue;
		if (noutputs >= HM_MAX_OUTPUTS) {
			log_warning("%s: more than %u input devices, ignoring \"%s\"",
			            dev->info.name, HM_MAX_OUTPUTS, in->name);
			continue;
		}
		r = hm_device_add_output(dev, in->name, &caps);
		if (r < 0)
			goto fail;
		in->output = r;
		noutputs++;
		fill_caps(in, caps);
		/* a hat let go is centred: hid-input reports its null state as
		 * 0, 0 (-ERANGE, should another usage have given the code a
		 * range without 0, leaves that axis without a rest value) */
		for (unsigned code = 0; code <= ABS_MAX; code++)
			if ((in->hat_axes & UINT64_C(1) << code) && test_bit(in->absbit, code))
				(void)hm_device_set_abs_rest(dev, (unsigned)in->output, code, 0);
	}
	g->noutputs = noutputs;
	/* "No inputs registered, leaving": the device stays bound, without inputs */
	if (noutputs == 0)
		return 0;

	entries = g->entry_pool;
	for (unsigned i = 0; i < d->nreports; i++) {
		struct gen_report *gr = &g->reports[i];

		if (gr->r->type != HID_INPUT_REPORT)
			continue;
		order_report(g, gr, entries);
		entries += gr->nentries;
	}
	return 0;

fail:
	generic_free(g);
	return r;
}

void hm_generic_remove(struct hm_device *dev)
{
	generic_free(dev->priv);
}

/* ---- decode: hid_input_report() ... hidinput_hid_event() ----------------- */

/* input_event() as far as hid-input can see it: the input core keeps key
 * state only for codes the device has. */
static void emit(struct hm_device *dev, struct gen_input *in, unsigned type, unsigned code,
                 int value)
{
	if (type == EV_KEY && value != 2 && code <= KEY_MAX && test_bit(in->evbit, EV_KEY) &&
	    test_bit(in->keybit, code) && code != KEY_RESERVED) {
		if (value)
			set_bit(in->key, code);
		else
			clear_bit(in->key, code);
	}
	hm_emit(dev, (unsigned)in->output, type, code, value);
}

/* Where hid-input calls input_sync() in the middle of a report: the frame
 * of that output ends here (module.h, hm_emit()). */
static void mid_report_sync(struct hm_device *dev, struct gen_input *in)
{
	hm_emit(dev, (unsigned)in->output, EV_SYN, SYN_REPORT, 0);
}

/* hid_report_release_tool() / hid_report_set_tool() */
static void release_tool(struct hm_device *dev, struct gen_report *gr, struct gen_input *in,
                         unsigned tool)
{
	if (!test_bit(in->key, tool))
		return;
	emit(dev, in, EV_KEY, BTN_TOUCH, 0);
	emit(dev, in, EV_KEY, tool, 0);
	mid_report_sync(dev, in);
	gr->tool = 0;
}

static void set_tool(struct hm_device *dev, struct gen_report *gr, struct gen_input *in,
                     unsigned tool)
{
	if (gr->tool != tool)
		release_tool(dev, gr, in, gr->tool);
	emit(dev, in, EV_KEY, tool, 1);
	gr->tool = tool;
}

/* hidinput_handle_scroll(): the low-resolution axis gets whole detents,
 * the high-resolution one 120ths of a detent. */
static void handle_scroll(struct hm_device *dev, struct gen_input *in, struct gen_usage *u,
                          int32_t value)
{
	int32_t hi_res, lo_res;

	if (value == 0)
		return;
	hi_res = wrap_div(wrap_mul(value, HI_RES_PER_DETENT), u->resolution_multiplier);
	u->wheel_accumulated = (int16_t)wrap_add(u->wheel_accumulated, hi_res);
	lo_res = u->wheel_accumulated / HI_RES_PER_DETENT;
	if (lo_res)
		u->wheel_accumulated = (int16_t)(u->wheel_accumulated - lo_res * HI_RES_PER_DETENT);
	emit(dev, in, EV_REL, u->code == REL_WHEEL_HI_RES ? REL_WHEEL : REL_HWHEEL, lo_res);
	emit(dev, in, EV_REL, u->code, hi_res);
}

/* hidinput_hid_event(): usage j of field gf has value. */
static void hid_event(struct hm_device *dev, struct generic *g, struct gen_report *gr,
                      struct gen_field *gf, unsigned j, int32_t value)
{
	const struct hid_field *f = gf->f;
	struct gen_usage *u = &gf->usage[j];
	struct gen_input *in;

	if (!u->type || gf->input < 0)
		return;
	in = &g->inputs[gf->input];
	if (in->output < 0)
		return;

	if (u->hat_min < u->hat_max || u->hat_dir) {
		int dir = u->hat_dir ? u->hat_dir : hat_direction(value, u->hat_min, u->hat_max);

		/* A D-pad usage reports its direction whatever its value. */
		emit(dev, in, u->type, u->code, hat_to_axis[dir].x);
		emit(dev, in, u->type, u->code + 1u, hat_to_axis[dir].y);
		return;
	}

	/* Out-of-range values are ignored with a Null state (HID 1.11 5.10,
	 * 6.2.2.5), clamped without one, as Windows does. */
	if ((f->flags & HID_MAIN_ITEM_VARIABLE) && f->logical_minimum < f->logical_maximum) {
		if ((f->flags & HID_MAIN_ITEM_NULL_STATE) &&
		    (value < f->logical_minimum || value > f->logical_maximum))
			return;
		if (value < f->logical_minimum)
			value = f->logical_minimum;
		else if (value > f->logical_maximum)
			value = f->logical_maximum;
	}

	switch (u->hid) {
	case HID_DG_ERASER:
		gr->tool_active |= !!value;
		/* a set eraser is BTN_TOOL_RUBBER, for devices without Invert */
		if (value) {
			set_tool(dev, gr, in, BTN_TOOL_RUBBER);
		} else if (gr->tool != BTN_TOOL_RUBBER) {
			return;
		} else if (g->noinvert && !test_bit(in->key, BTN_TOUCH)) {
			/* no Invert to release the tool: the eraser does */
			release_tool(dev, gr, in, BTN_TOOL_RUBBER);
			return;
		}
		break; /* BTN_TOUCH follows */
	case HID_DG_INVERT:
		gr->tool_active |= !!value;
		if (value)
			set_tool(dev, gr, in, BTN_TOOL_RUBBER);
		else if (!gr->tool_active)
			release_tool(dev, gr, in, BTN_TOOL_RUBBER);
		return;
	case HID_DG_INRANGE:
		gr->tool_active |= !!value;
		if (gr->tool_active) {
			if (!gr->tool)
				gr->tool = u->code;
			set_tool(dev, gr, in, gr->tool);
		} else {
			release_tool(dev, gr, in, u->code);
		}
		gr->tool_active = false;
		return;
	case HID_DG_TIPSWITCH:
		gr->tool_active |= !!value;
		if (gr->tool == BTN_TOOL_RUBBER)
			return;
		break;
	case HID_DG_TIPPRESSURE:
		if (g->notouch) {
			int32_t a = f->logical_minimum, b = f->logical_maximum;

			if (value > wrap_add(a, wrap_sub(b, a) >> 3)) {
				emit(dev, in, EV_KEY, BTN_TOUCH, 1);
				gr->tool_active = true;
			}
		}
		break;
	default:
		break;
	}

	switch (u->type) {
	case EV_KEY:
		if (u->code == 0) /* KEY_RESERVED */
			return;
		break;
	case EV_REL:
		if (u->code == REL_WHEEL_HI_RES || u->code == REL_HWHEEL_HI_RES) {
			handle_scroll(dev, in, u, value);
			return;
		}
		break;
	case EV_ABS:
		if ((gf->flags & HID_MAIN_ITEM_RELATIVE) && u->code == ABS_VOLUME) {
			int64_t count = value < 0 ? -(int64_t)value : value;
			unsigned key = value > 0 ? KEY_VOLUMEUP : KEY_VOLUMEDOWN;

			if (count > MAX_VOLUME_STEPS)
				count = MAX_VOLUME_STEPS;
			for (int64_t i = 0; i < count; i++) {
				emit(dev, in, EV_KEY, key, 1);
				mid_report_sync(dev, in);
				emit(dev, in, EV_KEY, key, 0);
				mid_report_sync(dev, in);
			}
			return;
		}
		break;
	default:
		break;
	}

	/* Variable, absolute data that did not change is not reported: this
	 * also silences the "dead" keys of localized rollover keyboards. */
	if (!(gf->flags & (HID_MAIN_ITEM_RELATIVE | HID_MAIN_ITEM_BUFFERED_BYTE)) &&
	    (gf->flags & HID_MAIN_ITEM_VARIABLE) && j < f->maxusage && value == gf->value[j])
		return;

	/* the usage as scancode when the key changes state */
	if (u->type == EV_KEY && (int32_t)!test_bit(in->key, u->code) == value)
		emit(dev, in, EV_MSC, MSC_SCAN, (int)u->hid);

	emit(dev, in, u->type, u->code, value);

	/* A relative button has no release of its own. */
	if ((gf->flags & HID_MAIN_ITEM_RELATIVE) && u->type == EV_KEY && value) {
		mid_report_sync(dev, in);
		emit(dev, in, u->type, u->code, 0);
	}
}

/* hid_input_array_field(): the events of an Array field's changes */
struct array_event_ctx {
	struct hm_device *dev;
	struct generic *g;
	struct gen_report *gr;
	struct gen_field *gf;
};

static void array_event(void *data, unsigned index, int32_t value)
{
	struct array_event_ctx *c = data;

	hid_event(c->dev, c->g, c->gr, c->gf, index, value);
}

static void input_array_field(struct hm_device *dev, struct generic *g, struct gen_report *gr,
                              struct gen_field *gf)
{
	struct array_event_ctx c = {dev, g, gr, gf};

	if (gf->ignored)
		return;
	hid_array_diff(gf->f, gf->value, gf->new_value, array_event, &c);
	memcpy(gf->value, gf->new_value, gf->f->report_count * sizeof(*gf->value));
}

/* hid_process_report() for an input report */
static void process_report(struct hm_device *dev, struct generic *g, struct gen_report *gr,
                           const uint8_t *payload, size_t size)
{
	const struct hid_report *r = gr->r;

	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		gf->ignored = !hid_field_fetch(gf->f, payload, size, gf->new_value);
	}

	for (unsigned i = 0; i < gr->nentries; i++) {
		struct gen_entry *e = &gr->entries[i];
		struct gen_field *gf = e->field;

		if (gf->f->flags & HID_MAIN_ITEM_VARIABLE) {
			int32_t v = gf->new_value[e->index];

			if (e->quiet && v == gf->value[e->index] && v >= e->lo && v <= e->hi)
				continue; /* hid_event() would do nothing */
			hid_event(dev, g, gr, gf, e->index, v);
		} else
			input_array_field(dev, g, gr, gf);
	}

	/* Variable values are kept once the whole report is processed. */
	for (unsigned i = 0; i < r->nfields; i++) {
		struct gen_field *gf = &g->fields[r->fields[i]];

		if (gf->f->flags & HID_MAIN_ITEM_VARIABLE)
			memcpy(gf->value, gf->new_value, gf->f->report_count * sizeof(*gf->value));
	}
}

int hm_generic_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us)
{
	struct generic *g = dev->priv;
	const struct hid_descriptor *d = g->desc;
	bool numbered = g->numbered[HID_INPUT_REPORT];
	const struct hid_report *r;
	struct gen_report *gr;
	size_t rsize, psize;
	int16_t index;

	if (size == 0)
		return -EBADMSG; /* the kernel refuses an empty report too */
	if (g->noutputs == 0)
		return 0;
	if (g->quirk && g->quirk->raw_event) {
		/* __hid_input_report(): the driver's raw_event first */
		int q = g->quirk->raw_event(dev, data, size);

		if (q != 0)
			return q;
	}

	index = hid_report_index(d, HID_INPUT_REPORT, numbered, data);
	if (index < 0)
		return 0; /* "undefined report_id" */
	gr = &g->reports[index];
	r = gr->r;
	if (r->nfields == 0)
		return 0;

	/* hid_report_raw_event(): a short report is zero-padded */
	rsize = hid_report_bytes(r);
	psize = size - numbered;
	if (psize > rsize)
		psize = rsize;
	memcpy(g->inbuf, data + numbered, psize);
	memset(g->inbuf + psize, 0, rsize - psize);

	process_report(dev, g, gr, g->inbuf, rsize);
	return 1;
}

/* ---- output: hidinput_input_event() and the LED worker ------------------- */

int hm_generic_output(struct hm_device *dev, unsigned output, unsigned type, unsigned code,
                      int value)
{
	struct generic *g = dev->priv;
	const struct hid_descriptor *d = g->desc;
	struct gen_field *found = NULL, *led_field = NULL;
	unsigned offset = 0;
	size_t len;
	int r;

	if (type != EV_LED)
		return -EOPNOTSUPP;

	/* hidinput_find_field(): the first output usage with that LED, and
	 * hidinput_get_led_field(): the first output field with any LED,
	 * both in report order */
	for (unsigned i = 0; i < d->nreports && !found; i++) {
		const struct hid_report *rep = &d->reports[i];

		if (rep->type != HID_OUTPUT_REPORT)
			continue;
		for (unsigned k = 0; k < rep->nfields && !found; k++) {
			struct gen_field *gf = &g->fields[rep->fields[k]];

			for (unsigned j = 0; j < gf->f->maxusage; j++) {
				if (gf->usage[j].type != EV_LED)
					continue;
				if (!led_field)
					led_field = gf;
				if (gf->usage[j].code == code) {
					found = gf;
					offset = j;
					break;
				}
			}
		}
	}
	if (!found)
		return -ENOENT;

	/* hid_set_field(): the kernel sends the report even when it refuses
	 * the value */
	if (offset < found->f->report_count &&
	    (found->f->logical_minimum >= 0 ||
	     value == hid_snto32(hid_s32ton(value, found->f->report_size), found->f->report_size)))
		found->value[offset] = value;

	/* The kernel's LED worker sends the report of the first LED field,
	 * even when the LED that changed lives in another output report. */
	len = build_report(g, &d->reports[led_field->f->report_index]);
	r = hm_device_write(dev, g->outbuf, len);
	return r < 0 ? r : 0;
}

/* ---- describe: why each usage maps to what -------------------------------- */

static const char *report_type_word(enum hid_report_type type)
{
	switch (type) {
	case HID_INPUT_REPORT:
		return "input";
	case HID_OUTPUT_REPORT:
		return "output";
	default:
		return "feature";
	}
}

static const char *code_name(unsigned type, unsigned code, char *buf, size_t size)
{
	const char *name = libevdev_event_code_get_name(type, code);

	if (name)
		return name;
	snprintf(buf, size, "%u", code);
	return buf;
}

/* The outcome of usage slot j of field gf, as one line's tail. */
static void describe_usage(const struct generic *g, const struct gen_field *gf, unsigned j,
                           char *buf, size_t size)
{
	const struct hid_field *f = gf->f;
	const struct gen_usage *u = &gf->usage[j];
	struct hid_field adjusted = *f;
	struct hm_generic_map m;
	char a[16], b[16];
	const char *type_name;

	/* the very call configure_usage() made */
	adjusted.flags = gf->flags;
	(void)map_usage(g, &adjusted, u->hid, &m);

	if (!u->type) {
		if (!m.type || f->type == HID_FEATURE_REPORT)
			snprintf(buf, size, "ignored (%s)",
			         f->type == HID_FEATURE_REPORT
			             ? "feature report: hid-input maps no feature usage"
			         : m.reason ? m.reason
			                    : "no rule of hid-input maps it");
		else if ((m.flags & HM_GENERIC_MAP_DPAD) && gf->dpad)
			snprintf(buf, size,
			         "ignored (D-pad: the field's first direction usage reports "
			         "ABS_HAT0X/Y for all)");
		else
			snprintf(buf, size,
			         "ignored (already mapped: %s %s is taken by an "
			         "earlier usage of this device: duplicate)",
			         libevdev_event_type_get_name(m.type) ?: "?",
			         code_name(m.type, m.code, a, sizeof(a)));
		return;
	}

	type_name = libevdev_event_type_get_name(u->type) ?: "?";
	if (u->hat_min < u->hat_max || u->hat_dir)
		snprintf(buf, size, "%s %s + %s (%s)", type_name,
		         code_name(u->type, u->code, a, 16),
		         code_name(u->type, u->code + 1u, b, 16), m.reason ? m.reason : "");
	else if (u->type == EV_REL && u->code == REL_WHEEL_HI_RES)
		snprintf(buf, size, "EV_REL REL_WHEEL_HI_RES + REL_WHEEL (%s)", m.reason);
	else if (u->type == EV_REL && u->code == REL_HWHEEL_HI_RES)
		snprintf(buf, size, "EV_REL REL_HWHEEL_HI_RES + REL_HWHEEL (%s)", m.reason);
	else if (u->type == EV_ABS && u->code == ABS_VOLUME && (gf->flags & HID_MAIN_ITEM_RELATIVE))
		snprintf(buf, size, "EV_KEY KEY_VOLUMEUP/KEY_VOLUMEDOWN presses (%s)", m.reason);
	else
		snprintf(buf, size, "%s %s (%s)", type_name, code_name(u->type, u->code, a, 16),
		         m.reason ? m.reason : "");
}

static void describe_field(const struct generic *g, const struct gen_field *gf,
                           const int *device_of_input, FILE *out)
{
	const struct hid_descriptor *d = g->desc;
	const struct hid_field *f = gf->f;
	char line[256], prev[256] = "", name[64];
	unsigned first = 0;

	fprintf(out, "  field #%u: %s report", (unsigned)(f - d->fields),
	        report_type_word(f->type));
	if (d->numbered)
		fprintf(out, " ID %u", f->report_id);
	fprintf(out, ", %" PRIu32 " x %" PRIu32 " bit%s at bit %" PRIu32 ", %s", f->report_count,
	        f->report_size, f->report_size == 1 ? "" : "s", f->bit_offset,
	        (f->flags & HID_MAIN_ITEM_CONSTANT)   ? "Constant"
	        : (f->flags & HID_MAIN_ITEM_VARIABLE) ? "Variable"
	                                              : "Array");
	if (!(f->flags & HID_MAIN_ITEM_CONSTANT))
		fputs(gf->flags & HID_MAIN_ITEM_RELATIVE ? " Relative" : " Absolute", out);
	if (f->flags & HID_MAIN_ITEM_CONSTANT) {
		fputs(": constant field: padding\n", out);
		return;
	}
	if (f->type != HID_FEATURE_REPORT && gf->input >= 0) {
		int dev = device_of_input[gf->input];

		if (dev >= 0)
			fprintf(out, " -> device %d", dev);
		else
			fputs(" -> no device (see above)", out);
	}
	fputc('\n', out);

	/* consecutive slots with the same usage and outcome share a line */
	for (unsigned j = 0; j <= f->maxusage; j++) {
		if (j < f->maxusage)
			describe_usage(g, gf, j, line, sizeof(line));
		if (j > 0 && (j == f->maxusage || f->usage[j].hid != f->usage[first].hid ||
		              strcmp(line, prev))) {
			uint32_t hid = f->usage[first].hid;

			fprintf(out, "    usage %s (0x%08" PRIx32 ")",
			        hid_usage_name(hid, name, sizeof(name)), hid);
			if (j - first > 1)
				fprintf(out, ", slots %u-%u", first, j - 1);
			fprintf(out, " -> %s\n", prev);
			first = j;
		}
		memcpy(prev, line, sizeof(prev));
	}
}

void hm_generic_describe(const char *name, const uint8_t *rdesc, size_t size, FILE *out)
{
	struct generic g = {0};
	const struct hid_descriptor *d;
	_cleanup_free_ int *device_of_input = NULL;
	char app[64];
	int ndevices = 0;
	int r;

	r = generic_map(&g, rdesc, size, name);
	if (r < 0) {
		fprintf(out, "The generic module cannot use this descriptor: %s\n", strerror(-r));
		goto out;
	}
	d = g.desc;
	if (r == 0) {
		fputs("No Mouse, Keyboard, Gamepad... application collection: the kernel creates "
		      "no input device, and neither does the generic module.\n",
		      out);
		goto out;
	}

	device_of_input = calloc(g.ninputs ? g.ninputs : 1, sizeof(*device_of_input));
	if (!device_of_input) {
		fputs("out of memory\n", out);
		goto out;
	}
	fprintf(out, "Input devices (%s):\n",
	        d->maxapplication > 1 ? "one per application collection, as hid-generic"
	                              : "one application collection: one device");
	for (unsigned i = 0; i < g.ninputs; i++) {
		const struct gen_input *in = &g.inputs[i];

		hid_usage_name(in->application, app, sizeof(app));
		device_of_input[i] = -1;
		if (!input_populated(in)) {
			fprintf(out, "  none for application %s: no usage mapped\n", app);
		} else if (ndevices >= (int)HM_MAX_OUTPUTS) {
			fprintf(out, "  none for application %s: more than %u devices\n", app,
			        HM_MAX_OUTPUTS);
		} else {
			device_of_input[i] = ndevices;
			fprintf(out, "  device %d \"%s\": application %s\n", ndevices++, in->name,
			        app);
		}
	}

	fputs("Fields, and what each usage maps to (the kernel's hid-input rules):\n", out);
	for (unsigned i = 0; i < d->nreports; i++) {
		const struct hid_report *rep = &d->reports[i];

		for (unsigned k = 0; k < rep->nfields; k++)
			describe_field(&g, &g.fields[rep->fields[k]], device_of_input, out);
	}
out:
	generic_free(&g);
}

/* The describe hook: the mapping of a descriptor that parses. */
static void generic_describe_hook(const struct hm_device_info *info, const uint8_t *rdesc,
                                  size_t rdesc_size, FILE *f)
{
	_cleanup_(hid_descriptor_freep) struct hid_descriptor *desc = NULL;
	struct hid_parse_error err = {0};
	/* the name comes from the device: written with its control
	 * characters escaped */
	char name[STR_ESCAPED_SIZE(sizeof(info->name))];

	if (hid_descriptor_parse(rdesc, rdesc_size, &desc, &err) < 0)
		return;
	str_escape_control(info->name, name, sizeof(name));
	fprintf(f, "\nMapping (generic module):\n");
	hm_generic_describe(name, rdesc, rdesc_size, f);
}

static void generic_map_usage_hook(const struct hid_field *field, uint32_t usage,
                                   const struct hid_collection *collection,
                                   struct hm_usage_map *ret)
{
	struct hm_generic_map m;

	hm_generic_map_usage(field, usage, collection, &m);
	*ret = (struct hm_usage_map){.type = m.type,
	                             .code = m.code,
	                             .hat = m.flags & HM_GENERIC_MAP_HAT,
	                             .reason = m.reason};
}

const struct hm_module hm_module_generic = {
    .name = "generic",
    .description = "any HID device, decoded from its report descriptor as the kernel does",
    .priv_size = sizeof(struct generic),
    .probe = hm_generic_probe,
    .decode = hm_generic_decode,
    .output = hm_generic_output,
    .remove = hm_generic_remove,
    .describe = generic_describe_hook,
    .map_usage = generic_map_usage_hook,
};
