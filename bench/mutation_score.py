"""Mutation score per module from the last `mutmut run` (make mutate), equivalent mutants set aside.

Reads mutmut's results (mutants/<module>.meta) and bench/mutants-equivalent.txt, and prints per
module: mutants, killed, survived, equivalent and the score killed / (total − equivalent).

An equivalent entry names a mutant and a piece of its mutated code; the entry counts only while
that code is still in the mutant (mutmut numbers mutants per function, so an edit to the function
renumbers them) and only while the mutant survives. Stale or killed entries are reported, never
silently subtracted, so the score stays reproducible and honest.

    .venv/bin/python bench/mutation_score.py [--fail-under 95] [--survivors] [--mutants DIR]
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENT = Path(__file__).resolve().parent / "mutants-equivalent.txt"
MODULES = (
    "scoring/rules.py",
    "scoring/recheck.py",
    "scoring/targets.py",
    "scoring/monitoring.py",
    "evalsys/lib/parsing.py",
)

# mutmut 3.8.1's exit codes (mutmut/stats.py): tests failed = killed; SIGXCPU or 36/255 = timeout
# (the mutant looped, which the tests noticed); 0 = survived; 33/5 = no test reached it.
KILLED = {1, 3, 37}
TIMEOUT = {24, -24, 152, 36, 255}
NOT_CHECKED = {None}


@dataclass
class Entry:
    name: str
    fingerprint: str
    why: str


@dataclass
class Score:
    module: str
    total: int = 0
    killed: int = 0
    timeout: int = 0
    survived: list[str] = field(default_factory=list)
    not_checked: int = 0
    equivalent: list[str] = field(default_factory=list)

    @property
    def denominator(self) -> int:
        return self.total - len(self.equivalent)

    @property
    def score(self) -> float:
        return 100.0 * (self.killed + self.timeout) / self.denominator if self.denominator else 100.0


def read_equivalents(path: Path = EQUIVALENT) -> dict[str, Entry]:
    """`NAME | FINGERPRINT | WHY` lines; `#` starts a comment."""
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 3 or not all(parts):
            raise SystemExit(f"{path.name}:{number}: expected `NAME | FINGERPRINT | WHY`, got {line!r}")
        entries[parts[0]] = Entry(*parts)
    return entries


def mutant_sources(mutants: Path, module: str, names: set[str]) -> dict[str, str]:
    """Source of the named generated functions in the mutated copy (x_fmt__mutmut_9 …), spaces collapsed."""
    text = (mutants / module).read_text(encoding="utf-8")
    lines = text.splitlines()
    return {
        node.name: " ".join(" ".join(lines[node.lineno - 1 : node.end_lineno]).split())
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in names
    }


def score_module(mutants: Path, module: str, equivalents: dict[str, Entry], problems: list[str]) -> Score | None:
    meta = mutants / f"{module}.meta"
    if not meta.exists():
        return None
    exit_codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    sources = mutant_sources(mutants, module, {n.rsplit(".", 1)[-1] for n in equivalents})
    result = Score(module, total=len(exit_codes))
    for name, code in sorted(exit_codes.items()):
        if code in KILLED:
            result.killed += 1
        elif code in TIMEOUT:
            result.timeout += 1
        elif code in NOT_CHECKED:
            result.not_checked += 1
        else:
            result.survived.append(name)
    for name in result.survived[:]:
        entry = equivalents.get(name)
        if entry is None:
            continue
        function = name.rsplit(".", 1)[-1]
        if " ".join(entry.fingerprint.split()) not in sources.get(function, ""):
            problems.append(f"stale equivalent entry (its code is no longer that mutant): {name}")
            continue
        result.survived.remove(name)
        result.equivalent.append(name)
    prefix = module.removesuffix(".py").replace("/", ".") + "."
    for name in equivalents:
        detected = exit_codes.get(name, 0) in KILLED | TIMEOUT
        if name.startswith(prefix) and detected:
            problems.append(f"listed as equivalent but killed (remove it from the list): {name}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fail-under", type=float, default=0.0, help="exit 1 if a module scores below this")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--mutants", type=Path, default=MUTANTS, help="mutmut's folder (default: mutants/)")
    args = parser.parse_args()
    equivalents = read_equivalents()
    problems: list[str] = []
    scores = [s for m in MODULES if (s := score_module(args.mutants, m, equivalents, problems)) is not None]
    if not scores:
        print("No mutmut results in mutants/: run `make mutate` first.")
        return 1
    print(f"{'module':<24}{'mutants':>8}{'killed':>8}{'timeout':>8}{'survived':>9}{'equiv.':>7}{'score':>9}")
    for s in scores:
        print(
            f"{s.module:<24}{s.total:>8}{s.killed:>8}{s.timeout:>8}{len(s.survived):>9}{len(s.equivalent):>7}"
            f"{s.score:>8.1f}%"
        )
        if s.not_checked:
            problems.append(f"{s.module}: {s.not_checked} mutants not checked (the run was interrupted)")
    print("score = (killed + timeout) / (mutants − equivalent); equivalent mutants: bench/mutants-equivalent.txt")
    if args.survivors:
        for s in scores:
            for name in s.survived:
                print(f"  survived: {name}")
    for problem in problems:
        print(f"warning: {problem}")
    failing = [s.module for s in scores if s.score < args.fail_under]
    if failing:
        print(f"below {args.fail_under:g}%: {', '.join(failing)} (`.venv/bin/mutmut show NAME` shows a mutant)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
