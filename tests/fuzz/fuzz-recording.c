/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the hid-recorder file parser (hm_recording_load), then writes
 * what it parsed back out in the same format.  Input: the file's text.
 */
#include "fuzz-common.h"
#include "hid-recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = fuzz_setup();
	struct hm_recording *rec = NULL;

	if (hm_recording_load(fuzz_data_to_path(data, size), &rec) < 0)
		return 0;
	hm_recording_write_header(devnull, rec->name, rec->bus, rec->vendor, rec->product,
	                          rec->rdesc, rec->rdesc_size);
	for (size_t i = 0; i < rec->nevents; i++)
		hm_recording_write_event(devnull, rec->events[i].time_us, rec->events[i].data,
		                         rec->events[i].size);
	hm_recording_free(rec);
	return 0;
}
