"""Network checks for the dev scripts, with Python's standard library only (curl may not
be installed).

usage: net.py listening PORT          exit 0 if something accepts connections on 127.0.0.1:PORT
       net.py wait URL SECONDS        exit 0 once URL answers 2xx, 1 if it has not by then
"""
import socket
import sys
import time
import urllib.request


def listening(port):
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", int(port))) == 0


def wait(url, seconds):
    deadline = time.monotonic() + float(seconds)
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if 200 <= response.status < 300:
                    return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["listening"]:
        sys.exit(0 if listening(sys.argv[2]) else 1)
    if sys.argv[1:2] == ["wait"]:
        sys.exit(0 if wait(sys.argv[2], sys.argv[3]) else 1)
    sys.exit(__doc__)
