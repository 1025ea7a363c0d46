#!/bin/sh
# Packaging step shared by the deb and dist profiles, run by Maven right after the jar is shaded:
#  - the man page and the bash and zsh completions, generated from the command-line model (target/docs/);
#  - the class-data-sharing class list (target/wsbridge.classlist): the classes a training run loads while it
#    starts, serves one WebSocket connection (an echo through /bin/cat) and a plain HTTP request, and shuts
#    down on SIGTERM. The launcher turns it into an archive (wsbridge.jsa) for the JVM it runs on.
# Usage: packaging/build-extras.sh TARGET_DIR   (JAVA=... to use another java than the one on PATH)
set -eu
target=${1:?usage: build-extras.sh TARGET_DIR}
java=${JAVA:-java}
jar="$target/wsbridge.jar"
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$target/docs"
"$java" -cp "$jar" io.wsbridge.docs.GenerateDocs "$target/docs"
"$java" -jar "$jar" --license > "$target/docs/copyright"

mkdir -p "$target/cds"
raw="$target/cds/classlist.recorded"
rm -f "$raw"
# Started as bin/wsbridge starts it (from the class path, java.nio opened, the native libraries from
# target/native/ARCH when there are some for this Java's architecture), so the list has what that loads.
arch=$(sed -n 's/^OS_ARCH="\(.*\)"$/\1/p' "$(dirname "$(readlink -f "$(command -v "$java")")")/../release" 2>/dev/null || true)
natives="$target/native/$arch"
set --
if [ -n "$arch" ] && [ -d "$natives" ]; then
  set -- "-Djna.boot.library.path=$natives" -Djna.nounpack=true "-Djava.library.path=$natives"
fi
"$java" "$here/tools/FirstEcho.java" -- "$java" -XX:DumpLoadedClassList="$raw" -XX:+UseSerialGC \
    --add-opens=java.base/java.nio=ALL-UNNAMED "$@" -cp "$jar" io.wsbridge.Main \
    --address=127.0.0.1 --port='{port}' --loglevel=access /bin/cat
# Left out: lambdas implementing picocli's interfaces (picocli is Java 5 bytecode; archiving such a lambda
# crashes Java 17's dump, JDK-8274944, fixed in 18) and dynamic proxies (generated afresh in every run).
# And constant-pool hints (@cp lines, written from Java 24 on): Java 17 rejects a list that has any ("class list
# format error") and would run without an archive, so a build on Java 25 makes a list every Java 17+ can use.
grep -v -e '^@lambda-proxy .*Lpicocli/' -e 'jdk/proxy' -e '^@cp ' "$raw" > "$target/wsbridge.classlist"
echo "build-extras: $(grep -c -v '^@' "$target/wsbridge.classlist") classes in $target/wsbridge.classlist, docs in $target/docs"
