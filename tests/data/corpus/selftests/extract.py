#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
Extracts every report descriptor of a hid-tools test suite into hid-recorder
files (N:/I:/R: lines), one per distinct device, for the kernel-parity sweep.

    extract.py SRC REPO@COMMIT OUTDIR SUBDIR...

SRC is a checkout of bentiss/hid-tools (or a tree laid out like it: the
Linux kernel's tools/testing/selftests/hid/tests is hid-tools' tests_kernel).
Each module of SRC/SUBDIR is imported and every test class that has a
create_device() is instantiated and asked for its device, as the test suite
does before it creates the uhid device; the bytes are the device's `rdesc`,
i.e. exactly what the suite gives the kernel.  /dev/uhid is never opened
(os.open of it is redirected to /dev/null) and nothing is written to the
kernel.  Devices with the same descriptor, bus, vendor and product are
written once, with the other classes named in an `also-in` comment.

Needs hid-tools' own dependencies (Debian: python3-parse python3-libevdev
python3-pyudev python3-pyroute2 python3-pytest); run with /usr/bin/python3.
Not run by the test suite: its output is checked in.
"""
import importlib
import inspect
import os
import sys

src, origin, outdir, subdirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path.insert(0, src)

_real_open = os.open


def _open(path, *args, **kwargs):
    if path == "/dev/uhid":
        return _real_open("/dev/null", os.O_RDWR)
    return _real_open(path, *args, **kwargs)


os.open = _open

devices = {}  # key -> dict
order = []


def slug(s):
    return "".join(c for c in s.lower() if c.isalnum() or c == "-")


def source_of(obj):
    try:
        path = inspect.getsourcefile(obj)
        line = inspect.getsourcelines(obj)[1]
    except (TypeError, OSError):
        return None
    return f"{os.path.relpath(path, src)}:{line}"


def add(dev, via, devcls, param=None):
    rdesc = bytes(dev.rdesc)
    bus, vid, pid = dev.info
    key = (rdesc, bus, vid, pid)
    where = f"{source_of(devcls)} ({devcls.__name__}"
    if via:
        where += f", via {via.__module__.split('.')[-1]}.{via.__qualname__}"
        where += f"[{param}])" if param else ")"
    else:
        where += ")"
    if key in devices:
        devices[key]["also"].append(where)
        return
    # named for the test that creates it (many tests share one device class)
    label = via.__name__.removeprefix("Test") if via else devcls.__name__
    if param:
        label += "-" + param.replace("/", "-")
    devices[key] = {"name": dev.name, "where": where, "also": [], "cls": label,
                    "mod": (via or devcls).__module__.split(".")[-1]}
    order.append(key)


def create_devices(cls, what):
    """The devices cls.create_device() makes, once per value of a
    parametrized class fixture (pytest.fixture(params=...)) if it has one."""
    params, ids = [None], [None]
    setter = None
    for attr in vars(cls).values():
        marker = getattr(attr, "_pytestfixturefunction", None)
        if marker is not None and marker.params:
            params = list(marker.params)
            ids = list(marker.ids) if marker.ids else [str(p) for p in params]
            setter = getattr(attr, "__pytest_wrapped__").obj
    devs = []
    for param, pid in zip(params, ids):
        try:
            if setter:
                class Request:
                    pass
                req = Request()
                req.param, req.cls = param, cls
                setter(cls(), req)
            dev = cls().create_device()
        except Exception as e:  # noqa: BLE001
            print(f"{what}: create_device failed: {e}", file=sys.stderr)
            continue
        if dev is not None and dev.rdesc is not None:
            devs.append((dev, pid))
    return devs


for sub in subdirs:
    pkg = sub.replace("/", ".")
    for fn in sorted(os.listdir(os.path.join(src, sub))):
        if not fn.endswith(".py") or fn.startswith("__"):
            continue
        modname = f"{pkg}.{fn[:-3]}"
        try:
            mod = importlib.import_module(modname)
        except Exception as e:  # noqa: BLE001
            print(f"skipping {modname}: {e}", file=sys.stderr)
            continue
        seen = set()
        # test classes nested in BaseTest holders are abstract; only the
        # module-level ones are collected by pytest
        for name, cls in sorted(vars(mod).items(), key=lambda kv: source_of(kv[1]) or ""):
            if not inspect.isclass(cls) or cls.__module__ != mod.__name__:
                continue
            if "create_device" in dir(cls) and name.startswith("Test"):
                for dev, pid in create_devices(cls, f"{modname}.{name}"):
                    add(dev, cls, type(dev), pid)
                    seen.add(type(dev))
        # device classes no test creates, if they need no arguments
        for name, cls in sorted(vars(mod).items(), key=lambda kv: source_of(kv[1]) or ""):
            if (not inspect.isclass(cls) or cls.__module__ != mod.__name__ or cls in seen
                    or "report_descriptor" not in vars(cls) or name.startswith("Test")):
                continue
            try:
                dev = cls()
            except Exception:  # noqa: BLE001
                continue
            if dev.rdesc is None:
                continue
            add(dev, None, cls)

os.makedirs(outdir, exist_ok=True)
names = set()
for key in order:
    d = devices[key]
    rdesc, bus, vid, pid = key
    base = slug(f"{d['mod'].removeprefix('test_')}-{d['cls']}")
    fname = base
    n = 2
    while fname in names:
        fname = f"{base}-{n}"
        n += 1
    names.add(fname)
    with open(os.path.join(outdir, fname + ".hid"), "w") as f:
        f.write(f"# source: {origin} {d['where']}\n")
        for a in d["also"]:
            f.write(f"# also-in (same descriptor and ID): {a}\n")
        f.write(f"N: {d['name']}\n")
        f.write(f"I: {bus:x} {vid:04x} {pid:04x}\n")
        f.write(f"R: {len(rdesc)} {' '.join(f'{b:02x}' for b in rdesc)}\n")
print(f"{len(order)} distinct devices written to {outdir}", file=sys.stderr)
