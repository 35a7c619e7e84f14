/* SPDX-License-Identifier: MIT */
/*
 * Six-axis controllers (the 3Dconnexion family): what a module tells the
 * owner of the device beside its evdev outputs, for the spnav server
 * (src/daemon/daemon-spnav.c).  spacenavd reads a SpaceMouse through the
 * kernel's evdev node; hidmapd's module hands the same facts over
 * directly: the device's six axes as it reports them (HID order X, Y, Z,
 * Rx, Ry, Rz, logical range axis_min..axis_max), one motion frame per
 * report that changed an axis, and buttons numbered as spacenavd numbers
 * them (0-based, the Pro's and Enterprise's runs folded).
 *
 * The module declares the device in probe() with hm_device_set_multiaxis()
 * and reports with hm_device_multiaxis_motion()/_button() from decode.  The
 * owner listens with hm_device_set_multiaxis_listener(); without a listener
 * the calls cost one branch.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct hm_device;

#define HM_MULTIAXIS_AXES 6
/* The most buttons a module numbers (the Enterprise folds to 31). */
#define HM_MULTIAXIS_MAX_BUTTONS 64

struct hm_multiaxis_info {
	int type;          /* spacenavd's DEV_* number (proto.h), 0: unknown */
	unsigned nbuttons; /* as spacenavd counts them (after folding) */
	int axis_min, axis_max;
	/* spacenavd's DF_SWAPYZ | DF_INVYZ: the device's Y is up/down and its
	 * Z forward/back, both the wrong way round for spacenavd's convention */
	bool swap_inv_yz;
	char name[128]; /* the name spacenavd gives it (EVIOCGNAME, or its guess) */
};

struct hm_multiaxis_listener {
	/* changed: bit i set when axis i's value differs from the last frame's
	 * (what reached the evdev node as an event); axes: every axis' value */
	void (*motion)(void *userdata, struct hm_device *dev, unsigned changed,
	               const int axes[HM_MULTIAXIS_AXES]);
	void (*button)(void *userdata, struct hm_device *dev, unsigned bnum, bool pressed);
	void *userdata;
};

/* For modules, from probe(): declares dev a six-axis controller. */
void hm_device_set_multiaxis(struct hm_device *dev, const struct hm_multiaxis_info *info);
/* For modules, from decode(). */
void hm_device_multiaxis_motion(struct hm_device *dev, unsigned changed,
                                const int axes[HM_MULTIAXIS_AXES]);
void hm_device_multiaxis_button(struct hm_device *dev, unsigned bnum, bool pressed);

/* For owners: what the module declared, NULL when dev is no six-axis controller. */
const struct hm_multiaxis_info *hm_device_get_multiaxis(const struct hm_device *dev);
/* For owners: l is copied; NULL removes the listener. */
void hm_device_set_multiaxis_listener(struct hm_device *dev, const struct hm_multiaxis_listener *l);
