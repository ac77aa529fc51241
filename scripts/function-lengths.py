#!/usr/bin/env python3
"""Lists Swift functions (func, init, computed bodies are not counted) longer than a limit.

Usage: scripts/function-lengths.py [--limit N] [--all] FILE_OR_DIR...
Exit 1 when a function is over the limit (default 80 lines, declaration to closing brace).
Strings, multi-line strings and comments are skipped when braces are counted.
"""
import os
import re
import signal
import sys

DECL = re.compile(r'^\s*(?:@[\w().: ]+\s+)*(?:(?:public|private|fileprivate|internal|static|'
                  r'mutating|override|final|nonisolated|consuming|borrowing|class)\s+)*'
                  r'(func\s+[^\s(<]+|init[?!]?\s*[(<])')


def strip(line, in_multiline):
    """The line without string contents and comments; whether a multi-line string is open."""
    out = []
    i = 0
    in_string = False
    while i < len(line):
        if in_multiline:
            if line.startswith('"""', i):
                in_multiline = False
                i += 3
            else:
                i += 1
            continue
        if in_string:
            if line[i] == '\\':
                i += 2
                continue
            if line[i] == '"':
                in_string = False
            i += 1
            continue
        if line.startswith('//', i):
            break
        if line.startswith('"""', i):
            in_multiline = True
            i += 3
            continue
        if line[i] == '"':
            in_string = True
            i += 1
            continue
        out.append(line[i])
        i += 1
    return ''.join(out), in_multiline


def functions(path):
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().split('\n')
    code = []
    multiline = False
    for line in lines:
        text, multiline = strip(line, multiline)
        code.append(text)
    found = []
    for start, text in enumerate(code):
        match = DECL.match(text)
        if not match:
            continue
        depth = 0
        opened = False
        for end in range(start, len(code)):
            for char in code[end]:
                if char == '{':
                    depth += 1
                    opened = True
                elif char == '}':
                    depth -= 1
            if opened and depth <= 0:
                break
            # A protocol requirement: no body.
            if not opened and end > start and DECL.match(code[end]):
                end = start
                break
        if not opened:
            continue
        name = match.group(1).replace('func ', '').rstrip('(<').strip()
        found.append((end - start + 1, path, start + 1, name))
    return found


def main(argv):
    limit = 80
    show_all = False
    paths = []
    args = iter(argv)
    for arg in args:
        if arg == '--limit':
            limit = int(next(args))
        elif arg == '--all':
            show_all = True
        else:
            paths.append(arg)
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                files += [os.path.join(root, n) for n in names if n.endswith('.swift')]
        else:
            files.append(path)
    results = sorted((f for path in sorted(files) for f in functions(path)), reverse=True)
    over = [r for r in results if r[0] > limit]
    for length, path, line, name in results if show_all else over:
        print(f'{length:5d}  {path}:{line}  {name}')
    return 1 if over else 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    sys.exit(main(sys.argv[1:]))
