#!/usr/bin/env python3
"""Parses every .tf file of a directory with python-hcl2 and prints what it holds as JSON.

Usage: hcl_check.py DIR

Prints {"files": {name: document}, "resources": [[type, name], ...], "imports": [[to, id], ...]}
where every string is the value the HCL stands for: its escapes resolved (python-hcl2 does
that for backslash escapes) and the template escapes `$${` and `%%{` turned back into `${`
and `%{` (python-hcl2 leaves them as written). A file that does not parse is an error (exit 1,
python-hcl2's message on stderr); a missing python-hcl2 is exit 3 with the pip command.
"""

import json
import os
import sys

try:
    import hcl2
    from hcl2.utils import SerializationOptions
except ImportError as error:  # pragma: no cover - the message is the point
    print(
        f"hcl-check: python-hcl2 is missing ({error}); "
        "run python3 -m pip install -r tools/hcl-check/requirements.txt",
        file=sys.stderr,
    )
    sys.exit(3)


def template_value(text):
    """The string a quoted template without interpolations stands for."""
    return text.replace("$${", "${").replace("%%{", "%{")


def values(node):
    if isinstance(node, str):
        return template_value(node)
    if isinstance(node, list):
        return [values(item) for item in node]
    if isinstance(node, dict):
        return {key: values(item) for key, item in node.items()}
    return node


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: hcl_check.py DIR", file=sys.stderr)
        return 64
    directory = argv[1]
    options = SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, with_comments=False
    )
    files = {}
    resources = []
    imports = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".tf"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            try:
                document = hcl2.load(handle, serialization_options=options)
            except Exception as error:  # python-hcl2 raises lark's errors
                print(f"hcl-check: {name} does not parse: {error}", file=sys.stderr)
                return 1
        document = values(document)
        files[name] = document
        for block in document.get("resource", []):
            for kind, named in block.items():
                for resource_name in named:
                    resources.append([kind, resource_name])
        for block in document.get("import", []):
            to = block.get("to", "")
            if to.startswith("${") and to.endswith("}"):
                to = to[2:-1]
            imports.append([to, block.get("id")])
    json.dump({"files": files, "resources": resources, "imports": imports}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
