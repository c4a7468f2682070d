"""What both benchmark scripts (run.py for the pages, sweep.py for the reminder sweep) need:
a free port, and the facts about the machine each report starts with."""

import os
import platform
import re
import socket
from pathlib import Path


def signing_key() -> str:
    """A fresh Ed25519 credential signing key (multibase), as production's settings require."""
    import base58
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58.b58encode(b"\x80\x26" + raw).decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine_facts() -> dict[str, str]:
    """CPUs, CPU model, RAM, Python and PostgreSQL (Django's connection must be set up)."""
    from django.db import connection

    cpu = ram = "unknown"
    try:
        info = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
        cpu = found.group(1).strip() if found else platform.processor() or "unknown"
        mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = str(cursor.fetchone()[0])
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU model": cpu,
        "RAM": ram,
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
    }
