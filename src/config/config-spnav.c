/* SPDX-License-Identifier: MIT */
/* The spnav-* keys of a [device] section (config-spnav.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-spnav.h"
#include "util-strings.h"

static const char *const axis_names[HM_SPNAV_AXES] = {"tx", "ty", "tz", "rx", "ry", "rz"};

static int axis_by_name(const char *s, size_t len)
{
	for (int i = 0; i < HM_SPNAV_AXES; i++)
		if (strlen(axis_names[i]) == len && !strncmp(s, axis_names[i], len))
			return i;
	return -1;
}

/* Splits value at blanks into at most max words; returns the count, or
 * max + 1 when there are more. */
static size_t split(const char *value, const char *words[], size_t lens[], size_t max)
{
	size_t n = 0;

	while (*value) {
		size_t len;

		value += strspn(value, " \t");
		if (!*value)
			break;
		len = strcspn(value, " \t");
		if (n == max)
			return max + 1;
		words[n] = value;
		lens[n] = len;
		n++;
		value += len;
	}
	return n;
}

static int parse_float(const char *s, size_t len, float *ret)
{
	char buf[32], *end;
	double d;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	d = strtod(buf, &end);
	if (errno || *end || !isfinite(d) || d < -1000.0 || d > 1000.0)
		return -EINVAL;
	*ret = (float)d;
	return 0;
}

static int parse_int(const char *s, size_t len, int *ret)
{
	char buf[16];

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return safe_atoi(buf, ret);
}

int hm_config_spnav_parse(struct hm_config_spnav *s, const char *key, const char *value, char *err,
                          size_t errsize)
{
	const char *w[HM_SPNAV_AXES];
	size_t len[HM_SPNAV_AXES], n;
	unsigned bit;

	if (!s->set)
		hm_spnav_settings_default(&s->settings);
	if (streq(key, "spnav-sensitivity"))
		bit = HM_CONFIG_SPNAV_SENS;
	else if (streq(key, "spnav-sensitivity-axes"))
		bit = HM_CONFIG_SPNAV_SENS_AXES;
	else if (streq(key, "spnav-deadzone"))
		bit = HM_CONFIG_SPNAV_DEADZONE;
	else if (streq(key, "spnav-invert"))
		bit = HM_CONFIG_SPNAV_INVERT;
	else if (streq(key, "spnav-swap-yz"))
		bit = HM_CONFIG_SPNAV_SWAP_YZ;
	else if (streq(key, "spnav-axis-map"))
		bit = HM_CONFIG_SPNAV_AXIS_MAP;
	else if (streq(key, "spnav-spacenavd"))
		bit = HM_CONFIG_SPNAV_SPACENAVD;
	else {
		snprintf(err, errsize,
		         "unknown key '%s' (spnav-sensitivity, spnav-sensitivity-axes, "
		         "spnav-deadzone, spnav-invert, spnav-swap-yz, spnav-axis-map, "
		         "spnav-spacenavd)",
		         key);
		return -ENOENT;
	}
	if (s->set & bit) {
		snprintf(err, errsize, "duplicate key '%s'", key);
		return -EEXIST;
	}

	n = split(value, w, len, HM_SPNAV_AXES);
	switch (bit) {
	case HM_CONFIG_SPNAV_SENS:
		if (n != 1 || parse_float(w[0], len[0], &s->settings.sensitivity) < 0)
			goto bad_number;
		break;
	case HM_CONFIG_SPNAV_SENS_AXES:
		if (n != HM_SPNAV_AXES)
			goto bad_six;
		for (size_t i = 0; i < n; i++)
			if (parse_float(w[i], len[i], &s->settings.axis_sens[i]) < 0)
				goto bad_number;
		break;
	case HM_CONFIG_SPNAV_DEADZONE:
		if (n != 1 && n != HM_SPNAV_AXES)
			goto bad_six;
		for (size_t i = 0; i < HM_SPNAV_AXES; i++) {
			size_t k = n == 1 ? 0 : i;
			int v;

			if (parse_int(w[k], len[k], &v) < 0 || v < 0 || v > 500) {
				snprintf(err, errsize,
				         "'%s': expected one or six dead zones 0..500", value);
				return -EINVAL;
			}
			s->settings.deadzone[i] = v;
		}
		break;
	case HM_CONFIG_SPNAV_INVERT:
		for (size_t i = 0; i < HM_SPNAV_AXES; i++)
			s->settings.invert[i] = false;
		if (n == 1 && len[0] == 4 && !strncmp(w[0], "none", 4))
			break;
		if (n > HM_SPNAV_AXES || n == 0)
			goto bad_axis;
		for (size_t i = 0; i < n; i++) {
			int a = axis_by_name(w[i], len[i]);

			if (a < 0)
				goto bad_axis;
			s->settings.invert[a] = true;
		}
		break;
	case HM_CONFIG_SPNAV_SWAP_YZ:
		if (parse_boolean(value, &s->settings.swap_yz) < 0) {
			snprintf(err, errsize, "'%s': expected true or false", value);
			return -EINVAL;
		}
		break;
	case HM_CONFIG_SPNAV_AXIS_MAP:
		if (n != HM_SPNAV_AXES)
			goto bad_six;
		for (size_t i = 0; i < n; i++) {
			int a = len[i] == 4 && !strncmp(w[i], "none", 4)
			            ? -1
			            : axis_by_name(w[i], len[i]);

			if (a < 0 && !(len[i] == 4 && !strncmp(w[i], "none", 4)))
				goto bad_axis;
			s->settings.axis_map[i] = a;
		}
		break;
	case HM_CONFIG_SPNAV_SPACENAVD:
		if (streq(value, "take"))
			s->take_from_spacenavd = true;
		else if (streq(value, "yield"))
			s->take_from_spacenavd = false;
		else {
			snprintf(err, errsize, "'%s': expected yield or take", value);
			return -EINVAL;
		}
		break;
	}
	s->set |= bit;
	return 0;

bad_number:
	snprintf(err, errsize, "'%s': expected a number (-1000..1000)%s", value,
	         bit == HM_CONFIG_SPNAV_SENS_AXES ? " for each of tx ty tz rx ry rz" : "");
	return -EINVAL;
bad_six:
	snprintf(err, errsize, "'%s': expected six values, for tx ty tz rx ry rz", value);
	return -EINVAL;
bad_axis:
	snprintf(err, errsize, "'%s': expected axis names: tx ty tz rx ry rz%s", value,
	         bit == HM_CONFIG_SPNAV_INVERT ? " (or none)" : ", or none");
	return -EINVAL;
}

void hm_config_spnav_settings(const struct hm_config_spnav *s, struct hm_spnav_settings *ret)
{
	hm_spnav_settings_default(ret);
	if (!s || !s->set)
		return;
	if (s->set & HM_CONFIG_SPNAV_SENS)
		ret->sensitivity = s->settings.sensitivity;
	if (s->set & HM_CONFIG_SPNAV_SENS_AXES)
		memcpy(ret->axis_sens, s->settings.axis_sens, sizeof(ret->axis_sens));
	if (s->set & HM_CONFIG_SPNAV_DEADZONE)
		memcpy(ret->deadzone, s->settings.deadzone, sizeof(ret->deadzone));
	if (s->set & HM_CONFIG_SPNAV_INVERT)
		memcpy(ret->invert, s->settings.invert, sizeof(ret->invert));
	if (s->set & HM_CONFIG_SPNAV_SWAP_YZ)
		ret->swap_yz = s->settings.swap_yz;
	if (s->set & HM_CONFIG_SPNAV_AXIS_MAP)
		memcpy(ret->axis_map, s->settings.axis_map, sizeof(ret->axis_map));
}
