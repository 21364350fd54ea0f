#!/usr/bin/env python3
"""Keeps the runtime crate's house in order (issue 12).

Two rules, checked over `monitor-runtime/src` (or the folder given with `--src`):

1. No cycle between the crate's top-level modules, nor between the sibling modules
   inside any module folder (`span/trace.rs` and `span/tail.rs`). A module depends
   on another when its non-test code names it through a `crate::` path
   (`use crate::x::…`, `use crate::{x, y::…}`, `crate::x::f()`) or through a
   `super::` path that climbs out of the module (inside a folder: `super::sibling`). Comments, doc comments, string literals, `$crate::` paths
   (macro bodies expand in the caller's crate) and test code are not dependencies.
2. No file holds more than LIMIT (600) lines outside its test code. Test code is
   any item under `#[cfg(test)]` (usually `mod tests { … }`) and any file that is
   declared only under `#[cfg(test)]` (usually `tests.rs`).

Exits 0 when both hold, 1 with one line per problem otherwise.

    python3 scripts/check-house.py              # check the runtime
    python3 scripts/check-house.py --graph      # also print the module graph
    python3 scripts/check-house.py --self-test  # show that both rules catch what they should
"""

import argparse
import os
import re
import sys
import tempfile

LIMIT = 600
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def blank_out(text):
    """Returns `text` with comments and string/char literals replaced by spaces.

    Newlines are kept, so offsets and line numbers still match the source.
    """
    out = list(text)
    i, n = 0, len(text)

    def wipe(start, end):
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            wipe(i, end)
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif c in "rb" and re.match(r"(br|r)#*\"", text[i:i + 300]) and not _ident_char(text, i - 1):
            m = re.match(r"(br|r)(#*)\"", text[i:])
            close = '"' + m.group(2)
            end = text.find(close, i + m.end())
            end = n if end < 0 else end + len(close)
            wipe(i, end)
            i = end
        elif c == '"' or (c == "b" and text.startswith('b"', i) and not _ident_char(text, i - 1)):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            wipe(i, j + 1)
            i = j + 1
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}', '{') or a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'])'", text[i:])
            if m:
                wipe(i, i + m.end())
                i += m.end()
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def _ident_char(text, i):
    return i >= 0 and (text[i].isalnum() or text[i] == "_")


def matching_close(code, open_at, pair="{}"):
    """Index of the bracket that closes the one at `open_at` (code is blanked)."""
    opening, closing = pair
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == opening:
            depth += 1
        elif code[j] == closing:
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


CFG_TEST = re.compile(r"#\[cfg\(\s*test\s*\)\]")


def test_spans(code):
    """Spans (start, end) of the items under `#[cfg(test)]`, and the names of the
    out-of-line modules declared under it (`#[cfg(test)] mod tests;`)."""
    spans, test_files = [], []
    for m in CFG_TEST.finditer(code):
        j = m.end()
        # Skip further attributes between the cfg and the item.
        while True:
            rest = code[j:]
            stripped = rest.lstrip()
            j += len(rest) - len(stripped)
            if stripped.startswith("#["):
                j = matching_close(code, j + 1, "[]") + 1
                continue
            break
        semi = code.find(";", j)
        brace = code.find("{", j)
        if brace >= 0 and (semi < 0 or brace < semi):
            spans.append((m.start(), matching_close(code, brace) + 1))
        elif semi >= 0:
            decl = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", code[j:semi + 1])
            if decl:
                test_files.append(decl.group(1))
            spans.append((m.start(), semi + 1))
    return spans, test_files


def line_of(code, offset):
    return code.count("\n", 0, offset) + 1


def lines_in(code, spans):
    """Line numbers covered by `spans`."""
    covered = set()
    for start, end in spans:
        covered.update(range(line_of(code, start), line_of(code, max(start, end - 1)) + 1))
    return covered


class Crate:
    def __init__(self, src, nested=False):
        self.src = src
        # A module folder checked as its own root: only `super::` paths name siblings.
        self.nested = nested
        self.files = {}  # relative path -> (raw text, blanked code)
        for root, _dirs, names in os.walk(src):
            for name in names:
                if name.endswith(".rs"):
                    path = os.path.join(root, name)
                    rel = os.path.relpath(path, src).replace(os.sep, "/")
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                    self.files[rel] = (text, blank_out(text))
        self.aliases = self._path_aliases()
        # Modules are shown by the name the code uses (`__private`, not its folder).
        self.names = {folder: name for name, folder in self.aliases.items()}
        self.test_only = self._test_only_files()

    def _path_aliases(self):
        """`#[path = "dir/mod.rs"] mod name;` in lib.rs: `crate::name` means `dir`."""
        aliases = {}
        text = self.files.get("lib.rs", ("", ""))[0]
        for m in re.finditer(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)', text):
            aliases[m.group(2)] = self.top_of(m.group(1))
        return aliases

    def _test_only_files(self):
        """Files declared only under `#[cfg(test)]`, and everything below them."""
        test_only = set()
        for rel, (_text, code) in self.files.items():
            _spans, names = test_spans(code)
            # Children of `x/mod.rs` and `lib.rs` sit beside them; those of `x.rs` in `x/`.
            is_dir_module = os.path.basename(rel) in ("mod.rs", "lib.rs")
            base = os.path.dirname(rel) if is_dir_module else rel[:-3]
            for name in names:
                for candidate in (f"{base}/{name}.rs", f"{base}/{name}/mod.rs"):
                    test_only.add(candidate.lstrip("/"))
        return {rel for rel in self.files if any(rel == t or rel.startswith(t[:-3] + "/") for t in test_only)}

    @staticmethod
    def top_of(rel):
        first = rel.split("/")[0]
        return first[:-3] if first.endswith(".rs") else first

    def module_path(self, rel):
        parts = rel[:-3].split("/")
        if parts[-1] in ("mod", "lib"):
            parts = parts[:-1]
        return parts

    def non_test(self, rel):
        """The blanked code of `rel` with its test items blanked too, and the
        number of lines outside test items."""
        text, code = self.files[rel]
        if rel in self.test_only:
            return "", 0
        spans, _ = test_spans(code)
        chars = list(code)
        for start, end in spans:
            for k in range(start, end):
                if chars[k] != "\n":
                    chars[k] = " "
        total = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        return "".join(chars), total - len(lines_in(code, spans))

    def dependencies(self):
        """Edges {(from, to): [(file, line), …]} between top-level modules."""
        edges = {}
        for rel in sorted(self.files):
            if rel == "lib.rs":
                continue
            code, _ = self.non_test(rel)
            here = self.top_of(rel)
            for offset, target in self._targets(rel, code):
                target = self.aliases.get(target, target)
                if target != here and self._is_module(target):
                    key = (self.names.get(here, here), self.names.get(target, target))
                    edges.setdefault(key, []).append((rel, line_of(code, offset)))
        return edges

    def _is_module(self, name):
        return f"{name}.rs" in self.files or any(r.startswith(name + "/") for r in self.files)

    def _targets(self, rel, code):
        for m in re.finditer(r"(?<![\w$])crate\s*::\s*", code):
            if self.nested:
                break
            yield from self._path_heads(code, m.end(), m.start())
        depth = len(self.module_path(rel))
        for m in re.finditer(r"(?<![\w$:])((?:super\s*::\s*)+)", code):
            climbs = m.group(1).count("super")
            if climbs >= depth:  # climbs out to the crate root
                yield from self._path_heads(code, m.end(), m.start())

    def _path_heads(self, code, at, origin):
        """The first segment(s) of the path that starts at `at`."""
        if code.startswith("{", at):
            close = matching_close(code, at)
            inner, depth, item_start = code[at + 1:close], 0, True
            for k, ch in enumerate(inner):
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                elif ch == "," and depth == 0:
                    item_start = True
                elif item_start and not ch.isspace():
                    item_start = False
                    if depth == 0:
                        m = IDENT.match(inner, k)
                        if m:
                            yield origin, m.group(0)
        else:
            m = IDENT.match(code, at)
            if m:
                yield origin, m.group(0)


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def check_all(src, show_graph=False, out=sys.stdout):
    """Checks the crate at `src`, then the sibling modules of each module folder in it;
    returns how many problems were printed."""
    problems = check(src, show_graph, out)
    for root, _dirs, names in sorted(os.walk(src)):
        if root != src and "mod.rs" in names:
            problems += check(root, show_graph, out, nested=True)
    return problems


def check(src, show_graph=False, out=sys.stdout, nested=False):
    """Prints the problems found in `src`; returns how many there are. `nested`: `src` is
    a module folder of the crate, checked for cycles only (its files' sizes were counted
    with the crate)."""
    crate = Crate(src, nested)
    problems = 0
    edges = crate.dependencies()
    if show_graph:
        for (a, b), sites in sorted(edges.items()):
            print(f"  {a} -> {b}  ({sites[0][0]}:{sites[0][1]})", file=out)
    for component in cycles(edges):
        problems += 1
        members = set(component)
        inner = sorted((a, b) for (a, b) in edges if a in members and b in members)
        print(f"check-house: module cycle between {', '.join(component)}:", file=out)
        for a, b in inner:
            file, line = edges[(a, b)][0]
            more = len(edges[(a, b)]) - 1
            extra = f" (and {more} more)" if more else ""
            print(f"    {a} -> {b}: {file}:{line}{extra}", file=out)
    if nested:
        return problems
    for rel in sorted(crate.files):
        _code, count = crate.non_test(rel)
        if count > LIMIT:
            problems += 1
            print(f"check-house: {rel} has {count} lines outside test code (limit {LIMIT}); "
                  "split it by concept", file=out)
    return problems


def self_test():
    """Builds small crates in a temporary folder and checks that each rule fires."""
    import io

    def run(files):
        with tempfile.TemporaryDirectory() as src:
            for rel, text in files.items():
                path = os.path.join(src, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            buf = io.StringIO()
            return check_all(src, out=buf), buf.getvalue()

    lib = "mod a;\nmod b;\nmod c;\n#[path = \"d_dir/mod.rs\"]\nmod d;\n"
    clean = {
        "lib.rs": lib,
        "a.rs": "use crate::b::B;\n/// See [`crate::c::C`].\nfn f() { let _ = \"crate::c\"; }\n",
        "b.rs": "pub struct B;\n#[cfg(test)]\nmod tests {\n    use crate::a::f;\n}\n",
        "c/mod.rs": "mod inner;\n#[cfg(test)]\nmod tests;\n",
        "c/inner.rs": "use super::super::b::B;\n",
        "c/tests.rs": "use crate::a::f;\n",
        "d_dir/mod.rs": "pub fn d() {}\n",
    }
    cases = [
        ("a clean crate passes", clean, 0, []),
        ("a two-module cycle through `use crate::x` fails",
         {**clean, "b.rs": "use crate::a::f;\npub struct B;\n"}, 1, ["module cycle between a, b", "b -> a: b.rs:1"]),
        ("a cycle through a grouped import and a `super::super` path fails",
         {**clean, "b.rs": "use crate::{c::Inner, x};\n", "c/inner.rs": "use super::super::a;\n"},
         1, ["module cycle between a, b, c"]),
        ("a cycle through a #[path] module and an inline path fails",
         {**clean, "d_dir/mod.rs": "fn d() { crate::a::f() }\n", "a.rs": "fn f() { crate::d::d() }\n"},
         1, ["module cycle between a, d"]),
        ("a cycle between two files of one module folder fails",
         {**clean, "c/mod.rs": "mod inner;\nmod other;\n", "c/inner.rs": "use super::other::X;\n",
          "c/other.rs": "pub struct X;\nfn f() { super::inner::g() }\n"},
         1, ["module cycle between inner, other"]),
        ("`crate::` paths inside a module folder are not siblings",
         {**clean, "c/mod.rs": "mod a;\n", "c/a.rs": "use crate::b::B;\n",
          "c/b.rs": "use crate::a::f;\n"}, 0, []),
        ("a file over the limit fails",
         {**clean, "b.rs": "fn f() {}\n" * (LIMIT + 1)}, 1, [f"b.rs has {LIMIT + 1} lines"]),
        ("test code does not count towards the limit",
         {**clean, "b.rs": "fn f() {}\n#[cfg(test)]\n#[allow(dead_code, reason = \"[x]\")]\nmod tests {\n"
          + "    fn t() {}\n" * LIMIT + "}\n"}, 0, []),
        ("code after a test module counts",
         {**clean, "b.rs": "#[cfg(test)]\nmod tests {}\n" + "fn f() {}\n" * (LIMIT + 1)}, 1,
         [f"b.rs has {LIMIT + 1} lines"]),
        ("braces in strings and chars do not end a test module early",
         {**clean, "b.rs": "#[cfg(test)]\nmod tests {\n    const S: &str = \"}\";\n    const C: char = '}';\n"
          + "    fn t() {}\n" * LIMIT + "}\n"}, 0, []),
    ]
    failed = 0
    for name, files, want, needles in cases:
        got, text = run(files)
        ok = (got > 0) == (want > 0) and all(n in text for n in needles)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        if not ok:
            print("     output was:\n" + "".join("       " + l + "\n" for l in text.splitlines()))
    return failed


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", default=os.path.join(here, "..", "monitor-runtime", "src"))
    parser.add_argument("--graph", action="store_true", help="print the module graph too")
    parser.add_argument("--self-test", action="store_true", help="check the checker")
    args = parser.parse_args()
    if args.self_test:
        failed = self_test()
        print("check-house self-test: " + ("passed" if not failed else f"{failed} case(s) failed"))
        return 1 if failed else 0
    src = os.path.normpath(args.src)
    if not os.path.isdir(src):
        print(f"check-house: {src} is not a folder (pass the crate's src with --src)")
        return 1
    problems = check_all(src, show_graph=args.graph)
    if problems:
        print(f"check-house: {problems} problem(s) in {src}")
        return 1
    print(f"check-house: {src}: no module cycle (top level or within a module folder), "
          f"no file over {LIMIT} non-test lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
