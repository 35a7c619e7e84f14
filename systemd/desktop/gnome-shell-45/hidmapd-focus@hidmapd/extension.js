// SPDX-License-Identifier: MIT
// hidmapd's per-application profiles under GNOME Shell 45 and later (ES
// modules): reports the focused window to hidmapd on the session bus
// (org.hidmapd.Focus1.SetFocus, src/io/focus-dbus.h).  GNOME 43 and 44:
// systemd/desktop/gnome-shell-43/.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

export default class HidmapdFocus extends Extension {
    enable() {
        this._window = null;
        this._titleId = 0;
        this._focusId = global.display.connect('notify::focus-window', () => this._focused());
        this._focused();
    }

    disable() {
        global.display.disconnect(this._focusId);
        this._unwatch();
    }

    _unwatch() {
        if (this._window && this._titleId)
            this._window.disconnect(this._titleId);
        this._window = null;
        this._titleId = 0;
    }

    _focused() {
        this._unwatch();
        this._window = global.display.focus_window;
        if (this._window)
            this._titleId = this._window.connect('notify::title', () => this._report());
        this._report();
    }

    _report() {
        const w = this._window;
        const app = w ? w.get_gtk_application_id() || w.get_sandboxed_app_id() ||
            w.get_wm_class() || '' : '';
        Gio.DBus.session.call('org.hidmapd.Focus', '/org/hidmapd/Focus', 'org.hidmapd.Focus1',
            'SetFocus', new GLib.Variant('(sss)', ['gnome', app, w ? w.get_title() || '' : '']),
            null, Gio.DBusCallFlags.NO_AUTO_START, 1000, null, null);
    }
}
