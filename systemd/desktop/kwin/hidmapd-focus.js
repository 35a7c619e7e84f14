// SPDX-License-Identifier: MIT
// hidmapd's per-application profiles under KDE Plasma: this KWin script
// reports the active window to hidmapd on the session bus
// (org.hidmapd.Focus1.SetFocus, src/io/focus-dbus.h).  hidmapd loads it
// into KWin itself (org.kde.kwin.Scripting.loadScript); nothing to install.
// Plasma 6 names: workspace.windowActivated, workspace.activeWindow;
// Plasma 5: workspace.clientActivated, workspace.activeClient.

var hidmapdWatched = [];

function hidmapdReport(w) {
    callDBus("org.hidmapd.Focus", "/org/hidmapd/Focus", "org.hidmapd.Focus1", "SetFocus",
             "kwin", w ? String(w.resourceClass || "") : "", w ? String(w.caption || "") : "");
}

function hidmapdActive() {
    return workspace.activeWindow !== undefined ? workspace.activeWindow : workspace.activeClient;
}

function hidmapdActivated(w) {
    // a title that changes later (a browser tab) is reported too, once per window
    if (w && hidmapdWatched.indexOf(w) < 0) {
        hidmapdWatched.push(w);
        w.captionChanged.connect(function () {
            if (hidmapdActive() === w)
                hidmapdReport(w);
        });
        if (w.closed)
            w.closed.connect(function () {
                hidmapdWatched.splice(hidmapdWatched.indexOf(w), 1);
            });
    }
    hidmapdReport(w);
}

(workspace.windowActivated || workspace.clientActivated).connect(hidmapdActivated);
hidmapdActivated(hidmapdActive());
