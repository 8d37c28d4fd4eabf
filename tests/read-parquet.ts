// A Parquet file read back by hyparquet, a reader written apart from ours: its
// rows with INT64 as numbers (exact below 2^53), and its schema's columns.
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

export type ParquetRow = Record<string, number | null>;

const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

export async function readParquet(bytes: Uint8Array): Promise<{ rows: ParquetRow[]; columns: { name: string; type?: string; repetition?: string }[] }> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const columns = parquetMetadata(file).schema.slice(1).map((element) => ({ name: element.name, type: element.type, repetition: element.repetition_type }));
  const objects = await parquetReadObjects({ file, compressors });
  const rows = objects.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : (value as number | null)])));
  return { rows, columns };
}
