#!/usr/bin/python3
"""Rewrites the pass-rate table and the list of misses in tests/conformance/README.md from a
run of run.sh and known-misses.txt, so neither is edited by hand:
    tests/conformance/update-readme.py build/tools/ordo/ordo"""
import collections, pathlib, re, subprocess, sys

here = pathlib.Path(__file__).resolve().parent
out = subprocess.run([str(here / "run.sh"), sys.argv[1]], capture_output=True, text=True).stdout
rows = [l.split() for l in out.splitlines() if re.match(r"^(flowable|camunda)\s", l)]
table = ["| suite | package | cases | pass | rate |", "| --- | --- | ---: | ---: | ---: |"]
totals = {}
for suite, package, cases, passed, rate in rows:
    if package == "ALL":
        totals[suite] = (int(cases), int(passed), rate)
        package = "**ALL**"
    table.append(f"| {suite} | {package} | {cases} | {passed} | {rate} |")

misses = collections.OrderedDict()
for line in (here / "known-misses.txt").read_text().splitlines():
    if not line.strip() or line.startswith("#"):
        continue
    case, reason = line.split(None, 1)
    suite, package, name = case.split("/", 2)
    misses.setdefault(f"{suite} / {package}", []).append(f"- `{name}`: {reason.strip()}")
listing = ["The same list as `known-misses.txt` (which `run.sh` enforces), by suite and package."]
for group in sorted(misses):
    listing += ["", f"### {group}", ""] + misses[group]

readme = (here / "README.md").read_text()
f, c = totals["flowable"], totals["camunda"]
summary = (f"Produced by `tests/conformance/update-readme.py build/tools/ordo/ordo` (which runs `run.sh`) at the\n"
           f"commit that last changed this table: {f[0]} Flowable cases ({f[2]} pass) and {c[0]} Camunda 7 cases\n"
           f"({c[2]} pass), {f[0] - f[1]} and {c[0] - c[1]} misses, each listed below with its reason.")
readme = re.sub(r"(## Pass rates\n\n).*?(\n\n## Cases that do not pass, and why\n\n).*?(\n\n## What is transcribed)",
                lambda m: m.group(1) + summary + "\n\n" + "\n".join(table) + m.group(2) + "\n".join(listing) + m.group(3),
                readme, flags=re.S)
(here / "README.md").write_text(readme)
print(out.strip().splitlines()[-1] if out.strip() else "run.sh printed nothing", file=sys.stderr)
