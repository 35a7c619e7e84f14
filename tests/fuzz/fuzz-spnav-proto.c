/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the spnav protocol reader (src/io/spnav-proto.c): what a libspnav
 * client may write to the socket, in reads of any size, through the
 * framing of both protocols and the client-name string assembly, as the
 * server (spnav-server.c) runs them.
 * Input: chunks as the socket's reads, each with a 2-byte little-endian
 * length (fuzz-common.h).
 */
#include "fuzz-common.h"
#include "spnav-proto.h"

struct ctx {
	struct hm_spnav_reader *r;
	unsigned messages;
};

static int on_message(const struct hm_spnav_msg *m, void *userdata)
{
	struct ctx *c = userdata;

	c->messages++;
	if (m->kind == HM_SPNAV_MSG_REQUEST &&
	    (m->value.req.type & 0xffff) == HM_SPNAV_REQ_SET_NAME)
		(void)hm_spnav_reader_string(c->r, m->value.req.data);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct hm_spnav_reader r;
	struct ctx c = {&r, 0};
	const uint8_t *chunk;
	size_t chunk_size;

	(void)fuzz_setup();
	hm_spnav_reader_init(&r);
	while (fuzz_next_chunk(&in, &chunk, &chunk_size))
		if (hm_spnav_reader_feed(&r, chunk, chunk_size, on_message, &c) < 0)
			break; /* the server hangs up here */
	return 0;
}
