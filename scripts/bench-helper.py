#!/usr/bin/env python3
"""The measuring half of scripts/bench (standard library only); see scripts/bench for usage.

  bench-helper.py measure OUT.jsonl --label L --binary BIN --model FILE --work DIR
                          --runs N --version-runs N --prompt-runs N [--jq]
  bench-helper.py report OUT.jsonl

`measure` appends one JSON line per figure to OUT.jsonl; `report` prints the tables and the
ratios against the targets. Every figure is a median of its runs.
"""

import json
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import time

# The edit both orgwiz and jq make: the org setting on, and interaction_code added to the first
# rule of bench-api's Default Policy (scripts/gen-large-org.py says why that is the rule).
JQ_FILTER = ('.settings.embeddedWidgetSignInSupport.interactionCode = true | '
             '(.authorizationServers[0].policies[] | select(.name=="Default Policy") '
             '| .rules[0].conditions.grantTypes.include) += ["interaction_code"]')

TARGETS = {
    "run/jq": 0.5,
    "check/jq": 0.2,
    "rss/model": 3.0,
    "version ms": 20.0,
    "prompt ms": 50.0,
}


def fail(message, output=b""):
    print(f"bench: {message}", file=sys.stderr)
    text = output.decode("utf-8", "replace").splitlines()[-40:]
    if text:
        print("--- its output (last 40 lines):\n" + "\n".join(text), file=sys.stderr)
    sys.exit(1)


def timed(cmd, stdout_path):
    """Runs cmd once; returns (wall seconds, cpu seconds, peak RSS in KiB) of the child."""
    with open(stdout_path, "wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        with open(stdout_path, "rb") as handle:
            fail(f"exited {proc.returncode}: {' '.join(cmd)}", handle.read() + err)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def repeat(runs, cmd, stdout_path, before=None):
    walls, cpus, rss = [], [], []
    for _ in range(runs):
        if before:
            before()                      # a fresh copy of the model, not timed
        os.sync()                         # no dirty pages left over from the previous run
        wall, cpu, peak = timed(cmd, stdout_path)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(peak)
    return {"wall": walls, "cpu": cpus, "rss_kib": rss}


# --- prompts, in a pseudo-terminal ----------------------------------------------------------

ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r|\x07")
PROMPT = re.compile(r"(?:^|\n)([^\n]*?(?:: |\] ))$")
ANSWERS = {"operator": "ada@acme.example", "server": "bench-api", "app": "none"}


def prompt_session(binary, model, summary):
    """Runs `orgwiz run` in a pseudo-terminal as a person would, answering each question as
    soon as it has appeared. Returns (seconds to the first question, [(question, ms from the
    answer's Enter to the next question)], ms from the review's Enter to exit)."""
    import fcntl
    import pty
    import struct
    import termios

    env = dict(os.environ, TERM="xterm", LANG="C.UTF-8", COLUMNS="100", LINES="40")
    env.pop("ORGWIZ_NO_INPUT", None)
    cmd = [binary, "run", "--org", model, "--no-color", "--summary", summary]
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(binary, cmd, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    pending = b""
    transcript = b""
    answered_at = start
    first = None
    latencies = []
    question = None
    deadline = start + 600
    exit_ms = None
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.perf_counter()))
        if not ready:
            os.kill(pid, 9)
            fail("the interactive run stopped answering", transcript)
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            chunk = b""
        now = time.perf_counter()
        if not chunk:
            break
        transcript += chunk
        pending += chunk
        # The question is at the end of what was shown; only the tail is looked at, so a long
        # list of choices (20,000 apps) costs this reader no more than the terminal.
        text = ESCAPE.sub(b"", pending[-4096:]).decode("utf-8", "replace")
        match = PROMPT.search(text)
        if not match:
            continue
        line = match.group(1).strip()
        if question is None:
            first = now - start
        else:
            latencies.append((question, (now - answered_at) * 1000))
        if line.startswith("["):
            key = "review" if "back" in line else "confirm"
            reply = ""
        else:
            key = line.split(" ")[0].rstrip(":")
            reply = ANSWERS.get(key, "")
        question = key
        pending = b""
        answered_at = time.perf_counter()
        os.write(fd, reply.encode() + b"\r")
        if key == "review":
            break
    # After the review: the write (staging, read-back, renames) until the process ends.
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
    _, status = os.waitpid(pid, 0)
    exit_ms = (time.perf_counter() - answered_at) * 1000
    os.close(fd)
    if os.waitstatus_to_exitcode(status) != 0 or question != "review":
        fail(f"the interactive run failed (status {status}, last question {question})", transcript)
    return first, latencies, exit_ms


# --- measure --------------------------------------------------------------------------------

def cmd_measure(argv):
    out = argv[0]
    opts = {}
    flags = set()
    rest = argv[1:]
    while rest:
        name = rest.pop(0)
        if name == "--jq":
            flags.add(name)
        else:
            opts[name] = rest.pop(0)
    label, binary, model, work = opts["--label"], opts["--binary"], opts["--model"], opts["--work"]
    runs, version_runs = int(opts["--runs"]), int(opts["--version-runs"])
    prompt_runs = int(opts["--prompt-runs"])
    size = os.path.getsize(model)
    run_dir = os.path.join(work, f"run-{label}")
    os.makedirs(run_dir, exist_ok=True)
    copy = os.path.join(run_dir, "org.json")
    summary = os.path.join(run_dir, "summary.md")

    def fresh():
        for leftover in os.listdir(run_dir):
            os.remove(os.path.join(run_dir, leftover))
        shutil.copyfile(model, copy)

    figures = {"label": label, "model": model, "size": size}
    print(f"== {label}: orgwiz check", file=sys.stderr)
    figures["check"] = repeat(runs, [binary, "check", "--org", model],
                              os.path.join(work, "check.out"))
    print(f"== {label}: orgwiz run", file=sys.stderr)
    run_args = [binary, "run", "--org", copy, "--no-input", "--yes", "--operator",
                "ada@acme.example", "--set", "org-setting=enable", "--set", "server=bench-api",
                "--set", "app=none", "--summary", summary]
    figures["run"] = repeat(runs, run_args, os.path.join(work, "run.out"), before=fresh)
    written = os.path.join(work, f"written-{label}.json")
    shutil.move(copy, written)
    shutil.move(copy + ".bak", written + ".bak")
    figures["written"] = written
    if "--jq" in flags:
        print(f"== {label}: jq", file=sys.stderr)
        figures["jq"] = repeat(runs, ["jq", JQ_FILTER, model], os.path.join(work, "jq-out.json"))
    print(f"== {label}: orgwiz --version", file=sys.stderr)
    figures["version"] = repeat(version_runs, [binary, "--version"],
                                os.path.join(work, "version.out"))
    sessions = []
    for number in range(prompt_runs):
        print(f"== {label}: interactive run in a pseudo-terminal ({number + 1})", file=sys.stderr)
        fresh()
        first, latencies, exit_ms = prompt_session(binary, copy, summary)
        sessions.append({"first": first, "latencies": latencies, "exit_ms": exit_ms})
    figures["prompts"] = sessions
    with open(out, "a") as handle:
        handle.write(json.dumps(figures) + "\n")


# --- report ---------------------------------------------------------------------------------

def med(values):
    return statistics.median(values)


def fmt_time(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def summarize(entry, jq):
    """The figures of one binary on one model, as numbers."""
    size_mib = entry["size"] / (1024 * 1024)
    run, check = med(entry["run"]["wall"]), med(entry["check"]["wall"])
    sessions = entry["prompts"]
    per_question = {}
    for session in sessions:
        for key, ms in session["latencies"]:
            per_question.setdefault(key, []).append(ms)
    prompt_medians = {key: med(values) for key, values in per_question.items()}
    return {
        "size_mb": entry["size"] / 1e6,
        "check": check, "run": run, "jq": jq,
        "check_cpu": med(entry["check"]["cpu"]), "run_cpu": med(entry["run"]["cpu"]),
        "run/jq": run / jq if jq else None, "check/jq": check / jq if jq else None,
        "rss_mb": max(entry["run"]["rss_kib"]) / 1024,
        "check_rss_mb": max(entry["check"]["rss_kib"]) / 1024,
        "rss/model": max(entry["run"]["rss_kib"]) / 1024 / size_mib,
        "version ms": med(entry["version"]["wall"]) * 1000,
        "first question s": med([s["first"] for s in sessions]) if sessions else None,
        "prompts": prompt_medians,
        "prompt ms": max(prompt_medians.values()) if prompt_medians else None,
        "write after review s": med([s["exit_ms"] for s in sessions]) / 1000 if sessions else None,
    }


def cmd_report(argv):
    entries = [json.loads(line) for line in open(argv[0])]
    jq_by_model = {}
    for entry in entries:
        if "jq" in entry:
            jq_by_model[entry["model"]] = entry["jq"]
    models = []
    for entry in entries:
        if entry["model"] not in models:
            models.append(entry["model"])
    labels = []
    for entry in entries:
        if entry["label"] not in labels:
            labels.append(entry["label"])
    table = {}
    for entry in entries:
        jq = jq_by_model.get(entry["model"])
        table[(entry["label"], entry["model"])] = summarize(entry, med(jq["wall"]) if jq else None)

    def cell(value, kind):
        if value is None:
            return "n/a"
        if kind == "s":
            return fmt_time(value)
        if kind == "x":
            return f"{value:.2f}"
        if kind == "mb":
            return f"{value:.0f} MB"
        if kind == "ms":
            return f"{value:.1f} ms"
        return str(value)

    rows = [
        ("orgwiz check", "check", "s"), ("orgwiz run (full, non-interactive)", "run", "s"),
        ("jq, same edit", "jq", "s"), ("run / jq", "run/jq", "x"), ("check / jq", "check/jq", "x"),
        ("cpu: check", "check_cpu", "s"), ("cpu: run", "run_cpu", "s"),
        ("peak RSS of run", "rss_mb", "mb"), ("peak RSS of run / model size", "rss/model", "x"),
        ("peak RSS of check", "check_rss_mb", "mb"),
        ("orgwiz --version", "version ms", "ms"),
        ("interactive: start to first question", "first question s", "s"),
        ("interactive: slowest prompt answer", "prompt ms", "ms"),
        ("interactive: review to exit (write)", "write after review s", "s"),
    ]
    columns = [(label, model) for model in models for label in labels
               if (label, model) in table]
    heads = [f"{label} @ {table[(label, model)]['size_mb']:.1f} MB" for label, model in columns]
    width = max(len(row[0]) for row in rows) + 2
    print()
    print("".ljust(width) + "".join(head.rjust(22) for head in heads))
    for title, key, kind in rows:
        print(title.ljust(width)
              + "".join(cell(table[column][key], kind).rjust(22) for column in columns))
    keys = []
    for column in columns:
        for key in table[column]["prompts"]:
            if key not in keys:
                keys.append(key)
    for key in keys:
        print(f"  prompt after answering {key}".ljust(width)
              + "".join(cell(table[column]["prompts"].get(key), "ms").rjust(22)
                        for column in columns))
    print()
    for (label, model) in columns:
        figures = table[(label, model)]
        verdicts = []
        for key, limit in TARGETS.items():
            value = figures[key]
            if value is None:
                verdicts.append(f"{key} n/a")
            else:
                verdicts.append(f"{key} {value:.2f} (<= {limit:g}: "
                                f"{'holds' if value <= limit else 'MISSED'})")
        print(f"targets, {label} @ {figures['size_mb']:.1f} MB: " + "; ".join(verdicts))
    if len(models) > 1:
        print()
        big, small = models[0], models[-1]
        for label in labels:
            if (label, big) not in table or (label, small) not in table:
                continue
            one, other = table[(label, big)], table[(label, small)]
            factor = one["size_mb"] / other["size_mb"]
            parts = []
            for name, key in (("check", "check"), ("run", "run"), ("run cpu", "run_cpu"),
                              ("run RSS", "rss_mb"), ("jq", "jq")):
                if one[key] and other[key]:
                    parts.append(f"{name} x{one[key] / other[key]:.1f}")
            print(f"growth, {label}, model x{factor:.1f}: " + ", ".join(parts))


# --- the model check ---------------------------------------------------------------------

def walk(a, b, path, out):
    """Collects (path, before, after) for every difference between two parsed JSON values."""
    if type(a) is not type(b):
        out.append((path, a, b))
    elif isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append((path + [key], a.get(key, "<absent>"), b.get(key, "<absent>")))
            else:
                walk(a[key], b[key], path + [key], out)
    elif isinstance(a, list) and len(a) == len(b):
        for index, (left, right) in enumerate(zip(a, b)):
            walk(left, right, path + [index], out)
    elif a != b:
        out.append((path, a, b))

def pointer(path):
    return "/" + "/".join(str(token) for token in path)

def cmd_modelcheck(args):
    original_path, written_path, backup_path, jq_path = args
    with open(original_path, "rb") as handle:
        original_bytes = handle.read()
    original = json.loads(original_bytes)
    written = json.load(open(written_path, "rb"))
    problems = []
    if backup_path != "-":
        with open(backup_path, "rb") as handle:
            if handle.read() != original_bytes:
                problems.append(f"the backup {backup_path} differs from the original model")
    server = original["authorizationServers"][0]
    policy_index = next(index for index, policy in enumerate(server["policies"])
                        if policy["name"] == "Default Policy")
    rule_path = ["authorizationServers", 0, "policies", policy_index, "rules", 0]
    grants_path = rule_path + ["conditions", "grantTypes", "include"]
    setting_path = ["settings", "embeddedWidgetSignInSupport", "interactionCode"]
    grants = server["policies"][policy_index]["rules"][0]["conditions"]["grantTypes"]["include"]
    expected = {
        pointer(setting_path): (False, True),
        pointer(grants_path): (grants, grants + ["interaction_code"]),
    }
    differences = []
    walk(original, written, [], differences)
    seen = set()
    stamped = []
    for path, before, after in differences:
        where = pointer(path)
        if where in expected and expected[where] == (before, after):
            seen.add(where)
        elif path and path[-1] == "lastUpdated":
            stamped.append(where)
        else:
            problems.append(f"unexpected change at {where}: {json.dumps(before)[:80]} -> "
                            f"{json.dumps(after)[:80]}")
    for where in expected:
        if where not in seen:
            problems.append(f"expected change missing at {where}")
    if jq_path != "-":
        jq_model = json.load(open(jq_path, "rb"))
        jq_differences = []
        walk(jq_model, written, [], jq_differences)
        for path, before, after in jq_differences:
            if not (path and path[-1] == "lastUpdated"):
                problems.append(f"orgwiz and jq disagree at {pointer(path)}")
    if problems:
        print("model check: FAILED", file=sys.stderr)
        for problem in problems[:20]:
            print("  " + problem, file=sys.stderr)
        sys.exit(1)
    apps, servers = len(original["apps"]), len(original["authorizationServers"])
    policies = sum(len(s["policies"]) for s in original["authorizationServers"])
    rules = sum(len(p["rules"]) for s in original["authorizationServers"] for p in s["policies"])
    print(f"model: {apps} apps, {servers} servers, {policies} policies, {rules} rules")
    print(f"written model vs original: {pointer(setting_path)} false -> true; "
          f"{pointer(grants_path)} gained interaction_code; lastUpdated changed at "
          f"{', '.join(stamped) or 'no place'}; nothing else differs")
    if jq_path != "-":
        print("written model vs jq output: identical apart from lastUpdated")
    if backup_path != "-":
        print("backup (.bak): byte-identical to the original")
    print("model check: ok")

commands = {"measure": cmd_measure, "report": cmd_report, "modelcheck": cmd_modelcheck}
if __name__ == "__main__":
    commands[sys.argv[1]](sys.argv[2:])
