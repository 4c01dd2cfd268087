"""What the benchmark table scripts (micro_table.py, load_table.py) share: the
machine's description and the rewrite of a marked section of docs/benchmarks.md."""

import platform
import subprocess
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def nproc():
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def update_doc(path, begin_mark, end_mark, table, writer):
    """Replaces what stands between the two marker lines of `path` with `table`;
    exits naming `writer` and the markers when they are missing."""
    with open(path) as f:
        text = f.read()
    begin, end = text.find(begin_mark), text.find(end_mark)
    if begin < 0 or end < begin:
        sys.exit(f"{writer}: {path} has no {begin_mark} ... {end_mark} section to replace")
    text = text[: begin + len(begin_mark)] + "\n" + table + "\n" + text[end:]
    with open(path, "w") as f:
        f.write(text)
