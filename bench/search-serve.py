#!/usr/bin/env python3
"""How long `brief serve` takes, with search on, from saving a briefing to
serving the edited page, and to serving the search index that holds it.

    python3 bench/search-serve.py SITE [BRIEF] [PORT]

SITE is a site with `search = true` (or without, for the comparison), e.g.
the 10,000-page bench corpus with `search = true` added to its site.toml;
BRIEF defaults to target/release/brief. Edits the first briefing seven
times (a new word at its end, written in place), polling the page every
2 ms and the index's entry file every 100 ms, then puts the file back.
Prints each time and the medians.
"""
import glob
import os
import statistics
import subprocess
import sys
import time
import urllib.request

site = sys.argv[1]
brief = sys.argv[2] if len(sys.argv) > 2 else "target/release/brief"
port = sys.argv[3] if len(sys.argv) > 3 else "18230"
search = "search = true" in open(os.path.join(site, "site.toml")).read()
base = f"http://127.0.0.1:{port}/"


def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=5) as r:
            return r.status, r.read()
    except OSError:
        return 0, b""


server = subprocess.Popen([brief, "serve", "--root", site, "--port", port, "--quiet"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
target = sorted(glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True))[0]
original = open(target).read()
page_ms, index_s = [], []
try:
    start = time.time()
    while get("")[0] != 200:
        time.sleep(0.05)
    while search and get("pagefind/pagefind-entry.json")[0] != 200:
        time.sleep(0.2)
    print(f"first build and index served {time.time() - start:.1f} s after start")
    page = os.path.relpath(target, os.path.join(site, "content"))[:-3] + "/"
    for k in range(7):
        entry = get("pagefind/pagefind-entry.json")[1]
        word = f"zqxedit{k}word"
        saved = time.time()
        with open(target, "w") as f:
            f.write(original.rstrip("\n") + f"\n\n{word}\n")
        while word.encode() not in get(page)[1]:
            time.sleep(0.002)
        page_ms.append((time.time() - saved) * 1000)
        while search and get("pagefind/pagefind-entry.json")[1] == entry:
            time.sleep(0.1)
        index_s.append(time.time() - saved)
        time.sleep(0.3)
finally:
    with open(target, "w") as f:
        f.write(original)
    server.terminate()
print("page served after the save, ms:", [round(x, 1) for x in page_ms],
      "median", round(statistics.median(page_ms), 1))
if search:
    print("new index served after the save, s:", [round(x, 2) for x in index_s],
          "median", round(statistics.median(index_s), 2))
