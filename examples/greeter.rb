#!/usr/bin/env ruby
# The greeter in Ruby: answers every message NAME with "Hello NAME!".
# Buffering: Ruby buffers $stdout when it is a pipe; sync = true writes every line at once.
$stdout.sync = true
$stdin.binmode
$stdout.binmode

$stdin.each_line do |line|
  $stdout.write("Hello ".b + line.chomp + "!\n".b)
end
