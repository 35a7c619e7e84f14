/* SPDX-License-Identifier: MIT */
/*
 * A tiny X11 client for the focus tests: one window with the WM_CLASS
 * (instance, class) and title (WM_NAME and _NET_WM_NAME) given, mapped,
 * until it is killed.  Prints its window id (hex) on stdout once the map
 * request is sent (the test waits for the window manager to list it).
 *   x11-window INSTANCE CLASS TITLE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xcb/xcb.h>

static xcb_atom_t atom(xcb_connection_t *c, const char *name)
{
	xcb_intern_atom_reply_t *r =
	    xcb_intern_atom_reply(c, xcb_intern_atom(c, 0, (uint16_t)strlen(name), name), NULL);
	xcb_atom_t a = r ? r->atom : XCB_ATOM_NONE;

	free(r);
	return a;
}

int main(int argc, char **argv)
{
	xcb_connection_t *c;
	xcb_screen_t *screen;
	xcb_window_t w;
	xcb_generic_event_t *ev;
	char wm_class[512];
	int n;

	if (argc != 4) {
		fprintf(stderr, "usage: x11-window INSTANCE CLASS TITLE\n");
		return 2;
	}
	c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "x11-window: cannot connect to the X server\n");
		return 1;
	}
	screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
	w = xcb_generate_id(c);
	xcb_create_window(c, XCB_COPY_FROM_PARENT, w, screen->root, 0, 0, 200, 100, 1,
	                  XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual, XCB_CW_EVENT_MASK,
	                  (uint32_t[]){XCB_EVENT_MASK_STRUCTURE_NOTIFY});
	n = snprintf(wm_class, sizeof(wm_class), "%s%c%s%c", argv[1], 0, argv[2], 0);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, w, XCB_ATOM_WM_CLASS, XCB_ATOM_STRING, 8,
	                    (uint32_t)n, wm_class);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, w, XCB_ATOM_WM_NAME, XCB_ATOM_STRING, 8,
	                    (uint32_t)strlen(argv[3]), argv[3]);
	xcb_change_property(c, XCB_PROP_MODE_REPLACE, w, atom(c, "_NET_WM_NAME"),
	                    atom(c, "UTF8_STRING"), 8, (uint32_t)strlen(argv[3]), argv[3]);
	xcb_map_window(c, w);
	xcb_flush(c);
	printf("0x%x\n", w);
	fflush(stdout);
	while ((ev = xcb_wait_for_event(c)))
		free(ev);
	return 0;
}
