/* SPDX-License-Identifier: MIT */
/* The parsed report descriptor as text, with usage names (`hidmapd describe`). */
#pragma once

#include <stdio.h>

#include "hid-descriptor.h"

/* Human-readable dump of collections, reports and fields. */
void hid_descriptor_dump(const struct hid_descriptor *d, FILE *f);
