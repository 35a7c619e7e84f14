/* SPDX-License-Identifier: MIT */
/*
 * Names of HID usage pages and usages (HID Usage Tables 1.3), only for the
 * human-readable output of `hidmapd describe`.  The tables cover the usages
 * input devices commonly declare; anything else is printed by number, so a
 * missing name costs readability, never correctness.
 */
#include <stdio.h>

#include "hid-constants.h"
#include "hid-usages.h"
#include "util-mem.h"
#include "util-strings.h"

struct usage_name {
	uint16_t id;
	const char *name;
};

struct page {
	uint16_t page;
	const char *name;
	const struct usage_name *usages; /* sorted by id */
	size_t nusages;
};

static const struct usage_name generic_desktop[] = {
    {0x01, "Pointer"},
    {0x02, "Mouse"},
    {0x04, "Joystick"},
    {0x05, "Gamepad"},
    {0x06, "Keyboard"},
    {0x07, "Keypad"},
    {0x08, "Multi-axis Controller"},
    {0x09, "Tablet PC System Controls"},
    {0x0e, "System Multi-Axis Controller"},
    {0x30, "X"},
    {0x31, "Y"},
    {0x32, "Z"},
    {0x33, "Rx"},
    {0x34, "Ry"},
    {0x35, "Rz"},
    {0x36, "Slider"},
    {0x37, "Dial"},
    {0x38, "Wheel"},
    {0x39, "Hat Switch"},
    {0x3a, "Counted Buffer"},
    {0x3b, "Byte Count"},
    {0x3c, "Motion Wakeup"},
    {0x3d, "Start"},
    {0x3e, "Select"},
    {0x40, "Vx"},
    {0x41, "Vy"},
    {0x42, "Vz"},
    {0x43, "Vbrx"},
    {0x44, "Vbry"},
    {0x45, "Vbrz"},
    {0x46, "Vno"},
    {0x47, "Feature Notification"},
    {0x48, "Resolution Multiplier"},
    {0x80, "System Control"},
    {0x81, "System Power Down"},
    {0x82, "System Sleep"},
    {0x83, "System Wake Up"},
    {0x84, "System Context Menu"},
    {0x85, "System Main Menu"},
    {0x86, "System App Menu"},
    {0x87, "System Menu Help"},
    {0x88, "System Menu Exit"},
    {0x89, "System Menu Select"},
    {0x8a, "System Menu Right"},
    {0x8b, "System Menu Left"},
    {0x8c, "System Menu Up"},
    {0x8d, "System Menu Down"},
    {0x90, "D-pad Up"},
    {0x91, "D-pad Down"},
    {0x92, "D-pad Right"},
    {0x93, "D-pad Left"},
    {0xa7, "System Speaker Mute"},
    {0xa8, "System Hibernate"},
    {0xc6, "Wireless Radio Button"},
    {0xc7, "Wireless Radio LED"},
    {0xc8, "Wireless Radio Slider Switch"},
};

static const struct usage_name simulation[] = {
    {0x01, "Flight Simulation Device"},
    {0x02, "Automobile Simulation Device"},
    {0x20, "Flight Control Stick"},
    {0x21, "Flight Stick"},
    {0x22, "Cyclic Control"},
    {0x23, "Cyclic Trim"},
    {0x24, "Flight Yoke"},
    {0x25, "Track Control"},
    {0xb0, "Aileron"},
    {0xb1, "Aileron Trim"},
    {0xb2, "Anti-Torque Control"},
    {0xb3, "Autopilot Enable"},
    {0xb5, "Collective Control"},
    {0xb6, "Dive Brake"},
    {0xb8, "Elevator"},
    {0xb9, "Elevator Trim"},
    {0xba, "Rudder"},
    {0xbb, "Throttle"},
    {0xbe, "Landing Gear"},
    {0xbf, "Toe Brake"},
    {0xc0, "Trigger"},
    {0xc3, "Wing Flaps"},
    {0xc4, "Accelerator"},
    {0xc5, "Brake"},
    {0xc6, "Clutch"},
    {0xc7, "Shifter"},
    {0xc8, "Steering"},
};

static const struct usage_name game[] = {
    {0x01, "3D Game Controller"}, {0x02, "Pinball Device"},  {0x03, "Gun Device"},
    {0x20, "Point of View"},      {0x21, "Turn Right/Left"}, {0x22, "Pitch Forward/Backward"},
    {0x23, "Roll Right/Left"},    {0x24, "Move Right/Left"}, {0x25, "Move Forward/Backward"},
    {0x26, "Move Up/Down"},       {0x27, "Lean Right/Left"}, {0x28, "Lean Forward/Backward"},
    {0x37, "Gamepad Fire/Jump"},  {0x39, "Gamepad Trigger"},
};

static const struct usage_name generic_device[] = {
    {0x20, "Battery Strength"},
    {0x21, "Wireless Channel"},
    {0x22, "Wireless ID"},
};

static const struct usage_name led[] = {
    {0x01, "Num Lock"},
    {0x02, "Caps Lock"},
    {0x03, "Scroll Lock"},
    {0x04, "Compose"},
    {0x05, "Kana"},
    {0x06, "Power"},
    {0x07, "Shift"},
    {0x08, "Do Not Disturb"},
    {0x09, "Mute"},
    {0x19, "Message Waiting"},
    {0x4b, "Generic Indicator"},
};

static const struct usage_name consumer[] = {
    {0x01, "Consumer Control"},
    {0x02, "Numeric Key Pad"},
    {0x03, "Programmable Buttons"},
    {0x04, "Microphone"},
    {0x05, "Headphone"},
    {0x30, "Power"},
    {0x31, "Reset"},
    {0x32, "Sleep"},
    {0x40, "Menu"},
    {0x41, "Menu Pick"},
    {0x42, "Menu Up"},
    {0x43, "Menu Down"},
    {0x44, "Menu Left"},
    {0x45, "Menu Right"},
    {0x46, "Menu Escape"},
    {0x6f, "Display Brightness Increment"},
    {0x70, "Display Brightness Decrement"},
    {0xb0, "Play"},
    {0xb1, "Pause"},
    {0xb2, "Record"},
    {0xb3, "Fast Forward"},
    {0xb4, "Rewind"},
    {0xb5, "Scan Next Track"},
    {0xb6, "Scan Previous Track"},
    {0xb7, "Stop"},
    {0xb8, "Eject"},
    {0xb9, "Random Play"},
    {0xbc, "Repeat"},
    {0xcc, "Stop/Eject"},
    {0xcd, "Play/Pause"},
    {0xe0, "Volume"},
    {0xe1, "Balance"},
    {0xe2, "Mute"},
    {0xe3, "Bass"},
    {0xe4, "Treble"},
    {0xe9, "Volume Increment"},
    {0xea, "Volume Decrement"},
    {0x183, "AL Consumer Control Configuration"},
    {0x18a, "AL Email Reader"},
    {0x192, "AL Calculator"},
    {0x194, "AL Local Machine Browser"},
    {0x196, "AL Internet Browser"},
    {0x19e, "AL Terminal Lock/Screensaver"},
    {0x221, "AC Search"},
    {0x223, "AC Home"},
    {0x224, "AC Back"},
    {0x225, "AC Forward"},
    {0x226, "AC Stop"},
    {0x227, "AC Refresh"},
    {0x22a, "AC Bookmarks"},
    {0x22d, "AC Zoom In"},
    {0x22e, "AC Zoom Out"},
    {0x22f, "AC Zoom"},
    {0x238, "AC Pan"},
};

static const struct usage_name digitizer[] = {
    {0x01, "Digitizer"},
    {0x02, "Pen"},
    {0x03, "Light Pen"},
    {0x04, "Touch Screen"},
    {0x05, "Touch Pad"},
    {0x06, "Whiteboard"},
    {0x0e, "Device Configuration"},
    {0x20, "Stylus"},
    {0x21, "Puck"},
    {0x22, "Finger"},
    {0x23, "Device Settings"},
    {0x30, "Tip Pressure"},
    {0x31, "Barrel Pressure"},
    {0x32, "In Range"},
    {0x33, "Touch"},
    {0x34, "Untouch"},
    {0x35, "Tap"},
    {0x36, "Quality"},
    {0x37, "Data Valid"},
    {0x38, "Transducer Index"},
    {0x39, "Tablet Function Keys"},
    {0x3a, "Program Change Keys"},
    {0x3b, "Battery Strength"},
    {0x3c, "Invert"},
    {0x3d, "X Tilt"},
    {0x3e, "Y Tilt"},
    {0x3f, "Azimuth"},
    {0x40, "Altitude"},
    {0x41, "Twist"},
    {0x42, "Tip Switch"},
    {0x43, "Secondary Tip Switch"},
    {0x44, "Barrel Switch"},
    {0x45, "Eraser"},
    {0x46, "Tablet Pick"},
    {0x47, "Confidence"},
    {0x48, "Width"},
    {0x49, "Height"},
    {0x51, "Contact Identifier"},
    {0x52, "Device Mode"},
    {0x53, "Device Identifier"},
    {0x54, "Contact Count"},
    {0x55, "Contact Count Maximum"},
    {0x56, "Scan Time"},
    {0x57, "Surface Switch"},
    {0x58, "Button Switch"},
    {0x59, "Pad Type"},
    {0x5a, "Secondary Barrel Switch"},
    {0x5b, "Transducer Serial Number"},
};

#define PAGE(p, n, table)                                                                          \
	{                                                                                          \
		p, n, table, ARRAY_SIZE(table)                                                     \
	}
#define PAGE_NAMEONLY(p, n)                                                                        \
	{                                                                                          \
		p, n, NULL, 0                                                                      \
	}

static const struct page pages[] = {
    PAGE(HID_PAGE_GENERIC_DESKTOP, "Generic Desktop", generic_desktop),
    PAGE(HID_PAGE_SIMULATION, "Simulation Controls", simulation),
    PAGE_NAMEONLY(0x03, "VR Controls"),
    PAGE_NAMEONLY(0x04, "Sport Controls"),
    PAGE(HID_PAGE_GAME, "Game Controls", game),
    PAGE(HID_PAGE_GENERIC_DEVICE, "Generic Device Controls", generic_device),
    PAGE_NAMEONLY(HID_PAGE_KEYBOARD, "Keyboard/Keypad"), /* names computed below */
    PAGE(HID_PAGE_LED, "LED", led),
    PAGE_NAMEONLY(HID_PAGE_BUTTON, "Button"),
    PAGE_NAMEONLY(HID_PAGE_ORDINAL, "Ordinal"),
    PAGE_NAMEONLY(HID_PAGE_TELEPHONY, "Telephony"),
    PAGE(HID_PAGE_CONSUMER, "Consumer", consumer),
    PAGE(HID_PAGE_DIGITIZER, "Digitizer", digitizer),
    PAGE_NAMEONLY(0x0e, "Haptics"),
    PAGE_NAMEONLY(HID_PAGE_PID, "Physical Input Device"),
    PAGE_NAMEONLY(HID_PAGE_UNICODE, "Unicode"),
    PAGE_NAMEONLY(0x12, "Eye and Head Trackers"),
    PAGE_NAMEONLY(0x14, "Auxiliary Display"),
    PAGE_NAMEONLY(0x20, "Sensors"),
    PAGE_NAMEONLY(0x40, "Medical Instrument"),
    PAGE_NAMEONLY(0x41, "Braille Display"),
    PAGE_NAMEONLY(0x59, "Lighting and Illumination"),
    PAGE_NAMEONLY(0x80, "Monitor"),
    PAGE_NAMEONLY(0x81, "Monitor Enumerated"),
    PAGE_NAMEONLY(0x82, "VESA Virtual Controls"),
    PAGE_NAMEONLY(0x84, "Power"),
    PAGE_NAMEONLY(HID_PAGE_BATTERY, "Battery System"),
    PAGE_NAMEONLY(0x8c, "Barcode Scanner"),
    PAGE_NAMEONLY(0x8d, "Scales"),
    PAGE_NAMEONLY(0x8e, "Magnetic Stripe Reader"),
    PAGE_NAMEONLY(0x90, "Camera Control"),
    PAGE_NAMEONLY(0x91, "Arcade"),
    PAGE_NAMEONLY(0xf1d0, "FIDO Alliance"),
};

/* Keyboard page 0x2d..0x38: the punctuation keys, "Keyboard - and _" etc. */
static const char *const keyboard_punct[] = {
    "- and _", "= and +",  "[ and {",
    "] and }", "\\ and |", "Non-US # and ~",
    "; and :", "' and \"", "Grave Accent and Tilde",
    ", and <", ". and >",  "/ and ?",
};

static const struct usage_name keyboard_misc[] = {
    {0x01, "ErrorRollOver"},
    {0x02, "POSTFail"},
    {0x03, "ErrorUndefined"},
    {0x28, "Return"},
    {0x29, "Escape"},
    {0x2a, "Backspace"},
    {0x2b, "Tab"},
    {0x2c, "Spacebar"},
    {0x39, "Caps Lock"},
    {0x46, "PrintScreen"},
    {0x47, "Scroll Lock"},
    {0x48, "Pause"},
    {0x49, "Insert"},
    {0x4a, "Home"},
    {0x4b, "PageUp"},
    {0x4c, "Delete Forward"},
    {0x4d, "End"},
    {0x4e, "PageDown"},
    {0x4f, "RightArrow"},
    {0x50, "LeftArrow"},
    {0x51, "DownArrow"},
    {0x52, "UpArrow"},
    {0x53, "Keypad Num Lock"},
    {0x54, "Keypad /"},
    {0x55, "Keypad *"},
    {0x56, "Keypad -"},
    {0x57, "Keypad +"},
    {0x58, "Keypad Enter"},
    {0x62, "Keypad 0"},
    {0x63, "Keypad ."},
    {0x64, "Non-US \\ and |"},
    {0x65, "Application"},
    {0x66, "Power"},
    {0x67, "Keypad ="},
    {0x74, "Execute"},
    {0x75, "Help"},
    {0x76, "Menu"},
    {0x77, "Select"},
    {0x78, "Stop"},
    {0x79, "Again"},
    {0x7a, "Undo"},
    {0x7b, "Cut"},
    {0x7c, "Copy"},
    {0x7d, "Paste"},
    {0x7e, "Find"},
    {0x7f, "Mute"},
    {0x80, "Volume Up"},
    {0x81, "Volume Down"},
    {0x85, "Keypad Comma"},
    {0xe0, "LeftControl"},
    {0xe1, "LeftShift"},
    {0xe2, "LeftAlt"},
    {0xe3, "Left GUI"},
    {0xe4, "RightControl"},
    {0xe5, "RightShift"},
    {0xe6, "RightAlt"},
    {0xe7, "Right GUI"},
};

static const char *find_name(const struct usage_name *table, size_t n, uint16_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (table[mid].id == id)
			return table[mid].name;
		if (table[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct page *find_page(uint16_t page)
{
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i].page == page)
			return &pages[i];
	return NULL;
}

const char *hid_usage_page_name(uint16_t page)
{
	const struct page *p = find_page(page);

	if (p)
		return p->name;
	if (page >= HID_PAGE_VENDOR_FIRST)
		return "Vendor Defined";
	return NULL;
}

/* Keyboard/Keypad page names, "Keyboard a and A" style as in the HUT. */
static void keyboard_name(uint16_t id, char *buf, size_t size)
{
	const char *name;

	if (id >= 0x04 && id <= 0x1d)
		snprintf(buf, size, "Keyboard %c and %c", 'a' + (id - 0x04), 'A' + (id - 0x04));
	else if (id >= 0x1e && id <= 0x27)
		snprintf(buf, size, "Keyboard %c and %c", "1234567890"[id - 0x1e],
		         "!@#$%^&*()"[id - 0x1e]);
	else if (id >= 0x2d && id <= 0x38)
		snprintf(buf, size, "Keyboard %s", keyboard_punct[id - 0x2d]);
	else if (id >= 0x3a && id <= 0x45)
		snprintf(buf, size, "Keyboard F%u", id - 0x3a + 1);
	else if (id >= 0x59 && id <= 0x61)
		snprintf(buf, size, "Keypad %u", id - 0x59 + 1);
	else if (id >= 0x68 && id <= 0x73)
		snprintf(buf, size, "Keyboard F%u", id - 0x68 + 13);
	else if (id >= 0x87 && id <= 0x8f)
		snprintf(buf, size, "Keyboard International%u", id - 0x87 + 1);
	else if (id >= 0x90 && id <= 0x98)
		snprintf(buf, size, "Keyboard LANG%u", id - 0x90 + 1);
	else if ((name = find_name(keyboard_misc, ARRAY_SIZE(keyboard_misc), id)))
		snprintf(buf, size, "%s%s", startswith(name, "Keypad") ? "" : "Keyboard ", name);
	else
		snprintf(buf, size, "Keyboard 0x%02X", id);
}

const char *hid_usage_name(uint32_t usage, char *buf, size_t size)
{
	uint16_t page = HID_USAGE_PAGE(usage);
	uint16_t id = HID_USAGE_ID(usage);
	const struct page *p;
	const char *name;

	if (!buf || size == 0)
		return buf;

	switch (page) {
	case HID_PAGE_KEYBOARD:
		keyboard_name(id, buf, size);
		return buf;
	case HID_PAGE_BUTTON:
		if (id == 0)
			snprintf(buf, size, "No Button");
		else
			snprintf(buf, size, "Button %u", id);
		return buf;
	case HID_PAGE_ORDINAL:
		snprintf(buf, size, "Instance %u", id);
		return buf;
	case HID_PAGE_UNICODE:
		snprintf(buf, size, "U+%04X", id);
		return buf;
	default:
		break;
	}

	if (page >= HID_PAGE_VENDOR_FIRST) {
		snprintf(buf, size, "Vendor 0x%04X:0x%04X", page, id);
		return buf;
	}

	p = find_page(page);
	if (!p) {
		snprintf(buf, size, "0x%04X:0x%04X", page, id);
		return buf;
	}
	name = p->usages ? find_name(p->usages, p->nusages, id) : NULL;
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s 0x%04X", p->name, id);
	return buf;
}
