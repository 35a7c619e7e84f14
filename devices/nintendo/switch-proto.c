/* SPDX-License-Identifier: MIT */
/*
 * The Switch controllers' protocol helpers (switch-proto.h): calibration,
 * scaling and the rumble encoding, as hid-nintendo computes them.
 */
#include "switch-proto.h"

/* joycon_use_default_calibration() */
#define STICK_DEFAULT_CENTER 2000
#define STICK_DEFAULT_MAX    3500
#define STICK_DEFAULT_MIN    500
/* joycon_request_imu_calibration()'s defaults */
#define IMU_DEFAULT_ACCEL_SCALE 16384
#define IMU_DEFAULT_GYRO_SCALE  13371

void nsw_stick_cal_default(struct nsw_stick_cal *x, struct nsw_stick_cal *y)
{
	x->center = y->center = STICK_DEFAULT_CENTER;
	x->max = y->max = STICK_DEFAULT_MAX;
	x->min = y->min = STICK_DEFAULT_MIN;
}

/* hid_field_extract() of 12 bits at bit 0 of p[0] or bit 4 of p[0] */
static int32_t bits12(const uint8_t *p, bool high)
{
	return high ? (p[0] >> 4 | p[1] << 4) : (p[0] | (p[1] & 0x0f) << 8);
}

bool nsw_stick_cal_parse(const uint8_t raw[NSW_SPI_STICK_SIZE], bool left, struct nsw_stick_cal *x,
                         struct nsw_stick_cal *y)
{
	int32_t x_above, x_below, y_above, y_below;
	struct nsw_stick_cal px, py;

	/* three 12-bit pairs: the left stick stores (max - centre), centre,
	 * (centre - min); the right one centre, (centre - min), (max - centre) */
	if (left) {
		x_above = bits12(raw + 0, false);
		y_above = bits12(raw + 1, true);
		px.center = bits12(raw + 3, false);
		py.center = bits12(raw + 4, true);
		x_below = bits12(raw + 6, false);
		y_below = bits12(raw + 7, true);
	} else {
		px.center = bits12(raw + 0, false);
		py.center = bits12(raw + 1, true);
		x_below = bits12(raw + 3, false);
		y_below = bits12(raw + 4, true);
		x_above = bits12(raw + 6, false);
		y_above = bits12(raw + 7, true);
	}
	px.max = px.center + x_above;
	px.min = px.center - x_below;
	py.max = py.center + y_above;
	py.min = py.center - y_below;
	if (px.min >= px.center || px.center >= px.max || py.min >= py.center ||
	    py.center >= py.max)
		return false;
	*x = px;
	*y = py;
	return true;
}

int nsw_stick_map(const struct nsw_stick_cal *cal, int raw)
{
	int32_t v;

	/* the divisors are positive: the calibration passed the plausibility
	 * check or is the default */
	if (raw > cal->center)
		v = (raw - cal->center) * NSW_STICK_MAX / (cal->max - cal->center);
	else
		v = (cal->center - raw) * -NSW_STICK_MAX / (cal->center - cal->min);
	if (v < -NSW_STICK_MAX)
		v = -NSW_STICK_MAX;
	if (v > NSW_STICK_MAX)
		v = NSW_STICK_MAX;
	return v;
}

static int imu_cal_divisors(struct nsw_imu_cal *cal)
{
	int zero = 0;

	for (int i = 0; i < 3; i++) {
		cal->accel_div[i] = cal->accel_scale[i] - cal->accel_offset[i];
		cal->gyro_div[i] = cal->gyro_scale[i] - cal->gyro_offset[i];
		if (cal->accel_div[i] == 0) {
			cal->accel_div[i] = 1;
			zero++;
		}
		if (cal->gyro_div[i] == 0) {
			cal->gyro_div[i] = 1;
			zero++;
		}
	}
	return zero;
}

void nsw_imu_cal_default(struct nsw_imu_cal *cal)
{
	for (int i = 0; i < 3; i++) {
		cal->accel_offset[i] = 0;
		cal->accel_scale[i] = IMU_DEFAULT_ACCEL_SCALE;
		cal->gyro_offset[i] = 0;
		cal->gyro_scale[i] = IMU_DEFAULT_GYRO_SCALE;
	}
	(void)imu_cal_divisors(cal);
}

int nsw_imu_cal_parse(const uint8_t raw[NSW_SPI_IMU_SIZE], struct nsw_imu_cal *cal)
{
	/* accel offset xyz, accel scale xyz, gyro offset xyz, gyro scale xyz */
	for (int i = 0; i < 3; i++) {
		cal->accel_offset[i] = (int16_t)nsw_le16(raw + 2 * i);
		cal->accel_scale[i] = (int16_t)nsw_le16(raw + 6 + 2 * i);
		cal->gyro_offset[i] = (int16_t)nsw_le16(raw + 12 + 2 * i);
		cal->gyro_scale[i] = (int16_t)nsw_le16(raw + 18 + 2 * i);
	}
	return imu_cal_divisors(cal);
}

/* the kernel's mult_frac(x, n, d): x * n / d without the overflow */
static int32_t mult_frac(int32_t x, int32_t n, int32_t d)
{
	int32_t q = x / d, r = x % d;

	return q * n + r * n / d;
}

void nsw_imu_scale(const struct nsw_imu_cal *cal, const uint8_t s[12], bool negate_yz, int out[6])
{
	for (int i = 0; i < 3; i++) {
		int16_t accel = (int16_t)nsw_le16(s + 2 * i);
		int16_t gyro = (int16_t)nsw_le16(s + 6 + 2 * i);

		/* only the gyro has its offset taken off: "In testing, doing
		 * the same for the accelerometer raw values decreased accuracy" */
		out[i] = mult_frac(NSW_GYRO_PREC * (gyro - cal->gyro_offset[i]), cal->gyro_scale[i],
		                   cal->gyro_div[i]);
		out[3 + i] = (int32_t)accel * cal->accel_scale[i] / cal->accel_div[i];
	}
	/* the right Joy-Con's IMU sits mirrored: Y and Z negated to match the
	 * left one and the Pro Controller */
	if (negate_yz) {
		out[1] = -out[1];
		out[2] = -out[2];
		out[4] = -out[4];
		out[5] = -out[5];
	}
}

int nsw_battery_percent(uint8_t bat_con)
{
	/* levels empty, low, medium, high, full (POWER_SUPPLY_CAPACITY_LEVEL_*
	 * in the kernel, which has no percentage): the middle of each fifth */
	static const int percent[5] = {5, 25, 50, 75, 100};
	unsigned level = bat_con >> 5;

	return level < 5 ? percent[level] : -1;
}

/* ---- rumble ---- */

/* joycon_rumble_frequencies[]: the frequency in Hz of each low-band code
 * k = 1..159 (the high-band code is (k - 32) * 4 from k = 33 on, stored
 * byte-swapped; past k = 127 the low band stays 0) */
static const uint16_t rumble_freq_hz[] = {
    41,  42,  43,  44,  45,   46,   47,   48,   49,   50,   51,   52,   53,   54,   55,   57,
    58,  59,  60,  62,  63,   64,   66,   67,   69,   70,   72,   73,   75,   77,   78,   80,
    82,  84,  85,  87,  89,   91,   93,   95,   97,   99,   102,  104,  106,  108,  111,  113,
    116, 118, 121, 123, 126,  129,  132,  135,  137,  141,  144,  147,  150,  153,  157,  160,
    164, 167, 171, 174, 178,  182,  186,  190,  194,  199,  203,  207,  212,  217,  221,  226,
    231, 236, 241, 247, 252,  258,  263,  269,  275,  281,  287,  293,  300,  306,  313,  320,
    327, 334, 341, 349, 357,  364,  372,  381,  389,  397,  406,  415,  424,  433,  443,  453,
    462, 473, 483, 494, 504,  515,  527,  538,  550,  562,  574,  587,  600,  613,  626,  640,
    654, 668, 683, 698, 713,  729,  745,  761,  778,  795,  812,  830,  848,  867,  886,  905,
    925, 945, 966, 987, 1009, 1031, 1053, 1076, 1100, 1124, 1149, 1174, 1199, 1226, 1253,
};
#define RUMBLE_FREQS (sizeof(rumble_freq_hz) / sizeof(rumble_freq_hz[0]))
_Static_assert(RUMBLE_FREQS == 159, "hid-nintendo's frequency table has 159 rows");

/* joycon_rumble_amplitudes[]: the amplitude (of 1003) of each code
 * a = 0..100 (high byte 2a; low word 0x40 + a/2, bit 15 for odd a) */
static const uint16_t rumble_amp[] = {
    0,   10,  12,  14,  17,  20,  24,  28,  33,  40,  47,  56,  67,  80,  95,  112,  117,
    123, 128, 134, 140, 146, 152, 159, 166, 173, 181, 189, 198, 206, 215, 225, 230,  235,
    240, 245, 251, 256, 262, 268, 273, 279, 286, 292, 298, 305, 311, 318, 325, 332,  340,
    347, 355, 362, 370, 378, 387, 395, 404, 413, 422, 431, 440, 450, 460, 470, 480,  491,
    501, 512, 524, 535, 547, 559, 571, 584, 596, 609, 623, 636, 650, 665, 679, 694,  709,
    725, 741, 757, 773, 790, 808, 825, 843, 862, 881, 900, 920, 940, 960, 981, 1003,
};
#define RUMBLE_AMPS    (sizeof(rumble_amp) / sizeof(rumble_amp[0]))
#define RUMBLE_AMP_MAX 1003
_Static_assert(RUMBLE_AMPS == 101, "hid-nintendo's amplitude table has 101 rows");

/* joycon_find_rumble_freq()/_amp(): the first row whose value is >= v
 * (the first row for v at or below it, the last row past the end) */
static size_t find_row(const uint16_t *table, size_t n, uint16_t v)
{
	size_t i = 0;

	if (v > table[0])
		for (i = 1; i < n - 1; i++)
			if (v > table[i - 1] && v <= table[i])
				break;
	return i;
}

void nsw_rumble_encode(uint8_t out[4], uint16_t freq_low, uint16_t freq_high, uint16_t amp)
{
	size_t fl = find_row(rumble_freq_hz, RUMBLE_FREQS, freq_low);
	size_t fh = find_row(rumble_freq_hz, RUMBLE_FREQS, freq_high);
	size_t a = find_row(rumble_amp, RUMBLE_AMPS, amp);
	unsigned k_low = fl + 1, k_high = fh + 1;
	unsigned code = k_high > 32 ? (k_high - 32) * 4 : 0;
	uint16_t high = (uint16_t)((code & 0xff) << 8 | code >> 8);
	uint8_t low = k_low <= 0x7f ? (uint8_t)k_low : 0;
	uint8_t amp_high = (uint8_t)(2 * a);
	uint16_t amp_low = (uint16_t)((a & 1 ? 0x8000 : 0) | (0x40 + a / 2));

	out[0] = (uint8_t)(high >> 8);
	out[1] = (uint8_t)((high & 0xff) + amp_high);
	out[2] = (uint8_t)(low + (amp_low >> 8));
	out[3] = (uint8_t)(amp_low & 0xff);
}

/* JC_RUMBLE_DFLT_LOW_FREQ, JC_RUMBLE_DFLT_HIGH_FREQ */
#define RUMBLE_DEFAULT_LOW  160
#define RUMBLE_DEFAULT_HIGH 320

void nsw_rumble_data(uint8_t out[8], uint16_t strong, uint16_t weak)
{
	/* joycon_play_effect(): the strong magnitude drives the left side,
	 * the weak one the right */
	nsw_rumble_encode(out, RUMBLE_DEFAULT_LOW, RUMBLE_DEFAULT_HIGH,
	                  (uint16_t)(strong * (uint32_t)RUMBLE_AMP_MAX / 65535));
	nsw_rumble_encode(out + 4, RUMBLE_DEFAULT_LOW, RUMBLE_DEFAULT_HIGH,
	                  (uint16_t)(weak * (uint32_t)RUMBLE_AMP_MAX / 65535));
}
