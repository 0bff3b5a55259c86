// The ONNX Runtime oracle: runs one model in onnxruntime-node (installed by build/test-assets.sh) on .npy inputs and
// writes .npy outputs, with the same file conventions as `modelc run`, so tests can compare our executor and our
// compressed models against the reference runtime file for file.
//
//   node ort-run.mjs --model M.onnx --inputs DIR --outputs DIR [--optimized-model-out PATH] [--threads N]
//                    [--optimization all|extended|basic|disabled] [--latency N [--warmup W]] [--ort-dir DIR]
//   node ort-run.mjs --model M.onnx --data-set DIR --outputs DIR [...]
//   [--profile PREFIX] writes ONNX Runtime's per-node profile (chrome trace JSON) to PREFIX_<date>.json
//
// --data-set runs one session over every sample of a data set (DESIGN.md layout: its subfolders, or the folder
// itself when it has none) and writes each sample's outputs to DIR/<sample folder name>/output_<i>.npy.
//
// Inputs: input_<i>.npy or input_<i>.pb by position, or <name>.npy by name (see DESIGN.md, `modelc run`).
// stdout: one JSON line (inputs, outputs with name/shape/dtype/file, run time in ms; with --latency also the median).
// Any failure: exit code 2 and one line on stderr, like modelc's "bad input" contract.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readNpy, writeNpy, supportedTypes } from './npy.mjs';
import { readTensorProto } from './tensorproto.mjs';

class UsageError extends Error {}

const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'];

try {
  await main();
} catch (error) {
  // One line, no stack: callers put this into test failure messages.
  const message = String(error?.message ?? error).replace(/\s+/g, ' ').trim();
  process.stderr.write(`ort-run: ${message}\n`);
  process.exit(2);
}

async function main() {
  const options = parseOptions();
  const ort = loadOnnxRuntime(options.ortDir);
  // ORT's native logger writes warnings (e.g. unused initializers in converted models) to stderr; keep stderr for
  // our own single error line.
  ort.env.logLevel = 'error';

  const sessionStart = performance.now();
  const session = await ort.InferenceSession.create(options.model, {
    graphOptimizationLevel: options.optimization,
    intraOpNumThreads: options.threads,
    // One inter-op thread and sequential execution: timings and results should not depend on scheduling.
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    ...(options.optimizedModelOut ? { optimizedModelFilePath: options.optimizedModelOut } : {}),
    ...(options.profile ? { enableProfiling: true, profileFilePrefix: options.profile } : {}),
  });
  const sessionMs = performance.now() - sessionStart;

  if (options.dataSet) {
    const samples = sampleFolders(options.dataSet);
    const written = [];
    for (const sample of samples) {
      const { feeds } = readInputs(ort, session, sample);
      const results = await session.run(feeds);
      writeOutputs(session, results, path.join(options.outputs, path.basename(sample)));
      written.push(path.basename(sample));
    }
    await session.release();
    process.stdout.write(JSON.stringify({ model: path.resolve(options.model), samples: written, outputs: session.outputNames }) + '\n');
    return;
  }

  const { feeds, inputs } = readInputs(ort, session, options.inputs);

  const runStart = performance.now();
  const results = await session.run(feeds);
  const runMs = performance.now() - runStart;

  let latency;
  if (options.latency !== undefined) {
    for (let i = 0; i < options.warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < options.latency; i++) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    const medianMs = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    latency = {
      iterations: options.latency,
      warmup: options.warmup,
      medianMs: round(medianMs),
      minMs: round(times[0]),
      maxMs: round(times[times.length - 1]),
    };
  }

  const outputs = options.outputs ? writeOutputs(session, results, options.outputs) : describeOutputs(session, results);
  if (options.profile) session.endProfiling();
  await session.release();

  const report = {
    model: path.resolve(options.model),
    optimization: options.optimization,
    threads: options.threads,
    inputs,
    outputs,
    sessionMs: round(sessionMs),
    runMs: round(runMs),
    ...(latency ? { latency } : {}),
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        model: { type: 'string' },
        inputs: { type: 'string' },
        'data-set': { type: 'string' },
        outputs: { type: 'string' },
        'optimized-model-out': { type: 'string' },
        threads: { type: 'string', default: '1' },
        optimization: { type: 'string', default: 'all' },
        latency: { type: 'string' },
        warmup: { type: 'string', default: '3' },
        'ort-dir': { type: 'string' },
        profile: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (!values.model) throw new UsageError('--model is required');
  if (!values.inputs === !values['data-set']) throw new UsageError('one of --inputs and --data-set is required');
  if (!values.outputs && values.latency === undefined) throw new UsageError('--outputs is required (optional only with --latency)');
  if (values['data-set'] && values.latency !== undefined) throw new UsageError('--latency runs one input folder, not a data set');
  if (!fs.existsSync(values.model)) throw new UsageError(`model not found: ${values.model}`);
  const folder = values.inputs ?? values['data-set'];
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`inputs folder not found: ${folder}`);
  }
  if (!OPTIMIZATION_LEVELS.includes(values.optimization)) {
    throw new UsageError(`--optimization must be one of ${OPTIMIZATION_LEVELS.join(', ')}`);
  }
  return {
    model: values.model,
    inputs: values.inputs,
    dataSet: values['data-set'],
    outputs: values.outputs,
    optimizedModelOut: values['optimized-model-out'],
    threads: positiveInt(values.threads, '--threads'),
    optimization: values.optimization,
    latency: values.latency === undefined ? undefined : positiveInt(values.latency, '--latency'),
    warmup: nonNegativeInt(values.warmup, '--warmup'),
    ortDir: values['ort-dir'] ?? process.env.COMPRESSION_ORT_DIR ?? findAssetFolder(),
    profile: values.profile,
  };
}

// Without COMPRESSION_ORT_DIR (a manual run), look for the repository's .test-assets above the working directory or
// above this script, which the test build copies under the repository's bin folders.
function findAssetFolder() {
  const starts = [process.cwd(), path.dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, '.test-assets', 'onnxruntime');
      if (fs.existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

function loadOnnxRuntime(ortDir) {
  const hint = 'run build/test-assets.sh, or set COMPRESSION_ORT_DIR to its .test-assets/onnxruntime folder';
  if (!ortDir) throw new UsageError(`onnxruntime-node not found: ${hint}`);
  const packageJson = path.join(ortDir, 'node_modules', 'onnxruntime-node', 'package.json');
  if (!fs.existsSync(packageJson)) throw new UsageError(`onnxruntime-node not found in ${ortDir}: ${hint}`);
  // createRequire anchored inside the asset folder resolves its node_modules, not any global install.
  return createRequire(path.join(path.resolve(ortDir), 'ort-run.cjs'))('onnxruntime-node');
}

/** A data set's samples in ordinal order, as the engine reads them: its subfolders, or the folder itself when it has none. */
function sampleFolders(folder) {
  const subfolders = fs.readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return subfolders.length > 0 ? subfolders.map((name) => path.join(folder, name)) : [folder];
}

/** The file-name rule of `modelc run`: characters outside [A-Za-z0-9_.-] become '_'. */
export function fileNameFor(inputName) {
  return inputName.replace(/[^A-Za-z0-9_.-]/g, '_') + '.npy';
}

function readInputs(ort, session, folder) {
  const files = new Set(fs.readdirSync(folder));
  const claimed = new Map();
  const feeds = {};
  const inputs = [];
  session.inputNames.forEach((name, i) => {
    const candidates = [...new Set([`input_${i}.npy`, `input_${i}.pb`, fileNameFor(name)])].filter((f) => files.has(f));
    if (candidates.length === 0) {
      throw new UsageError(
        `no file for model input ${i} '${name}': expected input_${i}.npy, input_${i}.pb or ${fileNameFor(name)} in ${folder}`);
    }
    if (candidates.length > 1) {
      throw new UsageError(`model input ${i} '${name}' matches both ${candidates.join(' and ')}`);
    }
    const file = candidates[0];
    if (claimed.has(file)) throw new UsageError(`${file} matches both input '${claimed.get(file)}' and input '${name}'`);
    claimed.set(file, name);

    const bytes = fs.readFileSync(path.join(folder, file));
    const array = file.endsWith('.pb') ? readTensorProto(bytes, file) : readNpy(bytes, file);
    checkAgainstModel(session.inputMetadata?.[i], array, name, file);
    feeds[name] = new ort.Tensor(array.type, array.data, array.shape);
    inputs.push({ name, file, shape: array.shape, dtype: array.type });
  });
  // A stray input file is almost always a misnamed input; running without it would hide the mistake. labels.npy
  // belongs to the data-set layout (DESIGN.md), and output_<i>.pb files sit next to the inputs in ONNX's
  // test_data_set_N folders; neither is a model input.
  for (const file of files) {
    const isInputLike = (file.endsWith('.npy') && file !== 'labels.npy') || /^input_\d+\.pb$/.test(file);
    if (isInputLike && !claimed.has(file)) {
      throw new UsageError(`${file} matches no model input (inputs: ${session.inputNames.map((n) => `'${n}'`).join(', ')})`);
    }
  }
  return { feeds, inputs };
}

// ORT would reject most mismatches too, but with a message that names neither the file nor the input.
function checkAgainstModel(meta, array, name, file) {
  if (!meta) return;
  if (meta.isTensor === false) throw new UsageError(`model input '${name}' is not a tensor; the oracle feeds tensors only`);
  if (meta.type && meta.type !== array.type) {
    throw new UsageError(`${file}: element type ${array.type}, but model input '${name}' is ${meta.type}`);
  }
  if (Array.isArray(meta.shape)) {
    const fits =
      meta.shape.length === array.shape.length &&
      meta.shape.every((d, k) => typeof d !== 'number' || d < 0 || d === array.shape[k]);
    if (!fits) {
      throw new UsageError(`${file}: shape [${array.shape}], but model input '${name}' is [${meta.shape}]`);
    }
  }
}

function describeOutputs(session, results) {
  return session.outputNames.map((name) => {
    const tensor = results[name];
    return { name, shape: tensor.dims.map(Number), dtype: tensor.type };
  });
}

function writeOutputs(session, results, folder) {
  fs.mkdirSync(folder, { recursive: true });
  return session.outputNames.map((name, i) => {
    const tensor = results[name];
    if (!supportedTypes.includes(tensor.type)) {
      throw new UsageError(`output ${i} '${name}' has element type ${tensor.type}, which .npy output does not support`);
    }
    const file = `output_${i}.npy`;
    const shape = tensor.dims.map(Number);
    fs.writeFileSync(path.join(folder, file), writeNpy(tensor.type, shape, tensor.data));
    return { name, file, shape, dtype: tensor.type };
  });
}

function positiveInt(text, flag) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function nonNegativeInt(text, flag) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got '${text}'`);
  return n;
}

function round(ms) {
  return Math.round(ms * 1000) / 1000;
}
