"""`make lint`: the hooks of .pre-commit-config.yaml, without pre-commit.

pre-commit installs each hook from its Git repository, which CI may not
reach. This runs the same hooks, with the same arguments, file filters and
exclusions, from the packages tools/requirements.txt installs into the
project's virtualenv, after checking that those are the versions the config
pins. Like pre-commit, hooks that fix (whitespace, ruff, ruff format, the
addons' README.md) rewrite the files and fail; run again to see it pass.

Usage: python tools/lint.py [--optional]
  --optional  also run the hooks that never fail (pylint's optional checks)
"""

import hashlib
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".pre-commit-config.yaml"
REQUIREMENTS = ROOT / "tools" / "requirements.txt"
BIN = Path(sys.executable).parent

# Hook repository -> the Python package that ships its commands.
PACKAGES = {
    "https://github.com/OCA/odoo-pre-commit-hooks": "oca-odoo-pre-commit-hooks",
    "https://github.com/pre-commit/pre-commit-hooks": "pre-commit-hooks",
    "https://github.com/astral-sh/ruff-pre-commit": "ruff",
    "https://github.com/OCA/pylint-odoo": "pylint-odoo",
}
# Hook id -> (command, file types as pre-commit's hook definition says them,
# "types" meaning all of them and "types_or" any of them).
HOOKS = {
    "oca-checks-odoo-module": (
        ["oca-checks-odoo-module"],
        {"types_or": {"csv", "markdown", "pofile", "python", "rst", "xml"}},
    ),
    "oca-checks-po": (["oca-checks-po"], {"types": {"pofile"}}),
    "trailing-whitespace": (["trailing-whitespace-fixer"], {"types": {"text"}}),
    "end-of-file-fixer": (["end-of-file-fixer"], {"types": {"text"}}),
    "debug-statements": (["debug-statement-hook"], {"types": {"python"}}),
    "fix-encoding-pragma": (["fix-encoding-pragma"], {"types": {"python"}}),
    "check-case-conflict": (["check-case-conflict"], {}),
    "check-docstring-first": (["check-docstring-first"], {"types": {"python"}}),
    "check-executables-have-shebangs": (
        ["check-executables-have-shebangs"],
        {"types": {"text", "executable"}},
    ),
    "check-merge-conflict": (["check-merge-conflict"], {"types": {"text"}}),
    "check-symlinks": (["check-symlinks"], {"types": {"symlink"}}),
    "check-xml": (["check-xml"], {"types": {"xml"}}),
    "mixed-line-ending": (["mixed-line-ending"], {"types": {"text"}}),
    "ruff": (["ruff", "check", "--force-exclude"], {"types_or": {"python", "pyi"}}),
    "ruff-format": (["ruff", "format", "--force-exclude"], {"types_or": {"python", "pyi"}}),
    "pylint_odoo": (["pylint"], {"types": {"python"}}),
}
EXTENSIONS = {
    ".py": "python",
    ".pyi": "pyi",
    ".xml": "xml",
    ".po": "pofile",
    ".pot": "pofile",
    ".csv": "csv",
    ".md": "markdown",
    ".rst": "rst",
}


def say(message):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def fail(message):
    sys.stderr.write(f"[lint] {message}\n")
    sys.exit(1)


def load_config():
    return YAML(typ="safe").load(CONFIG.read_text(encoding="utf-8"))


def check_versions(config):
    """The packages in the virtualenv are the revisions the config pins."""
    pins = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", REQUIREMENTS.read_text(), re.MULTILINE)
    )
    problems = []
    for repo in config["repos"]:
        package = PACKAGES.get(repo["repo"])
        if repo["repo"] == "local":
            continue
        if not package:
            problems.append(f"{repo['repo']}: no package known for this hook repository")
            continue
        wanted = str(repo["rev"]).removeprefix("v")
        if pins.get(package) != wanted:
            problems.append(
                f"{package}: .pre-commit-config.yaml pins {wanted}, "
                f"tools/requirements.txt {pins.get(package)}"
            )
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != wanted:
            problems.append(
                f"{package}: {installed} installed, {wanted} wanted (run tools/provision.sh)"
            )
    if problems:
        fail("versions differ:\n  " + "\n  ".join(problems))


def repository_files():
    """Tracked and new (not ignored) files, as pre-commit --all-files sees them."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    executables = set(
        line.split("\t", 1)[1]
        for line in subprocess.run(
            ["git", "ls-files", "-s"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.splitlines()
        if line.startswith("100755")
    )
    files = {}
    for name in sorted(set(filter(None, out.split("\0")))):
        path = ROOT / name
        if not path.exists() and not path.is_symlink():
            continue  # deleted, not yet staged
        files[name] = file_types(path, name in executables or os.access(path, os.X_OK))
    return files


def file_types(path, executable):
    if path.is_symlink():
        return {"symlink"}
    types = {"file"}
    kind = EXTENSIONS.get(path.suffix)
    if kind:
        types.add(kind)
    if executable:
        types.add("executable")
    with open(path, "rb") as handle:
        if b"\0" not in handle.read(8192):
            types.add("text")
    return types


def selected(files, hook, types, exclude):
    wanted = re.compile(hook.get("files", ""))
    excluded = re.compile(hook["exclude"]) if hook.get("exclude") else None
    names = []
    for name, kinds in files.items():
        if exclude.search(name) or not wanted.search(name):
            continue
        if excluded and excluded.search(name):
            continue
        if types.get("types") and not types["types"] <= kinds:
            continue
        if types.get("types_or") and not types["types_or"] & kinds:
            continue
        names.append(name)
    return names


def digest(names):
    return {
        name: hashlib.sha1((ROOT / name).read_bytes()).hexdigest()
        for name in names
        if (ROOT / name).is_file()
    }


def addons_of(names):
    """The addons (folders with a __manifest__.py) the files belong to."""
    found = set()
    for name in names:
        for parent in Path(name).parents:
            if (ROOT / parent / "__manifest__.py").is_file() and str(parent) != ".":
                found.add(str(parent))
                break
    return sorted(found)


def run_hook(hook, files, exclude):
    """Runs one hook the way pre-commit would; True when it passes."""
    if hook.get("language") == "fail":
        names = selected(files, hook, {}, exclude)
        if names:
            say(f"{hook['entry']}:\n  " + "\n  ".join(names))
        return not names
    if hook.get("language") == "system":
        command = hook["entry"].split()
        command = [sys.executable if command[0].startswith("python") else command[0], *command[1:]]
        return subprocess.run(command, cwd=ROOT).returncode == 0
    command, types = HOOKS[hook["id"]]
    names = selected(files, hook, types, exclude)
    if not names:
        return True
    if hook["id"] == "oca-checks-odoo-module":
        # It reads whole addons (require_serial in its hook definition).
        names = addons_of(names)
    before = digest(names)
    args = [str(BIN / command[0]), *command[1:], *hook.get("args", [])]
    status = subprocess.run([*args, *names], cwd=ROOT).returncode
    changed = [name for name, sha in digest(names).items() if before.get(name) != sha]
    if changed:
        say("files were modified by this hook:\n  " + "\n  ".join(changed))
    return status == 0 and not changed


def main(argv):
    optional = "--optional" in argv
    config = load_config()
    check_versions(config)
    exclude = re.compile(config.get("exclude", "^$"))
    files = repository_files()
    failed = []
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            name = hook.get("name", hook["id"])
            if "--exit-zero" in hook.get("args", []) and not optional:
                say(f"[lint] {name}: skipped (never fails; --optional runs it)")
                continue
            say(f"[lint] {name}")
            if not run_hook(hook, files, exclude):
                failed.append(name)
    if failed:
        fail("failed: " + ", ".join(failed))
    say("[lint] all checks passed")


if __name__ == "__main__":
    main(sys.argv[1:])
