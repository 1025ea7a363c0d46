#!/bin/sh
# A chat room shared by every connection, with one process per connection and a plain file as the room:
# each connection appends what its client says to the file, and follows the file (tail -f) to send
# everything anyone says. The first message a client sends is its name.
# Try: bin/wsbridge --port=8080 examples/chat.sh and open examples/chat.html in two browser tabs.
# CHAT_ROOM names the file (pass it on with --passenv=PATH,CHAT_ROOM); it grows until you delete it.
room=${CHAT_ROOM:-/tmp/wsbridge-chat-room.txt}
touch "$room" || exit 1

IFS= read -r name || exit 0
name=$(printf '%s' "$name" | tr -cd '[:alnum:] ._-' | cut -c1-32)
[ -n "$name" ] || name="anonymous-$$"

# Follow the room from its current end (by byte offset, so nothing appended from now on is missed).
size=$(wc -c < "$room")
tail -c +$((size + 1)) -f "$room" &
follower=$!
trap 'kill "$follower" 2>/dev/null' EXIT

# Each line is appended with a single write, so lines of different speakers never interleave.
printf '* %s joined\n' "$name" >> "$room"
while IFS= read -r line; do
  printf '%s: %s\n' "$name" "$line" >> "$room"
done
printf '* %s left\n' "$name" >> "$room"
