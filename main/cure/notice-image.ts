import sharp from 'sharp';
import type { StateProfile } from '../../shared/cure/profile.js';
import { ServiceError } from '../../shared/errors.js';
import { imageStoreFor } from '../images/image-store.js';
import type { CureCase } from '../store/cure.js';
import type { Store } from '../store/store.js';
import type { Language } from './notice-text.js';

/**
 * The envelope picture on a cure notice (issue 19): some states' letters show the voter the
 * envelope, or its signature, as the office received it. The office's `cureNoticeImage` setting
 * decides; unset, the state profile's `noticeImage`; neither, no picture.
 *
 * The picture is always the one linked to the scan that opened the case, and it is read through
 * the image store, which re-hashes the file: a purged, missing or altered file gives a notice
 * without the picture and a plain reason, never another voter's picture and never a failed run.
 */
export type NoticeImageMode = 'off' | 'signature' | 'envelope';

export interface NoticePicture {
  /** JPEG bytes: PDF has no WebP (ISO 32000-1:2008, 7.4.8 DCTDecode is JPEG) and pdf-lib embeds only JPEG and PNG. */
  jpeg: Uint8Array;
  width: number;
  height: number;
  caption: string;
  /** Which stored image it is, for the summary and the tests. */
  imageId: number;
  scanSeq: number;
}

export type PictureOutcome = { picture: NoticePicture } | { missing: string } | null;

/** Printed at no more than this many pixels a side: ~150 dpi across the letter's text width. */
const PRINT_MAX_SIDE = 1000;

export function noticeImageMode(store: Store, profile: StateProfile): NoticeImageMode {
  return store.config.get('cureNoticeImage') ?? profile.noticeImage ?? 'off';
}

/**
 * The case's picture, or why there is none (null when the mode is off). Only the scan the case
 * names is looked at; an image row whose ballot is not the case's is never used.
 */
export async function pictureFor(
  store: Store,
  c: CureCase,
  mode: NoticeImageMode,
  language: Language,
  timeZone: string,
): Promise<PictureOutcome> {
  if (mode === 'off') return null;
  const what = mode === 'envelope' ? 'envelope picture' : 'signature picture';
  if (c.scanSeq === null) return { missing: `no ${what}: the case names no scan` };
  const scan = store.scans.get(c.scanSeq);
  if (!scan || scan.ballotId !== c.ballotId)
    return { missing: `no ${what}: scan ${c.scanSeq} is not the scan of ballot ${c.ballotId}` };
  const rows = store.images.forScan(c.scanSeq).filter((r) => r.kind === mode && (r.ballotId === null || r.ballotId === c.ballotId));
  const live = rows.filter((r) => r.purgedAt === null);
  const row = live[live.length - 1];
  if (!row) {
    const purged = rows[rows.length - 1];
    return {
      missing: purged?.purgedAt
        ? `no ${what}: the image of scan ${c.scanSeq} was purged on ${purged.purgedAt.slice(0, 10)}`
        : `no ${what}: none was captured for scan ${c.scanSeq}`,
    };
  }
  let bytes: Buffer;
  try {
    bytes = imageStoreFor(store.path).read(row.sha256).bytes;
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return {
      missing:
        e.code === 'conflict'
          ? `no ${what}: image ${row.id} was altered or replaced on disk (its content no longer matches its hash); run intake audit verify`
          : `no ${what}: the file of image ${row.id} is missing from the image store`,
    };
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: 50_000_000 })
      .resize({ width: PRINT_MAX_SIDE, height: PRINT_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    const caption = captionFor(mode, language, scan.scannedAt, timeZone);
    return { picture: { jpeg: data, width: info.width, height: info.height, caption, imageId: row.id, scanSeq: c.scanSeq } };
  } catch (e) {
    return { missing: `no ${what}: image ${row.id} could not be read (${(e as Error).message})` };
  }
}

/** "Your envelope as we received it, Oct 28" (the day in the state's time zone). */
export function captionFor(mode: 'envelope' | 'signature', language: Language, receivedAt: string, timeZone: string): string {
  const day = new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { month: 'short', day: 'numeric', timeZone }).format(new Date(receivedAt));
  if (language === 'es')
    return mode === 'envelope' ? `Su sobre tal como lo recibimos, ${day}` : `La firma de su sobre tal como lo recibimos, ${day}`;
  return mode === 'envelope' ? `Your envelope as we received it, ${day}` : `The signature on your envelope as we received it, ${day}`;
}
