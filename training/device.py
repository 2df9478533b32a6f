"""Where training runs and in which precision: CUDA when present, else CPU with bf16 if it has it."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import torch

_LOGGER = logging.getLogger(__name__)


def cpu_supports_bf16() -> bool:
    """True when this CPU has native bf16 matrix instructions (AVX512-BF16 or AMX)."""
    try:
        if torch.ops.mkldnn._is_mkldnn_bf16_supported():
            return True
    except (AttributeError, RuntimeError):
        pass
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


@dataclass(frozen=True)
class DevicePlan:
    device: torch.device
    autocast_dtype: torch.dtype | None  # None: plain fp32
    reason: str  # one plain line for the log

    def autocast(self) -> contextlib.AbstractContextManager:
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.autocast_dtype)


def choose_device(
    requested: str = "auto", precision: str = "auto", local_rank: int = 0
) -> DevicePlan:
    """Pick the device and autocast dtype.

    requested: "auto", "cpu" or "cuda"; precision: "auto", "bf16", "fp16" or "fp32".
    """
    if requested not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda, not {requested!r}")
    if precision not in ("auto", "bf16", "fp16", "fp32"):
        raise ValueError(f"precision must be auto, bf16, fp16 or fp32, not {precision!r}")
    cuda = torch.cuda.is_available()
    if requested == "cuda" and not cuda:
        raise ValueError("--device cuda was asked for, but torch sees no CUDA device")
    if requested == "cuda" or (requested == "auto" and cuda):
        device = torch.device("cuda", local_rank)
        if precision == "auto":
            precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        reason = f"CUDA device {local_rank} ({torch.cuda.get_device_name(local_rank)})"
    else:
        device = torch.device("cpu")
        why = "no CUDA device" if requested == "auto" else "CPU requested"
        if precision == "auto":
            precision = "bf16" if cpu_supports_bf16() else "fp32"
        reason = f"CPU ({why}; bf16 {'native' if cpu_supports_bf16() else 'not native'})"
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": None}[precision]
    if dtype is torch.float16 and device.type == "cpu":
        raise ValueError("fp16 autocast is for CUDA; use bf16 or fp32 on the CPU")
    return DevicePlan(device, dtype, f"{reason}, {precision}")
