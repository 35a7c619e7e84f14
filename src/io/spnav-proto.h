/* SPDX-License-Identifier: MIT */
/*
 * spacenavd's client protocol on its AF_UNIX socket, as spacenavd 1.1
 * speaks it (FreeSpacenav/spacenavd src/proto.h, src/proto_unix.c) and
 * libspnav 1.0 expects it (src/spnav.c): the codec only, no I/O.
 *
 * Every message is made of 32-bit integers in the host's byte order (both
 * ends live on one machine).  The daemon sends events of 8 integers:
 *   MOTION   type, x, y, z, rx, ry, rz, period (ms since the last motion)
 *   PRESS / RELEASE   type, button number, 1 / 0, 0...
 *   DEV      type, op (0 added, 1 removed), device id, device type, vid, pid
 *   RAWAXIS  type, axis, value;  RAWBUTTON  type, button, pressed
 * A client starts in protocol 0, where each 4 bytes it sends are a float,
 * its sensitivity, unless they are REQ_TAG | REQ_CHANGE_PROTO | version:
 * then the daemon answers with the same word for the version it takes
 * (at most 1) and the client speaks protocol 1 from there on: requests of
 * 8 integers (type, data[7]) each answered by one of the same shape,
 * data[6] the status (0 ok, -1 refused); strings travel in chunks of 24
 * bytes in data[0..5] with the remaining length in data[6] (bit 16 set on
 * every chunk but the first).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HM_SPNAV_MSG_INTS  8
#define HM_SPNAV_MSG_BYTES (HM_SPNAV_MSG_INTS * 4)
#define HM_SPNAV_MAX_PROTO 1

enum hm_spnav_event_type {
	HM_SPNAV_EV_MOTION = 0,
	HM_SPNAV_EV_PRESS,
	HM_SPNAV_EV_RELEASE,
	HM_SPNAV_EV_DEV,
	HM_SPNAV_EV_CFG,
	HM_SPNAV_EV_RAWAXIS,
	HM_SPNAV_EV_RAWBUTTON,
};

/* The per-client event mask (libspnav's SPNAV_EVMASK_*). */
enum {
	HM_SPNAV_EVMASK_MOTION = 0x01,
	HM_SPNAV_EVMASK_BUTTON = 0x02,
	HM_SPNAV_EVMASK_DEV = 0x04,
	HM_SPNAV_EVMASK_CFG = 0x08,
	HM_SPNAV_EVMASK_RAWAXIS = 0x10,
	HM_SPNAV_EVMASK_RAWBUTTON = 0x20,
};

#define HM_SPNAV_REQ_TAG          0x7faa0000
#define HM_SPNAV_REQ_CHANGE_PROTO 0x5500

/* Requests (proto.h); the low 16 bits of the type word. */
enum hm_spnav_req {
	HM_SPNAV_REQ_SET_NAME = 0x1000,
	HM_SPNAV_REQ_SET_SENS,
	HM_SPNAV_REQ_GET_SENS,
	HM_SPNAV_REQ_SET_EVMASK,
	HM_SPNAV_REQ_GET_EVMASK,

	HM_SPNAV_REQ_DEV_NAME = 0x2000,
	HM_SPNAV_REQ_DEV_PATH,
	HM_SPNAV_REQ_DEV_NAXES,
	HM_SPNAV_REQ_DEV_NBUTTONS,
	HM_SPNAV_REQ_DEV_USBID,
	HM_SPNAV_REQ_DEV_TYPE,

	HM_SPNAV_REQ_SCFG_SENS = 0x3000,
	HM_SPNAV_REQ_GCFG_SENS,
	HM_SPNAV_REQ_SCFG_SENS_AXIS,
	HM_SPNAV_REQ_GCFG_SENS_AXIS,
	HM_SPNAV_REQ_SCFG_DEADZONE,
	HM_SPNAV_REQ_GCFG_DEADZONE,
	HM_SPNAV_REQ_SCFG_INVERT,
	HM_SPNAV_REQ_GCFG_INVERT,
	HM_SPNAV_REQ_SCFG_AXISMAP,
	HM_SPNAV_REQ_GCFG_AXISMAP,
	HM_SPNAV_REQ_SCFG_BNMAP,
	HM_SPNAV_REQ_GCFG_BNMAP,
	HM_SPNAV_REQ_SCFG_BNACTION,
	HM_SPNAV_REQ_GCFG_BNACTION,
	HM_SPNAV_REQ_SCFG_KBMAP,
	HM_SPNAV_REQ_GCFG_KBMAP,
	HM_SPNAV_REQ_SCFG_SWAPYZ,
	HM_SPNAV_REQ_GCFG_SWAPYZ,
	HM_SPNAV_REQ_SCFG_LED,
	HM_SPNAV_REQ_GCFG_LED,
	HM_SPNAV_REQ_SCFG_GRAB,
	HM_SPNAV_REQ_GCFG_GRAB,
	HM_SPNAV_REQ_SCFG_SERDEV,
	HM_SPNAV_REQ_GCFG_SERDEV,

	HM_SPNAV_REQ_CFG_SAVE = 0x3ffe,
	HM_SPNAV_REQ_CFG_RESTORE,
	HM_SPNAV_REQ_CFG_RESET,
};

#define HM_SPNAV_STR_CHUNK    24
#define HM_SPNAV_STR_CONT_BIT 0x10000
/* The longest client name the reader assembles (longer ones are refused). */
#define HM_SPNAV_MAX_NAME 256

/* What the reader found in the client's bytes. */
enum hm_spnav_msg_kind {
	/* protocol 0: the client's sensitivity (value.sens, finite) */
	HM_SPNAV_MSG_SENS_V0,
	/* protocol 0: a protocol change to value.version (the reader has
	 * switched already, to min(version, HM_SPNAV_MAX_PROTO)); answer with
	 * hm_spnav_encode_proto_answer() */
	HM_SPNAV_MSG_CHANGE_PROTO,
	/* protocol 1: a request (type, data[7]) */
	HM_SPNAV_MSG_REQUEST,
};

struct hm_spnav_msg {
	enum hm_spnav_msg_kind kind;
	union {
		float sens;
		int version;
		struct {
			int32_t type;
			int32_t data[7];
		} req;
	} value;
};

struct hm_spnav_reader {
	int proto; /* 0 or 1 */
	uint8_t buf[HM_SPNAV_MSG_BYTES];
	size_t have;
	/* a string in transit (SET_NAME) */
	char str[HM_SPNAV_MAX_NAME + 1];
	size_t str_len, str_expect;
	bool str_active;
};

void hm_spnav_reader_init(struct hm_spnav_reader *r);

/*
 * Feeds size bytes the client sent; calls fn for every whole message, in
 * order.  Returns 0, or -EBADMSG when the bytes make no sense (a protocol 0
 * word that is neither a finite float nor a protocol change: the client is
 * to be dropped; messages before it were delivered), or fn's negative
 * return (feeding stops there).
 */
typedef int (*hm_spnav_msg_fn)(const struct hm_spnav_msg *msg, void *userdata);
int hm_spnav_reader_feed(struct hm_spnav_reader *r, const uint8_t *data, size_t size,
                         hm_spnav_msg_fn fn, void *userdata);

/*
 * A SET_NAME chunk (protocol 1, data[6] the remaining length, bit 16 on
 * continuations) into the reader's string.  Returns 1 when the string is
 * complete (r->str, NUL-terminated), 0 when more chunks are to come,
 * -EBADMSG for a chunk out of sequence or a string over HM_SPNAV_MAX_NAME.
 */
int hm_spnav_reader_string(struct hm_spnav_reader *r, const int32_t data[7]);

/* Encoders: out is one message of 8 integers (HM_SPNAV_MSG_BYTES). */
void hm_spnav_encode_motion(int32_t out[HM_SPNAV_MSG_INTS], const int32_t axes[6],
                            int32_t period_ms);
void hm_spnav_encode_button(int32_t out[HM_SPNAV_MSG_INTS], int32_t bnum, bool pressed);
void hm_spnav_encode_raw(int32_t out[HM_SPNAV_MSG_INTS], enum hm_spnav_event_type type,
                         int32_t index, int32_t value);
void hm_spnav_encode_dev(int32_t out[HM_SPNAV_MSG_INTS], bool removed, int32_t id, int32_t devtype,
                         int32_t vendor, int32_t product);
/* The 4-byte answer to a protocol change. */
int32_t hm_spnav_encode_proto_answer(int version);
/*
 * A string answer (DEV_NAME, DEV_PATH) as chunks: writes up to max
 * messages to out (each HM_SPNAV_MSG_INTS integers) and returns how many
 * (at least 1: an empty string is one chunk of length 0).
 */
size_t hm_spnav_encode_string(int32_t (*out)[HM_SPNAV_MSG_INTS], size_t max, int32_t type,
                              const char *s);
