"""Differencing experiment for docs/decisions/disclosure-across-releases.md: two releases
*without* final periods, one random record added between them. A linear program over both
releases of the changed period, knowing every cell grew by 0 or 1, bounds each count hidden
in release 1; counts how often one is exact or narrower than 5.

    python benchmarks/disclosure_differencing.py service-sperrmuell 30 columns,rows
"""

import random
import sys

import numpy as np
import yaml

sys.path.insert(0, ".")
from scipy.optimize import linprog

from pipelines.kinds.service_records import Source
from pipelines.statistics.aggregate import aggregate
from pipelines.statistics.cube import Cube
from pipelines.statistics.published_form import base_cube, candidate_forms, protect_form
from tests.service_support import read_raw

ds = sys.argv[1]
runs = int(sys.argv[2])
with open(f"datasets/{ds}/dataset.yaml", encoding="utf-8") as declaration:
    src = Source(**yaml.safe_load(declaration)["source"])
spec, rules = src.spec(), src.rules()
records = read_raw(ds)
T = "Insgesamt"


def publish(recs, form):
    cube, _ = base_cube(Cube.from_aggregator(aggregate(recs, spec), spec), 5)
    for name, coarse, pf in candidate_forms(cube, rules.groups, spec, True):
        if list(name) == form:
            return protect_form(coarse, spec, rules.protection(), name, pf)


form = sys.argv[3].split(",") if len(sys.argv) > 3 else []
r1 = publish(records, form)
pf = r1.period_field
rng = random.Random(14)
exposed = narrowed = 0
for _ in range(runs):
    extra = dict(rng.choice(records))
    r2 = publish(records + [extra], form)
    period = next(
        r[pf]
        for r in r2.rows
        if True
        and r[spec.row_field] == T
        and r[spec.column_field] == T
        and r["anzahl"]
        != next(
            (q["anzahl"] for q in r1.rows if q[pf] == r[pf] and q[spec.row_field] == T and q[spec.column_field] == T),
            None,
        )
    )
    a = {(r[spec.row_field], r[spec.column_field]): r for r in r1.rows if r[pf] == period}
    b = {(r[spec.row_field], r[spec.column_field]): r for r in r2.rows if r[pf] == period}
    cells = sorted(set(a) | set(b))
    rows_l = sorted({c[0] for c in cells} - {T}) + [T]
    cols_l = sorted({c[1] for c in cells} - {T}) + [T]
    full = [(r, c) for r in rows_l for c in cols_l]
    idx: dict[tuple[int, tuple[str, str]], int] = {}
    for rel in (0, 1):
        for c in full:
            idx[(rel, c)] = len(idx)
    bounds: list[tuple[int, int | None]] = []  # None: no upper bound
    for rel, c in idx:
        src_rows = a if rel == 0 else b
        r = src_rows.get(c)
        if r is None:
            bounds.append((0, 0))
        elif r["gesperrt"]:
            bounds.append((1, None))
        else:
            bounds.append((r["anzahl"], r["anzahl"]))
    eq, ub, bub = [], [], []
    for rel in (0, 1):
        for r in rows_l:
            row = np.zeros(len(idx))
            for c in cols_l[:-1]:
                row[idx[(rel, (r, c))]] = 1
            row[idx[(rel, (r, T))]] -= 1
            eq.append(row)
        for c in cols_l:
            row = np.zeros(len(idx))
            for r in rows_l[:-1]:
                row[idx[(rel, (r, c))]] = 1
            row[idx[(rel, (T, c))]] -= 1
            eq.append(row)
    for c in full:  # one record added: every cell grows by 0 or 1
        row = np.zeros(len(idx))
        row[idx[(1, c)]] = 1
        row[idx[(0, c)]] = -1
        ub.append(row)
        bub.append(1)
        ub.append(-row)
        bub.append(0)
    worst = None
    for c in full:
        if c in a and a[c]["gesperrt"]:
            ends = []
            for sgn in (1, -1):
                o = np.zeros(len(idx))
                o[idx[(0, c)]] = sgn
                res = linprog(
                    o,
                    A_eq=np.array(eq),
                    b_eq=np.zeros(len(eq)),
                    A_ub=np.array(ub),
                    b_ub=np.array(bub),
                    bounds=bounds,
                    method="highs",
                )
                if res.status == 3:  # unbounded
                    ends.append(np.inf)
                    continue
                if res.fun is None:
                    raise RuntimeError(res.message)
                ends.append(sgn * res.fun)
            width = ends[1] - ends[0]
            worst = width if worst is None else min(worst, width)
    exposed += worst is not None and worst < 0.5
    narrowed += worst is not None and worst < 5
print(ds, form, "runs", runs, "earlier hidden value exact in", exposed, "narrower than 5 in", narrowed)
