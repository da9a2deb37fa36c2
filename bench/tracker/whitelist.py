#!/usr/bin/env python3
"""Prints the hex infohashes announce.lua uses, one per line (opentracker's whitelist format)."""
import os, sys
n = int(os.environ.get("SWARMS", "10000"))
for i in range(n):
    sys.stdout.write((b"nixswarm" + i.to_bytes(12, "big")).hex() + "\n")
