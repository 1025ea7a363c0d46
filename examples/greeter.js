#!/usr/bin/env node
// The greeter in Node.js: answers every message NAME with "Hello NAME!".
// Buffering: process.stdout hands every write to the pipe as soon as the event loop runs; nothing to
// flush. (Do not end the process with process.exit() while writes are pending: they would be lost.)
'use strict';
const readline = require('readline');

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (name) => {
  process.stdout.write(`Hello ${name}!\n`);
});
