"""match_bench's measurements of the process and the machine: peak memory, load, percentiles, and the bare
sparse product floor (on a processed corpus, no database)."""

import math
import resource
import time


def reset_peak_memory() -> bool:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def peak_memory_mib() -> float:
    """Peak resident memory since the last reset (VmHWM), else over the process's life (ru_maxrss)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "?"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def floor_product(index) -> float:
    """(b) The bare sparse product: TF-IDF opportunities × companies, float32, in blocks on the engine's
    threads, each block's result dropped."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from ...matching.engine import WORKERS

    opportunities = index.opportunity_vectors.astype(np.float32)
    companies_t = index.profiles.astype(np.float32).T.tocsr()
    block = 256
    started = time.perf_counter()

    def product(start: int) -> int:
        return (opportunities[start : start + block] @ companies_t).nnz

    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        list(executor.map(product, range(0, opportunities.shape[0], block)))
    return time.perf_counter() - started
