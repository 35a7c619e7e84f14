// SPDX-License-Identifier: MIT
// A stand-in for KWin or GNOME Shell on a test session bus (gjs), running
// hidmapd's real KWin script or GNOME Shell extension with the API they
// use, so that what they send goes over the real bus to a real hidmapd.
//   gjs fake-shell.js kwin
//     owns org.kde.KWin and serves what hidmapd calls on /Scripting
//     (org.kde.kwin.Scripting: loadScript(path, name) -> id,
//     unloadScript(name) -> bool, start(), as KWin's scripting D-Bus
//     interface has them); start() runs the loaded script with
//     workspace.windowActivated, workspace.activeWindow, a window's
//     resourceClass, caption and captionChanged, and callDBus().
//   gjs fake-shell.js gnome EXTENSION_DIR
//     runs the GNOME 43 extension (init().enable()) with global.display's
//     focus_window and notify::focus-window, a window's
//     get_gtk_application_id(), get_sandboxed_app_id(), get_wm_class(),
//     get_title() and notify::title.
//   gjs fake-shell.js gnome-shell STATE
//     GNOME Shell without the extension running: owns org.gnome.Shell and
//     serves org.gnome.Shell.Extensions.GetExtensionInfo(s uuid) -> a{sv}
//     on /org/gnome/Shell, as GNOME's D-Bus interface has it: {} for an
//     extension it does not know (STATE "none"), else uuid and "state" a
//     number (GNOME's ExtensionState: 1 enabled, 2 disabled, 3 error, ...).
//   gjs fake-shell.js systemd NAME=VALUE...
//     the systemd user manager's environment: owns org.freedesktop.systemd1
//     and serves the Environment property (as) of
//     org.freedesktop.systemd1.Manager on /org/freedesktop/systemd1.
// The test moves the focus through /Test (org.hidmapd.Test), owned as
// org.hidmapd.Test: Activate(s app, s title), SetTitle(s title),
// Loaded() -> s (the script path KWin was asked to load).
const {Gio, GLib} = imports.gi;
const ByteArray = imports.byteArray;

const mode = ARGV[0];

function signals() {
    const handlers = new Map();
    let next = 1;
    return {
        connect(name, f) { handlers.set(next, [name, f]); return next++; },
        disconnect(id) { handlers.delete(id); },
        emit(name, ...args) { for (const [n, f] of [...handlers.values()]) if (n === name) f(...args); },
    };
}

function signal() {
    const s = signals();
    return {connect: f => s.connect('x', f), emit: (...a) => s.emit('x', ...a)};
}

// ---- KWin ----
const workspace = {activeWindow: null, windowActivated: signal()};
let loaded = '';

function callDBus(service, path, iface, method, ...args) {
    Gio.DBus.session.call_sync(service, path, iface, method,
        new GLib.Variant('(' + 's'.repeat(args.length) + ')', args.map(String)),
        null, Gio.DBusCallFlags.NONE, 2000, null);
}

function runKwinScript(path) {
    const text = ByteArray.toString(GLib.file_get_contents(path)[1]);
    // the script sees the API as globals, as in KWin
    new Function('workspace', 'callDBus', text)(workspace, callDBus);
}

const scriptingXml = `<node><interface name="org.kde.kwin.Scripting">
  <method name="loadScript"><arg type="s" direction="in"/><arg type="s" direction="in"/>
    <arg type="i" direction="out"/></method>
  <method name="unloadScript"><arg type="s" direction="in"/><arg type="b" direction="out"/></method>
  <method name="start"/>
</interface></node>`;

// ---- GNOME Shell ----
const display = Object.assign(signals(), {focus_window: null});

function gnomeWindow(app, title) {
    const w = signals();
    w.app = app;
    w.title = title;
    w.get_gtk_application_id = () => null;
    w.get_sandboxed_app_id = () => null;
    w.get_wm_class = () => w.app;
    w.get_title = () => w.title;
    return w;
}

// ---- the test's controls ----
const testXml = `<node><interface name="org.hidmapd.Test">
  <method name="Activate"><arg type="s" direction="in"/><arg type="s" direction="in"/></method>
  <method name="SetTitle"><arg type="s" direction="in"/></method>
  <method name="Loaded"><arg type="s" direction="out"/></method>
</interface></node>`;

const test = Gio.DBusExportedObject.wrapJSObject(testXml, {
    Activate(app, title) {
        if (mode === 'kwin') {
            const w = {resourceClass: app, caption: title, captionChanged: signal()};
            workspace.activeWindow = w;
            workspace.windowActivated.emit(w);
        } else {
            display.focus_window = gnomeWindow(app, title);
            display.emit('notify::focus-window');
        }
    },
    SetTitle(title) {
        if (mode === 'kwin') {
            workspace.activeWindow.caption = title;
            workspace.activeWindow.captionChanged.emit();
        } else {
            display.focus_window.title = title;
            display.focus_window.emit('notify::title');
        }
    },
    Loaded() { return loaded; },
});
test.export(Gio.DBus.session, '/Test');

if (mode === 'kwin') {
    const scripting = Gio.DBusExportedObject.wrapJSObject(scriptingXml, {
        loadScript(path, name) { loaded = path; return 1; },
        unloadScript(name) { return false; },
        start() { if (loaded) runKwinScript(loaded); },
    });
    scripting.export(Gio.DBus.session, '/Scripting');
    Gio.DBus.session.own_name('org.kde.KWin', Gio.BusNameOwnerFlags.NONE, null, null);
} else if (mode === 'systemd') {
    const managerXml = `<node><interface name="org.freedesktop.systemd1.Manager">
      <property name="Environment" type="as" access="read"/>
    </interface></node>`;
    const manager = Gio.DBusExportedObject.wrapJSObject(managerXml,
        {Environment: ARGV.slice(1)});
    manager.export(Gio.DBus.session, '/org/freedesktop/systemd1');
    Gio.DBus.session.own_name('org.freedesktop.systemd1', Gio.BusNameOwnerFlags.NONE, null, null);
} else if (mode === 'gnome-shell') {
    const extensionsXml = `<node><interface name="org.gnome.Shell.Extensions">
      <method name="GetExtensionInfo"><arg type="s" direction="in"/>
        <arg type="a{sv}" direction="out"/></method>
    </interface></node>`;
    const extensions = Gio.DBusExportedObject.wrapJSObject(extensionsXml, {
        GetExtensionInfo(uuid) {
            if (ARGV[1] === 'none')
                return {};
            return {uuid: new GLib.Variant('s', uuid),
                state: new GLib.Variant('d', Number(ARGV[1]))};
        },
    });
    extensions.export(Gio.DBus.session, '/org/gnome/Shell');
    Gio.DBus.session.own_name('org.gnome.Shell', Gio.BusNameOwnerFlags.NONE, null, null);
} else {
    globalThis.global = {display};
    imports.searchPath.unshift(ARGV[1]);
    imports.extension.init().enable();
}
Gio.DBus.session.own_name('org.hidmapd.Test', Gio.BusNameOwnerFlags.NONE, null, null);
new GLib.MainLoop(null, false).run();
