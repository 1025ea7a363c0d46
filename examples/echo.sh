#!/bin/sh
# Echoes every message back: cat copies stdin to stdout as it arrives.
exec cat
