#!/usr/bin/env python3
"""JSON lines: every message is one JSON object, and so is every answer (one per line, flushed).

  {"id": 1, "op": "add", "args": [2, 3]}      ->  {"id": 1, "ok": true, "result": 5}
  {"id": 2, "op": "upper", "args": ["abc"]}   ->  {"id": 2, "ok": true, "result": "ABC"}
  not JSON, or an unknown op                  ->  {"id": ..., "ok": false, "error": "..."}

Operations: add, mul, upper, reverse, env (the request's REMOTE_ADDR and QUERY_STRING, from wsbridge's
CGI-style environment). Try: bin/wsbridge --port=8080 examples/json-lines.py and open json-lines.html.
"""
import json
import os
import sys


def handle(request):
    op = request.get("op")
    args = request.get("args", [])
    if op == "add":
        return sum(args)
    if op == "mul":
        product = 1
        for a in args:
            product *= a
        return product
    if op == "upper":
        return " ".join(args).upper()
    if op == "reverse":
        return list(reversed(args))
    if op == "env":
        return {k: os.environ.get(k, "") for k in ("REMOTE_ADDR", "QUERY_STRING")}
    raise ValueError(f"unknown op {op!r}")


for line in sys.stdin:
    answer = {"id": None}
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise ValueError("expected a JSON object")
        answer["id"] = request.get("id")
        answer.update(ok=True, result=handle(request))
    except Exception as e:  # every bad request gets an answer, and the program goes on
        answer.update(ok=False, error=str(e))
    print(json.dumps(answer), flush=True)
