/* SPDX-License-Identifier: MIT */
/*
 * The spnav server: spacenavd's client socket (spnav-proto.h) served from
 * the epoll loop, so libspnav applications (Blender, FreeCAD, ...) read
 * the six-axis devices hidmapd drives.  It knows nothing of modules: the
 * daemon adds each device it drives with hm_spnav_server_add_device() and
 * feeds its frames in.
 *
 * As spacenavd 1.1 does, every client gets the motion and button events
 * of the device added last (spacenavd's "first" device: its clients cannot
 * choose another, and it has no focus for its UNIX socket clients), after
 * the device's settings (spnav-motion.h) and the client's own
 * sensitivity, filtered by the client's event mask; raw axis and button
 * events (RAWAXIS, RAWBUTTON) and device events come from every device.  Requests that change
 * the configuration (SCFG_*) change the settings of every device served,
 * in memory, until the daemon restarts or reloads its configuration; they
 * are never written to a file (CFG_SAVE is refused).
 *
 * Limits: HM_SPNAV_MAX_CLIENTS clients (one more is hung up on, with a
 * log line); HM_SPNAV_QUEUE messages waiting for each client that does not
 * read (past that its newest motion replaces the one queued last, and
 * other events are dropped for that client alone, counted and logged);
 * bytes that make no sense drop the client that sent them, with a log
 * line that says why.  Only the user the daemon runs as may connect.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spnav-motion.h"

#define HM_SPNAV_MAX_CLIENTS 64
#define HM_SPNAV_QUEUE       256

struct hm_loop;
struct hm_spnav_server;
struct hm_spnav_device;

struct hm_spnav_device_desc {
	int type;          /* spacenavd's DEV_* */
	unsigned nbuttons; /* as spacenavd counts them */
	uint16_t vendor, product;
	const char *name;
	const char *path;
	struct hm_spnav_device_axes axes;
	struct hm_spnav_settings settings;
	/* SCFG_LED: the client's LED state (0 off, 1 on, 2 auto); NULL: none */
	void (*set_led)(void *userdata, int state);
	void *userdata;
};

/* The socket's path: $XDG_RUNTIME_DIR/hidmapd/spnav.sock, beside the
 * control socket: the shipped unit (ProtectSystem=strict, ProtectHome=
 * read-only) may write only its RuntimeDirectory, not $XDG_RUNTIME_DIR
 * (where a link to it is: hm_spnav_link_path()).
 * -ENOENT without XDG_RUNTIME_DIR, -ENAMETOOLONG. */
int hm_spnav_socket_path(char *buf, size_t size);

/* Where libspnav clients are told to look (the path, and
 * spnav-environment.conf's): $XDG_RUNTIME_DIR/spnav.sock, a symbolic link
 * to the socket above.  -ENOENT without XDG_RUNTIME_DIR, -ENAMETOOLONG. */
int hm_spnav_link_path(char *buf, size_t size);
/* 1 when link is a symbolic link to the socket at path (as
 * hm_spnav_server_link() makes it), 0 when it is something else, -ENOENT
 * when nothing is there, another negative errno. */
int hm_spnav_link_is_ours(const char *link, const char *path);

/*
 * Links link to the server's socket (relative to link's directory when the
 * socket lies below it).  Returns 0 when it made the link, 1 when the link
 * was there already (made by the unit's ExecStartPre=, or by an earlier
 * run), -EEXIST when something else is at link (spacenavd's or another
 * program's socket, a link elsewhere): it is never replaced; another
 * negative errno when it cannot be made (-EROFS in the unit's sandbox).
 * hm_spnav_server_free() removes a link it made or found, if it is still
 * the server's.
 */
int hm_spnav_server_link(struct hm_spnav_server *s, const char *link);

/*
 * Listens at path (mode 0600; a stale socket left by a dead daemon is
 * replaced, one where something answers is not: -EADDRINUSE).
 */
int hm_spnav_server_new(struct hm_loop *loop, const char *path, struct hm_spnav_server **ret);
/* Hangs up on every client, removes the socket file. NULL-safe. */
void hm_spnav_server_free(struct hm_spnav_server *s);

/* fn is called when the first client connects (nclients 1) and when the
 * last one leaves (0): spnav-led = auto.  Not while the server is freed. */
void hm_spnav_server_set_clients_fn(struct hm_spnav_server *s,
                                    void (*fn)(void *userdata, unsigned nclients), void *userdata);

/* A device to serve (desc copied); NULL on failure (errno set). */
struct hm_spnav_device *hm_spnav_server_add_device(struct hm_spnav_server *s,
                                                   const struct hm_spnav_device_desc *desc);
void hm_spnav_server_remove_device(struct hm_spnav_server *s, struct hm_spnav_device *dev);
/* New settings from the configuration (a reload). */
void hm_spnav_device_set_settings(struct hm_spnav_device *dev,
                                  const struct hm_spnav_settings *settings);

/* A frame from the device: changed has bit i set for each axis i whose
 * value differs from the last frame; axes are the device's values. */
void hm_spnav_device_motion(struct hm_spnav_device *dev, unsigned changed, const int axes[6]);
void hm_spnav_device_button(struct hm_spnav_device *dev, unsigned bnum, bool pressed);

unsigned hm_spnav_server_nclients(const struct hm_spnav_server *s);
/* Events dropped for clients that did not read, since the start. */
uint64_t hm_spnav_server_dropped(const struct hm_spnav_server *s);
