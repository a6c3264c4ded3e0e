import type { RouterOutputs } from '@app/api';
import type { ClientPolicy } from '@app/upload-client';

export type RoutesAnswer = RouterOutputs['upload']['routes'];
export type RouteName = keyof RoutesAnswer['routes'] & string;

/** A route's rules as the numbers the upload client checks and plans a file with. */
export function routePolicy(answer: RoutesAnswer, name: RouteName): ClientPolicy & { image: RoutesAnswer['routes'][RouteName]['image'] } {
  const rules = answer.routes[name];
  return {
    allowedTypes: rules.allowedTypes,
    maxBytes: rules.maxBytes,
    urlTtlSeconds: rules.urlTtlSeconds,
    // A route without multipart takes every file in one request.
    multipartThresholdBytes: rules.multipartThresholdBytes ?? Number.POSITIVE_INFINITY,
    multipartConcurrency: rules.multipartConcurrency,
    checksum: answer.checksum,
    image: rules.image,
  };
}
