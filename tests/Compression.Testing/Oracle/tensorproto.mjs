// A minimal reader of serialized onnx.TensorProto files (input_<i>.pb, the layout of ONNX's own test_data_set_N
// folders), so the oracle accepts the same inputs as `modelc run`. Only what a tensor input needs: dims, data_type,
// raw_data and the typed repeated fields; external data and segments are refused rather than misread.

export class TensorProtoError extends Error {}

// TensorProto.DataType -> [ORT type name, TypedArray, typed field holding the values when raw_data is absent].
// Field numbers: float_data 4, int32_data 5, int64_data 7, double_data 10, uint64_data 11.
const DATA_TYPES = {
  1: ['float32', Float32Array, 4],
  2: ['uint8', Uint8Array, 5],
  3: ['int8', Int8Array, 5],
  4: ['uint16', Uint16Array, 5],
  5: ['int16', Int16Array, 5],
  6: ['int32', Int32Array, 5],
  7: ['int64', BigInt64Array, 7],
  9: ['bool', Uint8Array, 5],
  10: ['float16', Uint16Array, 5], // the bits, one per int32_data entry
  11: ['float64', Float64Array, 10],
  12: ['uint32', Uint32Array, 11],
  13: ['uint64', BigUint64Array, 11],
};

export function readTensorProto(bytes, label = 'tensor') {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const dims = [];
  let dataType = 0;
  let raw;
  let name = '';
  const typed = { 4: [], 5: [], 7: [], 10: [], 11: [] };
  let pos = 0;

  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new TensorProtoError(`${label}: truncated TensorProto`);
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new TensorProtoError(`${label}: malformed varint`);
    }
  };
  const lengthDelimited = () => {
    const length = Number(varint());
    if (pos + length > buf.length) throw new TensorProtoError(`${label}: truncated TensorProto`);
    const slice = buf.subarray(pos, pos + length);
    pos += length;
    return slice;
  };
  // Repeated scalars arrive packed (one length-delimited run) or one per tag; proto3 writers pack, others may not.
  const readRepeated = (field, wire) => {
    const read = (reader) => {
      if (wire === 2) {
        const end = Number(varint()) + pos;
        while (pos < end) typed[field].push(reader());
      } else {
        typed[field].push(reader());
      }
    };
    if (field === 4) read(() => { const v = buf.readFloatLE(pos); pos += 4; return v; });
    else if (field === 10) read(() => { const v = buf.readDoubleLE(pos); pos += 8; return v; });
    else read(varint);
  };

  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1) {
      if (wire === 2) {
        const end = Number(varint()) + pos;
        while (pos < end) dims.push(BigInt.asIntN(64, varint()));
      } else dims.push(BigInt.asIntN(64, varint()));
    } else if (field === 2 && wire === 0) dataType = Number(varint());
    else if (field === 3) throw new TensorProtoError(`${label}: segmented TensorProto is not supported`);
    else if (field in typed) readRepeated(field, wire);
    else if (field === 8 && wire === 2) name = lengthDelimited().toString('utf8');
    else if (field === 9 && wire === 2) raw = lengthDelimited();
    else if (field === 14 && wire === 0) {
      if (Number(varint()) === 1) throw new TensorProtoError(`${label}: TensorProto with external data is not supported`);
    } else skip(wire);
  }

  function skip(wire) {
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 2) lengthDelimited();
    else if (wire === 5) pos += 4;
    else throw new TensorProtoError(`${label}: unsupported protobuf wire type ${wire}`);
  }

  const entry = DATA_TYPES[dataType];
  if (!entry) throw new TensorProtoError(`${label}: TensorProto data_type ${dataType} is not supported by the oracle`);
  const [type, ArrayType, field] = entry;
  const shape = dims.map((d) => {
    if (d < 0n) throw new TensorProtoError(`${label}: negative dimension ${d}`);
    return Number(d);
  });
  const count = shape.reduce((a, b) => a * b, 1);
  let data;
  if (raw !== undefined) {
    if (raw.length !== count * ArrayType.BYTES_PER_ELEMENT) {
      throw new TensorProtoError(`${label}: raw_data is ${raw.length} bytes, shape [${shape}] of ${type} needs ${count * ArrayType.BYTES_PER_ELEMENT}`);
    }
    const copy = new Uint8Array(raw.length); // own, aligned buffer
    copy.set(raw);
    data = new ArrayType(copy.buffer);
  } else {
    const values = typed[field];
    if (values.length !== count) {
      throw new TensorProtoError(`${label}: ${values.length} values, shape [${shape}] needs ${count}`);
    }
    data = new ArrayType(count);
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (type === 'int64') data[i] = BigInt.asIntN(64, v);
      else if (type === 'uint64') data[i] = BigInt.asUintN(64, v);
      else if (typeof v === 'bigint') data[i] = Number(BigInt.asIntN(64, v)); // int32_data / uint64_data narrow to the type
      else data[i] = v;
    }
  }
  return { type, shape, data, name };
}
