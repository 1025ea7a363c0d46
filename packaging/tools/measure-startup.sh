#!/bin/sh
# Measures start-up, with and without the class-data-sharing archive, for the jar on the system's Java and
# for the self-contained archive: `wsbridge --version` (hyperfine, if installed) and the time from starting
# the server to the first accepted WebSocket connection and the first echo (FirstEcho.java; the server runs
# /bin/cat). Run after `mvn -B -Pdist -DskipTests package`; RUNS=N sets the repetitions (default 20).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
runs=${RUNS:-20}
version=$(sed -n 's/^version=//p' target/classes/wsbridge-version.properties)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "target/wsbridge-$version-linux-x64.tar.gz" -C "$work"
dist="$work/wsbridge-$version"
"$dist/bin/wsbridge" --version >/dev/null      # makes the dist's archive for this place
bin/wsbridge --version >/dev/null              # and target/wsbridge.jsa for the source tree
opts="-XX:+UseSerialGC"
sys_plain="java $opts -jar target/wsbridge.jar"
sys_cds="java $opts -XX:SharedArchiveFile=target/wsbridge.jsa -Xshare:auto -jar target/wsbridge.jar"
dist_plain="$dist/runtime/bin/java $opts -jar $dist/lib/wsbridge.jar"
dist_cds="$dist/runtime/bin/java $opts -XX:SharedArchiveFile=$dist/lib/wsbridge.jsa -Xshare:auto -jar $dist/lib/wsbridge.jar"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N -w 3 -r "$runs" --export-markdown "$work/version.md" \
    -n "system Java 17, jar" "$sys_plain --version" \
    -n "system Java 17, jar + CDS archive" "$sys_cds --version" \
    -n "dist runtime, jar" "$dist_plain --version" \
    -n "dist runtime, jar + CDS archive" "$dist_cds --version" >/dev/null
  cat "$work/version.md"
fi
for config in sys_plain sys_cds dist_plain dist_cds; do
  eval "cmd=\$$config"
  printf '%-10s ' "$config"
  # shellcheck disable=SC2086  # the command is a list of words on purpose
  java packaging/tools/FirstEcho.java --runs "$runs" -- $cmd --address=127.0.0.1 --port='{port}' /bin/cat
done
echo "dist archive: $(du -k "target/wsbridge-$version-linux-x64.tar.gz" | cut -f1) KiB," \
     "unpacked $(du -sk "$dist" | cut -f1) KiB (runtime $(du -sk "$dist/runtime" | cut -f1) KiB," \
     "CDS archive $(du -k "$dist/lib/wsbridge.jsa" | cut -f1) KiB)"
