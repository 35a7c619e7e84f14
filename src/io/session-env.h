/* SPDX-License-Identifier: MIT */
/*
 * The session's environment as the systemd user manager holds it (the
 * Environment property of org.freedesktop.systemd1.Manager on the user's
 * session bus): what `systemctl --user import-environment` and
 * `dbus-update-activation-environment --systemd` put there when a desktop
 * session starts, possibly after hidmapd did.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Sets each of names[] that the manager's environment has and the
 * process's lacks or has otherwise (setenv); never unsets one.  One
 * synchronous call on the session bus, at most 1 s.  *ret_changed: whether
 * any was set.  Returns 0, or -errno (no bus, no manager, built without
 * libsystemd: -EOPNOTSUPP), nothing changed then. */
int hm_session_env_import(const char *const *names, size_t n, bool *ret_changed);
