#!/usr/bin/env python3
"""Turn a text file into a C header holding it as one string constant."""
import sys

src, dst, name = sys.argv[1:4]
with open(src, encoding="utf-8") as f:
    text = f.read()
with open(dst, "w", encoding="utf-8") as out:
    out.write(f"/* generated from {src.split('/')[-1]}; do not edit */\n")
    out.write(f"static const char {name}[] =\n")
    for line in text.splitlines(keepends=True):
        esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out.write(f'\t"{esc}"\n')
    out.write(";\n")
