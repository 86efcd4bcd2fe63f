"""Samples CPU once a second while a load run goes: the machine, the load generator (every process
carrying LT_RESULTS=<results> in its environment) and each part of the shop (found by the port it
listens on, with its child processes: PostgreSQL's backends). Writes <results>/cpu.csv in cores
(1.0 = one core busy) until it gets SIGTERM.

Usage: monitor.py RESULTS_DIR name=port ...
"""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import psutil

running = True


def stop(*_):
    global running
    running = False


def listeners(ports: dict[int, str]) -> dict[str, int]:
    found = {}
    for c in psutil.net_connections(kind="tcp"):
        if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port in ports and c.pid:
            found[ports[c.laddr.port]] = c.pid
    return found


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root] + root.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def load_generator(results: str) -> list[psutil.Process]:
    procs = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.environ().get("LT_RESULTS") == results and "locust" in " ".join(p.cmdline()):
                procs.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return procs


def cpu_seconds(procs: list[psutil.Process], seen: dict[int, float]) -> float:
    """CPU seconds used since the last sample by these processes (new ones count from zero)."""
    used = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            now = t.user + t.system
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        used += now - seen.get(p.pid, 0.0)
        seen[p.pid] = now
    return used


def main() -> None:
    results = sys.argv[1]
    ports = {int(port): name for name, port in (a.split("=") for a in sys.argv[2:])}
    names = list(dict.fromkeys(ports.values()))
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out = (Path(results) / "cpu.csv").open("w")
    out.write("time,machine,load1," + ",".join(["loadgen", *names]) + "\n")
    seen: dict[str, dict[int, float]] = {n: {} for n in ["loadgen", *names]}
    pids: dict[str, int] = {}
    psutil.cpu_percent()
    # Baseline the counters so the first row is one interval, not a lifetime.
    pids = listeners(ports)
    for name, pid in pids.items():
        cpu_seconds(tree(pid), seen[name])
    cpu_seconds(load_generator(results), seen["loadgen"])
    last = time.time()
    tick = 0
    while running:
        time.sleep(1.0)
        now = time.time()
        interval = now - last
        last = now
        tick += 1
        if tick % 10 == 0 or len(pids) < len(names):
            pids.update(listeners(ports))
        row = [f"{now:.1f}", f"{psutil.cpu_percent() / 100 * psutil.cpu_count():.3f}", f"{os.getloadavg()[0]:.2f}",
               f"{cpu_seconds(load_generator(results), seen['loadgen']) / interval:.3f}"]
        for name in names:
            row.append(f"{cpu_seconds(tree(pids[name]), seen[name]) / interval:.3f}" if name in pids else "")
        out.write(",".join(row) + "\n")
        out.flush()
    out.close()


if __name__ == "__main__":
    main()
