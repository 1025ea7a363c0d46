#!/bin/sh
# Prints the CGI-style environment the program was given, one variable a line.
env
