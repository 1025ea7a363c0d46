#!/usr/bin/perl
# The greeter in Perl: answers every message NAME with "Hello NAME!".
# Buffering: Perl buffers STDOUT in blocks when it is a pipe; $| = 1 flushes after every print.
use strict;
use warnings;

$| = 1;
while (my $name = <STDIN>) {
    $name =~ s/\r?\n\z//;
    print "Hello $name!\n";
}
