"""Samples CPU once a second while a load run goes: the machine, the load generator (every process
carrying LT_RESULTS=<results> in its environment), each part of the shop (found by the port it
listens on, with its child processes: PostgreSQL's backends; where the AppHost's DCP proxies a
service's port, the service's own processes, every replica, found by name: Commerce.<Name>) and
Aspire's own processes (the AppHost, DCP and the dashboard, as "aspire"). Writes
<results>/cpu.csv in cores (1.0 = one core busy) until it gets SIGTERM.

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


ASPIRE = "aspire"


def is_aspire(p: psutil.Process) -> bool:
    name = p.info.get("name") or ""
    return name in ("dcp", "Aspire.Dashboard") or any("Commerce.AppHost" in a for a in p.info.get("cmdline") or [])


def parts(ports: dict[int, str]) -> dict[str, list[int]]:
    """The processes to count for each part: a listener's tree, or the service itself behind DCP's proxy."""
    found: dict[str, list[int]] = {}
    procs = list(psutil.process_iter(["pid", "name", "cmdline"]))
    for name, pid in listeners(ports).items():
        try:
            proxied = psutil.Process(pid).name() == "dcp"
        except psutil.NoSuchProcess:
            continue
        if not proxied:
            found[name] = [pid]  # its tree, read at every sample (PostgreSQL starts backends)
            continue
        exe = f"Commerce.{name.capitalize()}"
        found[name] = [p.pid for p in procs
                       if any(os.path.basename(a) in (exe, exe + ".dll") for a in (p.info.get("cmdline") or [])[:2])]
    found[ASPIRE] = [p.pid for p in procs if is_aspire(p)]
    return found


def processes(name: str, pids: list[int], ports: dict[int, str]) -> list[psutil.Process]:
    if name in ports.values() and len(pids) == 1:
        return tree(pids[0])
    out = []
    for pid in pids:
        try:
            out.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    return out


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
    names = [*dict.fromkeys(ports.values()), ASPIRE]
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out = (Path(results) / "cpu.csv").open("w")
    out.write("time,machine,load1," + ",".join(["loadgen", *names]) + "\n")
    seen: dict[str, dict[int, float]] = {n: {} for n in ["loadgen", *names]}
    psutil.cpu_percent()
    # Baseline the counters so the first row is one interval, not a lifetime.
    found = parts(ports)
    for name, pids in found.items():
        cpu_seconds(processes(name, pids, ports), seen[name])
    cpu_seconds(load_generator(results), seen["loadgen"])
    last = time.time()
    tick = 0
    while running:
        time.sleep(1.0)
        now = time.time()
        interval = now - last
        last = now
        tick += 1
        if tick % 10 == 0 or len(found) < len(names):
            found.update(parts(ports))
        row = [f"{now:.1f}", f"{psutil.cpu_percent() / 100 * psutil.cpu_count():.3f}", f"{os.getloadavg()[0]:.2f}",
               f"{cpu_seconds(load_generator(results), seen['loadgen']) / interval:.3f}"]
        for name in names:
            row.append(f"{cpu_seconds(processes(name, found[name], ports), seen[name]) / interval:.3f}" if found.get(name) else "")
        out.write(",".join(row) + "\n")
        out.flush()
    out.close()


if __name__ == "__main__":
    main()
