#!/usr/bin/env bash
# The GPU benchmark on the device machine, as one command (after bench/gpu/prepare.sh):
#   bash bench/gpu/run.sh            on the device: NVIDIA's Vulkan driver, PyTorch on CUDA
#   bash bench/gpu/run.sh --local    dry run here: llvmpipe, small shapes, PyTorch on the CPU
# First the WebGPU kernel tests against cpu on this adapter, then three benchmark runs,
# each writing a JSON report to $OUT (the device tool's output folder; locally
# out/gpu-dryrun): custom vs stock kernels at batch 8, U-Net steps at batch 32, and the
# filter gradient at 32x128x128x32. Each step has its own time limit; the whole stays
# under the tool's 10 minutes.
# Deno runs with --no-config: the bundles need no deno.json (whose "exclude" names .gpu/).
set -uo pipefail
cd "$(dirname "$0")/../.."
local_run=false
[ "${1:-}" = "--local" ] && local_run=true
OUT="${OUT:-out/gpu-dryrun}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1

if $local_run; then
  peer=(--peer --peer-device cpu)
  b8=(--batch 2 --size 32 --matmul 256 --inner 1)
  b32=(--batch 4 --size 32 --inner 1)
  k32=(--batch 2 --size 32 --conv 2x32x32x32 --matmul 256 --inner 2)
  limits=(300 400 200 200)
else
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  peer=(--peer --peer-device cuda --python python3)
  b8=(--batch 8)
  b32=(--batch 32)
  k32=(--batch 32 --conv 32x128x128x32 --matmul 4096)
  limits=(120 200 110 110)
fi
export XDG_RUNTIME_DIR=/tmp
xz -dc .gpu/deno.xz > /tmp/deno && chmod +x /tmp/deno

echo "== $(date -u +%FT%TZ) $(uname -n), load: $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true

step() {
  local name=$1 limit=$2
  shift 2
  echo "== $name (limit ${limit}s)"
  timeout "$limit" /tmp/deno "$1" --no-config "${@:2}"
  echo "== $name: exit $?"
}

step tests "${limits[0]}" test -A .gpu/tests.js
step batch8 "${limits[1]}" run -A .gpu/app.js --backend webgpu,webgpu-stock "${peer[@]}" \
  --warmup 1 --repeats 3 "${b8[@]}" --out "$OUT/bench_b8.json"
step batch32 "${limits[2]}" run -A .gpu/app.js --only train --backend webgpu,webgpu-stock \
  "${peer[@]}" --warmup 1 --repeats 3 "${b32[@]}" --out "$OUT/bench_b32.json"
step kernels32 "${limits[3]}" run -A .gpu/app.js --only kernels --backend webgpu "${peer[@]}" \
  "${k32[@]}" --out "$OUT/bench_kernels_b32.json"
echo "== done $(date -u +%FT%TZ)"
