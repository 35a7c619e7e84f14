/* SPDX-License-Identifier: MIT */
/*
 * Names of HID usage pages and usages (HID Usage Tables 1.4), for what
 * hidmapd prints: `describe`, `layout`, the generic module's dump.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Name of a usage page ("Generic Desktop"), NULL if unknown. */
const char *hid_usage_page_name(uint16_t page);
/* Name of a usage ("X", "Button 3", "Keyboard a and A"...), written into buf; always returns buf.
 */
const char *hid_usage_name(uint32_t usage, char *buf, size_t size);
