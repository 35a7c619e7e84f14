#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
Extracts the report descriptors written out in hid-tools' own tests
(tests/*.py: byte lists in test functions and fixtures, and hid-recorder /
binary / commented-dump strings) into hid-recorder files for the
kernel-parity sweep.  The module is read, never imported or run.

    extract.py SRC REPO@COMMIT OUTDIR FILE.py...

A descriptor without a device name or ID gets hid-tools' own defaults for
a uhid test device: bus USB, vendor 0x0001, product 0x0002
(hidtools/device/base_device.py, BaseDevice.__init__).  Descriptors already
seen (same bytes and ID) are written once, the other places named in an
`also-in` comment.  Not run by the test suite: its output is checked in.
"""
import ast
import os
import re
import sys

src, origin, outdir, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
found = {}
order = []


def add(rdesc, where, label, name="uhid test device", info=(3, 1, 2)):
    key = (bytes(rdesc), info)
    if key in found:
        found[key]["also"].append(where)
        return
    found[key] = {"where": where, "label": label, "name": name, "also": []}
    order.append(key)


def from_recording(text):
    """(bytes, name, info) for each R: line of a hid-recorder text."""
    name, info, out = "uhid test device", (3, 1, 2), []
    for line in text.splitlines():
        if line.startswith("N: "):
            name = line[3:].strip()
        elif line.startswith("I: "):
            bus, vid, pid = line[3:].split()[:3]
            info = (int(bus, 16), int(vid, 16), int(pid, 16))
    for line in text.splitlines():
        if line.startswith("R: "):
            words = line.split()[2:]
            out.append((bytes(int(w, 16) for w in words), name, info))
    return out


for rel in files:
    path = os.path.join(src, rel)
    tree = ast.parse(open(path).read(), path)
    stem = os.path.splitext(os.path.basename(rel))[0].removeprefix("test_")
    scopes = []

    class Visitor(ast.NodeVisitor):
        def visit_FunctionDef(self, node):
            scopes.append(node.name)
            self.generic_visit(node)
            scopes.pop()

        def visit_Assign(self, node):
            if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and not scopes):
                scopes.append(node.targets[0].id)
                self.generic_visit(node)
                scopes.pop()
            else:
                self.generic_visit(node)

        def visit_List(self, node):
            vals = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if (len(vals) == len(node.elts) >= 8
                    and all(isinstance(v, int) and 0 <= v <= 255 for v in vals)):
                scope = scopes[-1] if scopes else "module"
                add(vals, f"{rel}:{node.lineno} ({scope})", f"{stem}-{scope}")
            self.generic_visit(node)

        def visit_Constant(self, node):
            scope = scopes[-1] if scopes else "module"
            where = f"{rel}:{node.lineno} ({scope})"
            v = node.value
            if isinstance(v, str) and re.search(r"^R: \d+ ", v, re.M):
                for rdesc, name, info in from_recording(v):
                    add(rdesc, where, f"{stem}-{scope}", name, info)
            elif isinstance(v, str) and re.search(r"^# 0x[0-9a-f]{2},", v, re.M):
                words = re.findall(r"^# ((?:0x[0-9a-f]{2}, )+)", v, re.M)
                rdesc = [int(b, 16) for w in words for b in w.split(", ") if b]
                add(rdesc, where, f"{stem}-{scope}")
            elif isinstance(v, bytes) and len(v) >= 8:
                add(v, where, f"{stem}-{scope}")

    Visitor().visit(tree)

os.makedirs(outdir, exist_ok=True)
names = set()
for key in order:
    d = found[key]
    rdesc, (bus, vid, pid) = key
    base = "".join(c for c in d["label"].lower().replace("_", "-") if c.isalnum() or c == "-")
    fname, n = base, 2
    while fname in names:
        fname, n = f"{base}-{n}", n + 1
    names.add(fname)
    with open(os.path.join(outdir, fname + ".hid"), "w") as f:
        f.write(f"# source: {origin} {d['where']}\n")
        for a in d["also"]:
            f.write(f"# also-in (same descriptor and ID): {a}\n")
        f.write(f"N: {d['name']}\n")
        f.write(f"I: {bus:x} {vid:04x} {pid:04x}\n")
        f.write(f"R: {len(rdesc)} {' '.join(f'{b:02x}' for b in rdesc)}\n")
print(f"{len(order)} distinct descriptors written to {outdir}", file=sys.stderr)
