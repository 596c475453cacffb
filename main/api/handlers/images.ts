import type { imageMethods } from '../../../shared/api/methods/images.js';
import { attachImage, captureImage, imagesForBallot, imagesForScan, listTemplates, pendingImages, purgeImagesAction, readImage, saveTemplate, sorterImport } from '../../actions/images.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

/** Envelope images: thin adapters over main/actions/images.ts. */
export const imageHandlers: HandlersFor<typeof imageMethods> = {
  'images.capture': async (station, session, input) => ({ images: await captureImage(station, actor(session), input.seq) }),
  'images.attach': async (station, session, input) => ({ images: await attachImage(station, actor(session), input) }),
  'images.forScan': (station, session, input) => ({ images: imagesForScan(station, actor(session), input.seq) }),
  'images.forBallot': (station, session, input) => ({ images: imagesForBallot(station, actor(session), input.ballotId) }),
  'images.read': (station, session, input) => readImage(station, actor(session), input.sha256),
  'images.templates.list': (station, session) => listTemplates(station, actor(session)),
  'images.templates.save': (station, session, input) => saveTemplate(station, actor(session), input),
  'images.pending': (station, session, input) => pendingImages(station, actor(session), input.limit),
  'images.sorterImport': (station, session) => sorterImport(station, actor(session)),
  'images.purge': (station, session, input) => purgeImagesAction(station, actor(session), input.before),
};
