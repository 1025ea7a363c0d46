#!/bin/sh
# Reads a name per line and answers "Hello NAME!" (echo flushes after every line, so each answer is sent
# at once).
while read -r name; do
  echo "Hello $name!"
done
