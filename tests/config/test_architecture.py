"""The apps depend one way, as the README's architecture section says (import-linter's layers
contract, which also sees imports inside functions)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return contract["layers"]


def test_no_app_imports_an_app_above_it():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_readme_states_the_order_the_contract_enforces():
    readme = (ROOT / "README.md").read_text()
    line = re.search(r"^Dependency order \(top to bottom\): (.+)$", readme, re.M)
    assert line, "README must state the dependency order"
    stated = [name.strip(" `.") for name in line.group(1).split("→")]
    assert stated == _contract_layers()


def test_every_portal_app_is_in_the_contract():
    from django.conf import settings

    portal_apps = [
        app for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0] / "apps.py").exists()
    ]
    assert set(portal_apps) <= set(_contract_layers())
    assert set(_contract_layers()) - {"config"} == set(portal_apps)
