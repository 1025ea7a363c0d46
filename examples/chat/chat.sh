#!/bin/sh
# A chat server in five lines. With --rooms, every client of a URL path shares this ONE process: each line
# a client sends arrives on stdin, and each line printed goes to every client of the room (sender included).
# Try: bin/wsbridge --port=8080 --rooms --roomhistory=50 --staticdir=examples/chat examples/chat/chat.sh
# then open http://localhost:8080/ in two browser tabs (?room=NAME picks a room).
while IFS= read -r line; do printf '%s\n' "$line"; done
