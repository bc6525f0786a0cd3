"""PyTorch peer for `npm run bench:train`: trains the SAME network as the tfjs bench.

Re-running with --threads 1 gives a per-core reference that shared machines disturb less.

The network is rebuilt from the tfjs model's Keras topology JSON (model.toJSON()), so both
sides always measure one architecture. Prints one JSON line: {"torch": version, "threads": n,
"results": [{"batch": b, "imagesPerSecond": x, "seconds": [...]}]}.
Run with Debian's interpreter: /usr/bin/python3 bench/torch_mxception.py --model-json FILE
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_padding(kernel):
    # TF 'same' pads asymmetrically for even inputs at stride 2; symmetric k//2 gives the same
    # output shape and the same work, which is what a throughput benchmark needs.
    return kernel // 2


class KerasGraph(nn.Module):
    """Executes a Keras functional topology (the layer kinds fermx models use) in NCHW."""

    def __init__(self, topology, in_channels):
        super().__init__()
        config = topology["config"]
        self.steps = []
        self.layers = nn.ModuleDict()
        channels = {}
        for layer in config["layers"]:
            name, kind, c = layer["name"], layer["class_name"], layer["config"]
            inbound = [node[0] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            cin = channels[inbound[0]] if inbound else in_channels
            module, cout = self.build(kind, c, cin)
            if module is not None:
                self.layers[name] = module
            channels[name] = cout
            # A final softmax is folded into the cross-entropy loss, as PyTorch code does.
            relu = kind == "ReLU" or c.get("activation") == "relu"
            self.steps.append((name, kind, inbound, relu))
        self.output = config["output_layers"][0][0]

    @staticmethod
    def build(kind, c, cin):
        if kind == "Conv2D":
            k, s = c["kernel_size"][0], c["strides"][0]
            pad = same_padding(k) if c["padding"] == "same" else 0
            return nn.Conv2d(cin, c["filters"], k, s, pad, bias=c["use_bias"]), c["filters"]
        if kind == "SeparableConv2D":
            k, s, m = c["kernel_size"][0], c["strides"][0], c.get("depth_multiplier", 1)
            pad = same_padding(k) if c["padding"] == "same" else 0
            return nn.Sequential(
                nn.Conv2d(cin, cin * m, k, s, pad, groups=cin, bias=False),
                nn.Conv2d(cin * m, c["filters"], 1, bias=c["use_bias"]),
            ), c["filters"]
        if kind == "DepthwiseConv2D":
            k, s, m = c["kernel_size"][0], c["strides"][0], c.get("depth_multiplier", 1)
            pad = same_padding(k) if c["padding"] == "same" else 0
            return nn.Conv2d(cin, cin * m, k, s, pad, groups=cin, bias=c["use_bias"]), cin * m
        if kind == "BatchNormalization":
            return nn.BatchNorm2d(cin, eps=c["epsilon"], momentum=1 - c["momentum"]), cin
        if kind in ("MaxPooling2D", "AveragePooling2D"):
            k, s = c["pool_size"][0], c["strides"][0]
            pad = same_padding(k) if c["padding"] == "same" else 0
            pool = nn.MaxPool2d if kind == "MaxPooling2D" else nn.AvgPool2d
            return pool(k, s, pad), cin
        if kind == "Dense":
            return nn.Linear(cin, c["units"]), c["units"]
        if kind == "Dropout":
            return nn.Dropout(c["rate"]), cin
        if kind in ("InputLayer", "ReLU", "Activation", "Add", "GlobalAveragePooling2D", "Flatten", "Softmax"):
            return None, cin
        raise ValueError(f"torch_mxception: layer kind {kind} is not supported")

    def forward(self, x):
        values = {}
        for name, kind, inbound, relu in self.steps:
            args = [values[i] for i in inbound]
            if kind == "InputLayer":
                y = x
            elif kind == "Add":
                y = args[0]
                for other in args[1:]:
                    y = y + other
            elif kind == "GlobalAveragePooling2D":
                y = args[0].mean(dim=(2, 3))
            elif kind == "Flatten":
                y = torch.flatten(args[0], 1)
            elif name in self.layers:
                y = self.layers[name](args[0])
            else:
                y = args[0]
            values[name] = F.relu(y) if relu else y
        return values[self.output]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-json", required=True)
    parser.add_argument("--batches", default="64,256")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda for the GPU peer of a webgpu/tensorflow run")
    args = parser.parse_args()
    if args.device != "cpu" and not torch.cuda.is_available():
        raise SystemExit(f"--device {args.device}: torch {torch.__version__} sees no CUDA device")
    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.model_json) as f:
        topology = json.load(f)
    model = KerasGraph(topology, in_channels=1).to(device)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    results = []
    for batch in [int(b) for b in args.batches.split(",")]:
        x = torch.rand(batch, 1, 48, 48, device=device)
        y = torch.randint(0, args.classes, (batch,), device=device)

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            # A host read per step, as fermx's loop does; on CUDA it also waits for the step.
            return loss.item()

        for _ in range(2):
            step()
        seconds, cpu_seconds = [], []
        for _ in range(args.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(args.steps):
                step()
            seconds.append(time.perf_counter() - start)
            cpu_seconds.append(time.process_time() - cpu_start)
        results.append({
            "batch": batch,
            "imagesPerSecond": batch * args.steps / min(seconds),
            # CPU time of all threads: meaningful per core only with --threads 1.
            "cpuImagesPerSecond": batch * args.steps / min(cpu_seconds),
            "seconds": seconds,
        })
    parameters = sum(p.numel() for p in model.parameters())
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(json.dumps({"torch": torch.__version__, "device": name, "threads": torch.get_num_threads(), "parameters": parameters, "results": results}))


if __name__ == "__main__":
    sys.exit(main())
