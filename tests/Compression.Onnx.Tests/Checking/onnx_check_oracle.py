# The oracle for ModelCheckerOracleTests: ONNX 1.12's own checker (Debian python3-onnx), run once over many files.
# Usage: /usr/bin/python3 onnx_check_oracle.py FILE...   (or "-" to read paths from stdin, one per line)
# Prints one line per file: "ok<TAB>path" or "error<TAB>path<TAB>first line of the message".
import sys

import onnx
import onnx.checker


def main():
    paths = sys.argv[1:]
    if paths == ["-"]:
        paths = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for path in paths:
        try:
            # By path, as tools do: external data is looked up beside the file.
            onnx.checker.check_model(path)
            print("ok\t" + path)
        except Exception as e:  # the verdict is what matters; the kind of failure only goes into the message
            message = (str(e).strip().splitlines() or [type(e).__name__])[0]
            print("error\t" + path + "\t" + type(e).__name__ + ": " + message)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
