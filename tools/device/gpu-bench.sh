#!/usr/bin/env bash
# Runs fermx's GPU benches on a machine without Node, from the kit `node tools/device/pack.mjs`
# put in .device/ (carried by the device tool). Writes logs and JSON to $OUT (or ./.device/out).
#
#   bash tools/device/gpu-bench.sh [extra bench:train flags]
#
# Env: FERMX_KIT_DIR (unpack dir, /tmp/fermx-kit), FERMX_PYTHON (python3 with torch, `python3`),
#      VK_DRIVER_FILES (default: NVIDIA's ICD where the container toolkit puts it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$repo/.device/out}
kit=${FERMX_KIT_DIR:-/tmp/fermx-kit}
mkdir -p "$out" "$kit"

tar -C "$kit" -xJf "$repo/.device/kit.tar.xz"
# Dawn dlopens libvulkan.so.1; a bare CUDA image has the NVIDIA ICD but not the loader.
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in "$repo"/.device/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [[ -z "${VK_DRIVER_FILES:-}" && -f $nvidia_icd ]]; then export VK_DRIVER_FILES=$nvidia_icd; fi
echo "{\"msg\":\"device\",\"vk_driver_files\":\"${VK_DRIVER_FILES:-}\",\"kit\":\"$(head -1 "$kit/VERSION")\"}" >&2
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt" >&2

cd "$kit"
if [[ -f bench/webgpu-filter-gradients.mjs ]]; then
  ./bin/node bench/webgpu-filter-gradients.mjs 2>&1 | tee "$out/webgpu-filter-gradients.txt"
fi
./bin/node bench/train.mjs --backend webgpu --python "${FERMX_PYTHON:-python3}" "$@" 2>&1 | tee "$out/bench-train.txt"
