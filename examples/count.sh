#!/bin/sh
# Counts from 1 to 10, one number a second. Try: bin/wsbridge --port=8080 examples/count.sh
# and open examples/count.html in a browser.
for i in 1 2 3 4 5 6 7 8 9 10; do
  echo "$i"
  sleep 1
done
