#!/usr/bin/python3
# A stand-in for `dotnet modelc.dll build --request R --response S` in the task's unit tests: it follows the protocol
# (docs/build-protocol.md) without compressing. The model's copy is its "output"; behaviour is steered by the model's
# first bytes so one script covers the cases: b"FAIL" -> an MCB1003 error diagnostic, b"EXIT2" -> exit 2 with modelc's
# one-line error, b"EXIT3" -> exit 3 with a stack trace, b"HANG" -> sleep (cancellation), b"WARN" -> a warning.
import hashlib, json, os, sys, time

args = sys.argv[1:]
engine, command = args[0], args[1]
request_path = args[args.index("--request") + 1]
response_path = args[args.index("--response") + 1]
with open(request_path, encoding="utf-8") as f:
    request = json.load(f)
# Proof for the tests of what the task sent.
with open(request_path + ".seen", "w", encoding="utf-8") as f:
    json.dump({"engine": engine, "command": command, "request": request}, f)

models, diagnostics = [], []
for model in request["models"]:
    data = open(model["fullPath"], "rb").read()
    if data.startswith(b"EXIT2"):
        print(model["fullPath"] + ": error MCB2002: Quantization 'int9' is not one of none, fp16, int8-weight", file=sys.stderr)
        sys.exit(2)
    if data.startswith(b"EXIT3"):
        print("error MCB9000: internal error: NullReferenceException: boom", file=sys.stderr)
        print("   at Compression.Engine.Something()", file=sys.stderr)
        sys.exit(3)
    if data.startswith(b"HANG"):
        time.sleep(600)
    if data.startswith(b"FAIL"):
        diagnostics.append({"severity": "error", "code": "MCB1003", "file": model["fullPath"], "message": "not a valid ONNX model"})
        continue
    if data.startswith(b"WARN"):
        diagnostics.append({"severity": "warning", "code": "MCB2101", "file": model["fullPath"], "message": "fidelity was not measured"})
    stem = os.path.splitext(os.path.basename(model["fullPath"]))[0]
    out = os.path.join(request["outputDirectory"], stem + ".onnx")
    os.makedirs(request["outputDirectory"], exist_ok=True)
    with open(out, "wb") as f:
        f.write(data[: max(1, len(data) // 2)])
    written = open(out, "rb").read()
    profile = model["profile"] or request["profile"] or ("desktop-x64" if request["runtimeIdentifier"] == "linux-x64" else "portable")
    models.append({"itemSpec": model["itemSpec"], "outputPath": out, "profile": profile,
                   "recipe": model["options"].get("Quantization", "int8-weight"), "originalBytes": len(data),
                   "compressedBytes": len(written), "sha256": hashlib.sha256(written).hexdigest(), "cacheHit": False,
                   "futureField": {"ignored": [1, 2.5, None, True]}})
with open(response_path, "w", encoding="utf-8") as f:
    json.dump({"models": models, "diagnostics": diagnostics}, f, indent=2)
