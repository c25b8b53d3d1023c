"""Public knapsack benchmark instances with known optima, read as plans.

The files and their formats are described in tests/data/README.md:

- orlib/mknap1.txt, orlib/mknapcb1.txt: multidimensional, optimum in each problem's header;
- orlib/mknap2.txt: multidimensional, free text and blocks; capacities come before weights;
- kp/low-dimensional/f1..f10, kp/high-dimensional/knapPI_*: one constraint, optima in
  kp/optimum.csv.

`to_plan` maps an instance to a plan exactly as the README says, through the plan-file
document, so that the plan is validated like any other.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from optimizer import Plan, plan_from_dict
from tests.conftest import BENCHMARKS

ORLIB = BENCHMARKS / "orlib"
KP = BENCHMARKS / "kp"

# optimum.csv rounds f5's optimum to 4 decimals; the README gives it to 6.
F5_OPTIMUM = 481.069368


@dataclass(frozen=True)
class Instance:
    name: str
    profits: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]  # one row of n weights per constraint
    capacities: tuple[float, ...]
    optimum: float
    # An optimal 0/1 selection, where the file gives one (knapPI files).
    solution: tuple[int, ...] | None = None

    @property
    def n(self) -> int:
        return len(self.profits)

    @property
    def m(self) -> int:
        return len(self.capacities)

    @property
    def integral(self) -> bool:
        """Whether every profit is a whole number (the optimum can be compared exactly)."""
        return all(float(p).is_integer() for p in self.profits)


def _number(token: str) -> int | float:
    return int(token) if re.fullmatch(r"[+-]?\d+", token) else float(token)


def _numbers(text: str) -> list[int | float]:
    """Every number of `text`; `//` starts a comment that runs to the end of the line."""
    tokens = []
    for line in text.splitlines():
        tokens += line.split("//", 1)[0].split()
    return [_number(token) for token in tokens]


def _take(numbers: list[int | float], start: int, count: int) -> tuple[int | float, ...]:
    chunk = numbers[start:start + count]
    if len(chunk) != count:
        raise ValueError(f"expected {count} numbers at position {start}, found {len(chunk)}")
    return tuple(chunk)


def _check(instance: Instance) -> Instance:
    if any(len(row) != instance.n for row in instance.weights):
        raise ValueError(f"{instance.name}: a weight row does not have {instance.n} entries")
    if len(instance.weights) != instance.m or instance.n == 0:
        raise ValueError(f"{instance.name}: {len(instance.weights)} weight rows for "
                         f"{instance.m} capacities")
    return instance


def parse_orlib(path: Path, prefix: str | None = None, first: int = 1) -> list[Instance]:
    """mknap1.txt / mknapcb1.txt: count; per problem `n m optimum`, profits, rows, capacities."""
    numbers = _numbers(path.read_text())
    prefix = prefix or path.stem
    count, position = int(numbers[0]), 1
    instances = []
    for k in range(count):
        n, m, optimum = _take(numbers, position, 3)
        n, m = int(n), int(m)
        position += 3
        profits = _take(numbers, position, n)
        position += n
        weights = tuple(_take(numbers, position + i * n, n) for i in range(m))
        position += m * n
        capacities = _take(numbers, position, m)
        position += m
        instances.append(_check(Instance(f"{prefix}-{k + first:02d}", profits, weights,
                                         capacities, optimum)))
    if position != len(numbers):
        raise ValueError(f"{path.name}: {len(numbers) - position} numbers after the last problem")
    return instances


def parse_mknap2(path: Path) -> list[Instance]:
    """mknap2.txt: `problem NAME.DAT` blocks, each followed by `m n`, profits, capacities,
    rows of weights and the optimum. The EXAMPLE block is commented WEING1 and is skipped."""
    blocks = [b.strip() for b in re.split(r"^\s*\++\s*$", path.read_text(), flags=re.M)]
    instances = []
    for header, body in zip(blocks, blocks[1:], strict=False):
        match = re.fullmatch(r"problem\s+(\S+)\.DAT", header, flags=re.I)
        if match is None:
            continue
        numbers = _numbers(body)
        m, n = int(numbers[0]), int(numbers[1])
        if len(numbers) != 2 + n + m + m * n + 1:
            raise ValueError(f"{match.group(1)}: {len(numbers)} numbers for m={m} n={n}")
        profits = _take(numbers, 2, n)
        capacities = _take(numbers, 2 + n, m)
        weights = tuple(_take(numbers, 2 + n + m + i * n, n) for i in range(m))
        instances.append(_check(Instance(match.group(1), profits, weights, capacities,
                                         numbers[-1])))
    return instances


def kp_optima(path: Path = KP / "optimum.csv") -> dict[str, float]:
    with path.open(newline="") as handle:
        optima = {row["Instance_Name"].strip(): _number(row["optimum"].strip())
                  for row in csv.DictReader(handle)}
    if "f5_l-d_kp_15_375" in optima:
        optima["f5_l-d_kp_15_375"] = F5_OPTIMUM
    return optima


def parse_kp(path: Path, optimum: float) -> Instance:
    """First line `n capacity`, then n lines `value weight`; knapPI files then give an
    optimal 0/1 selection of the n items."""
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    n, capacity = int(lines[0][0]), _number(lines[0][1])
    items = [tuple(_number(t) for t in line) for line in lines[1:n + 1]]
    if len(items) != n or any(len(item) != 2 for item in items):
        raise ValueError(f"{path.name}: expected {n} lines of `value weight`")
    rest = [t for line in lines[n + 1:] for t in line]
    solution = None
    if rest:
        solution = tuple(int(t) for t in rest)
        if len(solution) != n or set(solution) - {0, 1}:
            raise ValueError(f"{path.name}: the selection line is not {n} zeros and ones")
    return _check(Instance(path.name, tuple(p for p, _ in items), (tuple(w for _, w in items),),
                           (capacity,), optimum, solution))


def _kp_set(folder: Path, pattern: str) -> list[Instance]:
    optima = kp_optima()
    paths = sorted(folder.glob(pattern), key=_natural)
    return [parse_kp(path, optima[path.name]) for path in paths]


def _natural(path: Path) -> list[int | str]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def mknap1() -> list[Instance]:
    return parse_orlib(ORLIB / "mknap1.txt")


def mknapcb1() -> list[Instance]:
    """Chu & Beasley 5.100 set; the header optima are best known values (README)."""
    return parse_orlib(ORLIB / "mknapcb1.txt", prefix="5.100", first=0)


def mknap2() -> list[Instance]:
    return parse_mknap2(ORLIB / "mknap2.txt")


def kp_low() -> list[Instance]:
    return _kp_set(KP / "low-dimensional", "f*")


def kp_high() -> list[Instance]:
    return _kp_set(KP / "high-dimensional", "knapPI_*")


def to_plan(instance: Instance) -> Plan:
    """The instance as a plan (benchmarks README): its optimal impact is the optimum."""
    ids = [f"i{j + 1:05d}" for j in range(instance.n)]
    single = instance.m == 1
    initiatives = []
    for j, item_id in enumerate(ids):
        initiative = {"id": item_id, "name": f"item {j + 1}",
                      "effects": {"value": instance.profits[j]}}
        if single:
            initiative["cost"] = instance.weights[0][j]
        else:
            initiative["cost"] = 0
            initiative["uses"] = {f"c{i + 1}": row[j] for i, row in enumerate(instance.weights)}
        initiatives.append(initiative)
    document = {
        "plan": instance.name,
        "max_focus": 1,
        "moments": [{"id": "value", "name": "value", "weight": 1}],
        "initiatives": initiatives,
    }
    if single:
        document["budget"] = instance.capacities[0]
    else:
        document["resources"] = [{"id": f"c{i + 1}", "capacity": capacity}
                                 for i, capacity in enumerate(instance.capacities)]
    return plan_from_dict(document)


def initiative_index(item_id: str) -> int:
    """The item index (0-based) of an initiative id made by `to_plan`."""
    return int(item_id[1:]) - 1


def mkcbres(path: Path = ORLIB / "mkcbres.txt") -> tuple[dict[str, float], dict[str, float]]:
    """mkcbres.txt: the best known value and the LP relaxation value of each 5.100 problem.

    The file lists the best known values first, then the LP relaxation values, each row
    `5.100-NN value`.
    """
    best: dict[str, float] = {}
    relaxation: dict[str, float] = {}
    for name, value in re.findall(r"^\s*(5\.100-\d\d)\s+(\S+)\s*$", path.read_text(), re.M):
        (relaxation if name in best else best)[name] = _number(value)
    return best, relaxation
