#!/bin/bash
# The greeter in bash: answers every message NAME with "Hello NAME!".
# Buffering: echo and printf are builtins that write each line straight to stdout, so every answer is
# sent at once. (External programs in a pipeline may buffer: use `stdbuf -oL` or `grep --line-buffered`.)
while IFS= read -r name; do
  printf 'Hello %s!\n' "$name"
done
