/* SPDX-License-Identifier: MIT */
/*
 * Which processes have a device node open: the links of /proc/PID/fd that name
 * it.  For the conflicts hidmapd explains: another program reading a pad's
 * hidraw node (Steam, SDL games) or grabbing the kernel's evdev node
 * (keyd, input-remapper, kanata...).  The kernel does not say which of the
 * processes that have an evdev node open holds its EVIOCGRAB: the holders
 * listed are the candidates.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct hm_proc_holder {
	pid_t pid;
	char comm[32]; /* /proc/PID/comm, "?" when unreadable */
};

/* Fills out[] (up to max) with the processes under proc_root ("/proc")
 * other than skip that have path open, in /proc's order; returns how many
 * there are (maybe more than max).  *ret_hidden (may be NULL): processes
 * whose fds could not be read (other users'). */
size_t hm_proc_holders(const char *proc_root, const char *path, pid_t skip,
                       struct hm_proc_holder *out, size_t max, unsigned *ret_hidden);

/* "pid 123 (keyd), pid 456 (steam)" for the first n of h, in buf. */
void hm_proc_holders_format(const struct hm_proc_holder *h, size_t n, char *buf, size_t size);
