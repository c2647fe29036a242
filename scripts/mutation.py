"""Mutation testing of the rule modules, one module at a time (``make mutation``; not run in CI).

Each target gets its own working copy under ``var/mutation/<target>/`` with a ``[tool.mutmut]``
section written for it: only that module is mutated and only the fast SQLite tests that exercise it
run (mutmut then picks, per mutant, the tests that call the mutated function). Targets are
independent, so two may run at once; results stay in the working copy until it is rebuilt.

    python scripts/mutation.py                  # every target, then the score table
    python scripts/mutation.py core_uscc        # one target
    python scripts/mutation.py --report         # only print the table from the last runs
    python scripts/mutation.py --survivors core_uscc   # list the surviving mutants
    python scripts/mutation.py --retest core_uscc      # rerun them against the current tests
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
# Every app is copied (Django needs them all); the list is the layers contract's.
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
# target: (files to mutate, mutant-name patterns or None for the whole files, test paths)
TARGETS = {
    "matchmaking_rules": (
        ["matchmaking/rules.py"],
        None,
        ["tests/matchmaking/test_rules.py"],
    ),
    "matchmaking_facts": (
        ["matchmaking/facts.py"],
        None,
        ["tests/matchmaking/test_engine.py", "tests/matchmaking/test_facts.py"],
    ),
    "core_sizing": (["core/sizing.py"], None, ["tests/core/test_sizing.py"]),
    "core_uscc": (["core/uscc.py"], None, ["tests/core/test_uscc.py"]),
    "core_workdays": (
        ["core/workdays.py"],
        None,
        ["tests/core/test_workdays.py", "tests/leads/test_deadlines_and_reminders.py"],
    ),
    "leads_services": (
        ["leads/services.py"],
        None,
        [
            "tests/leads",
            "tests/office",
            "tests/banks/test_access.py",
            "tests/enterprises/test_consent.py",
        ],
    ),
    "leads_selectors": (
        ["leads/selectors.py"],
        None,
        [
            "tests/leads",
            "tests/enterprises/test_consent.py",
            "tests/banks/test_access.py",
            "tests/config/test_access_table.py",
        ],
    ),
    # Consent and visibility: who may see a need, and the enterprise revoking an institution.
    "enterprises_consent": (
        ["enterprises/selectors.py", "enterprises/services.py"],
        [
            "enterprises.selectors.x_institution_may_see_need__mutmut_*",
            "enterprises.selectors.x_need_for_member__mutmut_*",
            "enterprises.services.x_financing_need_revoke_access__mutmut_*",
            "enterprises.services.x_need_member_check__mutmut_*",
        ],
        [
            "tests/enterprises/test_consent.py",
            "tests/enterprises/test_access.py",
            "tests/banks/test_access.py",
            "tests/matchmaking/test_engine.py",
        ],
    ),
    # Access checks: role predicates and the officer's institution scoping of banks pages.
    "access_checks": (
        ["accounts/permissions.py", "banks/selectors.py"],
        [
            "accounts.permissions.*",
            "banks.selectors.x_product_for_officer__mutmut_*",
            "banks.selectors.x_colleague_for_officer__mutmut_*",
            "banks.selectors.x_products_for_institution__mutmut_*",
        ],
        [
            "tests/banks/test_access.py",
            "tests/banks/test_officers.py",
            "tests/office/test_office_access.py",
            "tests/enterprises/test_access.py",
            "tests/accounts/test_pages.py",
            "tests/accounts/test_permissions.py",
            "tests/banks/test_selectors.py",
        ],
    ),
}
TEMPLATE_DB = "template.sqlite3"
PYTEST_ARGS = ["-p", "no:randomly", "-p", "no:cacheprovider", "-n", "0", "-q"]


def _toml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _env(target: str):
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PORTAL_REQUIRE_SERVICES"):
        env.pop(name, None)  # fast SQLite and the file-system broker
    env["DJANGO_DEBUG"] = "1"
    env["PORTAL_MUTATION"] = "1"  # tests/conftest.py leaves out worker, SMTP, browser tests
    # Each mutant's pytest copies this migrated database instead of migrating its own.
    env["PORTAL_MUTATION_DB"] = str(WORK / target / TEMPLATE_DB)
    return env


def prepare(target: str) -> Path:
    files, _patterns, tests = TARGETS[target]
    workdir = WORK / target
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, workdir / name)
    tests = [t for t in tests if (workdir / t).exists()]
    pyproject = (workdir / "pyproject.toml").read_text()
    pyproject += (
        "\n[tool.mutmut]\n"
        f"source_paths = {_toml_list(APPS)}\n"
        f"only_mutate = {_toml_list(files)}\n"
        f"also_copy = {_toml_list(['manage.py', 'templates', 'static', 'locale', 'pyproject.toml'])}\n"
        f"pytest_add_cli_args = {_toml_list(PYTEST_ARGS)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        "use_git_change_detection = false\n"
        # mutmut's timeout is wall-clock: on a shared, loaded machine a pytest start alone can
        # pass the default (15 × the tests' time + 1 s), so give every mutant a minute's margin.
        "timeout_constant = 60.0\n"
    )
    (workdir / "pyproject.toml").write_text(pyproject)
    env = _env(target) | {"DATABASE_URL": f"sqlite:///{workdir / TEMPLATE_DB}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=workdir,
        env=env,
        check=True,
    )
    return workdir


def run(target: str, max_children: int, *, resume: bool = False) -> int:
    """Mutate ``target``; with ``resume``, go on with the mutants a stopped run left unchecked."""
    workdir = WORK / target
    if not (resume and (workdir / "mutants").exists()):
        workdir = prepare(target)
    _files, patterns, _tests = TARGETS[target]
    mutmut = Path(sys.executable).parent / "mutmut"
    command = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(max_children)]
    command += patterns or []
    with open(workdir / "mutmut.log", "w") as log:
        return subprocess.call(command, cwd=workdir, env=_env(target), stdout=log, stderr=log)


def retest(target: str, max_children: int) -> int:
    """Run the survivors of the last run again against the tests as they are now."""
    workdir = WORK / target
    survivors = [name for name, status in (results(target) or {}).items() if status == "survived"]
    if not survivors:
        return 0
    shutil.rmtree(workdir / "tests")
    shutil.copytree(ROOT / "tests", workdir / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    mutmut = Path(sys.executable).parent / "mutmut"
    command = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(max_children)]
    with open(workdir / "mutmut-retest.log", "w") as log:
        return subprocess.call(
            command + survivors, cwd=workdir, env=_env(target), stdout=log, stderr=log
        )


def results(target: str) -> dict[str, str] | None:
    """mutant name -> status, read from the last run of ``target``."""
    workdir = WORK / target
    if not (workdir / "mutants").exists():
        return None
    _files, patterns, _tests = TARGETS[target]
    mutmut = Path(sys.executable).parent / "mutmut"
    out = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=workdir,
        env=_env(target),
        capture_output=True,
        text=True,
    ).stdout
    from fnmatch import fnmatch

    statuses = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name or "__mutmut_" not in name:
            continue
        if patterns and not any(fnmatch(name, p) for p in patterns):
            continue
        statuses[name] = status
    return statuses


def report(*, markdown: bool = False) -> None:
    """The score table. A timeout counts as killed (the mutant did not pass in time); "no tests"
    and "not checked" count against the score, so a partial run shows a partial score."""
    columns = ["module", "mutants", "killed", "timeout", "survived", "no tests", "not run", "score"]
    rows = []
    for target in TARGETS:
        statuses = results(target)
        if statuses is None:
            rows.append([target, "(not run)", "", "", "", "", "", ""])
            continue
        count = Counter(statuses.values())
        total = len(statuses)
        killed = count["killed"] + count["caught by type check"]
        detected = killed + count["timeout"]
        score = f"{100 * detected / total:.1f}%" if total else "-"
        left = [count["timeout"], count["survived"], count["no tests"], count["not checked"]]
        rows.append([target, total, killed, *left, score])
    if markdown:
        print("| " + " | ".join(columns) + " |")
        print("| --- |" + " ---: |" * (len(columns) - 1))
        for row in rows:
            print("| " + " | ".join(str(cell) for cell in row) + " |")
        return
    print(f"{columns[0]:<20}" + "".join(f" {c:>9}" for c in columns[1:]))
    for row in rows:
        print(f"{row[0]:<20}" + "".join(f" {cell!s:>9}" for cell in row[1:]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[])
    parser.add_argument("--report", action="store_true", help="print the table of the last runs")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument(
        "--retest", action="store_true", help="run the survivors again against the current tests"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    parser.add_argument("--resume", action="store_true", help="go on with a stopped run")
    parser.add_argument("--max-children", type=int, default=1)
    args = parser.parse_args()
    targets = args.targets or list(TARGETS)
    if args.survivors:
        for target in targets:
            for name, status in sorted((results(target) or {}).items()):
                if status != "killed":
                    print(f"{status:<12} {name}")
        return 0
    if args.retest:
        for target in targets:
            print(f"retesting the survivors of {target} ...", flush=True)
            retest(target, args.max_children)
    elif not args.report:
        for target in targets:
            print(f"mutating {target} ...", flush=True)
            code = run(target, args.max_children, resume=args.resume)
            if code:
                print(f"  mutmut exited with {code}; see var/mutation/{target}/mutmut.log")
    report(markdown=args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
