"""Which device runs the model, in the few words the status bar has room for.

onnxruntime says which provider runs a session but not which GPU; the CUDA driver does, and its
library can be asked without importing any CUDA toolkit (ctypes, device 0: the one ORT uses by
default). Asked on the worker thread, once per loaded model."""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

CUDA_PROVIDER = "CUDAExecutionProvider"


def cuda_device_name(index: int = 0) -> str:
    """The name of CUDA device `index` from the driver ("" when the driver cannot say)."""
    name = "nvcuda.dll" if sys.platform == "win32" else "libcuda.so.1"
    try:
        driver = ctypes.CDLL(name)
        device = ctypes.c_int()
        text = ctypes.create_string_buffer(128)
        if driver.cuInit(0) != 0 or driver.cuDeviceGet(ctypes.byref(device), index) != 0:
            return ""
        if driver.cuDeviceGetName(text, len(text), device) != 0:
            return ""
    except (OSError, AttributeError) as err:
        log.debug("no CUDA device name: %s", err)
        return ""
    return text.value.decode("utf-8", "replace").strip()


def device_label(provider: str, device: str) -> str:
    """"CPU" or "CUDA (NVIDIA GeForce RTX 4070)": what the status bar says runs the model."""
    if provider == CUDA_PROVIDER:
        return f"CUDA ({device or 'GPU'})"
    return "CPU"


def why_not_cuda(provider: str, provider_line: str) -> str:
    """Why the model runs on the CPU, from the session's provider line ("" on CUDA)."""
    if provider == CUDA_PROVIDER:
        return ""
    _, _, reason = provider_line.partition("(")
    return reason.removesuffix(")").strip() if reason else provider_line.strip()
