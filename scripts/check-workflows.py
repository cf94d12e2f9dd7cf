"""Reads the GitHub workflows as GitHub would (YAML) and checks what they promise: tests run on
every push and pull request (the README's test command on Linux, the keychain round trip on
macOS and Windows); releases build with read-only rights and only a job that runs nothing of the
repository's may write; every action pinned to a commit; no cache; no checkout keeps a token;
the Tauri CLI from its package-lock. Run by scripts/test.sh with the test venv's Python."""

import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def load(name):
    doc = yaml.safe_load((ROOT / ".github/workflows" / name).read_text())
    # YAML 1.1 reads the key `on` as true.
    return doc, doc.get("on", doc.get(True))


def steps(job):
    return job.get("steps", [])


def runs(job):
    return "\n".join(s.get("run", "") for s in steps(job))


def uses(job):
    return [s["uses"] for s in steps(job) if "uses" in s]


for name in ("test.yml", "release.yml"):
    doc, on = load(name)
    check(doc.get("permissions") in ({}, {"contents": "read"}), f"{name}: top-level permissions are not read-only")
    for jname, job in doc["jobs"].items():
        where = f"{name} job {jname}"
        for u in uses(job):
            check(re.search(r"@[0-9a-f]{40}$", u), f"{where}: {u} is not pinned to a commit")
            check("cache" not in u.split("@")[0], f"{where}: restores a cache ({u})")
        for s in steps(job):
            if s.get("uses", "").startswith("actions/checkout@"):
                check(s.get("with", {}).get("persist-credentials") is False, f"{where}: the checkout keeps its token")
        writes = any(v == "write" for v in (job.get("permissions") or {}).values())
        if writes:
            text = runs(job)
            check(not any(u.startswith("actions/checkout@") for u in uses(job)), f"{where}: may write and checks out the repository")
            for tool in ("npm", "cargo", "tauri", "npx", "scripts/"):
                check(tool not in text, f"{where}: may write and runs {tool}")
        else:
            check(job.get("permissions", {"contents": "read"}).get("contents", "read") == "read", f"{where}: permissions not read-only")

doc, on = load("test.yml")
check("push" in on and "pull_request" in on, "test.yml: does not run on every push and pull request")
check(on.get("push") is None or on["push"].get("branches") == ["**"], "test.yml: push limited to some branches")
check("bash scripts/test.sh" in runs(doc["jobs"]["linux"]), "test.yml: Linux does not run the README's test command")
other = doc["jobs"]["macos-windows"]
check(set(other["strategy"]["matrix"]["platform"]) >= {"macos-latest", "windows-latest"}, "test.yml: macOS and Windows not both tested")
check("--test keychain_roundtrip -- --ignored" in runs(other), "test.yml: no keychain round trip on macOS and Windows")

doc, on = load("release.yml")
check(list(on.get("push", {}).get("tags", [])) == ["v*"], "release.yml: not run on version tags")
bundle = doc["jobs"]["bundle"]
check(bundle["permissions"] == {"contents": "read"}, "release.yml: the bundle job may write")
check("npm --prefix scripts/tauri-cli ci" in runs(bundle), "release.yml: the Tauri CLI does not come from its package-lock")
check(not any("tauri-action" in u for u in uses(bundle)), "release.yml: tauri-action fetches its own CLI")

pkg = json.loads((ROOT / "scripts/tauri-cli/package.json").read_text())
lock = json.loads((ROOT / "scripts/tauri-cli/package-lock.json").read_text())
want = pkg["devDependencies"]["@tauri-apps/cli"]
check(re.fullmatch(r"\d+\.\d+\.\d+", want), f"scripts/tauri-cli: @tauri-apps/cli {want} is not an exact version")
got = lock["packages"].get("node_modules/@tauri-apps/cli", {})
check(got.get("version") == want and got.get("integrity", "").startswith("sha512-"), "scripts/tauri-cli: package-lock.json does not pin the CLI with a checksum")

if problems:
    print("\n".join("workflow: " + p for p in problems))
    sys.exit(1)
print("workflows: tests on every push and pull request; releases build read-only, publish alone writes; actions pinned; no cache; no kept token")
