"""Summarises an ONNX Runtime profile (ort-run.mjs --profile PREFIX writes PREFIX_<date>.json): the median time of each
node over the profiled runs, summed per operator type, and the slowest nodes with their first input's shape.

    /usr/bin/python3 benchmarks/ort-profile-summary.py PROFILE.json [--top N]
"""
import collections
import json
import statistics
import sys

path = sys.argv[1]
top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 5
events = json.load(open(path))
per_node = collections.defaultdict(list)
shapes = {}
for e in events:
    if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
        key = (e["args"].get("op_name"), e["name"][: -len("_kernel_time")])
        per_node[key].append(e["dur"])
        shapes[key] = e["args"].get("input_type_shape") or []
per_op = collections.Counter()
count = collections.Counter()
for (op, _), durations in per_node.items():
    per_op[op] += statistics.median(durations)
    count[op] += 1
print(f"total {sum(per_op.values()) / 1000:.2f} ms per run (median per node)")
for op, us in per_op.most_common():
    print(f"  {op:28s} {us / 1000:7.3f} ms  {count[op]:4d} nodes")
print("slowest nodes:")
for (op, name), durations in sorted(per_node.items(), key=lambda kv: -statistics.median(kv[1]))[:top]:
    first = list(shapes[(op, name)][0].values())[0] if shapes[(op, name)] else "?"
    print(f"  {op:16s} {statistics.median(durations):8.0f} us  input {first}  {name}")
