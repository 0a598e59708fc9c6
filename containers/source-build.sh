#!/bin/bash
# Builds TVM from a source tree inside a container of source-builder.Containerfile
# (`compat env build --source`). Mounts: /src (a tree or a .tar.gz, read-only), /ccache
# (the tool's ccache folder, read-write), /out (empty, read-write). The cmake options come in
# TVM_CMAKE_OPTIONS (one per line), the job count in TVM_BUILD_JOBS. Every fixup this script
# makes to the tree is part of the image tag (the script text is hashed with the config).
set -euo pipefail
tree=/build/tvm
mkdir -p "$tree"
if [ -f /src ]; then
  tar -xzf /src --strip-components=1 -C "$tree"
else
  cp -a /src/. "$tree"
fi
cd "$tree"
[ -f CMakeLists.txt ] || { echo "error: no CMakeLists.txt at the top of the source tree" >&2; exit 2; }

# gcc 12 turns -Wstringop-overread in the standalone CRT (aot_executor.c, TVM <= 0.11) into an
# error under the CRT's own -Werror; its make is passed EXTRA_CFLAGS, which comes last.
if grep -q '"EXTRA_CFLAGS=-fPIC"' cmake/modules/StandaloneCrt.cmake 2>/dev/null; then
  sed -i 's/"EXTRA_CFLAGS=-fPIC"/"EXTRA_CFLAGS=-fPIC -Wno-error"/; s/"EXTRA_CXXFLAGS=-fPIC"/"EXTRA_CXXFLAGS=-fPIC -Wno-error"/' \
    cmake/modules/StandaloneCrt.cmake
  echo "fixup: -Wno-error for the standalone CRT (cmake/modules/StandaloneCrt.cmake)"
fi

export CCACHE_DIR=/ccache CCACHE_BASEDIR="$tree" CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
ccache --max-size "${TVM_CCACHE_MAX_SIZE:-5G}" >/dev/null
ccache --zero-stats >/dev/null

options=()
while IFS= read -r line; do [ -n "$line" ] && options+=("$line"); done <<<"${TVM_CMAKE_OPTIONS:-}"
mkdir -p build
cd build
echo "cmake: ${options[*]}"
cmake -G Ninja -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "${options[@]}" .. > cmake.log 2>&1 \
  || { cat cmake.log; echo "error: cmake configure failed" >&2; exit 3; }
grep -E '^-- (Build with|Use|Found|LLVM|Vulkan)' cmake.log || true
echo "ninja: $(ninja -n ${TVM_BUILD_TARGETS:-} 2>/dev/null | grep -c '^\[') steps to run"
NINJA_STATUS='[%f/%t %es] ' nice -n 19 ninja -j "${TVM_BUILD_JOBS:-2}" ${TVM_BUILD_TARGETS:-}
echo "ccache: $(ccache --print-stats 2>/dev/null | grep -E '^(direct_cache_hit|preprocessed_cache_hit|cache_miss)\s' | tr '\t\n' '= ' )"
ccache --show-stats 2>/dev/null | sed 's/^/ccache| /' || true

# What an image needs of the tree: the Python package, headers (export_library of target c,
# micro), and build/ without objects (libtvm*.so, standalone_crt, microtvm_template_projects).
cd "$tree"
mkdir -p /out/tvm/build
for p in python include 3rdparty version.py LICENSE NOTICE; do
  [ -e "$p" ] && cp -a "$p" /out/tvm/
done
tar -C build --exclude=CMakeFiles --exclude='*.o' --exclude='*.ninja' --exclude=.ninja_log --exclude=.ninja_deps \
  --exclude=CMakeCache.txt --exclude=cmake.log -cf - . | tar -C /out/tvm/build -xf -
cp build/CMakeCache.txt /out/tvm/build/CMakeCache.txt
ls -l /out/tvm/build/*.so
echo "done"
