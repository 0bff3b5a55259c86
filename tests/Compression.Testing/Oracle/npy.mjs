// A minimal NumPy .npy reader and writer (format versions 1, 2 and 3), written here so the ONNX Runtime oracle needs
// nothing from npm beyond onnxruntime-node itself. Element types use ONNX Runtime's tensor type names; float16 stays
// as raw Uint16 bits because Node 20 has no Float16Array and ONNX Runtime accepts the bits as they are.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

// descr kind+size -> [ORT type name, TypedArray]. Byte order is handled separately so '<', '>', '|' and '=' all work.
const TYPES = {
  f2: ['float16', Uint16Array],
  f4: ['float32', Float32Array],
  f8: ['float64', Float64Array],
  i1: ['int8', Int8Array],
  u1: ['uint8', Uint8Array],
  i2: ['int16', Int16Array],
  u2: ['uint16', Uint16Array],
  i4: ['int32', Int32Array],
  u4: ['uint32', Uint32Array],
  i8: ['int64', BigInt64Array],
  u8: ['uint64', BigUint64Array],
  b1: ['bool', Uint8Array],
};

const DESCR_BY_TYPE = Object.fromEntries(
  Object.entries(TYPES).map(([code, [name, array]]) => [name, (array.BYTES_PER_ELEMENT === 1 ? '|' : '<') + code]),
);

export class NpyError extends Error {}

/** The ORT type names this module reads and writes. */
export const supportedTypes = Object.keys(DESCR_BY_TYPE);

/**
 * Parses .npy bytes. Returns { type, shape, data } where data is a TypedArray of the matching kind (own buffer,
 * so it is aligned whatever the header length was).
 */
export function readNpy(bytes, label = 'array') {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) {
    throw new NpyError(`${label}: not a .npy file (bad magic)`);
  }
  const major = buf[6];
  let headerLength;
  let headerStart;
  if (major === 1) {
    headerLength = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new NpyError(`${label}: truncated .npy header`);
    headerLength = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new NpyError(`${label}: unsupported .npy format version ${major}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > buf.length) throw new NpyError(`${label}: truncated .npy header`);
  // Version 3 differs from 2 only in allowing UTF-8 in the header; latin1 would be right for 1 and 2.
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataStart);

  const descr = matchField(header, 'descr', /^['"]([^'"]+)['"]/, label)[1];
  const fortran = matchField(header, 'fortran_order', /^(True|False)/, label)[1] === 'True';
  const shapeText = matchField(header, 'shape', /^\(([^)]*)\)/, label)[1];
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+L?$/.test(s)) throw new NpyError(`${label}: bad dimension '${s}' in .npy shape`);
      return Number.parseInt(s, 10);
    });

  const order = descr[0];
  const code = '<>|='.includes(order) ? descr.slice(1) : descr;
  const entry = TYPES[code];
  if (!entry) throw new NpyError(`${label}: unsupported .npy dtype '${descr}'`);
  const [type, ArrayType] = entry;
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * ArrayType.BYTES_PER_ELEMENT;
  if (buf.length - dataStart < byteLength) {
    throw new NpyError(`${label}: .npy data is ${buf.length - dataStart} bytes, shape [${shape}] of ${type} needs ${byteLength}`);
  }
  // A copy into a fresh ArrayBuffer: typed arrays need alignment that the header length does not guarantee.
  const raw = new Uint8Array(byteLength);
  raw.set(buf.subarray(dataStart, dataStart + byteLength));
  if (order === '>' && ArrayType.BYTES_PER_ELEMENT > 1) swapBytes(raw, ArrayType.BYTES_PER_ELEMENT);
  let data = new ArrayType(raw.buffer);
  if (fortran && shape.length > 1) data = fortranToC(data, shape, ArrayType);
  return { type, shape, data };
}

/** Serialises a C-order array as .npy (version 1 unless the header needs the larger length field of version 2). */
export function writeNpy(type, shape, data) {
  const descr = DESCR_BY_TYPE[type];
  if (!descr) throw new NpyError(`cannot write element type '${type}' as .npy`);
  const dims = shape.map((d) => Number(d));
  const shapeText = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let major = 1;
  let prefix = 10;
  // NumPy pads so the data starts on a 64-byte boundary (memory-mapping friendly); the header ends with '\n'.
  let padded = pad(dict, prefix);
  if (padded.length > 0xffff) {
    major = 2;
    prefix = 12;
    padded = pad(dict, prefix);
  }
  const head = Buffer.alloc(prefix);
  MAGIC.forEach((b, i) => (head[i] = b));
  head[6] = major;
  head[7] = 0;
  if (major === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  // bool outputs may arrive as any array of truthy values; .npy wants one byte of 0 or 1 each.
  const body =
    type === 'bool'
      ? Buffer.from(Uint8Array.from(data, (v) => (v ? 1 : 0)))
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), body]);
}

function pad(dict, prefix) {
  const total = prefix + dict.length + 1;
  const padding = (64 - (total % 64)) % 64;
  return dict + ' '.repeat(padding) + '\n';
}

function matchField(header, key, valuePattern, label) {
  const at = header.search(new RegExp(`['"]${key}['"]\\s*:`));
  if (at < 0) throw new NpyError(`${label}: .npy header has no '${key}'`);
  const rest = header.slice(at).replace(/^['"][^'"]+['"]\s*:\s*/, '');
  const m = rest.match(valuePattern);
  if (!m) throw new NpyError(`${label}: cannot parse '${key}' in .npy header`);
  return m;
}

function swapBytes(raw, width) {
  for (let i = 0; i < raw.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = raw[a];
      raw[a] = raw[b];
      raw[b] = t;
    }
  }
}

// Fortran order is rare in practice (np.asfortranarray), but a silent wrong layout would corrupt an oracle, so convert.
function fortranToC(data, shape, ArrayType) {
  const out = new ArrayType(data.length);
  const rank = shape.length;
  const cStrides = new Array(rank);
  const fStrides = new Array(rank);
  cStrides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) cStrides[d] = cStrides[d + 1] * shape[d + 1];
  fStrides[0] = 1;
  for (let d = 1; d < rank; d++) fStrides[d] = fStrides[d - 1] * shape[d - 1];
  for (let c = 0; c < data.length; c++) {
    let rem = c;
    let f = 0;
    for (let d = 0; d < rank; d++) {
      const idx = Math.floor(rem / cStrides[d]);
      rem -= idx * cStrides[d];
      f += idx * fStrides[d];
    }
    out[c] = data[f];
  }
  return out;
}
