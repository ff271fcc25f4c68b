#!/usr/bin/env bash
# Obtains the pinned llama.cpp build for the llama-native module (run by Maven in generate-resources):
#   1. `npm pack @node-llama-cpp/<platform>@<version>`: the prebuilt libraries; the tarball's sha512 must equal the
#      integrity pinned in the pom, then the platform's libraries go to <classes>/io/xaichat/llama/native/<platform>/
#      with an index (name, size, sha256) the run-time extractor checks.
#   2. `npm pack node-llama-cpp@<version>`: its llama/gitRelease.bundle is the exact llama.cpp source of those
#      libraries; include/llama.h and ggml/include/*.h go to <headers> (the struct-layout probe compiles against
#      them), grammars/json.gbnf and the architecture names of src/llama-arch.cpp become resources.
# Tarballs are kept in <work> and reused while their integrity matches, so only the first build needs the registry.
set -euo pipefail
version=$1 integrity_x64=$2 integrity_arm64=$3 integrity_src=$4 work=$5 classes=$6 headers=$7

fail() { echo "llama-native: $*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 || fail "npm is not installed, and the build needs it to obtain the llama.cpp native
  libraries (npm pack @node-llama-cpp/linux-x64@$version). Install Node.js and npm (Debian: apt-get install npm),
  then build again."
command -v git >/dev/null 2>&1 || fail "git is not installed; it is needed to read llama.cpp's headers from
  node-llama-cpp's gitRelease.bundle. Install git, then build again."

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64; integrity=$integrity_x64 ;;
  Linux-aarch64) platform=linux-arm64; integrity=$integrity_arm64 ;;
  *) fail "no llama.cpp libraries are pinned for $(uname -s) $(uname -m); supported: Linux x86_64, Linux aarch64" ;;
esac

sha512_of() { node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"; }

# fetch <package> <tarball name> <integrity>: the verified tarball's path on stdout
fetch() {
  local pkg=$1 file=$work/$2 want=$3
  if [ ! -f "$file" ] || [ "$(sha512_of "$file")" != "$want" ]; then
    rm -f "$file"
    (cd "$work" && npm pack --silent "$pkg@$version" >/dev/null) || fail "npm pack $pkg@$version failed (is the npm registry reachable?)"
    [ -f "$file" ] || fail "npm pack $pkg@$version did not produce $file"
    local got; got=$(sha512_of "$file")
    if [ "$got" != "$want" ]; then
      rm -f "$file"
      fail "$pkg@$version has integrity $got but the pom pins $want: refusing a tarball that is not the pinned build"
    fi
  fi
  echo "$file"
}

mkdir -p "$work"
stamp="$platform $integrity $integrity_src"
if [ -f "$work/stamp" ] && [ "$(cat "$work/stamp")" = "$stamp" ] && [ -f "$classes/io/xaichat/llama/native/$platform/index.txt" ] \
   && [ -f "$headers/include/llama.h" ] && [ -f "$classes/io/xaichat/llama/architectures.txt" ]; then
  exit 0 # this build's output is already in place
fi
rm -f "$work/stamp"
bins=$(fetch "@node-llama-cpp/$platform" "node-llama-cpp-$platform-$version.tgz" "$integrity")
src=$(fetch node-llama-cpp "node-llama-cpp-$version.tgz" "$integrity_src")

# 1. libraries: the C API's libllama and libggml*, without node's addon and its C++ helper library.
out=$classes/io/xaichat/llama/native/$platform
rm -rf "$out" "$work/bins" && mkdir -p "$out" "$work/bins"
tar -xzf "$bins" -C "$work/bins" "package/bins/$platform"
for f in "$work/bins/package/bins/$platform"/lib*.so; do
  case "$(basename "$f")" in libllama-common.so) continue ;; esac
  cp "$f" "$out/"
done
(cd "$out" && for f in lib*.so; do printf '%s %s %s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"; done) > "$out/index.txt"

# 2. headers, JSON grammar and architecture names from the exact source.
rm -rf "$work/source.git" "$headers" && mkdir -p "$headers" "$classes/io/xaichat/llama"
tar -xzf "$src" -C "$work" package/llama/gitRelease.bundle
git clone --quiet --bare "$work/package/llama/gitRelease.bundle" "$work/source.git"
git -C "$work/source.git" archive HEAD include/llama.h ggml/include grammars/json.gbnf src/llama-arch.cpp | tar -x -C "$headers"
cp "$headers/grammars/json.gbnf" "$classes/io/xaichat/llama/json.gbnf"
sed -n 's/^ *{ *LLM_ARCH_[A-Z0-9_]*, *"\([^"]*\)" *}.*/\1/p' "$headers/src/llama-arch.cpp" > "$classes/io/xaichat/llama/architectures.txt"
[ -s "$classes/io/xaichat/llama/architectures.txt" ] || fail "found no architecture names in llama-arch.cpp"
printf 'version=%s\nplatform=%s\ncommit=%s\n' "$version" "$platform" "$(git -C "$work/source.git" rev-parse HEAD)" \
  > "$classes/io/xaichat/llama/build.properties"
rm -rf "$work/source.git" "$work/package" "$work/bins"
echo "$stamp" > "$work/stamp"
echo "llama-native: $platform libraries of llama.cpp (node-llama-cpp $version) in $out"
