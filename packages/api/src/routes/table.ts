import { MiB } from '../policy';
import { route } from './define';
import { defineRoutes } from './rules';

/**
 * The upload routes: the one place to add a route (README, "Adding an upload route"). A client
 * names a route in `upload.requestUrl` / `upload.multipart.start`; the name is checked by the type
 * checker in the SPA and on the wire. Options left out take the server's `UPLOAD_*` settings.
 */
export const uploadRoutes = defineRoutes({
  /** Today's rules, the `UPLOAD_*` settings: for clients and scripts that name no route. */
  default: route({}),

  /** Images, within the server's default limits. */
  image: route({ types: ['image/*'] }),

  /** PDFs up to 50 MiB; who uploaded it is signed into the upload and comes back on completion. */
  document: route({
    types: ['application/pdf'],
    maxBytes: 50 * MiB,
    authorize: ({ user }) => ({ uploadedBy: user.name }),
    onUploadComplete: ({ file, metadata }) => ({ title: file.name.replace(/\.pdf$/i, ''), uploadedBy: metadata.uploadedBy }),
  }),

  /** One picture per user: a new one replaces the old once it is verified. */
  avatar: route({
    types: ['image/jpeg', 'image/png', 'image/webp'],
    maxBytes: 2 * MiB,
    multipart: false,
    maxFiles: 1,
    replace: true,
    image: { maxEdge: 512, format: 'image/webp', quality: 0.85, stripMetadata: true },
    onUploadComplete: ({ file }) => ({ avatarKey: file.key }),
  }),

  /** Photos up to 20 MiB, scaled to 2048 px and stripped of EXIF (GPS) in the browser. */
  photo: route({ types: ['image/*'], maxBytes: 20 * MiB, image: { maxEdge: 2048, stripMetadata: true } }),
});

export type UploadRoutes = typeof uploadRoutes;
