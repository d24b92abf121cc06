"""The pieces of ``run.py`` and the other benchmark scripts.

- ``config``: the sections, the contenders, the sizes of a full and a quick run;
- ``contenders``, ``data``, ``measure``, ``tasks``: what runs inside each
  contender's own process;
- ``processes``, ``sections``, ``environment``: the parent side, which starts
  those processes and collects their results;
- ``tables``, ``targets``, ``descriptions``, ``report``: RESULTS.md.
"""
