/* SPDX-License-Identifier: MIT */
/*
 * HID usage pages and usages, defined once for the whole tree (HID Usage
 * Tables 1.4), named as the kernel's include/linux/hid.h: HID_UP_* is a
 * page shifted into a 32-bit usage (page << 16), HID_GD_*, HID_DG_*... are
 * full usages (page << 16 | id).  HID_PAGE_* are the bare 16-bit page
 * numbers, as a descriptor's Usage Page item and HID_USAGE_PAGE() give
 * them.
 */
#pragma once

#define HID_USAGE_PAGE_MASK 0xffff0000u
#define HID_USAGE_ID_MASK   0x0000ffffu

/* The page and the id of a 32-bit usage */
#define HID_USAGE_PAGE(u) ((uint16_t)((u) >> 16))
#define HID_USAGE_ID(u)   ((uint16_t)((u)&0xffff))

/* Usage pages (16-bit) */
#define HID_PAGE_GENERIC_DESKTOP 0x01u
#define HID_PAGE_SIMULATION      0x02u
#define HID_PAGE_GAME            0x05u
#define HID_PAGE_GENERIC_DEVICE  0x06u
#define HID_PAGE_KEYBOARD        0x07u
#define HID_PAGE_LED             0x08u
#define HID_PAGE_BUTTON          0x09u
#define HID_PAGE_ORDINAL         0x0au
#define HID_PAGE_TELEPHONY       0x0bu
#define HID_PAGE_CONSUMER        0x0cu
#define HID_PAGE_DIGITIZER       0x0du
#define HID_PAGE_PID             0x0fu
#define HID_PAGE_UNICODE         0x10u
#define HID_PAGE_BATTERY         0x85u
#define HID_PAGE_VENDOR_FIRST    0xff00u /* 0xff00..0xffff: vendor-defined */

/* Usage pages as the high half of a usage (the kernel's HID_UP_*) */
#define HID_UP_UNDEFINED   0x00000000u
#define HID_UP_GENDESK     (HID_PAGE_GENERIC_DESKTOP << 16)
#define HID_UP_SIMULATION  (HID_PAGE_SIMULATION << 16)
#define HID_UP_GENDEVCTRLS (HID_PAGE_GENERIC_DEVICE << 16)
#define HID_UP_KEYBOARD    (HID_PAGE_KEYBOARD << 16)
#define HID_UP_LED         (HID_PAGE_LED << 16)
#define HID_UP_BUTTON      (HID_PAGE_BUTTON << 16)
#define HID_UP_TELEPHONY   (HID_PAGE_TELEPHONY << 16)
#define HID_UP_CONSUMER    (HID_PAGE_CONSUMER << 16)
#define HID_UP_DIGITIZER   (HID_PAGE_DIGITIZER << 16)
#define HID_UP_PID         (HID_PAGE_PID << 16)
#define HID_UP_BATTERY     (HID_PAGE_BATTERY << 16)
#define HID_UP_CUSTOM      0x00ff0000u
#define HID_UP_MSVENDOR    0xff000000u
#define HID_UP_HPVENDOR2   0xff010000u
#define HID_UP_LOGIVENDOR2 0xff090000u
#define HID_UP_LOGIVENDOR3 0xff430000u
#define HID_UP_HPVENDOR    0xff7f0000u
#define HID_UP_LOGIVENDOR  0xffbc0000u

#define HID_GD_POINTER               0x00010001u
#define HID_GD_MOUSE                 0x00010002u
#define HID_GD_JOYSTICK              0x00010004u
#define HID_GD_GAMEPAD               0x00010005u
#define HID_GD_KEYBOARD              0x00010006u
#define HID_GD_KEYPAD                0x00010007u
#define HID_GD_MULTIAXIS             0x00010008u
#define HID_GD_WIRELESS_RADIO_CTLS   0x0001000cu
#define HID_GD_SYSTEM_MULTIAXIS      0x0001000eu
#define HID_GD_X                     0x00010030u
#define HID_GD_Y                     0x00010031u
#define HID_GD_Z                     0x00010032u
#define HID_GD_RX                    0x00010033u
#define HID_GD_RY                    0x00010034u
#define HID_GD_RZ                    0x00010035u
#define HID_GD_SLIDER                0x00010036u
#define HID_GD_DIAL                  0x00010037u
#define HID_GD_WHEEL                 0x00010038u
#define HID_GD_HATSWITCH             0x00010039u
#define HID_GD_START                 0x0001003du
#define HID_GD_SELECT                0x0001003eu
#define HID_GD_RESOLUTION_MULTIPLIER 0x00010048u
#define HID_GD_SYSTEM_CONTROL        0x00010080u
#define HID_GD_UP                    0x00010090u
#define HID_GD_DOWN                  0x00010091u
#define HID_GD_RIGHT                 0x00010092u
#define HID_GD_LEFT                  0x00010093u
#define HID_GD_RFKILL_BTN            0x000100c6u

#define HID_DC_BATTERYSTRENGTH        0x00060020u
#define HID_BAT_CHARGING              0x00850044u
#define HID_BAT_ABSOLUTESTATEOFCHARGE 0x00850065u
#define HID_KEYBOARD_ERRORROLLOVER    0x00070001u

#define HID_CP_CONSUMER_CONTROL    0x000c0001u
#define HID_CP_PROGRAMMABLEBUTTONS 0x000c0003u

#define HID_DG_DIGITIZER   0x000d0001u
#define HID_DG_PEN         0x000d0002u
#define HID_DG_TOUCHSCREEN 0x000d0004u
#define HID_DG_TOUCHPAD    0x000d0005u
#define HID_DG_WHITEBOARD  0x000d0006u
#define HID_DG_STYLUS      0x000d0020u
#define HID_DG_PUCK        0x000d0021u
#define HID_DG_FINGER      0x000d0022u
#define HID_DG_TIPPRESSURE 0x000d0030u
#define HID_DG_INRANGE     0x000d0032u
#define HID_DG_INVERT      0x000d003cu
#define HID_DG_TIPSWITCH   0x000d0042u
#define HID_DG_ERASER      0x000d0045u
#define HID_DG_CONTACTID   0x000d0051u
