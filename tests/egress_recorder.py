"""Runs the `vankien` command with a Python audit hook that records each attempt of the process to
reach another machine: a connection, a datagram or a name lookup to anything but the loopback
(127.0.0.0/8, ::1, localhost). One JSON line per attempt goes to $VANKIEN_EGRESS_LOG.

    VANKIEN_EGRESS_LOG=/tmp/egress.jsonl python tests/egress_recorder.py serve --index DIR

The hook sees the server process and its threads; it sees no child process.
"""
from __future__ import annotations

import ipaddress
import json
import os
import sys

LOG = os.environ["VANKIEN_EGRESS_LOG"]


def outside(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host in ("", "localhost"):
        return False
    try:
        return not ipaddress.ip_address(str(host).split("%")[0].strip("[]")).is_loopback
    except ValueError:
        return True  # a name to look up: an attempt to find another machine


def host_of(event: str, args: tuple):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        return address[0] if isinstance(address, tuple) and address else None  # AF_UNIX paths are local
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        return args[0]
    if event == "http.client.connect":
        return args[1]
    return None


def hook(event: str, args: tuple) -> None:
    if not event.startswith(("socket.", "http.client.")):
        return
    host = host_of(event, args)
    if outside(host):
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "host": str(host)}) + "\n")


sys.addaudithook(hook)

if __name__ == "__main__":
    from vankien.cli.main import main

    sys.exit(main(sys.argv[1:]))
