/* SPDX-License-Identifier: MIT */
/*
 * The layout module (layout.c): what turns a parsed [layout] section
 * (src/config/config-layout.h) into a module that decodes its devices.
 * Each layout gets a struct hm_module of its own, so that selection, the
 * device core and every command treat a layout like any module.
 */
#pragma once

#include "config-layout.h"
#include "module.h"

/* The registry's "layout": module = layout without a layout of its own;
 * its probe declines (selection puts the matching shipped layout first). */
extern const struct hm_module hm_module_layout;

/* Resolves what decoding needs (fields' extractors and ops, strict lists,
 * the parts by report id); hm_layout_module_attach() calls it. */
void hm_layout_compile(struct hm_layout *l);

/* Compiles l and makes its module (kept in l->driver, freed with l); 0 when
 * it already has one, or -ENOMEM. */
int hm_layout_module_attach(struct hm_layout *l);
/* hm_layout_module_attach() for every layout of c. */
int hm_layout_module_attach_all(struct hm_config *c);

/* l's module, NULL before hm_layout_module_attach() (or for NULL). */
const struct hm_module *hm_layout_module(const struct hm_layout *l);

/* The layout whose module m is, or NULL when m is not a layout's (the
 * registry's "layout" included). */
const struct hm_layout *hm_layout_of_module(const struct hm_module *m);
