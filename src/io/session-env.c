/* SPDX-License-Identifier: MIT */
/*
 * The systemd user manager's environment (session-env.h), on sd-bus.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "session-env.h"
#include "util-log.h"
#include "util-strings.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

int hm_session_env_fetch(char ***ret_env)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus *bus = NULL;
	char **env = NULL;
	int r;

	*ret_env = NULL;
	r = sd_bus_open_user(&bus);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(bus, 1000000);
	if (r >= 0)
		r = sd_bus_get_property_strv(
		    bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
		    "org.freedesktop.systemd1.Manager", "Environment", &error, &env);
	if (r < 0)
		log_debug("cannot read the systemd user manager's environment: %s",
		          error.message ? error.message : strerror(-r));
	else
		*ret_env = env;
	sd_bus_error_free(&error);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? r : 0;
}
#else
int hm_session_env_fetch(char ***ret_env)
{
	*ret_env = NULL;
	return -EOPNOTSUPP;
}
#endif

void hm_session_env_free(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

/* "NAME=value" of name in env, the value; NULL if absent */
static const char *lookup(char **env, const char *name)
{
	for (char **e = env; e && *e; e++) {
		const char *v = startswith(*e, name);

		if (v && *v == '=')
			return v + 1;
	}
	return NULL;
}

int hm_session_env_apply(char **env, const char *const *names, size_t n, bool *ret_changed)
{
	*ret_changed = false;
	for (size_t i = 0; i < n; i++) {
		const char *v = lookup(env, names[i]), *now = getenv(names[i]);

		if (!v || (now && streq(now, v)))
			continue;
		if (setenv(names[i], v, 1) < 0)
			return -errno;
		log_info("session environment: %s changed", names[i]);
		*ret_changed = true;
	}
	return 0;
}

int hm_session_env_import(const char *const *names, size_t n, bool *ret_changed)
{
	char **env;
	int r = hm_session_env_fetch(&env);

	*ret_changed = false;
	if (r < 0)
		return r;
	r = hm_session_env_apply(env, names, n, ret_changed);
	hm_session_env_free(env);
	return r;
}
