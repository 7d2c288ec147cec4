import type { Request } from 'express';
import type { Viewer } from './render';

/** The signed-in person, set by the console's session middleware. */
declare module 'express-serve-static-core' {
  interface Request {
    consoleViewer?: Viewer;
  }
}

export function viewerOf(req: Request): Viewer | undefined {
  return req.consoleViewer;
}
