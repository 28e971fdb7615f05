#!/usr/bin/env bash
# Prepares the GPU benchmark for the device machine; run it here, in any checkout, with
# network access (npm for Deno, Debian's mirror for the Vulkan loader):
#   bash bench/gpu/prepare.sh
# It writes .gpu/ (the benchmark and the WebGPU tests bundled into single files, the
# PyTorch peer, Deno compressed with xz) and .gl/ (Debian's libvulkan1, unpacked on the
# device, which has NVIDIA's driver but no Vulkan loader). Both are git-ignored; name both
# in the device tool's `carry` and run `bash bench/gpu/run.sh` there (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
deno() { npx -y deno@2.9.6 "$@"; }

mkdir -p .gpu
deno bundle --platform deno -o .gpu/app.js bench/main.ts
deno bundle --platform deno -o .gpu/tests.js bench/gpu/webgpu_tests.ts
cp bench/peer_torch.py .gpu/peer_torch.py

binary="$(deno eval 'console.log(Deno.execPath())')"
if [ ! -s .gpu/deno.xz ] || [ "$binary" -nt .gpu/deno.xz ]; then
  xz -T2 -6 -c "$binary" > .gpu/deno.xz
fi

if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1)
fi

du -ch .gpu .gl | tail -1
total=$(du -cm .gpu .gl | tail -1 | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cm 2>/dev/null | tail -1 | cut -f1)
echo "carried ${total} MiB + tracked files ${tree} MiB (the device tool takes 64 MiB)"
if [ $((total + tree)) -ge 64 ]; then
  echo "too large for the device tool" >&2
  exit 1
fi
echo 'ready: device run with carry [".gpu", ".gl"] and command "bash bench/gpu/run.sh"'
