/* SPDX-License-Identifier: MIT */
/* What the socket focus sources (focus-i3.c, focus-hyprland.c) share. */
#pragma once

/* A non-blocking, close-on-exec stream connection to the Unix socket at
 * path: 0 and *ret_fd, or -errno. */
int hm_focus_connect_unix(const char *path, int *ret_fd);
