/* SPDX-License-Identifier: MIT */
/*
 * What can be asked of a HID device besides reading its input reports:
 * the four request types of the HID class (an output report, SET_REPORT
 * and GET_REPORT on a feature report, GET_REPORT on an input report).
 * The transport (request-queue.c, hid-reader.c) carries them out; the
 * module interface (module.h, hm_device_request()) asks for them.
 */
#pragma once

enum hm_request_type {
	HM_REQUEST_OUTPUT,      /* an output report */
	HM_REQUEST_SET_FEATURE, /* SET_REPORT Feature */
	HM_REQUEST_GET_FEATURE, /* GET_REPORT Feature */
	HM_REQUEST_GET_INPUT,   /* GET_REPORT Input: the current input state */
};
