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

/* Reads the manager's environment (a NULL-terminated "NAME=value" list
 * for hm_session_env_apply(), freed with hm_session_env_free()).  One
 * synchronous call on the session bus, at most 1 s: never on the loop (the
 * daemon reads it with a reload, on the work pool).  Returns 0, or -errno
 * (no bus, no manager, built without libsystemd: -EOPNOTSUPP). */
int hm_session_env_fetch(char ***ret_env);
void hm_session_env_free(char **env);

/* Sets each of names[] that env has and the process's environment lacks or
 * has otherwise (setenv); never unsets one.  On the thread that reads the
 * environment (the loop).  *ret_changed: whether any was set.  Returns 0 or
 * -errno. */
int hm_session_env_apply(char **env, const char *const *names, size_t n, bool *ret_changed);

/* Both of the above, in one call (for a program without a loop). */
int hm_session_env_import(const char *const *names, size_t n, bool *ret_changed);
