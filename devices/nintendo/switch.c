/* SPDX-License-Identifier: MIT */
/*
 * Nintendo Switch Pro Controller (057e:2009, USB and Bluetooth), single
 * Joy-Cons (2006 left, 2007 right, Bluetooth), each half of the charging
 * grip (200e, USB) and the Nintendo Switch Online SNES, N64 and Genesis
 * pads (2017, 2019, 201e): the devices and events of
 * today's hid-nintendo (Linux 6.12, bookworm-backports), driven without
 * blocking the loop.
 *
 * Initialisation, as joycon_init() and nintendo_hid_probe() of 6.12, each
 * step an exchange (module.h hm_device_exchange()) that waits for its
 * reply, one at a time:
 *   USB only: 80 02 (handshake; no answer: the pad is on Bluetooth behind
 *   a USB adapter, go on as over Bluetooth), 80 03 (3 Mbit/s; failure is
 *   only a warning), 80 02 (must answer), 80 04 (no timeout; never answers)
 *   02       device info (controller type, MAC): must answer
 *   10 ...   SPI reads: user stick calibration magics at 0x8010/0x801b,
 *            the left and right stick calibration (user or factory), the
 *            IMU user magic at 0x8026 and the IMU calibration (user or
 *            factory): a read that fails, or an implausible stick
 *            calibration, gives the kernel's defaults
 *   40 01    IMU on, 03 30 full report mode, 48 01 vibration on: must answer
 *   30 xx    player LEDs (the pattern of the pad's player number), 38 ...
 *            home LED off (pads with a right side): failures only warn
 * The NSO pads skip what they lack (6.12's joycon_has_joysticks/imu/
 * rumble()): the SNES and Genesis pads go from the device info to the
 * report mode and the LEDs; the N64 pad reads the stick calibration and
 * turns vibration on.
 * Timeouts and retries are the kernel's (one retry; 1 s for most, 250 ms
 * for vibration and the LEDs, 100 ms for 80 04).  A step that must answer
 * and does not fails the initialisation: the device stays `initializing`
 * until the core's limit drops it, as the kernel's probe fails.  Without a
 * transport (a replay) every step ends at once: the defaults, and the
 * nodes of the product's type.
 *
 * Input 0x21/0x30/0x31 of NSW_REPORT_SIZE bytes or more, once initialised
 * (joycon_ctlr_read_handler()): battery, buttons, sticks scaled by the
 * calibration; 0x30 carries three IMU samples for the "(IMU)" node with
 * the kernel's timestamps (the average report interval, 15 ms until 300
 * reports have been seen, split in three).
 *
 * Output: subcommands 0x01 [counter, 8 rumble bytes, id, args] and rumble
 * 0x10 [counter, 8 rumble bytes]; the counter (0..15) is shared.  After
 * initialisation no two go out within 25 ms over USB (NSW_SPACING_USB_US;
 * 6.12 keeps 20) or 60 ms over Bluetooth (as 6.12's
 * joycon_enforce_subcmd_rate()); the later
 * one waits on the module's timer).  Rumble is refreshed every 50 ms while
 * the pad says its vibrator runs, up to five times after the last
 * non-zero level, as joycon_parse_report() queues the rumble worker.
 *
 * Where this differs from 6.12, and why:
 *  - uinput cannot set uniq, so the nodes carry no MAC.
 *  - Player and home LEDs are not LED class devices: `player-leds` in the
 *    config sets the player pattern (configure).
 *  - The battery goes to `hidmapd status` as a percentage (the middle of
 *    the kernel's capacity level) and charging state.
 *  - Outputs are declared at probe, the kernel makes its nodes from the
 *    device-info reply's controller type.  Where the product ID does not
 *    say the type, the probe declares the nodes of each type the reply
 *    may give, hidden (module.h hm_device_show_output()), and the reply
 *    shows one set: the charging grip's half (200e: a left or a right
 *    Joy-Con, without SL/SR as 6.12 for the grip) and the Bluetooth 2017
 *    (the SNES pad, or the Genesis pad, which says 2017 over Bluetooth).
 *    The other products take their nodes from the ID, as the reply would
 *    (a reply that disagrees is only logged).  Without a transport (a
 *    replay) the first candidate is shown: the grip's left half, the SNES
 *    pad.  A grip that does not answer the USB handshake fails, as 6.12
 *    ("Failed charging grip handshake").
 *
 * Beyond the kernel: two Joy-Cons as one controller, and one held
 * sideways (see "Joy-Con pairs and sideways use" below).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/input.h>

#include "config.h"
#include "event-loop.h"
#include "module.h"
#include "switch-proto.h"
#include "util-log.h"

#define NSW_VERSION_PATCH    0x8000
#define NSW_RUMBLE_PERIOD_US (50 * 1000) /* JC_RUMBLE_PERIOD_MS */
#define NSW_RUMBLE_ZERO_PKTS 5           /* JC_RUMBLE_ZERO_AMP_PKT_CNT */
#define NSW_SPACING_USB_US   (25 * 1000)
#define NSW_SPACING_BT_US    (60 * 1000) /* JC_SUBCMD_RATE_LIMITER_BT_MS */
#define NSW_TIMER_US         (5 * 1000)
#define NSW_INIT_LIMIT_US    (30 * 1000 * 1000)
#define NSW_HZ               (1000 * 1000)

enum nsw_step {
	STEP_USB_HANDSHAKE,
	STEP_USB_BAUD,
	STEP_USB_HANDSHAKE2,
	STEP_USB_NO_TIMEOUT,
	STEP_INFO,
	STEP_MAGIC_LEFT,
	STEP_MAGIC_RIGHT,
	STEP_CAL_LEFT,
	STEP_CAL_RIGHT,
	STEP_IMU_MAGIC,
	STEP_IMU_CAL,
	STEP_IMU_ON,
	STEP_REPORT_MODE,
	STEP_RUMBLE_ON,
	STEP_PLAYER_LEDS,
	STEP_HOME_LED,
	STEP_DONE,
	STEP_FAILED,
};

struct nsw_button {
	uint16_t code;
	uint32_t bit;
};

/* 6.12's procon_button_mappings, left/right_joycon_button_mappings and
 * their _s_ (SL/SR) mappings */
static const struct nsw_button pro_buttons[] = {
    {BTN_EAST, NSW_BTN_A},     {BTN_SOUTH, NSW_BTN_B},       {BTN_NORTH, NSW_BTN_X},
    {BTN_WEST, NSW_BTN_Y},     {BTN_TL, NSW_BTN_L},          {BTN_TR, NSW_BTN_R},
    {BTN_TL2, NSW_BTN_ZL},     {BTN_TR2, NSW_BTN_ZR},        {BTN_SELECT, NSW_BTN_MINUS},
    {BTN_START, NSW_BTN_PLUS}, {BTN_THUMBL, NSW_BTN_LSTICK}, {BTN_THUMBR, NSW_BTN_RSTICK},
    {BTN_MODE, NSW_BTN_HOME},  {BTN_Z, NSW_BTN_CAP},         {0, 0},
};
static const struct nsw_button left_buttons[] = {
    {BTN_TL, NSW_BTN_L},           {BTN_TL2, NSW_BTN_ZL},           {BTN_SELECT, NSW_BTN_MINUS},
    {BTN_THUMBL, NSW_BTN_LSTICK},  {BTN_DPAD_UP, NSW_BTN_UP},       {BTN_DPAD_DOWN, NSW_BTN_DOWN},
    {BTN_DPAD_LEFT, NSW_BTN_LEFT}, {BTN_DPAD_RIGHT, NSW_BTN_RIGHT}, {BTN_Z, NSW_BTN_CAP},
    {BTN_TR, NSW_BTN_SL_L},        {BTN_TR2, NSW_BTN_SR_L},         {0, 0},
};
static const struct nsw_button right_buttons[] = {
    {BTN_EAST, NSW_BTN_A},     {BTN_SOUTH, NSW_BTN_B},       {BTN_NORTH, NSW_BTN_X},
    {BTN_WEST, NSW_BTN_Y},     {BTN_TR, NSW_BTN_R},          {BTN_TR2, NSW_BTN_ZR},
    {BTN_START, NSW_BTN_PLUS}, {BTN_THUMBR, NSW_BTN_RSTICK}, {BTN_MODE, NSW_BTN_HOME},
    {BTN_TL, NSW_BTN_SL_R},    {BTN_TL2, NSW_BTN_SR_R},      {0, 0},
};

/* 6.12's snescon_, gencon_ and n64con_button_mappings (BTN_A is
 * BTN_SOUTH, BTN_B BTN_EAST, BTN_X BTN_NORTH, BTN_Y BTN_WEST) */
static const struct nsw_button snes_buttons[] = {
    {BTN_EAST, NSW_BTN_A},
    {BTN_SOUTH, NSW_BTN_B},
    {BTN_NORTH, NSW_BTN_X},
    {BTN_WEST, NSW_BTN_Y},
    {BTN_TL, NSW_BTN_L},
    {BTN_TR, NSW_BTN_R},
    {BTN_TL2, NSW_BTN_ZL},
    {BTN_TR2, NSW_BTN_ZR},
    {BTN_SELECT, NSW_BTN_MINUS},
    {BTN_START, NSW_BTN_PLUS},
    {0, 0},
};
/* 6.12's Genesis map, as its hid-nintendo was seen to emit it in the VM
 * (tests/data/kernel/switch/gen-usb.txt): A, B, C as BTN_SOUTH, BTN_EAST,
 * BTN_WEST; no X, Y, Z of the 6-button pad yet (later kernels add them
 * and move A, B, C) */
static const struct nsw_button gen_buttons[] = {
    {BTN_SOUTH, NSW_BTN_A},   /* A */
    {BTN_EAST, NSW_BTN_B},    /* B */
    {BTN_WEST, NSW_BTN_R},    /* C */
    {BTN_SELECT, NSW_BTN_ZR}, /* Mode */
    {BTN_START, NSW_BTN_PLUS}, {BTN_MODE, NSW_BTN_HOME}, {BTN_Z, NSW_BTN_CAP}, {0, 0},
};
/*
 * A Joy-Con held sideways alone (SL+SR held on it), rail up, its stick on
 * the left: the buttons by where they now are, named as the Pro
 * Controller's (A east, B south, X north, Y west), SL and SR as the
 * shoulders, its - or + as Start.  The left one turns a quarter
 * anticlockwise (its d-pad on the right: down east, left south, right
 * north, up west), the right one a quarter clockwise (X east, A south, Y
 * north, B west).
 */
static const struct nsw_button left_side_buttons[] = {
    {BTN_EAST, NSW_BTN_DOWN},   {BTN_SOUTH, NSW_BTN_LEFT},
    {BTN_NORTH, NSW_BTN_RIGHT}, {BTN_WEST, NSW_BTN_UP},
    {BTN_TL, NSW_BTN_SL_L},     {BTN_TR, NSW_BTN_SR_L},
    {BTN_START, NSW_BTN_MINUS}, {BTN_THUMBL, NSW_BTN_LSTICK},
    {BTN_Z, NSW_BTN_CAP},       {0, 0},
};
static const struct nsw_button right_side_buttons[] = {
    {BTN_EAST, NSW_BTN_X},     {BTN_SOUTH, NSW_BTN_A},
    {BTN_NORTH, NSW_BTN_Y},    {BTN_WEST, NSW_BTN_B},
    {BTN_TL, NSW_BTN_SL_R},    {BTN_TR, NSW_BTN_SR_R},
    {BTN_START, NSW_BTN_PLUS}, {BTN_THUMBL, NSW_BTN_RSTICK},
    {BTN_MODE, NSW_BTN_HOME},  {0, 0},
};

static const struct nsw_button n64_buttons[] = {
    {BTN_A, NSW_BTN_A},        {BTN_B, NSW_BTN_B},      {BTN_TL2, NSW_BTN_ZL},     /* Z */
    {BTN_TL, NSW_BTN_L},       {BTN_TR, NSW_BTN_R},     {BTN_TR2, NSW_BTN_LSTICK}, /* ZR */
    {BTN_START, NSW_BTN_PLUS}, {BTN_SELECT, NSW_BTN_Y},                            /* C up */
    {BTN_X, NSW_BTN_ZR},                                                           /* C down */
    {BTN_Y, NSW_BTN_X},                                                            /* C left */
    {BTN_C, NSW_BTN_MINUS},                                                        /* C right */
    {BTN_MODE, NSW_BTN_HOME},  {BTN_Z, NSW_BTN_CAP},    {0, 0},
};

/* joycon_player_led_patterns (6.12): bit i = LED i + 1 */
static const uint8_t nsw_player_patterns[8] = {0x1, 0x3, 0x7, 0xf, 0x9, 0x5, 0xd, 0x6};

/* driver_data of the products whose device-info reply picks the type
 * among two (struct nsw's var[]) */
#define NSW_TYPES_GRIP     0x100 /* left or right Joy-Con */
#define NSW_TYPES_SNES_GEN 0x101 /* SNES or Genesis pad (Bluetooth) */

static const struct hm_device_id nsw_ids[] = {
    {HM_DEVICE(BUS_USB, NSW_VENDOR, NSW_PRODUCT_PROCON), .driver_data = NSW_TYPE_PRO},
    {HM_DEVICE(BUS_BLUETOOTH, NSW_VENDOR, NSW_PRODUCT_PROCON), .driver_data = NSW_TYPE_PRO},
    {HM_DEVICE(BUS_BLUETOOTH, NSW_VENDOR, NSW_PRODUCT_JOYCONL), .driver_data = NSW_TYPE_JCL},
    {HM_DEVICE(BUS_BLUETOOTH, NSW_VENDOR, NSW_PRODUCT_JOYCONR), .driver_data = NSW_TYPE_JCR},
    {HM_DEVICE(BUS_USB, NSW_VENDOR, NSW_PRODUCT_GRIP), .driver_data = NSW_TYPES_GRIP},
    {HM_DEVICE(BUS_USB, NSW_VENDOR, NSW_PRODUCT_SNES), .driver_data = NSW_TYPE_SNES},
    {HM_DEVICE(BUS_BLUETOOTH, NSW_VENDOR, NSW_PRODUCT_SNES), .driver_data = NSW_TYPES_SNES_GEN},
    {HM_DEVICE(BUS_USB, NSW_VENDOR, NSW_PRODUCT_N64), .driver_data = NSW_TYPE_N64},
    {HM_DEVICE(BUS_BLUETOOTH, NSW_VENDOR, NSW_PRODUCT_N64), .driver_data = NSW_TYPE_N64},
    {HM_DEVICE(BUS_USB, NSW_VENDOR, NSW_PRODUCT_GENESIS), .driver_data = NSW_TYPE_GEN},
    {HM_DEVICE(BUS_BLUETOOTH, NSW_VENDOR, NSW_PRODUCT_GENESIS), .driver_data = NSW_TYPE_GEN},
    {0},
};

enum nsw_mode {
	MODE_SINGLE,   /* as the kernel: the half's own nodes */
	MODE_PAIRED,   /* one half of a pair: the right one's combined nodes */
	MODE_SIDEWAYS, /* alone, held sideways: the half's sideways node */
};

#define NSW_PAIR_PRODUCT 0x2008 /* what the Switch calls a Joy-Con pair (joycond uses it too) */
#define NSW_PAIR_NAME    "Nintendo Switch Combined Joy-Cons"
#define NSW_MAX_HALVES   16
/* how long SL+SR, or L+R / ZL+ZR on both halves, must be held: a chord
 * pressed in a game (the kernel's SL+SR on one half are two buttons)
 * changes nothing */
#define NSW_HOLD_US (1000 * 1000)

struct nsw_variant {
	enum nsw_type type;
	int gamepad, imu; /* outputs, hidden until the reply picks them */
};

struct nsw {
	enum nsw_type type;
	bool usb;         /* on the USB bus */
	bool usb_mode;    /* the USB handshake was answered */
	bool grip;        /* a half of the charging grip */
	int gamepad, imu; /* outputs; imu -1: none */
	const struct nsw_button *buttons;
	uint32_t skip; /* button bits without a code here (SL/SR in the grip) */
	/* nvar > 0: the device-info reply picks one of these */
	struct nsw_variant var[2];
	unsigned nvar;

	/* initialisation */
	enum nsw_step step;
	uint8_t await; /* the USB command or subcommand whose reply we wait for */
	uint32_t left_addr, right_addr, imu_addr;
	struct nsw_stick_cal lx, ly, rx, ry;
	struct nsw_imu_cal imu_cal;
	uint8_t mac[6];

	/* output */
	uint8_t counter; /* packet number, 0..15 */
	uint8_t rumble[8];
	bool rumble_pending;
	unsigned rumble_zero;
	uint64_t rumble_last_us, last_send_us;
	bool exchange_busy;

	/* player LEDs */
	int player_id;
	struct hm_device_settings settings;
	int leds_sent; /* -1: never */
	bool leds_pending;

	/* Joy-Con pair and sideways use (the right half owns the pair's
	 * nodes: comb and comb_imu, hidden until paired) */
	enum nsw_mode mode;
	struct hm_device *partner; /* the other half of the pair */
	int side, comb, comb_imu;  /* outputs, -1: none */
	uint32_t btns;             /* the last report's buttons */
	int stick_x, stick_y;      /* and the stick, as the half's own node has it */
	/* held since (report time): SL+SR, and this half's L/ZL or R/ZR */
	bool side_held, side_done, pair_held;
	uint64_t side_since_us, pair_since_us;

	/* IMU timestamps (joycon_parse_imu_report()) */
	bool imu_first_seen;
	uint32_t imu_ts_us;
	uint32_t imu_last_ms;
	unsigned imu_count, imu_sum, imu_avg_ms;
};

static uint32_t player_ids;

extern const struct hm_module hm_module_switch;

/* Every Joy-Con half driven, for pairing: a half stays listed across a
 * restart (replug within the grace period), so its pair survives it. */
static struct hm_device *halves[NSW_MAX_HALVES];

static int player_id_alloc(void)
{
	for (int i = 0; i < 32; i++)
		if (!(player_ids & UINT32_C(1) << i)) {
			player_ids |= UINT32_C(1) << i;
			return i;
		}
	return 0;
}

static void player_id_free(int id)
{
	if (id >= 0 && id < 32)
		player_ids &= ~(UINT32_C(1) << id);
}

static bool has_left(const struct nsw *jc)
{
	return jc->type == NSW_TYPE_JCL || jc->type == NSW_TYPE_PRO || jc->type == NSW_TYPE_N64;
}

static bool has_right(const struct nsw *jc)
{
	return jc->type == NSW_TYPE_JCR || jc->type == NSW_TYPE_PRO;
}

/* 6.12's joycon_has_imu(), joycon_has_joysticks() (the stick
 * calibration is read), joycon_has_rumble() */
static bool has_imu(const struct nsw *jc)
{
	return jc->type == NSW_TYPE_JCL || jc->type == NSW_TYPE_JCR || jc->type == NSW_TYPE_PRO;
}

static bool has_sticks(const struct nsw *jc)
{
	return has_imu(jc) || jc->type == NSW_TYPE_N64;
}

static bool has_rumble(const struct nsw *jc)
{
	return has_sticks(jc);
}

/* a single Joy-Con (pairs, sideways); not a half of the grip */
static bool is_joycon(const struct nsw *jc)
{
	return !jc->grip && (jc->type == NSW_TYPE_JCL || jc->type == NSW_TYPE_JCR);
}

/* the d-pad as a hat (joycon_config_dpad()): all but the Joy-Cons */
static bool has_hat(const struct nsw *jc)
{
	return jc->type != NSW_TYPE_JCL && jc->type != NSW_TYPE_JCR;
}

static uint8_t next_counter(struct nsw *jc)
{
	uint8_t c = jc->counter;

	jc->counter = (uint8_t)((jc->counter + 1) & 0x0f);
	return c;
}

/* ---- exchanges ---- */

static void nsw_done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                     void *userdata);
static bool pick_variant(struct hm_device *dev, struct nsw *jc, enum nsw_type type);

static bool match_usb(const uint8_t *data, size_t size, void *userdata)
{
	const struct nsw *jc = userdata;

	return size >= 2 && data[0] == NSW_IN_USB_REPLY && data[1] == jc->await;
}

static bool match_subcmd(const uint8_t *data, size_t size, void *userdata)
{
	const struct nsw *jc = userdata;

	/* joycon_ctlr_handle_event(): a whole report, ID 0x21, the id echoed */
	return size >= NSW_REPORT_SIZE && data[0] == NSW_IN_SUBCMD_REPLY &&
	       data[NSW_OFF_REPLY_ID] == jc->await;
}

static int send_usb(struct hm_device *dev, struct nsw *jc, uint8_t cmd, uint64_t timeout_us)
{
	struct hm_exchange x = {
	    .type = HM_REQUEST_OUTPUT,
	    .data = {NSW_OUT_USB_CMD, cmd},
	    .size = 2,
	    .match_fn = match_usb,
	    .timeout_us = timeout_us,
	    .retries = 1,
	    .done = nsw_done,
	    .userdata = jc,
	};

	jc->await = cmd;
	jc->exchange_busy = true;
	return hm_device_exchange(dev, &x);
}

static int send_subcmd(struct hm_device *dev, struct nsw *jc, uint8_t id, const uint8_t *args,
                       size_t n, uint64_t timeout_us)
{
	struct hm_exchange x = {
	    .type = HM_REQUEST_OUTPUT,
	    .size = 11 + n,
	    .match_fn = match_subcmd,
	    .timeout_us = timeout_us,
	    .retries = 1,
	    .done = nsw_done,
	    .userdata = jc,
	};

	/* joycon_send_subcmd(): the current rumble state rides along */
	x.data[0] = NSW_OUT_RUMBLE_SUBCMD;
	x.data[1] = next_counter(jc);
	memcpy(x.data + 2, jc->rumble, 8);
	x.data[10] = id;
	if (n)
		memcpy(x.data + 11, args, n);
	jc->await = id;
	jc->exchange_busy = true;
	jc->last_send_us = hm_now_usec();
	return hm_device_exchange(dev, &x);
}

static int spi_read(struct hm_device *dev, struct nsw *jc, uint32_t addr, uint8_t size)
{
	const uint8_t args[5] = {(uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
	                         (uint8_t)(addr >> 24), size};

	return send_subcmd(dev, jc, NSW_SUBCMD_SPI_READ, args, sizeof(args), NSW_HZ);
}

/* The SPI bytes of a reply (NULL when it is too short for them). */
static const uint8_t *spi_data(const uint8_t *data, size_t size, size_t want)
{
	return size >= NSW_OFF_SPI_DATA + want ? data + NSW_OFF_SPI_DATA : NULL;
}

static struct nsw *half_of(struct hm_device *h);
/* Sends what the spacing allows now; the rest waits for the timer. */
static void service_output(struct hm_device *dev, struct nsw *jc);

static bool leds_set(const struct nsw *jc)
{
	return jc->settings.player_leds >= 0 && jc->settings.player_leds <= 8;
}

/*
 * The pattern of the pad's player number: `player-leds` if set, else its
 * plug-order number.  A Joy-Con pair is one player, as on the console:
 * both halves show the pair's number, the right half's `player-leds` (the
 * pair's node is mapped by its section), else the left's, else the lower
 * of the two halves' plug-order numbers.
 */
static uint8_t player_leds_for(const struct nsw *jc)
{
	const struct nsw *o = jc->mode == MODE_PAIRED ? half_of(jc->partner) : NULL;
	int n, id = jc->player_id;

	if (o) {
		const struct nsw *r = jc->type == NSW_TYPE_JCR ? jc : o;
		const struct nsw *l = r == jc ? o : jc;

		n = leds_set(r) ? r->settings.player_leds : l->settings.player_leds;
		if (o->player_id >= 0 && (id < 0 || o->player_id < id))
			id = o->player_id;
	} else {
		n = jc->settings.player_leds;
	}
	if (n == 0)
		return 0;
	if (n >= 1 && n <= 8)
		return nsw_player_patterns[n - 1];
	return nsw_player_patterns[(id < 0 ? 0 : id) % 8];
}

/* A ready pad whose LEDs no longer show player_leds_for(): sent when the
 * spacing allows. */
static void leds_refresh(struct hm_device *dev, struct nsw *jc)
{
	if (jc->step != STEP_DONE || player_leds_for(jc) == jc->leds_sent)
		return;
	jc->leds_pending = true;
	service_output(dev, jc);
}

/* Starts step s (and those after it that need no device). */
static void run_step(struct hm_device *dev, struct nsw *jc, enum nsw_step s)
{
	static const uint8_t on[1] = {0x01}, full[1] = {0x30};
	/* joycon_set_home_led(ctlr, 0) */
	static const uint8_t home_off[5] = {0x01, 0x00, 0x00, 0x11, 0x11};
	uint8_t leds[1];
	int r = 0;

	jc->step = s;
	switch (s) {
	case STEP_USB_HANDSHAKE:
	case STEP_USB_HANDSHAKE2:
		r = send_usb(dev, jc, NSW_USB_HANDSHAKE, NSW_HZ);
		break;
	case STEP_USB_BAUD:
		r = send_usb(dev, jc, NSW_USB_BAUD_3M, NSW_HZ);
		break;
	case STEP_USB_NO_TIMEOUT:
		r = send_usb(dev, jc, NSW_USB_NO_TIMEOUT, NSW_HZ / 10);
		break;
	case STEP_INFO:
		r = send_subcmd(dev, jc, NSW_SUBCMD_DEV_INFO, NULL, 0, NSW_HZ);
		break;
	case STEP_MAGIC_LEFT:
		if (!has_sticks(jc)) {
			run_step(dev, jc, STEP_IMU_MAGIC);
			return;
		}
		r = spi_read(dev, jc, NSW_SPI_USER_MAGIC_LEFT, NSW_SPI_MAGIC_SIZE);
		break;
	case STEP_MAGIC_RIGHT:
		r = spi_read(dev, jc, NSW_SPI_USER_MAGIC_RIGHT, NSW_SPI_MAGIC_SIZE);
		break;
	case STEP_CAL_LEFT:
		r = spi_read(dev, jc, jc->left_addr, NSW_SPI_STICK_SIZE);
		break;
	case STEP_CAL_RIGHT:
		r = spi_read(dev, jc, jc->right_addr, NSW_SPI_STICK_SIZE);
		break;
	case STEP_IMU_MAGIC:
		if (!has_imu(jc)) {
			run_step(dev, jc, STEP_REPORT_MODE);
			return;
		}
		r = spi_read(dev, jc, NSW_SPI_IMU_USER_MAGIC, NSW_SPI_MAGIC_SIZE);
		break;
	case STEP_IMU_CAL:
		r = spi_read(dev, jc, jc->imu_addr, NSW_SPI_IMU_SIZE);
		break;
	case STEP_IMU_ON:
		r = send_subcmd(dev, jc, NSW_SUBCMD_ENABLE_IMU, on, 1, NSW_HZ);
		break;
	case STEP_REPORT_MODE:
		r = send_subcmd(dev, jc, NSW_SUBCMD_REPORT_MODE, full, 1, NSW_HZ);
		break;
	case STEP_RUMBLE_ON:
		if (!has_rumble(jc)) {
			run_step(dev, jc, STEP_PLAYER_LEDS);
			return;
		}
		r = send_subcmd(dev, jc, NSW_SUBCMD_ENABLE_RUMBL, on, 1, NSW_HZ / 4);
		break;
	case STEP_PLAYER_LEDS:
		leds[0] = player_leds_for(jc);
		jc->leds_sent = leds[0];
		r = send_subcmd(dev, jc, NSW_SUBCMD_PLAYER_LEDS, leds, 1, NSW_HZ / 4);
		break;
	case STEP_HOME_LED:
		if (!has_right(jc)) {
			run_step(dev, jc, STEP_DONE);
			return;
		}
		r = send_subcmd(dev, jc, NSW_SUBCMD_HOME_LED, home_off, sizeof(home_off),
		                NSW_HZ / 4);
		break;
	case STEP_DONE:
		jc->exchange_busy = false;
		/* joycon_config_rumble(): joycon_set_rumble(ctlr, 0, 0, false) */
		nsw_rumble_data(jc->rumble, 0, 0);
		log_info("%s: Switch controller type %u ready%s", dev->info.path, jc->type,
		         jc->usb_mode ? " (USB)" : "");
		hm_device_ready(dev);
		service_output(dev, jc);
		return;
	case STEP_FAILED:
		jc->exchange_busy = false;
		return;
	}
	if (r < 0) {
		log_error_errno(r, "%s: Switch controller: cannot queue step %d: %m",
		                dev->info.path, s);
		jc->step = STEP_FAILED;
		jc->exchange_busy = false;
	}
}

static bool magic_present(const uint8_t *data, size_t size)
{
	const uint8_t *p = spi_data(data, size, NSW_SPI_MAGIC_SIZE);

	return p && p[0] == NSW_USER_MAGIC_0 && p[1] == NSW_USER_MAGIC_1;
}

static void stick_cal_reply(struct hm_device *dev, struct nsw *jc, int result, const uint8_t *data,
                            size_t size, bool left)
{
	const uint8_t *p = result >= 0 ? spi_data(data, size, NSW_SPI_STICK_SIZE) : NULL;
	struct nsw_stick_cal *x = left ? &jc->lx : &jc->rx, *y = left ? &jc->ly : &jc->ry;

	if (p && nsw_stick_cal_parse(p, left, x, y))
		return;
	/* joycon_use_default_calibration() */
	if (result != -ENOTSUP)
		log_warning("%s: failed to read %s stick calibration, using defaults",
		            dev->info.path, left ? "left" : "right");
	nsw_stick_cal_default(x, y);
}

/* The completion of every exchange: the next step. */
static void nsw_done(struct hm_device *dev, int result, const uint8_t *data, size_t size,
                     void *userdata)
{
	struct nsw *jc = userdata;
	bool ok = result >= 0;
	const uint8_t *p;

	jc->exchange_busy = false;
	/* no transport (a replay, `describe`): nothing can answer; the
	 * defaults, and on as if every optional step had failed */
	if (result == -ENOTSUP && jc->step < STEP_DONE) {
		nsw_stick_cal_default(&jc->lx, &jc->ly);
		nsw_stick_cal_default(&jc->rx, &jc->ry);
		nsw_imu_cal_default(&jc->imu_cal);
		if (jc->nvar)
			(void)pick_variant(dev, jc, jc->var[0].type);
		run_step(dev, jc, STEP_DONE);
		return;
	}
	switch (jc->step) {
	case STEP_USB_HANDSHAKE:
		/* "if handshake command fails, assume ble pro controller";
		 * but the grip is USB only: "Failed charging grip handshake" */
		if (!ok && jc->grip)
			break;
		jc->usb_mode = ok;
		run_step(dev, jc, ok ? STEP_USB_BAUD : STEP_INFO);
		return;
	case STEP_USB_BAUD:
		if (!ok)
			log_warning("%s: failed to set the baud rate, continuing", dev->info.path);
		run_step(dev, jc, STEP_USB_HANDSHAKE2);
		return;
	case STEP_USB_HANDSHAKE2:
		if (!ok)
			break;
		run_step(dev, jc, STEP_USB_NO_TIMEOUT);
		return;
	case STEP_USB_NO_TIMEOUT:
		/* never answered: its timeout is the expected end */
		run_step(dev, jc, STEP_INFO);
		return;
	case STEP_INFO:
		if (!ok)
			break;
		/* type and MAC: the type picks the nodes where the product
		 * cannot (the grip's half, 2017 over Bluetooth); elsewhere the
		 * product already says it, a reply that disagrees is logged */
		if (jc->nvar && !pick_variant(dev, jc, data[NSW_OFF_REPLY_DATA + 2])) {
			if (jc->grip) {
				log_error("%s: charging grip: device info says controller type "
				          "0x%02x, not a Joy-Con",
				          dev->info.path, data[NSW_OFF_REPLY_DATA + 2]);
				break;
			}
			log_warning(
			    "%s: device info says controller type 0x%02x, driven as type %u",
			    dev->info.path, data[NSW_OFF_REPLY_DATA + 2], jc->var[0].type);
			(void)pick_variant(dev, jc, jc->var[0].type);
		} else if (data[NSW_OFF_REPLY_DATA + 2] != jc->type) {
			log_warning("%s: device info says controller type 0x%02x, product says %u",
			            dev->info.path, data[NSW_OFF_REPLY_DATA + 2], jc->type);
		}
		memcpy(jc->mac, data + NSW_OFF_REPLY_DATA + 4, sizeof(jc->mac));
		run_step(dev, jc, STEP_MAGIC_LEFT);
		return;
	case STEP_MAGIC_LEFT:
		jc->left_addr =
		    ok && magic_present(data, size) ? NSW_SPI_USER_LEFT : NSW_SPI_FACTORY_LEFT;
		run_step(dev, jc, STEP_MAGIC_RIGHT);
		return;
	case STEP_MAGIC_RIGHT:
		jc->right_addr =
		    ok && magic_present(data, size) ? NSW_SPI_USER_RIGHT : NSW_SPI_FACTORY_RIGHT;
		run_step(dev, jc, STEP_CAL_LEFT);
		return;
	case STEP_CAL_LEFT:
		stick_cal_reply(dev, jc, result, data, size, true);
		run_step(dev, jc, STEP_CAL_RIGHT);
		return;
	case STEP_CAL_RIGHT:
		stick_cal_reply(dev, jc, result, data, size, false);
		run_step(dev, jc, STEP_IMU_MAGIC);
		return;
	case STEP_IMU_MAGIC:
		jc->imu_addr =
		    ok && magic_present(data, size) ? NSW_SPI_IMU_USER : NSW_SPI_IMU_FACTORY;
		run_step(dev, jc, STEP_IMU_CAL);
		return;
	case STEP_IMU_CAL:
		p = ok ? spi_data(data, size, NSW_SPI_IMU_SIZE) : NULL;
		if (!p) {
			log_warning("%s: failed to read IMU calibration, using defaults",
			            dev->info.path);
			nsw_imu_cal_default(&jc->imu_cal);
		} else if (nsw_imu_cal_parse(p, &jc->imu_cal) > 0) {
			log_warning("%s: inaccurate IMU divisors", dev->info.path);
		}
		run_step(dev, jc, STEP_IMU_ON);
		return;
	case STEP_IMU_ON:
	case STEP_REPORT_MODE:
		if (!ok)
			break;
		run_step(dev, jc, jc->step + 1);
		return;
	case STEP_RUMBLE_ON:
		if (!ok)
			break;
		run_step(dev, jc, STEP_PLAYER_LEDS);
		return;
	case STEP_PLAYER_LEDS:
		if (!ok)
			log_warning("%s: failed to set the player LEDs", dev->info.path);
		run_step(dev, jc, STEP_HOME_LED);
		return;
	case STEP_HOME_LED:
		if (!ok)
			log_warning("%s: failed to set the home LED", dev->info.path);
		run_step(dev, jc, STEP_DONE);
		return;
	case STEP_DONE:
		/* a player-LED change after initialisation */
		if (!ok && result != -ECANCELED)
			log_debug_errno(result, "%s: player LEDs not set: %m", dev->info.path);
		service_output(dev, jc);
		return;
	case STEP_FAILED:
		return;
	}
	/* a step the kernel's probe cannot do without */
	log_error_errno(ok ? -EIO : result,
	                "%s: Switch controller initialisation failed at step %d: %m",
	                dev->info.path, jc->step);
	jc->step = STEP_FAILED;
}

/* ---- output after initialisation ---- */

static uint64_t spacing_us(const struct nsw *jc)
{
	return jc->usb ? NSW_SPACING_USB_US : NSW_SPACING_BT_US;
}

static void send_rumble(struct hm_device *dev, struct nsw *jc, uint64_t now)
{
	uint8_t buf[10];

	buf[0] = NSW_OUT_RUMBLE;
	buf[1] = next_counter(jc);
	memcpy(buf + 2, jc->rumble, 8);
	(void)hm_device_write(dev, buf, sizeof(buf));
	jc->rumble_pending = false;
	jc->rumble_last_us = jc->last_send_us = now;
}

static void service_output(struct hm_device *dev, struct nsw *jc)
{
	uint64_t now = hm_now_usec();
	bool spaced = now - jc->last_send_us >= spacing_us(jc);

	if (jc->step != STEP_DONE)
		return;
	if (spaced && jc->rumble_pending) {
		send_rumble(dev, jc, now);
		spaced = false;
	}
	if (spaced && jc->leds_pending && !jc->exchange_busy) {
		uint8_t leds[1] = {player_leds_for(jc)};

		jc->leds_pending = false;
		jc->leds_sent = leds[0];
		(void)send_subcmd(dev, jc, NSW_SUBCMD_PLAYER_LEDS, leds, 1, NSW_HZ / 4);
	}
	hm_device_set_interval(dev, jc->rumble_pending || jc->leds_pending ? NSW_TIMER_US : 0);
}

static void nsw_timer(struct hm_device *dev, uint64_t now_us)
{
	(void)now_us;
	service_output(dev, dev->priv);
}

static void half_rumble(struct hm_device *dev, struct nsw *jc, uint16_t strong, uint16_t weak)
{
	nsw_rumble_data(jc->rumble, strong, weak);
	/* "limit number of silent rumble packets to reduce traffic" */
	if (strong || weak)
		jc->rumble_zero = NSW_RUMBLE_ZERO_PKTS;
	jc->rumble_pending = true;
	service_output(dev, jc);
}

static void nsw_rumble(struct hm_device *dev, unsigned output, uint16_t strong, uint16_t weak)
{
	struct nsw *jc = dev->priv;

	/* the pair's node: the same report to both halves, so the left grip
	 * plays the strong (low) motor and the right the weak (high), as the
	 * two actuators of a Pro Controller */
	if (jc->mode == MODE_PAIRED && jc->comb >= 0 && output == (unsigned)jc->comb &&
	    jc->partner && jc->partner->priv)
		half_rumble(jc->partner, jc->partner->priv, strong, weak);
	half_rumble(dev, jc, strong, weak);
}

static void nsw_configure(struct hm_device *dev, const struct hm_device_settings *settings)
{
	struct nsw *jc = dev->priv;

	jc->settings = *settings;
	/* before the init's LED step, that step sends what the settings say */
	leds_refresh(dev, jc);
	if (jc->mode == MODE_PAIRED && half_of(jc->partner))
		leds_refresh(jc->partner, half_of(jc->partner));
}

/* ---- probe ---- */

static void stick_axis(struct libevdev *caps, unsigned code)
{
	const struct input_absinfo a = {.minimum = -NSW_STICK_MAX,
	                                .maximum = NSW_STICK_MAX,
	                                .fuzz = NSW_STICK_FUZZ,
	                                .flat = NSW_STICK_FLAT};

	libevdev_enable_event_code(caps, EV_ABS, code, &a);
}

static int create_imu(struct hm_device *dev, struct nsw *jc, const char *base, int *ret)
{
	const struct input_absinfo accel = {.minimum = -NSW_ACCEL_MAX,
	                                    .maximum = NSW_ACCEL_MAX,
	                                    .fuzz = NSW_ACCEL_FUZZ,
	                                    .resolution = NSW_ACCEL_RES};
	const struct input_absinfo gyro = {.minimum = -NSW_GYRO_MAX,
	                                   .maximum = NSW_GYRO_MAX,
	                                   .fuzz = NSW_GYRO_FUZZ,
	                                   .resolution = NSW_GYRO_RES};
	char name[sizeof(dev->info.name) + 40];
	struct libevdev *caps;
	int out;

	/* 6.12: "%s (IMU)" of the gamepad's name (6.1: "... IMU") */
	snprintf(name, sizeof(name), "%s (IMU)", base);
	out = hm_device_add_output(dev, name, &caps);
	if (out < 0)
		return out;
	for (unsigned c = ABS_X; c <= ABS_Z; c++)
		libevdev_enable_event_code(caps, EV_ABS, c, &accel);
	for (unsigned c = ABS_RX; c <= ABS_RZ; c++)
		libevdev_enable_event_code(caps, EV_ABS, c, &gyro);
	libevdev_enable_event_code(caps, EV_MSC, MSC_TIMESTAMP, NULL);
	libevdev_enable_property(caps, INPUT_PROP_ACCELEROMETER);
	if (base != dev->info.name)
		libevdev_set_id_product(caps, NSW_PAIR_PRODUCT);
	*ret = out;
	(void)jc;
	return 0;
}

/* ---- Joy-Con pairs and sideways use (beyond the kernel) ---- */

/*
 * Two Joy-Cons become one pad with the Pro Controller's layout and codes
 * (NSW_PAIR_NAME, 057e:2008, and its "(IMU)" node): as on the console when
 * L+R or ZL+ZR are held on the two halves at once for a second
 * (NSW_HOLD_US, by the reports' times), or as soon as both are
 * there when both say `joycon-pair = always`; `off` keeps a half alone.
 * The right half owns the pair's nodes (declared in its probe, hidden
 * until paired, module.h hm_device_show_output()), the left half's
 * reports are emitted on them too; both halves' own nodes are hidden
 * while paired.  The motion node carries the right half's IMU only (one
 * sensor, its axes as the kernel scales the right Joy-Con's): two
 * sensors on one node would interleave two bodies' motion.  The samples
 * also go to the right half's own (hidden) IMU output, which is where the
 * mapping's gyro-mouse reads them (the right half's profile).  Rumble on
 * the pair's node goes to both halves, and both show the pair's one
 * player number (player_leds_for()).  A pair lasts until a half goes
 * for good; a half that drops and comes back within the replug grace
 * (a restart) rejoins it and the pair's nodes stay.
 * SL+SR held together for a second on a half that is not paired turns it
 * sideways (its own nodes give way to its sideways node: left_side_buttons,
 * right_side_buttons, the stick turned with it); held so again, back.
 * Shorter chords are buttons as the kernel reports them.
 */

#define LEFT_BITS                                                                                  \
	(NSW_BTN_L | NSW_BTN_ZL | NSW_BTN_MINUS | NSW_BTN_LSTICK | NSW_BTN_UP | NSW_BTN_DOWN |     \
	 NSW_BTN_LEFT | NSW_BTN_RIGHT | NSW_BTN_CAP | NSW_BTN_SL_L | NSW_BTN_SR_L)
#define RIGHT_BITS                                                                                 \
	(NSW_BTN_A | NSW_BTN_B | NSW_BTN_X | NSW_BTN_Y | NSW_BTN_R | NSW_BTN_ZR | NSW_BTN_PLUS |   \
	 NSW_BTN_RSTICK | NSW_BTN_HOME | NSW_BTN_SL_R | NSW_BTN_SR_R)

static void report_imu(struct hm_device *dev, struct nsw *jc, const uint8_t *data, uint64_t time_us,
                       unsigned out, unsigned out2);

static int pair_setting(const struct nsw *jc)
{
	return jc->settings.joycon_pair < 0 ? HM_JOYCON_PAIR_HOLD : jc->settings.joycon_pair;
}

/* The half's own nodes shown, or its pair's / sideways node instead. */
static void show_mode(struct hm_device *dev, struct nsw *jc)
{
	bool single = jc->mode == MODE_SINGLE;

	(void)hm_device_show_output(dev, (unsigned)jc->gamepad, single);
	if (jc->imu >= 0)
		(void)hm_device_show_output(dev, (unsigned)jc->imu, jc->mode != MODE_PAIRED);
	(void)hm_device_show_output(dev, (unsigned)jc->side, jc->mode == MODE_SIDEWAYS);
	if (jc->comb >= 0) {
		(void)hm_device_show_output(dev, (unsigned)jc->comb, jc->mode == MODE_PAIRED);
		(void)hm_device_show_output(dev, (unsigned)jc->comb_imu, jc->mode == MODE_PAIRED);
	}
}

static struct nsw *half_of(struct hm_device *h)
{
	return h && h->module == &hm_module_switch ? h->priv : NULL;
}

static void pair_up(struct hm_device *a, struct nsw *ja, struct hm_device *b, struct nsw *jb)
{
	ja->partner = b;
	jb->partner = a;
	ja->mode = jb->mode = MODE_PAIRED;
	log_info("%s, %s: Joy-Cons paired as one controller", a->info.path, b->info.path);
	show_mode(a, ja);
	show_mode(b, jb);
	leds_refresh(a, ja);
	leds_refresh(b, jb);
}

/* Whether the two halves' last reports hold L+R or ZL+ZR, both for
 * NSW_HOLD_US by now. */
static bool holds_pair(const struct nsw *l, const struct nsw *r, uint64_t now)
{
	uint64_t since = l->pair_since_us > r->pair_since_us ? l->pair_since_us : r->pair_since_us;

	return l->pair_held && r->pair_held && now >= since && now - since >= NSW_HOLD_US &&
	       ((l->btns & NSW_BTN_L && r->btns & NSW_BTN_R) ||
	        (l->btns & NSW_BTN_ZL && r->btns & NSW_BTN_ZR));
}

/* A single half that may pair: a ready half of the other side. */
static void try_pair(struct hm_device *dev, struct nsw *jc, uint64_t now)
{
	int mine = pair_setting(jc);

	if (mine == HM_JOYCON_PAIR_OFF)
		return;
	for (unsigned i = 0; i < NSW_MAX_HALVES; i++) {
		struct nsw *o = half_of(halves[i]);
		int theirs;

		if (!o || halves[i] == dev || o->type == jc->type || o->mode != MODE_SINGLE ||
		    o->step != STEP_DONE)
			continue;
		theirs = pair_setting(o);
		if (theirs == HM_JOYCON_PAIR_OFF)
			continue;
		if ((mine == HM_JOYCON_PAIR_ALWAYS && theirs == HM_JOYCON_PAIR_ALWAYS) ||
		    (jc->type == NSW_TYPE_JCL ? holds_pair(jc, o, now) : holds_pair(o, jc, now))) {
			pair_up(dev, jc, halves[i], o);
			return;
		}
	}
}

static void emit_buttons(struct hm_device *dev, unsigned out, const struct nsw_button *b,
                         uint32_t btns)
{
	for (; b->code; b++)
		hm_emit(dev, out, EV_KEY, b->code, !!(btns & b->bit));
}

/* Both halves' last state on the pair's node, as a Pro Controller. */
static void emit_pair(struct hm_device *own, struct nsw *r, const struct nsw *l)
{
	unsigned out = (unsigned)r->comb;
	uint32_t b = (l ? l->btns & LEFT_BITS : 0) | (r->btns & RIGHT_BITS);

	hm_emit(own, out, EV_ABS, ABS_X, l ? l->stick_x : 0);
	hm_emit(own, out, EV_ABS, ABS_Y, l ? l->stick_y : 0);
	hm_emit(own, out, EV_ABS, ABS_RX, r->stick_x);
	hm_emit(own, out, EV_ABS, ABS_RY, r->stick_y);
	hm_emit(own, out, EV_ABS, ABS_HAT0X, b & NSW_BTN_LEFT ? -1 : b & NSW_BTN_RIGHT ? 1 : 0);
	hm_emit(own, out, EV_ABS, ABS_HAT0Y, b & NSW_BTN_UP ? -1 : b & NSW_BTN_DOWN ? 1 : 0);
	emit_buttons(own, out, pro_buttons, b);
	/* ends the frame on the owner's node also when the left half decodes */
	hm_emit(own, out, EV_SYN, SYN_REPORT, 0);
}

/* A Joy-Con's report past the mode changes; true: emitted here (paired or
 * sideways), false: as a single half. */
static bool joycon_decode(struct hm_device *dev, struct nsw *jc, uint32_t btns, const uint8_t *data,
                          uint64_t time_us)
{
	bool left = jc->type == NSW_TYPE_JCL;
	uint32_t sl_sr = left ? NSW_BTN_SL_L | NSW_BTN_SR_L : NSW_BTN_SL_R | NSW_BTN_SR_R;
	uint32_t trig = left ? NSW_BTN_L | NSW_BTN_ZL : NSW_BTN_R | NSW_BTN_ZR;
	bool side = (btns & sl_sr) == sl_sr, pair = btns & trig;
	int x, y;

	nsw_stick_raw(data + (left ? NSW_OFF_LSTICK : NSW_OFF_RSTICK), &x, &y);
	jc->stick_x = nsw_stick_map(left ? &jc->lx : &jc->rx, x);
	jc->stick_y = -nsw_stick_map(left ? &jc->ly : &jc->ry, y);
	jc->btns = btns;
	if (side && !jc->side_held)
		jc->side_since_us = time_us;
	jc->side_held = side;
	if (!side)
		jc->side_done = false;
	if (pair && !jc->pair_held)
		jc->pair_since_us = time_us;
	jc->pair_held = pair;
	if (jc->mode != MODE_PAIRED) {
		if (side && !jc->side_done && time_us >= jc->side_since_us &&
		    time_us - jc->side_since_us >= NSW_HOLD_US) {
			/* once per hold */
			jc->side_done = true;
			jc->mode = jc->mode == MODE_SIDEWAYS ? MODE_SINGLE : MODE_SIDEWAYS;
			show_mode(dev, jc);
		} else if (jc->mode == MODE_SINGLE) {
			try_pair(dev, jc, time_us);
		}
	}

	switch (jc->mode) {
	case MODE_SINGLE:
		return false;
	case MODE_SIDEWAYS: {
		unsigned out = (unsigned)jc->side;

		/* left: a quarter anticlockwise, right: a quarter clockwise */
		hm_emit(dev, out, EV_ABS, ABS_X, left ? jc->stick_y : -jc->stick_y);
		hm_emit(dev, out, EV_ABS, ABS_Y, left ? -jc->stick_x : jc->stick_x);
		emit_buttons(dev, out, left ? left_side_buttons : right_side_buttons, btns);
		hm_emit(dev, out, EV_SYN, SYN_REPORT, 0);
		if (data[0] == NSW_IN_FULL && jc->imu >= 0)
			report_imu(dev, jc, data, time_us, (unsigned)jc->imu, (unsigned)jc->imu);
		return true;
	}
	case MODE_PAIRED: {
		struct hm_device *own = left ? jc->partner : dev;
		struct nsw *r = left ? half_of(jc->partner) : jc;
		struct nsw *l = left ? jc : half_of(jc->partner);

		if (!own || !r)
			return true;
		emit_pair(own, r, l);
		if (!left && data[0] == NSW_IN_FULL)
			/* also on the half's own IMU output, hidden: the
			 * mapping's gyro-mouse reads the first motion output */
			report_imu(dev, jc, data, time_us, (unsigned)jc->comb_imu,
			           (unsigned)jc->imu);
		return true;
	}
	}
	return false;
}

/* The sideways node (both halves) and the pair's nodes (the right half),
 * hidden; a half back within the grace rejoins its pair. */
static int joycon_probe(struct hm_device *dev, struct nsw *jc)
{
	const struct input_absinfo hat = {.minimum = -1, .maximum = 1};
	char name[sizeof(dev->info.name) + 16];
	struct libevdev *caps;
	bool listed = false;
	int r;

	snprintf(name, sizeof(name), "%s (sideways)", dev->info.name);
	jc->side = hm_device_add_output(dev, name, &caps);
	if (jc->side < 0)
		return jc->side;
	stick_axis(caps, ABS_X);
	stick_axis(caps, ABS_Y);
	for (const struct nsw_button *b = jc->type == NSW_TYPE_JCL ? left_side_buttons
	                                                           : right_side_buttons;
	     b->code; b++)
		libevdev_enable_event_code(caps, EV_KEY, b->code, NULL);
	r = hm_device_set_rumble(dev, (unsigned)jc->side, 16, 0);
	if (r < 0)
		return r;
	(void)hm_device_set_abs_rest(dev, (unsigned)jc->side, ABS_X, 0);
	(void)hm_device_set_abs_rest(dev, (unsigned)jc->side, ABS_Y, 0);

	if (jc->type == NSW_TYPE_JCR) {
		jc->comb = hm_device_add_output(dev, NSW_PAIR_NAME, &caps);
		if (jc->comb < 0)
			return jc->comb;
		libevdev_set_id_product(caps, NSW_PAIR_PRODUCT);
		stick_axis(caps, ABS_X);
		stick_axis(caps, ABS_Y);
		stick_axis(caps, ABS_RX);
		stick_axis(caps, ABS_RY);
		libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0X, &hat);
		libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0Y, &hat);
		for (const struct nsw_button *b = pro_buttons; b->code; b++)
			libevdev_enable_event_code(caps, EV_KEY, b->code, NULL);
		r = hm_device_set_rumble(dev, (unsigned)jc->comb, 16, 0);
		if (r < 0)
			return r;
		for (unsigned c = ABS_X; c <= ABS_RY; c++)
			if (c != ABS_Z)
				(void)hm_device_set_abs_rest(dev, (unsigned)jc->comb, c, 0);
		(void)hm_device_set_abs_rest(dev, (unsigned)jc->comb, ABS_HAT0X, 0);
		(void)hm_device_set_abs_rest(dev, (unsigned)jc->comb, ABS_HAT0Y, 0);
		r = create_imu(dev, jc, NSW_PAIR_NAME, &jc->comb_imu);
		if (r < 0)
			return r;
	}

	jc->mode = MODE_SINGLE;
	for (unsigned i = 0; i < NSW_MAX_HALVES; i++) {
		struct nsw *o = half_of(halves[i]);

		if (halves[i] == dev)
			listed = true;
		else if (o && o->partner == dev) {
			/* back within the grace: the pair goes on */
			jc->partner = halves[i];
			jc->mode = MODE_PAIRED;
		}
	}
	for (unsigned i = 0; !listed && i < NSW_MAX_HALVES; i++)
		if (!halves[i]) {
			halves[i] = dev;
			listed = true;
		}
	if (!listed)
		log_warning("%s: too many Joy-Cons to pair this one", dev->info.path);
	show_mode(dev, jc);
	return 0;
}

/* The half let go (gone within the grace, restarting): what it held is
 * no longer held on the pair's node, nor brought back by the other half's
 * next report. */
static void nsw_release(struct hm_device *dev)
{
	struct nsw *jc = dev->priv;
	struct nsw *o;

	if (!jc || !is_joycon(jc))
		return;
	jc->btns = 0;
	jc->stick_x = jc->stick_y = 0;
	jc->side_held = jc->pair_held = false;
	o = half_of(jc->partner);
	/* the right half's own release lets go of the pair's node */
	if (jc->mode == MODE_PAIRED && jc->type == NSW_TYPE_JCL && o)
		emit_pair(jc->partner, o, jc);
}

/* dev goes for good: unlisted, and a half tied to it is alone again. */
static void joycon_forget(struct hm_device *dev)
{
	for (unsigned i = 0; i < NSW_MAX_HALVES; i++) {
		struct nsw *o = half_of(halves[i]);

		if (halves[i] == dev) {
			halves[i] = NULL;
		} else if (o && o->partner == dev) {
			o->partner = NULL;
			o->mode = MODE_SINGLE;
			log_info("%s: its Joy-Con pair is gone, alone again", halves[i]->info.path);
			show_mode(halves[i], o);
			leds_refresh(halves[i], o);
		}
	}
}

/* Gone for good: the partner is a single half again.  A restart keeps
 * both the listing and the partner's tie (the probe that follows rejoins). */
static void joycon_remove(struct hm_device *dev, struct nsw *jc)
{
	if (hm_device_restarting(dev))
		return;
	joycon_forget(dev);
	jc->partner = NULL;
}

static int probe_pad(struct hm_device *dev);

/* A probe that fails after a restart's remove kept dev listed: the core
 * frees such a device without remove, so it is forgotten here. */
static int nsw_probe(struct hm_device *dev)
{
	int r = probe_pad(dev);

	if (r < 0)
		joycon_forget(dev);
	return r;
}

static const struct nsw_button *buttons_for(enum nsw_type type)
{
	switch (type) {
	case NSW_TYPE_JCL:
		return left_buttons;
	case NSW_TYPE_JCR:
		return right_buttons;
	case NSW_TYPE_SNES:
		return snes_buttons;
	case NSW_TYPE_GEN:
		return gen_buttons;
	case NSW_TYPE_N64:
		return n64_buttons;
	default:
		return pro_buttons;
	}
}

/* The gamepad and (if it has one) IMU outputs of controller type
 * jc->type, as 6.12's joycon_input_create() makes them. */
static int declare_nodes(struct hm_device *dev, struct nsw *jc, int *ret_gamepad, int *ret_imu)
{
	struct libevdev *caps;
	int gp, r;

	/* 6.12 names the gamepad as the HID device (hdev->name) */
	gp = hm_device_add_output(dev, dev->info.name, &caps);
	if (gp < 0)
		return gp;
	if (has_left(jc)) {
		stick_axis(caps, ABS_X);
		stick_axis(caps, ABS_Y);
	}
	if (has_right(jc)) {
		stick_axis(caps, ABS_RX);
		stick_axis(caps, ABS_RY);
	}
	if (has_hat(jc)) {
		const struct input_absinfo hat = {.minimum = -1, .maximum = 1};

		libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0X, &hat);
		libevdev_enable_event_code(caps, EV_ABS, ABS_HAT0Y, &hat);
	}
	for (const struct nsw_button *b = buttons_for(jc->type); b->code; b++)
		if (!(b->bit & jc->skip))
			libevdev_enable_event_code(caps, EV_KEY, b->code, NULL);
	if (has_rumble(jc)) {
		r = hm_device_set_rumble(dev, (unsigned)gp, 16, 0);
		if (r < 0)
			return r;
	}
	for (unsigned c = ABS_X; c <= ABS_RY; c++)
		if (libevdev_has_event_code(caps, EV_ABS, c) && c != ABS_Z)
			(void)hm_device_set_abs_rest(dev, (unsigned)gp, c, 0);
	if (has_hat(jc)) {
		(void)hm_device_set_abs_rest(dev, (unsigned)gp, ABS_HAT0X, 0);
		(void)hm_device_set_abs_rest(dev, (unsigned)gp, ABS_HAT0Y, 0);
	}
	*ret_gamepad = gp;
	*ret_imu = -1;
	if (has_imu(jc))
		return create_imu(dev, jc, dev->info.name, ret_imu);
	return 0;
}

/* The device-info reply said type (nvar > 0): its nodes are the ones
 * shown.  False: not a type this product can be. */
static bool pick_variant(struct hm_device *dev, struct nsw *jc, enum nsw_type type)
{
	for (unsigned i = 0; i < jc->nvar; i++) {
		if (jc->var[i].type != type)
			continue;
		jc->type = type;
		jc->buttons = buttons_for(type);
		jc->gamepad = jc->var[i].gamepad;
		jc->imu = jc->var[i].imu;
		jc->nvar = 0;
		(void)hm_device_show_output(dev, (unsigned)jc->gamepad, true);
		if (jc->imu >= 0)
			(void)hm_device_show_output(dev, (unsigned)jc->imu, true);
		return true;
	}
	return false;
}

static int probe_pad(struct hm_device *dev)
{
	struct nsw *jc = dev->priv;
	unsigned long kind;
	int r;

	if (dev->id)
		kind = dev->id->driver_data;
	else if (dev->info.product == NSW_PRODUCT_JOYCONL)
		kind = NSW_TYPE_JCL;
	else if (dev->info.product == NSW_PRODUCT_JOYCONR)
		kind = NSW_TYPE_JCR;
	else if (dev->info.product == NSW_PRODUCT_PROCON)
		kind = NSW_TYPE_PRO;
	else if (dev->info.product == NSW_PRODUCT_GRIP)
		kind = NSW_TYPES_GRIP;
	else if (dev->info.product == NSW_PRODUCT_SNES)
		kind = dev->info.bus == BUS_BLUETOOTH ? NSW_TYPES_SNES_GEN : NSW_TYPE_SNES;
	else if (dev->info.product == NSW_PRODUCT_N64)
		kind = NSW_TYPE_N64;
	else if (dev->info.product == NSW_PRODUCT_GENESIS)
		kind = NSW_TYPE_GEN;
	else
		return -ENODEV;
	jc->usb = dev->info.bus == BUS_USB;
	jc->imu = -1;
	jc->leds_sent = -1;
	jc->settings = (struct hm_device_settings)HM_DEVICE_SETTINGS_INIT;
	nsw_stick_cal_default(&jc->lx, &jc->ly);
	nsw_stick_cal_default(&jc->rx, &jc->ry);
	nsw_imu_cal_default(&jc->imu_cal);
	/* joycon_config_rumble(): joycon_set_rumble(ctlr, 0, 0, false) is
	 * the state subcommands carry once the nodes exist; before that, the
	 * probe's subcommands carry zeros (the rumble buffer is still empty) */
	memset(jc->rumble, 0, sizeof(jc->rumble));

	/* "Patch the hw version ... so applications can distinguish between
	 * the default HID mappings and the mappings defined by the Linux game
	 * controller spec" */
	dev->info.version |= NSW_VERSION_PATCH;

	if (kind == NSW_TYPES_GRIP || kind == NSW_TYPES_SNES_GEN) {
		/* the nodes of each type the device-info reply may give,
		 * hidden until it does (6.12: no SL/SR in the grip) */
		jc->grip = kind == NSW_TYPES_GRIP;
		jc->skip = jc->grip ? NSW_BTN_SL_L | NSW_BTN_SR_L | NSW_BTN_SL_R | NSW_BTN_SR_R : 0;
		jc->var[0].type = jc->grip ? NSW_TYPE_JCL : NSW_TYPE_SNES;
		jc->var[1].type = jc->grip ? NSW_TYPE_JCR : NSW_TYPE_GEN;
		for (unsigned i = 0; i < 2; i++) {
			jc->type = jc->var[i].type;
			r = declare_nodes(dev, jc, &jc->var[i].gamepad, &jc->var[i].imu);
			if (r < 0)
				return r;
			(void)hm_device_show_output(dev, (unsigned)jc->var[i].gamepad, false);
			if (jc->var[i].imu >= 0)
				(void)hm_device_show_output(dev, (unsigned)jc->var[i].imu, false);
		}
		jc->nvar = 2;
		/* until the reply: the first's (no node is shown) */
		jc->type = jc->var[0].type;
		jc->gamepad = jc->var[0].gamepad;
		jc->imu = jc->var[0].imu;
		jc->buttons = buttons_for(jc->type);
	} else {
		jc->type = (enum nsw_type)kind;
		jc->buttons = buttons_for(jc->type);
		r = declare_nodes(dev, jc, &jc->gamepad, &jc->imu);
		if (r < 0)
			return r;
	}
	jc->side = jc->comb = jc->comb_imu = -1;
	if (is_joycon(jc)) {
		r = joycon_probe(dev, jc);
		if (r < 0)
			return r;
	}

	jc->player_id = player_id_alloc();
	hm_device_hold_init(dev, NSW_INIT_LIMIT_US);
	run_step(dev, jc, jc->usb ? STEP_USB_HANDSHAKE : STEP_INFO);
	return 0;
}

static void nsw_remove(struct hm_device *dev)
{
	struct nsw *jc = dev->priv;

	if (is_joycon(jc))
		joycon_remove(dev, jc);
	player_id_free(jc->player_id);
	jc->player_id = -1;
}

/* ---- input ---- */

/* The samples on out, and on out2 too unless it is out. */
static void report_imu(struct hm_device *dev, struct nsw *jc, const uint8_t *data, uint64_t time_us,
                       unsigned out, unsigned out2)
{
	const unsigned outs[2] = {out, out2};
	unsigned nouts = out2 == out ? 1 : 2;
	uint32_t msecs = (uint32_t)(time_us / 1000);
	bool negate = jc->type == NSW_TYPE_JCR;

	if (!jc->imu_first_seen) {
		jc->imu_ts_us = 0;
		jc->imu_count = jc->imu_sum = 0;
		jc->imu_avg_ms = NSW_IMU_AVG_MS;
		jc->imu_first_seen = true;
	} else {
		uint32_t delta = msecs - jc->imu_last_ms;

		jc->imu_sum += delta;
		if (++jc->imu_count >= NSW_IMU_AVG_COUNT) {
			jc->imu_avg_ms = jc->imu_sum / jc->imu_count;
			jc->imu_count = jc->imu_sum = 0;
		}
		if (jc->imu_avg_ms == 0)
			jc->imu_avg_ms = 1;
		jc->imu_ts_us += 1000 * jc->imu_avg_ms;
	}
	jc->imu_last_ms = msecs;

	for (int i = 0; i < 3; i++) {
		int v[6];

		nsw_imu_scale(&jc->imu_cal, data + NSW_OFF_IMU + 12 * i, negate, v);
		for (unsigned k = 0; k < nouts; k++) {
			unsigned o = outs[k];

			hm_emit(dev, o, EV_MSC, MSC_TIMESTAMP, (int)jc->imu_ts_us);
			hm_emit(dev, o, EV_ABS, ABS_RX, v[0]);
			hm_emit(dev, o, EV_ABS, ABS_RY, v[1]);
			hm_emit(dev, o, EV_ABS, ABS_RZ, v[2]);
			hm_emit(dev, o, EV_ABS, ABS_X, v[3]);
			hm_emit(dev, o, EV_ABS, ABS_Y, v[4]);
			hm_emit(dev, o, EV_ABS, ABS_Z, v[5]);
			hm_emit(dev, o, EV_SYN, SYN_REPORT, 0);
		}
		jc->imu_ts_us += jc->imu_avg_ms * 1000 / 3;
	}
}

static void report_battery(struct hm_device *dev, uint8_t bat_con)
{
	int percent = nsw_battery_percent(bat_con);
	enum hm_battery_status st;

	/* joycon_battery_get_property(): charging; full and host powered;
	 * else discharging */
	if (bat_con & 0x10)
		st = HM_BATTERY_CHARGING;
	else if (percent == 100 && (bat_con & 0x01))
		st = HM_BATTERY_FULL;
	else
		st = HM_BATTERY_DISCHARGING;
	hm_device_set_battery(dev, percent, st);
}

static int nsw_decode(struct hm_device *dev, const uint8_t *data, size_t size, uint64_t time_us)
{
	struct nsw *jc = dev->priv;
	unsigned gp = (unsigned)jc->gamepad;
	uint32_t btns;
	int x, y;

	if (size < 1)
		return -EBADMSG;
	if (data[0] != NSW_IN_SUBCMD_REPLY && data[0] != NSW_IN_FULL && data[0] != NSW_IN_MCU)
		return 0; /* 0x3f before the mode switch, 0x81: nothing to emit */
	/* 6.12 parses whole reports only */
	if (size < NSW_REPORT_SIZE)
		return -EBADMSG;
	/* before the init is through the kernel has no nodes yet */
	if (jc->step != STEP_DONE)
		return 0;

	/* joycon_handle_rumble_report(): refresh while the vibrator runs */
	if (data[NSW_OFF_VIBRATOR] && has_rumble(jc) &&
	    (jc->rumble_pending || jc->rumble_zero > 0)) {
		uint64_t now = hm_now_usec();

		if (now - jc->rumble_last_us >= NSW_RUMBLE_PERIOD_US) {
			if (jc->rumble_zero > 0)
				jc->rumble_zero--;
			jc->rumble_pending = true;
			service_output(dev, jc);
		}
	}

	report_battery(dev, data[NSW_OFF_BATTERY]);

	btns = nsw_buttons(data);
	if (is_joycon(jc) && joycon_decode(dev, jc, btns, data, time_us))
		return 1;
	if (has_left(jc)) {
		nsw_stick_raw(data + NSW_OFF_LSTICK, &x, &y);
		hm_emit(dev, gp, EV_ABS, ABS_X, nsw_stick_map(&jc->lx, x));
		hm_emit(dev, gp, EV_ABS, ABS_Y, -nsw_stick_map(&jc->ly, y));
	}
	if (has_right(jc)) {
		nsw_stick_raw(data + NSW_OFF_RSTICK, &x, &y);
		hm_emit(dev, gp, EV_ABS, ABS_RX, nsw_stick_map(&jc->rx, x));
		hm_emit(dev, gp, EV_ABS, ABS_RY, -nsw_stick_map(&jc->ry, y));
	}
	if (has_hat(jc)) {
		/* joycon_report_dpad(): left wins over right, up over down */
		hm_emit(dev, gp, EV_ABS, ABS_HAT0X,
		        btns & NSW_BTN_LEFT    ? -1
		        : btns & NSW_BTN_RIGHT ? 1
		                               : 0);
		hm_emit(dev, gp, EV_ABS, ABS_HAT0Y,
		        btns & NSW_BTN_UP     ? -1
		        : btns & NSW_BTN_DOWN ? 1
		                              : 0);
	}
	for (const struct nsw_button *b = jc->buttons; b->code; b++)
		if (!(b->bit & jc->skip))
			hm_emit(dev, gp, EV_KEY, b->code, !!(btns & b->bit));
	/* the gamepad's frame ends before the IMU samples, as input_sync() */
	hm_emit(dev, gp, EV_SYN, SYN_REPORT, 0);

	if (data[0] == NSW_IN_FULL && jc->imu >= 0)
		report_imu(dev, jc, data, time_us, (unsigned)jc->imu, (unsigned)jc->imu);
	return 1;
}

const struct hm_module hm_module_switch = {
    .name = "switch",
    .description =
        "Nintendo Switch Pro Controller, Joy-Cons (single, sideways, paired) and NSO pads",
    .id_table = nsw_ids,
    .priv_size = sizeof(struct nsw),
    .probe = nsw_probe,
    .decode = nsw_decode,
    .remove = nsw_remove,
    .timer = nsw_timer,
    .rumble = nsw_rumble,
    .configure = nsw_configure,
    .release = nsw_release,
};
