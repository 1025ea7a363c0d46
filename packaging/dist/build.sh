#!/bin/sh
# Builds target/wsbridge-VERSION-linux-x64.tar.gz: bin/wsbridge, lib/wsbridge.jar, and a Java runtime trimmed
# with jlink to the modules wsbridge uses, so it runs where no Java is installed. Run by `mvn -Pdist package`
# after packaging/build-extras.sh. Uses the jdeps and jlink of the JDK that runs Maven (JAVA_HOME) or on PATH.
#
#   wsbridge-VERSION/
#     bin/wsbridge                  the launcher (picks runtime/bin/java when JAVA_HOME is not set)
#     lib/wsbridge.jar              the program
#     lib/wsbridge.classlist        class list for class data sharing: on the first run the launcher makes
#                                   lib/wsbridge.jsa from it, for this directory and this runtime
#     lib/wsbridge.aot              with a Java 25+ runtime: its AOT cache, from a training run (used instead)
#     lib/native/x86_64/            JNA's and Netty's native libraries, loaded from there instead of being
#                                   extracted from the jar into a temporary file at every start
#     runtime/                      the trimmed Java runtime
#     share/man/man1/wsbridge.1     man page
#     share/bash-completion/completions/wsbridge, share/zsh/site-functions/_wsbridge
#     examples/, README.md
set -eu
target=${1:?usage: build.sh TARGET_DIR VERSION}
version=${2:?usage: build.sh TARGET_DIR VERSION}
top=$(cd "$(dirname "$0")/../.." && pwd)
jdk_bin=${JAVA_HOME:+$JAVA_HOME/bin/}
name="wsbridge-$version"
stage="$target/dist/$name"
jar="$target/wsbridge.jar"

rm -rf "$target/dist"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
         "$stage/share/zsh/site-functions"

# The modules the code refers to, as jdeps finds them, less java.desktop (JNA's AWT helpers, which wsbridge
# never calls) plus jdk.crypto.ec (the EC security provider for --ssl keys and TLS: loaded by name, so
# jdeps cannot see it).
found=$("${jdk_bin}jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")
modules=$(printf '%s\n' "$found" | tr ',' '\n' | grep -v -x 'java.desktop' | tr '\n' ',')jdk.crypto.ec
echo "dist: jlink modules $modules"
"${jdk_bin}jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$stage/runtime"

# jlink's release file leaves out OS_ARCH, which the launcher reads to pick lib/native/ARCH: the JDK's own.
if ! grep -q '^OS_ARCH=' "$stage/runtime/release"; then
  jdk_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")}
  sed -n '/^OS_ARCH=/p' "$jdk_home/release" >> "$stage/runtime/release"
fi

cp "$top/bin/wsbridge" "$stage/bin/wsbridge"
cp "$jar" "$stage/lib/wsbridge.jar"
cp "$target/wsbridge.classlist" "$stage/lib/wsbridge.classlist"
cp -R "$target/native" "$stage/lib/native"
cp "$target/docs/man/wsbridge.1" "$stage/share/man/man1/wsbridge.1"
cp "$target/docs/completion/wsbridge.bash" "$stage/share/bash-completion/completions/wsbridge"
cp "$target/docs/completion/_wsbridge" "$stage/share/zsh/site-functions/_wsbridge"
cp -R "$top/examples" "$stage/examples"
cp "$top/README.md" "$stage/README.md"
"$stage/runtime/bin/java" -jar "$jar" --license > "$stage/LICENSE"

# A runtime of Java 25 or later gets an AOT cache (JEP 483/514/515): a training run of the packaged server on it,
# through the launcher with its defaults, serving 100 real sessions (each spawning /bin/cat) and a plain HTTP
# request; the JVM writes lib/wsbridge.aot when it exits. The launcher uses it on that runtime.
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$stage/runtime/release")
if [ "${feature:-0}" -ge 25 ]; then
  "${jdk_bin}java" "$top/packaging/tools/FirstEcho.java" --sessions 100 -- env -u JAVA_HOME \
      JAVA_OPTS="-XX:AOTCacheOutput=$stage/lib/wsbridge.aot -Xlog:aot*=warning:stderr" \
      "$stage/bin/wsbridge" --address=127.0.0.1 --port='{port}' --loglevel=error /bin/cat
  echo "dist: AOT cache lib/wsbridge.aot ($(du -k "$stage/lib/wsbridge.aot" | cut -f1) KiB) for Java $feature"
fi

# The class list was recorded by the build's JVM; check that the bundled runtime can archive it and start.
"$stage/bin/wsbridge" --version
rm -f "$stage/lib/wsbridge.jsa" "$stage/lib/wsbridge.jsa.for"   # made again where it is unpacked

archive="$target/$name-linux-x64.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$target/dist" -czf "$archive" "$name"
echo "dist: $archive ($(du -k "$archive" | cut -f1) KiB; runtime $(du -sk "$stage/runtime" | cut -f1) KiB unpacked)"
