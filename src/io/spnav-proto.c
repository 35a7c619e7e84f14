/* SPDX-License-Identifier: MIT */
/* spacenavd's client protocol: the codec (spnav-proto.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "spnav-proto.h"

void hm_spnav_reader_init(struct hm_spnav_reader *r)
{
	memset(r, 0, sizeof(*r));
}

static int32_t get_i32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v)); /* host order, as the client wrote it */
	return v;
}

int hm_spnav_reader_feed(struct hm_spnav_reader *r, const uint8_t *data, size_t size,
                         hm_spnav_msg_fn fn, void *userdata)
{
	while (size > 0) {
		size_t want = r->proto == 0 ? 4 : HM_SPNAV_MSG_BYTES;
		size_t n = want - r->have;
		struct hm_spnav_msg m;
		int ret;

		if (n > size)
			n = size;
		memcpy(r->buf + r->have, data, n);
		r->have += n;
		data += n;
		size -= n;
		if (r->have < want)
			break;
		r->have = 0;

		if (r->proto == 0) {
			int32_t w = get_i32(r->buf);

			if (((uint32_t)w & 0xffffff00u) ==
			    (HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO)) {
				int v = w & 0xff;

				r->proto = v > HM_SPNAV_MAX_PROTO ? HM_SPNAV_MAX_PROTO : v;
				m.kind = HM_SPNAV_MSG_CHANGE_PROTO;
				m.value.version = r->proto;
			} else {
				float f;

				memcpy(&f, r->buf, sizeof(f));
				if (!isfinite(f))
					return -EBADMSG;
				m.kind = HM_SPNAV_MSG_SENS_V0;
				m.value.sens = f;
			}
		} else {
			m.kind = HM_SPNAV_MSG_REQUEST;
			m.value.req.type = get_i32(r->buf);
			for (unsigned i = 0; i < 7; i++)
				m.value.req.data[i] = get_i32(r->buf + 4 * (i + 1));
		}
		ret = fn(&m, userdata);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int hm_spnav_reader_string(struct hm_spnav_reader *r, const int32_t data[7])
{
	int32_t rem = data[6];
	bool first = !(rem & HM_SPNAV_STR_CONT_BIT);
	size_t len = (size_t)(rem & 0xffff), n;

	if (rem < 0)
		return -EBADMSG;
	if (first) {
		if (len > HM_SPNAV_MAX_NAME) {
			r->str_active = false;
			return -EBADMSG;
		}
		r->str_active = true;
		r->str_len = 0;
		r->str_expect = len;
	} else if (!r->str_active || len != r->str_expect) {
		r->str_active = false;
		return -EBADMSG;
	}
	n = len < HM_SPNAV_STR_CHUNK ? len : HM_SPNAV_STR_CHUNK;
	if (r->str_len + n > HM_SPNAV_MAX_NAME) {
		r->str_active = false;
		return -EBADMSG;
	}
	memcpy(r->str + r->str_len, data, n);
	r->str_len += n;
	r->str_expect -= n;
	if (r->str_expect > 0)
		return 0;
	r->str[r->str_len] = '\0';
	r->str_active = false;
	return 1;
}

void hm_spnav_encode_motion(int32_t out[HM_SPNAV_MSG_INTS], const int32_t axes[6],
                            int32_t period_ms)
{
	out[0] = HM_SPNAV_EV_MOTION;
	memcpy(out + 1, axes, 6 * sizeof(*axes));
	out[7] = period_ms;
}

void hm_spnav_encode_button(int32_t out[HM_SPNAV_MSG_INTS], int32_t bnum, bool pressed)
{
	memset(out, 0, HM_SPNAV_MSG_BYTES);
	out[0] = pressed ? HM_SPNAV_EV_PRESS : HM_SPNAV_EV_RELEASE;
	out[1] = bnum;
	out[2] = pressed;
}

void hm_spnav_encode_raw(int32_t out[HM_SPNAV_MSG_INTS], enum hm_spnav_event_type type,
                         int32_t index, int32_t value)
{
	memset(out, 0, HM_SPNAV_MSG_BYTES);
	out[0] = type;
	out[1] = index;
	out[2] = value;
}

void hm_spnav_encode_dev(int32_t out[HM_SPNAV_MSG_INTS], bool removed, int32_t id, int32_t devtype,
                         int32_t vendor, int32_t product)
{
	memset(out, 0, HM_SPNAV_MSG_BYTES);
	out[0] = HM_SPNAV_EV_DEV;
	out[1] = removed;
	out[2] = id;
	out[3] = devtype;
	out[4] = vendor;
	out[5] = product;
}

int32_t hm_spnav_encode_proto_answer(int version)
{
	return (int32_t)(HM_SPNAV_REQ_TAG | HM_SPNAV_REQ_CHANGE_PROTO | (version & 0xff));
}

size_t hm_spnav_encode_string(int32_t (*out)[HM_SPNAV_MSG_INTS], size_t max, int32_t type,
                              const char *s)
{
	size_t len = s ? strlen(s) : 0, k = 0;

	if (len > 0xffff)
		len = 0xffff;
	do {
		size_t n = len < HM_SPNAV_STR_CHUNK ? len : HM_SPNAV_STR_CHUNK;

		if (k == max)
			break;
		memset(out[k], 0, HM_SPNAV_MSG_BYTES);
		out[k][0] = type;
		memcpy(&out[k][1], s, n);
		out[k][7] = (int32_t)len | (k ? HM_SPNAV_STR_CONT_BIT : 0);
		s += n;
		len -= n;
		k++;
	} while (len > 0);
	return k;
}
