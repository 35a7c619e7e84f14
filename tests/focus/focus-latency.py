#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Focus latency: from the compositor's focus event to hidmapd having
# matched the rules and switched its devices (the `focus ...` line of
# `hidmapd monitor`, written after every device is switched).  The
# compositor's event is seen by this client the way hidmapd sees it, and
# both streams are timestamped as they arrive (one select() loop):
#   sway: an IPC connection of its own subscribed to window events (the
#         focus is moved with RUN_COMMAND on another connection);
#   x11:  `xprop -spy -root _NET_ACTIVE_WINDOW` (the focus is moved with
#         `xdotool windowactivate`).
# hidmapd can be ahead of this client (negative figures); the time from the
# request to hidmapd's line, which includes the compositor's own work, is
# printed too.
#   focus-latency.py sway SWAYSOCK CONTROL_SOCKET N APP_A APP_B
#   focus-latency.py x11 - CONTROL_SOCKET N WIN_A WIN_B
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

mode, ipc_path, control_path, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
targets = sys.argv[5:7]


class Stream:
    """Bytes from an fd, timestamped when they arrive."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""
        self.t = 0.0

    def fill(self):
        data = os.read(self.fd, 65536)
        if not data:
            sys.exit("stream closed")
        self.t = time.monotonic()
        self.buf += data


def read_once(streams, timeout=10):
    """One select(): fills every stream that has data; False on a timeout."""
    ready, _, _ = select.select([s.fd for s in streams], [], [], timeout)
    if not ready:
        if timeout >= 10:
            sys.exit("no event within 10 s")
        return False
    for s in streams:
        if s.fd in ready:
            s.fill()
    return True


def pump(streams, until):
    """Reads until until() returns a value."""
    while True:
        v = until()
        if v is not None:
            return v
        read_once(streams)


def take_line(s, prefix):
    while b"\n" in s.buf:
        line, s.buf = s.buf.split(b"\n", 1)
        if line.startswith(prefix):
            return line
    return None


def i3_msg(s):
    while len(s.buf) >= 14:
        length, type_ = struct.unpack("=II", s.buf[6:14])
        if len(s.buf) < 14 + length:
            return None
        body, s.buf = s.buf[14:14 + length], s.buf[14 + length:]
        return type_, json.loads(body)
    return None


def i3_send(sock, type_, payload):
    data = payload.encode()
    sock.sendall(b"i3-ipc" + struct.pack("=II", len(data), type_) + data)


def settle(streams):
    """Drops whatever comes within 0.3 s (a preparatory focus change)."""
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        ready, _, _ = select.select([s.fd for s in streams], [], [], 0.05)
        for s in streams:
            if s.fd in ready:
                s.fill()
    for s in streams:
        s.buf = b""


def percentile(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


msock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
msock.connect(control_path)
msock.sendall(b"monitor\n")
mon = Stream(msock.fileno())
pump([mon], lambda: take_line(mon, b"ok"))

lat, total = [], []
retried = 0
if mode == "sway":
    sub = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sub.connect(ipc_path)
    cmd = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cmd.connect(ipc_path)
    evt = Stream(sub.fileno())
    i3_send(sub, 2, '["window"]')
    pump([evt], lambda: i3_msg(evt))
    # from the first window: the measured switches each change the focus
    i3_send(cmd, 0, '[app_id="%s"] focus' % targets[0])
    cmd.recv(65536)
    settle([evt, mon])
    for i in range(n):
        app = targets[(i + 1) % 2]
        t0 = time.monotonic()
        i3_send(cmd, 0, '[app_id="%s"] focus' % app)

        def focus_event():
            while True:
                m = i3_msg(evt)
                if m is None:
                    return None
                if m[0] == 0x80000003 and m[1].get("change") == "focus" and \
                        m[1]["container"].get("app_id") == app:
                    return evt.t

        want = ('focus sway app "%s"' % app).encode()
        t_evt = t_mon = None
        while t_evt is None or t_mon is None:
            if t_evt is None:
                t_evt = focus_event()
            if t_mon is None and take_line(mon, want) is not None:
                t_mon = mon.t
            if t_evt is None or t_mon is None:
                read_once([evt, mon])
        lat.append(t_mon - t_evt)
        total.append(t_mon - t0)
        cmd.recv(65536)  # the command's reply
elif mode == "x11":
    # from the first window: the measured switches each change the focus
    # (the window manager may still be starting: asked again until it does)
    for attempt in range(100):
        if subprocess.run(["xdotool", "windowactivate", "--sync", targets[0]],
                          stderr=subprocess.DEVNULL).returncode == 0:
            break
        time.sleep(0.1)
    else:
        sys.exit("xdotool windowactivate failed")
    spy = subprocess.Popen(["stdbuf", "-oL", "xprop", "-spy", "-root", "_NET_ACTIVE_WINDOW"],
                           stdout=subprocess.PIPE)
    evt = Stream(spy.stdout.fileno())
    pump([evt], lambda: take_line(evt, b"_NET_ACTIVE_WINDOW"))  # the value now
    settle([evt, mon])
    for i in range(n):
        k = (i + 1) % 2
        win = targets[k]
        t0 = time.monotonic()
        subprocess.Popen(["xdotool", "windowactivate", win])
        want = b'focus x11 app "" instance "lat-%d"' % k
        t_evt = t_mon = None
        tries = 0
        while t_evt is None or t_mon is None:
            if t_evt is None:
                line = take_line(evt, b"_NET_ACTIVE_WINDOW")
                if line is not None and int(line.split()[-1], 16) == int(win, 16):
                    t_evt = evt.t
            if t_mon is None and take_line(mon, want) is not None:
                t_mon = mon.t
            if (t_evt is None or t_mon is None) and not read_once([evt, mon], 1):
                # openbox may ignore an activation (focus stealing
                # prevention): asked again; the event -> hidmapd figure
                # does not depend on it
                tries += 1
                if tries > 10:
                    sys.exit("switch %d to %s: event %s, hidmapd %s, within 10 s" % (i, win, t_evt, t_mon))
                if t_evt is None:
                    retried += 1
                    subprocess.Popen(["xdotool", "windowactivate", win])
        lat.append(t_mon - t_evt)
        total.append(t_mon - t0)
    spy.kill()
else:
    sys.exit("mode: sway or x11")

ms = [x * 1000.0 for x in lat]
tot = [x * 1000.0 for x in total]
print("%s: compositor event -> hidmapd switched: n=%d p50=%.2fms p90=%.2fms p99=%.2fms "
      "max=%.2fms; request -> hidmapd switched: p50=%.2fms p99=%.2fms"
      % (mode, len(ms), percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), max(ms),
         percentile(tot, 50), percentile(tot, 99))
      + (" (%d activation(s) asked again)" % retried if retried else ""))
