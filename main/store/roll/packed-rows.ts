import { chunkValue as valueOf, type ChunkShape, type PackedChunk } from '../packed-rows.js';
import { COLUMNS } from './columns.js';

export { CHUNK_FROM, CHUNK_PAD, ChunkStatements, ensureChunkSeq, MAX_CHUNK_ROWS } from '../packed-rows.js';

/**
 * Roll rows packed for the store (store/packed-rows.ts): the roll's columns in COLUMNS order,
 * then the row's number in the file.
 */
export type RollChunk = PackedChunk;

/** Columns of a RollChunk: COLUMNS, then the row number. */
export const CHUNK_COLUMNS = COLUMNS.length + 1;
export const ROW_NO = COLUMNS.length;

export const ROLL_CHUNK: ChunkShape = {
  name: 'roll',
  columns: CHUNK_COLUMNS,
  integers: new Set([COLUMNS.indexOf('voted_other_method'), ROW_NO]),
  notNull: new Set(),
};

/** One value back out of a roll chunk (for the rare row that needs a second look: a repeated key). */
export function chunkValue(b: RollChunk, row: number, col: number): string | number | null {
  return valueOf(ROLL_CHUNK, b, row, col);
}
