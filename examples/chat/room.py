#!/usr/bin/env python3
"""A chat room that knows who is who: one process per room with --rooms --roomjson.

stdin gets one JSON object a line ({"event": "join" | "message" | "leave", "client": ID, ...});
each JSON object printed is routed: {"data": ...} to everyone, {"to": ID, ...} to one client,
{"except": ID, ...} to everyone else, {"close": ID, "code": 4000, "reason": ...} closes a client.

Try: bin/wsbridge --port=8080 --rooms --roomjson --staticdir=examples/chat examples/chat/room.py
then open http://localhost:8080/ in two tabs. Commands: /name NAME, /msg ID TEXT, /who.
"""
import json
import sys

names = {}


def send(**route):
    route = {("except" if k == "except_" else k): v for k, v in route.items()}
    print(json.dumps(route), flush=True)


for line in sys.stdin:
    event = json.loads(line)
    who = event["client"]
    if event["event"] == "join":
        names[who] = who
        send(to=who, data=f"* welcome, you are {who}; /name NAME, /msg ID TEXT, /who")
        send(except_=who, data=f"* {who} joined")
    elif event["event"] == "leave":
        send(data=f"* {names.pop(who, who)} left")
    else:
        text = event["data"]
        if text.startswith("/name "):
            old, names[who] = names[who], text[6:].strip()[:32] or who
            send(data=f"* {old} is now {names[who]}")
        elif text.startswith("/msg "):
            _, target, *rest = text.split(" ", 2)
            if target in names:
                send(to=[target, who], data=f"(private) {names[who]}: {' '.join(rest)}")
            else:
                send(to=who, data=f"* no one here is called {target}")
        elif text == "/who":
            send(to=who, data="* here: " + ", ".join(f"{n} ({i})" for i, n in names.items()))
        else:
            send(data=f"{names[who]}: {text}")
