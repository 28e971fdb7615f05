"""PyTorch peer of `deno task bench --peer`.

Reads a JSON spec on stdin: {"threads", "warmup", "repeats", "device", "workloads": [...]},
the workloads as `bench/workloads.ts` describes them, times each the same way (median of
`repeats` runs after `warmup` untimed ones) and prints one JSON object on stdout:
{"torch", "threads", "device", "results": [{"name", "median_ms", "samples_ms",
"cpu_median_ms", "cpu_samples_ms"} or {"name", "error"}]} (cpu: the process's CPU time). Shapes are NHWC in the spec and NCHW here.

Adapted from ../shared/tools/kbench_torch.py and train_step_torch.py.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VGG_CONVS = [2, 2, 3, 3, 3]


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def timed(run, warmup, repeats, device):
    """Wall and process CPU times (ms) of `repeats` runs after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    sync(device)
    samples, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        sync(device)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return samples, cpu


def conv_run(w, device):
    n, h, wd, ci = w["x"]
    fh, fw, _, co = w["filter"]
    x = torch.randn(n, ci, h, wd, device=device)
    k = torch.randn(co, ci, fh, fw, device=device)
    dy = torch.randn(n, co, h, wd, device=device)
    pad = [fh // 2, fw // 2]
    if w["kind"] == "conv2d":
        return lambda: F.conv2d(x, k, padding=pad)
    mask = (True, False, False) if w["kind"] == "conv2d-dx" else (False, True, False)
    return lambda: torch.ops.aten.convolution_backward(
        dy, x, k, None, [1, 1], pad, [1, 1], False, [0, 0], 1, mask)


def matmul_run(w, device):
    a = torch.randn(w["n"], w["n"], device=device)
    b = torch.randn(w["n"], w["n"], device=device)
    return lambda: a @ b


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU())


class UNet(nn.Module):
    """The `unet` plugin: double convs, 2x2 max pooling, 2x2/2 transposed convs, 1x1 out."""

    def __init__(self, channels, classes, filters, depth):
        super().__init__()
        self.down = nn.ModuleList()
        c = channels
        for level in range(depth):
            self.down.append(double_conv(c, filters * 2 ** level))
            c = filters * 2 ** level
        self.bottom = double_conv(c, filters * 2 ** depth)
        c = filters * 2 ** depth
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for level in range(depth - 1, -1, -1):
            f = filters * 2 ** level
            self.up.append(nn.ConvTranspose2d(c, f, 2, stride=2))
            self.dec.append(double_conv(2 * f, f))
            c = f
        self.out = nn.Conv2d(c, classes, 1)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)

    def forward(self, x):
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottom(x)
        for up, dec in zip(self.up, self.dec):
            x = dec(torch.cat([up(x), skips.pop()], 1))
        return self.out(x)


def vgg_parts(w):
    """The `vgg16` plugin shrunk: `features` ends with the last conv block (Grad-CAM target)."""
    layers, c, side = [], w["channels"], w["size"]
    for b in range(w["blocks"]):
        if b > 0:
            layers.append(nn.MaxPool2d(2, ceil_mode=True))
            side = (side + 1) // 2
        f = w["width"] * 2 ** min(b, 3)
        for i in range(VGG_CONVS[b]):
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.ReLU()]
            c = f
    side = (side + 1) // 2
    head = nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.Flatten(),
                         nn.Linear(c * side * side, w["dense"]), nn.ReLU(),
                         nn.Linear(w["dense"], w["dense"]), nn.ReLU(),
                         nn.Linear(w["dense"], w["classes"]))
    return nn.Sequential(*layers), head


def train_run(model, x, y, device):
    model = model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()
    return step


def unet_run(w, device):
    model = UNet(w["channels"], w["classes"], w["filters"], w["depth"])
    x = torch.randn(w["batch"], w["channels"], w["size"], w["size"], device=device)
    y = torch.randint(0, w["classes"], (w["batch"], w["size"], w["size"]), device=device)
    return train_run(model, x, y, device)


def vgg_run(w, device):
    features, head = vgg_parts(w)
    x = torch.randn(w["batch"], w["channels"], w["size"], w["size"], device=device)
    y = torch.randint(0, w["classes"], (w["batch"],), device=device)
    return train_run(nn.Sequential(features, head), x, y, device)


def gradcam_run(w, device):
    features, head = (part.to(device).eval() for part in vgg_parts(w))
    x = torch.randn(w["batch"], w["channels"], w["size"], w["size"], device=device)

    def explain():
        acts = features(x).detach().requires_grad_(True)
        logits = head(acts)
        score = logits.gather(1, logits.argmax(1, keepdim=True)).sum()
        grads, = torch.autograd.grad(score, acts)
        cam = F.relu((grads.mean((2, 3), keepdim=True) * acts).sum(1, keepdim=True))
        cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)
        low = cam.amin((2, 3), keepdim=True)
        high = cam.amax((2, 3), keepdim=True)
        ((cam - low) / (high - low + 1e-7)).sum().item()
    return explain


RUNNERS = {"conv2d": conv_run, "conv2d-dx": conv_run, "conv2d-dw": conv_run,
           "matmul": matmul_run, "unet": unet_run, "vgg": vgg_run, "gradcam": gradcam_run}


def main():
    spec = json.load(sys.stdin)
    device = spec.get("device", "cpu")
    if device == "cuda":
        # fp32 like tfjs-webgpu: no TF32 in matmuls or cuDNN; cuDNN picks its fastest algorithms
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(1)
    results = []
    for w in spec["workloads"]:
        try:
            run = RUNNERS[w["kind"]](w, device)
            samples, cpu = timed(run, spec["warmup"], spec["repeats"], device)
            results.append({"name": w["name"], "median_ms": statistics.median(samples),
                            "samples_ms": samples, "cpu_median_ms": statistics.median(cpu),
                            "cpu_samples_ms": cpu})
        except Exception as error:  # report and go on with the next workload
            results.append({"name": w["name"], "error": f"{type(error).__name__}: {error}"})
    name = torch.cuda.get_device_name() if device == "cuda" else "cpu"
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "device": f"{device} ({name}, fp32, TF32 off)" if device == "cuda" else device,
                      "results": results}))


if __name__ == "__main__":
    main()
