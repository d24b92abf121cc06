"""RESULTS.md: the header, the targets, the sections, and the GPU block kept."""

import os

from .config import CLASSIFIERS, REGRESSORS, SECTIONS
from .descriptions import describe
from .tables import (
    report_fits,
    report_imports,
    report_latency,
    report_memory,
    report_search,
    report_simple,
    table,
)
from .targets import target_rows


def header_lines(info, cfg, elapsed):
    m, v = info["machine"], info["versions"]
    load = lambda avg: "n/a" if avg is None else " / ".join(f"{x:.2f}" for x in avg)  # noqa: E731
    kind = "quick run: tiny sizes, a smoke test only" if cfg["quick"] else "full run"
    if list(cfg["sections"]) != list(SECTIONS):
        kind += ", sections " + ", ".join(cfg["sections"])
    return [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` ({kind}) on {info['date']}, "
        f"in {elapsed / 60:.1f} minutes. Do not edit by hand: run it again.",
        "",
        f"Machine: {m['platform']} ({m['machine']}), {m['cpus']} CPUs, Python {m['python']}; "
        f"load average (1 / 5 / 15 min) {load(m['load'])} at the start, "
        f"{load(info['load_end'])} at the end. The machine may be shared: compare the ratios "
        "within a table, measured side by side in this one run, rather than absolute seconds.",
        "",
        "Versions: "
        + ", ".join(f"{name} {version}" for name, version in v.items())
        + f"; Keras backend: {info['backend']}."
        + (f" skdl source: {info['source']}." if info.get("source") else ""),
        "",
        "Each contender runs in its own fresh process; thread settings are left to the "
        "libraries' defaults (`TF_CPP_MIN_LOG_LEVEL=2` only silences TensorFlow's logs).",
    ]


def section_blocks(results, cfg):
    """``(letter, description, tables)`` of every section that ran, in order."""
    reports = {
        "a": report_imports,
        "b": lambda r: report_fits(r, cfg),
        "c": report_latency,
        "d": lambda r: report_simple(r, REGRESSORS, "fit_s"),
        "e": lambda r: report_simple(r, CLASSIFIERS, "cv_s", ("accuracy", "mean accuracy")),
        "f": report_search,
        "g": lambda r: report_memory(r, cfg),
        "h": lambda r: f"error: {r['error']}" if "error" in r else "\n".join(r["table"]),
    }
    return [
        (letter, describe(letter, cfg), reports[letter](results[letter]))
        for letter in SECTIONS
        if letter in results
    ]


# the block of RESULTS.md that gpu.py writes
GPU_BEGIN, GPU_END = "<!-- gpu.py: begin -->", "<!-- gpu.py: end -->"


def gpu_block(path):
    """The GPU figures that ``gpu.py`` wrote into the report at ``path`` (they need a
    GPU machine, so a run of this script keeps them), with a blank line before."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return ""
    if GPU_BEGIN not in text or GPU_END not in text:
        return ""
    return "\n" + GPU_BEGIN + text.split(GPU_BEGIN, 1)[1].split(GPU_END, 1)[0] + GPU_END + "\n"


def write_report(path, results, info, cfg, elapsed):
    lines = header_lines(info, cfg, elapsed)
    targets = target_rows(results)
    if targets:
        lines += ["", "## Targets", "", "Computed from the numbers below.", ""]
        lines.append(table(["target", "measured", "verdict"], targets))
    for letter, description, body in section_blocks(results, cfg):
        lines += ["", f"## ({letter}) {SECTIONS[letter]}", "", description, "", body]
    text = "\n".join(lines) + "\n" + gpu_block(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)
    return text
